/* poll: a poll's definition.  See poll.h and poll-rank(1). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/cfg.h"
#include "base/diag.h"
#include "base/htab.h"
#include "base/num.h"
#include "base/util.h"
#include "domain/poll.h"

/* Everything a definition allocates besides its cfg tree. */
struct poll_mem {
	struct poll p;
	struct arena a;
	struct htab byname;	/* unit name -> index + 1 */
	struct htab bycode;	/* unit code -> index + 1 */
};

static struct poll_mem *
mem_of(const struct poll *p)
{
	return (struct poll_mem *)(void *)(uintptr_t)p;
}

static int
is_yes(struct cfg *c, const struct cfg_node *n, const char *key)
{
	const char *s = cfg_str(c, n, key);

	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0)
		return 1;
	if (strcmp(s, "no") != 0 && strcmp(s, "false") != 0)
		cfg_error(c, n, key, "expected yes or no");
	return 0;
}

/* A key's text, required and not empty; "" after an error. */
static const char *
need_text(struct cfg *c, const struct cfg_node *map, const char *key,
	  size_t *len)
{
	const struct cfg_node *n = cfg_need(c, map, key, CFG_SCALAR, NULL);
	const char *s = cfg_str(c, n, key);

	if (*s == '\0')
		cfg_error(c, n, key, "empty");
	if (len != NULL)
		*len = strlen(s);
	return s;
}

static void
load_scale(struct poll_mem *m, struct poll_scale *sc, const char *name,
	   const struct cfg_node *list)
{
	static const char *const keys[] = {
		"answer", "weight", "satisfied", "base", NULL
	};
	struct cfg *c = m->p.cfg;
	const struct cfg_node *e, *v;
	struct poll_answer *a;
	size_t i, j, inbase = 0;

	sc->name = name;
	sc->n = 0;
	sc->a = NULL;
	if (list->type != CFG_LIST || list->len == 0) {
		cfg_error(c, list, name, "expected a list of answers");
		return;
	}
	if (list->len > POLL_MAX_ANSWERS) {
		cfg_error(c, list, name, "more than %d answers",
			  POLL_MAX_ANSWERS);
		return;
	}
	sc->n = list->len;
	sc->a = arena_alloc(&m->a, sc->n * sizeof *sc->a);
	memset(sc->a, 0, sc->n * sizeof *sc->a);
	for (i = 0; i < sc->n; i++) {
		e = list->items[i];
		a = &sc->a[i];
		a->text = "";
		if (e->type != CFG_MAP) {
			cfg_error(c, e, name, "expected a map with key "
				  "'answer'");
			continue;
		}
		cfg_known_keys(c, e, keys);
		a->text = need_text(c, e, "answer", &a->len);
		for (j = 0; j < i && *a->text; j++)
			if (strcmp(sc->a[j].text, a->text) == 0) {
				cfg_error(c, cfg_get(e, "answer"), "answer",
					  "'%s' is already in scale '%s'",
					  a->text, name);
				break;
			}
		a->in_base = 1;
		if ((v = cfg_opt(c, e, "base", CFG_SCALAR, "yes or no")))
			a->in_base = is_yes(c, v, "base");
		a->satisfied = 0;
		if ((v = cfg_opt(c, e, "satisfied", CFG_SCALAR, "yes or no")))
			a->satisfied = is_yes(c, v, "satisfied");
		v = cfg_opt(c, e, "weight", CFG_SCALAR, "a number");
		if (a->in_base && v == NULL && cfg_get(e, "weight") == NULL)
			cfg_error(c, e, NULL, "answer '%s': missing key "
				  "'weight' (or base: no)", a->text);
		if (!a->in_base && (v != NULL || a->satisfied))
			cfg_error(c, e, NULL, "answer '%s': left out of the "
				  "base, so it has no weight and is not "
				  "satisfied", a->text);
		a->weight = 0;
		if (v != NULL && (num_dec(v->str, v->len, POLL_WEIGHT_SCALE,
					  &a->weight) < 0 || a->weight < 0 ||
				  a->weight > POLL_MAX_WEIGHT * 100))
			cfg_error(c, v, "weight", "expected a number from 0 to "
				  "%d with at most 2 decimals",
				  POLL_MAX_WEIGHT);
		inbase += a->in_base;
	}
	if (inbase == 0)
		cfg_error(c, list, name, "no answer counts toward the base");
}

