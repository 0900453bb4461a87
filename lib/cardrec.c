/* cardrec.c: a card's records from a record's fields and its layout
 * (EMV 4.4 Book 3, 5.3 files and records, 10.2 the AFL, 10.3 the static
 * data to be authenticated; EMV CPS 1.1 record DGIs). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardrec.h"
#include "hex.h"
#include "tlv.h"

static const uint32_t late_tags[] = {
	0x8F, 0x90, 0x92, 0x93, 0x9F2D, 0x9F2E, 0x9F2F, 0x9F32, 0x9F46,
	0x9F47, 0x9F48
};

static int
say(char *why, size_t whylen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static void
tag_name(uint32_t tag, char buf[8])
{
	snprintf(buf, 8, "%0*X", (int)(2 * tlv_tag_size(tag)), (unsigned)tag);
}

static void
dgi_name(const struct cardrec_entry *e, char buf[8])
{
	snprintf(buf, 8, "DGI%02X%02X", e->sfi, e->recno);
}

int
cardrec_late_tag(uint32_t tag)
{
	size_t i;

	for (i = 0; i < sizeof late_tags / sizeof late_tags[0]; i++)
		if (late_tags[i] == tag)
			return 1;
	return 0;
}

/* Two uppercase hex digits at s. */
static int
hex2(const char *s, uint8_t *b)
{
	return hex_is_upper(s, 2) && hex_decode_upper(s, 2, b) == 1 ? 0 : -1;
}

/* One entry "SSRR[o]:TAG.TAG..." of s[0..n). */
static int
parse_entry(const char *s, size_t n, struct cardrec_entry *e, char *why,
    size_t whylen)
{
	const char *p = s, *end = s + n, *t;
	uint32_t tag;
	size_t i;
	int opt;

	memset(e, 0, sizeof *e);
	if (n == 0)
		return say(why, whylen, CARDREC_ELAYOUT, "layout: an empty "
		    "entry");
	if (n < 5 || hex2(p, &e->sfi) < 0 || hex2(p + 2, &e->recno) < 0)
		return say(why, whylen, CARDREC_ELAYOUT, "layout: entry %.*s: "
		    "want SFI and record in hex, \":\" and tags", (int)(n > 8 ?
		    8 : n), s);
	if (e->sfi < 1 || e->sfi > 30 || e->recno < 1)
		return say(why, whylen, CARDREC_ELAYOUT, "layout: SFI %u "
		    "record %u: SFI must be 1-30, record 1-255", e->sfi,
		    e->recno);
	p += 4;
	if (*p == 'o') {
		e->oda = 1;
		p++;
	}
	if (p == end || *p++ != ':' || p == end)
		return say(why, whylen, CARDREC_ELAYOUT, "layout: entry "
		    "%02X%02X: want \":\" and its tags", e->sfi, e->recno);
	while (p < end) {
		if ((t = memchr(p, '.', (size_t)(end - p))) == NULL)
			t = end;
		if (t == p)
			return say(why, whylen, CARDREC_ELAYOUT, "layout: "
			    "entry %02X%02X: an empty tag", e->sfi, e->recno);
		opt = t - p > 1 && t[-1] == '?';
		if (!hex_is_upper(p, (size_t)(t - p - opt)) ||
		    tlv_tag_parse(p, (size_t)(t - p - opt), &tag) != 0 ||
		    tag == 0x70)
			return say(why, whylen, CARDREC_ELAYOUT, "layout: "
			    "entry %02X%02X: %.*s is no tag a record can hold",
			    e->sfi, e->recno, (int)(t - p > 8 ? 8 : t - p), p);
		if (e->ntags == CARDREC_MAXTAG)
			return say(why, whylen, CARDREC_ELAYOUT, "layout: "
			    "entry %02X%02X: more than %d tags", e->sfi,
			    e->recno, CARDREC_MAXTAG);
		for (i = 0; i < e->ntags; i++)
			if (e->tags[i] == tag)
				return say(why, whylen, CARDREC_ELAYOUT,
				    "layout: entry %02X%02X: tag %.*s twice",
				    e->sfi, e->recno, (int)(t - p), p);
		if (e->oda && cardrec_late_tag(tag))
			return say(why, whylen, CARDREC_ELAYOUT, "layout: "
			    "%.*s cannot be in ODA record %02X%02X: a later "
			    "stage makes it", (int)(t - p), p, e->sfi,
			    e->recno);
		if (opt)
			e->optional |= (uint32_t)1 << e->ntags;
		e->tags[e->ntags++] = tag;
		p = t;
		if (p < end && ++p == end)
			return say(why, whylen, CARDREC_ELAYOUT, "layout: "
			    "entry %02X%02X ends in \".\"", e->sfi, e->recno);
	}
	if (e->optional == (e->ntags == 32 ? UINT32_MAX :
	    ((uint32_t)1 << e->ntags) - 1))
		return say(why, whylen, CARDREC_ELAYOUT, "layout: entry "
		    "%02X%02X: every tag is optional", e->sfi, e->recno);
	return 0;
}

