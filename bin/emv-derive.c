/* emv-derive: derive each card's ICC master keys MK-AC, MK-SMI and MK-SMC
 * from the issuer master keys (EMV 4.4 Book 2, A1.4), seal them under a
 * transport key into DGI 8000 and put their check values in DGI 9000
 * (emv-derive(1)). */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "derive.h"
#include "keystore.h"
#include "record.h"
#include "sym.h"

#define ERRLEN 256

enum { AC, SMI, SMC, NIMK };

static int Aflag, Bflag;
static const char *Kflag, *kflag;
static const char *imkname[NIMK];

static struct ks *ks;
static struct ks_key imk[NIMK], kek;
static int testkeys;
static char errbuf[ERRLEN];

static void
usage(void)
{
	fprintf(stderr, "usage: %s -a imk-ac -i imk-smi -c imk-smc -k kek "
	    "[-A | -B] [-K dir] [file]\n", getprogname());
	exit(2);
}

/* Wipe every clear key, then exit 3 with a message. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	va_list ap;
	int i;

	for (i = 0; i < NIMK; i++)
		ks_key_clear(&imk[i]);
	ks_key_clear(&kek);
	ks_close(ks);
	va_start(ap, fmt);
	verrx(3, fmt, ap);
}

/* Load key NAME, given with option OPT, which must be of type WANT. */
static void
load(const char *name, int opt, enum ks_type want, unsigned use,
    struct ks_key *k)
{
	struct ks_key info;

	if (ks_info(ks, name, &info, errbuf, sizeof errbuf) < 0)
		fatal("%s", errbuf);
	/* ks_get checks the use only, and every IMK type may derive. */
	if (info.type != want)
		fatal("key %s: type %s, -%c needs a key of type %s", name,
		    ks_type_name(info.type), opt, ks_type_name(want));
	if (ks_get(ks, name, use, k, errbuf, sizeof errbuf) < 0)
		fatal("%s", errbuf);
	if (want != KS_KEK && (k->sym != SYM_3DES2 || k->len != 16))
		fatal("key %s: algorithm %s, an IMK is 3des2", name, k->alg);
	if (k->test)
		testkeys = 1;
}

/* Check the record's PAN, PSN and DGIs; fills pan and psn.  Returns the
 * number of PAN digits, or -1 once every problem was reported. */
static int
check(struct rec *r, char pan[DERIVE_PANMAX + 1], char psn[3])
{
	const struct rec_field *f;
	const char *v;
	int nd = -1, bad = 0;

	if ((f = rec_get(r, "5A")) == NULL)
		rec_fail(r, "5A", "no-pan", "no-pan: the record has no PAN");
	else if (f->vallen > DERIVE_PANMAX + 1)
		rec_fail(r, "5A", "pan-length", "pan-length: more than %d "
		    "digits", DERIVE_PANMAX);
	else if ((nd = pan_from_hex(f->value, f->vallen, pan)) < 0)
		rec_fail(r, "5A", "bad-pan", "bad-pan: not BCD digits (an odd "
		    "count padded with one F)");
	else if (nd < 12)
		rec_fail(r, "5A", "pan-length", "pan-length: %d digits, at "
		    "least 12 needed", nd);
	if (nd < 12)
		bad = 1;
	/* 5F34 is n 2 (Book 3 Annex A); without it Book 2 A1.4 uses 00. */
	memcpy(psn, "00", 3);
	if ((f = rec_get(r, "5F34")) != NULL &&
	    derive_psn(f->value, f->vallen, psn) < 0) {
		rec_fail(r, "5F34", "bad-psn", "bad-psn: not one byte of two "
		    "BCD digits");
		bad = 1;
	}
	/* Keys are never replaced: a second run must not go unnoticed. */
	if (rec_get(r, "DGI8000") != NULL) {
		rec_fail(r, "DGI8000", "dup-dgi", "dup-dgi: the record already "
		    "has card keys");
		bad = 1;
	} else if (rec_get(r, "DGI9000") != NULL) {
		rec_fail(r, "DGI9000", "dup-dgi", "dup-dgi: the record already "
		    "has key check values");
		bad = 1;
	}
	if ((v = rec_value(r, "kek")) != NULL && strcmp(v, kflag) != 0) {
		rec_fail(r, "kek", "kek-mismatch", "kek-mismatch: its secret "
		    "DGIs are under %s, not %s", v, kflag);
		bad = 1;
	}
	if (bad && nd > 0)
		explicit_bzero(pan, (size_t)nd);
	return bad ? -1 : nd;
}

