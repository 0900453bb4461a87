/* track.h: payment card track data: magnetic stripe tracks 1 and 2
 * (ISO/IEC 7813), the chip's Track 2 Equivalent Data (tag 57, EMV 4.4
 * Book 3 Annex A), the layout of their discretionary data, the card fields
 * they are built from (5A, 5F24, 5F30) and the embossing lines (ISO/IEC
 * 7811-1).  Builders check every field and every length limit; parsers are
 * strict, so that a verification tool can trust what they return. */
#ifndef EMV_TRACK_H
#define EMV_TRACK_H

#include <stddef.h>
#include <stdint.h>

#define TRACK_PANMAX	19	/* ISO/IEC 7812-1 */
#define TRACK_NAMEMAX	26	/* ISO/IEC 7813 track 1 name field */
#define TRACK_DISCMAX	64
#define TRACK1_MAX	79	/* characters, sentinels and LRC included */
#define TRACK2_MAX	40
#define TRACK57_MAX	19	/* bytes of tag 57 */

/* The fields of a track, NUL-terminated.  name is empty for track 2 and
 * tag 57.  A struct track holds a PAN: wipe it after use. */
struct track {
	char pan[TRACK_PANMAX + 1];
	char expiry[5];		/* YYMM */
	char sc[4];		/* service code */
	char name[TRACK_NAMEMAX + 1];
	char disc[TRACK_DISCMAX + 1];
};

/* Track 1 format B of ISO/IEC 7813, start and end sentinels included and
 * no LRC (the encoder computes it): "%B" PAN "^" NAME "^" YYMM SC DISC "?".
 * Writes it with a NUL into out (outsz bytes).  Returns its length, or -1
 * with a reason in *why (a static string) when a field is malformed or the
 * track with its LRC would pass 79 characters. */
int track1_build(const struct track *t, char *out, size_t outsz,
    const char **why);

/* Track 2 of ISO/IEC 7813, sentinels and no LRC: ";" PAN "=" YYMM SC DISC
 * "?", at most 40 characters with the LRC.  As track1_build. */
int track2_build(const struct track *t, char *out, size_t outsz,
    const char **why);

/* Track 2 Equivalent Data, tag 57 (EMV 4.4 Book 3 Annex A): PAN, separator
 * D, YYMM, service code, discretionary digits, one F when the nibbles are
 * odd.  Writes at most 19 bytes into out.  Returns the length or -1. */
int track57_build(const struct track *t, uint8_t out[TRACK57_MAX],
    const char **why);

/* Parse track 1 format B text (sentinels optional, no LRC).  Returns 0 and
 * fills *t, or -1 with a reason in *why. */
int track1_parse(const char *s, size_t n, struct track *t, const char **why);

/* Parse track 2 text (sentinels optional, no LRC).  As track1_parse. */
int track2_parse(const char *s, size_t n, struct track *t, const char **why);

/* Parse tag 57 (or 9F6B, the same format).  As track1_parse. */
int track57_parse(const uint8_t *v, size_t n, struct track *t,
    const char **why);

/* The position of the first byte of s[0..n) that the name field of track
 * 1 cannot hold, or -1 if there is none: ISO/IEC 7811-2 track 1 codes the
 * characters 20-5F (space to underscore: no lower case), and %, ^ and ?
 * are its sentinels and field separator. */
long track_name_bad(const char *s, size_t n);

/* A discretionary data layout is a word of k (PVKI, 1 digit), p (PVV, 4
 * digits), c (the CVV, 3 digits) and digits 0-9 (written as they are):
 * c once, k and p at most once.  1 if layout is one, else 0. */
int track_layout_ok(const char *layout);

/* Discretionary data by layout: pvki and pvv may be NULL (zeros are
 * written in their place).  Returns 0, or -1 if out is too small or a value
 * has the wrong number of digits. */
int track_disc_build(const char *layout, const char *pvki, const char *pvv,
    const char *cvv, char *out, size_t outsz);

/* The CVV that discretionary data holds by layout, into cvv (4 bytes).
 * Returns 0, or -1 if disc is too short. */
int track_disc_cvv(const char *layout, const char *disc, char cvv[4]);

/* The PAN of a tag 5A value (cn: BCD, F-padded, 1-19 digits).  Returns 0,
 * or -1 if it is not one. */
int track_pan_cn(const uint8_t *v, size_t n, char pan[TRACK_PANMAX + 1]);

/* YYMM of a tag 5F24 value (n 6, YYMMDD, month 01-12).  Returns 0 or -1. */
int track_expiry_n(const uint8_t *v, size_t n, char yymm[5]);

/* The service code of a tag 5F30 value (n 3 in 2 bytes).  Returns 0 or -1. */
int track_sc_n(const uint8_t *v, size_t n, char sc[4]);

/* Embossing line of the PAN: 15 digits 4-6-5 (American Express), 14
 * digits 4-6-4 (Diners Club), 13 digits 4-3-3-3, any other length groups
 * of 4 from the left, the last group holding what is left (19 digits:
 * 4-4-4-4-3).  Returns the length or -1 if out is too small. */
int track_emboss_pan(const char *pan, char *out, size_t outsz);

/* Embossing line of the expiry date YYMM: "MM/YY".  out has 6 bytes. */
void track_emboss_date(const char *yymm, char out[6]);

/* Embossing line of a track 1 name "SURNAME/GIVEN NAMES" (ISO/IEC 7813):
 * "GIVEN NAMES SURNAME", spaces at the end and around / dropped; a name
 * without / as it is.  Returns the length (0 for a blank name) or -1 if
 * out is too small. */
int track_emboss_name(const char *name, char *out, size_t outsz);

#endif
