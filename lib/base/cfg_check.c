/* cfg: the error list and the checks of values.  See cfg.h; loading is in
 * cfg.c. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/cfg.h"
#include "base/cfg_impl.h"
#include "base/diag.h"
#include "base/util.h"

/* What a check returns in place of a bad or missing value, one per type
 * (see cfg.h): no items, "" as text.  Errors about them are not added. */
static const struct cfg_node standin[] = {
	{ CFG_NULL, 0, 0, "", 0, NULL, NULL, NULL },
	{ CFG_SCALAR, 0, 0, "", 0, NULL, NULL, NULL },
	{ CFG_LIST, 0, 0, "", 0, NULL, NULL, NULL },
	{ CFG_MAP, 0, 0, "", 0, NULL, NULL, NULL },
};

static int
is_standin(const struct cfg_node *n)
{
	return n >= standin && n < standin + JW_ARRAY_LEN(standin);
}

/* The error list. */

void
cfg_add_error(struct cfg *c, unsigned line, unsigned col, const char *msg)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (c->stopped)
		return;
	c->nerr++;
	if (c->nkept == CFG_MAX_ERRORS)
		return;
	if (line)
		buf_printf(&b, "%s:%u:%u: %s", c->name, line, col, msg);
	else
		buf_printf(&b, "%s: %s", c->name, msg);
	/* Insertion keeps the list in file order; equal positions stay in
	 * the order found. */
	for (i = c->nkept; i > 0; i--) {
		const struct cfg_err *e = &c->kept[i - 1];

		if (e->line < line || (e->line == line && e->col <= col))
			break;
		c->kept[i] = *e;
	}
	c->kept[i].line = line;
	c->kept[i].col = col;
	c->kept[i].msg = arena_memdup(&c->mem, b.p, b.len);
	c->nkept++;
	buf_release(&b);
}

static void
cfg_verror(struct cfg *c, const struct cfg_node *n, const char *key,
	   const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	if (c->stopped || (n != NULL && is_standin(n)))
		return;
	if (key) {
		buf_adds(&b, "key '");
		buf_add_quoted(&b, key, strlen(key));
		buf_adds(&b, "': ");
	}
	buf_vprintf(&b, fmt, ap);
	cfg_add_error(c, n ? n->line : 0, n ? n->col : 0, b.p);
	buf_release(&b);
}

void
cfg_error(struct cfg *c, const struct cfg_node *n, const char *key,
	  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(c, n, key, fmt, ap);
	va_end(ap);
}

size_t
cfg_nerrors(const struct cfg *c)
{
	return c->nerr;
}

const char *
cfg_errmsg(const struct cfg *c, size_t i)
{
	return i < c->nkept ? c->kept[i].msg : NULL;
}

void
cfg_done(const struct cfg *c)
{
	size_t i;

	if (c->nerr == 0)
		return;
	for (i = 0; i < c->nkept; i++)
		diag_error("%s", c->kept[i].msg);
	if (c->nerr > c->nkept)
		diag_error("%s: and %zu more error%s", c->name,
			   c->nerr - c->nkept,
			   c->nerr - c->nkept == 1 ? "" : "s");
	exit(JW_EXIT_CONFIG);
}

void
cfg_fail(struct cfg *c, const struct cfg_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(c, n, NULL, fmt, ap);
	va_end(ap);
	/* A stand-in (or a stopped load) has its error in the list already;
	 * count one so that cfg_done() does exit. */
	if (c->nerr == 0)
		c->nerr = 1;
	cfg_done(c);
	exit(JW_EXIT_CONFIG);
}

/* Lookup and typed access. */

const struct cfg_node *
cfg_get(const struct cfg_node *map, const char *key)
{
	size_t i, n;

	if (map == NULL || map->type != CFG_MAP)
		return NULL;
	n = strlen(key);
	for (i = 0; i < map->len; i++)
		if (map->keynodes[i]->len == n &&
		    memcmp(map->keys[i], key, n) == 0)
			return map->items[i];
	return NULL;
}

static const char *
type_what(enum cfg_type t)
{
	switch (t) {
	case CFG_NULL:
		return "nothing";
	case CFG_SCALAR:
		return "text";
	case CFG_LIST:
		return "a list";
	case CFG_MAP:
		return "a map";
	}
	return "?";
}

/* For cfg_opt() and cfg_need(): the value, NULL when absent, or the
 * stand-in of type t after an error. */
static const struct cfg_node *
cfg_lookup(struct cfg *c, const struct cfg_node *map, const char *key,
	   enum cfg_type t, const char *what)
{
	const struct cfg_node *v;
	struct buf b = BUF_INIT;

	/* An empty value (or file) is an empty map: its keys are missing. */
	if (map != NULL && map->type == CFG_NULL)
		return NULL;
	if (map == NULL || map->type != CFG_MAP) {
		buf_add_quoted(&b, key, strlen(key));
		cfg_error(c, map, NULL, "expected a map with key '%s'", b.p);
		buf_release(&b);
		return &standin[t];
	}
	v = cfg_get(map, key);
	if (v != NULL && v->type != t) {
		cfg_error(c, v, key, "expected %s", what ? what : type_what(t));
		return &standin[t];
	}
	return v;
}

