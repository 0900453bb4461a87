/* perso.c: one card's personalization (see perso.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "hex.h"
#include "pcsc.h"
#include "perso.h"
#include "record.h"
#include "tlv.h"

static const uint8_t isd_aid[] = { 0xA0, 0x00, 0x00, 0x01, 0x51, 0x00,
    0x00, 0x00 };

#define STORE_CMDS_MAX	256	/* P2 numbers the blocks 00..FF */

void
perso_hex(const uint8_t *b, size_t n, char *out)
{
	hex_encode(b, n, out);
}

const char *
perso_sw_code(unsigned sw)
{
	if ((sw & 0xFFF0) == 0x63C0 || sw == 0x6300)
		return "auth-failed";
	switch (sw) {
	case 0x6581: return "memory-failure";
	case 0x6700: return "wrong-length";
	case 0x6882: case 0x6987: case 0x6988: return "sm-refused";
	case 0x6982: return "security";
	case 0x6983: return "channel-blocked";
	case 0x6984: return "data-invalid";
	case 0x6985: return "conditions";
	case 0x6A80: return "wrong-data";
	case 0x6A81: return "not-supported";
	case 0x6A82: return "no-app";
	case 0x6A84: return "no-space";
	case 0x6A86: return "wrong-p1p2";
	case 0x6A88: return "unknown-dgi";
	case 0x6D00: return "unknown-ins";
	case 0x6E00: return "unknown-cla";
	default: return "card-refused";
	}
}

