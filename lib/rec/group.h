/*
 * group: group records by key fields and aggregate them, for every verb
 * that counts or sums (pop-grid count and due, case-status stats,
 * viol-query stats, poll-rank score).
 *
 * A group is the tuple of its key values.  Its aggregates live in a hash
 * table (memory grows with the number of groups, not of records) and are
 * written sorted by the key values in byte order, field by field (the
 * order of `sort` in the C locale), with an optional total row.  A NULL
 * key value (\N) is its own group, apart from the empty value, and is
 * written back as \N; it sorts after every other value.  --opretty names
 * the two (GROUP_NULL_LABEL, GROUP_EMPTY_LABEL), as a blank cell would
 * hide the group (often the largest: no work_city).
 *
 * Numbers are exact: every value is a 64-bit integer of fixed decimals
 * (a fine of 12.50 yuan with scale 2 is 1250), so sums of money never
 * round.  A sum that would overflow is refused and the record rejected.
 *
 * Aggregates (struct group_agg, one output column each):
 *   GROUP_COUNT  records in the group
 *   GROUP_SUM    sum of the values
 *   GROUP_MIN, GROUP_MAX   least and greatest value (\N when none)
 *   GROUP_MEAN   sum / n, to .out decimals (\N when n is 0)
 *   GROUP_VAR    sample variance (n - 1 below), to .out decimals (\N when
 *                n < 2); kept as n, sum and sum of squares
 *   GROUP_RATIO  aggregate .of / aggregate .per (two earlier COUNT or SUM
 *                aggregates), to .out decimals: a rate, a weighted mean
 *                (the sum of w*x per the sum of w); \N when .per is 0
 *   GROUP_CHANGE (.of - .per) / .per, to .out decimals: the change since
 *                the same period a year before, say; \N when .per is 0
 * Results are rounded half away from zero.  A value of GROUP_NOVAL (an
 * empty field, say) adds nothing to SUM, MIN, MAX, MEAN and VAR.  A RATIO
 * or CHANGE with .pct is written in percent (times 100: 33.3, not 0.333),
 * and with .sign a result above zero gets a '+' (+12.5, -3.0, 0.0).  A SUM
 * with .nonneg adds counts (0 or more a record, solved or not, say):
 * --merge rejects a negative part of it as not a count.
 *
 * The mergeable form (DESIGN.md, "Beyond one machine").  --partial writes
 * each group's parts, never a finished ratio: COUNT, SUM, MIN and MAX as
 * themselves, MEAN as NAME_n and NAME_sum, VAR as NAME_n, NAME_sum and
 * NAME_sumsq (at twice the scale); RATIO and CHANGE write nothing (their
 * parts are aggregates of their own), and no total row is written.
 * --merge reads such rows (found by column name), combines them (adding,
 * or the least and the greatest) and writes the final answer; a row that
 * is a total row, or whose parts are not numbers, is rejected.  Partial
 * rows are plain TSV and combining is associative and commutative, so
 * `split | parallel tool verb --partial | tool verb --merge` writes what
 * `tool verb` writes on the whole.
 *
 * A verb in a few lines (case-status stats, say):
 *
 *	static const struct group_agg aggs[] = {
 *		{ .kind = GROUP_COUNT, .name = "filed" },
 *		{ .kind = GROUP_SUM, .name = "solved" },
 *		{ .kind = GROUP_RATIO, .name = "solved_rate", .of = 1,
 *		  .per = 0, .out = 4 },
 *		{ .kind = GROUP_SUM, .name = "fines", .scale = 2 },
 *	};
 *	static const struct cli_opt opts[] = {
 *		GROUP_OPTS("default unit"), { 0, NULL, 0, NULL, NULL }
 *	};
 *	struct group_opts go = GROUP_OPTS_INIT("unit");
 *	int64_t v[4];
 *
 *	while ((c = cli_getopt(cli, opts, argc, argv)) != -1)
 *		group_opt(cli, &go, c);
 *	in = cli_open_inputs(cli);
 *	out = cli_open_output(cli);
 *	g = group_start(cli, &go, in, out, aggs, 4, want, nwant);
 *	while ((r = rec_reader_next(in)) != NULL) {
 *		if (!group_merging(g)) {
 *			v[1] = is_solved(r);
 *			if (group_value(in, r, ifine, 2, &v[3]) < 0)
 *				continue;		(rejected)
 *		}
 *		group_rec(g, in, r, v);	(under --merge: the partial row)
 *	}
 *	return group_finish(cli, g, in, out);
 *
 * Lifetimes: group_new() and group_new_aggs() tables are the caller's to
 * group_free(); a table from group_start() belongs to cli and is freed by
 * cli_finish().  Key bytes are copied; values are copied.
 */
