/* t-tlv.c: BER-TLV decoding, encoding and DOLs (lib/tlv.c). */
#include <stdlib.h>

#include "tlv.h"
#include "unit.h"
#include "vec.h"

/* Decode hex into a static buffer for the short inline cases. */
static const uint8_t *
H(const char *hex, size_t *n)
{
	static uint8_t b[256];

	*n = (size_t)hex_decode(hex, strlen(hex), b);
	return b;
}

static int
next_rc(const char *hex)
{
	const uint8_t *p, *end;
	struct tlv t;
	size_t n;

	p = H(hex, &n);
	end = p + n;
	return tlv_next(&p, end, &t);
}

static void
static_data(void)
{
	/* Real card records (tests/vectors/README.md): the objects in order. */
	static const uint32_t want[] = { 0x5F25, 0x5F24, 0x5A, 0x5F34, 0x8E,
	    0x9F07, 0x9F0D, 0x9F0E, 0x9F0F, 0x9F4A, 0x5F28, 0x8C, 0x8D };
	static const size_t wantlen[] = { 3, 3, 8, 1, 12, 2, 5, 5, 5, 1, 2,
	    33, 12 };
	const uint8_t *p, *end;
	uint8_t *buf;
	struct tlv t;
	size_t n, i;
	int rc = 1;

	buf = vec_load("tlv-static-data.hex", &n);
	/* The last two bytes are the AIP value appended by 9F4A, not TLV. */
	p = buf;
	end = buf + n - 2;
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		rc = tlv_next(&p, end, &t);
		if (rc != 1 || t.tag != want[i] || t.len != wantlen[i])
			break;
	}
	CHECK_INT(i, 13, "real card records: 13 objects with tags and lengths");
	CHECK_INT(tlv_next(&p, end, &t), 0, "real card records: then the end");
	CHECK_INT(tlv_validate(buf, n - 2, NULL), 0, "real card records validate");
	CHECK_INT(tlv_find(buf, n - 2, 0x5A, &t), 1, "find 5A");
	CHECK(t.len == 8 && t.val[0] == 0x52 && t.val[7] == 0x53, "5A value");
	CHECK_INT(tlv_find(buf, n - 2, 0x9F46, &t), 0, "absent 9F46 not found");
	free(buf);
}

static void
fci(void)
{
	const uint8_t *p, *end;
	uint8_t *buf;
	struct tlv t, in;
	size_t n;

	buf = vec_load("tlv-pse-fci.hex", &n);
	p = buf;
	end = buf + n;
	CHECK_INT(tlv_next(&p, end, &t), 1, "FCI: 6F decodes");
	CHECK(t.tag == 0x6F && t.constructed && t.len == 0x1A, "FCI: 6F constructed, 26 bytes");
	CHECK_INT(tlv_find(buf, n, 0x5F2D, &in), 1, "FCI: 5F2D found inside A5");
	CHECK(in.len == 2 && memcmp(in.val, "en", 2) == 0, "FCI: 5F2D is en");
	CHECK_INT(tlv_find(buf, n, 0x88, &in), 1, "FCI: 88 found");
	CHECK(in.len == 1 && in.val[0] == 2, "FCI: SFI 2");
	CHECK_INT(tlv_find(buf, n, 0x84, &in), 1, "FCI: 84 found");
	CHECK(in.len == 14 && memcmp(in.val, "1PAY.SYS.DDF01", 14) == 0, "FCI: DF name");
	free(buf);

	buf = vec_load("tlv-padding.hex", &n);
	CHECK_INT(tlv_validate(buf, n, NULL), 0, "padded FCI validates");
	CHECK_INT(tlv_find(buf, n, 0x5F2D, &in), 1, "padded FCI: 5F2D found past padding");
	p = buf;
	end = buf + n;
	CHECK_INT(tlv_next(&p, end, &t), 1, "padded FCI: leading padding skipped");
	CHECK_INT(t.tag, 0x6F, "padded FCI: first tag 6F");
	CHECK_INT(tlv_next(&p, end, &t), 0, "padded FCI: trailing padding is the end");
	free(buf);
}

static void
errors(void)
{
	size_t off = 99, n;
	const uint8_t *b;

	CHECK_INT(next_rc("5A08112233"), TLV_ELEN, "value past the end");
	CHECK_INT(next_rc("5A"), TLV_ETRUNC, "tag without length");
	CHECK_INT(next_rc("9F"), TLV_ETRUNC, "truncated two-byte tag");
	CHECK_INT(next_rc("9F81"), TLV_ETRUNC, "truncated three-byte tag");
	CHECK_INT(next_rc("5A80"), TLV_EINDEF, "indefinite length refused");
	CHECK_INT(next_rc("5A8400000001AA"), TLV_ELONGLEN, "4-byte length field refused");
	CHECK_INT(next_rc("5A830000010000"), TLV_ELONGLEN, "0x83 length form refused");
	CHECK_INT(next_rc("5A81"), TLV_ETRUNC, "0x81 without its byte");
	CHECK_INT(next_rc("5A8201"), TLV_ETRUNC, "0x82 with one byte");
	CHECK_INT(next_rc("9F81820100"), TLV_ELONGTAG, "4-byte tag refused");
	CHECK_INT(next_rc("DF818101"), TLV_ELONGTAG, "4-byte tag refused (DF)");
	CHECK_INT(next_rc("0000FFFF"), 0, "only padding is empty");
	CHECK_INT(next_rc(""), 0, "empty is empty");
	CHECK_INT(next_rc("9F81020100"), 1, "3-byte tag accepted");
	CHECK_INT(next_rc("5A8105AABBCCDDEE"), 1, "0x81 length accepted");
	b = H("70045A03112233", &n);
	CHECK_INT(tlv_validate(b, n, NULL), TLV_ELEN, "inner value past the end of its template");
	b = H("70055A0211229F", &n);
	CHECK_INT(tlv_validate(b, n, &off), TLV_ETRUNC, "truncated inner tag");
	CHECK_INT(off, 6, "fault offset of truncated inner tag");
	b = H("6F0A5A0811223344556677889F", &n);
	CHECK_INT(tlv_validate(b, n, NULL), TLV_ETRUNC, "garbage after template");
	b = H("E1" "22" "E1" "20" "E1" "1E" "E1" "1C" "E1" "1A" "E1" "18" "E1" "16"
	    "E1" "14" "E1" "12" "E1" "10" "E1" "0E" "E1" "0C" "E1" "0A" "E1" "08"
	    "E1" "06" "E1" "04" "E1" "02" "E1" "00", &n);
	CHECK_INT(tlv_validate(b, n, NULL), TLV_EDEPTH, "nesting deeper than TLV_MAXDEPTH refused");
	CHECK(strlen(tlv_strerror(TLV_EINDEF)) > 0, "strerror names errors");
}

