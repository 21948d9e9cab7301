/* group: the table of groups and their aggregates' slots.  See group.h
 * and group_impl.h. */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/htab.h"
#include "base/htab_inline.h"
#include "base/util.h"
#include "rec/group_impl.h"

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

/* Exit 5 (a bug) when aggregate i of a is not a valid spec. */
static void
check_spec(const struct group_agg *a, size_t i)
{
	const struct group_agg *x = &a[i];
	size_t j;

	if (x->scale < 0 || x->scale > GROUP_MAX_SCALE ||
	    x->out < 0 || x->out > GROUP_MAX_SCALE || x->name == NULL)
		diag_die(JW_EXIT_INTERNAL, "bug: group aggregate %zu: "
			 "bad scale or no name", i);
	if ((x->kind == GROUP_RATIO || x->kind == GROUP_CHANGE) &&
	    (x->of >= i || x->per >= i ||
	     (a[x->of].kind != GROUP_COUNT && a[x->of].kind != GROUP_SUM) ||
	     (a[x->per].kind != GROUP_COUNT && a[x->per].kind != GROUP_SUM)))
		diag_die(JW_EXIT_INTERNAL, "bug: group aggregate '%s': "
			 ".of and .per must name earlier COUNT or SUM "
			 "aggregates", x->name);
	if (x->kind == GROUP_VAR && x->scale > GROUP_MAX_SCALE / 2)
		diag_die(JW_EXIT_INTERNAL, "bug: group aggregate '%s': "
			 "a variance's scale is at most %d", x->name,
			 GROUP_MAX_SCALE / 2);
	for (j = 0; x->kind == GROUP_COUNT && j < i; j++)
		if (a[j].kind == GROUP_COUNT)
			diag_die(JW_EXIT_INTERNAL, "bug: group aggregate '%s': "
				 "one COUNT is enough", x->name);
}

/* The partial columns of aggregate x (at slot s), and its slots' start
 * values in a new group. */
static void
parts_of(struct group *g, const struct group_agg *x, size_t s)
{
	switch (x->kind) {
	case GROUP_COUNT:
		add_part(g, x->name, "", 0, 0, OP_ADD, 1);
		break;
	case GROUP_SUM:
		add_part(g, x->name, "", s, x->scale, OP_ADD, x->nonneg);
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
		add_part(g, x->name, "_sumsq", s + 2, 2 * x->scale, OP_ADD, 0);
		break;
	default:
		break;
	}
}

struct group *
group_new_aggs(size_t nkeys, const struct group_agg *a, size_t na)
{
	struct group *g = xcalloc(1, sizeof *g);
	size_t i;

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
		check_spec(a, i);
		g->off[i] = a[i].kind == GROUP_COUNT ? 0 : g->nslots;
		g->nslots += nslots_of(a[i].kind);
	}
	g->tot = xcalloc(g->nslots, sizeof *g->tot);
	g->init = xcalloc(g->nslots, sizeof *g->init);
	g->tmp = xcalloc(2 * g->nslots, sizeof *g->tmp);
	g->row = xcalloc(g->nslots, sizeof *g->row);
	g->ops = xcalloc(g->nslots, sizeof *g->ops);	/* OP_ADD is 0 */
	for (i = 0; i < na; i++)
		parts_of(g, &a[i], g->off[i]);
	for (i = 0; i < g->nparts; i++)
		g->ops[g->parts[i].slot] = g->parts[i].op;
	g->all_add = 1;
	for (i = 0; i < g->nslots; i++)
		g->all_add &= g->ops[i] == OP_ADD;
	g->sums_only = 1;
	g->sums = xcalloc(na + 1, sizeof *g->sums);
	for (i = 0; i < na; i++) {
		g->sums_only &= a[i].kind == GROUP_COUNT ||
				a[i].kind == GROUP_SUM ||
				a[i].kind == GROUP_RATIO ||
				a[i].kind == GROUP_CHANGE;
		if (a[i].kind == GROUP_SUM)
			g->sums[g->nsums++] = i;
	}
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
	free(g->sums);
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

/* memcpy() for the short values of a key, inline: overlapping loads and
 * stores that stay within the n bytes at each end. */
static inline void
copy_short(char *o, const char *p, size_t n)
{
	uint64_t a, b;
	uint32_t c, d;

	if (n > 16) {
		memcpy(o, p, n);
	} else if (n >= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + n - 8, 8);
		memcpy(o, &a, 8);
		memcpy(o + n - 8, &b, 8);
	} else if (n >= 4) {
		memcpy(&c, p, 4);
		memcpy(&d, p + n - 4, 4);
		memcpy(o, &c, 4);
		memcpy(o + n - 4, &d, 4);
	} else if (n > 0) {
		o[0] = p[0];
		o[n / 2] = p[n / 2];
		o[n - 1] = p[n - 1];
	}
}

/* The key of values k joined into b (see probe_key()): room for the
 * longest it can be (a NULL value is one byte) made once, then one pass. */
