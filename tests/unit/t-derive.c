/* t-derive.c: ICC master key derivation (lib/derive.c), Options A and B
 * of EMV Book 2 A1.4, against public vectors (tests/vectors/README.md
 * gives each source). */
#include "derive.h"
#include "hex.h"
#include "sym.h"
#include "unit.h"

#define IMK "0123456789ABCDEFFEDCBA9876543210"

static uint8_t *
H(const char *hex, uint8_t *b)
{
	hex_decode(hex, strlen(hex), b);
	return b;
}

typedef int derive_fn(const uint8_t *, const char *, size_t, const char *,
    uint8_t *);

/* Derive with fn and compare the whole key. */
static void
full(derive_fn *fn, const char *imk, const char *pan, const char *psn,
    const char *want, const char *what)
{
	uint8_t k[16], mk[16], w[16];

	H(imk, k);
	memset(mk, 0, sizeof mk);
	CHECK(fn(k, pan, strlen(pan), psn, mk) == 0 &&
	    memcmp(mk, H(want, w), 16) == 0, what);
}

/* Derive with fn and compare the KCV's first bytes (some sources
 * publish only the check value, and only two bytes of it). */
static void
kcv_imk(derive_fn *fn, const char *imk, const char *pan, const char *psn,
    const char *want, const char *what)
{
	uint8_t k[16], mk[16], kc[3], w[3];

	H(imk, k);
	memset(kc, 0, sizeof kc);
	CHECK(fn(k, pan, strlen(pan), psn, mk) == 0 &&
	    sym_kcv(SYM_3DES2, mk, kc) == 0 &&
	    memcmp(kc, H(want, w), strlen(want) / 2) == 0, what);
}

static void
kcv(derive_fn *fn, const char *pan, const char *psn, const char *want,
    const char *what)
{
	kcv_imk(fn, IMK, pan, psn, want, what);
}

static void
option_a(void)
{
	uint8_t k[16], a[16], b[16];

	/* pyemv __init__.py and kd.py doctests (V1): 17-digit PANs through
	 * Option A, the rightmost 16 digits of PAN || PSN. */
	full(derive_option_a, IMK, "99012345678901234", "45",
	    "67F8292358083E5EA7AB7FDA58D53B6B", "A: 99012345678901234/45 (pyemv)");
	full(derive_option_a, IMK, "12345678901234567", "01",
	    "73AD54688CEF2934B0979857E3C719F1", "A: 12345678901234567/01 (pyemv)");
	kcv(derive_option_a, "12345678901234567", "45", "FF08",
	    "A: 12345678901234567/45, KCV FF08 (pyemv HSM test)");
	/* The Visa CVN 10 vector's three card keys (V8): pyemv asserts
	 * their check values; the full keys are vectors.md's. */
	kcv_imk(derive_option_a, "FEDCBA98765432100123456789ABCDEF",
	    "1234567890123456", "00", "F010", "A: MK-SMI of V8, KCV F010 (pyemv)");
	kcv_imk(derive_option_a, "89ABCDEF0123456776543210FEDCBA98",
	    "1234567890123456", "00", "B154", "A: MK-SMC of V8, KCV B154 (pyemv)");
	full(derive_option_a, IMK, "1234567890123456", "00",
	    "154F349D8585CB7F6B0798E9839B10C1", "A: MK-AC of V8");
	full(derive_option_a, "FEDCBA98765432100123456789ABCDEF",
	    "1234567890123456", "00", "94F867167C64EF3EEAB0CB627A7A3480",
	    "A: MK-SMI of V8");
	full(derive_option_a, "89ABCDEF0123456776543210FEDCBA98",
	    "1234567890123456", "00", "19296D4CD626859E8AADDF0B2AAB8FEA",
	    "A: MK-SMC of V8");
	/* jPOS ARQC vectors' IMK (V1, last row). */
	full(derive_option_a, "12345678123456781234567812345678",
	    "1234567890123456", "00", "DCE992BCE398C264F7858AFD4C4A324A",
	    "A: jPOS IMK, 1234567890123456/00");
	/* Fewer than 16 digits: zeros on the left, so two leading zeros on
	 * a 12-digit PAN change nothing. */
	H(IMK, k);
	CHECK(derive_option_a(k, "476173900101", 12, "01", a) == 0 &&
	    derive_option_a(k, "00476173900101", 14, "01", b) == 0 &&
	    memcmp(a, b, 16) == 0, "A: short PAN is zero-padded on the left");
	CHECK(derive_option_a(k, "4761739001010010", 16, "01", a) == 0 &&
	    derive_option_a(k, "004761739001010010", 18, "01", b) == 0 &&
	    memcmp(a, b, 16) == 0, "A: only the rightmost 16 digits count");
	CHECK(derive_option_a(k, "47617390010A", 12, "01", a) < 0,
	    "A: a non-digit in the PAN is refused");
	CHECK(derive_option_a(k, "476173900101", 12, "0F", a) < 0,
	    "A: a non-digit in the PSN is refused");
	CHECK(derive_option_a(k, "12345678901234567890", 20, "00", a) < 0,
	    "A: 20 digits refused");
}

