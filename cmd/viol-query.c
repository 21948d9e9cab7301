/* viol-query: a vehicle's violations (帮您查违章).  See viol-query(1). */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/diag.h"
#include "base/durable.h"
#include "base/htab.h"
#include "base/num.h"
#include "base/util.h"
#include "domain/plate.h"
#include "domain/viol.h"
#include "rec/cli.h"
#include "rec/group.h"
#include "rec/mask.h"
#include "rec/sidx.h"

enum {
	OPT_TEXT = 256, OPT_AUDIT, OPT_EXTEND, OPT_MIN
};

/* ---- the violation record ---- */

enum vf {
	VF_PLATE, VF_TYPE, VF_TIME, VF_PLACE, VF_DISTRICT, VF_CODE, VF_STATUS,
	VF_FINE, VF_POINTS, VF_DRIVER, VF_DECISION, VF_DECIDED, VF_PAID, VF_N
};

static const char *const vf_names[VF_N] = {
	"plate", "plate_type", "time", "place", "district", "code", "status",
	"fine", "points", "driver_id", "decision_no", "decided_at", "paid_at"
};

/* Field indexes of the violation data, resolved once from the header. */
struct vcols {
	size_t f[VF_N];
};

static void
vcols_need(struct rec_reader *in, struct vcols *c, const enum vf *which,
	   size_t n)
{
	size_t i;

	for (i = 0; i < VF_N; i++)
		c->f[i] = REC_NONE;
	for (i = 0; i < n; i++)
		c->f[which[i]] = rec_reader_need(in, vf_names[which[i]]);
}

/* What a verb reads of one violation. */
struct viol {
	enum viol_status st;
	long long fine;		/* fen */
	int points;
	int64_t time;		/* seconds, DATE_NONE-free only for plate */
	int32_t decided, paid;	/* days, DATE_NONE when empty */
};

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

/* Parse the fields of r that c names into v.  On bad input rejects r with
 * the reason and returns -1. */
static int
viol_read(struct rec_reader *in, const struct rec *r, const struct vcols *c,
	  struct viol *v, struct buf *q)
{
	struct rec_str s;
	long long ll;

