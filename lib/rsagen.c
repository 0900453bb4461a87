/* rsagen.c: RSA key pair generation on OpenSSL BN (see rsagen.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "rsagen.h"

#define SIEVE_ODD (RSAGEN_SIEVE_BOUND / 2)	/* odd numbers 1, 3, ... below */
#define WINDOW_MAX (5 * RSAGEN_BITS_MAX / 2)
#define ATTEMPTS 64		/* A.1.3 runs before giving up */
#define RNG_STRENGTH 128	/* bits of security asked of the DRBG */

static int
fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

unsigned
rsagen_mr_rounds(unsigned pbits)
{
	/* FIPS 186-5 C.1 evaluated for error 2^-112: the least t with
	 * p(k,t) <= 2^-112, over the minimum of the bound on M.  It gives
	 * Table B.1's rows back (k = 1024: 4 rounds at 2^-100, 5 at 2^-112;
	 * k = 1536: 3 and 4 at 2^-128; k = 2048: 2 and 4 at 2^-144); each
	 * row below holds from its k up to the next row's. */
	static const struct {
		unsigned k, t;
	} c1[] = {
		{ 852, 5 }, { 715, 6 }, { 619, 7 }, { 547, 8 }, { 491, 9 },
		{ 447, 10 }, { 411, 11 }, { 381, 12 }, { 356, 13 },
		{ 335, 14 }, { 316, 15 }, { 300, 16 }, { 286, 17 },
		{ 274, 18 }, { 262, 19 }, { 251, 20 },
	};
	size_t i;

	/* Table B.1, error 2^-(security strength): 5 for 1024-bit primes
	 * (2^-112), 4 for 1536 (2^-128) and 2048 (2^-144). */
	if (pbits >= 1536)
		return 4;
	if (pbits >= 1024)
		return 5;
	for (i = 0; i < sizeof c1 / sizeof c1[0]; i++)
		if (pbits >= c1[i].k)
			return c1[i].t;
	return 64;
}

int
rsagen_e_coprime(const BIGNUM *c, unsigned long e)
{
	BN_ULONG r;
	unsigned long a, b, t;

	if (e < 3 || e % 2 == 0 || e > 0xFFFFFFFFUL)
		return -1;
	if ((r = BN_mod_word(c, (BN_ULONG)e)) == (BN_ULONG)-1)
		return -1;
	/* GCD(c - 1, e) = GCD((c - 1) mod e, e), in machine words. */
	a = ((unsigned long)r + e - 1) % e;
	b = e;
	while (a != 0) {
		t = b % a;
		b = a;
		a = t;
	}
	return b == 1;
}

int
rsagen_miller_rabin(const BIGNUM *w, unsigned rounds, BN_CTX *ctx)
{
	BIGNUM *w1, *w3, *m, *b, *z;
	BN_MONT_CTX *mont = NULL;
	int a, j, ret = -1;
	unsigned i;

	if (!BN_is_odd(w) || BN_cmp(w, BN_value_one()) <= 0 ||
	    BN_is_word(w, 3))
		return -1;
	BN_CTX_start(ctx);
	w1 = BN_CTX_get(ctx);
	w3 = BN_CTX_get(ctx);
	m = BN_CTX_get(ctx);
	b = BN_CTX_get(ctx);
	if ((z = BN_CTX_get(ctx)) == NULL)
		goto out;
	/* B.3.1 steps 1-2: w - 1 = 2^a * m with m odd. */
	if (!BN_copy(w1, w) || !BN_sub_word(w1, 1) || !BN_copy(w3, w) ||
	    !BN_sub_word(w3, 3))
		goto out;
	for (a = 1; !BN_is_bit_set(w1, a); a++)
		;
	if (!BN_rshift(m, w1, a))
		goto out;
	BN_set_flags(m, BN_FLG_CONSTTIME);
	if ((mont = BN_MONT_CTX_new()) == NULL ||
	    !BN_MONT_CTX_set(mont, w, ctx))
		goto out;
	for (i = 0; i < rounds; i++) {
		/* Step 4.1-4.2: b uniform in [2, w - 2]. */
		if (!BN_priv_rand_range_ex(b, w3, RNG_STRENGTH, ctx) ||
		    !BN_add_word(b, 2))
			goto out;
		/* Step 4.3-4.4: z = b^m mod w; 1 or w - 1 passes. */
		if (!BN_mod_exp_mont_consttime(z, b, m, w, ctx, mont))
			goto out;
		if (BN_is_one(z) || BN_cmp(z, w1) == 0)
			continue;
		/* Step 4.5: square up to a - 1 times, looking for w - 1. */
		for (j = 1; j < a; j++) {
			if (!BN_mod_sqr(z, z, w, ctx))
				goto out;
			if (BN_cmp(z, w1) == 0 || BN_is_one(z))
				break;
		}
		if (j == a || BN_is_one(z)) {
			ret = 0;	/* step 4.6: COMPOSITE */
			goto out;
		}
	}
	ret = 1;
out:
	BN_MONT_CTX_free(mont);
	BN_CTX_end(ctx);
	return ret;
}

