/* t-oda.c: offline data authentication (lib/oda.c, lib/capk.c) against
 * the public chains of tests/vectors/oda-*.txt (sources in
 * tests/vectors/README.md), the published CA keys of
 * tests/data/capk-public.txt, and sign/verify round trips of every format
 * at 1024 to 1984 bits with exponents 3 and 65537. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "capk.h"
#include "hex.h"
#include "oda.h"
#include "record.h"
#include "unit.h"
#include "vec.h"

/* ---- the vector files: lines "name HEX" */

struct var {
	char name[32];
	uint8_t v[512];
	size_t n;
};

static struct var vars[40];
static int nvars;

static void
vload(const char *file)
{
	char path[256], line[1200], name[32], hex[1100];
	FILE *fp;

	nvars = 0;
	snprintf(path, sizeof path, "%s/%s", getenv("EMV_VECTORS") ?
	    getenv("EMV_VECTORS") : "tests/vectors", file);
	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		exit(3);
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		if (line[0] == '#' || sscanf(line, "%31s %1099s", name, hex) != 2)
			continue;
		if (nvars == (int)(sizeof vars / sizeof vars[0]) ||
		    hex_decode(hex, strlen(hex), vars[nvars].v) < 0) {
			fprintf(stderr, "%s: %s: bad line\n", path, name);
			exit(3);
		}
		snprintf(vars[nvars].name, sizeof vars[nvars].name, "%s", name);
		vars[nvars++].n = strlen(hex) / 2;
	}
	fclose(fp);
}

/* The value of name; *n gets its length. */
static const uint8_t *
V(const char *name, size_t *n)
{
	int i;

	for (i = 0; i < nvars; i++)
		if (strcmp(vars[i].name, name) == 0) {
			if (n != NULL)
				*n = vars[i].n;
			return vars[i].v;
		}
	fprintf(stderr, "no vector %s\n", name);
	exit(3);
}

static size_t
L(const char *name)
{
	size_t n;

	V(name, &n);
	return n;
}

/* The digits of a vector written as hex digits (a PAN, a BIN). */
static const char *
D(const char *name, char *buf)
{
	size_t n;
	const uint8_t *v = V(name, &n);

	hex_encode(v, n, buf);
	return buf;
}

static struct date
day(int y, int m, int d)
{
	struct date t = { y, m, d };

	return t;
}

/* A copy of name with byte i XORed with 01. */
static const uint8_t *
flip(const char *name, size_t i, uint8_t *buf)
{
	const uint8_t *v;
	size_t n;

	v = V(name, &n);
	memcpy(buf, v, n);
	buf[i % n] ^= 0x01;
	return buf;
}

static void
pub(struct oda_pub *k, const char *mod, const char *exp)
{
	if (oda_pub_set(k, V(mod, NULL), L(mod), V(exp, NULL), L(exp)) != 0) {
		fprintf(stderr, "%s: not a key\n", mod);
		exit(3);
	}
}

/* The CA key of the vector file, checked against its published checksum. */
static void
capk(struct oda_pub *ca, const char *what)
{
	uint8_t sum[ODA_HASHLEN];
	char msg[96];

	pub(ca, "capk-modulus", "capk-exponent");
	oda_capk_checksum(V("capk-rid", NULL), V("capk-index", NULL)[0], ca,
	    sum);
	snprintf(msg, sizeof msg, "%s: CA key checksum as published", what);
	CHECK_MEM(sum, V("capk-checksum", NULL), ODA_HASHLEN, msg);
}

/* ---- V20: a real Mastercard DDA card */

