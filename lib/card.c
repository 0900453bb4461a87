/* card.c: the virtual card's state, SELECT and the command dispatcher
 * (card.h). */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "card.h"
#include "cardemv.h"
#include "cardgp.h"
#include "tlv.h"

static const uint8_t pse[] = "1PAY.SYS.DDF01";
static const uint8_t ppse[] = "2PAY.SYS.DDF01";
#define PSELEN 14

/* GP 2.3 Table H-3; fixed values for the fields a simulator does not
 * care about, the serial from the card maker. */
static const uint8_t cplc_template[CARD_CPLC_LEN] = {
	0x45, 0x50,		/* IC fabricator: "EP", emvperso */
	0x56, 0x43,		/* IC type: "VC", virtual card */
	0x45, 0x56,		/* OS identifier */
	0x60, 0x01,		/* OS release date (YDDD) */
	0x01, 0x00,		/* OS release level */
	0x60, 0x01,		/* IC fabrication date */
	0, 0, 0, 0,		/* IC serial number */
	0x00, 0x01,		/* IC batch identifier */
	0x45, 0x50,		/* IC module fabricator */
	0x60, 0x01,		/* IC module packaging date */
	0x45, 0x50,		/* ICC manufacturer */
	0x60, 0x01,		/* IC embedding date */
	0x00, 0x00,		/* IC pre-personalizer */
	0x00, 0x00,		/* IC pre-perso equipment date */
	0, 0, 0, 0,		/* IC pre-perso equipment ID */
	0x00, 0x00,		/* IC personalizer */
	0x00, 0x00,		/* IC personalization date */
	0, 0, 0, 0		/* IC personalization equipment ID */
};

void
card_kdd(const uint8_t *isd, size_t isdlen,
    const uint8_t serial[CARD_SERIAL_LEN], uint8_t kdd[SCP_KDD_LEN])
{
	/* KEYDATA: AID[-2..-1] || fabrication date || IC serial || batch,
	 * so that EMV CPS 1.1 (KDD[4..9]) and VISA2 (KDD[0..1], KDD[4..7])
	 * both find what they expect. */
	memcpy(kdd, isd + isdlen - 2, 2);
	memcpy(kdd + 2, cplc_template + 10, 2);
	memcpy(kdd + 4, serial, CARD_SERIAL_LEN);
	memcpy(kdd + 8, cplc_template + 16, 2);
}

int
card_maker_keys(const char *method, enum sym_alg alg, const uint8_t *kmc,
    const uint8_t *mac, const uint8_t *dek, const uint8_t kdd[SCP_KDD_LEN],
    uint8_t scp, uint8_t kvn, struct scp_keys *out)
{
	enum scp_div div;
	int rc;

	if (mac != NULL && dek != NULL)
		rc = scp_keys_set(out, alg, kvn, kmc, mac, dek);
	else if (strcmp(method, "none") == 0)
		rc = scp_keys_set(out, alg, kvn, kmc, kmc, kmc);
	else {
		if (strcmp(method, "emv") == 0)
			div = SCP_DIV_EMV;
		else if (strcmp(method, "visa2") == 0)
			div = SCP_DIV_VISA2;
		else if (strcmp(method, "kdf3") == 0)
			div = SCP_DIV_KDF3;
		else
			return -1;
		rc = scp_diversify(div, alg, kmc, kdd, kvn, out);
	}
	if (rc != 0 || (scp == 2) != (out->alg == SYM_3DES2)) {
		scp_keys_clear(out);
		return -2;
	}
	return 0;
}

int
card_scp_parse(const char *s, uint8_t *scp, uint8_t *i, uint8_t *kvn)
{
	unsigned v[3] = { 0, 0, 0 };
	char *end;
	int k;

	for (k = 0; k < 3; k++) {
		v[k] = (unsigned)strtoul(s, &end, 16);
		if (end == s || end - s > 2)
			return -1;
		if (*end == '\0')
			break;
		if (*end != ':' || k == 2)
			return -1;
		s = end + 1;
	}
	if ((v[0] != 2 && v[0] != 3) || v[2] > 0x7F)
		return -1;
	*scp = (uint8_t)v[0];
	*i = k >= 1 ? (uint8_t)v[1] : v[0] == 2 ? 0x15 : 0x70;
	*kvn = v[2] ? (uint8_t)v[2] : v[0] == 2 ? 0x01 : 0x30;
	return 0;
}

