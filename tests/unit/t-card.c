/* t-card: the virtual card's APDU handler without PC/SC (lib/card,
 * cardgp, cardemv, cardimg): a Visa CVN 10 application personalized with
 * the card keys of vector V8 (tests/vectors/README.md) runs transactions
 * whose cryptography the host side of lib/cvn and lib/oda checks: ARQC and
 * TC, ARPC by EXTERNAL AUTHENTICATE, issuer scripts (block, unblock, PIN
 * change, PUT DATA, UPDATE RECORD, card block), DDA, CDA, enciphered PIN;
 * the card image round trip and its sealing; random bytes never crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "card.h"
#include "cardemv.h"
#include "cardimg.h"
#include "cvn.h"
#include "hex.h"
#include "oda.h"
#include "record.h"
#include "sym.h"
#include "tlv.h"
#include "unit.h"

/* V8: the card keys of PAN 1234567890123456, PSN 00. */
static const char *mkhex = "154F349D8585CB7F6B0798E9839B10C1"
    "94F867167C64EF3EEAB0CB627A7A3480" "19296D4CD626859E8AADDF0B2AAB8FEA";
static uint8_t mk[48];
static const uint8_t *mk_ac = mk, *mk_smi = mk + 16, *mk_smc = mk + 32;
static const struct cvn *cv;
static const char *cdol1 = "0000000010000000000000000840000000000008402512310011223344";

static uint8_t rsp[CARD_RSP_MAX];
static size_t rlen;

static unsigned
ex(struct card *c, const char *hex)
{
	uint8_t cmd[CARD_CMD_MAX + 8];
	long n = hex_decode(hex, strlen(hex), cmd);

	if (n < 0) {
		printf("# bad hex %s\n", hex);
		exit(3);
	}
	rlen = card_apdu(c, cmd, (size_t)n, rsp);
	return (unsigned)rsp[rlen - 2] << 8 | rsp[rlen - 1];
}

static unsigned
exb(struct card *c, const uint8_t *cmd, size_t n)
{
	rlen = card_apdu(c, cmd, n, rsp);
	return (unsigned)rsp[rlen - 2] << 8 | rsp[rlen - 1];
}

/* The value of tag in the last response. */
static const uint8_t *
rtag(uint32_t tag, size_t *n)
{
	struct tlv t;

	if (rlen < 2 || tlv_find(rsp, rlen - 2, tag, &t) != 1)
		return NULL;
	*n = t.len;
	return t.val;
}

static void
put(struct card *c, uint16_t id, const char *hex)
{
	uint8_t v[512];
	long n = hex_decode(hex, strlen(hex), v);

	card_dgi_put(c, id, v, (size_t)n);
}

/* A personalized card: the DGIs of tests/data/card-app.rec, the V8 keys,
 * PIN 1234 (try limit 3). */
static struct card *
mkcard_as(const uint8_t *aid, size_t aidlen, const char *iad)
{
	static const uint8_t key[16] = { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45,
	    0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F };
	static const uint8_t isd[] = { 0xA0, 0, 0, 0x01, 0x51, 0, 0, 0 };
	struct card *c = calloc(1, sizeof *c);
	struct card_blank b;
	struct scp_keys k;
	struct rec_reader *rd;
	struct rec r;
	uint8_t *v;
	size_t i, n;
	FILE *fp;

	scp_keys_set(&k, SYM_3DES2, 1, key, key, key);
	memset(&b, 0, sizeof b);
	memcpy(b.serial, "\x00\x00\x00\x42", 4);
	b.isd = isd;
	b.isdlen = sizeof isd;
	b.aid = aid;
	b.aidlen = aidlen;
	b.keys = &k;
	b.scp = 2;
	b.scpi = 0x15;
	b.authmax = 10;
	card_init_blank(c, &b);
	if ((fp = fopen("tests/data/card-app.rec", "r")) == NULL)
		exit(3);
	rd = rec_reader_new(fp);
	rec_init(&r);
	while (rec_read(rd, &r) == 1)
		for (i = 0; r.kind == REC_LINE_RECORD && i < r.nf; i++)
			if (r.f[i].kind == REC_DGI && rec_bin(&r.f[i], &v,
			    &n) == 0) {
				card_dgi_put(c, (uint16_t)r.f[i].tag, v, n);
				free(v);
			}
	rec_free(&r);
	rec_reader_free(rd);
	fclose(fp);
	if (iad != NULL) {
		char tlv[80];

		snprintf(tlv, sizeof tlv, "9F10%02zX%s", strlen(iad) / 2, iad);
		put(c, 0x9200, tlv);
	}
	card_dgi_put(c, 0x8000, mk, 48);
	put(c, 0x8010, "241234FFFFFFFFFF");
	put(c, 0x9010, "0303");
	if (cardemv_perso_done(c) != SW_OK)
		exit(3);
	c->app = CARD_APP_PERSONALIZED;
	card_power(c, 1);
	return c;
}

