/*
 * grid: the population grid of pop-grid: counties, communities (社区),
 * grids (网格) and grid points (网格点) with their address patterns, and
 * the engine that places an address on a grid point.  (grid_load.c reads
 * the YAML, grid.c matches, grid_lint.c lints; grid_impl.h is their
 * shared inside.)
 *
 * grid_load() reads the grid YAML (schema in pop-grid(1)) and compiles
 * every pattern once.  Everything the struct grid holds, the grid points
 * and their names included, lives until grid_free().  Matching uses scratch
 * memory inside the grid, so one grid is not for use by two threads at
 * once, and the match functions allocate nothing per address.
 *
 * Matching does not try every pattern on every address.  From each pattern
 * the loader extracts the literal runs that every match must contain (see
 * rxlit.h).  One pass of ac_find() over the address finds
 * which literals occur; a pattern is run only when all its literals occur,
 * and patterns without any literal are run on every address (check warns
 * about them).  Patterns of the usual form "LITERAL.*REST", REST finite
 * (literals, ASCII classes, groups, ?, {n,m}), are matched without PCRE2
 * (rxplan.h), with the same span PCRE2 reports; the rest run through
 * PCRE2.
 */
#ifndef JW_GRID_H
#define JW_GRID_H

#include <stddef.h>

#include "base/buf.h"

struct grid;

/* One grid point: the names that assign appends to a record. */
struct grid_point {
	const char *county, *community, *grid, *name;
	const char *coordinator;	/* NULL when the point has none */
	unsigned line;			/* line of the point in the YAML */
	unsigned community_no;		/* communities numbered from 0 */
	/* strlen() of the names, so that callers need not count per
	 * record; coordinator_len is 0 when coordinator is NULL. */
	size_t county_len, community_len, grid_len, name_len, coordinator_len;
};

/* An address matched the patterns of point, covering chars characters
 * (the longest match among the point's patterns). */
struct grid_hit {
	const struct grid_point *point;
	size_t chars;
};

enum grid_status {
	GRID_FOUND,		/* one point won */
	GRID_NONE,		/* no point matches */
	GRID_AMBIGUOUS,		/* points of two or more communities match */
	GRID_ERROR		/* a pattern hit the PCRE2 match limits */
};

/* Load the grid definition at path ("-" for stdin).  The whole file is
 * checked before anything is decided, and every problem found goes to the
 * cfg error list (see cfg.h): YAML syntax, unknown keys (so typos are
 * caught), missing names, wrong types, bad rules bounds, duplicate map
 * keys.  With lenient == 0 (assign) a pattern that does not compile, or an
 * empty one, is such an error too: "grid.yaml:14:13: key 'patterns': bad
 * pattern: at offset 5: missing closing parenthesis".  With lenient != 0
 * (check) such patterns are kept as findings for grid_lint() and never
 * match, unless the file has other errors: then they are listed among
 * them.  A missing or unreadable file is an error as well.  When there is
 * any error, all are printed, "prog: file:line:col: key 'k': ...", and the
 * program exits 3 (cfg_done()).  Free the result with grid_free(). */
struct grid *grid_load(const char *path, int lenient);
/* The same from memory; name is used in messages. */
struct grid *grid_load_mem(const char *name, const char *p, size_t n,
			   int lenient);
void grid_free(struct grid *g);

/* The number of grid points and point i (0 <= i < grid_npoints()), in the
 * order of the file. */
size_t grid_npoints(const struct grid *g);
const struct grid_point *grid_point_at(const struct grid *g, size_t i);
/* Append "县/社区/网格/网格点" for p to b. */
void grid_point_path(const struct grid_point *p, struct buf *b);

/* Place the address s[0..n) (valid UTF-8).  The winner is the matching
 * point whose match covers the most characters, on a tie the point
 * defined first; when the matching points lie in two or more communities
 * the address is ambiguous whatever the lengths.  Returns GRID_FOUND and
 * sets *pt, or another status and sets *why to the reason, without a
 * location (owned by g, valid until the next match call):
 *   "no grid point matches"
 *   "matches grid points in 2 communities: 道县/濂溪社区/第一网格/濂溪路1-49号,
 *    冷水滩区/又一村社区/第二网格/又一村路8号" (at most 5 points, then
 *    " and 3 more")
 *   "pattern '...' at grid.yaml:14: match limit reached"
 * *pt is set to NULL unless GRID_FOUND; *why to NULL on GRID_FOUND. */
enum grid_status grid_match(struct grid *g, const char *s, size_t n,
			    const struct grid_point **pt, const char **why);
/* Every point whose patterns match s[0..n), in the order of the file (for
 * check --sample).  Sets *hits to an array owned by g, valid until the
 * next match call, and returns its length.  Returns (size_t)-1 and sets
 * *why as grid_match() does when a pattern hits the match limits. */
size_t grid_match_all(struct grid *g, const char *s, size_t n,
		      const struct grid_hit **hits, const char **why);

/*
 * Lint.  fn is called once per finding, in file order (after the lenient
 * load, which keeps bad patterns).  level is "error" or "warning"; where is
 * "FILE:LINE 县/社区[/网格[/网格点]]"; message is lowercase, without a full
 * stop, values in single quotes.  The strings are valid during the call.
 *
 * Errors (the definition is wrong or breaks assign, count or the bureau's
 * rules stated in the file):
 *   county without communities, community whose number of grids is outside
 *   rules.grids_per_community, grid without points, point without
 *   patterns, point without coordinator, pattern that does not compile,
 *   staffing below rules.staff_minimum for a role, number of coordinators
 *   outside rules.coordinators_per_community, duplicate names (county;
 *   community within its county; grid within its community; point within
 *   its grid).
 * Warnings (works, but probably not what was meant):
 *   a point's coordinator not among its community's coordinators, a
 *   pattern with no required literal (it is tried on every address and
 *   slows assign).
 * Returns the number of errors.
 */
size_t grid_lint(const struct grid *g,
		 void (*fn)(void *ctx, const char *level, const char *where,
			    const char *message),
		 void *ctx);

#endif
