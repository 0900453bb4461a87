/* emv-ca: a payment-system certification authority for TEST cards: make
 * a CA key pair in a test key store, sign issuer public key certificates
 * (EMV 4.4 Book 2, 5.3 and 6.3) from issuers' requests, and write the CA
 * public key list (emvperso-capk(5)) that terminals and verifiers load.
 * It refuses to run on a live key store (emv-ca(1)). */
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "capk.h"
#include "date.h"
#include "hex.h"
#include "issuer.h"
#include "keystore.h"
#include "oda.h"
#include "record.h"

#define ERRLEN 256
#define CAKIND "ca"		/* the attached file: rid, 9F22, expiry */

static const char *Kflag;
static struct ks_lmk lmk;
static struct ks *ks;
static char errbuf[ERRLEN];

/* A CA key of this store, loaded. */
struct ca {
	char name[KS_NAMEMAX + 1];
	EVP_PKEY *key;
	struct capk pub;	/* rid, index, key, expiry, test */
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s [-K dir] [-p fd] init rid index bits exponent expiry\n"
	    "       %s [-K dir] [-p fd] sign ca-key [file]\n"
	    "       %s [-K dir] [-p fd] export ca-key ...\n",
	    getprogname(), getprogname(), getprogname());
	exit(2);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
fatal(int status, const char *fmt, ...)
{
	va_list ap;

	ks_close(ks);
	va_start(ap, fmt);
	verrx(status, fmt, ap);
}

/* Open the store, which must be a test store. */
static void
open_test_store(void)
{
	if ((ks = ks_open(Kflag, &lmk, errbuf, sizeof errbuf)) == NULL)
		errx(3, "%s", errbuf);
	if (!ks_is_test(ks))
		fatal(3, "key store %s: not a test store: a test CA lives in "
		    "a test store only", Kflag);
}

/* Load CA key name: made by init, in this store, not expired. */
static void
load_ca(const char *name, const struct date *today, struct ca *ca)
{
	struct ks_key k;
	struct rec r;
	const char *rid, *idx, *exp;
	char when[11];
	int n;

	memset(ca, 0, sizeof *ca);
	snprintf(ca->name, sizeof ca->name, "%s", name);
	if (ks_info(ks, name, &k, errbuf, sizeof errbuf) < 0)
		fatal(3, "%s", errbuf);
	if (k.type != KS_CA_RSA)
		fatal(3, "key %s: type %s, not ca-rsa", name,
		    ks_type_name(k.type));
	rec_init(&r);
	if ((n = ks_attach_get(ks, name, CAKIND, &r, errbuf,
	    sizeof errbuf)) == 1)
		fatal(3, "key %s: no RID and index (not made by emv-ca init)",
		    name);
	if (n != 0)
		fatal(3, "%s", errbuf);
	rid = rec_value(&r, "rid");
	idx = rec_value(&r, "9F22");
	exp = rec_value(&r, "expiry");
	if (rid == NULL || strlen(rid) != 10 ||
	    hex_decode_upper(rid, 10, ca->pub.rid) != 5 || idx == NULL ||
	    strlen(idx) != 2 || hex_decode_upper(idx, 2, &ca->pub.index) != 1 ||
	    exp == NULL || strlen(exp) != 6 ||
	    date_parse(exp, 6, DATE_LAST, &ca->pub.expiry) != DATE_OK)
		fatal(3, "key %s: ca file damaged", name);
	rec_free(&r);
	ca->pub.hasexpiry = 1;
	if (today != NULL && date_cmp(today, &ca->pub.expiry) > 0) {
		date_iso(&ca->pub.expiry, when);
		fatal(3, "key %s: expired on %s", name, when);
	}
	if (ks_get(ks, name, KS_USE_SIGN, &k, errbuf, sizeof errbuf) < 0)
		fatal(3, "%s", errbuf);
	ca->key = oda_priv_from_der(k.val, k.len);
	ks_key_clear(&k);
	if (ca->key == NULL || oda_pub_from_pkey(&ca->pub.key, ca->key) != 0)
		fatal(3, "key %s: not an EMV RSA key", name);
	ca->pub.test = 1;
}

