/* cardread.c: the terminal's reading of an EMV card (cardread.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "dict.h"
#include "hex.h"
#include "pinblock.h"
#include "cardread.h"
#include "tlv.h"

static int
fail(char *err, size_t errlen, int rc, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return rc;
}

void
cardread_term_init(struct cardread_term *t)
{
	static const uint8_t amt[6] = { 0, 0, 0, 0, 1, 0 }, zero[6] = { 0 };
	static const uint8_t cc[2] = { 0x09, 0x78 }, tt = 0x22;
	static const uint8_t cap[3] = { 0xE0, 0xF8, 0xC8 };
	static const uint8_t acap[5] = { 0x60, 0x00, 0xF0, 0xA0, 0x01 };
	uint8_t d[3], un[4] = { 0 };
	time_t now = time(NULL);
	struct tm tm;

	t->n = 0;
	cardread_term_set(t, 0x9F02, amt, 6);
	cardread_term_set(t, 0x9F03, zero, 6);
	cardread_term_set(t, 0x9F1A, cc, 2);
	cardread_term_set(t, 0x95, zero, 5);
	cardread_term_set(t, 0x5F2A, cc, 2);
	gmtime_r(&now, &tm);
	d[0] = (uint8_t)((tm.tm_year % 100 / 10) << 4 | tm.tm_year % 10);
	d[1] = (uint8_t)(((tm.tm_mon + 1) / 10) << 4 | (tm.tm_mon + 1) % 10);
	d[2] = (uint8_t)((tm.tm_mday / 10) << 4 | tm.tm_mday % 10);
	cardread_term_set(t, 0x9A, d, 3);
	cardread_term_set(t, 0x9C, zero, 1);
	if (RAND_bytes(un, 4) != 1)
		memset(un, 0, 4);
	cardread_term_set(t, 0x9F37, un, 4);
	cardread_term_set(t, 0x9F35, &tt, 1);
	cardread_term_set(t, 0x9F33, cap, 3);
	cardread_term_set(t, 0x9F40, acap, 5);
}

const uint8_t *
cardread_term_get(const struct cardread_term *t, uint32_t tag, size_t *n)
{
	const uint8_t *p = t->tlv, *end = t->tlv + t->n;
	struct tlv v;

	while (tlv_next(&p, end, &v) == 1)
		if (v.tag == tag) {
			*n = v.len;
			return v.val;
		}
	return NULL;
}

int
cardread_term_set(struct cardread_term *t, uint32_t tag, const uint8_t *v,
    size_t n)
{
	uint8_t tmp[CARDREAD_TERMMAX];
	const uint8_t *p = t->tlv, *end = t->tlv + t->n, *start;
	size_t m = 0;
	struct tlv o;

	while (start = p, tlv_next(&p, end, &o) == 1)
		if (o.tag != tag) {
			memcpy(tmp + m, start + (size_t)(p - start) - o.hdrlen -
			    o.len, o.hdrlen + o.len);
			m += o.hdrlen + o.len;
		}
	if (m + tlv_size(tag, n) > sizeof tmp)
		return -1;
	m += tlv_encode(tag, v, n, tmp + m);
	memcpy(t->tlv, tmp, m);
	t->n = m;
	return 0;
}

int
cardread_term_from_rec(struct cardread_term *t, const struct rec *r, char *err,
    size_t errlen)
{
	uint8_t *v;
	size_t i, n;

	for (i = 0; i < r->nf; i++) {
		if (r->f[i].kind != REC_TAG)
			continue;
		if (rec_bin(&r->f[i], &v, &n) != 0 ||
		    cardread_term_set(t, r->f[i].tag, v, n) != 0) {
			snprintf(err, errlen, "%.*s: bad terminal data",
			    (int)r->f[i].namelen, r->f[i].name);
			free(v);
			return -1;
		}
		free(v);
	}
	return 0;
}

int
cardread_dol(const uint8_t *dol, size_t dollen, const struct cardread_term *t,
    const struct cardread_card *c, uint8_t *out, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	const uint8_t *p = dol, *end = dol + dollen, *v;
	const struct dict_entry *de;
	struct dol_entry e;
	size_t n, m = 0;
	int rc;

	while ((rc = dol_next(&p, end, &e)) == 1) {
		if (m + e.len > cap)
			return fail(err, errlen, CARDREAD_EDATA, "DOL too long");
		v = cardread_term_get(t, e.tag, &n);
		if (v == NULL && c != NULL)
			v = cardread_find(c, e.tag, &n);
		de = dict_lookup(e.tag);
		if (v == NULL || tlv_tag_constructed(e.tag)) {
			memset(out + m, 0, e.len);
		} else if (de != NULL && de->format == DICT_N) {
			/* Book 3, 5.4 b: n values on the left */
			memset(out + m, 0, e.len);
			if (n >= e.len)
				memcpy(out + m, v + n - e.len, e.len);
			else
				memcpy(out + m + e.len - n, v, n);
		} else {
			memset(out + m, de != NULL && de->format == DICT_CN ?
			    0xFF : 0, e.len);
			memcpy(out + m, v, n < e.len ? n : e.len);
		}
		m += e.len;
	}
	if (rc < 0)
		return fail(err, errlen, CARDREAD_EDATA, "malformed DOL");
	*len = m;
	return 0;
}

