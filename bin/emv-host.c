/* emv-host: the issuer host of an online authorisation: check each
 * request's ARQC by its cryptogram version, decide, answer with the ARC,
 * the ARPC and issuer scripts (emv-host(1); EMV 4.4 Book 2 8 and 9). */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "host.h"
#include "keystore.h"
#include "pan.h"
#include "record.h"

#define ERRLEN 256

enum { AC, SMI, SMC, NIMK };

static const char *Kflag, *Pflag, *bflag;
static const char *imkname[NIMK];
static long long lflag;

static struct ks *ks;
static struct ks_key imk[NIMK];
static struct host_rules rules;
static char newpin[13];
static size_t newpinlen;
static int testkeys;
static char errbuf[ERRLEN];

static void
usage(void)
{
	fprintf(stderr, "usage: %s -a imk-ac [-i imk-smi [-c imk-smc]] "
	    "[-b blocked] [-K dir] [-l limit] [-P pinfile] [file]\n",
	    getprogname());
	exit(2);
}

static void
wipe(void)
{
	int i;

	for (i = 0; i < NIMK; i++)
		ks_key_clear(&imk[i]);
	OPENSSL_cleanse(newpin, sizeof newpin);
	ks_close(ks);
	ks = NULL;
}

static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	va_list ap;

	wipe();
	va_start(ap, fmt);
	verrx(3, fmt, ap);
}

/* Load key NAME (option OPT), of type WANT, a 3des2 IMK. */
static void
load(const char *name, int opt, enum ks_type want, struct ks_key *k)
{
	struct ks_key info;

	if (ks_info(ks, name, &info, errbuf, sizeof errbuf) < 0)
		fatal("%s", errbuf);
	if (info.type != want)
		fatal("key %s: type %s, -%c needs a key of type %s", name,
		    ks_type_name(info.type), opt, ks_type_name(want));
	if (ks_get(ks, name, KS_USE_DERIVE, k, errbuf, sizeof errbuf) < 0)
		fatal("%s", errbuf);
	if (k->sym != SYM_3DES2 || k->len != 16)
		fatal("key %s: algorithm %s, an IMK is 3des2", name, k->alg);
	if (k->test)
		testkeys = 1;
}

/* The blocked-PAN list: one PAN a line, '#' comments. */
static void
load_blocked(const char *path)
{
	FILE *fp;
	char *line = NULL, *p, **v;
	size_t cap = 0, n;

	if ((fp = fopen(path, "r")) == NULL)
		fatal("%s: %s", path, strerror(errno));
	while (getline(&line, &cap, fp) > 0) {
		p = line + strspn(line, " \t");
		n = strspn(p, "0123456789");
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		if (n < 12 || n > PAN_MAX || (p[n] != '\n' && p[n] != '\0'))
			fatal("%s: not a PAN of 12 to 19 digits", path);
		p[n] = '\0';
		if ((v = reallocarray(rules.blocked, rules.nblocked + 1,
		    sizeof *v)) == NULL || (v[rules.nblocked] = strdup(p)) ==
		    NULL)
			fatal("%s", strerror(ENOMEM));
		rules.blocked = v;
		rules.nblocked++;
	}
	free(line);
	fclose(fp);
}

/* The new PIN of PIN CHANGE scripts: the first line of a file. */
static void
load_pin(const char *path)
{
	FILE *fp;
	int ch;

	if ((fp = fopen(path, "r")) == NULL)
		fatal("%s: %s", path, strerror(errno));
	while ((ch = getc(fp)) != EOF && ch != '\n' &&
	    newpinlen < sizeof newpin - 1)
		newpin[newpinlen++] = (char)ch;
	fclose(fp);
	if (newpinlen < 4 || newpinlen > 12 ||
	    strspn(newpin, "0123456789") != newpinlen)
		fatal("%s: not a PIN of 4 to 12 digits", path);
}

