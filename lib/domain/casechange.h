/*
 * casechange: the stage changes of a case event log not yet reported
 * (case-status changes), one per party with a phone, for sms-notify.
 *
 * A change is a case entering a state of the state machine (cases.h): an
 * event whose stage's state differs from the state before it, in the
 * case's events sorted by time; complaints and rejected events make none.
 * A change is known by its state and by how many times the case entered
 * that state before (the second 侦查 after a return is a change of its
 * own), not by its time or line, so that an event that arrives late with
 * an earlier time moves a change without making it new.
 *
 * The cursor.  A cursor is a position in the log, "line N": the lines up
 * to N were reported on.  It is a line, not a time, so that an event
 * appended late with an earlier time is not missed.  A change is new when
 * the fold of the case's events on lines up to the cursor did not have
 * it: casechange_take() folds both and compares their changes.  A case
 * with no event after the cursor has nothing new.  What is reported, per
 * new change to a public stage of a case that is not hidden: one row per
 * party (each ID once per case, from its stage events) with a phone.  The
 * rows come out in log order (the line of the change's event, then the
 * parties in the order the case's events name them).
 *
 * The cursor moves only after the output is committed: the caller writes
 * and commits the rows, then casechange_cursor_commit() replaces the
 * cursor file durably (durable.h: beside, fsync, rename), so a run killed
 * at any point leaves it where it was and a rerun reports the same rows
 * again.  From the same cursor and the same log, a run always gives the
 * same rows: that is what makes a rerun of a day (scripts/nightly keeps
 * one cursor per day, case-changes/D.cursor, and starts every run of D
 * from a copy of the newest earlier day's) list the same changes, and the
 * run of the next day start where D ended.  A missing cursor file is line
 * 0: every change is new.
 *
 * Lifetimes: a struct casechange owns its rows until casechange_release();
 * they hold copies, not pointers into the store.  The store must copy
 * every event's parties (casefold.copy_all, set by casechange_read()).
 */
#ifndef JW_CASECHANGE_H
#define JW_CASECHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "domain/casefold.h"
#include "domain/cases.h"
#include "rec/rec.h"

/* The output fields, in order: case_no stage time unit id_no name phone. */
enum { CASECHANGE_NF = 7 };
extern const char *const casechange_cols[CASECHANGE_NF + 1];

/* One row to report: the fields (unescaped) one after another in f,
 * len[i] bytes each. */
struct casechange_row {
	uint32_t line;		/* of the change's event, in the log */
	uint32_t k;		/* order among the change's parties */
	const char *f;
	uint32_t len[CASECHANGE_NF];
};

/* A change of a case: the state entered, how many times the case entered
 * it before, and the event (an index into the case's events). */
struct casechange_id {
	enum case_state s;
	unsigned nth;
	size_t i;
};

struct casechange {
	unsigned long long cursor;	/* reported up to this line */
	unsigned long long last;	/* the log's last line, once read */
	struct casechange_row *rows;
	size_t n, cap;
	struct arena mem;		/* the rows' fields */
	/* Scratch for one case: its changes now and as of the cursor, and
	 * its events up to the cursor. */
	struct casechange_id *now, *then;
	struct case_event *old;
	size_t capcase;
};

/* An empty set of changes after cursor (a line; 0: every change). */
void casechange_init(struct casechange *ch, unsigned long long cursor);
void casechange_release(struct casechange *ch);

/* The stage changes of ev[0..n) (sorted by time, rejected ones marked)
 * into ids (room for n); returns their count. */
size_t casechange_ids(const struct case_event *ev, size_t n,
		      struct casechange_id *ids);

/* The fold's function (casefold_fn; ctx is the struct casechange): adds
 * the rows of the case's new changes. */
void casechange_take(void *ctx, struct casefold *st,
		     const struct casefold_case *k, const struct case_fold *f,
		     struct case_event *ev, size_t nev);

/* Read st's whole log (one file: the cursor is a line of it), setting
 * st->copy_all, into ch: the rows in log order, ch->last the log's last
 * line. */
void casechange_read(struct casechange *ch, struct casefold *st);

/* Add the columns (casechange_cols) to out, then write the rows. */
void casechange_write(const struct casechange *ch, struct rec_writer *out);

/* The cursor in the file at path ("line N\n"), or 0 when there is no such
 * file.  Exits 4 when it cannot be read or holds anything else (the
 * message says to remove it to report every change again). */
unsigned long long casechange_cursor_read(const char *path);

/* Move the cursor at path to ch->last, when that is past ch->cursor, by a
 * durable replace (dur_replace(), mode 0644).  Call it only once the rows
 * are committed.  Exits 4 when it cannot be written. */
void casechange_cursor_commit(const struct casechange *ch, const char *path);

#endif
