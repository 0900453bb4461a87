/* t-rsagen.c: RSA key generation (lib/rsagen.c).  Generated keys are
 * judged by OpenSSL's own code (EVP_PKEY_check, EVP_PKEY_private_check,
 * BN_check_prime, raw RSA operations) and by the FIPS 186-5 / SP 800-56B
 * conditions recomputed here; the Miller-Rabin round counts against FIPS
 * 186-5 Table B.1 and the Handbook of Applied Cryptography's Table 4.4
 * (tests/vectors/README.md). */
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "rsagen.h"
#include "unit.h"

static BN_CTX *ctx;

/* 2^e - 1 */
static BIGNUM *
mersenne(int e)
{
	BIGNUM *m = BN_new();

	BN_set_bit(m, e);
	BN_sub_word(m, 1);
	return m;
}

static void
rounds(void)
{
	/* FIPS 186-5 Table B.1 (p and q of 1024, 1536, 2048 bits): error
	 * 2^-100 column 4, 3, 2; error 2^-(strength) column 5, 4, 4. */
	static const unsigned b1[][3] = {
		{ 1024, 4, 5 }, { 1536, 3, 4 }, { 2048, 2, 4 },
	};
	/* HAC Table 4.4: rounds for error 2^-80 on random k-bit candidates. */
	static const unsigned hac[][2] = {
		{ 250, 12 }, { 300, 9 }, { 350, 8 }, { 400, 7 }, { 450, 6 },
		{ 550, 5 }, { 650, 4 }, { 850, 3 }, { 1300, 2 },
	};
	unsigned k, prev = 1000, mono = 1, i;

	for (i = 0; i < 3; i++) {
		CHECK(rsagen_mr_rounds(b1[i][0]) >= b1[i][1],
		    "rounds >= Table B.1 for 2^-100");
		CHECK_INT(rsagen_mr_rounds(b1[i][0]), b1[i][2],
		    "rounds = Table B.1 for 2^-(security strength)");
	}
	for (i = 0; i < sizeof hac / sizeof hac[0]; i++)
		CHECK(rsagen_mr_rounds(hac[i][0]) >= hac[i][1],
		    "rounds >= HAC Table 4.4 (2^-80)");
	/* Smaller primes need more rounds, never fewer. */
	for (k = 256; k <= 2048; k++) {
		if (rsagen_mr_rounds(k) > prev)
			mono = 0;
		prev = rsagen_mr_rounds(k);
	}
	CHECK(mono, "rounds never grow with the prime size");
	/* The EMV sizes: primes of 512 (1024-bit keys) to 992 bits (1984)
	 * need more than the 1024-bit row's 4 (2^-100) and 5 (2^-112). */
	CHECK_INT(rsagen_mr_rounds(512), 9, "512-bit primes: 9 rounds");
	CHECK_INT(rsagen_mr_rounds(704), 7, "704-bit primes: 7 rounds");
	CHECK_INT(rsagen_mr_rounds(992), 5, "992-bit primes: 5 rounds");
}

static void
miller_rabin(void)
{
	/* OEIS A014233: the least strong pseudoprimes to the first 1, 4, 7
	 * and 9 prime bases, and 561, the least Carmichael number (A002997):
	 * random bases still find them composite. */
	static const char *const spsp[] = {
		"561", "2047", "3215031751", "341550071728321",
		"3825123056546413051",
	};
	static const int mp[] = { 521, 607, 1279 }, mc[] = { 523, 1277 };
	BIGNUM *w = NULL, *a, *b;
	size_t i;
	int all;

	for (i = 0; i < 3; i++) {
		w = mersenne(mp[i]);
		CHECK_INT(rsagen_miller_rabin(w, 32, ctx), 1,
		    "Mersenne prime is probably prime");
		BN_free(w);
	}
	for (i = 0; i < 2; i++) {
		w = mersenne(mc[i]);
		CHECK_INT(rsagen_miller_rabin(w, 32, ctx), 0,
		    "composite Mersenne number is composite");
		BN_free(w);
	}
	w = NULL;
	for (i = 0, all = 1; i < sizeof spsp / sizeof spsp[0]; i++) {
		BN_dec2bn(&w, spsp[i]);
		if (rsagen_miller_rabin(w, 32, ctx) != 0)
			all = 0;
	}
	CHECK(all, "strong pseudoprimes to small bases are composite");
	a = mersenne(521);
	b = mersenne(607);
	BN_mul(w, a, b, ctx);
	CHECK_INT(rsagen_miller_rabin(w, 32, ctx), 0,
	    "product of two primes is composite");
	BN_set_word(w, 4);
	CHECK_INT(rsagen_miller_rabin(w, 1, ctx), -1, "even w refused");
	BN_set_word(w, 3);
	CHECK_INT(rsagen_miller_rabin(w, 1, ctx), -1, "w = 3 refused");
	BN_free(a);
	BN_free(b);
	BN_free(w);
}

