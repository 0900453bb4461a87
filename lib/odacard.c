/* odacard.c: the card side of the RSA chain in a record (see odacard.h). */
#include <stdio.h>
#include <stdlib.h>
#include <err.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "odacard.h"

const struct issuer *
odacard_load(struct odacard_keys *k, const char *name, int pin, char *err,
    size_t errlen)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (strcmp(k->is[i].name, name) == 0)
			break;
	if (i == k->n) {
		if (k->n == ODACARD_NISSUER && k->n > k->npin)
			issuer_free(&k->is[--k->n]);
		if (k->n == ODACARD_NISSUER) {
			snprintf(err, errlen, "more than %d issuer keys",
			    ODACARD_NISSUER);
			return NULL;
		}
		if (issuer_load(k->ks, name, &k->today, &k->is[k->n], err,
		    errlen) < 0)
			return NULL;
		i = k->n++;
	}
	/* Only the command line pins, before any record is read. */
	if (pin && i == k->npin)
		k->npin++;
	return &k->is[i];
}

const struct issuer *
odacard_issuer(struct odacard_keys *k, const struct rec *r, char *err,
    size_t errlen)
{
	const struct rec_field *f;
	const char *name = rec_value(r, "issuerkey");
	char pan[PAN_MAX + 1];
	size_t i, best = 0, bl = 0, l;

	if (name != NULL)
		return odacard_load(k, name, 0, err, errlen);
	if (k->npin == 0) {
		snprintf(err, errlen, "the record names no issuer key, and -k "
		    "names none");
		return NULL;
	}
	if (k->npin > 1 && (f = rec_get(r, "5A")) != NULL &&
	    pan_from_hex(f->value, f->vallen, pan) > 0) {
		for (i = 0; i < k->npin; i++) {
			l = strlen(k->is[i].bin);
			if (l > bl && strncmp(pan, k->is[i].bin, l) == 0) {
				best = i;
				bl = l;
			}
		}
		explicit_bzero(pan, sizeof pan);
	}
	return &k->is[best];
}

void
odacard_keys_free(struct odacard_keys *k)
{
	while (k->n > 0)
		issuer_free(&k->is[--k->n]);
}

long
odacard_bin(const struct rec *r, const char *name, uint8_t *out, size_t max)
{
	const struct rec_field *f;
	uint8_t *b;
	size_t n;

	if ((f = rec_get(r, name)) == NULL)
		return -1;
	if (f->kind == REC_ATTR || rec_bin(f, &b, &n) < 0)
		return -2;
	if (n == 0 || n > max) {
		explicit_bzero(b, n);
		free(b);
		return -2;
	}
	memcpy(out, b, n);
	explicit_bzero(b, n);
	free(b);
	return (long)n;
}

/* 0 if field name of r is absent or holds v[0..n), else 1 with r marked. */
static int
same(struct rec *r, const char *name, const uint8_t *v, size_t n,
    const char *code, const char *what)
{
	uint8_t b[ODA_NMAX];
	long got = odacard_bin(r, name, b, sizeof b);

	if (got == -1 || (got == (long)n && memcmp(b, v, n) == 0))
		return 0;
	rec_fail(r, name, code, "%s: the record holds another %s", code, what);
	return 1;
}

int
odacard_check(struct rec *r, const struct issuer *is,
    const struct date *today, char pan[PAN_MAX + 1])
{
	const struct rec_field *f;
	struct date card, cert;
	const char *v, *code;
	int rc;

	if (rec_get(r, "94") == NULL) {
		rec_fail(r, "94", "no-records", "no-records: no AFL: the "
		    "record has not been through emv-records");
		return 1;
	}
	if ((f = rec_get(r, "5A")) == NULL) {
		rec_fail(r, "5A", "no-pan", "no-pan: the record has no PAN");
		return 1;
	}
	if (pan_from_hex(f->value, f->vallen, pan) < 0) {
		rec_fail(r, "5A", "bad-pan", "bad-pan: not BCD digits (an odd "
		    "count padded with one F)");
		return 1;
	}
	/* Book 2, 5.3 step 10, and the certificate as a terminal sees it. */
	rc = oda_issuer_cert_verify(&is->ca, is->cert, is->certlen, is->rem,
	    is->remlen, is->pub.e, is->pub.elen, pan, today, NULL);
	if (rc != 0) {
		code = rc == ODA_EISSUER ? "wrong-issuer" : "bad-issuer-cert";
		rec_fail(r, "5A", code, "%s: issuer certificate for %s: %s",
		    code, is->bin, oda_strerror(rc));
		return 1;
	}
	if ((v = rec_value(r, "5F24")) == NULL ||
	    date_parse(v, strlen(v), DATE_LAST, &card) != DATE_OK) {
		rec_fail(r, "5F24", "bad-expiry", "bad-expiry: want the card's "
		    "expiry date, YYMMDD");
		return 1;
	}
	/* A card that outlives its issuer certificate fails offline data
	 * authentication from the month after (Book 2, 5.3 step 9). */
	cert.m = (is->expiry[0] >> 4) * 10 + (is->expiry[0] & 15);
	cert.y = (is->expiry[1] >> 4) * 10 + (is->expiry[1] & 15);
	cert.y += cert.y < 50 ? 2000 : 1900;
	cert.d = date_mdays(cert.y, cert.m);
	if (date_cmp(&card, &cert) > 0) {
		rec_fail(r, "5F24", "cert-expiry", "cert-expiry: the card "
		    "expires %02d/%02d, after its issuer certificate "
		    "(%02X/%02X)", card.m, card.y % 100, is->expiry[0],
		    is->expiry[1]);
		return 1;
	}
	if ((v = rec_value(r, "8F")) != NULL && (strlen(v) != 2 ||
	    strtoul(v, NULL, 16) != is->index)) {
		rec_fail(r, "8F", "ca-index", "ca-index: the card names CA key "
		    "%s, the issuer certificate is under CA key %02X", v,
		    is->index);
		return 1;
	}
	return same(r, "90", is->cert, is->certlen, "issuer-mismatch",
	    "issuer certificate") ||
	    same(r, "92", is->rem, is->remlen, "issuer-mismatch", "issuer "
	    "certificate remainder") ||
	    same(r, "9F32", is->pub.e, is->pub.elen, "issuer-mismatch",
	    "issuer exponent");
}