int
cardread_cmd(struct pcsc *p, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
    const uint8_t *data, size_t n, int le, unsigned flags, uint8_t *rsp,
    size_t *rlen, unsigned *sw, char *err, size_t errlen)
{
	uint8_t cmd[PCSC_CMD_MAX];
	size_t m = 4, got;
	int rc;

	if (n > 255)
		return fail(err, errlen, PCSC_ERR, "command data too long");
	cmd[0] = cla, cmd[1] = ins, cmd[2] = p1, cmd[3] = p2;
	if (n > 0) {
		cmd[m++] = (uint8_t)n;
		memcpy(cmd + m, data, n);
		m += n;
	}
	if (le)
		cmd[m++] = 0;
	rc = pcsc_transmit(p, cmd, m, flags, rsp, &got, err, errlen);
	OPENSSL_cleanse(cmd, sizeof cmd);
	if (rc < 0)
		return rc;
	*sw = pcsc_sw(rsp, got);
	*rlen = got - 2;
	return 0;
}

/* SELECT by name (Book 1, 11.3), first or next occurrence. */
static int
sel(struct pcsc *p, const uint8_t *name, size_t n, int next, uint8_t *rsp,
    size_t *rlen, unsigned *sw, char *err, size_t errlen)
{
	return cardread_cmd(p, 0x00, 0xA4, 0x04, next ? 0x02 : 0x00, name, n, 1,
	    0, rsp, rlen, sw, err, errlen);
}

struct cand {
	uint8_t aid[16];
	size_t len;
	unsigned prio;
};

/* Add the 61 entries of a directory (Book 1, 12.2.3) to the candidates. */
static void
dir_entries(const uint8_t *b, size_t n, struct cand *cd, size_t *nc)
{
	const uint8_t *p = b, *end = b + n;
	struct tlv t, a, pr;

	while (tlv_next(&p, end, &t) == 1) {
		if (t.tag != 0x61) {
			if (t.constructed)
				dir_entries(t.val, t.len, cd, nc);
			continue;
		}
		if (*nc >= CARDREAD_MAXAID ||
		    tlv_find(t.val, t.len, 0x4F, &a) != 1 || a.len < 5 ||
		    a.len > 16)
			continue;
		memcpy(cd[*nc].aid, a.val, a.len);
		cd[*nc].len = a.len;
		cd[*nc].prio = tlv_find(t.val, t.len, 0x87, &pr) == 1 &&
		    pr.len == 1 && (pr.val[0] & 0x0F) ? pr.val[0] & 0x0F : 16;
		(*nc)++;
	}
}

