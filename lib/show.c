/* show.c: EMV data elements for a person to read (show.h). */
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "fields.h"
#include "hex.h"
#include "pan.h"
#include "show.h"
#include "tlv.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))


/* ISO 4217 numeric code, alphabetic code, minor-unit exponent. */
static const struct {
	uint16_t num;
	char alpha[4];
	int8_t exp;
} currency[] = {
	{ 8, "ALL", 2 }, { 12, "DZD", 2 }, { 32, "ARS", 2 }, { 36, "AUD", 2 },
	{ 48, "BHD", 3 }, { 50, "BDT", 2 }, { 51, "AMD", 2 }, { 96, "BND", 2 },
	{ 104, "MMK", 2 }, { 116, "KHR", 2 }, { 124, "CAD", 2 },
	{ 144, "LKR", 2 }, { 152, "CLP", 0 }, { 156, "CNY", 2 },
	{ 170, "COP", 2 }, { 188, "CRC", 2 }, { 203, "CZK", 2 },
	{ 208, "DKK", 2 }, { 214, "DOP", 2 }, { 230, "ETB", 2 },
	{ 320, "GTQ", 2 }, { 344, "HKD", 2 }, { 348, "HUF", 2 },
	{ 352, "ISK", 0 }, { 356, "INR", 2 }, { 360, "IDR", 2 },
	{ 368, "IQD", 3 }, { 376, "ILS", 2 }, { 388, "JMD", 2 },
	{ 392, "JPY", 0 }, { 398, "KZT", 2 }, { 400, "JOD", 3 },
	{ 404, "KES", 2 }, { 410, "KRW", 0 }, { 414, "KWD", 3 },
	{ 422, "LBP", 2 }, { 434, "LYD", 3 }, { 446, "MOP", 2 },
	{ 458, "MYR", 2 }, { 480, "MUR", 2 }, { 484, "MXN", 2 },
	{ 498, "MDL", 2 }, { 504, "MAD", 2 }, { 512, "OMR", 3 },
	{ 524, "NPR", 2 }, { 554, "NZD", 2 }, { 566, "NGN", 2 },
	{ 578, "NOK", 2 }, { 586, "PKR", 2 }, { 600, "PYG", 0 },
	{ 604, "PEN", 2 }, { 608, "PHP", 2 }, { 634, "QAR", 2 },
	{ 643, "RUB", 2 }, { 682, "SAR", 2 }, { 702, "SGD", 2 },
	{ 704, "VND", 0 }, { 710, "ZAR", 2 }, { 752, "SEK", 2 },
	{ 756, "CHF", 2 }, { 764, "THB", 2 }, { 784, "AED", 2 },
	{ 788, "TND", 3 }, { 800, "UGX", 0 }, { 807, "MKD", 2 },
	{ 818, "EGP", 2 }, { 826, "GBP", 2 }, { 840, "USD", 2 },
	{ 858, "UYU", 2 }, { 860, "UZS", 2 }, { 901, "TWD", 2 },
	{ 933, "BYN", 2 }, { 941, "RSD", 2 }, { 944, "AZN", 2 },
	{ 946, "RON", 2 }, { 949, "TRY", 2 }, { 950, "XAF", 0 },
	{ 952, "XOF", 0 }, { 975, "BGN", 2 }, { 977, "BAM", 2 },
	{ 978, "EUR", 2 }, { 980, "UAH", 2 }, { 981, "GEL", 2 },
	{ 985, "PLN", 2 }, { 986, "BRL", 2 }, { 999, "XXX", -1 },
};

