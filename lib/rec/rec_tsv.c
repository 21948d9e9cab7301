/* rec_tsv: the TSV reader (PostgreSQL's COPY text format).  See rec_in.h.
 *
 * A TSV line is taken from its block's index (blk_ix.h) without another
 * look at its bytes: the next newline ends it, the list of every tab (or
 * the tab bitmap) tells its fields, and only the fields a verb reads are
 * located; a line of the block's table is split by copying offsets.
 * The bytes are looked at again only for a line the index marks as odd
 * (a backslash, CR or NUL) or not known to be valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "rec/blk_ix.h"
#include "rec/rec_in.h"

#define TABCAP (REC_MAX_FIELDS + 1)	/* fields split per line, less one */

/* The taken line: how its tabs are found.  At most one of lbok and flat
 * is set; with neither, the tab bitmap is searched.  (A line of the fast
 * lane has neither: it is split already, and only a reject splits it
 * again, by the bitmap.) */
struct tsv {
	int avx2;			/* blk_simd() */
	size_t ntabs;			/* the line's tab count */
	struct blk_lb lb;		/* the line's tabs, when lbok */
	int lbok;
	size_t tab0;			/* its tabs at b->tabs.at[tab0..],
					 * when flat */
	int flat;
	int odd;			/* the line has odd bytes */
};

void
tsv_init(struct rec_reader *in)
{
	in->tsv = xcalloc(1, sizeof *in->tsv);
	in->tsv->avx2 = blk_simd();
}

void
tsv_free(struct rec_reader *in)
{
	free(in->tsv);
	in->tsv = NULL;
}

/* ---- the tabs of a line ---- */

/* The tabs in buf[s, e) (e indexed), from the bitmap: without AVX2, or in
 * a block joined from a long tail (it has no list of every tab), for a
 * line too long for struct blk_lb. */
static inline size_t
tabs_in(const uint64_t *w, size_t s, size_t e)
{
	size_t a = s >> 6, b = e >> 6, n;
	uint64_t x = w[a] & (~UINT64_C(0) << (s & 63));
	uint64_t below = (UINT64_C(1) << (e & 63)) - 1;

	if (a == b)
		return (size_t)__builtin_popcountll(x & below);
	n = (size_t)__builtin_popcountll(x);
	while (++a < b)
		n += (size_t)__builtin_popcountll(w[a]);
	return n + (size_t)__builtin_popcountll(w[b] & below);
}

/* The offset of the first tab at or past q (there is one). */
static inline size_t
tab_next(const uint64_t *w, size_t q)
{
	size_t j = q >> 6;
	uint64_t x = w[j] & (~UINT64_C(0) << (q & 63));

	while (x == 0)
		x = w[++j];
	return (j << 6) + (size_t)__builtin_ctzll(x);
}

/* The offset of tab k (from 0) at or past q (there are so many). */
static inline size_t
tab_nth(const uint64_t *w, size_t q, size_t k)
{
	size_t j = q >> 6, c;
	uint64_t x = w[j] & (~UINT64_C(0) << (q & 63));

	while (k >= (c = (size_t)__builtin_popcountll(x))) {
		k -= c;
		x = w[++j];
	}
	while (k-- > 0)
		x &= x - 1;
	return (j << 6) + (size_t)__builtin_ctzll(x);
}

/* The tabs of the line buf[s, e), counted here: into ts->lb when it fits
 * (ts->lbok), else with a loop. */
static size_t
line_tabs(struct rec_reader *in, size_t s, size_t e)
{
#ifdef BLK_AVX2
	struct tsv *ts = in->tsv;

	ts->lbok = ts->avx2 && blk_lb_fits(s, e);
	if (ts->lbok)
		return blk_lb_make(&ts->lb, in->b->tabw, s, e);
#endif
	return tabs_in(in->b->tabw, s, e);
}

/* blk_ix_seek() from far behind: the lines of the fast lane do not move
 * the list's place, so a line taken the long way after them (the block's
 * last, say) seeks past all their tabs: by doubling steps, then halving. */
