/*
 * cfg: YAML configuration as a small typed tree (libyaml).
 *
 * cfg_load() reads one YAML document into a tree of scalars, lists and maps,
 * each node knowing its line and column (1-based).  All memory belongs to
 * the struct cfg and is freed by cfg_free().  Limits, so that no file can
 * crash or exhaust the program: nesting depth CFG_MAX_DEPTH; aliases are
 * expanded by reference, and a document whose expanded size passes
 * CFG_MAX_NODES nodes fails (a "billion laughs" file fails fast, in bounded
 * memory); file size CFG_MAX_BYTES.  Duplicate map keys are an error.
 *
 * Loading reports errors as a message; the typed accessors below report
 * errors by printing "prog: file:line:col: key 'k': expected ..." and
 * exiting with status 3, which is what every program wants for a bad
 * configuration.
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

/* Load path (or "-" for stdin).  On error returns NULL and sets *err to a
 * message "file:line:col: what" (caller frees). */
struct cfg *cfg_load(const char *path, char **err);
/* The same from memory; name is used in messages. */
struct cfg *cfg_load_mem(const char *name, const char *p, size_t n,
			 char **err);
void cfg_free(struct cfg *c);
/* The root node (a CFG_NULL node for an empty document) and file name. */
const struct cfg_node *cfg_root(const struct cfg *c);
const char *cfg_name(const struct cfg *c);

/* Map lookup: the value of key in map, or NULL when absent (or when map is
 * not a map). */
const struct cfg_node *cfg_get(const struct cfg_node *map, const char *key);

/* Print "prog: file:line:col: " + message for node n and exit 3. */
void cfg_fail(const struct cfg *c, const struct cfg_node *n,
	      const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

/* Typed access; each exits 3 with "key 'k': expected <what>" at the
 * offending node (or at the map, when the key is missing).
 * cfg_need(): key must be present and of type t.  cfg_opt(): may be absent
 * (returns NULL) but, if present, must be of type t.  what describes the
 * expected value for the message, e.g. "a list of grids". */
const struct cfg_node *cfg_need(const struct cfg *c, const struct cfg_node *map,
				const char *key, enum cfg_type t,
				const char *what);
const struct cfg_node *cfg_opt(const struct cfg *c, const struct cfg_node *map,
			       const char *key, enum cfg_type t,
			       const char *what);
/* Scalar as string / integer / number; exit 3 when not of that form.
 * key names the value in the message (may be NULL for list items). */
const char *cfg_str(const struct cfg *c, const struct cfg_node *n,
		    const char *key);
long cfg_long(const struct cfg *c, const struct cfg_node *n, const char *key,
	      long min, long max);
double cfg_double(const struct cfg *c, const struct cfg_node *n,
		  const char *key);
/* Check that every key of map is in the NULL-terminated list allowed;
 * exit 3 naming the first unknown key (catches typos such as 'patern'). */
void cfg_known_keys(const struct cfg *c, const struct cfg_node *map,
		    const char *const allowed[]);

#endif
