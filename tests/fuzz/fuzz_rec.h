/*
 * fuzz_rec.h: the body shared by fuzz_tsv.c, fuzz_csv.c and fuzz_jsonl.c.
 *
 * An input is two option bytes and a body:
 *   d[0] bits 0-1  writer: TSV, JSON Lines, CSV, pretty
 *        bits 2-3  --max-line: default, 8, 100, 2000
 *        bit 4     a byte order mark before the first file
 *        bit 5     two files: the body is split, the second file gets the
 *                  header in another order (c, a, b)
 *        bit 6     the file(s) gzip-compressed
 *        bit 7     --encoding gb18030, when the whole body converts
 *   d[1] bits 0-5  where to split the body (in 64ths)
 *        bits 6-7  3: put 256 KiB of filler records before the body,
 *                  so that the body straddles the reader's first block
 *                  end at the split point.  A filler record is
 *                  fill_head, about 4000 'x', fill_tail; its last field
 *                  is "skip", so it is cheaply filtered, not written.
 * Each file is a memfd read through "/proc/self/fd/N"; TSV and CSV files
 * start with a fixed valid header (a bad header exits 2 by design), and a
 * file that would be empty gets a blank line (an empty input exits 4).
 *
 * Checks, besides the sanitizers (abort() on failure):
 *   - every record has the header's field count, valid UTF-8, no NUL;
 *   - accounting: read == returned + rejected by the reader;
 *   - round trip: what the TSV, CSV and JSONL writers write (to a memfd)
 *     reads back, in the same format, as the same records with no rejects
 *     (a record equal to the header line may be skipped as a repeated
 *     header).
 *   - the fast paths: the files are read twice more, once splitting every
 *     field and once with rec_reader_want() (fields 0 and the body's
 *     length modulo 3: the fast lane and the block's table of lines; a
 *     field between them is not named, so not compared), each writing
 *     whole records to TSV; the line numbers, the wanted fields,
 *     the written records, the rejects file and the counts must be equal.
 * The program rejects (rec_reject) records whose first field is a negative
 * number and filters those whose last field is "skip".
 */
#ifndef FUZZ_REC_H
#define FUZZ_REC_H

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
#include "rec/rec.h"
#include "base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define FUZZ_BLOCK (256u << 10)	/* the reader's block, lib/rec/rec.c BLOCK */

/* A memfd holding p[0..n), and its name "/proc/self/fd/N". */
static int
fuzz_memfd(const void *p, size_t n, char name[32])
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	const char *s = p;
	ssize_t w;

	if (fd < 0)
		abort();
	while (n > 0) {
		w = write(fd, s, n);
		if (w <= 0)
			abort();
		s += w;
		n -= (size_t)w;
	}
	snprintf(name, 32, "/proc/self/fd/%d", fd);
	return fd;
}

/* Replace b's contents by their gzip compression. */
static void
fuzz_gzip_buf(struct buf *b)
{
	struct buf out = BUF_INIT;
	z_stream zs;

	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	buf_grow(&out, deflateBound(&zs, b->len));
	zs.next_in = (unsigned char *)b->p;
	zs.avail_in = (uInt)b->len;
	zs.next_out = (unsigned char *)out.p;
	zs.avail_out = (uInt)(out.cap - 1);
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	out.len = zs.total_out;
	deflateEnd(&zs);
	buf_release(b);
	*b = out;
}

/* Does p[0..n) convert from GB18030 without an error? */
static int
fuzz_gb18030_ok(const char *p, size_t n)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	char out[4096], *ip = (char *)(uintptr_t)p, *op;
	size_t il = n, ol, r;
	int ok = 1;

	if (cd == (iconv_t)-1)
		return 0;
	while (il > 0) {
		op = out;
		ol = sizeof out;
		r = iconv(cd, &ip, &il, &op, &ol);
		if (r == (size_t)-1 && errno != E2BIG) {
			ok = 0;
			break;
		}
	}
	iconv_close(cd);
	return ok;
}

