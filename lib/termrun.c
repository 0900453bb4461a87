/* termrun.c: one contact transaction (EMV 4.4 Book 3, 10; Book 4, 6). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "fields.h"
#include "hex.h"
#include "pan.h"
#include "termrun.h"
#include "tlv.h"
#include "verify.h"

/* The state of one transaction. */
struct tx {
	struct termrun *t;
	struct cardread_term term;
	struct cardread_card c;
	struct term_tx tx;
	uint8_t tvr[5], tsi[2], cvmres[3], un[4], arc[2];
	struct oda_pub icc;
	int hasicc, cda, online, hasarc;
	uint8_t cdol1d[256];
	size_t cdol1n;
	struct cardread_ac ac;
	char why[300];
};

static void
step(struct tx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->t->trace == NULL)
		return;
	fputs("# ", x->t->trace);
	va_start(ap, fmt);
	vfprintf(x->t->trace, fmt, ap);
	va_end(ap);
	fputc('\n', x->t->trace);
}

/* xorshift64*: the seeded draw of 9F37 and random selection (netpbm's
 * rule: the same seed gives the same bytes). */
static uint32_t
draw(struct termrun *t)
{
	t->rnd ^= t->rnd >> 12;
	t->rnd ^= t->rnd << 25;
	t->rnd ^= t->rnd >> 27;
	return (uint32_t)((t->rnd * 0x2545F4914F6CDD1DULL) >> 32);
}

static const uint8_t *
cf(const struct tx *x, uint32_t tag, size_t want)
{
	size_t n;
	const uint8_t *v = cardread_find(&x->c, tag, &n);

	return v != NULL && (want == 0 || n == want) ? v : NULL;
}

/* Book 3, 10.3: CDA, else DDA, else SDA, as both sides support. */
static void
oda(struct tx *x)
{
	static const uint8_t defddol[] = { 0x9F, 0x37, 0x04 };
	const uint8_t *aip = x->c.aip, *tc = x->t->prof->tcap, *ddol;
	uint8_t dd[256], sdad[ODA_NMAX], idn[8];
	size_t ddn, sn, idnl, n;
	int rc;

	if (x->t->capk == NULL || (!((aip[0] & AIP1_CDA) && (tc[2] &
	    TCAP3_CDA)) && !((aip[0] & AIP1_DDA) && (tc[2] & TCAP3_DDA)) &&
	    !((aip[0] & AIP1_SDA) && (tc[2] & TCAP3_SDA)))) {
		x->tvr[0] |= TVR1_ODA_NOT_PERFORMED;
		step(x, "ODA: not performed");
		return;
	}
	x->tsi[0] |= TSI1_ODA;
	rc = verify_oda(&x->c, x->t->capk, 0, &x->icc, &x->hasicc, x->why,
	    sizeof x->why);
	if (rc != 0 && strstr(x->why, "not in the list") != NULL)
		rc = verify_oda(&x->c, x->t->capk, 1, &x->icc, &x->hasicc,
		    x->why, sizeof x->why);
	if ((aip[0] & AIP1_CDA) && (tc[2] & TCAP3_CDA)) {
		x->cda = 1;
		if (rc != 0 || !x->hasicc) {
			x->tvr[0] |= TVR1_CDA_FAILED;
			x->cda = 0;
		}
		step(x, "ODA: CDA selected, ICC key %s%s%s", rc ? "failed: " :
		    "verified", rc ? x->why : "", rc ? "" : "; signature at GENERATE AC");
		return;
	}
	if ((aip[0] & AIP1_DDA) && (tc[2] & TCAP3_DDA)) {
		if (rc == 0 && x->hasicc) {
			if ((ddol = cf(x, 0x9F49, 0)) == NULL)
				ddol = defddol, n = sizeof defddol;
			else
				cardread_find(&x->c, 0x9F49, &n);
			if (cardread_dol(ddol, n, &x->term, &x->c, dd,
			    sizeof dd, &ddn, x->why, sizeof x->why) != 0 ||
			    cardread_internal_auth(x->t->pc, dd, ddn, sdad, &sn,
			    x->why, sizeof x->why) != 0)
				rc = 1;
			else if ((rc = oda_dda_verify(&x->icc, sdad, sn, dd, ddn,
			    idn, &idnl)) != 0)
				snprintf(x->why, sizeof x->why, "9F4B: %s",
				    oda_strerror(rc));
		}
		if (rc != 0 || !x->hasicc)
			x->tvr[0] |= TVR1_DDA_FAILED;
		step(x, "ODA: DDA %s%s", rc ? "failed: " : "passed",
		    rc ? x->why : "");
		return;
	}
	x->tvr[0] |= TVR1_SDA_SELECTED;
	if (rc != 0)
		x->tvr[0] |= TVR1_SDA_FAILED;
	step(x, "ODA: SDA %s%s", rc ? "failed: " : "passed", rc ? x->why : "");
}

