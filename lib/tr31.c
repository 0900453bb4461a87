/* tr31.c: ANSI X9.143 (TR-31) key blocks (see tr31.h).
 *
 * A key block is ASCII: a 16-character header (version, length, key
 * usage, algorithm, mode of use, key version, exportability, number of
 * optional blocks, two reserved characters), optional blocks, then in hex
 * the encrypted payload (key length in bits on 2 bytes, the key, random
 * padding to whole cipher blocks) and the MAC.
 *
 * Versions B and D (X9.143 key derivation binding): an encryption key
 * KBEK and a MAC key KBMK are derived from the KBPK by CMAC in counter
 * mode; the MAC is CMAC under KBMK over the header and the *clear*
 * payload, and the payload is encrypted in CBC mode under KBEK with the
 * MAC as IV.  Versions A and C (variant binding, legacy; unwrap only):
 * KBEK and KBMK are the KBPK XOR 45.. and 4D..; the MAC is the first 4
 * bytes of a triple-DES CBC-MAC over the header and the encrypted
 * payload; the IV is the first 8 header characters.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "hex.h"
#include "tr31.h"

#define HDRLEN 16
#define KEYMAX 32

/* Store types and their key usages (X9.143, 6.3.1, table 2).  mode is
 * what export writes; modes what import accepts, the modes whose
 * restriction the store keeps by the type's allowed uses alone. */
static const struct usage {
	enum ks_type type;
	const char *usage;
	char mode;
	const char *modes;
} usages[] = {
	{ KS_IMK_AC, "E0", 'X', "XN" },		/* MK application cryptograms */
	{ KS_IMK_SMC, "E1", 'X', "XN" },	/* MK SM confidentiality */
	{ KS_IMK_SMI, "E2", 'X', "XN" },	/* MK SM integrity */
	{ KS_KMC, "E5", 'X', "XN" },		/* MK card personalization */
	{ KS_KEK, "K0", 'B', "BN" },		/* key encryption or wrapping */
	{ KS_CVK, "C0", 'C', "CN" },		/* card verification key */
	{ KS_PVK, "V2", 'C', "CN" },		/* PIN verification, Visa PVV */
};

static int
fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
tr31_usage(enum ks_type t)
{
	size_t i;

	for (i = 0; i < sizeof usages / sizeof usages[0]; i++)
		if (usages[i].type == t)
			return usages[i].usage;
	return NULL;
}

static const struct usage *
find_usage(const char *u)
{
	size_t i;

	for (i = 0; i < sizeof usages / sizeof usages[0]; i++)
		if (strcmp(usages[i].usage, u) == 0)
			return &usages[i];
	return NULL;
}

/* Security strength in bits (NIST SP 800-57 Part 1, 5.6.1): a key may
 * travel only under a KBPK at least as strong. */
static int
strength(enum sym_alg a)
{
	switch (a) {
	case SYM_3DES2:
		return 80;
	case SYM_3DES3:
		return 112;
	case SYM_AES128:
		return 128;
	case SYM_AES192:
		return 192;
	case SYM_AES256:
		return 256;
	}
	return 0;
}

/* CMAC (NIST SP 800-38B) over OpenSSL's EVP_MAC; out gets one block. */
static int
cmac(enum sym_alg alg, const uint8_t *key, const uint8_t *msg, size_t n,
    uint8_t out[16])
{
	static const char *const ciphers[] = {
		[SYM_3DES2] = "DES-EDE-CBC",
		[SYM_3DES3] = "DES-EDE3-CBC",
		[SYM_AES128] = "AES-128-CBC",
		[SYM_AES192] = "AES-192-CBC",
		[SYM_AES256] = "AES-256-CBC",
	};
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
	OSSL_PARAM p[2];
	size_t len = 0;
	int ok;

	if ((mac = EVP_MAC_fetch(NULL, "CMAC", NULL)) == NULL)
		return -1;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (ctx == NULL)
		return -1;
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
	    (char *)ciphers[alg], 0);
	p[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, key, sym_keylen(alg), p) == 1 &&
	    EVP_MAC_update(ctx, msg, n) == 1 &&
	    EVP_MAC_final(ctx, out, &len, 16) == 1 &&
	    len == sym_blocklen(alg);
	/* Freeing the context wipes the key schedule. */
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* KBEK and KBMK from the KBPK by CMAC in counter mode (X9.143, 6.3.2;
 * TR-31:2018 5.3.2.1 and 5.3.2.3): each block of key material is the
 * CMAC of counter, usage (0000 encryption, 0001 MAC), 00, algorithm
 * (0000 2TDEA ... 0004 AES-256) and the length in bits. */
