/*
 * poll: the rules of a satisfaction poll (民意调查) for poll-rank: its
 * answer scales and weights, items (questions), units with their
 * 行政区划代码 and parents, tiers, minimum sample, published precision and
 * tie method; and the statistics a unit's answers give (the satisfied rate
 * with its Wilson interval, the weighted score with the normal interval of
 * the mean), the ranking with ties, tiers and streaks, and the checks of a
 * published ranking table.  The schema and formulas are in poll-rank(1).
 *
 * poll_load() reads the YAML and, on a bad file, prints every mistake
 * (file, line and column, through cfg's error list) and exits 3.  Everything a struct poll holds (names, scales, units) lives
 * until poll_free().  Nothing here reads records: cmd/poll-rank.c does,
 * and hands the counts in.
 */
#ifndef JW_POLL_H
#define JW_POLL_H

#include <stddef.h>

#include "base/arena.h"
#include "rec/rec.h"

#define POLL_Z 1.96		/* two-sided 95% normal quantile */
#define POLL_MAX_ANSWERS 64	/* answers in one scale */
#define POLL_MAX_UNITS 100000
#define POLL_WEIGHT_SCALE 2	/* weights have at most 2 decimals */
#define POLL_MAX_WEIGHT 1000	/* so that sums of squares stay in 64 bits */
#define POLL_SCORE_DEC 2	/* decimals of written scores */
#define POLL_RATE_DEC 4		/* decimals of rates and their bounds */

enum poll_ties { POLL_TIES_1224, POLL_TIES_1223, POLL_TIES_1334 };

struct poll_answer {
	const char *text;
	size_t len;
	long long weight;	/* times 10^POLL_WEIGHT_SCALE */
	int satisfied;		/* counts toward the satisfied rate */
	int in_base;		/* counts toward n (不了解 does not) */
};

struct poll_scale {
	const char *name;
	struct poll_answer *a;
	size_t n;
};

struct poll_item {
	const char *id;
	size_t len;
	const struct poll_scale *scale;
};

struct poll_unit {
	const char *name;
	size_t len;
	const char *code;		/* 行政区划代码, six digits */
	const struct poll_unit *parent;	/* NULL at the top level */
	int level;			/* 1 at the top, parent's + 1 */
	size_t no;			/* index in poll->units */
};

struct poll_tier {
	const char *name;
	int top;	/* 1: the best n positions; 0: the worst n */
	long n;
};

struct poll {
	struct cfg *cfg;
	const char *name;		/* the poll's title, may be "" */
	struct poll_scale *scales;
	size_t nscales;
	struct poll_item *items;
	size_t nitems;
	const struct poll_item *overall;	/* the item that ranks */
	struct poll_unit *units;
	size_t nunits;
	struct poll_tier *tiers;
	size_t ntiers;
	const char *others;		/* tier name of the rest, may be "" */
	long min_n;
	int prec_score, prec_rate;	/* decimals ranked on */
	enum poll_ties ties;
};

/* Load a poll definition; path NULL means the built-in default (Hunan's
 * 14 prefecture-level units, the text of testdata/poll/hunan.yaml).
 * Exits 3 on a bad file. */
struct poll *poll_load(const char *path);
/* The same from text, without printing or exiting: NULL when it has
 * mistakes (their number in *nerr, else 0).  For the fuzz harness. */
struct poll *poll_load_mem(const char *name, const char *p, size_t n,
			   size_t *nerr);
void poll_free(struct poll *p);
/* The built-in default definition's text (testdata/poll/hunan.yaml,
 * through scripts/embed) and its length. */
extern const char poll_default_yaml[];
extern const size_t poll_default_yaml_len;

/* Whether a[0..n) and b[0..n) are the same bytes: inline word compares
 * for the short names and answers the tally checks on every record (a
 * memcmp() call each was a tenth of score's time).  From 4 to 16 bytes
 * (a year, most names and answers: two to five CJK characters) the first
 * and last words are compared, overlapping, with no loop. */
