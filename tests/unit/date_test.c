/* Unit tests for lib/base/date.c. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/date.h"

static int32_t
ymd(int y, int m, int d)
{
	int32_t day = DATE_NONE;

	cr_assert_eq(date_from_ymd(y, m, d, &day), 0, "%04d-%02d-%02d", y, m, d);
	return day;
}

static int
parse_s(const char *s, int32_t *day)
{
	return date_parse(s, strlen(s), day);
}

static int
dt_parse_s(const char *s, int64_t *secs)
{
	return datetime_parse(s, strlen(s), secs);
}

Test(date, known_day_numbers)
{
	cr_assert_eq(ymd(1970, 1, 1), 0);
	cr_assert_eq(ymd(1969, 12, 31), -1);
	cr_assert_eq(ymd(2000, 1, 1), 10957);
	cr_assert_eq(ymd(2000, 3, 1), 11017);
	cr_assert_eq(ymd(1880, 1, 1), -32872);
	cr_assert_eq(ymd(1, 1, 1), DATE_MIN);
	cr_assert_eq(ymd(9999, 12, 31), DATE_MAX);
	cr_assert_eq(ymd(2024, 2, 29), 19782);
}

Test(date, to_ymd_inverts_from_ymd)
{
	int y, m, d;

	date_to_ymd(-32872, &y, &m, &d);
	cr_assert(y == 1880 && m == 1 && d == 1);
	date_to_ymd(-1, &y, &m, &d);
	cr_assert(y == 1969 && m == 12 && d == 31);
	date_to_ymd(19782, &y, &m, &d);
	cr_assert(y == 2024 && m == 2 && d == 29);
	date_to_ymd(DATE_MIN, &y, &m, &d);
	cr_assert(y == 1 && m == 1 && d == 1);
	date_to_ymd(DATE_MAX, &y, &m, &d);
	cr_assert(y == 9999 && m == 12 && d == 31);
}

Test(date, leap_years)
{
	cr_assert_eq(date_is_leap(1900), 0);
	cr_assert_eq(date_is_leap(2000), 1);
	cr_assert_eq(date_is_leap(2024), 1);
	cr_assert_eq(date_is_leap(2023), 0);
	cr_assert_eq(date_is_leap(2100), 0);
	cr_assert_eq(date_is_leap(1600), 1);
	cr_assert_eq(date_is_leap(4), 1);
}

Test(date, days_in_month)
{
	cr_assert_eq(date_days_in_month(1900, 2), 28);
	cr_assert_eq(date_days_in_month(2000, 2), 29);
	cr_assert_eq(date_days_in_month(2023, 2), 28);
	cr_assert_eq(date_days_in_month(2024, 2), 29);
	cr_assert_eq(date_days_in_month(2024, 1), 31);
	cr_assert_eq(date_days_in_month(2024, 4), 30);
	cr_assert_eq(date_days_in_month(2024, 12), 31);
	cr_assert_eq(date_days_in_month(2024, 0), 0);
	cr_assert_eq(date_days_in_month(2024, 13), 0);
}

Test(date, from_ymd_rejects_impossible_days)
{
	int32_t day = 42;

	cr_assert_eq(date_from_ymd(2023, 2, 29, &day), -1);
	cr_assert_eq(date_from_ymd(1900, 2, 29, &day), -1);
	cr_assert_eq(date_from_ymd(2024, 2, 30, &day), -1);
	cr_assert_eq(date_from_ymd(2024, 4, 31, &day), -1);
	cr_assert_eq(date_from_ymd(2024, 13, 1, &day), -1);
	cr_assert_eq(date_from_ymd(2024, 0, 1, &day), -1);
	cr_assert_eq(date_from_ymd(2024, 1, 0, &day), -1);
	cr_assert_eq(date_from_ymd(0, 1, 1, &day), -1);
	cr_assert_eq(date_from_ymd(10000, 1, 1, &day), -1);
	cr_assert_eq(day, 42, "*day untouched on error");
	cr_assert_eq(date_from_ymd(2000, 2, 29, &day), 0);
	cr_assert_eq(day, 11016);
}

Test(date, parse_accepts_exact_shape)
{
	int32_t day;

	cr_assert_eq(parse_s("2024-02-29", &day), 0);
	cr_assert_eq(day, 19782);
	cr_assert_eq(parse_s("1880-01-01", &day), 0);
	cr_assert_eq(day, -32872);
	cr_assert_eq(parse_s("0001-01-01", &day), 0);
	cr_assert_eq(day, DATE_MIN);
	cr_assert_eq(parse_s("9999-12-31", &day), 0);
	cr_assert_eq(day, DATE_MAX);
	/* Only n bytes are read: the rest of the buffer is not looked at. */
	cr_assert_eq(date_parse("2000-01-01xyz", 10, &day), 0);
	cr_assert_eq(day, 10957);
}