static void
exponent_filter(void)
{
	BIGNUM *c = BN_new(), *m521 = mersenne(521);
	BIGNUM *add = BN_new(), *rem = BN_new();

	BN_set_word(c, 7);
	CHECK_INT(rsagen_e_coprime(c, 3), 0, "7 - 1 = 6 shares 3 with e = 3");
	BN_set_word(c, 5);
	CHECK_INT(rsagen_e_coprime(c, 3), 1, "5 - 1 = 4 is coprime to 3");
	BN_set_word(c, 65538);
	CHECK_INT(rsagen_e_coprime(c, 65537), 0, "65537 | 65538 - 1");
	BN_set_word(c, 2 * 65537 + 1);
	CHECK_INT(rsagen_e_coprime(c, 65537), 0, "65537 | 2 * 65537");
	BN_set_word(c, 65539);
	CHECK_INT(rsagen_e_coprime(c, 65537), 1, "65539 - 1 coprime to 65537");
	CHECK_INT(rsagen_e_coprime(c, 4), -1, "even e refused");

	/* Primes from OpenSSL's own generator, of either class mod e: the
	 * one with p = 1 mod e is refused before any Miller-Rabin round (a
	 * round could only have said prime). */
	BN_set_word(add, 3);
	BN_set_word(rem, 1);
	BN_generate_prime_ex(c, 512, 0, add, rem, NULL);
	CHECK_INT(BN_mod_word(c, 3), 1, "OpenSSL prime p = 1 mod 3");
	CHECK_INT(rsagen_candidate(c, 3, ctx), RSAGEN_REJECT_E,
	    "prime p = 1 mod 3 rejected before Miller-Rabin");
	CHECK(rsagen_candidate(c, 65537, ctx) == RSAGEN_PRIME ||
	    BN_mod_word(c, 65537) == 1, "same prime passes for e = 65537");
	BN_set_word(rem, 2);
	BN_generate_prime_ex(c, 512, 0, add, rem, NULL);
	CHECK_INT(rsagen_candidate(c, 3, ctx), RSAGEN_PRIME,
	    "prime p = 2 mod 3 passes");
	BN_set_word(add, 65537);
	BN_set_word(rem, 1);
	BN_generate_prime_ex(c, 512, 0, add, rem, NULL);
	CHECK_INT(rsagen_candidate(c, 65537, ctx), RSAGEN_REJECT_E,
	    "prime p = 1 mod 65537 rejected before Miller-Rabin");
	/* 2^521 - 1 = 1 mod 3 (odd power of 2), 511 mod 65537. */
	CHECK_INT(rsagen_candidate(m521, 3, ctx), RSAGEN_REJECT_E,
	    "M521 rejected for e = 3");
	CHECK_INT(rsagen_candidate(m521, 65537, ctx), RSAGEN_PRIME,
	    "M521 passes for e = 65537");
	BN_free(c);
	BN_free(m521);
	BN_free(add);
	BN_free(rem);
}