static void
option_b(void)
{
	uint8_t k[16], a[16], b[16];

	/* pyemv kd.py and __init__.py doctests: full values. */
	full(derive_option_b, IMK, "12345678901234567", "01",
	    "AD406D7F6D7570916D75E5DCAB8CF737", "B: 12345678901234567/01 (pyemv)");
	full(derive_option_b, IMK, "99012345678901234", "45",
	    "985EC4FD3EDF6162E31AF1C7D0543416", "B: 99012345678901234/45 (pyemv)");
	/* pyemv tests/test_kd_hsm.py: check values only. */
	kcv(derive_option_b, "12345678901234567", "45", "0BAF",
	    "B: 17 digits, PSN 45, KCV 0BAF");
	kcv(derive_option_b, "12345678901234567", "00", "4626",
	    "B: 17 digits, PSN 00, KCV 4626");
	kcv(derive_option_b, "123456789012345679", "00", "C2F3",
	    "B: 18 digits (no zero in front), KCV C2F3");
	kcv(derive_option_b, "000000000000000005", "23", "DD73",
	    "B: hash with fewer than 16 decimal digits, KCV DD73");
	/* A PAN of 16 digits or fewer: Option B is Option A (A1.4.2). */
	kcv(derive_option_b, "1234567890123456", "00", "BAB0",
	    "B: 16-digit PAN as Option A, KCV BAB0");
	H(IMK, k);
	CHECK(derive_option_b(k, "476173900101", 12, "01", a) == 0 &&
	    derive_option_a(k, "476173900101", 12, "01", b) == 0 &&
	    memcmp(a, b, 16) == 0, "B: 12-digit PAN as Option A");
	CHECK(derive_option_b(k, "1234567890123456789", 19, "99", a) == 0 &&
	    derive_option_a(k, "1234567890123456789", 19, "99", b) == 0 &&
	    memcmp(a, b, 16) != 0, "B: 19-digit PAN differs from Option A");
	CHECK(derive_option_b(k, "1234567890123456X89", 19, "99", a) < 0,
	    "B: a non-digit in the PAN is refused");
}

static void
fields(void)
{
	char d[DERIVE_PANMAX + 1], p[3];

	CHECK_INT(pan_from_hex("1234567890123456", 16, d), 16, "5A: 16 digits");
	CHECK_STR(d, "1234567890123456", "5A: the digits");
	CHECK_INT(pan_from_hex("1234567890123456789F", 20, d), 19, "5A: 19 digits, F");
	CHECK_STR(d, "1234567890123456789", "5A: the 19 digits");
	CHECK_INT(pan_from_hex("47617390010F", 12, d), 11, "5A: 11 digits, F");
	CHECK_INT(pan_from_hex("476173900101FF", 14, d), -1, "5A: a whole F byte refused");
	CHECK_INT(pan_from_hex("4761739F01010010", 16, d), -1, "5A: F inside refused");
	CHECK_INT(pan_from_hex("476173900101001A", 16, d), -1, "5A: A refused");
	CHECK_INT(pan_from_hex("F1", 2, d), -1, "5A: F first refused");
	CHECK_INT(pan_from_hex("", 0, d), -1, "5A: empty refused");
	CHECK_INT(pan_from_hex("12345678901234567890", 20, d), -1, "5A: 20 digits refused");
	CHECK_INT(pan_from_hex("1234567890123456789012", 22, d), -1, "5A: 11 bytes refused");
	CHECK_INT(derive_psn("01", 2, p), 0, "5F34: 01");
	CHECK_STR(p, "01", "5F34: the digits");
	CHECK_INT(derive_psn("0A", 2, p), -1, "5F34: not BCD");
	CHECK_INT(derive_psn("0001", 4, p), -1, "5F34: two bytes");
	CHECK_INT(derive_psn("", 0, p), -1, "5F34: empty");
}

int
main(void)
{
	option_a();
	option_b();
	fields();
	return unit_done();
}
