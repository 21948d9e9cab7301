/* rxlit: the literal text every match of a pattern contains, and the
 * bytes that can follow it.  See rxlit.h. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "rx/rxlit.h"
#include "rx/rxscan.h"

/* Literal extraction.  Only the top level of the pattern is read: groups,
 * classes and escapes that stand for a set of characters end a run, and
 * anything not fully understood gives up (no literals at all), because a
 * literal that is not really required would make a caller skip a pattern
 * that matches. */

/* The state of one extraction: the run being collected is
 * out->p[run..out->len). */
struct ext {
	const char *pat;
	struct buf *out;
	const char **follow;		/* rxlit_extract()'s follow, cap */
	size_t cap;
	int *lead;
	size_t run;			/* where the current run starts */
	size_t last;			/* where its last character starts */
	size_t nruns;
	const char *runp;		/* where in pat the run starts */
	const char *lastp;		/* where its last character is */
};

/* End the current run, keeping it when it is not empty: what follows it
 * is described at f in the pattern (NULL: nothing can be said). */
static void
ext_end_run(struct ext *x, const char *f)
{
	if (x->out->len > x->run) {
		if (x->nruns == 0 && x->lead)
			*x->lead = x->runp == x->pat;
		buf_addc(x->out, '\0');
		if (x->nruns < x->cap)
			x->follow[x->nruns] = f;
		x->nruns++;
	}
	x->run = x->out->len;
}

/* Add the literal bytes c[0..n), written at p in the pattern, to the run. */
static void
ext_add(struct ext *x, const char *p, const char *c, size_t n)
{
	if (x->out->len == x->run)
		x->runp = p;
	x->last = x->out->len;
	x->lastp = p;
	buf_add(x->out, c, n);
}

/* Read the atom at *pp and step past it: a literal character (*lit set)
 * goes into the run, anything else ends it.  Returns -1 when unsure. */
static int
ext_atom(struct ext *x, const char **pp, int *lit)
{
	const char *p = *pp;
	size_t len, k;
	long min;

	*lit = 0;
	switch (*p) {
	case '\\':
		if (p[1] == '\0' || (unsigned char)p[1] >= 0x80)
			return -1;
		if ((p[1] >= '0' && p[1] <= '9') ||
		    (p[1] >= 'A' && p[1] <= 'Z') ||
		    (p[1] >= 'a' && p[1] <= 'z')) {
			/* Single-item escapes and assertions; the rest (\x,
			 * \p, back references, ...) are not followed. */
			if (strchr("dDwWsShHvVRXbBAzZGKntrfae", p[1]) == NULL)
				return -1;
			ext_end_run(x, p);
		} else {
			ext_add(x, p, p + 1, 1);
			*lit = 1;
		}
		*pp = p + 2;
		return 0;
	case '[':
		ext_end_run(x, p);
		return (*pp = rxscan_skip_class(p)) == NULL ? -1 : 0;
	case '(':
		ext_end_run(x, p);
		if (!rxscan_group_ok(p))
			return -1;
		return (*pp = rxscan_skip_group(p)) == NULL ? -1 : 0;
	case '.':
	case '^':
	case '$':
		ext_end_run(x, p);
		*pp = p + 1;
		return 0;
	case ')':
	case '|':
	case '*':
	case '+':
	case '?':
		return -1;
	case '{':
		if (rxscan_brace(p, &len, &min) != 0)
			return -1;
		break;			/* not a quantifier: a literal brace */
	}
	len = rxscan_utf8_len((unsigned char)*p);
	for (k = 0; k < len; k++)
		if (p[k] == '\0')
			return -1;
	ext_add(x, p, p, len);
	*lit = 1;
	*pp = p + len;
	return 0;
}

size_t
rxlit_extract(const char *pat, struct buf *out, const char **follow,
	      size_t cap, int *lead)
{
	struct ext x;
	const char *p = pat;
	size_t start = out->len, len;
	long min;
	int lit;

	memset(&x, 0, sizeof x);
	x.pat = pat;
	x.out = out;
	x.follow = follow;
	x.cap = cap;
	x.lead = lead;
	x.run = out->len;
	x.lastp = pat;
	if (lead)
		*lead = 0;
	while (*p) {
		if (ext_atom(&x, &p, &lit) < 0 || rxscan_quant(p, &len, &min) < 0)
			goto unsure;
		if (len == 0)
			continue;
		if (lit && min == 0) {
			out->len = x.last;	/* the character may be absent */
			ext_end_run(&x, x.lastp);
		} else {
			ext_end_run(&x, NULL);
		}
		p += len;
	}
	ext_end_run(&x, p);
	out->p[out->len] = '\0';
	return x.nruns;
unsure:
	if (lead)
		*lead = 0;
	out->len = start;
	out->p[out->len] = '\0';
	return 0;
}

