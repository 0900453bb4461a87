/* termrun.h: one contact transaction as a terminal runs it (EMV 4.4
 * Book 3, 10; Book 4, 6): the card I/O of lib/cardread, the decisions of
 * lib/term, offline data authentication with lib/oda and the CA key list,
 * and the online authorisation through an issuer host (emv-host(1))
 * that speaks records over two streams.  emv-term(1) is its front end.
 *
 * The dialog is traced, as lib/pcsc writes it, into the caller's stream,
 * with "# " comment lines for each step taken; termrun_explain turns it
 * into the readable trace of emv-term -v. */
#ifndef EMV_TERMRUN_H
#define EMV_TERMRUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cardread.h"
#include "pcsc.h"
#include "record.h"
#include "term.h"

struct termrun {
	struct pcsc *pc;
	const struct term_profile *prof;
	struct cardread_term term;	/* the profile's tags (9F33 9F1A ...) */
	const char *capk;		/* CA key list, NULL: no ODA */
	const char *pin;		/* offline PIN, NULL: not entered */
	uint64_t amount;		/* default 9F02 */
	int offline;			/* 1: never go online */
	FILE *tohost, *fromhost;	/* NULL: no host */
	struct rec_reader *hostrd;
	uint64_t rnd;			/* xorshift state, from the seed */
	FILE *trace;			/* the dialog, NULL: none */
};

/* One transaction on the card at t->pc, for request r (attribute amount=
 * overrides t->amount): sets 5A 82 95 9B 9F34 9F27 9F26 9F36 [8A] and
 * decision= online= on r.  Returns 0, or marks r with rec_fail and
 * returns 1 (the card or the host could not be used). */
int termrun_tx(struct termrun *t, struct rec *r);

/* Write the readable form of a trace (buf[0..n): lines "> HEX", "< HEX"
 * and "# text") on out: each APDU named and its status word explained,
 * the data of VERIFY never shown and the PAN of 5A (panhex, NULL: none)
 * masked wherever its digits appear. */
void termrun_explain(const char *buf, size_t n, const char *panhex, FILE *out);

#endif
