/* cases_load: the case YAML into a struct case_cfg (case_cfg_load()).
 * See cases.h.
 *
 * Every mistake goes into cfg's error list (cfg.h) and the loading goes
 * on with a stand-in, so that one run names them all: cfg_done() prints
 * them, each "file:line:col: ...", and exits 3.  A check that depends on
 * a value already found wrong is skipped (a stage with an unknown state
 * does not also make "no stage maps to RECEIVED"). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/cfg.h"
#include "base/date.h"
#include "base/diag.h"
#include "base/utf8.h"
#include "base/util.h"
#include "domain/cases.h"

#define B(s) (1u << (s))

/* A non-empty UTF-8 text, or NULL (with an error, but for a stand-in). */
static const char *
text(struct cfg *y, const struct cfg_node *n, const char *key)
{
	size_t nerr = cfg_nerrors(y);
	const char *s = cfg_str(y, n, key);

	if (cfg_nerrors(y) > nerr)
		return NULL;
	if (*s == '\0') {
		cfg_error(y, n, key, "expected text");
		return NULL;
	}
	if (!utf8_is_valid(s, strlen(s))) {
		cfg_error(y, n, key, "not valid UTF-8");
		return NULL;
	}
	return s;
}

/* true/yes 1, false/no 0, else an error and def. */
static int
boolean(struct cfg *y, const struct cfg_node *n, const char *key, int def)
{
	const char *s = text(y, n, key);

	if (s == NULL)
		return def;
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
		return 1;
	if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
		return 0;
	cfg_error(y, n, key, "expected true or false");
	return def;
}

/* The state named by n, one of type's; CS_NONE (with an error) if none. */
static enum case_state
state_of(struct cfg *y, const struct cfg_node *n, char type)
{
	const char *s = text(y, n, "state");
	int k;

	if (s == NULL)
		return CS_NONE;
	for (k = 1; k < CS_COMPLAINT; k++)
		if (strcmp(s, case_state_name((enum case_state)k)) == 0)
			break;
	if (k == CS_COMPLAINT) {
		cfg_error(y, n, "state", "unknown state '%s' (states: "
			  "RECEIVED, NOT_FILED, FILED, INVESTIGATING, SOLVED, "
			  "TRANSFERRED, REVOKED, CLOSED, ACCEPTED, DECIDED, "
			  "TERMINATED, TO_CRIMINAL)", s);
		return CS_NONE;
	}
	if (!case_state_of_type(type, (enum case_state)k)) {
		cfg_error(y, n, "state", "%s is not a state of %s cases", s,
			  type == 'A' ? "criminal (A)" : "administrative (X)");
		return CS_NONE;
	}
	return (enum case_state)k;
}

/* A new stage named name (of type, 0: both) at node at, or NULL when the
 * name is empty, taken, or one too many (each an error). */
static struct case_stage *
new_stage(struct case_cfg *c, struct cfg *y, const struct cfg_node *at,
	  const char *name, char type)
{
	struct case_stage *st;
	size_t i;

	if (*name == '\0') {
		cfg_error(y, at, NULL, "a stage name is empty");
		return NULL;
	}
	if (!utf8_is_valid(name, strlen(name))) {
		cfg_error(y, at, NULL, "stage name: not valid UTF-8");
		return NULL;
	}
	for (i = 0; i < c->nstages; i++)
		if ((c->stages[i].type == type || c->stages[i].type == 0 ||
		     type == 0) && strcmp(c->stages[i].name, name) == 0) {
			cfg_error(y, at, NULL, "stage '%s' is named twice",
				  name);
			return NULL;
		}
	if (c->nstages == CASE_MAX_STAGES) {
		cfg_error(y, at, NULL, "more than %d stages", CASE_MAX_STAGES);
		return NULL;
	}
	st = &c->stages[c->nstages++];
	memset(st, 0, sizeof *st);
	st->name = name;
	st->len = strlen(name);
	st->type = type;
	st->public = 1;
	return st;
}

/* A stage's map: state, limit_days, max_days, from, public. */
static void
stage_map(struct cfg *y, const struct cfg_node *sn, struct case_stage *st,
	  char type)
{
	static const char *const skeys[] = {
		"state", "limit_days", "max_days", "from", "public", NULL
	};
	const struct cfg_node *v;
	const char *f;

	cfg_known_keys(y, sn, skeys);
	st->state = state_of(y, cfg_need(y, sn, "state", CFG_SCALAR,
					 "a state, e.g. RECEIVED"), type);
	if ((v = cfg_get(sn, "limit_days")) != NULL)
		st->limit_days = (int)cfg_long(y, v, "limit_days", 0, 3650);
	st->max_days = st->limit_days;
	if ((v = cfg_get(sn, "max_days")) != NULL)
		st->max_days = (int)cfg_long(y, v, "max_days", st->limit_days,
					     3650);
	if ((v = cfg_get(sn, "from")) != NULL &&
	    (f = text(y, v, "from")) != NULL) {
		if (strcmp(f, "opened") == 0)
			st->from_opened = 1;
		else if (strcmp(f, "stage") != 0)
			cfg_error(y, v, "from", "expected 'stage' or 'opened'");
	}
	if ((v = cfg_get(sn, "public")) != NULL)
		st->public = boolean(y, v, "public", 1);
}

