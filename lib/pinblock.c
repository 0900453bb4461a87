/* pinblock.c: ISO 9564-1:2017 PIN blocks and the Visa PVV.  A block is
 * handled as 16 (or 32) nibbles, nibble 0 the control field. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "pinblock.h"
#include "sym.h"

enum cls { DIGIT, FILL };

static unsigned
nib(const uint8_t *b, size_t i)
{
	return i % 2 ? b[i / 2] & 0x0F : b[i / 2] >> 4;
}

static void
setnib(uint8_t *b, size_t i, unsigned v)
{
	if (i % 2)
		b[i / 2] = (uint8_t)((b[i / 2] & 0xF0) | (v & 0x0F));
	else
		b[i / 2] = (uint8_t)((b[i / 2] & 0x0F) | (v & 0x0F) << 4);
}

const char *
pinblock_strerror(int code)
{
	switch (code) {
	case PINBLOCK_EFORMAT:
		return "control field is not the format expected";
	case PINBLOCK_ELENGTH:
		return "PIN length is not 4 to 12";
	case PINBLOCK_EDIGITS:
		return "a PIN digit is not 0 to 9";
	case PINBLOCK_EFILL:
		return "fill digits are not those of the format";
	case PINBLOCK_EPAN:
		return "the PIN block does not match the PAN";
	case PINBLOCK_ENOPAN:
		return "no PAN of 1 to 19 digits";
	default:
		return "internal error";
	}
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
pin_check(const char *pin, size_t n)
{
	if (pin == NULL || n < PINBLOCK_PINMIN || n > PINBLOCK_PINMAX)
		return PINBLOCK_ELENGTH;
	return digits(pin, n) ? 0 : PINBLOCK_EDIGITS;
}

static int
pan_check(const char *pan, size_t n)
{
	return n >= 1 && n <= PINBLOCK_PANMAX && digits(pan, n) ? 0 :
	    PINBLOCK_ENOPAN;
}

/* n random nibbles from lo to 15 into out, one a byte, without bias:
 * bytes that would make the last partial cycle are drawn again. */
static int
rand_nibbles(uint8_t *out, size_t n, unsigned lo)
{
	uint8_t b[32];
	unsigned span = 16 - lo, v;
	size_t i = 0, j = sizeof b;
	int rc = 0;

	while (i < n) {
		if (j == sizeof b) {
			if (RAND_bytes(b, sizeof b) != 1) {
				rc = -1;
				break;
			}
			j = 0;
		}
		v = b[j++];
		if (v >= 256 - 256 % span)
			continue;
		out[i++] = (uint8_t)(lo + v % span);
	}
	OPENSSL_cleanse(b, sizeof b);
	return rc;
}

int
pinblock_panfield(const char *pan, size_t panlen, uint8_t out[8])
{
	size_t k, m;

	if (pan_check(pan, panlen))
		return PINBLOCK_ENOPAN;
	memset(out, 0, 8);
	m = panlen - 1;		/* without the check digit */
	for (k = 0; k < 12 && k < m; k++)
		setnib(out, 15 - k, (unsigned)(pan[m - 1 - k] - '0'));
	return 0;
}

int
pinblock_panfield4(const char *pan, size_t panlen, uint8_t out[16])
{
	size_t i, pad;

	if (pan_check(pan, panlen))
		return PINBLOCK_ENOPAN;
	memset(out, 0, 16);
	setnib(out, 0, panlen < 12 ? 0 : (unsigned)(panlen - 12));
	pad = panlen < 12 ? 12 - panlen : 0;
	for (i = 0; i < panlen; i++)
		setnib(out, 1 + pad + i, (unsigned)(pan[i] - '0'));
	return 0;
}

/* Whether nibble v is right for its class in format fmt. */
static int
nib_ok(enum cls c, int fmt, unsigned v)
{
	if (c == DIGIT)
		return v <= 9;
	switch (fmt) {
	case 0:
	case 2:
		return v == 0xF;
	case 3:
		return v >= 0xA;
	case 4:
		return v == 0xA;
	default:
		return 1;
	}
}

