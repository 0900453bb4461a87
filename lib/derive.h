/* derive.h: ICC master keys from issuer master keys (EMV 4.4 Book 2,
 * Annex A1.4): the card's MK-AC, MK-SMI and MK-SMC from the IMKs, the
 * PAN and the PAN sequence number.  Session keys (A1.3) are not here. */
#ifndef EMV_DERIVE_H
#define EMV_DERIVE_H

#include <stddef.h>
#include <stdint.h>

#include "pan.h"

#define DERIVE_PANMAX PAN_MAX

/* Decode the record hex of tag 5F34 (n 2: one BCD byte) into two ASCII
 * digits and a NUL.  Returns 0, or -1 if it is not one BCD byte. */
int derive_psn(const char *hex, size_t n, char psn2[3]);

/* Book 2 A1.4.1, Option A: Y = the rightmost 16 digits of PAN || PSN
 * (zeros on the left if fewer), MK = 3DES(IMK)[Y] || 3DES(IMK)[Y xor
 * FF..FF] with odd parity.  pan holds pandigits (1-19) ASCII digits,
 * psn2 two.  Returns 0, or -1 on bad digits or an OpenSSL failure. */
int derive_option_a(const uint8_t imk[16], const char *pan,
    size_t pandigits, const char *psn2, uint8_t mk[16]);

/* Book 2 A1.4.2, Option B: for a PAN of up to 16 digits exactly Option
 * A; for a longer one Y = 16 digits decimalized from SHA-1(PAN || PSN,
 * BCD, a zero in front if the count is odd), then as Option A.  Same
 * arguments and returns as derive_option_a. */
int derive_option_b(const uint8_t imk[16], const char *pan,
    size_t pandigits, const char *psn2, uint8_t mk[16]);

#endif
