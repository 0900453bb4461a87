/* emv-records: build a card's records from its layout: one DGIssrr per
 * record (EMV CPS 1.1), the AFL (94) that names them (EMV 4.4 Book 3,
 * 10.2), and a check that every tag the layout names is there or is one
 * a later stage makes (emv-records(1)). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cardrec.h"
#include "record.h"
#include "tlv.h"

static void
usage(void)
{
	fprintf(stderr, "usage: %s [file ...]\n", getprogname());
	exit(2);
}

/* Check every record of the layout; returns 1 if r failed. */
static int
check(struct rec *r, const struct cardrec_layout *l)
{
	const struct cardrec_entry *e;
	uint8_t *b;
	size_t i, j, n;
	uint32_t miss;
	char why[256], tn[8];
	int rc, failed = 0;

	for (i = 0; i < l->n; i++) {
		e = &l->e[i];
		if ((rc = cardrec_build(r, e, &b, &n, &miss, why,
		    sizeof why)) < 0) {
			cardrec_fail(r, rc, why);
			failed = 1;
			continue;
		}
		explicit_bzero(b, n);
		free(b);
		for (j = 0; j < e->ntags; j++) {
			snprintf(tn, sizeof tn, "%0*X",
			    (int)(2 * tlv_tag_size(e->tags[j])),
			    (unsigned)e->tags[j]);
			if (rec_get(r, tn) != NULL || e->optional >> j & 1 ||
			    cardrec_late_tag(e->tags[j]))
				continue;
			rec_fail(r, tn, "missing-tag", "missing-tag: absent, "
			    "and the layout puts it into %sDGI%02X%02X",
			    e->oda ? "ODA record " : "", e->sfi, e->recno);
			failed = 1;
		}
	}
	if (rec_get(r, "82") == NULL) {
		rec_fail(r, "82", "missing-tag", "missing-tag: absent, and the "
		    "AFL goes with an AIP");
		failed = 1;
	}
	return failed;
}

static void
records(struct rec *r, void *arg)
{
	(void)arg;
	struct cardrec_layout l;
	uint8_t afl[4 * CARDREC_MAXREC];
	size_t i, n;
	char why[256];
	int rc;

	if ((rc = cardrec_layout_get(r, &l, why, sizeof why)) < 0) {
		cardrec_fail(r, rc, why);
		return;
	}
	if (check(r, &l))
		return;
	n = cardrec_afl(&l, afl, sizeof afl);
	rec_set_bin(r, "94", afl, n);
	for (i = 0; i < l.n; i++)
		if ((rc = cardrec_write(r, &l.e[i], why, sizeof why)) < 0) {
			cardrec_fail(r, rc, why);
			return;
		}
}

int
main(int argc, char *argv[])
{
	int ch, status;

	while ((ch = getopt(argc, argv, "")) != -1)
		usage();
	argc -= optind;
	argv += optind;
	status = rec_filter(argc, argv, records, NULL);
	return status;
}
