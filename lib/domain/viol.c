/* viol: violation codes, states, late fees, scoring cycles.  See viol.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/cfg.h"
#include "base/date.h"
#include "base/diag.h"
#include "base/htab.h"
#include "base/num.h"
#include "base/util.h"
#include "domain/viol.h"

/* The default table, compiled in from testdata/viol/codes.yaml by the
 * Makefile: its text (viol_default.c, scripts/embed) and its entries
 * (viol_table.c, scripts/embed-codes), so that a lookup parses no YAML. */
extern const char viol_default_yaml[];
extern const size_t viol_default_yaml_len;
extern const struct viol_code viol_default_codes[];
extern const size_t viol_default_ncodes;

struct viol_codes {
	struct cfg *cfg;		/* owns every string; NULL: built in */
	const struct viol_code *v;
	struct viol_code *own;		/* v when parsed */
	size_t n;
	struct htab by_code;		/* code -> index (size_t) */
};

static int
is_code(const char *s, size_t n)
{
	return n >= 4 && n <= 6 && num_is_digits(s, n);
}

/* A fine in yuan, at most 2 decimals, 0 to 1,000,000; -1 (an error added)
 * when not. */
static int
fine_of(struct cfg *c, const struct cfg_node *nd, long long *v)
{
	if (nd->type != CFG_SCALAR || num_dec(nd->str, nd->len, 2, v) < 0 ||
	    *v < 0 || *v > 100000000LL) {
		cfg_error(c, nd, "fine", "expected an amount in yuan from 0 "
			  "to 1000000 with at most 2 decimals, or [min, max]");
		return -1;
	}
	return 0;
}

static void
parse_fine(struct cfg *c, const struct cfg_node *val, struct viol_code *e)
{
	const struct cfg_node *nd = cfg_get(val, "fine");
	long long lo, hi;

	if (nd == NULL) {
		cfg_error(c, val, NULL, "missing key 'fine': expected an "
			  "amount in yuan or [min, max]");
		return;
	}
	if (nd->type == CFG_LIST) {
		if (nd->len != 2) {
			cfg_error(c, nd, "fine", "expected [min, max], two "
				  "amounts");
			return;
		}
		if (fine_of(c, nd->items[0], &lo) < 0 ||
		    fine_of(c, nd->items[1], &hi) < 0)
			return;
		if (lo > hi) {
			cfg_error(c, nd, "fine", "min is above max");
			return;
		}
	} else {
		if (fine_of(c, nd, &lo) < 0)
			return;
		hi = lo;
	}
	e->fine_min = lo;
	e->fine_max = hi;
}

/* Entry e from the code key (a node for its position) and its map val;
 * each mistake is an error of c. */
static void
parse_code(struct cfg *c, const struct cfg_node *key,
	   const struct cfg_node *val, struct viol_code *e)
{
	static const char *const known[] = { "desc", "points", "fine",
		"basis", NULL };
	const struct cfg_node *d;
	struct buf q = BUF_INIT;
	long pts;

	e->line = key->line;
	e->fine_min = e->fine_max = -1;
	buf_add_quoted(&q, e->code, strlen(e->code));
	if (!is_code(e->code, strlen(e->code)))
		cfg_error(c, key, NULL, "code '%s': expected 4 to 6 digits",
			  q.p);
	if (val->type != CFG_MAP)
		cfg_error(c, val, NULL, "code '%s': expected a map with keys "
			  "desc, points, fine", q.p);
	buf_release(&q);
	if (val->type != CFG_MAP) {
		e->desc = e->basis = "";
		e->points = -1;
		return;
	}
	cfg_known_keys(c, val, known);
	d = cfg_need(c, val, "desc", CFG_SCALAR, "the violation's "
		     "description");
	e->desc = cfg_str(c, d, "desc");
	if (d->type == CFG_SCALAR && d->len == 0)
		cfg_error(c, d, "desc", "expected the violation's "
			  "description, not empty text");
	d = cfg_opt(c, val, "basis", CFG_SCALAR, NULL);
	e->basis = d != NULL ? cfg_str(c, d, "basis") : "";
	d = cfg_need(c, val, "points", CFG_SCALAR, "0, 1, 3, 6, 9 or 12 "
		     "(MPS Order 163)");
	pts = cfg_long(c, d, "points", 0, 12);
	if (pts != 0 && pts != 1 && pts != 3 && pts != 6 && pts != 9 &&
	    pts != 12)
		cfg_error(c, d, "points", "expected 0, 1, 3, 6, 9 or 12 (MPS "
			  "Order 163)");
	e->points = (int)pts;
	parse_fine(c, val, e);
}

