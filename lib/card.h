/* card.h: the virtual chip card of emv-card(1): its state, the command
 * dispatcher and the helpers its applications share.
 *
 * One card: a GlobalPlatform issuer security domain (the card manager,
 * lib/cardgp: SCP02/SCP03, GET DATA, personalization by STORE DATA) and
 * one EMV payment application (lib/cardemv).  card_apdu takes a command
 * APDU and gives the response APDU; SELECT is answered here and picks the
 * module that gets the following commands.  Every state change is saved
 * (the save hook, lib/cardimg) before the response leaves: a card that
 * cannot save answers 6581 (memory failure), as a chip whose EEPROM write
 * fails.  No byte sequence makes it crash (fuzz/fuzz-apdu.c).
 *
 * Status words are ISO/IEC 7816-4's (5.1.3), GP Card Specification 2.3's
 * (11.1.3) and EMV 4.4 Book 3's (6.3.5). */
#ifndef EMV_CARD_H
#define EMV_CARD_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "scp.h"

#define CARD_CMD_MAX	261	/* short APDU: 4 + 1 + 255 + 1 */
#define CARD_RSP_MAX	258	/* 256 bytes and the status word */
#define CARD_AID_MAX	16
#define CARD_CPLC_LEN	42
#define CARD_SERIAL_LEN	4	/* IC serial number, CPLC bytes 12-15 */
#define CARD_DGI_MAX	256	/* DGIs an application keeps */
#define CARD_DGI_LEN	4096	/* bytes of one DGI */
#define CARD_ATR_MAX	33

/* Status words. */
enum {
	SW_OK = 0x9000,
	SW_WARN_NOINFO = 0x6200,
	SW_AUTH_FAILED = 0x6300,	/* GP: host cryptogram wrong */
	SW_MEMORY = 0x6581,
	SW_WRONG_LENGTH = 0x6700,
	SW_CHANNEL = 0x6881,		/* logical channel not supported */
	SW_SM_UNSUPPORTED = 0x6882,
	SW_SECURITY = 0x6982,
	SW_BLOCKED = 0x6983,		/* authentication method blocked */
	SW_DATA_INVALID = 0x6984,
	SW_CONDITIONS = 0x6985,
	SW_SM_MISSING = 0x6987,
	SW_SM_WRONG = 0x6988,
	SW_WRONG_DATA = 0x6A80,
	SW_FUNC = 0x6A81,		/* function not supported (blocked) */
	SW_NOT_FOUND = 0x6A82,
	SW_RECORD = 0x6A83,
	SW_NO_SPACE = 0x6A84,
	SW_P1P2 = 0x6A86,
	SW_REF_DATA = 0x6A88,
	SW_INS = 0x6D00,
	SW_CLA = 0x6E00,
	SW_UNKNOWN = 0x6F00
};

/* Card life cycle (GP Card Specification 2.3, 5.1.1, Table 11-4 codes). */
enum card_life {
	CARD_OP_READY = 0x01,
	CARD_INITIALIZED = 0x07,
	CARD_SECURED = 0x0F,
	CARD_LOCKED = 0x7F,
	CARD_TERMINATED = 0xFF
};

/* The payment application's life (GP 5.3.1 and EMV Book 3 blocking). */
enum card_app {
	CARD_APP_SELECTABLE,	/* installed, waiting for personalization */
	CARD_APP_PERSONALIZED,
	CARD_APP_BLOCKED	/* APPLICATION BLOCK: SELECT answers 6283 */
};

enum card_sel {
	CARD_SEL_NONE,
	CARD_SEL_ISD,
	CARD_SEL_PSE,		/* 1PAY.SYS.DDF01 */
	CARD_SEL_PPSE,		/* 2PAY.SYS.DDF01 */
	CARD_SEL_APP
};

/* A data grouping as personalization left it; secret DGIs (8000-8FFF)
 * in clear here, in memory only (lib/cardimg seals them). */
struct card_dgi {
	uint16_t id;
	size_t len;
	uint8_t *val;
};

/* One parsed command APDU (ISO/IEC 7816-3 12.1.3, short form). */
struct card_apdu {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t lc;
	int has_le;
	size_t le;		/* 1-256 (Le 00 is 256) */
	const uint8_t *raw;
	size_t rawlen;
};

/* Parse a command APDU (ISO/IEC 7816-3 12.1.3: the four cases, short
 * length fields only) into a, which points into cmd.  data is never NULL
 * (it points past the header when there is none).  Returns 9000 or the
 * status word for a malformed command (6700). */
