/*
 * casestats: the bureau's clearance statistics (case-status stats), from
 * fold's records, one per case, per group of -b values and period
 * (caseperiod.h: year, quarter or month).
 *
 * A case counts in the period of its filed_at as filed, in that of its
 * solved_at as solved, and its complaints in that of its opened (an empty
 * or NULL date: not at all).  Per group and period:
 *   filed             cases filed in the period
 *   solved_of_filed   of those, solved in the same period
 *   rate_of_filed_pct their ratio in percent (现案破案率)
 *   solved_in_period  cases solved in the period, older ones included
 *   older_solved      of those, filed in an earlier period or never (积案)
 *   rate_in_period_pct  solved_in_period over filed, in percent (it can
 *                     pass 100: the DOMAIN file's "publish both")
 *   complaints        complaint events of the cases opened in the period
 *   filed_year_before filed in the same period a year before: NULL when
 *                     the group has no row for it, 0 when one with none
 *   filed_change_pct  filed against it, in percent, signed
 * The rates and the change are NULL when what they divide by is 0 or NULL.
 *
 * A case's part in one period is a pattern (casestats_pattern()): filed
 * there or not, solved there, in the same period as filed, filed earlier;
 * its complaints are a pattern of their own, counted n times.  Records
 * are counted per -b values, period and pattern (the grouping's fast
 * path: one add a case when its dates fall in one period, as most do),
 * and the patterns are worked into the counts by casestats_write(), once
 * all records are in.  The year before is looked up then too: the two
 * periods' cases may come from different parts of the input.
 *
 * The mergeable form: with CASESTATS_PARTIAL the counts are written as
 * the grouping's partial rows (filed, solved_of_filed, solved_in_period,
 * older_solved, complaints per -b values and period); with
 * CASESTATS_MERGE the records read are such rows, added up, and the
 * answer is the one the whole input gives.
 *
 * Rejects (through the reader, rec_reject()): a time field neither empty
 * nor a time casefold_time() takes ("field 'filed_at': not a time"),
 * complaints not a count of at most CASESTATS_MAX_COMPLAINTS ("field
 * 'complaints': not a count"); under merge, a period not of 4 to 11 bytes
 * ("field 'period': not a period") and what group_merge_rec() refuses.
 * With --serious (a configuration given), a case of a category that is
 * not one of the eight serious ones is filtered out (rec_filtered()) and
 * the others count under the configuration's serious_name.
 *
 * Lifetimes: a struct casestats is casestats_new()'s, the caller's to
 * casestats_free(); the configuration must outlive it.  Nothing is
 * allocated per record but the groups' keys (copied by the grouping).
 */
#ifndef JW_CASESTATS_H
#define JW_CASESTATS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/caseperiod.h"
#include "domain/cases.h"
#include "rec/rec.h"

#define CASESTATS_MAX_COMPLAINTS 999999999999LL	/* a case's, at most */
#define CASESTATS_MAX_KEYS 16	/* -b fields, at most */

/* The pattern of a case's part in one period: bits. */
enum {
	CASESTATS_FILED = 1,		/* filed in the period */
	CASESTATS_SOF = 2,		/* ... and solved in it */
	CASESTATS_SOLVED = 4,		/* solved in the period */
	CASESTATS_OLDER = 8,		/* ... filed earlier, or never */
	CASESTATS_COMPLAINTS = 16	/* its complaints (n of them) */
};

/* One part of a case: n times pattern pat in period per. */
struct casestats_part {
	struct rec_str per;
	int pat;
	uint64_t n;
};

/* casestats_new()'s flags. */
enum { CASESTATS_PARTIAL = 1, CASESTATS_MERGE = 2, CASESTATS_LABELS = 4 };

struct casestats;

/*
 * The parts of a case filed in period *pf, solved in *ps and with n
 * complaints in *po (each NULL when the case has no such date; periods
 * of one kind, as case_period_of() gives them) into part[0..3): returns
 * how many (0 to 3).  A case filed and solved in one period is one part
 * (FILED|SOF|SOLVED); solved in another period than filed, it is a part
 * in each, the solution's OLDER when filed earlier or never; complaints
 * are a part of their own when n > 0.  The parts' periods point where pf,
 * ps and po do.
 */
size_t casestats_pattern(const struct rec_str *pf, const struct rec_str *ps,
			 const struct rec_str *po, int64_t n,
			 struct casestats_part part[3]);

/* Statistics per nk -b values (nk <= CASESTATS_MAX_KEYS) and period of
 * kind k; serious: the configuration for --serious, or NULL.  flags:
 * CASESTATS_PARTIAL, CASESTATS_MERGE (not both), CASESTATS_LABELS (name a
 * NULL and an empty -b value, as --opretty does).  Caller frees. */
struct casestats *casestats_new(size_t nk, enum case_period_kind k,
				const struct case_cfg *serious, int flags);
void casestats_free(struct casestats *s);
/* For cli_defer(). */
void casestats_free_v(void *s);

/*
 * After in's header: the -b fields by[0..nk) (indexes in in) and the
 * output's columns (the -b names, period, then the answer's or the
 * partial counts') added to out; the fields read found (exits 2 naming
 * one missing: fold's category, filed_at, solved_at, opened, complaints,
 * or under merge period and the partial columns) and the reader told to
 * split only those.  Returns NULL, or the name of a -b field that is an
 * output column (nothing is added then: the caller's usage error).
 */
const char *casestats_fields(struct casestats *s, struct rec_reader *in,
			     struct rec_writer *out, const size_t *by);
/* Count record r of fold (without CASESTATS_MERGE), or add partial row r
 * (with it); or reject or filter it out (see above). */
void casestats_rec(struct casestats *s, struct rec_reader *in,
		   const struct rec *r);
/* Work out the counts and write a row per group and period to out: the
 * answer, or with CASESTATS_PARTIAL the partial rows.  Once, after the
 * last casestats_rec(). */
void casestats_write(struct casestats *s, struct rec_writer *out);

#endif