int
card_init_blank(struct card *c, const struct card_blank *b)
{
	if (b->isdlen < 5 || b->isdlen > CARD_AID_MAX || b->aidlen < 5 ||
	    b->aidlen > CARD_AID_MAX)
		return -1;
	memset(c, 0, sizeof *c);
	memcpy(c->cplc, cplc_template, sizeof c->cplc);
	memcpy(c->cplc + 12, b->serial, CARD_SERIAL_LEN);
	memcpy(c->serial, b->serial, CARD_SERIAL_LEN);
	card_kdd(b->isd, b->isdlen, b->serial, c->kdd);
	memcpy(c->isd, b->isd, b->isdlen);
	c->isdlen = b->isdlen;
	memcpy(c->aid, b->aid, b->aidlen);
	c->aidlen = b->aidlen;
	c->life = CARD_SECURED;
	c->keys = *b->keys;
	c->scp = b->scp;
	c->scpi = b->scpi;
	c->seq = b->seq;
	c->authmax = b->authmax;
	c->app = CARD_APP_SELECTABLE;
	c->test = b->test;
	return 0;
}

static void
volatile_clear(struct card *c)
{
	scp_end(&c->sc);
	if (c->part.buf != NULL)
		OPENSSL_clear_free(c->part.buf, c->part.want);
	memset(&c->part, 0, sizeof c->part);
	c->perso = 0;
	c->sdblock = 0;
	c->sdstarted = 0;
	c->npending = 0;
	OPENSSL_cleanse(&c->tx, sizeof c->tx);
}

void
card_free(struct card *c)
{
	size_t i;

	volatile_clear(c);
	EVP_PKEY_free(c->icc);
	for (i = 0; i < c->ndgi; i++)
		OPENSSL_clear_free(c->dgi[i].val, c->dgi[i].len);
	scp_keys_clear(&c->keys);
	OPENSSL_cleanse(c, sizeof *c);
}

size_t
card_atr(const struct card *c, uint8_t *atr)
{
	/* TS 3B, T0 = TD1 present, 0 historical bytes; TD1 = T=1 and TD2
	 * present; TD2 = T=1; TCK.  Under t0: 3B 02 14 50, T=0 only. */
	static const uint8_t t1[] = { 0x3B, 0x80, 0x80, 0x01, 0x01 };
	static const uint8_t t0[] = { 0x3B, 0x02, 0x14, 0x50 };

	if (c->t0) {
		memcpy(atr, t0, sizeof t0);
		return sizeof t0;
	}
	memcpy(atr, t1, sizeof t1);
	return sizeof t1;
}

void
card_power(struct card *c, int what)
{
	volatile_clear(c);
	c->powered = what != 0;
	/* GP 2.3 3.4.1: the ISD is the default selected application. */
	c->sel = CARD_SEL_ISD;
}

int
card_random(struct card *c, uint8_t *out, size_t n)
{
	size_t i;

	if (c->rnd == NULL || c->rndlen == 0)
		return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
	for (i = 0; i < n; i++) {
		out[i] = c->rnd[c->rndpos++];
		if (c->rndpos == c->rndlen)
			c->rndpos = 0;
	}
	return 0;
}

void
card_dirty(struct card *c)
{
	c->dirty = 1;
}

struct card_dgi *
card_dgi_get(struct card *c, uint16_t id)
{
	size_t i;

	for (i = 0; i < c->ndgi; i++)
		if (c->dgi[i].id == id)
			return &c->dgi[i];
	return NULL;
}

int
card_dgi_put(struct card *c, uint16_t id, const uint8_t *val, size_t len)
{
	struct card_dgi *d = card_dgi_get(c, id);
	uint8_t *v;

	if (len > CARD_DGI_LEN || (d == NULL && c->ndgi == CARD_DGI_MAX))
		return -1;
	if ((v = malloc(len ? len : 1)) == NULL)
		return -1;
	memcpy(v, val, len);
	if (d == NULL) {
		d = &c->dgi[c->ndgi++];
		d->id = id;
	} else
		OPENSSL_clear_free(d->val, d->len);
	d->val = v;
	d->len = len;
	c->dirty = 1;
	return 0;
}

/* 1 if a DGI holds BER-TLV data objects the application reads by tag:
 * records and internal data (CPS 1.1 DGIs 0101-1EFF), the FCI and GPO
 * data (9102, 9104), the issuer application data template (9200). */
static int
tlv_dgi(uint16_t id)
{
	return (id >> 8 >= 0x01 && id >> 8 <= 0x1E && (id & 0xFF) != 0) ||
	    id == 0x9102 || id == 0x9104 || id == 0x9200;
}

