/* scp.c: GlobalPlatform SCP02 and SCP03 secure channels (see scp.h).
 * Block ciphers and MAC algorithm 3 come from lib/sym, AES-CMAC from
 * OpenSSL's EVP_MAC; this file only arranges their inputs. */
#include <string.h>

#include <pthread.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "scp.h"

enum { SIDE_HOST = 1, SIDE_CARD = 2 };
enum { ST_NONE, ST_BEGUN, ST_KEYS, ST_OPEN };

struct apdu {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t lc;
	int has_le;
	uint8_t le;
};

/* ISO/IEC 7816-3 short APDU cases 1-4; Lc = 0 with data is refused. */
static int
apdu_parse(const uint8_t *in, size_t n, struct apdu *a)
{
	if (n < 4)
		return SCP_ELEN;
	a->cla = in[0];
	a->ins = in[1];
	a->p1 = in[2];
	a->p2 = in[3];
	a->data = NULL;
	a->lc = 0;
	a->has_le = 0;
	a->le = 0;
	if (n == 4)
		return 0;
	if (n == 5) {
		a->has_le = 1;
		a->le = in[4];
		return 0;
	}
	a->lc = in[4];
	a->data = in + 5;
	if (a->lc == 0 || (n != 5 + a->lc && n != 6 + a->lc))
		return SCP_ELEN;
	if (n == 6 + a->lc) {
		a->has_le = 1;
		a->le = in[n - 1];
	}
	return 0;
}

/* Write CLA INS P1 P2 [Lc data] [Le]; returns the length. */
static size_t
apdu_build(uint8_t *out, uint8_t cla, const struct apdu *a,
    const uint8_t *data, size_t lc)
{
	size_t n = 0;

	out[n++] = cla;
	out[n++] = a->ins;
	out[n++] = a->p1;
	out[n++] = a->p2;
	if (lc > 0) {
		out[n++] = (uint8_t)lc;
		memmove(out + n, data, lc);
		n += lc;
	}
	if (a->has_le)
		out[n++] = a->le;
	return n;
}

/* ISO/IEC 9797-1 padding method 2 of n bytes to a multiple of bl: the
 * padded length (always at least one byte more). */
static size_t
pad80(uint8_t *buf, size_t n, size_t bl)
{
	buf[n++] = 0x80;
	while (n % bl)
		buf[n++] = 0x00;
	return n;
}

/* Length of the data before its 80 00.. padding, or -1 if none. */
static long
unpad80(const uint8_t *buf, size_t n)
{
	while (n > 0 && buf[n - 1] == 0x00)
		n--;
	if (n == 0 || buf[n - 1] != 0x80)
		return -1;
	return (long)n - 1;
}

static EVP_MAC *cmac_alg;
static pthread_once_t cmac_once = PTHREAD_ONCE_INIT;

static void
cmac_fetch(void)
{
	cmac_alg = EVP_MAC_fetch(NULL, "CMAC", NULL);
}

/* AES-CMAC (NIST SP 800-38B) of a || b under key, 16 bytes. */
static int
cmac(enum sym_alg alg, const uint8_t *key, const uint8_t *a, size_t an,
    const uint8_t *b, size_t bn, uint8_t out[16])
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	const char *name;
	size_t outl = 0;
	int ok;

	switch (alg) {
	case SYM_AES128: name = "AES-128-CBC"; break;
	case SYM_AES192: name = "AES-192-CBC"; break;
	case SYM_AES256: name = "AES-256-CBC"; break;
	default: return -1;
	}
	pthread_once(&cmac_once, cmac_fetch);
	if (cmac_alg == NULL || (ctx = EVP_MAC_CTX_new(cmac_alg)) == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
	    (char *)name, 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, key, sym_keylen(alg), params) == 1 &&
	    EVP_MAC_update(ctx, a, an) == 1 &&
	    (bn == 0 || EVP_MAC_update(ctx, b, bn) == 1) &&
	    EVP_MAC_final(ctx, out, &outl, 16) == 1 && outl == 16;
	/* Freeing the context cleanses its key schedule. */
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* GP Amd D 6.2.1: NIST SP 800-108 KDF in counter mode, PRF AES-CMAC; the
 * fixed input is label (11 zeros, constant), 00, L (bits, 2 bytes),
 * counter, context.  outlen bytes (at most 32). */
