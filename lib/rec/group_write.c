/* group_write: the aggregates' decimals and the writing of groups,
 * sorted, final or partial.  See group.h and group_impl.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/util.h"
#include "rec/group_impl.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/* ---- decimals ---- */

static const int64_t pow10_[GROUP_MAX_SCALE * 2 + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000,
	10000000000000, 100000000000000, 1000000000000000,
	10000000000000000, 100000000000000000, 1000000000000000000
};


/* a / d to out decimals, rounded half away from zero, into s (64 bytes).
 * d > 0.  Long division, exact while 10 * d fits. */
static void
fmt_ratio(char *s, i128 a, i128 d, int out)
{
	u128 m = a < 0 ? (u128)0 - (u128)a : (u128)a, ud = (u128)d, q, r;
	char dig[GROUP_MAX_SCALE + 2] = { 0 }, ip[48], *p = s;
	int n = 0, i;

	q = m / ud;
	r = m % ud;
	/* The decimals, then one more digit to round on. */
	for (i = 0; i <= out; i++) {
		r *= 10;
		dig[i] = (char)(r / ud);
		r %= ud;
	}
	if (dig[out] >= 5) {
		for (i = out - 1; i >= 0 && dig[i] == 9; i--)
			dig[i] = 0;
		if (i >= 0)
			dig[i]++;
		else
			q++;
	}
	if (a < 0 && (q != 0 || out > 0)) {
		for (i = 0; i < out && dig[i] == 0; i++)
			;
		if (q != 0 || i < out)
			*p++ = '-';
	}
	do {
		ip[sizeof ip - ++n] = (char)('0' + (int)(q % 10));
		q /= 10;
	} while (q != 0);
	memcpy(p, ip + sizeof ip - n, (size_t)n);
	p += n;
	if (out > 0) {
		*p++ = '.';
		for (i = 0; i < out; i++)
			*p++ = (char)('0' + dig[i]);
	}
	*p = '\0';
}

/* x * 10^k into *r, or -1 on overflow (for the long division: *r * 10
 * must fit too). */
static int
scale_up(i128 x, int k, i128 *r)
{
	i128 lim = ((i128)1 << 122);

	while (k-- > 0) {
		if (x > lim || x < -lim)
			return -1;
		x *= 10;
	}
	if (x > lim || x < -lim)
		return -1;
	*r = x;
	return 0;
}

/* Write a / d (d > 0) to out decimals; NULL when d is 0; with sign, a
 * '+' before a result above zero.  When the exact operands do not fit, a
 * long double gives the nearest. */
static void
put_ratio(struct rec_writer *w, i128 a, int ascale, i128 d, int dscale,
	  int out, int sign)
{
	char s[64], *o = s;
	i128 x, y;

	if (d == 0) {
		rec_writer_put(w, rec_null, 0);
		return;
	}
	if (d < 0) {
		a = -a;
		d = -d;
	}
	if (sign)
		*o++ = '+';
	/* (a / 10^ascale) / (d / 10^dscale) = a 10^dscale / (d 10^ascale) */
	if (scale_up(a, dscale, &x) == 0 && scale_up(d, ascale, &y) == 0) {
		fmt_ratio(o, x, y, out);
	} else {
		long double v = (long double)a / (long double)d;

		v *= (long double)pow10_[dscale] / (long double)pow10_[ascale];
		snprintf(o, sizeof s - 1, "%.*Lf", out, v);
	}
	/* Only a result above zero keeps its '+' (not -3.0, nor 0.0). */
	if (sign && (s[1] == '-' || strspn(s + 1, "0.") == strlen(s + 1)))
		o = s + 1;
	else
		o = s;
	rec_writer_puts(w, o);
}

static void
put_dec(struct rec_writer *w, int64_t v, int scale)
{
	char s[32];

	rec_writer_put(w, s, num_fmt_dec(s, v, scale));
}


/* ---- writing ---- */

void
group_columns(const struct group *g, struct rec_writer *w, int flags)
{
	size_t i;

	if (flags & GROUP_W_PARTIAL) {
		for (i = 0; i < g->nparts; i++)
			rec_writer_add(w, g->parts[i].name);
		return;
	}
	for (i = 0; i < g->na; i++)
		if (!g->a[i].hide)
			rec_writer_add(w, g->a[i].name);
}

int
group_is_column(const struct group *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nparts; i++)
		if (strcmp(g->parts[i].name, name) == 0)
			return 1;
	for (i = 0; i < g->na; i++)
		if (strcmp(g->a[i].name, name) == 0)
			return 1;
	return 0;
}

static void
put_slot(struct rec_writer *w, const struct part *p, int64_t v)
{
	if ((p->op == OP_MIN && v == INT64_MAX) ||
	    (p->op == OP_MAX && v == INT64_MIN))
		rec_writer_put(w, rec_null, 0);		/* no value */
	else
		put_dec(w, v, p->scale);
}

/* The value of a COUNT or SUM aggregate. */
static int64_t
sum_of(const struct group *g, const int64_t *v, size_t i)
{
	return v[g->off[i]];
}

