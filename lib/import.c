/* import.c: the column map and the conversion of issuer values into EMV
 * data objects (EMV 4.4 Book 3, Annex A) and pipeline attributes. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "hex.h"
#include "import.h"
#include "pan.h"
#include "record.h"

#define IDMAX	31	/* rec_label shows at most 31 bytes of an id */

static const struct {
	const char *name;
	enum import_type type;
} types[] = {
	{ "id", IMP_ID }, { "pan", IMP_PAN }, { "psn", IMP_PSN },
	{ "name", IMP_NAME }, { "expiry", IMP_EXPIRY },
	{ "effective", IMP_EFFECTIVE }, { "service-code", IMP_SERVICE },
	{ "pinblock", IMP_PINBLOCK }, { "hex", IMP_HEX }, { "text", IMP_TEXT }
};

/* Default type of a field: the EMV elements emv-import knows by tag. */
static const struct {
	const char *field;
	enum import_type type;
} deftypes[] = {
	{ "id", IMP_ID }, { "5A", IMP_PAN }, { "5F34", IMP_PSN },
	{ "5F20", IMP_NAME }, { "5F24", IMP_EXPIRY },
	{ "5F25", IMP_EFFECTIVE }, { "5F30", IMP_SERVICE },
	{ "pinblock", IMP_PINBLOCK }
};

static const char *defmap[][2] = {
	{ "id", "id" }, { "profile", "profile" }, { "pan", "5A" },
	{ "psn", "5F34" }, { "name", "5F20" }, { "expiry", "5F24" },
	{ "effective", "5F25" }, { "service_code", "5F30" },
	{ "pinblock", "pinblock" }
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

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

static char *
xstrdup(const char *s)
{
	char *p = xalloc(strlen(s) + 1);

	return strcpy(p, s);
}

int
import_colname_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64 || !((s[0] >= 'A' && s[0] <= 'Z') ||
	    (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

/* Append the entry column -> field (type t, or the field's default when
 * t is NULL) to m.  Returns NULL or a reason. */
static const char *
add(struct import_map *m, const char *column, const char *field,
    const char *t)
{
	struct import_entry *e;
	enum import_type type = IMP_TEXT;
	size_t i;
	int kind = REC_ATTR;

	if (!import_colname_ok(column, strlen(column)))
		return "COLUMN is not a column name";
	if (strcmp(field, "-") == 0)
		type = IMP_SKIP;
	else if ((kind = rec_name_check(field, strlen(field), NULL)) < 0)
		return "FIELD is not a tag, DGI or attribute name";
	else if (strcmp(field, "err") == 0)
		return "err is set by the stages, not imported";
	if (type == IMP_SKIP && t != NULL)
		return "a skipped column takes no TYPE";
	if (type != IMP_SKIP && t == NULL) {
		type = kind == REC_ATTR ? IMP_TEXT : IMP_HEX;
		for (i = 0; i < NELEM(deftypes); i++)
			if (strcmp(field, deftypes[i].field) == 0)
				type = deftypes[i].type;
	} else if (t != NULL) {
		for (i = 0; i < NELEM(types); i++)
			if (strcmp(t, types[i].name) == 0)
				break;
		if (i == NELEM(types))
			return "unknown TYPE";
		type = types[i].type;
	}
	switch (type) {
	case IMP_SKIP:
		break;
	case IMP_ID:
	case IMP_PINBLOCK:
		if (kind != REC_ATTR)
			return "this TYPE needs an attribute FIELD";
		if ((type == IMP_ID) != (strcmp(field, "id") == 0))
			return "the id attribute and TYPE id go together";
		break;
	case IMP_HEX:
	case IMP_TEXT:
		if (strcmp(field, "id") == 0)
			return "the id attribute and TYPE id go together";
		if (type == IMP_HEX && kind == REC_ATTR)
			return "TYPE hex needs a tag or DGI FIELD";
		break;
	default:
		if (kind != REC_TAG)
			return "this TYPE needs a tag FIELD";
		break;
	}
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->e[i].column, column) == 0)
			return "COLUMN is mapped twice";
		if (type != IMP_SKIP && m->e[i].field != NULL &&
		    strcmp(m->e[i].field, field) == 0)
			return "FIELD is mapped twice";
	}
	if ((m->n & 15) == 0 && (m->e = realloc(m->e, (m->n + 16) *
	    sizeof *m->e)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", getprogname());
		exit(4);
	}
	e = &m->e[m->n++];
	memset(e, 0, sizeof *e);
	e->column = xstrdup(column);
	e->field = type == IMP_SKIP ? NULL : xstrdup(field);
	e->kind = kind;
	e->type = type;
	/* The mandatory data of EMV 4.4 Book 3, 7.2 that comes per card. */
	e->required = e->field != NULL && (strcmp(field, "5A") == 0 ||
	    strcmp(field, "5F24") == 0);
	return NULL;
}

void
import_map_default(struct import_map *m)
{
	size_t i;

	m->e = NULL;
	m->n = 0;
	for (i = 0; i < NELEM(defmap); i++)
		add(m, defmap[i][0], defmap[i][1], NULL);
}

void
import_map_free(struct import_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->e[i].column);
		free(m->e[i].field);
	}
	free(m->e);
	m->e = NULL;
	m->n = 0;
}

