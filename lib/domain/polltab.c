/* poll: tallies of answers and tables of units with their ranks.  See
 * poll.h. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/htab.h"
#include "base/num.h"
#include "base/util.h"
#include "domain/poll.h"
#include "rec/group.h"

/* The aggregates of a tally: sums only, so that a pre-counted answer
 * adds its count at once and partial rows add up. */
enum { A_N, A_SAT, A_WSUM, A_WSQ, A_EXCL, NAGG };
static const struct group_agg aggs[NAGG] = {
	{ .kind = GROUP_SUM, .name = "n" },
	{ .kind = GROUP_SUM, .name = "satisfied" },
	{ .kind = GROUP_SUM, .name = "weight_sum", .scale = POLL_WEIGHT_SCALE },
	{ .kind = GROUP_SUM, .name = "weight_sumsq",
	  .scale = 2 * POLL_WEIGHT_SCALE },
	{ .kind = GROUP_SUM, .name = "excluded" },
};

struct poll_tally {
	const struct poll *p;
	struct rec_reader *in;
	struct group *g;
	size_t iyear, iunit, iq, ians, icount;
	const size_t *by;
	size_t nb, qb;		/* qb: the question's place among by */
	int level, merge;
	size_t want[8 + REC_MAX_FIELDS];
	size_t nwant;
	struct rec_str *kv;
	size_t *keys;		/* key fields under merge (the group keeps
				 * the pointer) */
	const struct poll_unit *lastu;	/* the previous record's unit */
	const struct poll_item *lasti[2];	/* the last two items seen
						 * (answers alternate them) */
	struct buf m, l;		/* message scratch */
	/* A run of plain answers (no count field) of one year, unit and -b
	 * values, added to the group at once: answers come in runs (a
	 * round of one unit), and one hash lookup a run instead of one an
	 * answer is most of the tally's time. */
	struct buf runkey;	/* the run's key bytes */
	struct rec_str *runkv;
	const struct poll_unit *runu;
	int64_t run[NAGG];
	size_t runlen;
	const char *runfile;	/* for the message if a sum overflows */
};

/* Answers in one run at most: its sums stay far from 64 bits. */
#define RUN_MAX 65536

static void
want(struct poll_tally *t, size_t i)
{
	size_t k;

	if (i == REC_NONE)
		return;
	for (k = 0; k < t->nwant; k++)
		if (t->want[k] == i)
			return;
	t->want[t->nwant++] = i;
}

struct poll_tally *
poll_tally_new(const struct poll *p, struct rec_reader *in, const size_t *by,
	       size_t nb, int level, int merge)
{
	struct poll_tally *t = xcalloc(1, sizeof *t);
	size_t i;

	t->p = p;
	t->in = in;
	t->by = by;
	t->nb = nb;
	t->level = level;
	t->merge = merge;
	buf_init(&t->m);
	buf_init(&t->l);
	t->iyear = rec_reader_need(in, "year");
	t->iunit = rec_reader_need(in, "unit");
	t->ians = merge ? REC_NONE : rec_reader_need(in, "answer");
	t->iq = rec_reader_field(in, "question");
	t->icount = merge ? REC_NONE : rec_reader_field(in, "count");
	t->qb = REC_NONE;
	want(t, t->iyear);
	want(t, t->iunit);
	want(t, t->ians);
	want(t, t->icount);
	for (i = 0; i < nb; i++) {
		if (by[i] == t->iq)
			t->qb = i;
		want(t, by[i]);
	}
	if (!merge)
		want(t, t->iq);
	t->g = group_new_aggs(2 + nb, aggs, NAGG);
	t->kv = xcalloc(2 + nb, sizeof *t->kv);
	t->runkv = xcalloc(2 + nb, sizeof *t->runkv);
	buf_init(&t->runkey);
	if (merge) {
		t->keys = xcalloc(2 + nb, sizeof *t->keys);
		t->keys[0] = t->iyear;
		t->keys[1] = t->iunit;
		for (i = 0; i < nb; i++)
			t->keys[2 + i] = by[i];
		group_merge_fields(t->g, in, t->keys);	/* exits 2 */
		for (i = 0; i < rec_reader_nfields(in); i++)
			if (group_is_column(t->g, rec_reader_name(in, i)))
				want(t, i);
	}
	return t;
}

