/* t-dgimap.c: DGI maps (lib/dgimap.c): the parser, its fatal errors with
 * file:line, and the DGIs built from a record's tags. */
#include <stdlib.h>

#include "dgimap.h"
#include "hex.h"
#include "record.h"
#include "unit.h"

static char err[512];

/* Parse map text s[0..n), named t.map. */
static struct dgimap *
parse_n(const char *s, size_t n)
{
	struct dgimap *m;
	FILE *fp;

	err[0] = '\0';
	if ((fp = fmemopen((void *)s, n, "r")) == NULL) {
		perror("fmemopen");
		exit(3);
	}
	m = dgimap_read(fp, "t.map", err, sizeof err);
	fclose(fp);
	return m;
}

static struct dgimap *
parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* The map text s[0..n) must fail with exactly this message. */
static void
bad_n(const char *s, size_t n, const char *want)
{
	struct dgimap *m = parse_n(s, n);

	CHECK(m == NULL, want);
	CHECK_STR(err, want, "  message");
	dgimap_free(m);
}

static void
bad(const char *s, const char *want)
{
	bad_n(s, strlen(s), want);
}

/* A record from one line (rec_read). */
static struct rec r;

static void
record(const char *line)
{
	struct rec_reader *rd;
	FILE *fp;
	char *nl;

	/* The reader wants the line feed; the fields point into r. */
	if ((nl = malloc(strlen(line) + 2)) == NULL)
		exit(3);
	sprintf(nl, "%s\n", line);
	fp = fmemopen(nl, strlen(nl), "r");
	rd = rec_reader_new(fp);
	rec_free(&r);
	rec_init(&r);
	if (rec_read(rd, &r) != 1 || r.perr != NULL) {
		printf("# bad test record: %s\n", line);
		exit(3);
	}
	rec_reader_free(rd);
	fclose(fp);
	free(nl);
}

/* Build entry e of m from the current record: returns dgimap_build's
 * code, the value in hex in out. */
static int
build(const struct dgimap_entry *e, char *out, const char **missing)
{
	uint8_t *b = NULL;
	size_t n = 0;
	int rc;

	out[0] = '\0';
	rc = dgimap_build(e, &r, &b, &n, missing);
	if (rc == 0) {
		hex_encode(b, n, out);
		free(b);
	}
	return rc;
}

static const char good[] =
    "# a map\n"
    "profile=visa-*\n"
    "profile=test\n"
    "aid=A0000000031010   # Visa\n"
    "keep=batch,carrier\n"
    "ignore=DF01,DGI7FFF\n"
    "\n"
    "DGI9104 tlv: 82 94\n"
    "records=all\n"
    "DGI8000 from DGI8000 secret pad=none\n"
    "DGI9000 from DGI9000\n"
    "DGI8010 from DGI8010 secret\n"
    "DGI8201 from DGI8201 secret optional\n"
    "DGI8301 from DGI8301 secret pad=needed required\n"
    "DGI8400 from DGI8400 secret\n"
    "DGI9102\ttemplate A5: 50 87? BF0C?\n"
    "DGI9010 raw: 9F17 9F18?\n"
    "DGI9200 from 9F10 optional\n";

