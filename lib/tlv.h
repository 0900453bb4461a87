/* tlv.h: BER-TLV as EMV uses it (EMV 4.4 Book 3, Annex B; ISO/IEC 8825-1).
 * Tags of 1-3 bytes, definite lengths of 1-3 bytes (up to 0x82 form, 65535),
 * 00 and FF padding accepted between objects.  Every read is bounds-checked. */
#ifndef EMV_TLV_H
#define EMV_TLV_H

#include <stddef.h>
#include <stdint.h>

/* Error codes, negative.  tlv_strerror names them. */
enum {
	TLV_OK = 0,
	TLV_ETRUNC = -1,	/* data ends inside a tag or a length */
	TLV_ELEN = -2,		/* value runs past the end of the data */
	TLV_EINDEF = -3,	/* indefinite length 0x80: not allowed in EMV */
	TLV_ELONGLEN = -4,	/* length of more than 2 subsequent bytes */
	TLV_ELONGTAG = -5,	/* tag of more than 3 bytes */
	TLV_ETAG = -6,		/* malformed tag (e.g. zero tag) */
	TLV_EDEPTH = -7		/* constructed objects nested too deep */
};

#define TLV_MAXDEPTH 16

struct tlv {
	uint32_t tag;		/* tag bytes big-endian, e.g. 0x9F26 */
	size_t taglen;		/* 1-3 */
	size_t len;		/* value length */
	const uint8_t *val;	/* points into the decoded buffer */
	size_t hdrlen;		/* tag and length bytes */
	int constructed;	/* bit 6 of the first tag byte */
};

/* Decode the next object at *p (before end), skipping 00/FF padding.
 * Returns 1 and advances *p past the object, 0 at the end of data,
 * or a negative TLV_E* code (then *p is left at the faulty object). */
int tlv_next(const uint8_t **p, const uint8_t *end, struct tlv *t);

/* Check that buf holds only well-formed objects, recursing into
 * constructed ones (at most TLV_MAXDEPTH levels).  Returns 0 or a TLV_E* code; *off gets the byte
 * offset of the fault when off is not NULL. */
int tlv_validate(const uint8_t *buf, size_t n, size_t *off);

/* Find the first object with this tag in buf, searching constructed
 * objects depth first.  Returns 1 if found (into t), 0 if not, <0 on a
 * decode error. */
int tlv_find(const uint8_t *buf, size_t n, uint32_t tag, struct tlv *t);

/* Parse a tag written in hex (e.g. "9F26") and check it is one well-formed
 * BER tag of 1-3 bytes using exactly these digits.  Returns 0 or TLV_E*. */
int tlv_tag_parse(const char *hex, size_t n, uint32_t *tag);

/* Number of bytes of a tag value (1-3). */
size_t tlv_tag_size(uint32_t tag);

/* 1 if the tag is constructed (bit 6 of its first byte). */
int tlv_tag_constructed(uint32_t tag);

/* Encode tag, length and value into out (room for tlv_size(tag, len)).
 * Returns the number of bytes written, or 0 if len > 65535. */
size_t tlv_encode(uint32_t tag, const uint8_t *val, size_t len, uint8_t *out);

/* Size that tlv_encode will need. */
size_t tlv_size(uint32_t tag, size_t len);

/* A data object list entry (EMV Book 3, 5.4): a tag and a length. */
struct dol_entry {
	uint32_t tag;
	size_t len;
};

/* Decode the next DOL entry at *p.  Returns 1, 0 at end, or TLV_E*. */
int dol_next(const uint8_t **p, const uint8_t *end, struct dol_entry *e);

/* Static text for a TLV_E* code. */
const char *tlv_strerror(int err);

#endif
