/* ceremony.c: keys entered by people (see ceremony.h and emv-keys(1)). */
#include <readpassphrase.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "ceremony.h"
#include "hex.h"

#define COMPMAX 100	/* hex digits of one component, with room */

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Read a line from the terminal (no echo unless echo) or, when stdin is
 * not a terminal, from stdin.  Returns 0 or -1. */
static int
ask(const char *prompt, char *buf, size_t n, int echo)
{
	size_t l;

	if (isatty(STDIN_FILENO))
		return readpassphrase(prompt, buf, n, (echo ? RPP_ECHO_ON :
		    RPP_ECHO_OFF) | RPP_REQUIRE_TTY) == NULL ? -1 : 0;
	if (fgets(buf, (int)n, stdin) == NULL)
		return -1;
	l = strlen(buf);
	if (l && buf[l - 1] == '\n')
		buf[--l] = '\0';
	return 0;
}

int
cer_components(struct ks_key *k, enum sym_alg a, int count, char *err,
    size_t errlen)
{
	char hex[COMPMAX + 2], kcvin[16], prompt[64], want[7];
	uint8_t comp[32], kcv[3];
	long n;
	int i, rc = -1;

	k->len = sym_keylen(a);
	if ((k->val = OPENSSL_zalloc(k->len)) == NULL)
		return fail(err, errlen, "out of memory");
	for (i = 1; i <= count; i++) {
		snprintf(prompt, sizeof prompt, "component %d of %d: ", i, count);
		if (ask(prompt, hex, sizeof hex, 0) < 0) {
			fail(err, errlen, "component %d: cannot read it", i);
			goto out;
		}
		n = strlen(hex) == 2 * k->len ? hex_decode(hex, strlen(hex),
		    comp) : -1;
		explicit_bzero(hex, sizeof hex);
		if (n != (long)k->len) {
			fail(err, errlen, "component %d: want %zu hex digits", i,
			    2 * k->len);
			goto out;
		}
		snprintf(prompt, sizeof prompt, "KCV of component %d: ", i);
		if (ask(prompt, kcvin, sizeof kcvin, 1) < 0) {
			fail(err, errlen, "component %d: cannot read its KCV", i);
			goto out;
		}
		if (sym_blocklen(a) == 8)
			sym_des_parity(comp, k->len);
		sym_kcv(a, comp, kcv);
		hex_encode(kcv, 3, want);
		if (strcasecmp(kcvin, want) != 0) {
			fail(err, errlen, "component %d: KCV does not match: "
			    "component mistyped?", i);
			goto out;
		}
		for (n = 0; n < (long)k->len; n++)
			k->val[n] ^= comp[n];
	}
	if (sym_blocklen(a) == 8)
		sym_des_parity(k->val, k->len);
	rc = 0;
out:
	explicit_bzero(comp, sizeof comp);
	if (rc < 0)
		ks_key_clear(k);
	return rc;
}

int
cer_clear(struct ks_key *k, enum sym_alg a, char *err, size_t errlen)
{
	char hex[COMPMAX + 2];
	long n = -1;

	k->len = sym_keylen(a);
	if ((k->val = OPENSSL_zalloc(k->len)) == NULL)
		return fail(err, errlen, "out of memory");
	if (fgets(hex, sizeof hex, stdin) != NULL) {
		hex[strcspn(hex, "\r\n")] = '\0';
		if (strlen(hex) == 2 * k->len)
			n = hex_decode(hex, strlen(hex), k->val);
	}
	explicit_bzero(hex, sizeof hex);
	if (n == (long)k->len)
		return 0;
	fail(err, errlen, "%s: want %zu hex digits on stdin", k->name,
	    2 * k->len);
	ks_key_clear(k);
	return -1;
}