const size_t *
poll_tally_fields(const struct poll_tally *t, size_t *n)
{
	*n = t->nwant;
	return t->want;
}

void
poll_tally_free(struct poll_tally *t)
{
	if (t == NULL)
		return;
	group_free(t->g);
	free(t->kv);
	free(t->runkv);
	buf_release(&t->runkey);
	free(t->keys);
	buf_release(&t->m);
	buf_release(&t->l);
	free(t);
}

static int
is_year(struct rec_str s)
{
	return s.len == 4 && num_is_digit((unsigned char)s.p[0]) &&
	       num_is_digit((unsigned char)s.p[1]) &&
	       num_is_digit((unsigned char)s.p[2]) &&
	       num_is_digit((unsigned char)s.p[3]);
}

/* s quoted for a message, in b. */
static const char *
q(struct buf *b, struct rec_str s)
{
	buf_reset(b);
	buf_add_quoted(b, s.p, s.len);
	return b->p;
}

static void
answers_list(struct buf *b, const struct poll_scale *sc)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < sc->n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", sc->a[i].text);
}

/* The record's year and unit (rolled up to the level), or NULL after
 * rejecting it. */
static const struct poll_unit *
year_unit(struct poll_tally *t, const struct rec *r)
{
	const struct poll_unit *u = t->lastu;
	struct rec_str us = r->f[t->iunit];

	if (!is_year(r->f[t->iyear])) {
		rec_reject(t->in, r, "field 'year': not a year: '%s'",
			   q(&t->m, r->f[t->iyear]));
		return NULL;
	}
	if (u == NULL || u->len != us.len || !poll_same(u->name, us.p, us.len))
		u = poll_unit(t->p, us.p, us.len);
	if (u == NULL) {
		rec_reject(t->in, r, "field 'unit': %s: '%s'", us.len ?
			   "not a unit of the poll" : "empty", q(&t->m, us));
		return NULL;
	}
	t->lastu = u;
	if (t->level > 0 && (u = poll_unit_at(u, t->level)) == NULL) {
		rec_reject(t->in, r, "field 'unit': '%s' is above level %d",
			   q(&t->m, us), t->level);
		return NULL;
	}
	return u;
}

static int
is_item(const struct poll_item *it, struct rec_str s)
{
	return it != NULL && it->len == s.len && poll_same(it->id, s.p, s.len);
}

/* The record's item, or NULL after rejecting or filtering it. */
static const struct poll_item *
item_of(struct poll_tally *t, const struct rec *r)
{
	const struct poll_item *it;
	struct rec_str qs;

	if (t->iq == REC_NONE)
		return t->p->overall;
	qs = r->f[t->iq];
	if (is_item(t->lasti[0], qs)) {
		it = t->lasti[0];
	} else if (is_item(t->lasti[1], qs)) {
		it = t->lasti[1];
		t->lasti[1] = t->lasti[0];
		t->lasti[0] = it;
	} else if ((it = poll_item(t->p, qs.p, qs.len)) != NULL) {
		t->lasti[1] = t->lasti[0];
		t->lasti[0] = it;
	} else {
		rec_reject(t->in, r, "field 'question': not an item of the "
			   "poll: '%s'", q(&t->m, qs));
		return NULL;
	}
	if (t->qb == REC_NONE && it != t->p->overall) {
		rec_filtered(t->in, r);
		return NULL;
	}
	return it;
}

static void
run_flush(struct poll_tally *t)
{
	if (t->runlen == 0)
		return;
	if (group_add_vals(t->g, t->runkv, t->run) < 0)
		diag_die(JW_EXIT_INTERNAL, "%s: the sums of %s in %.*s pass 64 "
			 "bits", t->runfile, t->runu->name,
			 (int)t->runkv[0].len, t->runkv[0].p);
	t->runlen = 0;
	memset(t->run, 0, sizeof t->run);
}

