/*
 * rx: PCRE2 patterns compiled once, UTF mode, JIT (on a pattern's first
 * match) when available.
 *
 * Patterns are compiled with PCRE2_UTF (plate and Chinese address patterns
 * need it) and explicit match and depth limits, so a pathological pattern
 * reports an error instead of running away.  All patterns share one match
 * context, JIT stack and match data (a grid compiles tens of thousands of
 * patterns), so the module is for one thread at a time.
 */
#ifndef JW_RX_H
#define JW_RX_H

#include <stddef.h>

#define RX_MATCH_LIMIT 1000000
#define RX_DEPTH_LIMIT 10000

struct rx;

/* Compile pat (NUL-terminated UTF-8), caseless when caseless is non-zero.
 * Returns the compiled pattern (free it with rx_free()).  On error returns
 * NULL and, when err is not NULL, sets *err to "at offset N: what" with
 * PCRE2's message, e.g. "at offset 3: missing closing parenthesis" (caller
 * frees); N counts bytes.  Note that PCRE2 takes "[0-9]{9" as a literal
 * brace, not an error.  Exits 5 when out of memory. */
struct rx *rx_compile(const char *pat, int caseless, char **err);
/* Free r and its match data; NULL is allowed. */
void rx_free(struct rx *r);
/* Match against s[0..n) (need not be NUL-terminated; s may be NULL when n
 * is 0).  Returns 1 and the
 * match span in bytes in *so, *eo (either may be NULL), 0 when there is no
 * match, -1 when RX_MATCH_LIMIT, RX_DEPTH_LIMIT or the JIT stack was
 * exhausted (a match error, not "no match").  s must be valid UTF-8
 * (records are validated); invalid UTF-8 also returns -1. */
int rx_match(struct rx *r, const char *s, size_t n, size_t *so, size_t *eo);
/* The same, the match starting at byte start or later (start <= n, on a
 * character boundary); lookbehinds still see the bytes before start. */
int rx_match_at(struct rx *r, const char *s, size_t n, size_t start,
		size_t *so, size_t *eo);
/* The pattern text as given, owned by r. */
const char *rx_pattern(const struct rx *r);

#endif
