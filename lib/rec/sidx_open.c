/* sidx_open: opening an index: its files open, the checks of the index itself
 * and its segments (header, sizes, the top's hash, the chain) and of the
 * data it covers (inode,
 * mtime, edge hashes, header line), and the refusals.  See sidx.h. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/util.h"
#include "rec/sidx_in.h"

/* The index is refused: exit 4 with the message and how to rebuild, or
 * (sidx_try_open()) keep the message and jump back. */
void
sx_refuse(struct sidx *x, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	sx_rebuild_hint(&b, x->o);
	if (x->soft) {
		free(x->err);
		x->err = xstrdup(b.p);
		buf_release(&b);
		longjmp(x->jb, 1);
	}
	diag_die(JW_EXIT_IO, "%s: %s", x->idx, b.p);
}

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
	sx_edge_hashes(x->fd, x->data, h->covered, &head, &tail);
	if (head != h->head_hash || tail != h->tail_hash)
		goto stale;
	/* What it covers ends a line (the scan of the rest starts one). */
	if (sx_pread_full(x->fd, &c, 1, h->covered - 1) < 0)
		diag_die(JW_EXIT_IO, "%s: read error: %s", x->data,
			 strerror(errno));
	if (c != '\n')
		sx_refuse(x, "corrupt (what it covers does not end a line)");
	return;
stale:
	sx_refuse(x, "stale: %s changed since the index was built, "
		"other than by growing", x->data);
}

/* Checks of one file of the index that cost nothing per key: header,
 * sizes, the top's hash (the header and the top are read here).  Returns
 * the reason it is refused, or NULL. */
static const char *
check_file(struct sidx *x, struct seg *s)
{
	const struct hdr *h;
	struct hdr want;
	uint64_t n = s->size;

	if (n < sizeof *h)
		return "truncated (shorter than its header)";
	sx_seg_read(x, s, &s->hd, sizeof s->hd, 0);
	h = s->h = &s->hd;
	if (memcmp(h->magic, MAGIC, 8) != 0)
		return "not a jingwu index";
	if (h->hdr_hash != sx_fmt_hash(h, offsetof(struct hdr, hdr_hash), 6))
		return "corrupt (its header's hash does not match)";
	if (h->version != VERSION)
		return "made by another version of jingwu";
	if (h->opts_fp != sx_opts_fp(x->o, &x->k) ||
	    (h->flags & F_HMAC) != (x->k.hmac ? F_HMAC : 0))
		return h->flags & F_HMAC && x->k.hmac ?
		       "built with another key or other options" :
		       "built for another field or other options";
	if (h->nkeys > h->npost || h->npost > n / sizeof(struct post))
		return "corrupt (its sizes do not add up)";
	memset(&want, 0, sizeof want);
	sx_layout(&want, h->nkeys, h->npost);
	if (h->npages != want.npages || h->nblocks != want.nblocks ||
	    h->top_off != want.top_off || h->dir_off != want.dir_off ||
	    h->table_off != want.table_off || h->post_off != want.post_off ||
	    h->file_size != want.file_size)
		return "corrupt (its sizes do not add up)";
	if (h->file_size != n)
		return h->file_size > n ? "truncated" :
		       "corrupt (longer than it says)";
	if (h->body_off == 0 || h->body_off > h->from ||
	    h->from > h->covered || h->nlines == 0 || h->nlines > MAX48 ||
	    h->covered > MAX48 + 1 + UINT32_MAX || h->seg > SEGMAX ||
	    (h->seg == 0 && (h->from != h->body_off ||
			     h->base_id != h->build_id)))
		return "corrupt (what it covers makes no sense)";
	s->top = xreallocarray(NULL, h->nblocks ? h->nblocks : 1,
			       sizeof *s->top);
	sx_seg_read(x, s, s->top, h->nblocks * sizeof *s->top, h->top_off);
	if (h->top_hash != sx_fmt_hash(s->top, h->nblocks * sizeof *s->top,
				       7))
		return "corrupt (its top's hash does not match)";
	return NULL;
}

void
sx_seg_read(struct sidx *x, const struct seg *s, void *p, size_t n,
	    uint64_t off)
{
	if (sx_pread_full(s->fd, p, n, off) < 0)
		sx_refuse(x, "%s", errno == EIO ? "truncated (it shrank while "
			  "open)" : strerror(errno));
}

/* Open the file path into s: 0, or -1 when it does not exist
 * (missing_ok); other errors are refusals. */
