/* t-pinblock.c: ISO 9564-1 PIN blocks and the Visa PVV (lib/pinblock.c)
 * against public vectors; tests/vectors/README.md gives each source. */
#include "hex.h"
#include "pinblock.h"
#include "unit.h"

static uint8_t *
H(const char *hex, uint8_t *b)
{
	hex_decode(hex, strlen(hex), b);
	return b;
}

/* Nibble values for a test's fixed fill, from hex digits. */
static const uint8_t *
N(const char *hex, uint8_t *b)
{
	size_t i;

	for (i = 0; hex[i] != '\0'; i++)
		b[i] = (uint8_t)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'A' + 10);
	return b;
}

static const char *
X(const uint8_t *b, size_t n)
{
	static char s[65];

	hex_encode(b, n, s);
	return s;
}

#define S(s) (s), strlen(s)

static void
panfields(void)
{
	uint8_t f[16];

	CHECK_INT(pinblock_panfield(S("4012345678909"), f), 0, "PAN field 0/3");
	CHECK_STR(X(f, 8), "0000401234567890", "PAN field: X9.24-1 A.4 PAN");
	pinblock_panfield(S("5555555551234567"), f);
	CHECK_STR(X(f, 8), "0000555555123456", "PAN field: psec PAN");
	pinblock_panfield(S("4761739001010000015"), f);
	CHECK_STR(X(f, 8), "0000900101000001", "PAN field: 19 digits");
	pinblock_panfield(S("1234567"), f);
	CHECK_STR(X(f, 8), "0000000000123456", "PAN field: short PAN zero-padded left");
	CHECK_INT(pinblock_panfield(NULL, 0, f), PINBLOCK_ENOPAN, "PAN field: no PAN");
	CHECK_INT(pinblock_panfield(S("41111111111111111112"), f), PINBLOCK_ENOPAN, "PAN field: 20 digits refused");
	CHECK_INT(pinblock_panfield(S("411111111111111F"), f), PINBLOCK_ENOPAN, "PAN field: non-digit refused");

	CHECK_INT(pinblock_panfield4(S("4111111111111111"), f), 0, "PAN field 4");
	CHECK_STR(X(f, 16), "44111111111111111000000000000000", "PAN field 4: X9.24-3 supplement");
	pinblock_panfield4(S("411111111111111"), f);
	CHECK_STR(X(f, 16), "34111111111111110000000000000000", "PAN field 4: 15 digits (openemv)");
	pinblock_panfield4(S("123456789"), f);
	CHECK_STR(X(f, 16), "00001234567890000000000000000000", "PAN field 4: under 12 digits (openemv)");
	pinblock_panfield4(S("112233445566778899"), f);
	CHECK_STR(X(f, 16), "61122334455667788990000000000000", "PAN field 4: 18 digits (psec)");
	CHECK_INT(pinblock_panfield4(S(""), f), PINBLOCK_ENOPAN, "PAN field 4: empty PAN refused");
}

