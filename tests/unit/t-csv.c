/* t-csv.c: the RFC 4180 reader (lib/csv.c) and fixed-width rows
 * (lib/fixed.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fixed.h"
#include "unit.h"

static FILE *
mem(const char *s)
{
	return fmemopen((void *)s, strlen(s), "r");
}

/* Read every row of s and render them as "[a|b|c]@LINE", or "!err@LINE"
 * for a malformed row, one after another. */
static const char *
rows(const char *s)
{
	static char out[1024];
	struct csv_reader *cr;
	struct csv_row row;
	FILE *fp = mem(s);
	size_t i, o = 0;
	int rc;

	out[0] = '\0';
	cr = csv_open(fp);
	while ((rc = csv_read(cr, &row)) == 1) {
		if (row.err != NULL) {
			o += (size_t)snprintf(out + o, sizeof out - o, "!%s@%lu",
			    row.err, row.lineno);
			continue;
		}
		o += (size_t)snprintf(out + o, sizeof out - o, "[");
		for (i = 0; i < row.nf; i++) {
			if (strlen(row.f[i]) != row.len[i])
				return "length mismatch";
			o += (size_t)snprintf(out + o, sizeof out - o, "%s%s",
			    i ? "|" : "", row.f[i]);
		}
		o += (size_t)snprintf(out + o, sizeof out - o, "]@%lu",
		    row.lineno);
	}
	csv_close(cr);
	fclose(fp);
	return rc < 0 ? "read error" : out;
}

static void
plain(void)
{
	CHECK_STR(rows("a,b,c\n1,2,3\n"), "[a|b|c]@1[1|2|3]@2", "two rows");
	CHECK_STR(rows("a,b\r\n1,2\r\n"), "[a|b]@1[1|2]@2", "CRLF lines");
	CHECK_STR(rows("a,b\n1,2"), "[a|b]@1[1|2]@2", "no LF at the end");
	CHECK_STR(rows("a,b\r"), "[a|b]@1", "CR at the very end");
	CHECK_STR(rows(",,\n"), "[||]@1", "empty fields");
	CHECK_STR(rows("a\n\n\r\nb\n"), "[a]@1[b]@4", "empty lines skipped");
	CHECK_STR(rows(""), "", "empty input");
	CHECK_STR(rows("a, b ,c\n"), "[a| b |c]@1", "spaces kept");
}

static void
quoted(void)
{
	CHECK_STR(rows("\"a,b\",c\n"), "[a,b|c]@1", "comma in quotes");
	CHECK_STR(rows("\"say \"\"hi\"\"\",x\n"), "[say \"hi\"|x]@1",
	    "doubled quotes");
	CHECK_STR(rows("\"\",x\n"), "[|x]@1", "empty quoted field");
	CHECK_STR(rows("\"\"\"\"\n"), "[\"]@1", "a lone quote");
	CHECK_STR(rows("\"a\nb\",c\nd,e\n"), "[a\nb|c]@1[d|e]@3",
	    "LF in quotes: the row starts on line 1, the next on 3");
	CHECK_STR(rows("\"a\r\nb\"\r\nd\r\n"), "[a\r\nb]@1[d]@3",
	    "CRLF in quotes kept as data");
	CHECK_STR(rows("x,\"\n\n\"\n"), "[x|\n\n]@1", "blank lines in quotes");
	CHECK_STR(rows("\"a\""), "[a]@1", "quoted, no LF at the end");
}

static void
malformed(void)
{
	CHECK_STR(rows("ab\"c,d\nx\n"), "!quote inside an unquoted field@1[x]@2",
	    "quote in an unquoted field, next row read");
	CHECK_STR(rows("\"ab\"c,d\n"), "!text after a closing quote@1",
	    "text after a closing quote");
	CHECK_STR(rows("\"ab\" ,d\n"), "!text after a closing quote@1",
	    "space after a closing quote");
	CHECK_STR(rows("a\rb\n"), "!CR not followed by LF@1", "bare CR");
	CHECK_STR(rows("\"abc\nd\n"), "!end of input inside a quoted field@1",
	    "unterminated quote");
	CHECK_STR(rows("\"abc"), "!end of input inside a quoted field@1",
	    "unterminated quote, no LF");
}

