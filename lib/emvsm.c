/* emvsm.c: issuer script secure messaging formats, EMV 4.4 Book 2, 9.2,
 * 9.3, A1.1 and A1.2 (see emvsm.h).  Every cipher call is lib/sym's. */
#include <string.h>

#include "emvsm.h"
#include "sym.h"

/* Header, ATC, ARQC and the longest data field (Lc up to 255). */
#define MSGMAX	(5 + 2 + 8 + 255)
/* Padded clear data: length byte, data, at least one padding byte. */
#define BUFMAX	(EMVSM_DATAMAX + 2 + 8)

int
emvsm_mac(const uint8_t sk[16], const uint8_t *cmd, size_t n,
    const uint8_t *atc, const uint8_t *arqc, uint8_t mac[EMVSM_MACLEN])
{
	uint8_t msg[MSGMAX];
	size_t m = 0;
	int rc;

	if (n < 5 || n - 5 > 255)
		return -1;
	memcpy(msg, cmd, 5);
	m = 5;
	if (atc != NULL) {
		memcpy(msg + m, atc, 2);
		m += 2;
	}
	if (arqc != NULL) {
		memcpy(msg + m, arqc, 8);
		m += 8;
	}
	memcpy(msg + m, cmd + 5, n - 5);
	m += n - 5;
	rc = sym_mac3(sk, SYM_PAD2, msg, m, mac);
	explicit_bzero(msg, sizeof msg);
	return rc;
}

size_t
emvsm_enclen(enum emvsm_mode m, size_t n)
{
	switch (m) {
	case EMVSM_EMV:
		return (n / 8 + 1) * 8;
	case EMVSM_MASTERCARD:
		return n % 8 ? (n / 8 + 1) * 8 : n;
	case EMVSM_VISA:
		return ((n + 1) / 8 + 1) * 8;
	}
	return 0;
}

int
emvsm_encrypt(enum emvsm_mode m, const uint8_t sk[16], const uint8_t *in,
    size_t n, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t buf[BUFMAX];
	size_t el, off = 0;
	int rc;

	el = emvsm_enclen(m, n);
	if (n == 0 || n > EMVSM_DATAMAX || el == 0 || el > cap)
		return -1;
	memset(buf, 0, el);
	if (m == EMVSM_VISA)
		buf[off++] = (uint8_t)n;
	memcpy(buf + off, in, n);
	if (off + n < el)
		buf[off + n] = 0x80;
	if (m == EMVSM_VISA)
		rc = sym_ecb(SYM_3DES2, sk, buf, out, el, 1);
	else
		rc = sym_cbc(SYM_3DES2, sk, NULL, buf, out, el, 1);
	explicit_bzero(buf, sizeof buf);
	if (rc < 0)
		return -1;
	*len = el;
	return 0;
}

/* Length of the data before ISO/IEC 9797-1 padding method 2 in the last
 * block of buf[0..n), or -1 if the block holds no such padding. */
static long
unpad2(const uint8_t *buf, size_t n)
{
	size_t i = n;

	while (i > n - 8 && buf[i - 1] == 0)
		i--;
	if (i == n - 8 || buf[i - 1] != 0x80)
		return -1;
	return (long)(i - 1);
}

int
emvsm_decrypt(enum emvsm_mode m, const uint8_t sk[16], const uint8_t *in,
    size_t n, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t buf[BUFMAX];
	size_t off = 0, dl;
	long pl;
	int rc = -1;

	if (n == 0 || n % 8 || n > sizeof buf ||
	    (m != EMVSM_EMV && m != EMVSM_MASTERCARD && m != EMVSM_VISA))
		return -1;
	if ((m == EMVSM_VISA ? sym_ecb(SYM_3DES2, sk, in, buf, n, 0) :
	    sym_cbc(SYM_3DES2, sk, NULL, in, buf, n, 0)) < 0)
		goto out;
	dl = n;
	if (m != EMVSM_MASTERCARD) {
		rc = EMVSM_EPAD;
		if ((pl = unpad2(buf, n)) < 0)
			goto out;
		dl = (size_t)pl;
		if (m == EMVSM_VISA) {
			/* The length byte must name exactly what precedes
			 * the padding. */
			if (dl == 0 || buf[0] != dl - 1)
				goto out;
			off = 1;
			dl--;
		}
	}
	rc = -1;
	if (dl > cap)
		goto out;
	memcpy(out, buf + off, dl);
	*len = dl;
	rc = 0;
out:
	explicit_bzero(buf, sizeof buf);
	return rc;
}

static int
pin_ok(const char *pin, size_t n)
{
	size_t i;

	if (n < 4 || n > 12)
		return 0;
	for (i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return 0;
	return 1;
}

/* XOR into b the current PIN's digits, zero-padded to 16 nibbles. */
static void
xor_current(uint8_t b[8], const char *cur, size_t curlen)
{
	size_t i;

	for (i = 0; i < curlen; i++)
		b[i / 2] ^= (uint8_t)((cur[i] - '0') << (i % 2 ? 0 : 4));
}

int
emvsm_vis_pinblock(const uint8_t mk_ac[16], const char *pin, size_t pinlen,
    const char *cur, size_t curlen, uint8_t out[8])
{
	size_t i;

	if (!pin_ok(pin, pinlen) || (cur != NULL && !pin_ok(cur, curlen)))
		return -1;
	memset(out, 0xFF, 8);
	out[0] = (uint8_t)pinlen;
	for (i = 0; i < pinlen; i++) {
		uint8_t d = (uint8_t)(pin[i] - '0');

		out[1 + i / 2] = i % 2 ? (uint8_t)((out[1 + i / 2] & 0xF0) | d) :
		    (uint8_t)((d << 4) | 0x0F);
	}
	for (i = 4; i < 8; i++)
		out[i] ^= mk_ac[i];
	if (cur != NULL)
		xor_current(out, cur, curlen);
	return 0;
}

int
emvsm_vis_pindecode(const uint8_t mk_ac[16], const uint8_t block[8],
    const char *cur, size_t curlen, char pin[13], size_t *pinlen)
{
	uint8_t b[8];
	size_t i, n;
	int rc = EMVSM_EPIN;

	if (cur != NULL && !pin_ok(cur, curlen))
		return -1;
	memcpy(b, block, 8);
	for (i = 4; i < 8; i++)
		b[i] ^= mk_ac[i];
	if (cur != NULL)
		xor_current(b, cur, curlen);
	n = b[0];
	if (n < 4 || n > 12)
		goto out;
	for (i = 0; i < 14; i++) {
		uint8_t d = i % 2 ? b[1 + i / 2] & 0x0F : b[1 + i / 2] >> 4;

		if (i < n ? d > 9 : d != 0x0F)
			goto out;
		if (i < n)
			pin[i] = (char)('0' + d);
	}
	pin[n] = '\0';
	*pinlen = n;
	rc = 0;
out:
	explicit_bzero(b, sizeof b);
	if (rc != 0)
		explicit_bzero(pin, 13);
	return rc;
}

void
emvsm_arqc_add(const uint8_t arqc[8], unsigned k, uint8_t out[8])
{
	unsigned long long carry = k;
	int i;

	for (i = 7; i >= 0; i--) {
		carry += arqc[i];
		out[i] = (uint8_t)carry;
		carry >>= 8;
	}
}
