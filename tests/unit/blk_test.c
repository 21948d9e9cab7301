/* blk: blocks read ahead (with and without the thread), tails joined
 * before the next block's data, and the TSV index of every block. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "rec/blk_ix.h"
#include "base/diag.h"
#include "testutil.h"
#include "base/utf8.h"
#include "base/util.h"
#include "base/zio.h"

TESTUTIL_SUITE(blk);

/* Lines of 0 to about 700 bytes with tabs, odd bytes and CJK text (every
 * third with no odd byte: the lines' table holds only such; some of those
 * long), and one of 100 KiB (longer than the room for a tail): about
 * 1.6 MB, so six blocks and more. */
static char *
sample(size_t *len)
{
	size_t cap = 4u << 20, n = 0, i, k, w;
	char *p = xmalloc(cap);
	static const char *const bits[] = { "\t", "网格", "a", "\\t", "\r",
					    "xyz", "\t\t", "零陵区" };
	static const char *const clean[] = { "\t", "网格", "a", "\t",
					     "\t", "xyz", "\t\t", "零陵区" };

	for (i = 0; i < 6000; i++) {
		if (i == 4000) {
			memset(p + n, 'L', 100000);
			n += 100000;
			p[n++] = '\t';
		}
		if (i == 700) {
			/* Not UTF-8: a cut sequence, then a lone byte. */
			memcpy(p + n, "\xe4\xb8\t\xff", 4);
			n += 4;
		}
		if (i % 100 == 1) {
			/* Clean, its 25th field 264 bytes in. */
			for (k = 0; k < 24; k++) {
				memcpy(p + n, "abcdefghij\t", 11);
				n += 11;
			}
		}
		w = i % 100 == 1 ? 0 : (i * 37) % 120;
		for (k = 0; k < w; k++) {
			const char *b = (i % 3 == 0 ? clean : bits)[(i + k * 7) %
								   8];

			memcpy(p + n, b, strlen(b));
			n += strlen(b);
		}
		p[n++] = '\n';
	}
	*len = n;
	return p;
}

/* The fields a reader wants, by the read_back() argument fields: none,
 * two near a line's start, or five far into it (their last tab may be
 * over 256 bytes in). */
static const size_t want_lo[] = { 0, 2, 20 }, want_hi[] = { 0, 3, 24 };

/* The table's entry for the line buf[s, e) (fields lo..hi wanted) is
 * what its bytes say, and the tabs it points to in the list of every tab
 * are the line's.  Returns whether the last field ends over 256 bytes
 * into the line. */
static int
check_line(const struct blk *b, size_t s, size_t e, size_t lo, size_t hi)
{
	const struct blk_line *l = &b->lines[b->nls.i];
	size_t tabs[400], nt = 0, i;
	int odd = 0;

	for (i = s; i < e; i++) {
		if (b->buf[i] == '\t' && nt < 400)
			tabs[nt++] = i;
		odd |= b->buf[i] == '\\' || b->buf[i] == '\r' ||
		       b->buf[i] == '\0';
	}
	if (nt < hi || odd) {
		cr_assert_eq(l->ntabs, BLK_NO_LINE, "line at %zu", s);
		return 0;
	}
	cr_assert_eq(l->ntabs, nt, "line at %zu", s);
	cr_assert_eq(l->a, lo == 0 ? s : tabs[lo - 1] + 1, "line at %zu", s);
	cr_assert_eq(l->b, nt == hi ? e : tabs[hi], "line at %zu", s);
	cr_assert(b->tabs_ok);
	for (i = lo; i < hi; i++)
		cr_assert_eq(b->tabs.at[b->tabs_head + l->tab + i - lo],
			     tabs[i], "line at %zu, tab %zu", s, i);
	return l->b - s > 256;
}

/* Read the file at path through blk as the reader does (take each whole
 * line, hand the rest on as the tail) and check every byte and every
 * index entry against the file. */