/* ISO 3166-1 numeric code and alpha-2 code. */
static const struct {
	uint16_t num;
	char alpha[3];
} country[] = {
	{ 8, "AL" }, { 12, "DZ" }, { 20, "AD" }, { 32, "AR" }, { 36, "AU" },
	{ 40, "AT" }, { 50, "BD" }, { 56, "BE" }, { 70, "BA" }, { 76, "BR" },
	{ 100, "BG" }, { 112, "BY" }, { 124, "CA" }, { 152, "CL" },
	{ 156, "CN" }, { 158, "TW" }, { 170, "CO" }, { 188, "CR" },
	{ 191, "HR" }, { 196, "CY" }, { 203, "CZ" }, { 208, "DK" },
	{ 214, "DO" }, { 218, "EC" }, { 231, "ET" }, { 233, "EE" },
	{ 246, "FI" }, { 250, "FR" }, { 268, "GE" }, { 276, "DE" },
	{ 288, "GH" }, { 300, "GR" }, { 320, "GT" }, { 344, "HK" },
	{ 348, "HU" }, { 352, "IS" }, { 356, "IN" }, { 360, "ID" },
	{ 368, "IQ" }, { 372, "IE" }, { 376, "IL" }, { 380, "IT" },
	{ 388, "JM" }, { 392, "JP" }, { 398, "KZ" }, { 400, "JO" },
	{ 404, "KE" }, { 410, "KR" }, { 414, "KW" }, { 422, "LB" },
	{ 428, "LV" }, { 438, "LI" }, { 440, "LT" }, { 442, "LU" },
	{ 446, "MO" }, { 458, "MY" }, { 470, "MT" }, { 484, "MX" },
	{ 492, "MC" }, { 498, "MD" }, { 499, "ME" }, { 504, "MA" },
	{ 528, "NL" }, { 554, "NZ" }, { 566, "NG" }, { 578, "NO" },
	{ 586, "PK" }, { 591, "PA" }, { 600, "PY" }, { 604, "PE" },
	{ 608, "PH" }, { 616, "PL" }, { 620, "PT" }, { 634, "QA" },
	{ 642, "RO" }, { 643, "RU" }, { 682, "SA" }, { 688, "RS" },
	{ 702, "SG" }, { 703, "SK" }, { 704, "VN" }, { 705, "SI" },
	{ 710, "ZA" }, { 724, "ES" }, { 752, "SE" }, { 756, "CH" },
	{ 764, "TH" }, { 784, "AE" }, { 788, "TN" }, { 792, "TR" },
	{ 804, "UA" }, { 807, "MK" }, { 818, "EG" }, { 826, "GB" },
	{ 840, "US" }, { 858, "UY" }, { 860, "UZ" }, { 862, "VE" },
};

/* CPLC (9F7F) fields in order, by length (GlobalPlatform; emv-facts 2.6). */
static const struct {
	const char *name;
	size_t len;
} cplc[] = {
	{ "IC fabricator", 2 }, { "IC type", 2 }, { "operating system ID", 2 },
	{ "operating system release date", 2 },
	{ "operating system release level", 2 },
	{ "IC fabrication date", 2 }, { "IC serial number", 4 },
	{ "IC batch identifier", 2 }, { "IC module fabricator", 2 },
	{ "IC module packaging date", 2 }, { "ICC manufacturer", 2 },
	{ "IC embedding date", 2 }, { "IC pre-personaliser", 2 },
	{ "IC pre-personalisation equipment date", 2 },
	{ "IC pre-personalisation equipment ID", 4 },
	{ "IC personaliser", 2 }, { "IC personalisation date", 2 },
	{ "IC personalisation equipment ID", 4 },
};

int
show_currency(unsigned num, const char **alpha, int *exponent)
{
	size_t i;

	for (i = 0; i < NELEM(currency); i++)
		if (currency[i].num == num) {
			*alpha = currency[i].alpha;
			*exponent = currency[i].exp;
			return 0;
		}
	return -1;
}

const char *
show_country(unsigned num)
{
	size_t i;

	for (i = 0; i < NELEM(country); i++)
		if (country[i].num == num)
			return country[i].alpha;
	return NULL;
}

static int
has(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, word, k) == 0)
			return 1;
	return 0;
}

int
show_attr_secret(const char *name, size_t n)
{
	return (n >= 3 && memcmp(name, "pin", 3) == 0) || has(name, n, "key") ||
	    has(name, n, "secret") || has(name, n, "pass") ||
	    (n >= 3 && memcmp(name, "cvv", 3) == 0);
}

int
show_attr_carddata(const char *name, size_t n)
{
	return (n >= 5 && memcmp(name, "track", 5) == 0) ||
	    (n >= 6 && memcmp(name, "emboss", 6) == 0);
}

