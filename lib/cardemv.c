/* cardemv.c: the EMV payment application of the virtual card (cardemv.h).
 * Command numbers are EMV 4.4 Book 3, 6.5; cryptography Book 2 through
 * lib/cvn (AC, ARPC, scripts) and lib/oda (DDA, CDA, PIN decipherment). */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "card.h"
#include "cardemv.h"
#include "cvn.h"
#include "oda.h"
#include "tlv.h"

#define TDATA_UN	25	/* 9F37 in the terminal data of lib/cvn */

static const uint8_t pse[] = "1PAY.SYS.DDF01";
static const uint8_t ppse[] = "2PAY.SYS.DDF01";
#define PSELEN 14

/* ---- the application's data ---- */

static int
find(struct card *c, uint32_t tag, const uint8_t **v, size_t *n)
{
	return card_find_tag(c, tag, v, n);
}

/* Total length of the data a DOL asks for; -1 if it does not parse. */
static long
dol_len(const uint8_t *dol, size_t n)
{
	const uint8_t *p = dol;
	struct dol_entry e;
	long total = 0;
	int rc;

	while ((rc = dol_next(&p, dol + n, &e)) == 1)
		total += (long)e.len;
	return rc == 0 ? total : -1;
}

/* The card keys of DGI 8000: MK-AC, MK-SMI, MK-SMC. */
static const uint8_t *
keys(struct card *c)
{
	struct card_dgi *d = card_dgi_get(c, 0x8000);

	return d != NULL && d->len == 48 ? d->val : NULL;
}

/* The cryptogram version: the one the personalized IAD (9F10) names, else
 * the scheme's first (Visa CVN 10, Mastercard CVN 16).  *iad gets the
 * template's fields. */
static const struct cvn *
app_cvn(struct card *c, struct cvn_iad *iad)
{
	const struct cvn *cv = NULL;
	const uint8_t *v;
	size_t n;
	int scheme = cvn_scheme_of_aid(c->aid, c->aidlen);

	memset(iad, 0, sizeof *iad);
	if (find(c, 0x9F10, &v, &n))
		return cvn_iad_parse(scheme, v, n, iad, &cv) == 0 ? cv : NULL;
	if (scheme == CVN_MASTERCARD) {
		cv = cvn_by_name("mc-cvn16");
		iad->ctrlen = 8;
	} else
		cv = cvn_by_name("visa-cvn10");
	if (cv != NULL)
		iad->cvrlen = cv->cvrlen;
	return cv;
}

/* Strip ISO/IEC 9797-1 method 2 padding (80 00 ..) when present. */
static size_t
unpad(const uint8_t *v, size_t n)
{
	size_t i = n;

	while (i > 0 && v[i - 1] == 0x00)
		i--;
	return i > 0 && v[i - 1] == 0x80 ? i - 1 : n;
}

static BIGNUM *
bn(const uint8_t *v, size_t n)
{
	return BN_bin2bn(v, (int)n, NULL);
}

/* The ICC private key from the CRT DGIs 8201 (q^-1 mod p), 8202 (d mod
 * q-1), 8203 (d mod p-1), 8204 (q), 8205 (p), as CPS 1.1 and the
 * schemes' personalization guides lay them out.  Data preparation pads
 * them (method 2) or not, by convention: a prime ends in an odd byte, so
 * p and q tell which convention was used.  The public exponent is 9F47's
 * when the records carry it, else the one of 3 and 65537 that fits. */
static EVP_PKEY *
icc_key(struct card *c)
{
	struct card_dgi *d[5];
	static const unsigned long es[] = { 3, 65537 };
	BIGNUM *p = NULL, *q = NULL, *dp = NULL, *dq = NULL, *qi = NULL;
	BIGNUM *n = NULL, *e = NULL, *dd = NULL, *p1 = NULL, *q1 = NULL;
	BIGNUM *t = NULL, *l = NULL;
	BN_CTX *ctx = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pk = NULL;
	const uint8_t *ev;
	size_t en, len[5], i;
	int padded, ok = 0;

	if (c->icc != NULL)
		return c->icc;
	for (i = 0; i < 5; i++)
		if ((d[i] = card_dgi_get(c, (uint16_t)(0x8201 + i))) == NULL ||
		    d[i]->len == 0)
			return NULL;
	padded = !(d[4]->val[d[4]->len - 1] & 1);
	for (i = 0; i < 5; i++)
		len[i] = padded ? unpad(d[i]->val, d[i]->len) : d[i]->len;
	if ((ctx = BN_CTX_new()) == NULL ||
	    (qi = bn(d[0]->val, len[0])) == NULL ||
	    (dq = bn(d[1]->val, len[1])) == NULL ||
	    (dp = bn(d[2]->val, len[2])) == NULL ||
	    (q = bn(d[3]->val, len[3])) == NULL ||
	    (p = bn(d[4]->val, len[4])) == NULL ||
	    (n = BN_new()) == NULL || (e = BN_new()) == NULL ||
	    (dd = BN_new()) == NULL || (p1 = BN_dup(p)) == NULL ||
	    (q1 = BN_dup(q)) == NULL || (t = BN_new()) == NULL ||
	    (l = BN_new()) == NULL)
		goto out;
	if (!BN_is_odd(p) || !BN_is_odd(q) || !BN_sub_word(p1, 1) ||
	    !BN_sub_word(q1, 1) || !BN_mul(n, p, q, ctx) ||
	    BN_num_bytes(n) > ODA_NMAX || BN_num_bytes(n) < ODA_NMIN)
		goto out;
	/* e * dp = 1 mod p-1 and e * dq = 1 mod q-1. */
	for (i = 0; i < 3 && !ok; i++) {
		if (i == 0) {
			if (!find(c, 0x9F47, &ev, &en) || en == 0 || en > 4 ||
			    BN_bin2bn(ev, (int)en, e) == NULL)
				continue;
		} else if (!BN_set_word(e, es[i - 1]))
			goto out;
		ok = BN_mod_mul(t, e, dp, p1, ctx) && BN_is_one(t) &&
		    BN_mod_mul(t, e, dq, q1, ctx) && BN_is_one(t);
	}
	if (!ok)
		goto out;
	ok = 0;
	/* d = e^-1 mod lcm(p-1, q-1). */
	if (!BN_gcd(t, p1, q1, ctx) || !BN_mul(l, p1, q1, ctx) ||
	    !BN_div(l, NULL, l, t, ctx) ||
	    BN_mod_inverse(dd, e, l, ctx) == NULL ||
	    !BN_mod_mul(t, q, qi, p, ctx) || !BN_is_one(t))
		goto out;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, dd) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	    qi) || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pctx) <= 0 ||
	    EVP_PKEY_fromdata(pctx, &pk, EVP_PKEY_KEYPAIR, params) <= 0)
		goto out;
	ok = 1;
