/*
 * group_impl: the inside of a struct group, shared by group.c (the table:
 * keys, slots, adding and combining), group_write.c (the decimals and the
 * writing of groups) and group_cli.c (merging partial rows, and a
 * grouping verb's options and steps).  Private to them: programs use
 * group.h.
 *
 * A group's aggregates are held as int64_t slots: slot 0 is the record
 * count, then each aggregate's from off[i] (SUM, MIN and MAX one, MEAN
 * two: n and sum, VAR three: n, sum and sum of squares; COUNT, RATIO and
 * CHANGE none of their own).  Its key is the joined key of group_key.h:
 * one value as it is, more each followed by a NUL, a NULL value as the
 * byte NULL_KEY.
 */
#ifndef JW_GROUP_IMPL_H
#define JW_GROUP_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/htab.h"
#include "rec/group.h"

/* Adds in flight: a key's table memory is prefetched when it comes and
 * its count added RING - 1 adds later (see htab_prefetch()). */
#define RING 4

/* A NULL key value is held as this byte, which valid UTF-8 never has: it
 * keeps NULL apart from '' and sorts after every other value. */
#define NULL_KEY "\xff"

/* How a slot combines with another (merging, the total row). */
enum { OP_ADD, OP_MIN, OP_MAX };

/* A partial column: one slot of the value. */
struct part {
	const char *name;
	size_t slot;
	int scale;
	int op;
	int is_n;		/* a count: never negative */
	size_t in;		/* its field in the merge input */
};

struct pending {
	struct buf key;		/* a copy of a long or joined key: the
				 * record's bytes move on */
	struct htab_probe pr;
	uint64_t n;
};

struct group {
	size_t nkeys;
	struct htab h;		/* key -> nslots int64_t */
	struct pending ring[RING];
	size_t head, inflight;	/* next ring entry; entries in flight */

	struct group_agg *a;
	size_t na;
	size_t *off;		/* per aggregate: its first slot */
	size_t nslots;		/* slot 0 is the record count */
	int64_t *tot;		/* the total row's slots */
	int64_t *init;		/* a new group's slots */
	int64_t *tmp;		/* scratch: a group's slots being combined,
				 * then the total's (2 * nslots) */
	int64_t *row;		/* scratch: one record's or row's slots */
	int *ops;		/* per slot: how it combines (OP_) */
	int all_add;		/* every slot's OP_ADD */
	int sums_only;		/* COUNT, SUM, RATIO and CHANGE only: a
				 * value is its slot's addend */
	size_t *sums, nsums;	/* the SUM aggregates' indexes */
	size_t *sumslot;	/* and their slots */
	uint64_t room;		/* what sums may still take unchecked (see
				 * add_vals_sums()) */
	int by_values;		/* a key of several values is hashed value
				 * by value (values_hash()): a table of more
				 * than counts, whose adds are synchronous */
	int lane_2_2;		/* sums only, two keys and two sums: the
				 * lane of viol-query stats, compiled apart */
	size_t last;		/* group index + 1 of the last synchronous
				 * add (0: none) */
	struct part *parts;
	size_t nparts;
	struct arena mem;	/* part names */
	struct buf key;		/* scratch key for synchronous adds */

	/* group_start()'s. */
	struct group_opts o;
	int pretty;		/* --opretty: name NULL and empty keys */
	const size_t *keys;
	struct rec_str *kv;
	struct buf q;
};

/* Whether aggregate i is a COUNT or a SUM (a RATIO's operand). */
static inline int
group_is_sum(const struct group *g, size_t i)
{
	return g->a[i].kind == GROUP_COUNT || g->a[i].kind == GROUP_SUM;
}

/* ---- group.c's, for the other two ---- */

/* The probe of key values k (g->nkeys of them), joined into b when they
 * must be (see above); b must outlive the probe's use. */
void group_probe_key(const struct group *g, struct htab_probe *pr,
		     struct buf *b, const struct rec_str *k);
/* Combine the slots d[] (a row's worth, by g->ops) into the group of
 * probe pr and into the total row, all or nothing: -1 when a sum would
 * overflow (nothing changed), else 0. */
int group_combine_row(struct group *g, const struct htab_probe *pr,
		      const int64_t *d);
/* Add every count still in flight (group_add()'s ring). */
void group_land_all(struct group *g);

#endif