uint16_t card_apdu_parse(struct card_apdu *a, const uint8_t *cmd, size_t n);

/* The payment application's transaction state: volatile, cleared at
 * power-on, reset and SELECT (EMV 4.4 Book 3, 6.5). */
struct card_tx {
	int gpo;		/* GET PROCESSING OPTIONS done */
	int acs;		/* GENERATE AC answered: 0, 1, 2 */
	uint8_t cid1;		/* CID of the first GENERATE AC */
	uint8_t ac[8];		/* the last AC */
	uint8_t arqc[8];	/* the ARQC, for ARPC and scripts */
	int online;		/* an ARQC was given: second GEN AC expected */
	int pin_ok;		/* offline PIN verified in this transaction */
	int pin_failed;		/* a wrong offline PIN was presented */
	int pin_blocked_now;	/* the try limit was reached in this one */
	int chal;		/* GET CHALLENGE value valid for one VERIFY */
	uint8_t challenge[8];
	int iauth;		/* EXTERNAL AUTHENTICATE done */
	int iauth_failed;
	int scripts;		/* issuer script commands processed */
	int script_failed;
	uint8_t pdol[256];	/* PDOL-related data, for CDA */
	size_t pdollen;
	uint8_t cdol1[256];	/* CDOL1-related data, for CDA */
	size_t cdol1len;
	uint8_t un[4];		/* 9F37 of the last GENERATE AC */
	int dda;		/* INTERNAL AUTHENTICATE answered */
	int blocked_now;	/* APPLICATION or CARD BLOCK in this one */
};

/* Persistent risk management flags (card image attribute "risk"). */
#define CARD_R_ONLINE_INCOMPLETE 0x01	/* an ARQC without its second
					 * GENERATE AC */
#define CARD_R_IAUTH_FAILED	0x02	/* issuer authentication failed in
					 * the last online transaction */
#define CARD_R_SCRIPT_FAILED	0x04	/* a script command failed then */

struct card;

/* Save hook: write the card's persistent state (lib/cardimg) durably
 * before the response is sent.  Returns 0, or -1 (the card answers
 * 6581). */
typedef int (*card_save_fn)(struct card *c, void *arg);

struct card {
	/* The card image (emvperso-card(5)). */
	uint8_t cplc[CARD_CPLC_LEN];
	uint8_t serial[CARD_SERIAL_LEN];
	uint8_t kdd[SCP_KDD_LEN];
	uint8_t isd[CARD_AID_MAX];
	size_t isdlen;
	enum card_life life;
	struct scp_keys keys;	/* the ISD's static keys (secret) */
	uint8_t scp, scpi;	/* 2 or 3, and the i parameter */
	uint32_t seq;		/* secure channel sequence counter */
	unsigned authfail;	/* consecutive failed authentications */
	unsigned authmax;	/* after that many, INITIALIZE UPDATE 6983 */
	uint8_t aid[CARD_AID_MAX];	/* the payment application */
	size_t aidlen;
	enum card_app app;
	struct card_dgi dgi[CARD_DGI_MAX];
	size_t ndgi;
	uint16_t atc;		/* 9F36 */
	uint16_t lonatc;	/* 9F13, last online ATC register */
	uint8_t ptc;		/* 9F17, PIN try counter */
	unsigned risk;		/* CARD_R_* */
	int test;		/* made with test keys */
	EVP_PKEY *icc;		/* the ICC private key, from 8201-8205 */

	/* Set by the caller. */
	card_save_fn save;
	void *savearg;
	const uint8_t *rnd;	/* test switch: fixed "random" bytes */
	size_t rndlen, rndpos;
	int t0;			/* answer case 4 commands with 61xx */

	/* Volatile, cleared at power-on and reset. */
	int powered;
	enum card_sel sel;
	struct scp_session sc;	/* the secure channel, ISD side */
	int perso;		/* INSTALL [for personalization] done */
	unsigned sdblock;	/* next STORE DATA block number (P2) */
	int sdstarted;
	struct {		/* a DGI spread over STORE DATA commands */
		uint16_t id;
		size_t want, got;
		int enc;
		uint8_t *buf;
	} part;
	uint8_t pending[CARD_RSP_MAX];	/* T=0: data for GET RESPONSE */
	size_t npending;
	struct card_tx tx;
	int dirty;		/* persistent state changed: save */
};