int
card_find_tag(struct card *c, uint32_t tag, const uint8_t **val,
    size_t *len)
{
	struct tlv t;
	size_t i;

	for (i = 0; i < c->ndgi; i++) {
		if (!tlv_dgi(c->dgi[i].id) ||
		    tlv_find(c->dgi[i].val, c->dgi[i].len, tag, &t) != 1)
			continue;
		*val = t.val;
		*len = t.len;
		return 1;
	}
	return 0;
}

int
card_put_tlv(uint8_t *out, size_t *off, size_t cap, uint32_t tag,
    const uint8_t *val, size_t len)
{
	size_t need = tlv_size(tag, len);

	if (len > 65535 || need > cap - *off || *off > cap)
		return -1;
	*off += tlv_encode(tag, val, len, out + *off);
	return 0;
}

static const char *life_names[] = {
	"op-ready", "initialized", "secured", "locked", "terminated"
};
static const enum card_life life_codes[] = {
	CARD_OP_READY, CARD_INITIALIZED, CARD_SECURED, CARD_LOCKED,
	CARD_TERMINATED
};
static const char *app_names[] = { "selectable", "personalized", "blocked" };

const char *
card_life_name(enum card_life l)
{
	size_t i;

	for (i = 0; i < sizeof life_codes / sizeof life_codes[0]; i++)
		if (life_codes[i] == l)
			return life_names[i];
	return "unknown";
}

int
card_life_parse(const char *s, enum card_life *l)
{
	size_t i;

	for (i = 0; i < sizeof life_codes / sizeof life_codes[0]; i++)
		if (strcmp(s, life_names[i]) == 0) {
			*l = life_codes[i];
			return 0;
		}
	return -1;
}

const char *
card_app_name(enum card_app a)
{
	return (unsigned)a < 3 ? app_names[a] : "unknown";
}

int
card_app_parse(const char *s, enum card_app *a)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, app_names[i]) == 0) {
			*a = (enum card_app)i;
			return 0;
		}
	return -1;
}

uint16_t
card_apdu_parse(struct card_apdu *a, const uint8_t *cmd, size_t n)
{
	memset(a, 0, sizeof *a);
	a->raw = cmd;
	a->rawlen = n;
	if (n < 4)
		return SW_WRONG_LENGTH;
	a->cla = cmd[0];
	a->ins = cmd[1];
	a->p1 = cmd[2];
	a->p2 = cmd[3];
	/* Never NULL, so a->data + a->lc is always defined. */
	a->data = cmd + 4;
	if (n == 4)
		return SW_OK;
	if (n == 5) {
		a->has_le = 1;
		a->le = cmd[4] ? cmd[4] : 256;
		return SW_OK;
	}
	/* Lc 00 opens an extended length field: not supported. */
	if (cmd[4] == 0)
		return SW_WRONG_LENGTH;
	a->lc = cmd[4];
	a->data = cmd + 5;
	if (n == 5 + a->lc)
		return SW_OK;
	if (n == 6 + a->lc) {
		a->has_le = 1;
		a->le = cmd[n - 1] ? cmd[n - 1] : 256;
		return SW_OK;
	}
	return SW_WRONG_LENGTH;
}

/* EMV 4.4 Book 1, 11.3: SELECT by DF name, first or only occurrence (a
 * partial name selects the application it starts), FCI returned. */
static uint16_t
select_cmd(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	enum card_sel sel;
	uint16_t sw;

	if (a->cla != 0x00)
		return SW_CLA;
	if (a->p1 != 0x04)
		return SW_P1P2;
	/* P2: first (00) or next (02) occurrence; b4-b3 11: no FCI. */
	if ((a->p2 & 0xF1) != 0x00)
		return SW_P1P2;
	if (a->lc == 0 || (a->lc == c->isdlen &&
	    memcmp(a->data, c->isd, c->isdlen) == 0))
		sel = CARD_SEL_ISD;
	else if (a->lc == PSELEN && memcmp(a->data, pse, PSELEN) == 0)
		sel = CARD_SEL_PSE;
	else if (a->lc == PSELEN && memcmp(a->data, ppse, PSELEN) == 0)
		sel = CARD_SEL_PPSE;
	else if (a->lc >= 5 && a->lc <= c->aidlen &&
	    memcmp(a->data, c->aid, a->lc) == 0)
		sel = CARD_SEL_APP;
	else
		return SW_NOT_FOUND;
	/* One application: there is no next occurrence. */
	if ((a->p2 & 0x02) && sel != CARD_SEL_ISD)
		return SW_NOT_FOUND;
	if (sel == CARD_SEL_ISD)
		sw = cardgp_select(c, out, len);
	else if (sel == CARD_SEL_APP && c->app == CARD_APP_SELECTABLE)
		sw = cardgp_select_perso(c, out, len);
	else
		sw = cardemv_select(c, sel, out, len);
	if (sw != SW_OK && sw != 0x6283)
		return sw;
	if ((a->p2 & 0x0C) == 0x0C)
		*len = 0;
	/* GP 2.3 10.2.3: a new selection closes the secure channel. */
	volatile_clear(c);
	c->sel = sel;
	return sw;
}

