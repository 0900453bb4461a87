/* emv-perso: load CPS records onto cards through PC/SC chip stations
 * (EMV CPS 1.1 §3, GlobalPlatform 2.3), or write their APDU scripts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"
#include "journal.h"
#include "keystore.h"
#include "pcsc.h"
#include "perso.h"
#include "record.h"
#include "station.h"

#define STATIONS_MAX	16
#define KEKS_MAX	8

static struct perso_opts opts;
static const char *readers[STATIONS_MAX];
static int nst;
static struct journal *jnl;
static struct ks_key keks[KEKS_MAX];
static int nkeks, vflag, nflag, fflag, failed;
static long tmo = 30000;
static uint32_t serial = 1;

static void
usage(void)
{
	fprintf(stderr, "usage: %s -k kmc [-fv] [-d method] [-i scp] "
	    "[-J journal] [-K dir] [-l level] [-r reader ...] [-t ms] "
	    "[file ...]\n"
	    "       %s -n -k kmc [-f] [-d method] [-i scp] [-K dir] "
	    "[-l level] [-s serial] [file ...]\n", getprogname(),
	    getprogname());
	exit(2);
}

/* Dry run of one record against the test card of the next serial. */
static void
dry(struct station_slot *s)
{
	struct perso_sim *sim;
	uint8_t sn[4];
	char err[128];

	sn[0] = (uint8_t)(serial >> 24);
	sn[1] = (uint8_t)(serial >> 16);
	sn[2] = (uint8_t)(serial >> 8);
	sn[3] = (uint8_t)serial;
	serial++;
	printf("# record %s card %02X%02X%02X%02X\n", s->job.label, sn[0],
	    sn[1], sn[2], sn[3]);
	if ((sim = perso_sim_new(&opts, sn, &s->job, stdout, err,
	    sizeof err)) == NULL) {
		s->res.code = "internal";
		snprintf(s->res.reason, sizeof s->res.reason, "%s", err);
		return;
	}
	perso_card(perso_sim_xmit, sim, &opts, &s->job, NULL, NULL, &s->res);
	perso_sim_free(sim);
}

/* The KEK a record names, loaded once. */
static const struct ks_key *
kek_get(struct ks *ks, const char *name, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < nkeks; i++)
		if (strcmp(keks[i].name, name) == 0)
			return &keks[i];
	if (nkeks == KEKS_MAX) {
		snprintf(err, errlen, "more than %d KEKs", KEKS_MAX);
		return NULL;
	}
	if (ks_get(ks, name, KS_USE_WRAP, &keks[nkeks], err, errlen) < 0)
		return NULL;
	return &keks[nkeks++];
}

/* Take a record in: DIRECT (written as it is) or QUEUED for a card. */
static void
admit(void *ctx, struct station_slot *s)
{
	struct ks *ks = ctx;
	const char *v, *field, *code;
	char err[192], sn[9];
	enum journal_state js;

	s->state = STATION_DIRECT;
	if (s->r.kind != REC_LINE_RECORD || rec_has_error(&s->r))
		return;
	if (s->r.perr != NULL) {
		rec_pass_error(&s->r);
		failed = 1;
		return;
	}
	if (perso_job_load(&s->job, &s->r, &field, &code, err,
	    sizeof err) < 0) {
		rec_fail(&s->r, field, code, "%s", err);
		failed = 1;
		return;
	}
	if ((v = rec_value(&s->r, "kek")) != NULL &&
	    (s->job.kek = kek_get(ks, v, err, sizeof err)) == NULL) {
		rec_fail(&s->r, "kek", "bad-kek", "bad-kek: %s", err);
		failed = 1;
		return;
	}
	for (size_t i = 0; i < s->job.ndgi; i++)
		if (s->job.dgi[i].enc && s->job.kek == NULL) {
			rec_fail(&s->r, "kek", "bad-kek", "bad-kek: secret "
			    "DGIs and no kek attribute");
			failed = 1;
			return;
		}
	if (jnl != NULL) {
		if ((v = rec_value(&s->r, "id")) == NULL) {
			rec_fail(&s->r, "id", "no-id", "no-id: a journal "
			    "needs record ids");
			failed = 1;
			return;
		}
		snprintf(s->id, sizeof s->id, "%s", v);
		js = journal_state(jnl, s->id, sn);
		if (js == JOURNAL_OK) {
			rec_set(&s->r, "perso", "done");
			if (*sn != '\0')
				rec_set(&s->r, "serial", sn);
			return;
		}
		if (js == JOURNAL_START) {
			rec_fail(&s->r, "id", "perso-unknown", "perso-unknown: "
			    "a previous run began card %s and never ended: "
			    "check that card", *sn ? sn : "unknown");
			failed = 1;
			return;
		}
		if (journal_claim(jnl, s->id) < 0) {
			rec_fail(&s->r, "id", "duplicate", "duplicate: the id "
			    "came before in this batch");
			failed = 1;
			return;
		}
	}
	s->state = STATION_QUEUED;
}

