/* show.h: EMV data elements written for a person, one per line, decoded
 * by their dictionary entry (dict.h): text, dates, amounts with their
 * currency, flags, CVM rules, DOLs, AFLs and constructed values as an
 * indented tree.  The PAN is masked (first 6, last 4) wherever it
 * appears, track discretionary data is hidden, PIN data never shown,
 * unless the caller asks for the clear card data. */
#ifndef EMV_SHOW_H
#define EMV_SHOW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"

/* Details and inner objects are this much further in than their element,
 * under its name. */
#define SHOW_STEP 6

struct show {
	FILE *fp;
	int unmask;		/* PAN and track data in the clear */
	/* What amounts need, learnt from the record (-1: absent). */
	int txn_cur, txn_exp;	/* 5F2A, 5F36 */
	int app_cur, app_exp;	/* 9F42 or 9F51, 9F44 */
	/* The record's PAN digits, masked wherever they turn up. */
	char pan[20];
	size_t panlen;
};

/* Start writing to fp; unmask 1 shows the PAN and track data whole. */
void show_init(struct show *s, FILE *fp, int unmask);

/* Learn from the tag and DGI fields of r what decoding the others needs:
 * currencies and exponents for amounts, the PAN for masking. */
void show_learn(struct show *s, const struct rec *r);

/* Forget what show_learn found, wiping the PAN. */
void show_forget(struct show *s);

/* Write one data element as "TAG  Name: value" at indent spaces, and its
 * details (flags, rules, entries, inner objects) below, further in. */
void show_element(struct show *s, uint32_t tag, const uint8_t *v, size_t n,
    int indent);

/* Write each object of the BER-TLV buf[0..n) with show_element.  Returns
 * 0, or a TLV_E* code if buf is not well formed (nothing written then). */
int show_tlv(struct show *s, const uint8_t *buf, size_t n, int indent);

/* Write bytes as hexadecimal, the PAN masked unless unmask. */
void show_hex(struct show *s, const uint8_t *v, size_t n);

/* Write a string as is, the PAN masked unless unmask. */
void show_str(struct show *s, const char *str, size_t n);

/* Write bytes as text in double quotes, anything but printable ASCII (and
 * the quote and backslash) as \xNN, the PAN masked unless unmask. */
void show_text(struct show *s, const uint8_t *v, size_t n);

/* 1 if an attribute of this name may hold secret data (an enciphered PIN
 * block, a key, a card security code) and must never be shown: names
 * starting with "pin" or "cvv", or containing "key", "secret" or "pass"
 * (emvperso-record(5), sensitive attributes). */
int show_attr_secret(const char *name, size_t n);

/* 1 if an attribute holds card data (a whole PAN, track discretionary
 * data): names starting with "track" or "emboss"; shown only with -u. */
int show_attr_carddata(const char *name, size_t n);

/* ISO 4217: the alphabetic code and minor-unit exponent of a numeric
 * currency code.  Returns 0, or -1 if the table does not know it. */
int show_currency(unsigned num, const char **alpha, int *exponent);

/* ISO 3166-1: the alpha-2 code of a numeric country code, or NULL. */
const char *show_country(unsigned num);

#endif
