/* Unit tests for lib/domain/violq.c, violq_out.c and violrec.c: the plate
 * lookup engine and the violation records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "base/buf.h"
#include "base/date.h"
#include "base/num.h"
#include "domain/violq.h"
#include "domain/violrec.h"
#include "rec/cli.h"

TESTUTIL_SUITE(violq);

#define HDR "plate\tplate_type\ttime\tplace\tdistrict\tcode\tstatus\tfine\t" \
	    "points\tdriver_id\tdecision_no\tdecided_at\tpaid_at\n"

static const char data[] = HDR
	"湘M12345\t02\t2026-03-14 08:12:00\t河西路\t冷水滩区\t1625\t已处理\t"
	"200\t6\t431103199001011234\tD1\t2026-10-01\t\n"
	"湘A11111\t02\t2026-05-01 09:00:00\t路\t区\t1039\t未处理\t100\t0\t\t\t"
	"\t\n"
	"湘m·12345\t02\t2026-09-01 10:00:00\t零陵路\t零陵区\t1039\t已缴款\t"
	"100\t0\t431103199001011234\tD2\t2026-09-05\t2026-09-06\n"
	"湘M12345\t02\t2026-01-02 07:00:00\t某路\t祁阳市\t9999\t未处理\t50\t"
	"1\t\t\t\t\n"
	"湘M12345\t02\t2026-02-02 07:00:00\t某路\t祁阳市\t1625\t未处理\t"
	"二百\t6\t\t\t\t\n";

/* What the test verb does: the options it is run with. */
static struct violq_opts O;
static const char *const *PLATES;
static int TEXT;

static int
verb_look(struct cli *cli, int argc, char *argv[])
{
	struct rec_writer *w = NULL;
	struct violq *q;
	int i;

	while (cli_getopt(cli, (const struct cli_opt[]){
		{ 0, NULL, 0, NULL, NULL } }, argc, argv) != -1)
		;
	O.codes = viol_codes_load(NULL);
	q = violq_new(cli, &O);
	for (i = 0; PLATES[i] != NULL; i++)
		cr_assert_eq(violq_ask(q, PLATES[i], strlen(PLATES[i])), 1,
			     "%s", PLATES[i]);
	cr_assert_eq(violq_ask(q, "xx", 2), 0);
	violq_find(q, 0);
	if (TEXT) {
		violq_write_text(q, stdout);
	} else {
		w = cli_open_output(cli);
		violq_write(q, w);
	}
	i = violq_finish(q, w);
	viol_codes_free((struct viol_codes *)O.codes);
	return i;
}

static const struct cli_verb verbs[] = {
	{ "look", verb_look, "", "a lookup" },
	{ NULL, NULL, NULL, "t" }
};

/* Run the lookup (output to out, or stdout for text) in a child: it
 * must exit 1 with the reject of line 6 (a fine that is no amount) on
 * stderr; returns its stdout. */
static char *
look(const char *out)
{
	char want_err[512];
	char *argv[] = { (char *)"t", (char *)"look", (char *)"-q",
			 (char *)"--asof", (char *)"2026-11-29",
			 (char *)"-o", (char *)out, NULL };
	char *got;

	if (out == NULL)
		argv[5] = NULL;
	snprintf(want_err, sizeof want_err, "t: %s:6: field 'fine': not an "
		 "amount in yuan (at most 2 decimals): '二百'\nt: %s: 1 of 5 "
		 "records rejected (--rejects FILE keeps them)\n", O.data,
		 O.data);
	RUN_CHILD(got, 1, NULL, want_err,
		  exit(cli_main("t", verbs, out ? 7 : 5, argv)));
	return got;
}

/* Field k (from 0) of each line of s, joined by '|'. */
static char *
column(const char *s, int k)
{
	struct buf b = BUF_INIT;
	const char *p = s, *e, *t;
	int i;

	while (*p != '\0') {
		e = strchr(p, '\n');
		for (i = 0, t = p; i < k && t != NULL && t < e; i++)
			t = memchr(t, '\t', (size_t)(e - t)) ?
			    (char *)memchr(t, '\t', (size_t)(e - t)) + 1 : NULL;
		if (t != NULL) {
			const char *z = memchr(t, '\t', (size_t)(e - t));

			buf_add(&b, t, (size_t)((z ? z : e) - t));
		}
		buf_addc(&b, '|');
		p = e + 1;
	}
	return buf_detach(&b, NULL);
}