static int
kdf03(enum sym_alg alg, const uint8_t *key, uint8_t constant,
    const uint8_t *ctx, size_t ctxlen, uint8_t *out, size_t outlen)
{
	uint8_t in[16], blk[16];
	size_t done;
	int rc = 0;

	memset(in, 0, sizeof in);
	in[11] = constant;
	in[13] = (uint8_t)(outlen * 8 >> 8);
	in[14] = (uint8_t)(outlen * 8);
	for (done = 0; done < outlen && rc == 0; done += 16) {
		in[15] = (uint8_t)(done / 16 + 1);
		rc = cmac(alg, key, in, sizeof in, ctx, ctxlen, blk);
		memcpy(out + done, blk, outlen - done < 16 ? outlen - done : 16);
	}
	OPENSSL_cleanse(blk, sizeof blk);
	return rc;
}

/* GP 2.2 E.4.1: SCP02 session key = 3DES-CBC(K, ICV 0, constant ||
 * sequence counter || 00 x 12). */
static int
derive02(const uint8_t *key, uint16_t constant, const uint8_t seq[2],
    uint8_t out[16])
{
	uint8_t in[16] = { 0 };

	in[0] = (uint8_t)(constant >> 8);
	in[1] = (uint8_t)constant;
	in[2] = seq[0];
	in[3] = seq[1];
	return sym_cbc(SYM_3DES2, key, NULL, in, out, 16, 1);
}

/* GP 2.2 E.4.2.1: the SCP02 cryptograms, a full triple-DES CBC MAC (ICV
 * 0, padding method 2) with S-ENC over 16 bytes a || b: the last block
 * of the CBC encryption of a || b || 80 00 00 00 00 00 00 00. */
static int
crypto02(const uint8_t senc[16], const uint8_t a[8], const uint8_t b[8],
    uint8_t out[8])
{
	uint8_t in[24], enc[24];
	int rc;

	memcpy(in, a, 8);
	memcpy(in + 8, b, 8);
	pad80(in, 16, 8);
	rc = sym_cbc(SYM_3DES2, senc, NULL, in, enc, sizeof in, 1);
	memcpy(out, enc + 16, 8);
	OPENSSL_cleanse(enc, sizeof enc);
	return rc;
}

/* GP 2.2 E.4.4: the SCP02 C-MAC, MAC algorithm 3 with padding method 2
 * over hdr(5) || data with initial chaining value icv.  A CBC-MAC with
 * an ICV is the CBC-MAC of the message whose first block is xored with
 * the ICV; the message is padded here and sym_mac3 adds nothing more. */
static int
cmac02(const uint8_t smac[16], const uint8_t icv[8], const uint8_t hdr[5],
    const uint8_t *data, size_t n, uint8_t mac[8])
{
	uint8_t m[5 + 255 + 8];
	size_t len, j;
	int rc;

	memcpy(m, hdr, 5);
	if (n > 0)
		memcpy(m + 5, data, n);
	len = pad80(m, 5 + n, 8);
	for (j = 0; j < 8; j++)
		m[j] ^= icv[j];
	rc = sym_mac3(smac, SYM_PAD1, m, len, mac);
	OPENSSL_cleanse(m, sizeof m);
	return rc;
}

/* The ICV of the next SCP02 C-MAC: the last C-MAC, single-DES encrypted
 * with the left half of the C-MAC key when i has ICV encryption (b5). */
static int
icv02(const struct scp_session *s, uint8_t icv[8])
{
	uint8_t k[16];
	int rc;

	if (!(s->i & 0x10)) {
		memcpy(icv, s->chain, 8);
		return 0;
	}
	/* Single DES as triple DES with equal halves (lib/sym does the same). */
	memcpy(k, s->smac, 8);
	memcpy(k + 8, s->smac, 8);
	rc = sym_ecb(SYM_3DES2, k, s->chain, icv, 8, 1);
	OPENSSL_cleanse(k, sizeof k);
	return rc;
}

/* SCP03 C-MAC over the chaining value and hdr(5) || data: the whole CMAC
 * is the new chaining value, its first 8 bytes the C-MAC. */
static int
cmac03(const struct scp_session *s, const uint8_t hdr[5],
    const uint8_t *data, size_t n, uint8_t mac[16])
{
	uint8_t m[16 + 5 + 255];

	memcpy(m, s->chain, 16);
	memcpy(m + 16, hdr, 5);
	if (n > 0)
		memcpy(m + 21, data, n);
	if (cmac(s->alg, s->smac, m, 21 + n, NULL, 0, mac) < 0)
		return -1;
	return 0;
}

