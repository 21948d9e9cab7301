/* sidx_lookup: a key's lines: in each file of the index, the binary
 * search of the top, its directory block and its table page (read where
 * needed, the last of each kept), the posting list checked and every hit
 * read back from the data, then a scan of what was appended since the
 * build (once for a batch of keys).  See sidx.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/htab.h"
#include "base/util.h"
#include "rec/sidx_in.h"

/* Does the value emit the key?  And (second look) a key of that hash? */
struct match {
	const struct keyer *k;
	const char *key;
	size_t n;
	uint64_t h;
	int found, collide;
};

static void
match_key(void *ctx, const char *k, size_t n)
{
	struct match *m = ctx;

	if (n == m->n && memcmp(k, m->key, n) == 0)
		m->found = 1;
}

static void
match_hash(void *ctx, const char *k, size_t n)
{
	struct match *m = ctx;

	if (n > 0 && sx_key_hash(m->k, k, n) == m->h)
		m->collide = 1;
}

/* A hit: the line p[0..len) at off (its text kept in x->texts; the
 * pointers are set when the lookup is done, as the buffer moves). */
static void
add_hit(struct sidx *x, uint64_t off, uint64_t len, uint64_t line,
	const char *p)
{
	if (x->nhits == x->caph) {
		x->caph = x->caph ? x->caph * 2 : 16;
		x->hits = xreallocarray(x->hits, x->caph, sizeof *x->hits);
	}
	x->hits[x->nhits].off = off;
	x->hits[x->nhits].len = len;
	x->hits[x->nhits].line = line;
	x->hits[x->nhits].text = (const char *)(uintptr_t)x->texts.len;
	buf_add(&x->texts, p, (size_t)len);
	x->nhits++;
}

static void __attribute__((noreturn))
corrupt(struct sidx *x, const char *what)
{
	sx_refuse(x, "corrupt (%s)", what);
}

/* The indexed line at off (len bytes and its LF) read back: does it hold
 * the key?  A line that holds neither it nor another key of its hash was
 * not put there by a build. */
static int
verify_hit(struct sidx *x, struct match *m, uint64_t off, uint64_t len)
{
	struct rec_str v;
	char *p;

	buf_reset(&x->line);
	buf_grow(&x->line, len + 2);
	/* The byte before (an LF, unless off starts the records) and the
	 * LF after. */
	if (sx_pread_full(x->fd, x->line.p, len + 2, off - 1) < 0)
		diag_die(JW_EXIT_IO, "%s: read error: %s", x->data,
			 strerror(errno));
	p = x->line.p + 1;
	if ((off != x->h->body_off && p[-1] != '\n') || p[len] != '\n' ||
	    memchr(p, '\n', len) != NULL)
		corrupt(x, "a posting is not a line");
	m->found = m->collide = 0;
	if (sx_line_field(p, len, x->h->col, &x->tmp, &v))
		sx_keys_of(x->o, v, match_key, m);
	if (m->found)
		return 1;
	if (sx_line_field(p, len, x->h->col, &x->tmp, &v))
		sx_keys_of(x->o, v, match_hash, m);
	if (!m->collide)
		corrupt(x, "a posting's line does not hold its key");
	return 0;
}

/* The entry of the key hash h in the entries a[0..n) (size bytes each,
 * first word the key hash, sorted) whose first entries are d[0..nd): the
 * index of the group (of per entries) that may hold it, or -1. */
static int64_t
find_group(const struct dirent_ *d, uint64_t nd, uint64_t h)
{
	uint64_t lo = 0, hi = nd, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d[mid].first <= h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int64_t)lo - 1;
}

/* Block no - 1 of a segment's file (its n bytes at off), read into buf
 * and checked against its hash (sx_fmt_hash() with seed) and its first
 * word, unless it is the one read last (*last == no; 0: none).  A block
 * that does not match refuses the index as corrupt (why).  The directory
 * blocks and the table pages are read through it. */
static const void *
cached_block(struct sidx *x, struct seg *s, void *buf, uint64_t *last,
	     uint64_t no, size_t n, uint64_t off, uint64_t seed,
	     uint64_t hash, uint64_t first, const char *why)
{
	uint64_t w;

	if (*last == no)
		return buf;
	*last = 0;
	sx_seg_read(x, s, buf, n, off);
	memcpy(&w, buf, sizeof w);
	if (sx_fmt_hash(buf, n, seed) != hash || w != first)
		corrupt(x, why);
	*last = no;
	return buf;
}

