/* emv-icc: per card, an ICC RSA key pair and its certificate (9F46, format
 * 04, EMV 4.4 Book 2, 6.4) over the static data, an optional ICC PIN
 * encipherment key (9F2D, Book 2, 7.1), the issuer's certificate, and the
 * private keys sealed under the transport key (DGIs 8201-8205, EMV CPS
 * 1.1).  Keys are made by -j worker threads; records leave in input order
 * (emv-icc(1)). */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cardrec.h"
#include "date.h"
#include "issuer.h"
#include "keystore.h"
#include "oda.h"
#include "odacard.h"
#include "pan.h"
#include "pool.h"
#include "record.h"
#include "rsagen.h"

#define ERRLEN 256
#define JMAX 64
#define NKEK 8			/* transport keys kept loaded */

enum { ICC, PIN };		/* the ICC key, the PIN encipherment key */

/* One record in the window, with the keys asked for it. */
struct slot {
	struct rec r;
	unsigned bits[2];	/* 0: no such key */
	unsigned long e[2];
	EVP_PKEY *key[2];
	char why[ERRLEN];	/* why generation failed */
	struct pool_job job;
	int queued;
};

static const char *Kflag, *eflag;
static int nflag;
static struct odacard_keys keys;
static struct ks_key kek[NKEK];
static size_t nkek;
static struct slot *win;
static size_t W;
static struct pool *pool;

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-n] [-e kek] [-j jobs] [-k issuer-key] "
	    "[-K dir] [file]\n", getprogname());
	exit(2);
}

/* Size and exponent of key k from the record's attributes (iccbits,
 * iccexp; pinbits, pinexp default to them), checked against the issuer
 * key (Book 2, 6.1: N_IC <= N_I).  Returns 0, or -1 with the field, the
 * err code and the reason in *field, *code and why. */
static int
params(const struct rec *r, const struct issuer *is, int k, unsigned *bits,
    unsigned long *e, const char **field, const char **code, char *why,
    size_t whylen)
{
	const char *b = NULL, *x = NULL, *errstr;

	*code = "bad-param";
	*field = "iccbits";
	if (k == PIN && (b = rec_value(r, "pinbits")) != NULL)
		*field = "pinbits";
	else if ((b = rec_value(r, "iccbits")) == NULL)
		return snprintf(why, whylen, "absent: the size of the ICC key "
		    "(emv-profile sets it)"), -1;
	*bits = (unsigned)strtonum(b, ODA_NMIN * 8, ODA_NMAX * 8, &errstr);
	if (errstr != NULL || *bits % 8)
		return snprintf(why, whylen, "want %d to %d bits, a multiple "
		    "of 8", ODA_NMIN * 8, ODA_NMAX * 8), -1;
	if (*bits > is->pub.nlen * 8) {
		*code = "icc-key-size";
		return snprintf(why, whylen, "a %u-bit key cannot be certified "
		    "by the %zu-bit issuer key", *bits, is->pub.nlen * 8), -1;
	}
	*field = "iccexp";
	if (k == PIN && (x = rec_value(r, "pinexp")) != NULL)
		*field = "pinexp";
	else
		x = rec_value(r, "iccexp");
	if (x != NULL && (strcmp(x, "03") == 0 || strcmp(x, "010001") == 0)) {
		*e = x[1] == '3' ? 3 : 65537;
		return 0;
	}
	return snprintf(why, whylen, "want the exponent, 03 or 010001"), -1;
}

/* Decide which keys s's record needs; nothing is reported here: the
 * record is checked in order when its turn comes. */
static void
plan(struct slot *s)
{
	struct cardrec_layout l;
	const struct issuer *is;
	const char *field, *code;
	char why[ERRLEN];
	int k;

	s->bits[ICC] = s->bits[PIN] = 0;
	if (s->r.kind != REC_LINE_RECORD || s->r.perr != NULL ||
	    rec_has_error(&s->r) ||
	    cardrec_layout_get(&s->r, &l, why, sizeof why) < 0 ||
	    cardrec_layout_find(&l, 0x9F46) == NULL ||
	    rec_get(&s->r, "94") == NULL ||
	    (is = odacard_issuer(&keys, &s->r, why, sizeof why)) == NULL)
		return;
	for (k = ICC; k <= PIN; k++)
		if ((k == ICC || cardrec_layout_find(&l, 0x9F2D) != NULL) &&
		    params(&s->r, is, k, &s->bits[k], &s->e[k], &field, &code,
		    why, sizeof why) < 0)
			s->bits[k] = 0;
}

/* A pool job: make the keys of slot arg. */
static void
generate(void *arg)
{
	struct slot *s = arg;
	int k;

	for (k = ICC; k <= PIN; k++)
		if (s->bits[k] && (s->key[k] = rsagen_generate(s->bits[k],
		    s->e[k], s->why, sizeof s->why)) == NULL)
			break;
}

