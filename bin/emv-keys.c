/* emv-keys: the key store: create it, generate, import, export, list and
 * delete keys.  Keys are handled by name; no clear key is ever taken from
 * argv or the environment, nor printed. */
#include <err.h>
#include <errno.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "hex.h"
#include "keystore.h"
#include "sym.h"
#include "tr31.h"

#define ERRLEN 256
#define COMPMAX 100	/* hex digits of one component, with room */

static const char *Kflag;
static struct ks_lmk lmk;
static char errbuf[ERRLEN];

static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s [-K dir] [-p fd] init [-t]\n"
	    "       %s [-K dir] [-p fd] generate name type alg\n"
	    "       %s [-K dir] [-p fd] import [-n count] name type [alg]\n"
	    "       %s [-K dir] [-p fd] import -x name type alg\n"
	    "       %s [-K dir] [-p fd] import -b name -k kek\n"
	    "       %s [-K dir] [-p fd] export name -k kek\n"
	    "       %s [-K dir] [-p fd] list | kcv name | delete name\n",
	    getprogname(), getprogname(), getprogname(), getprogname(),
	    getprogname(), getprogname(), getprogname());
	exit(2);
}

static struct ks *
open_store(void)
{
	struct ks *ks;

	if ((ks = ks_open(Kflag, &lmk, errbuf, sizeof errbuf)) == NULL)
		errx(3, "%s", errbuf);
	return ks;
}

static void
kcvhex(const struct ks_key *k, char out[7])
{
	if (k->bits)
		snprintf(out, 7, "-");
	else
		hex_encode(k->kcv, 3, out);
}

/* Store k (whose val the caller owns) and report it. */
static int
put(struct ks *ks, struct ks_key *k)
{
	char kcv[7];

	if (ks_put(ks, k, errbuf, sizeof errbuf) < 0) {
		warnx("%s", errbuf);
		return 1;
	}
	kcvhex(k, kcv);
	printf("%s %s %s %s%s\n", k->name, ks_type_name(k->type), k->alg, kcv,
	    k->test ? " test" : "");
	return 0;
}

/* Fill name, type and alg of k from the operands; exits on a bad one. */
static void
describe(struct ks_key *k, const char *name, const char *type,
    const char *alg)
{
	memset(k, 0, sizeof *k);
	if (!ks_name_ok(name))
		errx(2, "%s: not a valid key name", name);
	snprintf(k->name, sizeof k->name, "%s", name);
	if (ks_type_parse(type, &k->type) < 0)
		errx(2, "%s: unknown key type", type);
	if (alg == NULL)
		alg = k->type == KS_ISSUER_RSA || k->type == KS_CA_RSA ?
		    "rsa1024" : k->type == KS_KMC ? "3des2" : "3des2";
	if (strlen(alg) >= sizeof k->alg)
		errx(2, "%s: unknown algorithm", alg);
	snprintf(k->alg, sizeof k->alg, "%s", alg);
}

static int
gen_rsa(struct ks_key *k)
{
	EVP_PKEY *pk = NULL;
	unsigned char *der = NULL;
	unsigned long bits;
	char *end;
	int n;

	bits = strtoul(k->alg + 3, &end, 10);
	if (strncmp(k->alg, "rsa", 3) != 0 || *end || bits < 512 || bits > 4096)
		errx(2, "%s: not an RSA size", k->alg);
	/* Exponent 65537 for now; the issuer key request (emv-ca) chooses. */
	if ((pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits)) == NULL)
		errx(3, "RSA key generation failed");
	if ((n = i2d_PrivateKey(pk, &der)) <= 0)
		errx(3, "cannot encode the RSA key");
	EVP_PKEY_free(pk);
	k->val = OPENSSL_malloc((size_t)n);
	memcpy(k->val, der, (size_t)n);
	k->len = (size_t)n;
	OPENSSL_clear_free(der, (size_t)n);
	return 0;
}