static void
test_good(void)
{
	struct dgimap *m = parse(good);
	const struct dgimap_entry *e;

	CHECK(m != NULL, "a good map parses");
	if (m == NULL) {
		printf("# %s\n", err);
		return;
	}
	CHECK_STR(m->aid, "A0000000031010", "aid=");
	CHECK_INT(m->ne, 11, "11 entries");
	CHECK_INT(m->nprofile, 2, "two profile= lines");
	CHECK(dgimap_match(m, "visa-dda"), "visa-* matches visa-dda");
	CHECK(dgimap_match(m, "test"), "test matches");
	CHECK(!dgimap_match(m, "mc-cda"), "mc-cda does not match");
	CHECK(!dgimap_match(m, NULL), "no profile does not match");
	CHECK(dgimap_keeps(m, "id", 2) && dgimap_keeps(m, "kek", 3) &&
	    dgimap_keeps(m, "test", 4) && dgimap_keeps(m, "profile", 7),
	    "id, kek, test, profile kept");
	CHECK(dgimap_keeps(m, "carrier", 7), "keep= attribute kept");
	CHECK(!dgimap_keeps(m, "cvv2", 4) && !dgimap_keeps(m, "layout", 6),
	    "other attributes not kept");
	CHECK(dgimap_ignores(m, "DGI7FFF", 7) && dgimap_ignores(m, "DF01", 4),
	    "ignore= fields");
	CHECK(!dgimap_ignores(m, "DF0", 3), "ignore= compares whole names");

	e = &m->e[0];
	CHECK(e->src == DGIMAP_TLV && e->dgi == 0x9104 && e->ntags == 2 &&
	    e->tags[0].tag == 0x82 && e->tags[1].tag == 0x94 && !e->secret &&
	    !e->optional && e->line == 8, "DGI9104 tlv: 82 94, line 8");
	CHECK(m->e[1].src == DGIMAP_RECORDS, "records=all in its place");
	e = dgimap_entry(m, 0x8000);
	CHECK(e && e->secret && e->pad == DGIMAP_PAD_NONE &&
	    strcmp(e->from, "DGI8000") == 0, "DGI8000 secret, pad=none");
	CHECK_STR(dgimap_flags(e), "e", "  flags e");
	e = dgimap_entry(m, 0x8010);
	CHECK(e && e->pad == DGIMAP_PAD_NONE, "8010 defaults to pad=none");
	e = dgimap_entry(m, 0x8201);
	CHECK(e && e->pad == DGIMAP_PAD_ALWAYS && e->optional,
	    "8201 defaults to pad=always; optional");
	CHECK_STR(dgimap_flags(e), "eP", "  flags eP");
	e = dgimap_entry(m, 0x8301);
	CHECK(e && e->pad == DGIMAP_PAD_NEEDED && !e->optional,
	    "pad=needed, required");
	CHECK_STR(dgimap_flags(e), "ep", "  flags ep");
	e = dgimap_entry(m, 0x8400);
	CHECK(e && e->pad == DGIMAP_PAD_NEEDED,
	    "other secret DGIs default to pad=needed");
	e = dgimap_entry(m, 0x9000);
	CHECK_STR(dgimap_flags(e), "", "clear DGI: no flags");
	e = dgimap_entry(m, 0x9102);
	CHECK(e && e->src == DGIMAP_TEMPLATE && e->tmpl == 0xA5 &&
	    e->ntags == 3 && !e->tags[0].optional && e->tags[1].optional &&
	    e->tags[2].tag == 0xBF0C && e->tags[2].optional,
	    "template A5: 50 87? BF0C?");
	e = dgimap_entry(m, 0x9200);
	CHECK(e && e->src == DGIMAP_FROM && strcmp(e->from, "9F10") == 0 &&
	    e->optional, "from a tag field");
	CHECK(dgimap_entry(m, 0x0101) == NULL, "records=all is no DGI entry");
	dgimap_free(m);
}

