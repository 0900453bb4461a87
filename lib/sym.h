/* sym.h: the symmetric cryptography emvperso needs, as thin wrappers over
 * OpenSSL's EVP interface: 3DES and AES in ECB and CBC, ISO/IEC 9797-1 MAC
 * algorithm 3, DES key parity, key check values.  No cipher is written
 * here; every block operation is OpenSSL's. */
#ifndef EMV_SYM_H
#define EMV_SYM_H

#include <stddef.h>
#include <stdint.h>

enum sym_alg {
	SYM_3DES2,	/* two-key triple DES, 16 bytes */
	SYM_3DES3,	/* three-key triple DES, 24 bytes */
	SYM_AES128,
	SYM_AES192,
	SYM_AES256
};

/* Key length in bytes of an algorithm. */
size_t sym_keylen(enum sym_alg alg);

/* Block size in bytes: 8 for DES, 16 for AES. */
size_t sym_blocklen(enum sym_alg alg);

/* The algorithm for a key length and family (des = 1 for triple DES):
 * returns 0 and sets *alg, or -1 if no algorithm has that length. */
int sym_alg_for(int des, size_t keylen, enum sym_alg *alg);

/* ALG words of emv-keys(1): "3des2", "aes128", ...  NULL/-1 if unknown. */
const char *sym_alg_name(enum sym_alg alg);
int sym_alg_parse(const char *name, enum sym_alg *alg);

/* ECB over n bytes (a multiple of the block size), in place allowed.
 * enc = 1 to encrypt, 0 to decrypt.  Returns 0, or -1 on a bad length or
 * an OpenSSL failure. */
int sym_ecb(enum sym_alg alg, const uint8_t *key, const uint8_t *in,
    uint8_t *out, size_t n, int enc);

/* CBC over n bytes (a multiple of the block size) with the given IV
 * (NULL for zeros).  Returns 0 or -1. */
int sym_cbc(enum sym_alg alg, const uint8_t *key, const uint8_t *iv,
    const uint8_t *in, uint8_t *out, size_t n, int enc);

/* Padding methods of ISO/IEC 9797-1: 1 = zeros (none if already whole
 * blocks), 2 = 80 then zeros (always). */
enum sym_pad { SYM_PAD1 = 1, SYM_PAD2 = 2 };

/* ISO/IEC 9797-1 MAC algorithm 3 (the retail MAC): single DES CBC with the
 * left key half, the final block decrypted with the right half and
 * encrypted with the left; 16-byte key, 8-byte result.  Returns 0 or -1. */
int sym_mac3(const uint8_t key[16], enum sym_pad pad, const uint8_t *msg,
    size_t n, uint8_t mac[8]);

/* Set odd parity on every byte of a DES key. */
void sym_des_parity(uint8_t *key, size_t n);

/* Key check value: 3 bytes, 3DES-ECB of zeros, or AES of 16 bytes 01 as
 * GlobalPlatform SCP03 defines it (GP Amendment D, 7.2.2). */
int sym_kcv(enum sym_alg alg, const uint8_t *key, uint8_t kcv[3]);

#endif
