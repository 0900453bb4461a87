/* t-cvn.c: the cryptogram version registry and EMV symmetric card
 * cryptography (lib/cvn.c, lib/emvsm.c) against public vectors; the
 * source of each is in tests/vectors/README.md ("cvn" rows). */
#include "cvn.h"
#include "emvsm.h"
#include "hex.h"
#include "sym.h"
#include "unit.h"

/* The V8 issuer master keys (tests/data/test-keys.txt) and card. */
#define IMK_AC	"0123456789ABCDEFFEDCBA9876543210"
#define IMK_SMI	"FEDCBA98765432100123456789ABCDEF"
#define IMK_SMC	"89ABCDEF0123456776543210FEDCBA98"
#define PAN	"1234567890123456"

static size_t
H(const char *hex, uint8_t *b)
{
	return (size_t)hex_decode(hex, strlen(hex), b);
}

/* 1 if b[0..n) is the hex string want. */
static int
is(const uint8_t *b, size_t n, const char *want)
{
	char got[2 * 300 + 1];

	if (n > 300)
		return 0;
	hex_encode(b, n, got);
	if (strcmp(got, want) != 0)
		printf("#   got %s\n#  want %s\n", got, want);
	return strcmp(got, want) == 0;
}

static int
kcv_is(const uint8_t k[16], const char *want)
{
	uint8_t kc[3];

	return sym_kcv(SYM_3DES2, k, kc) == 0 &&
	    is(kc, strlen(want) / 2, want);
}

/* The card's three master keys under a CVN's derivation option. */
static void
card_keys(const struct cvn *c, const char *imkac, const char *imksmi,
    const char *imksmc, const char *psn, uint8_t ac[16], uint8_t smi[16],
    uint8_t smc[16])
{
	uint8_t k[16];

	H(imkac, k);
	cvn_derive_mk(c, k, PAN, 16, psn, ac);
	H(imksmi, k);
	cvn_derive_mk(c, k, PAN, 16, psn, smi);
	H(imksmc, k);
	cvn_derive_mk(c, k, PAN, 16, psn, smc);
}

static void
session_keys(void)
{
	uint8_t mk[16], r[8], sk[16], atc[2], un[4];
	const struct cvn *c;

	/* V3: EMV common session key. */
	H(IMK_AC, mk);
	H("001C000000000000", r);
	CHECK(cvn_csk(mk, r, sk) == 0 &&
	    is(sk, 16, "E9FB384AF807B940FEDCEA613461B0C4"), "CSK, R = ATC || 00 (V3)");
	H("946DC1A8C78A624519BC4645CB073737", mk);
	H("1234567890123456", r);
	CHECK(cvn_csk(mk, r, sk) == 0 &&
	    is(sk, 16, "C7AEDF49AEF2F146D692400E0B851A8F"), "CSK, arbitrary R (V3)");
	/* pyemv kd.py: Visa secure messaging session key. */
	H(IMK_AC, mk);
	H("001C", atc);
	CHECK(cvn_visa_smk(mk, atc, sk) == 0 &&
	    is(sk, 16, "0123456789ABCDF2FEDCBA987654CDF2"), "Visa SM session key");
	/* pyemv test_cvn_hsm: AC session key check values, MK-AC of V8. */
	H("154F349D8585CB7F6B0798E9839B10C1", mk);
	H("ABCDEF12", un);
	c = cvn_by_name("visa-cvn10");
	CHECK(cvn_session_key(c, mk, atc, NULL, sk) == 0 && kcv_is(sk, "BAB0"),
	    "CVN 10: no session key, MK-AC itself");
	c = cvn_by_name("visa-cvn18");
	CHECK(cvn_session_key(c, mk, atc, NULL, sk) == 0 && kcv_is(sk, "22C8"),
	    "CVN 18: CSK of the ATC (KCV 22C8)");
	c = cvn_by_name("mc-cvn16");
	CHECK(cvn_session_key(c, mk, atc, un, sk) == 0 && kcv_is(sk, "2FD5"),
	    "M/Chip SKD of ATC and UN (KCV 2FD5)");
	CHECK(cvn_session_key(c, mk, atc, NULL, sk) == -1,
	    "M/Chip SKD without an UN is a misuse");
	c = cvn_by_name("mc-cvn20");
	CHECK(cvn_session_key(c, mk, atc, un, sk) == 0 && kcv_is(sk, "22C8"),
	    "CVN 20: CSK of the ATC (KCV 22C8)");
}

static void
arpc_methods(void)
{
	uint8_t k[16], arqc[8], arc[2], csu[4], pad[8], out[8], mk[16], r[8];
	uint8_t sk[16], m[16];

	/* V6, pyemv ac.py doctests. */
	H("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB", k);
	H("1234567890ABCDEF", arqc);
	H("0000", arc);
	H("00000000", csu);
	CHECK(cvn_arpc1(k, arqc, arc, out) == 0 && is(out, 8, "F5E6F44147E2F1B0"),
	    "ARPC method 1 (V6)");
	CHECK(cvn_arpc2(k, arqc, csu, NULL, 0, out) == 0 && is(out, 4, "9308BEBC"),
	    "ARPC method 2 (V6)");
	H("29B33180E567CE38EA4CBC9D753B0E61", k);
	H("0123456789ABCDEF0123456789ABCDEF", m);
	CHECK(sym_mac3(k, SYM_PAD2, m, 16, arqc) == 0 &&
	    is(arqc, 8, "FA624250B008B59A"), "ARQC pad 2 (V6)");
	CHECK(cvn_arpc1(k, arqc, arc, out) == 0 && is(out, 8, "45D4255EEF10C920"),
	    "ARPC method 1 of that ARQC (V6)");
	CHECK(cvn_arpc2(k, arqc, csu, NULL, 0, out) == 0 && is(out, 4, "CB56FA40"),
	    "ARPC method 2 of that ARQC (V6)");
	/* pyemv test_ac_hsm: MK of V1 (9901234567890123/45), CSK of R. */
	H("F84315C7B95BD3B0C74694922C3808B0", mk);
	H("1234567890123456", r);
	cvn_csk(mk, r, sk);
	CHECK(kcv_is(mk, "1DA5") && kcv_is(sk, "0995"), "HSM test keys (1DA5, 0995)");
	CHECK(sym_mac3(sk, SYM_PAD2, m, 16, arqc) == 0 &&
	    is(arqc, 8, "4B46013359B7A58B"), "HSM ARQC, pad 2");
	CHECK(cvn_arpc1(mk, arqc, arc, out) == 0 && is(out, 8, "F8C9CECAABD55AD1"),
	    "HSM ARPC method 1 under the MK");
	H("1234567890ABCDEF", pad);
	CHECK(cvn_arpc2(sk, arqc, csu, pad, 8, out) == 0 && is(out, 4, "4962B76C"),
	    "HSM ARPC method 2 with proprietary data");
	CHECK(cvn_arpc2(sk, arqc, csu, NULL, 0, out) == 0 && is(out, 4, "7DFB1188"),
	    "HSM ARPC method 2 without");
	CHECK(cvn_arpc2(sk, arqc, csu, pad, 9, out) == -1,
	    "proprietary data over 8 bytes refused");
	{
		uint8_t m17[17];

		H("0123456789ABCDEF0123456789ABCDEF01", m17);
		CHECK(sym_mac3(sk, SYM_PAD1, m17, 17, arqc) == 0 &&
		    is(arqc, 8, "2E141C6BC4A20DA8"), "HSM ARQC, pad 1");
		CHECK(cvn_arpc1(mk, arqc, arc, out) == 0 &&
		    is(out, 8, "16A49AAB314B9262"), "HSM ARPC of the pad 1 ARQC");
	}
}

