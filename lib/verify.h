/* verify.h: the checks emv-verify makes of a card record (emv-read's
 * output) on its own and against its data-preparation record: data
 * compared tag by tag, chip and stripe data agreeing, AIP and AFL against
 * the records present, CVM list, offline data authentication (EMV 4.4
 * Book 2, 5 and 6; Book 3, 10.2-10.5).
 *
 * Each check returns 0 when the card passes, 1 when it fails (with a
 * reason in why that never holds a PAN, a key or a PIN), or -1 on an
 * internal failure. */
#ifndef EMV_VERIFY_H
#define EMV_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "cardread.h"
#include "keystore.h"
#include "oda.h"
#include "record.h"

/* Compare the card record with the prepared one: every tag and record DGI
 * (DGI0101-DGI1EFF) of the card against the prepared field of the same
 * name, and every tag inside the prepared record DGIs against the card.
 * names gets the differing field names, comma-separated (truncated with
 * "..." when long).  Returns the number of differences. */
int verify_compare(const struct rec *card, const struct rec *prep,
    char *names, size_t namelen);

/* Chip and stripe data (Book 3, Annex A; ISO/IEC 7813): PAN 5A, expiry
 * 5F24 and service code 5F30 against track 2 equivalent data 57 (and the
 * track2 attribute when there is one). */
int verify_stripe(const struct rec *card, char *why, size_t whylen);

/* The card record's AFL (94) against its records (DGIssrr): every record
 * the AFL names present and no other; the AIP (82) against the data: SDA
 * needs 8F 90 93 9F32, DDA 8F 90 9F32 9F46 9F47 9F49, CDA 9F46 9F47,
 * cardholder verification 8E (Book 3, 10.2, and Annex C1). */
int verify_afl(const struct rec *card, char *why, size_t whylen);

/* CVM list 8E (Book 3, 10.5 and Annex C3): amounts X and Y, then pairs of
 * a known CVM code and a condition code 00-09. */
int verify_cvm(const struct rec *card, char *why, size_t whylen);

/* Rebuild what emv-read read from its card record: AIP, AFL, records
 * (from DGIssrr in AFL order, ODA flags from the AFL), for
 * cardread_find and cardread_oda_data.  Returns 0 or 1. */
int verify_card_from_rec(const struct rec *card, struct cardread_card *c,
    char *why, size_t whylen);

/* Offline data authentication as the AIP says (Book 2, 5.3, 5.4, 6.3,
 * 6.4): the issuer certificate under the CA key of the card's RID and 8F
 * from the list capk (test keys when test), then 93 (SDA) and/or the ICC
 * certificate 9F46 over the static data.  icc (may be NULL) gets the ICC
 * public key when there is one.  A card without ODA passes. */
int verify_oda(const struct cardread_card *c, const char *capk, int test,
    struct oda_pub *icc, int *hasicc, char *why, size_t whylen);

/* What verify_exercise needs besides the card: the issuer master keys
 * (clear, 16 bytes; NULL to skip the checks that need them), the key
 * store the PIN's transport key comes from (NULL: no PIN check), the CA
 * key list and whether test keys are wanted.  usedtest is set when a
 * test key took part. */
struct verify_keys {
	const uint8_t *imk_ac, *imk_smi;
	struct ks *ks;
	const char *capk;
	int test, usedtest;
};

/* Called once per failed check with its name and reason. */
typedef void verify_fail_fn(void *arg, const char *check, const char *why);

/* One transaction on the card at p (Book 3, 6.5; Book 2, 6-9): read it
 * again (check card: the PAN of the card record), plaintext and
 * enciphered VERIFY with the PIN of the prepared record's DGI8010 (pin),
 * INTERNAL AUTHENTICATE when the AIP says DDA (dda), a first GENERATE AC
 * whose ARQC is checked under the MK-AC of the CVN in 9F10 (arqc), the
 * ARPC in the second GENERATE AC or EXTERNAL AUTHENTICATE (arpc), and a
 * MACed APPLICATION UNBLOCK (script).  Returns the number of failed
 * checks, each reported through fail. */
int verify_exercise(struct pcsc *p, const struct cardread_term *t,
    const struct rec *card, const struct rec *prep, struct verify_keys *k,
    verify_fail_fn *fail, void *arg);

#endif
