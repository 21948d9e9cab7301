/* grid: reading the grid YAML into a struct grid, each pattern compiled
 * and analysed once.  See grid.h; the index and matching are in grid.c,
 * the lint in grid_lint.c. */
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

const char *const grid_roles[GRID_NROLES + 1] = {
	"community_officer", "auxiliary", "security_officer", "patrol", NULL
};

/* Loading.  Every check adds its error to the cfg's list and goes on
 * (see cfg.h), so that one run names every mistake; grid_from_cfg() calls
 * cfg_done() when the whole tree has been read. */

/* Item n of the list under key, which must be a map: n, or NULL (and an
 * error) when it is not one. */
static const struct cfg_node *
grid_map_item(struct cfg *c, const struct cfg_node *n, const char *key,
	      const char *what)
{
	if (n->type == CFG_MAP)
		return n;
	cfg_error(c, n, key, "expected %s", what);
	return NULL;
}

static const char *
grid_name(struct cfg *c, const struct cfg_node *map)
{
	const struct cfg_node *n = cfg_need(c, map, "name", CFG_SCALAR,
					    "a name");
	const char *s = cfg_str(c, n, "name");

	if (*s == '\0')
		cfg_error(c, n, "name", "expected a name, not empty text");
	return s;
}

/* An optional list: NULL when absent or empty ("key:" alone). */
static const struct cfg_node *
grid_opt_list(struct cfg *c, const struct cfg_node *map,
	      const char *key, const char *what)
{
	const struct cfg_node *n = cfg_get(map, key);

	if (n == NULL || n->type == CFG_NULL)
		return NULL;
	return cfg_opt(c, map, key, CFG_LIST, what);
}

static void
grid_bounds(struct cfg *c, const struct cfg_node *rules,
	    const char *key, long *min, long *max)
{
	const struct cfg_node *n = cfg_opt(c, rules, key, CFG_LIST,
					   "a list [min, max]");
	size_t nerr = cfg_nerrors(c);
	long lo, hi;

	if (n == NULL)
		return;
	if (n->len != 2) {
		cfg_error(c, n, key, "expected a list [min, max]");
		return;
	}
	lo = cfg_long(c, n->items[0], key, 0, GRID_MAX_COUNT);
	hi = cfg_long(c, n->items[1], key, 0, GRID_MAX_COUNT);
	/* (Compared only when both are numbers: a stand-in says nothing.) */
	if (lo > hi && cfg_nerrors(c) == nerr)
		cfg_error(c, n, key, "expected [min, max] with min <= max");
	*min = lo;
	*max = hi;
}

static void
grid_load_rules(struct grid *g, const struct cfg_node *root)
{
	static const char *const keys[] = {
		"grids_per_community", "coordinators_per_community",
		"staff_minimum", NULL
	};
	struct cfg *c = g->cfg;
	const struct cfg_node *rules, *sm, *n;
	size_t i;

	g->grids_min = 5;
	g->grids_max = 8;
	g->coord_min = 3;
	g->coord_max = 4;
	g->staff_min[0] = 1;
	g->staff_min[1] = 2;
	g->staff_min[2] = 1;
	g->staff_min[3] = 12;
	if ((rules = cfg_opt(c, root, "rules", CFG_MAP, "a map of rules")) ==
	    NULL)
		return;
	cfg_known_keys(c, rules, keys);
	grid_bounds(c, rules, "grids_per_community", &g->grids_min,
		    &g->grids_max);
	grid_bounds(c, rules, "coordinators_per_community", &g->coord_min,
		    &g->coord_max);
	sm = cfg_opt(c, rules, "staff_minimum", CFG_MAP,
		     "a map of staff numbers");
	if (sm == NULL)
		return;
	cfg_known_keys(c, sm, grid_roles);
	for (i = 0; i < GRID_NROLES; i++)
		if ((n = cfg_get(sm, grid_roles[i])) != NULL)
			g->staff_min[i] = cfg_long(c, n, grid_roles[i], 0,
						   GRID_MAX_COUNT);
}

/* Check the staff of a role: a list of names, or a number (the patrol
 * team's size). */
