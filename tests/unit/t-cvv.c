/* t-cvv.c: the CVV algorithm (lib/cvv.c) against public vectors
 * (tests/vectors/README.md gives each source). */
#include "cvv.h"
#include "hex.h"
#include "unit.h"

static const struct {
	const char *cvk, *pan, *exp, *sc, *cvv, *what;
} vec[] = {
	/* The CVV test data of the Chinese bank card specification (CVKA
	 * 0123456789ABCDEF, CVKB FEDCBA9876543210), 13 and 16-digit PANs. */
	{ "0123456789ABCDEFFEDCBA9876543210", "4123456789012", "8701", "101",
	    "370", "13-digit PAN 4123456789012 8701 101" },
	{ "0123456789ABCDEFFEDCBA9876543210", "4999988887777", "9105", "111",
	    "649", "13-digit PAN 4999988887777 9105 111" },
	{ "0123456789ABCDEFFEDCBA9876543210", "4666655554444", "9206", "120",
	    "821", "13-digit PAN 4666655554444 9206 120" },
	{ "0123456789ABCDEFFEDCBA9876543210", "4333322221111", "9307", "141",
	    "697", "13-digit PAN 4333322221111 9307 141" },
	{ "0123456789ABCDEFFEDCBA9876543210", "4123456789012345", "8701",
	    "101", "561", "classic vector 4123456789012345 8701 101" },
	{ "0123456789ABCDEFFEDCBA9876543210", "4999988887777000", "9105",
	    "111", "245", "16-digit PAN 4999988887777000 9105 111" },
	{ "0123456789ABCDEFFEDCBA9876543210", "4666655554444111", "9206",
	    "120", "664", "16-digit PAN 4666655554444111 9206 120" },
	{ "0123456789ABCDEFFEDCBA9876543210", "4333322221111222", "9307",
	    "141", "382", "16-digit PAN 4333322221111222 9307 141" },
	/* psec cvv.py doctest and tests/test_cvv.py. */
	{ "0123456789ABCDEFFEDCBA9876543210", "1234567890123456", "9912",
	    "220", "170", "psec doctest" },
	{ "99999999999999998888888888888888", "2222222222222222", "3333",
	    "111", "361", "psec test_generate_cvv" },
	/* jPOS JCESecurityModuleTest.testCalculateCVDImpl1 and 2: CVV2s
	 * (service code 000) of a 12-digit account number, with CVK A = CVK
	 * B and with two different halves. */
	{ "12345678123456781234567812345678", "123456789012", "1108",
	    CVV_SC_CVV2, "204", "jPOS CVV2, CVK A = CVK B" },
	{ "12345678123456788765432187654321", "123456789012", "1108",
	    CVV_SC_CVV2, "453", "jPOS CVV2, CVK A and CVK B" },
};

int
main(void)
{
	uint8_t k[16];
	char out[4];
	size_t i;

	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		hex_decode(vec[i].cvk, 32, k);
		CHECK_INT(cvv_compute(k, vec[i].pan, vec[i].exp, vec[i].sc,
		    out), 0, vec[i].what);
		CHECK_STR(out, vec[i].cvv, vec[i].what);
	}
	hex_decode(vec[0].cvk, 32, k);
	CHECK_INT(cvv_compute(k, "", "8701", "101", out), -1, "empty PAN refused");
	CHECK_STR(out, "", "nothing written on a refusal");
	CHECK_INT(cvv_compute(k, "41234567890123456789", "8701", "101", out),
	    -1, "20-digit PAN refused");
	CHECK_INT(cvv_compute(k, "412345678901234A", "8701", "101", out), -1,
	    "non-digit in the PAN refused");
	CHECK_INT(cvv_compute(k, "4123456789012345", "870", "101", out), -1,
	    "3-digit expiry refused");
	CHECK_INT(cvv_compute(k, "4123456789012345", "8701", "1010", out), -1,
	    "4-digit service code refused");
	CHECK_INT(cvv_compute(k, "4123456789012345", "8701", "10A", out), -1,
	    "non-digit service code refused");
	/* A 19-digit PAN still fits the 32 digits of the two blocks. */
	CHECK_INT(cvv_compute(k, "4761739001010000015", "2702", "201", out), 0,
	    "19-digit PAN accepted");
	CHECK(strlen(out) == 3 && strspn(out, "0123456789") == 3,
	    "3 decimal digits");
	return unit_done();
}
