/*
 * fuzz_gzip: libFuzzer harness for the input streams of lib/base/zio.c (gzip
 * and iconv), through zin_open(), zin_read() and zin_error().
 *
 * An input is three option bytes and a body:
 *   d[0] bits 0-1  the file: 0 the body as it is; 1 the body gzip-
 *                  compressed; 2 the same in two members, split at P;
 *                  3 the body gzip-compressed and cut after P bytes
 *        bits 2-3  --encoding: none, gb18030, utf-16le, big5
 *        bits 4-6  zin_read() size: 4, 5, 7, 64, 1000, 4096, 65536, 1 MiB
 *        bit 7     compression level 0 (stored blocks) instead of 6
 *   d[1..2]        P, big-endian, taken modulo the length
 * The file is a memfd read through "/proc/self/fd/N"; the stream is read to
 * the end or an error.  Checks (abort() on failure):
 *   - what is read is exactly the body, converted by iconv in one go
 *     when there is an encoding, with each byte iconv refuses passed
 *     through (zio.h), whatever the read size;
 *   - with an encoding, line by line: a line that converts on its own
 *     comes out as exactly that, any other comes out as invalid UTF-8 or
 *     with a NUL byte, so that the record reader rejects it alone;
 *   - a gzip file cut inside its compressed data is an error, never an
 *     early end, and what was read before it is a prefix of the body;
 *   - an error carries a message (zin_error);
 *   - raw bodies that start with the gzip magic only need to not crash
 *     (reading stops after 8 MB: deflate's ratio is about 1000:1).
 * Build and run: sh tests/fuzz/run (see there).
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/zio.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define FUZZ_READ_CAP (8u << 20)

/* Compress p[0..n) as one gzip member onto out. */
static void
gz_member(struct buf *out, const void *p, size_t n, int level)
{
	z_stream zs;
	size_t bound;

	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	bound = deflateBound(&zs, n);
	buf_grow(out, bound);
	zs.next_in = (unsigned char *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	zs.next_out = (unsigned char *)out->p + out->len;
	zs.avail_out = (uInt)bound;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	out->len += zs.total_out;
	deflateEnd(&zs);
}

/* Convert p[0..n) from enc in one go onto out; 0, or -1 when the input
 * has an invalid or incomplete sequence.  With pass 0 it stops there;
 * with 1 the offending byte is copied (0xff for 0x80-0xbf right after a
 * copied byte >= 0xc0) and the conversion goes on;
 * with 2 (UTF-16) 2 bytes are replaced by 0xff (zio.c pass_bad()). */
static int
convert(struct buf *out, const char *enc, const void *p, size_t n, int pass)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	char tmp[4096], *ip = (char *)(uintptr_t)p, *op;
	size_t il = n, ol, r;
	unsigned c;
	int ret = 0, lead = 0;

	if (cd == (iconv_t)-1)
		abort();
	while (il > 0) {
		op = tmp;
		ol = sizeof tmp;
		r = iconv(cd, &ip, &il, &op, &ol);
		buf_add(out, tmp, (size_t)(op - tmp));
		if (op > tmp)
			lead = 0;
		if (r == (size_t)-1 && errno != E2BIG) {
			ret = -1;
			if (pass == 0)
				break;
			if (pass == 1) {
				c = (unsigned char)*ip++;
				if (c >= 0x80 && c < 0xc0 && lead)
					c = 0xff;
				lead = c >= 0xc0;
				buf_addc(out, (int)c);
				il--;
				continue;
			}
			for (r = 0; r < 2 && il > 0; r++, il--, ip++)
				buf_addc(out, 0xff);
		}
	}
	iconv_close(cd);
	return ret;
}

/* The end of the line that starts at p (its newline or end). */
static size_t
line_end(const char *p, size_t n, int utf16)
{
	size_t i;

	for (i = 0; i < n; i += utf16 ? 2 : 1)
		if (p[i] == '\n' && (!utf16 || (i + 1 < n && p[i + 1] == 0)))
			return i;
	return n;
}

/* Each line of the body either converts alone to exactly the line read,
 * or the line read is invalid UTF-8 or holds a NUL. */