static void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n ? n : 1)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", getprogname());
		exit(4);
	}
	return p;
}

void
show_init(struct show *s, FILE *fp, int unmask)
{
	memset(s, 0, sizeof *s);
	s->fp = fp;
	s->unmask = unmask;
	s->txn_cur = s->txn_exp = s->app_cur = s->app_exp = -1;
}

void
show_forget(struct show *s)
{
	explicit_bzero(s->pan, sizeof s->pan);
	show_init(s, s->fp, s->unmask);
}

/* Value of n BCD bytes, or -1 if a nibble is not a digit. */
static int
bcd(const uint8_t *v, size_t n, uint64_t *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if ((v[i] >> 4) > 9 || (v[i] & 0x0F) > 9)
			return -1;
		*out = *out * 100 + (uint64_t)(v[i] >> 4) * 10 + (v[i] & 0x0F);
	}
	return 0;
}

static uint64_t
binary(const uint8_t *v, size_t n)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < n; i++)
		x = x << 8 | v[i];
	return x;
}

static int
nibble(const uint8_t *v, size_t i)
{
	return i % 2 ? v[i / 2] & 0x0F : v[i / 2] >> 4;
}

/* The digits of a PAN in cn or in track 2 up to D, into out[20]. */
static size_t
pan_digits(const uint8_t *v, size_t n, char out[20])
{
	size_t i, k = 0;
	int d;

	for (i = 0; i < 2 * n && k < 19; i++) {
		if ((d = nibble(v, i)) > 9)
			break;
		out[k++] = (char)('0' + d);
	}
	out[k] = '\0';
	return k;
}

static void
learn(struct show *s, uint32_t tag, const uint8_t *v, size_t n, int depth)
{
	const uint8_t *p = v, *end = v + n;
	struct tlv t;
	uint64_t x;

	switch (tag) {
	case 0x5F2A:
		if (n == 2 && bcd(v, n, &x) == 0)
			s->txn_cur = (int)x;
		break;
	case 0x5F36:
		if (n == 1 && bcd(v, n, &x) == 0)
			s->txn_exp = (int)x;
		break;
	case 0x9F42:
	case 0x9F51:
		if (n == 2 && bcd(v, n, &x) == 0 &&
		    (s->app_cur < 0 || tag == 0x9F42))
			s->app_cur = (int)x;
		break;
	case 0x9F44:
		if (n == 1 && bcd(v, n, &x) == 0)
			s->app_exp = (int)x;
		break;
	case 0x5A:
	case 0x57:
	case 0x9F6B:
		/* Shorter is no card number: masking it would garble hex. */
		if (s->panlen == 0 &&
		    (s->panlen = pan_digits(v, n, s->pan)) < 8)
			s->panlen = 0;
		break;
	}
	if (!tlv_tag_constructed(tag) || depth > TLV_MAXDEPTH ||
	    tlv_validate(v, n, NULL) != 0)
		return;
	while (tlv_next(&p, end, &t) == 1)
		learn(s, t.tag, t.val, t.len, depth + 1);
}

void
show_learn(struct show *s, const struct rec *r)
{
	const struct rec_field *f;
	const uint8_t *p, *end;
	struct tlv t;
	uint8_t *v;
	size_t i, n;

	for (i = 0; i < r->nf; i++) {
		f = &r->f[i];
		if (f->kind == REC_ATTR || (f->kind == REC_DGI &&
		    dict_dgi_secret((uint16_t)f->tag)) ||
		    rec_bin(f, &v, &n) < 0)
			continue;
		if (f->kind == REC_TAG)
			learn(s, f->tag, v, n, 0);
		else if (tlv_validate(v, n, NULL) == 0)
			for (p = v, end = v + n; tlv_next(&p, end, &t) == 1; )
				learn(s, t.tag, t.val, t.len, 0);
		explicit_bzero(v, n);
		free(v);
	}
}