/* Whether kv (year, unit u, -b values) is the run's key. */
static int
in_run(const struct poll_tally *t, const struct poll_unit *u)
{
	size_t i;

	if (t->runlen == 0 || u != t->runu ||
	    t->kv[0].len != t->runkv[0].len ||
	    !poll_same(t->kv[0].p, t->runkv[0].p, t->kv[0].len))
		return 0;
	for (i = 0; i < t->nb; i++)
		if (t->kv[2 + i].len != t->runkv[2 + i].len ||
		    !poll_same(t->kv[2 + i].p, t->runkv[2 + i].p,
			       t->kv[2 + i].len) ||
		    rec_str_is_null(t->kv[2 + i]) !=
		    rec_str_is_null(t->runkv[2 + i]))
			return 0;
	return 1;
}

/* Start a run with the key in t->kv (copied: the record moves on). */
static void
run_start(struct poll_tally *t, const struct poll_unit *u, const char *file)
{
	size_t i, k = 2 + t->nb, off = 0;

	buf_reset(&t->runkey);
	for (i = 0; i < k; i++)
		buf_add(&t->runkey, t->kv[i].p, t->kv[i].len);
	for (i = 0; i < k; i++) {
		t->runkv[i].p = rec_str_is_null(t->kv[i]) ? rec_null :
				t->runkey.p + off;
		t->runkv[i].len = t->kv[i].len;
		off += t->kv[i].len;
	}
	t->runu = u;
	t->runfile = file;
}

static void
run_add(struct poll_tally *t, const struct poll_unit *u, const int64_t *v,
	const char *file)
{
	size_t i;

	if (!in_run(t, u) || t->runlen == RUN_MAX) {
		run_flush(t);
		run_start(t, u, file);
	}
	for (i = 0; i < NAGG; i++)
		t->run[i] += v[i];
	t->runlen++;
}

void
poll_tally_add(struct poll_tally *t, const struct rec *r)
{
	const struct poll_unit *u;
	const struct poll_item *it;
	const struct poll_answer *a;
	long long cnt = 1, w2;
	int64_t v[NAGG];
	size_t i;
	int ai;

	if ((u = year_unit(t, r)) == NULL)
		return;
	if (t->merge) {
		if (t->qb != REC_NONE && item_of(t, r) == NULL)
			return;
		if (!rec_str_eq(r->f[t->iunit], (struct rec_str){ u->name,
								 u->len })) {
			rec_reject(t->in, r, "field 'unit': '%s' is not at "
				   "level %d", u->name, t->level);
			return;
		}
		group_merge_rec(t->g, t->in, r);	/* rejects itself */
		return;
	}
	if ((it = item_of(t, r)) == NULL)
		return;
	ai = poll_answer(it->scale, r->f[t->ians].p, r->f[t->ians].len);
	if (ai < 0) {
		answers_list(&t->l, it->scale);
		rec_reject(t->in, r, "field 'answer': '%s' is not on the scale"
			   " '%s' (%s)", q(&t->m, r->f[t->ians]),
			   it->scale->name, t->l.p);
		return;
	}
	a = &it->scale->a[ai];
	if (t->icount != REC_NONE &&
	    (num_ll(r->f[t->icount].p, r->f[t->icount].len, &cnt) < 0 ||
	     cnt < 0)) {
		rec_reject(t->in, r, "field 'count': not a count: '%s'",
			   q(&t->m, r->f[t->icount]));
		return;
	}
	memset(v, 0, sizeof v);
	if (a->in_base) {
		v[A_N] = cnt;
		v[A_SAT] = a->satisfied ? cnt : 0;
		if (__builtin_mul_overflow(cnt, a->weight, &v[A_WSUM]) ||
		    __builtin_mul_overflow(a->weight, a->weight, &w2) ||
		    __builtin_mul_overflow(cnt, w2, &v[A_WSQ])) {
			rec_reject(t->in, r, "field 'count': too large to "
				   "add up: '%s'", q(&t->m,
						     r->f[t->icount]));
			return;
		}
	} else {
		v[A_EXCL] = cnt;
	}
	t->kv[0] = r->f[t->iyear];
	t->kv[1].p = u->name;
	t->kv[1].len = u->len;
	for (i = 0; i < t->nb; i++)
		t->kv[2 + i] = r->f[t->by[i]];
	if (t->icount == REC_NONE) {
		run_add(t, u, v, r->file);
		return;
	}
	/* A pre-counted answer may be huge: added alone, so that a sum
	 * that would overflow rejects just this record. */
	if (group_add_vals(t->g, t->kv, v) < 0)
		rec_reject(t->in, r, "the unit's sums would overflow 64 bits");
}

