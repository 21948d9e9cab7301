/*
 * sidx_parties: the key extractor the sidx tests share (tests/jwidx.c,
 * tests/unit/sidx_test.c, tests/fuzz/fuzz_sidx.c): the id_no of each
 * "role:id_no:name[:phone]" item of a parties field, items separated by
 * ';' (an item without ':' has no key; one without a second ':' is all
 * id_no).  Its struct sidx_opts keys_name is "parties-id/1".  No check of
 * the ID itself: case-status has its own, stricter one.
 */
#ifndef JW_TESTS_SIDX_PARTIES_H
#define JW_TESTS_SIDX_PARTIES_H

#include <string.h>

#include "rec/sidx.h"

static void
sidx_party_keys(void *ctx, struct rec_str v,
		void (*emit)(void *ectx, const char *k, size_t n), void *ectx)
{
	const char *p = v.p, *e = v.p + v.len, *semi, *c1, *c2;

	(void)ctx;
	while (p < e) {
		semi = memchr(p, ';', (size_t)(e - p));
		if (semi == NULL)
			semi = e;
		c1 = memchr(p, ':', (size_t)(semi - p));
		if (c1 != NULL) {
			c2 = memchr(c1 + 1, ':', (size_t)(semi - c1 - 1));
			emit(ectx, c1 + 1, (size_t)((c2 ? c2 : semi) - c1 - 1));
		}
		p = semi + 1;
	}
}

#endif
