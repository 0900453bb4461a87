/* t-sym.c: symmetric primitives (lib/sym.c) against public vectors
 * (tests/vectors/README.md gives each source). */
#include "hex.h"
#include "sym.h"
#include "unit.h"

static uint8_t *
H(const char *hex, uint8_t *b)
{
	hex_decode(hex, strlen(hex), b);
	return b;
}

static void
mac3(void)
{
	uint8_t k[16], m[64], mac[8], want[8];

	/* pyemv ac.py doctest: ARQC = MAC alg 3, pad 2 (V6). */
	H("29B33180E567CE38EA4CBC9D753B0E61", k);
	H("0123456789ABCDEF0123456789ABCDEF", m);
	CHECK_INT(sym_mac3(k, SYM_PAD2, m, 16, mac), 0, "MAC alg 3 runs");
	CHECK_MEM(mac, H("FA624250B008B59A", want), 8, "MAC alg 3 pad 2 (pyemv V6)");
	/* Visa CVN 10 ARQC, pad 1 (V8). */
	H("154F349D8585CB7F6B0798E9839B10C1", k);
	H("0000000040000000000000000124800004800001241911050152BF45851800001C03A06010", m);
	sym_mac3(k, SYM_PAD1, m, 37, mac);
	CHECK_MEM(mac, H("29CCA15AE665FA2E", want), 8, "MAC alg 3 pad 1: Visa CVN 10 ARQC (V8)");
	/* EMV worked example (emv-facts 4.3): SK AAAA..BBBB. */
	H("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB", k);
	H("0000000020000000000000000124000000800001241103090038048" "23E58000001", m);
	sym_mac3(k, SYM_PAD2, m, 33, mac);
	CHECK_MEM(mac, H("3B76CF10FECD8789", want), 8, "MAC alg 3 pad 2: EMV ARQC worked example");
}

static void
ecb_kcv(void)
{
	uint8_t k[32], in[16], out[16], want[16], kcv[3];

	/* ARPC method 1 = 3DES-ECB(ARQC xor ARC||00..) (pyemv V6). */
	H("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB", k);
	H("1234567890ABCDEF", in);
	CHECK_INT(sym_ecb(SYM_3DES2, k, in, out, 8, 1), 0, "3DES-ECB runs");
	CHECK_MEM(out, H("F5E6F44147E2F1B0", want), 8, "3DES-ECB: ARPC method 1 (V6)");
	CHECK_INT(sym_ecb(SYM_3DES2, k, out, out, 8, 0), 0, "3DES-ECB decrypt in place");
	CHECK_MEM(out, in, 8, "decrypt gives the plaintext back");
	CHECK(sym_ecb(SYM_3DES2, k, in, out, 7, 1) < 0, "partial block refused");
	/* KCVs of V1 / V8. */
	H("0123456789ABCDEFFEDCBA9876543210", k);
	sym_kcv(SYM_3DES2, k, kcv);
	CHECK_MEM(kcv, H("08D7B4", want), 3, "3DES KCV of the pyemv IMK (V1)");
	H("154F349D8585CB7F6B0798E9839B10C1", k);
	sym_kcv(SYM_3DES2, k, kcv);
	CHECK_MEM(kcv, H("BAB02F", want), 3, "3DES KCV of MK-AC (V1)");
	/* FIPS-197 Appendix C.1: AES-128. */
	H("000102030405060708090A0B0C0D0E0F", k);
	H("00112233445566778899AABBCCDDEEFF", in);
	sym_ecb(SYM_AES128, k, in, out, 16, 1);
	CHECK_MEM(out, H("69C4E0D86A7B0430D8CDB78070B4C55A", want), 16, "AES-128 (FIPS-197 C.1)");
	/* AES KCV convention: encrypt 16 bytes of 01 (GP Amd D). */
	CHECK_INT(sym_kcv(SYM_AES128, k, kcv), 0, "AES KCV runs");
	sym_ecb(SYM_AES128, k, H("01010101010101010101010101010101", in), out, 16, 1);
	CHECK_MEM(kcv, out, 3, "AES KCV is AES of 01 bytes");
}

static void
misc(void)
{
	uint8_t k[16], want[16], iv[8], out[16], back[16];
	enum sym_alg a;

	H("0123456789ABCDEFFEDCBA9876543210", k);
	k[0] ^= 1;
	k[15] ^= 1;
	sym_des_parity(k, 16);
	CHECK_MEM(k, H("0123456789ABCDEFFEDCBA9876543210", want), 16, "odd parity restored");
	CHECK(sym_alg_parse("aes256", &a) == 0 && a == SYM_AES256, "parse aes256");
	CHECK(sym_alg_parse("des", &a) < 0, "unknown ALG refused");
	CHECK_STR(sym_alg_name(SYM_3DES3), "3des3", "name of 3des3");
	CHECK(sym_alg_for(1, 16, &a) == 0 && a == SYM_3DES2, "16-byte DES key is 3des2");
	CHECK(sym_alg_for(0, 24, &a) == 0 && a == SYM_AES192, "24-byte AES key is aes192");
	CHECK(sym_alg_for(1, 8, &a) < 0, "single DES is no algorithm here");
	H("0001020304050607", iv);
	H("000102030405060708090A0B0C0D0E0F", back);
	sym_cbc(SYM_3DES2, k, iv, back, out, 16, 1);
	sym_cbc(SYM_3DES2, k, iv, out, out, 16, 0);
	CHECK_MEM(out, back, 16, "CBC round trip");
}

int
main(void)
{
	mac3();
	ecb_kcv();
	misc();
	return unit_done();
}