static int
derive(enum sym_alg alg, const uint8_t *kbpk, uint8_t kbek[KEYMAX],
    uint8_t kbmk[KEYMAX])
{
	static const uint8_t algid[] = {
		[SYM_3DES2] = 0, [SYM_3DES3] = 1, [SYM_AES128] = 2,
		[SYM_AES192] = 3, [SYM_AES256] = 4,
	};
	size_t kl = sym_keylen(alg), bl = sym_blocklen(alg), off;
	uint8_t in[8], blk[16], *out;
	int use, i, rc = 0;

	for (use = 0; use < 2 && rc == 0; use++) {
		out = use ? kbmk : kbek;
		for (i = 1, off = 0; off < kl; i++, off += bl) {
			in[0] = (uint8_t)i;
			in[1] = 0;
			in[2] = (uint8_t)use;
			in[3] = 0;
			in[4] = 0;
			in[5] = algid[alg];
			in[6] = (uint8_t)(kl * 8 >> 8);
			in[7] = (uint8_t)(kl * 8);
			if (cmac(alg, kbpk, in, sizeof in, blk) < 0) {
				rc = -1;
				break;
			}
			/* AES-192: the left half of the second block. */
			memcpy(out + off, blk, kl - off < bl ? kl - off : bl);
		}
	}
	OPENSSL_cleanse(blk, sizeof blk);
	return rc;
}

static int
isdigits(const char *s, size_t n)
{
	while (n--)
		if (!isdigit((unsigned char)*s++))
			return 0;
	return 1;
}

static int
isalnums(const char *s, size_t n)
{
	while (n--)
		if (!isalnum((unsigned char)*s++))
			return 0;
	return 1;
}

/* The value of n hex digits, or -1. */
static long
hexval(const char *s, size_t n)
{
	long v = 0;

	while (n--) {
		if (!isxdigit((unsigned char)*s))
			return -1;
		v = v * 16 + (isdigit((unsigned char)*s) ? *s - '0' :
		    (toupper((unsigned char)*s) - 'A' + 10));
		s++;
	}
	return v;
}

/* Check the header and the optional blocks (X9.143, 6.2 and 6.3.6) of a
 * block of n characters.  Returns the length of the header with its
 * optional blocks, or 0 with err. */
static size_t
parse_header(const char *b, size_t n, struct tr31_hdr *h, char *err,
    size_t errlen)
{
	size_t i, off, len, hl, nopt;
	long v, ll;

	if (n < HDRLEN)
		return fail(err, errlen, "not a key block: shorter than its "
		    "header"), 0;
	for (i = 0; i < n; i++)
		if (!isgraph((unsigned char)b[i]))
			return fail(err, errlen, "not a key block: character "
			    "%zu is not printable ASCII", i + 1), 0;
	if (strchr("ABCD", b[0]) == NULL)
		return fail(err, errlen, "key block version %c is not "
		    "supported (A, B, C or D)", b[0]), 0;
	if (!isdigits(b + 1, 4) || strtoul((char[5]){ b[1], b[2], b[3], b[4],
	    '\0' }, NULL, 10) != n)
		return fail(err, errlen, "key block length field %.4s does "
		    "not match its %zu characters", b + 1, n), 0;
	if (!isalnums(b + 5, 2) || !isalnums(b + 7, 1) ||
	    !isalnums(b + 8, 1) || !isalnums(b + 9, 2) ||
	    !isalnums(b + 11, 1) || !isdigits(b + 12, 2) ||
	    !strchr("02", b[14]) || b[15] != '0')
		return fail(err, errlen, "key block header %.16s is malformed",
		    b), 0;
	h->version = b[0];
	memcpy(h->usage, b + 5, 2);
	h->usage[2] = '\0';
	h->alg = b[7];
	h->mode = b[8];
	memcpy(h->kver, b + 9, 2);
	h->kver[2] = '\0';
	h->exp = b[11];
	nopt = (size_t)(b[12] - '0') * 10 + (size_t)(b[13] - '0');
	off = HDRLEN;
	for (i = 1; i <= nopt; i++) {
		/* ID, 2 hex digits of length; length 00: 2 hex digits giving
		 * the size of the length, then the length.  The length counts
		 * the whole optional block. */
		if (off + 4 > n || !isalnums(b + off, 2) ||
		    (v = hexval(b + off + 2, 2)) < 0)
			goto bad;
		hl = 4;
		if (v == 0) {
			if (off + 6 > n || (ll = hexval(b + off + 4, 2)) < 1 ||
			    ll > 4 || off + 6 + (size_t)ll > n ||
			    (v = hexval(b + off + 6, (size_t)ll)) < 0)
				goto bad;
			hl = 6 + (size_t)ll;
		}
		len = (size_t)v;
		if (len < hl || off + len > n)
			goto bad;
		off += len;
	}
	return off;
bad:
	return fail(err, errlen, "key block optional block %zu is malformed",
	    i), 0;
}

