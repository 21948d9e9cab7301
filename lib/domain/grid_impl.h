/*
 * grid_impl: the inside of a struct grid, shared by grid_load.c (reading
 * the YAML, compiling and analysing each pattern), grid.c (the index and
 * matching) and grid_lint.c.  Private to them: programs use grid.h.
 *
 * The matcher in brief.  Every pattern's required literal runs (rxlit.h)
 * go into one ac (ac.h), each run getting a literal id; ids 0 to
 * RXPLAN_NNL - 1 are the newline characters, so that a scan also says
 * whether the address has one.  Each pattern gets one key literal: of its
 * runs, the one the fewest patterns need (then the longest).  The posting
 * list of a literal holds the patterns it is the key of, as struct
 * grid_cand.  To place an address, one ac scan finds the literals that
 * occur; for each, its candidates are checked: a candidate with a plan
 * (rxplan.h) is matched by its plan, the rest need all their literals to
 * occur and the bytes after the key to fit (rxlit_follow()) before PCRE2
 * runs them.  Patterns without any literal run on every address.
 */
#ifndef JW_GRID_IMPL_H
#define JW_GRID_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/cfg.h"
#include "domain/grid.h"
#include "rx/ac.h"
#include "rx/rx.h"
#include "rx/rxlit.h"
#include "rx/rxplan.h"

#define GRID_NONE_ID UINT32_MAX
#define GRID_MAX_COUNT 1000000L

/* The staff roles of the "4+X" model, in the order of rules.staff_minimum
 * (NULL-terminated). */
#define GRID_NROLES 4
extern const char *const grid_roles[GRID_NROLES + 1];

struct grid_pat {
	struct rx *rx;			/* NULL when it did not compile */
	char *err;			/* why not (kept for check) */
	const struct cfg_node *node;
	uint32_t point;
	uint32_t key;			/* literal that selects it, or NONE */
	uint32_t lead;			/* literal every match starts with */
	uint32_t lit0, nlit;		/* its literals: g->patlits[lit0..] */
	uint32_t plan;			/* g->plans index, or NONE: PCRE2 */
};

/* A pattern as its key literal's posting list holds it: what the filter
 * needs without touching struct grid_pat, its plan included.  The plans
 * are packed in the order of the posting lists (rxplan_pack()), so that
 * the candidates of one literal read memory in sequence. */
struct grid_cand {
	uint32_t pat;
	uint32_t point;			/* as in struct grid_pat */
	struct rxplan pl;		/* a copy of its plan; npaths is 0
					 * when it has none */
};

/* What a candidate run through PCRE2 needs besides (g->postx, parallel
 * to g->post). */
struct grid_candx {
	uint32_t lit0, nlit;		/* its literals: g->patlits[lit0..] */
	uint16_t fset[RXLIT_FOLLOW];	/* after the key: g->fsets ids, 0 =
					 * any byte */
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
	uint32_t *always;		/* patterns without a literal */
	size_t nalways;
	struct rxplan_set *plan_set;	/* the bytes of every plan */
	struct rxplan_code plan_code;	/* what running them reads */
	struct rxplan *plans;		/* per planned pattern, until packed */
	size_t nplans, capplans;
	/* Scratch for matching. */
	unsigned *found;		/* literal ids the scan found */
	size_t *ends;			/* end of each one's first occurrence */
	size_t *lasts;			/* end of each one's last occurrence */
	uint32_t stamp;			/* this scan; lst[id].stamp == stamp:
					 * literal id occurs */
	struct rxplan_seen *lst;	/* per literal id */
	uint32_t *ptstamp, *pthit;	/* per point: hit in this scan, where */
	struct grid_hit *hits;
	size_t nhits;
	struct buf why;
};

/* grid.c: build the index and the scratch (after loading). */
void grid_index(struct grid *g);
/* grid.c: copy each point's names next to each other. */
void grid_pack_names(struct grid *g);
/* grid.c: append pattern pat to b as it is written, for a message. */
void grid_add_pattern_text(struct buf *b, const char *pat);
/* grid_load.c: the staff of role in staff (a checked map). */
size_t grid_role_count(const struct cfg_node *staff, const char *role);

#endif
