/* host.c: the issuer host's answer to an authorisation request (host.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "derive.h"
#include "fields.h"
#include "hex.h"
#include "host.h"
#include "record.h"

#define CMDMAX	261	/* a short command APDU */
#define UN(q)	((q)->tdata + 25)	/* 9F37 in the terminal data */

/* Decode field name of r into out, exactly n bytes (min..n when min is
 * not n: the length in *len).  0, or HOST_EFIELD with *why. */
static int
field(const struct rec *r, const char *name, uint8_t *out, size_t min,
    size_t n, size_t *len, const char **why)
{
	const struct rec_field *f;
	uint8_t *b;
	size_t bl;

	if ((f = rec_get(r, name)) == NULL) {
		*why = "missing";
		return HOST_EFIELD;
	}
	if (rec_bin(f, &b, &bl) < 0) {
		*why = "not hex";
		return HOST_EFIELD;
	}
	if (bl < min || bl > n) {
		free(b);
		*why = "wrong length";
		return HOST_EFIELD;
	}
	memcpy(out, b, bl);
	free(b);
	if (len != NULL)
		*len = bl;
	return 0;
}

int
host_req_read(const struct rec *r, struct host_req *q, const char **fname,
    const char **why)
{
	static const char *aidtag[] = { "4F", "84", "9F06" };
	const struct rec_field *f;
	uint8_t aid[16], *p;
	static const char *tdname[8] = { "9F02", "9F03", "9F1A", "95", "5F2A",
	    "9A", "9C", "9F37" };
	size_t i, n, off = 0;
	int nd;

	memset(q, 0, sizeof *q);
	*fname = "5A";
	if ((f = rec_get(r, "5A")) == NULL) {
		*why = "missing";
		return HOST_EFIELD;
	}
	if (f->vallen > PAN_MAX + 1 ||
	    (nd = pan_from_hex(f->value, f->vallen, q->pan)) < 12) {
		*why = "not a PAN of 12 to 19 digits";
		return HOST_EFIELD;
	}
	q->pandigits = (size_t)nd;
	memcpy(q->psn, "00", 3);
	*fname = "5F34";
	if ((f = rec_get(r, "5F34")) != NULL &&
	    derive_psn(f->value, f->vallen, q->psn) < 0) {
		*why = "not one byte of two BCD digits";
		return HOST_EFIELD;
	}
	for (i = 0; i < sizeof aidtag / sizeof aidtag[0]; i++)
		if (rec_get(r, aidtag[i]) != NULL) {
			*fname = aidtag[i];
			if (field(r, aidtag[i], aid, 5, 16, &n, why))
				return HOST_EFIELD;
			q->scheme = cvn_scheme_of_aid(aid, n);
			break;
		}
	*fname = "9F10";
	if (field(r, "9F10", q->iad, 1, CVN_IADMAX, &q->iadlen, why))
		return HOST_EFIELD;
	*fname = "9F26";
	if (field(r, "9F26", q->ac, 8, 8, NULL, why))
		return HOST_EFIELD;
	*fname = "9F36";
	if (field(r, "9F36", q->atc, 2, 2, NULL, why))
		return HOST_EFIELD;
	*fname = "9F27";
	if (field(r, "9F27", &q->cid, 1, 1, NULL, why))
		return HOST_EFIELD;
	*fname = "82";
	if (field(r, "82", q->aip, 2, 2, NULL, why))
		return HOST_EFIELD;
	/* Book 2 8.1.1: the terminal data the cryptogram covers. */
	for (i = 0; i < 8; i++) {
		*fname = tdname[i];
		if (field(r, tdname[i], q->tdata + off, cvn_tdata_dol[i].len,
		    cvn_tdata_dol[i].len, NULL, why))
			return HOST_EFIELD;
		off += cvn_tdata_dol[i].len;
	}
	/* 9F02 is n 12: six bytes of BCD. */
	for (p = q->tdata, i = 0; i < 6; i++) {
		if ((p[i] >> 4) > 9 || (p[i] & 0x0F) > 9) {
			*fname = "9F02";
			*why = "not BCD";
			return HOST_EFIELD;
		}
		q->amount = q->amount * 100 + (p[i] >> 4) * 10 + (p[i] & 0x0F);
	}
	return 0;
}