void
show_str(struct show *s, const char *str, size_t n)
{
	char masked[20], *buf;
	size_t i;

	if (s->unmask || s->panlen == 0 || n < s->panlen) {
		fwrite(str, 1, n, s->fp);
		return;
	}
	buf = xmalloc(n);
	memcpy(buf, str, n);
	pan_mask(s->pan, s->panlen, masked);
	for (i = 0; i + s->panlen <= n; i++)
		if (memcmp(buf + i, s->pan, s->panlen) == 0) {
			memcpy(buf + i, masked, s->panlen);
			i += s->panlen - 1;
		}
	fwrite(buf, 1, n, s->fp);
	explicit_bzero(buf, n);
	explicit_bzero(masked, sizeof masked);
	free(buf);
}

void
show_hex(struct show *s, const uint8_t *v, size_t n)
{
	char *hex = xmalloc(2 * n + 1);

	hex_encode(v, n, hex);
	show_str(s, hex, 2 * n);
	explicit_bzero(hex, 2 * n + 1);
	free(hex);
}

/* A value in hex after "Name:", or a word for an empty one. */
static void
hexval(struct show *s, const uint8_t *v, size_t n)
{
	if (n == 0) {
		fputs(" (empty)", s->fp);
		return;
	}
	fputc(' ', s->fp);
	show_hex(s, v, n);
}

void
show_text(struct show *s, const uint8_t *v, size_t n)
{
	char *buf = xmalloc(4 * n + 2), *o = buf;
	size_t i;

	*o++ = '"';
	for (i = 0; i < n; i++) {
		if (v[i] >= 0x20 && v[i] <= 0x7E && v[i] != '"' && v[i] != '\\')
			*o++ = (char)v[i];
		else
			o += sprintf(o, "\\x%02X", v[i]);
	}
	*o++ = '"';
	show_str(s, buf, (size_t)(o - buf));
	explicit_bzero(buf, 4 * n + 2);
	free(buf);
}

/* An amount in minor units, with the currency it is counted in. */
static void
amount(struct show *s, uint64_t v, int cur, int exp)
{
	const char *alpha = NULL;
	uint64_t p = 1;
	int tabexp = -1, e, k;

	if (cur >= 0 && show_currency((unsigned)cur, &alpha, &tabexp) < 0)
		alpha = NULL;
	if ((e = exp >= 0 ? exp : tabexp) < 0) {
		fprintf(s->fp, " %llu minor units", (unsigned long long)v);
		if (cur < 0)
			fprintf(s->fp, " (no currency code in the record)");
	} else {
		for (k = 0; k < e; k++)
			p *= 10;
		if (e == 0)
			fprintf(s->fp, " %llu", (unsigned long long)v);
		else
			fprintf(s->fp, " %llu.%0*llu",
			    (unsigned long long)(v / p), e,
			    (unsigned long long)(v % p));
	}
	if (alpha != NULL)
		fprintf(s->fp, " %s", alpha);
	else if (cur >= 0)
		fprintf(s->fp, " (currency %03d)", cur);
}

static void
line(struct show *s, int indent)
{
	fprintf(s->fp, "\n%*s", indent, "");
}

static void
bits(struct show *s, const struct field_table *t, const uint8_t *v,
    size_t n, int indent)
{
	const struct field_flag *f;
	size_t pos = 0;
	int any = 0;

	fputc(' ', s->fp);
	show_hex(s, v, n);
	while ((f = fields_next(t, v, n, &pos)) != NULL) {
		line(s, indent);
		fputs(f->name, s->fp);
		any = 1;
	}
	if (!any)
		fputs(" (none set)", s->fp);
}

static void
cvm_list(struct show *s, const uint8_t *v, size_t n, int indent)
{
	size_t i;

	fputc(' ', s->fp);
	show_hex(s, v, n);
	line(s, indent);
	fputs("amount X", s->fp);
	amount(s, binary(v, 4), s->app_cur, s->app_exp);
	fputs(", amount Y", s->fp);
	amount(s, binary(v + 4, 4), s->app_cur, s->app_exp);
	for (i = 8; i + 1 < n; i += 2) {
		line(s, indent);
		fprintf(s->fp, "%02X%02X  %s, %s; if unsuccessful, %s", v[i],
		    v[i + 1], fields_cvm_name(v[i]), fields_cvm_cond(v[i + 1]),
		    (v[i] & CVM_APPLY_NEXT) ? "apply the next rule" :
		    "cardholder verification fails");
	}
}

