/* track.c: track data, its discretionary layout and embossing (see
 * track.h). */
#include <stdio.h>
#include <string.h>

#include "track.h"

static int
fail(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return -1;
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* A character track 1 codes outside its control characters (ISO/IEC
 * 7811-2: the 6-bit set 20-5F; % and ? are the sentinels, ^ separates). */
static int
t1char(int c)
{
	return c >= 0x20 && c <= 0x5F && c != '%' && c != '^' && c != '?';
}

static int
month_ok(const char *yymm)
{
	int m = (yymm[2] - '0') * 10 + (yymm[3] - '0');

	return m >= 1 && m <= 12;
}

/* The fields every track carries: PAN, YYMM, service code; the
 * discretionary data in digits (track 2, tag 57) or track 1 characters. */
static int
check_fields(const struct track *t, int t1, const char **why)
{
	size_t n = strlen(t->pan), i;

	if (n < 1 || n > TRACK_PANMAX || !digits(t->pan, n))
		return fail(why, "PAN is not 1-19 digits");
	if (strlen(t->expiry) != 4 || !digits(t->expiry, 4) ||
	    !month_ok(t->expiry))
		return fail(why, "expiry is not YYMM");
	if (strlen(t->sc) != 3 || !digits(t->sc, 3))
		return fail(why, "service code is not 3 digits");
	n = strlen(t->disc);
	for (i = 0; i < n; i++)
		if (t1 ? !t1char((unsigned char)t->disc[i]) :
		    !digits(t->disc + i, 1))
			return fail(why, t1 ? "discretionary data outside the "
			    "track 1 character set" : "discretionary data is "
			    "not digits");
	return 0;
}

int
track1_build(const struct track *t, char *out, size_t outsz,
    const char **why)
{
	size_t nl = strlen(t->name), len;

	if (check_fields(t, 1, why) < 0)
		return -1;
	if (nl < 2 || nl > TRACK_NAMEMAX || track_name_bad(t->name, nl) >= 0)
		return fail(why, "name is not 2-26 track 1 characters");
	/* %B PAN ^ NAME ^ YYMM SC DISC ? and the LRC. */
	len = 2 + strlen(t->pan) + 1 + nl + 1 + 7 + strlen(t->disc) + 1;
	if (len + 1 > TRACK1_MAX)
		return fail(why, "track 1 would pass 79 characters");
	if (len + 1 > outsz)
		return fail(why, "no room for track 1");
	snprintf(out, outsz, "%%B%s^%s^%s%s%s?", t->pan, t->name, t->expiry,
	    t->sc, t->disc);
	return (int)len;
}

int
track2_build(const struct track *t, char *out, size_t outsz,
    const char **why)
{
	size_t len;

	if (check_fields(t, 0, why) < 0)
		return -1;
	len = 1 + strlen(t->pan) + 1 + 7 + strlen(t->disc) + 1;
	if (len + 1 > TRACK2_MAX)
		return fail(why, "track 2 would pass 40 characters");
	if (len + 1 > outsz)
		return fail(why, "no room for track 2");
	snprintf(out, outsz, ";%s=%s%s%s?", t->pan, t->expiry, t->sc, t->disc);
	return (int)len;
}

int
track57_build(const struct track *t, uint8_t out[TRACK57_MAX],
    const char **why)
{
	char d[2 * TRACK57_MAX + 2];
	size_t n, i;

	if (check_fields(t, 0, why) < 0)
		return -1;
	n = strlen(t->pan) + 1 + 7 + strlen(t->disc);
	if ((n + 1) / 2 > TRACK57_MAX)
		return fail(why, "tag 57 would pass 19 bytes");
	/* n counts the digits and the D; sizeof d has room for them, an F
	 * and a NUL. */
	d[0] = '\0';
	strcat(strcat(strcat(strcat(strcat(d, t->pan), "D"), t->expiry),
	    t->sc), t->disc);
	if (n % 2)
		strcat(d, "F");
	n = (n + 1) / 2;
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)((d[2 * i] <= '9' ? d[2 * i] - '0' :
		    d[2 * i] - 'A' + 10) << 4 | (d[2 * i + 1] <= '9' ?
		    d[2 * i + 1] - '0' : d[2 * i + 1] - 'A' + 10));
	explicit_bzero(d, sizeof d);
	return (int)n;
}

/* What follows the PAN's separator in every track: YYMM, service code and
 * discretionary data; track 1 data or digits. */
static int
parse_tail(const char *s, size_t n, int t1, struct track *t,
    const char **why)
{
	size_t i;

	if (n < 7 || !digits(s, 7))
		return fail(why, "no expiry and service code after the PAN");
	memcpy(t->expiry, s, 4);
	memcpy(t->sc, s + 4, 3);
	if (!month_ok(t->expiry))
		return fail(why, "expiry month is not 01-12");
	if (n - 7 > TRACK_DISCMAX)
		return fail(why, "discretionary data too long");
	for (i = 7; i < n; i++)
		if (t1 ? !t1char((unsigned char)s[i]) : !digits(s + i, 1))
			return fail(why, t1 ? "discretionary data outside the "
			    "track 1 character set" : "discretionary data is "
			    "not digits");
	memcpy(t->disc, s + 7, n - 7);
	return 0;
}

