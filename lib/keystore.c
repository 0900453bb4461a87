/* keystore.c: the software key store (see keystore.h and emv-keys(1)).
 *
 * Layout of a store directory:
 *   store        one record line: emvperso-store=1 test=0|1 lmk=file|passphrase
 *                [salt=HEX] check=HEX (a wrap of a fixed string under the LMK)
 *   NAME.key     one record line per key: name type alg [kcv] test created key
 *                where key is the RFC 5649 wrap, under the LMK, of the key's
 *                metadata and value, so a file edited to change a key's
 *                type or name no longer unwraps.
 *   NAME.KIND    public data attached to key NAME (KIND: 1-8 lowercase
 *                letters, not "key"): one record line ending in mac=HEX,
 *                an HMAC under a key derived from the LMK (ks_attach_put).
 */
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <readpassphrase.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "hex.h"
#include "keystore.h"
#include "record.h"

#define LMKLEN 32
#define CHECKSTR "emvperso LMK check v1"
#define PASSMAX 256
/* scrypt cost: 2^15 x 8 x 128 bytes = 32 MiB, about 0.1 s here. */
#define SCRYPT_N 32768
#define SCRYPT_R 8
#define SCRYPT_P 1

struct ks {
	int dirfd;
	int test;
	uint8_t lmk[LMKLEN];
};

static const struct {
	const char *name;
	unsigned uses;
	const char *algs;	/* ALG words allowed, space separated */
} types[KS_NTYPES] = {
	[KS_IMK_AC] = { "imk-ac", KS_USE_DERIVE, "3des2" },
	[KS_IMK_SMI] = { "imk-smi", KS_USE_DERIVE, "3des2" },
	[KS_IMK_SMC] = { "imk-smc", KS_USE_DERIVE, "3des2" },
	[KS_KEK] = { "kek", KS_USE_WRAP, "3des2 3des3 aes128 aes192 aes256" },
	[KS_KMC] = { "kmc", KS_USE_CARD, "3des2 aes128 aes192 aes256" },
	[KS_CVK] = { "cvk", KS_USE_CVV, "3des2" },
	[KS_PVK] = { "pvk", KS_USE_PVV, "3des2" },
	[KS_ISSUER_RSA] = { "issuer-rsa", KS_USE_SIGN, "rsa" },
	[KS_CA_RSA] = { "ca-rsa", KS_USE_SIGN, "rsa" },
};

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
ks_type_name(enum ks_type t)
{
	return types[t].name;
}

int
ks_type_parse(const char *s, enum ks_type *t)
{
	int i;

	for (i = 0; i < KS_NTYPES; i++)
		if (strcmp(s, types[i].name) == 0) {
			*t = (enum ks_type)i;
			return 0;
		}
	return -1;
}

unsigned
ks_type_uses(enum ks_type t)
{
	return types[t].uses;
}

int
ks_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > KS_NAMEMAX || name[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '.' || name[i] == '_' || name[i] == '-'))
			return 0;
	return 1;
}

