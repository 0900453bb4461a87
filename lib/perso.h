/* perso.h: the personalization device's work on one card (EMV CPS 1.1
 * §3, GlobalPlatform Card Specification 2.3 11.5 and 11.11, Amendment D
 * for SCP03): read the card's identity, open a secure channel with the
 * card's static keys diversified from the KMC, name the application with
 * INSTALL [for personalization], load a CPS record's DGIs with STORE DATA
 * (secret DGIs opened from the transport key inside the process and
 * encrypted for the card), and check the application is personalized.
 *
 * The card is reached through a transmit callback: the PC/SC backend of
 * lib/pcsc for a reader, or perso_sim, a simulated card of a given
 * identity that writes the APDU script of a dry run.
 *
 * Functions return 0, or -1 with a reason in err (jobs), or fill a
 * struct perso_res (cards). */
#ifndef EMV_PERSO_H
#define EMV_PERSO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "keystore.h"
#include "scp.h"

struct rec;
struct perso_res;

/* One DGI of a job, in loading order (the record's cps= list). */
struct perso_dgi {
	uint16_t id;
	int enc;		/* sealed under the job's KEK: encrypt for the card */
	char pad;		/* 'n' none, 'p' when needed, 'P' always */
	uint8_t *val;		/* record value (sealed for enc) */
	size_t len;
};

/* What a card gets: taken from a CPS record (emv-cps(1)). */
struct perso_job {
	char label[32];
	uint8_t aid[16];
	size_t aidlen;
	struct perso_dgi *dgi;
	size_t ndgi;
	const struct ks_key *kek;	/* the caller's; NULL if none needed */
	unsigned iccbits;		/* 0 if the record does not say */
	uint8_t sha[32];		/* SHA-256 of the data loaded, see below */
};

/* Options of the device, the same for every card. */
struct perso_opts {
	const struct ks_key *kmc;
	enum scp_div div;
	uint8_t scp;		/* 0: as the card answers; 2 or 3: forced */
	uint8_t i02;		/* SCP02 i parameter (15 unless told) */
	uint8_t kvn;		/* key version, 0 for the card's default */
	uint8_t level;		/* SCP_LEVEL_MAC or SCP_LEVEL_MAC|SCP_LEVEL_ENC */
	uint8_t p1fmt;		/* 0x08: STORE DATA P1 says "DGI format" */
	const uint8_t *host_chal;	/* 8 bytes, or NULL for random */
	FILE *trace;		/* masked APDU trace, or NULL */
	const char *tracetag;	/* prefix of trace lines */
};

/* The transport: send cmd, get the response (data and SW) in rsp
 * (PCSC_RSP_MAX).  Returns 0 or a negative PCSC_E* code with err. */
typedef int perso_xmit_fn(void *ctx, const uint8_t *cmd, size_t n,
    unsigned flags, uint8_t *rsp, size_t *rlen, char *err, size_t errlen);

/* Called once, just before the first STORE DATA (the card is about to be
 * changed: the journal records it); nonzero stops before it. */
typedef int perso_hook_fn(void *ctx, const struct perso_res *res);

/* What happened to one card. */
struct perso_res {
	const char *code;	/* NULL: personalized; else the err code */
	const char *step;	/* the step reached or failed at */
	char reason[192];
	uint8_t serial[4];	/* IC serial number (CPLC bytes 13-16) */
	int has_serial;
	uint8_t kdd[SCP_KDD_LEN];
	int has_kdd;
	uint8_t scp, i, level;
	unsigned ncmd;		/* commands sent, every one counted */
	int stored;		/* 1 once a STORE DATA was sent: card changed */
};

/* Fill j from a CPS record: aid, cps list, the DGIs, iccbits; the SHA-256
 * of the data loaded is over, for each DGI in order, its number, its CPS
 * length (1 byte, or FF and 2 bytes) and its value as the record holds
 * it (sealed values for secret DGIs), so a verifier recomputes it from the
 * CPS record and it reveals nothing.  The KEK is the caller's to set.
 * Returns 0, or -1 with *field, *code and err set. */
int perso_job_load(struct perso_job *j, const struct rec *r,
    const char **field, const char **code, char *err, size_t errlen);

/* Free what j holds. */
void perso_job_free(struct perso_job *j);

/* Personalize the card behind xmit with job j (EMV CPS 1.1 §3.2, GP 2.3
 * 11.5.2.3.6, 11.11): res says what happened.  Nothing secret is sent
 * before the card cryptogram is checked (scp_host_response). */
void perso_card(perso_xmit_fn *xmit, void *xctx, const struct perso_opts *o,
    const struct perso_job *j, perso_hook_fn *hook, void *hctx,
    struct perso_res *res);

/* A simulated blank card for dry runs (emv-card(1)'s layout): KDD 0000
 * 6001 SERIAL 0001, sequence counter 0, card challenge zero.  It writes
 * each command it gets to script (replay format, "> HEX", then its
 * answer as "< HEX"), checks the secure channel as a card would, and
 * answers the final SELECT with the FCI of the job's DGI 9102. */
struct perso_sim;

/* A card of the given serial for the KMC of o, SCP02 (3DES KMC, i =
 * o->i02) or SCP03 (AES KMC, i = 70).  NULL with err. */
struct perso_sim *perso_sim_new(const struct perso_opts *o,
    const uint8_t serial[4], const struct perso_job *j, FILE *script,
    char *err, size_t errlen);
perso_xmit_fn perso_sim_xmit;
void perso_sim_free(struct perso_sim *s);

/* The err code of a status word that refuses a command (ISO/IEC 7816-4
 * 5.6, GP 2.3 11.1.3): 6A80 wrong-data, 6A88 unknown-dgi, 6982 security,
 * 6985 conditions, 6A84 no-space, 63Cx auth-failed, ...; card-refused
 * for any other. */
const char *perso_sw_code(unsigned sw);

/* The "serial" of a result in hex, for records and the journal. */
void perso_hex(const uint8_t *b, size_t n, char *out);

#endif
