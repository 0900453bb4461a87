/* t-odacard: the values derived from the PAN, the field reader, and the
 * layout of a sealed ICC private key (lib/odacard.c). */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "hex.h"
#include "odacard.h"
#include "rsagen.h"
#include "unit.h"

/* The value of DGI name of r opened under kek, into out; its length. */
static size_t
opened(const struct rec *r, const char *name, const struct ks_key *kek,
    uint8_t *out)
{
	uint8_t *b, *clear;
	size_t n;

	if (rec_bin(rec_get(r, name), &b, &n) < 0 ||
	    ks_kek_open(kek, b, n, &clear) < 0)
		return 0;
	memcpy(out, clear, n);
	OPENSSL_clear_free(clear, n);
	free(b);
	return n;
}

/* 1 if out[0..n) is parameter name of pk, left-padded. */
static int
is_param(EVP_PKEY *pk, const char *name, const uint8_t *out, size_t n)
{
	uint8_t want[256];
	BIGNUM *bn = NULL;
	int ok;

	ok = EVP_PKEY_get_bn_param(pk, name, &bn) == 1 &&
	    BN_bn2binpad(bn, want, (int)n) == (int)n &&
	    memcmp(want, out, n) == 0;
	BN_clear_free(bn);
	return ok;
}

int
main(void)
{
	/* SHA-256 computed by the openssl command over the bytes
	 * 4761739001010010 01 and 5413330089000005 00 (tests/vectors). */
	static const char *const want[] = {
		"1CDDFD1AB7090836C4214D46028C0AD8"
		"B190FADEAAD772C9558F133C735EF6C1",
		"9E086711F88467F49179D9D1592A9716"
		"ED4D8C4A5F3D93DFD3D86D905554593A"
	};
	static const char *const crt[] = {
		OSSL_PKEY_PARAM_RSA_COEFFICIENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
		OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_FACTOR2,
		OSSL_PKEY_PARAM_RSA_FACTOR1
	};
	uint8_t h[32], b[256], key[16];
	char hex[65], name[8];
	struct ks_key kek;
	struct rec r;
	EVP_PKEY *pk;
	size_t n;
	int i;

	rec_init(&r);
	rec_set(&r, "5A", "4761739001010010");
	rec_set(&r, "5F34", "01");
	CHECK_INT(odacard_pan_hash(&r, h), 0, "pan hash");
	hex_encode(h, 32, hex);
	CHECK_STR(hex, want[0], "SHA-256 over 5A and 5F34");
	rec_set(&r, "5A", "5413330089000005");
	rec_del(&r, "5F34");
	odacard_pan_hash(&r, h);
	hex_encode(h, 32, hex);
	CHECK_STR(hex, want[1], "no 5F34: PSN 00");
	rec_del(&r, "5A");
	CHECK_INT(odacard_pan_hash(&r, h), -1, "no PAN: no hash");

	rec_set(&r, "9F45", "BEEF");
	rec_set(&r, "id", "x");
	CHECK_INT(odacard_bin(&r, "9F45", b, 2), 2, "odacard_bin: 2 bytes");
	CHECK(b[0] == 0xBE && b[1] == 0xEF, "odacard_bin: the bytes");
	CHECK_INT(odacard_bin(&r, "9F45", b, 1), -2, "odacard_bin: too long");
	CHECK_INT(odacard_bin(&r, "9F46", b, 1), -1, "odacard_bin: absent");
	CHECK_INT(odacard_bin(&r, "id", b, 8), -2, "odacard_bin: an attribute");

	/* A 1048-bit key (131 bytes): CRT parts of 66 bytes, zero-padded. */
	memset(&kek, 0, sizeof kek);
	kek.type = KS_KEK;
	kek.sym = SYM_3DES2;
	hex_decode("DD7515F2BFC17F85CE48F3CA25CB21F6", 32, key);
	kek.val = key;
	kek.len = 16;
	pk = rsagen_generate(1048, 3, NULL, 0);
	CHECK(pk != NULL, "a 1048-bit key");
	CHECK_INT(odacard_seal_key(&r, &kek, pk, 131, 0x8200, 1), 0,
	    "seal CRT");
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "DGI820%c", (char)('1' + i));
		n = opened(&r, name, &kek, b);
		CHECK_INT(n, 72, "66 bytes, padded 80 00.. to 72 under 3DES");
		CHECK(is_param(pk, crt[i], b, 66) && b[66] == 0x80,
		    "8201 qInv, 8202 dQ, 8203 dP, 8204 q, 8205 p");
	}
	CHECK_INT(odacard_seal_key(&r, &kek, pk, 131, 0x8300, 0), -1,
	    "non-CRT: the ICC key only");
	CHECK_INT(odacard_seal_key(&r, &kek, pk, 131, 0x8200, 0), 0,
	    "seal non-CRT");
	n = opened(&r, "DGI8101", &kek, b);
	CHECK(n == 136 && is_param(pk, OSSL_PKEY_PARAM_RSA_D, b, 131),
	    "8101: d, modulus-long");
	n = opened(&r, "DGI8103", &kek, b);
	CHECK(n == 136 && is_param(pk, OSSL_PKEY_PARAM_RSA_N, b, 131),
	    "8103: n");
	EVP_PKEY_free(pk);
	rec_free(&r);
	return unit_done();
}