/* An offline PIN's VERIFY: the outcome from the status word. */
static enum term_cvm_outcome
pin(struct tx *x, int enc)
{
	const char *p = x->t->pin;
	int rc;

	if (p == NULL)
		return TERM_CVM_NOPIN;
	if (enc && !x->hasicc)
		return TERM_CVM_FAILED;
	rc = enc ? cardread_verify_enc(x->t->pc, &x->icc, p, strlen(p),
	    x->why, sizeof x->why) : cardread_verify_plain(x->t->pc, p,
	    strlen(p), x->why, sizeof x->why);
	if (rc == 0)
		return TERM_CVM_OK;
	if (rc == 0x63C0 || rc == 0x6983 || rc == 0x6984)
		return TERM_CVM_PTL;
	return TERM_CVM_FAILED;
}

/* Book 3, 10.5: the CVM list rule by rule. */
static void
cvm(struct tx *x)
{
	struct term_cvm cv;
	enum term_cvm_outcome o;
	const uint8_t *l;
	uint8_t rule[2];
	size_t n = 0;

	if (!(x->c.aip[0] & AIP1_CV)) {
		memcpy(x->cvmres, "\x3F\x00\x00", 3);
		step(x, "CVM: the card does not support cardholder verification");
		return;
	}
	if ((l = cardread_find(&x->c, 0x8E, &n)) == NULL)
		x->tvr[0] |= TVR1_ICC_DATA_MISSING;
	term_cvm_start(&cv, l, n);
	while (term_cvm_next(&cv, x->t->prof, &x->tx, cf(x, 0x9F42, 2),
	    x->tvr, rule)) {
		switch (rule[0] & CVM_CODE_MASK) {
		case 0x01: case 0x03:
			o = pin(x, 0);
			break;
		case 0x04: case 0x05:
			o = pin(x, 1);
			break;
		case 0x02: case 0x1E:
			o = TERM_CVM_UNKNOWN;
			break;
		case 0x1F:
			o = TERM_CVM_OK;
			break;
		default:
			o = TERM_CVM_FAILED;
		}
		step(x, "CVM: rule %02X%02X %s: %s", rule[0], rule[1],
		    fields_cvm_name(rule[0] & CVM_CODE_MASK),
		    o == TERM_CVM_OK ? "successful" : o == TERM_CVM_UNKNOWN ?
		    "captured, result unknown" : o == TERM_CVM_PTL ?
		    "PIN try limit exceeded" : o == TERM_CVM_NOPIN ?
		    "no PIN entered" : "failed");
		term_cvm_result(&cv, o, x->tvr);
	}
	memcpy(x->cvmres, cv.result, 3);
	x->tsi[0] |= TSI1_CV;
}

/* Fill a CDOL and send GENERATE AC; verify CDA when asked. */
static int
genac(struct tx *x, uint8_t p1, const uint8_t *cdol, size_t cn, int second,
    struct cardread_ac *ac)
{
	uint8_t d[256], tdhc[ODA_HASHLEN];
	struct oda_cda cd;
	size_t dn;
	int rc, cda = x->cda && (p1 & CID_TYPE_MASK) != CID_AAC;

