/* term.c: the terminal's decisions in a contact transaction (term.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "hex.h"
#include "record.h"
#include "term.h"

/* Copy the n-byte hex tag field name of r into out. */
static int
hexfield(const struct rec *r, const char *name, uint8_t *out, size_t n,
    char *err, size_t errlen)
{
	const char *v = rec_value(r, name);

	if (v == NULL || strlen(v) != 2 * n || hex_decode(v, 2 * n, out) < 0) {
		snprintf(err, errlen, "%s: %s", name, v == NULL ? "missing" :
		    "wrong length or not hex");
		return -1;
	}
	return 0;
}

/* A decimal field of r, 0..max. */
static int
numfield(const struct rec *r, const char *name, uint64_t max, uint64_t *out,
    char *err, size_t errlen)
{
	const char *v = rec_value(r, name);
	char *end;

	if (v == NULL || strspn(v, "0123456789") != strlen(v) || *v == '\0' ||
	    (*out = strtoull(v, &end, 10)) > max || strlen(v) > 12) {
		snprintf(err, errlen, "%s: %s", name, v == NULL ? "missing" :
		    "not a number in range");
		return -1;
	}
	return 0;
}

int
term_profile_from_rec(const struct rec *r, struct term_profile *p,
    char *err, size_t errlen)
{
	const char *v;
	uint64_t t, m;

	memset(p, 0, sizeof *p);
	if (hexfield(r, "9F33", p->tcap, 3, err, errlen) < 0 ||
	    hexfield(r, "9F40", p->atcap, 5, err, errlen) < 0 ||
	    hexfield(r, "9F1A", p->country, 2, err, errlen) < 0 ||
	    hexfield(r, "5F2A", p->currency, 2, err, errlen) < 0 ||
	    hexfield(r, "9F35", &p->ttype, 1, err, errlen) < 0 ||
	    hexfield(r, "9F09", p->avn, 2, err, errlen) < 0 ||
	    hexfield(r, "tac-default", p->tac_default, 5, err, errlen) < 0 ||
	    hexfield(r, "tac-denial", p->tac_denial, 5, err, errlen) < 0 ||
	    hexfield(r, "tac-online", p->tac_online, 5, err, errlen) < 0 ||
	    numfield(r, "floor", 999999999999ULL, &p->floor, err, errlen) < 0 ||
	    numfield(r, "rs-threshold", 999999999999ULL, &p->rs_threshold, err,
	    errlen) < 0 ||
	    numfield(r, "rs-target", 99, &t, err, errlen) < 0 ||
	    numfield(r, "rs-max", 99, &m, err, errlen) < 0)
		return -1;
	p->rs_target = (unsigned)t;
	p->rs_max = (unsigned)m;
	if (p->rs_target > p->rs_max || (p->rs_threshold > p->floor &&
	    p->floor > 0)) {
		snprintf(err, errlen, "rs-target: random selection over "
		    "rs-max, or rs-threshold over the floor limit");
		return -1;
	}
	if ((v = rec_value(r, "capk")) != NULL) {
		if (strlen(v) >= sizeof p->capk) {
			snprintf(err, errlen, "capk: path too long");
			return -1;
		}
		strcpy(p->capk, v);
	}
	return 0;
}

int
term_online_capable(const struct term_profile *p)
{
	unsigned d = p->ttype & 0x0F;

	/* Book 4 A1: x1, x2 online (x2 with offline capability), x3
	 * offline only; the same for x4-x6 unattended. */
	return d == 1 || d == 2 || d == 4 || d == 5;
}

/* YYMMDD (BCD) as a comparable number, YY 50-99 being 19YY. */
static long
ymd(const uint8_t d[3])
{
	long y = (d[0] >> 4) * 10 + (d[0] & 0x0F);

	y += y < 50 ? 2000 : 1900;
	return y * 10000 + ((d[1] >> 4) * 10 + (d[1] & 0x0F)) * 100 +
	    (d[2] >> 4) * 10 + (d[2] & 0x0F);
}