int
cardrec_layout_parse(const char *s, size_t n, struct cardrec_layout *l,
    char *why, size_t whylen)
{
	const char *p = s, *end = s + n, *c;
	struct cardrec_entry *e;
	size_t i, j, k;
	char tn[8];
	int rc;

	l->n = 0;
	if (n == 0)
		return say(why, whylen, CARDREC_ELAYOUT, "layout: empty");
	for (;;) {
		if ((c = memchr(p, ',', (size_t)(end - p))) == NULL)
			c = end;
		if (l->n == CARDREC_MAXREC)
			return say(why, whylen, CARDREC_ELAYOUT, "layout: more "
			    "than %d records", CARDREC_MAXREC);
		e = &l->e[l->n];
		if ((rc = parse_entry(p, (size_t)(c - p), e, why, whylen)) < 0)
			return rc;
		for (i = 0; i < l->n; i++) {
			if (l->e[i].sfi == e->sfi && l->e[i].recno == e->recno)
				return say(why, whylen, CARDREC_ELAYOUT,
				    "layout: record %02X%02X twice", e->sfi,
				    e->recno);
			for (j = 0; j < l->e[i].ntags; j++)
				for (k = 0; k < e->ntags; k++)
					if (l->e[i].tags[j] == e->tags[k]) {
						tag_name(e->tags[k], tn);
						return say(why, whylen,
						    CARDREC_ELAYOUT, "layout: "
						    "%s in records %02X%02X and "
						    "%02X%02X", tn, l->e[i].sfi,
						    l->e[i].recno, e->sfi,
						    e->recno);
					}
		}
		l->n++;
		if (c == end)
			return 0;
		p = c + 1;
	}
}

int
cardrec_layout_get(const struct rec *r, struct cardrec_layout *l, char *why,
    size_t whylen)
{
	const struct rec_field *f;

	if ((f = rec_get(r, "layout")) == NULL)
		return say(why, whylen, CARDREC_ELAYOUT, "layout: the record "
		    "has no layout (emv-profile sets it)");
	return cardrec_layout_parse(f->value, f->vallen, l, why, whylen);
}

long
cardrec_layout_format(const struct cardrec_layout *l, char *buf,
    size_t buflen)
{
	const struct cardrec_entry *e;
	size_t i, j, n = 0;
	char tn[8];
	int w;

	if (buflen == 0)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < l->n; i++) {
		e = &l->e[i];
		w = snprintf(buf + n, buflen - n, "%s%02X%02X%s:", i ? "," : "",
		    e->sfi, e->recno, e->oda ? "o" : "");
		if (w < 0 || (size_t)w >= buflen - n)
			return -1;
		n += (size_t)w;
		for (j = 0; j < e->ntags; j++) {
			tag_name(e->tags[j], tn);
			w = snprintf(buf + n, buflen - n, "%s%s%s", j ? "." :
			    "", tn, e->optional >> j & 1 ? "?" : "");
			if (w < 0 || (size_t)w >= buflen - n)
				return -1;
			n += (size_t)w;
		}
	}
	return (long)n;
}

const struct cardrec_entry *
cardrec_layout_find(const struct cardrec_layout *l, uint32_t tag)
{
	size_t i, j;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->e[i].ntags; j++)
			if (l->e[i].tags[j] == tag)
				return &l->e[i];
	return NULL;
}

