/* grid: the lint of a loaded grid, its findings in file order.  See
 * grid.h (grid_lint()). */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/cfg.h"
#include "domain/grid.h"
#include "domain/grid_impl.h"

struct grid_lint {
	const struct grid *g;
	void (*fn)(void *ctx, const char *level, const char *where,
		   const char *message);
	void *ctx;
	size_t errors;
	struct buf where, msg;
};

static void __attribute__((format(printf, 8, 9)))
grid_find(struct grid_lint *l, int error, unsigned line, const char *county,
	  const char *community, const char *grid, const char *point,
	  const char *fmt, ...)
{
	va_list ap;

	buf_reset(&l->where);
	buf_printf(&l->where, "%s:%u %s", cfg_name(l->g->cfg), line, county);
	if (community)
		buf_printf(&l->where, "/%s", community);
	if (grid)
		buf_printf(&l->where, "/%s", grid);
	if (point)
		buf_printf(&l->where, "/%s", point);
	buf_reset(&l->msg);
	va_start(ap, fmt);
	buf_vprintf(&l->msg, fmt, ap);
	va_end(ap);
	l->errors += error != 0;
	l->fn(l->ctx, error ? "error" : "warning", l->where.p, l->msg.p);
}

/* "'name'" quoted for a message, in a static-free way: into b. */
static const char *
grid_q(struct buf *b, const char *s)
{
	buf_reset(b);
	buf_add_quoted(b, s, strlen(s));
	return b->p;
}

/* The index of the first item before i in list whose name equals the
 * name of item i, or (size_t)-1. */
static size_t
grid_dup_before(const struct cfg_node *list, size_t i)
{
	const char *name = cfg_get(list->items[i], "name")->str;
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(cfg_get(list->items[j], "name")->str, name) == 0)
			return j;
	return (size_t)-1;
}

static int
grid_is_coordinator(const struct cfg_node *coords, const char *name)
{
	size_t i;

	for (i = 0; coords && i < coords->len; i++)
		if (strcmp(coords->items[i]->str, name) == 0)
			return 1;
	return 0;
}

static void
grid_lint_point(struct grid_lint *l, const char *county, const char *community,
		const char *gridname, const struct cfg_node *points, size_t j,
		const struct cfg_node *coords, size_t *pointno, size_t *patno)
{
	const struct grid *g = l->g;
	const struct grid_point *pt = &g->points[*pointno];
	const struct cfg_node *pn = points->items[j];
	const struct grid_pat *pat;
	struct buf q = BUF_INIT;
	size_t d, k;

	(*pointno)++;
#define GRID_AT(error, line, ...) \
	grid_find(l, error, line, county, community, gridname, pt->name, \
		  __VA_ARGS__)
	if ((d = grid_dup_before(points, j)) != (size_t)-1)
		GRID_AT(1, pn->line, "duplicate grid point '%s', first at line %u",
			grid_q(&q, pt->name), points->items[d]->line);
	if (pt->coordinator == NULL)
		GRID_AT(1, pn->line, "grid point has no coordinator");
	else if (!grid_is_coordinator(coords, pt->coordinator))
		GRID_AT(0, pn->line, "coordinator '%s' is not among the "
			"community's coordinators",
			grid_q(&q, pt->coordinator));
	k = *patno;
	while (*patno < g->npats &&
	       g->pats[*patno].point == (uint32_t)(pt - g->points))
		(*patno)++;
	if (k == *patno)
		GRID_AT(1, pn->line, "grid point has no patterns");
	for (; k < *patno; k++) {
		pat = &g->pats[k];
		buf_reset(&q);
		grid_add_pattern_text(&q, pat->node->str);
		if (pat->rx == NULL)
			GRID_AT(1, pat->node->line, "bad pattern '%s': %s", q.p,
				pat->err);
		else if (pat->nlit == 0)
			GRID_AT(0, pat->node->line, "pattern '%s' has no "
				"required literal, so it is tried on every "
				"address", q.p);
	}
#undef GRID_AT
	buf_release(&q);
}

