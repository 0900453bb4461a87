/* emv-keys: the key store: create it, generate, import, export, list and
 * delete keys; issuer RSA keys' certificate requests and certificates
 * (lib/issuer.c).  Keys are handled by name; no clear key is ever taken
 * from argv or the environment, nor printed. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ceremony.h"
#include "hex.h"
#include "issuer.h"
#include "keystore.h"
#include "oda.h"
#include "record.h"
#include "sym.h"
#include "tr31.h"

#define ERRLEN 256

static const char *Kflag;
static struct ks_lmk lmk;
static char errbuf[ERRLEN];

static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s [-K dir] [-p fd] init [-t]\n"
	    "       %s [-K dir] [-p fd] generate name type alg [-e exponent]\n"
	    "       %s [-K dir] [-p fd] import [-n count] name type [alg]\n"
	    "       %s [-K dir] [-p fd] import -x name type alg\n"
	    "       %s [-K dir] [-p fd] import -b name -k kek\n"
	    "       %s [-K dir] [-p fd] import -c name -l list\n"
	    "       %s [-K dir] [-p fd] request name -b bin -x mmyy [-s serial]\n"
	    "       %s [-K dir] [-p fd] export name -k kek\n"
	    "       %s [-K dir] [-p fd] list | kcv name | delete name\n",
	    getprogname(), getprogname(), getprogname(), getprogname(),
	    getprogname(), getprogname(), getprogname(), getprogname(),
	    getprogname());
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

/* An RSA key pair of EMV Book 2 sizes (1024 to 1984 bits here). */
static void
gen_rsa(struct ks_key *k, unsigned long e)
{
	const char *errstr;
	EVP_PKEY *pk;
	unsigned bits;

	bits = (unsigned)strtonum(k->alg + 3, 512, 4096, &errstr);
	if (errstr)
		errx(2, "%s: not an RSA size", k->alg);
	if (bits < 1024 || bits > 8 * ODA_NMAX || bits % 8)
		errx(2, "%s: an EMV RSA key is 1024 to 1984 bits, a multiple "
		    "of 8", k->alg);
	if ((pk = oda_keygen(bits, e)) == NULL)
		errx(3, "RSA key generation failed");
	if (oda_priv_to_der(pk, &k->val, &k->len) < 0)
		errx(3, "cannot encode the RSA key");
	EVP_PKEY_free(pk);
}

