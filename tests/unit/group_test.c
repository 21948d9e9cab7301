/* group: counts per group, sorted in byte order field by field, with and
 * without the total row, one and several keys, many groups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "base/buf.h"
#include "base/diag.h"
#include "rec/group.h"
#include "rec/rec.h"
#include "base/util.h"
#include "testutil.h"

/* ---- fixtures ---- */

TESTUTIL_SUITE(group);

static struct rec_str
S(const char *s)
{
	struct rec_str v = { s, strlen(s) };

	return v;
}

static void
add1(struct group *g, const char *k, uint64_t n)
{
	struct rec_str v = S(k);

	group_add(g, &v, n);
}

static void
add2(struct group *g, const char *a, const char *b, uint64_t n)
{
	struct rec_str v[2] = { S(a), S(b) };

	group_add(g, v, n);
}

/* Write g (nkeys keys named k1, k2, ...) to a TSV file and compare. */
static void
assert_written(struct group *g, size_t nkeys, int total, const char *want)
{
	const char *out = tpath("out.tsv");
	struct rec_writer_opts wo = { 0 };
	struct rec_writer *w;
	char name[32];
	size_t i;

	wo.path = out;
	w = rec_writer_open(&wo);
	for (i = 0; i < nkeys; i++) {
		snprintf(name, sizeof name, "k%zu", i + 1);
		rec_writer_add(w, name);
	}
	rec_writer_add(w, "count");
	group_write(g, w, total);
	rec_writer_close(w);
	assert_file(out, want);
}

Test(group, counts_one_key)
{
	struct group *g = group_new(1);

	cr_assert_eq(group_count(g), 0);
	cr_assert_eq(group_total(g), 0);
	add1(g, "b", 1);
	add1(g, "a", 2);
	add1(g, "b", 1);
	add1(g, "中", 5);
	add1(g, "", 1);
	add1(g, "a", 0);
	cr_assert_eq(group_count(g), 4);
	cr_assert_eq(group_total(g), 10);
	assert_written(g, 1, 1, "k1\tcount\n\t1\na\t2\nb\t2\n中\t5\n"
		       "(total)\t10\n");
	assert_written(g, 1, 0, "k1\tcount\n\t1\na\t2\nb\t2\n中\t5\n");
	group_free(g);
}

Test(group, zero_count_group_still_listed)
{
	struct group *g = group_new(1);

	add1(g, "x", 0);
	cr_assert_eq(group_count(g), 1);
	cr_assert_eq(group_total(g), 0);
	assert_written(g, 1, 1, "k1\tcount\nx\t0\n(total)\t0\n");
	group_free(g);
}

Test(group, empty_table)
{
	struct group *g = group_new(2);

	assert_written(g, 2, 0, "k1\tk2\tcount\n");
	assert_written(g, 2, 1, "k1\tk2\tcount\n(total)\t\t0\n");
	group_free(g);
	group_free(NULL);
}

Test(group, byte_order_like_sort_in_c_locale)
{
	static const char *const keys[] = {
		"é", "z", "a", "Z", "ab", "a b", "B", "10", "9", "a\x7f",
	};
	struct group *g = group_new(1);
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		add1(g, keys[i], i + 1);
	assert_written(g, 1, 0, "k1\tcount\n10\t8\n9\t9\nB\t7\nZ\t4\na\t3\n"
		       "a b\t6\nab\t5\na\x7f\t10\nz\t2\né\t1\n");
	group_free(g);
}

Test(group, multi_key_field_by_field)
{
	struct group *g = group_new(2);

	add2(g, "a", "z", 1);
	add2(g, "ab", "a", 2);
	add2(g, "a", "", 3);
	add2(g, "", "b", 4);
	add2(g, "a", "z", 5);
	/* Joined by NUL: ("a", "b") and ("ab", "") stay apart. */
	add2(g, "a", "b", 6);
	add2(g, "ab", "", 7);
	add2(g, "a", "b ", 8);
	cr_assert_eq(group_count(g), 7);
	cr_assert_eq(group_total(g), 36);
	assert_written(g, 2, 1, "k1\tk2\tcount\n"
		       "\tb\t4\n"
		       "a\t\t3\n"
		       "a\tb\t6\n"
		       "a\tb \t8\n"
		       "a\tz\t6\n"
		       "ab\t\t7\n"
		       "ab\ta\t2\n"
		       "(total)\t\t36\n");
	group_free(g);
}

Test(group, three_keys_and_escaped_values)
{
	struct group *g = group_new(3);
	struct rec_str k[3] = { S("县"), S("x\ty"), S("l1\nl2") };
	struct rec_str view[3] = { { "abc", 2 }, { "", 0 }, { "zz", 1 } };

	group_add(g, k, 2);
	group_add(g, k, 3);
	group_add(g, view, 1);		/* views, not C strings */
	cr_assert_eq(group_count(g), 2);
	assert_written(g, 3, 1, "k1\tk2\tk3\tcount\n"
		       "ab\t\tz\t1\n"
		       "县\tx\\ty\tl1\\nl2\t5\n"
		       "(total)\t\t\t6\n");
	group_free(g);
}

Test(group, large_counts)
{
	struct group *g = group_new(1);

	add1(g, "a", 4000000000u);
	add1(g, "a", 4000000000u);
	add1(g, "b", 1);
	cr_assert_eq(group_total(g), 8000000001ull);
	assert_written(g, 1, 1, "k1\tcount\na\t8000000000\nb\t1\n"
		       "(total)\t8000000001\n");
	group_free(g);
}

