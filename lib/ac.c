/* ac: Aho-Corasick matching of many byte strings at once.  See ac.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "diag.h"
#include "util.h"

#define AC_NONE UINT32_MAX
/* A state with at least this many edges gets a full DFA table; the others
 * keep at most AC_DENSE_MIN - 1 edges, counted in 4 bits. */
#define AC_DENSE_MIN 6
#define AC_DENSE_BIT 0x80000000u
#define AC_EDGE_BITS 27
/* A state with one edge (most are: the tails of literals) keeps it in its
 * link: AC_ONE_BIT | byte << AC_ONE_SHIFT | target, when the targets fit. */
#define AC_ONE_BIT 0x40000000u
#define AC_ONE_SHIFT 22
#define AC_ONE_MAX ((uint32_t)1 << AC_ONE_SHIFT)

/* The scanning state: 16 bytes. */
struct ac_state {
	/* AC_DENSE_BIT | table index, AC_ONE_BIT | byte | target, or edge
	 * start | nedges << 27 */
	uint32_t link;
	uint32_t fail;		/* longest proper suffix that is a state */
	uint32_t emit;		/* first state on the fail chain (itself
				 * included) with an output, or AC_NONE */
	uint32_t out;		/* literal id ending here, or AC_NONE */
};

/* The trie while literals are added. */
struct ac_node {
	uint32_t child, sibling;
	unsigned char byte;
};

struct ac {
	struct ac_state *st;
	struct ac_node *node;	/* freed by ac_build() */
	size_t nst, capst;
	unsigned nlits;
	int built;
	unsigned char *ebyte;	/* edges, sorted by byte within a state */
	uint32_t *etarget;
	uint32_t *dense;	/* ndense tables of 256 transitions */
	size_t ndense;
	uint32_t *stamp;	/* per literal: scan number it was last seen */
	uint32_t *slot;		/* per literal: its index in ids */
	uint32_t scan;
};