static void
put_final(const struct group *g, struct rec_writer *w, const int64_t *v)
{
	const struct group_agg *x;
	i128 n, a, d;
	size_t i, s;

	for (i = 0; i < g->na; i++) {
		x = &g->a[i];
		s = g->off[i];
		if (x->hide)
			continue;
		switch (x->kind) {
		case GROUP_COUNT:
			rec_writer_putll(w, (long long)v[0]);
			break;
		case GROUP_SUM:
			put_dec(w, v[s], x->scale);
			break;
		case GROUP_MIN:
		case GROUP_MAX:
			if (v[s] == (x->kind == GROUP_MIN ? INT64_MAX :
				     INT64_MIN))
				rec_writer_put(w, rec_null, 0);
			else
				put_dec(w, v[s], x->scale);
			break;
		case GROUP_MEAN:
			put_ratio(w, v[s + 1], x->scale, v[s], 0, x->out, 0);
			break;
		case GROUP_VAR:
			/* (n sumsq - sum^2) / (n (n - 1)), at twice the scale */
			n = v[s];
			if (n < 2) {
				rec_writer_put(w, rec_null, 0);
				break;
			}
			a = n * (i128)v[s + 2] - (i128)v[s + 1] * v[s + 1];
			d = n * (n - 1);
			put_ratio(w, a, 2 * x->scale, d, 0, x->out, 0);
			break;
		case GROUP_RATIO:
			/* In percent: the divisor at two more decimals. */
			put_ratio(w, sum_of(g, v, x->of), g->a[x->of].scale,
				  sum_of(g, v, x->per),
				  g->a[x->per].scale + 2 * !!x->pct, x->out,
				  x->sign);
			break;
		case GROUP_CHANGE:
			/* (of - per) / per, both at of's scale */
			a = (i128)sum_of(g, v, x->of) *
			    pow10_[g->a[x->per].scale] -
			    (i128)sum_of(g, v, x->per) *
			    pow10_[g->a[x->of].scale];
			d = (i128)sum_of(g, v, x->per) *
			    pow10_[g->a[x->of].scale];
			put_ratio(w, a, 0, d, 2 * !!x->pct, x->out, x->sign);
			break;
		}
	}
}

static void
put_values(const struct group *g, struct rec_writer *w, const int64_t *v,
	   int partial)
{
	size_t i;

	if (!partial) {
		put_final(g, w, v);
		return;
	}
	for (i = 0; i < g->nparts; i++)
		put_slot(w, &g->parts[i], v[g->parts[i].slot]);
}

static int
by_key(const void *a, const void *b, void *ctx)
{
	const struct htab *h = ctx;
	const struct htab_key *x = htab_key_at(h, *(const size_t *)a);
	const struct htab_key *y = htab_key_at(h, *(const size_t *)b);
	int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

static void
put_key(const struct group *g, struct rec_writer *w, const char *p, size_t n)
{
	int null = n == 1 && p[0] == NULL_KEY[0];

	if (g->pretty && (null || n == 0))
		rec_writer_puts(w, null ? GROUP_NULL_LABEL :
				GROUP_EMPTY_LABEL);
	else if (null)
		rec_writer_put(w, rec_null, 0);
	else
		rec_writer_put(w, p, n);
}

void
group_label_keys(struct group *g, int on)
{
	g->pretty = on != 0;
}

/* The rows of g, landed, as indexes sorted by key; caller frees. */
static size_t *
sorted_rows(struct group *g, size_t *n)
{
	size_t i, *order;

	group_land_all(g);
	*n = g->h.count;
	order = xcalloc(*n + 1, sizeof *order);
	for (i = 0; i < *n; i++)
		order[i] = i;
	qsort_r(order, *n, sizeof *order, by_key, &g->h);
	return order;
}

void
group_write(struct group *g, struct rec_writer *w, int flags)
{
	size_t n, i, k, *order;
	const struct htab_key *key;
	const char *p, *z;
	int partial = (flags & GROUP_W_PARTIAL) != 0;

	order = sorted_rows(g, &n);
	for (i = 0; i < n; i++) {
		key = htab_key_at(&g->h, order[i]);
		if (g->nkeys == 1) {
			put_key(g, w, key->p, key->len);
		} else {
			p = key->p;
			for (k = 0; k < g->nkeys; k++) {
				z = memchr(p, '\0', key->len - (size_t)(p - key->p));
				put_key(g, w, p, (size_t)(z - p));
				p = z + 1;
			}
		}
		put_values(g, w, htab_val_at(&g->h, order[i]), partial);
		rec_writer_end(w);
	}
	if ((flags & GROUP_W_TOTAL) && !partial) {
		rec_writer_put_label(w, GROUP_TOTAL);
		for (k = 1; k < g->nkeys; k++)
			rec_writer_put(w, "", 0);
		put_values(g, w, g->tot, 0);
		rec_writer_end(w);
	}
	free(order);
}

void
group_each(struct group *g,
	   void (*fn)(void *ctx, const struct rec_str *k, const int64_t *v),
	   void *ctx)
{
	struct rec_str *kv = xcalloc(g->nkeys + 1, sizeof *kv);
	int64_t *out = xcalloc(g->na + 1, sizeof *out);
	const struct htab_key *key;
	const int64_t *v;
	size_t n, i, k, *order;
	const char *p, *z;

	order = sorted_rows(g, &n);
	for (i = 0; i < n; i++) {
		key = htab_key_at(&g->h, order[i]);
		p = key->p;
		for (k = 0; k < g->nkeys; k++) {
			z = g->nkeys == 1 ? p + key->len :
			    memchr(p, '\0', key->len - (size_t)(p - key->p));
			kv[k].p = p;
			kv[k].len = (size_t)(z - p);
			if (kv[k].len == 1 && p[0] == NULL_KEY[0]) {
				kv[k].p = rec_null;
				kv[k].len = 0;
			}
			p = z + 1;
		}
		v = htab_val_at(&g->h, order[i]);
		for (k = 0; k < g->na; k++)
			out[k] = group_is_sum(g, k) ? v[g->off[k]] : 0;
		fn(ctx, kv, out);
	}
	free(order);
	free(out);
	free(kv);
}