static void
v20(void)
{
	struct oda_pub ca, iss, icc, want;
	struct oda_cert c;
	struct date t = day(2015, 1, 1);
	uint8_t buf[512], idn[8], *sda;
	size_t sdalen, idnlen;
	char pan[24], b[24];

	vload("oda-v20.txt");
	sda = vec_load("tlv-static-data.hex", &sdalen);
	D("pan", pan);
	capk(&ca, "V20");
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert"), V("issuer-remainder", NULL),
	    L("issuer-remainder"), V("issuer-exponent", NULL), 1, pan, &t, &c),
	    ODA_OK, "V20: issuer certificate verifies under CA 05");
	pub(&want, "issuer-modulus", "issuer-exponent");
	CHECK(oda_pub_eq(&c.key, &want), "V20: issuer key recovered whole "
	    "(leftmost digits and 92)");
	CHECK_STR(c.id, D("issuer-id", b), "V20: issuer identifier 528588");
	CHECK_MEM(c.expiry, V("issuer-expiry", NULL), 2, "V20: expiry 12/21");
	CHECK_MEM(c.serial, V("issuer-serial", NULL), 3, "V20: serial");
	iss = c.key;
	CHECK_INT(oda_issuer_cert_verify(&ca, flip("issuer-cert", 100, buf),
	    L("issuer-cert"), V("issuer-remainder", NULL),
	    L("issuer-remainder"), V("issuer-exponent", NULL), 1, pan, &t,
	    NULL) > 0, 1, "V20: issuer certificate with a byte flipped fails");
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert"), flip("issuer-remainder", 7, buf),
	    L("issuer-remainder"), V("issuer-exponent", NULL), 1, pan, &t,
	    NULL), ODA_EHASH, "V20: a remainder byte flipped: hash mismatch");
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert"), NULL, 0, V("issuer-exponent", NULL), 1, pan, &t,
	    NULL), ODA_EREM, "V20: no remainder: refused as such");
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert"), V("issuer-remainder", NULL),
	    L("issuer-remainder"), (const uint8_t *)"\1\0\1", 3, pan, &t,
	    NULL), ODA_EEXPLEN, "V20: exponent 65537: length differs");
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert"), V("issuer-remainder", NULL),
	    L("issuer-remainder"), V("issuer-exponent", NULL), 1,
	    "5385881254345653", &t, NULL), ODA_EISSUER,
	    "V20: another PAN: issuer identifier mismatch");
	t = day(2022, 1, 1);
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert"), V("issuer-remainder", NULL),
	    L("issuer-remainder"), V("issuer-exponent", NULL), 1, pan, &t,
	    NULL), ODA_EEXPIRED, "V20: issuer certificate expired in 2022");
	t = day(2021, 12, 31);
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert"), V("issuer-remainder", NULL),
	    L("issuer-remainder"), V("issuer-exponent", NULL), 1, pan, &t,
	    NULL), ODA_OK, "V20: valid through the last day of 12/21");
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert") - 1, NULL, 0, V("issuer-exponent", NULL), 1, NULL,
	    NULL, NULL), ODA_ELEN, "V20: a short certificate: wrong length");

	t = day(2015, 6, 30);
	CHECK_INT(oda_icc_cert_verify(&iss, V("icc-cert", NULL), L("icc-cert"),
	    NULL, 0, V("icc-exponent", NULL), 1, sda, sdalen, pan, &t, &c),
	    ODA_OK, "V20: ICC certificate verifies over the static data");
	pub(&want, "icc-modulus", "icc-exponent");
	CHECK(oda_pub_eq(&c.key, &want), "V20: ICC key recovered (BB-padded, "
	    "no remainder)");
	CHECK_STR(c.id, pan, "V20: certified PAN");
	CHECK_MEM(c.serial, V("icc-serial", NULL), 3, "V20: ICC serial");
	icc = c.key;
	sda[10] ^= 1;
	CHECK_INT(oda_icc_cert_verify(&iss, V("icc-cert", NULL), L("icc-cert"),
	    NULL, 0, V("icc-exponent", NULL), 1, sda, sdalen, pan, &t, NULL),
	    ODA_EHASH, "V20: a static data byte flipped: hash mismatch");
	sda[10] ^= 1;
	CHECK_INT(oda_icc_cert_verify(&iss, flip("icc-cert", 5, buf),
	    L("icc-cert"), NULL, 0, V("icc-exponent", NULL), 1, sda, sdalen,
	    pan, &t, NULL) > 0, 1, "V20: ICC certificate with a byte flipped "
	    "fails");
	CHECK_INT(oda_icc_cert_verify(&iss, V("icc-cert", NULL), L("icc-cert"),
	    NULL, 0, V("icc-exponent", NULL), 1, sda, sdalen,
	    "5285881254345654", &t, NULL), ODA_EPAN, "V20: another PAN");
	t = day(2015, 7, 1);
	CHECK_INT(oda_icc_cert_verify(&iss, V("icc-cert", NULL), L("icc-cert"),
	    NULL, 0, V("icc-exponent", NULL), 1, sda, sdalen, pan, &t, NULL),
	    ODA_EEXPIRED, "V20: ICC certificate expired after 06/15");

	CHECK_INT(oda_dda_verify(&icc, V("sdad", NULL), L("sdad"),
	    V("ddol-data", NULL), L("ddol-data"), idn, &idnlen), ODA_OK,
	    "V20: SDAD verifies with DDOL data 00000000");
	CHECK_INT(idnlen, 8, "V20: ICC dynamic number of 8 bytes");
	CHECK_MEM(idn, V("idn", NULL), 8, "V20: ICC dynamic number");
	CHECK_INT(oda_dda_verify(&icc, V("sdad", NULL), L("sdad"),
	    (const uint8_t *)"\0\0\0\1", 4, idn, &idnlen), ODA_EHASH,
	    "V20: another unpredictable number: hash mismatch");
	CHECK_INT(oda_dda_verify(&icc, flip("sdad", 60, buf), L("sdad"),
	    V("ddol-data", NULL), L("ddol-data"), idn, &idnlen) > 0, 1,
	    "V20: SDAD with a byte flipped fails");
	CHECK_INT(oda_dda_verify(&iss, V("sdad", NULL), L("sdad"),
	    V("ddol-data", NULL), L("ddol-data"), idn, &idnlen), ODA_ELEN,
	    "V20: SDAD under the issuer key: wrong length");
	free(sda);
}

