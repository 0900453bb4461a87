/* unit.h: a minimal TAP producer for the library's C unit tests.
 * Each check prints "ok N - what" or "not ok N - what (file:line)";
 * unit_done() prints the plan and returns the exit status. */
#ifndef EMV_UNIT_H
#define EMV_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

static void
unit_report(int ok, const char *what, const char *file, int line)
{
	unit_n++;
	if (ok)
		printf("ok %d - %s\n", unit_n, what);
	else {
		unit_failed++;
		printf("not ok %d - %s (%s:%d)\n", unit_n, what, file, line);
	}
}

#define CHECK(cond, what) unit_report(!!(cond), (what), __FILE__, __LINE__)
#define CHECK_INT(got, want, what) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	unit_report(g_ == w_, (what), __FILE__, __LINE__); \
	if (g_ != w_) printf("#   got %lld, want %lld\n", g_, w_); \
} while (0)
#define CHECK_STR(got, want, what) do { \
	const char *g_ = (got), *w_ = (want); \
	int ok_ = g_ != NULL && w_ != NULL ? strcmp(g_, w_) == 0 : g_ == w_; \
	unit_report(ok_, (what), __FILE__, __LINE__); \
	if (!ok_) printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)
#define CHECK_MEM(got, want, n, what) \
	unit_report(memcmp((got), (want), (n)) == 0, (what), __FILE__, __LINE__)

static int
unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif
