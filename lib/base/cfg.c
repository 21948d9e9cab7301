/* cfg: YAML configuration as a small typed tree.  See cfg.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/cfg.h"
#include "base/diag.h"
#include "base/util.h"

/* Memory: every node, string and array of a loaded tree comes from the
 * struct cfg's arena, so cfg_free() frees it all at once. */
struct cfg {
	struct arena mem;
	const char *name;		/* file name for messages */
	struct cfg_node *root;
};

/* An anchor seen so far.  node is set when the anchor is seen; pending is
 * true while its (container) node is still open, so that an alias inside
 * it is caught as recursive.  size is the node's expanded subtree size. */
struct anchor {
	const char *name;
	struct cfg_node *node;
	size_t size;
	int pending;
};

/* An open list or map.  Its children wait on the loader's pending stack
 * from index start; size counts the node itself and its expanded
 * children. */
struct frame {
	struct cfg_node *node;
	const char *anchor;
	size_t start;
	size_t size;
};

struct loader {
	struct cfg *c;
	const char *src;		/* the input, for reader error positions */
	size_t srclen;
	struct frame frames[CFG_MAX_DEPTH];
	int depth;
	struct cfg_node **pend;		/* children of open containers */
	size_t npend, cappend;
	struct anchor *anch;		/* open-addressed hash, power of 2 */
	size_t nanch, capanch;
	size_t total;			/* expanded node count so far */
	int ndocs;
	struct buf err;
};

static void *
cfg_alloc(struct cfg *c, size_t n)
{
	return arena_alloc(&c->mem, n);
}

static char *
cfg_memdup(struct cfg *c, const void *p, size_t n)
{
	return arena_memdup(&c->mem, p, n);
}

static struct cfg_node *
cfg_node_new(struct cfg *c, enum cfg_type t, const yaml_mark_t *m)
{
	struct cfg_node *n = cfg_alloc(c, sizeof *n);

	memset(n, 0, sizeof *n);
	n->type = t;
	n->line = m ? (unsigned)m->line + 1 : 1;
	n->col = m ? (unsigned)m->column + 1 : 1;
	return n;
}

void
cfg_free(struct cfg *c)
{
	if (c == NULL)
		return;
	arena_release(&c->mem);
	free(c);
}

const struct cfg_node *
cfg_root(const struct cfg *c)
{
	return c->root;
}

const char *
cfg_name(const struct cfg *c)
{
	return c->name;
}

/* Loading. */

/* Start the error message at 1-based line:col; the caller adds the rest.
 * Only the first error is kept. */
static int
ld_err_at(struct loader *L, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
ld_err_at(struct loader *L, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	if (L->err.len)
		return -1;
	buf_printf(&L->err, "%s:%u:%u: ", L->c->name, line, col);
	va_start(ap, fmt);
	buf_vprintf(&L->err, fmt, ap);
	va_end(ap);
	return -1;
}

static unsigned
mark_line(const yaml_mark_t *m)
{
	return m->line >= UINT_MAX ? UINT_MAX : (unsigned)m->line + 1;
}

static unsigned
mark_col(const yaml_mark_t *m)
{
	return m->column >= UINT_MAX ? UINT_MAX : (unsigned)m->column + 1;
}

/* Line and column (in characters, like libyaml's marks) of byte off. */
static void
offset_pos(const struct loader *L, size_t off, unsigned *line, unsigned *col)
{
	size_t i;

	*line = *col = 1;
	if (off > L->srclen)
		off = L->srclen;
	for (i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)L->src[i];

		if (ch == '\n') {
			++*line;
			*col = 1;
		} else if ((ch & 0xc0) != 0x80) {
			++*col;
		}
	}
}

/* The byte at 1-based line:col (col in characters), or -1 past the end. */
static int
src_byte_at(const struct loader *L, unsigned line, unsigned col)
{
	size_t i = 0;

	for (; line > 1 && i < L->srclen; i++)
		if (L->src[i] == '\n')
			line--;
	for (; i < L->srclen && L->src[i] != '\n'; i++)
		if (((unsigned char)L->src[i] & 0xc0) != 0x80 && --col == 0)
			return (unsigned char)L->src[i];
	return -1;
}

