/* t-date.c: issuer date forms to EMV YYMMDD (lib/date.c). */
#include "date.h"
#include "unit.h"

/* The YYMMDD for s, or the error name. */
static const char *
ymd(const char *s, enum date_fill fill)
{
	static char out[7];
	struct date d;

	switch (date_parse(s, strlen(s), fill, &d)) {
	case DATE_OK:
		date_yymmdd(&d, out);
		return out;
	case DATE_EFORM:
		return "form";
	case DATE_EYEAR:
		return "year";
	case DATE_EMONTH:
		return "month";
	case DATE_EDAY:
		return "day";
	}
	return "?";
}

int
main(void)
{
	struct date a, b;

	CHECK_STR(ymd("2028-12-31", DATE_LAST), "281231", "YYYY-MM-DD");
	CHECK_STR(ymd("281231", DATE_LAST), "281231", "YYMMDD");
	CHECK_STR(ymd("2028-12", DATE_LAST), "281231", "YYYY-MM, last day");
	CHECK_STR(ymd("2028-12", DATE_FIRST), "281201", "YYYY-MM, first day");
	CHECK_STR(ymd("12/28", DATE_LAST), "281231", "MM/YY");
	CHECK_STR(ymd("12/2028", DATE_LAST), "281231", "MM/YYYY");
	CHECK_STR(ymd("2812", DATE_LAST), "281231", "YYMM");
	CHECK_STR(ymd("2811", DATE_LAST), "281130", "30-day month");
	CHECK_STR(ymd("2028-02", DATE_LAST), "280229", "leap February");
	CHECK_STR(ymd("2027-02", DATE_LAST), "270228", "plain February");
	CHECK_STR(ymd("02/2000", DATE_LAST), "000229", "2000 is a leap year");
	CHECK_STR(ymd("2000-02-29", DATE_LAST), "000229", "29 Feb 2000");
	CHECK_STR(ymd("2027-02-29", DATE_LAST), "day", "no 29 Feb 2027");
	CHECK_STR(ymd("2028-04-31", DATE_LAST), "day", "no 31 April");
	CHECK_STR(ymd("2028-01-00", DATE_LAST), "day", "no day 0");
	CHECK_STR(ymd("2028-13", DATE_LAST), "month", "no month 13");
	CHECK_STR(ymd("00/28", DATE_LAST), "month", "no month 0");
	CHECK_STR(ymd("2050-01", DATE_LAST), "year", "2050 reads as 1950");
	CHECK_STR(ymd("1949-12-31", DATE_LAST), "year", "1949 too early");
	CHECK_STR(ymd("1950-01-01", DATE_LAST), "500101", "1950 fits");
	CHECK_STR(ymd("2049-12", DATE_LAST), "491231", "2049 fits");
	CHECK_STR(ymd("991231", DATE_LAST), "991231", "YY 99 is 1999");
	CHECK_STR(ymd("1228", DATE_LAST), "month", "MMYY is not a form");
	CHECK_STR(ymd("12-2028", DATE_LAST), "form", "MM-YYYY is not a form");
	CHECK_STR(ymd("2028/12", DATE_LAST), "form", "YYYY/MM is not a form");
	CHECK_STR(ymd("28-12-31", DATE_LAST), "form", "YY-MM-DD is not a form");
	CHECK_STR(ymd("2028-1-01", DATE_LAST), "form", "one-digit month");
	CHECK_STR(ymd("Dec 2028", DATE_LAST), "form", "words");
	CHECK_STR(ymd("", DATE_LAST), "form", "empty");
	CHECK_STR(ymd("+028-12", DATE_LAST), "form", "sign");

	date_parse("2024-01", 7, DATE_LAST, &a);
	date_parse("2024-01-31", 10, DATE_LAST, &b);
	CHECK_INT(date_cmp(&a, &b), 0, "same day");
	date_parse("2024-02-01", 10, DATE_LAST, &b);
	CHECK(date_cmp(&a, &b) < 0, "before");
	CHECK(date_cmp(&b, &a) > 0, "after");
	date_parse("991231", 6, DATE_LAST, &a);
	date_parse("000101", 6, DATE_LAST, &b);
	CHECK(date_cmp(&a, &b) < 0, "1999 before 2000");
	return unit_done();
}
