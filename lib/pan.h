/* pan.h: primary account numbers: Luhn check and masking for diagnostics. */
#ifndef EMV_PAN_H
#define EMV_PAN_H

#include <stddef.h>

/* 1 if the n digits of s pass the Luhn (ISO/IEC 7812-1) check, else 0.
 * Non-digits make it 0. */
int pan_luhn_ok(const char *s, size_t n);

/* Write a masked copy of the PAN s[0..n) into out (n+1 bytes): the first 6 and
 * last 4 digits kept, the rest '*'.  PANs of 10 digits or fewer are masked
 * entirely, so nothing short leaks whole. */
void pan_mask(const char *s, size_t n, char *out);

#define PAN_MAX 19	/* digits of a PAN (tag 5A, cn up to 10 bytes) */

/* The digits of a PAN coded as tag 5A (cn: BCD, an odd count padded with
 * one F, EMV 4.4 Book 3 Annex A) into digits (NUL-terminated).  Returns
 * the number of digits, or -1 if the value is not that (digits wiped). */
int pan_from_hex(const char *hex, size_t n, char digits[PAN_MAX + 1]);

/* Mask a PAN given as record hex of tag 5A (BCD, F-padded): writes the
 * masked digits into out (at most 20 bytes with NUL).  Returns 0, or -1 if
 * the value is not BCD. */
int pan_mask_hex(const char *hex, size_t n, char out[20]);

#endif
