/*
 * blk_ix: the layout of a block and its index, private to blk.c and
 * blk_index.c (which make them) and rec_tsv.c (the TSV reader, which reads
 * them).  blk.h
 * says what the index is for; this header says how it is laid out, and
 * gives the TSV reader the bit helpers for splitting a line from the tab
 * bitmap.
 *
 * A block's bytes are buf[0 .. end): the data from BLK_HEAD (or earlier,
 * where a tail from the previous block was put in front), followed by
 * BLK_SLACK zero bytes.  Every offset below is into buf.
 */
#ifndef JW_BLK_IX_H
#define JW_BLK_IX_H

#include <stddef.h>
#include <stdint.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BLK_AVX2 1
#endif

#include "rec/blk.h"

#define BLK_SPARE_WORDS 8	/* tab bitmap words past the end, readable */

/* Offsets into a block, ascending. */
struct blk_ix {
	uint32_t *at;
	size_t n, i, cap;	/* entries, the next unread, room */
};

/* For the fields a reader wants (blk_src_want()), per line of a block
 * from its second (line j ends at nls.at[j]): its tab count, where the
 * first wanted field starts and the last ends, and where in the list of
 * every tab (tabs, always made with the table) the tab that ends the first
 * wanted field is: at tabs.at[tabs_head + tab] (the tabs of a tail put in
 * front of the block go first, after the table was made).  So the wanted
 * fields are split with no look at the bitmap.  ntabs is BLK_NO_LINE for a
 * line with too few fields or with an odd byte. */
struct blk_line {
	uint32_t ntabs, a, b, tab;
};

#define BLK_NO_LINE UINT32_MAX

struct blk {
	char *buf;
	size_t cap, end;	/* data in [.., end), room for cap + SLACK */
	int eof;		/* the stream ends at end */
	int err;		/* a read error: zin_error() says which */
	/* TSV only. */
	struct blk_ix nls, odds;
	struct blk_ix tabs;	/* every tab, when tabs_ok (with AVX2) */
	int tabs_ok;
	size_t tabs_head;	/* of them, the tail's (see blk_line) */
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

/* ---- made by blk_index.c, for blk.c ---- */

/* Room in k->tabw and k->tabc for a bitmap word per 64 bytes of the
 * block, one more for the end, and the spare words. */
void blk_tabw_room(struct blk *k);
/* Index buf[from, to), the entries going after those there are; the
 * tabs' offsets too when k->tabs_ok.  Returns the count of its tabs with
 * AVX2 (avx2 set: tabc is set too), else 0. */
uint32_t blk_index_range(struct blk *k, size_t from, size_t to, int avx2);
#ifdef BLK_AVX2
/* The table of k's lines j0..j1 - 1 for fields lo..hi (see struct
 * blk_line); the block indexed with AVX2, with its list of every tab. */
__attribute__((target("popcnt"))) void
blk_line_table(struct blk *k, size_t lo, size_t hi, size_t j0, size_t j1);
#endif

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
