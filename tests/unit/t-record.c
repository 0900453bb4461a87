/* t-record.c: the record reader and writer (lib/record.c). */
#include <stdlib.h>

#include "record.h"
#include "unit.h"

/* Read all of text through the reader, writing every line back with
 * rec_write; returns the output (static) and the number of records. */
static char out[4096];

static size_t
roundtrip(const char *text, int pass_errors)
{
	struct rec_reader *rd;
	struct rec r;
	FILE *in, *o;
	size_t n = 0;

	in = fmemopen((void *)text, strlen(text), "r");
	o = fmemopen(out, sizeof out, "w");
	rd = rec_reader_new(in);
	rec_init(&r);
	while (rec_read(rd, &r) == 1) {
		if (r.kind == REC_LINE_RECORD)
			n++;
		if (pass_errors && r.kind == REC_LINE_RECORD && r.perr && !rec_has_error(&r))
			rec_pass_error(&r);
		rec_write(o, &r);
	}
	rec_free(&r);
	rec_reader_free(rd);
	fclose(o);
	fclose(in);
	return n;
}

/* Parse exactly one line, return its perr (or "ok"). */
static const char *
perr_of(const char *line)
{
	static char code[32];
	struct rec_reader *rd;
	struct rec r;
	FILE *in;

	in = fmemopen((void *)line, strlen(line), "r");
	rd = rec_reader_new(in);
	rec_init(&r);
	rec_read(rd, &r);
	snprintf(code, sizeof code, "%s", r.perr ? r.perr : "ok");
	rec_free(&r);
	rec_reader_free(rd);
	fclose(in);
	return code;
}

static void
reading(void)
{
	const char *text = "# batch 1\nid=c1 5A=4761739001010010 5F24=251231\n\nid=c2 DGI8000=00112233 kek=kek2 BF0C=9F4D020B0A\n";
	struct rec_reader *rd;
	struct rec r;
	FILE *in;
	const struct rec_field *f;

	in = fmemopen((void *)text, strlen(text), "r");
	rd = rec_reader_new(in);
	rec_init(&r);
	CHECK_INT(rec_read(rd, &r), 1, "comment line read");
	CHECK_INT(r.kind, REC_LINE_OTHER, "comment is not a record");
	CHECK_INT(rec_read(rd, &r), 1, "record 1 read");
	CHECK(r.kind == REC_LINE_RECORD && r.perr == NULL, "record 1 well formed");
	CHECK_INT(r.nf, 3, "record 1 has 3 fields");
	CHECK_INT(r.lineno, 2, "record 1 on line 2");
	CHECK_INT(r.recno, 1, "record number 1");
	CHECK_STR(rec_value(&r, "id"), "c1", "id value");
	f = rec_get(&r, "5F24");
	CHECK(f && f->kind == REC_TAG && f->tag == 0x5F24 && f->vallen == 6, "5F24 field");
	CHECK(rec_get(&r, "5F2") == NULL && rec_get(&r, "5F245") == NULL, "no prefix matches");
	CHECK_INT(rec_read(rd, &r), 1, "blank line read");
	CHECK_INT(r.kind, REC_LINE_OTHER, "blank line is not a record");
	CHECK_INT(rec_read(rd, &r), 1, "record 2 read");
	CHECK_INT(r.recno, 2, "record number 2");
	CHECK_INT(r.lineno, 4, "record 2 on line 4");
	f = rec_get(&r, "DGI8000");
	CHECK(f && f->kind == REC_DGI && f->tag == 0x8000, "DGI field");
	f = rec_get(&r, "kek");
	CHECK(f && f->kind == REC_ATTR, "attribute field");
	CHECK_INT(rec_read(rd, &r), 0, "end of input");
	rec_free(&r);
	rec_reader_free(rd);
	fclose(in);
}

static void
malformed(void)
{
	CHECK_STR(perr_of("id=1 5A=4761\n"), "ok", "good line");
	CHECK_STR(perr_of("id=1  5A=4761\n"), "syntax", "double space");
	CHECK_STR(perr_of(" id=1\n"), "syntax", "leading space");
	CHECK_STR(perr_of("id=1 \n"), "syntax", "trailing space");
	CHECK_STR(perr_of("id=1 5A\n"), "syntax", "field without =");
	CHECK_STR(perr_of("id=1 5a=4761\n"), "bad-name", "lowercase hex tag");
	CHECK_STR(perr_of("id=1 9F=00\n"), "bad-name", "incomplete tag");
	CHECK_STR(perr_of("id=1 9F8181AA=00\n"), "bad-name", "tag too long");
	CHECK_STR(perr_of("id=1 DGI800=00\n"), "bad-name", "DGI with 3 digits");
	CHECK_STR(perr_of("id=1 Id=1\n"), "bad-name", "mixed case attribute");
	CHECK_STR(perr_of("id=1 5A=476\n"), "bad-value", "odd hex");
	CHECK_STR(perr_of("id=1 5A=47aa\n"), "bad-value", "lowercase hex value");
	CHECK_STR(perr_of("id=1 name=J\xc3\xa9r\n"), "bad-value", "non-ASCII attribute value");
	CHECK_STR(perr_of("id=1 name=a\tb\n"), "bad-value", "tab in attribute value");
	CHECK_STR(perr_of("id=1 5A=47\r\n"), "bad-value", "CR before LF");
	CHECK_STR(perr_of("id=1 5A=47 5A=48\n"), "dup-field", "duplicate field");
	CHECK_STR(perr_of("id=1 5A=47"), "truncated", "no final newline");
	CHECK_STR(perr_of("id=1 5A=\n"), "ok", "empty value is zero-length data");
	CHECK_STR(perr_of("x=a=b\n"), "ok", "= inside an attribute value");
}

