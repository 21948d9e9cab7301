/*
 * blk: the record reader's input blocks, read ahead and (for TSV) indexed.
 *
 * A source reads its stream in blocks of BLK_DATA bytes.  With a second
 * processor (and JINGWU_NO_THREADS unset) a thread reads and prepares up to
 * three blocks ahead while the reader works through its own; else one block
 * is refilled in place, in line.  Either way the bytes, the index and the
 * order are the same; the thread only overlaps the work.
 *
 * Preparing a TSV block indexes it in one pass over its bytes: a bitmap of
 * its tabs (bit i of tabw[j] for byte 64 * j + i) and the offsets of its
 * newlines and of its odd bytes (a backslash, a CR or a NUL: bytes a line
 * must be looked at more closely for); and checks that its whole lines are
 * valid UTF-8, which is much cheaper per block than per line.  When the
 * reader wants only some fields (blk_src_want()), a table of where they
 * are on each line (struct blk_line); when it wants all, the offsets of
 * every tab (tabs).  The thread reads and indexes; the checking and the
 * table are done in pieces by whichever side is free (see blk.c).
 *
 * A block's data starts at offset BLK_HEAD; the reader hands the end of the
 * line it could not finish (the tail) to blk_next(), which puts it in the
 * room before the next block's data, so that the line is whole again.  A
 * tail longer than that room is joined the slow way (copied, and the block
 * indexed again).  Offsets are uint32_t: a block never passes 4 GiB, since
 * lines are limited to 1 GiB (--max-line).
 */
#ifndef JW_BLK_H
#define JW_BLK_H

#include <stddef.h>
#include <stdint.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BLK_AVX2 1
#endif

#include "base/zio.h"

#define BLK_DATA (256u << 10)	/* read per block: it stays in L2 */
#define BLK_HEAD (64u << 10)	/* room for a tail before the data */
#define BLK_SLACK 64		/* readable zero bytes past a block's end */
#define BLK_SPARE_WORDS 8	/* tab bitmap words past the end, readable */

/* Offsets into a block, ascending. */
struct blk_ix {
	uint32_t *at;
	size_t n, i, cap;	/* entries, the next unread, room */
};

/* For the fields a reader wants (blk_src_want()), per line of a block
 * from its second (line j ends at nls.at[j]): its tab count, and where the
 * first wanted field starts and the last ends.  ntabs is BLK_NO_LINE for a
 * line too long to be done without a loop, or with too few fields. */
struct blk_line {
	uint32_t ntabs, a, b;
};

#define BLK_NO_LINE UINT32_MAX

struct blk {
	char *buf;
	size_t cap, end;	/* data in [.., end), room for cap + SLACK */
	int eof;		/* the stream ends at end */
	int err;		/* a read error: zin_error() says which */
	/* TSV only. */
	struct blk_ix nls, odds;
	struct blk_ix tabs;	/* every tab, when tabs_ok (no field wanted
				 * in particular: all are) */
	int tabs_ok;
	uint64_t *tabw;		/* + BLK_SPARE_WORDS (their bits are junk) */
	uint32_t *tabc;		/* with AVX2, for word j of the data: the
				 * tabs before it (its spare words: all) */
	size_t tabw_cap;	/* of both */
	size_t vfrom, vok;	/* buf[vfrom, vok) is known valid UTF-8 */
	struct blk_line *lines;	/* for nls.at[1..], when lines_ok */
	size_t lines_cap;
	int lines_ok;
	size_t lines_lo, lines_hi;	/* the fields they were made for */
};

struct blk_src;

/* Whether the AVX2 paths (here and in the record reader) are used: the
 * CPU has AVX2, BMI, BMI2 and POPCNT, and JINGWU_NO_SIMD is unset (see
 * utf8_simd()). */
int blk_simd(void);

/* Read z in blocks; index them when tsv is set.  The source starts with
 * an empty current block (*pos is set to its start).  Uses a thread when
 * the machine has two processors or more and JINGWU_NO_THREADS is unset. */
