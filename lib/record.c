/* record.c: reader and writer of the emvperso record stream,
 * emvperso-record(5).  The reader keeps the line as read so that a stage
 * that changes nothing writes back exactly the same bytes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "record.h"
#include "tlv.h"

struct rec_reader {
	FILE *fp;
	unsigned long lineno;
	unsigned long recno;
};

static void *
xrealloc(void *p, size_t n)
{
	void *q;

	if ((q = realloc(p, n)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", getprogname());
		exit(4);
	}
	return q;
}

struct rec_reader *
rec_reader_new(FILE *fp)
{
	struct rec_reader *rd;

	rd = xrealloc(NULL, sizeof *rd);
	rd->fp = fp;
	rd->lineno = rd->recno = 0;
	return rd;
}

void
rec_reader_free(struct rec_reader *rd)
{
	free(rd);
}

void
rec_init(struct rec *r)
{
	memset(r, 0, sizeof *r);
}

static void
free_owned(struct rec *r)
{
	size_t i;

	for (i = 0; i < r->nowned; i++) {
		explicit_bzero(r->owned[i], strlen(r->owned[i]));
		free(r->owned[i]);
	}
	r->nowned = 0;
}

void
rec_free(struct rec *r)
{
	free_owned(r);
	free(r->owned);
	/* Lines hold PANs: wipe them before the memory goes back. */
	if (r->raw)
		explicit_bzero(r->raw, r->rawcap);
	if (r->buf)
		explicit_bzero(r->buf, r->bufcap);
	free(r->raw);
	free(r->buf);
	free(r->f);
	rec_init(r);
}

int
rec_name_check(const char *name, size_t n, uint32_t *tag)
{
	size_t i;
	uint8_t b[2];

	if (n == 0)
		return -1;
	if (name[0] >= 'a' && name[0] <= 'z') {
		for (i = 1; i < n; i++)
			if (!((name[i] >= 'a' && name[i] <= 'z') ||
			    (name[i] >= '0' && name[i] <= '9') ||
			    name[i] == '_' || name[i] == '-' || name[i] == '.'))
				return -1;
		return REC_ATTR;
	}
	if (n == 7 && memcmp(name, "DGI", 3) == 0) {
		if (hex_decode_upper(name + 3, 4, b) != 2)
			return -1;
		if (tag)
			*tag = (uint32_t)b[0] << 8 | b[1];
		return REC_DGI;
	}
	if (tlv_tag_parse(name, n, tag ? tag : &(uint32_t){0}) == 0)
		return REC_TAG;
	return -1;
}

/* 1 if the value is valid for a field of this kind. */
static int
value_ok(enum rec_name_kind kind, const char *v, size_t n)
{
	size_t i;

	if (kind != REC_ATTR)
		return hex_is_upper(v, n);
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x21 || (unsigned char)v[i] > 0x7E)
			return 0;
	return 1;
}

static void
set_perr(struct rec *r, const char *code, const char *reason,
    const char *field, size_t n)
{
	if (r->perr)
		return;
	r->perr = code;
	r->perr_reason = reason;
	if (field == NULL) {
		field = "-";
		n = 1;
	}
	if (n >= sizeof r->perr_field)
		n = sizeof r->perr_field - 1;
	memcpy(r->perr_field, field, n);
	r->perr_field[n] = '\0';
}

static struct rec_field *
new_field(struct rec *r)
{
	if (r->nf == r->fcap) {
		r->fcap = r->fcap ? 2 * r->fcap : 32;
		r->f = xrealloc(r->f, r->fcap * sizeof *r->f);
	}
	return &r->f[r->nf++];
}

static unsigned
name_hash(const char *s, size_t n)
{
	unsigned h = 0;

	while (n--)
		h = h * 31 + (unsigned char)*s++;
	return (h ^ h >> 8) & 255;
}