/* GP Amd D 6.2.6: the C-DECRYPTION ICV, AES(S-ENC, counter as 16 bytes). */
static int
icv03(const struct scp_session *s, uint8_t icv[16])
{
	uint8_t blk[16] = { 0 };

	blk[12] = (uint8_t)(s->ctr >> 24);
	blk[13] = (uint8_t)(s->ctr >> 16);
	blk[14] = (uint8_t)(s->ctr >> 8);
	blk[15] = (uint8_t)s->ctr;
	return sym_ecb(s->alg, s->senc, blk, icv, 16, 1);
}

static int
is_aes(enum sym_alg alg)
{
	return alg == SYM_AES128 || alg == SYM_AES192 || alg == SYM_AES256;
}

/* i values implemented: SCP02 explicit initiation, C-MAC on the modified
 * APDU, ICV zero, with or without ICV encryption; SCP03 8-byte mode. */
static int
i_ok(uint8_t scp, uint8_t i)
{
	if (scp == 2)
		return (i & 0x8E) == 0x04;
	if (scp == 3)
		return (i & 0x8F) == 0;
	return 0;
}

static int
level_ok(uint8_t level)
{
	return level == SCP_LEVEL_NONE || level == SCP_LEVEL_MAC ||
	    level == (SCP_LEVEL_MAC | SCP_LEVEL_ENC);
}

int
scp_keys_set(struct scp_keys *k, enum sym_alg alg, uint8_t kvn,
    const uint8_t *enc, const uint8_t *mac, const uint8_t *dek)
{
	size_t n = sym_keylen(alg);

	if (alg == SYM_3DES3)
		return SCP_EKEY;
	scp_keys_clear(k);
	k->alg = alg;
	k->kvn = kvn;
	memcpy(k->enc, enc, n);
	memcpy(k->mac, mac, n);
	memcpy(k->dek, dek, n);
	return 0;
}

void
scp_keys_clear(struct scp_keys *k)
{
	OPENSSL_cleanse(k, sizeof *k);
}

int
scp_diversify(enum scp_div method, enum sym_alg kmcalg,
    const uint8_t *kmc, const uint8_t kdd[SCP_KDD_LEN], uint8_t kvn,
    struct scp_keys *out)
{
	uint8_t *dst[3], t[16];
	size_t n = 0, done;
	int id, rc = 0;

	scp_keys_clear(out);
	dst[0] = out->enc;
	dst[1] = out->mac;
	dst[2] = out->dek;
	if (method == SCP_DIV_KDF3) {
		if (!is_aes(kmcalg))
			return SCP_EKEY;
		n = sym_keylen(kmcalg);
		out->alg = kmcalg;
	} else {
		if (kmcalg != SYM_3DES2)
			return SCP_EKEY;
		out->alg = SYM_3DES2;
	}
	out->kvn = kvn;
	for (id = 1; id <= 3 && rc == 0; id++) {
		switch (method) {
		case SCP_DIV_EMV:
			/* CPS 1.1 §2.3: the six rightmost KEYDATA bytes. */
			memcpy(t, kdd + 4, 6);
			memcpy(t + 8, kdd + 4, 6);
			break;
		case SCP_DIV_VISA2:
			memcpy(t, kdd, 2);
			memcpy(t + 2, kdd + 4, 4);
			memcpy(t + 8, t, 6);
			break;
		case SCP_DIV_KDF3:
			/* GPPro kdf3: CMAC(KMC, counter 00 00 00 keyID 00 KDD). */
			memset(t, 0, 6);
			t[4] = (uint8_t)id;
			memcpy(t + 6, kdd, SCP_KDD_LEN);
			for (done = 0; done < n && rc == 0; done += 16) {
				uint8_t blk[16];

				t[0] = (uint8_t)(done / 16 + 1);
				rc = cmac(kmcalg, kmc, t, 16, NULL, 0, blk);
				memcpy(dst[id - 1] + done, blk,
				    n - done < 16 ? n - done : 16);
				OPENSSL_cleanse(blk, sizeof blk);
			}
			continue;
		default:
			rc = SCP_EPARAM;
			continue;
		}
		t[6] = 0xF0;
		t[7] = (uint8_t)id;
		t[14] = 0x0F;
		t[15] = (uint8_t)id;
		rc = sym_ecb(SYM_3DES2, kmc, t, dst[id - 1], 16, 1);
	}
	OPENSSL_cleanse(t, sizeof t);
	if (rc != 0)
		scp_keys_clear(out);
	return rc;
}

