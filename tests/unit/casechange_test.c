/* Unit tests for lib/domain/casechange.c: the stage changes not yet
 * reported, the cursor, and the per-day rule of scripts/nightly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/util.h"
#include "domain/casechange.h"
#include "domain/casefold.h"
#include "domain/cases.h"

TESTUTIL_SUITE(casechange);

#define HDR "case_no\ttime\tstage\tcategory\tunit\tofficer\tsecret\t" \
	"privacy\tparties\tnote\tlimit_days\treceipt\n"
#define P1 "被害人:431124199003071233:唐伟:13807461234;" \
	"嫌疑人:431103198807205579:陈刚"
#define P2 "被害人:431124198506120047:周敏:13907462345"

/* Day 1: case 1 received and filed; case 2 received, but secret. */
static const char day1[] = HDR
	"A4311032026000001\t2026-11-20 09:30:00\t受案\t盗窃\t甲所\ta\t0\t0\t"
	P1 "\t\t\t\n"
	"A4311032026000001\t2026-11-21 10:00:00\t立案\t盗窃\t甲所\ta\t0\t0"
	"\t\t\t\t\n"
	"A4311032026000002\t2026-11-21 11:00:00\t受案\t诈骗\t乙所\tb\t1\t0\t"
	P2 "\t\t\t\n";
/* Day 2: case 1 investigated, case 3 received, and a late event of
 * case 1 with an earlier time (a second 受案: no change of its own). */
static const char day2[] =
	"A4311032026000001\t2026-11-22 15:00:00\t侦查\t盗窃\t甲所\ta\t0\t0"
	"\t\t\t\t\n"
	"A4311032026000003\t2026-11-22 08:00:00\t受案\t盗窃\t丙\\\\所\tc\t0\t0"
	"\t" P2 "\t\t\t\n"
	"A4311032026000001\t2026-11-20 09:00:00\t受案\t盗窃\t甲所\ta\t0\t0"
	"\t\t\t\t\n";
/* Day 3: case 1 solved. */
static const char day3[] =
	"A4311032026000001\t2026-11-28 16:20:00\t破案\t盗窃\t甲所\ta\t0\t0"
	"\t\t\t\t\n";

/* The rows of a run over the log at path from cursor, one line each
 * ("line: fields|..."), into got; returns the log's last line.  With
 * cpath, the cursor is read from and committed to that file instead. */
static unsigned long long
run(const char *path, unsigned long long cursor, const char *cpath,
    struct buf *got)
{
	const char *files[2] = { path, NULL };
	struct rec_reader_opts o;
	struct rec_reader *in;
	struct casefold_fields ix;
	struct casefold st;
	struct casechange ch;
	struct case_cfg *c = case_cfg_load_default();
	const struct casechange_row *r;
	const char *p;
	unsigned long long last;
	size_t i, j;

	memset(&o, 0, sizeof o);
	o.rejects_quiet = 1;
	in = rec_reader_open(files, &o);
	casefold_fields_find(in, &ix, 0);
	casefold_init(&st, c, in, &ix, &o);
	casechange_init(&ch, cpath ? casechange_cursor_read(cpath) : cursor);
	casechange_read(&ch, &st);
	buf_reset(got);
	for (i = 0; i < ch.n; i++) {
		r = &ch.rows[i];
		buf_printf(got, "%u:", r->line);
		for (p = r->f, j = 0; j < CASECHANGE_NF; p += r->len[j++])
			buf_printf(got, " %.*s", (int)r->len[j], p);
		buf_adds(got, "\n");
	}
	if (cpath != NULL)
		casechange_cursor_commit(&ch, cpath);
	last = ch.last;
	casechange_release(&ch);
	casefold_release(&st);
	rec_reader_close(in);
	case_cfg_free(c);
	return last;
}

/* Append text to the file at path. */
static void
append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	cr_assert_not_null(f);
	cr_assert_eq(fputs(text, f) >= 0, 1);
	cr_assert_eq(fclose(f), 0);
}

/* Copy the file at from to to (as scripts/nightly starts a day). */
static void
copy(const char *from, const char *to)
{
	char *s = slurp(from, NULL);

	put_str(strrchr(to, '/') + 1, s);
	free(s);
}

#define ROW1 " A4311032026000001 受案 2026-11-20 09:30:00 甲所 " \
	"431124199003071233 唐伟 13807461234\n"
#define ROW2 " A4311032026000001 立案 2026-11-21 10:00:00 甲所 " \
	"431124199003071233 唐伟 13807461234\n"
#define ROW5 " A4311032026000001 侦查 2026-11-22 15:00:00 甲所 " \
	"431124199003071233 唐伟 13807461234\n"
#define ROW6 " A4311032026000003 受案 2026-11-22 08:00:00 丙\\所 " \
	"431124198506120047 周敏 13907462345\n"
#define ROW8 " A4311032026000001 破案 2026-11-28 16:20:00 甲所 " \
	"431124199003071233 唐伟 13807461234\n"

