/* emv-perso: load CPS records onto cards through PC/SC chip stations
 * (EMV CPS 1.1 §3, GlobalPlatform 2.3), or write their APDU scripts. */
#include <errno.h>
#include <pthread.h>
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

#define STATIONS_MAX	16
#define KEKS_MAX	8

enum { S_FREE, S_DIRECT, S_QUEUED, S_RUNNING, S_DONE };

struct slot {
	struct rec r;
	struct perso_job job;
	struct perso_res res;
	char id[64];
	uint8_t atr[PCSC_ATR_MAX];
	size_t atrlen;
	int state, station;
};

struct station {
	const char *reader;
	int idx, dead;
	pthread_t th;
};

static struct perso_opts opts;
static struct slot *slots;
static size_t nslots, head, tail;	/* ring: head oldest, tail next */
static struct station st[STATIONS_MAX];
static int nst, alive, eof;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct journal *jnl;
static struct ks_key keks[KEKS_MAX];
static int nkeks, vflag, nflag, fflag;
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

static int
xmit(void *ctx, const uint8_t *cmd, size_t n, unsigned flags,
    uint8_t *rsp, size_t *rlen, char *err, size_t errlen)
{
	return pcsc_transmit(ctx, cmd, n, flags, rsp, rlen, err, errlen);
}