static int
cmd_generate(int argc, char **argv)
{
	struct ks_key k;
	struct ks *ks;
	enum sym_alg a;
	int rc;

	if (argc != 4)
		usage();
	describe(&k, argv[1], argv[2], argv[3]);
	ks = open_store();
	if (strncmp(k.alg, "rsa", 3) == 0)
		gen_rsa(&k);
	else {
		if (sym_alg_parse(k.alg, &a) < 0)
			errx(2, "%s: unknown algorithm", k.alg);
		k.len = sym_keylen(a);
		k.val = OPENSSL_malloc(k.len);
		if (k.val == NULL || RAND_priv_bytes(k.val, (int)k.len) != 1)
			errx(3, "no random bytes");
		if (sym_blocklen(a) == 8)
			sym_des_parity(k.val, k.len);
	}
	rc = put(ks, &k);
	ks_key_clear(&k);
	ks_close(ks);
	return rc;
}

/* Read a line from the terminal (no echo unless echo) or, when stdin is
 * not a terminal, from stdin.  Returns 0 or -1. */
static int
ask(const char *prompt, char *buf, size_t n, int echo)
{
	size_t l;

	if (isatty(STDIN_FILENO))
		return readpassphrase(prompt, buf, n, (echo ? RPP_ECHO_ON :
		    RPP_ECHO_OFF) | RPP_REQUIRE_TTY) == NULL ? -1 : 0;
	if (fgets(buf, (int)n, stdin) == NULL)
		return -1;
	l = strlen(buf);
	if (l && buf[l - 1] == '\n')
		buf[--l] = '\0';
	return 0;
}

/* Import from COUNT clear components, each checked against its KCV, then
 * combined by XOR (the key ceremony of ANSI X9.24-1). */
static int
cmd_import_components(int count, char **argv, int argc)
{
	char hex[COMPMAX + 2], kcvin[16], prompt[64], want[7];
	uint8_t comp[32], kcv[3];
	struct ks_key k;
	struct ks *ks;
	enum sym_alg a;
	long n;
	int i, rc = 1;

	describe(&k, argv[0], argv[1], argc > 2 ? argv[2] : NULL);
	if (sym_alg_parse(k.alg, &a) < 0)
		errx(2, "%s: components make symmetric keys only", k.alg);
	ks = open_store();
	k.len = sym_keylen(a);
	k.val = OPENSSL_zalloc(k.len);
	for (i = 1; i <= count; i++) {
		snprintf(prompt, sizeof prompt, "component %d of %d: ", i, count);
		if (ask(prompt, hex, sizeof hex, 0) < 0) {
			warnx("component %d: cannot read it", i);
			goto out;
		}
		n = strlen(hex) == 2 * k.len ? hex_decode(hex, strlen(hex),
		    comp) : -1;
		explicit_bzero(hex, sizeof hex);
		if (n != (long)k.len) {
			warnx("component %d: want %zu hex digits", i, 2 * k.len);
			goto out;
		}
		snprintf(prompt, sizeof prompt, "KCV of component %d: ", i);
		if (ask(prompt, kcvin, sizeof kcvin, 1) < 0) {
			warnx("component %d: cannot read its KCV", i);
			goto out;
		}
		if (sym_blocklen(a) == 8)
			sym_des_parity(comp, k.len);
		sym_kcv(a, comp, kcv);
		hex_encode(kcv, 3, want);
		if (strcasecmp(kcvin, want) != 0) {
			warnx("component %d: KCV does not match: component "
			    "mistyped?", i);
			goto out;
		}
		for (n = 0; n < (long)k.len; n++)
			k.val[n] ^= comp[n];
	}
	if (sym_blocklen(a) == 8)
		sym_des_parity(k.val, k.len);
	rc = put(ks, &k);
out:
	explicit_bzero(comp, sizeof comp);
	ks_key_clear(&k);
	ks_close(ks);
	return rc;
}

