/* poll: the tally of answer records, on lib/rec/group.  See poll.h.
 *
 * Answers come in long runs of one year, unit and round, with a few
 * questions and answers that take few values: a run of answers is added
 * to the group at once, and a record of the open run whose question and
 * answer were seen before goes by the fast lane (fast_add()), which looks
 * at its bytes and nothing else.  Every other record goes the long way
 * (slow_add()), which checks it, rejects or filters it, and fills the
 * caches the fast lane reads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/num.h"
#include "base/util.h"
#include "domain/poll.h"
#include "domain/poll_in.h"
#include "rec/group.h"

/* The aggregates of a tally: sums only, so that a pre-counted answer
 * adds its count at once and partial rows add up. */
enum { A_N, A_SAT, A_WSUM, A_WSQ, A_EXCL, NAGG };
static const struct group_agg aggs[NAGG] = {
	{ .kind = GROUP_SUM, .name = "n" },
	{ .kind = GROUP_SUM, .name = "satisfied" },
	{ .kind = GROUP_SUM, .name = "weight_sum", .scale = POLL_WEIGHT_SCALE },
	{ .kind = GROUP_SUM, .name = "weight_sumsq",
	  .scale = 2 * POLL_WEIGHT_SCALE },
	{ .kind = GROUP_SUM, .name = "excluded" },
};

/* The caches of the fast lane, by length and last byte (slot()): the
 * items direct-mapped, each with its answers in sets of two (answers can
 * share both: 不太安全, 很不安全).  An entry is checked against the text it
 * stands for, which is the poll's own (it lives as long as the tally),
 * held as words (struct poll_words). */
#define ICACHE 8
#define ASETS 8

/* An answer of an item, with what one such answer adds to the sums, and
 * how many the fast lane counted in the open run (ans_fold() adds them
 * up: one increment an answer, not five sums). */
struct ans_hit {
	struct poll_words w;		/* a's text */
	const struct poll_answer *a;	/* NULL: empty */
	int64_t v[NAGG];
	int64_t hits;
};

/* A question's item, whether its answers are filtered (not the overall
 * item, and the question is not a -b field), and its answers. */
struct item_hit {
	struct poll_words q;		/* it's text */
	const struct poll_item *it;	/* NULL: empty */
	int filtered;
	struct ans_hit ans[2 * ASETS];
};

struct poll_tally {
	/* The fast lane's (fast_add(); first, together): on when the
	 * answers have no count field and are not partial rows; hot, the
	 * unit's name as the run's last record gave it (before --level
	 * rolled it up), POLL_WORDS_NONE unless the run is open and not full;
	 * the run's year bytes; the caches map question and answer texts
	 * to the verdicts of the long way. */
	int fast;
	size_t iyear, iunit, iq, ians, icount;
	struct poll_words hot;
	uint32_t runyear;
	int bycheck;		/* -b fields to compare, beside question */
	size_t runlen;		/* answers in the run */
	struct rec_reader *in;
	/* The items by question text; the last one the overall item's,
	 * when the answers have no question field. */
	struct item_hit icache[ICACHE + 1];
	struct item_hit *lastih;	/* the long way's last record's */

	const struct poll *p;
	struct group *g;
	const size_t *by;
	size_t nb, qb;		/* qb: the question's place among by */
	int level, merge;
	size_t want[8 + REC_MAX_FIELDS];
	size_t nwant;
	struct rec_str *kv;
	size_t *keys;		/* key fields under merge (the group keeps
				 * the pointer) */
	const struct poll_unit *lastu;	/* the previous record's unit */
	struct buf m, l;		/* message scratch */
	/* A run of plain answers (no count field) of one year, unit and -b
	 * values, added to the group at once: answers come in runs (a
	 * round of one unit), and one hash lookup a run instead of one an
	 * answer is most of the tally's time. */
	struct buf runkey;	/* the run's key bytes */
	struct rec_str *runkv;
	struct rec_str *fkv;	/* a key for ans_fold() */
	const struct poll_unit *runu;
	int64_t run[NAGG];
	size_t runslow;		/* of them, added to run[] the long way */
	const char *runfile;	/* for the message if a sum overflows */
};

/* Answers in one run at most: its sums stay far from 64 bits. */
#define RUN_MAX 65536

