/* oda.c: offline data authentication, the RSA side of EMV 4.4 Book 2
 * (see oda.h).  No arithmetic is done here: RSA is OpenSSL's raw
 * operation, SHA-1 its digest; this module only lays out and checks the
 * recovered frames. */
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "oda.h"
#include "tlv.h"

#define HEADER 0x6A
#define TRAILER 0xBC
#define PAD 0xBB
#define SHA1 0x01		/* hash algorithm indicator, Book 2 Annex B3 */
#define RSA 0x01		/* public key algorithm indicator, Annex B2 */

/* A piece of hash input. */
struct chunk {
	const uint8_t *p;
	size_t n;
};

static const char *const errs[] = {
	[ODA_OK] = "verified",
	[ODA_ELEN] = "not of the length of the signing key's modulus",
	[ODA_ERECOVER] = "does not recover under this key (not below its "
	    "modulus)",
	[ODA_ETRAILER] = "does not recover under this key (trailer is not BC)",
	[ODA_EHEADER] = "does not recover under this key (header is not 6A)",
	[ODA_EFORMAT] = "wrong format",
	[ODA_EHASHALG] = "hash algorithm is not SHA-1 (01)",
	[ODA_EPKALG] = "public key algorithm is not RSA (01)",
	[ODA_EKEYLEN] = "certified key is longer than the key that certifies "
	    "it, or too short",
	[ODA_EEXPLEN] = "exponent length differs from the certified one",
	[ODA_EEXP] = "exponent is not 3 or 65537",
	[ODA_EREM] = "remainder missing, not needed, or of the wrong length",
	[ODA_EPAD] = "padding is not BB",
	[ODA_EHASH] = "hash does not match",
	[ODA_EISSUER] = "issuer identifier does not match the PAN",
	[ODA_EPAN] = "certified PAN is not the application PAN",
	[ODA_EID] = "issuer identifier or PAN is not 3-8 or up to 19 digits",
	[ODA_EDATE] = "expiry is not a month MMYY",
	[ODA_EEXPIRED] = "expired",
	[ODA_EDYN] = "dynamic data does not fit or is malformed",
	[ODA_ECID] = "recovered cryptogram information data is not the "
	    "9F27 returned",
	[ODA_ETDHC] = "transaction data hash code does not match",
	[ODA_EKEY] = "modulus is not an RSA key of 512 to 1984 bits",
};

const char *
oda_strerror(int err)
{
	if (err < 0 || (size_t)err >= sizeof errs / sizeof errs[0] ||
	    errs[err] == NULL)
		return "internal error (OpenSSL or memory)";
	return errs[err];
}

/* Book 2, 5.1: the exponent is 3 or 2^16 + 1. */
static int
exp_ok(const uint8_t *e, size_t elen)
{
	return (elen == 1 && e[0] == 3) ||
	    (elen == 3 && e[0] == 1 && e[1] == 0 && e[2] == 1);
}

int
oda_pub_set(struct oda_pub *k, const uint8_t *n, size_t nlen,
    const uint8_t *e, size_t elen)
{
	if (nlen < ODA_NMIN || nlen > ODA_NMAX || n[0] == 0 ||
	    (n[nlen - 1] & 1) == 0)
		return ODA_EKEY;
	if (!exp_ok(e, elen))
		return ODA_EEXP;
	memset(k, 0, sizeof *k);
	memcpy(k->n, n, nlen);
	k->nlen = nlen;
	memcpy(k->e, e, elen);
	k->elen = elen;
	return 0;
}

int
oda_pub_from_pkey(struct oda_pub *k, const EVP_PKEY *pk)
{
	uint8_t n[ODA_NMAX], e[3];
	BIGNUM *bn = NULL, *be = NULL;
	int nl, el, rc = ODA_EKEY;

	if (!EVP_PKEY_is_a(pk, "RSA") ||
	    !EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &bn) ||
	    !EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &be))
		goto out;
	nl = BN_num_bytes(bn);
	el = BN_num_bytes(be);
	if (nl < 1 || nl > ODA_NMAX)
		goto out;
	rc = ODA_EEXP;
	if (el < 1 || el > 3)
		goto out;
	BN_bn2bin(bn, n);
	BN_bn2bin(be, e);
	rc = oda_pub_set(k, n, (size_t)nl, e, (size_t)el);
out:
	BN_free(bn);
	BN_free(be);
	return rc;
}

