/* cardimg.h: the card image file of emv-card(1), emvperso-card(5): one
 * record line (emvperso-record(5), so emv-show can show a card) holding a
 * virtual card's whole persistent state.
 *
 * The card's secrets (the ISD keys, the secret DGIs 8000-8FFF: card keys,
 * reference PIN, ICC private key) are sealed in the image under the chip's
 * own key, which the chip maker's master key (a kmc or kek key of the key
 * store) diversifies by the chip's IC serial number, as a chip factory
 * keys each chip: AES-256-GCM, a fresh 96-bit nonce per value, the serial
 * and the field name as associated data, so a value cannot be moved to
 * another field or another card.  No image holds a clear secret.
 *
 * Saving writes a temporary file in the image's directory, fsyncs it,
 * renames it over the image and fsyncs the directory: a killed simulator
 * leaves the old image or the new one, never half of one. */
#ifndef EMV_CARDIMG_H
#define EMV_CARDIMG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "card.h"
#include "keystore.h"

#define CARDIMG_KEYLEN 32

struct cardimg {
	const char *path;
	uint8_t key[CARDIMG_KEYLEN];	/* the chip key */
	char master[KS_NAMEMAX + 1];	/* the chip maker's key, by name */
	char err[256];			/* why the last save failed */
};

/* The chip key: the master key (3DES or AES, of a kmc or kek type)
 * enciphers, in ECB, the blocks Y1, Y2, ... (serial || 00 .. 00 || 4B ||
 * i, one cipher block each) until 32 bytes are made.  Returns 0 or -1. */
int cardimg_chipkey(const struct ks_key *master,
    const uint8_t serial[CARD_SERIAL_LEN], uint8_t key[CARDIMG_KEYLEN]);

/* The IC serial number (the id field) and chip maker's key name of an
 * image, without opening its secrets.  Returns 0 or -1 with err. */
int cardimg_peek(const char *path, uint8_t serial[CARD_SERIAL_LEN],
    char master[KS_NAMEMAX + 1], char *err, size_t errlen);

/* Load im->path into c (zeroed first) with im->key.  Every field is
 * checked; a sealed value that does not open (another chip key, a value
 * moved or changed) is an error.  Returns 0 or -1 with err. */
int cardimg_load(struct cardimg *im, struct card *c, char *err,
    size_t errlen);

/* Write c to im->path atomically (above).  excl: refuse an existing
 * image (a new blank card).  Returns 0 or -1 with err. */
int cardimg_save(struct cardimg *im, const struct card *c, int excl,
    char *err, size_t errlen);

/* The card_save_fn hook: arg is the struct cardimg; a failure's reason
 * is left in its err. */
int cardimg_hook(struct card *c, void *arg);

/* Test cards only: write c's image record to fp with every secret
 * resealed for the record stream under the transport key kek
 * (ks_kek_seal, attribute kek=NAME), so that tests compare what the card
 * holds with what data preparation sent, and still no clear secret is
 * written.  Returns 0 or -1 with err. */
int cardimg_dump(const struct card *c, const char *master,
    const struct ks_key *kek, FILE *fp, char *err, size_t errlen);

#endif
