/* grid: the population grid and the address matcher.  See grid.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rx/ac.h"
#include "base/buf.h"
#include "base/cfg.h"
#include "base/diag.h"
#include "domain/grid.h"
#include "rx/rx.h"
#include "base/util.h"

#define GRID_NONE_ID UINT32_MAX
#define GRID_MAX_COUNT 1000000L
/* Bytes after a key literal checked before a pattern is run. */
#define GRID_FOLLOW 4
/* Subjects longer than this are left to PCRE2 (see "Plans"). */
#define GRID_PLAN_MAXLEN 256
/* The newline characters of every PCRE2 newline convention ("." does not
 * match them): LF, VT, FF, CR, NEL, LS, PS. */
static const char *const grid_nl[] = {
	"\n", "\v", "\f", "\r", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"
};
#define GRID_NNL 7

/* The staff roles of the "4+X" model, in the order of rules.staff_minimum. */
static const char *const grid_roles[] = {
	"community_officer", "auxiliary", "security_officer", "patrol", NULL
};
#define GRID_NROLES 4

struct grid_pat {
	struct rx *rx;			/* NULL when it did not compile */
	char *err;			/* why not (lenient load) */
	const struct cfg_node *node;
	uint32_t point;
	uint32_t key;			/* literal that selects it, or NONE */
	uint32_t lead;			/* literal every match starts with */
	uint32_t lit0, nlit;		/* its literals: g->patlits[lit0..] */
	uint32_t plan;			/* g->plans index, or NONE: PCRE2 */
};

/* A pattern matched without PCRE2 (see "Plans" below): [L0 ".*"] L
 * then one of the paths. */
struct grid_plan {
	uint32_t lit0;			/* literal id of L0, or NONE */
	uint32_t lit1;			/* a literal L starts with, or NONE */
	uint32_t loff;			/* L, the bytes every path starts
					 * with: g->lpool + loff */
	uint16_t llen;
	uint16_t npaths;
	/* the rest: g->paths[path0..] while loading, then (the copies in
	 * the posting lists) the index in g->slots, see grid_relayout() */
	uint32_t path0;
};

/* A path after L: slots g->slots[slot0..slot0 + len). */
struct grid_ppath {
	uint32_t slot0, len;
};

/* A pattern as its key literal's posting list holds it: what the filter
 * needs without touching struct grid_pat, its plan included.  The plans'
 * L and paths are laid out in the order of the posting lists, so that the
 * candidates of one literal read memory in sequence. */
struct grid_cand {
	uint32_t pat;
	uint32_t point;			/* as in struct grid_pat */
	struct grid_plan pl;		/* a copy of its plan; npaths is 0
					 * when it has none */
};

/* What a candidate run through PCRE2 needs besides (g->postx, parallel
 * to g->post). */
struct grid_candx {
	uint32_t lit0, nlit;		/* its literals: g->patlits[lit0..] */
	uint16_t fset[GRID_FOLLOW];	/* after the key: set ids, 0 = any */
};

/* Per literal, what the last scan found: matching reads one line. */
struct grid_lst {
	size_t end;			/* end of the first occurrence */
	size_t last;			/* end of the last occurrence */
	uint32_t stamp;			/* g->stamp when found */
	uint32_t len;			/* bytes */
};

struct grid {
	struct cfg *cfg;
	long grids_min, grids_max, coord_min, coord_max;
	long staff_min[GRID_NROLES];
	struct grid_point *points;
	size_t npoints, cappoints, ncommunities;
	char *names;		/* the points' names, packed (grid_pack_names) */
	struct grid_pat *pats;
	size_t npats, cappats;
	uint32_t *patlits;		/* literal ids of all patterns */
	const char **patfollow;		/* parallel: where the rest starts */
	size_t npatlits, cappatlits;
	size_t *litlen;			/* per literal id: bytes */
	char **littext;			/* per literal id: the bytes */
	size_t nlits;
	uint64_t (*fsets)[4];		/* byte sets after key literals */
	size_t nfsets;
	struct ac *ac;
	uint32_t *post_start;		/* per key literal: its patterns */
	struct grid_cand *post;
	struct grid_candx *postx;
	char *lpool;			/* the L of the plans */
	size_t nlpool, caplpool;
	uint32_t *always;		/* patterns without a literal */
	size_t nalways;
	struct grid_plan *plans;
	size_t nplans, capplans;
	struct grid_ppath *paths;
	size_t npaths, cappaths;
	uint16_t *slots;
	size_t nslots, capslots;
	uint64_t (*psets)[4];		/* byte sets of slots */
	size_t npsets;
	/* scratch for matching */
	unsigned *found;
	size_t *ends;			/* end of each found literal */
	uint32_t *ptstamp, *pthit, stamp;
	struct grid_lst *lst;		/* per literal */
	size_t *lasts;			/* end of the last occurrence */
	struct grid_hit *hits;
	size_t nhits;
	struct buf why;
	struct grid_pbuild *pb;		/* grid_plan()'s scratch, while loading */
};

static size_t grid_extract(const char *pat, struct buf *out,
			   const char **follow, size_t cap, int *lead);
struct grid_fwalk {
	uint64_t set[GRID_FOLLOW][4];
	int budget;
};
static void grid_fany(struct grid_fwalk *f, size_t d);
static void grid_plan(struct grid *g, struct grid_pat *p, const char *pat);
static int grid_plan_run(const struct grid *g, const struct grid_plan *pl,
			 const char *s, size_t n, size_t *so, size_t *eo);
