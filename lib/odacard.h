/* odacard.h: the card side of the RSA chain in a record (EMV 4.4 Book 2,
 * 5 and 6), shared by the stages that sign cards (emv-sda(1), emv-icc(1)):
 * what they check of a card against the issuer key that signs it, how
 * they put a certificate into the card's records, the values they derive
 * from the PAN, and the ICC private key as the DGIs of EMV CPS 1.1.
 *
 * Functions taking a struct rec and returning int give 0 on success, or 1
 * after marking the record with rec_fail ("FIELD: code: reason"). */
#ifndef EMV_ODACARD_H
#define EMV_ODACARD_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "cardrec.h"
#include "date.h"
#include "issuer.h"
#include "keystore.h"
#include "pan.h"
#include "record.h"

#define ODACARD_NISSUER 8	/* issuer keys kept loaded */

/* The issuer keys a stage signs with: those of its command line, loaded
 * first and kept, and those records name, loaded on first use. */
struct odacard_keys {
	struct ks *ks;
	struct date today;		/* for the certificate expiry */
	struct issuer is[ODACARD_NISSUER];
	size_t n;
	size_t npin;			/* is[0..npin): the command line's */
};

/* Issuer key name of k, loaded with issuer_load (key and certificate,
 * checked again under the CA key) if it is not yet; with pin, one of the
 * keys for records that name none.  Returns it, or NULL with a reason in
 * err. */
const struct issuer *odacard_load(struct odacard_keys *k, const char *name,
    int pin, char *err, size_t errlen);

/* The issuer key that signs r: the one its issuerkey attribute names,
 * loaded if need be; else, of the pinned keys, the one whose issuer
 * identifier begins the PAN (the longest), or the first when none does.
 * Returns it, or NULL with a reason in err. */
const struct issuer *odacard_issuer(struct odacard_keys *k,
    const struct rec *r, char *err, size_t errlen);

/* Free the keys of k (not k->ks). */
void odacard_keys_free(struct odacard_keys *k);

/* Open the key store dir (ks_lmk_default's LMK) into k and load the n
 * issuer keys named, each with its certificate checked under its CA key,
 * for a stage's start: exits 3 with the reason on any failure, after
 * freeing what was loaded. */
void odacard_open(struct odacard_keys *k, const char *dir,
    const char *const *names, size_t n);

/* The hex field name of r as bytes into out: its length (1..max), -1 when
 * absent, -2 when it is not 1 to max bytes of hex. */
long odacard_bin(const struct rec *r, const char *name, uint8_t *out,
    size_t max);

/* Check that r can be signed with is on today: through emv-records (94),
 * a PAN (into pan) of the issuer's BIN with
 * the issuer certificate verified again under the CA key (Book 2, 5.3),
 * a card expiry (5F24) not after the certificate's, and no other CA
 * index (8F) or issuer certificate (90, 92, 9F32) in the record.  Err
 * codes no-records, no-pan, bad-pan, wrong-issuer, issuer-mismatch,
 * bad-issuer-cert, bad-expiry, cert-expiry, ca-index. */
int odacard_check(struct rec *r, const struct issuer *is,
    const struct date *today, char pan[PAN_MAX + 1]);

/* Place tag with value v[0..n) into the record the layout names for it
 * (cardrec_place); nothing when n is 0.  A tag the layout has no record
 * for is skipped, unless need is set (a certificate remainder): then the
 * record is marked missing-tag. */
int odacard_place(struct rec *r, const struct cardrec_layout *l,
    uint32_t tag, const uint8_t *v, size_t n, int need);

/* Place the issuer's CA index 8F, certificate 90, remainder 92 and
 * exponent 9F32 (Book 2, 5.3, 6.3) where the layout names them. */
int odacard_place_issuer(struct rec *r, const struct cardrec_layout *l,
    const struct issuer *is);

/* SHA-256 over the PAN as 5A holds it and the PSN (5F34, 00 when
 * absent): the source of the values the issuer assigns per card and that
 * emvperso derives so that a rerun gives the same bytes: the data
 * authentication code 9F45 (its leftmost 2 bytes, Book 2, 5.4) and the
 * ICC certificate serial number (its leftmost 3, Book 2, 6.4).  Returns 0,
 * or -1 when r has no PAN. */
int odacard_pan_hash(const struct rec *r, uint8_t out[32]);

/* Seal the RSA private key pk (modulus of nlen bytes) under kek into the
 * record's DGIs (EMV CPS 1.1; PKCS #1 names): with crt, base+1 qInv =
 * q^-1 mod p, base+2 dQ = d mod (q - 1), base+3 dP = d mod (p - 1),
 * base+4 q, base+5 p, each left-padded with zeros to (nlen + 1) / 2
 * bytes; else 8101 d and 8103 n, nlen bytes each (the ICC key only).
 * base is 0x8200 for the ICC key, 0x8300 for the ICC PIN encipherment
 * key.  ks_kek_seal pads.  Returns 0 or -1 (the record may then hold some
 * of the DGIs). */
int odacard_seal_key(struct rec *r, const struct ks_key *kek, EVP_PKEY *pk,
    size_t nlen, unsigned base, int crt);

#endif