/* The sieve against direct division of every candidate of a window. */
static void
sieve_window(unsigned long e, const BIGNUM *start, const char *what)
{
	static unsigned short primes[4000];
	static size_t np;
	unsigned char keep[600];
	BIGNUM *c = BN_new();
	size_t j, i;
	int ok = 1, want;

	if (np == 0)
		for (unsigned p = 3; p < RSAGEN_SIEVE_BOUND; p += 2) {
			for (i = 0; i < np && primes[i] * primes[i] <= p; i++)
				if (p % primes[i] == 0)
					break;
			if (i == np || primes[i] * primes[i] > p)
				primes[np++] = (unsigned short)p;
		}
	CHECK_INT(rsagen_sieve(start, e, keep, sizeof keep), 0, what);
	for (j = 0; j < sizeof keep; j++) {
		BN_copy(c, start);
		BN_add_word(c, 2 * j);
		want = BN_mod_word(c, e) != 1;
		for (i = 0; i < np && want; i++)
			if (BN_mod_word(c, primes[i]) == 0)
				want = 0;
		if (keep[j] != want)
			ok = 0;
	}
	CHECK(ok, "sieve keeps exactly the candidates with no small factor "
	    "and c != 1 mod e");
	BN_free(c);
}

static void
sieve(void)
{
	BIGNUM *s = BN_new();
	unsigned char keep[64];
	size_t j;
	int ok;

	BN_priv_rand_ex(s, 512, BN_RAND_TOP_TWO, BN_RAND_BOTTOM_ODD, 0, ctx);
	sieve_window(3, s, "sieve, e = 3");
	sieve_window(65537, s, "sieve, e = 65537");
	/* A start = 1 mod 3: every third candidate is struck for e. */
	while (BN_mod_word(s, 3) != 1)
		BN_add_word(s, 2);
	rsagen_sieve(s, 3, keep, sizeof keep);
	for (j = 0, ok = 1; j < sizeof keep; j += 3)
		if (keep[j])
			ok = 0;
	CHECK(ok, "candidates = 1 mod 3 struck");
	sieve_window(3, s, "sieve, start = 1 mod 3");
	/* A start = 1 mod 65537. */
	BN_priv_rand_ex(s, 490, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY, 0, ctx);
	BN_clear_bit(s, 0);
	BN_mul_word(s, 65537);
	BN_add_word(s, 1);
	rsagen_sieve(s, 65537, keep, sizeof keep);
	CHECK_INT(keep[0], 0, "candidate = 1 mod 65537 struck");
	sieve_window(65537, s, "sieve, start = 1 mod 65537");
	BN_sub_word(s, 1);
	CHECK_INT(rsagen_sieve(s, 3, keep, sizeof keep), -1, "even start refused");
	BN_add_word(s, 1);
	CHECK_INT(rsagen_sieve(s, 5, keep, sizeof keep), -1, "e = 5 refused");
	BN_free(s);
}

static BIGNUM *
param(const EVP_PKEY *pk, const char *name)
{
	BIGNUM *b = NULL;

	EVP_PKEY_get_bn_param(pk, name, &b);
	return b;
}

/* Raw RSA both ways through OpenSSL: encrypt/decrypt and sign/recover. */
static int
roundtrip(EVP_PKEY *pk, size_t len)
{
	unsigned char m[512], c[512], back[512];
	size_t clen = sizeof c, blen = sizeof back;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(pk, NULL);
	int ok;

	memset(m, 0x5A, len);
	m[0] = 0;
	ok = pc != NULL && EVP_PKEY_encrypt_init(pc) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_NO_PADDING) == 1 &&
	    EVP_PKEY_encrypt(pc, c, &clen, m, len) == 1 &&
	    EVP_PKEY_decrypt_init(pc) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_NO_PADDING) == 1 &&
	    EVP_PKEY_decrypt(pc, back, &blen, c, clen) == 1 &&
	    blen == len && memcmp(back, m, len) == 0;
	clen = sizeof c;
	blen = sizeof back;
	ok = ok && EVP_PKEY_sign_init(pc) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_NO_PADDING) == 1 &&
	    EVP_PKEY_sign(pc, c, &clen, m, len) == 1 &&
	    EVP_PKEY_verify_recover_init(pc) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_NO_PADDING) == 1 &&
	    EVP_PKEY_verify_recover(pc, back, &blen, c, clen) == 1 &&
	    blen == len && memcmp(back, m, len) == 0;
	EVP_PKEY_CTX_free(pc);
	return ok;
}

