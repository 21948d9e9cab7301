/*
 * rxlit: what a PCRE2 pattern says about the text it matches, read from
 * the pattern alone: the literal runs every match contains, and which
 * bytes can follow such a run.
 *
 * A program that holds many patterns (the grid's tens of thousands) uses
 * them as a filter: find all the literals in a text in one pass (ac.h),
 * then run only the patterns whose literals all occur, and of those only
 * where a literal is followed by a byte the pattern allows.  For that to
 * be right, what rxlit says must hold for every match PCRE2 can find:
 * the answers are allowed to say too little (no literal, any byte), never
 * too much.  Anything the reader does not fully understand (alternation at
 * the top level, \Q...\E, inline options, back references, \p{..}, ...)
 * makes it say nothing.  Patterns are NUL-terminated UTF-8, as compiled by
 * rx_compile() (no options: caseless patterns have no literals here).
 *
 * Nothing is allocated but the caller's buffer; no state is kept.
 */
#ifndef JW_RXLIT_H
#define JW_RXLIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* How many bytes after a literal run rxlit_follow() describes. */
#define RXLIT_FOLLOW 4

/* The literal runs every match of pat must contain, appended to out in
 * pattern order, each followed by a NUL.  Returns how many; 0 when the
 * pattern has none or uses a construct the reader does not understand.
 * "道县.*濂溪路([1-9]|[1-4][0-9])号" gives 道县, 濂溪路, 号; "abc?d" gives
 * ab, d; "ab|cd" none. */
size_t rxlit_literals(const char *pat, struct buf *out);
/* The same, and for each run i < cap, follow[i] is where in pat the rest
 * of a match after run i is described (for rxlit_follow()), or NULL when
 * nothing can be said (the run's last character is repeated, say).  When
 * lead is not NULL, *lead is set to whether the first run starts the
 * pattern (so every match starts with it). */
size_t rxlit_extract(const char *pat, struct buf *out, const char **follow,
		     size_t cap, int *lead);
/* The bytes that can follow a literal run whose rest is described at
 * follow (from rxlit_extract(); NULL: unknown): set[d] gets the byte
 * values a match can have d bytes after the run, for d < RXLIT_FOLLOW
 * (bit c of set[d][c >> 6] for byte c).  Where the match may end, or the
 * pattern gets too involved (more than 256 steps of the walk), every byte
 * is allowed from there on.  A text that ends before d bytes satisfies
 * any set[d]. */
void rxlit_follow(const char *follow, uint64_t set[RXLIT_FOLLOW][4]);

#endif
