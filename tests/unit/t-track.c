/* t-track.c: track data, discretionary layout, card fields and embossing
 * (lib/track.c).  The tag 57 and 9F1F values are those of public test cards
 * (tests/vectors/README.md); the track strings are written by hand from
 * the layout of ISO/IEC 7813. */
#include "hex.h"
#include "track.h"
#include "unit.h"

static size_t
H(const char *hex, uint8_t *b)
{
	return (size_t)hex_decode(hex, strlen(hex), b);
}

static struct track
card(const char *pan, const char *exp, const char *sc, const char *name,
    const char *disc)
{
	struct track t;

	memset(&t, 0, sizeof t);
	snprintf(t.pan, sizeof t.pan, "%s", pan);
	snprintf(t.expiry, sizeof t.expiry, "%s", exp);
	snprintf(t.sc, sizeof t.sc, "%s", sc);
	snprintf(t.name, sizeof t.name, "%s", name);
	snprintf(t.disc, sizeof t.disc, "%s", disc);
	return t;
}

/* Tag 57 of public test cards (Monetra libmonetra test card table). */
static void
parse57(void)
{
	static const struct {
		const char *hex, *pan, *exp, *sc, *disc, *what;
	} v[] = {
		{ "4761739001010119D22122011143804400000F", "4761739001010119",
		    "2212", "201", "1143804400000", "Visa test card 57" },
		{ "5413330089604111D22122010123409172029F", "5413330089604111",
		    "2212", "201", "0123409172029", "Mastercard test card 57" },
		{ "374245001751006D200170215021234500000F", "374245001751006",
		    "2001", "702", "15021234500000", "Amex test card 57" },
		{ "6510000000000216D19122011000074900000F", "6510000000000216",
		    "1912", "201", "1000074900000", "Discover test card 57" },
	};
	uint8_t b[32];
	struct track t;
	const char *why;
	size_t i, n;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		n = H(v[i].hex, b);
		CHECK_INT(track57_parse(b, n, &t, &why), 0, v[i].what);
		CHECK_STR(t.pan, v[i].pan, "its PAN");
		CHECK_STR(t.expiry, v[i].exp, "its expiry");
		CHECK_STR(t.sc, v[i].sc, "its service code");
		CHECK_STR(t.disc, v[i].disc, "its discretionary data");
		CHECK_STR(t.name, "", "no name");
	}
	n = H("4761739001010119D2212201114380440000", b);
	CHECK_INT(track57_parse(b, n, &t, &why), 0, "57 of even nibbles, no F");
	n = H("4761739001010119221220111438044000", b);
	CHECK_INT(track57_parse(b, n, &t, &why), -1, "57 without D refused");
	CHECK_STR(why, "no PAN and separator D", "reason: no separator");
	n = H("4761739001010119D2212FFF", b);
	CHECK_INT(track57_parse(b, n, &t, &why), -1, "F inside 57 refused");
	n = H("4761739001010119D221F", b);
	CHECK_INT(track57_parse(b, n, &t, &why), -1, "57 without service code refused");
	n = H("4761739001010119D2213201F", b);
	CHECK_INT(track57_parse(b, n, &t, &why), -1, "57 with month 13 refused");
	n = H("D2212201F", b);
	CHECK_INT(track57_parse(b, n, &t, &why), -1, "57 without a PAN refused");
	n = H("41234567890123456789D2212201", b);
	CHECK_INT(track57_parse(b, n, &t, &why), -1, "57 with a 20-digit PAN refused");
	n = H("4761739001010119D2212201D1F", b);
	CHECK_INT(track57_parse(b, n, &t, &why), -1, "second D refused");
}

