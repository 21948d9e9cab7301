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

static void
write_index(struct dur_file *f, const char *idx, struct hdr *h,
	    struct pair *v, size_t n)
{
	struct entry *tab = NULL;
	struct dirent_ *dir;
	struct post *out;
	size_t i, j, ne = 0, cap = 0, np, k;
	uint64_t ph;

	/* The table: one entry per key hash, with its postings' hash. */
	for (i = 0; i < n; i = j) {
		ph = v[i].h;
		for (j = i; j < n && v[j].h == v[i].h; j++)
			ph = sx_post_hash_step(ph, &v[j].p);
		if (ne == cap) {
			cap = cap ? cap * 2 : 1024;
			tab = xreallocarray(tab, cap, sizeof *tab);
		}
		tab[ne].h = v[i].h;
		tab[ne].first = i;
		tab[ne].count = j - i;
		tab[ne].hash = ph;
		ne++;
	}
	h->nkeys = ne;
	h->npost = n;
	h->npages = (ne + PAGE - 1) / PAGE;
	dir = xreallocarray(NULL, h->npages ? h->npages : 1, sizeof *dir);
	for (i = 0; i < h->npages; i++) {
		k = ne - i * PAGE < PAGE ? ne - i * PAGE : PAGE;
		dir[i].first = tab[i * PAGE].h;
		dir[i].hash = sx_fmt_hash(tab + i * PAGE, k * sizeof *tab, 4);
	}
	h->dir_off = sizeof *h;
	h->table_off = h->dir_off + h->npages * sizeof *dir;
	h->post_off = h->table_off + ne * sizeof *tab;
	h->file_size = h->post_off + n * sizeof(struct post);
	h->dir_hash = sx_fmt_hash(dir, h->npages * sizeof *dir, 5);
	h->hdr_hash = sx_fmt_hash(h, offsetof(struct hdr, hdr_hash), 6);
	if (dur_write(f, h, sizeof *h) < 0 ||
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
	free(dir);
	free(tab);
	if (dur_commit(f) < 0)
		diag_die(JW_EXIT_IO, "%s: write error: %s", idx,
			 strerror(errno));
	return;
fail:
	diag_die(JW_EXIT_IO, "%s: write error: %s", idx, strerror(errno));
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
	uint64_t covered, from, line = 2, nrec, i, j;
	int fd = sx_open_data(data, &st);

	memset(&b, 0, sizeof b);
	memset(&h, 0, sizeof h);
	b.o = o;
	sx_keyer_init(&b.k, o);
	if (extend)
		old = sx_open_idx(data, idx, o, 1, NULL);
	/* The temporary first: a build killed at any point leaves the old
	 * index (or none) and never a part of one under its name. */
	f = dur_create(idx, 0644);
	if (f == NULL)
		diag_die(JW_EXIT_IO, "%s: cannot create: %s", idx,
			 strerror(errno));
	covered = sx_whole_lines(fd, data, (uint64_t)st.st_size);
	sx_read_head(fd, data, covered, o->field, &hd);
	from = hd.body_off;
	if (old != NULL) {
		/* Keep the old postings (in file order per key), then add
		 * the appended lines' after them. */
		from = old->h->covered;
		line = old->h->nlines + 1;
		b.cap = old->h->npost + 1024;
		b.v = xreallocarray(NULL, b.cap, sizeof *b.v);
		for (i = 0; i < old->h->nkeys; i++)
			for (j = 0; j < old->tab[i].count; j++) {
				b.v[b.n].h = old->tab[i].h;
				b.v[b.n++].p = old->post[old->tab[i].first + j];
			}
		sidx_close(old);
	}
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
	memcpy(h.magic, MAGIC, 8);
	h.version = VERSION;
	h.flags = b.k.hmac ? F_HMAC : 0;
	h.opts_fp = sx_opts_fp(o, &b.k);
	h.covered = covered;
	h.ino = (uint64_t)st.st_ino;
	h.mtime_s = (uint64_t)st.st_mtim.tv_sec;
	h.mtime_ns = (uint64_t)st.st_mtim.tv_nsec;
	sx_edge_hashes(fd, data, covered, &h.head_hash, &h.tail_hash);
	h.body_off = hd.body_off;
	h.col = hd.col;
	h.nlines = line - 1;	/* the last line covered (header = 1) */
	write_index(f, idx, &h, b.v, b.n);
	free(b.v);
	free((char *)hd.hl);
	sodium_memzero(&b.k, sizeof b.k);
	close(fd);
	return nrec;
}