static void
grid_lint_community(struct grid_lint *l, const char *county,
		    const struct cfg_node *mn, size_t *pointno, size_t *patno)
{
	const struct grid *g = l->g;
	const char *community = cfg_get(mn, "name")->str, *gridname;
	const struct cfg_node *staff = cfg_get(mn, "staff"), *coords = NULL,
		*grids = cfg_get(mn, "grids"), *gn, *points;
	struct buf q = BUF_INIT;
	size_t i, j, d, have, ncoord = 0;

	if (staff && staff->type != CFG_MAP)
		staff = NULL;
	if (staff) {
		coords = cfg_get(staff, "coordinators");
		if (coords && coords->type != CFG_LIST)
			coords = NULL;
		ncoord = coords ? coords->len : 0;
	}
	if ((long)grids->len < g->grids_min || (long)grids->len > g->grids_max)
		grid_find(l, 1, mn->line, county, community, NULL, NULL,
			  "community has %zu grid%s, expected %ld to %ld",
			  grids->len, grids->len == 1 ? "" : "s",
			  g->grids_min, g->grids_max);
	if ((long)ncoord < g->coord_min || (long)ncoord > g->coord_max)
		grid_find(l, 1, mn->line, county, community, NULL, NULL,
			  "community has %zu coordinator%s, expected %ld to %ld",
			  ncoord, ncoord == 1 ? "" : "s", g->coord_min,
			  g->coord_max);
	for (i = 0; i < GRID_NROLES; i++) {
		have = staff ? grid_role_count(staff, grid_roles[i]) : 0;
		if ((long)have < g->staff_min[i])
			grid_find(l, 1, mn->line, county, community, NULL, NULL,
				  "staff '%s' is %zu, the minimum is %ld",
				  grid_roles[i], have, g->staff_min[i]);
	}
	for (i = 0; i < grids->len; i++) {
		gn = grids->items[i];
		gridname = cfg_get(gn, "name")->str;
		if ((d = grid_dup_before(grids, i)) != (size_t)-1)
			grid_find(l, 1, gn->line, county, community, gridname,
				  NULL, "duplicate grid '%s', first at line %u",
				  grid_q(&q, gridname), grids->items[d]->line);
		points = cfg_get(gn, "points");
		if (points->len == 0)
			grid_find(l, 1, gn->line, county, community, gridname,
				  NULL, "grid has no points");
		for (j = 0; j < points->len; j++)
			grid_lint_point(l, county, community, gridname, points,
					j, coords, pointno, patno);
	}
	buf_release(&q);
}

size_t
grid_lint(const struct grid *g,
	  void (*fn)(void *ctx, const char *level, const char *where,
		     const char *message),
	  void *ctx)
{
	struct grid_lint l;
	const struct cfg_node *counties = cfg_get(cfg_root(g->cfg), "counties"),
		*cn, *comms, *mn;
	const char *county, *community;
	struct buf q = BUF_INIT;
	size_t i, j, d, pointno = 0, patno = 0;

	memset(&l, 0, sizeof l);
	l.g = g;
	l.fn = fn;
	l.ctx = ctx;
	buf_init(&l.where);
	buf_init(&l.msg);
	for (i = 0; i < counties->len; i++) {
		cn = counties->items[i];
		county = cfg_get(cn, "name")->str;
		if ((d = grid_dup_before(counties, i)) != (size_t)-1)
			grid_find(&l, 1, cn->line, county, NULL, NULL, NULL,
				  "duplicate county '%s', first at line %u",
				  grid_q(&q, county), counties->items[d]->line);
		comms = cfg_get(cn, "communities");
		if (comms->len == 0)
			grid_find(&l, 1, cn->line, county, NULL, NULL, NULL,
				  "county has no communities");
		for (j = 0; j < comms->len; j++) {
			mn = comms->items[j];
			community = cfg_get(mn, "name")->str;
			if ((d = grid_dup_before(comms, j)) != (size_t)-1)
				grid_find(&l, 1, mn->line, county, community,
					  NULL, NULL, "duplicate community "
					  "'%s', first at line %u",
					  grid_q(&q, community),
					  comms->items[d]->line);
			grid_lint_community(&l, county, mn, &pointno, &patno);
		}
	}
	buf_release(&q);
	buf_release(&l.where);
	buf_release(&l.msg);
	return l.errors;
}
