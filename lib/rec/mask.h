/*
 * mask: hide personal data for display (--mask FIELD,...).
 *
 * The kind of value is recognised from its text, so a field may be masked
 * whatever it is called:
 *   - ID numbers (15 or 18 characters of digits, last may be X/x): first 4,
 *     then one '*' per hidden character, then last 4
 *     (431102199003071235 -> 4311**********1235);
 *   - mainland mobile numbers (11 digits starting 1, with an optional
 *     +86/0086/86 prefix, spaces or dashes): 3 + "****" + 4
 *     (13812345678 -> 138****5678);
 *   - anything else (names): the first character, then one '*' per
 *     remaining character (张三 -> 张*, 欧阳明 -> 欧**, Smith -> S****).
 *     A one-character value becomes "*" (张 -> *): keeping its only
 *     character would hide nothing.
 * A phone number keeps only its 11 digits: prefix, spaces and dashes go
 * (+86 138-1234-5678 -> 138****5678).  An empty value stays empty.
 * Invalid UTF-8 never stops masking: each invalid byte counts as one
 * character and is never copied out, so it becomes '*' even in first place
 * (the output is then valid UTF-8).
 */
#ifndef JW_MASK_H
#define JW_MASK_H

#include <stddef.h>

#include "base/buf.h"

/* Append the masked form of p[0..n) to out; nothing when n is 0.  Never
 * fails (out grows through xrealloc, which exits 5 when out of memory). */
void mask_value(struct buf *out, const char *p, size_t n);

#endif
