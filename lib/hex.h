/* hex.h: hexadecimal text to and from bytes. */
#ifndef EMV_HEX_H
#define EMV_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Decode n hex digits (upper or lower case) into out; n must be even.
 * Returns the number of bytes written, or -1 on an odd count or a non-hex digit. */
long hex_decode(const char *s, size_t n, uint8_t *out);

/* Like hex_decode but accepts only uppercase digits, as the record format requires. */
long hex_decode_upper(const char *s, size_t n, uint8_t *out);

/* Encode n bytes as 2n uppercase hex digits and a NUL into out (2n+1 bytes). */
void hex_encode(const uint8_t *in, size_t n, char *out);

/* 1 if s[0..n) is a non-empty or empty even run of uppercase hex digits, else 0. */
int hex_is_upper(const char *s, size_t n);

#endif
