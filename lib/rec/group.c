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
#include "rec/group_key.h"

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
	g->sumslot = xcalloc(na + 1, sizeof *g->sumslot);
	for (i = 0; i < na; i++) {
		g->sums_only &= a[i].kind == GROUP_COUNT ||
				a[i].kind == GROUP_SUM ||
				a[i].kind == GROUP_RATIO ||
				a[i].kind == GROUP_CHANGE;
		if (a[i].kind == GROUP_SUM) {
			g->sumslot[g->nsums] = g->off[i];
			g->sums[g->nsums++] = i;
		}
	}
	g->room = INT64_MAX;
	g->by_values = nkeys > 1 && g->nslots > 1;
	g->lane_2_2 = g->sums_only && nkeys == 2 && g->nsums == 2;
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
	free(g->sumslot);
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

/* group_add() of nk key values (g->nkeys, a constant to unroll by).  An
 * add of the key of the add before it (records often come in runs) joins
 * that one. */
static inline __attribute__((always_inline)) void
add_n(struct group *g, const struct rec_str *k, uint64_t n, size_t nk)
{
	struct pending *e, *prev = &g->ring[(g->head + RING - 1) % RING];

	g->room = 0;	/* add_vals_sums() checks from now on */
	g->tot[0] += (int64_t)n;
	if (g->inflight == RING - 1)
		land(g);
	e = &g->ring[g->head];
	probe_key_n(g, &e->pr, &e->key, k, nk);
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

/* add_n() of two key values (pop-grid count -b district,code, case-status
 * stats), and of any: apart, so that each is compiled for its own. */
static __attribute__((noinline)) void
add_2(struct group *g, const struct rec_str *k, uint64_t n)
{
	add_n(g, k, n, 2);
}

static inline __attribute__((always_inline)) void
add(struct group *g, const struct rec_str *k, uint64_t n)
{
	if (g->nkeys == 2)
		add_2(g, k, n);
	else
		add_n(g, k, n, g->nkeys);
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
	g->room = 0;	/* add_vals_sums() checks from now on */
	group_land_all(g);
	return combine_at(g, group_of(g, pr), d);
}

/* The group of nk key values k (several) of a table hashed by values:
 * found with the values compared in place, the joined key made only for
 * a new group. */
static __attribute__((noinline)) size_t
values_make(struct group *g, const struct rec_str *k, uint64_t hash)
{
	struct htab_probe pr;

	join_key(g, &g->key, k);
	htab_probe_hashed(&pr, g->key.p, g->key.len, hash);
	return group_make(g, &pr);
}

static inline __attribute__((always_inline)) size_t
values_group(struct group *g, const struct rec_str *k, size_t nk)
{
	struct values x;
	uint64_t hash = values_hash(&x, k, nk);
	size_t i = find_values(&g->h, hash, &x, nk);

	return i != (size_t)-1 ? i : values_make(g, k, hash);
}

/*
 * The group of the nk key values k (g->nkeys, a constant to unroll by)
 * for a synchronous add: k is read during the call only.  One short value
 * is held as words (htab_key_words()) and compared with the last group's
 * before it is hashed: records often come in runs of one key (a month,
 * in time order), and a run finds its group without a lookup.  Several
 * are hashed and compared value by value (values_group()), or joined
 * (a table of counts).
 */
static inline __attribute__((always_inline)) size_t
group_of_key_n(struct group *g, const struct rec_str *k, size_t nk)
{
	const struct htab_key *last;
	struct htab_probe pr;
	size_t i;

	if (g->inflight > 0)
		group_land_all(g);
	if (nk > 1)
		return g->by_values ? values_group(g, k, nk) :
		       group_of(g, probe_key(g, &pr, &g->key, k));
	last = g->last != 0 ? htab_key_at(&g->h, g->last - 1) : NULL;
	pr.p = k[0].p == rec_null ? NULL_KEY : k[0].p;
	pr.n = k[0].p == rec_null ? 1 : k[0].len;
	if (pr.n <= HTAB_SHORT_KEY) {
		htab_key_words(pr.p, pr.n, pr.w);
		if (last != NULL && htab_key_is(last, &pr))
			return g->last - 1;
		pr.hash = htab_words_hash(pr.w, pr.n);
	} else {
		pr.hash = htab_key_hash(pr.p, pr.n, pr.w);
		if (last != NULL && last->hash == pr.hash &&
		    htab_key_is(last, &pr))
			return g->last - 1;
	}
	i = group_of(g, &pr);
	g->last = i + 1;
	return i;
}

static inline __attribute__((always_inline)) size_t
group_of_key(struct group *g, const struct rec_str *k)
{
	return group_of_key_n(g, k, g->nkeys);
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
 * value is its slot's addend; v may be NULL), checked: the record and its
 * values into group gi and the total, all or nothing. */
static int
add_sums_checked(struct group *g, size_t gi, const int64_t *v)
{
	int64_t *s = slots_at(g, gi), *tot = g->tot, x, r;
	size_t i, o;
	int bad = add_bad(s[0], 1, &r) | add_bad(tot[0], 1, &r);

	g->room = 0;
	for (i = 0; i < g->nsums; i++) {
		x = v != NULL ? v[g->sums[i]] : GROUP_NOVAL;
		x = x == GROUP_NOVAL ? 0 : x;
		o = g->sumslot[i];
		bad |= add_bad(s[o], x, &r) | add_bad(tot[o], x, &r);
	}
	if (bad)
		return -1;
	s[0]++;
	tot[0]++;
	for (i = 0; i < g->nsums; i++) {
		x = v != NULL ? v[g->sums[i]] : GROUP_NOVAL;
		x = x == GROUP_NOVAL ? 0 : x;
		s[g->sumslot[i]] += x;
		tot[g->sumslot[i]] += x;
	}
	return 0;
}

/* Value y of a sum as add_vals_sums() adds it (none: 0), and its
 * magnitude. */
static inline int64_t
addend(int64_t y)
{
	return y == GROUP_NOVAL ? 0 : y;
}

static inline uint64_t
magnitude(int64_t y)
{
	return y < 0 ? 0 - (uint64_t)y : (uint64_t)y;
}

/* add_vals_sums() when the room is out: every value and sum checked. */
static int
add_vals_checked(struct group *g, const struct rec_str *k, const int64_t *v)
{
	size_t i;

	for (i = 0; v != NULL && i < g->nsums; i++)
		if (v[g->sums[i]] == INT64_MAX)
			return -1;	/* as row_of(); before a group is made */
	return add_sums_checked(g, group_of_key(g, k), v);
}

/*
 * group_add_vals() of a table of sums only (nk keys, n sums).  A sum that
 * cannot overflow needs no check: while every add of the table's sums has
 * come through here, from slots at 0, no slot's magnitude is more than
 * the magnitudes of all addends so far (the count's 1 a record among
 * them) added up, so while that stays within INT64_MAX (g->room is what
 * is left) no sum can overflow or reach INT64_MIN.  Past it (a value of
 * INT64_MAX, which is refused, is always past it), and once anything else
 * has added to the slots (group_add(), a merge), every add is checked.
 */
static inline __attribute__((always_inline)) int
add_vals_sums(struct group *g, const struct rec_str *k, const int64_t *v,
	      size_t nk, size_t n)
{
	const size_t *restrict vi = g->sums, *restrict si = g->sumslot;
	int64_t *restrict s, *restrict tot = g->tot, y, y0 = 0, y1 = 0;
	uint64_t need = 1;	/* the count's */
	size_t i;
	int wrap = 0;

	/* What the record takes of the room; two sums (the usual few)
	 * unrolled, whose magnitudes and 1 add up to less than 2^64. */
	if (n == 2) {
		y0 = addend(v[vi[0]]);
		y1 = addend(v[vi[1]]);
		need += magnitude(y0) + magnitude(y1);
	} else {
		for (i = 0; i < n; i++)
			wrap |= __builtin_add_overflow(need,
				magnitude(addend(v[vi[i]])), &need);
	}
	if (wrap || need > g->room)
		return add_vals_checked(g, k, v);
	g->room -= need;
	s = slots_at(g, group_of_key_n(g, k, nk));
	s[0]++;
	tot[0]++;
	if (n == 2) {
		s[si[0]] += y0;
		tot[si[0]] += y0;
		s[si[1]] += y1;
		tot[si[1]] += y1;
		return 0;
	}
	for (i = 0; i < n; i++) {
		y = addend(v[vi[i]]);
		s[si[i]] += y;
		tot[si[i]] += y;
	}
	return 0;
}

/* group_add_vals() of a table with a MIN, MAX, MEAN or VAR: a row of
 * slots combined. */
static __attribute__((noinline)) int
add_vals_row(struct group *g, const struct rec_str *k, const int64_t *v)
{
	if (row_of(g, v, g->row) < 0)
		return -1;
	return combine_at(g, group_of_key(g, k), g->row);
}

/* add_vals_sums() of two keys and two sums (viol-query stats), and of
 * any: apart, so that each is compiled for its own. */
static __attribute__((noinline)) int
add_vals_2_2(struct group *g, const struct rec_str *k, const int64_t *v)
{
	return add_vals_sums(g, k, v, 2, 2);
}

static __attribute__((noinline)) int
add_vals_any(struct group *g, const struct rec_str *k, const int64_t *v)
{
	return add_vals_sums(g, k, v, g->nkeys, v != NULL ? g->nsums : 0);
}

int
group_add_vals(struct group *g, const struct rec_str *k, const int64_t *v)
{
	if (g->lane_2_2 && v != NULL)
		return add_vals_2_2(g, k, v);
	if (g->sums_only)
		return add_vals_any(g, k, v);
	return add_vals_row(g, k, v);
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
	i = htab_find_index(&g->h, &pr);
	buf_release(&b);
	if (i == (size_t)-1)
		return -1;
	s = slots_at(g, i);
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