int
rsagen_candidate(const BIGNUM *c, unsigned long e, BN_CTX *ctx)
{
	int r;

	if ((r = rsagen_e_coprime(c, e)) <= 0)
		return r < 0 ? -1 : RSAGEN_REJECT_E;
	r = rsagen_miller_rabin(c, rsagen_mr_rounds((unsigned)BN_num_bits(c)),
	    ctx);
	return r < 0 ? -1 : r ? RSAGEN_PRIME : RSAGEN_COMPOSITE;
}

/* Strike the candidates start + 2j = target (mod p), where r = start mod p:
 * 2j = target - r (mod p), j0 = (target - r) * 2^-1 mod p. */
static void
strike(unsigned char *keep, size_t w, uint32_t p, uint32_t r, uint32_t target)
{
	size_t j;

	j = (size_t)((uint64_t)((target + p - r) % p) * ((p + 1) / 2) % p);
	for (; j < w; j += p)
		keep[j] = 0;
}

int
rsagen_sieve(const BIGNUM *start, unsigned long e, unsigned char *keep,
    size_t w)
{
	unsigned char comp[SIEVE_ODD];	/* comp[i]: 2i + 1 is composite */
	uint32_t p, held = 0;
	BN_ULONG r;
	size_t i, j;

	if (!BN_is_odd(start) || (e != 3 && e != 65537))
		return -1;
	memset(keep, 1, w);
	memset(comp, 0, sizeof comp);
	for (i = 1; i < SIEVE_ODD; i++) {
		if (comp[i])
			continue;
		p = (uint32_t)(2 * i + 1);
		for (j = (size_t)p * p / 2; j < SIEVE_ODD; j += p)
			comp[j] = 1;
		/* Two primes per BN_mod_word: their product is below 2^32. */
		if (held == 0) {
			held = p;
			continue;
		}
		if ((r = BN_mod_word(start, (BN_ULONG)held * p)) ==
		    (BN_ULONG)-1)
			return -1;
		strike(keep, w, held, (uint32_t)(r % held), 0);
		strike(keep, w, p, (uint32_t)(r % p), 0);
		held = 0;
	}
	if (held != 0) {
		if ((r = BN_mod_word(start, held)) == (BN_ULONG)-1)
			return -1;
		strike(keep, w, held, (uint32_t)r, 0);
	}
	/* FIPS 186-5 A.1.3 4.5: e prime, so GCD(c - 1, e) = 1 unless c = 1
	 * mod e.  For e = 3 a third of the window goes here. */
	if ((r = BN_mod_word(start, e)) == (BN_ULONG)-1)
		return -1;
	strike(keep, w, (uint32_t)e, (uint32_t)r, 1);
	return 0;
}

/* |a - b| > 2^(k - 100) (FIPS 186-5 A.1.1, checked in A.1.3 step 5). */
static int
far_apart(const BIGNUM *a, const BIGNUM *b, unsigned k, BN_CTX *ctx)
{
	BIGNUM *d, *bound;
	int ok = -1;

	BN_CTX_start(ctx);
	d = BN_CTX_get(ctx);
	if ((bound = BN_CTX_get(ctx)) != NULL && BN_sub(d, a, b) &&
	    BN_set_word(bound, 0) && BN_set_bit(bound, (int)k - 100)) {
		BN_set_negative(d, 0);
		ok = BN_cmp(d, bound) > 0;
	}
	BN_CTX_end(ctx);
	return ok;
}