/* The reason 5A or 5F24 has no entry in m, or NULL. */
static const char *
lacks_required(const struct import_map *m)
{
	static const char *req[] = { "5A", "5F24" };
	size_t i, j;

	for (j = 0; j < NELEM(req); j++) {
		for (i = 0; i < m->n; i++)
			if (m->e[i].field && strcmp(m->e[i].field, req[j]) == 0)
				break;
		if (i == m->n)
			return j == 0 ? "no column maps to 5A" :
			    "no column maps to 5F24";
	}
	return NULL;
}

int
import_map_read(struct import_map *m, FILE *fp, char *err, size_t errlen)
{
	char *line = NULL, *s, *tok[4], *save;
	const char *why = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	int nt;

	m->e = NULL;
	m->n = 0;
	while (getline(&line, &cap, fp) >= 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		save = NULL;
		for (nt = 0; nt < 4; nt++)
			if ((tok[nt] = strtok_r(nt ? NULL : s, " \t",
			    &save)) == NULL)
				break;
		if (nt < 2 || nt > 3)
			why = "want COLUMN FIELD [TYPE]";
		else
			why = add(m, tok[0], tok[1], nt == 3 ? tok[2] : NULL);
		if (why != NULL)
			break;
	}
	free(line);
	if (why != NULL)
		snprintf(err, errlen, "line %lu: %s", lineno, why);
	else if (ferror(fp))
		snprintf(err, errlen, "%s", strerror(errno));
	else if ((why = lacks_required(m)) != NULL)
		snprintf(err, errlen, "%s", why);
	else
		return 0;
	import_map_free(m);
	return -1;
}

int
import_map_bind(struct import_map *m, char *const *names,
    const size_t *lens, size_t n, int ignore, char *err, size_t errlen)
{
	size_t i, j;

	for (j = 0; j < m->n; j++)
		m->e[j].bound = 0;
	/* A header that is really a data row would be quoted here, PAN and
	 * all: check every name before quoting any, and name the bad one by
	 * its number only. */
	for (i = 0; i < n; i++)
		if (lens[i] == 0) {
			snprintf(err, errlen, "column %zu has no name", i + 1);
			return -1;
		} else if (!import_colname_ok(names[i], lens[i])) {
			snprintf(err, errlen, "column %zu is not a column name "
			    "(a letter, then letters, digits, '_', '-', '.'): "
			    "is the header row missing?", i + 1);
			return -1;
		}
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (lens[j] == lens[i] &&
			    memcmp(names[j], names[i], lens[i]) == 0) {
				snprintf(err, errlen, "column %s appears twice",
				    names[i]);
				return -1;
			}
		for (j = 0; j < m->n; j++)
			if (strcmp(m->e[j].column, names[i]) == 0)
				break;
		if (j < m->n) {
			m->e[j].col = i;
			m->e[j].bound = 1;
		} else if (!ignore) {
			snprintf(err, errlen, "unknown column %s (map it, or "
			    "ignore it with -i)", names[i]);
			return -1;
		}
	}
	for (j = 0; j < m->n; j++)
		if (m->e[j].required && !m->e[j].bound) {
			snprintf(err, errlen, "no column %s, which %s needs",
			    m->e[j].column, m->e[j].field);
			return -1;
		}
	return 0;
}