	v->st = VIOL_OPEN;
	v->fine = 0;
	v->points = 0;
	v->time = 0;
	v->decided = v->paid = DATE_NONE;
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

static void
put_fen(struct rec_writer *w, long long fen)
{
	char b[32];

	rec_writer_put(w, b, num_fmt_dec(b, fen, 2));
}

static void
put_day(struct rec_writer *w, int32_t day)
{
	char b[11];

	if (day == DATE_NONE) {
		rec_writer_put(w, "", 0);
		return;
	}
	date_format(day, b);
	rec_writer_puts(w, b);
}

static void
codes_free_v(void *p)
{
	viol_codes_free(p);
}

/* ---- licences and points ---- */

struct licence {
	int32_t first;		/* first_issued */
	const char *name;	/* in the licences' arena */
};

struct licences {
	struct htab by_id;	/* id_no -> struct licence */
	struct arena mem;
};

static void
licences_free_v(void *p)
{
	struct licences *l = p;

	htab_release(&l->by_id);
	arena_release(&l->mem);
	free(l);
}

/* Load the licence file (id_no, name, first_issued); bad lines go to the
 * rejects stream of main (opened before). */
static struct licences *
licences_load(struct cli *cli, const char *path, struct rec_reader *main_in)
{
	const char *files[] = { path, NULL };
	struct rec_reader_opts o = cli->ro;
	struct licences *l = xcalloc(1, sizeof *l);
	struct rec_reader *in;
	const struct rec *r;
	struct licence *e;
	struct buf q = BUF_INIT;
	size_t iid, iname, ifirst;
	int32_t first;
	int isnew;

	htab_init(&l->by_id, sizeof(struct licence));
	arena_init(&l->mem);
	cli_defer(cli, licences_free_v, l);
	o.rejects_into = main_in;
	o.nalias = 0;
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
	if (rec_reader_count_rejected(in) > 0 && cli->status == 0)
		cli->status = JW_EXIT_REJECTS;
	rec_reader_close(in);
	buf_release(&q);
	return l;
}

/* One driver's points. */
struct pts {
	int32_t start, end;	/* scoring cycle, end exclusive */
	int cycle_from_licence;
	int points;		/* decided in this cycle */
	int carried;		/* unpaid from before it */
	const struct licence *lic;
};

static void
pts_cycle(struct pts *p, const struct licence *lic, int32_t asof)
{
	int y, m, d;

	p->lic = lic;
	if (lic != NULL && viol_cycle(lic->first, asof, &p->start,
				      &p->end) == 0) {
		p->cycle_from_licence = 1;
		return;
	}
	date_to_ymd(asof, &y, &m, &d);
	date_from_ymd(y, 1, 1, &p->start);
	date_from_ymd(y + 1, 1, 1, &p->end);
	p->cycle_from_licence = 0;
}

/* Count violation v in p (MPS Order 163): points decided in the cycle (up
 * to asof) count; points decided before it whose fine was not paid before
 * it began carry over. */
static void
pts_add(struct pts *p, const struct viol *v, int32_t asof)
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

static int
pts_left(const struct pts *p)
{
	int t = p->points + p->carried;

	return t >= VIOL_FULL_SCORE ? 0 : VIOL_FULL_SCORE - t;
}

/* ---- plate ---- */

static const struct cli_opt plate_opts[] = {
	{ 'd', "data", CLI_ARG, "DATA", "the violation records (TSV)" },
	{ 'i', "index", CLI_ARG, "INDEX",
	  "the index of DATA (default DATA.idx, used when present)" },
	{ 't', "type", CLI_ARG, "TYPE", "only plates of this plate_type "
	  "(02 small car, 01 large, 52 small new-energy, ...)" },
	{ 'c', "codes", CLI_ARG, "CODES.yaml",
	  "the violation code table (default: the built-in one)" },
	{ 'l', "licences", CLI_ARG, "LICENCES",
	  "licence records: points in the driver's cycle on the total row" },
	{ OPT_TEXT, "text", CLI_NOARG, NULL,
	  "Chinese text to read out, driver ID and name masked" },
	{ OPT_AUDIT, "audit", CLI_ARG, "FILE",
	  "append each lookup (time, user, plate, rows) to FILE" },
	{ 0, NULL, 0, NULL, NULL }
};

/* A plate asked for: its normalised text and what was found. */
struct asked {
	const char *plate;	/* normalised, in the arena */
	size_t len;
	size_t nhits, first;	/* its hits after sorting */
	size_t rejected;	/* its records rejected as bad */
	int valid;
};

/* A violation found: its fields NUL-joined in the arena. */
struct hit {
	size_t asked;
	const char *vals;
	size_t len;
	unsigned long long line;
	struct viol v;
};

struct lookup {
	struct cli *cli;
	struct arena mem;
	struct htab by_plate;	/* normalised plate -> asked index */
	struct asked *a;
	size_t na, capa;
	struct hit *h;
	size_t nh, caph;
	const char *type;	/* -t */
	const char *data;
	size_t nfields;
	struct vcols c;
	struct buf norm, q;
};

/* Ask for plate p[0..n); 1 if it is a plate, 0 if not (norm holds the
 * normalised text then). */
static int
lookup_ask(struct lookup *lk, const char *p, size_t n)
{
	enum plate_kind k;
	size_t *ix;
	int isnew;

	buf_reset(&lk->norm);
	k = plate_norm(p, n, &lk->norm, NULL);
	if (k == PLATE_INVALID)
		return 0;
	ix = htab_put(&lk->by_plate, lk->norm.p, lk->norm.len, &isnew);
	if (!isnew)
		return 1;	/* asked twice: answered once */
	if (lk->na == lk->capa) {
		lk->capa = lk->capa ? 2 * lk->capa : 16;
		lk->a = xreallocarray(lk->a, lk->capa, sizeof *lk->a);
	}
	*ix = lk->na;
	lk->a[lk->na].plate = arena_memdup(&lk->mem, lk->norm.p, lk->norm.len);
	lk->a[lk->na].len = lk->norm.len;
	lk->a[lk->na].nhits = 0;
	lk->a[lk->na].rejected = 0;
	lk->a[lk->na].valid = 1;
	lk->na++;
	return 1;
}

/* Is s a plate asked for?  Returns its index or REC_NONE.  The data's own
 * spelling is tried first; only one that differs is normalised. */
static size_t
lookup_match(struct lookup *lk, struct rec_str s)
{
	size_t *ix = htab_find(&lk->by_plate, s.p, s.len);

	if (ix != NULL)
		return *ix;
	buf_reset(&lk->norm);
	if (plate_norm(s.p, s.len, &lk->norm, NULL) == PLATE_INVALID ||
	    (lk->norm.len == s.len && memcmp(lk->norm.p, s.p, s.len) == 0))
		return REC_NONE;
	ix = htab_find(&lk->by_plate, lk->norm.p, lk->norm.len);
	return ix ? *ix : REC_NONE;
}

/* Keep record r, a violation of asked plate ai. */
static void
lookup_keep(struct lookup *lk, struct rec_reader *in, const struct rec *r,
	    size_t ai)
{
	struct buf *j = &lk->q;
	struct viol v;
	struct hit *h;
	size_t i;

	if (lk->type != NULL &&
	    !rec_str_eq(r->f[lk->c.f[VF_TYPE]],
			(struct rec_str){ lk->type, strlen(lk->type) })) {
		rec_filtered(in, r);
		return;
	}
	if (viol_read(in, r, &lk->c, &v, j) < 0) {
		lk->a[ai].rejected++;
		return;
	}
	buf_reset(j);
	for (i = 0; i < r->n; i++) {
		buf_add(j, r->f[i].p, r->f[i].len);
		buf_addc(j, '\0');
	}
	if (lk->nh == lk->caph) {
		lk->caph = lk->caph ? 2 * lk->caph : 64;
		lk->h = xreallocarray(lk->h, lk->caph, sizeof *lk->h);
	}
	h = &lk->h[lk->nh++];
	h->asked = ai;
	h->vals = arena_memdup(&lk->mem, j->p, j->len);
	h->len = j->len;
	h->line = r->line;
	h->v = v;
}

static void
hit_fields(const struct hit *h, struct rec_str *f, size_t n)
{
	const char *p = h->vals, *z;
	size_t i;

	for (i = 0; i < n; i++) {
		z = memchr(p, '\0', h->len - (size_t)(p - h->vals));
		f[i].p = p;
		f[i].len = (size_t)(z - p);
		p = z + 1;
	}
}

/* Plate order as asked, then newest first (by time, then by line). */
static int
hit_cmp(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;

	if (a->asked != b->asked)
		return a->asked < b->asked ? -1 : 1;
	if (a->v.time != b->v.time)
		return a->v.time > b->v.time ? -1 : 1;
	return a->line > b->line ? -1 : a->line < b->line;
}

/* Raise the status to 1 when the batch reader rejected lines, and close
 * it. */
static void
batch_close(struct lookup *lk, struct rec_reader *in)
{
	if (rec_reader_count_rejected(in) > 0 && lk->cli->status == 0)
		lk->cli->status = JW_EXIT_REJECTS;
	rec_reader_close(in);
}

/* Read the batch of plates on stdin (one a line, no header); a line that
 * is no plate is a reject, into main's rejects stream.  With main_in NULL
 * the batch reader owns the rejects stream and is returned open (the data
 * reader's rejects go into it; close it last, with batch_close()); else
 * it is closed and NULL is returned. */
static struct rec_reader *
lookup_batch(struct lookup *lk, struct rec_reader *main_in)
{
	static const char *const names[] = { "plate" };
	const char *files[] = { "-", NULL };
	struct rec_reader_opts o = lk->cli->ro;
	struct rec_reader *in;
	const struct rec *r;

	o.names = names;
	o.nnames = 1;
	o.nalias = 0;
	o.fmt = REC_TSV;
	o.fmt_auto = 0;
	o.rejects_into = main_in;
	o.spans = NULL;
	o.nspans = 0;
	in = rec_reader_open(files, &o);
	while ((r = rec_reader_next(in)) != NULL) {
		if (r->f[0].len == 0) {
			rec_filtered(in, r);	/* a blank line */
			continue;
		}
		if (!lookup_ask(lk, r->f[0].p, r->f[0].len))
			rec_reject(in, r, "field 'plate': not a plate number: "
				   "'%s'", quoted(&lk->q, r->f[0]));
	}
	if (main_in == NULL)
		return in;
	batch_close(lk, in);
	return NULL;
}

static int
span_cmp(const void *x, const void *y)
{
	const struct rec_span *a = x, *b = y;

	return a->off < b->off ? -1 : a->off > b->off;
}

static void index_opts(struct sidx_opts *o, struct buf *norm,
		       struct buf *cmd, const char *data, const char *ipath);
static const char *data_name(const struct cli *cli, const char *name);

/* The index to use for data: -i INDEX, else DATA.idx when it exists, else
 * NULL (scan).  *def holds the default name. */
static const char *
plate_index(const char *data, const char *ipath, struct buf *def)
{
	struct stat st;

	if (ipath != NULL)
		return ipath;
	buf_printf(def, "%s.idx", data);
	return stat(def->p, &st) == 0 ? def->p : NULL;
}

/* The lines of data holding the plates asked, from the index ix (the
 * covered part) and a scan of what was appended since (sidx_lookup()),
 * in file order.  Exits 4 when the index is stale, corrupt or truncated.
 * Caller frees; *n gets the count. */
static struct rec_span *
index_spans(struct lookup *lk, const char *data, const char *ix,
	    const char *ipath, size_t *n)
{
	struct buf norm = BUF_INIT, cmd = BUF_INIT;
	const struct sidx_hit *h;
	struct rec_span *sp = NULL;
	struct sidx_opts o;
	struct sidx *x;
	size_t cap = 0, k, j, nh;

	index_opts(&o, &norm, &cmd, data, ipath);
	o.field = data_name(lk->cli, "plate");
	x = sidx_open(data, ix, &o);
	*n = 0;
	for (k = 0; k < lk->na; k++) {
		nh = sidx_lookup(x, lk->a[k].plate, lk->a[k].len, &h);
		for (j = 0; j < nh; j++) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				sp = xreallocarray(sp, cap, sizeof *sp);
			}
			sp[*n].off = h[j].off;
			sp[*n].len = h[j].len;
			sp[(*n)++].line = h[j].line;
		}
	}
	sidx_close(x);
	if (*n > 1)
		qsort(sp, *n, sizeof *sp, span_cmp);
	buf_release(&norm);
	buf_release(&cmd);
	return sp;
}