static void
index_codes(struct viol_codes *t)
{
	size_t i;
	int isnew;

	htab_init(&t->by_code, sizeof(size_t));
	for (i = 0; i < t->n; i++)
		*(size_t *)htab_put(&t->by_code, t->v[i].code,
				    strlen(t->v[i].code), &isnew) = i;
}

/* The table of c, every mistake added to c's errors; NULL when there is
 * one. */
static struct viol_codes *
codes_of(struct cfg *c)
{
	static const char *const known[] = { "codes", NULL };
	const struct cfg_node *root = cfg_root(c), *codes;
	struct viol_codes *t;
	size_t i;

	if (root->type == CFG_MAP)
		cfg_known_keys(c, root, known);
	codes = cfg_need(c, root, "codes", CFG_MAP, "a map from code to "
			 "desc, points, fine");
	if (codes->len > VIOL_MAX_CODES) {
		cfg_error(c, codes, "codes", "more than %d codes",
			  VIOL_MAX_CODES);
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->n = codes->len;
	t->own = xcalloc(t->n + 1, sizeof *t->own);
	for (i = 0; i < t->n; i++) {
		t->own[i].code = codes->keys[i];
		parse_code(c, codes->keynodes[i], codes->items[i], &t->own[i]);
	}
	t->v = t->own;
	if (cfg_nerrors(c) > 0) {
		free(t->own);
		free(t);
		return NULL;
	}
	t->cfg = c;
	index_codes(t);
	return t;
}

struct viol_codes *
viol_codes_parse(const char *name, const char *p, size_t n, struct buf *errs)
{
	struct cfg *c = cfg_load_mem(name, p, n);
	struct viol_codes *t;
	size_t i;

	/* Load errors that do not stop the loading (a duplicate key) are
	 * listed with the table's own. */
	t = codes_of(c);
	if (t != NULL)
		return t;
	for (i = 0; i < cfg_nerrors(c) && i < CFG_MAX_ERRORS; i++) {
		buf_adds(errs, cfg_errmsg(c, i));
		buf_addc(errs, '\n');
	}
	if (cfg_nerrors(c) > CFG_MAX_ERRORS)
		buf_printf(errs, "%s: and %zu more errors\n", name,
			   cfg_nerrors(c) - CFG_MAX_ERRORS);
	cfg_free(c);
	return NULL;
}

struct viol_codes *
viol_codes_load(const char *path)
{
	struct viol_codes *t;
	struct cfg *c;

	if (path == NULL) {
		t = xcalloc(1, sizeof *t);
		t->v = viol_default_codes;
		t->n = viol_default_ncodes;
		index_codes(t);
		return t;
	}
	c = cfg_load(path);
	if ((t = codes_of(c)) != NULL)
		return t;
	cfg_done(c);		/* every error, then exit 3 */
	abort();		/* not reached */
}

const char *
viol_codes_default_yaml(size_t *n)
{
	*n = viol_default_yaml_len;
	return viol_default_yaml;
}

void
viol_codes_free(struct viol_codes *t)
{
	if (t == NULL)
		return;
	htab_release(&t->by_code);
	cfg_free(t->cfg);
	free(t->own);
	free(t);
}

const struct viol_code *
viol_code_find(const struct viol_codes *t, const char *p, size_t n)
{
	size_t *i = htab_find(&t->by_code, p, n);

	return i ? &t->v[*i] : NULL;
}

size_t
viol_codes_count(const struct viol_codes *t)
{
	return t->n;
}

const struct viol_code *
viol_code_at(const struct viol_codes *t, size_t i)
{
	return &t->v[i];
}

static const char *const status_names[] = { "未处理", "已处理", "已缴款" };

enum viol_status
viol_status_parse(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < JW_ARRAY_LEN(status_names); i++)
		if (n == strlen(status_names[i]) &&
		    memcmp(p, status_names[i], n) == 0)
			return (enum viol_status)i;
	return VIOL_BAD;
}

