/* fixed.c: layout files and fixed-width rows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixed.h"

/* As in csv.c: a line buffer big enough that getline need not realloc
 * (and leave a PAN in freed memory) for ordinary files. */
#define LINE0	4096
#define MAXPOS	65536

struct fixed_reader {
	FILE *fp;
	const struct fixed_layout *lo;
	char *line;
	size_t linecap;
	char *buf;		/* fields, NUL-terminated: reclen + n bytes */
	char **f;
	size_t *len;
	unsigned long lineno;
	char err[80];
};

static void *
xalloc(size_t n)
{
	void *p;

	if ((p = calloc(1, n)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", getprogname());
		exit(4);
	}
	return p;
}

void
fixed_layout_free(struct fixed_layout *lo)
{
	size_t i;

	if (lo == NULL)
		return;
	for (i = 0; i < lo->n; i++)
		free(lo->c[i].name);
	free(lo->c);
	free(lo);
}

/* Parse one non-comment layout line into c.  Returns NULL or a reason. */
static const char *
parse_col(char *s, struct fixed_col *c)
{
	const char *ws = " \t", *errstr;
	char *tok[4], *save = NULL;
	long long start, len;
	int nt;

	for (nt = 0; nt < 4; nt++)
		if ((tok[nt] = strtok_r(nt ? NULL : s, ws, &save)) == NULL)
			break;
	if (nt != 3)
		return "want NAME START LENGTH";
	start = strtonum(tok[1], 1, MAXPOS, &errstr);
	if (errstr != NULL)
		return "START is not a number from 1 to 65536";
	len = strtonum(tok[2], 1, MAXPOS, &errstr);
	if (errstr != NULL)
		return "LENGTH is not a number from 1 to 65536";
	if ((c->name = strdup(tok[0])) == NULL) {
		fprintf(stderr, "%s: out of memory\n", getprogname());
		exit(4);
	}
	c->start = (size_t)start - 1;
	c->len = (size_t)len;
	return NULL;
}

struct fixed_layout *
fixed_layout_read(FILE *fp, char *err, size_t errlen)
{
	struct fixed_layout *lo;
	struct fixed_col *c;
	const char *why;
	char *line = NULL, *s;
	size_t cap = 0, i, cols = 0;
	unsigned long lineno = 0;
	ssize_t n;

	lo = xalloc(sizeof *lo);
	while ((n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		if (lo->n == cols) {
			cols = cols ? 2 * cols : 16;
			if ((lo->c = realloc(lo->c, cols * sizeof *lo->c)) ==
			    NULL) {
				fprintf(stderr, "%s: out of memory\n",
				    getprogname());
				exit(4);
			}
		}
		c = &lo->c[lo->n];
		if ((why = parse_col(s, c)) != NULL)
			goto bad;
		lo->n++;
		for (i = 0; i + 1 < lo->n; i++)
			if (c->start < lo->c[i].start + lo->c[i].len &&
			    lo->c[i].start < c->start + c->len) {
				why = "overlaps an earlier column";
				goto bad;
			}
		if (c->start + c->len > lo->reclen)
			lo->reclen = c->start + c->len;
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	if (lo->n == 0) {
		snprintf(err, errlen, "no columns");
		goto fail;
	}
	free(line);
	return lo;
bad:
	snprintf(err, errlen, "line %lu: %s", lineno, why);
fail:
	free(line);
	fixed_layout_free(lo);
	return NULL;
}

struct fixed_reader *
fixed_open(FILE *fp, const struct fixed_layout *lo)
{
	struct fixed_reader *fr;

	fr = xalloc(sizeof *fr);
	fr->fp = fp;
	fr->lo = lo;
	fr->linecap = LINE0;
	fr->line = xalloc(fr->linecap);
	fr->buf = xalloc(lo->reclen + lo->n);
	fr->f = xalloc(lo->n * sizeof *fr->f);
	fr->len = xalloc(lo->n * sizeof *fr->len);
	return fr;
}

void
fixed_close(struct fixed_reader *fr)
{
	if (fr == NULL)
		return;
	explicit_bzero(fr->line, fr->linecap);
	explicit_bzero(fr->buf, fr->lo->reclen + fr->lo->n);
	free(fr->line);
	free(fr->buf);
	free(fr->f);
	free(fr->len);
	free(fr);
}

int
fixed_read(struct fixed_reader *fr, struct csv_row *row)
{
	const struct fixed_layout *lo = fr->lo;
	const char *s;
	char *o = fr->buf;
	size_t i, k, len;
	ssize_t n;

	explicit_bzero(fr->buf, lo->reclen + lo->n);
	row->err = NULL;
	row->nf = 0;
	row->f = fr->f;
	row->len = fr->len;
	do {
		errno = 0;
		if ((n = getline(&fr->line, &fr->linecap, fr->fp)) < 0)
			return ferror(fr->fp) ? -1 : 0;
		fr->lineno++;
		len = (size_t)n;
		if (len > 0 && fr->line[len - 1] == '\n')
			len--;
		if (len > 0 && fr->line[len - 1] == '\r')
			len--;
	} while (len == 0);
	row->lineno = fr->lineno;
	if (memchr(fr->line, '\0', len) != NULL)
		row->err = "NUL byte";
	else if (len < lo->reclen) {
		snprintf(fr->err, sizeof fr->err, "line is %zu bytes, the "
		    "layout needs %zu", len, lo->reclen);
		row->err = fr->err;
	}
	if (row->err != NULL) {
		explicit_bzero(fr->line, (size_t)n);
		return 1;
	}
	for (i = 0; i < lo->n; i++) {
		s = fr->line + lo->c[i].start;
		k = lo->c[i].len;
		while (k > 0 && *s == ' ')
			s++, k--;
		while (k > 0 && s[k - 1] == ' ')
			k--;
		memcpy(o, s, k);
		o[k] = '\0';
		fr->f[i] = o;
		fr->len[i] = k;
		o += k + 1;
	}
	row->nf = lo->n;
	explicit_bzero(fr->line, (size_t)n);
	return 1;
}
