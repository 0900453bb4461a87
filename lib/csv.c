/* csv.c: RFC 4180 reader.  Strict: a quote inside an unquoted field, text
 * after a closing quote, a bare CR, a NUL byte or an unterminated quote
 * make the row malformed; nothing is guessed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* Start size of the line buffer: getline only reallocates for longer
 * lines, and a realloc would leave a copy of a partial row (a PAN) in
 * freed memory where no one can wipe it. */
#define LINE0	4096

struct csv_reader {
	FILE *fp;
	char *line;		/* getline buffer */
	size_t linecap;
	char *buf;		/* field bytes, each field NUL-terminated */
	size_t buflen, bufcap;
	size_t *off;		/* start of each field in buf */
	size_t *len;
	char **f;
	size_t nf, fcap;
	unsigned long lineno;
};

static void *
xalloc(size_t n)
{
	void *p;

	if ((p = malloc(n)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", getprogname());
		exit(4);
	}
	return p;
}

struct csv_reader *
csv_open(FILE *fp)
{
	struct csv_reader *cr;

	cr = xalloc(sizeof *cr);
	memset(cr, 0, sizeof *cr);
	cr->fp = fp;
	cr->linecap = LINE0;
	cr->line = xalloc(cr->linecap);
	return cr;
}

void
csv_close(struct csv_reader *cr)
{
	if (cr == NULL)
		return;
	explicit_bzero(cr->line, cr->linecap);
	free(cr->line);
	if (cr->buf != NULL)
		explicit_bzero(cr->buf, cr->bufcap);
	free(cr->buf);
	free(cr->off);
	free(cr->len);
	free(cr->f);
	free(cr);
}

/* Append a byte to the field buffer.  It grows by copy and wipe, not
 * realloc, for the same reason as LINE0. */
static void
put(struct csv_reader *cr, char c)
{
	char *nb;
	size_t ncap;

	if (cr->buflen == cr->bufcap) {
		ncap = cr->bufcap ? 2 * cr->bufcap : 256;
		nb = xalloc(ncap);
		if (cr->buf != NULL) {
			memcpy(nb, cr->buf, cr->buflen);
			explicit_bzero(cr->buf, cr->bufcap);
			free(cr->buf);
		}
		cr->buf = nb;
		cr->bufcap = ncap;
	}
	cr->buf[cr->buflen++] = c;
}

static void
begin_field(struct csv_reader *cr)
{
	if (cr->nf == cr->fcap) {
		cr->fcap = cr->fcap ? 2 * cr->fcap : 16;
		if ((cr->off = realloc(cr->off, cr->fcap * sizeof *cr->off)) ==
		    NULL || (cr->len = realloc(cr->len, cr->fcap *
		    sizeof *cr->len)) == NULL || (cr->f = realloc(cr->f,
		    cr->fcap * sizeof *cr->f)) == NULL) {
			fprintf(stderr, "%s: out of memory\n", getprogname());
			exit(4);
		}
	}
	cr->off[cr->nf++] = cr->buflen;
}

static void
end_field(struct csv_reader *cr)
{
	put(cr, '\0');
	cr->len[cr->nf - 1] = cr->buflen - 1 - cr->off[cr->nf - 1];
}

static int
blank(const char *s, ssize_t n)
{
	return (n == 1 && s[0] == '\n') || (n == 2 && s[0] == '\r' &&
	    s[1] == '\n') || (n == 1 && s[0] == '\r');
}

int
csv_read(struct csv_reader *cr, struct csv_row *row)
{
	enum { START, PLAIN, QUOTED, AFTER } st = START;
	ssize_t n, i;
	char c;
	int lf;

	if (cr->buf != NULL)
		explicit_bzero(cr->buf, cr->buflen);
	cr->buflen = cr->nf = 0;
	row->err = NULL;
	row->nf = 0;
	do {
		errno = 0;
		if ((n = getline(&cr->line, &cr->linecap, cr->fp)) < 0)
			return ferror(cr->fp) ? -1 : 0;
		cr->lineno++;
	} while (blank(cr->line, n));
	row->lineno = cr->lineno;
	begin_field(cr);
	for (i = 0;; i++) {
		if (i == n) {
			if (st != QUOTED)
				break;		/* last line, no LF */
			lf = cr->line[n - 1] == '\n';
			explicit_bzero(cr->line, (size_t)n);
			if (!lf || (n = getline(&cr->line, &cr->linecap,
			    cr->fp)) < 0) {
				if (ferror(cr->fp))
					return -1;
				row->err = "end of input inside a quoted field";
				goto bad;
			}
			cr->lineno++;
			i = -1;
			continue;
		}
		c = cr->line[i];
		if (c == '\0') {
			row->err = "NUL byte";
			goto bad;
		}
		if (st == QUOTED) {
			if (c != '"')
				put(cr, c);
			else if (i + 1 < n && cr->line[i + 1] == '"') {
				put(cr, '"');
				i++;
			} else
				st = AFTER;
			continue;
		}
		if (c == '\n' || (c == '\r' && (i + 1 == n ||
		    (i + 2 == n && cr->line[i + 1] == '\n'))))
			break;
		if (c == ',') {
			end_field(cr);
			begin_field(cr);
			st = START;
		} else if (st == AFTER) {
			row->err = "text after a closing quote";
			goto bad;
		} else if (c == '"') {
			if (st == PLAIN) {
				row->err = "quote inside an unquoted field";
				goto bad;
			}
			st = QUOTED;
		} else if (c == '\r') {
			row->err = "CR not followed by LF";
			goto bad;
		} else {
			put(cr, c);
			st = PLAIN;
		}
	}
	end_field(cr);
	explicit_bzero(cr->line, (size_t)n);
	for (row->nf = 0; row->nf < cr->nf; row->nf++)
		cr->f[row->nf] = cr->buf + cr->off[row->nf];
	row->f = cr->f;
	row->len = cr->len;
	return 1;
bad:
	if (n > 0)
		explicit_bzero(cr->line, (size_t)n);
	explicit_bzero(cr->buf, cr->buflen);
	cr->buflen = cr->nf = 0;
	row->nf = 0;
	row->f = cr->f;
	row->len = cr->len;
	return 1;
}