out:
	BN_clear_free(p);
	BN_clear_free(q);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_clear_free(qi);
	BN_clear_free(dd);
	BN_clear_free(p1);
	BN_clear_free(q1);
	BN_clear_free(t);
	BN_clear_free(l);
	BN_free(n);
	BN_free(e);
	BN_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(pctx);
	if (!ok) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	return c->icc = pk;
}

static size_t
icc_len(EVP_PKEY *pk)
{
	return (size_t)EVP_PKEY_get_size(pk);
}

/* ---- SELECT ---- */

/* A tag of the contactless FCI (9103) for the PPSE, else of the
 * application's data. */
static int
find_fci(struct card *c, int cl, uint32_t tag, const uint8_t **v,
    size_t *n)
{
	struct card_dgi *d = card_dgi_get(c, 0x9103);
	struct tlv t;

	if (cl && d != NULL && tlv_find(d->val, d->len, tag, &t) == 1) {
		*v = t.val;
		*n = t.len;
		return 1;
	}
	return find(c, tag, v, n);
}

/* The application's directory entry (Book 1 12.2.3): AID, label (50) and
 * priority (87). */
static void
dir_entry(struct card *c, int cl, uint8_t *out, size_t *n, size_t cap)
{
	uint8_t e[64];
	const uint8_t *v;
	size_t en = 0, vn;

	card_put_tlv(e, &en, sizeof e, 0x4F, c->aid, c->aidlen);
	if (find_fci(c, cl, 0x50, &v, &vn) && vn <= 16)
		card_put_tlv(e, &en, sizeof e, 0x50, v, vn);
	if (find_fci(c, cl, 0x87, &v, &vn) && vn == 1)
		card_put_tlv(e, &en, sizeof e, 0x87, v, vn);
	card_put_tlv(out, n, cap, 0x61, e, en);
}

uint16_t
cardemv_select(struct card *c, enum card_sel which, uint8_t *out,
    size_t *len)
{
	struct card_dgi *d = card_dgi_get(c, 0x9102);
	uint8_t inner[CARD_RSP_MAX], a5[CARD_RSP_MAX], e[96];
	size_t in = 0, an = 0, en = 0;

	if (c->life == CARD_LOCKED || c->life == CARD_TERMINATED)
		return SW_FUNC;
	if (c->app == CARD_APP_SELECTABLE || d == NULL)
		return SW_NOT_FOUND;
	*len = 0;
	switch (which) {
	case CARD_SEL_PSE:
		/* Book 1 11.3.4 Table 43: the directory is SFI 1. */
		card_put_tlv(inner, &in, sizeof inner, 0x84, pse, PSELEN);
		card_put_tlv(a5, &an, sizeof a5, 0x88,
		    (const uint8_t[]){ 0x01 }, 1);
		card_put_tlv(inner, &in, sizeof inner, 0xA5, a5, an);
		break;
	case CARD_SEL_PPSE:
		/* EMV Book B 3.3: BF0C with one directory entry. */
		card_put_tlv(inner, &in, sizeof inner, 0x84, ppse, PSELEN);
		dir_entry(c, 1, e, &en, sizeof e);
		card_put_tlv(a5, &an, sizeof a5, 0xBF0C, e, en);
		card_put_tlv(inner, &in, sizeof inner, 0xA5, a5, an);
		break;
	default:
		/* CPS: 9102 is the A5 template; some data preparation
		 * writes the whole 6F, some only the A5 contents. */
		if (d->len > 0 && d->val[0] == 0x6F) {
			if (d->len > CARD_RSP_MAX - 2)
				return SW_UNKNOWN;
			memcpy(out, d->val, d->len);
			*len = d->len;
			return c->app == CARD_APP_BLOCKED ? 0x6283 : SW_OK;
		}
		card_put_tlv(inner, &in, sizeof inner, 0x84, c->aid,
		    c->aidlen);
		if (d->len > 0 && d->val[0] == 0xA5) {
			if (d->len > sizeof inner - in)
				return SW_UNKNOWN;
			memcpy(inner + in, d->val, d->len);
			in += d->len;
		} else if (card_put_tlv(inner, &in, sizeof inner, 0xA5,
		    d->val, d->len) < 0)
			return SW_UNKNOWN;
		break;
	}
	if (card_put_tlv(out, len, CARD_RSP_MAX - 2, 0x6F, inner, in) < 0)
		return SW_UNKNOWN;
	return which == CARD_SEL_APP && c->app == CARD_APP_BLOCKED ? 0x6283 :
	    SW_OK;
}

