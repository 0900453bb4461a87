/* vec.h: load a hex vector file from tests/vectors for the unit tests. */
#ifndef EMV_VEC_H
#define EMV_VEC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"

/* Read tests/vectors/NAME (hex text, whitespace ignored) into a new
 * buffer; exits on error since every later check would be meaningless. */
static uint8_t *
vec_load(const char *name, size_t *len)
{
	char path[256], *hex = NULL;
	size_t cap = 0, n = 0;
	uint8_t *out;
	FILE *fp;
	int c;

	snprintf(path, sizeof path, "%s/%s",
	    getenv("EMV_VECTORS") ? getenv("EMV_VECTORS") : "tests/vectors", name);
	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		exit(3);
	}
	while ((c = getc(fp)) != EOF) {
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (n + 1 >= cap && (hex = realloc(hex, cap = 2 * cap + 64)) == NULL)
			exit(4);
		hex[n++] = (char)c;
	}
	fclose(fp);
	out = malloc(n / 2 + 1);
	if (out == NULL || hex_decode(hex, n, out) < 0) {
		fprintf(stderr, "%s: not hex\n", path);
		exit(3);
	}
	free(hex);
	*len = n / 2;
	return out;
}

#endif