/* ---- V22: the Visa test card (static data not published) */

static void
v22(void)
{
	struct oda_pub ca, iss, icc, want;
	struct oda_cert c;
	struct date t = day(2022, 12, 31);
	uint8_t buf[512], rec[ODA_NMAX], dac[2], idn[8];
	size_t n, idnlen;
	char pan[24], b[24];

	vload("oda-v22.txt");
	D("pan", pan);
	capk(&ca, "V22");
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert"), NULL, 0, V("issuer-exponent", NULL), 1, pan, &t,
	    &c), ODA_OK, "V22: issuer certificate verifies under test CA 94");
	pub(&want, "issuer-modulus", "issuer-exponent");
	CHECK(oda_pub_eq(&c.key, &want), "V22: issuer key, no remainder");
	CHECK_STR(c.id, D("issuer-id", b), "V22: issuer identifier 476173");
	CHECK_MEM(c.serial, V("issuer-serial", NULL), 3, "V22: serial 03DA0A");
	iss = c.key;
	t = day(2032, 1, 1);
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert"), NULL, 0, V("issuer-exponent", NULL), 1, pan, &t,
	    NULL), ODA_EEXPIRED, "V22: expired on 320101 (the source's "
	    "expiry test)");
	n = L("issuer-cert");
	CHECK_INT(oda_issuer_cert_verify(&ca, flip("issuer-cert", n - 1, buf),
	    n, NULL, 0, V("issuer-exponent", NULL), 1, pan, NULL, NULL) > 0, 1,
	    "V22: the source's corrupted certificate (last byte) fails");

	/* The card's static data is not published: the SSAD and the ICC
	 * certificate are checked up to their recovered hashes. */
	CHECK_INT(oda_ssad_verify(&iss, V("ssad", NULL), L("ssad"), NULL, 0,
	    dac), ODA_EHASH, "V22: SSAD recovers (hash over unknown data)");
	CHECK_MEM(dac, V("ssad-dac", NULL), 2, "V22: data authentication "
	    "code DAC0");
	n = L("ssad");
	CHECK_INT(oda_recover(&iss, V("ssad", NULL), n, rec), ODA_OK,
	    "V22: SSAD recovery");
	CHECK_MEM(rec + n - 21, V("ssad-hash", NULL), 20, "V22: SSAD hash as "
	    "the source recovered it");
	CHECK_INT(oda_ssad_verify(&iss, flip("ssad", n - 1, buf), n, NULL, 0,
	    dac) == ODA_EHASH, 0, "V22: the source's corrupted SSAD fails "
	    "before the hash");
	t = day(2022, 12, 31);
	CHECK_INT(oda_icc_cert_verify(&iss, V("icc-cert", NULL), L("icc-cert"),
	    V("icc-remainder", NULL), L("icc-remainder"),
	    V("icc-exponent", NULL), 1, NULL, 0, pan, &t, &c), ODA_EHASH,
	    "V22: ICC certificate recovers (hash over unknown static data)");
	CHECK_MEM(c.hash, V("icc-hash", NULL), 20, "V22: ICC certificate hash "
	    "as the source recovered it");
	pub(&want, "icc-modulus", "icc-exponent");
	CHECK(oda_pub_eq(&c.key, &want), "V22: ICC key with its remainder");
	CHECK_STR(c.id, pan, "V22: certified PAN");
	CHECK_MEM(c.expiry, V("icc-expiry", NULL), 2, "V22: ICC expiry 12/22");
	icc = c.key;
	CHECK_INT(oda_icc_cert_verify(&iss, V("icc-cert", NULL), L("icc-cert"),
	    flip("icc-remainder", 41, buf), L("icc-remainder"),
	    V("icc-exponent", NULL), 1, NULL, 0, pan, &t, &c), ODA_EHASH,
	    "V22: the source's corrupted remainder changes the hash");
	CHECK(!oda_pub_eq(&c.key, &want), "V22: and the key");
	CHECK_INT(oda_dda_verify(&icc, V("sdad", NULL), L("sdad"),
	    V("ddol-data", NULL), L("ddol-data"), idn, &idnlen), ODA_OK,
	    "V22: SDAD verifies with UN 7FBC4049");
	CHECK_INT(idnlen, 2, "V22: ICC dynamic number of 2 bytes");
	CHECK_MEM(idn, V("idn", NULL), 2, "V22: ICC dynamic number 00AE");
	CHECK_INT(oda_dda_verify(&icc, flip("sdad", 3, buf), L("sdad"),
	    V("ddol-data", NULL), L("ddol-data"), idn, &idnlen) > 0, 1,
	    "V22: SDAD with a byte flipped fails");
	CHECK_INT(oda_dda_verify(&icc, V("sdad", NULL), L("sdad"),
	    flip("ddol-data", 0, buf), 4, idn, &idnlen), ODA_EHASH,
	    "V22: another UN: hash mismatch");
}

