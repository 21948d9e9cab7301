/* grid: the index of a loaded grid, and placing addresses on it.  See
 * grid.h, and grid_impl.h for how the matcher works; loading is in
 * grid_load.c, the lint in grid_lint.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/cfg.h"
#include "base/util.h"
#include "domain/grid.h"
#include "domain/grid_impl.h"
#include "rx/ac.h"
#include "rx/rx.h"
#include "rx/rxlit.h"
#include "rx/rxplan.h"

/* Building the index. */

/* The id of byte set w in g->fsets, added when new; 0 is "any byte". */
static uint16_t
grid_fset_id(struct grid *g, const uint64_t *w)
{
	size_t i;

	for (i = 0; i < g->nfsets; i++)
		if (memcmp(g->fsets[i], w, sizeof g->fsets[i]) == 0)
			return (uint16_t)i;
	if (g->nfsets == UINT16_MAX)
		return 0;
	g->fsets = xreallocarray(g->fsets, g->nfsets + 1, sizeof *g->fsets);
	memcpy(g->fsets[g->nfsets], w, sizeof g->fsets[0]);
	return (uint16_t)g->nfsets++;
}

/* The ids of the byte sets that can follow a key literal whose rest is
 * described at follow (see rxlit_follow()). */
static void
grid_follow(struct grid *g, const char *follow, uint16_t *fset)
{
	uint64_t set[RXLIT_FOLLOW][4];
	size_t d;

	rxlit_follow(follow, set);
	for (d = 0; d < RXLIT_FOLLOW; d++)
		fset[d] = grid_fset_id(g, set[d]);
}

/* Pack the plans in the posting lists in their order (rxplan_pack()):
 * from then on they are used through those copies only. */
static void
grid_pack_plans(struct grid *g, size_t nkeyed)
{
	struct rxplan **pls = xcalloc(nkeyed + 1, sizeof *pls);
	size_t j, n = 0;

	for (j = 0; j < nkeyed; j++)
		if (g->post[j].pl.npaths != 0)
			pls[n++] = &g->post[j].pl;
	rxplan_pack(g->plan_set, pls, n);
	rxplan_code(g->plan_set, &g->plan_code);
	free(pls);
	free(g->plans);
	g->plans = NULL;
	g->nplans = g->capplans = 0;
}

/* Choose each pattern's key literal: the one the fewest patterns need,
 * then the longest.  Patterns without literals go to g->always.  Returns
 * how many have a key. */
static size_t
grid_choose_keys(struct grid *g)
{
	uint32_t *freq, best, id;
	size_t i, j, nkeyed = 0;

	freq = xcalloc(g->nlits + 1, sizeof *freq);
	for (i = 0; i < g->npatlits; i++)
		freq[g->patlits[i]]++;
	g->always = xcalloc(g->npats + 1, sizeof *g->always);
	for (i = 0; i < g->npats; i++) {
		struct grid_pat *p = &g->pats[i];

		if (p->rx == NULL)
			continue;
		best = GRID_NONE_ID;
		for (j = 0; j < p->nlit; j++) {
			id = g->patlits[p->lit0 + j];
			if (best == GRID_NONE_ID || freq[id] < freq[best] ||
			    (freq[id] == freq[best] &&
			     g->litlen[id] > g->litlen[best]))
				best = id;
		}
		p->key = best;
		if (best == GRID_NONE_ID)
			g->always[g->nalways++] = (uint32_t)i;
		else
			nkeyed++;
	}
	free(freq);
	return nkeyed;
}

/* The posting lists: per key literal, in g->post[post_start[id] ..
 * post_start[id + 1]), its patterns in file order. */
static void
grid_fill_posts(struct grid *g, size_t nkeyed)
{
	uint32_t *fill;
	size_t i, j;

	g->post_start = xcalloc(g->nlits + 1, sizeof *g->post_start);
	for (i = 0; i < g->npats; i++)
		if (g->pats[i].key != GRID_NONE_ID)
			g->post_start[g->pats[i].key + 1]++;
	for (i = 0; i < g->nlits; i++)
		g->post_start[i + 1] += g->post_start[i];
	g->post = xcalloc(nkeyed + 1, sizeof *g->post);
	g->postx = xcalloc(nkeyed + 1, sizeof *g->postx);
	fill = xcalloc(g->nlits + 1, sizeof *fill);
	for (i = 0; i < g->npats; i++) {
		const struct grid_pat *p = &g->pats[i];
		struct grid_cand *cd;
		struct grid_candx *cx;

		if (p->key == GRID_NONE_ID)
			continue;
		cd = &g->post[g->post_start[p->key] + fill[p->key]++];
		cx = &g->postx[cd - g->post];
		cd->pat = (uint32_t)i;
		cd->point = p->point;
		if (p->plan != GRID_NONE_ID)
			cd->pl = g->plans[p->plan];
		cx->lit0 = p->lit0;
		cx->nlit = p->nlit;
		for (j = 0; j < p->nlit; j++)
			if (g->patlits[p->lit0 + j] == p->key)
				break;
		grid_follow(g, g->patfollow[p->lit0 + j], cx->fset);
	}
	free(fill);
}

