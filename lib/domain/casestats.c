/* casestats: clearance statistics per group and period, from fold's
 * records.  See casestats.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "domain/casestats.h"
#include "rec/group.h"

/* The counts of a group and period: what --partial writes. */
enum { ST_FILED, ST_SOLVED_OF_FILED, ST_SOLVED, ST_OLDER, ST_COMPLAINTS,
       ST_N };
static const struct group_agg stat_counts[ST_N] = {
	{ .kind = GROUP_SUM, .name = "filed", .nonneg = 1 },
	{ .kind = GROUP_SUM, .name = "solved_of_filed", .nonneg = 1 },
	{ .kind = GROUP_SUM, .name = "solved_in_period", .nonneg = 1 },
	{ .kind = GROUP_SUM, .name = "older_solved", .nonneg = 1 },
	{ .kind = GROUP_SUM, .name = "complaints", .nonneg = 1 },
};

/* The answer: the counts, both rates, and the filings against the same
 * period a year before (the year before's filed count is found once all
 * counts are in: the two periods' cases may come from different parts). */
enum { SA_BEFORE = 7, SA_BEFORE_N = 8, SA_N = 10 };
static const struct group_agg stat_answer[SA_N] = {
	{ .kind = GROUP_SUM, .name = "filed" },
	{ .kind = GROUP_SUM, .name = "solved_of_filed" },
	{ .kind = GROUP_RATIO, .name = "rate_of_filed_pct", .of = 1,
	  .per = 0, .out = 1, .pct = 1 },
	{ .kind = GROUP_SUM, .name = "solved_in_period" },
	{ .kind = GROUP_SUM, .name = "older_solved" },
	{ .kind = GROUP_RATIO, .name = "rate_in_period_pct", .of = 3,
	  .per = 0, .out = 1, .pct = 1 },
	{ .kind = GROUP_SUM, .name = "complaints" },
	/* The greatest of one value, or \N when the group has no row a year
	 * before (0 when it has one with no filing). */
	{ .kind = GROUP_MAX, .name = "filed_year_before" },
	{ .kind = GROUP_SUM, .name = "filed_before", .hide = 1 },
	{ .kind = GROUP_CHANGE, .name = "filed_change_pct", .of = 0,
	  .per = SA_BEFORE_N, .out = 1, .pct = 1, .sign = 1 },
};

#define PAT_BASE '@'		/* the pattern byte: '@' + bits */

/* The fields of fold read: sx->ix[IX_...]. */
enum { IX_CAT, IX_FILED, IX_SOLVED, IX_OPENED, IX_COMPLAINTS, IX_N };

struct casestats {
	struct group *pat;	/* records per -b values, period + pattern */
	struct group *g;	/* the counts; keys: the -b values, period */
	struct group *ans;	/* the answer */
	size_t nk;		/* -b fields: the period is key nk */
	int flags;
	struct rec_str k[CASESTATS_MAX_KEYS + 1];	/* nk + 1 key values */
	char pk[CASE_PERIOD_MAX + 1];	/* a period and its pattern: key
					 * nk of the patterns */
	size_t keys[CASESTATS_MAX_KEYS + 1];	/* the key fields (the
						 * period's under merge) */
	size_t ix[IX_N];	/* category, filed_at, solved_at, opened,
				 * complaints */
	struct case_period cp;		/* the kind of period */
	size_t plen;			/* its bytes */
	const struct case_cfg *cfg;	/* --serious: the categories */
};

/* The patterns of a case filed in period wf (have & 1) and solved in ws
 * (have & 2), periods as words (case_period_word()): the filing's into
 * *pf and the solution's into *ps, 0 for none (no such date, or solved in
 * the period filed: one part). */
