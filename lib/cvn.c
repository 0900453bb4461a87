/* cvn.c: the cryptogram version registry and the EMV symmetric card
 * cryptography of each version, EMV 4.4 Book 2, 8, 9 and A1 (see cvn.h).
 * Ciphers are lib/sym's, master keys lib/derive's, script formats
 * lib/emvsm's. */
#include <string.h>

#include <openssl/crypto.h>

#include "cvn.h"
#include "derive.h"
#include "pinblock.h"

static const struct cvn registry[] = {
	/* Visa VIS: pyemv cvn.py VisaCVN10 and VisaCVN18, jPOS
	 * VISACryptogram (CVN 10: no session key, zero padding, the CVR
	 * with its length byte; CVN 18: Option B, CSK, the whole IAD, ARPC
	 * method 2). */
	{ "visa-cvn10", CVN_VISA, 0x0A, 'A', CVN_SKD_NONE, SYM_PAD1,
	    CVN_ACD_CVR4, 1, 0, CVN_IAD_VIS, 7, 3, CVN_SMK_VISA, EMVSM_VISA,
	    0, CVN_PIN_VIS },
	{ "visa-cvn18", CVN_VISA, 0x12, 'B', CVN_SKD_CSK, SYM_PAD2,
	    CVN_ACD_IAD, 2, 1, CVN_IAD_VIS, 7, 3, CVN_SMK_VISA, EMVSM_VISA,
	    0, CVN_PIN_VIS },
	/* M/Chip: the CVN byte says it all (0001 0 kk c: kk 00 SKD, 10
	 * CSK; c counters in the AC); ARPC method 1, under MK-AC with SKD
	 * and under the CSK otherwise (pyemv MasterCardCVN16-21). */
	{ "mc-cvn16", CVN_MASTERCARD, 0x10, 'A', CVN_SKD_MC, SYM_PAD2,
	    CVN_ACD_CVR, 1, 0, CVN_IAD_MCHIP, 18, 6, CVN_SMK_CSK,
	    EMVSM_MASTERCARD, 1, CVN_PIN_ISO2 },
	{ "mc-cvn17", CVN_MASTERCARD, 0x11, 'A', CVN_SKD_MC, SYM_PAD2,
	    CVN_ACD_CVR_CTR, 1, 0, CVN_IAD_MCHIP, 18, 6, CVN_SMK_CSK,
	    EMVSM_MASTERCARD, 1, CVN_PIN_ISO2 },
	{ "mc-cvn20", CVN_MASTERCARD, 0x14, 'A', CVN_SKD_CSK, SYM_PAD2,
	    CVN_ACD_CVR, 1, 1, CVN_IAD_MCHIP, 18, 6, CVN_SMK_CSK,
	    EMVSM_MASTERCARD, 1, CVN_PIN_ISO2 },
	{ "mc-cvn21", CVN_MASTERCARD, 0x15, 'A', CVN_SKD_CSK, SYM_PAD2,
	    CVN_ACD_CVR_CTR, 1, 1, CVN_IAD_MCHIP, 18, 6, CVN_SMK_CSK,
	    EMVSM_MASTERCARD, 1, CVN_PIN_ISO2 }
};

#define NREG (sizeof registry / sizeof registry[0])

const struct dol_entry cvn_tdata_dol[8] = {
	{ 0x9F02, 6 }, { 0x9F03, 6 }, { 0x9F1A, 2 }, { 0x95, 5 },
	{ 0x5F2A, 2 }, { 0x9A, 3 }, { 0x9C, 1 }, { 0x9F37, 4 }
};

const char *
cvn_strerror(int code)
{
	switch (code) {
	case CVN_EIAD:
		return "issuer application data not in the scheme's layout";
	case CVN_EUNKNOWN:
		return "cryptogram version not supported";
	case CVN_EMAC:
		return "cryptogram or MAC does not match";
	case CVN_EDOL:
		return "terminal data missing or malformed";
	case CVN_EPAD:
		return "deciphered data has a bad length or padding";
	case CVN_EPIN:
		return "PIN block does not decode";
	}
	return "internal error";
}

