/* tlv.c: BER-TLV decoding and encoding by the rules of EMV 4.4 Book 3,
 * Annex B: tags of up to three bytes, definite lengths only, coded in at
 * most three bytes, and 00 or FF padding allowed between objects (B1). */
#include <string.h>

#include "tlv.h"

static int
is_padding(uint8_t b)
{
	return b == 0x00 || b == 0xFF;
}

/* Read a tag at p; returns bytes used or a TLV_E* code. */
static int
read_tag(const uint8_t *p, const uint8_t *end, uint32_t *tag)
{
	size_t n = 1;
	uint32_t t;

	if (p >= end)
		return TLV_ETRUNC;
	t = p[0];
	if ((p[0] & 0x1F) == 0x1F) {
		/* Subsequent bytes follow while b8 is set (Annex B1). */
		do {
			if (n == 3)
				return TLV_ELONGTAG;
			if (p + n >= end)
				return TLV_ETRUNC;
			t = t << 8 | p[n];
		} while (p[n++] & 0x80);
	}
	*tag = t;
	return (int)n;
}

/* Read a length at p; returns bytes used or a TLV_E* code. */
static int
read_len(const uint8_t *p, const uint8_t *end, size_t *len)
{
	if (p >= end)
		return TLV_ETRUNC;
	if (p[0] < 0x80) {
		*len = p[0];
		return 1;
	}
	if (p[0] == 0x80)
		return TLV_EINDEF;
	if (p[0] > 0x82)
		return TLV_ELONGLEN;
	if (end - p < 1 + (p[0] & 0x7F))
		return TLV_ETRUNC;
	if (p[0] == 0x81) {
		*len = p[1];
		return 2;
	}
	*len = (size_t)p[1] << 8 | p[2];
	return 3;
}

int
tlv_next(const uint8_t **pp, const uint8_t *end, struct tlv *t)
{
	const uint8_t *p = *pp;
	int nt, nl;

	while (p < end && is_padding(*p))
		p++;
	*pp = p;
	if (p == end)
		return 0;
	if ((nt = read_tag(p, end, &t->tag)) < 0)
		return nt;
	if ((nl = read_len(p + nt, end, &t->len)) < 0)
		return nl;
	if (t->len > (size_t)(end - p - nt - nl))
		return TLV_ELEN;
	t->taglen = (size_t)nt;
	t->hdrlen = (size_t)(nt + nl);
	t->val = p + t->hdrlen;
	t->constructed = (p[0] & 0x20) != 0;
	*pp = t->val + t->len;
	return 1;
}

static int
walk(const uint8_t *buf, size_t n, int depth, const uint8_t *base,
    size_t *off, uint32_t want, struct tlv *found)
{
	const uint8_t *p = buf, *end = buf + n;
	struct tlv t;
	int rc;

	if (depth > TLV_MAXDEPTH) {
		if (off)
			*off = (size_t)(buf - base);
		return TLV_EDEPTH;
	}
	while ((rc = tlv_next(&p, end, &t)) == 1) {
		if (found && t.tag == want) {
			*found = t;
			return 1;
		}
		if (t.constructed) {
			rc = walk(t.val, t.len, depth + 1, base, off, want, found);
			if (rc != 0)
				return rc;
		}
	}
	if (rc < 0 && off)
		*off = (size_t)(p - base);
	return rc;
}

int
tlv_validate(const uint8_t *buf, size_t n, size_t *off)
{
	return walk(buf, n, 0, buf, off, 0, NULL);
}

int
tlv_find(const uint8_t *buf, size_t n, uint32_t tag, struct tlv *t)
{
	return walk(buf, n, 0, buf, NULL, tag, t);
}

size_t
tlv_tag_size(uint32_t tag)
{
	return tag > 0xFFFF ? 3 : tag > 0xFF ? 2 : 1;
}

int
tlv_tag_constructed(uint32_t tag)
{
	return (tag >> (8 * (tlv_tag_size(tag) - 1)) & 0x20) != 0;
}

int
tlv_tag_parse(const char *hex, size_t n, uint32_t *tag)
{
	uint8_t b[3];
	size_t i;
	int c, v, used;

	if (n == 0 || n % 2)
		return TLV_ETAG;
	if (n > 6)
		return TLV_ELONGTAG;
	for (i = 0; i < n; i++) {
		c = (unsigned char)hex[i];
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return TLV_ETAG;
		if (i % 2 == 0)
			b[i / 2] = (uint8_t)(v << 4);
		else
			b[i / 2] |= (uint8_t)v;
	}
	/* 00 and FF are padding bytes, never the start of a tag. */
	if (is_padding(b[0]))
		return TLV_ETAG;
	used = read_tag(b, b + n / 2, tag);
	if (used == TLV_ETRUNC)
		return TLV_ETAG;
	if (used < 0)
		return used;
	return (size_t)used == n / 2 ? 0 : TLV_ETAG;
}

size_t
tlv_size(uint32_t tag, size_t len)
{
	return tlv_tag_size(tag) + (len < 0x80 ? 1 : len <= 0xFF ? 2 : 3) + len;
}

size_t
tlv_encode(uint32_t tag, const uint8_t *val, size_t len, uint8_t *out)
{
	size_t n = 0, ts = tlv_tag_size(tag);

	if (len > 0xFFFF)
		return 0;
	while (ts-- > 0)
		out[n++] = (uint8_t)(tag >> (8 * ts));
	if (len >= 0x80) {
		if (len > 0xFF) {
			out[n++] = 0x82;
			out[n++] = (uint8_t)(len >> 8);
		} else
			out[n++] = 0x81;
	}
	out[n++] = (uint8_t)len;
	if (len)
		memmove(out + n, val, len);
	return n + len;
}

int
dol_next(const uint8_t **pp, const uint8_t *end, struct dol_entry *e)
{
	const uint8_t *p = *pp;
	int nt;

	/* A DOL is tag and one length byte per entry (Book 3, 5.4). */
	if (p == end)
		return 0;
	if ((nt = read_tag(p, end, &e->tag)) < 0)
		return nt;
	if (p + nt >= end)
		return TLV_ETRUNC;
	e->len = p[nt];
	*pp = p + nt + 1;
	return 1;
}

const char *
tlv_strerror(int err)
{
	switch (err) {
	case TLV_OK:
		return "no error";
	case TLV_ETRUNC:
		return "truncated tag or length";
	case TLV_ELEN:
		return "value runs past the end of the data";
	case TLV_EINDEF:
		return "indefinite length (0x80) is not allowed";
	case TLV_ELONGLEN:
		return "length coded in more than 3 bytes";
	case TLV_ELONGTAG:
		return "tag longer than 3 bytes";
	case TLV_ETAG:
		return "malformed tag";
	case TLV_EDEPTH:
		return "constructed objects nested too deep";
	}
	return "unknown TLV error";
}