static void
ld_parser_error(struct loader *L, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "cannot parse";
	unsigned line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		diag_die(JW_EXIT_INTERNAL, "out of memory");
	case YAML_READER_ERROR:
		offset_pos(L, p->problem_offset, &line, &col);
		ld_err_at(L, line, col, "%s", problem);
		if (p->problem_value != -1)
			buf_printf(&L->err, " (0x%02x)",
				   (unsigned)p->problem_value);
		break;
	default:
		line = mark_line(&p->problem_mark);
		col = mark_col(&p->problem_mark);
		ld_err_at(L, line, col, "%s", problem);
		if (src_byte_at(L, line, col) == '\t' && !strstr(problem, "tab"))
			buf_adds(&L->err, " (a tab: indent with spaces)");
		else if (p->context && line == mark_line(&p->context_mark) &&
			 col == mark_col(&p->context_mark))
			buf_printf(&L->err, " (%s)", p->context);
		else if (p->context)
			buf_printf(&L->err, " (%s at line %u, column %u)",
				   p->context, mark_line(&p->context_mark),
				   mark_col(&p->context_mark));
		break;
	}
}

static size_t
hash_str(const char *s)
{
	size_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct anchor *
anchor_find(struct loader *L, const char *name)
{
	size_t i, mask;

	if (L->capanch == 0)
		return NULL;
	mask = L->capanch - 1;
	for (i = hash_str(name) & mask; L->anch[i].name; i = (i + 1) & mask)
		if (strcmp(L->anch[i].name, name) == 0)
			return &L->anch[i];
	return NULL;
}

/* The entry for name, new (zeroed, name set) or existing. */
static struct anchor *
anchor_put(struct loader *L, const char *name)
{
	struct anchor *a, *old;
	size_t i, j, mask, oldcap;

	if ((a = anchor_find(L, name)) != NULL)
		return a;
	if (2 * (L->nanch + 1) > L->capanch) {
		old = L->anch;
		oldcap = L->capanch;
		L->capanch = oldcap ? 2 * oldcap : 64;
		L->anch = xcalloc(L->capanch, sizeof *L->anch);
		mask = L->capanch - 1;
		for (j = 0; j < oldcap; j++) {
			if (old[j].name == NULL)
				continue;
			for (i = hash_str(old[j].name) & mask; L->anch[i].name;
			     i = (i + 1) & mask)
				;
			L->anch[i] = old[j];
		}
		free(old);
	}
	mask = L->capanch - 1;
	for (i = hash_str(name) & mask; L->anch[i].name; i = (i + 1) & mask)
		;
	a = &L->anch[i];
	a->name = cfg_memdup(L->c, name, strlen(name));
	a->node = NULL;
	a->size = 0;
	a->pending = 0;
	L->nanch++;
	return a;
}

/* Count size more expanded nodes against CFG_MAX_NODES. */
static int
ld_count(struct loader *L, size_t size, const yaml_mark_t *m)
{
	if (size > CFG_MAX_NODES - L->total)
		return ld_err_at(L, mark_line(m), mark_col(m),
				 "document too large: more than %d nodes "
				 "when aliases are expanded", CFG_MAX_NODES);
	L->total += size;
	return 0;
}

static void
ld_push(struct loader *L, struct cfg_node *n)
{
	if (L->npend == L->cappend) {
		L->cappend = L->cappend ? 2 * L->cappend : 256;
		L->pend = xreallocarray(L->pend, L->cappend, sizeof *L->pend);
	}
	L->pend[L->npend++] = n;
}

/* Is the next child of the innermost open container a map key? */
static int
ld_want_key(const struct loader *L)
{
	const struct frame *f;

	if (L->depth == 0)
		return 0;
	f = &L->frames[L->depth - 1];
	return f->node->type == CFG_MAP && (L->npend - f->start) % 2 == 0;
}

/* Hand a finished node of expanded size size to its parent (or make it
 * the root). */
static void
ld_add(struct loader *L, struct cfg_node *n, size_t size)
{
	if (L->depth == 0) {
		L->c->root = n;
		return;
	}
	L->frames[L->depth - 1].size += size;
	ld_push(L, n);
}

static int
ld_scalar(struct loader *L, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	enum cfg_type t = CFG_SCALAR;
	struct cfg_node *n;
	struct anchor *a;

	if (ld_count(L, 1, &ev->start_mark))
		return -1;
	/* Null is only ever a plain, untagged scalar: '~' and "" stay text. */
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    ev->data.scalar.tag == NULL &&
	    (len == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	     strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0))
		t = CFG_NULL;
	n = cfg_node_new(L->c, t, &ev->start_mark);
	n->str = cfg_memdup(L->c, v, len);
	n->len = len;
	if (ev->data.scalar.anchor) {
		a = anchor_put(L, (const char *)ev->data.scalar.anchor);
		a->node = n;
		a->size = 1;
		a->pending = 0;
	}
	ld_add(L, n, 1);
	return 0;
}

