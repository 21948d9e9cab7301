/*
 * fuzz_codes: libFuzzer harness for the violation code table loader
 * (lib/domain/viol.c, viol_codes_parse()).
 *
 * Parses the input as a code table.  A refused table must carry at least
 * one message, each line "fuzz.yaml:..." and at most CFG_MAX_ERRORS + 1
 * lines; a loaded one must hold only what the schema allows (4-6 digit
 * codes each found by viol_code_find(), a description, points of MPS
 * Order 163, 0 <= fine_min <= fine_max) and no message.  Never exits, keeps no state between
 * runs.  sh tests/fuzz/run codes builds and runs it; its seeds are in
 * tests/fuzz/corpus/codes/ and testdata/viol/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/cfg.h"
#include "domain/viol.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* Every entry is found under its own code and holds what the schema
 * allows. */
static void
check_table(const struct viol_codes *t)
{
	const struct viol_code *c;
	size_t i, len;

	for (i = 0; i < viol_codes_count(t); i++) {
		c = viol_code_at(t, i);
		len = strlen(c->code);
		if (viol_code_find(t, c->code, len) != c || len < 4 ||
		    len > 6 || c->desc[0] == '\0' || c->basis == NULL ||
		    c->fine_min < 0 || c->fine_min > c->fine_max ||
		    (c->points != 0 && c->points != 1 && c->points != 3 &&
		     c->points != 6 && c->points != 9 && c->points != 12))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct buf e = BUF_INIT;
	struct viol_codes *t;
	size_t lines = 0;
	const char *p;

	t = viol_codes_parse("fuzz.yaml", (const char *)d, n, &e);
	if (t == NULL) {
		if (e.len == 0 || e.p[e.len - 1] != '\n')
			abort();
		for (p = e.p; p < e.p + e.len; p = strchr(p, '\n') + 1) {
			if (strncmp(p, "fuzz.yaml", 9) != 0)
				abort();
			lines++;
		}
		if (lines > CFG_MAX_ERRORS + 1)
			abort();
	} else {
		if (e.len != 0)
			abort();
		check_table(t);
		viol_codes_free(t);
	}
	buf_release(&e);
	return 0;
}
