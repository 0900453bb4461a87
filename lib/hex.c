/* hex.c: hexadecimal text to and from bytes. */
#include "hex.h"

static int
nibble(int c, int upper_only)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (!upper_only && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
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