static struct card *
mkcard(void)
{
	static const uint8_t aid[] = { 0xA0, 0, 0, 0, 0x03, 0x10, 0x10 };

	return mkcard_as(aid, sizeof aid, NULL);
}

static void
atc_of(struct card *c, uint8_t atc[2])
{
	atc[0] = (uint8_t)(c->atc >> 8);
	atc[1] = (uint8_t)c->atc;
}

/* GENERATE AC: check the AC with the host's computation.  gen 2 takes the
 * CDOL2 data d2.  Returns the CID, or -1. */
static int
genac(struct card *c, unsigned p1, const char *d2, uint8_t ac[8])
{
	static const uint8_t cd1[] = { 0x9F, 0x02, 0x06, 0x9F, 0x03, 0x06, 0x9F,
	    0x1A, 0x02, 0x95, 0x05, 0x5F, 0x2A, 0x02, 0x9A, 0x03, 0x9C, 0x01,
	    0x9F, 0x37, 0x04 };
	uint8_t cd2[64], d1[64], dd2[64], tdata[CVN_TDATA_LEN], atc[2];
	static const uint8_t aip[2] = { 0x3C, 0x00 };
	char cmd[300];
	const uint8_t *v, *iad;
	size_t n, iadlen, n1, n2 = 0;
	int cid;

	n1 = (size_t)hex_decode(cdol1, strlen(cdol1), d1);
	cd2[0] = 0x8A;
	cd2[1] = 0x02;
	memcpy(cd2 + 2, cd1, sizeof cd1);
	memcpy(cd2 + 2 + sizeof cd1, "\x91\x08", 2);
	if (d2 == NULL)
		snprintf(cmd, sizeof cmd, "80AE%02X001D%s00", p1, cdol1);
	else {
		n2 = (size_t)hex_decode(d2, strlen(d2), dd2);
		snprintf(cmd, sizeof cmd, "80AE%02X00%02zX%s00", p1, n2, d2);
	}
	if (ex(c, cmd) != 0x9000 || (v = rtag(0x9F27, &n)) == NULL)
		return -1;
	cid = v[0];
	if ((v = rtag(0x9F26, &n)) == NULL || n != 8 ||
	    (iad = rtag(0x9F10, &iadlen)) == NULL)
		return -1;
	memcpy(ac, v, 8);
	atc_of(c, atc);
	if (cvn_tdata(cd1, sizeof cd1, d1, n1, d2 ? cd2 : NULL,
	    d2 ? 2 + sizeof cd1 + 2 : 0, d2 ? dd2 : NULL, n2, tdata) != 0 ||
	    cvn_ac_verify(cv, mk_ac, atc, tdata + 25, tdata, sizeof tdata, aip,
	    iad, iadlen, ac) != 0)
		return -1;
	return cid;
}

/* A script command made by the host (lib/cvn), sent. */
static unsigned
script(struct card *c, const char *hdr, const char *data, const uint8_t
    arqc[8], unsigned k, int enc)
{
	uint8_t h[4], d[64], out[CARD_CMD_MAX], atc[2];
	size_t dn = data ? (size_t)hex_decode(data, strlen(data), d) : 0, n;

	hex_decode(hdr, 8, h);
	atc_of(c, atc);
	if (cvn_script_command(cv, mk_smi, enc ? mk_smc : NULL, atc, arqc, k,
	    h, d, dn, out, sizeof out, &n) != 0)
		return 0;
	return exb(c, out, n);
}