static void
test_errors(void)
{
	struct dgimap *m;

	bad("aid=A0000000031010\nfoo bar\n",
	    "t.map:2: unknown line 'foo' (a DGI line or a setting)");
	bad("aid=A0000000031010\nDGI91x2 tlv: 82\n",
	    "t.map:2: 'DGI91x2' is not a DGI name (DGI and 4 uppercase hex "
	    "digits)");
	bad("aid=A0000000031010\nDGI9104 tlv: 82\n\nDGI9104 tlv: 94\n",
	    "t.map:4: DGI9104 again (first on line 2)");
	bad("aid=A0000000031010\nDGI9104\n",
	    "t.map:2: DGI9104: no source (from, template, tlv: or raw:)");
	bad("aid=A0000000031010\nDGI9104 tlv 82 94\n",
	    "t.map:2: DGI9104: unknown source 'tlv' (from, template, tlv: or "
	    "raw:)");
	bad("aid=A0000000031010\nDGI9104 tlv: 82 8G\n",
	    "t.map:2: DGI9104: '8G' is not a tag");
	bad("aid=A0000000031010\nDGI9104 tlv: 82 9F\n",
	    "t.map:2: DGI9104: '9F' is not a tag");
	bad("aid=A0000000031010\nDGI9104 tlv: 82 94 82?\n",
	    "t.map:2: DGI9104: 82 twice");
	bad("aid=A0000000031010\nDGI9104 tlv: optional\n",
	    "t.map:2: DGI9104: no tags");
	bad("aid=A0000000031010\nDGI9200 template 9F10: 9F10\n",
	    "t.map:2: DGI9200: template 9F10 is not a constructed tag");
	bad("aid=A0000000031010\nDGI9102 template A5 50\n",
	    "t.map:2: DGI9102: template needs a tag and ':' (A5:)");
	bad("aid=A0000000031010\nDGI9010 from\n",
	    "t.map:2: DGI9010: from needs a tag or DGI field");
	bad("aid=A0000000031010\nDGI9010 from kek\n",
	    "t.map:2: DGI9010: from needs a tag or DGI field");
	bad("aid=A0000000031010\nDGI9000 from DGI9000 secret\n",
	    "t.map:2: DGI9000: only DGIs 8000-8FFF are secret");
	bad("aid=A0000000031010\nDGI8000 from DGI8000\n",
	    "t.map:2: DGI8000: DGIs 8000-8FFF are secret: say secret");
	bad("aid=A0000000031010\nDGI8010 from 99 secret\n",
	    "t.map:2: DGI8010: a secret DGI comes from a sealed DGI field "
	    "(from DGI8000-DGI8FFF)");
	bad("aid=A0000000031010\nDGI8010 tlv: 99 secret\n",
	    "t.map:2: DGI8010: a secret DGI comes from a sealed DGI field "
	    "(from DGI8000-DGI8FFF)");
	bad("aid=A0000000031010\nDGI9010 from DGI8010\n",
	    "t.map:2: DGI9010: DGI8010 is sealed and can only go into a "
	    "secret DGI (8000-8FFF)");
	bad("aid=A0000000031010\nDGI9010 from DGI9010 pad=none\n",
	    "t.map:2: DGI9010: pad= is for secret DGIs only");
	bad("aid=A0000000031010\nDGI8010 from DGI8010 secret pad=some\n",
	    "t.map:2: DGI8010: pad=some: pad=none, pad=needed or pad=always");
	bad("aid=A0000000031010\nDGI8010 from DGI8010 secret pad=none "
	    "pad=none\n", "t.map:2: DGI8010: pad= twice");
	bad("aid=A0000000031010\nDGI9010 from DGI9010 optional required\n",
	    "t.map:2: DGI9010: optional or required once");
	bad("aid=A0000000031010\nDGI9010 from DGI9010 encrypted\n",
	    "t.map:2: DGI9010: unknown word 'encrypted'");
	bad("aid=A0000000031010\nDGI9010 from DGI9010 82\n",
	    "t.map:2: DGI9010: unknown word '82'");
	bad("aid=a0000000031010\n", "t.map:1: aid=: not 5 to 16 bytes of "
	    "uppercase hex");
	bad("aid=A000000003\naid=A000000004\n",
	    "t.map:2: aid= again (first on line 1)");
	bad("aid=A00000000310F\n", "t.map:1: aid=: not 5 to 16 bytes of "
	    "uppercase hex");
	bad("aid=A0000000031010 records=all\n",
	    "t.map:1: 'records=all' after a setting: one setting per line");
	bad("aid=A0000000031010\nrecords=01\n",
	    "t.map:2: records=01: only records=all");
	bad("aid=A0000000031010\nrecords=all\nrecords=all\n",
	    "t.map:3: records=all again (first on line 2)");
	bad("aid=A0000000031010\nsfi=1\n", "t.map:2: unknown setting 'sfi='");
	bad("aid=A0000000031010\nprofile=\n", "t.map:2: profile=: no pattern");
	bad("aid=A0000000031010\nkeep=batch,5A\n",
	    "t.map:2: keep=: '5A' is not an attribute name");
	bad("aid=A0000000031010\nkeep=cps\n",
	    "t.map:2: keep=: cps is not kept: emv-cps sets it");
	bad("aid=A0000000031010\nignore=9F1F,,\n",
	    "t.map:2: ignore=: '' is not a tag or DGI name");
	bad("aid=A0000000031010\nignore=layout\n",
	    "t.map:2: ignore=: 'layout' is not a tag or DGI name");
	bad("records=all\n", "t.map: no aid= line");
	bad("", "t.map: no aid= line");
	bad("aid=A0000000031010\nprofile=x\n", "t.map: no DGI");
	bad("aid=A0000000031010\nDGI9000 from DGI9000\n"
	    "DGI8000 from DGI8000 secret\n",
	    "t.map:2: DGI9000 must come after DGI8000 (line 3): the card "
	    "checks the key check values against the keys");
	bad_n("aid=A0000000031010\nDGI90\0000 from DGI9000\n", 40,
	    "t.map:2: NUL byte");

	/* Two ends of the limits that are fine. */
	m = parse("aid=A000000003\nDGI9000 from DGI9000\n");
	CHECK(m != NULL, "a 5-byte AID");
	dgimap_free(m);
	m = parse("aid=A0000000031010A0000000031010A0B1\nDGI9000 from DGI9000\n");
	CHECK(m != NULL, "a 16-byte AID");
	dgimap_free(m);
	m = dgimap_load("/nonexistent/x.map", err, sizeof err);
	CHECK(m == NULL, "a map that cannot be opened");
	CHECK_STR(err, "/nonexistent/x.map: No such file or directory",
	    "  message");
}

