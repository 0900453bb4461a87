/* cvn.h: the cryptogram versions (CVNs) emvperso supports and the EMV
 * symmetric card cryptography each one defines (EMV 4.4 Book 2, 8 and 9,
 * Annex A1; Visa VIS and Mastercard M/Chip).  One registry for the card
 * simulator that computes cryptograms, the issuer host that checks them
 * and answers, and the verifier that checks a whole transaction.
 *
 * A CVN says: how the card's master keys are derived (lib/derive), how the
 * AC session key is derived, what data the AC covers and how it is padded,
 * how the ARPC is made and under which key, how the Issuer Application
 * Data (9F10) is laid out, and which session keys, MAC input and
 * encipherment the issuer script commands use.
 *
 *	name		AC key		AC data after 82 9F36	pad ARPC	script keys
 *	visa-cvn10	MK-AC		CVR, IAD bytes 4-7	1   1, MK	MK xor ATC
 *	visa-cvn18	CSK(ATC)	the whole IAD		2   2, SK	MK xor ATC
 *	mc-cvn16	SKD(ATC, UN)	CVR (6)			2   1, MK	CSK(ARQC+k)
 *	mc-cvn17	SKD(ATC, UN)	CVR, counters		2   1, MK	CSK(ARQC+k)
 *	mc-cvn20	CSK(ATC)	CVR (6)			2   1, SK	CSK(ARQC+k)
 *	mc-cvn21	CSK(ATC)	CVR, counters		2   1, SK	CSK(ARQC+k)
 *
 * Every AC covers first the terminal data: the values of 9F02 9F03 9F1A 95
 * 5F2A 9A 9C 9F37 (Book 2, 8.1.1: the recommended minimum set, 29
 * bytes), then the AIP (82) and the ATC (9F36), then the card data of
 * the table.  Keys are 16-byte double-length DES keys; the ATC is 2 bytes
 * and the unpredictable number 4, as in their tags.  Visa CVN '22' (IAD
 * format 2) is not supported: no public known-answer vector.
 *
 * Functions return 0, a positive CVN_E* code when the data is wrong (a
 * cryptogram or MAC that does not match, an IAD that cannot be read), or
 * -1 on a misuse (a length out of range, no room) or a cipher failure.
 * Session keys and clear script data are wiped before return. */
#ifndef EMV_CVN_H
#define EMV_CVN_H

#include <stddef.h>
#include <stdint.h>

#include "emvsm.h"
#include "sym.h"
#include "tlv.h"

enum cvn_scheme {
	CVN_VISA = 1,		/* RID A000000003 */
	CVN_MASTERCARD		/* RID A000000004 */
};

enum cvn_skd {			/* AC session key, Book 2 A1.3 */
	CVN_SKD_NONE,		/* none: the ICC MK-AC itself */
	CVN_SKD_CSK,		/* EMV CSK (A1.3.1), R = ATC || 00 x 6 */
	CVN_SKD_MC		/* Mastercard SKD: R = ATC || 00 00 || UN */
};

enum cvn_acdata {		/* the card data after 82 and 9F36 */
	CVN_ACD_CVR4,		/* IAD bytes 4-7: the CVR with its length byte */
	CVN_ACD_IAD,		/* the whole IAD */
	CVN_ACD_CVR,		/* the M/Chip CVR, 6 bytes */
	CVN_ACD_CVR_CTR		/* the M/Chip CVR and the IAD's counters */
};

enum cvn_iadfmt {
	CVN_IAD_VIS,		/* 06 DKI CVN 03 CVR(3) [len IDD] (VIS format 0/1/3) */
	CVN_IAD_MCHIP		/* DKI CVN CVR(6) DAC(2) counters(8) (M/Chip 4) */
};

enum cvn_smk {			/* script session keys */
	CVN_SMK_VISA,		/* MK xor (00 x 6 || ATC), MK xor (00 x 6 || ~ATC) */
	CVN_SMK_CSK		/* EMV CSK, R = the ARQC (+ k for command k) */
};

