/*
 * cfg: YAML configuration as a small typed tree (libyaml), and the list of
 * everything wrong with it.
 *
 * cfg_load() reads one YAML document into a tree of scalars, lists and maps,
 * each node knowing its line and column (1-based; the column counts
 * characters, as libyaml does).  All memory belongs to the struct cfg and is
 * freed by cfg_free(): nodes, strings and arrays stay valid until then.
 *
 * Errors are collected, not fatal, so that one run names every mistake of
 * a file.  A program's loader is written like this:
 *
 *	c = cfg_load(path);			   never NULL
 *	root = cfg_root(c);
 *	cfg_known_keys(c, root, keys);		   each unknown key: an error
 *	list = cfg_need(c, root, "stages", CFG_LIST, "a list of stages");
 *	for (i = 0; i < list->len; i++)		   an empty list when missing
 *		days = cfg_long(c, cfg_get(list->items[i], "days"), "days",
 *				1, 3650);	   1 (the minimum) when bad
 *	if (days_are_out_of_order)
 *		cfg_error(c, node, "days", "expected more than %ld", prev);
 *	cfg_done(c);				   prints them all, exits 3
 *
 * Every check below adds its message to c's list and returns a stand-in
 * (an empty list or map, "", the minimum, 0, NULL for an optional key), so
 * that the loader goes on and finds the next mistake.  An error about a
 * stand-in is not added again: a missing 'name' is one error, not also
 * "name is empty" afterwards.  cfg_done() prints every error on stderr,
 * one line each, "prog: file:line:col: key 'k': what", in file order; after
 * CFG_MAX_ERRORS of them one more line "prog: file: and N more errors";
 * then it exits with status 3 (JW_EXIT_CONFIG).  With no error it returns.
 * A loader must call cfg_done() (or look at cfg_nerrors()) before it uses
 * any value it read: the stand-ins are not the configuration.
 *
 * Load errors go into the same list.  A file that cannot be read, a YAML
 * syntax error and the limits below stop the loading: the root is then an
 * empty (CFG_NULL) node, and what the loader checks afterwards adds no
 * error (a partial tree would only produce false ones).  Other load errors
 * are collected and the tree stays whole: each duplicate key in a map
 * ("duplicate key 'k' (first on line N)", at the second one; lookups find
 * the first), each alias to an unknown anchor or to a node it is inside of
 * (the alias becomes an empty node).
 *
 * Limits, so that no file can crash or exhaust the program:
 * - nesting depth CFG_MAX_DEPTH lists and maps ("nesting deeper than 64
 *   levels");
 * - CFG_MAX_NODES nodes with aliases expanded: an alias shares its node by
 *   pointer (no copy) but counts that node's whole subtree each time it is
 *   used, so a "billion laughs" file fails fast, in bounded memory ("document
 *   too large: more than 1000000 nodes when aliases are expanded");
 * - file size CFG_MAX_BYTES.
 * Also stopping: a key that is a list or map ("map key must be text"),
 * more than one document ("expected one YAML document"), libyaml's own
 * syntax errors, as "problem (context at line L, column C)".
 *
 * Scalars keep their text.  A plain (unquoted, untagged) scalar that is
 * empty, '~', 'null', 'Null' or 'NULL' is a CFG_NULL node (its str is that
 * text); quoted '' is an empty CFG_SCALAR.  Tags are ignored.  Merge keys
 * are not supported: '<<' is an ordinary key.  An aliased node keeps the
 * position of its anchor.
 */
#ifndef JW_CFG_H
#define JW_CFG_H

#include <stddef.h>

#define CFG_MAX_DEPTH 64
#define CFG_MAX_NODES 1000000
#define CFG_MAX_BYTES (64u << 20)
#define CFG_MAX_ERRORS 20	/* printed by cfg_done(); the rest counted */

enum cfg_type { CFG_NULL, CFG_SCALAR, CFG_LIST, CFG_MAP };

struct cfg_node {
	enum cfg_type type;
	unsigned line, col;		/* 1-based position in the file */
	const char *str;		/* CFG_SCALAR: text, NUL-terminated */
	size_t len;			/* CFG_SCALAR: bytes; LIST/MAP: items */
	struct cfg_node **items;	/* LIST: items; MAP: values */
	const char **keys;		/* MAP: keys, parallel to items */
	const struct cfg_node **keynodes; /* MAP: key nodes, for positions */
};

struct cfg;

