/* emv-verify: check cards read by emv-read against their data
 * preparation records and on their own (lib/verify; EMV 4.4 Books 2-3). */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keystore.h"
#include "record.h"
#include "verify.h"

static struct rec *prep;
static size_t nprep;
static const char *lflag, *sflag, *Kflag, *Rflag, *rflag;
static long wflag = 10000;
static unsigned long ncard, npass, nfail;
static struct ks *ks;
static struct ks_key imk[3];	/* -a, -i, -c */
static struct cardread_term term;
static struct pcsc *pc;

static void
usage(void)
{
	fprintf(stderr, "usage: %s -s prepared [-K dir] [-l capk] [-a imk-ac] "
	    "[-c imk-smc] [-i imk-smi] [-R replay | -r reader] [-t terminal] "
	    "[-w ms] [file]\n", getprogname());
	exit(2);
}

static void
load_prepared(const char *path)
{
	struct rec_reader *rd;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL)
		err(3, "%s", path);
	rd = rec_reader_new(fp);
	for (;;) {
		if ((prep = reallocarray(prep, nprep + 1, sizeof *prep)) == NULL)
			err(3, NULL);
		rec_init(&prep[nprep]);
		if ((rc = rec_read(rd, &prep[nprep])) != 1)
			break;
		if (prep[nprep].kind == REC_LINE_RECORD &&
		    prep[nprep].perr == NULL && !rec_has_error(&prep[nprep]))
			nprep++;
		else
			rec_free(&prep[nprep]);
	}
	if (rc < 0)
		err(3, "%s", path);
	rec_free(&prep[nprep]);
	rec_reader_free(rd);
	fclose(fp);
}

static void
load_term(const char *path)
{
	struct rec_reader *rd;
	struct rec r;
	FILE *fp;
	char why[160];
	int rc;

	if ((fp = fopen(path, "r")) == NULL)
		err(3, "%s", path);
	rd = rec_reader_new(fp);
	rec_init(&r);
	while ((rc = rec_read(rd, &r)) == 1)
		if (r.kind == REC_LINE_RECORD && (r.perr != NULL ||
		    cardread_term_from_rec(&term, &r, why, sizeof why) != 0))
			errx(3, "%s: line %lu: %s", path, r.lineno,
			    r.perr != NULL ? r.perr_reason : why);
	if (rc < 0)
		err(3, "%s", path);
	rec_free(&r);
	rec_reader_free(rd);
	fclose(fp);
}

/* The key store, and the issuer master keys named, before any record. */
static void
open_keys(const char *kname[3])
{
	static const enum ks_type type[3] = { KS_IMK_AC, KS_IMK_SMI,
	    KS_IMK_SMC };
	struct ks_lmk lmk;
	char why[200];
	int i;

	if (Kflag == NULL)
		errx(3, "no key store: -K or EMVPERSO_KEYSTORE");
	ks_lmk_default(&lmk);
	if ((ks = ks_open(Kflag, &lmk, why, sizeof why)) == NULL)
		errx(3, "%s", why);
	for (i = 0; i < 3; i++) {
		if (kname[i] == NULL)
			continue;
		if (ks_get(ks, kname[i], KS_USE_DERIVE, &imk[i], why,
		    sizeof why) != 0)
			errx(3, "%s", why);
		if (imk[i].type != type[i] || imk[i].len != 16)
			errx(3, "%s: not an %s key", kname[i],
			    ks_type_name(type[i]));
	}
}

/* The prepared record of card r: same id, else same PAN. */
static const struct rec *
join(const struct rec *r)
{
	const char *id = rec_value(r, "id"), *pan = rec_value(r, "5A"), *v;
	size_t i;

	for (i = 0; id != NULL && i < nprep; i++)
		if ((v = rec_value(&prep[i], "id")) && strcmp(v, id) == 0)
			return &prep[i];
	for (i = 0; pan != NULL && i < nprep; i++)
		if ((v = rec_value(&prep[i], "5A")) && strcmp(v, pan) == 0)
			return &prep[i];
	return NULL;
}

/* One failed check: name it on stderr and in the list. */
static void
failed(const struct rec *r, char *checks, size_t len, const char *check,
    const char *why)
{
	char lab[32];

	fprintf(stderr, "%s: record %s (line %lu): %s: %s\n", getprogname(),
	    rec_label(r, lab), r->lineno, check, why);
	if (checks[0] != '\0')
		strlcat(checks, ",", len);
	strlcat(checks, check, len);
}

struct fails {
	const struct rec *r;
	char *checks;
	size_t len;
};

static void
exfail(void *arg, const char *check, const char *why)
{
	struct fails *f = arg;

	failed(f->r, f->checks, f->len, check, why);
}

/* The card of the next record in the reader, or the replay. */
static int
card(char *why, size_t whylen)
{
	int rc = 0;

	if (pc != NULL)
		return pcsc_next_card(pc, wflag, why, whylen);
	pc = Rflag ? pcsc_replay_open(Rflag, why, whylen) :
	    pcsc_open(rflag, wflag, &rc, why, whylen);
	if (pc == NULL && Rflag)
		errx(3, "%s: %s", Rflag, why);
	return pc == NULL ? (rc ? rc : -1) : 0;
}