static inline int
poll_same(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	unsigned long long u, v, s, t;
	unsigned int c, d, e, f;

	if (n >= 8) {
		for (; n > 16; n -= 8, x += 8, y += 8) {
			__builtin_memcpy(&u, x, 8);
			__builtin_memcpy(&v, y, 8);
			if (u != v)
				return 0;
		}
		__builtin_memcpy(&u, x, 8);
		__builtin_memcpy(&v, y, 8);
		__builtin_memcpy(&s, x + n - 8, 8);
		__builtin_memcpy(&t, y + n - 8, 8);
		return ((u ^ v) | (s ^ t)) == 0;
	}
	if (n >= 4) {
		__builtin_memcpy(&c, x, 4);
		__builtin_memcpy(&d, y, 4);
		__builtin_memcpy(&e, x + n - 4, 4);
		__builtin_memcpy(&f, y + n - 4, 4);
		return ((c ^ d) | (e ^ f)) == 0;
	}
	while (n-- > 0)
		if (*x++ != *y++)
			return 0;
	return 1;
}

/* Lookups by exact text; NULL when there is none. */
const struct poll_unit *poll_unit(const struct poll *p, const char *s,
				  size_t n);
const struct poll_item *poll_item(const struct poll *p, const char *s,
				  size_t n);
/* The answer's index in the scale, or -1. */
int poll_answer(const struct poll_scale *sc, const char *s, size_t n);
/* The ancestor of u at level (u itself at its own level), or NULL when u
 * is above that level. */
const struct poll_unit *poll_unit_at(const struct poll_unit *u, int level);
/* Number of units at a level. */
size_t poll_units_at(const struct poll *p, int level);
/* The tie method's name ("1224") and parsing; -1 when unknown. */
const char *poll_ties_name(enum poll_ties t);
int poll_ties_parse(const char *s, enum poll_ties *t);

/* The statistics of one unit's answers.  Fixed decimals as integers:
 * rates times 10^4, scores times 10^2; has_score_ci is 0 when n < 2 (no
 * variance can be estimated). */
struct poll_stats {
	unsigned long long n, satisfied, excluded;
	long long rate, rate_low, rate_high;
	long long score, score_low, score_high;
	int has_rate, has_score_ci;
	int small;			/* n < min_n */
};

/* The sums a unit's statistics come from: answers in the base, satisfied
 * ones, the sum of their weights (hundredths) and of the weights' squares
 * (ten-thousandths), answers left out of the base.  They add up across
 * parts of the answers (score --partial). */
__extension__ typedef unsigned __int128 poll_u128;
struct poll_sums {
	unsigned long long n, satisfied;
	poll_u128 wsum, wsq;
	unsigned long long excluded;
};

/* Compute the statistics from the sums; sc is the item's scale (for the
 * range of its weights). */
void poll_stats_sums(const struct poll *p, const struct poll_scale *sc,
		     const struct poll_sums *sm, struct poll_stats *st);
/* The same from per-answer counts cnt[0..sc->n). */
void poll_stats(const struct poll *p, const struct poll_scale *sc,
		const unsigned long long *cnt, struct poll_stats *st);
/* The Wilson score interval for x of n at z (n > 0). */
void poll_wilson(unsigned long long x, unsigned long long n, double z,
		 double *lo, double *hi);

/* One unit of one year in a ranking. */
struct poll_ranked {
	long long value;	/* ranked quantity, fixed decimals */
	long long low, high;	/* its interval, same scale */
	int has_ci;
	int small;		/* not ranked */
	long rank;		/* out: 0 when small */
	long best, worst;	/* out: positions, competition and modified */
	int above, below;	/* out: interval overlaps that neighbour's */
	size_t order;		/* out: place in the sorted order */
	size_t tag;		/* the caller's */
};

/* Rank r[0..n) of one year: values are first rounded from dec decimals to
 * prec, higher is better, ties by method.  Sorts r by rank (small ones
 * last, in their given order among equals by tag).  Returns the number of
 * units ranked. */
size_t poll_rank(struct poll_ranked *r, size_t n, int dec, int prec,
		 enum poll_ties method);
/* The tier of a ranked unit among of: the first configured tier that
 * holds it, or NULL (then p->others).  Top n holds best <= n; bottom n
 * holds worst > of - n. */
