/* emv-import: read an issuer's cardholder file, CSV with a header row or
 * fixed-width with a layout, and write one emvperso record per card. */
#include <sys/resource.h>

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "date.h"
#include "fixed.h"
#include "import.h"
#include "record.h"

#define PREFIXMAX	20	/* leaves room for the row number in an id */

struct failure {
	const char *field;	/* NULL: the row as a whole */
	const char *code;
	char why[160];
};

static int iflag;
static const char *lflag, *mflag, *pflag = "";

static struct import_map map;
static struct import_ids *ids;
static struct failure *fails;
static size_t nfails;
static int failed;

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-i] [-l layout] [-m map] [-p prefix] "
	    "[file]\n", getprogname());
	exit(2);
}

/* Note a failure; the record gets its err once all its fields are set, so
 * that err comes last. */
static void
fail(const char *field, const char *code, const char *fmt, ...)
{
	struct failure *f = &fails[nfails++];
	va_list ap;

	f->field = field;
	f->code = code;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
}

static void
report(struct rec *r)
{
	size_t i;

	for (i = 0; i < nfails; i++)
		rec_fail(r, fails[i].field, fails[i].code, "%s: %s",
		    fails[i].code, fails[i].why);
	if (nfails > 0)
		failed = 1;
	nfails = 0;
}

/* Set the id attribute: from the id column when it holds a good one, else
 * the prefix and the row number.  A malformed row has no trusted columns:
 * its id column could hold anything, a PAN included. */
static void
set_id(const struct csv_row *row, int whole, unsigned long rowno,
    struct rec *r)
{
	const struct import_entry *ie, *pe;
	const char *code;
	char why[160], gen[48], *v = NULL;
	unsigned long seen;
	size_t n;

	snprintf(gen, sizeof gen, "%s%lu", pflag, rowno);
	ie = import_map_find(&map, IMP_ID);
	if (!whole || ie == NULL || !ie->bound) {
		rec_set(r, "id", gen);
		return;
	}
	if ((n = row->len[ie->col]) == 0)
		fail("id", "missing", "column %s is empty", ie->column);
	else if ((code = import_convert(ie, row->f[ie->col], n, &v, NULL,
	    why, sizeof why)) != NULL)
		fail("id", code, "%s", why);
	else if ((pe = import_map_find(&map, IMP_PAN)) != NULL &&
	    pe->bound && row->len[pe->col] == n &&
	    memcmp(row->f[pe->col], v, n) == 0)
		fail("id", "id", "the id must not be the PAN");
	else if ((seen = import_ids_add(ids, v, row->lineno)) != 0)
		fail("id", "dup-id", "id also on line %lu", seen);
	/* A duplicate is a good id, and names the record best. */
	rec_set(r, "id", v != NULL && (nfails == 0 ||
	    strcmp(fails[0].code, "dup-id") == 0) ? v : gen);
	if (v != NULL) {
		explicit_bzero(v, strlen(v));
		free(v);
	}
}

/* Convert the fields of one row into r. */
static void
convert(const struct csv_row *row, size_t ncols, unsigned long rowno,
    struct rec *r)
{
	const struct import_entry *e;
	const char *code;
	struct date d, exp, eff;
	char a[11], b[11], why[160], *v;
	int hasexp = 0, haseff = 0;
	size_t i, n;

	r->kind = REC_LINE_RECORD;
	r->lineno = row->lineno;
	r->recno = rowno;
	set_id(row, row->err == NULL && row->nf == ncols, rowno, r);
	if (row->err != NULL) {
		fail(NULL, lflag ? "fixed" : "csv", "%s", row->err);
		return;
	}
	if (row->nf != ncols) {
		fail(NULL, "csv", "%zu fields, the header has %zu", row->nf,
		    ncols);
		return;
	}
	for (i = 0; i < map.n; i++) {
		e = &map.e[i];
		if (!e->bound || e->type == IMP_SKIP || e->type == IMP_ID)
			continue;
		if ((n = row->len[e->col]) == 0) {
			if (e->required)
				fail(e->field, "missing", "column %s is empty",
				    e->column);
			continue;
		}
		if ((code = import_convert(e, row->f[e->col], n, &v, &d, why,
		    sizeof why)) != NULL) {
			fail(e->field, code, "%s", why);
			continue;
		}
		if (rec_set(r, e->field, v) < 0)
			fail(e->field, "internal", "value not accepted");
		explicit_bzero(v, strlen(v));
		free(v);
		if (e->type == IMP_EXPIRY && !hasexp) {
			exp = d;
			hasexp = 1;
		} else if (e->type == IMP_EFFECTIVE && !haseff) {
			eff = d;
			haseff = 1;
		}
	}
	if (hasexp && haseff && date_cmp(&exp, &eff) <= 0) {
		date_iso(&exp, a);
		date_iso(&eff, b);
		fail("5F24", "dates", "expiry %s is not after effective %s",
		    a, b);
	}
}

