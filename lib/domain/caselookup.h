/*
 * caselookup: who may see what of a case (case-status lookup, complain).
 *
 * A person (struct caselookup_asker: an ID number and a name, and over
 * the internet a case number) may see a case when both their ID and their
 * name match one party of one of its stage events (a complaint naming
 * them does not count), and the case is not hidden (cases.h: secret,
 * privacy, an empty flag or a bad event).  Of such a case they see its
 * category, unit, current public stage, the timeline of public stage
 * changes by day, the parties (themselves as 本人, everyone else's name
 * and ID masked, mask.h) and their own complaints' receipts; never a note.
 *
 * The contract that makes this private: a case that does not exist, a
 * case of someone else and a hidden case give the same answer, and the
 * decision is taken at the end of the same walk over every case held
 * (caselookup_take()), never by an early exit.  The caller keeps the rest
 * of that promise: rejects counted only (rec_reader_opts.rejects_quiet),
 * the same messages, status and audit record.
 *
 * The index path reads only the lines that can matter (caselookup_spans()):
 * those of the cases whose lines name the asker's ID, or of the one case
 * asked for, found through two sidecar indexes (sidx.h) of HMAC-SHA256
 * keys under a key file: FILE.parties.idx (each party's ID) and
 * FILE.cases.idx (the case number).  The fields are found by name in the
 * log's header, wherever they are, as the scan finds them.
 *
 * Lifetimes: a struct caselookup owns what it shows until
 * caselookup_release(); the asker's name is the caller's to free
 * (caselookup_asker_release()).
 */
#ifndef JW_CASELOOKUP_H
#define JW_CASELOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "domain/casefold.h"
#include "rec/cli.h"
#include "rec/sidx.h"

/* The person asking. */
struct caselookup_asker {
	char id[19];		/* 18 characters, NUL-terminated */
	char *name;		/* owned */
	size_t namelen;
	const char *caseno;	/* --case, or NULL: every case of theirs */
};

/* Read the asker's ID and name from the options' values; "-" reads a line
 * of standard input (*from_stdin is then set).  A missing, invalid ID
 * (the number itself never in the message) or a bad name is a usage error
 * (exit 2). */
void caselookup_asker_read(struct cli *cli, struct caselookup_asker *a,
			   const char *id, const char *name, int *from_stdin);
void caselookup_asker_release(struct caselookup_asker *a);

/* One case to show. */
struct caselookup_shown {
	const char *no;
	struct rec_str cat, unit;
	const struct case_stage *stage;	/* the current public stage */
	int64_t since;
	struct buf timeline;	/* "date stage" items joined by "; " */
	struct buf parties;	/* "role 本人" / "role masked-name masked-id" */
	struct buf complaints;	/* "receipt date" items */
};

/* The answer being built: the cases shown, in the order the fold gives. */
struct caselookup {
	const struct caselookup_asker *a;
	struct caselookup_shown *sh;
	size_t nsh, cap;
};

/* An empty answer for a. */
void caselookup_init(struct caselookup *lk, const struct caselookup_asker *a);
void caselookup_release(struct caselookup *lk);

/* The fold's function (casefold_fn; ctx is the struct caselookup): adds
 * the case when a may see it.  The store must copy the parties of the
 * events naming a (casefold.copy_id = a->id). */
void caselookup_take(void *ctx, struct casefold *st,
		     const struct casefold_case *k, const struct case_fold *f,
		     struct case_event *ev, size_t nev);

/* The public path's walk: read in (whose fields ix names; ro: the
 * options it was opened with) into the store st under c, and fold every
 * case into lk (caselookup_init() for a first): the same work whatever
 * the answer.  The store keeps only a->caseno's events when it is set
 * (every event is still checked), copies the parties of the events
 * naming a, folds only the cases naming a, and only counts the fold's
 * rejects (casefold.drop_late), so that none shows.  The caller releases
 * st (casefold_release()) and lk. */
void caselookup_read(struct caselookup *lk, struct casefold *st,
		     const struct case_cfg *c, struct rec_reader *in,
		     const struct casefold_fields *ix,
		     const struct rec_reader_opts *ro,
		     const struct caselookup_asker *a);

/* The --text screen of the answer (Chinese, aligned by display width)
 * appended to b; the same text for no case as for cases not shown. */
void caselookup_text(const struct caselookup *lk, struct buf *b);

/* Append p[0..n) to b with TSV's escapes (\t \n \r \\). */
void caselookup_tsv_escape(struct buf *b, const char *p, size_t n);

/* Append one audit record to the log at path, durably (durable.h), the
 * header first when the log is new: time (now), verb, terminal (NULL: the
 * internet), the ID masked, the case number asked (or none), whether
 * anything was shown and how many cases, and the bad records seen (bad <
 * 0: not known, left empty).  Exits 4 when it cannot be written. */
void caselookup_audit(const char *path, int64_t now, const char *verb,
		      const char *terminal, const char *id,
		      const char *caseno, size_t shown, long long bad);

/* The two indexes of an event log (see above). */
struct caselookup_index {
	struct buf ppath, cpath, cmd;
	struct sidx_opts po, co;
	unsigned char *secret;
	size_t nsecret;
};

/* The indexes' names and options for the log data under keyfile (read
 * now: exits 3 when it is unreadable, too short or too long). */
void caselookup_index_init(struct caselookup_index *x, const char *data,
			   const char *keyfile);
void caselookup_index_release(struct caselookup_index *x);

/* The index path: the lines of data that hold a's cases (those of a's
 * case number, or every line of each case in which a line names a's ID),
 * sorted by offset, into *spans (caller frees; *n the count), for
 * rec_reader_opts.spans.  Returns 0, or -1 when data has no index (the
 * caller scans).  Exits 4 when an index is stale, corrupt or truncated,
 * or the data cannot be read. */
int caselookup_spans(const char *data, const char *keyfile,
		     const struct caselookup_asker *a,
		     struct rec_span **spans, size_t *n);

#endif