static void
grid_check_role(struct cfg *c, const struct cfg_node *staff,
		const char *role)
{
	const struct cfg_node *n = cfg_get(staff, role);
	size_t i;

	if (n == NULL || n->type == CFG_NULL)
		return;
	if (n->type == CFG_SCALAR)
		cfg_long(c, n, role, 0, GRID_MAX_COUNT);
	else if (n->type != CFG_LIST)
		cfg_error(c, n, role, "expected a list of names or a number");
	else
		for (i = 0; i < n->len; i++)
			cfg_str(c, n->items[i], role);
}

/* The staff of a role, as checked by grid_check_role(). */
size_t
grid_role_count(const struct cfg_node *staff, const char *role)
{
	const struct cfg_node *n = cfg_get(staff, role);

	if (n == NULL || n->type == CFG_NULL)
		return 0;
	if (n->type == CFG_SCALAR)
		return (size_t)strtol(n->str, NULL, 10);
	return n->len;
}

static void
grid_load_staff(struct cfg *c, const struct cfg_node *comm)
{
	static const char *const keys[] = {
		"community_officer", "auxiliary", "security_officer", "patrol",
		"coordinators", NULL
	};
	const struct cfg_node *staff, *co;
	size_t i;

	staff = cfg_get(comm, "staff");
	if (staff == NULL || staff->type == CFG_NULL)
		return;
	staff = cfg_opt(c, comm, "staff", CFG_MAP, "a map of staff");
	cfg_known_keys(c, staff, keys);
	for (i = 0; i < GRID_NROLES; i++)
		grid_check_role(c, staff, grid_roles[i]);
	if ((co = grid_opt_list(c, staff, "coordinators", "a list of names")))
		for (i = 0; i < co->len; i++)
			cfg_str(c, co->items[i], "coordinators");
}

/* The id of literal l[0..n) (NUL-terminated), added when new. */
static unsigned
grid_lit(struct grid *g, const char *l, size_t n)
{
	unsigned id = ac_add(g->ac, l, n);

	if (id == g->nlits) {
		g->litlen = xreallocarray(g->litlen, g->nlits + 1,
					  sizeof *g->litlen);
		g->littext = xreallocarray(g->littext, g->nlits + 1,
					   sizeof *g->littext);
		g->littext[g->nlits] = xstrdup(l);
		g->litlen[g->nlits++] = n;
	}
	return id;
}

/* Make a plan (rxplan.h) for pattern p, text pat, when it has one of the
 * forms: its L0 must be the literal it starts with, and the longest of its
 * literals that L starts with bounds where L can be.  l0 is scratch. */
static void
grid_plan(struct grid *g, struct grid_pat *p, const char *pat, struct buf *l0)
{
	const char *rest, *l;
	struct rxplan pl;
	uint32_t id;
	size_t j;

	if ((rest = rxplan_split(pat, l0)) == NULL)
		return;
	if (rest != pat &&
	    (p->lead == GRID_NONE_ID || g->litlen[p->lead] != l0->len ||
	     memcmp(g->littext[p->lead], l0->p, l0->len) != 0))
		return;
	if (!rxplan_build(g->plan_set, rest, &pl))
		return;
	pl.lit0 = rest == pat ? RXPLAN_NONE : p->lead;
	l = rxplan_l(g->plan_set, &pl);
	for (j = 0; j < p->nlit; j++) {
		id = g->patlits[p->lit0 + j];
		if (g->litlen[id] <= pl.llen &&
		    memcmp(g->littext[id], l, g->litlen[id]) == 0 &&
		    (pl.lit1 == RXPLAN_NONE ||
		     g->litlen[id] > g->litlen[pl.lit1]))
			pl.lit1 = id;
	}
	if (g->nplans == g->capplans) {
		g->capplans = g->capplans ? g->capplans * 2 : 64;
		g->plans = xreallocarray(g->plans, g->capplans,
					 sizeof *g->plans);
	}
	g->plans[g->nplans] = pl;
	p->plan = (uint32_t)g->nplans++;
}