	cardread_term_set(&x->term, 0x95, x->tvr, 5);
	cardread_term_set(&x->term, 0x9B, x->tsi, 2);
	cardread_term_set(&x->term, 0x9F34, x->cvmres, 3);
	if ((rc = cardread_dol(cdol, cn, &x->term, &x->c, d, sizeof d, &dn,
	    x->why, sizeof x->why)) != 0 || (rc = cardread_genac(x->t->pc,
	    p1 | (cda ? 0x10 : 0), d, dn, ac, x->why, sizeof x->why)) != 0)
		return rc;
	if (!second) {
		memcpy(x->cdol1d, d, dn);
		x->cdol1n = dn;
	}
	step(x, "GENERATE AC %d: asked %s%s, card gave %s", second + 1,
	    (p1 & CID_TYPE_MASK) == CID_TC ? "TC" : (p1 & CID_TYPE_MASK) ==
	    CID_ARQC ? "ARQC" : "AAC", cda ? " with CDA" : "",
	    (ac->cid & CID_TYPE_MASK) == CID_TC ? "TC" : (ac->cid &
	    CID_TYPE_MASK) == CID_ARQC ? "ARQC" : "AAC");
	if (cda && ac->sdadlen > 0) {
		if ((rc = oda_cda_tdhc(x->c.pdoldata, x->c.pdollen, x->cdol1d,
		    x->cdol1n, second ? d : NULL, second ? dn : 0, ac->raw,
		    ac->rawlen, tdhc)) == 0)
			rc = oda_cda_verify(&x->icc, ac->sdad, ac->sdadlen,
			    x->un, sizeof x->un, ac->cid, tdhc, &cd);
		if (rc == 0) {
			memcpy(ac->ac, cd.ac, 8);
			ac->hasac = 1;
		} else {
			x->tvr[0] |= TVR1_CDA_FAILED;
			step(x, "CDA: %s", oda_strerror(rc));
		}
		step(x, "CDA: signature %s", rc ? "failed" : "verified");
	} else if (cda && (ac->cid & CID_TYPE_MASK) != CID_AAC) {
		x->tvr[0] |= TVR1_CDA_FAILED;
		step(x, "CDA: no signature in the response");
	}
	return 0;
}

/* Send the commands (86) of each script template 71 or 72 in s. */
static void
scripts(struct tx *x, const uint8_t *s, size_t n, int before)
{
	const uint8_t *p = s, *q;
	struct tlv t, u;
	int rc;

	while (tlv_next(&p, s + n, &t) == 1) {
		if (t.tag != 0x71 && t.tag != 0x72)
			continue;
		x->tsi[0] |= TSI1_SCRIPT;
		q = t.val;
		while (tlv_next(&q, t.val + t.len, &u) == 1) {
			if (u.tag != 0x86)
				continue;
			rc = cardread_script(x->t->pc, u.val, u.len, x->why,
			    sizeof x->why);
			step(x, "script %s GENERATE AC: command %s", before ?
			    "before" : "after", rc == 0 ? "accepted" : "failed");
			if (rc != 0 && (rc < 0 || (rc & 0xFF00) != 0x6200)) {
				x->tvr[4] |= before ? TVR5_SCRIPT_BEFORE :
				    TVR5_SCRIPT_AFTER;
				break;
			}
		}
	}
}

static void
sethex(struct rec *r, const char *name, const uint8_t *v, size_t n)
{
	rec_set_bin(r, name, v, n);
}

/* The authorisation request to the host and its answer into x; the
 * issuer's data 91, 71 and 72 into d91/s71/s72.  0, or -1 when the host
 * could not be asked (then the terminal is "unable to go online"). */
static int
ask_host(struct tx *x, struct rec *in, struct rec *ans)
{
	static const uint32_t tt[] = { 0x9F02, 0x9F03, 0x9F1A, 0x5F2A, 0x9A,
	    0x9C, 0x9F37 };
	struct rec q;
	const uint8_t *v;
	const char *id = rec_value(in, "id");
	char name[8];
	size_t i, n;
	int rc;

	if (x->t->tohost == NULL)
		return -1;
	rec_init(&q);
	rec_set(&q, "id", id != NULL ? id : "-");
	if ((v = cardread_find(&x->c, 0x5A, &n)) != NULL)
		sethex(&q, "5A", v, n);
	if ((v = cardread_find(&x->c, 0x5F34, &n)) != NULL)
		sethex(&q, "5F34", v, n);
	sethex(&q, "9F10", x->ac.iad, x->ac.iadlen);
	sethex(&q, "9F26", x->ac.ac, 8);
	sethex(&q, "9F36", x->ac.atc, 2);
	sethex(&q, "9F27", &x->ac.cid, 1);
	sethex(&q, "82", x->c.aip, 2);
	for (i = 0; i < sizeof tt / sizeof tt[0]; i++)
		if ((v = cardread_term_get(&x->term, tt[i], &n)) != NULL) {
			snprintf(name, sizeof name, "%X", (unsigned)tt[i]);
			sethex(&q, name, v, n);
		}
	sethex(&q, "95", x->tvr, 5);
	sethex(&q, "4F", x->c.aid, x->c.aidlen);
	if (in != NULL && rec_value(in, "script") != NULL)
		rec_set(&q, "script", rec_value(in, "script"));
	rc = rec_write(x->t->tohost, &q) == 0 && fflush(x->t->tohost) == 0 ?
	    0 : -1;
	rec_free(&q);
	if (rc == 0 && (rec_read(x->t->hostrd, ans) != 1 || ans->perr != NULL))
		rc = -1;
	return rc;
}