void
term_restrictions(const struct term_profile *p, const struct term_tx *tx,
    const uint8_t *avn, const uint8_t *auc, const uint8_t *icountry,
    const uint8_t *eff, const uint8_t *exp, uint8_t tvr[5])
{
	unsigned d = p->ttype & 0x0F;
	int atm, dom, ok = 1;

	/* 10.4.1: application version numbers. */
	if (avn != NULL && memcmp(avn, p->avn, 2) != 0)
		tvr[1] |= TVR2_VERSIONS_DIFFER;
	/* 10.4.2: Application Usage Control.  An ATM is an unattended
	 * terminal (types x4-x6) that dispenses cash. */
	if (auc != NULL) {
		atm = (d >= 4 && d <= 6) && (p->atcap[0] & ATCAP1_CASH);
		if (!(auc[0] & (atm ? AUC1_ATM : AUC1_NON_ATM)))
			ok = 0;
		if (icountry != NULL) {
			dom = memcmp(icountry, p->country, 2) == 0;
			if (tx->type == 0x01 && !(auc[0] & (dom ?
			    AUC1_DOM_CASH : AUC1_INT_CASH)))
				ok = 0;
			if ((tx->type == 0x00 || tx->type == 0x09) &&
			    !(auc[0] & (dom ? AUC1_DOM_GOODS |
			    AUC1_DOM_SERVICES : AUC1_INT_GOODS |
			    AUC1_INT_SERVICES)))
				ok = 0;
			if ((tx->type == 0x09 || tx->other > 0) &&
			    !(auc[1] & (dom ? AUC2_DOM_CASHBACK :
			    AUC2_INT_CASHBACK)))
				ok = 0;
		}
		if (!ok)
			tvr[1] |= TVR2_SERVICE_NOT_ALLOWED;
	}
	/* 10.4.3: dates. */
	if (eff != NULL && ymd(eff) > ymd(tx->date))
		tvr[1] |= TVR2_NOT_EFFECTIVE;
	if (exp != NULL && ymd(exp) < ymd(tx->date))
		tvr[1] |= TVR2_EXPIRED;
}

/* ---- CVM list (Book 3 10.5, Annex C3) ---- */

void
term_cvm_start(struct term_cvm *c, const uint8_t *list, size_t n)
{
	memset(c, 0, sizeof *c);
	/* 9F34 "no CVM performed" until a rule succeeds or all fail. */
	c->result[0] = 0x3F;
	if (list == NULL || n < 10 || (n - 8) % 2 != 0) {
		c->done = 1;
		return;
	}
	c->list = list;
	c->n = n;
	c->x = (uint32_t)list[0] << 24 | (uint32_t)list[1] << 16 |
	    (uint32_t)list[2] << 8 | list[3];
	c->y = (uint32_t)list[4] << 24 | (uint32_t)list[5] << 16 |
	    (uint32_t)list[6] << 8 | list[7];
	c->pos = 8;
}

/* The terminal capability bits a CVM code needs; 0: unknown code. */
static unsigned
cvm_needs(uint8_t code)
{
	switch (code) {
	case 0x01:
		return TCAP2_PLAIN_PIN;
	case 0x02:
		return TCAP2_ONLINE_PIN;
	case 0x03:
		return TCAP2_PLAIN_PIN | TCAP2_SIGNATURE;
	case 0x04:
		return TCAP2_ENC_PIN;
	case 0x05:
		return TCAP2_ENC_PIN | TCAP2_SIGNATURE;
	case 0x1E:
		return TCAP2_SIGNATURE;
	case 0x1F:
		return TCAP2_NO_CVM;
	case 0x00:
		return 0x100;	/* "fail CVM processing": known, never met */
	}
	return 0;
}

