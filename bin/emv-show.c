/* emv-show: show emvperso records to a person, field by field, decoded by
 * the EMV data dictionary; or, with -c, check every field against it and
 * pass the records on, marking those that fail (emv-show(1)). */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dict.h"
#include "record.h"
#include "show.h"
#include "tlv.h"

#define INDENT 2

static int cflag;	/* check and pass on instead of showing */
static int uflag;	/* PAN and track data in the clear */

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-u] [file ...]\n"
	    "       %s -c [file ...]\n", getprogname(), getprogname());
	exit(2);
}

/* An attribute: its value percent-decoded, quoted if that changed it. */
static void
attribute(struct show *s, const struct rec_field *f)
{
	char *d;
	size_t n;

	printf("%*s%-4s  attribute: ", INDENT, "", f->name);
	if (show_attr_secret(f->name, f->namelen)) {
		printf("(%zu characters, never shown)\n", f->vallen);
		return;
	}
	if (!uflag && show_attr_carddata(f->name, f->namelen)) {
		printf("(%zu characters of card data, shown with -u)\n",
		    f->vallen);
		return;
	}
	if ((d = rec_pct_decode(f->value, f->vallen, &n)) != NULL &&
	    (n != f->vallen || memcmp(d, f->value, n) != 0))
		show_text(s, (const uint8_t *)d, n);
	else
		show_str(s, f->value, f->vallen);
	putchar('\n');
	if (d != NULL) {
		explicit_bzero(d, n);
		free(d);
	}
}

/* 1 if buf reads as data objects: well-formed BER-TLV whose top-level
 * tags are templates or in the dictionary (not positional binary that
 * happens to parse). */
static int
looks_tlv(const uint8_t *buf, size_t n)
{
	const uint8_t *p = buf, *end = buf + n;
	struct tlv t;

	if (n == 0 || tlv_validate(buf, n, NULL) != 0)
		return 0;
	while (tlv_next(&p, end, &t) == 1)
		if (!t.constructed && dict_lookup(t.tag) == NULL)
			return 0;
	return 1;
}

static void
dgi(struct show *s, const struct rec_field *f, const char *kek)
{
	char name[80];
	const char *what;
	uint8_t *v;
	size_t n;

	what = dict_dgi_name((uint16_t)f->tag, name, sizeof name);
	printf("%*s%s  %s:", INDENT, "", f->name,
	    what != NULL ? what : "data grouping");
	/* Secret DGIs: never a byte of them, even with -u. */
	if (dict_dgi_secret((uint16_t)f->tag)) {
		if (kek != NULL)
			printf(" (encrypted under %s)\n", kek);
		else
			printf(" (encrypted; the record names no kek)\n");
		return;
	}
	if (rec_bin(f, &v, &n) < 0) {
		printf(" (not hex)\n");
		return;
	}
	if (looks_tlv(v, n)) {
		putchar('\n');
		show_tlv(s, v, n, INDENT + SHOW_STEP);
	} else {
		putchar(' ');
		show_hex(s, v, n);
		putchar('\n');
	}
	explicit_bzero(v, n);
	free(v);
}

static void
show_record(struct show *s, struct rec *r)
{
	const struct rec_field *f;
	const char *err;
	char lab[32];
	uint8_t *v;
	size_t i, n;

	printf("record %s (line %lu)", rec_label(r, lab), r->lineno);
	if (r->perr != NULL) {
		/* A malformed line's fields are not trusted: none shown. */
		printf(": malformed: %s: %s: %s\n", r->perr_field, r->perr,
		    r->perr_reason);
		return;
	}
	if ((err = rec_value(r, "err")) != NULL)
		printf(": error %s", err);
	putchar('\n');
	show_learn(s, r);
	for (i = 0; i < r->nf; i++) {
		f = &r->f[i];
		if (f->kind == REC_ATTR)
			attribute(s, f);
		else if (f->kind == REC_DGI)
			dgi(s, f, rec_value(r, "kek"));
		else if (rec_bin(f, &v, &n) == 0) {
			show_element(s, f->tag, v, n, INDENT);
			explicit_bzero(v, n);
			free(v);
		}
	}
	show_forget(s);
}