static void
parse(struct rec *r)
{
	char *s = r->buf, *end = r->buf + r->rawlen, *sp, *eq;
	uint64_t seen[4] = { 0, 0, 0, 0 };
	struct rec_field *f;
	size_t i;
	unsigned h;
	int k;

	for (;;) {
		sp = memchr(s, ' ', (size_t)(end - s));
		if (sp == NULL)
			sp = end;
		*sp = '\0';
		if (sp == s)
			set_perr(r, "syntax", "empty field (stray space)", NULL, 0);
		else if ((eq = memchr(s, '=', (size_t)(sp - s))) == NULL)
			set_perr(r, "syntax", "field has no '='", NULL, 0);
		else {
			*eq = '\0';
			f = new_field(r);
			f->name = s;
			f->namelen = (size_t)(eq - s);
			f->value = eq + 1;
			f->vallen = (size_t)(sp - eq - 1);
			f->tag = 0;
			k = rec_name_check(f->name, f->namelen, &f->tag);
			if (k < 0) {
				f->kind = REC_ATTR;
				set_perr(r, "bad-name", "not a tag, DGI or "
				    "attribute name", f->name, f->namelen);
			} else {
				f->kind = (enum rec_name_kind)k;
				if (!value_ok(f->kind, f->value, f->vallen))
					set_perr(r, "bad-value", f->kind ==
					    REC_ATTR ? "value is not a printable "
					    "token" : "value is not uppercase hex "
					    "of whole bytes", f->name, f->namelen);
			}
			/* Duplicates: a 256-bit filter on a name hash, and a
			 * scan only when the filter says maybe. */
			h = name_hash(f->name, f->namelen);
			if (seen[h >> 6] & (UINT64_C(1) << (h & 63))) {
				for (i = 0; i + 1 < r->nf; i++)
					if (r->f[i].namelen == f->namelen &&
					    memcmp(r->f[i].name, f->name,
					    f->namelen) == 0)
						set_perr(r, "dup-field", "field "
						    "appears twice", f->name,
						    f->namelen);
			}
			seen[h >> 6] |= UINT64_C(1) << (h & 63);
		}
		if (sp == end)
			break;
		s = sp + 1;
	}
}

int
rec_read(struct rec_reader *rd, struct rec *r)
{
	ssize_t n;

	free_owned(r);
	if (r->raw)
		explicit_bzero(r->raw, r->rawlen);
	if (r->buf)
		explicit_bzero(r->buf, r->rawlen + 1 < r->bufcap ?
		    r->rawlen + 1 : r->bufcap);
	r->nf = 0;
	r->perr = r->perr_reason = NULL;
	r->perr_field[0] = '\0';
	r->truncated = r->dirty = 0;
	errno = 0;
	n = getline(&r->raw, &r->rawcap, rd->fp);
	if (n < 0) {
		r->rawlen = 0;
		return ferror(rd->fp) ? -1 : 0;
	}
	rd->lineno++;
	r->lineno = rd->lineno;
	if (n > 0 && r->raw[n - 1] == '\n')
		r->raw[--n] = '\0';
	else
		r->truncated = 1;
	r->rawlen = (size_t)n;
	if (n == 0 || r->raw[0] == '#') {
		r->kind = REC_LINE_OTHER;
		return 1;
	}
	r->kind = REC_LINE_RECORD;
	r->recno = ++rd->recno;
	if (r->bufcap < (size_t)n + 1) {
		r->bufcap = (size_t)n + 1;
		r->buf = xrealloc(r->buf, r->bufcap);
	}
	memcpy(r->buf, r->raw, (size_t)n + 1);
	if (memchr(r->raw, '\0', (size_t)n) != NULL)
		set_perr(r, "syntax", "NUL byte in line", NULL, 0);
	if (r->truncated)
		set_perr(r, "truncated", "last line has no newline", NULL, 0);
	parse(r);
	return 1;
}

int
rec_next(struct rec_reader *rd, struct rec *r, FILE *out, int *failed)
{
	int rc;

	while ((rc = rec_read(rd, r)) == 1) {
		if (r->kind == REC_LINE_RECORD && !rec_has_error(r)) {
			if (r->perr == NULL)
				return 1;
			rec_pass_error(r);
			*failed = 1;
		}
		if (rec_write(out, r) < 0)
			return -1;
	}
	return rc;
}