enum cvn_pinfmt {		/* the PIN block of PIN CHANGE/UNBLOCK */
	CVN_PIN_VIS,		/* Visa PIN change block (emvsm_vis_pinblock) */
	CVN_PIN_ISO2		/* ISO 9564-1 format 2 */
};

struct cvn {
	const char *name;	/* "visa-cvn10", "mc-cvn16", ... */
	enum cvn_scheme scheme;
	uint8_t cvn;		/* the CVN byte of 9F10 */
	char mkd;		/* 'A' or 'B': ICC MK derivation, Book 2 A1.4 */
	enum cvn_skd skd;
	enum sym_pad pad;	/* AC padding, ISO/IEC 9797-1 method 1 or 2 */
	enum cvn_acdata acdata;
	int arpc_method;	/* 1 or 2, Book 2 8.2.1 and 8.2.2 */
	int arpc_sk;		/* 1: ARPC under the AC session key; 0: MK-AC */
	enum cvn_iadfmt iad;
	size_t iadlen;		/* length of the 9F10 cvn_iad_build makes */
	size_t cvrlen;		/* CVR bytes, without Visa's length byte */
	enum cvn_smk smk;
	enum emvsm_mode enc;	/* script data encipherment */
	int arqc_step;		/* 1: command k of a script uses ARQC + k */
	enum cvn_pinfmt pinfmt;
};

enum cvn_err {
	CVN_EIAD = 1,		/* 9F10 not in a layout of the scheme */
	CVN_EUNKNOWN,		/* a CVN this registry does not have */
	CVN_EMAC,		/* cryptogram, ARPC or script MAC mismatch */
	CVN_EDOL,		/* terminal data missing, malformed or of a wrong length */
	CVN_EPAD,		/* deciphered script data: bad length or padding */
	CVN_EPIN		/* a PIN block that does not decode */
};

/* A short English reason for a CVN_E* code. */
const char *cvn_strerror(int code);

/* The registry entry of a CVN byte of a scheme, or NULL. */
const struct cvn *cvn_lookup(enum cvn_scheme scheme, unsigned cvn);

/* The registry entry named name ("visa-cvn10"), or NULL. */
const struct cvn *cvn_by_name(const char *name);

/* The i-th registry entry (from 0), NULL past the last: for listings. */
const struct cvn *cvn_at(size_t i);

/* The scheme of an AID by its RID (first 5 bytes), or 0 if neither. */
int cvn_scheme_of_aid(const uint8_t *aid, size_t n);

/* Book 2 A1.4: the ICC master key under the CVN's derivation option
 * (lib/derive: derive_option_a or derive_option_b); same arguments. */
int cvn_derive_mk(const struct cvn *c, const uint8_t imk[16], const char *pan,
    size_t pandigits, const char *psn2, uint8_t mk[16]);

/* Book 2 A1.3.1, the EMV common session key: SK = 3DES(MK)[R0 R1 F0
 * R3..R7] || 3DES(MK)[R0 R1 0F R3..R7], odd parity. */
int cvn_csk(const uint8_t mk[16], const uint8_t r[8], uint8_t sk[16]);

/* Visa script session key: MK_L xor (00 x 6 || ATC) || MK_R xor (00 x 6 ||
 * not ATC), odd parity. */
int cvn_visa_smk(const uint8_t mk[16], const uint8_t atc[2], uint8_t sk[16]);

/* The AC session key of the CVN (a copy of MK-AC when it has none).  un
 * is only read for CVN_SKD_MC and may be NULL otherwise. */
int cvn_session_key(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, uint8_t sk[16]);

/* --- Issuer Application Data (9F10) --- */

#define CVN_CVRMAX	6
#define CVN_CTRMAX	16
#define CVN_IDDMAX	24	/* 15 in format 0/1/3, 24 in format 2 */
#define CVN_IADMAX	32

