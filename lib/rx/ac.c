/* ac: many byte strings found at once (hash probe or Aho-Corasick).  See ac.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rx/ac.h"
#include "base/diag.h"
#include "base/util.h"

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

/* Probing: the literals are found by their first bytes at each place of
 * the text where one can start, looked up in a hash table.  A literal's
 * key is its first min(len, AC_KEY) bytes; the key lengths in use are the
 * classes probed.  Literals sharing a full AC_KEY-byte key lie next to
 * each other in the table and are told apart by their other bytes, so
 * when too many share one, ac_build() chooses the automaton instead
 * (AC_SCAN_AUTO). */
#define AC_KEY 8
#define AC_GROUP_MAX 16
/* Bits of the filter per slot of the table. */
#define AC_OCC_SHIFT 2

/* A slot of the table (len 0: empty): 32 bytes, the first 24 bytes of the
 * literal included, so that one cache line decides most probes. */
struct ac_ent {
	uint64_t key;		/* bytes 0..8, zero-padded */
	uint64_t key2, key3;	/* bytes 8..16 and 16..24, zero-padded */
	uint32_t id;
	uint32_t len;
};

/* A literal found by probing. */
struct ac_hit {
	size_t end, last;	/* ends of its first and last occurrence */
	uint32_t id, len;
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
	enum ac_scan how;	/* AC_SCAN_AUTO until ac_build() */
	/* the literals' bytes: text + off[id], len[id] */
	char *text;
	size_t ntext, captext;
	uint32_t *off, *len;
	size_t caplits;
	/* probing (AC_SCAN_HASH) */
	unsigned char cls[256];	/* per byte: bit k - 1 set when a literal
				 * with a key of k bytes starts with it */
	/* filter: 1 << obits bits, by the top bits of the keys' hashes */
	uint64_t *occ;
	struct ac_ent *ent;	/* the table: 1 << tbits slots */
	unsigned tbits, obits;
	uint64_t kmask[AC_KEY + 1];	/* keeps a key's first k bytes */
	struct ac_hit *hit;	/* per found literal, in order of start */
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
	free(a->text);
	free(a->off);
	free(a->len);
	free(a->occ);
	free(a->ent);
	free(a->hit);
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
	if (a->st[s].out == AC_NONE) {
		if (a->nlits == a->caplits) {
			a->caplits = a->caplits ? a->caplits * 2 : 16;
			a->off = xreallocarray(a->off, a->caplits,
					       sizeof *a->off);
			a->len = xreallocarray(a->len, a->caplits,
					       sizeof *a->len);
		}
		if (n > UINT32_MAX || a->ntext + n > UINT32_MAX)
			diag_die(JW_EXIT_INTERNAL, "ac: literals too long");
		if (a->ntext + n > a->captext) {
			a->captext = (a->ntext + n) * 2;
			a->text = xrealloc(a->text, a->captext);
		}
		memcpy(a->text + a->ntext, b, n);
		a->off[a->nlits] = (uint32_t)a->ntext;
		a->len[a->nlits] = (uint32_t)n;
		a->ntext += n;
		a->st[s].out = a->nlits++;
	}
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

/* The automaton: failure links and DFA tables (AC_SCAN_AUTOMATON). */
static void
ac_build_automaton(struct ac *a)
{
	uint32_t *queue, *first, s, t, f, link;
	size_t head = 0, tail = 0, k, nk, i, e;
	unsigned c;

	ac_layout(a);
	/* Each state's children in edge order: first[s] .. first[s + 1]. */
	first = xreallocarray(NULL, a->nst + 1, sizeof *first);
	for (i = 0, e = 0; i < a->nst; i++) {
		first[i] = (uint32_t)e;
		for (t = a->node[i].child; t != AC_NONE; t = a->node[t].sibling)
			e++;
	}
	first[a->nst] = (uint32_t)e;
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

/* The first k bytes of p (k <= AC_KEY), zero-padded, as a key. */
static uint64_t
ac_key(const void *p, size_t k)
{
	uint64_t w = 0;

	memcpy(&w, p, k);
	return w;
}

/* The hash of a key of kl bytes. */
static inline uint64_t
ac_hash(uint64_t key, unsigned kl)
{
	return (key + kl) * UINT64_C(0x9E3779B97F4A7C15);
}

static inline size_t
ac_key_len(size_t len)
{
	return len < AC_KEY ? len : AC_KEY;
}

/* The hash table for probing.  With check != 0, returns 0 without one
 * when more than AC_GROUP_MAX literals share a full key. */
static int
ac_build_hash(struct ac *a, int check)
{
	struct ac_ent *ent, *e;
	size_t i, mask, same, kl, len;
	uint64_t key, h;
	const char *t;

	for (i = 0; i <= AC_KEY; i++) {
		unsigned char ff[AC_KEY] = { 0 };

		memset(ff, 0xff, i);
		memcpy(&a->kmask[i], ff, sizeof a->kmask[i]);
	}
	for (a->tbits = 4; ((size_t)1 << a->tbits) < (size_t)a->nlits * 2;)
		a->tbits++;
	a->obits = a->tbits + AC_OCC_SHIFT;
	mask = ((size_t)1 << a->tbits) - 1;
	ent = xcalloc(mask + 1, sizeof *ent);
	for (i = 0; i < a->nlits; i++) {
		t = a->text + a->off[i];
		len = a->len[i];
		kl = ac_key_len(len);
		key = ac_key(t, kl);
		h = ac_hash(key, (unsigned)kl);
		same = 0;
		for (e = &ent[h >> (64 - a->tbits)]; e->len;
		     e = &ent[(size_t)(e - ent + 1) & mask])
			if (e->key == key && e->len >= AC_KEY && len >= AC_KEY)
				same++;
		if (check && same >= AC_GROUP_MAX) {
			free(ent);
			return 0;
		}
		e->key = key;
		e->key2 = len > 8 ? ac_key(t + 8, len < 16 ? len - 8 : 8) : 0;
		e->key3 = len > 16 ?
		    ac_key(t + 16, len < 24 ? len - 16 : 8) : 0;
		e->id = (uint32_t)i;
		e->len = (uint32_t)len;
	}
	a->ent = ent;
	a->occ = xcalloc(((size_t)1 << a->obits) / 64, sizeof *a->occ);
	for (i = 0; i <= mask; i++) {
		if ((len = ent[i].len) == 0)
			continue;
		kl = ac_key_len(len);
		h = ac_hash(ent[i].key, (unsigned)kl) >> (64 - a->obits);
		a->occ[h / 64] |= UINT64_C(1) << (h % 64);
		a->cls[(unsigned char)a->text[a->off[ent[i].id]]] |=
		    (unsigned char)(1u << (kl - 1));
	}
	a->hit = xreallocarray(NULL, a->nlits ? a->nlits : 1, sizeof *a->hit);
	return 1;
}

void
ac_scan_set(struct ac *a, enum ac_scan how)
{
	if (a->built)
		diag_die(JW_EXIT_INTERNAL,
			 "ac: ac_scan_set() after ac_build()");
	a->how = how;
}

enum ac_scan
ac_scan_get(const struct ac *a)
{
	return a->how;
}

void
ac_build(struct ac *a)
{
	if (a->built)
		diag_die(JW_EXIT_INTERNAL, "ac: ac_build() called twice");
	a->built = 1;
	a->stamp = xcalloc(a->nlits ? a->nlits : 1, sizeof *a->stamp);
	a->slot = xcalloc(a->nlits ? a->nlits : 1, sizeof *a->slot);
	if (a->how == AC_SCAN_HASH)
		ac_build_hash(a, 0);
	else if (a->how == AC_SCAN_AUTO)
		a->how = ac_build_hash(a, 1) ? AC_SCAN_HASH :
		    AC_SCAN_AUTOMATON;
	if (a->how == AC_SCAN_AUTOMATON) {
		ac_build_automaton(a);
	} else {
		free(a->st);
		a->st = NULL;
	}
	free(a->node);
	a->node = NULL;
}

size_t
ac_find(struct ac *a, const char *s, size_t n, unsigned *ids, size_t *ends)
{
	return ac_find_last(a, s, n, ids, ends, NULL);
}

/* ac_find_last() with the automaton: one step per byte. */
static size_t
ac_find_automaton(struct ac *a, const char *str, size_t n, unsigned *ids,
		  size_t *ends, size_t *lasts)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t i, nfound = 0;
	uint32_t s = 0, u, id;

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

/* The hits by the end of their first occurrence, longer literals first
 * where two end together: the order the automaton reports them in. */
static int
ac_hit_cmp(const void *x, const void *y)
{
	const struct ac_hit *p = x, *q = y;

	if (p->end != q->end)
		return p->end < q->end ? -1 : 1;
	return (p->len < q->len) - (p->len > q->len);
}

/* Does the literal in slot e occur at p, its first bytes being known to
 * be e->key?  rest >= e->len bytes of text are left, and 24 bytes can be
 * read at p (see ac_find_probe()). */
static inline int
ac_rest_eq(const struct ac *a, const struct ac_ent *e,
	   const unsigned char *p)
{
	size_t len = e->len;
	uint64_t w;

	if (len <= AC_KEY)
		return 1;
	memcpy(&w, p + 8, 8);
	if ((w & a->kmask[len < 16 ? len - 8 : 8]) != e->key2)
		return 0;
	if (len <= 16)
		return 1;
	memcpy(&w, p + 16, 8);
	if ((w & a->kmask[len < 24 ? len - 16 : 8]) != e->key3)
		return 0;
	return len <= 24 ||
	    memcmp(p + 24, a->text + a->off[e->id] + 24, len - 24) == 0;
}

/* ac_find_last() by probing the hash table at each byte that starts a
 * literal, for each key length that literals starting with it have. */
static size_t
ac_find_probe(struct ac *a, const char *str, size_t n, unsigned *ids,
	      size_t *ends, size_t *lasts)
{
	const unsigned char *p = (const unsigned char *)str;
	const size_t mask = ((size_t)1 << a->tbits) - 1;
	const struct ac_ent *e;
	const unsigned char *q;
	struct ac_hit *h, tmp;
	size_t i, j, rest, nfound = 0, tail = n < 32 ? n : 32;
	uint64_t w, key, hh, o;
	unsigned m, kl;
	/* The last bytes again, zero-padded, for reading whole words near
	 * the end: q points into p, or into pad where fewer than 24 bytes
	 * are left. */
	unsigned char pad[64];

	if (n == 0)
		return 0;	/* and str may be NULL */
	memcpy(pad, p + n - tail, tail);
	memset(pad + tail, 0, sizeof pad - tail);
	for (i = 0; i < n; i++) {
		if ((m = a->cls[p[i]]) == 0)
			continue;
		rest = n - i;
		q = rest >= 24 ? p + i : pad + (tail - rest);
		memcpy(&w, q, AC_KEY);
		do {
			kl = (unsigned)__builtin_ctz(m) + 1;
			m &= m - 1;
			if (kl > rest)
				break;
			key = w & a->kmask[kl];
			hh = ac_hash(key, kl);
			o = hh >> (64 - a->obits);
			if (!(a->occ[o / 64] >> (o % 64) & 1))
				continue;
			for (e = &a->ent[hh >> (64 - a->tbits)]; e->len;
			     e = &a->ent[(size_t)(e - a->ent + 1) & mask]) {
				if (e->key != key || ac_key_len(e->len) != kl ||
				    e->len > rest || !ac_rest_eq(a, e, q))
					continue;
				if (a->stamp[e->id] != a->scan) {
					a->stamp[e->id] = a->scan;
					a->slot[e->id] = (uint32_t)nfound;
					h = &a->hit[nfound++];
					h->id = e->id;
					h->len = e->len;
					h->end = i + e->len;
				} else {
					h = &a->hit[a->slot[e->id]];
				}
				h->last = i + e->len;
			}
		} while (m);
	}
	if (nfound > 16) {
		qsort(a->hit, nfound, sizeof *a->hit, ac_hit_cmp);
	} else {
		for (i = 1; i < nfound; i++) {
			tmp = a->hit[i];
			for (j = i;
			     j > 0 && ac_hit_cmp(&a->hit[j - 1], &tmp) > 0; j--)
				a->hit[j] = a->hit[j - 1];
			a->hit[j] = tmp;
		}
	}
	for (i = 0; i < nfound; i++) {
		ids[i] = a->hit[i].id;
		if (ends)
			ends[i] = a->hit[i].end;
		if (lasts)
			lasts[i] = a->hit[i].last;
	}
	return nfound;
}

size_t
ac_find_last(struct ac *a, const char *str, size_t n, unsigned *ids,
	     size_t *ends, size_t *lasts)
{
	if (!a->built)
		diag_die(JW_EXIT_INTERNAL, "ac: ac_find() before ac_build()");
	if (++a->scan == 0) {
		memset(a->stamp, 0, a->nlits * sizeof *a->stamp);
		a->scan = 1;
	}
	if (a->how == AC_SCAN_HASH)
		return ac_find_probe(a, str, n, ids, ends, lasts);
	return ac_find_automaton(a, str, n, ids, ends, lasts);
}
