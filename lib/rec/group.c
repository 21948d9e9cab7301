/* group: grouping and aggregates.  See group.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/htab.h"
#include "base/num.h"
#include "base/util.h"
#include "rec/fsel.h"
#include "rec/group.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/* Adds in flight: a key's table memory is prefetched when it comes and
 * its count added RING - 1 adds later (see htab_prefetch()). */
#define RING 4

/* A NULL key value is held as this byte, which valid UTF-8 never has: it
 * keeps NULL apart from '' and sorts after every other value. */
#define NULL_KEY "\xff"

/* How a slot combines with another (merging, the total row). */
enum { OP_ADD, OP_MIN, OP_MAX };

/* A partial column: one slot of the value. */
struct part {
	const char *name;
	size_t slot;
	int scale;
	int op;
	int is_n;		/* a count: never negative */
	size_t in;		/* its field in the merge input */
};

struct pending {
	struct buf key;		/* a copy of a long or joined key: the
				 * record's bytes move on */
	struct htab_probe pr;
	uint64_t n;
};

struct group {
	size_t nkeys;
	struct htab h;		/* key -> nslots int64_t */
	struct pending ring[RING];
	size_t head, inflight;	/* next ring entry; entries in flight */

	struct group_agg *a;
	size_t na;
	size_t *off;		/* per aggregate: its first slot */
	size_t nslots;		/* slot 0 is the record count */
	int64_t *tot;		/* the total row's slots */
	int64_t *init;		/* a new group's slots */
	int64_t *tmp;		/* scratch: a group's slots being combined */
	int64_t *row;		/* scratch: one record's or row's slots */
	int *ops;		/* per slot: how it combines (OP_) */
	struct part *parts;
	size_t nparts;
	struct arena mem;	/* part names */
	struct buf key;		/* scratch key for synchronous adds */

	/* group_start()'s. */
	struct group_opts o;
	int pretty;		/* --opretty: name NULL and empty keys */
	const size_t *keys;
	struct rec_str *kv;
	struct buf q;
};

/* ---- decimals ---- */

static const int64_t pow10_[GROUP_MAX_SCALE * 2 + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000,
	10000000000000, 100000000000000, 1000000000000000,
	10000000000000000, 100000000000000000, 1000000000000000000
};


/* a / d to out decimals, rounded half away from zero, into s (64 bytes).
 * d > 0.  Long division, exact while 10 * d fits. */
static void
fmt_ratio(char *s, i128 a, i128 d, int out)
{
	u128 m = a < 0 ? (u128)0 - (u128)a : (u128)a, ud = (u128)d, q, r;
	char dig[GROUP_MAX_SCALE + 2] = { 0 }, ip[48], *p = s;
	int n = 0, i;

	q = m / ud;
	r = m % ud;
	/* The decimals, then one more digit to round on. */
	for (i = 0; i <= out; i++) {
		r *= 10;
		dig[i] = (char)(r / ud);
		r %= ud;
	}
	if (dig[out] >= 5) {
		for (i = out - 1; i >= 0 && dig[i] == 9; i--)
			dig[i] = 0;
		if (i >= 0)
			dig[i]++;
		else
			q++;
	}
	if (a < 0 && (q != 0 || out > 0)) {
		for (i = 0; i < out && dig[i] == 0; i++)
			;
		if (q != 0 || i < out)
			*p++ = '-';
	}
	do {
		ip[sizeof ip - ++n] = (char)('0' + (int)(q % 10));
		q /= 10;
	} while (q != 0);
	memcpy(p, ip + sizeof ip - n, (size_t)n);
	p += n;
	if (out > 0) {
		*p++ = '.';
		for (i = 0; i < out; i++)
			*p++ = (char)('0' + dig[i]);
	}
	*p = '\0';
}

/* x * 10^k into *r, or -1 on overflow (for the long division: *r * 10
 * must fit too). */
static int
scale_up(i128 x, int k, i128 *r)
{
	i128 lim = ((i128)1 << 122);

	while (k-- > 0) {
		if (x > lim || x < -lim)
			return -1;
		x *= 10;
	}
	if (x > lim || x < -lim)
		return -1;
	*r = x;
	return 0;
}

/* Write a / d (d > 0) to out decimals; NULL when d is 0.  When the exact
 * operands do not fit, a long double gives the nearest. */