void
ks_harden(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

void
ks_key_clear(struct ks_key *k)
{
	if (k->val)
		OPENSSL_clear_free(k->val, k->len);
	k->val = NULL;
	k->len = 0;
}

/* Check that ALG suits type t; fills k->sym or k->bits. */
static int
alg_ok(enum ks_type t, const char *alg, struct ks_key *k)
{
	const char *p, *a = types[t].algs;
	size_t n = strlen(alg);
	char *end;
	unsigned long bits;

	if (strcmp(a, "rsa") == 0) {
		if (strncmp(alg, "rsa", 3) != 0)
			return 0;
		errno = 0;
		bits = strtoul(alg + 3, &end, 10);
		if (errno || *end || bits < 512 || bits > 4096 || bits % 8)
			return 0;
		k->bits = (unsigned)bits;
		return 1;
	}
	for (p = a; (p = strstr(p, alg)) != NULL; p += n)
		if ((p == a || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return sym_alg_parse(alg, &k->sym) == 0;
	return 0;
}

/* AES-256 key wrap with padding (RFC 5649).  out has room for n + 16. */
static int
kwp(const uint8_t lmk[LMKLEN], const uint8_t *in, size_t n, uint8_t *out,
    size_t *outlen, int enc)
{
	EVP_CIPHER_CTX *ctx;
	int len = 0, fin = 0, ok;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	ok = EVP_CipherInit_ex(ctx, EVP_aes_256_wrap_pad(), NULL, lmk, NULL,
	    enc) == 1 &&
	    EVP_CipherUpdate(ctx, out, &len, in, (int)n) == 1 &&
	    EVP_CipherFinal_ex(ctx, out + len, &fin) == 1;
	EVP_CIPHER_CTX_free(ctx);
	*outlen = (size_t)(len + fin);
	return ok ? 0 : -1;
}

/* Write a whole file exclusively: a temporary file, fsync, then a hard
 * link to the final name, which fails if the name exists; or, with
 * replace, a rename over it. */
static int
write_file(int dirfd, const char *name, const char *text, int replace,
    char *err, size_t errlen)
{
	char tmp[KS_NAMEMAX + 32];
	size_t n = strlen(text);
	int fd, rc = -1;

	snprintf(tmp, sizeof tmp, ".tmp.%ld.%s", (long)getpid(), name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(err, errlen, "%s: %s", name, strerror(errno));
	if (write(fd, text, n) != (ssize_t)n || fsync(fd) < 0)
		fail(err, errlen, "%s: %s", name, strerror(errno));
	else if (replace ? renameat(dirfd, tmp, dirfd, name) < 0 :
	    linkat(dirfd, tmp, dirfd, name, 0) < 0)
		fail(err, errlen, "%s: %s", name, errno == EEXIST ?
		    "already exists" : strerror(errno));
	else
		rc = 0;
	close(fd);
	if (!(replace && rc == 0))
		unlinkat(dirfd, tmp, 0);
	if (rc == 0)
		fsync(dirfd);
	return rc;
}

static int
write_new(int dirfd, const char *name, const char *text, char *err,
    size_t errlen)
{
	return write_file(dirfd, name, text, 0, err, errlen);
}

/* Read one record line from a file in the store into r. */
static int
read_rec(int dirfd, const char *name, struct rec *r, char *err,
    size_t errlen)
{
	struct rec_reader *rd;
	struct stat st;
	FILE *fp;
	int fd, rc;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "%s", errno == ENOENT ? "not found" :
		    errno == ELOOP ? "is a symbolic link" : strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, "not a regular file");
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return fail(err, errlen, "%s", strerror(errno));
	}
	rd = rec_reader_new(fp);
	do
		rc = rec_read(rd, r);
	while (rc == 1 && r->kind != REC_LINE_RECORD);
	rec_reader_free(rd);
	fclose(fp);
	if (rc != 1 || r->perr)
		return fail(err, errlen, "damaged file");
	return 0;
}

static int
read_lmk_file(const char *path, uint8_t lmk[LMKLEN], char *err,
    size_t errlen)
{
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return fail(err, errlen, "LMK file %s: %s", path,
		    errno == ELOOP ? "is a symbolic link" : strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		return fail(err, errlen, "LMK file %s: must be a regular file "
		    "of mode 0600 or stricter", path);
	}
	n = read(fd, lmk, LMKLEN);
	if (n == LMKLEN && read(fd, &(uint8_t){0}, 1) == 0) {
		close(fd);
		return 0;
	}
	close(fd);
	explicit_bzero(lmk, LMKLEN);
	return fail(err, errlen, "LMK file %s: must hold exactly %d bytes",
	    path, LMKLEN);
}

static int
new_lmk_file(const char *path, uint8_t lmk[LMKLEN], char *err,
    size_t errlen)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return fail(err, errlen, "LMK file %s: %s", path,
		    strerror(errno));
	if (RAND_priv_bytes(lmk, LMKLEN) != 1 ||
	    write(fd, lmk, LMKLEN) != LMKLEN || fsync(fd) < 0) {
		close(fd);
		unlink(path);
		explicit_bzero(lmk, LMKLEN);
		return fail(err, errlen, "LMK file %s: cannot write", path);
	}
	close(fd);
	return 0;
}

/* Read a passphrase from fd (one line) or the terminal, no echo. */
static int
get_pass(const struct ks_lmk *src, const char *prompt, char pass[PASSMAX])
{
	size_t n = 0;
	char c;

	if (src->passfd < 0)
		return readpassphrase(prompt, pass, PASSMAX,
		    RPP_ECHO_OFF | RPP_REQUIRE_TTY) == NULL ? -1 : 0;
	while (n + 1 < PASSMAX && read(src->passfd, &c, 1) == 1 && c != '\n')
		pass[n++] = c;
	pass[n] = '\0';
	return 0;
}

static int
stretch(const char *pass, const uint8_t salt[16], uint8_t lmk[LMKLEN])
{
	EVP_KDF *kdf;
	EVP_KDF_CTX *ctx;
	OSSL_PARAM p[6];
	uint64_t n = SCRYPT_N;
	uint32_t r = SCRYPT_R, par = SCRYPT_P;
	int ok;

	if ((kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL)) == NULL)
		return -1;
	ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (ctx == NULL)
		return -1;
	p[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)pass, strlen(pass));
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)salt, 16);
	p[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	p[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	p[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &par);
	p[5] = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(ctx, lmk, LMKLEN, p) == 1;
	EVP_KDF_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int
pass_lmk(const struct ks_lmk *src, const uint8_t salt[16], int confirm,
    uint8_t lmk[LMKLEN], char *err, size_t errlen)
{
	char pass[PASSMAX], again[PASSMAX];
	int rc = -1;

	if (get_pass(src, "LMK passphrase: ", pass) < 0)
		return fail(err, errlen, "cannot read the passphrase (no "
		    "terminal? set EMVPERSO_LMK to an LMK file)");
	if (strlen(pass) < 8)
		fail(err, errlen, "passphrase shorter than 8 characters");
	else if (confirm && src->passfd < 0 &&
	    (get_pass(src, "again: ", again) < 0 || strcmp(pass, again) != 0))
		fail(err, errlen, "the passphrases differ");
	else if (stretch(pass, salt, lmk) < 0)
		fail(err, errlen, "scrypt failed");
	else
		rc = 0;
	explicit_bzero(pass, sizeof pass);
	explicit_bzero(again, sizeof again);
	return rc;
}

void
ks_lmk_default(struct ks_lmk *src)
{
	const char *f = getenv("EMVPERSO_LMK");

	src->file = f && *f ? f : NULL;
	src->passfd = -1;
}

int
ks_init(const char *dir, int test, const struct ks_lmk *src, char *err,
    size_t errlen)
{
	uint8_t lmk[LMKLEN], salt[16], check[64];
	char text[512], hsalt[33], hcheck[129];
	struct stat st;
	size_t clen;
	int dirfd, rc = -1;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return fail(err, errlen, "%s: %s", dir, strerror(errno));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return fail(err, errlen, "%s: %s", dir, strerror(errno));
	/* A directory made earlier may be open to others: the key names
	 * would show, and files could be put there. */
	if (fstat(dirfd, &st) < 0 || (st.st_mode & 077) != 0) {
		close(dirfd);
		return fail(err, errlen, "%s: a key store directory must be "
		    "mode 0700", dir);
	}
	if (faccessat(dirfd, "store", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		close(dirfd);
		return fail(err, errlen, "%s: already a key store", dir);
	}
	hsalt[0] = '\0';
	if (src->file) {
		if (access(src->file, F_OK) == 0)
			rc = read_lmk_file(src->file, lmk, err, errlen);
		else
			rc = new_lmk_file(src->file, lmk, err, errlen);
	} else if (RAND_bytes(salt, sizeof salt) == 1) {
		hex_encode(salt, sizeof salt, hsalt);
		rc = pass_lmk(src, salt, 1, lmk, err, errlen);
	} else
		fail(err, errlen, "no random bytes");
	if (rc == 0) {
		rc = -1;
		if (kwp(lmk, (const uint8_t *)CHECKSTR, strlen(CHECKSTR), check,
		    &clen, 1) < 0)
			fail(err, errlen, "key wrap failed");
		else {
			hex_encode(check, clen, hcheck);
			snprintf(text, sizeof text, "emvperso-store=1 test=%d "
			    "lmk=%s%s%s check=%s\n", test ? 1 : 0,
			    src->file ? "file" : "passphrase",
			    *hsalt ? " salt=" : "", hsalt, hcheck);
			rc = write_new(dirfd, "store", text, err, errlen);
		}
	}
	explicit_bzero(lmk, sizeof lmk);
	close(dirfd);
	return rc;
}

struct ks *
ks_open(const char *dir, const struct ks_lmk *src, char *err, size_t errlen)
{
	uint8_t salt[16], check[64], plain[80];
	const char *v, *lmkkind, *hsalt, *hcheck;
	struct stat st;
	struct ks *ks;
	struct rec r;
	size_t plen;
	long clen;

	if ((ks = calloc(1, sizeof *ks)) == NULL) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	ks->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ks->dirfd < 0) {
		fail(err, errlen, "key store %s: %s", dir, strerror(errno));
		free(ks);
		return NULL;
	}
	rec_init(&r);
	/* Another user who can write here could swap key files. */
	if (fstat(ks->dirfd, &st) < 0 || (st.st_mode & 022) != 0) {
		fail(err, errlen, "key store %s: writable by group or others "
		    "(chmod 700 it)", dir);
		goto bad;
	}
	if (read_rec(ks->dirfd, "store", &r, err, errlen) < 0) {
		char why[128];

		snprintf(why, sizeof why, "%s", err);
		fail(err, errlen, "key store %s: store file: %s (run "
		    "emv-keys init?)", dir, why);
		goto bad;
	}
	lmkkind = rec_value(&r, "lmk");
	hsalt = rec_value(&r, "salt");
	hcheck = rec_value(&r, "check");
	v = rec_value(&r, "test");
	ks->test = v && strcmp(v, "1") == 0;
	if (lmkkind == NULL || hcheck == NULL ||
	    (clen = hex_decode(hcheck, strlen(hcheck), check)) < 0 ||
	    clen > (long)sizeof check) {
		fail(err, errlen, "key store %s: store file damaged", dir);
		goto bad;
	}
	if (strcmp(lmkkind, "file") == 0) {
		if (src->file == NULL) {
			fail(err, errlen, "key store %s is locked by an LMK "
			    "file: set EMVPERSO_LMK", dir);
			goto bad;
		}
		if (read_lmk_file(src->file, ks->lmk, err, errlen) < 0)
			goto bad;
	} else {
		if (hsalt == NULL || strlen(hsalt) != 32 ||
		    hex_decode(hsalt, 32, salt) != 16) {
			fail(err, errlen, "key store %s: store file damaged", dir);
			goto bad;
		}
		if (pass_lmk(src, salt, 0, ks->lmk, err, errlen) < 0)
			goto bad;
	}
	if (kwp(ks->lmk, check, (size_t)clen, plain, &plen, 0) < 0 ||
	    plen != strlen(CHECKSTR) || memcmp(plain, CHECKSTR, plen) != 0) {
		fail(err, errlen, "key store %s: wrong LMK or passphrase", dir);
		goto bad;
	}
	rec_free(&r);
	return ks;
bad:
	rec_free(&r);
	ks_close(ks);
	return NULL;
}

void
ks_close(struct ks *ks)
{
	if (ks == NULL)
		return;
	if (ks->dirfd >= 0)
		close(ks->dirfd);
	explicit_bzero(ks->lmk, sizeof ks->lmk);
	free(ks);
}

int
ks_is_test(const struct ks *ks)
{
	return ks->test;
}

/* The metadata bound into each wrap: version, name, type, algorithm and
 * test flag.  Returns its length. */
static size_t
meta(const struct ks_key *k, char *buf, size_t n)
{
	return (size_t)snprintf(buf, n, "v1;%s;%s;%s;%d", k->name,
	    types[k->type].name, k->alg, k->test);
}

static void
filename(const char *name, char buf[KS_NAMEMAX + 8])
{
	snprintf(buf, KS_NAMEMAX + 8, "%s.key", name);
}

/* Fill k's metadata from the record of its file; r keeps the key hex. */
static int
load(struct ks *ks, const char *name, struct ks_key *k, struct rec *r,
    char *err, size_t errlen)
{
	char fn[KS_NAMEMAX + 8], why[96];
	const char *v;

	memset(k, 0, sizeof *k);
	if (!ks_name_ok(name))
		return fail(err, errlen, "key %s: not a valid key name", name);
	filename(name, fn);
	if (read_rec(ks->dirfd, fn, r, why, sizeof why) < 0)
		return fail(err, errlen, "key %s: %s", name, why);
	snprintf(k->name, sizeof k->name, "%s", name);
	v = rec_value(r, "type");
	if (v == NULL || ks_type_parse(v, &k->type) < 0)
		return fail(err, errlen, "key %s: damaged file (type)", name);
	v = rec_value(r, "alg");
	if (v == NULL || strlen(v) >= sizeof k->alg || !alg_ok(k->type, v, k))
		return fail(err, errlen, "key %s: damaged file (alg)", name);
	snprintf(k->alg, sizeof k->alg, "%s", v);
	v = rec_value(r, "kcv");
	if (k->bits == 0 && (v == NULL || hex_decode(v, strlen(v), k->kcv) != 3))
		return fail(err, errlen, "key %s: damaged file (kcv)", name);
	v = rec_value(r, "test");
	k->test = v && strcmp(v, "1") == 0;
	v = rec_value(r, "created");
	snprintf(k->created, sizeof k->created, "%s", v ? v : "-");
	if (rec_get(r, "key") == NULL)
		return fail(err, errlen, "key %s: damaged file (key)", name);
	return 0;
}

int
ks_info(struct ks *ks, const char *name, struct ks_key *k, char *err,
    size_t errlen)
{
	struct rec r;
	int rc;

	rec_init(&r);
	rc = load(ks, name, k, &r, err, errlen);
	rec_free(&r);
	return rc;
}

int
ks_get(struct ks *ks, const char *name, unsigned use, struct ks_key *k,
    char *err, size_t errlen)
{
	const struct rec_field *f;
	uint8_t *wrapped = NULL, *plain = NULL, kcv[3];
	char m[160];
	size_t mlen, plen = 0, wlen;
	struct rec r;
	int rc = -1;

	rec_init(&r);
	if (load(ks, name, k, &r, err, errlen) < 0)
		goto out;
	if (!(types[k->type].uses & use)) {
		fail(err, errlen, "key %s: a key of type %s may not be used for this",
		    name, types[k->type].name);
		goto out;
	}
	f = rec_get(&r, "key");
	if (rec_bin(f, &wrapped, &wlen) < 0 || wlen < 16) {
		fail(err, errlen, "key %s: damaged file (key)", name);
		goto out;
	}
	plain = OPENSSL_malloc(wlen);
	mlen = meta(k, m, sizeof m);
	if (plain == NULL || kwp(ks->lmk, wrapped, wlen, plain, &plen, 0) < 0 ||
	    plen <= mlen + 1 || memcmp(plain, m, mlen) != 0 ||
	    plain[mlen] != '\0') {
		fail(err, errlen, "key %s: does not unwrap under this store's "
		    "LMK, or its file was altered", name);
		goto out;
	}
	k->len = plen - mlen - 1;
	if ((k->val = OPENSSL_malloc(k->len)) == NULL) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	memcpy(k->val, plain + mlen + 1, k->len);
	if (k->bits == 0 && (k->len != sym_keylen(k->sym) ||
	    sym_kcv(k->sym, k->val, kcv) < 0 || memcmp(kcv, k->kcv, 3) != 0)) {
		fail(err, errlen, "key %s: key check value does not match", name);
		ks_key_clear(k);
		goto out;
	}
	rc = 0;
out:
	if (plain)
		OPENSSL_clear_free(plain, wlen);
	free(wrapped);
	rec_free(&r);
	return rc;
}

int
ks_put(struct ks *ks, struct ks_key *k, char *err, size_t errlen)
{
	char fn[KS_NAMEMAX + 8], m[160], *text = NULL, *hex = NULL, hkcv[7];
	uint8_t *plain = NULL, *wrapped = NULL;
	size_t mlen, plen, wlen;
	time_t now = time(NULL);
	int rc = -1;

	if (!ks_name_ok(k->name))
		return fail(err, errlen, "key %s: not a valid key name", k->name);
	k->bits = 0;
	if (!alg_ok(k->type, k->alg, k))
		return fail(err, errlen, "key %s: a %s key cannot be %s",
		    k->name, types[k->type].name, k->alg);
	if (k->bits == 0) {
		if (k->len != sym_keylen(k->sym))
			return fail(err, errlen, "key %s: %s takes %zu bytes",
			    k->name, k->alg, sym_keylen(k->sym));
		if (sym_kcv(k->sym, k->val, k->kcv) < 0)
			return fail(err, errlen, "key %s: cannot compute its "
			    "KCV", k->name);
	}
	k->test = ks->test;
	strftime(k->created, sizeof k->created, "%Y-%m-%dT%H:%M:%SZ",
	    gmtime(&now));
	mlen = meta(k, m, sizeof m);
	plen = mlen + 1 + k->len;
	plain = OPENSSL_malloc(plen);
	wrapped = malloc(plen + 16);
	hex = malloc(2 * (plen + 16) + 1);
	text = malloc(2 * (plen + 16) + 512);
	if (plain == NULL || wrapped == NULL || hex == NULL || text == NULL) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	memcpy(plain, m, mlen + 1);
	memcpy(plain + mlen + 1, k->val, k->len);
	if (kwp(ks->lmk, plain, plen, wrapped, &wlen, 1) < 0) {
		fail(err, errlen, "key %s: key wrap failed", k->name);
		goto out;
	}
	hex_encode(wrapped, wlen, hex);
	hex_encode(k->kcv, 3, hkcv);
	snprintf(text, 2 * (plen + 16) + 512, "name=%s type=%s alg=%s%s%s "
	    "test=%d created=%s key=%s\n", k->name, types[k->type].name,
	    k->alg, k->bits ? "" : " kcv=", k->bits ? "" : hkcv, k->test,
	    k->created, hex);
	filename(k->name, fn);
	rc = write_new(ks->dirfd, fn, text, err, errlen);
	if (rc < 0 && strstr(err, "already exists"))
		fail(err, errlen, "key %s: already exists", k->name);
out:
	if (plain)
		OPENSSL_clear_free(plain, plen);
	free(wrapped);
	free(hex);
	free(text);
	return rc;
}

/* 1 if kind names an attached file (keystore.h). */
static int
kind_ok(const char *kind)
{
	size_t i, n = strlen(kind);

	if (n == 0 || n > 8 || strcmp(kind, "key") == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (kind[i] < 'a' || kind[i] > 'z')
			return 0;
	return 1;
}

/* Remove every NAME.KIND of key name. */
static void
attach_delete(struct ks *ks, const char *name)
{
	size_t l = strlen(name);
	struct dirent *de;
	DIR *d;
	int fd;

	if ((fd = dup(ks->dirfd)) < 0 || (d = fdopendir(fd)) == NULL)
		return;
	rewinddir(d);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, name, l) == 0 && de->d_name[l] == '.' &&
		    kind_ok(de->d_name + l + 1))
			unlinkat(ks->dirfd, de->d_name, 0);
	closedir(d);
}

int
ks_delete(struct ks *ks, const char *name, char *err, size_t errlen)
{
	char fn[KS_NAMEMAX + 8];
	int rc = 0;

	if (!ks_name_ok(name))
		return fail(err, errlen, "key %s: not a valid key name", name);
	filename(name, fn);
	if (unlinkat(ks->dirfd, fn, 0) < 0)
		rc = fail(err, errlen, "key %s: %s", name, errno == ENOENT ?
		    "not found" : strerror(errno));
	/* What was attached to it is of no use to a later key of the name. */
	attach_delete(ks, name);
	fsync(ks->dirfd);
	return rc;
}

/* r's fields as one line, without LF, in a new string. */
static char *
rec_text(const struct rec *r, size_t *n)
{
	char *text = NULL;
	size_t size = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&text, &size)) == NULL)
		return NULL;
	rc = rec_write(fp, r);
	if (fclose(fp) != 0 || rc < 0 || size == 0) {
		free(text);
		return NULL;
	}
	text[--size] = '\0';
	*n = size;
	return text;
}

