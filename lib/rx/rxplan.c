/* rxplan: patterns matched without PCRE2.  See rxplan.h.
 *
 * How a plan is made: REST is parsed into a small tree (atoms, sequences,
 * alternatives; a counted repeat x{m,n} becomes the alternatives of its
 * counts, in the order backtracking tries them), and the tree is walked
 * into every path it can match, in that same order.  A path is a fixed
 * sequence of slots, each a byte or a byte set.  The bytes every path
 * starts with are L.  Limits keep a plan small (PLAN_PATHS paths of up to
 * PLAN_SLOTS slots, repeats up to PLAN_REPEAT); a bigger pattern gets no
 * plan and is left to PCRE2.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "rx/rxplan.h"
#include "rx/rxscan.h"

const char *const rxplan_newline[RXPLAN_NNL] = {
	"\n", "\v", "\f", "\r", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"
};

/* A path after L: slots ps->slots[slot0..slot0 + len) while building. */
struct ppath {
	uint32_t slot0, len;
};

/* Every plan's L (lpool), paths and byte sets.  Before rxplan_pack() a
 * plan's path0 indexes paths[]; after it, slots[] holds each plan's paths
 * one after the other, each as its length and then its slots, and path0
 * is the index of the first path's length there. */
struct rxplan_set {
	char *lpool;
	size_t nlpool, caplpool;
	struct ppath *paths;
	size_t npaths, cappaths;
	uint16_t *slots;
	size_t nslots, capslots;
	uint64_t (*sets)[4];		/* the byte sets of slots */
	size_t nsets;
	struct pbuild *pb;		/* scratch while building */
};

#define PLAN_PATHS 64
#define PLAN_SLOTS 64
#define PLAN_NODES 256
#define PLAN_KIDS 1024
#define PLAN_REPEAT 8
/* A slot below 256 is a byte; PLAN_SET + i is the byte set ps->sets[i]. */
#define PLAN_SET RXPLAN_SET

enum ptype { P_ATOM, P_SEQ, P_ALT };

struct pnode {
	enum ptype type;
	uint16_t slot[4];		/* atom: one character's slots */
	size_t nslot;
	size_t kid0, nkid;		/* seq, alt: kid[kid0..kid0 + nkid) */
};

struct pbuild {
	struct rxplan_set *ps;
	struct pnode node[PLAN_NODES];
	size_t nnode;
	uint32_t kid[PLAN_KIDS];
	size_t nkid;
	uint16_t cur[PLAN_SLOTS];
	size_t ncur;
	uint16_t path[PLAN_PATHS][PLAN_SLOTS];
	size_t len[PLAN_PATHS], npath;
	int fail, budget;
};

/* The continuation of a walk: what follows in the enclosing sequences. */
struct pk {
	uint32_t seq;
	size_t i;
	const struct pk *up;
};

static uint32_t
pnode(struct pbuild *b, enum ptype type)
{
	if (b->nnode == PLAN_NODES) {
		b->fail = 1;
		return 0;
	}
	memset(&b->node[b->nnode], 0, sizeof b->node[0]);
	b->node[b->nnode].type = type;
	return (uint32_t)b->nnode++;
}

/* A node with the kids k[0..n). */
static uint32_t
pkids(struct pbuild *b, enum ptype type, const uint32_t *k,
	   size_t n)
{
	uint32_t x = pnode(b, type);

	if (b->fail || b->nkid + n > PLAN_KIDS) {
		b->fail = 1;
		return 0;
	}
	memcpy(&b->kid[b->nkid], k, n * sizeof *k);
	b->node[x].kid0 = b->nkid;
	b->node[x].nkid = n;
	b->nkid += n;
	return x;
}

/* The slot for byte set w (PLAN_SET + index), added when new. */
static uint16_t
pset(struct pbuild *b, const uint64_t *w)
{
	struct rxplan_set *ps = b->ps;
	size_t i;

	for (i = 0; i < ps->nsets; i++)
		if (memcmp(ps->sets[i], w, sizeof ps->sets[i]) == 0)
			return (uint16_t)(PLAN_SET + i);
	if (ps->nsets == UINT16_MAX - PLAN_SET) {
		b->fail = 1;
		return 0;
	}
	ps->sets = xreallocarray(ps->sets, ps->nsets + 1, sizeof *ps->sets);
	memcpy(ps->sets[ps->nsets], w, sizeof ps->sets[0]);
	return (uint16_t)(PLAN_SET + ps->nsets++);
}