static void
put_ratio(struct rec_writer *w, i128 a, int ascale, i128 d, int dscale,
	  int out)
{
	char s[64];
	i128 x, y;

	if (d == 0) {
		rec_writer_put(w, rec_null, 0);
		return;
	}
	if (d < 0) {
		a = -a;
		d = -d;
	}
	/* (a / 10^ascale) / (d / 10^dscale) = a 10^dscale / (d 10^ascale) */
	if (scale_up(a, dscale, &x) == 0 && scale_up(d, ascale, &y) == 0) {
		fmt_ratio(s, x, y, out);
	} else {
		long double v = (long double)a / (long double)d;

		v *= (long double)pow10_[dscale] / (long double)pow10_[ascale];
		snprintf(s, sizeof s, "%.*Lf", out, v);
	}
	rec_writer_puts(w, s);
}

static void
put_dec(struct rec_writer *w, int64_t v, int scale)
{
	char s[32];

	rec_writer_put(w, s, num_fmt_dec(s, v, scale));
}

/* ---- the table ---- */

static const struct group_agg count_only = { .kind = GROUP_COUNT,
					     .name = "count" };

static size_t
nslots_of(enum group_kind k)
{
	switch (k) {
	case GROUP_SUM: case GROUP_MIN: case GROUP_MAX: return 1;
	case GROUP_MEAN: return 2;
	case GROUP_VAR: return 3;
	default: return 0;
	}
}

static void
add_part(struct group *g, const char *name, const char *suffix,
	 size_t slot, int scale, int op, int is_n)
{
	struct part *p = &g->parts[g->nparts++];
	struct buf b = BUF_INIT;

	buf_adds(&b, name);
	buf_adds(&b, suffix);
	p->name = arena_strdup(&g->mem, b.p);
	buf_release(&b);
	p->slot = slot;
	p->scale = scale;
	p->op = op;
	p->is_n = is_n;
	p->in = REC_NONE;
}

static int
is_sum(const struct group *g, size_t i)
{
	return g->a[i].kind == GROUP_COUNT || g->a[i].kind == GROUP_SUM;
}