void
grid_index(struct grid *g)
{
	static const uint64_t any[4] = {
		UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX
	};
	size_t i, nkeyed;

	ac_build(g->ac);
	grid_fset_id(g, any);		/* id 0 */
	nkeyed = grid_choose_keys(g);
	grid_fill_posts(g, nkeyed);
	grid_pack_plans(g, nkeyed);
	g->found = xcalloc(g->nlits + 1, sizeof *g->found);
	g->ends = xcalloc(g->nlits + 1, sizeof *g->ends);
	g->lst = xcalloc(g->nlits + 1, sizeof *g->lst);
	for (i = 0; i < g->nlits; i++)
		g->lst[i].len = (uint32_t)g->litlen[i];
	g->lasts = xcalloc(g->nlits + 1, sizeof *g->lasts);
	g->ptstamp = xcalloc(g->npoints + 1, sizeof *g->ptstamp);
	g->pthit = xcalloc(g->npoints + 1, sizeof *g->pthit);
	g->hits = xcalloc(g->npoints + 1, sizeof *g->hits);
}

/* Copy each point's five names next to each other: assign writes them
 * for every record, and a point's names scattered over the YAML tree cost
 * a cache miss each. */
void
grid_pack_names(struct grid *g)
{
	struct grid_point *pt;
	size_t i, total = 0;
	char *o;

	for (i = 0; i < g->npoints; i++) {
		pt = &g->points[i];
		total += pt->county_len + pt->community_len + pt->grid_len +
			 pt->name_len + pt->coordinator_len + 5;
	}
	o = g->names = xmalloc(total ? total : 1);
	for (i = 0; i < g->npoints; i++) {
		pt = &g->points[i];
#define PACK(f) do { \
		memcpy(o, pt->f, pt->f##_len); \
		o[pt->f##_len] = '\0'; \
		pt->f = o; \
		o += pt->f##_len + 1; \
	} while (0)
		PACK(county);
		PACK(community);
		PACK(grid);
		PACK(name);
		if (pt->coordinator != NULL)
			PACK(coordinator);
#undef PACK
	}
}

void
grid_free(struct grid *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->npats; i++) {
		rx_free(g->pats[i].rx);
		free(g->pats[i].err);
	}
	free(g->pats);
	free(g->points);
	free(g->names);
	free(g->patlits);
	free(g->patfollow);
	for (i = 0; i < g->nlits; i++)
		free(g->littext[i]);
	free(g->littext);
	free(g->fsets);
	free(g->litlen);
	ac_free(g->ac);
	free(g->post_start);
	free(g->post);
	free(g->postx);
	free(g->always);
	rxplan_set_free(g->plan_set);
	free(g->plans);
	free(g->found);
	free(g->ends);
	free(g->lst);
	free(g->lasts);
	free(g->ptstamp);
	free(g->pthit);
	free(g->hits);
	buf_release(&g->why);
	cfg_free(g->cfg);
	free(g);
}

size_t
grid_npoints(const struct grid *g)
{
	return g->npoints;
}

const struct grid_point *
grid_point_at(const struct grid *g, size_t i)
{
	return &g->points[i];
}

void
grid_point_path(const struct grid_point *p, struct buf *b)
{
	buf_printf(b, "%s/%s/%s/%s", p->county, p->community, p->grid,
		   p->name);
}

/* Matching. */

/* The number of UTF-8 characters in s[so..eo): a match's length, which
 * decides which point is the most specific. */
static size_t
grid_chars(const char *s, size_t so, size_t eo)
{
	const uint64_t top = 0x8080808080808080u;
	size_t i = so, n = eo - so;
	uint64_t w;

	/* Eight bytes at a time: a continuation byte has bit 7 set and bit
	 * 6 clear.  The flags, one per byte, are added up by a multiply
	 * (__builtin_popcountll is a call without -mpopcnt). */
	for (; i + 8 <= eo; i += 8) {
		memcpy(&w, s + i, 8);
		w = (w & ~(w << 1) & top) >> 7;
		n -= (size_t)((w * 0x0101010101010101u) >> 56);
	}
	for (; i < eo; i++)
		n -= ((unsigned char)s[i] & 0xC0) == 0x80;
	return n;
}

