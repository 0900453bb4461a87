/* t-tr31.c: ANSI X9.143 (TR-31) key blocks (lib/tr31.c) against the
 * published blocks of TR-31:2018 Annex A and of two public implementations
 * (tests/vectors/README.md gives each source). */
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "hex.h"
#include "tr31.h"
#include "unit.h"

static const struct vec {
	const char *what, *kbpk, *block, *key, *kcv;
} vecs[] = {
	/* TR-31:2018 Annex A (openemv/tr31 test/tr31_decrypt_test.c). */
	{ "TR-31:2018 A.7.2.1 (A)", "89E88CF7931444F334BD7547FC3F380C",
	  "A0072P0TE00E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701",
	  "F039121BEC83D26B169BDCD5B22AAF8F", "CB9DEA" },
	{ "TR-31:2018 A.7.2.2 (B)", "DD7515F2BFC17F85CE48F3CA25CB21F6",
	  "B0080P0TE00E000094B420079CC80BA3461F86FE26EFC4A3B8E4FA4C5F5341176EED7B727B8A248E",
	  "3F419E1CB7079442AA37474C2EFBF8B8", "57C409" },
	{ "TR-31:2018 A.7.3.1 (C, KS block)", "B8ED59E0A279A295E9F5ED7944FD06B9",
	  "C0096B0TX12S0100KS1800604B120F9292800000BFB9B689CB567E66FC3FEE5AD5F52161FC6545B9D60989015D02155C",
	  "EDB380DD340BC2620247D445F5B8D678", "F4B08D" },
	{ "TR-31:2018 A.7.3.2 (B, KS block)", "1D22BF32387C600AD97F9B97A51311AC",
	  "B0104B0TX12S0100KS1800604B120F9292800000BB68BE8680A400D9191AD4ECE45B6E6C0D21C4738A52190E248719E24B433627",
	  "E8BC63E5479455E26577F715D587FE68", "9A4212" },
	{ "TR-31:2018 A.7.4 (D)",
	  "88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6",
	  "D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D03A457DC34",
	  "3F419E1CB7079442AA37474C2EFBF8B8", "08793E" },
	/* payShield 10k blocks (openemv/tr31 test/tr31_decrypt_test.c). */
	{ "payShield K0 (A)", "EFE0853B256B583D868F251CE99EA1D9",
	  "A0072K0TN00N0000F40D5672C6D0EC86F860BA88D44D00F0CA9A8CE8CD2F640287A9A9EB",
	  "5DB50B454F8389ADCE573BE50861F2BF", "5C9405" },
	{ "payShield K0 (B)", "EFE0853B256B583D868F251CE99EA1D9",
	  "B0080K0TN00N00001C414014375212C24995E405B5EE052CB92B67F455EA2680F6751088F9F1C228",
	  "5DB50B454F8389ADCE573BE50861F2BF", "5C9405" },
	{ "payShield K0 (C)", "EFE0853B256B583D868F251CE99EA1D9",
	  "C0072K0TN00N0000C9B875FF7A5316BF221C09ED52080DE0B45632A4EA9CE87699CB565E",
	  "5DB50B454F8389ADCE573BE50861F2BF", "5C9405" },
	{ "payShield TDES key (D)",
	  "4141414141414141414141414141414141414141414141414141414141414141",
	  "D0112B0TN00N000037DB9B046B7B0048785690759580ABC3B9842AB4BB7717B49E92528E575785D8123559376A2553B27BE94F054F4E971C",
	  "1FA1F7CEC798D91545DA8AE0C7796BD9", "FF5087" },
	{ "payShield AES-256 key (D)",
	  "4141414141414141414141414141414141414141414141414141414141414141",
	  "D0144D0AN00N0000127862F945C2DED04530FAF7CDBC8B0BA10C7AA79BD5E0C2C5D6AC173BF588E4B19ACF1357178D50EA0AB193228E13958304FC6149632DFDCADF3A5B3D57E814",
	  "BE19E6A07A760F10EF8E83A226B63AAD141F463FDDD4F47DB244B4023EC3CACC", "0A00E3" },
	/* psec tests/test_tr31.py test_kb_known_values (no KCVs given). */
	{ "psec 2-key KBPK (B)", "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB",
	  "B0096M3TC00E0000D578DACC2286C7D10F20DEA88799CA8A2F44E0CC21226A2158D5DC8FD5C78E621327DA956C678808",
	  "CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD", NULL },
	{ "psec 3-key KBPK (A)", "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCC",
	  "A0088M3TC00E000022BD7EC46BBE2A6A73389D1BA6DB63120B386F912839F4679C0523399E4D8D0F1D9A356E",
	  "CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD", NULL },
	{ "psec 3-key KBPK (B)", "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCC",
	  "B0096M3TC00E0000C7C6FE86A5DE769C20DCA238C52341378B484D544A9764D43963C3B2824AE56C2D07A565DD3AB342",
	  "CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD", NULL },
	{ "psec PB padding block (A)", "B8ED59E0A279A295E9F5ED7944FD06B9",
	  "A0112P0TE12E0200KS1400604B120F929280PB047A1BB737854CD7AF58A8A1E4506A942277EDA76EBA6BA228AF62ADDA3AD8799E8B2C8CD7",
	  "F039121BEC83D26B169BDCD5B22AAF8F", NULL },
};

