/* scp.h: GlobalPlatform secure channels SCP02 (explicit, C-MAC on the
 * modified APDU, ICV zero: i = 15, 55, 05, 45 and their one-key forms) and
 * SCP03 (i = 00/10/20/30/60/70, 8-byte challenges), both sides: the host
 * (personalization device) opens the channel and wraps commands, the card
 * answers INITIALIZE UPDATE, checks EXTERNAL AUTHENTICATE and unwraps.
 * Also the diversification of the card's static keys from a KMC (EMV CPS
 * 1.1, VISA2, GPPro's KDF3 for AES) and the encryption of sensitive
 * STORE DATA values.  Security levels C-MAC (01) and C-DECRYPTION + C-MAC
 * (03); R-MAC and R-ENCRYPTION are refused (SCP_ELEVEL).
 *
 * GP Card Specification 2.2 Annex E (SCP02), GP Amendment D v1.1.1
 * (SCP03), EMV CPS 1.1 §2.3 (KEYDATA).  Ciphers and MACs are OpenSSL's
 * (through lib/sym and EVP_MAC CMAC); nothing is written here by hand.
 *
 * Return convention: 0 ok, a positive enum scp_err for a data or protocol
 * error (scp_sw gives the status word a card answers), -1 for an internal
 * (OpenSSL) failure. */
#ifndef EMV_SCP_H
#define EMV_SCP_H

#include <stddef.h>
#include <stdint.h>

#include "sym.h"

#define SCP_APDU_MAX	261	/* short APDU: 5 + 255 + Le */
#define SCP_KDD_LEN	10	/* key diversification data (KEYDATA) */
#define SCP_IU_RESP_MAX	32	/* INITIALIZE UPDATE response data */
#define SCP_KEY_MAX	32

/* Security levels: P1 of EXTERNAL AUTHENTICATE. */
#define SCP_LEVEL_NONE	0x00
#define SCP_LEVEL_MAC	0x01	/* C-MAC */
#define SCP_LEVEL_ENC	0x02	/* C-DECRYPTION, only with C-MAC (03) */
#define SCP_LEVEL_RMAC	0x10	/* refused */
#define SCP_LEVEL_RENC	0x20	/* refused */

enum scp_err {
	SCP_OK = 0,
	SCP_ELEN = 1,	/* wrong length (Lc, APDU or response size) 6700 */
	SCP_ECLA,	/* class byte not allowed 6E00 */
	SCP_EP1P2,	/* wrong P1/P2 6A86 */
	SCP_EKVN,	/* key version not found 6A88 */
	SCP_ESTATE,	/* command out of sequence / no session 6985 */
	SCP_EAUTH,	/* card or host cryptogram wrong 6300 */
	SCP_EMAC,	/* C-MAC wrong or missing; session ended 6982 */
	SCP_ELEVEL,	/* security level refused (R-MAC, R-ENC, 02) 6A86 */
	SCP_EPARAM,	/* SCP or i parameter not supported 6A86 */
	SCP_ESEQ,	/* sequence counter exhausted 6A84 */
	SCP_EKEY	/* keys of the wrong algorithm for the SCP 6A88 */
};

/* The static keys of a security domain: ENC, MAC, DEK of one key version.
 * SYM_3DES2 for SCP02, SYM_AES128/192/256 for SCP03. */
struct scp_keys {
	enum sym_alg alg;
	uint8_t kvn;			/* key version number, 01..7F */
	uint8_t enc[SCP_KEY_MAX];
	uint8_t mac[SCP_KEY_MAX];
	uint8_t dek[SCP_KEY_MAX];
};

enum scp_div {
	SCP_DIV_EMV,	/* EMV CPS 1.1: KDD[4..9] || F0/0F || keyID, 3DES KMC */
	SCP_DIV_VISA2,	/* KDD[0..1] || KDD[4..7] || F0/0F || keyID, 3DES KMC */
	SCP_DIV_KDF3	/* GPPro "kdf3": AES-CMAC KDF over the KDD, AES KMC */
};