/* Check one field: 0, or the err code with a reason in why. */
static const char *
check_field(const struct rec_field *f, const char *kek, char *why,
    size_t whysz)
{
	const struct dict_entry *e;
	const char *code = NULL;
	uint8_t *v;
	size_t n;
	int rc = DICT_OK;

	if (rec_bin(f, &v, &n) < 0) {
		snprintf(why, whysz, "value is not hex");
		return "bad-value";
	}
	if (f->kind == REC_TAG) {
		if ((e = dict_lookup(f->tag)) != NULL)
			rc = dict_check(e, v, n, why, whysz);
		else if (tlv_tag_constructed(f->tag))
			rc = dict_check_tlv(v, n, NULL, why, whysz);
	} else if (dict_dgi_secret((uint16_t)f->tag)) {
		/* Ciphertext of 3DES or AES: whole 8-byte blocks. */
		if (kek == NULL) {
			snprintf(why, whysz, "encrypted DGI but no kek "
			    "attribute");
			code = "no-kek";
		} else if (n % 8) {
			snprintf(why, whysz, "%zu bytes of ciphertext, not a "
			    "multiple of 8", n);
			code = "bad-length";
		}
	} else if (f->tag >> 8 >= 0x01 && f->tag >> 8 <= 0x1E && n > 0 &&
	    v[0] == 0x70) {
		/* A record DGI holds the whole record, 70 template and all
		 * (CPS 1.1; emv-facts 1.4). */
		rc = dict_check_tlv(v, n, NULL, why, whysz);
	}
	explicit_bzero(v, n);
	free(v);
	return rc != DICT_OK ? dict_errcode(rc) : code;
}

/* -c on one record: 1 if it was marked with err. */
static int
check_record(struct rec *r)
{
	const struct rec_field *f;
	const char *code, *kek = rec_value(r, "kek");
	char why[256];
	size_t i;

	for (i = 0; i < r->nf; i++) {
		f = &r->f[i];
		if (f->kind == REC_ATTR)
			continue;
		if ((code = check_field(f, kek, why, sizeof why)) != NULL) {
			rec_fail(r, f->name, code, "%s: %s", code, why);
			return 1;
		}
	}
	return 0;
}

/* Read one input; returns the exit status it calls for. */
static int
run(FILE *fp, const char *name)
{
	static int shown;
	struct rec_reader *rd = rec_reader_new(fp);
	struct show s;
	struct rec r;
	int rc, failed = 0;

	rec_init(&r);
	show_init(&s, stdout, uflag);
	if (cflag) {
		while ((rc = rec_next(rd, &r, stdout, &failed)) == 1) {
			failed |= check_record(&r);
			if (rec_write(stdout, &r) < 0)
				break;
		}
	} else {
		while ((rc = rec_read(rd, &r)) == 1) {
			if (r.kind == REC_LINE_OTHER) {
				if (r.rawlen > 0)
					printf("%s\n", r.raw);
				continue;
			}
			if (shown++)
				putchar('\n');
			if (r.perr != NULL) {
				show_record(&s, &r);
				rec_pass_error(&r);
				failed = 1;
			} else
				show_record(&s, &r);
		}
	}
	if (rc < 0 || ferror(fp))
		warn("%s", name);
	else if (ferror(stdout))
		rc = -1;
	rec_free(&r);
	rec_reader_free(rd);
	return rc < 0 || ferror(fp) ? 3 : failed;
}

int
main(int argc, char *argv[])
{
	FILE *fp;
	int ch, i, rc, status = 0;

	while ((ch = getopt(argc, argv, "cu")) != -1)
		switch (ch) {
		case 'c':
			cflag = 1;
			break;
		case 'u':
			uflag = 1;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (cflag && uflag)
		usage();
	if (argc == 0)
		status = run(stdin, "stdin");
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			rc = run(stdin, "stdin");
		else if ((fp = fopen(argv[i], "r")) == NULL) {
			warn("%s", argv[i]);
			rc = 3;
		} else {
			rc = run(fp, argv[i]);
			fclose(fp);
		}
		if (rc > status)
			status = rc;
	}
	if (rec_flush(stdout) < 0)
		status = 3;
	return status;
}
