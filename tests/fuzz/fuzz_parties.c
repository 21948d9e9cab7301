/*
 * fuzz_parties: libFuzzer harness for the parties field of case event
 * logs (lib/domain/cases.c, case_parties_parse()).
 *
 * Every party found lies inside the input, has a role and a name without
 * ':' or ';', an ID number of 18 characters that is valid, and a phone of
 * 11 digits or none; a failure names an item within the count of items.
 * Never exits, keeps no state.  See tests/fuzz/run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cases.h"
#include "domain/idno.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void
inside(const char *p, size_t len, const char *s, size_t n)
{
	if (len > 0 && (p < s || p + len > s + n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct case_party pt[8];
	const char *s = (const char *)d, *why;
	size_t item, i, semis = 0;
	int k;

	k = case_parties_parse(s, n, pt, 8, &why, &item);
	for (i = 0; i < n; i++)
		semis += s[i] == ';';
	if (k < 0) {
		if (why == NULL || item == 0 || item > semis + 1)
			abort();
		return 0;
	}
	if ((n == 0) != (k == 0) || (size_t)k != semis + (n > 0))
		abort();
	for (i = 0; i < (size_t)k; i++) {
		inside(pt[i].role, pt[i].rolelen, s, n);
		inside(pt[i].id, pt[i].idlen, s, n);
		inside(pt[i].name, pt[i].namelen, s, n);
		inside(pt[i].phone, pt[i].phonelen, s, n);
		if (pt[i].rolelen == 0 || pt[i].namelen == 0 ||
		    pt[i].idlen != 18)
			abort();
		if (memchr(pt[i].role, ':', pt[i].rolelen) ||
		    memchr(pt[i].name, ':', pt[i].namelen) ||
		    memchr(pt[i].name, ';', pt[i].namelen))
			abort();
		if (idno_parse(pt[i].id, 18, INT32_MAX, NULL) != IDNO_OK)
			abort();
		if (pt[i].phonelen != 0 && pt[i].phonelen != 11)
			abort();
	}
	return 0;
}
