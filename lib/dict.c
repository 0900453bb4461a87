/* dict.c: the EMV data dictionary (dict.h).  Names, formats, lengths and
 * sources follow EMV 4.4 Book 3 Annex A (Table 33) unless marked
 * DICT_SCHEME; those come from the public Visa VIS / PBOC and Mastercard
 * material cited in emv-facts and are lenient where the schemes differ. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "dict.h"
#include "tlv.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define C DICT_ICC
#define T DICT_TERMINAL
#define I DICT_ISSUER

#define E(tag, name, fmt, lo, hi, src, fl, show) \
	{ tag, name, DICT_##fmt, lo, hi, src, fl, SHOW_##show, NULL }
#define BITS(tag, name, len, src, table) \
	{ tag, name, DICT_B, len, len, src, 0, SHOW_BITS, &table }

/* Sorted by tag: dict_lookup searches it by bisection. */
static const struct dict_entry dict[] = {
	E(0x42, "Issuer Identification Number (IIN)", N, 3, 3, C, 0, NUM),
	E(0x4F, "Application Identifier (AID) - card", B, 5, 16, C, 0, DFNAME),
	E(0x50, "Application Label", ANS, 1, 16, C, DICT_SPACE, TEXT),
	E(0x56, "Track 1 Data", ANS, 1, 76, C, DICT_SCHEME | DICT_SENSITIVE,
	    TRACK1),
	E(0x57, "Track 2 Equivalent Data", B, 1, 19, C, DICT_SENSITIVE, TRACK2),
	E(0x5A, "Application Primary Account Number (PAN)", CN, 1, 10, C,
	    DICT_SENSITIVE, PAN),
	E(0x61, "Application Template", VAR, 1, 252, C, 0, TEMPLATE),
	E(0x6F, "File Control Information (FCI) Template", VAR, 1, 252, C, 0,
	    TEMPLATE),
	E(0x70, "READ RECORD Response Message Template", VAR, 1, 254, C, 0,
	    TEMPLATE),
	E(0x71, "Issuer Script Template 1", VAR, 1, 0xFFFF, I, 0, TEMPLATE),
	E(0x72, "Issuer Script Template 2", VAR, 1, 0xFFFF, I, 0, TEMPLATE),
	E(0x73, "Directory Discretionary Template", VAR, 1, 252, C, 0,
	    TEMPLATE),
	E(0x77, "Response Message Template Format 2", VAR, 1, 253, C, 0,
	    TEMPLATE),
	E(0x80, "Response Message Template Format 1", VAR, 1, 253, C, 0, HEX),
	E(0x81, "Amount, Authorised (Binary)", B, 4, 4, T, 0, AMOUNT_BIN),
	BITS(0x82, "Application Interchange Profile (AIP)", 2, C, fields_aip),
	E(0x83, "Command Template", B, 1, 252, T, 0, HEX),
	E(0x84, "Dedicated File (DF) Name", B, 5, 16, C, 0, DFNAME),
	E(0x86, "Issuer Script Command", B, 1, 261, I, 0, HEX),
	E(0x87, "Application Priority Indicator", B, 1, 1, C, 0, PRIORITY),
	E(0x88, "Short File Identifier (SFI)", B, 1, 1, C, 0, INT),
	E(0x89, "Authorisation Code", ANS, 6, 6, I, 0, TEXT),
	E(0x8A, "Authorisation Response Code", AN, 2, 2, I | T, 0, TEXT),
	E(0x8C, "Card Risk Management Data Object List 1 (CDOL1)", B, 1, 252,
	    C, 0, DOL),
	E(0x8D, "Card Risk Management Data Object List 2 (CDOL2)", B, 1, 252,
	    C, 0, DOL),
	E(0x8E, "Cardholder Verification Method (CVM) List", B, 10, 252, C, 0,
	    CVMLIST),
	E(0x8F, "Certification Authority Public Key Index", B, 1, 1, C, 0, HEX),
	E(0x90, "Issuer Public Key Certificate", B, 1, 248, C, 0, HEX),
	E(0x91, "Issuer Authentication Data", B, 8, 16, I, 0, HEX),
	E(0x92, "Issuer Public Key Remainder", B, 1, 248, C, 0, HEX),
	E(0x93, "Signed Static Application Data", B, 1, 248, C, 0, HEX),
	E(0x94, "Application File Locator (AFL)", VAR, 4, 252, C, 0, AFL),
	BITS(0x95, "Terminal Verification Results (TVR)", 5, T, fields_tvr),
	E(0x97, "Transaction Certificate Data Object List (TDOL)", B, 1, 252,
	    C, 0, DOL),
	E(0x98, "Transaction Certificate (TC) Hash Value", B, 20, 20, T, 0,
	    HEX),
	E(0x99, "Transaction Personal Identification Number (PIN) Data", B, 1,
	    255, T, DICT_SECRET, HEX),
	E(0x9A, "Transaction Date", N, 3, 3, T, 0, DATE),
	BITS(0x9B, "Transaction Status Information (TSI)", 2, T, fields_tsi),
	E(0x9C, "Transaction Type", N, 1, 1, T, 0, NUM),
	E(0x9D, "Directory Definition File (DDF) Name", B, 5, 16, C, 0,
	    DFNAME),
	E(0xA5, "File Control Information (FCI) Proprietary Template", VAR, 1,
	    252, C, 0, TEMPLATE),
	E(0x5F20, "Cardholder Name", ANS, 2, 26, C, 0, TEXT),
	E(0x5F24, "Application Expiration Date", N, 3, 3, C, 0, DATE),
	E(0x5F25, "Application Effective Date", N, 3, 3, C, 0, DATE),
	E(0x5F28, "Issuer Country Code", N, 2, 2, C, 0, COUNTRY),
	E(0x5F2A, "Transaction Currency Code", N, 2, 2, T, 0, CURRENCY),
	E(0x5F2D, "Language Preference", AN, 2, 8, C, 0, LANG),
	E(0x5F30, "Service Code", N, 2, 2, C, 0, NUM),
	E(0x5F34, "Application PAN Sequence Number", N, 1, 1, C, 0, NUM),
	E(0x5F36, "Transaction Currency Exponent", N, 1, 1, T, 0, NUM),
	E(0x5F50, "Issuer URL", ANS, 1, 252, C, 0, TEXT),
	E(0x5F53, "International Bank Account Number (IBAN)", VAR, 1, 34, C,
	    0, TEXT),
	E(0x5F54, "Bank Identifier Code (BIC)", VAR, 8, 11, C, 0, TEXT),
	E(0x5F55, "Issuer Country Code (alpha2 format)", A, 2, 2, C, 0, TEXT),
	E(0x5F56, "Issuer Country Code (alpha3 format)", A, 3, 3, C, 0, TEXT),
	E(0x5F57, "Account Type", N, 1, 1, T, 0, NUM),
	E(0x9F01, "Acquirer Identifier", N, 6, 6, T, 0, NUM),
	E(0x9F02, "Amount, Authorised (Numeric)", N, 6, 6, T, 0, AMOUNT),
	E(0x9F03, "Amount, Other (Numeric)", N, 6, 6, T, 0, AMOUNT),
	E(0x9F04, "Amount, Other (Binary)", B, 4, 4, T, 0, AMOUNT_BIN),
	E(0x9F05, "Application Discretionary Data", B, 1, 32, C, 0, HEX),
	E(0x9F06, "Application Identifier (AID) - terminal", B, 5, 16, T, 0,
	    DFNAME),
	BITS(0x9F07, "Application Usage Control", 2, C, fields_auc),
	E(0x9F08, "Application Version Number", B, 2, 2, C, 0, HEX),
	E(0x9F09, "Application Version Number (terminal)", B, 2, 2, T, 0, HEX),
	E(0x9F0A, "Application Selection Registered Proprietary Data (ASRPD)",
	    B, 1, 252, C, 0, HEX),
	E(0x9F0B, "Cardholder Name Extended", ANS, 27, 45, C, 0, TEXT),
	E(0x9F0C, "Issuer Identification Number Extended (IINE)", N, 3, 4, C,
	    0, NUM),
	BITS(0x9F0D, "Issuer Action Code - Default", 5, C, fields_tvr),
	BITS(0x9F0E, "Issuer Action Code - Denial", 5, C, fields_tvr),
	BITS(0x9F0F, "Issuer Action Code - Online", 5, C, fields_tvr),
	E(0x9F10, "Issuer Application Data (IAD)", B, 1, 32, C, 0, HEX),
	E(0x9F11, "Issuer Code Table Index", N, 1, 1, C, 0, NUM),
	E(0x9F12, "Application Preferred Name", ANS, 1, 16, C, DICT_8859,
	    TEXT),
	E(0x9F13, "Last Online ATC Register", B, 2, 2, C, 0, INT),
	E(0x9F14, "Lower Consecutive Offline Limit", B, 1, 1, C, 0, INT),
	E(0x9F15, "Merchant Category Code", N, 2, 2, T, 0, NUM),
	E(0x9F16, "Merchant Identifier", ANS, 15, 15, T, 0, TEXT),
	E(0x9F17, "PIN Try Counter", B, 1, 1, C, 0, INT),
	E(0x9F18, "Issuer Script Identifier", B, 4, 4, I, 0, HEX),
	E(0x9F19, "Token Requestor ID", N, 6, 6, C, 0, NUM),
	E(0x9F1A, "Terminal Country Code", N, 2, 2, T, 0, COUNTRY),
	E(0x9F1B, "Terminal Floor Limit", B, 4, 4, T, 0, AMOUNT_BIN),
	E(0x9F1C, "Terminal Identification", AN, 8, 8, T, 0, TEXT),
	E(0x9F1D, "Terminal Risk Management Data", B, 1, 8, T, 0, HEX),
	E(0x9F1E, "Interface Device (IFD) Serial Number", AN, 8, 8, T, 0,
	    TEXT),
	E(0x9F1F, "Track 1 Discretionary Data", ANS, 1, 252, C,
	    DICT_SENSITIVE, TEXT),
	E(0x9F20, "Track 2 Discretionary Data", CN, 1, 252, C, DICT_SENSITIVE,
	    NUM),
	E(0x9F21, "Transaction Time", N, 3, 3, T, 0, TIME),
	E(0x9F22, "Certification Authority Public Key Index (terminal)", B, 1,
	    1, T, 0, HEX),
	E(0x9F23, "Upper Consecutive Offline Limit", B, 1, 1, C, 0, INT),
	E(0x9F24, "Payment Account Reference (PAR)", AN, 29, 29, C, 0, TEXT),
	E(0x9F25, "Last 4 Digits of PAN", N, 2, 2, C, 0, NUM),
	E(0x9F26, "Application Cryptogram", B, 8, 8, C, 0, HEX),
	BITS(0x9F27, "Cryptogram Information Data", 1, C, fields_cid),
	E(0x9F2D, "ICC PIN Encipherment Public Key Certificate", B, 1, 248, C,
	    0, HEX),
	E(0x9F2E, "ICC PIN Encipherment Public Key Exponent", B, 1, 3, C, 0,
	    HEX),
	E(0x9F2F, "ICC PIN Encipherment Public Key Remainder", B, 1, 248, C,
	    0, HEX),
	E(0x9F32, "Issuer Public Key Exponent", B, 1, 3, C, 0, HEX),
	BITS(0x9F33, "Terminal Capabilities", 3, T, fields_tcap),
	E(0x9F34, "Cardholder Verification Method (CVM) Results", B, 3, 3, T,
	    0, CVMRES),
	E(0x9F35, "Terminal Type", N, 1, 1, T, 0, TERMTYPE),
	E(0x9F36, "Application Transaction Counter (ATC)", B, 2, 2, C, 0, INT),
	E(0x9F37, "Unpredictable Number", B, 4, 4, T, 0, HEX),
	E(0x9F38, "Processing Options Data Object List (PDOL)", B, 1, 252, C,
	    0, DOL),
	E(0x9F39, "Point-of-Service (POS) Entry Mode", N, 1, 1, T, 0, NUM),
	E(0x9F3A, "Amount, Reference Currency", B, 4, 4, T, 0, INT),
	E(0x9F3B, "Application Reference Currency", N, 2, 8, C, 0, CURRENCY),
	E(0x9F3C, "Transaction Reference Currency Code", N, 2, 2, T, 0,
	    CURRENCY),
	E(0x9F3D, "Transaction Reference Currency Exponent", N, 1, 1, T, 0,
	    NUM),
	BITS(0x9F40, "Additional Terminal Capabilities", 5, T, fields_atcap),
	E(0x9F41, "Transaction Sequence Counter", N, 2, 4, T, 0, NUM),
	E(0x9F42, "Application Currency Code", N, 2, 2, C, 0, CURRENCY),
	E(0x9F43, "Application Reference Currency Exponent", N, 1, 4, C, 0,
	    NUM),
	E(0x9F44, "Application Currency Exponent", N, 1, 1, C, 0, NUM),
	E(0x9F45, "Data Authentication Code", B, 2, 2, C, 0, HEX),
	E(0x9F46, "ICC Public Key Certificate", B, 1, 248, C, 0, HEX),
	E(0x9F47, "ICC Public Key Exponent", B, 1, 3, C, 0, HEX),
	E(0x9F48, "ICC Public Key Remainder", B, 1, 248, C, 0, HEX),
	E(0x9F49, "Dynamic Data Authentication Data Object List (DDOL)", B, 1,
	    252, C, 0, DOL),
	E(0x9F4A, "Static Data Authentication Tag List", VAR, 1, 252, C, 0,
	    TAGLIST),
	E(0x9F4B, "Signed Dynamic Application Data", B, 1, 248, C, 0, HEX),
	E(0x9F4C, "ICC Dynamic Number", B, 2, 8, C, 0, HEX),
	E(0x9F4D, "Log Entry", B, 2, 2, C, 0, LOGENTRY),
	E(0x9F4E, "Merchant Name and Location", ANS, 1, 252, T, 0, TEXT),
	E(0x9F4F, "Log Format", B, 1, 252, C, 0, DOL),
	E(0x9F51, "Application Currency Code (Visa, PBOC)", N, 2, 2, C,
	    DICT_SCHEME, CURRENCY),
	E(0x9F52, "Application Default Action (Visa, PBOC)", B, 2, 4, C,
	    DICT_SCHEME, HEX),
	E(0x9F53, "Consecutive Transaction Limit, International (Visa) / "
	    "Transaction Category Code (Mastercard)", B, 1, 1, C, DICT_SCHEME,
	    HEX),
	E(0x9F54, "Cumulative Total Transaction Amount Limit (Visa, PBOC)", B,
	    6, 160, C, DICT_SCHEME, AMOUNT_APP),
	E(0x9F56, "Issuer Authentication Indicator (Visa, PBOC)", B, 1, 1, C,
	    DICT_SCHEME, HEX),
	E(0x9F57, "Issuer Country Code (Visa, PBOC)", N, 2, 2, C, DICT_SCHEME,
	    COUNTRY),
	E(0x9F58, "Lower Consecutive Offline Limit, card check (Visa, PBOC)",
	    B, 1, 1, C, DICT_SCHEME, INT),
	E(0x9F59, "Upper Consecutive Offline Limit, card check (Visa, PBOC)",
	    B, 1, 1, C, DICT_SCHEME, INT),
	E(0x9F5C, "Cumulative Total Transaction Amount Upper Limit (Visa, "
	    "PBOC)", B, 6, 8, C, DICT_SCHEME, AMOUNT_APP),
	E(0x9F5D, "Available Offline Spending Amount (Visa) / Application "
	    "Capabilities Information (Mastercard)", B, 3, 6, C, DICT_SCHEME,
	    AMOUNT_APP),
	E(0x9F6B, "Track 2 Data (Mastercard)", B, 1, 19, C,
	    DICT_SCHEME | DICT_SENSITIVE, TRACK2),
	E(0x9F6C, "Card Transaction Qualifiers (Visa) / Mag-stripe "
	    "Application Version Number (Mastercard)", B, 2, 2, C, DICT_SCHEME,
	    HEX),
	E(0x9F6E, "Form Factor Indicator (Visa) / Third Party Data "
	    "(Mastercard)", B, 4, 32, C, DICT_SCHEME, HEX),
	E(0x9F74, "VLP Issuer Authorisation Code (Visa, PBOC)", ANS, 6, 6, C,
	    DICT_SCHEME, TEXT),
	E(0x9F77, "VLP Funds Limit (Visa, PBOC)", N, 6, 6, C, DICT_SCHEME,
	    AMOUNT_APP),
	E(0x9F78, "VLP Single Transaction Limit (Visa, PBOC)", N, 6, 6, C,
	    DICT_SCHEME, AMOUNT_APP),
	E(0x9F79, "VLP Available Funds (Visa, PBOC)", N, 6, 6, C, DICT_SCHEME,
	    AMOUNT_APP),
	E(0x9F7C, "Customer Exclusive Data (Visa) / Merchant Custom Data "
	    "(Mastercard)", B, 1, 32, C | T, DICT_SCHEME, HEX),
	E(0x9F7F, "Card Production Life Cycle (CPLC) Data", B, 42, 42, C,
	    DICT_SCHEME, CPLC),
	E(0xBF0C, "File Control Information (FCI) Issuer Discretionary Data",
	    VAR, 1, 222, C, 0, TEMPLATE),
};

