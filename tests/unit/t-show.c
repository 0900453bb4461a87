/* t-show.c: data elements decoded for a person (lib/show.c). */
#include <stdlib.h>

#include "hex.h"
#include "record.h"
#include "show.h"
#include "unit.h"

static char *out;
static size_t outlen;
static FILE *mem;
static struct show s;

static void
begin(int unmask)
{
	free(out);
	out = NULL;
	if ((mem = open_memstream(&out, &outlen)) == NULL) {
		perror("open_memstream");
		exit(3);
	}
	show_init(&s, mem, unmask);
}

/* Learn the context of a record line, as emv-show does. */
static void
learn(const char *line)
{
	struct rec_reader *rd;
	struct rec r;
	FILE *fp;

	fp = fmemopen((void *)line, strlen(line), "r");
	rd = rec_reader_new(fp);
	rec_init(&r);
	if (rec_read(rd, &r) == 1)
		show_learn(&s, &r);
	rec_free(&r);
	rec_reader_free(rd);
	fclose(fp);
}

/* Show one element given in hex; returns what was written. */
static const char *
element(uint32_t tag, const char *hex)
{
	uint8_t b[256];
	long n = hex_decode(hex, strlen(hex), b);

	show_element(&s, tag, b, (size_t)n, 0);
	fflush(mem);
	return out;
}

static void
done(void)
{
	fclose(mem);
	mem = NULL;
}

static void
pan(void)
{
	begin(0);
	CHECK_STR(element(0x5A, "4761739001010119"), "5A    Application "
	    "Primary Account Number (PAN): 476173******0119\n", "PAN masked");
	done();
	begin(1);
	CHECK_STR(element(0x5A, "4761739001010119"), "5A    Application "
	    "Primary Account Number (PAN): 4761739001010119\n",
	    "PAN whole with unmask");
	done();
	begin(0);
	CHECK_STR(element(0x57, "4761739001010119D27122011234567890123F"),
	    "57    Track 2 Equivalent Data: PAN 476173******0119, expiry "
	    "2027-12, service code 201, discretionary data (13 digits, shown "
	    "with -u)\n", "track 2 masked, discretionary data hidden");
	done();
	begin(0);
	CHECK_STR(element(0x5A, "47617390010101191A"), "5A    Application "
	    "Primary Account Number (PAN): (9 bytes, shown with -u) "
	    "(bad-format: byte 9 is not BCD digits padded with F on the "
	    "right)\n", "bad PAN: no hex shown");
	done();
	/* Once learnt, the PAN is masked wherever it appears in hex. */
	begin(0);
	learn("5A=4761739001010119 9F10=0A4761739001010119\n");
	CHECK_STR(element(0xDF01, "004761739001010119FF"), "DF01  unknown "
	    "tag: 00476173******0119FF\n", "learnt PAN masked in hex");
	show_forget(&s);
	CHECK_INT(s.panlen, 0, "forgotten");
	done();
}

static void
amounts(void)
{
	begin(0);
	learn("5F2A=0978 9F42=0392\n");
	CHECK_STR(element(0x9F02, "000000012345"), "9F02  Amount, Authorised "
	    "(Numeric): 123.45 EUR\n", "amount in EUR");
	done();
	begin(0);
	learn("5F2A=0392\n");
	CHECK_STR(element(0x81, "00003039"), "81    Amount, Authorised "
	    "(Binary): 12345 JPY\n", "binary amount in JPY, no decimals");
	done();
	begin(0);
	learn("5F2A=0978 5F36=03\n");
	CHECK_STR(element(0x9F02, "000000012345"), "9F02  Amount, Authorised "
	    "(Numeric): 12.345 EUR\n", "5F36 overrides the table");
	done();
	begin(0);
	CHECK_STR(element(0x9F02, "000000012345"), "9F02  Amount, Authorised "
	    "(Numeric): 12345 minor units (no currency code in the record)\n",
	    "amount without currency");
	done();
	begin(0);
	learn("9F51=0840\n");
	CHECK_STR(element(0x8E, "000003E8000000004103"), "8E    Cardholder "
	    "Verification Method (CVM) List: 000003E8000000004103\n"
	    "      amount X 10.00 USD, amount Y 0.00 USD\n"
	    "      4103  plaintext PIN verification performed by ICC, if "
	    "terminal supports the CVM; if unsuccessful, apply the next rule\n",
	    "CVM list in the application currency");
	done();
	CHECK_INT(show_currency(978, &(const char *){0}, &(int){0}), 0,
	    "EUR known");
	CHECK_INT(show_currency(1, &(const char *){0}, &(int){0}), -1,
	    "currency 001 unknown");
	CHECK_STR(show_country(826), "GB", "country 826");
	CHECK(show_country(1) == NULL, "country 001 unknown");
}

static void
decoded(void)
{
	begin(0);
	CHECK_STR(element(0x5F24, "271231"), "5F24  Application Expiration "
	    "Date: 2027-12-31\n", "date");
	done();
	begin(0);
	CHECK_STR(element(0x5F25, "991231"), "5F25  Application Effective "
	    "Date: 1999-12-31\n", "date in the 1900s");
	done();
	begin(0);
	CHECK_STR(element(0x82, "1980"), "82    Application Interchange "
	    "Profile (AIP): 1980\n      cardholder verification supported\n"
	    "      terminal risk management to be performed\n"
	    "      CDA supported\n", "AIP flags");
	done();
	begin(0);
	CHECK_STR(element(0x94, "10010300"), "94    Application File Locator "
	    "(AFL): 10010300\n      SFI 2, records 1-3, 0 for offline data "
	    "authentication\n", "AFL");
	done();
	begin(0);
	CHECK_STR(element(0x9F49, "9F3704"), "9F49  Dynamic Data "
	    "Authentication Data Object List (DDOL): 9F3704\n      9F37   4 "
	    "bytes  Unpredictable Number\n", "DDOL");
	done();
	begin(0);
	CHECK_STR(element(0x6F, "8407A0000000031010A50A5004564953419F11"
	    "0101"), "6F    File Control Information (FCI) Template:\n"
	    "      84    Dedicated File (DF) Name: A0000000031010\n"
	    "      A5    File Control Information (FCI) Proprietary Template:"
	    "\n            50    Application Label: \"VISA\"\n"
	    "            9F11  Issuer Code Table Index: 01\n", "FCI tree");
	done();
	begin(1);
	CHECK_STR(element(0x99, "2412"), "99    Transaction Personal "
	    "Identification Number (PIN) Data: (2 bytes, never shown)\n",
	    "PIN data never shown, even unmasked");
	done();
	begin(0);
	CHECK_STR(element(0x5F24, "27123101"), "5F24  Application Expiration "
	    "Date: 27123101 (bad-length: 4 bytes, want 3)\n",
	    "bad length shown with its reason");
	done();
}

int
main(void)
{
	pan();
	amounts();
	decoded();
	free(out);
	return unit_done();
}
