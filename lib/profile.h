/* profile.h: card product profiles (emvperso-profile(5)): the data objects
 * every card of a product shares, its parameters and its record layout,
 * read from text files and merged into each record (emv-profile(1)). */
#ifndef EMV_PROFILE_H
#define EMV_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "cardrec.h"
#include "record.h"

#ifndef EMVPERSO_PROFILE_DIR
#define EMVPERSO_PROFILE_DIR "/usr/local/share/emvperso/profiles"
#endif

#define PROFILE_NAMEMAX	31
#define PROFILE_MAXATTR	8

enum {
	PROFILE_EFIXED = -1	/* the record has another value of a fixed tag */
};

struct profile_tag {
	uint32_t tag;
	uint8_t *val;
	size_t len;
	int fixed;		/* the record may not hold another value */
};

struct profile_attr {
	const char *name;	/* the record attribute: "iccbits", "oda"... */
	char *value;
};

struct profile {
	char *name;
	char *file;
	struct profile_tag *tags;	/* in file order */
	size_t ntags;
	struct profile_attr attr[PROFILE_MAXATTR];
	size_t nattr;
	struct cardrec_layout layout;
	char *layout_attr;		/* the layout attribute's value */
};

struct profile_set {
	struct profile *p;
	size_t n;
};

/* Read one profile file into s and check it (emvperso-profile(5)).
 * Returns 0, or -1 with "FILE:LINE: reason" (or "FILE: reason") in why;
 * s then holds the profiles read before. */
int profile_load(struct profile_set *s, const char *path, char *why,
    size_t whylen);

/* Read every *.profile file of dir, in name order, as profile_load. */
int profile_load_dir(struct profile_set *s, const char *dir, char *why,
    size_t whylen);

/* The directory profiles come from when none is named: $EMVPERSO_PROFILES,
 * else EMVPERSO_PROFILE_DIR. */
const char *profile_dir_default(void);

/* The profile named name[0..n), or NULL. */
const struct profile *profile_find(const struct profile_set *s,
    const char *name, size_t n);

/* Merge p into r: each tag of p that r lacks is appended, in file order; a
 * tag r holds is kept, unless p fixes it and r holds another value; then
 * each parameter attribute and layout that r lacks.  Returns 0, or
 * PROFILE_EFIXED (r unchanged) with "TAG: reason" in why. */
int profile_apply(const struct profile *p, struct rec *r, char *why,
    size_t whylen);

/* Free what s holds. */
void profile_free(struct profile_set *s);

#endif