static void
load_scales(struct poll_mem *m, const struct cfg_node *root)
{
	struct cfg *c = m->p.cfg;
	const struct cfg_node *s;
	size_t i;

	s = cfg_need(c, root, "scales", CFG_MAP, "a map of answer scales");
	if (s->len == 0)
		cfg_error(c, s, "scales", "no scale");
	m->p.nscales = s->len;
	m->p.scales = arena_alloc(&m->a, s->len * sizeof *m->p.scales);
	for (i = 0; i < s->len; i++)
		load_scale(m, &m->p.scales[i], s->keys[i], s->items[i]);
}

static const struct poll_scale *
scale_named(const struct poll *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nscales; i++)
		if (strcmp(p->scales[i].name, name) == 0)
			return &p->scales[i];
	return NULL;
}

static void
load_items(struct poll_mem *m, const struct cfg_node *root)
{
	static const char *const keys[] = { "id", "scale", "text", NULL };
	struct cfg *c = m->p.cfg;
	const struct cfg_node *l, *e, *ov;
	struct poll_item *it;
	const char *sname;
	size_t i, j;

	l = cfg_need(c, root, "items", CFG_LIST, "a list of items");
	if (l->len == 0)
		cfg_error(c, l, "items", "no item");
	m->p.nitems = l->len;
	m->p.items = arena_alloc(&m->a, (l->len + 1) * sizeof *m->p.items);
	for (i = 0; i < l->len; i++) {
		e = l->items[i];
		it = &m->p.items[i];
		it->id = "";
		it->len = 0;
		it->scale = NULL;
		if (e->type != CFG_MAP) {
			cfg_error(c, e, "items", "expected a map with key "
				  "'id'");
			continue;
		}
		cfg_known_keys(c, e, keys);
		it->id = need_text(c, e, "id", &it->len);
		for (j = 0; j < i && *it->id; j++)
			if (strcmp(m->p.items[j].id, it->id) == 0) {
				cfg_error(c, cfg_get(e, "id"), "id", "item '%s'"
					  " is already defined", it->id);
				break;
			}
		sname = need_text(c, e, "scale", NULL);
		if ((it->scale = scale_named(&m->p, sname)) == NULL && *sname)
			cfg_error(c, cfg_get(e, "scale"), "scale", "no scale "
				  "'%s' in 'scales'", sname);
		if (cfg_opt(c, e, "text", CFG_SCALAR, NULL))
			need_text(c, e, "text", NULL);
	}
	ov = cfg_need(c, root, "overall", CFG_SCALAR, "an item id");
	for (i = 0; i < m->p.nitems; i++)
		if (*ov->str && strcmp(m->p.items[i].id, ov->str) == 0)
			m->p.overall = &m->p.items[i];
	if (m->p.overall == NULL && *ov->str)
		cfg_error(c, ov, "overall", "no item '%s' in 'items'",
			  ov->str);
}