Test(date, parse_rejects_bad_text)
{
	static const char *bad[] = {
		"2024-13-01", "2023-02-29", "2024-02-30", "2024-00-10",
		"2024-01-00", "2024-04-31", "1900-02-29", "0000-01-01",
		"2024-01-01x", "2024-01-01 ", " 2024-01-01", "2024-1-01",
		"2024-01-1", "24-01-01", "2024/01/01", "20240101",
		"2024-01-01T", "+024-01-01", "-024-01-01", "2024-0a-01",
		"2024-01- 1", "", "2024-01-01 00:00",
	};
	int32_t day = 7;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(parse_s(bad[i], &day), -1, "'%s'", bad[i]);
	cr_assert_eq(day, 7);
	/* An embedded NUL is not a digit. */
	cr_assert_eq(date_parse("2024-01\0001", 10, &day), -1);
}

Test(date, datetime_parse_shapes)
{
	int64_t s;
	int64_t base = (int64_t)19782 * 86400;	/* 2024-02-29 */

	cr_assert_eq(dt_parse_s("2024-02-29", &s), 0);
	cr_assert_eq(s, base);
	cr_assert_eq(dt_parse_s("2024-02-29 13:45", &s), 0);
	cr_assert_eq(s, base + 13 * 3600 + 45 * 60);
	cr_assert_eq(dt_parse_s("2024-02-29T13:45:07", &s), 0);
	cr_assert_eq(s, base + 13 * 3600 + 45 * 60 + 7);
	cr_assert_eq(dt_parse_s("2024-02-29 23:59:59", &s), 0);
	cr_assert_eq(s, base + 86399);
	cr_assert_eq(dt_parse_s("2024-02-29 00:00:00", &s), 0);
	cr_assert_eq(s, base);
	cr_assert_eq(dt_parse_s("1969-12-31 23:59:59", &s), 0);
	cr_assert_eq(s, -1);
	cr_assert_eq(dt_parse_s("1880-01-01 00:00:01", &s), 0);
	cr_assert_eq(s, (int64_t)-32872 * 86400 + 1);
}

Test(date, datetime_parse_rejects)
{
	static const char *bad[] = {
		"2024-02-29 24:00", "2024-02-29 24:00:00", "2024-02-29 23:60",
		"2024-02-29 23:59:60", "2024-02-29 12:00:00Z",
		"2024-02-29 12:00:00 ", "2024-02-29  12:00", "2024-02-29_12:00",
		"2024-02-29 1:00", "2024-02-29 12:0", "2024-02-29 12-00",
		"2024-02-29 12:00:0", "2024-02-29 12:00:", "2024-02-29 12",
		"2024-02-29 12:00.00", "2024-02-30 12:00", "2024-02-29 ",
		"2024-02-29T", "2024-02-29 -1:00", "2024-02-29 +1:00",
		"2023-02-29 00:00:00", "",
	};
	int64_t s = 5;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(dt_parse_s(bad[i], &s), -1, "'%s'", bad[i]);
	cr_assert_eq(s, 5);
}

Test(date, format)
{
	char out[11];
	char dt[20];

	date_format(0, out);
	cr_assert_str_eq(out, "1970-01-01");
	date_format(-32872, out);
	cr_assert_str_eq(out, "1880-01-01");
	date_format(19782, out);
	cr_assert_str_eq(out, "2024-02-29");
	date_format(DATE_MIN, out);
	cr_assert_str_eq(out, "0001-01-01");
	date_format(DATE_MAX, out);
	cr_assert_str_eq(out, "9999-12-31");
	date_format(DATE_NONE, out);
	cr_assert_str_eq(out, "0000-00-00");
	date_format(DATE_MAX + 1, out);
	cr_assert_str_eq(out, "0000-00-00");
	date_format(DATE_MIN - 1, out);
	cr_assert_str_eq(out, "0000-00-00");

	datetime_format(0, dt);
	cr_assert_str_eq(dt, "1970-01-01 00:00:00");
	datetime_format(-1, dt);
	cr_assert_str_eq(dt, "1969-12-31 23:59:59");
	datetime_format((int64_t)19782 * 86400 + 13 * 3600 + 45 * 60 + 7, dt);
	cr_assert_str_eq(dt, "2024-02-29 13:45:07");
	datetime_format((int64_t)-32872 * 86400 - 86400 + 3661, dt);
	cr_assert_str_eq(dt, "1879-12-31 01:01:01");
	datetime_format((int64_t)DATE_MAX * 86400 + 86399, dt);
	cr_assert_str_eq(dt, "9999-12-31 23:59:59");
	datetime_format((int64_t)DATE_MAX * 86400 + 86400, dt);
	cr_assert_str_eq(dt, "0000-00-00 00:00:00");
	datetime_format((int64_t)DATE_MIN * 86400 - 1, dt);
	cr_assert_str_eq(dt, "0000-00-00 00:00:00");
}