/* One input of rec_filter: its exit status. */
static int
filter_one(FILE *fp, const char *name, void (*fn)(struct rec *, void *),
    void *arg)
{
	struct rec_reader *rd = rec_reader_new(fp);
	struct rec r;
	int rc, failed = 0;

	rec_init(&r);
	while ((rc = rec_next(rd, &r, stdout, &failed)) == 1) {
		fn(&r, arg);
		if (rec_has_error(&r))
			failed = 1;
		if (rec_write(stdout, &r) < 0)
			break;
	}
	if (rc < 0 && !ferror(stdout))
		fprintf(stderr, "%s: %s: %s\n", getprogname(), name,
		    strerror(errno));
	rec_free(&r);
	rec_reader_free(rd);
	return rc < 0 || ferror(stdout) ? 3 : failed;
}

int
rec_filter(int argc, char *argv[], void (*fn)(struct rec *, void *),
    void *arg)
{
	FILE *fp;
	int i, rc, status = 0;

	if (argc == 0)
		status = filter_one(stdin, "stdin", fn, arg);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			rc = filter_one(stdin, "stdin", fn, arg);
		else if ((fp = fopen(argv[i], "r")) == NULL) {
			fprintf(stderr, "%s: %s: %s\n", getprogname(), argv[i],
			    strerror(errno));
			rc = 3;
		} else {
			rc = filter_one(fp, argv[i], fn, arg);
			fclose(fp);
		}
		if (rc > status)
			status = rc;
	}
	if (rec_flush(stdout) < 0)
		status = 3;
	return status;
}

const struct rec_field *
rec_get(const struct rec *r, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < r->nf; i++)
		if (r->f[i].namelen == n && memcmp(r->f[i].name, name, n) == 0)
			return &r->f[i];
	return NULL;
}

const char *
rec_value(const struct rec *r, const char *name)
{
	const struct rec_field *f = rec_get(r, name);

	return f ? f->value : NULL;
}

int
rec_has_error(const struct rec *r)
{
	return r->kind == REC_LINE_RECORD && rec_get(r, "err") != NULL;
}

