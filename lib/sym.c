/* sym.c: symmetric primitives over OpenSSL EVP (see sym.h). */
#include <string.h>

#include <pthread.h>

#include <openssl/evp.h>

#include "sym.h"

static const struct {
	const char *name;
	size_t keylen, blocklen;
} algs[] = {
	[SYM_3DES2] = { "3des2", 16, 8 },
	[SYM_3DES3] = { "3des3", 24, 8 },
	[SYM_AES128] = { "aes128", 16, 16 },
	[SYM_AES192] = { "aes192", 24, 16 },
	[SYM_AES256] = { "aes256", 32, 16 },
};

size_t
sym_keylen(enum sym_alg alg)
{
	return algs[alg].keylen;
}

size_t
sym_blocklen(enum sym_alg alg)
{
	return algs[alg].blocklen;
}

const char *
sym_alg_name(enum sym_alg alg)
{
	return algs[alg].name;
}

int
sym_alg_parse(const char *name, enum sym_alg *alg)
{
	size_t i;

	for (i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (strcmp(name, algs[i].name) == 0) {
			*alg = (enum sym_alg)i;
			return 0;
		}
	return -1;
}

int
sym_alg_for(int des, size_t keylen, enum sym_alg *alg)
{
	size_t i;

	for (i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (algs[i].keylen == keylen && (algs[i].blocklen == 8) == !!des) {
			*alg = (enum sym_alg)i;
			return 0;
		}
	return -1;
}

/* Ciphers fetched once: the EVP_des_ede_ecb() style of OpenSSL 3 does an
 * implicit fetch on every init, a tenth of the time of a one-block call. */
enum { C_DES2_ECB, C_DES2_CBC, C_DES3_ECB, C_DES3_CBC, C_AES128_ECB,
    C_AES128_CBC, C_AES192_ECB, C_AES192_CBC, C_AES256_ECB, C_AES256_CBC,
    C_N };
static const char *const cipher_names[C_N] = {
	"DES-EDE-ECB", "DES-EDE-CBC", "DES-EDE3-ECB", "DES-EDE3-CBC",
	"AES-128-ECB", "AES-128-CBC", "AES-192-ECB", "AES-192-CBC",
	"AES-256-ECB", "AES-256-CBC",
};
static EVP_CIPHER *ciphers[C_N];
static pthread_once_t fetched = PTHREAD_ONCE_INIT;

static void
fetch_all(void)
{
	int i;

	for (i = 0; i < C_N; i++)
		ciphers[i] = EVP_CIPHER_fetch(NULL, cipher_names[i], NULL);
}

static const EVP_CIPHER *
cipher(enum sym_alg alg, int cbc)
{
	pthread_once(&fetched, fetch_all);
	return ciphers[2 * (int)alg + !!cbc];
}

static int
run(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv,
    const uint8_t *in, uint8_t *out, size_t n, int enc)
{
	EVP_CIPHER_CTX *ctx;
	int len, fin, ok;

	if (c == NULL || n % (size_t)EVP_CIPHER_get_block_size(c) ||
	    n > 0x7FFFFFF0)
		return -1;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_CipherInit_ex(ctx, c, NULL, key, iv, enc) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, out, &len, in, (int)n) == 1 &&
	    EVP_CipherFinal_ex(ctx, out + len, &fin) == 1;
	/* The context holds the key schedule: free wipes it. */
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
sym_ecb(enum sym_alg alg, const uint8_t *key, const uint8_t *in,
    uint8_t *out, size_t n, int enc)
{
	return run(cipher(alg, 0), key, NULL, in, out, n, enc);
}

int
sym_cbc(enum sym_alg alg, const uint8_t *key, const uint8_t *iv,
    const uint8_t *in, uint8_t *out, size_t n, int enc)
{
	static const uint8_t zero[16];

	return run(cipher(alg, 1), key, iv ? iv : zero, in, out, n, enc);
}

/* Single DES is only in OpenSSL 3's legacy provider; two-key triple DES
 * with both halves equal is single DES, in the default provider. */
static int
des1(const uint8_t key[8], const uint8_t *in, uint8_t *out, int enc)
{
	uint8_t k2[16];
	int rc;

	memcpy(k2, key, 8);
	memcpy(k2 + 8, key, 8);
	rc = run(cipher(SYM_3DES2, 0), k2, NULL, in, out, 8, enc);
	explicit_bzero(k2, sizeof k2);
	return rc;
}

int
sym_mac3(const uint8_t key[16], enum sym_pad pad, const uint8_t *msg,
    size_t n, uint8_t mac[8])
{
	uint8_t block[8], h[8] = { 0 };
	size_t i, j, nb;
	int rc = -1;

	/* Blocks after padding: method 2 always adds 80; method 1 adds
	 * zeros only to fill the last block (one zero block for empty data). */
	nb = pad == SYM_PAD2 ? n / 8 + 1 : (n + 7) / 8;
	if (nb == 0)
		nb = 1;
	for (i = 0; i < nb; i++) {
		for (j = 0; j < 8; j++) {
			size_t k = 8 * i + j;
			block[j] = (k < n ? msg[k] : (k == n && pad == SYM_PAD2) ?
			    0x80 : 0) ^ h[j];
		}
		if (des1(key, block, h, 1) < 0)
			goto out;
	}
	/* Output transformation 3: decrypt with K_R, encrypt with K_L. */
	if (des1(key + 8, h, h, 0) < 0 || des1(key, h, mac, 1) < 0)
		goto out;
	rc = 0;
out:
	explicit_bzero(block, sizeof block);
	explicit_bzero(h, sizeof h);
	return rc;
}

void
sym_des_parity(uint8_t *key, size_t n)
{
	size_t i;
	uint8_t b;

	for (i = 0; i < n; i++) {
		b = key[i] & 0xFE;
		/* Odd parity: the low bit makes the count of ones odd. */
		key[i] = b | !(__builtin_popcount(b) & 1);
	}
}

int
sym_kcv(enum sym_alg alg, const uint8_t *key, uint8_t kcv[3])
{
	uint8_t in[16], out[16];
	size_t bl = sym_blocklen(alg);

	memset(in, bl == 16 ? 0x01 : 0x00, sizeof in);
	if (sym_ecb(alg, key, in, out, bl, 1) < 0)
		return -1;
	memcpy(kcv, out, 3);
	return 0;
}