Test(group, many_groups_sorted)
{
	enum { N = 30000 };
	struct group *g = group_new(2);
	char a[16], b[16], *got, *line, *save = NULL;
	uint64_t total = 0;
	unsigned i, k, prev = 0, seen = 0;
	const char *out = tpath("many.tsv");
	struct rec_writer_opts wo = { 0 };
	struct rec_writer *w;

	/* Each key i once, in a scrambled order (7919 is prime to N), with
	 * count i % 5 + 1; every tenth key again with 100. */
	for (k = 0; k < N; k++) {
		i = (unsigned)((k * 7919u) % N);
		snprintf(a, sizeof a, "g%03u", i / 100);
		snprintf(b, sizeof b, "%05u", i);
		add2(g, a, b, i % 5 + 1);
		total += i % 5 + 1;
		if (i % 10 == 0) {
			add2(g, a, b, 100);
			total += 100;
		}
	}
	cr_assert_eq(group_count(g), N);
	cr_assert_eq(group_total(g), total);
	wo.path = out;
	w = rec_writer_open(&wo);
	rec_writer_add(w, "g");
	rec_writer_add(w, "id");
	rec_writer_add(w, "n");
	group_write(g, w, 1);
	cr_assert_eq(rec_writer_count(w), N + 1);
	rec_writer_close(w);
	group_free(g);
	got = slurp(out, NULL);
	line = strtok_r(got, "\n", &save);
	cr_assert_str_eq(line, "g\tid\tn");
	for (k = 0; k < N; k++) {
		unsigned ga, id, n;

		line = strtok_r(NULL, "\n", &save);
		cr_assert_not_null(line);
		cr_assert_eq(sscanf(line, "g%u\t%u\t%u", &ga, &id, &n), 3,
			     "%s", line);
		cr_assert_eq(id, k, "row %u is %s", k, line);
		cr_assert_eq(ga, id / 100);
		cr_assert_eq(n, id % 5 + 1 + (id % 10 == 0 ? 100 : 0));
		cr_assert(k == 0 || id > prev);
		prev = id;
		seen++;
	}
	cr_assert_eq(seen, N);
	line = strtok_r(NULL, "\n", &save);
	{
		char want[64];

		snprintf(want, sizeof want, "(total)\t\t%llu",
			 (unsigned long long)total);
		cr_assert_str_eq(line, want);
	}
	cr_assert_null(strtok_r(NULL, "\n", &save));
	free(got);
}

/* Adds are landed a few records late (for the prefetch): the counts,
 * the group count and the written table see every one of them, however
 * the adds fall around the ring, and a key's bytes may change right after
 * its add. */
Test(group, late_adds_all_land)
{
	struct group *g = group_new(1);
	char key[64];
	struct rec_str v;
	size_t i;

	for (i = 0; i < 10; i++) {
		/* A key over 32 bytes is copied, a short one held. */
		snprintf(key, sizeof key, i % 2 ? "k%zu" :
			 "a-long-key-of-more-than-32-bytes-%zu", i % 3);
		v.p = key;
		v.len = strlen(key);
		group_add(g, &v, i + 1);
		memset(key, 'x', sizeof key);
		cr_assert_eq(group_total(g), (i + 1) * (i + 2) / 2);
	}
	cr_assert_eq(group_count(g), 6);
	assert_written(g, 1, 1,
		       "k1\tcount\n"
		       "a-long-key-of-more-than-32-bytes-0\t8\n"
		       "a-long-key-of-more-than-32-bytes-1\t5\n"
		       "a-long-key-of-more-than-32-bytes-2\t12\n"
		       "k0\t14\n"
		       "k1\t10\n"
		       "k2\t6\n"
		       "(total)\t55\n");
	group_free(g);
}

/* ---- aggregates beyond a count ---- */

/* count, x (2 decimals), its least, greatest, mean, variance, a hidden
 * prev, the rate x per record and x's change against prev. */
static const struct group_agg every[] = {
	{ .kind = GROUP_COUNT, .name = "count" },
	{ .kind = GROUP_SUM, .name = "x", .scale = 2 },
	{ .kind = GROUP_MIN, .name = "lo", .scale = 2 },
	{ .kind = GROUP_MAX, .name = "hi", .scale = 2 },
	{ .kind = GROUP_MEAN, .name = "avg", .scale = 2, .out = 2 },
	{ .kind = GROUP_VAR, .name = "var", .scale = 2, .out = 3 },
	{ .kind = GROUP_SUM, .name = "prev", .hide = 1 },
	{ .kind = GROUP_RATIO, .name = "rate", .of = 1, .per = 0, .out = 4 },
	{ .kind = GROUP_CHANGE, .name = "change", .of = 1, .per = 6,
	  .out = 2 },
};
#define NEVERY (sizeof every / sizeof every[0])

/* One record of key k with value x (scaled) and prev p. */
static int
addx(struct group *g, const char *k, int64_t x, int64_t p)
{
	struct rec_str v = S(k);
	int64_t vals[NEVERY];
	size_t i;

	for (i = 0; i < NEVERY; i++)
		vals[i] = x;
	vals[0] = 12345;	/* ignored: a COUNT takes no value */
	vals[6] = p;
	return group_add_vals(g, &v, vals);
}

static void
write_to(struct group *g, const char *path, size_t nkeys, int flags)
{
	struct rec_writer_opts wo = { 0 };
	struct rec_writer *w;
	char name[32];
	size_t i;

	wo.path = path;
	w = rec_writer_open(&wo);
	for (i = 0; i < nkeys; i++) {
		snprintf(name, sizeof name, "k%zu", i + 1);
		rec_writer_add(w, name);
	}
	group_columns(g, w, flags);
	group_write(g, w, flags);
	rec_writer_close(w);
}

static struct group *
every_table(void)
{
	struct group *g = group_new_aggs(1, every, NEVERY);

	cr_assert_eq(addx(g, "a", 150, 1), 0);
	cr_assert_eq(addx(g, "a", 225, 1), 0);
	cr_assert_eq(addx(g, "a", GROUP_NOVAL, 1), 0);
	cr_assert_eq(addx(g, "a", -75, 1), 0);
	cr_assert_eq(addx(g, "b", 1000, 0), 0);
	return g;
}