struct group *
group_new_aggs(size_t nkeys, const struct group_agg *a, size_t na)
{
	struct group *g = xcalloc(1, sizeof *g);
	size_t i, s, ncount = 0;
	const struct group_agg *x;

	g->nkeys = nkeys;
	g->na = na;
	g->a = xcalloc(na + 1, sizeof *g->a);
	memcpy(g->a, a, na * sizeof *a);
	g->off = xcalloc(na + 1, sizeof *g->off);
	g->parts = xcalloc(3 * na + 1, sizeof *g->parts);
	arena_init(&g->mem);
	buf_init(&g->key);
	buf_init(&g->q);
	g->nslots = 1;
	for (i = 0; i < na; i++) {
		x = &a[i];
		if (x->scale < 0 || x->scale > GROUP_MAX_SCALE ||
		    x->out < 0 || x->out > GROUP_MAX_SCALE || x->name == NULL)
			diag_die(JW_EXIT_INTERNAL, "bug: group aggregate %zu: "
				 "bad scale or no name", i);
		if ((x->kind == GROUP_RATIO || x->kind == GROUP_CHANGE) &&
		    (x->of >= i || x->per >= i || !is_sum(g, x->of) ||
		     !is_sum(g, x->per)))
			diag_die(JW_EXIT_INTERNAL, "bug: group aggregate '%s': "
				 ".of and .per must name earlier COUNT or SUM "
				 "aggregates", x->name);
		if (x->kind == GROUP_VAR && x->scale > GROUP_MAX_SCALE / 2)
			diag_die(JW_EXIT_INTERNAL, "bug: group aggregate '%s': "
				 "a variance's scale is at most %d", x->name,
				 GROUP_MAX_SCALE / 2);
		if (x->kind == GROUP_COUNT && ncount++ > 0)
			diag_die(JW_EXIT_INTERNAL, "bug: group aggregate '%s': "
				 "one COUNT is enough", x->name);
		g->off[i] = x->kind == GROUP_COUNT ? 0 : g->nslots;
		g->nslots += nslots_of(x->kind);
	}
	g->tot = xcalloc(g->nslots, sizeof *g->tot);
	g->init = xcalloc(g->nslots, sizeof *g->init);
	g->tmp = xcalloc(g->nslots, sizeof *g->tmp);
	g->row = xcalloc(g->nslots, sizeof *g->row);
	g->ops = xcalloc(g->nslots, sizeof *g->ops);	/* OP_ADD is 0 */
	for (i = 0; i < na; i++) {
		x = &a[i];
		s = g->off[i];
		switch (x->kind) {
		case GROUP_COUNT:
			add_part(g, x->name, "", 0, 0, OP_ADD, 1);
			break;
		case GROUP_SUM:
			add_part(g, x->name, "", s, x->scale, OP_ADD, 0);
			break;
		case GROUP_MIN:
			g->init[s] = INT64_MAX;
			add_part(g, x->name, "", s, x->scale, OP_MIN, 0);
			break;
		case GROUP_MAX:
			g->init[s] = INT64_MIN;
			add_part(g, x->name, "", s, x->scale, OP_MAX, 0);
			break;
		case GROUP_MEAN:
			add_part(g, x->name, "_n", s, 0, OP_ADD, 1);
			add_part(g, x->name, "_sum", s + 1, x->scale, OP_ADD, 0);
			break;
		case GROUP_VAR:
			add_part(g, x->name, "_n", s, 0, OP_ADD, 1);
			add_part(g, x->name, "_sum", s + 1, x->scale, OP_ADD, 0);
			add_part(g, x->name, "_sumsq", s + 2, 2 * x->scale,
				 OP_ADD, 0);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < g->nparts; i++)
		g->ops[g->parts[i].slot] = g->parts[i].op;
	memcpy(g->tot, g->init, g->nslots * sizeof *g->tot);
	htab_init(&g->h, g->nslots * sizeof(int64_t));
	for (i = 0; i < RING; i++)
		buf_init(&g->ring[i].key);
	return g;
}

struct group *
group_new(size_t nkeys)
{
	return group_new_aggs(nkeys, &count_only, 1);
}

void
group_free(struct group *g)
{
	size_t i;

	if (g == NULL)
		return;
	htab_release(&g->h);
	for (i = 0; i < RING; i++)
		buf_release(&g->ring[i].key);
	free(g->a);
	free(g->off);
	free(g->parts);
	free(g->tot);
	free(g->init);
	free(g->tmp);
	free(g->row);
	free(g->ops);
	free(g->kv);
	arena_release(&g->mem);
	buf_release(&g->key);
	buf_release(&g->q);
	free(g);
}

void
group_free_v(void *g)
{
	group_free(g);
}

/* The key of values k: one short value is held by the probe itself; more
 * values, or a long one, are joined into b (each followed by NUL, which
 * no value holds, so that the byte order of joined keys is the
 * field-by-field order). */
static void
probe_key(const struct group *g, struct htab_probe *pr, struct buf *b,
	  const struct rec_str *k)
{
	size_t i;

	if (g->nkeys == 1 && k[0].len <= HTAB_SHORT_KEY) {
		if (k[0].p == rec_null)
			htab_probe_init(pr, NULL_KEY, 1);
		else
			htab_probe_init(pr, k[0].p, k[0].len);
		return;
	}
	buf_reset(b);
	for (i = 0; i < g->nkeys; i++) {
		if (k[i].p == rec_null)
			buf_adds(b, NULL_KEY);
		else
			buf_add(b, k[i].p, k[i].len);
		if (g->nkeys > 1)
			buf_addc(b, '\0');
	}
	htab_probe_init(pr, b->p, b->len);
}

/* The slots of probe pr's group, made when new. */
static int64_t *
slots_of(struct group *g, const struct htab_probe *pr)
{
	int isnew;
	int64_t *v = htab_put_probe(&g->h, pr, &isnew);

	if (isnew && g->nslots > 1)
		memcpy(v, g->init, g->nslots * sizeof *v);
	return v;
}

/* Add the count of the oldest add in flight. */
static void
land(struct group *g)
{
	struct pending *e = &g->ring[(g->head + RING - g->inflight) % RING];

	*slots_of(g, &e->pr) += (int64_t)e->n;
	g->inflight--;
}

static void
land_all(struct group *g)
{
	while (g->inflight > 0)
		land(g);
}

void
group_add(struct group *g, const struct rec_str *k, uint64_t n)
{
	struct pending *e, *prev = &g->ring[(g->head + RING - 1) % RING];

	if (g->inflight == RING - 1)
		land(g);
	e = &g->ring[g->head];
	g->head = (g->head + 1) % RING;
	g->inflight++;
	probe_key(g, &e->pr, &e->key, k);
	e->n = n;
	g->tot[0] += (int64_t)n;
	/* This key's slot now, the previous key's entry (its slot is on
	 * its way). */
	htab_prefetch(&g->h, &e->pr, g->inflight > 1 ? &prev->pr : NULL);
}

/* Combine x into *s by op; -1 on overflow (nothing changed). */
static int
combine(int64_t *s, int64_t x, int op)
{
	int64_t r;

	switch (op) {
	case OP_MIN:
		if (x < *s)
			*s = x;
		return 0;
	case OP_MAX:
		if (x > *s)
			*s = x;
		return 0;
	}
	if (__builtin_add_overflow(*s, x, &r) || r == INT64_MIN)
		return -1;
	*s = r;
	return 0;
}

/* Combine the slots d[] (a row's worth, by g->ops) into the group of probe pr and into the total row, all or nothing. */
static int
combine_row(struct group *g, const struct htab_probe *pr, const int64_t *d)
{
	const int *opof = g->ops;
	int64_t *v, *t = g->tmp;
	size_t i;

	land_all(g);
	v = slots_of(g, pr);
	memcpy(t, v, g->nslots * sizeof *t);
	for (i = 0; i < g->nslots; i++)
		if (combine(&t[i], d[i], opof[i]) < 0)
			return -1;
	/* The total's sums could overflow where the group's do not. */
	for (i = 0; i < g->nslots; i++) {
		int64_t x = g->tot[i];

		if (combine(&x, d[i], opof[i]) < 0)
			return -1;
	}
	for (i = 0; i < g->nslots; i++)
		combine(&g->tot[i], d[i], opof[i]);
	memcpy(v, t, g->nslots * sizeof *v);
	return 0;
}

int
group_add_vals(struct group *g, const struct rec_str *k, const int64_t *v)
{
	struct htab_probe pr;
	int64_t *d = g->row, x;
	size_t i, s;

	memset(d, 0, g->nslots * sizeof *d);
	d[0] = 1;
	for (i = 0; i < g->na; i++) {
		s = g->off[i];
		x = v != NULL ? v[i] : GROUP_NOVAL;
		switch (g->a[i].kind) {
		case GROUP_SUM:
			d[s] = x == GROUP_NOVAL ? 0 : x;
			break;
		case GROUP_MIN:
			d[s] = x == GROUP_NOVAL ? INT64_MAX : x;
			break;
		case GROUP_MAX:
			d[s] = x;
			break;
		case GROUP_MEAN:
		case GROUP_VAR:
			if (x == GROUP_NOVAL)
				break;
			d[s] = 1;
			d[s + 1] = x;
			if (g->a[i].kind == GROUP_VAR &&
			    __builtin_mul_overflow(x, x, &d[s + 2]))
				return -1;
			break;
		default:
			break;
		}
		if (x == INT64_MAX && nslots_of(g->a[i].kind) > 0)
			return -1;	/* the "none yet" of a minimum */
	}
	probe_key(g, &pr, &g->key, k);
	return combine_row(g, &pr, d);
}

size_t
group_count(struct group *g)
{
	land_all(g);
	return g->h.count;
}

uint64_t
group_total(const struct group *g)
{
	return (uint64_t)g->tot[0];
}

/* ---- writing ---- */

void
group_columns(const struct group *g, struct rec_writer *w, int flags)
{
	size_t i;

	if (flags & GROUP_W_PARTIAL) {
		for (i = 0; i < g->nparts; i++)
			rec_writer_add(w, g->parts[i].name);
		return;
	}
	for (i = 0; i < g->na; i++)
		if (!g->a[i].hide)
			rec_writer_add(w, g->a[i].name);
}

int
group_is_column(const struct group *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nparts; i++)
		if (strcmp(g->parts[i].name, name) == 0)
			return 1;
	for (i = 0; i < g->na; i++)
		if (strcmp(g->a[i].name, name) == 0)
			return 1;
	return 0;
}

