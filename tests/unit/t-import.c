/* t-import.c: the column map, value conversions and the id set
 * (lib/import.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "record.h"
#include "unit.h"

static char why[160];

/* Convert s as a column of type t into field; the value, or "!code". */
static const char *
conv(const char *field, enum import_type t, const char *s)
{
	static char out[256];
	struct import_entry e;
	const char *code;
	struct date d;
	char *v;

	memset(&e, 0, sizeof e);
	e.field = (char *)field;
	e.kind = rec_name_check(field, strlen(field), NULL);
	e.type = t;
	why[0] = '\0';
	if ((code = import_convert(&e, s, strlen(s), &v, &d, why,
	    sizeof why)) != NULL) {
		snprintf(out, sizeof out, "!%s", code);
		return out;
	}
	snprintf(out, sizeof out, "%s", v);
	free(v);
	return out;
}

static void
convert(void)
{
	CHECK_STR(conv("5A", IMP_PAN, "4761739001010010"), "4761739001010010",
	    "PAN, 16 digits");
	CHECK_STR(conv("5A", IMP_PAN, "4761739001010000015"),
	    "4761739001010000015F", "PAN, 19 digits, F-padded");
	CHECK_STR(conv("5A", IMP_PAN, "4111111111111112"), "!luhn", "Luhn");
	CHECK_STR(why, "check digit fails for 411111******1112",
	    "Luhn reason, masked");
	CHECK_STR(conv("5A", IMP_PAN, "47617390010"), "!pan-length",
	    "11 digits");
	CHECK_STR(conv("5A", IMP_PAN, "47617390010100000150"), "!pan-length",
	    "20 digits");
	CHECK_STR(conv("5A", IMP_PAN, "4761 7390 0101 0010"), "!pan-digits",
	    "spaces in a PAN");
	CHECK_STR(why, "character 5 is not a digit", "pan-digits reason");
	CHECK_STR(conv("5F34", IMP_PSN, "1"), "01", "PSN 1");
	CHECK_STR(conv("5F34", IMP_PSN, "42"), "42", "PSN 42");
	CHECK_STR(conv("5F34", IMP_PSN, "123"), "!psn", "PSN 123");
	CHECK_STR(conv("5F34", IMP_PSN, "0x"), "!psn", "PSN 0x");
	CHECK_STR(conv("5F30", IMP_SERVICE, "201"), "0201", "service code");
	CHECK_STR(conv("5F30", IMP_SERVICE, "2010"), "!service-code",
	    "service code 2010");
	CHECK_STR(conv("5F20", IMP_NAME, "DOE/JANE"), "444F452F4A414E45",
	    "name");
	CHECK_STR(conv("5F20", IMP_NAME, "O'NEIL-SMITH/J. R"),
	    "4F274E45494C2D534D4954482F4A2E2052", "name punctuation");
	CHECK_STR(conv("5F20", IMP_NAME, "Doe/Jane"), "!name", "lowercase");
	CHECK_STR(why, "character 2 (0x6F) is not one of A-Z 0-9 space ' - . /",
	    "lowercase reason");
	CHECK_STR(conv("5F20", IMP_NAME, "M\xC3\x9CLLER"), "!name", "UTF-8");
	CHECK_STR(conv("5F20", IMP_NAME, "DOE^JANE"), "!name",
	    "track 1 separator");
	CHECK_STR(conv("5F20", IMP_NAME, "X"), "!name", "1 character");
	CHECK_STR(conv("5F20", IMP_NAME, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
	    "4142434445464748494A4B4C4D4E4F505152535455565758595A",
	    "26 characters");
	CHECK_STR(conv("5F20", IMP_NAME, "ABCDEFGHIJKLMNOPQRSTUVWXYZA"),
	    "!name", "27 characters");
	CHECK_STR(conv("5F20", IMP_NAME, " DOE"), "!name", "leading space");
	CHECK_STR(conv("5F24", IMP_EXPIRY, "2028-02"), "280229", "expiry");
	CHECK_STR(conv("5F25", IMP_EFFECTIVE, "2028-02"), "280201",
	    "effective");
	CHECK_STR(conv("5F24", IMP_EXPIRY, "2027-02-29"), "!bad-date",
	    "bad date");
	CHECK_STR(why, "there is no day 29 in 2027-02", "bad date reason");
	CHECK_STR(conv("pinblock", IMP_PINBLOCK, "0412ac89ffffffff"),
	    "0412AC89FFFFFFFF", "pinblock 16, uppercased");
	CHECK_STR(conv("pinblock", IMP_PINBLOCK,
	    "00112233445566778899AABBCCDDEEFF"),
	    "00112233445566778899AABBCCDDEEFF", "pinblock 32");
	CHECK_STR(conv("pinblock", IMP_PINBLOCK, "0412AC89FFFFFFF"),
	    "!pinblock", "pinblock 15");
	CHECK_STR(why, "not 16 or 32 hex digits", "pinblock reason");
	CHECK_STR(conv("pinblock", IMP_PINBLOCK, "0412AC89FFFFFFFG"),
	    "!pinblock", "pinblock G");
	CHECK_STR(conv("9F0B", IMP_HEX, "0aFF"), "0AFF", "hex");
	CHECK_STR(conv("9F0B", IMP_HEX, "0AF"), "!hex", "odd hex");
	CHECK_STR(conv("5F2D", IMP_TEXT, "en"), "656E", "text to a tag");
	CHECK_STR(conv("branch", IMP_TEXT, "Rue 5%"), "Rue%205%25",
	    "text to an attribute");
	CHECK_STR(conv("id", IMP_ID, "C-0001_a.b"), "C-0001_a.b", "id");
	CHECK_STR(conv("id", IMP_ID, "C 1"), "!id", "id with a space");
	CHECK_STR(conv("id", IMP_ID, "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234"),
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234", "id of 31");
	CHECK_STR(conv("id", IMP_ID, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"),
	    "!id", "id of 32");
}

static const char *
mapread(const char *s, struct import_map *m)
{
	FILE *fp = fmemopen((void *)s, strlen(s), "r");
	static char err[160];
	int rc;

	rc = import_map_read(m, fp, err, sizeof err);
	fclose(fp);
	return rc == 0 ? NULL : err;
}

static void
map(void)
{
	struct import_map m;
	char *cols[] = { "card", "holder", "exp", "extra", "card" };
	size_t lens[] = { 4, 6, 3, 5, 4 };
	char err[160];

	import_map_default(&m);
	CHECK_INT(m.n, 9, "default map: nine columns");
	CHECK_STR(m.e[2].column, "pan", "default pan column");
	CHECK_STR(m.e[2].field, "5A", "default pan field");
	CHECK_INT(m.e[2].type, IMP_PAN, "default pan type");
	CHECK(m.e[2].required, "5A required");
	CHECK(!m.e[3].required, "5F34 not required");
	CHECK_INT(m.e[1].type, IMP_TEXT, "profile is text");
	import_map_free(&m);

	CHECK(mapread("# c\ncard 5A\nholder 5F20 name\nexp 5F24\n"
	    "extra -\n", &m) == NULL, "map read");
	CHECK_INT(m.n, 4, "map entries");
	CHECK_INT(m.e[3].type, IMP_SKIP, "skipped column");
	CHECK_INT(import_map_bind(&m, cols, lens, 4, 0, err, sizeof err), 0,
	    "bind");
	CHECK_INT(m.e[2].col, 2, "exp bound to column 3");
	CHECK_INT(import_map_bind(&m, cols, lens, 5, 0, err, sizeof err), -1,
	    "duplicate column");
	CHECK_STR(err, "column card appears twice", "duplicate message");
	cols[3] = "other";
	CHECK_INT(import_map_bind(&m, cols, lens, 4, 0, err, sizeof err), -1,
	    "unknown column");
	CHECK_STR(err, "unknown column other (map it, or ignore it with -i)",
	    "unknown message");
	CHECK_INT(import_map_bind(&m, cols, lens, 4, 1, err, sizeof err), 0,
	    "unknown column ignored with -i");
	CHECK_INT(import_map_bind(&m, cols, lens, 2, 0, err, sizeof err), -1,
	    "no expiry column");
	CHECK_STR(err, "no column exp, which 5F24 needs", "required message");
	cols[0] = "4761739001010010";
	lens[0] = 16;
	CHECK_INT(import_map_bind(&m, cols, lens, 4, 1, err, sizeof err), -1,
	    "data row as header");
	CHECK(strstr(err, "4761739001010010") == NULL,
	    "the PAN is not quoted");
	import_map_free(&m);

	CHECK_STR(mapread("card 5A\n", &m), "no column maps to 5F24",
	    "5F24 required");
	CHECK_STR(mapread("card 5A\nexp 5F24\nx 5F20 bogus\n", &m),
	    "line 3: unknown TYPE", "unknown type");
	CHECK_STR(mapread("card 5A\ncard2 5A\n", &m),
	    "line 2: FIELD is mapped twice", "field twice");
	CHECK_STR(mapread("card 5A\ncard 5F24\n", &m),
	    "line 2: COLUMN is mapped twice", "column twice");
	CHECK_STR(mapread("x err\n", &m),
	    "line 1: err is set by the stages, not imported", "err field");
	CHECK_STR(mapread("x zz!\n", &m),
	    "line 1: FIELD is not a tag, DGI or attribute name", "bad field");
	CHECK_STR(mapread("x 5F34 pinblock\n", &m),
	    "line 1: this TYPE needs an attribute FIELD", "pinblock to a tag");
	CHECK_STR(mapread("x note pan\n", &m),
	    "line 1: this TYPE needs a tag FIELD", "pan to an attribute");
	CHECK_STR(mapread("x ref id\n", &m),
	    "line 1: the id attribute and TYPE id go together", "id type");
	CHECK_STR(mapread("1x 5A\n", &m),
	    "line 1: COLUMN is not a column name", "bad column name");
	CHECK_STR(mapread("x\n", &m), "line 1: want COLUMN FIELD [TYPE]",
	    "one word");
	CHECK(mapread("n 5A\ne 5F24\nd DGI0101 hex\nt 9F0B text\n", &m) == NULL,
	    "DGI and text tag");
	import_map_free(&m);
}

static void
ids(void)
{
	struct import_ids *s = import_ids_new();
	char id[32];
	unsigned long i, dups = 0;

	for (i = 1; i <= 5000; i++) {
		snprintf(id, sizeof id, "C%lu", i);
		dups += import_ids_add(s, id, i) != 0;
	}
	CHECK_INT(dups, 0, "5000 distinct ids");
	CHECK_INT(import_ids_add(s, "C1", 9000), 1, "C1 first on line 1");
	CHECK_INT(import_ids_add(s, "C4096", 9001), 4096, "C4096 after growth");
	CHECK_INT(import_ids_add(s, "C5001", 9002), 0, "C5001 new");
	import_ids_free(s);
}

int
main(void)
{
	convert();
	map();
	ids();
	return unit_done();
}