/* The entries of l in AFL order, by SFI then record number. */
static void
afl_order(const struct cardrec_layout *l, const struct cardrec_entry **ord)
{
	const struct cardrec_entry *t;
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		t = &l->e[i];
		for (j = i; j > 0 && (ord[j - 1]->sfi > t->sfi ||
		    (ord[j - 1]->sfi == t->sfi && ord[j - 1]->recno >
		    t->recno)); j--)
			ord[j] = ord[j - 1];
		ord[j] = t;
	}
}

size_t
cardrec_afl(const struct cardrec_layout *l, uint8_t *out, size_t outlen)
{
	const struct cardrec_entry *ord[CARDREC_MAXREC], *a, *b;
	size_t i, n = 0;
	uint8_t *q = NULL;

	if (l->n == 0)
		return 0;
	afl_order(l, ord);
	for (i = 0; i < l->n; i++) {
		b = ord[i];
		a = i > 0 ? ord[i - 1] : NULL;
		/* Book 3, 10.2: an entry covers consecutive records of one
		 * SFI, its ODA records first. */
		if (a == NULL || a->sfi != b->sfi || a->recno + 1 != b->recno ||
		    (b->oda && !a->oda)) {
			if (n + 4 > outlen)
				return 0;
			q = out + n;
			q[0] = (uint8_t)(b->sfi << 3);
			q[1] = q[2] = b->recno;
			q[3] = 0;
			n += 4;
		}
		q[2] = b->recno;
		if (b->oda)
			q[3]++;
	}
	return n;
}

int
cardrec_build(const struct rec *r, const struct cardrec_entry *e,
    uint8_t **out, size_t *len, uint32_t *missing, char *why, size_t whylen)
{
	const struct rec_field *f;
	uint8_t *content, *v, *rec;
	size_t i, n = 0, cap = 0, vn, sz;
	char tn[8];

	if (missing != NULL)
		*missing = 0;
	for (i = 0; i < e->ntags; i++) {
		tag_name(e->tags[i], tn);
		if ((f = rec_get(r, tn)) != NULL)
			cap += tlv_size(e->tags[i], f->vallen / 2);
	}
	if ((content = malloc(cap + 1)) == NULL)
		return say(why, whylen, CARDREC_ENOMEM, "-: out of memory");
	for (i = 0; i < e->ntags; i++) {
		tag_name(e->tags[i], tn);
		if ((f = rec_get(r, tn)) == NULL) {
			if (missing != NULL && *missing == 0)
				*missing = e->tags[i];
			continue;
		}
		if (f->kind != REC_TAG || rec_bin(f, &v, &vn) < 0) {
			free(content);
			return say(why, whylen, CARDREC_ENOMEM, "%s: not a "
			    "tag's hex value", tn);
		}
		n += tlv_encode(e->tags[i], v, vn, content + n);
		explicit_bzero(v, vn);
		free(v);
	}
	sz = tlv_size(0x70, n);
	if (sz > CARDREC_MAXRECORD) {
		explicit_bzero(content, cap);
		free(content);
		return say(why, whylen, CARDREC_ESIZE, "DGI%02X%02X: record of "
		    "%zu bytes, at most %d fit", e->sfi, e->recno, sz,
		    CARDREC_MAXRECORD);
	}
	if ((rec = malloc(sz)) == NULL) {
		free(content);
		return say(why, whylen, CARDREC_ENOMEM, "-: out of memory");
	}
	tlv_encode(0x70, content, n, rec);
	/* The records may hold the PAN and track 2. */
	explicit_bzero(content, cap);
	free(content);
	*out = rec;
	*len = sz;
	return 0;
}

/* 1 if any tag of e is a field of r. */
static int
has_any(const struct rec *r, const struct cardrec_entry *e)
{
	size_t i;
	char tn[8];

	for (i = 0; i < e->ntags; i++) {
		tag_name(e->tags[i], tn);
		if (rec_get(r, tn) != NULL)
			return 1;
	}
	return 0;
}

