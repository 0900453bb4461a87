/* journal.h: the personalization journal, a production line's memory of
 * which record went onto which card.  An append-only file of record lines
 * (emvperso-record(5)): "id=ID perso=STATE" and what is known of the card
 * (serial=, step=, code=), one line per event, each written with one
 * write(2) and fsync(2) before the card is touched further, so that a
 * crash loses nothing that happened to a card.  STATE is start (the first
 * STORE DATA is about to go), ok, or fail.  Thread safe. */
#ifndef EMV_JOURNAL_H
#define EMV_JOURNAL_H

#include <stddef.h>

enum journal_state {
	JOURNAL_NONE,	/* never tried */
	JOURNAL_START,	/* a card was being loaded and no end was written */
	JOURNAL_OK,	/* personalized */
	JOURNAL_FAIL	/* a card failed; the record may go onto a fresh one */
};

struct journal;

/* Open (create 0600, never through a link) the journal at path and read
 * the entries it holds.  NULL with err on failure or a malformed line. */
struct journal *journal_open(const char *path, char *err, size_t errlen);

/* The last state of the record id, and the serial of its card ("" if
 * unknown) in serial (9 bytes). */
enum journal_state journal_state(struct journal *j, const char *id,
    char serial[9]);

/* Claim id for this run: returns 0 and marks it taken if no other call
 * took it in this run, -1 if one did (the same id twice in a batch). */
int journal_claim(struct journal *j, const char *id);

/* Append "id=ID perso=STATE EXTRA" (EXTRA: further fields, or NULL),
 * fsync it.  Returns 0 or -1 with err. */
int journal_add(struct journal *j, const char *id, enum journal_state st,
    const char *extra, char *err, size_t errlen);

/* Close (the file was synced entry by entry). */
void journal_close(struct journal *j);

#endif