static int
supported(const uint8_t *aid, size_t len, const struct cardread_aid *aids,
    size_t n)
{
	size_t i;

	if (aids == NULL)
		return 1;
	for (i = 0; i < n; i++)
		if (aids[i].len <= len && memcmp(aids[i].aid, aid, aids[i].len) == 0)
			return 1;
	return 0;
}

/* The directory of the PSE (records of its SFI) or of the PPSE (BF0C). */
static int
directory(struct pcsc *p, int contactless, struct cand *cd, size_t *nc,
    char *err, size_t errlen)
{
	static const uint8_t pse[] = "1PAY.SYS.DDF01", ppse[] = "2PAY.SYS.DDF01";
	uint8_t rsp[PCSC_RSP_MAX];
	size_t rlen;
	unsigned sw, rno;
	struct tlv t;
	int rc, sfi;

	rc = sel(p, contactless ? ppse : pse, 14, 0, rsp, &rlen, &sw, err,
	    errlen);
	if (rc < 0 || sw != 0x9000)
		return rc;
	if (contactless) {
		if (tlv_find(rsp, rlen, 0xBF0C, &t) == 1)
			dir_entries(t.val, t.len, cd, nc);
		return 0;
	}
	if (tlv_find(rsp, rlen, 0x88, &t) != 1 || t.len != 1 ||
	    t.val[0] < 1 || t.val[0] > 10)
		return 0;
	sfi = t.val[0];
	for (rno = 1; rno < 256; rno++) {
		rc = cardread_cmd(p, 0x00, 0xB2, (uint8_t)rno,
		    (uint8_t)(sfi << 3 | 4), NULL, 0, 1, 0, rsp, &rlen, &sw, err,
		    errlen);
		if (rc < 0)
			return rc;
		if (sw != 0x9000)
			break;
		dir_entries(rsp, rlen, cd, nc);
	}
	return 0;
}

int
cardread_select(struct pcsc *p, const struct cardread_aid *aids, size_t n,
    struct cardread_card *c, char *err, size_t errlen)
{
	struct cand cd[CARDREAD_MAXAID];
	size_t nc = 0, i, rlen, best;
	uint8_t rsp[PCSC_RSP_MAX];
	unsigned sw;
	struct tlv t;
	int rc, k;

	for (k = 0; k < 2 && nc == 0; k++)
		if ((rc = directory(p, k, cd, &nc, err, errlen)) < 0)
			return rc;
	for (;;) {
		best = nc;
		for (i = 0; i < nc; i++)
			if (cd[i].len > 0 && supported(cd[i].aid, cd[i].len,
			    aids, n) && (best == nc ||
			    cd[i].prio < cd[best].prio))
				best = i;
		if (best == nc)
			break;
		if ((rc = sel(p, cd[best].aid, cd[best].len, 0, rsp, &rlen, &sw,
		    err, errlen)) < 0)
			return rc;
		cd[best].len = 0;
		if (sw == 0x9000 || sw == 0x6283)
			goto found;
	}
	for (i = 0; aids != NULL && i < n; i++) {
		if ((rc = sel(p, aids[i].aid, aids[i].len, 0, rsp, &rlen, &sw, err,
		    errlen)) < 0)
			return rc;
		if (sw == 0x9000 || sw == 0x6283)
			goto found;
	}
	snprintf(err, errlen, "no application found");
	return 0x6A82;
found:
	if (tlv_validate(rsp, rlen, NULL) != 0 ||
	    tlv_find(rsp, rlen, 0x84, &t) != 1 || t.len < 5 || t.len > 16)
		return fail(err, errlen, CARDREAD_EDATA, "SELECT: bad FCI");
	memcpy(c->aid, t.val, t.len);
	c->aidlen = t.len;
	memcpy(c->fci, rsp, rlen);
	c->fcilen = rlen;
	c->blocked = sw == 0x6283;
	return 0;
}

