/* cardread.h: the terminal's side of reading an EMV card (EMV 4.4 Book 1,
 * 12; Book 3, 5.4, 6.5, 10.1-10.3, 12.3): application selection (PPSE,
 * PSE, then an AID list), GET PROCESSING OPTIONS with the PDOL filled
 * from terminal parameters, READ RECORD over the AFL, GET DATA, and the
 * commands a terminal sends afterwards (INTERNAL AUTHENTICATE, GET
 * CHALLENGE, VERIFY plaintext and enciphered, GENERATE AC, EXTERNAL
 * AUTHENTICATE, script commands).  Shared by emv-read, emv-verify and
 * emv-term.  Every command goes through lib/pcsc (PC/SC or a replay), so
 * T=0 procedure bytes are already handled.
 *
 * Functions returning int give 0 on success, a positive status word when
 * the card answered something else than 9000 (or 6283 / 63xx where the
 * function says so), or a negative code (PCSC_E* of the transport, or
 * CARDREAD_EDATA for a response that breaks Book 3) with a reason in err. */
#ifndef EMV_CARDREAD_H
#define EMV_CARDREAD_H

#include <stddef.h>
#include <stdint.h>

#include "oda.h"
#include "pcsc.h"
#include "record.h"

#define CARDREAD_EDATA	(-20)	/* malformed or missing data in a response */

#define CARDREAD_MAXREC	64	/* records read over the AFL */
#define CARDREAD_MAXAID	16	/* AIDs in a candidate list */
#define CARDREAD_TERMMAX	1024	/* bytes of terminal data objects */
#define CARDREAD_GDMAX	512	/* bytes of GET DATA objects kept */

/* An AID the terminal supports (Book 1, 12.3.1). */
struct cardread_aid {
	uint8_t aid[16];
	size_t len;
};

/* Terminal data: BER-TLV objects the terminal fills DOLs from (9F02 9F03
 * 9F1A 95 5F2A 9A 9C 9F37 9F35 9F33 9F40 9F66 9F1C ...), last set wins. */
struct cardread_term {
	uint8_t tlv[CARDREAD_TERMMAX];
	size_t n;
};

/* One record read over the AFL: the whole response (70 template). */
struct cardread_record {
	uint8_t sfi, recno;
	int oda;		/* 1: within the AFL entry's ODA records */
	uint8_t data[256];
	size_t len;
};

/* A card as read. */
struct cardread_card {
	uint8_t aid[16];		/* the selected DF name (84 of the FCI) */
	size_t aidlen;
	uint8_t fci[256];		/* SELECT response data (6F template) */
	size_t fcilen;
	int blocked;			/* SELECT answered 6283 */
	uint8_t pdoldata[256];		/* GPO data sent, without 83 L */
	size_t pdollen;
	int gpo;			/* GET PROCESSING OPTIONS answered */
	uint8_t aip[2];
	uint8_t afl[252];
	size_t afllen;
	size_t nrec;
	struct cardread_record rec[CARDREAD_MAXREC];
	uint8_t gd[CARDREAD_GDMAX];	/* GET DATA answers, as TLV */
	size_t gdlen;
};

/* A GENERATE AC response, format 1 (80) or 2 (77) (Book 3, 6.5.5.4). */
struct cardread_ac {
	uint8_t cid;			/* 9F27 */
	uint8_t atc[2];			/* 9F36 */
	uint8_t ac[8];			/* 9F26 (zero when CDA gave 9F4B) */
	int hasac;
	uint8_t iad[32];		/* 9F10 */
	size_t iadlen;
	uint8_t sdad[ODA_NMAX];		/* 9F4B (CDA) */
	size_t sdadlen;
	uint8_t raw[256];		/* the 77 template's value (CDA hash) */
	size_t rawlen;
};

/* Default terminal parameters: an attended online terminal (9F35 22,
 * 9F33 E0F8C8, 9F40 6000F0A001), amount 9F02 000000000100, 9F03 zero,
 * country 9F1A and currency 5F2A 0978, 9C 00, 95 zero, 9A today (UTC)
 * and 9F37 four random bytes.  Tests set 9A and 9F37 after. */
void cardread_term_init(struct cardread_term *t);

/* Set (or replace) a terminal data object.  Returns 0 or -1 (no room). */
int cardread_term_set(struct cardread_term *t, uint32_t tag, const uint8_t *v,
    size_t n);

/* The value of a terminal data object, or NULL. */
const uint8_t *cardread_term_get(const struct cardread_term *t, uint32_t tag,
    size_t *n);

/* Set every tag field of r (a terminal profile as a record line) as a
 * terminal data object.  Returns 0 or -1 with the field in err. */
int cardread_term_from_rec(struct cardread_term *t, const struct rec *r,
    char *err, size_t errlen);

/* Fill a DOL (Book 3, 5.4): each entry from the terminal data, then the
 * card's data, else zeros; numeric (n) values cut or padded on the left,
 * others on the right.  Writes the concatenated values into out (cap
 * bytes).  Returns 0 or CARDREAD_EDATA (bad DOL, no room). */
int cardread_dol(const uint8_t *dol, size_t dollen, const struct cardread_term *t,
    const struct cardread_card *c, uint8_t *out, size_t cap, size_t *len,
    char *err, size_t errlen);

/* Send CLA INS P1 P2 [Lc data] [Le 00 when le] and get the response data
 * into rsp (PCSC_RSP_MAX) and *rlen (without the status word); *sw gets
 * the status word.  Returns 0 when the card answered (any status word)
 * or a PCSC_E* code. */
