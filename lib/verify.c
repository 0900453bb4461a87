/* verify.c: checks of a card record (verify.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "capk.h"
#include "cvn.h"
#include "date.h"
#include "hex.h"
#include "pinblock.h"
#include "tlv.h"
#include "track.h"
#include "verify.h"

static int
no(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return 1;
}

/* The bytes of field name (at most max) into out: length, -1 absent, -2
 * not hex or too long. */
static long
bin(const struct rec *r, const char *name, uint8_t *out, size_t max)
{
	const struct rec_field *f = rec_get(r, name);

	if (f == NULL)
		return -1;
	if (f->vallen % 2 || f->vallen / 2 > max)
		return -2;
	return hex_decode(f->value, f->vallen, out) < 0 ? -2 :
	    (long)(f->vallen / 2);
}

static void
addname(char *names, size_t namelen, const char *n, size_t len)
{
	size_t have = strlen(names);

	if (have + len + 5 > namelen) {
		if (have + 4 < namelen && (have < 3 ||
		    strcmp(names + have - 3, "...") != 0))
			strcat(names, have ? ",..." : "...");
		return;
	}
	if (have)
		names[have++] = ',';
	memcpy(names + have, n, len);
	names[have + len] = '\0';
}

static int
record_dgi(const struct rec_field *f)
{
	return f->kind == REC_DGI && f->tag >> 8 >= 1 && f->tag >> 8 <= 30 &&
	    (f->tag & 0xFF) != 0;
}

/* Tags inside a prepared record DGI the card record lacks or holds with
 * another value. */
static int
missing_in(const struct rec *card, const uint8_t *b, size_t n, char *names,
    size_t namelen)
{
	const uint8_t *p = b, *end = b + n;
	struct tlv t;
	char name[8], hex[2 * 255 + 1];
	const char *v;
	int d = 0;

	while (tlv_next(&p, end, &t) == 1) {
		if (t.constructed) {
			d += missing_in(card, t.val, t.len, names, namelen);
			continue;
		}
		snprintf(name, sizeof name, "%0*X", (int)t.taglen * 2,
		    (unsigned)t.tag);
		if (t.len > 255)
			continue;
		hex_encode(t.val, t.len, hex);
		if ((v = rec_value(card, name)) == NULL ||
		    strcasecmp(v, hex) != 0) {
			if (strstr(names, name) != NULL)
				continue;
			addname(names, namelen, name, strlen(name));
			d++;
		}
	}
	return d;
}

int
verify_compare(const struct rec *card, const struct rec *prep, char *names,
    size_t namelen)
{
	const struct rec_field *f, *g;
	char name[16];
	uint8_t *b;
	size_t i, n;
	int d = 0;

	names[0] = '\0';
	for (i = 0; i < card->nf; i++) {
		f = &card->f[i];
		if (f->kind != REC_TAG && !record_dgi(f))
			continue;
		snprintf(name, sizeof name, "%.*s", (int)f->namelen, f->name);
		if ((g = rec_get(prep, name)) == NULL)
			continue;
		if (g->vallen != f->vallen ||
		    strncasecmp(g->value, f->value, f->vallen) != 0) {
			addname(names, namelen, f->name, f->namelen);
			d++;
		}
	}
	for (i = 0; i < prep->nf; i++) {
		f = &prep->f[i];
		if (!record_dgi(f))
			continue;
		snprintf(name, sizeof name, "%.*s", (int)f->namelen, f->name);
		if (rec_get(card, name) == NULL) {
			addname(names, namelen, f->name, f->namelen);
			d++;
			continue;
		}
		if (rec_bin(f, &b, &n) != 0)
			continue;
		d += missing_in(card, b, n, names, namelen);
		free(b);
	}
	return d;
}