static void
want(struct poll_tally *t, size_t i)
{
	size_t k;

	if (i == REC_NONE)
		return;
	for (k = 0; k < t->nwant; k++)
		if (t->want[k] == i)
			return;
	t->want[t->nwant++] = i;
}

struct poll_tally *
poll_tally_new(const struct poll *p, struct rec_reader *in, const size_t *by,
	       size_t nb, int level, int merge)
{
	struct poll_tally *t = xcalloc(1, sizeof *t);
	size_t i, k;

	t->p = p;
	t->in = in;
	t->by = by;
	t->nb = nb;
	t->level = level;
	t->merge = merge;
	buf_init(&t->m);
	buf_init(&t->l);
	t->iyear = rec_reader_need(in, "year");
	t->iunit = rec_reader_need(in, "unit");
	t->ians = merge ? REC_NONE : rec_reader_need(in, "answer");
	t->iq = rec_reader_field(in, "question");
	t->icount = merge ? REC_NONE : rec_reader_field(in, "count");
	t->qb = REC_NONE;
	want(t, t->iyear);
	want(t, t->iunit);
	want(t, t->ians);
	want(t, t->icount);
	for (i = 0; i < nb; i++) {
		if (by[i] == t->iq)
			t->qb = i;
		want(t, by[i]);
	}
	if (!merge)
		want(t, t->iq);
	t->fast = !merge && t->icount == REC_NONE;
	t->icache[ICACHE].it = p->overall;
	for (i = 0; i <= ICACHE; i++) {
		t->icache[i].q.len = POLL_WORDS_NONE;
		for (k = 0; k < 2 * ASETS; k++)
			t->icache[i].ans[k].w.len = POLL_WORDS_NONE;
	}
	t->hot.len = POLL_WORDS_NONE;
	t->g = group_new_aggs(2 + nb, aggs, NAGG);
	t->kv = xcalloc(2 + nb, sizeof *t->kv);
	t->runkv = xcalloc(2 + nb, sizeof *t->runkv);
	t->fkv = xcalloc(2 + nb, sizeof *t->fkv);
	t->bycheck = nb > (t->qb == REC_NONE ? 0 : 1);
	buf_init(&t->runkey);
	if (merge) {
		t->keys = xcalloc(2 + nb, sizeof *t->keys);
		t->keys[0] = t->iyear;
		t->keys[1] = t->iunit;
		for (i = 0; i < nb; i++)
			t->keys[2 + i] = by[i];
		group_merge_fields(t->g, in, t->keys);	/* exits 2 */
		for (i = 0; i < rec_reader_nfields(in); i++)
			if (group_is_column(t->g, rec_reader_name(in, i)))
				want(t, i);
	}
	return t;
}

const size_t *
poll_tally_fields(const struct poll_tally *t, size_t *n)
{
	*n = t->nwant;
	return t->want;
}

void
poll_tally_free(struct poll_tally *t)
{
	if (t == NULL)
		return;
	group_free(t->g);
	free(t->kv);
	free(t->runkv);
	free(t->fkv);
	buf_release(&t->runkey);
	free(t->keys);
	buf_release(&t->m);
	buf_release(&t->l);
	free(t);
}

static void
answers_list(struct buf *b, const struct poll_scale *sc)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < sc->n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", sc->a[i].text);
}

/* The record's year and unit (rolled up to the level), or NULL after
 * rejecting it. */
static const struct poll_unit *
year_unit(struct poll_tally *t, const struct rec *r)
{
	const struct poll_unit *u = t->lastu;
	struct rec_str us = r->f[t->iunit];

	if (!poll_is_year(r->f[t->iyear])) {
		rec_reject(t->in, r, "field 'year': not a year: '%s'",
			   poll_quote(&t->m, r->f[t->iyear]));
		return NULL;
	}
	if (u == NULL || u->len != us.len || !poll_same(u->name, us.p, us.len))
		u = poll_unit(t->p, us.p, us.len);
	if (u == NULL) {
		rec_reject(t->in, r, "field 'unit': %s: '%s'", us.len ?
			   "not a unit of the poll" : "empty", poll_quote(&t->m, us));
		return NULL;
	}
	t->lastu = u;
	if (t->level > 0 && (u = poll_unit_at(u, t->level)) == NULL) {
		rec_reject(t->in, r, "field 'unit': '%s' is above level %d",
			   poll_quote(&t->m, us), t->level);
		return NULL;
	}
	return u;
}