static void
join_key(const struct group *g, struct htab_probe *pr, struct buf *b,
	 const struct rec_str *k)
{
	size_t i, n = 2 * g->nkeys, sep = g->nkeys > 1;
	char *o;

	for (i = 0; i < g->nkeys; i++)
		n += k[i].len;
	b->len = 0;
	if (b->cap <= n)
		buf_grow(b, n);
	o = b->p;
	for (i = 0; i < g->nkeys; i++) {
		if (k[i].p == rec_null) {
			*o++ = NULL_KEY[0];
		} else {
			copy_short(o, k[i].p, k[i].len);
			o += k[i].len;
		}
		if (sep)
			*o++ = '\0';
	}
	*o = '\0';
	b->len = (size_t)(o - b->p);
	htab_probe_set(pr, b->p, b->len);
}

/* The key of values k: one short value is held by the probe itself; more
 * values, or a long one, are joined into b (each followed by NUL, which
 * no value holds, so that the byte order of joined keys is the
 * field-by-field order), with room made once.  Inline: it is on every
 * record's way. */
static inline void
probe_key(const struct group *g, struct htab_probe *pr, struct buf *b,
	  const struct rec_str *k)
{
	if (g->nkeys == 1 && k[0].len <= HTAB_SHORT_KEY) {
		if (k[0].p == rec_null)
			htab_probe_set(pr, NULL_KEY, 1);
		else
			htab_probe_set(pr, k[0].p, k[0].len);
	} else {
		join_key(g, pr, b, k);
	}
}

void
group_probe_key(const struct group *g, struct htab_probe *pr, struct buf *b,
		const struct rec_str *k)
{
	probe_key(g, pr, b, k);
}

/* A new group for probe pr: its index. */
static size_t
group_make(struct group *g, const struct htab_probe *pr)
{
	int64_t *v = htab_put_probe(&g->h, pr, NULL);

	if (g->nslots > 1)
		memcpy(v, g->init, g->nslots * sizeof *v);
	return g->h.count - 1;
}

/* The index of probe pr's group, made when new (its slots set to their
 * start values). */
static inline size_t
group_of(struct group *g, const struct htab_probe *pr)
{
	size_t i = htab_find_index(&g->h, pr);

	return i != (size_t)-1 ? i : group_make(g, pr);
}

static inline int64_t *
slots_at(const struct group *g, size_t i)
{
	return htab_val_at(&g->h, i);
}

/* Add the count of the oldest add in flight. */
static inline __attribute__((always_inline)) void
land(struct group *g)
{
	struct pending *e = &g->ring[(g->head + RING - g->inflight) % RING];

	*slots_at(g, group_of(g, &e->pr)) += (int64_t)e->n;
	g->inflight--;
}

void
group_land_all(struct group *g)
{
	while (g->inflight > 0)
		land(g);
}

/* group_add(), inline for group_rec()'s count.  An add of the key of
 * the add before it (records often come in runs) joins that one. */
static inline __attribute__((always_inline)) void
add(struct group *g, const struct rec_str *k, uint64_t n)
{
	struct pending *e, *prev = &g->ring[(g->head + RING - 1) % RING];

	g->tot[0] += (int64_t)n;
	if (g->inflight == RING - 1)
		land(g);
	e = &g->ring[g->head];
	probe_key(g, &e->pr, &e->key, k);
	if (g->inflight > 0 && htab_probe_same_short(&e->pr, &prev->pr)) {
		prev->n += n;
		return;
	}
	g->head = (g->head + 1) % RING;
	g->inflight++;
	e->n = n;
	/* This key's slot now, the previous key's entry (its slot is on
	 * its way). */
	HTAB_PREFETCH(&g->h, &e->pr, g->inflight > 1 ? &prev->pr : NULL);
}

void
group_add(struct group *g, const struct rec_str *k, uint64_t n)
{
	add(g, k, n);
}

/* Combine x into *s by op; -1 on overflow (nothing changed). */
static inline int
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

/* a + b into *r; nonzero when it overflows or is INT64_MIN (which the
 * slots keep for "none"). */
static inline int
add_bad(int64_t a, int64_t b, int64_t *r)
{
	return __builtin_add_overflow(a, b, r) | (*r == INT64_MIN);
}

/* Combine the slots d[] into group i's and the total's, all or nothing
 * (see group_combine_row()). */