/* ---- CDA: a Mastercard test card's GENERATE AC signature */

static void
cda(void)
{
	struct oda_pub ca, iss, icc, want;
	struct oda_cert c;
	struct oda_cda got;
	struct date t = day(2025, 5, 6);
	uint8_t buf[512], tdhc[20];
	char pan[24], b[24];

	vload("oda-cda.txt");
	D("pan", pan);
	capk(&ca, "CDA");
	CHECK_INT(oda_issuer_cert_verify(&ca, V("issuer-cert", NULL),
	    L("issuer-cert"), NULL, 0, V("issuer-exponent", NULL), 1, pan, &t,
	    &c), ODA_OK, "CDA: 896-bit issuer key under 1408-bit test CA F1");
	pub(&want, "issuer-modulus", "issuer-exponent");
	CHECK(oda_pub_eq(&c.key, &want), "CDA: issuer key out of BB padding");
	CHECK_STR(c.id, D("issuer-id", b), "CDA: issuer identifier 541333");
	iss = c.key;
	CHECK_INT(oda_icc_cert_verify(&iss, V("icc-cert", NULL), L("icc-cert"),
	    V("icc-remainder", NULL), L("icc-remainder"),
	    V("icc-exponent", NULL), 1, NULL, 0, pan, &t, &c), ODA_EHASH,
	    "CDA: ICC certificate recovers (static data not published)");
	CHECK_MEM(c.hash, V("icc-hash", NULL), 20, "CDA: ICC certificate hash "
	    "as the source recovered it");
	pub(&want, "icc-modulus", "icc-exponent");
	CHECK(oda_pub_eq(&c.key, &want), "CDA: 768-bit ICC key with its "
	    "remainder");
	icc = c.key;
	CHECK_INT(oda_cda_verify(&icc, V("sdad", NULL), L("sdad"),
	    V("un", NULL), 4, V("cid", NULL)[0], V("tdhc", NULL), &got),
	    ODA_OK, "CDA: signature verifies with UN 8B55633B");
	CHECK_INT(got.idnlen, 8, "CDA: IDN of 8 bytes");
	CHECK_MEM(got.idn, V("idn", NULL), 8, "CDA: ICC dynamic number");
	CHECK_MEM(got.ac, V("ac", NULL), 8, "CDA: application cryptogram");
	CHECK_MEM(got.tdhc, V("tdhc", NULL), 20, "CDA: transaction data hash");
	CHECK_INT(oda_cda_verify(&icc, V("sdad", NULL), L("sdad"),
	    V("un", NULL), 4, 0x40, V("tdhc", NULL), &got), ODA_ECID,
	    "CDA: a TC CID against an AAC signature: CID mismatch");
	memcpy(tdhc, V("tdhc", NULL), 20);
	tdhc[19] ^= 1;
	CHECK_INT(oda_cda_verify(&icc, V("sdad", NULL), L("sdad"),
	    V("un", NULL), 4, 0x00, tdhc, &got), ODA_ETDHC,
	    "CDA: another transaction: TDHC mismatch");
	CHECK_INT(oda_cda_verify(&icc, V("sdad", NULL), L("sdad"),
	    flip("un", 2, buf), 4, 0x00, NULL, &got), ODA_EHASH,
	    "CDA: another UN: hash mismatch");
	CHECK_INT(oda_cda_verify(&icc, flip("sdad", 95, buf), L("sdad"),
	    V("un", NULL), 4, 0x00, NULL, &got) > 0, 1,
	    "CDA: the source's corrupted signature (last byte) fails");
}