int
cardread_gpo(struct pcsc *p, const struct cardread_term *t,
    struct cardread_card *c, char *err, size_t errlen)
{
	uint8_t cmd[258], rsp[PCSC_RSP_MAX];
	size_t rlen, n = 0;
	unsigned sw;
	struct tlv o, a;
	int rc;

	if (tlv_find(c->fci, c->fcilen, 0x9F38, &o) == 1 &&
	    (rc = cardread_dol(o.val, o.len, t, c, cmd + 2, 253, &n, err,
	    errlen)) != 0)
		return rc;
	cmd[0] = 0x83;
	cmd[1] = (uint8_t)n;
	memcpy(c->pdoldata, cmd + 2, n);
	c->pdollen = n;
	if ((rc = cardread_cmd(p, 0x80, 0xA8, 0, 0, cmd, n + 2, 1, 0, rsp, &rlen,
	    &sw, err, errlen)) < 0)
		return rc;
	if (sw != 0x9000) {
		snprintf(err, errlen, "GET PROCESSING OPTIONS: status %04X",
		    sw);
		return (int)sw;
	}
	if (rlen >= 2 && rsp[0] == 0x80 && tlv_find(rsp, rlen, 0x80, &o) == 1 &&
	    o.len >= 2 && (o.len - 2) % 4 == 0) {
		memcpy(c->aip, o.val, 2);
		memcpy(c->afl, o.val + 2, o.len - 2);
		c->afllen = o.len - 2;
		c->gpo = 1;
		return 0;
	}
	if (rlen >= 2 && rsp[0] == 0x77 && tlv_find(rsp, rlen, 0x82, &o) == 1 &&
	    o.len == 2 && tlv_find(rsp, rlen, 0x94, &a) == 1 &&
	    a.len % 4 == 0 && a.len <= sizeof c->afl) {
		memcpy(c->aip, o.val, 2);
		memcpy(c->afl, a.val, a.len);
		c->afllen = a.len;
		c->gpo = 1;
		return 0;
	}
	return fail(err, errlen, CARDREAD_EDATA,
	    "GET PROCESSING OPTIONS: no AIP and AFL");
}

int
cardread_read_records(struct pcsc *p, struct cardread_card *c, char *err,
    size_t errlen)
{
	const uint8_t *e;
	size_t i, rlen;
	unsigned r, sw;
	uint8_t rsp[PCSC_RSP_MAX];
	int rc;

	c->nrec = 0;
	for (i = 0; i + 4 <= c->afllen; i += 4) {
		e = c->afl + i;
		if ((e[0] >> 3) < 1 || (e[0] >> 3) > 30 || e[1] == 0 ||
		    e[2] < e[1] || e[3] > e[2] - e[1] + 1)
			return fail(err, errlen, CARDREAD_EDATA, "94: bad AFL");
		for (r = e[1]; r <= e[2]; r++) {
			if (c->nrec >= CARDREAD_MAXREC)
				return fail(err, errlen, CARDREAD_EDATA,
				    "94: too many records");
			if ((rc = cardread_cmd(p, 0x00, 0xB2, (uint8_t)r,
			    (uint8_t)(e[0] & 0xF8) | 4, NULL, 0, 1, 0, rsp,
			    &rlen, &sw, err, errlen)) < 0)
				return rc;
			if (sw != 0x9000) {
				snprintf(err, errlen, "READ RECORD %u of SFI "
				    "%u: status %04X", r, e[0] >> 3, sw);
				return (int)sw;
			}
			if ((e[0] >> 3) <= 10 && (rlen < 2 || rsp[0] != 0x70 ||
			    tlv_validate(rsp, rlen, NULL) != 0)) {
				snprintf(err, errlen, "READ RECORD %u of SFI "
				    "%u: not a 70 template", r, e[0] >> 3);
				return CARDREAD_EDATA;
			}
			c->rec[c->nrec].sfi = e[0] >> 3;
			c->rec[c->nrec].recno = (uint8_t)r;
			c->rec[c->nrec].oda = r - e[1] < e[3];
			memcpy(c->rec[c->nrec].data, rsp, rlen);
			c->rec[c->nrec].len = rlen;
			c->nrec++;
		}
	}
	return 0;
}