/* Build the header of a block of total characters. */
static int
make_header(const struct tr31_hdr *h, size_t total, char out[HDRLEN + 1])
{
	if (total > 9999 || !isalnums(h->usage, 2) || h->usage[2] ||
	    !isalnum((unsigned char)h->alg) ||
	    !isalnum((unsigned char)h->mode) || !isalnums(h->kver, 2) ||
	    h->kver[2] || strchr("ENS", h->exp) == NULL || h->exp == '\0')
		return -1;
	snprintf(out, HDRLEN + 1, "%c%04zu%s%c%c%s%c0000", h->version, total,
	    h->usage, h->alg, h->mode, h->kver, h->exp);
	return 0;
}

char *
tr31_encode(enum sym_alg kalg, const uint8_t *kbpk,
    const struct tr31_hdr *h, const uint8_t *key, size_t keylen,
    const uint8_t *pad, size_t padlen, char *err, size_t errlen)
{
	uint8_t kbek[KEYMAX], kbmk[KEYMAX], mac[16], *clear = NULL, *enc = NULL;
	size_t bl = sym_blocklen(kalg), maclen = bl == 8 ? 8 : 16, plen, total;
	char *out = NULL;
	int ok = 0;

	if (h->version != (bl == 8 ? 'B' : 'D')) {
		fail(err, errlen, "version %c key blocks are not written under "
		    "a %s KBPK", h->version, sym_alg_name(kalg));
		return NULL;
	}
	if (keylen == 0 || keylen > KEYMAX) {
		fail(err, errlen, "a key of %zu bytes does not go in a key "
		    "block", keylen);
		return NULL;
	}
	plen = (2 + keylen + bl - 1) / bl * bl;
	if (pad != NULL && padlen != plen - 2 - keylen) {
		fail(err, errlen, "want %zu bytes of padding", plen - 2 - keylen);
		return NULL;
	}
	total = HDRLEN + 2 * plen + 2 * maclen;
	clear = OPENSSL_malloc(HDRLEN + plen);
	enc = malloc(plen);
	out = malloc(total + 1);
	if (clear == NULL || enc == NULL || out == NULL) {
		fail(err, errlen, "out of memory");
		goto done;
	}
	if (make_header(h, total, out) < 0) {
		fail(err, errlen, "bad key block header fields");
		goto done;
	}
	/* The MAC input: header, then the clear payload. */
	memcpy(clear, out, HDRLEN);
	clear[HDRLEN] = (uint8_t)(keylen * 8 >> 8);
	clear[HDRLEN + 1] = (uint8_t)(keylen * 8);
	memcpy(clear + HDRLEN + 2, key, keylen);
	if (pad != NULL)
		memcpy(clear + HDRLEN + 2 + keylen, pad, padlen);
	else if (plen > 2 + keylen && RAND_bytes(clear + HDRLEN + 2 + keylen,
	    (int)(plen - 2 - keylen)) != 1) {
		fail(err, errlen, "no random bytes");
		goto done;
	}
	if (derive(kalg, kbpk, kbek, kbmk) < 0 ||
	    cmac(kalg, kbmk, clear, HDRLEN + plen, mac) < 0 ||
	    sym_cbc(kalg, kbek, mac, clear + HDRLEN, enc, plen, 1) < 0) {
		fail(err, errlen, "key block encryption failed");
		goto done;
	}
	hex_encode(enc, plen, out + HDRLEN);
	hex_encode(mac, maclen, out + HDRLEN + 2 * plen);
	ok = 1;
done:
	OPENSSL_cleanse(kbek, sizeof kbek);
	OPENSSL_cleanse(kbmk, sizeof kbmk);
	if (clear != NULL)
		OPENSSL_clear_free(clear, HDRLEN + plen);
	free(enc);
	if (!ok) {
		free(out);
		out = NULL;
	}
	return out;
}

/* Versions A and C: check the CBC-MAC over header and encrypted payload,
 * then decrypt.  buf holds the header; the clear payload goes after it. */
