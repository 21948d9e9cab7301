/* Unit tests for lib/domain/vehicle.c, on the DOMAIN file's schedules. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/date.h"
#include "domain/vehicle.h"

static int32_t
day(const char *s)
{
	int32_t d;

	cr_assert_eq(date_parse(s, strlen(s), &d), 0, "%s", s);
	return d;
}

static void
due_is(const struct insp_sched *s, const char *reg, const char *last,
       const char *want)
{
	int32_t due = insp_next_due(s, day(reg), last ? day(last) : DATE_NONE);
	char out[11];

	date_format(due, out);
	cr_assert_str_eq(out, want, "registered %s, last %s", reg,
			 last ? last : "never");
}

static const char *const private_use[] = { "非营运" };
static const char *const small_types[] = { "小型载客", "微型载客" };
static const struct insp_band private_bands[] = {
	{ 10, 24 }, { 15, 12 }, { 0, 6 }
};
static const char *const hire_uses[] = { "营运", "出租", "租赁" };
static const struct insp_band hire_bands[] = { { 5, 12 }, { 0, 6 } };
static const char *const moto_types[] = { "摩托车" };
static const struct insp_band moto_bands[] = { { 4, 24 }, { 0, 12 } };
static const struct insp_band other_bands[] = { { 0, 12 } };

static const struct insp_sched scheds[] = {
	{ "营运载客", { hire_uses, 3, NULL, 0, 0 }, hire_bands, 2 },
	{ "私家小型车", { private_use, 1, small_types, 2, 9 },
	  private_bands, 3 },
	{ "摩托车", { NULL, 0, moto_types, 1, 0 }, moto_bands, 2 },
	{ "其他", { NULL, 0, NULL, 0, 0 }, other_bands, 1 },
};

static const struct insp_sched *
find(const char *use, const char *type, int seats)
{
	return insp_find(scheds, 4, use, strlen(use), type, strlen(type),
			 seats);
}

Test(vehicle, schedules_match_in_order)
{
	cr_assert_str_eq(find("非营运", "小型载客", 5)->name, "私家小型车");
	cr_assert_str_eq(find("非营运", "小型载客", 9)->name, "私家小型车");
	/* Ten seats: not a small private car any more. */
	cr_assert_str_eq(find("非营运", "小型载客", 10)->name, "其他");
	cr_assert_str_eq(find("非营运", "小型载客", -1)->name, "其他");
	cr_assert_str_eq(find("出租", "小型载客", 5)->name, "营运载客");
	cr_assert_str_eq(find("非营运", "摩托车", 2)->name, "摩托车");
	cr_assert_str_eq(find("非营运", "货车", 3)->name, "其他");
}

Test(vehicle, private_car_every_two_years_then_yearly_then_half)
{
	const struct insp_sched *s = find("非营运", "小型载客", 5);

	due_is(s, "2020-06-15", NULL, "2022-06-15");
	due_is(s, "2020-06-15", "2022-03-14", "2022-06-15");
	/* Three months early or less: that inspection covers 2022-06-15. */
	due_is(s, "2020-06-15", "2022-03-15", "2024-06-15");
	due_is(s, "2020-06-15", "2022-05-20", "2024-06-15");
	/* Late: the next boundary. */
	due_is(s, "2020-06-15", "2022-07-01", "2024-06-15");
	due_is(s, "2020-06-15", "2022-06-15", "2024-06-15");
	due_is(s, "2020-06-15", "2028-07-01", "2030-06-15");
	due_is(s, "2010-06-15", "2020-03-01", "2020-06-15");
	due_is(s, "2010-06-15", "2020-06-15", "2021-06-15");
	due_is(s, "2010-06-15", "2024-06-15", "2025-06-15");
	due_is(s, "2010-06-15", "2025-06-15", "2025-12-15");
	due_is(s, "2010-06-15", "2025-12-15", "2026-06-15");
}

