/* hold: records held in memory.  See hold.h. */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/htab.h"
#include "base/util.h"
#include "rec/hold.h"

/* A NULL field or key is held as this byte, which valid UTF-8 never has. */
#define NULL_VAL '\xff'

struct hold {
	size_t nfields;
	struct htab byk;	/* key -> entry index */
	struct hold_rec *ents;
	size_t n, cap;
	struct arena mem;
	struct buf join;
};

struct hold *
hold_new(size_t nfields)
{
	struct hold *h = xcalloc(1, sizeof *h);

	h->nfields = nfields;
	htab_init(&h->byk, sizeof(size_t));
	arena_init(&h->mem);
	buf_init(&h->join);
	return h;
}

void
hold_free(struct hold *h)
{
	if (h == NULL)
		return;
	htab_release(&h->byk);
	arena_release(&h->mem);
	buf_release(&h->join);
	free(h->ents);
	free(h);
}

void
hold_free_v(void *h)
{
	hold_free(h);
}

/* Copy r's fields into e (in place when they fit). */
static void
copy_in(struct hold *h, struct hold_rec *e, const struct rec *r)
{
	struct buf *b = &h->join;
	size_t i;

	buf_reset(b);
	for (i = 0; i < h->nfields; i++) {
		if (i >= r->n)
			;	/* (records have the header's fields) */
		else if (rec_str_is_null(r->f[i]))
			buf_addc(b, NULL_VAL);
		else
			buf_add(b, r->f[i].p, r->f[i].len);
		buf_addc(b, '\0');
	}
	if (b->len > e->cap) {
		e->vals = arena_alloc(&h->mem, b->len + 1);
		e->cap = b->len;
	}
	memcpy(e->vals, b->p, b->len);
	e->len = b->len;
	e->line = r->line;
}

static struct hold_rec *
new_entry(struct hold *h, const struct rec *r)
{
	struct hold_rec *e;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->ents = xreallocarray(h->ents, h->cap, sizeof *h->ents);
	}
	e = &h->ents[h->n++];
	memset(e, 0, sizeof *e);
	copy_in(h, e, r);
	return e;
}

/* The table key of key: NULL apart from ''. */
static struct rec_str
key_of(struct rec_str key)
{
	static const char nul[1] = { NULL_VAL };

	if (rec_str_is_null(key)) {
		key.p = nul;
		key.len = 1;
	}
	return key;
}

struct hold_rec *
hold_put(struct hold *h, struct rec_str key, const struct rec *r, int *isnew)
{
	struct rec_str k = key_of(key);
	size_t *ix;
	int fresh;

	ix = htab_put(&h->byk, k.p, k.len, &fresh);
	if (isnew != NULL)
		*isnew = fresh;
	if (!fresh)
		return &h->ents[*ix];
	*ix = h->n;
	return new_entry(h, r);
}

struct hold_rec *
hold_add(struct hold *h, const struct rec *r)
{
	return new_entry(h, r);
}

void
hold_set(struct hold *h, struct hold_rec *e, const struct rec *r)
{
	copy_in(h, e, r);
}

struct hold_rec *
hold_find(const struct hold *h, struct rec_str key)
{
	struct rec_str k = key_of(key);
	const size_t *ix = htab_find(&h->byk, k.p, k.len);

	return ix == NULL ? NULL : &h->ents[*ix];
}

size_t
hold_count(const struct hold *h)
{
	return h->n;
}

struct hold_rec *
hold_at(const struct hold *h, size_t i)
{
	return &h->ents[i];
}

void
hold_fields(const struct hold *h, const struct hold_rec *e,
	    struct rec_str *f)
{
	const char *p = e->vals, *z;
	size_t i;

	for (i = 0; i < h->nfields; i++) {
		z = memchr(p, '\0', e->len - (size_t)(p - e->vals));
		f[i].p = p;
		f[i].len = (size_t)(z - p);
		if (f[i].len == 1 && p[0] == NULL_VAL) {
			f[i].p = rec_null;
			f[i].len = 0;
		}
		p = z + 1;
	}
}

void
hold_write(const struct hold *h, const struct hold_rec *e,
	   struct rec_writer *w)
{
	const char *p = e->vals, *z;
	size_t i;

	for (i = 0; i < h->nfields; i++) {
		z = memchr(p, '\0', e->len - (size_t)(p - e->vals));
		if (z - p == 1 && p[0] == NULL_VAL)
			rec_writer_put(w, rec_null, 0);
		else
			rec_writer_put(w, p, (size_t)(z - p));
		p = z + 1;
	}
}