static void
exercise(struct rec *r, const struct rec *p, char *checks, size_t len)
{
	struct verify_keys k = { imk[0].val, imk[1].val, ks, lflag, 0, 0 };
	struct fails f = { r, checks, len };
	char why[200];

	k.test = rec_value(r, "test") != NULL || rec_value(p, "test") != NULL;
	if (card(why, sizeof why) != 0) {
		failed(r, checks, len, "card", why);
		return;
	}
	verify_exercise(pc, &term, r, p, &k, exfail, &f);
	if (k.usedtest || (imk[0].val && imk[0].test) ||
	    (imk[1].val && imk[1].test))
		rec_set(r, "test", "1");
}

static void
verify(struct rec *r)
{
	static struct cardread_card c;
	const struct rec *p;
	char checks[128] = "", why[600], names[400];
	struct oda_pub icc;
	int hasicc, n, afl;

	if ((p = join(r)) == NULL)
		failed(r, checks, sizeof checks, "join",
		    "no prepared record of this id or PAN");
	else if ((n = verify_compare(r, p, names, sizeof names)) > 0) {
		snprintf(why, sizeof why, "%d differences: %s", n, names);
		failed(r, checks, sizeof checks, "data", why);
		rec_set(r, "diff", names);
	}
	if (verify_stripe(r, why, sizeof why) != 0)
		failed(r, checks, sizeof checks, "stripe", why);
	afl = verify_afl(r, why, sizeof why);
	if (afl != 0)
		failed(r, checks, sizeof checks, "afl", why);
	if (verify_cvm(r, why, sizeof why) != 0)
		failed(r, checks, sizeof checks, "cvm", why);
	/* ODA reads the records the AFL names: only when they are there */
	if (afl == 0 && (verify_card_from_rec(r, &c, why, sizeof why) != 0 ||
	    verify_oda(&c, lflag, rec_value(r, "test") != NULL ||
	    (p != NULL && rec_value(p, "test") != NULL), &icc, &hasicc, why,
	    sizeof why) != 0))
		failed(r, checks, sizeof checks, "oda", why);
	if (p != NULL && (Rflag != NULL || rflag != NULL))
		exercise(r, p, checks, sizeof checks);
	ncard++;
	if (checks[0] == '\0') {
		npass++;
		rec_set(r, "verify", "pass");
		rec_del(r, "checks");
	} else {
		nfail++;
		rec_set(r, "verify", "fail");
		rec_set(r, "checks", checks);
	}
	if (p != NULL && rec_value(p, "test") != NULL)
		rec_set(r, "test", "1");
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd;
	struct rec r;
	FILE *in = stdin;
	const char *kname[3] = { NULL, NULL, NULL }, *e;
	int ch, rc, bad = 0;
	size_t i;

	ks_harden();
	Kflag = getenv("EMVPERSO_KEYSTORE");
	cardread_term_init(&term);
	while ((ch = getopt(argc, argv, "a:c:i:K:l:R:r:s:t:w:")) != -1) {
		switch (ch) {
		case 'a':
			kname[0] = optarg;
			break;
		case 'c':
			kname[2] = optarg;
			break;
		case 'i':
			kname[1] = optarg;
			break;
		case 'K':
			Kflag = optarg;
			break;
		case 'R':
			Rflag = optarg;
			break;
		case 'r':
			rflag = optarg;
			break;
		case 't':
			load_term(optarg);
			break;
		case 'w':
			wflag = strtonum(optarg, 0, 3600000, &e);
			if (e != NULL)
				errx(2, "-w %s: %s", optarg, e);
			break;
		case 'l':
			lflag = optarg;
			break;
		case 's':
			sflag = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (sflag == NULL || argc > 1 || (Rflag && rflag))
		usage();
	if (Rflag || rflag || kname[0] || kname[1] || kname[2])
		open_keys(kname);
	if (lflag != NULL && access(lflag, R_OK) != 0)
		err(3, "%s", lflag);
	load_prepared(sflag);
	if (argc == 1 && strcmp(argv[0], "-") != 0 &&
	    (in = fopen(argv[0], "r")) == NULL)
		err(3, "%s", argv[0]);
	rd = rec_reader_new(in);
	rec_init(&r);
	while ((rc = rec_next(rd, &r, stdout, &bad)) == 1) {
		verify(&r);
		if (rec_write(stdout, &r) != 0)
			break;
	}
	if (rc < 0)
		err(3, "read");
	rec_free(&r);
	rec_reader_free(rd);
	for (i = 0; i < nprep; i++)
		rec_free(&prep[i]);
	free(prep);
	for (i = 0; i < 3; i++)
		ks_key_clear(&imk[i]);
	if (ks != NULL)
		ks_close(ks);
	if (pc != NULL) {
		char why[200];

		if (pcsc_close(pc, why, sizeof why) != 0)
			warnx("%s: %s", Rflag ? Rflag : "reader", why);
	}
	fprintf(stderr, "%s: %lu cards: %lu passed, %lu failed\n",
	    getprogname(), ncard, npass, nfail);
	if (rec_flush(stdout) != 0)
		return 3;
	return bad || nfail ? 1 : 0;
}
