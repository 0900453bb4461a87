/* emv-track: the magnetic stripe tracks, the chip's track data (57, 9F1F),
 * the CVV2 and the embossing lines of each record, from its PAN, expiry,
 * service code and name, with the card verification values under a CVK. */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvv.h"
#include "hex.h"
#include "keystore.h"
#include "record.h"
#include "track.h"

#define ERRLEN	256
#define T1LEN	(TRACK1_MAX + 1)

struct card {
	struct track t;		/* PAN, expiry, service code, name */
	uint8_t b[TRACK_NAMEMAX + 1];	/* a tag's bytes while decoding */
	int hasname;
	char pvki[2], pvv[5];
	int haspvv;
};

static int nflag;
static const char *dflag = "kpc", *Kflag, *vflag;
static struct ks_key cvk;
static int failed;

static void
usage(void)
{
	fprintf(stderr, "usage: %s -v cvk [-n] [-d layout] [-K dir] [file]\n",
	    getprogname());
	exit(2);
}

/* Mark r failed: "FIELD: CODE: reason" (emvperso-record(5)).  Never give
 * a PAN, a CVV or track data in the reason. */
static int
bad(struct rec *r, const char *field, const char *code, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	rec_fail(r, field, code, "%s: %s", code, why);
	failed = 1;
	return -1;
}

/* The bytes of a tag field into buf (at most max).  Returns the length,
 * -1 if the field is absent, -2 if it is not hex or too long. */
static long
tagval(const struct rec *r, const char *name, uint8_t *buf, size_t max)
{
	const struct rec_field *f = rec_get(r, name);

	if (f == NULL)
		return -1;
	if (f->vallen % 2 || f->vallen / 2 > max)
		return -2;
	return hex_decode_upper(f->value, f->vallen, buf) < 0 ? -2 :
	    (long)(f->vallen / 2);
}

/* The record's card fields into *c. */
static int
load(struct rec *r, struct card *c)
{
	uint8_t *b = c->b;
	const char *v, *w;
	long n, at;

	memset(c, 0, sizeof *c);
	if ((n = tagval(r, "5A", b, 10)) == -1)
		return bad(r, "5A", "no-pan", "the record has no PAN");
	if (n < 0 || track_pan_cn(b, (size_t)n, c->t.pan) < 0 ||
	    strlen(c->t.pan) < 8)
		return bad(r, "5A", "pan", "not a PAN of 8-19 digits (cn)");
	if ((n = tagval(r, "5F24", b, 3)) == -1)
		return bad(r, "5F24", "no-expiry", "the record has no expiry "
		    "date");
	if (n < 0 || track_expiry_n(b, (size_t)n, c->t.expiry) < 0)
		return bad(r, "5F24", "expiry", "not a date YYMMDD");
	if ((n = tagval(r, "5F30", b, 2)) == -1)
		return bad(r, "5F30", "no-service-code", "the record has no "
		    "service code");
	if (n < 0 || track_sc_n(b, (size_t)n, c->t.sc) < 0)
		return bad(r, "5F30", "service-code", "not a service code (n 3 "
		    "in 2 bytes)");
	if ((n = tagval(r, "5F20", b, TRACK_NAMEMAX)) == -1 && !nflag)
		return bad(r, "5F20", "no-name", "track 1 needs the cardholder "
		    "name (-n builds no track 1)");
	if (n != -1) {
		if (n < 2)
			return bad(r, "5F20", "name", "not 2-26 characters");
		if ((at = track_name_bad((char *)b, (size_t)n)) >= 0)
			return bad(r, "5F20", "name", "character %ld (0x%02X) "
			    "is not in the track 1 character set (20-5F "
			    "without %% ^ ?)", at + 1, b[at]);
		memcpy(c->t.name, b, (size_t)n);
		c->hasname = 1;
	}
	v = rec_value(r, "pvki");
	w = rec_value(r, "pvv");
	if ((v == NULL) != (w == NULL))
		return bad(r, v ? "pvki" : "pvv", "pvv", "pvki and pvv go "
		    "together");
	if (v != NULL) {
		if (strlen(v) != 1 || v[0] < '0' || v[0] > '9')
			return bad(r, "pvki", "pvv", "not 1 digit");
		if (strlen(w) != 4 || strspn(w, "0123456789") != 4)
			return bad(r, "pvv", "pvv", "not 4 digits");
		memcpy(c->pvki, v, 2);
		memcpy(c->pvv, w, 5);
		c->haspvv = 1;
	}
	return 0;
}

/* Compare parsed track data t, from field name, with the card. */
static int
agree(struct rec *r, const char *name, const struct track *t,
    const struct card *c, int t1)
{
	const char *what = NULL;

	if (strcmp(t->pan, c->t.pan) != 0)
		what = "PAN differs from 5A";
	else if (strcmp(t->expiry, c->t.expiry) != 0)
		what = "expiry differs from 5F24";
	else if (strcmp(t->sc, c->t.sc) != 0)
		what = "service code differs from 5F30";
	else if (t1 && c->hasname && strcmp(t->name, c->t.name) != 0)
		what = "name differs from 5F20";
	if (what == NULL)
		return 0;
	return bad(r, name, "track-mismatch", "%s", what);
}

