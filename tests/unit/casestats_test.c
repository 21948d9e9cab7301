/* Unit tests for lib/domain/casestats.c: the pattern of a case in its
 * periods, the counts and rates written per group and period, the same
 * period a year before, and partial counts that merge into the whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "testutil.h"
#include "base/buf.h"
#include "domain/cases.h"
#include "domain/casestats.h"

TESTUTIL_SUITE(casestats);

#define S(lit) REC_STR(lit)
#define HDR "case_no\tcategory\tunit\tfiled_at\tsolved_at\topened\t" \
	"complaints\n"
#define COLS "period\tfiled\tsolved_of_filed\trate_of_filed_pct\t" \
	"solved_in_period\tolder_solved\trate_in_period_pct\tcomplaints\t" \
	"filed_year_before\tfiled_change_pct\n"

/* ---- the pattern of a case ---- */

static void
assert_part(const struct casestats_part *p, const char *per, int pat,
	    uint64_t n)
{
	cr_assert_eq(p->per.len, strlen(per));
	cr_assert_eq(memcmp(p->per.p, per, p->per.len), 0, "%.*s, want %s",
		     (int)p->per.len, p->per.p, per);
	cr_assert_eq(p->pat, pat, "pattern %d, want %d", p->pat, pat);
	cr_assert_eq(p->n, n);
}

Test(casestats, pattern_filed_and_solved)
{
	struct rec_str y24 = S("2024"), y25 = S("2025"), y25b = S("2025");
	struct casestats_part p[3];

	/* filed, not solved */
	cr_assert_eq(casestats_pattern(&y25, NULL, NULL, 0, p), 1);
	assert_part(&p[0], "2025", CASESTATS_FILED, 1);
	/* filed and solved in one period (another view of the same text) */
	cr_assert_eq(casestats_pattern(&y25, &y25b, NULL, 0, p), 1);
	assert_part(&p[0], "2025",
		    CASESTATS_FILED | CASESTATS_SOF | CASESTATS_SOLVED, 1);
	/* filed the year before: a part in each period, the solution older */
	cr_assert_eq(casestats_pattern(&y24, &y25, NULL, 0, p), 2);
	assert_part(&p[0], "2024", CASESTATS_FILED, 1);
	assert_part(&p[1], "2025", CASESTATS_SOLVED | CASESTATS_OLDER, 1);
	/* solved, never filed (积案 too) */
	cr_assert_eq(casestats_pattern(NULL, &y25, NULL, 0, p), 1);
	assert_part(&p[0], "2025", CASESTATS_SOLVED | CASESTATS_OLDER, 1);
	/* solved before it was filed (bad data): not an older case */
	cr_assert_eq(casestats_pattern(&y25, &y24, NULL, 0, p), 2);
	assert_part(&p[0], "2025", CASESTATS_FILED, 1);
	assert_part(&p[1], "2024", CASESTATS_SOLVED, 1);
	/* no dates at all */
	cr_assert_eq(casestats_pattern(NULL, NULL, NULL, 0, p), 0);
}

Test(casestats, pattern_complaints)
{
	struct rec_str q1 = S("2025-Q1"), q2 = S("2025-Q2");
	struct casestats_part p[3];

	cr_assert_eq(casestats_pattern(&q1, &q2, &q1, 3, p), 3);
	assert_part(&p[0], "2025-Q1", CASESTATS_FILED, 1);
	assert_part(&p[1], "2025-Q2", CASESTATS_SOLVED | CASESTATS_OLDER, 1);
	assert_part(&p[2], "2025-Q1", CASESTATS_COMPLAINTS, 3);
	/* none, or no opened date to count them in */
	cr_assert_eq(casestats_pattern(&q1, NULL, &q1, 0, p), 1);
	cr_assert_eq(casestats_pattern(NULL, NULL, NULL, 5, p), 0);
	cr_assert_eq(casestats_pattern(NULL, NULL, &q2, 999999999999LL, p), 1);
	assert_part(&p[0], "2025-Q2", CASESTATS_COMPLAINTS, 999999999999ULL);
}

/* ---- whole runs ---- */

/* Statistics of the files (NULL-terminated) by the -b names (a
 * NULL-terminated list), written to out; returns the rejects counted. */
