/* blk: input blocks, read ahead (a thread, or in line) and handed to the
 * reader; the indexing itself is blk_index.c's.  See blk.h. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rec/blk_ix.h"
#include "base/cpu.h"
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
 * spin would keep a second processor busy doing nothing, or slow the
 * reader when the two processors are one core's two threads (a spin of
 * 20000 made case-status stats over 1 M cases 0.143 s against 0.084 s,
 * medians of 20 runs, 2026-12-02). */
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
		blk_line_table(k, p->lo, p->hi, j0, j1);
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
	k->tabs.n = k->tabs.i = k->tabs_head = 0;
	k->vfrom = k->vok = 0;
	k->lines_ok = 0;
}

/* Index k's data from offset from to its end. */
static void
index_block(const struct blk_src *s, struct blk *k, size_t from)
{
	uint32_t c = blk_index_range(k, from, k->end, s->avx2);
	size_t w;

	if ((k->end & 63) == 0)
		k->tabw[k->end >> 6] = 0;	/* the word at the end */
	/* Past the end the count stays the block's (see blk_line_table()). */
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
	/* The tabs' offsets, on this thread: for a reader of every field,
	 * and for the lines' table. */
	k->tabs_ok = s->tsv && s->avx2;
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
		use = utf8_simd() && cpu_has(CPU_BMI1) &&
		      cpu_has(CPU_BMI2) && cpu_has(CPU_POPCNT);
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
			blk_tabw_room(&s->k[i]);
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
	blk_index_range(nb, at, BLK_HEAD, s->avx2);
	ix_to_front(s, &nb->tabs, t0);
	nb->tabs_head = nb->tabs.n - t0;
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