static void
tags(void)
{
	uint32_t t;

	CHECK_INT(tlv_tag_parse("5A", 2, &t), 0, "parse 5A");
	CHECK_INT(t, 0x5A, "5A value");
	CHECK_INT(tlv_tag_parse("9F26", 4, &t), 0, "parse 9F26");
	CHECK_INT(t, 0x9F26, "9F26 value");
	CHECK_INT(tlv_tag_parse("BF0C", 4, &t), 0, "parse BF0C");
	CHECK_INT(tlv_tag_parse("DF8101", 6, &t), 0, "parse 3-byte DF8101");
	CHECK(tlv_tag_parse("9F", 2, &t) != 0, "9F alone is not a tag");
	CHECK(tlv_tag_parse("5A01", 4, &t) != 0, "5A01 is two things, not a tag");
	CHECK(tlv_tag_parse("9F8101", 6, &t) == 0 && t == 0x9F8101, "9F8101 is a 3-byte tag");
	CHECK(tlv_tag_parse("9F8181", 6, &t) != 0, "tag continues past 3 bytes");
	CHECK(tlv_tag_parse("9f26", 4, &t) != 0, "lowercase refused");
	CHECK(tlv_tag_parse("00", 2, &t) != 0, "00 is padding, not a tag");
	CHECK(tlv_tag_parse("FF", 2, &t) != 0, "FF is padding, not a tag");
	CHECK(tlv_tag_parse("5", 1, &t) != 0, "odd digit count");
	CHECK_INT(tlv_tag_size(0x5A), 1, "size 1");
	CHECK_INT(tlv_tag_size(0x9F26), 2, "size 2");
	CHECK_INT(tlv_tag_size(0xDF8101), 3, "size 3");
	CHECK(tlv_tag_constructed(0x70) && tlv_tag_constructed(0xBF0C), "70 and BF0C constructed");
	CHECK(!tlv_tag_constructed(0x9F26) && !tlv_tag_constructed(0x5A), "9F26 and 5A primitive");
}

static void
encode(void)
{
	uint8_t out[300], val[256];
	const uint8_t *p;
	struct tlv t;
	size_t n;

	memset(val, 0xAB, sizeof val);
	n = tlv_encode(0x9F26, val, 8, out);
	CHECK(n == 11 && out[0] == 0x9F && out[1] == 0x26 && out[2] == 8, "encode 9F26 short form");
	n = tlv_encode(0x90, val, 0x90, out);
	CHECK(n == 0x93 && out[1] == 0x81 && out[2] == 0x90, "encode 0x81 form for 144 bytes");
	CHECK_INT(tlv_size(0x90, 0x90), 0x93, "size of 0x81 form");
	n = tlv_encode(0x70, val, 256, out);
	CHECK(n == 260 && out[1] == 0x82 && out[2] == 1 && out[3] == 0, "encode 0x82 form for 256 bytes");
	p = out;
	CHECK(tlv_next(&p, out + n, &t) == 1 && t.len == 256 && t.tag == 0x70, "decode what was encoded");
	CHECK_INT(tlv_encode(0x70, val, 70000, out), 0, "refuse length over 65535");
	n = tlv_encode(0x5F34, val, 0, out);
	CHECK(n == 3 && out[2] == 0, "encode empty value");
}

static void
dol(void)
{
	const uint8_t *p, *end;
	struct dol_entry e;
	size_t n, i = 0, total = 0;

	/* Visa CDOL1 as seen on cards (a 21-byte DOL, emv-facts.md 6.8). */
	p = H("9F02069F03069F1A0295055F2A029A039C019F3704", &n);
	end = p + n;
	while (dol_next(&p, end, &e) == 1) {
		i++;
		total += e.len;
	}
	CHECK_INT(i, 8, "Visa CDOL1 has 8 entries");
	CHECK_INT(total, 29, "Visa CDOL1 asks for 29 bytes");
	p = H("9F0206", &n);
	end = p + n;
	CHECK(dol_next(&p, end, &e) == 1 && e.tag == 0x9F02 && e.len == 6, "DOL entry 9F02 6");
	p = H("9F02", &n);
	end = p + n;
	CHECK_INT(dol_next(&p, end, &e), TLV_ETRUNC, "DOL entry without length");
}

int
main(void)
{
	static_data();
	fci();
	errors();
	tags();
	encode();
	dol();
	return unit_done();
}