static void
grid_add_pattern(struct grid *g, const struct cfg_node *n, uint32_t point,
		 int lenient, struct buf *lits)
{
	struct cfg *c = g->cfg;
	const char *s, *l, *follow[64];
	struct grid_pat *p;
	char *err = NULL;
	size_t nl, i, j;
	unsigned id;
	int lead;

	if (n->type != CFG_SCALAR) {
		cfg_str(c, n, "patterns");	/* the error */
		return;
	}
	s = cfg_str(c, n, "patterns");

	if (g->npats == g->cappats) {
		g->cappats = g->cappats ? g->cappats * 2 : 64;
		g->pats = xreallocarray(g->pats, g->cappats, sizeof *g->pats);
	}
	p = &g->pats[g->npats++];
	memset(p, 0, sizeof *p);
	p->node = n;
	p->point = point;
	p->key = p->lead = p->plan = GRID_NONE_ID;
	p->lit0 = (uint32_t)g->npatlits;
	if (*s == '\0')
		err = xstrdup("empty pattern");
	else
		p->rx = rx_compile(s, 0, &err);
	if (p->rx == NULL) {
		/* Kept, never matching: check reports it among its findings,
		 * assign among the errors of the file. */
		if (!lenient)
			cfg_error(c, n, "patterns", "bad pattern: %s", err);
		p->err = err;
		return;
	}
	buf_reset(lits);
	nl = rxlit_extract(s, lits, follow, JW_ARRAY_LEN(follow), &lead);
	for (i = 0, l = lits->p; i < nl; i++, l += strlen(l) + 1) {
		id = grid_lit(g, l, strlen(l));
		if (i == 0 && lead)
			p->lead = id;
		for (j = p->lit0; j < g->npatlits; j++)
			if (g->patlits[j] == id)
				break;
		if (j < g->npatlits) {
			/* the same run twice: either may be the one seen */
			g->patfollow[j] = NULL;
			continue;
		}
		if (g->npatlits == g->cappatlits) {
			g->cappatlits = g->cappatlits ? g->cappatlits * 2 : 256;
			g->patlits = xreallocarray(g->patlits, g->cappatlits,
						   sizeof *g->patlits);
			g->patfollow = xreallocarray(g->patfollow,
						     g->cappatlits,
						     sizeof *g->patfollow);
		}
		g->patfollow[g->npatlits] = i < JW_ARRAY_LEN(follow) ?
		    follow[i] : NULL;
		g->patlits[g->npatlits++] = id;
		p->nlit++;
	}
	grid_plan(g, p, s, lits);
}

static void
grid_load_point(struct grid *g, const struct cfg_node *pn, const char *county,
		const char *community, const char *gridname, int lenient,
		struct buf *lits)
{
	static const char *const keys[] = {
		"name", "coordinator", "patterns", NULL
	};
	struct cfg *c = g->cfg;
	const struct cfg_node *n, *pats;
	struct grid_point *pt;
	size_t i;

	if (grid_map_item(c, pn, "points",
			  "a map with 'name' and 'patterns'") == NULL)
		return;
	cfg_known_keys(c, pn, keys);
	if (g->npoints == g->cappoints) {
		g->cappoints = g->cappoints ? g->cappoints * 2 : 64;
		g->points = xreallocarray(g->points, g->cappoints,
					  sizeof *g->points);
	}
	if (g->npoints >= GRID_NONE_ID - 1)
		cfg_fail(c, pn, "too many grid points");
	pt = &g->points[g->npoints];
	pt->county = county;
	pt->community = community;
	pt->grid = gridname;
	pt->name = grid_name(c, pn);
	pt->coordinator = NULL;
	pt->line = pn->line;
	pt->community_no = (unsigned)g->ncommunities - 1;
	n = cfg_get(pn, "coordinator");
	if (n != NULL && n->type != CFG_NULL) {
		pt->coordinator = cfg_str(c, n, "coordinator");
		if (*pt->coordinator == '\0')
			pt->coordinator = NULL;
	}
	pt->county_len = strlen(county);
	pt->community_len = strlen(community);
	pt->grid_len = strlen(gridname);
	pt->name_len = strlen(pt->name);
	pt->coordinator_len = pt->coordinator ? strlen(pt->coordinator) : 0;
	g->npoints++;
	if ((pats = grid_opt_list(c, pn, "patterns", "a list of patterns")))
		for (i = 0; i < pats->len; i++)
			grid_add_pattern(g, pats->items[i],
					 (uint32_t)g->npoints - 1, lenient,
					 lits);
}