/* HMAC-SHA256 of an attached file: key HKDF-SHA256(LMK, info), over
 * name, kind and text, each followed by a NUL. */
static int
attach_mac(const struct ks *ks, const char *name, const char *kind,
    const char *text, size_t n, uint8_t mac[32])
{
	static const char info[] = "emvperso attached file MAC v1";
	uint8_t key[32];
	EVP_KDF *kdf;
	EVP_KDF_CTX *kctx = NULL;
	EVP_MAC *hmac = NULL;
	EVP_MAC_CTX *mctx = NULL;
	OSSL_PARAM p[4];
	size_t maclen = 0;
	int ok = 0;

	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL)
		return -1;
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)ks->lmk, LMKLEN);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)info, sizeof info - 1);
	p[3] = OSSL_PARAM_construct_end();
	if (kctx == NULL || EVP_KDF_derive(kctx, key, sizeof key, p) != 1)
		goto out;
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	p[1] = OSSL_PARAM_construct_end();
	ok = (hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)) != NULL &&
	    (mctx = EVP_MAC_CTX_new(hmac)) != NULL &&
	    EVP_MAC_init(mctx, key, sizeof key, p) == 1 &&
	    EVP_MAC_update(mctx, (const uint8_t *)name, strlen(name) + 1) == 1 &&
	    EVP_MAC_update(mctx, (const uint8_t *)kind, strlen(kind) + 1) == 1 &&
	    EVP_MAC_update(mctx, (const uint8_t *)text, n) == 1 &&
	    EVP_MAC_update(mctx, (const uint8_t *)"", 1) == 1 &&
	    EVP_MAC_final(mctx, mac, &maclen, 32) == 1 && maclen == 32;
