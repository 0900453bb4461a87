/* tr31.c: placeholder until the key block module lands (see tr31.h). */
#include <stdio.h>

#include "tr31.h"

char *
tr31_wrap(const struct ks_key *kek, const struct ks_key *k, char *err,
    size_t errlen)
{
	(void)kek;
	(void)k;
	snprintf(err, errlen, "key blocks are not available yet");
	return NULL;
}

int
tr31_unwrap(const struct ks_key *kek, const char *block, struct ks_key *k,
    char *err, size_t errlen)
{
	(void)kek;
	(void)block;
	(void)k;
	snprintf(err, errlen, "key blocks are not available yet");
	return -1;
}
