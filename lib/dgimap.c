/* dgimap.c: DGI maps, emvperso-dgimap(5).  A map is read once, strictly:
 * any line it does not understand stops the run before a record is read,
 * since a wrong map personalizes every card of a batch wrongly. */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dgimap.h"
#include "hex.h"
#include "tlv.h"

#define MAXWORDS 128
#define DGIMAX 0xFFFF		/* a DGI's length field: FF xx xx */

struct parse {
	struct dgimap *m;
	const char *file;
	unsigned long line;
	char *err;
	size_t errsz;
	unsigned long aidline, recline;
};

static int __attribute__((format(printf, 2, 3)))
perr(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = p->line ? snprintf(p->err, p->errsz, "%s:%lu: ", p->file, p->line) :
	    snprintf(p->err, p->errsz, "%s: ", p->file);
	if (n < 0 || (size_t)n >= p->errsz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Append a copy of s[0..n) to the list *v of *nv strings. */
static int
push(char ***v, size_t *nv, const char *s, size_t n)
{
	char **nvp, *c;

	if ((c = strndup(s, n)) == NULL)
		return -1;
	if ((nvp = realloc(*v, (*nv + 1) * sizeof *nvp)) == NULL) {
		free(c);
		return -1;
	}
	nvp[(*nv)++] = c;
	*v = nvp;
	return 0;
}

/* A comma-separated list of field names of the given kinds (keep=,
 * ignore=) into *v. */
static int
names(struct parse *p, const char *key, const char *s, int attrs, char ***v,
    size_t *nv)
{
	const char *e;
	size_t n;
	int k;

	for (;;) {
		e = strchr(s, ',');
		n = e ? (size_t)(e - s) : strlen(s);
		k = rec_name_check(s, n, NULL);
		if (n == 0 || k < 0 || (attrs != (k == REC_ATTR)))
			return perr(p, "%s=: '%.*s' is not %s", key, (int)n, s,
			    attrs ? "an attribute name" : "a tag or DGI name");
		if (attrs && ((n == 3 && memcmp(s, "aid", 3) == 0) ||
		    (n == 3 && memcmp(s, "cps", 3) == 0) ||
		    (n == 3 && memcmp(s, "err", 3) == 0)))
			return perr(p, "keep=: %.*s is not kept: emv-cps sets "
			    "it", (int)n, s);
		if (push(v, nv, s, n) < 0)
			return perr(p, "out of memory");
		if (e == NULL)
			return 0;
		s = e + 1;
	}
}

static struct dgimap_entry *
new_entry(struct parse *p)
{
	struct dgimap *m = p->m;
	struct dgimap_entry *e;

	if ((e = realloc(m->e, (m->ne + 1) * sizeof *e)) == NULL)
		return NULL;
	m->e = e;
	e = &m->e[m->ne++];
	memset(e, 0, sizeof *e);
	e->line = p->line;
	return e;
}

/* A settings line: aid=, records=all, profile=, keep=, ignore=. */
static int
setting(struct parse *p, char **w, size_t nw)
{
	struct dgimap *m = p->m;
	struct dgimap_entry *e;
	char *v = strchr(w[0], '=') + 1;
	size_t n = (size_t)(v - 1 - w[0]), vn = strlen(v);

	if (nw > 1)
		return perr(p, "'%s' after a setting: one setting per line",
		    w[1]);
	if (n == 3 && memcmp(w[0], "aid", 3) == 0) {
		if (p->aidline)
			return perr(p, "aid= again (first on line %lu)",
			    p->aidline);
		/* An AID is 5 to 16 bytes (ISO/IEC 7816-4, 8.2.1.2). */
		if (vn < 10 || vn > 32 || !hex_is_upper(v, vn))
			return perr(p, "aid=: not 5 to 16 bytes of uppercase "
			    "hex");
		memcpy(m->aid, v, vn + 1);
		p->aidline = p->line;
		return 0;
	}
	if (n == 7 && memcmp(w[0], "records", 7) == 0) {
		if (strcmp(v, "all") != 0)
			return perr(p, "records=%s: only records=all", v);
		if (p->recline)
			return perr(p, "records=all again (first on line %lu)",
			    p->recline);
		if ((e = new_entry(p)) == NULL)
			return perr(p, "out of memory");
		e->src = DGIMAP_RECORDS;
		strcpy(e->name, "records");
		p->recline = p->line;
		return 0;
	}
	if (n == 7 && memcmp(w[0], "profile", 7) == 0) {
		if (vn == 0)
			return perr(p, "profile=: no pattern");
		return push(&m->profile, &m->nprofile, v, vn) < 0 ?
		    perr(p, "out of memory") : 0;
	}
	if (n == 4 && memcmp(w[0], "keep", 4) == 0)
		return names(p, "keep", v, 1, &m->keep, &m->nkeep);
	if (n == 6 && memcmp(w[0], "ignore", 6) == 0)
		return names(p, "ignore", v, 0, &m->ignore, &m->nignore);
	return perr(p, "unknown setting '%.*s='", (int)n, w[0]);
}

/* The tag list of a template, tlv: or raw: line, from w[*i] on: the
 * words that start with an uppercase hex digit. */
static int
taglist(struct parse *p, struct dgimap_entry *e, char **w, size_t nw,
    size_t *i)
{
	struct dgimap_tag *t;
	size_t n, j;
	char *s;

	if ((e->tags = calloc(nw, sizeof *e->tags)) == NULL)
		return perr(p, "out of memory");
	for (; *i < nw && strchr("0123456789ABCDEF", w[*i][0]) != NULL;
	    (*i)++) {
		s = w[*i];
		n = strlen(s);
		t = &e->tags[e->ntags];
		if (n > 0 && s[n - 1] == '?') {
			t->optional = 1;
			n--;
		}
		if (n > 6 || tlv_tag_parse(s, n, &t->tag) != 0)
			return perr(p, "%s: '%s' is not a tag", e->name, s);
		memcpy(t->name, s, n);
		t->name[n] = '\0';
		for (j = 0; j < e->ntags; j++)
			if (e->tags[j].tag == t->tag)
				return perr(p, "%s: %s twice", e->name, t->name);
		e->ntags++;
	}
	if (e->ntags == 0)
		return perr(p, "%s: no tags", e->name);
	return 0;
}

/* The usual padding of a secret DGI (emv-facts 1.5, recommendation):
 * never for the card keys and the PIN block, always for the parts of an
 * RSA private key, where the sources saw 80 00... even on aligned data. */
static enum dgimap_pad
default_pad(uint16_t dgi)
{
	if (dgi == 0x8000 || dgi == 0x8001 || dgi == 0x8010)
		return DGIMAP_PAD_NONE;
	if ((dgi >= 0x8201 && dgi <= 0x8205) ||
	    (dgi >= 0x8301 && dgi <= 0x8305) || dgi == 0x8101 || dgi == 0x8103)
		return DGIMAP_PAD_ALWAYS;
	return DGIMAP_PAD_NEEDED;
}

static int
secret_dgi(uint32_t dgi)
{
	return dgi >= 0x8000 && dgi <= 0x8FFF;
}

/* A DGI line: DGInnnn SOURCE [secret] [pad=RULE] [optional | required]. */
static int
dgiline(struct parse *p, char **w, size_t nw)
{
	struct dgimap_entry *e;
	const struct dgimap_entry *o;
	uint32_t num, src = 0;
	size_t i, n;
	int padset = 0, reqset = 0, k;

	if (rec_name_check(w[0], strlen(w[0]), &num) != REC_DGI)
		return perr(p, "'%s' is not a DGI name (DGI and 4 uppercase hex "
		    "digits)", w[0]);
	if ((o = dgimap_entry(p->m, (uint16_t)num)) != NULL)
		return perr(p, "%s again (first on line %lu)", w[0], o->line);
	if ((e = new_entry(p)) == NULL)
		return perr(p, "out of memory");
	e->dgi = (uint16_t)num;
	memcpy(e->name, w[0], 8);
	if (nw < 2)
		return perr(p, "%s: no source (from, template, tlv: or raw:)",
		    e->name);
	i = 2;
	if (strcmp(w[1], "from") == 0) {
		e->src = DGIMAP_FROM;
		if (nw < 3 || (k = rec_name_check(w[2], strlen(w[2]), &src)) < 0 ||
		    k == REC_ATTR)
			return perr(p, "%s: from needs a tag or DGI field",
			    e->name);
		memcpy(e->from, w[2], strlen(w[2]) + 1);
		i = 3;
		if (k == REC_DGI && secret_dgi(src) && !secret_dgi(num))
			return perr(p, "%s: %s is sealed and can only go into "
			    "a secret DGI (8000-8FFF)", e->name, e->from);
		if (secret_dgi(num) && (k != REC_DGI || !secret_dgi(src)))
			return perr(p, "%s: a secret DGI comes from a sealed "
			    "DGI field (from DGI8000-DGI8FFF)", e->name);
	} else if (strcmp(w[1], "template") == 0) {
		e->src = DGIMAP_TEMPLATE;
		n = nw > 2 ? strlen(w[2]) : 0;
		if (n < 2 || w[2][n - 1] != ':' ||
		    tlv_tag_parse(w[2], n - 1, &e->tmpl) != 0)
			return perr(p, "%s: template needs a tag and ':' (A5:)",
			    e->name);
		if (!tlv_tag_constructed(e->tmpl))
			return perr(p, "%s: template %.*s is not a constructed "
			    "tag", e->name, (int)(n - 1), w[2]);
		i = 3;
	} else if (strcmp(w[1], "tlv:") == 0)
		e->src = DGIMAP_TLV;
	else if (strcmp(w[1], "raw:") == 0)
		e->src = DGIMAP_RAW;
	else
		return perr(p, "%s: unknown source '%s' (from, template, tlv: "
		    "or raw:)", e->name, w[1]);
	if (e->src != DGIMAP_FROM && taglist(p, e, w, nw, &i) < 0)
		return -1;
	if (e->src != DGIMAP_FROM && secret_dgi(num))
		return perr(p, "%s: a secret DGI comes from a sealed DGI field "
		    "(from DGI8000-DGI8FFF)", e->name);
	for (; i < nw; i++) {
		if (strcmp(w[i], "secret") == 0)
			e->secret = 1;
		else if (strcmp(w[i], "optional") == 0 ||
		    strcmp(w[i], "required") == 0) {
			if (reqset++)
				return perr(p, "%s: optional or required once",
				    e->name);
			e->optional = w[i][0] == 'o';
		} else if (strncmp(w[i], "pad=", 4) == 0) {
			if (padset++)
				return perr(p, "%s: pad= twice", e->name);
			if (strcmp(w[i] + 4, "none") == 0)
				e->pad = DGIMAP_PAD_NONE;
			else if (strcmp(w[i] + 4, "needed") == 0)
				e->pad = DGIMAP_PAD_NEEDED;
			else if (strcmp(w[i] + 4, "always") == 0)
				e->pad = DGIMAP_PAD_ALWAYS;
			else
				return perr(p, "%s: %s: pad=none, pad=needed or "
				    "pad=always", e->name, w[i]);
		} else
			return perr(p, "%s: unknown word '%s'", e->name, w[i]);
	}
	/* Data groupings 8000-8FFF are always ciphertext (emvperso-record(5)):
	 * the map says so too, so that a reader of the map sees it. */
	if (secret_dgi(num) && !e->secret)
		return perr(p, "%s: DGIs 8000-8FFF are secret: say secret",
		    e->name);
	if (!secret_dgi(num) && e->secret)
		return perr(p, "%s: only DGIs 8000-8FFF are secret", e->name);
	if (padset && !e->secret)
		return perr(p, "%s: pad= is for secret DGIs only", e->name);
	if (e->secret && !padset)
		e->pad = default_pad(e->dgi);
	return 0;
}

static int
line(struct parse *p, char *s)
{
	char *w[MAXWORDS], *c, *save;
	size_t nw = 0;

	if ((c = strchr(s, '#')) != NULL)
		*c = '\0';
	for (c = strtok_r(s, " \t\r\n", &save); c != NULL;
	    c = strtok_r(NULL, " \t\r\n", &save)) {
		if (nw == MAXWORDS)
			return perr(p, "more than %d words", MAXWORDS);
		w[nw++] = c;
	}
	if (nw == 0)
		return 0;
	if (w[0][0] >= 'a' && w[0][0] <= 'z' && strchr(w[0], '=') != NULL)
		return setting(p, w, nw);
	if (strncmp(w[0], "DGI", 3) == 0)
		return dgiline(p, w, nw);
	return perr(p, "unknown line '%s' (a DGI line or a setting)", w[0]);
}

/* Checks on the whole map, once every line is read. */
static int
whole(struct parse *p)
{
	const struct dgimap_entry *k, *v;

	p->line = 0;
	if (!p->aidline)
		return perr(p, "no aid= line");
	if (p->m->ne == 0)
		return perr(p, "no DGI");
	/* The card checks 9000 against the keys 8000 loaded before it
	 * (emv-facts 1.4, constraints seen in practice). */
	k = dgimap_entry(p->m, 0x8000);
	v = dgimap_entry(p->m, 0x9000);
	if (k != NULL && v != NULL && v < k) {
		p->line = v->line;
		return perr(p, "DGI9000 must come after DGI8000 (line %lu): "
		    "the card checks the key check values against the keys",
		    k->line);
	}
	return 0;
}

struct dgimap *
dgimap_read(FILE *fp, const char *name, char *err, size_t errsz)
{
	struct parse p;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	memset(&p, 0, sizeof p);
	p.file = name;
	p.err = err;
	p.errsz = errsz;
	if ((p.m = calloc(1, sizeof *p.m)) == NULL ||
	    (p.m->file = strdup(name)) == NULL) {
		perr(&p, "out of memory");
		goto fail;
	}
	while ((n = getline(&buf, &cap, fp)) >= 0) {
		p.line++;
		if ((size_t)n != strlen(buf)) {
			perr(&p, "NUL byte");
			goto fail;
		}
		if (line(&p, buf) < 0)
			goto fail;
	}
	if (ferror(fp)) {
		p.line = 0;
		perr(&p, "%s", strerror(errno));
		goto fail;
	}
	if (whole(&p) < 0)
		goto fail;
	free(buf);
	return p.m;
fail:
	free(buf);
	dgimap_free(p.m);
	return NULL;
}

struct dgimap *
dgimap_load(const char *path, char *err, size_t errsz)
{
	struct dgimap *m;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	m = dgimap_read(fp, path, err, errsz);
	fclose(fp);
	return m;
}

static void
free_list(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

void
dgimap_free(struct dgimap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->ne; i++)
		free(m->e[i].tags);
	free(m->e);
	free_list(m->profile, m->nprofile);
	free_list(m->keep, m->nkeep);
	free_list(m->ignore, m->nignore);
	free(m->file);
	free(m);
}

int
dgimap_match(const struct dgimap *m, const char *profile)
{
	size_t i;

	if (m->nprofile == 0)
		return 1;
	for (i = 0; profile != NULL && i < m->nprofile; i++)
		if (fnmatch(m->profile[i], profile, 0) == 0)
			return 1;
	return 0;
}

static int
in_list(char **v, size_t nv, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < nv; i++)
		if (strlen(v[i]) == n && memcmp(v[i], s, n) == 0)
			return 1;
	return 0;
}

int
dgimap_keeps(const struct dgimap *m, const char *name, size_t n)
{
	/* iccbits: the device needs it for the clear length of the RSA
	 * key parts 8201-8205 (a 1984-bit key has 124-byte parts). */
	static char *fixed[] = { "id", "profile", "kek", "test", "iccbits" };

	return in_list(fixed, sizeof fixed / sizeof fixed[0], name, n) ||
	    in_list(m->keep, m->nkeep, name, n);
}

int
dgimap_ignores(const struct dgimap *m, const char *name, size_t n)
{
	return in_list(m->ignore, m->nignore, name, n);
}

const struct dgimap_entry *
dgimap_entry(const struct dgimap *m, uint16_t dgi)
{
	size_t i;

	for (i = 0; i < m->ne; i++)
		if (m->e[i].src != DGIMAP_RECORDS && m->e[i].dgi == dgi)
			return &m->e[i];
	return NULL;
}

int
dgimap_record_dgi(uint16_t dgi)
{
	return (dgi >> 8) >= 0x01 && (dgi >> 8) <= 0x1E && (dgi & 0xFF) != 0;
}

const char *
dgimap_flags(const struct dgimap_entry *e)
{
	if (!e->secret)
		return "";
	switch (e->pad) {
	case DGIMAP_PAD_NEEDED:
		return "ep";
	case DGIMAP_PAD_ALWAYS:
		return "eP";
	default:
		return "e";
	}
}

int
dgimap_build(const struct dgimap_entry *e, const struct rec *r,
    uint8_t **out, size_t *len, const char **missing)
{
	const struct rec_field *f;
	uint8_t *b, *p;
	size_t i, vl, inner = 0, total, present = 0;

	*missing = NULL;
	for (i = 0; i < e->ntags; i++) {
		if ((f = rec_get(r, e->tags[i].name)) == NULL) {
			if (e->tags[i].optional)
				continue;
			*missing = e->tags[i].name;
			return 1;
		}
		vl = f->vallen / 2;
		present++;
		inner += e->src == DGIMAP_RAW ? vl : tlv_size(e->tags[i].tag, vl);
		if (inner > DGIMAX)
			return -1;
	}
	if (present == 0)
		return 1;
	total = e->src == DGIMAP_TEMPLATE ? tlv_size(e->tmpl, inner) : inner;
	if (total > DGIMAX)
		return -1;
	if ((b = malloc(total ? total : 1)) == NULL)
		return -1;
	p = b;
	if (e->src == DGIMAP_TEMPLATE)
		p += tlv_size(e->tmpl, inner) - inner;
	for (i = 0; i < e->ntags; i++) {
		if ((f = rec_get(r, e->tags[i].name)) == NULL)
			continue;
		vl = f->vallen / 2;
		if (e->src != DGIMAP_RAW)
			p += tlv_size(e->tags[i].tag, vl) - vl;
		/* The reader checked the value is uppercase hex. */
		hex_decode_upper(f->value, f->vallen, p);
		if (e->src != DGIMAP_RAW)
			tlv_encode(e->tags[i].tag, p, vl,
			    p - (tlv_size(e->tags[i].tag, vl) - vl));
		p += vl;
	}
	if (e->src == DGIMAP_TEMPLATE)
		tlv_encode(e->tmpl, b + total - inner, inner, b);
	*out = b;
	*len = total;
	return 0;
}

static int
holds(const uint8_t *buf, size_t n, uint32_t tag, const uint8_t *val,
    size_t len, int depth)
{
	const uint8_t *p = buf, *end = buf + n;
	struct tlv t;
	int rc;

	if (depth > TLV_MAXDEPTH)
		return 0;
	while ((rc = tlv_next(&p, end, &t)) == 1) {
		if (t.tag == tag && t.len == len && memcmp(t.val, val, len) == 0)
			return 1;
		if (t.constructed && holds(t.val, t.len, tag, val, len,
		    depth + 1))
			return 1;
	}
	return 0;
}

int
dgimap_holds(const uint8_t *buf, size_t n, uint32_t tag, const uint8_t *val,
    size_t len)
{
	if (tlv_validate(buf, n, NULL) != 0)
		return 0;
	return holds(buf, n, tag, val, len, 0);
}