/* ---- GET PROCESSING OPTIONS, READ RECORD, GET DATA ---- */

/* Book 3 6.5.8. */
static uint16_t
gpo(struct card *c, const struct card_apdu *a, uint8_t *out, size_t *len)
{
	struct card_dgi *d = card_dgi_get(c, 0x9104);
	const uint8_t *pdol;
	size_t pn = 0;
	long want = 0;

	if (a->cla != 0x80)
		return SW_CLA;
	if (a->p1 != 0 || a->p2 != 0)
		return SW_P1P2;
	if (c->sel != CARD_SEL_APP || d == NULL)
		return SW_CONDITIONS;
	if (find(c, 0x9F38, &pdol, &pn) && (want = dol_len(pdol, pn)) < 0)
		return SW_CONDITIONS;
	/* Data: 83 L PDOL-related data. */
	if (a->lc < 2 || a->data[0] != 0x83 || a->data[1] != a->lc - 2)
		return a->lc < 2 ? SW_WRONG_LENGTH : SW_WRONG_DATA;
	if ((long)a->data[1] != want)
		return SW_WRONG_LENGTH;
	if (c->tx.gpo)
		return SW_CONDITIONS;
	if (c->atc == 0xFFFF)
		return SW_CONDITIONS;
	c->atc++;
	card_dirty(c);
	OPENSSL_cleanse(&c->tx, sizeof c->tx);
	c->tx.gpo = 1;
	memcpy(c->tx.pdol, a->data + 2, a->lc - 2);
	c->tx.pdollen = a->lc - 2;
	*len = 0;
	if (d->len > 0 && (d->val[0] == 0x77 || d->val[0] == 0x80)) {
		memcpy(out, d->val, d->len);
		*len = d->len;
		return SW_OK;
	}
	return card_put_tlv(out, len, CARD_RSP_MAX - 2, 0x77, d->val,
	    d->len) < 0 ? SW_UNKNOWN : SW_OK;
}

/* 1 if v[0..n) is exactly one 70 template. */
static int
is_record(const uint8_t *v, size_t n)
{
	const uint8_t *p = v;
	struct tlv t;

	return tlv_next(&p, v + n, &t) == 1 && t.tag == 0x70 && p == v + n;
}

/* Book 3 6.5.11. */
static uint16_t
read_record(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	struct card_dgi *d;
	uint8_t e[96];
	size_t en = 0;
	unsigned sfi = a->p2 >> 3;

	if (a->cla != 0x00)
		return SW_CLA;
	if ((a->p2 & 0x07) != 0x04 || sfi == 0 || sfi > 30 || a->p1 == 0)
		return SW_P1P2;
	if (a->lc != 0)
		return SW_WRONG_LENGTH;
	*len = 0;
	if (c->sel == CARD_SEL_PSE) {
		if (sfi != 1 || a->p1 != 1)
			return SW_RECORD;
		dir_entry(c, 0, e, &en, sizeof e);
		card_put_tlv(out, len, CARD_RSP_MAX - 2, 0x70, e, en);
		return SW_OK;
	}
	if (c->sel != CARD_SEL_APP)
		return SW_RECORD;
	/* The records are read once GET PROCESSING OPTIONS gave the AFL. */
	if (!c->tx.gpo)
		return SW_CONDITIONS;
	if ((d = card_dgi_get(c, (uint16_t)(sfi << 8 | a->p1))) == NULL ||
	    !is_record(d->val, d->len) || d->len > CARD_RSP_MAX - 2)
		return SW_RECORD;
	memcpy(out, d->val, d->len);
	*len = d->len;
	return SW_OK;
}

/* Book 3 6.5.7: ATC, last online ATC, PIN try counter, log format, and
 * other primitive objects personalized for GET DATA. */
static uint16_t
get_data(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	uint32_t tag = (uint32_t)a->p1 << 8 | a->p2;
	uint8_t v2[2];
	const uint8_t *v;
	size_t n;

	if (a->cla != 0x80)
		return SW_CLA;
	if (a->lc != 0)
		return SW_WRONG_LENGTH;
	*len = 0;
	if (c->sel != CARD_SEL_APP)
		return SW_CONDITIONS;
	switch (tag) {
	case 0x9F36:
	case 0x9F13:
		v2[0] = (uint8_t)((tag == 0x9F36 ? c->atc : c->lonatc) >> 8);
		v2[1] = (uint8_t)(tag == 0x9F36 ? c->atc : c->lonatc);
		card_put_tlv(out, len, CARD_RSP_MAX, tag, v2, 2);
		return SW_OK;
	case 0x9F17:
		if (card_dgi_get(c, 0x8010) == NULL)
			return SW_REF_DATA;
		card_put_tlv(out, len, CARD_RSP_MAX, tag, &c->ptc, 1);
		return SW_OK;
	}
	if (a->p1 == 0 || !find(c, tag, &v, &n) || tlv_tag_constructed(tag) ||
	    n > CARD_RSP_MAX - 8)
		return SW_REF_DATA;
	card_put_tlv(out, len, CARD_RSP_MAX, tag, v, n);
	return SW_OK;
}