/* Journal the start of a card before its first STORE DATA. */
static int
hook(void *ctx, const struct perso_res *res)
{
	struct slot *s = ctx;
	char x[64], err[128];

	if (jnl == NULL)
		return 0;
	strcpy(x, "serial=");
	if (res->has_serial)
		perso_hex(res->serial, 4, x + 7);
	else
		strcpy(x + 7, "unknown");
	if (journal_add(jnl, s->id, JOURNAL_START, x, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", getprogname(), err);
		return -1;
	}
	return 0;
}

/* After a card: journal its end. */
static void
journal_end(struct slot *s)
{
	char x[128], sn[9] = "unknown", err[128];

	if (jnl == NULL || !s->res.stored)
		return;
	if (s->res.has_serial)
		perso_hex(s->res.serial, 4, sn);
	if (s->res.code == NULL)
		snprintf(x, sizeof x, "serial=%s", sn);
	else
		snprintf(x, sizeof x, "serial=%s step=%s code=%s", sn,
		    s->res.step, s->res.code);
	if (journal_add(jnl, s->id, s->res.code ? JOURNAL_FAIL : JOURNAL_OK,
	    x, err, sizeof err) < 0)
		fprintf(stderr, "%s: %s\n", getprogname(), err);
}

/* A chip station: takes the oldest queued record, a card for it. */
static void *
station(void *arg)
{
	struct station *me = arg;
	struct pcsc *p = NULL;
	struct slot *s;
	char err[160], tag[24];
	size_t i;
	int rc;

	snprintf(tag, sizeof tag, "%s: %d ", getprogname(), me->idx);
	for (;;) {
		pthread_mutex_lock(&mu);
		for (;;) {
			s = NULL;
			for (i = head; i != tail; i = (i + 1) % nslots)
				if (slots[i].state == S_QUEUED) {
					s = &slots[i];
					break;
				}
			if (s != NULL || eof)
				break;
			pthread_cond_wait(&cv, &mu);
		}
		if (s == NULL) {
			pthread_mutex_unlock(&mu);
			break;
		}
		s->state = S_RUNNING;
		s->station = me->idx;
		pthread_mutex_unlock(&mu);
		memset(&s->res, 0, sizeof s->res);
		s->atrlen = 0;
		rc = 0;
		if (p == NULL)
			p = pcsc_open(me->reader, tmo, &rc, err, sizeof err);
		else
			rc = pcsc_next_card(p, tmo, err, sizeof err);
		if (rc == 0) {
			struct perso_opts o = opts;

			o.tracetag = tag;
			s->atrlen = pcsc_atr(p, s->atr);
			perso_card(xmit, p, &o, &s->job, hook, s, &s->res);
		} else {
			s->res.step = "wait";
			s->res.code = rc == PCSC_ETIMEOUT ? "no-card" :
			    "reader-gone";
			snprintf(s->res.reason, sizeof s->res.reason,
			    "%s: %s", s->res.code, err);
		}
		journal_end(s);
		pthread_mutex_lock(&mu);
		if (s->res.code != NULL && strcmp(s->res.code,
		    "reader-gone") == 0) {
			me->dead = 1;
			alive--;
		}
		s->state = S_DONE;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		if (me->dead)
			break;
	}
	if (p != NULL)
		pcsc_close(p, err, sizeof err);
	return NULL;
}

/* Dry run of one record against the test card of the next serial. */
static void
dry(struct slot *s)
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
admit(struct ks *ks, struct slot *s, int *failed)
{
	const char *v, *field, *code;
	char err[192], sn[9];
	enum journal_state js;

	s->state = S_DIRECT;
	if (s->r.kind != REC_LINE_RECORD || rec_has_error(&s->r))
		return;
	if (s->r.perr != NULL) {
		rec_pass_error(&s->r);
		*failed = 1;
		return;
	}
	if (perso_job_load(&s->job, &s->r, &field, &code, err,
	    sizeof err) < 0) {
		rec_fail(&s->r, field, code, "%s", err);
		*failed = 1;
		return;
	}
	if ((v = rec_value(&s->r, "kek")) != NULL &&
	    (s->job.kek = kek_get(ks, v, err, sizeof err)) == NULL) {
		rec_fail(&s->r, "kek", "bad-kek", "bad-kek: %s", err);
		*failed = 1;
		return;
	}
	for (size_t i = 0; i < s->job.ndgi; i++)
		if (s->job.dgi[i].enc && s->job.kek == NULL) {
			rec_fail(&s->r, "kek", "bad-kek", "bad-kek: secret "
			    "DGIs and no kek attribute");
			*failed = 1;
			return;
		}
	if (jnl != NULL) {
		if ((v = rec_value(&s->r, "id")) == NULL) {
			rec_fail(&s->r, "id", "no-id", "no-id: a journal "
			    "needs record ids");
			*failed = 1;
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
			*failed = 1;
			return;
		}
		if (journal_claim(jnl, s->id) < 0) {
			rec_fail(&s->r, "id", "duplicate", "duplicate: the id "
			    "came before in this batch");
			*failed = 1;
			return;
		}
	}
	s->state = S_QUEUED;
}

/* Write the head slot's record with what happened. */
static int
emit(struct slot *s, int *failed)
{
	struct perso_res *r = &s->res;
	char hx[2 * 66 + 1];
	int rc;

	if (s->state == S_DONE) {
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
			*failed = 1;
		}
		if (opts.kmc->test || (s->job.kek && s->job.kek->test))
			rec_set(&s->r, "test", "1");
	}
	rc = nflag ? 0 : rec_write(stdout, &s->r);
	perso_job_free(&s->job);
	s->state = S_FREE;
	return rc;
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
	int c, i, rc = 0, failed = 0, wfail = 0, rr;

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
			st[nst++].reader = optarg;
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
	if (nst == 0)
		st[nst++].reader = NULL;
	nslots = nflag ? 2 : 2 * (size_t)nst + 1;
	if ((slots = calloc(nslots, sizeof *slots)) == NULL)
		abort();
	for (size_t k = 0; k < nslots; k++)
		rec_init(&slots[k].r);
	if (!nflag)
		for (i = 0; i < nst; i++) {
			st[i].idx = i;
			alive++;
			pthread_create(&st[i].th, NULL, station, &st[i]);
		}
	rd = rec_reader_new(fp);
	for (;;) {
		pthread_mutex_lock(&mu);
		/* Write what is done at the head, in input order. */
		while (head != tail && (slots[head].state == S_DIRECT ||
		    slots[head].state == S_DONE || (alive == 0 &&
		    slots[head].state == S_QUEUED))) {
			struct slot *s = &slots[head];

			if (s->state == S_QUEUED) {
				s->state = S_DONE;
				s->res.code = "no-reader";
				s->res.step = "wait";
				snprintf(s->res.reason, sizeof s->res.reason,
				    "no-reader: every chip station is gone");
			}
			pthread_mutex_unlock(&mu);
			if (emit(s, &failed) < 0)
				wfail = 1;
			pthread_mutex_lock(&mu);
			head = (head + 1) % nslots;
		}
		if (eof && head == tail) {
			pthread_mutex_unlock(&mu);
			break;
		}
		if (eof || (tail + 1) % nslots == head) {
			pthread_cond_wait(&cv, &mu);
			pthread_mutex_unlock(&mu);
			continue;
		}
		pthread_mutex_unlock(&mu);
		rr = rec_read(rd, &slots[tail].r);
		pthread_mutex_lock(&mu);
		if (rr <= 0) {
			if (rr < 0)
				rc = 3;
			eof = 1;
			pthread_cond_broadcast(&cv);
			pthread_mutex_unlock(&mu);
			continue;
		}
		pthread_mutex_unlock(&mu);
		admit(ks, &slots[tail], &failed);
		if (nflag && slots[tail].state == S_QUEUED) {
			dry(&slots[tail]);
			slots[tail].state = S_DONE;
		}
		pthread_mutex_lock(&mu);
		tail = (tail + 1) % nslots;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	if (!nflag)
		for (i = 0; i < nst; i++)
			pthread_join(st[i].th, NULL);
	rec_reader_free(rd);
	for (size_t k = 0; k < nslots; k++)
		rec_free(&slots[k].r);
	free(slots);
	for (i = 0; i < nkeks; i++)
		ks_key_clear(&keks[i]);
	ks_key_clear(&kmc);
	ks_close(ks);
	journal_close(jnl);
	if (rc == 3)
		fprintf(stderr, "%s: read error: %s\n", getprogname(),
		    strerror(errno));
	if (rec_flush(stdout) < 0 || wfail)
		return 3;
	return rc ? rc : failed;
}