static int
open_variant(enum sym_alg kalg, const uint8_t *kbpk, uint8_t *buf,
    size_t hlen, const uint8_t *enc, size_t plen, const uint8_t *mac,
    char *err, size_t errlen)
{
	uint8_t kbek[KEYMAX], kbmk[KEYMAX], *chain;
	size_t i, kl = sym_keylen(kalg), n = hlen + plen;
	int rc = -1;

	for (i = 0; i < kl; i++) {
		kbek[i] = kbpk[i] ^ 0x45;
		kbmk[i] = kbpk[i] ^ 0x4D;
	}
	if ((chain = malloc(n)) == NULL) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	memcpy(buf + hlen, enc, plen);
	if (sym_cbc(kalg, kbmk, NULL, buf, chain, n, 1) < 0)
		fail(err, errlen, "key block MAC failed");
	else if (CRYPTO_memcmp(chain + n - 8, mac, 4) != 0)
		fail(err, errlen, "key block MAC does not verify: wrong KBPK "
		    "or altered block");
	else if (sym_cbc(kalg, kbek, buf, enc, buf + hlen, plen, 0) < 0)
		fail(err, errlen, "key block decryption failed");
	else
		rc = 0;
	free(chain);
out:
	OPENSSL_cleanse(kbek, sizeof kbek);
	OPENSSL_cleanse(kbmk, sizeof kbmk);
	return rc;
}

/* Versions B and D: the MAC covers the clear payload, so decrypt into buf
 * (after the header) and check the MAC before anything in it is used. */
static int
open_derived(enum sym_alg kalg, const uint8_t *kbpk, uint8_t *buf,
    size_t hlen, const uint8_t *enc, size_t plen, const uint8_t *mac,
    size_t maclen, char *err, size_t errlen)
{
	uint8_t kbek[KEYMAX], kbmk[KEYMAX], calc[16];
	int rc = -1;

	if (derive(kalg, kbpk, kbek, kbmk) < 0 ||
	    sym_cbc(kalg, kbek, mac, enc, buf + hlen, plen, 0) < 0 ||
	    cmac(kalg, kbmk, buf, hlen + plen, calc) < 0)
		fail(err, errlen, "key block decryption failed");
	else if (CRYPTO_memcmp(calc, mac, maclen) != 0)
		fail(err, errlen, "key block MAC does not verify: wrong KBPK "
		    "or altered block");
	else
		rc = 0;
	OPENSSL_cleanse(kbek, sizeof kbek);
	OPENSSL_cleanse(kbmk, sizeof kbmk);
	OPENSSL_cleanse(calc, sizeof calc);
	return rc;
}

int
tr31_decode(enum sym_alg kalg, const uint8_t *kbpk, const char *block,
    struct tr31_hdr *h, uint8_t **key, size_t *keylen, uint8_t *pad,
    size_t *padlen, char *err, size_t errlen)
{
	uint8_t mac[16], *enc = NULL, *buf = NULL, *p;
	size_t n = strlen(block), hlen, bl, maclen, plen = 0, klen;
	int des = sym_blocklen(kalg) == 8, rc = -1;

	*key = NULL;
	*keylen = 0;
	if ((hlen = parse_header(block, n, h, err, errlen)) == 0)
		return -1;
	if ((h->version == 'D') == des)
		return fail(err, errlen, "a version %c key block needs %s KBPK",
		    h->version, des ? "an AES" : "a triple-DES");
	bl = h->version == 'D' ? 16 : 8;
	maclen = h->version == 'D' ? 16 : h->version == 'B' ? 8 : 4;
	if (hlen % bl != 0)
		return fail(err, errlen, "key block header of %zu characters "
		    "is not whole cipher blocks", hlen);
	if (n - hlen < 2 * (bl + maclen) || (n - hlen - 2 * maclen) % (2 * bl))
		return fail(err, errlen, "key block encrypted key is not whole "
		    "cipher blocks");
	plen = (n - hlen - 2 * maclen) / 2;
	enc = malloc(plen);
	buf = OPENSSL_malloc(hlen + plen);
	if (enc == NULL || buf == NULL) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	if (hex_decode(block + hlen, 2 * plen, enc) != (long)plen ||
	    hex_decode(block + n - 2 * maclen, 2 * maclen, mac) !=
	    (long)maclen) {
		fail(err, errlen, "key block encrypted key or MAC is not hex");
		goto out;
	}
	memcpy(buf, block, hlen);
	if (h->version == 'A' || h->version == 'C' ?
	    open_variant(kalg, kbpk, buf, hlen, enc, plen, mac, err,
	    errlen) < 0 :
	    open_derived(kalg, kbpk, buf, hlen, enc, plen, mac, maclen, err,
	    errlen) < 0)
		goto out;
	p = buf + hlen;
	klen = (size_t)(p[0] << 8 | p[1]);
	if (klen == 0 || klen % 8 || klen / 8 > plen - 2 || klen / 8 > KEYMAX) {
		fail(err, errlen, "key block key length field is out of range");
		goto out;
	}
	klen /= 8;
	if ((*key = OPENSSL_malloc(klen)) == NULL) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	memcpy(*key, p + 2, klen);
	*keylen = klen;
	if (pad != NULL) {
		*padlen = plen - 2 - klen > 32 ? 32 : plen - 2 - klen;
		memcpy(pad, p + 2 + klen, *padlen);
	}
	rc = 0;
out:
	free(enc);
	if (buf != NULL)
		OPENSSL_clear_free(buf, hlen + plen);
	return rc;
}