int
scp_iu_parse(const uint8_t *resp, size_t n, struct scp_iu *iu)
{
	memset(iu, 0, sizeof *iu);
	if (n != 28 && n != 29 && n != 32)
		return SCP_ELEN;
	memcpy(iu->kdd, resp, SCP_KDD_LEN);
	iu->kvn = resp[10];
	iu->scp = resp[11];
	if (iu->scp == 2) {
		/* GP 2.2 E.5.1.6: KDD, key info, counter, challenge, cryptogram. */
		if (n != 28)
			return SCP_ELEN;
		iu->seqlen = 2;
		memcpy(iu->seq, resp + 12, 2);
		iu->challen = 6;
		memcpy(iu->card_chal, resp + 14, 6);
		memcpy(iu->card_crypto, resp + 20, 8);
		return 0;
	}
	if (iu->scp != 3)
		return SCP_EPARAM;
	/* Amd D 7.1.1.6: KDD, key info (3), challenge, cryptogram [, counter]. */
	iu->i = resp[12];
	if (n != ((iu->i & 0x10) ? 32u : 29u))
		return SCP_ELEN;
	iu->challen = 8;
	memcpy(iu->card_chal, resp + 13, 8);
	memcpy(iu->card_crypto, resp + 21, 8);
	if (n == 32) {
		iu->seqlen = 3;
		memcpy(iu->seq, resp + 29, 3);
	}
	return 0;
}

/* Derive the session keys of s from static keys k and the session's
 * challenges and counter; then the card cryptogram into crypto. */
static int
session_keys(struct scp_session *s, const struct scp_keys *k,
    uint8_t crypto[8])
{
	uint8_t ctx[16];
	const uint8_t *mac = k->mac, *dek = k->dek;
	int rc;

	s->alg = k->alg;
	s->keylen = sym_keylen(k->alg);
	if (s->scp == 2) {
		/* i b1 = 0: one base key for all three (GP 2.2 E.1.1). */
		if (!(s->i & 0x01))
			mac = dek = k->enc;
		if (derive02(k->enc, 0x0182, s->seq, s->senc) < 0 ||
		    derive02(mac, 0x0101, s->seq, s->smac) < 0 ||
		    derive02(dek, 0x0181, s->seq, s->dek) < 0)
			return -1;
		memcpy(ctx, s->seq, 2);
		memcpy(ctx + 2, s->card_chal, 6);
		return crypto02(s->senc, s->host_chal, ctx, crypto);
	}
	memcpy(ctx, s->host_chal, 8);
	memcpy(ctx + 8, s->card_chal, 8);
	memcpy(s->dek, k->dek, s->keylen);
	rc = kdf03(s->alg, k->enc, 0x04, ctx, 16, s->senc, s->keylen) < 0 ||
	    kdf03(s->alg, k->mac, 0x06, ctx, 16, s->smac, s->keylen) < 0 ||
	    kdf03(s->alg, s->smac, 0x00, ctx, 16, crypto, 8) < 0 ? -1 : 0;
	OPENSSL_cleanse(ctx, sizeof ctx);
	return rc;
}

/* The host cryptogram of a session with its keys derived. */
static int
host_crypto(const struct scp_session *s, uint8_t crypto[8])
{
	uint8_t ctx[16];
	int rc;

	if (s->scp == 2) {
		memcpy(ctx, s->seq, 2);
		memcpy(ctx + 2, s->card_chal, 6);
		return crypto02(s->senc, ctx, s->host_chal, crypto);
	}
	memcpy(ctx, s->host_chal, 8);
	memcpy(ctx + 8, s->card_chal, 8);
	rc = kdf03(s->alg, s->smac, 0x01, ctx, 16, crypto, 8);
	OPENSSL_cleanse(ctx, sizeof ctx);
	return rc;
}

/* The C-MAC of a command with header hdr (CLA with bit 04, INS, P1, P2,
 * Lc including the MAC) and data (SCP02: the plaintext, SCP03: what is
 * sent), and the chaining value that follows it; s is not changed.
 * EXTERNAL AUTHENTICATE (before the session is open) uses ICV zero. */