int
pinblock_encode(int fmt, const char *pin, size_t pinlen, const char *pan,
    size_t panlen, const uint8_t *fill, uint8_t out[8])
{
	uint8_t rnd[14], pf[8];
	size_t i;
	int rc, bound = fmt == 0 || fmt == 3;

	if (fmt < 0 || fmt > 3)
		return PINBLOCK_EFORMAT;
	if ((rc = pin_check(pin, pinlen)) != 0)
		return rc;
	memset(pf, 0, sizeof pf);
	if (bound && (rc = pinblock_panfield(pan, panlen, pf)) != 0)
		return rc;
	if (fill == NULL && (fmt == 1 || fmt == 3)) {
		if (rand_nibbles(rnd, sizeof rnd, fmt == 3 ? 0xA : 0) < 0)
			return -1;
		fill = rnd;
	}
	out[0] = (uint8_t)(fmt << 4 | (int)pinlen);
	for (i = 0; i < pinlen; i++)
		setnib(out, 2 + i, (unsigned)(pin[i] - '0'));
	for (i = 2 + pinlen; i < 16; i++)
		setnib(out, i, fmt == 0 || fmt == 2 ? 0xF :
		    fill[i - 2 - pinlen]);
	rc = 0;
	for (i = 2 + pinlen; i < 16; i++)
		if (!nib_ok(FILL, fmt, nib(out, i)))
			rc = -1;	/* a test's fill breaking the format */
	for (i = 0; i < 8; i++)
		out[i] ^= pf[i];
	OPENSSL_cleanse(rnd, sizeof rnd);
	OPENSSL_cleanse(pf, sizeof pf);
	if (rc != 0)
		OPENSSL_cleanse(out, 8);
	return rc;
}

/* Whether some PAN digit d would make the nibble raw ^ d right for its
 * class: then a wrong PAN can explain the nibble. */
static int
some_pan_fits(enum cls c, int fmt, unsigned raw)
{
	unsigned d;

	for (d = 0; d <= 9; d++)
		if (nib_ok(c, fmt, raw ^ d))
			return 1;
	return 0;
}

/* Check the digits and fill of a block whose nibbles XOR the PAN field pf
 * (NULL: none) give the PIN field, and copy the PIN out.  Nibbles from 4
 * on are covered by the PAN field of formats 0 and 3. */
static int
unpack(const uint8_t *in, const uint8_t *pf, size_t nnib, int fmt,
    char *pin, size_t *pinlen)
{
	size_t i, n = in[0] & 0x0F;
	unsigned raw, v;
	enum cls c;
	int mismatch = 0, rc = 0;

	if (n < PINBLOCK_PINMIN || n > PINBLOCK_PINMAX)
		return PINBLOCK_ELENGTH;
	for (i = 2; i < nnib; i++) {
		raw = nib(in, i);
		v = raw ^ (pf != NULL ? nib(pf, i) : 0);
		c = i < 2 + n ? DIGIT : FILL;
		if (nib_ok(c, fmt, v))
			continue;
		if (pf != NULL && i >= 4 && some_pan_fits(c, fmt, raw)) {
			mismatch = 1;
			continue;
		}
		rc = c == DIGIT ? PINBLOCK_EDIGITS : PINBLOCK_EFILL;
		break;
	}
	if (rc == 0 && mismatch)
		rc = PINBLOCK_EPAN;
	if (rc != 0)
		return rc;
	for (i = 0; i < n; i++)
		pin[i] = (char)('0' + (nib(in, 2 + i) ^
		    (pf != NULL ? nib(pf, 2 + i) : 0)));
	pin[n] = '\0';
	*pinlen = n;
	return 0;
}

int
pinblock_decode(const uint8_t in[8], const char *pan, size_t panlen,
    int *fmt, char *pin, size_t *pinlen)
{
	uint8_t pf[8];
	int rc;

	*pinlen = 0;
	memset(pf, 0, sizeof pf);
	*fmt = in[0] >> 4;
	if (*fmt > 3)
		return PINBLOCK_EFORMAT;
	if (*fmt == 0 || *fmt == 3) {
		if ((rc = pinblock_panfield(pan, panlen, pf)) != 0)
			return rc;
		rc = unpack(in, pf, 16, *fmt, pin, pinlen);
	} else
		rc = unpack(in, NULL, 16, *fmt, pin, pinlen);
	OPENSSL_cleanse(pf, sizeof pf);
	return rc;
}