static void
test_record_dgi(void)
{
	CHECK(!dgimap_record_dgi(0x0100), "0100: record 0 is no record");
	CHECK(dgimap_record_dgi(0x0101), "0101: SFI 1 record 1");
	CHECK(dgimap_record_dgi(0x0D01), "0D01: SFI 13 record 1");
	CHECK(dgimap_record_dgi(0x1EFF), "1EFF: SFI 30 record 255");
	CHECK(!dgimap_record_dgi(0x1F01), "1F01: SFI 31 is no SFI");
	CHECK(!dgimap_record_dgi(0x0001), "0001: SFI 0 is no SFI");
	CHECK(!dgimap_record_dgi(0x9102), "9102 is no record");
}

static void
test_build(void)
{
	/* Known answer: the FCI of a Visa card's SELECT response from
	 * moov-io/bertlv@1204aca1242561caa0ef9a05013a8e7f703917e7
	 * optimization_test.go (simpleEMVData); its A5 template is what DGI
	 * 9102 holds (emv-facts 1.4), so the tags in A5's order must give
	 * it back byte for byte. */
	static const char a5[] = "A53B500B56495341204352454449548701015F2D02"
	    "656E9F38189F66049F02069F03069F1A0295055F2A029A039C019F3704BF0C08"
	    "9F5A051108400840";
	struct dgimap *m = parse(
	    "aid=A0000000031010\n"
	    "DGI9102 template A5: 50 87 5F2D 9F38 9F11? BF0C\n"
	    "DGI9103 template A5: 50 9F12\n"
	    "DGI9104 tlv: 82 94\n"
	    "DGI9010 raw: 9F17 DF01? 9F18\n"
	    "DGI0D01 tlv: 9F14? 9F23?\n"
	    "DGI0E01 template E5: 9F14? 9F23\n"
	    "DGI9200 tlv: 9F10\n");
	static char out[2 * 70000];
	const char *miss;
	uint8_t v[0x8000];
	char *line, *p;

	CHECK(m != NULL, "build map parses");
	if (m == NULL) {
		printf("# %s\n", err);
		return;
	}
	record("id=1 50=5649534120435245444954 87=01 5F2D=656E 9F38=9F66049F0"
	    "2069F03069F1A0295055F2A029A039C019F3704 BF0C=9F5A051108400840 "
	    "82=3C00 94=0801010010010301 9F17=03 9F18=05 9F23=09");
	CHECK_INT(build(dgimap_entry(m, 0x9102), out, &miss), 0,
	    "9102 built");
	CHECK_STR(out, a5, "  the A5 template of a real Visa FCI");
	CHECK_INT(build(dgimap_entry(m, 0x9104), out, &miss), 0,
	    "9104 built");
	CHECK_STR(out, "82023C0094080801010010010301", "  82 and 94 TLVs");
	CHECK_INT(build(dgimap_entry(m, 0x9010), out, &miss), 0,
	    "9010 built");
	CHECK_STR(out, "0305", "  raw values end to end");
	CHECK_INT(build(dgimap_entry(m, 0x0D01), out, &miss), 0,
	    "0D01 built");
	CHECK_STR(out, "9F230109", "  an absent optional tag left out");
	CHECK_INT(build(dgimap_entry(m, 0x0E01), out, &miss), 0,
	    "0E01 built");
	CHECK_STR(out, "E5049F230109", "  E5 template");
	CHECK_INT(build(dgimap_entry(m, 0x9103), out, &miss), 1,
	    "9103: a required tag missing");
	CHECK_STR(miss, "9F12", "  names it");
	CHECK_INT(build(dgimap_entry(m, 0x9200), out, &miss), 1,
	    "9200: its only tag missing");
	CHECK_STR(miss, "9F10", "  names it");

	record("id=2 9F10=06010A03A00000");
	CHECK_INT(build(dgimap_entry(m, 0x0D01), out, &miss), 1,
	    "0D01: every tag optional, none there");
	CHECK(miss == NULL, "  names none");

	/* Lengths of 128 and more take the 81 and 82 forms (Book 3 B2). */
	memset(v, 0xAB, sizeof v);
	line = malloc(4 * sizeof v + 64);
	p = line + sprintf(line, "id=3 9F10=");
	hex_encode(v, 200, p);
	record(line);
	CHECK_INT(build(dgimap_entry(m, 0x9200), out, &miss), 0,
	    "200-byte value");
	CHECK(strncmp(out, "9F1081C8ABAB", 12) == 0 && strlen(out) == 2 * 204,
	    "  9F10 81 C8");
	hex_encode(v, 300, p);
	record(line);
	CHECK_INT(build(dgimap_entry(m, 0x9200), out, &miss), 0,
	    "300-byte value");
	CHECK(strncmp(out, "9F1082012CAB", 12) == 0, "  9F10 82 01 2C");
	/* A DGI holds at most 65535 bytes. */
	p = line + sprintf(line, "id=4 9F14=");
	hex_encode(v, sizeof v, p);
	p += 2 * sizeof v;
	p += sprintf(p, " 9F23=");
	hex_encode(v, sizeof v, p);
	record(line);
	CHECK_INT(build(dgimap_entry(m, 0x0D01), out, &miss), -1,
	    "two 32 KB values: over 65535 bytes");
	free(line);
	dgimap_free(m);
}