const struct cvn *
cvn_lookup(enum cvn_scheme scheme, unsigned cvn)
{
	size_t i;

	for (i = 0; i < NREG; i++)
		if (registry[i].scheme == scheme && registry[i].cvn == cvn)
			return &registry[i];
	return NULL;
}

const struct cvn *
cvn_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NREG; i++)
		if (strcmp(registry[i].name, name) == 0)
			return &registry[i];
	return NULL;
}

const struct cvn *
cvn_at(size_t i)
{
	return i < NREG ? &registry[i] : NULL;
}

int
cvn_scheme_of_aid(const uint8_t *aid, size_t n)
{
	static const uint8_t rid[4] = { 0xA0, 0x00, 0x00, 0x00 };

	if (n < 5 || memcmp(aid, rid, 4) != 0)
		return 0;
	return aid[4] == 0x03 ? CVN_VISA : aid[4] == 0x04 ? CVN_MASTERCARD : 0;
}

int
cvn_derive_mk(const struct cvn *c, const uint8_t imk[16], const char *pan,
    size_t pandigits, const char *psn2, uint8_t mk[16])
{
	if (c->mkd == 'B')
		return derive_option_b(imk, pan, pandigits, psn2, mk);
	return derive_option_a(imk, pan, pandigits, psn2, mk);
}

int
cvn_csk(const uint8_t mk[16], const uint8_t r[8], uint8_t sk[16])
{
	uint8_t in[16];
	int rc;

	memcpy(in, r, 8);
	memcpy(in + 8, r, 8);
	in[2] = 0xF0;
	in[10] = 0x0F;
	rc = sym_ecb(SYM_3DES2, mk, in, sk, 16, 1);
	explicit_bzero(in, sizeof in);
	if (rc < 0) {
		explicit_bzero(sk, 16);
		return -1;
	}
	sym_des_parity(sk, 16);
	return 0;
}

int
cvn_visa_smk(const uint8_t mk[16], const uint8_t atc[2], uint8_t sk[16])
{
	memmove(sk, mk, 16);
	sk[6] ^= atc[0];
	sk[7] ^= atc[1];
	sk[14] ^= (uint8_t)~atc[0];
	sk[15] ^= (uint8_t)~atc[1];
	sym_des_parity(sk, 16);
	return 0;
}

int
cvn_session_key(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, uint8_t sk[16])
{
	uint8_t r[8] = { 0 };

	switch (c->skd) {
	case CVN_SKD_NONE:
		memmove(sk, mk_ac, 16);
		return 0;
	case CVN_SKD_CSK:
		break;
	case CVN_SKD_MC:
		if (un == NULL)
			return -1;
		memcpy(r + 4, un, 4);
		break;
	}
	memcpy(r, atc, 2);
	return cvn_csk(mk_ac, r, sk);
}

/* --- Issuer Application Data --- */

static int
fits_visa(const uint8_t *iad, size_t n)
{
	if (n == 32 && iad[0] == 0x1F)
		return 1;
	return n >= 7 && n <= 23 && iad[0] == 0x06 && iad[3] == 0x03 &&
	    (n == 7 || (size_t)iad[7] == n - 8);
}

static int
fits_mchip(size_t n)
{
	return n == 18 || n == 20 || n == 26 || n == 28;
}

int
cvn_iad_build(const struct cvn *c, const struct cvn_iad *in, uint8_t *out,
    size_t cap, size_t *len)
{
	size_t n;

	if (c->iad == CVN_IAD_VIS) {
		if (in->cvrlen != 3 || in->iddlen > 15)
			return -1;
		n = 7 + (in->iddlen ? 1 + in->iddlen : 0);
		if (n > cap)
			return -1;
		out[0] = 0x06;
		out[1] = in->dki;
		out[2] = c->cvn;
		out[3] = 0x03;
		memcpy(out + 4, in->cvr, 3);
		if (in->iddlen) {
			out[7] = (uint8_t)in->iddlen;
			memcpy(out + 8, in->idd, in->iddlen);
		}
	} else {
		if (in->cvrlen != 6 || in->ctrlen != 8 || cap < 18)
			return -1;
		n = 18;
		out[0] = in->dki;
		out[1] = c->cvn;
		memcpy(out + 2, in->cvr, 6);
		memcpy(out + 8, in->dac, 2);
		memcpy(out + 10, in->counters, 8);
	}
	*len = n;
	return 0;
}