int
cardread_get_data(struct pcsc *p, struct cardread_card *c, char *err,
    size_t errlen)
{
	static const uint32_t tags[] = { 0x9F36, 0x9F13, 0x9F17, 0x9F4F };
	uint8_t rsp[PCSC_RSP_MAX];
	size_t i, rlen;
	unsigned sw;
	struct tlv t;
	int rc;

	c->gdlen = 0;
	for (i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		if ((rc = cardread_cmd(p, 0x80, 0xCA, (uint8_t)(tags[i] >> 8),
		    (uint8_t)tags[i], NULL, 0, 1, 0, rsp, &rlen, &sw, err,
		    errlen)) < 0)
			return rc;
		if (sw != 0x9000 || tlv_find(rsp, rlen, tags[i], &t) != 1 ||
		    c->gdlen + t.hdrlen + t.len > sizeof c->gd)
			continue;
		c->gdlen += tlv_encode(tags[i], t.val, t.len, c->gd + c->gdlen);
	}
	return 0;
}

int
cardread_read(struct pcsc *p, const struct cardread_term *t,
    const struct cardread_aid *aids, size_t n,
    struct cardread_card *c, char *err, size_t errlen)
{
	int rc;

	memset(c, 0, sizeof *c);
	if ((rc = cardread_select(p, aids, n, c, err, errlen)) != 0 ||
	    (rc = cardread_gpo(p, t, c, err, errlen)) != 0 ||
	    (rc = cardread_read_records(p, c, err, errlen)) != 0)
		return rc;
	return cardread_get_data(p, c, err, errlen);
}

/* The first primitive object tag in buf, searched depth first. */
static const uint8_t *
find_in(const uint8_t *buf, size_t n, uint32_t tag, size_t *len)
{
	struct tlv t;

	if (tlv_find(buf, n, tag, &t) != 1)
		return NULL;
	*len = t.len;
	return t.val;
}

const uint8_t *
cardread_find(const struct cardread_card *c, uint32_t tag, size_t *len)
{
	const uint8_t *v;
	size_t i;

	if (tag == 0x82 && c->gpo) {
		*len = 2;
		return c->aip;
	}
	if (tag == 0x94 && c->afllen > 0) {
		*len = c->afllen;
		return c->afl;
	}
	if ((v = find_in(c->fci, c->fcilen, tag, len)) != NULL)
		return v;
	for (i = 0; i < c->nrec; i++)
		if ((v = find_in(c->rec[i].data, c->rec[i].len, tag, len)))
			return v;
	return find_in(c->gd, c->gdlen, tag, len);
}

int
cardread_oda_data(const struct cardread_card *c, uint8_t **out, size_t *len,
    char *err, size_t errlen)
{
	const struct cardread_record *r;
	uint8_t *b;
	size_t i, m = 0, tl = 0;
	const uint8_t *tlist;
	struct tlv t;

	if ((b = malloc(CARDREAD_MAXREC * 256 + 2)) == NULL)
		return -1;
	for (i = 0; i < c->nrec; i++) {
		r = &c->rec[i];
		if (!r->oda)
			continue;
		if (r->sfi > 10) {
			memcpy(b + m, r->data, r->len);
			m += r->len;
			continue;
		}
		{
			const uint8_t *p = r->data;

			if (tlv_next(&p, r->data + r->len, &t) != 1 ||
			    t.tag != 0x70) {
				free(b);
				return fail(err, errlen, CARDREAD_EDATA,
				    "ODA record is not a 70 template");
			}
		}
		memcpy(b + m, t.val, t.len);
		m += t.len;
	}
	if ((tlist = cardread_find(c, 0x9F4A, &tl)) != NULL) {
		if (tl != 1 || tlist[0] != 0x82) {
			free(b);
			return fail(err, errlen, CARDREAD_EDATA,
			    "9F4A: names another tag than 82");
		}
		memcpy(b + m, c->aip, 2);
		m += 2;
	}
	*out = b;
	*len = m;
	return 0;
}

