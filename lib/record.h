/* record.h: the emvperso record stream (emvperso-record(5)).
 * One reader and one writer for every stage.  A record is one line of
 * NAME=VALUE fields separated by single spaces; comment and blank lines are
 * carried through untouched.  Memory use is bounded by the longest line. */
#ifndef EMV_RECORD_H
#define EMV_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum rec_name_kind {
	REC_TAG,	/* EMV tag in uppercase hex, value hex */
	REC_DGI,	/* DGI + 4 hex digits, value hex */
	REC_ATTR	/* lowercase pipeline attribute, value a token */
};

struct rec_field {
	const char *name;
	const char *value;
	size_t namelen;
	size_t vallen;
	enum rec_name_kind kind;
	uint32_t tag;		/* REC_TAG: the tag; REC_DGI: the DGI number */
};

enum rec_line_kind {
	REC_LINE_RECORD,	/* a record (possibly malformed: see perr) */
	REC_LINE_OTHER		/* comment or blank line: pass it on as is */
};

struct rec {
	enum rec_line_kind kind;
	unsigned long lineno;	/* input line number, from 1 */
	unsigned long recno;	/* record number, from 1, comments not counted */
	struct rec_field *f;	/* fields in order */
	size_t nf;
	/* Set by the reader when the line breaks the format: a short error
	 * code (emvperso-record(5)), a reason and the offending field name
	 * (or "-" when there is none).  The record is then carried on with
	 * err=perr by rec_pass_error.  NULL when the line is well formed. */
	const char *perr;
	const char *perr_reason;
	char perr_field[64];
	int truncated;		/* last line had no LF */
	/* private */
	char *raw;		/* the line as read, without LF */
	size_t rawlen, rawcap;
	char *buf;		/* parsed copy */
	size_t bufcap;
	size_t fcap;
	char **owned;		/* strings allocated by rec_set */
	size_t nowned, ownedcap;
	int dirty;
};

struct rec_reader;

/* Start reading records from fp. */
struct rec_reader *rec_reader_new(FILE *fp);

/* Read the next line into r (initialise r with rec_init first).
 * Returns 1 for a line, 0 at end of input, -1 on a read error (errno set).
 * Comment lines and blank lines come back as REC_LINE_OTHER. */
int rec_read(struct rec_reader *rd, struct rec *r);

/* Read the next record a stage has to work on.  Comment and blank lines,
 * records that already carry err, and malformed lines (marked with their
 * error via rec_pass_error, which also sets *failed) are written straight
 * to out.  Returns 1 for a record to process, 0 at end of input, -1 on a
 * read or write error (errno set). */
int rec_next(struct rec_reader *rd, struct rec *r, FILE *out, int *failed);

/* Run a stage over its file operands (none, or "-", is stdin): every
 * record to process goes through fn, then is written to stdout; every
 * other line passes as rec_next says.  A file that cannot be read is
 * reported (PROG: FILE: reason) and the others still run.  Returns the
 * exit status: 0, 1 if any record carries err after fn, 3 on a read or
 * write error. */
int rec_filter(int argc, char *argv[], void (*fn)(struct rec *, void *),
    void *arg);

/* Free the reader (not the FILE). */
void rec_reader_free(struct rec_reader *rd);

void rec_init(struct rec *r);

/* Free what r holds, wiping the line buffers (they may hold a PAN). */
void rec_free(struct rec *r);

/* The field with this name, or NULL. */
const struct rec_field *rec_get(const struct rec *r, const char *name);

/* Field value as a NUL-terminated string, or NULL if absent. */
const char *rec_value(const struct rec *r, const char *name);

/* Set a field: replace its value in place or append it.  The name must be
 * valid for the format; the value is copied.  Returns 0, or -1 on a bad
 * name or value (ENOMEM is fatal and exits). */
int rec_set(struct rec *r, const char *name, const char *value);

/* Set a hex-valued field (tag or DGI) from bytes. */
int rec_set_bin(struct rec *r, const char *name, const uint8_t *val, size_t len);

/* Remove a field if present. */
void rec_del(struct rec *r, const char *name);

/* Decode a tag or DGI field's hex value into a freshly allocated buffer
 * (*out, *len).  Returns 0, or -1 if the value is not hex. Caller frees. */
int rec_bin(const struct rec_field *f, uint8_t **out, size_t *len);

/* Write r to fp: exactly the input line when nothing was changed, else the
 * fields in order.  Always ends the line with LF.  Returns 0 or -1. */
int rec_write(FILE *fp, const struct rec *r);

/* 1 if the record already carries an err field (stages pass it on). */
int rec_has_error(const struct rec *r);

/* The name diagnostics use for a record: its id attribute, or its record
 * number when it has none.  Never the PAN. */
const char *rec_label(const struct rec *r, char buf[32]);

/* Report a per-record failure: print "PROG: record ID (line N): FIELD: REASON"
 * on stderr and set err=CODE on the record, unless it already has an err:
 * the first failure names the record's code.  field may be NULL ("-"). */
void rec_fail(struct rec *r, const char *field, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* For a line the reader found malformed: report it and mark it with
 * err=r->perr so it can be written on.  The fields of a malformed line are
 * not trusted; the raw line is kept and err appended to it. */
void rec_pass_error(struct rec *r);

/* Check a name: returns its kind, or -1 if it is not a valid field name.
 * For tags and DGIs *tag receives the number. */
int rec_name_check(const char *name, size_t n, uint32_t *tag);

/* Attribute values: percent-encode s into a new string (caller frees):
 * every byte outside printable ASCII 0x21-0x7E, and '%', becomes %XX. */
char *rec_pct_encode(const char *s, size_t n);

/* Percent-decode into a new NUL-terminated string (*outlen bytes, may
 * contain NUL).  Returns NULL on a malformed escape. */
char *rec_pct_decode(const char *s, size_t n, size_t *outlen);

/* Flush fp and report a write error: returns 0 or -1 (after printing
 * "PROG: stdout: reason"). */
int rec_flush(FILE *fp);

#endif