static void
parse_visa(const uint8_t *iad, size_t n, struct cvn_iad *o)
{
	if (n == 32) {		/* format 2: 1F CVN DKI CVR(5) IDD */
		o->cvn = iad[1];
		o->dki = iad[2];
		o->cvrlen = 5;
		memcpy(o->cvr, iad + 3, 5);
		o->iddlen = 24;
		memcpy(o->idd, iad + 8, 24);
		return;
	}
	o->dki = iad[1];
	o->cvn = iad[2];
	o->cvrlen = 3;
	memcpy(o->cvr, iad + 4, 3);
	if (n > 7) {
		o->iddlen = iad[7];
		memcpy(o->idd, iad + 8, o->iddlen);
	}
}

static void
parse_mchip(const uint8_t *iad, size_t n, struct cvn_iad *o)
{
	o->dki = iad[0];
	o->cvn = iad[1];
	o->cvrlen = 6;
	memcpy(o->cvr, iad + 2, 6);
	memcpy(o->dac, iad + 8, 2);
	o->ctrlen = n <= 20 ? 8 : 16;
	memcpy(o->counters, iad + 10, o->ctrlen);
	if (n == 20 || n == 28) {
		memcpy(o->last_online_atc, iad + n - 2, 2);
		o->has_last_online_atc = 1;
	}
}

int
cvn_iad_parse(int scheme, const uint8_t *iad, size_t n, struct cvn_iad *out,
    const struct cvn **c)
{
	int v = fits_visa(iad, n), m = fits_mchip(n);
	const struct cvn *e;

	memset(out, 0, sizeof *out);
	*c = NULL;
	if (scheme == 0) {
		if (v == m)
			return CVN_EIAD;
		scheme = v ? CVN_VISA : CVN_MASTERCARD;
	}
	if (scheme == CVN_VISA && v)
		parse_visa(iad, n, out);
	else if (scheme == CVN_MASTERCARD && m)
		parse_mchip(iad, n, out);
	else
		return CVN_EIAD;
	if ((e = cvn_lookup((enum cvn_scheme)scheme, out->cvn)) == NULL)
		return CVN_EUNKNOWN;
	/* A registry CVN in another layout of its scheme (Visa format 2). */
	if (e->cvrlen != out->cvrlen)
		return CVN_EIAD;
	*c = e;
	return 0;
}

/* --- Application cryptograms --- */

/* Offset of tag's value in the DOL-related data, or -1 if the DOL does
 * not name it; CVN_EDOL-worthy faults give -2. */
static long
dol_find(const uint8_t *dol, size_t dollen, size_t datalen,
    const struct dol_entry *want)
{
	const uint8_t *p = dol, *end = dol + dollen;
	struct dol_entry e;
	size_t off = 0;
	int rc;

	while ((rc = dol_next(&p, end, &e)) == 1) {
		if (e.tag == want->tag)
			return e.len == want->len && off + e.len <= datalen ?
			    (long)off : -2;
		off += e.len;
	}
	return rc == 0 ? -1 : -2;
}

int
cvn_tdata(const uint8_t *cdol1, size_t cdol1len, const uint8_t *d1,
    size_t d1len, const uint8_t *cdol2, size_t cdol2len, const uint8_t *d2,
    size_t d2len, uint8_t out[CVN_TDATA_LEN])
{
	size_t i, o = 0;
	long off;

	for (i = 0; i < 8; i++) {
		const struct dol_entry *e = &cvn_tdata_dol[i];

		off = cdol2 != NULL ? dol_find(cdol2, cdol2len, d2len, e) : -1;
		if (off >= 0)
			memcpy(out + o, d2 + off, e->len);
		else if (off == -1 &&
		    (off = dol_find(cdol1, cdol1len, d1len, e)) >= 0)
			memcpy(out + o, d1 + off, e->len);
		else
			return CVN_EDOL;
		o += e->len;
	}
	return 0;
}

