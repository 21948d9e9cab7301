/*
 * group: counts per group of field values, for every verb that counts
 * (pop-grid count and due, and the aggregating verbs of later programs).
 *
 * A group is the tuple of its key values; counts are summed in a hash
 * table (memory grows with the number of groups, not of records) and
 * written sorted by the key values in byte order, field by field, which is
 * the order of `sort` in the C locale.  The same table serves the
 * mergeable form of DESIGN.md "Beyond one machine": --partial writes the
 * counts without a total, --merge adds counts read back.
 */
#ifndef JW_GROUP_H
#define JW_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "rec/rec.h"

#define GROUP_TOTAL "(total)"	/* first key value of the total row */

struct group;

/* A counter for groups of nkeys values (nkeys >= 1). */
struct group *group_new(size_t nkeys);
void group_free(struct group *g);
/* Add n to the group whose key values are k[0..nkeys).  Values must not
 * hold NUL bytes (records never do). */
void group_add(struct group *g, const struct rec_str *k, uint64_t n);
/* Number of groups and the sum of all counts. */
size_t group_count(struct group *g);
uint64_t group_total(const struct group *g);
/* Write one record per group, sorted: the key values then the count, to a
 * writer whose columns are the nkeys key names and a count column; then,
 * when total is set, a row GROUP_TOTAL, empty values, the sum. */
void group_write(struct group *g, struct rec_writer *w, int total);

#endif
