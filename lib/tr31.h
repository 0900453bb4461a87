/* tr31.h: ANSI X9.143 (TR-31) key blocks, to move keys between key stores
 * and HSMs under a key-block protection key (a KEK of the store). */
#ifndef EMV_TR31_H
#define EMV_TR31_H

#include <stddef.h>

#include "keystore.h"

/* Wrap key k under kek as a key block: version B (TDES key derivation)
 * for a triple-DES KEK, version D (AES key derivation) for an AES KEK.
 * The header's key usage and algorithm follow k's type and algorithm.
 * Returns a new NUL-terminated block (caller frees) or NULL with err. */
char *tr31_wrap(const struct ks_key *kek, const struct ks_key *k, char *err,
    size_t errlen);

/* Unwrap a key block under kek into k (k->name set by the caller; type,
 * alg, val and len filled here from the block).  Checks the MAC before
 * anything else.  Returns 0 or -1 with err. */
int tr31_unwrap(const struct ks_key *kek, const char *block,
    struct ks_key *k, char *err, size_t errlen);

#endif
