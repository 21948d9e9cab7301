/*
 * rxplan: patterns of a common shape matched without PCRE2, with exactly
 * the match PCRE2 would report.
 *
 * Most address patterns read "L0.*REST": plain literal text L0, then a
 * greedy ".*", then a finite REST (literal characters, ASCII classes, \d,
 * escaped punctuation, groups with alternatives, and the quantifiers ?,
 * {n} and {n,m}, greedy or lazy); or a finite REST alone.  A plan expands
 * REST into its paths, in the order backtracking tries them; a path is a
 * fixed sequence of byte slots, each one byte or an ASCII byte set, and
 * all paths start with the same bytes L.  Then:
 * - without L0 the match is the leftmost occurrence of L where a path
 *   matches, ending where the first such path ends;
 * - with L0 the match starts at the first occurrence of L0 (a later start
 *   leaves REST fewer places), and since ".*" gives back characters from
 *   the end, REST matches at the last occurrence of L after L0 where a
 *   path matches.
 * Anything else (anchors, lookaround, unbounded repeats, "." in REST,
 * non-ASCII classes, more than 64 paths, ...) gets no plan: leave it to
 * PCRE2.  So are subjects with a newline character (where "." stops) and
 * subjects longer than RXPLAN_MAXLEN bytes (where PCRE2 might reach its
 * match limit, which a plan would not report): the caller checks both.
 *
 * A plan runs from what the caller's scan for literals (ac.h) found: the
 * place of L0's first occurrence, and where a literal that L starts with
 * (lit1) occurs first and last, which bounds where L can be.  Literals
 * are the caller's ids, indexes into its struct rxplan_seen array.
 *
 * Life cycle: rxplan_set_new(); for each pattern rxplan_split(), then
 * rxplan_build() (the caller sets lit0 and lit1 of the plan, see below);
 * then rxplan_pack() once, with the plans in the order they will be run,
 * and rxplan_code(); then rxplan_run() as often as needed;
 * rxplan_set_free().  The set holds
 * every plan's bytes; a struct rxplan is small and is copied by value
 * wherever the caller likes (rxplan_pack() updates the copies it is
 * given, which are then the ones to run).  Running allocates nothing and
 * changes nothing, so packed plans may be run from several threads.
 */
#ifndef JW_RXPLAN_H
#define JW_RXPLAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"

#define RXPLAN_NONE UINT32_MAX	/* no literal */
#define RXPLAN_MAXLEN 256	/* longer subjects are left to PCRE2 */

/* The newline characters of every PCRE2 newline convention, which "."
 * does not match: LF, VT, FF, CR, NEL, LS, PS (UTF-8).  A subject holding
 * one is left to PCRE2. */
#define RXPLAN_NNL 7
extern const char *const rxplan_newline[RXPLAN_NNL];

/* One plan; its bytes are in the struct rxplan_set. */
struct rxplan {
	uint32_t lit0;		/* caller's id of L0, or RXPLAN_NONE */
	uint32_t lit1;		/* caller's id of a literal L starts with,
				 * or RXPLAN_NONE */
	uint32_t loff;		/* L: rxplan_l(), llen bytes */
	uint16_t llen;
	uint16_t npaths;
	uint32_t path0;		/* the paths, inside the set */
};

/* What the caller's scan found of literal id in the subject: for
 * rxplan_run(), seen[id] for lit0 and lit1 (both of which must occur). */
struct rxplan_seen {
	size_t end;		/* end of the first occurrence */
	size_t last;		/* end of the last occurrence */
	uint32_t stamp;		/* the caller's, not read here */
	uint32_t len;		/* the literal's length in bytes */
};

struct rxplan_set;

/* A new, empty set of plans; free it with rxplan_set_free() (NULL is
 * allowed).  Exits 5 when out of memory, as every call here. */
struct rxplan_set *rxplan_set_new(void);
void rxplan_set_free(struct rxplan_set *ps);

/* Where REST starts in pat: after "L0.*" when pat starts so, with the
 * bytes of L0 (escapes undone) put in l0; else pat itself, l0 empty.
 * NULL when pat is not valid UTF-8 there (no plan). */
const char *rxplan_split(const char *pat, struct buf *l0);
/* Make a plan for rest (from rxplan_split()) into *pl: returns 1, with
 * lit0 and lit1 RXPLAN_NONE, or 0 when rest is not of the finite form.
 * The caller then sets lit0 to its id of L0 when rest follows an L0 (and
 * must run PCRE2 instead when it has none), and may set lit1 to the id of
 * a literal that L (rxplan_l()) starts with: the longest makes running
 * cheapest. */
