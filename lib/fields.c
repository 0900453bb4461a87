/* fields.c: flag tables of the bit-coded EMV data elements (fields.h). */
#include "fields.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(byte, m, name) { (byte), (m), (m), (name) }

static const struct field_flag aip[] = {
	BIT(0, AIP1_XDA, "XDA supported (4.4)"),
	BIT(0, AIP1_SDA, "SDA supported"),
	BIT(0, AIP1_DDA, "DDA supported"),
	BIT(0, AIP1_CV, "cardholder verification supported"),
	BIT(0, AIP1_TRM, "terminal risk management to be performed"),
	BIT(0, AIP1_ISSUER_AUTH, "issuer authentication supported"),
	BIT(0, AIP1_ODCV, "on-device cardholder verification supported (4.4)"),
	BIT(0, AIP1_CDA, "CDA supported"),
};
const struct field_table fields_aip = { "AIP", 2, aip, NELEM(aip) };

static const struct field_flag tvr[] = {
	BIT(0, TVR1_ODA_NOT_PERFORMED,
	    "offline data authentication not performed"),
	BIT(0, TVR1_SDA_FAILED, "SDA failed"),
	BIT(0, TVR1_ICC_DATA_MISSING, "ICC data missing"),
	BIT(0, TVR1_EXCEPTION_FILE, "card appears on terminal exception file"),
	BIT(0, TVR1_DDA_FAILED, "DDA failed"),
	BIT(0, TVR1_CDA_FAILED, "CDA failed"),
	BIT(0, TVR1_SDA_SELECTED, "SDA selected"),
	BIT(0, TVR1_XDA_SELECTED, "XDA selected (4.4)"),
	BIT(1, TVR2_VERSIONS_DIFFER,
	    "ICC and terminal have different application versions"),
	BIT(1, TVR2_EXPIRED, "expired application"),
	BIT(1, TVR2_NOT_EFFECTIVE, "application not yet effective"),
	BIT(1, TVR2_SERVICE_NOT_ALLOWED,
	    "requested service not allowed for card product"),
	BIT(1, TVR2_NEW_CARD, "new card"),
	BIT(1, TVR2_BIO_OK, "biometric performed and successful (4.4)"),
	BIT(1, TVR2_BIO_TEMPLATE,
	    "biometric template format not supported (4.4)"),
	BIT(2, TVR3_CV_FAILED, "cardholder verification was not successful"),
	BIT(2, TVR3_UNRECOGNISED_CVM, "unrecognised CVM"),
	BIT(2, TVR3_PIN_TRY_LIMIT, "PIN try limit exceeded"),
	BIT(2, TVR3_NO_PINPAD,
	    "PIN entry required and PIN pad not present or not working"),
	BIT(2, TVR3_PIN_NOT_ENTERED,
	    "PIN entry required, PIN pad present, but PIN was not entered"),
	BIT(2, TVR3_ONLINE_CVM, "online CVM captured"),
	BIT(2, TVR3_BIO_CAPTURE_FAILED, "biometric capture failed (4.4)"),
	BIT(2, TVR3_BIO_SUBTYPE_BYPASS,
	    "biometric subtype entry bypassed (4.4)"),
	BIT(3, TVR4_FLOOR_LIMIT, "transaction exceeds floor limit"),
	BIT(3, TVR4_LOWER_LIMIT, "lower consecutive offline limit exceeded"),
	BIT(3, TVR4_UPPER_LIMIT, "upper consecutive offline limit exceeded"),
	BIT(3, TVR4_RANDOM_ONLINE,
	    "transaction selected randomly for online processing"),
	BIT(3, TVR4_MERCHANT_ONLINE, "merchant forced transaction online"),
	BIT(3, TVR4_BIO_TRY_LIMIT, "biometric try limit exceeded (4.4)"),
	BIT(3, TVR4_BIO_TYPE, "a selected biometric type not supported (4.4)"),
	BIT(3, TVR4_XDA_SIG_FAILED, "XDA signature verification failed (4.4)"),
	BIT(4, TVR5_DEFAULT_TDOL, "default TDOL used"),
	BIT(4, TVR5_ISSUER_AUTH_FAILED, "issuer authentication failed"),
	BIT(4, TVR5_SCRIPT_BEFORE,
	    "script processing failed before final GENERATE AC"),
	BIT(4, TVR5_SCRIPT_AFTER,
	    "script processing failed after final GENERATE AC"),
	BIT(4, TVR5_CONTACTLESS_1, "reserved for contactless (byte 5 bit 4)"),
	BIT(4, TVR5_CA_ECC_MISSING, "CA ECC key missing (4.4)"),
	BIT(4, TVR5_ECC_RECOVERY, "ECC key recovery failed (4.4)"),
	BIT(4, TVR5_CONTACTLESS_2, "reserved for contactless (byte 5 bit 1)"),
};
const struct field_table fields_tvr = { "TVR", 5, tvr, NELEM(tvr) };

