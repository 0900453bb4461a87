/* ceremony.h: symmetric keys entered by people (split out of emv-keys):
 * clear components, each with its key check value, combined by XOR as
 * the key ceremony of ANSI X9.24-1 does, and, for test stores, a clear
 * key in hexadecimal. */
#ifndef EMV_CEREMONY_H
#define EMV_CEREMONY_H

#include <stddef.h>

#include "keystore.h"
#include "sym.h"

/* Read count components of algorithm a and their KCVs from the terminal
 * (components with no echo) or, when stdin is not a terminal, as lines
 * of stdin; each component's KCV must match.  k->val (allocated here,
 * wiped by ks_key_clear) gets their XOR, with odd parity for DES.
 * Returns 0, or -1 with a reason in err naming the component. */
int cer_components(struct ks_key *k, enum sym_alg a, int count, char *err,
    size_t errlen);

/* Read a clear key of algorithm a, one line of hex, from stdin into
 * k->val.  Returns 0 or -1 with err. */
int cer_clear(struct ks_key *k, enum sym_alg a, char *err, size_t errlen);

#endif