size_t
rxlit_literals(const char *pat, struct buf *out)
{
	return rxlit_extract(pat, out, NULL, 0, NULL);
}

/* Follow sets.  The pattern is walked from the run's follow position over
 * literal characters, ASCII classes, \d, optional atoms and one level of
 * groups with alternatives; anything else allows every byte from there on
 * (always safe: the sets only ever over-approximate). */

struct fwalk {
	uint64_t (*set)[4];		/* the caller's, RXLIT_FOLLOW of them */
	int budget;			/* steps left; below 0: gave up */
};

/* Any byte at positions d and after. */
static void
fany(struct fwalk *f, size_t d)
{
	for (; d < RXLIT_FOLLOW; d++)
		memset(f->set[d], 0xff, sizeof f->set[d]);
}

static void fwalk(struct fwalk *f, const char *p, size_t d, const char *after);

/* The group at p, ending before q: each alternative, then what follows
 * the group (at q), from position d. */
static void
fwalk_group(struct fwalk *f, const char *p, const char *q, size_t d)
{
	const char *a = p + (p[1] == '?' ? 3 : 1);
	size_t depth;

	fwalk(f, a, d, q);
	for (depth = 0; a < q - 1; a++) {
		if (*a == '\\')
			a++;
		else if (*a == '[')
			a = rxscan_skip_class(a) - 1;
		else if (*a == '(')
			depth++;
		else if (*a == ')')
			depth--;
		else if (*a == '|' && depth == 0)
			fwalk(f, a + 1, d, q);
	}
}

/* The bytes of the atom at p into set[0..*n); returns the byte after it,
 * or NULL when it is not one fwalk() follows. */
static const char *
fatom(const char *p, uint64_t set[RXLIT_FOLLOW][4], size_t *n)
{
	size_t len, i;
	long min;

	memset(set, 0, RXLIT_FOLLOW * sizeof set[0]);
	*n = 1;
	if (*p == '[')
		return rxscan_class(p, set[0]);
	if (*p == '\\' && p[1] == 'd') {
		for (i = '0'; i <= '9'; i++)
			rxscan_set_add(set[0], (unsigned char)i);
		return p + 2;
	}
	if (*p == '\\' && rxscan_is_punct((unsigned char)p[1])) {
		rxscan_set_add(set[0], (unsigned char)p[1]);
		return p + 2;
	}
	if (strchr("\\.^$*+?|)", *p) ||
	    (*p == '{' && rxscan_brace(p, &len, &min) != 0))
		return NULL;
	*n = rxscan_utf8_len((unsigned char)*p);
	for (i = 0; i < *n && i < RXLIT_FOLLOW; i++)
		rxscan_set_add(set[i], (unsigned char)p[i]);
	return p + *n;
}

/* Add what can appear from position d on, reading the pattern at p; at
 * the end of an alternative ('|' or ')') go on at after (when not NULL). */
static void
fwalk(struct fwalk *f, const char *p, size_t d, const char *after)
{
	uint64_t set[RXLIT_FOLLOW][4];
	size_t len, n, i, k;
	const char *q;
	long min;

	for (;;) {
		if (--f->budget < 0 || d >= RXLIT_FOLLOW)
			return;
		if (*p == '\0') {
			fany(f, d);	/* the match may end here */
			return;
		}
		if (after && (*p == '|' || *p == ')')) {
			p = after;	/* end of an alternative */
			after = NULL;
			continue;
		}
		if (*p == '(') {
			if (after || (p[1] == '?' && p[2] != ':') ||
			    (q = rxscan_skip_group(p)) == NULL ||
			    rxscan_quant(q, &len, &min) < 0 || len)
				fany(f, d);
			else
				fwalk_group(f, p, q, d);
			return;
		}
		if ((q = fatom(p, set, &n)) == NULL ||
		    rxscan_quant(q, &len, &min) < 0) {
			fany(f, d);
			return;
		}
		if (len && min == 0)		/* the atom may be absent */
			fwalk(f, q + len, d, after);
		for (i = 0; i < n && d + i < RXLIT_FOLLOW; i++)
			for (k = 0; k < 4; k++)
				f->set[d + i][k] |= set[i][k];
		if (len) {			/* repeated: give up after it */
			fany(f, d + n);
			return;
		}
		d += n;
		p = q;
	}
}

void
rxlit_follow(const char *follow, uint64_t set[RXLIT_FOLLOW][4])
{
	struct fwalk f;

	memset(set, 0, RXLIT_FOLLOW * sizeof set[0]);
	f.set = set;
	f.budget = 256;
	if (follow == NULL)
		fany(&f, 0);
	else
		fwalk(&f, follow, 0, NULL);
	if (f.budget < 0)
		fany(&f, 0);		/* too many paths: say nothing */
}
