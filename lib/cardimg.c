/* cardimg.c: the card image file (cardimg.h, emvperso-card(5)). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "cardimg.h"
#include "hex.h"
#include "record.h"
#include "sym.h"

#define NONCE 12
#define TAG 16
#define AAD "emvperso-card"

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int
cardimg_chipkey(const struct ks_key *master,
    const uint8_t serial[CARD_SERIAL_LEN], uint8_t key[CARDIMG_KEYLEN])
{
	size_t b = sym_blocklen(master->sym), off;
	uint8_t y[16];
	int i;

	if (master->val == NULL || master->len != sym_keylen(master->sym))
		return -1;
	for (i = 1, off = 0; off < CARDIMG_KEYLEN; i++, off += b) {
		memset(y, 0, sizeof y);
		memcpy(y, serial, CARD_SERIAL_LEN);
		y[b - 2] = 0x4B;
		y[b - 1] = (uint8_t)i;
		if (sym_ecb(master->sym, master->val, y, key + off, b, 1) < 0) {
			OPENSSL_cleanse(key, CARDIMG_KEYLEN);
			return -1;
		}
	}
	return 0;
}

/* AES-256-GCM under the chip key: nonce || ciphertext || tag, with the
 * serial and the field name as associated data. */
static int
seal(const uint8_t key[CARDIMG_KEYLEN], const uint8_t *serial,
    const char *name, const uint8_t *in, size_t n, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx;
	int len, ok;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = RAND_bytes(out, NONCE) == 1 &&
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, out) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &len, (const uint8_t *)AAD,
	    sizeof AAD - 1) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &len, serial, CARD_SERIAL_LEN) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &len, (const uint8_t *)name,
	    (int)strlen(name)) == 1 &&
	    EVP_EncryptUpdate(ctx, out + NONCE, &len, in, (int)n) == 1 &&
	    EVP_EncryptFinal_ex(ctx, out + NONCE + len, &len) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG,
	    out + NONCE + n) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* The inverse of seal: n bytes of input, n - NONCE - TAG out. */
static int
unseal(const uint8_t key[CARDIMG_KEYLEN], const uint8_t *serial,
    const char *name, const uint8_t *in, size_t n, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx;
	size_t m = n - NONCE - TAG;
	int len, ok;

	if (n < NONCE + TAG || (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, in) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &len, (const uint8_t *)AAD,
	    sizeof AAD - 1) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &len, serial, CARD_SERIAL_LEN) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &len, (const uint8_t *)name,
	    (int)strlen(name)) == 1 &&
	    EVP_DecryptUpdate(ctx, out, &len, in + NONCE, (int)m) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG,
	    (void *)(in + NONCE + m)) == 1 &&
	    EVP_DecryptFinal_ex(ctx, out + len, &len) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		OPENSSL_cleanse(out, m);
	return ok ? 0 : -1;
}

static int
is_secret(uint16_t dgi)
{
	return dgi >= 0x8000 && dgi <= 0x8FFF;
}

/* Set a sealed field. */
static int
set_sealed(struct rec *r, const uint8_t key[CARDIMG_KEYLEN],
    const uint8_t *serial, const char *name, const uint8_t *v, size_t n)
{
	uint8_t *s;
	int rc;

	if ((s = malloc(n + NONCE + TAG)) == NULL)
		return -1;
	rc = seal(key, serial, name, v, n, s) == 0 &&
	    rec_set_bin(r, name, s, n + NONCE + TAG) == 0 ? 0 : -1;
	free(s);
	return rc;
}

static int
set_fmt(struct rec *r, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return rec_set(r, name, buf);
}

static int
set_hex(struct rec *r, const char *name, const uint8_t *v, size_t n)
{
	char buf[2 * 64 + 1];

	if (n > 64)
		return -1;
	hex_encode(v, n, buf);
	return rec_set(r, name, buf);
}

/* The fields every image has, in their order (emvperso-card(5)); the
 * secrets by the caller. */
