/* station.h: a personalization machine's chip stations (EMV CPS 1.1 §3):
 * one thread per PC/SC reader, each taking the oldest record that waits
 * for a card, loading it onto the next card with perso_card and writing
 * the card's start and end in the journal; and the ordering buffer that
 * hands the records back in input order, whichever station finished
 * first.  Everything it holds lives in one call of station_run. */
#ifndef EMV_STATION_H
#define EMV_STATION_H

#include <stddef.h>
#include <stdint.h>

#include "pcsc.h"
#include "perso.h"
#include "record.h"

struct journal;

enum station_state {
	STATION_FREE,
	STATION_DIRECT,		/* written as it is, no card */
	STATION_QUEUED,		/* waits for a card */
	STATION_RUNNING,	/* on a card */
	STATION_DONE		/* res says what happened */
};

/* One record in the ordering buffer. */
struct station_slot {
	struct rec r;
	struct perso_job job;
	struct perso_res res;
	char id[64];			/* the journal's key ("" without one) */
	uint8_t atr[PCSC_ATR_MAX];
	size_t atrlen;
	enum station_state state;
	int station;			/* the index of the station that ran it */
};

/* What the caller does with records, always in the reading thread. */
struct station_io {
	/* Take a record just read: set s->state to STATION_DIRECT or
	 * STATION_QUEUED (then s->job and s->id are filled). */
	void (*admit)(void *ctx, struct station_slot *s);
	/* Write the record (in input order) and free s->job; < 0 on a write
	 * error. */
	int (*emit)(void *ctx, struct station_slot *s);
	void *ctx;
};

/* Run a station on each of readers[0..n) (a NULL name: the first
 * reader), cards personalized with o, waiting at most tmo ms for each
 * card, journaled in j (or NULL), over the records of rd.  A station
 * whose reader is gone stops; once none is left, waiting records get
 * err=no-reader.  Returns 0, or -1 on a read error of rd (errno set);
 * *wfail is set if emit failed. */
int station_run(const char *const *readers, int n, long tmo,
    const struct perso_opts *o, struct journal *j, struct rec_reader *rd,
    const struct station_io *io, int *wfail);

#endif
