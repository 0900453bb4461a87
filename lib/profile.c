/* profile.c: card product profiles (emvperso-profile(5)). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "hex.h"
#include "keystore.h"
#include "profile.h"
#include "tlv.h"

#define VALMAX		1024	/* bytes of a tag value in a profile */
#define LAYOUTMAX	(CARDREC_MAXREC * (8 + CARDREC_MAXTAG * 7))

/* Parameters: the word in the file, the record attribute it becomes. */
static const struct param {
	const char *word, *attr;
	long min, max;		/* for numbers; 0, 0: not a number */
} params[] = {
	{ "name", NULL, 0, 0 },
	{ "oda", "oda", 0, 0 },
	{ "icc-key-bits", "iccbits", 512, 1984 },
	{ "icc-key-exponent", "iccexp", 0, 0 },
	{ "pin-try-limit", "ptl", 1, 15 },
	{ "cvn", "cvn", 1, 255 },
	{ "issuer-key", "issuerkey", 0, 0 }
};

/* Card data that differs from card to card, and what emv-records makes:
 * never in a product profile. */
static const uint32_t card_tags[] = {
	0x56, 0x57, 0x5A, 0x5F20, 0x5F24, 0x70, 0x77, 0x94, 0x9F6B
};

struct ctx {
	const char *path;
	unsigned long line;
	char *why;
	size_t whylen;
	struct profile *p;
};

static int
perr(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->line > 0)
		n = snprintf(c->why, c->whylen, "%s:%lu: ", c->path, c->line);
	else
		n = snprintf(c->why, c->whylen, "%s: ", c->path);
	if (n < 0 || (size_t)n >= c->whylen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->why + n, c->whylen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
is_blank(int ch)
{
	return ch == ' ' || ch == '\t';
}

static int
good_word(const char *s, int first_digit)
{
	size_t i;

	if (*s == '\0' || strlen(s) > PROFILE_NAMEMAX ||
	    !((*s >= 'a' && *s <= 'z') || (first_digit && *s >= '0' &&
	    *s <= '9')))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || strchr("._-", s[i]) != NULL))
			return 0;
	return 1;
}

static const char *
attr_get(const struct profile *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nattr; i++)
		if (strcmp(p->attr[i].name, name) == 0)
			return p->attr[i].value;
	return NULL;
}

static const struct profile_tag *
tag_get(const struct profile *p, uint32_t tag)
{
	size_t i;

	for (i = 0; i < p->ntags; i++)
		if (p->tags[i].tag == tag)
			return &p->tags[i];
	return NULL;
}

static int
parameter(struct ctx *c, const char *word, const char *v)
{
	struct profile *p = c->p;
	const struct param *pa = NULL;
	const char *es;
	size_t i;

	for (i = 0; i < sizeof params / sizeof params[0]; i++)
		if (strcmp(params[i].word, word) == 0)
			pa = &params[i];
	if (pa == NULL)
		return perr(c, "%s: no such parameter", word);
	if (pa->attr == NULL) {
		if (p->name != NULL)
			return perr(c, "name: given twice");
		if (!good_word(v, 1))
			return perr(c, "name: %s is not a name of at most %d "
			    "characters a-z 0-9 . _ -", v, PROFILE_NAMEMAX);
		if ((p->name = strdup(v)) == NULL)
			return perr(c, "%s", strerror(errno));
		return 0;
	}
	if (attr_get(p, pa->attr) != NULL)
		return perr(c, "%s: given twice", word);
	if (pa->max > 0) {
		strtonum(v, pa->min, pa->max, &es);
		if (es != NULL)
			return perr(c, "%s: %s is not a number %ld-%ld", word, v,
			    pa->min, pa->max);
		/* Book 2, 6.1: the modulus is a whole number of bytes. */
		if (strcmp(word, "icc-key-bits") == 0 && atoi(v) % 8 != 0)
			return perr(c, "%s: %s is not a multiple of 8", word, v);
	} else if (strcmp(word, "oda") == 0) {
		if (strcmp(v, "sda") != 0 && strcmp(v, "dda") != 0 &&
		    strcmp(v, "cda") != 0 && strcmp(v, "none") != 0)
			return perr(c, "oda: %s is not sda, dda, cda or none",
			    v);
	} else if (strcmp(word, "icc-key-exponent") == 0) {
		/* Book 2, 11.2: 3 or 2^16 + 1. */
		if (strcmp(v, "03") != 0 && strcmp(v, "010001") != 0)
			return perr(c, "%s: %s is not 03 or 010001", word, v);
	} else if (!ks_name_ok(v))
		return perr(c, "%s: %s is not a key name", word, v);
	if ((p->attr[p->nattr].value = strdup(v)) == NULL)
		return perr(c, "%s", strerror(errno));
	p->attr[p->nattr++].name = pa->attr;
	return 0;
}