struct blk_src *blk_src_open(struct zin *z, int tsv, struct blk **cur,
			     size_t *pos);
/* The next block, with the tail tail[0..t) (the end of the current block,
 * not yet taken) just before its data; *pos is set to where the tail
 * starts.  At the end of the stream the current block comes back as it
 * is.  The previous block is reused: pointers into it die. */
struct blk *blk_next(struct blk_src *s, const char *tail, size_t t,
		     size_t *pos);
/* The fields lo..hi (from 0) are those the reader takes from each line:
 * blocks read from now on have their lines' table (struct blk_line). */
void blk_src_want(struct blk_src *s, size_t lo, size_t hi);
/* Bytes of data read so far. */
unsigned long long blk_bytes(const struct blk_src *s);
/* Stop reading (a thread blocked on a pipe is cancelled) and free all.
 * The zin is the caller's. */
void blk_src_close(struct blk_src *s);

/* The first unread entry at or past offset from. */
static inline void
blk_ix_seek(struct blk_ix *x, size_t from)
{
	while (x->i < x->n && x->at[x->i] < from)
		x->i++;
}

/*
 * A line spanning at most BLK_LB_WORDS words of the tab bitmap (257 to 320
 * bytes, by where it starts) is split without a branch on its bytes: its
 * tab bits and a count of them before each word.
 */
#define BLK_LB_WORDS 5
_Static_assert(BLK_LB_WORDS <= BLK_SPARE_WORDS,
	       "blk_lb_make() reads past a line's words into the spare ones");

struct blk_lb {
	uint64_t x[BLK_LB_WORDS];
	uint32_t before[BLK_LB_WORDS + 1];
	size_t a;			/* the line's first word */
};

#ifdef BLK_AVX2
/* Whether buf[s, e) is within BLK_LB_WORDS words. */
static inline int
blk_lb_fits(size_t s, size_t e)
{
	return (e >> 6) - (s >> 6) < BLK_LB_WORDS;
}

/* The tabs of buf[s, e) (within BLK_LB_WORDS words) of the bitmap w into
 * lb; returns their count.  Words past the line are read (the bitmap has
 * BLK_SPARE_WORDS spare) and masked off. */
__attribute__((target("popcnt"))) static inline size_t
blk_lb_make(struct blk_lb *lb, const uint64_t *w, size_t s, size_t e)
{
	size_t a = s >> 6, d = (e >> 6) - a, j;
	uint64_t below = (UINT64_C(1) << (e & 63)) - 1;

	lb->a = a;
	lb->before[0] = 0;
	for (j = 0; j < BLK_LB_WORDS; j++) {
		/* All of a word before the last, below e in the last, none
		 * after: masks from compares, not branches. */
		uint64_t m = (UINT64_C(0) - (uint64_t)(j < d)) |
			     ((UINT64_C(0) - (uint64_t)(j == d)) & below);

		if (j == 0)
			m &= ~UINT64_C(0) << (s & 63);
		lb->x[j] = w[a + j] & m;
		lb->before[j + 1] = lb->before[j] +
				    (uint32_t)__builtin_popcountll(lb->x[j]);
	}
	return lb->before[BLK_LB_WORDS];
}

/* The offset of the line's tab k (k < its count): the word by compares,
 * the bit by a deposit. */
__attribute__((target("bmi,bmi2"))) static inline size_t
blk_lb_tab(const struct blk_lb *lb, size_t k)
{
	size_t j = (k >= lb->before[1]) + (k >= lb->before[2]) +
		   (k >= lb->before[3]) + (k >= lb->before[4]);
	uint64_t bit = UINT64_C(1) << (k - lb->before[j]);

	return ((lb->a + j) << 6) + (size_t)_tzcnt_u64(_pdep_u64(bit,
								  lb->x[j]));
}
#endif

#endif
