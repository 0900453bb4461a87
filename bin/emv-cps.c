/* emv-cps: turn each prepared record into the EMV CPS 1.1 personalization
 * record the personalization device loads: the data groupings the card
 * needs, in the order and built the way a DGI map says, plus the few
 * attributes the device needs (emv-cps(1), emvperso-dgimap(5)).  It never
 * decrypts: sealed DGIs go through as they came, and no key store is
 * opened. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dgimap.h"
#include "hex.h"
#include "keystore.h"
#include "record.h"
#include "tlv.h"

#define DGIMAX 0xFFFF		/* a DGI's length field: FF xx xx */

/* One data grouping of the CPS record. */
struct item {
	uint16_t dgi;
	char name[8];
	const char *hex;	/* a field's value, as is; or NULL */
	uint8_t *bin;		/* the value (clear DGIs only), owned */
	size_t len;
	const char *flags;	/* dgimap_flags */
};

static struct dgimap **maps;
static size_t nmaps;

static void
usage(void)
{
	fprintf(stderr, "usage: %s -m map [-m map ...] [file]\n",
	    getprogname());
	exit(2);
}

static void
free_items(struct item *it, size_t n)
{
	size_t i;

	/* Record DGIs hold the PAN and track data. */
	for (i = 0; i < n; i++)
		if (it[i].bin != NULL) {
			explicit_bzero(it[i].bin, it[i].len);
			free(it[i].bin);
		}
	free(it);
}

static int
by_dgi(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return (x->dgi > y->dgi) - (x->dgi < y->dgi);
}

/* The map for r: the first one whose profile= lines match. */
static const struct dgimap *
pick(struct rec *r)
{
	const char *prof = rec_value(r, "profile");
	size_t i;

	for (i = 0; i < nmaps; i++)
		if (dgimap_match(maps[i], prof))
			return maps[i];
	if (prof == NULL)
		rec_fail(r, "profile", "no-map", "no-map: the record has no "
		    "profile and every map names its profiles");
	else
		rec_fail(r, "profile", "no-map", "no-map: no map for profile "
		    "%s", prof);
	return NULL;
}

/* Take field f as data grouping e->name (or f's own name when e is the
 * records=all entry).  Returns 0, or 1 once the record is marked. */
static int
take(struct rec *r, const struct dgimap_entry *e, const struct rec_field *f,
    struct item *it)
{
	size_t n = f->vallen / 2;
	struct tlv t;
	const uint8_t *p;

	memcpy(it->name, e->src == DGIMAP_RECORDS ? f->name : e->name, 8);
	it->dgi = e->src == DGIMAP_RECORDS ? (uint16_t)f->tag : e->dgi;
	it->hex = f->value;
	it->len = n;
	it->flags = dgimap_flags(e);
	if (n > DGIMAX) {
		rec_fail(r, f->name, "dgi-length", "dgi-length: %zu bytes, a "
		    "DGI holds at most %d", n, DGIMAX);
		return 1;
	}
	if (e->secret) {
		/* Ciphertext: whole 8-byte (3DES) or 16-byte (AES) blocks. */
		if (n == 0 || n % 8 != 0) {
			rec_fail(r, f->name, "bad-dgi", "bad-dgi: %zu bytes of "
			    "ciphertext are not whole cipher blocks", n);
			return 1;
		}
		return 0;
	}
	if ((it->bin = malloc(n ? n : 1)) == NULL)
		err(4, NULL);
	hex_decode_upper(f->value, f->vallen, it->bin);
	/* A record DGI is the whole record, 70 and its length (emv-facts
	 * 1.4, EMV CPS 1.1). */
	p = it->bin;
	if (e->src == DGIMAP_RECORDS && (n == 0 || it->bin[0] != 0x70 ||
	    tlv_next(&p, it->bin + n, &t) != 1 || p != it->bin + n)) {
		rec_fail(r, f->name, "bad-dgi", "bad-dgi: a record DGI is one "
		    "70 template and nothing else");
		return 1;
	}
	return 0;
}

static void
missing(struct rec *r, const struct dgimap_entry *e, const char *field)
{
	if (field == NULL)
		rec_fail(r, e->name, "missing-dgi", "missing-dgi: required, and "
		    "none of its tags is on the record");
	else
		rec_fail(r, field, "missing-dgi", "missing-dgi: not on the "
		    "record, and the map's %s needs it", e->name);
}