static void
encode(void)
{
	uint8_t b[8], b2[8], fill[16];
	char pin[PINBLOCK_PINMAX + 1];
	size_t i, n;
	int fmt, ok;

	CHECK_INT(pinblock_encode(0, S("1234"), S("4012345678909"), NULL, b), 0, "format 0 encodes");
	CHECK_STR(X(b, 8), "041274EDCBA9876F", "format 0: ANSI X9.24-1 A.4");
	pinblock_encode(0, S("1234"), S("5544332211009966"), NULL, b);
	CHECK_STR(X(b, 8), "041277CDDEEFF669", "format 0: psec doctest");
	pinblock_encode(0, S("1234"), S("5555555551234567"), NULL, b);
	CHECK_STR(X(b, 8), "041261AAAAEDCBA9", "format 0: psec, 4 digits");
	pinblock_encode(0, S("123456789012"), S("5555555551234567"), NULL, b);
	CHECK_STR(X(b, 8), "0C1261032D8226A9", "format 0: psec, 12 digits");

	CHECK_INT(pinblock_encode(1, S("12345"), NULL, 0, N("EDCBA9876", fill), b), 0, "format 1 encodes");
	CHECK_STR(X(b, 8), "1512345EDCBA9876", "format 1: openemv, fixed fill");
	pinblock_encode(1, S("12345"), NULL, 0, NULL, b);
	pinblock_encode(1, S("12345"), NULL, 0, NULL, b2);
	CHECK(memcmp(b, "\x15\x12\x34", 3) == 0 && (b[3] & 0xF0) == 0x50, "format 1: random fill keeps the PIN");
	CHECK(memcmp(b, b2, 8) != 0, "format 1: random fill differs each time");

	CHECK_INT(pinblock_encode(2, S("34567"), NULL, 0, NULL, b), 0, "format 2 encodes");
	CHECK_STR(X(b, 8), "2534567FFFFFFFFF", "format 2: Thales manual example");
	pinblock_encode(2, S("9999"), NULL, 0, NULL, b);
	CHECK_STR(X(b, 8), "249999FFFFFFFFFF", "format 2: pyemv 9999");
	pinblock_encode(2, S("999999999999"), NULL, 0, NULL, b);
	CHECK_STR(X(b, 8), "2C999999999999FF", "format 2: pyemv 12 nines");
	pinblock_encode(2, S("123456789"), NULL, 0, NULL, b);
	CHECK_STR(X(b, 8), "29123456789FFFFF", "format 2: psec 9 digits");
	pinblock_encode(2, S("1234567890"), NULL, 0, NULL, b);
	CHECK_STR(X(b, 8), "2A1234567890FFFF", "format 2: psec 10 digits");
	pinblock_encode(2, S("123456789012"), NULL, 0, NULL, b);
	CHECK_STR(X(b, 8), "2C123456789012FF", "format 2: psec 12 digits");

	CHECK_INT(pinblock_encode(3, S("1234"), S("5555555551234567"), N("FFFFFFFFFF", fill), b), 0, "format 3 encodes");
	CHECK_STR(X(b, 8), "341261AAAAEDCBA9", "format 3: psec decode vector, F fill");
	pinblock_encode(3, S("12345"), S("4012345678909"), NULL, b);
	CHECK(memcmp(X(b, 8), "3512", 4) == 0, "format 3: openemv prefix 3512 (V25)");
	pinblock_encode(3, S("123456789012"), S("5555555551234567"), NULL, b);
	CHECK(memcmp(X(b, 8), "3C1261032D8226", 14) == 0, "format 3: psec prefix, 12 digits, random fill");
	for (ok = 1, i = 0; i < 50 && ok; i++) {
		pinblock_encode(3, S("1234"), S("5555555551234567"), NULL, b);
		ok = memcmp(X(b, 8), "341261", 6) == 0 &&
		    pinblock_decode(b, S("5555555551234567"), &fmt, pin, &n) == 0 &&
		    fmt == 3 && strcmp(pin, "1234") == 0;
	}
	CHECK(ok, "format 3: random A-F fill, 50 blocks decode back");
	CHECK_INT(pinblock_encode(3, S("1234"), S("5555555551234567"), N("FFFF9FFFFF", fill), b), -1, "format 3: a fixed fill outside A-F is refused");

	CHECK_INT(pinblock_encode(0, S("123"), S("5555555551234567"), NULL, b), PINBLOCK_ELENGTH, "encode: 3-digit PIN refused");
	CHECK_INT(pinblock_encode(2, S("1234567890123"), NULL, 0, NULL, b), PINBLOCK_ELENGTH, "encode: 13-digit PIN refused");
	CHECK_INT(pinblock_encode(2, S("123A"), NULL, 0, NULL, b), PINBLOCK_EDIGITS, "encode: non-digit PIN refused");
	CHECK_INT(pinblock_encode(0, S("1234"), NULL, 0, NULL, b), PINBLOCK_ENOPAN, "encode: format 0 without PAN refused");
	CHECK_INT(pinblock_encode(3, S("1234"), S("55555555512345A"), NULL, b), PINBLOCK_ENOPAN, "encode: format 3 with a bad PAN refused");
	CHECK_INT(pinblock_encode(4, S("1234"), NULL, 0, NULL, b), PINBLOCK_EFORMAT, "encode: format 4 is not an 8-byte block");
}

/* Decode HEX with PAN: expect RC, and PIN when RC is 0. */
static void
dec(const char *hex, const char *pan, int rc, const char *want, const char *what)
{
	char pin[PINBLOCK_PINMAX + 1] = "";
	uint8_t b[8];
	size_t n = 99;
	int fmt;

	H(hex, b);
	CHECK_INT(pinblock_decode(b, pan, pan ? strlen(pan) : 0, &fmt, pin, &n), rc, what);
	if (rc == 0) {
		CHECK_STR(pin, want, what);
		CHECK_INT(n, strlen(want), what);
	} else
		CHECK_INT(n, 0, what);
}