Test(group, every_aggregate)
{
	struct group *g = every_table();

	cr_assert_eq(group_count(g), 2);
	cr_assert_eq(group_total(g), 5);
	write_to(g, tpath("final.tsv"), 1, GROUP_W_TOTAL);
	/* a: 1.50 2.25 -0.75 (and no value): sum 3.00, mean 1.00, sample
	 * variance (0.25 + 1.5625 + 3.0625) / 2 = 2.4375, rounded away from
	 * zero; rate 3.00 / 4 records; change (3.00 - 4) / 4. */
	assert_file(tpath("final.tsv"),
		    "k1\tcount\tx\tlo\thi\tavg\tvar\trate\tchange\n"
		    "a\t4\t3.00\t-0.75\t2.25\t1.00\t2.438\t0.7500\t-0.25\n"
		    "b\t1\t10.00\t10.00\t10.00\t10.00\t\\N\t10.0000\t\\N\n"
		    "(total)\t5\t13.00\t-0.75\t10.00\t3.25\t21.875\t2.6000"
		    "\t2.25\n");
	write_to(g, tpath("partial.tsv"), 1, GROUP_W_PARTIAL | GROUP_W_TOTAL);
	/* Parts only, the hidden prev too, no ratio, no total row. */
	assert_file(tpath("partial.tsv"),
		    "k1\tcount\tx\tlo\thi\tavg_n\tavg_sum\tvar_n\tvar_sum"
		    "\tvar_sumsq\tprev\n"
		    "a\t4\t3.00\t-0.75\t2.25\t3\t3.00\t3\t3.00\t7.8750\t4\n"
		    "b\t1\t10.00\t10.00\t10.00\t1\t10.00\t1\t10.00\t100.0000"
		    "\t0\n");
	cr_assert(group_is_column(g, "var_sumsq"));
	cr_assert(group_is_column(g, "rate"));
	cr_assert_not(group_is_column(g, "k1"));
	group_free(g);
}

Test(group, no_values_yet)
{
	struct group *g = group_new_aggs(1, every, NEVERY);

	cr_assert_eq(addx(g, "a", GROUP_NOVAL, 0), 0);
	write_to(g, tpath("f.tsv"), 1, GROUP_W_TOTAL);
	/* Nothing to take the least of or divide by. */
	assert_file(tpath("f.tsv"),
		    "k1\tcount\tx\tlo\thi\tavg\tvar\trate\tchange\n"
		    "a\t1\t0.00\t\\N\t\\N\t\\N\t\\N\t0.0000\t\\N\n"
		    "(total)\t1\t0.00\t\\N\t\\N\t\\N\t\\N\t0.0000\t\\N\n");
	write_to(g, tpath("p.tsv"), 1, GROUP_W_PARTIAL);
	assert_file(tpath("p.tsv"),
		    "k1\tcount\tx\tlo\thi\tavg_n\tavg_sum\tvar_n\tvar_sum"
		    "\tvar_sumsq\tprev\n"
		    "a\t1\t0.00\t\\N\t\\N\t0\t0.00\t0\t0.00\t0.0000\t0\n");
	group_free(g);
}

/* Sums of money are exact: a thousand fines of 0.10 yuan are 100.00, and
 * ten thousand of 0.01 are 100.00 (a double would drift). */
Test(group, exact_decimals)
{
	static const struct group_agg a[] = {
		{ .kind = GROUP_SUM, .name = "fine", .scale = 2 },
		{ .kind = GROUP_MEAN, .name = "avg", .scale = 2, .out = 3 },
	};
	struct group *g = group_new_aggs(1, a, 2);
	struct rec_str k = S("x");
	int64_t v[2];
	int i;

	for (i = 0; i < 1000; i++) {
		v[0] = v[1] = 10;
		cr_assert_eq(group_add_vals(g, &k, v), 0);
	}
	k = S("y");
	for (i = 0; i < 10000; i++) {
		v[0] = v[1] = 1;
		group_add_vals(g, &k, v);
	}
	k = S("z");
	v[0] = v[1] = -5;		/* -0.05 */
	group_add_vals(g, &k, v);
	v[0] = v[1] = 0;
	group_add_vals(g, &k, v);
	group_add_vals(g, &k, v);
	write_to(g, tpath("f.tsv"), 1, GROUP_W_TOTAL);
	/* z's mean -0.05 / 3 = -0.0166..., to 3 decimals -0.017. */
	assert_file(tpath("f.tsv"), "k1\tfine\tavg\n"
		    "x\t100.00\t0.100\n"
		    "y\t100.00\t0.010\n"
		    "z\t-0.05\t-0.017\n"
		    "(total)\t199.95\t0.018\n");
	group_free(g);
}

/* Half away from zero, on both sides, and no "-0". */
Test(group, ratio_rounding)
{
	static const struct group_agg a[] = {
		{ .kind = GROUP_SUM, .name = "num" },
		{ .kind = GROUP_SUM, .name = "den" },
		{ .kind = GROUP_RATIO, .name = "r", .of = 0, .per = 1,
		  .out = 1 },
		{ .kind = GROUP_RATIO, .name = "r0", .of = 0, .per = 1 },
	};
	static const struct { const char *k; int64_t num, den; } c[] = {
		{ "a", 1, 4 },		/* 0.25 -> 0.3 */
		{ "b", -1, 4 },		/* -0.25 -> -0.3 */
		{ "c", -1, 40 },	/* -0.025 -> -0.0 is 0.0 */
		{ "d", 2, 3 },		/* 0.666 -> 0.7 */
		{ "e", 1, 0 },		/* no ratio */
		{ "f", 5, -2 },		/* -2.5 -> -2.5 */
	};
	struct group *g = group_new_aggs(1, a, 4);
	struct rec_str k;
	int64_t v[4];
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		k = S(c[i].k);
		v[0] = c[i].num;
		v[1] = c[i].den;
		cr_assert_eq(group_add_vals(g, &k, v), 0);
	}
	write_to(g, tpath("f.tsv"), 1, 0);
	assert_file(tpath("f.tsv"), "k1\tnum\tden\tr\tr0\n"
		    "a\t1\t4\t0.3\t0\n"
		    "b\t-1\t4\t-0.3\t0\n"
		    "c\t-1\t40\t0.0\t0\n"
		    "d\t2\t3\t0.7\t1\n"
		    "e\t1\t0\t\\N\t\\N\n"
		    "f\t5\t-2\t-2.5\t-3\n");
	group_free(g);
}