static void
put_slot(struct rec_writer *w, const struct part *p, int64_t v)
{
	if ((p->op == OP_MIN && v == INT64_MAX) ||
	    (p->op == OP_MAX && v == INT64_MIN))
		rec_writer_put(w, rec_null, 0);		/* no value */
	else
		put_dec(w, v, p->scale);
}

/* The value of a COUNT or SUM aggregate. */
static int64_t
sum_of(const struct group *g, const int64_t *v, size_t i)
{
	return v[g->off[i]];
}

static void
put_final(const struct group *g, struct rec_writer *w, const int64_t *v)
{
	const struct group_agg *x;
	i128 n, a, d;
	size_t i, s;

	for (i = 0; i < g->na; i++) {
		x = &g->a[i];
		s = g->off[i];
		if (x->hide)
			continue;
		switch (x->kind) {
		case GROUP_COUNT:
			rec_writer_putll(w, (long long)v[0]);
			break;
		case GROUP_SUM:
			put_dec(w, v[s], x->scale);
			break;
		case GROUP_MIN:
		case GROUP_MAX:
			if (v[s] == (x->kind == GROUP_MIN ? INT64_MAX :
				     INT64_MIN))
				rec_writer_put(w, rec_null, 0);
			else
				put_dec(w, v[s], x->scale);
			break;
		case GROUP_MEAN:
			put_ratio(w, v[s + 1], x->scale, v[s], 0, x->out);
			break;
		case GROUP_VAR:
			/* (n sumsq - sum^2) / (n (n - 1)), at twice the scale */
			n = v[s];
			if (n < 2) {
				rec_writer_put(w, rec_null, 0);
				break;
			}
			a = n * (i128)v[s + 2] - (i128)v[s + 1] * v[s + 1];
			d = n * (n - 1);
			put_ratio(w, a, 2 * x->scale, d, 0, x->out);
			break;
		case GROUP_RATIO:
			put_ratio(w, sum_of(g, v, x->of), g->a[x->of].scale,
				  sum_of(g, v, x->per), g->a[x->per].scale,
				  x->out);
			break;
		case GROUP_CHANGE:
			/* (of - per) / per, both at of's scale */
			a = (i128)sum_of(g, v, x->of) *
			    pow10_[g->a[x->per].scale] -
			    (i128)sum_of(g, v, x->per) *
			    pow10_[g->a[x->of].scale];
			d = (i128)sum_of(g, v, x->per) *
			    pow10_[g->a[x->of].scale];
			put_ratio(w, a, 0, d, 0, x->out);
			break;
		}
	}
}