/* Answer one request.  Returns 1 if the record was marked with err. */
static int
answer(struct rec *r)
{
	struct host_req q;
	struct host_keys k;
	struct host_scripts s;
	struct host_resp a;
	const struct cvn *c;
	const char *fname, *why;
	int rc;

	if (host_req_read(r, &q, &fname, &why) != 0) {
		rec_fail(r, fname, "bad-request", "bad-request: %s", why);
		host_req_clear(&q);
		return 1;
	}
	memset(&s, 0, sizeof s);
	if (host_scripts_parse(rec_value(r, "script"), rec_value(r,
	    "putdata"), &s, &why) != 0) {
		rec_fail(r, "script", "bad-script", "bad-script: %s", why);
		host_req_clear(&q);
		return 1;
	}
	if ((s.what != 0 || s.nput != 0) && imkname[SMI] == NULL) {
		rec_fail(r, "script", "no-script-key", "no-script-key: scripts "
		    "need -i imk-smi");
		host_req_clear(&q);
		return 1;
	}
	if ((s.what & HOST_S_PIN_CHANGE) &&
	    (imkname[SMC] == NULL || Pflag == NULL)) {
		rec_fail(r, "script", "no-script-key", "no-script-key: "
		    "pin-change needs -c imk-smc and -P pinfile");
		host_req_clear(&q);
		return 1;
	}
	s.pin = newpin;
	s.pinlen = newpinlen;
	memset(&k, 0, sizeof k);
	if ((c = host_cvn(&q, &rc)) != NULL && host_card_keys(c, &q,
	    imk[AC].val, imk[SMI].val, imk[SMC].val, &k) != 0)
		rc = -1;
	if (rc >= 0 && host_answer(c, &q, &k, &rules, &s, &a) != 0)
		rc = -1;
	host_keys_clear(&k);
	host_req_clear(&q);
	if (rc < 0) {
		rec_fail(r, NULL, "internal", "internal: cryptography failed");
		return 1;
	}
	if (c == NULL && rc == CVN_EIAD) {
		rec_fail(r, "9F10", "bad-request", "bad-request: %s",
		    cvn_strerror(rc));
		return 1;
	}
	rec_set_bin(r, "8A", a.arc, 2);
	rec_del(r, "91");
	rec_del(r, "71");
	rec_del(r, "72");
	if (a.n91 > 0)
		rec_set_bin(r, "91", a.d91, a.n91);
	if (a.n71 > 0)
		rec_set_bin(r, "71", a.s71, a.n71);
	if (a.n72 > 0)
		rec_set_bin(r, "72", a.s72, a.n72);
	rec_set(r, "host", a.approve ? "approve" : "decline");
	rec_set(r, "reason", a.reason);
	if (testkeys)
		rec_set(r, "test", "1");
	return 0;
}

int
main(int argc, char *argv[])
{
	static const enum ks_type type[NIMK] = { KS_IMK_AC, KS_IMK_SMI,
	    KS_IMK_SMC };
	static const char opt[NIMK] = { 'a', 'i', 'c' };
	struct rec_reader *rd;
	struct ks_lmk lmk;
	struct rec r;
	const char *fname = "stdin", *es;
	FILE *fp = stdin;
	int c, i, rc, failed = 0;

	ks_harden();
	Kflag = getenv("EMVPERSO_KEYSTORE");
	if (Kflag == NULL || *Kflag == '\0')
		Kflag = "keys";
	while ((c = getopt(argc, argv, "K:P:a:b:c:i:l:")) != -1)
		switch (c) {
		case 'K':
			Kflag = optarg;
			break;
		case 'P':
			Pflag = optarg;
			break;
		case 'a':
			imkname[AC] = optarg;
			break;
		case 'b':
			bflag = optarg;
			break;
		case 'c':
			imkname[SMC] = optarg;
			break;
		case 'i':
			imkname[SMI] = optarg;
			break;
		case 'l':
			lflag = strtonum(optarg, 1, 999999999999LL, &es);
			if (es != NULL)
				errx(2, "-l %s: %s", optarg, es);
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc > 1 || imkname[AC] == NULL ||
	    (imkname[SMC] != NULL && imkname[SMI] == NULL))
		usage();
	rules.limit = (uint64_t)lflag;
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		fname = argv[0];
		if ((fp = fopen(fname, "r")) == NULL)
			err(3, "%s", fname);
	}
	if (bflag != NULL)
		load_blocked(bflag);
	if (Pflag != NULL)
		load_pin(Pflag);

	ks_lmk_default(&lmk);
	if ((ks = ks_open(Kflag, &lmk, errbuf, sizeof errbuf)) == NULL)
		fatal("%s", errbuf);
	for (i = 0; i < NIMK; i++)
		if (imkname[i] != NULL)
			load(imkname[i], opt[i], type[i], &imk[i]);
	ks_close(ks);
	ks = NULL;

	/* emv-term runs this as a co-process: one answer per request, now. */
	rd = rec_reader_new(fp);
	rec_init(&r);
	while ((rc = rec_next(rd, &r, stdout, &failed)) == 1) {
		failed |= answer(&r);
		if (rec_write(stdout, &r) < 0 || fflush(stdout) == EOF) {
			rc = -1;
			break;
		}
	}
	if (rc < 0 && ferror(fp))
		warn("%s", fname);
	rec_free(&r);
	rec_reader_free(rd);
	wipe();
	for (i = 0; i < (int)rules.nblocked; i++)
		free(rules.blocked[i]);
	free(rules.blocked);
	if (fp != stdin)
		fclose(fp);
	if (rec_flush(stdout) < 0 || rc < 0)
		return 3;
	return failed ? 1 : 0;
}
