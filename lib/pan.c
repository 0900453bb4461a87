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
pan_from_hex(const char *hex, size_t n, char digits[PAN_MAX + 1])
{
	size_t i, nd = 0;

	if (n == 0 || n % 2 || n > PAN_MAX + 1)
		return -1;
	for (i = 0; i < n; i++) {
		if (hex[i] >= '0' && hex[i] <= '9' && nd < PAN_MAX)
			digits[nd++] = hex[i];
		else if (hex[i] == 'F' && i == n - 1 && i > 0)
			break;
		else {
			explicit_bzero(digits, nd);
			return -1;
		}
	}
	digits[nd] = '\0';
	return (int)nd;
}

int
pan_mask_hex(const char *hex, size_t n, char out[20])
{
	char digits[PAN_MAX + 1];
	int nd;

	if ((nd = pan_from_hex(hex, n, digits)) < 0)
		return -1;
	pan_mask(digits, (size_t)nd, out);
	/* The clear digits were a PAN: do not leave them on the stack. */
	explicit_bzero(digits, sizeof digits);
	return 0;
}