/* types: A or X. */
static void
load_type(struct case_cfg *c, struct cfg *y, const struct cfg_node *tn,
	  char type)
{
	static const char *const tkeys[] = { "name", "stages", NULL };
	const struct cfg_node *stages, *sn, *v;
	struct case_stage *st;
	unsigned have = 0;
	size_t i, nerr = cfg_nerrors(y);

	cfg_known_keys(y, tn, tkeys);
	if ((v = cfg_get(tn, "name")) != NULL)
		text(y, v, "name");
	stages = cfg_need(y, tn, "stages", CFG_MAP, "a map of stage names");
	if (stages->len == 0)
		cfg_error(y, stages, "stages", "expected a map of stage names");
	for (i = 0; i < stages->len; i++) {
		sn = stages->items[i];
		st = new_stage(c, y, stages->keynodes[i], stages->keys[i],
			       type);
		if (st == NULL)
			continue;
		if (sn->type == CFG_SCALAR)
			st->state = state_of(y, sn, type);
		else if (sn->type == CFG_MAP)
			stage_map(y, sn, st, type);
		else
			cfg_error(y, sn, NULL, "stage '%s': expected a state "
				  "or a map with key 'state'", st->name);
		have |= B(st->state);
	}
	if (cfg_nerrors(y) == nerr && stages->len > 0 &&
	    !(have & B(type == 'A' ? CS_RECEIVED : CS_ACCEPTED)))
		cfg_error(y, stages, NULL, "no stage maps to %s, where every "
			  "%s case starts", type == 'A' ? "RECEIVED" :
			  "ACCEPTED", type == 'A' ? "criminal" :
			  "administrative");
}

static int
find_cat(const struct case_cfg *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->ncategories; i++)
		if (strcmp(c->categories[i], s) == 0)
			return (int)i;
	return -1;
}

static int
int32_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* One holiday item: a date or a range of at most a year, into a..b. */
static int
holiday_range(const char *s, int32_t *a, int32_t *b)
{
	const char *dots = strstr(s, "..");

	if (dots == NULL) {
		if (date_parse(s, strlen(s), a) < 0)
			return -1;
		*b = *a;
		return 0;
	}
	if (date_parse(s, (size_t)(dots - s), a) < 0 ||
	    date_parse(dots + 2, strlen(dots + 2), b) < 0 || *b < *a ||
	    *b - *a > 366)
		return -1;
	return 0;
}

static void
load_holidays(struct case_cfg *c, struct cfg *y, const struct cfg_node *h)
{
	const struct cfg_node *n;
	const char *s;
	int32_t a, b, d;
	size_t i, cap = 0;

	for (i = 0; i < h->len; i++) {
		n = h->items[i];
		if ((s = text(y, n, "holidays")) == NULL)
			continue;
		if (holiday_range(s, &a, &b) < 0) {
			cfg_error(y, n, NULL, "holidays: expected a date "
				  "YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD "
				  "(at most a year)");
			continue;
		}
		for (d = a; d <= b; d++) {
			if (c->nholidays == cap) {
				if (cap >= 100000) {
					cfg_error(y, n, NULL, "more than "
						  "100000 holidays");
					return;
				}
				cap = cap ? 2 * cap : 32;
				c->holidays = xreallocarray(c->holidays, cap,
							    sizeof(int32_t));
			}
			c->holidays[c->nholidays++] = d;
		}
	}
	if (c->nholidays > 0)
		qsort(c->holidays, c->nholidays, sizeof(int32_t), int32_cmp);
}

static void
load_categories(struct case_cfg *c, struct cfg *y, const struct cfg_node *r)
{
	const struct cfg_node *v;
	const char *s;
	size_t i;

	v = cfg_need(y, r, "categories", CFG_LIST, "a list of category names");
	if (v->len == 0)
		cfg_error(y, v, "categories", "expected a list of category "
			  "names");
	for (i = 0; i < v->len; i++) {
		if ((s = text(y, v->items[i], "categories")) == NULL)
			continue;
		if (find_cat(c, s) >= 0) {
			cfg_error(y, v->items[i], NULL, "category '%s' is "
				  "listed twice", s);
			continue;
		}
		if (c->ncategories == CASE_MAX_CATEGORIES) {
			cfg_error(y, v->items[i], NULL, "more than %d "
				  "categories", CASE_MAX_CATEGORIES);
			return;
		}
		c->categories[c->ncategories] = s;
		c->catlen[c->ncategories++] = strlen(s);
	}
}