static const struct field_flag tsi[] = {
	BIT(0, TSI1_ODA, "offline data authentication was performed"),
	BIT(0, TSI1_CV, "cardholder verification was performed"),
	BIT(0, TSI1_CARD_RM, "card risk management was performed"),
	BIT(0, TSI1_ISSUER_AUTH, "issuer authentication was performed"),
	BIT(0, TSI1_TERMINAL_RM, "terminal risk management was performed"),
	BIT(0, TSI1_SCRIPT, "script processing was performed"),
};
const struct field_table fields_tsi = { "TSI", 2, tsi, NELEM(tsi) };

static const struct field_flag auc[] = {
	BIT(0, AUC1_DOM_CASH, "valid for domestic cash transactions"),
	BIT(0, AUC1_INT_CASH, "valid for international cash transactions"),
	BIT(0, AUC1_DOM_GOODS, "valid for domestic goods"),
	BIT(0, AUC1_INT_GOODS, "valid for international goods"),
	BIT(0, AUC1_DOM_SERVICES, "valid for domestic services"),
	BIT(0, AUC1_INT_SERVICES, "valid for international services"),
	BIT(0, AUC1_ATM, "valid at ATMs"),
	BIT(0, AUC1_NON_ATM, "valid at terminals other than ATMs"),
	BIT(1, AUC2_DOM_CASHBACK, "domestic cashback allowed"),
	BIT(1, AUC2_INT_CASHBACK, "international cashback allowed"),
};
const struct field_table fields_auc = { "AUC", 2, auc, NELEM(auc) };

static const struct field_flag cid[] = {
	{ 0, CID_TYPE_MASK, CID_AAC, "AAC" },
	{ 0, CID_TYPE_MASK, CID_TC, "TC" },
	{ 0, CID_TYPE_MASK, CID_ARQC, "ARQC" },
	{ 0, CID_TYPE_MASK, 0xC0, "RFU cryptogram type" },
	{ 0, 0x30, 0x10, "payment-system-specific bits 01" },
	{ 0, 0x30, 0x20, "payment-system-specific bits 10" },
	{ 0, 0x30, 0x30, "payment-system-specific bits 11" },
	BIT(0, CID_ADVICE, "advice required"),
	{ 0, CID_REASON_MASK, 0x01, "reason: service not allowed" },
	{ 0, CID_REASON_MASK, 0x02, "reason: PIN try limit exceeded" },
	{ 0, CID_REASON_MASK, 0x03, "reason: issuer authentication failed" },
	{ 0, CID_REASON_MASK, 0x04, "reason: RFU code 4" },
	{ 0, CID_REASON_MASK, 0x05, "reason: RFU code 5" },
	{ 0, CID_REASON_MASK, 0x06, "reason: RFU code 6" },
	{ 0, CID_REASON_MASK, 0x07, "reason: RFU code 7" },
};
const struct field_table fields_cid = { "CID", 1, cid, NELEM(cid) };

static const struct field_flag tcap[] = {
	BIT(0, TCAP1_MANUAL, "manual key entry"),
	BIT(0, TCAP1_MAGSTRIPE, "magnetic stripe"),
	BIT(0, TCAP1_IC, "IC with contacts"),
	BIT(1, TCAP2_PLAIN_PIN, "plaintext PIN for ICC verification"),
	BIT(1, TCAP2_ONLINE_PIN, "enciphered PIN for online verification"),
	BIT(1, TCAP2_SIGNATURE, "signature (paper)"),
	BIT(1, TCAP2_ENC_PIN, "enciphered PIN for offline verification"),
	BIT(1, TCAP2_NO_CVM, "no CVM required"),
	BIT(1, TCAP2_BIO_ONLINE, "online biometric (4.4)"),
	BIT(1, TCAP2_BIO_OFFLINE, "offline biometric (4.4)"),
	BIT(1, TCAP2_ENC_PIN_ECC,
	    "enciphered PIN for offline verification, ECC (4.4)"),
	BIT(2, TCAP3_SDA, "SDA"),
	BIT(2, TCAP3_DDA, "DDA"),
	BIT(2, TCAP3_CARD_CAPTURE, "card capture"),
	BIT(2, TCAP3_CDA, "CDA"),
	BIT(2, TCAP3_XDA, "XDA (4.4)"),
};
const struct field_table fields_tcap = { "terminal capabilities", 3, tcap,
	NELEM(tcap) };