struct cvn_iad {
	uint8_t dki;		/* derivation key index */
	uint8_t cvn;
	uint8_t cvr[CVN_CVRMAX];	/* Visa: without the length byte */
	size_t cvrlen;
	uint8_t dac[2];		/* M/Chip: DAC / ICC dynamic number */
	uint8_t counters[CVN_CTRMAX];	/* M/Chip: plaintext counters */
	size_t ctrlen;		/* 8 or 16 */
	uint8_t last_online_atc[2];	/* M/Chip Advance IAD of 20 or 28 */
	int has_last_online_atc;
	uint8_t idd[CVN_IDDMAX];	/* Visa: issuer discretionary data */
	size_t iddlen;
};

/* 9F10 for the card: VIS format 0/1/3 (06 DKI CVN 03 CVR, then the IDD
 * length and IDD when iddlen > 0) or M/Chip 4 (DKI CVN CVR DAC counters,
 * 18 bytes; ctrlen must be 8).  in->cvn is ignored: the entry's is used. */
int cvn_iad_build(const struct cvn *c, const struct cvn_iad *in,
    uint8_t *out, size_t cap, size_t *len);

/* Read 9F10 on the host: the layout of the scheme (0: whichever of the
 * two the data fits, CVN_EIAD when it fits both or neither), its fields
 * into *out and the registry entry of its CVN into *c.  CVN_EIAD if the
 * layout is wrong, CVN_EUNKNOWN (with *out filled) if the CVN is not in
 * the registry.  Also reads Visa IAD format 2 (1F CVN DKI CVR(5) ...). */
int cvn_iad_parse(int scheme, const uint8_t *iad, size_t n,
    struct cvn_iad *out, const struct cvn **c);

/* --- Application cryptograms (Book 2, 8.1) --- */

#define CVN_TDATA_LEN	29	/* the terminal data of Book 2 Table 26 */
#define CVN_ACMSG_MAX	128	/* longest AC input cvn_ac_input builds */

/* The terminal data tags and lengths, in AC order. */
extern const struct dol_entry cvn_tdata_dol[8];

/* The terminal data from a GENERATE AC's DOL-related data: the values of
 * cvn_tdata_dol taken from the CDOL2 data when CDOL2 has the tag (second
 * GENERATE AC; cdol2 NULL for the first), else from the CDOL1 data.
 * CVN_EDOL if a tag is missing or has another length, a DOL does not
 * parse, or its data is shorter than the DOL says. */
int cvn_tdata(const uint8_t *cdol1, size_t cdol1len, const uint8_t *d1,
    size_t d1len, const uint8_t *cdol2, size_t cdol2len, const uint8_t *d2,
    size_t d2len, uint8_t out[CVN_TDATA_LEN]);

/* The terminal data from BER-TLV objects (an authorisation's chip data,
 * DE 55): the first object of each tag of cvn_tdata_dol.  CVN_EDOL if one
 * is missing or of another length, or if the TLV data does not parse. */
int cvn_tdata_tlv(const uint8_t *tlv, size_t n, uint8_t out[CVN_TDATA_LEN]);

/* The AC input of the CVN: tdata || AIP || ATC || the card data the CVN
 * takes from iad, which must be in the CVN's layout and name its CVN
 * (CVN_EIAD otherwise).  out has room for cap bytes. */
int cvn_ac_input(const struct cvn *c, const uint8_t *tdata, size_t tlen,
    const uint8_t aip[2], const uint8_t atc[2], const uint8_t *iad,
    size_t iadlen, uint8_t *out, size_t cap, size_t *len);

/* The AC (MAC algorithm 3, the CVN's padding, under the AC session key)
 * over an AC input msg[0..n) built by the caller. */
int cvn_ac_mac(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, const uint8_t *msg, size_t n,
    uint8_t ac[8]);

/* Book 2, 8.1.2: the ARQC, TC or AAC: cvn_ac_input then cvn_ac_mac. */
int cvn_ac(const struct cvn *c, const uint8_t mk_ac[16], const uint8_t atc[2],
    const uint8_t *un, const uint8_t *tdata, size_t tlen,
    const uint8_t aip[2], const uint8_t *iad, size_t iadlen, uint8_t ac[8]);

