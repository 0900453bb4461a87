/* t-dict.c: the EMV data dictionary and the bit-field tables
 * (lib/dict.c, lib/fields.c). */
#include <stdlib.h>

#include "dict.h"
#include "fields.h"
#include "hex.h"
#include "tlv.h"
#include "unit.h"

/* Check hex against the entry for tag; returns the DICT_* result and
 * leaves the reason in why. */
static char why[256];

static int
check(uint32_t tag, const char *hex)
{
	const struct dict_entry *e = dict_lookup(tag);
	uint8_t b[300];
	long n;

	if (e == NULL || (n = hex_decode(hex, strlen(hex), b)) < 0) {
		snprintf(why, sizeof why, "no entry or bad test hex");
		return -1;
	}
	return dict_check(e, b, (size_t)n, why, sizeof why);
}

static void
lookup(void)
{
	const struct dict_entry *e;

	e = dict_lookup(0x5A);
	CHECK(e != NULL, "5A is known");
	CHECK_STR(e ? e->name : NULL, "Application Primary Account Number "
	    "(PAN)", "5A name");
	CHECK_INT(e ? (int)e->format : -1, DICT_CN, "5A is cn");
	CHECK_INT(e ? e->maxlen : 0, 10, "5A up to 10 bytes");
	CHECK(e != NULL && (e->flags & DICT_SENSITIVE), "5A is sensitive");
	e = dict_lookup(0x9F26);
	CHECK(e != NULL && e->minlen == 8 && e->maxlen == 8 &&
	    e->source == DICT_ICC, "9F26: 8 bytes from the card");
	e = dict_lookup(0xBF0C);
	CHECK(e != NULL && e->show == SHOW_TEMPLATE && e->maxlen == 222,
	    "BF0C: template of up to 222 bytes");
	e = dict_lookup(0x9F7F);
	CHECK(e != NULL && e->minlen == 42, "9F7F CPLC: 42 bytes");
	e = dict_lookup(0x8A);
	CHECK(e != NULL && e->source == (DICT_ISSUER | DICT_TERMINAL),
	    "8A comes from issuer or terminal");
	CHECK(dict_lookup(0x9F66) == NULL, "9F66 left unknown (TTQ or GP)");
	CHECK(dict_lookup(0xDF01) == NULL, "DF01 unknown");
	CHECK(dict_lookup(0xDF8101) == NULL, "3-byte DF8101 unknown");
	CHECK(dict_lookup(0) == NULL, "0 unknown");
	CHECK(dict_lookup(0xFFFFFF) == NULL, "past the end unknown");
	CHECK_STR(dict_name(0x9F4D), "Log Entry", "dict_name known");
	CHECK_STR(dict_name(0xDF01), "unknown tag", "dict_name unknown");
	CHECK_STR(dict_format_name(DICT_ANS), "ans", "format name");
}

/* The table itself: sorted, consistent, templates where the tag says so. */
static void
table(void)
{
	const struct dict_entry *d;
	size_t i, n;
	int sorted = 1, lens = 1, tmpl = 1, bits = 1, found = 1;

	d = dict_entries(&n);
	CHECK(n >= 140, "at least 140 entries");
	for (i = 0; i < n; i++) {
		if (i > 0 && d[i - 1].tag >= d[i].tag)
			sorted = 0;
		if (d[i].minlen > d[i].maxlen || d[i].name == NULL)
			lens = 0;
		if (tlv_tag_constructed(d[i].tag) !=
		    (d[i].show == SHOW_TEMPLATE))
			tmpl = 0;
		if (d[i].show == SHOW_BITS && (d[i].bits == NULL ||
		    d[i].bits->len != d[i].minlen))
			bits = 0;
		if (dict_lookup(d[i].tag) != &d[i])
			found = 0;
	}
	CHECK(sorted, "entries sorted by tag, no duplicates");
	CHECK(lens, "every entry named, minlen <= maxlen");
	CHECK(tmpl, "constructed tags and templates agree");
	CHECK(bits, "bit fields have a table of their length");
	CHECK(found, "every entry found by lookup");
}

static void
lengths(void)
{
	CHECK_INT(check(0x5F24, "271231"), DICT_OK, "5F24 of 3 bytes");
	CHECK_INT(check(0x5F24, "27123101"), DICT_ELEN, "5F24 of 4 bytes");
	CHECK_STR(why, "4 bytes, want 3", "length reason");
	CHECK_INT(check(0x9F4D, "0B"), DICT_ELEN, "9F4D of 1 byte");
	CHECK_STR(why, "1 byte, want 2", "singular byte");
	CHECK_INT(check(0x4F, "A000000003"), DICT_OK, "AID of 5 bytes");
	CHECK_INT(check(0x4F, "A0000000"), DICT_ELEN, "AID of 4 bytes");
	CHECK_STR(why, "4 bytes, want 5-16", "range reason");
	CHECK_INT(check(0x9F10, ""), DICT_ELEN, "empty IAD");
}