Test(casechange, ids_by_state_and_how_many_times)
{
	struct case_cfg *c = case_cfg_load_default();
	struct case_event ev[5];
	struct casechange_id ids[5];
	static const char *const names[5] = { "受案", "立案", "侦查", "侦查",
					      "破案" };
	size_t i, n;

	memset(ev, 0, sizeof ev);
	for (i = 0; i < 5; i++) {
		ev[i].stage = case_stage_find(c, 'A', names[i],
					      strlen(names[i]));
		cr_assert_not_null(ev[i].stage, "%s", names[i]);
	}
	ev[1].rejected = 1;
	n = casechange_ids(ev, 5, ids);
	/* 立案 rejected makes no change; the second 侦查 is no change */
	cr_assert_eq(n, 3);
	cr_assert_eq(ids[0].i, 0);
	cr_assert_eq(ids[1].i, 2);
	cr_assert_eq(ids[2].i, 4);
	cr_assert_eq(ids[1].nth, 0);
	case_cfg_free(c);
}

Test(casechange, a_change_is_seen_once)
{
	const char *log = put_str("log.tsv", day1);
	struct buf got = BUF_INIT;

	/* Every change of a case not hidden, per party with a phone; the
	 * secret case 2 never.  Unit fields come unescaped. */
	cr_assert_eq(run(log, 0, NULL, &got), 4);
	cr_assert_str_eq(got.p, "2:" ROW1 "3:" ROW2);
	/* From the end: nothing again. */
	cr_assert_eq(run(log, 4, NULL, &got), 4);
	cr_assert_str_eq(got.p, "");
	/* A late event with an earlier time moves case 1's 受案, which is
	 * not reported again; the changes after the cursor are. */
	append(log, day2);
	cr_assert_eq(run(log, 4, NULL, &got), 7);
	cr_assert_str_eq(got.p, "5:" ROW5 "6:" ROW6);
	buf_release(&got);
}

Test(casechange, a_rerun_from_a_cursor_gives_the_same)
{
	const char *log = put_str("log.tsv", day1);
	struct buf first = BUF_INIT, again = BUF_INIT;

	append(log, day2);
	cr_assert_eq(run(log, 3, NULL, &first), 7);
	cr_assert_eq(run(log, 3, NULL, &again), 7);
	cr_assert_str_eq(again.p, first.p);
	cr_assert_str_eq(first.p, "5:" ROW5 "6:" ROW6);
	buf_release(&first);
	buf_release(&again);
}

Test(casechange, the_cursor_file)
{
	const char *log = put_str("log.tsv", day1);
	const char *cur = tpath("cursor");
	struct buf got = BUF_INIT;

	/* None: every change; then "line N" of the log's last line. */
	cr_assert_eq(casechange_cursor_read(cur), 0);
	run(log, 0, cur, &got);
	cr_assert_str_eq(got.p, "2:" ROW1 "3:" ROW2);
	assert_file(cur, "line 4\n");
	cr_assert_eq(casechange_cursor_read(cur), 4);
	/* Nothing new: the file is not written again. */
	put_str("cursor", "line 4\n");
	run(log, 0, cur, &got);
	cr_assert_str_eq(got.p, "");
	assert_file(cur, "line 4\n");
	buf_release(&got);
}

Test(casechange, a_bad_cursor_file_exits_4)
{
	const char *cur = put_str("cursor", "2026-11-20\n");
	char want[512];

	snprintf(want, sizeof want, "t: %s: not a case-status cursor "
		 "('line N'); remove it to report every change again\n", cur);
	EXPECT_EXIT(JW_EXIT_IO, want, casechange_cursor_read(cur));
}

/* scripts/nightly: the changes of day D are those after the cursor of
 * the newest earlier day; every run of D starts from a copy of it. */
Test(casechange, one_cursor_per_day)
{
	const char *log = put_str("log.tsv", day1);
	const char *d1 = tpath("2026-11-21.cursor");
	const char *d2 = tpath("2026-11-22.cursor");
	const char *d3 = tpath("2026-11-28.cursor");
	struct buf got = BUF_INIT, all = BUF_INIT, one = BUF_INIT;

	run(log, 0, d1, &got);			/* day 1: no earlier day */
	buf_add(&all, got.p, got.len);
	append(log, day2);
	copy(d1, d2);
	run(log, 0, d2, &got);			/* day 2 */
	cr_assert_str_eq(got.p, "5:" ROW5 "6:" ROW6);
	copy(d1, d2);				/* day 2 again: the same */
	run(log, 0, d2, &one);
	cr_assert_str_eq(one.p, got.p);
	assert_file(d2, "line 7\n");
	buf_add(&all, got.p, got.len);
	append(log, day3);
	copy(d2, d3);				/* day 3 goes on from day 2 */
	run(log, 0, d3, &got);
	cr_assert_str_eq(got.p, "8:" ROW8);
	buf_add(&all, got.p, got.len);
	/* The days together: every change once, as one run from 0 has
	 * them but for the moved 受案, reported on its first line. */
	run(log, 0, NULL, &one);
	cr_assert_str_eq(all.p, "2:" ROW1 "3:" ROW2 "5:" ROW5 "6:" ROW6
			 "8:" ROW8);
	cr_assert_str_eq(one.p, "3:" ROW2 "5:" ROW5 "6:" ROW6
			 "7: A4311032026000001 受案 2026-11-20 09:00:00 甲所 "
			 "431124199003071233 唐伟 13807461234\n" "8:" ROW8);
	buf_release(&got);
	buf_release(&all);
	buf_release(&one);
}
