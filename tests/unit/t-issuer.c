/* t-issuer.c: issuer keys and their certificates (lib/issuer.c) in a
 * test key store: request, a certificate signed by a CA key made here,
 * import, and issuer_load as the signing stages use it, including the
 * refusals of an expired certificate and of an altered cert file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "capk.h"
#include "issuer.h"
#include "keystore.h"
#include "oda.h"
#include "record.h"
#include "unit.h"

static char dir[64], err[256];

static struct ks *
store(void)
{
	char path[128], lmkpath[128];
	struct ks_lmk lmk;
	struct ks *ks;

	snprintf(dir, sizeof dir, "/tmp/t-issuer.XXXXXX");
	if (mkdtemp(dir) == NULL)
		exit(3);
	snprintf(path, sizeof path, "%s/ks", dir);
	snprintf(lmkpath, sizeof lmkpath, "%s/lmk", dir);
	lmk.file = lmkpath;
	lmk.passfd = -1;
	if (ks_init(path, 1, &lmk, err, sizeof err) < 0 ||
	    (ks = ks_open(path, &lmk, err, sizeof err)) == NULL) {
		printf("# %s\n", err);
		exit(3);
	}
	return ks;
}

/* Put a new issuer-rsa key of bits into the store. */
static void
put_issuer(struct ks *ks, const char *name, unsigned bits)
{
	struct ks_key k;
	EVP_PKEY *pk = oda_keygen(bits, 3);

	memset(&k, 0, sizeof k);
	snprintf(k.name, sizeof k.name, "%s", name);
	k.type = KS_ISSUER_RSA;
	snprintf(k.alg, sizeof k.alg, "rsa%u", bits);
	if (pk == NULL || oda_priv_to_der(pk, &k.val, &k.len) < 0 ||
	    ks_put(ks, &k, err, sizeof err) < 0) {
		printf("# %s\n", err);
		exit(3);
	}
	ks_key_clear(&k);
	EVP_PKEY_free(pk);
}

/* What emv-ca sign does to a request record r: the certificate of
 * A000000003 E1 under ca. */
static void
certify(EVP_PKEY *ca, struct rec *r)
{
	uint8_t cert[ODA_NMAX], rem[ODA_NMAX];
	const char *field, *code;
	struct issuer_req q;
	size_t cl, rl;

	if (issuer_req_parse(r, 1, &q, &field, &code, err, sizeof err) < 0 ||
	    oda_issuer_cert_sign(ca, &q.pub, q.bin, q.expiry, q.serial, cert,
	    &cl, rem, &rl) != 0)
		exit(3);
	rec_del(r, "modulus");
	rec_set(r, "rid", "A000000003");
	rec_set(r, "8F", "E1");
	rec_set_bin(r, "90", cert, cl);
	if (rl)
		rec_set_bin(r, "92", rem, rl);
}