static void
nul(void)
{
	static const char s[] = "a\0b,c\nd\n";
	struct csv_reader *cr;
	struct csv_row row;
	FILE *fp = fmemopen((void *)s, sizeof s - 1, "r");

	cr = csv_open(fp);
	CHECK_INT(csv_read(cr, &row), 1, "NUL row read");
	CHECK_STR(row.err, "NUL byte", "NUL byte is malformed");
	CHECK_INT(row.nf, 0, "malformed row has no fields");
	CHECK_INT(csv_read(cr, &row), 1, "next row");
	CHECK_STR(row.f[0], "d", "next row intact");
	CHECK_INT(csv_read(cr, &row), 0, "end");
	csv_close(cr);
	fclose(fp);
}

static void
longrow(void)
{
	size_t n = 100000, i;
	char *s = malloc(2 * n + 8);
	struct csv_reader *cr;
	struct csv_row row;
	FILE *fp;

	/* One field of n bytes, quoted, then a short one: past LINE0. */
	s[0] = '"';
	for (i = 1; i <= n; i++)
		s[i] = (char)('a' + i % 26);
	strcpy(s + n + 1, "\",z\n");
	fp = mem(s);
	cr = csv_open(fp);
	CHECK_INT(csv_read(cr, &row), 1, "long row read");
	CHECK_INT(row.nf, 2, "long row: two fields");
	CHECK_INT(row.len[0], n, "long field length");
	CHECK(memcmp(row.f[0], s + 1, n) == 0, "long field bytes");
	CHECK_STR(row.f[1], "z", "field after the long one");
	csv_close(cr);
	fclose(fp);
	free(s);
}

static struct fixed_layout *
layout(const char *s, char *err, size_t errlen)
{
	FILE *fp = mem(s);
	struct fixed_layout *lo;

	lo = fixed_layout_read(fp, err, errlen);
	fclose(fp);
	return lo;
}

static void
fixed(void)
{
	struct fixed_layout *lo;
	struct fixed_reader *fr;
	struct csv_row row;
	char err[128];
	FILE *fp;

	lo = layout("# comment\n\npan 1 6\n  name\t7 4\r\nx 12 2\n", err,
	    sizeof err);
	CHECK(lo != NULL, "layout read");
	if (lo == NULL)
		return;
	CHECK_INT(lo->n, 3, "three columns");
	CHECK_INT(lo->reclen, 13, "record length is the end of the last");
	CHECK_INT(lo->c[1].start, 6, "start counted from 0");
	fp = mem("123456AB  -99 tail\r\n\n1234 6  CD x \nshort\n");
	fr = fixed_open(fp, lo);
	CHECK_INT(fixed_read(fr, &row), 1, "row 1");
	CHECK_STR(row.f[0], "123456", "field 1");
	CHECK_STR(row.f[1], "AB", "field 2, trailing spaces cut");
	CHECK_STR(row.f[2], "99", "field 3, bytes between ignored");
	CHECK_INT(row.lineno, 1, "row 1 line");
	CHECK_INT(fixed_read(fr, &row), 1, "row 2 after an empty line");
	CHECK_STR(row.f[0], "1234 6", "inner space kept");
	CHECK_STR(row.f[1], "CD", "leading spaces cut");
	CHECK_STR(row.f[2], "x", "short last field");
	CHECK_INT(row.lineno, 3, "row 2 line");
	CHECK_INT(fixed_read(fr, &row), 1, "short line");
	CHECK_STR(row.err, "line is 5 bytes, the layout needs 13",
	    "short line is malformed");
	CHECK_INT(fixed_read(fr, &row), 0, "end");
	fixed_close(fr);
	fixed_layout_free(lo);
	fclose(fp);

	CHECK(layout("a 1 4\nb 4 2\n", err, sizeof err) == NULL, "overlap");
	CHECK_STR(err, "line 2: overlaps an earlier column", "overlap message");
	CHECK(layout("a 0 4\n", err, sizeof err) == NULL, "start 0");
	CHECK_STR(err, "line 1: START is not a number from 1 to 65536",
	    "start 0 message");
	CHECK(layout("a 1\n", err, sizeof err) == NULL, "two words");
	CHECK_STR(err, "line 1: want NAME START LENGTH", "two words message");
	CHECK(layout("# nothing\n", err, sizeof err) == NULL, "no columns");
	CHECK_STR(err, "no columns", "no columns message");
}

int
main(void)
{
	plain();
	quoted();
	malformed();
	nul();
	longrow();
	fixed();
	return unit_done();
}