/* Make the items of r by map m, marking which of its first nf fields
 * they use (rec_fail may append err).  Returns the number of items, or -1
 * once the record is marked. */
static long
build(struct rec *r, size_t nf, const struct dgimap *m, struct item *it,
    char *used)
{
	const struct dgimap_entry *e;
	const struct rec_field *f;
	const char *miss;
	size_t i, j, k, n = 0, first;
	int bad = 0, rc;

	for (i = 0; i < m->ne; i++) {
		e = &m->e[i];
		switch (e->src) {
		case DGIMAP_FROM:
			if ((f = rec_get(r, e->from)) == NULL) {
				if (!e->optional) {
					missing(r, e, e->from);
					bad = 1;
				}
				continue;
			}
			used[f - r->f] = 1;
			bad |= take(r, e, f, &it[n++]);
			break;
		case DGIMAP_RECORDS:
			first = n;
			for (j = 0; j < nf; j++) {
				f = &r->f[j];
				if (f->kind != REC_DGI ||
				    !dgimap_record_dgi((uint16_t)f->tag) ||
				    dgimap_entry(m, (uint16_t)f->tag) != NULL)
					continue;
				used[j] = 1;
				bad |= take(r, e, f, &it[n++]);
			}
			if (n == first) {
				rec_fail(r, NULL, "missing-dgi", "missing-dgi: "
				    "records=all and no record DGI (DGI0101-"
				    "DGI1EFF)");
				bad = 1;
			}
			qsort(it + first, n - first, sizeof *it, by_dgi);
			break;
		default:
			rc = dgimap_build(e, r, &it[n].bin, &it[n].len, &miss);
			if (rc < 0) {
				rec_fail(r, e->name, "dgi-length", "dgi-length: "
				    "more than %d bytes", DGIMAX);
				bad = 1;
			} else if (rc > 0 && !e->optional) {
				missing(r, e, miss);
				bad = 1;
			}
			if (rc != 0)
				continue;
			for (k = 0; k < e->ntags; k++)
				if ((f = rec_get(r, e->tags[k].name)) != NULL)
					used[f - r->f] = 1;
			it[n].dgi = e->dgi;
			memcpy(it[n].name, e->name, 8);
			it[n++].flags = "";
		}
	}
	return bad ? -1 : (long)n;
}

/* 1 if some clear item holds tag field f with its value. */
static int
held(const struct rec_field *f, const struct item *it, size_t n)
{
	uint8_t *v;
	size_t i, len = f->vallen / 2;
	int found = 0;

	if ((v = malloc(len ? len : 1)) == NULL)
		err(4, NULL);
	hex_decode_upper(f->value, f->vallen, v);
	for (i = 0; i < n && !found; i++)
		if (it[i].bin != NULL)
			found = dgimap_holds(it[i].bin, it[i].len, f->tag, v,
			    len);
	explicit_bzero(v, len);
	free(v);
	return found;
}

/* Every tag and DGI of r's first nf fields goes to the card, or the map
 * says to ignore it: report the others.  Returns 1 if one was found. */
static int
unmapped(struct rec *r, size_t nf, const struct dgimap *m,
    const struct item *it, size_t n, const char *used)
{
	const struct rec_field *f;
	size_t i;
	int bad = 0;

	/* rec_fail may move r->f: take f afresh each time. */
	for (i = 0; i < nf; i++) {
		f = &r->f[i];
		if (used[i] || f->kind == REC_ATTR ||
		    dgimap_ignores(m, f->name, f->namelen) ||
		    (f->kind == REC_TAG && (f->tag == 0x4F || f->tag == 0x84)))
			continue;
		if (f->kind == REC_TAG && held(f, it, n))
			continue;
		rec_fail(r, f->name, "unmapped", "unmapped: %s",
		    f->kind == REC_DGI ? "no line of the map takes it" :
		    "no DGI of the map holds it");
		bad = 1;
	}
	return bad;
}