/* One generated key judged by OpenSSL and by the conditions here. */
static void
judge(EVP_PKEY *pk, unsigned bits, unsigned long e)
{
	BIGNUM *n = param(pk, OSSL_PKEY_PARAM_RSA_N);
	BIGNUM *be = param(pk, OSSL_PKEY_PARAM_RSA_E);
	BIGNUM *d = param(pk, OSSL_PKEY_PARAM_RSA_D);
	BIGNUM *p = param(pk, OSSL_PKEY_PARAM_RSA_FACTOR1);
	BIGNUM *q = param(pk, OSSL_PKEY_PARAM_RSA_FACTOR2);
	BIGNUM *t = BN_new(), *p1 = BN_new(), *q1 = BN_new(), *g = BN_new();
	BIGNUM *lcm = BN_new();
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(pk, NULL);
	unsigned k = bits / 2;
	char why[160];
	int ok;

	CHECK_INT(EVP_PKEY_get_bits(pk), bits, "key has exactly the bits asked");
	CHECK_INT(BN_num_bits(n), bits, "n has exactly the bits asked");
	CHECK(BN_is_word(be, e), "e as asked");
	CHECK_INT(EVP_PKEY_check(pc), 1, "OpenSSL EVP_PKEY_check");
	CHECK_INT(EVP_PKEY_private_check(pc), 1, "OpenSSL EVP_PKEY_private_check");
	CHECK_INT(EVP_PKEY_public_check(pc), 1, "OpenSSL EVP_PKEY_public_check");
	CHECK_INT(BN_check_prime(p, ctx, NULL), 1, "p prime (BN_check_prime)");
	CHECK_INT(BN_check_prime(q, ctx, NULL), 1, "q prime (BN_check_prime)");
	CHECK(BN_num_bits(p) == (int)k && BN_num_bits(q) == (int)k &&
	    BN_is_bit_set(p, (int)k - 2) && BN_is_bit_set(q, (int)k - 2),
	    "p, q: nlen/2 bits, top two set (>= sqrt(2) * 2^(nlen/2 - 1))");
	CHECK(BN_cmp(p, q) > 0, "p > q");
	CHECK(BN_mod_word(p, e) != 1 && BN_mod_word(q, e) != 1,
	    "p, q != 1 mod e");
	BN_sub(t, p, q);
	CHECK(BN_num_bits(t) > (int)k - 99, "|p - q| > 2^(nlen/2 - 100)");
	BN_sub(p1, p, BN_value_one());
	BN_sub(q1, q, BN_value_one());
	BN_gcd(g, p1, q1, ctx);
	BN_mul(t, p1, q1, ctx);
	BN_div(lcm, NULL, t, g, ctx);
	CHECK(BN_num_bits(d) > (int)k && BN_cmp(d, lcm) < 0,
	    "2^(nlen/2) < d < LCM(p - 1, q - 1)");
	BN_mod_mul(t, d, be, lcm, ctx);
	CHECK(BN_is_one(t), "e * d = 1 mod LCM(p - 1, q - 1)");
	CHECK(roundtrip(pk, bits / 8), "raw RSA round trips");
	ok = rsagen_check(pk, bits, 1, why, sizeof why) == 0;
	CHECK(ok, "rsagen_check with the primality tests");
	if (!ok)
		printf("#   %s\n", why);
	EVP_PKEY_CTX_free(pc);
	BN_free(n);
	BN_free(be);
	BN_clear_free(d);
	BN_clear_free(p);
	BN_clear_free(q);
	BN_free(t);
	BN_free(p1);
	BN_free(q1);
	BN_free(g);
	BN_free(lcm);
}

