/*
 * rx: PCRE2 patterns compiled once, UTF mode, JIT when available.
 *
 * Patterns are compiled with PCRE2_UTF (plate and Chinese address patterns
 * need it) and explicit match and depth limits, so a pathological pattern
 * reports an error instead of running away.  Each struct rx owns its match
 * data; it is not for use from two threads at once.
 */
#ifndef JW_RX_H
#define JW_RX_H

#include <stddef.h>

#define RX_MATCH_LIMIT 1000000
#define RX_DEPTH_LIMIT 10000

struct rx;

/* Compile pat (NUL-terminated UTF-8).  On error returns NULL and sets *err
 * to "at offset N: what" (caller frees). */
struct rx *rx_compile(const char *pat, int caseless, char **err);
void rx_free(struct rx *r);
/* Match against s[0..n).  Returns 1 and the match span in *so, *eo (may be
 * NULL), 0 when there is no match, -1 when a limit was hit (a match error,
 * not "no match").  s must be valid UTF-8 (records are validated). */
int rx_match(struct rx *r, const char *s, size_t n, size_t *so, size_t *eo);
/* The pattern text as given. */
const char *rx_pattern(const struct rx *r);

#endif
