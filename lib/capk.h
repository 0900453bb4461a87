/* capk.h: CA public key lists (emvperso-capk(5)): one payment-system CA
 * public key per record line, rid= 9F22= modulus= exponent= [expiry=]
 * checksum= [test=1].  Live and test keys share index numbers (Mastercard
 * 05 is both), so a key is selected by RID, index and test mark. */
#ifndef EMV_CAPK_H
#define EMV_CAPK_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "oda.h"
#include "record.h"

struct capk {
	uint8_t rid[5];		/* registered application provider id */
	uint8_t index;		/* CA public key index, 9F22 (8F on cards) */
	struct oda_pub key;
	uint8_t checksum[ODA_HASHLEN];
	int test;		/* 1: a test key, for test cards only */
	int hasexpiry;
	struct date expiry;	/* last day the key may be used */
};

/* Read one list record into k: every field checked, and the checksum
 * recomputed (EMV 4.4 Book 2, 11).  Returns 0, or -1 with a reason in
 * err that names the field. */
int capk_parse(const struct rec *r, struct capk *k, char *err,
    size_t errlen);

/* Find the key of RID, index and test mark in the list file path.
 * Every line is parsed, so a damaged list is refused as a whole, and a
 * key listed twice is refused as ambiguous.  Returns 0 (found, in *k), 1
 * (not in the list) or -1 with a reason in err. */
int capk_find(const char *path, const uint8_t rid[5], uint8_t index,
    int test, struct capk *k, char *err, size_t errlen);

/* Set the fields of k's list line on r, in the order of
 * emvperso-capk(5); the checksum is computed here.  Returns 0 or -1. */
int capk_format(struct capk *k, struct rec *r);

#endif