static void
fields(void)
{
	uint8_t b[16];
	char pan[20], yymm[5], sc[4];

	/* 5A, 5F24, 5F30 of the same public test cards. */
	CHECK_INT(track_pan_cn(b, H("4761739001010119", b), pan), 0, "5A Visa");
	CHECK_STR(pan, "4761739001010119", "its PAN");
	CHECK_INT(track_pan_cn(b, H("374245001751006F", b), pan), 0, "5A Amex, F-padded");
	CHECK_STR(pan, "374245001751006", "its 15-digit PAN");
	CHECK_INT(track_pan_cn(b, H("4761739001010000015F", b), pan), 0, "5A of 19 digits");
	CHECK_STR(pan, "4761739001010000015", "its 19-digit PAN");
	CHECK_INT(track_pan_cn(b, H("47617390F1010119", b), pan), -1, "5A with F inside refused");
	CHECK_INT(track_pan_cn(b, H("4761739A01010119", b), pan), -1, "5A with A refused");
	CHECK_INT(track_pan_cn(b, H("FFFF", b), pan), -1, "5A of only F refused");
	CHECK_INT(track_pan_cn(b, H("47617390010100000151", b), pan), -1, "5A of 20 digits refused");
	CHECK_INT(track_expiry_n(b, H("221231", b), yymm), 0, "5F24 221231");
	CHECK_STR(yymm, "2212", "gives YYMM");
	CHECK_INT(track_expiry_n(b, H("221331", b), yymm), -1, "5F24 month 13 refused");
	CHECK_INT(track_expiry_n(b, H("2212", b), yymm), -1, "5F24 of 2 bytes refused");
	CHECK_INT(track_expiry_n(b, H("2212A1", b), yymm), -1, "5F24 not BCD refused");
	CHECK_INT(track_sc_n(b, H("0201", b), sc), 0, "5F30 0201");
	CHECK_STR(sc, "201", "service code 201");
	CHECK_INT(track_sc_n(b, H("1201", b), sc), -1, "5F30 with a first nibble refused");
	CHECK_INT(track_sc_n(b, H("02", b), sc), -1, "5F30 of 1 byte refused");
}

static void
build(void)
{
	struct track t, p;
	uint8_t b[TRACK57_MAX], want[TRACK57_MAX];
	char s[100];
	const char *why;
	size_t n;

	/* The classic CVV vector's card; discretionary PVKI 0, PVV 0000,
	 * CVV 561. */
	t = card("4123456789012345", "8701", "101", "DOE/JOHN", "00000561");
	CHECK_INT(track2_build(&t, s, sizeof s, &why), 34, "track 2 built");
	CHECK_STR(s, ";4123456789012345=870110100000561?", "track 2 text");
	CHECK_INT(track1_build(&t, s, sizeof s, &why), 44, "track 1 built");
	CHECK_STR(s, "%B4123456789012345^DOE/JOHN^870110100000561?", "track 1 text");
	CHECK_INT(track57_build(&t, b, &why), 16, "57 built");
	n = H("4123456789012345D870110100000561", want);
	CHECK(n == 16 && memcmp(b, want, n) == 0, "57 bytes, no F when even");
	t = card("4761739001010119", "2212", "201", "", "1143804400000");
	CHECK_INT(track57_build(&t, b, &why), 19, "57 of the Visa test card rebuilt");
	n = H("4761739001010119D22122011143804400000F", want);
	CHECK(memcmp(b, want, n) == 0, "same bytes as the card, F-padded");

	/* Round trips, with and without sentinels. */
	t = card("4761739001010000015", "2702", "201", "ROE/RICHARD Q.", "00000681");
	track1_build(&t, s, sizeof s, &why);
	CHECK_INT(track1_parse(s, strlen(s), &p, &why), 0, "track 1 reads back");
	CHECK_STR(p.pan, t.pan, "PAN");
	CHECK_STR(p.name, t.name, "name");
	CHECK_STR(p.expiry, "2702", "expiry");
	CHECK_STR(p.sc, "201", "service code");
	CHECK_STR(p.disc, "00000681", "discretionary data");
	CHECK_INT(track1_parse(s + 1, strlen(s) - 2, &p, &why), 0, "track 1 without sentinels");
	CHECK_STR(p.disc, "00000681", "same discretionary data");
	track2_build(&t, s, sizeof s, &why);
	CHECK_INT(track2_parse(s, strlen(s), &p, &why), 0, "track 2 reads back");
	CHECK_STR(p.pan, t.pan, "PAN");
	CHECK_STR(p.disc, "00000681", "discretionary data");
	CHECK_INT(track2_parse("4761739001010119=22122011143804400000", 37, &p, &why), 0,
	    "track 2 without sentinels");
	CHECK_STR(p.disc, "1143804400000", "its discretionary data");

	/* Limits: track 2 is 40 characters with its LRC, track 1 79. */
	t = card("4761739001010000015", "2702", "201", "A/B", "0000000000");
	CHECK_INT(track2_build(&t, s, sizeof s, &why), 39, "track 2 of 39 + LRC");
	strcat(t.disc, "0");
	CHECK_INT(track2_build(&t, s, sizeof s, &why), -1, "track 2 of 40 + LRC refused");
	CHECK_STR(why, "track 2 would pass 40 characters", "reason");
	CHECK_INT(track57_build(&t, b, &why), 19, "57 of 37 nibbles + F");
	strcat(t.disc, "0");
	CHECK_INT(track57_build(&t, b, &why), -1, "57 past 19 bytes refused");
	t = card("4761739001010000015", "2702", "201",
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "012345678901234567890");
	CHECK_INT(track1_build(&t, s, sizeof s, &why), 78, "track 1 of 78 + LRC");
	strcat(t.disc, "0");
	CHECK_INT(track1_build(&t, s, sizeof s, &why), -1, "track 1 of 79 + LRC refused");
	CHECK_INT(track1_build(&t, s, 20, &why), -1, "short buffer refused");

	/* Bad fields. */
	t = card("4123456789012345", "8713", "101", "DOE/JOHN", "");
	CHECK_INT(track2_build(&t, s, sizeof s, &why), -1, "month 13 refused");
	t = card("4123456789012345", "8701", "101", "doe/john", "");
	CHECK_INT(track1_build(&t, s, sizeof s, &why), -1, "lower case name refused");
	t = card("4123456789012345", "8701", "101", "D", "");
	CHECK_INT(track1_build(&t, s, sizeof s, &why), -1, "1-character name refused");
	t = card("4123456789012345", "8701", "101", "DOE^JOHN", "");
	CHECK_INT(track1_build(&t, s, sizeof s, &why), -1, "^ in the name refused");
	t = card("4123456789012345", "8701", "1O1", "DOE/JOHN", "");
	CHECK_INT(track2_build(&t, s, sizeof s, &why), -1, "letter in the service code refused");
	t = card("4123456789012345", "8701", "101", "DOE/JOHN", "12A");
	CHECK_INT(track2_build(&t, s, sizeof s, &why), -1, "letter in track 2 data refused");
	CHECK_INT(track1_build(&t, s, sizeof s, &why), 39, "letter in track 1 data taken");
}