static int
cmd_init(char **argv)
{
	char name[KS_NAMEMAX + 1], when[7];
	uint8_t rid[5], idx;
	const char *errstr;
	unsigned long e;
	struct date exp, today;
	struct ks_key k;
	struct rec r;
	EVP_PKEY *pk;
	unsigned bits;
	int rc;

	if (strlen(argv[0]) != 10 || hex_decode_upper(argv[0], 10, rid) != 5)
		errx(2, "%s: the RID is 10 uppercase hex digits", argv[0]);
	if (strlen(argv[1]) != 2 || hex_decode_upper(argv[1], 2, &idx) != 1)
		errx(2, "%s: the index is 2 uppercase hex digits", argv[1]);
	bits = (unsigned)strtonum(argv[2], 1024, 8 * ODA_NMAX, &errstr);
	if (errstr || bits % 8)
		errx(2, "%s: a CA key is 1024 to 1984 bits, a multiple of 8",
		    argv[2]);
	e = (unsigned long)strtonum(argv[3], 3, 65537, &errstr);
	if (errstr || (e != 3 && e != 65537))
		errx(2, "%s: the exponent is 3 or 65537", argv[3]);
	/* No bare 4-digit form: YYMM and the certificates' MMYY look alike. */
	if (strlen(argv[4]) == 4 || date_parse(argv[4], strlen(argv[4]),
	    DATE_LAST, &exp) != DATE_OK)
		errx(2, "%s: the expiry is a date: YYYY-MM-DD, YYMMDD, YYYY-MM "
		    "or MM/YY", argv[4]);
	oda_today(&today);
	if (date_cmp(&exp, &today) < 0)
		errx(2, "%s: the expiry is past", argv[4]);
	snprintf(name, sizeof name, "ca-%s-%s", argv[0], argv[1]);
	open_test_store();
	if (ks_info(ks, name, &k, errbuf, sizeof errbuf) == 0)
		fatal(1, "key %s: already exists", name);
	memset(&k, 0, sizeof k);
	snprintf(k.name, sizeof k.name, "%s", name);
	k.type = KS_CA_RSA;
	snprintf(k.alg, sizeof k.alg, "rsa%u", bits);
	if ((pk = oda_keygen(bits, e)) == NULL ||
	    oda_priv_to_der(pk, &k.val, &k.len) < 0)
		fatal(3, "RSA key generation failed");
	EVP_PKEY_free(pk);
	rc = ks_put(ks, &k, errbuf, sizeof errbuf);
	ks_key_clear(&k);
	if (rc < 0)
		fatal(1, "%s", errbuf);
	date_yymmdd(&exp, when);
	rec_init(&r);
	if (rec_set(&r, "rid", argv[0]) < 0 || rec_set(&r, "9F22", argv[1]) < 0 ||
	    rec_set(&r, "expiry", when) < 0 ||
	    ks_attach_put(ks, name, CAKIND, &r, 0, errbuf, sizeof errbuf) < 0) {
		rec_free(&r);
		ks_delete(ks, name, NULL, 0);
		fatal(3, "key %s: %s", name, errbuf);
	}
	rec_free(&r);
	printf("%s ca-rsa rsa%u - test\n", name, bits);
	ks_close(ks);
	return 0;
}

/* The last day of certificate month mmyy (YY 50-99: 19YY). */
static void
mmyy_end(const uint8_t mmyy[2], struct date *d)
{
	d->m = (mmyy[0] >> 4) * 10 + (mmyy[0] & 0x0F);
	d->y = (mmyy[1] >> 4) * 10 + (mmyy[1] & 0x0F);
	d->y += d->y < 50 ? 2000 : 1900;
	d->d = date_mdays(d->y, d->m);
}

/* Sign the certificate of one request record.  Returns 1 if the record
 * was marked with err. */
