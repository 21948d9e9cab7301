/* blk: input blocks, read ahead and indexed.  See blk.h. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rec/blk_ix.h"
#include "base/diag.h"
#include "base/utf8.h"
#include "base/util.h"

/* Blocks in the ring: the reader's, and the ones read ahead.  Without
 * the thread one block is refilled in place, the tail moved to its head
 * room (see blk_next()): it stays in the cache, and the kernel's copy
 * into it is much faster than into a block not touched for a while. */
#define NBLK 4

/*
 * A block's lines, once indexed, are checked (UTF-8) and tabled (struct
 * blk_line) in pieces of about PIECE_LINES lines, by whichever side gets
 * there first: the reader from the first piece on, when it takes the
 * block; the thread, while it waits for room in the ring, from the last
 * piece back, newest block first.  So when the thread is the slower side
 * (reading and indexing take longer than the reader's work) the reader
 * does the pieces; when the reader is, the thread, ahead, does them all.
 * A slot's pieces are set up before the block is handed over and
 * finished before the reader uses it.  They live beside the ring (pc[i]
 * for k[i]), not in struct blk: join_long() swaps a whole struct blk with
 * a bigger spare, and the pieces must stay with the ring's slot.
 */
#define PIECE_LINES 96
#define PIECES_MAX 32

struct pieces {
	size_t n;			/* pieces of this block */
	int table;			/* the lines' table is wanted */
	size_t lo, hi;			/* for these fields */
	atomic_int taken[PIECES_MAX];
	atomic_int done, bad;
};

struct blk_src {
	struct zin *z;
	int tsv, avx2;
	/* Block number n (from 1; 0 is the empty one to start with) is in
	 * k[n % nblk].  The reader is at block cur; the producer has filled
	 * blocks up to produced, and may fill block n once n - nblk < cur. */
	struct blk k[NBLK];
	struct pieces pc[NBLK];		/* k[i]'s are pc[i] */
	unsigned long nblk;
	unsigned long cur;
	atomic_ulong produced, released;
	unsigned long long bytes;
	uint32_t *tmp;			/* rotating index entries */
	size_t tmpcap;

	int threaded;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int stop, filling;
	atomic_ullong want;		/* lo << 32 | hi, + 1; 0: none */
};

/* How long a side waits busy before it sleeps (pauses of about 40 ns): a
 * wake-up from sleep costs tens of microseconds here, about what a block
 * takes.  The reader, waiting for data, spins up to a millisecond; the
 * thread, waiting for room, only briefly: it is ahead anyway, and a long
 * spin would keep a second processor busy doing nothing. */
#define SPINS_READER 20000
#define SPINS_AHEAD 200

/* One turn of a busy wait: a pause, and every YIELD_EVERY turns a yield
 * of the processor, which costs a system call when nothing else is
 * waiting for it, and is what lets the other side run at all when the
 * two threads share one processor (other work has the second, or the
 * program is pinned to one). */
#define YIELD_EVERY 256

static inline void
spin_turn(unsigned long i)
{
	if (i % YIELD_EVERY == YIELD_EVERY - 1) {
		sched_yield();
		return;
	}
#ifdef BLK_AVX2
	_mm_pause();
#endif
}

/* Wait until the counter *c reaches want (or the source is stopped): busy
 * a while, then asleep on the condition.  Counters only grow, and each is
 * raised under the mutex with a wake-up (see raise_to()), so no wake-up
 * is lost. */