/* The cache slot among mask + 1 of a text of length n whose last byte
 * is b's top byte (poll_words_of()). */
static inline size_t
wslot(size_t n, uint64_t b, size_t mask)
{
	return (n * 31 + (size_t)(b >> 56)) & mask;
}

/* The cache slot of a text s (not empty) among mask + 1: wslot()'s. */
static inline size_t
slot(struct rec_str s, size_t mask)
{
	return (s.len * 31 + (unsigned char)s.p[s.len - 1]) & mask;
}

static int
is_item(const struct poll_item *it, struct rec_str s)
{
	return it != NULL && it->len == s.len && poll_same(it->id, s.p, s.len);
}

static void item_clear(struct poll_tally *t, struct item_hit *h);

/* The record's item, or NULL after rejecting or filtering it; its cache
 * entry in t->lastih (NULL for an empty question). */
static const struct poll_item *
item_of(struct poll_tally *t, const struct rec *r)
{
	struct item_hit *h = &t->icache[ICACHE];
	const struct poll_item *it;
	struct rec_str qs;

	t->lastih = h;
	if (t->iq == REC_NONE)
		return t->p->overall;
	qs = r->f[t->iq];
	h = qs.len > 0 ? &t->icache[slot(qs, ICACHE - 1)] : NULL;
	t->lastih = NULL;
	if (h != NULL && is_item(h->it, qs)) {
		it = h->it;
	} else if ((it = poll_item(t->p, qs.p, qs.len)) == NULL) {
		rec_reject(t->in, r, "field 'question': not an item of the "
			   "poll: '%s'", poll_quote(&t->m, qs));
		return NULL;
	} else if (h != NULL) {
		item_clear(t, h);
		h->it = it;
		poll_words_set(&h->q, it->id, it->len);
		h->filtered = t->qb == REC_NONE && it != t->p->overall;
	}
	t->lastih = h;
	if (t->qb == REC_NONE && it != t->p->overall) {
		rec_filtered(t->in, r);
		return NULL;
	}
	return it;
}

/* The answer's index on the item's scale, or -1 after rejecting it. */
static int
answer_of(struct poll_tally *t, const struct rec *r,
	  const struct poll_item *it)
{
	struct rec_str as = r->f[t->ians];
	int ai = poll_answer(it->scale, as.p, as.len);

	if (ai < 0) {
		answers_list(&t->l, it->scale);
		rec_reject(t->in, r, "field 'answer': '%s' is not on the scale"
			   " '%s' (%s)", poll_quote(&t->m, as),
			   it->scale->name, t->l.p);
	}
	return ai;
}

/* What cnt answers a add to the sums, in v; -1 when that overflows. */
static int
addends(const struct poll_answer *a, long long cnt, int64_t *v)
{
	long long w2;

	memset(v, 0, NAGG * sizeof *v);
	if (!a->in_base) {
		v[A_EXCL] = cnt;
		return 0;
	}
	v[A_N] = cnt;
	v[A_SAT] = a->satisfied ? cnt : 0;
	if (__builtin_mul_overflow(cnt, a->weight, &v[A_WSUM]) ||
	    __builtin_mul_overflow(a->weight, a->weight, &w2) ||
	    __builtin_mul_overflow(cnt, w2, &v[A_WSQ]))
		return -1;
	return 0;
}

/* Add the fast lane's counts of h, an answer of item it, to the sums: to
 * the run's; or, with -b question, to its item's group at once (the fast
 * lane then counts the answers of every item in the run, whose key is the
 * others'). */
static void
ans_fold(struct poll_tally *t, const struct poll_item *it, struct ans_hit *h)
{
	int64_t v[NAGG];
	size_t i;

	if (t->qb == REC_NONE) {
		for (i = 0; i < NAGG; i++)
			t->run[i] += h->hits * h->v[i];
	} else {
		for (i = 0; i < NAGG; i++)
			v[i] = h->hits * h->v[i];
		memcpy(t->fkv, t->runkv, (2 + t->nb) * sizeof *t->fkv);
		t->fkv[2 + t->qb].p = it->id;
		t->fkv[2 + t->qb].len = it->len;
		if (group_add_vals(t->g, t->fkv, v) < 0)
			diag_die(JW_EXIT_INTERNAL, "%s: the sums of %s in %.*s "
				 "pass 64 bits", t->runfile, t->runu->name,
				 (int)t->runkv[0].len, t->runkv[0].p);
	}
	h->hits = 0;
}