static uint16_t
dispatch(struct card *c, const struct card_apdu *a, uint8_t *out,
    size_t *len)
{
	uint8_t cla = a->cla;

	/* ISO/IEC 7816-4 5.4.1: FF is invalid; 0x and 8x (GP) carry the
	 * logical channel in b2-b1 and secure messaging in b4-b3. */
	if (cla == 0xFF || (cla & 0x70) != 0 || (cla & 0x80 && cla & 0x08))
		return SW_CLA;
	if (cla & 0x03)
		return SW_CHANNEL;
	/* 7816-4 5.1.2: odd, 6X and 9X instruction bytes are invalid. */
	if ((a->ins & 0xF0) == 0x60 || (a->ins & 0xF0) == 0x90)
		return SW_INS;
	if (a->ins == 0xA4)
		return select_cmd(c, a, out, len);
	if (a->ins == 0xC0 && cla == 0x00) {
		if (c->npending == 0)
			return SW_CONDITIONS;
		if (a->lc != 0)
			return SW_WRONG_LENGTH;
		if (!a->has_le || a->le != c->npending)
			return (uint16_t)(0x6C00 | (c->npending & 0xFF));
		memcpy(out, c->pending, c->npending);
		*len = c->npending;
		c->npending = 0;
		return SW_OK;
	}
	c->npending = 0;
	switch (c->sel) {
	case CARD_SEL_ISD:
		return cardgp_apdu(c, a, out, len);
	case CARD_SEL_APP:
		/* A personalized application refuses STORE DATA (6985). */
		if (c->app == CARD_APP_SELECTABLE || (a->ins == 0xE2 &&
		    (cla & ~0x04) == 0x80))
			return cardgp_apdu(c, a, out, len);
		/* FALLTHROUGH */
	case CARD_SEL_PSE:
	case CARD_SEL_PPSE:
		return cardemv_apdu(c, a, out, len);
	default:
		return SW_CONDITIONS;
	}
}

/* 1 if a status word may come with data (7816-4 5.1.3: 9000, 61xx and
 * the warnings 62xx, 63xx). */
static int
data_sw(uint16_t sw)
{
	return sw == SW_OK || (sw >> 8) == 0x61 || (sw >> 8) == 0x62 ||
	    (sw >> 8) == 0x63;
}

size_t
card_apdu(struct card *c, const uint8_t *cmd, size_t n, uint8_t *rsp)
{
	struct card_apdu a;
	size_t len = 0;
	uint16_t sw;

	c->dirty = 0;
	if ((sw = card_apdu_parse(&a, cmd, n)) == SW_OK)
		sw = dispatch(c, &a, rsp, &len);
	if (!data_sw(sw) || len > CARD_RSP_MAX - 2)
		len = 0;
	if (c->dirty && c->save != NULL && c->save(c, c->savearg) < 0) {
		len = 0;
		sw = SW_MEMORY;
	}
	c->dirty = 0;
	if (len > 0 && a.has_le && a.le < len && !c->t0) {
		/* 7816-3 12.2: wrong Le: tell the right one, no data. */
		sw = (uint16_t)(0x6C00 | (len & 0xFF));
		len = 0;
	} else if (len > 0 && c->t0 && (!a.has_le || a.lc > 0)) {
		/* T=0 case 4: the data waits for GET RESPONSE. */
		memcpy(c->pending, rsp, len);
		c->npending = len;
		sw = (uint16_t)(0x6100 | (len & 0xFF));
		len = 0;
	} else if (len > 0 && c->t0 && a.le != len) {
		sw = (uint16_t)(0x6C00 | (len & 0xFF));
		len = 0;
	}
	rsp[len] = (uint8_t)(sw >> 8);
	rsp[len + 1] = (uint8_t)sw;
	return len + 2;
}