/* ---- the published CA keys */

static void
capk_list(void)
{
	char path[256], err[200];
	struct rec_reader *rd;
	struct capk k;
	struct rec r;
	FILE *fp;
	int n = 0, bad = 0, live = 0;

	snprintf(path, sizeof path, "%s/../data/capk-public.txt",
	    getenv("EMV_VECTORS") ? getenv("EMV_VECTORS") : "tests/vectors");
	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		exit(3);
	}
	rd = rec_reader_new(fp);
	rec_init(&r);
	while (rec_read(rd, &r) == 1) {
		if (r.kind != REC_LINE_RECORD)
			continue;
		n++;
		if (capk_parse(&r, &k, err, sizeof err) != 0) {
			printf("# line %lu: %s\n", r.lineno, err);
			bad++;
		}
		live += !k.test;
	}
	rec_free(&r);
	rec_reader_free(rd);
	fclose(fp);
	CHECK_INT(n, 21, "capk-public.txt: the 21 keys of V27");
	CHECK_INT(bad, 0, "capk-public.txt: every checksum is SHA-1 of RID, "
	    "index, modulus, exponent");
	CHECK_INT(live, 2, "capk-public.txt: two live keys (Visa 01, "
	    "Mastercard 05)");
	CHECK_INT(capk_find(path, (const uint8_t *)"\xA0\0\0\0\x04", 0x05, 0,
	    &k, err, sizeof err), 0, "capk_find: live Mastercard 05");
	CHECK_INT(k.key.nlen, 176, "capk_find: the live 05 is 1408 bits");
	CHECK_INT(capk_find(path, (const uint8_t *)"\xA0\0\0\0\x04", 0x05, 1,
	    &k, err, sizeof err), 1, "capk_find: no test Mastercard 05 here");
	CHECK_INT(capk_find(path, (const uint8_t *)"\xA0\0\0\0\x04", 0xF5, 1,
	    &k, err, sizeof err), 0, "capk_find: test Mastercard F5");
	CHECK_INT(k.key.elen, 3, "capk_find: F5 has exponent 65537");
}

/* ---- sign, then verify, every format */

struct chain {
	EVP_PKEY *ca, *iss, *icc;
};

