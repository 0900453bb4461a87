/* pool.h: a fixed set of worker threads running jobs in the order they
 * are submitted, for a stage whose records wait on slow work (the ICC key
 * pairs of emv-icc(1)) and must still leave in input order.  The caller
 * keeps a bounded window of jobs, submits each as its record is read and
 * waits on the oldest before writing it, so memory stays constant and the
 * output order is the input order whatever the number of threads.  Jobs
 * may not touch the record stream: diagnostics stay in the caller's
 * thread, in order. */
#ifndef EMV_POOL_H
#define EMV_POOL_H

struct pool;

/* A job: the caller sets fn and arg, and owns the memory until pool_wait
 * returns for it. */
struct pool_job {
	void (*fn)(void *);
	void *arg;
	/* private */
	int done;
	struct pool_job *next;
};

/* Start n worker threads (0: pool_submit runs each job at once, in the
 * caller's thread).  Returns NULL with errno set on failure. */
struct pool *pool_new(unsigned n);

/* Queue job j (FIFO). */
void pool_submit(struct pool *p, struct pool_job *j);

/* Wait until job j, submitted to p, has run. */
void pool_wait(struct pool *p, struct pool_job *j);

/* Run the jobs still queued, stop the threads and free p (NULL: nothing). */
void pool_free(struct pool *p);

#endif