static int grid_has_newline(const struct grid *g);
static void grid_fwalk(struct grid_fwalk *f, const char *p, size_t d,
		       const char *after);

/* Loading. */

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
static size_t
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
	nl = grid_extract(s, lits, follow, JW_ARRAY_LEN(follow), &lead);
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
	grid_plan(g, p, s);
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

/* The byte sets after the key literal of pattern p (see grid_fwalk). */
static void
grid_follow(struct grid *g, const char *follow, uint16_t *fset)
{
	struct grid_fwalk f;
	size_t d;

	memset(&f, 0, sizeof f);
	f.budget = 256;
	if (follow == NULL)
		grid_fany(&f, 0);
	else
		grid_fwalk(&f, follow, 0, NULL);
	if (f.budget < 0)
		grid_fany(&f, 0);	/* too many paths: say nothing */
	for (d = 0; d < GRID_FOLLOW; d++)
		fset[d] = grid_fset_id(g, f.set[d]);
}

/* Lay out the L and the paths of the plans in the posting lists in their
 * order, each path as its length and then its slots, all in g->slots; the
 * path0 of a plan becomes the index of its first path there.  From then on
 * the plans are used through the copies in the posting lists only. */
static void
grid_relayout(struct grid *g, size_t nkeyed)
{
	const struct grid_ppath *pa;
	char *lpool = xmalloc(g->nlpool + 1);
	uint16_t *slots;
	size_t j, k, ns = 0, nl = 0;

	slots = xcalloc(g->nslots + g->npaths + 1, sizeof *slots);
	for (j = 0; j < nkeyed; j++) {
		struct grid_plan *pl = &g->post[j].pl;

		if (pl->npaths == 0)
			continue;
		memcpy(lpool + nl, g->lpool + pl->loff, pl->llen);
		pl->loff = (uint32_t)nl;
		nl += pl->llen;
		pa = &g->paths[pl->path0];
		pl->path0 = (uint32_t)ns;
		for (k = 0; k < pl->npaths; k++, pa++) {
			slots[ns++] = (uint16_t)pa->len;
			if (pa->len)
				memcpy(&slots[ns], &g->slots[pa->slot0],
				       pa->len * sizeof *slots);
			ns += pa->len;
		}
	}
	free(g->lpool);
	g->lpool = lpool;
	g->caplpool = g->nlpool + 1;
	free(g->paths);
	free(g->slots);
	g->paths = NULL;
	g->npaths = g->cappaths = 0;
	g->slots = slots;
	g->nslots = g->capslots = ns;
}

/* Choose each pattern's key literal (the one the fewest patterns need,
 * then the longest) and build the posting lists and the scratch. */