int
oda_pub_eq(const struct oda_pub *a, const struct oda_pub *b)
{
	return a->nlen == b->nlen && a->elen == b->elen &&
	    memcmp(a->n, b->n, a->nlen) == 0 && memcmp(a->e, b->e, a->elen) == 0;
}

EVP_PKEY *
oda_keygen(unsigned bits, unsigned long e)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pk = NULL;
	OSSL_PARAM p[3];
	size_t nbits = bits;
	struct oda_pub k;

	if (bits < ODA_NMIN * 8 || bits > ODA_NMAX * 8 || bits % 8 ||
	    (e != 3 && e != 65537))
		return NULL;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL)
		return NULL;
	p[0] = OSSL_PARAM_construct_size_t(OSSL_PKEY_PARAM_RSA_BITS, &nbits);
	p[1] = OSSL_PARAM_construct_ulong(OSSL_PKEY_PARAM_RSA_E, &e);
	p[2] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_params(ctx, p) != 1 ||
	    EVP_PKEY_generate(ctx, &pk) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	/* The modulus must take exactly bits / 8 bytes. */
	if (pk != NULL && (oda_pub_from_pkey(&k, pk) != 0 ||
	    k.nlen != bits / 8)) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	return pk;
}

EVP_PKEY *
oda_priv_from_der(const uint8_t *der, size_t n)
{
	const unsigned char *p = der;
	EVP_PKEY *pk;

	if (n > 65536)
		return NULL;
	pk = d2i_AutoPrivateKey(NULL, &p, (long)n);
	if (pk != NULL && !EVP_PKEY_is_a(pk, "RSA")) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	return pk;
}

int
oda_priv_to_der(EVP_PKEY *pk, uint8_t **der, size_t *n)
{
	unsigned char *d = NULL;
	int len;

	if ((len = i2d_PrivateKey(pk, &d)) <= 0)
		return -1;
	*der = OPENSSL_malloc((size_t)len);
	if (*der == NULL) {
		OPENSSL_clear_free(d, (size_t)len);
		return -1;
	}
	memcpy(*der, d, (size_t)len);
	OPENSSL_clear_free(d, (size_t)len);
	*n = (size_t)len;
	return 0;
}