/* Directory block b of segment s (k entries), read and checked unless it
 * is the one read last. */
static const struct dirent_ *
dir_block(struct sidx *x, struct seg *s, uint64_t b, uint64_t k)
{
	if (s->blk == NULL)
		s->blk = xreallocarray(NULL, DBLK, sizeof *s->blk);
	return cached_block(x, s, s->blk, &s->blk_no, b + 1,
			    k * sizeof *s->blk,
			    s->h->dir_off + b * DBLK * sizeof *s->blk, 5,
			    s->top[b].hash, s->top[b].first,
			    "a directory block's hash does not match");
}

/* Table page pg of segment s (k entries; d its directory entry), read and
 * checked unless it is the one read last. */
static const struct entry *
table_page(struct sidx *x, struct seg *s, uint64_t pg, uint64_t k,
	   const struct dirent_ *d)
{
	if (s->page == NULL)
		s->page = xreallocarray(NULL, PAGE, sizeof *s->page);
	return cached_block(x, s, s->page, &s->page_no, pg + 1,
			    k * sizeof *s->page,
			    s->h->table_off + pg * PAGE * sizeof *s->page, 4,
			    d->hash, d->first,
			    "a table page's hash does not match");
}

/* The table entry of m's key hash in segment s, its directory block and
 * table page checked, or NULL. */
