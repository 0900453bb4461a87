/* t-cardrec: layouts, AFLs, record DGIs, placing late tags and the static
 * data to be authenticated (lib/cardrec.c). */
#include <stdlib.h>
#include <string.h>

#include "cardrec.h"
#include "hex.h"
#include "record.h"
#include "tlv.h"
#include "unit.h"
#include "vec.h"

static char why[256];

static int
parse(const char *s, struct cardrec_layout *l)
{
	return cardrec_layout_parse(s, strlen(s), l, why, sizeof why);
}

/* The AFL of a layout, in hex. */
static const char *
afl(const char *layout)
{
	static char hex[2 * 4 * CARDREC_MAXREC + 1];
	struct cardrec_layout l;
	uint8_t b[4 * CARDREC_MAXREC];
	size_t n;

	if (parse(layout, &l) != 0)
		return "(bad layout)";
	n = cardrec_afl(&l, b, sizeof b);
	hex_encode(b, n, hex);
	return hex;
}

static void
test_layout(void)
{
	static const struct {
		const char *s, *why;
	} bad[] = {
		{ "", "layout: empty" },
		{ "0101", "layout: entry 0101: want SFI and record in hex, "
		    "\":\" and tags" },
		{ "01G1:5A", "layout: entry 01G1:5A: want SFI and record in "
		    "hex, \":\" and tags" },
		{ "0101:", "layout: entry 0101: want \":\" and its tags" },
		{ "0101x:5A", "layout: entry 0101: want \":\" and its tags" },
		{ "0001:5A", "layout: SFI 0 record 1: SFI must be 1-30, record "
		    "1-255" },
		{ "1F01:5A", "layout: SFI 31 record 1: SFI must be 1-30, record "
		    "1-255" },
		{ "0100:5A", "layout: SFI 1 record 0: SFI must be 1-30, record "
		    "1-255" },
		{ "0101:5a", "layout: entry 0101: 5a is no tag a record can "
		    "hold" },
		{ "0101:9F", "layout: entry 0101: 9F is no tag a record can "
		    "hold" },
		{ "0101:70", "layout: entry 0101: 70 is no tag a record can "
		    "hold" },
		{ "0101:5A.", "layout: entry 0101 ends in \".\"" },
		{ "0101:5A..5F24", "layout: entry 0101: an empty tag" },
		{ "0101:5A.5A", "layout: entry 0101: tag 5A twice" },
		{ "0101:5A,0101:5F24", "layout: record 0101 twice" },
		{ "0101:5A,0201:5F24.5A", "layout: 5A in records 0101 and "
		    "0201" },
		{ "0101o:5A.9F46", "layout: 9F46 cannot be in ODA record 0101: "
		    "a later stage makes it" },
		{ "0101o:93", "layout: 93 cannot be in ODA record 0101: a later "
		    "stage makes it" },
		{ "0101o:90", "layout: 90 cannot be in ODA record 0101: a later "
		    "stage makes it" },
		{ "0101:5F25?.9F48?", "layout: entry 0101: every tag is "
		    "optional" },
		{ "0101:5A,", "layout: an empty entry" },
	};
	const char *good = "0101:57.5F20.9F1F?,0201o:5A.5F24.5F25?,"
	    "0301:8F.90.92?.9F32,1E02:DF8101";
	struct cardrec_layout l;
	char buf[512];
	size_t i;

	CHECK_INT(parse(good, &l), 0, "a good layout parses");
	CHECK_INT(l.n, 4, "four records");
	CHECK(l.e[1].sfi == 2 && l.e[1].recno == 1 && l.e[1].oda &&
	    l.e[1].ntags == 3 && l.e[1].tags[2] == 0x5F25, "entry 0201o");
	CHECK_INT(l.e[1].optional, 4, "5F25? is optional");
	CHECK_INT(l.e[2].optional, 4, "92? is optional");
	CHECK(!l.e[0].oda && l.e[3].sfi == 30 && l.e[3].tags[0] == 0xDF8101,
	    "SFI 30, a three-byte tag");
	CHECK(cardrec_layout_format(&l, buf, sizeof buf) > 0 &&
	    strcmp(buf, good) == 0, "format gives the attribute back");
	CHECK_INT(cardrec_layout_format(&l, buf, 10), -1, "format: too small");
	CHECK(cardrec_layout_find(&l, 0x92) == &l.e[2], "find 92");
	CHECK(cardrec_layout_find(&l, 0x9F46) == NULL, "9F46 is in none");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(parse(bad[i].s, &l), CARDREC_ELAYOUT, bad[i].s);
		CHECK_STR(why, bad[i].why, bad[i].why);
	}
}

