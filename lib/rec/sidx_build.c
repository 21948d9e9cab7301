/* sidx_build: one pass over the data writes FILE.idx (or extends it by
 * the appended lines).  See sidx.h for the contract, sidx_in.h for the
 * format. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/durable.h"
#include "base/util.h"
#include "rec/sidx_in.h"

struct pair {
	uint64_t h;
	struct post p;
};

struct build {
	const struct sidx_opts *o;
	struct keyer k;
	struct pair *v;
	size_t n, cap;
	uint64_t off, len, line;	/* the line being indexed */
	/* Keys of one line, to drop a key repeated in a field. */
	uint64_t seen[16];
	size_t nseen;
	uint64_t col;
	struct buf tmp;
};

static void
emit_key(void *ectx, const char *k, size_t n)
{
	struct build *b = ectx;
	uint64_t h;
	size_t i;

	if (n == 0)
		return;
	h = sx_key_hash(&b->k, k, n);
	for (i = 0; i < b->nseen; i++)
		if (b->seen[i] == h)
			return;
	if (b->nseen < JW_ARRAY_LEN(b->seen))
		b->seen[b->nseen++] = h;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1 << 16;
		b->v = xreallocarray(b->v, b->cap, sizeof *b->v);
	}
	b->v[b->n].h = h;
	b->v[b->n].p.a = b->off | b->line << 48;
	b->v[b->n].p.b = b->line >> 16 | b->len << 32;
	b->n++;
}

/* Sort by key hash, stable (so each key's lines stay in file order): LSD
 * radix, 8 bits a pass, passes where every hash has the same byte
 * skipped. */
