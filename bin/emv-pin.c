/* emv-pin: turn the issuer's PIN block, enciphered under a transport key,
 * into the card's reference PIN block (DGI 8010) under the personalization
 * transport key, with the PIN try counter and limit (DGI 9010) and
 * optionally the Visa PVV.  The PIN exists in clear only inside this
 * process, and is wiped once the record is done. */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "hex.h"
#include "keystore.h"
#include "pan.h"
#include "pinblock.h"
#include "record.h"

#define ERRLEN 256

static const char *kflag, *pflag, *vflag, *Kflag;
static int fflag = 2, iflag = -1, tflag = 3;
static struct ks_key kek1, kek2, pvk;

static void
usage(void)
{
	fprintf(stderr, "usage: %s -p kek1 -k kek2 [-f 1|2] [-t tries] "
	    "[-v pvk -i pvki] [-K dir] [file]\n", getprogname());
	exit(2);
}

static void
clear_keys(void)
{
	ks_key_clear(&kek1);
	ks_key_clear(&kek2);
	ks_key_clear(&pvk);
}

/* A fatal error in the middle of the stream: wipe the keys and exit 3. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	va_list ap;

	clear_keys();
	va_start(ap, fmt);
	verrx(3, fmt, ap);
}

/* Load every key before the first record: a missing key or one of the
 * wrong type is fatal. */
static void
load_keys(void)
{
	struct ks_lmk lmk;
	struct ks *ks;
	char why[ERRLEN];

	ks_lmk_default(&lmk);
	if ((ks = ks_open(Kflag, &lmk, why, sizeof why)) == NULL)
		errx(3, "%s", why);
	if (ks_get(ks, pflag, KS_USE_WRAP, &kek1, why, sizeof why) < 0 ||
	    ks_get(ks, kflag, KS_USE_WRAP, &kek2, why, sizeof why) < 0 ||
	    (vflag != NULL &&
	    ks_get(ks, vflag, KS_USE_PVV, &pvk, why, sizeof why) < 0)) {
		clear_keys();
		ks_close(ks);
		errx(3, "%s", why);
	}
	ks_close(ks);
}

/* The err code emv-pin gives a pinblock code. */
static const char *
pin_code(int rc)
{
	switch (rc) {
	case PINBLOCK_EFORMAT:
		return "pin-format";
	case PINBLOCK_ELENGTH:
		return "pin-length";
	case PINBLOCK_EDIGITS:
		return "pin-digits";
	case PINBLOCK_EFILL:
		return "pin-fill";
	case PINBLOCK_EPAN:
		return "pin-pan";
	case PINBLOCK_ENOPAN:
		return "no-pan";
	default:
		return "internal";
	}
}

struct work {
	char pan[PINBLOCK_PANMAX + 1];
	char pin[PINBLOCK_PINMAX + 1];
	char pvv[5];
	uint8_t enc[16];
	uint8_t clear[8];
	uint8_t ref[8];
	size_t panlen;
	size_t pinlen;
};

/* Decipher and decode the issuer's PIN block into w->pin.  Returns 0, or
 * 1 after marking the record. */
static int
issuer_pin(struct rec *r, struct work *w)
{
	const char *pb = rec_value(r, "pinblock");
	size_t bl = sym_blocklen(kek1.sym);
	int fmt, rc;

	if (pb == NULL) {
		rec_fail(r, "pinblock", "no-pinblock", "no-pinblock: "
		    "the record has no PIN block");
		return 1;
	}
	if (strlen(pb) != 2 * bl || hex_decode(pb, 2 * bl, w->enc) < 0) {
		rec_fail(r, "pinblock", "bad-pinblock", "bad-pinblock: not "
		    "%zu hex digits, a PIN block under %s key %s", 2 * bl,
		    bl == 8 ? "triple-DES" : "AES", kek1.name);
		return 1;
	}
	if (bl == 16) {
		/* ISO 9564-1:2017 9.4: an AES block is format 4, bound to
		 * the PAN: a wrong PAN makes its control field wrong. */
		if (w->panlen == 0) {
			rec_fail(r, "5A", "no-pan", "no-pan: format 4 needs "
			    "the PAN");
			return 1;
		}
		rc = pinblock_decipher4(kek1.sym, kek1.val, w->enc, w->pan,
		    w->panlen, w->pin, &w->pinlen);
		if (rc == PINBLOCK_EFORMAT)
			rc = PINBLOCK_EPAN;
	} else {
		if (ks_kek_crypt(&kek1, w->enc, w->clear, 8, 0) < 0)
			fatal("%s: cannot decipher", kek1.name);
		fmt = w->clear[0] >> 4;
		if (fmt == 2 || fmt > 3) {
			rec_fail(r, "pinblock", "pin-format", "pin-format: "
			    "format %X %s", (unsigned)fmt, fmt == 2 ?
			    "is for the card only, not for interchange" :
			    fmt == 4 ? "needs an AES key" : "does not exist");
			return 1;
		}
		if (fmt != 1 && w->panlen == 0) {
			rec_fail(r, "5A", "no-pan", "no-pan: format %d needs "
			    "the PAN", fmt);
			return 1;
		}
		rc = pinblock_decode(w->clear, w->pan, w->panlen, &fmt, w->pin,
		    &w->pinlen);
	}
	if (rc != 0) {
		if (rc < 0)
			fatal("%s: cannot decipher", kek1.name);
		rec_fail(r, rc == PINBLOCK_ENOPAN ? "5A" : "pinblock",
		    pin_code(rc), "%s: %s", pin_code(rc),
		    rc == PINBLOCK_EPAN ? "the PIN block does not match the "
		    "PAN in 5A" : pinblock_strerror(rc));
		return 1;
	}
	return 0;
}

