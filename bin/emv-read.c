/* emv-read: read EMV cards as a terminal does, one card record each
 * (EMV 4.4 Book 1, 12; Book 3, 10.1-10.2; lib/reader). */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"
#include "pcsc.h"
#include "cardread.h"
#include "record.h"

static struct cardread_aid aids[CARDREAD_MAXAID];
static size_t naid;
static struct cardread_term term;
static struct pcsc *pc;
static const char *rflag, *Rflag;
static FILE *trace;
static long wflag = 10000;
static int ncards;

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-a aid,...] [-n count] [-R replay | -r "
	    "reader] [-T trace] [-t terminal] [-w ms] [file]\n",
	    getprogname());
	exit(2);
}

static void
parse_aids(char *s)
{
	char *tok;
	long n;

	for (tok = strtok(s, ","); tok != NULL; tok = strtok(NULL, ",")) {
		n = strlen(tok) % 2 == 0 && strlen(tok) >= 10 &&
		    strlen(tok) <= 32 && naid < CARDREAD_MAXAID ?
		    hex_decode(tok, strlen(tok), aids[naid].aid) : -1;
		if (n < 5)
			errx(2, "-a %s: not an AID of 5 to 16 bytes", tok);
		aids[naid++].len = (size_t)n;
	}
}

static void
load_term(const char *path)
{
	struct rec_reader *rd;
	struct rec r;
	FILE *fp;
	char why[160];
	int rc, got = 0;

	if ((fp = fopen(path, "r")) == NULL)
		err(3, "%s", path);
	rd = rec_reader_new(fp);
	rec_init(&r);
	while ((rc = rec_read(rd, &r)) == 1) {
		if (r.kind != REC_LINE_RECORD)
			continue;
		if (r.perr != NULL)
			errx(3, "%s: line %lu: %s", path, r.lineno,
			    r.perr_reason);
		if (cardread_term_from_rec(&term, &r, why, sizeof why) != 0)
			errx(3, "%s: line %lu: %s", path, r.lineno, why);
		got = 1;
	}
	if (rc < 0)
		err(3, "%s", path);
	if (!got)
		errx(3, "%s: no terminal record", path);
	rec_free(&r);
	rec_reader_free(rd);
	fclose(fp);
}

/* Connect to the first card, or move to the next one.  0 or a code. */
static int
card(char *why, size_t whylen)
{
	int rc = 0;

	if (pc == NULL) {
		pc = Rflag ? pcsc_replay_open(Rflag, why, whylen) :
		    pcsc_open(rflag, wflag, &rc, why, whylen);
		if (pc == NULL && Rflag)
			errx(3, "%s: %s", Rflag, why);
		if (pc == NULL)
			return rc;
		if (trace != NULL)
			pcsc_trace(pc, trace);
		return 0;
	}
	return pcsc_next_card(pc, wflag, why, whylen);
}

/* Read the card in the reader into out; on failure mark in. */
static int
readone(struct rec *in, struct rec *out)
{
	static struct cardread_card c;
	char why[200], lab[32];
	const char *code;
	int rc;

	if ((rc = card(why, sizeof why)) == 0)
		rc = cardread_read(pc, &term, naid ? aids : NULL, naid,
		    &c, why, sizeof why);
	if (rc != 0) {
		code = rc == PCSC_ETIMEOUT ? "no-card" : rc == PCSC_EREMOVED ?
		    "card-removed" : rc == 0x6A82 ? "no-application" :
		    rc == CARDREAD_EDATA ? "bad-response" : rc > 0 ?
		    "card-refused" : "reader";
		rec_fail(in, "-", code, "%s: %s", code, why);
		if (rc == PCSC_ENOSERVICE || rc == PCSC_EREPLAY)
			return -2;
		return -1;
	}
	rec_set(out, "id", rec_label(in, lab));
	if (cardread_to_rec(&c, out) != 0 || rec_set(out, "reader",
	    Rflag ? "replay" : "pcsc") != 0 || (c.blocked &&
	    rec_set(out, "blocked", "1") != 0)) {
		rec_fail(in, "-", "internal", "internal: card data too large");
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd = NULL;
	struct rec r, out;
	const char *e;
	FILE *in = stdin;
	int ch, rc, failed = 0, i;

	cardread_term_init(&term);
	while ((ch = getopt(argc, argv, "a:n:R:r:T:t:w:")) != -1) {
		switch (ch) {
		case 'a':
			parse_aids(optarg);
			break;
		case 'n':
			ncards = (int)strtonum(optarg, 1, 1000000, &e);
			if (e != NULL)
				errx(2, "-n %s: %s", optarg, e);
			break;
		case 'R':
			Rflag = optarg;
			break;
		case 'r':
			rflag = optarg;
			break;
		case 'T':
			if ((trace = fopen(optarg, "w")) == NULL)
				err(3, "%s", optarg);
			break;
		case 't':
			load_term(optarg);
			break;
		case 'w':
			wflag = strtonum(optarg, 0, 3600000, &e);
			if (e != NULL)
				errx(2, "-w %s: %s", optarg, e);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (Rflag && rflag) || (ncards && argc > 0))
		usage();
	if (argc == 1 && strcmp(argv[0], "-") != 0 &&
	    (in = fopen(argv[0], "r")) == NULL)
		err(3, "%s", argv[0]);
	rec_init(&r);
	if (!ncards)
		rd = rec_reader_new(in);
	for (i = 0; ; i++) {
		if (ncards) {
			char id[24];

			if (i >= ncards)
				break;
			rec_free(&r);
			rec_init(&r);
			snprintf(id, sizeof id, "card%d", i + 1);
			rec_set(&r, "id", id);
		} else if ((rc = rec_next(rd, &r, stdout, &failed)) != 1) {
			if (rc < 0)
				err(3, "read");
			break;
		}
		rec_init(&out);
		rc = readone(&r, &out);
		if (rc == 0)
			rec_write(stdout, &out);
		else {
			failed = 1;
			rec_write(stdout, &r);
		}
		rec_free(&out);
		if (rc == -2)
			break;
	}
	rec_free(&r);
	if (rd != NULL)
		rec_reader_free(rd);
	if (pc != NULL) {
		char why[200];

		if (pcsc_close(pc, why, sizeof why) != 0) {
			warnx("%s: %s", Rflag ? Rflag : "reader", why);
			failed = 1;
		}
	}
	if (trace != NULL && fclose(trace) != 0)
		err(3, "trace");
	if (rec_flush(stdout) != 0)
		return 3;
	return failed;
}
