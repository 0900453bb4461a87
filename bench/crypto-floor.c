/* crypto-floor: the raw cost of the 3DES operations that data preparation
 * does per card, through the same OpenSSL EVP calls the stages use, with
 * no record parsing at all.  bench/prep divides each stage's time by this.
 *
 * Per card (counted from the stages' code):
 *   emv-derive  3 derivations of 2 blocks, 3 KCVs, 1 seal of 6 blocks
 *   emv-pin     1 block decrypted under KEK1, 1 block sealed under KEK2
 *   emv-track   3 card verification values (CVV, iCVV, CVV2), each one
 *               single-DES and one 3DES block
 * usage: crypto-floor derive|pin|track|all N   (prints CPU seconds) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sym.h"

static const uint8_t key[16] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,
	0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10
};

static void
derive(uint8_t *b)
{
	uint8_t kcv[3];
	int i;

	for (i = 0; i < 3; i++)
		sym_ecb(SYM_3DES2, key, b, b + 16 * i, 16, 1);
	for (i = 0; i < 3; i++)
		sym_kcv(SYM_3DES2, b + 16 * i, kcv);
	sym_ecb(SYM_3DES2, key, b, b, 48, 1);
}

static void
pin(uint8_t *b)
{
	sym_ecb(SYM_3DES2, key, b, b, 8, 0);
	sym_ecb(SYM_3DES2, key, b, b, 8, 1);
}

static void
track(uint8_t *b)
{
	uint8_t ka[16];
	int i;

	memcpy(ka, key, 8);
	memcpy(ka + 8, key, 8);
	for (i = 0; i < 3; i++) {
		sym_ecb(SYM_3DES2, ka, b, b, 8, 1);
		sym_ecb(SYM_3DES2, key, b, b, 8, 1);
	}
}

int
main(int argc, char *argv[])
{
	uint8_t b[48] = { 0 };
	long n, i;
	clock_t t0;
	int d, p, t;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: crypto-floor derive|pin|track|all N\n");
		return 2;
	}
	d = !strcmp(argv[1], "derive") || !strcmp(argv[1], "all");
	p = !strcmp(argv[1], "pin") || !strcmp(argv[1], "all");
	t = !strcmp(argv[1], "track") || !strcmp(argv[1], "all");
	t0 = clock();
	for (i = 0; i < n; i++) {
		if (d)
			derive(b);
		if (p)
			pin(b);
		if (t)
			track(b);
	}
	printf("%.3f\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
	return 0;
}
