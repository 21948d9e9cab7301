/* poll: tables of units with their ranks, and score records read into
 * them.  See poll.h; the tally of answers is polltally.c. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/htab.h"
#include "base/num.h"
#include "base/util.h"
#include "domain/poll.h"
#include "domain/poll_in.h"

/* ---- tables ---- */

struct poll_row *
poll_table_add(struct poll_table *tb)
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

struct rec_str
poll_table_keep(struct poll_table *tb, struct rec_str s)
{
	struct rec_str k = { arena_memdup(&tb->a, s.p, s.len), s.len };

	if (rec_str_is_null(s))
		k.p = rec_null;
	return k;
}


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
		if (!poll_is_year(r->f[iyear])) {
			rec_reject(in, r, "field 'year': not a year: '%s'",
				   poll_quote(&m, r->f[iyear]));
			continue;
		}
		u = poll_unit(p, r->f[iunit].p, r->f[iunit].len);
		if (u == NULL) {
			rec_reject(in, r, "field 'unit': not a unit of the "
				   "poll: '%s'", poll_quote(&m, r->f[iunit]));
			continue;
		}
		if (read_stats(r, ix, &st, &bad) < 0) {
			rec_reject(in, r, "field '%s': not a number of at most "
				   "%d decimals: '%s'", bad, strcmp(bad, "n") ?
				   bad[0] == 's' ? 2 : 4 : 0,
				   poll_quote(&m, r->f[rec_reader_field(in, bad)]));
			continue;
		}
		row = poll_table_add(tb);
		row->year = atoi(r->f[iyear].p);
		row->u = u;
		for (i = 0; i < tb->nb; i++)
			row->b[i] = poll_table_keep(tb, r->f[by[i]]);
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