static void
load_units(struct poll_mem *m, const struct cfg_node *root)
{
	static const char *const keys[] = { "name", "code", "parent", NULL };
	struct cfg *c = m->p.cfg;
	const struct cfg_node *l, *e, *pn;
	struct poll_unit *u;
	size_t i, *slot;
	int isnew;

	l = cfg_need(c, root, "units", CFG_LIST, "a list of units");
	if (l->len == 0)
		cfg_error(c, l, "units", "no unit");
	if (l->len > POLL_MAX_UNITS) {
		cfg_error(c, l, "units", "more than %d units", POLL_MAX_UNITS);
		return;
	}
	m->p.nunits = l->len;
	m->p.units = arena_alloc(&m->a, (l->len + 1) * sizeof *m->p.units);
	for (i = 0; i < l->len; i++) {
		e = l->items[i];
		u = &m->p.units[i];
		u->no = i;
		u->name = u->code = "";
		u->len = 0;
		u->level = 1;
		u->parent = NULL;
		if (e->type != CFG_MAP) {
			cfg_error(c, e, "units", "expected a map with key "
				  "'name'");
			continue;
		}
		cfg_known_keys(c, e, keys);
		u->name = need_text(c, e, "name", &u->len);
		u->code = need_text(c, e, "code", NULL);
		if (*u->code && (strlen(u->code) != 6 ||
				 !num_is_digits(u->code, 6)))
			cfg_error(c, cfg_get(e, "code"), "code", "expected six "
				  "digits (行政区划代码), got '%s'", u->code);
		else if (*u->code) {
			slot = htab_put(&m->bycode, u->code, 6, &isnew);
			if (!isnew)
				cfg_error(c, cfg_get(e, "code"), "code", "'%s' "
					  "is already the code of '%s'",
					  u->code, m->p.units[*slot - 1].name);
			else
				*slot = i + 1;
		}
		if (*u->name) {
			slot = htab_put(&m->byname, u->name, u->len, &isnew);
			if (!isnew)
				cfg_error(c, cfg_get(e, "name"), "name", "unit "
					  "'%s' is already defined", u->name);
			else
				*slot = i + 1;
		}
		if ((pn = cfg_opt(c, e, "parent", CFG_SCALAR, NULL)) != NULL) {
			const size_t *ps = htab_find(&m->byname, pn->str,
						     pn->len);

			if (ps == NULL)
				ps = htab_find(&m->bycode, pn->str, pn->len);
			if (ps == NULL || *ps == i + 1) {
				cfg_error(c, pn, "parent", "no unit '%s' above"
					  " this one (a parent comes first)",
					  pn->str);
				continue;
			}
			u->parent = &m->p.units[*ps - 1];
			u->level = u->parent->level + 1;
			if (u->level > 9) {
				cfg_error(c, pn, "parent", "more than 9 "
					  "levels");
				u->level = 9;
			}
		}
	}
}

static void
load_tiers(struct poll_mem *m, const struct cfg_node *root)
{
	static const char *const keys[] = { "name", "top", "bottom", NULL };
	struct cfg *c = m->p.cfg;
	const struct cfg_node *l, *e, *t, *b, *o;
	struct poll_tier *tr;
	size_t i;

	m->p.others = "";
	if ((o = cfg_opt(c, root, "others", CFG_SCALAR, "a tier name")))
		m->p.others = cfg_str(c, o, "others");
	if ((l = cfg_opt(c, root, "tiers", CFG_LIST, "a list of tiers")) ==
	    NULL)
		return;
	m->p.ntiers = l->len;
	m->p.tiers = arena_alloc(&m->a, (l->len + 1) * sizeof *m->p.tiers);
	for (i = 0; i < l->len; i++) {
		e = l->items[i];
		tr = &m->p.tiers[i];
		tr->name = "";
		tr->top = 1;
		tr->n = 0;
		if (e->type != CFG_MAP) {
			cfg_error(c, e, "tiers", "expected a map with key "
				  "'name'");
			continue;
		}
		cfg_known_keys(c, e, keys);
		tr->name = need_text(c, e, "name", NULL);
		t = cfg_opt(c, e, "top", CFG_SCALAR, "a number of places");
		b = cfg_opt(c, e, "bottom", CFG_SCALAR, "a number of places");
		if ((t == NULL) == (b == NULL)) {
			if (cfg_get(e, "top") == NULL ||
			    cfg_get(e, "bottom") != NULL)
				cfg_error(c, e, NULL, "tier '%s': expected one "
					  "of 'top' and 'bottom'", tr->name);
			continue;
		}
		tr->top = t != NULL;
		tr->n = cfg_long(c, t ? t : b, t ? "top" : "bottom", 1,
				 POLL_MAX_UNITS);
	}
}

static void
load_rules(struct poll_mem *m, const struct cfg_node *root)
{
	static const char *const pkeys[] = { "score", "rate", NULL };
	struct cfg *c = m->p.cfg;
	const struct cfg_node *n, *pr;

	m->p.min_n = 1;
	if ((n = cfg_opt(c, root, "min_n", CFG_SCALAR, "a sample size")))
		m->p.min_n = cfg_long(c, n, "min_n", 1, LONG_MAX);
	m->p.prec_score = POLL_SCORE_DEC;
	m->p.prec_rate = POLL_RATE_DEC;
	if ((pr = cfg_opt(c, root, "precision", CFG_MAP,
			  "a map with keys score and rate"))) {
		cfg_known_keys(c, pr, pkeys);
		if ((n = cfg_get(pr, "score")))
			m->p.prec_score = (int)cfg_long(c, n, "score", 0,
							POLL_SCORE_DEC);
		if ((n = cfg_get(pr, "rate")))
			m->p.prec_rate = (int)cfg_long(c, n, "rate", 0,
						       POLL_RATE_DEC);
	}
	m->p.ties = POLL_TIES_1224;
	if ((n = cfg_opt(c, root, "ties", CFG_SCALAR, "1224, 1223 or 1334")) &&
	    poll_ties_parse(n->str, &m->p.ties) < 0)
		cfg_error(c, n, "ties", "expected 1224, 1223 or 1334, got "
			  "'%s'", n->str);
	m->p.name = "";
	if ((n = cfg_opt(c, root, "title", CFG_SCALAR, NULL)))
		m->p.name = cfg_str(c, n, "title");
}

