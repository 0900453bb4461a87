/* emv-term: a contact EMV transaction per record, as a terminal runs it,
 * with the issuer host as a co-process (emv-term(1); lib/termrun; EMV 4.4
 * Book 3, 10 and Book 4, 6). */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "keystore.h"
#include "record.h"
#include "termrun.h"

static const char *Hflag, *lflag, *pflag, *Rflag, *rflag, *Sflag, *Tflag,
    *tflag;
static long long aflag = 1000;
static long wflag = 10000;
static int oflag, vflag;

static struct term_profile prof;
static struct termrun tr;
static char pin[16];
static pid_t hostpid = -1;

static void
usage(void)
{
	fprintf(stderr, "usage: %s -t terminal [-ov] [-a amount] "
	    "[-H host-command] [-l capk] [-p pinfile] [-S seed] [-T trace] "
	    "[-w ms] [-R replay | -r reader] [file]\n", getprogname());
	exit(2);
}

/* The terminal profile: its first record line, as lib/term and the DOL
 * filling (lib/cardread) read it. */
static void
load_profile(const char *path)
{
	struct rec_reader *rd;
	struct rec r;
	FILE *fp;
	char why[200];
	int rc;

	if ((fp = fopen(path, "r")) == NULL)
		err(3, "%s", path);
	rd = rec_reader_new(fp);
	rec_init(&r);
	while ((rc = rec_read(rd, &r)) == 1 && r.kind != REC_LINE_RECORD)
		;
	if (rc < 0)
		err(3, "%s", path);
	if (rc != 1)
		errx(3, "%s: no terminal record", path);
	if (r.perr != NULL)
		errx(3, "%s: line %lu: %s", path, r.lineno, r.perr_reason);
	cardread_term_init(&tr.term);
	if (term_profile_from_rec(&r, &prof, why, sizeof why) != 0 ||
	    cardread_term_from_rec(&tr.term, &r, why, sizeof why) != 0)
		errx(3, "%s: line %lu: %s", path, r.lineno, why);
	rec_free(&r);
	rec_reader_free(rd);
	fclose(fp);
}

/* The offline PIN of test cards, from the first line of a file (never
 * from argv: ps(1) shows it). */
static void
load_pin(const char *path)
{
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "r")) == NULL)
		err(3, "%s", path);
	if (fgets(pin, sizeof pin, fp) == NULL)
		pin[0] = '\0';
	fclose(fp);
	n = strcspn(pin, "\r\n");
	pin[n] = '\0';
	if (n < 4 || n > 12 || strspn(pin, "0123456789") != n) {
		OPENSSL_cleanse(pin, sizeof pin);
		errx(3, "%s: not a PIN of 4 to 12 digits", path);
	}
	tr.pin = pin;
}