int
host_scripts_parse(const char *script, const char *putdata,
    struct host_scripts *s, const char **why)
{
	static const struct { const char *w; unsigned bit; } words[] = {
		{ "block", HOST_S_BLOCK }, { "unblock", HOST_S_UNBLOCK },
		{ "pin-unblock", HOST_S_PIN_UNBLOCK },
		{ "pin-change", HOST_S_PIN_CHANGE }
	};
	const char *p, *e, *c;
	size_t i, n;
	unsigned tag;

	s->what = 0;
	s->nput = 0;
	for (p = script; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		for (i = 0; i < sizeof words / sizeof words[0]; i++)
			if (strlen(words[i].w) == (size_t)(e - p) &&
			    strncmp(words[i].w, p, (size_t)(e - p)) == 0)
				break;
		if (i == sizeof words / sizeof words[0]) {
			*why = "unknown script command";
			return HOST_EFIELD;
		}
		s->what |= words[i].bit;
	}
	for (p = putdata; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		c = memchr(p, ':', (size_t)(e - p));
		if (s->nput == HOST_PUTMAX) {
			*why = "too many PUT DATA";
			return HOST_EFIELD;
		}
		n = c == NULL ? 0 : (size_t)(e - c - 1);
		if (c == NULL || c - p != 4 || n == 0 || n % 2 != 0 ||
		    n / 2 > sizeof s->put[0].val ||
		    sscanf(p, "%4x", &tag) != 1 ||
		    hex_decode(c + 1, n, s->put[s->nput].val) < 0) {
			*why = "not TAG:HEX with a 2-byte tag";
			return HOST_EFIELD;
		}
		s->put[s->nput].tag = (uint16_t)tag;
		s->put[s->nput++].len = n / 2;
	}
	return 0;
}

const struct cvn *
host_cvn(const struct host_req *q, int *rc)
{
	struct cvn_iad iad;
	const struct cvn *c = NULL;

	*rc = cvn_iad_parse(q->scheme, q->iad, q->iadlen, &iad, &c);
	return *rc == 0 ? c : NULL;
}

int
host_card_keys(const struct cvn *c, const struct host_req *q,
    const uint8_t *imk_ac, const uint8_t *imk_smi, const uint8_t *imk_smc,
    struct host_keys *k)
{
	const uint8_t *imk[3] = { imk_ac, imk_smi, imk_smc };
	uint8_t *mk[3] = { k->ac, k->smi, k->smc };
	int i;

	memset(k, 0, sizeof *k);
	for (i = 0; i < 3; i++)
		if (imk[i] != NULL && cvn_derive_mk(c, imk[i], q->pan,
		    q->pandigits, q->psn, mk[i]) != 0) {
			host_keys_clear(k);
			return -1;
		}
	return 0;
}

/* 1 if the request's PAN is in the blocked list. */
static int
pan_listed(const struct host_rules *rules, const struct host_req *q)
{
	size_t i;

	for (i = 0; i < rules->nblocked; i++)
		if (strcmp(rules->blocked[i], q->pan) == 0)
			return 1;
	return 0;
}