static const char *palt(struct pbuild *b, const char *p,
			     uint32_t *out);

/* The quantifier at p: *min, *max and *lazy; returns the byte after it,
 * p itself when there is none, or NULL when not supported. */
static const char *
pquant(const char *p, long *min, long *max, int *lazy)
{
	size_t len;
	const char *q;

	*min = *max = 1;
	*lazy = 0;
	if (*p == '?') {
		*min = 0;
		q = p + 1;
	} else if (*p == '{') {
		switch (rxscan_brace(p, &len, min)) {
		case 0:
			return p;	/* a literal brace */
		case 1:
			break;
		default:
			return NULL;
		}
		for (q = p + 1; *q >= '0' && *q <= '9'; q++)
			;
		if (*q == ',') {
			if (q[1] < '0' || q[1] > '9')
				return NULL;	/* unbounded */
			*max = strtol(q + 1, NULL, 10);
		} else {
			*max = *min;
		}
		q = p + len;
	} else if (*p == '*' || *p == '+') {
		return NULL;
	} else {
		return p;
	}
	if (*max > PLAN_REPEAT || *min > *max)
		return NULL;
	if (*q == '?') {
		*lazy = 1;
		q++;
	} else if (*q == '+') {
		return NULL;		/* possessive */
	}
	return q;
}

/* One item of a sequence at p (a group, a class or \d, an escaped or
 * plain character) into node *x; returns the byte after it, or NULL when
 * it is not one a plan can hold. */
static const char *
pitem(struct pbuild *b, const char *p, uint32_t *x)
{
	uint64_t set[4] = { 0, 0, 0, 0 };
	size_t i, n;
	long min;

	if (*p == '(') {
		p = p[1] != '?' ? p + 1 : p[2] == ':' ? p + 3 : NULL;
		if (p == NULL || *(p = palt(b, p, x)) != ')')
			return NULL;
		return p + 1;
	}
	if (*p == '[' || (*p == '\\' && p[1] == 'd')) {
		if (*p == '[') {
			p = rxscan_class(p, set);
		} else {
			set[0] = (uint64_t)0x3ff << '0';
			p += 2;
		}
		if (p == NULL)
			return NULL;
		*x = pnode(b, P_ATOM);
		b->node[*x].slot[0] = pset(b, set);
		b->node[*x].nslot = 1;
		return p;
	}
	if (*p == '\\') {
		if (!rxscan_is_punct((unsigned char)p[1]))
			return NULL;
		*x = pnode(b, P_ATOM);
		b->node[*x].slot[0] = (unsigned char)p[1];
		b->node[*x].nslot = 1;
		return p + 2;
	}
	if (strchr(".^$*+?", *p) ||
	    (*p == '{' && rxscan_brace(p, &n, &min) != 0))
		return NULL;
	n = rxscan_utf8_len((unsigned char)*p);
	*x = pnode(b, P_ATOM);
	for (i = 0; i < n; i++) {
		if (p[i] == '\0')
			b->fail = 1;
		b->node[*x].slot[i] = (unsigned char)p[i];
	}
	b->node[*x].nslot = n;
	return p + n;
}

/* The items of a sequence from p into a SEQ node; returns where it ends
 * ('|', ')' or the end). */
static const char *
pseq(struct pbuild *b, const char *p, uint32_t *out)
{
	uint32_t items[PLAN_KIDS / 4], rep[PLAN_REPEAT + 1],
		reps[PLAN_REPEAT + 1];
	size_t nitems = 0, i;
	uint32_t x = 0;
	long min, max, k;
	int lazy;

	while (!b->fail && *p && *p != '|' && *p != ')') {
		if ((p = pitem(b, p, &x)) == NULL || b->fail ||
		    (p = pquant(p, &min, &max, &lazy)) == NULL)
			goto bad;
		if (min != 1 || max != 1) {
			/* x{min,max}: the counts in the order tried */
			for (i = 0; i <= PLAN_REPEAT; i++)
				rep[i] = x;
			for (k = 0; k <= max - min; k++)
				reps[k] = pkids(b, P_SEQ, rep,
						(size_t)(lazy ? min + k : max - k));
			x = pkids(b, P_ALT, reps, (size_t)(max - min + 1));
		}
		if (nitems == JW_ARRAY_LEN(items))
			goto bad;
		items[nitems++] = x;
	}
	*out = pkids(b, P_SEQ, items, nitems);
	return b->fail ? "" : p;
bad:
	b->fail = 1;
	*out = 0;
	return "";
}

