/* date.c: parse the date forms of issuer files; write EMV YYMMDD. */
#include <stdio.h>

#include "date.h"

/* Value of the k digits at s, or -1 if one is not a digit. */
static int
digits(const char *s, size_t k)
{
	size_t i;
	int v = 0;

	for (i = 0; i < k; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Two-digit years as a terminal reads them (EMV Book 4, date management). */
static int
century(int yy)
{
	return yy < 50 ? 2000 + yy : 1900 + yy;
}

int
date_mdays(int y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

int
date_parse(const char *s, size_t n, enum date_fill fill, struct date *d)
{
	int y = -1, m = -1, day = 0;

	if (n == 10 && s[4] == '-' && s[7] == '-') {
		y = digits(s, 4);
		m = digits(s + 5, 2);
		day = digits(s + 8, 2);
	} else if (n == 7 && s[4] == '-') {
		y = digits(s, 4);
		m = digits(s + 5, 2);
	} else if (n == 7 && s[2] == '/') {
		m = digits(s, 2);
		y = digits(s + 3, 4);
	} else if (n == 5 && s[2] == '/') {
		m = digits(s, 2);
		if ((y = digits(s + 3, 2)) >= 0)
			y = century(y);
	} else if (n == 6) {
		if ((y = digits(s, 2)) >= 0)
			y = century(y);
		m = digits(s + 2, 2);
		day = digits(s + 4, 2);
	} else if (n == 4) {
		if ((y = digits(s, 2)) >= 0)
			y = century(y);
		m = digits(s + 2, 2);
	} else
		return DATE_EFORM;
	if (y < 0 || m < 0 || day < 0)
		return DATE_EFORM;
	d->y = y;
	d->m = m;
	d->d = day;
	/* YYMMDD holds the year modulo 100: only 1950-2049 survive it. */
	if (y < 1950 || y > 2049)
		return DATE_EYEAR;
	if (m < 1 || m > 12)
		return DATE_EMONTH;
	if (day == 0 && (n == 4 || n == 5 || n == 7))
		d->d = fill == DATE_LAST ? date_mdays(y, m) : 1;
	else if (day < 1 || day > date_mdays(y, m))
		return DATE_EDAY;
	return DATE_OK;
}

int
date_cmp(const struct date *a, const struct date *b)
{
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	if (a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return 0;
}

void
date_yymmdd(const struct date *d, char out[7])
{
	snprintf(out, 7, "%02u%02u%02u", (unsigned)d->y % 100,
	    (unsigned)d->m % 100, (unsigned)d->d % 100);
}

void
date_iso(const struct date *d, char out[11])
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d->y % 10000,
	    (unsigned)d->m % 100, (unsigned)d->d % 100);
}

const char *
date_strerror(int err)
{
	switch (err) {
	case DATE_OK:
		return "no error";
	case DATE_EFORM:
		return "not a date in a known form (YYYY-MM-DD, YYYY-MM, "
		    "MM/YY, MM/YYYY, YYMMDD, YYMM)";
	case DATE_EYEAR:
		return "year outside 1950-2049, which YYMMDD cannot hold";
	case DATE_EMONTH:
		return "no such month";
	case DATE_EDAY:
		return "no such day in that month";
	}
	return "unknown date error";
}