static int
cmd_mac(const struct scp_session *s, const uint8_t hdr[5],
    const uint8_t *data, size_t n, uint8_t mac[8], uint8_t chain[16])
{
	uint8_t icv[8] = { 0 };
	int rc;

	if (s->scp == 2) {
		if (s->state == ST_OPEN && icv02(s, icv) < 0)
			return -1;
		rc = cmac02(s->smac, icv, hdr, data, n, mac);
		memcpy(chain, mac, 8);
		OPENSSL_cleanse(icv, sizeof icv);
		return rc;
	}
	rc = cmac03(s, hdr, data, n, chain);
	memcpy(mac, chain, 8);
	return rc;
}

int
scp_host_begin(struct scp_session *s, uint8_t scp, uint8_t i,
    uint8_t kvn, const uint8_t *host_chal, uint8_t *apdu, size_t *len)
{
	scp_end(s);
	if (scp != 2 && scp != 3)
		return SCP_EPARAM;
	if (scp == 2 && !i_ok(2, i))
		return SCP_EPARAM;
	if (host_chal != NULL)
		memcpy(s->host_chal, host_chal, 8);
	else if (RAND_bytes(s->host_chal, 8) != 1)
		return -1;
	s->side = SIDE_HOST;
	s->state = ST_BEGUN;
	s->scp = scp;
	s->i = scp == 2 ? i : 0;
	s->kvn = kvn;
	apdu[0] = 0x80;
	apdu[1] = 0x50;
	apdu[2] = kvn;
	apdu[3] = 0x00;
	apdu[4] = 0x08;
	memcpy(apdu + 5, s->host_chal, 8);
	apdu[13] = 0x00;
	*len = 14;
	return 0;
}

int
scp_host_response(struct scp_session *s, const struct scp_keys *k,
    const uint8_t *resp, size_t n)
{
	struct scp_iu iu;
	uint8_t crypto[8];
	int rc;

	if (s->side != SIDE_HOST || s->state != ST_BEGUN)
		return SCP_ESTATE;
	if ((rc = scp_iu_parse(resp, n, &iu)) != 0)
		return rc;
	if (iu.scp != s->scp || (s->scp == 3 && !i_ok(3, iu.i)))
		return SCP_EPARAM;
	if ((s->kvn != 0 && iu.kvn != s->kvn) ||
	    (k->kvn != 0 && iu.kvn != k->kvn))
		return SCP_EKVN;
	if (s->scp == 2 ? k->alg != SYM_3DES2 : !is_aes(k->alg))
		return SCP_EKEY;
	if (s->scp == 3)
		s->i = iu.i;
	s->kvn = iu.kvn;
	memcpy(s->kdd, iu.kdd, SCP_KDD_LEN);
	memcpy(s->seq, iu.seq, iu.seqlen);
	memcpy(s->card_chal, iu.card_chal, iu.challen);
	if (session_keys(s, k, crypto) < 0) {
		scp_end(s);
		return -1;
	}
	rc = CRYPTO_memcmp(crypto, iu.card_crypto, 8) == 0 ? 0 : SCP_EAUTH;
	OPENSSL_cleanse(crypto, sizeof crypto);
	if (rc != 0) {
		scp_end(s);
		return rc;
	}
	memset(s->chain, 0, sizeof s->chain);
	s->state = ST_KEYS;
	return 0;
}

int
scp_host_ext_auth(struct scp_session *s, uint8_t level, uint8_t *apdu,
    size_t *len)
{
	uint8_t mac[8], chain[16];

	if (s->side != SIDE_HOST || s->state != ST_KEYS)
		return SCP_ESTATE;
	if (!level_ok(level))
		return SCP_ELEVEL;
	apdu[0] = 0x84;
	apdu[1] = 0x82;
	apdu[2] = level;
	apdu[3] = 0x00;
	apdu[4] = 0x10;
	if (host_crypto(s, apdu + 5) < 0 ||
	    cmd_mac(s, apdu, apdu + 5, 8, mac, chain) < 0) {
		scp_end(s);
		return -1;
	}
	memcpy(apdu + 13, mac, 8);
	*len = 21;
	memcpy(s->chain, chain, sizeof chain);
	s->level = level;
	s->ctr = 0;
	s->state = ST_OPEN;
	OPENSSL_cleanse(chain, sizeof chain);
	return 0;
}

