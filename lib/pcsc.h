/* pcsc.h: the card transport of emvperso's card tools: one interface, two
 * backends.  The PC/SC backend talks to a reader through PC/SC-lite
 * (pcscd): it waits for readers and cards with SCardGetStatusChange under
 * a deadline, connects T=0 or T=1, and hides the T=0 procedure bytes
 * (61xx: GET RESPONSE; 6Cxx: the command again with the right Le), ISO/IEC
 * 7816-3 and -4.  The replay backend plays a recorded dialog, a file of
 * command/response pairs (the format pcsc_trace writes), and fails on the
 * first command that is not the one recorded, so card tests are exact and
 * need no reader.
 *
 * Replay file: lines "> HEX" (a command) each followed by "< HEX" (its
 * response, data and status word); spaces inside HEX are ignored; "#"
 * lines and blank lines are comments.  In a command, "XX" stands for any
 * one byte: a trace writes the data of commands sent with PCSC_SECRET
 * that way, and a hand-written replay uses it for a host's random bytes.
 *
 * Functions returning int give 0, or a negative PCSC_E* code with a
 * reason in the caller's err buffer. */
#ifndef EMV_PCSC_H
#define EMV_PCSC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCSC_CMD_MAX	261	/* short APDU: 4 + 1 + 255 + 1 */
#define PCSC_RSP_MAX	258	/* 256 bytes of data and the status word */
#define PCSC_ATR_MAX	33

enum {
	PCSC_ERR = -1,		/* PC/SC failure, bad response, bad file */
	PCSC_ETIMEOUT = -2,	/* no reader or card before the deadline */
	PCSC_EREMOVED = -3,	/* the card went away */
	PCSC_EREPLAY = -4,	/* replay: unexpected command, or none left */
	PCSC_ENOSERVICE = -5	/* pcscd is not running */
};

/* pcsc_transmit flags. */
#define PCSC_SECRET	0x1	/* traces show the command data as XX */

struct pcsc;

/* PC/SC backend: wait until timeout_ms (negative: for ever) for pcscd,
 * the reader and a card in it, then connect (T=0 or T=1, shared).  reader
 * is a reader's name, a unique prefix of one, its index in the reader
 * list ("0", "1", ...), or NULL for the first reader that holds a card.
 * Returns the connection, or NULL with the PCSC_E* code in *rc. */
struct pcsc *pcsc_open(const char *reader, long timeout_ms, int *rc,
    char *err, size_t errlen);

/* Replay backend: read the dialog in path.  NULL with err on a bad file. */
struct pcsc *pcsc_replay_open(const char *path, char *err, size_t errlen);

/* Send a command APDU (n bytes, 4 to PCSC_CMD_MAX) and put the response,
 * data and status word, into rsp (PCSC_RSP_MAX bytes), *rlen >= 2.
 * T=0 61xx and 6Cxx are handled here.  A response shorter than two bytes
 * (a card that died mid-command) is an error. */
int pcsc_transmit(struct pcsc *p, const uint8_t *cmd, size_t n,
    unsigned flags, uint8_t *rsp, size_t *rlen, char *err, size_t errlen);

/* Write every later exchange to fp in the replay format (NULL: stop);
 * the first time, a "# atr HEX" comment too. */
void pcsc_trace(struct pcsc *p, FILE *fp);

/* The card's ATR (PC/SC) or the replay's "# atr HEX" comment, if any. */
size_t pcsc_atr(const struct pcsc *p, uint8_t atr[PCSC_ATR_MAX]);

/* The reader's name ("replay" for a replay). */
const char *pcsc_reader(const struct pcsc *p);

/* Reset the card (warm reset); the replay backend accepts it silently. */
int pcsc_reset(struct pcsc *p, char *err, size_t errlen);

/* Feeder stations: power the card off, wait (timeout_ms) for it to leave
 * the reader and for the next card, and connect to that one.  The replay
 * backend goes on with its file. */
int pcsc_next_card(struct pcsc *p, long timeout_ms, char *err,
    size_t errlen);

/* PC/SC: wait until timeout_ms for pcscd (what = 's'), for a reader
 * (what = 'r'), for a card in it ('c') or for the reader to be empty
 * ('e'); reader as for pcsc_open (NULL: any reader; for 'e' every reader
 * empty).  Returns 0 or a PCSC_E* code. */
int pcsc_wait(const char *reader, int what, long timeout_ms, char *err,
    size_t errlen);

/* Disconnect (powering the card off) and free.  For a replay, returns
 * PCSC_EREPLAY if some recorded exchanges were never asked for. */
int pcsc_close(struct pcsc *p, char *err, size_t errlen);

/* The status word of a response of rlen >= 2 bytes. */
unsigned pcsc_sw(const uint8_t *rsp, size_t rlen);

#endif