/* Every record of the data, looking for the plates asked. */
static void
lookup_scan(struct lookup *lk, struct rec_reader *in)
{
	const struct rec *r;
	size_t ai;

	while ((r = rec_reader_next(in)) != NULL) {
		ai = lookup_match(lk, r->f[lk->c.f[VF_PLATE]]);
		if (ai == REC_NONE)
			continue;
		lookup_keep(lk, in, r, ai);
	}
}

/* What the caller is to do next for violation v, as of asof. */
static const char *
next_step(const struct viol *v, int32_t asof, int32_t *deadline,
	  int32_t *late, long long *fee)
{
	*deadline = DATE_NONE;
	*late = 0;
	*fee = 0;
	switch (v->st) {
	case VIOL_OPEN:
		return "未处理：请携驾驶证、行驶证到违法地公安交管部门"
		       "（或通过交管12123）接受处理";
	case VIOL_DECIDED:
		*deadline = v->decided + VIOL_PAY_DAYS;
		*late = viol_late_days(v->decided, asof);
		*fee = viol_late_fee(v->fine, *late);
		if (*late > 0)
			return "已逾期：请尽快通过交管12123或代收银行缴纳"
			       "罚款及加处罚款";
		return "待缴款：请于缴款期限前通过交管12123或代收银行"
		       "缴纳罚款";
	default:
		return "已缴款：已办结，无需处理";
	}
}

/* Warn about a record that the code table does not know or disagrees
 * with; returns the entry or NULL. */
static const struct viol_code *
check_code(struct lookup *lk, const struct viol_codes *codes,
	   const struct hit *h, const struct rec_str *f)
{
	struct rec_str code = f[lk->c.f[VF_CODE]];
	const struct viol_code *e = viol_code_find(codes, code.p, code.len);
	char a[32], b[32], c[32];

	if (e == NULL) {
		diag_warn("%s:%llu: field 'code': '%s' is not in the code "
			  "table", lk->data, h->line, quoted(&lk->q, code));
		return NULL;
	}
	if (h->v.fine < e->fine_min || h->v.fine > e->fine_max) {
		num_fmt_dec(a, h->v.fine, 2);
		num_fmt_dec(b, e->fine_min, 2);
		num_fmt_dec(c, e->fine_max, 2);
		diag_warn("%s:%llu: field 'fine': %s is outside %s-%s of code "
			  "%s in the code table", lk->data, h->line, a, b, c,
			  e->code);
	}
	if (h->v.points != e->points)
		diag_warn("%s:%llu: field 'points': %d, but the code table "
			  "gives %d for code %s", lk->data, h->line,
			  h->v.points, e->points, e->code);
	return e;
}

/* The newest decided violation's driver on asked plate ai, or NULL. */
static const struct hit *
plate_driver(const struct lookup *lk, const struct asked *a)
{
	size_t i;

	for (i = a->first; i < a->first + a->nhits; i++)
		if (lk->h[i].v.st != VIOL_OPEN)
			return &lk->h[i];
	return NULL;
}

/* Points of the drivers wanted (keys of want, values struct pts), from
 * one more pass over the data. */
static void
driver_points(struct lookup *lk, struct htab *want, int32_t asof)
{
	static const enum vf pf[] = { VF_DRIVER, VF_STATUS, VF_POINTS,
		VF_DECIDED, VF_PAID };
	const char *files[] = { lk->data, NULL };
	struct rec_reader_opts o = lk->cli->ro;
	struct rec_reader *in;
	const struct rec *r;
	struct vcols c;
	struct viol v;
	struct pts *p;
	size_t w[5], i;

	o.rejects = NULL;	/* the first pass reported the bad records */
	in = rec_reader_open(files, &o);
	vcols_need(in, &c, pf, 5);
	for (i = 0; i < 5; i++)
		w[i] = c.f[pf[i]];
	rec_reader_want(in, w, 5);
	diag_quiet++;
	while ((r = rec_reader_next(in)) != NULL) {
		p = htab_find(want, r->f[c.f[VF_DRIVER]].p,
			      r->f[c.f[VF_DRIVER]].len);
		if (p == NULL || viol_read(in, r, &c, &v, &lk->q) < 0)
			continue;
		pts_add(p, &v, asof);
	}
	rec_reader_close(in);
	diag_quiet--;
}