int
scp_wrap(struct scp_session *s, const uint8_t *apdu, size_t n,
    uint8_t *out, size_t *outlen)
{
	struct apdu a;
	uint8_t data[255 + 16], hdr[5], mac[8], chain[16], icv[16];
	size_t dn, bl;
	int rc, enc;

	if (s->side != SIDE_HOST || s->state != ST_OPEN)
		return SCP_ESTATE;
	if ((rc = apdu_parse(apdu, n, &a)) != 0)
		return rc;
	/* Basic logical channel only: CLA 0x/8x without SM bits. */
	if ((a.cla & 0x0F) != 0 || (a.cla & 0x60) != 0)
		return SCP_ECLA;
	if (s->level == SCP_LEVEL_NONE) {
		*outlen = apdu_build(out, a.cla, &a, a.data, a.lc);
		return 0;
	}
	enc = (s->level & SCP_LEVEL_ENC) && a.lc > 0;
	bl = s->scp == 2 ? 8 : 16;
	dn = enc ? (a.lc / bl + 1) * bl : a.lc;
	if (dn + 8 > 255)
		return SCP_ELEN;
	hdr[0] = a.cla | 0x04;
	hdr[1] = a.ins;
	hdr[2] = a.p1;
	hdr[3] = a.p2;
	hdr[4] = (uint8_t)(dn + 8);
	if (a.lc > 0)
		memcpy(data, a.data, a.lc);
	rc = -1;
	if (s->scp == 2) {
		/* GP 2.2 E.4.4, E.4.5: MAC over the plaintext (Lc counts the
		 * padded data and the MAC), then 3DES-CBC ICV 0 with S-ENC. */
		hdr[4] = (uint8_t)(a.lc + 8);
		if (cmd_mac(s, hdr, data, a.lc, mac, chain) < 0)
			goto out;
		hdr[4] = (uint8_t)(dn + 8);
		if (enc && (pad80(data, a.lc, 8),
		    sym_cbc(SYM_3DES2, s->senc, NULL, data, data, dn, 1) < 0))
			goto out;
	} else {
		/* Amd D 6.2.6, 6.2.4: the counter counts every command;
		 * encrypt first, then MAC what is sent. */
		s->ctr++;
		if (enc && (pad80(data, a.lc, 16), icv03(s, icv) < 0 ||
		    sym_cbc(s->alg, s->senc, icv, data, data, dn, 1) < 0))
			goto out;
		if (cmd_mac(s, hdr, data, dn, mac, chain) < 0)
			goto out;
	}
	memcpy(s->chain, chain, sizeof chain);
	memcpy(data + dn, mac, 8);
	*outlen = apdu_build(out, hdr[0], &a, data, dn + 8);
	rc = 0;
out:
	OPENSSL_cleanse(data, sizeof data);
	OPENSSL_cleanse(chain, sizeof chain);
	OPENSSL_cleanse(icv, sizeof icv);
	if (rc != 0)
		scp_end(s);
	return rc;
}

