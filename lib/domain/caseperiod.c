/* caseperiod: the year, quarter or month of a case's time.  See
 * caseperiod.h. */
#include <stdint.h>
#include <string.h>

#include "domain/casefold.h"
#include "domain/caseperiod.h"

/* Indexed by a month's digits' values, the tens in bit 4: months 1 to 9
 * at 1 to 9, 10 to 12 at 0x10 to 0x12. */
const uint16_t case_month_last_[26] = {
	[0x01] = 0x0301, [0x02] = 0x0208, [0x03] = 0x0301, [0x04] = 0x0300,
	[0x05] = 0x0301, [0x06] = 0x0300, [0x07] = 0x0301, [0x08] = 0x0301,
	[0x09] = 0x0300, [0x10] = 0x0301, [0x11] = 0x0300, [0x12] = 0x0301,
};
const char case_month_quarter_[26] = {
	[0x01] = '1', [0x02] = '1', [0x03] = '1', [0x04] = '2', [0x05] = '2',
	[0x06] = '2', [0x07] = '3', [0x08] = '3', [0x09] = '3', [0x10] = '4',
	[0x11] = '4', [0x12] = '4',
};

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
	c->mask = k == CASE_PERIOD_YEAR ? UINT64_C(0xffffffff) :
		  UINT64_C(0x00ffffffffffffff);
}

int
case_time_ok(const char *p, size_t n)
{
	int64_t t;
	unsigned ix;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 19 && case_time_usual_(p, &ix))
		return 1;
#else
	(void)ix;
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