int
odacard_place(struct rec *r, const struct cardrec_layout *l, uint32_t tag,
    const uint8_t *v, size_t n, int need)
{
	char why[256], tn[8];
	int rc;

	if (n == 0)
		return 0;
	if (cardrec_layout_find(l, tag) == NULL) {
		if (!need)
			return 0;
		snprintf(tn, sizeof tn, "%X", (unsigned)tag);
		rec_fail(r, tn, "missing-tag", "missing-tag: the certificate "
		    "has a remainder and the layout has no record for it");
		return 1;
	}
	if ((rc = cardrec_place(r, tag, v, n, why, sizeof why)) < 0) {
		cardrec_fail(r, rc, why);
		return 1;
	}
	return 0;
}

int
odacard_place_issuer(struct rec *r, const struct cardrec_layout *l,
    const struct issuer *is)
{
	return odacard_place(r, l, 0x8F, &is->index, 1, 0) ||
	    odacard_place(r, l, 0x90, is->cert, is->certlen, 0) ||
	    odacard_place(r, l, 0x92, is->rem, is->remlen, 1) ||
	    odacard_place(r, l, 0x9F32, is->pub.e, is->pub.elen, 0);
}

int
odacard_pan_hash(const struct rec *r, uint8_t out[32])
{
	uint8_t in[11];
	long n;
	int ok;

	if ((n = odacard_bin(r, "5A", in, 10)) < 0)
		return -1;
	if (odacard_bin(r, "5F34", in + n, 1) != 1)
		in[n] = 0;
	ok = EVP_Digest(in, (size_t)n + 1, out, NULL, EVP_sha256(), NULL);
	/* The PAN. */
	OPENSSL_cleanse(in, sizeof in);
	return ok == 1 ? 0 : -1;
}

/* Seal parameter name of pk, left-padded to len bytes, into DGI dgi. */
static int
seal(struct rec *r, const struct ks_key *kek, EVP_PKEY *pk, const char *name,
    size_t len, unsigned dgi)
{
	BIGNUM *bn = NULL;
	uint8_t *clear, *out = NULL;
	char dn[8];
	size_t n;
	int rc = -1;

	if ((clear = OPENSSL_malloc(len)) == NULL)
		return -1;
	snprintf(dn, sizeof dn, "DGI%04X", dgi);
	if (EVP_PKEY_get_bn_param(pk, name, &bn) == 1 &&
	    BN_bn2binpad(bn, clear, (int)len) == (int)len &&
	    ks_kek_seal(kek, clear, len, &out, &n) == 0)
		rc = rec_set_bin(r, dn, out, n);
	BN_clear_free(bn);
	OPENSSL_clear_free(clear, len);
	OPENSSL_free(out);
	return rc;
}

int
odacard_seal_key(struct rec *r, const struct ks_key *kek, EVP_PKEY *pk,
    size_t nlen, unsigned base, int crt)
{
	static const char *const part[] = {
		OSSL_PKEY_PARAM_RSA_COEFFICIENT1,	/* qInv = q^-1 mod p */
		OSSL_PKEY_PARAM_RSA_EXPONENT2,		/* dQ = d mod (q - 1) */
		OSSL_PKEY_PARAM_RSA_EXPONENT1,		/* dP = d mod (p - 1) */
		OSSL_PKEY_PARAM_RSA_FACTOR2,		/* q */
		OSSL_PKEY_PARAM_RSA_FACTOR1		/* p */
	};
	unsigned i;

	if (!crt)
		return base != 0x8200 ? -1 :
		    seal(r, kek, pk, OSSL_PKEY_PARAM_RSA_D, nlen, 0x8101) < 0 ||
		    seal(r, kek, pk, OSSL_PKEY_PARAM_RSA_N, nlen, 0x8103) < 0 ?
		    -1 : 0;
	for (i = 0; i < 5; i++)
		if (seal(r, kek, pk, part[i], (nlen + 1) / 2, base + i + 1) < 0)
			return -1;
	return 0;
}

void
odacard_open(struct odacard_keys *k, const char *dir,
    const char *const *names, size_t n)
{
	struct ks_lmk lmk;
	char err[256];
	size_t i;

	oda_today(&k->today);
	ks_lmk_default(&lmk);
	if ((k->ks = ks_open(dir, &lmk, err, sizeof err)) == NULL)
		errx(3, "%s", err);
	for (i = 0; i < n; i++)
		if (odacard_load(k, names[i], 1, err, sizeof err) == NULL) {
			odacard_keys_free(k);
			ks_close(k->ks);
			errx(3, "%s", err);
		}
}