/* One run of FIPS 186-5 A.1.3 step 4 (p) or 5 (q, other = p, which it
 * must be far from): a fresh random start of k bits with the top two bits
 * set, odd, and the 5 * k odd numbers from it (the iteration bound of step
 * 4.7), sieved, then tested in order.  Returns 0 with the prime in out,
 * 1 when the window held none (A.1.3 FAILURE), -1 on error. */
static int
find_prime(BIGNUM *out, unsigned k, unsigned long e, const BIGNUM *other,
    BN_CTX *ctx)
{
	unsigned char keep[WINDOW_MAX];
	size_t w = 5 * (size_t)k, j, at;
	BIGNUM *start, *c;
	int r, ret = -1;

	BN_CTX_start(ctx);
	start = BN_CTX_get(ctx);
	if ((c = BN_CTX_get(ctx)) == NULL ||
	    !BN_priv_rand_ex(start, (int)k, BN_RAND_TOP_TWO, BN_RAND_BOTTOM_ODD,
	    RNG_STRENGTH, ctx) ||
	    rsagen_sieve(start, e, keep, w) != 0 || !BN_copy(c, start))
		goto out;
	ret = 1;
	for (j = at = 0; j < w; j++) {
		if (!keep[j])
			continue;
		if (!BN_add_word(c, (BN_ULONG)(2 * (j - at)))) {
			ret = -1;
			break;
		}
		at = j;
		if ((unsigned)BN_num_bits(c) != k)
			break;	/* ran past 2^k - 1 */
		if (other != NULL && (r = far_apart(c, other, k, ctx)) <= 0) {
			if (r < 0) {
				ret = -1;
				break;
			}
			continue;
		}
		if ((r = rsagen_candidate(c, e, ctx)) != RSAGEN_PRIME &&
		    r != RSAGEN_REJECT_E && r != RSAGEN_COMPOSITE) {
			ret = -1;
			break;
		}
		if (r == RSAGEN_PRIME) {
			ret = BN_copy(out, c) ? 0 : -1;
			break;
		}
	}
out:
	OPENSSL_cleanse(keep, sizeof keep);
	BN_CTX_end(ctx);
	return ret;
}

/* n, the private exponent d = e^-1 mod LCM(p - 1, q - 1) and the CRT
 * parameters of p > q (FIPS 186-5 A.1.1).  Returns 0, 1 when d <=
 * 2^(nlen/2) (new primes are needed), -1 on error. */
static int
derive(const BIGNUM *p, const BIGNUM *q, const BIGNUM *e, unsigned k,
    BIGNUM *n, BIGNUM *d, BIGNUM *dp, BIGNUM *dq, BIGNUM *qinv, BN_CTX *ctx)
{
	BIGNUM *p1, *q1, *g, *lcm, *t;
	int ret = -1;

	BN_CTX_start(ctx);
	p1 = BN_CTX_get(ctx);
	q1 = BN_CTX_get(ctx);
	g = BN_CTX_get(ctx);
	lcm = BN_CTX_get(ctx);
	if ((t = BN_CTX_get(ctx)) == NULL)
		goto out;
	BN_set_flags(p1, BN_FLG_CONSTTIME);
	BN_set_flags(q1, BN_FLG_CONSTTIME);
	BN_set_flags(lcm, BN_FLG_CONSTTIME);
	BN_set_flags(t, BN_FLG_CONSTTIME);
	if (!BN_mul(n, p, q, ctx) || !BN_sub(p1, p, BN_value_one()) ||
	    !BN_sub(q1, q, BN_value_one()) || !BN_gcd(g, p1, q1, ctx) ||
	    !BN_mul(t, p1, q1, ctx) || !BN_div(lcm, NULL, t, g, ctx))
		goto out;
	if (BN_mod_inverse(d, e, lcm, ctx) == NULL)
		goto out;
	if (BN_num_bits(d) <= (int)k) {
		ret = 1;	/* d <= 2^k: FIPS 186-5 A.1.1 */
		goto out;
	}
	if (!BN_mod(dp, d, p1, ctx) || !BN_mod(dq, d, q1, ctx) ||
	    BN_mod_inverse(qinv, q, p, ctx) == NULL)
		goto out;
	ret = 0;
out:
	BN_CTX_end(ctx);
	return ret;
}