Test(vehicle, hire_car_yearly_then_every_six_months)
{
	const struct insp_sched *s = find("出租", "小型载客", 5);

	due_is(s, "2021-03-01", NULL, "2022-03-01");
	due_is(s, "2021-03-01", "2025-03-01", "2026-03-01");
	due_is(s, "2021-03-01", "2026-03-01", "2026-09-01");
}

Test(vehicle, month_ends_and_leap_days_do_not_drift)
{
	const struct insp_sched *s = find("出租", "小型载客", 5);
	const struct insp_sched *p = find("非营运", "小型载客", 5);

	/* 31 August + 6 months = end of February, then 31 August again. */
	due_is(s, "2015-08-31", "2020-08-31", "2021-02-28");
	due_is(s, "2015-08-31", "2021-02-28", "2021-08-31");
	/* 30 November + 3 months = 28 February: covers 2021-02-28. */
	due_is(s, "2015-08-31", "2020-11-30", "2021-08-31");
	due_is(s, "2019-08-31", "2024-08-31", "2025-02-28");
	due_is(s, "2018-08-31", "2023-08-31", "2024-02-29");
	/* Registered on a leap day: 28 February in common years. */
	due_is(p, "2024-02-29", NULL, "2026-02-28");
	due_is(p, "2024-02-29", "2026-02-28", "2028-02-29");
	due_is(s, "2024-02-29", NULL, "2025-02-28");
}

Test(vehicle, motorcycle)
{
	const struct insp_sched *s = find("非营运", "摩托车", 2);

	due_is(s, "2020-01-10", NULL, "2022-01-10");
	due_is(s, "2020-01-10", "2024-01-10", "2025-01-10");
}

Test(vehicle, no_band_or_bad_date_is_no_due_date)
{
	static const struct insp_sched none = { "x", { NULL, 0, NULL, 0, 0 },
						NULL, 0 };
	static const struct insp_band zero[] = { { 0, 0 } };
	static const struct insp_sched z = { "z", { NULL, 0, NULL, 0, 0 },
					     zero, 1 };

	cr_assert_eq(insp_next_due(&none, day("2020-01-01"), DATE_NONE),
		     DATE_NONE);
	cr_assert_eq(insp_next_due(&z, day("2020-01-01"), DATE_NONE),
		     DATE_NONE);
	cr_assert_eq(insp_next_due(&scheds[0], DATE_NONE, DATE_NONE),
		     DATE_NONE);
	/* A last inspection a century on: no boundary left. */
	cr_assert_eq(insp_next_due(&scheds[3], day("2020-01-01"),
				   day("2200-01-01")), DATE_NONE);
}

Test(vehicle, scrap_dates)
{
	static const char *const taxi[] = { "出租" };
	static const char *const small[] = { "小型载客" };
	static const struct scrap_rule rules[] = {
		{ "小型出租", { taxi, 1, small, 1, 0 }, 8 },
		{ "其他营运", { hire_uses, 3, NULL, 0, 0 }, 10 },
	};
	const struct scrap_rule *r;
	char out[11];

	r = scrap_find(rules, 2, "出租", strlen("出租"), "小型载客",
		       strlen("小型载客"), 5);
	cr_assert_str_eq(r->name, "小型出租");
	date_format(scrap_date(r, day("2018-02-28")), out);
	cr_assert_str_eq(out, "2026-02-28");
	r = scrap_find(rules, 2, "租赁", strlen("租赁"), "中型载客",
		       strlen("中型载客"), 19);
	cr_assert_str_eq(r->name, "其他营运");
	date_format(scrap_date(r, day("2016-02-29")), out);
	cr_assert_str_eq(out, "2026-02-28");
	/* A private car has no age limit. */
	cr_assert_null(scrap_find(rules, 2, "非营运", strlen("非营运"),
				  "小型载客", strlen("小型载客"), 5));
}
