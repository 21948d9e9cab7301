/* viol: violation codes, states, late fees, scoring cycles.  See viol.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
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
 * Makefile (viol_default.c). */
extern const char viol_default_yaml[];
extern const size_t viol_default_yaml_len;

struct viol_codes {
	struct cfg *cfg;		/* owns every string */
	struct viol_code *v;
	size_t n;
	struct htab by_code;		/* code -> index (size_t) */
};

/* Errors of one parse, collected rather than fatal. */
struct perr {
	const char *name;
	struct buf *out;
	unsigned n;
	struct buf code, key;	/* the code and a key, quoted for messages */
};

/* s quoted for a message (control bytes escaped) into b. */
static const char *
perr_q(struct buf *b, const char *s)
{
	buf_reset(b);
	buf_add_quoted(b, s, strlen(s));
	return b->p;
}

static void perr_at(struct perr *e, const struct cfg_node *nd,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
perr_at(struct perr *e, const struct cfg_node *nd, const char *fmt, ...)
{
	va_list ap;

	if (e->n++ >= VIOL_MAX_ERRORS)
		return;
	if (nd != NULL)
		buf_printf(e->out, "%s:%u:%u: ", e->name, nd->line, nd->col);
	else
		buf_printf(e->out, "%s: ", e->name);
	va_start(ap, fmt);
	buf_vprintf(e->out, fmt, ap);
	va_end(ap);
	buf_addc(e->out, '\n');
}

static int
is_code(const char *s, size_t n)
{
	return n >= 4 && n <= 6 && num_is_digits(s, n);
}

/* A fine in yuan, at most 2 decimals, 0 to 1,000,000. */
static int
fine_of(struct perr *e, const struct cfg_node *nd, long long *v)
{
	if (nd->type != CFG_SCALAR || num_dec(nd->str, nd->len, 2, v) < 0 ||
	    *v < 0 || *v > 100000000LL) {
		perr_at(e, nd, "code '%s': key 'fine': expected an amount in "
			"yuan from 0 to 1000000 with at most 2 decimals, or "
			"[min, max]", e->code.p);
		return -1;
	}
	return 0;
}

static void
parse_fine(struct perr *e, const struct cfg_node *nd, struct viol_code *c)
{
	long long lo, hi;

	if (nd->type == CFG_LIST) {
		if (nd->len != 2) {
			perr_at(e, nd, "code '%s': key 'fine': expected [min, "
				"max], two amounts", e->code.p);
			return;
		}
		if (fine_of(e, nd->items[0], &lo) < 0 ||
		    fine_of(e, nd->items[1], &hi) < 0)
			return;
		if (lo > hi) {
			perr_at(e, nd, "code '%s': key 'fine': min is above "
				"max", e->code.p);
			return;
		}
	} else {
		if (fine_of(e, nd, &lo) < 0)
			return;
		hi = lo;
	}
	c->fine_min = lo;
	c->fine_max = hi;
}

static void
parse_code(struct perr *e, const struct cfg_node *key,
	   const struct cfg_node *val, struct viol_code *c)
{
	static const char *const known[] = { "desc", "points", "fine",
		"basis", NULL };
	const struct cfg_node *d;
	long long pts;
	size_t i, k;

	c->line = key->line;
	c->desc = "";
	c->basis = "";
	c->fine_min = c->fine_max = -1;
	c->points = -1;
	perr_q(&e->code, c->code);
	if (!is_code(c->code, strlen(c->code)))
		perr_at(e, key, "code '%s': expected 4 to 6 digits", e->code.p);
	if (val->type != CFG_MAP) {
		perr_at(e, val, "code '%s': expected a map with keys desc, "
			"points, fine", e->code.p);
		return;
	}
	for (i = 0; i < val->len; i++) {
		for (k = 0; known[k] != NULL; k++)
			if (strcmp(val->keys[i], known[k]) == 0)
				break;
		if (known[k] == NULL)
			perr_at(e, val->keynodes[i], "code '%s': unknown key "
				"'%s' (known keys: desc, points, fine, basis)",
				e->code.p, perr_q(&e->key, val->keys[i]));
	}
	d = cfg_get(val, "desc");
	if (d == NULL || d->type != CFG_SCALAR || d->len == 0 ||
	    memchr(d->str, '\0', d->len) != NULL)
		perr_at(e, d ? d : val, "code '%s': %s 'desc': expected the "
			"violation's description", e->code.p,
			d ? "key" : "missing key");
	else
		c->desc = d->str;
	d = cfg_get(val, "basis");
	if (d != NULL && (d->type != CFG_SCALAR ||
			  memchr(d->str, '\0', d->len) != NULL))
		perr_at(e, d, "code '%s': key 'basis': expected text",
			e->code.p);
	else if (d != NULL)
		c->basis = d->str;
	d = cfg_get(val, "points");
	if (d == NULL || d->type != CFG_SCALAR ||
	    num_ll(d->str, d->len, &pts) < 0 ||
	    (pts != 0 && pts != 1 && pts != 3 && pts != 6 && pts != 9 &&
	     pts != 12))
		perr_at(e, d ? d : val, "code '%s': %s 'points': expected 0, "
			"1, 3, 6, 9 or 12 (MPS Order 163)", e->code.p,
			d ? "key" : "missing key");
	else
		c->points = (int)pts;
	d = cfg_get(val, "fine");
	if (d == NULL)
		perr_at(e, val, "code '%s': missing key 'fine': expected an "
			"amount in yuan or [min, max]", e->code.p);
	else
		parse_fine(e, d, c);
}

struct viol_codes *
viol_codes_parse(const char *name, const char *p, size_t n, struct buf *errs)
{
	struct perr e = { name, errs, 0, BUF_INIT, BUF_INIT };
	const struct cfg_node *root, *codes;
	struct viol_codes *t;
	struct cfg *c;
	size_t i;
	int isnew;

	/* Load errors (YAML syntax, limits, duplicate keys) are cfg's list
	 * (see cfg.h); XXX the checks below could add to it too. */
	c = cfg_load_mem(name, p, n);
	if (cfg_nerrors(c) > 0) {
		for (i = 0; i < cfg_nerrors(c) && i < CFG_MAX_ERRORS; i++) {
			buf_adds(errs, cfg_errmsg(c, i));
			buf_addc(errs, '\n');
		}
		cfg_free(c);
		return NULL;
	}
	root = cfg_root(c);
	codes = cfg_get(root, "codes");
	if (root->type != CFG_MAP) {
		perr_at(&e, root, "expected a map with key 'codes'");
	} else {
		for (i = 0; i < root->len; i++)
			if (strcmp(root->keys[i], "codes") != 0)
				perr_at(&e, root->keynodes[i], "unknown key "
					"'%s' (known keys: codes)",
					perr_q(&e.key, root->keys[i]));
		if (codes == NULL)
			perr_at(&e, root, "missing key 'codes': expected a "
				"map from code to desc, points, fine");
		else if (codes->type != CFG_MAP)
			perr_at(&e, codes, "key 'codes': expected a map from "
				"code to desc, points, fine");
		else if (codes->len > VIOL_MAX_CODES)
			perr_at(&e, codes, "key 'codes': more than %d codes",
				VIOL_MAX_CODES);
	}
	if (e.n > 0)
		goto fail;
	t = xcalloc(1, sizeof *t);
	t->cfg = c;
	t->n = codes->len;
	t->v = xcalloc(t->n + 1, sizeof *t->v);
	htab_init(&t->by_code, sizeof(size_t));
	for (i = 0; i < t->n; i++) {
		t->v[i].code = codes->keys[i];
		parse_code(&e, codes->keynodes[i], codes->items[i], &t->v[i]);
		*(size_t *)htab_put(&t->by_code, t->v[i].code,
				    strlen(t->v[i].code), &isnew) = i;
	}
	if (e.n == 0) {
		buf_release(&e.code);
		buf_release(&e.key);
		return t;
	}
	viol_codes_free(t);
	c = NULL;
fail:
	if (e.n > VIOL_MAX_ERRORS)
		buf_printf(errs, "%s: %u more errors not shown\n", name,
			   e.n - VIOL_MAX_ERRORS);
	buf_release(&e.code);
	buf_release(&e.key);
	cfg_free(c);
	return NULL;
}

struct viol_codes *
viol_codes_load(const char *path)
{
	struct buf errs = BUF_INIT, data = BUF_INIT;
	struct viol_codes *t;
	char chunk[65536];
	size_t k;
	FILE *f;

	if (path == NULL) {
		t = viol_codes_parse("(built-in codes)", viol_default_yaml,
				     viol_default_yaml_len, &errs);
	} else {
		f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
		if (f == NULL)
			diag_die(JW_EXIT_CONFIG, "%s: cannot open: %s", path,
				 strerror(errno));
		while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
			buf_add(&data, chunk, k);
			if (data.len > CFG_MAX_BYTES)
				break;
		}
		if (ferror(f))
			diag_die(JW_EXIT_CONFIG, "%s: cannot read: %s", path,
				 strerror(errno));
		if (f != stdin)
			fclose(f);
		t = viol_codes_parse(strcmp(path, "-") == 0 ? "<stdin>" : path,
				     data.p, data.len, &errs);
		buf_release(&data);
	}
	if (t == NULL) {
		/* Every error, each as "prog: file:line:col: what". */
		char *s = errs.p, *nl;

		while ((nl = strchr(s, '\n')) != NULL) {
			*nl = '\0';
			diag_error("%s", s);
			s = nl + 1;
		}
		buf_release(&errs);
		exit(JW_EXIT_CONFIG);
	}
	buf_release(&errs);
	return t;
}

void
viol_codes_free(struct viol_codes *t)
{
	if (t == NULL)
		return;
	htab_release(&t->by_code);
	cfg_free(t->cfg);
	free(t->v);
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
