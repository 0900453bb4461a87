/* pinblock.h: ISO 9564-1:2017 PIN blocks, the clear 8-byte formats 0 to 3
 * and the AES enciphered format 4, and the Visa PIN verification value.
 * A PIN and a PAN are ASCII digit strings with a length; every buffer that
 * held a PIN, a clear PIN block or a PIN field is wiped before return.
 * Functions return 0, a positive PINBLOCK_E* code when the data is wrong,
 * or -1 on a misuse or a failure of the cipher or the random generator. */
#ifndef EMV_PINBLOCK_H
#define EMV_PINBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "sym.h"

#define PINBLOCK_PINMIN	4	/* ISO 9564-1:2017 8.1 */
#define PINBLOCK_PINMAX	12
#define PINBLOCK_PANMAX	19	/* ISO/IEC 7812-1 */

enum pinblock_err {
	PINBLOCK_EFORMAT = 1,	/* control field is not the format expected */
	PINBLOCK_ELENGTH,	/* PIN length not 4 to 12 */
	PINBLOCK_EDIGITS,	/* a PIN digit is not 0 to 9 */
	PINBLOCK_EFILL,		/* fill digits are not those of the format */
	PINBLOCK_EPAN,		/* the block decodes only with another PAN */
	PINBLOCK_ENOPAN		/* no PAN of 1 to 19 digits where needed */
};

/* A short English reason for a PINBLOCK_E* code (never the PIN). */
const char *pinblock_strerror(int code);

/* ISO 9564-1:2017 9.3.2.3 and 9.3.5.3: the PAN field of formats 0 and 3,
 * 0000 and the 12 rightmost PAN digits but the check digit, zero-padded
 * on the left. */
int pinblock_panfield(const char *pan, size_t panlen, uint8_t out[8]);

/* ISO 9564-1:2017 9.4.2.2.3: the PAN field of format 4, M (the PAN length
 * minus 12, or 0) then the PAN (left-padded to 12 digits when shorter),
 * zero-padded on the right. */
int pinblock_panfield4(const char *pan, size_t panlen, uint8_t out[16]);

/* ISO 9564-1:2017 9.3: the clear PIN block of format fmt (0 to 3) for PIN.
 * Formats 0 and 3 need the PAN (else ignored).  fill NULL draws the fill
 * of formats 1 (0-F) and 3 (A-F) from RAND_bytes; unit tests only may pass
 * 14 nibble values (one a byte) to use instead. */
int pinblock_encode(int fmt, const char *pin, size_t pinlen, const char *pan,
    size_t panlen, const uint8_t *fill, uint8_t out[8]);

/* ISO 9564-1:2017 9.3: decode a clear 8-byte PIN block of format 0 to 3,
 * the format taken from its control field (*fmt, set whenever the block
 * is read).  pan is needed for formats 0 and 3.  pin receives the digits
 * and a NUL (PINBLOCK_PINMAX + 1 bytes).  In formats 0 and 3 a block whose
 * digits or fill fail only where the PAN field covers them, and would
 * pass with some other PAN, gives PINBLOCK_EPAN. */
int pinblock_decode(const uint8_t in[8], const char *pan, size_t panlen,
    int *fmt, char *pin, size_t *pinlen);

/* ISO 9564-1:2017 9.4.2.2.2: the plain text PIN field of format 4: 4, the
 * length, the PIN, A fill to the eighth byte, then 8 random bytes
 * (RAND_bytes, or for unit tests only 16 nibble values in fill). */
int pinblock_pinfield4(const char *pin, size_t pinlen, const uint8_t *fill,
    uint8_t out[16]);

/* ISO 9564-1:2017 9.4.2.2.2: decode a plain text PIN field of format 4. */
int pinblock_decode4(const uint8_t field[16], char *pin, size_t *pinlen);

/* ISO 9564-1:2017 9.4.2.3: encipher a format 4 PIN block under AES key
 * (alg an AES algorithm): E(K, E(K, PIN field) XOR PAN field). */
int pinblock_encipher4(enum sym_alg alg, const uint8_t *key, const char *pin,
    size_t pinlen, const char *pan, size_t panlen, const uint8_t *fill,
    uint8_t out[16]);

/* ISO 9564-1:2017 9.4.2.3 inverted: decipher a format 4 PIN block and
 * decode it: PIN field = D(K, D(K, block) XOR PAN field).  A wrong PAN
 * gives a PIN field of random bits, which fails as PINBLOCK_EFORMAT 15
 * times in 16 and otherwise as whichever check it fails. */
int pinblock_decipher4(enum sym_alg alg, const uint8_t *key,
    const uint8_t in[16], const char *pan, size_t panlen, char *pin,
    size_t *pinlen);

/* Visa PIN verification value (VIS PIN management; Thales payShield "PVV
 * (Visa method)"): the TSP, the 11 rightmost PAN digits but the check
 * digit, the PVKI (0-9) and the 4 leftmost PIN digits, enciphered with the
 * triple-DES PVK; the PVV is the first 4 decimal digits of the result read
 * left to right, completed if need be by its digits A-F less 10 read left
 * to right again.  The PAN has at least 12 digits.  pvv gets 4 digits and
 * a NUL. */
int pinblock_pvv(enum sym_alg alg, const uint8_t *pvk, const char *pan,
    size_t panlen, int pvki, const char *pin, size_t pinlen, char pvv[5]);

#endif