/* Book 3 6.5.6. */
static uint16_t
get_challenge(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	if (a->cla != 0x00)
		return SW_CLA;
	if (a->p1 != 0 || a->p2 != 0)
		return SW_P1P2;
	if (a->lc != 0)
		return SW_WRONG_LENGTH;
	if (card_random(c, c->tx.challenge, 8) < 0)
		return SW_UNKNOWN;
	c->tx.chal = 1;
	memcpy(out, c->tx.challenge, 8);
	*len = 8;
	return SW_OK;
}

/* ---- VERIFY ---- */

/* PIN try limit: DGI 9010's second byte; 3 when it was not given. */
static uint8_t
ptl(struct card *c)
{
	struct card_dgi *d = card_dgi_get(c, 0x9010);

	return d != NULL && d->len == 2 ? d->val[1] : 3;
}

/* Book 3 6.5.12, Book 2 7.2 for the enciphered PIN. */
static uint16_t
verify(struct card *c, const struct card_apdu *a)
{
	struct card_dgi *ref = card_dgi_get(c, 0x8010);
	uint8_t block[8], plain[ODA_NMAX];
	EVP_PKEY *pk;
	size_t n;
	int chal = c->tx.chal, ok;

	c->tx.chal = 0;
	if (a->cla != 0x00)
		return SW_CLA;
	if (a->p1 != 0 || (a->p2 != 0x80 && a->p2 != 0x88))
		return SW_P1P2;
	if (c->sel != CARD_SEL_APP)
		return SW_CONDITIONS;
	if (ref == NULL)
		return SW_REF_DATA;
	if (c->ptc == 0)
		return SW_BLOCKED;
	if (a->p2 == 0x80) {
		if (a->lc != 8)
			return SW_WRONG_LENGTH;
		memcpy(block, a->data, 8);
	} else {
		/* 7F || PIN block || ICC unpredictable number || random,
		 * under the ICC key (no separate PIN encipherment key). */
		if ((pk = icc_key(c)) == NULL)
			return SW_REF_DATA;
		n = icc_len(pk);
		if (a->lc != n)
			return SW_WRONG_LENGTH;
		if (!chal)
			return SW_CONDITIONS;
		if (oda_sign_raw(pk, a->data, n, plain) != 0)
			return SW_WRONG_DATA;
		ok = plain[0] == 0x7F &&
		    CRYPTO_memcmp(plain + 9, c->tx.challenge, 8) == 0;
		memcpy(block, plain + 1, 8);
		OPENSSL_cleanse(plain, sizeof plain);
		if (!ok) {
			OPENSSL_cleanse(block, sizeof block);
			return SW_CONDITIONS;
		}
	}
	ok = CRYPTO_memcmp(block, ref->val, 8) == 0;
	OPENSSL_cleanse(block, sizeof block);
	if (ok) {
		if (c->ptc != ptl(c)) {
			c->ptc = ptl(c);
			card_dirty(c);
		}
		c->tx.pin_ok = 1;
		return SW_OK;
	}
	c->ptc--;
	card_dirty(c);
	c->tx.pin_failed = 1;
	if (c->ptc == 0)
		c->tx.pin_blocked_now = 1;
	return (uint16_t)(0x63C0 | c->ptc);
}

/* ---- INTERNAL AUTHENTICATE ---- */

/* Book 3 6.5.9, Book 2 6.5: DDA over the DDOL-related data. */
static uint16_t
internal_auth(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	uint8_t idn[8], sdad[ODA_NMAX];
	EVP_PKEY *pk;
	size_t n;

	if (a->cla != 0x00)
		return SW_CLA;
	if (a->p1 != 0 || a->p2 != 0)
		return SW_P1P2;
	if (a->lc == 0)
		return SW_WRONG_LENGTH;
	if (c->sel != CARD_SEL_APP || (pk = icc_key(c)) == NULL)
		return SW_CONDITIONS;
	if (card_random(c, idn, sizeof idn) < 0 ||
	    oda_dda_sign(pk, idn, sizeof idn, a->data, a->lc, sdad, &n) != 0)
		return SW_UNKNOWN;
	*len = 0;
	card_put_tlv(out, len, CARD_RSP_MAX - 2, 0x80, sdad, n);
	c->tx.dda = 1;
	return SW_OK;
}

/* ---- GENERATE AC, EXTERNAL AUTHENTICATE ---- */

/* The value of tag in the data a DOL describes (Book 3 5.4): 1 and
 * *v, *vn, or 0 when the DOL has no such tag. */
static int
dol_value(const uint8_t *dol, size_t dn, const uint8_t *data, size_t n,
    uint32_t tag, const uint8_t **v, size_t *vn)
{
	const uint8_t *p = dol;
	struct dol_entry e;
	size_t off = 0;

	while (dol_next(&p, dol + dn, &e) == 1) {
		if (e.len > n - off)
			return 0;
		if (e.tag == tag) {
			*v = data + off;
			*vn = e.len;
			return 1;
		}
		off += e.len;
	}
	return 0;
}

/* Issuer Authentication Data (91) in the second GENERATE AC's data; a
 * terminal without it fills the DOL entry with zeros. */
static int
dol_has_91(const uint8_t *dol, size_t dn, const uint8_t *data, size_t n,
    const uint8_t **v, size_t *vn)
{
	size_t i;

	if (!dol_value(dol, dn, data, n, 0x91, v, vn))
		return 0;
	for (i = 0; i < *vn; i++)
		if ((*v)[i] != 0)
			return 1;
	return 0;
}