/* An EVP_PKEY holding the public key k. */
static EVP_PKEY *
pub_pkey(const struct oda_pub *k)
{
	OSSL_PARAM_BLD *b = NULL;
	OSSL_PARAM *p = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;
	BIGNUM *n, *e;

	n = BN_bin2bn(k->n, (int)k->nlen, NULL);
	e = BN_bin2bn(k->e, (int)k->elen, NULL);
	if (n == NULL || e == NULL || (b = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e) ||
	    (p = OSSL_PARAM_BLD_to_param(b)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, p) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(p);
	OSSL_PARAM_BLD_free(b);
	BN_free(n);
	BN_free(e);
	return pk;
}

int
oda_recover(const struct oda_pub *k, const uint8_t *in, size_t n,
    uint8_t *out)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk;
	size_t outlen = n;
	int rc = -1;

	if (n != k->nlen)
		return ODA_ELEN;
	/* Both big-endian of one length: a byte compare orders them. */
	if (memcmp(in, k->n, n) >= 0)
		return ODA_ERECOVER;
	if ((pk = pub_pkey(k)) == NULL)
		return -1;
	if ((ctx = EVP_PKEY_CTX_new(pk, NULL)) != NULL &&
	    EVP_PKEY_verify_recover_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
	    EVP_PKEY_verify_recover(ctx, out, &outlen, in, n) == 1 &&
	    outlen <= n) {
		/* A result with leading zero bytes may come back short. */
		if (outlen < n) {
			memmove(out + n - outlen, out, outlen);
			memset(out, 0, n - outlen);
		}
		rc = 0;
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return rc;
}

int
oda_sign_raw(EVP_PKEY *pk, const uint8_t *in, size_t n, uint8_t *out)
{
	EVP_PKEY_CTX *ctx;
	size_t outlen = n;
	int rc = -1;

	if (EVP_PKEY_get_size(pk) != (int)n)
		return ODA_ELEN;
	if ((ctx = EVP_PKEY_CTX_new(pk, NULL)) != NULL &&
	    EVP_PKEY_sign_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
	    EVP_PKEY_sign(ctx, out, &outlen, in, n) == 1 && outlen == n)
		rc = 0;
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* SHA-1 over the chunks (Book 2, Annex B3.1). */
static int
sha1(const struct chunk *c, size_t nc, uint8_t out[ODA_HASHLEN])
{
	EVP_MD_CTX *ctx;
	size_t i;
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1;
	for (i = 0; ok && i < nc; i++)
		if (c[i].n)
			ok = EVP_DigestUpdate(ctx, c[i].p, c[i].n) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
oda_capk_checksum(const uint8_t rid[5], uint8_t index,
    const struct oda_pub *k, uint8_t out[ODA_HASHLEN])
{
	struct chunk c[4] = {
		{ rid, 5 }, { &index, 1 }, { k->n, k->nlen }, { k->e, k->elen }
	};

	return sha1(c, 4, out);
}

int
oda_id_encode(const char *digits, uint8_t *out, size_t outlen)
{
	size_t i, n = strlen(digits);

	/* An issuer identifier is 3-8 digits, a PAN up to 19 (Book 2 5.1). */
	if (n < (outlen == 4 ? 3 : 1) || n > 2 * outlen - (outlen == 10))
		return ODA_EID;
	memset(out, 0xFF, outlen);
	for (i = 0; i < n; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return ODA_EID;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)((digits[i] - '0') << 4 | 0x0F);
		else
			out[i / 2] = (uint8_t)((out[i / 2] & 0xF0) |
			    (digits[i] - '0'));
	}
	return 0;
}

/* Digits of an F-padded BCD field into out (NUL-terminated): digits, then
 * only F.  Returns the digit count or -1. */
static int
id_decode(const uint8_t *in, size_t n, char *out)
{
	size_t i;
	int nd = 0, pad = 0, v;

	for (i = 0; i < 2 * n; i++) {
		v = i % 2 ? in[i / 2] & 0x0F : in[i / 2] >> 4;
		if (v == 0x0F)
			pad = 1;
		else if (v > 9 || pad)
			return -1;
		else
			out[nd++] = (char)('0' + v);
	}
	out[nd] = '\0';
	return nd;
}

static int
bcd2(uint8_t b)
{
	return (b >> 4) > 9 || (b & 0x0F) > 9 ? -1 : (b >> 4) * 10 + (b & 0x0F);
}

int
oda_expiry_parse(const char *mmyy, uint8_t out[2])
{
	size_t i;

	if (strlen(mmyy) != 4)
		return ODA_EDATE;
	for (i = 0; i < 4; i++)
		if (mmyy[i] < '0' || mmyy[i] > '9')
			return ODA_EDATE;
	out[0] = (uint8_t)((mmyy[0] - '0') << 4 | (mmyy[1] - '0'));
	out[1] = (uint8_t)((mmyy[2] - '0') << 4 | (mmyy[3] - '0'));
	return out[0] == 0 || bcd2(out[0]) > 12 ? ODA_EDATE : 0;
}

int
oda_expiry_check(const uint8_t mmyy[2], const struct date *today)
{
	int m = bcd2(mmyy[0]), y = bcd2(mmyy[1]);

	if (m < 1 || m > 12 || y < 0)
		return ODA_EDATE;
	y += y < 50 ? 2000 : 1900;
	/* Valid through the last day of the month (Book 2, 5.3 step 9). */
	if (today->y > y || (today->y == y && today->m > m))
		return ODA_EEXPIRED;
	return 0;
}

void
oda_today(struct date *d)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	d->y = tm.tm_year + 1900;
	d->m = tm.tm_mon + 1;
	d->d = tm.tm_mday;
}

size_t
oda_cert_room(uint8_t format, size_t nsig)
{
	return nsig - (format == 0x02 ? 36 : 42);
}

/* Recover sig under k and check its frame: trailer, header, format. */
static int
frame(const struct oda_pub *k, const uint8_t *sig, size_t n, uint8_t format,
    uint8_t rec[ODA_NMAX])
{
	int rc;

	if ((rc = oda_recover(k, sig, n, rec)) != 0)
		return rc;
	if (rec[n - 1] != TRAILER)
		return ODA_ETRAILER;
	if (rec[0] != HEADER)
		return ODA_EHEADER;
	if (rec[1] != format)
		return ODA_EFORMAT;
	return 0;
}

/* Compare the hash at the end of the n recovered bytes with SHA-1 of
 * rec[1 .. n-21) and the extra chunks. */
static int
hash_check(const uint8_t *rec, size_t n, const struct chunk *extra,
    size_t nextra)
{
	struct chunk c[5];
	uint8_t h[ODA_HASHLEN];
	size_t i;

	c[0].p = rec + 1;
	c[0].n = n - 22;
	for (i = 0; i < nextra; i++)
		c[i + 1] = extra[i];
	if (sha1(c, nextra + 1, h) < 0)
		return -1;
	return CRYPTO_memcmp(h, rec + n - 21, ODA_HASHLEN) ? ODA_EHASH : 0;
}

static int
all_pad(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++ != PAD)
			return 0;
	return 1;
}

