/* pan.c: Luhn check (ISO/IEC 7812-1 Annex B) and PAN masking. */
#include <string.h>

#include "pan.h"

int
pan_luhn_ok(const char *s, size_t n)
{
	size_t i;
	int sum = 0, d, dbl = 0;

	if (n == 0)
		return 0;
	for (i = n; i-- > 0; ) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		d = s[i] - '0';
		if (dbl && (d *= 2) > 9)
			d -= 9;
		sum += d;
		dbl = !dbl;
	}
	return sum % 10 == 0;
}

void
pan_mask(const char *s, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (n > 10 && (i < 6 || i >= n - 4)) ? s[i] : '*';
	out[n] = '\0';
}

int
pan_mask_hex(const char *hex, size_t n, char out[20])
{
	char digits[20];
	size_t i, nd = 0;
	int c;

	/* A PAN is cn: BCD digits, padded on the right with F nibbles. */
	for (i = 0; i < n; i++) {
		c = (unsigned char)hex[i];
		if (c == 'F') {
			for (; i < n; i++)
				if (hex[i] != 'F')
					return -1;
			break;
		}
		if (c < '0' || c > '9' || nd >= 19)
			return -1;
		digits[nd++] = (char)c;
	}
	pan_mask(digits, nd, out);
	/* The clear digits were a PAN: do not leave them on the stack. */
	explicit_bzero(digits, sizeof digits);
	return 0;
}