static void
dol(struct show *s, const uint8_t *v, size_t n, int indent)
{
	const uint8_t *p = v, *end = v + n;
	struct dol_entry d;

	fputc(' ', s->fp);
	show_hex(s, v, n);
	while (dol_next(&p, end, &d) == 1) {
		line(s, indent);
		fprintf(s->fp, "%-4.*X  %2zu byte%s  %s",
		    (int)(2 * tlv_tag_size(d.tag)), (unsigned)d.tag, d.len,
		    d.len == 1 ? " " : "s", dict_name(d.tag));
	}
}

static void
afl(struct show *s, const uint8_t *v, size_t n, int indent)
{
	size_t i;

	fputc(' ', s->fp);
	show_hex(s, v, n);
	for (i = 0; i + 3 < n; i += 4) {
		line(s, indent);
		fprintf(s->fp, "SFI %d, records %d-%d, %d for offline data "
		    "authentication", v[i] >> 3, v[i + 1], v[i + 2], v[i + 3]);
	}
}

static void
taglist(struct show *s, const uint8_t *v, size_t n, int indent)
{
	size_t i = 0, k;
	uint32_t tag;

	fputc(' ', s->fp);
	show_hex(s, v, n);
	while (i < n) {
		tag = v[i];
		k = 1;
		if ((v[i] & 0x1F) == 0x1F)
			while (i + k < n && k < 3 && (tag = tag << 8 | v[i + k],
			    v[i + k++] & 0x80))
				;
		line(s, indent);
		fprintf(s->fp, "%-4.*X  %s", (int)(2 * k), (unsigned)tag,
		    dict_name(tag));
		i += k;
	}
}

static void
date(struct show *s, const uint8_t *v, size_t n)
{
	int yy = (v[0] >> 4) * 10 + (v[0] & 0x0F);

	fprintf(s->fp, " %d-%02X", yy < 50 ? 2000 + yy : 1900 + yy, v[1]);
	if (n > 2)
		fprintf(s->fp, "-%02X", v[2]);
}

/* Discretionary data of a track: the digits or a count of them. */
static void
discretionary(struct show *s, const char *what, const char *d, size_t n)
{
	if (n == 0)
		return;
	fprintf(s->fp, ", discretionary data ");
	if (s->unmask)
		show_str(s, d, n);
	else
		fprintf(s->fp, "(%zu %s, shown with -u)", n, what);
}

static void
track_pan(struct show *s, const char *pan, size_t n)
{
	char m[20];

	fputc(' ', s->fp);
	if (s->unmask)
		fwrite(pan, 1, n, s->fp);
	else {
		pan_mask(pan, n, m);
		fputs(m, s->fp);
		explicit_bzero(m, sizeof m);
	}
}

static void
track2(struct show *s, const uint8_t *v, size_t n)
{
	char d[40];
	size_t i, k = 0, sep = 0;
	int x;

	for (i = 0; i < 2 * n && k < sizeof d; i++) {
		if ((x = nibble(v, i)) == 0xD)
			sep = k;
		else if (x <= 9)
			d[k++] = (char)('0' + x);
	}
	fputs(" PAN", s->fp);
	track_pan(s, d, sep);
	fprintf(s->fp, ", expiry %s%.2s-%.2s, service code %.3s",
	    d[sep] < '5' ? "20" : "19", d + sep, d + sep + 2, d + sep + 4);
	discretionary(s, "digits", d + sep + 7, k - sep - 7);
	explicit_bzero(d, sizeof d);
}