#ifndef JW_GROUP_H
#define JW_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "rec/cli.h"
#include "rec/rec.h"

#define GROUP_TOTAL "(total)"	/* first key value of the total row */
/* Under --opretty (group_start()), for a person: a NULL key value and an
 * empty one.  Every other format writes them as they are (\N and
 * nothing), so that the output reads back. */
#define GROUP_NULL_LABEL "(null)"
#define GROUP_EMPTY_LABEL "(empty)"
#define GROUP_NOVAL INT64_MIN	/* "no value" for an aggregate's input */
#define GROUP_MAX_SCALE 9	/* decimals of a value or a result */

enum group_kind {
	GROUP_COUNT, GROUP_SUM, GROUP_MIN, GROUP_MAX, GROUP_MEAN, GROUP_VAR,
	GROUP_RATIO, GROUP_CHANGE
};

struct group_agg {
	enum group_kind kind;
	const char *name;	/* the output column ("count", "fines") */
	int scale;		/* decimals of the values, 0..9 */
	int out;		/* MEAN, VAR, RATIO, CHANGE: decimals written */
	size_t of, per;		/* RATIO, CHANGE: indexes of two earlier
				 * COUNT or SUM aggregates */
	int hide;		/* not a column of the final answer (a part
				 * of a RATIO only); still in partial rows */
	int pct;		/* RATIO, CHANGE: in percent */
	int sign;		/* RATIO, CHANGE: '+' before a positive
				 * result */
	int nonneg;		/* SUM: of counts, never negative */
};

struct group;

/* ---- the table ---- */

/* A table for groups of nkeys values (nkeys >= 1) that counts records:
 * one aggregate, GROUP_COUNT named "count".  Caller frees. */
struct group *group_new(size_t nkeys);
/* A table with the aggregates a[0..na) (copied; names must outlive it).
 * Exits 5 on a bad spec (a bug): a scale over 9, a RATIO whose .of or
 * .per is not an earlier COUNT or SUM.  Caller frees. */
struct group *group_new_aggs(size_t nkeys, const struct group_agg *a,
			     size_t na);
void group_free(struct group *g);
/* For cli_defer(). */
void group_free_v(void *g);

/* Count n records in the group whose key values are k[0..nkeys), with no
 * values (GROUP_NOVAL for every aggregate that takes one).  The fast path
 * of a count: adds land a few calls late, behind a prefetch, and an add
 * of the key of the add before it joins that one.  Values must be valid
 * UTF-8 (records always are) or rec_null. */
void group_add(struct group *g, const struct rec_str *k, uint64_t n);
/* One record in group k with v[i] the value of aggregate i (scaled by its
 * .scale; ignored for COUNT, RATIO and CHANGE; GROUP_NOVAL for none).  v
 * may be NULL when no aggregate takes a value.  Returns 0, or -1 when a
 * sum (or the total row's) would overflow 64 bits: nothing is added.
 * With one key value, the group of the last call is kept: a run of
 * records of one key finds it without a hash or a lookup.  Several key
 * values are hashed and compared as they stand in the record; they are
 * copied only when they make a new group. */
int group_add_vals(struct group *g, const struct rec_str *k,
		   const int64_t *v);
/* The group of key values k[0..nkeys) (rec_null for a NULL value), for a
 * verb that reads one group's figures while it works out another's (the
 * same period a year before): 0 with v[i] as group_each() gives it (the
 * value of aggregate i when it is a COUNT or a SUM, else 0), or -1 when
 * there is no such group (v is left alone).  May be called from a
 * group_each() callback. */
int group_find(struct group *g, const struct rec_str *k, int64_t *v);
/* Number of groups, and the records counted in all. */
size_t group_count(struct group *g);
uint64_t group_total(const struct group *g);

/* ---- writing ---- */

enum { GROUP_W_TOTAL = 1, GROUP_W_PARTIAL = 2 };

/* Add the aggregates' columns (final, or partial with GROUP_W_PARTIAL)
 * to w, after the caller's key columns. */
void group_columns(const struct group *g, struct rec_writer *w, int flags);
/* Whether name is one of the columns group_columns() adds, either form. */
int group_is_column(const struct group *g, const char *name);
/* Write one record per group, sorted: the key values, then the columns
 * of group_columns(); with GROUP_W_TOTAL (and not GROUP_W_PARTIAL) then a
 * row GROUP_TOTAL, empty key values, the aggregates over all records. */
