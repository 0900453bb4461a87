/* fields.h: the bit-coded EMV data elements, flag by flag: AIP, TVR (and
 * the IACs and TACs that share its layout), TSI, AUC, CID, terminal
 * capabilities, additional terminal capabilities, and the codes of CVM
 * rules, CVM results and terminal type.  Shared by emv-show and the
 * terminal side.  Bit values: EMV 4.4 Book 3 Annex C, Book 4 Annex A;
 * the cells marked 4.4 are RFU in EMV 4.3 and stay 0 on a 4.3 terminal. */
#ifndef EMV_FIELDS_H
#define EMV_FIELDS_H

#include <stddef.h>
#include <stdint.h>

/* Application Interchange Profile (82), byte 1 (Book 3, C1). */
#define AIP1_XDA		0x80	/* 4.4 */
#define AIP1_SDA		0x40
#define AIP1_DDA		0x20
#define AIP1_CV			0x10
#define AIP1_TRM		0x08
#define AIP1_ISSUER_AUTH	0x04
#define AIP1_ODCV		0x02	/* 4.4 */
#define AIP1_CDA		0x01

/* Terminal Verification Results (95), bytes 1-5 (Book 3, C5). */
#define TVR1_ODA_NOT_PERFORMED	0x80
#define TVR1_SDA_FAILED		0x40
#define TVR1_ICC_DATA_MISSING	0x20
#define TVR1_EXCEPTION_FILE	0x10
#define TVR1_DDA_FAILED		0x08
#define TVR1_CDA_FAILED		0x04
#define TVR1_SDA_SELECTED	0x02
#define TVR1_XDA_SELECTED	0x01	/* 4.4 */
#define TVR2_VERSIONS_DIFFER	0x80
#define TVR2_EXPIRED		0x40
#define TVR2_NOT_EFFECTIVE	0x20
#define TVR2_SERVICE_NOT_ALLOWED 0x10
#define TVR2_NEW_CARD		0x08
#define TVR2_BIO_OK		0x02	/* 4.4 */
#define TVR2_BIO_TEMPLATE	0x01	/* 4.4 */
#define TVR3_CV_FAILED		0x80
#define TVR3_UNRECOGNISED_CVM	0x40
#define TVR3_PIN_TRY_LIMIT	0x20
#define TVR3_NO_PINPAD		0x10
#define TVR3_PIN_NOT_ENTERED	0x08
#define TVR3_ONLINE_CVM		0x04
#define TVR3_BIO_CAPTURE_FAILED	0x02	/* 4.4 */
#define TVR3_BIO_SUBTYPE_BYPASS	0x01	/* 4.4 */
#define TVR4_FLOOR_LIMIT	0x80
#define TVR4_LOWER_LIMIT	0x40
#define TVR4_UPPER_LIMIT	0x20
#define TVR4_RANDOM_ONLINE	0x10
#define TVR4_MERCHANT_ONLINE	0x08
#define TVR4_BIO_TRY_LIMIT	0x04	/* 4.4 */
#define TVR4_BIO_TYPE		0x02	/* 4.4 */
#define TVR4_XDA_SIG_FAILED	0x01	/* 4.4 */
#define TVR5_DEFAULT_TDOL	0x80
#define TVR5_ISSUER_AUTH_FAILED	0x40
#define TVR5_SCRIPT_BEFORE	0x20
#define TVR5_SCRIPT_AFTER	0x10
#define TVR5_CONTACTLESS_1	0x08
#define TVR5_CA_ECC_MISSING	0x04	/* 4.4 */
#define TVR5_ECC_RECOVERY	0x02	/* 4.4 */
#define TVR5_CONTACTLESS_2	0x01

/* Transaction Status Information (9B), byte 1 (Book 3, C6). */
#define TSI1_ODA		0x80
#define TSI1_CV			0x40
#define TSI1_CARD_RM		0x20
#define TSI1_ISSUER_AUTH	0x10
#define TSI1_TERMINAL_RM	0x08
#define TSI1_SCRIPT		0x04

/* Application Usage Control (9F07), bytes 1-2 (Book 3, C2). */
#define AUC1_DOM_CASH		0x80
#define AUC1_INT_CASH		0x40
#define AUC1_DOM_GOODS		0x20
#define AUC1_INT_GOODS		0x10
#define AUC1_DOM_SERVICES	0x08
#define AUC1_INT_SERVICES	0x04
#define AUC1_ATM		0x02
#define AUC1_NON_ATM		0x01
#define AUC2_DOM_CASHBACK	0x80
#define AUC2_INT_CASHBACK	0x40

