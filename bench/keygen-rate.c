/* keygen-rate: RSA key pairs per second, rsagen (lib/rsagen.c) or stock
 * OpenSSL (EVP_PKEY_keygen with the same size and exponent).  bench/keygen
 * runs it; it prints one line:
 *
 *	GEN BITS E N SECONDS KEYS/S START END CPU
 *
 * SECONDS is wall-clock time, KEYS/S = N / SECONDS; START and END are the
 * wall clock (seconds since the epoch) around the N generations, so that a
 * driver can add up copies run side by side; CPU is the process's CPU
 * seconds (user + system), which other load on the machine does not
 * inflate.
 * usage: keygen-rate rsagen|stock BITS E N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "rsagen.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static EVP_PKEY *
stock(unsigned bits, unsigned long e)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pk = NULL;
	BIGNUM *be;

	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL)
		return NULL;
	if ((be = BN_new()) == NULL || !BN_set_word(be, e) ||
	    EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) != 1 ||
	    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, be) != 1 ||
	    EVP_PKEY_keygen(ctx, &pk) != 1)
		pk = NULL;
	BN_free(be);
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

int
main(int argc, char *argv[])
{
	char why[160];
	unsigned long e;
	unsigned bits;
	long n, i;
	double t0, t1;
	clock_t c0;
	EVP_PKEY *pk;
	int own;

	if (argc != 5 || (strcmp(argv[1], "rsagen") != 0 &&
	    strcmp(argv[1], "stock") != 0) ||
	    (bits = (unsigned)strtoul(argv[2], NULL, 10)) == 0 ||
	    (e = strtoul(argv[3], NULL, 10)) == 0 ||
	    (n = strtol(argv[4], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: keygen-rate rsagen|stock BITS E N\n");
		return 2;
	}
	own = strcmp(argv[1], "rsagen") == 0;
	t0 = now();
	c0 = clock();
	for (i = 0; i < n; i++) {
		why[0] = '\0';
		pk = own ? rsagen_generate(bits, e, why, sizeof why) :
		    stock(bits, e);
		if (pk == NULL) {
			fprintf(stderr, "keygen-rate: %s %u bits e=%lu: %s\n",
			    argv[1], bits, e, why[0] ? why : "failed");
			return 1;
		}
		EVP_PKEY_free(pk);
	}
	t1 = now();
	printf("%s %u %lu %ld %.3f %.1f %.6f %.6f %.3f\n", argv[1], bits, e,
	    n, t1 - t0, (double)n / (t1 - t0), t0, t1,
	    (double)(clock() - c0) / CLOCKS_PER_SEC);
	return 0;
}
