/*
 * caseperiod: the period of a case's time, for the bureau's statistics
 * (case-status stats): its year ("2026"), quarter ("2026-Q3") or month
 * ("2026-11").
 *
 * A time is what the event log and fold write, "YYYY-MM-DD HH:MM:SS"
 * (China time), or any other text casefold_time() takes: a date alone,
 * "YYYY-MM-DD HH:MM", a 'T' for the space.  The usual shape is checked
 * here as casefold_time() checks it, without working out the seconds
 * (only the date says the period): a few word operations, no call.  Other
 * shapes go to casefold_time().
 *
 * Periods of one kind all have the same length, so their byte order is
 * their order in time.
 *
 * Lifetimes: a struct case_period is the caller's (no allocation); a
 * period it gives points into the time read, or into the struct for a
 * quarter, and stays valid until the next call with the same struct.
 */
#ifndef JW_CASEPERIOD_H
#define JW_CASEPERIOD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/date.h"
#include "rec/rec.h"

enum case_period_kind {
	CASE_PERIOD_YEAR, CASE_PERIOD_QUARTER, CASE_PERIOD_MONTH
};

#define CASE_PERIOD_MAX 7	/* bytes of the longest period, "2026-Q3" */

struct case_period {
	enum case_period_kind kind;
	char q[CASE_PERIOD_MAX + 1];	/* the last quarter written */
};

/* The kind named "year", "quarter" or "month" into *kind: 0, or -1 for
 * any other name. */
int case_period_kind(const char *name, enum case_period_kind *kind);
/* A reader of periods of kind k. */
void case_period_init(struct case_period *c, enum case_period_kind k);
/* Whether p[0..n) is a time casefold_time() takes (1) or not (0). */
int case_time_ok(const char *p, size_t n);
/* The period of time p[0..n) into *out: 0, or -1 when the text is not a
 * time casefold_time() takes (out is left alone).  CASE_PERIOD_MAX + 1
 * bytes can be read at out->p (a copy may take a word).  Inline, below:
 * stats calls it for three fields of every record. */
static inline int case_period_of(struct case_period *c, const char *p,
				 size_t n, struct rec_str *out);
/* The same period a year before p[0..n) (a period of case_period_of())
 * into out (CASE_PERIOD_MAX bytes, no NUL): its length, or 0 when there
 * is none (year 1, or p is no period). */
size_t case_period_year_before(const char *p, size_t n,
			       char out[CASE_PERIOD_MAX]);

/* ---- inline: the usual shape checked in words ---- */

static inline uint64_t
case_ld8_(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

#define CASE_B_(x, i) ((int)(((x) >> (8 * (i))) & 0xff))

/*
 * "YYYY-MM-DD HH:MM:SS" at p (19 bytes), checked as casefold_time()
 * checks it: 1 a real time, 0 not one, -1 not of this shape (another
 * shape casefold_time() may take, "YYYY-MM-DDTHH:MM:SS").  Three words
 * XORed with the shape's zeros hold each digit's value and a 0 for each
 * separator in its place.  (Little endian; big endian goes through
 * case_time_ok().)
 */
static inline int
case_time_usual_(const char *p)
{
	static const signed char dim[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	uint64_t a = case_ld8_(p) ^ UINT64_C(0x2d30302d30303030);
	uint64_t b = case_ld8_(p + 8) ^ UINT64_C(0x30303a3030203030);
	uint64_t c = case_ld8_(p + 11) ^ UINT64_C(0x30303a30303a3030);
	uint64_t k = UINT64_C(0x7676767676767676), bad;
	int mo, d, y;

	/* the separators: bytes 4 and 7 of a, 2 and 5 of b and c */
	if ((a & UINT64_C(0xff0000ff00000000)) |
	    ((b | c) & UINT64_C(0x0000ff0000ff0000)))
		return -1;
	/* Every byte 0..9 (a byte over 0x7f is caught by its own top bit;
	 * its carry only spoils a check already failed). */
	bad = ((a + k) | a | (b + k) | b | (c + k) | c) &
	      UINT64_C(0x8080808080808080);
	if (bad)
		return 0;
	mo = CASE_B_(a, 5) * 10 + CASE_B_(a, 6);
	d = CASE_B_(b, 0) * 10 + CASE_B_(b, 1);
	/* Month 1-12, day 1 to its last, hour 0-23, year not 0000, and the
	 * tens of the minute and the second 0-5 (bytes 3 and 6 of c: 0x7a
	 * added to a digit sets its top bit from 6 on). */
	if ((unsigned)mo - 1 >= 12 ||
	    (unsigned)d - 1 >= (unsigned)dim[mo - 1] ||
	    CASE_B_(c, 0) * 10 + CASE_B_(c, 1) > 23 ||
	    ((c + UINT64_C(0x007a00007a000000)) &
	     UINT64_C(0x0080000080000000)) ||
	    (a & 0xffffffffu) == 0)
		return 0;
	if (mo != 2 || d != 29)
		return 1;
	/* 29 February in a common year */
	y = CASE_B_(a, 0) * 1000 + CASE_B_(a, 1) * 100 +
	    CASE_B_(a, 2) * 10 + CASE_B_(a, 3);
	return date_is_leap(y);
}

static inline int
case_period_of(struct case_period *c, const char *p, size_t n,
	       struct rec_str *out)
{
	int ok, mo;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 19 && (ok = case_time_usual_(p)) >= 0) {
		if (!ok)
			return -1;
	} else
#endif
	if (!case_time_ok(p, n)) {
		return -1;
	}
	out->p = p;
	out->len = c->kind == CASE_PERIOD_YEAR ? 4 : 7;
	if (c->kind == CASE_PERIOD_QUARTER) {
		mo = (p[5] - '0') * 10 + (p[6] - '0');
		memcpy(c->q, p, 5);		/* "2026-" */
		c->q[5] = 'Q';
		c->q[6] = (char)('1' + (mo - 1) / 3);
		out->p = c->q;
	}
	return 0;
}

#endif