/* Set every primitive object of buf as a field, first value wins. */
static int
fields_of(const uint8_t *buf, size_t n, struct rec *r)
{
	const uint8_t *p = buf, *end = buf + n;
	struct tlv t;
	char name[8];

	while (tlv_next(&p, end, &t) == 1) {
		if (t.constructed) {
			if (fields_of(t.val, t.len, r) != 0)
				return -1;
			continue;
		}
		snprintf(name, sizeof name, "%0*X", (int)t.taglen * 2,
		    (unsigned)t.tag);
		if (rec_get(r, name) == NULL &&
		    rec_set_bin(r, name, t.val, t.len) != 0)
			return -1;
	}
	return 0;
}

int
cardread_to_rec(const struct cardread_card *c, struct rec *r)
{
	char hex[33], name[12];
	size_t i;
	struct tlv t;

	hex_encode(c->aid, c->aidlen, hex);
	hex[2 * c->aidlen] = '\0';
	if (rec_set(r, "aid", hex) != 0)
		return -1;
	if (tlv_find(c->fci, c->fcilen, 0xA5, &t) == 1 &&
	    fields_of(t.val, t.len, r) != 0)
		return -1;
	if (rec_set_bin(r, "82", c->aip, 2) != 0 ||
	    rec_set_bin(r, "94", c->afl, c->afllen) != 0)
		return -1;
	for (i = 0; i < c->nrec; i++)
		if (fields_of(c->rec[i].data, c->rec[i].len, r) != 0)
			return -1;
	if (fields_of(c->gd, c->gdlen, r) != 0)
		return -1;
	for (i = 0; i < c->nrec; i++) {
		snprintf(name, sizeof name, "DGI%02X%02X", c->rec[i].sfi,
		    c->rec[i].recno);
		if (rec_set_bin(r, name, c->rec[i].data, c->rec[i].len) != 0)
			return -1;
	}
	return 0;
}

int
cardread_internal_auth(struct pcsc *p, const uint8_t *ddol, size_t n,
    uint8_t *sdad, size_t *sdadlen, char *err, size_t errlen)
{
	uint8_t rsp[PCSC_RSP_MAX];
	size_t rlen;
	unsigned sw;
	struct tlv t;
	int rc;

	if ((rc = cardread_cmd(p, 0x00, 0x88, 0, 0, ddol, n, 1, 0, rsp, &rlen,
	    &sw, err, errlen)) < 0)
		return rc;
	if (sw != 0x9000) {
		snprintf(err, errlen, "INTERNAL AUTHENTICATE: status %04X", sw);
		return (int)sw;
	}
	if (tlv_find(rsp, rlen, rlen > 0 && rsp[0] == 0x80 ? 0x80 : 0x9F4B,
	    &t) != 1 || t.len > ODA_NMAX)
		return fail(err, errlen, CARDREAD_EDATA,
		    "INTERNAL AUTHENTICATE: no signed dynamic data");
	memcpy(sdad, t.val, t.len);
	*sdadlen = t.len;
	return 0;
}

