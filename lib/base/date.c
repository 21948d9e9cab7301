/* date: calendar dates and times without time zones.  See date.h. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/num.h"

#define SECS_PER_DAY 86400
#define CST_OFFSET (8 * 3600)	/* China Standard Time is UTC+8 all year */

/*
 * Howard Hinnant's days_from_civil and civil_from_days
 * (http://howardhinnant.github.io/date_algorithms.html): eras of 400
 * years, each starting on 1 March so the leap day ends the year.
 */
static int32_t
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)era * 146097 + doe - 719468;
}

static void
civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int64_t zz = (int64_t)z + 719468;
	int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
	int doe = (int)(zz - era * 146097);
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

int
date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
date_days_in_month(int y, int m)
{
	static const int dim[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && date_is_leap(y) ? 29 : dim[m - 1];
}

int
date_from_ymd(int y, int m, int d, int32_t *day)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > date_days_in_month(y, m))
		return -1;
	*day = days_from_civil(y, m, d);
	return 0;
}

void
date_to_ymd(int32_t day, int *y, int *m, int *d)
{
	civil_from_days(day, y, m, d);
}

/* Value of the n ASCII digits at p, or -1 if any is not a digit. */
static int
digits(const char *p, int n)
{
	long long v;

	if (!num_is_digits(p, (size_t)n) || num_ll(p, (size_t)n, &v) < 0)
		return -1;
	return (int)v;
}

int
date_parse(const char *p, size_t n, int32_t *day)
{
	int y, m, d;

	if (n != 10 || p[4] != '-' || p[7] != '-')
		return -1;
	y = digits(p, 4);
	m = digits(p + 5, 2);
	d = digits(p + 8, 2);
	if (y < 0 || m < 0 || d < 0)
		return -1;
	return date_from_ymd(y, m, d, day);
}

int
datetime_parse(const char *p, size_t n, int64_t *secs)
{
	int32_t day;
	int h, mi, s = 0;

	if (n < 10 || date_parse(p, 10, &day) == -1)
		return -1;
	if (n == 10) {
		*secs = (int64_t)day * SECS_PER_DAY;
		return 0;
	}
	if ((n != 16 && n != 19) || (p[10] != ' ' && p[10] != 'T') ||
	    p[13] != ':')
		return -1;
	h = digits(p + 11, 2);
	mi = digits(p + 14, 2);
	if (n == 19) {
		if (p[16] != ':')
			return -1;
		s = digits(p + 17, 2);
	}
	/* No 24:00 and no leap second 23:59:60: the calendar is naive. */
	if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
		return -1;
	*secs = (int64_t)day * SECS_PER_DAY + h * 3600 + mi * 60 + s;
	return 0;
}

/* Write v as n zero-padded digits at p. */
static void
put_digits(char *p, int n, int v)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
date_format(int32_t day, char out[11])
{
	int y, m, d;

	if (day < DATE_MIN || day > DATE_MAX) {
		memcpy(out, "0000-00-00", 11);
		return;
	}
	civil_from_days(day, &y, &m, &d);
	put_digits(out, 4, y);
	out[4] = '-';
	put_digits(out + 5, 2, m);
	out[7] = '-';
	put_digits(out + 8, 2, d);
	out[10] = '\0';
}

void
datetime_format(int64_t secs, char out[20])
{
	int64_t day = secs / SECS_PER_DAY;
	int64_t sod = secs % SECS_PER_DAY;

	if (sod < 0) {
		sod += SECS_PER_DAY;
		day--;
	}
	if (day < DATE_MIN || day > DATE_MAX) {
		memcpy(out, "0000-00-00 00:00:00", 20);
		return;
	}
	date_format((int32_t)day, out);
	out[10] = ' ';
	put_digits(out + 11, 2, (int)(sod / 3600));
	out[13] = ':';
	put_digits(out + 14, 2, (int)(sod / 60 % 60));
	out[16] = ':';
	put_digits(out + 17, 2, (int)(sod % 60));
	out[19] = '\0';
}

int32_t
date_add_months(int32_t day, int n)
{
	int y, m, d, dim;
	int64_t t;
	int32_t r;

	if (day < DATE_MIN || day > DATE_MAX)
		return DATE_NONE;
	civil_from_days(day, &y, &m, &d);
	/* Months since year 0, floored for the division below. */
	t = (int64_t)y * 12 + (m - 1) + n;
	if (t < 12 || t >= (int64_t)10000 * 12)
		return DATE_NONE;
	y = (int)(t / 12);
	m = (int)(t % 12) + 1;
	dim = date_days_in_month(y, m);
	if (d > dim)
		d = dim;
	if (date_from_ymd(y, m, d, &r) < 0)
		return DATE_NONE;	/* not reached: y, m, d are checked */
	return r;
}

int
date_years_between(int32_t birth, int32_t on)
{
	int by, bm, bd, oy, om, od, n;

	if (on < birth)
		return -date_years_between(on, birth);
	civil_from_days(birth, &by, &bm, &bd);
	civil_from_days(on, &oy, &om, &od);
	n = oy - by;
	/* A 29 February birthday falls on 1 March in a common year, since
	 * (2, 28) sorts before (2, 29) and (3, 1) after it. */
	if (om < bm || (om == bm && od < bd))
		n--;
	return n;
}

int32_t
date_of_time(int64_t secs)
{
	int64_t day = secs / SECS_PER_DAY;

	if (secs % SECS_PER_DAY < 0)
		day--;
	return (int32_t)day;
}

int64_t
date_now(void)
{
	return (int64_t)time(NULL) + CST_OFFSET;
}

int32_t
date_today(void)
{
	return date_of_time(date_now());
}