/* Condition codes of Annex C3 Table 40: 1 holds, 0 not, -1 unknown. */
static int
cond_holds(const struct term_cvm *c, const struct term_profile *p,
    const struct term_tx *tx, const uint8_t *acur, uint8_t code,
    uint8_t cond)
{
	int unattended = (p->ttype & 0x0F) >= 4, cash = tx->type == 0x01;
	int cashback = tx->type == 0x09 || tx->other > 0, incur;
	unsigned need = cvm_needs(code);

	incur = acur != NULL && memcmp(acur, p->currency, 2) == 0;
	switch (cond) {
	case 0x00:
		return 1;
	case 0x01:
		return unattended && cash;
	case 0x02:
		return !cash && !cashback;
	case 0x03:
		return need != 0 && need != 0x100 &&
		    (p->tcap[1] & need) == need;
	case 0x04:
		return !unattended && cash;
	case 0x05:
		return cashback;
	case 0x06:
		return incur && tx->amount < c->x;
	case 0x07:
		return incur && tx->amount > c->x;
	case 0x08:
		return incur && tx->amount < c->y;
	case 0x09:
		return incur && tx->amount > c->y;
	}
	return -1;
}

/* A rule failed: go on when it says so, else CVM processing failed. */
static void
rule_failed(struct term_cvm *c, uint8_t tvr[5])
{
	memcpy(c->result, c->rule, 2);
	c->result[2] = 0x01;
	if (!(c->rule[0] & CVM_APPLY_NEXT) || c->pos >= c->n) {
		c->done = 1;
		tvr[2] |= TVR3_CV_FAILED;
	}
}

int
term_cvm_next(struct term_cvm *c, const struct term_profile *p,
    const struct term_tx *tx, const uint8_t *acurrency, uint8_t tvr[5],
    uint8_t rule[2])
{
	uint8_t code;
	unsigned need;

	while (!c->done && c->pos + 2 <= c->n) {
		c->rule[0] = c->list[c->pos];
		c->rule[1] = c->list[c->pos + 1];
		c->pos += 2;
		code = c->rule[0] & CVM_CODE_MASK;
		if (cond_holds(c, p, tx, acurrency, code, c->rule[1]) != 1)
			continue;
		need = cvm_needs(code);
		if (need == 0) {
			tvr[2] |= TVR3_UNRECOGNISED_CVM;
			rule_failed(c, tvr);
			continue;
		}
		if (need == 0x100 || (p->tcap[1] & need) != need) {
			/* A PIN the card asks for and no PIN pad. */
			if (code == 0x01 || code == 0x03 || code == 0x04 ||
			    code == 0x05 || code == 0x02)
				tvr[2] |= TVR3_NO_PINPAD;
			rule_failed(c, tvr);
			continue;
		}
		memcpy(rule, c->rule, 2);
		return 1;
	}
	/* 10.5.5: the list ended without a success; when no rule applied
	 * at all, 9F34 says "no CVM performed, failed". */
	if (!c->done && c->list != NULL) {
		tvr[2] |= TVR3_CV_FAILED;
		if (c->result[2] == 0)
			memcpy(c->result, "\x3F\x00\x01", 3);
	}
	c->done = 1;
	return 0;
}

void
term_cvm_result(struct term_cvm *c, enum term_cvm_outcome o, uint8_t tvr[5])
{
	uint8_t code = c->rule[0] & CVM_CODE_MASK;

	switch (o) {
	case TERM_CVM_OK:
	case TERM_CVM_UNKNOWN:
		memcpy(c->result, c->rule, 2);
		/* Signature and online PIN are known to succeed only later. */
		c->result[2] = code == 0x1F || o == TERM_CVM_OK ? 0x02 : 0x00;
		if (code == 0x03 || code == 0x05 || code == 0x1E)
			c->result[2] = 0x00;
		if (code == 0x02)
			tvr[2] |= TVR3_ONLINE_CVM;
		c->done = 1;
		return;
	case TERM_CVM_PTL:
		tvr[2] |= TVR3_PIN_TRY_LIMIT;
		break;
	case TERM_CVM_NOPIN:
		tvr[2] |= TVR3_PIN_NOT_ENTERED;
		break;
	case TERM_CVM_FAILED:
		break;
	}
	rule_failed(c, tvr);
}