void
poll_tally_partial(struct poll_tally *t, const struct rec_reader *in,
		   struct rec_writer *w)
{
	size_t i;

	run_flush(t);
	rec_writer_add(w, "year");
	rec_writer_add(w, "unit");
	for (i = 0; i < t->nb; i++)
		rec_writer_add(w, rec_reader_name(in, t->by[i]));
	group_columns(t->g, w, GROUP_W_PARTIAL);
	group_write(t->g, w, GROUP_W_PARTIAL);
}

/* ---- from a tally to a table ---- */

struct fill {
	struct poll_tally *t;
	struct poll_table *tb;
};

static struct poll_row *
table_add(struct poll_table *tb)
{
	struct poll_row *r;

	if (tb->n == tb->cap) {
		tb->cap = tb->cap ? tb->cap * 2 : 64;
		tb->rows = xreallocarray(tb->rows, tb->cap, sizeof *tb->rows);
	}
	r = &tb->rows[tb->n++];
	memset(r, 0, sizeof *r);
	r->b = arena_alloc(&tb->a, (tb->nb + 1) * sizeof *r->b);
	return r;
}

static struct rec_str
keep(struct poll_table *tb, struct rec_str s)
{
	struct rec_str k = { arena_memdup(&tb->a, s.p, s.len), s.len };

	if (rec_str_is_null(s))
		k.p = rec_null;
	return k;
}

static void
fill_one(void *ctx, const struct rec_str *k, const int64_t *v)
{
	struct fill *f = ctx;
	const struct poll *p = f->t->p;
	const struct poll_item *it = p->overall;
	struct poll_sums sm;
	struct poll_row *r;
	size_t i;

	if (f->t->qb != REC_NONE)
		it = poll_item(p, k[2 + f->t->qb].p, k[2 + f->t->qb].len);
	r = table_add(f->tb);
	r->year = atoi(k[0].p);
	r->u = poll_unit(p, k[1].p, k[1].len);
	for (i = 0; i < f->tb->nb; i++)
		r->b[i] = keep(f->tb, k[2 + i]);
	sm.n = (unsigned long long)v[A_N];
	sm.satisfied = (unsigned long long)v[A_SAT];
	sm.wsum = (poll_u128)v[A_WSUM];
	sm.wsq = (poll_u128)v[A_WSQ];
	sm.excluded = (unsigned long long)v[A_EXCL];
	poll_stats_sums(p, it->scale, &sm, &r->st);
}

void
poll_tally_table(struct poll_tally *t, struct poll_table *tb)
{
	struct fill f = { t, tb };

	run_flush(t);
	group_each(t->g, fill_one, &f);
}

/* ---- tables ---- */

void
poll_table_init(struct poll_table *tb, size_t nb)
{
	memset(tb, 0, sizeof *tb);
	tb->nb = nb;
	arena_init(&tb->a);
}

void
poll_table_release(struct poll_table *tb)
{
	free(tb->rows);
	arena_release(&tb->a);
	memset(tb, 0, sizeof *tb);
}

int
poll_is_scores(const struct rec_reader *in)
{
	return rec_reader_field(in, "n") != REC_NONE &&
	       rec_reader_field(in, "score") != REC_NONE;
}

/* An optional fixed-decimal field: 1 when set, 0 when absent or empty, -1
 * when not a number of at most dec decimals. */
static int
opt_dec(const struct rec *r, size_t i, int dec, long long *v)
{
	if (i == REC_NONE || r->f[i].len == 0)
		return 0;
	return num_dec(r->f[i].p, r->f[i].len, dec, v) < 0 ? -1 : 1;
}