static int
ld_alias(struct loader *L, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const yaml_mark_t *m = &ev->start_mark;
	struct cfg_node *n;
	struct anchor *a;

	a = anchor_find(L, name);
	if (a == NULL || a->node == NULL) {
		ld_err_at(L, mark_line(m), mark_col(m), "alias '*");
		buf_add_quoted(&L->err, name, strlen(name));
		buf_adds(&L->err, "' refers to an unknown anchor");
		return -1;
	}
	if (a->pending) {
		ld_err_at(L, mark_line(m), mark_col(m), "alias '*");
		buf_add_quoted(&L->err, name, strlen(name));
		buf_adds(&L->err, "' is inside the node it refers to");
		return -1;
	}
	if (ld_count(L, a->size, m))
		return -1;
	n = a->node;
	if (ld_want_key(L)) {
		if (n->type != CFG_SCALAR && n->type != CFG_NULL)
			return ld_err_at(L, mark_line(m), mark_col(m),
					 "map key must be text");
		/* A key gets its own node so that messages point here. */
		n = cfg_node_new(L->c, a->node->type, m);
		n->str = a->node->str;
		n->len = a->node->len;
	}
	ld_add(L, n, a->size);
	return 0;
}

static int
ld_start(struct loader *L, const yaml_event_t *ev, enum cfg_type t)
{
	const yaml_mark_t *m = &ev->start_mark;
	const yaml_char_t *anchor;
	struct frame *f;
	struct anchor *a;

	if (ld_want_key(L))
		return ld_err_at(L, mark_line(m), mark_col(m),
				 "map key must be text");
	if (L->depth == CFG_MAX_DEPTH)
		return ld_err_at(L, mark_line(m), mark_col(m),
				 "nesting deeper than %d levels",
				 CFG_MAX_DEPTH);
	if (ld_count(L, 1, m))
		return -1;
	f = &L->frames[L->depth++];
	f->node = cfg_node_new(L->c, t, m);
	f->start = L->npend;
	f->size = 1;
	f->anchor = NULL;
	anchor = t == CFG_LIST ? ev->data.sequence_start.anchor
			       : ev->data.mapping_start.anchor;
	if (anchor) {
		a = anchor_put(L, (const char *)anchor);
		a->node = f->node;
		a->size = 0;
		a->pending = 1;
		f->anchor = a->name;
	}
	return 0;
}

struct keyref {
	const struct cfg_node *k;
	size_t i;
};

static int
keyref_cmp(const void *pa, const void *pb)
{
	const struct keyref *a = pa, *b = pb;
	size_t n = a->k->len < b->k->len ? a->k->len : b->k->len;
	int r = memcmp(a->k->str, b->k->str, n);

	if (r == 0 && a->k->len != b->k->len)
		r = a->k->len < b->k->len ? -1 : 1;
	if (r == 0)
		r = a->i < b->i ? -1 : a->i > b->i;
	return r;
}