/* Formats 02 and 04 (Book 2, tables 6 and 14): recover and check
 * everything but the PAN and the expiry. */
static int
cert_check(const struct oda_pub *signer, uint8_t format, const uint8_t *cert,
    size_t n, const uint8_t *rem, size_t remlen, const uint8_t *exp,
    size_t explen, const uint8_t *sda, size_t sdalen, struct oda_cert *c)
{
	uint8_t rec[ODA_NMAX], n2[ODA_NMAX];
	size_t idlen = format == 0x02 ? 4 : 10, off = 2 + idlen, room, nk;
	struct chunk extra[3] = {
		{ rem, remlen }, { exp, explen }, { sda, sdalen }
	};
	const uint8_t *left;
	int rc, keyrc, nd;

	memset(c, 0, sizeof *c);
	if ((rc = frame(signer, cert, n, format, rec)) != 0)
		return rc;
	room = oda_cert_room(format, n);
	left = rec + off + 9;
	c->format = format;
	memcpy(c->expiry, rec + off, 2);
	memcpy(c->serial, rec + off + 2, 3);
	memcpy(c->hash, rec + n - 21, ODA_HASHLEN);
	if (rec[off + 5] != SHA1)
		return ODA_EHASHALG;
	if (rec[off + 6] != RSA)
		return ODA_EPKALG;
	nk = rec[off + 7];
	if (nk > n || nk < ODA_NMIN)
		return ODA_EKEYLEN;
	if (rec[off + 8] != explen)
		return ODA_EEXPLEN;
	if (!exp_ok(exp, explen))
		return ODA_EEXP;
	if (nk > room ? remlen != nk - room : remlen != 0)
		return ODA_EREM;
	/* What was certified, for the caller even when a check fails. */
	memcpy(n2, left, nk > room ? room : nk);
	if (nk > room)
		memcpy(n2 + room, rem, remlen);
	keyrc = oda_pub_set(&c->key, n2, nk, exp, explen);
	nd = id_decode(rec + 2, idlen, c->id);
	if ((rc = hash_check(rec, n, extra, 3)) != 0)
		return rc;
	if (nk <= room && !all_pad(left + nk, room - nk))
		return ODA_EPAD;
	if (nd < (format == 0x02 ? 3 : 1))
		return ODA_EID;
	return keyrc;
}

