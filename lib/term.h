/* term.h: the terminal's decisions in a contact transaction (EMV 4.4
 * Book 3, 10 and Book 4, 6), as functions of the data alone, so that
 * each is tested without a card: the terminal profile
 * (emvperso-terminal(5)), processing restrictions (10.4), cardholder
 * verification over the CVM list (10.5), terminal risk management
 * (10.6), terminal action analysis (10.7) and the decision after the
 * online authorisation (10.9).  Card I/O is lib/reader's and emv-term's;
 * the bits set are lib/fields' names.
 *
 * Functions returning int give 0, or -1 with a reason in err. */
#ifndef EMV_TERM_H
#define EMV_TERM_H

#include <stddef.h>
#include <stdint.h>

#define TERM_PATHMAX	1024

/* A terminal profile: one record line of emvperso-terminal(5). */
struct term_profile {
	uint8_t tcap[3];	/* 9F33 terminal capabilities */
	uint8_t atcap[5];	/* 9F40 additional terminal capabilities */
	uint8_t country[2];	/* 9F1A */
	uint8_t currency[2];	/* 5F2A */
	uint8_t ttype;		/* 9F35 terminal type */
	uint8_t avn[2];		/* 9F09 application version number */
	uint64_t floor;		/* floor limit, minor units */
	uint8_t tac_default[5], tac_denial[5], tac_online[5];
	uint64_t rs_threshold;	/* random selection: threshold amount */
	unsigned rs_target;	/* target percentage, 0-99 */
	unsigned rs_max;	/* maximum target percentage, 0-99 */
	char capk[TERM_PATHMAX];	/* CA public key list (capk(5)) */
};

struct rec;

/* Read a profile from the record r (emvperso-terminal(5)); every field
 * is required but capk.  Returns 0, or -1 with the field and reason. */
int term_profile_from_rec(const struct rec *r, struct term_profile *p,
    char *err, size_t errlen);

/* 1 if the terminal type (Book 4 A1) can go online. */
int term_online_capable(const struct term_profile *p);

/* The transaction data the terminal supplies. */
struct term_tx {
	uint64_t amount;	/* 9F02 */
	uint64_t other;		/* 9F03 (cashback) */
	uint8_t type;		/* 9C: 00 goods/services, 01 cash, 09 cashback */
	uint8_t date[3];	/* 9A YYMMDD */
};

/* Book 3 10.4: processing restrictions.  The card's data objects, each
 * NULL when the card does not have it: 9F08 (2 bytes), 9F07 AUC (2),
 * 5F28 issuer country (2), 5F25 effective date (3), 5F24 expiry (3).
 * Sets TVR byte 2 bits in tvr. */
void term_restrictions(const struct term_profile *p, const struct term_tx *tx,
    const uint8_t *avn, const uint8_t *auc, const uint8_t *icountry,
    const uint8_t *eff, const uint8_t *exp, uint8_t tvr[5]);

/* Book 3 10.5: CVM list processing, a rule at a time.  The caller starts
 * with term_cvm_start, then while term_cvm_next returns 1 performs the
 * rule it got and reports how it went with term_cvm_result; when
 * term_cvm_next returns 0 the CVM results (9F34) and the TVR are set. */
enum term_cvm_outcome {
	TERM_CVM_FAILED,	/* performed and failed, or could not be */
	TERM_CVM_OK,		/* performed and successful */
	TERM_CVM_UNKNOWN,	/* signature, online PIN: known later */
	TERM_CVM_PTL,		/* offline PIN: try limit exceeded */
	TERM_CVM_NOPIN		/* offline PIN: no PIN pad / PIN not entered */
};

struct term_cvm {
	const uint8_t *list;	/* 8E */
	size_t n;
	size_t pos;		/* next rule's offset */
	uint32_t x, y;		/* the list's amounts */
	uint8_t rule[2];	/* the rule being performed */
	int done;
	uint8_t result[3];	/* 9F34 */
};

/* Start: list is 8E (NULL or too short: no CVM list, 9F34 3F0000).  The
 * card currency 9F42 (NULL if absent) decides the amount conditions. */
void term_cvm_start(struct term_cvm *c, const uint8_t *list, size_t n);

/* The next rule to perform (1, into rule) or 0 when processing is over.
 * Rules whose condition does not hold are skipped; a rule the terminal
 * does not know or support fails (TVR3_UNRECOGNISED_CVM for an unknown
 * one, TVR3_NO_PINPAD for a PIN without a PIN pad), and so do "fail CVM
 * processing" rules; then the next rule is tried when the rule says so. */
int term_cvm_next(struct term_cvm *c, const struct term_profile *p,
    const struct term_tx *tx, const uint8_t *acurrency, uint8_t tvr[5],
    uint8_t rule[2]);

/* The outcome of the rule term_cvm_next gave. */
void term_cvm_result(struct term_cvm *c, enum term_cvm_outcome o,
    uint8_t tvr[5]);

/* Book 3 10.6: terminal risk management: floor limit, random selection
 * (rnd: a number 0-99 drawn by the caller), velocity checking when the
 * card has both 9F14 lcol and 9F23 ucol (NULL: absent) from the ATC and
 * the last online ATC (9F13; NULL: could not be read).  Sets TVR 2 and 4
 * bits. */
void term_trm(const struct term_profile *p, const struct term_tx *tx,
    unsigned rnd, const uint8_t *lcol, const uint8_t *ucol,
    const uint8_t *atc, const uint8_t *lastatc, uint8_t tvr[5]);

/* Book 3 10.7: terminal action analysis.  iac_* NULL when the card has
 * no such IAC (denial: all zero; online and default: all one).  Returns
 * the cryptogram to ask for in the first GENERATE AC: CID_AAC, CID_ARQC
 * or CID_TC (fields.h). */
int term_taa(const struct term_profile *p, const uint8_t tvr[5],
    const uint8_t *iac_denial, const uint8_t *iac_online,
    const uint8_t *iac_default);

/* Book 3 10.7, the default action when the terminal could not go online:
 * CID_AAC or CID_TC. */
int term_taa_default(const struct term_profile *p, const uint8_t tvr[5],
    const uint8_t *iac_default);

/* Book 4 A6: an ARC that approves ("00", "10", "11"). */
int term_arc_approves(const uint8_t arc[2]);

/* BCD n-digit amount (6 bytes) to and from a number. */
int term_amount_decode(const uint8_t b[6], uint64_t *v);
void term_amount_encode(uint64_t v, uint8_t b[6]);

#endif
