/* cfg: loading YAML into a small typed tree.  See cfg.h; the error list
 * and the checks of values are in cfg_check.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/cfg.h"
#include "base/cfg_impl.h"
#include "base/diag.h"
#include "base/util.h"

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
	struct buf msg;			/* the error being written */
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

/* Add the error written in L->msg, at 1-based line:col, to the list. */
static void
ld_put(struct loader *L, unsigned line, unsigned col)
{
	cfg_add_error(L->c, line, col, L->msg.p);
	buf_reset(&L->msg);
}

/* An error after which loading stops: added to the list, and -1 for the
 * caller to return.  Nothing after it is added (see cfg.h). */
static int
ld_stop(struct loader *L, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
ld_stop(struct loader *L, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&L->msg, fmt, ap);
	va_end(ap);
	ld_put(L, line, col);
	L->c->stopped = 1;
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

/* libyaml's error, with what helps find it: the offending byte, a tab
 * where the indent should be, where the construct being read began. */
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
		buf_adds(&L->msg, problem);
		if (p->problem_value != -1)
			buf_printf(&L->msg, " (0x%02x)",
				   (unsigned)p->problem_value);
		break;
	default:
		line = mark_line(&p->problem_mark);
		col = mark_col(&p->problem_mark);
		buf_adds(&L->msg, problem);
		if (src_byte_at(L, line, col) == '\t' && !strstr(problem, "tab"))
			buf_adds(&L->msg, " (a tab: indent with spaces)");
		else if (p->context && line == mark_line(&p->context_mark) &&
			 col == mark_col(&p->context_mark))
			buf_printf(&L->msg, " (%s)", p->context);
		else if (p->context)
			buf_printf(&L->msg, " (%s at line %u, column %u)",
				   p->context, mark_line(&p->context_mark),
				   mark_col(&p->context_mark));
		break;
	}
	ld_put(L, line, col);
	L->c->stopped = 1;
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
		return ld_stop(L, mark_line(m), mark_col(m),
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
	if (a == NULL || a->node == NULL || a->pending) {
		/* An error, but the tree stays whole: the alias becomes an
		 * empty node, so that the rest of the file is checked. */
		buf_adds(&L->msg, "alias '*");
		buf_add_quoted(&L->msg, name, strlen(name));
		buf_adds(&L->msg, a && a->pending ?
			 "' is inside the node it refers to" :
			 "' refers to an unknown anchor");
		ld_put(L, mark_line(m), mark_col(m));
		if (ld_count(L, 1, m))
			return -1;
		n = cfg_node_new(L->c, CFG_NULL, m);
		n->str = "";
		ld_add(L, n, 1);
		return 0;
	}
	if (ld_count(L, a->size, m))
		return -1;
	n = a->node;
	if (ld_want_key(L)) {
		if (n->type != CFG_SCALAR && n->type != CFG_NULL)
			return ld_stop(L, mark_line(m), mark_col(m),
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
		return ld_stop(L, mark_line(m), mark_col(m),
			       "map key must be text");
	if (L->depth == CFG_MAX_DEPTH)
		return ld_stop(L, mark_line(m), mark_col(m),
			       "nesting deeper than %d levels", CFG_MAX_DEPTH);
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

/* Add "duplicate key" at second, a repeat of first. */
static void
ld_dup(struct loader *L, const struct cfg_node *first,
       const struct cfg_node *second)
{
	buf_adds(&L->msg, "duplicate key '");
	buf_add_quoted(&L->msg, second->str, second->len);
	buf_printf(&L->msg, "' (first on line %u)", first->line);
	ld_put(L, second->line, second->col);
}

/* Report every key of map that repeats an earlier one, naming the first
 * of its name.  The map stays as it is (cfg_get() finds the first). */
static void
ld_check_dups(struct loader *L, const struct cfg_node *map)
{
	struct keyref *r;
	size_t i, j, run, n = map->len;

	if (n < 16) {
		for (j = 1; j < n; j++)
			for (i = 0; i < j; i++)
				if (key_eq(map->keynodes[i], map->keynodes[j])) {
					ld_dup(L, map->keynodes[i],
					       map->keynodes[j]);
					break;
				}
		return;
	}
	/* Sorted by (key, index), each run of equal keys starts with the
	 * first of them; the rest of the run repeat it. */
	r = xreallocarray(NULL, n, sizeof *r);
	for (i = 0; i < n; i++) {
		r[i].k = map->keynodes[i];
		r[i].i = i;
	}
	qsort(r, n, sizeof *r, keyref_cmp);
	for (run = 0, i = 1; i < n; i++) {
		if (!key_eq(r[run].k, r[i].k))
			run = i;
		else
			ld_dup(L, r[run].k, r[i].k);
	}
	free(r);
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
		ld_check_dups(L, n);
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
			return ld_stop(L, mark_line(m), mark_col(m),
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

/* An empty tree named name, with no error yet. */
static struct cfg *
cfg_new(const char *name)
{
	struct cfg *c = xcalloc(1, sizeof *c);

	arena_init(&c->mem);
	c->name = cfg_memdup(c, name, strlen(name));
	return c;
}

/* When loading stopped or found no document (only comments), the root is
 * an empty node. */
static void
cfg_set_null_root(struct cfg *c)
{
	if (c->stopped || c->root == NULL) {
		c->root = cfg_node_new(c, CFG_NULL, NULL);
		c->root->str = "";
	}
}

struct cfg *
cfg_load_mem(const char *name, const char *p, size_t n)
{
	struct loader L;
	yaml_parser_t parser;
	yaml_event_t ev;
	struct cfg *c = cfg_new(name);
	int done = 0, rc = 0;
	char big[64];

	if (n > CFG_MAX_BYTES) {
		snprintf(big, sizeof big, "file larger than %u bytes",
			 (unsigned)CFG_MAX_BYTES);
		cfg_add_error(c, 0, 0, big);
		c->stopped = 1;
		cfg_set_null_root(c);
		return c;
	}
	memset(&L, 0, sizeof L);
	L.c = c;
	L.src = p;
	L.srclen = n;
	buf_init(&L.msg);
	if (!yaml_parser_initialize(&parser))
		diag_die(JW_EXIT_INTERNAL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)p, n);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ld_parser_error(&L, &parser);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = ld_event(&L, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(L.pend);
	free(L.anch);
	buf_release(&L.msg);
	cfg_set_null_root(c);
	return c;
}

struct cfg *
cfg_load(const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	struct buf b = BUF_INIT, msg = BUF_INIT;
	struct cfg *c;
	ssize_t r;
	int fd = STDIN_FILENO;

	if (strcmp(path, "-") != 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		buf_printf(&msg, "cannot open: %s", strerror(errno));
	while (fd != -1) {
		buf_grow(&b, 65536);
		r = read(fd, b.p + b.len, b.cap - b.len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			buf_printf(&msg, "cannot read: %s", strerror(errno));
			break;
		}
		if (r == 0)
			break;
		b.len += (size_t)r;
		b.p[b.len] = '\0';
		if (b.len > CFG_MAX_BYTES)
			break;		/* cfg_load_mem() says so */
	}
	if (fd != -1 && fd != STDIN_FILENO)
		close(fd);
	if (msg.len == 0) {
		c = cfg_load_mem(name, b.p, b.len);
	} else {
		c = cfg_new(name);
		cfg_add_error(c, 0, 0, msg.p);
		c->stopped = 1;
		cfg_set_null_root(c);
	}
	buf_release(&b);
	buf_release(&msg);
	return c;
}