/* Cryptogram Information Data (9F27) (Book 3, 6.5.5.4, Table 15). */
#define CID_TYPE_MASK		0xC0
#define CID_AAC			0x00
#define CID_TC			0x40
#define CID_ARQC		0x80
#define CID_ADVICE		0x08
#define CID_REASON_MASK		0x07

/* Terminal Capabilities (9F33), bytes 1-3 (Book 4, A2). */
#define TCAP1_MANUAL		0x80
#define TCAP1_MAGSTRIPE		0x40
#define TCAP1_IC		0x20
#define TCAP2_PLAIN_PIN		0x80
#define TCAP2_ONLINE_PIN	0x40
#define TCAP2_SIGNATURE		0x20
#define TCAP2_ENC_PIN		0x10
#define TCAP2_NO_CVM		0x08
#define TCAP2_BIO_ONLINE	0x04	/* 4.4 */
#define TCAP2_BIO_OFFLINE	0x02	/* 4.4 */
#define TCAP2_ENC_PIN_ECC	0x01	/* 4.4 */
#define TCAP3_SDA		0x80
#define TCAP3_DDA		0x40
#define TCAP3_CARD_CAPTURE	0x20
#define TCAP3_CDA		0x08
#define TCAP3_XDA		0x04	/* 4.4 */

/* Additional Terminal Capabilities (9F40), bytes 1-5 (Book 4, A3). */
#define ATCAP1_CASH		0x80
#define ATCAP1_GOODS		0x40
#define ATCAP1_SERVICES		0x20
#define ATCAP1_CASHBACK		0x10
#define ATCAP1_INQUIRY		0x08
#define ATCAP1_TRANSFER		0x04
#define ATCAP1_PAYMENT		0x02
#define ATCAP1_ADMIN		0x01
#define ATCAP2_CASH_DEPOSIT	0x80
#define ATCAP3_NUMERIC_KEYS	0x80
#define ATCAP3_ALPHA_KEYS	0x40
#define ATCAP3_COMMAND_KEYS	0x20
#define ATCAP3_FUNCTION_KEYS	0x10
#define ATCAP4_PRINT_ATTENDANT	0x80
#define ATCAP4_PRINT_CARDHOLDER	0x40
#define ATCAP4_DISPLAY_ATTENDANT 0x20
#define ATCAP4_DISPLAY_CARDHOLDER 0x10

/* CV rule byte 1 (Book 3, C3, Table 39): b7 says what to do on failure. */
#define CVM_APPLY_NEXT		0x40
#define CVM_CODE_MASK		0x3F

/* One named value: set when (value[byte] & mask) == match.  A single
 * flag has mask == match; a multi-bit code (the CID's type) has a wider
 * mask and one entry per code. */
struct field_flag {
	uint8_t byte;		/* from 0 */
	uint8_t mask;
	uint8_t match;
	const char *name;
};

struct field_table {
	const char *name;	/* short name: "TVR" */
	size_t len;		/* value length in bytes */
	const struct field_flag *flag;
	size_t nflag;
};

extern const struct field_table fields_aip;	/* 82 */
extern const struct field_table fields_tvr;	/* 95, 9F0D-9F0F, TACs */
extern const struct field_table fields_tsi;	/* 9B */
extern const struct field_table fields_auc;	/* 9F07 */
extern const struct field_table fields_cid;	/* 9F27 */
extern const struct field_table fields_tcap;	/* 9F33 */
extern const struct field_table fields_atcap;	/* 9F40 */

/* 1 if the flag is set in val[0..len) (0 when val is too short). */
int fields_test(const struct field_flag *f, const uint8_t *val, size_t len);

/* The next flag of t set in val, scanning from *pos (start at 0); NULL
 * when there is none left.  Multi-bit codes match on their value, so a
 * CID of 00 yields "AAC". */
const struct field_flag *fields_next(const struct field_table *t,
    const uint8_t *val, size_t len, size_t *pos);

/* Name of a CVM code (CV rule byte 1 & CVM_CODE_MASK) (Book 3, C3). */
const char *fields_cvm_name(uint8_t code);

/* Name of a CVM condition code (CV rule byte 2) (Book 3, C3). */
const char *fields_cvm_cond(uint8_t cond);

/* Name of the CVM Result byte of 9F34 (Book 4, A4). */
const char *fields_cvm_result(uint8_t result);

/* Terminal Type (9F35, n 2) split into who operates the terminal and its
 * environment (Book 4, A1).  Returns 0, or -1 if either digit is not a
 * defined value (the names are then NULL). */
int fields_term_type(uint8_t tt, const char **oper, const char **env);

#endif
