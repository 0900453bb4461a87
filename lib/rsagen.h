/* rsagen.h: RSA key pair generation for the per-card keys of offline data
 * authentication (ICC keys, EMV 4.4 Book 2, 6.1), built on OpenSSL's BN
 * functions: no big-number arithmetic is written here.
 *
 * Primes follow FIPS 186-5 A.1.3 (random probable primes; B.3.3 in FIPS
 * 186-4): p and q of nlen/2 bits, both >= sqrt(2) * 2^(nlen/2 - 1) (the
 * top two bits are set), GCD(p - 1, e) = 1 checked before any Miller-Rabin
 * round, |p - q| > 2^(nlen/2 - 100), and Miller-Rabin (B.3.1) with random
 * bases and the round counts of rsagen_mr_rounds.  What makes it fast for
 * EMV's e = 3 is the order of the filters: the 5 * nlen/2 odd numbers from
 * a random start (A.1.3's iteration bound) are sieved by the odd primes
 * below RSAGEN_SIEVE_BOUND and by the exponent (p = 1 mod e is struck
 * out), so that Miller-Rabin runs only on candidates that can become the
 * key's primes.  The candidates of one run are thus consecutive odd numbers
 * rather than fresh random strings, an incremental search as FIPS 186-5
 * itself makes in B.9 (for A.1.6) with the same round counts.  The key is then
 * checked as SP 800-56B Rev. 2 6.4.1.2 asks of a key pair with a fixed
 * exponent (rsagen_check), including a pairwise consistency test, before it
 * is returned.
 *
 * EMV uses what FIPS 186-5 no longer admits (moduli below 2048 bits, e = 3):
 * the FIPS procedures are applied unchanged to those sizes, and the
 * Miller-Rabin error bound is computed for them (rsagen_mr_rounds).
 *
 * Every random number (candidate starts, Miller-Rabin bases, the pairwise
 * test value) comes from OpenSSL's private DRBG (BN_priv_rand_ex,
 * BN_priv_rand_range_ex).  Secret numbers live in BN_secure_new numbers,
 * freed with BN_clear_free; the module keeps no state of its own. */
#ifndef EMV_RSAGEN_H
#define EMV_RSAGEN_H

#include <stddef.h>

#include <openssl/types.h>

#define RSAGEN_BITS_MIN 512
#define RSAGEN_BITS_MAX 4096
#define RSAGEN_SIEVE_BOUND 32768	/* odd primes below this are sieved */

/* Verdicts of rsagen_candidate. */
enum {
	RSAGEN_PRIME = 0,	/* passed every round: probably prime */
	RSAGEN_REJECT_E,	/* GCD(c - 1, e) != 1: never tested */
	RSAGEN_COMPOSITE	/* a Miller-Rabin round proved it composite */
};

/* A new RSA key pair of exactly bits bits (512-4096, a multiple of 8) with
 * public exponent e (3 or 65537), generated as the header comment says,
 * with p > q and the CRT parameters, checked by rsagen_check (without the
 * primality re-test: the primes were just tested).  Returns the key, or
 * NULL with a reason (no secret in it) in why when whylen > 0. */
EVP_PKEY *rsagen_generate(unsigned bits, unsigned long e, char *why,
    size_t whylen);

/* The key checks of SP 800-56B Rev. 2, 6.4.1.2 (fixed exponent, CRT form)
 * on an RSA private key: n of exactly bits bits with n = p * q; e odd and
 * e > 1; p, q >= sqrt(2) * 2^(bits/2 - 1) (FIPS 186-5 A.1.1); |p - q| >
 * 2^(bits/2 - 100); GCD(p - 1, e) = GCD(q - 1, e) = 1; 2^(bits/2) < d <
 * LCM(p - 1, q - 1) and e * d = 1 mod LCM(p - 1, q - 1); dP = d mod
 * (p - 1), dQ = d mod (q - 1), qInv * q = 1 mod p; then the pairwise
 * consistency test SP 800-56B asks after generation (a random value
 * through the raw public and private operations).  With primes != 0 p and
 * q are also tested with rsagen_mr_rounds rounds.  Returns 0, or -1 with
 * the failed condition in why. */
int rsagen_check(const EVP_PKEY *pk, unsigned bits, int primes, char *why,
    size_t whylen);

/* Miller-Rabin rounds for a prime of pbits bits: the least t with error
 * probability p(k,t) <= 2^-112 by FIPS 186-5 C.1 (Damgaard-Landrock-
 * Pomerance) for pbits < 1024; from 1024 bits the rows of FIPS 186-5
 * Table B.1 for error 2^-(security strength): 5, and 4 from 1536 bits.
 * Every count is at least Table B.1's for error 2^-100. */
unsigned rsagen_mr_rounds(unsigned pbits);

/* 1 if GCD(c - 1, e) = 1, 0 if not, -1 on error (FIPS 186-5 A.1.3 4.5).
 * e odd, 3 <= e < 2^32. */
int rsagen_e_coprime(const BIGNUM *c, unsigned long e);

/* One candidate through FIPS 186-5 A.1.3 step 4.5: the exponent filter,
 * and only if it passes, Miller-Rabin with rsagen_mr_rounds(bits of c)
 * rounds.  c odd, > 3.  Returns RSAGEN_PRIME, RSAGEN_REJECT_E,
 * RSAGEN_COMPOSITE, or -1 on error. */
int rsagen_candidate(const BIGNUM *c, unsigned long e, BN_CTX *ctx);

/* Miller-Rabin probabilistic primality test (FIPS 186-5 B.3.1) of odd
 * w > 3 with rounds random bases in [2, w - 2], modular exponentiation by
 * OpenSSL's constant-time Montgomery ladder.  Returns 1 (probably prime),
 * 0 (composite) or -1 on error. */
int rsagen_miller_rabin(const BIGNUM *w, unsigned rounds, BN_CTX *ctx);

/* The sieve over the window start + 2j, 0 <= j < w (start odd): keep[j]
 * is set to 1, or 0 when start + 2j has an odd prime factor below
 * RSAGEN_SIEVE_BOUND or is 1 mod e (e a prime: 3 or 65537).  The residues
 * of start are computed once with BN_mod_word; the window is then struck
 * in machine words.  Returns 0, or -1 on error. */
int rsagen_sieve(const BIGNUM *start, unsigned long e, unsigned char *keep,
    size_t w);

#endif