int
cardrec_write(struct rec *r, const struct cardrec_entry *e, char *why,
    size_t whylen)
{
	uint8_t *b;
	size_t n;
	char dn[8];
	int rc;

	dgi_name(e, dn);
	if (!has_any(r, e)) {
		rec_del(r, dn);
		return 0;
	}
	if ((rc = cardrec_build(r, e, &b, &n, NULL, why, whylen)) < 0)
		return rc;
	rec_set_bin(r, dn, b, n);
	explicit_bzero(b, n);
	free(b);
	return 0;
}

int
cardrec_place(struct rec *r, uint32_t tag, const uint8_t *val, size_t len,
    char *why, size_t whylen)
{
	struct cardrec_layout l;
	const struct cardrec_entry *e;
	const char *old;
	char tn[8], *save = NULL;
	int rc;

	if ((rc = cardrec_layout_get(r, &l, why, whylen)) < 0)
		return rc;
	tag_name(tag, tn);
	if ((e = cardrec_layout_find(&l, tag)) == NULL) {
		rec_set_bin(r, tn, val, len);
		return 1;
	}
	if ((old = rec_value(r, tn)) != NULL && (save = strdup(old)) == NULL)
		return say(why, whylen, CARDREC_ENOMEM, "-: out of memory");
	rec_set_bin(r, tn, val, len);
	if ((rc = cardrec_write(r, e, why, whylen)) < 0) {
		if (save != NULL)
			rec_set(r, tn, save);
		else
			rec_del(r, tn);
	}
	free(save);
	return rc;
}

/* Check the DGI of entry e against what r's fields make; on success *rec
 * (caller frees) holds the record. */
static int
check_entry(const struct rec *r, const struct cardrec_entry *e,
    uint8_t **rec, size_t *len, char *why, size_t whylen)
{
	const struct rec_field *f;
	uint8_t *b, *d;
	uint32_t miss = 0;
	size_t i, n, dn;
	char tn[8], dg[8];
	int rc, same;

	dgi_name(e, dg);
	for (i = 0; i < e->ntags; i++) {
		tag_name(e->tags[i], tn);
		if (rec_get(r, tn) == NULL && !(e->optional >> i & 1)) {
			miss = e->tags[i];
			break;
		}
	}
	if (miss != 0)
		return say(why, whylen, CARDREC_EMISSING, "%s: absent, and the "
		    "layout puts it into %s%s", tn, e->oda ? "ODA record " :
		    "", dg);
	if ((rc = cardrec_build(r, e, &b, &n, NULL, why, whylen)) < 0)
		return rc;
	if ((f = rec_get(r, dg)) == NULL) {
		explicit_bzero(b, n);
		free(b);
		return say(why, whylen, CARDREC_EMISSING, "%s: absent "
		    "(emv-records makes it)", dg);
	}
	if (rec_bin(f, &d, &dn) < 0) {
		free(b);
		return say(why, whylen, CARDREC_ESTALE, "%s: not hex", dg);
	}
	same = dn == n && memcmp(d, b, n) == 0;
	explicit_bzero(d, dn);
	free(d);
	if (!same) {
		explicit_bzero(b, n);
		free(b);
		return say(why, whylen, CARDREC_ESTALE, "%s: not the record "
		    "its fields make (a field changed after emv-records)", dg);
	}
	*rec = b;
	*len = n;
	return 0;
}

/* Append the values of the tags 9F4A lists (Book 3, 10.3: only 82). */
static int
tag_list(const struct rec *r, uint8_t **buf, size_t *n, char *why,
    size_t whylen)
{
	const struct rec_field *f, *aip;
	uint8_t *v, *a, *nb;
	size_t vn, an, i, tl;
	uint32_t tag;
	int rc = 0;

	if ((f = rec_get(r, "9F4A")) == NULL)
		return 0;
	if (rec_bin(f, &v, &vn) < 0)
		return say(why, whylen, CARDREC_ETAGLIST, "9F4A: not hex");
	for (i = 0; i < vn && rc == 0; i += tl) {
		tag = v[i];
		tl = 1;
		if ((v[i] & 0x1F) == 0x1F)
			do {
				if (i + tl == vn || tl == 3) {
					free(v);
					return say(why, whylen,
					    CARDREC_ETAGLIST, "9F4A: not a "
					    "list of tags");
				}
				tag = tag << 8 | v[i + tl];
			} while (v[i + tl++] & 0x80);
		if (tag != 0x82) {
			rc = say(why, whylen, CARDREC_ETAGLIST, "9F4A: lists "
			    "%0*X; only 82 may be listed (Book 3, 10.3)",
			    (int)(2 * tl), (unsigned)tag);
			break;
		}
		if ((aip = rec_get(r, "82")) == NULL) {
			rc = say(why, whylen, CARDREC_EMISSING, "82: 9F4A "
			    "lists it but the record has no AIP");
			break;
		}
		if (rec_bin(aip, &a, &an) < 0) {
			rc = say(why, whylen, CARDREC_ETAGLIST, "82: not hex");
			break;
		}
		if ((nb = realloc(*buf, *n + an + 1)) == NULL) {
			free(a);
			rc = say(why, whylen, CARDREC_ENOMEM, "-: out of "
			    "memory");
			break;
		}
		memcpy(nb + *n, a, an);
		*buf = nb;
		*n += an;
		free(a);
	}
	free(v);
	return rc;
}

