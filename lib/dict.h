/* dict.h: the EMV data dictionary: every data element of EMV 4.4 Book 3
 * Annex A, the common payment-system ones, their format, length and
 * source, how to show a value, and the checks of a value against them.
 * Tags that mean different things in different payment systems (9F6E,
 * 9F5D, ...) get the union of the lengths and a lenient format. */
#ifndef EMV_DICT_H
#define EMV_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "fields.h"

/* Data element formats (Book 3, 4.3). */
enum dict_format {
	DICT_A,		/* letters a-z, A-Z */
	DICT_AN,	/* letters and digits */
	DICT_ANS,	/* printable characters of the common set, 20-7E */
	DICT_B,		/* binary */
	DICT_CN,	/* BCD digits, right-padded with F */
	DICT_N,		/* BCD digits, right-justified, left-padded with 0 */
	DICT_VAR	/* structured or free: constructed, AFL, IBAN... */
};

/* Where the value comes from (Book 3, Annex A, column "Source"). */
#define DICT_ICC	0x01
#define DICT_TERMINAL	0x02
#define DICT_ISSUER	0x04

/* Flags. */
#define DICT_SPACE	0x01	/* ans limited to letters, digits, space */
#define DICT_8859	0x02	/* ans may also hold ISO 8859 A0-FF */
#define DICT_SENSITIVE	0x04	/* card data shown only with emv-show -u */
#define DICT_SECRET	0x08	/* never shown (PIN data) */
#define DICT_SCHEME	0x10	/* payment-system specific, not Book 3 */

/* How a value reads to a person. */
enum dict_show {
	SHOW_HEX,	/* plain hexadecimal */
	SHOW_TEXT,	/* characters */
	SHOW_NUM,	/* the BCD digits */
	SHOW_INT,	/* big-endian binary number */
	SHOW_DATE,	/* YYMMDD */
	SHOW_TIME,	/* HHMMSS */
	SHOW_AMOUNT,	/* n 12, in the transaction currency */
	SHOW_AMOUNT_BIN, /* b 4, in the transaction currency */
	SHOW_AMOUNT_APP, /* n 12, in the application currency */
	SHOW_CURRENCY,	/* one or more ISO 4217 numeric codes */
	SHOW_COUNTRY,	/* ISO 3166 numeric code */
	SHOW_BITS,	/* flags from a field_table */
	SHOW_CVMLIST,	/* 8E */
	SHOW_CVMRES,	/* 9F34 */
	SHOW_TERMTYPE,	/* 9F35 */
	SHOW_DOL,	/* tag and length list */
	SHOW_AFL,	/* 94 */
	SHOW_TAGLIST,	/* tags without lengths (9F4A) */
	SHOW_PAN,	/* 5A */
	SHOW_TRACK1,	/* 56 */
	SHOW_TRACK2,	/* 57, 9F6B */
	SHOW_LANG,	/* 5F2D */
	SHOW_DFNAME,	/* AID or DF name; text too when printable */
	SHOW_PRIORITY,	/* 87 */
	SHOW_LOGENTRY,	/* 9F4D */
	SHOW_CPLC,	/* 9F7F */
	SHOW_TEMPLATE	/* constructed: inner TLV as a tree */
};

struct dict_entry {
	uint32_t tag;
	const char *name;
	enum dict_format format;
	uint16_t minlen, maxlen;	/* bytes */
	uint8_t source;			/* DICT_ICC | ... */
	uint8_t flags;			/* DICT_SPACE | ... */
	enum dict_show show;
	const struct field_table *bits;	/* SHOW_BITS */
};

/* Results of the checks: 0 or a positive data error. */
enum {
	DICT_OK = 0,
	DICT_ELEN = 1,		/* length outside minlen-maxlen */
	DICT_EFORMAT = 2,	/* a byte or structure breaks the format */
	DICT_ETLV = 3		/* constructed value is not BER-TLV */
};

/* The entry for tag, or NULL if the dictionary does not know it. */
const struct dict_entry *dict_lookup(uint32_t tag);

/* Name of a tag for display: its dictionary name, or "unknown tag". */
const char *dict_name(uint32_t tag);

/* All entries, sorted by tag (for listings and tests). */
const struct dict_entry *dict_entries(size_t *n);

/* Check val[0..len) against e: length, then format (Book 3, 4.3), then
 * the structure of AFLs, DOLs, CVM lists, dates, tracks and constructed
 * values.  Returns DICT_OK or DICT_E*; on an error writes a reason without
 * any of the value's bytes into why (e.g. "4 bytes, want 3"). */
int dict_check(const struct dict_entry *e, const uint8_t *val, size_t len,
    char *why, size_t whysz);

/* Check the BER-TLV objects of buf[0..n) (a constructed value) and every
 * known data element inside against the dictionary, depth first.  On an
 * error *at (if not NULL) gets the top-level tag of buf at fault (0 for a
 * TLV error) and why a reason naming the path: "9F4D: 3 bytes, want 2". */
int dict_check_tlv(const uint8_t *buf, size_t n, uint32_t *at, char *why,
    size_t whysz);

/* The err code of a DICT_E* result: "bad-length", "bad-format",
 * "bad-tlv" (emv-show(1)). */
const char *dict_errcode(int err);

/* Name of a format: "an", "cn", ... */
const char *dict_format_name(enum dict_format f);

/* Usual content of a CPS data grouping (EMV CPS 1.1, and the common
 * practice in emv-facts section 1.4), written into buf: "record 2 of SFI
 * 1", "card keys MK-AC, MK-SMI, MK-SMC".  NULL if none is known. */
const char *dict_dgi_name(uint16_t dgi, char *buf, size_t bufsz);

/* 1 if the DGI holds secret data (8000-8FFF: always ciphertext). */
int dict_dgi_secret(uint16_t dgi);

#endif
