/* group: counts per group, sorted in byte order field by field, with and
 * without the total row, one and several keys, many groups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "base/diag.h"
#include "rec/group.h"
#include "rec/rec.h"
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