static void
test_afl(void)
{
	/* A real card's AFL and the records it read: SFI 1 record 1 for
	 * ODA, SFI 2 records 1-3, SFI 3 records 1-2 (vectors README). */
	CHECK_STR(afl("0101o:5A,0201:57,0202:5F20,0203:9F1F,0301:8F,"
	    "0302:90"), "080101011001030018010200", "a real card's AFL");
	CHECK_STR(afl("0302:90,0203:9F1F,0101o:5A,0301:8F,0201:57,0202:5F20"),
	    "080101011001030018010200", "the layout's order does not matter");
	CHECK_STR(afl("0101o:5A,0102o:57,0103:8F,0201:90"),
	    "0801030210010100", "ODA records first in an entry");
	CHECK_STR(afl("0101:5A,0103:57"), "0801010008030300",
	    "a gap starts an entry");
	CHECK_STR(afl("0101:5A,0102o:57,0103o:5F24"), "0801010008020302",
	    "an ODA record after a non-ODA one starts an entry");
	CHECK_STR(afl("0B01o:5A,0B02:57"), "58010201", "SFI 11");
	CHECK_STR(afl("1E01:5A"), "F0010100", "SFI 30");
}

static void
set(struct rec *r, const char *name, const char *value)
{
	if (rec_set(r, name, value) != 0) {
		printf("Bail out! rec_set %s\n", name);
		exit(3);
	}
}

/* A record from a real card's ODA record (SFI 1 record 1, vectors
 * README): building it from its fields gives the card's bytes. */
static void
test_build(void)
{
	const char *want = "70375A0854133300890200945F24032512315F2503040101"
	    "5F3401469F0702FF009F0D05FC50A000009F0E0500000000009F0F05F870A4"
	    "9800";
	struct cardrec_layout l;
	struct rec r;
	uint8_t *b;
	size_t n;
	uint32_t miss;
	char hex[512];

	rec_init(&r);
	set(&r, "id", "t1");
	set(&r, "9F0F", "F870A49800");
	set(&r, "5F24", "251231");
	set(&r, "9F0D", "FC50A00000");
	set(&r, "5A", "5413330089020094");
	set(&r, "5F34", "46");
	set(&r, "9F0E", "0000000000");
	set(&r, "5F25", "040101");
	set(&r, "9F07", "FF00");
	parse("0101o:5A.5F24.5F25.5F34.9F07.9F0D.9F0E.9F0F.5F28?,"
	    "0201:8F.9F32.92?", &l);
	CHECK_INT(cardrec_build(&r, &l.e[0], &b, &n, &miss, why, sizeof why),
	    0, "build a real card's record");
	hex_encode(b, n, hex);
	CHECK_STR(hex, want, "the card's bytes, in layout order");
	CHECK_INT(miss, 0x5F28, "5F28 missing (optional)");
	free(b);
	CHECK_INT(cardrec_write(&r, &l.e[0], why, sizeof why), 0, "write it");
	CHECK_STR(rec_value(&r, "DGI0101"), want, "DGI0101");
	CHECK_INT(cardrec_write(&r, &l.e[1], why, sizeof why), 0,
	    "write an empty record");
	CHECK(rec_get(&r, "DGI0201") == NULL, "no DGI for an empty record");

	/* 254 bytes fit (70 81 FB, 9F1F 81 F7 and 247 bytes); 255 do not. */
	memset(hex, 'A', 494);
	hex[494] = '\0';
	set(&r, "9F1F", hex);
	parse("0301:9F1F", &l);
	CHECK_INT(cardrec_write(&r, &l.e[0], why, sizeof why), 0,
	    "a record of 254 bytes");
	CHECK_INT(strlen(rec_value(&r, "DGI0301")), 508, "254 bytes");
	strcat(hex, "AA");
	set(&r, "9F1F", hex);
	CHECK_INT(cardrec_write(&r, &l.e[0], why, sizeof why), CARDREC_ESIZE,
	    "a record of 255 bytes");
	CHECK_STR(why, "DGI0301: record of 255 bytes, at most 254 fit",
	    "record-size reason");
	rec_free(&r);
}

/* The static data of a real Mastercard card (V20): its ODA records built
 * from their objects, and the AIP its 9F4A names. */