/* A tag's value: "text" or hex digits, blanks allowed between them. */
static int
tag_value(struct ctx *c, const char *name, const char *v, uint8_t *out,
    size_t *len)
{
	char hex[2 * VALMAX + 1];
	size_t i, n = strlen(v), k = 0;

	if (*v == '"') {
		if (n < 3 || v[n - 1] != '"')
			return perr(c, "%s: text must be one \"quoted\" string",
			    name);
		for (i = 1; i + 1 < n; i++) {
			if ((unsigned char)v[i] < 0x20 || v[i] > 0x7E ||
			    v[i] == '"' || i > VALMAX)
				return perr(c, "%s: text of more than %d "
				    "printable characters, or a \" inside",
				    name, VALMAX);
			out[i - 1] = (uint8_t)v[i];
		}
		*len = n - 2;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (is_blank(v[i]))
			continue;
		if (k == sizeof hex - 1)
			return perr(c, "%s: more than %d bytes", name, VALMAX);
		hex[k++] = v[i];
	}
	if (k == 0 || hex_decode(hex, k, out) < 0)
		return perr(c, "%s: not hex digits of whole bytes or "
		    "\"text\"", name);
	*len = k / 2;
	return 0;
}

static int
assignment(struct ctx *c, const char *name, const char *v, int fixed)
{
	struct profile *p = c->p;
	const struct dict_entry *de;
	struct profile_tag *t;
	uint8_t val[VALMAX];
	uint32_t tag;
	size_t i, len = 0;
	char why[128];

	if (*name >= 'a' && *name <= 'z') {
		if (fixed)
			return perr(c, "fixed: only a tag can be fixed");
		return parameter(c, name, v);
	}
	if (!hex_is_upper(name, strlen(name)) ||
	    tlv_tag_parse(name, strlen(name), &tag) != 0)
		return perr(c, "%s: neither a tag in uppercase hex nor a "
		    "parameter", name);
	for (i = 0; i < sizeof card_tags / sizeof card_tags[0]; i++)
		if (card_tags[i] == tag)
			return perr(c, "%s: card data, not product data", name);
	if (cardrec_late_tag(tag) && tag != 0x8F)
		return perr(c, "%s: a later stage makes it", name);
	if (tag_get(p, tag) != NULL)
		return perr(c, "%s: given twice", name);
	if (tag_value(c, name, v, val, &len) < 0)
		return -1;
	if ((de = dict_lookup(tag)) != NULL &&
	    dict_check(de, val, len, why, sizeof why) != DICT_OK)
		return perr(c, "%s: %s", name, why);
	if ((t = realloc(p->tags, (p->ntags + 1) * sizeof *t)) == NULL)
		return perr(c, "%s", strerror(errno));
	p->tags = t;
	t = &p->tags[p->ntags];
	if ((t->val = malloc(len)) == NULL)
		return perr(c, "%s", strerror(errno));
	memcpy(t->val, val, len);
	t->tag = tag;
	t->len = len;
	t->fixed = fixed;
	p->ntags++;
	return 0;
}

