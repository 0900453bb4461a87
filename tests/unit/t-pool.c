/* t-pool: worker threads run every job once, pool_wait returns only after
 * its job ran, and a caller waiting in submission order sees the jobs
 * done in that order whatever the thread count. */
#include <stdlib.h>
#include <time.h>

#include "pool.h"
#include "unit.h"

#define NJOB 200

struct item {
	struct pool_job job;
	int n, runs, value;
};

/* A job of uneven length, so that later jobs often finish first. */
static void
work(void *arg)
{
	struct item *it = arg;
	struct timespec ts = { 0, (it->n * 7919 % 13) * 50000L };

	nanosleep(&ts, NULL);
	it->value = it->n * it->n;
	it->runs++;
}

static void
batch(unsigned threads, unsigned window)
{
	struct item *it = calloc(NJOB, sizeof *it);
	struct pool *p = pool_new(threads);
	int i, next = 0, ok = 1, order = 1;

	CHECK(p != NULL && it != NULL, "pool_new");
	if (p == NULL || it == NULL)
		return;
	/* A window of at most `window` jobs in flight, as emv-icc keeps. */
	for (i = 0; i < NJOB; i++) {
		it[i].n = i;
		it[i].job.fn = work;
		it[i].job.arg = &it[i];
		pool_submit(p, &it[i].job);
		if (i - next + 1 == (int)window) {
			pool_wait(p, &it[next].job);
			order &= it[next].value == next * next;
			next++;
		}
	}
	for (; next < NJOB; next++) {
		pool_wait(p, &it[next].job);
		order &= it[next].value == next * next;
	}
	pool_free(p);
	for (i = 0; i < NJOB; i++)
		ok &= it[i].runs == 1;
	CHECK(order, threads ? "a waited job is done when pool_wait returns" :
	    "no threads: the job runs in pool_submit");
	CHECK(ok, "every job ran exactly once");
	free(it);
}

int
main(void)
{
	struct item one = { .n = 3 };
	struct pool *p;

	batch(0, 1);
	batch(1, 4);
	batch(2, 8);
	batch(7, 28);
	/* pool_free runs what is still queued. */
	p = pool_new(2);
	one.job.fn = work;
	one.job.arg = &one;
	pool_submit(p, &one.job);
	pool_free(p);
	CHECK_INT(one.runs, 1, "pool_free waits for a queued job");
	pool_free(NULL);
	return unit_done();
}