static void
read_back(const char *path, const char *want, size_t wlen, int tsv,
	  int fields)
{
	char *err = NULL;
	struct zin *z = zin_open(path, NULL, &err);
	struct blk *b;
	struct blk_src *s;
	size_t pos, got = 0, nl, i, lines = 0, lines_seen = 0, valid_seen = 0;
	size_t flat_seen = 0, far_seen = 0;

	cr_assert_not_null(z, "%s", err);
	s = blk_src_open(z, tsv, &b, &pos);
	if (fields)
		blk_src_want(s, want_lo[fields], want_hi[fields]);
	for (;;) {
		const char *e = memchr(b->buf + pos, '\n', b->end - pos);

		if (e == NULL) {
			if (b->eof)
				break;
			b = blk_next(s, b->buf + pos, b->end - pos, &pos);
			cr_assert_eq(b->err, 0);
			continue;
		}
		nl = (size_t)(e - b->buf);
		cr_assert(memcmp(b->buf + pos, want + got, nl + 1 - pos) == 0,
			  "line %zu differs", lines);
		if (tsv) {
			/* The index: this newline next, the tabs and odd
			 * bytes of the line, UTF-8 known good only where
			 * it is. */
			blk_ix_seek(&b->nls, pos);
			cr_assert_lt(b->nls.i, b->nls.n);
			cr_assert_eq(b->nls.at[b->nls.i], nl, "line %zu", lines);
			blk_ix_seek(&b->odds, pos);
			blk_ix_seek(&b->tabs, pos);
			for (i = pos; i < nl; i++) {
				int tab = (b->tabw[i >> 6] >> (i & 63)) & 1;
				char c = b->buf[i];
				int odd = c == '\\' || c == '\r' || c == '\0';

				cr_assert_eq(tab, c == '\t', "byte %zu", i);
				if (tab && b->tabs_ok) {
					cr_assert_eq(b->tabs.at[b->tabs.i], i);
					b->tabs.i++;
					flat_seen++;
				}
				if (odd) {
					cr_assert_eq(b->odds.at[b->odds.i], i);
					b->odds.i++;
				}
			}
			/* A line known valid is. */
			if (pos >= b->vfrom && nl <= b->vok && b->vok > 0) {
				cr_assert(utf8_is_valid(b->buf + pos, nl - pos),
					  "line %zu", lines);
				valid_seen++;
			}
			if (b->lines_ok && b->nls.i >= 1 &&
			    b->nls.at[b->nls.i - 1] + 1 == pos)
				far_seen += check_line(b, pos, nl,
						       want_lo[fields],
						       want_hi[fields]);
			lines_seen += b->lines_ok;
		}
		got += nl + 1 - pos;
		pos = nl + 1;
		lines++;
	}
	/* A last line without its newline. */
	cr_assert(memcmp(b->buf + pos, want + got, b->end - pos) == 0);
	got += b->end - pos;
	cr_assert_eq(got, wlen);
	/* The table is made with AVX2 and BMI2, and when the lines are
	 * many enough to fill a block past the one read before the want. */
	if (tsv && utf8_simd() && wlen > 4 * BLK_DATA) {
		/* The lines' table when fields are wanted, and the list
		 * of every tab (both need AVX2). */
		if (fields)
			cr_assert_gt(lines_seen, 0);
		if (fields == 2)
			cr_assert_gt(far_seen, 0);
		cr_assert_gt(flat_seen, 0);
	}
	/* Most blocks hold no bad line: their lines are known valid. */
	if (tsv && wlen > 4 * BLK_DATA)
		cr_assert_gt(valid_seen, lines / 2);
	cr_assert_eq(blk_bytes(s), wlen);
	blk_src_close(s);
	zin_close(z);
}

/* The sample read back every way: with fields wanted, near the lines'
 * start and far into them, with none (every
 * tab listed) and as plain bytes; env (if not NULL) set meanwhile. */
static void
read_sample(const char *env)
{
	size_t n;
	char *p = sample(&n);
	const char *path = put_file("in.tsv", p, n);

	if (env != NULL)
		setenv(env, "1", 1);
	read_back(path, p, n, 1, 1);
	read_back(path, p, n, 1, 2);
	read_back(path, p, n, 1, 0);
	read_back(path, p, n, 0, 0);
	if (env != NULL)
		unsetenv(env);
	free(p);
}

Test(blk, every_byte_and_index_entry_threaded)
{
	unsetenv("JINGWU_NO_THREADS");
	read_sample(NULL);
}

Test(blk, every_byte_and_index_entry_in_line)
{
	read_sample("JINGWU_NO_THREADS");
}

/* The plain C index gives the same entries. */
Test(blk, plain_index_the_same)
{
	read_sample("JINGWU_NO_SIMD");
}

Test(blk, no_newline_at_the_end)
{
	const char *path = PUT("last.tsv", "a\tb\nc\td");

	read_back(path, "a\tb\nc\td", 7, 1, 0);
}

Test(blk, empty_file)
{
	const char *path = PUT("empty.tsv", "");
	char *err = NULL;
	struct zin *z = zin_open(path, NULL, &err);
	struct blk *b, *b2;
	struct blk_src *s;
	size_t pos;

	cr_assert_not_null(z);
	s = blk_src_open(z, 1, &b, &pos);
	cr_assert_eq(b->end, pos);
	b2 = blk_next(s, b->buf + pos, 0, &pos);
	cr_assert(b2->eof);
	cr_assert_eq(b2->end, pos);
	/* At the end the same block comes back. */
	cr_assert_eq(blk_next(s, b2->buf + pos, 0, &pos), b2);
	blk_src_close(s);
	zin_close(z);
}

/* Closing while the thread waits on a pipe that gives nothing more: the
 * thread is stopped, nothing hangs. */
Test(blk, close_while_a_pipe_is_quiet, .timeout = 10)
{
	int fd[2];
	struct zin *z;
	struct blk *b;
	struct blk_src *s;
	char *err = NULL;
	size_t pos;
	int saved = dup(0);

	unsetenv("JINGWU_NO_THREADS");
	cr_assert_eq(pipe(fd), 0);
	cr_assert_eq(write(fd[1], "x\ty\n", 4), 4);
	cr_assert_eq(dup2(fd[0], 0), 0);
	z = zin_open("-", NULL, &err);
	cr_assert_not_null(z);
	s = blk_src_open(z, 1, &b, &pos);
	b = blk_next(s, b->buf + pos, 0, &pos);
	cr_assert_eq(b->end - pos, 4);
	cr_assert(memcmp(b->buf + pos, "x\ty\n", 4) == 0);
	blk_src_close(s);	/* the thread now waits in read() */
	zin_close(z);
	dup2(saved, 0);
	close(fd[1]);
}