static void
put_values(const struct group *g, struct rec_writer *w, const int64_t *v,
	   int partial)
{
	size_t i;

	if (!partial) {
		put_final(g, w, v);
		return;
	}
	for (i = 0; i < g->nparts; i++)
		put_slot(w, &g->parts[i], v[g->parts[i].slot]);
}

static int
by_key(const void *a, const void *b, void *ctx)
{
	const struct htab *h = ctx;
	const struct htab_key *x = htab_key_at(h, *(const size_t *)a);
	const struct htab_key *y = htab_key_at(h, *(const size_t *)b);
	int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

static void
put_key(const struct group *g, struct rec_writer *w, const char *p, size_t n)
{
	int null = n == 1 && p[0] == NULL_KEY[0];

	if (g->pretty && (null || n == 0))
		rec_writer_puts(w, null ? GROUP_NULL_LABEL :
				GROUP_EMPTY_LABEL);
	else if (null)
		rec_writer_put(w, rec_null, 0);
	else
		rec_writer_put(w, p, n);
}

void
group_write(struct group *g, struct rec_writer *w, int flags)
{
	size_t n, i, k, *order;
	const struct htab_key *key;
	const char *p, *z;
	int partial = (flags & GROUP_W_PARTIAL) != 0;

	land_all(g);
	n = g->h.count;
	order = xcalloc(n + 1, sizeof *order);
	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof *order, by_key, &g->h);
	for (i = 0; i < n; i++) {
		key = htab_key_at(&g->h, order[i]);
		if (g->nkeys == 1) {
			put_key(g, w, key->p, key->len);
		} else {
			p = key->p;
			for (k = 0; k < g->nkeys; k++) {
				z = memchr(p, '\0', key->len - (size_t)(p - key->p));
				put_key(g, w, p, (size_t)(z - p));
				p = z + 1;
			}
		}
		put_values(g, w, htab_val_at(&g->h, order[i]), partial);
		rec_writer_end(w);
	}
	if ((flags & GROUP_W_TOTAL) && !partial) {
		rec_writer_put_label(w, GROUP_TOTAL);
		for (k = 1; k < g->nkeys; k++)
			rec_writer_put(w, "", 0);
		put_values(g, w, g->tot, 0);
		rec_writer_end(w);
	}
	free(order);
}