/* A sum that would overflow is refused whole: neither the group nor the
 * total changes, and the table goes on. */
Test(group, overflow_refused)
{
	static const struct group_agg a[] = {
		{ .kind = GROUP_COUNT, .name = "n" },
		{ .kind = GROUP_SUM, .name = "s" },
		{ .kind = GROUP_VAR, .name = "v" },
	};
	struct group *g = group_new_aggs(1, a, 3);
	struct rec_str k = S("a"), k2 = S("b");
	int64_t v[3] = { 0, INT64_MAX - 10, 1 };

	cr_assert_eq(group_add_vals(g, &k, v), 0);
	v[1] = 20;
	cr_assert_eq(group_add_vals(g, &k, v), -1);	/* a's sum */
	v[1] = 5;
	cr_assert_eq(group_add_vals(g, &k2, v), 0);
	/* b's sum fits, but the total row's would not. */
	v[1] = 20;
	cr_assert_eq(group_add_vals(g, &k2, v), -1);
	/* x * x of the variance overflows. */
	v[1] = 0;
	v[2] = 4000000000;
	cr_assert_eq(group_add_vals(g, &k2, v), -1);
	cr_assert_eq(group_total(g), 2);
	write_to(g, tpath("f.tsv"), 1, GROUP_W_TOTAL);
	assert_file(tpath("f.tsv"), "k1\tn\ts\tv\n"
		    "a\t1\t9223372036854775797\t\\N\n"
		    "b\t1\t5\t\\N\n"
		    "(total)\t2\t9223372036854775802\t0\n");
	group_free(g);
}

/* NULL (\N) and '' are two groups; NULL is written back as \N and sorts
 * last. */
Test(group, null_apart_from_empty)
{
	struct group *g = group_new(1), *g2 = group_new(2);
	struct rec_str k[2];

	k[0].p = rec_null;
	k[0].len = 0;
	group_add(g, k, 2);
	add1(g, "", 3);
	add1(g, "z", 1);
	cr_assert_eq(group_count(g), 3);
	assert_written(g, 1, 0, "k1\tcount\n\t3\nz\t1\n\\N\t2\n");
	k[1] = S("");
	group_add(g2, k, 1);
	add2(g2, "", "", 2);
	k[1] = k[0];
	group_add(g2, k, 4);
	assert_written(g2, 2, 0, "k1\tk2\tcount\n\t\t2\n\\N\t\t1\n\\N\t\\N\t4\n");
	group_free(g);
	group_free(g2);
}

/* ---- merging partial rows ---- */

/* Merge the partial files (NULL-terminated) into a new table of every
 * aggregate with keys k1, k2. */
static struct group *
merged(const char *const *files, unsigned long long *rejected)
{
	struct rec_reader_opts ro = { 0 };
	struct rec_reader *in = rec_reader_open(files, &ro);
	struct group *m = group_new_aggs(2, every, NEVERY);
	const struct rec *r;
	size_t keys[2];

	keys[0] = rec_reader_field(in, "k1");
	keys[1] = rec_reader_field(in, "k2");
	group_merge_fields(m, in, keys);
	while ((r = rec_reader_next(in)) != NULL)
		group_merge_rec(m, in, r);
	if (rejected != NULL)
		*rejected = rec_reader_count_rejected(in);
	rec_reader_close(in);
	return m;
}

/* split | partial each | merge == the whole, however the parts are
 * grouped and ordered: random records (NULL and '' keys, no values,
 * negative values) into seven parts. */
Test(group, merge_equals_whole)
{
	enum { N = 20000, PARTS = 7 };
	static const char *const k1s[] = { "甲", "乙", "丙", "", "a\tb" };
	struct group *whole = group_new_aggs(2, every, NEVERY);
	struct group *part[PARTS], *m, *half;
	const char *files[PARTS + 1], *first[4];
	char name[32], k2[16], *want, *got;
	struct rec_str k[2];
	int64_t v[NEVERY];
	size_t i, j, p;
	unsigned seed = 12345;

	for (p = 0; p < PARTS; p++)
		part[p] = group_new_aggs(2, every, NEVERY);
	for (i = 0; i < N; i++) {
		k[0] = S(k1s[rand_r(&seed) % 5]);
		snprintf(k2, sizeof k2, "%d", rand_r(&seed) % 30);
		k[1] = S(k2);
		if (rand_r(&seed) % 17 == 0) {
			k[1].p = rec_null;
			k[1].len = 0;
		}
		for (j = 0; j < NEVERY; j++)
			v[j] = rand_r(&seed) % 10 == 0 ? GROUP_NOVAL :
			       (int64_t)(rand_r(&seed) % 2000001) - 1000000;
		v[6] = rand_r(&seed) % 3;
		p = (size_t)rand_r(&seed) % PARTS;
		cr_assert_eq(group_add_vals(whole, k, v), 0);
		cr_assert_eq(group_add_vals(part[p], k, v), 0);
	}
	write_to(whole, tpath("whole.tsv"), 2, GROUP_W_TOTAL);
	want = slurp(tpath("whole.tsv"), NULL);
	for (p = 0; p < PARTS; p++) {
		snprintf(name, sizeof name, "p%zu.tsv", p);
		write_to(part[p], tpath(name), 2, GROUP_W_PARTIAL);
		group_free(part[p]);
	}
	/* All parts at once, in order. */
	for (p = 0; p < PARTS; p++) {
		snprintf(name, sizeof name, "p%zu.tsv", p);
		files[p] = xstrdup(tpath(name));
	}
	files[PARTS] = NULL;
	m = merged(files, NULL);
	write_to(m, tpath("m1.tsv"), 2, GROUP_W_TOTAL);
	got = slurp(tpath("m1.tsv"), NULL);
	cr_assert_str_eq(got, want);
	free(got);
	group_free(m);
	/* Two halves merged into partial rows again, then the later half
	 * first. */
	first[0] = files[0];
	first[1] = files[1];
	first[2] = files[2];
	first[3] = NULL;
	half = merged(first, NULL);
	write_to(half, tpath("h1.tsv"), 2, GROUP_W_PARTIAL);
	group_free(half);
	half = merged(files + 3, NULL);
	write_to(half, tpath("h2.tsv"), 2, GROUP_W_PARTIAL);
	group_free(half);
	for (p = 0; p < PARTS; p++)
		free((char *)files[p]);
	files[0] = xstrdup(tpath("h2.tsv"));
	files[1] = xstrdup(tpath("h1.tsv"));
	files[2] = NULL;
	m = merged(files, NULL);
	write_to(m, tpath("m2.tsv"), 2, GROUP_W_TOTAL);
	got = slurp(tpath("m2.tsv"), NULL);
	cr_assert_str_eq(got, want);
	free(got);
	free((char *)files[0]);
	free((char *)files[1]);
	group_free(m);
	group_free(whole);
	free(want);
}