static void
formats(void)
{
	/* n */
	CHECK_INT(check(0x9F02, "000000001000"), DICT_OK, "n amount");
	CHECK_INT(check(0x9F02, "0000000010A0"), DICT_EFORMAT, "n with A");
	CHECK_STR(why, "byte 6 is not BCD", "n reason names the byte");
	/* cn */
	CHECK_INT(check(0x5A, "4761739001010119"), DICT_OK, "cn PAN");
	CHECK_INT(check(0x5A, "476173900101011FFF"), DICT_OK, "cn F-padded");
	CHECK_INT(check(0x5A, "4761739001F10119"), DICT_EFORMAT,
	    "cn digit after F");
	CHECK_INT(check(0x5A, "FFFF"), DICT_EFORMAT, "cn only padding");
	CHECK_INT(check(0x5A, "47617390010101191234"), DICT_EFORMAT,
	    "PAN of 20 digits");
	/* a */
	CHECK_INT(check(0x5F55, "4652"), DICT_OK, "a FR");
	CHECK_INT(check(0x5F55, "4631"), DICT_EFORMAT, "a with a digit");
	/* an */
	CHECK_INT(check(0x8A, "3030"), DICT_OK, "an 00");
	CHECK_INT(check(0x8A, "3020"), DICT_EFORMAT, "an with a space");
	CHECK_INT(check(0x5F2D, "656E6672"), DICT_OK, "language enfr");
	CHECK_INT(check(0x5F2D, "656E66"), DICT_EFORMAT, "odd language");
	/* ans */
	CHECK_INT(check(0x5F20, "534D4954482F4A4F484E"), DICT_OK,
	    "ans SMITH/JOHN");
	CHECK_INT(check(0x5F20, "534D49541F"), DICT_EFORMAT, "ans with 1F");
	CHECK_INT(check(0x50, "5649534120435245444954"), DICT_OK,
	    "label with a space");
	CHECK_INT(check(0x50, "564953412F43"), DICT_EFORMAT,
	    "label with a slash (special characters limited to space)");
	CHECK_INT(check(0x9F12, "43415254C9"), DICT_OK,
	    "preferred name may use ISO 8859 upper half");
	CHECK_INT(check(0x5F20, "43415254C9"), DICT_EFORMAT,
	    "cardholder name may not");
	/* b */
	CHECK_INT(check(0x9F26, "00FF00FF00FF00FF"), DICT_OK, "b anything");
}

static void
structures(void)
{
	CHECK_INT(check(0x5F24, "240229"), DICT_OK, "leap day 2024");
	CHECK_INT(check(0x5F24, "250229"), DICT_EFORMAT, "no 29 Feb 2025");
	CHECK_INT(check(0x5F24, "271301"), DICT_EFORMAT, "month 13");
	CHECK_STR(why, "month 13", "month reason");
	CHECK_INT(check(0x9F21, "235959"), DICT_OK, "time");
	CHECK_INT(check(0x9F21, "246000"), DICT_EFORMAT, "hour 24");
	CHECK_INT(check(0x94, "0801010010010300"), DICT_OK, "AFL");
	CHECK_INT(check(0x94, "080101001001030000"), DICT_EFORMAT,
	    "AFL of 9 bytes");
	CHECK_STR(why, "9 bytes, not a multiple of 4", "AFL length reason");
	CHECK_INT(check(0x94, "00010100"), DICT_EFORMAT, "AFL SFI 0");
	CHECK_INT(check(0x94, "F8010100"), DICT_EFORMAT, "AFL SFI 31");
	CHECK_INT(check(0x94, "09010100"), DICT_EFORMAT, "AFL low bits set");
	CHECK_INT(check(0x94, "08000100"), DICT_EFORMAT, "AFL record 0");
	CHECK_INT(check(0x94, "08020100"), DICT_EFORMAT, "AFL last < first");
	CHECK_INT(check(0x94, "08010203"), DICT_EFORMAT, "AFL ODA count");
	CHECK_INT(check(0x8C, "9F02069F03069F1A0295055F2A029A039C019F3704"),
	    DICT_OK, "CDOL1");
	CHECK_INT(check(0x8C, "9F0206DF"), DICT_EFORMAT, "DOL cut short");
	CHECK_INT(check(0x9F4A, "82"), DICT_OK, "SDA tag list 82");
	CHECK_INT(check(0x9F4A, "9F"), DICT_EFORMAT, "SDA tag list cut");
	CHECK_INT(check(0x8E, "000000000000000042031E031F03"), DICT_OK,
	    "CVM list");
	CHECK_INT(check(0x8E, "000000000000000042031E031F"), DICT_EFORMAT,
	    "CVM list with half a rule");
	CHECK_INT(check(0x57, "4761739001010119D27122011234567890123F"),
	    DICT_OK, "track 2");
	CHECK_INT(check(0x57, "4761739001010119D2712201"), DICT_OK,
	    "track 2, no discretionary data");
	CHECK_INT(check(0x57, "4761739001010119"), DICT_EFORMAT,
	    "track 2 without separator");
	CHECK_INT(check(0x57, "4761739001010119D271220F"), DICT_EFORMAT,
	    "track 2 without a whole service code");
	CHECK_INT(check(0x57, "47617390010F0119D2712201"), DICT_EFORMAT,
	    "track 2 with F inside");
	CHECK_INT(check(0xBF0C, "9F4D020B0A"), DICT_OK, "BF0C with log entry");
	CHECK_INT(check(0xBF0C, "9F4D030B0A01"), DICT_ELEN,
	    "BF0C with a bad inner length");
	CHECK_STR(why, "9F4D: 3 bytes, want 2", "inner reason names the tag");
	CHECK_INT(check(0xBF0C, "9F4D050B0A"), DICT_ETLV, "BF0C not TLV");
	CHECK_INT(check(0x70, "A5049F4D0101"), DICT_ELEN,
	    "nested fault two levels down");
	CHECK_STR(why, "A5: 9F4D: 1 byte, want 2", "nested path");
}