const struct poll_tier *poll_tier_of(const struct poll *p, long best,
				     long worst, size_t of);

/* Checks of one year's published ranks, in the published order:
 * rank[i] for row i, has_score[i] and score[i] (fixed decimals, dec),
 * line[i] its line in the file (for messages naming another row).
 * of is the number of units that can be ranked.  For each row the reason
 * it is inconsistent goes into why[i] (a static or arena string), or
 * NULL; the caller frees each why[i].  Rows already known bad (a unit
 * twice in the year) are skipped when bad[i]. */
void poll_check_year(const struct poll *p, const long *rank,
		     const int *has_score, const long long *score, int dec,
		     const unsigned long long *line, size_t n, size_t of,
		     const int *bad, char **why);

/*
 * Tables: the units of each year (and of each value of the -b fields)
 * with their statistics and, after poll_table_rank(), their ranks.  A
 * table is filled from answer records through a tally (which checks each
 * record and rejects or filters it itself), or from score records (the
 * output of poll-rank score or rank) with poll_table_read().
 */
struct poll_row {
	int year;
	const struct poll_unit *u;
	struct rec_str *b;		/* the -b values, owned by the table */
	struct poll_stats st;
	/* Set by poll_table_rank(); rank 0 when not ranked (small). */
	long rank, of, streak, change;
	int has_change, above, below;
	long best, worst;
	const char *tier;
	size_t pos;			/* place in its year's ranking */
};

struct poll_table {
	struct poll_row *rows;
	size_t n, cap;
	size_t nb;			/* -b fields */
	struct arena a;
};

struct poll_tally;

/* A tally of answer records from in: year, unit, answer, and question
 * and count when the input has them; by[0..nb) are the -b fields'
 * indexes.  level > 0 counts each answer for its unit's ancestor at that
 * level.  With merge, the records are instead the partial rows of
 * poll_tally_partial() (year, unit, the -b fields, and the sums n,
 * satisfied, weight_sum, weight_sumsq, excluded), added up through the
 * group module's merge.  The tally is built on lib/rec/group: one group
 * per year, unit and -b values, its aggregates sums.  Exits 2 when a
 * needed field is missing. */
struct poll_tally *poll_tally_new(const struct poll *p, struct rec_reader *in,
				  const size_t *by, size_t nb, int level,
				  int merge);
/* Check r and count it, or reject or filter it (an answer to another
 * item than the overall one, when the question is not a -b field). */
void poll_tally_add(struct poll_tally *t, const struct rec *r);
/* The fields poll_tally_add() reads, for rec_reader_want(); *n of them. */
const size_t *poll_tally_fields(const struct poll_tally *t, size_t *n);
/* Tell in to split only those fields, then add every record of in (the
 * reader the tally was made for), before its first record is read. */
void poll_tally_read(struct poll_tally *t, struct rec_reader *in);
/* Write the partial rows (year, unit, the -b fields, n, satisfied,
 * weight_sum, weight_sumsq, excluded) to w, adding those columns first. */
void poll_tally_partial(struct poll_tally *t, const struct rec_reader *in,
			struct rec_writer *w);
/* Add the tally's units to tb (initialised with poll_table_init()). */
void poll_tally_table(struct poll_tally *t, struct poll_table *tb);
void poll_tally_free(struct poll_tally *t);
/* For the tests: check every record the long way, without the fast
 * lane's caches (the results must be the same). */
void poll_tally_uncached(struct poll_tally *t);

void poll_table_init(struct poll_table *tb, size_t nb);
void poll_table_release(struct poll_table *tb);
/* Whether in's header is that of score records (it has n and score). */
int poll_is_scores(const struct rec_reader *in);
/* Read score records into tb; bad ones are rejected.  by[0..tb->nb) are
 * the -b fields.  Exits 2 when a needed field is missing. */
void poll_table_read(const struct poll *p, struct poll_table *tb,
		     struct rec_reader *in, const size_t *by);
/* Sort tb by the -b values, level, year and unit name, and rank each
 * year: by_rate ranks on the rate, else on the score. */
void poll_table_rank(const struct poll *p, struct poll_table *tb,
		     int by_rate);

#endif