/* ---- risk management and action analysis ---- */

void
term_trm(const struct term_profile *p, const struct term_tx *tx,
    unsigned rnd, const uint8_t *lcol, const uint8_t *ucol,
    const uint8_t *atc, const uint8_t *lastatc, uint8_t tvr[5])
{
	uint64_t pct;
	unsigned a, l;

	/* 10.6.1 */
	if (tx->amount >= p->floor)
		tvr[3] |= TVR4_FLOOR_LIMIT;
	/* 10.6.2: under the threshold the target percentage; from it to the
	 * floor limit a percentage rising linearly to the maximum. */
	else if (tx->amount < p->rs_threshold) {
		if (rnd < p->rs_target)
			tvr[3] |= TVR4_RANDOM_ONLINE;
	} else {
		pct = p->rs_target + (uint64_t)(p->rs_max - p->rs_target) *
		    (tx->amount - p->rs_threshold) /
		    (p->floor - p->rs_threshold);
		if (rnd < pct)
			tvr[3] |= TVR4_RANDOM_ONLINE;
	}
	/* 10.6.3: velocity checking, when the card has both limits. */
	if (lcol == NULL || ucol == NULL)
		return;
	if (atc == NULL || lastatc == NULL) {
		tvr[3] |= TVR4_LOWER_LIMIT | TVR4_UPPER_LIMIT;
		return;
	}
	a = (unsigned)atc[0] << 8 | atc[1];
	l = (unsigned)lastatc[0] << 8 | lastatc[1];
	if (l == 0)
		tvr[1] |= TVR2_NEW_CARD;
	if (a <= l) {
		tvr[3] |= TVR4_LOWER_LIMIT | TVR4_UPPER_LIMIT;
		return;
	}
	if (a - l > *lcol)
		tvr[3] |= TVR4_LOWER_LIMIT;
	if (a - l > *ucol)
		tvr[3] |= TVR4_UPPER_LIMIT;
}

/* 1 if (tac | iac) & tvr is not zero; iac NULL stands for fill. */
static int
hits(const uint8_t tac[5], const uint8_t *iac, uint8_t fill,
    const uint8_t tvr[5])
{
	int i;

	for (i = 0; i < 5; i++)
		if ((tac[i] | (iac != NULL ? iac[i] : fill)) & tvr[i])
			return 1;
	return 0;
}

int
term_taa(const struct term_profile *p, const uint8_t tvr[5],
    const uint8_t *iac_denial, const uint8_t *iac_online,
    const uint8_t *iac_default)
{
	if (hits(p->tac_denial, iac_denial, 0x00, tvr))
		return CID_AAC;
	if (!term_online_capable(p))
		return term_taa_default(p, tvr, iac_default);
	if (hits(p->tac_online, iac_online, 0xFF, tvr))
		return CID_ARQC;
	return CID_TC;
}

int
term_taa_default(const struct term_profile *p, const uint8_t tvr[5],
    const uint8_t *iac_default)
{
	return hits(p->tac_default, iac_default, 0xFF, tvr) ? CID_AAC : CID_TC;
}

int
term_arc_approves(const uint8_t arc[2])
{
	return arc[0] == '0' && arc[1] == '0' ? 1 :
	    arc[0] == '1' && (arc[1] == '0' || arc[1] == '1');
}

int
term_amount_decode(const uint8_t b[6], uint64_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 6; i++) {
		if ((b[i] >> 4) > 9 || (b[i] & 0x0F) > 9)
			return -1;
		*v = *v * 100 + (b[i] >> 4) * 10 + (b[i] & 0x0F);
	}
	return 0;
}

void
term_amount_encode(uint64_t v, uint8_t b[6])
{
	int i;

	for (i = 5; i >= 0; i--) {
		b[i] = (uint8_t)((v / 10 % 10) << 4 | v % 10);
		v /= 100;
	}
}