/* Alternatives from p into a SEQ node; returns where they end (')' or
 * the end). */
static const char *
palt(struct pbuild *b, const char *p, uint32_t *out)
{
	uint32_t alts[32], x;
	size_t n = 0;

	for (;;) {
		p = pseq(b, p, &alts[n++]);
		if (b->fail || *p != '|')
			break;
		if (n == JW_ARRAY_LEN(alts)) {
			b->fail = 1;
			break;
		}
		p++;
	}
	if (n == 1) {
		*out = alts[0];
		return p;
	}
	x = pkids(b, P_ALT, alts, n);
	*out = pkids(b, P_SEQ, &x, 1);
	return p;
}

/* Every path from item i of sequence seq on, then on through up. */
static void
pwalk(struct pbuild *b, uint32_t seq, size_t i,
	   const struct pk *up)
{
	const struct pnode *n = &b->node[seq], *x;
	struct pk k;
	size_t j;

	if (b->fail || --b->budget < 0) {
		b->fail = 1;
		return;
	}
	if (i == n->nkid) {
		if (up) {
			pwalk(b, up->seq, up->i, up->up);
		} else if (b->npath == PLAN_PATHS) {
			b->fail = 1;
		} else {
			memcpy(b->path[b->npath], b->cur,
			       b->ncur * sizeof b->cur[0]);
			b->len[b->npath++] = b->ncur;
		}
		return;
	}
	x = &b->node[b->kid[n->kid0 + i]];
	k.seq = seq;
	k.i = i + 1;
	k.up = up;
	switch (x->type) {
	case P_ATOM:
		if (b->ncur + x->nslot > PLAN_SLOTS) {
			b->fail = 1;
			return;
		}
		memcpy(&b->cur[b->ncur], x->slot, x->nslot * sizeof x->slot[0]);
		b->ncur += x->nslot;
		pwalk(b, seq, i + 1, up);
		b->ncur -= x->nslot;
		break;
	case P_SEQ:
		pwalk(b, b->kid[n->kid0 + i], 0, &k);
		break;
	case P_ALT:
		for (j = 0; j < x->nkid; j++)
			pwalk(b, b->kid[x->kid0 + j], 0, &k);
		break;
	}
}


/* Building. */

struct rxplan_set *
rxplan_set_new(void)
{
	return xcalloc(1, sizeof(struct rxplan_set));
}

void
rxplan_set_free(struct rxplan_set *ps)
{
	if (ps == NULL)
		return;
	free(ps->lpool);
	free(ps->paths);
	free(ps->slots);
	free(ps->sets);
	free(ps->pb);
	free(ps);
}

const char *
rxplan_split(const char *pat, struct buf *l0)
{
	const char *q = pat;
	size_t n, i;
	long min, max;
	int lazy;

	buf_reset(l0);
	/* L0: literal characters without quantifiers. */
	for (;;) {
		if (*q == '\\' && rxscan_is_punct((unsigned char)q[1])) {
			n = 2;
		} else if (*q == '\0' || strchr("\\.^$*+?|()[", *q) ||
			   (*q == '{' && rxscan_brace(q, &n, &min) != 0)) {
			break;
		} else {
			n = rxscan_utf8_len((unsigned char)*q);
			for (i = 0; i < n; i++)
				if (q[i] == '\0')
					return NULL;
		}
		if (pquant(q + n, &min, &max, &lazy) != q + n)
			break;
		if (*q == '\\')
			buf_addc(l0, q[1]);
		else
			buf_add(l0, q, n);
		q += n;
	}
	/* then a greedy ".*" */
	if (l0->len && q[0] == '.' && q[1] == '*' && q[2] != '?' &&
	    q[2] != '+')
		return q + 2;
	buf_reset(l0);
	return pat;
}

/* Add the paths of b after their first k slots (L) to ps as plan pl's. */
static void
store_paths(struct rxplan_set *ps, const struct pbuild *b, size_t k,
	    struct rxplan *pl)
{
	size_t j, n;