int
cardrec_oda_data(const struct rec *r, uint8_t **out, size_t *len, char *why,
    size_t whylen)
{
	const struct cardrec_entry *ord[CARDREC_MAXREC];
	struct cardrec_layout l;
	struct tlv t;
	const uint8_t *p;
	uint8_t *buf = NULL, *rec, *nb;
	size_t i, n = 0, rn, skip;
	int rc;

	if ((rc = cardrec_layout_get(r, &l, why, whylen)) < 0)
		return rc;
	afl_order(&l, ord);
	for (i = 0; i < l.n; i++) {
		if (!ord[i]->oda)
			continue;
		if ((rc = check_entry(r, ord[i], &rec, &rn, why,
		    whylen)) < 0)
			goto fail;
		/* Book 3, 10.3: SFI 1-10 without 70 and its length. */
		skip = 0;
		if (ord[i]->sfi <= 10) {
			p = rec;
			tlv_next(&p, rec + rn, &t);
			skip = t.hdrlen;
		}
		if ((nb = realloc(buf, n + rn - skip + 1)) == NULL) {
			explicit_bzero(rec, rn);
			free(rec);
			rc = say(why, whylen, CARDREC_ENOMEM, "-: out of memory");
			goto fail;
		}
		buf = nb;
		memcpy(buf + n, rec + skip, rn - skip);
		n += rn - skip;
		explicit_bzero(rec, rn);
		free(rec);
	}
	if ((rc = tag_list(r, &buf, &n, why, whylen)) < 0)
		goto fail;
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return say(why, whylen, CARDREC_ENOMEM, "-: out of memory");
	*out = buf;
	*len = n;
	return 0;
fail:
	if (buf != NULL)
		explicit_bzero(buf, n);
	free(buf);
	return rc;
}

int
cardrec_complete(const struct rec *r, char *why, size_t whylen)
{
	struct cardrec_layout l;
	uint8_t *rec;
	size_t i, rn;
	int rc;

	if ((rc = cardrec_layout_get(r, &l, why, whylen)) < 0)
		return rc;
	for (i = 0; i < l.n; i++) {
		if ((rc = check_entry(r, &l.e[i], &rec, &rn, why,
		    whylen)) < 0)
			return rc;
		explicit_bzero(rec, rn);
		free(rec);
	}
	return 0;
}

const char *
cardrec_errcode(int rc)
{
	switch (rc) {
	case CARDREC_ELAYOUT:
		return "bad-layout";
	case CARDREC_ESIZE:
		return "record-size";
	case CARDREC_EMISSING:
		return "missing-tag";
	case CARDREC_ESTALE:
		return "stale-record";
	case CARDREC_ETAGLIST:
		return "bad-taglist";
	default:
		return "internal";
	}
}

void
cardrec_fail(struct rec *r, int rc, const char *why)
{
	const char *code = cardrec_errcode(rc), *c = strstr(why, ": ");
	char field[16];
	size_t n;

	if (c == NULL || (n = (size_t)(c - why)) >= sizeof field) {
		rec_fail(r, NULL, code, "%s: %s", code, why);
		return;
	}
	memcpy(field, why, n);
	field[n] = '\0';
	rec_fail(r, field, code, "%s: %s", code, c + 2);
}
