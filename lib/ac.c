/* ac: Aho-Corasick matching of many byte strings at once.  See ac.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "diag.h"
#include "util.h"

#define AC_NONE UINT32_MAX
/* A state with at least this many edges gets a full DFA table. */
#define AC_DENSE_MIN 12

struct ac_state {
	uint32_t fail;		/* longest proper suffix that is a state */
	uint32_t dict;		/* next state on the fail chain with an output */
	uint32_t out;		/* literal id ending here, or AC_NONE */
	uint32_t edge;		/* first edge in ebyte/etarget (after build) */
	uint32_t dense;		/* index of the 256-entry table, or AC_NONE */
	uint32_t nedges;
	/* trie under construction: first child and next sibling */
	uint32_t child, sibling;
	unsigned char byte;	/* byte on the edge into this state */
};

struct ac {
	struct ac_state *st;
	size_t nst, capst;
	unsigned nlits;
	int built;
	unsigned char *ebyte;	/* edges, sorted by byte within a state */
	uint32_t *etarget;
	uint32_t *dense;	/* ndense tables of 256 transitions */
	size_t ndense;
	uint32_t *stamp;	/* per literal: scan number it was last seen */
	uint32_t scan;
};

static uint32_t
ac_state_new(struct ac *a, unsigned char byte)
{
	struct ac_state *s;

	if (a->nst == a->capst) {
		a->capst = a->capst ? a->capst * 2 : 64;
		a->st = xreallocarray(a->st, a->capst, sizeof *a->st);
	}
	if (a->nst >= AC_NONE - 1)
		diag_die(JW_EXIT_INTERNAL, "ac: too many states");
	s = &a->st[a->nst];
	memset(s, 0, sizeof *s);
	s->fail = 0;
	s->dict = s->out = s->dense = AC_NONE;
	s->child = s->sibling = AC_NONE;
	s->byte = byte;
	return (uint32_t)a->nst++;
}

struct ac *
ac_new(void)
{
	struct ac *a = xcalloc(1, sizeof *a);

	ac_state_new(a, 0);
	return a;
}

void
ac_free(struct ac *a)
{
	if (a == NULL)
		return;
	free(a->st);
	free(a->ebyte);
	free(a->etarget);
	free(a->dense);
	free(a->stamp);
	free(a);
}

unsigned
ac_add(struct ac *a, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t s = 0, t;
	size_t i;

	if (a->built || n == 0)
		diag_die(JW_EXIT_INTERNAL, "ac: bad ac_add() call");
	for (i = 0; i < n; i++) {
		for (t = a->st[s].child; t != AC_NONE; t = a->st[t].sibling)
			if (a->st[t].byte == b[i])
				break;
		if (t == AC_NONE) {
			t = ac_state_new(a, b[i]);
			/* a->st may have moved */
			a->st[t].sibling = a->st[s].child;
			a->st[s].child = t;
		}
		s = t;
	}
	if (a->st[s].out == AC_NONE)
		a->st[s].out = a->nlits++;
	return a->st[s].out;
}

unsigned
ac_count(const struct ac *a)
{
	return a->nlits;
}

/* The goto transition of s on c, or AC_NONE (sparse edges only). */
static inline uint32_t
ac_edge(const struct ac *a, const struct ac_state *s, unsigned char c)
{
	const unsigned char *eb = a->ebyte + s->edge;
	uint32_t i;

	for (i = 0; i < s->nedges; i++)
		if (eb[i] == c)
			return a->etarget[s->edge + i];
	return AC_NONE;
}

/* The DFA transition of state s on byte c, following failure links. */
static inline uint32_t
ac_step(const struct ac *a, uint32_t s, unsigned char c)
{
	const struct ac_state *st;
	uint32_t t;

	for (;;) {
		st = &a->st[s];
		if (st->dense != AC_NONE)
			return a->dense[(size_t)st->dense * 256 + c];
		if ((t = ac_edge(a, st, c)) != AC_NONE)
			return t;
		s = st->fail;	/* the root is dense, so this ends */
	}
}

