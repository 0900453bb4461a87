/* cardgp.h: the virtual card's issuer security domain (GlobalPlatform
 * Card Specification 2.3, and Amendment D for SCP03) and its
 * personalization of the payment application by EMV CPS 1.1 STORE DATA.
 *
 * Commands: SELECT (FCI, in lib/card), GET DATA (9F7F CPLC, 00CF key
 * diversification data, 00E0 key information), INITIALIZE UPDATE and
 * EXTERNAL AUTHENTICATE (lib/scp, SCP02 and SCP03), INSTALL [for
 * personalization], STORE DATA.  After EXTERNAL AUTHENTICATE every
 * command goes through scp_unwrap (C-MAC and its chaining, C-DECRYPTION).
 * The same commands reach the payment application while it waits for
 * personalization (CPS 1.1 3.2: SELECT of the application, then the
 * secure channel through it). */
#ifndef EMV_CARDGP_H
#define EMV_CARDGP_H

#include <stddef.h>
#include <stdint.h>

#include "card.h"

/* FCI of the ISD (GP 2.3 11.9.3.1): 6F { 84 AID, A5 { 9F6E, 9F65 } }. */
uint16_t cardgp_select(struct card *c, uint8_t *out, size_t *len);

/* FCI of the payment application before personalization: 6F { 84 AID }. */
uint16_t cardgp_select_perso(struct card *c, uint8_t *out, size_t *len);

/* A command for the ISD, or for the application before personalization:
 * data into out (CARD_RSP_MAX), returns the status word. */
uint16_t cardgp_apdu(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len);

/* Check a DGI for the application (EMV CPS 1.1 3.2.7 and the DGIs of
 * emv-card(1)): SW_OK, SW_REF_DATA (unknown DGI) or SW_WRONG_DATA. */
uint16_t cardgp_dgi_check(uint16_t id, const uint8_t *val, size_t len);

#endif