/* Write the head slot's record with what happened. */
static int
emit(void *ctx, struct station_slot *s)
{
	struct perso_res *r = &s->res;
	char hx[2 * 66 + 1];
	int rc;

	if (s->state == STATION_DONE) {
		if (r->has_serial) {
			perso_hex(r->serial, 4, hx);
			rec_set(&s->r, "serial", hx);
		}
		if (s->atrlen > 0) {
			perso_hex(s->atr, s->atrlen, hx);
			rec_set(&s->r, "atr", hx);
		}
		if (r->has_kdd) {
			perso_hex(r->kdd, SCP_KDD_LEN, hx);
			rec_set(&s->r, "kdd", hx);
		}
		if (r->scp) {
			snprintf(hx, sizeof hx, "%02X", r->scp);
			rec_set(&s->r, "scp", hx);
			snprintf(hx, sizeof hx, "%02X", r->i);
			rec_set(&s->r, "scpi", hx);
		}
		if (r->level) {
			snprintf(hx, sizeof hx, "%02X", r->level);
			rec_set(&s->r, "level", hx);
		}
		snprintf(hx, sizeof hx, "%u", r->ncmd);
		rec_set(&s->r, "ncmd", hx);
		if (!nflag) {
			snprintf(hx, sizeof hx, "%d", s->station);
			rec_set(&s->r, "station", hx);
		}
		if (r->code == NULL) {
			perso_hex(s->job.sha, 32, hx);
			rec_set(&s->r, "loadsha", hx);
			rec_set(&s->r, "perso", nflag ? "script" : "ok");
		} else {
			if (r->stored)
				rec_set(&s->r, "step", r->step);
			rec_fail(&s->r, NULL, r->code, "%s (at %s)", r->reason,
			    r->step ? r->step : "start");
			failed = 1;
		}
		if (opts.kmc->test || (s->job.kek && s->job.kek->test))
			rec_set(&s->r, "test", "1");
	}
	rc = nflag ? 0 : rec_write(stdout, &s->r);
	perso_job_free(&s->job);
	s->state = STATION_FREE;
	return rc;
}

/* The dry run: each record in turn, no reader. */
static int
dry_run(struct ks *ks, struct rec_reader *rd, int *wfail)
{
	struct station_slot s;
	int rr;

	memset(&s, 0, sizeof s);
	rec_init(&s.r);
	while ((rr = rec_read(rd, &s.r)) > 0) {
		admit(ks, &s);
		if (s.state == STATION_QUEUED) {
			dry(&s);
			s.state = STATION_DONE;
		}
		if (emit(NULL, &s) < 0)
			*wfail = 1;
	}
	rec_free(&s.r);
	return rr < 0 ? -1 : 0;
}

static void
parse_scp(const char *a)
{
	unsigned s, i = 0x15;
	int n;

	if (sscanf(a, "%2x%n", &s, &n) != 1 || n != 2 || (s != 2 && s != 3) ||
	    (a[2] != '\0' && (s != 2 || sscanf(a + 2, ":%2x%n", &i, &n) != 1 ||
	    a[2 + n] != '\0')))
		usage();
	opts.scp = (uint8_t)s;
	opts.i02 = (uint8_t)i;
}