/* Append a record to a log: field count, then each length and bytes. */
static void
fuzz_log_rec(struct buf *log, const struct rec *r)
{
	size_t i;

	buf_add(log, &r->n, sizeof r->n);
	for (i = 0; i < r->n; i++) {
		buf_add(log, &r->f[i].len, sizeof r->f[i].len);
		buf_add(log, r->f[i].p, r->f[i].len);
	}
}

/* Does the logged record at *pos equal r?  Advances *pos. */
static int
fuzz_log_eq(const struct buf *log, size_t *pos, const struct rec *r)
{
	size_t n, len, i;
	int eq = 1;

	memcpy(&n, log->p + *pos, sizeof n);
	*pos += sizeof n;
	for (i = 0; i < n; i++) {
		memcpy(&len, log->p + *pos, sizeof len);
		*pos += sizeof len;
		if (r == NULL || i >= r->n || len != r->f[i].len ||
		    memcmp(log->p + *pos, r->f[i].p, len) != 0)
			eq = 0;
		*pos += len;
	}
	return eq && r != NULL && n == r->n;
}

/* Is the logged record at pos the header's names? */
static int
fuzz_log_is_header(const struct buf *log, size_t pos,
		   const struct rec_reader *in)
{
	size_t n, len, i;
	const char *name;

	memcpy(&n, log->p + pos, sizeof n);
	pos += sizeof n;
	if (n != rec_reader_nfields(in))
		return 0;
	for (i = 0; i < n; i++) {
		memcpy(&len, log->p + pos, sizeof len);
		pos += sizeof len;
		name = rec_reader_name(in, i);
		if (strlen(name) != len || memcmp(name, log->p + pos, len))
			return 0;
		pos += len;
	}
	return 1;
}

/* Read back what the writer wrote (fd) and compare with the log. */
static void
fuzz_reread(int fd, const char *name, enum rec_fmt fmt,
	    const struct buf *log, const struct rec_reader *first)
{
	const char *files[2] = { name, NULL };
	struct rec_reader_opts o;
	struct rec_reader *in;
	const struct rec *r;
	size_t pos = 0, at;

	if (lseek(fd, 0, SEEK_END) == 0)
		return;	/* JSON Lines with no record: nothing to read back */
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	memset(&o, 0, sizeof o);
	o.fmt = fmt;
	in = rec_reader_open(files, &o);
	while ((r = rec_reader_next(in)) != NULL) {
		for (;;) {
			if (pos >= log->len)
				abort();	/* a record from nowhere */
			at = pos;
			if (fuzz_log_eq(log, &pos, r))
				break;
			/* Only a record equal to the header line may be
			 * missing (skipped as a repeated header). */
			if (fmt == REC_JSONL ||
			    !fuzz_log_is_header(log, at, first))
				abort();
		}
	}
	while (pos < log->len) {
		at = pos;
		fuzz_log_eq(log, &pos, NULL);
		if (fmt == REC_JSONL || !fuzz_log_is_header(log, at, first))
			abort();	/* a record lost */
	}
	if (rec_reader_count_rejected(in) != 0)
		abort();
	rec_reader_close(in);
}

/* Check one record's fields. */
static void
fuzz_check_rec(const struct rec_reader *in, const struct rec *r)
{
	size_t i;

	if (r->n != rec_reader_nfields(in) || r->line == 0 || r->file == NULL)
		abort();
	for (i = 0; i < r->n; i++) {
		if (r->f[i].len > 0 && r->f[i].p == NULL)
			abort();
		if (memchr(r->f[i].p, '\0', r->f[i].len) != NULL)
			abort();
		if (!utf8_is_valid(r->f[i].p, r->f[i].len))
			abort();
	}
}

/* One read of files for fuzz_want_same(): each record's line and the
 * fields lo and hi (those wanted) go to log, the records (whole) to a TSV memfd and the
 * rejects to another, both then appended to log, then the counts. */
