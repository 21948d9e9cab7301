/* group: counts per group.  See group.h. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "rec/group.h"
#include "base/htab.h"
#include "base/util.h"

/* Adds in flight: a key's table memory is prefetched when it comes and
 * its count added RING - 1 adds later (see htab_prefetch()). */
#define RING 4

struct pending {
	struct buf key;		/* a copy of a long or joined key: the
				 * record's bytes move on */
	struct htab_probe pr;
	uint64_t n;
};

struct group {
	size_t nkeys;
	struct htab h;
	struct pending ring[RING];
	size_t head, inflight;	/* next ring entry; entries in flight */
	uint64_t total;
};

struct group *
group_new(size_t nkeys)
{
	struct group *g = xcalloc(1, sizeof *g);
	size_t i;

	g->nkeys = nkeys;
	htab_init(&g->h, sizeof(uint64_t));
	for (i = 0; i < RING; i++)
		buf_init(&g->ring[i].key);
	return g;
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
	free(g);
}

/* Add the count of the oldest add in flight. */
static void
land(struct group *g)
{
	struct pending *e = &g->ring[(g->head + RING - g->inflight) % RING];

	*(uint64_t *)htab_put_probe(&g->h, &e->pr, NULL) += e->n;
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
	size_t i;

	if (g->inflight == RING - 1)
		land(g);
	e = &g->ring[g->head];
	g->head = (g->head + 1) % RING;
	g->inflight++;
	if (g->nkeys == 1 && k[0].len <= HTAB_SHORT_KEY) {
		htab_probe_init(&e->pr, k[0].p, k[0].len);	/* held */
	} else {
		/* Several values are joined by NUL, which no value holds:
		 * the byte order of joined keys is then the field-by-field
		 * order. */
		buf_reset(&e->key);
		for (i = 0; i < g->nkeys; i++) {
			buf_add(&e->key, k[i].p, k[i].len);
			if (g->nkeys > 1)
				buf_addc(&e->key, '\0');
		}
		htab_probe_init(&e->pr, e->key.p, e->key.len);
	}
	e->n = n;
	g->total += n;
	/* This key's slot now, the previous key's entry (its slot is on
	 * its way). */
	htab_prefetch(&g->h, &e->pr, g->inflight > 1 ? &prev->pr : NULL);
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
	return g->total;
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

void
group_write(struct group *g, struct rec_writer *w, int total)
{
	size_t n, i, k, *order;
	const struct htab_key *key;
	const char *p, *z;

	land_all(g);
	n = g->h.count;
	order = xcalloc(n + 1, sizeof *order);
	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof *order, by_key, &g->h);
	for (i = 0; i < n; i++) {
		key = htab_key_at(&g->h, order[i]);
		if (g->nkeys == 1) {
			rec_writer_put(w, key->p, key->len);
		} else {
			p = key->p;
			for (k = 0; k < g->nkeys; k++) {
				z = memchr(p, '\0', key->len - (size_t)(p - key->p));
				rec_writer_put(w, p, (size_t)(z - p));
				p = z + 1;
			}
		}
		rec_writer_putll(w, (long long)*(uint64_t *)htab_val_at(&g->h,
							       order[i]));
		rec_writer_end(w);
	}
	if (total) {
		rec_writer_puts(w, GROUP_TOTAL);
		for (k = 1; k < g->nkeys; k++)
			rec_writer_put(w, "", 0);
		rec_writer_putll(w, (long long)g->total);
		rec_writer_end(w);
	}
	free(order);
}
