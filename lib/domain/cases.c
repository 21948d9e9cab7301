/* cases: case numbers, stages, parties and deadlines.  See cases.h. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/cfg.h"
#include "base/date.h"
#include "base/diag.h"
#include "base/utf8.h"
#include "base/util.h"
#include "domain/cases.h"
#include "domain/idno.h"

static const char *const state_names[CS_NSTATES] = {
	[CS_NONE] = NULL,
	[CS_RECEIVED] = "RECEIVED", [CS_NOT_FILED] = "NOT_FILED",
	[CS_FILED] = "FILED", [CS_INVESTIGATING] = "INVESTIGATING",
	[CS_SOLVED] = "SOLVED", [CS_TRANSFERRED] = "TRANSFERRED",
	[CS_REVOKED] = "REVOKED", [CS_CLOSED] = "CLOSED",
	[CS_ACCEPTED] = "ACCEPTED", [CS_DECIDED] = "DECIDED",
	[CS_TERMINATED] = "TERMINATED", [CS_TO_CRIMINAL] = "TO_CRIMINAL",
	[CS_COMPLAINT] = "COMPLAINT",
};

const char *
case_state_name(enum case_state s)
{
	return (unsigned)s < CS_NSTATES ? state_names[s] : NULL;
}

#define B(s) (1u << (s))

/* Allowed successors of each state, per type. */
static unsigned
next_states(char type, enum case_state s)
{
	if (type == 'A') {
		switch (s) {
		case CS_NONE: return B(CS_RECEIVED);
		case CS_RECEIVED: return B(CS_FILED) | B(CS_NOT_FILED);
		case CS_NOT_FILED: return B(CS_FILED) | B(CS_CLOSED);
		case CS_FILED:
			return B(CS_INVESTIGATING) | B(CS_SOLVED) |
			       B(CS_REVOKED);
		case CS_INVESTIGATING: return B(CS_SOLVED) | B(CS_REVOKED);
		case CS_SOLVED: return B(CS_TRANSFERRED) | B(CS_REVOKED);
		case CS_TRANSFERRED:
			return B(CS_CLOSED) | B(CS_INVESTIGATING);
		case CS_REVOKED: return B(CS_CLOSED);
		default: return 0;
		}
	}
	switch (s) {
	case CS_NONE: return B(CS_ACCEPTED);
	case CS_ACCEPTED:
		return B(CS_INVESTIGATING) | B(CS_DECIDED) | B(CS_TERMINATED) |
		       B(CS_TO_CRIMINAL);
	case CS_INVESTIGATING:
		return B(CS_DECIDED) | B(CS_TERMINATED) | B(CS_TO_CRIMINAL);
	case CS_DECIDED: case CS_TERMINATED: case CS_TO_CRIMINAL:
		return B(CS_CLOSED);
	default: return 0;
	}
}

/* States a type's stages may map to. */
static unsigned
type_states(char type)
{
	if (type == 'A')
		return B(CS_RECEIVED) | B(CS_NOT_FILED) | B(CS_FILED) |
		       B(CS_INVESTIGATING) | B(CS_SOLVED) | B(CS_TRANSFERRED) |
		       B(CS_REVOKED) | B(CS_CLOSED);
	return B(CS_ACCEPTED) | B(CS_INVESTIGATING) | B(CS_DECIDED) |
	       B(CS_TERMINATED) | B(CS_TO_CRIMINAL) | B(CS_CLOSED);
}

int
case_transition_ok(char type, enum case_state from, enum case_state to)
{
	if ((unsigned)to >= CS_NSTATES || (unsigned)from >= CS_NSTATES)
		return 0;
	return (next_states(type, from) & B(to)) != 0;
}

/* ---- loading ---- */

struct loader {
	struct case_cfg *c;
	struct cfg *y;
	jmp_buf fail;
	char *err;
};

static void __attribute__((noreturn, format(printf, 3, 4)))
lfail(struct loader *l, const struct cfg_node *n, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	if (n != NULL)
		buf_printf(&b, "%s:%u:%u: ", cfg_name(l->y), n->line, n->col);
	else
		buf_printf(&b, "%s: ", cfg_name(l->y));
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	l->err = buf_detach(&b, NULL);
	longjmp(l->fail, 1);
}