static void
load_map(void)
{
	FILE *fp;
	char why[160];

	if (mflag == NULL) {
		import_map_default(&map);
		return;
	}
	if ((fp = fopen(mflag, "r")) == NULL)
		err(3, "%s", mflag);
	if (import_map_read(&map, fp, why, sizeof why) < 0)
		errx(3, "%s: %s", mflag, why);
	fclose(fp);
}

/* Read the layout and bind its column names to the map. */
static struct fixed_layout *
load_layout(void)
{
	struct fixed_layout *lo;
	FILE *fp;
	char why[160], **names;
	size_t i, *lens;

	if ((fp = fopen(lflag, "r")) == NULL)
		err(3, "%s", lflag);
	if ((lo = fixed_layout_read(fp, why, sizeof why)) == NULL)
		errx(3, "%s: %s", lflag, why);
	fclose(fp);
	if ((names = calloc(lo->n, sizeof *names)) == NULL ||
	    (lens = calloc(lo->n, sizeof *lens)) == NULL)
		err(4, NULL);
	for (i = 0; i < lo->n; i++) {
		names[i] = lo->c[i].name;
		lens[i] = strlen(names[i]);
	}
	if (import_map_bind(&map, names, lens, lo->n, iflag, why,
	    sizeof why) < 0)
		errx(3, "%s: %s", lflag, why);
	free(names);
	free(lens);
	return lo;
}

int
main(int argc, char *argv[])
{
	static const struct rlimit nocore = { 0, 0 };
	struct csv_reader *cr = NULL;
	struct fixed_reader *fr = NULL;
	struct fixed_layout *lo = NULL;
	struct csv_row row;
	struct rec r;
	const char *fname = "<stdin>";
	char why[256];
	unsigned long rowno = 0;
	size_t i, ncols;
	FILE *in = stdin;
	int c, rc;

	/* Rows hold PANs and PIN blocks: no core files. */
	setrlimit(RLIMIT_CORE, &nocore);
	while ((c = getopt(argc, argv, "il:m:p:")) != -1) {
		switch (c) {
		case 'i':
			iflag = 1;
			break;
		case 'l':
			lflag = optarg;
			break;
		case 'm':
			mflag = optarg;
			break;
		case 'p':
			pflag = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	for (i = 0; pflag[i] != '\0'; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-", pflag[i]) || i >= PREFIXMAX) {
			warnx("-p: a prefix is up to %d of A-Z a-z 0-9 . _ -",
			    PREFIXMAX);
			usage();
		}
	load_map();
	if (lflag != NULL)
		lo = load_layout();
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		fname = argv[0];
		if ((in = fopen(fname, "r")) == NULL)
			err(3, "%s", fname);
	}
	if (lo != NULL) {
		ncols = lo->n;
		fr = fixed_open(in, lo);
	} else {
		cr = csv_open(in);
		if ((rc = csv_read(cr, &row)) < 0)
			err(3, "%s", fname);
		if (rc == 0)
			errx(3, "%s: no header row", fname);
		if (row.err != NULL)
			errx(3, "%s: line %lu: header: %s", fname, row.lineno,
			    row.err);
		if (row.len[0] >= 3 && memcmp(row.f[0], "\xEF\xBB\xBF", 3) == 0)
			errx(3, "%s: header: starts with a byte order mark",
			    fname);
		if (import_map_bind(&map, row.f, row.len, row.nf, iflag, why,
		    sizeof why) < 0)
			errx(3, "%s: line %lu: header: %s", fname, row.lineno,
			    why);
		ncols = row.nf;
	}
	if ((fails = calloc(map.n + 3, sizeof *fails)) == NULL)
		err(4, NULL);
	ids = import_ids_new();
	for (;;) {
		rc = cr != NULL ? csv_read(cr, &row) : fixed_read(fr, &row);
		if (rc <= 0)
			break;
		rec_init(&r);
		convert(&row, ncols, ++rowno, &r);
		report(&r);
		if (rec_write(stdout, &r) < 0) {
			rec_free(&r);
			break;
		}
		rec_free(&r);
	}
	if (rc < 0)
		err(3, "%s", fname);
	csv_close(cr);
	fixed_close(fr);
	fixed_layout_free(lo);
	import_ids_free(ids);
	import_map_free(&map);
	free(fails);
	if (in != stdin)
		fclose(in);
	if (rec_flush(stdout) < 0)
		return 3;
	return failed ? 1 : 0;
}