/* jPOS JCESecurityModuleTest: IMK-AC 12345678 x 4, PAN 1234567890123456
 * PSN 00; transaction data ending in a 6-byte CVR, MACed as given. */
static void
jpos(void)
{
	static const char tx[] = "000000010000" "000000001000" "0840"
	    "0000001080" "0840" "980704" "00" "11111111" "5800" "3456"
	    "A08003242000";
	uint8_t imk[16], mk[16], msg[64], atc[2], un[4], ac[8], arpc[8], sk[16];
	uint8_t iad[32], tdata[CVN_TDATA_LEN], aip[2], r[8], resp[4];
	const struct cvn *v10 = cvn_by_name("visa-cvn10");
	const struct cvn *m16 = cvn_by_name("mc-cvn16");
	const struct cvn *m20 = cvn_by_name("mc-cvn20");
	struct cvn_iad in;
	size_t n = H(tx, msg), al, il;

	H("12345678123456781234567812345678", imk);
	cvn_derive_mk(v10, imk, PAN, 16, "00", mk);
	CHECK(is(mk, 16, "DCE992BCE398C264F7858AFD4C4A324A"), "jPOS MK-AC (V1)");
	H("3456", atc);
	H("11111111", un);
	CHECK(cvn_ac_mac(v10, mk, atc, NULL, msg, n, ac) == 0 &&
	    is(ac, 8, "26C8A1042D1CAF3E"), "jPOS VSDC ARQC, zero padding");
	CHECK(cvn_arpc(v10, mk, atc, NULL, ac, (const uint8_t *)"\x30\x30", 2,
	    arpc, &al) == 0 && al == 8 && is(arpc, 8, "98DE7C7B3D80A831"),
	    "jPOS VSDC ARPC method 1, ARC 3030");
	CHECK(cvn_ac_mac(m16, mk, atc, un, msg, n, ac) == 0 &&
	    is(ac, 8, "AC8074C9E62EE6EF"), "jPOS M/Chip SKD ARQC, pad 2");
	CHECK(cvn_arpc(m16, mk, atc, un, ac, (const uint8_t *)"\x00\x12", 2,
	    arpc, &al) == 0 && is(arpc, 8, "5B5B712F9A644774"),
	    "jPOS M/Chip ARPC method 1 under MK-AC, ARC 0012");
	CHECK(cvn_ac_mac(m20, mk, atc, NULL, msg, n, ac) == 0 &&
	    is(ac, 8, "55BE45DD2C9E0CBF"), "jPOS EMV CSK ARQC, pad 2");
	CHECK(cvn_arpc(m20, mk, atc, NULL, ac, (const uint8_t *)"\x00\x12", 2,
	    arpc, &al) == 0 && is(arpc, 8, "01BAE8DE6A0DE9E0"),
	    "jPOS CSK ARPC method 1 under the session key");
	cvn_session_key(m20, mk, atc, NULL, sk);
	H("00120000", resp);
	CHECK(cvn_arpc2(sk, ac, resp, NULL, 0, arpc) == 0 &&
	    is(arpc, 4, "B4C698B6"), "jPOS CSK ARPC method 2, CSU 00120000");
	/* Zero padding with the other session keys. */
	cvn_session_key(m16, mk, atc, un, sk);
	CHECK(sym_mac3(sk, SYM_PAD1, msg, n, ac) == 0 &&
	    is(ac, 8, "9FFD1D52AE0EC0F3"), "jPOS M/Chip SKD ARQC, zero padding");
	CHECK(cvn_arpc1(mk, ac, (const uint8_t *)"\x00\x12", arpc) == 0 &&
	    is(arpc, 8, "20DCD25599B060B5"), "... and its ARPC under MK-AC");
	memcpy(r, atc, 2);
	memset(r + 2, 0, 6);
	cvn_csk(mk, r, sk);
	CHECK(sym_mac3(sk, SYM_PAD1, msg, n, ac) == 0 &&
	    is(ac, 8, "36DBEE15F36B1E7F"), "jPOS CSK ARQC, zero padding");
	CHECK(cvn_arpc1(sk, ac, (const uint8_t *)"\x00\x12", arpc) == 0 &&
	    is(arpc, 8, "0E56BBA476EB5588"), "... its ARPC method 1");
	CHECK(cvn_arpc2(sk, ac, resp, NULL, 0, arpc) == 0 &&
	    is(arpc, 4, "332CD266"), "... its ARPC method 2");
	/* The same M/Chip ARQC through the whole path: an IAD with its CVR. */
	memset(&in, 0, sizeof in);
	in.dki = 0x01;
	in.cvrlen = 6;
	H("A08003242000", in.cvr);
	in.ctrlen = 8;
	memcpy(tdata, msg, CVN_TDATA_LEN);
	H("5800", aip);
	CHECK(cvn_iad_build(m16, &in, iad, sizeof iad, &il) == 0 && il == 18,
	    "M/Chip IAD built");
	CHECK(cvn_ac(m16, mk, atc, un, tdata, CVN_TDATA_LEN, aip, iad, il, ac) == 0 &&
	    is(ac, 8, "AC8074C9E62EE6EF"), "jPOS M/Chip ARQC from terminal data and IAD");
}