static void
generate(void)
{
	static const unsigned sizes[] = { 1024, 1152, 1408, 1984 };
	static const unsigned long exps[] = { 3, 65537 };
	char why[160], what[80];
	EVP_PKEY *a, *b;
	size_t i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 2; j++) {
			snprintf(what, sizeof what, "%u bits, e = %lu: generated",
			    sizes[i], exps[j]);
			a = rsagen_generate(sizes[i], exps[j], why, sizeof why);
			b = rsagen_generate(sizes[i], exps[j], why, sizeof why);
			CHECK(a != NULL && b != NULL, what);
			if (a == NULL || b == NULL) {
				printf("#   %s\n", why);
				EVP_PKEY_free(a);
				EVP_PKEY_free(b);
				continue;
			}
			judge(a, sizes[i], exps[j]);
			judge(b, sizes[i], exps[j]);
			CHECK(EVP_PKEY_eq(a, b) != 1, "two keys differ");
			EVP_PKEY_free(a);
			EVP_PKEY_free(b);
		}
	a = rsagen_generate(512, 3, why, sizeof why);
	CHECK(a != NULL && EVP_PKEY_get_bits(a) == 512, "512 bits (smallest)");
	EVP_PKEY_free(a);
}

static void
refused(void)
{
	char why[160];

	CHECK(rsagen_generate(1020, 3, why, sizeof why) == NULL,
	    "1020 bits refused");
	CHECK_STR(why, "modulus of 1020 bits: must be a multiple of 8 from "
	    "512 to 4096", "reason for the size");
	CHECK(rsagen_generate(504, 3, why, sizeof why) == NULL, "504 refused");
	CHECK(rsagen_generate(4104, 3, why, sizeof why) == NULL, "4104 refused");
	CHECK(rsagen_generate(1024, 5, why, sizeof why) == NULL, "e = 5 refused");
	CHECK_STR(why, "public exponent 5: must be 3 or 65537",
	    "reason for the exponent");
	CHECK(rsagen_generate(1024, 17, NULL, 0) == NULL,
	    "e = 17 refused, no reason buffer");
}

/* A key from components (not checked by OpenSSL on import). */
static EVP_PKEY *
assemble(BIGNUM *const v[8])
{
	static const char *const names[8] = {
		OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E,
		OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1,
		OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
		OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	};
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *ps;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pk = NULL;
	int i;

	for (i = 0; i < 8; i++)
		OSSL_PARAM_BLD_push_BN(b, names[i], v[i]);
	ps = OSSL_PARAM_BLD_to_param(b);
	if (EVP_PKEY_fromdata_init(pc) != 1 ||
	    EVP_PKEY_fromdata(pc, &pk, EVP_PKEY_KEYPAIR, ps) != 1)
		pk = NULL;
	OSSL_PARAM_free(ps);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(pc);
	return pk;
}

/* d, dP, dQ, qInv and n from p, q and e in v (indices as assemble). */
static void
complete(BIGNUM *v[8])
{
	BIGNUM *p1 = BN_new(), *q1 = BN_new(), *g = BN_new(), *t = BN_new();

	BN_mul(v[0], v[3], v[4], ctx);
	BN_sub(p1, v[3], BN_value_one());
	BN_sub(q1, v[4], BN_value_one());
	BN_gcd(g, p1, q1, ctx);
	BN_mul(t, p1, q1, ctx);
	BN_div(t, NULL, t, g, ctx);
	BN_mod_inverse(v[2], v[1], t, ctx);
	BN_mod(v[5], v[2], p1, ctx);
	BN_mod(v[6], v[2], q1, ctx);
	BN_mod_inverse(v[7], v[4], v[3], ctx);
	BN_free(p1);
	BN_free(q1);
	BN_free(g);
	BN_free(t);
}

/* rsagen_check on the (tampered) key v must fail for reason. */
static void
bad_key(BIGNUM *v[8], int primes, const char *reason, const char *what)
{
	char why[160];
	EVP_PKEY *pk = assemble(v);

	CHECK(pk != NULL, "tampered key assembled");
	CHECK_INT(rsagen_check(pk, 1024, primes, why, sizeof why), -1, what);
	CHECK_STR(why, reason, "the condition that failed is named");
	EVP_PKEY_free(pk);
}

