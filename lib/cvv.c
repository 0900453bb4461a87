/* cvv.c: card verification values (see cvv.h). */
#include <string.h>

#include "cvv.h"
#include "sym.h"

static int
digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s), i;

	if (n < min || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
cvv_compute(const uint8_t cvk[16], const char *pan, const char *expiry,
    const char *sc, char out[4])
{
	uint8_t b[16], ka[16], r[8];
	char d[33], dec[17];
	size_t n, i, k = 0;
	int rc = -1, x;

	out[0] = '\0';
	if (!digits(pan, 1, 19) || !digits(expiry, 4, 4) || !digits(sc, 3, 3))
		return -1;
	/* PAN || YYMM || service code, right-padded with zeros to 32 digits,
	 * packed two digits a byte: two 8-byte blocks. */
	memset(d, '0', 32);
	n = strlen(pan);
	memcpy(d, pan, n);
	memcpy(d + n, expiry, 4);
	memcpy(d + n + 4, sc, 3);
	for (i = 0; i < 16; i++)
		b[i] = (uint8_t)((d[2 * i] - '0') << 4 | (d[2 * i + 1] - '0'));
	/* Single DES under CVK A is triple DES with both halves CVK A: single
	 * DES lives only in OpenSSL's legacy provider. */
	memcpy(ka, cvk, 8);
	memcpy(ka + 8, cvk, 8);
	if (sym_ecb(SYM_3DES2, ka, b, r, 8, 1) < 0)
		goto out;
	for (i = 0; i < 8; i++)
		r[i] ^= b[8 + i];
	if (sym_ecb(SYM_3DES2, cvk, r, r, 8, 1) < 0)
		goto out;
	/* Decimalization: the decimal nibbles left to right, then the nibbles
	 * A-F left to right, each less 10; the first three are the CVV. */
	for (i = 0; i < 16; i++)
		if ((x = i % 2 ? r[i / 2] & 0x0F : r[i / 2] >> 4) <= 9)
			dec[k++] = (char)('0' + x);
	for (i = 0; i < 16; i++)
		if ((x = i % 2 ? r[i / 2] & 0x0F : r[i / 2] >> 4) > 9)
			dec[k++] = (char)('0' + x - 10);
	memcpy(out, dec, 3);
	out[3] = '\0';
	rc = 0;
out:
	/* The blocks hold the PAN, the result is the CVV, ka is key. */
	explicit_bzero(b, sizeof b);
	explicit_bzero(ka, sizeof ka);
	explicit_bzero(r, sizeof r);
	explicit_bzero(d, sizeof d);
	explicit_bzero(dec, sizeof dec);
	return rc;
}