/* Track data already on the record must agree with 5A, 5F24, 5F30 (and
 * 5F20): a personalization validator checks that first. */
static int
check_existing(struct rec *r, const struct card *c)
{
	static const char *tags[] = { "57", "9F6B", "56" };
	static const char *attrs[] = { "track1", "track2" };
	uint8_t b[TRACK1_MAX];
	const struct rec_field *f;
	struct track t;
	const char *why;
	char *s;
	size_t i, len;
	long n;
	int rc;

	for (i = 0; i < 3; i++) {
		if ((n = tagval(r, tags[i], b, sizeof b)) == -1)
			continue;
		if (n < 0)
			rc = bad(r, tags[i], "track-mismatch", "not hex");
		else if ((i < 2 ? track57_parse(b, (size_t)n, &t, &why) :
		    track1_parse((char *)b, (size_t)n, &t, &why)) < 0)
			rc = bad(r, tags[i], "track-mismatch", "not track data: "
			    "%s", why);
		else
			rc = agree(r, tags[i], &t, c, i == 2);
		explicit_bzero(b, sizeof b);
		explicit_bzero(&t, sizeof t);
		if (rc < 0)
			return -1;
	}
	for (i = 0; i < 2; i++) {
		if ((f = rec_get(r, attrs[i])) == NULL)
			continue;
		if ((s = rec_pct_decode(f->value, f->vallen, &len)) == NULL)
			return bad(r, attrs[i], "track-mismatch", "bad %% escape");
		rc = (i == 0 ? track1_parse(s, len, &t, &why) :
		    track2_parse(s, len, &t, &why)) < 0 ?
		    bad(r, attrs[i], "track-mismatch", "not track data: %s",
		    why) : agree(r, attrs[i], &t, c, i == 0);
		explicit_bzero(s, len);
		free(s);
		explicit_bzero(&t, sizeof t);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* What emv-track builds for one record; every buffer is wiped. */
struct out {
	char cvv[4], icvv[4], cvv2[4];
	struct track mag, chip;
	char t1[T1LEN], t2[TRACK2_MAX + 1];
	uint8_t t57[TRACK57_MAX];
	int n57;
	char emb1[32], emb2[6], emb3[TRACK_NAMEMAX + 1];
};

/* Parse built track data back and check it says what the card says, the
 * CVV where the layout puts it. */
static int
selfcheck(struct rec *r, const struct card *c, struct out *o)
{
	struct track t;
	const char *why;
	char v[4];
	int rc = 0;

	if (!nflag && (track1_parse(o->t1, strlen(o->t1), &t, &why) < 0 ||
	    agree(r, "track1", &t, c, 1) < 0 || track_disc_cvv(dflag, t.disc,
	    v) < 0 || strcmp(v, o->cvv) != 0))
		rc = -1;
	else if (track2_parse(o->t2, strlen(o->t2), &t, &why) < 0 ||
	    agree(r, "track2", &t, c, 0) < 0 || track_disc_cvv(dflag, t.disc,
	    v) < 0 || strcmp(v, o->cvv) != 0)
		rc = -1;
	else if (track57_parse(o->t57, (size_t)o->n57, &t, &why) < 0 ||
	    agree(r, "57", &t, c, 0) < 0 || track_disc_cvv(dflag, t.disc,
	    v) < 0 || strcmp(v, o->icvv) != 0)
		rc = -1;
	explicit_bzero(&t, sizeof t);
	explicit_bzero(v, sizeof v);
	if (rc < 0 && rec_get(r, "err") == NULL)
		bad(r, "-", "track-mismatch", "built track data does not read "
		    "back");
	return rc;
}

static int
build(struct rec *r, const struct card *c, struct out *o)
{
	const char *pk = c->haspvv ? c->pvki : NULL, *pv = c->haspvv ?
	    c->pvv : NULL, *why;

	if (cvv_compute(cvk.val, c->t.pan, c->t.expiry, c->t.sc, o->cvv) < 0 ||
	    cvv_compute(cvk.val, c->t.pan, c->t.expiry, CVV_SC_ICVV,
	    o->icvv) < 0 || cvv_compute(cvk.val, c->t.pan, c->t.expiry,
	    CVV_SC_CVV2, o->cvv2) < 0)
		return bad(r, "5A", "internal", "CVV computation failed");
	o->mag = o->chip = c->t;
	if (track_disc_build(dflag, pk, pv, o->cvv, o->mag.disc,
	    sizeof o->mag.disc) < 0 || track_disc_build(dflag, pk, pv, o->icvv,
	    o->chip.disc, sizeof o->chip.disc) < 0)
		return bad(r, "-", "track-length", "discretionary data too "
		    "long");
	if (!nflag && track1_build(&o->mag, o->t1, sizeof o->t1, &why) < 0)
		return bad(r, "track1", "track-length", "%s", why);
	if (track2_build(&o->mag, o->t2, sizeof o->t2, &why) < 0)
		return bad(r, "track2", "track-length", "%s", why);
	if ((o->n57 = track57_build(&o->chip, o->t57, &why)) < 0)
		return bad(r, "57", "track-length", "%s", why);
	if (track_emboss_pan(c->t.pan, o->emb1, sizeof o->emb1) < 0 ||
	    (c->hasname && track_emboss_name(c->t.name, o->emb3,
	    sizeof o->emb3) < 0))
		return bad(r, "-", "internal", "embossing line too long");
	track_emboss_date(c->t.expiry, o->emb2);
	return selfcheck(r, c, o);
}

/* Set attribute name to s, percent-encoded. */
static void
setattr(struct rec *r, const char *name, const char *s)
{
	char *e = rec_pct_encode(s, strlen(s));

	if (rec_set(r, name, e) < 0)
		bad(r, name, "internal", "value not accepted");
	explicit_bzero(e, strlen(e));
	free(e);
}

/* Set a tag from bytes (hex on the stack, wiped: it holds card data). */
static void
settag(struct rec *r, const char *name, const uint8_t *v, size_t n)
{
	char hex[2 * TRACK1_MAX + 1];

	hex_encode(v, n, hex);
	if (rec_set(r, name, hex) < 0)
		bad(r, name, "internal", "value not accepted");
	explicit_bzero(hex, sizeof hex);
}

static void
process(struct rec *r)
{
	struct card c;
	struct out o;

	memset(&o, 0, sizeof o);
	if (load(r, &c) < 0 || check_existing(r, &c) < 0 ||
	    build(r, &c, &o) < 0)
		goto out;
	settag(r, "57", o.t57, (size_t)o.n57);
	if (!nflag) {
		settag(r, "9F1F", (uint8_t *)o.chip.disc, strlen(o.chip.disc));
		setattr(r, "track1", o.t1);
	}
	setattr(r, "track2", o.t2);
	setattr(r, "cvv2", o.cvv2);
	setattr(r, "emboss1", o.emb1);
	setattr(r, "emboss2", o.emb2);
	if (c.hasname && o.emb3[0] != '\0')
		setattr(r, "emboss3", o.emb3);
	if (cvk.test)
		rec_set(r, "test", "1");
out:
	/* PAN, CVVs and track data: nothing of them stays in memory. */
	explicit_bzero(&c, sizeof c);
	explicit_bzero(&o, sizeof o);
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd;
	struct ks_lmk lmk;
	struct ks *ks;
	struct rec r;
	char errbuf[ERRLEN];
	FILE *in = stdin;
	int ch, rc, status;

	ks_harden();
	ks_lmk_default(&lmk);
	if ((Kflag = getenv("EMVPERSO_KEYSTORE")) == NULL || *Kflag == '\0')
		Kflag = "keys";
	while ((ch = getopt(argc, argv, "d:K:nv:")) != -1) {
		switch (ch) {
		case 'd':
			dflag = optarg;
			break;
		case 'K':
			Kflag = optarg;
			break;
		case 'n':
			nflag = 1;
			break;
		case 'v':
			vflag = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (vflag == NULL || argc > 1)
		usage();
	if (!track_layout_ok(dflag)) {
		warnx("-d %s: a layout is k, p, c and digits, c once", dflag);
		usage();
	}
	if (argc == 1 && strcmp(argv[0], "-") != 0 &&
	    (in = fopen(argv[0], "r")) == NULL)
		err(3, "%s", argv[0]);
	if ((ks = ks_open(Kflag, &lmk, errbuf, sizeof errbuf)) == NULL)
		errx(3, "%s", errbuf);
	if (ks_get(ks, vflag, KS_USE_CVV, &cvk, errbuf, sizeof errbuf) < 0) {
		ks_close(ks);
		errx(3, "%s", errbuf);
	}
	ks_close(ks);
	if (cvk.sym != SYM_3DES2 || cvk.len != 16) {
		ks_key_clear(&cvk);
		errx(3, "key %s: a CVK is 3des2 (CVK A || CVK B)", vflag);
	}
	rd = rec_reader_new(in);
	rec_init(&r);
	while ((rc = rec_next(rd, &r, stdout, &failed)) == 1) {
		process(&r);
		if (rec_write(stdout, &r) < 0)
			break;
	}
	ks_key_clear(&cvk);
	status = failed ? 1 : 0;
	if (rc < 0 || ferror(in)) {
		warn("%s", in != stdin ? argv[0] : "stdin");
		status = 3;
	}
	rec_free(&r);
	rec_reader_free(rd);
	if (in != stdin)
		fclose(in);
	if (rec_flush(stdout) < 0)
		status = 3;
	return status;
}