/* Import a clear key given in hex on stdin: test stores only. */
static int
cmd_import_clear(char **argv)
{
	char hex[COMPMAX + 2];
	struct ks_key k;
	struct ks *ks;
	enum sym_alg a;
	long n = -1;
	int rc = 1;

	describe(&k, argv[0], argv[1], argv[2]);
	if (sym_alg_parse(k.alg, &a) < 0)
		errx(2, "%s: clear import takes symmetric keys only", k.alg);
	ks = open_store();
	if (!ks_is_test(ks)) {
		ks_close(ks);
		errx(1, "%s: clear key import refused: not a test store", k.name);
	}
	k.len = sym_keylen(a);
	k.val = OPENSSL_zalloc(k.len);
	if (fgets(hex, sizeof hex, stdin) != NULL) {
		hex[strcspn(hex, "\r\n")] = '\0';
		if (strlen(hex) == 2 * k.len)
			n = hex_decode(hex, strlen(hex), k.val);
	}
	explicit_bzero(hex, sizeof hex);
	if (n != (long)k.len)
		warnx("%s: want %zu hex digits on stdin", k.name, 2 * k.len);
	else
		rc = put(ks, &k);
	ks_key_clear(&k);
	ks_close(ks);
	return rc;
}

/* Import a TR-31 key block read on stdin, unwrapped under KEK. */
static int
cmd_import_block(char **argv, const char *kekname)
{
	char block[1024];
	struct ks_key kek, k;
	struct ks *ks;
	int rc = 1;

	memset(&k, 0, sizeof k);
	if (!ks_name_ok(argv[0]))
		errx(2, "%s: not a valid key name", argv[0]);
	ks = open_store();
	if (ks_get(ks, kekname, KS_USE_WRAP, &kek, errbuf, sizeof errbuf) < 0) {
		ks_close(ks);
		errx(1, "%s", errbuf);
	}
	if (fgets(block, sizeof block, stdin) == NULL)
		warnx("%s: no key block on stdin", argv[0]);
	else {
		block[strcspn(block, "\r\n")] = '\0';
		snprintf(k.name, sizeof k.name, "%s", argv[0]);
		if (tr31_unwrap(&kek, block, &k, errbuf, sizeof errbuf) < 0)
			warnx("%s: %s", argv[0], errbuf);
		else
			rc = put(ks, &k);
	}
	explicit_bzero(block, sizeof block);
	ks_key_clear(&k);
	ks_key_clear(&kek);
	ks_close(ks);
	return rc;
}

static int
cmd_export(char **argv, const char *kekname)
{
	struct ks_key kek, k;
	struct ks *ks;
	char *block = NULL;
	int rc = 1;

	ks = open_store();
	if (ks_get(ks, kekname, KS_USE_WRAP, &kek, errbuf, sizeof errbuf) < 0) {
		ks_close(ks);
		errx(1, "%s", errbuf);
	}
	if (ks_get(ks, argv[0], ~0u, &k, errbuf, sizeof errbuf) < 0)
		warnx("%s", errbuf);
	else if (strcmp(k.name, kek.name) == 0)
		warnx("%s: a key cannot be exported under itself", k.name);
	else if ((block = tr31_wrap(&kek, &k, errbuf, sizeof errbuf)) == NULL)
		warnx("%s: %s", k.name, errbuf);
	else {
		char kcv[7];

		kcvhex(&k, kcv);
		printf("%s\n", block);
		fprintf(stderr, "%s: %s exported under %s, KCV %s\n",
		    getprogname(), k.name, kek.name, kcv);
		rc = 0;
	}
	free(block);
	ks_key_clear(&k);
	ks_key_clear(&kek);
	ks_close(ks);
	return rc;
}

static void
show(const struct ks_key *k, void *arg)
{
	char kcv[7];

	(void)arg;
	kcvhex(k, kcv);
	printf("%s %s %s %s %s%s\n", k->name, ks_type_name(k->type), k->alg,
	    kcv, k->created, k->test ? " test" : "");
}

