/* cardrec.h: the card's records (EMV 4.4 Book 3, 5.3 and 10.2) built from a
 * record's fields and its layout attribute (emvperso-profile(5)).
 *
 * The layout attribute says which tags go into which record and which
 * records take part in offline data authentication:
 *
 *	layout=0101o:57.5F20.9F1F,0201o:5A.5F24,0301:8F.90.92.9F32
 *
 * one entry per record, comma-separated: SFI (2 hex digits, 01-1E), record
 * number (2 hex digits, 01-FF), "o" when the record is an ODA record, ":",
 * the tags in the order the record holds them, separated by "."; a tag
 * followed by "?" may be absent (5F25?, the remainder 92?).
 *
 * A record (struct rec) keeps every tag as its own field, so emv-show and
 * every stage read tag values from the fields; the DGIssrr fields are the
 * card image: the 70 template of SFI ss record rr, its objects in layout
 * order, each object the value of the field of the same tag.  A DGI is
 * rebuilt from the fields whenever a stage places a tag into it
 * (cardrec_place), and the static data to be authenticated is taken from
 * the DGIs after checking that they are what their fields make.
 *
 * Functions returning int give 0 on success or a negative CARDREC_E*
 * code; their why buffer then holds "FIELD: reason", which cardrec_fail
 * turns into the record's err and diagnostic. */
#ifndef EMV_CARDREC_H
#define EMV_CARDREC_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define CARDREC_MAXREC	64	/* records in a layout */
#define CARDREC_MAXTAG	32	/* tags in one record */
#define CARDREC_MAXRECORD 254	/* bytes of one record, 70 and length included */

enum {
	CARDREC_ELAYOUT = -1,	/* no layout attribute, or a malformed one */
	CARDREC_ESIZE = -2,	/* a record over 254 bytes */
	CARDREC_EMISSING = -3,	/* a tag the layout or 9F4A needs is absent */
	CARDREC_ESTALE = -4,	/* a record DGI is not what its fields make */
	CARDREC_ETAGLIST = -5,	/* 9F4A names a tag other than 82 */
	CARDREC_ENOMEM = -6
};

struct cardrec_entry {
	uint8_t sfi;		/* 1-30 */
	uint8_t recno;		/* 1-255 */
	int oda;		/* 1: part of the static data to authenticate */
	size_t ntags;
	uint32_t tags[CARDREC_MAXTAG];
	uint32_t optional;	/* bit i set: tags[i] may be absent */
};

struct cardrec_layout {
	size_t n;
	struct cardrec_entry e[CARDREC_MAXREC];	/* in the attribute's order */
};

/* Parse a layout attribute value s[0..n) into l and check it (SFI 1-30,
 * record 1-255, each record once, each tag in one record only, tags well
 * formed and not 70, no tag a later stage produces in an ODA record: the
 * static data is signed before 93 and 9F46 exist, Book 3, 10.3).
 * Returns 0 or CARDREC_ELAYOUT. */
int cardrec_layout_parse(const char *s, size_t n, struct cardrec_layout *l,
    char *why, size_t whylen);

/* Parse the record's layout attribute.  Returns 0 or CARDREC_ELAYOUT. */
int cardrec_layout_get(const struct rec *r, struct cardrec_layout *l,
    char *why, size_t whylen);

/* Write l as a layout attribute value into buf (NUL-terminated).
 * Returns the length, or -1 if buf is too small. */
long cardrec_layout_format(const struct cardrec_layout *l, char *buf,
    size_t buflen);

/* The entry holding tag, or NULL if no record of the layout holds it. */
const struct cardrec_entry *cardrec_layout_find(const struct cardrec_layout *l,
    uint32_t tag);

/* The Application File Locator (94) of the layout (Book 3, 10.2): the
 * records sorted by SFI and number, one 4-byte entry per run of
 * consecutive records of one SFI, a new entry wherever a gap or a non-ODA
 * record followed by an ODA record would break the rule that an entry's
 * ODA records come first.  Writes at most outlen bytes; returns the AFL's
 * length (a multiple of 4), or 0 if it does not fit (or l is empty). */
size_t cardrec_afl(const struct cardrec_layout *l, uint8_t *out,
    size_t outlen);

/* 1 if a later stage produces the tag (certificates, keys and signatures
 * of EMV 4.4 Book 2: 8F 90 92 93 9F32 9F2D 9F2E 9F2F 9F46 9F47 9F48), so a
 * record may wait for it; else 0. */
int cardrec_late_tag(uint32_t tag);

/* Build the card image of entry e from r's fields: the 70 template of
 * the tags present, in layout order (Book 3, 5.3.2).  *out (caller frees)
 * and *len get the whole record with 70 and its length; *missing (if not
 * NULL) the first absent tag, or 0.  Returns 0, CARDREC_ESIZE or
 * CARDREC_ENOMEM. */
int cardrec_build(const struct rec *r, const struct cardrec_entry *e,
    uint8_t **out, size_t *len, uint32_t *missing, char *why, size_t whylen);

/* Set DGIssrr for entry e from r's fields (cardrec_build), or delete it
 * when none of the entry's tags is present yet.  Returns as
 * cardrec_build. */
int cardrec_write(struct rec *r, const struct cardrec_entry *e,
    char *why, size_t whylen);

/* Set tag to val[0..len) as a field of r and, if r's layout puts the tag
 * into a record, rebuild that record's DGI in layout order (EMV CPS 1.1
 * record DGIs).  Returns 0 when placed in a DGI, 1 when the layout has no
 * record for the tag (the field is set all the same), or a negative
 * CARDREC_E* code (ELAYOUT, ESIZE, ENOMEM; the field is then not set). */
int cardrec_place(struct rec *r, uint32_t tag, const uint8_t *val,
    size_t len, char *why, size_t whylen);

/* The static data to be authenticated (EMV 4.4 Book 3, 10.3): the ODA
 * records in AFL order, for SFI 1-10 the content of the 70 template, for
 * SFI 11-30 the whole record with 70 and its length, then the values of
 * the tags 9F4A lists (only 82 is allowed).  Each ODA record is taken from
 * its DGI, which must hold every tag the layout names for it (but the
 * optional ones) and equal what its fields make.  *out (caller frees) and *len get the data.
 * Returns 0, CARDREC_ELAYOUT, CARDREC_EMISSING, CARDREC_ESTALE,
 * CARDREC_ETAGLIST or CARDREC_ENOMEM. */
int cardrec_oda_data(const struct rec *r, uint8_t **out, size_t *len,
    char *why, size_t whylen);

/* 0 if every tag of the layout that is not optional is in its record's
 * DGI and every DGI is what its fields make (the card image is complete),
 * else CARDREC_EMISSING, CARDREC_ESTALE or CARDREC_ELAYOUT. */
int cardrec_complete(const struct rec *r, char *why, size_t whylen);

/* The err code of a CARDREC_E* result: "bad-layout", "record-size",
 * "missing-tag", "stale-record", "bad-taglist", "internal". */
const char *cardrec_errcode(int rc);

/* Mark r failed from a CARDREC_E* result and its why ("FIELD: reason"):
 * rec_fail(r, FIELD, cardrec_errcode(rc), "%s", reason). */
void cardrec_fail(struct rec *r, int rc, const char *why);

#endif