struct plate_out {
	int text;
	int32_t asof;
	const struct viol_codes *codes;
	struct licences *lic;
	struct htab drivers;	/* driver_id -> struct pts, with -l */
	struct rec_writer *w;
	FILE *tf;		/* --text */
	struct buf m;
};

static void
text_masked(struct buf *b, struct rec_str s)
{
	if (s.len == 0)
		buf_adds(b, "（未确认）");
	else
		mask_value(b, s.p, s.len);
}

/* Write asked plate a's rows (TSV) or its text. */
static void
plate_write(struct lookup *lk, struct plate_out *po, const struct asked *a)
{
	struct rec_str *f = xcalloc(lk->nfields + 1, sizeof *f);
	const struct viol_code *e;
	const struct hit *h, *dh;
	const struct pts *p = NULL;
	const char *ns, *tn;
	long long fines = 0, fees = 0, owed = 0, fee;
	int32_t deadline, late;
	size_t i, k, nopen = 0, nunpaid = 0;
	int points = 0;
	char b1[32], b2[32], d1[11];
	struct buf *m = &po->m;

	for (i = a->first; i < a->first + a->nhits; i++) {
		h = &lk->h[i];
		fines += h->v.fine;
		points += h->v.points;
		nopen += h->v.st == VIOL_OPEN;
		nunpaid += h->v.st == VIOL_DECIDED;
		next_step(&h->v, po->asof, &deadline, &late, &fee);
		fees += fee;
		if (h->v.st == VIOL_DECIDED)
			owed += h->v.fine + fee;
	}
	dh = plate_driver(lk, a);
	if (dh != NULL && po->lic != NULL) {
		hit_fields(dh, f, lk->nfields);
		p = htab_find(&po->drivers, f[lk->c.f[VF_DRIVER]].p,
			      f[lk->c.f[VF_DRIVER]].len);
	}
	if (po->text) {
		buf_reset(m);
		if (a->nhits == 0 && a->rejected == 0) {
			buf_printf(m, "【%s】无违法记录。\n", a->plate);
		} else if (a->nhits == 0) {
			buf_printf(m, "【%s】无可显示的违法记录。\n", a->plate);
		} else {
			hit_fields(&lk->h[a->first], f, lk->nfields);
			tn = viol_plate_type_name(f[lk->c.f[VF_TYPE]].p,
						  f[lk->c.f[VF_TYPE]].len);
			num_fmt_dec(b1, fines, 2);
			buf_printf(m, "【%s】%s%s违法记录 %zu 条（未处理 %zu "
				   "条，待缴款 %zu 条），罚款合计 %s 元，记分"
				   "合计 %d 分。\n", a->plate, tn ? tn : "",
				   tn ? "，" : "", a->nhits, nopen, nunpaid,
				   b1, points);
		}
	}
	for (i = a->first; i < a->first + a->nhits; i++) {
		h = &lk->h[i];
		hit_fields(h, f, lk->nfields);
		e = check_code(lk, po->codes, h, f);
		ns = next_step(&h->v, po->asof, &deadline, &late, &fee);
		if (po->text) {
			char t[20];

			/* Read out as 2026年3月14日 08:12. */
			datetime_format(h->v.time, t);
			buf_printf(m, "第 %zu 条：%.4s年%d月%d日 %.5s，%.*s%.*s\n",
				   i - a->first + 1, t, atoi(t + 5),
				   atoi(t + 8), t + 11,
				   (int)f[lk->c.f[VF_DISTRICT]].len,
				   f[lk->c.f[VF_DISTRICT]].p,
				   (int)f[lk->c.f[VF_PLACE]].len,
				   f[lk->c.f[VF_PLACE]].p);
			buf_printf(m, "  违法行为：%s（代码 %.*s）\n",
				   e ? e->desc : "代码表中无此代码",
				   (int)f[lk->c.f[VF_CODE]].len,
				   f[lk->c.f[VF_CODE]].p);
			num_fmt_dec(b1, h->v.fine, 2);
			buf_printf(m, "  处罚：罚款 %s 元，记 %d 分；状态：%s",
				   b1, h->v.points, viol_status_name(h->v.st));
			if (f[lk->c.f[VF_DECISION]].len)
				buf_printf(m, "，决定书编号 %.*s",
					   (int)f[lk->c.f[VF_DECISION]].len,
					   f[lk->c.f[VF_DECISION]].p);
			buf_adds(m, "\n  驾驶人：");
			text_masked(m, f[lk->c.f[VF_DRIVER]]);
			buf_printf(m, "\n  下一步：%s", ns);
			if (deadline != DATE_NONE) {
				date_format(deadline, d1);
				buf_printf(m, "；缴款期限 %s", d1);
			}
			if (late > 0) {
				num_fmt_dec(b1, fee, 2);
				num_fmt_dec(b2, h->v.fine + fee, 2);
				buf_printf(m, "；已逾期 %d 天，加处罚款 %s 元，"
					   "应缴合计 %s 元", (int)late, b1,
					   b2);
			}
			buf_adds(m, "。\n");
			continue;
		}
		rec_writer_puts(po->w, "violation");
		for (k = 0; k < lk->nfields; k++)
			rec_writer_str(po->w, f[k]);
		rec_writer_puts(po->w, e ? e->desc : "");
		rec_writer_puts(po->w, e ? "1" : "0");
		rec_writer_puts(po->w, ns);
		put_day(po->w, deadline);
		rec_writer_putll(po->w, late);
		put_fen(po->w, fee);
		rec_writer_put(po->w, "", 0);
		rec_writer_put(po->w, "", 0);
		rec_writer_put(po->w, "", 0);
		rec_writer_put(po->w, "", 0);
		rec_writer_end(po->w);
	}
	if (po->text) {
		if (p != NULL) {
			const struct rec_str did = f[lk->c.f[VF_DRIVER]];
			char e1[11];

			hit_fields(dh, f, lk->nfields);
			date_format(p->start, d1);
			date_format(p->end - 1, e1);
			buf_adds(m, "驾驶人 ");
			text_masked(m, did);
			if (p->lic != NULL && p->lic->name[0]) {
				buf_addc(m, ' ');
				mask_value(m, p->lic->name,
					   strlen(p->lic->name));
			}
			buf_printf(m, " 本记分周期（%s 至 %s%s）已记 %d 分"
				   "%s，剩余 %d 分%s。\n", d1, e1,
				   p->cycle_from_licence ? "" : "，按自然年",
				   p->points + p->carried, "", pts_left(p),
				   pts_left(p) == 0 ? "，已满分，驾驶证将被"
				   "扣留，须参加满分学习和考试" : "");
		}
		if (owed > 0) {
			num_fmt_dec(b1, owed, 2);
			buf_printf(m, "待缴款合计 %s 元（含加处罚款）。\n", b1);
		}
		if (a->rejected > 0)
			buf_printf(m, "注意：另有 %zu 条记录有误，未能显示，"
				   "请核实原始数据。\n", a->rejected);
		buf_addc(m, '\n');
		fwrite(m->p, 1, m->len, po->tf);
		free(f);
		return;
	}
	/* The total row. */
	rec_writer_puts(po->w, "total");
	for (k = 0; k < lk->nfields; k++) {
		if (k == lk->c.f[VF_PLATE])
			rec_writer_put(po->w, a->plate, a->len);
		else if (k == lk->c.f[VF_TYPE] && lk->type != NULL)
			rec_writer_puts(po->w, lk->type);
		else if (k == lk->c.f[VF_FINE])
			put_fen(po->w, fines);
		else if (k == lk->c.f[VF_POINTS])
			rec_writer_putll(po->w, points);
		else if (k == lk->c.f[VF_DRIVER] && p != NULL)
			rec_writer_str(po->w, f[k]);
		else
			rec_writer_put(po->w, "", 0);
	}
	rec_writer_puts(po->w, "");
	rec_writer_puts(po->w, "");
	buf_reset(m);
	if (a->nhits == 0 && a->rejected == 0)
		buf_adds(m, "无违法记录");
	else if (nopen + nunpaid == 0)
		buf_adds(m, a->nhits ? "均已办结" : "无可显示的违法记录");
	else
		buf_printf(m, "未处理 %zu 条，待缴款 %zu 条", nopen, nunpaid);
	if (a->rejected > 0)
		buf_printf(m, "；另有 %zu 条记录有误未显示", a->rejected);
	rec_writer_put(po->w, m->p, m->len);
	rec_writer_put(po->w, "", 0);
	rec_writer_put(po->w, "", 0);
	put_fen(po->w, fees);
	put_fen(po->w, owed);
	rec_writer_putll(po->w, (long long)a->nhits);
	if (p != NULL) {
		rec_writer_putll(po->w, p->points + p->carried);
		rec_writer_putll(po->w, pts_left(p));
	} else {
		rec_writer_put(po->w, "", 0);
		rec_writer_put(po->w, "", 0);
	}
	rec_writer_end(po->w);
	free(f);
}