/* pyemv test_cvn_hsm (V8 keys and card), Visa CVN 10 and 18. */
static void
visa(void)
{
	static const char tx[] = "000000004000" "000000000000" "0124"
	    "8000048000" "0124" "191105" "01" "52BF4585";
	uint8_t ac_mk[16], smi[16], smc[16], tdata[CVN_TDATA_LEN], atc[2];
	uint8_t aip[2], iad[32], ac[8], arpc[8], d91[20], cmd[64], sk[16];
	uint8_t hdr[4];
	const struct cvn *c10 = cvn_by_name("visa-cvn10");
	const struct cvn *c18 = cvn_by_name("visa-cvn18");
	const struct cvn *pc;
	struct cvn_iad in, p;
	size_t il, al, n;
	char pin[13];
	size_t pl;

	card_keys(c10, IMK_AC, IMK_SMI, IMK_SMC, "00", ac_mk, smi, smc);
	CHECK(kcv_is(ac_mk, "BAB0") && kcv_is(smi, "F010") && kcv_is(smc, "B154"),
	    "V8 card keys (BAB0, F010, B154)");
	H(tx, tdata);
	H("001C", atc);
	H("1800", aip);
	memset(&in, 0, sizeof in);
	in.dki = 0x01;
	in.cvrlen = 3;
	H("A06010", in.cvr);
	CHECK(cvn_iad_build(c10, &in, iad, sizeof iad, &il) == 0 &&
	    is(iad, il, "06010A03A06010"), "CVN 10 IAD 06 01 0A 03 CVR");
	CHECK(cvn_ac(c10, ac_mk, atc, NULL, tdata, sizeof tdata, aip, iad, il, ac) == 0 &&
	    is(ac, 8, "29CCA15AE665FA2E"), "CVN 10 ARQC (V8)");
	CHECK(cvn_ac_verify(c10, ac_mk, atc, NULL, tdata, sizeof tdata, aip, iad,
	    il, ac) == 0, "CVN 10 ARQC verifies");
	tdata[0] ^= 1;
	CHECK(cvn_ac_verify(c10, ac_mk, atc, NULL, tdata, sizeof tdata, aip, iad,
	    il, ac) == CVN_EMAC, "another amount: CVN_EMAC");
	tdata[0] ^= 1;
	CHECK(cvn_issuer_auth(c10, ac_mk, atc, NULL, ac, (const uint8_t *)"00", 2,
	    d91, sizeof d91, &al) == 0 && is(d91, al, "28993816AFAE4AEB3030"),
	    "CVN 10 91 = ARPC method 1 (ARC 3030) || ARC (V8)");
	CHECK(cvn_issuer_auth_check(c10, ac_mk, atc, NULL, ac, d91, al) == 0,
	    "the card accepts it");
	d91[9] ^= 1;
	CHECK(cvn_issuer_auth_check(c10, ac_mk, atc, NULL, ac, d91, al) == CVN_EMAC,
	    "another ARC: CVN_EMAC");
	CHECK(cvn_issuer_auth_check(c10, ac_mk, atc, NULL, ac, d91, 8) == CVN_EMAC,
	    "91 of the wrong length: CVN_EMAC");
	/* Script MAC (V5) and its session key check value. */
	CHECK(cvn_sm_key(c10, smi, atc, ac, 0, sk) == 0 && kcv_is(sk, "DB10") &&
	    cvn_sm_key(c10, smc, atc, ac, 0, sk) == 0 && kcv_is(sk, "6D04"),
	    "CVN 10 script session keys (DB10, 6D04)");
	H("84180000", hdr);
	CHECK(cvn_script_command(c10, smi, NULL, atc, ac, 0, hdr, NULL, 0, cmd,
	    sizeof cmd, &n) == 0 && is(cmd, n, "8418000008DB56BA60087CEFD3"),
	    "CVN 10 APPLICATION UNBLOCK MAC (V5)");
	CHECK(cvn_script_check(c10, smi, atc, ac, 0, cmd, n) == 0,
	    "the card accepts the MAC");
	cmd[n - 1] ^= 1;
	CHECK(cvn_script_check(c10, smi, atc, ac, 0, cmd, n) == CVN_EMAC,
	    "a changed MAC: CVN_EMAC");
	CHECK(cvn_pin_change(c10, ac_mk, smi, smc, atc, ac, 0, "9999", 4, NULL, 0,
	    cmd, sizeof cmd, &n) == 0 &&
	    is(cmd, n, "8424000218BB221AF527377A2811D2B6EBC396A9391A965A5CB2CE62DA"),
	    "CVN 10 PIN change, VIS block (V8)");
	CHECK(cvn_script_check(c10, smi, atc, ac, 0, cmd, n) == 0 &&
	    cvn_pin_change_open(c10, ac_mk, smc, atc, ac, 0, cmd, n, "1234", 4,
	    pin, &pl) == 0 && pl == 4 && strcmp(pin, "9999") == 0,
	    "the card reads the new PIN");
	CHECK(cvn_pin_change(c10, ac_mk, smi, smc, atc, ac, 0, "9999", 4, "8888", 4,
	    cmd, sizeof cmd, &n) == 0 &&
	    is(cmd, n, "84240001182EE025E554BCD87E11D2B6EBC396A939C4A8393B57DD2F3F"),
	    "CVN 10 PIN change with the current PIN (V8)");
	CHECK(cvn_pin_change_open(c10, ac_mk, smc, atc, ac, 0, cmd, n, "8888", 4,
	    pin, &pl) == 0 && strcmp(pin, "9999") == 0,
	    "the card reads it with its current PIN");
	CHECK(cvn_pin_change_open(c10, ac_mk, smc, atc, ac, 0, cmd, n, "1234", 4,
	    pin, &pl) == CVN_EPIN, "another current PIN: CVN_EPIN");

	/* CVN 18. */
	card_keys(c18, IMK_AC, IMK_SMI, IMK_SMC, "00", ac_mk, smi, smc);
	H("06011203A0B800", iad);
	CHECK(cvn_iad_parse(0, iad, 7, &p, &pc) == 0 && pc == c18 &&
	    p.dki == 1 && is(p.cvr, p.cvrlen, "A0B800"), "CVN 18 IAD read back");
	CHECK(cvn_ac(c18, ac_mk, atc, NULL, tdata, sizeof tdata, aip, iad, 7, ac) == 0 &&
	    is(ac, 8, "7A788EA6B8A3E733"), "CVN 18 ARQC");
	CHECK(cvn_arpc(c18, ac_mk, atc, NULL, ac, (const uint8_t *)"\0\0\0\0", 4,
	    arpc, &al) == 0 && al == 4 && is(arpc, 4, "9AF514C1"),
	    "CVN 18 ARPC method 2, CSU 00000000");
	CHECK(cvn_issuer_auth(c18, ac_mk, atc, NULL, ac, (const uint8_t *)"\0\0\0\0",
	    4, d91, sizeof d91, &al) == 0 && is(d91, al, "9AF514C100000000") &&
	    cvn_issuer_auth_check(c18, ac_mk, atc, NULL, ac, d91, al) == 0,
	    "CVN 18 91 = ARPC || CSU, accepted by the card");
	CHECK(cvn_script_command(c18, smi, NULL, atc, ac, 0, hdr, NULL, 0, cmd,
	    sizeof cmd, &n) == 0 && is(cmd, n, "841800000804EDE90BC24CC35E"),
	    "CVN 18 APPLICATION UNBLOCK MAC");
	CHECK(cvn_pin_change(c18, ac_mk, smi, smc, atc, ac, 0, "9999", 4, NULL, 0,
	    cmd, sizeof cmd, &n) == 0 &&
	    is(cmd, n, "8424000218BB221AF527377A2811D2B6EBC396A9391A22B480EF312F40"),
	    "CVN 18 PIN change");
	CHECK(cvn_pin_change(c18, ac_mk, smi, smc, atc, ac, 0, "9999", 4, "8888", 4,
	    cmd, sizeof cmd, &n) == 0 &&
	    is(cmd, n, "84240001182EE025E554BCD87E11D2B6EBC396A9390FB94A4E4EC10F41"),
	    "CVN 18 PIN change with the current PIN");

	/* pyemv cvn.py module doctest: CVN 18, IMKs AA.., BB.., CC... */
	card_keys(c18, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
	    "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "00", ac_mk, smi, smc);
	H("000000009999" "000000000000" "0840" "8000048000" "0840" "991231" "01"
	    "52BF4585", tdata);
	H("0FFF", atc);
	CHECK(cvn_ac(c18, ac_mk, atc, NULL, tdata, sizeof tdata, aip, iad, 7, ac) == 0 &&
	    is(ac, 8, "769577B5ABE9FE62"), "CVN 18 doctest ARQC");
	CHECK(cvn_arpc(c18, ac_mk, atc, NULL, ac, (const uint8_t *)"\0\0\0\0", 4,
	    arpc, &al) == 0 && is(arpc, 4, "76503F48"), "CVN 18 doctest ARPC");
	CHECK(cvn_script_command(c18, smi, NULL, atc, ac, 0, hdr, NULL, 0, cmd,
	    sizeof cmd, &n) == 0 && is(cmd + 5, 8, "B5CB29759F9C3919"),
	    "CVN 18 doctest script MAC");
	CHECK(cvn_pin_change(c18, ac_mk, smi, smc, atc, ac, 0, "9999", 4, NULL, 0,
	    cmd, sizeof cmd, &n) == 0 &&
	    is(cmd, n, "84240002182DC7A061323BA62472BC5308BD291B5F665B3A927E60661E"),
	    "CVN 18 doctest PIN change");
}

/* pyemv test_cvn_hsm, M/Chip CVN 16, 17, 20, 21 (V8 keys and card). */
static void
mastercard(void)
{
	static const struct {
		const char *name, *iad, *arqc, *arpc, *mac, *pinchg, *smi_kcv,
		    *smc_kcv;
	} t[] = {
		{ "mc-cvn16", "0110A00003220000000000000000000000FF",
		    "24CCF3DEE3158C70", "73F6BBF389A6586C", "ED0AB162BAB1DE61",
		    "842400021000859B8FE53F316DEB4B64C36BF88E39", "FFA0", "0BCA" },
		{ "mc-cvn17", "0111A00003220000000000000000000322FF",
		    "EAE8A620A75648D8", "29CF11FBDB9CA650", "4D1858456CD0F22A",
		    "84240002108661C474E4940A4378390C64CB96756E", "6CAF", "3D99" },
		{ "mc-cvn20", "0114A00003220000000000000000000000FF",
		    "CD29615D6452E70E", "DFD0956606B68D64", "01C0F0DFBF6AA230",
		    "84240002107647E71F85AA6A35AE4B4E838666773D", "9240", "B087" },
		{ "mc-cvn21", "0115A00003220000000000000000000322FF",
		    "C30E54BE496CF5E5", "4F51F9CC63CE8B3C", "5E89E990C51CEE94",
		    "8424000210D9F5896BE8E283C682264E1D32DF1D51", "F4C4", "BB95" }
	};
	uint8_t ac_mk[16], smi[16], smc[16], tdata[CVN_TDATA_LEN], atc[2], un[4];
	uint8_t aip[2], iad[32], ac[8], arpc[8], cmd[64], sk[16], hdr[4];
	uint8_t built[32];
	const struct cvn *c, *pc;
	struct cvn_iad p;
	size_t i, il, bl, al, n, pl;
	char what[96], pin[13];

	H("000000009999" "000000000000" "0124" "8000000000" "0124" "209906" "00"
	    "ABCDEF12", tdata);
	H("001C", atc);
	H("ABCDEF12", un);
	H("1800", aip);
	H("84240000", hdr);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		c = cvn_by_name(t[i].name);
		card_keys(c, IMK_AC, IMK_SMI, IMK_SMC, "00", ac_mk, smi, smc);
		il = H(t[i].iad, iad);
#define W(s) (snprintf(what, sizeof what, "%s: %s", t[i].name, s), what)
		CHECK(cvn_iad_parse(0, iad, il, &p, &pc) == 0 && pc == c &&
		    is(p.cvr, 6, "A00003220000") && p.ctrlen == 8,
		    W("9F10 read: CVN, CVR, counters"));
		CHECK(cvn_iad_build(c, &p, built, sizeof built, &bl) == 0 &&
		    bl == il && memcmp(built, iad, il) == 0,
		    W("9F10 built again byte for byte"));
		CHECK(cvn_ac(c, ac_mk, atc, un, tdata, sizeof tdata, aip, iad, il,
		    ac) == 0 && is(ac, 8, t[i].arqc), W("ARQC"));
		CHECK(cvn_arpc(c, ac_mk, atc, un, ac, (const uint8_t *)"\x00\x10", 2,
		    arpc, &al) == 0 && al == 8 && is(arpc, 8, t[i].arpc),
		    W("ARPC method 1, ARC 0010"));
		CHECK(cvn_sm_key(c, smi, atc, ac, 0, sk) == 0 &&
		    kcv_is(sk, t[i].smi_kcv) &&
		    cvn_sm_key(c, smc, atc, ac, 0, sk) == 0 &&
		    kcv_is(sk, t[i].smc_kcv), W("script session keys, R = ARQC"));
		CHECK(cvn_script_command(c, smi, NULL, atc, ac, 0, hdr, NULL, 0, cmd,
		    sizeof cmd, &n) == 0 && n == 13 && is(cmd + 5, 8, t[i].mac),
		    W("PIN UNBLOCK MAC"));
		CHECK(cvn_pin_change(c, ac_mk, smi, smc, atc, ac, 0, "9999", 4, NULL,
		    0, cmd, sizeof cmd, &n) == 0 && is(cmd, n, t[i].pinchg),
		    W("PIN change, ISO format 2 block"));
		CHECK(cvn_script_check(c, smi, atc, ac, 0, cmd, n) == 0 &&
		    cvn_pin_change_open(c, ac_mk, smc, atc, ac, 0, cmd, n, NULL, 0,
		    pin, &pl) == 0 && strcmp(pin, "9999") == 0,
		    W("the card checks the MAC and reads the PIN"));
		CHECK(cvn_script_check(c, smi, atc, ac, 1, cmd, n) == CVN_EMAC,
		    W("the same command as the second of a script: CVN_EMAC"));
#undef W
	}
	/* The second command of a script takes ARQC + 1. */
	c = cvn_by_name("mc-cvn16");
	{
		uint8_t a1[8], sk1[16];

		emvsm_arqc_add(ac, 1, a1);
		cvn_csk(smi, a1, sk1);
		CHECK(cvn_sm_key(c, smi, atc, ac, 1, sk) == 0 &&
		    memcmp(sk, sk1, 16) == 0, "M/Chip command 2: CSK of ARQC + 1");
	}
	CHECK(cvn_pin_change(c, ac_mk, smi, smc, atc, ac, 0, "9999", 4, "1234", 4,
	    cmd, sizeof cmd, &n) == -1, "M/Chip PIN change with a current PIN: misuse");
}