const char *
viol_status_name(enum viol_status s)
{
	return s >= 0 && (size_t)s < JW_ARRAY_LEN(status_names) ?
	       status_names[s] : "?";
}

int32_t
viol_late_days(int32_t decided, int32_t asof)
{
	int64_t d = (int64_t)asof - decided - VIOL_PAY_DAYS;

	return d > 0 ? (int32_t)(d > INT32_MAX ? INT32_MAX : d) : 0;
}

long long
viol_late_fee(long long fine, int32_t days)
{
	/* From day 34 on 3% a day has passed the fine: capped.  Capping days
	 * first also keeps fine * 3 * days from overflowing. */
	if (days <= 0 || fine <= 0)
		return 0;
	if (days >= 34)
		return fine;
	if (fine > LLONG_MAX / 102)
		return fine;
	return fine * 3 * days / 100 < fine ? fine * 3 * days / 100 : fine;
}

int
viol_cycle(int32_t first, int32_t asof, int32_t *start, int32_t *end)
{
	int y0, m0, d0, y1, m1, d1, k;
	int32_t s;

	if (asof < first)
		return -1;
	date_to_ymd(first, &y0, &m0, &d0);
	date_to_ymd(asof, &y1, &m1, &d1);
	k = y1 - y0;
	s = date_add_months(first, 12 * k);
	if (s == DATE_NONE || s > asof)
		s = date_add_months(first, 12 * --k);
	*start = s;
	*end = date_add_months(first, 12 * (k + 1));
	if (*end == DATE_NONE)
		*end = DATE_MAX;
	return 0;
}

/* 号牌种类 (GA 24.7), DOMAIN file section 2; 25-27 are disputed and left
 * out. */
static const struct { const char *code, *name; } plate_types[] = {
	{ "01", "大型汽车" }, { "02", "小型汽车" }, { "03", "使馆汽车" },
	{ "04", "领馆汽车" }, { "05", "境外汽车" }, { "06", "外籍汽车" },
	{ "07", "普通摩托车" }, { "08", "轻便摩托车" }, { "09", "使馆摩托车" },
	{ "10", "领馆摩托车" }, { "11", "境外摩托车" }, { "12", "外籍摩托车" },
	{ "13", "低速车" }, { "14", "拖拉机" }, { "15", "挂车" },
	{ "16", "教练汽车" }, { "17", "教练摩托车" }, { "18", "试验汽车" },
	{ "19", "试验摩托车" }, { "20", "临时入境汽车" },
	{ "21", "临时入境摩托车" }, { "22", "临时行驶车" },
	{ "23", "警用汽车" }, { "24", "警用摩托" },
	{ "51", "大型新能源汽车" }, { "52", "小型新能源汽车" },
	{ "99", "其他" }
};

const char *
viol_plate_type_name(const char *p, size_t n)
{
	size_t i;

	if (n != 2)
		return NULL;
	for (i = 0; i < JW_ARRAY_LEN(plate_types); i++)
		if (memcmp(p, plate_types[i].code, 2) == 0)
			return plate_types[i].name;
	return NULL;
}
