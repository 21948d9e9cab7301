/* caseperiod: the year, quarter or month of a case's time.  See
 * caseperiod.h. */
#include <stdint.h>
#include <string.h>

#include "base/date.h"
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

static inline uint64_t
ld8(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/* Byte i of x. */
#define B(x, i) ((int)(((x) >> (8 * (i))) & 0xff))

/*
 * "YYYY-MM-DD HH:MM:SS" at p (19 bytes), checked as casefold_time()
 * checks it: 1 a real time, 0 not one, -1 not of this shape (another
 * shape casefold_time() may take, "YYYY-MM-DDTHH:MM:SS").  Three words
 * XORed with the shape's zeros hold each digit's value and a 0 for each
 * separator in its place.
 */
static inline int
usual_ok(const char *p)
{
	static const signed char dim[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	/* Little or big endian alike: the masks are made from bytes. */
	static const char sa[8] = { 0, 0, 0, 0, -1, 0, 0, -1 };
	static const char sb[8] = { 0, 0, -1, 0, 0, -1, 0, 0 };
	uint64_t a = ld8(p) ^ ld8("0000-00-");
	uint64_t b = ld8(p + 8) ^ ld8("00 00:00");
	uint64_t c = ld8(p + 11) ^ ld8("00:00:00");
	uint64_t ma = ld8(sa), mb = ld8(sb), bad;
	int y, mo, d;

	if ((a & ma) | (b & mb) | (c & mb))
		return -1;
	/* Every byte 0..9 (a byte over 0x7f is caught by its own top bit;
	 * its carry only spoils a check already failed). */
	bad = ((a + UINT64_C(0x7676767676767676)) | a |
	       (b + UINT64_C(0x7676767676767676)) | b |
	       (c + UINT64_C(0x7676767676767676)) | c) &
	      UINT64_C(0x8080808080808080);
	if (bad)
		return 0;
	mo = B(a, 5) * 10 + B(a, 6);
	d = B(b, 0) * 10 + B(b, 1);
	/* Month 1-12, day 1 to its last, hour 0-23, minute and second
	 * tens 0-5, year not 0000. */
	if ((unsigned)mo - 1 >= 12 || (unsigned)d - 1 >= (unsigned)dim[mo - 1] ||
	    B(b, 3) * 10 + B(b, 4) > 23 || B(b, 6) > 5 || B(c, 6) > 5 ||
	    (a & 0xffffffffu) == 0)
		return 0;
	if (mo != 2 || d != 29)
		return 1;
	/* 29 February in a common year */
	y = B(a, 0) * 1000 + B(a, 1) * 100 + B(a, 2) * 10 + B(a, 3);
	return date_is_leap(y);
}

int
case_time_ok(const char *p, size_t n)
{
	int64_t t;
	int ok;

	if (n == 19 && (ok = usual_ok(p)) >= 0)
		return ok;
	return casefold_time(p, n, &t) == 0;
}

int
case_period_of(struct case_period *c, const char *p, size_t n,
	       struct rec_str *out)
{
	int mo;

	if (!case_time_ok(p, n))
		return -1;
	switch (c->kind) {
	case CASE_PERIOD_YEAR:
		out->p = p;
		out->len = 4;
		break;
	case CASE_PERIOD_MONTH:
		out->p = p;
		out->len = 7;
		break;
	case CASE_PERIOD_QUARTER:
		mo = (p[5] - '0') * 10 + (p[6] - '0');
		memcpy(c->q, p, 5);		/* "2026-" */
		c->q[5] = 'Q';
		c->q[6] = (char)('1' + (mo - 1) / 3);
		out->p = c->q;
		out->len = 7;
		break;
	}
	return 0;
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