/* Book 4 Annex A6: the terminal's ARC Y3 / Z3, unable to go online. */
static int
arc_unable(const uint8_t *dol, size_t dn, const uint8_t *data, size_t n)
{
	const uint8_t *v;
	size_t vn;

	return dol_value(dol, dn, data, n, 0x8A, &v, &vn) && vn == 2 &&
	    (v[0] == 'Y' || v[0] == 'Z') && v[1] == '3';
}

static void
flag(const struct cvn *cv, uint8_t *cvr, enum cvn_cvr_flag f, int on)
{
	if (on)
		(void)cvn_cvr_set(cv, cvr, f, 1);
}

/* Card risk management, minimal but real: what the card knows of this
 * transaction (PIN, issuer authentication, scripts, DDA) and of the last
 * ones (an online transaction left incomplete, issuer authentication that
 * failed, the consecutive offline count against the lower limit 9F14). */
static void
cvr_build(struct card *c, const struct cvn *cv, int gen, int type,
    int offline_exceeded, int unable_online, uint8_t *cvr)
{
	memset(cvr, 0, CVN_CVRMAX);
	if (gen == 1) {
		cvn_cvr_set_ac(cvr, 1, (enum cvn_actype)type);
		cvn_cvr_set_ac(cvr, 2, CVN_AC_NOT_REQUESTED);
	} else {
		cvn_cvr_set_ac(cvr, 1, CVN_AC_ARQC);
		cvn_cvr_set_ac(cvr, 2, (enum cvn_actype)type);
	}
	flag(cv, cvr, CVN_CVR_PIN_PERFORMED, c->tx.pin_ok || c->tx.pin_failed);
	flag(cv, cvr, CVN_CVR_PIN_OK, c->tx.pin_ok);
	flag(cv, cvr, CVN_CVR_PIN_FAILED, c->tx.pin_failed && !c->tx.pin_ok);
	flag(cv, cvr, CVN_CVR_PIN_NOT_PERFORMED, !c->tx.pin_ok &&
	    !c->tx.pin_failed);
	flag(cv, cvr, CVN_CVR_PTL_EXCEEDED, card_dgi_get(c, 0x8010) != NULL &&
	    c->ptc == 0);
	flag(cv, cvr, CVN_CVR_ISSAUTH_PERFORMED, c->tx.iauth);
	flag(cv, cvr, CVN_CVR_ISSAUTH_FAILED, c->tx.iauth_failed);
	flag(cv, cvr, CVN_CVR_ISSAUTH_NOT_PERFORMED, gen == 2 && !c->tx.iauth);
	flag(cv, cvr, CVN_CVR_LAST_ISSAUTH_FAILED, gen == 1 &&
	    (c->risk & CARD_R_IAUTH_FAILED));
	flag(cv, cvr, CVN_CVR_LAST_ONLINE_INCOMPLETE, gen == 1 &&
	    (c->risk & CARD_R_ONLINE_INCOMPLETE));
	flag(cv, cvr, CVN_CVR_UNABLE_ONLINE, unable_online);
	flag(cv, cvr, CVN_CVR_CONSEC_EXCEEDED, offline_exceeded);
	flag(cv, cvr, CVN_CVR_NEW_CARD, c->lonatc == 0);
	flag(cv, cvr, CVN_CVR_DDA, c->tx.dda);
	flag(cv, cvr, CVN_CVR_SCRIPT_RECEIVED, c->tx.scripts > 0);
	flag(cv, cvr, CVN_CVR_SCRIPT_FAILED, c->tx.script_failed ||
	    (gen == 1 && (c->risk & CARD_R_SCRIPT_FAILED)));
	cvn_cvr_set_scripts(cvr, c->tx.scripts > 15 ? 15 :
	    (unsigned)c->tx.scripts);
}