static void
grid_load_tree(struct grid *g, int lenient)
{
	static const char *const root_keys[] = {
		"city", "rules", "counties", NULL
	};
	static const char *const county_keys[] = {
		"name", "code", "communities", NULL
	};
	static const char *const comm_keys[] = {
		"name", "code", "staff", "grids", NULL
	};
	static const char *const grid_keys[] = { "name", "points", NULL };
	struct cfg *c = g->cfg;
	const struct cfg_node *root = cfg_root(c), *counties, *cn, *comms, *mn,
		*grids, *gn, *points, *code;
	const char *county, *community, *gridname;
	struct buf lits = BUF_INIT;
	size_t i, j, k, l;

	if (root->type != CFG_MAP && root->type != CFG_NULL) {
		cfg_error(c, root, NULL, "expected a map with key 'counties'");
		return;
	}
	cfg_known_keys(c, root, root_keys);
	cfg_opt(c, root, "city", CFG_SCALAR, "a city name");
	grid_load_rules(g, root);
	counties = cfg_need(c, root, "counties", CFG_LIST, "a list of counties");
	for (i = 0; i < counties->len; i++) {
		cn = grid_map_item(c, counties->items[i], "counties",
				   "a map with 'name' and 'communities'");
		if (cn == NULL)
			continue;
		cfg_known_keys(c, cn, county_keys);
		county = grid_name(c, cn);
		if ((code = cfg_get(cn, "code")) != NULL)
			cfg_str(c, code, "code");
		comms = cfg_need(c, cn, "communities", CFG_LIST,
				 "a list of communities");
		for (j = 0; j < comms->len; j++) {
			mn = grid_map_item(c, comms->items[j], "communities",
					   "a map with 'name' and 'grids'");
			if (mn == NULL)
				continue;
			cfg_known_keys(c, mn, comm_keys);
			community = grid_name(c, mn);
			if ((code = cfg_get(mn, "code")) != NULL)
				cfg_str(c, code, "code");
			grid_load_staff(c, mn);
			g->ncommunities++;
			grids = cfg_need(c, mn, "grids", CFG_LIST,
					 "a list of grids");
			for (k = 0; k < grids->len; k++) {
				gn = grid_map_item(c, grids->items[k], "grids",
						   "a map with 'name' and 'points'");
				if (gn == NULL)
					continue;
				cfg_known_keys(c, gn, grid_keys);
				gridname = grid_name(c, gn);
				points = cfg_need(c, gn, "points", CFG_LIST,
						  "a list of grid points");
				for (l = 0; l < points->len; l++)
					grid_load_point(g, points->items[l],
							county, community,
							gridname, lenient,
							&lits);
			}
		}
	}
	buf_release(&lits);
}

static struct grid *
grid_from_cfg(struct cfg *c, int lenient)
{
	struct grid *g;
	size_t i;

	g = xcalloc(1, sizeof *g);
	g->cfg = c;
	g->ac = ac_new();
	g->plan_set = rxplan_set_new();
	/* Literal ids 0 .. RXPLAN_NNL - 1: characters "." does not match. */
	for (i = 0; i < RXPLAN_NNL; i++)
		grid_lit(g, rxplan_newline[i], strlen(rxplan_newline[i]));
	buf_init(&g->why);
	grid_load_tree(g, lenient);
	/* check keeps bad patterns for its findings; but when the file has
	 * other errors, it stops here, so they are among those. */
	if (lenient && cfg_nerrors(c) > 0)
		for (i = 0; i < g->npats; i++)
			if (g->pats[i].err != NULL)
				cfg_error(c, g->pats[i].node, "patterns",
					  "bad pattern: %s", g->pats[i].err);
	cfg_done(c);		/* every error of the file, then exit 3 */
	grid_index(g);
	grid_pack_names(g);
	return g;
}

struct grid *
grid_load(const char *path, int lenient)
{
	return grid_from_cfg(cfg_load(path), lenient);
}

struct grid *
grid_load_mem(const char *name, const char *p, size_t n, int lenient)
{
	return grid_from_cfg(cfg_load_mem(name, p, n), lenient);
}