/* One online transaction under each cryptogram version the issue names:
 * ARQC, ARPC (method 1 or 2) by EXTERNAL AUTHENTICATE, a script command
 * (Mastercard: MAC over ARQC + k), TC. */
static void
versions(void)
{
	static const uint8_t visa[] = { 0xA0, 0, 0, 0, 0x03, 0x10, 0x10 };
	static const uint8_t mc[] = { 0xA0, 0, 0, 0, 0x04, 0x10, 0x10 };
	static const struct {
		const char *name, *iad;
		int mc;
	} v[] = {
		{ "visa-cvn10", "06010A03A00000", 0 },
		{ "visa-cvn18", "06011203A00000", 0 },
		{ "mc-cvn16", "0110A00000000000000000000000000000FF", 1 },
		{ "mc-cvn20", "0114A00000000000000000000000000000FF", 1 },
	};
	const struct cvn *keep = cv;
	uint8_t arqc[8], ac[8], atc[2], d91[16], cmd[CARD_CMD_MAX];
	char d2[200], what[96];
	struct card *c;
	size_t i, n91;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		cv = cvn_by_name(v[i].name);
		c = v[i].mc ? mkcard_as(mc, sizeof mc, v[i].iad) :
		    mkcard_as(visa, sizeof visa, v[i].iad);
		ex(c, v[i].mc ? "00A4040007A0000000041010" :
		    "00A4040007A0000000031010");
		ex(c, "80A800000483020840");
		snprintf(what, sizeof what, "%s: ARQC right", v[i].name);
		CHECK_INT(genac(c, 0x80, NULL, arqc), 0x80, what);
		atc_of(c, atc);
		cvn_issuer_auth(cv, mk_ac, atc, NULL, arqc, cv->arpc_method == 1 ?
		    (const uint8_t *)"00" : (const uint8_t *)"\0\0\0\0", cv->arpc_method == 1 ? 2 :
		    4, d91, sizeof d91, &n91);
		memcpy(cmd, "\x00\x82\x00\x00", 4);
		cmd[4] = (uint8_t)n91;
		memcpy(cmd + 5, d91, n91);
		snprintf(what, sizeof what, "%s: ARPC method %d accepted",
		    v[i].name, cv->arpc_method);
		CHECK_INT(exb(c, cmd, 5 + n91), 0x9000, what);
		snprintf(what, sizeof what, "%s: script MAC (second command)",
		    v[i].name);
		CHECK_INT(script(c, "84180000", NULL, arqc, 0, 0), 0x9000, what);
		CHECK_INT(script(c, "84180000", NULL, arqc, 1, 0), 0x9000, what);
		snprintf(d2, sizeof d2, "3030%s0000000000000000", cdol1);
		snprintf(what, sizeof what, "%s: TC right", v[i].name);
		CHECK_INT(genac(c, 0x40, d2, ac), 0x40, what);
		card_free(c);
		free(c);
	}
	cv = keep;
}