static void
test_holds(void)
{
	static const char s[] = "701A5A0847617390010100105F2403281231A5089F12"
	    "054142434445";
	uint8_t b[64];
	long n;

	n = hex_decode(s, strlen(s), b);
	CHECK_INT(n, 28, "holds: test data");
	CHECK(dgimap_holds(b, (size_t)n, 0x5A,
	    (const uint8_t *)"\x47\x61\x73\x90\x01\x01\x00\x10", 8),
	    "5A in the 70 template");
	CHECK(dgimap_holds(b, (size_t)n, 0x9F12,
	    (const uint8_t *)"ABCDE", 5), "9F12 two templates down");
	CHECK(!dgimap_holds(b, (size_t)n, 0x5F24,
	    (const uint8_t *)"\x28\x12\x30", 3), "5F24 with another value");
	CHECK(!dgimap_holds(b, (size_t)n, 0x5F25,
	    (const uint8_t *)"\x28\x12\x31", 3), "a tag that is not there");
	CHECK(!dgimap_holds(b, (size_t)n - 1, 0x5A,
	    (const uint8_t *)"\x47\x61\x73\x90\x01\x01\x00\x10", 8),
	    "not BER-TLV: holds nothing");
}

int
main(void)
{
	test_good();
	test_errors();
	test_record_dgi();
	test_build();
	test_holds();
	rec_free(&r);
	return unit_done();
}