/* Sign a certificate of format 02 or 04 for key, then verify it. */
static int
cert_sign(EVP_PKEY *signer, uint8_t format, const struct oda_pub *key,
    const char *id, const uint8_t expiry[2], const uint8_t serial[3],
    const uint8_t *sda, size_t sdalen, uint8_t *cert, size_t *certlen,
    uint8_t *rem, size_t *remlen)
{
	uint8_t msg[ODA_NMAX], eid[10];
	size_t idlen = format == 0x02 ? 4 : 10, off = 2 + idlen, room, n, rl;
	struct oda_pub s;
	struct oda_cert c;
	struct chunk extra[3];
	int rc;

	if ((rc = oda_pub_from_pkey(&s, signer)) != 0)
		return rc;
	n = s.nlen;
	room = oda_cert_room(format, n);
	if (key->nlen > n || key->nlen < ODA_NMIN)
		return ODA_EKEYLEN;
	if (!exp_ok(key->e, key->elen))
		return ODA_EEXP;
	if ((rc = oda_id_encode(id, eid, idlen)) != 0)
		return rc;
	if (bcd2(expiry[0]) < 1 || bcd2(expiry[0]) > 12 || bcd2(expiry[1]) < 0)
		return ODA_EDATE;
	rl = key->nlen > room ? key->nlen - room : 0;
	msg[0] = HEADER;
	msg[1] = format;
	memcpy(msg + 2, eid, idlen);
	memcpy(msg + off, expiry, 2);
	memcpy(msg + off + 2, serial, 3);
	msg[off + 5] = SHA1;
	msg[off + 6] = RSA;
	msg[off + 7] = (uint8_t)key->nlen;
	msg[off + 8] = (uint8_t)key->elen;
	memset(msg + off + 9, PAD, room);
	memcpy(msg + off + 9, key->n, key->nlen - rl);
	memcpy(rem, key->n + key->nlen - rl, rl);
	extra[0] = (struct chunk){ rem, rl };
	extra[1] = (struct chunk){ key->e, key->elen };
	extra[2] = (struct chunk){ sda, sdalen };
	msg[n - 1] = TRAILER;
	{
		struct chunk all[4] = { { msg + 1, n - 22 }, extra[0],
		    extra[1], extra[2] };

		if (sha1(all, 4, msg + n - 21) < 0)
			return -1;
	}
	if ((rc = oda_sign_raw(signer, msg, n, cert)) != 0)
		return rc < 0 ? rc : -1;
	/* Recover what was signed and check it says what was asked. */
	if (cert_check(&s, format, cert, n, rem, rl, key->e, key->elen, sda,
	    sdalen, &c) != 0 || !oda_pub_eq(&c.key, key) ||
	    strcmp(c.id, id) != 0 || memcmp(c.expiry, expiry, 2) != 0 ||
	    memcmp(c.serial, serial, 3) != 0)
		return -1;
	*certlen = n;
	*remlen = rl;
	return 0;
}

int
oda_issuer_cert_sign(EVP_PKEY *ca, const struct oda_pub *issuer,
    const char *id, const uint8_t expiry[2], const uint8_t serial[3],
    uint8_t *cert, size_t *certlen, uint8_t *rem, size_t *remlen)
{
	if (strlen(id) > 8)
		return ODA_EID;
	return cert_sign(ca, 0x02, issuer, id, expiry, serial, NULL, 0, cert,
	    certlen, rem, remlen);
}

int
oda_issuer_cert_verify(const struct oda_pub *ca, const uint8_t *cert,
    size_t certlen, const uint8_t *rem, size_t remlen, const uint8_t *exp,
    size_t explen, const char *pan, const struct date *today,
    struct oda_cert *out)
{
	struct oda_cert c;
	int rc;

	rc = cert_check(ca, 0x02, cert, certlen, rem, remlen, exp, explen,
	    NULL, 0, &c);
	/* Book 2, 5.3 step 8: the identifier is the leftmost PAN digits. */
	if (rc == 0 && pan != NULL && strncmp(pan, c.id, strlen(c.id)) != 0)
		rc = ODA_EISSUER;
	if (rc == 0 && today != NULL)
		rc = oda_expiry_check(c.expiry, today);
	if (out != NULL)
		*out = c;
	return rc;
}

int
oda_icc_cert_sign(EVP_PKEY *issuer, const struct oda_pub *icc,
    const char *pan, const uint8_t expiry[2], const uint8_t serial[3],
    const uint8_t *sda, size_t sdalen, uint8_t *cert, size_t *certlen,
    uint8_t *rem, size_t *remlen)
{
	return cert_sign(issuer, 0x04, icc, pan, expiry, serial, sda, sdalen,
	    cert, certlen, rem, remlen);
}

int
oda_icc_cert_verify(const struct oda_pub *issuer, const uint8_t *cert,
    size_t certlen, const uint8_t *rem, size_t remlen, const uint8_t *exp,
    size_t explen, const uint8_t *sda, size_t sdalen, const char *pan,
    const struct date *today, struct oda_cert *out)
{
	struct oda_cert c;
	int rc;

	rc = cert_check(issuer, 0x04, cert, certlen, rem, remlen, exp, explen,
	    sda, sdalen, &c);
	/* Book 2, 6.4 step 8: the certified PAN is the application PAN. */
	if (rc == 0 && pan != NULL && strcmp(pan, c.id) != 0)
		rc = ODA_EPAN;
	if (rc == 0 && today != NULL)
		rc = oda_expiry_check(c.expiry, today);
	if (out != NULL)
		*out = c;
	return rc;
}