static int
ac_byte_cmp(const void *x, const void *y)
{
	const struct ac_state *const *p = x, *const *q = y;

	return (int)(*p)->byte - (int)(*q)->byte;
}

/* Lay out the edges of every state sorted by byte, and give the root and
 * the states with many edges a dense table slot. */
static void
ac_layout(struct ac *a)
{
	const struct ac_state **kids;
	size_t i, nkids, nedge = 0, k;
	uint32_t t;

	a->ebyte = xmalloc(a->nst ? a->nst : 1);
	a->etarget = xreallocarray(NULL, a->nst ? a->nst : 1,
				   sizeof *a->etarget);
	kids = xreallocarray(NULL, 256, sizeof *kids);
	for (i = 0; i < a->nst; i++) {
		struct ac_state *s = &a->st[i];

		nkids = 0;
		for (t = s->child; t != AC_NONE; t = a->st[t].sibling)
			kids[nkids++] = &a->st[t];
		qsort(kids, nkids, sizeof *kids, ac_byte_cmp);
		s->edge = (uint32_t)nedge;
		s->nedges = (uint32_t)nkids;
		for (k = 0; k < nkids; k++) {
			a->ebyte[nedge] = kids[k]->byte;
			a->etarget[nedge] = (uint32_t)(kids[k] - a->st);
			nedge++;
		}
		if (i == 0 || nkids >= AC_DENSE_MIN)
			s->dense = (uint32_t)a->ndense++;
	}
	free(kids);
	a->dense = xreallocarray(NULL, a->ndense * 256, sizeof *a->dense);
}

void
ac_build(struct ac *a)
{
	uint32_t *queue, s, t, f;
	size_t head = 0, tail = 0, k;
	unsigned c;

	if (a->built)
		diag_die(JW_EXIT_INTERNAL, "ac: ac_build() called twice");
	a->built = 1;
	ac_layout(a);
	a->stamp = xcalloc(a->nlits ? a->nlits : 1, sizeof *a->stamp);
	queue = xreallocarray(NULL, a->nst, sizeof *queue);
	/* Breadth first: a state's failure target is shallower, so its
	 * links and table are complete when the state is reached. */
	queue[tail++] = 0;
	while (head < tail) {
		struct ac_state *st;

		s = queue[head++];
		st = &a->st[s];
		if (st->dense != AC_NONE) {
			uint32_t *row = a->dense + (size_t)st->dense * 256;

			for (c = 0; c < 256; c++) {
				t = ac_edge(a, st, (unsigned char)c);
				if (t == AC_NONE)
					t = s == 0 ? 0 :
					    ac_step(a, st->fail,
						    (unsigned char)c);
				row[c] = t;
			}
		}
		for (k = 0; k < st->nedges; k++) {
			t = a->etarget[st->edge + k];
			f = s == 0 ? 0 : ac_step(a, st->fail, a->ebyte[st->edge + k]);
			a->st[t].fail = f;
			a->st[t].dict = a->st[f].out != AC_NONE ? f : a->st[f].dict;
			queue[tail++] = t;
		}
	}
	free(queue);
}

size_t
ac_find(struct ac *a, const char *str, size_t n, unsigned *ids)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t i, nfound = 0;
	uint32_t s = 0, u, id;

	if (!a->built)
		diag_die(JW_EXIT_INTERNAL, "ac: ac_find() before ac_build()");
	if (++a->scan == 0) {
		memset(a->stamp, 0, a->nlits * sizeof *a->stamp);
		a->scan = 1;
	}
	for (i = 0; i < n; i++) {
		s = ac_step(a, s, p[i]);
		u = a->st[s].out != AC_NONE ? s : a->st[s].dict;
		for (; u != AC_NONE; u = a->st[u].dict) {
			id = a->st[u].out;
			if (a->stamp[id] != a->scan) {
				a->stamp[id] = a->scan;
				ids[nfound++] = id;
			}
		}
	}
	return nfound;
}