static void
fuzz_want_read(const char *const *files, const struct rec_reader_opts *o0,
	       int want, size_t lo, size_t hi, struct buf *log)
{
	struct rec_reader_opts o = *o0;
	struct rec_writer_opts wo;
	struct rec_reader *in;
	struct rec_writer *w;
	const struct rec *r;
	char oname[32], rname[32];
	int ofd = fuzz_memfd("", 0, oname), rfd = fuzz_memfd("", 0, rname);
	size_t idx[2] = { lo, hi }, i;
	unsigned long long c[3];
	long long v;
	char tmp[65536];
	ssize_t k;
	off_t off;

	o.rejects = rname;
	in = rec_reader_open(files, &o);
	if (want && rec_reader_nfields(in) > hi)
		rec_reader_want(in, idx, 2);
	memset(&wo, 0, sizeof wo);
	wo.fmt = REC_TSV;
	wo.path = oname;
	w = rec_writer_open(&wo);
	rec_writer_add_fields(w, in);
	while ((r = rec_reader_next(in)) != NULL) {
		buf_add(log, &r->line, sizeof r->line);
		/* Only the fields named are set (rec.h): lo and hi. */
		for (i = lo; i <= hi && i < r->n; i += hi > lo ? hi - lo : 1) {
			buf_add(log, &r->f[i].len, sizeof r->f[i].len);
			buf_add(log, r->f[i].p, r->f[i].len);
		}
		if (r->n > 0 && rec_str_long(r->f[0], &v) == 0 && v < 0) {
			rec_reject(in, r, "field 'a': negative: %lld", v);
			continue;
		}
		rec_writer_rec(w, r);
		rec_writer_end(w);
	}
	c[0] = rec_reader_count_read(in);
	c[1] = rec_reader_count_rejected(in);
	c[2] = rec_writer_count(w);
	rec_writer_close(w);
	rec_reader_close(in);
	buf_add(log, c, sizeof c);
	for (i = 0; i < 2; i++) {
		int fd = i == 0 ? ofd : rfd;

		for (off = 0; (k = pread(fd, tmp, sizeof tmp, off)) > 0;
		     off += k)
			buf_add(log, tmp, (size_t)k);
		close(fd);
	}
}

/* The reader with rec_reader_want() gives what it gives without. */
static void
fuzz_want_same(const char *const *files, const struct rec_reader_opts *o,
	       size_t blen)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t hi = blen % 3;

	fuzz_want_read(files, o, 0, 0, hi, &a);
	fuzz_want_read(files, o, 1, 0, hi, &b);
	if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
		abort();
	buf_release(&a);
	buf_release(&b);
}