out:
	explicit_bzero(key, sizeof key);
	EVP_MAC_CTX_free(mctx);
	EVP_MAC_free(hmac);
	EVP_KDF_CTX_free(kctx);
	return ok ? 0 : -1;
}

static void
attach_filename(const char *name, const char *kind, char buf[KS_NAMEMAX + 16])
{
	snprintf(buf, KS_NAMEMAX + 16, "%s.%s", name, kind);
}

int
ks_attach_put(struct ks *ks, const char *name, const char *kind,
    const struct rec *r, int replace, char *err, size_t errlen)
{
	char fn[KS_NAMEMAX + 16], hmac[65], *text, *line;
	uint8_t mac[32];
	size_t n;
	int rc = -1;

	if (!ks_name_ok(name) || !kind_ok(kind))
		return fail(err, errlen, "key %s: %s: not a valid file name",
		    name, kind);
	if (rec_get(r, "mac") != NULL)
		return fail(err, errlen, "key %s: %s: already has a MAC", name,
		    kind);
	if ((text = rec_text(r, &n)) == NULL)
		return fail(err, errlen, "out of memory");
	if (attach_mac(ks, name, kind, text, n, mac) < 0) {
		free(text);
		return fail(err, errlen, "key %s: %s: cannot compute its MAC",
		    name, kind);
	}
	hex_encode(mac, sizeof mac, hmac);
	if ((line = malloc(n + 80)) == NULL) {
		free(text);
		return fail(err, errlen, "out of memory");
	}
	snprintf(line, n + 80, "%s mac=%s\n", text, hmac);
	attach_filename(name, kind, fn);
	rc = write_file(ks->dirfd, fn, line, replace, err, errlen);
	if (rc < 0 && strstr(err, "already exists"))
		fail(err, errlen, "key %s: already has a %s file", name, kind);
	free(text);
	free(line);
	return rc;
}