static int
open_file(struct sidx *x, const char *path, struct seg *s, int missing_ok)
{
	struct stat ist;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && missing_ok)
		return -1;
	if (fd < 0)
		sx_refuse(x, "cannot open: %s", strerror(errno));
	s->fd = fd;
	if (fstat(fd, &ist) < 0)
		sx_refuse(x, "%s", strerror(errno));
	if (!S_ISREG(ist.st_mode))
		sx_refuse(x, "not a regular file");
	s->size = (uint64_t)ist.st_size;
	return 0;
}

static void
seg_close(struct seg *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->top);
	free(s->blk);
	free(s->page);
	free(s->post);
	memset(s, 0, sizeof *s);
	s->fd = -1;
}

/* The segments after the base: IDX.1, IDX.2, ... while they exist and
 * continue the chain (one of another base, left over, ends it). */
static void
open_segs(struct sidx *x)
{
	struct buf p = BUF_INIT;
	const struct hdr *prev = x->seg[0].h;
	struct seg *s;
	const char *why;

	for (x->nseg = 1; x->nseg <= SEGMAX; x->nseg++) {
		s = &x->seg[x->nseg];
		sx_seg_path(&p, x->idx, x->nseg);
		if (open_file(x, p.p, s, 1) < 0)
			break;
		why = s->size > 0 ? check_file(x, s) : "truncated (empty)";
		if (why == NULL && s->h->base_id != x->seg[0].h->build_id) {
			seg_close(s);
			break;
		}
		if (why == NULL && (s->h->seg != x->nseg ||
				    s->h->from != prev->covered ||
				    s->h->nlines < prev->nlines ||
				    s->h->body_off != prev->body_off ||
				    s->h->col != prev->col))
			why = "corrupt (its segments do not follow)";
		if (why != NULL) {
			buf_reset(&x->line);
			buf_adds(&x->line, p.p);
			buf_release(&p);
			sx_refuse(x, "%s: %s", x->line.p, why);
		}
		prev = s->h;
	}
	x->h = prev;
	buf_release(&p);
}

struct sidx *
sx_open_idx(const char *data, const char *idx, const struct sidx_opts *o,
	    int missing_ok, char **err)
{
	struct sidx *x = xcalloc(1, sizeof *x);
	struct stat st;
	struct head hd;
	const char *why;
	size_t k;

	x->o = o;
	for (k = 0; k <= SEGMAX; k++)
		x->seg[k].fd = -1;
	sx_keyer_init(&x->k, o);
	x->data = xstrdup(data);
	x->idx = xstrdup(idx);
	x->fd = sx_open_data(data, &st);
	if (err != NULL) {
		x->soft = 1;
		if (setjmp(x->jb) != 0) {
			*err = x->err;
			x->err = NULL;
			sidx_close(x);
			return NULL;
		}
	}
	if (open_file(x, idx, &x->seg[0], missing_ok) < 0) {
		sidx_close(x);
		return NULL;
	}
	x->nseg = 1;
	why = x->seg[0].size > 0 ? check_file(x, &x->seg[0]) :
	      "truncated (empty)";
	if (why != NULL)
		sx_refuse(x, "%s", why);
	if (x->seg[0].h->seg != 0)
		sx_refuse(x, "corrupt (a segment, not a base)");
	open_segs(x);
	x->size = sx_whole_lines(x->fd, data, (uint64_t)st.st_size);
	check_data(x, &st);
	/* The header line as it was (the hashed first bytes cover it when
	 * short; checking it costs one read). */
	sx_read_head(x->fd, data, x->h->covered, o->field, &hd);
	x->hl = (char *)hd.hl;
	x->hlen = hd.hlen;
	if (hd.body_off != x->h->body_off || hd.col != x->h->col)
		sx_refuse(x, "stale: %s's header changed", data);
	x->soft = 0;
	return x;
}

struct sidx *
sidx_open(const char *data, const char *idx, const struct sidx_opts *o)
{
	return sx_open_idx(data, idx, o, 0, NULL);
}

struct sidx *
sidx_try_open(const char *data, const char *idx, const struct sidx_opts *o,
	      char **err)
{
	char *e = NULL;
	struct sidx *x = sx_open_idx(data, idx, o, 0, &e);

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
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i <= SEGMAX; i++)
		seg_close(&x->seg[i]);
	if (x->fd >= 0)
		close(x->fd);
	free(x->err);
	sodium_memzero(&x->k, sizeof x->k);
	free(x->hits);
	free(x->hl);
	free(x->data);
	free(x->idx);
	buf_release(&x->line);
	buf_release(&x->tmp);
	buf_release(&x->texts);
	free(x);
}