static unsigned long long
run(const char *const *files, const char *const *by,
    enum case_period_kind k, const struct case_cfg *cfg, int flags,
    const char *out)
{
	struct rec_reader_opts o = { 0 };
	struct rec_writer_opts wo = { 0 };
	struct rec_reader *in;
	struct rec_writer *w;
	struct casestats *s;
	const struct rec *r;
	size_t bx[CASESTATS_MAX_KEYS], nk = 0;
	unsigned long long nrej;

	o.rejects_quiet = 1;
	in = rec_reader_open(files, &o);
	wo.path = out;
	w = rec_writer_open(&wo);
	while (by != NULL && by[nk] != NULL) {
		bx[nk] = rec_reader_need(in, by[nk]);
		nk++;
	}
	s = casestats_new(nk, k, cfg, flags);
	cr_assert_null(casestats_fields(s, in, w, bx));
	while ((r = rec_reader_next(in)) != NULL)
		casestats_rec(s, in, r);
	casestats_write(s, w);
	casestats_free(s);
	nrej = rec_reader_count_rejected(in);
	rec_writer_close(w);
	rec_reader_close(in);
	return nrej;
}

static unsigned long long
run1(const char *data, const char *by, enum case_period_kind k,
     const char *out)
{
	const char *files[2] = { NULL, NULL };
	const char *b[2] = { by, NULL };

	files[0] = put_str("in.tsv", data);
	return run(files, b, k, NULL, 0, out);
}

/* The edges of a year: the last second of 2025 is 2025's, the first of
 * 2026 is 2026's. */
Test(casestats, year_edges)
{
	static const char data[] = HDR
	/* filed and solved in 2025, solved on its last second */
	"A1\t盗窃\t甲\t2025-03-01 10:00:00\t2025-12-31 23:59:59\t2025-03-01 09:00:00\t0\n"
	/* filed on 2025's last second, solved on 2026's first */
	"A2\t盗窃\t甲\t2025-12-31 23:59:59\t2026-01-01 00:00:00\t2025-12-31 23:00:00\t2\n"
	/* filed the year before, solved in 2026 */
	"A3\t盗窃\t甲\t2024-06-01 08:00:00\t2026-02-01 08:00:00\t2024-06-01 07:00:00\t1\n"
	/* filed in 2026, no solution: NULL and empty dates count nowhere */
	"A4\t盗窃\t甲\t2026-05-05 08:00:00\t\\N\t\\N\t4\n"
	"A5\t盗窃\t甲\t2026-05-06 08:00:00\t\t2026-05-06 07:00:00\t0\n"
	/* solved, never filed */
	"A6\t盗窃\t甲\t\t2026-07-01 08:00:00\t2026-06-01 08:00:00\t0\n"
	/* nothing at all: read, counted nowhere */
	"A7\t盗窃\t甲\t\\N\t\\N\t\\N\t\\N\n"
	"A8\t抢劫\t乙\t2026-01-01\t2026-01-02 08:30\t2026-01-01\t0\n";
	const char *out = tpath("out.tsv");

	/* A7's NULL complaints are not a count: the one reject. */
	cr_assert_eq(run1(data, "category", CASE_PERIOD_YEAR, out), 1);
	assert_file(out, "category\t" COLS
		    "抢劫\t2026\t1\t1\t100.0\t1\t0\t100.0\t0\t\\N\t\\N\n"
		    "盗窃\t2024\t1\t0\t0.0\t0\t0\t0.0\t1\t\\N\t\\N\n"
		    "盗窃\t2025\t2\t1\t50.0\t1\t0\t50.0\t2\t1\t+100.0\n"
		    "盗窃\t2026\t2\t0\t0.0\t3\t3\t150.0\t0\t2\t0.0\n");
}

/* The edges of a quarter, and of a month. */
Test(casestats, quarter_and_month_edges)
{
	static const char data[] = HDR
	"A1\t盗窃\t甲\t2025-01-01 00:00:00\t2025-03-31 23:59:59\t2025-01-01 00:00:00\t1\n"
	"A2\t盗窃\t甲\t2025-03-31 23:59:59\t2025-04-01 00:00:00\t2025-03-31 23:59:59\t0\n";
	const char *out = tpath("out.tsv");

	cr_assert_eq(run1(data, "category", CASE_PERIOD_QUARTER, out), 0);
	assert_file(out, "category\t" COLS
		    "盗窃\t2025-Q1\t2\t1\t50.0\t1\t0\t50.0\t1\t\\N\t\\N\n"
		    "盗窃\t2025-Q2\t0\t0\t\\N\t1\t1\t\\N\t0\t\\N\t\\N\n");
	cr_assert_eq(run1(data, "category", CASE_PERIOD_MONTH, out), 0);
	assert_file(out, "category\t" COLS
		    "盗窃\t2025-01\t1\t0\t0.0\t0\t0\t0.0\t1\t\\N\t\\N\n"
		    "盗窃\t2025-03\t1\t0\t0.0\t1\t1\t100.0\t0\t\\N\t\\N\n"
		    "盗窃\t2025-04\t0\t0\t\\N\t1\t1\t\\N\t0\t\\N\t\\N\n");
}

/* The same period a year before: its filings when the group has a row
 * for it (0 when the row has none), NULL when it has no row. */