/* Derive, seal and set the keys of one record.  Returns 1 if the record
 * was marked with err. */
static int
derive(struct rec *r)
{
	int (*fn)(const uint8_t *, const char *, size_t, const char *,
	    uint8_t *) = Aflag ? derive_option_a : derive_option_b;
	char pan[DERIVE_PANMAX + 1], psn[3];
	uint8_t mk[3 * 16], kcv[3 * 3], *sealed = NULL;
	size_t slen = 0;
	int i, nd, ok = 1;

	if ((nd = check(r, pan, psn)) < 0)
		return 1;
	for (i = 0; i < NIMK && ok; i++)
		ok = fn(imk[i].val, pan, (size_t)nd, psn, mk + 16 * i) == 0 &&
		    sym_kcv(SYM_3DES2, mk + 16 * i, kcv + 3 * i) == 0;
	ok = ok && ks_kek_seal(&kek, mk, sizeof mk, &sealed, &slen) == 0;
	/* The clear card keys and the PAN go as soon as they are sealed. */
	explicit_bzero(mk, sizeof mk);
	explicit_bzero(pan, sizeof pan);
	if (!ok) {
		rec_fail(r, NULL, "internal", "internal: derivation failed");
		return 1;
	}
	rec_set(r, "kek", kflag);
	rec_set_bin(r, "DGI8000", sealed, slen);
	rec_set_bin(r, "DGI9000", kcv, sizeof kcv);
	if (testkeys)
		rec_set(r, "test", "1");
	OPENSSL_free(sealed);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd;
	struct ks_lmk lmk;
	struct rec r;
	const char *fname = "stdin";
	FILE *fp = stdin;
	int c, i, rc, failed = 0;

	ks_harden();
	Kflag = getenv("EMVPERSO_KEYSTORE");
	if (Kflag == NULL || *Kflag == '\0')
		Kflag = "keys";
	while ((c = getopt(argc, argv, "ABK:a:c:i:k:")) != -1)
		switch (c) {
		case 'A':
			Aflag = 1;
			break;
		case 'B':
			Bflag = 1;
			break;
		case 'K':
			Kflag = optarg;
			break;
		case 'a':
			imkname[AC] = optarg;
			break;
		case 'c':
			imkname[SMC] = optarg;
			break;
		case 'i':
			imkname[SMI] = optarg;
			break;
		case 'k':
			kflag = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (Aflag && Bflag) || kflag == NULL ||
	    imkname[AC] == NULL || imkname[SMI] == NULL || imkname[SMC] == NULL)
		usage();
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		fname = argv[0];
		if ((fp = fopen(fname, "r")) == NULL)
			err(3, "%s", fname);
	}

	/* Every key is loaded and checked once, before the first record. */
	ks_lmk_default(&lmk);
	if ((ks = ks_open(Kflag, &lmk, errbuf, sizeof errbuf)) == NULL)
		errx(3, "%s", errbuf);
	load(imkname[AC], 'a', KS_IMK_AC, KS_USE_DERIVE, &imk[AC]);
	load(imkname[SMI], 'i', KS_IMK_SMI, KS_USE_DERIVE, &imk[SMI]);
	load(imkname[SMC], 'c', KS_IMK_SMC, KS_USE_DERIVE, &imk[SMC]);
	load(kflag, 'k', KS_KEK, KS_USE_WRAP, &kek);
	ks_close(ks);
	ks = NULL;

	rd = rec_reader_new(fp);
	rec_init(&r);
	while ((rc = rec_next(rd, &r, stdout, &failed)) == 1) {
		failed |= derive(&r);
		if (rec_write(stdout, &r) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc < 0 && ferror(fp))
		warn("%s", fname);
	rec_free(&r);
	rec_reader_free(rd);
	for (i = 0; i < NIMK; i++)
		ks_key_clear(&imk[i]);
	ks_key_clear(&kek);
	if (fp != stdin)
		fclose(fp);
	if (rec_flush(stdout) < 0 || rc < 0)
		return 3;
	return failed ? 1 : 0;
}
