/* station.c: chip stations and the ordering buffer (see station.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "station.h"

struct run;

struct station {
	struct run *run;
	const char *reader;
	int idx, dead;
	pthread_t th;
};

/* The state shared by the reading thread and the stations, under mu. */
struct run {
	const struct perso_opts *o;
	struct journal *jnl;
	long tmo;
	struct station_slot *slots;
	size_t nslots, head, tail;	/* ring: head oldest, tail next */
	int alive, eof;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* What the journal hook of one card needs. */
struct card_ctx {
	struct journal *jnl;
	struct station_slot *s;
};

/* Journal the start of a card before its first STORE DATA (the card is
 * about to change: a crash after this shows which card to check). */
static int
hook(void *ctx, const struct perso_res *res)
{
	struct card_ctx *c = ctx;
	char x[64], err[128];

	if (c->jnl == NULL)
		return 0;
	strcpy(x, "serial=");
	if (res->has_serial)
		perso_hex(res->serial, 4, x + 7);
	else
		strcpy(x + 7, "unknown");
	if (journal_add(c->jnl, c->s->id, JOURNAL_START, x, err,
	    sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", getprogname(), err);
		return -1;
	}
	return 0;
}

/* After a card that was changed: journal its end, ok or the failure. */
static void
journal_end(struct journal *jnl, struct station_slot *s)
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

static int
xmit(void *ctx, const uint8_t *cmd, size_t n, unsigned flags,
    uint8_t *rsp, size_t *rlen, char *err, size_t errlen)
{
	return pcsc_transmit(ctx, cmd, n, flags, rsp, rlen, err, errlen);
}

/* The oldest queued slot, NULL once the input is over and none is left;
 * called and returns with mu held. */
static struct station_slot *
next_queued(struct run *R)
{
	size_t i;

	for (;;) {
		for (i = R->head; i != R->tail; i = (i + 1) % R->nslots)
			if (R->slots[i].state == STATION_QUEUED)
				return &R->slots[i];
		if (R->eof)
			return NULL;
		pthread_cond_wait(&R->cv, &R->mu);
	}
}

/* A chip station: the oldest queued record, the next card for it. */
static void *
station(void *arg)
{
	struct station *me = arg;
	struct run *R = me->run;
	struct pcsc *p = NULL;
	struct station_slot *s;
	struct perso_opts o = *R->o;
	struct card_ctx cc;
	char err[160], tag[24];
	int rc;

	snprintf(tag, sizeof tag, "%s: %d ", getprogname(), me->idx);
	o.tracetag = tag;
	cc.jnl = R->jnl;
	while (!me->dead) {
		pthread_mutex_lock(&R->mu);
		if ((s = next_queued(R)) == NULL) {
			pthread_mutex_unlock(&R->mu);
			break;
		}
		s->state = STATION_RUNNING;
		s->station = me->idx;
		pthread_mutex_unlock(&R->mu);
		memset(&s->res, 0, sizeof s->res);
		s->atrlen = 0;
		rc = 0;
		if (p == NULL)
			p = pcsc_open(me->reader, R->tmo, &rc, err, sizeof err);
		else
			rc = pcsc_next_card(p, R->tmo, err, sizeof err);
		if (rc == 0) {
			cc.s = s;
			s->atrlen = pcsc_atr(p, s->atr);
			perso_card(xmit, p, &o, &s->job, hook, &cc, &s->res);
		} else {
			s->res.step = "wait";
			s->res.code = rc == PCSC_ETIMEOUT ? "no-card" :
			    "reader-gone";
			snprintf(s->res.reason, sizeof s->res.reason,
			    "%s: %s", s->res.code, err);
		}
		journal_end(R->jnl, s);
		pthread_mutex_lock(&R->mu);
		if (s->res.code != NULL && strcmp(s->res.code,
		    "reader-gone") == 0) {
			me->dead = 1;
			R->alive--;
		}
		s->state = STATION_DONE;
		pthread_cond_broadcast(&R->cv);
		pthread_mutex_unlock(&R->mu);
	}
	if (p != NULL)
		pcsc_close(p, err, sizeof err);
	return NULL;
}

/* Write what is done at the head, in input order; with mu held. */
static void
drain(struct run *R, const struct station_io *io, int *wfail)
{
	struct station_slot *s;

	while (R->head != R->tail) {
		s = &R->slots[R->head];
		if (s->state == STATION_QUEUED && R->alive == 0) {
			s->state = STATION_DONE;
			s->res.code = "no-reader";
			s->res.step = "wait";
			snprintf(s->res.reason, sizeof s->res.reason,
			    "no-reader: every chip station is gone");
		}
		if (s->state != STATION_DIRECT && s->state != STATION_DONE)
			return;
		pthread_mutex_unlock(&R->mu);
		if (io->emit(io->ctx, s) < 0)
			*wfail = 1;
		pthread_mutex_lock(&R->mu);
		s->state = STATION_FREE;
		R->head = (R->head + 1) % R->nslots;
	}
}

int
station_run(const char *const *readers, int n, long tmo,
    const struct perso_opts *o, struct journal *j, struct rec_reader *rd,
    const struct station_io *io, int *wfail)
{
	struct run R;
	struct station *st;
	struct station_slot *s;
	int i, rr, rc = 0;
	size_t k;

	memset(&R, 0, sizeof R);
	R.o = o;
	R.jnl = j;
	R.tmo = tmo;
	/* Two records per station in flight, and one being read. */
	R.nslots = 2 * (size_t)n + 1;
	if ((R.slots = calloc(R.nslots, sizeof *R.slots)) == NULL ||
	    (st = calloc((size_t)n, sizeof *st)) == NULL)
		abort();
	for (k = 0; k < R.nslots; k++)
		rec_init(&R.slots[k].r);
	pthread_mutex_init(&R.mu, NULL);
	pthread_cond_init(&R.cv, NULL);
	for (i = 0; i < n; i++) {
		st[i].run = &R;
		st[i].reader = readers[i];
		st[i].idx = i;
		R.alive++;
		if (pthread_create(&st[i].th, NULL, station, &st[i]) != 0)
			abort();
	}
	pthread_mutex_lock(&R.mu);
	for (;;) {
		drain(&R, io, wfail);
		if (R.eof && R.head == R.tail)
			break;
		if (R.eof || (R.tail + 1) % R.nslots == R.head) {
			pthread_cond_wait(&R.cv, &R.mu);
			continue;
		}
		s = &R.slots[R.tail];
		pthread_mutex_unlock(&R.mu);
		rr = rec_read(rd, &s->r);
		if (rr > 0)
			io->admit(io->ctx, s);
		pthread_mutex_lock(&R.mu);
		if (rr <= 0) {
			if (rr < 0)
				rc = -1;
			R.eof = 1;
		} else
			R.tail = (R.tail + 1) % R.nslots;
		pthread_cond_broadcast(&R.cv);
	}
	pthread_mutex_unlock(&R.mu);
	for (i = 0; i < n; i++)
		pthread_join(st[i].th, NULL);
	for (k = 0; k < R.nslots; k++)
		rec_free(&R.slots[k].r);
	free(R.slots);
	free(st);
	pthread_mutex_destroy(&R.mu);
	pthread_cond_destroy(&R.cv);
	return rc;
}