/* The published blocks that tr31_encode can write (version B or D, no
 * optional blocks): index into vecs. */
static const int encodable[] = { 1, 4, 6, 8, 9 };

static uint8_t *
H(const char *hex, uint8_t *b)
{
	hex_decode(hex, strlen(hex), b);
	return b;
}

static enum sym_alg
kbpk_alg(const struct vec *v)
{
	switch (strlen(v->kbpk)) {
	case 32:
		return SYM_3DES2;
	case 48:
		return SYM_3DES3;
	default:
		return SYM_AES256;
	}
}

static enum sym_alg
key_alg(const struct tr31_hdr *h, size_t len)
{
	enum sym_alg a = SYM_3DES2;

	sym_alg_for(h->alg == 'T', len, &a);
	return a;
}

/* The published AES KCVs follow ANSI X9.24-1:2017: the first bytes of
 * CMAC over a zero block (emvperso's own AES KCV is GlobalPlatform's). */
static void
cmac_kcv(const uint8_t *key, size_t len, uint8_t kcv[3])
{
	static const uint8_t zero[16];
	uint8_t out[16];
	size_t outlen;
	EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(m);
	OSSL_PARAM p[2];

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
	    len == 16 ? "AES-128-CBC" : len == 24 ? "AES-192-CBC" :
	    "AES-256-CBC", 0);
	p[1] = OSSL_PARAM_construct_end();
	memset(out, 0, sizeof out);
	if (EVP_MAC_init(ctx, key, len, p) != 1 ||
	    EVP_MAC_update(ctx, zero, sizeof zero) != 1 ||
	    EVP_MAC_final(ctx, out, &outlen, sizeof out) != 1)
		memset(out, 0, sizeof out);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	memcpy(kcv, out, 3);
}

static void
decode_published(void)
{
	char what[128], err[256];
	uint8_t kbpk[32], want[32], kcv[3], wkcv[3], *key;
	struct tr31_hdr h;
	size_t i, len;

	for (i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
		const struct vec *v = &vecs[i];

		H(v->kbpk, kbpk);
		snprintf(what, sizeof what, "%s: decodes", v->what);
		CHECK_INT(tr31_decode(kbpk_alg(v), kbpk, v->block, &h, &key,
		    &len, NULL, NULL, err, sizeof err), 0, what);
		if (key == NULL) {
			printf("#   %s\n", err);
			continue;
		}
		snprintf(what, sizeof what, "%s: the published key", v->what);
		CHECK(len == strlen(v->key) / 2 &&
		    memcmp(key, H(v->key, want), len) == 0, what);
		if (v->kcv != NULL) {
			if (h.alg == 'A')
				cmac_kcv(key, len, kcv);
			else
				sym_kcv(key_alg(&h, len), key, kcv);
			snprintf(what, sizeof what, "%s: KCV %s", v->what,
			    v->kcv);
			CHECK_MEM(kcv, H(v->kcv, wkcv), 3, what);
		}
		snprintf(what, sizeof what, "%s: header fields", v->what);
		CHECK(h.version == v->block[0] &&
		    memcmp(h.usage, v->block + 5, 2) == 0 &&
		    h.alg == v->block[7] && h.mode == v->block[8] &&
		    memcmp(h.kver, v->block + 9, 2) == 0 &&
		    h.exp == v->block[11], what);
		OPENSSL_clear_free(key, len);
	}
}

