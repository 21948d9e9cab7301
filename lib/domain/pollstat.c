/* poll: the statistics, the ranking and the checks of a published table.
 * See poll.h; the formulas are in poll-rank(1). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/num.h"
#include "base/util.h"
#include "domain/poll.h"

typedef poll_u128 u128;

/* x / n rounded half up, for x, n >= 0, n > 0. */
static long long
div_round(u128 x, u128 n)
{
	return (long long)((2 * x + n) / (2 * n));
}

static long long
fixed(double v, int dec)
{
	return llround(v * (dec == 4 ? 1e4 : dec == 2 ? 1e2 : pow(10, dec)));
}

void
poll_wilson(unsigned long long x, unsigned long long n, double z, double *lo,
	    double *hi)
{
	double p = (double)x / (double)n, nn = (double)n, z2 = z * z;
	double c = (p + z2 / (2 * nn)) / (1 + z2 / nn);
	double h = z / (1 + z2 / nn) *
		   sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));

	*lo = c - h < 0 ? 0 : c - h;
	*hi = c + h > 1 ? 1 : c + h;
}

/* The lowest and highest weight of the scale's answers in the base. */
static void
weight_range(const struct poll_scale *sc, long long *lo, long long *hi)
{
	size_t i;
	int any = 0;

	*lo = *hi = 0;
	for (i = 0; i < sc->n; i++) {
		if (!sc->a[i].in_base)
			continue;
		if (!any || sc->a[i].weight < *lo)
			*lo = sc->a[i].weight;
		if (!any || sc->a[i].weight > *hi)
			*hi = sc->a[i].weight;
		any = 1;
	}
}

void
poll_stats_sums(const struct poll *p, const struct poll_scale *sc,
		const struct poll_sums *sm, struct poll_stats *st)
{
	long double mean, var, se, n;
	long long wmin, wmax;
	double lo, hi;

	memset(st, 0, sizeof *st);
	st->n = sm->n;
	st->satisfied = sm->satisfied;
	st->excluded = sm->excluded;
	st->small = st->n < (unsigned long long)p->min_n;
	if (st->n == 0 || sm->satisfied > sm->n)
		return;
	/* Weights are in hundredths, so their mean is the score in
	 * hundredths. */
	st->has_rate = 1;
	st->rate = div_round((u128)st->satisfied * 10000, st->n);
	poll_wilson(st->satisfied, st->n, POLL_Z, &lo, &hi);
	st->rate_low = fixed(lo, POLL_RATE_DEC);
	st->rate_high = fixed(hi, POLL_RATE_DEC);
	st->score = div_round(sm->wsum, st->n);
	if (st->n < 2)
		return;
	n = (long double)st->n;
	mean = (long double)sm->wsum / n;
	/* wsq is in ten-thousandths: the squares of hundredths. */
	var = ((long double)sm->wsq - mean * (long double)sm->wsum) / (n - 1);
	se = sqrtl(var > 0 ? var : 0) / sqrtl(n);
	st->has_score_ci = 1;
	st->score_low = llroundl(mean - (long double)POLL_Z * se);
	st->score_high = llroundl(mean + (long double)POLL_Z * se);
	weight_range(sc, &wmin, &wmax);
	if (st->score_low < wmin)
		st->score_low = wmin;
	if (st->score_high > wmax)
		st->score_high = wmax;
}

void
poll_stats(const struct poll *p, const struct poll_scale *sc,
	   const unsigned long long *cnt, struct poll_stats *st)
{
	struct poll_sums sm = { 0, 0, 0, 0, 0 };
	size_t i;
	u128 w;

	for (i = 0; i < sc->n; i++) {
		if (!sc->a[i].in_base) {
			sm.excluded += cnt[i];
			continue;
		}
		w = (u128)sc->a[i].weight;
		sm.n += cnt[i];
		if (sc->a[i].satisfied)
			sm.satisfied += cnt[i];
		sm.wsum += (u128)cnt[i] * w;
		sm.wsq += (u128)cnt[i] * w * w;
	}
	poll_stats_sums(p, sc, &sm, st);
}

/* v at dec decimals rounded half up (away from zero) to prec decimals. */
static long long
round_to(long long v, int dec, int prec)
{
	long long d = 1;
	int i;

	for (i = prec; i < dec; i++)
		d *= 10;
	if (d == 1)
		return v;
	return v >= 0 ? (v + d / 2) / d : -((-v + d / 2) / d);
}

struct sortkey {
	struct poll_ranked r;
	long long key;
};