static void
roundtrip(const char *what, EVP_PKEY *cak, EVP_PKEY *issk, EVP_PKEY *icck)
{
	static const uint8_t sda[] = { 0x5A, 0x08, 0x47, 0x61, 0x73, 0x90,
	    0x01, 0x01, 0x01, 0x19, 0x5F, 0x24, 0x03, 0x49, 0x12, 0x31, 0x39,
	    0x00 };
	static const uint8_t ddol[] = { 0x12, 0x34, 0x56, 0x78 };
	struct oda_pub ca, iss, icc;
	struct oda_cert c;
	struct oda_cda cd, got;
	struct date t = day(2030, 1, 1);
	uint8_t cert[ODA_NMAX], rem[ODA_NMAX], out[ODA_NMAX], dac[2], idn[8];
	uint8_t exp[2] = { 0x12, 0x49 }, ser[3] = { 0, 0, 7 };
	size_t certlen, remlen, n, idnlen;
	char msg[160];
	int ok = 1, flipped = 1, rc;

#define STEP(cond) do { if (!(cond)) { ok = 0; \
	printf("# %s: line %d\n", what, __LINE__); } } while (0)
	oda_pub_from_pkey(&ca, cak);
	oda_pub_from_pkey(&iss, issk);
	oda_pub_from_pkey(&icc, icck);
	STEP(oda_issuer_cert_sign(cak, &iss, "476173", exp, ser, cert,
	    &certlen, rem, &remlen) == 0);
	STEP(certlen == ca.nlen && remlen == (iss.nlen > ca.nlen - 36 ?
	    iss.nlen - (ca.nlen - 36) : 0));
	STEP(oda_issuer_cert_verify(&ca, cert, certlen, rem, remlen, iss.e,
	    iss.elen, "4761739001010119", &t, &c) == 0 &&
	    oda_pub_eq(&c.key, &iss));
	cert[certlen / 2] ^= 0x80;
	flipped &= oda_issuer_cert_verify(&ca, cert, certlen, rem, remlen,
	    iss.e, iss.elen, NULL, NULL, NULL) > 0;

	STEP(oda_icc_cert_sign(issk, &icc, "4761739001010119", exp, ser, sda,
	    sizeof sda, cert, &certlen, rem, &remlen) == 0);
	STEP(oda_icc_cert_verify(&iss, cert, certlen, rem, remlen, icc.e,
	    icc.elen, sda, sizeof sda, "4761739001010119", &t, &c) == 0 &&
	    oda_pub_eq(&c.key, &icc));
	STEP(oda_icc_cert_verify(&iss, cert, certlen, rem, remlen, icc.e,
	    icc.elen, NULL, 0, NULL, NULL, NULL) == ODA_EHASH);
	cert[1] ^= 0x01;
	flipped &= oda_icc_cert_verify(&iss, cert, certlen, rem, remlen,
	    icc.e, icc.elen, sda, sizeof sda, NULL, NULL, NULL) > 0;
	/* The PIN encipherment certificate: no static data. */
	STEP(oda_icc_cert_sign(issk, &icc, "4761739001010119", exp, ser, NULL,
	    0, cert, &certlen, rem, &remlen) == 0);
	STEP(oda_icc_cert_verify(&iss, cert, certlen, rem, remlen, icc.e,
	    icc.elen, NULL, 0, "4761739001010119", &t, NULL) == 0);

	STEP(oda_ssad_sign(issk, (const uint8_t *)"\xDA\xC0", sda, sizeof sda,
	    out, &n) == 0 && n == iss.nlen);
	STEP(oda_ssad_verify(&iss, out, n, sda, sizeof sda, dac) == 0 &&
	    memcmp(dac, "\xDA\xC0", 2) == 0);
	out[n - 1] ^= 0x01;
	flipped &= oda_ssad_verify(&iss, out, n, sda, sizeof sda, dac) > 0;

	STEP(oda_dda_sign(icck, (const uint8_t *)"\1\2\3\4", 4, ddol,
	    sizeof ddol, out, &n) == 0 && n == icc.nlen);
	STEP(oda_dda_verify(&icc, out, n, ddol, sizeof ddol, idn, &idnlen) ==
	    0 && idnlen == 4 && memcmp(idn, "\1\2\3\4", 4) == 0);
	out[0] ^= 0x01;
	flipped &= oda_dda_verify(&icc, out, n, ddol, sizeof ddol, idn,
	    &idnlen) > 0;

	memset(&cd, 0, sizeof cd);
	memcpy(cd.idn, "\xAB\xCD\xEF\x01\x23\x45\x67\x89", 8);
	cd.idnlen = 8;
	cd.cid = 0x40;
	memcpy(cd.ac, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	STEP(oda_cda_tdhc(ddol, 4, sda, 9, NULL, 0, (const uint8_t *)
	    "\x9F\x27\x01\x40\x9F\x36\x02\x00\x01\x9F\x4B\x01\x00", 13,
	    cd.tdhc) == 0);
	STEP(oda_cda_sign(icck, &cd, ddol, sizeof ddol, out, &n) == 0);
	STEP(oda_cda_verify(&icc, out, n, ddol, sizeof ddol, 0x40, cd.tdhc,
	    &got) == 0 && memcmp(got.ac, cd.ac, 8) == 0);
	out[n / 3] ^= 0x01;
	flipped &= oda_cda_verify(&icc, out, n, ddol, sizeof ddol, 0x40,
	    cd.tdhc, &got) > 0;

	/* Book 2 key sizes: nothing certifies a longer key. */
	if (iss.nlen < ca.nlen) {
		rc = oda_issuer_cert_sign(issk, &ca, "476173", exp, ser, cert,
		    &certlen, rem, &remlen);
		STEP(rc == ODA_EKEYLEN);
	}
	snprintf(msg, sizeof msg, "round trip %s: every format signs and "
	    "verifies", what);
	CHECK(ok, msg);
	snprintf(msg, sizeof msg, "round trip %s: each fails with one byte "
	    "flipped", what);
	CHECK(flipped, msg);
}