/* The transport key of the record: -e, or its kek attribute. */
static const struct ks_key *
transport(struct rec *r)
{
	const char *v = rec_value(r, "kek");
	char why[ERRLEN];
	size_t i;

	if (eflag != NULL && v != NULL && strcmp(v, eflag) != 0) {
		rec_fail(r, "kek", "kek-mismatch", "kek-mismatch: its secret "
		    "DGIs are under %s, not %s", v, eflag);
		return NULL;
	}
	if (v == NULL && (v = eflag) == NULL) {
		rec_fail(r, "kek", "no-kek", "no-kek: the record names no "
		    "transport key, and -e names none");
		return NULL;
	}
	for (i = 0; i < nkek; i++)
		if (strcmp(kek[i].name, v) == 0)
			return &kek[i];
	if (nkek == NKEK)
		ks_key_clear(&kek[--nkek]);
	if (ks_info(keys.ks, v, &kek[nkek], why, sizeof why) == 0 &&
	    kek[nkek].type != KS_KEK)
		snprintf(why, sizeof why, "key %s: type %s, not kek", v,
		    ks_type_name(kek[nkek].type));
	else if (ks_get(keys.ks, v, KS_USE_WRAP, &kek[nkek], why,
	    sizeof why) == 0)
		return &kek[nkek++];
	memset(&kek[nkek], 0, sizeof kek[nkek]);
	rec_fail(r, "kek", "no-kek", "no-kek: %s", why);
	return NULL;
}

/* Certify key s->key[k] (Book 2, 6.4 and 7.1) into cert and rem, after a
 * raw round trip through the new key pair.  Returns 0 or 1 with r marked. */
static int
certify(struct rec *r, const struct issuer *is, struct slot *s, int k,
    const char *pan, const uint8_t *sda, size_t sdalen, struct oda_pub *pub,
    uint8_t *cert, size_t *certlen, uint8_t *rem, size_t *remlen)
{
	uint8_t m[ODA_NMAX], sig[ODA_NMAX], back[ODA_NMAX], exp[2], h[32];
	const char *f = k == ICC ? "9F46" : "9F2D";
	int rc;

	if (s->key[k] == NULL) {
		rec_fail(r, f, "internal", "internal: key generation failed: "
		    "%s", s->why);
		return 1;
	}
	if ((rc = oda_pub_from_pkey(pub, s->key[k])) != 0) {
		rec_fail(r, f, "internal", "internal: %s", oda_strerror(rc));
		return 1;
	}
	memset(m, 0xBB, pub->nlen);
	m[0] = 0x6A;
	m[pub->nlen - 1] = 0xBC;
	if (oda_sign_raw(s->key[k], m, pub->nlen, sig) != 0 ||
	    oda_recover(pub, sig, pub->nlen, back) != 0 ||
	    memcmp(back, m, pub->nlen) != 0) {
		rec_fail(r, f, "internal", "internal: the new key pair fails a "
		    "sign and recover round trip");
		return 1;
	}
	/* Certificate expiry: the card's (5F24 is YYMMDD, checked); serial:
	 * the leftmost 3 bytes of SHA-256 over PAN and PSN. */
	odacard_bin(r, "5F24", back, 3);
	exp[0] = back[1];
	exp[1] = back[0];
	rc = odacard_pan_hash(r, h) < 0 ? -1 : oda_icc_cert_sign(is->key, pub,
	    pan, exp, h, sda, sdalen, cert, certlen, rem, remlen);
	if (rc != 0) {
		rec_fail(r, f, "internal", "internal: signing failed: %s",
		    oda_strerror(rc));
		return 1;
	}
	return 0;
}

/* Recover the certificate the record now holds over the static data it
 * now has, as a terminal would (Book 2, 6.4, 7.1). */
static int
verify(struct rec *r, const struct issuer *is, int k, const char *pan,
    const struct oda_pub *pub)
{
	static const char *const tags[2][3] = {
		{ "9F46", "9F48", "9F47" }, { "9F2D", "9F2F", "9F2E" }
	};
	uint8_t cert[ODA_NMAX], rem[ODA_NMAX], e[3], *sda = NULL;
	struct oda_cert c;
	char why[ERRLEN];
	size_t sdalen = 0;
	long cn, rn, en;
	int rc;

	if (k == ICC && (rc = cardrec_oda_data(r, &sda, &sdalen, why,
	    sizeof why)) < 0) {
		cardrec_fail(r, rc, why);
		return 1;
	}
	cn = odacard_bin(r, tags[k][0], cert, sizeof cert);
	rn = odacard_bin(r, tags[k][1], rem, sizeof rem);
	en = odacard_bin(r, tags[k][2], e, sizeof e);
	rc = cn < 0 || rn == -2 || en < 0 ? ODA_ELEN :
	    oda_icc_cert_verify(&is->pub, cert, (size_t)cn, rem,
	    rn < 0 ? 0 : (size_t)rn, e, (size_t)en, sda, sdalen, pan,
	    &keys.today, &c);
	if (sda != NULL)
		OPENSSL_cleanse(sda, sdalen);
	free(sda);
	if (rc == 0 && !oda_pub_eq(&c.key, pub))
		rc = ODA_EHASH;
	if (rc != 0) {
		rec_fail(r, tags[k][0], "bad-certificate", "bad-certificate: "
		    "%s", oda_strerror(rc));
		return 1;
	}
	return 0;
}

