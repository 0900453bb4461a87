/* fuzz-apdu.c: libFuzzer target for the virtual card's APDU handler
 * (lib/card, cardgp, cardemv).  The input is a mode byte and a sequence
 * of commands, each a length byte and that many bytes.  Mode bit 0: a
 * blank card with an SCP02 secure channel opened first (bit 1: MAC and
 * encryption), every command then wrapped by lib/scp so that its MAC is
 * right and STORE DATA parsing is reached; bit 2: a personalized card
 * (the payment application, with an ICC RSA key); bit 3: T=0 answers.
 * Every response must be 2 to 258 bytes; the card must never crash. */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "card.h"
#include "cardemv.h"
#include "hex.h"
#include "oda.h"
#include "scp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/data/card-app.rec and the card keys of vector V8. */
static const struct { uint16_t id; const char *hex; } dgis[] = {
	{ 0x0101, "701E57101234567890123456D25122010000000F5F2009544553542F43415244" },
	{ 0x0201, "7081A35A0812345678901234565F24032512315F25032001015F280208405F3401008C159F02069F03069F1A0295055F2A029A039C019F37048D198A029F02069F03069F1A0295055F2A029A039C019F370491088E0E000000000000000041031E031F039F0702FF009F0D05F0400088009F0E0500100000009F0F05F0400098009F1401039F2301059F49039F37049F4F149A039F21035F2A029F02069F4E149F1A029F3602" },
	{ 0x9102, "A51B500B56495341204352454449548701019F38039F1A025F2D02656E" },
	{ 0x9104, "82023C0094080801010010010100" },
	{ 0x9200, "9F100706010A03A00000" },
	{ 0x8000, "154F349D8585CB7F6B0798E9839B10C194F867167C64EF3EEAB0CB627A7A348019296D4CD626859E8AADDF0B2AAB8FEA" },
	{ 0x8010, "241234FFFFFFFFFF" },
	{ 0x9010, "0303" }
};

static const uint8_t key[16] = { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46,
    0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F };
static const uint8_t isd[] = { 0xA0, 0, 0, 0x01, 0x51, 0, 0, 0 };
static const uint8_t aid[] = { 0xA0, 0, 0, 0, 0x03, 0x10, 0x10 };
static const uint8_t rnd[] = { 0xAA, 0x2A, 0x05, 0x91, 0xE7, 0x33 };
static uint8_t crt[5][64];
static size_t crtlen;

static void
rsa_once(void)
{
	static const char *names[5] = { OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	    OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
	    OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_FACTOR1 };
	EVP_PKEY *pk;
	BIGNUM *bn;
	int i;

	if (crtlen != 0 || (pk = oda_keygen(768, 3)) == NULL)
		return;
	crtlen = 48;
	for (i = 0; i < 5; i++) {
		bn = NULL;
		EVP_PKEY_get_bn_param(pk, names[i], &bn);
		BN_bn2binpad(bn, crt[i], (int)crtlen);
		BN_clear_free(bn);
	}
	EVP_PKEY_free(pk);
}

static void
setup(struct card *c, int perso)
{
	struct card_blank b;
	struct scp_keys k;
	uint8_t v[256];
	size_t i;
	long n;

	scp_keys_set(&k, SYM_3DES2, 1, key, key, key);
	memset(&b, 0, sizeof b);
	b.isd = isd;
	b.isdlen = sizeof isd;
	b.aid = aid;
	b.aidlen = sizeof aid;
	b.keys = &k;
	b.scp = 2;
	b.scpi = 0x15;
	b.authmax = 3;
	card_init_blank(c, &b);
	c->rnd = rnd;
	c->rndlen = sizeof rnd;
	if (!perso)
		return;
	for (i = 0; i < sizeof dgis / sizeof dgis[0]; i++) {
		n = hex_decode(dgis[i].hex, strlen(dgis[i].hex), v);
		card_dgi_put(c, dgis[i].id, v, (size_t)n);
	}
	for (i = 0; crtlen && i < 5; i++)
		card_dgi_put(c, (uint16_t)(0x8201 + i), crt[i], crtlen);
	if (cardemv_perso_done(c) == SW_OK)
		c->app = CARD_APP_PERSONALIZED;
}

/* SCP02 with fixed challenges: INITIALIZE UPDATE, EXTERNAL AUTHENTICATE. */
static int
open_channel(struct card *c, struct scp_session *s, uint8_t level)
{
	static const uint8_t hc[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t cmd[SCP_APDU_MAX], rsp[CARD_RSP_MAX];
	struct scp_keys k;
	size_t n, rn;

	scp_keys_set(&k, SYM_3DES2, 1, key, key, key);
	if (scp_host_begin(s, 2, 0x15, 0, hc, cmd, &n) != 0)
		return -1;
	rn = card_apdu(c, cmd, n, rsp);
	if (rn != 30 || scp_host_response(s, &k, rsp, rn - 2) != 0 ||
	    scp_host_ext_auth(s, level, cmd, &n) != 0)
		return -1;
	rn = card_apdu(c, cmd, n, rsp);
	return rn == 2 && rsp[0] == 0x90 ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct card c;
	struct scp_session s;
	uint8_t rsp[CARD_RSP_MAX], w[SCP_APDU_MAX];
	const uint8_t *p, *end = data + size;
	size_t n, rn, wn;
	int mode, sc = 0;

	if (size == 0)
		return 0;
	mode = data[0];
	rsa_once();
	setup(&c, mode & 4);
	c.t0 = (mode & 8) != 0;
	card_power(&c, 1);
	memset(&s, 0, sizeof s);
	if (mode & 1) {
		(void)card_apdu(&c, (const uint8_t *)"\x00\xA4\x04\x00\x07"
		    "\xA0\x00\x00\x00\x03\x10\x10", 12, rsp);
		sc = open_channel(&c, &s, mode & 2 ? 0x03 : 0x01) == 0;
	}
	for (p = data + 1; p < end; p += n) {
		n = *p++;
		if (n > (size_t)(end - p))
			n = (size_t)(end - p);
		if (sc && scp_wrap(&s, p, n, w, &wn) == 0)
			rn = card_apdu(&c, w, wn, rsp);
		else
			rn = card_apdu(&c, p, n, rsp);
		if (rn < 2 || rn > CARD_RSP_MAX)
			abort();
	}
	scp_end(&s);
	card_free(&c);
	return 0;
}