static void
wait_for(struct blk_src *s, atomic_ulong *c, unsigned long want, int spins)
{
	int i;

	for (i = 0; i < spins; i++) {
		if (atomic_load_explicit(c, memory_order_acquire) >= want ||
		    atomic_load_explicit(&s->stop, memory_order_relaxed))
			return;
		spin_turn((unsigned long)i);
	}
	pthread_mutex_lock(&s->mu);
	while (atomic_load_explicit(c, memory_order_acquire) < want &&
	       !atomic_load_explicit(&s->stop, memory_order_relaxed))
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

static void
raise_to(struct blk_src *s, atomic_ulong *c, unsigned long v)
{
	pthread_mutex_lock(&s->mu);
	atomic_store_explicit(c, v, memory_order_release);
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

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

/* A word for every 64 bytes of the block, one more for the end, and the
 * spare words. */
static void
tabw_room(struct blk *k)
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

/* Index buf[from, to), the entries going after those there are; the
 * tabs' offsets too when k->tabs_ok.  Returns the count of its tabs with
 * AVX2 (and tabc is set), else 0. */
static uint32_t
index_range(const struct blk_src *s, struct blk *k, size_t from, size_t to)
{
	tabw_room(k);
#ifdef BLK_AVX2
	if (s->avx2)
		return index_avx2(k, from, to, k->tabs_ok);
#endif
	index_plain(k, from, to);
	return 0;
}

/* Entries from offset n0 on (just added) go first. */
static void
ix_to_front(struct blk_src *s, struct blk_ix *x, size_t n0)
{
	size_t m = x->n - n0;

	if (m == 0 || n0 == 0)
		return;
	if (s->tmpcap < m) {
		s->tmp = xreallocarray(s->tmp, m, sizeof *s->tmp);
		s->tmpcap = m;
	}
	memcpy(s->tmp, x->at + n0, m * sizeof *x->at);
	memmove(x->at + m, x->at, n0 * sizeof *x->at);
	memcpy(x->at, s->tmp, m * sizeof *x->at);
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

/* The offset of tab number g (as tabs_before() counts), within
 * BLK_LB_WORDS words from word w: the word by compares of the counts
 * before each (they never fall), the bit by a deposit. */
__attribute__((target("bmi,bmi2"))) static inline size_t
tab_number(const struct blk *k, size_t w, uint32_t g)
{
	const uint32_t *c = k->tabc + w;
	size_t j = (c[1] <= g) + (c[2] <= g) + (c[3] <= g) + (c[4] <= g);

	return ((w + j) << 6) + (size_t)_tzcnt_u64(_pdep_u64(
		UINT64_C(1) << (g - c[j]), k->tabw[w + j]));
}
_Static_assert(BLK_LB_WORDS == 5, "tab_number() looks 4 words on");

/* The table of k's lines j0..j1 - 1 for fields lo..hi (see struct
 * blk_line). */
__attribute__((target("popcnt,bmi,bmi2"))) static void
line_table(struct blk *k, size_t lo, size_t hi, size_t j0, size_t j1)
{
	size_t j, st, e;
	uint32_t ts, nt;
	struct blk_line *l;

	for (j = j0; j < j1; j++) {
		st = (size_t)k->nls.at[j - 1] + 1;
		e = k->nls.at[j];
		l = &k->lines[j];
		l->ntabs = BLK_NO_LINE;
		if (!blk_lb_fits(st, e))
			continue;
		ts = tabs_before(k, st);
		nt = tabs_before(k, e) - ts;
		if (hi > nt)
			continue;
		l->ntabs = nt;
		l->a = (uint32_t)(lo == 0 ? st :
				  tab_number(k, st >> 6,
					     ts + (uint32_t)lo - 1) + 1);
		l->b = (uint32_t)(hi == nt ? e :
				  tab_number(k, st >> 6, ts + (uint32_t)hi));
	}
}
#endif

/* ---- the pieces: checking and tabling whole lines ---- */

/* Split block k's whole lines into the pieces p: the lines from just
 * after its first newline to its last newline.  (The text before the first
 * newline ends a line begun in the block before; the reader checks that
 * line by itself when it takes it.)  With table set, the pieces also make
 * the lines' table for fields lo..hi. */
static void
pieces_init(struct pieces *p, struct blk *k, int table, size_t lo, size_t hi)
{
	size_t lines = k->nls.n > 1 ? k->nls.n - 1 : 0, i;

	p->n = (lines + PIECE_LINES - 1) / PIECE_LINES;
	if (p->n > PIECES_MAX)
		p->n = PIECES_MAX;
	p->table = table;
	p->lo = lo;
	p->hi = hi;
	if (table && k->lines_cap < k->nls.n) {
		k->lines = xreallocarray(k->lines, k->nls.n, sizeof *k->lines);
		k->lines_cap = k->nls.n;
	}
	for (i = 0; i < p->n; i++)
		atomic_store_explicit(&p->taken[i], 0, memory_order_relaxed);
	atomic_store_explicit(&p->done, 0, memory_order_relaxed);
	atomic_store_explicit(&p->bad, 0, memory_order_relaxed);
}

/* Piece i of k: lines j0..j1 - 1, from the second (line j ends at
 * nls.at[j]). */
static void
piece_do(struct pieces *p, struct blk *k, size_t i)
{
	size_t lines = k->nls.n - 1;
	size_t j0 = 1 + lines * i / p->n, j1 = 1 + lines * (i + 1) / p->n;
	size_t a = (size_t)k->nls.at[j0 - 1] + 1, b = k->nls.at[j1 - 1];

	if (!utf8_is_valid(k->buf + a, b - a))
		atomic_store_explicit(&p->bad, 1, memory_order_relaxed);
#ifdef BLK_AVX2
	if (p->table)
		line_table(k, p->lo, p->hi, j0, j1);
#endif
	atomic_fetch_add_explicit(&p->done, 1, memory_order_release);
}

/* Do the pieces of k no one has taken, from the first on or (back) from
 * the last back. */
static void
pieces_help(struct pieces *p, struct blk *k, int back)
{
	size_t i, j;

	for (j = 0; j < p->n; j++) {
		i = back ? p->n - 1 - j : j;
		if (atomic_load_explicit(&p->taken[i], memory_order_relaxed))
			break;	/* taken: the other thread has reached this
				 * piece from its end, and does those left */
		if (!atomic_exchange_explicit(&p->taken[i], 1,
					      memory_order_relaxed))
			piece_do(p, k, i);
	}
}

/* All of k's pieces done, with what they found. */
static void
pieces_finish(struct pieces *p, struct blk *k)
{
	unsigned long i = 0;

	pieces_help(p, k, 0);
	while ((size_t)atomic_load_explicit(&p->done, memory_order_acquire) <
	       p->n)
		spin_turn(i++);	/* the other thread is still doing the
				 * piece it took last */
	k->vfrom = k->vok = 0;
	if (p->n > 0 && !atomic_load_explicit(&p->bad, memory_order_relaxed)) {
		k->vfrom = (size_t)k->nls.at[0] + 1;
		k->vok = k->nls.at[k->nls.n - 1];
	}
	if (p->table) {
		k->lines_ok = 1;
		k->lines_lo = p->lo;
		k->lines_hi = p->hi;
	}
}

void
blk_src_want(struct blk_src *s, size_t lo, size_t hi)
{
	if (hi < UINT32_MAX)
		atomic_store(&s->want, ((unsigned long long)lo << 32 | hi) + 1);
}

/* ---- filling ---- */

static void
blk_reset_index(struct blk *k)
{
	k->nls.n = k->nls.i = 0;
	k->odds.n = k->odds.i = 0;
	k->tabs.n = k->tabs.i = 0;
	k->vfrom = k->vok = 0;
	k->lines_ok = 0;
}

/* Index k's data from offset from to its end. */
static void
index_block(const struct blk_src *s, struct blk *k, size_t from)
{
	uint32_t c = index_range(s, k, from, k->end);
	size_t w;

	if ((k->end & 63) == 0)
		k->tabw[k->end >> 6] = 0;	/* the word at the end */
	/* Past the end the count stays the block's (see line_table()). */
	for (w = (k->end + 63) >> 6; w <= (k->end >> 6) + BLK_SPARE_WORDS; w++)
		k->tabc[w] = c;
}

/* Read the next data into k, and prepare it: index it, and set up its
 * pieces (done here without the thread; with it, see produce()). */
static void
fill(struct blk_src *s, struct blk *k)
{
	unsigned long long w = atomic_load(&s->want);
	struct pieces *p = &s->pc[k - s->k];
	ssize_t r;
	int old;

	if (s->threaded)
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	r = zin_read(s->z, k->buf + BLK_HEAD, BLK_DATA);
	if (s->threaded)
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	k->end = BLK_HEAD + (r > 0 ? (size_t)r : 0);
	k->eof = r == 0;
	k->err = r < 0;
	memset(k->buf + k->end, 0, BLK_SLACK);
	blk_reset_index(k);
	/* Every field wanted: the tabs' offsets, on this thread. */
	k->tabs_ok = s->tsv && w == 0 && s->avx2;
	if (s->tsv && r > 0)
		index_block(s, k, BLK_HEAD);
	pieces_init(p, k, s->tsv && w != 0 && s->avx2, (size_t)((w - 1) >> 32),
		    (size_t)((w - 1) & UINT32_MAX));
	if (!s->threaded)
		pieces_finish(p, k);
}

/* The thread, waiting for room, does the pieces left of a block from
 * last back to the one after the reader's, the newest first (the reader
 * takes them from the oldest); returns whether there were any. */
static int
help_ahead(struct blk_src *s, unsigned long last)
{
	unsigned long m, cur = atomic_load_explicit(&s->released,
						    memory_order_acquire);
	struct pieces *p;

	for (m = last; m > cur; m--) {
		p = &s->pc[m % s->nblk];
		if (p->n > 0 && !atomic_load_explicit(&p->taken[p->n - 1],
						      memory_order_relaxed)) {
			pieces_help(p, &s->k[m % s->nblk], 1);
			return 1;
		}
	}
	return 0;
}

static void *
produce(void *arg)
{
	struct blk_src *s = arg;
	struct blk *k;
	unsigned long n, need;
	int old;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	for (n = 1;; n++) {
		/* Block n - nblk, in the same place, must be left; until
		 * then, do the pieces of blocks ahead of the reader. */
		need = n < s->nblk ? 0 : n - s->nblk + 1;
		while (atomic_load_explicit(&s->released, memory_order_acquire) <
		       need && help_ahead(s, n - 1))
			;
		wait_for(s, &s->released, need, SPINS_AHEAD);
		/* filling, then stop: blk_src_close() sets them the other
		 * way round, so one of the two sees the other. */
		atomic_store(&s->filling, 1);
		if (atomic_load(&s->stop))
			break;
		k = &s->k[n % s->nblk];
		fill(s, k);
		atomic_store(&s->filling, 0);
		raise_to(s, &s->produced, n);
		if (k->eof || k->err)
			break;
	}
	return NULL;
}

static void
blk_init(struct blk *k)
{
	memset(k, 0, sizeof *k);
	k->cap = BLK_HEAD + BLK_DATA;
	k->buf = xmalloc_page(k->cap + BLK_SLACK);
	k->end = BLK_HEAD;
	memset(k->buf + k->end, 0, BLK_SLACK);
}

static void
blk_release(struct blk *k)
{
	free(k->buf);
	free(k->nls.at);
	free(k->odds.at);
	free(k->tabs.at);
	free(k->tabw);
	free(k->tabc);
	free(k->lines);
}

char *
blk_buf(const struct blk *b)
{
	return b->buf;
}

size_t
blk_end(const struct blk *b)
{
	return b->end;
}

int
blk_eof(const struct blk *b)
{
	return b->eof;
}

int
blk_err(const struct blk *b)
{
	return b->err;
}

struct blk *
blk_empty(void)
{
	static struct blk none;

	return &none;
}

int
blk_simd(void)
{
#ifdef BLK_AVX2
	static int use = -1;

	if (use < 0)
		use = utf8_simd() && __builtin_cpu_supports("bmi") &&
		      __builtin_cpu_supports("bmi2") &&
		      __builtin_cpu_supports("popcnt");
	return use;
#else
	return 0;
#endif
}

struct blk_src *
blk_src_open(struct zin *z, int tsv, struct blk **cur, size_t *pos)
{
	struct blk_src *s = xcalloc(1, sizeof *s);
	int i;

	s->z = z;
	s->tsv = tsv;
	s->avx2 = blk_simd();
	for (i = 0; i < NBLK; i++) {
		blk_init(&s->k[i]);
		if (tsv)
			tabw_room(&s->k[i]);
	}
	s->cur = 0;
	atomic_init(&s->produced, 0);
	atomic_init(&s->released, 0);
	atomic_init(&s->stop, 0);
	atomic_init(&s->filling, 0);
	atomic_init(&s->want, 0);
	s->threaded = getenv("JINGWU_NO_THREADS") == NULL &&
		      sysconf(_SC_NPROCESSORS_ONLN) > 1;
	s->nblk = s->threaded ? NBLK : 1;
	if (s->threaded) {
		pthread_mutex_init(&s->mu, NULL);
		pthread_cond_init(&s->cv, NULL);
		if (pthread_create(&s->th, NULL, produce, s) != 0) {
			pthread_mutex_destroy(&s->mu);
			pthread_cond_destroy(&s->cv);
			s->threaded = 0;
			s->nblk = 1;
		}
	}
	*cur = &s->k[0];
	*pos = BLK_HEAD;
	return s;
}

/* The block after the reader's, ready (from the thread), its pieces
 * done. */
static struct blk *
take_next(struct blk_src *s)
{
	unsigned long n = s->cur + 1;
	struct blk *k;

	wait_for(s, &s->produced, n, SPINS_READER);
	k = &s->k[n % s->nblk];
	pieces_finish(&s->pc[n % s->nblk], k);
	return k;
}

/* The reader moves on to the next block; its old one is free. */
static void
move_on(struct blk_src *s)
{
	s->cur++;
	raise_to(s, &s->released, s->cur);
}

/* A tail longer than the room before the data: the current block k takes
 * the tail and nb's data, and is indexed again. */
static void
join_long(struct blk_src *s, struct blk *k, struct blk *nb, const char *tail,
	  size_t t)
{
	size_t len = nb->end - BLK_HEAD;

	if (k->cap < t + len) {
		char *b = xmalloc_page(t + len + BLK_SLACK);

		memcpy(b, tail, t);
		free(k->buf);
		k->buf = b;
		k->cap = t + len;
	} else {
		memmove(k->buf, tail, t);
	}
	memcpy(k->buf + t, nb->buf + BLK_HEAD, len);
	k->end = t + len;
	k->eof = nb->eof;
	k->err = nb->err;
	memset(k->buf + k->end, 0, BLK_SLACK);
	blk_reset_index(k);
	k->tabs_ok = 0;
	if (s->tsv) {
		struct pieces p;

		index_block(s, k, 0);
		pieces_init(&p, k, 0, 0, 0);
		pieces_finish(&p, k);
	}
}

/* Index the tail just put at buf[at, BLK_HEAD) of nb: its entries go
 * before those of nb's data. */
static void
index_tail(struct blk_src *s, struct blk *nb, size_t at)
{
	size_t n0 = nb->nls.n, o0 = nb->odds.n, t0 = nb->tabs.n;

	if (!s->tsv || at == BLK_HEAD)
		return;
	index_range(s, nb, at, BLK_HEAD);
	ix_to_front(s, &nb->tabs, t0);
	if (nb->nls.n > n0)	/* the table's lines moved */
		nb->lines_ok = 0;
	ix_to_front(s, &nb->nls, n0);
	ix_to_front(s, &nb->odds, o0);
}

struct blk *
blk_next(struct blk_src *s, const char *tail, size_t t, size_t *pos)
{
	struct blk *k = &s->k[s->cur % s->nblk], *nb, swap;
	size_t at = BLK_HEAD - t;

	if (k->eof || k->err)
		return k;
	if (s->nblk == 1 && t <= BLK_HEAD) {
		/* In line: the same block, refilled behind its tail. */
		memmove(k->buf + at, tail, t);
		fill(s, k);
		s->bytes += k->end - BLK_HEAD;
		index_tail(s, k, at);
		*pos = at;
		return k;
	}
	/* In line, a long tail is joined with the next data read into the
	 * spare block k[1]. */
	nb = s->nblk == 1 ? &s->k[1] : take_next(s);
	if (s->nblk == 1)
		fill(s, nb);
	s->bytes += nb->end - BLK_HEAD;
	if (t > BLK_HEAD) {
		join_long(s, k, nb, tail, t);
		*pos = 0;
		if (s->nblk == 1)
			return k;
		/* Joined in k, which then trades places with nb: the
		 * ring keeps its order. */
		swap = *k;
		*k = *nb;
		*nb = swap;
		move_on(s);
		return nb;
	}
	memcpy(nb->buf + at, tail, t);
	index_tail(s, nb, at);
	move_on(s);
	*pos = at;
	return nb;
}

unsigned long long
blk_bytes(const struct blk_src *s)
{
	return s->bytes;
}

void
blk_src_close(struct blk_src *s)
{
	int i;

	if (s == NULL)
		return;
	if (s->threaded) {
		pthread_mutex_lock(&s->mu);
		atomic_store(&s->stop, 1);
		pthread_cond_broadcast(&s->cv);
		if (atomic_load(&s->filling))
			pthread_cancel(s->th);	/* it may wait on a pipe */
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->th, NULL);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
	}
	for (i = 0; i < NBLK; i++)
		blk_release(&s->k[i]);
	free(s->tmp);
	free(s);
}