int
cardread_challenge(struct pcsc *p, uint8_t ch[8], char *err, size_t errlen)
{
	uint8_t rsp[PCSC_RSP_MAX];
	size_t rlen;
	unsigned sw;
	int rc;

	if ((rc = cardread_cmd(p, 0x00, 0x84, 0, 0, NULL, 0, 1, 0, rsp, &rlen,
	    &sw, err, errlen)) < 0)
		return rc;
	if (sw != 0x9000) {
		snprintf(err, errlen, "GET CHALLENGE: status %04X", sw);
		return (int)sw;
	}
	if (rlen != 8)
		return fail(err, errlen, CARDREAD_EDATA,
		    "GET CHALLENGE: not 8 bytes");
	memcpy(ch, rsp, 8);
	return 0;
}

/* The status of a VERIFY: 0 for 9000, else the status word. */
static int
verify_sw(unsigned sw, char *err, size_t errlen)
{
	if (sw == 0x9000)
		return 0;
	snprintf(err, errlen, "VERIFY: status %04X", sw);
	return (int)sw;
}

int
cardread_verify_plain(struct pcsc *p, const char *pin, size_t pinlen,
    char *err, size_t errlen)
{
	uint8_t blk[8], rsp[PCSC_RSP_MAX];
	size_t rlen;
	unsigned sw;
	int rc;

	if (pinblock_encode(2, pin, pinlen, NULL, 0, NULL, blk) != 0)
		return fail(err, errlen, CARDREAD_EDATA, "VERIFY: bad PIN");
	rc = cardread_cmd(p, 0x00, 0x20, 0x00, 0x80, blk, 8, 0, PCSC_SECRET, rsp,
	    &rlen, &sw, err, errlen);
	OPENSSL_cleanse(blk, sizeof blk);
	return rc < 0 ? rc : verify_sw(sw, err, errlen);
}

int
cardread_verify_enc(struct pcsc *p, const struct oda_pub *k, const char *pin,
    size_t pinlen, char *err, size_t errlen)
{
	uint8_t msg[ODA_NMAX], enc[ODA_NMAX], rsp[PCSC_RSP_MAX];
	size_t rlen;
	unsigned sw;
	int rc;

	if (k->nlen < 17 || k->nlen > 255)
		return fail(err, errlen, CARDREAD_EDATA, "VERIFY: bad ICC key");
	if ((rc = cardread_challenge(p, msg + 9, err, errlen)) != 0)
		return rc;
	/* Book 2, 7.2: 7F || PIN block || ICC challenge || random pad */
	msg[0] = 0x7F;
	if (pinblock_encode(2, pin, pinlen, NULL, 0, NULL, msg + 1) != 0 ||
	    RAND_bytes(msg + 17, (int)k->nlen - 17) != 1 ||
	    oda_recover(k, msg, k->nlen, enc) != 0) {
		OPENSSL_cleanse(msg, sizeof msg);
		return fail(err, errlen, CARDREAD_EDATA,
		    "VERIFY: PIN encipherment failed");
	}
	OPENSSL_cleanse(msg, sizeof msg);
	rc = cardread_cmd(p, 0x00, 0x20, 0x00, 0x88, enc, k->nlen, 0,
	    PCSC_SECRET, rsp, &rlen, &sw, err, errlen);
	OPENSSL_cleanse(enc, sizeof enc);
	return rc < 0 ? rc : verify_sw(sw, err, errlen);
}

int
cardread_genac(struct pcsc *p, uint8_t p1, const uint8_t *data, size_t n,
    struct cardread_ac *ac, char *err, size_t errlen)
{
	uint8_t rsp[PCSC_RSP_MAX];
	size_t rlen;
	unsigned sw;
	struct tlv t;
	int rc;