/* Bad partial rows are rejected, the others combined. */
Test(group, merge_rejects)
{
	const char *files[2];
	unsigned long long rej;
	struct group *m;

	files[0] = PUT("bad.tsv",
		"k1\tk2\tcount\tx\tlo\thi\tavg_n\tavg_sum\tvar_n\tvar_sum"
		"\tvar_sumsq\tprev\n"
		"a\t1\t2\t1.00\t0.50\t0.50\t2\t1.00\t2\t1.00\t0.5000\t0\n"
		"a\t1\tx\t1.00\t0.50\t0.50\t2\t1.00\t2\t1.00\t0.5000\t0\n"
		"a\t1\t-1\t1.00\t0.50\t0.50\t2\t1.00\t2\t1.00\t0.5000\t0\n"
		"a\t1\t1\t1.005\t0.50\t0.50\t2\t1.00\t2\t1.00\t0.5000\t0\n"
		"a\t1\t1\t1.00\t0.50\t0.50\t-2\t1.00\t2\t1.00\t0.5000\t0\n"
		"a\t1\t1\t\t0.50\t0.50\t2\t1.00\t2\t1.00\t0.5000\t0\n"
		"(total)\t\t1\t1.00\t0.50\t0.50\t2\t1.00\t2\t1.00\t0.5000\t0\n"
		"a\t1\t1\t1.00\t\\N\t\t0\t0.00\t0\t0.00\t0.0000\t1\n");
	files[1] = NULL;
	m = merged(files, &rej);
	cr_assert_eq(rej, 6);
	write_to(m, tpath("m.tsv"), 2, GROUP_W_PARTIAL);
	assert_file(tpath("m.tsv"),
		    "k1\tk2\tcount\tx\tlo\thi\tavg_n\tavg_sum\tvar_n\tvar_sum"
		    "\tvar_sumsq\tprev\n"
		    "a\t1\t3\t2.00\t0.50\t0.50\t2\t1.00\t2\t1.00\t0.5000\t1\n");
	group_free(m);
}

/* group_value(): a field as a fixed decimal; empty and NULL are no value;
 * anything else is a reject with the field named. */
Test(group, value_of_a_field)
{
	const char *files[2] = { NULL, NULL };
	struct rec_reader_opts ro = { 0 };
	struct rec_reader *in;
	const struct rec *r;
	int64_t v, got[8];
	int rc[8];
	size_t n = 0, i;
	static const int want_rc[] = { 0, 0, 0, 0, 0, -1, -1, -1 };
	static const int64_t want_v[] = { 1250, -5, 200, GROUP_NOVAL,
					  GROUP_NOVAL };

	files[0] = PUT("f.tsv", "plate\tfine\n"
		       "a\t12.5\nb\t-0.05\nc\t2\nd\t\ne\t\\N\n"
		       "f\t1.005\ng\t12,5\nh\t99999999999999999999\n");
	in = rec_reader_open(files, &ro);
	while ((r = rec_reader_next(in)) != NULL && n < 8) {
		v = 77;
		rc[n] = group_value(in, r, 1, 2, &v);
		got[n++] = v;
	}
	cr_assert_eq(n, 8);
	for (i = 0; i < n; i++) {
		cr_assert_eq(rc[i], want_rc[i], "record %zu", i);
		if (i < 5)
			cr_assert_eq(got[i], want_v[i], "record %zu", i);
	}
	cr_assert_eq(rec_reader_count_rejected(in), 3);
	rec_reader_close(in);
}

/* group_each(): the groups in group_write()'s order, NULL keys as
 * rec_null, the COUNT and SUM values, 0 for the other kinds. */
static void
each_fn(void *ctx, const struct rec_str *k, const int64_t *v)
{
	struct buf *b = ctx;
	size_t i;

	if (rec_str_is_null(k[0]))
		buf_adds(b, "NULL");
	else
		buf_add(b, k[0].p, k[0].len);
	for (i = 0; i < NEVERY; i++)
		buf_printf(b, ",%lld", (long long)v[i]);
	buf_addc(b, ';');
}

Test(group, each_in_order)
{
	struct group *g = every_table();
	struct buf b = BUF_INIT;
	struct rec_str null = { rec_null, 0 };
	int64_t v[NEVERY] = { 0, 5, 5, 5, 5, 5, 9, 0, 0 };

	cr_assert_eq(group_add_vals(g, &null, v), 0);
	group_each(g, each_fn, &b);
	cr_assert_str_eq(b.p, "a,4,300,0,0,0,0,4,0,0;"
			 "b,1,1000,0,0,0,0,0,0,0;"
			 "NULL,1,5,0,0,0,0,9,0,0;");
	buf_release(&b);
	group_free(g);
}

/* .pct writes a RATIO or CHANGE in percent, .sign puts '+' before a
 * result above zero only (never "+0", nor before a NULL). */