static int
build(struct rec *r, const struct card *c, const char *master)
{
	char id[2 * CARD_SERIAL_LEN + 1];

	hex_encode(c->serial, CARD_SERIAL_LEN, id);
	return rec_set(r, "id", id) < 0 ||
	    (c->test && rec_set(r, "test", "1") < 0) ||
	    rec_set(r, "life", card_life_name(c->life)) < 0 ||
	    rec_set(r, "app", card_app_name(c->app)) < 0 ||
	    rec_set(r, "chipkey", master) < 0 ||
	    set_hex(r, "isd", c->isd, c->isdlen) < 0 ||
	    set_hex(r, "aid", c->aid, c->aidlen) < 0 ||
	    set_fmt(r, "scp", "%02X", c->scp) < 0 ||
	    set_fmt(r, "scpi", "%02X", c->scpi) < 0 ||
	    set_fmt(r, "kvn", "%02X", c->keys.kvn) < 0 ||
	    rec_set(r, "keyalg", sym_alg_name(c->keys.alg)) < 0 ||
	    set_fmt(r, "seq", c->scp == 3 ? "%06X" : "%04X",
	    (unsigned)c->seq) < 0 ||
	    set_fmt(r, "authfail", "%u", c->authfail) < 0 ||
	    set_fmt(r, "authmax", "%u", c->authmax) < 0 ||
	    set_fmt(r, "atc", "%u", c->atc) < 0 ||
	    set_fmt(r, "lonatc", "%u", c->lonatc) < 0 ||
	    set_fmt(r, "ptc", "%u", c->ptc) < 0 ||
	    set_fmt(r, "risk", "%u", c->risk) < 0 ||
	    rec_set_bin(r, "9F7F", c->cplc, CARD_CPLC_LEN) < 0 ||
	    rec_set_bin(r, "CF", c->kdd, SCP_KDD_LEN) < 0 ? -1 : 0;
}

static void
keys_clear_bytes(uint8_t *k, size_t n)
{
	OPENSSL_cleanse(k, n);
}