int
cvn_tdata_tlv(const uint8_t *tlv, size_t n, uint8_t out[CVN_TDATA_LEN])
{
	struct tlv t;
	size_t i, o = 0;

	for (i = 0; i < 8; i++) {
		if (tlv_find(tlv, n, cvn_tdata_dol[i].tag, &t) != 1 ||
		    t.len != cvn_tdata_dol[i].len)
			return CVN_EDOL;
		memcpy(out + o, t.val, t.len);
		o += t.len;
	}
	return 0;
}

int
cvn_ac_input(const struct cvn *c, const uint8_t *tdata, size_t tlen,
    const uint8_t aip[2], const uint8_t atc[2], const uint8_t *iad,
    size_t iadlen, uint8_t *out, size_t cap, size_t *len)
{
	struct cvn_iad p;
	const struct cvn *e;
	const uint8_t *card;
	size_t cn;
	int rc;

	if ((rc = cvn_iad_parse(c->scheme, iad, iadlen, &p, &e)) != 0)
		return rc == CVN_EUNKNOWN ? CVN_EIAD : rc;
	if (e != c)
		return CVN_EIAD;
	switch (c->acdata) {
	case CVN_ACD_CVR4:
		card = iad + 3;
		cn = 4;
		break;
	case CVN_ACD_IAD:
		card = iad;
		cn = iadlen;
		break;
	default:
		card = iad + 2;
		cn = 6;
		break;
	}
	if (tlen + 4 + cn + (c->acdata == CVN_ACD_CVR_CTR ? p.ctrlen : 0) > cap)
		return -1;
	memcpy(out, tdata, tlen);
	memcpy(out + tlen, aip, 2);
	memcpy(out + tlen + 2, atc, 2);
	memcpy(out + tlen + 4, card, cn);
	*len = tlen + 4 + cn;
	if (c->acdata == CVN_ACD_CVR_CTR) {
		memcpy(out + *len, p.counters, p.ctrlen);
		*len += p.ctrlen;
	}
	return 0;
}

int
cvn_ac_mac(const struct cvn *c, const uint8_t mk_ac[16], const uint8_t atc[2],
    const uint8_t *un, const uint8_t *msg, size_t n, uint8_t ac[8])
{
	uint8_t sk[16];
	int rc;

	if ((rc = cvn_session_key(c, mk_ac, atc, un, sk)) == 0)
		rc = sym_mac3(sk, c->pad, msg, n, ac);
	explicit_bzero(sk, sizeof sk);
	return rc;
}

int
cvn_ac(const struct cvn *c, const uint8_t mk_ac[16], const uint8_t atc[2],
    const uint8_t *un, const uint8_t *tdata, size_t tlen,
    const uint8_t aip[2], const uint8_t *iad, size_t iadlen, uint8_t ac[8])
{
	uint8_t msg[CVN_ACMSG_MAX];
	size_t n;
	int rc;

	rc = cvn_ac_input(c, tdata, tlen, aip, atc, iad, iadlen, msg,
	    sizeof msg, &n);
	if (rc == 0)
		rc = cvn_ac_mac(c, mk_ac, atc, un, msg, n, ac);
	return rc;
}

int
cvn_ac_verify(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, const uint8_t *tdata,
    size_t tlen, const uint8_t aip[2], const uint8_t *iad, size_t iadlen,
    const uint8_t ac[8])
{
	uint8_t want[8];
	int rc;

	rc = cvn_ac(c, mk_ac, atc, un, tdata, tlen, aip, iad, iadlen, want);
	if (rc == 0 && CRYPTO_memcmp(want, ac, 8) != 0)
		rc = CVN_EMAC;
	explicit_bzero(want, sizeof want);
	return rc;
}

/* --- Issuer authentication --- */

int
cvn_arpc1(const uint8_t key[16], const uint8_t arqc[8], const uint8_t arc[2],
    uint8_t arpc[8])
{
	uint8_t b[8];
	int rc;

	memcpy(b, arqc, 8);
	b[0] ^= arc[0];
	b[1] ^= arc[1];
	rc = sym_ecb(SYM_3DES2, key, b, arpc, 8, 1);
	explicit_bzero(b, sizeof b);
	return rc;
}

