/* violrec: violation records, licences, points.  See violrec.h. */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/htab.h"
#include "base/num.h"
#include "base/util.h"
#include "domain/violrec.h"

const char *const viol_field_names[VF_N] = {
	"plate", "plate_type", "time", "place", "district", "code", "status",
	"fine", "points", "driver_id", "decision_no", "decided_at", "paid_at"
};

void
viol_cols_need(struct rec_reader *in, struct viol_cols *c,
	       const enum viol_field *which, size_t n)
{
	size_t i;

	for (i = 0; i < VF_N; i++)
		c->f[i] = REC_NONE;
	for (i = 0; i < n; i++)
		c->f[which[i]] = rec_reader_need(in, viol_field_names[which[i]]);
}

/* A day from "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]"; DATE_NONE for an
 * empty field; -1 on bad text. */
static int
day_of(struct rec_str s, int32_t *day)
{
	int64_t secs;

	if (s.len == 0) {
		*day = DATE_NONE;
		return 0;
	}
	if (datetime_parse(s.p, s.len, &secs) < 0)
		return -1;
	*day = (int32_t)((secs - (secs % 86400 + 86400) % 86400) / 86400);
	return 0;
}

/* Quote field value s for a message into q (reset first). */
static const char *
quoted(struct buf *q, struct rec_str s)
{
	buf_reset(q);
	buf_add_quoted(q, s.p, s.len);
	return q->p;
}

/* Status, fine and points of r into v; -1 after rejecting r. */
static int
read_amounts(struct rec_reader *in, const struct rec *r,
	     const struct viol_cols *c, struct viol_rec *v, struct buf *q)
{
	struct rec_str s;
	long long ll;

	if (c->f[VF_STATUS] != REC_NONE) {
		s = r->f[c->f[VF_STATUS]];
		v->st = viol_status_parse(s.p, s.len);
		if (v->st == VIOL_BAD) {
			rec_reject(in, r, "field 'status': expected 未处理, "
				   "已处理 or 已缴款, not '%s'", quoted(q, s));
			return -1;
		}
	}
	if (c->f[VF_FINE] != REC_NONE) {
		s = r->f[c->f[VF_FINE]];
		if (num_dec(s.p, s.len, 2, &v->fine) < 0 || v->fine < 0) {
			rec_reject(in, r, "field 'fine': not an amount in yuan "
				   "(at most 2 decimals): '%s'", quoted(q, s));
			return -1;
		}
	}
	if (c->f[VF_POINTS] != REC_NONE) {
		s = r->f[c->f[VF_POINTS]];
		if (num_ll(s.p, s.len, &ll) < 0 || ll < 0 || ll > 12) {
			rec_reject(in, r, "field 'points': expected a whole "
				   "number from 0 to 12, not '%s'",
				   quoted(q, s));
			return -1;
		}
		v->points = (int)ll;
	}
	return 0;
}

/* The time and the decision and payment days of r into v; -1 after
 * rejecting r. */
static int
read_dates(struct rec_reader *in, const struct rec *r,
	   const struct viol_cols *c, struct viol_rec *v, struct buf *q)
{
	struct rec_str s;

	if (c->f[VF_TIME] != REC_NONE) {
		s = r->f[c->f[VF_TIME]];
		if (datetime_parse(s.p, s.len, &v->time) < 0) {
			rec_reject(in, r, "field 'time': not a time "
				   "(YYYY-MM-DD HH:MM:SS): '%s'", quoted(q, s));
			return -1;
		}
	}
	if (c->f[VF_DECIDED] != REC_NONE) {
		s = r->f[c->f[VF_DECIDED]];
		if (day_of(s, &v->decided) < 0) {
			rec_reject(in, r, "field 'decided_at': not a date: "
				   "'%s'", quoted(q, s));
			return -1;
		}
		if (v->st != VIOL_OPEN && v->decided == DATE_NONE) {
			rec_reject(in, r, "field 'decided_at': empty, but the "
				   "status is %s", viol_status_name(v->st));
			return -1;
		}
	}
	if (c->f[VF_PAID] != REC_NONE) {
		s = r->f[c->f[VF_PAID]];
		if (day_of(s, &v->paid) < 0) {
			rec_reject(in, r, "field 'paid_at': not a date: '%s'",
				   quoted(q, s));
			return -1;
		}
		if (v->st == VIOL_PAID && v->paid == DATE_NONE) {
			rec_reject(in, r, "field 'paid_at': empty, but the "
				   "status is 已缴款");
			return -1;
		}
	}
	return 0;
}