static int
by_rank(const void *a, const void *b)
{
	const struct sortkey *x = a, *y = b;

	if (x->r.small != y->r.small)
		return x->r.small - y->r.small;
	if (!x->r.small && x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return (x->r.tag > y->r.tag) - (x->r.tag < y->r.tag);
}

static int
overlap(const struct poll_ranked *a, const struct poll_ranked *b)
{
	if (!a->has_ci || !b->has_ci)
		return 1;	/* no interval: they cannot be told apart */
	return a->low <= b->high && b->low <= a->high;
}

size_t
poll_rank(struct poll_ranked *r, size_t n, int dec, int prec,
	  enum poll_ties method)
{
	struct sortkey *k = xcalloc(n + 1, sizeof *k);
	size_t i, j, m, ranked = 0;
	long dense = 0;

	for (i = 0; i < n; i++) {
		k[i].r = r[i];
		k[i].key = round_to(r[i].value, dec, prec);
		ranked += !r[i].small;
	}
	qsort(k, n, sizeof *k, by_rank);
	for (i = 0; i < n; i++)
		r[i] = k[i].r;
	for (i = 0; i < ranked; i = j) {
		for (j = i + 1; j < ranked && k[j].key == k[i].key; j++)
			;
		dense++;
		for (m = i; m < j; m++) {
			r[m].best = (long)i + 1;
			r[m].worst = (long)j;
			r[m].rank = method == POLL_TIES_1224 ? (long)i + 1 :
				    method == POLL_TIES_1334 ? (long)j : dense;
		}
	}
	for (i = 0; i < n; i++) {
		r[i].order = i;
		r[i].above = r[i].below = 0;
		if (r[i].small) {
			r[i].rank = r[i].best = r[i].worst = 0;
			continue;
		}
		if (i > 0)
			r[i].above = overlap(&r[i], &r[i - 1]);
		if (i + 1 < ranked)
			r[i].below = overlap(&r[i], &r[i + 1]);
	}
	free(k);
	return ranked;
}

const struct poll_tier *
poll_tier_of(const struct poll *p, long best, long worst, size_t of)
{
	size_t i;

	for (i = 0; i < p->ntiers; i++) {
		if (p->tiers[i].top && best <= p->tiers[i].n)
			return &p->tiers[i];
		if (!p->tiers[i].top && worst > (long)of - p->tiers[i].n)
			return &p->tiers[i];
	}
	return NULL;
}

/* ---- checks of a published table ---- */

struct row {
	long rank;
	size_t i;	/* published row */
};

static int
by_pubrank(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static char *
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
say(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

/* The rank a group of m rows at sorted positions s..s+m-1 (1-based), the
 * g-th group (1-based), must have. */
static long
expected(enum poll_ties t, size_t s, size_t m, size_t g)
{
	return t == POLL_TIES_1224 ? (long)s :
	       t == POLL_TIES_1334 ? (long)(s + m - 1) : (long)g;
}

static void
check_ranks(const struct poll *p, const struct row *o, size_t nv, char **why)
{
	const char *tn = poll_ties_name(p->ties);
	size_t i, j, k, pm = 0, g = 0;
	long want, prank = 0;

	for (i = 0; i < nv; i = j) {
		for (j = i + 1; j < nv && o[j].rank == o[i].rank; j++)
			;
		g++;
		want = expected(p->ties, i + 1, j - i, g);
		for (k = i; k < j && want != o[i].rank; k++) {
			if (want > o[i].rank && pm > 1 && prank != 0)
				why[o[k].i] = say("rank %ld does not skip after"
						  " the tie of %zu units at "
						  "rank %ld: ties %s give %ld",
						  o[i].rank, pm, prank, tn,
						  want);
			else if (want < o[i].rank && pm <= 1 && i > 0)
				why[o[k].i] = say("rank %ld skips a rank with "
						  "no tie before it: ties %s "
						  "give %ld", o[i].rank, tn,
						  want);
			else
				why[o[k].i] = say("rank %ld follows %zu ranked "
						  "units: ties %s give %ld",
						  o[i].rank, i, tn, want);
		}
		pm = j - i;
		prank = o[i].rank;
	}
}

static void
check_scores(const struct row *o, size_t nv, const int *has,
	     const long long *sc, int dec, const unsigned long long *line,
	     char **why)
{
	char a[32], b[32];
	size_t i, j, k, first, prev = (size_t)-1;

	for (i = 0; i < nv; i = j) {
		for (j = i + 1; j < nv && o[j].rank == o[i].rank; j++)
			;
		first = (size_t)-1;
		for (k = i; k < j; k++) {
			size_t r = o[k].i;

			if (!has[r] || why[r] != NULL)
				continue;
			if (first == (size_t)-1) {
				first = r;
			} else if (sc[r] != sc[first]) {
				num_fmt_dec(a, sc[r], dec);
				num_fmt_dec(b, sc[first], dec);
				why[r] = say("shares rank %ld with line %llu "
					     "but has score %s, not %s",
					     o[k].rank, line[first], a, b);
				continue;
			}
			if (prev == (size_t)-1)
				continue;
			num_fmt_dec(a, sc[r], dec);
			num_fmt_dec(b, sc[prev], dec);
			if (sc[r] > sc[prev])
				why[r] = say("rank %ld has score %s, above "
					     "rank %ld's %s", o[k].rank, a,
					     o[i - 1].rank, b);
			else if (sc[r] == sc[prev])
				why[r] = say("rank %ld has the score %s of "
					     "rank %ld: a tie shares one rank",
					     o[k].rank, a, o[i - 1].rank);
		}
		if (first != (size_t)-1)
			prev = first;
	}
}

void
poll_check_year(const struct poll *p, const long *rank, const int *has_score,
		const long long *score, int dec,
		const unsigned long long *line, size_t n, size_t of,
		const int *bad, char **why)
{
	struct row *o = xcalloc(n + 1, sizeof *o);
	size_t i, nv = 0;

	for (i = 0; i < n; i++) {
		why[i] = NULL;
		if (bad[i])
			continue;
		if (rank[i] < 1 || rank[i] > (long)of) {
			why[i] = say("rank %ld is outside 1..%zu (%zu units)",
				     rank[i], of, of);
			continue;
		}
		o[nv].rank = rank[i];
		o[nv++].i = i;
	}
	qsort(o, nv, sizeof *o, by_pubrank);
	check_ranks(p, o, nv, why);
	check_scores(o, nv, has_score, score, dec, line, why);
	free(o);
}