int
cvn_arpc2(const uint8_t key[16], const uint8_t arqc[8], const uint8_t csu[4],
    const uint8_t *pad, size_t padlen, uint8_t arpc[4])
{
	uint8_t msg[20], mac[8];
	int rc;

	if (padlen > 8)
		return -1;
	memcpy(msg, arqc, 8);
	memcpy(msg + 8, csu, 4);
	if (padlen)
		memcpy(msg + 12, pad, padlen);
	rc = sym_mac3(key, SYM_PAD2, msg, 12 + padlen, mac);
	memcpy(arpc, mac, 4);
	explicit_bzero(mac, sizeof mac);
	return rc;
}

int
cvn_arpc(const struct cvn *c, const uint8_t mk_ac[16], const uint8_t atc[2],
    const uint8_t *un, const uint8_t arqc[8], const uint8_t *resp,
    size_t rlen, uint8_t arpc[8], size_t *arpclen)
{
	uint8_t key[16];
	int rc;

	if (c->arpc_method == 1 ? rlen != 2 : (rlen < 4 || rlen > 12))
		return -1;
	if (c->arpc_sk)
		rc = cvn_session_key(c, mk_ac, atc, un, key);
	else {
		memcpy(key, mk_ac, 16);
		rc = 0;
	}
	if (rc == 0 && c->arpc_method == 1) {
		rc = cvn_arpc1(key, arqc, resp, arpc);
		*arpclen = 8;
	} else if (rc == 0) {
		rc = cvn_arpc2(key, arqc, resp, resp + 4, rlen - 4, arpc);
		*arpclen = 4;
	}
	explicit_bzero(key, sizeof key);
	return rc;
}

int
cvn_issuer_auth(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, const uint8_t arqc[8],
    const uint8_t *resp, size_t rlen, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t arpc[8];
	size_t al;
	int rc;

	if ((rc = cvn_arpc(c, mk_ac, atc, un, arqc, resp, rlen, arpc, &al)) != 0)
		return rc;
	if (al + rlen > cap)
		return -1;
	memcpy(out, arpc, al);
	memcpy(out + al, resp, rlen);
	*len = al + rlen;
	return 0;
}

int
cvn_issuer_answer(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, const uint8_t arqc[8],
    const uint8_t arc[2], int approve, uint8_t *out, size_t cap,
    size_t *len)
{
	uint8_t csu[4] = { 0, 0, 0, 0 };

	if (c->arpc_method == 1)
		return cvn_issuer_auth(c, mk_ac, atc, un, arqc, arc, 2, out,
		    cap, len);
	csu[1] = approve ? 0x80 : 0x00;
	return cvn_issuer_auth(c, mk_ac, atc, un, arqc, csu, 4, out, cap,
	    len);
}

int
cvn_issuer_auth_check(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t atc[2], const uint8_t *un, const uint8_t arqc[8],
    const uint8_t *d91, size_t n)
{
	uint8_t arpc[8];
	size_t al = c->arpc_method == 1 ? 8 : 4, l;
	int rc;

	if (c->arpc_method == 1 ? n != 10 : (n < 8 || n > 16))
		return CVN_EMAC;
	rc = cvn_arpc(c, mk_ac, atc, un, arqc, d91 + al, n - al, arpc, &l);
	if (rc == 0 && CRYPTO_memcmp(arpc, d91, al) != 0)
		rc = CVN_EMAC;
	explicit_bzero(arpc, sizeof arpc);
	return rc;
}

/* --- Issuer scripts --- */

/* The ARQC value command k MACs and derives from. */
static void
script_arqc(const struct cvn *c, const uint8_t arqc[8], unsigned k,
    uint8_t out[8])
{
	emvsm_arqc_add(arqc, c->arqc_step ? k : 0, out);
}

int
cvn_sm_key(const struct cvn *c, const uint8_t mk_sm[16], const uint8_t atc[2],
    const uint8_t arqc[8], unsigned k, uint8_t sk[16])
{
	uint8_t r[8];

	if (c->smk == CVN_SMK_VISA)
		return cvn_visa_smk(mk_sm, atc, sk);
	script_arqc(c, arqc, k, r);
	return cvn_csk(mk_sm, r, sk);
}

