/* derive.c: ICC master key derivation, EMV 4.4 Book 2 Annex A1.4 (see
 * derive.h).  The block cipher is lib/sym's 3DES, the hash OpenSSL's. */
#include <string.h>

#include <openssl/evp.h>

#include "derive.h"
#include "sym.h"

static int
isdigits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
derive_psn(const char *hex, size_t n, char psn2[3])
{
	if (n != 2 || !isdigits(hex, 2))
		return -1;
	psn2[0] = hex[0];
	psn2[1] = hex[1];
	psn2[2] = '\0';
	return 0;
}

/* MK = 3DES(IMK)[Y] || 3DES(IMK)[Y xor FF..FF], odd parity (A1.4.1 step
 * 2, which Option B ends with too): one call, two blocks. */
static int
encipher_y(const uint8_t imk[16], const uint8_t y[8], uint8_t mk[16])
{
	uint8_t in[16];
	int i, rc;

	for (i = 0; i < 8; i++) {
		in[i] = y[i];
		in[8 + i] = y[i] ^ 0xFF;
	}
	rc = sym_ecb(SYM_3DES2, imk, in, mk, 16, 1);
	explicit_bzero(in, sizeof in);
	if (rc < 0) {
		explicit_bzero(mk, 16);
		return -1;
	}
	sym_des_parity(mk, 16);
	return 0;
}

/* Pack 16 ASCII digits as 8 BCD bytes. */
static void
pack16(const char d[16], uint8_t y[8])
{
	int i;

	for (i = 0; i < 8; i++)
		y[i] = (uint8_t)((d[2 * i] - '0') << 4 | (d[2 * i + 1] - '0'));
}

static int
args_ok(const char *pan, size_t pandigits, const char *psn2)
{
	return pandigits >= 1 && pandigits <= DERIVE_PANMAX &&
	    isdigits(pan, pandigits) && isdigits(psn2, 2);
}

int
derive_option_a(const uint8_t imk[16], const char *pan, size_t pandigits,
    const char *psn2, uint8_t mk[16])
{
	char x[DERIVE_PANMAX + 2], d[16];
	uint8_t y[8];
	size_t nx;
	int rc;

	if (!args_ok(pan, pandigits, psn2))
		return -1;
	memcpy(x, pan, pandigits);
	memcpy(x + pandigits, psn2, 2);
	nx = pandigits + 2;
	/* The rightmost 16 digits, zeros on the left when fewer. */
	if (nx >= 16)
		memcpy(d, x + nx - 16, 16);
	else {
		memset(d, '0', 16 - nx);
		memcpy(d + 16 - nx, x, nx);
	}
	pack16(d, y);
	rc = encipher_y(imk, y, mk);
	/* x, d and y are the PAN: do not leave them on the stack. */
	explicit_bzero(x, sizeof x);
	explicit_bzero(d, sizeof d);
	explicit_bzero(y, sizeof y);
	return rc;
}

int
derive_option_b(const uint8_t imk[16], const char *pan, size_t pandigits,
    const char *psn2, uint8_t mk[16])
{
	static const char hexd[] = "0123456789ABCDEF";
	char x[DERIVE_PANMAX + 3], d[16], h[2 * 20];
	uint8_t bx[(DERIVE_PANMAX + 3) / 2], hash[20], y[8];
	unsigned hlen = 0;
	size_t i, nx, nd;
	int rc = -1;

	if (!args_ok(pan, pandigits, psn2))
		return -1;
	if (pandigits <= 16)
		return derive_option_a(imk, pan, pandigits, psn2, mk);
	/* X = PAN || PSN, a zero in front for an even number of digits. */
	nx = 0;
	if ((pandigits + 2) % 2)
		x[nx++] = '0';
	memcpy(x + nx, pan, pandigits);
	nx += pandigits;
	memcpy(x + nx, psn2, 2);
	nx += 2;
	for (i = 0; i < nx / 2; i++)
		bx[i] = (uint8_t)((x[2 * i] - '0') << 4 | (x[2 * i + 1] - '0'));
	if (EVP_Digest(bx, nx / 2, hash, &hlen, EVP_sha1(), NULL) != 1 ||
	    hlen != sizeof hash)
		goto out;
	for (i = 0; i < sizeof hash; i++) {
		h[2 * i] = hexd[hash[i] >> 4];
		h[2 * i + 1] = hexd[hash[i] & 15];
	}
	/* Decimalize: the decimal digits of the hash in order; if fewer
	 * than 16, then its letters A-F in order as 0-5 (A1.4.2 step 3). */
	nd = 0;
	for (i = 0; i < sizeof h && nd < 16; i++)
		if (h[i] <= '9')
			d[nd++] = h[i];
	for (i = 0; i < sizeof h && nd < 16; i++)
		if (h[i] >= 'A')
			d[nd++] = (char)('0' + h[i] - 'A');
	pack16(d, y);
	rc = encipher_y(imk, y, mk);
out:
	explicit_bzero(x, sizeof x);
	explicit_bzero(bx, sizeof bx);
	explicit_bzero(hash, sizeof hash);
	explicit_bzero(h, sizeof h);
	explicit_bzero(d, sizeof d);
	explicit_bzero(y, sizeof y);
	return rc;
}
