/* tr31.h: ANSI X9.143 (TR-31) key blocks, to move keys between key stores
 * and HSMs under a key-block protection key (a KEK of the store). */
#ifndef EMV_TR31_H
#define EMV_TR31_H

#include <stddef.h>
#include <stdint.h>

#include "keystore.h"
#include "sym.h"

/* Wrap key k under kek as a key block: version B (TDES key derivation)
 * for a triple-DES KEK, version D (AES key derivation) for an AES KEK.
 * The header's key usage and algorithm follow k's type and algorithm.
 * Returns a new NUL-terminated block (caller frees) or NULL with err. */
char *tr31_wrap(const struct ks_key *kek, const struct ks_key *k, char *err,
    size_t errlen);

/* Unwrap a key block under kek into k (k->name set by the caller; type,
 * alg, val and len filled here from the block).  Refuses, before any
 * cryptography, a header the store cannot honour (usage, mode of use,
 * exportability); then checks the MAC before any decrypted byte is used;
 * then refuses a key stronger than kek.  Returns 0 or -1 with err. */
int tr31_unwrap(const struct ks_key *kek, const char *block,
    struct ks_key *k, char *err, size_t errlen);

/* The fixed header of a key block (X9.143, 6.2), as characters. */
struct tr31_hdr {
	char version;	/* 'A', 'B', 'C' or 'D' */
	char usage[3];	/* key usage: "E0", "K0", ... */
	char alg;	/* 'T' (TDES), 'A' (AES), ... */
	char mode;	/* mode of use: 'X', 'B', 'C', 'N', ... */
	char kver[3];	/* key version number, "00" when unused */
	char exp;	/* exportability: 'E', 'N' or 'S' */
};

/* Encode key (keylen bytes) under the KBPK kbpk (of algorithm kalg) as a
 * key block with header h and no optional blocks: version B under a
 * triple-DES KBPK, version D under an AES KBPK (X9.143, 6.3 and 6.4: key
 * derivation binding, CBC with the MAC as IV).  The padding is random
 * (RAND_bytes) when pad is NULL; else padlen bytes of pad, exactly what the
 * block needs (known-answer tests only).  Returns a new block (caller
 * frees) or NULL with err. */
char *tr31_encode(enum sym_alg kalg, const uint8_t *kbpk,
    const struct tr31_hdr *h, const uint8_t *key, size_t keylen,
    const uint8_t *pad, size_t padlen, char *err, size_t errlen);

/* Decode a key block of version A or C (TDES variant binding) or B under
 * a triple-DES KBPK, or D under an AES KBPK: check its syntax and its MAC,
 * and only then take the key out.  *key (wiped and freed by the caller
 * with OPENSSL_clear_free) gets *keylen bytes, *h the header.  If pad is
 * not NULL it gets the padding, up to 32 bytes, and *padlen its length
 * (known-answer tests).  Returns 0 or -1 with err. */
int tr31_decode(enum sym_alg kalg, const uint8_t *kbpk, const char *block,
    struct tr31_hdr *h, uint8_t **key, size_t *keylen, uint8_t *pad,
    size_t *padlen, char *err, size_t errlen);

/* The X9.143 key usage of a store type ("E0", "K0", ...), NULL for the
 * types that have none (RSA keys). */
const char *tr31_usage(enum ks_type t);

#endif