static int
cmd_generate(int argc, char **argv)
{
	const char *eflag = NULL, *errstr;
	unsigned long e = 3;
	struct ks_key k;
	struct ks *ks;
	enum sym_alg a;
	int ch, rc;

	/* No "+": the exponent may follow the operands. */
	optind = 0;
	while ((ch = getopt(argc, argv, ":e:")) != -1)
		if (ch == 'e')
			eflag = optarg;
		else
			usage();
	if (argc - optind != 3)
		usage();
	argv += optind;
	describe(&k, argv[0], argv[1], argv[2]);
	if (eflag != NULL) {
		e = (unsigned long)strtonum(eflag, 3, 65537, &errstr);
		if (errstr || (e != 3 && e != 65537))
			errx(2, "-e %s: the exponent is 3 or 65537", eflag);
		if (strncmp(k.alg, "rsa", 3) != 0)
			errx(2, "-e %s: %s keys have no exponent", eflag, k.alg);
	}
	ks = open_store();
	if (strncmp(k.alg, "rsa", 3) == 0)
		gen_rsa(&k, e);
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

/* Import from COUNT clear components (lib/ceremony.c), or, with clear,
 * a clear key in hex on stdin: test stores only. */
static int
cmd_import_sym(int clear, int count, char **argv, int argc)
{
	struct ks_key k;
	struct ks *ks;
	enum sym_alg a;
	int rc = 1;

	describe(&k, argv[0], argv[1], argc > 2 ? argv[2] : NULL);
	if (sym_alg_parse(k.alg, &a) < 0)
		errx(2, "%s: %s symmetric keys only", k.alg, clear ?
		    "clear import takes" : "components make");
	ks = open_store();
	if (clear && !ks_is_test(ks)) {
		ks_close(ks);
		errx(1, "%s: clear key import refused: not a test store", k.name);
	}
	if ((clear ? cer_clear(&k, a, errbuf, sizeof errbuf) :
	    cer_components(&k, a, count, errbuf, sizeof errbuf)) < 0)
		warnx("%s", errbuf);
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

/* Import the certificate of issuer key NAME, one record line on stdin,
 * checked against the CA key list file list. */
static int
cmd_import_cert(const char *name, const char *list)
{
	struct date today;
	struct ks *ks;
	struct rec r;
	int rc = 1;

	if (!ks_name_ok(name))
		errx(2, "%s: not a valid key name", name);
	ks = open_store();
	oda_today(&today);
	rec_init(&r);
	if (issuer_import_file(ks, name, stdin, list, &today, &r, errbuf,
	    sizeof errbuf) < 0)
		warnx("%s", errbuf);
	else {
		printf("%s certified %s %s %s %s%s\n", name,
		    rec_value(&r, "rid"), rec_value(&r, "8F"),
		    rec_value(&r, "bin"), rec_value(&r, "expiry"),
		    ks_is_test(ks) ? " test" : "");
		rc = 0;
	}
	rec_free(&r);
	ks_close(ks);
	return rc;
}

/* The public key request of issuer key argv[0] for the CA, on stdout. */
static int
cmd_request(int argc, char **argv)
{
	const char *bflag = NULL, *sflag = NULL, *xflag = NULL;
	struct date today;
	struct ks *ks;
	struct rec r;
	int ch, rc;

	optind = 0;
	while ((ch = getopt(argc, argv, ":b:s:x:")) != -1)
		switch (ch) {
		case 'b':
			bflag = optarg;
			break;
		case 's':
			sflag = optarg;
			break;
		case 'x':
			xflag = optarg;
			break;
		default:
			usage();
		}
	if (argc - optind != 1 || bflag == NULL || xflag == NULL)
		usage();
	ks = open_store();
	oda_today(&today);
	rec_init(&r);
	rc = issuer_request(ks, argv[optind], bflag, xflag, sflag, &today, &r,
	    errbuf, sizeof errbuf);
	ks_close(ks);
	if (rc == -2)
		errx(2, "%s", errbuf);
	if (rc < 0)
		warnx("%s", errbuf);
	else if (rec_write(stdout, &r) < 0)
		rc = -1;
	rec_free(&r);
	return rc < 0;
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
	const char *kflag = NULL, *lflag = NULL, *errstr;
	int bflag = 0, cflag = 0, nflag = 0, xflag = 0, count = 2, ch;

	/* 0: glibc starts afresh, with this subcommand's option string, and
	 * with no "+" it takes options after the operands too (import -b
	 * name -k kek, import -c name -l list). */
	optind = 0;
	while ((ch = getopt(argc, argv, ":bck:l:n:x")) != -1) {
		switch (ch) {
		case 'b':
			bflag = 1;
			break;
		case 'c':
			cflag = 1;
			break;
		case 'l':
			lflag = optarg;
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
	if (cflag) {
		if (argc != 1 || lflag == NULL || bflag || xflag || nflag ||
		    kflag != NULL)
			usage();
		return cmd_import_cert(argv[0], lflag);
	}
	if (lflag != NULL)
		usage();
	if (bflag) {
		if (argc != 1 || kflag == NULL || xflag || nflag)
			usage();
		return cmd_import_block(argv, kflag);
	}
	if (kflag != NULL)
		usage();
	if (xflag) {
		if (argc != 3 || nflag)
			usage();
		return cmd_import_sym(1, 0, argv, argc);
	}
	if (argc < 2 || argc > 3)
		usage();
	return cmd_import_sym(0, count, argv, argc);
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
	else if (strcmp(argv[0], "request") == 0)
		rc = cmd_request(argc, argv);
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