int
main(void)
{
	char listpath[128], certpath[128], line[4096];
	uint8_t c9f46[ODA_NMAX], r9f48[ODA_NMAX];
	struct date today = { 2026, 1, 1 }, later = { 2031, 1, 1 };
	struct oda_pub capub, icc;
	struct capk ca;
	struct issuer is;
	struct rec r;
	struct ks *ks;
	EVP_PKEY *cak, *icck;
	size_t n, m;
	FILE *fp;

	ks = store();
	cak = oda_keygen(1408, 3);
	oda_pub_from_pkey(&capub, cak);
	put_issuer(ks, "iss", 1152);
	put_issuer(ks, "bare", 1024);

	/* The CA key list, as emv-ca export writes it. */
	memset(&ca, 0, sizeof ca);
	memcpy(ca.rid, "\xA0\0\0\0\x03", 5);
	ca.index = 0xE1;
	ca.key = capub;
	ca.test = 1;
	snprintf(listpath, sizeof listpath, "%s/capk.txt", dir);
	rec_init(&r);
	fp = fopen(listpath, "w");
	CHECK(fp != NULL && capk_format(&ca, &r) == 0 && rec_write(fp, &r) ==
	    0 && fclose(fp) == 0, "CA key list written");
	rec_free(&r);

	rec_init(&r);
	CHECK_INT(issuer_request(ks, "iss", "476173", "1230", NULL, &today, &r,
	    err, sizeof err), 0, "request");
	certify(cak, &r);
	CHECK_INT(issuer_import(ks, "iss", &r, listpath, &today, err,
	    sizeof err), 0, "import the certificate");
	rec_free(&r);

	CHECK_INT(issuer_load(ks, "iss", &today, &is, err, sizeof err), 0,
	    "issuer_load");
	CHECK_STR(is.bin, "476173", "loaded: BIN");
	CHECK_MEM(is.rid, "\xA0\0\0\0\x03", 5, "loaded: RID");
	CHECK_INT(is.index, 0xE1, "loaded: CA index (8F)");
	CHECK_INT(is.certlen, 176, "loaded: 90 of the CA's length");
	CHECK_INT(is.remlen, 144 - (176 - 36), "loaded: 92 of 4 bytes");
	CHECK(oda_pub_eq(&is.ca, &capub), "loaded: the CA public key");
	CHECK_INT(is.test, 1, "loaded: a test key");
	CHECK_INT(oda_issuer_cert_verify(&is.ca, is.cert, is.certlen, is.rem,
	    is.remlen, is.pub.e, is.pub.elen, "4761739001010119", &today, NULL),
	    0, "loaded: the chain verifies for a card of the BIN");
	/* As emv-icc will: certify an ICC key with the loaded issuer key. */
	icck = oda_keygen(1024, 3);
	oda_pub_from_pkey(&icc, icck);
	CHECK_INT(oda_icc_cert_sign(is.key, &icc, "4761739001010119",
	    (const uint8_t *)"\x12\x29", (const uint8_t *)"\0\0\1",
	    (const uint8_t *)"\x82\x02\x39\x00", 4, c9f46, &n, r9f48, &m), 0,
	    "the loaded key signs an ICC certificate");
	CHECK_INT(oda_icc_cert_verify(&is.pub, c9f46, n, r9f48, m, icc.e,
	    icc.elen, (const uint8_t *)"\x82\x02\x39\x00", 4,
	    "4761739001010119", &today, NULL), 0, "which verifies");
	issuer_free(&is);
	EVP_PKEY_free(icck);

	CHECK_INT(issuer_load(ks, "iss", &later, &is, err, sizeof err), -1,
	    "issuer_load in 2031: refused");
	CHECK_STR(err, "key iss: certificate does not verify: expired",
	    "the certificate expired after 12/30");
	CHECK_INT(issuer_load(ks, "bare", &today, &is, err, sizeof err), -1,
	    "a key with no certificate: refused");
	CHECK_STR(err, "key bare: has no certificate (emv-keys import -c)",
	    "says so");

	/* An edited cert file: the expiry changed. */
	snprintf(certpath, sizeof certpath, "%s/ks/iss.cert", dir);
	fp = fopen(certpath, "r");
	if (fp == NULL || fgets(line, sizeof line, fp) == NULL)
		exit(3);
	fclose(fp);
	if (strstr(line, "expiry=1230") == NULL)
		exit(3);
	strstr(line, "expiry=1230")[10] = '1';
	fp = fopen(certpath, "w");
	fputs(line, fp);
	fclose(fp);
	CHECK_INT(issuer_load(ks, "iss", &today, &is, err, sizeof err), -1,
	    "an altered cert file: refused");
	CHECK_STR(err, "key iss: cert file altered, or not of this store (its "
	    "MAC does not verify)", "by its MAC");

	ks_close(ks);
	EVP_PKEY_free(cak);
	snprintf(line, sizeof line, "rm -rf '%s'", dir);
	if (system(line) != 0)
		printf("# could not remove %s\n", dir);
	return unit_done();
}