/* Fold the counts of item entry h's answers (all: keep, 0: only those
 * with counts), and empty them unless keep. */
static void
item_fold(struct poll_tally *t, struct item_hit *h, int keep)
{
	size_t k;

	for (k = 0; k < 2 * ASETS; k++) {
		if (h->ans[k].hits > 0)
			ans_fold(t, h->it, &h->ans[k]);
		if (!keep) {
			h->ans[k].a = NULL;
			h->ans[k].w.len = POLL_WORDS_NONE;
		}
	}
}

/* The entry h takes another item: its answers go. */
static void
item_clear(struct poll_tally *t, struct item_hit *h)
{
	if (h->it != NULL)
		item_fold(t, h, 0);
}

/* Remember that answer a (the text of as) of the item of entry ih adds v
 * (one answer), for the fast lane. */
static void
ans_remember(struct poll_tally *t, struct item_hit *ih, struct rec_str as,
	     const struct poll_answer *a, const int64_t *v)
{
	struct ans_hit *h;

	if (ih == NULL || as.len == 0)
		return;
	h = &ih->ans[2 * slot(as, ASETS - 1)];
	if (h->a != NULL && h->a != a) {
		h++;	/* the first holds another: the second, then */
		if (h->a == a)
			return;
		if (h->hits > 0)
			ans_fold(t, ih->it, h);
	}
	h->a = a;
	poll_words_set(&h->w, a->text, a->len);
	memcpy(h->v, v, sizeof h->v);
}

static void
run_flush(struct poll_tally *t)
{
	size_t i;

	t->hot.len = POLL_WORDS_NONE;
	if (t->runlen == 0)
		return;
	if (t->runlen > t->runslow)
		for (i = 0; i <= ICACHE; i++)
			if (t->icache[i].it != NULL)
				item_fold(t, &t->icache[i], 1);
	if (group_add_vals(t->g, t->runkv, t->run) < 0)
		diag_die(JW_EXIT_INTERNAL, "%s: the sums of %s in %.*s pass 64 "
			 "bits", t->runfile, t->runu->name,
			 (int)t->runkv[0].len, t->runkv[0].p);
	t->runlen = 0;
	t->runslow = 0;
	memset(t->run, 0, sizeof t->run);
}

/* Whether the -b values kv[0..nb) are the run's, but for the one at
 * skip (or REC_NONE). */
static inline int
same_by(const struct poll_tally *t, const struct rec_str *kv, size_t skip)
{
	size_t i;

	for (i = 0; i < t->nb; i++)
		if (i == skip)
			continue;
		else if (kv[i].len != t->runkv[2 + i].len ||
		    !poll_same(kv[i].p, t->runkv[2 + i].p, kv[i].len) ||
		    rec_str_is_null(kv[i]) != rec_str_is_null(t->runkv[2 + i]))
			return 0;
	return 1;
}

/* Whether kv (year, unit u, -b values) is the run's key. */
static int
in_run(const struct poll_tally *t, const struct poll_unit *u)
{
	return t->runlen > 0 && u == t->runu &&
	       t->kv[0].len == t->runkv[0].len &&
	       poll_same(t->kv[0].p, t->runkv[0].p, t->kv[0].len) &&
	       same_by(t, t->kv + 2, REC_NONE);
}

/* Start a run with the key in t->kv (copied: the record moves on). */
static void
run_start(struct poll_tally *t, const struct poll_unit *u, const char *file)
{
	size_t i, k = 2 + t->nb, off = 0;

	buf_reset(&t->runkey);
	for (i = 0; i < k; i++)
		buf_add(&t->runkey, t->kv[i].p, t->kv[i].len);
	for (i = 0; i < k; i++) {
		t->runkv[i].p = rec_str_is_null(t->kv[i]) ? rec_null :
				t->runkey.p + off;
		t->runkv[i].len = t->kv[i].len;
		off += t->kv[i].len;
	}
	t->runu = u;
	t->runfile = file;
	/* A year is four digits (checked): the fast lane compares them at
	 * once. */
	memcpy(&t->runyear, t->kv[0].p, sizeof t->runyear);
}

static void
run_add(struct poll_tally *t, const struct poll_unit *u, const int64_t *v,
	const char *file)
{
	size_t i;

	if (!in_run(t, u) || t->runlen == RUN_MAX) {
		run_flush(t);
		run_start(t, u, file);
	}
	for (i = 0; i < NAGG; i++)
		t->run[i] += v[i];
	t->runlen++;
	t->runslow++;
}

