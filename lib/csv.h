/* csv.h: a streaming reader of comma-separated values as RFC 4180 defines
 * them: fields in double quotes may hold commas, line breaks and doubled
 * quotes; lines end in CRLF or LF.  Memory grows only with the longest row.
 * The fixed-width reader (fixed.h) hands out rows of the same shape. */
#ifndef EMV_CSV_H
#define EMV_CSV_H

#include <stdio.h>

/* One row: nf NUL-terminated fields, valid until the next read. */
struct csv_row {
	char **f;
	size_t *len;		/* length of each field (fields hold no NUL) */
	size_t nf;
	unsigned long lineno;	/* physical line where the row starts, from 1 */
	/* NULL, or why the row is malformed; then f and nf are empty and
	 * the reader has skipped to the end of the physical line. */
	const char *err;
};

struct csv_reader;

/* Start reading fp. */
struct csv_reader *csv_open(FILE *fp);

/* Read the next row, skipping empty lines.  Returns 1 for a row (check
 * row->err), 0 at end of input, -1 on a read error (errno set). */
int csv_read(struct csv_reader *cr, struct csv_row *row);

/* Free the reader, wiping its buffers (rows hold PANs).  Not the FILE. */
void csv_close(struct csv_reader *cr);

#endif