static void
bin_of(const struct rec *r, const char *name, uint8_t *out, size_t max,
    size_t *n)
{
	const char *v = rec_value(r, name);
	long m;

	*n = 0;
	if (v != NULL && strlen(v) <= 2 * max &&
	    (m = hex_decode(v, strlen(v), out)) > 0)
		*n = (size_t)m;
}

/* Book 3, 10.9 - 10.11: online processing, issuer authentication and
 * scripts, second GENERATE AC.  Returns 0 or a card code. */
static int
complete(struct tx *x, struct rec *in)
{
	static uint8_t s71[1024], s72[1024];
	struct rec ans;
	struct cardread_ac ac2;
	const uint8_t *cdol2;
	uint8_t d91[32], p1;
	size_t n91 = 0, n71 = 0, n72 = 0, c2n, n;
	int rc;

	rec_init(&ans);
	if (!x->t->offline && term_online_capable(x->t->prof) &&
	    ask_host(x, in, &ans) == 0 && !rec_has_error(&ans)) {
		bin_of(&ans, "8A", x->arc, 2, &n);
		x->hasarc = n == 2;
		bin_of(&ans, "91", d91, sizeof d91, &n91);
		bin_of(&ans, "71", s71, sizeof s71, &n71);
		bin_of(&ans, "72", s72, sizeof s72, &n72);
		if (rec_value(&ans, "test") != NULL)
			rec_set(in, "test", "1");
	}
	rec_free(&ans);
	if (x->hasarc) {
		x->online = 1;
		step(x, "host: ARC %c%c (%s)", x->arc[0], x->arc[1],
		    term_arc_approves(x->arc) ? "approve" : "decline");
		if (n71 > 0)
			scripts(x, s71, n71, 1);
		if (n91 > 0 && (x->c.aip[0] & AIP1_ISSUER_AUTH)) {
			x->tsi[0] |= TSI1_ISSUER_AUTH;
			rc = cardread_external_auth(x->t->pc, d91, n91, x->why,
			    sizeof x->why);
			if (rc != 0)
				x->tvr[4] |= TVR5_ISSUER_AUTH_FAILED;
			step(x, "issuer authentication: %s", rc == 0 ?
			    "ARPC accepted" : "failed");
		} else if (n91 > 0) {
			x->tsi[0] |= TSI1_ISSUER_AUTH;
			cardread_term_set(&x->term, 0x91, d91, n91);
		}
		p1 = term_arc_approves(x->arc) ? CID_TC : CID_AAC;
	} else {
		/* 10.7: unable to go online, the default action; ARC Z3. */
		memcpy(x->arc, "Z3", 2);
		x->hasarc = 1;
		p1 = (uint8_t)term_taa_default(x->t->prof, x->tvr,
		    cf(x, 0x9F0D, 5));
		step(x, "unable to go online: default action gives %s",
		    p1 == CID_TC ? "TC" : "AAC");
	}
	cardread_term_set(&x->term, 0x8A, x->arc, 2);
	if ((cdol2 = cardread_find(&x->c, 0x8D, &c2n)) == NULL) {
		snprintf(x->why, sizeof x->why, "8D: no CDOL2");
		return CARDREAD_EDATA;
	}
	if ((rc = genac(x, p1, cdol2, c2n, 1, &ac2)) != 0)
		return rc;
	x->ac = ac2;
	if (n72 > 0)
		scripts(x, s72, n72, 0);
	OPENSSL_cleanse(d91, sizeof d91);
	return 0;
}

static void
result(struct tx *x, struct rec *r)
{
	const uint8_t *v;
	size_t n;
	int ok = (x->ac.cid & CID_TYPE_MASK) == CID_TC;

	if ((v = cardread_find(&x->c, 0x5A, &n)) != NULL)
		sethex(r, "5A", v, n);
	sethex(r, "82", x->c.aip, 2);
	sethex(r, "95", x->tvr, 5);
	sethex(r, "9B", x->tsi, 2);
	sethex(r, "9F34", x->cvmres, 3);
	sethex(r, "9F27", &x->ac.cid, 1);
	if (x->ac.hasac)
		sethex(r, "9F26", x->ac.ac, 8);
	sethex(r, "9F36", x->ac.atc, 2);
	if (x->hasarc)
		sethex(r, "8A", x->arc, 2);
	rec_set(r, "decision", ok ? "approved" : "declined");
	rec_set(r, "online", x->online ? "yes" : "no");
	step(x, "decision: %s %s", ok ? "approved" : "declined",
	    x->online ? "online" : "offline");
}