int
scp_card_init_update(struct scp_session *s, const struct scp_card *c,
    const uint8_t *apdu, size_t n, const uint8_t *card_chal,
    uint8_t *resp, size_t *resplen)
{
	const struct scp_keys *k = c->keys;
	struct apdu a;
	uint8_t crypto[8], ctx[3 + 16];
	size_t r;
	int rc;

	/* A new INITIALIZE UPDATE ends any session in progress. */
	scp_end(s);
	if ((rc = apdu_parse(apdu, n, &a)) != 0)
		return rc;
	if (a.cla != 0x80)
		return SCP_ECLA;
	if (a.ins != 0x50 || a.p2 != 0x00)
		return SCP_EP1P2;
	if (a.lc != 8)
		return SCP_ELEN;
	if (a.p1 != 0 && a.p1 != k->kvn)
		return SCP_EKVN;
	if (!i_ok(c->scp, c->i))
		return SCP_EPARAM;
	if (c->scp == 2 ? k->alg != SYM_3DES2 : !is_aes(k->alg))
		return SCP_EKEY;
	if (c->seq > (c->scp == 2 ? 0xFFFFu : 0xFFFFFFu))
		return SCP_ESEQ;
	s->side = SIDE_CARD;
	s->scp = c->scp;
	s->i = c->i;
	s->kvn = k->kvn;
	memcpy(s->kdd, c->kdd, SCP_KDD_LEN);
	memcpy(s->host_chal, a.data, 8);
	if (c->scp == 2) {
		s->seq[0] = (uint8_t)(c->seq >> 8);
		s->seq[1] = (uint8_t)c->seq;
	} else {
		s->seq[0] = (uint8_t)(c->seq >> 16);
		s->seq[1] = (uint8_t)(c->seq >> 8);
		s->seq[2] = (uint8_t)c->seq;
	}
	rc = -1;
	if (card_chal != NULL)
		memcpy(s->card_chal, card_chal, c->scp == 2 ? 6 : 8);
	else if (c->scp == 3 && (c->i & 0x10)) {
		/* Amd D 6.2.2.1: KDF(K-ENC, 02, 64 bits, counter || AID). */
		if (c->aid == NULL || c->aidlen < 5 || c->aidlen > 16) {
			rc = SCP_EPARAM;
			goto out;
		}
		memcpy(ctx, s->seq, 3);
		memcpy(ctx + 3, c->aid, c->aidlen);
		if (kdf03(k->alg, k->enc, 0x02, ctx, 3 + c->aidlen,
		    s->card_chal, 8) < 0)
			goto out;
	} else if (c->scp == 2 && (c->i & 0x40)) {
		/* The SCP02 well-known pseudo-random challenge is not
		 * implemented: such a card must pass its challenge. */
		rc = SCP_EPARAM;
		goto out;
	} else if (RAND_bytes(s->card_chal, c->scp == 2 ? 6 : 8) != 1)
		goto out;
	if (session_keys(s, k, crypto) < 0)
		goto out;
	memcpy(resp, c->kdd, SCP_KDD_LEN);
	resp[10] = k->kvn;
	resp[11] = c->scp;
	if (c->scp == 2) {
		memcpy(resp + 12, s->seq, 2);
		memcpy(resp + 14, s->card_chal, 6);
		memcpy(resp + 20, crypto, 8);
		r = 28;
	} else {
		resp[12] = c->i;
		memcpy(resp + 13, s->card_chal, 8);
		memcpy(resp + 21, crypto, 8);
		r = 29;
		if (c->i & 0x10) {
			memcpy(resp + 29, s->seq, 3);
			r = 32;
		}
	}
	*resplen = r;
	memset(s->chain, 0, sizeof s->chain);
	s->state = ST_KEYS;
	rc = 0;
out:
	OPENSSL_cleanse(crypto, sizeof crypto);
	if (rc != 0)
		scp_end(s);
	return rc;
}

int
scp_card_ext_auth(struct scp_session *s, const uint8_t *apdu, size_t n)
{
	struct apdu a;
	uint8_t crypto[8], mac[8], chain[16];
	int rc;

	if (s->side != SIDE_CARD || s->state != ST_KEYS) {
		rc = SCP_ESTATE;
		goto out;
	}
	if ((rc = apdu_parse(apdu, n, &a)) != 0)
		goto out;
	rc = a.cla != 0x84 ? SCP_ECLA : a.ins != 0x82 || a.p2 != 0 ?
	    SCP_EP1P2 : a.lc != 16 ? SCP_ELEN : !level_ok(a.p1) ?
	    SCP_ELEVEL : 0;
	if (rc != 0)
		goto out;
	rc = -1;
	if (host_crypto(s, crypto) < 0 ||
	    cmd_mac(s, apdu, a.data, 8, mac, chain) < 0)
		goto out;
	if (CRYPTO_memcmp(crypto, a.data, 8) != 0)
		rc = SCP_EAUTH;
	else if (CRYPTO_memcmp(mac, a.data + 8, 8) != 0)
		rc = SCP_EMAC;
	else {
		memcpy(s->chain, chain, sizeof chain);
		s->level = a.p1;
		s->ctr = 0;
		s->state = ST_OPEN;
		rc = 0;
	}
out:
	OPENSSL_cleanse(crypto, sizeof crypto);
	OPENSSL_cleanse(chain, sizeof chain);
	if (rc != 0)
		scp_end(s);
	return rc;
}

