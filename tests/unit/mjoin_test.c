/* mjoin: the sorted merge join: one-to-one with keys on one side or both,
 * a repeated key rejected on a unique side, many to one (violations to a
 * vehicle), empty sides, NULL keys, and an unsorted input ending the
 * program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/buf.h"
#include "rec/mjoin.h"
#include "rec/rec.h"
#include "testutil.h"

TESTUTIL_SUITE(mjoin);

static struct rec_reader *
open1(const char *path)
{
	static struct rec_reader_opts ro;
	const char *files[2] = { path, NULL };

	return rec_reader_open(files, &ro);
}

/* Join the files (key field "k" on both sides) and describe each step:
 * "L:k/v" "R:k/v" "B:k/v=v", space-separated, into *out; returns the
 * rejects of both sides. */
static unsigned long long
join(const char *lpath, int lflags, const char *rpath, int rflags,
     struct buf *out)
{
	struct rec_reader *a = open1(lpath), *b = open1(rpath);
	size_t ak = rec_reader_field(a, "k"), bk = rec_reader_field(b, "k");
	size_t av = rec_reader_field(a, "v"), bv = rec_reader_field(b, "v");
	const struct rec *l, *r;
	enum mjoin_step st;
	struct mjoin j;
	unsigned long long rej;

	mjoin_init(&j, a, ak, lflags, b, bk, rflags, NULL);
	buf_reset(out);
	while ((st = mjoin_next(&j, &l, &r)) != MJOIN_END) {
		if (out->len)
			buf_addc(out, ' ');
		if (st == MJOIN_LEFT)
			buf_printf(out, "L:%.*s/%.*s", (int)l->f[ak].len,
				   l->f[ak].p, (int)l->f[av].len, l->f[av].p);
		else if (st == MJOIN_RIGHT)
			buf_printf(out, "R:%.*s/%.*s", (int)r->f[bk].len,
				   r->f[bk].p, (int)r->f[bv].len, r->f[bv].p);
		else
			buf_printf(out, "B:%.*s/%.*s=%.*s", (int)l->f[ak].len,
				   l->f[ak].p, (int)l->f[av].len, l->f[av].p,
				   (int)r->f[bv].len, r->f[bv].p);
	}
	/* The end stays the end. */
	cr_assert_eq(mjoin_next(&j, &l, &r), MJOIN_END);
	mjoin_release(&j);
	rej = rec_reader_count_rejected(a) + rec_reader_count_rejected(b);
	rec_reader_close(a);
	rec_reader_close(b);
	return rej;
}

Test(mjoin, one_to_one)
{
	struct buf out = BUF_INIT;
	const char *a = PUT("a.tsv", "k\tv\na\t1\nc\t2\nd\t3\n");
	const char *b = PUT("b.tsv", "v\tk\nx\tb\ny\tc\nz\te\n");

	cr_assert_eq(join(a, MJOIN_UNIQUE, b, MJOIN_UNIQUE, &out), 0);
	cr_assert_str_eq(out.p, "L:a/1 R:b/x B:c/2=y L:d/3 R:e/z");
	/* Byte order: "ab" after "a", "B" before "a", 中 after all ASCII. */
	a = PUT("a2.tsv", "k\tv\nB\t1\na\t2\nab\t3\n中\t4\n");
	b = PUT("b2.tsv", "k\tv\na\tx\n中\ty\n");
	join(a, MJOIN_UNIQUE, b, MJOIN_UNIQUE, &out);
	cr_assert_str_eq(out.p, "L:B/1 B:a/2=x L:ab/3 B:中/4=y");
	buf_release(&out);
}

Test(mjoin, empty_sides)
{
	struct buf out = BUF_INIT;
	const char *e = PUT("e.tsv", "k\tv\n");
	const char *a = PUT("a.tsv", "k\tv\na\t1\nb\t2\n");

	join(e, MJOIN_UNIQUE, e, MJOIN_UNIQUE, &out);
	cr_assert_str_eq(out.p, "");
	join(a, MJOIN_UNIQUE, e, MJOIN_UNIQUE, &out);
	cr_assert_str_eq(out.p, "L:a/1 L:b/2");
	join(e, 0, a, 0, &out);
	cr_assert_str_eq(out.p, "R:a/1 R:b/2");
	buf_release(&out);
}

/* A unique side rejects the repeat and goes on with the next key. */
Test(mjoin, unique_side_rejects_repeat)
{
	struct buf out = BUF_INIT;
	const char *a = PUT("a.tsv", "k\tv\na\t1\na\t2\na\t3\nb\t4\n");
	const char *b = PUT("b.tsv", "k\tv\na\tx\nb\ty\nb\tz\n");

	cr_assert_eq(join(a, MJOIN_UNIQUE, b, MJOIN_UNIQUE, &out), 3);
	cr_assert_str_eq(out.p, "B:a/1=x B:b/4=y");
	buf_release(&out);
}

/* Many violations to one vehicle, on either side; a vehicle with none,
 * violations of no known vehicle. */
Test(mjoin, many_to_one)
{
	struct buf out = BUF_INIT;
	const char *v = PUT("viol.tsv",
		"k\tv\n湘M1\tv1\n湘M1\tv2\n湘M2\tv3\n湘M4\tv4\n湘M4\tv5\n");
	const char *c = PUT("cars.tsv", "k\tv\n湘M1\tcar1\n湘M3\tcar3\n"
			    "湘M4\tcar4\n");

	cr_assert_eq(join(v, 0, c, MJOIN_UNIQUE, &out), 0);
	cr_assert_str_eq(out.p, "B:湘M1/v1=car1 B:湘M1/v2=car1 L:湘M2/v3 "
			 "R:湘M3/car3 B:湘M4/v4=car4 B:湘M4/v5=car4");
	join(c, MJOIN_UNIQUE, v, 0, &out);
	cr_assert_str_eq(out.p, "B:湘M1/car1=v1 B:湘M1/car1=v2 R:湘M2/v3 "
			 "L:湘M3/car3 B:湘M4/car4=v4 B:湘M4/car4=v5");
	buf_release(&out);
}

/* A NULL key sorts as the empty one. */
Test(mjoin, null_key)
{
	struct buf out = BUF_INIT;
	const char *a = PUT("a.tsv", "k\tv\n\\N\t1\nb\t2\n");
	const char *b = PUT("b.tsv", "k\tv\n\tx\nb\ty\n");

	join(a, MJOIN_UNIQUE, b, MJOIN_UNIQUE, &out);
	cr_assert_str_eq(out.p, "B:/1=x B:b/2=y");
	buf_release(&out);
}

static void
join_unsorted(const char *a, const char *b)
{
	struct rec_reader *l = open1(a), *r = open1(b);
	const struct rec *x, *y;
	struct mjoin j;

	mjoin_init(&j, l, 0, MJOIN_UNIQUE, r, 0, MJOIN_UNIQUE,
		   "drop --sorted");
	while (mjoin_next(&j, &x, &y) != MJOIN_END)
		;
}

Test(mjoin, unsorted_ends_the_program)
{
	const char *a = PUT("a.tsv", "k\tv\na\t1\nc\t2\nb\t3\n");
	const char *b = PUT("b.tsv", "k\tv\na\tx\n");
	struct buf want = BUF_INIT;

	buf_printf(&want, "t: %s:4: field 'k': before the previous record's "
		   "(input not sorted by k: drop --sorted)\n", a);
	EXPECT_EXIT(2, want.p, join_unsorted(a, b));
	buf_release(&want);
}
