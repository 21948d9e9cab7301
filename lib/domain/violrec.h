/*
 * violrec: a violation record as viol-query's verbs read it, licences, and
 * a driver's points in the scoring cycle (DOMAIN-traffic-identity.md
 * sections 4 and 5).
 *
 * Each verb resolves the fields it reads once from the header
 * (viol_cols_need()) and parses them per record with viol_rec_read(),
 * which rejects a record with a bad status, fine, points or date (the
 * same words for every verb).  A struct viol_rec holds no pointer into
 * the record.  The licences are loaded once (viol_licences_load()) and
 * belong to the caller until viol_licences_free().
 */
#ifndef JW_VIOLREC_H
#define JW_VIOLREC_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "domain/viol.h"
#include "rec/rec.h"

/* The fields of a violation record. */
enum viol_field {
	VF_PLATE, VF_TYPE, VF_TIME, VF_PLACE, VF_DISTRICT, VF_CODE, VF_STATUS,
	VF_FINE, VF_POINTS, VF_DRIVER, VF_DECISION, VF_DECIDED, VF_PAID, VF_N
};

/* Their names in the data ("plate", "plate_type", ...). */
extern const char *const viol_field_names[VF_N];

/* Field indexes of the data, REC_NONE for those not read. */
struct viol_cols {
	size_t f[VF_N];
};

/* Resolve the n fields which[] in in's header into c (the others
 * REC_NONE); a missing one exits 2 (rec_reader_need()). */
void viol_cols_need(struct rec_reader *in, struct viol_cols *c,
		    const enum viol_field *which, size_t n);

/* What a verb reads of one violation. */
struct viol_rec {
	enum viol_status st;
	long long fine;		/* fen */
	int points;
	int64_t time;		/* seconds; 0 when not read */
	int32_t decided, paid;	/* days, DATE_NONE when empty */
};

/* Parse the fields of r that c names into v (q: scratch for messages).
 * Returns 0, or -1 after rejecting r with the reason ("field 'fine': not
 * an amount in yuan ..."). */
int viol_rec_read(struct rec_reader *in, const struct rec *r,
		  const struct viol_cols *c, struct viol_rec *v,
		  struct buf *q);

/* The fine (in fen) and points of a record whose two fields are plain and
 * short: the fine up to 12 digits with at most 2 decimals ("200",
 * "12.5"), the points 0 to 12 without a sign or leading zero.  Returns 0
 * for anything else, which viol_rec_read() then parses (a long or
 * unusual spelling) or rejects with its reason: the fast lane of stats,
 * where the calls of the general parse were a tenth of the time. */
static inline int
viol_plain_amounts(struct rec_str fine, struct rec_str pts, long long *fen,
		   int *points)
{
	const unsigned char *p = (const unsigned char *)fine.p;
	unsigned long long x = 0;
	size_t i = 0, n = fine.len, nf;
	unsigned d;

	if (pts.len == 1 && (d = (unsigned char)pts.p[0] - '0') <= 9)
		*points = (int)d;
	else if (pts.len == 2 && pts.p[0] == '1' &&
		 (d = (unsigned char)pts.p[1] - '0') <= 2)
		*points = 10 + (int)d;
	else
		return 0;
	if (n == 0 || n > 12)
		return 0;
	while (i < n && (d = p[i] - '0') <= 9) {
		x = x * 10 + d;
		i++;
	}
	if (i == 0)
		return 0;
	if (i == n) {
		*fen = (long long)(x * 100);
		return 1;
	}
	nf = n - i - 1;
	if (p[i] != '.' || nf == 0 || nf > 2 || (d = p[i + 1] - '0') > 9)
		return 0;
	x = x * 10 + d;
	if (nf == 1) {
		*fen = (long long)(x * 10);
		return 1;
	}
	if ((d = p[i + 2] - '0') > 9)
		return 0;
	*fen = (long long)(x * 10 + d);
	return 1;
}

/* Write an amount of fen as yuan ("12.30"), and a day as YYYY-MM-DD (""
 * for DATE_NONE), as the next field of w. */
void viol_put_fen(struct rec_writer *w, long long fen);
void viol_put_day(struct rec_writer *w, int32_t day);

/* One licence: the day it was first issued and the holder's name. */
struct viol_licence {
	int32_t first;
	const char *name;
};

struct viol_licences;

/* Load the licence file path (id_no, name, first_issued) with the reader
 * options o; a bad line is rejected into rejects_into's stream (when not
 * NULL) and counted in *nrej.  Exits as the reader does on a missing file
 * or field. */
struct viol_licences *viol_licences_load(const char *path,
					 const struct rec_reader_opts *o,
					 struct rec_reader *rejects_into,
					 unsigned long long *nrej);
/* The licence of ID id[0..n), or NULL. */
const struct viol_licence *viol_licence_find(const struct viol_licences *l,
					     const char *id, size_t n);
void viol_licences_free(struct viol_licences *l);

/* One driver's points (MPS Order 163). */
struct viol_pts {
	int32_t start, end;	/* the scoring cycle, end exclusive */
	int cycle_from_licence;	/* else the calendar year */
	int points;		/* decided in this cycle */
	int carried;		/* unpaid from before it */
	const struct viol_licence *lic;
};

/* Start p for the cycle holding asof: from the licence's anniversary
 * (lic may be NULL: the calendar year). */
void viol_pts_cycle(struct viol_pts *p, const struct viol_licence *lic,
		    int32_t asof);
/* Count violation v: points decided in the cycle (up to asof) count;
 * points decided before it whose fine was not paid before it began carry
 * over. */
void viol_pts_add(struct viol_pts *p, const struct viol_rec *v, int32_t asof);
/* Points left of VIOL_FULL_SCORE (0 when full). */
int viol_pts_left(const struct viol_pts *p);

#endif