int
scp_unwrap(struct scp_session *s, const uint8_t *apdu, size_t n,
    uint8_t *out, size_t *outlen)
{
	struct apdu a;
	uint8_t data[255], hdr[5], mac[8], chain[16], icv[16];
	size_t dn;
	long pn;
	int rc;

	if (s->side != SIDE_CARD || s->state != ST_OPEN) {
		scp_end(s);
		return SCP_ESTATE;
	}
	if ((rc = apdu_parse(apdu, n, &a)) != 0)
		return rc;
	if (s->level == SCP_LEVEL_NONE) {
		if (a.cla & 0x04)
			return SCP_ECLA;
		*outlen = apdu_build(out, a.cla, &a, a.data, a.lc);
		return 0;
	}
	/* GP 2.2 E.4.4 / Amd D 6.2.4: at C-MAC level a command without
	 * secure messaging or a wrong C-MAC ends the session. */
	rc = SCP_EMAC;
	if (!(a.cla & 0x04) || a.lc < 8)
		goto out;
	dn = a.lc - 8;
	memcpy(data, a.data, dn);
	memcpy(hdr, apdu, 5);
	if (s->scp == 2) {
		if ((s->level & SCP_LEVEL_ENC) && dn > 0) {
			if (dn % 8 != 0 || sym_cbc(SYM_3DES2, s->senc, NULL,
			    data, data, dn, 0) < 0 || (pn = unpad80(data, dn)) < 0)
				goto out;
			dn = (size_t)pn;
			hdr[4] = (uint8_t)(dn + 8);
		}
		if (cmd_mac(s, hdr, data, dn, mac, chain) < 0 ||
		    CRYPTO_memcmp(mac, a.data + a.lc - 8, 8) != 0)
			goto out;
	} else {
		s->ctr++;
		if (cmd_mac(s, hdr, data, dn, mac, chain) < 0 ||
		    CRYPTO_memcmp(mac, a.data + a.lc - 8, 8) != 0)
			goto out;
		if ((s->level & SCP_LEVEL_ENC) && dn > 0) {
			if (dn % 16 != 0 || icv03(s, icv) < 0 ||
			    sym_cbc(s->alg, s->senc, icv, data, data, dn, 0) < 0 ||
			    (pn = unpad80(data, dn)) < 0)
				goto out;
			dn = (size_t)pn;
		}
	}
	memcpy(s->chain, chain, sizeof chain);
	*outlen = apdu_build(out, a.cla & ~0x04, &a, data, dn);
	rc = 0;
out:
	OPENSSL_cleanse(data, sizeof data);
	OPENSSL_cleanse(chain, sizeof chain);
	OPENSSL_cleanse(icv, sizeof icv);
	if (rc != 0)
		scp_end(s);
	return rc;
}

int
scp_sensitive(const struct scp_session *s, const uint8_t *in, size_t n,
    uint8_t *out, int enc)
{
	if (s->state != ST_KEYS && s->state != ST_OPEN)
		return SCP_ESTATE;
	if (n == 0 || n % (s->scp == 2 ? 8 : 16) != 0)
		return SCP_ELEN;
	if (s->scp == 2)
		return sym_ecb(SYM_3DES2, s->dek, in, out, n, enc);
	return sym_cbc(s->alg, s->dek, NULL, in, out, n, enc);
}

int
scp_level(const struct scp_session *s)
{
	return s->state == ST_OPEN ? s->level : -1;
}

void
scp_end(struct scp_session *s)
{
	OPENSSL_cleanse(s, sizeof *s);
}

static const struct {
	uint16_t sw;
	const char *msg;
} errs[] = {
	[SCP_OK] = { 0x9000, "ok" },
	[SCP_ELEN] = { 0x6700, "wrong length" },
	[SCP_ECLA] = { 0x6E00, "class not supported" },
	[SCP_EP1P2] = { 0x6A86, "incorrect P1 P2" },
	[SCP_EKVN] = { 0x6A88, "key version not found" },
	[SCP_ESTATE] = { 0x6985, "no secure channel in that state" },
	[SCP_EAUTH] = { 0x6300, "cryptogram verification failed" },
	[SCP_EMAC] = { 0x6982, "C-MAC verification failed" },
	[SCP_ELEVEL] = { 0x6A86, "security level not supported" },
	[SCP_EPARAM] = { 0x6A86, "SCP or i parameter not supported" },
	[SCP_ESEQ] = { 0x6A84, "sequence counter exhausted" },
	[SCP_EKEY] = { 0x6A88, "keys of the wrong algorithm" },
};

uint16_t
scp_sw(int err)
{
	if (err < 0 || (size_t)err >= sizeof errs / sizeof errs[0])
		return 0x6F00;
	return errs[err].sw;
}

const char *
scp_strerror(int err)
{
	if (err < 0 || (size_t)err >= sizeof errs / sizeof errs[0])
		return "internal cryptographic failure";
	return errs[err].msg;
}