/* The lookup time for the audit log: --asof when given, else the clock
 * (China Standard Time). */
static void
audit_time(struct cli *cli, char out[20])
{
	datetime_format(cli_asof_time(cli), out);
}

#define AUDIT_HEADER "time\tuser\tplate\trows"

static void
audit_write(struct cli *cli, const char *path, const struct lookup *lk)
{
	struct passwd *pw = getpwuid(getuid());
	struct buf line = BUF_INIT;
	const char *user = pw ? pw->pw_name : "?";
	struct stat st;
	char t[20];
	size_t i;

	audit_time(cli, t);
	/* A header first in a new log (a second one, from a race, is
	 * skipped by every reader as a repeated header). */
	if ((stat(path, &st) < 0 || st.st_size == 0) &&
	    dur_append(path, AUDIT_HEADER, strlen(AUDIT_HEADER), 0600) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot append: %s", path,
			 strerror(errno));
	for (i = 0; i < lk->na; i++) {
		buf_reset(&line);
		buf_printf(&line, "%s\t%s\t%s\t%zu", t, user, lk->a[i].plate,
			   lk->a[i].nhits);
		if (dur_append(path, line.p, line.len, 0600) < 0)
			diag_die(JW_EXIT_IO, "%s: cannot append: %s", path,
				 strerror(errno));
	}
	buf_release(&line);
}

static void
lookup_free(struct lookup *lk)
{
	arena_release(&lk->mem);
	htab_release(&lk->by_plate);
	free(lk->a);
	free(lk->h);
	buf_release(&lk->norm);
	buf_release(&lk->q);
}

