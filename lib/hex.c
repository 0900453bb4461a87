/* hex.c: hexadecimal text to and from bytes. */
#include "hex.h"

/* Digit values by byte: 0-15 for 0-9 and A-F, 16-31 for a-f (value + 16),
 * 0xFF for anything else.  A table, since every record field goes
 * through here. */
static const uint8_t digit[256] = {
	['0'] = 0, ['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4, ['5'] = 5,
	['6'] = 6, ['7'] = 7, ['8'] = 8, ['9'] = 9,
	['A'] = 10, ['B'] = 11, ['C'] = 12, ['D'] = 13, ['E'] = 14, ['F'] = 15,
	['a'] = 26, ['b'] = 27, ['c'] = 28, ['d'] = 29, ['e'] = 30, ['f'] = 31,
};

static int
nibble(int c, int upper_only)
{
	uint8_t d = digit[c & 0xFF];

	/* Unlisted bytes are 0 in the table: only '0' may map to 0. */
	if (d == 0 && c != '0')
		return -1;
	if (d >= 16)
		return upper_only ? -1 : d - 16;
	return d;
}

static long
decode(const char *s, size_t n, uint8_t *out, int upper_only)
{
	size_t i;
	int hi, lo;

	if (n % 2)
		return -1;
	for (i = 0; i < n; i += 2) {
		hi = nibble((unsigned char)s[i], upper_only);
		lo = nibble((unsigned char)s[i + 1], upper_only);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

long
hex_decode(const char *s, size_t n, uint8_t *out)
{
	return decode(s, n, out, 0);
}

long
hex_decode_upper(const char *s, size_t n, uint8_t *out)
{
	return decode(s, n, out, 1);
}

void
hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
hex_is_upper(const char *s, size_t n)
{
	size_t i;

	if (n % 2)
		return 0;
	for (i = 0; i < n; i++)
		if (nibble((unsigned char)s[i], 1) < 0)
			return 0;
	return 1;
}