/* Give s's record its keys and certificates.  Returns 1 if r was marked. */
static int
icc(struct slot *s)
{
	static const uint32_t tags[2][3] = {
		{ 0x9F46, 0x9F48, 0x9F47 }, { 0x9F2D, 0x9F2F, 0x9F2E }
	};
	struct rec *r = &s->r;
	struct cardrec_layout l;
	const struct issuer *is;
	const struct ks_key *kk;
	struct oda_pub pub[2];
	uint8_t cert[ODA_NMAX], rem[ODA_NMAX], *sda;
	char pan[PAN_MAX + 1], why[ERRLEN];
	const char *field, *code;
	size_t certlen, remlen, sdalen;
	unsigned bits;
	unsigned long e;
	int k, rc, bad = 1;

	if ((rc = cardrec_layout_get(r, &l, why, sizeof why)) < 0) {
		cardrec_fail(r, rc, why);
		return 1;
	}
	if (cardrec_layout_find(&l, 0x9F46) == NULL)
		return 0;
	if ((is = odacard_issuer(&keys, r, why, sizeof why)) == NULL) {
		rec_fail(r, "issuerkey", "no-issuer-key", "no-issuer-key: %s",
		    why);
		return 1;
	}
	if (odacard_check(r, is, &keys.today, pan))
		goto out;
	if (rec_get(r, "9F46") || rec_get(r, "DGI8201") ||
	    rec_get(r, "DGI8101")) {
		rec_fail(r, rec_get(r, "9F46") ? "9F46" : "DGI8201", "dup-key",
		    "dup-key: the record has an ICC key already");
		goto out;
	}
	for (k = ICC; k <= PIN; k++)
		if ((k == ICC || cardrec_layout_find(&l, 0x9F2D) != NULL) &&
		    params(r, is, k, &bits, &e, &field, &code, why,
		    sizeof why) < 0) {
			rec_fail(r, field, code, "%s: %s", code, why);
			goto out;
		}
	if ((kk = transport(r)) == NULL)
		goto out;
	if ((rc = cardrec_oda_data(r, &sda, &sdalen, why, sizeof why)) < 0) {
		cardrec_fail(r, rc, why);
		goto out;
	}
	/* The static data is final (no late tag is in an ODA record):
	 * certify over it, then place. */
	for (k = ICC, rc = 0; k <= PIN && !rc; k++)
		rc = s->bits[k] && (certify(r, is, s, k, pan,
		    k == ICC ? sda : NULL, k == ICC ? sdalen : 0, &pub[k], cert,
		    &certlen, rem, &remlen) ||
		    odacard_place(r, &l, tags[k][0], cert, certlen, 0) ||
		    odacard_place(r, &l, tags[k][1], rem, remlen, 1) ||
		    odacard_place(r, &l, tags[k][2], pub[k].e, pub[k].elen, 0));
	OPENSSL_cleanse(sda, sdalen);
	free(sda);
	if (rc || odacard_place_issuer(r, &l, is))
		goto out;
	for (k = ICC; k <= PIN; k++)
		if (s->bits[k] && verify(r, is, k, pan, &pub[k]))
			goto out;
	for (k = ICC; k <= PIN; k++)
		if (s->bits[k] && odacard_seal_key(r, kk, s->key[k],
		    pub[k].nlen, k == ICC ? 0x8200 : 0x8300,
		    !nflag || k == PIN) < 0) {
			rec_fail(r, k == ICC ? "DGI8201" : "DGI8301",
			    "internal", "internal: cannot seal the private "
			    "key");
			goto out;
		}
	rec_set(r, "kek", kk->name);
	if (is->test || kk->test)
		rec_set(r, "test", "1");
	bad = 0;
out:
	explicit_bzero(pan, sizeof pan);
	return bad;
}

/* Write s's record, done or passed on as rec_next would; frees its keys.
 * Returns -1 on a write error, else 1 if the record is marked err. */