/* record SFI REC [oda] TAG ... */
static int
record_line(struct ctx *c, char *rest)
{
	struct cardrec_layout *l = &c->p->layout, back;
	struct cardrec_entry *e;
	char *w, *save = NULL, buf[LAYOUTMAX], why[160];
	const char *es;
	uint32_t tag;
	size_t n;
	int i;

	if (l->n == CARDREC_MAXREC)
		return perr(c, "record: more than %d records", CARDREC_MAXREC);
	e = &l->e[l->n];
	memset(e, 0, sizeof *e);
	for (i = 0; (w = strtok_r(i ? NULL : rest, " \t", &save)) != NULL;
	    i++) {
		if (i == 0 || i == 1) {
			long x = strtonum(w, 1, i ? 255 : 30, &es);
			if (es != NULL)
				return perr(c, "record: %s %s is not a number "
				    "%s", i ? "record number" : "SFI", w,
				    i ? "1-255" : "1-30");
			if (i == 0)
				e->sfi = (uint8_t)x;
			else
				e->recno = (uint8_t)x;
		} else if (i == 2 && strcmp(w, "oda") == 0)
			e->oda = 1;
		else if ((n = strlen(w)) < 2 ||
		    !hex_is_upper(w, n - (w[n - 1] == '?')) ||
		    tlv_tag_parse(w, n - (w[n - 1] == '?'), &tag) != 0)
			return perr(c, "record: %s is not a tag in uppercase "
			    "hex", w);
		else if (e->ntags == CARDREC_MAXTAG)
			return perr(c, "record: more than %d tags",
			    CARDREC_MAXTAG);
		else {
			if (w[n - 1] == '?')
				e->optional |= (uint32_t)1 << e->ntags;
			e->tags[e->ntags++] = tag;
		}
	}
	if (i < 2 || e->ntags == 0)
		return perr(c, "record: want \"record SFI REC [oda] TAG ...\"");
	/* The layout so far must read back: the checks of cardrec. */
	l->n++;
	if (cardrec_layout_format(l, buf, sizeof buf) < 0 ||
	    cardrec_layout_parse(buf, strlen(buf), &back, why, sizeof why) < 0)
		return perr(c, "record %d %d: %s", e->sfi, e->recno,
		    strncmp(why, "layout: ", 8) == 0 ? why + 8 : why);
	return 0;
}

/* Cut a comment: '#' at the start or after a blank, outside quotes. */
static void
uncomment(char *s)
{
	int q = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '"')
			q = !q;
		else if (s[i] == '#' && !q && (i == 0 || is_blank(s[i - 1]))) {
			s[i] = '\0';
			return;
		}
	}
}

static char *
trim(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int
line(struct ctx *c, char *s, size_t n)
{
	char *eq, *name, *v;
	size_t i;
	int fixed = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7F)
			return perr(c, "a control character");
	uncomment(s);
	s = trim(s);
	if (*s == '\0')
		return 0;
	if (strncmp(s, "record", 6) == 0 && is_blank(s[6]))
		return record_line(c, s + 7);
	if (strncmp(s, "fixed", 5) == 0 && is_blank(s[5])) {
		fixed = 1;
		s = trim(s + 6);
	}
	if ((eq = strchr(s, '=')) == NULL)
		return perr(c, "want NAME=VALUE or a record line");
	*eq = '\0';
	name = trim(s);
	v = trim(eq + 1);
	if (*name == '\0' || *v == '\0')
		return perr(c, "%s: empty %s", *name ? name : "-",
		    *name ? "value" : "name");
	return assignment(c, name, v, fixed);
}

static int
has_layout_tag(const struct profile *p, uint32_t tag)
{
	return cardrec_layout_find(&p->layout, tag) != NULL;
}

