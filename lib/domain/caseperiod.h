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
 * shapes, a 29 February and what the words find wrong go to
 * casefold_time(), which says.
 *
 * Periods of one kind all have the same length, so their byte order is
 * their order in time.  A period is also had as a word (at most 7 bytes
 * and NULs, case_period_word()): one comparison tells two apart.
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
	uint64_t mask;		/* of a time's first word: a year's or a
				 * month's bytes (little endian) */
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
 * bytes can be read at out->p (a copy may take a word).  Inline, below,
 * on case_period_word(). */
static inline int case_period_of(struct case_period *c, const char *p,
				 size_t n, struct rec_str *out);
/* The same period a year before p[0..n) (a period of case_period_of())
 * into out (CASE_PERIOD_MAX bytes, no NUL): its length, or 0 when there
 * is none (year 1, or p is no period). */
size_t case_period_year_before(const char *p, size_t n,
			       char out[CASE_PERIOD_MAX]);

/* The period of time p[0..n) as a word into *w: the period's bytes
 * (case_period_len() of them) in memory order, then NULs, as memcpy()
 * writes them out; 0, or -1 when the text is not a time casefold_time()
 * takes (*w is left alone).  Inline, below: stats calls it for three
 * fields of every record.  Periods of one kind are the same period when
 * their words are equal, and come in time order as
 * case_period_order() of their words. */
static inline int case_period_word(const struct case_period *c,
				   const char *p, size_t n, uint64_t *w);
/* The bytes of a period: 4 (a year) or 7. */
static inline size_t case_period_len(const struct case_period *c);
/* A number that orders the words of periods of one kind as time does. */
static inline uint64_t case_period_order(uint64_t w);

/* ---- inline: the usual shape checked in words ---- */

static inline uint64_t
case_ld8_(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/* By a month's digits' values, the tens in bit 4 (0x01 to 0x12; 0 for
 * the others): its last day but in February (28), as tens * 256 + ones,
 * and its quarter's digit. */
extern const uint16_t case_month_last_[26];
extern const char case_month_quarter_[26];

/*
 * Whether "YYYY-MM-DD HH:MM:SS" at p (19 bytes) is a real time as
 * casefold_time() reads it (1), with *ix the month's index into
 * case_month_last_[]; 0 when it is not, or not surely (another shape,
 * "YYYY-MM-DDTHH:MM:SS", a 29 February): ask casefold_time().
 *
 * Three words (overlapping) XORed with the shape's zeros hold each
 * digit's value and a 0 for each separator in its place.  Adding 0x7f
 * less the greatest a byte may hold (0 a separator, 1 the month's tens,
 * 3 the day's, 2 the hour's, 5 the minute's and the second's, else 9)
 * sets the top bit of a byte over it; a byte over 0x7f has its own top
 * bit (its carry only spoils a check already failed).  The day and the
 * hour are then compared as tens * 256 + ones (ordered as their values),
 * the year must not be 0000.  (Little endian; big endian goes through
 * casefold_time().)
 */
static inline int
case_time_usual_(const char *p, unsigned *ix)
{
	uint64_t a = case_ld8_(p) ^ UINT64_C(0x2d30302d30303030);
	uint64_t b = case_ld8_(p + 8) ^ UINT64_C(0x30303a3030203030);
	uint64_t c = case_ld8_(p + 11) ^ UINT64_C(0x30303a30303a3030);
	unsigned m, d, h;

	if (((a + UINT64_C(0x7f767e7f76767676)) | a |
	     (b + UINT64_C(0x767a7f767d7f767c)) | b |
	     (c + UINT64_C(0x767a7f767a7f767d)) | c) &
	    UINT64_C(0x8080808080808080))
		return 0;
	m = (unsigned)((a >> 36) & 0x10) | (unsigned)((a >> 48) & 0x0f);
	d = __builtin_bswap16((uint16_t)b);
	h = __builtin_bswap16((uint16_t)c);
	*ix = m;
	return (a & 0xffffffffu) != 0 && d - 1 < case_month_last_[m] &&
	       h <= 0x0203;
}

/* The period's word of a time casefold_time() took, of month index ix. */
static inline uint64_t
case_period_word_of_(const struct case_period *c, const char *p, unsigned ix)
{
	uint64_t x = case_ld8_(p);

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (c->kind != CASE_PERIOD_QUARTER)
		return x & c->mask;
	return (x & UINT64_C(0xffffffffff)) | UINT64_C(0x510000000000) |
	       (uint64_t)(unsigned char)case_month_quarter_[ix] << 48;
#else
	char b[8] = { 0 };

	memcpy(b, p, c->kind == CASE_PERIOD_YEAR ? 4 : 7);
	if (c->kind == CASE_PERIOD_QUARTER) {
		b[5] = 'Q';
		b[6] = case_month_quarter_[ix];
	}
	memcpy(&x, b, 8);
	return x;
#endif
}

/* The month index of a time casefold_time() took. */
static inline unsigned
case_month_ix_(const char *p)
{
	return (unsigned)(p[5] - '0') << 4 | (unsigned)(p[6] - '0');
}

static inline int
case_period_word(const struct case_period *c, const char *p, size_t n,
		 uint64_t *w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	unsigned ix;

	if (n == 19 && case_time_usual_(p, &ix)) {
		*w = case_period_word_of_(c, p, ix);
		return 0;
	}
#endif
	/* Another shape (every shape casefold_time() takes starts with
	 * "YYYY-MM-DD"), a 29 February, or no time. */
	if (!case_time_ok(p, n))
		return -1;
	*w = case_period_word_of_(c, p, case_month_ix_(p));
	return 0;
}

static inline size_t
case_period_len(const struct case_period *c)
{
	return c->kind == CASE_PERIOD_YEAR ? 4 : 7;
}

static inline uint64_t
case_period_order(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap64(w);
#else
	return w;
#endif
}

static inline int
case_period_of(struct case_period *c, const char *p, size_t n,
	       struct rec_str *out)
{
	uint64_t w;

	if (case_period_word(c, p, n, &w) < 0)
		return -1;
	out->p = p;
	out->len = case_period_len(c);
	if (c->kind == CASE_PERIOD_QUARTER) {
		memcpy(c->q, &w, CASE_PERIOD_MAX);	/* "2026-Q3" */
		out->p = c->q;
	}
	return 0;
}

#endif