const struct import_entry *
import_map_find(const struct import_map *m, enum import_type t)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->e[i].type == t)
			return &m->e[i];
	return NULL;
}

static size_t
ndigits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	return i;
}

/* 1 if s[0..n) is hex digits of whole bytes; upper copies them in
 * uppercase. */
static int
hexcopy(const char *s, size_t n, char *upper)
{
	size_t i;

	if (n % 2)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] >= 'a' && s[i] <= 'f')
			upper[i] = (char)(s[i] - 'a' + 'A');
		else if ((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'F'))
			upper[i] = s[i];
		else
			return 0;
	}
	upper[n] = '\0';
	return 1;
}

/* Application PAN, cn up to 19 digits (ISO/IEC 7812-1), F-padded BCD. */
static const char *
conv_pan(const char *s, size_t n, char *o, char *why, size_t whylen)
{
	char masked[20];
	size_t k;

	if ((k = ndigits(s, n)) < n) {
		snprintf(why, whylen, "character %zu is not a digit", k + 1);
		return "pan-digits";
	}
	if (n < 12 || n > 19) {
		snprintf(why, whylen, "%zu digits, a PAN has 12 to 19", n);
		return "pan-length";
	}
	if (!pan_luhn_ok(s, n)) {
		pan_mask(s, n, masked);
		snprintf(why, whylen, "check digit fails for %s", masked);
		return "luhn";
	}
	memcpy(o, s, n);
	if (n % 2)
		o[n++] = 'F';
	o[n] = '\0';
	return NULL;
}

/* Cardholder name: ans 2-26 (EMV 4.4 Book 3, Annex A) in the track 1 name
 * field of ISO/IEC 7813, restricted to letters, digits, space and the
 * punctuation names use, so that every terminal prints it alike. */
static const char *
conv_name(const char *s, size_t n, char *o, char *why, size_t whylen)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == ' ' || c == '\'' || c == '-' || c == '.' ||
		    c == '/')) {
			snprintf(why, whylen, "character %zu (0x%02X) is not "
			    "one of A-Z 0-9 space ' - . /", i + 1, c);
			return "name";
		}
	}
	if (n < 2 || n > 26) {
		snprintf(why, whylen, "%zu characters, a name has 2 to 26", n);
		return "name";
	}
	if (s[0] == ' ' || s[n - 1] == ' ') {
		snprintf(why, whylen, "begins or ends with a space");
		return "name";
	}
	hex_encode((const uint8_t *)s, n, o);
	return NULL;
}

static const char *
conv_date(const char *s, size_t n, enum date_fill fill, char *o,
    struct date *d, char *why, size_t whylen)
{
	int rc;

	if ((rc = date_parse(s, n, fill, d)) == DATE_OK) {
		date_yymmdd(d, o);
		return NULL;
	}
	if (rc == DATE_EYEAR)
		snprintf(why, whylen, "year %d is outside 1950-2049, which "
		    "YYMMDD cannot hold", d->y);
	else if (rc == DATE_EMONTH)
		snprintf(why, whylen, "there is no month %02d", d->m);
	else if (rc == DATE_EDAY)
		snprintf(why, whylen, "there is no day %02d in %04d-%02d",
		    d->d, d->y, d->m);
	else
		snprintf(why, whylen, "%s", date_strerror(rc));
	return "bad-date";
}