Test(date, round_trip_every_day)
{
	char out[11];
	int32_t back;
	int py = 0, pm = 12, pd = 31;

	/* Every day of years 1-9999: format then parse gives the day back,
	 * and the calendar advances by exactly one day each time. */
	for (int32_t day = DATE_MIN; day <= DATE_MAX; day++) {
		int y, m, d;

		date_format(day, out);
		if (date_parse(out, 10, &back) != 0 || back != day)
			cr_assert_fail("day %d -> '%s' -> %d", day, out, back);
		date_to_ymd(day, &y, &m, &d);
		if (d == pd + 1 ? (m != pm || y != py)
		    : (d != 1 || pd != date_days_in_month(py, pm) ||
		       (m == 1 ? (pm != 12 || y != py + 1)
			: (m != pm + 1 || y != py))))
			cr_assert_fail("day %d: %04d-%02d-%02d after "
				       "%04d-%02d-%02d", day, y, m, d,
				       py, pm, pd);
		py = y;
		pm = m;
		pd = d;
	}
	cr_assert(py == 9999 && pm == 12 && pd == 31);
}

Test(date, datetime_round_trip)
{
	char dt[20];
	int64_t back;

	for (int64_t s = (int64_t)DATE_MIN * 86400;
	     s < (int64_t)DATE_MAX * 86400; s += 86400 * 37 + 3607) {
		datetime_format(s, dt);
		cr_assert_eq(datetime_parse(dt, 19, &back), 0, "%s", dt);
		cr_assert_eq(back, s, "%s", dt);
	}
}

Test(date, add_months_clamps)
{
	char out[11];

	date_format(date_add_months(ymd(2024, 1, 31), 1), out);
	cr_assert_str_eq(out, "2024-02-29");
	date_format(date_add_months(ymd(2023, 1, 31), 1), out);
	cr_assert_str_eq(out, "2023-02-28");
	date_format(date_add_months(ymd(2024, 3, 31), -1), out);
	cr_assert_str_eq(out, "2024-02-29");
	date_format(date_add_months(ymd(2024, 5, 31), -1), out);
	cr_assert_str_eq(out, "2024-04-30");
	date_format(date_add_months(ymd(2024, 2, 29), 12), out);
	cr_assert_str_eq(out, "2025-02-28");
	date_format(date_add_months(ymd(2024, 2, 29), 48), out);
	cr_assert_str_eq(out, "2028-02-29");
	date_format(date_add_months(ymd(2024, 1, 15), -1), out);
	cr_assert_str_eq(out, "2023-12-15");
	date_format(date_add_months(ymd(2024, 1, 15), -13), out);
	cr_assert_str_eq(out, "2022-12-15");
	date_format(date_add_months(ymd(2024, 1, 15), -24), out);
	cr_assert_str_eq(out, "2022-01-15");
	date_format(date_add_months(ymd(2023, 12, 31), 2), out);
	cr_assert_str_eq(out, "2024-02-29");
	date_format(date_add_months(ymd(1969, 12, 31), 1), out);
	cr_assert_str_eq(out, "1970-01-31");
	date_format(date_add_months(ymd(2024, 8, 31), 0), out);
	cr_assert_str_eq(out, "2024-08-31");
	date_format(date_add_months(ymd(1880, 1, 1), 1200), out);
	cr_assert_str_eq(out, "1980-01-01");
}