	pl->path0 = (uint32_t)ps->npaths;
	pl->npaths = (uint16_t)b->npath;
	for (j = 0; j < b->npath; j++) {
		n = b->len[j] - k;
		if (ps->npaths == ps->cappaths) {
			ps->cappaths = ps->cappaths ? ps->cappaths * 2 : 256;
			ps->paths = xreallocarray(ps->paths, ps->cappaths,
						  sizeof *ps->paths);
		}
		ps->paths[ps->npaths].slot0 = (uint32_t)ps->nslots;
		ps->paths[ps->npaths++].len = (uint32_t)n;
		if (ps->nslots + n > ps->capslots) {
			ps->capslots = (ps->capslots + n) * 2;
			ps->slots = xreallocarray(ps->slots, ps->capslots,
						  sizeof *ps->slots);
		}
		if (n)
			memcpy(&ps->slots[ps->nslots], &b->path[j][k],
			       n * sizeof *ps->slots);
		ps->nslots += n;
	}
}

int
rxplan_build(struct rxplan_set *ps, const char *rest, struct rxplan *pl)
{
	struct pbuild *b;
	size_t i, k, j;
	uint32_t root;

	/* One scratch for all patterns: it is large, and clearing it for
	 * each one cost more than planning.  Nodes are cleared when made,
	 * and paths are written before they are read. */
	if (ps->pb == NULL)
		ps->pb = xmalloc(sizeof *ps->pb);
	b = ps->pb;
	b->ps = ps;
	b->nnode = b->nkid = b->ncur = b->npath = 0;
	b->fail = 0;
	b->budget = 4096;
	if (*palt(b, rest, &root) == '\0' && !b->fail)
		pwalk(b, root, 0, NULL);
	if (b->fail || b->npath == 0)
		return 0;
	/* L: the bytes every path starts with. */
	for (k = 0;; k++) {
		for (j = 0; j < b->npath; j++)
			if (k == b->len[j] || b->path[j][k] >= PLAN_SET ||
			    b->path[j][k] != b->path[0][k])
				break;
		if (j < b->npath)
			break;
	}
	if (k == 0)
		return 0;
	pl->lit0 = pl->lit1 = RXPLAN_NONE;
	pl->loff = (uint32_t)ps->nlpool;
	pl->llen = (uint16_t)k;
	if (ps->nlpool + k > ps->caplpool) {
		ps->caplpool = (ps->nlpool + k) * 2;
		ps->lpool = xrealloc(ps->lpool, ps->caplpool);
	}
	for (i = 0; i < k; i++)
		ps->lpool[ps->nlpool + i] = (char)b->path[0][i];
	ps->nlpool += k;
	store_paths(ps, b, k, pl);
	return 1;
}

const char *
rxplan_l(const struct rxplan_set *ps, const struct rxplan *pl)
{
	return ps->lpool + pl->loff;
}

void
rxplan_pack(struct rxplan_set *ps, struct rxplan *const *pls, size_t n)
{
	const struct ppath *pa;
	char *lpool = xmalloc(ps->nlpool + 1);
	uint16_t *slots;
	size_t j, k, ns = 0, nl = 0;

	slots = xcalloc(ps->nslots + ps->npaths + 1, sizeof *slots);
	for (j = 0; j < n; j++) {
		struct rxplan *pl = pls[j];

		memcpy(lpool + nl, ps->lpool + pl->loff, pl->llen);
		pl->loff = (uint32_t)nl;
		nl += pl->llen;
		pa = &ps->paths[pl->path0];
		pl->path0 = (uint32_t)ns;
		for (k = 0; k < pl->npaths; k++, pa++) {
			slots[ns++] = (uint16_t)pa->len;
			if (pa->len)
				memcpy(&slots[ns], &ps->slots[pa->slot0],
				       pa->len * sizeof *slots);
			ns += pa->len;
		}
	}
	free(ps->lpool);
	ps->lpool = lpool;
	ps->nlpool = nl;
	ps->caplpool = ps->nlpool + 1;
	free(ps->paths);
	free(ps->slots);
	ps->paths = NULL;
	ps->npaths = ps->cappaths = 0;
	ps->slots = slots;
	ps->nslots = ps->capslots = ns;
	free(ps->pb);
	ps->pb = NULL;
}

/* Matching: rxplan_run() is inline in rxplan.h. */

void
rxplan_code(const struct rxplan_set *ps, struct rxplan_code *pc)
{
	pc->lpool = ps->lpool;
	pc->slots = ps->slots;
	pc->sets = (const uint64_t (*)[4])ps->sets;
}