/* Drop the start and end sentinels when present. */
static void
unsentinel(const char **s, size_t *n, char start)
{
	if (*n > 0 && **s == start) {
		(*s)++;
		(*n)--;
	}
	if (*n > 0 && (*s)[*n - 1] == '?')
		(*n)--;
}

int
track1_parse(const char *s, size_t n, struct track *t, const char **why)
{
	const char *c1, *c2;
	size_t np, nn;

	memset(t, 0, sizeof *t);
	unsentinel(&s, &n, '%');
	if (n + 3 > TRACK1_MAX)
		return fail(why, "track 1 longer than 79 characters");
	if (n < 1 || s[0] != 'B')
		return fail(why, "format code is not B");
	if ((c1 = memchr(s, '^', n)) == NULL ||
	    (c2 = memchr(c1 + 1, '^', n - (size_t)(c1 + 1 - s))) == NULL)
		return fail(why, "no two ^ separators");
	np = (size_t)(c1 - s - 1);
	if (np < 1 || np > TRACK_PANMAX || !digits(s + 1, np))
		return fail(why, "PAN is not 1-19 digits");
	nn = (size_t)(c2 - c1 - 1);
	if (nn < 2 || nn > TRACK_NAMEMAX || track_name_bad(c1 + 1, nn) >= 0)
		return fail(why, "name is not 2-26 track 1 characters");
	memcpy(t->pan, s + 1, np);
	memcpy(t->name, c1 + 1, nn);
	return parse_tail(c2 + 1, n - (size_t)(c2 + 1 - s), 1, t, why);
}

int
track2_parse(const char *s, size_t n, struct track *t, const char **why)
{
	const char *sep;
	size_t np;

	memset(t, 0, sizeof *t);
	unsentinel(&s, &n, ';');
	if (n + 3 > TRACK2_MAX)
		return fail(why, "track 2 longer than 40 characters");
	if ((sep = memchr(s, '=', n)) == NULL)
		return fail(why, "no separator =");
	np = (size_t)(sep - s);
	if (np < 1 || np > TRACK_PANMAX || !digits(s, np))
		return fail(why, "PAN is not 1-19 digits");
	memcpy(t->pan, s, np);
	return parse_tail(sep + 1, n - np - 1, 0, t, why);
}

int
track57_parse(const uint8_t *v, size_t n, struct track *t, const char **why)
{
	char d[2 * TRACK57_MAX + 1];
	size_t i, k = 0, sep = 0;
	int x, rc;

	memset(t, 0, sizeof *t);
	if (n < 1 || n > TRACK57_MAX)
		return fail(why, "not 1-19 bytes");
	for (i = 0; i < 2 * n; i++) {
		x = i % 2 ? v[i / 2] & 0x0F : v[i / 2] >> 4;
		if (x == 0xD && sep == 0 && k > 0)
			sep = k;
		else if (x == 0xF && i == 2 * n - 1)
			break;
		else if (x > 9)
			return fail(why, "a nibble is not a digit, the "
			    "separator D or the final F");
		else
			d[k++] = (char)('0' + x);
	}
	if (sep == 0)
		return fail(why, "no PAN and separator D");
	if (sep > TRACK_PANMAX)
		return fail(why, "PAN is not 1-19 digits");
	memcpy(t->pan, d, sep);
	rc = parse_tail(d + sep, k - sep, 0, t, why);
	explicit_bzero(d, sizeof d);
	return rc;
}

long
track_name_bad(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!t1char((unsigned char)s[i]))
			return (long)i;
	return -1;
}

static size_t
width(char c)
{
	return c == 'k' ? 1 : c == 'p' ? 4 : c == 'c' ? 3 : 1;
}

int
track_layout_ok(const char *layout)
{
	size_t i, nk = 0, np = 0, nc = 0, w = 0;

	for (i = 0; layout[i] != '\0'; i++) {
		if (layout[i] == 'k')
			nk++;
		else if (layout[i] == 'p')
			np++;
		else if (layout[i] == 'c')
			nc++;
		else if (layout[i] < '0' || layout[i] > '9')
			return 0;
		w += width(layout[i]);
	}
	return nc == 1 && nk <= 1 && np <= 1 && w <= TRACK_DISCMAX;
}