static void
check_tlv(void)
{
	uint8_t b[32];
	uint32_t at = 1;
	long n;

	n = hex_decode("E1079F1A0202509F35", 18, b);
	CHECK_INT(dict_check_tlv(b, (size_t)n, &at, why, sizeof why),
	    DICT_ETLV, "unknown template, truncated");
	CHECK_INT(at, 0, "TLV fault: no tag");
	n = hex_decode("E1069F1A0202509F3501AA", 22, b);
	CHECK_INT(dict_check_tlv(b, (size_t)n, &at, why, sizeof why),
	    DICT_ETLV, "template length short of its content");
	n = hex_decode("E1099F1A0202509F3501AA", 22, b);
	CHECK_INT(dict_check_tlv(b, (size_t)n, &at, why, sizeof why),
	    DICT_EFORMAT, "unknown template, bad known inner value");
	CHECK_INT(at, 0xE1, "fault under E1");
	CHECK_STR(why, "E1: 9F35: byte 1 is not BCD", "path through E1");
	n = hex_decode("DF0103010203", 12, b);
	CHECK_INT(dict_check_tlv(b, (size_t)n, NULL, why, sizeof why),
	    DICT_OK, "unknown primitive passes");
	CHECK_STR(dict_errcode(DICT_ELEN), "bad-length", "err code length");
	CHECK_STR(dict_errcode(DICT_EFORMAT), "bad-format", "err code format");
	CHECK_STR(dict_errcode(DICT_ETLV), "bad-tlv", "err code tlv");
}

/* The flags of a value, joined with "|". */
static const char *
flags(const struct field_table *t, const char *hex)
{
	static char out[1024];
	const struct field_flag *f;
	uint8_t b[8];
	size_t pos = 0, n;

	n = (size_t)hex_decode(hex, strlen(hex), b);
	out[0] = '\0';
	while ((f = fields_next(t, b, n, &pos)) != NULL) {
		if (out[0])
			strlcat(out, "|", sizeof out);
		strlcat(out, f->name, sizeof out);
	}
	return out;
}