Test(group, percent_and_sign)
{
	static const struct group_agg a[] = {
		{ .kind = GROUP_SUM, .name = "num" },
		{ .kind = GROUP_SUM, .name = "den" },
		{ .kind = GROUP_RATIO, .name = "r", .of = 0, .per = 1,
		  .out = 1, .pct = 1 },
		{ .kind = GROUP_CHANGE, .name = "c", .of = 0, .per = 1,
		  .out = 1, .pct = 1, .sign = 1 },
		{ .kind = GROUP_RATIO, .name = "r0", .of = 0, .per = 1,
		  .pct = 1, .sign = 1 },
	};
	static const struct { const char *k; int64_t num, den; } c[] = {
		{ "a", 1, 3 },		/* 33.3%, -66.7% */
		{ "b", 3, 2 },		/* 150.0%, +50.0% */
		{ "c", 2, 2 },		/* 100.0%, 0.0% */
		{ "d", 0, 5 },		/* 0.0%, -100.0% */
		{ "e", 1, 0 },		/* none */
		{ "f", 1, 8 },		/* 12.5%, -87.5%; 12.5 to 13 */
		{ "g", 1, 2000 },	/* 0.05% to 0.1 and to 0; -99.95% */
	};
	struct group *g = group_new_aggs(1, a, 5);
	struct rec_str k;
	int64_t v[5];
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		k = S(c[i].k);
		v[0] = c[i].num;
		v[1] = c[i].den;
		cr_assert_eq(group_add_vals(g, &k, v), 0);
	}
	write_to(g, tpath("f.tsv"), 1, 0);
	assert_file(tpath("f.tsv"), "k1\tnum\tden\tr\tc\tr0\n"
		    "a\t1\t3\t33.3\t-66.7\t+33\n"
		    "b\t3\t2\t150.0\t+50.0\t+150\n"
		    "c\t2\t2\t100.0\t0.0\t+100\n"
		    "d\t0\t5\t0.0\t-100.0\t0\n"
		    "e\t1\t0\t\\N\t\\N\t\\N\n"
		    "f\t1\t8\t12.5\t-87.5\t+13\n"
		    "g\t1\t2000\t0.1\t-100.0\t0\n");
	group_free(g);
}

/* A .nonneg SUM's part is a count under --merge: a negative one or text
 * is rejected as not a count, the rest added. */
Test(group, nonneg_parts_are_counts)
{
	static const struct group_agg a[] = {
		{ .kind = GROUP_SUM, .name = "solved", .nonneg = 1 },
		{ .kind = GROUP_SUM, .name = "delta" },
	};
	struct rec_reader_opts ro = { 0 };
	const char *files[2] = { NULL, NULL };
	struct group *m = group_new_aggs(1, a, 2);
	struct rec_reader *in;
	const struct rec *r;
	size_t key;

	files[0] = PUT("p.tsv", "k1\tsolved\tdelta\n"
		       "a\t2\t-1\na\t-1\t0\na\tx\t0\na\t1\t-3\n");
	in = rec_reader_open(files, &ro);
	key = rec_reader_field(in, "k1");
	group_merge_fields(m, in, &key);
	while ((r = rec_reader_next(in)) != NULL)
		group_merge_rec(m, in, r);
	cr_assert_eq(rec_reader_count_rejected(in), 2);
	rec_reader_close(in);
	write_to(m, tpath("m.tsv"), 1, GROUP_W_PARTIAL);
	assert_file(tpath("m.tsv"), "k1\tsolved\tdelta\na\t3\t-4\n");
	group_free(m);
}

/* group_find(): a group's COUNT and SUM values by its key values, NULL
 * apart from empty, -1 for a group never added; also from group_each(). */
static void
find_fn(void *ctx, const struct rec_str *k, const int64_t *v)
{
	struct group *g = ctx;
	int64_t w[NEVERY];

	cr_assert_eq(group_find(g, k, w), 0);
	cr_assert_eq(memcmp(v, w, sizeof w), 0);
}

Test(group, find_a_group)
{
	struct group *g = every_table();
	struct rec_str null = { rec_null, 0 }, k;
	int64_t v[NEVERY] = { 0, 5, 5, 5, 5, 5, 9, 0, 0 }, w[NEVERY];

	cr_assert_eq(group_add_vals(g, &null, v), 0);
	k = S("a");
	cr_assert_eq(group_find(g, &k, w), 0);
	cr_assert_eq(w[0], 4);
	cr_assert_eq(w[1], 300);
	cr_assert_eq(w[6], 4);
	cr_assert_eq(w[2] | w[3] | w[4] | w[5] | w[7] | w[8], 0);
	cr_assert_eq(group_find(g, &null, w), 0);
	cr_assert_eq(w[1], 5);
	cr_assert_eq(w[6], 9);
	k = S("");
	w[0] = 77;
	cr_assert_eq(group_find(g, &k, w), -1);
	cr_assert_eq(w[0], 77);
	k = S("c");
	cr_assert_eq(group_find(g, &k, w), -1);
	group_each(g, find_fn, g);
	group_free(g);
}

/* group_label_keys(): NULL and empty key values named, as --opretty. */
Test(group, label_keys)
{
	struct group *g = group_new(2);
	struct rec_str k[2] = { { rec_null, 0 }, { "", 0 } };

	group_add(g, k, 2);
	k[0] = S("a");
	group_add(g, k, 1);
	group_label_keys(g, 1);
	assert_written(g, 2, 0, "k1\tk2\tcount\n"
		       "a\t" GROUP_EMPTY_LABEL "\t1\n"
		       GROUP_NULL_LABEL "\t" GROUP_EMPTY_LABEL "\t2\n");
	group_label_keys(g, 0);
	assert_written(g, 2, 0, "k1\tk2\tcount\na\t\t1\n\\N\t\t2\n");
	group_free(g);
}

/* ---- runs of one key ---- */

/* Key number i of the runs test: runs of up to 4 records of one key
 * (every ninth record breaks one), over 3000 keys (the table grows while
 * a run's group is cached); one of them NULL, one empty, a fifth long
 * (over 32 bytes). */
static size_t
run_key(size_t i)
{
	return ((i / 4) * 2654435761u + (i % 9 == 8)) % 3000;
}