static int
jfail(const char **field, const char **code, const char *f, const char *c,
    char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	*field = f;
	*code = c;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The CPS length of a DGI (CPS 1.1 3.2.7.3): 1 byte, or FF and 2. */
static size_t
dgi_hdr(uint16_t id, size_t len, uint8_t *h)
{
	h[0] = (uint8_t)(id >> 8);
	h[1] = (uint8_t)id;
	if (len < 0xFF) {
		h[2] = (uint8_t)len;
		return 3;
	}
	h[2] = 0xFF;
	h[3] = (uint8_t)(len >> 8);
	h[4] = (uint8_t)len;
	return 5;
}

int
perso_job_load(struct perso_job *j, const struct rec *r,
    const char **field, const char **code, char *err, size_t errlen)
{
	const char *aid, *cps, *p, *q, *ib;
	const struct rec_field *f;
	char name[8];
	uint8_t h[5];
	size_t n, cap = 0;
	unsigned long v;
	char *end;
	long k;
	EVP_MD_CTX *md;
	unsigned mdlen;
	int rc = -1;

	memset(j, 0, sizeof *j);
	rec_label(r, j->label);
	if ((aid = rec_value(r, "aid")) == NULL)
		return jfail(field, code, "aid", "bad-cps", err, errlen,
		    "bad-cps: no instance AID (not a CPS record?)");
	n = strlen(aid);
	if (n < 10 || n > 32 || n % 2 != 0 ||
	    (k = hex_decode_upper(aid, n, j->aid)) < 0)
		return jfail(field, code, "aid", "bad-cps", err, errlen,
		    "bad-cps: not an AID of 5 to 16 bytes");
	j->aidlen = (size_t)k;
	if ((cps = rec_value(r, "cps")) == NULL || *cps == '\0')
		return jfail(field, code, "cps", "bad-cps", err, errlen,
		    "bad-cps: no cps list (run emv-cps first)");
	if ((ib = rec_value(r, "iccbits")) != NULL) {
		v = strtoul(ib, &end, 10);
		if (*end != '\0' || v < 512 || v > 1984 || v % 8 != 0)
			return jfail(field, code, "iccbits", "bad-cps", err,
			    errlen, "bad-cps: not 512 to 1984 bits");
		j->iccbits = (unsigned)v;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return jfail(field, code, NULL, "internal", err, errlen,
		    "internal: SHA-256");
	}
	for (p = cps; *p != '\0'; p = *q ? q + 1 : q) {
		struct perso_dgi *d;

		q = p + strcspn(p, ",");
		if (j->ndgi == cap) {
			cap = cap ? 2 * cap : 16;
			if ((d = realloc(j->dgi, cap * sizeof *d)) == NULL)
				abort();
			j->dgi = d;
		}
		d = &j->dgi[j->ndgi];
		memset(d, 0, sizeof *d);
		if (q - p < 4 || hex_decode_upper(p, 4, h) != 2) {
			jfail(field, code, "cps", "bad-cps", err, errlen,
			    "bad-cps: item %zu is not a DGI", j->ndgi + 1);
			goto out;
		}
		d->id = (uint16_t)(h[0] << 8 | h[1]);
		d->pad = 'n';
		if (q - p == 4)
			;
		else if (q - p == 6 && p[4] == ':' && p[5] == 'e')
			d->enc = 1;
		else if (q - p == 7 && p[4] == ':' && p[5] == 'e' &&
		    (p[6] == 'p' || p[6] == 'P')) {
			d->enc = 1;
			d->pad = p[6];
		} else {
			jfail(field, code, "cps", "bad-cps", err, errlen,
			    "bad-cps: DGI%04X: unknown flags", d->id);
			goto out;
		}
		/* CPS 1.1 3.2.7.3: 8000-8FFF are secret and only they. */
		if (d->enc != (d->id >= 0x8000 && d->id <= 0x8FFF)) {
			jfail(field, code, "cps", "bad-cps", err, errlen,
			    "bad-cps: DGI%04X: %s", d->id, d->enc ?
			    "encrypted and not secret" : "secret and clear");
			goto out;
		}
		snprintf(name, sizeof name, "DGI%04X", d->id);
		if ((f = rec_get(r, name)) == NULL) {
			jfail(field, code, name, "bad-cps", err, errlen,
			    "bad-cps: in the cps list and not in the record");
			goto out;
		}
		if (rec_bin(f, &d->val, &d->len) < 0 || d->len > 0xFFFF) {
			jfail(field, code, name, "bad-cps", err, errlen,
			    "bad-cps: not a DGI value");
			goto out;
		}
		j->ndgi++;
		n = dgi_hdr(d->id, d->len, h);
		if (EVP_DigestUpdate(md, h, n) != 1 ||
		    EVP_DigestUpdate(md, d->val, d->len) != 1) {
			jfail(field, code, NULL, "internal", err, errlen,
			    "internal: SHA-256");
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(md, j->sha, &mdlen) != 1) {
		jfail(field, code, NULL, "internal", err, errlen,
		    "internal: SHA-256");
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	if (rc != 0)
		perso_job_free(j);
	return rc;
}

void
perso_job_free(struct perso_job *j)
{
	size_t i;

	for (i = 0; i < j->ndgi; i++)
		free(j->dgi[i].val);
	free(j->dgi);
	j->dgi = NULL;
	j->ndgi = 0;
}

/* One card session. */
struct sess {
	perso_xmit_fn *xmit;
	void *xctx;
	const struct perso_opts *o;
	struct perso_res *res;
	struct scp_session sc;
	uint8_t rsp[PCSC_RSP_MAX];
	size_t rlen;
};

static void
fail(struct sess *s, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (s->res->code != NULL)
		return;
	s->res->code = code;
	va_start(ap, fmt);
	vsnprintf(s->res->reason, sizeof s->res->reason, fmt, ap);
	va_end(ap);
}

/* The masked trace: headers and status words always; the data of
 * STORE DATA never (it holds the PAN, and DGIs are listed instead). */
static void
trace(struct sess *s, const uint8_t *cmd, size_t n, const char *what)
{
	char hx[2 * PCSC_CMD_MAX + 1];
	FILE *fp = s->o->trace;

	if (fp == NULL)
		return;
	if (cmd[1] == 0xE2)
		hex_encode(cmd, n < 5 ? n : 5, hx);
	else
		hex_encode(cmd, n, hx);
	fprintf(fp, "%s> %s%s%s\n", s->o->tracetag ? s->o->tracetag : "",
	    hx, cmd[1] == 0xE2 ? " " : "", cmd[1] == 0xE2 ? what : "");
}

/* Send a plain or already wrapped command; 0 on a response (any SW), -1
 * when the card or reader failed (res set). */
static int
send(struct sess *s, const uint8_t *cmd, size_t n, unsigned flags,
    const char *what)
{
	char err[160], hx[2 * PCSC_RSP_MAX + 1];
	int rc;

	trace(s, cmd, n, what);
	s->res->ncmd++;
	s->rlen = sizeof s->rsp;
	rc = s->xmit(s->xctx, cmd, n, flags, s->rsp, &s->rlen, err,
	    sizeof err);
	if (rc == PCSC_EREMOVED) {
		fail(s, "card-removed", "card-removed: the card left the "
		    "reader");
		return -1;
	}
	if (rc == PCSC_ENOSERVICE || rc == PCSC_ERR) {
		fail(s, "reader-gone", "reader-gone: %s", err);
		return -1;
	}
	if (rc < 0) {
		fail(s, "card-io", "card-io: %s", err);
		return -1;
	}
	if (s->o->trace != NULL) {
		/* Responses here hold no PAN (FCI, CPLC, cryptograms). */
		hex_encode(s->rsp, s->rlen, hx);
		fprintf(s->o->trace, "%s< %s\n", s->o->tracetag ?
		    s->o->tracetag : "", cmd[1] == 0xE2 ? hx + 2 *
		    (s->rlen - 2) : hx);
	}
	return 0;
}

static unsigned
sw(const struct sess *s)
{
	return pcsc_sw(s->rsp, s->rlen);
}

/* Wrap (secure channel) and send. */
static int
send_sc(struct sess *s, const uint8_t *cmd, size_t n, unsigned flags,
    const char *what)
{
	uint8_t w[SCP_APDU_MAX];
	size_t wn;
	int rc;

	if ((rc = scp_wrap(&s->sc, cmd, n, w, &wn)) != 0) {
		fail(s, "internal", "internal: cannot wrap a command: %s",
		    scp_strerror(rc));
		return -1;
	}
	rc = send(s, w, wn, flags, what);
	OPENSSL_cleanse(w, sizeof w);
	return rc;
}

/* GP 2.3 H.4 (CPLC, tag 9F7F) and 11.3 (SELECT): who the card is. */
static int
identify(struct sess *s)
{
	uint8_t cmd[5 + sizeof isd_aid + 1];
	struct tlv t;

	s->res->step = "select";
	memcpy(cmd, "\x00\xA4\x04\x00", 4);
	cmd[4] = sizeof isd_aid;
	memcpy(cmd + 5, isd_aid, sizeof isd_aid);
	cmd[5 + sizeof isd_aid] = 0;
	if (send(s, cmd, sizeof cmd, 0, "") < 0)
		return -1;
	if (sw(s) != 0x9000) {
		fail(s, "not-gp", "not-gp: SELECT of the card manager: %04X",
		    sw(s));
		return -1;
	}
	s->res->step = "cplc";
	if (send(s, (const uint8_t *)"\x80\xCA\x9F\x7F\x00", 5, 0, "") < 0)
		return -1;
	if (sw(s) == 0x9000 && tlv_find(s->rsp, s->rlen - 2, 0x9F7F, &t) ==
	    1 && t.len >= 16) {
		memcpy(s->res->serial, t.val + 12, 4);
		s->res->has_serial = 1;
	}
	return 0;
}

/* GP 2.3 E.5.1 / Amd D 7.1: INITIALIZE UPDATE and EXTERNAL AUTHENTICATE,
 * the card cryptogram checked before anything else goes out. */
static int
open_channel(struct sess *s)
{
	const struct perso_opts *o = s->o;
	struct scp_keys keys;
	struct scp_iu iu;
	uint8_t cmd[SCP_APDU_MAX], chal[8];
	size_t n;
	int rc;

	s->res->step = "init-update";
	if (o->host_chal != NULL)
		memcpy(chal, o->host_chal, 8);
	else if (RAND_bytes(chal, sizeof chal) != 1) {
		fail(s, "internal", "internal: no random bytes");
		return -1;
	}
	if (scp_host_begin(&s->sc, 2, o->i02, o->kvn, chal, cmd, &n) != 0) {
		fail(s, "internal", "internal: SCP02 i=%02X", o->i02);
		return -1;
	}
	if (send(s, cmd, n, 0, "") < 0)
		return -1;
	if (sw(s) != 0x9000) {
		fail(s, sw(s) == 0x6983 ? "channel-blocked" : "channel-refused",
		    "%s: INITIALIZE UPDATE: %04X", sw(s) == 0x6983 ?
		    "channel-blocked" : "channel-refused", sw(s));
		return -1;
	}
	if ((rc = scp_iu_parse(s->rsp, s->rlen - 2, &iu)) != 0) {
		fail(s, "channel-refused", "channel-refused: INITIALIZE "
		    "UPDATE response: %s", scp_strerror(rc));
		return -1;
	}
	memcpy(s->res->kdd, iu.kdd, SCP_KDD_LEN);
	s->res->has_kdd = 1;
	s->res->scp = iu.scp;
	if (o->scp != 0 && iu.scp != o->scp) {
		fail(s, "channel-refused", "channel-refused: the card speaks "
		    "SCP%02X, SCP%02X asked for", iu.scp, o->scp);
		return -1;
	}
	if (iu.scp == 3 && scp_host_begin(&s->sc, 3, 0, o->kvn, chal, cmd,
	    &n) != 0) {
		fail(s, "internal", "internal: SCP03");
		return -1;
	}
	rc = scp_diversify(o->div, o->kmc->sym, o->kmc->val, iu.kdd, iu.kvn,
	    &keys);
	if (rc == SCP_EKEY || (rc == 0 && (iu.scp == 2) != (keys.alg ==
	    SYM_3DES2))) {
		scp_keys_clear(&keys);
		fail(s, "wrong-kmc", "wrong-kmc: the card speaks SCP%02X and "
		    "the KMC %s is %s", iu.scp, o->kmc->name, o->kmc->alg);
		return -1;
	}
	if (rc != 0) {
		scp_keys_clear(&keys);
		fail(s, "internal", "internal: diversification");
		return -1;
	}
	rc = scp_host_response(&s->sc, &keys, s->rsp, s->rlen - 2);
	scp_keys_clear(&keys);
	if (rc == SCP_EAUTH) {
		fail(s, "wrong-kmc", "wrong-kmc: card cryptogram mismatch "
		    "(another KMC or diversification)");
		return -1;
	}
	if (rc != 0) {
		fail(s, "channel-refused", "channel-refused: %s",
		    scp_strerror(rc));
		return -1;
	}
	s->res->i = s->sc.i;
	s->res->step = "ext-auth";
	if (scp_host_ext_auth(&s->sc, o->level, cmd, &n) != 0) {
		fail(s, "internal", "internal: EXTERNAL AUTHENTICATE");
		return -1;
	}
	if (send(s, cmd, n, 0, "") < 0)
		return -1;
	if (sw(s) != 0x9000) {
		/* 6300 / 63Cx: the host cryptogram was refused. */
		const char *c = strcmp(perso_sw_code(sw(s)), "auth-failed") ==
		    0 ? "auth-failed" : "channel-refused";

		fail(s, c, "%s: EXTERNAL AUTHENTICATE: %04X", c, sw(s));
		return -1;
	}
	s->res->level = o->level;
	return 0;
}

/* GP 2.3 11.5.2.3.6: INSTALL [for personalization] of the instance. */
static int
install(struct sess *s, const struct perso_job *j)
{
	uint8_t cmd[32];
	size_t n = 0;

	s->res->step = "install";
	memcpy(cmd, "\x80\xE6\x20\x00", 4);
	cmd[4] = (uint8_t)(j->aidlen + 6);
	cmd[5] = cmd[6] = 0;
	cmd[7] = (uint8_t)j->aidlen;
	memcpy(cmd + 8, j->aid, j->aidlen);
	n = 8 + j->aidlen;
	cmd[n++] = 0;
	cmd[n++] = 0;
	cmd[n++] = 0;
	if (send_sc(s, cmd, n, 0, "") < 0)
		return -1;
	switch (sw(s)) {
	case 0x9000:
		return 0;
	case 0x6985:
		fail(s, "already-personalized", "already-personalized: "
		    "INSTALL [for personalization]: %04X", sw(s));
		return -1;
	case 0x6A82:
	case 0x6A88:
		fail(s, "no-app", "no-app: the card has no instance of the "
		    "AID");
		return -1;
	default:
		fail(s, perso_sw_code(sw(s)), "%s: INSTALL [for "
		    "personalization]: %04X", perso_sw_code(sw(s)), sw(s));
		return -1;
	}
}

/* The clear length of a sealed DGI (emvperso-record(5)): 48 bytes of
 * keys, an 8-byte PIN block, RSA key parts of half the ICC modulus. */
static size_t
clear_len(const struct perso_job *j, const struct perso_dgi *d)
{
	switch (d->id) {
	case 0x8000:
	case 0x8001:
		return 48;
	case 0x8010:
		return 8;
	case 0x8101: case 0x8103:
	case 0x8201: case 0x8202: case 0x8203: case 0x8204: case 0x8205:
		if (j->iccbits != 0)
			return j->iccbits / 16;
		/* FALLTHROUGH */
	default:
		return d->len;
	}
}

/* Open a sealed DGI and encrypt it for the card (CPS 1.1 3.2.7.3): pad
 * 80 00.. as the cps flag says, or whenever the clear value is not whole
 * blocks of the card's cipher (the PIN block under SCP03, Amd D 7.3).
 * *out is allocated; returns its length, 0 on failure (s failed). */
static size_t
seal_for_card(struct sess *s, const struct perso_job *j,
    const struct perso_dgi *d, uint8_t **out)
{
	size_t kb = sym_blocklen(j->kek->sym), cb = s->sc.scp == 3 ? 16 : 8;
	size_t L = clear_len(j, d), n, i;
	uint8_t *clear = NULL, *b;

	*out = NULL;
	if (d->len == 0 || d->len % kb != 0 || L > d->len ||
	    d->len - L >= kb) {
		fail(s, "bad-cps", "bad-cps: DGI%04X: %zu bytes is no sealed "
		    "value of %zu under %s", d->id, d->len, L, j->kek->name);
		return 0;
	}
	if (ks_kek_open(j->kek, d->val, d->len, &clear) < 0) {
		fail(s, "internal", "internal: DGI%04X: cannot open", d->id);
		return 0;
	}
	for (i = L; i < d->len; i++)
		if (clear[i] != (i == L ? 0x80 : 0x00))
			break;
	if (i < d->len) {
		OPENSSL_clear_free(clear, d->len);
		fail(s, "bad-cps", "bad-cps: DGI%04X: bad padding once opened "
		    "(another KEK?)", d->id);
		return 0;
	}
	n = (d->pad == 'P' || L % cb != 0) ? (L / cb + 1) * cb : L;
	if ((b = calloc(1, n)) == NULL)
		abort();
	memcpy(b, clear, L);
	if (n > L)
		b[L] = 0x80;
	OPENSSL_clear_free(clear, d->len);
	if (scp_sensitive(&s->sc, b, n, b, 1) != 0) {
		OPENSSL_clear_free(b, n);
		fail(s, "internal", "internal: DGI%04X: cannot encrypt",
		    d->id);
		return 0;
	}
	*out = b;
	return n;
}

/* Send one STORE DATA of fill bytes in cmd + 5 (CPS 1.1 3.2.7.2: P1 b8
 * the last block, b7-b6 11 every DGI encrypted or 00 none, b5-b4 01 DGI
 * format when asked; P2 the block number). */
static int
store_cmd(struct sess *s, uint8_t *cmd, size_t fill, int enc, int last,
    unsigned *block, const char *what)
{
	if (*block >= STORE_CMDS_MAX) {
		fail(s, "bad-cps", "bad-cps: more than 256 STORE DATA "
		    "commands");
		return -1;
	}
	cmd[0] = 0x80;
	cmd[1] = 0xE2;
	cmd[2] = (uint8_t)((enc ? 0x60 : 0x00) | (last ? 0x80 : 0x00) |
	    s->o->p1fmt);
	cmd[3] = (uint8_t)(*block)++;
	cmd[4] = (uint8_t)fill;
	if (send_sc(s, cmd, 5 + fill, 0, what) < 0)
		return -1;
	if (sw(s) != 0x9000) {
		fail(s, perso_sw_code(sw(s)), "%s: STORE DATA %02X%s (%s): "
		    "%04X", perso_sw_code(sw(s)), cmd[3], last ? " last" : "",
		    what, sw(s));
		return -1;
	}
	s->res->step = "store-data";
	return 0;
}

/* EMV CPS 1.1 3.2.7: the STORE DATA commands.  A command holds DGIs of
 * one kind, all encrypted or none; a DGI longer than what is left of a
 * command goes on in the next (3.2.7.4), its header never split. */
static int
store(struct sess *s, const struct perso_job *j, perso_hook_fn *hook,
    void *hctx)
{
	size_t max = s->o->level & SCP_LEVEL_ENC ? 239 : 247;
	uint8_t cmd[5 + 255], h[5], *v = NULL;
	char what[128];
	size_t di, hn, vn = 0, off, fill = 0, wl = 0, take, k;
	unsigned block = 0;
	int cur = 0, rc = -1;

	s->res->step = "store-data";
	if (hook != NULL && hook(hctx, s->res) != 0) {
		fail(s, "journal", "journal: cannot record the start");
		return -1;
	}
	s->res->stored = 1;
	what[0] = '\0';
	for (di = 0; di < j->ndgi; di++) {
		const struct perso_dgi *d = &j->dgi[di];

		if (d->enc) {
			if ((vn = seal_for_card(s, j, d, &v)) == 0)
				goto out;
		} else {
			v = d->val;
			vn = d->len;
		}
		hn = dgi_hdr(d->id, vn, h);
		if (fill > 0 && (cur != d->enc || fill + hn > max)) {
			if (store_cmd(s, cmd, fill, cur, 0, &block, what) < 0)
				goto out;
			fill = wl = 0;
		}
		cur = d->enc;
		if (wl + 16 < sizeof what)
			wl += (size_t)snprintf(what + wl, sizeof what - wl,
			    "%s%04X:%zu", wl ? "," : "", d->id, vn);
		for (off = 0; off < hn + vn; ) {
			if (fill == max) {
				if (store_cmd(s, cmd, fill, cur, 0, &block,
				    what) < 0)
					goto out;
				fill = 0;
				wl = (size_t)snprintf(what, sizeof what,
				    "%04X:%zu+", d->id, vn);
			}
			take = hn + vn - off;
			if (take > max - fill)
				take = max - fill;
			for (k = 0; k < take; k++, off++)
				cmd[5 + fill + k] = off < hn ? h[off] :
				    v[off - hn];
			fill += take;
		}
		if (d->enc)
			OPENSSL_clear_free(v, vn);
		v = NULL;
	}
	if (store_cmd(s, cmd, fill, cur, 1, &block, what) < 0)
		goto out;
	rc = 0;
out:
	if (v != NULL && j->dgi[di].enc)
		OPENSSL_clear_free(v, vn);
	OPENSSL_cleanse(cmd, sizeof cmd);
	return rc;
}

/* EMV 4.4 Book 1 11.3: after the last block the application answers
 * SELECT with the FCI it was given (DGI 9102): it is PERSONALIZED. */
static int
check(struct sess *s, const struct perso_job *j)
{
	uint8_t cmd[32];
	const struct perso_dgi *fci = NULL;
	struct tlv a5;
	size_t i;

	s->res->step = "check";
	memcpy(cmd, "\x00\xA4\x04\x00", 4);
	cmd[4] = (uint8_t)j->aidlen;
	memcpy(cmd + 5, j->aid, j->aidlen);
	cmd[5 + j->aidlen] = 0;
	if (send(s, cmd, 6 + j->aidlen, 0, "") < 0)
		return -1;
	for (i = 0; i < j->ndgi; i++)
		if (j->dgi[i].id == 0x9102)
			fci = &j->dgi[i];
	if (sw(s) != 0x9000 || (fci != NULL && (tlv_find(s->rsp, s->rlen - 2,
	    0xA5, &a5) != 1 || a5.hdrlen + a5.len != fci->len ||
	    memcmp(a5.val - a5.hdrlen, fci->val, fci->len) != 0))) {
		const char *c = sw(s) == 0x6A82 ? "no-app" :
		    "not-personalized";

		fail(s, c, "%s: SELECT of the application after the last "
		    "block: %04X", c, sw(s));
		return -1;
	}
	return 0;
}

void
perso_card(perso_xmit_fn *xmit, void *xctx, const struct perso_opts *o,
    const struct perso_job *j, perso_hook_fn *hook, void *hctx,
    struct perso_res *res)
{
	struct sess s;

	memset(res, 0, sizeof *res);
	memset(&s, 0, sizeof s);
	s.xmit = xmit;
	s.xctx = xctx;
	s.o = o;
	s.res = res;
	if (identify(&s) == 0 && open_channel(&s) == 0 &&
	    install(&s, j) == 0 && store(&s, j, hook, hctx) == 0)
		check(&s, j);
	scp_end(&s.sc);
	OPENSSL_cleanse(s.rsp, sizeof s.rsp);
}

struct perso_sim {
	struct scp_keys keys;
	struct scp_card card;
	struct scp_session sc;
	uint8_t serial[4];
	const struct perso_job *j;
	FILE *fp;
};

struct perso_sim *
perso_sim_new(const struct perso_opts *o, const uint8_t serial[4],
    const struct perso_job *j, FILE *script, char *err, size_t errlen)
{
	struct perso_sim *s;
	int scp = o->kmc->sym == SYM_3DES2 ? 2 : 3;

	if ((s = calloc(1, sizeof *s)) == NULL)
		abort();
	/* emv-card(1): ISD AID tail, fabrication date, serial, batch. */
	memcpy(s->card.kdd, "\x00\x00\x60\x01", 4);
	memcpy(s->card.kdd + 4, serial, 4);
	memcpy(s->card.kdd + 8, "\x00\x01", 2);
	memcpy(s->serial, serial, 4);
	if (scp_diversify(o->div, o->kmc->sym, o->kmc->val, s->card.kdd,
	    o->kvn ? o->kvn : scp == 2 ? 0x01 : 0x30, &s->keys) != 0) {
		snprintf(err, errlen, "the KMC %s does not fit the "
		    "diversification", o->kmc->name);
		free(s);
		return NULL;
	}
	s->card.keys = &s->keys;
	s->card.scp = (uint8_t)scp;
	s->card.i = scp == 2 ? o->i02 : 0x70;
	s->card.aid = isd_aid;
	s->card.aidlen = sizeof isd_aid;
	s->j = j;
	s->fp = script;
	return s;
}

void
perso_sim_free(struct perso_sim *s)
{
	if (s == NULL)
		return;
	scp_end(&s->sc);
	scp_keys_clear(&s->keys);
	free(s);
}

static size_t
sim_answer(struct perso_sim *s, const uint8_t *cmd, size_t n, uint8_t *rsp)
{
	static const uint8_t zero[6];
	uint8_t plain[SCP_APDU_MAX];
	size_t len = 0, i;
	uint16_t w = 0x9000;
	int rc;

	if (cmd[1] == 0xA4) {
		scp_end(&s->sc);
		if (n >= 5 + sizeof isd_aid && cmd[4] == sizeof isd_aid &&
		    memcmp(cmd + 5, isd_aid, sizeof isd_aid) == 0)
			;
		else {
			const struct perso_dgi *f = NULL;

			for (i = 0; i < s->j->ndgi; i++)
				if (s->j->dgi[i].id == 0x9102)
					f = &s->j->dgi[i];
			rsp[len++] = 0x6F;
			rsp[len++] = (uint8_t)(2 + s->j->aidlen +
			    (f ? f->len : 0));
			rsp[len++] = 0x84;
			rsp[len++] = (uint8_t)s->j->aidlen;
			memcpy(rsp + len, s->j->aid, s->j->aidlen);
			len += s->j->aidlen;
			if (f != NULL && len + f->len < PCSC_RSP_MAX - 2) {
				memcpy(rsp + len, f->val, f->len);
				len += f->len;
			}
		}
	} else if (cmd[1] == 0xCA && cmd[2] == 0x9F && cmd[3] == 0x7F) {
		memcpy(rsp, "\x9F\x7F\x2A", 3);
		memset(rsp + 3, 0, 42);
		memcpy(rsp + 3 + 12, s->serial, 4);
		len = 45;
	} else if (cmd[1] == 0x50) {
		rc = scp_card_init_update(&s->sc, &s->card, cmd, n,
		    s->card.scp == 2 ? zero : NULL, rsp, &len);
		w = scp_sw(rc);
		if (rc != 0)
			len = 0;
	} else if (cmd[1] == 0x82)
		w = scp_sw(scp_card_ext_auth(&s->sc, cmd, n));
	else if (scp_level(&s->sc) > 0) {
		if ((rc = scp_unwrap(&s->sc, cmd, n, plain, &len)) != 0)
			w = scp_sw(rc);
		len = 0;
		OPENSSL_cleanse(plain, sizeof plain);
	} else
		w = 0x6982;
	rsp[len++] = (uint8_t)(w >> 8);
	rsp[len++] = (uint8_t)w;
	return len;
}

int
perso_sim_xmit(void *ctx, const uint8_t *cmd, size_t n, unsigned flags,
    uint8_t *rsp, size_t *rlen, char *err, size_t errlen)
{
	struct perso_sim *s = ctx;
	char hx[2 * PCSC_RSP_MAX + 1];

	(void)flags;
	(void)err;
	(void)errlen;
	*rlen = sim_answer(s, cmd, n, rsp);
	/* The script: wire commands only (secrets encrypted for the
	 * card), and the answers a good card gives. */
	hex_encode(cmd, n, hx);
	fprintf(s->fp, "> %s\n", hx);
	hex_encode(rsp, *rlen, hx);
	fprintf(s->fp, "< %s\n", hx);
	return 0;
}