/* The checks of a whole profile (emvperso-profile(5), CONSISTENCY). */
static int
check(struct ctx *c)
{
	struct profile *p = c->p;
	const struct profile_tag *aip, *tl;
	const char *oda = attr_get(p, "oda");
	static const uint32_t issuer[] = { 0x8F, 0x90, 0x9F32 };
	char buf[LAYOUTMAX];
	size_t i, noda = 0;
	int want;

	c->line = 0;
	if ((aip = tag_get(p, 0x82)) == NULL)
		return perr(c, "82: no Application Interchange Profile");
	if (oda == NULL)
		return perr(c, "oda: not given");
	if (p->layout.n == 0)
		return perr(c, "no record lines");
	for (i = 0; i < p->layout.n; i++)
		noda += p->layout.e[i].oda;
	/* Book 3, Annex C1: AIP byte 1 b7 SDA, b6 DDA, b1 CDA. */
	want = strcmp(oda, "sda") == 0 ? 0x40 : strcmp(oda, "dda") == 0 ?
	    0x20 : strcmp(oda, "cda") == 0 ? 0x01 : 0;
	if (want != 0 && !(aip->val[0] & want))
		return perr(c, "82: oda=%s but the AIP does not say so", oda);
	if ((want == 0 && (aip->val[0] & 0x61)) || (want == 0x40 &&
	    (aip->val[0] & 0x21)) || (want == 0x20 && (aip->val[0] & 0x01)))
		return perr(c, "82: the AIP names an ODA method beyond "
		    "oda=%s", oda);
	if (cardrec_layout_format(&p->layout, buf, sizeof buf) < 0 ||
	    (p->layout_attr = strdup(buf)) == NULL)
		return perr(c, "layout too long");
	if (want == 0) {
		if (noda > 0)
			return perr(c, "oda=none but a record is marked oda");
		return 0;
	}
	if (noda == 0)
		return perr(c, "oda=%s but no record is marked oda", oda);
	for (i = 0; i < sizeof issuer / sizeof issuer[0]; i++)
		if (!has_layout_tag(p, issuer[i]))
			return perr(c, "oda=%s needs %X in a record", oda,
			    (unsigned)issuer[i]);
	if (want == 0x40 && !has_layout_tag(p, 0x93))
		return perr(c, "oda=sda needs 93 in a record");
	if (want != 0x40 && (!has_layout_tag(p, 0x9F46) ||
	    !has_layout_tag(p, 0x9F47)))
		return perr(c, "oda=%s needs 9F46 and 9F47 in records", oda);
	if (want != 0x40 && (attr_get(p, "iccbits") == NULL ||
	    attr_get(p, "iccexp") == NULL))
		return perr(c, "oda=%s needs icc-key-bits and "
		    "icc-key-exponent", oda);
	/* Book 3, 10.3: the SDA tag list may name the AIP only. */
	if ((tl = tag_get(p, 0x9F4A)) != NULL &&
	    (tl->len != 1 || tl->val[0] != 0x82))
		return perr(c, "9F4A: may list 82 only");
	return 0;
}

static void
profile_clear(struct profile *p)
{
	size_t i;

	for (i = 0; i < p->ntags; i++)
		free(p->tags[i].val);
	for (i = 0; i < p->nattr; i++)
		free(p->attr[i].value);
	free(p->tags);
	free(p->name);
	free(p->file);
	free(p->layout_attr);
	memset(p, 0, sizeof *p);
}

/* The file's base name without ".profile", if it makes a good name. */
static char *
base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	char *s;
	size_t n;

	b = b != NULL ? b + 1 : path;
	if ((s = strdup(b)) == NULL)
		return NULL;
	n = strlen(s);
	if (n > 8 && strcmp(s + n - 8, ".profile") == 0)
		s[n - 8] = '\0';
	if (!good_word(s, 1)) {
		free(s);
		return NULL;
	}
	return s;
}