const struct cfg_node *
cfg_opt(struct cfg *c, const struct cfg_node *map, const char *key,
	enum cfg_type t, const char *what)
{
	const struct cfg_node *v = cfg_lookup(c, map, key, t, what);

	return v != NULL && is_standin(v) ? NULL : v;
}

const struct cfg_node *
cfg_need(struct cfg *c, const struct cfg_node *map, const char *key,
	 enum cfg_type t, const char *what)
{
	const struct cfg_node *v = cfg_lookup(c, map, key, t, what);
	struct buf b = BUF_INIT;

	if (v != NULL)
		return v;
	buf_add_quoted(&b, key, strlen(key));
	cfg_error(c, map, NULL, "missing key '%s': expected %s", b.p,
		  what ? what : type_what(t));
	buf_release(&b);
	return &standin[t];
}

const char *
cfg_str(struct cfg *c, const struct cfg_node *n, const char *key)
{
	if (n == NULL || n->type != CFG_SCALAR) {
		cfg_error(c, n, key, "expected text");
		return "";
	}
	if (strlen(n->str) != n->len) {
		cfg_error(c, n, key, "expected text without NUL characters");
		return "";
	}
	return n->str;
}

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* The whole number n holds, in *v; 0 when it is not one (or overflows). */
static int
parse_long(const struct cfg_node *n, long *v)
{
	const char *s;
	int neg = 0;
	long d;

	/* Accumulate as a negative number: LONG_MIN has no positive twin. */
	*v = 0;
	if (n == NULL || n->type != CFG_SCALAR)
		return 0;
	s = n->str;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!is_digit((unsigned char)*s))
		return 0;
	for (; is_digit((unsigned char)*s); s++) {
		d = *s - '0';
		if (*v < (LONG_MIN + d) / 10)
			return 0;
		*v = *v * 10 - d;
	}
	if (*s != '\0' || (size_t)(s - n->str) != n->len)
		return 0;
	if (!neg) {
		if (*v == LONG_MIN)
			return 0;
		*v = -*v;
	}
	return 1;
}

long
cfg_long(struct cfg *c, const struct cfg_node *n, const char *key, long min,
	 long max)
{
	long v;

	if (parse_long(n, &v) && v >= min && v <= max)
		return v;
	if (min == LONG_MIN && max == LONG_MAX)
		cfg_error(c, n, key, "expected a whole number");
	else if (min == LONG_MIN)
		cfg_error(c, n, key, "expected a whole number of at most %ld",
			  max);
	else if (max == LONG_MAX)
		cfg_error(c, n, key, "expected a whole number of at least %ld",
			  min);
	else
		cfg_error(c, n, key, "expected a whole number from %ld to %ld",
			  min, max);
	return min <= 0 && max >= 0 ? 0 : min;
}

/* [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?: what people
 * write; strtod() alone would also take hex, "inf", "nan" and spaces. */
static int
is_decimal(const char *s)
{
	int digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; is_digit((unsigned char)*s); s++)
		digits++;
	if (*s == '.')
		for (s++; is_digit((unsigned char)*s); s++)
			digits++;
	if (digits == 0)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!is_digit((unsigned char)*s))
			return 0;
		while (is_digit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

double
cfg_double(struct cfg *c, const struct cfg_node *n, const char *key)
{
	double v;

	if (n == NULL || n->type != CFG_SCALAR || strlen(n->str) != n->len ||
	    !is_decimal(n->str) || !isfinite(v = strtod(n->str, NULL))) {
		cfg_error(c, n, key, "expected a number");
		return 0;
	}
	return v;
}

void
cfg_known_keys(struct cfg *c, const struct cfg_node *map,
	       const char *const allowed[])
{
	const struct cfg_node *k;
	struct buf b = BUF_INIT;
	size_t i, j, n;

	if (map == NULL || map->type == CFG_NULL)
		return;
	if (map->type != CFG_MAP) {
		cfg_error(c, map, NULL, "expected a map");
		return;
	}
	for (i = 0; i < map->len; i++) {
		k = map->keynodes[i];
		for (j = 0; allowed[j] != NULL; j++) {
			n = strlen(allowed[j]);
			if (k->len == n && memcmp(k->str, allowed[j], n) == 0)
				break;
		}
		if (allowed[j] != NULL)
			continue;
		buf_reset(&b);
		buf_add_quoted(&b, k->str, k->len);
		buf_adds(&b, "' (known keys:");
		for (j = 0; allowed[j] != NULL; j++)
			buf_printf(&b, "%s %s", j ? "," : "", allowed[j]);
		if (j == 0)
			buf_adds(&b, " none");
		buf_addc(&b, ')');
		cfg_error(c, k, NULL, "unknown key '%s", b.p);
	}
	buf_release(&b);
}
