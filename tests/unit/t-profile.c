/* t-profile: reading card product profiles and merging them into records
 * (lib/profile.c, emvperso-profile(5)). */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"
#include "record.h"
#include "unit.h"

static char dir[] = "/tmp/t-profile.XXXXXX";
static char why[512];

/* A minimal good profile; tests append or replace lines. */
static const char *base =
    "oda=dda\n"
    "icc-key-bits=1024\n"
    "icc-key-exponent=03\n"
    "82=3800\n"
    "record 1 1 oda 5A\n"
    "record 2 1 8F 90 9F32\n"
    "record 2 2 9F46 9F47\n";

static char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) == EOF ||
	    fclose(fp) != 0) {
		printf("Bail out! %s\n", path);
		exit(3);
	}
	return path;
}

/* Load text as DIR/p.profile into a fresh set; returns profile_load's. */
static int
load(const char *text, struct profile_set *s)
{
	memset(s, 0, sizeof *s);
	return profile_load(s, write_file("p.profile", text), why, sizeof why);
}

/* Load base with extra lines and expect the error "p.profile:LINE: msg"
 * (LINE 0: no line). */
static void
bad(const char *extra, int before, unsigned long line, const char *msg)
{
	struct profile_set s;
	char text[1024], want[512];

	snprintf(text, sizeof text, "%s%s", before ? extra : base,
	    before ? base : extra);
	if (line > 0)
		snprintf(want, sizeof want, "%s/p.profile:%lu: %s", dir, line,
		    msg);
	else
		snprintf(want, sizeof want, "%s/p.profile: %s", dir, msg);
	CHECK_INT(load(text, &s), -1, msg);
	CHECK_STR(why, want, msg);
	CHECK_INT(s.n, 0, "nothing loaded");
	profile_free(&s);
}

static void
test_good(void)
{
	struct profile_set s;
	const struct profile *p;
	char text[1024];

	snprintf(text, sizeof text, "# a comment\n\n  name = prod-1 # name\n"
	    "%s"
	    "fixed 9F12=\"VISA # CREDIT\"\t# a quoted #\n"
	    "8E = 00000000 00000000 1E03 1f03\n"
	    "pin-try-limit=3\ncvn=18\nissuer-key=iss.1\n"
	    "record 3 1 5F25? 5F24\n", base);
	CHECK_INT(load(text, &s), 0, "a good profile");
	CHECK_STR(why, "", "no error");
	p = profile_find(&s, "prod-1", 6);
	CHECK(p != NULL, "found by its name");
	CHECK(profile_find(&s, "prod", 4) == NULL, "not by a prefix");
	if (p == NULL)
		return;
	CHECK_INT(p->ntags, 3, "three tags");
	CHECK(p->tags[0].tag == 0x82 && !p->tags[0].fixed, "82");
	CHECK(p->tags[1].tag == 0x9F12 && p->tags[1].fixed &&
	    p->tags[1].len == 13 && memcmp(p->tags[1].val, "VISA # CREDIT",
	    13) == 0, "9F12 from text, fixed");
	CHECK(p->tags[2].len == 12 && p->tags[2].val[10] == 0x1F &&
	    p->tags[2].val[11] == 0x03, "8E: blanks and lowercase hex");
	CHECK_STR(p->layout_attr, "0101o:5A,0201:8F.90.9F32,0202:9F46.9F47,"
	    "0301:5F25?.5F24", "the layout attribute");
	CHECK_INT(p->nattr, 6, "six attributes");
	CHECK_STR(p->attr[0].name, "oda", "oda");
	CHECK_STR(p->attr[1].name, "iccbits", "iccbits");
	CHECK_STR(p->attr[1].value, "1024", "1024");
	CHECK_STR(p->attr[3].name, "ptl", "ptl");
	CHECK_STR(p->attr[5].name, "issuerkey", "issuerkey");
	profile_free(&s);

	/* The name comes from the file name when not given. */
	CHECK_INT(load(base, &s), 0, "no name");
	CHECK_STR(s.p[0].name, "p", "named after p.profile");
	profile_free(&s);
}

