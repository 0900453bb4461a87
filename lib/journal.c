/* journal.c: the personalization journal (see journal.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "record.h"

struct jent {
	char *id;
	enum journal_state st;
	char serial[9];
	int claimed;
};

struct journal {
	int fd;
	pthread_mutex_t mu;
	struct jent *e;		/* open addressing, cap a power of two */
	size_t n, cap;
};

static const char *const names[] = { "none", "start", "ok", "fail" };

static size_t
hash(const char *s)
{
	size_t h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* The entry of id, made if need be. */
static struct jent *
ent(struct journal *j, const char *id)
{
	struct jent *old;
	size_t i, oc;

	if (2 * (j->n + 1) > j->cap) {
		old = j->e;
		oc = j->cap;
		j->cap = oc ? 2 * oc : 1024;
		if ((j->e = calloc(j->cap, sizeof *j->e)) == NULL)
			abort();
		j->n = 0;
		for (i = 0; i < oc; i++)
			if (old[i].id != NULL) {
				struct jent *e = ent(j, old[i].id);
				free(e->id);
				*e = old[i];
			}
		free(old);
	}
	for (i = hash(id) & (j->cap - 1); j->e[i].id != NULL;
	    i = (i + 1) & (j->cap - 1))
		if (strcmp(j->e[i].id, id) == 0)
			return &j->e[i];
	if ((j->e[i].id = strdup(id)) == NULL)
		abort();
	j->n++;
	return &j->e[i];
}

static int
state_parse(const char *s, enum journal_state *st)
{
	int i;

	for (i = 1; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*st = (enum journal_state)i;
			return 0;
		}
	return -1;
}

struct journal *
journal_open(const char *path, char *err, size_t errlen)
{
	struct journal *j;
	struct rec_reader *rd;
	struct rec r;
	const char *id, *st, *sn;
	struct jent *e;
	FILE *fp;
	int fd, rc;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((j = calloc(1, sizeof *j)) == NULL)
		abort();
	j->fd = fd;
	pthread_mutex_init(&j->mu, NULL);
	if ((fp = fdopen(dup(fd), "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		journal_close(j);
		return NULL;
	}
	rd = rec_reader_new(fp);
	rec_init(&r);
	while ((rc = rec_read(rd, &r)) == 1) {
		enum journal_state s;

		if (r.kind != REC_LINE_RECORD)
			continue;
		if (r.perr != NULL || (id = rec_value(&r, "id")) == NULL ||
		    (st = rec_value(&r, "perso")) == NULL ||
		    state_parse(st, &s) < 0) {
			snprintf(err, errlen, "%s: line %lu: not a journal "
			    "entry", path, r.lineno);
			rc = -2;
			break;
		}
		e = ent(j, id);
		e->st = s;
		if ((sn = rec_value(&r, "serial")) != NULL && strlen(sn) == 8)
			memcpy(e->serial, sn, 9);
	}
	if (rc == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	rec_free(&r);
	rec_reader_free(rd);
	fclose(fp);
	if (rc < 0) {
		journal_close(j);
		return NULL;
	}
	return j;
}

enum journal_state
journal_state(struct journal *j, const char *id, char serial[9])
{
	struct jent *e;
	enum journal_state st;

	pthread_mutex_lock(&j->mu);
	e = ent(j, id);
	st = e->st;
	memcpy(serial, e->serial, 9);
	pthread_mutex_unlock(&j->mu);
	return st;
}

int
journal_claim(struct journal *j, const char *id)
{
	struct jent *e;
	int rc = -1;

	pthread_mutex_lock(&j->mu);
	e = ent(j, id);
	if (!e->claimed)
		e->claimed = 1, rc = 0;
	pthread_mutex_unlock(&j->mu);
	return rc;
}

int
journal_add(struct journal *j, const char *id, enum journal_state st,
    const char *extra, char *err, size_t errlen)
{
	char *line;
	const char *sn;
	struct jent *e;
	int n, rc = -1;

	n = asprintf(&line, "id=%s perso=%s%s%s\n", id, names[st],
	    extra ? " " : "", extra ? extra : "");
	if (n < 0)
		abort();
	pthread_mutex_lock(&j->mu);
	/* One write: O_APPEND keeps concurrent lines whole. */
	if (write(j->fd, line, (size_t)n) != n || fsync(j->fd) != 0)
		snprintf(err, errlen, "journal: %s", strerror(errno));
	else {
		e = ent(j, id);
		e->st = st;
		if ((sn = extra ? strstr(extra, "serial=") : NULL) != NULL &&
		    strlen(sn) >= 15) {
			memcpy(e->serial, sn + 7, 8);
			e->serial[8] = '\0';
		}
		rc = 0;
	}
	pthread_mutex_unlock(&j->mu);
	free(line);
	return rc;
}

void
journal_close(struct journal *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->cap; i++)
		free(j->e[i].id);
	free(j->e);
	close(j->fd);
	pthread_mutex_destroy(&j->mu);
	free(j);
}