/* Start the issuer host: sh -c cmd, its stdin and stdout our pipes. */
static void
start_host(const char *cmd)
{
	int in[2], out[2];

	if (pipe(in) != 0 || pipe(out) != 0)
		err(3, "pipe");
	if ((hostpid = fork()) < 0)
		err(3, "fork");
	if (hostpid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(127);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if ((tr.tohost = fdopen(in[1], "w")) == NULL ||
	    (tr.fromhost = fdopen(out[0], "r")) == NULL)
		err(3, "fdopen");
	tr.hostrd = rec_reader_new(tr.fromhost);
}

/* Close the host's input and wait for it; its exit status. */
static int
stop_host(void)
{
	int st;

	if (hostpid < 0)
		return 0;
	fclose(tr.tohost);
	rec_reader_free(tr.hostrd);
	fclose(tr.fromhost);
	while (waitpid(hostpid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Connect to the card for the first transaction, reset it for the next. */
static int
card(int first, char *why, size_t whylen)
{
	int rc = 0;

	if (!first)
		return pcsc_reset(tr.pc, why, whylen);
	tr.pc = Rflag ? pcsc_replay_open(Rflag, why, whylen) :
	    pcsc_open(rflag, wflag, &rc, why, whylen);
	if (tr.pc == NULL && Rflag)
		errx(3, "%s: %s", Rflag, why);
	return tr.pc == NULL ? (rc ? rc : PCSC_ERR) : 0;
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd;
	struct rec r;
	FILE *in = stdin, *tf = NULL, *ms;
	char *buf = NULL, why[300];
	const char *errstr;
	size_t blen = 0;
	int ch, rc, crc, failed = 0, first = 1, status = 0;

	ks_harden();
	while ((ch = getopt(argc, argv, "a:H:l:op:R:r:S:T:t:vw:")) != -1) {
		switch (ch) {
		case 'a':
			aflag = strtonum(optarg, 0, 999999999999LL, &errstr);
			if (errstr != NULL)
				errx(2, "-a %s: amount is %s", optarg, errstr);
			break;
		case 'H': Hflag = optarg; break;
		case 'l': lflag = optarg; break;
		case 'o': oflag = 1; break;
		case 'p': pflag = optarg; break;
		case 'R': Rflag = optarg; break;
		case 'r': rflag = optarg; break;
		case 'S': Sflag = optarg; break;
		case 'T': Tflag = optarg; break;
		case 't': tflag = optarg; break;
		case 'v': vflag = 1; break;
		case 'w':
			wflag = strtonum(optarg, 0, 3600000, &errstr);
			if (errstr != NULL)
				errx(2, "-w %s: timeout is %s", optarg, errstr);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || tflag == NULL || (Rflag && rflag))
		usage();
	if (Sflag != NULL) {
		tr.rnd = (uint64_t)strtonum(Sflag, 1, LLONG_MAX, &errstr);
		if (errstr != NULL)
			errx(2, "-S %s: seed is %s", Sflag, errstr);
	} else if (getrandom(&tr.rnd, sizeof tr.rnd, 0) != sizeof tr.rnd)
		err(3, "getrandom");
	tr.rnd |= 1;
	load_profile(tflag);
	if (pflag != NULL)
		load_pin(pflag);
	if (argc == 1 && strcmp(argv[0], "-") != 0 &&
	    (in = fopen(argv[0], "r")) == NULL)
		err(3, "%s", argv[0]);
	if (Tflag != NULL && (tf = fopen(Tflag, "w")) == NULL)
		err(3, "%s", Tflag);
	tr.prof = &prof;
	tr.capk = lflag != NULL ? lflag : prof.capk[0] ? prof.capk : NULL;
	tr.amount = (uint64_t)aflag;
	tr.offline = oflag;
	signal(SIGPIPE, SIG_IGN);
	if (Hflag != NULL)
		start_host(Hflag);
	rd = rec_reader_new(in);
	rec_init(&r);
	while ((rc = rec_next(rd, &r, stdout, &failed)) == 1) {
		if ((ms = open_memstream(&buf, &blen)) == NULL)
			err(3, "open_memstream");
		tr.trace = ms;
		if ((crc = card(first, why, sizeof why)) != 0) {
			rec_fail(&r, "-", crc == PCSC_ETIMEOUT ? "no-card" :
			    "reader", "%s", why);
			tr.trace = NULL;
		} else {
			pcsc_trace(tr.pc, ms);
			first = 0;
			if (termrun_tx(&tr, &r) != 0)
				failed = 1;
			pcsc_trace(tr.pc, NULL);
		}
		if (rec_has_error(&r))
			failed = 1;
		fclose(ms);
		if (tf != NULL)
			fwrite(buf, 1, blen, tf);
		if (vflag)
			termrun_explain(buf, blen, rec_value(&r, "5A"), stderr);
		free(buf);
		buf = NULL;
		rec_write(stdout, &r);
		rec_free(&r);
	}
	if (rc < 0)
		err(3, "read");
	rec_free(&r);
	rec_reader_free(rd);
	OPENSSL_cleanse(pin, sizeof pin);
	if (stop_host() != 0) {
		warnx("issuer host: %s: failed", Hflag);
		status = 1;
	}
	if (tr.pc != NULL && pcsc_close(tr.pc, why, sizeof why) != 0) {
		warnx("%s", why);
		status = 1;
	}
	if (tf != NULL && fclose(tf) != 0)
		err(3, "%s", Tflag);
	if (rec_flush(stdout) != 0)
		status = 1;
	return failed || status ? 1 : 0;
}