/* Re-encode the published blocks with their own padding: the MAC and the
 * ciphertext must come out byte for byte. */
static void
encode_published(void)
{
	char what[128], err[256], *block;
	uint8_t kbpk[32], pad[32], *key;
	struct tr31_hdr h;
	size_t i, len, padlen;

	for (i = 0; i < sizeof encodable / sizeof encodable[0]; i++) {
		const struct vec *v = &vecs[encodable[i]];

		H(v->kbpk, kbpk);
		if (tr31_decode(kbpk_alg(v), kbpk, v->block, &h, &key, &len,
		    pad, &padlen, err, sizeof err) < 0) {
			CHECK(0, v->what);
			continue;
		}
		block = tr31_encode(kbpk_alg(v), kbpk, &h, key, len, pad,
		    padlen, err, sizeof err);
		snprintf(what, sizeof what, "%s: encodes to the published "
		    "block", v->what);
		CHECK_STR(block, v->block, what);
		free(block);
		block = tr31_encode(kbpk_alg(v), kbpk, &h, key, len, pad,
		    padlen + 1, err, sizeof err);
		CHECK(block == NULL && strncmp(err, "want ", 5) == 0,
		    "  padding of the wrong length refused");
		free(block);
		OPENSSL_clear_free(key, len);
	}
}

