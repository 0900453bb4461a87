/* emvsm.h: the data formats of EMV issuer script secure messaging (EMV 4.4
 * Book 2, 9.2 and 9.3, Annex A1.1 and A1.2) under a session key the caller
 * derives: the command MAC, the three encipherment modes of the schemes,
 * and the Visa (VIS) PIN change block.  Which key, mode and PIN block a card
 * uses is its cryptogram version's business: see cvn.h, which builds whole
 * script commands from these pieces.
 *
 * Functions return 0, a positive EMVSM_E* code when the data is wrong, or
 * -1 on a misuse (bad length, no room) or a cipher failure.  Every buffer
 * that held clear script data or a PIN is wiped before return. */
#ifndef EMV_EMVSM_H
#define EMV_EMVSM_H

#include <stddef.h>
#include <stdint.h>

#define EMVSM_MACLEN	8	/* the script MAC emvperso writes (9.2.3: 4-8) */
#define EMVSM_DATAMAX	254	/* clear data of one command (Visa: length byte) */

/* Encipherment of the command data field (Book 2, 9.3 and A1.1). */
enum emvsm_mode {
	EMVSM_EMV = 1,		/* 3DES-CBC, ICV 0, always padded (method 2) */
	EMVSM_MASTERCARD,	/* 3DES-CBC, ICV 0, padded only when not whole blocks */
	EMVSM_VISA		/* 3DES-ECB of length || data, always padded */
};

enum emvsm_err {
	EMVSM_EPAD = 1,		/* deciphered data: bad length byte or padding */
	EMVSM_EPIN		/* a PIN change block that does not decode */
};

/* Book 2, 9.2.3 and A1.2: the 8-byte MAC (ISO/IEC 9797-1 MAC algorithm 3,
 * padding method 2) over a script command cmd[0..n) (CLA INS P1 P2 Lc and
 * the data, without the MAC, Lc counting it), with the ATC (2 bytes) and
 * the ARQC (8) put after the 5 header bytes when not NULL ("format 2,
 * padded with transaction data": they are MACed but not sent). */
int emvsm_mac(const uint8_t sk[16], const uint8_t *cmd, size_t n,
    const uint8_t *atc, const uint8_t *arqc, uint8_t mac[EMVSM_MACLEN]);

/* Length of the enciphered form of n bytes of data in mode m. */
size_t emvsm_enclen(enum emvsm_mode m, size_t n);

/* Book 2, 9.3.2 and A1.1: encipher in[0..n) (1 to EMVSM_DATAMAX bytes)
 * under sk in mode m into out (cap bytes, emvsm_enclen); *len gets the
 * length. */
int emvsm_encrypt(enum emvsm_mode m, const uint8_t sk[16], const uint8_t *in,
    size_t n, uint8_t *out, size_t cap, size_t *len);

/* The inverse of emvsm_encrypt: the clear data without its padding (EMV),
 * its length byte and padding (Visa); Mastercard's optional padding cannot
 * be told from data, so that mode gives back every deciphered byte and the
 * command's own format says how many count.  EMVSM_EPAD if the length
 * byte or padding is wrong.  out may not overlap in. */
int emvsm_decrypt(enum emvsm_mode m, const uint8_t sk[16], const uint8_t *in,
    size_t n, uint8_t *out, size_t cap, size_t *len);

/* Visa PIN change block (VIS; pyemv sm.py builds the same): the PIN
 * length byte, the PIN digits and F fill (8 bytes) XOR 00000000 ||
 * MK-AC[4..7], then, when the current PIN is given (cur not NULL), XOR the
 * current PIN's digits padded with 0 to 16.  PINs of 4 to 12 digits. */
int emvsm_vis_pinblock(const uint8_t mk_ac[16], const char *pin,
    size_t pinlen, const char *cur, size_t curlen, uint8_t out[8]);

/* The card's side of emvsm_vis_pinblock: the new PIN (digits and a NUL,
 * 13 bytes) of a VIS PIN block, given the current PIN when the command
 * said it was used.  EMVSM_EPIN if the block does not decode; the block
 * has no check of its own, so a block made with another current PIN may
 * also decode, to another PIN (the script MAC is what protects it). */
int emvsm_vis_pindecode(const uint8_t mk_ac[16], const uint8_t block[8],
    const char *cur, size_t curlen, char pin[13], size_t *pinlen);

/* The ARQC plus k, modulo 2^64: the value Mastercard's script session key
 * and MAC take for the (k+1)th command of a script (k = 0 is the first). */
void emvsm_arqc_add(const uint8_t arqc[8], unsigned k, uint8_t out[8]);

#endif
