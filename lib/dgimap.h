/* dgimap.h: DGI maps (emvperso-dgimap(5)): which EMV CPS 1.1 data
 * groupings a card vendor's application needs, in personalization order,
 * and how each is made from a record's fields: a field as is, a template
 * or a run of BER-TLVs built from tags, or the tags' values end to end;
 * whether it is secret (sealed under the record's transport key) and how
 * the personalization device pads it for the card (emv-facts 1.4, 1.5).
 * The map only says how; emv-cps(1) does it for each record. */
#ifndef EMV_DGIMAP_H
#define EMV_DGIMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"

enum dgimap_src {
	DGIMAP_FROM,		/* a tag or DGI field's value as is */
	DGIMAP_TEMPLATE,	/* a constructed tag around the tags' TLVs */
	DGIMAP_TLV,		/* the tags' TLVs end to end */
	DGIMAP_RAW,		/* the tags' values end to end */
	DGIMAP_RECORDS		/* records=all: every record DGI, in order */
};

/* How the device pads a secret DGI's clear value for the card
 * (emv-facts 1.5: ISO/IEC 9797-1 method 2, 80 00...). */
enum dgimap_pad {
	DGIMAP_PAD_NONE,	/* never: the value must be whole blocks */
	DGIMAP_PAD_NEEDED,	/* only when not a multiple of the block */
	DGIMAP_PAD_ALWAYS	/* always, even when aligned */
};

struct dgimap_tag {
	uint32_t tag;
	char name[7];		/* "9F38" */
	int optional;		/* written with ? in the map */
};

struct dgimap_entry {
	enum dgimap_src src;
	uint16_t dgi;		/* not for DGIMAP_RECORDS */
	char name[8];		/* "DGI9102" */
	char from[8];		/* DGIMAP_FROM: the source field's name */
	uint32_t tmpl;		/* DGIMAP_TEMPLATE: the template's tag */
	struct dgimap_tag *tags;	/* TEMPLATE, TLV, RAW */
	size_t ntags;
	int secret;		/* 8000-8FFF: sealed, re-encrypted for the card */
	int optional;		/* left out when its source is missing */
	enum dgimap_pad pad;
	unsigned long line;	/* in the map file */
};

struct dgimap {
	char *file;		/* as given to dgimap_load */
	char aid[33];		/* instance AID, uppercase hex */
	char **profile;		/* fnmatch(3) patterns; none: every record */
	size_t nprofile;
	char **keep;		/* attributes kept besides the fixed ones */
	size_t nkeep;
	char **ignore;		/* tag and DGI fields the card does not get */
	size_t nignore;
	struct dgimap_entry *e;	/* in personalization order */
	size_t ne;
};

/* Read a map from fp, named name in messages.  Returns the map, or NULL
 * with "NAME:LINE: reason" (or "NAME: reason") in err. */
struct dgimap *dgimap_read(FILE *fp, const char *name, char *err,
    size_t errsz);

/* Open and read the map file path (dgimap_read). */
struct dgimap *dgimap_load(const char *path, char *err, size_t errsz);

void dgimap_free(struct dgimap *m);

/* 1 if the map applies to a record of this profile (NULL: none): it has
 * no profile= line, or one whose pattern matches. */
int dgimap_match(const struct dgimap *m, const char *profile);

/* 1 if the attribute name[0..n) goes into the CPS record: id, profile,
 * kek, test, iccbits, or one the map's keep= lines name. */
int dgimap_keeps(const struct dgimap *m, const char *name, size_t n);

/* 1 if the map's ignore= lines name the field name[0..n). */
int dgimap_ignores(const struct dgimap *m, const char *name, size_t n);

/* The entry that makes DGI dgi, or NULL (records=all is not searched). */
const struct dgimap_entry *dgimap_entry(const struct dgimap *m, uint16_t dgi);

/* 1 if dgi numbers a record: SFI 01-1E, record 01-FF (EMV CPS 1.1;
 * emv-facts 1.4). */
int dgimap_record_dgi(uint16_t dgi);

/* The personalization device's flags of an entry: "" for clear data, "e"
 * secret and never padded, "ep" padded when needed, "eP" always padded. */
const char *dgimap_flags(const struct dgimap_entry *e);

/* Build the value of a TEMPLATE, TLV or RAW entry from r's tag fields
 * (an absent optional tag is left out).  Returns 0 with *out (caller
 * frees) and *len; 1 when the source is missing: *missing names an absent
 * required tag, or is NULL when every tag is optional and none is there;
 * -1 when the value would exceed the 65535 bytes of a DGI or template. */
int dgimap_build(const struct dgimap_entry *e, const struct rec *r,
    uint8_t **out, size_t *len, const char **missing);

/* 1 if the BER-TLV data buf[0..n) holds, at any depth, an object tag
 * whose value is val[0..len); 0 if not or if buf is not BER-TLV. */
int dgimap_holds(const uint8_t *buf, size_t n, uint32_t tag,
    const uint8_t *val, size_t len);

#endif