/* Book 3 6.5.5 and 10.8, Book 2 8.1 (AC) and 6.6 (CDA). */
static uint16_t
generate_ac(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	const struct cvn *cv;
	struct cvn_iad iad;
	struct oda_cda cda;
	const uint8_t *cdol1, *cdol2 = NULL, *mk, *v, *aip, *d91 = NULL;
	uint8_t tdata[CVN_TDATA_LEN], iadv[CVN_IADMAX], ac[8], atc[2], cid;
	uint8_t body[CARD_RSP_MAX], sdad[ODA_NMAX], tdhc[ODA_HASHLEN];
	size_t c1n, c2n = 0, iadlen, bn = 0, sn, vn, n91 = 0, off9f10;
	int gen, type, want, cdareq = a->p1 & 0x10, offline = 0, unable = 0;
	long lcol = -1;
	EVP_PKEY *pk = NULL;

	if (a->cla != 0x80)
		return SW_CLA;
	if ((a->p1 & 0x2F) != 0 || (a->p1 & 0xC0) == 0xC0 || a->p2 != 0)
		return SW_P1P2;
	if (c->sel != CARD_SEL_APP || !c->tx.gpo || c->tx.acs == 2 ||
	    (c->tx.acs == 1 && !c->tx.online))
		return SW_CONDITIONS;
	gen = c->tx.acs + 1;
	if ((mk = keys(c)) == NULL || (cv = app_cvn(c, &iad)) == NULL ||
	    !find(c, 0x8C, &cdol1, &c1n) || !find(c, 0x82, &aip, &vn) ||
	    vn != 2 || (gen == 2 && !find(c, 0x8D, &cdol2, &c2n)))
		return SW_CONDITIONS;
	if ((long)a->lc != dol_len(gen == 1 ? cdol1 : cdol2,
	    gen == 1 ? c1n : c2n))
		return SW_WRONG_LENGTH;
	if (gen == 1) {
		memcpy(c->tx.cdol1, a->data, a->lc);
		c->tx.cdol1len = a->lc;
	}
	if (cvn_tdata(cdol1, c1n, c->tx.cdol1, c->tx.cdol1len, cdol2, c2n,
	    gen == 2 ? a->data : NULL, gen == 2 ? a->lc : 0, tdata) != 0)
		return SW_WRONG_DATA;
	want = a->p1 >> 6;	/* 0 AAC, 1 TC, 2 ARQC */
	if (gen == 1) {
		/* Consecutive offline transactions over the lower limit:
		 * a TC becomes an ARQC (VIS / M/Chip velocity checking). */
		if (find(c, 0x9F14, &v, &vn) && vn == 1)
			lcol = v[0];
		offline = lcol >= 0 && c->atc - c->lonatc - 1 > lcol;
		type = want;
		if (type == CVN_AC_TC && (offline ||
		    (c->risk & (CARD_R_IAUTH_FAILED | CARD_R_ONLINE_INCOMPLETE))))
			type = CVN_AC_ARQC;
		if (c->app == CARD_APP_BLOCKED && type == CVN_AC_TC)
			type = CVN_AC_AAC;
	} else {
		/* The terminal's answer: 91 in CDOL2, or EXTERNAL
		 * AUTHENTICATE before; ARC Y3/Z3: could not go online. */
		if (dol_has_91(cdol2, c2n, a->data, a->lc, &d91, &n91) &&
		    !c->tx.iauth) {
			c->tx.iauth = 1;
			c->tx.iauth_failed = cvn_issuer_auth_check(cv, mk,
			    (const uint8_t[]){ c->atc >> 8, c->atc & 0xFF },
			    c->tx.un, c->tx.arqc, d91, n91) != 0;
		}
		unable = arc_unable(cdol2, c2n, a->data, a->lc);
		type = want == CVN_AC_TC && !c->tx.iauth_failed &&
		    c->app != CARD_APP_BLOCKED ? CVN_AC_TC : CVN_AC_AAC;
	}
	atc[0] = (uint8_t)(c->atc >> 8);
	atc[1] = (uint8_t)c->atc;
	memcpy(c->tx.un, tdata + TDATA_UN, 4);
	cvr_build(c, cv, gen, type, offline, unable, iad.cvr);
	iad.cvrlen = cv->cvrlen;
	if (cvn_iad_build(cv, &iad, iadv, sizeof iadv, &iadlen) != 0 ||
	    cvn_ac(cv, mk, atc, c->tx.un, tdata, sizeof tdata, aip, iadv,
	    iadlen, ac) != 0)
		return SW_UNKNOWN;
	cid = (uint8_t)(type << 6);
	/* The card's memory of this transaction (saved before the
	 * answer). */
	if (gen == 1 && type == CVN_AC_ARQC) {
		c->risk |= CARD_R_ONLINE_INCOMPLETE;
		card_dirty(c);
	} else if (gen == 2) {
		c->risk &= ~(unsigned)(CARD_R_ONLINE_INCOMPLETE |
		    CARD_R_IAUTH_FAILED | CARD_R_SCRIPT_FAILED);
		if (c->tx.iauth_failed)
			c->risk |= CARD_R_IAUTH_FAILED;
		if (c->tx.script_failed)
			c->risk |= CARD_R_SCRIPT_FAILED;
		if (!unable && !c->tx.iauth_failed)
			c->lonatc = c->atc;
		card_dirty(c);
	}
	c->tx.acs = gen;
	c->tx.online = type == CVN_AC_ARQC;
	memcpy(c->tx.ac, ac, 8);
	if (gen == 1)
		c->tx.cid1 = cid;
	if (gen == 1 && type == CVN_AC_ARQC)
		memcpy(c->tx.arqc, ac, 8);
	/* Format 2 (Book 3 6.5.5.4): 9F27, 9F36, 9F26 or 9F4B, 9F10. */
	card_put_tlv(body, &bn, sizeof body, 0x9F27, &cid, 1);
	card_put_tlv(body, &bn, sizeof body, 0x9F36, atc, 2);
	off9f10 = bn;
	if (cdareq && type != CVN_AC_AAC && (pk = icc_key(c)) != NULL) {
		card_put_tlv(body, &bn, sizeof body, 0x9F10, iadv, iadlen);
		if (oda_cda_tdhc(c->tx.pdol, c->tx.pdollen, c->tx.cdol1,
		    c->tx.cdol1len, gen == 2 ? a->data : NULL,
		    gen == 2 ? a->lc : 0, body, bn, tdhc) != 0)
			return SW_UNKNOWN;
		memset(&cda, 0, sizeof cda);
		cda.idnlen = 8;
		if (card_random(c, cda.idn, 8) < 0)
			return SW_UNKNOWN;
		cda.cid = cid;
		memcpy(cda.ac, ac, 8);
		memcpy(cda.tdhc, tdhc, ODA_HASHLEN);
		if (oda_cda_sign(pk, &cda, c->tx.un, 4, sdad, &sn) != 0)
			return SW_UNKNOWN;
		bn = off9f10;
		if (card_put_tlv(body, &bn, sizeof body, 0x9F4B, sdad, sn) < 0)
			return SW_UNKNOWN;
	} else
		card_put_tlv(body, &bn, sizeof body, 0x9F26, ac, 8);
	if (card_put_tlv(body, &bn, sizeof body, 0x9F10, iadv, iadlen) < 0)
		return SW_UNKNOWN;
	*len = 0;
	return card_put_tlv(out, len, CARD_RSP_MAX - 2, 0x77, body, bn) < 0 ?
	    SW_UNKNOWN : SW_OK;
}