int
pinblock_pinfield4(const char *pin, size_t pinlen, const uint8_t *fill,
    uint8_t out[16])
{
	size_t i;
	int rc;

	if ((rc = pin_check(pin, pinlen)) != 0)
		return rc;
	out[0] = (uint8_t)(0x40 | pinlen);
	for (i = 0; i < pinlen; i++)
		setnib(out, 2 + i, (unsigned)(pin[i] - '0'));
	for (i = 2 + pinlen; i < 16; i++)
		setnib(out, i, 0xA);
	if (fill == NULL) {
		if (RAND_bytes(out + 8, 8) == 1)
			return 0;
		OPENSSL_cleanse(out, 16);
		return -1;
	}
	for (i = 0; i < 16; i++)
		setnib(out, 16 + i, fill[i]);
	return 0;
}

int
pinblock_decode4(const uint8_t field[16], char *pin, size_t *pinlen)
{
	*pinlen = 0;
	if (field[0] >> 4 != 4)
		return PINBLOCK_EFORMAT;
	/* Nibbles 16 to 31 are random: only the first 8 bytes are checked. */
	return unpack(field, NULL, 16, 4, pin, pinlen);
}

int
pinblock_encipher4(enum sym_alg alg, const uint8_t *key, const char *pin,
    size_t pinlen, const char *pan, size_t panlen, const uint8_t *fill,
    uint8_t out[16])
{
	uint8_t field[16], pf[16];
	size_t i;
	int rc;

	if (sym_blocklen(alg) != 16)
		return -1;
	if ((rc = pinblock_panfield4(pan, panlen, pf)) != 0)
		return rc;
	if ((rc = pinblock_pinfield4(pin, pinlen, fill, field)) == 0) {
		if (sym_ecb(alg, key, field, out, 16, 1) < 0)
			rc = -1;
		for (i = 0; i < 16; i++)
			out[i] ^= pf[i];
		if (rc == 0 && sym_ecb(alg, key, out, out, 16, 1) < 0)
			rc = -1;
	}
	OPENSSL_cleanse(field, sizeof field);
	OPENSSL_cleanse(pf, sizeof pf);
	if (rc != 0)
		OPENSSL_cleanse(out, 16);
	return rc;
}

int
pinblock_decipher4(enum sym_alg alg, const uint8_t *key,
    const uint8_t in[16], const char *pan, size_t panlen, char *pin,
    size_t *pinlen)
{
	uint8_t b[16], pf[16];
	size_t i;
	int rc;

	*pinlen = 0;
	if (sym_blocklen(alg) != 16)
		return -1;
	if ((rc = pinblock_panfield4(pan, panlen, pf)) != 0)
		return rc;
	if (sym_ecb(alg, key, in, b, 16, 0) < 0)
		rc = -1;
	else {
		for (i = 0; i < 16; i++)
			b[i] ^= pf[i];
		if (sym_ecb(alg, key, b, b, 16, 0) < 0)
			rc = -1;
		else
			rc = pinblock_decode4(b, pin, pinlen);
	}
	OPENSSL_cleanse(b, sizeof b);
	OPENSSL_cleanse(pf, sizeof pf);
	return rc;
}

int
pinblock_pvv(enum sym_alg alg, const uint8_t *pvk, const char *pan,
    size_t panlen, int pvki, const char *pin, size_t pinlen, char pvv[5])
{
	uint8_t tsp[8];
	size_t i, k = 0;
	unsigned v;
	int rc;

	if (sym_blocklen(alg) != 8 || pvki < 0 || pvki > 9)
		return -1;
	if ((rc = pin_check(pin, pinlen)) != 0)
		return rc;
	if (panlen < 12 || pan_check(pan, panlen))
		return PINBLOCK_ENOPAN;
	for (i = 0; i < 11; i++)
		setnib(tsp, i, (unsigned)(pan[panlen - 12 + i] - '0'));
	setnib(tsp, 11, (unsigned)pvki);
	for (i = 0; i < 4; i++)
		setnib(tsp, 12 + i, (unsigned)(pin[i] - '0'));
	if (sym_ecb(alg, pvk, tsp, tsp, 8, 1) < 0) {
		OPENSSL_cleanse(tsp, sizeof tsp);
		return -1;
	}
	for (i = 0; i < 16 && k < 4; i++)
		if ((v = nib(tsp, i)) <= 9)
			pvv[k++] = (char)('0' + v);
	for (i = 0; i < 16 && k < 4; i++)
		if ((v = nib(tsp, i)) > 9)
			pvv[k++] = (char)('0' + v - 10);
	pvv[4] = '\0';
	OPENSSL_cleanse(tsp, sizeof tsp);
	return 0;
}