/* The host's check of a cryptogram: 0 if ac is what cvn_ac computes,
 * CVN_EMAC if not (compared in constant time). */
int cvn_ac_verify(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, const uint8_t *tdata,
    size_t tlen, const uint8_t aip[2], const uint8_t *iad, size_t iadlen,
    const uint8_t ac[8]);

/* --- Issuer authentication (Book 2, 8.2) --- */

/* Book 2, 8.2.1, ARPC method 1: 3DES(key)[ARQC xor (ARC || 00 x 6)]. */
int cvn_arpc1(const uint8_t key[16], const uint8_t arqc[8],
    const uint8_t arc[2], uint8_t arpc[8]);

/* Book 2, 8.2.2, ARPC method 2: the leftmost 4 bytes of MAC algorithm 3
 * (padding method 2) over ARQC || CSU || proprietary authentication data
 * (pad, 0 to 8 bytes; NULL when padlen is 0). */
int cvn_arpc2(const uint8_t key[16], const uint8_t arqc[8],
    const uint8_t csu[4], const uint8_t *pad, size_t padlen, uint8_t arpc[4]);

/* The ARPC of the CVN: method 1 with resp = the ARC (2 bytes), method 2
 * with resp = CSU || proprietary data (4 to 12 bytes); under MK-AC or the
 * AC session key as the CVN says.  *arpclen gets 8 or 4. */
int cvn_arpc(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, const uint8_t arqc[8],
    const uint8_t *resp, size_t rlen, uint8_t arpc[8], size_t *arpclen);

/* The Issuer Authentication Data (91) for the terminal: ARPC || resp
 * (method 1: 10 bytes; method 2: 8 to 16).  out has room for cap bytes. */
int cvn_issuer_auth(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, const uint8_t arqc[8],
    const uint8_t *resp, size_t rlen, uint8_t *out, size_t cap, size_t *len);

/* The issuer's answer as 91, by the CVN's ARPC method (Book 2, 8.2):
 * method 1 with the ARC, method 2 with a Card Status Update whose only
 * bit is "approved" (byte 2 bit 8) when approve is set. */
int cvn_issuer_answer(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, const uint8_t arqc[8],
    const uint8_t arc[2], int approve, uint8_t *out, size_t cap,
    size_t *len);

/* The card's check of 91 (EXTERNAL AUTHENTICATE or second GENERATE AC):
 * 0 if its ARPC is right for the ARQC, CVN_EMAC if not or if its length
 * is not the method's. */
int cvn_issuer_auth_check(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, const uint8_t arqc[8],
    const uint8_t *d91, size_t n);

/* --- Issuer scripts (Book 2, 9) ---
 * k is the command's position in the script (0 for the first): it
 * matters for Mastercard (arqc_step), whose session keys and MAC input
 * take ARQC + k.  mk_smi and mk_smc are the card's MK-SMI and MK-SMC. */

/* The script session key of command k, from MK-SMI or MK-SMC. */
int cvn_sm_key(const struct cvn *c, const uint8_t mk_sm[16],
    const uint8_t atc[2], const uint8_t arqc[8], unsigned k, uint8_t sk[16]);

/* Book 2, 9.2: the MAC of script command cmd[0..n) (CLA INS P1 P2 Lc and
 * data, Lc counting the 8-byte MAC), ATC and ARQC (+ k) MACed after the
 * header. */
int cvn_script_mac(const struct cvn *c, const uint8_t mk_smi[16],
    const uint8_t atc[2], const uint8_t arqc[8], unsigned k,
    const uint8_t *cmd, size_t n, uint8_t mac[EMVSM_MACLEN]);

/* Book 2, 9.3: encipher a command's data in the CVN's mode. */
int cvn_script_encrypt(const struct cvn *c, const uint8_t mk_smc[16],
    const uint8_t atc[2], const uint8_t arqc[8], unsigned k,
    const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *len);