static int
finish(struct slot *s)
{
	struct rec *r = &s->r;
	int k, failed = 0;

	if (r->kind == REC_LINE_RECORD && !rec_has_error(r)) {
		if (r->perr != NULL) {
			rec_pass_error(r);
			failed = 1;
		} else
			failed = icc(s);
	}
	for (k = ICC; k <= PIN; k++) {
		EVP_PKEY_free(s->key[k]);	/* RSA_free clears d, p, q... */
		s->key[k] = NULL;
	}
	s->queued = 0;
	return rec_write(stdout, r) < 0 ? -1 : failed;
}

/* Keep up to W records in flight: read ahead while the pool makes keys,
 * write in input order.  Returns 0, 1 (some record marked) or -1 (read or
 * write error). */
static int
run(FILE *fp)
{
	struct rec_reader *rd = rec_reader_new(fp);
	struct slot *s;
	size_t head = 0, count = 0, i;
	int rc, eof = 0, status = 0, ioerr = 0;

	for (;;) {
		while (!eof && count < W) {
			s = &win[(head + count) % W];
			if ((rc = rec_read(rd, &s->r)) <= 0) {
				eof = 1;
				ioerr = rc < 0;
				break;
			}
			plan(s);
			count++;
			if ((s->queued = s->bits[ICC] || s->bits[PIN])) {
				s->job.fn = generate;
				s->job.arg = s;
				pool_submit(pool, &s->job);
			}
		}
		if (count == 0)
			break;
		s = &win[head];
		if (s->queued)
			pool_wait(pool, &s->job);
		if ((rc = finish(s)) < 0) {
			ioerr = 1;
			break;
		}
		status |= rc;
		head = (head + 1) % W;
		count--;
	}
	/* After a write error: the keys of the records in flight go. */
	for (i = 0; i < count; i++) {
		s = &win[(head + i) % W];
		if (s->queued)
			pool_wait(pool, &s->job);
		EVP_PKEY_free(s->key[ICC]);
		EVP_PKEY_free(s->key[PIN]);
	}
	rec_reader_free(rd);
	return ioerr ? -1 : status;
}

int
main(int argc, char *argv[])
{
	struct ks_key info;
	char errbuf[ERRLEN];
	const char *fname = "stdin", *errstr;
	FILE *fp = stdin;
	const char *kname[ODACARD_NISSUER];
	size_t i, nk = 0;
	int c, rc, jobs = 1;

	ks_harden();
	Kflag = getenv("EMVPERSO_KEYSTORE");
	if (Kflag == NULL || *Kflag == '\0')
		Kflag = "keys";
	while ((c = getopt(argc, argv, "K:e:j:k:n")) != -1)
		switch (c) {
		case 'K':
			Kflag = optarg;
			break;
		case 'e':
			eflag = optarg;
			break;
		case 'j':
			jobs = (int)strtonum(optarg, 1, JMAX, &errstr);
			if (errstr != NULL)
				errx(2, "-j %s: %s (1 to %d)", optarg, errstr,
				    JMAX);
			break;
		case 'k':
			if (nk == ODACARD_NISSUER)
				usage();
			kname[nk++] = optarg;
			break;
		case 'n':
			nflag = 1;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		fname = argv[0];
		if ((fp = fopen(fname, "r")) == NULL)
			err(3, "%s", fname);
	}

	/* The -k issuer key with its certificate checked under the CA key,
	 * and the -e transport key, before the first record; the keys the
	 * records name when they first do. */
	odacard_open(&keys, Kflag, kname, nk);
	if (eflag != NULL) {
		if (ks_info(keys.ks, eflag, &info, errbuf,
		    sizeof errbuf) == 0 && info.type != KS_KEK)
			snprintf(errbuf, sizeof errbuf, "key %s: type %s, -e "
			    "needs a key of type kek", eflag,
			    ks_type_name(info.type));
		else if (ks_get(keys.ks, eflag, KS_USE_WRAP, &kek[0], errbuf,
		    sizeof errbuf) == 0)
			nkek = 1;
		if (nkek == 0) {
			odacard_keys_free(&keys);
			ks_close(keys.ks);
			errx(3, "%s", errbuf);
		}
	}

	/* -j 1: keys made in this thread, one record in flight. */
	W = jobs > 1 ? 4 * (size_t)jobs : 1;
	if ((win = calloc(W, sizeof *win)) == NULL ||
	    (pool = pool_new(jobs > 1 ? (unsigned)jobs : 0)) == NULL)
		err(3, NULL);
	for (i = 0; i < W; i++)
		rec_init(&win[i].r);
	rc = run(fp);
	pool_free(pool);

	if (rc < 0 && ferror(fp))
		warn("%s", fname);
	for (i = 0; i < W; i++)
		rec_free(&win[i].r);
	free(win);
	for (i = 0; i < nkek; i++)
		ks_key_clear(&kek[i]);
	odacard_keys_free(&keys);
	ks_close(keys.ks);
	if (fp != stdin)
		fclose(fp);
	if (rec_flush(stdout) < 0 || rc < 0)
		return 3;
	return rc;
}