static void
writing(void)
{
	const char *text = "#c\nid=1 5A=47  x=1\nid=2 err=luhn 5a=zz\nid=3 5A=47";
	struct rec_reader *rd;
	struct rec r;
	FILE *in, *o;
	char buf[512];
	size_t n;

	/* Unchanged lines come back byte for byte; malformed ones gain err. */
	n = roundtrip("# hi\nid=1 5A=4761739001010010\n\nid=2 9F26=00\n", 0);
	CHECK_INT(n, 2, "two records");
	CHECK_STR(out, "# hi\nid=1 5A=4761739001010010\n\nid=2 9F26=00\n", "pass-through is exact");
	n = roundtrip(text, 1);
	CHECK_INT(n, 3, "three records, none lost");
	CHECK_STR(out, "#c\nid=1 5A=47  x=1 err=syntax\nid=2 err=luhn 5a=zz\nid=3 5A=47 err=truncated\n",
	    "malformed lines marked, already-failed line untouched");

	in = fmemopen((void *)"id=7 5A=4761 kek=a\n", 19, "r");
	o = fmemopen(buf, sizeof buf, "w");
	rd = rec_reader_new(in);
	rec_init(&r);
	rec_read(rd, &r);
	CHECK_INT(rec_set(&r, "kek", "b"), 0, "replace a field");
	CHECK_INT(rec_set_bin(&r, "9F36", (const uint8_t *)"\x00\x2a", 2), 0, "append a binary field");
	CHECK_INT(rec_set(&r, "note", "x"), 0, "append an attribute");
	CHECK(rec_set(&r, "5A", "4G") < 0, "refuse a bad hex value");
	CHECK(rec_set(&r, "bad name", "x") < 0, "refuse a bad name");
	CHECK(rec_set(&r, "x", "a b") < 0, "refuse a space in a value");
	rec_del(&r, "id");
	rec_write(o, &r);
	fclose(o);
	CHECK_STR(buf, "5A=4761 kek=b 9F36=002A note=x\n", "replaced in place, appended at end, deleted");
	CHECK_STR(rec_value(&r, "kek"), "b", "new value readable");
	rec_free(&r);
	rec_reader_free(rd);
	fclose(in);
}

static void
next_and_fail(void)
{
	const char *text = "#c\nid=a 5A=47\nid=b err=x\nid=c 5A=4\nid=d 5A=48\n";
	struct rec_reader *rd;
	struct rec r;
	FILE *in, *o, *saved;
	char buf[512], lab[32], lab2[32];
	int failed = 0, n = 0;

	in = fmemopen((void *)text, strlen(text), "r");
	o = fmemopen(buf, sizeof buf, "w");
	rd = rec_reader_new(in);
	rec_init(&r);
	saved = stderr;
	stderr = fopen("/dev/null", "w");
	while (rec_next(rd, &r, o, &failed) == 1) {
		n++;
		if (strcmp(rec_value(&r, "id"), "d") == 0) {
			rec_fail(&r, "5A", "luhn", "check digit fails");
			rec_label(&r, lab);
			rec_del(&r, "id");
			rec_label(&r, lab2);
			rec_set(&r, "id", "d");
		}
		rec_write(o, &r);
	}
	fclose(stderr);
	stderr = saved;
	fclose(o);
	CHECK_INT(n, 2, "rec_next hands out only the workable records");
	CHECK_INT(failed, 1, "rec_next reports the malformed one");
	CHECK_STR(buf, "#c\nid=a 5A=47\nid=b err=x\nid=c 5A=4 err=bad-value\n5A=48 err=luhn id=d\n",
	    "every line out in order, failures marked");
	CHECK_STR(lab, "d", "label is the id");
	CHECK_STR(lab2, "4", "label without id is the record number");
	rec_free(&r);
	rec_reader_free(rd);
	fclose(in);
}

static void
long_lines(void)
{
	size_t i, n = 200000;
	char *text = malloc(n + 8);
	struct rec_reader *rd;
	struct rec r;
	FILE *in;

	/* No line-length limit: one 200 kB value. */
	memcpy(text, "id=1 70=", 8);
	for (i = 8; i < n; i++)
		text[i] = 'A';
	text[n] = '\n';
	in = fmemopen(text, n + 1, "r");
	rd = rec_reader_new(in);
	rec_init(&r);
	CHECK(rec_read(rd, &r) == 1 && r.perr == NULL, "200 kB line read");
	CHECK_INT(rec_get(&r, "70")->vallen, n - 8, "long value kept whole");
	rec_free(&r);
	rec_reader_free(rd);
	fclose(in);
	free(text);
}

static void
percent(void)
{
	char *e, *d;
	size_t n;

	e = rec_pct_encode("JOHN Q. %SMITH\n", 15);
	CHECK_STR(e, "JOHN%20Q.%20%25SMITH%0A", "percent-encode space, % and LF");
	d = rec_pct_decode(e, strlen(e), &n);
	CHECK(d && n == 15 && memcmp(d, "JOHN Q. %SMITH\n", 15) == 0, "decode gives it back");
	free(e);
	free(d);
	CHECK(rec_pct_decode("a%2", 3, &n) == NULL, "truncated escape refused");
	CHECK(rec_pct_decode("a%G0", 4, &n) == NULL, "bad escape refused");
	d = rec_pct_decode("%41%42", 6, &n);
	CHECK_STR(d, "AB", "escape at the very end");
	free(d);
}

int
main(void)
{
	reading();
	malformed();
	writing();
	next_and_fail();
	long_lines();
	percent();
	return unit_done();
}
