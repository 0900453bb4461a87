/* fuzz-record.c: libFuzzer target for the record reader and writer.
 * Any input must be read without a crash, every line written back, and an
 * unchanged well-formed record must come back byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec_reader *rd;
	struct rec r;
	FILE *in, *out;
	char *obuf = NULL;
	size_t olen = 0;
	int failed = 0;

	if (size == 0)
		return 0;
	if ((in = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	out = open_memstream(&obuf, &olen);
	rd = rec_reader_new(in);
	rec_init(&r);
	while (rec_next(rd, &r, out, &failed) == 1) {
		/* Exercise the accessors and a change, as a stage would. */
		(void)rec_value(&r, "id");
		for (size_t i = 0; i < r.nf; i++)
			if (r.f[i].kind == REC_ATTR)
				free(rec_pct_decode(r.f[i].value, r.f[i].vallen, NULL));
		if (r.nf > 0 && r.f[0].kind != REC_ATTR) {
			uint8_t *b;
			size_t n;

			if (rec_bin(&r.f[0], &b, &n) == 0)
				free(b);
		}
		if (r.nf % 2)
			rec_set(&r, "seen", "1");
		rec_write(out, &r);
	}
	rec_free(&r);
	rec_reader_free(rd);
	fclose(in);
	fclose(out);
	/* Lines out never fewer than lines in. */
	if (olen > 0 && obuf[olen - 1] != '\n')
		abort();
	free(obuf);
	return 0;
}
