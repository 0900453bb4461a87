/* t-term.c: the terminal's decisions (lib/term.c): processing
 * restrictions, CVM list processing, risk management, action analysis.
 * Expected values follow EMV 4.4 Book 3 10.4-10.7 and Annex C3. */
#include <string.h>

#include "fields.h"
#include "record.h"
#include "term.h"
#include "unit.h"

static struct term_profile P;

static void
profile(void)
{
	struct rec r;
	char err[128];

	rec_init(&r);
	rec_set(&r, "9F33", "E0F8C8");
	CHECK_INT(term_profile_from_rec(&r, &P, err, sizeof err), -1,
	    "a profile without 9F40 is refused");
	CHECK_STR(err, "9F40: missing", "the missing field named");
	rec_set(&r, "9F40", "6000F0A001");
	rec_set(&r, "9F1A", "0250");
	rec_set(&r, "5F2A", "0978");
	rec_set(&r, "9F35", "22");
	rec_set(&r, "9F09", "0096");
	rec_set(&r, "floor", "10000");
	rec_set(&r, "rs-threshold", "5000");
	rec_set(&r, "rs-target", "10");
	rec_set(&r, "rs-max", "50");
	rec_set(&r, "tac-denial", "0010000000");
	rec_set(&r, "tac-online", "D84004F800");
	rec_set(&r, "tac-default", "D84000A800");
	CHECK_INT(term_profile_from_rec(&r, &P, err, sizeof err), 0,
	    "a whole profile is read");
	CHECK(P.floor == 10000 && P.rs_max == 50 && P.ttype == 0x22 &&
	    P.tac_online[4] == 0 && P.tac_online[0] == 0xD8, "its values");
	rec_set(&r, "rs-target", "60");
	CHECK_INT(term_profile_from_rec(&r, &P, err, sizeof err), -1,
	    "a target over the maximum is refused");
	rec_free(&r);
	memset(&P, 0, sizeof P);
	memcpy(P.tcap, "\xE0\xF8\xC8", 3);
	memcpy(P.atcap, "\x60\x00\xF0\xA0\x01", 5);
	memcpy(P.country, "\x02\x50", 2);
	memcpy(P.currency, "\x09\x78", 2);
	P.ttype = 0x22;
	memcpy(P.avn, "\x00\x96", 2);
	P.floor = 10000;
	P.rs_threshold = 5000;
	P.rs_target = 10;
	P.rs_max = 50;
	memcpy(P.tac_denial, "\x00\x10\x00\x00\x00", 5);
	memcpy(P.tac_online, "\xD8\x40\x04\xF8\x00", 5);
	memcpy(P.tac_default, "\xD8\x40\x00\xA8\x00", 5);
}

static void
restrictions(void)
{
	struct term_tx tx = { 1000, 0, 0x00, { 0x24, 0x06, 0x15 } };
	uint8_t tvr[5] = { 0 };

	term_restrictions(&P, &tx, (const uint8_t *)"\x00\x96",
	    (const uint8_t *)"\xFF\x00", (const uint8_t *)"\x02\x50",
	    (const uint8_t *)"\x20\x01\x01", (const uint8_t *)"\x29\x12\x31",
	    tvr);
	CHECK_INT(tvr[1], 0, "10.4: all restrictions pass");
	memset(tvr, 0, 5);
	term_restrictions(&P, &tx, (const uint8_t *)"\x00\x8C", NULL, NULL,
	    NULL, NULL, tvr);
	CHECK_INT(tvr[1], TVR2_VERSIONS_DIFFER, "10.4.1: versions differ");
	memset(tvr, 0, 5);
	term_restrictions(&P, &tx, NULL, NULL, NULL,
	    (const uint8_t *)"\x24\x06\x16", (const uint8_t *)"\x24\x06\x14",
	    tvr);
	CHECK_INT(tvr[1], TVR2_NOT_EFFECTIVE | TVR2_EXPIRED,
	    "10.4.3: not yet effective and expired");
	memset(tvr, 0, 5);
	term_restrictions(&P, &tx, NULL, NULL, NULL, NULL,
	    (const uint8_t *)"\x24\x06\x15", tvr);
	CHECK_INT(tvr[1], 0, "10.4.3: the expiry day itself is valid");
	memset(tvr, 0, 5);
	term_restrictions(&P, &tx, NULL, NULL, NULL, NULL,
	    (const uint8_t *)"\x99\x12\x31", tvr);
	CHECK_INT(tvr[1], TVR2_EXPIRED, "10.4.3: YY 99 is 1999");
	/* AUC: domestic goods only, at an international transaction. */
	memset(tvr, 0, 5);
	term_restrictions(&P, &tx, NULL, (const uint8_t *)"\x29\x00",
	    (const uint8_t *)"\x08\x40", NULL, NULL, tvr);
	CHECK_INT(tvr[1], TVR2_SERVICE_NOT_ALLOWED,
	    "10.4.2: international goods not allowed");
	memset(tvr, 0, 5);
	term_restrictions(&P, &tx, NULL, (const uint8_t *)"\x29\x00",
	    (const uint8_t *)"\x02\x50", NULL, NULL, tvr);
	CHECK_INT(tvr[1], 0, "10.4.2: domestic goods allowed");
	memset(tvr, 0, 5);
	term_restrictions(&P, &tx, NULL, (const uint8_t *)"\x3E\x00",
	    (const uint8_t *)"\x02\x50", NULL, NULL, tvr);
	CHECK_INT(tvr[1], TVR2_SERVICE_NOT_ALLOWED,
	    "10.4.2: not valid at terminals other than ATMs");
	tx.type = 0x01;
	memset(tvr, 0, 5);
	term_restrictions(&P, &tx, NULL, (const uint8_t *)"\x7D\x00",
	    (const uint8_t *)"\x02\x50", NULL, NULL, tvr);
	CHECK_INT(tvr[1], TVR2_SERVICE_NOT_ALLOWED,
	    "10.4.2: domestic cash not allowed");
	tx.type = 0x09;
	memset(tvr, 0, 5);
	term_restrictions(&P, &tx, NULL, (const uint8_t *)"\xFF\x40",
	    (const uint8_t *)"\x02\x50", NULL, NULL, tvr);
	CHECK_INT(tvr[1], TVR2_SERVICE_NOT_ALLOWED,
	    "10.4.2: domestic cashback not allowed");
}

