/* issuer.c: issuer RSA keys, their requests and certificates (see
 * issuer.h, emv-keys(1) and emv-ca(1)). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "capk.h"
#include "hex.h"
#include "issuer.h"

#define REQ "req"
#define CERT "cert"

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Decode the hex field name of r (min..max bytes) into out.  Returns the
 * length, -1 if it is not that, -2 if it is absent. */
static long
binfield(const struct rec *r, const char *name, uint8_t *out, size_t min,
    size_t max)
{
	const struct rec_field *f = rec_get(r, name);
	uint8_t *b;
	size_t n;

	if (f == NULL)
		return -2;
	if (rec_bin(f, &b, &n) < 0)
		return -1;
	if (n < min || n > max) {
		free(b);
		return -1;
	}
	memcpy(out, b, n);
	free(b);
	return (long)n;
}

static int
digits_ok(const char *s, size_t min, size_t max)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n >= min && n <= max;
}

static void
mmyy_text(const uint8_t b[2], char out[5])
{
	hex_encode(b, 2, out);
}

#define BAD(f, c, ...) (*field = (f), *code = (c), \
	fail(err, errlen, __VA_ARGS__))

int
issuer_req_parse(const struct rec *r, int withkey, struct issuer_req *q,
    const char **field, const char **code, char *err, size_t errlen)
{
	uint8_t n[ODA_NMAX], e[3];
	const char *v;
	long nl, el;
	int rc;

	memset(q, 0, sizeof *q);
	if ((v = rec_value(r, "key")) == NULL || !ks_name_ok(v))
		return BAD("key", "bad-request", "bad-request: no issuer key "
		    "name");
	snprintf(q->key, sizeof q->key, "%s", v);
	if ((v = rec_value(r, "bin")) == NULL || !digits_ok(v, 3, 8))
		return BAD("bin", "bad-bin", "bad-bin: want the issuer "
		    "identifier, 3 to 8 digits");
	snprintf(q->bin, sizeof q->bin, "%s", v);
	if ((v = rec_value(r, "expiry")) == NULL ||
	    oda_expiry_parse(v, q->expiry) != 0)
		return BAD("expiry", "bad-expiry", "bad-expiry: want MMYY");
	if (binfield(r, "serial", q->serial, 3, 3) != 3)
		return BAD("serial", "bad-serial", "bad-serial: want 6 hex "
		    "digits");
	if ((el = binfield(r, "9F32", e, 1, 3)) < 0)
		return BAD("9F32", "bad-key", "bad-key: want the exponent, 03 "
		    "or 010001");
	if (withkey) {
		if ((nl = binfield(r, "modulus", n, 1, ODA_NMAX)) < 0)
			return BAD("modulus", "bad-key", "bad-key: want the "
			    "modulus in hex, at most %d bytes", ODA_NMAX);
		if ((rc = oda_pub_set(&q->pub, n, (size_t)nl, e,
		    (size_t)el)) != 0)
			return BAD(rc == ODA_EEXP ? "9F32" : "modulus",
			    "bad-key", "bad-key: %s", oda_strerror(rc));
	} else {
		memcpy(q->pub.e, e, (size_t)el);
		q->pub.elen = (size_t)el;
	}
	q->test = (v = rec_value(r, "test")) != NULL && strcmp(v, "1") == 0;
	return 0;
}

/* Unwrap issuer key name: its private key, public half and metadata. */
static EVP_PKEY *
load_key(struct ks *ks, const char *name, struct ks_key *k,
    struct oda_pub *pub, char *err, size_t errlen)
{
	EVP_PKEY *pk;
	int rc;