void group_write(struct group *g, struct rec_writer *w, int flags);

/* Write a NULL key value as GROUP_NULL_LABEL and an empty one as
 * GROUP_EMPTY_LABEL (on), or as they are (0, the default): what
 * group_start() sets under --opretty, for a verb that makes its own
 * table. */
void group_label_keys(struct group *g, int on);

/* Call fn for each group in group_write()'s order, for a verb that works
 * out its own columns from the aggregates (poll-rank score's intervals):
 * k[0..nkeys) are the key values (valid during the call; a NULL key is
 * rec_null), v[i] the value of aggregate i when it is a COUNT or a SUM
 * (at its scale), 0 for the other kinds. */
void group_each(struct group *g,
		void (*fn)(void *ctx, const struct rec_str *k,
			   const int64_t *v),
		void *ctx);

/* ---- merging partial rows ---- */

/* Find the partial columns in in's header (exits 2 naming the first one
 * missing); keys[0..nkeys) are the key fields' indexes. */
void group_merge_fields(struct group *g, const struct rec_reader *in,
			const size_t *keys);
/* Combine partial row r into its group.  A part that is not a number of
 * its column's scale (or a negative count), a sum that would overflow and
 * a total row are rejected (rec_reject): returns -1; else 0. */
int group_merge_rec(struct group *g, struct rec_reader *in,
		    const struct rec *r);

/* ---- a grouping verb's options and steps ---- */

/* Option ids of GROUP_OPTS: a verb's own long options must not use them
 * (the verbs' enums start at 256). */
enum {
	GROUP_OPT_NO_TOTAL = 0x4000, GROUP_OPT_PARTIAL, GROUP_OPT_MERGE
};

#define GROUP_OPTS(dflt) \
	{ 'b', "by", CLI_ARG, "FIELDS", "group by these fields (" dflt ")" }, \
	{ GROUP_OPT_NO_TOTAL, "no-total", CLI_NOARG, NULL, "no total row" }, \
	{ GROUP_OPT_PARTIAL, "partial", CLI_NOARG, NULL, \
	  "write mergeable partial rows (for --merge)" }, \
	{ GROUP_OPT_MERGE, "merge", CLI_NOARG, NULL, \
	  "combine partial rows written by --partial" }

struct group_opts {
	const char *by;		/* -b FIELDS, or the verb's default */
	int by_given;		/* -b was on the command line */
	int total;		/* a total row (cleared by --no-total) */
	int partial, merge;
};

#define GROUP_OPTS_INIT(by) { (by), 0, 1, 0, 0 }

/* Take option c if it is one of GROUP_OPTS: returns 1, else 0. */
int group_opt(struct cli *cli, struct group_opts *o, int c);
/*
 * After the inputs and the output are open: check the options (usage
 * error for --partial with --merge, a key field that is one of the
 * aggregates' columns, a --mask naming such a column: a computed number
 * is never personal data), resolve -b, add the key and aggregate columns
 * to out, and under --merge find the partial columns.  The reader is told
 * to split only the keys, the partial columns and want[0..nwant) (the
 * fields the verb reads itself; REC_NONE entries are skipped).  a is NULL
 * (na 0) for a plain count.  The table belongs to cli.
 */
struct group *group_start(struct cli *cli, const struct group_opts *o,
			  struct rec_reader *in, struct rec_writer *out,
			  const struct group_agg *a, size_t na,
			  const size_t *want, size_t nwant);
/* Whether --merge was given: the records are partial rows. */
int group_merging(const struct group *g);
/* Add record r: its key fields and v (as group_add_vals(); NULL for a
 * plain count).  Under --merge, v is ignored and r is a partial row
 * (group_merge_rec()).  A record refused is rejected; returns 0 or -1. */
int group_rec(struct group *g, struct rec_reader *in, const struct rec *r,
	      const int64_t *v);
/* Read a value for an aggregate: field i of r as a decimal of at most
 * scale decimals into *v (scaled); an empty or NULL field is GROUP_NOVAL.
 * Anything else rejects r ("field 'x': not a number ...") and returns -1. */
int group_value(struct rec_reader *in, const struct rec *r, size_t i,
		int scale, int64_t *v);
/* Write the groups (partial rows under --partial, else the final answer
 * and the total row unless --no-total), then cli_finish(). */
int group_finish(struct cli *cli, struct group *g, struct rec_reader *in,
		 struct rec_writer *out);

#endif