Test(violq, plates_newest_first_then_a_total_row)
{
	static const char *const plates[] = { "湘M12345", " 湘m12345",
		"湘A00000", NULL };
	char *out, *c;

	O = (struct violq_opts){ .data = PUT("v.tsv", data),
				 .asof = 0 };
	date_parse("2026-11-29", 10, &O.asof);
	PLATES = plates;
	TEXT = 0;
	free(look(tpath("o.tsv")));
	out = slurp(tpath("o.tsv"), NULL);
	/* Asked twice: answered once; the bad fine is a reject of its
	 * plate, said on the total row. */
	c = column(out, 0);
	cr_assert_str_eq(c, "row|violation|violation|violation|total|total|");
	free(c);
	c = column(out, 3);
	cr_assert_str_eq(c, "time|2026-09-01 10:00:00|2026-03-14 08:12:00|"
			 "2026-01-02 07:00:00|||");
	free(c);
	/* description, code_known: 9999 is not in the table. */
	c = column(out, 15);
	cr_assert_str_eq(c, "code_known|1|1|0|||");
	free(c);
	/* next_step of the total: what is left to do. */
	c = column(out, 16);
	cr_assert_str_eq(c, "next_step|已缴款：已办结，无需处理|"
			 "已逾期：请尽快通过交管12123或代收银行缴纳罚款及"
			 "加处罚款|未处理：请携驾驶证、行驶证到违法地公安交管"
			 "部门（或通过交管12123）接受处理|未处理 1 条，待缴款 "
			 "1 条；另有 1 条记录有误未显示|无违法记录|");
	free(c);
	/* late fee: decided 2026-10-01, due 10-16, 44 days late on 11-29:
	 * capped at the fine. */
	c = column(out, 19);
	cr_assert_str_eq(c, "late_fee|0.00|200.00|0.00|200.00|0.00|");
	free(c);
	c = column(out, 21);	/* violations */
	cr_assert_str_eq(c, "violations||||3|0|");
	free(c);
	free(out);
}

Test(violq, index_answers_as_the_scan_does)
{
	static const char *const plates[] = { "湘A11111", "湘M12345", NULL };
	char *scan, *ix;

	O = (struct violq_opts){ .data = PUT("v.tsv", data) };
	date_parse("2026-11-29", 10, &O.asof);
	PLATES = plates;
	TEXT = 0;
	free(look(tpath("scan.tsv")));
	RUN_CHILD(scan, 0, "", "", {
		struct cli c;

		memset(&c, 0, sizeof c);
		c.prog = "t";
		violq_index_build(&c, O.data, NULL, 0);
		exit(0);
	});
	free(scan);
	free(look(tpath("ix.tsv")));
	scan = slurp(tpath("scan.tsv"), NULL);
	ix = slurp(tpath("ix.tsv"), NULL);
	cr_assert_str_eq(ix, scan);
	cr_assert(strstr(ix, "湘A11111") != NULL);
	free(scan);
	free(ix);
}

Test(violq, text_to_read_out_masks_the_driver)
{
	static const char *const plates[] = { "湘M12345", NULL };
	char *out;

	O = (struct violq_opts){ .data = PUT("v.tsv", data) };
	date_parse("2026-11-29", 10, &O.asof);
	PLATES = plates;
	TEXT = 1;
	out = look(NULL);
	cr_assert(strncmp(out, "【湘M12345】小型汽车，违法记录 3 条（未处理 1 "
		  "条，待缴款 1 条），罚款合计 350.00 元，记分合计 7 分。\n",
		  strlen("【湘M12345】")) == 0, "%s", out);
	cr_assert(strstr(out, "第 2 条：2026年3月14日 08:12，冷水滩区河西路\n")
		  != NULL, "%s", out);
	cr_assert(strstr(out, "已逾期 44 天，加处罚款 200.00 元，应缴合计 "
			 "400.00 元") != NULL, "%s", out);
	cr_assert_null(strstr(out, "431103199001011234"), "%s", out);
	cr_assert(strstr(out, "注意：另有 1 条记录有误") != NULL, "%s", out);
	free(out);
}

/* ---- violrec ---- */

Test(violq, rec_points_of_a_cycle_and_carried_over)
{
	struct viol_licence lic = { 0, "张三" };
	struct viol_pts p;
	struct viol_rec v = { VIOL_PAID, 20000, 6, 0, 0, 0 };
	int32_t asof;

	date_parse("2020-06-10", 10, &lic.first);
	date_parse("2026-11-29", 10, &asof);
	viol_pts_cycle(&p, &lic, asof);
	cr_assert_eq(p.cycle_from_licence, 1);
	cr_assert_eq(p.start, asof - 172);	/* 2026-06-10 */
	date_parse("2026-07-01", 10, &v.decided);
	v.paid = v.decided + 3;
	viol_pts_add(&p, &v, asof);
	/* Decided before the cycle, paid after it began: carried. */
	date_parse("2026-05-01", 10, &v.decided);
	date_parse("2026-06-20", 10, &v.paid);
	v.points = 3;
	viol_pts_add(&p, &v, asof);
	/* Paid before the cycle: not carried; open: never counted. */
	date_parse("2026-06-01", 10, &v.paid);
	viol_pts_add(&p, &v, asof);
	v.st = VIOL_OPEN;
	viol_pts_add(&p, &v, asof);
	cr_assert_eq(p.points, 6);
	cr_assert_eq(p.carried, 3);
	cr_assert_eq(viol_pts_left(&p), 3);
	viol_pts_cycle(&p, NULL, asof);
	cr_assert_eq(p.cycle_from_licence, 0);
	cr_assert_eq(p.points + p.carried, 0);
}