int
ks_attach_get(struct ks *ks, const char *name, const char *kind,
    struct rec *r, char *err, size_t errlen)
{
	char fn[KS_NAMEMAX + 16], why[96], *text;
	const struct rec_field *f;
	uint8_t mac[32], want[32];
	size_t n;
	int ok;

	if (!ks_name_ok(name) || !kind_ok(kind))
		return fail(err, errlen, "key %s: %s: not a valid file name",
		    name, kind);
	attach_filename(name, kind, fn);
	if (faccessat(ks->dirfd, fn, F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno == ENOENT)
		return 1;
	if (read_rec(ks->dirfd, fn, r, why, sizeof why) < 0)
		return fail(err, errlen, "key %s: %s file: %s", name, kind, why);
	f = rec_get(r, "mac");
	if (f == NULL || f->vallen != 64 ||
	    hex_decode_upper(f->value, 64, mac) != 32)
		return fail(err, errlen, "key %s: %s file: no MAC", name, kind);
	rec_del(r, "mac");
	if ((text = rec_text(r, &n)) == NULL)
		return fail(err, errlen, "out of memory");
	ok = attach_mac(ks, name, kind, text, n, want) == 0 &&
	    CRYPTO_memcmp(mac, want, sizeof mac) == 0;
	free(text);
	if (!ok)
		return fail(err, errlen, "key %s: %s file altered, or not of "
		    "this store (its MAC does not verify)", name, kind);
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
ks_list(struct ks *ks, void (*fn)(const struct ks_key *, void *), void *arg,
    char *err, size_t errlen)
{
	char **names = NULL, **nn;
	size_t n = 0, cap = 0, i, l;
	struct dirent *de;
	struct ks_key k;
	DIR *d;
	int fd, rc = 0;

	if ((fd = dup(ks->dirfd)) < 0 || (d = fdopendir(fd)) == NULL)
		return fail(err, errlen, "%s", strerror(errno));
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".key") != 0 ||
		    de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((nn = realloc(names, cap * sizeof *names)) == NULL)
				break;
			names = nn;
		}
		if ((names[n] = strndup(de->d_name, l - 4)) != NULL)
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmpstr);
	for (i = 0; i < n; i++) {
		if (ks_info(ks, names[i], &k, err, errlen) == 0)
			fn(&k, arg);
		else
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int
ks_kek_crypt(const struct ks_key *kek, const uint8_t *in, uint8_t *out,
    size_t n, int enc)
{
	if (kek->type != KS_KEK || kek->bits != 0 || kek->val == NULL)
		return -1;
	if (sym_blocklen(kek->sym) == 8)
		return sym_ecb(kek->sym, kek->val, in, out, n, enc);
	return sym_cbc(kek->sym, kek->val, NULL, in, out, n, enc);
}

int
ks_kek_seal(const struct ks_key *kek, const uint8_t *in, size_t n,
    uint8_t **out, size_t *outlen)
{
	size_t bl, m;
	uint8_t *buf;

	if (kek->type != KS_KEK || kek->bits != 0 || kek->val == NULL)
		return -1;
	bl = sym_blocklen(kek->sym);
	m = n % bl ? n + bl - n % bl : n;
	if (m == 0 || (buf = OPENSSL_zalloc(m)) == NULL)
		return -1;
	memcpy(buf, in, n);
	if (m > n)
		buf[n] = 0x80;
	if (ks_kek_crypt(kek, buf, buf, m, 1) < 0) {
		OPENSSL_clear_free(buf, m);
		return -1;
	}
	*out = buf;
	*outlen = m;
	return 0;
}

int
ks_kek_open(const struct ks_key *kek, const uint8_t *in, size_t n,
    uint8_t **out)
{
	uint8_t *buf;

	if (n == 0 || (buf = OPENSSL_malloc(n)) == NULL)
		return -1;
	if (ks_kek_crypt(kek, in, buf, n, 0) < 0) {
		OPENSSL_clear_free(buf, n);
		return -1;
	}
	*out = buf;
	return 0;
}