static inline int
combine_at(struct group *g, size_t gi, const int64_t *d)
{
	const int *opof = g->ops;
	int64_t *v = slots_at(g, gi), *tot = g->tot, *t = g->tmp;
	int64_t *tt = g->tmp + g->nslots, x;
	size_t i, n = g->nslots;
	int bad = 0;

	if (g->all_add) {
		/* The common case, without a branch a slot: whether any of
		 * the group's or the total's sums would overflow (the
		 * total's could where the group's do not), then the adds. */
		for (i = 0; i < n; i++) {
			bad |= add_bad(v[i], d[i], &x);
			bad |= add_bad(tot[i], d[i], &x);
		}
		if (bad)
			return -1;
		for (i = 0; i < n; i++) {
			v[i] += d[i];
			tot[i] += d[i];
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		t[i] = v[i];
		tt[i] = tot[i];
		bad |= combine(&t[i], d[i], opof[i]) < 0;
		bad |= combine(&tt[i], d[i], opof[i]) < 0;
	}
	if (bad)
		return -1;
	for (i = 0; i < n; i++) {
		v[i] = t[i];
		tot[i] = tt[i];
	}
	return 0;
}

int
group_combine_row(struct group *g, const struct htab_probe *pr,
		  const int64_t *d)
{
	group_land_all(g);
	return combine_at(g, group_of(g, pr), d);
}

/* The group of key values k for a synchronous add: the group of the last
 * such add when k is its key again (records often come in runs: no hash
 * and no lookup then), else found or made. */
static inline __attribute__((always_inline)) size_t
group_of_key(struct group *g, const struct rec_str *k)
{
	struct htab_probe pr;
	size_t i;

	if (g->inflight > 0)
		group_land_all(g);
	probe_key(g, &pr, &g->key, k);
	if (g->last != 0 && pr.hash == g->last_hash &&
	    htab_key_is(htab_key_at(&g->h, g->last - 1), &pr))
		return g->last - 1;
	i = group_of(g, &pr);
	g->last = i + 1;
	g->last_hash = pr.hash;
	return i;
}

/* One record's slots, from values v (group_add_vals()), into d: 0, or -1
 * when a value cannot be held. */
static int
row_of(const struct group *g, const int64_t *v, int64_t *d)
{
	int64_t x;
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
	return 0;
}

/* group_add_vals() of a table of COUNT, SUM, RATIO and CHANGE only (a
 * value is its slot's addend): the record and its values into group gi
 * and the total, all or nothing. */
static inline int
add_sums(struct group *g, size_t gi, const int64_t *v)
{
	int64_t *s = slots_at(g, gi), *tot = g->tot, x, r;
	size_t i, o;
	int bad = add_bad(s[0], 1, &r) | add_bad(tot[0], 1, &r);

	for (i = 0; i < g->nsums; i++) {
		x = v != NULL ? v[g->sums[i]] : GROUP_NOVAL;
		x = x == GROUP_NOVAL ? 0 : x;
		o = g->off[g->sums[i]];
		bad |= add_bad(s[o], x, &r) | add_bad(tot[o], x, &r);
	}
	if (bad)
		return -1;
	s[0]++;
	tot[0]++;
	for (i = 0; i < g->nsums; i++) {
		x = v != NULL ? v[g->sums[i]] : GROUP_NOVAL;
		x = x == GROUP_NOVAL ? 0 : x;
		o = g->off[g->sums[i]];
		s[o] += x;
		tot[o] += x;
	}
	return 0;
}

int
group_add_vals(struct group *g, const struct rec_str *k, const int64_t *v)
{
	size_t i, gi;

	if (g->sums_only) {
		for (i = 0; v != NULL && i < g->nsums; i++)
			if (v[g->sums[i]] == INT64_MAX)
				return -1;	/* as row_of() */
	} else if (row_of(g, v, g->row) < 0) {
		return -1;
	}
	gi = group_of_key(g, k);
	return g->sums_only ? add_sums(g, gi, v) : combine_at(g, gi, g->row);
}

int
group_rec(struct group *g, struct rec_reader *in, const struct rec *r,
	  const int64_t *v)
{
	const struct rec_str *k = &r->f[g->keys[0]];
	size_t i;

	if (g->o.merge)
		return group_merge_rec(g, in, r);
	if (g->nkeys > 1) {
		for (i = 0; i < g->nkeys; i++)
			g->kv[i] = r->f[g->keys[i]];
		k = g->kv;
	}
	if (v == NULL && g->nslots == 1) {
		add(g, k, 1);
		return 0;
	}
	if (group_add_vals(g, k, v) < 0) {
		rec_reject(in, r, "a value or sum out of range (64 bits)");
		return -1;
	}
	return 0;
}

int
group_find(struct group *g, const struct rec_str *k, int64_t *v)
{
	struct htab_probe pr;
	struct buf b = BUF_INIT;
	const int64_t *s;
	size_t i;

	group_land_all(g);
	/* Its own key buffer: g->key may hold a probe in use. */
	group_probe_key(g, &pr, &b, k);
	s = htab_find(&g->h, pr.p, pr.n);
	buf_release(&b);
	if (s == NULL)
		return -1;
	for (i = 0; i < g->na; i++)
		v[i] = group_is_sum(g, i) ? s[g->off[i]] : 0;
	return 0;
}

size_t
group_count(struct group *g)
{
	group_land_all(g);
	return g->h.count;
}

uint64_t
group_total(const struct group *g)
{
	return (uint64_t)g->tot[0];
}

