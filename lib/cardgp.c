/* cardgp.c: the issuer security domain and personalization (cardgp.h). */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "card.h"
#include "cardemv.h"
#include "cardgp.h"
#include "sym.h"
#include "tlv.h"

#define STAGE_MAX 64	/* DGIs in one STORE DATA command */

struct staged {
	uint16_t id;
	const uint8_t *val;	/* in the command, or buf */
	size_t len;
	uint8_t *buf;		/* owned clear copy (decrypted or assembled) */
	size_t buflen;
	int enc;
};

static uint16_t
fci(const uint8_t *aid, size_t aidlen, int isd, uint8_t *out, size_t *len)
{
	uint8_t a5[16], inner[64];
	size_t na5 = 0, n = 0;

	if (isd) {
		/* GP 2.3 Table 11-8: application production life cycle
		 * data and the maximum command data length. */
		card_put_tlv(a5, &na5, sizeof a5, 0x9F6E,
		    (const uint8_t[]){ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, 6);
		card_put_tlv(a5, &na5, sizeof a5, 0x9F65,
		    (const uint8_t[]){ 0xFF }, 1);
	}
	if (card_put_tlv(inner, &n, sizeof inner, 0x84, aid, aidlen) < 0 ||
	    (na5 > 0 && card_put_tlv(inner, &n, sizeof inner, 0xA5, a5,
	    na5) < 0))
		return SW_UNKNOWN;
	*len = 0;
	if (card_put_tlv(out, len, CARD_RSP_MAX - 2, 0x6F, inner, n) < 0)
		return SW_UNKNOWN;
	return SW_OK;
}

uint16_t
cardgp_select(struct card *c, uint8_t *out, size_t *len)
{
	return fci(c->isd, c->isdlen, 1, out, len);
}

uint16_t
cardgp_select_perso(struct card *c, uint8_t *out, size_t *len)
{
	if (c->life == CARD_LOCKED || c->life == CARD_TERMINATED)
		return SW_FUNC;
	return fci(c->aid, c->aidlen, 0, out, len);
}

/* GP 2.3 11.3: GET DATA of the ISD. */
static uint16_t
get_data(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	uint8_t kit[3 * 6];
	size_t i;

	if (a->lc != 0)
		return SW_WRONG_LENGTH;
	switch (a->p1 << 8 | a->p2) {
	case 0x9F7F:
		card_put_tlv(out, len, CARD_RSP_MAX, 0x9F7F, c->cplc,
		    CARD_CPLC_LEN);
		return SW_OK;
	case 0x00CF:
		card_put_tlv(out, len, CARD_RSP_MAX, 0xCF, c->kdd,
		    SCP_KDD_LEN);
		return SW_OK;
	case 0x00E0:
		/* 11.3.3.1 key information data: C0 { id, version, type,
		 * length }, type 80 DES, 88 AES. */
		for (i = 0; i < 3; i++) {
			kit[6 * i] = 0xC0;
			kit[6 * i + 1] = 0x04;
			kit[6 * i + 2] = (uint8_t)(i + 1);
			kit[6 * i + 3] = c->keys.kvn;
			kit[6 * i + 4] = c->scp == 3 ? 0x88 : 0x80;
			kit[6 * i + 5] = (uint8_t)sym_keylen(c->keys.alg);
		}
		card_put_tlv(out, len, CARD_RSP_MAX, 0xE0, kit, sizeof kit);
		return SW_OK;
	default:
		return SW_REF_DATA;
	}
}

static void
part_clear(struct card *c)
{
	if (c->part.buf != NULL)
		OPENSSL_clear_free(c->part.buf, c->part.want);
	memset(&c->part, 0, sizeof c->part);
}

/* GP 2.3 11.8 / Amd D 7.1.1: INITIALIZE UPDATE. */
static uint16_t
init_update(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	struct scp_card sc;
	uint8_t chal[8];
	const uint8_t *cp = chal;
	int rc;

	scp_end(&c->sc);
	part_clear(c);
	c->sdblock = 0;
	c->sdstarted = 0;
	if (c->authfail >= c->authmax)
		return SW_BLOCKED;
	memset(&sc, 0, sizeof sc);
	sc.keys = &c->keys;
	sc.scp = c->scp;
	sc.i = c->scpi;
	memcpy(sc.kdd, c->kdd, SCP_KDD_LEN);
	sc.seq = c->seq;
	sc.aid = c->isd;
	sc.aidlen = c->isdlen;
	/* Amd D 6.2.2.1: i & 10, a challenge computed from the counter. */
	if (c->scp == 3 && (c->scpi & 0x10))
		cp = NULL;
	else if (card_random(c, chal, c->scp == 2 ? 6 : 8) < 0)
		return SW_UNKNOWN;
	rc = scp_card_init_update(&c->sc, &sc, a->raw, a->rawlen, cp, out,
	    len);
	OPENSSL_cleanse(chal, sizeof chal);
	if (rc != 0) {
		*len = 0;
		scp_end(&c->sc);
		return scp_sw(rc);
	}
	return SW_OK;
}

/* GP 2.3 11.5 / Amd D 7.1.2: EXTERNAL AUTHENTICATE.  Every failure
 * counts towards the limit; a success resets the count and uses up one
 * sequence counter value. */
static uint16_t
ext_auth(struct card *c, const struct card_apdu *a)
{
	int rc;

	if (c->sc.side == 0 || scp_level(&c->sc) >= 0)
		return SW_CONDITIONS;
	rc = scp_card_ext_auth(&c->sc, a->raw, a->rawlen);
	if (rc == SCP_EAUTH || rc == SCP_EMAC) {
		c->authfail++;
		card_dirty(c);
	} else if (rc == 0) {
		c->authfail = 0;
		c->seq++;
		card_dirty(c);
	}
	return scp_sw(rc);
}

/* GP 2.3 11.5.2.3.6: INSTALL [for personalization] names the application
 * that receives the following STORE DATA commands. */
static uint16_t
install(struct card *c, const struct card_apdu *a)
{
	const uint8_t *d = a->data;
	size_t n = a->lc;

	if (a->p1 != 0x20 || a->p2 != 0x00)
		return SW_P1P2;
	if (scp_level(&c->sc) < SCP_LEVEL_MAC)
		return SW_SECURITY;
	if (n < 6 || d[0] != 0 || d[1] != 0 || d[2] == 0 ||
	    (size_t)d[2] + 6 != n || d[3 + d[2]] != 0 || d[4 + d[2]] != 0 ||
	    d[5 + d[2]] != 0)
		return SW_WRONG_DATA;
	if (d[2] != c->aidlen || memcmp(d + 3, c->aid, c->aidlen) != 0)
		return SW_REF_DATA;
	if (c->app != CARD_APP_SELECTABLE)
		return SW_CONDITIONS;
	c->perso = 1;
	c->sdblock = 0;
	c->sdstarted = 0;
	part_clear(c);
	return SW_OK;
}

/* A valid ISO 9564 format 2 PIN block: 2N, N PIN digits, F fill. */
static int
pinblock_ok(const uint8_t b[8])
{
	unsigned n = b[0] & 0x0F, i, d;

	if (b[0] >> 4 != 2 || n < 4 || n > 12)
		return 0;
	for (i = 0; i < 14; i++) {
		d = i % 2 ? b[1 + i / 2] & 0x0F : b[1 + i / 2] >> 4;
		if (i < n ? d > 9 : d != 0x0F)
			return 0;
	}
	return 1;
}

static int
record_dgi(uint16_t id)
{
	return id >> 8 >= 0x01 && id >> 8 <= 0x1E && (id & 0xFF) != 0;
}

uint16_t
cardgp_dgi_check(uint16_t id, const uint8_t *val, size_t len)
{
	struct tlv t;
	const uint8_t *p = val;

	if (record_dgi(id) || id == 0x9102 || id == 0x9103 || id == 0x9200)
		return len > 0 && tlv_validate(val, len, NULL) == 0 ?
		    SW_OK : SW_WRONG_DATA;
	switch (id) {
	case 0x9104:
		/* CPS: the GPO response data, AIP (82) and AFL (94). */
		if (tlv_validate(val, len, NULL) != 0 ||
		    tlv_find(val, len, 0x82, &t) != 1 || t.len != 2 ||
		    tlv_find(val, len, 0x94, &t) != 1 || t.len == 0 ||
		    t.len % 4 != 0)
			return SW_WRONG_DATA;
		return SW_OK;
	case 0x8000:
	case 0x8001:
		return len == 48 ? SW_OK : SW_WRONG_DATA;
	case 0x9000:
	case 0x9001:
		return len == 9 ? SW_OK : SW_WRONG_DATA;
	case 0x8010:
		return len == 8 && pinblock_ok(val) ? SW_OK : SW_WRONG_DATA;
	case 0x9010:
		/* PIN try counter and PIN try limit. */
		return len == 2 && p[1] >= 1 && p[1] <= 15 && p[0] <= p[1] ?
		    SW_OK : SW_WRONG_DATA;
	case 0x8101:
	case 0x8103:
	case 0x8201:
	case 0x8202:
	case 0x8203:
	case 0x8204:
	case 0x8205:
		return len > 0 && len <= 1024 ? SW_OK : SW_WRONG_DATA;
	default:
		return SW_REF_DATA;
	}
}

/* The value of a staged or stored DGI, or NULL. */
static const uint8_t *
lookup(struct card *c, struct staged *st, size_t n, uint16_t id,
    size_t *len)
{
	struct card_dgi *d;
	size_t i;

	for (i = 0; i < n; i++)
		if (st[i].id == id) {
			*len = st[i].len;
			return st[i].val;
		}
	if ((d = card_dgi_get(c, id)) == NULL)
		return NULL;
	*len = d->len;
	return d->val;
}

/* CPS 1.1: DGI 9000 holds the KCVs of the keys of 8000 (9001 of 8001). */
static uint16_t
kcv_check(struct card *c, struct staged *st, size_t n, uint16_t keys)
{
	const uint8_t *k, *v;
	uint8_t kcv[3];
	size_t kl, vl, i;
	int ok = 1;

	if ((k = lookup(c, st, n, keys, &kl)) == NULL ||
	    (v = lookup(c, st, n, (uint16_t)(keys + 0x1000), &vl)) == NULL)
		return SW_OK;
	for (i = 0; i < 3; i++) {
		if (sym_kcv(SYM_3DES2, k + 16 * i, kcv) < 0)
			return SW_UNKNOWN;
		ok &= CRYPTO_memcmp(kcv, v + 3 * i, 3) == 0;
	}
	return ok ? SW_OK : SW_WRONG_DATA;
}

/* Decrypt and check one complete DGI.  The clear value of a secret DGI
 * is copied into s->buf. */
static uint16_t
prepare(struct card *c, struct staged *s)
{
	size_t blk = c->scp == 3 ? 16 : 8, len = s->len;
	uint8_t *b;
	uint16_t sw;

	if (s->enc) {
		if (s->len == 0 || s->len % blk != 0)
			return SW_WRONG_DATA;
		if ((b = malloc(s->len)) == NULL)
			return SW_MEMORY;
		if (scp_sensitive(&c->sc, s->val, s->len, b, 0) != 0) {
			OPENSSL_clear_free(b, s->len);
			return SW_WRONG_DATA;
		}
		if (s->buf != NULL)
			OPENSSL_clear_free(s->buf, s->buflen);
		s->buf = b;
		s->buflen = len;
		s->val = b;
		/* SCP03 pads the 8-byte PIN block to 16 (Amd D 7.3). */
		if (s->id == 0x8010 && len == 16)
			s->len = 8;
	} else if (s->id >= 0x8000 && s->id <= 0x8FFF)
		/* CPS 1.1 3.2.7.3: secret data only ever travels encrypted. */
		return SW_SECURITY;
	sw = cardgp_dgi_check(s->id, s->val, s->len);
	return sw;
}

static void
stage_free(struct staged *st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (st[i].buf != NULL)
			OPENSSL_clear_free(st[i].buf, st[i].buflen);
}

/* EMV CPS 1.1 3.2.7: STORE DATA. */
static uint16_t
store_data(struct card *c, const struct card_apdu *a)
{
	struct staged st[STAGE_MAX];
	const uint8_t *p = a->data, *end = a->data + a->lc;
	uint8_t encbits = a->p1 & 0x60;
	size_t n = 0, i, j, vlen, take, have;
	uint16_t id, sw = SW_OK;
	int enc;

	if (!(c->sel == CARD_SEL_ISD && c->perso) &&
	    !(c->sel == CARD_SEL_APP && c->app == CARD_APP_SELECTABLE))
		return SW_CONDITIONS;
	if (scp_level(&c->sc) < SCP_LEVEL_MAC)
		return SW_SECURITY;
	if (c->app != CARD_APP_SELECTABLE)
		return SW_CONDITIONS;
	/* P1 b7-b6 10 is RFU; b5-b4 11 RFU, 10 (BER-TLV format) not ours. */
	if (encbits == 0x40 || (a->p1 & 0x18) == 0x18 ||
	    (a->p1 & 0x18) == 0x10)
		return SW_P1P2;
	if (a->p2 != (c->sdblock & 0xFF) || (c->sdstarted && c->sdblock >
	    0xFF))
		return SW_P1P2;
	/* The block number is used up whatever becomes of the data. */
	c->sdblock++;
	c->sdstarted = 1;
	if (a->lc == 0)
		return SW_WRONG_LENGTH;
	memset(st, 0, sizeof st);
	/* The rest of a DGI that the last command began. */
	if (c->part.buf != NULL) {
		have = c->part.want - c->part.got;
		take = (size_t)(end - p) < have ? (size_t)(end - p) : have;
		memcpy(c->part.buf + c->part.got, p, take);
		c->part.got += take;
		p += take;
		if (c->part.got == c->part.want) {
			st[n].id = c->part.id;
			st[n].buf = c->part.buf;
			st[n].buflen = c->part.want;
			st[n].val = c->part.buf;
			st[n].len = c->part.want;
			st[n++].enc = c->part.enc;
			memset(&c->part, 0, sizeof c->part);
		}
	}
	while (p < end && sw == SW_OK) {
		/* CPS 1.1 3.2.7: DGI (2) || length (1, or FF and 2). */
		if (end - p < 3 || (p[2] == 0xFF && end - p < 5)) {
			sw = SW_WRONG_DATA;
			break;
		}
		id = (uint16_t)(p[0] << 8 | p[1]);
		if (p[2] == 0xFF) {
			vlen = (size_t)p[3] << 8 | p[4];
			p += 5;
		} else
			vlen = p[2], p += 3;
		enc = encbits == 0x60 || (encbits == 0x20 && id >= 0x8000 &&
		    id <= 0x8FFF);
		if (vlen > CARD_DGI_LEN) {
			sw = SW_NO_SPACE;
			break;
		}
		if (n == STAGE_MAX) {
			sw = SW_WRONG_DATA;
			break;
		}
		if ((size_t)(end - p) < vlen) {
			/* 3.2.7.4: the DGI goes on in the next command. */
			if (a->p1 & 0x80 || (c->part.buf = malloc(vlen)) ==
			    NULL) {
				sw = a->p1 & 0x80 ? SW_WRONG_DATA : SW_MEMORY;
				break;
			}
			c->part.id = id;
			c->part.want = vlen;
			c->part.got = (size_t)(end - p);
			c->part.enc = enc;
			memcpy(c->part.buf, p, c->part.got);
			p = end;
			break;
		}
		st[n].id = id;
		st[n].val = p;
		st[n].len = vlen;
		st[n++].enc = enc;
		p += vlen;
	}
	if (sw == SW_OK && (a->p1 & 0x80) && c->part.buf != NULL)
		sw = SW_WRONG_DATA;
	for (i = 0; i < n && sw == SW_OK; i++) {
		if ((sw = prepare(c, &st[i])) != SW_OK)
			break;
		/* A DGI is personalized once (CPS 1.1 3.2.7). */
		if (card_dgi_get(c, st[i].id) != NULL)
			sw = SW_WRONG_DATA;
		for (j = 0; j < i && sw == SW_OK; j++)
			if (st[j].id == st[i].id)
				sw = SW_WRONG_DATA;
	}
	if (sw == SW_OK)
		sw = kcv_check(c, st, n, 0x8000);
	if (sw == SW_OK)
		sw = kcv_check(c, st, n, 0x8001);
	for (i = 0; i < n && sw == SW_OK; i++)
		if (card_dgi_put(c, st[i].id, st[i].val, st[i].len) < 0)
			sw = SW_NO_SPACE;
	stage_free(st, n);
	if (sw != SW_OK) {
		part_clear(c);
		return sw;
	}
	if (a->p1 & 0x80) {
		/* The last block: the application checks it has all it
		 * needs and goes to PERSONALIZED (GP 2.3 5.3.1). */
		if ((sw = cardemv_perso_done(c)) != SW_OK)
			return sw;
		c->app = CARD_APP_PERSONALIZED;
		c->perso = 0;
		card_dirty(c);
	}
	return SW_OK;
}

uint16_t
cardgp_apdu(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	uint8_t plain[SCP_APDU_MAX];
	struct card_apdu pa;
	size_t plen;
	int rc;

	if (a->ins == 0x50 && (a->cla & ~0x04) == 0x80)
		return init_update(c, a, out, len);
	if (a->ins == 0x82 && (a->cla & ~0x04) == 0x80)
		return ext_auth(c, a);
	/* GP 2.3 10.2: a command other than EXTERNAL AUTHENTICATE after
	 * INITIALIZE UPDATE abandons the session being opened. */
	if (c->sc.side != 0 && scp_level(&c->sc) < 0)
		scp_end(&c->sc);
	if (scp_level(&c->sc) > 0 || (a->cla & 0x04)) {
		if (scp_level(&c->sc) < 0)
			return SW_SECURITY;
		rc = scp_unwrap(&c->sc, a->raw, a->rawlen, plain, &plen);
		if (rc != 0) {
			if (scp_level(&c->sc) < 0)
				part_clear(c);
			return scp_sw(rc);
		}
		/* The unwrapped command goes through the same parser. */
		if ((rc = card_apdu_parse(&pa, plain, plen)) != SW_OK)
			return (uint16_t)rc;
		a = &pa;
	}
	switch (a->ins) {
	case 0xCA:
		if (a->cla != 0x80 && a->cla != 0x00)
			return SW_CLA;
		return get_data(c, a, out, len);
	case 0xE6:
		if (a->cla != 0x80)
			return SW_CLA;
		return install(c, a);
	case 0xE2:
		if (a->cla != 0x80)
			return SW_CLA;
		return store_data(c, a);
	default:
		return SW_INS;
	}
}