static void
transaction(void)
{
	struct card *c = mkcard();
	uint8_t arqc[8], ac[8], atc[2], d91[16], cmd[CARD_CMD_MAX];
	char d2[200], h[64];
	const uint8_t *v;
	size_t n, n91;

	CHECK_INT(ex(c, "00A4"), 0x6700, "apdu: 2 bytes: 6700");
	CHECK_INT(ex(c, "80CA9F36000000"), 0x6700, "apdu: extended Lc: 6700");
	CHECK_INT(ex(c, "80CA9F3603AABB"), 0x6700, "apdu: Lc longer than data");
	CHECK_INT(ex(c, "00A404000E325041592E5359532E4444463031"), 0x9000,
	    "select PPSE");
	hex_encode(rsp, rlen, d2);
	CHECK_STR(d2, "6F30840E325041592E5359532E4444463031A51EBF0C1B6119"
	    "4F07A0000000031010500B56495341204352454449548701019000",
	    "PPSE: the entry from the FCI");
	put(c, 0x9103, "A50B500956495341204354534C");
	ex(c, "00A404000E325041592E5359532E4444463031");
	v = rtag(0x50, &n);
	CHECK(v != NULL && n == 9 && memcmp(v, "VISA CTSL", 9) == 0,
	    "PPSE: the label of the contactless FCI (9103)");
	CHECK_INT(ex(c, "00A404000E315041592E5359532E4444463031"), 0x9000,
	    "select PSE");
	CHECK_INT(ex(c, "00B2010C00"), 0x9000, "PSE: directory record");
	v = rtag(0x50, &n);
	CHECK(v != NULL && n == 11, "PSE: the contact label");
	CHECK_INT(ex(c, "00B2020C00"), 0x6A83, "PSE: one record only");
	CHECK_INT(ex(c, "00A4040007A0000000031010"), 0x9000, "select");
	CHECK_INT(ex(c, "00A4040007A000000003101000"), 0x9000, "select, Le 00");
	CHECK_INT(ex(c, "00A4040007A000000003101010"), 0x6C28,
	    "select, Le too short: 6Cxx with the length");
	CHECK_INT(ex(c, "80A800000483020840"), 0x9000, "GPO");
	CHECK_INT(c->atc, 1, "GPO: ATC 1");
	/* First GENERATE AC: an ARQC the host recomputes. */
	CHECK_INT(genac(c, 0x80, NULL, arqc), 0x80, "GEN AC 1: ARQC, AC right");
	CHECK(c->risk & CARD_R_ONLINE_INCOMPLETE, "GEN AC 1: online pending");
	v = rtag(0x9F10, &n);
	CHECK(v != NULL && n == 7 && v[4] == 0xA0,
	    "GEN AC 1: CVR: ARQC, second AC not requested, PIN not verified");
	/* EXTERNAL AUTHENTICATE with the issuer's ARPC (method 1). */
	atc_of(c, atc);
	CHECK_INT(cvn_issuer_auth(cv, mk_ac, atc, NULL, arqc,
	    (const uint8_t *)"00", 2, d91, sizeof d91, &n91), 0, "host: ARPC");
	memcpy(cmd, "\x00\x82\x00\x00", 4);
	cmd[4] = (uint8_t)n91;
	memcpy(cmd + 5, d91, n91);
	CHECK_INT(exb(c, cmd, 5 + n91), 0x9000, "EXT AUTH: the ARPC checks");
	CHECK_INT(exb(c, cmd, 5 + n91), 0x6985, "EXT AUTH: once only");
	/* Scripts before the second GENERATE AC. */
	CHECK_INT(script(c, "841E0000", NULL, arqc, 0, 0), 0x9000,
	    "script: APPLICATION BLOCK");
	CHECK_INT(c->app, CARD_APP_BLOCKED, "script: the application is blocked");
	arqc[0] ^= 1;
	CHECK_INT(script(c, "84180000", NULL, arqc, 1, 0), 0x6988,
	    "script: a MAC over another ARQC: 6988");
	arqc[0] ^= 1;
	CHECK_INT(script(c, "84180000", NULL, arqc, 1, 0), 0x9000,
	    "script: APPLICATION UNBLOCK");
	CHECK_INT(c->app, CARD_APP_PERSONALIZED, "script: unblocked");
	CHECK_INT(script(c, "04DA9F14", "07", arqc, 2, 0), 0x9000,
	    "script: PUT DATA 9F14");
	CHECK(card_find_tag(c, 0x9F14, &v, &n) && n == 1 && v[0] == 7,
	    "script: PUT DATA: the new lower limit");
	CHECK_INT(script(c, "04DA9F14", "0708", arqc, 3, 0), 0x6A80,
	    "script: PUT DATA of another length: 6A80");
	CHECK_INT(script(c, "04DC010C", "70045F200141", arqc, 4, 0), 0x9000,
	    "script: UPDATE RECORD");
	CHECK_INT(script(c, "84240002", NULL, arqc, 5, 0), 0x6A80,
	    "script: PIN CHANGE without data: 6A80");
	atc_of(c, atc);
	n = 0;
	CHECK_INT(cvn_pin_change(cv, mk_ac, mk_smi, mk_smc, atc, arqc, 6,
	    "4321", 4, NULL, 0, cmd, sizeof cmd, &n), 0, "host: PIN CHANGE");
	CHECK_INT(exb(c, cmd, n), 0x9000, "script: PIN CHANGE");
	/* Second GENERATE AC: a TC. */
	snprintf(d2, sizeof d2, "3030%s0000000000000000", cdol1);
	CHECK_INT(genac(c, 0x40, d2, ac), 0x40, "GEN AC 2: TC, AC right");
	CHECK(!(c->risk & CARD_R_ONLINE_INCOMPLETE), "GEN AC 2: online done");
	CHECK_INT(c->lonatc, 1, "GEN AC 2: last online ATC");
	snprintf(d2, sizeof d2, "80AE40001D%s00", cdol1);
	CHECK_INT(ex(c, d2), 0x6985, "GEN AC 3: 6985");
	CHECK_INT(ex(c, "00B2010C00"), 0x9000, "READ RECORD after UPDATE");
	hex_encode(rsp, rlen, h);
	CHECK_STR(h, "70045F2001419000", "READ RECORD: the new record");
	/* The new PIN. */
	CHECK_INT(ex(c, "0020008008241234FFFFFFFFFF"), 0x63C2, "old PIN: 63C2");
	CHECK_INT(ex(c, "0020008008244321FFFFFFFFFF"), 0x9000, "new PIN");
	CHECK_INT(c->ptc, 3, "a right PIN resets the try counter");
	/* A second transaction: a script without an ARQC; CARD BLOCK. */
	CHECK_INT(ex(c, "00A4040007A0000000031010"), 0x9000, "select again");
	c->atc = 20;	/* 19 offline transactions since the last online */
	CHECK_INT(ex(c, "80A800000483020840"), 0x9000, "GPO 2");
	CHECK_INT(script(c, "84160000", NULL, arqc, 0, 0), 0x6985,
	    "script before GENERATE AC: 6985");
	CHECK_INT(genac(c, 0x40, NULL, ac), 0x80,
	    "GEN AC: a TC asked, ARQC given (over the lower offline limit)");
	memcpy(arqc, ac, 8);
	CHECK_INT(script(c, "84160000", NULL, arqc, 0, 0), 0x9000,
	    "script: CARD BLOCK");
	CHECK_INT(ex(c, "00A4040007A0000000031010"), 0x6A81,
	    "card blocked: SELECT 6A81");
	CHECK_INT(ex(c, "00A4040008A000000151000000"), 0x9000,
	    "card blocked: the ISD still answers");
	card_free(c);
	free(c);
}