static void
parse_bad(void)
{
	struct track t;
	const char *why;

#define T1(s) track1_parse((s), strlen(s), &t, &why)
#define T2(s) track2_parse((s), strlen(s), &t, &why)
	CHECK_INT(T1("%A4123456789012345^DOE/JOHN^8701101?"), -1, "format code A refused");
	CHECK_INT(T1("%B4123456789012345^DOE/JOHN8701101?"), -1, "one ^ refused");
	CHECK_INT(T1("%B^DOE/JOHN^8701101?"), -1, "no PAN refused");
	CHECK_INT(T1("%B4123456789012345^doe/john^8701101?"), -1, "lower case name refused");
	CHECK_INT(T1("%B4123456789012345^DOE/JOHN^87011?"), -1, "short tail refused");
	CHECK_INT(T1("%B4123456789012345^DOE/JOHN^8701101ab?"), -1, "lower case data refused");
	CHECK_INT(T1("%B4123456789012345^DOE/JOHN^8701101?"), 0, "no discretionary data taken");
	CHECK_STR(t.disc, "", "empty discretionary data");
	CHECK_INT(T2(";4123456789012345D8701101?"), -1, "track 2 without = refused");
	CHECK_INT(T2(";4123456789012345=8701101A?"), -1, "letter in track 2 refused");
	CHECK_INT(T2(";=8701101?"), -1, "track 2 without PAN refused");
	CHECK_INT(T2(";4123456789012345=870110100000000000000000?"), -1,
	    "track 2 past 40 characters refused");
	CHECK_STR(why, "track 2 longer than 40 characters", "reason");
}