Test(casestats, year_before)
{
	static const char data[] = HDR
	/* 甲: 2 filed in 2025-Q3, 3 in 2026-Q3 */
	"A1\t盗窃\t甲\t2025-07-01 08:00:00\t\t\t0\n"
	"A2\t盗窃\t甲\t2025-09-30 08:00:00\t\t\t0\n"
	"A3\t盗窃\t甲\t2026-07-01 08:00:00\t\t\t0\n"
	"A4\t盗窃\t甲\t2026-08-01 08:00:00\t\t\t0\n"
	"A5\t盗窃\t甲\t2026-09-01 08:00:00\t\t\t0\n"
	/* 乙: in 2025-Q3 only a solution, so 0 filed the year before */
	"A6\t盗窃\t乙\t\t2025-08-01 08:00:00\t\t0\n"
	"A7\t盗窃\t乙\t2026-08-01 08:00:00\t\t\t0\n"
	/* 丙: no row in 2025-Q3 (one in 2025-Q2 is another period) */
	"A8\t盗窃\t丙\t2025-06-30 08:00:00\t\t\t0\n"
	"A9\t盗窃\t丙\t2026-08-01 08:00:00\t\t\t0\n";
	const char *out = tpath("out.tsv");

	cr_assert_eq(run1(data, "unit", CASE_PERIOD_QUARTER, out), 0);
	assert_file(out, "unit\t" COLS
		    "丙\t2025-Q2\t1\t0\t0.0\t0\t0\t0.0\t0\t\\N\t\\N\n"
		    "丙\t2026-Q3\t1\t0\t0.0\t0\t0\t0.0\t0\t\\N\t\\N\n"
		    "乙\t2025-Q3\t0\t0\t\\N\t1\t1\t\\N\t0\t\\N\t\\N\n"
		    "乙\t2026-Q3\t1\t0\t0.0\t0\t0\t0.0\t0\t0\t\\N\n"
		    "甲\t2025-Q3\t2\t0\t0.0\t0\t0\t0.0\t0\t\\N\t\\N\n"
		    "甲\t2026-Q3\t3\t0\t0.0\t0\t0\t0.0\t0\t2\t+50.0\n");
}

/* Rejected: a time that is none, a count that is none or too big.  The
 * messages are the CLI cases' (case-status/054). */
Test(casestats, rejects)
{
	static const char data[] = HDR
	"A1\t盗窃\t甲\t2025-02-29 10:00:00\t\t\t0\n"
	"A2\t盗窃\t甲\t\t2025-13-01\t\t0\n"
	"A3\t盗窃\t甲\t\t\t2025\t0\n"
	"A4\t盗窃\t甲\t\t\t2025-01-01\t-1\n"
	"A5\t盗窃\t甲\t\t\t2025-01-01\t1000000000000\n"
	"A6\t盗窃\t甲\t\t\t2025-01-01\t007\n";
	const char *out = tpath("out.tsv");

	cr_assert_eq(run1(data, "category", CASE_PERIOD_YEAR, out), 5);
	assert_file(out, "category\t" COLS
		    "盗窃\t2025\t0\t0\t\\N\t0\t0\t\\N\t7\t\\N\t\\N\n");
}

/* --serious: the eight categories as one, the others filtered out. */
Test(casestats, serious)
{
	static const char data[] = HDR
	"A1\t故意杀人\t甲\t2025-02-01 10:00:00\t2025-02-02 10:00:00\t\t0\n"
	"A2\t抢劫\t乙\t2025-03-01 10:00:00\t\t\t0\n"
	"A3\t盗窃\t甲\t2025-03-01 10:00:00\t\t\t0\n";
	const char *files[2] = { NULL, NULL };
	const char *by[3] = { "category", "unit", NULL };
	const char *out = tpath("out.tsv");
	struct case_cfg *c = case_cfg_load_default();

	files[0] = put_str("in.tsv", data);
	cr_assert_eq(run(files, by, CASE_PERIOD_YEAR, c, 0, out), 0);
	assert_file(out, "category\tunit\t" COLS
		    "八类案件\t乙\t2025\t1\t0\t0.0\t0\t0\t0.0\t0\t\\N\t\\N\n"
		    "八类案件\t甲\t2025\t1\t1\t100.0\t1\t0\t100.0\t0\t\\N\t\\N\n");
	case_cfg_free(c);
}

/* A -b field named like an output column is refused, before anything is
 * added. */