int
verify_stripe(const struct rec *card, char *why, size_t whylen)
{
	uint8_t v[40];
	struct track t, a;
	char pan[TRACK_PANMAX + 1], exp[5], sc[4];
	const char *e, *s;
	char *dec;
	size_t dl;
	long n;
	int rc = 0;

	if ((n = bin(card, "57", v, sizeof v)) < 0)
		return no(why, whylen, "57: %s", n == -1 ? "absent" :
		    "not hex");
	if (track57_parse(v, (size_t)n, &t, &e) < 0)
		return no(why, whylen, "57: %s", e);
	if ((n = bin(card, "5A", v, sizeof v)) < 0 ||
	    track_pan_cn(v, (size_t)n, pan) < 0)
		rc = no(why, whylen, "5A: absent or not a PAN");
	else if (strcmp(pan, t.pan) != 0)
		rc = no(why, whylen, "57: PAN differs from 5A");
	else if ((n = bin(card, "5F24", v, sizeof v)) < 0 ||
	    track_expiry_n(v, (size_t)n, exp) < 0)
		rc = no(why, whylen, "5F24: absent or not a date");
	else if (strcmp(exp, t.expiry) != 0)
		rc = no(why, whylen, "57: expiry differs from 5F24");
	else if ((n = bin(card, "5F30", v, sizeof v)) >= 0 &&
	    (track_sc_n(v, (size_t)n, sc) < 0 || strcmp(sc, t.sc) != 0))
		rc = no(why, whylen, "57: service code differs from 5F30");
	else if ((s = rec_value(card, "track2")) != NULL) {
		if ((dec = rec_pct_decode(s, strlen(s), &dl)) == NULL ||
		    track2_parse(dec, dl, &a, &e) < 0)
			rc = no(why, whylen, "track2: not track 2 data");
		else if (strcmp(a.pan, t.pan) || strcmp(a.expiry, t.expiry) ||
		    strcmp(a.sc, t.sc))
			rc = no(why, whylen, "track2: differs from 57");
		if (dec != NULL)
			OPENSSL_clear_free(dec, dl);
	}
	OPENSSL_cleanse(&t, sizeof t);
	OPENSSL_cleanse(&a, sizeof a);
	OPENSSL_cleanse(pan, sizeof pan);
	OPENSSL_cleanse(v, sizeof v);
	return rc;
}

int
verify_afl(const struct rec *card, char *why, size_t whylen)
{
	static const struct {
		uint8_t bit;
		const char *what, *tags[6];
	} need[] = {
		{ 0x40, "SDA", { "8F", "90", "93", "9F32" } },
		{ 0x20, "DDA", { "8F", "90", "9F32", "9F46", "9F47", "9F49" } },
		{ 0x01, "CDA", { "8F", "90", "9F32", "9F46", "9F47" } },
		{ 0x10, "cardholder verification", { "8E" } },
	};
	uint8_t afl[252], aip[2];
	char name[12];
	size_t i, j, listed = 0, present = 0;
	unsigned r;
	long n;

	if (bin(card, "82", aip, 2) != 2)
		return no(why, whylen, "82: absent or not 2 bytes");
	if ((n = bin(card, "94", afl, sizeof afl)) < 4 || n % 4)
		return no(why, whylen, "94: absent or not a multiple of 4");
	for (i = 0; i < (size_t)n; i += 4) {
		if ((afl[i] >> 3) < 1 || (afl[i] >> 3) > 30 || afl[i + 1] == 0 ||
		    afl[i + 2] < afl[i + 1] ||
		    afl[i + 3] > afl[i + 2] - afl[i + 1] + 1)
			return no(why, whylen, "94: entry %zu malformed",
			    i / 4 + 1);
		for (r = afl[i + 1]; r <= afl[i + 2]; r++, listed++) {
			snprintf(name, sizeof name, "DGI%02X%02X",
			    afl[i] >> 3, r);
			if (rec_get(card, name) == NULL)
				return no(why, whylen, "94: names record %u "
				    "of SFI %u, not on the card", r,
				    afl[i] >> 3);
		}
	}
	for (i = 0; i < card->nf; i++)
		if (card->f[i].kind == REC_DGI && card->f[i].tag >> 8 >= 1 &&
		    card->f[i].tag >> 8 <= 30)
			present++;
	if (present != listed)
		return no(why, whylen, "94: %zu records, the card has %zu",
		    listed, present);
	for (i = 0; i < sizeof need / sizeof need[0]; i++) {
		if (!(aip[0] & need[i].bit))
			continue;
		for (j = 0; j < 6 && need[i].tags[j] != NULL; j++)
			if (rec_get(card, need[i].tags[j]) == NULL)
				return no(why, whylen, "82: %s without %s",
				    need[i].what, need[i].tags[j]);
	}
	return 0;
}