static int
sign(struct rec *r, const struct ca *ca, const struct date *today)
{
	uint8_t cert[ODA_NMAX], rem[ODA_NMAX];
	const char *field, *code;
	struct issuer_req q;
	size_t certlen, remlen;
	struct date end;
	char mmyy[5];
	int rc;

	if (issuer_req_parse(r, 1, &q, &field, &code, errbuf,
	    sizeof errbuf) < 0) {
		rec_fail(r, field, code, "%s", errbuf);
		return 1;
	}
	hex_encode(q.expiry, 2, mmyy);
	if (oda_expiry_check(q.expiry, today) != 0) {
		rec_fail(r, "expiry", "expired", "expired: %.2s/%.2s is past",
		    mmyy, mmyy + 2);
		return 1;
	}
	mmyy_end(q.expiry, &end);
	if (date_cmp(&end, &ca->pub.expiry) > 0) {
		rec_fail(r, "expiry", "after-ca", "after-ca: %.2s/%.2s is after "
		    "the CA key's expiry", mmyy, mmyy + 2);
		return 1;
	}
	/* Book 2, 5.1: the issuer key is at most as long as the CA key. */
	if (q.pub.nlen > ca->pub.key.nlen) {
		rec_fail(r, "modulus", "key-size", "key-size: the issuer key "
		    "(%zu bits) is longer than the CA key (%zu bits)",
		    8 * q.pub.nlen, 8 * ca->pub.key.nlen);
		return 1;
	}
	rc = oda_issuer_cert_sign(ca->key, &q.pub, q.bin, q.expiry, q.serial,
	    cert, &certlen, rem, &remlen);
	if (rc != 0) {
		rec_fail(r, NULL, "internal", "internal: %s", oda_strerror(rc));
		return 1;
	}
	rec_del(r, "modulus");
	rec_set_bin(r, "rid", ca->pub.rid, 5);
	rec_set_bin(r, "8F", &ca->pub.index, 1);
	rec_set_bin(r, "90", cert, certlen);
	if (remlen)
		rec_set_bin(r, "92", rem, remlen);
	else
		rec_del(r, "92");
	rec_set_bin(r, "9F32", q.pub.e, q.pub.elen);
	rec_set(r, "test", "1");
	return 0;
}

static int
cmd_sign(int argc, char **argv)
{
	struct rec_reader *rd;
	struct date today;
	struct rec r;
	struct ca ca;
	const char *fname = "stdin";
	FILE *fp = stdin;
	int rc, failed = 0;

	if (argc == 2 && strcmp(argv[1], "-") != 0) {
		fname = argv[1];
		if ((fp = fopen(fname, "r")) == NULL)
			err(3, "%s", fname);
	}
	open_test_store();
	oda_today(&today);
	load_ca(argv[0], &today, &ca);
	ks_close(ks);
	ks = NULL;
	rd = rec_reader_new(fp);
	rec_init(&r);
	while ((rc = rec_next(rd, &r, stdout, &failed)) == 1) {
		failed |= sign(&r, &ca, &today);
		if (rec_write(stdout, &r) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc < 0 && ferror(fp))
		warn("%s", fname);
	rec_free(&r);
	rec_reader_free(rd);
	EVP_PKEY_free(ca.key);
	if (fp != stdin)
		fclose(fp);
	if (rec_flush(stdout) < 0 || rc < 0)
		return 3;
	return failed ? 1 : 0;
}

static int
cmd_export(int argc, char **argv)
{
	struct ca *ca;
	struct rec r;
	int i;

	if ((ca = calloc((size_t)argc, sizeof *ca)) == NULL)
		err(3, NULL);
	/* Every key is loaded before the first line is written. */
	open_test_store();
	for (i = 0; i < argc; i++)
		load_ca(argv[i], NULL, &ca[i]);
	ks_close(ks);
	ks = NULL;
	for (i = 0; i < argc; i++) {
		EVP_PKEY_free(ca[i].key);
		rec_init(&r);
		if (capk_format(&ca[i].pub, &r) < 0 || rec_write(stdout, &r) < 0)
			errx(3, "stdout: %s", strerror(errno));
		rec_free(&r);
	}
	free(ca);
	return rec_flush(stdout) < 0 ? 3 : 0;
}

int
main(int argc, char *argv[])
{
	const char *errstr;
	int ch;

	ks_harden();
	ks_lmk_default(&lmk);
	Kflag = getenv("EMVPERSO_KEYSTORE");
	if (Kflag == NULL || *Kflag == '\0')
		Kflag = "keys";
	while ((ch = getopt(argc, argv, "+K:p:")) != -1)
		switch (ch) {
		case 'K':
			Kflag = optarg;
			break;
		case 'p':
			lmk.passfd = (int)strtonum(optarg, 0, 1024, &errstr);
			if (errstr)
				errx(2, "-p %s: file descriptor %s", optarg, errstr);
			lmk.file = NULL;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc >= 1 && strcmp(argv[0], "init") == 0 && argc == 6)
		return cmd_init(argv + 1);
	if (argc >= 1 && strcmp(argv[0], "sign") == 0 && (argc == 2 ||
	    argc == 3))
		return cmd_sign(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "export") == 0 && argc >= 2)
		return cmd_export(argc - 1, argv + 1);
	usage();
}