static inline void
pattern_of(unsigned have, uint64_t wf, uint64_t ws, int *pf, int *ps)
{
	int same = (have & 3) == 3 && wf == ws;

	*pf = have & 1 ? CASESTATS_FILED |
	      (same ? CASESTATS_SOF | CASESTATS_SOLVED : 0) : 0;
	/* solved in a later period than filed, or never filed (积案) */
	*ps = (have & 2) && !same ? CASESTATS_SOLVED |
	      (!(have & 1) || case_period_order(wf) < case_period_order(ws) ?
	       CASESTATS_OLDER : 0) : 0;
}

/* A period's view as a word, NULs after its (at most 7) bytes. */
static uint64_t
word_of(const struct rec_str *v)
{
	char b[8] = { 0 };
	uint64_t w;

	memcpy(b, v->p, v->len < 8 ? v->len : 8);
	memcpy(&w, b, 8);
	return w;
}

size_t
casestats_pattern(const struct rec_str *pf, const struct rec_str *ps,
		  const struct rec_str *po, int64_t n,
		  struct casestats_part part[3])
{
	unsigned have = (pf != NULL) | (ps != NULL) << 1;
	size_t np = 0;
	int a, b;

	pattern_of(have, pf ? word_of(pf) : 0, ps ? word_of(ps) : 0, &a, &b);
	if (a) {
		part[np].per = *pf;
		part[np].pat = a;
		part[np++].n = 1;
	}
	if (b) {
		part[np].per = *ps;
		part[np].pat = b;
		part[np++].n = 1;
	}
	if (po != NULL && n > 0) {
		part[np].per = *po;
		part[np].pat = CASESTATS_COMPLAINTS;
		part[np++].n = (uint64_t)n;
	}
	return np;
}

struct casestats *
casestats_new(size_t nk, enum case_period_kind k,
	      const struct case_cfg *serious, int flags)
{
	struct casestats *s = xcalloc(1, sizeof *s);
	s->nk = nk;
	s->flags = flags;
	s->cfg = serious;
	s->pat = group_new(nk + 1);
	s->g = group_new_aggs(nk + 1, stat_counts, ST_N);
	s->ans = group_new_aggs(nk + 1, stat_answer, SA_N);
	group_label_keys(s->g, (flags & CASESTATS_LABELS) != 0);
	group_label_keys(s->ans, (flags & CASESTATS_LABELS) != 0);
	case_period_init(&s->cp, k);
	s->plen = case_period_len(&s->cp);
	return s;
}

void
casestats_free(struct casestats *s)
{
	if (s == NULL)
		return;
	group_free(s->pat);
	group_free(s->g);
	group_free(s->ans);
	free(s);
}

void
casestats_free_v(void *s)
{
	casestats_free(s);
}

const char *
casestats_fields(struct casestats *s, struct rec_reader *in,
		 struct rec_writer *out, const size_t *by)
{
	static const char *const need[IX_N] = {
		"category", "filed_at", "solved_at", "opened", "complaints"
	};
	size_t i, nw = 0, nk = s->nk, want[CASESTATS_MAX_KEYS + ST_N + 1];
	int partial = s->flags & CASESTATS_PARTIAL;
	const char *name;

	for (i = 0; i < nk; i++) {
		name = rec_reader_name(in, by[i]);
		if (strcmp(name, "period") == 0 ||
		    group_is_column(s->g, name) ||
		    group_is_column(s->ans, name))
			return name;
	}
	for (i = 0; i < nk; i++) {
		rec_writer_add(out, rec_reader_name(in, by[i]));
		want[nw++] = s->keys[i] = by[i];
	}
	rec_writer_add(out, "period");
	group_columns(partial ? s->g : s->ans, out,
		      partial ? GROUP_W_PARTIAL : 0);
	if (s->flags & CASESTATS_MERGE) {
		want[nw++] = s->keys[nk] = rec_reader_need(in, "period");
		group_merge_fields(s->g, in, s->keys);
		for (i = 0; i < ST_N; i++)
			want[nw++] = rec_reader_field(in, stat_counts[i].name);
	} else {
		/* Only the fields read: category for --serious alone. */
		for (i = 0; i < IX_N; i++)
			s->ix[i] = rec_reader_need(in, need[i]);
		for (i = s->cfg != NULL ? 0 : 1; i < IX_N; i++)
			want[nw++] = s->ix[i];
		/* The patterns' last key is always pk (stat_add()). */
		s->k[nk].p = s->pk;
		s->k[nk].len = s->plen + 1;
	}
	rec_reader_want(in, want, nw);
	return NULL;
}