static void
test_v20(void)
{
	const char *layouts[] = {
		/* One ODA record in SFI 2. */
		"0201o:5F25.5F24.5A.5F34.8E.9F07.9F0D.9F0E.9F0F.9F4A.5F28.8C."
		    "8D,0301:8F.90.9F32.92?,0302:9F46.9F47.9F48?.9F49?",
		/* Split over two SFIs and out of order: AFL order counts. */
		"0301:8F.90,0302:9F46.9F47,0202o:9F0F.9F4A.5F28.8C.8D,"
		    "0101o:5F25.5F24.5A,0201o:5F34.8E.9F07.9F0D.9F0E,"
		    "0203:9F32.9F08?",
	};
	const uint8_t *p, *end;
	uint8_t *want, *got, v[1];
	struct cardrec_layout l;
	struct tlv t;
	struct rec r;
	size_t wn, gn, i, j;
	char name[8], *hex;

	want = vec_load("tlv-static-data.hex", &wn);
	for (i = 0; i < 2; i++) {
		rec_init(&r);
		set(&r, "id", "v20");
		set(&r, "82", "3900");
		/* The objects: all of the data but the AIP at its end. */
		for (p = want, end = want + wn - 2; tlv_next(&p, end, &t) == 1;) {
			snprintf(name, sizeof name, "%0*X",
			    (int)(2 * t.taglen), (unsigned)t.tag);
			hex = malloc(2 * t.len + 1);
			hex_encode(t.val, t.len, hex);
			set(&r, name, hex);
			free(hex);
		}
		set(&r, "layout", layouts[i]);
		cardrec_layout_get(&r, &l, why, sizeof why);
		for (j = 0; j < l.n; j++)
			cardrec_write(&r, &l.e[j], why, sizeof why);
		CHECK_INT(cardrec_oda_data(&r, &got, &gn, why, sizeof why), 0,
		    i ? "V20 static data, split" : "V20 static data");
		CHECK(gn == wn && memcmp(got, want, wn) == 0,
		    "exactly the card's static data to be authenticated");
		free(got);

		/* A certificate is placed, not signed over. */
		v[0] = 0x05;
		CHECK_INT(cardrec_place(&r, 0x8F, v, 1, why, sizeof why), 0,
		    "place 8F");
		CHECK_STR(rec_value(&r, "DGI0301"), "70038F0105",
		    "DGI0301 rebuilt");
		CHECK_STR(rec_value(&r, "8F"), "05", "8F is a field too");
		CHECK_INT(cardrec_complete(&r, why, sizeof why),
		    CARDREC_EMISSING, "incomplete");
		CHECK_STR(why, "90: absent, and the layout puts it into DGI0301",
		    "what is missing");
		CHECK_INT(cardrec_oda_data(&r, &got, &gn, why, sizeof why), 0,
		    "static data as before");
		CHECK(gn == wn && memcmp(got, want, wn) == 0, "unchanged");
		free(got);
		rec_free(&r);
	}
	free(want);
}

/* Build a record for the error cases. */
static void
small(struct rec *r, const char *layout)
{
	struct cardrec_layout l;
	size_t j;

	rec_init(r);
	set(r, "id", "e");
	set(r, "82", "3900");
	set(r, "5A", "5413330089020094");
	set(r, "5F24", "251231");
	set(r, "57", "5413330089020094D25122010000000000");
	set(r, "layout", layout);
	if (cardrec_layout_get(r, &l, why, sizeof why) == 0)
		for (j = 0; j < l.n; j++)
			cardrec_write(r, &l.e[j], why, sizeof why);
}