/* pyemv test_sm_hsm and sm.py doctests: the script formats alone. */
static void
formats(void)
{
	uint8_t imk[16], mk[16], mkc[16], mka[16], sk[16], skc[16], r[8];
	uint8_t cmd[64], mac[8], out[64], back[64], blk[8], atc[2];
	size_t n, bn, pl;
	char pin[13];

	H(IMK_AC, imk);
	{
		const struct cvn *c = cvn_by_name("mc-cvn16");

		cvn_derive_mk(c, imk, PAN, 16, "01", mk);
		H("11111111111111112222222222222222", imk);
		cvn_derive_mk(c, imk, PAN, 16, "01", mkc);
		H("FEDCBA98765432100123456789ABCDEF", imk);
		cvn_derive_mk(c, imk, PAN, 16, "01", mka);
	}
	CHECK(kcv_is(mk, "02396B") && kcv_is(mkc, "6B0F76") && kcv_is(mka, "C5CACD"),
	    "SM test card keys (02396B, 6B0F76, C5CACD)");
	H("ABCDEF1234567890", r);
	cvn_csk(mk, r, sk);
	cvn_csk(mkc, r, skc);
	CHECK(kcv_is(sk, "F088F8") && kcv_is(skc, "D694B8"), "CSK of R (F088F8, D694B8)");
	n = H("8424000008", cmd);
	CHECK(emvsm_mac(sk, cmd, n, NULL, NULL, mac) == 0 &&
	    is(mac, 8, "CF323F09A0F6AB9E"), "script MAC without transaction data");
	/* Mastercard mode: one whole block, no padding. */
	H("249999FFFFFFFFFF", blk);
	CHECK(emvsm_encrypt(EMVSM_MASTERCARD, skc, blk, 8, out, sizeof out, &n) == 0 &&
	    is(out, n, "28367E05DE3381C2"), "Mastercard encipherment");
	H("8424000210", cmd);
	memcpy(cmd + 5, out, n);
	CHECK(emvsm_mac(sk, cmd, 5 + n, NULL, NULL, mac) == 0 &&
	    is(mac, 8, "8C4D10091A093B5B"), "... and its MAC");
	CHECK(emvsm_decrypt(EMVSM_MASTERCARD, skc, out, n, back, sizeof back, &bn) == 0 &&
	    is(back, bn, "249999FFFFFFFFFF"), "... deciphered");
	H("2C999999999999FF", blk);
	CHECK(emvsm_encrypt(EMVSM_MASTERCARD, skc, blk, 8, out, sizeof out, &n) == 0 &&
	    is(out, n, "99AD3AF9EB3ECF0C"), "Mastercard, 12-digit PIN");
	memcpy(cmd + 5, out, n);
	CHECK(emvsm_mac(sk, cmd, 5 + n, NULL, NULL, mac) == 0 &&
	    is(mac, 8, "1471D88C6393BE21"), "... and its MAC");
	/* EMV (CCD) mode: always padded. */
	H("249999FFFFFFFFFF", blk);
	CHECK(emvsm_encrypt(EMVSM_EMV, skc, blk, 8, out, sizeof out, &n) == 0 &&
	    is(out, n, "28367E05DE3381C29D30A6055A8DEB86"), "EMV encipherment");
	memcpy(cmd + 5, out, n);
	CHECK(emvsm_mac(sk, cmd, 5 + n, NULL, NULL, mac) == 0 &&
	    is(mac, 8, "69DA1EE208823022"), "... and its MAC");
	CHECK(emvsm_decrypt(EMVSM_EMV, skc, out, n, back, sizeof back, &bn) == 0 &&
	    is(back, bn, "249999FFFFFFFFFF"), "... deciphered, padding removed");
	/* Visa: VIS PIN block, Visa session keys of ATC FFFF. */
	H("FFFF", atc);
	cvn_visa_smk(mkc, atc, skc);
	cvn_visa_smk(mk, atc, sk);
	CHECK(kcv_is(skc, "BD7C46") && kcv_is(sk, "A41D47"),
	    "Visa SM keys of ATC FFFF (BD7C46, A41D47)");
	CHECK(emvsm_vis_pinblock(mka, "9999", 4, NULL, 0, blk) == 0 &&
	    is(blk, 8, "049999FFC4B001F1"), "VIS PIN block");
	CHECK(emvsm_encrypt(EMVSM_VISA, skc, blk, 8, out, sizeof out, &n) == 0 &&
	    is(out, n, "D421231A6FD2F0FAEE671384F0D3A7B9"), "Visa encipherment");
	memcpy(cmd + 5, out, n);
	CHECK(emvsm_mac(sk, cmd, 5 + n, NULL, NULL, mac) == 0 &&
	    is(mac, 8, "F67E37E67B06AB99"), "... and its MAC");
	CHECK(emvsm_decrypt(EMVSM_VISA, skc, out, n, back, sizeof back, &bn) == 0 &&
	    is(back, bn, "049999FFC4B001F1") &&
	    emvsm_vis_pindecode(mka, back, NULL, 0, pin, &pl) == 0 &&
	    strcmp(pin, "9999") == 0, "... deciphered and decoded");
	CHECK(emvsm_vis_pinblock(mka, "9999", 4, "8888", 4, blk) == 0 &&
	    is(blk, 8, "8C1199FFC4B001F1"), "VIS PIN block with the current PIN");
	CHECK(emvsm_encrypt(EMVSM_VISA, skc, blk, 8, out, sizeof out, &n) == 0 &&
	    is(out, n, "C29371CC36BA70C1EE671384F0D3A7B9"), "... enciphered");
	cmd[3] = 0x01;
	memcpy(cmd + 5, out, n);
	CHECK(emvsm_mac(sk, cmd, 5 + n, NULL, NULL, mac) == 0 &&
	    is(mac, 8, "6AB3AD15D8B0621A"), "... and its MAC");
	CHECK(emvsm_vis_pindecode(mka, blk, "8888", 4, pin, &pl) == 0 &&
	    strcmp(pin, "9999") == 0, "... decoded with the current PIN");
	CHECK(emvsm_vis_pindecode(mka, blk, NULL, 0, pin, &pl) == EMVSM_EPIN,
	    "... not without it");
	CHECK(emvsm_vis_pinblock(mka, "999999999999", 12, "888888888888", 12,
	    blk) == 0 && is(blk, 8, "841111112A5E67F1"), "VIS block, 12-digit PINs");
	CHECK(emvsm_encrypt(EMVSM_VISA, skc, blk, 8, out, sizeof out, &n) == 0 &&
	    is(out, n, "622066A74F1E974AEE671384F0D3A7B9"), "... enciphered");
	memcpy(cmd + 5, out, n);
	CHECK(emvsm_mac(sk, cmd, 5 + n, NULL, NULL, mac) == 0 &&
	    is(mac, 8, "829AC5DE4B88074D"), "... and its MAC");
	/* sm.py doctests. */
	H(IMK_AC, sk);
	n = H("8424000008", cmd);
	CHECK(emvsm_mac(sk, cmd, n, (const uint8_t *)"\xFF\xFF",
	    (const uint8_t *)"\x12\x34\x56\x78\x90\x12\x34\x56", mac) == 0 &&
	    is(mac, 8, "E07B8DF1B4184282"), "MAC with ATC and ARQC after the header");
	H("241234FFFFFFFFFF", blk);
	CHECK(emvsm_encrypt(EMVSM_MASTERCARD, sk, blk, 8, out, sizeof out, &n) == 0 &&
	    is(out, n, "9859240AE52820C3"), "Mastercard encipherment (doctest)");
	CHECK(emvsm_vis_pinblock(sk, "1234", 4, NULL, 0, blk) == 0 &&
	    is(blk, 8, "041234FF76543210"), "VIS PIN block (doctest, V12)");
	/* Lengths, padding, refusals. */
	CHECK(emvsm_enclen(EMVSM_EMV, 8) == 16 && emvsm_enclen(EMVSM_EMV, 7) == 8 &&
	    emvsm_enclen(EMVSM_MASTERCARD, 8) == 8 &&
	    emvsm_enclen(EMVSM_MASTERCARD, 9) == 16 &&
	    emvsm_enclen(EMVSM_VISA, 6) == 8 && emvsm_enclen(EMVSM_VISA, 7) == 16,
	    "enciphered lengths");
	CHECK(emvsm_encrypt(EMVSM_MASTERCARD, sk, (const uint8_t *)"abc", 3, out,
	    sizeof out, &n) == 0 && n == 8 &&
	    emvsm_decrypt(EMVSM_MASTERCARD, sk, out, n, back, sizeof back, &bn) == 0 &&
	    bn == 8 && memcmp(back, "abc\x80\0\0\0\0", 8) == 0,
	    "Mastercard mode pads short data, keeps the padding on the way back");
	CHECK(emvsm_encrypt(EMVSM_VISA, sk, (const uint8_t *)"abcdefg", 7, out,
	    sizeof out, &n) == 0 && n == 16 &&
	    emvsm_decrypt(EMVSM_VISA, sk, out, n, back, sizeof back, &bn) == 0 &&
	    bn == 7 && memcmp(back, "abcdefg", 7) == 0, "Visa mode round trip");
	CHECK(emvsm_decrypt(EMVSM_VISA, skc, out, n, back, sizeof back, &bn) ==
	    EMVSM_EPAD, "Visa mode under another key: EMVSM_EPAD");
	CHECK(emvsm_decrypt(EMVSM_EMV, sk, out, 7, back, sizeof back, &bn) == -1,
	    "a partial block: misuse");
	CHECK(emvsm_encrypt(EMVSM_EMV, sk, out, 0, back, sizeof back, &bn) == -1 &&
	    emvsm_encrypt(EMVSM_EMV, sk, out, 8, back, 8, &bn) == -1,
	    "empty data or no room: misuse");
	CHECK(emvsm_vis_pinblock(mka, "123", 3, NULL, 0, blk) == -1 &&
	    emvsm_vis_pinblock(mka, "12a4", 4, NULL, 0, blk) == -1,
	    "VIS block of a bad PIN: misuse");
	{
		uint8_t a[8], o[8];

		H("FFFFFFFFFFFFFFFF", a);
		emvsm_arqc_add(a, 1, o);
		CHECK(is(o, 8, "0000000000000000"), "ARQC + 1 wraps modulo 2^64");
		H("12345678123456FF", a);
		emvsm_arqc_add(a, 2, o);
		CHECK(is(o, 8, "1234567812345701"), "ARQC + 2 carries");
	}
}

