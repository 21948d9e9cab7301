/* Unit tests for lib/domain/viol.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/cfg.h"
#include "base/date.h"
#include "domain/viol.h"

static int32_t
day(const char *s)
{
	int32_t d;

	cr_assert_eq(date_parse(s, strlen(s), &d), 0, "%s", s);
	return d;
}

static struct viol_codes *
parse(const char *yaml, struct buf *errs)
{
	return viol_codes_parse("t.yaml", yaml, strlen(yaml), errs);
}

/* The errors of a table that must not load. */
static void
bad(const char *yaml, const char *want)
{
	struct buf e = BUF_INIT;

	cr_assert_null(parse(yaml, &e), "loaded: %s", yaml);
	cr_assert_str_eq(e.p, want);
	buf_release(&e);
}

Test(viol_codes, default_table_loads)
{
	struct viol_codes *t = viol_codes_load(NULL);
	const struct viol_code *c;

	cr_assert_geq(viol_codes_count(t), 16);
	c = viol_code_find(t, "1625", 4);
	cr_assert_not_null(c);
	cr_assert_eq(c->points, 6);
	cr_assert_eq(c->fine_min, 2000);
	cr_assert_eq(c->fine_max, 20000);
	cr_assert_str_eq(c->desc, "驾驶机动车不按交通信号灯指示通行");
	c = viol_code_find(t, "1039", 4);
	cr_assert_not_null(c);
	cr_assert_eq(c->points, 0);
	cr_assert_null(viol_code_find(t, "9999", 4));
	cr_assert_null(viol_code_find(t, "162", 3));
	viol_codes_free(t);
}

Test(viol_codes, one_amount_and_decimals)
{
	struct buf e = BUF_INIT;
	struct viol_codes *t = parse("codes:\n  1234:\n    desc: x\n"
				     "    points: 3\n    fine: 50.5\n"
				     "    basis: art. 90\n", &e);
	const struct viol_code *c;

	cr_assert_not_null(t, "%s", e.p);
	c = viol_code_find(t, "1234", 4);
	cr_assert_eq(c->fine_min, 5050);
	cr_assert_eq(c->fine_max, 5050);
	cr_assert_str_eq(c->basis, "art. 90");
	cr_assert_eq(c->line, 2);
	viol_codes_free(t);
	buf_release(&e);
}

Test(viol_codes, every_error_in_one_run)
{
	bad("codes:\n"
	    "  12:\n    desc: x\n    points: 3\n    fine: 5\n"
	    "  1001:\n    desc: x\n    points: 2\n    fine: 5\n"
	    "  1002:\n    points: 3\n    fine: [9, 5]\n"
	    "  1003:\n    desc: x\n    points: 3\n    fine: 5.001\n"
	    "  1004:\n    desc: x\n    points: 3\n    fin: 5\n"
	    "  1005: 7\n",
	    "t.yaml:2:3: code '12': expected 4 to 6 digits\n"
	    "t.yaml:8:13: key 'points': expected 0, 1, 3, 6, 9 or 12 (MPS "
	    "Order 163)\n"
	    "t.yaml:11:5: missing key 'desc': expected the violation's "
	    "description\n"
	    "t.yaml:12:11: key 'fine': min is above max\n"
	    "t.yaml:16:11: key 'fine': expected an amount in yuan from 0 to "
	    "1000000 with at most 2 decimals, or [min, max]\n"
	    "t.yaml:18:5: missing key 'fine': expected an amount in yuan or "
	    "[min, max]\n"
	    "t.yaml:20:5: unknown key 'fin' (known keys: desc, points, fine, "
	    "basis)\n"
	    "t.yaml:21:9: code '1005': expected a map with keys desc, points, "
	    "fine\n");
}

/* A load error that does not stop the loading (a duplicate key) is
 * listed with the table's own. */
Test(viol_codes, load_and_table_errors_together)
{
	bad("codes:\n"
	    "  1625: {desc: a, points: 6, fine: 1}\n"
	    "  1625: {desc: b, points: 6, fine: 1}\n"
	    "  1039: {desc: c, points: 2, fine: 1}\n",
	    "t.yaml:3:3: duplicate key '1625' (first on line 2)\n"
	    "t.yaml:4:27: key 'points': expected 0, 1, 3, 6, 9 or 12 (MPS "
	    "Order 163)\n");
}

Test(viol_codes, top_level)
{
	bad("- 1\n", "t.yaml:1:1: expected a map with key 'codes'\n");
	bad("cods: {}\n", "t.yaml:1:1: unknown key 'cods' (known keys: codes)\n"
	    "t.yaml:1:1: missing key 'codes': expected a map from code to "
	    "desc, points, fine\n");
	bad("codes: [1]\n", "t.yaml:1:8: key 'codes': expected a map from "
	    "code to desc, points, fine\n");
	bad("codes: {1625: {desc: a, points: 6, fine: 1}, "
	    "1625: {desc: b, points: 6, fine: 1}}\n",
	    "t.yaml:1:46: duplicate key '1625' (first on line 1)\n");
	bad("codes: [\n", "t.yaml:2:1: did not find expected node content "
	    "(while parsing a flow node)\n");
}

/* Keys and codes are quoted in messages: one error is one line. */
Test(viol_codes, quoted_in_messages)
{
	bad("codes: {\"16\\n25\": {desc: a, points: 6, fine: 1, "
	    "\"no\\tte\": 1}}\n",
	    "t.yaml:1:9: code '16\\n25': expected 4 to 6 digits\n"
	    "t.yaml:1:49: unknown key 'no\\tte' (known keys: desc, points, "
	    "fine, basis)\n");
}