static const struct field_flag atcap[] = {
	BIT(0, ATCAP1_CASH, "cash"),
	BIT(0, ATCAP1_GOODS, "goods"),
	BIT(0, ATCAP1_SERVICES, "services"),
	BIT(0, ATCAP1_CASHBACK, "cashback"),
	BIT(0, ATCAP1_INQUIRY, "inquiry"),
	BIT(0, ATCAP1_TRANSFER, "transfer"),
	BIT(0, ATCAP1_PAYMENT, "payment"),
	BIT(0, ATCAP1_ADMIN, "administrative"),
	BIT(1, ATCAP2_CASH_DEPOSIT, "cash deposit"),
	BIT(2, ATCAP3_NUMERIC_KEYS, "numeric keys"),
	BIT(2, ATCAP3_ALPHA_KEYS, "alphabetic and special characters keys"),
	BIT(2, ATCAP3_COMMAND_KEYS, "command keys"),
	BIT(2, ATCAP3_FUNCTION_KEYS, "function keys"),
	BIT(3, ATCAP4_PRINT_ATTENDANT, "print, attendant"),
	BIT(3, ATCAP4_PRINT_CARDHOLDER, "print, cardholder"),
	BIT(3, ATCAP4_DISPLAY_ATTENDANT, "display, attendant"),
	BIT(3, ATCAP4_DISPLAY_CARDHOLDER, "display, cardholder"),
	BIT(3, 0x02, "code table 10"),
	BIT(3, 0x01, "code table 9"),
	BIT(4, 0x80, "code table 8"),
	BIT(4, 0x40, "code table 7"),
	BIT(4, 0x20, "code table 6"),
	BIT(4, 0x10, "code table 5"),
	BIT(4, 0x08, "code table 4"),
	BIT(4, 0x04, "code table 3"),
	BIT(4, 0x02, "code table 2"),
	BIT(4, 0x01, "code table 1"),
};
const struct field_table fields_atcap = { "additional terminal capabilities",
	5, atcap, NELEM(atcap) };

int
fields_test(const struct field_flag *f, const uint8_t *val, size_t len)
{
	return f->byte < len && (val[f->byte] & f->mask) == f->match;
}

const struct field_flag *
fields_next(const struct field_table *t, const uint8_t *val, size_t len,
    size_t *pos)
{
	const struct field_flag *f;

	while (*pos < t->nflag) {
		f = &t->flag[(*pos)++];
		if (fields_test(f, val, len))
			return f;
	}
	return NULL;
}

const char *
fields_cvm_name(uint8_t code)
{
	static const char *const name[] = {
		"fail CVM processing",
		"plaintext PIN verification performed by ICC",
		"enciphered PIN verified online",
		"plaintext PIN verification performed by ICC and signature "
		    "(paper)",
		"enciphered PIN verification performed by ICC",
		"enciphered PIN verification performed by ICC and signature "
		    "(paper)",
	};

	code &= CVM_CODE_MASK;
	if (code < NELEM(name))
		return name[code];
	if (code <= 0x0F)
		return "biometric CVM (4.4)";
	if (code == 0x1E)
		return "signature (paper)";
	if (code == 0x1F)
		return "no CVM required";
	if (code >= 0x20 && code <= 0x2F)
		return "CVM reserved for the payment system";
	if (code >= 0x30 && code <= 0x3E)
		return "CVM reserved for the issuer";
	if (code == 0x3F)
		return "no CVM (value not available for use)";
	return "RFU CVM";
}

const char *
fields_cvm_cond(uint8_t cond)
{
	static const char *const name[] = {
		"always",
		"if unattended cash",
		"if not unattended cash and not manual cash and not purchase "
		    "with cashback",
		"if terminal supports the CVM",
		"if manual cash",
		"if purchase with cashback",
		"if transaction is in the application currency and under X",
		"if transaction is in the application currency and over X",
		"if transaction is in the application currency and under Y",
		"if transaction is in the application currency and over Y",
	};

	if (cond < NELEM(name))
		return name[cond];
	return cond >= 0x80 ? "proprietary condition" : "RFU condition";
}

const char *
fields_cvm_result(uint8_t result)
{
	switch (result) {
	case 0x00:
		return "unknown";
	case 0x01:
		return "failed";
	case 0x02:
		return "successful";
	}
	return "RFU result";
}

int
fields_term_type(uint8_t tt, const char **oper, const char **env)
{
	static const char *const op[] = { "financial institution",
	    "merchant", "cardholder" };
	static const char *const en[] = { "attended, online only",
	    "attended, offline with online capability",
	    "attended, offline only", "unattended, online only",
	    "unattended, offline with online capability",
	    "unattended, offline only" };
	unsigned hi = tt >> 4, lo = tt & 0x0F;

	*oper = *env = NULL;
	if (hi < 1 || hi > NELEM(op) || lo < 1 || lo > NELEM(en))
		return -1;
	*oper = op[hi - 1];
	*env = en[lo - 1];
	return 0;
}
