/* host.h: the issuer host's side of an online authorisation (EMV 4.4
 * Book 2, 8 and 9; Book 3, 10.9): read an authorisation request (the
 * card's cryptogram and the terminal data it covers) from a record,
 * check the ARQC by the cryptogram version found in 9F10 (lib/cvn),
 * decide by a few rules, and answer with the Authorisation Response
 * Code (8A), the Issuer Authentication Data (91) and issuer scripts
 * (71, 72).  All the cryptography is lib/cvn's; this module only
 * gathers the data and applies the rules.
 *
 * Functions return 0, a positive HOST_E* code when the request cannot
 * be answered (a field missing or malformed), or -1 on a cipher failure. */
#ifndef EMV_HOST_H
#define EMV_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "cvn.h"
#include "pan.h"

struct rec;

enum host_err {
	HOST_EFIELD = 1		/* a request field missing or malformed */
};

/* An authorisation request, as emv-term sends it (emv-host(1)). */
struct host_req {
	char pan[PAN_MAX + 1];	/* 5A, digits */
	size_t pandigits;
	char psn[3];		/* 5F34, two digits ("00" when absent) */
	int scheme;		/* from the AID (4F, 84 or 9F06), or 0 */
	uint8_t iad[CVN_IADMAX];	/* 9F10 */
	size_t iadlen;
	uint8_t ac[8];		/* 9F26 */
	uint8_t atc[2];		/* 9F36 */
	uint8_t cid;		/* 9F27 */
	uint8_t aip[2];		/* 82 */
	uint8_t tdata[CVN_TDATA_LEN];	/* 9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 */
	uint64_t amount;	/* 9F02 as a number, minor units */
};

/* The host's rules.  limit 0: no amount limit. */
struct host_rules {
	uint64_t limit;
	char **blocked;		/* PANs (digits) whose card is blocked */
	size_t nblocked;
};

/* Issuer scripts asked for (emv-host(1) "script" and "putdata"). */
#define HOST_S_BLOCK		0x01	/* APPLICATION BLOCK, in 71 */
#define HOST_S_UNBLOCK		0x02	/* APPLICATION UNBLOCK, in 72 */
#define HOST_S_PIN_UNBLOCK	0x04	/* PIN CHANGE/UNBLOCK P2 00, in 72 */
#define HOST_S_PIN_CHANGE	0x08	/* PIN CHANGE/UNBLOCK P2 02, in 72 */
#define HOST_PUTMAX		4
#define HOST_SCRIPTMAX		512

struct host_put {
	uint16_t tag;		/* a 2-byte tag: PUT DATA P1 P2 */
	uint8_t val[32];
	size_t len;
};

struct host_scripts {
	unsigned what;		/* HOST_S_* */
	struct host_put put[HOST_PUTMAX];	/* PUT DATA, in 72 */
	size_t nput;
	const char *pin;	/* the new PIN for HOST_S_PIN_CHANGE */
	size_t pinlen;
};

/* The card's derived keys (lib/cvn's cvn_derive_mk of each IMK); smi
 * and smc may be all zero when no script is asked for. */
struct host_keys {
	uint8_t ac[16], smi[16], smc[16];
};

struct host_resp {
	int approve;
	const char *reason;	/* "ok", "arqc", "limit", "blocked", ... */
	const struct cvn *cvn;	/* NULL when 9F10 named none */
	uint8_t arc[2];		/* 8A, two ASCII characters */
	uint8_t d91[16];	/* 91: ARPC and ARC or CSU */
	size_t n91;		/* 0: no 91 (the ARQC did not check) */
	uint8_t s71[HOST_SCRIPTMAX], s72[HOST_SCRIPTMAX];
	size_t n71, n72;
};

/* Fill *q from a request record.  HOST_EFIELD with the offending field's
 * name in *field and a reason in *why when one is missing or wrong. */
int host_req_read(const struct rec *r, struct host_req *q,
    const char **field, const char **why);

/* Parse "block,unblock,pin-unblock,pin-change" (the script attribute)
 * into s->what and "TAG:HEX[,TAG:HEX...]" (putdata) into s->put.  Either
 * may be NULL.  Returns 0, or HOST_EFIELD with *why set. */
int host_scripts_parse(const char *script, const char *putdata,
    struct host_scripts *s, const char **why);

/* The CVN of a request: cvn_iad_parse on its 9F10 under its scheme.
 * Returns the entry, or NULL with the CVN_E* code in *rc. */
const struct cvn *host_cvn(const struct host_req *q, int *rc);

/* Derive the card's MK-AC, MK-SMI, MK-SMC from the IMKs (Book 2 A1.4,
 * the CVN's option); an IMK may be NULL (its key is left zero). */
int host_card_keys(const struct cvn *c, const struct host_req *q,
    const uint8_t *imk_ac, const uint8_t *imk_smi, const uint8_t *imk_smc,
    struct host_keys *k);

/* Book 3 10.9 and Book 2 8.2, 9: the host's answer.  c NULL (a CVN not
 * in the registry) declines with reason "cvn".  Otherwise the ARQC is
 * checked, the rules applied in this order: cryptogram not an ARQC
 * ("not-arqc", ARC 05), ARQC wrong ("arqc", 05, no 91), blocked PAN
 * ("blocked", 62, with an APPLICATION BLOCK script), amount over the
 * limit ("limit", 51); else approved ("ok", 00).  91 is ARPC || ARC
 * (method 1) or ARPC || CSU (method 2: CSU byte 2 bit 8 set when
 * approved).  The scripts of s are MACed (and the PIN enciphered) for the
 * ATC and ARQC of the request. */
int host_answer(const struct cvn *c, const struct host_req *q,
    const struct host_keys *k, const struct host_rules *rules,
    const struct host_scripts *s, struct host_resp *out);

/* Wipe what the structures hold (the PAN, the new PIN's copy, keys). */
void host_req_clear(struct host_req *q);
void host_keys_clear(struct host_keys *k);

#endif
