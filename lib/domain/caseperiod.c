/* caseperiod: the year, quarter or month of a case's time.  See
 * caseperiod.h. */
#include <stdint.h>
#include <string.h>

#include "domain/casefold.h"
#include "domain/caseperiod.h"

int
case_period_kind(const char *name, enum case_period_kind *kind)
{
	if (strcmp(name, "year") == 0)
		*kind = CASE_PERIOD_YEAR;
	else if (strcmp(name, "quarter") == 0)
		*kind = CASE_PERIOD_QUARTER;
	else if (strcmp(name, "month") == 0)
		*kind = CASE_PERIOD_MONTH;
	else
		return -1;
	return 0;
}

void
case_period_init(struct case_period *c, enum case_period_kind k)
{
	memset(c, 0, sizeof *c);
	c->kind = k;
}

int
case_time_ok(const char *p, size_t n)
{
	int64_t t;
	int ok;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 19 && (ok = case_time_usual_(p)) >= 0)
		return ok;
#else
	(void)ok;
#endif
	return casefold_time(p, n, &t) == 0;
}

size_t
case_period_year_before(const char *p, size_t n, char out[CASE_PERIOD_MAX])
{
	int y = 0, i;

	if (n < 4 || n > CASE_PERIOD_MAX)
		return 0;
	for (i = 0; i < 4; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		y = y * 10 + (p[i] - '0');
	}
	if (y <= 1)
		return 0;
	y--;
	for (i = 3; i >= 0; i--, y /= 10)
		out[i] = (char)('0' + y % 10);
	memcpy(out + 4, p + 4, n - 4);
	return n;
}