static void
layout(void)
{
	char d[TRACK_DISCMAX + 1], cvv[4];

	CHECK(track_layout_ok("kpc"), "kpc is a layout");
	CHECK(track_layout_ok("c"), "c alone is a layout");
	CHECK(track_layout_ok("kpc000000"), "fill digits");
	CHECK(!track_layout_ok("kp"), "no c refused");
	CHECK(!track_layout_ok("kpcc"), "two c refused");
	CHECK(!track_layout_ok("kkpc"), "two k refused");
	CHECK(!track_layout_ok("kpcx"), "other letters refused");
	CHECK(!track_layout_ok(""), "empty refused");
	CHECK_INT(track_disc_build("kpc", "1", "4380", "561", d, sizeof d), 0,
	    "PVKI PVV CVV");
	CHECK_STR(d, "14380561", "Visa order");
	CHECK_INT(track_disc_build("kpc", NULL, NULL, "561", d, sizeof d), 0,
	    "no PVV");
	CHECK_STR(d, "00000561", "zeros in its place");
	CHECK_INT(track_disc_build("c0kp9", "1", "4380", "561", d, sizeof d), 0,
	    "other order, fill");
	CHECK_STR(d, "5610143809", "as written");
	CHECK_INT(track_disc_build("kpc", "12", "4380", "561", d, sizeof d), -1,
	    "2-digit PVKI refused");
	CHECK_INT(track_disc_build("kpc", "1", "438", "561", d, sizeof d), -1,
	    "3-digit PVV refused");
	CHECK_INT(track_disc_build("kpc", "1", "4380", "561", d, 8), -1,
	    "short buffer refused");
	/* The Visa test card's discretionary data read with kpc. */
	CHECK_INT(track_disc_cvv("kpc", "1143804400000", cvv), 0, "CVV found");
	CHECK_STR(cvv, "044", "at digits 6-8");
	CHECK_INT(track_disc_cvv("c", "1143804400000", cvv), 0, "CVV first");
	CHECK_STR(cvv, "114", "at digits 1-3");
	CHECK_INT(track_disc_cvv("kpc", "1143804", cvv), -1, "short data refused");
}

static void
emboss(void)
{
	char s[40];

	CHECK_INT(track_emboss_pan("4123456789012345", s, sizeof s), 19, "16 digits");
	CHECK_STR(s, "4123 4567 8901 2345", "4-4-4-4");
	CHECK_STR((track_emboss_pan("374245001751006", s, sizeof s), s),
	    "3742 450017 51006", "Amex 4-6-5");
	CHECK_STR((track_emboss_pan("36070500001376", s, sizeof s), s),
	    "3607 050000 1376", "Diners 4-6-4");
	CHECK_STR((track_emboss_pan("4123456789012", s, sizeof s), s),
	    "4123 456 789 012", "13 digits 4-3-3-3");
	CHECK_STR((track_emboss_pan("4761739001010000015", s, sizeof s), s),
	    "4761 7390 0101 0000 015", "19 digits 4-4-4-4-3");
	CHECK_INT(track_emboss_pan("4123456789012345", s, 19), -1, "short buffer refused");
	track_emboss_date("2812", s);
	CHECK_STR(s, "12/28", "MM/YY");
	CHECK_INT(track_emboss_name("DOE/JANE", s, sizeof s), 8, "name turned");
	CHECK_STR(s, "JANE DOE", "given names first");
	CHECK_STR((track_emboss_name("ROE/RICHARD Q.   ", s, sizeof s), s),
	    "RICHARD Q. ROE", "trailing spaces dropped");
	CHECK_STR((track_emboss_name("TEST CARD 7", s, sizeof s), s),
	    "TEST CARD 7", "no / kept as is");
	CHECK_STR((track_emboss_name("DOE/", s, sizeof s), s), "DOE",
	    "surname alone");
	CHECK_STR((track_emboss_name("DOE / JANE", s, sizeof s), s),
	    "JANE DOE", "spaces around / dropped");
	CHECK_INT(track_emboss_name("DOE/JANE", s, 5), -1, "short buffer refused");
}

int
main(void)
{
	parse57();
	fields();
	build();
	parse_bad();
	layout();
	emboss();
	return unit_done();
}