int
verify_cvm(const struct rec *card, char *why, size_t whylen)
{
	uint8_t v[252];
	unsigned code;
	long n, i;

	if ((n = bin(card, "8E", v, sizeof v)) == -1)
		return 0;
	if (n < 10 || n % 2)
		return no(why, whylen, "8E: %ld bytes, want X, Y and rules",
		    n);
	for (i = 8; i < n; i += 2) {
		code = v[i] & 0x3F;
		if (!(code <= 0x05 || code == 0x1E || code == 0x1F ||
		    (code >= 0x20 && code <= 0x3E)))
			return no(why, whylen, "8E: rule %ld: CVM code %02X "
			    "unknown", (i - 8) / 2 + 1, code);
		if (v[i + 1] > 0x09 && v[i + 1] < 0x80)
			return no(why, whylen, "8E: rule %ld: condition %02X "
			    "unknown", (i - 8) / 2 + 1, v[i + 1]);
	}
	return 0;
}

int
verify_card_from_rec(const struct rec *card, struct cardread_card *c,
    char *why, size_t whylen)
{
	const struct rec_field *f;
	char name[12];
	uint8_t *b;
	size_t i, n;
	unsigned r;
	long m;

	memset(c, 0, sizeof *c);
	if (bin(card, "82", c->aip, 2) != 2 ||
	    (m = bin(card, "94", c->afl, sizeof c->afl)) < 4 || m % 4)
		return no(why, whylen, "82, 94: absent or malformed");
	c->afllen = (size_t)m;
	c->gpo = 1;
	if ((m = bin(card, "4F", c->aid, 16)) < 0)
		m = rec_value(card, "aid") && strlen(rec_value(card, "aid"))
		    <= 32 ? hex_decode(rec_value(card, "aid"),
		    strlen(rec_value(card, "aid")), c->aid) : -1;
	c->aidlen = m > 0 ? (size_t)m : 0;
	for (i = 0; i < c->afllen; i += 4)
		for (r = c->afl[i + 1]; r <= c->afl[i + 2]; r++) {
			snprintf(name, sizeof name, "DGI%02X%02X",
			    c->afl[i] >> 3, r);
			if ((f = rec_get(card, name)) == NULL ||
			    c->nrec >= CARDREAD_MAXREC || rec_bin(f, &b, &n))
				return no(why, whylen, "%s: absent", name);
			if (n > sizeof c->rec[0].data) {
				free(b);
				return no(why, whylen, "%s: too long", name);
			}
			c->rec[c->nrec].sfi = c->afl[i] >> 3;
			c->rec[c->nrec].recno = (uint8_t)r;
			c->rec[c->nrec].oda = r - c->afl[i + 1] <
			    c->afl[i + 3];
			memcpy(c->rec[c->nrec].data, b, n);
			c->rec[c->nrec++].len = n;
			free(b);
		}
	return 0;
}

/* A card value (present, at most max bytes). */
static const uint8_t *
cv(const struct cardread_card *c, uint32_t tag, size_t *n)
{
	return cardread_find(c, tag, n);
}

int
verify_oda(const struct cardread_card *c, const char *capkpath, int test,
    struct oda_pub *icc, int *hasicc, char *why, size_t whylen)
{
	const uint8_t *p8f, *p90, *p92, *p9f32, *v, *r, *e;
	size_t n8f, n90, n92 = 0, n9f32, n, rn = 0, en, sdalen;
	char pan[TRACK_PANMAX + 1] = "", err[160];
	struct oda_cert ic, cc;
	struct capk k;
	struct date today;
	uint8_t *sda;
	int rc;

