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
 *     remaining character (张三 -> 张*, 欧阳明 -> 欧**).
 * An empty value stays empty.
 */
#ifndef JW_MASK_H
#define JW_MASK_H

#include <stddef.h>

#include "buf.h"

/* Append the masked form of p[0..n) to out. */
void mask_value(struct buf *out, const char *p, size_t n);

#endif