Test(date, add_months_out_of_range)
{
	cr_assert_eq(date_add_months(ymd(9999, 12, 1), 1), DATE_NONE);
	cr_assert_eq(date_add_months(ymd(1, 1, 31), -1), DATE_NONE);
	cr_assert_eq(date_add_months(ymd(2024, 1, 1), INT32_MAX), DATE_NONE);
	cr_assert_eq(date_add_months(ymd(2024, 1, 1), INT32_MIN), DATE_NONE);
	cr_assert_eq(date_add_months(DATE_NONE, 1), DATE_NONE);
	cr_assert_eq(date_add_months(ymd(9999, 11, 30), 1), DATE_MAX - 1);
	cr_assert_eq(date_add_months(ymd(1, 2, 28), -1), ymd(1, 1, 28));
}

Test(date, years_between)
{
	cr_assert_eq(date_years_between(ymd(1990, 3, 7), ymd(2024, 3, 6)), 33);
	cr_assert_eq(date_years_between(ymd(1990, 3, 7), ymd(2024, 3, 7)), 34);
	cr_assert_eq(date_years_between(ymd(1990, 3, 7), ymd(1990, 3, 7)), 0);
	cr_assert_eq(date_years_between(ymd(1990, 3, 7), ymd(1991, 3, 6)), 0);
	cr_assert_eq(date_years_between(ymd(1880, 1, 1), ymd(2024, 1, 1)), 144);
	cr_assert_eq(date_years_between(ymd(1949, 12, 31), ymd(2024, 12, 30)),
		     74);
	cr_assert_eq(date_years_between(ymd(1949, 12, 31), ymd(2024, 12, 31)),
		     75);
}

Test(date, years_between_leap_day_birthday)
{
	int32_t b = ymd(2000, 2, 29);

	cr_assert_eq(date_years_between(b, ymd(2001, 2, 28)), 0);
	cr_assert_eq(date_years_between(b, ymd(2001, 3, 1)), 1);
	cr_assert_eq(date_years_between(b, ymd(2023, 2, 28)), 22);
	cr_assert_eq(date_years_between(b, ymd(2023, 3, 1)), 23);
	cr_assert_eq(date_years_between(b, ymd(2024, 2, 28)), 23);
	cr_assert_eq(date_years_between(b, ymd(2024, 2, 29)), 24);
	/* 2100 is not a leap year either. */
	cr_assert_eq(date_years_between(b, ymd(2100, 2, 28)), 99);
	cr_assert_eq(date_years_between(b, ymd(2100, 3, 1)), 100);
}

Test(date, years_between_reversed)
{
	cr_assert_eq(date_years_between(ymd(2024, 3, 7), ymd(1990, 3, 7)), -34);
	cr_assert_eq(date_years_between(ymd(2024, 3, 6), ymd(1990, 3, 7)), -33);
	cr_assert_eq(date_years_between(ymd(2000, 6, 1), ymd(2000, 5, 1)), 0);
}

Test(date, today_is_china_standard_time)
{
	time_t before = time(NULL);
	int32_t t = date_today();
	time_t after = time(NULL);
	int32_t lo = (int32_t)(((int64_t)before + 8 * 3600) / 86400);
	int32_t hi = (int32_t)(((int64_t)after + 8 * 3600) / 86400);

	cr_assert(t == lo || t == hi, "today %d, expected %d or %d", t, lo, hi);
	cr_assert_gt(t, ymd(2024, 1, 1));
}

Test(date, now_is_china_standard_time)
{
	time_t before = time(NULL);
	int64_t t = date_now();
	time_t after = time(NULL);

	cr_assert(t >= (int64_t)before + 8 * 3600 &&
		  t <= (int64_t)after + 8 * 3600);
}

Test(date, day_of_time_rounds_down)
{
	int64_t secs;

	cr_assert_eq(date_of_time(0), 0);
	cr_assert_eq(date_of_time(86399), 0);
	cr_assert_eq(date_of_time(86400), 1);
	cr_assert_eq(date_of_time(-1), -1);
	cr_assert_eq(date_of_time(-86400), -1);
	cr_assert_eq(date_of_time(-86401), -2);
	cr_assert_eq(dt_parse_s("2024-02-29 23:59:59", &secs), 0);
	cr_assert_eq(date_of_time(secs), ymd(2024, 2, 29));
	cr_assert_eq(dt_parse_s("0001-01-01 00:00:00", &secs), 0);
	cr_assert_eq(date_of_time(secs), DATE_MIN);
	cr_assert_eq(dt_parse_s("9999-12-31 23:59:59", &secs), 0);
	cr_assert_eq(date_of_time(secs), DATE_MAX);
}