static void
terminal_data(void)
{
	static const char v8[] = "000000004000" "000000000000" "0124"
	    "8000048000" "0124" "191105" "01" "52BF4585";
	uint8_t cdol1[64], d1[64], cdol2[32], d2[32], out[CVN_TDATA_LEN], tlv[128];
	size_t c1, n1, c2, n2, tl;

	/* The Visa CDOL1 (emv-facts 6.8) is exactly the terminal data. */
	c1 = H("9F02069F03069F1A0295055F2A029A039C019F3704", cdol1);
	n1 = H(v8, d1);
	CHECK(cvn_tdata(cdol1, c1, d1, n1, NULL, 0, NULL, 0, out) == 0 &&
	    is(out, sizeof out, v8), "Visa CDOL1 data taken as it is");
	/* The M/Chip CDOL1 has more; CDOL2 gives TVR and UN again. */
	c1 = H("9F02069F03069F1A0295055F2A029A039C019F37049F35019F45029F4C089F3403",
	    cdol1);
	n1 = H("000000004000" "000000000000" "0124" "8000048000" "0124" "191105"
	    "01" "52BF4585" "22" "0000" "0000000000000000" "1F0302", d1);
	CHECK(cvn_tdata(cdol1, c1, d1, n1, NULL, 0, NULL, 0, out) == 0 &&
	    is(out, sizeof out, v8), "M/Chip CDOL1: the terminal data picked out");
	c2 = H("910A8A0295059F37049F4C08", cdol2);
	n2 = H("00000000000000000000" "3030" "8000048800" "11223344"
	    "0000000000000000", d2);
	CHECK(cvn_tdata(cdol1, c1, d1, n1, cdol2, c2, d2, n2, out) == 0 &&
	    is(out, sizeof out, "000000004000" "000000000000" "0124" "8000048800"
	    "0124" "191105" "01" "11223344"), "second GENERATE AC: TVR, UN from CDOL2");
	CHECK(cvn_tdata(cdol1, c1 - 3, d1, n1, NULL, 0, NULL, 0, out) == 0,
	    "a CDOL1 without 9F34 still has the terminal data");
	CHECK(cvn_tdata(cdol1 + 3, c1 - 3, d1 + 6, n1 - 6, NULL, 0, NULL, 0, out) ==
	    CVN_EDOL, "no 9F02: CVN_EDOL");
	CHECK(cvn_tdata(cdol1, c1, d1, 20, NULL, 0, NULL, 0, out) == CVN_EDOL,
	    "data shorter than the DOL: CVN_EDOL");
	c1 = H("9F02059F03069F1A0295055F2A029A039C019F3704", cdol1);
	CHECK(cvn_tdata(cdol1, c1, d1, 28, NULL, 0, NULL, 0, out) == CVN_EDOL,
	    "9F02 of 5 bytes: CVN_EDOL");
	CHECK(cvn_tdata(cdol1, 1, d1, n1, NULL, 0, NULL, 0, out) == CVN_EDOL,
	    "a CDOL that does not parse: CVN_EDOL");
	/* From the chip data of an authorisation, in any order. */
	tl = H("9F3704" "52BF4585" "9F2701" "80" "9C0101" "9F3602001C" "9A03191105"
	    "5F2A020124" "9505" "8000048000" "9F1A020124" "9F0306000000000000"
	    "9F0206000000004000", tlv);
	CHECK(cvn_tdata_tlv(tlv, tl, out) == 0 && is(out, sizeof out, v8),
	    "terminal data from DE 55 TLVs");
	CHECK(cvn_tdata_tlv(tlv, tl - 9, out) == CVN_EDOL, "DE 55 without 9F02: CVN_EDOL");
}