#undef C
#undef T
#undef I

const struct dict_entry *
dict_lookup(uint32_t tag)
{
	size_t lo = 0, hi = NELEM(dict), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (dict[mid].tag == tag)
			return &dict[mid];
		if (dict[mid].tag < tag)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
dict_name(uint32_t tag)
{
	const struct dict_entry *e = dict_lookup(tag);

	return e ? e->name : "unknown tag";
}

const struct dict_entry *
dict_entries(size_t *n)
{
	*n = NELEM(dict);
	return dict;
}

const char *
dict_format_name(enum dict_format f)
{
	static const char *const name[] = { "a", "an", "ans", "b", "cn", "n",
	    "var" };

	return (size_t)f < NELEM(name) ? name[f] : "?";
}

const char *
dict_errcode(int err)
{
	switch (err) {
	case DICT_ELEN:
		return "bad-length";
	case DICT_EFORMAT:
		return "bad-format";
	case DICT_ETLV:
		return "bad-tlv";
	}
	return "internal";
}

static int
fail(int rc, char *why, size_t whysz, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(int rc, char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whysz > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whysz, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static int
is_alpha(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
is_alnum(uint8_t c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* Book 3, 4.3: the character sets of a, an and ans, byte by byte. */
static int
check_chars(const struct dict_entry *e, const uint8_t *v, size_t n,
    char *why, size_t whysz)
{
	const char *want = NULL;
	size_t i;

	for (i = 0; i < n && want == NULL; i++) {
		switch (e->format) {
		case DICT_A:
			if (!is_alpha(v[i]))
				want = "a letter";
			break;
		case DICT_AN:
			if (!is_alnum(v[i]))
				want = "a letter or digit";
			break;
		case DICT_ANS:
			if (e->flags & DICT_SPACE) {
				if (!is_alnum(v[i]) && v[i] != ' ')
					want = "a letter, digit or space";
			} else if ((v[i] < 0x20 || v[i] > 0x7E) &&
			    !((e->flags & DICT_8859) && v[i] >= 0xA0))
				want = "a printable character";
			break;
		default:
			return DICT_OK;
		}
	}
	if (want == NULL)
		return DICT_OK;
	return fail(DICT_EFORMAT, why, whysz, "byte %zu is not %s", i, want);
}

/* n: every nibble a decimal digit.  cn: digits, then only F to the end,
 * and at least one digit. */
static int
check_bcd(const struct dict_entry *e, const uint8_t *v, size_t n,
    char *why, size_t whysz)
{
	size_t i;
	int nib, pad = 0, digits = 0;

	for (i = 0; i < 2 * n; i++) {
		nib = i % 2 ? v[i / 2] & 0x0F : v[i / 2] >> 4;
		if (e->format == DICT_CN && nib == 0xF)
			pad = 1;
		else if (nib > 9 || pad)
			return fail(DICT_EFORMAT, why, whysz, "byte %zu is not "
			    "%s", i / 2 + 1, e->format == DICT_CN ?
			    "BCD digits padded with F on the right" : "BCD");
		else
			digits++;
	}
	if (e->format == DICT_CN && digits == 0)
		return fail(DICT_EFORMAT, why, whysz, "no digits, only F "
		    "padding");
	if (e->show == SHOW_PAN && digits > 19)
		return fail(DICT_EFORMAT, why, whysz, "PAN of %d digits, want "
		    "at most 19", digits);
	return DICT_OK;
}

static int
bcd2(uint8_t b)
{
	return (b >> 4) * 10 + (b & 0x0F);
}

/* Track 2 (Book 3, Annex A, tag 57): PAN, separator D, YYMM, service
 * code, discretionary digits, one F to fill the last byte. */
static int
check_track2(const uint8_t *v, size_t n, char *why, size_t whysz)
{
	size_t i, pan = 0, after = 0;
	int nib, sep = 0;

	for (i = 0; i < 2 * n; i++) {
		nib = i % 2 ? v[i / 2] & 0x0F : v[i / 2] >> 4;
		if (nib == 0xD && !sep)
			sep = 1;
		else if (nib == 0xF && i == 2 * n - 1 && sep)
			break;
		else if (nib > 9)
			return fail(DICT_EFORMAT, why, whysz, "track 2: byte "
			    "%zu is not a digit, separator or final F",
			    i / 2 + 1);
		else if (sep)
			after++;
		else
			pan++;
	}
	if (!sep)
		return fail(DICT_EFORMAT, why, whysz, "track 2: no separator "
		    "D");
	if (pan < 1 || pan > 19)
		return fail(DICT_EFORMAT, why, whysz, "track 2: PAN of %zu "
		    "digits", pan);
	if (after < 7)
		return fail(DICT_EFORMAT, why, whysz, "track 2: %zu digits "
		    "after the separator, want expiry and service code (7)",
		    after);
	return DICT_OK;
}

/* Track 1 format B (ISO/IEC 7813): B PAN ^ NAME ^ YYMM SSS data. */
static int
check_track1(const uint8_t *v, size_t n, char *why, size_t whysz)
{
	const uint8_t *c1, *c2;

	if (n < 1 || v[0] != 'B')
		return fail(DICT_EFORMAT, why, whysz, "track 1: format code "
		    "is not B");
	if ((c1 = memchr(v, '^', n)) == NULL ||
	    (c2 = memchr(c1 + 1, '^', n - (size_t)(c1 + 1 - v))) == NULL)
		return fail(DICT_EFORMAT, why, whysz, "track 1: want two ^ "
		    "separators");
	if (c1 - v - 1 < 1 || c1 - v - 1 > 19)
		return fail(DICT_EFORMAT, why, whysz, "track 1: PAN of %td "
		    "characters", c1 - v - 1);
	if (n - (size_t)(c2 + 1 - v) < 7)
		return fail(DICT_EFORMAT, why, whysz, "track 1: no expiry "
		    "and service code after the name");
	return DICT_OK;
}

/* Book 3, 10.2: each AFL entry is SFI<<3, first and last record, and the
 * number of records for offline data authentication. */
static int
check_afl(const uint8_t *v, size_t n, char *why, size_t whysz)
{
	size_t i;
	unsigned sfi;

	if (n % 4)
		return fail(DICT_EFORMAT, why, whysz, "%zu bytes, not a "
		    "multiple of 4", n);
	for (i = 0; i < n; i += 4) {
		sfi = v[i] >> 3;
		if ((v[i] & 0x07) || sfi < 1 || sfi > 30)
			return fail(DICT_EFORMAT, why, whysz, "entry %zu: SFI "
			    "byte %02X is not SFI 1-30 shifted left by 3",
			    i / 4 + 1, v[i]);
		if (v[i + 1] < 1 || v[i + 2] < v[i + 1])
			return fail(DICT_EFORMAT, why, whysz, "entry %zu: "
			    "records %d-%d", i / 4 + 1, v[i + 1], v[i + 2]);
		if (v[i + 3] > v[i + 2] - v[i + 1] + 1)
			return fail(DICT_EFORMAT, why, whysz, "entry %zu: %d "
			    "records for ODA out of %d", i / 4 + 1, v[i + 3],
			    v[i + 2] - v[i + 1] + 1);
	}
	return DICT_OK;
}

/* One BER tag at v[*i] (Book 3, Annex B1); 0 or -1. */
static int
read_tag(const uint8_t *v, size_t n, size_t *i)
{
	size_t k = 1;

	if (*i >= n || v[*i] == 0x00 || v[*i] == 0xFF)
		return -1;
	if ((v[*i] & 0x1F) == 0x1F)
		do {
			if (k == 3 || *i + k >= n)
				return -1;
		} while (v[*i + k++] & 0x80);
	*i += k;
	return 0;
}

static int
check_dol(const uint8_t *v, size_t n, char *why, size_t whysz)
{
	const uint8_t *p = v, *end = v + n;
	struct dol_entry d;
	int rc;

	while ((rc = dol_next(&p, end, &d)) == 1)
		;
	if (rc < 0)
		return fail(DICT_EFORMAT, why, whysz, "data object list: %s "
		    "at byte %td", tlv_strerror(rc), p - v + 1);
	return DICT_OK;
}

static int
check_taglist(const uint8_t *v, size_t n, char *why, size_t whysz)
{
	size_t i = 0;

	while (i < n)
		if (read_tag(v, n, &i) < 0)
			return fail(DICT_EFORMAT, why, whysz, "tag list: bad "
			    "tag at byte %zu", i + 1);
	return DICT_OK;
}

static int
check_date(const uint8_t *v, char *why, size_t whysz)
{
	int yy = bcd2(v[0]), m = bcd2(v[1]), d = bcd2(v[2]);

	if (m < 1 || m > 12)
		return fail(DICT_EFORMAT, why, whysz, "month %02d", m);
	if (d < 1 || d > date_mdays(yy < 50 ? 2000 + yy : 1900 + yy, m))
		return fail(DICT_EFORMAT, why, whysz, "day %02d of month %02d",
		    d, m);
	return DICT_OK;
}

static int
check_time(const uint8_t *v, char *why, size_t whysz)
{
	if (bcd2(v[0]) > 23 || bcd2(v[1]) > 59 || bcd2(v[2]) > 59)
		return fail(DICT_EFORMAT, why, whysz, "not a time HHMMSS");
	return DICT_OK;
}

static int check_tlv(const uint8_t *, size_t, uint32_t *, char *, size_t);

int
dict_check(const struct dict_entry *e, const uint8_t *val, size_t len,
    char *why, size_t whysz)
{
	uint32_t at;
	int rc;

	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (len < e->minlen || len > e->maxlen) {
		if (e->minlen == e->maxlen)
			return fail(DICT_ELEN, why, whysz, "%zu byte%s, want "
			    "%u", len, len == 1 ? "" : "s", e->minlen);
		return fail(DICT_ELEN, why, whysz, "%zu byte%s, want %u-%u",
		    len, len == 1 ? "" : "s", e->minlen, e->maxlen);
	}
	if (e->format == DICT_N || e->format == DICT_CN)
		rc = check_bcd(e, val, len, why, whysz);
	else
		rc = check_chars(e, val, len, why, whysz);
	if (rc != DICT_OK)
		return rc;
	switch (e->show) {
	case SHOW_DATE:
		return check_date(val, why, whysz);
	case SHOW_TIME:
		return check_time(val, why, whysz);
	case SHOW_AFL:
		return check_afl(val, len, why, whysz);
	case SHOW_DOL:
		return check_dol(val, len, why, whysz);
	case SHOW_TAGLIST:
		return check_taglist(val, len, why, whysz);
	case SHOW_CVMLIST:
		if ((len - 8) % 2)
			return fail(DICT_EFORMAT, why, whysz, "CV rules of %zu "
			    "bytes, not a multiple of 2", len - 8);
		return DICT_OK;
	case SHOW_TRACK2:
		return check_track2(val, len, why, whysz);
	case SHOW_TRACK1:
		return check_track1(val, len, why, whysz);
	case SHOW_LANG:
	case SHOW_CURRENCY:
		if (len % 2)
			return fail(DICT_EFORMAT, why, whysz, "%zu bytes, not "
			    "a list of 2-byte codes", len);
		return DICT_OK;
	case SHOW_TEMPLATE:
		return check_tlv(val, len, &at, why, whysz);
	default:
		return DICT_OK;
	}
}

/* The objects of a constructed value, then each known one against the
 * dictionary; a fault inside is reported as "TAG: reason". */
static int
check_tlv(const uint8_t *buf, size_t n, uint32_t *at, char *why,
    size_t whysz)
{
	const uint8_t *p = buf, *end = buf + n;
	const struct dict_entry *e;
	struct tlv t;
	char sub[160];
	size_t off = 0;
	int rc;

	*at = 0;
	if ((rc = tlv_validate(buf, n, &off)) != 0)
		return fail(DICT_ETLV, why, whysz, "%s at byte %zu",
		    tlv_strerror(rc), off + 1);
	while (tlv_next(&p, end, &t) == 1) {
		if ((e = dict_lookup(t.tag)) != NULL)
			rc = dict_check(e, t.val, t.len, sub, sizeof sub);
		else if (t.constructed)
			rc = check_tlv(t.val, t.len, at, sub, sizeof sub);
		else
			continue;
		if (rc != DICT_OK) {
			*at = t.tag;
			return fail(rc, why, whysz, "%0*X: %s",
			    (int)(2 * t.taglen), (unsigned)t.tag, sub);
		}
	}
	return DICT_OK;
}

int
dict_check_tlv(const uint8_t *buf, size_t n, uint32_t *at, char *why,
    size_t whysz)
{
	uint32_t dummy;

	if (why != NULL && whysz > 0)
		why[0] = '\0';
	return check_tlv(buf, n, at ? at : &dummy, why, whysz);
}

int
dict_dgi_secret(uint16_t dgi)
{
	return dgi >= 0x8000 && dgi <= 0x8FFF;
}

const char *
dict_dgi_name(uint16_t dgi, char *buf, size_t bufsz)
{
	static const struct {
		uint16_t dgi;
		const char *name;
	} known[] = {
		{ 0x8000, "card keys MK-AC, MK-SMI, MK-SMC" },
		{ 0x8001, "contactless card keys" },
		{ 0x8010, "offline reference PIN block" },
		{ 0x8101, "ICC private key, exponent d" },
		{ 0x8103, "ICC private key, modulus n" },
		{ 0x8201, "ICC private key, CRT q^-1 mod p" },
		{ 0x8202, "ICC private key, CRT d mod (q-1)" },
		{ 0x8203, "ICC private key, CRT d mod (p-1)" },
		{ 0x8204, "ICC private key, CRT prime q" },
		{ 0x8205, "ICC private key, CRT prime p" },
		{ 0x9000, "key check values of DGI 8000" },
		{ 0x9010, "PIN try counter and PIN try limit" },
		{ 0x9102, "SELECT response data, contact" },
		{ 0x9103, "SELECT response data, contactless" },
		{ 0x9104, "GET PROCESSING OPTIONS response data (AIP, AFL)" },
		{ 0x9200, "issuer application data" },
	};
	size_t i;
	unsigned hi = dgi >> 8, lo = dgi & 0xFF;

	for (i = 0; i < NELEM(known); i++)
		if (known[i].dgi == dgi) {
			snprintf(buf, bufsz, "%s", known[i].name);
			return buf;
		}
	/* CPS: a first byte 01-1E is the SFI, the second the record. */
	if (hi >= 0x01 && hi <= 0x1E && lo >= 1) {
		snprintf(buf, bufsz, "record %u of SFI %u", lo, hi);
		return buf;
	}
	if (dict_dgi_secret(dgi)) {
		snprintf(buf, bufsz, "secret data");
		return buf;
	}
	return NULL;
}