static void
roundtrips(void)
{
	static const unsigned bits[] = { 1024, 1152, 1408, 1984 };
	EVP_PKEY *k3[4], *k65[4];
	char what[80];
	int i;

	for (i = 0; i < 4; i++) {
		k3[i] = oda_keygen(bits[i], 3);
		k65[i] = oda_keygen(bits[i], 65537);
		CHECK(k3[i] != NULL && k65[i] != NULL, "oda_keygen: e 3 and "
		    "65537");
	}
	for (i = 0; i < 4; i++) {
		snprintf(what, sizeof what, "e=3, all %u bits", bits[i]);
		roundtrip(what, k3[i], k3[i], k3[i]);
		snprintf(what, sizeof what, "e=65537, all %u bits", bits[i]);
		roundtrip(what, k65[i], k65[i], k65[i]);
	}
	roundtrip("e=3, 1984 > 1408 > 1152", k3[3], k3[2], k3[1]);
	roundtrip("e=65537, 1408 > 1152 > 1024", k65[2], k65[1], k65[0]);
	roundtrip("CA e=3 1984, issuer e=65537 1408, ICC e=3 1024", k3[3],
	    k65[2], k3[0]);
	roundtrip("CA e=65537 1152, issuer e=3 1152, ICC e=65537 1024",
	    k65[1], k3[1], k65[0]);
	for (i = 0; i < 4; i++) {
		EVP_PKEY_free(k3[i]);
		EVP_PKEY_free(k65[i]);
	}
}

/* ---- argument checks and the small helpers */