/* One character changed anywhere is refused, and so is a wrong KBPK. */
static void
tamper(void)
{
	static const char mac[] =
	    "key block MAC does not verify: wrong KBPK or altered block";
	static const struct {
		int vec;
		size_t pos;
		char c;
		const char *what, *err;
	} t[] = {
		{ 1, 11, 'S', "B: header (exportability)", mac },
		{ 1, 6, '1', "B: header (usage)", mac },
		{ 1, 20, '0', "B: encrypted key", mac },
		{ 1, 70, '0', "B: MAC", mac },
		{ 0, 10, '1', "A: header (key version)", mac },
		{ 0, 40, '0', "A: encrypted key", mac },
		{ 0, 68, '0', "A: MAC", mac },
		{ 4, 11, 'S', "D: header (exportability)", mac },
		{ 4, 30, '0', "D: encrypted key", mac },
		{ 4, 100, '0', "D: MAC", mac },
		{ 2, 17, 'T', "C: optional block ID", mac },
		{ 3, 19, 'Z', "B: optional block length",
		  "key block optional block 1 is malformed" },
		{ 1, 4, '1', "B: length field",
		  "key block length field 0081 does not match its 80 characters" },
		{ 1, 50, 'G', "B: not hex",
		  "key block encrypted key or MAC is not hex" },
	};
	char b[256], err[256], what[128];
	uint8_t kbpk[32], *key;
	struct tr31_hdr h;
	size_t i, len;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		const struct vec *v = &vecs[t[i].vec];

		snprintf(b, sizeof b, "%s", v->block);
		if (b[t[i].pos] == t[i].c)
			b[t[i].pos] = '9';
		else
			b[t[i].pos] = t[i].c;
		H(v->kbpk, kbpk);
		snprintf(what, sizeof what, "altered %s refused", t[i].what);
		key = (uint8_t *)"";
		CHECK(tr31_decode(kbpk_alg(v), kbpk, b, &h, &key, &len, NULL,
		    NULL, err, sizeof err) < 0 && key == NULL, what);
		CHECK_STR(err, t[i].err, "  with the reason");
	}
	/* Wrong KBPK: the A.7.2.1 key under the A.7.2.2 KBPK. */
	H(vecs[1].kbpk, kbpk);
	CHECK(tr31_decode(SYM_3DES2, kbpk, vecs[0].block, &h, &key, &len,
	    NULL, NULL, err, sizeof err) < 0, "A: wrong KBPK refused");
	CHECK(tr31_decode(SYM_3DES2, kbpk, vecs[5].block, &h, &key, &len,
	    NULL, NULL, err, sizeof err) < 0, "B: wrong KBPK refused");
	kbpk[0] ^= 0x01;	/* a parity bit only: DES ignores it */
	CHECK_INT(tr31_decode(SYM_3DES2, kbpk, vecs[1].block, &h, &key, &len,
	    NULL, NULL, err, sizeof err), 0, "B: parity bit of the KBPK is not key");
	OPENSSL_clear_free(key, len);
	kbpk[1] ^= 0x02;
	CHECK(tr31_decode(SYM_3DES2, kbpk, vecs[1].block, &h, &key, &len,
	    NULL, NULL, err, sizeof err) < 0, "B: one key bit off refused");
	CHECK_STR(err, "key block MAC does not verify: wrong KBPK or altered block",
	    "  with the reason");
	H(vecs[4].kbpk, kbpk);
	kbpk[31] ^= 0x01;
	CHECK(tr31_decode(SYM_AES256, kbpk, vecs[4].block, &h, &key, &len,
	    NULL, NULL, err, sizeof err) < 0, "D: wrong KBPK refused");
	CHECK(tr31_decode(SYM_3DES2, kbpk, vecs[4].block, &h, &key, &len,
	    NULL, NULL, err, sizeof err) < 0, "D under a TDES KBPK refused");
	CHECK_STR(err, "a version D key block needs an AES KBPK", "  with the reason");
	CHECK(tr31_decode(SYM_AES256, kbpk, vecs[1].block, &h, &key, &len,
	    NULL, NULL, err, sizeof err) < 0, "B under an AES KBPK refused");
	CHECK_STR(err, "a version B key block needs a triple-DES KBPK", "  with the reason");
	CHECK(tr31_decode(SYM_3DES2, kbpk, "B0016P0TE00E0000", &h, &key, &len,
	    NULL, NULL, err, sizeof err) < 0, "header alone refused");
	CHECK(tr31_decode(SYM_3DES2, kbpk, "B0010P0TE", &h, &key, &len,
	    NULL, NULL, err, sizeof err) < 0, "short block refused");
	CHECK_STR(err, "not a key block: shorter than its header", "  with the reason");
	CHECK(tr31_decode(SYM_3DES2, kbpk, "X0016P0TE00E0000", &h, &key, &len,
	    NULL, NULL, err, sizeof err) < 0, "version X refused");
	CHECK_STR(err, "key block version X is not supported (A, B, C or D)",
	    "  with the reason");
}

static void
key_set(struct ks_key *k, const char *name, enum ks_type t, enum sym_alg a,
    const char *hex, uint8_t *buf)
{
	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name);
	k->type = t;
	k->sym = a;
	snprintf(k->alg, sizeof k->alg, "%s", sym_alg_name(a));
	k->val = H(hex, buf);
	k->len = sym_keylen(a);
}