static void
iad(void)
{
	const struct cvn *c, *pc;
	struct cvn_iad in, p;
	uint8_t b[40];
	size_t i, n, bl;

	/* Every registry entry: build, read back with and without scheme. */
	for (i = 0; (c = cvn_at(i)) != NULL; i++) {
		memset(&in, 0, sizeof in);
		in.dki = 0x02;
		in.cvrlen = c->cvrlen;
		memcpy(in.cvr, "\xA0\x00\x03\x22\x10\x04", c->cvrlen);
		in.ctrlen = 8;
		memcpy(in.counters, "\x00\x00\x00\x00\x01\x00\x03\xFF", 8);
		memcpy(in.dac, "\x12\x34", 2);
		CHECK(cvn_iad_build(c, &in, b, sizeof b, &n) == 0 && n == c->iadlen &&
		    cvn_iad_parse(0, b, n, &p, &pc) == 0 && pc == c &&
		    p.dki == 2 && p.cvn == c->cvn && p.cvrlen == c->cvrlen &&
		    memcmp(p.cvr, in.cvr, c->cvrlen) == 0 &&
		    cvn_iad_parse(c->scheme, b, n, &p, &pc) == 0 && pc == c,
		    c->name);
		CHECK(cvn_iad_build(c, &in, b, n - 1, &bl) == -1, "no room: misuse");
	}
	c = cvn_by_name("visa-cvn18");
	memset(&in, 0, sizeof in);
	in.cvrlen = 3;
	in.iddlen = 15;
	memset(in.idd, 0x5A, 15);
	CHECK(cvn_iad_build(c, &in, b, sizeof b, &n) == 0 && n == 23 && b[7] == 15 &&
	    cvn_iad_parse(0, b, n, &p, &pc) == 0 && pc == c && p.iddlen == 15 &&
	    p.idd[14] == 0x5A, "VIS IAD with 15 bytes of IDD");
	in.iddlen = 16;
	CHECK(cvn_iad_build(c, &in, b, sizeof b, &n) == -1, "16 bytes of IDD: misuse");
	/* Visa format 2 (CVN '22'): read, not supported. */
	memset(b, 0, 32);
	b[0] = 0x1F;
	b[1] = 0x22;
	b[2] = 0x01;
	memcpy(b + 3, "\x80\xA0\x00\x00\x00", 5);
	CHECK(cvn_iad_parse(0, b, 32, &p, &pc) == CVN_EUNKNOWN && pc == NULL &&
	    p.cvn == 0x22 && p.cvrlen == 5 && p.cvr[1] == 0xA0,
	    "Visa IAD format 2 read, CVN 22 unknown");
	b[1] = 0x12;
	CHECK(cvn_iad_parse(0, b, 32, &p, &pc) == CVN_EIAD,
	    "CVN 18 in format 2: CVN_EIAD");
	/* M/Chip Advance lengths. */
	n = H("0115A000032200001234" "00000000000322FF" "0000000000000000" "0042", b);
	c = cvn_by_name("mc-cvn21");
	CHECK(cvn_iad_parse(CVN_MASTERCARD, b, n, &p, &pc) == 0 && pc == c &&
	    p.ctrlen == 16 && p.has_last_online_atc &&
	    is(p.last_online_atc, 2, "0042") && is(p.dac, 2, "1234"),
	    "M/Chip Advance IAD of 28 bytes");
	{
		uint8_t msg[CVN_ACMSG_MAX], td[CVN_TDATA_LEN] = { 0 };
		size_t ml;

		CHECK(cvn_ac_input(c, td, sizeof td, (const uint8_t *)"\x18\x00",
		    (const uint8_t *)"\x00\x01", b, n, msg, sizeof msg, &ml) == 0 &&
		    ml == 29 + 4 + 6 + 16 && is(msg + 39, 16,
		    "00000000000322FF0000000000000000"),
		    "CVN 21 AC input takes all 16 bytes of counters");
		CHECK(cvn_ac_input(c, td, sizeof td, (const uint8_t *)"\x18\x00",
		    (const uint8_t *)"\x00\x01", b, n, msg, 50, &ml) == -1,
		    "no room for the AC input: misuse");
		CHECK(cvn_ac_input(cvn_by_name("mc-cvn20"), td, sizeof td,
		    (const uint8_t *)"\x18\x00", (const uint8_t *)"\x00\x01", b, n,
		    msg, sizeof msg, &ml) == CVN_EIAD,
		    "an IAD naming another CVN: CVN_EIAD");
	}
	n = H("0110A00003220000000000000000000000FF0042", b);
	CHECK(cvn_iad_parse(0, b, n, &p, &pc) == 0 && p.ctrlen == 8 &&
	    p.has_last_online_atc, "M/Chip Advance IAD of 20 bytes");
	/* Refusals. */
	n = H("06010A03A060", b);
	CHECK(cvn_iad_parse(0, b, n, &p, &pc) == CVN_EIAD, "6 bytes: CVN_EIAD");
	n = H("06010A04A0601000", b);
	CHECK(cvn_iad_parse(CVN_VISA, b, n, &p, &pc) == CVN_EIAD,
	    "CVR length byte not 03: CVN_EIAD");
	n = H("06010A03A06010050000", b);
	CHECK(cvn_iad_parse(CVN_VISA, b, n, &p, &pc) == CVN_EIAD,
	    "IDD length past the end: CVN_EIAD");
	n = H("06010A03A06010", b);
	CHECK(cvn_iad_parse(CVN_MASTERCARD, b, n, &p, &pc) == CVN_EIAD,
	    "a VIS IAD read as M/Chip: CVN_EIAD");
	n = H("0110A00003220000000000000000000000FF", b);
	CHECK(cvn_iad_parse(CVN_VISA, b, n, &p, &pc) == CVN_EIAD,
	    "an M/Chip IAD read as VIS: CVN_EIAD");
	n = H("0613A00003220000000000000000000000FF", b);
	CHECK(cvn_iad_parse(0, b, n, &p, &pc) == CVN_EUNKNOWN && p.cvn == 0x13,
	    "M/Chip CVN 13h: CVN_EUNKNOWN");
	n = H("06101003A0000A0A00000000000000000000", b);
	CHECK(cvn_iad_parse(0, b, n, &p, &pc) == CVN_EIAD &&
	    cvn_iad_parse(CVN_MASTERCARD, b, n, &p, &pc) == 0 && p.cvn == 0x10,
	    "an IAD that fits both layouts needs the scheme");
}

