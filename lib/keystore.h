/* keystore.h: emvperso's software key store, in the manner of a payment
 * HSM: every key is kept wrapped under the store's local master key (LMK)
 * with AES key wrap with padding (RFC 5649, OpenSSL's "id-aes256-wrap-pad"),
 * one file per key, created 0600 exclusively and never through a link.
 * Clear key material lives only in struct ks_key buffers, which
 * ks_key_clear wipes.  The interface is narrow (load by name for a use,
 * store, list, delete) so that a PKCS#11 backend can replace it. */
#ifndef EMV_KEYSTORE_H
#define EMV_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "sym.h"

#define KS_NAMEMAX 63

enum ks_type {
	KS_IMK_AC,	/* issuer master key for application cryptograms */
	KS_IMK_SMI,	/* issuer master key, secure messaging integrity */
	KS_IMK_SMC,	/* issuer master key, secure messaging confidentiality */
	KS_KEK,		/* key-encryption / transport key */
	KS_KMC,		/* card manufacturer's master key (opens cards) */
	KS_CVK,		/* card verification key (CVV, iCVV, CVV2) */
	KS_PVK,		/* PIN verification key (PVV) */
	KS_ISSUER_RSA,	/* issuer RSA key pair */
	KS_CA_RSA,	/* test payment-system CA key pair */
	KS_NTYPES
};

/* What a key may be used for; ks_get refuses a key whose type does not
 * allow the use asked for. */
enum ks_use {
	KS_USE_DERIVE = 1 << 0,	/* derive card keys (IMKs) */
	KS_USE_WRAP = 1 << 1,	/* encrypt / decrypt keys and secret data (KEK) */
	KS_USE_CARD = 1 << 2,	/* diversify card manager keys (KMC) */
	KS_USE_CVV = 1 << 3,	/* card verification values (CVK) */
	KS_USE_PVV = 1 << 4,	/* PIN verification values (PVK) */
	KS_USE_SIGN = 1 << 5	/* RSA signatures (issuer, CA) */
};

struct ks_key {
	char name[KS_NAMEMAX + 1];
	enum ks_type type;
	char alg[16];		/* ALG word: 3des2, aes128, rsa1408, ... */
	enum sym_alg sym;	/* symmetric keys: the algorithm */
	unsigned bits;		/* RSA keys: modulus size */
	uint8_t kcv[3];		/* symmetric keys: key check value */
	int test;		/* 1: key of a test store, never for live cards */
	char created[24];	/* UTC, YYYY-MM-DDTHH:MM:SSZ */
	uint8_t *val;		/* clear key (symmetric) or DER private key */
	size_t len;
};

struct ks;
struct rec;

/* Where the LMK comes from: a 32-byte key file (its path, normally from
 * EMVPERSO_LMK) or a passphrase stretched with scrypt.  passfd >= 0 reads
 * the passphrase from that descriptor instead of the terminal (tests,
 * batch jobs with a pipe from an operator tool). */
struct ks_lmk {
	const char *file;
	int passfd;
};

/* Fill *src from the environment: EMVPERSO_LMK if set, else passphrase
 * from the terminal. */
void ks_lmk_default(struct ks_lmk *src);

/* Create a new store in dir (made 0700 if absent; an existing store is
 * refused).  test = 1 makes a test store.  With an LMK file that does not
 * exist, 32 random bytes are written to it (0600, exclusive).  Returns 0,
 * or -1 with a reason in err. */
int ks_init(const char *dir, int test, const struct ks_lmk *src,
    char *err, size_t errlen);

/* Open a store and check its LMK.  Returns NULL with a reason in err
 * (including "wrong LMK or passphrase"). */
struct ks *ks_open(const char *dir, const struct ks_lmk *src, char *err,
    size_t errlen);

/* Close, wiping the LMK. */
void ks_close(struct ks *ks);

/* 1 if the store is a test store. */
int ks_is_test(const struct ks *ks);

/* Load the key NAME for USE (an ks_use bit).  Checks its type allows the
 * use, unwraps it, and for symmetric keys checks its KCV.  Returns 0, or
 * -1 with a reason in err; *k then holds nothing to wipe. */