/* The store's view: wrap and unwrap ks_keys. */
static void
store_keys(void)
{
	static const struct {
		enum ks_type type;
		enum sym_alg alg;
		const char *hex, *header;
	} rt[] = {
		{ KS_IMK_AC, SYM_3DES2, "0123456789ABCDEFFEDCBA9876543210", "B0080E0TX00E0000" },
		{ KS_IMK_SMC, SYM_3DES2, "89ABCDEF0123456776543210FEDCBA98", "B0080E1TX00E0000" },
		{ KS_IMK_SMI, SYM_3DES2, "FEDCBA98765432100123456789ABCDEF", "B0080E2TX00E0000" },
		{ KS_KMC, SYM_3DES2, "404142434445464748494A4B4C4D4E4F", "B0080E5TX00E0000" },
		{ KS_KEK, SYM_3DES2, "DD7515F2BFC17F85CE48F3CA25CB21F6", "B0080K0TB00E0000" },
		{ KS_CVK, SYM_3DES2, "0123456789ABCDEFFEDCBA9876543210", "B0080C0TC00E0000" },
		{ KS_PVK, SYM_3DES2, "0123456789ABCDEFFEDCBA9876543210", "B0080V2TC00E0000" },
	};
	char err[256], what[128], *block, *b2;
	uint8_t kb[32], kb2[32], kv[32];
	struct ks_key kek, aeskek, k, out;
	struct tr31_hdr h;
	size_t i;

	key_set(&kek, "kek1", KS_KEK, SYM_3DES2,
	    "89E88CF7931444F334BD7547FC3F380C", kb);
	key_set(&aeskek, "kek2-aes", KS_KEK, SYM_AES256,
	    "88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6", kb2);
	for (i = 0; i < sizeof rt / sizeof rt[0]; i++) {
		key_set(&k, "k", rt[i].type, rt[i].alg, rt[i].hex, kv);
		block = tr31_wrap(&kek, &k, err, sizeof err);
		snprintf(what, sizeof what, "%s: wraps with header %s",
		    ks_type_name(rt[i].type), rt[i].header);
		CHECK(block != NULL && strncmp(block, rt[i].header, 16) == 0 &&
		    strlen(block) == 80, what);
		b2 = tr31_wrap(&kek, &k, err, sizeof err);
		CHECK(block && b2 && strcmp(block, b2) != 0,
		    "  random padding: two wraps differ");
		free(b2);
		memset(&out, 0, sizeof out);
		snprintf(what, sizeof what, "%s: unwraps to the same key",
		    ks_type_name(rt[i].type));
		CHECK(block && tr31_unwrap(&kek, block, &out, err, sizeof err) == 0 &&
		    out.type == rt[i].type && out.sym == rt[i].alg &&
		    strcmp(out.alg, sym_alg_name(rt[i].alg)) == 0 &&
		    out.len == k.len && memcmp(out.val, k.val, k.len) == 0, what);
		ks_key_clear(&out);
		free(block);
	}
	/* AES: version D. */
	key_set(&k, "kmc-aes", KS_KMC, SYM_AES128,
	    "404142434445464748494A4B4C4D4E4F", kv);
	block = tr31_wrap(&aeskek, &k, err, sizeof err);
	CHECK(block != NULL && strncmp(block, "D0112E5AX00E0000", 16) == 0,
	    "kmc aes128 under an AES-256 KEK: version D, E5, A");
	memset(&out, 0, sizeof out);
	CHECK(block && tr31_unwrap(&aeskek, block, &out, err, sizeof err) == 0 &&
	    out.type == KS_KMC && out.sym == SYM_AES128 &&
	    memcmp(out.val, k.val, 16) == 0, "  and unwraps to it");
	ks_key_clear(&out);
	CHECK(block && tr31_unwrap(&kek, block, &out, err, sizeof err) < 0 &&
	    out.val == NULL, "  not under a TDES KEK");
	CHECK_STR(err, "a version D key block needs an AES KBPK", "  with the reason");
	free(block);
	key_set(&k, "k", KS_KEK, SYM_AES256,
	    "88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6", kv);
	CHECK(tr31_wrap(&kek, &k, err, sizeof err) == NULL,
	    "an AES-256 key under a 3DES KEK refused");
	CHECK_STR(err, "the 3des2 KEK kek1 is weaker than this aes256 key",
	    "  with the reason");
	key_set(&k, "k", KS_KEK, SYM_3DES3,
	    "0123456789ABCDEFFEDCBA98765432100123456789ABCDEF", kv);
	CHECK(tr31_wrap(&kek, &k, err, sizeof err) == NULL,
	    "a 3des3 key under a 3des2 KEK refused");
	block = tr31_wrap(&aeskek, &k, err, sizeof err);
	CHECK(block != NULL && strncmp(block, "D0112K0TB00E0000", 16) == 0,
	    "a 3des3 key under an AES KEK: D, T");
	free(block);
	key_set(&k, "k", KS_ISSUER_RSA, SYM_3DES2, "00", kv);
	k.bits = 1024;
	CHECK(tr31_wrap(&aeskek, &k, err, sizeof err) == NULL, "RSA key refused");
	CHECK_STR(err, "issuer-rsa keys do not go in key blocks", "  with the reason");
	key_set(&k, "k", KS_CVK, SYM_3DES2, "0123456789ABCDEFFEDCBA9876543210", kv);
	CHECK(tr31_wrap(&k, &k, err, sizeof err) == NULL, "a CVK as KEK refused");
	CHECK_STR(err, "k is not a symmetric KEK", "  with the reason");

	/* What the store refuses to take in. */
	memset(&out, 0, sizeof out);
	key_set(&kek, "kek2", KS_KEK, SYM_3DES2, vecs[1].kbpk, kb);
	CHECK(tr31_unwrap(&kek, vecs[1].block, &out, err, sizeof err) < 0,
	    "A.7.2.2: usage P0 refused");
	CHECK_STR(err, "key usage P0 has no key store type", "  with the reason");
	key_set(&kek, "kek", KS_KEK, SYM_3DES2, vecs[6].kbpk, kb);
	CHECK(tr31_unwrap(&kek, vecs[6].block, &out, err, sizeof err) < 0,
	    "payShield K0: exportability N refused");
	CHECK_STR(err, "exportability N (non-exportable) cannot be kept by this key store",
	    "  with the reason");
	/* Blocks made for the purpose with tr31_encode. */
	memcpy(&h, &(struct tr31_hdr){ 'B', "K0", 'T', 'E', "00", 'E' }, sizeof h);
	block = tr31_encode(SYM_3DES2, kek.val, &h, kv, 16, NULL, 0, err,
	    sizeof err);
	CHECK(block && tr31_unwrap(&kek, block, &out, err, sizeof err) < 0,
	    "K0 with mode of use E refused");
	CHECK_STR(err, "mode of use E is not allowed for key usage K0 (B or N)",
	    "  with the reason");
	free(block);
	memcpy(&h, &(struct tr31_hdr){ 'B', "K0", 'T', 'B', "00", 'E' }, sizeof h);
	block = tr31_encode(SYM_3DES2, kek.val, &h, kv, 24, NULL, 0, err,
	    sizeof err);
	CHECK(block && tr31_unwrap(&kek, block, &out, err, sizeof err) < 0,
	    "a 3des3 key in a block under a 3des2 KEK refused");
	CHECK_STR(err, "the 3des2 KEK kek is weaker than the 3des3 key in the block",
	    "  with the reason");
	free(block);
	block = tr31_encode(SYM_3DES2, kek.val, &h, kv, 8, NULL, 0, err,
	    sizeof err);
	CHECK(block && tr31_unwrap(&kek, block, &out, err, sizeof err) < 0,
	    "a single-DES key refused");
	CHECK_STR(err, "a key of 8 bytes is not a key of algorithm T",
	    "  with the reason");
	free(block);
	memcpy(&h, &(struct tr31_hdr){ 'B', "E0", 'T', 'N', "00", 'S' }, sizeof h);
	block = tr31_encode(SYM_3DES2, kek.val, &h, kv, 16, NULL, 0, err,
	    sizeof err);
	CHECK(block && tr31_unwrap(&kek, block, &out, err, sizeof err) == 0 &&
	    out.type == KS_IMK_AC && memcmp(out.val, kv, 16) == 0,
	    "E0 with mode N and exportability S taken");
	ks_key_clear(&out);
	free(block);
	CHECK(tr31_usage(KS_CA_RSA) == NULL && strcmp(tr31_usage(KS_KMC), "E5") == 0,
	    "usage table: ca-rsa none, kmc E5");
}

int
main(void)
{
	decode_published();
	encode_published();
	tamper();
	store_keys();
	return unit_done();
}