int
cvn_script_mac(const struct cvn *c, const uint8_t mk_smi[16],
    const uint8_t atc[2], const uint8_t arqc[8], unsigned k,
    const uint8_t *cmd, size_t n, uint8_t mac[EMVSM_MACLEN])
{
	uint8_t sk[16], a[8];
	int rc;

	script_arqc(c, arqc, k, a);
	if ((rc = cvn_sm_key(c, mk_smi, atc, arqc, k, sk)) == 0)
		rc = emvsm_mac(sk, cmd, n, atc, a, mac);
	explicit_bzero(sk, sizeof sk);
	return rc;
}

int
cvn_script_encrypt(const struct cvn *c, const uint8_t mk_smc[16],
    const uint8_t atc[2], const uint8_t arqc[8], unsigned k,
    const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t sk[16];
	int rc;

	if ((rc = cvn_sm_key(c, mk_smc, atc, arqc, k, sk)) == 0)
		rc = emvsm_encrypt(c->enc, sk, in, n, out, cap, len);
	explicit_bzero(sk, sizeof sk);
	return rc;
}

int
cvn_script_decrypt(const struct cvn *c, const uint8_t mk_smc[16],
    const uint8_t atc[2], const uint8_t arqc[8], unsigned k,
    const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t sk[16];
	int rc;

	if ((rc = cvn_sm_key(c, mk_smc, atc, arqc, k, sk)) == 0)
		rc = emvsm_decrypt(c->enc, sk, in, n, out, cap, len);
	explicit_bzero(sk, sizeof sk);
	return rc == EMVSM_EPAD ? CVN_EPAD : rc;
}

int
cvn_script_command(const struct cvn *c, const uint8_t mk_smi[16],
    const uint8_t *mk_smc, const uint8_t atc[2], const uint8_t arqc[8],
    unsigned k, const uint8_t hdr[4], const uint8_t *data, size_t n,
    uint8_t *out, size_t cap, size_t *len)
{
	size_t dl = n;
	int rc;

	if (mk_smc != NULL ? emvsm_enclen(c->enc, n) + 13 > cap :
	    n + 13 > cap)
		return -1;
	if (mk_smc != NULL) {
		rc = cvn_script_encrypt(c, mk_smc, atc, arqc, k, data, n,
		    out + 5, cap - 5, &dl);
		if (rc != 0)
			return rc;
	} else if (n > 0)
		memcpy(out + 5, data, n);
	if (dl + EMVSM_MACLEN > 255)
		return -1;
	memcpy(out, hdr, 4);
	out[4] = (uint8_t)(dl + EMVSM_MACLEN);
	rc = cvn_script_mac(c, mk_smi, atc, arqc, k, out, 5 + dl, out + 5 + dl);
	if (rc == 0)
		*len = 5 + dl + EMVSM_MACLEN;
	return rc;
}

int
cvn_script_check(const struct cvn *c, const uint8_t mk_smi[16],
    const uint8_t atc[2], const uint8_t arqc[8], unsigned k,
    const uint8_t *apdu, size_t n)
{
	uint8_t mac[EMVSM_MACLEN];
	int rc;

	if (n < 5 + EMVSM_MACLEN || n > 5 + 255 || apdu[4] != n - 5)
		return CVN_EMAC;
	rc = cvn_script_mac(c, mk_smi, atc, arqc, k, apdu, n - EMVSM_MACLEN,
	    mac);
	if (rc == 0 && CRYPTO_memcmp(mac, apdu + n - EMVSM_MACLEN,
	    EMVSM_MACLEN) != 0)
		rc = CVN_EMAC;
	explicit_bzero(mac, sizeof mac);
	return rc;
}