static void
known(struct loader *l, const struct cfg_node *m, const char *const *keys,
      const char *what)
{
	struct buf list = BUF_INIT;
	char msg[512];
	size_t i, k;

	if (m->type != CFG_MAP)
		lfail(l, m, "%s: expected a map", what);
	for (i = 0; i < m->len; i++) {
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(m->keys[i], keys[k]) == 0)
				break;
		if (keys[k] != NULL)
			continue;
		for (k = 0; keys[k] != NULL; k++)
			buf_printf(&list, "%s%s", k ? ", " : "", keys[k]);
		buf_adds(&list, ")");
		snprintf(msg, sizeof msg, "unknown key '%.200s' (known keys: "
			 "%s", m->keys[i], list.p);
		buf_release(&list);
		lfail(l, m->keynodes[i], "%s", msg);
	}
}

static const char *
scalar(struct loader *l, const struct cfg_node *n, const char *key)
{
	if (n == NULL || n->type != CFG_SCALAR || n->len == 0)
		lfail(l, n, "key '%s': expected text", key);
	if (strlen(n->str) != n->len)
		lfail(l, n, "key '%s': expected text without NUL characters",
		      key);
	if (!utf8_is_valid(n->str, n->len))
		lfail(l, n, "key '%s': not valid UTF-8", key);
	return n->str;
}

static int
whole(struct loader *l, const struct cfg_node *n, const char *key, int min,
      int max)
{
	const char *s;
	long v = 0;
	size_t i;

	s = scalar(l, n, key);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 6)
			lfail(l, n, "key '%s': expected a whole number from "
			      "%d to %d", key, min, max);
		v = v * 10 + (s[i] - '0');
	}
	if (v < min || v > max)
		lfail(l, n, "key '%s': expected a whole number from %d to %d",
		      key, min, max);
	return (int)v;
}

static int
boolean(struct loader *l, const struct cfg_node *n, const char *key)
{
	const char *s = scalar(l, n, key);

	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
		return 1;
	if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
		return 0;
	lfail(l, n, "key '%s': expected true or false", key);
}

static enum case_state
state_of(struct loader *l, const struct cfg_node *n, char type)
{
	const char *s = scalar(l, n, "state");
	int k;

	for (k = 1; k < CS_COMPLAINT; k++)
		if (strcmp(s, state_names[k]) == 0)
			break;
	if (k == CS_COMPLAINT)
		lfail(l, n, "key 'state': unknown state '%s' (states: "
		      "RECEIVED, NOT_FILED, FILED, INVESTIGATING, SOLVED, "
		      "TRANSFERRED, REVOKED, CLOSED, ACCEPTED, DECIDED, "
		      "TERMINATED, TO_CRIMINAL)", s);
	if (!(type_states(type) & B(k)))
		lfail(l, n, "key 'state': %s is not a state of %s cases", s,
		      type == 'A' ? "criminal (A)" : "administrative (X)");
	return (enum case_state)k;
}

static struct case_stage *
new_stage(struct loader *l, const struct cfg_node *at, const char *name,
	  char type)
{
	struct case_cfg *c = l->c;
	struct case_stage *st;
	size_t i;

	if (*name == '\0')
		lfail(l, at, "a stage name is empty");
	for (i = 0; i < c->nstages; i++)
		if ((c->stages[i].type == type || c->stages[i].type == 0 ||
		     type == 0) && strcmp(c->stages[i].name, name) == 0)
			lfail(l, at, "stage '%s' is named twice", name);
	if (c->nstages == CASE_MAX_STAGES)
		lfail(l, at, "more than %d stages", CASE_MAX_STAGES);
	st = &c->stages[c->nstages++];
	memset(st, 0, sizeof *st);
	st->name = name;
	st->len = strlen(name);
	st->type = type;
	st->public = 1;
	return st;
}