	*hasicc = 0;
	if (!(c->aip[0] & 0x61))
		return 0;
	if (capkpath == NULL)
		return no(why, whylen, "8F: no CA key list (-l)");
	if ((p8f = cv(c, 0x8F, &n8f)) == NULL || n8f != 1 ||
	    (p90 = cv(c, 0x90, &n90)) == NULL ||
	    (p9f32 = cv(c, 0x9F32, &n9f32)) == NULL || c->aidlen < 5)
		return no(why, whylen, "90: issuer certificate data absent");
	p92 = cv(c, 0x92, &n92);
	if ((rc = capk_find(capkpath, c->aid, p8f[0], test, &k, err,
	    sizeof err)) != 0)
		return rc < 0 ? no(why, whylen, "8F: %s", err) :
		    no(why, whylen, "8F: CA key %02X not in the list",
		    p8f[0]);
	if ((v = cv(c, 0x5A, &n)) != NULL)
		track_pan_cn(v, n, pan);
	oda_today(&today);
	if ((rc = oda_issuer_cert_verify(&k.key, p90, n90, p92, n92, p9f32,
	    n9f32, pan[0] ? pan : NULL, &today, &ic)) != 0)
		return no(why, whylen, "90: %s", oda_strerror(rc));
	if (cardread_oda_data(c, &sda, &sdalen, err, sizeof err) != 0)
		return no(why, whylen, "94: %s", err);
	rc = 0;
	if ((c->aip[0] & 0x40) && (v = cv(c, 0x93, &n)) != NULL &&
	    (rc = oda_ssad_verify(&ic.key, v, n, sda, sdalen, NULL)) != 0)
		rc = no(why, whylen, "93: %s", oda_strerror(rc));
	if (rc == 0 && (c->aip[0] & 0x21)) {
		v = cv(c, 0x9F46, &n);
		r = cv(c, 0x9F48, &rn);
		e = cv(c, 0x9F47, &en);
		if (v == NULL || e == NULL)
			rc = no(why, whylen, "9F46: absent");
		else if ((rc = oda_icc_cert_verify(&ic.key, v, n, r, r ? rn : 0,
		    e, en, sda, sdalen, pan[0] ? pan : NULL, &today,
		    &cc)) != 0)
			rc = no(why, whylen, "9F46: %s", oda_strerror(rc));
		else {
			if (icc != NULL)
				*icc = cc.key;
			*hasicc = 1;
		}
	}
	free(sda);
	OPENSSL_cleanse(pan, sizeof pan);
	return rc;
}

/* ---- exercising the card's keys ---- */

struct ex {
	struct pcsc *p;
	struct cardread_card c;
	char pan[20], psn[3];
	size_t pandigits;
	verify_fail_fn *fail;
	void *arg;
	int nfail;
};

static void
bad(struct ex *x, const char *check, const char *fmt, ...)
{
	char why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	x->fail(x->arg, check, why);
	x->nfail++;
}

/* The PIN of the prepared record: DGI8010, the reference PIN block sealed
 * under the record's kek, opened here and wiped by the caller.  0, 1 (no
 * PIN prepared) or -1 with why. */
static int
prep_pin(const struct rec *prep, struct verify_keys *k, const char *pan,
    size_t pandigits, char pin[PINBLOCK_PINMAX + 1], size_t *pinlen,
    char *why, size_t whylen)
{
	const char *kek = rec_value(prep, "kek");
	struct ks_key key;
	uint8_t sealed[32], *clear = NULL;
	long n;
	int fmt, rc = -1;

	if ((n = bin(prep, "DGI8010", sealed, sizeof sealed)) == -1)
		return 1;
	if (n < 8 || kek == NULL) {
		snprintf(why, whylen, "DGI8010: %s", kek == NULL ? "no kek" :
		    "not a sealed PIN block");
		return -1;
	}
	if (ks_get(k->ks, kek, KS_USE_WRAP, &key, why, whylen) != 0)
		return -1;
	k->usedtest |= key.test;
	if (n % (key.sym <= SYM_3DES3 ? 8 : 16) != 0 ||
	    ks_kek_open(&key, sealed, (size_t)n, &clear) != 0)
		snprintf(why, whylen, "DGI8010: cannot open under %s", kek);
	else if (pinblock_decode(clear, pan, pandigits, &fmt, pin,
	    pinlen) != 0)
		snprintf(why, whylen, "DGI8010: not a PIN block");
	else
		rc = 0;
	if (clear != NULL)
		OPENSSL_clear_free(clear, (size_t)n);
	ks_key_clear(&key);
	return rc;
}

static void
ex_pin(struct ex *x, const struct rec *prep, struct verify_keys *k,
    const struct oda_pub *icc, int hasicc)
{
	char pin[PINBLOCK_PINMAX + 1], why[200];
	size_t pinlen = 0;
	int rc;

	if (k->ks == NULL)
		return;
	if ((rc = prep_pin(prep, k, x->pan, x->pandigits, pin, &pinlen, why,
	    sizeof why)) == 1)
		return;
	if (rc != 0)
		bad(x, "pin", "%s", why);
	else if (cardread_verify_plain(x->p, pin, pinlen, why,
	    sizeof why) != 0)
		bad(x, "pin", "plaintext PIN: %s", why);
	else if (hasicc && cardread_verify_enc(x->p, icc, pin, pinlen, why,
	    sizeof why) != 0)
		bad(x, "pin", "enciphered PIN: %s", why);
	OPENSSL_cleanse(pin, sizeof pin);
}