/* Write into out the CPS record of r.  Returns 1 if r was marked. */
static int
cps(struct rec *r, struct rec *out)
{
	const struct dgimap *m;
	const struct rec_field *f;
	const char *v;
	struct item *it;
	char *used, *list, *p;
	long n;
	size_t i, nf = r->nf;
	int bad = 0, secret = 0;

	if ((m = pick(r)) == NULL)
		return 1;
	if ((v = rec_value(r, "aid")) != NULL && strcmp(v, m->aid) != 0) {
		rec_fail(r, "aid", "aid-mismatch", "aid-mismatch: the record "
		    "is for %s, %s for %s", v, m->file, m->aid);
		return 1;
	}
	/* The card gets its AID (4F) and DF name (84) as the instance AID
	 * the device installs: they must be the map's. */
	for (i = 0; i < 2; i++)
		if ((v = rec_value(r, i ? "84" : "4F")) != NULL &&
		    strcmp(v, m->aid) != 0) {
			rec_fail(r, i ? "84" : "4F", "aid-mismatch",
			    "aid-mismatch: the record is for %s, %s for %s",
			    v, m->file, m->aid);
			return 1;
		}
	if ((it = calloc(m->ne + nf, sizeof *it)) == NULL ||
	    (used = calloc(nf ? nf : 1, 1)) == NULL)
		err(4, NULL);
	if ((n = build(r, nf, m, it, used)) < 0 ||
	    unmapped(r, nf, m, it, (size_t)n, used)) {
		bad = 1;
		goto done;
	}
	for (i = 0; i < (size_t)n; i++)
		secret |= it[i].flags[0] != '\0';
	if (secret && rec_get(r, "kek") == NULL) {
		rec_fail(r, "kek", "no-kek", "no-kek: secret DGIs and no kek "
		    "naming their transport key");
		bad = 1;
		goto done;
	}

	rec_free(out);
	rec_init(out);
	out->lineno = r->lineno;
	out->recno = r->recno;
	for (i = 0; i < nf; i++) {
		f = &r->f[i];
		if (f->kind == REC_ATTR && dgimap_keeps(m, f->name, f->namelen))
			rec_set(out, f->name, f->value);
	}
	rec_set(out, "aid", m->aid);
	/* cps=9102,0101,8000:e,...: every DGI field, in order, with the
	 * device's flags (emv-cps(1)). */
	if ((p = list = malloc(8 * (size_t)n + 1)) == NULL)
		err(4, NULL);
	for (i = 0; i < (size_t)n; i++)
		p += sprintf(p, "%s%04X%s%s", i ? "," : "", it[i].dgi,
		    it[i].flags[0] ? ":" : "", it[i].flags);
	*p = '\0';
	rec_set(out, "cps", list);
	free(list);
	for (i = 0; i < (size_t)n; i++)
		if (it[i].hex != NULL)
			rec_set(out, it[i].name, it[i].hex);
		else
			rec_set_bin(out, it[i].name, it[i].bin, it[i].len);
done:
	free_items(it, m->ne + nf);
	free(used);
	return bad;
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd;
	struct rec r, out;
	struct dgimap **nm;
	const char *fname = "stdin";
	char errbuf[512];
	FILE *fp = stdin;
	size_t i;
	int c, rc, failed = 0, bad;

	/* No keys here, but records hold PANs and track data. */
	ks_harden();
	while ((c = getopt(argc, argv, "m:")) != -1)
		switch (c) {
		case 'm':
			if ((nm = realloc(maps, (nmaps + 1) * sizeof *nm)) ==
			    NULL)
				err(4, NULL);
			maps = nm;
			if ((maps[nmaps] = dgimap_load(optarg, errbuf,
			    sizeof errbuf)) == NULL)
				errx(3, "%s", errbuf);
			nmaps++;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc > 1 || nmaps == 0)
		usage();
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		fname = argv[0];
		if ((fp = fopen(fname, "r")) == NULL)
			err(3, "%s", fname);
	}

	rd = rec_reader_new(fp);
	rec_init(&r);
	rec_init(&out);
	while ((rc = rec_next(rd, &r, stdout, &failed)) == 1) {
		bad = cps(&r, &out);
		failed |= bad;
		if (rec_write(stdout, bad ? &r : &out) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc < 0 && ferror(fp))
		warn("%s", fname);
	rec_free(&r);
	rec_free(&out);
	rec_reader_free(rd);
	for (i = 0; i < nmaps; i++)
		dgimap_free(maps[i]);
	free(maps);
	if (fp != stdin)
		fclose(fp);
	if (rec_flush(stdout) < 0 || rc < 0)
		return 3;
	return failed ? 1 : 0;
}