static void
load_type(struct loader *l, const struct cfg_node *tn, char type)
{
	static const char *const tkeys[] = { "name", "stages", NULL };
	static const char *const skeys[] = {
		"state", "limit_days", "max_days", "from", "public", NULL
	};
	const struct cfg_node *stages, *sn, *v;
	struct case_stage *st;
	unsigned have = 0;
	size_t i;

	known(l, tn, tkeys, type == 'A' ? "types: A" : "types: X");
	if ((v = cfg_get(tn, "name")) != NULL)
		scalar(l, v, "name");
	stages = cfg_get(tn, "stages");
	if (stages == NULL || stages->type != CFG_MAP || stages->len == 0)
		lfail(l, stages ? stages : tn, "key 'stages': expected a map "
		      "of stage names");
	for (i = 0; i < stages->len; i++) {
		sn = stages->items[i];
		st = new_stage(l, stages->keynodes[i], stages->keys[i], type);
		if (!utf8_is_valid(st->name, st->len))
			lfail(l, stages->keynodes[i], "stage name: not valid "
			      "UTF-8");
		if (sn->type == CFG_SCALAR) {
			st->state = state_of(l, sn, type);
		} else {
			known(l, sn, skeys, st->name);
			st->state = state_of(l, cfg_get(sn, "state"), type);
			if ((v = cfg_get(sn, "limit_days")) != NULL)
				st->limit_days = whole(l, v, "limit_days", 0,
						       3650);
			st->max_days = st->limit_days;
			if ((v = cfg_get(sn, "max_days")) != NULL)
				st->max_days = whole(l, v, "max_days",
						     st->limit_days, 3650);
			if ((v = cfg_get(sn, "from")) != NULL) {
				const char *f = scalar(l, v, "from");

				if (strcmp(f, "opened") == 0)
					st->from_opened = 1;
				else if (strcmp(f, "stage") != 0)
					lfail(l, v, "key 'from': expected "
					      "'stage' or 'opened'");
			}
			if ((v = cfg_get(sn, "public")) != NULL)
				st->public = boolean(l, v, "public");
		}
		have |= B(st->state);
	}
	if (!(have & B(type == 'A' ? CS_RECEIVED : CS_ACCEPTED)))
		lfail(l, stages, "no stage maps to %s, where every %s case "
		      "starts", type == 'A' ? "RECEIVED" : "ACCEPTED",
		      type == 'A' ? "criminal" : "administrative");
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

static void
load_holidays(struct loader *l, const struct cfg_node *h)
{
	struct case_cfg *c = l->c;
	const struct cfg_node *n;
	const char *s, *dots;
	int32_t a, b, d;
	size_t i, cap = 0;

	if (h->type == CFG_NULL)
		return;
	if (h->type != CFG_LIST)
		lfail(l, h, "key 'holidays': expected a list of dates");
	for (i = 0; i < h->len; i++) {
		n = h->items[i];
		s = scalar(l, n, "holidays");
		dots = strstr(s, "..");
		if (dots == NULL) {
			if (date_parse(s, strlen(s), &a) < 0)
				goto bad;
			b = a;
		} else if (date_parse(s, (size_t)(dots - s), &a) < 0 ||
			   date_parse(dots + 2, strlen(dots + 2), &b) < 0 ||
			   b < a || b - a > 366) {
			goto bad;
		}
		for (d = a; d <= b; d++) {
			if (c->nholidays == cap) {
				if (cap >= 100000)
					lfail(l, n, "more than 100000 "
					      "holidays");
				cap = cap ? 2 * cap : 32;
				c->holidays = xreallocarray(c->holidays, cap,
							    sizeof(int32_t));
			}
			c->holidays[c->nholidays++] = d;
		}
		continue;
bad:
		lfail(l, n, "holidays: expected a date YYYY-MM-DD or a range "
		      "YYYY-MM-DD..YYYY-MM-DD (at most a year)");
	}
	if (c->nholidays > 0)
		qsort(c->holidays, c->nholidays, sizeof(int32_t), int32_cmp);
}

static void
load_root(struct loader *l)
{
	static const char *const rkeys[] = {
		"types", "complaint", "categories", "serious", "holidays", NULL
	};
	static const char *const types_keys[] = { "A", "X", NULL };
	static const char *const serious_keys[] = {
		"name", "categories", NULL
	};
	const struct cfg_node *root = cfg_root(l->y), *t, *v, *n;
	struct case_cfg *c = l->c;
	struct case_stage *st;
	const char *s;
	size_t i;
	int k;

	if (root->type == CFG_NULL)
		lfail(l, NULL, "empty file: expected a map with key 'types'");
	known(l, root, rkeys, "the file");
	t = cfg_get(root, "types");
	if (t == NULL)
		lfail(l, root, "missing key 'types': expected a map with A "
		      "and X");
	known(l, t, types_keys, "types");
	for (i = 0; i < t->len; i++)
		load_type(l, t->items[i], t->keys[i][0]);
	if (cfg_get(t, "A") == NULL || cfg_get(t, "X") == NULL)
		lfail(l, t, "key 'types': expected both A (criminal) and X "
		      "(administrative)");
	v = cfg_get(root, "complaint");
	if (v == NULL)
		lfail(l, root, "missing key 'complaint': expected the stage "
		      "name of a complaint event (投诉)");
	s = scalar(l, v, "complaint");
	st = new_stage(l, v, s, 0);
	st->state = CS_COMPLAINT;
	v = cfg_get(root, "categories");
	if (v == NULL || v->type != CFG_LIST || v->len == 0)
		lfail(l, v ? v : root, "key 'categories': expected a list of "
		      "category names");
	for (i = 0; i < v->len; i++) {
		s = scalar(l, v->items[i], "categories");
		if (find_cat(c, s) >= 0)
			lfail(l, v->items[i], "category '%s' is listed twice",
			      s);
		if (c->ncategories == CASE_MAX_CATEGORIES)
			lfail(l, v->items[i], "more than %d categories",
			      CASE_MAX_CATEGORIES);
		c->categories[c->ncategories] = s;
		c->catlen[c->ncategories++] = strlen(s);
	}
	c->serious_name = "八类案件";
	if ((v = cfg_get(root, "serious")) != NULL) {
		known(l, v, serious_keys, "serious");
		if ((n = cfg_get(v, "name")) != NULL)
			c->serious_name = scalar(l, n, "name");
		n = cfg_get(v, "categories");
		if (n == NULL || n->type != CFG_LIST)
			lfail(l, n ? n : v, "key 'categories': expected a "
			      "list of category names");
		for (i = 0; i < n->len; i++) {
			s = scalar(l, n->items[i], "categories");
			if ((k = find_cat(c, s)) < 0)
				lfail(l, n->items[i], "serious category '%s' "
				      "is not in 'categories'", s);
			c->serious[k] = 1;
		}
	}
	if ((v = cfg_get(root, "holidays")) != NULL)
		load_holidays(l, v);
}

static struct case_cfg *
case_cfg_from(struct cfg *y, char **errp)
{
	struct loader l;
	struct case_cfg *c;

	/* A load error is in cfg's list (see cfg.h); XXX the first only,
	 * as the checks below stop at theirs. */
	if (cfg_nerrors(y) > 0) {
		*errp = xstrdup(cfg_errmsg(y, 0));
		cfg_free(y);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->yaml = y;
	c->path = cfg_name(y);
	l.c = c;
	l.y = y;
	l.err = NULL;
	if (setjmp(l.fail) != 0) {
		case_cfg_free(c);
		*errp = l.err;
		return NULL;
	}
	load_root(&l);
	return c;
}

struct case_cfg *
case_cfg_load_mem(const char *name, const char *p, size_t n, char **err)
{
	return case_cfg_from(cfg_load_mem(name, p, n), err);
}

struct case_cfg *
case_cfg_load(const char *path)
{
	char *err = NULL;
	struct case_cfg *c = case_cfg_from(cfg_load(path), &err);

	if (c == NULL) {
		diag_error("%s", err);
		free(err);
		exit(JW_EXIT_CONFIG);
	}
	return c;
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

const struct case_stage *
case_stage_find(const struct case_cfg *c, char type, const char *p, size_t n)
{
	const struct case_stage *st;
	size_t i;

	for (i = 0; i < c->nstages; i++) {
		st = &c->stages[i];
		if (st->len == n && (st->type == type || st->type == 0) &&
		    memcmp(st->name, p, n) == 0)
			return st;
	}
	return NULL;
}

int
case_category(const struct case_cfg *c, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < c->ncategories; i++)
		if (c->catlen[i] == n && memcmp(c->categories[i], p, n) == 0)
			return (int)i;
	return -1;
}

/* ---- case numbers, deadlines, parties ---- */

static int
digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

int
case_no_check(const char *p, size_t n, const char **why)
{
	int year;

	if (n == 0) {
		*why = "empty";
		return -1;
	}
	if (p[0] != 'A' && p[0] != 'X') {
		*why = "not a case number: the first letter must be A "
		       "(criminal) or X (administrative)";
		return -1;
	}
	if (n != CASE_NO_LEN || !digits(p + 1, n - 1)) {
		*why = "not a case number: A or X, then 16 digits (region, "
		       "year, serial)";
		return -1;
	}
	year = (p[7] - '0') * 1000 + (p[8] - '0') * 100 + (p[9] - '0') * 10 +
	       (p[10] - '0');
	if (year < 1949 || p[1] == '0') {
		*why = "not a case number: bad region code or year";
		return -1;
	}
	return 0;
}

int
case_is_holiday(const struct case_cfg *c, int32_t day)
{
	size_t lo = 0, hi = c->nholidays, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nholidays && c->holidays[lo] == day;
}

int32_t
case_due(const struct case_cfg *c, int32_t start, int days)
{
	int32_t d = start + days;

	while (case_is_holiday(c, d))
		d++;
	return d;
}

int
case_parties_parse(const char *p, size_t n, struct case_party *out,
		   size_t max, const char **why, size_t *item)
{
	const char *end = p + n, *q, *f[5];
	size_t nf, len[5], k = 0, i;
	struct idno id;

	*why = NULL;
	*item = 0;
	if (n == 0)
		return 0;
	for (;;) {
		q = memchr(p, ';', (size_t)(end - p));
		if (q == NULL)
			q = end;
		*item = k + 1;
		if (q == p) {
			*why = "empty item";
			return -1;
		}
		if (k == max) {
			*why = "too many parties";
			return -1;
		}
		/* role:id:name[:phone] */
		nf = 0;
		f[0] = p;
		for (i = 0; p + i < q; i++)
			if (p[i] == ':') {
				if (nf == 4)
					break;
				len[nf] = (size_t)(p + i - f[nf]);
				f[++nf] = p + i + 1;
			}
		if (nf == 4 || nf < 2) {
			*why = "expected role:id_no:name[:phone]";
			return -1;
		}
		len[nf] = (size_t)(q - f[nf]);
		if (len[0] == 0) {
			*why = "empty role";
			return -1;
		}
		if (len[1] != 18 || idno_parse(f[1], 18, INT32_MAX, &id) !=
		    IDNO_OK || f[1][17] == 'x') {
			*why = "not a valid ID number";
			return -1;
		}
		if (len[2] == 0) {
			*why = "empty name";
			return -1;
		}
		if (nf == 3 && (len[3] != 11 || !digits(f[3], 11) ||
				f[3][0] != '1' || f[3][1] < '3')) {
			*why = "not a mobile phone number (11 digits)";
			return -1;
		}
		out[k].role = f[0];
		out[k].rolelen = len[0];
		out[k].id = f[1];
		out[k].idlen = len[1];
		out[k].name = f[2];
		out[k].namelen = len[2];
		out[k].phone = nf == 3 ? f[3] : NULL;
		out[k].phonelen = nf == 3 ? len[3] : 0;
		k++;
		if (q == end)
			break;
		p = q + 1;
		if (p == end) {
			*item = k + 1;
			*why = "empty item";
			return -1;
		}
	}
	return (int)k;
}

/* ---- the fold ---- */

static int
event_cmp(const struct case_event *a, const struct case_event *b)
{
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Insertion sort for the few events of most cases, merge sort beyond. */
static void
sort_events(struct case_event *ev, size_t n)
{
	struct case_event t, *tmp;
	size_t i, j, w, a, b, mid;

	if (n <= 32) {
		for (i = 1; i < n; i++) {
			t = ev[i];
			for (j = i; j > 0 && event_cmp(&ev[j - 1], &t) > 0;
			     j--)
				ev[j] = ev[j - 1];
			ev[j] = t;
		}
		return;
	}
	mid = n / 2;
	sort_events(ev, mid);
	sort_events(ev + mid, n - mid);
	tmp = xmalloc(n * sizeof *tmp);
	for (a = 0, b = mid, w = 0; a < mid || b < n; )
		if (b == n || (a < mid && event_cmp(&ev[a], &ev[b]) <= 0))
			tmp[w++] = ev[a++];
		else
			tmp[w++] = ev[b++];
	memcpy(ev, tmp, n * sizeof *tmp);
	free(tmp);
}

void
case_fold_events(const struct case_cfg *c, struct case_event *ev, size_t n,
		 struct case_fold *f,
		 void (*rej)(void *ctx, const struct case_event *e,
			     const char *why),
		 void *ctx)
{
	const struct case_stage *cur = NULL, *st;
	char why[256];
	size_t i;
	int returns = 0;
	char type;

	(void)c;
	memset(f, 0, sizeof *f);
	f->stage_since = f->opened = f->filed_at = f->solved_at =
		f->closed_at = CASE_NO_TIME;
	if (n == 0)
		return;
	sort_events(ev, n);
	type = 0;
	for (i = 0; i < n && type == 0; i++)
		type = ev[i].stage->type;
	for (i = 0; i < n; i++) {
		st = ev[i].stage;
		f->events++;
		f->hidden |= ev[i].hidden;
		ev[i].rejected = 0;
		if (st->state == CS_COMPLAINT) {
			if (cur == NULL) {
				snprintf(why, sizeof why, "stage '%s' before "
					 "the case was received", st->name);
				goto reject;
			}
			f->complaints++;
			continue;
		}
		if (cur != NULL && st->state == cur->state) {
			if (ev[i].limit_days >= 0)
				f->limit_days = ev[i].limit_days;
			if (st != cur)	/* another name for the same state */
				cur = st;
			continue;
		}
		if (!case_transition_ok(type, cur ? cur->state : CS_NONE,
					st->state)) {
			if (cur == NULL)
				snprintf(why, sizeof why, "stage '%s' cannot "
					 "open a case (it starts with %s)",
					 st->name, type == 'A' ? "RECEIVED" :
					 "ACCEPTED");
			else
				snprintf(why, sizeof why, "stage '%s' cannot "
					 "follow '%s'", st->name, cur->name);
			goto reject;
		}
		if (cur != NULL && cur->state == CS_TRANSFERRED &&
		    st->state == CS_INVESTIGATING &&
		    ++returns > CASE_MAX_RETURNS) {
			snprintf(why, sizeof why, "stage '%s' after '%s' a "
				 "third time (supplementary investigation at "
				 "most twice)", st->name, cur->name);
			goto reject;
		}
		cur = st;
		f->stage_since = ev[i].time;
		f->limit_days = ev[i].limit_days >= 0 ? ev[i].limit_days :
				st->limit_days;
		switch (st->state) {
		case CS_RECEIVED: case CS_ACCEPTED:
			f->opened = ev[i].time;
			if (type == 'X')
				f->filed_at = ev[i].time;
			break;
		case CS_FILED:
			if (f->filed_at == CASE_NO_TIME)
				f->filed_at = ev[i].time;
			break;
		case CS_SOLVED: case CS_DECIDED:
			if (f->solved_at == CASE_NO_TIME)
				f->solved_at = ev[i].time;
			break;
		case CS_CLOSED:
			f->closed_at = ev[i].time;
			break;
		default:
			break;
		}
		continue;
reject:
		ev[i].rejected = 1;
		f->rejected++;
		if (rej != NULL)
			rej(ctx, &ev[i], why);
	}
	f->stage = cur;
}

int32_t
case_fold_due(const struct case_cfg *c, const struct case_fold *f)
{
	int64_t from;

	if (f->stage == NULL || f->limit_days <= 0)
		return DATE_NONE;
	from = f->stage->from_opened ? f->opened : f->stage_since;
	if (from == CASE_NO_TIME)
		return DATE_NONE;
	return case_due(c, (int32_t)(from >= 0 ? from / 86400 :
				     -((-from + 86399) / 86400)),
			f->limit_days);
}