Test(violq, rec_a_bad_field_is_a_reject_with_the_reason)
{
	const char *p = PUT("r.tsv", HDR
		"湘M1\t02\t2026-01-01 00:00:00\tp\td\t1625\t已缴款\t200\t6\t\tD"
		"\t2026-01-02\t\n"
		"湘M1\t02\t2026-01-01 00:00:00\tp\td\t1625\t已处理\t200\t13\t"
		"\tD\t2026-01-02\t\n");
	const char *files[] = { p, NULL };
	static const enum viol_field all[] = { VF_STATUS, VF_FINE, VF_POINTS,
		VF_TIME, VF_DECIDED, VF_PAID };
	char want[512], *out;

	snprintf(want, sizeof want, "t: %s:2: field 'paid_at': empty, but "
		 "the status is 已缴款\nt: %s:3: field 'points': expected a "
		 "whole number from 0 to 12, not '13'\n", p, p);
	RUN_CHILD(out, 0, "", want, {
		struct rec_reader_opts o = { 0 };
		struct rec_reader *in = rec_reader_open(files, &o);
		struct viol_cols c;
		struct viol_rec v;
		struct buf q = BUF_INIT;
		const struct rec *r;

		viol_cols_need(in, &c, all, 6);
		while ((r = rec_reader_next(in)) != NULL)
			if (viol_rec_read(in, r, &c, &v, &q) == 0)
				exit(3);
		buf_release(&q);
		exit(0);
	});
	free(out);
}

/* The plain lane of stats: what it takes, it reads as num_dec() and
 * num_ll() do; the rest it leaves to viol_rec_read(). */
Test(violq, rec_plain_amounts_agree_with_the_full_parse)
{
	static const struct {
		const char *fine, *pts;
		int plain;
		long long fen;
		int points;
	} c[] = {
		{ "200", "6", 1, 20000, 6 },
		{ "0", "0", 1, 0, 0 },
		{ "12.5", "12", 1, 1250, 12 },
		{ "12.05", "10", 1, 1205, 10 },
		{ "007", "3", 1, 700, 3 },
		{ "5", "2", 1, 500, 2 },
		{ "50", "2", 1, 5000, 2 },
		{ "1500", "9", 1, 150000, 9 },
		{ "9999", "11", 1, 999900, 11 },
		{ "0050", "1", 1, 5000, 1 },
		{ "1.5", "1", 1, 150, 1 },
		{ "12345", "1", 1, 1234500, 1 },
		{ "1x", "1", 0, 0, 0 },
		{ "12a4", "1", 0, 0, 0 },
		{ "x", "1", 0, 0, 0 },
		{ "999999999999", "1", 1, 99999999999900, 1 },
		{ "1000000000000", "1", 0, 0, 0 },	/* 13 digits */
		{ "12.", "1", 0, 0, 0 },
		{ ".5", "1", 0, 0, 0 },
		{ "1.234", "1", 0, 0, 0 },
		{ "1.2x", "1", 0, 0, 0 },
		{ "-1", "1", 0, 0, 0 },
		{ "+1", "1", 0, 0, 0 },
		{ "", "1", 0, 0, 0 },
		{ "1 ", "1", 0, 0, 0 },
		{ "100", "13", 0, 0, 0 },
		{ "100", "03", 0, 0, 0 },
		{ "100", "-1", 0, 0, 0 },
		{ "100", "", 0, 0, 0 },
		{ "100", "x", 0, 0, 0 },
	};
	long long fen, ll;
	size_t i;
	int pts;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct rec_str f = { c[i].fine, strlen(c[i].fine) };
		struct rec_str p = { c[i].pts, strlen(c[i].pts) };
		int got = viol_plain_amounts(f, p, &fen, &pts);

		cr_expect_eq(got, c[i].plain, "'%s' '%s': %d", c[i].fine,
			     c[i].pts, got);
		if (!got || !c[i].plain)
			continue;
		cr_expect_eq(fen, c[i].fen, "'%s': %lld", c[i].fine, fen);
		cr_expect_eq(pts, c[i].points, "'%s': %d", c[i].pts, pts);
		cr_assert_eq(num_dec(f.p, f.len, 2, &ll), 0);
		cr_expect_eq(fen, ll, "'%s': %lld, num_dec %lld", c[i].fine,
			     fen, ll);
		cr_assert_eq(num_ll(p.p, p.len, &ll), 0);
		cr_expect_eq(pts, ll);
	}
}