static void
ex_dda(struct ex *x, const struct cardread_term *t, const struct oda_pub *icc,
    int hasicc)
{
	static const uint8_t defddol[] = { 0x9F, 0x37, 0x04 };
	uint8_t dd[256], sdad[ODA_NMAX], idn[8];
	const uint8_t *ddol;
	size_t ddn, sn, idnlen, n;
	char why[200];
	int rc;

	if (!(x->c.aip[0] & 0x20))
		return;
	if (!hasicc) {
		bad(x, "dda", "no verified ICC public key");
		return;
	}
	if ((ddol = cardread_find(&x->c, 0x9F49, &n)) == NULL) {
		ddol = defddol;
		n = sizeof defddol;
	}
	if (cardread_dol(ddol, n, t, &x->c, dd, sizeof dd, &ddn, why,
	    sizeof why) != 0 || cardread_internal_auth(x->p, dd, ddn, sdad,
	    &sn, why, sizeof why) != 0)
		bad(x, "dda", "%s", why);
	else if ((rc = oda_dda_verify(icc, sdad, sn, dd, ddn, idn,
	    &idnlen)) != 0)
		bad(x, "dda", "9F4B: %s", oda_strerror(rc));
}

/* Whether DOL dol[0..n) asks for tag. */
static int
dol_has(const uint8_t *dol, size_t n, uint32_t tag)
{
	const uint8_t *q = dol;
	struct dol_entry e;

	while (q < dol + n && dol_next(&q, dol + n, &e) == 1)
		if (e.tag == tag)
			return 1;
	return 0;
}

/* The card's master key of the CVN from an issuer master key. */
static int
card_mk(struct ex *x, const struct cvn *cv, const uint8_t imk[16],
    uint8_t mk[16])
{
	return cvn_derive_mk(cv, imk, x->pan, x->pandigits, x->psn, mk);
}

/* First GENERATE AC, ARQC check, second GENERATE AC with the ARPC, then
 * a script command; mk holds MK-AC and MK-SMI while they are used. */