/* Run a CVM list, every performed rule getting outcome o[i]; returns the
 * number of rules performed and leaves 9F34 in res, the TVR in tvr. */
static int
cvm(const char *list, size_t n, const struct term_tx *tx,
    const uint8_t *acur, const enum term_cvm_outcome *o, uint8_t res[3],
    uint8_t tvr[5], uint8_t last[2])
{
	struct term_cvm c;
	int k = 0;

	memset(tvr, 0, 5);
	term_cvm_start(&c, (const uint8_t *)list, n);
	while (term_cvm_next(&c, &P, tx, acur, tvr, last) == 1)
		term_cvm_result(&c, o[k++], tvr);
	memcpy(res, c.result, 3);
	return k;
}

#define X	"\x00\x00\x00\x00\x00\x00\x00\x00"
#define XY	"\x00\x00\x13\x88\x00\x00\x27\x10"	/* X 5000, Y 10000 */

static void
cvmlist(void)
{
	static const enum term_cvm_outcome ok[] = { TERM_CVM_OK },
	    fail_ok[] = { TERM_CVM_FAILED, TERM_CVM_OK },
	    ptl_ok[] = { TERM_CVM_PTL, TERM_CVM_OK },
	    unk[] = { TERM_CVM_UNKNOWN }, fail[] = { TERM_CVM_FAILED };
	struct term_tx tx = { 1000, 0, 0x00, { 0x24, 0x06, 0x15 } };
	const uint8_t *eur = (const uint8_t *)"\x09\x78";
	uint8_t res[3], tvr[5], last[2];
	int k;

	k = cvm(NULL, 0, &tx, eur, ok, res, tvr, last);
	CHECK(k == 0 && memcmp(res, "\x3F\x00\x00", 3) == 0 && tvr[2] == 0,
	    "no CVM list: 3F0000, no TVR bit");
	/* 44 03: enciphered PIN if supported, else next; 1F 00 no CVM. */
	k = cvm(X "\x44\x03\x1F\x00", 12, &tx, eur, ok, res, tvr, last);
	CHECK(k == 1 && memcmp(res, "\x44\x03\x02", 3) == 0 && tvr[2] == 0,
	    "cond 03: enciphered PIN performed, successful");
	k = cvm(X "\x44\x03\x1F\x00", 12, &tx, eur, fail_ok, res, tvr, last);
	CHECK(k == 2 && memcmp(res, "\x1F\x00\x02", 3) == 0,
	    "PIN failed, apply next: no CVM succeeds");
	k = cvm(X "\x41\x00\x1E\x00", 12, &tx, eur, ptl_ok, res, tvr, last);
	CHECK(k == 2 && memcmp(res, "\x1E\x00\x00", 3) == 0 &&
	    tvr[2] == TVR3_PIN_TRY_LIMIT, "PIN try limit exceeded, then "
	    "signature (result unknown)");
	k = cvm(X "\x01\x00\x1F\x00", 12, &tx, eur, fail, res, tvr, last);
	CHECK(k == 1 && memcmp(res, "\x01\x00\x01", 3) == 0 &&
	    tvr[2] == TVR3_CV_FAILED, "a failed rule without b7 fails CVM");
	k = cvm(X "\x42\x00", 10, &tx, eur, unk, res, tvr, last);
	CHECK(k == 1 && memcmp(res, "\x42\x00\x00", 3) == 0 &&
	    tvr[2] == TVR3_ONLINE_CVM, "online PIN: unknown, TVR online PIN");
	/* Conditions 06-09 against X and Y in the application currency. */
	k = cvm(XY "\x5E\x06\x42\x09\x1F\x00", 14, &tx, eur, ok, res, tvr,
	    last);
	CHECK(k == 1 && last[0] == 0x5E, "cond 06: 1000 under X");
	tx.amount = 20000;
	k = cvm(XY "\x5E\x06\x42\x09\x1F\x00", 14, &tx, eur, unk, res, tvr,
	    last);
	CHECK(k == 1 && last[0] == 0x42, "cond 09: 20000 over Y");
	tx.amount = 7000;
	k = cvm(XY "\x5E\x06\x42\x09\x1F\x07", 14, &tx, eur, ok, res, tvr,
	    last);
	CHECK(k == 1 && last[0] == 0x1F, "cond 07: 7000 over X");
	k = cvm(XY "\x5E\x08\x1F\x00", 12, &tx, eur, ok, res, tvr, last);
	CHECK(k == 1 && last[0] == 0x5E, "cond 08: 7000 under Y");
	k = cvm(XY "\x5E\x08\x1F\x00", 12, &tx, (const uint8_t *)"\x08\x40",
	    ok, res, tvr, last);
	CHECK(k == 1 && last[0] == 0x1F, "cond 08 false in another currency");
	/* 01 unattended cash, 04 manual cash, 05 cashback, 02 none. */
	tx.type = 0x01;
	k = cvm(X "\x42\x01\x5E\x04\x1F\x00", 14, &tx, eur, ok, res, tvr, last);
	CHECK(k == 1 && last[0] == 0x5E, "cond 04 (attended cash), not 01");
	tx.type = 0x09;
	k = cvm(X "\x42\x02\x5E\x05\x1F\x00", 14, &tx, eur, ok, res, tvr, last);
	CHECK(k == 1 && last[0] == 0x5E, "cond 05: cashback, not 02");
	tx.type = 0x00;
	k = cvm(X "\x5E\x05\x42\x02", 12, &tx, eur, unk, res, tvr, last);
	CHECK(k == 1 && last[0] == 0x42, "cond 02: not cash nor cashback");
	/* An unknown CVM code and an unknown condition. */
	k = cvm(X "\x5A\x00\x1F\x00", 12, &tx, eur, ok, res, tvr, last);
	CHECK(k == 1 && tvr[2] == TVR3_UNRECOGNISED_CVM &&
	    memcmp(res, "\x1F\x00\x02", 3) == 0, "unknown CVM: TVR, next rule");
	k = cvm(X "\x5E\x7F", 10, &tx, eur, ok, res, tvr, last);
	CHECK(k == 0 && tvr[2] == TVR3_CV_FAILED &&
	    memcmp(res, "\x3F\x00\x01", 3) == 0, "no rule applies: 3F0001");
	/* A terminal without PIN pad. */
	P.tcap[1] = TCAP2_SIGNATURE | TCAP2_NO_CVM;
	k = cvm(X "\x41\x00\x1E\x00", 12, &tx, eur, ok, res, tvr, last);
	CHECK(k == 1 && last[0] == 0x1E && tvr[2] == TVR3_NO_PINPAD,
	    "PIN not supported: no PIN pad, signature");
	k = cvm(X "\x00\x00", 10, &tx, eur, ok, res, tvr, last);
	CHECK(k == 0 && tvr[2] == TVR3_CV_FAILED, "fail CVM processing rule");
	P.tcap[1] = 0xF8;
}