/* The card's side: decipher a command's data (CVN_EPAD if its padding or
 * length byte is wrong; Mastercard's mode gives every byte back). */
int cvn_script_decrypt(const struct cvn *c, const uint8_t mk_smc[16],
    const uint8_t atc[2], const uint8_t arqc[8], unsigned k,
    const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *len);

/* The host's whole script command: hdr (CLA INS P1 P2, CLA with secure
 * messaging, e.g. 84), the data (enciphered first when mk_smc is not
 * NULL), Lc, and the MAC.  out has room for cap bytes. */
int cvn_script_command(const struct cvn *c, const uint8_t mk_smi[16],
    const uint8_t *mk_smc, const uint8_t atc[2], const uint8_t arqc[8],
    unsigned k, const uint8_t hdr[4], const uint8_t *data, size_t n,
    uint8_t *out, size_t cap, size_t *len);

/* The card's check of a script command apdu[0..n) ending with its MAC:
 * 0, or CVN_EMAC (wrong MAC, or Lc not the data and MAC length). */
int cvn_script_check(const struct cvn *c, const uint8_t mk_smi[16],
    const uint8_t atc[2], const uint8_t arqc[8], unsigned k,
    const uint8_t *apdu, size_t n);

/* The host's PIN CHANGE/UNBLOCK command with a new PIN (84 24 00 P2):
 * Visa: the VIS PIN block, P2 = 02, or 01 when the current PIN cur is
 * given; Mastercard: an ISO format 2 block, P2 = 02 (cur must be NULL).
 * Enciphered under the SMC session key, MACed under the SMI one. */
int cvn_pin_change(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t mk_smi[16], const uint8_t mk_smc[16], const uint8_t atc[2],
    const uint8_t arqc[8], unsigned k, const char *pin, size_t pinlen,
    const char *cur, size_t curlen, uint8_t *out, size_t cap, size_t *len);

/* The card's side, after cvn_script_check: the new PIN (digits and a NUL,
 * 13 bytes) of a PIN CHANGE command apdu[0..n), given the card's current
 * PIN (used when P2 is 01).  CVN_EPIN if the block does not decode. */
int cvn_pin_change_open(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t mk_smc[16], const uint8_t atc[2], const uint8_t arqc[8],
    unsigned k, const uint8_t *apdu, size_t n, const char *cur,
    size_t curlen, char pin[13], size_t *pinlen);

/* --- Card Verification Results ---
 * A CVR bit is named by CVN_BIT(index, mask): index counts the CVR's
 * bytes from 0 (Visa: after the length byte, so VIS "byte 2" is index 0;
 * M/Chip: "byte 1" is index 0).  Bits from openemv/emv-utils emv_fields.h
 * (VIS 1.5 and M/Chip Requirements, IAD appendix). */
#define CVN_BIT(i, m)	((unsigned)(i) << 8 | (unsigned)(m))

/* Visa VIS, CVR bytes 2-4 (IAD format 0/1/3). */
#define CVN_VIS_AC2_MASK		CVN_BIT(0, 0xC0)
#define CVN_VIS_AC1_MASK		CVN_BIT(0, 0x30)
#define CVN_VIS_ISSAUTH_FAILED		CVN_BIT(0, 0x08)
#define CVN_VIS_PIN_PERFORMED		CVN_BIT(0, 0x04)
#define CVN_VIS_PIN_FAILED		CVN_BIT(0, 0x02)
#define CVN_VIS_UNABLE_ONLINE		CVN_BIT(0, 0x01)
#define CVN_VIS_LAST_ONLINE_INCOMPLETE	CVN_BIT(1, 0x80)
#define CVN_VIS_PTL_EXCEEDED		CVN_BIT(1, 0x40)
#define CVN_VIS_VELOCITY_EXCEEDED	CVN_BIT(1, 0x20)
#define CVN_VIS_NEW_CARD		CVN_BIT(1, 0x10)
#define CVN_VIS_LAST_ISSAUTH_FAILED	CVN_BIT(1, 0x08)
#define CVN_VIS_ISSAUTH_NOT_PERFORMED	CVN_BIT(1, 0x04)
#define CVN_VIS_BLOCKED_PTL		CVN_BIT(1, 0x02)
#define CVN_VIS_LAST_SDA_FAILED		CVN_BIT(1, 0x01)
#define CVN_VIS_SCRIPTS_MASK		CVN_BIT(2, 0xF0)
#define CVN_VIS_SCRIPT_FAILED		CVN_BIT(2, 0x08)
#define CVN_VIS_LAST_DDA_FAILED		CVN_BIT(2, 0x04)
#define CVN_VIS_DDA_PERFORMED		CVN_BIT(2, 0x02)