int
oda_ssad_verify(const struct oda_pub *issuer, const uint8_t *ssad,
    size_t n, const uint8_t *sda, size_t sdalen, uint8_t dac[2])
{
	uint8_t rec[ODA_NMAX];
	struct chunk extra = { sda, sdalen };
	int rc;

	if ((rc = frame(issuer, ssad, n, 0x03, rec)) != 0)
		return rc;
	if (dac != NULL)
		memcpy(dac, rec + 3, 2);
	if (rec[2] != SHA1)
		return ODA_EHASHALG;
	if ((rc = hash_check(rec, n, &extra, 1)) != 0)
		return rc;
	return all_pad(rec + 5, n - 26) ? 0 : ODA_EPAD;
}

int
oda_ssad_sign(EVP_PKEY *issuer, const uint8_t dac[2], const uint8_t *sda,
    size_t sdalen, uint8_t *out, size_t *outlen)
{
	uint8_t msg[ODA_NMAX], got[2];
	struct oda_pub s;
	size_t n;
	int rc;

	if ((rc = oda_pub_from_pkey(&s, issuer)) != 0)
		return rc;
	n = s.nlen;
	msg[0] = HEADER;
	msg[1] = 0x03;
	msg[2] = SHA1;
	memcpy(msg + 3, dac, 2);
	memset(msg + 5, PAD, n - 26);
	msg[n - 1] = TRAILER;
	{
		struct chunk c[2] = { { msg + 1, n - 22 }, { sda, sdalen } };

		if (sha1(c, 2, msg + n - 21) < 0)
			return -1;
	}
	if ((rc = oda_sign_raw(issuer, msg, n, out)) != 0)
		return rc < 0 ? rc : -1;
	if (oda_ssad_verify(&s, out, n, sda, sdalen, got) != 0 ||
	    memcmp(got, dac, 2) != 0)
		return -1;
	*outlen = n;
	return 0;
}

int
oda_sdad_verify(const struct oda_pub *icc, const uint8_t *sdad, size_t n,
    const uint8_t *data, size_t datalen, uint8_t *dyn, size_t *dynlen)
{
	uint8_t rec[ODA_NMAX];
	struct chunk extra = { data, datalen };
	size_t ldd;
	int rc;

	if ((rc = frame(icc, sdad, n, 0x05, rec)) != 0)
		return rc;
	if (rec[2] != SHA1)
		return ODA_EHASHALG;
	ldd = rec[3];
	if (ldd > n - 25)
		return ODA_EDYN;
	if ((rc = hash_check(rec, n, &extra, 1)) != 0)
		return rc;
	if (!all_pad(rec + 4 + ldd, n - ldd - 25))
		return ODA_EPAD;
	memcpy(dyn, rec + 4, ldd);
	*dynlen = ldd;
	return 0;
}

int
oda_sdad_sign(EVP_PKEY *icc, const uint8_t *dyn, size_t dynlen,
    const uint8_t *data, size_t datalen, uint8_t *out, size_t *outlen)
{
	uint8_t msg[ODA_NMAX], got[ODA_NMAX];
	struct oda_pub s;
	size_t n, gotlen;
	int rc;

	if ((rc = oda_pub_from_pkey(&s, icc)) != 0)
		return rc;
	n = s.nlen;
	if (dynlen > n - 25)
		return ODA_EDYN;
	msg[0] = HEADER;
	msg[1] = 0x05;
	msg[2] = SHA1;
	msg[3] = (uint8_t)dynlen;
	memcpy(msg + 4, dyn, dynlen);
	memset(msg + 4 + dynlen, PAD, n - dynlen - 25);
	msg[n - 1] = TRAILER;
	{
		struct chunk c[2] = { { msg + 1, n - 22 }, { data, datalen } };

		if (sha1(c, 2, msg + n - 21) < 0)
			return -1;
	}
	if ((rc = oda_sign_raw(icc, msg, n, out)) != 0)
		return rc < 0 ? rc : -1;
	if (oda_sdad_verify(&s, out, n, data, datalen, got, &gotlen) != 0 ||
	    gotlen != dynlen || memcmp(got, dyn, dynlen) != 0)
		return -1;
	*outlen = n;
	return 0;
}

int
oda_dda_sign(EVP_PKEY *icc, const uint8_t *idn, size_t idnlen,
    const uint8_t *ddol, size_t ddollen, uint8_t *out, size_t *outlen)
{
	uint8_t dyn[9];

	/* Book 2, 6.5.1: the ICC dynamic number is 2-8 bytes. */
	if (idnlen < 2 || idnlen > 8)
		return ODA_EDYN;
	dyn[0] = (uint8_t)idnlen;
	memcpy(dyn + 1, idn, idnlen);
	return oda_sdad_sign(icc, dyn, idnlen + 1, ddol, ddollen, out, outlen);
}