static void
test_bad(void)
{
	bad("foo=1\n", 1, 1, "foo: no such parameter");
	bad("name=a\nname=b\n", 1, 2, "name: given twice");
	bad("name=Visa\n", 1, 1, "name: Visa is not a name of at most 31 "
	    "characters a-z 0-9 . _ -");
	bad("oda=cda\n", 0, 8, "oda: given twice");
	bad("icc-key-bits=1020\n", 1, 1, "icc-key-bits: 1020 is not a "
	    "multiple of 8");
	bad("icc-key-bits=2048\n", 1, 1, "icc-key-bits: 2048 is not a number "
	    "512-1984");
	bad("icc-key-bits=1024\n", 1, 3, "icc-key-bits: given twice");
	bad("cvn=0\n", 1, 1, "cvn: 0 is not a number 1-255");
	bad("pin-try-limit=16\n", 1, 1, "pin-try-limit: 16 is not a number "
	    "1-15");
	bad("oda=xda\n", 1, 1, "oda: xda is not sda, dda, cda or none");
	bad("icc-key-exponent=05\n", 1, 1, "icc-key-exponent: 05 is not 03 or "
	    "010001");
	bad("issuer-key=a/b\n", 1, 1, "issuer-key: a/b is not a key name");
	bad("fixed oda=dda\n", 1, 1, "fixed: only a tag can be fixed");
	bad("5a=00\n", 1, 1, "5a: neither a tag in uppercase hex nor a "
	    "parameter");
	bad("9F=00\n", 1, 1, "9F: neither a tag in uppercase hex nor a "
	    "parameter");
	bad("5A=4761739001010010\n", 1, 1, "5A: card data, not product data");
	bad("94=08010100\n", 1, 1, "94: card data, not product data");
	bad("9F46=00\n", 1, 1, "9F46: a later stage makes it");
	bad("82=3800\n", 0, 8, "82: given twice");
	bad("9F07=FF\n", 1, 1, "9F07: 1 byte, want 2");
	bad("50=\"VISA\n", 1, 1, "50: text must be one \"quoted\" string");
	bad("50=\"A\"B\"\n", 1, 1, "50: text of more than 1024 printable "
	    "characters, or a \" inside");
	bad("9F07=FF0\n", 1, 1, "9F07: not hex digits of whole bytes or "
	    "\"text\"");
	bad("9F07=\n", 1, 1, "9F07: empty value");
	bad("=3\n", 1, 1, "-: empty name");
	bad("hello\n", 1, 1, "want NAME=VALUE or a record line");
	bad("9F07=FF\r\n", 1, 1, "a control character");
	bad("9F07=FF00", 0, 8, "last line has no line feed");
	bad("record 31 1 5A\n", 1, 1, "record: SFI 31 is not a number 1-30");
	bad("record 1 0 5A\n", 1, 1, "record: record number 0 is not a "
	    "number 1-255");
	bad("record 3 1\n", 1, 1, "record: want \"record SFI REC [oda] "
	    "TAG ...\"");
	bad("record 3 1 oda\n", 1, 1, "record: want \"record SFI REC [oda] "
	    "TAG ...\"");
	bad("record 3 1 5a\n", 1, 1, "record: 5a is not a tag in uppercase "
	    "hex");
	bad("record 3 1 oda 9F48\n", 1, 1, "record 3 1: 9F48 cannot be in ODA "
	    "record 0301: a later stage makes it");
	bad("record 1 1 5F24\n", 0, 8, "record 1 1: record 0101 twice");
	bad("record 3 1 5A\n", 0, 8, "record 3 1: 5A in records 0101 and "
	    "0301");
	bad("record 3 1 5F25?\n", 0, 8, "record 3 1: entry 0301: every tag is "
	    "optional");
}

static void
test_consistency(void)
{
	struct profile_set s;
	char want[512];
	size_t i;
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "oda=dda\nrecord 1 1 oda 5A\n",
		    "82: no Application Interchange Profile" },
		{ "82=3900\nrecord 1 1 oda 5A\n", "oda: not given" },
		{ "82=3900\noda=none\n", "no record lines" },
		{ "82=3900\noda=sda\nrecord 1 1 oda 5A\n",
		    "82: oda=sda but the AIP does not say so" },
		{ "82=7800\noda=sda\nrecord 1 1 oda 5A\n",
		    "82: the AIP names an ODA method beyond oda=sda" },
		{ "82=3900\noda=dda\nrecord 1 1 oda 5A\n",
		    "82: the AIP names an ODA method beyond oda=dda" },
		{ "82=1800\noda=none\nrecord 1 1 oda 5A\n",
		    "oda=none but a record is marked oda" },
		{ "82=5800\noda=sda\nrecord 1 1 5A\n",
		    "oda=sda but no record is marked oda" },
		{ "82=5800\noda=sda\nrecord 1 1 oda 5A\nrecord 2 1 8F 9F32\n",
		    "oda=sda needs 90 in a record" },
		{ "82=5800\noda=sda\nrecord 1 1 oda 5A\nrecord 2 1 8F 90 9F32\n",
		    "oda=sda needs 93 in a record" },
		{ "82=3900\noda=cda\nrecord 1 1 oda 5A\nrecord 2 1 8F 90 9F32 "
		    "9F46\n", "oda=cda needs 9F46 and 9F47 in records" },
		{ "82=3900\noda=cda\nrecord 1 1 oda 5A\nrecord 2 1 8F 90 9F32 "
		    "9F46 9F47\n",
		    "oda=cda needs icc-key-bits and icc-key-exponent" },
		{ "82=5800\noda=sda\n9F4A=9F37\nrecord 1 1 oda 5A\n"
		    "record 2 1 8F 90 9F32 93\n", "9F4A: may list 82 only" },
	};

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(want, sizeof want, "%s/p.profile: %s", dir,
		    cases[i].msg);
		CHECK_INT(load(cases[i].text, &s), -1, cases[i].msg);
		CHECK_STR(why, want, cases[i].msg);
		profile_free(&s);
	}
	CHECK_INT(load("82=1800\noda=none\nrecord 1 1 5A\n", &s), 0,
	    "oda=none without ODA records");
	profile_free(&s);
	CHECK_INT(load("82=5800\noda=sda\n9F4A=82\nrecord 1 1 oda 5A\n"
	    "record 2 1 8F 90 9F32 93\n", &s), 0, "oda=sda");
	profile_free(&s);
}

