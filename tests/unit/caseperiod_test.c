/* Unit tests for lib/domain/caseperiod.c: the period of a time, agreeing
 * with casefold_time() on which texts are times. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/casefold.h"
#include "domain/caseperiod.h"

static int
ok(const char *s)
{
	return case_time_ok(s, strlen(s));
}

/* The period of s, as a string (or "-" when s is no time). */
static const char *
period(enum case_period_kind k, const char *s)
{
	static char got[16];
	struct case_period c;
	struct rec_str o;

	case_period_init(&c, k);
	if (case_period_of(&c, s, strlen(s), &o) < 0)
		return "-";
	memcpy(got, o.p, o.len);
	got[o.len] = '\0';
	return got;
}

Test(caseperiod, kinds)
{
	enum case_period_kind k = CASE_PERIOD_MONTH;

	cr_assert_eq(case_period_kind("year", &k), 0);
	cr_assert_eq(k, CASE_PERIOD_YEAR);
	cr_assert_eq(case_period_kind("quarter", &k), 0);
	cr_assert_eq(k, CASE_PERIOD_QUARTER);
	cr_assert_eq(case_period_kind("month", &k), 0);
	cr_assert_eq(k, CASE_PERIOD_MONTH);
	cr_assert_eq(case_period_kind("week", &k), -1);
	cr_assert_eq(case_period_kind("", &k), -1);
	cr_assert_eq(k, CASE_PERIOD_MONTH);
}

Test(caseperiod, periods_of_every_shape)
{
	cr_assert_str_eq(period(CASE_PERIOD_YEAR, "2026-11-28 16:20:00"),
			 "2026");
	cr_assert_str_eq(period(CASE_PERIOD_MONTH, "2026-11-28 16:20:00"),
			 "2026-11");
	cr_assert_str_eq(period(CASE_PERIOD_QUARTER, "2026-01-01 00:00:00"),
			 "2026-Q1");
	cr_assert_str_eq(period(CASE_PERIOD_QUARTER, "2026-03-31 23:59:59"),
			 "2026-Q1");
	cr_assert_str_eq(period(CASE_PERIOD_QUARTER, "2026-04-01 00:00:00"),
			 "2026-Q2");
	cr_assert_str_eq(period(CASE_PERIOD_QUARTER, "2026-09-30 12:00:00"),
			 "2026-Q3");
	cr_assert_str_eq(period(CASE_PERIOD_QUARTER, "2026-12-31 12:00:00"),
			 "2026-Q4");
	/* The other shapes casefold_time() takes. */
	cr_assert_str_eq(period(CASE_PERIOD_QUARTER, "2025-03-01"), "2025-Q1");
	cr_assert_str_eq(period(CASE_PERIOD_MONTH, "2025-03-01 08:30"),
			 "2025-03");
	cr_assert_str_eq(period(CASE_PERIOD_YEAR, "2024-02-29T08:30:00"),
			 "2024");
	cr_assert_str_eq(period(CASE_PERIOD_YEAR, "2025-02-29 08:30:00"), "-");
	cr_assert_str_eq(period(CASE_PERIOD_YEAR, ""), "-");
	cr_assert_str_eq(period(CASE_PERIOD_YEAR, "2025"), "-");
}