void
group_each(struct group *g,
	   void (*fn)(void *ctx, const struct rec_str *k, const int64_t *v),
	   void *ctx)
{
	struct rec_str *kv = xcalloc(g->nkeys + 1, sizeof *kv);
	int64_t *out = xcalloc(g->na + 1, sizeof *out);
	const struct htab_key *key;
	const int64_t *v;
	size_t n, i, k, *order;
	const char *p, *z;

	land_all(g);
	n = g->h.count;
	order = xcalloc(n + 1, sizeof *order);
	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof *order, by_key, &g->h);
	for (i = 0; i < n; i++) {
		key = htab_key_at(&g->h, order[i]);
		p = key->p;
		for (k = 0; k < g->nkeys; k++) {
			z = g->nkeys == 1 ? p + key->len :
			    memchr(p, '\0', key->len - (size_t)(p - key->p));
			kv[k].p = p;
			kv[k].len = (size_t)(z - p);
			if (kv[k].len == 1 && p[0] == NULL_KEY[0]) {
				kv[k].p = rec_null;
				kv[k].len = 0;
			}
			p = z + 1;
		}
		v = htab_val_at(&g->h, order[i]);
		for (k = 0; k < g->na; k++)
			out[k] = is_sum(g, k) ? v[g->off[k]] : 0;
		fn(ctx, kv, out);
	}
	free(order);
	free(out);
	free(kv);
}

/* ---- merging ---- */

void
group_merge_fields(struct group *g, const struct rec_reader *in,
		   const size_t *keys)
{
	size_t i;

	g->keys = keys;
	for (i = 0; i < g->nparts; i++)
		g->parts[i].in = rec_reader_need(in, g->parts[i].name);
}

/* Reject r for its part p, quoting the value. */
static void
reject_field(struct group *g, struct rec_reader *in, const struct rec *r,
	     const struct part *p)
{
	struct rec_str v = r->f[p->in];

	buf_reset(&g->q);
	buf_add_quoted(&g->q, v.p, v.len);
	if (p->is_n)
		rec_reject(in, r, "field '%s': not a count: '%s'", p->name,
			   g->q.p);
	else if (p->scale > 0)
		rec_reject(in, r, "field '%s': not a number with at most %d "
			   "decimals: '%s'", p->name, p->scale, g->q.p);
	else
		rec_reject(in, r, "field '%s': not a whole number: '%s'",
			   p->name, g->q.p);
}

int
group_merge_rec(struct group *g, struct rec_reader *in, const struct rec *r)
{
	struct htab_probe pr;
	struct rec_str v, *kv;
	const struct part *p;
	int64_t *row = g->row;
	long long x;
	size_t i;

	memcpy(row, g->init, g->nslots * sizeof *row);
	for (i = 0; i < g->nparts; i++) {
		p = &g->parts[i];
		v = r->f[p->in];
		if (p->op != OP_ADD && (v.len == 0 || v.p == rec_null))
			continue;	/* no least or greatest value */
		if (num_dec(v.p, v.len, p->scale, &x) < 0 ||
		    (p->is_n && x < 0) || x == INT64_MAX || x == INT64_MIN) {
			reject_field(g, in, r, p);
			return -1;
		}
		row[p->slot] = x;
	}
	if (g->kv == NULL)
		g->kv = xcalloc(g->nkeys, sizeof *g->kv);
	kv = g->kv;
	for (i = 0; i < g->nkeys; i++)
		kv[i] = r->f[g->keys[i]];
	/* A finished answer's total row would be added in as a group. */
	if (rec_str_eq(kv[0], REC_STR(GROUP_TOTAL))) {
		rec_reject(in, r, "field '%s': a total row (aggregate the "
			   "parts with --partial)", rec_reader_name(in,
			   g->keys[0]));
		return -1;
	}
	probe_key(g, &pr, &g->key, kv);
	if (combine_row(g, &pr, row) < 0) {
		rec_reject(in, r, "a sum out of range (64 bits)");
		return -1;
	}
	return 0;
}

/* ---- a grouping verb ---- */

int
group_opt(struct cli *cli, struct group_opts *o, int c)
{
	switch (c) {
	case 'b': o->by = cli->optarg; o->by_given = 1; return 1;
	case GROUP_OPT_NO_TOTAL: o->total = 0; return 1;
	case GROUP_OPT_PARTIAL: o->partial = 1; return 1;
	case GROUP_OPT_MERGE: o->merge = 1; return 1;
	}
	return 0;
}