int rxplan_build(struct rxplan_set *ps, const char *rest, struct rxplan *pl);
/* L, the bytes every match of REST starts with: pl->llen of them, not
 * NUL-terminated, owned by ps (moved by rxplan_pack()). */
const char *rxplan_l(const struct rxplan_set *ps, const struct rxplan *pl);
/* Lay the plans pls[0..n) out in that order (each built by this set, each
 * once), so that running them in turn reads memory in sequence; updates
 * each *pls[i].  Plans not named are gone.  Call once, after the last
 * rxplan_build(). */
void rxplan_pack(struct rxplan_set *ps, struct rxplan *const *pls, size_t n);

/* What running reads of a packed set: the caller keeps it next to its
 * plans (from rxplan_code(), after rxplan_pack()), so that rxplan_run(),
 * inline below, costs no call in its loop (measured: a call per
 * candidate cost assign 3% more instructions).  The pointers belong to
 * the set and stay valid until rxplan_set_free(). */
struct rxplan_code {
	const char *lpool;		/* the plans' L */
	const uint16_t *slots;		/* the paths, see rxplan.c */
	const uint64_t (*sets)[4];	/* byte sets: slot RXPLAN_SET + i */
};
#define RXPLAN_SET 256		/* a slot below it is a byte */

void rxplan_code(const struct rxplan_set *ps, struct rxplan_code *pc);

/* The end of the first path of pl that matches s[q..n) after L (at q), or
 * (size_t)-1.  Each path is its length, then its slots. */
static inline size_t
rxplan_at_(const struct rxplan_code *pc, const struct rxplan *pl,
	   const char *s, size_t n, size_t q)
{
	const uint16_t *sl = &pc->slots[pl->path0];
	const unsigned char *u = (const unsigned char *)s;
	size_t k, len, i;
	unsigned c;

	q += pl->llen;
	for (i = 0; i < pl->npaths; i++, sl += len + 1) {
		len = sl[0];
		if (len > n - q)
			continue;
		for (k = 0; k < len; k++) {
			c = u[q + k];
			if (sl[k + 1] < RXPLAN_SET ? sl[k + 1] != c :
			    !(pc->sets[sl[k + 1] - RXPLAN_SET][c >> 6] >>
			      (c & 63) & 1))
				break;
		}
		if (k == len)
			return q + k;
	}
	return (size_t)-1;
}

/* Match packed plan pl against s[0..n), as PCRE2 would match its
 * pattern: returns 1 and the match span in bytes in *so, *eo, or 0.  The
 * literals lit0 and lit1 must occur in s, as seen[] says, and s must hold
 * no newline character (rxplan_newline); leave s longer than
 * RXPLAN_MAXLEN to PCRE2 too (see above). */
static inline int
rxplan_run(const struct rxplan_code *pc, const struct rxplan *pl,
	   const struct rxplan_seen *seen, const char *s, size_t n,
	   size_t *so, size_t *eo)
{
	const char *l = pc->lpool + pl->loff;
	size_t ll = pl->llen, lo, first, last, q, e, f1 = n, l1 = n;

	if (n < ll)
		return 0;
	/* L can only occur where its first literal does, and where that is
	 * all of L, it occurs at the first and last place found. */
	first = 0;
	last = n - ll;
	if (pl->lit1 != RXPLAN_NONE) {
		const struct rxplan_seen *l1s = &seen[pl->lit1];

		first = l1s->end - l1s->len;
		q = l1s->last - l1s->len;
		if (q < last)
			last = q;
		if (l1s->len == ll) {
			f1 = first;
			l1 = q;
		}
		/* One occurrence of the literal: L can start only there. */
		if (q == first && last > first)
			last = first;
	}
#define RXPLAN_L_AT_(q) ((q) == f1 || (q) == l1 ||			\
			 (s[q] == *l && memcmp(s + (q), l, ll) == 0))
	if (pl->lit0 == RXPLAN_NONE) {
		/* The leftmost place where a path matches. */
		for (q = first; q <= last; q++)
			if (RXPLAN_L_AT_(q) &&
			    (e = rxplan_at_(pc, pl, s, n, q)) != (size_t)-1) {
				*so = q;
				*eo = e;
				return 1;
			}
		return 0;
	}
	/* After L0's first occurrence, the last place where a path matches;
	 * the match starts with L0. */
	lo = seen[pl->lit0].end;
	if (first < lo)
		first = lo;
	for (q = last + 1; q-- > first;)
		if (RXPLAN_L_AT_(q) &&
		    (e = rxplan_at_(pc, pl, s, n, q)) != (size_t)-1) {
			*so = lo - seen[pl->lit0].len;
			*eo = e;
			return 1;
		}
	return 0;
#undef RXPLAN_L_AT_
}

#endif
