/* cvv.h: the card verification value of Visa (CVV) and Mastercard (CVC).
 * One algorithm serves every variant; only the service code put into it
 * differs: the card's own for the magnetic stripe (CVV, CVC1), 000 for the
 * value printed on the card (CVV2, CVC2) and 999 for the chip's Track 2
 * Equivalent Data (iCVV, Chip CVC).  The key is a two-key triple-DES CVK,
 * CVK A || CVK B. */
#ifndef EMV_CVV_H
#define EMV_CVV_H

#include <stdint.h>

#define CVV_SC_CVV2	"000"	/* printed value: CVV2, CVC2 */
#define CVV_SC_ICVV	"999"	/* chip track data: iCVV, Chip CVC */

/* The 3-digit CVV of pan (1-19 digits), expiry (YYMM, 4 digits) and sc (the
 * service code, 3 digits) under cvk (CVK A || CVK B), as the Visa and
 * Mastercard method (Thales CW, IBM CCA CVV Generate) defines it: the digits
 * right-padded with zeros to 32, block 1 enciphered with CVK A, XORed with
 * block 2, enciphered with CVK A || CVK B (EDE), then decimalized.  out gets
 * the digits and a NUL.  Returns 0, or -1 on bad input or a cipher failure
 * (out is then empty). */
int cvv_compute(const uint8_t cvk[16], const char *pan, const char *expiry,
    const char *sc, char out[4]);

#endif