static void
track1(struct show *s, const uint8_t *v, size_t n)
{
	const char *c = (const char *)v, *c1, *c2, *x;

	c1 = memchr(c, '^', n);
	c2 = memchr(c1 + 1, '^', n - (size_t)(c1 + 1 - c));
	x = c2 + 1;
	fputs(" PAN", s->fp);
	track_pan(s, c + 1, (size_t)(c1 - c - 1));
	fputs(", name ", s->fp);
	show_text(s, (const uint8_t *)c1 + 1, (size_t)(c2 - c1 - 1));
	fprintf(s->fp, ", expiry %s%.2s-%.2s, service code %.3s",
	    x[0] < '5' ? "20" : "19", x, x + 2, x + 4);
	discretionary(s, "characters", x + 7, n - (size_t)(x + 7 - c));
}

static void
cvm_results(struct show *s, const uint8_t *v)
{
	fprintf(s->fp, " %02X%02X%02X: ", v[0], v[1], v[2]);
	if ((v[0] & CVM_CODE_MASK) == 0x3F)
		fputs("no CVM performed", s->fp);
	else
		fprintf(s->fp, "%s, %s", fields_cvm_name(v[0]),
		    fields_cvm_cond(v[1]));
	fprintf(s->fp, "; result %s", fields_cvm_result(v[2]));
}

/* The decoded value of a well-formed element, after "Name:". */
static void
value(struct show *s, const struct dict_entry *e, const uint8_t *v, size_t n,
    int indent)
{
	const char *oper, *env, *alpha;
	uint64_t x;
	size_t i, off;
	int exp;

	switch (e->show) {
	case SHOW_TEXT:
		fputc(' ', s->fp);
		show_text(s, v, n);
		return;
	case SHOW_NUM:
		fputc(' ', s->fp);
		for (i = 0; i < 2 * n && nibble(v, i) <= 9; i++)
			fputc('0' + nibble(v, i), s->fp);
		return;
	case SHOW_INT:
		if (n > 8)
			break;
		fprintf(s->fp, " %llu", (unsigned long long)binary(v, n));
		return;
	case SHOW_DATE:
		date(s, v, n);
		return;
	case SHOW_TIME:
		fprintf(s->fp, " %02X:%02X:%02X", v[0], v[1], v[2]);
		return;
	case SHOW_AMOUNT:
	case SHOW_AMOUNT_APP:
		if (n != 6 || bcd(v, n, &x) < 0)
			break;
		if (e->show == SHOW_AMOUNT)
			amount(s, x, s->txn_cur, s->txn_exp);
		else
			amount(s, x, s->app_cur, s->app_exp);
		return;
	case SHOW_AMOUNT_BIN:
		amount(s, binary(v, n), s->txn_cur, s->txn_exp);
		return;
	case SHOW_CURRENCY:
		for (i = 0; i + 1 < n; i += 2) {
			bcd(v + i, 2, &x);
			fprintf(s->fp, "%s %03llu", i ? "," : "",
			    (unsigned long long)x);
			if (show_currency((unsigned)x, &alpha, &exp) == 0)
				fprintf(s->fp, " %s", alpha);
		}
		return;
	case SHOW_COUNTRY:
		bcd(v, n, &x);
		fprintf(s->fp, " %03llu", (unsigned long long)x);
		if ((alpha = show_country((unsigned)x)) != NULL)
			fprintf(s->fp, " %s", alpha);
		return;
	case SHOW_BITS:
		bits(s, e->bits, v, n, indent);
		return;
	case SHOW_CVMLIST:
		cvm_list(s, v, n, indent);
		return;
	case SHOW_CVMRES:
		cvm_results(s, v);
		return;
	case SHOW_TERMTYPE:
		fprintf(s->fp, " %02X", v[0]);
		if (fields_term_type(v[0], &oper, &env) == 0)
			fprintf(s->fp, ": %s, %s", oper, env);
		return;
	case SHOW_DOL:
		dol(s, v, n, indent);
		return;
	case SHOW_AFL:
		afl(s, v, n, indent);
		return;
	case SHOW_TAGLIST:
		taglist(s, v, n, indent);
		return;
	case SHOW_TRACK1:
		track1(s, v, n);
		return;
	case SHOW_TRACK2:
		track2(s, v, n);
		return;
	case SHOW_LANG:
		for (i = 0; i + 1 < n; i += 2) {
			fputs(i ? ", " : " ", s->fp);
			show_text(s, v + i, 2);
		}
		return;
	case SHOW_DFNAME:
		fputc(' ', s->fp);
		show_hex(s, v, n);
		for (i = 0; i < n && v[i] >= 0x20 && v[i] < 0x7F; i++)
			;
		if (i == n) {
			fputs(" (", s->fp);
			show_text(s, v, n);
			fputc(')', s->fp);
		}
		return;
	case SHOW_PRIORITY:
		fprintf(s->fp, " %02X: ", v[0]);
		if (v[0] & 0x0F)
			fprintf(s->fp, "priority %d", v[0] & 0x0F);
		else
			fputs("no priority", s->fp);
		if (v[0] & 0x80)
			fputs(", cardholder confirmation required", s->fp);
		return;
	case SHOW_LOGENTRY:
		fprintf(s->fp, " %02X%02X: SFI %d, %d records", v[0], v[1],
		    v[0], v[1]);
		return;
	case SHOW_CPLC:
		fputc(' ', s->fp);
		show_hex(s, v, n);
		for (i = off = 0; i < NELEM(cplc); off += cplc[i++].len) {
			line(s, indent);
			fprintf(s->fp, "%s: ", cplc[i].name);
			show_hex(s, v + off, cplc[i].len);
		}
		return;
	default:
		break;
	}
	hexval(s, v, n);
}