/* A parsed INITIALIZE UPDATE response (GP 2.2 E.5.1.6, Amd D 7.1.1.6). */
struct scp_iu {
	uint8_t kdd[SCP_KDD_LEN];
	uint8_t kvn;
	uint8_t scp;		/* 02 or 03 */
	uint8_t i;		/* SCP03 only; 0 for SCP02 */
	uint8_t seq[3];		/* SCP02: 2 bytes; SCP03: 3 if i has 0x10 */
	size_t seqlen;
	uint8_t card_chal[8];	/* SCP02: 6 bytes; SCP03: 8 */
	size_t challen;
	uint8_t card_crypto[8];
};

/* What the card side needs to answer INITIALIZE UPDATE. */
struct scp_card {
	const struct scp_keys *keys;
	uint8_t scp;		/* 2 or 3 */
	uint8_t i;		/* i parameter the card implements */
	uint8_t kdd[SCP_KDD_LEN];
	uint32_t seq;		/* sequence counter (SCP02 <= FFFF, SCP03 <= FFFFFF) */
	const uint8_t *aid;	/* SD AID: SCP03 pseudo-random challenge (i & 10) */
	size_t aidlen;
};

/* One secure channel session, either side.  Opaque: use the functions.
 * scp_end wipes it; a session also wipes itself when a C-MAC fails. */
struct scp_session {
	int side;		/* 0 unused, 1 host, 2 card */
	int state;
	uint8_t scp, i, kvn, level;
	enum sym_alg alg;
	size_t keylen;
	uint8_t kdd[SCP_KDD_LEN];
	uint8_t seq[3];
	uint8_t host_chal[8], card_chal[8];
	uint8_t senc[SCP_KEY_MAX], smac[SCP_KEY_MAX], dek[SCP_KEY_MAX];
	uint8_t chain[16];	/* SCP02: last C-MAC; SCP03: MAC chaining value */
	uint32_t ctr;		/* SCP03 encryption counter */
};

/* Fill k with a key version's three keys (each sym_keylen(alg) bytes).
 * Returns 0, or SCP_EKEY if alg is three-key DES. */
int scp_keys_set(struct scp_keys *k, enum sym_alg alg, uint8_t kvn,
    const uint8_t *enc, const uint8_t *mac, const uint8_t *dek);

/* Diversify the card's static ENC/MAC/DEK from a KMC and the card's KDD
 * (EMV CPS 1.1 §2.3 / VISA2: 3DES-ECB(KMC) of a 16-byte template, kmcalg
 * SYM_3DES2, gives SYM_3DES2 keys; KDF3: AES keys of the KMC's length).
 * Returns 0, SCP_EKEY for a KMC of the wrong family, -1. */
int scp_diversify(enum scp_div method, enum sym_alg kmcalg,
    const uint8_t *kmc, const uint8_t kdd[SCP_KDD_LEN], uint8_t kvn,
    struct scp_keys *out);

/* Wipe a key set. */
void scp_keys_clear(struct scp_keys *k);

/* Parse INITIALIZE UPDATE response data (no SW): 28 bytes SCP02, 29 or 32
 * SCP03.  Returns 0, SCP_ELEN, SCP_EPARAM. */
int scp_iu_parse(const uint8_t *resp, size_t n, struct scp_iu *iu);

/* Host: start a session and build INITIALIZE UPDATE (80 50 kvn 00 08
 * challenge 00) into apdu (14 bytes).  scp is 2 or 3; i is the SCP02 i
 * the host expects (ignored for SCP03, which the card announces).
 * host_chal: 8 bytes, or NULL for random ones.  Returns 0, SCP_EPARAM, -1. */
int scp_host_begin(struct scp_session *s, uint8_t scp, uint8_t i,
    uint8_t kvn, const uint8_t *host_chal, uint8_t *apdu, size_t *len);

/* Host: check the card's INITIALIZE UPDATE response data (no SW) with the
 * card's static keys (diversified from the response's KDD if need be:
 * scp_iu_parse first), derive the session keys, check the card cryptogram.
 * Returns 0, SCP_ELEN, SCP_EPARAM, SCP_EKVN, SCP_EKEY, SCP_EAUTH
 * (session wiped), SCP_ESTATE, -1. */
int scp_host_response(struct scp_session *s, const struct scp_keys *k,
    const uint8_t *resp, size_t n);