/* The CRT DGIs of key pk, padded (ISO 9797-1 method 2) or not. */
static void
put_rsa(struct card *c, EVP_PKEY *pk, int padded)
{
	static const char *names[5] = { OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	    OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
	    OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_FACTOR1 };
	uint8_t v[160];
	BIGNUM *bn;
	size_t half = (size_t)EVP_PKEY_get_size(pk) / 2, n;
	int i;

	for (i = 0; i < 5; i++) {
		bn = NULL;
		EVP_PKEY_get_bn_param(pk, names[i], &bn);
		BN_bn2binpad(bn, v, (int)half);
		BN_clear_free(bn);
		n = half;
		if (padded) {
			memset(v + n, 0, 8);
			v[n] = 0x80;
			n += 8 - n % 8;
		}
		card_dgi_put(c, (uint16_t)(0x8201 + i), v, n);
	}
}

static void
oda(int padded)
{
	struct card *c = mkcard();
	struct oda_pub pub;
	struct oda_cda cda;
	EVP_PKEY *pk = oda_keygen(1024, 3);
	uint8_t dyn[ODA_NMAX], idn[8], tdhc[ODA_HASHLEN], ac[8], body[256];
	uint8_t plain[ODA_NMAX], ct[ODA_NMAX], cmd[CARD_CMD_MAX], chal[8];
	uint8_t atc[2], tdata[CVN_TDATA_LEN], d1[64];
	const uint8_t *sdad, *v, *iad;
	size_t n, idnlen, bn, iadlen, sn;
	char what[80];
	static const uint8_t cd1[] = { 0x9F, 0x02, 0x06, 0x9F, 0x03, 0x06, 0x9F,
	    0x1A, 0x02, 0x95, 0x05, 0x5F, 0x2A, 0x02, 0x9A, 0x03, 0x9C, 0x01,
	    0x9F, 0x37, 0x04 };

	put_rsa(c, pk, padded);
	oda_pub_from_pkey(&pub, pk);
	snprintf(what, sizeof what, "oda (%s CRT DGIs): perso accepts the key",
	    padded ? "padded" : "unpadded");
	CHECK_INT(cardemv_perso_done(c), SW_OK, what);
	card_power(c, 1);
	ex(c, "00A4040007A0000000031010");
	CHECK_INT(ex(c, "008800000411223344"), 0x9000, "DDA: INTERNAL AUTH");
	sdad = rtag(0x80, &n);
	CHECK(sdad != NULL && oda_dda_verify(&pub, sdad, n,
	    (const uint8_t *)"\x11\x22\x33\x44", 4, idn, &idnlen) == 0 &&
	    idnlen == 8, "DDA: the SDAD verifies under the ICC public key");
	/* Enciphered PIN: 7F || PIN block || challenge || random. */
	CHECK_INT(ex(c, "0084000000"), 0x9000, "GET CHALLENGE");
	CHECK_INT(rlen, 10, "GET CHALLENGE: 8 bytes");
	memcpy(chal, rsp, 8);
	memset(plain, 0x5A, sizeof plain);
	plain[0] = 0x7F;
	hex_decode("241234FFFFFFFFFF", 16, plain + 1);
	memcpy(plain + 9, chal, 8);
	oda_recover(&pub, plain, pub.nlen, ct);
	memcpy(cmd, "\x00\x20\x00\x88", 4);
	cmd[4] = (uint8_t)pub.nlen;
	memcpy(cmd + 5, ct, pub.nlen);
	CHECK_INT(exb(c, cmd, 5 + pub.nlen), 0x9000, "VERIFY enciphered PIN");
	CHECK_INT(exb(c, cmd, 5 + pub.nlen), 0x6985,
	    "VERIFY enciphered PIN: the challenge is used once");
	/* CDA on the first GENERATE AC. */
	ex(c, "80A800000483020840");
	snprintf((char *)body, sizeof body, "80AE90001D%s00", cdol1);
	CHECK_INT(ex(c, (char *)body), 0x9000, "CDA: GEN AC with P1 90");
	CHECK(rtag(0x9F26, &n) == NULL, "CDA: no 9F26 in the response");
	sdad = rtag(0x9F4B, &sn);
	iad = rtag(0x9F10, &iadlen);
	/* TDHC: PDOL data, CDOL1 data, the response objects but 9F4B. */
	bn = 0;
	v = rtag(0x9F27, &n);
	card_put_tlv(body, &bn, sizeof body, 0x9F27, v, n);
	v = rtag(0x9F36, &n);
	card_put_tlv(body, &bn, sizeof body, 0x9F36, v, n);
	card_put_tlv(body, &bn, sizeof body, 0x9F10, iad, iadlen);
	n = (size_t)hex_decode(cdol1, strlen(cdol1), d1);
	oda_cda_tdhc((const uint8_t *)"\x08\x40", 2, d1, n, NULL, 0, body, bn,
	    tdhc);
	CHECK(sdad != NULL && oda_cda_verify(&pub, sdad, sn, d1 + n - 4, 4,
	    0x80, tdhc, &cda) == 0, "CDA: the signature and TDHC verify");
	memcpy(ac, cda.ac, 8);
	atc_of(c, atc);
	CHECK(cvn_tdata(cd1, sizeof cd1, d1, n, NULL, 0, NULL, 0, tdata) == 0 &&
	    cvn_ac_verify(cv, mk_ac, atc, tdata + 25, tdata, sizeof tdata,
	    (const uint8_t *)"\x3C\x00", iad, iadlen, ac) == 0,
	    "CDA: the AC inside is the card's ARQC");
	EVP_PKEY_free(pk);
	card_free(c);
	free(c);
	(void)dyn;
}

