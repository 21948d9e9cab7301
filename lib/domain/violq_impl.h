/* violq's internals, shared by violq.c (finding) and violq_out.c
 * (writing).  Not for other modules. */
#ifndef JW_VIOLQ_IMPL_H
#define JW_VIOLQ_IMPL_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/htab.h"
#include "domain/violq.h"
#include "domain/violrec.h"

/* A plate asked for: its normalised text and what was found. */
struct violq_asked {
	const char *plate;	/* normalised, in the arena */
	size_t len;
	size_t nhits, first;	/* its hits after sorting */
	size_t rejected;	/* its records rejected as bad */
};

/* A violation found: its fields NUL-joined in the arena. */
struct violq_hit {
	size_t asked;
	const char *vals;
	size_t len;
	unsigned long long line;
	struct viol_rec v;
};

struct violq {
	struct cli *cli;
	struct violq_opts o;
	struct arena mem;
	struct htab by_plate;	/* normalised plate -> asked index */
	struct violq_asked *a;
	size_t na, capa;
	struct violq_hit *h;
	size_t nh, caph;
	size_t nfields;
	struct viol_cols c;
	struct rec_reader *in;	/* the data */
	struct rec_reader *bin;	/* the batch, holding the rejects stream */
	struct rec_span *spans;	/* the lines in reads, through the index */
	const char **texts;	/* and their texts, read back by the lookup */
	struct viol_licences *lic;
	struct htab drivers;	/* driver_id -> struct viol_pts, with -l */
	struct rec_str *f;	/* nfields + 1, scratch */
	struct buf norm, q, m;
};

/* The fields of hit h into q->f. */
void violq_hit_fields(struct violq *q, const struct violq_hit *h);
/* The newest decided violation of plate a (its driver's), or NULL. */
const struct violq_hit *violq_driver_hit(const struct violq *q,
					 const struct violq_asked *a);

#endif