Test(caseperiod, times_checked_whole)
{
	cr_assert(ok("2024-02-29 00:00:00"));
	cr_assert(ok("2000-02-29 23:59:59"));
	cr_assert(ok("0001-01-01 00:00:00"));
	cr_assert(ok("9999-12-31 23:59:59"));
	cr_assert_not(ok("1900-02-29 10:00:00"));
	cr_assert_not(ok("2023-02-29 10:00:00"));
	cr_assert_not(ok("0000-01-01 00:00:00"));
	cr_assert_not(ok("2026-13-01 00:00:00"));
	cr_assert_not(ok("2026-00-01 00:00:00"));
	cr_assert_not(ok("2026-04-31 00:00:00"));
	cr_assert_not(ok("2026-04-00 00:00:00"));
	cr_assert_not(ok("2026-04-01 24:00:00"));
	cr_assert_not(ok("2026-04-01 23:60:00"));
	cr_assert_not(ok("2026-04-01 23:59:60"));
	cr_assert_not(ok("2026/04/01 10:00:00"));
	cr_assert_not(ok("2026-04-01 10:00:0x"));
	cr_assert_not(ok("2026-04-01 10:00:00 "));
	cr_assert_not(ok("2026-4-01 10:00:00"));
	cr_assert_not(ok("2026-04-01\t10:00:00"));
	cr_assert_not(ok("２０２６-04-01 10:00:00"));
}

/* Random texts near the usual shape: the word checks agree with
 * casefold_time() on every one. */
Test(caseperiod, agrees_with_casefold_time)
{
	static const char alpha[] = "0123456789:- T/\x80\xff\x7f\x2c\x39\x30";
	static const char *const seeds[] = {
		"2024-02-29 10:59:59", "2023-12-31 23:59:59",
		"2026-06-30 00:00:00", "1999-09-09 09:09:09",
	};
	unsigned seed = 20261202;
	char s[20];
	int64_t t;
	size_t i, j, n;

	for (i = 0; i < 400000; i++) {
		memcpy(s, seeds[i % 4], 20);
		n = 1 + (size_t)rand_r(&seed) % 3;
		for (j = 0; j < n; j++)
			s[rand_r(&seed) % 19] = rand_r(&seed) % 2 ?
			    (char)('0' + rand_r(&seed) % 10) :
			    alpha[(size_t)rand_r(&seed) % (sizeof alpha - 1)];
		cr_assert_eq(case_time_ok(s, 19),
			     casefold_time(s, 19, &t) == 0, "'%s'", s);
	}
}

Test(caseperiod, year_before)
{
	char o[CASE_PERIOD_MAX];

	cr_assert_eq(case_period_year_before("2026", 4, o), 4);
	cr_assert_eq(memcmp(o, "2025", 4), 0);
	cr_assert_eq(case_period_year_before("2000-Q1", 7, o), 7);
	cr_assert_eq(memcmp(o, "1999-Q1", 7), 0);
	cr_assert_eq(case_period_year_before("0010-12", 7, o), 7);
	cr_assert_eq(memcmp(o, "0009-12", 7), 0);
	cr_assert_eq(case_period_year_before("0002", 4, o), 4);
	cr_assert_eq(memcmp(o, "0001", 4), 0);
	cr_assert_eq(case_period_year_before("0001", 4, o), 0);
	cr_assert_eq(case_period_year_before("20x6", 4, o), 0);
	cr_assert_eq(case_period_year_before("202", 3, o), 0);
	cr_assert_eq(case_period_year_before("2026-11-2", 9, o), 0);
}

/* The period as the code before the words found it: the time's first 4
 * or 7 bytes, a quarter worked out from the month's digits; NULs after. */
static void
old_period(enum case_period_kind k, const char *p, char out[8])
{
	int mo = (p[5] - '0') * 10 + (p[6] - '0');

	memset(out, 0, 8);
	memcpy(out, p, k == CASE_PERIOD_YEAR ? 4 : k == CASE_PERIOD_MONTH ? 7 :
	       5);
	if (k == CASE_PERIOD_QUARTER) {
		out[5] = 'Q';
		out[6] = (char)('1' + (mo - 1) / 3);
	}
}

/* The word check takes every real time of the usual shape but 29
 * February (left to casefold_time()), and gives its month's index. */