static void
image(void)
{
	struct card *c = mkcard(), *d = calloc(1, sizeof *d);
	struct cardimg im;
	char dir[] = "/tmp/t-card.XXXXXX", path[64], err[256], *line = NULL;
	size_t cap = 0, i;
	FILE *fp;
	int ok;

	memset(&im, 0, sizeof im);
	if (mkdtemp(dir) == NULL)
		exit(3);
	snprintf(path, sizeof path, "%s/img", dir);
	im.path = path;
	snprintf(im.master, sizeof im.master, "chip");
	RAND_bytes(im.key, sizeof im.key);
	c->atc = 7;
	CHECK_INT(cardimg_save(&im, c, 1, err, sizeof err), 0, "image: saved");
	CHECK_INT(cardimg_save(&im, c, 1, err, sizeof err), -1,
	    "image: a new card never replaces one");
	CHECK_INT(cardimg_load(&im, d, err, sizeof err), 0, "image: loaded");
	ok = d->ndgi == c->ndgi && d->atc == 7 && d->ptc == 3 &&
	    memcmp(d->keys.enc, c->keys.enc, 16) == 0;
	for (i = 0; ok && i < c->ndgi; i++)
		ok = d->dgi[i].id == c->dgi[i].id && d->dgi[i].len ==
		    c->dgi[i].len && memcmp(d->dgi[i].val, c->dgi[i].val,
		    c->dgi[i].len) == 0;
	CHECK(ok, "image: the same card back");
	card_free(d);
	fp = fopen(path, "r");
	while (getline(&line, &cap, fp) > 0 && line[0] == '#')
		;
	fclose(fp);
	CHECK(strstr(line, "154F349D") == NULL && strstr(line, "241234FF") ==
	    NULL && strstr(line, "40414243") == NULL,
	    "image: no clear secret in it");
	/* Another chip key does not open it. */
	im.key[0] ^= 1;
	CHECK_INT(cardimg_load(&im, d, err, sizeof err), -1,
	    "image: another chip key fails");
	CHECK(strstr(err, "does not open under this chip key") != NULL,
	    "image: and says so");
	im.key[0] ^= 1;
	/* A sealed value moved to another field does not open. */
	{
		char *k8000 = strstr(line, " DGI8000="), *k8010 =
		    strstr(line, " DGI8010="), *swapped;
		size_t l1 = strcspn(k8000 + 9, " \n"), l2 = strcspn(k8010 + 9,
		    " \n");

		fp = fopen(path, "w");
		swapped = malloc(strlen(line) + 1);
		snprintf(swapped, strlen(line) + 1, "%.*s DGI8000=%.*s%s",
		    (int)(k8000 - line), line, (int)l2, k8010 + 9,
		    k8000 + 9 + l1);
		fputs(swapped, fp);
		fclose(fp);
		free(swapped);
		CHECK_INT(cardimg_load(&im, d, err, sizeof err), -1,
		    "image: a value moved to another DGI fails");
	}
	free(line);
	unlink(path);
	rmdir(dir);
	card_free(c);
	free(c);
	free(d);
}