static void
decode(void)
{
	const char *p = "5555555551234567";

	dec("041274EDCBA9876F", "4012345678909", 0, "1234", "format 0: X9.24-1 A.4 decodes");
	dec("041277CDDEEFF669", "5544332211009966", 0, "1234", "format 0: psec doctest decodes");
	dec("091261032D8DCBA9", p, 0, "123456789", "format 0: psec 9 digits");
	dec("0A1261032D82CBA9", p, 0, "1234567890", "format 0: psec 10 digits");
	dec("0C1261032D8226A9", p, 0, "123456789012", "format 0: psec 12 digits");
	dec("1512345EDCBA9876", NULL, 0, "12345", "format 1: openemv decodes, no PAN needed");
	dec("241234FFFFFFFFFF", NULL, 0, "1234", "format 2: psec decodes");
	dec("2C123456789012FF", NULL, 0, "123456789012", "format 2: psec 12 digits");
	dec("341277EEEFCCB43C", "5544332211009966", 0, "1234", "format 3: psec doctest decodes");
	dec("391261032D8DCBA9", p, 0, "123456789", "format 3: psec 9 digits");
	dec("3C1261032D8226A9", p, 0, "123456789012", "format 3: psec 12 digits");

	/* Rejects: psec's decode exceptions, and hand-made ones. */
	dec("0F1261AAAAEDCBA9", p, PINBLOCK_ELENGTH, NULL, "format 0: length 15 (psec)");
	dec("021261AAAAEDCBA9", p, PINBLOCK_ELENGTH, NULL, "format 0: length 2 (psec)");
	dec("3F1261AAAAEDCBA9", p, PINBLOCK_ELENGTH, NULL, "format 3: length 15 (psec)");
	dec("2F123456789012FF", NULL, PINBLOCK_ELENGTH, NULL, "format 2: length 15 (psec)");
	dec("22123456789012FF", NULL, PINBLOCK_ELENGTH, NULL, "format 2: length 2 (psec)");
	dec("2C123456789012CF", NULL, PINBLOCK_EFILL, NULL, "format 2: fill C (psec)");
	dec("2C12345678901FFF", NULL, PINBLOCK_EDIGITS, NULL, "format 2: digit F (psec)");
	dec("14A2345EDCBA9876", NULL, PINBLOCK_EDIGITS, NULL, "format 1: digit A");
	dec("1312345EDCBA9876", NULL, PINBLOCK_ELENGTH, NULL, "format 1: length 3");
	dec("1D12345EDCBA9876", NULL, PINBLOCK_ELENGTH, NULL, "format 1: length 13");
	dec("04A274EDCBA9876F", "4012345678909", PINBLOCK_EDIGITS, NULL, "format 0: first digit A, outside the PAN field");
	dec("041274EDCBA98760", "4012345678909", PINBLOCK_EFILL, NULL, "format 0: fill nibble no PAN can make F");
	dec("341261AAAAEDCBA0", p, PINBLOCK_EFILL, NULL, "format 3: fill nibble no PAN can make A-F");
	/* psec rejects these for their fill or a digit; both decode with
	 * another PAN, so here they are a PAN mismatch. */
	dec("041261AAAAEDCBAA", p, PINBLOCK_EPAN, NULL, "format 0: bad fill a PAN explains (psec)");
	dec("051261AAAAEDCBA9", p, PINBLOCK_EPAN, NULL, "format 0: digit F a PAN explains (psec)");
	dec("341261AAAAEDCBA2", p, PINBLOCK_EPAN, NULL, "format 3: bad fill a PAN explains (psec)");
	dec("041274EDCBA9876F", "4022345678909", PINBLOCK_EPAN, NULL, "format 0: openemv's wrong PAN");
	dec("341277EEEFCCB43C", "5544332211009956", PINBLOCK_EPAN, NULL, "format 3: wrong PAN");
	dec("041274EDCBA9876F", NULL, PINBLOCK_ENOPAN, NULL, "format 0: no PAN");
	dec("341277EEEFCCB43C", "554433221100996X", PINBLOCK_ENOPAN, NULL, "format 3: PAN not digits");
	dec("441234AAAAAAAAAA", NULL, PINBLOCK_EFORMAT, NULL, "format 4 is not an 8-byte block");
	dec("541234FFFFFFFFFF", NULL, PINBLOCK_EFORMAT, NULL, "control field 5");
	dec("F41234FFFFFFFFFF", NULL, PINBLOCK_EFORMAT, NULL, "control field F");
}