/* Book 3 6.5.4, Book 2 8.2: the ARPC after an ARQC, once. */
static uint16_t
external_auth(struct card *c, const struct card_apdu *a)
{
	const struct cvn *cv;
	struct cvn_iad iad;
	const uint8_t *mk;
	uint8_t atc[2];

	if (a->cla != 0x00)
		return SW_CLA;
	if (a->p1 != 0 || a->p2 != 0)
		return SW_P1P2;
	if (a->lc < 8 || a->lc > 16)
		return SW_WRONG_LENGTH;
	if (c->sel != CARD_SEL_APP || c->tx.acs != 1 || !c->tx.online ||
	    c->tx.iauth)
		return SW_CONDITIONS;
	if ((mk = keys(c)) == NULL || (cv = app_cvn(c, &iad)) == NULL)
		return SW_CONDITIONS;
	atc[0] = (uint8_t)(c->atc >> 8);
	atc[1] = (uint8_t)c->atc;
	c->tx.iauth = 1;
	if (cvn_issuer_auth_check(cv, mk, atc, c->tx.un, c->tx.arqc, a->data,
	    a->lc) != 0) {
		c->tx.iauth_failed = 1;
		return SW_AUTH_FAILED;
	}
	return SW_OK;
}

/* ---- issuer scripts ---- */

/* The reference PIN's digits (from its format 2 block). */
static size_t
ref_pin(const uint8_t b[8], char pin[13])
{
	size_t n = b[0] & 0x0F, i;

	if (n > 12)
		return 0;
	for (i = 0; i < n; i++)
		pin[i] = (char)('0' + (i % 2 ? b[1 + i / 2] & 0x0F :
		    b[1 + i / 2] >> 4));
	pin[n] = '\0';
	return n;
}

/* A format 2 reference PIN block from digits. */
static void
ref_block(const char *pin, size_t n, uint8_t b[8])
{
	size_t i;

	memset(b, 0xFF, 8);
	b[0] = (uint8_t)(0x20 | n);
	for (i = 0; i < n; i++) {
		if (i % 2)
			b[1 + i / 2] = (uint8_t)((b[1 + i / 2] & 0xF0) |
			    (pin[i] - '0'));
		else
			b[1 + i / 2] = (uint8_t)(((pin[i] - '0') << 4) | 0x0F);
	}
}

/* Replace the value of a primitive object in the DGI that holds it;
 * same length only, so no template around it changes size. */
static uint16_t
put_data(struct card *c, uint32_t tag, const uint8_t *v, size_t n)
{
	const uint8_t *old;
	size_t on, i;

	if (tlv_tag_constructed(tag) || !find(c, tag, &old, &on))
		return SW_REF_DATA;
	if (on != n)
		return SW_WRONG_DATA;
	for (i = 0; i < c->ndgi; i++)
		if (old >= c->dgi[i].val && old < c->dgi[i].val + c->dgi[i].len)
			break;
	if (i == c->ndgi)
		return SW_REF_DATA;
	memcpy(c->dgi[i].val + (old - c->dgi[i].val), v, n);
	card_dirty(c);
	return SW_OK;
}

/* Book 3 6.5.1-6.5.3, 6.5.10, 6.5.13-6.5.14; Book 2 9: script commands
 * with secure messaging, after an ARQC in this transaction. */