static int
cmd_import(int argc, char **argv)
{
	const char *kflag = NULL, *errstr;
	int bflag = 0, nflag = 0, xflag = 0, count = 2, ch;

	/* 0: glibc starts afresh, with this subcommand's option string (main
	 * asked for "+", which would otherwise stay in force). */
	optind = 0;
	while ((ch = getopt(argc, argv, "+bk:n:x")) != -1) {
		switch (ch) {
		case 'b':
			bflag = 1;
			break;
		case 'k':
			kflag = optarg;
			break;
		case 'n':
			count = (int)strtonum(optarg, 2, 3, &errstr);
			if (errstr)
				errx(2, "-n %s: components: 2 or 3", optarg);
			nflag = 1;
			break;
		case 'x':
			xflag = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (bflag) {
		/* import -b name -k kek, as export takes it. */
		if (argc == 3 && kflag == NULL && strcmp(argv[1], "-k") == 0) {
			kflag = argv[2];
			argc = 1;
		}
		if (argc != 1 || kflag == NULL || xflag || nflag)
			usage();
		return cmd_import_block(argv, kflag);
	}
	if (kflag != NULL)
		usage();
	if (xflag) {
		if (argc != 3 || nflag)
			usage();
		return cmd_import_clear(argv);
	}
	if (argc < 2 || argc > 3)
		usage();
	return cmd_import_components(count, argv, argc);
}

int
main(int argc, char *argv[])
{
	struct ks_key k;
	struct ks *ks;
	const char *errstr, *kek = NULL;
	char kcv[7];
	int ch, rc = 0;

	ks_harden();
	ks_lmk_default(&lmk);
	Kflag = getenv("EMVPERSO_KEYSTORE");
	if (Kflag == NULL || *Kflag == '\0')
		Kflag = "keys";
	while ((ch = getopt(argc, argv, "+K:p:")) != -1) {
		switch (ch) {
		case 'K':
			Kflag = optarg;
			break;
		case 'p':
			lmk.passfd = (int)strtonum(optarg, 0, 1024, &errstr);
			if (errstr)
				errx(2, "-p %s: file descriptor %s", optarg, errstr);
			lmk.file = NULL;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "init") == 0) {
		int test = argc == 2 && strcmp(argv[1], "-t") == 0;

		if (argc > 2 || (argc == 2 && !test))
			usage();
		if (ks_init(Kflag, test, &lmk, errbuf, sizeof errbuf) < 0)
			errx(3, "%s", errbuf);
		printf("%s: %s key store created\n", Kflag, test ? "test" : "live");
	} else if (strcmp(argv[0], "generate") == 0)
		rc = cmd_generate(argc, argv);
	else if (strcmp(argv[0], "import") == 0)
		rc = cmd_import(argc, argv);
	else if (strcmp(argv[0], "export") == 0) {
		if (argc == 4 && strcmp(argv[2], "-k") == 0)
			kek = argv[3];
		if (kek == NULL)
			usage();
		rc = cmd_export(argv + 1, kek);
	} else if (strcmp(argv[0], "list") == 0) {
		if (argc != 1)
			usage();
		ks = open_store();
		if (ks_list(ks, show, NULL, errbuf, sizeof errbuf) < 0) {
			warnx("%s", errbuf);
			rc = 1;
		}
		ks_close(ks);
	} else if (strcmp(argv[0], "kcv") == 0) {
		if (argc != 2)
			usage();
		ks = open_store();
		/* Unwrap it: the KCV printed is the key's, not the file's. */
		if (ks_get(ks, argv[1], ~0u, &k, errbuf, sizeof errbuf) < 0) {
			warnx("%s", errbuf);
			rc = 1;
		} else {
			kcvhex(&k, kcv);
			printf("%s\n", kcv);
			ks_key_clear(&k);
		}
		ks_close(ks);
	} else if (strcmp(argv[0], "delete") == 0) {
		if (argc != 2)
			usage();
		ks = open_store();
		if (ks_delete(ks, argv[1], errbuf, sizeof errbuf) < 0) {
			warnx("%s", errbuf);
			rc = 1;
		}
		ks_close(ks);
	} else
		usage();
	if (fflush(stdout) == EOF || ferror(stdout))
		errx(3, "stdout: %s", strerror(errno));
	return rc;
}
