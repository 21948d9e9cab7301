/* group: counts per group.  See group.h. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "group.h"
#include "htab.h"
#include "util.h"

struct group {
	size_t nkeys;
	struct htab h;
	struct buf key;
	uint64_t total;
};

struct group *
group_new(size_t nkeys)
{
	struct group *g = xcalloc(1, sizeof *g);

	g->nkeys = nkeys;
	htab_init(&g->h, sizeof(uint64_t));
	buf_init(&g->key);
	return g;
}

void
group_free(struct group *g)
{
	if (g == NULL)
		return;
	htab_release(&g->h);
	buf_release(&g->key);
	free(g);
}

void
group_add(struct group *g, const struct rec_str *k, uint64_t n)
{
	uint64_t *c;
	size_t i;

	if (g->nkeys == 1) {
		c = htab_put(&g->h, k[0].p, k[0].len, NULL);
	} else {
		/* Values joined by NUL, which no value holds: the byte order
		 * of joined keys is then the field-by-field order. */
		buf_reset(&g->key);
		for (i = 0; i < g->nkeys; i++) {
			buf_add(&g->key, k[i].p, k[i].len);
			buf_addc(&g->key, '\0');
		}
		c = htab_put(&g->h, g->key.p, g->key.len, NULL);
	}
	*c += n;
	g->total += n;
}

size_t
group_count(const struct group *g)
{
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
	size_t n = g->h.count, i, k, *order = xcalloc(n + 1, sizeof *order);
	const struct htab_key *key;
	const char *p, *z;

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