int cardread_cmd(struct pcsc *p, uint8_t cla, uint8_t ins, uint8_t p1,
    uint8_t p2, const uint8_t *data, size_t n, int le, unsigned flags,
    uint8_t *rsp, size_t *rlen, unsigned *sw, char *err, size_t errlen);

/* Application selection (Book 1, 12.3): SELECT 2PAY.SYS.DDF01 (PPSE) or
 * 1PAY.SYS.DDF01 (PSE, reading its directory records), taking the
 * highest priority application (87) the terminal supports; when that
 * finds none, SELECT each AID of aids (n entries, explicit selection,
 * partial names allowed).  aids NULL: any AID the directory lists.
 * Fills c->aid, c->fci, c->blocked.  Returns 0, 6A82 when no application
 * is found, or a negative code. */
int cardread_select(struct pcsc *p, const struct cardread_aid *aids,
    size_t n, struct cardread_card *c, char *err, size_t errlen);

/* GET PROCESSING OPTIONS (Book 3, 10.1) with the PDOL (9F38 of the FCI)
 * filled by cardread_dol; reads format 1 (80) and 2 (77) answers into
 * c->aip and c->afl.  Returns 0, the status word, or a negative code. */
int cardread_gpo(struct pcsc *p, const struct cardread_term *t,
    struct cardread_card *c, char *err, size_t errlen);

/* READ RECORD of every record the AFL names (Book 3, 10.2); each must be
 * a 70 template of valid BER-TLV.  Returns 0, the status word of a record
 * the card did not give, or a negative code. */
int cardread_read_records(struct pcsc *p, struct cardread_card *c, char *err,
    size_t errlen);

/* GET DATA of 9F36, 9F13, 9F17 and 9F4F (Book 3, 6.5.7); objects the
 * card does not have are skipped.  Returns 0 or a negative code. */
int cardread_get_data(struct pcsc *p, struct cardread_card *c, char *err,
    size_t errlen);

/* The whole reading: cardread_select, cardread_gpo, cardread_read_records,
 * cardread_get_data.  c is cleared first. */
int cardread_read(struct pcsc *p, const struct cardread_term *t,
    const struct cardread_aid *aids, size_t n,
    struct cardread_card *c, char *err, size_t errlen);

/* The first value of tag in what was read (FCI, AIP 82, AFL 94, records
 * in AFL order, GET DATA), or NULL. */
const uint8_t *cardread_find(const struct cardread_card *c, uint32_t tag,
    size_t *len);

/* The static data to be authenticated (Book 3, 10.3) from the ODA
 * records as read and 9F4A: *out (caller frees) and *len.  Returns 0,
 * CARDREAD_EDATA (9F4A names another tag than 82, or an SFI 1-10 record
 * that is no 70 template), or -1 (no memory). */
int cardread_oda_data(const struct cardread_card *c, uint8_t **out, size_t *len,
    char *err, size_t errlen);

/* Write c into r: every primitive tag of the FCI's A5, the GPO answer
 * (82, 94), the records and GET DATA as fields (first value wins), the
 * attribute aid (hex), and DGIssrr for each record: its 70 template as
 * read, as data preparation's DGIssrr hold it (emvperso-record(5)).
 * Returns 0 or -1. */
int cardread_to_rec(const struct cardread_card *c, struct rec *r);

/* INTERNAL AUTHENTICATE (Book 3, 6.5.9) with the DDOL data; sdad gets
 * 9F4B (format 2) or the format 1 (80) value.  Returns 0, the status
 * word, or a negative code. */
int cardread_internal_auth(struct pcsc *p, const uint8_t *ddol, size_t n,
    uint8_t *sdad, size_t *sdadlen, char *err, size_t errlen);

/* GET CHALLENGE (Book 3, 6.5.6): 8 bytes. */
int cardread_challenge(struct pcsc *p, uint8_t ch[8], char *err,
    size_t errlen);

/* VERIFY (Book 3, 6.5.12) with a plaintext offline PIN (4-12 digits, an
 * ISO 9564 format 2 block, P2 80), sent as a secret (traces show XX).
 * Returns 0, 63Cx / 6983 / another status word, or a negative code. */
int cardread_verify_plain(struct pcsc *p, const char *pin, size_t pinlen,
    char *err, size_t errlen);

/* VERIFY with an enciphered offline PIN (Book 2, 7.2; P2 88): GET
 * CHALLENGE, then 7F || PIN block || challenge || random padding
 * enciphered with the ICC's PIN encipherment (or ICC) public key k.
 * Returns as cardread_verify_plain. */
int cardread_verify_enc(struct pcsc *p, const struct oda_pub *k,
    const char *pin, size_t pinlen, char *err, size_t errlen);

/* GENERATE AC (Book 3, 6.5.5) with P1 (40 TC, 80 ARQC, 00 AAC; | 10 for
 * CDA) and the CDOL data.  Returns 0, the status word, or a negative
 * code (CARDREAD_EDATA when the response lacks 9F27 9F36 or 9F26/9F4B). */
int cardread_genac(struct pcsc *p, uint8_t p1, const uint8_t *data, size_t n,
    struct cardread_ac *ac, char *err, size_t errlen);

/* EXTERNAL AUTHENTICATE (Book 3, 6.5.4) with the Issuer Authentication
 * Data 91.  Returns 0, the status word (6300: rejected), or a negative
 * code. */
int cardread_external_auth(struct pcsc *p, const uint8_t *d91, size_t n,
    char *err, size_t errlen);

/* Send a whole issuer script command (Book 3, 6.5.x with secure
 * messaging, as cvn_script_command builds it).  Returns 0, the status
 * word, or a negative code. */
int cardread_script(struct pcsc *p, const uint8_t *apdu, size_t n, char *err,
    size_t errlen);

#endif