static uint32_t
ac_state_new(struct ac *a, unsigned char byte)
{
	if (a->nst == a->capst) {
		a->capst = a->capst ? a->capst * 2 : 64;
		a->st = xreallocarray(a->st, a->capst, sizeof *a->st);
		a->node = xreallocarray(a->node, a->capst, sizeof *a->node);
	}
	if (a->nst >= ((size_t)1 << AC_EDGE_BITS) - 1)
		diag_die(JW_EXIT_INTERNAL, "ac: too many states");
	a->st[a->nst].link = 0;
	a->st[a->nst].fail = 0;
	a->st[a->nst].emit = a->st[a->nst].out = AC_NONE;
	a->node[a->nst].child = a->node[a->nst].sibling = AC_NONE;
	a->node[a->nst].byte = byte;
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
	free(a->node);
	free(a->ebyte);
	free(a->etarget);
	free(a->dense);
	free(a->stamp);
	free(a->slot);
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
		for (t = a->node[s].child; t != AC_NONE; t = a->node[t].sibling)
			if (a->node[t].byte == b[i])
				break;
		if (t == AC_NONE) {
			t = ac_state_new(a, b[i]);
			/* a->node may have moved */
			a->node[t].sibling = a->node[s].child;
			a->node[s].child = t;
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

/* The goto transition of sparse state s on c, or AC_NONE. */
static inline uint32_t
ac_edge(const struct ac *a, uint32_t link, unsigned char c)
{
	uint32_t e = link & (((uint32_t)1 << AC_EDGE_BITS) - 1), i;
	uint32_t n = link >> AC_EDGE_BITS;

	for (i = 0; i < n; i++)
		if (a->ebyte[e + i] == c)
			return a->etarget[e + i];
	return AC_NONE;
}

/* The DFA transition of state s on byte c, following failure links. */
static inline uint32_t
ac_step(const struct ac *a, uint32_t s, unsigned char c)
{
	uint32_t link, t;

	for (;;) {
		link = a->st[s].link;
		if (link & AC_DENSE_BIT)
			return a->dense[(size_t)(link & ~AC_DENSE_BIT) * 256 + c];
		if (link & AC_ONE_BIT) {
			if ((link >> AC_ONE_SHIFT & 0xff) == c)
				return link & (AC_ONE_MAX - 1);
		} else if ((t = ac_edge(a, link, c)) != AC_NONE) {
			return t;
		}
		s = a->st[s].fail;	/* the root is dense, so this ends */
	}
}

static int
ac_byte_cmp(const void *x, const void *y)
{
	const struct ac_node *const *p = x, *const *q = y;

	return (int)(*p)->byte - (int)(*q)->byte;
}

/* Lay out the edges of every state sorted by byte, and give the root and
 * the states with many edges a dense table slot. */
static void
ac_layout(struct ac *a)
{
	const struct ac_node **kids;
	size_t i, nkids, nedge = 0, k;
	uint32_t t;

	a->ebyte = xmalloc(a->nst);
	a->etarget = xreallocarray(NULL, a->nst, sizeof *a->etarget);
	kids = xreallocarray(NULL, 256, sizeof *kids);
	for (i = 0; i < a->nst; i++) {
		nkids = 0;
		for (t = a->node[i].child; t != AC_NONE; t = a->node[t].sibling)
			kids[nkids++] = &a->node[t];
		qsort(kids, nkids, sizeof *kids, ac_byte_cmp);
		if (i == 0 || nkids >= AC_DENSE_MIN) {
			a->st[i].link = AC_DENSE_BIT | (uint32_t)a->ndense++;
			/* the table is filled from the edges, kept too */
		} else if (nkids == 1 && a->nst <= AC_ONE_MAX) {
			a->st[i].link = AC_ONE_BIT |
			    (uint32_t)kids[0]->byte << AC_ONE_SHIFT |
			    (uint32_t)(kids[0] - a->node);
		} else {
			a->st[i].link = (uint32_t)nedge |
			    (uint32_t)nkids << AC_EDGE_BITS;
		}
		for (k = 0; k < nkids; k++) {
			a->ebyte[nedge] = kids[k]->byte;
			a->etarget[nedge] = (uint32_t)(kids[k] - a->node);
			nedge++;
		}
	}
	free(kids);
	a->dense = xreallocarray(NULL, a->ndense * 256, sizeof *a->dense);
}

void
ac_build(struct ac *a)
{
	uint32_t *queue, *first, s, t, f, link;
	size_t head = 0, tail = 0, k, nk, i, e;
	unsigned c;

	if (a->built)
		diag_die(JW_EXIT_INTERNAL, "ac: ac_build() called twice");
	a->built = 1;
	ac_layout(a);
	/* Each state's children in edge order: first[s] .. first[s + 1]. */
	first = xreallocarray(NULL, a->nst + 1, sizeof *first);
	for (i = 0, e = 0; i < a->nst; i++) {
		first[i] = (uint32_t)e;
		for (t = a->node[i].child; t != AC_NONE; t = a->node[t].sibling)
			e++;
	}
	first[a->nst] = (uint32_t)e;
	free(a->node);
	a->node = NULL;
	a->stamp = xcalloc(a->nlits ? a->nlits : 1, sizeof *a->stamp);
	a->slot = xcalloc(a->nlits ? a->nlits : 1, sizeof *a->slot);
	queue = xreallocarray(NULL, a->nst, sizeof *queue);
	/* Breadth first: a state's failure target is shallower, so its
	 * links and table are complete when the state is reached. */
	queue[tail++] = 0;
	a->st[0].emit = a->st[0].out;
	while (head < tail) {
		s = queue[head++];
		link = a->st[s].link;
		nk = first[s + 1] - first[s];
		if (link & AC_DENSE_BIT) {
			uint32_t *row = a->dense +
			    (size_t)(link & ~AC_DENSE_BIT) * 256;

			for (c = 0; c < 256; c++)
				row[c] = s == 0 ? 0 :
				    ac_step(a, a->st[s].fail, (unsigned char)c);
			for (k = 0; k < nk; k++)
				row[a->ebyte[first[s] + k]] =
				    a->etarget[first[s] + k];
		}
		for (k = 0; k < nk; k++) {
			t = a->etarget[first[s] + k];
			f = s == 0 ? 0 :
			    ac_step(a, a->st[s].fail, a->ebyte[first[s] + k]);
			a->st[t].fail = f;
			a->st[t].emit = a->st[t].out != AC_NONE ? t :
			    a->st[f].emit;
			queue[tail++] = t;
		}
	}
	free(first);
	free(queue);
}

size_t
ac_find(struct ac *a, const char *s, size_t n, unsigned *ids, size_t *ends)
{
	return ac_find_last(a, s, n, ids, ends, NULL);
}

size_t
ac_find_last(struct ac *a, const char *str, size_t n, unsigned *ids,
	     size_t *ends, size_t *lasts)
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
		for (u = a->st[s].emit; u != AC_NONE;
		     u = a->st[a->st[u].fail].emit) {
			id = a->st[u].out;
			if (a->stamp[id] != a->scan) {
				a->stamp[id] = a->scan;
				a->slot[id] = (uint32_t)nfound;
				if (ends)
					ends[nfound] = i + 1;
				if (lasts)
					lasts[nfound] = i + 1;
				ids[nfound++] = id;
			} else if (lasts) {
				lasts[a->slot[id]] = i + 1;
			}
			if (u == 0)
				break;
		}
	}
	return nfound;
}