/* Whether the -b values of a record's fields f are the run's, but for
 * the question's (its item's answers are counted apart, see ans_fold()).
 * (Not inlined: the fast lane without -b keeps few registers.) */
static __attribute__((noinline)) int
by_in_run(struct poll_tally *t, const struct rec_str *f)
{
	size_t i;

	for (i = 0; i < t->nb; i++)
		t->kv[2 + i] = f[t->by[i]];
	return same_by(t, t->kv + 2, t->qb);
}

/* The fields the fast lane reads, copied out of the tally for the loop
 * of poll_tally_read() (so that they stay in registers). */
struct fast_ix {
	size_t iyear, iunit, iq, ians;
	int bycheck;
};

/* The fast lane: a plain answer of the open run's year, unit (as named)
 * and -b values (but the question's: with -b question its answers are
 * counted by item), whose question and answer texts are in the caches.  The
 * long way's checks depend on a field's bytes alone, so bytes equal to
 * ones that passed them pass them again: the record is counted (or
 * filtered) as slow_add() would, and 1 returned.  Else 0, nothing done.
 * The run and the caches change only when a record is counted, so a
 * rejected record leaves them as they were.  (Inline in the loop of
 * poll_tally_read(): a call a record cost a tenth of its time.) */
static inline __attribute__((always_inline)) int
fast_add(struct poll_tally *t, const struct rec *r, const struct fast_ix *x)
{
	const struct rec_str *f = r->f;
	struct rec_str s = f[x->iunit];
	struct item_hit *ih;
	struct ans_hit *ah;
	uint64_t a, b;
	uint32_t y;

	/* The run is open and not full (else hot matches nothing). */
	if (!poll_words_is(&t->hot, s.p, s.len))
		return 0;
	s = f[x->iyear];
	if (s.len != 4)
		return 0;
	memcpy(&y, s.p, sizeof y);
	if (y != t->runyear)
		return 0;
	if (x->bycheck && !by_in_run(t, f))
		return 0;
	if (x->iq == REC_NONE) {
		ih = &t->icache[ICACHE];
	} else {
		s = f[x->iq];
		poll_words_of(s.p, s.len, &a, &b);
		ih = &t->icache[wslot(s.len, b, ICACHE - 1)];
		if (!poll_words_eq(&ih->q, s.p, s.len, a, b))
			return 0;
		if (ih->filtered) {
			rec_filtered(t->in, r);
			return 1;
		}
	}
	s = f[x->ians];
	poll_words_of(s.p, s.len, &a, &b);
	ah = &ih->ans[2 * wslot(s.len, b, ASETS - 1)];
	if (!poll_words_eq(&ah->w, s.p, s.len, a, b) &&
	    !poll_words_eq(&(++ah)->w, s.p, s.len, a, b))
		return 0;
	ah->hits++;
	if (++t->runlen == RUN_MAX)
		t->hot.len = POLL_WORDS_NONE;
	return 1;
}

/* A record the long way: every check, and the caches filled.  (Not
 * inlined: poll_tally_add() stays a light call for the fast lane.) */