static void
run_kv(size_t n, char *buf, size_t cap, struct rec_str k[2])
{
	if (n == 97) {
		k[0].p = rec_null;
		k[0].len = 0;
	} else if (n == 89) {
		k[0].p = "";
		k[0].len = 0;
	} else {
		snprintf(buf, cap, n % 5 ? "g%zu" :
			 "a-key-of-more-than-thirty-two-bytes-%zu", n);
		k[0].p = buf;
		k[0].len = strlen(buf);
	}
	k[1].p = n % 3 ? "x" : "yy";
	k[1].len = n % 3 ? 1 : 2;
}

struct run_sums {
	uint64_t count[3000], sum[3000];
	size_t seen, nv, nkeys;	/* groups seen; values and keys a
				 * group has */
};

static void
run_check(void *ctx, const struct rec_str *k, const int64_t *v)
{
	struct run_sums *s = ctx;
	char buf[64];
	struct rec_str want[2];
	size_t n;

	for (n = 0; n < 3000; n++) {
		run_kv(n, buf, sizeof buf, want);
		if (rec_str_is_null(k[0]) == rec_str_is_null(want[0]) &&
		    rec_str_eq(k[0], want[0]) &&
		    (s->nkeys == 1 || rec_str_eq(k[1], want[1])))
			break;
	}
	cr_assert_lt(n, 3000, "a group of no key given");
	cr_assert_eq((uint64_t)v[0], s->count[n], "key %zu: count", n);
	if (s->nv > 1)
		cr_assert_eq((uint64_t)v[1], s->sum[n], "key %zu: sum", n);
	s->seen++;
}

/* Records in runs of one key (group_add() joins an add to the one before
 * it, group_add_vals() keeps the last group): the same counts and sums as
 * one by one, for one key and for two. */
Test(group, runs_of_one_key)
{
	static const struct group_agg aggs[] = {
		{ .kind = GROUP_COUNT, .name = "count" },
		{ .kind = GROUP_SUM, .name = "sum" },
	};
	static struct run_sums s;
	struct group *g;
	struct rec_str k[2];
	char buf[64];
	int64_t v[2];
	size_t i, n, nkeys, groups;

	for (nkeys = 1; nkeys <= 2; nkeys++) {
		memset(&s, 0, sizeof s);
		s.nv = 2;
		s.nkeys = nkeys;
		g = group_new_aggs(nkeys, aggs, 2);
		for (i = 0; i < 40000; i++) {
			n = run_key(i);
			run_kv(n, buf, sizeof buf, k);
			v[0] = GROUP_NOVAL;
			v[1] = (int64_t)(i % 11);
			cr_assert_eq(group_add_vals(g, k, v), 0);
			memset(buf, '#', sizeof buf);	/* copied */
			s.count[n]++;
			s.sum[n] += i % 11;
		}
		for (groups = 0, n = 0; n < 3000; n++)
			groups += s.count[n] > 0;
		cr_assert_eq(group_count(g), groups);
		cr_assert_eq(group_total(g), 40000);
		group_each(g, run_check, &s);
		cr_assert_eq(s.seen, groups);
		group_free(g);

		/* The count alone, through group_add()'s adds in flight:
		 * every run added as one record at a time and as n. */
		memset(&s, 0, sizeof s);
		s.nv = 1;
		s.nkeys = nkeys;
		g = group_new_aggs(nkeys, aggs, 1);
		for (i = 0; i < 40000; i++) {
			n = run_key(i);
			run_kv(n, buf, sizeof buf, k);
			group_add(g, k, 1 + i % 3);
			memset(buf, '#', sizeof buf);
			s.count[n] += 1 + i % 3;
		}
		for (groups = 0, n = 0; n < 3000; n++)
			groups += s.count[n] > 0;
		cr_assert_eq(group_count(g), groups);
		group_each(g, run_check, &s);
		cr_assert_eq(s.seen, groups);
		group_free(g);
	}
}

/* ---- keys of several values, hashed and compared in place ---- */

static const struct group_agg two_sums[] = {
	{ .kind = GROUP_COUNT, .name = "n" },
	{ .kind = GROUP_SUM, .name = "s" },
	{ .kind = GROUP_SUM, .name = "t" },
};

/* One record of keys a, b (NULL for a NULL value) with sums s, t. */
static int
add_st(struct group *g, const char *a, const char *b, int64_t s, int64_t t)
{
	struct rec_str k[2] = { { rec_null, 0 }, { rec_null, 0 } };
	int64_t v[3] = { GROUP_NOVAL, s, t };

	if (a != NULL)
		k[0] = S(a);
	if (b != NULL)
		k[1] = S(b);
	return group_add_vals(g, k, v);
}

/* Two key values with two sums (group_add_vals()'s lane of viol-query
 * stats): values that differ only in where one ends and the next begins,
 * NULL apart from '', short, 17 to 32 and over 32 bytes; adds through
 * group_add() find the same groups, and so does group_find(). */
