/* sidx_data: what the build and the lookups share of sidx: the format's hash,
 * the keys, and reading the data file (its header line, its lines, the
 * hashes of its edges).  See sidx_in.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/util.h"
#include "rec/sidx_in.h"

/* ---- the format's hash ---- */

uint64_t
sx_fmt_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = sx_mix(seed ^ (n * 0x9e3779b97f4a7c15ull)), w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = sx_mix(h ^ w) + 0x9e3779b97f4a7c15ull;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, s, n);
		h = sx_mix(h ^ w ^ ((uint64_t)n << 56));
	}
	return h;
}

void
sx_seal_groups(struct dirent_ *out, const void *a, size_t size, size_t n,
	       size_t per, uint64_t seed)
{
	const unsigned char *p = a;
	size_t i, k;

	for (i = 0; i * per < n; i++) {
		k = n - i * per < per ? n - i * per : per;
		memcpy(&out[i].first, p + i * per * size, 8);
		out[i].hash = sx_fmt_hash(p + i * per * size, k * size, seed);
	}
}

/* ---- keys ---- */

void
sx_keyer_init(struct keyer *k, const struct sidx_opts *o)
{
	memset(k, 0, sizeof *k);
	if (o->secret == NULL)
		return;
	if (sodium_init() < 0)
		diag_die(JW_EXIT_INTERNAL, "libsodium failed to start");
	k->hmac = 1;
	crypto_auth_hmacsha256_init(&k->st, o->secret, o->nsecret);
}

uint64_t
sx_key_hash(const struct keyer *k, const char *p, size_t n)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	uint64_t h;

	if (!k->hmac)
		return sx_fmt_hash(p, n, 0x6b6579);
	st = k->st;
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)p, n);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(&h, mac, 8);
	sodium_memzero(&st, sizeof st);
	return h;
}

/* What the index records of the options: the field, keys_name, clear or
 * HMAC, and (HMAC) which secret, by a MAC of a fixed text. */
uint64_t
sx_opts_fp(const struct sidx_opts *o, const struct keyer *k)
{
	uint64_t h = sx_fmt_hash(o->field, strlen(o->field), 1);

	if (o->keys_name != NULL)
		h = sx_fmt_hash(o->keys_name, strlen(o->keys_name), h);
	if (k->hmac)
		h = sx_mix(h ^ sx_key_hash(k, "jingwu sidx key check", 21)) + 1;
	return h;
}

void
sx_keys_of(const struct sidx_opts *o, struct rec_str v,
	   void (*emit)(void *, const char *, size_t), void *ectx)
{
	if (o->keys != NULL)
		o->keys(o->keys_ctx, v, emit, ectx);
	else
		emit(ectx, v.p, v.len);
}

/* ---- reading the data ---- */

void
sx_rebuild_hint(struct buf *b, const struct sidx_opts *o)
{
	if (o->rebuild != NULL)
		buf_printf(b, " (rebuild it with '%s')", o->rebuild);
	else
		buf_adds(b, " (rebuild the index)");
}

int
sx_pread_full(int fd, void *p, size_t n, uint64_t off)
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
int
sx_open_data(const char *data, struct stat *st)
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
		diag_die(JW_EXIT_IO, "%s: gzip data cannot be indexed (an "
			 "index needs offsets into plain text): gunzip it "
			 "first", data);
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
int
sx_line_field(const char *p, size_t n, uint64_t col, struct buf *tmp,
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

/* For each line of data from off (whose line is number *linep) to end,
 * which ends after an LF: fn(ctx, line, len, off, number).  Repeated
 * header lines (cat a.tsv b.tsv) are not passed.  *linep becomes the
 * number of the line after.  Returns the lines passed. */
uint64_t
sx_scan_lines(int fd, const char *data, const struct head *hd, uint64_t off,
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
		if (sx_pread_full(fd, blk + have, want, at) < 0)
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

/* Bytes up to and with the last LF of the first size bytes. */
uint64_t
sx_whole_lines(int fd, const char *data, uint64_t size)
{
	char b[65536];
	uint64_t at = size;
	size_t k, step = 4096;	/* the last line is short, as a rule */

	while (at > 0) {
		k = at < step ? (size_t)at : step;
		step = sizeof b;
		at -= k;
		if (sx_pread_full(fd, b, k, at) < 0)
			diag_die(JW_EXIT_IO, "%s: read error: %s", data,
				 strerror(errno));
		while (k > 0)
			if (b[--k] == '\n')
				return at + k + 1;
	}
	return 0;
}

void
sx_edge_hashes(int fd, const char *data, uint64_t covered, uint64_t *head,
	       uint64_t *tail)
{
	char b[EDGE];
	size_t k = covered < EDGE ? (size_t)covered : EDGE;

	if (sx_pread_full(fd, b, k, 0) < 0)
		diag_die(JW_EXIT_IO, "%s: read error: %s", data,
			 strerror(errno));
	*head = sx_fmt_hash(b, k, 2);
	if (sx_pread_full(fd, b, k, covered - k) < 0)
		diag_die(JW_EXIT_IO, "%s: read error: %s", data,
			 strerror(errno));
	*tail = sx_fmt_hash(b, k, 3);
}

/* Read the header line: exits 4 when there is none, 2 when the field is
 * not in it.  hd->hl is malloc'd (caller frees). */
void
sx_read_head(int fd, const char *data, uint64_t covered, const char *field,
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
		if (sx_pread_full(fd, b + n, k - n, n) < 0)
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

/* ---- the key file ---- */

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
	if (sx_pread_full(fd, p, (size_t)st.st_size, 0) < 0)
		diag_die(JW_EXIT_CONFIG, "%s: read error: %s", path,
			 strerror(errno));
	close(fd);
	*n = (size_t)st.st_size;
	return p;
}

void
sx_seg_path(struct buf *b, const char *idx, size_t k)
{
	buf_reset(b);
	buf_printf(b, "%s.%zu", idx, k);
}

void
sx_layout(struct hdr *h, uint64_t nkeys, uint64_t npost)
{
	h->nkeys = nkeys;
	h->npost = npost;
	h->npages = nkeys / PAGE + (nkeys % PAGE != 0);
	h->nblocks = h->npages / DBLK + (h->npages % DBLK != 0);
	h->top_off = sizeof *h;
	h->dir_off = h->top_off + h->nblocks * sizeof(struct dirent_);
	h->table_off = h->dir_off + h->npages * sizeof(struct dirent_);
	h->post_off = h->table_off + nkeys * sizeof(struct entry);
	h->file_size = h->post_off + npost * sizeof(struct post);
}