static void
format4(void)
{
	uint8_t k[32], f[16], blk[16], fill[16];
	char pin[PINBLOCK_PINMAX + 1];
	size_t n;

	CHECK_INT(pinblock_pinfield4(S("1234"), NULL, f), 0, "format 4 PIN field");
	CHECK(memcmp(X(f, 16), "441234AAAAAAAAAA", 16) == 0, "PIN field 4: X9.24-3 supplement");
	pinblock_pinfield4(S("12345"), NULL, f);
	CHECK(memcmp(X(f, 16), "4512345AAAAAAAAA", 16) == 0, "PIN field 4: 5 digits (openemv)");
	pinblock_pinfield4(S("1234"), N("548ED7FD65495950", fill), f);
	CHECK_STR(X(f, 16), "441234AAAAAAAAAA548ED7FD65495950", "PIN field 4: psec, fixed random half");
	CHECK_INT(pinblock_decode4(f, pin, &n), 0, "PIN field 4 decodes");
	CHECK_STR(pin, "1234", "PIN field 4: the PIN");
	CHECK_INT(pinblock_decode4(H("541234AAAAAAAAAA548ED7FD65495950", f), pin, &n), PINBLOCK_EFORMAT, "PIN field 4: control 5 (psec)");
	CHECK_INT(pinblock_decode4(H("43123AAAAAAAAAAA548ED7FD65495950", f), pin, &n), PINBLOCK_ELENGTH, "PIN field 4: length 3 (psec)");
	CHECK_INT(pinblock_decode4(H("441234ABCDEFABCD548ED7FD65495950", f), pin, &n), PINBLOCK_EFILL, "PIN field 4: fill not A (psec)");
	CHECK_INT(pinblock_decode4(H("4412D4AAAAAAAAAA548ED7FD65495950", f), pin, &n), PINBLOCK_EDIGITS, "PIN field 4: digit D (psec)");

	CHECK_INT(pinblock_pinfield4(S("123"), NULL, f), PINBLOCK_ELENGTH, "PIN field 4: 3-digit PIN refused");
	CHECK_INT(pinblock_pinfield4(S("12E4"), NULL, f), PINBLOCK_EDIGITS, "PIN field 4: non-digit PIN refused");

	H("00112233445566778899AABBCCDDEEFF", k);
	CHECK_INT(pinblock_encipher4(SYM_AES128, k, S("1234"), S("12345678901234567890"), NULL, blk), PINBLOCK_ENOPAN, "format 4: 20-digit PAN refused");
	CHECK_INT(pinblock_encipher4(SYM_AES128, k, S("1234567890123"), S("1234567890123456"), NULL, blk), PINBLOCK_ELENGTH, "format 4: 13-digit PIN refused");
	CHECK_INT(pinblock_encipher4(SYM_AES128, k, S("1234"), S("1234567890123456"), N("1122334455667788", fill), blk), 0, "format 4 enciphers");
	CHECK_STR(X(blk, 16), "7CDF645C86CAF763AE34637A66997534", "format 4: psec doctest");
	pinblock_encipher4(SYM_AES128, k, S("1234"), S("1234567890123456789"), N("FFFFFFFFFFFFFFFF", fill), blk);
	CHECK_STR(X(blk, 16), "28B41FDDD29B743E93124BD8E32D921E", "format 4: psec, 19-digit PAN");
	CHECK_INT(pinblock_decipher4(SYM_AES128, k, H("E4BE5B623AF7E006AC319E5B93544564", blk), S("1234567890123456"), pin, &n), 0, "format 4: psec doctest deciphers");
	CHECK_STR(pin, "1234", "format 4: psec doctest PIN");
	CHECK_INT(pinblock_decipher4(SYM_AES128, k, H("39B69B1B91FE05D48F7EF0D68EB2CBD6", blk), S("1"), pin, &n), 0, "format 4: 1-digit PAN (psec)");
	CHECK_STR(pin, "123456", "format 4: 1-digit PAN PIN");
	pinblock_encipher4(SYM_AES128, k, S("987654321"), S("4761739001010010"), NULL, blk);
	CHECK_INT(pinblock_decipher4(SYM_AES128, k, blk, S("4761739001010010"), pin, &n), 0, "format 4: random block round trip");
	CHECK_STR(pin, "987654321", "format 4: round trip PIN");

	H("C1D0F8FB4958670DBA40AB1F3752EF0D", k);
	H("CC17F65586BFD0953010226C4FC5B3CA", blk);
	CHECK_INT(pinblock_decipher4(SYM_AES128, k, blk, S("432198765432109870"), pin, &n), 0, "format 4: ep2 8.0.0 8.4 deciphers");
	CHECK_STR(pin, "1234", "format 4: ep2 PIN");
	CHECK(pinblock_decipher4(SYM_AES128, k, blk, S("432198765432109871"), pin, &n) > 0 && n == 0, "format 4: ep2 block with another PAN fails");
	CHECK_INT(pinblock_decipher4(SYM_AES128, k, blk, NULL, 0, pin, &n), PINBLOCK_ENOPAN, "format 4: no PAN");
	CHECK_INT(pinblock_decipher4(SYM_3DES2, k, blk, S("432198765432109870"), pin, &n), -1, "format 4: a DES key is a misuse");

	CHECK_INT(pinblock_decipher4(SYM_AES128, H("E60B15B90ABDF14CEE337C97440F0D6E", k), H("7D5AF4C33667A2098626027FB7A9A1B7", blk), S("4266229809609384667"), pin, &n), PINBLOCK_EFORMAT, "format 4: control 3 (psec)");
	CHECK_INT(pinblock_decipher4(SYM_AES128, H("C7BBEBA16C5AD97D5866450718C03750", k), H("2F9C910447F17293EC95DEDE1E3CA201", blk), S("8220499325458689523"), pin, &n), PINBLOCK_EDIGITS, "format 4: not numeric (psec)");
	CHECK_INT(pinblock_decipher4(SYM_AES128, H("820F6C7C12355BDFF1AB6CE12E8EED89", k), H("CCF310A8300B46C925A86B1098089301", blk), S("939589847393485609"), pin, &n), PINBLOCK_EFILL, "format 4: fill B (psec)");
	CHECK_INT(pinblock_decipher4(SYM_AES192, H("4FE3F0311936FBCE44F17159F1659CF09B2BF8913BB514A1", k), H("51334B00A6CBA3EC7B1C6F871F060AFC", blk), S("2129100799029059903"), pin, &n), PINBLOCK_ELENGTH, "format 4: length 3, AES-192 (psec)");
}