/* Append pattern pat to b as it is written in the YAML, for a message:
 * backslashes and quotes stay single (a doubled "\\p{Han}" would not be
 * the pattern), only control characters and the like are escaped, as
 * buf_add_quoted() does. */
void
grid_add_pattern_text(struct buf *b, const char *pat)
{
	size_t n;

	while (*pat) {
		n = strcspn(pat, "\\'");
		buf_add_quoted(b, pat, n);
		pat += n;
		if (*pat)
			buf_addc(b, *pat++);
	}
}

/* Set g->why to the message for pattern p hitting PCRE2's limits. */
static void
grid_why_limit(struct grid *g, const struct grid_pat *p)
{
	const char *pat = rx_pattern(p->rx);

	buf_reset(&g->why);
	buf_adds(&g->why, "pattern '");
	grid_add_pattern_text(&g->why, pat);
	buf_printf(&g->why, "' at %s:%u: match limit reached",
		   cfg_name(g->cfg), p->node->line);
}

static void grid_hit(struct grid *g, uint32_t pt, size_t chars);

/* Run pattern i; record a hit.  Returns -1 on a match error. */
static int
grid_try(struct grid *g, uint32_t i, const char *s, size_t n)
{
	const struct grid_pat *p = &g->pats[i];
	size_t so, eo;
	int r = rx_match(p->rx, s, n, &so, &eo);

	if (r == 0)
		return 0;
	if (r < 0) {
		grid_why_limit(g, p);
		return -1;
	}
	grid_hit(g, p->point, grid_chars(s, so, eo));
	return 0;
}

/* Record a hit of point pt covering chars characters. */
static void
grid_hit(struct grid *g, uint32_t pt, size_t chars)
{
	struct grid_hit *h;

	if (g->ptstamp[pt] != g->stamp) {
		g->ptstamp[pt] = g->stamp;
		g->pthit[pt] = (uint32_t)g->nhits;
		h = &g->hits[g->nhits++];
		h->point = &g->points[pt];
		h->chars = chars;
	} else {
		h = &g->hits[g->pthit[pt]];
		if (chars > h->chars)
			h->chars = chars;
	}
}

/* memmem() for short texts: glibc's costs more to set up than the search
 * of an address takes. */
static const char *
grid_memmem(const char *h, size_t hn, const char *nd, size_t nn)
{
	const char *q;

	while (hn >= nn) {
		if ((q = memchr(h, nd[0], hn - nn + 1)) == NULL)
			return NULL;
		if (memcmp(q, nd, nn) == 0)
			return q;
		hn -= (size_t)(q + 1 - h);
		h = q + 1;
	}
	return NULL;
}

/* Is some occurrence of the key literal of cd in s[0..n) followed as the
 * pattern needs?  The first occurrence ends at first. */
static int
grid_follow_ok(const struct grid *g, const struct grid_candx *cd, uint32_t key,
	       const char *s, size_t n, size_t first)
{
	const char *lit = g->littext[key], *at, *end = s + n;
	size_t len = g->litlen[key], d, e;
	unsigned char c;

	for (at = s + first - len; at != NULL;
	     at = grid_memmem(at, (size_t)(end - at), lit, len)) {
		e = (size_t)(at - s) + len;
		for (d = 0; d < RXLIT_FOLLOW && e + d < n; d++) {
			c = (unsigned char)s[e + d];
			if (!(g->fsets[cd->fset[d]][c >> 6] >>
			      (c & 63) & 1))
				break;
		}
		if (d == RXLIT_FOLLOW || e + d == n)
			return 1;
		at++;
	}
	return 0;
}

/* Does the subject of this scan have a newline character?  Literal ids
 * 0 to RXPLAN_NNL - 1 are those characters (see grid_from_cfg()). */
static int
grid_has_newline(const struct grid *g)
{
	size_t i;

	for (i = 0; i < RXPLAN_NNL; i++)
		if (g->lst[i].stamp == g->stamp)
			return 1;
	return 0;
}