static const struct entry *
find_entry(struct sidx *x, struct seg *s, const struct match *m)
{
	const struct hdr *hd = s->h;
	const struct dirent_ *blk;
	const struct entry *pg;
	uint64_t lo, hi, mid, k;
	int64_t b, page;

	if ((b = find_group(s->top, hd->nblocks, m->h)) < 0)
		return NULL;
	k = hd->npages - (uint64_t)b * DBLK < DBLK ?
	    hd->npages - (uint64_t)b * DBLK : DBLK;
	blk = dir_block(x, s, (uint64_t)b, k);
	if ((page = find_group(blk, k, m->h)) < 0)
		return NULL;
	k = hd->nkeys - ((uint64_t)page + b * DBLK) * PAGE < PAGE ?
	    hd->nkeys - ((uint64_t)page + b * DBLK) * PAGE : PAGE;
	pg = table_page(x, s, (uint64_t)(page + b * DBLK), k, blk + page);
	for (lo = 0, hi = k; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (pg[mid].h < m->h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k && pg[lo].h == m->h ? pg + lo : NULL;
}

/* The lines of m's key that segment s covers. */
static void
lookup_indexed(struct sidx *x, struct seg *s, struct match *m)
{
	const struct hdr *hd = s->h;
	const struct entry *e = find_entry(x, s, m);
	const struct post *p;
	uint64_t i, ph, off, len, line;

	if (e == NULL)
		return;
	if (e->first > hd->npost || e->count > hd->npost - e->first ||
	    e->count == 0)
		corrupt(x, "a posting list is out of bounds");
	if (e->count > s->npostc) {
		s->npostc = (size_t)e->count;
		free(s->post);
		s->post = xreallocarray(NULL, s->npostc, sizeof *s->post);
	}
	sx_seg_read(x, s, s->post, (size_t)e->count * sizeof *s->post,
		    hd->post_off + e->first * sizeof *s->post);
	p = s->post;
	for (ph = e->h, i = 0; i < e->count; i++)
		ph = sx_post_hash_step(ph, p + i);
	if (ph != e->hash)
		corrupt(x, "a posting list's hash does not match");
	for (i = 0; i < e->count; i++) {
		off = p[i].a & MAX48;
		line = p[i].a >> 48 | (p[i].b & 0xffffffffull) << 16;
		len = p[i].b >> 32;
		if (off < hd->from || off >= hd->covered ||
		    len >= hd->covered - off ||
		    line < 2 || line > hd->nlines ||
		    (i > 0 && off <= (p[i - 1].a & MAX48)))
			corrupt(x, "a posting is out of bounds");
		if (verify_hit(x, m, off, len))
			add_hit(x, off, len, line, x->line.p + 1);
	}
}

/* The appended part's scan: the keys looked for (one, or a set). */
struct scan_ctx {
	struct sidx *x;
	struct match *m;	/* the one key, or */
	struct htab *set;	/* the keys */
	int found;
};

static void
match_set(void *ctx, const char *k, size_t n)
{
	struct scan_ctx *c = ctx;

	if (n > 0 && htab_find(c->set, k, n) != NULL)
		c->found = 1;
}

static void
scan_line(void *ctx, const char *p, size_t len, uint64_t off, uint64_t line)
{
	struct scan_ctx *c = ctx;
	struct rec_str v;

	c->found = 0;
	if (c->m != NULL)
		c->m->found = 0;
	if (sx_line_field(p, len, c->x->h->col, &c->x->tmp, &v))
		sx_keys_of(c->x->o, v, c->set ? match_set : match_key,
			   c->set ? (void *)c : (void *)c->m);
	if (c->found || (c->m != NULL && c->m->found))
		add_hit(c->x, off, len, line, p);
}

/* The lines of the appended part holding c's key or keys. */
static void
scan_appended(struct sidx *x, struct scan_ctx *c)
{
	struct head hd;
	uint64_t line;

	if (x->size <= x->h->covered)
		return;
	hd.body_off = x->h->body_off;
	hd.col = x->h->col;
	hd.hl = x->hl;
	hd.hlen = x->hlen;
	line = x->h->nlines + 1;
	sx_scan_lines(x->fd, x->data, &hd, x->h->covered, &line, x->size,
		      scan_line, c);
}

static int
match_cmp(const void *a, const void *b)
{
	const struct match *x = a, *y = b;

	return x->h < y->h ? -1 : x->h > y->h;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct sidx_hit *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* The hits' texts where the buffer ended up; in file order and each line
 * once (a line may hold two of the keys) when sort. */
static size_t
finish_hits(struct sidx *x, int sort, const struct sidx_hit **hits)
{
	size_t i, j;

	for (i = 0; i < x->nhits; i++)
		x->hits[i].text = x->texts.p + (uintptr_t)x->hits[i].text;
	if (sort && x->nhits > 1) {
		qsort(x->hits, x->nhits, sizeof *x->hits, hit_cmp);
		for (i = j = 1; i < x->nhits; i++)
			if (x->hits[i].off != x->hits[j - 1].off)
				x->hits[j++] = x->hits[i];
		x->nhits = j;
	}
	*hits = x->hits;
	return x->nhits;
}

size_t
sidx_lookup(struct sidx *x, const char *key, size_t n,
	    const struct sidx_hit **hits)
{
	struct match m = { &x->k, key, n, 0, 0, 0 };
	struct scan_ctx c = { x, &m, NULL, 0 };
	size_t k;

	x->nhits = 0;
	buf_reset(&x->texts);
	*hits = x->hits;
	if (n == 0 || x->err != NULL)
		return 0;
	if (x->soft && setjmp(x->jb) != 0) {
		x->nhits = 0;
		return 0;
	}
	m.h = sx_key_hash(&x->k, key, n);
	for (k = 0; k < x->nseg; k++)
		lookup_indexed(x, &x->seg[k], &m);
	scan_appended(x, &c);
	return finish_hits(x, 0, hits);
}

size_t
sidx_lookup_keys(struct sidx *x, const char *const *keys, const size_t *lens,
		 size_t n, const struct sidx_hit **hits)
{
	struct match *m = xreallocarray(NULL, n ? n : 1, sizeof *m);
	struct htab set;
	struct scan_ctx c = { x, NULL, &set, 0 };
	size_t i, k, nm = 0;

	x->nhits = 0;
	buf_reset(&x->texts);
	*hits = x->hits;
	htab_init(&set, 1);
	if (x->err != NULL)
		goto out;
	if (x->soft && setjmp(x->jb) != 0) {
		x->nhits = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (lens[i] == 0)
			continue;
		m[nm] = (struct match){ &x->k, keys[i], lens[i], 0, 0, 0 };
		m[nm++].h = sx_key_hash(&x->k, keys[i], lens[i]);
		htab_put(&set, keys[i], lens[i], NULL);
	}
	/* In hash order, keys of one directory block and table page
	 * follow each other: each is read and checked once. */
	qsort(m, nm, sizeof *m, match_cmp);
	for (k = 0; k < x->nseg; k++)
		for (i = 0; i < nm; i++)
			lookup_indexed(x, &x->seg[k], &m[i]);
	if (nm > 0)
		scan_appended(x, &c);
	finish_hits(x, 1, hits);
out:
	htab_release(&set);
	free(m);
	*hits = x->hits;
	return x->nhits;
}
