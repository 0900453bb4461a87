/* t-pan.c: Luhn, PAN masking and hex (lib/pan.c, lib/hex.c). */
#include <stdlib.h>

#include "hex.h"
#include "pan.h"
#include "unit.h"

static void
luhn(void)
{
	char line[64], digits[40], what[96];
	int valid, n = 0;
	FILE *fp;

	/* Vectors and their source: tests/vectors/README.md. */
	if ((fp = fopen("tests/vectors/luhn.txt", "r")) == NULL) {
		perror("tests/vectors/luhn.txt");
		exit(3);
	}
	while (fgets(line, sizeof line, fp)) {
		if (line[0] == '#' || sscanf(line, "%39s %d", digits, &valid) != 2)
			continue;
		snprintf(what, sizeof what, "Luhn %s is %s", digits, valid ? "valid" : "invalid");
		CHECK_INT(pan_luhn_ok(digits, strlen(digits)), valid, what);
		n++;
	}
	fclose(fp);
	CHECK(n >= 6, "Luhn vectors read");
	CHECK_INT(pan_luhn_ok("", 0), 0, "empty is not valid");
	CHECK_INT(pan_luhn_ok("41111111111111X1", 16), 0, "non-digit is not valid");
}

static void
mask(void)
{
	char out[32];

	pan_mask("4761739001010010", 16, out);
	CHECK_STR(out, "476173******0010", "16-digit PAN masked");
	pan_mask("4761739001010010123", 19, out);
	CHECK_STR(out, "476173*********0123", "19-digit PAN masked");
	pan_mask("1234567890", 10, out);
	CHECK_STR(out, "**********", "short numbers masked whole");
	CHECK_INT(pan_mask_hex("5285881254345653", 16, out), 0, "BCD PAN");
	CHECK_STR(out, "528588******5653", "BCD PAN masked");
	CHECK_INT(pan_mask_hex("476173900101001F", 16, out), 0, "F-padded BCD PAN");
	CHECK_STR(out, "476173*****1001", "F padding dropped");
	CHECK_INT(pan_mask_hex("47617390A1", 10, out), -1, "non-BCD refused");
	CHECK_INT(pan_mask_hex("47F7", 4, out), -1, "digit after padding refused");
	CHECK_INT(pan_mask_hex("476173900101001FFF", 18, out), -1, "more than one F refused");
	CHECK_INT(pan_from_hex("4761739001010010", 16, out), 16, "16 digits");
	CHECK_STR(out, "4761739001010010", "digits out");
	CHECK_INT(pan_from_hex("4761739001010010123F", 20, out), 19, "19 digits and F");
	CHECK_INT(pan_from_hex("47617390010100101234", 20, out), -1, "20 digits refused");
	CHECK_INT(pan_from_hex("F1", 2, out), -1, "padding first refused");
	CHECK_INT(pan_from_hex("", 0, out), -1, "empty refused");
}

static void
hex(void)
{
	uint8_t b[8];
	char s[17];

	CHECK_INT(hex_decode("00fFa5", 6, b), 3, "mixed case decodes");
	CHECK(b[0] == 0 && b[1] == 0xFF && b[2] == 0xA5, "decoded bytes");
	CHECK_INT(hex_decode("abc", 3, b), -1, "odd length refused");
	CHECK_INT(hex_decode("0g", 2, b), -1, "non-hex refused");
	CHECK_INT(hex_decode_upper("ab", 2, b), -1, "strict refuses lowercase");
	CHECK_INT(hex_decode_upper("AB", 2, b), 1, "strict takes uppercase");
	hex_encode((const uint8_t *)"\x01\xab\xff", 3, s);
	CHECK_STR(s, "01ABFF", "encode is uppercase");
	CHECK(hex_is_upper("", 0) && hex_is_upper("0A", 2) && !hex_is_upper("0a", 2) && !hex_is_upper("0", 1), "hex_is_upper");
}

int
main(void)
{
	luhn();
	mask();
	hex();
	return unit_done();
}