/* Work on one record; returns 1 if it was marked with err. */
static int
process(struct rec *r, struct work *w)
{
	const struct rec_field *f;
	const char *v, *errstr;
	uint8_t *sealed = NULL, ptc[2];
	size_t sealedlen = 0;
	char pvki[2];
	int tries = tflag, rc;

	if ((v = rec_value(r, "kek")) != NULL && strcmp(v, kek2.name) != 0) {
		rec_fail(r, "kek", "kek-mismatch", "kek-mismatch: the record's "
		    "secrets are under %.63s, not %s", v, kek2.name);
		return 1;
	}
	if ((v = rec_value(r, "ptl")) != NULL) {
		tries = (int)strtonum(v, 1, 15, &errstr);
		if (errstr != NULL) {
			rec_fail(r, "ptl", "bad-ptl", "bad-ptl: PIN try limit "
			    "is not a number from 1 to 15");
			return 1;
		}
	}
	if ((f = rec_get(r, "5A")) != NULL) {
		if ((rc = pan_from_hex(f->value, f->vallen, w->pan)) < 0) {
			rec_fail(r, "5A", "bad-pan", "bad-pan: not a PAN of "
			    "1 to 19 BCD digits");
			return 1;
		}
		w->panlen = (size_t)rc;
	}
	if (issuer_pin(r, w) != 0)
		return 1;
	if (vflag != NULL) {
		if (w->panlen < 12) {
			rec_fail(r, "5A", w->panlen ? "bad-pan" : "no-pan",
			    "%s: the PVV needs a PAN of 12 digits or more",
			    w->panlen ? "bad-pan" : "no-pan");
			return 1;
		}
		if (pinblock_pvv(pvk.sym, pvk.val, w->pan, w->panlen, iflag,
		    w->pin, w->pinlen, w->pvv) != 0)
			fatal("%s: cannot compute the PVV", pvk.name);
	}
	/* The card's reference PIN block; format 1 takes a random fill. */
	if (pinblock_encode(fflag, w->pin, w->pinlen, NULL, 0, NULL,
	    w->ref) != 0 || ks_kek_seal(&kek2, w->ref, 8, &sealed,
	    &sealedlen) < 0)
		fatal("%s: cannot seal the reference PIN block",
		    kek2.name);
	ptc[0] = ptc[1] = (uint8_t)tries;
	if (rec_set(r, "kek", kek2.name) < 0 ||
	    rec_set_bin(r, "DGI8010", sealed, sealedlen) < 0 ||
	    rec_set_bin(r, "DGI9010", ptc, 2) < 0)
		fatal("cannot set the PIN fields");
	OPENSSL_clear_free(sealed, sealedlen);
	if (vflag != NULL) {
		snprintf(pvki, sizeof pvki, "%d", iflag);
		if (rec_set(r, "pvki", pvki) < 0 ||
		    rec_set(r, "pvv", w->pvv) < 0)
			fatal("cannot set the PVV fields");
	}
	/* The issuer's block stops here: it must not reach later stages. */
	rec_del(r, "pinblock");
	if (kek1.test || kek2.test || (vflag != NULL && pvk.test))
		rec_set(r, "test", "1");
	return 0;
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd;
	struct work w;
	struct rec r;
	const char *errstr, *fname = "stdin";
	FILE *in = stdin;
	int ch, rc, failed = 0;

	ks_harden();
	if ((Kflag = getenv("EMVPERSO_KEYSTORE")) == NULL || *Kflag == '\0')
		Kflag = "keys";
	while ((ch = getopt(argc, argv, "K:f:i:k:p:t:v:")) != -1) {
		switch (ch) {
		case 'K':
			Kflag = optarg;
			break;
		case 'f':
			fflag = (int)strtonum(optarg, 1, 2, &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'i':
			iflag = (int)strtonum(optarg, 0, 9, &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'k':
			kflag = optarg;
			break;
		case 'p':
			pflag = optarg;
			break;
		case 't':
			tflag = (int)strtonum(optarg, 1, 15, &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'v':
			vflag = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (pflag == NULL || kflag == NULL || argc > 1 ||
	    (vflag == NULL) != (iflag < 0))
		usage();
	load_keys();
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		fname = argv[0];
		if ((in = fopen(fname, "r")) == NULL) {
			clear_keys();
			err(3, "%s", fname);
		}
	}
	rd = rec_reader_new(in);
	rec_init(&r);
	while ((rc = rec_next(rd, &r, stdout, &failed)) == 1) {
		memset(&w, 0, sizeof w);
		failed |= process(&r, &w);
		explicit_bzero(&w, sizeof w);
		if (rec_write(stdout, &r) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc < 0 && ferror(in))
		warn("%s", fname);
	rec_free(&r);
	rec_reader_free(rd);
	clear_keys();
	if (in != stdin)
		fclose(in);
	if (rec_flush(stdout) < 0 || rc < 0)
		return 3;
	return failed ? 1 : 0;
}