/* Count n records of pattern pat in the period of word w (the -b values
 * in s->k[0..nk), pk in s->k[nk]).  The key is copied by group_add(): pk
 * is free again on return. */
static inline void
stat_add(struct casestats *s, uint64_t w, int pat, uint64_t n)
{
	memcpy(s->pk, &w, 8);
	s->pk[s->plen] = (char)(PAT_BASE + pat);
	group_add(s->pat, s->k, n);
}

/* The complaints field: a count of at most CASESTATS_MAX_COMPLAINTS
 * (one of one digit is read in line). */
static int
stat_count(struct rec_str f, int64_t *n)
{
	long long x;

	if (rec_str_long(f, &x) < 0 || x < 0 || x > CASESTATS_MAX_COMPLAINTS)
		return -1;
	*n = x;
	return 0;
}

/* --serious: 1 when the case's category is one of the eight (the -b
 * category becomes their name), else 0 with r filtered out. */
static int __attribute__((noinline))
stat_serious(struct casestats *s, struct rec_reader *in, const struct rec *r)
{
	const struct case_cfg *cfg = s->cfg;
	struct rec_str t = r->f[s->ix[IX_CAT]];
	size_t i;
	int k;

	k = case_category(cfg, t.p, t.len);
	if (k < 0 || !cfg->serious[k]) {
		rec_filtered(in, r);
		return 0;
	}
	for (i = 0; i < s->nk; i++)
		if (s->keys[i] == s->ix[IX_CAT])
			s->k[i] = rec_str_of(cfg->serious_name);
	return 1;
}

/* The period of time field t as a word into *w: 1, or 0 when there is
 * no date (empty or NULL), -1 when it is not a time. */
static inline int
stat_time(const struct casestats *s, struct rec_str t, uint64_t *w)
{
	if (t.len == 0)
		return 0;
	return case_period_word(&s->cp, t.p, t.len, w) < 0 ? -1 : 1;
}

/* Reject r for its time field i (0 filed_at, 1 solved_at, 2 opened). */
static void __attribute__((noinline, cold))
stat_bad_time(struct rec_reader *in, const struct rec *r, int i)
{
	static const char *const tname[3] = {
		"filed_at", "solved_at", "opened"
	};

	rec_reject(in, r, "field '%s': not a time", tname[i]);
}

/* Count record r of fold in its group, or filter it out (--serious) or
 * reject it.  The times are checked in the order filed_at, solved_at,
 * opened (the first bad one is named), then the complaints. */
static inline void
stat_rec(struct casestats *s, struct rec_reader *in, const struct rec *r)
{
	const struct rec_str *f = r->f;
	struct rec_str t;
	uint64_t wf = 0, ws = 0, wo = 0;
	size_t i;
	int64_t n;
	int hf, hs, ho, pf, ps;

	/* most often one -b field, or none */
	if (s->nk == 1)
		s->k[0] = f[s->keys[0]];
	else
		for (i = 0; i < s->nk; i++)
			s->k[i] = f[s->keys[i]];
	if (s->cfg != NULL && !stat_serious(s, in, r))
		return;
	if ((hf = stat_time(s, f[s->ix[IX_FILED]], &wf)) < 0 ||
	    (hs = stat_time(s, f[s->ix[IX_SOLVED]], &ws)) < 0 ||
	    (ho = stat_time(s, f[s->ix[IX_OPENED]], &wo)) < 0) {
		stat_bad_time(in, r, hf < 0 ? 0 : hs < 0 ? 1 : 2);
		return;
	}
	t = f[s->ix[IX_COMPLAINTS]];
	if (t.len == 1 && (unsigned char)(t.p[0] - '0') <= 9) {
		n = t.p[0] - '0';
	} else if (stat_count(t, &n) < 0) {
		rec_reject(in, r, "field 'complaints': not a count");
		return;
	}
	pattern_of((unsigned)hf | (unsigned)hs << 1, wf, ws, &pf, &ps);
	if (pf)
		stat_add(s, wf, pf, 1);
	if (ps)
		stat_add(s, ws, ps, 1);
	if (ho && n > 0)
		stat_add(s, wo, CASESTATS_COMPLAINTS, (uint64_t)n);
}