static void
trm(void)
{
	struct term_tx tx = { 10000, 0, 0x00, { 0x24, 0x06, 0x15 } };
	uint8_t tvr[5] = { 0 }, lcol = 2, ucol = 5;

	term_trm(&P, &tx, 99, NULL, NULL, NULL, NULL, tvr);
	CHECK_INT(tvr[3], TVR4_FLOOR_LIMIT, "10.6.1: amount at the floor");
	tx.amount = 100;
	memset(tvr, 0, 5);
	term_trm(&P, &tx, 9, NULL, NULL, NULL, NULL, tvr);
	CHECK_INT(tvr[3], TVR4_RANDOM_ONLINE, "10.6.2: under target, chosen");
	memset(tvr, 0, 5);
	term_trm(&P, &tx, 10, NULL, NULL, NULL, NULL, tvr);
	CHECK_INT(tvr[3], 0, "10.6.2: at target, not chosen");
	tx.amount = 7500;	/* halfway: 10 + (50 - 10) / 2 = 30 */
	memset(tvr, 0, 5);
	term_trm(&P, &tx, 29, NULL, NULL, NULL, NULL, tvr);
	CHECK_INT(tvr[3], TVR4_RANDOM_ONLINE, "10.6.2: biased, 29 < 30");
	memset(tvr, 0, 5);
	term_trm(&P, &tx, 30, NULL, NULL, NULL, NULL, tvr);
	CHECK_INT(tvr[3], 0, "10.6.2: biased, 30 not < 30");
	memset(tvr, 0, 5);
	term_trm(&P, &tx, 99, &lcol, &ucol, (const uint8_t *)"\x00\x0A",
	    (const uint8_t *)"\x00\x07", tvr);
	CHECK_INT(tvr[3], TVR4_LOWER_LIMIT, "10.6.3: 3 offline over LCOL 2");
	memset(tvr, 0, 5);
	term_trm(&P, &tx, 99, &lcol, &ucol, (const uint8_t *)"\x00\x0A",
	    (const uint8_t *)"\x00\x00", tvr);
	CHECK(tvr[1] == TVR2_NEW_CARD && tvr[3] == (TVR4_LOWER_LIMIT |
	    TVR4_UPPER_LIMIT), "10.6.3: last online ATC 0, new card");
	memset(tvr, 0, 5);
	term_trm(&P, &tx, 99, &lcol, &ucol, (const uint8_t *)"\x00\x0A", NULL,
	    tvr);
	CHECK_INT(tvr[3], TVR4_LOWER_LIMIT | TVR4_UPPER_LIMIT,
	    "10.6.3: 9F13 not returned, both limits");
}

