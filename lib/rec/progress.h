/*
 * progress: the reader's progress line on a terminal.
 *
 * "prog: 1234567 records, 312 MB, 210 MB/s" on stderr, rewritten in place
 * at most twice a second once a run has taken 2 seconds, and only when
 * stderr is a terminal and -q was not given.  Any message printed through
 * diag.h erases the line first (it comes back at the next tick), so that
 * a message never runs on after it.  The struct is the caller's (embedded,
 * no allocation); progress_done() erases the line for good.
 */
#ifndef JW_PROGRESS_H
#define JW_PROGRESS_H

#include <time.h>

struct progress {
	int on;				/* a terminal, and allowed */
	int shown;			/* the line is on the screen */
	struct timespec t0, tlast;
};

/* Start the clock; on when allowed, stderr is a terminal and not -q. */
void progress_init(struct progress *p, int allowed);
/* Show nrec records and bytes read so far, when it is time to. */
void progress_tick(struct progress *p, unsigned long long nrec,
		   unsigned long long bytes);
/* Erase the line, if shown; ticks after it show it again. */
void progress_done(struct progress *p);

#endif