static char *
own(struct rec *r, const char *s, size_t n)
{
	char *p;

	if (r->nowned == r->ownedcap) {
		r->ownedcap = r->ownedcap ? 2 * r->ownedcap : 8;
		r->owned = xrealloc(r->owned, r->ownedcap * sizeof *r->owned);
	}
	p = xrealloc(NULL, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	r->owned[r->nowned++] = p;
	return p;
}

int
rec_set(struct rec *r, const char *name, const char *value)
{
	struct rec_field *f;
	size_t i, nn = strlen(name), vn = strlen(value);
	uint32_t tag = 0;
	int k;

	if ((k = rec_name_check(name, nn, &tag)) < 0 ||
	    !value_ok((enum rec_name_kind)k, value, vn))
		return -1;
	for (i = 0; i < r->nf; i++)
		if (r->f[i].namelen == nn && memcmp(r->f[i].name, name, nn) == 0)
			break;
	if (i < r->nf)
		f = &r->f[i];
	else {
		f = new_field(r);
		f->name = own(r, name, nn);
		f->namelen = nn;
		f->kind = (enum rec_name_kind)k;
		f->tag = tag;
	}
	f->value = own(r, value, vn);
	f->vallen = vn;
	r->dirty = 1;
	return 0;
}

int
rec_set_bin(struct rec *r, const char *name, const uint8_t *val, size_t len)
{
	char *hex;
	int rc;

	hex = xrealloc(NULL, 2 * len + 1);
	hex_encode(val, len, hex);
	rc = rec_set(r, name, hex);
	/* The hex may be a PAN or track data. */
	explicit_bzero(hex, 2 * len + 1);
	free(hex);
	return rc;
}

void
rec_del(struct rec *r, const char *name)
{
	const struct rec_field *f = rec_get(r, name);
	size_t i;

	if (f == NULL)
		return;
	i = (size_t)(f - r->f);
	memmove(&r->f[i], &r->f[i + 1], (r->nf - i - 1) * sizeof *r->f);
	r->nf--;
	r->dirty = 1;
}

int
rec_bin(const struct rec_field *f, uint8_t **out, size_t *len)
{
	uint8_t *b;
	long n;

	b = xrealloc(NULL, f->vallen / 2 + 1);
	if ((n = hex_decode_upper(f->value, f->vallen, b)) < 0) {
		free(b);
		return -1;
	}
	*out = b;
	*len = (size_t)n;
	return 0;
}

int
rec_write(FILE *fp, const struct rec *r)
{
	const struct rec_field *f;
	size_t i;

	/* The unlocked stdio calls: one record is many small writes. */
	if (!r->dirty || r->kind != REC_LINE_RECORD) {
		if (fwrite_unlocked(r->raw, 1, r->rawlen, fp) != r->rawlen)
			return -1;
	} else {
		for (i = 0; i < r->nf; i++) {
			f = &r->f[i];
			if ((i && putc_unlocked(' ', fp) == EOF) ||
			    fwrite_unlocked(f->name, 1, f->namelen, fp) !=
			    f->namelen || putc_unlocked('=', fp) == EOF ||
			    fwrite_unlocked(f->value, 1, f->vallen, fp) !=
			    f->vallen)
				return -1;
		}
	}
	return putc_unlocked('\n', fp) == EOF ? -1 : 0;
}

const char *
rec_label(const struct rec *r, char buf[32])
{
	const struct rec_field *id = rec_get(r, "id");

	if (id != NULL && id->vallen > 0 &&
	    value_ok(REC_ATTR, id->value, id->vallen))
		snprintf(buf, 32, "%s", id->value);
	else
		snprintf(buf, 32, "%lu", r->recno);
	return buf;
}

void
rec_fail(struct rec *r, const char *field, const char *code,
    const char *fmt, ...)
{
	char lab[32];
	va_list ap;

	fprintf(stderr, "%s: record %s (line %lu): %s: ", getprogname(),
	    rec_label(r, lab), r->lineno, field ? field : "-");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* The first failure names the record's err; later ones only report. */
	if (rec_get(r, "err") == NULL && rec_set(r, "err", code) < 0)
		rec_set(r, "err", "internal");
}

void
rec_pass_error(struct rec *r)
{
	char lab[32], *tail;
	size_t n;

	fprintf(stderr, "%s: record %s (line %lu): %s: %s: %s\n",
	    getprogname(), rec_label(r, lab), r->lineno, r->perr_field,
	    r->perr, r->perr_reason);
	/* The fields cannot be trusted: carry the raw line, marked. */
	n = strlen(" err=") + strlen(r->perr);
	if (r->rawcap < r->rawlen + n + 1) {
		r->rawcap = r->rawlen + n + 1;
		r->raw = xrealloc(r->raw, r->rawcap);
	}
	tail = r->raw + r->rawlen;
	snprintf(tail, n + 1, " err=%s", r->perr);
	r->rawlen += n;
	r->dirty = 0;
}

char *
rec_pct_encode(const char *s, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	char *out, *o;
	size_t i;
	unsigned char c;

	o = out = xrealloc(NULL, 3 * n + 1);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7E || c == '%') {
			*o++ = '%';
			*o++ = digits[c >> 4];
			*o++ = digits[c & 15];
		} else
			*o++ = (char)c;
	}
	*o = '\0';
	return out;
}

char *
rec_pct_decode(const char *s, size_t n, size_t *outlen)
{
	char *out;
	size_t i, o = 0;
	uint8_t b;

	out = xrealloc(NULL, n + 1);
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if (n - i < 3 || hex_decode(s + i + 1, 2, &b) != 1)
			goto bad;
		out[o++] = (char)b;
		i += 2;
	}
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return out;
bad:
	free(out);
	return NULL;
}

int
rec_flush(FILE *fp)
{
	if (fflush(fp) == EOF || ferror(fp)) {
		fprintf(stderr, "%s: stdout: %s\n", getprogname(),
		    strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}