static int
fail(struct rec *r, int rc, const char *why)
{
	const char *code = rc == PCSC_ETIMEOUT ? "no-card" :
	    rc == PCSC_EREMOVED ? "card-removed" : rc == 0x6A82 ?
	    "no-application" : rc == CARDREAD_EDATA ? "bad-response" :
	    rc > 0 ? "card-refused" : "reader";

	rec_fail(r, "-", code, "%s: %s", code, why);
	return 1;
}

int
termrun_tx(struct termrun *t, struct rec *r)
{
	static struct tx x;
	const uint8_t *v;
	const char *a = rec_value(r, "amount");
	uint8_t amt[6], zero[6] = { 0 };
	uint32_t u;
	size_t n;
	int rc, want;

	memset(&x, 0, sizeof x);
	x.t = t;
	x.term = t->term;
	x.tx.amount = t->amount;
	if (a != NULL) {
		char *end;
		unsigned long long m = strtoull(a, &end, 10);

		if (*a < '0' || *a > '9' || *end != '\0' || m > 999999999999ULL) {
			rec_fail(r, "amount", "bad-amount", "not an amount in minor units");
			return 1;
		}
		x.tx.amount = m;
	}
	term_amount_encode(x.tx.amount, amt);
	cardread_term_set(&x.term, 0x9F02, amt, 6);
	if (cardread_term_get(&x.term, 0x9F03, &n) == NULL)
		cardread_term_set(&x.term, 0x9F03, zero, 6);
	u = draw(t);
	memcpy(x.un, (uint8_t[4]){ u >> 24, u >> 16, u >> 8, u }, 4);
	cardread_term_set(&x.term, 0x9F37, x.un, 4);
	cardread_term_set(&x.term, 0x9C, &x.tx.type, 1);
	if ((v = cardread_term_get(&x.term, 0x9A, &n)) != NULL && n == 3)
		memcpy(x.tx.date, v, 3);
	cardread_term_set(&x.term, 0x95, x.tvr, 5);
	step(&x, "transaction: amount %llu, unpredictable number %02X%02X%02X%02X",
	    (unsigned long long)x.tx.amount, x.un[0], x.un[1], x.un[2], x.un[3]);
	if ((rc = cardread_read(t->pc, &x.term, NULL, 0, &x.c, x.why,
	    sizeof x.why)) != 0)
		return fail(r, rc, x.why);
	step(&x, "card read: %zu records", x.c.nrec);
	oda(&x);
	term_restrictions(t->prof, &x.tx, cf(&x, 0x9F08, 2), cf(&x, 0x9F07, 2),
	    cf(&x, 0x5F28, 2), cf(&x, 0x5F25, 3), cf(&x, 0x5F24, 3), x.tvr);
	cvm(&x);
	if (x.c.aip[0] & AIP1_TRM) {
		term_trm(t->prof, &x.tx, draw(t) % 100, cf(&x, 0x9F14, 1),
		    cf(&x, 0x9F23, 1), cf(&x, 0x9F36, 2), cf(&x, 0x9F13, 2),
		    x.tvr);
		x.tsi[0] |= TSI1_TERMINAL_RM;
	}
	want = term_taa(t->prof, x.tvr, cf(&x, 0x9F0E, 5), cf(&x, 0x9F0F, 5),
	    cf(&x, 0x9F0D, 5));
	if (want == CID_ARQC && (t->offline || !term_online_capable(t->prof)))
		want = term_taa_default(t->prof, x.tvr, cf(&x, 0x9F0D, 5));
	step(&x, "terminal action analysis: TVR %02X%02X%02X%02X%02X, ask %s",
	    x.tvr[0], x.tvr[1], x.tvr[2], x.tvr[3], x.tvr[4],
	    want == CID_TC ? "TC" : want == CID_ARQC ? "ARQC" : "AAC");
	if ((v = cardread_find(&x.c, 0x8C, &n)) == NULL)
		return fail(r, CARDREAD_EDATA, "8C: no CDOL1");
	if ((rc = genac(&x, (uint8_t)want, v, n, 0, &x.ac)) != 0)
		return fail(r, rc, x.why);
	x.tsi[0] |= TSI1_CARD_RM;
	if ((x.ac.cid & CID_TYPE_MASK) == CID_ARQC &&
	    (rc = complete(&x, r)) != 0)
		return fail(r, rc, x.why);
	result(&x, r);
	return 0;
}