void
casestats_rec(struct casestats *s, struct rec_reader *in, const struct rec *r)
{
	struct rec_str per;

	if (!(s->flags & CASESTATS_MERGE)) {
		stat_rec(s, in, r);
		return;
	}
	/* A period as --partial writes it: 4 to 11 bytes. */
	per = r->f[s->keys[s->nk]];
	if (per.len < 4 || per.len >= 12)
		rec_reject(in, r, "field 'period': not a period");
	else
		group_merge_rec(s->g, in, r);
}

/* group_each() of the patterns: add c records of a pattern to the counts
 * of its group and period. */
static void
stat_pattern_row(void *ctx, const struct rec_str *k, const int64_t *v)
{
	struct casestats *s = ctx;
	struct rec_str pp = k[s->nk];
	int64_t a[ST_N], c = v[0];
	int pat = pp.p[pp.len - 1] - PAT_BASE;

	memcpy(s->k, k, s->nk * sizeof *k);
	s->k[s->nk].p = pp.p;
	s->k[s->nk].len = pp.len - 1;
	a[ST_FILED] = pat & CASESTATS_FILED ? c : 0;
	a[ST_SOLVED_OF_FILED] = pat & CASESTATS_SOF ? c : 0;
	a[ST_SOLVED] = pat & CASESTATS_SOLVED ? c : 0;
	a[ST_OLDER] = pat & CASESTATS_OLDER ? c : 0;
	a[ST_COMPLAINTS] = pat & CASESTATS_COMPLAINTS ? c : 0;
	/* Sums of at most 2^63 / 10^12 cases' counts: no overflow. */
	group_add_vals(s->g, s->k, a);
}

/* group_each(): one group and period of the answer, with the filings of
 * the same period a year before. */
static void
stat_answer_row(void *ctx, const struct rec_str *k, const int64_t *v)
{
	struct casestats *s = ctx;
	char before[CASE_PERIOD_MAX];
	int64_t a[SA_N] = { 0 }, prev[ST_N];
	struct rec_str per = k[s->nk];
	size_t n;
	int found;

	memcpy(s->k, k, s->nk * sizeof *k);
	n = case_period_year_before(per.p, per.len, before);
	s->k[s->nk].p = before;
	s->k[s->nk].len = n;
	found = n > 0 && group_find(s->g, s->k, prev) == 0;
	a[0] = v[ST_FILED];
	a[1] = v[ST_SOLVED_OF_FILED];
	a[3] = v[ST_SOLVED];
	a[4] = v[ST_OLDER];
	a[6] = v[ST_COMPLAINTS];
	a[SA_BEFORE] = found ? prev[ST_FILED] : GROUP_NOVAL;
	a[SA_BEFORE_N] = found ? prev[ST_FILED] : 0;
	/* The same sums as the counts': none can overflow. */
	group_add_vals(s->ans, k, a);
}

void
casestats_write(struct casestats *s, struct rec_writer *out)
{
	group_each(s->pat, stat_pattern_row, s);
	if (s->flags & CASESTATS_PARTIAL) {
		group_write(s->g, out, GROUP_W_PARTIAL);
	} else {
		group_each(s->g, stat_answer_row, s);
		group_write(s->ans, out, 0);
	}
}