	if (ks_info(ks, name, k, err, errlen) < 0)
		return NULL;
	if (k->type != KS_ISSUER_RSA) {
		fail(err, errlen, "key %s: type %s, not issuer-rsa", name,
		    ks_type_name(k->type));
		return NULL;
	}
	if (ks_get(ks, name, KS_USE_SIGN, k, err, errlen) < 0)
		return NULL;
	pk = oda_priv_from_der(k->val, k->len);
	ks_key_clear(k);
	if (pk == NULL) {
		fail(err, errlen, "key %s: not an RSA private key", name);
		return NULL;
	}
	if ((rc = oda_pub_from_pkey(pub, pk)) != 0) {
		fail(err, errlen, "key %s: %s", name, oda_strerror(rc));
		EVP_PKEY_free(pk);
		return NULL;
	}
	return pk;
}

int
issuer_request(struct ks *ks, const char *name, const char *bin,
    const char *mmyy, const char *serial, const struct date *today,
    struct rec *r, char *err, size_t errlen)
{
	uint8_t exp[2], ser[3] = { 0, 0, 1 };
	struct oda_pub pub;
	struct ks_key k;
	struct rec q;
	EVP_PKEY *pk;
	int rc;

	if (!digits_ok(bin, 3, 8))
		return fail(err, errlen, "%s: the BIN is 3 to 8 digits", bin), -2;
	if (oda_expiry_parse(mmyy, exp) != 0)
		return fail(err, errlen, "%s: the expiry is MMYY", mmyy), -2;
	if (serial != NULL && (strlen(serial) != 6 ||
	    hex_decode_upper(serial, 6, ser) != 3))
		return fail(err, errlen, "%s: the serial is 6 uppercase hex "
		    "digits", serial), -2;
	if (oda_expiry_check(exp, today) != 0)
		return fail(err, errlen, "key %s: expiry %s is past", name,
		    mmyy);
	if ((pk = load_key(ks, name, &k, &pub, err, errlen)) == NULL)
		return -1;
	EVP_PKEY_free(pk);
	rec_init(&q);
	rc = rec_set(r, "key", name) < 0 || rec_set(r, "bin", bin) < 0 ||
	    rec_set(r, "expiry", mmyy) < 0 ||
	    rec_set_bin(r, "serial", ser, 3) < 0 ||
	    rec_set_bin(r, "modulus", pub.n, pub.nlen) < 0 ||
	    rec_set_bin(r, "9F32", pub.e, pub.elen) < 0 ||
	    (k.test && rec_set(r, "test", "1") < 0) ||
	    rec_set(&q, "bin", bin) < 0 || rec_set(&q, "expiry", mmyy) < 0 ||
	    rec_set_bin(&q, "serial", ser, 3) < 0 ?
	    fail(err, errlen, "key %s: cannot write the request", name) :
	    ks_attach_put(ks, name, REQ, &q, 1, err, errlen);
	rec_free(&q);
	return rc;
}

/* The cert fields of a certificate record: rid, 8F, 90, 92, and 9F32
 * into e. */
static int
cert_fields(const struct rec *r, struct issuer *is, uint8_t e[3],
    size_t *elen, char *err, size_t errlen)
{
	long n;

	if (binfield(r, "rid", is->rid, 5, 5) != 5)
		return fail(err, errlen, "rid: want the CA's RID, 10 hex "
		    "digits");
	if (binfield(r, "8F", &is->index, 1, 1) != 1)
		return fail(err, errlen, "8F: want the CA key index, 2 hex "
		    "digits");
	if ((n = binfield(r, "90", is->cert, 1, ODA_NMAX)) < 0)
		return fail(err, errlen, "90: want the certificate, at most "
		    "%d bytes of hex", ODA_NMAX);
	is->certlen = (size_t)n;
	if ((n = binfield(r, "92", is->rem, 0, ODA_NMAX)) == -1)
		return fail(err, errlen, "92: not hex");
	is->remlen = n < 0 ? 0 : (size_t)n;
	if ((n = binfield(r, "9F32", e, 1, 3)) < 0)
		return fail(err, errlen, "9F32: want the exponent, 03 or "
		    "010001");
	*elen = (size_t)n;
	return 0;
}