static int
idchar(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

const char *
import_convert(const struct import_entry *e, const char *s, size_t n,
    char **out, struct date *d, char *why, size_t whylen)
{
	const char *code = NULL;
	char *o;
	size_t i;

	*out = NULL;
	if (e->type == IMP_TEXT && e->kind == REC_ATTR) {
		*out = rec_pct_encode(s, n);
		return NULL;
	}
	/* Room for every conversion: 2n hex digits, an F pad, a NUL. */
	o = xalloc(2 * n + 2);
	switch (e->type) {
	case IMP_PAN:
		code = conv_pan(s, n, o, why, whylen);
		break;
	case IMP_PSN:
		if (n > 2 || ndigits(s, n) != n) {
			snprintf(why, whylen, "not 1 or 2 digits (n 2)");
			code = "psn";
		} else
			snprintf(o, 3, "%s%.*s", n == 1 ? "0" : "", (int)n, s);
		break;
	case IMP_SERVICE:
		if (n != 3 || ndigits(s, n) != n) {
			snprintf(why, whylen, "not 3 digits (n 3)");
			code = "service-code";
		} else
			snprintf(o, 5, "0%.3s", s);
		break;
	case IMP_NAME:
		code = conv_name(s, n, o, why, whylen);
		break;
	case IMP_EXPIRY:
	case IMP_EFFECTIVE:
		code = conv_date(s, n, e->type == IMP_EXPIRY ? DATE_LAST :
		    DATE_FIRST, o, d, why, whylen);
		break;
	case IMP_PINBLOCK:
		if ((n != 16 && n != 32) || !hexcopy(s, n, o)) {
			snprintf(why, whylen, "not 16 or 32 hex digits");
			code = "pinblock";
		}
		break;
	case IMP_HEX:
		if (!hexcopy(s, n, o)) {
			snprintf(why, whylen, "not hex digits of whole bytes");
			code = "hex";
		}
		break;
	case IMP_TEXT:
		hex_encode((const uint8_t *)s, n, o);
		break;
	case IMP_ID:
		for (i = 0; i < n && idchar(s[i]); i++)
			;
		if (i < n || n > IDMAX) {
			snprintf(why, whylen, "not an id: 1 to %d of A-Z a-z "
			    "0-9 . _ -", IDMAX);
			code = "id";
		} else {
			memcpy(o, s, n);
			o[n] = '\0';
		}
		break;
	case IMP_SKIP:
		break;
	}
	if (code != NULL) {
		explicit_bzero(o, 2 * n + 2);
		free(o);
	} else
		*out = o;
	return code;
}

struct import_ids {
	struct slot {
		char *id;
		unsigned long line;
	} *t;
	size_t cap, n;
};

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

struct import_ids *
import_ids_new(void)
{
	struct import_ids *ids = xalloc(sizeof *ids);

	ids->cap = 1024;
	ids->t = xalloc(ids->cap * sizeof *ids->t);
	return ids;
}

/* Open addressing, linear probing, kept at most half full. */
static struct slot *
lookup(struct slot *t, size_t cap, const char *id)
{
	size_t i = (size_t)fnv1a(id) & (cap - 1);

	while (t[i].id != NULL && strcmp(t[i].id, id) != 0)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

unsigned long
import_ids_add(struct import_ids *ids, const char *id, unsigned long line)
{
	struct slot *s, *nt;
	size_t i;

	if ((s = lookup(ids->t, ids->cap, id))->id != NULL)
		return s->line;
	if (2 * (ids->n + 1) > ids->cap) {
		nt = xalloc(2 * ids->cap * sizeof *nt);
		for (i = 0; i < ids->cap; i++)
			if (ids->t[i].id != NULL)
				*lookup(nt, 2 * ids->cap, ids->t[i].id) =
				    ids->t[i];
		free(ids->t);
		ids->t = nt;
		ids->cap *= 2;
		s = lookup(ids->t, ids->cap, id);
	}
	s->id = xstrdup(id);
	s->line = line;
	ids->n++;
	return 0;
}

void
import_ids_free(struct import_ids *ids)
{
	size_t i;

	if (ids == NULL)
		return;
	for (i = 0; i < ids->cap; i++)
		free(ids->t[i].id);
	free(ids->t);
	free(ids);
}