static int
verb_plate(struct cli *cli, int argc, char *argv[])
{
	static const enum vf need[] = { VF_PLATE, VF_TYPE, VF_TIME, VF_PLACE,
		VF_DISTRICT, VF_CODE, VF_STATUS, VF_FINE, VF_POINTS,
		VF_DRIVER, VF_DECISION, VF_DECIDED, VF_PAID };
	static const char *const added[] = { "description", "code_known",
		"next_step", "deadline", "late_days", "late_fee", "owed",
		"violations", "cycle_points", "points_left" };
	const char *data = NULL, *cpath = NULL, *lpath = NULL, *ipath = NULL;
	const char *ix;
	struct rec_reader *bin = NULL, *rej;
	struct rec_reader_opts ro;
	struct rec_span *spans = NULL, nospan;
	struct buf defidx = BUF_INIT;
	size_t nspans = 0;
	const char *audit = NULL;
	struct lookup lk;
	struct plate_out po;
	struct rec_reader *in;
	const char *files[2];
	int c, batch = 0, i;
	size_t k;

	memset(&lk, 0, sizeof lk);
	memset(&po, 0, sizeof po);
	buf_init(&lk.norm);
	buf_init(&lk.q);
	buf_init(&po.m);
	while ((c = cli_getopt(cli, plate_opts, argc, argv)) != -1)
		switch (c) {
		case 'd': data = cli->optarg; break;
		case 'i': ipath = cli->optarg; break;
		case 't': lk.type = cli->optarg; break;
		case 'c': cpath = cli->optarg; break;
		case 'l': lpath = cli->optarg; break;
		case OPT_TEXT: po.text = 1; break;
		case OPT_AUDIT: audit = cli->optarg; break;
		}
	if (data == NULL)
		cli_usage(cli, "-d DATA is required: the violation records");
	if (cli->nargs == 0)
		cli_usage(cli, "no plate given (a plate number, or '-' for "
			  "one a line on stdin)");
	if (po.text && cli->wo.path != NULL)
		cli_usage(cli, "--text writes to standard output; -o FILE is "
			  "for records");
	po.codes = viol_codes_load(cpath);
	cli_defer(cli, codes_free_v, (void *)po.codes);
	po.asof = cli_asof(cli);
	lk.cli = cli;
	lk.data = data;
	arena_init(&lk.mem);
	htab_init(&lk.by_plate, sizeof(size_t));
	/* Plates on the command line first: an impossible one is a usage
	 * error before any data is read. */
	for (i = 0; i < cli->nargs; i++) {
		if (strcmp(cli->args[i], "-") == 0) {
			batch = 1;
			continue;
		}
		if (!lookup_ask(&lk, cli->args[i], strlen(cli->args[i]))) {
			buf_add_quoted(&lk.q, cli->args[i],
				       strlen(cli->args[i]));
			cli_usage(cli, "'%s' is not a plate number (province, "
				  "authority letter, 5 or 6 letters and digits, "
				  "e.g. 湘M12345, 湘MD12345)", lk.q.p);
		}
	}
	files[0] = data;
	files[1] = NULL;
	ix = plate_index(data, ipath, &defidx);
	if (ix != NULL) {
		/* Only the lines the index names (and those appended since):
		 * the batch is read first, so its reader holds the rejects
		 * stream. */
		if (batch)
			bin = lookup_batch(&lk, NULL);
		spans = index_spans(&lk, data, ix, ipath, &nspans);
		ro = cli->ro;
		ro.spans = spans ? spans : &nospan;
		ro.nspans = nspans;
		ro.rejects_into = bin;
		in = rec_reader_open(files, &ro);
	} else {
		in = cli_open_files(cli, files);
		if (batch)
			lookup_batch(&lk, in);
	}
	vcols_need(in, &lk.c, need, JW_ARRAY_LEN(need));
	lk.nfields = rec_reader_nfields(in);
	rej = bin ? bin : in;
	if (lpath != NULL)
		po.lic = licences_load(cli, lpath, rej);
	lookup_scan(&lk, in);
	free(spans);
	buf_release(&defidx);
	if (lk.nh > 1)
		qsort(lk.h, lk.nh, sizeof *lk.h, hit_cmp);
	for (k = 0; k < lk.nh; k++) {
		struct asked *a = &lk.a[lk.h[k].asked];

		if (a->nhits++ == 0)
			a->first = k;
	}
	if (po.lic != NULL) {
		/* The points of each plate's driver, over all the data. */
		struct rec_str *f = xcalloc(lk.nfields + 1, sizeof *f);
		const struct hit *dh;
		struct pts *p;
		int isnew;

		htab_init(&po.drivers, sizeof(struct pts));
		for (k = 0; k < lk.na; k++) {
			if ((dh = plate_driver(&lk, &lk.a[k])) == NULL)
				continue;
			hit_fields(dh, f, lk.nfields);
			if (f[lk.c.f[VF_DRIVER]].len == 0)
				continue;
			p = htab_put(&po.drivers, f[lk.c.f[VF_DRIVER]].p,
				     f[lk.c.f[VF_DRIVER]].len, &isnew);
			if (isnew)
				pts_cycle(p, htab_find(&po.lic->by_id,
						       f[lk.c.f[VF_DRIVER]].p,
						       f[lk.c.f[VF_DRIVER]].len),
					  po.asof);
		}
		free(f);
		if (po.drivers.count > 0)
			driver_points(&lk, &po.drivers, po.asof);
	}
	if (po.text) {
		po.tf = stdout;
	} else {
		po.w = cli_open_output(cli);
		rec_writer_add(po.w, "row");
		rec_writer_add_fields(po.w, in);
		for (k = 0; k < JW_ARRAY_LEN(added); k++)
			rec_writer_add(po.w, added[k]);
	}
	for (k = 0; k < lk.na; k++)
		plate_write(&lk, &po, &lk.a[k]);
	if (audit != NULL)
		audit_write(cli, audit, &lk);
	if (po.lic != NULL)
		htab_release(&po.drivers);
	buf_release(&po.m);
	lookup_free(&lk);
	if (po.text && (fflush(stdout) != 0 || ferror(stdout)) &&
	    errno != EPIPE)
		diag_die(JW_EXIT_IO, "<stdout>: write error: %s",
			 strerror(errno));
	if (bin == NULL)
		return cli_finish(cli, in, po.w);
	/* The data's reader sends its rejects to the batch's: close it
	 * first. */
	if (rec_reader_count_rejected(in) > 0 && cli->status == 0)
		cli->status = JW_EXIT_REJECTS;
	rec_reader_close(in);
	c = cli_finish(cli, NULL, po.w);
	batch_close(&lk, bin);
	return c > cli->status ? c : cli->status;
}

/* ---- index ---- */

/* The index's keys: each record's plate, normalised as a plate asked for
 * is (a data plate that is no plate has no key). */
static void
plate_keys(void *ctx, struct rec_str v,
	   void (*emit)(void *ectx, const char *k, size_t n), void *ectx)
{
	struct buf *b = ctx;

	buf_reset(b);
	if (plate_norm(v.p, v.len, b, NULL) != PLATE_INVALID)
		emit(ectx, b->p, b->len);
}

/* The index options of data (and the command that rebuilds it, in cmd). */
static void
index_opts(struct sidx_opts *o, struct buf *norm, struct buf *cmd,
	   const char *data, const char *ipath)
{
	memset(o, 0, sizeof *o);
	o->field = "plate";
	o->keys = plate_keys;
	o->keys_ctx = norm;
	o->keys_name = "plate-norm/1";
	buf_reset(cmd);
	buf_adds(cmd, "viol-query index ");
	if (ipath != NULL)
		buf_printf(cmd, "-i %s ", ipath);
	buf_adds(cmd, data);
	o->rebuild = cmd->p;
}

/* The data's name for the program's field name (after -F). */
static const char *
data_name(const struct cli *cli, const char *name)
{
	size_t i;

	for (i = 0; i < cli->ro.nalias; i++)
		if (strcmp(cli->ro.alias_from[i], name) == 0)
			return cli->ro.alias_to[i];
	return name;
}