/* A blank card as a card maker ships it: serial, CPLC, KDD, ISD AID,
 * application AID and the ISD keys.  Everything else starts empty:
 * life SECURED, application SELECTABLE, counters zero. */
struct card_blank {
	uint8_t serial[CARD_SERIAL_LEN];
	const uint8_t *isd;
	size_t isdlen;
	const uint8_t *aid;
	size_t aidlen;
	const struct scp_keys *keys;
	uint8_t scp, scpi;
	uint32_t seq;
	unsigned authmax;
	int test;
};

/* Fill c as a new blank card (GP 2.3 5.1.1 SECURED; CPLC of GP 2.3 Table
 * H-3 with this serial; KDD = last two bytes of the ISD AID || IC
 * fabrication date || IC serial || IC batch, the layout both EMV CPS 1.1
 * and VISA2 diversification read).  Returns 0 or -1 (bad AID length). */
int card_init_blank(struct card *c, const struct card_blank *b);

/* The key diversification data of a new card (card_init_blank). */
void card_kdd(const uint8_t *isd, size_t isdlen,
    const uint8_t serial[CARD_SERIAL_LEN], uint8_t kdd[SCP_KDD_LEN]);

/* The ISD keys a card maker gives a new card, key version kvn: with mac
 * and dek, the three keys as they are; else the KMC diversified from the
 * card's KDD by method "emv" (EMV CPS 1.1), "visa2", "kdf3" (AES) or
 * "none" (the KMC itself, three times).  Triple DES makes SCP02 keys, AES
 * SCP03 keys.  Returns 0, -1 for an unknown method, -2 for keys that do
 * not suit scp. */
int card_maker_keys(const char *method, enum sym_alg alg, const uint8_t *kmc,
    const uint8_t *mac, const uint8_t *dek, const uint8_t kdd[SCP_KDD_LEN],
    uint8_t scp, uint8_t kvn, struct scp_keys *out);

/* Parse a secure channel spec "SCP[:I[:KVN]]" in hexadecimal: 02 (i 15,
 * kvn 01 unless given) or 03 (i 70, kvn 30).  Returns 0 or -1. */
int card_scp_parse(const char *s, uint8_t *scp, uint8_t *i, uint8_t *kvn);

/* Wipe and free everything c holds (keys, DGIs, session). */
void card_free(struct card *c);

/* The answer to reset (T=1, ISO/IEC 7816-3 8.2): writes at most
 * CARD_ATR_MAX bytes, returns the length. */
size_t card_atr(const struct card *c, uint8_t *atr);

/* Power events from the reader: on (1), off (0), warm reset (2).  Each
 * clears the volatile state. */
void card_power(struct card *c, int what);

/* Process one command APDU (n bytes) and write the response APDU into
 * rsp (CARD_RSP_MAX bytes); returns its length (>= 2).  Saves the state
 * through the hook before returning when it changed. */
size_t card_apdu(struct card *c, const uint8_t *cmd, size_t n,
    uint8_t *rsp);

/* ---- for the applications (lib/cardgp, lib/cardemv) ---- */

/* n bytes of the card's randomness: the test bytes when set, else
 * OpenSSL's RAND_bytes.  Returns 0 or -1. */
int card_random(struct card *c, uint8_t *out, size_t n);

/* The DGI with this id, or NULL. */
struct card_dgi *card_dgi_get(struct card *c, uint16_t id);

/* Add or replace DGI id (len bytes).  Returns 0, or -1 when the card is
 * full (CARD_DGI_MAX, CARD_DGI_LEN). */
int card_dgi_put(struct card *c, uint16_t id, const uint8_t *val,
    size_t len);

/* Find a data object of the application by tag: in the record DGIs
 * (inside their 70 template) and the internal-data DGIs.  Returns 1 and
 * sets *val and *len, or 0. */
int card_find_tag(struct card *c, uint32_t tag, const uint8_t **val,
    size_t *len);

/* Append tag/val as BER-TLV to out (at *off, cap bytes).  Returns 0 or -1
 * if it does not fit. */
int card_put_tlv(uint8_t *out, size_t *off, size_t cap, uint32_t tag,
    const uint8_t *val, size_t len);

/* Mark the persistent state changed (saved before the response). */
void card_dirty(struct card *c);

/* Name of a life cycle state or application state, for the image and
 * messages; parse them back (-1 if unknown). */
const char *card_life_name(enum card_life l);
int card_life_parse(const char *s, enum card_life *l);
const char *card_app_name(enum card_app a);
int card_app_parse(const char *s, enum card_app *a);

#endif