char *
tr31_wrap(const struct ks_key *kek, const struct ks_key *k, char *err,
    size_t errlen)
{
	struct tr31_hdr h;
	const struct usage *u;
	const char *us;

	if (kek->type != KS_KEK || kek->bits != 0 || kek->val == NULL) {
		fail(err, errlen, "%s is not a symmetric KEK", kek->name);
		return NULL;
	}
	if (k->bits != 0 || (us = tr31_usage(k->type)) == NULL) {
		fail(err, errlen, "%s keys do not go in key blocks",
		    ks_type_name(k->type));
		return NULL;
	}
	if (strength(k->sym) > strength(kek->sym)) {
		fail(err, errlen, "the %s KEK %s is weaker than this %s key",
		    kek->alg, kek->name, k->alg);
		return NULL;
	}
	u = find_usage(us);
	h.version = sym_blocklen(kek->sym) == 8 ? 'B' : 'D';
	memcpy(h.usage, u->usage, 3);
	h.alg = sym_blocklen(k->sym) == 8 ? 'T' : 'A';
	h.mode = u->mode;
	memcpy(h.kver, "00", 3);
	h.exp = 'E';
	return tr31_encode(kek->sym, kek->val, &h, k->val, k->len, NULL, 0,
	    err, errlen);
}

int
tr31_unwrap(const struct ks_key *kek, const char *block, struct ks_key *k,
    char *err, size_t errlen)
{
	struct tr31_hdr h;
	const struct usage *u;
	enum sym_alg a;
	uint8_t *key;
	size_t klen;

	if (kek->type != KS_KEK || kek->bits != 0 || kek->val == NULL)
		return fail(err, errlen, "%s is not a symmetric KEK",
		    kek->name);
	if (parse_header(block, strlen(block), &h, err, errlen) == 0)
		return -1;
	if ((u = find_usage(h.usage)) == NULL)
		return fail(err, errlen, "key usage %s has no key store type",
		    h.usage);
	if (strchr(u->modes, h.mode) == NULL)
		return fail(err, errlen, "mode of use %c is not allowed for "
		    "key usage %s (%c or %c)", h.mode, h.usage, u->modes[0],
		    u->modes[1]);
	/* The store keeps no exportability flag: a key that must not leave
	 * the receiver would become exportable here. */
	if (h.exp == 'N')
		return fail(err, errlen, "exportability N (non-exportable) "
		    "cannot be kept by this key store");
	if (h.exp != 'E' && h.exp != 'S')
		return fail(err, errlen, "exportability %c is unknown", h.exp);
	if (h.alg != 'T' && h.alg != 'A')
		return fail(err, errlen, "key algorithm %c is not supported "
		    "(T or A)", h.alg);
	if (tr31_decode(kek->sym, kek->val, block, &h, &key, &klen, NULL,
	    NULL, err, errlen) < 0)
		return -1;
	if (sym_alg_for(h.alg == 'T', klen, &a) < 0) {
		OPENSSL_clear_free(key, klen);
		return fail(err, errlen, "a key of %zu bytes is not a key of "
		    "algorithm %c", klen, h.alg);
	}
	if (strength(a) > strength(kek->sym)) {
		OPENSSL_clear_free(key, klen);
		return fail(err, errlen, "the %s KEK %s is weaker than the %s "
		    "key in the block", kek->alg, kek->name, sym_alg_name(a));
	}
	k->type = u->type;
	snprintf(k->alg, sizeof k->alg, "%s", sym_alg_name(a));
	k->sym = a;
	k->bits = 0;
	k->val = key;
	k->len = klen;
	return 0;
}