static void
grid_index(struct grid *g)
{
	static const uint64_t any[4] = {
		UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX
	};
	uint32_t *freq, *fill;
	size_t i, j, nkeyed = 0;

	ac_build(g->ac);
	grid_fset_id(g, any);
	freq = xcalloc(g->nlits + 1, sizeof *freq);
	for (i = 0; i < g->npatlits; i++)
		freq[g->patlits[i]]++;
	g->always = xcalloc(g->npats + 1, sizeof *g->always);
	for (i = 0; i < g->npats; i++) {
		struct grid_pat *p = &g->pats[i];
		uint32_t best = GRID_NONE_ID, id;

		if (p->rx == NULL)
			continue;
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
	free(freq);
	grid_relayout(g, nkeyed);
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
static void
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

static struct grid *
grid_from_cfg(struct cfg *c, int lenient)
{
	struct grid *g;
	size_t i;

	g = xcalloc(1, sizeof *g);
	g->cfg = c;
	g->ac = ac_new();
	/* Literal ids 0 .. GRID_NNL - 1: characters "." does not match. */
	for (i = 0; i < GRID_NNL; i++)
		grid_lit(g, grid_nl[i], strlen(grid_nl[i]));
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
	free(g->pb);
	g->pb = NULL;
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
	free(g->lpool);
	free(g->always);
	free(g->plans);
	free(g->paths);
	free(g->slots);
	free(g->psets);
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
static void
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
		for (d = 0; d < GRID_FOLLOW && e + d < n; d++) {
			c = (unsigned char)s[e + d];
			if (!(g->fsets[cd->fset[d]][c >> 6] >>
			      (c & 63) & 1))
				break;
		}
		if (d == GRID_FOLLOW || e + d == n)
			return 1;
		at++;
	}
	return 0;
}

/* Collect the hits of s into g->hits, unordered.  -1 on a match error. */
static int
grid_collect(struct grid *g, const char *s, size_t n)
{
	size_t nf, i, j, k, so, eo;
	uint32_t id;
	int plans = -1;		/* may plans be used on s? -1: not known */

	g->nhits = 0;
	if (++g->stamp == 0) {
		for (i = 0; i < g->nlits; i++)
			g->lst[i].stamp = 0;
		memset(g->ptstamp, 0, g->npoints * sizeof *g->ptstamp);
		g->stamp = 1;
	}
	nf = ac_find_last(g->ac, s, n, g->found, g->ends, g->lasts);
	for (i = 0; i < nf; i++) {
		struct grid_lst *ls = &g->lst[g->found[i]];

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
				plans = n <= GRID_PLAN_MAXLEN &&
				    !grid_has_newline(g);
			if (cd->pl.npaths && plans) {
				/* The plan matches exactly as the pattern
				 * does, so it needs only the literals whose
				 * places it reads: L0's and L's. */
				if ((cd->pl.lit0 != GRID_NONE_ID &&
				     g->lst[cd->pl.lit0].stamp != g->stamp) ||
				    (cd->pl.lit1 != GRID_NONE_ID &&
				     g->lst[cd->pl.lit1].stamp != g->stamp))
					continue;
				if (grid_plan_run(g, &cd->pl, s, n, &so, &eo))
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

/* Literal extraction.  Only the top level of the pattern is read: groups,
 * classes and escapes that stand for a set of characters end a run, and
 * anything not fully understood gives up (no literals at all), because a
 * literal that is not really required would make assign miss matches. */

/* A counted quantifier {n}, {n,}, {n,m} at p: its length and minimum.
 * Returns 0 when p is not one (a literal brace), -1 when unsure. */
static int
grid_brace(const char *p, size_t *len, long *min)
{
	const char *q = p + 1;
	long v = 0;
	int digits = 0;

	while (*q >= '0' && *q <= '9') {
		if (v < 100000)
			v = v * 10 + (*q - '0');
		q++;
		digits++;
	}
	if (digits && *q == ',')
		for (q++; *q >= '0' && *q <= '9'; q++)
			;
	if (digits && *q == '}') {
		*len = (size_t)(q + 1 - p);
		*min = v;
		return 1;
	}
	/* Newer PCRE2 also reads {,m} and spaces inside: do not guess. */
	for (q = p + 1; *q && *q != '}'; q++)
		if (!(*q == ',' || *q == ' ' || (*q >= '0' && *q <= '9')))
			return 0;
	return *q == '}' ? -1 : 0;
}

/* The quantifier at p: its length (0 when none) and minimum; -1 if
 * unsure. */
static int
grid_quant(const char *p, size_t *len, long *min)
{
	size_t n;
	int r;

	*len = 0;
	*min = 1;
	switch (*p) {
	case '?':
	case '*':
		n = 1;
		*min = 0;
		break;
	case '+':
		n = 1;
		break;
	case '{':
		if ((r = grid_brace(p, &n, min)) <= 0)
			return r;
		break;
	default:
		return 0;
	}
	if (p[n] == '?' || p[n] == '+')	/* lazy, possessive */
		n++;
	*len = n;
	return 0;
}

/* Skip an escape at p ('\\'); returns the byte after it, or NULL for
 * one we do not follow (\Q...\E quoting, a pattern's last byte). */
static const char *
grid_skip_escape(const char *p)
{
	if (p[1] == '\0' || p[1] == 'Q' || p[1] == 'E')
		return NULL;
	return p + 2;
}

/* Skip a character class at p ('['); returns the byte after it or NULL. */
static const char *
grid_skip_class(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (;;) {
		switch (*p) {
		case '\0':
			return NULL;
		case '\\':
			if ((p = grid_skip_escape(p)) == NULL)
				return NULL;
			break;
		case '[':
			if (p[1] == ':' || p[1] == '.' || p[1] == '=') {
				char e = p[1];

				for (p += 2; *p && !(*p == e && p[1] == ']');
				     p++)
					;
				if (*p == '\0')
					return NULL;
				p += 2;
			} else {
				p++;
			}
			break;
		case ']':
			return p + 1;
		default:
			p++;
		}
	}
}

/* Is "(?" at p a kind of group we can skip? */
static int
grid_group_ok(const char *p)
{
	if (p[1] == '*')
		return 0;
	if (p[1] != '?')
		return 1;
	switch (p[2]) {
	case ':': case '=': case '!': case '>': case '|': case '\'':
		return 1;
	case '<':
		return p[3] == '=' || p[3] == '!' || p[3] == '_' ||
		    (p[3] >= 'A' && p[3] <= 'Z') || (p[3] >= 'a' && p[3] <= 'z');
	case 'P':
		return p[3] == '<';
	}
	return 0;
}

/* Skip a group at p ('('); returns the byte after it or NULL. */
static const char *
grid_skip_group(const char *p)
{
	int depth = 0;

	for (;;) {
		switch (*p) {
		case '\0':
			return NULL;
		case '\\':
			if ((p = grid_skip_escape(p)) == NULL)
				return NULL;
			break;
		case '[':
			if ((p = grid_skip_class(p)) == NULL)
				return NULL;
			break;
		case '(':
			if (!grid_group_ok(p))
				return NULL;
			depth++;
			p++;
			break;
		case ')':
			p++;
			if (--depth == 0)
				return p;
			break;
		default:
			p++;
		}
	}
}

static size_t
grid_utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* The literal runs of pat into out (see grid_pattern_literals()); for run
 * i < cap, follow[i] is where in pat the rest of a match after the run is
 * described, or NULL when nothing can be said (a repeated character). */
static size_t
grid_extract(const char *pat, struct buf *out, const char **follow,
	     size_t cap, int *lead)
{
	const size_t start = out->len;
	size_t run = out->len, last = 0, nruns = 0, len, k;
	const char *p = pat, *lastp = pat, *runp = NULL;
	long min;
	int lit;

	if (lead)
		*lead = 0;

/* End the current run, keeping it when not empty. */
#define GRID_END_RUN(f) do {						\
		if (out->len > run) {					\
			if (nruns == 0 && lead)				\
				*lead = runp == pat;			\
			buf_addc(out, '\0');				\
			if (nruns < cap)				\
				follow[nruns] = (f);			\
			nruns++;					\
		}							\
		run = out->len;						\
	} while (0)

	while (*p) {
		lit = 0;
		switch (*p) {
		case '\\':
			if (p[1] == '\0' || (unsigned char)p[1] >= 0x80)
				goto unsure;
			if ((p[1] >= '0' && p[1] <= '9') ||
			    (p[1] >= 'A' && p[1] <= 'Z') ||
			    (p[1] >= 'a' && p[1] <= 'z')) {
				/* single-item escapes and assertions */
				if (strchr("dDwWsShHvVRXbBAzZGKntrfae", p[1]) ==
				    NULL)
					goto unsure;
				GRID_END_RUN(p);
				p += 2;
			} else {
				if (out->len == run)
					runp = p;
				last = out->len;
				lastp = p;
				buf_addc(out, p[1]);
				p += 2;
				lit = 1;
			}
			break;
		case '[':
			GRID_END_RUN(p);
			if ((p = grid_skip_class(p)) == NULL)
				goto unsure;
			break;
		case '(':
			GRID_END_RUN(p);
			if (!grid_group_ok(p) || (p = grid_skip_group(p)) == NULL)
				goto unsure;
			break;
		case '.':
		case '^':
		case '$':
			GRID_END_RUN(p);
			p++;
			break;
		case ')':
		case '|':
		case '*':
		case '+':
		case '?':
			goto unsure;
		case '{':
			if (grid_brace(p, &len, &min) != 0)
				goto unsure;
			/* not a quantifier: a literal brace */
			/* FALLTHROUGH */
		default:
			if (out->len == run)
				runp = p;
			last = out->len;
			lastp = p;
			len = grid_utf8_len((unsigned char)*p);
			for (k = 0; k < len; k++)
				if (p[k] == '\0')
					goto unsure;
			buf_add(out, p, len);
			p += len;
			lit = 1;
		}
		if (grid_quant(p, &len, &min) < 0)
			goto unsure;
		if (len == 0)
			continue;
		if (lit && min == 0) {
			out->len = last;	/* the character may be absent */
			GRID_END_RUN(lastp);
		} else {
			GRID_END_RUN(NULL);
		}
		p += len;
	}
	GRID_END_RUN(p);
	out->p[out->len] = '\0';
	return nruns;
unsure:
	if (lead)
		*lead = 0;
	out->len = start;
	out->p[out->len] = '\0';
	return 0;
#undef GRID_END_RUN
}

size_t
grid_pattern_literals(const char *pat, struct buf *out)
{
	return grid_extract(pat, out, NULL, 0, NULL);
}

/* What may follow a literal run: for each of the next GRID_FOLLOW bytes of
 * the subject, the set of byte values a match can have there.  Computed by
 * walking the pattern from the run's follow position, over literal
 * characters, ASCII classes, \d, optional atoms and one level of groups
 * with alternatives; anything else allows every byte from there on (always
 * safe: the sets only ever over-approximate). */
static void
grid_fany(struct grid_fwalk *f, size_t d)
{
	for (; d < GRID_FOLLOW; d++)
		memset(f->set[d], 0xff, sizeof f->set[d]);
}

static void
grid_fadd(struct grid_fwalk *f, size_t d, const uint64_t *set)
{
	size_t i;

	if (d < GRID_FOLLOW)
		for (i = 0; i < 4; i++)
			f->set[d][i] |= set[i];
}

static void
grid_fbyte(uint64_t *set, unsigned char c)
{
	set[c >> 6] |= (uint64_t)1 << (c & 63);
}

/* The ASCII class at p into set; returns the byte after it, or NULL when
 * the class is negated, has non-ASCII members or escapes other than \d
 * and escaped punctuation. */
static const char *
grid_fclass(const char *p, uint64_t *set)
{
	unsigned char lo, hi;
	unsigned c;

	p++;
	if (*p == '^' || *p == ']')
		return NULL;
	while (*p != ']') {
		if (*p == '\0' || (unsigned char)*p >= 0x80 || *p == '[')
			return NULL;
		if (*p == '\\') {
			if (p[1] == 'd') {
				for (c = '0'; c <= '9'; c++)
					grid_fbyte(set, (unsigned char)c);
				p += 2;
				continue;
			}
			if (!(p[1] > ' ' && p[1] < 0x7f) ||
			    (p[1] >= '0' && p[1] <= '9') ||
			    (p[1] >= 'A' && p[1] <= 'Z') ||
			    (p[1] >= 'a' && p[1] <= 'z'))
				return NULL;
			p++;
		}
		lo = hi = (unsigned char)*p++;
		if (*p == '-' && p[1] != ']') {
			if (p[1] == '\\' || p[1] == '[' ||
			    (unsigned char)p[1] >= 0x80)
				return NULL;
			hi = (unsigned char)p[1];
			p += 2;
		}
		for (c = lo; c <= hi; c++)
			grid_fbyte(set, (unsigned char)c);
	}
	return p + 1;
}

static void
grid_fwalk(struct grid_fwalk *f, const char *p, size_t d, const char *after)
{
	uint64_t set[GRID_FOLLOW][4];
	size_t len, n, i, depth;
	const char *q, *a;
	long min;

	for (;;) {
		if (--f->budget < 0 || d >= GRID_FOLLOW)
			return;
		if (*p == '\0') {
			grid_fany(f, d);	/* the match may end here */
			return;
		}
		if (after && (*p == '|' || *p == ')')) {
			p = after;		/* end of an alternative */
			after = NULL;
			continue;
		}
		if (*p == '(') {
			if (after || (p[1] == '?' && p[2] != ':') ||
			    (q = grid_skip_group(p)) == NULL ||
			    grid_quant(q, &len, &min) < 0 || len) {
				grid_fany(f, d);
				return;
			}
			/* each alternative, then what follows the group */
			a = p + (p[1] == '?' ? 3 : 1);
			grid_fwalk(f, a, d, q);
			for (depth = 0; a < q - 1; a++) {
				if (*a == '\\')
					a++;
				else if (*a == '[')
					a = grid_skip_class(a) - 1;
				else if (*a == '(')
					depth++;
				else if (*a == ')')
					depth--;
				else if (*a == '|' && depth == 0)
					grid_fwalk(f, a + 1, d, q);
			}
			return;
		}
		/* One atom: its bytes into set[0..n). */
		memset(set, 0, sizeof set);
		if (*p == '[') {
			if ((q = grid_fclass(p, set[0])) == NULL) {
				grid_fany(f, d);
				return;
			}
			n = 1;
		} else if (*p == '\\' && p[1] == 'd') {
			for (i = '0'; i <= '9'; i++)
				grid_fbyte(set[0], (unsigned char)i);
			q = p + 2;
			n = 1;
		} else if (*p == '\\' && p[1] > ' ' && p[1] < 0x7f &&
			   !((p[1] >= '0' && p[1] <= '9') ||
			     (p[1] >= 'A' && p[1] <= 'Z') ||
			     (p[1] >= 'a' && p[1] <= 'z'))) {
			grid_fbyte(set[0], (unsigned char)p[1]);
			q = p + 2;
			n = 1;
		} else if (strchr("\\.^$*+?|)", *p) ||
			   (*p == '{' && grid_brace(p, &len, &min) != 0)) {
			grid_fany(f, d);
			return;
		} else {
			n = grid_utf8_len((unsigned char)*p);
			for (i = 0; i < n; i++)
				if (i < GRID_FOLLOW)
					grid_fbyte(set[i], (unsigned char)p[i]);
			q = p + n;
		}
		if (grid_quant(q, &len, &min) < 0) {
			grid_fany(f, d);
			return;
		}
		if (len && min == 0)		/* the atom may be absent */
			grid_fwalk(f, q + len, d, after);
		for (i = 0; i < n && d + i < GRID_FOLLOW; i++)
			grid_fadd(f, d + i, set[i]);
		if (len) {			/* repeated: give up after it */
			grid_fany(f, d + n);
			return;
		}
		d += n;
		p = q;
	}
}

/* Plans: patterns matched without PCRE2.
 *
 * Most grid patterns read "L0.*REST": plain literal text L0, then ".*",
 * then a finite REST (literal characters, ASCII classes, \d, escaped
 * punctuation, groups with alternatives, and the quantifiers ?, {n} and
 * {n,m}, greedy or lazy), or a finite REST alone.  Such a pattern is
 * matched here, with the match PCRE2 would report:
 *
 * - REST is expanded into its paths, in the order backtracking tries
 *   them; a path is a fixed sequence of byte slots, each one byte or an
 *   ASCII byte set.  All paths start with the same bytes L, so REST can
 *   only match where L occurs (and there it is on a character boundary).
 * - Without L0 the match is the leftmost occurrence of L where a path
 *   matches, ending where the first such path ends.
 * - With L0 (and no newline in the subject for "." to stop at) the
 *   match starts at the first occurrence of L0, since any later start
 *   leaves REST fewer places, and ".*" gives back characters from the
 *   end: REST matches at the last occurrence of L after L0 where a path
 *   matches.
 *
 * Anything else (anchors, lookaround, unbounded repeats, "." in REST,
 * non-ASCII classes, ...) is left to PCRE2.  So are subjects with a
 * newline character and long ones, where PCRE2 might reach its match
 * limit. */
#define GRID_PLAN_PATHS 64
#define GRID_PLAN_SLOTS 64
#define GRID_PLAN_NODES 256
#define GRID_PLAN_KIDS 1024
#define GRID_PLAN_REPEAT 8
/* A slot below 256 is a byte; GRID_SET + i is the byte set g->psets[i]. */
#define GRID_SET 256

enum grid_ptype { GRID_PATOM, GRID_PSEQ, GRID_PALT };

struct grid_pnode {
	enum grid_ptype type;
	uint16_t slot[4];		/* atom: one character's slots */
	size_t nslot;
	size_t kid0, nkid;		/* seq, alt: kid[kid0..kid0 + nkid) */
};

struct grid_pbuild {
	struct grid *g;
	struct grid_pnode node[GRID_PLAN_NODES];
	size_t nnode;
	uint32_t kid[GRID_PLAN_KIDS];
	size_t nkid;
	uint16_t cur[GRID_PLAN_SLOTS];
	size_t ncur;
	uint16_t path[GRID_PLAN_PATHS][GRID_PLAN_SLOTS];
	size_t len[GRID_PLAN_PATHS], npath;
	int fail, budget;
};

/* The continuation of a walk: what follows in the enclosing sequences. */
struct grid_pk {
	uint32_t seq;
	size_t i;
	const struct grid_pk *up;
};

static uint32_t
grid_pnode(struct grid_pbuild *b, enum grid_ptype type)
{
	if (b->nnode == GRID_PLAN_NODES) {
		b->fail = 1;
		return 0;
	}
	memset(&b->node[b->nnode], 0, sizeof b->node[0]);
	b->node[b->nnode].type = type;
	return (uint32_t)b->nnode++;
}

/* A node with the kids k[0..n). */
static uint32_t
grid_pkids(struct grid_pbuild *b, enum grid_ptype type, const uint32_t *k,
	   size_t n)
{
	uint32_t x = grid_pnode(b, type);

	if (b->fail || b->nkid + n > GRID_PLAN_KIDS) {
		b->fail = 1;
		return 0;
	}
	memcpy(&b->kid[b->nkid], k, n * sizeof *k);
	b->node[x].kid0 = b->nkid;
	b->node[x].nkid = n;
	b->nkid += n;
	return x;
}

/* The slot for byte set w (GRID_SET + index), added when new. */
static uint16_t
grid_pset(struct grid_pbuild *b, const uint64_t *w)
{
	struct grid *g = b->g;
	size_t i;

	for (i = 0; i < g->npsets; i++)
		if (memcmp(g->psets[i], w, sizeof g->psets[i]) == 0)
			return (uint16_t)(GRID_SET + i);
	if (g->npsets == UINT16_MAX - GRID_SET) {
		b->fail = 1;
		return 0;
	}
	g->psets = xreallocarray(g->psets, g->npsets + 1, sizeof *g->psets);
	memcpy(g->psets[g->npsets], w, sizeof g->psets[0]);
	return (uint16_t)(GRID_SET + g->npsets++);
}

static const char *grid_palt(struct grid_pbuild *b, const char *p,
			     uint32_t *out);

/* The quantifier at p: *min, *max and *lazy; returns the byte after it,
 * p itself when there is none, or NULL when not supported. */
static const char *
grid_pquant(const char *p, long *min, long *max, int *lazy)
{
	size_t len;
	const char *q;

	*min = *max = 1;
	*lazy = 0;
	if (*p == '?') {
		*min = 0;
		q = p + 1;
	} else if (*p == '{') {
		switch (grid_brace(p, &len, min)) {
		case 0:
			return p;	/* a literal brace */
		case 1:
			break;
		default:
			return NULL;
		}
		for (q = p + 1; *q >= '0' && *q <= '9'; q++)
			;
		if (*q == ',') {
			if (q[1] < '0' || q[1] > '9')
				return NULL;	/* unbounded */
			*max = strtol(q + 1, NULL, 10);
		} else {
			*max = *min;
		}
		q = p + len;
	} else if (*p == '*' || *p == '+') {
		return NULL;
	} else {
		return p;
	}
	if (*max > GRID_PLAN_REPEAT || *min > *max)
		return NULL;
	if (*q == '?') {
		*lazy = 1;
		q++;
	} else if (*q == '+') {
		return NULL;		/* possessive */
	}
	return q;
}

/* The items of a sequence from p into a SEQ node; returns where it ends
 * ('|', ')' or the end). */
static const char *
grid_pseq(struct grid_pbuild *b, const char *p, uint32_t *out)
{
	uint32_t items[GRID_PLAN_KIDS / 4], rep[GRID_PLAN_REPEAT + 1],
		reps[GRID_PLAN_REPEAT + 1];
	size_t nitems = 0, i, n;
	uint64_t set[4];
	uint32_t x = 0;
	long min, max, k;
	int lazy;

	while (!b->fail && *p && *p != '|' && *p != ')') {
		memset(set, 0, sizeof set);
		if (*p == '(') {
			p = p[1] != '?' ? p + 1 : p[2] == ':' ? p + 3 : NULL;
			if (p == NULL || *(p = grid_palt(b, p, &x)) != ')')
				goto bad;
			p++;
		} else if (*p == '[' || (*p == '\\' && p[1] == 'd')) {
			if (*p == '[') {
				p = grid_fclass(p, set);
			} else {
				set[0] = (uint64_t)0x3ff << '0';
				p += 2;
			}
			if (p == NULL)
				goto bad;
			x = grid_pnode(b, GRID_PATOM);
			b->node[x].slot[0] = grid_pset(b, set);
			b->node[x].nslot = 1;
		} else if (*p == '\\') {
			if (!(p[1] > ' ' && p[1] < 0x7f) ||
			    (p[1] >= '0' && p[1] <= '9') ||
			    (p[1] >= 'A' && p[1] <= 'Z') ||
			    (p[1] >= 'a' && p[1] <= 'z'))
				goto bad;
			x = grid_pnode(b, GRID_PATOM);
			b->node[x].slot[0] = (unsigned char)p[1];
			b->node[x].nslot = 1;
			p += 2;
		} else if (strchr(".^$*+?", *p) ||
			   (*p == '{' && grid_brace(p, &n, &min) != 0)) {
			goto bad;
		} else {
			n = grid_utf8_len((unsigned char)*p);
			x = grid_pnode(b, GRID_PATOM);
			for (i = 0; i < n; i++) {
				if (p[i] == '\0')
					b->fail = 1;
				b->node[x].slot[i] = (unsigned char)p[i];
			}
			b->node[x].nslot = n;
			p += n;
		}
		if (b->fail || (p = grid_pquant(p, &min, &max, &lazy)) == NULL)
			goto bad;
		if (min != 1 || max != 1) {
			/* x{min,max}: the counts in the order tried */
			for (i = 0; i <= GRID_PLAN_REPEAT; i++)
				rep[i] = x;
			for (k = 0; k <= max - min; k++)
				reps[k] = grid_pkids(b, GRID_PSEQ, rep,
						     (size_t)(lazy ? min + k :
							      max - k));
			x = grid_pkids(b, GRID_PALT, reps,
				       (size_t)(max - min + 1));
		}
		if (nitems == JW_ARRAY_LEN(items))
			goto bad;
		items[nitems++] = x;
	}
	*out = grid_pkids(b, GRID_PSEQ, items, nitems);
	return b->fail ? "" : p;
bad:
	b->fail = 1;
	*out = 0;
	return "";
}

/* Alternatives from p into a SEQ node; returns where they end (')' or
 * the end). */
static const char *
grid_palt(struct grid_pbuild *b, const char *p, uint32_t *out)
{
	uint32_t alts[32], x;
	size_t n = 0;

	for (;;) {
		p = grid_pseq(b, p, &alts[n++]);
		if (b->fail || *p != '|')
			break;
		if (n == JW_ARRAY_LEN(alts)) {
			b->fail = 1;
			break;
		}
		p++;
	}
	if (n == 1) {
		*out = alts[0];
		return p;
	}
	x = grid_pkids(b, GRID_PALT, alts, n);
	*out = grid_pkids(b, GRID_PSEQ, &x, 1);
	return p;
}

/* Every path from item i of sequence seq on, then on through up. */
static void
grid_pwalk(struct grid_pbuild *b, uint32_t seq, size_t i,
	   const struct grid_pk *up)
{
	const struct grid_pnode *n = &b->node[seq], *x;
	struct grid_pk k;
	size_t j;

	if (b->fail || --b->budget < 0) {
		b->fail = 1;
		return;
	}
	if (i == n->nkid) {
		if (up) {
			grid_pwalk(b, up->seq, up->i, up->up);
		} else if (b->npath == GRID_PLAN_PATHS) {
			b->fail = 1;
		} else {
			memcpy(b->path[b->npath], b->cur,
			       b->ncur * sizeof b->cur[0]);
			b->len[b->npath++] = b->ncur;
		}
		return;
	}
	x = &b->node[b->kid[n->kid0 + i]];
	k.seq = seq;
	k.i = i + 1;
	k.up = up;
	switch (x->type) {
	case GRID_PATOM:
		if (b->ncur + x->nslot > GRID_PLAN_SLOTS) {
			b->fail = 1;
			return;
		}
		memcpy(&b->cur[b->ncur], x->slot, x->nslot * sizeof x->slot[0]);
		b->ncur += x->nslot;
		grid_pwalk(b, seq, i + 1, up);
		b->ncur -= x->nslot;
		break;
	case GRID_PSEQ:
		grid_pwalk(b, b->kid[n->kid0 + i], 0, &k);
		break;
	case GRID_PALT:
		for (j = 0; j < x->nkid; j++)
			grid_pwalk(b, b->kid[x->kid0 + j], 0, &k);
		break;
	}
}

/* Make a plan for pattern p (text pat) when it has one of the forms. */
static void
grid_plan(struct grid *g, struct grid_pat *p, const char *pat)
{
	struct grid_pbuild *b;
	struct grid_plan *pl;
	struct buf l0 = BUF_INIT;
	const char *q = pat, *rest = pat;
	char *l;
	size_t n, i, k, j;
	uint32_t root;
	long min, max;
	int lazy;

	/* L0 ".*": literal characters without quantifiers. */
	for (;;) {
		if (*q == '\\' && q[1] > ' ' && q[1] < 0x7f &&
		    !((q[1] >= '0' && q[1] <= '9') ||
		      (q[1] >= 'A' && q[1] <= 'Z') ||
		      (q[1] >= 'a' && q[1] <= 'z'))) {
			n = 2;
		} else if (*q == '\0' || strchr("\\.^$*+?|()[", *q) ||
			   (*q == '{' && grid_brace(q, &n, &min) != 0)) {
			break;
		} else {
			n = grid_utf8_len((unsigned char)*q);
			for (i = 0; i < n; i++)
				if (q[i] == '\0')
					return;
		}
		if (grid_pquant(q + n, &min, &max, &lazy) != q + n)
			break;
		if (*q == '\\')
			buf_addc(&l0, q[1]);
		else
			buf_add(&l0, q, n);
		q += n;
	}
	if (l0.len && q[0] == '.' && q[1] == '*' && q[2] != '?' &&
	    q[2] != '+') {
		rest = q + 2;
		if (p->lead == GRID_NONE_ID || g->litlen[p->lead] != l0.len ||
		    memcmp(g->littext[p->lead], l0.p, l0.len) != 0) {
			buf_release(&l0);
			return;
		}
	}
	buf_release(&l0);
	/* One scratch for all patterns: it is large, and clearing it for
	 * each one cost more than planning.  Nodes are cleared when made,
	 * and paths are written before they are read. */
	if (g->pb == NULL)
		g->pb = xmalloc(sizeof *g->pb);
	b = g->pb;
	b->g = g;
	b->nnode = b->nkid = b->ncur = b->npath = 0;
	b->fail = 0;
	b->budget = 4096;
	if (*grid_palt(b, rest, &root) == '\0' && !b->fail)
		grid_pwalk(b, root, 0, NULL);
	if (b->fail || b->npath == 0)
		return;
	/* The bytes every path starts with. */
	for (k = 0;; k++) {
		for (j = 0; j < b->npath; j++)
			if (k == b->len[j] || b->path[j][k] >= GRID_SET ||
			    b->path[j][k] != b->path[0][k])
				break;
		if (j < b->npath)
			break;
	}
	if (k == 0)
		return;
	if (g->nplans == g->capplans) {
		g->capplans = g->capplans ? g->capplans * 2 : 64;
		g->plans = xreallocarray(g->plans, g->capplans,
					 sizeof *g->plans);
	}
	pl = &g->plans[g->nplans];
	pl->lit0 = rest == pat ? GRID_NONE_ID : p->lead;
	pl->loff = (uint32_t)g->nlpool;
	if (g->nlpool + k > g->caplpool) {
		g->caplpool = (g->nlpool + k) * 2;
		g->lpool = xrealloc(g->lpool, g->caplpool);
	}
	l = g->lpool + g->nlpool;
	for (i = 0; i < k; i++)
		l[i] = (char)b->path[0][i];
	g->nlpool += k;
	pl->llen = (uint16_t)k;
	pl->lit1 = GRID_NONE_ID;
	for (j = 0; j < p->nlit; j++) {
		uint32_t id = g->patlits[p->lit0 + j];

		if (g->litlen[id] <= k &&
		    memcmp(g->littext[id], l, g->litlen[id]) == 0 &&
		    (pl->lit1 == GRID_NONE_ID ||
		     g->litlen[id] > g->litlen[pl->lit1]))
			pl->lit1 = id;
	}
	pl->path0 = (uint32_t)g->npaths;
	pl->npaths = (uint16_t)b->npath;
	for (j = 0; j < b->npath; j++) {
		n = b->len[j] - k;
		if (g->npaths == g->cappaths) {
			g->cappaths = g->cappaths ? g->cappaths * 2 : 256;
			g->paths = xreallocarray(g->paths, g->cappaths,
						 sizeof *g->paths);
		}
		g->paths[g->npaths].slot0 = (uint32_t)g->nslots;
		g->paths[g->npaths++].len = (uint32_t)n;
		if (g->nslots + n > g->capslots) {
			g->capslots = (g->capslots + n) * 2;
			g->slots = xreallocarray(g->slots, g->capslots,
						 sizeof *g->slots);
		}
		if (n)
			memcpy(&g->slots[g->nslots], &b->path[j][k],
			       n * sizeof *g->slots);
		g->nslots += n;
	}
	p->plan = (uint32_t)g->nplans++;
}

/* The end of the first path of pl that matches at s[q..n) after L, or
 * (size_t)-1. */
static size_t
grid_plan_at(const struct grid *g, const struct grid_plan *pl, const char *s,
	     size_t n, size_t q)
{
	const uint16_t *sl = &g->slots[pl->path0];
	const unsigned char *u = (const unsigned char *)s;
	size_t k, len, i;
	unsigned c;

	q += pl->llen;
	/* Each path: its length, then its slots (see grid_relayout()). */
	for (i = 0; i < pl->npaths; i++, sl += len + 1) {
		len = sl[0];
		if (len > n - q)
			continue;
		for (k = 0; k < len; k++) {
			c = u[q + k];
			if (sl[k + 1] < GRID_SET ? sl[k + 1] != c :
			    !(g->psets[sl[k + 1] - GRID_SET][c >> 6] >>
			      (c & 63) & 1))
				break;
		}
		if (k == len)
			return q + k;
	}
	return (size_t)-1;
}

/* Does the subject have a newline character (one of grid_nl)? */
static int
grid_has_newline(const struct grid *g)
{
	size_t i;

	for (i = 0; i < GRID_NNL; i++)
		if (g->lst[i].stamp == g->stamp)
			return 1;
	return 0;
}

/* Match plan pl as the pattern would: 1 and the span, or 0.  All the
 * pattern's literals occur in s. */
static int
grid_plan_run(const struct grid *g, const struct grid_plan *pl,
	      const char *s, size_t n, size_t *so, size_t *eo)
{
	const char *l = g->lpool + pl->loff;
	size_t ll = pl->llen, lo = 0, first, last, q, e, f1 = n, l1 = n;

	if (n < ll)
		return 0;
	/* L can only occur where its first literal does, and where that is
	 * all of L, it occurs at the first and last place found. */
	first = 0;
	last = n - ll;
	if (pl->lit1 != GRID_NONE_ID) {
		const struct grid_lst *l1s = &g->lst[pl->lit1];

		first = l1s->end - l1s->len;
		q = l1s->last - l1s->len;
		if (q < last)
			last = q;
		if (l1s->len == ll) {
			f1 = first;
			l1 = q;
		}
		/* One occurrence of the literal: L can start only there. */
		if (q == first && last > first)
			last = first;
	}
#define GRID_L_AT(q) ((q) == f1 || (q) == l1 ||				\
		      (s[q] == *l && memcmp(s + (q), l, ll) == 0))
	if (pl->lit0 == GRID_NONE_ID) {
		for (q = first; q <= last; q++)
			if (GRID_L_AT(q) &&
			    (e = grid_plan_at(g, pl, s, n, q)) != (size_t)-1) {
				*so = q;
				*eo = e;
				return 1;
			}
		return 0;
	}
	lo = g->lst[pl->lit0].end;
	if (first < lo)
		first = lo;
	for (q = last + 1; q-- > first;)
		if (GRID_L_AT(q) &&
		    (e = grid_plan_at(g, pl, s, n, q)) != (size_t)-1) {
			*so = lo - g->lst[pl->lit0].len;
			*eo = e;
			return 1;
		}
	return 0;
#undef GRID_L_AT
}

/* Lint. */

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