static void
check_refuses(void)
{
	static const char *const names[8] = {
		OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E,
		OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1,
		OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
		OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	};
	BIGNUM *v[8], *keep, *lcm = BN_new(), *t = BN_new();
	char why[160];
	EVP_PKEY *pk;
	int i;

	pk = rsagen_generate(1024, 3, why, sizeof why);
	CHECK(pk != NULL, "1024-bit key for the tampering tests");
	if (pk == NULL)
		return;
	for (i = 0; i < 8; i++)
		v[i] = param(pk, names[i]);
	CHECK_INT(rsagen_check(pk, 1024, 1, why, sizeof why), 0, "intact key passes");
	CHECK_INT(rsagen_check(pk, 1032, 0, why, sizeof why), -1, "other size");
	CHECK_STR(why, "SP 800-56B key check failed: modulus length",
	    "modulus length named");
	EVP_PKEY_free(pk);

	BN_add_word(v[5], 2);
	bad_key(v, 0, "SP 800-56B key check failed: dP = d mod (p - 1)",
	    "dP + 2 refused");
	BN_sub_word(v[5], 2);
	BN_add_word(v[7], 1);
	bad_key(v, 0, "SP 800-56B key check failed: qInv * q = 1 mod p",
	    "qInv + 1 refused");
	BN_sub_word(v[7], 1);
	BN_add_word(v[0], 2);
	bad_key(v, 0, "SP 800-56B key check failed: n = p * q", "n + 2 refused");
	BN_sub_word(v[0], 2);
	/* d + (p - 1)(q - 1), a multiple of the LCM: still inverts e, but
	 * is out of range. */
	BN_sub(t, v[3], BN_value_one());
	BN_sub(lcm, v[4], BN_value_one());
	BN_mul(lcm, lcm, t, ctx);
	keep = BN_dup(v[2]);
	BN_add(v[2], v[2], lcm);
	bad_key(v, 0, "SP 800-56B key check failed: 2^(nlen/2) < d < "
	    "LCM(p - 1, q - 1)", "d + (p - 1)(q - 1) refused");
	BN_copy(v[2], keep);
	BN_free(keep);

	/* q the next prime = 2 mod 3 above p: |p - q| far too small. */
	keep = BN_dup(v[4]);
	BN_copy(v[4], v[3]);
	do
		BN_add_word(v[4], 2);
	while (BN_mod_word(v[4], 3) != 2 || BN_check_prime(v[4], ctx, NULL) != 1);
	complete(v);
	bad_key(v, 0, "SP 800-56B key check failed: |p - q| > 2^(nlen/2 - 100)",
	    "p and q close together refused");
	BN_copy(v[4], keep);
	BN_free(keep);

	/* p made composite (a multiple of 5, still 2 mod 3). */
	keep = BN_dup(v[3]);
	do
		BN_add_word(v[3], 6);
	while (BN_mod_word(v[3], 5) != 0);
	complete(v);
	bad_key(v, 1, "SP 800-56B key check failed: p and q prime",
	    "composite p refused by the primality test");
	bad_key(v, 0, "pairwise consistency test failed",
	    "composite p refused by the pairwise test");
	BN_copy(v[3], keep);
	BN_free(keep);
	complete(v);
	pk = assemble(v);
	CHECK_INT(rsagen_check(pk, 1024, 1, why, sizeof why), 0,
	    "restored key passes again");
	EVP_PKEY_free(pk);
	for (i = 0; i < 8; i++)
		BN_clear_free(v[i]);
	BN_free(lcm);
	BN_free(t);
}

int
main(void)
{
	ctx = BN_CTX_new();
	rounds();
	miller_rabin();
	exponent_filter();
	sieve();
	generate();
	refused();
	check_refuses();
	BN_CTX_free(ctx);
	return unit_done();
}