/* The key of a row for duplicate checks: -b values, year, unit. */
static void
row_key(struct buf *k, const struct rec_str *b, size_t nb, int year,
	const struct poll_unit *u)
{
	size_t i;

	buf_reset(k);
	for (i = 0; i < nb; i++)
		buf_add(k, b[i].p, b[i].len + 1);
	buf_printf(k, "%d", year);
	buf_add(k, "", 1);
	buf_add(k, u->name, u->len);
}

static int
read_stats(const struct rec *r, const size_t *ix, struct poll_stats *st,
	   const char **bad)
{
	long long n, v[6];
	int h[6], i;
	static const int dec[6] = { 2, 2, 2, 4, 4, 4 };
	static const char *const name[6] = {
		"score", "score_low", "score_high", "rate", "rate_low",
		"rate_high"
	};

	if (num_ll(r->f[ix[0]].p, r->f[ix[0]].len, &n) < 0 || n < 0) {
		*bad = "n";
		return -1;
	}
	for (i = 0; i < 6; i++)
		if ((h[i] = opt_dec(r, ix[1 + i], dec[i], &v[i])) < 0 ||
		    (h[i] == 1 && v[i] < 0)) {
			*bad = name[i];
			return -1;
		}
	if (h[0] != 1) {
		*bad = "score";
		return -1;
	}
	memset(st, 0, sizeof *st);
	st->n = (unsigned long long)n;
	st->score = v[0];
	st->has_score_ci = h[1] == 1 && h[2] == 1;
	st->score_low = v[1];
	st->score_high = v[2];
	st->has_rate = h[3] == 1;
	st->rate = v[3];
	st->rate_low = h[4] == 1 ? v[4] : v[3];
	st->rate_high = h[5] == 1 ? v[5] : v[3];
	return 0;
}

void
poll_table_read(const struct poll *p, struct poll_table *tb,
		struct rec_reader *in, const size_t *by)
{
	static const char *const names[] = {
		"n", "score", "score_low", "score_high", "rate", "rate_low",
		"rate_high"
	};
	struct buf m = BUF_INIT, k = BUF_INIT;
	struct htab seen;
	const struct poll_unit *u;
	const struct rec *r;
	struct poll_stats st;
	struct poll_row *row;
	size_t iyear, iunit, ix[7], i;
	const char *bad;
	int isnew;

	htab_init(&seen, sizeof(unsigned long long));
	iyear = rec_reader_need(in, "year");
	iunit = rec_reader_need(in, "unit");
	ix[0] = rec_reader_need(in, "n");
	ix[1] = rec_reader_need(in, "score");
	for (i = 2; i < 7; i++)
		ix[i] = rec_reader_field(in, names[i]);
	while ((r = rec_reader_next(in)) != NULL) {
		if (!is_year(r->f[iyear])) {
			rec_reject(in, r, "field 'year': not a year: '%s'",
				   q(&m, r->f[iyear]));
			continue;
		}
		u = poll_unit(p, r->f[iunit].p, r->f[iunit].len);
		if (u == NULL) {
			rec_reject(in, r, "field 'unit': not a unit of the "
				   "poll: '%s'", q(&m, r->f[iunit]));
			continue;
		}
		if (read_stats(r, ix, &st, &bad) < 0) {
			rec_reject(in, r, "field '%s': not a number of at most "
				   "%d decimals: '%s'", bad, strcmp(bad, "n") ?
				   bad[0] == 's' ? 2 : 4 : 0,
				   q(&m, r->f[rec_reader_field(in, bad)]));
			continue;
		}
		row = table_add(tb);
		row->year = atoi(r->f[iyear].p);
		row->u = u;
		for (i = 0; i < tb->nb; i++)
			row->b[i] = keep(tb, r->f[by[i]]);
		row_key(&k, row->b, tb->nb, row->year, u);
		*(unsigned long long *)htab_put(&seen, k.p, k.len, &isnew) +=
			0;
		if (!isnew) {
			tb->n--;
			rec_reject(in, r, "field 'unit': '%s' has a score for "
				   "%d already", u->name, row->year);
			continue;
		}
		st.small = st.n < (unsigned long long)p->min_n;
		row->st = st;
	}
	htab_release(&seen);
	buf_release(&m);
	buf_release(&k);
}

