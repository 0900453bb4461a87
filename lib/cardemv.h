/* cardemv.h: the virtual card's EMV payment application, contact (EMV 4.4
 * Book 3), over the data personalization left in the card's DGIs: the
 * FCI (9102), the GPO response (9104), the records (DGIs 0101-1EFF), the
 * card keys (8000: MK-AC, MK-SMI, MK-SMC), the reference PIN (8010, 9010)
 * and the ICC private key (8201-8205).
 *
 * Commands: SELECT of PSE, PPSE and the application (FCI; the PSE
 * directory and the PPSE's entry are made from the application's own
 * FCI), GET PROCESSING OPTIONS, READ RECORD, GET DATA, GET CHALLENGE,
 * VERIFY (plaintext and enciphered PIN), INTERNAL AUTHENTICATE (DDA),
 * GENERATE AC (first and second, CDA), EXTERNAL AUTHENTICATE (ARPC) and
 * the issuer script commands with secure messaging (APPLICATION BLOCK
 * and UNBLOCK, CARD BLOCK, PIN CHANGE/UNBLOCK, PUT DATA, UPDATE RECORD).
 * The cryptogram version comes from the application's IAD template
 * (9F10 in DGI 9200 or a record) or its AID, lib/cvn computes. */
#ifndef EMV_CARDEMV_H
#define EMV_CARDEMV_H

#include <stddef.h>
#include <stdint.h>

#include "card.h"

/* FCI of PSE, PPSE or the application (Book 1 11.3.4, Book 3 6.5.11).
 * 6A82 while the application is not personalized, 6283 when it is
 * blocked, 6A81 when the card is. */
uint16_t cardemv_select(struct card *c, enum card_sel which, uint8_t *out,
    size_t *len);

/* A command for the selected PSE, PPSE or personalized application. */
uint16_t cardemv_apdu(struct card *c, const struct card_apdu *a,
    uint8_t *out, size_t *len);

/* Called by the last STORE DATA: SW_OK when the application has what it
 * needs (9102, 9104, 8000; the whole ICC private key when part of it is
 * there; a usable cryptogram version), and its counters start (ATC 0,
 * PIN try counter from 9010).  Else SW_CONDITIONS or SW_WRONG_DATA. */
uint16_t cardemv_perso_done(struct card *c);

#endif