	memset(ac, 0, sizeof *ac);
	if ((rc = cardread_cmd(p, 0x80, 0xAE, p1, 0, data, n, 1, 0, rsp, &rlen,
	    &sw, err, errlen)) < 0)
		return rc;
	if (sw != 0x9000) {
		snprintf(err, errlen, "GENERATE AC: status %04X", sw);
		return (int)sw;
	}
	if (rlen > 2 && rsp[0] == 0x80) {	/* format 1 */
		if (tlv_find(rsp, rlen, 0x80, &t) != 1 || t.len < 11 ||
		    t.len > 11 + sizeof ac->iad)
			return fail(err, errlen, CARDREAD_EDATA,
			    "GENERATE AC: bad format 1 response");
		ac->cid = t.val[0];
		memcpy(ac->atc, t.val + 1, 2);
		memcpy(ac->ac, t.val + 3, 8);
		ac->hasac = 1;
		memcpy(ac->iad, t.val + 11, t.len - 11);
		ac->iadlen = t.len - 11;
		return 0;
	}
	if (rlen < 2 || rsp[0] != 0x77 || tlv_find(rsp, rlen, 0x77, &t) != 1 ||
	    t.len > sizeof ac->raw)
		return fail(err, errlen, CARDREAD_EDATA,
		    "GENERATE AC: bad response");
	memcpy(ac->raw, t.val, t.len);
	ac->rawlen = t.len;
	if (tlv_find(ac->raw, ac->rawlen, 0x9F27, &t) != 1 || t.len != 1)
		return fail(err, errlen, CARDREAD_EDATA, "GENERATE AC: no 9F27");
	ac->cid = t.val[0];
	if (tlv_find(ac->raw, ac->rawlen, 0x9F36, &t) != 1 || t.len != 2)
		return fail(err, errlen, CARDREAD_EDATA, "GENERATE AC: no 9F36");
	memcpy(ac->atc, t.val, 2);
	if (tlv_find(ac->raw, ac->rawlen, 0x9F26, &t) == 1 && t.len == 8) {
		memcpy(ac->ac, t.val, 8);
		ac->hasac = 1;
	}
	if (tlv_find(ac->raw, ac->rawlen, 0x9F10, &t) == 1 &&
	    t.len <= sizeof ac->iad) {
		memcpy(ac->iad, t.val, t.len);
		ac->iadlen = t.len;
	}
	if (tlv_find(ac->raw, ac->rawlen, 0x9F4B, &t) == 1 &&
	    t.len <= ODA_NMAX) {
		memcpy(ac->sdad, t.val, t.len);
		ac->sdadlen = t.len;
	}
	if (!ac->hasac && ac->sdadlen == 0)
		return fail(err, errlen, CARDREAD_EDATA,
		    "GENERATE AC: no 9F26 or 9F4B");
	return 0;
}

int
cardread_external_auth(struct pcsc *p, const uint8_t *d91, size_t n,
    char *err, size_t errlen)
{
	uint8_t rsp[PCSC_RSP_MAX];
	size_t rlen;
	unsigned sw;
	int rc;

	if ((rc = cardread_cmd(p, 0x00, 0x82, 0, 0, d91, n, 0, 0, rsp, &rlen,
	    &sw, err, errlen)) < 0)
		return rc;
	if (sw == 0x9000)
		return 0;
	snprintf(err, errlen, "EXTERNAL AUTHENTICATE: status %04X", sw);
	return (int)sw;
}

int
cardread_script(struct pcsc *p, const uint8_t *apdu, size_t n, char *err,
    size_t errlen)
{
	uint8_t rsp[PCSC_RSP_MAX];
	size_t rlen;
	unsigned sw;
	int rc;

	if (n < 5 || n > PCSC_CMD_MAX)
		return fail(err, errlen, CARDREAD_EDATA, "script: bad command");
	if ((rc = pcsc_transmit(p, apdu, n, PCSC_SECRET, rsp, &rlen, err,
	    errlen)) < 0)
		return rc;
	sw = pcsc_sw(rsp, rlen);
	if (sw == 0x9000)
		return 0;
	snprintf(err, errlen, "script command %02X: status %04X", apdu[1], sw);
	return (int)sw;
}