static EVP_PKEY *
build(const BIGNUM *n, const BIGNUM *e, const BIGNUM *d, const BIGNUM *p,
    const BIGNUM *q, const BIGNUM *dp, const BIGNUM *dq, const BIGNUM *qinv)
{
	OSSL_PARAM_BLD *b;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pc = NULL;
	EVP_PKEY *pk = NULL;

	if ((b = OSSL_PARAM_BLD_new()) == NULL)
		return NULL;
	if (OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e) &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_D, d) &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_FACTOR1, p) &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_FACTOR2, q) &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv) &&
	    (params = OSSL_PARAM_BLD_to_param(b)) != NULL &&
	    (pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) != NULL &&
	    EVP_PKEY_fromdata_init(pc) == 1 &&
	    EVP_PKEY_fromdata(pc, &pk, EVP_PKEY_KEYPAIR, params) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(pc);
	OSSL_PARAM_free(params);	/* clears the secure part */
	OSSL_PARAM_BLD_free(b);
	return pk;
}

EVP_PKEY *
rsagen_generate(unsigned bits, unsigned long e, char *why, size_t whylen)
{
	BIGNUM *p, *q, *n, *d, *dp, *dq, *qinv, *be;
	EVP_PKEY *pk = NULL;
	BN_CTX *ctx;
	unsigned k = bits / 2;
	int i, r = 1;

	if (bits < RSAGEN_BITS_MIN || bits > RSAGEN_BITS_MAX || bits % 8) {
		fail(why, whylen, "modulus of %u bits: must be a multiple of "
		    "8 from %d to %d", bits, RSAGEN_BITS_MIN, RSAGEN_BITS_MAX);
		return NULL;
	}
	if (e != 3 && e != 65537) {
		fail(why, whylen, "public exponent %lu: must be 3 or 65537", e);
		return NULL;
	}
	ctx = BN_CTX_secure_new();
	p = BN_secure_new();
	q = BN_secure_new();
	n = BN_new();
	d = BN_secure_new();
	dp = BN_secure_new();
	dq = BN_secure_new();
	qinv = BN_secure_new();
	be = BN_new();
	if (ctx == NULL || p == NULL || q == NULL || n == NULL || d == NULL ||
	    dp == NULL || dq == NULL || qinv == NULL || be == NULL ||
	    !BN_set_word(be, e)) {
		fail(why, whylen, "out of memory");
		goto out;
	}
	BN_set_flags(p, BN_FLG_CONSTTIME);
	BN_set_flags(q, BN_FLG_CONSTTIME);
	for (i = 0; i < ATTEMPTS && r == 1; i++) {
		if ((r = find_prime(p, k, e, NULL, ctx)) != 0 ||
		    (r = find_prime(q, k, e, p, ctx)) != 0)
			continue;
		if (BN_cmp(p, q) < 0)
			BN_swap(p, q);
		r = derive(p, q, be, k, n, d, dp, dq, qinv, ctx);
	}
	if (r != 0) {
		fail(why, whylen, r < 0 ? "OpenSSL failure while generating "
		    "primes" : "no prime found (random generator failure?)");
		goto out;
	}
	if ((pk = build(n, be, d, p, q, dp, dq, qinv)) == NULL) {
		fail(why, whylen, "OpenSSL failure building the key");
		goto out;
	}
	if (rsagen_check(pk, bits, 0, why, whylen) != 0) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
out:
	BN_clear_free(p);
	BN_clear_free(q);
	BN_clear_free(n);
	BN_clear_free(d);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_clear_free(qinv);
	BN_clear_free(be);
	BN_CTX_free(ctx);
	return pk;
}