static const struct cli_opt index_opts_tab[] = {
	{ 'i', "index", CLI_ARG, "INDEX",
	  "write the index here (default DATA.idx)" },
	{ OPT_EXTEND, "extend", CLI_NOARG, NULL,
	  "index only what was appended since the last build" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_index(struct cli *cli, int argc, char *argv[])
{
	struct buf norm = BUF_INIT, cmd = BUF_INIT, def = BUF_INIT;
	const char *ipath = NULL;
	struct sidx_opts o;
	int c, extend = 0;

	while ((c = cli_getopt(cli, index_opts_tab, argc, argv)) != -1)
		if (c == 'i')
			ipath = cli->optarg;
		else if (c == OPT_EXTEND)
			extend = 1;
	if (cli->nargs != 1 || strcmp(cli->args[0], "-") == 0)
		cli_usage(cli, "index takes one DATA file (not standard "
			  "input: the index holds offsets into it)");
	/* The index holds offsets of TSV lines in the file as it is. */
	if (cli->ro.fmt != REC_TSV || cli->ro.encoding != NULL)
		cli_usage(cli, "index reads TSV in UTF-8 only");
	index_opts(&o, &norm, &cmd, cli->args[0], ipath);
	o.field = data_name(cli, "plate");
	if (ipath == NULL) {
		buf_printf(&def, "%s.idx", cli->args[0]);
		ipath = def.p;
	}
	sidx_build(cli->args[0], ipath, &o, extend);
	buf_release(&norm);
	buf_release(&cmd);
	buf_release(&def);
	return cli_finish(cli, NULL, NULL);
}

/* ---- stats ---- */

static const struct cli_opt stats_opts[] = {
	GROUP_OPTS("default district,code; month is time's month"),
	{ 0, NULL, 0, NULL, NULL }
};

static const struct group_agg stats_aggs[] = {
	{ .kind = GROUP_COUNT, .name = "count" },
	{ .kind = GROUP_SUM, .name = "fines", .scale = 2 },
	{ .kind = GROUP_SUM, .name = "points" },
};

#define STATS_MONTH ((size_t)-2)	/* key: the month of time */

static int
verb_stats(struct cli *cli, int argc, char *argv[])
{
	struct group_opts go = GROUP_OPTS_INIT("district,code");
	struct rec_reader *in;
	struct rec_writer *out;
	const struct rec *r;
	const char **names;
	struct rec_str *kv;
	struct group *g;
	struct buf q = BUF_INIT;
	struct vcols vc;
	struct viol vv;
	size_t nk, i, *keys, *want, nwant = 0, itime = REC_NONE, ifine, ipts;
	int64_t v[3];
	int c;

	while ((c = cli_getopt(cli, stats_opts, argc, argv)) != -1)
		group_opt(cli, &go, c);
	if (go.partial && go.merge)
		cli_usage(cli, "--partial and --merge do not go together");
	in = cli_open_inputs(cli);
	out = cli_open_output(cli);
	names = cli_split_list(cli, "-b", go.by, &nk);
	g = group_new_aggs(nk, stats_aggs, JW_ARRAY_LEN(stats_aggs));
	cli_defer(cli, group_free_v, g);
	keys = xcalloc(nk + 1, sizeof *keys);
	want = xcalloc(nk + 4, sizeof *want);
	for (i = 0; i < nk; i++) {
		if (group_is_column(g, names[i]))
			cli_usage(cli, "-b: '%s' names an output column; group "
				  "by another field", names[i]);
		keys[i] = rec_reader_field(in, names[i]);
		if (keys[i] == REC_NONE && strcmp(names[i], "month") == 0 &&
		    !go.merge) {
			keys[i] = STATS_MONTH;
			if (itime == REC_NONE)
				want[nwant++] = itime =
					rec_reader_need(in, "time");
		} else {
			if (keys[i] == REC_NONE)
				keys[i] = rec_reader_need(in, names[i]);
			want[nwant++] = keys[i];
		}
		rec_writer_add(out, names[i]);
	}
	group_columns(g, out, go.partial ? GROUP_W_PARTIAL : 0);
	if (go.merge) {
		group_merge_fields(g, in, keys);
		ifine = ipts = REC_NONE;
	} else {
		want[nwant++] = ifine = rec_reader_need(in, "fine");
		want[nwant++] = ipts = rec_reader_need(in, "points");
		rec_reader_want(in, want, nwant);
	}
	for (i = 0; i < VF_N; i++)
		vc.f[i] = REC_NONE;
	vc.f[VF_FINE] = ifine;
	vc.f[VF_POINTS] = ipts;
	vc.f[VF_TIME] = itime;
	kv = xcalloc(nk + 1, sizeof *kv);
	while ((r = rec_reader_next(in)) != NULL) {
		if (go.merge) {
			group_merge_rec(g, in, r);
			continue;
		}
		/* The same checks as every verb's (fine, points, time). */
		if (viol_read(in, r, &vc, &vv, &q) < 0)
			continue;
		for (i = 0; i < nk; i++)
			kv[i] = keys[i] == STATS_MONTH ?
				(struct rec_str){ r->f[itime].p, 7 } :
				r->f[keys[i]];
		v[0] = GROUP_NOVAL;
		v[1] = vv.fine;
		v[2] = vv.points;
		if (group_add_vals(g, kv, v) < 0)
			rec_reject(in, r, "field 'fine': the sum would "
				   "overflow");
	}
	group_write(g, out, go.partial ? GROUP_W_PARTIAL :
		    go.total ? GROUP_W_TOTAL : 0);
	free(kv);
	free(keys);
	free(want);
	buf_release(&q);
	return cli_finish(cli, in, out);
}

/* ---- late ---- */

static const struct cli_opt late_opts[] = {
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_late(struct cli *cli, int argc, char *argv[])
{
	static const enum vf need[] = { VF_STATUS, VF_FINE, VF_DECIDED };
	struct rec_reader *in;
	struct rec_writer *out;
	const struct rec *r;
	struct buf q = BUF_INIT;
	struct vcols c;
	struct viol v;
	int32_t asof, late;
	long long fee;

	while (cli_getopt(cli, late_opts, argc, argv) != -1)
		;
	if (!cli->asof_given)
		cli_usage(cli, "--asof DATE is required: the day the late "
			  "fees run to");
	asof = cli_asof(cli);
	in = cli_open_inputs(cli);
	vcols_need(in, &c, need, JW_ARRAY_LEN(need));
	out = cli_open_output(cli);
	rec_writer_add_fields(out, in);
	rec_writer_add(out, "deadline");
	rec_writer_add(out, "late_days");
	rec_writer_add(out, "late_fee");
	rec_writer_add(out, "owed");
	while ((r = rec_reader_next(in)) != NULL) {
		if (viol_read(in, r, &c, &v, &q) < 0)
			continue;
		late = v.st == VIOL_DECIDED ? viol_late_days(v.decided, asof) :
		       0;
		if (late == 0) {
			rec_filtered(in, r);
			continue;
		}
		fee = viol_late_fee(v.fine, late);
		rec_writer_rec(out, r);
		put_day(out, v.decided + VIOL_PAY_DAYS);
		rec_writer_putll(out, late);
		put_fen(out, fee);
		put_fen(out, v.fine + fee);
		rec_writer_end(out);
	}
	buf_release(&q);
	return cli_finish(cli, in, out);
}

/* ---- points ---- */

static const struct cli_opt points_opts[] = {
	{ 'l', "licences", CLI_ARG, "LICENCES",
	  "licence records: cycles from first_issued (else calendar years)" },
	{ OPT_MIN, "min", CLI_ARG, "N",
	  "only drivers with N points or more (default 1)" },
	{ 0, NULL, 0, NULL, NULL }
};

struct driver_row {
	const char *id;
	size_t idlen;
	struct pts *p;
};

static int
driver_row_cmp(const void *x, const void *y)
{
	const struct driver_row *a = x, *b = y;
	int ta = a->p->points + a->p->carried, tb = b->p->points +
		 b->p->carried, c;

	if (ta != tb)
		return ta > tb ? -1 : 1;
	c = memcmp(a->id, b->id, a->idlen < b->idlen ? a->idlen : b->idlen);
	return c ? c : (a->idlen > b->idlen) - (a->idlen < b->idlen);
}

static int
verb_points(struct cli *cli, int argc, char *argv[])
{
	static const enum vf need[] = { VF_DRIVER, VF_STATUS, VF_POINTS,
		VF_DECIDED, VF_PAID };
	const char *lpath = NULL;
	struct licences *lic = NULL;
	struct rec_reader *in;
	struct rec_writer *out;
	const struct rec *r;
	struct driver_row *rows;
	struct buf q = BUF_INIT;
	struct htab drivers;
	struct vcols c;
	struct viol v;
	struct pts *p;
	size_t w[5], i, n;
	long min = 1;
	int ch, isnew, total;
	int32_t asof;
	char d[11];

	while ((ch = cli_getopt(cli, points_opts, argc, argv)) != -1)
		if (ch == 'l')
			lpath = cli->optarg;
		else if (ch == OPT_MIN)
			min = cli_long(cli, "--min", 0, 1000);
	if (!cli->asof_given)
		cli_usage(cli, "--asof DATE is required: the day whose scoring "
			  "cycle is counted");
	asof = cli_asof(cli);
	in = cli_open_inputs(cli);
	vcols_need(in, &c, need, JW_ARRAY_LEN(need));
	for (i = 0; i < 5; i++)
		w[i] = c.f[need[i]];
	if (lpath != NULL)
		lic = licences_load(cli, lpath, in);
	rec_reader_want(in, w, 5);
	htab_init(&drivers, sizeof(struct pts));
	while ((r = rec_reader_next(in)) != NULL) {
		struct rec_str id = r->f[c.f[VF_DRIVER]];

		if (viol_read(in, r, &c, &v, &q) < 0)
			continue;
		if (id.len == 0) {
			rec_filtered(in, r);	/* driver not yet known */
			continue;
		}
		p = htab_put(&drivers, id.p, id.len, &isnew);
		if (isnew)
			pts_cycle(p, lic ? htab_find(&lic->by_id, id.p,
						     id.len) : NULL, asof);
		pts_add(p, &v, asof);
	}
	rows = xcalloc(drivers.count + 1, sizeof *rows);
	for (i = n = 0; i < drivers.count; i++) {
		p = htab_val_at(&drivers, i);
		if (p->points + p->carried < min)
			continue;
		rows[n].id = htab_key_at(&drivers, i)->p;
		rows[n].idlen = htab_key_at(&drivers, i)->len;
		rows[n++].p = p;
	}
	if (n > 0)
		qsort(rows, n, sizeof *rows, driver_row_cmp);
	out = cli_open_output(cli);
	rec_writer_add(out, "driver_id");
	rec_writer_add(out, "name");
	rec_writer_add(out, "cycle");
	rec_writer_add(out, "cycle_start");
	rec_writer_add(out, "cycle_end");
	rec_writer_add(out, "points");
	rec_writer_add(out, "carried");
	rec_writer_add(out, "total");
	rec_writer_add(out, "points_left");
	rec_writer_add(out, "full");
	for (i = 0; i < n; i++) {
		p = rows[i].p;
		total = p->points + p->carried;
		rec_writer_put(out, rows[i].id, rows[i].idlen);
		rec_writer_puts(out, p->lic ? p->lic->name : "");
		rec_writer_puts(out, p->cycle_from_licence ? "licence" :
				"calendar");
		date_format(p->start, d);
		rec_writer_puts(out, d);
		date_format(p->end - 1, d);
		rec_writer_puts(out, d);
		rec_writer_putll(out, p->points);
		rec_writer_putll(out, p->carried);
		rec_writer_putll(out, total);
		rec_writer_putll(out, pts_left(p));
		rec_writer_puts(out, total >= VIOL_FULL_SCORE ? "1" : "0");
		rec_writer_end(out);
	}
	free(rows);
	htab_release(&drivers);
	buf_release(&q);
	return cli_finish(cli, in, out);
}

static const struct cli_verb verbs[] = {
	{ "plate", verb_plate, "-d DATA [-i INDEX] [-t TYPE] [-c CODES.yaml] "
	  "[-l LICENCES] [--text] [--audit FILE] [--asof DATE] PLATE...",
	  "every violation of these plates ('-': one a line on stdin)" },
	{ "index", verb_index, "[--extend] [-i INDEX] DATA",
	  "the sidecar index of DATA by plate (DATA.idx)" },
	{ "late", verb_late, "--asof DATE [file ...]",
	  "decided, unpaid violations past 15 days, with the late fee" },
	{ "points", verb_points, "--asof DATE [-l LICENCES] [--min N] "
	  "[file ...]", "points per driver in the current scoring cycle" },
	{ "stats", verb_stats, "[-b FIELDS] [--no-total] [--partial | --merge] "
	  "[file ...]", "violations, fines and points per group" },
	{ NULL, NULL, NULL, "traffic violations: lookups, late fees, points" }
};

int
main(int argc, char *argv[])
{
	return cli_main("viol-query", verbs, argc, argv);
}
