/*
 * casefold: a case event log folded into cases (case-status(1)): the
 * store in casefold.c, the checks of an event's fields in
 * casefold_parse.c.
 *
 * The log has one record per event (fields case_no, time, stage,
 * category, unit, officer, secret, privacy, parties, note, and optionally
 * limit_days and receipt).  casefold_read() reads every event of a reader,
 * checks its fields (casefold_parse()), holds the good ones by case in a
 * struct casefold (the store), and then folds each case through the state
 * machine of cases.h, calling the verb's function once per case with the
 * case, where it stands and its events sorted by time.
 *
 * Rejects.  An event with a bad field is rejected at once through the
 * reader (rec_reject()) and makes its case hidden (its flags cannot be
 * trusted: fail closed).  An event the state machine forbids is known only
 * at the fold, after the whole input: with drop_late it is only counted
 * (the public paths); else it goes to the reader's rejects stream whole,
 * read back from its file once every fold is done, or from a copy of its
 * fields when the input cannot be read twice (keep: stdin, a pipe).
 *
 * Memory.  Without --sorted every event of the input is held (24 bytes
 * each, plus what keep and the copies add); with sorted (input sorted by
 * case_no, then any time order) only one case at a time.  Strings the
 * store hands out (case numbers, units, officers, copies) belong to it
 * and stay valid until casefold_release() (or, with sorted, until the
 * next case).  Nothing else allocates per event.
 */
#ifndef JW_CASEFOLD_H
#define JW_CASEFOLD_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "domain/cases.h"
#include "rec/rec.h"

/* Field indexes of an event log. */
struct casefold_fields {
	size_t no, time, stage, cat, unit, officer, secret, privacy, parties;
	size_t note, limit, receipt;	/* limit, receipt: REC_NONE if absent */
};

/* Find the fields in in's header (exits 2 naming a missing one) and, with
 * want, tell the reader only they are read (rec_reader_want()). */
void casefold_fields_find(struct rec_reader *in, struct casefold_fields *ix,
			  int want);

/* A time of the logs' usual shape "YYYY-MM-DD HH:MM:SS" into *t
 * (datetime.h seconds), read directly; any other text goes to
 * datetime_parse().  0, or -1 when it is no time. */
int casefold_time(const char *p, size_t n, int64_t *t);

/* Check the fields of event r into *e (time, stage, hidden, limit_days)
 * and *cat (category index, -1 none).  Returns 0, or -1 with the reason
 * in why ("field 'time': not a time ...": never a party's ID or name). */
int casefold_parse(const struct case_cfg *c, const struct casefold_fields *ix,
		   const struct rec *r, struct case_event *e, int *cat,
		   struct buf *why);

/* What the lines before settled (their case number, category, stage
 * names), so that a line repeating them is checked sooner: the same
 * answers.  Free it with free(). */
struct casefold_memo;
struct casefold_memo *casefold_memo_new(void);
/* casefold_parse() with a memo (NULL: none), updated. */
int casefold_parse_memo(const struct case_cfg *c,
			const struct casefold_fields *ix, const struct rec *r,
			struct case_event *e, int *cat, struct buf *why,
			struct casefold_memo *m);

/* A case of the store.  Its category, unit and officer are those of its
 * latest event (by time) that gives them. */
struct casefold_case {
	uint64_t key;		/* the case number as a number, for sorting */
	const char *no;		/* CASE_NO_LEN bytes, NUL-terminated */
	uint32_t nev, first, fill;
	int cat;		/* category index, -1 none */
	int bad;		/* an event of it was rejected for a bad field */
	int named;		/* an event's parties hold copy_id */
	int64_t ftime;		/* time of the event that set unit, officer */
	struct rec_str unit, officer;
};

/* An event of the store (case_event.ref of a folded event is its index
 * in casefold.ev). */
struct casefold_ev {
	int64_t time;
	uint32_t ci;		/* its case */
	uint32_t line;		/* in its file */
	uint16_t file;		/* index into casefold.files */
	uint8_t stage;		/* index into cfg->stages */
	uint8_t hidden;
	int16_t limit;
};