void
show_element(struct show *s, uint32_t tag, const uint8_t *v, size_t n,
    int indent)
{
	const struct dict_entry *e = dict_lookup(tag);
	char why[200], pan[20];
	size_t off = 0;
	int rc = DICT_OK;

	fprintf(s->fp, "%*s%-4.*X  %s:", indent, "",
	    (int)(2 * tlv_tag_size(tag)), (unsigned)tag, dict_name(tag));
	if (e != NULL && (e->flags & DICT_SECRET)) {
		fprintf(s->fp, " (%zu bytes, never shown)\n", n);
		return;
	}
	if (tlv_tag_constructed(tag)) {
		if ((rc = tlv_validate(v, n, &off)) == 0) {
			/* Faults inside show on the inner lines. */
			if (n == 0)
				fputs(" (empty)", s->fp);
			if (e != NULL && (n < e->minlen || n > e->maxlen))
				fprintf(s->fp, " (bad-length: %zu bytes, want "
				    "%u-%u)", n, e->minlen, e->maxlen);
			fputc('\n', s->fp);
			show_tlv(s, v, n, indent + SHOW_STEP);
			return;
		}
		snprintf(why, sizeof why, "%s at byte %zu", tlv_strerror(rc),
		    off + 1);
		rc = DICT_ETLV;
	} else if (e != NULL)
		rc = dict_check(e, v, n, why, sizeof why);
	if (e == NULL && rc == DICT_OK)
		hexval(s, v, n);
	else if (rc == DICT_OK && e->show == SHOW_PAN) {
		pan_digits(v, n, pan);
		track_pan(s, pan, strlen(pan));
		explicit_bzero(pan, sizeof pan);
	} else if (rc == DICT_OK && (e->flags & DICT_SENSITIVE) &&
	    !s->unmask && e->show != SHOW_TRACK1 && e->show != SHOW_TRACK2)
		fprintf(s->fp, " (%zu bytes, shown with -u)", n);
	else if (rc == DICT_OK)
		value(s, e, v, n, indent + SHOW_STEP);
	else {
		if (e != NULL && (e->flags & DICT_SENSITIVE) && !s->unmask)
			fprintf(s->fp, " (%zu bytes, shown with -u)", n);
		else
			hexval(s, v, n);
		fprintf(s->fp, " (%s: %s)", dict_errcode(rc), why);
	}
	fputc('\n', s->fp);
}

int
show_tlv(struct show *s, const uint8_t *buf, size_t n, int indent)
{
	const uint8_t *p = buf, *end = buf + n;
	struct tlv t;
	int rc;

	if ((rc = tlv_validate(buf, n, NULL)) != 0)
		return rc;
	while (tlv_next(&p, end, &t) == 1)
		show_element(s, t.tag, t.val, t.len, indent);
	return 0;
}