static void
sort_pairs(struct pair **vp, size_t n)
{
	struct pair *v = *vp, *w, *t;
	size_t (*cnt)[256] = xcalloc(8, sizeof *cnt), i, sum, c;
	int pass;

	if (n == 0) {
		free(cnt);
		return;
	}
	for (i = 0; i < n; i++)
		for (pass = 0; pass < 8; pass++)
			cnt[pass][(v[i].h >> (pass * 8)) & 0xff]++;
	w = xreallocarray(NULL, n ? n : 1, sizeof *w);
	for (pass = 0; pass < 8; pass++) {
		if (cnt[pass][(v[0].h >> (pass * 8)) & 0xff] == n)
			continue;
		for (sum = 0, i = 0; i < 256; i++) {
			c = cnt[pass][i];
			cnt[pass][i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			w[cnt[pass][(v[i].h >> (pass * 8)) & 0xff]++] = v[i];
		t = v;
		v = w;
		w = t;
	}
	free(w);
	free(cnt);
	*vp = v;
}

/* sx_scan_lines() callback of the build: the line's keys into b. */
static void
index_line(void *ctx, const char *p, size_t len, uint64_t off, uint64_t line)
{
	struct build *b = ctx;
	struct rec_str v;

	if (off > MAX48 || line > MAX48 || len > UINT32_MAX)
		diag_die(JW_EXIT_IO, "too large to index: line %llu",
			 (unsigned long long)line);
	b->off = off;
	b->len = len;
	b->line = line;
	b->nseen = 0;
	if (sx_line_field(p, len, b->col, &b->tmp, &v))
		sx_keys_of(b->o, v, emit_key, b);
}

/* The table of the sorted pairs v[0..n): one entry per key hash, with
 * its postings' hash.  *ne gets the count; caller frees. */
static struct entry *
make_table(const struct pair *v, size_t n, size_t *ne)
{
	struct entry *tab = NULL;
	size_t i, j, cap = 0;
	uint64_t ph;

	*ne = 0;
	for (i = 0; i < n; i = j) {
		ph = v[i].h;
		for (j = i; j < n && v[j].h == v[i].h; j++)
			ph = sx_post_hash_step(ph, &v[j].p);
		if (*ne == cap) {
			cap = cap ? cap * 2 : 1024;
			tab = xreallocarray(tab, cap, sizeof *tab);
		}
		tab[*ne].h = v[i].h;
		tab[*ne].first = i;
		tab[*ne].count = j - i;
		tab[*ne].hash = ph;
		(*ne)++;
	}
	return tab;
}

/* Write the index file (header h filled but for its layout and hashes)
 * of the sorted pairs v[0..n) to f, and commit it. */
static void
write_index(struct dur_file *f, const char *idx, struct hdr *h,
	    struct pair *v, size_t n)
{
	struct dirent_ *dir, *top;
	struct entry *tab;
	struct post *out;
	size_t i, j, ne, np;

	tab = make_table(v, n, &ne);
	sx_layout(h, ne, n);
	dir = xreallocarray(NULL, h->npages + 1, sizeof *dir);
	top = xreallocarray(NULL, h->nblocks + 1, sizeof *top);
	sx_seal_groups(dir, tab, sizeof *tab, ne, PAGE, 4);
	sx_seal_groups(top, dir, sizeof *dir, h->npages, DBLK, 5);
	h->top_hash = sx_fmt_hash(top, h->nblocks * sizeof *top, 7);
	h->hdr_hash = sx_fmt_hash(h, offsetof(struct hdr, hdr_hash), 6);
	if (dur_write(f, h, sizeof *h) < 0 ||
	    dur_write(f, top, h->nblocks * sizeof *top) < 0 ||
	    dur_write(f, dir, h->npages * sizeof *dir) < 0 ||
	    dur_write(f, tab, ne * sizeof *tab) < 0)
		goto fail;
	out = xmalloc(BLOCK);
	for (i = 0; i < n; i += np) {
		np = n - i < BLOCK / sizeof *out ? n - i : BLOCK / sizeof *out;
		for (j = 0; j < np; j++)
			out[j] = v[i + j].p;
		if (dur_write(f, out, np * sizeof *out) < 0) {
			free(out);
			goto fail;
		}
	}
	free(out);
	free(top);
	free(dir);
	free(tab);
	if (dur_commit(f) < 0)
		diag_die(JW_EXIT_IO, "%s: write error: %s", idx,
			 strerror(errno));
	return;
fail:
	diag_die(JW_EXIT_IO, "%s: write error: %s", idx, strerror(errno));
}

/* Remove the segments IDX.k of idx from k on (after a new base: left
 * over, they would name another base and be ignored anyway). */
static void
remove_segs(const char *idx, size_t k)
{
	struct buf p = BUF_INIT;

	for (; k <= SEGMAX; k++) {
		sx_seg_path(&p, idx, k);
		if (unlink(p.p) < 0 && errno != ENOENT)
			diag_die(JW_EXIT_IO, "%s: cannot remove: %s", p.p,
				 strerror(errno));
	}
	buf_release(&p);
}

/* Keep every posting of the open index old (in file order per key, the
 * segments in order) in b. */
static void
keep_old(struct build *b, struct sidx *old)
{
	const struct seg *s;
	struct entry *tab;
	struct post *post;
	size_t k, total = 0;
	uint64_t i, j;

	for (k = 0; k < old->nseg; k++)
		total += old->seg[k].h->npost;
	b->cap = total + 1024;
	b->v = xreallocarray(NULL, b->cap, sizeof *b->v);
	for (k = 0; k < old->nseg; k++) {
		s = &old->seg[k];
		tab = xreallocarray(NULL, s->h->nkeys + 1, sizeof *tab);
		post = xreallocarray(NULL, s->h->npost + 1, sizeof *post);
		sx_seg_read(old, s, tab, s->h->nkeys * sizeof *tab,
			    s->h->table_off);
		sx_seg_read(old, s, post, s->h->npost * sizeof *post,
			    s->h->post_off);
		for (i = 0; i < s->h->nkeys; i++) {
			if (tab[i].first > s->h->npost ||
			    tab[i].count > s->h->npost - tab[i].first)
				sx_refuse(old, "corrupt (a posting list is "
					  "out of bounds)");
			for (j = 0; j < tab[i].count; j++) {
				b->v[b->n].h = tab[i].h;
				b->v[b->n++].p = post[tab[i].first + j];
			}
		}
		free(tab);
		free(post);
	}
}

/* The rest of the header of a build of data (fd, st): what the options
 * and the data are (covered, nlines and the segment's fields are set). */
static void
fill_hdr(struct hdr *h, const struct build *b, int fd, const char *data,
	 const struct stat *st, const struct head *hd)
{
	memcpy(h->magic, MAGIC, 8);
	h->version = VERSION;
	h->flags = b->k.hmac ? F_HMAC : 0;
	h->opts_fp = sx_opts_fp(b->o, &b->k);
	h->ino = (uint64_t)st->st_ino;
	h->mtime_s = (uint64_t)st->st_mtim.tv_sec;
	h->mtime_ns = (uint64_t)st->st_mtim.tv_nsec;
	sx_edge_hashes(fd, data, h->covered, &h->head_hash, &h->tail_hash);
	h->body_off = hd->body_off;
	h->col = hd->col;
}

static uint64_t
random_id(void)
{
	uint64_t r;

	randombytes_buf(&r, sizeof r);
	return r | 1;	/* never 0 */
}

uint64_t
sidx_build(const char *data, const char *idx, const struct sidx_opts *o,
	   int extend)
{
	struct build b;
	struct head hd;
	struct hdr h;
	struct stat st;
	struct sidx *old = NULL;
	struct dur_file *f;
	struct buf path = BUF_INIT;
	uint64_t covered, from, line = 2, nrec, i, j;
	int fd = sx_open_data(data, &st);

	memset(&b, 0, sizeof b);
	memset(&h, 0, sizeof h);
	b.o = o;
	sx_keyer_init(&b.k, o);
	if (sodium_init() < 0)
		diag_die(JW_EXIT_INTERNAL, "libsodium failed to start");
	if (extend)
		old = sx_open_idx(data, idx, o, 1, NULL);
	covered = sx_whole_lines(fd, data, (uint64_t)st.st_size);
	sx_read_head(fd, data, covered, o->field, &hd);
	from = hd.body_off;
	h.build_id = random_id();
	h.base_id = h.build_id;
	if (old != NULL && old->h->covered == covered) {
		sidx_close(old);	/* nothing appended: nothing to write */
		free((char *)hd.hl);
		sodium_memzero(&b.k, sizeof b.k);
		close(fd);
		return 0;
	}
	if (old != NULL) {
		from = old->h->covered;
		line = old->h->nlines + 1;
		if (old->nseg <= SEGMAX) {
			/* The next segment: only what was appended. */
			h.seg = old->nseg;
			h.base_id = old->seg[0].h->build_id;
		} else {
			/* A new base: the old postings, then the new. */
			keep_old(&b, old);
		}
		sidx_close(old);
	}
	h.from = h.seg ? from : hd.body_off;
	if (h.seg)
		sx_seg_path(&path, idx, h.seg);
	else
		buf_adds(&path, idx);
	/* The temporary first: a build killed at any point leaves the old
	 * index (or none) and never a part of one under its name. */
	f = dur_create(path.p, 0644);
	if (f == NULL)
		diag_die(JW_EXIT_IO, "%s: cannot create: %s", path.p,
			 strerror(errno));
	b.col = hd.col;
	nrec = sx_scan_lines(fd, data, &hd, from, &line, covered, index_line,
			     &b);
	buf_release(&b.tmp);
	sort_pairs(&b.v, b.n);
	/* A key twice in one line past the 16 that emit_key() remembers:
	 * one posting. */
	for (i = j = 0; i < b.n; i++)
		if (j == 0 || b.v[i].h != b.v[j - 1].h ||
		    b.v[i].p.a != b.v[j - 1].p.a)
			b.v[j++] = b.v[i];
	b.n = j;
	h.covered = covered;
	h.nlines = line - 1;	/* the last line covered (header = 1) */
	fill_hdr(&h, &b, fd, data, &st, &hd);
	write_index(f, path.p, &h, b.v, b.n);
	remove_segs(idx, h.seg + 1);
	buf_release(&path);
	free(b.v);
	free((char *)hd.hl);
	sodium_memzero(&b.k, sizeof b.k);
	close(fd);
	return nrec;
}