/* Raw RSA round trip of a random value below n: public then private. */
static int
pairwise(const EVP_PKEY *cpk, size_t len)
{
	unsigned char m[RSAGEN_BITS_MAX / 8], c[RSAGEN_BITS_MAX / 8];
	unsigned char back[RSAGEN_BITS_MAX / 8];
	EVP_PKEY *pk = (EVP_PKEY *)cpk;	/* EVP_PKEY_CTX_new takes no const */
	EVP_PKEY_CTX *pc;
	size_t clen = sizeof c, blen = sizeof back;
	BIGNUM *x;
	int ok = 0;

	/* A random value with its top byte 00 is below n; the public result
	 * must differ from it (a fixed point would prove nothing). */
	if ((x = BN_secure_new()) == NULL ||
	    !BN_priv_rand_ex(x, (int)(len - 1) * 8, BN_RAND_TOP_ONE,
	    BN_RAND_BOTTOM_ANY, RNG_STRENGTH, NULL) ||
	    BN_bn2binpad(x, m, (int)len) != (int)len) {
		BN_clear_free(x);
		return 0;
	}
	BN_clear_free(x);
	if ((pc = EVP_PKEY_CTX_new(pk, NULL)) != NULL &&
	    EVP_PKEY_encrypt_init(pc) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_NO_PADDING) == 1 &&
	    EVP_PKEY_encrypt(pc, c, &clen, m, len) == 1 && clen == len &&
	    memcmp(c, m, len) != 0 &&
	    EVP_PKEY_decrypt_init(pc) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_NO_PADDING) == 1 &&
	    EVP_PKEY_decrypt(pc, back, &blen, c, clen) == 1 &&
	    blen == len && CRYPTO_memcmp(back, m, len) == 0)
		ok = 1;
	EVP_PKEY_CTX_free(pc);
	OPENSSL_cleanse(m, sizeof m);
	OPENSSL_cleanse(back, sizeof back);
	return ok;
}

enum { C_N, C_E, C_D, C_P, C_Q, C_DP, C_DQ, C_QINV, C_NPARAM };

/* The SP 800-56B conditions on the components v (see rsagen.h); returns
 * NULL or the name of the first condition that fails. */
