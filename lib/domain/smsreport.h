/*
 * smsreport: what a state folder's log says became of the notices, per
 * rule and day (sms-notify report).
 *
 * The events of the log (smsstate.h), fed in order to smsreport_add(),
 * are counted per rule and day, in a row for every rule and day an event
 * names:
 *   sent, failed, delivered, undelivered   in the row of the notice's
 *            last "begin" (the day it was handed over: a receipt may
 *            come the next day);
 *   deferred in the row of its own day (each deferral counts);
 *   uncertain  notices whose last hand-over event is "begin" (begun,
 *            never answered: the run died, or the connection ended),
 *            counted by smsreport_finish() in that begin's row.
 * A notice is known by its hashed key: one handed over again (after
 * --retry-uncertain) counts from its new "begin" on.  smsreport_finish()
 * sorts the rows by day, then rule.  The rows belong to the report.
 */
#ifndef JW_SMSREPORT_H
#define JW_SMSREPORT_H

#include <stddef.h>

#include "base/htab.h"
#include "domain/smsstate.h"

/* A rule's day: the counts of each outcome. */
struct smsreport_row {
	char *rule, *day;
	unsigned long long sent, delivered, undelivered, failed, deferred,
			   uncertain;
};

struct smsreport {
	struct smsreport_row *rows;	/* after smsreport_finish(): sorted */
	size_t nrows;
	/* Internal. */
	size_t cap;
	struct htab by_key;	/* key hash -> index into last, state */
	struct htab by_rd;	/* rule NUL day -> index into rows */
	size_t *last;		/* per key: the row of its hand-over */
	int *state;		/* per key: 0 none, 1 begun, 2 sent, 3 failed */
};

void smsreport_init(struct smsreport *rp);
/* Count the event e (its strings are copied as needed). */
void smsreport_add(struct smsreport *rp, const struct smsstate_ev *e);
/* Count the uncertain ones and sort the rows; no smsreport_add() after. */
void smsreport_finish(struct smsreport *rp);
void smsreport_release(struct smsreport *rp);

#endif
