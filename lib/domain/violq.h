/*
 * violq: viol-query's plate lookup (帮您查违章): the violations of the
 * plates asked, through the sidecar index when the data has one, with
 * each violation's description, fine, points and next step, and a totals
 * row per plate with the driver's points in the scoring cycle.
 *
 * A lookup is made in this order:
 *
 *	q = violq_new(cli, &o);		   options; nothing read yet
 *	violq_ask(q, plate, len);	   each plate of the command line
 *	violq_find(q, batch);		   the batch on stdin, then the data
 *	violq_write(q, w) or violq_write_text(q, stdout);
 *	violq_audit(q, path);		   optional
 *	status = violq_finish(q, w);	   closes and frees all
 *
 * Plates are normalised as plate.h does (case, full-width characters, the
 * dot) and a plate asked twice is answered once.  With an index (o.index,
 * else DATA.idx when it exists) only the lines it names and those appended
 * since are read (sidx.h); a stale, corrupt or truncated index exits 4.
 * Without one the data is scanned.  A record that is bad is rejected into
 * the rejects stream and counted against its plate.  Everything belongs to
 * q until violq_finish().
 */
#ifndef JW_VIOLQ_H
#define JW_VIOLQ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "domain/viol.h"
#include "rec/cli.h"
#include "rec/sidx.h"

struct violq_opts {
	const char *data;	/* -d DATA: the violation records (TSV) */
	const char *index;	/* -i INDEX, or NULL: DATA.idx when present */
	const char *type;	/* -t: only plates of this plate_type */
	const char *licences;	/* -l: licence records, or NULL */
	const struct viol_codes *codes;
	int32_t asof;		/* the day fees and cycles run to */
};

struct violq;

/* A lookup with options o (copied; the strings must outlive q), the
 * reader options, rejects and status of cli. */
struct violq *violq_new(struct cli *cli, const struct violq_opts *o);
/* Ask for plate p[0..n); 1 if it is a plate, 0 if not. */
int violq_ask(struct violq *q, const char *p, size_t n);
/* Find the violations of the plates asked: with batch set, first the
 * plates on standard input, one a line (a line that is no plate is a
 * reject); then the data, through the index or by a scan; then, with
 * licences, each plate's driver's points over the whole data. */
void violq_find(struct violq *q, int batch);
/* Write each plate's violation rows and its total row to w, after the
 * columns (row, the data's fields, description, code_known, next_step,
 * deadline, late_days, late_fee, owed, violations, cycle_points,
 * points_left).  Warns about codes the table does not know or disagrees
 * with. */
void violq_write(struct violq *q, struct rec_writer *w);
/* The same as Chinese text to read out on air, the driver's ID and name
 * masked, to f. */
void violq_write_text(struct violq *q, FILE *f);
/* Append one line per plate asked (time, user, plate, rows) to the audit
 * log path with durable.h's append (a header first in a new log).
 * Exits 4 when it cannot. */
void violq_audit(struct violq *q, const char *path);
/* Close the readers, finish w (NULL after violq_write_text()) with
 * cli_finish(), free q.  Returns the exit status. */
int violq_finish(struct violq *q, struct rec_writer *w);

/* Build viol-query's plate index of data at ipath (NULL: DATA.idx), or
 * with extend index what was appended since (sidx_build()); the plates
 * are keyed as violq_ask() normalises them.  Exits as sidx_build() does. */
void violq_index_build(struct cli *cli, const char *data, const char *ipath,
		       int extend);

#endif
