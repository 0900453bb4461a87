/* fixed.h: fixed-width issuer files.  A layout file names each column and
 * its byte positions (emv-import(1), LAYOUT FILE); every non-empty line of
 * the data is one row, handed out as a struct csv_row. */
#ifndef EMV_FIXED_H
#define EMV_FIXED_H

#include <stdio.h>

#include "csv.h"

struct fixed_col {
	char *name;
	size_t start;		/* byte offset, from 0 */
	size_t len;
};

struct fixed_layout {
	struct fixed_col *c;
	size_t n;
	size_t reclen;		/* bytes a line needs: end of the last column */
};

/* Read a layout: lines "NAME START LENGTH" (START counted from 1), '#'
 * comments and blank lines.  Columns must not overlap.  Returns the
 * layout, or NULL with "line N: reason" in err. */
struct fixed_layout *fixed_layout_read(FILE *fp, char *err, size_t errlen);

void fixed_layout_free(struct fixed_layout *lo);

struct fixed_reader;

/* Start reading rows of layout lo (which must outlive the reader) from fp. */
struct fixed_reader *fixed_open(FILE *fp, const struct fixed_layout *lo);

/* Read the next row, one field per layout column in layout order, with
 * the spaces around each field removed.  Lines end in LF or CRLF; empty
 * lines are skipped; bytes past reclen are ignored.  A line shorter than
 * reclen or holding a NUL byte comes back with row->err set.
 * Returns 1, 0 at end of input, -1 on a read error. */
int fixed_read(struct fixed_reader *fr, struct csv_row *row);

/* Free the reader, wiping its buffers.  Not the FILE. */
void fixed_close(struct fixed_reader *fr);

#endif