int
cvn_pin_change(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t mk_smi[16], const uint8_t mk_smc[16], const uint8_t atc[2],
    const uint8_t arqc[8], unsigned k, const char *pin, size_t pinlen,
    const char *cur, size_t curlen, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t hdr[4] = { 0x84, 0x24, 0x00, 0x02 }, block[8];
	int rc;

	if (c->pinfmt == CVN_PIN_VIS) {
		rc = emvsm_vis_pinblock(mk_ac, pin, pinlen, cur, curlen, block);
		if (cur != NULL)
			hdr[3] = 0x01;
	} else if (cur != NULL)
		rc = -1;
	else if ((rc = pinblock_encode(2, pin, pinlen, NULL, 0, NULL,
	    block)) != 0)
		rc = -1;
	if (rc == 0)
		rc = cvn_script_command(c, mk_smi, mk_smc, atc, arqc, k, hdr,
		    block, 8, out, cap, len);
	explicit_bzero(block, sizeof block);
	return rc;
}

int
cvn_pin_change_open(const struct cvn *c, const uint8_t mk_ac[16],
    const uint8_t mk_smc[16], const uint8_t atc[2], const uint8_t arqc[8],
    unsigned k, const uint8_t *apdu, size_t n, const char *cur,
    size_t curlen, char pin[13], size_t *pinlen)
{
	uint8_t clear[256];
	size_t cl;
	int fmt, rc, withcur;

	if (n < 5 + 8 + EMVSM_MACLEN || n > 5 + 255 || apdu[1] != 0x24)
		return CVN_EPIN;
	withcur = apdu[3] == 0x01;
	if (withcur && (c->pinfmt != CVN_PIN_VIS || cur == NULL))
		return c->pinfmt == CVN_PIN_VIS ? -1 : CVN_EPIN;
	rc = cvn_script_decrypt(c, mk_smc, atc, arqc, k, apdu + 5,
	    n - 5 - EMVSM_MACLEN, clear, sizeof clear, &cl);
	if (rc == CVN_EPAD)
		rc = CVN_EPIN;
	if (rc != 0)
		goto out;
	rc = CVN_EPIN;
	if (c->pinfmt == CVN_PIN_VIS) {
		if (cl == 8 && emvsm_vis_pindecode(mk_ac, clear,
		    withcur ? cur : NULL, curlen, pin, pinlen) == 0)
			rc = 0;
	} else if (cl >= 8 && pinblock_decode(clear, NULL, 0, &fmt, pin,
	    pinlen) == 0 && fmt == 2)
		rc = 0;
	else
		explicit_bzero(pin, 13);
out:
	explicit_bzero(clear, sizeof clear);
	return rc;
}

/* --- Card Verification Results --- */

static const unsigned vis_flags[CVN_CVR_NFLAGS] = {
	[CVN_CVR_PIN_PERFORMED] = CVN_VIS_PIN_PERFORMED,
	[CVN_CVR_PIN_FAILED] = CVN_VIS_PIN_FAILED,
	[CVN_CVR_PTL_EXCEEDED] = CVN_VIS_PTL_EXCEEDED,
	[CVN_CVR_BLOCKED_PTL] = CVN_VIS_BLOCKED_PTL,
	[CVN_CVR_ISSAUTH_FAILED] = CVN_VIS_ISSAUTH_FAILED,
	[CVN_CVR_ISSAUTH_NOT_PERFORMED] = CVN_VIS_ISSAUTH_NOT_PERFORMED,
	[CVN_CVR_LAST_ISSAUTH_FAILED] = CVN_VIS_LAST_ISSAUTH_FAILED,
	[CVN_CVR_UNABLE_ONLINE] = CVN_VIS_UNABLE_ONLINE,
	[CVN_CVR_LAST_ONLINE_INCOMPLETE] = CVN_VIS_LAST_ONLINE_INCOMPLETE,
	[CVN_CVR_CONSEC_EXCEEDED] = CVN_VIS_VELOCITY_EXCEEDED,
	[CVN_CVR_CUMUL_EXCEEDED] = CVN_VIS_VELOCITY_EXCEEDED,
	[CVN_CVR_NEW_CARD] = CVN_VIS_NEW_CARD,
	[CVN_CVR_SCRIPT_FAILED] = CVN_VIS_SCRIPT_FAILED,
	[CVN_CVR_DDA] = CVN_VIS_DDA_PERFORMED
};