static void
test_dir(void)
{
	struct profile_set s;
	char sub[300], want[600];

	snprintf(sub, sizeof sub, "%s/d", dir);
	if (mkdir(sub, 0700) != 0)
		exit(3);
	memset(&s, 0, sizeof s);
	CHECK_INT(profile_load_dir(&s, sub, why, sizeof why), -1, "empty dir");
	snprintf(want, sizeof want, "%s: no *.profile files", sub);
	CHECK_STR(why, want, "no profiles");
	write_file("d/b.profile", base);
	write_file("d/a.profile", base);
	write_file("d/notes.txt", "not a profile\n");
	CHECK_INT(profile_load_dir(&s, sub, why, sizeof why), 0, "two files");
	CHECK_INT(s.n, 2, "two profiles");
	CHECK_STR(s.p[0].name, "a", "in name order");
	write_file("d/c.profile", "name=a\n");
	profile_free(&s);
	CHECK_INT(profile_load_dir(&s, sub, why, sizeof why), -1, "same name");
	snprintf(want, sizeof want, "%s/d/c.profile: 82: no Application "
	    "Interchange Profile", dir);
	CHECK_STR(why, want, "checked before the name");
	snprintf(want, sizeof want, "name=a\n%s", base);
	write_file("d/c.profile", want);
	profile_free(&s);
	CHECK_INT(profile_load_dir(&s, sub, why, sizeof why), -1, "same name");
	snprintf(want, sizeof want, "%s/d/c.profile: profile a is also in "
	    "%s/d/a.profile", dir, dir);
	CHECK_STR(why, want, "a duplicate name");
	profile_free(&s);
	unlink(write_file("d/a.profile", ""));
	unlink(write_file("d/b.profile", ""));
	unlink(write_file("d/c.profile", ""));
	unlink(write_file("d/notes.txt", ""));
	rmdir(sub);
	snprintf(want, sizeof want, "%s/none: No such file or directory", dir);
	snprintf(sub, sizeof sub, "%s/none", dir);
	CHECK_INT(profile_load_dir(&s, sub, why, sizeof why), -1, "no dir");
	CHECK_STR(why, want, "no dir");
	setenv("EMVPERSO_PROFILES", "/x/y", 1);
	CHECK_STR(profile_dir_default(), "/x/y", "EMVPERSO_PROFILES");
	setenv("EMVPERSO_PROFILES", "", 1);
	CHECK_STR(profile_dir_default(), EMVPERSO_PROFILE_DIR, "built in");
}

static void
test_apply(void)
{
	struct profile_set s;
	struct rec r;
	char text[1024];

	snprintf(text, sizeof text, "%sfixed 9F07=FF00\n5F28=0840\n"
	    "pin-try-limit=3\n", base);
	load(text, &s);
	rec_init(&r);
	rec_set(&r, "id", "a");
	rec_set(&r, "5F28", "0643");
	rec_set(&r, "ptl", "5");
	CHECK_INT(profile_apply(&s.p[0], &r, why, sizeof why), 0, "apply");
	CHECK_STR(rec_value(&r, "5F28"), "0643", "the record's tag wins");
	CHECK_STR(rec_value(&r, "9F07"), "FF00", "a tag added");
	CHECK_STR(rec_value(&r, "ptl"), "5", "the record's attribute wins");
	CHECK_STR(rec_value(&r, "iccbits"), "1024", "an attribute added");
	CHECK_STR(rec_value(&r, "layout"), s.p[0].layout_attr, "the layout");
	CHECK_STR(r.f[3].name, "82", "tags first, in file order");
	CHECK_STR(r.f[4].name, "9F07", "tags in file order");
	CHECK_INT(profile_apply(&s.p[0], &r, why, sizeof why), 0, "again");
	CHECK_INT(r.nf, 9, "nothing twice");
	rec_set(&r, "9F07", "FF80");
	CHECK_INT(profile_apply(&s.p[0], &r, why, sizeof why), PROFILE_EFIXED,
	    "a fixed tag with another value");
	CHECK_STR(why, "9F07: the profile p fixes it to another value",
	    "fixed reason");
	rec_free(&r);
	profile_free(&s);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 3;
	test_good();
	test_bad();
	test_consistency();
	test_dir();
	test_apply();
	unlink(write_file("p.profile", ""));
	rmdir(dir);
	return unit_done();
}