/* Append a script command (k-th of the transaction) to a 71/72 body. */
static int
add(const struct cvn *c, const struct host_req *q, const struct host_keys *k,
    const struct host_scripts *s, unsigned kth, unsigned what,
    const struct host_put *put, uint8_t *body, size_t *blen)
{
	uint8_t cmd[CMDMAX], hdr[4] = { 0x84, 0, 0, 0 };
	size_t n = 0;
	int rc;

	switch (what) {
	case HOST_S_BLOCK:
		hdr[1] = 0x1E;
		break;
	case HOST_S_UNBLOCK:
		hdr[1] = 0x18;
		break;
	case HOST_S_PIN_UNBLOCK:
		hdr[1] = 0x24;
		break;
	}
	if (what == HOST_S_PIN_CHANGE)
		rc = cvn_pin_change(c, k->ac, k->smi, k->smc, q->atc, q->ac,
		    kth, s->pin, s->pinlen, NULL, 0, cmd, sizeof cmd, &n);
	else if (put != NULL) {
		hdr[0] = 0x04;
		hdr[1] = 0xDA;
		hdr[2] = (uint8_t)(put->tag >> 8);
		hdr[3] = (uint8_t)put->tag;
		rc = cvn_script_command(c, k->smi, NULL, q->atc, q->ac, kth,
		    hdr, put->val, put->len, cmd, sizeof cmd, &n);
	} else
		rc = cvn_script_command(c, k->smi, NULL, q->atc, q->ac, kth,
		    hdr, NULL, 0, cmd, sizeof cmd, &n);
	if (rc != 0)
		return -1;
	if (*blen + tlv_size(0x86, n) > HOST_SCRIPTMAX - 4)
		return -1;
	*blen += tlv_encode(0x86, cmd, n, body + *blen);
	OPENSSL_cleanse(cmd, sizeof cmd);
	return 0;
}

/* Wrap a script body in its template (71 or 72). */
static void
wrap(uint32_t tag, const uint8_t *body, size_t n, uint8_t *out, size_t *len)
{
	*len = n == 0 ? 0 : tlv_encode(tag, body, n, out);
}

int
host_answer(const struct cvn *c, const struct host_req *q,
    const struct host_keys *k, const struct host_rules *rules,
    const struct host_scripts *s, struct host_resp *out)
{
	static const unsigned after[] = { HOST_S_UNBLOCK, HOST_S_PIN_UNBLOCK,
	    HOST_S_PIN_CHANGE };
	uint8_t body[HOST_SCRIPTMAX];
	const char *arc = "00";
	unsigned want = s != NULL ? s->what : 0, kth = 0;
	size_t i, n = 0;
	int arqc_ok;

	memset(out, 0, sizeof *out);
	out->cvn = c;
	if (c == NULL) {
		out->reason = "cvn";
		memcpy(out->arc, "05", 2);
		return 0;
	}
	arqc_ok = cvn_ac_verify(c, k->ac, q->atc, UN(q), q->tdata,
	    CVN_TDATA_LEN, q->aip, q->iad, q->iadlen, q->ac) == 0;
	if ((q->cid & CID_TYPE_MASK) != CID_ARQC)
		out->reason = "not-arqc", arc = "05";
	else if (!arqc_ok)
		out->reason = "arqc", arc = "05";
	else if (pan_listed(rules, q))
		out->reason = "blocked", arc = "62", want |= HOST_S_BLOCK;
	else if (rules->limit != 0 && q->amount > rules->limit)
		out->reason = "limit", arc = "51";
	else
		out->reason = "ok", out->approve = 1;
	memcpy(out->arc, arc, 2);
	if (!arqc_ok || (q->cid & CID_TYPE_MASK) != CID_ARQC)
		return 0;
	if (cvn_issuer_answer(c, k->ac, q->atc, UN(q), q->ac, out->arc,
	    out->approve, out->d91, sizeof out->d91, &out->n91) != 0)
		return -1;
	/* Book 3 10.10: 71 before the second GENERATE AC, 72 after. */
	if (want & HOST_S_BLOCK) {
		if (add(c, q, k, s, kth++, HOST_S_BLOCK, NULL, body, &n) < 0)
			return -1;
		wrap(0x71, body, n, out->s71, &out->n71);
	}
	n = 0;
	for (i = 0; i < sizeof after / sizeof after[0]; i++)
		if ((want & after[i]) &&
		    add(c, q, k, s, kth++, after[i], NULL, body, &n) < 0)
			return -1;
	for (i = 0; s != NULL && i < s->nput; i++)
		if (add(c, q, k, s, kth++, 0, &s->put[i], body, &n) < 0)
			return -1;
	wrap(0x72, body, n, out->s72, &out->n72);
	OPENSSL_cleanse(body, sizeof body);
	return 0;
}

void
host_req_clear(struct host_req *q)
{
	OPENSSL_cleanse(q, sizeof *q);
}

void
host_keys_clear(struct host_keys *k)
{
	OPENSSL_cleanse(k, sizeof *k);
}