static void
registry(void)
{
	const struct cvn *c;
	size_t i, j;
	static const uint8_t visa_aid[] = { 0xA0, 0, 0, 0, 0x03, 0x10, 0x10 };
	static const uint8_t mc_aid[] = { 0xA0, 0, 0, 0, 0x04, 0x10, 0x10 };

	for (i = 0; (c = cvn_at(i)) != NULL; i++) {
		int ok = cvn_lookup(c->scheme, c->cvn) == c &&
		    cvn_by_name(c->name) == c;

		for (j = 0; cvn_at(j) != NULL; j++)
			if (j != i && strcmp(cvn_at(j)->name, c->name) == 0)
				ok = 0;
		/* Secure messaging goes with the scheme. */
		ok = ok && (c->scheme == CVN_VISA ?
		    c->smk == CVN_SMK_VISA && c->enc == EMVSM_VISA &&
		    c->pinfmt == CVN_PIN_VIS && !c->arqc_step &&
		    c->iad == CVN_IAD_VIS && c->cvrlen == 3 && c->iadlen == 7 :
		    c->smk == CVN_SMK_CSK && c->enc == EMVSM_MASTERCARD &&
		    c->pinfmt == CVN_PIN_ISO2 && c->arqc_step &&
		    c->iad == CVN_IAD_MCHIP && c->cvrlen == 6 && c->iadlen == 18);
		/* Zero padding and no session key: Visa CVN 10 only. */
		ok = ok && ((c->pad == SYM_PAD1) == (c->cvn == 0x0A)) &&
		    ((c->skd == CVN_SKD_NONE) == (c->pad == SYM_PAD1));
		/* Method 2 needs a session key; none means MK-AC. */
		ok = ok && (c->arpc_method == 1 || c->arpc_sk) &&
		    (c->skd != CVN_SKD_NONE || !c->arpc_sk) &&
		    (c->mkd == 'A' || c->mkd == 'B');
		/* M/Chip CVN byte: 0001 0 kk c (emv-utils, jPOS
		 * MChipCryptogram): kk 00 SKD, 10 CSK; c counters. */
		if (c->scheme == CVN_MASTERCARD)
			ok = ok && (c->cvn & 0xF8) == 0x10 &&
			    ((c->cvn & 0x06) == 0 ? c->skd == CVN_SKD_MC :
			    (c->cvn & 0x06) == 4 && c->skd == CVN_SKD_CSK) &&
			    (c->cvn & 1) == (c->acdata == CVN_ACD_CVR_CTR) &&
			    c->arpc_method == 1 &&
			    c->arpc_sk == (c->skd == CVN_SKD_CSK);
		CHECK(ok, c->name);
	}
	CHECK(i == 6, "six cryptogram versions");
	CHECK(cvn_lookup(CVN_VISA, 0x10) == NULL &&
	    cvn_lookup(CVN_MASTERCARD, 0x0A) == NULL && cvn_by_name("x") == NULL,
	    "a CVN is looked up within its scheme");
	CHECK(cvn_scheme_of_aid(visa_aid, sizeof visa_aid) == CVN_VISA &&
	    cvn_scheme_of_aid(mc_aid, sizeof mc_aid) == CVN_MASTERCARD &&
	    cvn_scheme_of_aid(mc_aid, 4) == 0, "scheme of an AID");
	CHECK(strcmp(cvn_strerror(CVN_EMAC), "cryptogram or MAC does not match") == 0 &&
	    strcmp(cvn_strerror(99), "internal error") == 0, "cvn_strerror");
	for (i = CVN_EIAD; i <= CVN_EPIN; i++)
		CHECK(strcmp(cvn_strerror((int)i), "internal error") != 0,
		    "every CVN_E code has a reason");
}