/* A rejected event found by the fold, written once all are known. */
struct casefold_late {
	uint16_t file;
	uint32_t line;
	char *why;
};

/* A slot of the store's table of case numbers (as case keys). */
struct casefold_slot {
	uint64_t key;
	uint32_t ci;		/* index + 1; 0: empty */
};

/* Events held by case.  The caller sets the options after
 * casefold_init(); the rest is the store's. */
struct casefold {
	const struct case_cfg *cfg;
	struct rec_reader *in;
	const struct casefold_fields *ix;
	struct rec_reader_opts ro;	/* to read the inputs again */
	/* Options. */
	const char *only;	/* keep only this case's events (NULL: all);
				 * every event is still checked */
	const char *copy_id;	/* copy the parties and receipt of the
				 * events whose parties hold this ID */
	int copy_all;		/* copy every event's parties */
	int keep;		/* the input cannot be read twice: keep
				 * every event's fields for the rejects */
	int drop_late;		/* the fold's rejects are only counted */
	int only_named;		/* fold only the cases with an event whose
				 * parties hold copy_id (the only ones a
				 * lookup can show, hidden or not) */
	/* Results. */
	unsigned long long maxline;	/* the last line read */
	unsigned long long nlate;	/* fold rejects dropped */
	/* The store. */
	struct casefold_slot *byno;	/* case number -> index + 1 */
	size_t nbyno, capbyno;
	struct arena mem;
	struct casefold_case *cases;
	size_t ncases, capcases;
	struct casefold_ev *ev;
	size_t nev, capev;
	uint32_t *order;	/* event indexes grouped by case, or NULL */
	int scattered;		/* a case's events are not one run */
	struct case_event *fold;	/* one case's events, for the fold */
	size_t capfold;
	const char **files;	/* input names, copied */
	size_t nfiles;
	struct casefold_late *rej;
	size_t nrej, caprej;
	uint32_t last;		/* index + 1 of the last case seen */
	struct rec_str (*copies)[2];	/* parties, receipt */
	uint32_t *copyof;	/* per event: copies[copyof - 1], or 0 */
	size_t ncopies, capcopies;
	char **full;		/* keep: each event's fields, NUL-joined */
	size_t capfull;
	struct casefold_memo *memo;	/* what the lines before settled */
};

/* Called once per case that has a good event, in case number order
 * (without sorted, in input order with it): f is where it stands, ev[0..n)
 * its events sorted by time (rejected ones marked), owned by the store and
 * valid until the function returns. */
typedef void casefold_fn(void *ctx, struct casefold *st,
			 const struct casefold_case *k,
			 const struct case_fold *f, struct case_event *ev,
			 size_t nev);

/* An empty store reading in (whose fields ix names) under c; ro are the
 * options in was opened with (for reading the rejected lines again). */
void casefold_init(struct casefold *st, const struct case_cfg *c,
		   struct rec_reader *in, const struct casefold_fields *ix,
		   const struct rec_reader_opts *ro);
void casefold_release(struct casefold *st);

/* Read every record of st->in, fold every case and call fn for each (see
 * above); sorted: the input is sorted by case_no, one case is held at a
 * time, and a record out of order is a reject.  Exits 4 when a rejected
 * line cannot be read again. */
void casefold_read(struct casefold *st, int sorted, casefold_fn *fn,
		   void *ctx);

/* The parties of a folded event, when the store copied them (copy_id,
 * copy_all): their count, with the copy (parties, receipt) in *copy; 0
 * when not copied. */
int casefold_parties(const struct casefold *st, const struct case_event *e,
		     struct case_party *pt, const struct rec_str **copy);

/* The case's category name ("" for none). */
struct rec_str casefold_category(const struct casefold *st,
				 const struct casefold_case *k);

/* Close in with stderr silenced, so that not even the count of its
 * rejects shows; returns that count. */
unsigned long long casefold_close_quiet(struct rec_reader *in);

#endif