int
viol_rec_read(struct rec_reader *in, const struct rec *r,
	      const struct viol_cols *c, struct viol_rec *v, struct buf *q)
{
	v->st = VIOL_OPEN;
	v->fine = 0;
	v->points = 0;
	v->time = 0;
	v->decided = v->paid = DATE_NONE;
	if (read_amounts(in, r, c, v, q) < 0)
		return -1;
	return read_dates(in, r, c, v, q);
}

void
viol_put_fen(struct rec_writer *w, long long fen)
{
	char b[32];

	rec_writer_put(w, b, num_fmt_dec(b, fen, 2));
}

void
viol_put_day(struct rec_writer *w, int32_t day)
{
	char b[11];

	if (day == DATE_NONE) {
		rec_writer_put(w, "", 0);
		return;
	}
	date_format(day, b);
	rec_writer_puts(w, b);
}

/* ---- licences ---- */

struct viol_licences {
	struct htab by_id;	/* id_no -> struct viol_licence */
	struct arena mem;
};

struct viol_licences *
viol_licences_load(const char *path, const struct rec_reader_opts *ro,
		   struct rec_reader *rejects_into, unsigned long long *nrej)
{
	const char *files[] = { path, NULL };
	struct rec_reader_opts o = *ro;
	struct viol_licences *l = xcalloc(1, sizeof *l);
	struct viol_licence *e;
	struct rec_reader *in;
	const struct rec *r;
	struct buf q = BUF_INIT;
	size_t iid, iname, ifirst;
	int32_t first;
	int isnew;

	htab_init(&l->by_id, sizeof(struct viol_licence));
	arena_init(&l->mem);
	o.rejects_into = rejects_into;
	o.nalias = 0;
	o.spans = NULL;
	o.nspans = 0;
	in = rec_reader_open(files, &o);
	iid = rec_reader_need(in, "id_no");
	iname = rec_reader_need(in, "name");
	ifirst = rec_reader_need(in, "first_issued");
	while ((r = rec_reader_next(in)) != NULL) {
		if (date_parse(r->f[ifirst].p, r->f[ifirst].len, &first) < 0) {
			rec_reject(in, r, "field 'first_issued': not a date "
				   "(YYYY-MM-DD): '%s'",
				   quoted(&q, r->f[ifirst]));
			continue;
		}
		if (r->f[iid].len == 0) {
			rec_reject(in, r, "field 'id_no': empty");
			continue;
		}
		e = htab_put(&l->by_id, r->f[iid].p, r->f[iid].len, &isnew);
		if (!isnew) {
			rec_reject(in, r, "field 'id_no': a second licence for "
				   "the same person");
			continue;
		}
		e->first = first;
		e->name = arena_memdup(&l->mem, r->f[iname].p,
				       r->f[iname].len);
	}
	*nrej = rec_reader_count_rejected(in);
	rec_reader_close(in);
	buf_release(&q);
	return l;
}

const struct viol_licence *
viol_licence_find(const struct viol_licences *l, const char *id, size_t n)
{
	return htab_find(&l->by_id, id, n);
}

void
viol_licences_free(struct viol_licences *l)
{
	if (l == NULL)
		return;
	htab_release(&l->by_id);
	arena_release(&l->mem);
	free(l);
}

/* ---- points ---- */

void
viol_pts_cycle(struct viol_pts *p, const struct viol_licence *lic,
	       int32_t asof)
{
	int y, m, d;

	memset(p, 0, sizeof *p);
	p->lic = lic;
	if (lic != NULL && viol_cycle(lic->first, asof, &p->start,
				      &p->end) == 0) {
		p->cycle_from_licence = 1;
		return;
	}
	date_to_ymd(asof, &y, &m, &d);
	date_from_ymd(y, 1, 1, &p->start);
	date_from_ymd(y + 1, 1, 1, &p->end);
}

void
viol_pts_add(struct viol_pts *p, const struct viol_rec *v, int32_t asof)
{
	if (v->st == VIOL_OPEN || v->points == 0 || v->decided == DATE_NONE ||
	    v->decided > asof)
		return;
	if (v->decided >= p->start)
		p->points += v->points;
	else if (v->st == VIOL_DECIDED || v->paid == DATE_NONE ||
		 v->paid >= p->start)
		p->carried += v->points;
}

int
viol_pts_left(const struct viol_pts *p)
{
	int t = p->points + p->carried;

	return t >= VIOL_FULL_SCORE ? 0 : VIOL_FULL_SCORE - t;
}
