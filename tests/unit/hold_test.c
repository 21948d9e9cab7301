/* hold: records held by key and in order; NULL kept apart from ''; a
 * repeated key returns the first; hold_set() replaces in place or not;
 * many records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rec/hold.h"
#include "rec/rec.h"
#include "testutil.h"

TESTUTIL_SUITE(hold);

/* A record of three fields (NULL for a NULL pointer) on line. */
static struct rec_str F[3];
static struct rec R;

static const struct rec *
rec3(unsigned long long line, const char *a, const char *b, const char *c)
{
	const char *v[3] = { a, b, c };
	size_t i;

	for (i = 0; i < 3; i++) {
		F[i].p = v[i] ? v[i] : rec_null;
		F[i].len = v[i] ? strlen(v[i]) : 0;
	}
	memset(&R, 0, sizeof R);
	R.f = F;
	R.n = 3;
	R.file = "t.tsv";
	R.line = line;
	return &R;
}

static void
assert_fields(const struct hold *h, const struct hold_rec *e, const char *a,
	      const char *b, const char *c)
{
	const char *want[3] = { a, b, c };
	struct rec_str f[3];
	size_t i;

	hold_fields(h, e, f);
	for (i = 0; i < 3; i++) {
		if (want[i] == NULL) {
			cr_assert(rec_str_is_null(f[i]), "field %zu", i);
			continue;
		}
		cr_assert(!rec_str_is_null(f[i]), "field %zu", i);
		cr_assert(rec_str_eq(f[i], rec_str_of(want[i])),
			  "field %zu: '%.*s'", i, (int)f[i].len, f[i].p);
	}
}

Test(hold, by_key)
{
	struct hold *h = hold_new(3);
	struct hold_rec *e;
	int isnew;

	e = hold_put(h, REC_STR("k1"), rec3(2, "k1", "张三", ""), &isnew);
	cr_assert(isnew);
	cr_assert_eq(e->line, 2);
	cr_assert_eq(e->seen, 0);
	cr_assert_eq(e->mark, 0);
	e->mark = 7;
	hold_put(h, REC_STR("k2"), rec3(3, "k2", NULL, "a\tb"), &isnew);
	cr_assert(isnew);
	/* A repeat: the first stays, untouched. */
	e = hold_put(h, REC_STR("k1"), rec3(4, "k1", "李四", "x"), &isnew);
	cr_assert_not(isnew);
	cr_assert_eq(e->line, 2);
	cr_assert_eq(e->mark, 7);
	assert_fields(h, e, "k1", "张三", "");
	cr_assert_eq(hold_count(h), 2);
	e = hold_find(h, REC_STR("k2"));
	cr_assert_not_null(e);
	assert_fields(h, e, "k2", NULL, "a\tb");
	cr_assert_null(hold_find(h, REC_STR("k3")));
	cr_assert_null(hold_find(h, REC_STR("")));
	assert_fields(h, hold_at(h, 0), "k1", "张三", "");
	assert_fields(h, hold_at(h, 1), "k2", NULL, "a\tb");
	hold_free(h);
	hold_free(NULL);
}

/* NULL and '' are two keys. */
Test(hold, null_key_apart)
{
	struct hold *h = hold_new(3);
	struct rec_str null = { rec_null, 0 };
	int isnew;

	hold_put(h, null, rec3(2, NULL, "a", "b"), &isnew);
	cr_assert(isnew);
	hold_put(h, REC_STR(""), rec3(3, "", "c", "d"), &isnew);
	cr_assert(isnew);
	hold_put(h, null, rec3(4, NULL, "e", "f"), &isnew);
	cr_assert_not(isnew);
	assert_fields(h, hold_find(h, null), NULL, "a", "b");
	assert_fields(h, hold_find(h, REC_STR("")), "", "c", "d");
	hold_free(h);
}

/* The latest event of a case: hold_set() replaces the fields and the
 * line, in place when they fit, keeping mark and seen. */
Test(hold, set_replaces)
{
	struct hold *h = hold_new(3);
	struct hold_rec *e = hold_put(h, REC_STR("c1"),
				      rec3(2, "c1", "filed", "long value"),
				      NULL);

	e->mark = 3;
	e->seen = 9;
	hold_set(h, e, rec3(5, "c1", "solved", NULL));
	assert_fields(h, e, "c1", "solved", NULL);
	cr_assert_eq(e->line, 5);
	cr_assert_eq(e->mark, 3);
	cr_assert_eq(e->seen, 9);
	hold_set(h, e, rec3(8, "c1", "closed after a much longer stage name",
			    "more"));
	assert_fields(h, hold_find(h, REC_STR("c1")), "c1",
		      "closed after a much longer stage name", "more");
	hold_free(h);
}

/* Unkeyed, in order, next to keyed ones; hold_write() gives the fields
 * back, NULL as \N. */
Test(hold, in_order_and_written)
{
	const char *out = tpath("out.tsv");
	struct rec_writer_opts wo = { 0 };
	struct rec_writer *w;
	struct hold *h = hold_new(3);
	size_t i;

	hold_add(h, rec3(2, "a", NULL, "1"));
	hold_put(h, REC_STR("b"), rec3(3, "b", "", "2"), NULL);
	hold_add(h, rec3(4, "a", "x\\y", "3"));
	cr_assert_eq(hold_count(h), 3);
	wo.path = out;
	w = rec_writer_open(&wo);
	rec_writer_add(w, "k");
	rec_writer_add(w, "v");
	rec_writer_add(w, "n");
	for (i = 0; i < hold_count(h); i++) {
		hold_write(h, hold_at(h, i), w);
		rec_writer_end(w);
	}
	rec_writer_close(w);
	assert_file(out, "k\tv\tn\na\t\\N\t1\nb\t\t2\na\tx\\\\y\t3\n");
	hold_free(h);
}

/* Many keys: every one found, with its own fields, after the table and
 * the entry array have grown many times. */
Test(hold, many)
{
	enum { N = 50000 };
	struct hold *h = hold_new(3);
	char k[32], v[32];
	struct hold_rec *e;
	size_t i;

	for (i = 0; i < N; i++) {
		snprintf(k, sizeof k, "key-%zu", i * 7919 % N);
		snprintf(v, sizeof v, "%zu", i);
		hold_put(h, rec_str_of(k), rec3(i + 2, k, v, NULL), NULL);
	}
	cr_assert_eq(hold_count(h), N);
	for (i = 0; i < N; i++) {
		snprintf(k, sizeof k, "key-%zu", i * 7919 % N);
		snprintf(v, sizeof v, "%zu", i);
		e = hold_find(h, rec_str_of(k));
		cr_assert_not_null(e, "%s", k);
		cr_assert_eq(e->line, i + 2);
		assert_fields(h, e, k, v, NULL);
	}
	hold_free(h);
}