static uint16_t
script(struct card *c, const struct card_apdu *a)
{
	const struct cvn *cv;
	struct cvn_iad iad;
	struct card_dgi *ref;
	const uint8_t *mk;
	uint8_t atc[2], block[8];
	char cur[13], pin[13];
	size_t curlen, pinlen, dn;
	unsigned k = (unsigned)c->tx.scripts;
	uint16_t sw = SW_OK;

	if (c->sel != CARD_SEL_APP || c->tx.acs == 0 ||
	    !(c->tx.cid1 & 0x80))
		return SW_CONDITIONS;
	if ((mk = keys(c)) == NULL || (cv = app_cvn(c, &iad)) == NULL)
		return SW_CONDITIONS;
	if (a->lc < EMVSM_MACLEN)
		return SW_SM_MISSING;
	atc[0] = (uint8_t)(c->atc >> 8);
	atc[1] = (uint8_t)c->atc;
	/* The ARQC of the first GENERATE AC. */
	if (cvn_script_check(cv, mk + 16, atc, c->tx.arqc, k, a->raw,
	    a->rawlen) != 0) {
		c->tx.script_failed = 1;
		return SW_SM_WRONG;
	}
	c->tx.scripts++;
	dn = a->lc - EMVSM_MACLEN;
	switch (a->ins) {
	case 0x1E:	/* APPLICATION BLOCK */
		if (a->p1 != 0 || a->p2 != 0)
			return SW_P1P2;
		c->app = CARD_APP_BLOCKED;
		break;
	case 0x18:	/* APPLICATION UNBLOCK */
		if (a->p1 != 0 || a->p2 != 0)
			return SW_P1P2;
		c->app = CARD_APP_PERSONALIZED;
		break;
	case 0x16:	/* CARD BLOCK */
		if (a->p1 != 0 || a->p2 != 0)
			return SW_P1P2;
		c->life = CARD_LOCKED;
		break;
	case 0x24:	/* PIN CHANGE/UNBLOCK */
		if (a->p1 != 0 || a->p2 > 2)
			return SW_P1P2;
		if ((ref = card_dgi_get(c, 0x8010)) == NULL)
			return SW_REF_DATA;
		if (a->p2 != 0) {
			curlen = ref_pin(ref->val, cur);
			if (cvn_pin_change_open(cv, mk, mk + 32, atc,
			    c->tx.arqc, k, a->raw, a->rawlen, cur, curlen, pin,
			    &pinlen) != 0) {
				OPENSSL_cleanse(cur, sizeof cur);
				c->tx.script_failed = 1;
				return SW_WRONG_DATA;
			}
			ref_block(pin, pinlen, block);
			memcpy(ref->val, block, 8);
			OPENSSL_cleanse(cur, sizeof cur);
			OPENSSL_cleanse(pin, sizeof pin);
			OPENSSL_cleanse(block, sizeof block);
		}
		c->ptc = ptl(c);
		break;
	case 0xDA:	/* PUT DATA */
		sw = put_data(c, (uint32_t)a->p1 << 8 | a->p2, a->data, dn);
		break;
	case 0xDC:	/* UPDATE RECORD */
		if ((a->p2 & 0x07) != 0x04 || a->p2 >> 3 == 0 ||
		    a->p2 >> 3 > 30 || a->p1 == 0)
			return SW_P1P2;
		if (card_dgi_get(c, (uint16_t)((a->p2 >> 3) << 8 | a->p1)) ==
		    NULL)
			return SW_RECORD;
		if (!is_record(a->data, dn) || tlv_validate(a->data, dn,
		    NULL) != 0)
			return SW_WRONG_DATA;
		if (card_dgi_put(c, (uint16_t)((a->p2 >> 3) << 8 | a->p1),
		    a->data, dn) < 0)
			return SW_MEMORY;
		break;
	default:
		return SW_INS;
	}
	if (sw != SW_OK)
		c->tx.script_failed = 1;
	else
		card_dirty(c);
	return sw;
}

uint16_t
cardemv_apdu(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	/* Secure messaging class: the script commands (Book 3 6.5). */
	if (a->cla == 0x84 || a->cla == 0x04 || a->cla == 0x0C)
		switch (a->ins) {
		case 0x1E:
		case 0x18:
		case 0x16:
		case 0x24:
			if (a->cla != 0x84)
				return SW_CLA;
			return script(c, a);
		case 0xDA:
		case 0xDC:
			if (a->cla != 0x04)
				return SW_CLA;
			return script(c, a);
		default:
			return a->ins == 0xCA || a->ins == 0xB2 ? SW_CLA :
			    SW_INS;
		}
	if (c->sel != CARD_SEL_APP && a->ins != 0xB2)
		return a->ins == 0xA8 || a->ins == 0xAE || a->ins == 0x20 ||
		    a->ins == 0x88 || a->ins == 0x84 || a->ins == 0x82 ||
		    a->ins == 0xCA ? SW_CONDITIONS : SW_INS;
	switch (a->ins) {
	case 0xA8:
		return gpo(c, a, out, len);
	case 0xB2:
		return read_record(c, a, out, len);
	case 0xCA:
		return get_data(c, a, out, len);
	case 0x84:
		return get_challenge(c, a, out, len);
	case 0x20:
		return verify(c, a);
	case 0x88:
		return internal_auth(c, a, out, len);
	case 0xAE:
		return generate_ac(c, a, out, len);
	case 0x82:
		return external_auth(c, a);
	default:
		return SW_INS;
	}
}

uint16_t
cardemv_perso_done(struct card *c)
{
	struct card_dgi *d;
	struct cvn_iad iad;
	const uint8_t *cdol;
	uint8_t tdata[CVN_TDATA_LEN], zero[256];
	size_t n, i;
	long l;
	int rsa = 0;

	if (card_dgi_get(c, 0x9102) == NULL ||
	    card_dgi_get(c, 0x9104) == NULL || keys(c) == NULL)
		return SW_CONDITIONS;
	if (app_cvn(c, &iad) == NULL)
		return SW_WRONG_DATA;
	/* The AC needs the terminal data of Book 2 8.1.1 from CDOL1. */
	memset(zero, 0, sizeof zero);
	if (!find(c, 0x8C, &cdol, &n) || !find(c, 0x8D, &cdol, &n))
		return SW_CONDITIONS;
	find(c, 0x8C, &cdol, &n);
	if ((l = dol_len(cdol, n)) < 0 ||
	    l > 256 || cvn_tdata(cdol, n, zero, (size_t)l, NULL, 0, NULL, 0,
	    tdata) != 0)
		return SW_WRONG_DATA;
	for (i = 0; i < 5; i++)
		rsa += card_dgi_get(c, (uint16_t)(0x8201 + i)) != NULL;
	EVP_PKEY_free(c->icc);
	c->icc = NULL;
	if (rsa != 0 && (rsa != 5 || icc_key(c) == NULL))
		return SW_WRONG_DATA;
	d = card_dgi_get(c, 0x9010);
	c->ptc = card_dgi_get(c, 0x8010) == NULL ? 0 :
	    d != NULL ? d->val[0] : 3;
	c->atc = 0;
	c->lonatc = 0;
	c->risk = 0;
	return SW_OK;
}
