/* blk_index: indexing a TSV block (the tab bitmap, the newlines and odd
 * bytes, every tab), plainly or with AVX2, and the table of where the
 * wanted fields are on each line.  blk.c reads the blocks and calls these;
 * see blk_ix.h for the layout. */
#include <stdint.h>
#include <string.h>

#include "rec/blk_ix.h"
#include "base/util.h"

/* ---- the index ---- */

static void
ix_room(struct blk_ix *x, size_t more)
{
	size_t cap = x->cap ? x->cap : 1024;

	if (x->n + more <= x->cap)
		return;
	while (cap < x->n + more)
		cap *= 2;
	x->at = xreallocarray(x->at, cap, sizeof *x->at);
	x->cap = cap;
}

void
blk_tabw_room(struct blk *k)
{
	size_t need = ((k->cap + BLK_SLACK) >> 6) + 2 + BLK_SPARE_WORDS;

	if (k->tabw_cap < need) {
		k->tabw = xreallocarray(k->tabw, need, sizeof *k->tabw);
		memset(k->tabw + k->tabw_cap, 0,
		       (need - k->tabw_cap) * sizeof *k->tabw);
		k->tabc = xreallocarray(k->tabc, need, sizeof *k->tabc);
		memset(k->tabc + k->tabw_cap, 0,
		       (need - k->tabw_cap) * sizeof *k->tabc);
		k->tabw_cap = need;
	}
}

static void
index_plain(struct blk *k, size_t from, size_t to)
{
	size_t i;

	/* The bitmap word holding from may have bits set by an earlier
	 * call for the bytes before from: keep those, clear the rest (this
	 * call sets them below). */
	if (from & 63)
		k->tabw[from >> 6] &= (UINT64_C(1) << (from & 63)) - 1;
	for (i = from; i < to; i++) {
		char c = k->buf[i];
		struct blk_ix *x = c == '\n' ? &k->nls :
				   c == '\\' || c == '\r' || c == '\0' ?
				   &k->odds : NULL;

		if ((i & 63) == 0)
			k->tabw[i >> 6] = 0;
		if (c == '\t')
			k->tabw[i >> 6] |= UINT64_C(1) << (i & 63);
		if (x != NULL) {
			ix_room(x, 1);
			x->at[x->n++] = (uint32_t)i;
		}
	}
}

#ifdef BLK_AVX2
/* The offsets base + each set bit of bits, in order, to o; returns the
 * end.  The first two are written whether there are so many or not (the
 * caller made room for 64 + 2): newlines come about once in 64 bytes, and
 * a branch on their count would miss its guess line after line. */
__attribute__((target("bmi,popcnt"))) static inline uint32_t *
ix_bits(uint32_t *o, uint32_t base, uint64_t bits)
{
	size_t cnt = (size_t)__builtin_popcountll(bits), j;

	o[0] = base + (uint32_t)_tzcnt_u64(bits);
	bits = _blsr_u64(bits);
	o[1] = base + (uint32_t)_tzcnt_u64(bits);
	bits = _blsr_u64(bits);
	for (j = 2; j < cnt; j++) {
		o[j] = base + (uint32_t)_tzcnt_u64(bits);
		bits = _blsr_u64(bits);
	}
	return o + cnt;
}

/* ix_bits() for tabs, about four in 64 bytes: eight written at once (room
 * for 64 + 8). */
__attribute__((target("bmi,popcnt"))) static inline uint32_t *
ix_bits8(uint32_t *o, uint32_t base, uint64_t bits)
{
	size_t cnt = (size_t)__builtin_popcountll(bits), j;

#define ONE(j) (o[j] = base + (uint32_t)_tzcnt_u64(bits), \
		bits = _blsr_u64(bits))
	ONE(0); ONE(1); ONE(2); ONE(3); ONE(4); ONE(5); ONE(6); ONE(7);
#undef ONE
	for (j = 8; j < cnt; j++) {
		o[j] = base + (uint32_t)_tzcnt_u64(bits);
		bits = _blsr_u64(bits);
	}
	return o + cnt;
}

/* One bit per byte of 64: the top bits of the bytes of lo, then hi. */
__attribute__((target("avx2"))) static inline uint64_t
bits64(__m256i lo, __m256i hi)
{
	return (uint64_t)(uint32_t)_mm256_movemask_epi8(lo) |
	       (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32;
}

/* The bytes of v that are c or odd (backslash, CR, NUL; c is a tab or a
 * newline), found by their low nibbles: a byte is one of them when the
 * table's entry for its low nibble is the byte itself (a byte of 0x80 or
 * more looks up 0, and is none).  Tabs are then the bytes marked with
 * c = tab and not with c = newline, and the odd ones those marked with
 * both: two masks for three kinds. */
#define MARK_TABLE(c) _mm256_setr_epi8(0, -1, -1, -1, -1, -1, -1, -1, -1, \
	(c) == '\t' ? '\t' : -1, (c) == '\n' ? '\n' : -1, -1, '\\', '\r', -1, -1, \
	0, -1, -1, -1, -1, -1, -1, -1, -1, \
	(c) == '\t' ? '\t' : -1, (c) == '\n' ? '\n' : -1, -1, '\\', '\r', -1, -1)