static __attribute__((noinline)) void
slow_add(struct poll_tally *t, const struct rec *r)
{
	const struct poll_unit *u;
	const struct poll_item *it;
	const struct poll_answer *a;
	long long cnt = 1;
	int64_t v[NAGG];
	size_t i;
	int ai;

	if ((u = year_unit(t, r)) == NULL)
		return;
	if (t->merge) {
		if (t->qb != REC_NONE && item_of(t, r) == NULL)
			return;
		if (!rec_str_eq(r->f[t->iunit], (struct rec_str){ u->name,
								 u->len })) {
			rec_reject(t->in, r, "field 'unit': '%s' is not at "
				   "level %d", u->name, t->level);
			return;
		}
		group_merge_rec(t->g, t->in, r);	/* rejects itself */
		return;
	}
	if ((it = item_of(t, r)) == NULL || (ai = answer_of(t, r, it)) < 0)
		return;
	a = &it->scale->a[ai];
	if (t->icount != REC_NONE &&
	    (num_ll(r->f[t->icount].p, r->f[t->icount].len, &cnt) < 0 ||
	     cnt < 0)) {
		rec_reject(t->in, r, "field 'count': not a count: '%s'",
			   poll_quote(&t->m, r->f[t->icount]));
		return;
	}
	if (addends(a, cnt, v) < 0) {
		rec_reject(t->in, r, "field 'count': too large to add up: "
			   "'%s'", poll_quote(&t->m, r->f[t->icount]));
		return;
	}
	t->kv[0] = r->f[t->iyear];
	t->kv[1].p = u->name;
	t->kv[1].len = u->len;
	for (i = 0; i < t->nb; i++)
		t->kv[2 + i] = r->f[t->by[i]];
	if (t->icount == REC_NONE) {
		run_add(t, u, v, r->file);
		if (t->runlen < RUN_MAX)
			poll_words_set(&t->hot, t->lastu->name, t->lastu->len);
		else
			t->hot.len = POLL_WORDS_NONE;
		ans_remember(t, t->lastih, r->f[t->ians], a, v);
		return;
	}
	/* A pre-counted answer may be huge: added alone, so that a sum
	 * that would overflow rejects just this record. */
	if (group_add_vals(t->g, t->kv, v) < 0)
		rec_reject(t->in, r, "the unit's sums would overflow 64 bits");
}

void
poll_tally_read(struct poll_tally *t, struct rec_reader *in)
{
	struct fast_ix x = { t->iyear, t->iunit, t->iq, t->ians, t->bycheck };
	const struct rec *r;
	const size_t *w;
	size_t nw;

	w = poll_tally_fields(t, &nw);
	rec_reader_want(in, w, nw);
	if (!t->fast) {
		while ((r = rec_reader_next(in)) != NULL)
			slow_add(t, r);
	} else if (x.iq == REC_NONE) {
		/* The same loop apart: GCC then keeps the other's fields in
		 * registers (2 M instructions fewer on a million answers). */
		while ((r = rec_reader_next(in)) != NULL)
			if (!fast_add(t, r, &x))
				slow_add(t, r);
	} else {
		while ((r = rec_reader_next(in)) != NULL)
			if (!fast_add(t, r, &x))
				slow_add(t, r);
	}
}

void
poll_tally_add(struct poll_tally *t, const struct rec *r)
{
	struct fast_ix x = { t->iyear, t->iunit, t->iq, t->ians, t->bycheck };

	if (t->fast && fast_add(t, r, &x))
		return;
	slow_add(t, r);
}

void
poll_tally_uncached(struct poll_tally *t)
{
	t->fast = 0;
}

void
poll_tally_partial(struct poll_tally *t, const struct rec_reader *in,
		   struct rec_writer *w)
{
	size_t i;

	run_flush(t);
	rec_writer_add(w, "year");
	rec_writer_add(w, "unit");
	for (i = 0; i < t->nb; i++)
		rec_writer_add(w, rec_reader_name(in, t->by[i]));
	group_columns(t->g, w, GROUP_W_PARTIAL);
	group_write(t->g, w, GROUP_W_PARTIAL);
}

/* ---- from a tally to a table ---- */

struct fill {
	struct poll_tally *t;
	struct poll_table *tb;
};

static void
fill_one(void *ctx, const struct rec_str *k, const int64_t *v)
{
	struct fill *f = ctx;
	const struct poll *p = f->t->p;
	const struct poll_item *it = p->overall;
	struct poll_sums sm;
	struct poll_row *r;
	size_t i;

	if (f->t->qb != REC_NONE)
		it = poll_item(p, k[2 + f->t->qb].p, k[2 + f->t->qb].len);
	r = poll_table_add(f->tb);
	r->year = atoi(k[0].p);
	r->u = poll_unit(p, k[1].p, k[1].len);
	for (i = 0; i < f->tb->nb; i++)
		r->b[i] = poll_table_keep(f->tb, k[2 + i]);
	sm.n = (unsigned long long)v[A_N];
	sm.satisfied = (unsigned long long)v[A_SAT];
	sm.wsum = (poll_u128)v[A_WSUM];
	sm.wsq = (poll_u128)v[A_WSQ];
	sm.excluded = (unsigned long long)v[A_EXCL];
	poll_stats_sums(p, it->scale, &sm, &r->st);
}

void
poll_tally_table(struct poll_tally *t, struct poll_table *tb)
{
	struct fill f = { t, tb };

	run_flush(t);
	group_each(t->g, fill_one, &f);
}