Test(viol_codes, error_limit)
{
	struct buf y = BUF_INIT, e = BUF_INIT;
	int i, lines = 0;

	buf_adds(&y, "codes:\n");
	for (i = 0; i < 30; i++)
		buf_printf(&y, "  %d: {desc: x, points: 5, fine: 1}\n", 1000 + i);
	cr_assert_null(viol_codes_parse("t.yaml", y.p, y.len, &e));
	for (size_t k = 0; k < e.len; k++)
		lines += e.p[k] == '\n';
	cr_assert_eq(lines, CFG_MAX_ERRORS + 1);
	cr_assert(strstr(e.p, "t.yaml: and 10 more errors\n") != NULL,
		  "%s", e.p);
	buf_release(&y);
	buf_release(&e);
}

Test(viol_status, names)
{
	cr_assert_eq(viol_status_parse("未处理", strlen("未处理")), VIOL_OPEN);
	cr_assert_eq(viol_status_parse("已处理", strlen("已处理")), VIOL_DECIDED);
	cr_assert_eq(viol_status_parse("已缴款", strlen("已缴款")), VIOL_PAID);
	cr_assert_eq(viol_status_parse("已缴", strlen("已缴")), VIOL_BAD);
	cr_assert_eq(viol_status_parse("", 0), VIOL_BAD);
	cr_assert_str_eq(viol_status_name(VIOL_PAID), "已缴款");
}

/* DOMAIN file: a 200 yuan fine is 6 yuan a day, capped on late day 34. */
Test(viol_late, domain_vector)
{
	int32_t d = day("2026-03-01");

	cr_assert_eq(viol_late_days(d, d + 15), 0);
	cr_assert_eq(viol_late_days(d, d + 16), 1);
	cr_assert_eq(viol_late_days(d, d - 5), 0);
	cr_assert_eq(viol_late_fee(20000, 0), 0);
	cr_assert_eq(viol_late_fee(20000, 1), 600);
	cr_assert_eq(viol_late_fee(20000, 33), 19800);
	cr_assert_eq(viol_late_fee(20000, 34), 20000);
	cr_assert_eq(viol_late_fee(20000, 100000), 20000);
	/* Rounded down to the fen: 3% of 0.50 yuan is 1.5 fen. */
	cr_assert_eq(viol_late_fee(50, 1), 1);
	cr_assert_eq(viol_late_fee(0, 10), 0);
	cr_assert_eq(viol_late_fee(9000000000000000000LL, 5),
		     9000000000000000000LL);
}

Test(viol_cycle, anniversaries)
{
	int32_t s, e;

	cr_assert_eq(viol_cycle(day("2015-06-10"), day("2026-11-29"), &s, &e), 0);
	cr_assert_eq(s, day("2026-06-10"));
	cr_assert_eq(e, day("2027-06-10"));
	cr_assert_eq(viol_cycle(day("2015-12-10"), day("2026-11-29"), &s, &e), 0);
	cr_assert_eq(s, day("2025-12-10"));
	cr_assert_eq(e, day("2026-12-10"));
	/* The anniversary itself starts the new cycle. */
	cr_assert_eq(viol_cycle(day("2015-11-29"), day("2026-11-29"), &s, &e), 0);
	cr_assert_eq(s, day("2026-11-29"));
	/* First issued on 29 February: 28 February in common years. */
	cr_assert_eq(viol_cycle(day("2016-02-29"), day("2027-03-01"), &s, &e), 0);
	cr_assert_eq(s, day("2027-02-28"));
	cr_assert_eq(e, day("2028-02-29"));
	cr_assert_eq(viol_cycle(day("2016-02-29"), day("2016-02-29"), &s, &e), 0);
	cr_assert_eq(s, day("2016-02-29"));
	cr_assert_eq(viol_cycle(day("2026-12-01"), day("2026-11-29"), &s, &e), -1);
}

Test(viol_plate_type, names)
{
	cr_assert_str_eq(viol_plate_type_name("02", 2), "小型汽车");
	cr_assert_str_eq(viol_plate_type_name("52", 2), "小型新能源汽车");
	cr_assert_null(viol_plate_type_name("25", 2));
	cr_assert_null(viol_plate_type_name("2", 1));
}

/* The built-in table is compiled in as entries (scripts/embed-codes):
 * they are what parsing its YAML gives. */
Test(viol_codes, builtin_table_is_the_yaml)
{
	struct viol_codes *b = viol_codes_load(NULL), *y;
	struct buf e = BUF_INIT;
	const struct viol_code *p, *q;
	const char *yaml;
	size_t n, i;

	yaml = viol_codes_default_yaml(&n);
	y = viol_codes_parse("codes.yaml", yaml, n, &e);
	cr_assert_not_null(y, "%s", e.p);
	cr_assert_eq(viol_codes_count(b), viol_codes_count(y));
	for (i = 0; i < viol_codes_count(y); i++) {
		p = viol_code_at(b, i);
		q = viol_code_at(y, i);
		cr_assert_str_eq(p->code, q->code);
		cr_assert_str_eq(p->desc, q->desc);
		cr_assert_str_eq(p->basis, q->basis);
		cr_assert_eq(p->points, q->points, "%s", q->code);
		cr_assert_eq(p->fine_min, q->fine_min, "%s", q->code);
		cr_assert_eq(p->fine_max, q->fine_max, "%s", q->code);
		cr_assert_eq(p->line, q->line, "%s", q->code);
		cr_assert_eq(viol_code_find(b, q->code, strlen(q->code)), p);
	}
	viol_codes_free(b);
	viol_codes_free(y);
	buf_release(&e);
}
