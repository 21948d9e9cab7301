/* sidx_open: opening an index: the mmap, the checks of the index itself
 * (header, sizes, the directory's hash) and of the data it covers (inode,
 * mtime, edge hashes, header line), and the refusals.  See sidx.h. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
	if (h->hdr_hash != sx_fmt_hash(h, offsetof(struct hdr, hdr_hash), 6))
		return "corrupt (its header's hash does not match)";
	if (h->version != VERSION)
		return "made by another version of jingwu";
	if (h->opts_fp != sx_opts_fp(o, &x->k) ||
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
	if (h->dir_hash != sx_fmt_hash(x->dir, h->npages * sizeof *x->dir, 5))
		return "corrupt (its directory's hash does not match)";
	return NULL;
}

struct sidx *
sx_open_idx(const char *data, const char *idx, const struct sidx_opts *o,
	    int missing_ok, char **err)
{
	struct sidx *x = xcalloc(1, sizeof *x);
	struct stat st, ist;
	struct head hd;
	const char *why;

	x->o = o;
	x->ifd = -1;
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
	x->ifd = open(idx, O_RDONLY | O_CLOEXEC);
	if (x->ifd < 0 && errno == ENOENT && missing_ok) {
		sidx_close(x);
		return NULL;
	}
	if (x->ifd < 0)
		sx_refuse(x, "cannot open: %s", strerror(errno));
	if (fstat(x->ifd, &ist) < 0)
		sx_refuse(x, "%s", strerror(errno));
	if (!S_ISREG(ist.st_mode))
		sx_refuse(x, "not a regular file");
	x->mapn = (size_t)ist.st_size;
	if (x->mapn > 0) {
		x->map = mmap(NULL, x->mapn, PROT_READ, MAP_SHARED, x->ifd, 0);
		if (x->map == MAP_FAILED) {
			x->map = NULL;
			sx_refuse(x, "cannot map: %s", strerror(errno));
		}
	}
	close(x->ifd);
	x->ifd = -1;
	why = x->mapn > 0 ? check_idx(x, o) : "truncated (empty)";
	if (why != NULL)
		sx_refuse(x, "%s", why);
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
