/* sidx: a keyed sidecar index over a TSV data file.  See sidx.h.
 *
 * The file, all words little-endian uint64 (the host's order; the magic
 * tells another):
 *
 *   header     struct hdr, ending with a hash of the words before it
 *   directory  npages x { first key hash of the page, hash of the page }
 *   table      nkeys x { key hash, first posting, count, hash of postings },
 *              sorted by key hash, PAGE entries a page
 *   postings   npost x { off | line << 48, line >> 16 | len << 32 }, each
 *              key's in file order
 *
 * A lookup hashes the directory's words once (at open), then one page and
 * one posting list: every word an answer comes from is covered by a hash
 * checked before it is used, and every hit is read back from the data and
 * must hold the key, so a corrupt index is refused, not believed.  Key
 * hashes are a hash of the key (clear) or the first 8 bytes of its
 * HMAC-SHA256: the index holds no key itself.  Two keys with one hash
 * share an entry; the read-back tells their lines apart.
 *
 * The hash (fmt_hash) is defined here, not taken from htab.h, because the
 * index outlives the program: changing it is a new format version. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/durable.h"
#include "base/util.h"
#include "rec/sidx.h"

#define MAGIC "JWSIDX\r\n"
#define VERSION 1
#define PAGE 256		/* table entries a directory page */
#define EDGE 4096		/* bytes hashed at each end of the data */
#define BLOCK (1u << 20)	/* read size of the data pass */
#define MAX48 ((1ull << 48) - 1)
#define F_HMAC 1ull

struct hdr {
	char magic[8];
	uint64_t version, flags, opts_fp;
	uint64_t covered, ino, mtime_s, mtime_ns, head_hash, tail_hash;
	uint64_t body_off, col, nlines;
	uint64_t nkeys, npost, npages;
	uint64_t dir_off, table_off, post_off, file_size, dir_hash;
	uint64_t hdr_hash;	/* fmt_hash of the words above */
};

struct dirent_ {
	uint64_t first, hash;
};

struct entry {
	uint64_t h, first, count, hash;
};

struct post {
	uint64_t a, b;
};

/* ---- the format's hash ---- */

static inline uint64_t
mix(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	return x;
}

static uint64_t
fmt_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = mix(seed ^ (n * 0x9e3779b97f4a7c15ull)), w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = mix(h ^ w) + 0x9e3779b97f4a7c15ull;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, s, n);
		h = mix(h ^ w ^ ((uint64_t)n << 56));
	}
	return h;
}

/* The hash of one posting list, word by word (the build has it as it
 * goes, not in one piece). */
static inline uint64_t
post_hash_step(uint64_t h, const struct post *p)
{
	return mix(mix(h ^ p->a) ^ p->b);
}

/* ---- keys ---- */

struct keyer {
	int hmac;
	crypto_auth_hmacsha256_state st;	/* after init with the secret */
};

static void
keyer_init(struct keyer *k, const struct sidx_opts *o)
{
	memset(k, 0, sizeof *k);
	if (o->secret == NULL)
		return;
	if (sodium_init() < 0)
		diag_die(JW_EXIT_INTERNAL, "libsodium failed to start");
	k->hmac = 1;
	crypto_auth_hmacsha256_init(&k->st, o->secret, o->nsecret);
}

static uint64_t
key_hash(const struct keyer *k, const char *p, size_t n)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	uint64_t h;

	if (!k->hmac)
		return fmt_hash(p, n, 0x6b6579);
	st = k->st;
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)p, n);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(&h, mac, 8);
	sodium_memzero(&st, sizeof st);
	return h;
}

/* What the index records of the options: the field, keys_name, clear or
 * HMAC, and (HMAC) which secret, by a MAC of a fixed text. */
static uint64_t
opts_fp(const struct sidx_opts *o, const struct keyer *k)
{
	uint64_t h = fmt_hash(o->field, strlen(o->field), 1);

	if (o->keys_name != NULL)
		h = fmt_hash(o->keys_name, strlen(o->keys_name), h);
	if (k->hmac)
		h = mix(h ^ key_hash(k, "jingwu sidx key check", 21)) + 1;
	return h;
}

/* ---- reading the data ---- */