int
issuer_import(struct ks *ks, const char *name, const struct rec *r,
    const char *capkpath, const struct date *today, char *err,
    size_t errlen)
{
	char why[256], when[11], bin[9];
	uint8_t ex[3];
	size_t exlen;
	const char *v;
	struct issuer is;
	struct oda_cert c;
	struct capk ca;
	struct ks_key k;
	struct rec q;
	EVP_PKEY *pk;
	int rc = -1, e;

	memset(&is, 0, sizeof is);
	rec_init(&q);
	if ((pk = load_key(ks, name, &k, &is.pub, err, errlen)) == NULL)
		return -1;
	EVP_PKEY_free(pk);
	if ((e = ks_attach_get(ks, name, REQ, &q, err, errlen)) != 0) {
		if (e == 1)
			fail(err, errlen, "key %s: no request was made for it "
			    "(emv-keys request)", name);
		goto out;
	}
	if ((v = rec_value(&q, "bin")) == NULL || strlen(v) >= sizeof bin) {
		fail(err, errlen, "key %s: req file: no BIN", name);
		goto out;
	}
	snprintf(bin, sizeof bin, "%s", v);
	rec_free(&q);
	rec_init(&q);
	if ((e = ks_attach_get(ks, name, CERT, &q, why, sizeof why)) != 1) {
		fail(err, errlen, "key %s: already has a certificate", name);
		goto out;
	}
	if (cert_fields(r, &is, ex, &exlen, why, sizeof why) < 0) {
		fail(err, errlen, "key %s: certificate: %s", name, why);
		goto out;
	}
	e = capk_find(capkpath, is.rid, is.index, ks_is_test(ks), &ca, why,
	    sizeof why);
	if (e != 0) {
		if (e == 1)
			fail(err, errlen, "key %s: no %s CA key %s %02X in %s",
			    name, ks_is_test(ks) ? "test" : "live",
			    rec_value(r, "rid"), is.index, capkpath);
		else
			fail(err, errlen, "%s", why);
		goto out;
	}
	if (ca.hasexpiry && date_cmp(today, &ca.expiry) > 0) {
		date_iso(&ca.expiry, when);
		fail(err, errlen, "key %s: CA key %s %02X expired on %s", name,
		    rec_value(r, "rid"), is.index, when);
		goto out;
	}
	e = oda_issuer_cert_verify(&ca.key, is.cert, is.certlen, is.rem,
	    is.remlen, ex, exlen, NULL, today, &c);
	if (e != 0) {
		fail(err, errlen, "key %s: certificate does not verify: %s",
		    name, oda_strerror(e));
		goto out;
	}
	if (strcmp(c.id, bin) != 0) {
		fail(err, errlen, "key %s: certificate is for issuer %s, not "
		    "the BIN %s of the request", name, c.id, bin);
		goto out;
	}
	if (!oda_pub_eq(&c.key, &is.pub)) {
		fail(err, errlen, "key %s: certificate certifies another key",
		    name);
		goto out;
	}
	mmyy_text(c.expiry, when);
	rec_free(&q);
	rec_init(&q);
	if (rec_set(&q, "bin", bin) < 0 || rec_set(&q, "expiry", when) < 0 ||
	    rec_set_bin(&q, "serial", c.serial, 3) < 0 ||
	    rec_set_bin(&q, "rid", is.rid, 5) < 0 ||
	    rec_set_bin(&q, "8F", &is.index, 1) < 0 ||
	    rec_set_bin(&q, "90", is.cert, is.certlen) < 0 ||
	    (is.remlen && rec_set_bin(&q, "92", is.rem, is.remlen) < 0) ||
	    rec_set_bin(&q, "9F32", ex, exlen) < 0 ||
	    rec_set_bin(&q, "ca-modulus", ca.key.n, ca.key.nlen) < 0 ||
	    rec_set_bin(&q, "ca-exponent", ca.key.e, ca.key.elen) < 0 ||
	    rec_set_bin(&q, "ca-checksum", ca.checksum, ODA_HASHLEN) < 0) {
		fail(err, errlen, "key %s: cannot write the certificate", name);
		goto out;
	}
	rc = ks_attach_put(ks, name, CERT, &q, 0, err, errlen);
out:
	rec_free(&q);
	return rc;
}

