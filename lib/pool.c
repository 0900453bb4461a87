/* pool.c: worker threads running jobs in submission order (see pool.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "pool.h"

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t job, done;
	struct pool_job *head, *tail;	/* queued, not yet taken */
	int quit;
	unsigned n;
	pthread_t tid[];
};

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct pool_job *j;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->head == NULL && !p->quit)
			pthread_cond_wait(&p->job, &p->mu);
		if ((j = p->head) == NULL)
			break;
		if ((p->head = j->next) == NULL)
			p->tail = NULL;
		pthread_mutex_unlock(&p->mu);
		j->fn(j->arg);
		pthread_mutex_lock(&p->mu);
		j->done = 1;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct pool *
pool_new(unsigned n)
{
	struct pool *p;
	unsigned i;
	int e;

	if ((p = calloc(1, sizeof *p + n * sizeof p->tid[0])) == NULL)
		return NULL;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->job, NULL);
	pthread_cond_init(&p->done, NULL);
	for (i = 0; i < n; i++) {
		if ((e = pthread_create(&p->tid[i], NULL, worker, p)) != 0) {
			pool_free(p);
			errno = e;
			return NULL;
		}
		p->n = i + 1;
	}
	return p;
}

void
pool_submit(struct pool *p, struct pool_job *j)
{
	j->done = 0;
	j->next = NULL;
	if (p->n == 0) {
		j->fn(j->arg);
		j->done = 1;
		return;
	}
	pthread_mutex_lock(&p->mu);
	if (p->tail != NULL)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	pthread_cond_signal(&p->job);
	pthread_mutex_unlock(&p->mu);
}

void
pool_wait(struct pool *p, struct pool_job *j)
{
	if (p->n == 0)
		return;
	pthread_mutex_lock(&p->mu);
	while (!j->done)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void
pool_free(struct pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->job);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->n; i++)
		pthread_join(p->tid[i], NULL);
	pthread_cond_destroy(&p->job);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