int
profile_load(struct profile_set *s, const char *path, char *why,
    size_t whylen)
{
	struct profile p, *np;
	struct ctx c = { path, 0, why, whylen, &p };
	const struct profile *o;
	FILE *fp;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	memset(&p, 0, sizeof p);
	if ((fp = fopen(path, "r")) == NULL)
		return perr(&c, "%s", strerror(errno));
	while (rc == 0 && (n = getline(&buf, &cap, fp)) >= 0) {
		c.line++;
		if (n > 0 && buf[n - 1] == '\n')
			buf[--n] = '\0';
		else if (n > 0) {
			rc = perr(&c, "last line has no line feed");
			break;
		}
		if (strlen(buf) != (size_t)n)
			rc = perr(&c, "a NUL byte");
		else
			rc = line(&c, buf, (size_t)n);
	}
	if (rc == 0 && ferror(fp))
		rc = perr(&c, "%s", strerror(errno));
	free(buf);
	fclose(fp);
	if (rc == 0 && p.name == NULL && (p.name = base_name(path)) == NULL)
		rc = perr(&c, "no name, and the file name makes none");
	if (rc == 0)
		rc = check(&c);
	if (rc == 0 && (o = profile_find(s, p.name, strlen(p.name))) != NULL)
		rc = perr(&c, "profile %s is also in %s", p.name, o->file);
	if (rc == 0 && (p.file = strdup(path)) == NULL)
		rc = perr(&c, "%s", strerror(errno));
	if (rc == 0 && (np = realloc(s->p, (s->n + 1) * sizeof *np)) == NULL)
		rc = perr(&c, "%s", strerror(errno));
	if (rc < 0) {
		profile_clear(&p);
		return -1;
	}
	s->p = np;
	s->p[s->n++] = p;
	return 0;
}

static int
is_profile(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 8 &&
	    strcmp(d->d_name + n - 8, ".profile") == 0;
}

int
profile_load_dir(struct profile_set *s, const char *dir, char *why,
    size_t whylen)
{
	struct dirent **ents;
	char path[4096];
	int i, n, rc = 0;

	if ((n = scandir(dir, &ents, is_profile, alphasort)) < 0) {
		snprintf(why, whylen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (n == 0) {
		snprintf(why, whylen, "%s: no *.profile files", dir);
		rc = -1;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && (size_t)snprintf(path, sizeof path, "%s/%s",
		    dir, ents[i]->d_name) >= sizeof path) {
			snprintf(why, whylen, "%s: path too long", dir);
			rc = -1;
		}
		if (rc == 0)
			rc = profile_load(s, path, why, whylen);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

const char *
profile_dir_default(void)
{
	const char *d = getenv("EMVPERSO_PROFILES");

	return d != NULL && *d != '\0' ? d : EMVPERSO_PROFILE_DIR;
}

const struct profile *
profile_find(const struct profile_set *s, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strlen(s->p[i].name) == n &&
		    memcmp(s->p[i].name, name, n) == 0)
			return &s->p[i];
	return NULL;
}

int
profile_apply(const struct profile *p, struct rec *r, char *why,
    size_t whylen)
{
	const struct profile_tag *t;
	const struct rec_field *f;
	char name[8], hex[2 * VALMAX + 1];
	size_t i;

	for (i = 0; i < p->ntags; i++) {
		t = &p->tags[i];
		snprintf(name, sizeof name, "%0*X",
		    (int)(2 * tlv_tag_size(t->tag)), (unsigned)t->tag);
		hex_encode(t->val, t->len, hex);
		if (t->fixed && (f = rec_get(r, name)) != NULL &&
		    (f->vallen != 2 * t->len ||
		    memcmp(f->value, hex, f->vallen) != 0)) {
			snprintf(why, whylen, "%s: the profile %s fixes it to "
			    "another value", name, p->name);
			return PROFILE_EFIXED;
		}
	}
	for (i = 0; i < p->ntags; i++) {
		t = &p->tags[i];
		snprintf(name, sizeof name, "%0*X",
		    (int)(2 * tlv_tag_size(t->tag)), (unsigned)t->tag);
		if (rec_get(r, name) == NULL)
			rec_set_bin(r, name, t->val, t->len);
	}
	for (i = 0; i < p->nattr; i++)
		if (rec_get(r, p->attr[i].name) == NULL)
			rec_set(r, p->attr[i].name, p->attr[i].value);
	if (rec_get(r, "layout") == NULL)
		rec_set(r, "layout", p->layout_attr);
	return 0;
}

void
profile_free(struct profile_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		profile_clear(&s->p[i]);
	free(s->p);
	s->p = NULL;
	s->n = 0;
}
