/* emv-sda: sign each card's static application data with the issuer's
 * private key (93, format 03, EMV 4.4 Book 2, 5.4), with its data
 * authentication code, and put 93 and the issuer's certificate (90, 92,
 * 9F32, 8F) into the records its layout names (emv-sda(1)). */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cardrec.h"
#include "date.h"
#include "issuer.h"
#include "keystore.h"
#include "oda.h"
#include "odacard.h"
#include "pan.h"
#include "record.h"

#define ERRLEN 256

static const char *Kflag;
static struct odacard_keys keys;

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-k issuer-key] [-K dir] [file]\n",
	    getprogname());
	exit(2);
}

/* The data authentication code (9F45): the record's, else derived from
 * the PAN (odacard_pan_hash).  Returns 0 or 1 with r marked. */
static int
dac_of(struct rec *r, uint8_t dac[2])
{
	uint8_t h[32];
	long n;

	if ((n = odacard_bin(r, "9F45", dac, 2)) == 2)
		return 0;
	if (n != -1 || odacard_pan_hash(r, h) < 0) {
		rec_fail(r, "9F45", "bad-dac", "bad-dac: want 2 bytes");
		return 1;
	}
	memcpy(dac, h, 2);
	return 0;
}

/* Recover the 93 the record now holds over the static data it now has,
 * as a terminal would (Book 2, 5.4). */
static int
verify(struct rec *r, const struct issuer *is, const uint8_t dac[2])
{
	uint8_t ssad[ODA_NMAX], *sda, got[2];
	char why[ERRLEN];
	size_t sdalen;
	long n;
	int rc;

	if ((rc = cardrec_oda_data(r, &sda, &sdalen, why, sizeof why)) < 0) {
		cardrec_fail(r, rc, why);
		return 1;
	}
	if ((n = odacard_bin(r, "93", ssad, sizeof ssad)) < 0)
		rc = ODA_ELEN;
	else
		rc = oda_ssad_verify(&is->pub, ssad, (size_t)n, sda, sdalen,
		    got);
	OPENSSL_cleanse(sda, sdalen);
	free(sda);
	if (rc == 0 && memcmp(got, dac, 2) != 0)
		rc = ODA_EHASH;
	if (rc != 0) {
		rec_fail(r, "93", "bad-signature", "bad-signature: %s",
		    oda_strerror(rc));
		return 1;
	}
	return 0;
}

/* Sign one record if its layout places 93.  Returns 1 if r was marked. */
static int
sign(struct rec *r)
{
	const struct issuer *is;
	struct cardrec_layout l;
	uint8_t dac[2], ssad[ODA_NMAX], *sda;
	char pan[PAN_MAX + 1], why[ERRLEN];
	size_t sdalen, n;
	int rc, bad;

	if ((rc = cardrec_layout_get(r, &l, why, sizeof why)) < 0) {
		cardrec_fail(r, rc, why);
		return 1;
	}
	if (cardrec_layout_find(&l, 0x93) == NULL)
		return 0;
	if ((is = odacard_issuer(&keys, r, why, sizeof why)) == NULL) {
		rec_fail(r, "issuerkey", "no-issuer-key", "no-issuer-key: %s",
		    why);
		return 1;
	}
	bad = odacard_check(r, is, &keys.today, pan);
	explicit_bzero(pan, sizeof pan);
	if (bad || dac_of(r, dac))
		return 1;
	if (rec_get(r, "93") != NULL) {
		rec_fail(r, "93", "dup-signature", "dup-signature: the record "
		    "is signed already");
		return 1;
	}
	if ((rc = cardrec_oda_data(r, &sda, &sdalen, why, sizeof why)) < 0) {
		cardrec_fail(r, rc, why);
		return 1;
	}
	rc = oda_ssad_sign(is->key, dac, sda, sdalen, ssad, &n);
	OPENSSL_cleanse(sda, sdalen);
	free(sda);
	if (rc != 0) {
		rec_fail(r, "93", "internal", "internal: signing failed: %s",
		    oda_strerror(rc));
		return 1;
	}
	if ((rc = cardrec_place(r, 0x93, ssad, n, why, sizeof why)) < 0) {
		cardrec_fail(r, rc, why);
		return 1;
	}
	if (odacard_place_issuer(r, &l, is) || verify(r, is, dac))
		return 1;
	if (is->test)
		rec_set(r, "test", "1");
	return 0;
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd;
	struct rec r;
	const char *fname = "stdin";
	FILE *fp = stdin;
	const char *kname[ODACARD_NISSUER];
	size_t nk = 0;
	int c, rc, failed = 0;

	ks_harden();
	Kflag = getenv("EMVPERSO_KEYSTORE");
	if (Kflag == NULL || *Kflag == '\0')
		Kflag = "keys";
	while ((c = getopt(argc, argv, "K:k:")) != -1)
		switch (c) {
		case 'K':
			Kflag = optarg;
			break;
		case 'k':
			if (nk == ODACARD_NISSUER)
				usage();
			kname[nk++] = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		fname = argv[0];
		if ((fp = fopen(fname, "r")) == NULL)
			err(3, "%s", fname);
	}

	/* The -k key and its certificate, checked under the CA key, before
	 * the first record; the keys records name when they first do. */
	odacard_open(&keys, Kflag, kname, nk);

	rd = rec_reader_new(fp);
	rec_init(&r);
	while ((rc = rec_next(rd, &r, stdout, &failed)) == 1) {
		failed |= sign(&r);
		if (rec_write(stdout, &r) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc < 0 && ferror(fp))
		warn("%s", fname);
	rec_free(&r);
	rec_reader_free(rd);
	odacard_keys_free(&keys);
	ks_close(keys.ks);
	if (fp != stdin)
		fclose(fp);
	if (rec_flush(stdout) < 0 || rc < 0)
		return 3;
	return failed ? 1 : 0;
}