/* Load path (or "-" for stdin, named "<stdin>").  Always returns a tree
 * (free it with cfg_free()); what went wrong is in its error list: "file:
 * cannot open: <strerror>", "file: cannot read: <strerror>", or
 * "file:line:col: what" for the YAML.  Exits 5 only when out of memory. */
struct cfg *cfg_load(const char *path);
/* The same from p[0..n) (need not be NUL-terminated); name is used in
 * messages.  p is not kept after the call. */
struct cfg *cfg_load_mem(const char *name, const char *p, size_t n);
/* Free c and every node of it; NULL is allowed. */
void cfg_free(struct cfg *c);
/* The root node (a CFG_NULL node for an empty document, or when loading
 * stopped) and file name. */
const struct cfg_node *cfg_root(const struct cfg *c);
const char *cfg_name(const struct cfg *c);

/* The error list. */

/* Add an error at node n: "file:line:col: key 'k': " + message, or without
 * "key 'k': " when key is NULL, or "file: ..." when n is NULL.  Nothing is
 * added when n is a stand-in returned by a check below, or when loading
 * stopped. */
void cfg_error(struct cfg *c, const struct cfg_node *n, const char *key,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The number of errors found so far (all of them, also those past
 * CFG_MAX_ERRORS), and error i (i < CFG_MAX_ERRORS and i < cfg_nerrors())
 * as "file:line:col: what", in file order (messages without a position
 * first).  The text belongs to c and changes when an error is added. */
size_t cfg_nerrors(const struct cfg *c);
const char *cfg_errmsg(const struct cfg *c, size_t i);
/* When c has errors: print them (see above) and exit 3.  Otherwise return. */
void cfg_done(const struct cfg *c);
/* cfg_error(c, n, NULL, ...), then cfg_done(): for a mistake after which
 * the loader cannot go on.  Prints the errors found so far too. */
void cfg_fail(struct cfg *c, const struct cfg_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

/* Lookup and typed access. */

/* Map lookup: the value of key in map, or NULL when absent (or when map is
 * not a map).  Adds no error. */
const struct cfg_node *cfg_get(const struct cfg_node *map, const char *key);

/* The value of key in map, of type t.  Errors: "key 'k': expected <what>"
 * at the value when it has another type, "missing key 'k': expected
 * <what>" at the map when cfg_need()'s key is absent, "expected a map with
 * key 'k'" when map is a scalar or a list.  A CFG_NULL map (an empty file,
 * "grid:" with nothing after it) counts as an empty map.  what describes
 * the expected value, e.g. "a list of grids"; NULL means "text", "a list",
 * "a map" by type (so an empty value, CFG_NULL, is not a CFG_SCALAR).
 * cfg_need() returns the value or, on an error, a stand-in of type t with
 * no items ("" for a scalar), never NULL.  cfg_opt() returns NULL when the
 * key is absent or on an error.  The node returned belongs to c. */
const struct cfg_node *cfg_need(struct cfg *c, const struct cfg_node *map,
				const char *key, enum cfg_type t,
				const char *what);
const struct cfg_node *cfg_opt(struct cfg *c, const struct cfg_node *map,
			       const char *key, enum cfg_type t,
			       const char *what);
/* Scalar as string / integer / number.  key names the value in the
 * message (NULL for list items: "file:line:col: expected ..."); n may be
 * NULL (an absent key: the message has no position).
 * cfg_str(): the text of a CFG_SCALAR (owned by c); else "expected text"
 * (text holding a NUL, from a "\0" escape: "expected text without NUL
 * characters") and returns "".
 * cfg_long(): decimal digits with an optional sign, nothing else, within
 * [min, max]; else "expected a whole number from MIN to MAX" (or "of at
 * least MIN" / "of at most MAX" when the other end is LONG_MAX/LONG_MIN)
 * and returns 0 when that is in [min, max], else min.
 * cfg_double(): [+-]digits[.digits][e[+-]digits], finite; no hex, inf or
 * nan; else "expected a number" and returns 0. */
const char *cfg_str(struct cfg *c, const struct cfg_node *n, const char *key);
long cfg_long(struct cfg *c, const struct cfg_node *n, const char *key,
	      long min, long max);
double cfg_double(struct cfg *c, const struct cfg_node *n, const char *key);
/* Check that every key of map is in the NULL-terminated list allowed: one
 * error "unknown key 'k' (known keys: a, b)" per unknown key (catches typos
 * such as 'patern').  A NULL or CFG_NULL map passes; a list or scalar is
 * "expected a map". */
void cfg_known_keys(struct cfg *c, const struct cfg_node *map,
		    const char *const allowed[]);

#endif