__attribute__((target("avx2"))) static inline uint64_t
marked(__m256i lo, __m256i hi, __m256i tbl)
{
	return bits64(_mm256_cmpeq_epi8(_mm256_shuffle_epi8(tbl, lo), lo),
		      _mm256_cmpeq_epi8(_mm256_shuffle_epi8(tbl, hi), hi));
}

#define IX_STRETCH 4096

/* index_plain() a 64-byte word at a time.  The word that holds from is
 * indexed whole: its tab bits for the bytes before from belong to no line
 * (they are before the tail, or already indexed the same), so setting them
 * again is harmless.  Newlines and odd bytes before from, or past to, are
 * masked off, so that each is listed once.  The block has BLK_SLACK
 * readable bytes past its end, so the last word can be loaded whole. */
__attribute__((target("avx2,bmi,popcnt"))) static uint32_t
index_avx2(struct blk *k, size_t from, size_t to, int flat)
{
	const __m256i with_tab = MARK_TABLE('\t');
	const __m256i with_nl = MARK_TABLE('\n');
	uint64_t *tw = k->tabw;
	uint32_t *tc = k->tabc, c = 0, *no, *oo, *to_;
	size_t i = from & ~(size_t)63, stop;

	while (i < to) {
		/* A stretch of at most IX_STRETCH bytes with room made for
		 * all it can hold: no call in the loop, the pointers stay
		 * in registers. */
		stop = to - i > IX_STRETCH ? i + IX_STRETCH : to;
		ix_room(&k->nls, IX_STRETCH + 66);
		ix_room(&k->odds, IX_STRETCH + 66);
		if (flat)
			ix_room(&k->tabs, IX_STRETCH + 72);
		no = k->nls.at + k->nls.n;
		oo = k->odds.at + k->odds.n;
		to_ = flat ? k->tabs.at + k->tabs.n : NULL;
		for (; i < stop; i += 64) {
			__m256i lo = _mm256_loadu_si256(
				(const __m256i *)(k->buf + i));
			__m256i hi = _mm256_loadu_si256(
				(const __m256i *)(k->buf + i + 32));
			uint64_t mt = marked(lo, hi, with_tab);
			uint64_t mn = marked(lo, hi, with_nl);
			uint64_t t = mt & ~mn, n = mn & ~mt, o = mt & mn;

			if (to - i < 64) {
				uint64_t keep = (UINT64_C(1) << (to - i)) - 1;

				t &= keep;
				n &= keep;
				o &= keep;
			}
			if (i < from) {
				n &= ~UINT64_C(0) << (from - i);
				o &= ~UINT64_C(0) << (from - i);
			}
			tw[i >> 6] = t;
			tc[i >> 6] = c;
			c += (uint32_t)__builtin_popcountll(t);
			if (flat) {
				if (i < from)
					t &= ~UINT64_C(0) << (from - i);
				to_ = ix_bits8(to_, (uint32_t)i, t);
			}
			no = ix_bits(no, (uint32_t)i, n);
			if (o)
				oo = ix_bits(oo, (uint32_t)i, o);
		}
		k->nls.n = (size_t)(no - k->nls.at);
		k->odds.n = (size_t)(oo - k->odds.at);
		if (flat)
			k->tabs.n = (size_t)(to_ - k->tabs.at);
	}
	return c;
}
#endif

uint32_t
blk_index_range(struct blk *k, size_t from, size_t to, int avx2)
{
	blk_tabw_room(k);
#ifdef BLK_AVX2
	if (avx2)
		return index_avx2(k, from, to, k->tabs_ok);
#endif
	index_plain(k, from, to);
	return 0;
}

/* ---- the lines' table ---- */

#ifdef BLK_AVX2
/* The count of tabs in buf before offset x, from the block's start (as
 * index_avx2() counts). */
__attribute__((target("popcnt"))) static inline uint32_t
tabs_before(const struct blk *k, size_t x)
{
	return k->tabc[x >> 6] + (uint32_t)__builtin_popcountll(
		k->tabw[x >> 6] & ((UINT64_C(1) << (x & 63)) - 1));
}

__attribute__((target("popcnt"))) void
blk_line_table(struct blk *k, size_t lo, size_t hi, size_t j0, size_t j1)
{
	size_t j, st, e, o = 0, no = k->odds.n;
	uint32_t ts, nt;
	struct blk_line *l;

	for (j = j0; j < j1; j++) {
		st = (size_t)k->nls.at[j - 1] + 1;
		e = k->nls.at[j];
		l = &k->lines[j];
		l->ntabs = BLK_NO_LINE;
		while (o < no && k->odds.at[o] < st)
			o++;	/* odd bytes are few: from the first */
		if (o < no && k->odds.at[o] < e)
			continue;
		ts = tabs_before(k, st);
		nt = tabs_before(k, e) - ts;
		if (hi > nt)
			continue;
		l->ntabs = nt;
		l->tab = ts + (uint32_t)lo;
		l->a = lo == 0 ? (uint32_t)st : k->tabs.at[ts + lo - 1] + 1;
		l->b = hi == nt ? (uint32_t)e : k->tabs.at[ts + hi];
	}
}
#endif