static void
edges(void)
{
	uint8_t b[10], cert[ODA_NMAX], rem[ODA_NMAX], e2[2], s3[3] = { 0 };
	struct oda_pub small, big;
	struct date t;
	EVP_PKEY *k1, *k2;
	uint8_t *der;
	size_t n, m;

	CHECK_INT(oda_id_encode("476173", b, 4), 0, "id: 6-digit BIN");
	CHECK_MEM(b, "\x47\x61\x73\xFF", 4, "id: F-padded");
	CHECK_INT(oda_id_encode("12", b, 4), ODA_EID, "id: 2 digits refused");
	CHECK_INT(oda_id_encode("123456789", b, 4), ODA_EID, "id: 9 digits "
	    "refused");
	CHECK_INT(oda_id_encode("12a4", b, 4), ODA_EID, "id: not digits");
	CHECK_INT(oda_id_encode("1234567890123456789", b, 10), 0,
	    "PAN: 19 digits");
	CHECK_MEM(b + 9, "\x9F", 1, "PAN: one F after 19 digits");
	CHECK_INT(oda_expiry_parse("1249", e2), 0, "expiry: 1249");
	CHECK_INT(oda_expiry_parse("1349", e2), ODA_EDATE, "expiry: month 13");
	CHECK_INT(oda_expiry_parse("0049", e2), ODA_EDATE, "expiry: month 00");
	CHECK_INT(oda_expiry_parse("124", e2), ODA_EDATE, "expiry: 3 digits");
	oda_expiry_parse("1249", e2);
	t = day(2049, 12, 31);
	CHECK_INT(oda_expiry_check(e2, &t), 0, "expiry: 12/49 is 2049");
	oda_expiry_parse("0150", e2);
	CHECK_INT(oda_expiry_check(e2, &t), ODA_EEXPIRED, "expiry: 01/50 is "
	    "1950");
	CHECK(oda_keygen(1001, 3) == NULL && oda_keygen(1024, 5) == NULL &&
	    oda_keygen(2048, 3) == NULL, "oda_keygen: sizes and exponents "
	    "EMV does not take are refused");
	k1 = oda_keygen(1024, 3);
	k2 = oda_keygen(1152, 65537);
	oda_pub_from_pkey(&small, k1);
	oda_pub_from_pkey(&big, k2);
	CHECK_INT(oda_issuer_cert_sign(k1, &big, "476173",
	    (const uint8_t *)"\x12\x49", s3, cert, &n, rem, &m), ODA_EKEYLEN,
	    "sign: issuer key longer than the CA key refused");
	CHECK_INT(oda_icc_cert_sign(k1, &big, "4761739001010119",
	    (const uint8_t *)"\x12\x49", s3, NULL, 0, cert, &n, rem, &m),
	    ODA_EKEYLEN, "sign: ICC key longer than the issuer key refused");
	CHECK_INT(oda_issuer_cert_sign(k2, &small, "47",
	    (const uint8_t *)"\x12\x49", s3, cert, &n, rem, &m), ODA_EID,
	    "sign: a 2-digit BIN refused");
	CHECK_INT(oda_issuer_cert_sign(k2, &small, "476173",
	    (const uint8_t *)"\x13\x49", s3, cert, &n, rem, &m), ODA_EDATE,
	    "sign: month 13 refused");
	CHECK_INT(oda_sdad_sign(k1, cert, 128 - 24, NULL, 0, rem, &n),
	    ODA_EDYN, "sign: dynamic data longer than N_IC - 25 refused");
	CHECK_INT(oda_dda_sign(k1, cert, 9, NULL, 0, rem, &n), ODA_EDYN,
	    "sign: a 9-byte ICC dynamic number refused");
	CHECK_INT(oda_priv_to_der(k2, &der, &n), 0, "DER: out");
	EVP_PKEY_free(k2);
	k2 = oda_priv_from_der(der, n);
	OPENSSL_clear_free(der, n);
	CHECK(k2 != NULL && oda_pub_from_pkey(&small, k2) == 0 &&
	    oda_pub_eq(&small, &big), "DER: back in, the same key");
	CHECK(oda_priv_from_der((const uint8_t *)"\x30\x03\x02\x01\x00", 5) ==
	    NULL, "DER: garbage refused");
	memset(cert, 0xFF, sizeof cert);
	CHECK_INT(oda_recover(&big, cert, big.nlen, rem), ODA_ERECOVER,
	    "recover: a value not below the modulus refused");
	CHECK_INT(oda_pub_set(&small, cert, 128, (const uint8_t *)"\5", 1),
	    ODA_EEXP, "key: exponent 5 refused");
	cert[0] = 0;
	CHECK_INT(oda_pub_set(&small, cert, 128, (const uint8_t *)"\3", 1),
	    ODA_EKEY, "key: a leading zero byte refused");
	CHECK_INT(oda_pub_set(&small, cert, 250, (const uint8_t *)"\3", 1),
	    ODA_EKEY, "key: 250 bytes refused");
	CHECK(strcmp(oda_strerror(ODA_EHASH), "hash does not match") == 0 &&
	    strcmp(oda_strerror(-1), "internal error (OpenSSL or memory)") ==
	    0, "oda_strerror");
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
}

int
main(void)
{
	v20();
	v22();
	cda();
	capk_list();
	edges();
	roundtrips();
	return unit_done();
}
