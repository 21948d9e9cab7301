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
 * bytes can be read at out->p (a copy may take a word). */
int case_period_of(struct case_period *c, const char *p, size_t n,
		   struct rec_str *out);
/* The same period a year before p[0..n) (a period of case_period_of())
 * into out (CASE_PERIOD_MAX bytes, no NUL): its length, or 0 when there
 * is none (year 1, or p is no period). */
size_t case_period_year_before(const char *p, size_t n,
			       char out[CASE_PERIOD_MAX]);

#endif