int
main(int argc, char *argv[])
{
	static const uint8_t zero[8];
	struct ks_lmk lmk;
	struct ks_key kmc;
	struct ks *ks;
	struct rec_reader *rd;
	const char *kdir = NULL, *kname = NULL, *jpath = NULL, *div = NULL;
	const char *e;
	char err[256];
	FILE *fp = stdin;
	int c, rc = 0, wfail = 0;

	ks_harden();
	opts.i02 = 0x15;
	opts.level = SCP_LEVEL_MAC | SCP_LEVEL_ENC;
	while ((c = getopt(argc, argv, "d:fi:J:K:k:l:nr:s:t:v")) != -1)
		switch (c) {
		case 'd': div = optarg; break;
		case 'f': fflag = 1; break;
		case 'i': parse_scp(optarg); break;
		case 'J': jpath = optarg; break;
		case 'K': kdir = optarg; break;
		case 'k': kname = optarg; break;
		case 'l':
			if (strcmp(optarg, "mac") == 0)
				opts.level = SCP_LEVEL_MAC;
			else if (strcmp(optarg, "enc") != 0)
				usage();
			break;
		case 'n': nflag = 1; break;
		case 'r':
			if (nst == STATIONS_MAX)
				usage();
			readers[nst++] = optarg;
			break;
		case 's':
			if (strlen(optarg) != 8 || hex_decode(optarg, 8,
			    (uint8_t[4]){ 0 }) != 4)
				usage();
			serial = (uint32_t)strtoul(optarg, NULL, 16);
			break;
		case 't':
			tmo = strtonum(optarg, 100, 3600000, &e);
			if (e != NULL)
				usage();
			break;
		case 'v': vflag = 1; break;
		default: usage();
		}
	argc -= optind;
	argv += optind;
	if (kname == NULL || argc > 1 || (nflag && (nst > 0 || jpath)))
		usage();
	opts.p1fmt = fflag ? 0x08 : 0x00;
	opts.trace = vflag ? stderr : NULL;
	if (kdir == NULL && (kdir = getenv("EMVPERSO_KEYSTORE")) == NULL)
		kdir = "keys";
	ks_lmk_default(&lmk);
	if ((ks = ks_open(kdir, &lmk, err, sizeof err)) == NULL ||
	    ks_get(ks, kname, KS_USE_CARD, &kmc, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", getprogname(), err);
		if (ks != NULL)
			ks_close(ks);
		return 3;
	}
	opts.kmc = &kmc;
	opts.div = kmc.sym == SYM_3DES2 ? SCP_DIV_EMV : SCP_DIV_KDF3;
	if (div != NULL && strcmp(div, "emv") == 0)
		opts.div = SCP_DIV_EMV;
	else if (div != NULL && strcmp(div, "visa2") == 0)
		opts.div = SCP_DIV_VISA2;
	else if (div != NULL && strcmp(div, "kdf3") == 0)
		opts.div = SCP_DIV_KDF3;
	else if (div != NULL)
		usage();
	if (nflag)
		opts.host_chal = zero;
	if (jpath != NULL && (jnl = journal_open(jpath, err, sizeof err)) ==
	    NULL) {
		fprintf(stderr, "%s: %s\n", getprogname(), err);
		return 3;
	}
	if (argc == 1 && strcmp(argv[0], "-") != 0 &&
	    (fp = fopen(argv[0], "r")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", getprogname(), argv[0],
		    strerror(errno));
		return 3;
	}
	rd = rec_reader_new(fp);
	if (nflag)
		rc = dry_run(ks, rd, &wfail);
	else {
		struct station_io io = { admit, emit, ks };

		if (nst == 0)
			readers[nst++] = NULL;
		rc = station_run(readers, nst, tmo, &opts, jnl, rd, &io,
		    &wfail);
	}
	if (rc < 0)
		fprintf(stderr, "%s: read error: %s\n", getprogname(),
		    strerror(errno));
	rec_reader_free(rd);
	for (c = 0; c < nkeks; c++)
		ks_key_clear(&keks[c]);
	ks_key_clear(&kmc);
	ks_close(ks);
	journal_close(jnl);
	if (rec_flush(stdout) < 0 || wfail)
		return 3;
	return rc < 0 ? 3 : failed;
}