static void
check_lines(const char *enc, const char *b, size_t bn, const char *g,
	    size_t gn)
{
	int utf16 = strcmp(enc, "utf-16le") == 0;
	size_t bl, gl;
	struct buf one = BUF_INIT;

	for (;;) {
		bl = line_end(b, bn, utf16);
		gl = line_end(g, gn, 0);
		buf_reset(&one);
		if (convert(&one, enc, b, bl, 0) == 0) {
			if (one.len != gl || memcmp(one.p, g, gl) != 0)
				abort();
		} else if (utf8_is_valid(g, gl) && memchr(g, 0, gl) == NULL) {
			abort();	/* a bad line would be read as good */
		}
		if ((bl == bn) != (gl == gn))
			abort();	/* lines joined or split */
		if (bl == bn)
			break;
		bl += utf16 ? 2 : 1;
		b += bl;
		bn -= bl;
		g += gl + 1;
		gn -= gl + 1;
	}
	buf_release(&one);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const char *const encs[4] = {
		NULL, "gb18030", "utf-16le", "big5"
	};
	static const size_t sizes[8] = {
		4, 5, 7, 64, 1000, 4096, 65536, 1u << 20
	};
	unsigned sel = n > 0 ? d[0] : 0, mode = sel & 3;
	size_t pt = n > 2 ? (size_t)d[1] << 8 | d[2] : 0;
	const uint8_t *body = n > 3 ? d + 3 : d;
	size_t blen = n > 3 ? n - 3 : 0, chunk = sizes[(sel >> 4) & 7];
	const char *enc = encs[(sel >> 2) & 3];
	int level = (sel & 128) ? 0 : 6, fd, cut = 0, magic;
	struct buf file = BUF_INIT, want = BUF_INIT, got = BUF_INIT;
	char name[32], *err = NULL, *rbuf;
	struct zin *z;
	ssize_t r = 0;
	ssize_t w;
	size_t off;

	/* The file. */
	switch (mode) {
	case 0:
		buf_add(&file, body, blen);
		break;
	case 1:
		gz_member(&file, body, blen, level);
		break;
	case 2:
		pt %= blen + 1;
		gz_member(&file, body, pt, level);
		gz_member(&file, body + pt, blen - pt, level);
		break;
	case 3:
		gz_member(&file, body, blen, level);
		pt %= file.len + 1;
		if (pt < file.len) {
			file.len = pt;
			cut = 1;
		}
		break;
	}
	magic = file.len >= 2 && (unsigned char)file.p[0] == 0x1f &&
		(unsigned char)file.p[1] == 0x8b;
	if (cut && !magic) {
		/* 0 or 1 byte left: a plain file of those bytes. */
		cut = 0;
		mode = 0;
		body = (const uint8_t *)file.p;
		blen = file.len;
	}
	/* What must come out. */
	if (enc != NULL)
		convert(&want, enc, body, blen,
			strcmp(enc, "utf-16le") == 0 ? 2 : 1);
	else
		buf_add(&want, body, blen);

	fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	for (off = 0; off < file.len; off += (size_t)w)
		if ((w = write(fd, file.p + off, file.len - off)) <= 0)
			abort();
	snprintf(name, sizeof name, "/proc/self/fd/%d", fd);

	z = zin_open(name, enc, &err);
	if (z == NULL)
		abort();	/* the file exists, the encoding is known */
	if (strcmp(zin_name(z), name) != 0)
		abort();
	rbuf = malloc(chunk);
	if (rbuf == NULL)
		abort();
	while (got.len < FUZZ_READ_CAP) {
		r = zin_read(z, rbuf, chunk);
		if (r <= 0)
			break;
		if ((size_t)r > chunk)
			abort();
		buf_add(&got, rbuf, (size_t)r);
	}
	if (r < 0 && zin_error(z)[0] == '\0')
		abort();
	if (zin_bytes(z) > file.len)
		abort();
	if (mode != 0 || !magic) {
		if (got.len > want.len || memcmp(got.p, want.p, got.len) != 0)
			abort();	/* not a prefix of the body */
		if (cut) {
			if (r >= 0)
				abort();	/* an error read as the end */
		} else if (r != 0 || got.len != want.len) {
			abort();
		}
		if (!cut && enc != NULL)
			check_lines(enc, (const char *)body, blen, got.p,
				    got.len);
	}
	zin_close(z);
	free(rbuf);
	close(fd);
	buf_release(&file);
	buf_release(&want);
	buf_release(&got);
	return 0;
}