/* Collect the hits of s into g->hits, unordered.  -1 on a match error. */
static int
grid_collect(struct grid *g, const char *s, size_t n)
{
	size_t nf, i, j, k, so, eo;
	uint32_t id;
	int plans = -1;		/* may plans be used on s? -1: not known */

	/* A new stamp marks what this scan finds (per literal, per point)
	 * without clearing the tables; they are cleared only when the
	 * counter wraps. */
	g->nhits = 0;
	if (++g->stamp == 0) {
		for (i = 0; i < g->nlits; i++)
			g->lst[i].stamp = 0;
		memset(g->ptstamp, 0, g->npoints * sizeof *g->ptstamp);
		g->stamp = 1;
	}
	nf = ac_find_last(g->ac, s, n, g->found, g->ends, g->lasts);
	for (i = 0; i < nf; i++) {
		struct rxplan_seen *ls = &g->lst[g->found[i]];

		ls->stamp = g->stamp;
		ls->end = g->ends[i];
		ls->last = g->lasts[i];
	}
	for (i = 0; i < nf; i++) {
		id = g->found[i];
		for (j = g->post_start[id]; j < g->post_start[id + 1]; j++) {
			const struct grid_cand *cd = &g->post[j];
			const struct grid_candx *cx;

			if (cd->pl.npaths && plans < 0)
				plans = n <= RXPLAN_MAXLEN &&
				    !grid_has_newline(g);
			if (cd->pl.npaths && plans) {
				/* The plan matches exactly as the pattern
				 * does, so it needs only the literals whose
				 * places it reads: L0's and L's. */
				if ((cd->pl.lit0 != RXPLAN_NONE &&
				     g->lst[cd->pl.lit0].stamp != g->stamp) ||
				    (cd->pl.lit1 != RXPLAN_NONE &&
				     g->lst[cd->pl.lit1].stamp != g->stamp))
					continue;
				if (rxplan_run(&g->plan_code, &cd->pl, g->lst, s,
					       n, &so, &eo))
					grid_hit(g, cd->point,
						 grid_chars(s, so, eo));
				continue;
			}
			cx = &g->postx[j];
			for (k = 0; k < cx->nlit; k++)
				if (g->lst[g->patlits[cx->lit0 + k]].stamp !=
				    g->stamp)
					break;
			if (k < cx->nlit)
				continue;
			if ((cx->fset[0] || cx->fset[1] || cx->fset[2] ||
			     cx->fset[3]) &&
			    !grid_follow_ok(g, cx, id, s, n, g->ends[i]))
				continue;
			if (grid_try(g, cd->pat, s, n) < 0)
				return -1;
		}
	}
	for (i = 0; i < g->nalways; i++)
		if (grid_try(g, g->always[i], s, n) < 0)
			return -1;
	return 0;
}

static int
grid_hit_cmp(const void *x, const void *y)
{
	const struct grid_hit *a = x, *b = y;

	return (a->point > b->point) - (a->point < b->point);
}

size_t
grid_match_all(struct grid *g, const char *s, size_t n,
	       const struct grid_hit **hits, const char **why)
{
	*hits = g->hits;
	*why = NULL;
	if (grid_collect(g, s, n) < 0) {
		*why = g->why.p;
		g->nhits = 0;
		return (size_t)-1;
	}
	qsort(g->hits, g->nhits, sizeof *g->hits, grid_hit_cmp);
	return g->nhits;
}

enum grid_status
grid_match(struct grid *g, const char *s, size_t n,
	   const struct grid_point **pt, const char **why)
{
	const struct grid_hit *best;
	size_t i, ncomm;

	*pt = NULL;
	*why = NULL;
	if (grid_collect(g, s, n) < 0) {
		*why = g->why.p;
		return GRID_ERROR;
	}
	if (g->nhits == 0) {
		*why = "no grid point matches";
		return GRID_NONE;
	}
	best = &g->hits[0];
	for (i = 1; i < g->nhits; i++) {
		const struct grid_hit *h = &g->hits[i];

		if (h->point->community_no != best->point->community_no)
			break;
		if (h->chars > best->chars ||
		    (h->chars == best->chars && h->point < best->point))
			best = h;
	}
	if (i == g->nhits) {
		*pt = best->point;
		return GRID_FOUND;
	}
	/* Ambiguous: list the candidates in file order. */
	qsort(g->hits, g->nhits, sizeof *g->hits, grid_hit_cmp);
	for (i = 0, ncomm = 0; i < g->nhits; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (g->hits[j].point->community_no ==
			    g->hits[i].point->community_no)
				break;
		ncomm += j == i;
	}
	buf_reset(&g->why);
	buf_printf(&g->why, "matches grid points in %zu communities: ", ncomm);
	for (i = 0; i < g->nhits && i < 5; i++) {
		if (i)
			buf_adds(&g->why, ", ");
		grid_point_path(g->hits[i].point, &g->why);
	}
	if (g->nhits > 5)
		buf_printf(&g->why, " and %zu more", g->nhits - 5);
	*why = g->why.p;
	return GRID_AMBIGUOUS;
}