Test(caseperiod, usual_shape_takes_every_real_time)
{
	static const char *const years[] = {
		"0000", "0001", "0004", "1900", "2000", "2023", "2024",
		"2100", "9999"
	};
	static const char *const hms[] = {
		"00:00:00", "23:59:59", "12:34:56", "24:00:00", "19:60:00",
		"09:00:60", "20:05:09", "23:00:00"
	};
	char s[32];
	int64_t t;
	unsigned ix;
	size_t y, h;
	int mo, d, want, got, n = 0;

	for (y = 0; y < sizeof years / sizeof *years; y++)
		for (mo = 0; mo <= 19; mo++)
			for (d = 0; d <= 39; d++)
				for (h = 0; h < sizeof hms / sizeof *hms; h++) {
					snprintf(s, sizeof s, "%s-%02d-%02d %s",
						 years[y], mo, d, hms[h]);
					want = casefold_time(s, 19, &t) == 0 &&
					       !(mo == 2 && d == 29);
					ix = 99;
					got = case_time_usual_(s, &ix);
					cr_assert_eq(got, want, "'%s'", s);
					if (got)
						cr_assert_eq(ix, (unsigned)
							     (mo / 10 << 4 |
							      mo % 10), "'%s'",
							     s);
					n += got;
				}
	/* every real day of the 8 real years, 5 real times each, but the
	 * two leap days of 0004, 2000 and 2024 */
	cr_assert_eq(n, 8 * 365 * 5);
}

/* A period's word: the period's bytes, NULs after, for exactly the texts
 * casefold_time() takes; ordered as their bytes. */
Test(caseperiod, words_agree_with_the_periods_of_text)
{
	static const char alpha[] = "0123456789:- T/\x80\xff\x7f\x2c\x39\x30";
	static const char *const seeds[] = {
		"2024-02-29 10:59:59", "2023-12-31 23:59:59",
		"2026-06-30 00:00:00", "1999-09-09 09:09:09",
		"2025-03-01", "2025-10-01 08:30", "2024-07-31T23:59:59",
	};
	static const enum case_period_kind kinds[] = {
		CASE_PERIOD_YEAR, CASE_PERIOD_QUARTER, CASE_PERIOD_MONTH
	};
	unsigned seed = 20261202;
	char s[20], prev[3][8], want[8];
	struct case_period c[3];
	uint64_t w, wprev[3] = { 0, 0, 0 };
	int64_t t;
	size_t i, j, k, n, nok = 0;
	int ok, cmp;

	memset(prev, 0, sizeof prev);
	for (k = 0; k < 3; k++)
		case_period_init(&c[k], kinds[k]);
	for (i = 0; i < 300000; i++) {
		j = i % (sizeof seeds / sizeof *seeds);
		memset(s, 0, sizeof s);
		n = strlen(seeds[j]);
		memcpy(s, seeds[j], n);
		for (j = (size_t)rand_r(&seed) % 3; j > 0; j--)
			s[rand_r(&seed) % n] = rand_r(&seed) % 2 ?
			    (char)('0' + rand_r(&seed) % 10) :
			    alpha[(size_t)rand_r(&seed) % (sizeof alpha - 1)];
		ok = casefold_time(s, n, &t) == 0;
		nok += ok;
		for (k = 0; k < 3; k++) {
			w = 12345;
			cr_assert_eq(case_period_word(&c[k], s, n, &w),
				     ok ? 0 : -1, "'%s'", s);
			if (!ok) {
				cr_assert_eq(w, 12345);
				continue;
			}
			old_period(kinds[k], s, want);
			cr_assert_eq(memcmp(&w, want, 8), 0, "'%s'", s);
			/* the order of two periods: their bytes' */
			cmp = memcmp(prev[k], want, 8);
			cr_assert_eq(case_period_order(wprev[k]) <
				     case_period_order(w), cmp < 0, "'%s'", s);
			cr_assert_eq(wprev[k] == w, cmp == 0, "'%s'", s);
			wprev[k] = w;
			memcpy(prev[k], want, 8);
		}
	}
	cr_assert_gt(nok, 30000);
}
