/* capk.c: CA public key lists (see capk.h and emvperso-capk(5)). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "capk.h"
#include "hex.h"

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Decode field name of r, uppercase hex of min..max bytes, into out. */
static long
hexfield(const struct rec *r, const char *name, uint8_t *out, size_t min,
    size_t max)
{
	const char *v = rec_value(r, name);
	size_t n;

	if (v == NULL)
		return -2;
	n = strlen(v);
	if (n % 2 || n / 2 < min || n / 2 > max)
		return -1;
	return hex_decode_upper(v, n, out);
}

int
capk_parse(const struct rec *r, struct capk *k, char *err, size_t errlen)
{
	uint8_t n[ODA_NMAX], e[3], sum[ODA_HASHLEN];
	const char *v;
	long nl, el;
	int rc;

	memset(k, 0, sizeof *k);
	if (hexfield(r, "rid", k->rid, 5, 5) != 5)
		return fail(err, errlen, "rid: want 10 hex digits");
	if (hexfield(r, "9F22", &k->index, 1, 1) != 1)
		return fail(err, errlen, "9F22: want the index, 2 hex digits");
	if ((nl = hexfield(r, "modulus", n, 1, ODA_NMAX)) < 0)
		return fail(err, errlen, "modulus: want 1 to %d bytes of hex",
		    ODA_NMAX);
	if ((el = hexfield(r, "exponent", e, 1, 3)) < 0)
		return fail(err, errlen, "exponent: want 03 or 010001");
	if ((rc = oda_pub_set(&k->key, n, (size_t)nl, e, (size_t)el)) != 0)
		return fail(err, errlen, "%s: %s", rc == ODA_EEXP ?
		    "exponent" : "modulus", oda_strerror(rc));
	if ((v = rec_value(r, "test")) != NULL) {
		if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0)
			return fail(err, errlen, "test: want 1 or 0");
		k->test = v[0] == '1';
	}
	if ((v = rec_value(r, "expiry")) != NULL) {
		if (strlen(v) != 6 ||
		    date_parse(v, 6, DATE_LAST, &k->expiry) != DATE_OK)
			return fail(err, errlen, "expiry: want a date YYMMDD");
		k->hasexpiry = 1;
	}
	if (hexfield(r, "checksum", k->checksum, ODA_HASHLEN,
	    ODA_HASHLEN) != ODA_HASHLEN)
		return fail(err, errlen, "checksum: want 40 hex digits");
	if (oda_capk_checksum(k->rid, k->index, &k->key, sum) != 0)
		return fail(err, errlen, "checksum: cannot compute it");
	if (CRYPTO_memcmp(sum, k->checksum, sizeof sum) != 0)
		return fail(err, errlen, "checksum: does not match the key "
		    "(SHA-1 of rid, index, modulus, exponent)");
	return 0;
}

int
capk_find(const char *path, const uint8_t rid[5], uint8_t index, int test,
    struct capk *k, char *err, size_t errlen)
{
	struct rec_reader *rd;
	struct capk c;
	struct rec r;
	char why[160];
	FILE *fp;
	int rc, found = 0, bad = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	rd = rec_reader_new(fp);
	rec_init(&r);
	while (!bad && (rc = rec_read(rd, &r)) == 1) {
		if (r.kind != REC_LINE_RECORD)
			continue;
		if (r.perr != NULL) {
			fail(err, errlen, "%s: line %lu: %s", path, r.lineno,
			    r.perr_reason);
			bad = 1;
		} else if (capk_parse(&r, &c, why, sizeof why) < 0) {
			fail(err, errlen, "%s: line %lu: %s", path, r.lineno,
			    why);
			bad = 1;
		} else if (memcmp(c.rid, rid, 5) == 0 && c.index == index &&
		    c.test == (test != 0)) {
			if (found++) {
				fail(err, errlen, "%s: line %lu: key listed "
				    "twice", path, r.lineno);
				bad = 1;
			}
			*k = c;
		}
	}
	if (!bad && rc < 0) {
		fail(err, errlen, "%s: %s", path, strerror(errno));
		bad = 1;
	}
	rec_free(&r);
	rec_reader_free(rd);
	fclose(fp);
	return bad ? -1 : found ? 0 : 1;
}

int
capk_format(struct capk *k, struct rec *r)
{
	char d[7];

	if (oda_capk_checksum(k->rid, k->index, &k->key, k->checksum) != 0)
		return -1;
	if (k->hasexpiry)
		date_yymmdd(&k->expiry, d);
	return rec_set_bin(r, "rid", k->rid, 5) < 0 ||
	    rec_set_bin(r, "9F22", &k->index, 1) < 0 ||
	    rec_set_bin(r, "modulus", k->key.n, k->key.nlen) < 0 ||
	    rec_set_bin(r, "exponent", k->key.e, k->key.elen) < 0 ||
	    (k->hasexpiry && rec_set(r, "expiry", d) < 0) ||
	    rec_set_bin(r, "checksum", k->checksum, ODA_HASHLEN) < 0 ||
	    (k->test && rec_set(r, "test", "1") < 0) ? -1 : 0;
}