/* Mastercard M/Chip, CVR bytes 1-6. */
#define CVN_MC_AC2_MASK			CVN_BIT(0, 0xC0)
#define CVN_MC_AC1_MASK			CVN_BIT(0, 0x30)
#define CVN_MC_DATE_CHECK_FAILED	CVN_BIT(0, 0x08)
#define CVN_MC_PIN_PERFORMED		CVN_BIT(0, 0x04)
#define CVN_MC_ENC_PIN_PERFORMED	CVN_BIT(0, 0x02)
#define CVN_MC_PIN_OK			CVN_BIT(0, 0x01)
#define CVN_MC_DDA_RETURNED		CVN_BIT(1, 0x80)
#define CVN_MC_CDA_AC1			CVN_BIT(1, 0x40)
#define CVN_MC_CDA_AC2			CVN_BIT(1, 0x20)
#define CVN_MC_ISSAUTH_PERFORMED	CVN_BIT(1, 0x10)
#define CVN_MC_CIAC_SKIPPED_CAT3	CVN_BIT(1, 0x08)
#define CVN_MC_PIN_CHANGE_OK		CVN_BIT(1, 0x04)
#define CVN_MC_SCRIPTS_MASK		CVN_BIT(2, 0xF0)
#define CVN_MC_PTC_MASK			CVN_BIT(2, 0x0F)
#define CVN_MC_LAST_ONLINE_INCOMPLETE	CVN_BIT(3, 0x80)
#define CVN_MC_UNABLE_ONLINE		CVN_BIT(3, 0x40)
#define CVN_MC_PIN_NOT_PERFORMED	CVN_BIT(3, 0x20)
#define CVN_MC_PIN_FAILED		CVN_BIT(3, 0x10)
#define CVN_MC_PTL_EXCEEDED		CVN_BIT(3, 0x08)
#define CVN_MC_INTERNATIONAL		CVN_BIT(3, 0x04)
#define CVN_MC_DOMESTIC			CVN_BIT(3, 0x02)
#define CVN_MC_TERM_PIN_OK_WRONG	CVN_BIT(3, 0x01)
#define CVN_MC_LCOL_EXCEEDED		CVN_BIT(4, 0x80)
#define CVN_MC_UCOL_EXCEEDED		CVN_BIT(4, 0x40)
#define CVN_MC_LCOA_EXCEEDED		CVN_BIT(4, 0x20)
#define CVN_MC_UCOA_EXCEEDED		CVN_BIT(4, 0x10)
#define CVN_MC_GO_ONLINE_NEXT		CVN_BIT(4, 0x08)
#define CVN_MC_ISSAUTH_FAILED		CVN_BIT(4, 0x04)
#define CVN_MC_SCRIPT_RECEIVED		CVN_BIT(4, 0x02)
#define CVN_MC_SCRIPT_FAILED		CVN_BIT(4, 0x01)
#define CVN_MC_MTA_EXCEEDED		CVN_BIT(5, 0x08)
#define CVN_MC_DAYS_OFFLINE_EXCEEDED	CVN_BIT(5, 0x04)

