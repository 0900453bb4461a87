/* fuzz-tlv.c: libFuzzer target for the BER-TLV decoder, DOL parser and
 * tag parser.  Every object decoded must lie inside the input. */
#include <stdlib.h>

#include "tlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct dol_entry e;
	struct tlv t;
	uint32_t tag;
	size_t off;
	int rc;

	while ((rc = tlv_next(&p, end, &t)) == 1)
		if (t.val < data || t.val + t.len > end)
			abort();
	if (tlv_validate(data, size, &off) < 0 && off > size)
		abort();
	(void)tlv_find(data, size, 0x9F4B, &t);
	p = data;
	while (dol_next(&p, end, &e) == 1)
		;
	(void)tlv_tag_parse((const char *)data, size > 8 ? 8 : size, &tag);
	return 0;
}
