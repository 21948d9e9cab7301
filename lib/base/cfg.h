/*
 * cfg: YAML configuration as a small typed tree (libyaml).
 *
 * cfg_load() reads one YAML document into a tree of scalars, lists and maps,
 * each node knowing its line and column (1-based; the column counts
 * characters, as libyaml does).  All memory belongs to the struct cfg and is
 * freed by cfg_free(): nodes, strings and arrays stay valid until then.
 *
 * Limits, so that no file can crash or exhaust the program:
 * - nesting depth CFG_MAX_DEPTH lists and maps ("nesting deeper than 64
 *   levels");
 * - CFG_MAX_NODES nodes with aliases expanded: an alias shares its node by
 *   pointer (no copy) but counts that node's whole subtree each time it is
 *   used, so a "billion laughs" file fails fast, in bounded memory ("document
 *   too large: more than 1000000 nodes when aliases are expanded");
 * - file size CFG_MAX_BYTES.
 * Also errors: an alias to an unknown anchor, or to a node it is inside of;
 * a duplicate key in a map ("duplicate key 'k' (first on line N)", at the
 * second one); a key that is a list or map ("map key must be text"); more
 * than one document ("expected one YAML document"); libyaml's own syntax
 * errors, as "problem (context at line L, column C)".
 *
 * Scalars keep their text.  A plain (unquoted, untagged) scalar that is
 * empty, '~', 'null', 'Null' or 'NULL' is a CFG_NULL node (its str is that
 * text); quoted '' is an empty CFG_SCALAR.  Tags are ignored.  Merge keys
 * are not supported: '<<' is an ordinary key.  An aliased node keeps the
 * position of its anchor.
 *
 * Loading reports errors as a message; the typed accessors below report
 * errors by printing "prog: file:line:col: key 'k': expected ..." and
 * exiting with status 3 (diag_die(JW_EXIT_CONFIG)), which is what every
 * program wants for a bad configuration.
 */
#ifndef JW_CFG_H
#define JW_CFG_H

#include <stddef.h>

#define CFG_MAX_DEPTH 64
#define CFG_MAX_NODES 1000000
#define CFG_MAX_BYTES (64u << 20)

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

/* Load path (or "-" for stdin, named "<stdin>").  Returns the tree (free it
 * with cfg_free()).  On error returns NULL and, when err is not NULL, sets
 * *err to a message "file:line:col: what" or, for a file that cannot be
 * read, "file: cannot open: <strerror>" (caller frees).  Exits 5 only when
 * out of memory. */
struct cfg *cfg_load(const char *path, char **err);
/* The same from p[0..n) (need not be NUL-terminated); name is used in
 * messages.  p is not kept after the call. */
struct cfg *cfg_load_mem(const char *name, const char *p, size_t n,
			 char **err);
/* Free c and every node of it; NULL is allowed. */
void cfg_free(struct cfg *c);
/* The root node (a CFG_NULL node for an empty document) and file name. */
const struct cfg_node *cfg_root(const struct cfg *c);
const char *cfg_name(const struct cfg *c);

/* Map lookup: the value of key in map, or NULL when absent (or when map is
 * not a map). */
const struct cfg_node *cfg_get(const struct cfg_node *map, const char *key);

/* Print "prog: file:line:col: " + message for node n (just "file: " when n
 * is NULL) and exit 3. */
void cfg_fail(const struct cfg *c, const struct cfg_node *n,
	      const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

/* Typed access; each exits 3 with "key 'k': expected <what>" at the
 * offending node, or "missing key 'k': expected <what>" at the map when the
 * key is absent, or "expected a map with key 'k'" when map is a scalar or a
 * list.  A CFG_NULL map (an empty file, "grid:" with nothing after it)
 * counts as an empty map.  cfg_need(): key must be present and of type t.  cfg_opt(): may be
 * absent (returns NULL) but, if present, must be of type t (so an empty
 * value, CFG_NULL, is not a CFG_SCALAR).  what describes the expected value
 * for the message, e.g. "a list of grids"; NULL means "text", "a list",
 * "a map" by type.  The node returned belongs to c. */
const struct cfg_node *cfg_need(const struct cfg *c, const struct cfg_node *map,
				const char *key, enum cfg_type t,
				const char *what);
const struct cfg_node *cfg_opt(const struct cfg *c, const struct cfg_node *map,
			       const char *key, enum cfg_type t,
			       const char *what);
/* Scalar as string / integer / number; exit 3 when not of that form.
 * key names the value in the message (may be NULL for list items: then the
 * message is "file:line:col: expected ...").
 * cfg_str(): the text of a CFG_SCALAR (owned by c); else "expected text"
 * (text holding a NUL, from a "\0" escape: "expected text without NUL
 * characters").
 * cfg_long(): decimal digits with an optional sign, nothing else, within
 * [min, max]; else "expected a whole number from MIN to MAX" (or "of at
 * least MIN" / "of at most MAX" when the other end is LONG_MAX/LONG_MIN).
 * cfg_double(): [+-]digits[.digits][e[+-]digits], finite; no hex, inf or
 * nan; else "expected a number". */
const char *cfg_str(const struct cfg *c, const struct cfg_node *n,
		    const char *key);
long cfg_long(const struct cfg *c, const struct cfg_node *n, const char *key,
	      long min, long max);
double cfg_double(const struct cfg *c, const struct cfg_node *n,
		  const char *key);
/* Check that every key of map is in the NULL-terminated list allowed;
 * exit 3 with "unknown key 'k' (known keys: a, b)" at the first unknown key
 * (catches typos such as 'patern').  A NULL or CFG_NULL map passes; a list
 * or scalar fails with "expected a map". */
void cfg_known_keys(const struct cfg *c, const struct cfg_node *map,
		    const char *const allowed[]);

#endif