/* Set (on != 0) or clear a CVN_BIT in cvr, or test it (1 if any of its
 * mask bits is set). */
void cvn_bit_set(uint8_t *cvr, unsigned bit, int on);
int cvn_bit_get(const uint8_t *cvr, unsigned bit);

/* Events of the card's risk management, scheme-neutral: each maps to the
 * one CVR bit the scheme has for it, or to none. */
enum cvn_cvr_flag {
	CVN_CVR_PIN_PERFORMED,		/* offline PIN verification performed */
	CVN_CVR_PIN_OK,			/* ... and successful (M/Chip only) */
	CVN_CVR_PIN_FAILED,		/* ... and failed */
	CVN_CVR_PIN_NOT_PERFORMED,	/* M/Chip only */
	CVN_CVR_PTL_EXCEEDED,		/* PIN try limit exceeded */
	CVN_CVR_BLOCKED_PTL,		/* Visa: application blocked by the PTL */
	CVN_CVR_ISSAUTH_PERFORMED,	/* M/Chip only */
	CVN_CVR_ISSAUTH_FAILED,		/* issuer authentication failed */
	CVN_CVR_ISSAUTH_NOT_PERFORMED,	/* Visa: not performed after online */
	CVN_CVR_LAST_ISSAUTH_FAILED,	/* Visa: failed on the last online txn */
	CVN_CVR_UNABLE_ONLINE,
	CVN_CVR_LAST_ONLINE_INCOMPLETE,
	CVN_CVR_CONSEC_EXCEEDED,	/* offline count limit (Visa: velocity) */
	CVN_CVR_CUMUL_EXCEEDED,		/* offline amount limit (Visa: velocity) */
	CVN_CVR_NEW_CARD,		/* Visa only */
	CVN_CVR_SCRIPT_RECEIVED,	/* M/Chip only */
	CVN_CVR_SCRIPT_FAILED,
	CVN_CVR_DDA,			/* DDA performed / returned */
	CVN_CVR_GO_ONLINE_NEXT,		/* M/Chip only */
	CVN_CVR_DATE_CHECK_FAILED,	/* M/Chip only */
	CVN_CVR_INTERNATIONAL,		/* M/Chip only */
	CVN_CVR_DOMESTIC,		/* M/Chip only */
	CVN_CVR_PIN_CHANGE_OK,		/* M/Chip only */
	CVN_CVR_NFLAGS
};

/* The scheme's CVN_BIT for a flag, or 0 if the scheme has none. */
unsigned cvn_cvr_bit(const struct cvn *c, enum cvn_cvr_flag f);

/* Set or clear a flag's bit in cvr: 0, or -1 if the scheme has none. */
int cvn_cvr_set(const struct cvn *c, uint8_t *cvr, enum cvn_cvr_flag f,
    int on);

/* Test a flag's bit: 1, 0, or -1 if the scheme has none. */
int cvn_cvr_get(const struct cvn *c, const uint8_t *cvr, enum cvn_cvr_flag f);

/* The cryptogram types the CVR records, the same coding in both schemes
 * (CVR index 0: bits 8-7 second GENERATE AC, 6-5 first). */
enum cvn_actype {
	CVN_AC_AAC = 0,
	CVN_AC_TC = 1,
	CVN_AC_ARQC = 2,		/* first GENERATE AC */
	CVN_AC_NOT_REQUESTED = 2	/* second GENERATE AC */
};

/* Record the type returned by GENERATE AC number gen (1 or 2). */
void cvn_cvr_set_ac(uint8_t *cvr, int gen, enum cvn_actype t);
int cvn_cvr_get_ac(const uint8_t *cvr, int gen);

/* The count of script commands processed (0-15; both schemes: CVR index
 * 2, high nibble; M/Chip keeps the right nibble of its script counter). */
void cvn_cvr_set_scripts(uint8_t *cvr, unsigned n);
unsigned cvn_cvr_get_scripts(const uint8_t *cvr);

#endif