/* The definition in c, or NULL (freeing c) when c has errors. */
static struct poll *
load(struct cfg *c)
{
	static const char *const keys[] = {
		"title", "scales", "items", "overall", "units", "tiers",
		"others", "min_n", "precision", "ties", NULL
	};
	struct poll_mem *m = xcalloc(1, sizeof *m);
	const struct cfg_node *root = cfg_root(c);

	m->p.cfg = c;
	arena_init(&m->a);
	htab_init(&m->byname, sizeof(size_t));
	htab_init(&m->bycode, sizeof(size_t));
	if (root->type != CFG_MAP && root->type != CFG_NULL) {
		cfg_error(c, root, NULL, "expected a map with key 'units'");
	} else {
		cfg_known_keys(c, root, keys);
		load_scales(m, root);
		load_items(m, root);
		load_units(m, root);
		load_tiers(m, root);
		load_rules(m, root);
	}
	return &m->p;
}

struct poll *
poll_load(const char *path)
{
	struct cfg *c;
	struct poll *p;

	if (path == NULL)
		c = cfg_load_mem("(built-in hunan.yaml)", poll_default_yaml,
				 poll_default_yaml_len);
	else
		c = cfg_load(path);
	p = load(c);
	cfg_done(c);	/* every error, then exit 3 */
	return p;
}

struct poll *
poll_load_mem(const char *name, const char *p, size_t n, size_t *nerr)
{
	struct poll *pl = load(cfg_load_mem(name, p, n));

	*nerr = cfg_nerrors(pl->cfg);
	if (*nerr > 0) {
		poll_free(pl);
		return NULL;
	}
	return pl;
}

void
poll_free(struct poll *p)
{
	struct poll_mem *m;

	if (p == NULL)
		return;
	m = mem_of(p);
	cfg_free(p->cfg);
	arena_release(&m->a);
	htab_release(&m->byname);
	htab_release(&m->bycode);
	free(m);
}

const struct poll_unit *
poll_unit(const struct poll *p, const char *s, size_t n)
{
	const size_t *i = htab_find(&mem_of(p)->byname, s, n);

	return i == NULL ? NULL : &p->units[*i - 1];
}

const struct poll_item *
poll_item(const struct poll *p, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < p->nitems; i++)
		if (p->items[i].len == n && poll_same(p->items[i].id, s, n))
			return &p->items[i];
	return NULL;
}

int
poll_answer(const struct poll_scale *sc, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (sc->a[i].len == n && poll_same(sc->a[i].text, s, n))
			return (int)i;
	return -1;
}

const struct poll_unit *
poll_unit_at(const struct poll_unit *u, int level)
{
	while (u != NULL && u->level > level)
		u = u->parent;
	return u != NULL && u->level == level ? u : NULL;
}

size_t
poll_units_at(const struct poll *p, int level)
{
	size_t i, n = 0;

	for (i = 0; i < p->nunits; i++)
		n += p->units[i].level == level;
	return n;
}

const char *
poll_ties_name(enum poll_ties t)
{
	return t == POLL_TIES_1223 ? "1223" : t == POLL_TIES_1334 ? "1334" :
	       "1224";
}

int
poll_ties_parse(const char *s, enum poll_ties *t)
{
	if (strcmp(s, "1224") == 0)
		*t = POLL_TIES_1224;
	else if (strcmp(s, "1223") == 0)
		*t = POLL_TIES_1223;
	else if (strcmp(s, "1334") == 0)
		*t = POLL_TIES_1334;
	else
		return -1;
	return 0;
}
