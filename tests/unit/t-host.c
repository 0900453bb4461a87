/* t-host.c: the issuer host's answer (lib/host.c) on the published
 * Visa CVN 10 vector (shared vectors.md V8: pyemv
 * tests/test_cvn_hsm.py::test_visa_cvn10; tests/vectors/README.md). */
#include <string.h>

#include "hex.h"
#include "host.h"
#include "record.h"
#include "unit.h"

static const char v8[] = "id=v8 5A=1234567890123456 5F34=00 "
    "9F10=06010A03A06010 9F26=29CCA15AE665FA2E 9F36=001C 9F27=80 82=1800 "
    "9F02=000000004000 9F03=000000000000 9F1A=0124 95=8000048000 "
    "5F2A=0124 9A=191105 9C=01 9F37=52BF4585 4F=A0000000031010";

static const uint8_t imk_ac[16] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB,
    0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10 };
static const uint8_t imk_smi[16] = { 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54,
    0x32, 0x10, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF };

/* Parse the V8 request line into q (through lib/record). */
static int
request(const char *line, struct host_req *q, const char **fname)
{
	FILE *fp = fmemopen((void *)line, strlen(line), "r");
	struct rec_reader *rd = rec_reader_new(fp);
	struct rec r;
	const char *why;
	int rc;

	rec_init(&r);
	rc = rec_read(rd, &r) == 1 ? host_req_read(&r, q, fname, &why) : -1;
	rec_free(&r);
	rec_reader_free(rd);
	fclose(fp);
	return rc;
}

int
main(void)
{
	struct host_req q;
	struct host_keys k;
	struct host_rules rules = { 0, NULL, 0 };
	struct host_scripts s;
	struct host_resp a;
	const struct cvn *c;
	const char *fname, *why;
	char *blocked[] = { "1234567890123456" };
	int rc;

	CHECK_INT(request(v8, &q, &fname), 0, "V8 request read");
	CHECK(q.amount == 4000 && q.scheme == CVN_VISA, "amount and scheme");
	c = host_cvn(&q, &rc);
	CHECK(c != NULL && strcmp(c->name, "visa-cvn10") == 0,
	    "9F10 names Visa CVN 10");
	CHECK_INT(host_card_keys(c, &q, imk_ac, imk_smi, NULL, &k), 0,
	    "card keys derived");
	CHECK_MEM(k.ac, "\x15\x4F\x34\x9D\x85\x85\xCB\x7F\x6B\x07\x98\xE9"
	    "\x83\x9B\x10\xC1", 16, "V8 MK-AC");
	CHECK_INT(host_scripts_parse("unblock", NULL, &s, &why), 0,
	    "script words");
	CHECK_INT(host_answer(c, &q, &k, &rules, &s, &a), 0, "answered");
	CHECK(a.approve && strcmp(a.reason, "ok") == 0, "approved");
	CHECK_MEM(a.arc, "00", 2, "ARC 3030");
	CHECK(a.n91 == 10 && memcmp(a.d91, "\x28\x99\x38\x16\xAF\xAE\x4A\xEB"
	    "00", 10) == 0, "V8 ARPC 28993816AFAE4AEB || ARC");
	CHECK(a.n72 == 17 && memcmp(a.s72 + 9, "\xDB\x56\xBA\x60\x08\x7C\xEF"
	    "\xD3", 8) == 0, "V8 APPLICATION UNBLOCK MAC DB56BA60087CEFD3");
	rules.blocked = blocked;
	rules.nblocked = 1;
	CHECK_INT(host_answer(c, &q, &k, &rules, NULL, &a), 0, "answered");
	CHECK(!a.approve && strcmp(a.reason, "blocked") == 0 && a.n71 == 17 &&
	    memcmp(a.s71 + 4, "\x84\x1E\x00\x00\x08", 5) == 0,
	    "blocked PAN: declined, APPLICATION BLOCK in 71");
	rules.nblocked = 0;
	rules.limit = 3999;
	CHECK_INT(host_answer(c, &q, &k, &rules, NULL, &a), 0, "answered");
	CHECK(!a.approve && memcmp(a.arc, "51", 2) == 0 && a.n91 == 10,
	    "over the limit: ARC 51 with an ARPC");
	rules.limit = 0;
	q.ac[7] ^= 1;
	CHECK_INT(host_answer(c, &q, &k, &rules, NULL, &a), 0, "answered");
	CHECK(!a.approve && strcmp(a.reason, "arqc") == 0 && a.n91 == 0,
	    "wrong ARQC: declined without 91");
	CHECK_INT(host_answer(NULL, &q, &k, &rules, NULL, &a), 0, "answered");
	CHECK(strcmp(a.reason, "cvn") == 0, "no CVN: declined");
	CHECK_INT(host_scripts_parse(NULL, "9F14:05,9F23:0A", &s, &why), 0,
	    "putdata list");
	CHECK(s.nput == 2 && s.put[1].tag == 0x9F23 && s.put[1].val[0] == 10,
	    "putdata values");
	CHECK_INT(host_scripts_parse(NULL, "9F1:05", &s, &why), HOST_EFIELD,
	    "a 3-digit tag is refused");
	CHECK_INT(request("id=x 5A=1234567890123456 9F10=06010A03A06010",
	    &q, &fname), HOST_EFIELD, "a request without 9F26");
	CHECK_STR(fname, "9F26", "names 9F26");
	host_keys_clear(&k);
	host_req_clear(&q);
	return unit_done();
}
