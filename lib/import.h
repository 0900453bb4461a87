/* import.h: from issuer file columns to record fields (emv-import(1)):
 * the column map, the conversion and checks of each value, and the set of
 * ids seen in a batch. */
#ifndef EMV_IMPORT_H
#define EMV_IMPORT_H

#include <stddef.h>
#include <stdio.h>

#include "date.h"

enum import_type {
	IMP_SKIP,	/* the column is read and ignored */
	IMP_ID,		/* the id attribute */
	IMP_PAN,	/* cn, F-padded BCD (5A) */
	IMP_PSN,	/* n 2, one byte (5F34) */
	IMP_NAME,	/* ans 2-26, ISO/IEC 7813 name (5F20) */
	IMP_EXPIRY,	/* n 6 YYMMDD, last day of a bare month (5F24) */
	IMP_EFFECTIVE,	/* n 6 YYMMDD, first day of a bare month (5F25) */
	IMP_SERVICE,	/* n 3 in two bytes (5F30) */
	IMP_PINBLOCK,	/* 16 or 32 hex digits, an attribute */
	IMP_HEX,	/* hex digits of whole bytes */
	IMP_TEXT	/* bytes: hex for a tag, percent-encoded for an attribute */
};

struct import_entry {
	char *column;		/* name in the header or layout */
	char *field;		/* record field; NULL for IMP_SKIP */
	int kind;		/* enum rec_name_kind of field */
	enum import_type type;
	int required;		/* 5A and 5F24: an empty value is an error */
	size_t col;		/* index in the row, once bound */
	int bound;
};

struct import_map {
	struct import_entry *e;
	size_t n;
};

/* The built-in map: columns id profile pan psn name expiry effective
 * service_code pinblock, and the fields come out in that order. */
void import_map_default(struct import_map *m);

/* Read a map file: lines "COLUMN FIELD [TYPE]", '#' comments, blank lines;
 * FIELD "-" skips the column.  Returns 0, or -1 with "line N: reason" in
 * err (then m is empty). */
int import_map_read(struct import_map *m, FILE *fp, char *err, size_t errlen);

void import_map_free(struct import_map *m);

/* Bind the column names of a header row or layout to the map: every name
 * must be a column name, appear once and be in the map (unless ignore),
 * and 5A and 5F24 must have a column.  Returns 0, or -1 with a reason in
 * err that never quotes a name that is not a valid column name. */
int import_map_bind(struct import_map *m, char *const *names,
    const size_t *lens, size_t n, int ignore, char *err, size_t errlen);

/* The entry of the first column of type t, or NULL. */
const struct import_entry *import_map_find(const struct import_map *m,
    enum import_type t);

/* 1 if s[0..n) is a valid column name: a letter, then letters, digits,
 * '_', '-' or '.', 64 bytes at most. */
int import_colname_ok(const char *s, size_t n);

/* Convert the non-empty value s[0..n) of column e into the record value
 * *out (allocated; the caller wipes and frees it); dates also go to *d.
 * Returns NULL, or an err code with the reason in why.  The reason never
 * quotes the value, save a masked PAN. */
const char *import_convert(const struct import_entry *e, const char *s,
    size_t n, char **out, struct date *d, char *why, size_t whylen);

/* Ids seen so far: memory grows with the number of distinct ids. */
struct import_ids;

struct import_ids *import_ids_new(void);

/* Add id, first seen on line.  Returns 0 if it is new, else the line
 * where it was seen before. */
unsigned long import_ids_add(struct import_ids *ids, const char *id,
    unsigned long line);

void import_ids_free(struct import_ids *ids);

#endif