static void
noise(void)
{
	struct card *c = mkcard();
	uint8_t cmd[CARD_CMD_MAX];
	size_t n, bad = 0;
	int i;

	/* Random commands under known headers never crash the card and
	 * always get a status word. */
	srand(1);
	for (i = 0; i < 20000; i++) {
		n = (size_t)(rand() % (CARD_CMD_MAX + 1));
		RAND_bytes(cmd, (int)n);
		if (n > 1 && i % 2)
			cmd[0] = (uint8_t[]){ 0x00, 0x80, 0x84, 0x04 }[rand() % 4];
		if (n > 2 && i % 3)
			cmd[1] = (uint8_t[]){ 0xA4, 0xA8, 0xAE, 0xB2, 0xCA,
			    0x20, 0x82, 0x88, 0x84, 0xE2, 0x50, 0x1E, 0x24,
			    0xDA, 0xDC }[rand() % 15];
		if (n > 4 && i % 5 == 0)
			cmd[4] = (uint8_t)(n - 5);
		rlen = card_apdu(c, cmd, n, rsp);
		bad += rlen < 2 || rlen > CARD_RSP_MAX;
	}
	CHECK_INT(bad, 0, "noise: 20000 random commands, all answered");
	card_free(c);
	free(c);
}

/* Card maker helpers: the -i spec, and the keys of a new card (V17:
 * KMC 4041..4F, KDD 00010203040506070809, EMV CPS and VISA2 KCVs). */