static int
key_eq(const struct cfg_node *a, const struct cfg_node *b)
{
	return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

/* Report the first (in document order) key that repeats an earlier one. */
static int
ld_check_dups(struct loader *L, const struct cfg_node *map)
{
	const struct cfg_node *first = NULL, *second = NULL;
	struct keyref *r;
	size_t i, j, n = map->len, best = SIZE_MAX;

	if (n < 16) {
		for (j = 1; j < n && second == NULL; j++)
			for (i = 0; i < j; i++)
				if (key_eq(map->keynodes[i], map->keynodes[j])) {
					first = map->keynodes[i];
					second = map->keynodes[j];
					break;
				}
	} else {
		/* Sorted by (key, index), the second of each run of equal
		 * keys is the earliest repeat of that key. */
		r = xreallocarray(NULL, n, sizeof *r);
		for (i = 0; i < n; i++) {
			r[i].k = map->keynodes[i];
			r[i].i = i;
		}
		qsort(r, n, sizeof *r, keyref_cmp);
		for (i = 1; i < n; i++)
			if (key_eq(r[i - 1].k, r[i].k) &&
			    (i < 2 || !key_eq(r[i - 2].k, r[i].k)) &&
			    r[i].i < best) {
				best = r[i].i;
				first = r[i - 1].k;
				second = r[i].k;
			}
		free(r);
	}
	if (second == NULL)
		return 0;
	ld_err_at(L, second->line, second->col, "duplicate key '");
	buf_add_quoted(&L->err, second->str, second->len);
	buf_printf(&L->err, "' (first on line %u)", first->line);
	return -1;
}

static int
ld_end(struct loader *L)
{
	struct frame *f = &L->frames[L->depth - 1];
	struct cfg_node *n = f->node;
	size_t cnt = L->npend - f->start, i;
	struct anchor *a;

	if (n->type == CFG_LIST) {
		n->len = cnt;
		n->items = cfg_alloc(L->c, (cnt ? cnt : 1) * sizeof *n->items);
		if (cnt)
			memcpy(n->items, L->pend + f->start,
			       cnt * sizeof *n->items);
	} else {
		/* libyaml always pairs a key with a (maybe empty) value. */
		n->len = cnt / 2;
		i = n->len ? n->len : 1;
		n->items = cfg_alloc(L->c, i * sizeof *n->items);
		n->keys = cfg_alloc(L->c, i * sizeof *n->keys);
		n->keynodes = cfg_alloc(L->c, i * sizeof *n->keynodes);
		for (i = 0; i < n->len; i++) {
			n->keynodes[i] = L->pend[f->start + 2 * i];
			n->keys[i] = n->keynodes[i]->str;
			n->items[i] = L->pend[f->start + 2 * i + 1];
		}
		if (ld_check_dups(L, n))
			return -1;
	}
	L->npend = f->start;
	/* Complete the anchor unless a later node has taken its name. */
	if (f->anchor && (a = anchor_find(L, f->anchor)) != NULL &&
	    a->node == n) {
		a->pending = 0;
		a->size = f->size;
	}
	L->depth--;
	ld_add(L, n, f->size);
	return 0;
}

static int
ld_event(struct loader *L, const yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (L->ndocs++)
			return ld_err_at(L, mark_line(m), mark_col(m),
					 "expected one YAML document");
		return 0;
	case YAML_SCALAR_EVENT:
		return ld_scalar(L, ev);
	case YAML_ALIAS_EVENT:
		return ld_alias(L, ev);
	case YAML_SEQUENCE_START_EVENT:
		return ld_start(L, ev, CFG_LIST);
	case YAML_MAPPING_START_EVENT:
		return ld_start(L, ev, CFG_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return ld_end(L);
	default:
		return 0;
	}
}

struct cfg *
cfg_load_mem(const char *name, const char *p, size_t n, char **err)
{
	struct loader L;
	yaml_parser_t parser;
	yaml_event_t ev;
	struct cfg *c;
	int done = 0, rc = 0;

	c = xcalloc(1, sizeof *c);
	arena_init(&c->mem);
	c->name = cfg_memdup(c, name, strlen(name));
	memset(&L, 0, sizeof L);
	L.c = c;
	L.src = p;
	L.srclen = n;
	buf_init(&L.err);
	if (n > CFG_MAX_BYTES) {
		buf_printf(&L.err, "%s: file larger than %u bytes", name,
			   (unsigned)CFG_MAX_BYTES);
		goto fail;
	}
	if (!yaml_parser_initialize(&parser))
		diag_die(JW_EXIT_INTERNAL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)p, n);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ld_parser_error(&L, &parser);
			rc = -1;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = ld_event(&L, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(L.pend);
	free(L.anch);
	if (rc)
		goto fail;
	if (c->root == NULL) {
		/* No document, or only comments: an empty tree. */
		c->root = cfg_node_new(c, CFG_NULL, NULL);
		c->root->str = "";
	}
	buf_release(&L.err);
	return c;
fail:
	if (err)
		*err = buf_detach(&L.err, NULL);
	else
		buf_release(&L.err);
	cfg_free(c);
	return NULL;
}

struct cfg *
cfg_load(const char *path, char **err)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	struct buf b = BUF_INIT, msg = BUF_INIT;
	struct cfg *c = NULL;
	ssize_t r;
	int fd, e;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		buf_printf(&msg, "%s: cannot open: %s", name, strerror(errno));
		goto out;
	}
	for (;;) {
		buf_grow(&b, 65536);
		r = read(fd, b.p + b.len, b.cap - b.len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			e = errno;
			buf_printf(&msg, "%s: cannot read: %s", name,
				   strerror(e));
			break;
		}
		if (r == 0)
			break;
		b.len += (size_t)r;
		b.p[b.len] = '\0';
		if (b.len > CFG_MAX_BYTES) {
			buf_printf(&msg, "%s: file larger than %u bytes", name,
				   (unsigned)CFG_MAX_BYTES);
			break;
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (msg.len == 0)
		c = cfg_load_mem(name, b.p, b.len, err);
out:
	buf_release(&b);
	if (msg.len && err)
		*err = buf_detach(&msg, NULL);
	buf_release(&msg);
	return c;
}

/* Access. */

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

static void __attribute__((noreturn))
cfg_vfail(const struct cfg *c, const struct cfg_node *n, const char *key,
	  const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	if (n)
		buf_printf(&b, "%s:%u:%u: ", c->name, n->line, n->col);
	else
		buf_printf(&b, "%s: ", c->name);
	if (key) {
		buf_adds(&b, "key '");
		buf_add_quoted(&b, key, strlen(key));
		buf_adds(&b, "': ");
	}
	buf_vprintf(&b, fmt, ap);
	/* diag_die() is noreturn: the buffer goes with the process. */
	diag_die(JW_EXIT_CONFIG, "%s", b.p);
}

void
cfg_fail(const struct cfg *c, const struct cfg_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_vfail(c, n, NULL, fmt, ap);
}

static void __attribute__((format(printf, 4, 5), noreturn))
cfg_fail_key(const struct cfg *c, const struct cfg_node *n, const char *key,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_vfail(c, n, key, fmt, ap);
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

const struct cfg_node *
cfg_opt(const struct cfg *c, const struct cfg_node *map, const char *key,
	enum cfg_type t, const char *what)
{
	const struct cfg_node *v;

	if (what == NULL)
		what = type_what(t);
	/* An empty value (or file) is an empty map: its keys are missing. */
	if (map != NULL && map->type == CFG_NULL)
		return NULL;
	if (map == NULL || map->type != CFG_MAP) {
		struct buf b = BUF_INIT;

		buf_add_quoted(&b, key, strlen(key));
		cfg_fail(c, map, "expected a map with key '%s'", b.p);
	}
	v = cfg_get(map, key);
	if (v != NULL && v->type != t)
		cfg_fail_key(c, v, key, "expected %s", what);
	return v;
}

const struct cfg_node *
cfg_need(const struct cfg *c, const struct cfg_node *map, const char *key,
	 enum cfg_type t, const char *what)
{
	const struct cfg_node *v = cfg_opt(c, map, key, t, what);

	if (v == NULL) {
		struct buf b = BUF_INIT;

		buf_add_quoted(&b, key, strlen(key));
		cfg_fail(c, map, "missing key '%s': expected %s", b.p,
			 what ? what : type_what(t));
	}
	return v;
}

const char *
cfg_str(const struct cfg *c, const struct cfg_node *n, const char *key)
{
	if (n == NULL || n->type != CFG_SCALAR)
		cfg_fail_key(c, n, key, "expected text");
	if (strlen(n->str) != n->len)
		cfg_fail_key(c, n, key, "expected text without NUL characters");
	return n->str;
}

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

long
cfg_long(const struct cfg *c, const struct cfg_node *n, const char *key,
	 long min, long max)
{
	const char *s;
	int neg = 0;
	/* Accumulate as a negative number: LONG_MIN has no positive twin. */
	long v = 0, d;

	if (n == NULL || n->type != CFG_SCALAR)
		goto bad;
	s = n->str;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!is_digit((unsigned char)*s))
		goto bad;
	for (; is_digit((unsigned char)*s); s++) {
		d = *s - '0';
		if (v < (LONG_MIN + d) / 10)
			goto bad;
		v = v * 10 - d;
	}
	if (*s != '\0' || (size_t)(s - n->str) != n->len)
		goto bad;
	if (!neg) {
		if (v == LONG_MIN)
			goto bad;
		v = -v;
	}
	if (v < min || v > max)
		goto bad;
	return v;
bad:
	if (min == LONG_MIN && max == LONG_MAX)
		cfg_fail_key(c, n, key, "expected a whole number");
	if (min == LONG_MIN)
		cfg_fail_key(c, n, key, "expected a whole number of at most %ld",
			     max);
	if (max == LONG_MAX)
		cfg_fail_key(c, n, key,
			     "expected a whole number of at least %ld", min);
	cfg_fail_key(c, n, key, "expected a whole number from %ld to %ld",
		     min, max);
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
cfg_double(const struct cfg *c, const struct cfg_node *n, const char *key)
{
	double v;

	if (n == NULL || n->type != CFG_SCALAR || strlen(n->str) != n->len ||
	    !is_decimal(n->str))
		cfg_fail_key(c, n, key, "expected a number");
	v = strtod(n->str, NULL);
	if (!isfinite(v))
		cfg_fail_key(c, n, key, "expected a number");
	return v;
}

void
cfg_known_keys(const struct cfg *c, const struct cfg_node *map,
	       const char *const allowed[])
{
	const struct cfg_node *k;
	struct buf b = BUF_INIT;
	size_t i, j, n;

	if (map == NULL || map->type == CFG_NULL)
		return;
	if (map->type != CFG_MAP)
		cfg_fail(c, map, "expected a map");
	for (i = 0; i < map->len; i++) {
		k = map->keynodes[i];
		for (j = 0; allowed[j] != NULL; j++) {
			n = strlen(allowed[j]);
			if (k->len == n && memcmp(k->str, allowed[j], n) == 0)
				break;
		}
		if (allowed[j] != NULL)
			continue;
		buf_add_quoted(&b, k->str, k->len);
		buf_adds(&b, "' (known keys:");
		for (j = 0; allowed[j] != NULL; j++)
			buf_printf(&b, "%s %s", j ? "," : "", allowed[j]);
		if (j == 0)
			buf_adds(&b, " none");
		buf_addc(&b, ')');
		cfg_fail(c, k, "unknown key '%s", b.p);
	}
}