static void
rebuild_hint(struct buf *b, const struct sidx_opts *o)
{
	if (o->rebuild != NULL)
		buf_printf(b, " (rebuild it with '%s')", o->rebuild);
	else
		buf_adds(b, " (rebuild the index)");
}

struct sidx;
static void refuse(struct sidx *x, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

static int
pread_full(int fd, void *p, size_t n, uint64_t off)
{
	char *s = p;
	ssize_t r;

	while (n > 0) {
		r = pread(fd, s, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;	/* shorter than it was */
			return -1;
		}
		s += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* Open data for indexing or reading: a plain regular file. */
static int
open_data(const char *data, struct stat *st)
{
	unsigned char m[2];
	ssize_t r;
	int fd = open(data, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		diag_die(JW_EXIT_IO, "%s: cannot open: %s", data,
			 strerror(errno));
	if (fstat(fd, st) < 0)
		diag_die(JW_EXIT_IO, "%s: %s", data, strerror(errno));
	if (!S_ISREG(st->st_mode))
		diag_die(JW_EXIT_IO, "%s: not a regular file: an index needs "
			 "offsets into a file", data);
	do
		r = pread(fd, m, 2, 0);
	while (r < 0 && errno == EINTR);
	if (r == 2 && m[0] == 0x1f && m[1] == 0x8b)
		diag_die(JW_EXIT_IO, "%s: gzip data cannot be indexed (an index "
			 "needs offsets into plain text): gunzip it first",
			 data);
	return fd;
}

/* Undo the TSV escapes of v into out, as the record reader does:
 * \t \n \r \b \f \v \\; an unknown escape keeps its backslash. */
static void
unescape(const char *p, size_t n, struct buf *out)
{
	size_t i;
	char c;

	buf_reset(out);
	buf_grow(out, n);
	for (i = 0; i < n; i++) {
		c = p[i];
		if (c == '\\' && i + 1 < n) {
			switch (p[++i]) {
			case 't': c = '\t'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'v': c = '\v'; break;
			case '\\': c = '\\'; break;
			default:
				out->p[out->len++] = '\\';
				c = p[i];
			}
		}
		out->p[out->len++] = c;
	}
	out->p[out->len] = '\0';
}

/* Field col of the line p[0..n) (no LF; a CR before it is not part of the
 * last field), unescaped (into tmp when it has a backslash).  Returns 0
 * when the line has fewer fields or the value is empty or NULL. */
static int
line_field(const char *p, size_t n, uint64_t col, struct buf *tmp,
	   struct rec_str *v)
{
	const char *e = p + n, *t;
	uint64_t i;

	if (n > 0 && e[-1] == '\r')
		e--;
	for (i = 0; i < col; i++) {
		t = memchr(p, '\t', (size_t)(e - p));
		if (t == NULL)
			return 0;
		p = t + 1;
	}
	t = memchr(p, '\t', (size_t)(e - p));
	if (t != NULL)
		e = t;
	v->p = p;
	v->len = (size_t)(e - p);
	if (v->len == 0 || (v->len == 2 && p[0] == '\\' && p[1] == 'N'))
		return 0;
	if (memchr(p, '\\', v->len) != NULL) {
		unescape(p, v->len, tmp);
		v->p = tmp->p;
		v->len = tmp->len;
	}
	return 1;
}

/* The header line of the data: where the records start, the key field's
 * column.  hl is the header line without BOM or line end. */
struct head {
	uint64_t body_off, col;
	const char *hl;
	size_t hlen;
};

/* Find the key field in the header line p[0..n) (BOM and CR stripped). */
static int
find_field(const char *p, size_t n, const char *field, uint64_t *col,
	   struct buf *names)
{
	struct buf tmp = BUF_INIT;
	const char *e = p + n, *t;
	uint64_t i = 0;
	int found = 0;

	buf_reset(names);
	for (;; i++) {
		t = memchr(p, '\t', (size_t)(e - p));
		if (t == NULL)
			t = e;
		unescape(p, (size_t)(t - p), &tmp);
		if (!found && strcmp(tmp.p, field) == 0 &&
		    tmp.len == strlen(field)) {
			*col = i;
			found = 1;
		}
		if (names->len > 0)
			buf_adds(names, ", ");
		buf_add(names, tmp.p, tmp.len);
		if (t == e)
			break;
		p = t + 1;
	}
	buf_release(&tmp);
	return found;
}

/* ---- the build ---- */

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
	h = key_hash(&b->k, k, n);
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

static void
keys_of(const struct sidx_opts *o, struct rec_str v,
	void (*emit)(void *, const char *, size_t), void *ectx)
{
	if (o->keys != NULL)
		o->keys(o->keys_ctx, v, emit, ectx);
	else
		emit(ectx, v.p, v.len);
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

/* For each line of data from off (whose line is number *linep) to end,
 * which ends after an LF: fn(ctx, line, len, off, number).  Repeated
 * header lines (cat a.tsv b.tsv) are not passed.  *linep becomes the
 * number of the line after.  Returns the lines passed. */
static uint64_t
scan_lines(int fd, const char *data, const struct head *hd, uint64_t off,
	   uint64_t *linep, uint64_t end,
	   void (*fn)(void *, const char *, size_t, uint64_t, uint64_t),
	   void *ctx)
{
	/* No bigger than the part: a lookup scans a few appended lines. */
	size_t cap = end - off < BLOCK ? (size_t)(end - off) : BLOCK;
	char *blk = xmalloc_page(cap ? cap : 1);
	size_t have = 0, k, start, want, len;
	uint64_t at = off, base = off, nrec = 0, line = *linep;
	const char *nl;

	while (at < end) {
		if (have == cap)
			diag_die(JW_EXIT_IO, "%s:%llu: line longer than %u "
				 "bytes", data, (unsigned long long)line,
				 BLOCK);
		want = cap - have;
		if (want > end - at)
			want = (size_t)(end - at);
		if (pread_full(fd, blk + have, want, at) < 0)
			diag_die(JW_EXIT_IO, "%s: read error: %s", data,
				 strerror(errno));
		at += want;
		have += want;
		for (start = 0; (nl = memchr(blk + start, '\n', have - start));
		     start = k + 1) {
			k = (size_t)(nl - blk);
			len = k - start;
			line++;
			if ((len == hd->hlen ||
			     (len == hd->hlen + 1 && blk[k - 1] == '\r')) &&
			    memcmp(blk + start, hd->hl, hd->hlen) == 0)
				continue;
			nrec++;
			fn(ctx, blk + start, len, base + start, line - 1);
		}
		memmove(blk, blk + start, have - start);
		have -= start;
		base += start;
	}
	free(blk);
	*linep = line;
	return nrec;
}

/* scan_lines() callback of the build: the line's keys into b. */
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
	if (line_field(p, len, b->col, &b->tmp, &v))
		keys_of(b->o, v, emit_key, b);
}

/* Bytes up to and with the last LF of the first size bytes. */
static uint64_t
whole_lines(int fd, const char *data, uint64_t size)
{
	char b[65536];
	uint64_t at = size;
	size_t k, step = 4096;	/* the last line is short, as a rule */

	while (at > 0) {
		k = at < step ? (size_t)at : step;
		step = sizeof b;
		at -= k;
		if (pread_full(fd, b, k, at) < 0)
			diag_die(JW_EXIT_IO, "%s: read error: %s", data,
				 strerror(errno));
		while (k > 0)
			if (b[--k] == '\n')
				return at + k + 1;
	}
	return 0;
}

static void
edge_hashes(int fd, const char *data, uint64_t covered, uint64_t *head,
	    uint64_t *tail)
{
	char b[EDGE];
	size_t k = covered < EDGE ? (size_t)covered : EDGE;

	if (pread_full(fd, b, k, 0) < 0)
		diag_die(JW_EXIT_IO, "%s: read error: %s", data,
			 strerror(errno));
	*head = fmt_hash(b, k, 2);
	if (pread_full(fd, b, k, covered - k) < 0)
		diag_die(JW_EXIT_IO, "%s: read error: %s", data,
			 strerror(errno));
	*tail = fmt_hash(b, k, 3);
}

/* Read the header line: exits 4 when there is none, 2 when the field is
 * not in it.  hd->hl is malloc'd (caller frees). */
static void
read_head(int fd, const char *data, uint64_t covered, const char *field,
	  struct head *hd)
{
	struct buf names = BUF_INIT;
	size_t max = covered < BLOCK ? (size_t)covered : BLOCK, n = 0, k,
	       skip = 0;
	char *b = NULL, *nl = NULL;

	/* 4 KiB, then more while no LF: a lookup should not read 1 MiB. */
	for (k = 4096; nl == NULL && n < max; k *= 4) {
		if (k > max)
			k = max;
		b = xrealloc(b, k + 1);
		if (pread_full(fd, b + n, k - n, n) < 0)
			diag_die(JW_EXIT_IO, "%s: read error: %s", data,
				 strerror(errno));
		nl = memchr(b + n, '\n', k - n);
		n = k;
	}
	if (nl == NULL)
		diag_die(JW_EXIT_IO, "%s: no header line (an empty file, or "
			 "one line longer than %u bytes)", data, BLOCK);
	if (n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	hd->body_off = (uint64_t)(nl - b) + 1;
	hd->hlen = (size_t)(nl - b) - skip;
	if (hd->hlen > 0 && b[skip + hd->hlen - 1] == '\r')
		hd->hlen--;
	memmove(b, b + skip, hd->hlen);
	b[hd->hlen] = '\0';
	hd->hl = b;
	if (!find_field(b, hd->hlen, field, &hd->col, &names))
		diag_die(JW_EXIT_USAGE, "%s: no field '%s' (fields: %s)", data,
			 field, names.p);
	buf_release(&names);
}

struct sidx {
	const struct sidx_opts *o;
	int soft;		/* sidx_try_open(): refusals longjmp to jb */
	jmp_buf jb;
	char *err;		/* why it was refused */
	int ifd;
	struct keyer k;
	int fd;			/* the data */
	char *data;
	const unsigned char *map;
	size_t mapn;
	const struct hdr *h;
	const struct dirent_ *dir;
	const struct entry *tab;
	const struct post *post;
	uint64_t size;		/* the data's size at open, whole lines */
	char *idx;
	char *hl;		/* header line, for repeats in the appended part */
	size_t hlen;
	struct sidx_hit *hits;
	size_t nhits, caph;
	struct buf line, tmp;
};

static struct sidx *open_idx(const char *data, const char *idx,
			     const struct sidx_opts *o, int missing_ok,
			     char **err);

/* The index is refused: exit 4 with the message and how to rebuild, or
 * (sidx_try_open()) keep the message and jump back. */
static void
refuse(struct sidx *x, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	rebuild_hint(&b, x->o);
	if (x->soft) {
		free(x->err);
		x->err = xstrdup(b.p);
		buf_release(&b);
		longjmp(x->jb, 1);
	}
	diag_die(JW_EXIT_IO, "%s: %s", x->idx, b.p);
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
			ph = post_hash_step(ph, &v[j].p);
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
		dir[i].hash = fmt_hash(tab + i * PAGE, k * sizeof *tab, 4);
	}
	h->dir_off = sizeof *h;
	h->table_off = h->dir_off + h->npages * sizeof *dir;
	h->post_off = h->table_off + ne * sizeof *tab;
	h->file_size = h->post_off + n * sizeof(struct post);
	h->dir_hash = fmt_hash(dir, h->npages * sizeof *dir, 5);
	h->hdr_hash = fmt_hash(h, offsetof(struct hdr, hdr_hash), 6);
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
	int fd = open_data(data, &st);

	memset(&b, 0, sizeof b);
	memset(&h, 0, sizeof h);
	b.o = o;
	keyer_init(&b.k, o);
	if (extend)
		old = open_idx(data, idx, o, 1, NULL);
	/* The temporary first: a build killed at any point leaves the old
	 * index (or none) and never a part of one under its name. */
	f = dur_create(idx, 0644);
	if (f == NULL)
		diag_die(JW_EXIT_IO, "%s: cannot create: %s", idx,
			 strerror(errno));
	covered = whole_lines(fd, data, (uint64_t)st.st_size);
	read_head(fd, data, covered, o->field, &hd);
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
	nrec = scan_lines(fd, data, &hd, from, &line, covered, index_line, &b);
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
	h.opts_fp = opts_fp(o, &b.k);
	h.covered = covered;
	h.ino = (uint64_t)st.st_ino;
	h.mtime_s = (uint64_t)st.st_mtim.tv_sec;
	h.mtime_ns = (uint64_t)st.st_mtim.tv_nsec;
	edge_hashes(fd, data, covered, &h.head_hash, &h.tail_hash);
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

/* ---- reading ---- */

static void
check_data(struct sidx *x, const struct stat *st)
{
	const struct hdr *h = x->h;
	uint64_t head, tail;
	int same_size = (uint64_t)st->st_size == h->covered;
	char c;

	if ((uint64_t)st->st_ino != h->ino || x->size < h->covered ||
	    (same_size && ((uint64_t)st->st_mtim.tv_sec != h->mtime_s ||
			   (uint64_t)st->st_mtim.tv_nsec != h->mtime_ns)))
		goto stale;
	edge_hashes(x->fd, x->data, h->covered, &head, &tail);
	if (head != h->head_hash || tail != h->tail_hash)
		goto stale;
	/* What it covers ends a line (the scan of the rest starts one). */
	if (pread_full(x->fd, &c, 1, h->covered - 1) < 0)
		diag_die(JW_EXIT_IO, "%s: read error: %s", x->data,
			 strerror(errno));
	if (c != '\n')
		refuse(x, "corrupt (what it covers does not end a line)");
	return;
stale:
	refuse(x, "stale: %s changed since the index was built, "
		"other than by growing", x->data);
}

/* Checks of the index that cost nothing per key: header, sizes, the
 * directory's hash.  Returns the reason it is refused, or NULL. */
static const char *
check_idx(struct sidx *x, const struct sidx_opts *o)
{
	const struct hdr *h;
	uint64_t n = x->mapn;

	if (n < sizeof *h)
		return "truncated (shorter than its header)";
	h = x->h = (const struct hdr *)x->map;
	if (memcmp(h->magic, MAGIC, 8) != 0)
		return "not a jingwu index";
	if (h->hdr_hash != fmt_hash(h, offsetof(struct hdr, hdr_hash), 6))
		return "corrupt (its header's hash does not match)";
	if (h->version != VERSION)
		return "made by another version of jingwu";
	if (h->opts_fp != opts_fp(o, &x->k) ||
	    (h->flags & F_HMAC) != (x->k.hmac ? F_HMAC : 0))
		return h->flags & F_HMAC && x->k.hmac ?
		       "built with another key or other options" :
		       "built for another field or other options";
	if (h->npages != h->nkeys / PAGE + (h->nkeys % PAGE != 0) ||
	    h->nkeys > h->npost || h->npost > n / sizeof(struct post) ||
	    h->dir_off != sizeof *h ||
	    h->table_off != h->dir_off + h->npages * sizeof(struct dirent_) ||
	    h->post_off != h->table_off + h->nkeys * sizeof(struct entry) ||
	    h->file_size != h->post_off + h->npost * sizeof(struct post))
		return "corrupt (its sizes do not add up)";
	if (h->file_size != n)
		return h->file_size > n ? "truncated" :
		       "corrupt (longer than it says)";
	if (h->body_off == 0 || h->body_off > h->covered || h->nlines == 0 ||
	    h->nlines > MAX48 || h->covered > MAX48 + 1 + UINT32_MAX)
		return "corrupt (what it covers makes no sense)";
	x->dir = (const struct dirent_ *)(x->map + h->dir_off);
	x->tab = (const struct entry *)(x->map + h->table_off);
	x->post = (const struct post *)(x->map + h->post_off);
	if (h->dir_hash != fmt_hash(x->dir, h->npages * sizeof *x->dir, 5))
		return "corrupt (its directory's hash does not match)";
	return NULL;
}

static struct sidx *
open_idx(const char *data, const char *idx, const struct sidx_opts *o,
	 int missing_ok, char **err)
{
	struct sidx *x = xcalloc(1, sizeof *x);
	struct stat st, ist;
	struct head hd;
	const char *why;

	x->o = o;
	x->ifd = -1;
	keyer_init(&x->k, o);
	x->data = xstrdup(data);
	x->idx = xstrdup(idx);
	x->fd = open_data(data, &st);
	if (err != NULL) {
		x->soft = 1;
		if (setjmp(x->jb) != 0) {
			*err = x->err;
			x->err = NULL;
			sidx_close(x);
			return NULL;
		}
	}
	x->ifd = open(idx, O_RDONLY | O_CLOEXEC);
	if (x->ifd < 0 && errno == ENOENT && missing_ok) {
		sidx_close(x);
		return NULL;
	}
	if (x->ifd < 0)
		refuse(x, "cannot open: %s", strerror(errno));
	if (fstat(x->ifd, &ist) < 0)
		refuse(x, "%s", strerror(errno));
	if (!S_ISREG(ist.st_mode))
		refuse(x, "not a regular file");
	x->mapn = (size_t)ist.st_size;
	if (x->mapn > 0) {
		x->map = mmap(NULL, x->mapn, PROT_READ, MAP_SHARED, x->ifd, 0);
		if (x->map == MAP_FAILED) {
			x->map = NULL;
			refuse(x, "cannot map: %s", strerror(errno));
		}
	}
	close(x->ifd);
	x->ifd = -1;
	why = x->mapn > 0 ? check_idx(x, o) : "truncated (empty)";
	if (why != NULL)
		refuse(x, "%s", why);
	x->size = whole_lines(x->fd, data, (uint64_t)st.st_size);
	check_data(x, &st);
	/* The header line as it was (the hashed first bytes cover it when
	 * short; checking it costs one read). */
	read_head(x->fd, data, x->h->covered, o->field, &hd);
	x->hl = (char *)hd.hl;
	x->hlen = hd.hlen;
	if (hd.body_off != x->h->body_off || hd.col != x->h->col)
		refuse(x, "stale: %s's header changed", data);
	x->soft = 0;
	return x;
}

struct sidx *
sidx_open(const char *data, const char *idx, const struct sidx_opts *o)
{
	return open_idx(data, idx, o, 0, NULL);
}

struct sidx *
sidx_try_open(const char *data, const char *idx, const struct sidx_opts *o,
	      char **err)
{
	char *e = NULL;
	struct sidx *x = open_idx(data, idx, o, 0, &e);

	if (x != NULL)
		x->soft = 1;	/* lookups too */
	*err = e;
	return x;
}

const char *
sidx_error(const struct sidx *x)
{
	return x->err;
}

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

	if (n > 0 && key_hash(m->k, k, n) == m->h)
		m->collide = 1;
}

static void
add_hit(struct sidx *x, uint64_t off, uint64_t len, uint64_t line)
{
	if (x->nhits == x->caph) {
		x->caph = x->caph ? x->caph * 2 : 16;
		x->hits = xreallocarray(x->hits, x->caph, sizeof *x->hits);
	}
	x->hits[x->nhits].off = off;
	x->hits[x->nhits].len = len;
	x->hits[x->nhits].line = line;
	x->nhits++;
}

static void __attribute__((noreturn))
corrupt(struct sidx *x, const char *what)
{
	refuse(x, "corrupt (%s)", what);
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
	if (pread_full(x->fd, x->line.p, len + 2, off - 1) < 0)
		diag_die(JW_EXIT_IO, "%s: read error: %s", x->data,
			 strerror(errno));
	p = x->line.p + 1;
	if ((off != x->h->body_off && p[-1] != '\n') || p[len] != '\n' ||
	    memchr(p, '\n', len) != NULL)
		corrupt(x, "a posting is not a line");
	m->found = m->collide = 0;
	if (line_field(p, len, x->h->col, &x->tmp, &v))
		keys_of(x->o, v, match_key, m);
	if (m->found)
		return 1;
	if (line_field(p, len, x->h->col, &x->tmp, &v))
		keys_of(x->o, v, match_hash, m);
	if (!m->collide)
		corrupt(x, "a posting's line does not hold its key");
	return 0;
}

static void
lookup_indexed(struct sidx *x, struct match *m)
{
	const struct hdr *hd = x->h;
	const struct entry *e, *pg;
	const struct post *p;
	uint64_t lo, hi, mid, page, k, i, ph, off, len, line;

	for (lo = 0, hi = hd->npages; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (x->dir[mid].first <= m->h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return;
	page = lo - 1;
	pg = x->tab + page * PAGE;
	k = hd->nkeys - page * PAGE < PAGE ? hd->nkeys - page * PAGE : PAGE;
	if (fmt_hash(pg, k * sizeof *pg, 4) != x->dir[page].hash ||
	    pg[0].h != x->dir[page].first)
		corrupt(x, "a table page's hash does not match");
	for (lo = 0, hi = k; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (pg[mid].h < m->h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == k || pg[lo].h != m->h)
		return;
	e = pg + lo;
	if (e->first > hd->npost || e->count > hd->npost - e->first ||
	    e->count == 0)
		corrupt(x, "a posting list is out of bounds");
	p = x->post + e->first;
	for (ph = e->h, i = 0; i < e->count; i++)
		ph = post_hash_step(ph, p + i);
	if (ph != e->hash)
		corrupt(x, "a posting list's hash does not match");
	for (i = 0; i < e->count; i++) {
		off = p[i].a & MAX48;
		line = p[i].a >> 48 | (p[i].b & 0xffffffffull) << 16;
		len = p[i].b >> 32;
		if (off < hd->body_off || off >= hd->covered ||
		    len >= hd->covered - off ||
		    line < 2 || line > hd->nlines ||
		    (i > 0 && off <= (p[i - 1].a & MAX48)))
			corrupt(x, "a posting is out of bounds");
		if (verify_hit(x, m, off, len))
			add_hit(x, off, len, line);
	}
}

struct scan_ctx {
	struct sidx *x;
	struct match *m;
};

static void
scan_line(void *ctx, const char *p, size_t len, uint64_t off, uint64_t line)
{
	struct scan_ctx *c = ctx;
	struct rec_str v;

	c->m->found = 0;
	if (line_field(p, len, c->x->h->col, &c->x->tmp, &v))
		keys_of(c->x->o, v, match_key, c->m);
	if (c->m->found)
		add_hit(c->x, off, len, line);
}

size_t
sidx_lookup(struct sidx *x, const char *key, size_t n,
	    const struct sidx_hit **hits)
{
	struct match m = { &x->k, key, n, 0, 0, 0 };
	struct scan_ctx c = { x, &m };
	struct head hd;
	uint64_t line;

	x->nhits = 0;
	*hits = x->hits;
	if (n == 0 || x->err != NULL)
		return 0;
	if (x->soft && setjmp(x->jb) != 0) {
		x->nhits = 0;
		return 0;
	}
	m.h = key_hash(&x->k, key, n);
	lookup_indexed(x, &m);
	if (x->size > x->h->covered) {
		/* XXX each lookup scans the appended part again: a program
		 * that looks up many keys in a much-grown file should have
		 * the index extended first. */
		hd.body_off = x->h->body_off;
		hd.col = x->h->col;
		hd.hl = x->hl;
		hd.hlen = x->hlen;
		line = x->h->nlines + 1;
		scan_lines(x->fd, x->data, &hd, x->h->covered, &line, x->size,
			   scan_line, &c);
	}
	*hits = x->hits;
	return x->nhits;
}

uint64_t
sidx_covered(const struct sidx *x)
{
	return x->h->covered;
}

uint64_t
sidx_data_size(const struct sidx *x)
{
	return x->size;
}

void
sidx_close(struct sidx *x)
{
	if (x == NULL)
		return;
	if (x->map != NULL && x->map != MAP_FAILED)
		munmap((void *)(uintptr_t)x->map, x->mapn);
	if (x->fd >= 0)
		close(x->fd);
	if (x->ifd >= 0)
		close(x->ifd);
	free(x->err);
	sodium_memzero(&x->k, sizeof x->k);
	free(x->hits);
	free(x->hl);
	free(x->data);
	free(x->idx);
	buf_release(&x->line);
	buf_release(&x->tmp);
	free(x);
}

unsigned char *
sidx_read_secret(const char *path, size_t *n)
{
	struct stat st;
	unsigned char *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		diag_die(JW_EXIT_CONFIG, "%s: cannot open key file: %s", path,
			 strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		diag_die(JW_EXIT_CONFIG, "%s: not a regular file", path);
	if (st.st_size < 16 || st.st_size > 4096)
		diag_die(JW_EXIT_CONFIG, "%s: a key file holds 16 to 4096 "
			 "bytes, this one %lld", path,
			 (long long)st.st_size);
	if (st.st_mode & 077)
		diag_warn("%s: key file readable by others (chmod 600 it)",
			  path);
	p = xmalloc((size_t)st.st_size);
	if (pread_full(fd, p, (size_t)st.st_size, 0) < 0)
		diag_die(JW_EXIT_CONFIG, "%s: read error: %s", path,
			 strerror(errno));
	close(fd);
	*n = (size_t)st.st_size;
	return p;
}