static void
test_oda_errors(void)
{
	struct rec r;
	uint8_t *got, v[2] = { 0x11, 0x22 };
	size_t gn;
	char hex[256];

	/* SFI 11-30: the whole record, 70 and its length included. */
	small(&r, "0B01o:5A,0101o:5F24,0201:57");
	CHECK_INT(cardrec_oda_data(&r, &got, &gn, why, sizeof why), 0,
	    "SFI 1 and SFI 11");
	hex_encode(got, gn, hex);
	CHECK_STR(hex, "5F2403251231700A" "5A085413330089020094",
	    "SFI 1 without 70, SFI 11 with it");
	free(got);
	set(&r, "9F4A", "82");
	CHECK_INT(cardrec_oda_data(&r, &got, &gn, why, sizeof why), 0,
	    "with 9F4A");
	hex_encode(got, gn, hex);
	CHECK_STR(hex, "5F2403251231700A" "5A085413330089020094" "3900",
	    "the AIP last");
	free(got);
	CHECK_INT(cardrec_complete(&r, why, sizeof why), 0, "complete");

	set(&r, "9F4A", "829F37");
	CHECK_INT(cardrec_oda_data(&r, &got, &gn, why, sizeof why),
	    CARDREC_ETAGLIST, "9F4A with 9F37");
	CHECK_STR(why, "9F4A: lists 9F37; only 82 may be listed (Book 3, "
	    "10.3)", "bad-taglist reason");
	set(&r, "9F4A", "9F");
	CHECK_INT(cardrec_oda_data(&r, &got, &gn, why, sizeof why),
	    CARDREC_ETAGLIST, "9F4A cut short");
	CHECK_STR(why, "9F4A: not a list of tags", "reason");
	set(&r, "9F4A", "82");
	rec_del(&r, "82");
	CHECK_INT(cardrec_oda_data(&r, &got, &gn, why, sizeof why),
	    CARDREC_EMISSING, "9F4A without 82");
	CHECK_STR(why, "82: 9F4A lists it but the record has no AIP",
	    "reason");
	set(&r, "82", "3900");

	/* A field changed after the DGIs were made. */
	set(&r, "5F24", "261231");
	CHECK_INT(cardrec_oda_data(&r, &got, &gn, why, sizeof why),
	    CARDREC_ESTALE, "stale DGI");
	CHECK_STR(why, "DGI0101: not the record its fields make (a field "
	    "changed after emv-records)", "stale reason");
	CHECK_STR(cardrec_errcode(CARDREC_ESTALE), "stale-record", "code");
	rec_del(&r, "5F24");
	CHECK_INT(cardrec_oda_data(&r, &got, &gn, why, sizeof why),
	    CARDREC_EMISSING, "a tag missing from an ODA record");
	CHECK_STR(why, "5F24: absent, and the layout puts it into ODA record "
	    "DGI0101", "missing reason");
	rec_del(&r, "layout");
	CHECK_INT(cardrec_oda_data(&r, &got, &gn, why, sizeof why),
	    CARDREC_ELAYOUT, "no layout");
	CHECK_STR(why, "layout: the record has no layout (emv-profile sets "
	    "it)", "no layout reason");
	CHECK_INT(cardrec_place(&r, 0x90, v, 2, why, sizeof why),
	    CARDREC_ELAYOUT, "place without a layout");
	CHECK(rec_get(&r, "90") == NULL, "nothing set");
	rec_free(&r);

	/* Placing: into its record, or a plain field; a record that would
	 * grow too big is refused and the field left as it was. */
	small(&r, "0101o:5A,0201:57.9F1F");
	CHECK_INT(cardrec_place(&r, 0x9F4B, v, 2, why, sizeof why), 1,
	    "9F4B: no record for it");
	CHECK_STR(rec_value(&r, "9F4B"), "1122", "set as a field");
	CHECK_INT(cardrec_place(&r, 0x9F1F, v, 2, why, sizeof why), 0,
	    "place 9F1F");
	CHECK_STR(rec_value(&r, "DGI0201"),
	    "7018" "57115413330089020094D25122010000000000" "9F1F021122",
	    "DGI0201 in layout order");
	memset(hex, 0, sizeof hex);
	CHECK_INT(cardrec_place(&r, 0x9F1F, (uint8_t *)hex, 240, why,
	    sizeof why), CARDREC_ESIZE, "too big");
	CHECK_STR(rec_value(&r, "9F1F"), "1122", "9F1F as it was");
	CHECK_STR(rec_value(&r, "DGI0201"),
	    "7018" "57115413330089020094D25122010000000000" "9F1F021122",
	    "DGI0201 as it was");
	CHECK_INT(cardrec_complete(&r, why, sizeof why), 0, "complete");
	rec_free(&r);
}

static void
test_fail(void)
{
	struct rec r;

	rec_init(&r);
	set(&r, "id", "f");
	cardrec_fail(&r, CARDREC_ESIZE, "DGI0301: record of 300 bytes");
	CHECK_STR(rec_value(&r, "err"), "record-size", "err from the code");
	CHECK_STR(cardrec_errcode(CARDREC_ELAYOUT), "bad-layout", "codes");
	CHECK_STR(cardrec_errcode(CARDREC_EMISSING), "missing-tag", "codes");
	CHECK_STR(cardrec_errcode(CARDREC_ETAGLIST), "bad-taglist", "codes");
	CHECK_STR(cardrec_errcode(CARDREC_ENOMEM), "internal", "codes");
	CHECK_INT(cardrec_late_tag(0x9F46), 1, "9F46 is late");
	CHECK_INT(cardrec_late_tag(0x8F), 1, "8F is late");
	CHECK_INT(cardrec_late_tag(0x5A), 0, "5A is not");
	rec_free(&r);
}

int
main(void)
{
	test_layout();
	test_afl();
	test_build();
	test_v20();
	test_oda_errors();
	test_fail();
	return unit_done();
}