int
issuer_import_file(struct ks *ks, const char *name, FILE *fp,
    const char *capkpath, const struct date *today, struct rec *r,
    char *err, size_t errlen)
{
	struct rec_reader *rd;
	const char *v;
	int n, rc = -1;

	rd = rec_reader_new(fp);
	do
		n = rec_read(rd, r);
	while (n == 1 && r->kind != REC_LINE_RECORD);
	if (n != 1)
		fail(err, errlen, "%s: no certificate on stdin", name);
	else if (r->perr != NULL)
		fail(err, errlen, "%s: certificate: %s", name, r->perr_reason);
	else if ((v = rec_value(r, "err")) != NULL)
		fail(err, errlen, "%s: the CA refused the request: err=%s", name,
		    v);
	else
		rc = issuer_import(ks, name, r, capkpath, today, err, errlen);
	rec_reader_free(rd);
	return rc;
}

int
issuer_load(struct ks *ks, const char *name, const struct date *today,
    struct issuer *is, char *err, size_t errlen)
{
	uint8_t n[ODA_NMAX], ex[3], cex[3];
	struct oda_cert c;
	struct ks_key k;
	struct rec q;
	const char *v;
	size_t cexlen;
	long nl, el;
	int e;

	memset(is, 0, sizeof *is);
	rec_init(&q);
	if ((is->key = load_key(ks, name, &k, &is->pub, err, errlen)) == NULL)
		return -1;
	snprintf(is->name, sizeof is->name, "%s", name);
	is->test = k.test;
	if ((e = ks_attach_get(ks, name, CERT, &q, err, errlen)) != 0) {
		if (e == 1)
			fail(err, errlen, "key %s: has no certificate (emv-keys "
			    "import -c)", name);
		goto bad;
	}
	if (cert_fields(&q, is, cex, &cexlen, err, errlen) < 0 ||
	    (v = rec_value(&q, "bin")) == NULL || strlen(v) >= sizeof is->bin ||
	    (nl = binfield(&q, "ca-modulus", n, 1, ODA_NMAX)) < 0 ||
	    (el = binfield(&q, "ca-exponent", ex, 1, 3)) < 0 ||
	    oda_pub_set(&is->ca, n, (size_t)nl, ex, (size_t)el) != 0) {
		fail(err, errlen, "key %s: cert file damaged", name);
		goto bad;
	}
	snprintf(is->bin, sizeof is->bin, "%s", v);
	e = oda_issuer_cert_verify(&is->ca, is->cert, is->certlen, is->rem,
	    is->remlen, is->pub.e, is->pub.elen, NULL, today, &c);
	if (e != 0) {
		fail(err, errlen, "key %s: certificate does not verify: %s",
		    name, oda_strerror(e));
		goto bad;
	}
	if (strcmp(c.id, is->bin) != 0 || !oda_pub_eq(&c.key, &is->pub) ||
	    cexlen != is->pub.elen || memcmp(cex, is->pub.e, cexlen) != 0) {
		fail(err, errlen, "key %s: certificate is not this key's", name);
		goto bad;
	}
	memcpy(is->expiry, c.expiry, 2);
	memcpy(is->serial, c.serial, 3);
	rec_free(&q);
	return 0;
bad:
	rec_free(&q);
	issuer_free(is);
	return -1;
}

void
issuer_free(struct issuer *is)
{
	EVP_PKEY_free(is->key);
	memset(is, 0, sizeof *is);
}