/* ---- ranking a table ---- */

static size_t sort_nb;

static int
cmp_group(const struct poll_row *x, const struct poll_row *y)
{
	size_t i;
	int c;

	for (i = 0; i < sort_nb; i++)
		if ((c = rec_str_cmp(x->b[i], y->b[i])) != 0)
			return c;
	if (x->u->level != y->u->level)
		return x->u->level - y->u->level;
	return (x->year > y->year) - (x->year < y->year);
}

static int
by_group_unit(const void *a, const void *b)
{
	const struct poll_row *x = a, *y = b;
	int c = cmp_group(x, y);

	if (c != 0)
		return c;
	return (x->u->no > y->u->no) - (x->u->no < y->u->no);
}

static int
by_group_pos(const void *a, const void *b)
{
	const struct poll_row *x = a, *y = b;
	int c = cmp_group(x, y);

	if (c != 0)
		return c;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static void
rank_group(const struct poll *p, struct poll_row *rows, size_t n,
	   int by_rate)
{
	struct poll_ranked *r = xcalloc(n + 1, sizeof *r);
	const struct poll_tier *t;
	size_t i, of;

	for (i = 0; i < n; i++) {
		const struct poll_stats *st = &rows[i].st;

		r[i].tag = i;
		r[i].small = st->small || (by_rate && !st->has_rate);
		r[i].value = by_rate ? st->rate : st->score;
		r[i].low = by_rate ? st->rate_low : st->score_low;
		r[i].high = by_rate ? st->rate_high : st->score_high;
		r[i].has_ci = by_rate ? st->has_rate : st->has_score_ci;
	}
	of = poll_rank(r, n, by_rate ? POLL_RATE_DEC : POLL_SCORE_DEC,
		       by_rate ? p->prec_rate : p->prec_score, p->ties);
	for (i = 0; i < n; i++) {
		struct poll_row *w = &rows[r[i].tag];

		w->pos = i;
		w->rank = r[i].rank;
		w->best = r[i].best;
		w->worst = r[i].worst;
		w->above = r[i].above;
		w->below = r[i].below;
		w->of = (long)of;
		w->tier = NULL;
		if (w->rank > 0) {
			t = poll_tier_of(p, w->best, w->worst, of);
			w->tier = t ? t->name : p->others;
		}
	}
	free(r);
}

void
poll_table_rank(const struct poll *p, struct poll_table *tb, int by_rate)
{
	struct buf k = BUF_INIT;
	struct htab at;
	struct poll_row *w, *prev;
	size_t i, j, *slot;

	if (tb->n == 0)
		return;
	sort_nb = tb->nb;
	qsort(tb->rows, tb->n, sizeof *tb->rows, by_group_unit);
	for (i = 0; i < tb->n; i = j) {
		for (j = i + 1; j < tb->n &&
		     cmp_group(&tb->rows[i], &tb->rows[j]) == 0; j++)
			;
		rank_group(p, tb->rows + i, j - i, by_rate);
	}
	/* Movements: against the same unit a calendar year before; a
	 * year without a poll (or without this unit) breaks a streak. */
	htab_init(&at, sizeof(size_t));
	for (i = 0; i < tb->n; i++) {
		w = &tb->rows[i];
		row_key(&k, w->b, tb->nb, w->year, w->u);
		*(size_t *)htab_put(&at, k.p, k.len, NULL) = i + 1;
	}
	for (i = 0; i < tb->n; i++) {
		w = &tb->rows[i];
		if (w->rank == 0)
			continue;
		w->streak = 1;
		row_key(&k, w->b, tb->nb, w->year - 1, w->u);
		slot = htab_find(&at, k.p, k.len);
		prev = slot ? &tb->rows[*slot - 1] : NULL;
		if (prev == NULL || prev->rank == 0)
			continue;
		w->has_change = 1;
		w->change = prev->rank - w->rank;
		if (strcmp(prev->tier, w->tier) == 0)
			w->streak = prev->streak + 1;
	}
	htab_release(&at);
	buf_release(&k);
	qsort(tb->rows, tb->n, sizeof *tb->rows, by_group_pos);
}