static const unsigned mc_flags[CVN_CVR_NFLAGS] = {
	[CVN_CVR_PIN_PERFORMED] = CVN_MC_PIN_PERFORMED,
	[CVN_CVR_PIN_OK] = CVN_MC_PIN_OK,
	[CVN_CVR_PIN_FAILED] = CVN_MC_PIN_FAILED,
	[CVN_CVR_PIN_NOT_PERFORMED] = CVN_MC_PIN_NOT_PERFORMED,
	[CVN_CVR_PTL_EXCEEDED] = CVN_MC_PTL_EXCEEDED,
	[CVN_CVR_ISSAUTH_PERFORMED] = CVN_MC_ISSAUTH_PERFORMED,
	[CVN_CVR_ISSAUTH_FAILED] = CVN_MC_ISSAUTH_FAILED,
	[CVN_CVR_UNABLE_ONLINE] = CVN_MC_UNABLE_ONLINE,
	[CVN_CVR_LAST_ONLINE_INCOMPLETE] = CVN_MC_LAST_ONLINE_INCOMPLETE,
	[CVN_CVR_CONSEC_EXCEEDED] = CVN_MC_LCOL_EXCEEDED,
	[CVN_CVR_CUMUL_EXCEEDED] = CVN_MC_LCOA_EXCEEDED,
	[CVN_CVR_SCRIPT_RECEIVED] = CVN_MC_SCRIPT_RECEIVED,
	[CVN_CVR_SCRIPT_FAILED] = CVN_MC_SCRIPT_FAILED,
	[CVN_CVR_DDA] = CVN_MC_DDA_RETURNED,
	[CVN_CVR_GO_ONLINE_NEXT] = CVN_MC_GO_ONLINE_NEXT,
	[CVN_CVR_DATE_CHECK_FAILED] = CVN_MC_DATE_CHECK_FAILED,
	[CVN_CVR_INTERNATIONAL] = CVN_MC_INTERNATIONAL,
	[CVN_CVR_DOMESTIC] = CVN_MC_DOMESTIC,
	[CVN_CVR_PIN_CHANGE_OK] = CVN_MC_PIN_CHANGE_OK
};

void
cvn_bit_set(uint8_t *cvr, unsigned bit, int on)
{
	uint8_t m = (uint8_t)(bit & 0xFF);

	cvr[bit >> 8] = (uint8_t)(on ? cvr[bit >> 8] | m : cvr[bit >> 8] & ~m);
}

int
cvn_bit_get(const uint8_t *cvr, unsigned bit)
{
	return (cvr[bit >> 8] & (bit & 0xFF)) != 0;
}

unsigned
cvn_cvr_bit(const struct cvn *c, enum cvn_cvr_flag f)
{
	if ((unsigned)f >= CVN_CVR_NFLAGS)
		return 0;
	return c->scheme == CVN_VISA ? vis_flags[f] : mc_flags[f];
}

int
cvn_cvr_set(const struct cvn *c, uint8_t *cvr, enum cvn_cvr_flag f, int on)
{
	unsigned b = cvn_cvr_bit(c, f);

	if (b == 0)
		return -1;
	cvn_bit_set(cvr, b, on);
	return 0;
}

int
cvn_cvr_get(const struct cvn *c, const uint8_t *cvr, enum cvn_cvr_flag f)
{
	unsigned b = cvn_cvr_bit(c, f);

	return b == 0 ? -1 : cvn_bit_get(cvr, b);
}

void
cvn_cvr_set_ac(uint8_t *cvr, int gen, enum cvn_actype t)
{
	int sh = gen == 2 ? 6 : 4;

	cvr[0] = (uint8_t)((cvr[0] & ~(3 << sh)) | ((unsigned)t & 3) << sh);
}

int
cvn_cvr_get_ac(const uint8_t *cvr, int gen)
{
	return cvr[0] >> (gen == 2 ? 6 : 4) & 3;
}

void
cvn_cvr_set_scripts(uint8_t *cvr, unsigned n)
{
	cvr[2] = (uint8_t)((cvr[2] & 0x0F) | (n & 0x0F) << 4);
}

unsigned
cvn_cvr_get_scripts(const uint8_t *cvr)
{
	return cvr[2] >> 4;
}