struct group *
group_start(struct cli *cli, const struct group_opts *o,
	    struct rec_reader *in, struct rec_writer *out,
	    const struct group_agg *a, size_t na, const size_t *want,
	    size_t nwant)
{
	struct buf label = BUF_INIT;
	struct group *g;
	const size_t *keys;
	const char *name;
	size_t nk, i, n = 0, *w;

	if (o->partial && o->merge)
		cli_usage(cli, "--partial and --merge do not go together");
	buf_printf(&label, o->by_given ? "-b" : "-b (default %s)", o->by);
	keys = fsel_parse(cli, in, label.p, o->by, &nk);
	buf_release(&label);
	g = a == NULL ? group_new(nk) : group_new_aggs(nk, a, na);
	cli_defer(cli, group_free_v, g);
	g->o = *o;
	g->pretty = cli->wo.fmt == REC_PRETTY;
	g->keys = keys;
	g->kv = xcalloc(nk, sizeof *g->kv);
	for (i = 0; i < cli->wo.nmask; i++)
		if (group_is_column(g, cli->wo.mask[i]))
			cli_usage(cli, "--mask: '%s' is a number %s %s "
				  "computes, not personal data",
				  cli->wo.mask[i], cli->prog, cli->verb->name);
	for (i = 0; i < nk; i++) {
		name = rec_reader_name(in, keys[i]);
		if (group_is_column(g, name) && !o->merge)
			cli_usage(cli, "-b: '%s' names an output column; "
				  "group by another field", name);
		if (group_is_column(g, name))
			cli_usage(cli, "-b: with --merge, '%s' holds partial "
				  "values and is no group field", name);
		rec_writer_add(out, name);
	}
	group_columns(g, out, o->partial ? GROUP_W_PARTIAL : 0);
	if (o->merge)
		group_merge_fields(g, in, keys);
	/* The reader splits out only what is read. */
	w = xcalloc(nk + g->nparts + nwant + 1, sizeof *w);
	for (i = 0; i < nk; i++)
		w[n++] = keys[i];
	for (i = 0; o->merge && i < g->nparts; i++)
		w[n++] = g->parts[i].in;
	for (i = 0; i < nwant; i++)
		if (want[i] != REC_NONE)
			w[n++] = want[i];
	rec_reader_want(in, w, n);
	free(w);
	return g;
}

int
group_merging(const struct group *g)
{
	return g->o.merge;
}

int
group_rec(struct group *g, struct rec_reader *in, const struct rec *r,
	  const int64_t *v)
{
	size_t i;

	if (g->o.merge)
		return group_merge_rec(g, in, r);
	for (i = 0; i < g->nkeys; i++)
		g->kv[i] = r->f[g->keys[i]];
	if (v == NULL && g->nslots == 1) {
		group_add(g, g->kv, 1);
		return 0;
	}
	if (group_add_vals(g, g->kv, v) < 0) {
		rec_reject(in, r, "a value or sum out of range (64 bits)");
		return -1;
	}
	return 0;
}

int
group_value(struct rec_reader *in, const struct rec *r, size_t i,
	    int scale, int64_t *v)
{
	struct rec_str s = r->f[i];
	struct buf q = BUF_INIT;
	long long x;

	if (s.len == 0) {
		*v = GROUP_NOVAL;
		return 0;
	}
	if (num_dec(s.p, s.len, scale, &x) < 0 || x == INT64_MIN ||
	    x == INT64_MAX) {
		buf_add_quoted(&q, s.p, s.len);
		if (scale > 0)
			rec_reject(in, r, "field '%s': not a number with at "
				   "most %d decimals: '%s'",
				   rec_reader_name(in, i), scale, q.p);
		else
			rec_reject(in, r, "field '%s': not a whole number: "
				   "'%s'", rec_reader_name(in, i), q.p);
		buf_release(&q);
		return -1;
	}
	*v = x;
	return 0;
}

int
group_finish(struct cli *cli, struct group *g, struct rec_reader *in,
	     struct rec_writer *out)
{
	group_write(g, out, (g->o.partial ? GROUP_W_PARTIAL : 0) |
		    (g->o.total ? GROUP_W_TOTAL : 0));
	return cli_finish(cli, in, out);
}