static void
load_serious(struct case_cfg *c, struct cfg *y, const struct cfg_node *v)
{
	static const char *const keys[] = { "name", "categories", NULL };
	const struct cfg_node *n;
	const char *s;
	size_t i;
	int k;

	cfg_known_keys(y, v, keys);
	if ((n = cfg_get(v, "name")) != NULL && (s = text(y, n, "name")))
		c->serious_name = s;
	n = cfg_need(y, v, "categories", CFG_LIST, "a list of category names");
	for (i = 0; i < n->len; i++) {
		if ((s = text(y, n->items[i], "categories")) == NULL)
			continue;
		if ((k = find_cat(c, s)) < 0)
			cfg_error(y, n->items[i], NULL, "serious category "
				  "'%s' is not in 'categories'", s);
		else
			c->serious[k] = 1;
	}
}

static void
load_root(struct case_cfg *c, struct cfg *y)
{
	static const char *const rkeys[] = {
		"types", "complaint", "categories", "serious", "holidays", NULL
	};
	static const char *const types_keys[] = { "A", "X", NULL };
	const struct cfg_node *root = cfg_root(y), *t, *v;
	struct case_stage *st;
	const char *s;
	size_t i;

	if (root->type == CFG_NULL) {
		cfg_error(y, NULL, NULL, "empty file: expected a map with key "
			  "'types'");
		return;
	}
	cfg_known_keys(y, root, rkeys);
	t = cfg_need(y, root, "types", CFG_MAP, "a map with A and X");
	cfg_known_keys(y, t, types_keys);
	for (i = 0; i < t->len; i++)
		if (strcmp(t->keys[i], "A") == 0 || strcmp(t->keys[i], "X") == 0)
			load_type(c, y, t->items[i], t->keys[i][0]);
	if (cfg_get(t, "A") == NULL || cfg_get(t, "X") == NULL)
		cfg_error(y, t, "types", "expected both A (criminal) and X "
			  "(administrative)");
	v = cfg_need(y, root, "complaint", CFG_SCALAR, "the stage name of a "
		     "complaint event (投诉)");
	if ((s = text(y, v, "complaint")) != NULL &&
	    (st = new_stage(c, y, v, s, 0)) != NULL)
		st->state = CS_COMPLAINT;
	load_categories(c, y, root);
	c->serious_name = "八类案件";
	v = cfg_opt(y, root, "serious", CFG_MAP, "a map with key "
		    "'categories'");
	if (v != NULL)
		load_serious(c, y, v);
	v = cfg_get(root, "holidays");
	if (v != NULL && v->type != CFG_NULL &&
	    (v = cfg_opt(y, root, "holidays", CFG_LIST, "a list of dates")))
		load_holidays(c, y, v);
}

/* The configuration of y, or NULL with y's errors in *errp (one a line,
 * at most CFG_MAX_ERRORS and a count of the rest; caller frees) when
 * errp is given, else printed with an exit 3. */
static struct case_cfg *
case_cfg_from(struct cfg *y, char **errp)
{
	struct case_cfg *c = xcalloc(1, sizeof *c);
	struct buf b = BUF_INIT;
	size_t i;

	c->yaml = y;
	c->path = cfg_name(y);
	load_root(c, y);
	if (cfg_nerrors(y) == 0)
		return c;
	if (errp == NULL)
		cfg_done(y);		/* every error, then exit 3 */
	for (i = 0; i < cfg_nerrors(y) && i < CFG_MAX_ERRORS; i++)
		buf_printf(&b, "%s%s", i ? "\n" : "", cfg_errmsg(y, i));
	if (cfg_nerrors(y) > CFG_MAX_ERRORS)
		buf_printf(&b, "\n%s: and %zu more errors", cfg_name(y),
			   cfg_nerrors(y) - CFG_MAX_ERRORS);
	*errp = buf_detach(&b, NULL);
	case_cfg_free(c);
	return NULL;
}

struct case_cfg *
case_cfg_load_mem(const char *name, const char *p, size_t n, char **err)
{
	return case_cfg_from(cfg_load_mem(name, p, n), err);
}

struct case_cfg *
case_cfg_load(const char *path)
{
	return case_cfg_from(cfg_load(path), NULL);
}

extern const char cases_default_yaml[];
extern const size_t cases_default_yaml_len;

struct case_cfg *
case_cfg_load_default(void)
{
	char *err = NULL;
	struct case_cfg *c = case_cfg_load_mem("(built-in cases)",
					       cases_default_yaml,
					       cases_default_yaml_len, &err);

	if (c == NULL) {	/* a bug: the build checked it */
		diag_error("%s", err);
		free(err);
		exit(JW_EXIT_INTERNAL);
	}
	return c;
}

void
case_cfg_free(struct case_cfg *c)
{
	if (c == NULL)
		return;
	free(c->holidays);
	cfg_free(c->yaml);
	free(c);
}