static void
bit_tables(void)
{
	const char *o, *e;

	CHECK_STR(flags(&fields_aip, "5800"), "SDA supported|cardholder "
	    "verification supported|terminal risk management to be "
	    "performed", "AIP 5800");
	CHECK_STR(flags(&fields_aip, "0100"), "CDA supported", "AIP CDA");
	CHECK_STR(flags(&fields_tvr, "8000048000"), "offline data "
	    "authentication not performed|online CVM captured|transaction "
	    "exceeds floor limit", "TVR 8000048000");
	CHECK_STR(flags(&fields_tvr, "0000000000"), "", "TVR zero");
	CHECK_STR(flags(&fields_tvr, "0000000040"), "issuer authentication "
	    "failed", "TVR byte 5 bit 7");
	CHECK_STR(flags(&fields_tsi, "E800"), "offline data authentication "
	    "was performed|cardholder verification was performed|card risk "
	    "management was performed|terminal risk management was "
	    "performed", "TSI E800");
	CHECK_STR(flags(&fields_auc, "FF00"), "valid for domestic cash "
	    "transactions|valid for international cash transactions|valid "
	    "for domestic goods|valid for international goods|valid for "
	    "domestic services|valid for international services|valid at "
	    "ATMs|valid at terminals other than ATMs", "AUC FF00");
	CHECK_STR(flags(&fields_cid, "80"), "ARQC", "CID ARQC");
	CHECK_STR(flags(&fields_cid, "00"), "AAC", "CID 00 is AAC");
	CHECK_STR(flags(&fields_cid, "49"), "TC|advice required|reason: "
	    "service not allowed", "CID TC, advice, reason 1");
	CHECK_STR(flags(&fields_tcap, "E0F8C8"), "manual key entry|magnetic "
	    "stripe|IC with contacts|plaintext PIN for ICC verification|"
	    "enciphered PIN for online verification|signature (paper)|"
	    "enciphered PIN for offline verification|no CVM required|SDA|DDA|"
	    "CDA", "terminal capabilities E0F8C8");
	CHECK_STR(flags(&fields_atcap, "6000F0A001"), "goods|services|"
	    "numeric keys|alphabetic and special characters keys|command "
	    "keys|function keys|print, attendant|display, attendant|code "
	    "table 1", "additional terminal capabilities");
	CHECK_INT(fields_tvr.len, 5, "TVR length");
	CHECK(dict_lookup(0x9F0E)->bits == &fields_tvr,
	    "IAC-Denial shares the TVR layout");
	CHECK_STR(fields_cvm_name(0x42), "enciphered PIN verified online",
	    "CVM 42: b7 is not part of the code");
	CHECK_STR(fields_cvm_name(0x1E), "signature (paper)", "CVM 1E");
	CHECK_STR(fields_cvm_name(0x5F), "no CVM required", "CVM 5F");
	CHECK_STR(fields_cvm_name(0x3F), "no CVM (value not available for "
	    "use)", "CVM 3F");
	CHECK_STR(fields_cvm_cond(0x03), "if terminal supports the CVM",
	    "condition 03");
	CHECK_STR(fields_cvm_cond(0x09), "if transaction is in the "
	    "application currency and over Y", "condition 09");
	CHECK_STR(fields_cvm_cond(0x0A), "RFU condition", "condition 0A");
	CHECK_STR(fields_cvm_cond(0x80), "proprietary condition",
	    "condition 80");
	CHECK_STR(fields_cvm_result(0x02), "successful", "CVM result 02");
	CHECK_INT(fields_term_type(0x22, &o, &e), 0, "terminal type 22");
	CHECK_STR(o, "merchant", "22 operated by merchant");
	CHECK_STR(e, "attended, offline with online capability",
	    "22 environment");
	CHECK_INT(fields_term_type(0x14, &o, &e), 0, "terminal type 14");
	CHECK_STR(e, "unattended, online only", "14 is an ATM-like type");
	CHECK_INT(fields_term_type(0x27, &o, &e), -1, "terminal type 27");
	CHECK_INT(fields_term_type(0x41, &o, &e), -1, "terminal type 41");
}

static void
dgis(void)
{
	char buf[80];

	CHECK_STR(dict_dgi_name(0x0102, buf, sizeof buf), "record 2 of SFI 1",
	    "record DGI");
	CHECK_STR(dict_dgi_name(0x8000, buf, sizeof buf), "card keys MK-AC, "
	    "MK-SMI, MK-SMC", "DGI 8000");
	CHECK_STR(dict_dgi_name(0x8ABC, buf, sizeof buf), "secret data",
	    "unnamed secret DGI");
	CHECK(dict_dgi_name(0x7FFF, buf, sizeof buf) == NULL, "DGI 7FFF");
	CHECK(dict_dgi_name(0x0100, buf, sizeof buf) == NULL,
	    "record 0 is no record");
	CHECK_INT(dict_dgi_secret(0x8000), 1, "8000 secret");
	CHECK_INT(dict_dgi_secret(0x8FFF), 1, "8FFF secret");
	CHECK_INT(dict_dgi_secret(0x9000), 0, "9000 (KCVs) not secret");
	CHECK_INT(dict_dgi_secret(0x7FFF), 0, "7FFF not secret");
}

int
main(void)
{
	lookup();
	table();
	lengths();
	formats();
	structures();
	check_tlv();
	bit_tables();
	dgis();
	return unit_done();
}