int
track_disc_build(const char *layout, const char *pvki, const char *pvv,
    const char *cvv, char *out, size_t outsz)
{
	const char *v;
	size_t i, k = 0, w;

	for (i = 0; layout[i] != '\0'; i++) {
		w = width(layout[i]);
		switch (layout[i]) {
		case 'k':
			v = pvki != NULL ? pvki : "0";
			break;
		case 'p':
			v = pvv != NULL ? pvv : "0000";
			break;
		case 'c':
			v = cvv;
			break;
		default:
			v = layout + i;
		}
		if (layout[i] >= 'a' && (strlen(v) != w || !digits(v, w)))
			return -1;
		if (k + w >= outsz)
			return -1;
		memcpy(out + k, v, w);
		k += w;
	}
	out[k] = '\0';
	return 0;
}

int
track_disc_cvv(const char *layout, const char *disc, char cvv[4])
{
	size_t i, off = 0;

	for (i = 0; layout[i] != '\0' && layout[i] != 'c'; i++)
		off += width(layout[i]);
	if (layout[i] != 'c' || strlen(disc) < off + 3)
		return -1;
	memcpy(cvv, disc + off, 3);
	cvv[3] = '\0';
	return 0;
}

int
track_pan_cn(const uint8_t *v, size_t n, char pan[TRACK_PANMAX + 1])
{
	size_t i, k = 0;
	int x, pad = 0;

	for (i = 0; i < 2 * n; i++) {
		x = i % 2 ? v[i / 2] & 0x0F : v[i / 2] >> 4;
		if (x == 0xF && k > 0)
			pad = 1;
		else if (x > 9 || pad || k == TRACK_PANMAX) {
			explicit_bzero(pan, TRACK_PANMAX + 1);
			return -1;
		} else
			pan[k++] = (char)('0' + x);
	}
	pan[k] = '\0';
	return k > 0 ? 0 : -1;
}

/* Two BCD digits of a byte into s; 0, or -1 if a nibble is not a digit. */
static int
bcd(uint8_t b, char *s)
{
	if ((b >> 4) > 9 || (b & 0x0F) > 9)
		return -1;
	s[0] = (char)('0' + (b >> 4));
	s[1] = (char)('0' + (b & 0x0F));
	return 0;
}

int
track_expiry_n(const uint8_t *v, size_t n, char yymm[5])
{
	char d[2];

	if (n != 3 || bcd(v[0], yymm) < 0 || bcd(v[1], yymm + 2) < 0 ||
	    bcd(v[2], d) < 0 || !month_ok(yymm))
		return -1;
	yymm[4] = '\0';
	return 0;
}

int
track_sc_n(const uint8_t *v, size_t n, char sc[4])
{
	char d[4];

	/* n 3 in two bytes: right-justified, the first nibble 0. */
	if (n != 2 || bcd(v[0], d) < 0 || bcd(v[1], d + 2) < 0 || d[0] != '0')
		return -1;
	memcpy(sc, d + 1, 3);
	sc[3] = '\0';
	return 0;
}

int
track_emboss_pan(const char *pan, char *out, size_t outsz)
{
	static const unsigned char g13[] = { 4, 3, 3, 3, 0 },
	    g14[] = { 4, 6, 4, 0 }, g15[] = { 4, 6, 5, 0 };
	const unsigned char *g = NULL;
	size_t n = strlen(pan), i = 0, k = 0, grp = 0, len;

	if (n == 13)
		g = g13;
	else if (n == 14)
		g = g14;
	else if (n == 15)
		g = g15;
	if (n + (n + 3) / 4 > outsz)
		return -1;
	while (i < n) {
		len = g != NULL ? g[grp] : 4;
		if (grp++ > 0)
			out[k++] = ' ';
		for (; len > 0 && i < n; len--)
			out[k++] = pan[i++];
	}
	out[k] = '\0';
	return (int)k;
}

void
track_emboss_date(const char *yymm, char out[6])
{
	out[0] = yymm[2];
	out[1] = yymm[3];
	out[2] = '/';
	out[3] = yymm[0];
	out[4] = yymm[1];
	out[5] = '\0';
}

int
track_emboss_name(const char *name, char *out, size_t outsz)
{
	const char *slash;
	size_t n = strlen(name), ns, ng, k = 0;

	while (n > 0 && name[n - 1] == ' ')
		n--;
	if (n + 1 > outsz)
		return -1;
	if ((slash = memchr(name, '/', n)) == NULL) {
		memcpy(out, name, n);
		out[n] = '\0';
		return (int)n;
	}
	ns = (size_t)(slash - name);
	ng = n - ns - 1;
	while (ns > 0 && name[ns - 1] == ' ')
		ns--;
	while (ng > 0 && slash[1] == ' ') {
		slash++;
		ng--;
	}
	/* GIVEN NAMES, a space when both parts are there, SURNAME. */
	memcpy(out, slash + 1, ng);
	k = ng;
	if (ng > 0 && ns > 0)
		out[k++] = ' ';
	memcpy(out + k, name, ns);
	k += ns;
	out[k] = '\0';
	return (int)k;
}