/* ---- the readable trace ---- */

static const char *
cmdname(const uint8_t *c, size_t n)
{
	if (n < 4)
		return "short command";
	switch (c[1]) {
	case 0xA4: return "SELECT";
	case 0xA8: return "GET PROCESSING OPTIONS";
	case 0xB2: return "READ RECORD";
	case 0xCA: return "GET DATA";
	case 0x88: return "INTERNAL AUTHENTICATE";
	case 0x84: return "GET CHALLENGE";
	case 0x20: return "VERIFY";
	case 0xAE: return "GENERATE AC";
	case 0x82: return "EXTERNAL AUTHENTICATE";
	case 0x1E: return "APPLICATION BLOCK";
	case 0x18: return "APPLICATION UNBLOCK";
	case 0x16: return "CARD BLOCK";
	case 0x24: return "PIN CHANGE/UNBLOCK";
	case 0xDA: case 0xDB: return "PUT DATA";
	case 0xDC: case 0xDD: return "UPDATE RECORD";
	case 0xC0: return "GET RESPONSE";
	}
	return "unknown command";
}

static const char *
swname(unsigned sw)
{
	if (sw == 0x9000)
		return "done";
	if ((sw & 0xFFF0) == 0x63C0)
		return "wrong PIN, tries left in the low digit";
	switch (sw) {
	case 0x6283: return "selected application blocked";
	case 0x6300: return "authentication failed";
	case 0x6983: return "PIN blocked";
	case 0x6984: return "referenced data invalidated";
	case 0x6985: return "conditions of use not satisfied";
	case 0x6A81: return "function not supported";
	case 0x6A82: return "not found";
	case 0x6A83: return "record not found";
	case 0x6A88: return "data not found";
	case 0x6D00: return "instruction not supported";
	}
	return "refused";
}

/* Replace the PAN's digits in hex line s by its masked form. */
static void
mask(char *s, const char *pan, const char *masked)
{
	size_t pl = strlen(pan);
	char *p;

	if (pl < 10)
		return;
	for (p = s; (p = strstr(p, pan)) != NULL; p += pl)
		memcpy(p, masked, pl);
}

void
termrun_explain(const char *buf, size_t n, const char *panhex, FILE *out)
{
	char line[1200], hex[1200], pan[PAN_MAX + 1] = "", masked[PAN_MAX + 1];
	uint8_t b[600];
	const char *p = buf, *e = buf + n, *nl;
	size_t ln, i, k;
	long m;
	int isverify = 0;

	if (panhex != NULL && pan_from_hex(panhex, strlen(panhex), pan) > 0)
		pan_mask(pan, strlen(pan), masked);
	for (; p < e; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		ln = (size_t)(nl - p);
		if (ln >= sizeof line)
			ln = sizeof line - 1;
		memcpy(line, p, ln);
		line[ln] = '\0';
		if (line[0] == '#') {
			if (strncmp(line, "# atr", 5) != 0)
				fprintf(out, "emv-term: %s\n", line + 2);
			continue;
		}
		if (ln < 2 || (line[0] != '>' && line[0] != '<'))
			continue;
		for (i = 2, k = 0; line[i] != '\0'; i++)
			if (line[i] != ' ')
				hex[k++] = line[i];
		hex[k] = '\0';
		if (line[0] == '>') {
			m = hex_decode(hex, k < 8 ? k : 8, b);
			isverify = m == 4 && b[1] == 0x20;
			if (isverify && k > 10)
				memset(hex + 10, 'X', k - 10);
			if (pan[0] != '\0')
				mask(hex, pan, masked);
			fprintf(out, "emv-term: > %s: %s\n", m == 4 ?
			    cmdname(b, 4) : "command", hex);
			continue;
		}
		m = k >= 4 ? hex_decode(hex + k - 4, 4, b) : -1;
		if (isverify && k > 4)
			memset(hex, 'X', k - 4);
		if (pan[0] != '\0')
			mask(hex, pan, masked);
		fprintf(out, "emv-term: < %s: %s\n", hex, m == 2 ?
		    swname((unsigned)b[0] << 8 | b[1]) : "no status word");
	}
	OPENSSL_cleanse(pan, sizeof pan);
	OPENSSL_cleanse(masked, sizeof masked);
}