Test(group, two_keys_in_place)
{
	struct group *g = group_new_aggs(2, two_sums, 3);
	struct rec_str k[2];
	int64_t w[3];
	const char *l18 = "零陵区零陵区", *l36 = "江华瑶族自治县江华瑶族自";

	cr_assert_eq(add_st(g, "ab", "c", 1, 10), 0);
	cr_assert_eq(add_st(g, "a", "bc", 2, 20), 0);
	cr_assert_eq(add_st(g, "a", "bc", 3, 30), 0);
	cr_assert_eq(add_st(g, NULL, "x", 4, 0), 0);
	cr_assert_eq(add_st(g, "", NULL, 5, 0), 0);
	cr_assert_eq(add_st(g, NULL, NULL, 6, 0), 0);
	cr_assert_eq(add_st(g, "", "", 7, 0), 0);
	cr_assert_eq(add_st(g, l18, "1039", 8, 0), 0);
	cr_assert_eq(add_st(g, l36, "x", 9, 0), 0);
	cr_assert_eq(add_st(g, "a", "", 10, GROUP_NOVAL), 0);
	cr_assert_eq(add_st(g, "", "a", 11, GROUP_NOVAL), 0);
	cr_assert_eq(add_st(g, "ab", "c", 100, GROUP_NOVAL), 0);
	cr_assert_eq(group_count(g), 10);
	add2(g, "a", "bc", 5);
	add2(g, l36, "x", 2);
	add2(g, "zz", "z", 1);
	cr_assert_eq(group_count(g), 11);
	/* After group_add(), every sum is checked: the same answers. */
	cr_assert_eq(add_st(g, "ab", "c", 1000, 1), 0);
	k[0] = S("a");
	k[1] = S("bc");
	cr_assert_eq(group_find(g, k, w), 0);
	cr_assert_eq(w[0], 7);
	cr_assert_eq(w[1], 5);
	cr_assert_eq(w[2], 50);
	k[1] = S("b");
	cr_assert_eq(group_find(g, k, w), -1);
	k[0] = S(l36);
	k[1] = S("x");
	cr_assert_eq(group_find(g, k, w), 0);
	cr_assert_eq(w[0], 3);
	k[0].p = rec_null;
	k[0].len = 0;
	k[1] = k[0];
	cr_assert_eq(group_find(g, k, w), 0);
	cr_assert_eq(w[1], 6);
	write_to(g, tpath("k.tsv"), 2, GROUP_W_TOTAL);
	assert_file(tpath("k.tsv"), "k1\tk2\tn\ts\tt\n"
		    "\t\t1\t7\t0\n"
		    "\ta\t1\t11\t0\n"
		    "\t\\N\t1\t5\t0\n"
		    "a\t\t1\t10\t0\n"
		    "a\tbc\t7\t5\t50\n"
		    "ab\tc\t3\t1101\t11\n"
		    "zz\tz\t1\t0\t0\n"
		    "江华瑶族自治县江华瑶族自\tx\t3\t9\t0\n"
		    "零陵区零陵区\t1039\t1\t8\t0\n"
		    "\\N\tx\t1\t4\t0\n"
		    "\\N\t\\N\t1\t6\t0\n"
		    "(total)\t\t21\t1166\t61\n");
	group_free(g);
}

/* Three key values (the lane of any number): where each ends counts. */
Test(group, three_keys_in_place)
{
	struct group *g = group_new_aggs(3, two_sums, 2);
	struct rec_str k[3];
	int64_t v[2] = { GROUP_NOVAL, 1 }, w[2];
	static const char *const keys[][3] = {
		{ "a", "b", "c" }, { "a", "bc", "" }, { "ab", "", "c" },
		{ "", "ab", "c" }, { "a", "b", "c" },
	};
	size_t i, j;

	for (i = 0; i < 5; i++) {
		for (j = 0; j < 3; j++)
			k[j] = S(keys[i][j]);
		cr_assert_eq(group_add_vals(g, k, v), 0);
		v[1] *= 10;
	}
	cr_assert_eq(group_count(g), 4);
	for (j = 0; j < 3; j++)
		k[j] = S(keys[0][j]);
	cr_assert_eq(group_find(g, k, w), 0);
	cr_assert_eq(w[0], 2);
	cr_assert_eq(w[1], 10001);
	group_free(g);
}

/* Sums near the limits, with two keys: refused whole when the group's or
 * the total's would overflow, also once the unchecked room is spent; a
 * value of INT64_MAX is refused before its group is made; negative sums
 * too. */
Test(group, two_keys_sums_overflow)
{
	struct group *g = group_new_aggs(2, two_sums, 3);

	cr_assert_eq(add_st(g, "a", "b", INT64_MAX - 10, -5), 0);
	cr_assert_eq(add_st(g, "a", "b", 20, 0), -1);	/* a,b's s */
	cr_assert_eq(add_st(g, "a", "c", 5, 0), 0);
	cr_assert_eq(add_st(g, "a", "c", 20, 0), -1);	/* the total's */
	cr_assert_eq(add_st(g, "x", "y", INT64_MAX, 0), -1);
	cr_assert_eq(group_count(g), 2);		/* no x,y made */
	cr_assert_eq(add_st(g, "a", "b", 0, INT64_MIN + 1), -1);	/* t */
	cr_assert_eq(add_st(g, "a", "b", GROUP_NOVAL, INT64_MIN + 6), 0);
	cr_assert_eq(group_total(g), 3);
	write_to(g, tpath("o.tsv"), 2, GROUP_W_TOTAL);
	assert_file(tpath("o.tsv"), "k1\tk2\tn\ts\tt\n"
		    "a\tb\t2\t9223372036854775797\t-9223372036854775807\n"
		    "a\tc\t1\t5\t0\n"
		    "(total)\t\t3\t9223372036854775802\t"
		    "-9223372036854775807\n");
	group_free(g);

	/* Within the room (no check needed) and past it, negative values as
	 * well. */
	g = group_new_aggs(2, two_sums, 3);
	cr_assert_eq(add_st(g, "a", "b", -3, 4), 0);
	cr_assert_eq(add_st(g, "a", "b", 4, -9), 0);
	cr_assert_eq(add_st(g, "b", "a", INT64_MIN + 1, INT64_MAX - 2), 0);
	write_to(g, tpath("r.tsv"), 2, GROUP_W_TOTAL);
	assert_file(tpath("r.tsv"), "k1\tk2\tn\ts\tt\n"
		    "a\tb\t2\t1\t-5\n"
		    "b\ta\t1\t-9223372036854775807\t9223372036854775805\n"
		    "(total)\t\t3\t-9223372036854775806\t9223372036854775800\n");
	group_free(g);
}

/* Counts added by group_add() are in no room: a record's count that
 * would overflow is refused. */
Test(group, count_overflow_after_adds)
{
	struct group *g = group_new_aggs(2, two_sums, 2);
	struct rec_str k[2] = { { "a", 1 }, { "b", 1 } };
	int64_t v[2] = { GROUP_NOVAL, 1 };

	group_add(g, k, (uint64_t)INT64_MAX - 1);
	cr_assert_eq(group_add_vals(g, k, v), 0);
	cr_assert_eq(group_add_vals(g, k, v), -1);
	cr_assert_eq(group_total(g), (uint64_t)INT64_MAX);
	group_free(g);
}