static const char *
conditions(BIGNUM *const *v, unsigned bits, int primes, BN_CTX *ctx)
{
	BIGNUM *t, *p1, *q1, *g, *lcm;
	const BIGNUM *p = v[C_P], *q = v[C_Q], *d = v[C_D], *e = v[C_E];
	unsigned k = bits / 2;
	const char *bad = "OpenSSL failure";
	int r;

	BN_CTX_start(ctx);
	t = BN_CTX_get(ctx);
	p1 = BN_CTX_get(ctx);
	q1 = BN_CTX_get(ctx);
	g = BN_CTX_get(ctx);
	if ((lcm = BN_CTX_get(ctx)) == NULL)
		goto out;
	if (bits % 2 || (unsigned)BN_num_bits(v[C_N]) != bits) {
		bad = "modulus length";
		goto out;
	}
	if (!BN_is_odd(e) || BN_is_one(e)) {
		bad = "public exponent";
		goto out;
	}
	if (!BN_mul(t, p, q, ctx))
		goto out;
	if (BN_cmp(t, v[C_N]) != 0) {
		bad = "n = p * q";
		goto out;
	}
	/* p >= sqrt(2) * 2^(k-1) exactly when p^2 >= 2^(2k-1). */
	if ((unsigned)BN_num_bits(p) != k || (unsigned)BN_num_bits(q) != k) {
		bad = "prime length";
		goto out;
	}
	if (!BN_sqr(t, p, ctx))
		goto out;
	if ((unsigned)BN_num_bits(t) != 2 * k) {
		bad = "p >= sqrt(2) * 2^(nlen/2 - 1)";
		goto out;
	}
	if (!BN_sqr(t, q, ctx))
		goto out;
	if ((unsigned)BN_num_bits(t) != 2 * k) {
		bad = "q >= sqrt(2) * 2^(nlen/2 - 1)";
		goto out;
	}
	if ((r = far_apart(p, q, k, ctx)) <= 0) {
		if (r == 0)
			bad = "|p - q| > 2^(nlen/2 - 100)";
		goto out;
	}
	BN_set_flags(p1, BN_FLG_CONSTTIME);
	BN_set_flags(q1, BN_FLG_CONSTTIME);
	BN_set_flags(lcm, BN_FLG_CONSTTIME);
	BN_set_flags(t, BN_FLG_CONSTTIME);
	if (!BN_sub(p1, p, BN_value_one()) || !BN_sub(q1, q, BN_value_one()) ||
	    !BN_gcd(g, p1, e, ctx))
		goto out;
	if (!BN_is_one(g)) {
		bad = "GCD(p - 1, e) = 1";
		goto out;
	}
	if (!BN_gcd(g, q1, e, ctx))
		goto out;
	if (!BN_is_one(g)) {
		bad = "GCD(q - 1, e) = 1";
		goto out;
	}
	if (!BN_gcd(g, p1, q1, ctx) || !BN_mul(t, p1, q1, ctx) ||
	    !BN_div(lcm, NULL, t, g, ctx))
		goto out;
	if (BN_num_bits(d) <= (int)k || BN_cmp(d, lcm) >= 0) {
		bad = "2^(nlen/2) < d < LCM(p - 1, q - 1)";
		goto out;
	}
	if (!BN_mod_mul(t, e, d, lcm, ctx))
		goto out;
	if (!BN_is_one(t)) {
		bad = "e * d = 1 mod LCM(p - 1, q - 1)";
		goto out;
	}
	if (!BN_mod(t, d, p1, ctx))
		goto out;
	if (BN_cmp(t, v[C_DP]) != 0) {
		bad = "dP = d mod (p - 1)";
		goto out;
	}
	if (!BN_mod(t, d, q1, ctx))
		goto out;
	if (BN_cmp(t, v[C_DQ]) != 0) {
		bad = "dQ = d mod (q - 1)";
		goto out;
	}
	if (BN_is_negative(v[C_QINV]) || BN_cmp(v[C_QINV], p) >= 0) {
		bad = "0 < qInv < p";
		goto out;
	}
	if (!BN_mod_mul(t, v[C_QINV], q, p, ctx))
		goto out;
	if (!BN_is_one(t)) {
		bad = "qInv * q = 1 mod p";
		goto out;
	}
	if (primes) {
		if ((r = rsagen_miller_rabin(p, rsagen_mr_rounds(k), ctx)) <= 0 ||
		    (r = rsagen_miller_rabin(q, rsagen_mr_rounds(k), ctx)) <= 0) {
			if (r == 0)
				bad = "p and q prime";
			goto out;
		}
	}
	bad = NULL;
out:
	BN_CTX_end(ctx);
	return bad;
}

int
rsagen_check(const EVP_PKEY *pk, unsigned bits, int primes, char *why,
    size_t whylen)
{
	static const char *const names[C_NPARAM] = {
		OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E,
		OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1,
		OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
		OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	};
	BIGNUM *v[C_NPARAM] = { NULL };
	const char *bad;
	BN_CTX *ctx;
	int i, ret = -1;

	if (pk == NULL || !EVP_PKEY_is_a(pk, "RSA"))
		return fail(why, whylen, "not an RSA key");
	for (i = 0; i < C_NPARAM; i++)
		if (!EVP_PKEY_get_bn_param(pk, names[i], &v[i])) {
			fail(why, whylen, "key has no %s", names[i]);
			goto out;
		}
	if ((ctx = BN_CTX_secure_new()) == NULL) {
		fail(why, whylen, "out of memory");
		goto out;
	}
	bad = conditions(v, bits, primes, ctx);
	BN_CTX_free(ctx);
	if (bad != NULL)
		fail(why, whylen, "SP 800-56B key check failed: %s", bad);
	else if (!pairwise(pk, bits / 8))
		fail(why, whylen, "pairwise consistency test failed");
	else
		ret = 0;
out:
	for (i = 0; i < C_NPARAM; i++)
		BN_clear_free(v[i]);
	return ret;
}