static void
cvr(void)
{
	const struct cvn *v = cvn_by_name("visa-cvn10");
	const struct cvn *m = cvn_by_name("mc-cvn16");
	uint8_t b[6];
	int f;

	/* The CVRs of the published vectors, read by name. */
	H("A06010", b);
	CHECK(cvn_cvr_get_ac(b, 1) == CVN_AC_ARQC &&
	    cvn_cvr_get_ac(b, 2) == CVN_AC_NOT_REQUESTED &&
	    cvn_cvr_get_scripts(b) == 1 &&
	    cvn_cvr_get(v, b, CVN_CVR_PTL_EXCEEDED) == 1 &&
	    cvn_cvr_get(v, b, CVN_CVR_CONSEC_EXCEEDED) == 1 &&
	    cvn_cvr_get(v, b, CVN_CVR_PIN_PERFORMED) == 0 &&
	    cvn_cvr_get(v, b, CVN_CVR_PIN_OK) == -1, "V8 Visa CVR A06010 read");
	H("A00003220000", b);
	CHECK(cvn_cvr_get_ac(b, 1) == CVN_AC_ARQC &&
	    cvn_cvr_get_ac(b, 2) == CVN_AC_NOT_REQUESTED &&
	    (b[CVN_MC_PTC_MASK >> 8] & (CVN_MC_PTC_MASK & 0xFF)) == 3 &&
	    cvn_cvr_get(m, b, CVN_CVR_PIN_NOT_PERFORMED) == 1 &&
	    cvn_cvr_get(m, b, CVN_CVR_DOMESTIC) == 1 &&
	    cvn_cvr_get(m, b, CVN_CVR_INTERNATIONAL) == 0 &&
	    cvn_cvr_get(m, b, CVN_CVR_NEW_CARD) == -1,
	    "pyemv M/Chip CVR A00003220000 read: PTC 3, PIN not performed, domestic");
	/* Every flag: set alone, read alone, cleared. */
	for (f = 0; f < CVN_CVR_NFLAGS; f++) {
		int ok = 1, s;
		const struct cvn *c;

		for (s = 0; s < 2; s++) {
			c = s ? m : v;
			memset(b, 0, sizeof b);
			if (cvn_cvr_bit(c, (enum cvn_cvr_flag)f) == 0) {
				ok = ok && cvn_cvr_set(c, b, (enum cvn_cvr_flag)f, 1) == -1;
				continue;
			}
			ok = ok && cvn_cvr_set(c, b, (enum cvn_cvr_flag)f, 1) == 0 &&
			    cvn_cvr_get(c, b, (enum cvn_cvr_flag)f) == 1 &&
			    cvn_cvr_set(c, b, (enum cvn_cvr_flag)f, 0) == 0 &&
			    memcmp(b, "\0\0\0\0\0\0", 6) == 0;
		}
		CHECK(ok, "a flag sets and clears one bit");
	}
	CHECK(cvn_cvr_bit(v, CVN_CVR_ISSAUTH_FAILED) == CVN_VIS_ISSAUTH_FAILED &&
	    cvn_cvr_bit(m, CVN_CVR_ISSAUTH_FAILED) == CVN_MC_ISSAUTH_FAILED &&
	    cvn_cvr_bit(m, CVN_CVR_ISSAUTH_PERFORMED) == CVN_MC_ISSAUTH_PERFORMED &&
	    cvn_cvr_bit(v, CVN_CVR_ISSAUTH_PERFORMED) == 0 &&
	    cvn_cvr_bit(v, CVN_CVR_NFLAGS) == 0, "flag to bit mapping");
	memset(b, 0, sizeof b);
	cvn_cvr_set_ac(b, 1, CVN_AC_ARQC);
	cvn_cvr_set_ac(b, 2, CVN_AC_NOT_REQUESTED);
	cvn_cvr_set_scripts(b, 3);
	cvn_bit_set(b, CVN_MC_PTC_MASK, 0);
	b[2] |= 0x03;
	CHECK(b[0] == 0xA0 && b[2] == 0x33, "AC types and script count placed");
	cvn_cvr_set_ac(b, 2, CVN_AC_TC);
	cvn_cvr_set_scripts(b, 17);
	CHECK(b[0] == 0x60 && b[2] == 0x13 && cvn_cvr_get_ac(b, 2) == CVN_AC_TC,
	    "second AC type replaced; count kept to 4 bits");
	cvn_bit_set(b, CVN_MC_ISSAUTH_FAILED, 1);
	CHECK(b[4] == 0x04 && cvn_bit_get(b, CVN_MC_ISSAUTH_FAILED) &&
	    !cvn_bit_get(b, CVN_MC_SCRIPT_FAILED), "raw bit set and read");
}

static void
misuse(void)
{
	const struct cvn *v = cvn_by_name("visa-cvn10");
	const struct cvn *m = cvn_by_name("mc-cvn20");
	uint8_t k[16] = { 0 }, a[8] = { 0 }, out[300], cmd[300], d[256] = { 0 };
	size_t n;
	char pin[13];

	CHECK(cvn_arpc(v, k, a, NULL, a, d, 4, out, &n) == -1 &&
	    cvn_arpc(cvn_by_name("visa-cvn18"), k, a, NULL, a, d, 3, out, &n) == -1 &&
	    cvn_arpc(cvn_by_name("visa-cvn18"), k, a, NULL, a, d, 13, out, &n) == -1,
	    "ARPC response of the wrong length: misuse");
	CHECK(cvn_issuer_auth(v, k, a, NULL, a, d, 2, out, 9, &n) == -1,
	    "no room for 91: misuse");
	CHECK(cvn_script_command(m, k, NULL, a, a, 0, d, d, 248, cmd, sizeof cmd,
	    &n) == -1 && cvn_script_command(m, k, NULL, a, a, 0, d, d, 247, cmd,
	    sizeof cmd, &n) == 0 && n == 260 && cmd[4] == 255,
	    "script data up to Lc 255");
	CHECK(cvn_script_command(m, k, k, a, a, 0, d, d, 8, cmd, 20, &n) == -1,
	    "no room for the command: misuse");
	CHECK(cvn_script_check(m, k, a, a, 0, cmd, 12) == CVN_EMAC,
	    "a command shorter than a MAC: CVN_EMAC");
	cvn_script_command(m, k, NULL, a, a, 0, d, d, 4, cmd, sizeof cmd, &n);
	cmd[4]++;
	CHECK(cvn_script_check(m, k, a, a, 0, cmd, n) == CVN_EMAC,
	    "Lc not the length: CVN_EMAC");
	cvn_pin_change(v, k, k, k, a, a, 0, "1234", 4, "5678", 4, cmd, sizeof cmd,
	    &n);
	CHECK(cvn_pin_change_open(v, k, k, a, a, 0, cmd, n, NULL, 0, pin, &n) == -1,
	    "P2 01 without the current PIN: misuse");
	cmd[6] ^= 1;
	CHECK(cvn_pin_change_open(v, k, k, a, a, 0, cmd, 29, "5678", 4, pin, &n) ==
	    CVN_EPIN, "a changed PIN block: CVN_EPIN");
	CHECK(cvn_pin_change_open(v, k, k, a, a, 0, cmd, 20, "5678", 4, pin, &n) ==
	    CVN_EPIN, "a command too short for a PIN block: CVN_EPIN");
	CHECK(cvn_pin_change(v, k, k, k, a, a, 0, "12345678901234", 14, NULL, 0,
	    cmd, sizeof cmd, &n) == -1 && cvn_pin_change(m, k, k, k, a, a, 0,
	    "12", 2, NULL, 0, cmd, sizeof cmd, &n) == -1, "bad new PINs: misuse");
	CHECK(cvn_ac(v, k, a, NULL, d, 125, a, (const uint8_t *)"\x06\x01\x0A\x03\0\0\0",
	    7, out) == -1, "terminal data too long: misuse");
}

int
main(void)
{
	session_keys();
	arpc_methods();
	jpos();
	visa();
	mastercard();
	formats();
	terminal_data();
	iad();
	registry();
	cvr();
	misuse();
	return unit_done();
}