int ks_get(struct ks *ks, const char *name, unsigned use, struct ks_key *k,
    char *err, size_t errlen);

/* Read a key's metadata (no unwrap, val NULL).  Returns 0 or -1. */
int ks_info(struct ks *ks, const char *name, struct ks_key *k, char *err,
    size_t errlen);

/* Store k (name, type, alg, val, len; kcv, test and created are set
 * here).  Refuses an existing name.  Returns 0 or -1 with err. */
int ks_put(struct ks *ks, struct ks_key *k, char *err, size_t errlen);

/* Remove key NAME and its attached files.  Returns 0 or -1 with err. */
int ks_delete(struct ks *ks, const char *name, char *err, size_t errlen);

/* Public data kept beside a key, in NAME.KIND (KIND 1-8 lowercase
 * letters, not "key"): an issuer key's certificate, a CA key's RID and
 * index.  One record line: r's fields, then mac=HEX, an HMAC-SHA256 under
 * a key derived from the LMK (HKDF-SHA256) over the key name, the kind and
 * the fields, so that a file edited, moved to another key or taken from
 * another store is refused.  Created 0600 and never through a link;
 * replace = 0 refuses an existing one, replace = 1 replaces it
 * atomically.  Returns 0 or -1 with err. */
int ks_attach_put(struct ks *ks, const char *name, const char *kind,
    const struct rec *r, int replace, char *err, size_t errlen);

/* Read NAME.KIND into r (rec_init'ed by the caller; rec_free it), its
 * MAC checked and removed.  Returns 0, 1 if there is none, or -1 with
 * err. */
int ks_attach_get(struct ks *ks, const char *name, const char *kind,
    struct rec *r, char *err, size_t errlen);

/* Call fn for each key's metadata, in name order.  Returns 0 or -1. */
int ks_list(struct ks *ks, void (*fn)(const struct ks_key *, void *),
    void *arg, char *err, size_t errlen);

/* Wipe and free the clear key in k. */
void ks_key_clear(struct ks_key *k);

/* 1 if NAME is a valid key name: 1-63 of A-Z a-z 0-9 . _ -, not
 * starting with '.'. */
int ks_name_ok(const char *name);

/* The type word ("imk-ac", "kek", ...) and its parser (-1 if unknown). */
const char *ks_type_name(enum ks_type t);
int ks_type_parse(const char *s, enum ks_type *t);

/* The uses a type allows (ks_use bits). */
unsigned ks_type_uses(enum ks_type t);

/* Encrypt or decrypt secret data under a KEK as the record stream carries
 * it (DGIs 8000-8FFF): triple DES keys in ECB mode as EMV CPS does, AES
 * keys in CBC mode with a zero IV as GlobalPlatform SCP03 does for
 * sensitive data.  n must be a multiple of the block size.  Returns 0 or
 * -1. */
int ks_kek_crypt(const struct ks_key *kek, const uint8_t *in, uint8_t *out,
    size_t n, int enc);

/* Seal secret data for the record stream: pad with ISO/IEC 9797-1 method 2
 * (80 00..) to a whole number of the KEK's blocks when, and only when, n is
 * not already a multiple, then ks_kek_crypt.  *out (freed by the caller)
 * gets *outlen bytes.  Returns 0 or -1.  The reader of a sealed value
 * knows its clear length from what the DGI holds (emvperso-record(5)). */
int ks_kek_seal(const struct ks_key *kek, const uint8_t *in, size_t n,
    uint8_t **out, size_t *outlen);

/* Decrypt a sealed value (n a multiple of the block size) into a new
 * buffer of n bytes, padding included; the caller wipes and frees it with
 * OPENSSL_clear_free.  Returns 0 or -1. */
int ks_kek_open(const struct ks_key *kek, const uint8_t *in, size_t n,
    uint8_t **out);

/* For every tool that holds clear keys: no core dumps, not dumpable
 * (ptrace by other users refused). */
void ks_harden(void);

#endif