int
oda_dda_verify(const struct oda_pub *icc, const uint8_t *sdad, size_t n,
    const uint8_t *ddol, size_t ddollen, uint8_t idn[8], size_t *idnlen)
{
	uint8_t dyn[ODA_NMAX];
	size_t dynlen;
	int rc;

	if ((rc = oda_sdad_verify(icc, sdad, n, ddol, ddollen, dyn,
	    &dynlen)) != 0)
		return rc;
	if (dynlen < 1 || dyn[0] < 2 || dyn[0] > 8 || 1u + dyn[0] > dynlen)
		return ODA_EDYN;
	memcpy(idn, dyn + 1, dyn[0]);
	*idnlen = dyn[0];
	return 0;
}

int
oda_cda_tdhc(const uint8_t *pdol, size_t pdollen, const uint8_t *cdol1,
    size_t cdol1len, const uint8_t *cdol2, size_t cdol2len,
    const uint8_t *resp, size_t resplen, uint8_t tdhc[ODA_HASHLEN])
{
	const uint8_t *p = resp, *end = resp + resplen, *start;
	EVP_MD_CTX *ctx;
	struct tlv t;
	int ok, r;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1 &&
	    (pdollen == 0 || EVP_DigestUpdate(ctx, pdol, pdollen) == 1) &&
	    (cdol1len == 0 || EVP_DigestUpdate(ctx, cdol1, cdol1len) == 1) &&
	    (cdol2 == NULL || cdol2len == 0 ||
	    EVP_DigestUpdate(ctx, cdol2, cdol2len) == 1);
	while (ok && (r = tlv_next(&p, end, &t)) == 1) {
		start = t.val - t.hdrlen;
		if (t.tag != 0x9F4B)
			ok = EVP_DigestUpdate(ctx, start, t.hdrlen + t.len) == 1;
	}
	if (ok && r < 0) {
		EVP_MD_CTX_free(ctx);
		return ODA_EDYN;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, tdhc, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
oda_cda_sign(EVP_PKEY *icc, const struct oda_cda *c, const uint8_t *un,
    size_t unlen, uint8_t *out, size_t *outlen)
{
	uint8_t dyn[1 + 8 + 1 + 8 + ODA_HASHLEN];
	size_t n;

	/* Book 2, 6.6.1 table 19: L_DN, IDN, CID, AC, TDHC. */
	if (c->idnlen < 2 || c->idnlen > 8)
		return ODA_EDYN;
	dyn[0] = (uint8_t)c->idnlen;
	memcpy(dyn + 1, c->idn, c->idnlen);
	n = 1 + c->idnlen;
	dyn[n++] = c->cid;
	memcpy(dyn + n, c->ac, 8);
	n += 8;
	memcpy(dyn + n, c->tdhc, ODA_HASHLEN);
	n += ODA_HASHLEN;
	return oda_sdad_sign(icc, dyn, n, un, unlen, out, outlen);
}

int
oda_cda_verify(const struct oda_pub *icc, const uint8_t *sdad, size_t n,
    const uint8_t *un, size_t unlen, uint8_t cid,
    const uint8_t tdhc[ODA_HASHLEN], struct oda_cda *out)
{
	uint8_t dyn[ODA_NMAX];
	size_t dynlen, l;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = oda_sdad_verify(icc, sdad, n, un, unlen, dyn, &dynlen)) != 0)
		return rc;
	l = dynlen ? dyn[0] : 0;
	if (l < 2 || l > 8 || dynlen < 1 + l + 1 + 8 + ODA_HASHLEN)
		return ODA_EDYN;
	memcpy(out->idn, dyn + 1, l);
	out->idnlen = l;
	out->cid = dyn[1 + l];
	memcpy(out->ac, dyn + 2 + l, 8);
	memcpy(out->tdhc, dyn + 10 + l, ODA_HASHLEN);
	/* Book 2, 6.6.2: the CID first, then the hash of the transaction. */
	if (out->cid != cid)
		return ODA_ECID;
	if (tdhc != NULL && CRYPTO_memcmp(out->tdhc, tdhc, ODA_HASHLEN) != 0)
		return ODA_ETDHC;
	return 0;
}