static void
pvv(void)
{
	uint8_t k[16];
	char v[5], w[5];

	H("0123456789ABCDEFFEDCBA9876543210", k);
	CHECK_INT(pinblock_pvv(SYM_3DES2, k, S("1122334455667788"), 3, S("4524"), v), 0, "PVV computes");
	CHECK_STR(v, "4021", "PVV: psec doctest");
	pinblock_pvv(SYM_3DES2, k, S("1122334455667788"), 1, S("4524"), v);
	CHECK_STR(v, "8523", "PVV: psec PVKI 1");
	pinblock_pvv(SYM_3DES2, k, S("1122334455667788"), 2, S("1912"), v);
	CHECK_STR(v, "3244", "PVV: psec PVKI 2");
	pinblock_pvv(SYM_3DES2, k, S("1122334455667718"), 1, S("0570"), v);
	CHECK_STR(v, "3144", "PVV: psec 0570");
	pinblock_pvv(SYM_3DES2, k, S("1122334455667708"), 1, S("8299"), v);
	CHECK_STR(v, "4422", "PVV: psec 8299");
	pinblock_pvv(SYM_3DES2, k, S("1122334455667788"), 1, S("452499"), w);
	CHECK_STR(w, "8523", "PVV: a 6-digit PIN uses its 4 leftmost digits");
	CHECK_INT(pinblock_pvv(SYM_3DES2, k, S("11223344556"), 1, S("4524"), v), PINBLOCK_ENOPAN, "PVV: 11-digit PAN refused");
	CHECK_INT(pinblock_pvv(SYM_3DES2, k, S("1122334455667788"), 10, S("4524"), v), -1, "PVV: PVKI 10 is a misuse");
	CHECK_INT(pinblock_pvv(SYM_3DES2, k, S("1122334455667788"), 1, S("452"), v), PINBLOCK_ELENGTH, "PVV: 3-digit PIN refused");
	CHECK_INT(pinblock_pvv(SYM_AES128, k, S("1122334455667788"), 1, S("4524"), v), -1, "PVV: an AES key is a misuse");
}

int
main(void)
{
	panfields();
	encode();
	decode();
	format4();
	pvv();
	CHECK(pinblock_strerror(PINBLOCK_EPAN) != NULL && pinblock_strerror(99) != NULL, "every code has a reason");
	return unit_done();
}