static void
taa(void)
{
	uint8_t tvr[5] = { 0 };
	static const uint8_t zero[5], ones[5] = { 0xFF, 0xFF, 0xFF, 0xFF,
	    0xFF };

	CHECK_INT(term_taa(&P, tvr, NULL, NULL, NULL), CID_TC,
	    "10.7: clean TVR, no IACs: TC");
	tvr[3] = TVR4_RANDOM_ONLINE;
	CHECK_INT(term_taa(&P, tvr, NULL, NULL, NULL), CID_ARQC,
	    "10.7: no IAC-online: all ones, ARQC");
	CHECK_INT(term_taa(&P, tvr, zero, zero, zero), CID_ARQC,
	    "10.7: TAC-online alone sends online");
	memcpy(P.tac_online, zero, 5);
	CHECK_INT(term_taa(&P, tvr, zero, zero, zero), CID_TC,
	    "10.7: neither IAC nor TAC online: TC");
	CHECK_INT(term_taa(&P, tvr, ones, zero, zero), CID_AAC,
	    "10.7: IAC-denial: AAC");
	memcpy(P.tac_online, "\xD8\x40\x04\xF8\x00", 5);
	tvr[3] = 0;
	tvr[1] = TVR2_SERVICE_NOT_ALLOWED;
	CHECK_INT(term_taa(&P, tvr, NULL, NULL, NULL), CID_AAC,
	    "10.7: TAC-denial: AAC");
	tvr[1] = 0;
	tvr[3] = TVR4_FLOOR_LIMIT;
	P.ttype = 0x23;	/* offline only */
	CHECK_INT(term_taa(&P, tvr, NULL, NULL, NULL), CID_AAC,
	    "10.7: offline terminal, no IAC-default: AAC");
	CHECK_INT(term_taa(&P, tvr, zero, zero, zero), CID_AAC,
	    "10.7: offline terminal, TAC-default: AAC");
	memcpy(P.tac_default, zero, 5);
	CHECK_INT(term_taa(&P, tvr, zero, zero, zero), CID_TC,
	    "10.7: offline terminal, nothing in default: TC");
	CHECK_INT(term_taa_default(&P, tvr, NULL), CID_AAC,
	    "10.7: unable to go online, no IAC-default: AAC");
	P.ttype = 0x22;
	CHECK_INT(term_arc_approves((const uint8_t *)"00"), 1, "ARC 00");
	CHECK_INT(term_arc_approves((const uint8_t *)"51"), 0, "ARC 51");
}

int
main(void)
{
	uint8_t b[6];
	uint64_t v;

	profile();
	restrictions();
	cvmlist();
	trm();
	taa();
	term_amount_encode(123456789012ULL, b);
	CHECK_MEM(b, "\x12\x34\x56\x78\x90\x12", 6, "amount to n 12");
	CHECK(term_amount_decode(b, &v) == 0 && v == 123456789012ULL,
	    "n 12 to amount");
	return unit_done();
}