static void
seek_far(struct blk_ix *x, size_t from)
{
	size_t step = 1, lo, hi, mid;

	if (x->i >= x->n || x->at[x->i] >= from)
		return;
	while (x->i + step < x->n && x->at[x->i + step] < from) {
		x->i += step;
		step *= 2;
	}
	/* at[i] < from; the first at or past from is in (i, i + step]. */
	lo = x->i + 1;
	hi = x->i + step < x->n ? x->i + step : x->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (x->at[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	x->i = lo;
}

/* The tabs of the line buf[s, e) from the block's list of every tab: when
 * the line has the header's field count, two compares tell. */
static void
flat_tabs(struct rec_reader *in, size_t s, size_t e)
{
	struct tsv *ts = in->tsv;
	struct blk_ix *t = &in->b->tabs;
	size_t i, j, k = in->fcols - 1;

	seek_far(t, s);
	i = t->i;
	if (in->fcols > 1 && i + k <= t->n && t->at[i + k - 1] < e &&
	    (i + k == t->n || t->at[i + k] > e))
		j = i + k;
	else
		for (j = i; j < t->n && t->at[j] < e; j++)
			;
	ts->flat = 1;
	ts->tab0 = i;
	ts->ntabs = j - i;
	t->i = j;
}

/* Take the line buf[s, s + len) that ends at offset e (its newline, or
 * the end of the file): its tabs, and whether it holds odd bytes.  (A
 * clean line of the block's table of lines went by tsv_take_fast().) */
static void
take_line(struct rec_reader *in, size_t s, size_t len, size_t e)
{
	struct tsv *ts = in->tsv;
	struct blk *b = in->b;

	ts->lbok = 0;
	ts->flat = 0;
	if (b->tabs_ok)
		flat_tabs(in, s, e);
	else
		ts->ntabs = line_tabs(in, s, e);
	blk_ix_seek(&b->odds, s);
	ts->odd = b->odds.i < b->odds.n && b->odds.at[b->odds.i] < s + len;
	blk_ix_seek(&b->odds, e);
}

/* ---- its fields ---- */

/* Field k (0 <= k <= ts->ntabs) of the taken line p[0..len), which
 * starts at q (the line's start or just past a tab). */
static inline struct rec_str
tsv_field(const struct rec_reader *in, char *p, size_t len, size_t k,
	  size_t q)
{
	const struct tsv *ts = in->tsv;
	size_t t = k == ts->ntabs ? (size_t)(p - in->b->buf) + len :
		   tab_next(in->b->tabw, q);
	struct rec_str f;

	f.p = in->b->buf + q;
	f.len = t - q;
	return f;
}

#ifdef BLK_AVX2
/* Fields lo..hi (hi <= the tab count) of the line p[0..len) in ts->lb,
 * each end a tab found with no branch (see blk_lb_tab()), the last
 * field's the line's end. */
__attribute__((target("bmi,bmi2"))) static void
cols_lb(struct rec_reader *in, char *p, size_t len, size_t lo, size_t hi)
{
	struct tsv *ts = in->tsv;
	size_t k, a, b;

	a = lo == 0 ? (size_t)(p - in->b->buf) :
		      blk_lb_tab(&ts->lb, lo - 1) + 1;
	for (k = lo; k <= hi && k < ts->ntabs; k++) {
		b = blk_lb_tab(&ts->lb, k);
		in->cols[k].p = in->b->buf + a;
		in->cols[k].len = b - a;
		a = b + 1;
	}
	if (k <= hi) {		/* the last field */
		in->cols[k].p = in->b->buf + a;
		in->cols[k].len = (size_t)(p + len - in->cols[k].p);
	}
}
#endif

/* The wanted fields of a line of the block's table (l; more than one),
 * their ends the tabs the table points to in the block's list of every
 * tab (t[i] ends field wlo + i): those named (in->wix) or, when they are
 * many, all of wlo..whi. */
static inline void
cols_pre(struct rec_reader *in, const struct blk_line *l)
{
	const struct blk *b = in->b;
	const uint32_t *t = b->tabs.at + b->tabs_head + l->tab;
	const char *buf = b->buf;
	/* Locals, not in->: the stores to the fields could alias them. */
	struct rec_str *c = in->cols + in->wlo;
	size_t i, m, n = in->whi - in->wlo, q = l->a, nw = in->nwix;

	if (nw == 0) {
		for (i = 0; i < n; i++) {
			c[i].p = buf + q;
			c[i].len = t[i] - q;
			q = (size_t)t[i] + 1;
		}
	} else {
		c[0].p = buf + q;
		c[0].len = t[0] - q;
		for (m = 1; m + 1 < nw; m++) {
			i = in->wix[m] - in->wlo;
			q = (size_t)t[i - 1] + 1;
			c[i].p = buf + q;
			c[i].len = t[i] - q;
		}
		q = (size_t)t[n - 1] + 1;
	}
	c[n].p = buf + q;
	c[n].len = l->b - q;
}

/* Every field of the taken line into in->cols; returns the count (only
 * TABCAP + 1 are stored, the last holding the rest of the line).  A
 * fast-lane line comes here only to be rejected whole: it has neither
 * ts->lb nor a flat list, and takes the loop at the end. */
size_t
tsv_cols_all(struct rec_reader *in, char *p, size_t len)
{
	struct tsv *ts = in->tsv;
	size_t k, q = (size_t)(p - in->b->buf);
	size_t stored = ts->ntabs < TABCAP ? ts->ntabs : TABCAP;

	if (ts->flat) {
		const uint32_t *t = in->b->tabs.at + ts->tab0;

		for (k = 0; k < stored; k++) {
			in->cols[k].p = in->b->buf + q;
			in->cols[k].len = t[k] - q;
			q = (size_t)t[k] + 1;
		}
		in->cols[k].p = in->b->buf + q;
		in->cols[k].len = (size_t)(p + len - in->cols[k].p);
		return ts->ntabs + 1;
	}
#ifdef BLK_AVX2
	if (ts->lbok) {		/* fewer tabs than TABCAP */
		cols_lb(in, p, len, 0, ts->ntabs);
		return ts->ntabs + 1;
	}
#endif
	for (k = 0; k < stored; k++) {
		in->cols[k] = tsv_field(in, p, len, k, q);
		q += in->cols[k].len + 1;
	}
	in->cols[k].p = in->b->buf + q;
	in->cols[k].len = (size_t)(p + len - in->cols[k].p);
	return ts->ntabs + 1;
}

/* Only the fields rec_reader_want() asked for (the line has the header's
 * field count: the caller checked). */
static size_t
cols_want(struct rec_reader *in, char *p, size_t len)
{
	struct tsv *ts = in->tsv;
	size_t k, q = (size_t)(p - in->b->buf);

	if (ts->flat) {
		const uint32_t *at = in->b->tabs.at + ts->tab0;

		for (k = in->wlo; k <= in->whi; k++) {
			q = k == 0 ? q : (size_t)at[k - 1] + 1;
			in->cols[k].p = in->b->buf + q;
			in->cols[k].len = (k == ts->ntabs ?
					   (size_t)(p - in->b->buf) + len :
					   (size_t)at[k]) - q;
		}
		return ts->ntabs + 1;
	}
#ifdef BLK_AVX2
	if (ts->lbok) {
		cols_lb(in, p, len, in->wlo, in->whi);
		return ts->ntabs + 1;
	}
#endif
	if (in->wlo > 0)
		q = tab_nth(in->b->tabw, q, in->wlo - 1) + 1;
	for (k = in->wlo; k <= in->whi; k++) {
		in->cols[k] = tsv_field(in, p, len, k, q);
		q += in->cols[k].len + 1;
	}
	return ts->ntabs + 1;
}

/* ---- the fast lane ---- */

/* How many lines ahead tsv_take_fast() asks for the table, and half that
 * for the lines' bytes. */
#define FAST_AHEAD 8

/*
 * The fast lane for a TSV reader that wants some fields (the common case
 * of a counting verb): when the next line is one of the block's table
 * (its wanted fields located ahead, see blk.h), known valid UTF-8, free
 * of odd bytes, with the header's field count, within --max-line and not
 * of the header's length (a repeated header), it is the record as it is,
 * with nothing more to check: set it up and return 1.  Else return 0,
 * and the line goes the long way (tsv_next_span() and the checks of
 * tsv_record()), which finds the same for such a line.
 */
int
tsv_take_fast(struct rec_reader *in)
{
	struct tsv *ts = in->tsv;
	struct blk *b = in->b;
	struct rec *r = &in->rec;
	const struct blk_line *l;
	size_t s = in->pos, j, e, len;

	if (in->fmt != REC_TSV || !in->want || in->map != NULL ||
	    in->z == NULL || !b->lines_ok || b->lines_lo != in->wlo ||
	    b->lines_hi != in->whi)
		return 0;
	blk_ix_seek(&b->nls, s);
	j = b->nls.i;
	if (j == 0 || j >= b->nls.n || (size_t)b->nls.at[j - 1] + 1 != s)
		return 0;
	e = b->nls.at[j];
	len = e - s;
	l = &b->lines[j];
	/* (A line with odd bytes is none of the table's.  A line of the
	 * header's length may be the header again, with or without a BOM;
	 * so may a line of three bytes or none when there is no header: it
	 * goes the long way, which finds the same.) */
	if ((size_t)l->ntabs + 1 != in->fcols || len > in->o.max_line ||
	    s < b->vfrom || e > b->vok ||
	    len == in->hdr_len || len == in->hdr_len + 3)
		return 0;
	/* The read-ahead thread wrote the block and its table on the other
	 * processor, so neither is in this one's cache yet: prefetch the
	 * table entry FAST_AHEAD lines on, and the wanted bytes of the line
	 * FAST_AHEAD / 2 on (whose entry an earlier prefetch brought in)
	 * with their tabs' offsets. */
	if (j + FAST_AHEAD < b->nls.n) {
		const struct blk_line *m = l + FAST_AHEAD / 2;

		__builtin_prefetch(l + FAST_AHEAD);
		if (m->ntabs != BLK_NO_LINE) {
			__builtin_prefetch(b->buf + m->a);
			__builtin_prefetch(b->buf + m->b);
			__builtin_prefetch(b->tabs.at + b->tabs_head + m->tab);
		}
	}
	in->pos = e + 1;
	b->nls.i = j + 1;
	in->line++;
	in->nread++;
	ts->ntabs = l->ntabs;
	ts->lbok = 0;
	ts->flat = 0;
	in->lazy = 1;
	in->lp = b->buf + s;
	in->llen = len;
	if (in->wlo == in->whi) {	/* one field: the span */
		in->cols[in->wlo].p = b->buf + l->a;
		in->cols[in->wlo].len = l->b - l->a;
	} else {
		cols_pre(in, l);
	}
	r->file = in->fname;
	r->line = in->line;
	r->raw = in->lp;
	r->rawlen = len;
	r->partial = 1;
	r->f = in->cols;
	r->n = in->n;
	return 1;
}

/* ---- escapes ---- */

/* Undo the TSV escapes of field c in place; "\N" becomes rec_null.  An
 * escape we do not know keeps its backslash. */
static void
unescape_tsv(struct rec_str *c)
{
	char *p = (char *)c->p;
	size_t i, o = 0, len = c->len;

	if (len == 2 && p[0] == '\\' && p[1] == 'N') {
		c->p = rec_null;
		c->len = 0;
		return;
	}
	for (i = 0; i < len; i++) {
		char ch = p[i];

		if (ch == '\\' && i + 1 < len) {
			switch (p[++i]) {
			case 't': ch = '\t'; break;
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'v': ch = '\v'; break;
			case '\\': ch = '\\'; break;
			default:
				p[o++] = '\\';
				ch = p[i];
			}
		}
		p[o++] = ch;
	}
	c->len = o;
}

/* Undo escapes in the first nc columns that have a backslash. */
void
tsv_unescape_cols(struct rec_str *c, size_t nc)
{
	size_t i;

	for (i = 0; i < nc && i <= REC_MAX_FIELDS; i++)
		if (memchr(c[i].p, '\\', c[i].len))
			unescape_tsv(&c[i]);
}

/* ---- the long way ---- */

/* The next line of the current file, without its line end, into
 * *pp, *lenp, and take it (its tabs, its odd bytes).  Returns 1, 0 at the
 * end of the file, or -1 for a line over --max-line (skipped, see
 * rd_skip_overlong()). */
int
tsv_next_span(struct rec_reader *in, char **pp, size_t *lenp)
{
	size_t max = in->o.max_line, have, e;
	struct blk *b;
	char *p, *nl;

	for (;;) {
		b = in->b;
		p = b->buf + in->pos;
		have = b->end - in->pos;
		blk_ix_seek(&b->nls, in->pos);
		nl = b->nls.i < b->nls.n ? b->buf + b->nls.at[b->nls.i] : NULL;
		if (nl != NULL && (size_t)(nl - p) <= max) {
			*lenp = (size_t)(nl - p);
			in->pos += *lenp + 1;
			break;
		}
		if (nl == NULL && b->eof) {
			if (have == 0)
				return 0;
			if (have <= max) {
				*lenp = have;
				in->pos = b->end;
				break;
			}
		}
		if (have > max || nl != NULL)	/* nl is past max */
			return rd_skip_overlong(in);
		rd_refill(in);
	}
	*pp = p;
	in->line++;
	e = (size_t)(p - b->buf) + *lenp;	/* the line's end */
	if (*lenp > 0 && p[*lenp - 1] == '\r')
		--*lenp;
	take_line(in, (size_t)(p - b->buf), *lenp, e);
	return 1;
}

/* The line p[0..len), split into nc columns (in->cols; lazy when only
 * the wanted ones), after what was seen of its bytes: check it and make
 * it the record (1), or reject it (0). */
static inline __attribute__((always_inline)) int
check_line(struct rec_reader *in, char *p, size_t len, size_t nc,
	   unsigned seen)
{
	struct rec *r = &in->rec;

	in->lp = p;
	in->llen = len;
	if (nc != in->fcols || (seen != 0 &&
	    rd_check_bytes(in, p, len, in->cols, nc, seen) < 0)) {
		tsv_unescape_cols(in->cols, nc);
		if (nc != in->fcols) {
			buf_reset(&in->msg);
			if (len == 0)
				buf_printf(&in->msg, "empty line, expected "
					   "%zu fields", in->fcols);
			else
				buf_printf(&in->msg, "%zu field%s, expected "
					   "%zu", nc, nc == 1 ? "" : "s",
					   in->fcols);
		}
		rd_reject_cols(in, nc);
		return 0;
	}
	if (seen & SEEN_ODD) {
		tsv_unescape_cols(in->cols, nc);
	} else if (in->map == NULL) {
		r->raw = p;
		r->rawlen = len;
		r->partial = in->lazy;
	}
	return rd_deliver(in, nc);
}

/* The taken line p[0..len) as a record (see rec_in.h).  Only a line with
 * odd bytes or not known to be valid UTF-8 has its bytes checked; only
 * a line with a backslash is unescaped.  A clean line keeps its raw
 * bytes, for the writer's pass-through; when the verb wants some fields
 * only those are split (lazy: rec_reject() and the writer split the rest
 * when they need them). */
int
tsv_record(struct rec_reader *in, char *p, size_t len)
{
	struct tsv *ts = in->tsv;
	size_t nc, start = (size_t)(p - in->b->buf);
	unsigned seen;

	in->nread++;
	seen = (start < in->b->vfrom || start + len > in->b->vok ?
		SEEN_HIGH : 0) | (ts->odd ? SEEN_ODD : 0);
	in->lazy = in->want && in->map == NULL && !seen &&
		   ts->ntabs + 1 == in->fcols;
	nc = in->lazy ? cols_want(in, p, len) : tsv_cols_all(in, p, len);
	return check_line(in, p, len, nc, seen);
}

/* A line p[0..len) from no block (rec_spans.c reads lines one by one):
 * split at its tabs by a plain search, every byte checked; otherwise as
 * tsv_record(). */
int
tsv_record_line(struct rec_reader *in, char *p, size_t len)
{
	size_t nc = 0, q = 0;
	unsigned seen = SEEN_HIGH;
	char *t;

	in->nread++;
	in->lazy = 0;
	if (memchr(p, '\\', len) || memchr(p, '\r', len) ||
	    memchr(p, '\0', len))
		seen |= SEEN_ODD;
	for (;;) {
		t = nc < TABCAP ? memchr(p + q, '\t', len - q) : NULL;
		in->cols[nc].p = p + q;
		in->cols[nc].len = (t != NULL ? (size_t)(t - p) : len) - q;
		if (t == NULL)
			break;
		q = (size_t)(t - p) + 1;
		nc++;
	}
	/* Past TABCAP tabs the last column holds the rest: count them. */
	for (t = p + q; (t = memchr(t, '\t', len - (size_t)(t - p))) != NULL;
	     t++)
		nc++;
	return check_line(in, p, len, nc + 1, seen);
}