static void
ex_ac(struct ex *x, const struct cardread_term *t, struct verify_keys *k)
{
	static const uint8_t arc[2] = { 0x30, 0x30 }, hdr[4] =
	    { 0x84, 0x18, 0x00, 0x00 };
	static struct cardread_term t2;
	const struct cvn *cv;
	struct cvn_iad iad;
	struct cardread_ac ac, ac2;
	const uint8_t *cdol1, *cdol2;
	uint8_t d1[256], d2[256], tdata[CVN_TDATA_LEN], mk[16], d91[16];
	uint8_t apdu[64];
	size_t c1n, c2n = 0, d1n, d2n, n91, an;
	char why[200];
	int rc, arqc_ok = 0;

	if (k->imk_ac == NULL && k->imk_smi == NULL)
		return;
	if ((cdol1 = cardread_find(&x->c, 0x8C, &c1n)) == NULL) {
		bad(x, "arqc", "8C: no CDOL1");
		return;
	}
	cdol2 = cardread_find(&x->c, 0x8D, &c2n);
	if (cardread_dol(cdol1, c1n, t, &x->c, d1, sizeof d1, &d1n, why,
	    sizeof why) != 0 || cardread_genac(x->p, 0x80, d1, d1n, &ac, why,
	    sizeof why) != 0) {
		bad(x, "arqc", "%s", why);
		return;
	}
	if ((ac.cid & 0xC0) != 0x80 || !ac.hasac) {
		bad(x, "arqc", "9F27: the card gave %02X, not an ARQC", ac.cid);
		return;
	}
	if ((rc = cvn_iad_parse(cvn_scheme_of_aid(x->c.aid, x->c.aidlen),
	    ac.iad, ac.iadlen, &iad, &cv)) != 0) {
		bad(x, "arqc", "9F10: %s", cvn_strerror(rc));
		return;
	}
	if (cvn_tdata(cdol1, c1n, d1, d1n, NULL, 0, NULL, 0, tdata) != 0) {
		bad(x, "arqc", "8C: CDOL1 lacks the terminal data of the AC");
		return;
	}
	if (k->imk_ac != NULL) {
		if (card_mk(x, cv, k->imk_ac, mk) != 0)
			bad(x, "arqc", "5A: cannot derive MK-AC");
		else if ((rc = cvn_ac_verify(cv, mk, ac.atc, tdata + 25, tdata,
		    sizeof tdata, x->c.aip, ac.iad, ac.iadlen, ac.ac)) != 0)
			bad(x, "arqc", "9F26: %s", cvn_strerror(rc));
		else
			arqc_ok = 1;
	}
	/* Book 3, 10.9: the issuer's answer by EXTERNAL AUTHENTICATE when
	 * the AIP says issuer authentication, else in CDOL2 (91); a TC in
	 * the second GENERATE AC if it is accepted. */
	if (arqc_ok && cdol2 != NULL) {
		t2 = *t;
		if (cvn_issuer_answer(cv, mk, ac.atc, tdata + 25, ac.ac, arc,
		    1, d91, sizeof d91, &n91) != 0 ||
		    cardread_term_set(&t2, 0x8A, arc, sizeof arc) != 0 ||
		    cardread_term_set(&t2, 0x91, d91, n91) != 0)
			bad(x, "arpc", "cannot make the ARPC");
		else if ((x->c.aip[0] & 0x04 || !dol_has(cdol2, c2n, 0x91)) &&
		    cardread_external_auth(x->p, d91, n91, why,
		    sizeof why) != 0)
			bad(x, "arpc", "%s", why);
		else if (cardread_dol(cdol2, c2n, &t2, &x->c, d2, sizeof d2,
		    &d2n, why, sizeof why) != 0 || cardread_genac(x->p, 0x40,
		    d2, d2n, &ac2, why, sizeof why) != 0)
			bad(x, "arpc", "%s", why);
		else if ((ac2.cid & 0xC0) != 0x40)
			bad(x, "arpc", "second GENERATE AC: %02X, not a TC",
			    ac2.cid);
		OPENSSL_cleanse(d91, sizeof d91);
	}
	OPENSSL_cleanse(mk, sizeof mk);
	if (k->imk_smi == NULL)
		return;
	if (card_mk(x, cv, k->imk_smi, mk) != 0 ||
	    cvn_script_command(cv, mk, NULL, ac.atc, ac.ac, 0, hdr, NULL, 0,
	    apdu, sizeof apdu, &an) != 0)
		bad(x, "script", "cannot make the script command");
	else if (cardread_script(x->p, apdu, an, why, sizeof why) != 0)
		bad(x, "script", "%s", why);
	OPENSSL_cleanse(mk, sizeof mk);
}

int
verify_exercise(struct pcsc *p, const struct cardread_term *t,
    const struct rec *card, const struct rec *prep, struct verify_keys *k,
    verify_fail_fn *fail, void *arg)
{
	static struct ex x;
	struct oda_pub icc;
	const uint8_t *v;
	const char *want;
	char why[300], hex[24];
	size_t n;
	int hasicc = 0;

	memset(&x, 0, sizeof x);
	x.p = p;
	x.fail = fail;
	x.arg = arg;
	if (cardread_read(p, t, NULL, 0, &x.c, why, sizeof why) != 0) {
		bad(&x, "card", "%s", why);
		return x.nfail;
	}
	want = rec_value(card, "5A");
	if ((v = cardread_find(&x.c, 0x5A, &n)) == NULL || n > 10 ||
	    want == NULL || (hex_encode(v, n, hex), strcmp(hex, want)) != 0) {
		bad(&x, "card", "5A: another card in the reader");
		return x.nfail;
	}
	x.pandigits = strcspn(hex, "F");
	memcpy(x.pan, hex, x.pandigits);
	if ((v = cardread_find(&x.c, 0x5F34, &n)) != NULL && n == 1)
		hex_encode(v, 1, x.psn);
	else
		memcpy(x.psn, "00", 3);
	if (k->capk != NULL && verify_oda(&x.c, k->capk, k->test, &icc,
	    &hasicc, why, sizeof why) != 0)
		hasicc = 0;
	ex_pin(&x, prep, k, &icc, hasicc);
	ex_dda(&x, t, &icc, hasicc);
	ex_ac(&x, t, k);
	explicit_bzero(x.pan, sizeof x.pan);
	return x.nfail;
}