static void
maker(void)
{
	static const uint8_t kmc[16] = { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45,
	    0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F };
	static const uint8_t kdd[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t isd[] = { 0xA0, 0, 0, 0x01, 0x51, 0, 0, 0 };
	struct scp_keys k;
	uint8_t scp, i, kvn, kcv[3], d[10];
	char h[7], hd[21];

	CHECK(card_scp_parse("02", &scp, &i, &kvn) == 0 && scp == 2 &&
	    i == 0x15 && kvn == 1, "scp spec: 02 is 02:15:01");
	CHECK(card_scp_parse("03:10", &scp, &i, &kvn) == 0 && scp == 3 &&
	    i == 0x10 && kvn == 0x30, "scp spec: 03:10 is 03:10:30");
	CHECK(card_scp_parse("02:55:20", &scp, &i, &kvn) == 0 && i == 0x55 &&
	    kvn == 0x20, "scp spec: 02:55:20");
	CHECK(card_scp_parse("01", &scp, &i, &kvn) < 0 &&
	    card_scp_parse("02:", &scp, &i, &kvn) < 0 &&
	    card_scp_parse("02:15:80", &scp, &i, &kvn) < 0 &&
	    card_scp_parse("02:15:01:1", &scp, &i, &kvn) < 0,
	    "scp spec: bad ones refused");
	CHECK_INT(card_maker_keys("emv", SYM_3DES2, kmc, NULL, NULL, kdd, 2, 1,
	    &k), 0, "maker: EMV CPS keys");
	sym_kcv(SYM_3DES2, k.enc, kcv);
	hex_encode(kcv, 3, h);
	CHECK_STR(h, "C33013", "maker: EMV CPS ENC KCV (V17)");
	sym_kcv(SYM_3DES2, k.dek, kcv);
	hex_encode(kcv, 3, h);
	CHECK_STR(h, "BB8179", "maker: EMV CPS DEK KCV (V17)");
	CHECK_INT(card_maker_keys("visa2", SYM_3DES2, kmc, NULL, NULL, kdd, 2,
	    1, &k), 0, "maker: VISA2 keys");
	sym_kcv(SYM_3DES2, k.mac, kcv);
	hex_encode(kcv, 3, h);
	CHECK_STR(h, "58DA38", "maker: VISA2 MAC KCV (V17)");
	CHECK_INT(card_maker_keys("emv", SYM_3DES2, kmc, NULL, NULL, kdd, 3, 1,
	    &k), -2, "maker: DES keys for SCP03 refused");
	CHECK_INT(card_maker_keys("nope", SYM_3DES2, kmc, NULL, NULL, kdd, 2, 1,
	    &k), -1, "maker: unknown method");
	card_kdd(isd, sizeof isd, (const uint8_t *)"\x12\x34\x56\x78", d);
	hex_encode(d, 10, hd);
	CHECK_STR(hd, "00006001123456780001", "maker: KDD: AID end, "
	    "fabrication date, serial, batch");
	scp_keys_clear(&k);
}

int
main(void)
{
	hex_decode(mkhex, 96, mk);
	cv = cvn_by_name("visa-cvn10");
	maker();
	transaction();
	versions();
	oda(0);
	oda(1);
	image();
	noise();
	return unit_done();
}