/* Host: build EXTERNAL AUTHENTICATE (84 82 level 00 10 cryptogram C-MAC,
 * 21 bytes) for level 00, 01 or 03; the session is then open at that
 * level.  Returns 0, SCP_ELEVEL, SCP_ESTATE, -1. */
int scp_host_ext_auth(struct scp_session *s, uint8_t level, uint8_t *apdu,
    size_t *len);

/* Host: wrap a plain short APDU (case 1-4; basic channel, CLA 00/80, or
 * 10/90 with command chaining) for the session's level: C-MAC (chained),
 * and at level 03 the data encrypted; CLA gets bit 04.  out holds
 * SCP_APDU_MAX bytes.  Level 00 copies.  At most 247 data bytes at level
 * 01, 239 at 03.  Returns 0, SCP_ELEN (malformed, or too long once
 * wrapped: the session goes on), SCP_ECLA, SCP_ESTATE, -1 (session
 * ended). */
int scp_wrap(struct scp_session *s, const uint8_t *apdu, size_t n,
    uint8_t *out, size_t *outlen);

/* Card: answer INITIALIZE UPDATE (the whole command APDU): start session
 * s and write the response data (no SW) into resp (SCP_IU_RESP_MAX).
 * card_chal: the card challenge (6 bytes SCP02, 8 SCP03) to use, or NULL
 * for a random one (SCP03 with i & 10: the pseudo-random one of Amd D
 * 6.2.2.1, from c->seq and c->aid; SCP02 i & 40, whose well-known
 * challenge is not implemented: SCP_EPARAM).  The counter is the caller's to
 * keep: increment it after each channel opened (SCP02), and after each
 * pseudo-random challenge (SCP03 i & 10) so that none repeats.  Returns 0,
 * SCP_ELEN, SCP_ECLA, SCP_EP1P2, SCP_EKVN, SCP_EPARAM, SCP_ESEQ, -1. */
int scp_card_init_update(struct scp_session *s, const struct scp_card *c,
    const uint8_t *apdu, size_t n, const uint8_t *card_chal,
    uint8_t *resp, size_t *resplen);

/* Card: check EXTERNAL AUTHENTICATE (the whole command APDU): host
 * cryptogram, C-MAC, level.  On success the session is open at that level.
 * Any failure ends the session (wiped).  Returns 0, SCP_ESTATE, SCP_ELEN,
 * SCP_ECLA, SCP_ELEVEL, SCP_EAUTH, SCP_EMAC, -1. */
int scp_card_ext_auth(struct scp_session *s, const uint8_t *apdu, size_t n);

/* Card: unwrap a command of an open session: check its C-MAC (chained)
 * and decrypt at level 03, giving the plain APDU (CLA bit 04 cleared, Lc
 * and Le as the host meant them) in out (SCP_APDU_MAX).  A command
 * without bit 04 at level 01/03, a bad MAC or bad padding ends the session
 * (SCP_EMAC).  Level 00 copies (bit 04 set: SCP_ECLA).  Returns 0,
 * SCP_ESTATE, SCP_ELEN, SCP_ECLA, SCP_EMAC, -1. */
int scp_unwrap(struct scp_session *s, const uint8_t *apdu, size_t n,
    uint8_t *out, size_t *outlen);

/* Encrypt (enc = 1) or decrypt (0) sensitive STORE DATA values (CPS 1.1
 * §3.2.7.3, GP Amd D 6.2.8): SCP02 3DES-ECB under the session DEK,
 * SCP03 AES-CBC ICV 0 under the static DEK.  n is a multiple of the block
 * size (8 or 16): padding is the caller's (per DGI).  In place allowed.
 * Needs a session past INITIALIZE UPDATE.  Returns 0, SCP_ELEN,
 * SCP_ESTATE, -1. */
int scp_sensitive(const struct scp_session *s, const uint8_t *in,
    size_t n, uint8_t *out, int enc);

/* The session's security level once open, or -1 if no session is open. */
int scp_level(const struct scp_session *s);

/* End a session: wipe every key, challenge and chaining value. */
void scp_end(struct scp_session *s);

/* The status word a card answers for an error (9000 for SCP_OK, 6F00 for
 * -1), and a short description of it for messages. */
uint16_t scp_sw(int err);
const char *scp_strerror(int err);

#endif