int
cardimg_save(struct cardimg *im, const struct card *c, int excl, char *err,
    size_t errlen)
{
	struct rec r;
	char *dir = NULL, *tmp = NULL, name[8];
	const char *d = NULL;
	uint8_t k[3 * SCP_KEY_MAX];
	size_t kl = sym_keylen(c->keys.alg), i;
	FILE *fp = NULL;
	int fd = -1, dfd = -1, rc = -1;

	rec_init(&r);
	memcpy(k, c->keys.enc, kl);
	memcpy(k + kl, c->keys.mac, kl);
	memcpy(k + 2 * kl, c->keys.dek, kl);
	if (build(&r, c, im->master) < 0 ||
	    set_sealed(&r, im->key, c->serial, "keys", k, 3 * kl) < 0) {
		fail(err, errlen, "%s: cannot encode the card", im->path);
		goto out;
	}
	for (i = 0; i < c->ndgi; i++) {
		snprintf(name, sizeof name, "DGI%04X", c->dgi[i].id);
		if ((is_secret(c->dgi[i].id) ? set_sealed(&r, im->key,
		    c->serial, name, c->dgi[i].val, c->dgi[i].len) :
		    rec_set_bin(&r, name, c->dgi[i].val, c->dgi[i].len)) < 0) {
			fail(err, errlen, "%s: cannot encode %s", im->path,
			    name);
			goto out;
		}
	}
	if ((dir = strdup(im->path)) == NULL || (d = dirname(dir)) == NULL ||
	    asprintf(&tmp, "%s/.card.XXXXXX", d) < 0) {
		tmp = NULL;
		fail(err, errlen, "%s: %s", im->path, strerror(ENOMEM));
		goto out;
	}
	if ((fd = mkstemp(tmp)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		fail(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	fprintf(fp, "# emvperso-card(5): a virtual card\n");
	if (rec_write(fp, &r) < 0 || fflush(fp) == EOF ||
	    fsync(fileno(fp)) < 0) {
		fail(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	/* A new card never replaces one: link fails if the name exists. */
	if (excl ? link(tmp, im->path) < 0 : rename(tmp, im->path) < 0) {
		fail(err, errlen, "%s: %s", im->path, strerror(errno));
		goto out;
	}
	if (excl)
		unlink(tmp);
	free(tmp);
	tmp = NULL;
	if ((dfd = open(d, O_RDONLY | O_DIRECTORY)) < 0 || fsync(dfd) < 0) {
		fail(err, errlen, "%s: %s", d, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	keys_clear_bytes(k, sizeof k);
	if (fp != NULL && fclose(fp) == EOF && rc == 0)
		rc = fail(err, errlen, "%s: %s", im->path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(dir);
	rec_free(&r);
	return rc;
}

int
cardimg_hook(struct card *c, void *arg)
{
	struct cardimg *im = arg;

	return cardimg_save(im, c, 0, im->err, sizeof im->err);
}

/* Read the first record of path into r. */
static int
read_rec(const char *path, struct rec *r, char *err, size_t errlen)
{
	struct rec_reader *rd;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	rd = rec_reader_new(fp);
	while ((rc = rec_read(rd, r)) == 1 && r->kind != REC_LINE_RECORD)
		;
	rec_reader_free(rd);
	fclose(fp);
	if (rc < 0)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	if (rc == 0)
		return fail(err, errlen, "%s: no card record", path);
	if (r->perr != NULL || r->truncated)
		return fail(err, errlen, "%s: %s: %s", path, r->perr_field,
		    r->perr_reason ? r->perr_reason : "truncated line");
	return 0;
}

static int
hexval(const struct rec_field *f, uint8_t *out, size_t min, size_t max,
    size_t *n)
{
	if (f->vallen % 2 != 0 || f->vallen / 2 < min || f->vallen / 2 > max ||
	    hex_decode_upper(f->value, f->vallen, out) < 0)
		return -1;
	if (n != NULL)
		*n = f->vallen / 2;
	return 0;
}

static int
num(const struct rec_field *f, long long max, long long *v, int base)
{
	char buf[16], *end;

	if (f->vallen == 0 || f->vallen >= sizeof buf)
		return -1;
	memcpy(buf, f->value, f->vallen);
	buf[f->vallen] = '\0';
	if (buf[0] == '-' || buf[0] == '+')
		return -1;
	errno = 0;
	*v = strtoll(buf, &end, base);
	return *end != '\0' || errno != 0 || *v > max ? -1 : 0;
}

int
cardimg_peek(const char *path, uint8_t serial[CARD_SERIAL_LEN],
    char master[KS_NAMEMAX + 1], char *err, size_t errlen)
{
	const struct rec_field *f;
	struct rec r;
	int rc = -1;

	rec_init(&r);
	if (read_rec(path, &r, err, errlen) < 0)
		goto out;
	if ((f = rec_get(&r, "id")) == NULL ||
	    hexval(f, serial, CARD_SERIAL_LEN, CARD_SERIAL_LEN, NULL) < 0) {
		fail(err, errlen, "%s: id: not an IC serial number (8 hex "
		    "digits)", path);
		goto out;
	}
	if ((f = rec_get(&r, "chipkey")) == NULL || f->vallen > KS_NAMEMAX) {
		fail(err, errlen, "%s: chipkey: missing or too long", path);
		goto out;
	}
	memcpy(master, f->value, f->vallen);
	master[f->vallen] = '\0';
	rc = 0;
out:
	rec_free(&r);
	return rc;
}

/* Open a sealed field into a new buffer. */
static int
opened(struct cardimg *im, const struct card *c, const struct rec_field *f,
    uint8_t **out, size_t *n)
{
	uint8_t *raw;
	size_t rn;
	char name[16];

	if (rec_bin(f, &raw, &rn) < 0 || rn < NONCE + TAG || f->namelen >=
	    sizeof name)
		return -1;
	memcpy(name, f->name, f->namelen);
	name[f->namelen] = '\0';
	*n = rn - NONCE - TAG;
	if ((*out = malloc(*n ? *n : 1)) == NULL ||
	    unseal(im->key, c->serial, name, raw, rn, *out) < 0) {
		free(*out);
		*out = NULL;
		free(raw);
		return -1;
	}
	free(raw);
	return 0;
}

static int
field(struct cardimg *im, struct card *c, const struct rec_field *f,
    enum sym_alg *alg, uint8_t **keys, size_t *keyslen)
{
	const char *nm = f->name;
	long long v;
	uint8_t *b;
	size_t n;
	char s[32];
	int rc;

#define IS(x) (f->namelen == sizeof(x) - 1 && memcmp(nm, x, f->namelen) == 0)
	if (f->vallen < sizeof s) {
		memcpy(s, f->value, f->vallen);
		s[f->vallen] = '\0';
	} else
		s[0] = '\0';
	if (IS("id") || IS("chipkey"))
		return 0;
	if (IS("test"))
		return strcmp(s, "1") == 0 ? (c->test = 1, 0) : -1;
	if (IS("life"))
		return card_life_parse(s, &c->life);
	if (IS("app"))
		return card_app_parse(s, &c->app);
	if (IS("isd"))
		return hexval(f, c->isd, 5, CARD_AID_MAX, &c->isdlen);
	if (IS("aid"))
		return hexval(f, c->aid, 5, CARD_AID_MAX, &c->aidlen);
	if (IS("scp"))
		return num(f, 3, &v, 16) < 0 || v < 2 ? -1 :
		    (c->scp = (uint8_t)v, 0);
	if (IS("scpi"))
		return num(f, 0xFF, &v, 16) < 0 ? -1 :
		    (c->scpi = (uint8_t)v, 0);
	if (IS("kvn"))
		return num(f, 0x7F, &v, 16) < 0 ? -1 :
		    (c->keys.kvn = (uint8_t)v, 0);
	if (IS("keyalg"))
		return sym_alg_parse(s, alg);
	if (IS("seq"))
		return num(f, 0xFFFFFF, &v, 16) < 0 ? -1 :
		    (c->seq = (uint32_t)v, 0);
	if (IS("authfail"))
		return num(f, 0xFFFF, &v, 10) < 0 ? -1 :
		    (c->authfail = (unsigned)v, 0);
	if (IS("authmax"))
		return num(f, 0xFFFF, &v, 10) < 0 || v == 0 ? -1 :
		    (c->authmax = (unsigned)v, 0);
	if (IS("atc"))
		return num(f, 0xFFFF, &v, 10) < 0 ? -1 :
		    (c->atc = (uint16_t)v, 0);
	if (IS("lonatc"))
		return num(f, 0xFFFF, &v, 10) < 0 ? -1 :
		    (c->lonatc = (uint16_t)v, 0);
	if (IS("ptc"))
		return num(f, 15, &v, 10) < 0 ? -1 : (c->ptc = (uint8_t)v, 0);
	if (IS("risk"))
		return num(f, 7, &v, 10) < 0 ? -1 : (c->risk = (unsigned)v, 0);
	if (IS("9F7F"))
		return hexval(f, c->cplc, CARD_CPLC_LEN, CARD_CPLC_LEN, NULL) <
		    0 ? -1 : (memcpy(c->serial, c->cplc + 12,
		    CARD_SERIAL_LEN), 0);
	if (IS("CF"))
		return hexval(f, c->kdd, SCP_KDD_LEN, SCP_KDD_LEN, NULL);
	if (IS("keys"))
		return *keys == NULL ? opened(im, c, f, keys, keyslen) : -1;
#undef IS
	if (f->kind != REC_DGI)
		return -1;
	if (is_secret((uint16_t)f->tag)) {
		if (opened(im, c, f, &b, &n) < 0)
			return -1;
		rc = card_dgi_put(c, (uint16_t)f->tag, b, n);
		OPENSSL_clear_free(b, n ? n : 1);
		return rc;
	}
	if (rec_bin(f, &b, &n) < 0)
		return -1;
	rc = card_dgi_put(c, (uint16_t)f->tag, b, n);
	free(b);
	return rc;
}

int
cardimg_load(struct cardimg *im, struct card *c, char *err, size_t errlen)
{
	const struct rec_field *f;
	uint8_t serial[CARD_SERIAL_LEN], *keys = NULL;
	enum sym_alg alg = SYM_3DES2;
	size_t keyslen = 0, kl, i;
	struct rec r;
	int rc = -1;

	memset(c, 0, sizeof *c);
	rec_init(&r);
	if (read_rec(im->path, &r, err, errlen) < 0)
		goto out;
	if ((f = rec_get(&r, "id")) == NULL ||
	    hexval(f, serial, CARD_SERIAL_LEN, CARD_SERIAL_LEN, NULL) < 0) {
		fail(err, errlen, "%s: id: not an IC serial number", im->path);
		goto out;
	}
	memcpy(c->serial, serial, CARD_SERIAL_LEN);
	c->authmax = 1;
	for (i = 0; i < r.nf; i++)
		if (field(im, c, &r.f[i], &alg, &keys, &keyslen) < 0) {
			fail(err, errlen, "%s: %.*s: %s", im->path,
			    (int)r.f[i].namelen, r.f[i].name,
			    (r.f[i].kind == REC_DGI && is_secret((uint16_t)
			    r.f[i].tag)) || (r.f[i].namelen == 4 &&
			    memcmp(r.f[i].name, "keys", 4) == 0) ?
			    "does not open under this chip key" : "bad value");
			goto out;
		}
	kl = sym_keylen(alg);
	if (memcmp(serial, c->serial, CARD_SERIAL_LEN) != 0) {
		fail(err, errlen, "%s: id: not the serial of its CPLC",
		    im->path);
		goto out;
	}
	if (keys == NULL || keyslen != 3 * kl || c->isdlen == 0 ||
	    c->aidlen == 0 || c->scp == 0 || rec_get(&r, "9F7F") == NULL ||
	    rec_get(&r, "CF") == NULL || rec_get(&r, "life") == NULL ||
	    rec_get(&r, "app") == NULL) {
		fail(err, errlen, "%s: %s", im->path, keys != NULL &&
		    keyslen != 3 * kl ? "keys: not three keys of keyalg" :
		    "an image field is missing");
		goto out;
	}
	if (scp_keys_set(&c->keys, alg, c->keys.kvn, keys, keys + kl,
	    keys + 2 * kl) != 0) {
		fail(err, errlen, "%s: keyalg: not for a secure channel",
		    im->path);
		goto out;
	}
	c->dirty = 0;
	rc = 0;
out:
	if (keys != NULL)
		OPENSSL_clear_free(keys, keyslen ? keyslen : 1);
	rec_free(&r);
	if (rc < 0)
		card_free(c);
	return rc;
}

int
cardimg_dump(const struct card *c, const char *master,
    const struct ks_key *kek, FILE *fp, char *err, size_t errlen)
{
	struct rec r;
	uint8_t k[3 * SCP_KEY_MAX], *s = NULL;
	size_t kl = sym_keylen(c->keys.alg), sn, i;
	char name[8];
	int rc = -1;

	rec_init(&r);
	memcpy(k, c->keys.enc, kl);
	memcpy(k + kl, c->keys.mac, kl);
	memcpy(k + 2 * kl, c->keys.dek, kl);
	if (build(&r, c, master) < 0 || rec_set(&r, "kek", kek->name) < 0 ||
	    ks_kek_seal(kek, k, 3 * kl, &s, &sn) < 0 ||
	    rec_set_bin(&r, "keys", s, sn) < 0) {
		fail(err, errlen, "cannot encode the card");
		goto out;
	}
	free(s);
	s = NULL;
	for (i = 0; i < c->ndgi; i++) {
		snprintf(name, sizeof name, "DGI%04X", c->dgi[i].id);
		if (is_secret(c->dgi[i].id)) {
			if (ks_kek_seal(kek, c->dgi[i].val, c->dgi[i].len, &s,
			    &sn) < 0 || rec_set_bin(&r, name, s, sn) < 0) {
				fail(err, errlen, "%s: cannot seal", name);
				goto out;
			}
			free(s);
			s = NULL;
		} else if (rec_set_bin(&r, name, c->dgi[i].val,
		    c->dgi[i].len) < 0) {
			fail(err, errlen, "%s: cannot encode", name);
			goto out;
		}
	}
	if (rec_write(fp, &r) < 0) {
		fail(err, errlen, "stdout: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(s);
	OPENSSL_cleanse(k, sizeof k);
	rec_free(&r);
	return rc;
}