static void
fuzz_rec_run(const uint8_t *d, size_t n, enum rec_fmt fmt,
	     const char *hdr1, const char *hdr2, const char *fill_head,
	     const char *fill_tail)
{
	static const size_t maxlines[4] = { 0, 8, 100, 2000 };
	static const enum rec_fmt wfmts[4] = {
		REC_TSV, REC_JSONL, REC_CSV, REC_PRETTY
	};
	unsigned sel = n > 0 ? d[0] : 0, sel2 = n > 1 ? d[1] : 0;
	const uint8_t *body = n > 2 ? d + 2 : d;
	size_t blen = n > 2 ? n - 2 : 0, split, i, k;
	struct buf all = BUF_INIT, file[2] = { BUF_INIT, BUF_INIT };
	struct buf log = BUF_INIT;
	char names[2][32], outname[32];
	const char *files[3];
	int fds[2] = { -1, -1 }, outfd, nfiles = (sel & 32) ? 2 : 1;
	int gb = 0, roundtrip;
	struct rec_reader_opts o;
	struct rec_writer_opts wo;
	struct rec_reader *in;
	struct rec_writer *w;
	const struct rec *r;
	unsigned long long returned = 0, mine = 0;
	long long v;

	buf_add(&all, body, blen);
	split = all.len * (sel2 & 63) / 64;
	/* Each file must convert: the split may cut a character. */
	i = nfiles == 2 ? split : all.len;
	if ((sel & 128) && fuzz_gb18030_ok(all.p, i) &&
	    fuzz_gb18030_ok(all.p + i, all.len - i))
		gb = 1;
	if (sel & 16)
		buf_adds(&file[0], gb ? "\x84\x31\x95\x33" : "\xef\xbb\xbf");
	if (hdr1 != NULL)
		buf_adds(&file[0], hdr1);
	if ((sel2 >> 6) == 3) {
		/* Filler up to the block end minus the split point. */
		k = strlen(fill_head) + strlen(fill_tail);
		while (file[0].len + k + split < FUZZ_BLOCK) {
			i = FUZZ_BLOCK - split - file[0].len - k;
			i = i > 4000 ? 4000 : i;
			buf_adds(&file[0], fill_head);
			buf_grow(&file[0], i);
			memset(file[0].p + file[0].len, 'x', i);
			file[0].len += i;
			buf_adds(&file[0], fill_tail);
		}
	}
	if (nfiles == 1)
		split = all.len;
	buf_add(&file[0], all.p, split);
	if (nfiles == 2) {
		if (hdr2 != NULL)
			buf_adds(&file[1], hdr2);
		buf_add(&file[1], all.p + split, all.len - split);
	}
	for (i = 0; i < (size_t)nfiles; i++) {
		/* A file of no bytes at all exits 4 by design (an empty
		 * input): give it a blank line. */
		if (file[i].len == 0)
			buf_adds(&file[i], "\n");
		if (sel & 64)
			fuzz_gzip_buf(&file[i]);
		fds[i] = fuzz_memfd(file[i].p, file[i].len, names[i]);
		files[i] = names[i];
	}
	files[nfiles] = NULL;

	memset(&o, 0, sizeof o);
	o.fmt = fmt;
	o.encoding = gb ? "gb18030" : NULL;
	o.max_line = maxlines[(sel >> 2) & 3];
	o.rejects = "/dev/null";
	in = rec_reader_open(files, &o);

	memset(&wo, 0, sizeof wo);
	wo.fmt = wfmts[sel & 3];
	roundtrip = wo.fmt != REC_PRETTY;
	outfd = fuzz_memfd("", 0, outname);
	wo.path = roundtrip ? outname : "/dev/null";
	w = rec_writer_open(&wo);
	rec_writer_add_fields(w, in);
	while ((r = rec_reader_next(in)) != NULL) {
		returned++;
		fuzz_check_rec(in, r);
		if (r->n > 0 && rec_str_long(r->f[0], &v) == 0 && v < 0) {
			rec_reject(in, r, "field 'a': negative: %lld", v);
			mine++;
			continue;
		}
		if (r->n > 0 && r->f[r->n - 1].len == 4 &&
		    memcmp(r->f[r->n - 1].p, "skip", 4) == 0) {
			rec_filtered(in, r);
			continue;
		}
		rec_writer_rec(w, r);
		rec_writer_end(w);
		if (roundtrip)
			fuzz_log_rec(&log, r);
	}
	if (rec_reader_count_read(in) !=
	    returned + rec_reader_count_rejected(in) - mine)
		abort();
	if (rec_reader_count_filtered(in) + mine + rec_writer_count(w) !=
	    returned)
		abort();
	rec_writer_close(w);
	if (roundtrip && rec_reader_nfields(in) > 0)
		fuzz_reread(outfd, outname, wo.fmt, &log, in);
	rec_reader_close(in);
	fuzz_want_same(files, &o, blen);

	close(outfd);
	for (i = 0; i < (size_t)nfiles; i++)
		close(fds[i]);
	buf_release(&all);
	buf_release(&file[0]);
	buf_release(&file[1]);
	buf_release(&log);
}

#endif