Test(casestats, key_named_like_a_column)
{
	const char *files[2] = { NULL, NULL };
	struct rec_reader_opts o = { 0 };
	struct rec_writer_opts wo = { 0 };
	struct rec_reader *in;
	struct rec_writer *w;
	struct casestats *s;
	size_t bx[2];

	files[0] = put_str("in.tsv", HDR);
	in = rec_reader_open(files, &o);
	wo.path = tpath("out.tsv");
	w = rec_writer_open(&wo);
	bx[0] = rec_reader_need(in, "unit");
	bx[1] = rec_reader_need(in, "complaints");
	s = casestats_new(2, CASE_PERIOD_YEAR, NULL, 0);
	cr_assert_str_eq(casestats_fields(s, in, w, bx), "complaints");
	casestats_free(s);
	rec_writer_close(w);
	rec_reader_close(in);
}

/* ---- partial counts merge into the whole ---- */

/* A random time in 2023..2026 (sometimes of another shape, NULL or
 * empty) into b. */
static void
rand_time(struct buf *b, unsigned *seed)
{
	int y = 2023 + rand_r(seed) % 4, mo = 1 + rand_r(seed) % 12;
	int d = 1 + rand_r(seed) % 28, h = rand_r(seed) % 24;

	switch (rand_r(seed) % 10) {
	case 0: buf_adds(b, "\\N"); return;
	case 1: return;
	case 2: buf_printf(b, "%04d-%02d-%02d", y, mo, d); return;
	default:
		buf_printf(b, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h,
			   rand_r(seed) % 60, rand_r(seed) % 60);
	}
}

Test(casestats, partials_merge_into_the_whole)
{
	static const char *const cats[] = { "盗窃", "抢劫", "故意杀人", "" };
	static const char *const units[] = { "甲", "乙", "丙", "\\N" };
	static const enum case_period_kind kinds[] = {
		CASE_PERIOD_YEAR, CASE_PERIOD_QUARTER, CASE_PERIOD_MONTH
	};
	const char *by[3] = { "category", "unit", NULL };
	const char *whole[2] = { NULL, NULL }, *parts[3] = { NULL, NULL, NULL };
	const char *one[2] = { NULL, NULL }, *two[2] = { NULL, NULL };
	struct buf all = BUF_INIT, a = BUF_INIT, b = BUF_INIT, line = BUF_INIT;
	unsigned seed = 20261202;
	unsigned long long nrej, nrej1, nrej2;
	size_t i;
	char *want, *got, pall[256], pa[256], pb[256], p1[256], p2[256];

	buf_adds(&all, HDR);
	buf_adds(&a, HDR);
	buf_adds(&b, HDR);
	for (i = 0; i < 3000; i++) {
		buf_reset(&line);
		buf_printf(&line, "A%zu\t%s\t%s\t", i, cats[i % 4],
			   units[(i / 4 + i % 3) % 4]);
		rand_time(&line, &seed);
		buf_adds(&line, "\t");
		rand_time(&line, &seed);
		buf_adds(&line, "\t");
		rand_time(&line, &seed);
		/* now and then a count that is none: rejected in either */
		buf_printf(&line, "\t%d\n", rand_r(&seed) % 50 ?
			   rand_r(&seed) % 4 : -1);
		buf_adds(&all, line.p);
		/* any split by case will do: here a random one */
		buf_adds(rand_r(&seed) % 3 ? &a : &b, line.p);
	}
	/* tpath()'s ring is reused: copies of the paths */
	snprintf(pall, sizeof pall, "%s", put_str("all.tsv", all.p));
	snprintf(pa, sizeof pa, "%s", put_str("a.tsv", a.p));
	snprintf(pb, sizeof pb, "%s", put_str("b.tsv", b.p));
	snprintf(p1, sizeof p1, "%s", tpath("p1.tsv"));
	snprintf(p2, sizeof p2, "%s", tpath("p2.tsv"));
	whole[0] = pall;
	one[0] = pa;
	two[0] = pb;
	parts[0] = p1;
	parts[1] = p2;
	for (i = 0; i < 3; i++) {
		nrej = run(whole, by, kinds[i], NULL, 0, tpath("want.tsv"));
		cr_assert_gt(nrej, 0);	/* the -1 complaints */
		nrej1 = run(one, by, kinds[i], NULL, CASESTATS_PARTIAL, p1);
		nrej2 = run(two, by, kinds[i], NULL, CASESTATS_PARTIAL, p2);
		cr_assert_eq(nrej1 + nrej2, nrej);
		cr_assert_eq(run(parts, by, kinds[i], NULL, CASESTATS_MERGE,
				 tpath("got.tsv")), 0);
		want = slurp(tpath("want.tsv"), NULL);
		got = slurp(tpath("got.tsv"), NULL);
		cr_assert_gt(strlen(want), 1000);
		cr_assert_str_eq(got, want);
		free(want);
		free(got);
	}
	buf_release(&all);
	buf_release(&a);
	buf_release(&b);
	buf_release(&line);
}
