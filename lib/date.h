/* date.h: calendar dates as issuer files write them and as EMV stores them
 * (n 6, YYMMDD: EMV 4.4 Book 3, Annex A, tags 5F24 and 5F25). */
#ifndef EMV_DATE_H
#define EMV_DATE_H

#include <stddef.h>

struct date {
	int y;		/* full year, 1950-2049 */
	int m;		/* 1-12 */
	int d;		/* 1-31 */
};

/* For forms without a day: which day of the month to take. */
enum date_fill {
	DATE_FIRST,	/* the 1st (effective dates) */
	DATE_LAST	/* the last day (expiry dates) */
};

/* Result of date_parse. */
enum {
	DATE_OK = 0,
	DATE_EFORM = -1,	/* not one of the accepted forms */
	DATE_EYEAR = -2,	/* year outside 1950-2049 */
	DATE_EMONTH = -3,	/* month 00 or above 12 */
	DATE_EDAY = -4		/* no such day in that month */
};

/* Parse s[0..n) in one of the forms YYYY-MM-DD, YYMMDD, YYYY-MM, MM/YY,
 * MM/YYYY, YYMM.  Two-digit years are read as terminals read YY: 50-99
 * are 19YY, 00-49 are 20YY.  On DATE_EMONTH and DATE_EDAY, *d holds the
 * numbers as written so a message can name them.  Returns a DATE_* code. */
int date_parse(const char *s, size_t n, enum date_fill fill, struct date *d);

/* Days in month m (1-12) of year y. */
int date_mdays(int y, int m);

/* <0, 0 or >0 as a is before, the same as or after b. */
int date_cmp(const struct date *a, const struct date *b);

/* Write d as the six digits YYMMDD and a NUL. */
void date_yymmdd(const struct date *d, char out[7]);

/* Write d as YYYY-MM-DD and a NUL (for messages). */
void date_iso(const struct date *d, char out[11]);

/* Static text for a DATE_E* code. */
const char *date_strerror(int err);

#endif
