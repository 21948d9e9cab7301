/* zio: byte streams with gzip and iconv.  See zio.h. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/durable.h"
#include "base/util.h"
#include "base/zio.h"

#define ZIO_BLOCK (256u << 10)	/* fits in L2: see DESIGN.md "Speed" */
#define ZIO_CONV_BLOCK (64u << 10)

struct zin {
	int fd;
	char *name;
	unsigned long long nread;	/* raw bytes read from fd */
	char err[160];

	/* Raw bytes read ahead (the gzip sniff, or inflate's input). */
	unsigned char *raw;
	size_t rawpos, rawlen;
	int raw_eof;

	int gz;			/* gzip detected */
	int in_member;		/* inside a gzip member */
	unsigned members;
	z_stream zs;

	iconv_t cd;		/* (iconv_t)-1 when not converting */
	const char *enc;
	size_t unit;		/* bytes per code unit: UTF-16 2, UTF-32 4 */
	int pass_lead;		/* the last byte out was a passed lead byte */
	char *cin;		/* bytes in the source encoding */
	size_t cinpos, cinlen;
	int cin_eof;
	unsigned long long cin_off;	/* source bytes converted before cin */
};

static ssize_t
read_fd(struct zin *z, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(z->fd, p, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		snprintf(z->err, sizeof z->err, "read error: %s", strerror(errno));
	else
		z->nread += (unsigned long long)r;
	return r;
}

/* Top up z->raw; returns -1 on a read error. */
static int
fill_raw(struct zin *z)
{
	ssize_t r;

	if (z->rawpos == z->rawlen)
		z->rawpos = z->rawlen = 0;
	if (z->raw_eof || z->rawlen == ZIO_BLOCK)
		return 0;
	r = read_fd(z, z->raw + z->rawlen, ZIO_BLOCK - z->rawlen);
	if (r < 0)
		return -1;
	if (r == 0)
		z->raw_eof = 1;
	z->rawlen += (size_t)r;
	return 0;
}

/* Bytes per code unit of an iconv encoding name: 2 for UTF-16 and UCS-2,
 * 4 for UTF-32 and UCS-4, else 1. */
static size_t
enc_unit(const char *e)
{
	static const char *const two[] = { "UTF-16", "UTF16", "UCS-2", "UCS2",
					   "UNICODE", NULL };
	static const char *const four[] = { "UTF-32", "UTF32", "UCS-4", "UCS4",
					    "WCHAR_T", NULL };
	size_t i;

	for (i = 0; two[i] != NULL; i++)
		if (strncasecmp(e, two[i], strlen(two[i])) == 0)
			return 2;
	for (i = 0; four[i] != NULL; i++)
		if (strncasecmp(e, four[i], strlen(four[i])) == 0)
			return 4;
	return 1;
}

struct zin *
zin_open(const char *path, const char *encoding, char **err)
{
	struct zin *z = xcalloc(1, sizeof *z);
	struct buf msg = BUF_INIT;

	z->cd = (iconv_t)-1;
	if (path == NULL || strcmp(path, "-") == 0) {
		z->fd = 0;
		z->name = xstrdup("<stdin>");
	} else {
		z->name = xstrdup(path);
		z->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (z->fd < 0) {
			buf_printf(&msg, "%s: cannot open: %s", path,
				   strerror(errno));
			goto fail;
		}
	}
	if (encoding != NULL && strcasecmp(encoding, "utf-8") != 0 &&
	    strcasecmp(encoding, "utf8") != 0) {
		z->cd = iconv_open("UTF-8", encoding);
		if (z->cd == (iconv_t)-1) {
			buf_printf(&msg, "unknown encoding '%s'", encoding);
			goto fail;
		}
		z->enc = encoding;
		z->unit = enc_unit(encoding);
		z->cin = xmalloc_page(ZIO_CONV_BLOCK);
	}
	z->raw = xmalloc_page(ZIO_BLOCK);
	/* Sniff the gzip magic: read until 2 bytes or the end. */
	while (z->rawlen < 2 && !z->raw_eof)
		if (fill_raw(z) < 0) {
			buf_printf(&msg, "%s: %s", z->name, z->err);
			goto fail;
		}
	if (z->rawlen >= 2 && z->raw[0] == 0x1f && z->raw[1] == 0x8b) {
		z->gz = 1;
		if (inflateInit2(&z->zs, 15 + 16) != Z_OK)
			diag_die(JW_EXIT_INTERNAL, "out of memory");
	}
	return z;
fail:
	*err = buf_detach(&msg, NULL);
	zin_close(z);
	return NULL;
}

/* Decompressed (or plain) bytes. */
static ssize_t
read_plain(struct zin *z, char *p, size_t n)
{
	size_t k;
	int ret;

	if (!z->gz) {
		if (z->rawpos < z->rawlen) {
			k = z->rawlen - z->rawpos;
			if (k > n)
				k = n;
			memcpy(p, z->raw + z->rawpos, k);
			z->rawpos += k;
			return (ssize_t)k;
		}
		if (z->raw_eof)
			return 0;
		return read_fd(z, p, n);
	}
	for (;;) {
		if (z->rawpos == z->rawlen && fill_raw(z) < 0)
			return -1;
		if (z->rawpos == z->rawlen) {
			if (!z->in_member)
				return 0;	/* ended on a member boundary */
			snprintf(z->err, sizeof z->err,
				 "truncated gzip data (member %u)", z->members);
			return -1;
		}
		if (!z->in_member) {
			z->in_member = 1;
			z->members++;
		}
		z->zs.next_in = z->raw + z->rawpos;
		z->zs.avail_in = (uInt)(z->rawlen - z->rawpos);
		z->zs.next_out = (unsigned char *)p;
		z->zs.avail_out = (uInt)(n > ZIO_BLOCK ? ZIO_BLOCK : n);
		ret = inflate(&z->zs, Z_NO_FLUSH);
		z->rawpos = z->rawlen - z->zs.avail_in;
		k = (size_t)((char *)z->zs.next_out - p);
		if (ret == Z_STREAM_END) {
			z->in_member = 0;
			inflateReset(&z->zs);
		} else if (ret == Z_MEM_ERROR) {
			diag_die(JW_EXIT_INTERNAL, "out of memory");
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			snprintf(z->err, sizeof z->err,
				 "corrupt gzip data (member %u): %s", z->members,
				 z->zs.msg ? z->zs.msg : "inflate failed");
			return -1;
		}
		if (k > 0)
			return (ssize_t)k;
	}
}

/* An offending byte: itself (>= 0x80 in an ASCII-based encoding).  In
 * UTF-16 or UTF-32 a whole code unit, as 0xff bytes: its raw bytes could
 * be a newline or a tab, and one byte alone would put the rest of the
 * file out of step (n >= 4 leaves room). */
static ssize_t
pass_bad(struct zin *z, char *p)
{
	size_t k = z->cinlen - z->cinpos;

	if (z->unit == 1) {
		/* A UTF-8 continuation byte right after a passed lead byte
		 * becomes 0xff: together they could be valid UTF-8
		 * ("\xe6\x96\x87" is bad Big5, good UTF-8). */
		p[0] = z->cin[z->cinpos++];
		if ((unsigned char)p[0] >= 0x80 &&
		    (unsigned char)p[0] < 0xc0 && z->pass_lead)
			p[0] = (char)0xff;
		z->pass_lead = (unsigned char)p[0] >= 0xc0;
		return 1;
	}
	if (k > z->unit)
		k = z->unit;
	memset(p, 0xff, k);
	z->cinpos += k;
	return (ssize_t)k;
}

ssize_t
zin_read(struct zin *z, char *p, size_t n)
{
	char *ip, *op;
	size_t il, ol, r;
	ssize_t got;

	if (z->cd == (iconv_t)-1)
		return read_plain(z, p, n);
	for (;;) {
		/* Keep some source bytes ahead: an incomplete multi-byte
		 * sequence at the end of a block (EINVAL) is at most a few
		 * bytes and is completed by the next read. */
		if (!z->cin_eof && z->cinlen - z->cinpos < 64) {
			memmove(z->cin, z->cin + z->cinpos,
				z->cinlen - z->cinpos);
			z->cin_off += z->cinpos;
			z->cinlen -= z->cinpos;
			z->cinpos = 0;
			got = read_plain(z, z->cin + z->cinlen,
					 ZIO_CONV_BLOCK - z->cinlen);
			if (got < 0)
				return -1;
			if (got == 0)
				z->cin_eof = 1;
			z->cinlen += (size_t)got;
		}
		if (z->cinpos == z->cinlen)
			return 0;
		ip = z->cin + z->cinpos;
		il = z->cinlen - z->cinpos;
		op = p;
		ol = n;
		r = iconv(z->cd, &ip, &il, &op, &ol);
		z->cinpos = (size_t)(ip - z->cin);
		if (op > p) {
			z->pass_lead = 0;
			return op - p;
		}
		if (r == (size_t)-1 && errno == EILSEQ) {
			/* Pass the offending bytes through as never-valid
			 * UTF-8, so the reader rejects just that line. */
			return pass_bad(z, p);
		}
		if (r == (size_t)-1 && errno == EINVAL && z->cin_eof) {
			/* A sequence cut by the end of the input: the same. */
			return pass_bad(z, p);
		}
		if (r == (size_t)-1 && errno == E2BIG && op == p)
			diag_die(JW_EXIT_INTERNAL, "zin_read: buffer too small");
	}
}

const char *
zin_error(const struct zin *z)
{
	return z->err;
}

const char *
zin_name(const struct zin *z)
{
	return z->name;
}

unsigned long long
zin_bytes(const struct zin *z)
{
	return z->nread;
}

void
zin_close(struct zin *z)
{
	if (z == NULL)
		return;
	if (z->fd > 0)
		close(z->fd);
	if (z->gz)
		inflateEnd(&z->zs);
	if (z->cd != (iconv_t)-1)
		iconv_close(z->cd);
	free(z->cin);
	free(z->raw);
	free(z->name);
	free(z);
}

/* ---- output ---- */

struct zout {
	int fd;
	char *name;	/* for messages */
	struct dur_file *tmp;	/* the file's temporary (durable.h) */
	int own_fd;	/* a device opened by name: close it */
	int gz;
	z_stream zs;
	unsigned char *zbuf;
};

static void (*epipe_hook)(void);

void
zout_on_epipe(void (*fn)(void))
{
	epipe_hook = fn;
}

static void
write_all(struct zout *z, const void *p, size_t n)
{
	const char *s = p;
	ssize_t r;

	while (n > 0) {
		r = write(z->fd, s, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EPIPE) {
			/* The reader is done (`| head`): end quietly, but
			 * first let the other outputs (a rejects file) keep
			 * what they have. */
			static int ending;

			if (epipe_hook != NULL && !ending) {
				ending = 1;
				epipe_hook();
			}
			exit(JW_EXIT_OK);
		}
		if (r < 0)
			diag_die(JW_EXIT_IO, "%s: write error: %s", z->name,
				 strerror(errno));
		s += r;
		n -= (size_t)r;
	}
}

/* A symbolic link to a regular file, not a descriptor alias such as
 * /dev/stdout (truncating that could cut what a shell's >> appended). */
static int
is_plain_link(const char *path)
{
	struct stat st;

	return strncmp(path, "/dev/", 5) != 0 &&
	       strncmp(path, "/proc/", 6) != 0 && stat(path, &st) == 0 &&
	       S_ISREG(st.st_mode);
}

struct zout *
zout_open(const char *path, int gz)
{
	struct zout *z = xcalloc(1, sizeof *z);
	struct stat st;

	if (path == NULL || strcmp(path, "-") == 0) {
		z->fd = 1;
		z->name = xstrdup("<stdout>");
	} else if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A device, FIFO or symbolic link (/dev/null, /dev/stdout):
		 * write through it in place; renaming over it would replace
		 * the link or device instead of writing where it leads. */
		z->name = xstrdup(path);
		z->fd = open(path, O_WRONLY | O_CLOEXEC |
			     (is_plain_link(path) ? O_TRUNC : 0));
		if (z->fd < 0)
			diag_die(JW_EXIT_IO, "%s: cannot open: %s", path,
				 strerror(errno));
		z->own_fd = 1;
	} else {
		/* Beside the target, renamed into place by zout_close():
		 * durable.h also removes it on exit or a signal. */
		z->name = xstrdup(path);
		z->tmp = dur_create(path, 0666);
		if (z->tmp == NULL) {
			int e = errno;

			/* Freed before the exit, so that LeakSanitizer (make
			 * check) sees nothing left. */
			free(z->name);
			free(z);
			diag_die(JW_EXIT_IO, "%s: cannot create: %s", path,
				 strerror(e));
		}
		z->fd = dur_fd(z->tmp);
	}
	if (gz) {
		z->gz = 1;
		z->zbuf = xmalloc_page(ZIO_BLOCK);
		if (deflateInit2(&z->zs, 6, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			diag_die(JW_EXIT_INTERNAL, "out of memory");
	}
	return z;
}

static void
deflate_some(struct zout *z, int flush)
{
	int ret;

	do {
		z->zs.next_out = z->zbuf;
		z->zs.avail_out = ZIO_BLOCK;
		ret = deflate(&z->zs, flush);
		if (ret == Z_STREAM_ERROR)
			diag_die(JW_EXIT_INTERNAL, "deflate failed");
		write_all(z, z->zbuf, ZIO_BLOCK - z->zs.avail_out);
	} while (z->zs.avail_out == 0 || (flush == Z_FINISH && ret != Z_STREAM_END));
}

void
zout_write(struct zout *z, const void *p, size_t n)
{
	if (!z->gz) {
		write_all(z, p, n);
		return;
	}
	z->zs.next_in = (unsigned char *)(uintptr_t)p;
	z->zs.avail_in = (uInt)n;
	deflate_some(z, Z_NO_FLUSH);
}

void
zout_close(struct zout *z, int commit)
{
	if (z == NULL)
		return;
	if (z->gz) {
		if (commit) {
			z->zs.next_in = NULL;
			z->zs.avail_in = 0;
			deflate_some(z, Z_FINISH);
		}
		deflateEnd(&z->zs);
		free(z->zbuf);
	}
	if (z->tmp != NULL) {
		if (!commit)
			dur_abort(z->tmp);
		else if (dur_commit(z->tmp) < 0)
			diag_die(JW_EXIT_IO, "%s: write error: %s", z->name,
				 strerror(errno));
	} else if (z->own_fd && close(z->fd) < 0 && commit) {
		diag_die(JW_EXIT_IO, "%s: write error: %s", z->name,
			 strerror(errno));
	}
	free(z->name);
	free(z);
}

const char *
zout_name(const struct zout *z)
{
	return z->name;
}
