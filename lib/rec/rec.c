/* rec: the record reader and the rejects stream.  See rec.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "rec/blk.h"
#include "base/diag.h"
#include "base/htab.h"
#include "rec/rec.h"
#include "base/utf8.h"
#include "base/util.h"
#include "base/zio.h"

#define KEEP_OVERLONG 1024	/* bytes of an overlong line kept in rejects */
#define TABCAP (REC_MAX_FIELDS + 1)	/* fields split per line, less one */

/* What a line scan saw, beside the tabs. */
#define SEEN_HIGH 1	/* a byte >= 0x80: validate UTF-8 */
#define SEEN_ODD 2	/* a backslash, CR or NUL: look closer */


struct rec_reader {
	struct rec_reader_opts o;
	const char *const *files;
	size_t nfiles, fi;
	enum rec_fmt fmt;

	/* The input: bytes [pos, b->end) of block b are unread. */
	struct blk_src *src;
	struct blk *b;			/* &none when no file is open */
	size_t pos;
	struct blk none;
	struct zin *z;
	const char *fname;
	unsigned long long line;	/* lines consumed in this file */
	unsigned long long ovl_len;	/* length of the last overlong line */

	/* The header: names, in the first file's order. */
	char **names;
	size_t n;
	struct arena mem;
	struct htab byname;		/* name -> index + 1 */
	int have_header;
	const char *first_fname;	/* a copy: the zin's name dies with it */

	/* This file's columns, and where each header field is among them. */
	size_t fcols;
	size_t *map;			/* NULL: same order */
	char *hdr_raw;			/* this file's header line */
	size_t hdr_len;

	struct rec rec;
	struct rec_str *f;		/* n fields for rec */
	struct rec_str *cols;		/* file-order slices, REC_MAX_FIELDS+1 */
	struct rec_str *rf;		/* a rejected line in header order */
	struct buf scratch;		/* decoded CSV/JSON values */
	size_t *offs;			/* scratch offsets per column */
	unsigned char *seen;		/* JSON: key seen in this object */

	int peeked;			/* in->rec is read and not yet returned */
	struct rec_reader *into;	/* rejects go to its stream */

	/* JSONL lines rejected before the header was known. */
	struct buf pending;

	unsigned long long nread, nrej, nfilt;
	struct rec_writer *rej;
	struct buf msg;

	int avx2;			/* blk_simd() */
	/* TSV: the taken line's tab count. */
	size_t ntabs;
	struct blk_lb lb;		/* the line's tabs, when lbok */
	int lbok;
	const struct blk_line *pre;	/* its wanted fields, when found
					 * in the block's table */
	size_t tab0;			/* its tabs at b->tabs.at[tab0..],
					 * when flat */
	int flat;
	int odd;			/* the line has odd bytes */
	/* rec_reader_want(): fields wlo..whi are read; lazy when only
	 * those of the current line are set. */
	int want, lazy;
	size_t wlo, whi;
	char *lp;			/* the current TSV line, for rec_reject */
	size_t llen;

	/* Progress line. */
	int tty;
	struct timespec t0, tlast;
	unsigned long long bytes;
	int shown_progress;
};

static void die_input(struct rec_reader *in);
static size_t cols_all(struct rec_reader *in, char *p, size_t len);
static size_t name_index(const struct rec_reader *in, const char *p,
			 size_t n);

/* ---- small helpers ---- */

int
rec_str_cmp(struct rec_str a, struct rec_str b)
{
	int c = memcmp(a.p, b.p, a.len < b.len ? a.len : b.len);

	if (c != 0)
		return c;
	return (a.len > b.len) - (a.len < b.len);
}

char *
rec_str_dup(struct rec_str s)
{
	return xmemdup(s.p, s.len);
}

int
rec_str_long(struct rec_str s, long long *v)
{
	unsigned long long x = 0;
	size_t i = 0;
	int neg = 0;

	if (s.len > 0 && s.p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == s.len || s.len - i > 18)
		return -1;
	for (; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		x = x * 10 + (unsigned)(s.p[i] - '0');
	}
	*v = neg ? -(long long)x : (long long)x;
	return 0;
}

static double
secs_since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
progress(struct rec_reader *in, int done)
{
	struct timespec now;
	double el;

	if (!in->tty)
		return;
	if (done) {
		if (in->shown_progress)
			fputs("\r\033[K", stderr);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	el = secs_since(&in->t0, &now);
	if (el < 2.0 || secs_since(&in->tlast, &now) < 0.5)
		return;
	in->tlast = now;
	in->shown_progress = 1;
	fprintf(stderr, "\r\033[K%s: %llu records, %.0f MB, %.0f MB/s",
		diag_prog, in->nread, in->bytes / 1e6, in->bytes / 1e6 / el);
}

/* ---- blocks and spans ---- */

/*
 * A TSV line is taken from its block's index (see blk.h) with no further
 * look at its bytes: the next newline ends it, a count of bits tells its
 * fields, and only the fields a verb reads are located.
 */

/* The tabs in buf[s, e) (e indexed).  With AVX2 only lines too long for
 * struct blk_lb come here (a call for the bit count is no matter). */
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

/* The tabs of the line buf[s, e), counted here: into in->lb when it fits
 * (in->lbok), else with a loop. */
static size_t
line_tabs(struct rec_reader *in, size_t s, size_t e)
{
#ifdef BLK_AVX2
	in->lbok = in->avx2 && blk_lb_fits(s, e);
	if (in->lbok)
		return blk_lb_make(&in->lb, in->b->tabw, s, e);
#endif
	return tabs_in(in->b->tabw, s, e);
}

/* The tabs of the line buf[s, e) from the block's list of every tab: when
 * the line has the header's field count, two compares tell. */
static void
flat_tabs(struct rec_reader *in, size_t s, size_t e)
{
	struct blk_ix *t = &in->b->tabs;
	size_t i, j, k = in->fcols - 1;

	blk_ix_seek(t, s);
	i = t->i;
	if (in->fcols > 1 && i + k <= t->n && t->at[i + k - 1] < e &&
	    (i + k == t->n || t->at[i + k] > e))
		j = i + k;
	else
		for (j = i; j < t->n && t->at[j] < e; j++)
			;
	in->flat = 1;
	in->tab0 = i;
	in->ntabs = j - i;
	t->i = j;
}

/* Take the line buf[s, s + len) that ends at offset e (its newline, or
 * the end of the file): its tabs, and whether it holds odd bytes.  (A
 * clean line of the block's table of lines went by take_fast().) */
static void
take_line(struct rec_reader *in, size_t s, size_t len, size_t e)
{
	struct blk *b = in->b;

	in->lbok = 0;
	in->pre = NULL;
	in->flat = 0;
	if (b->tabs_ok)
		flat_tabs(in, s, e);
	else
		in->ntabs = line_tabs(in, s, e);
	blk_ix_seek(&b->odds, s);
	in->odd = b->odds.i < b->odds.n && b->odds.at[b->odds.i] < s + len;
	blk_ix_seek(&b->odds, e);
}

/* The next block, with the line begun at pos (not yet whole) in front. */
static void
refill(struct rec_reader *in)
{
	in->b = blk_next(in->src, in->b->buf + in->pos, in->b->end - in->pos,
			 &in->pos);
	if (in->b->err)
		die_input(in);
	in->bytes = blk_bytes(in->src);
	progress(in, 0);
}

/* Field k (0 <= k <= in->ntabs) of the taken line p[0..len), which
 * starts at q (the line's start or just past a tab). */
static inline struct rec_str
tsv_field(const struct rec_reader *in, char *p, size_t len, size_t k,
	  size_t q)
{
	size_t t = k == in->ntabs ? (size_t)(p - in->b->buf) + len :
		   tab_next(in->b->tabw, q);
	struct rec_str f;

	f.p = in->b->buf + q;
	f.len = t - q;
	return f;
}

#ifdef BLK_AVX2
/* Fields lo..hi (hi <= the tab count) of the line p[0..len) in in->lb,
 * each end a tab found with no branch (see blk_lb_tab()), the last
 * field's the line's end. */
__attribute__((target("bmi,bmi2"))) static void
cols_lb(struct rec_reader *in, char *p, size_t len, size_t lo, size_t hi)
{
	size_t k, a, b;

	a = lo == 0 ? (size_t)(p - in->b->buf) :
		      blk_lb_tab(&in->lb, lo - 1) + 1;
	for (k = lo; k <= hi && k < in->ntabs; k++) {
		b = blk_lb_tab(&in->lb, k);
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

/* Every field of the taken line into in->cols; returns the count (only
 * TABCAP + 1 are stored, the last holding the rest of the line).  A
 * fast-lane line comes here only to be rejected whole: it has neither
 * in->lb nor a flat list, and takes the loop at the end. */
static size_t
cols_all(struct rec_reader *in, char *p, size_t len)
{
	size_t k, q = (size_t)(p - in->b->buf);
	size_t stored = in->ntabs < TABCAP ? in->ntabs : TABCAP;

	if (in->flat) {
		const uint32_t *t = in->b->tabs.at + in->tab0;

		for (k = 0; k < stored; k++) {
			in->cols[k].p = in->b->buf + q;
			in->cols[k].len = t[k] - q;
			q = (size_t)t[k] + 1;
		}
		in->cols[k].p = in->b->buf + q;
		in->cols[k].len = (size_t)(p + len - in->cols[k].p);
		return in->ntabs + 1;
	}
#ifdef BLK_AVX2
	if (in->lbok) {		/* fewer tabs than TABCAP */
		cols_lb(in, p, len, 0, in->ntabs);
		return in->ntabs + 1;
	}
#endif
	for (k = 0; k < stored; k++) {
		in->cols[k] = tsv_field(in, p, len, k, q);
		q += in->cols[k].len + 1;
	}
	in->cols[k].p = in->b->buf + q;
	in->cols[k].len = (size_t)(p + len - in->cols[k].p);
	return in->ntabs + 1;
}

/* Only the fields rec_reader_want() asked for (the line has the header's
 * field count: the caller checked). */
static size_t
cols_want(struct rec_reader *in, char *p, size_t len)
{
	size_t k, q = (size_t)(p - in->b->buf), e;
	const char *t;

	if (in->pre != NULL) {
		/* The span of the wanted fields; tabs inside it, if more
		 * than one, are found here. */
		q = in->pre->a;
		e = in->pre->b;
		for (k = in->wlo; k < in->whi; k++) {
			t = memchr(in->b->buf + q, '\t', e - q);
			in->cols[k].p = in->b->buf + q;
			in->cols[k].len = (size_t)(t - in->cols[k].p);
			q = (size_t)(t - in->b->buf) + 1;
		}
		in->cols[k].p = in->b->buf + q;
		in->cols[k].len = e - q;
		return in->ntabs + 1;
	}
	if (in->flat) {
		const uint32_t *at = in->b->tabs.at + in->tab0;

		for (k = in->wlo; k <= in->whi; k++) {
			q = k == 0 ? q : (size_t)at[k - 1] + 1;
			in->cols[k].p = in->b->buf + q;
			in->cols[k].len = (k == in->ntabs ?
					   (size_t)(p - in->b->buf) + len :
					   (size_t)at[k]) - q;
		}
		return in->ntabs + 1;
	}
#ifdef BLK_AVX2
	if (in->lbok) {
		cols_lb(in, p, len, in->wlo, in->whi);
		return in->ntabs + 1;
	}
#endif
	if (in->wlo > 0)
		q = tab_nth(in->b->tabw, q, in->wlo - 1) + 1;
	for (k = in->wlo; k <= in->whi; k++) {
		in->cols[k] = tsv_field(in, p, len, k, q);
		q += in->cols[k].len + 1;
	}
	return in->ntabs + 1;
}

/* How many lines ahead take_fast() asks for the table, and half that
 * for the lines' bytes. */
#define FAST_AHEAD 8

/*
 * The fast lane for a TSV reader that wants some fields (the common case
 * of a counting verb): when the next line is one of the block's table
 * (its wanted fields located ahead, see blk.h), known valid UTF-8, free
 * of odd bytes, with the header's field count, within --max-line and not
 * of the header's length (a repeated header), it is the record as it is,
 * with nothing more to check: set it up and return 1.  Else return 0,
 * and the line goes the long way (next_span() and the checks of
 * rec_reader_next()), which finds the same for such a line.
 */
static int
take_fast(struct rec_reader *in)
{
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
	if ((size_t)l->ntabs + 1 != in->fcols || len > in->o.max_line ||
	    s < b->vfrom || e > b->vok ||
	    (in->hdr_raw != NULL &&
	     (len == in->hdr_len || len == in->hdr_len + 3)))
		return 0;
	blk_ix_seek(&b->odds, s);
	if (b->odds.i < b->odds.n && b->odds.at[b->odds.i] < e)
		return 0;
	/* The block came from the other processor's cache: ask for the
	 * table some lines on, and the fields of a line whose entry that
	 * brought in. */
	if (j + FAST_AHEAD < b->nls.n) {
		const struct blk_line *m = l + FAST_AHEAD / 2;

		__builtin_prefetch(l + FAST_AHEAD);
		if (m->ntabs != BLK_NO_LINE) {
			__builtin_prefetch(b->buf + m->a);
			__builtin_prefetch(b->buf + m->b);
		}
	}
	in->pos = e + 1;
	b->nls.i = j + 1;
	in->line++;
	in->nread++;
	in->ntabs = l->ntabs;
	in->pre = l;
	in->lbok = 0;
	in->flat = 0;
	in->odd = 0;
	in->lazy = 1;
	in->lp = b->buf + s;
	in->llen = len;
	cols_want(in, in->lp, len);
	r->file = in->fname;
	r->line = in->line;
	r->raw = in->lp;
	r->rawlen = len;
	r->partial = 1;
	r->f = in->cols;
	r->n = in->n;
	return 1;
}

/* Find the end of a CSV record from p: the newline outside quotes.
 * Returns its offset, or n when the span is incomplete. */
static size_t
csv_end(const char *p, size_t n)
{
	size_t i = 0;
	int quoted = 0, start = 1;

	for (; i < n; i++) {
		char c = p[i];

		if (quoted) {
			if (c == '"') {
				if (i + 1 < n && p[i + 1] == '"')
					i++;
				else if (i + 1 == n)
					return n;	/* need the next byte */
				else
					quoted = 0;
			}
			continue;
		}
		if (c == '\n')
			return i;
		if (c == '"' && start)
			quoted = 1;
		start = c == ',';
	}
	return n;
}

/* The length of p[0..n) without a last UTF-8 character cut short, so that
 * the start of an overlong line is kept as whole characters. */
static size_t
whole_chars(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t b = n, need;

	while (b > 0 && n - b < 3 && (s[b - 1] & 0xc0) == 0x80)
		b--;
	if (b == 0 || s[b - 1] < 0xc0)
		return n;
	need = s[b - 1] >= 0xf0 ? 4 : s[b - 1] >= 0xe0 ? 3 : 2;
	return n - b + 1 < need ? b - 1 : n;
}

/* The next line (TSV, JSONL) or record (CSV) of the current file, without
 * its line end.  Returns 1, 0 at the end of the file, or -1 for a line over
 * the limit (its first bytes are in in->scratch, its length in ovl_len). */
static int
next_span(struct rec_reader *in, char **pp, size_t *lenp, unsigned *nlines)
{
	size_t max = in->o.max_line, have, k, lim;
	char *p, *nl;

	for (;;) {
		p = in->b->buf + in->pos;
		have = in->b->end - in->pos;
		if (in->fmt == REC_CSV) {
			/* A record not ended within max + 1 bytes is over
			 * the limit: scanning on is quadratic when quotes
			 * are out of step (after an overlong skip). */
			lim = have > max ? max + 1 : have;
			k = csv_end(p, lim);
			nl = k < lim ? p + k : NULL;
		} else if (in->fmt == REC_TSV) {
			blk_ix_seek(&in->b->nls, in->pos);
			nl = in->b->nls.i < in->b->nls.n ?
			     in->b->buf + in->b->nls.at[in->b->nls.i] : NULL;
		} else {
			nl = memchr(p, '\n', have);
		}
		if (nl != NULL && (size_t)(nl - p) <= max) {
			*pp = p;
			*lenp = (size_t)(nl - p);
			in->pos += *lenp + 1;
			break;
		}
		if (nl == NULL && in->b->eof) {
			if (have == 0)
				return 0;
			if (have <= max) {
				*pp = p;
				*lenp = have;
				in->pos = in->b->end;
				break;
			}
		}
		if (have > max || (nl != NULL && (size_t)(nl - p) > max)) {
			/* Over the limit: keep the start for the rejects,
			 * skip to the line end without buffering it. */
			buf_reset(&in->scratch);
			in->ovl_len = 0;
			for (;;) {
				p = in->b->buf + in->pos;
				have = in->b->end - in->pos;
				nl = memchr(p, '\n', have);
				/* The line's first bytes, never past its end
				 * or the buffer's. */
				k = nl != NULL ? (size_t)(nl - p) : have;
				if (k > KEEP_OVERLONG - in->scratch.len)
					k = KEEP_OVERLONG - in->scratch.len;
				buf_add(&in->scratch, p, k);
				if (nl != NULL) {
					in->ovl_len += (size_t)(nl - p);
					in->pos += (size_t)(nl - p) + 1;
					break;
				}
				in->ovl_len += have;
				in->pos = in->b->end;
				if (in->b->eof)
					break;
				refill(in);
			}
			if (in->ovl_len > in->scratch.len) {
				in->scratch.len = whole_chars(in->scratch.p,
							      in->scratch.len);
				in->scratch.p[in->scratch.len] = '\0';
			}
			in->line++;
			*nlines = 1;
			return -1;
		}
		refill(in);
	}
	/* Count the lines of a multi-line CSV record. */
	*nlines = 1;
	if (in->fmt == REC_CSV)
		for (k = 0; k < *lenp; k++)
			*nlines += (*pp)[k] == '\n';
	in->line += *nlines;
	k = (size_t)(*pp - in->b->buf) + *lenp;	/* the line's end */
	if (*lenp > 0 && (*pp)[*lenp - 1] == '\r')
		--*lenp;
	if (in->fmt == REC_TSV)
		take_line(in, (size_t)(*pp - in->b->buf), *lenp, k);
	return 1;
}

/* ---- rejects ---- */

static void
rejects_open(struct rec_reader *in)
{
	struct rec_writer_opts wo = { REC_TSV, in->o.rejects, 0, NULL, 0, 0 };
	size_t i;

	in->rej = rec_writer_open(&wo);
	/* JSONL with no good object has no fields: keep the lines. */
	if (in->n == 0)
		rec_writer_add(in->rej, "_text");
	for (i = 0; i < in->n; i++)
		rec_writer_add(in->rej, in->names[i]);
	rec_writer_add(in->rej, "_file");
	rec_writer_add(in->rej, "_line");
	rec_writer_add(in->rej, "_error");
}

/* Reject the fields f[0..nf) (in header order when nf == n, else as the
 * file had them) with the message in in->msg. */
static void
reject_fields(struct rec_reader *in, const struct rec_str *f, size_t nf,
	      const char *file, unsigned long long line)
{
	struct buf last = BUF_INIT;
	size_t i;

	in->nrej++;
	if (in->o.rejects == NULL) {
		if (in->nrej <= REC_SHOW_REJECTS)
			diag_error("%s:%llu: %s", file, line, in->msg.p);
		return;
	}
	if (!in->have_header) {
		/* JSONL before its first object: keep for later (the file
		 * name too: its zin is closed by then). */
		buf_printf(&in->pending, "%llu", line);
		buf_addc(&in->pending, '\0');
		buf_adds(&in->pending, file);
		buf_addc(&in->pending, '\0');
		buf_add(&in->pending, in->msg.p, in->msg.len + 1);
		/* The line may hold NUL bytes: its length first. */
		buf_printf(&in->pending, "%zu", f[0].len);
		buf_addc(&in->pending, '\0');
		buf_add(&in->pending, f[0].p, f[0].len);
		return;
	}
	if (in->into != NULL && nf == in->n && in->n > 0) {
		/* Into another reader's rejects stream: its columns, the
		 * fields found by name (rec_reader_opts.rejects_into). */
		struct rec_reader *to = in->into;
		struct rec_str *g = xcalloc(to->n + 1, sizeof *g);

		for (i = 0; i < to->n; i++) {
			size_t k = name_index(in, to->names[i],
					      strlen(to->names[i]));

			g[i] = k == REC_NONE ? (struct rec_str){ "", 0 } : f[k];
		}
		buf_reset(&to->msg);
		buf_add(&to->msg, in->msg.p, in->msg.len);
		to->nrej--;	/* counted here, not there */
		reject_fields(to, g, to->n, file, line);
		free(g);
		return;
	}
	if (in->into != NULL)
		in = in->into;	/* a raw line: as it was */
	if (in->rej == NULL)
		rejects_open(in);
	if (in->n == 0)
		rec_writer_put(in->rej, f[0].p, f[0].len);
	for (i = 0; i < in->n && i < nf; i++) {
		if (i + 1 == in->n && nf > in->n) {
			/* Extra fields: keep them, TAB-separated, in the
			 * last column, so nothing is lost. */
			for (; i < nf; i++) {
				buf_add(&last, f[i].p, f[i].len);
				if (i + 1 < nf)
					buf_addc(&last, '\t');
			}
			rec_writer_put(in->rej, last.p, last.len);
			i = in->n;
			break;
		}
		rec_writer_put(in->rej, f[i].p, f[i].len);
	}
	for (; i < in->n; i++)
		rec_writer_put(in->rej, "", 0);
	rec_writer_puts(in->rej, file);
	rec_writer_putll(in->rej, (long long)line);
	rec_writer_put(in->rej, in->msg.p, in->msg.len);
	rec_writer_end(in->rej);
	buf_release(&last);
}

void
rec_reject(struct rec_reader *in, const struct rec *r, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&in->msg);
	va_start(ap, fmt);
	buf_vprintf(&in->msg, fmt, ap);
	va_end(ap);
	if (in->lazy && r == &in->rec) {
		/* Only the wanted fields were set: keep the whole line. */
		cols_all(in, in->lp, in->llen);
		reject_fields(in, in->cols, in->n, r->file, r->line);
		return;
	}
	reject_fields(in, r->f, r->n, r->file, r->line);
}

void
rec_filtered(struct rec_reader *in, const struct rec *r)
{
	(void)r;
	in->nfilt++;
}

/* Reject the current raw span with a reason already in in->msg. */
static void
reject_raw(struct rec_reader *in, const struct rec_str *f, size_t nf)
{
	reject_fields(in, f, nf, in->fname, in->rec.line);
}

/* Reject a TSV or CSV line split into nc columns of this file (in->cols)
 * with a reason in in->msg.  A file whose header has another order than
 * the first's is put in header order, so that the rejects file's columns
 * hold what their names say; extra columns come last. */
static void
reject_cols(struct rec_reader *in, size_t nc)
{
	static const struct rec_str none = { "", 0 };
	size_t k, stored = nc > REC_MAX_FIELDS + 1 ? REC_MAX_FIELDS + 1 : nc;

	if (in->map == NULL) {
		reject_raw(in, in->cols, stored);
		return;
	}
	for (k = 0; k < in->n; k++)
		in->rf[k] = in->map[k] < stored ? in->cols[in->map[k]] : none;
	for (k = in->fcols; k < stored; k++)
		in->rf[in->n + k - in->fcols] = in->cols[k];
	reject_raw(in, in->rf, stored > in->fcols ?
		   in->n + stored - in->fcols : in->n);
}

static void
flush_pending(struct rec_reader *in)
{
	const char *p = in->pending.p, *end = p + in->pending.len, *file;
	unsigned long long line;
	struct rec_str f;

	while (p < end) {
		line = strtoull(p, NULL, 10);
		p += strlen(p) + 1;
		file = p;
		p += strlen(p) + 1;
		buf_reset(&in->msg);
		buf_adds(&in->msg, p);
		p += strlen(p) + 1;
		f.len = (size_t)strtoull(p, NULL, 10);
		p += strlen(p) + 1;
		f.p = p;
		p += f.len;
		in->nrej--;	/* counted when it was first seen */
		reject_fields(in, &f, 1, file, line);
	}
	buf_release(&in->pending);
}

/* ---- header ---- */

static void
die_input(struct rec_reader *in)
{
	diag_die(JW_EXIT_IO, "%s: %s", in->fname, zin_error(in->z));
}

static size_t
name_index(const struct rec_reader *in, const char *p, size_t n)
{
	const size_t *v = htab_find(&in->byname, p, n);

	return v ? *v - 1 : REC_NONE;
}

size_t
rec_reader_nfields(const struct rec_reader *in)
{
	return in->n;
}

const char *
rec_reader_name(const struct rec_reader *in, size_t i)
{
	return in->names[i];
}

size_t
rec_reader_field(const struct rec_reader *in, const char *name)
{
	size_t i;

	for (i = 0; i < in->o.nalias; i++)
		if (strcmp(in->o.alias_from[i], name) == 0) {
			name = in->o.alias_to[i];
			break;
		}
	return name_index(in, name, strlen(name));
}

size_t
rec_reader_need(const struct rec_reader *in, const char *name)
{
	size_t i = rec_reader_field(in, name), k;
	struct buf list = BUF_INIT;

	if (i != REC_NONE)
		return i;
	if (in->n == 0)
		diag_die(JW_EXIT_USAGE, "%s: no header line (empty input), "
			 "so no field '%s'", in->nfiles ? in->files[0] :
			 "<stdin>", name);
	for (k = 0; k < in->n && k < 20; k++)
		buf_printf(&list, "%s%s", k ? ", " : "", in->names[k]);
	if (k < in->n)
		buf_adds(&list, ", ...");
	diag_die(JW_EXIT_USAGE, "%s:1: no field '%s' (fields: %s); "
		 "-F %s=NAME maps it", in->first_fname ? in->first_fname :
		 "<stdin>", name, in->n ? list.p : "none", name);
}

static void
add_name(struct rec_reader *in, const char *p, size_t len, const char *file)
{
	size_t *v;
	int isnew;
	struct buf q = BUF_INIT;

	if (len == 0)
		diag_die(JW_EXIT_USAGE, "%s:1: field %zu has an empty name",
			 file, in->n + 1);
	if (in->n == REC_MAX_FIELDS)
		diag_die(JW_EXIT_USAGE, "%s:1: more than %d fields", file,
			 REC_MAX_FIELDS);
	v = htab_put(&in->byname, p, len, &isnew);
	if (!isnew) {
		buf_add_quoted(&q, p, len);
		diag_die(JW_EXIT_USAGE, "%s:1: field name '%s' repeated",
			 file, q.p);
	}
	*v = in->n + 1;
	in->names = xreallocarray(in->names, in->n + 1, sizeof *in->names);
	in->names[in->n++] = arena_memdup(&in->mem, p, len);
}

const char rec_null[1];

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
static void
unescape_cols(struct rec_str *c, size_t nc)
{
	size_t i;

	for (i = 0; i < nc && i <= REC_MAX_FIELDS; i++)
		if (memchr(c[i].p, '\\', c[i].len))
			unescape_tsv(&c[i]);
}

/* Which field does byte offset off of the line fall in? */
static size_t
field_at(const struct rec_str *c, size_t nc, const char *line, size_t off)
{
	size_t i;

	for (i = 0; i + 1 < nc && i < REC_MAX_FIELDS; i++)
		if ((size_t)(c[i + 1].p - line) > off)
			return i;
	return i;
}

/* The header field of this file's column i, or REC_NONE. */
static size_t
col_field(const struct rec_reader *in, size_t i)
{
	size_t k;

	if (in->map == NULL)
		return i < in->fcols && i < in->n ? i : REC_NONE;
	for (k = 0; k < in->n; k++)
		if (in->map[k] == i)
			return k;
	return REC_NONE;
}

/* Say why the bytes at offset k of a line are not text.  With --encoding
 * the converter passed a sequence invalid in that encoding through
 * unconverted, which is never valid UTF-8. */
static void
bad_text(struct rec_reader *in, size_t k)
{
	if (in->o.encoding != NULL)
		buf_printf(&in->msg, "not valid %s at byte %zu",
			   in->o.encoding, k + 1);
	else
		buf_printf(&in->msg, "invalid UTF-8 at byte %zu "
			   "(--encoding gb18030 reads GBK exports)", k + 1);
}

/* Check a whole line for NUL and UTF-8; 0, or -1 with in->msg set. */
static int
check_bytes(struct rec_reader *in, const char *p, size_t len,
	    const struct rec_str *c, size_t nc, unsigned seen)
{
	const char *z;
	size_t k, fi;

	if ((seen & SEEN_ODD) && (z = memchr(p, '\0', len)) != NULL) {
		fi = c ? field_at(c, nc, p, (size_t)(z - p)) : 0;
		buf_reset(&in->msg);
		if (c && (fi = col_field(in, fi)) != REC_NONE)
			buf_printf(&in->msg, "field '%s': ", in->names[fi]);
		buf_printf(&in->msg, "NUL byte at byte %zu", (size_t)(z - p) + 1);
		return -1;
	}
	if ((seen & SEEN_HIGH) && (k = utf8_valid_prefix(p, len)) != len) {
		fi = c ? field_at(c, nc, p, k) : 0;
		buf_reset(&in->msg);
		if (c && (fi = col_field(in, fi)) != REC_NONE)
			buf_printf(&in->msg, "field '%s': ", in->names[fi]);
		bad_text(in, k);
		return -1;
	}
	return 0;
}

/* ---- CSV ---- */

/* Decode a CSV record into in->scratch and in->cols.  Returns the column
 * count, or -1 with in->msg set. */
static long
split_csv(struct rec_reader *in, const char *p, size_t len)
{
	size_t i = 0, nc = 0, k;
	struct buf *s = &in->scratch;

	buf_reset(s);
	for (;;) {
		if (nc <= REC_MAX_FIELDS)
			in->offs[nc] = s->len;
		if (i < len && p[i] == '"') {
			for (i++;; i++) {
				if (i >= len) {
					buf_reset(&in->msg);
					buf_printf(&in->msg, "field %zu: quoted "
						   "field not closed", nc + 1);
					return -1;
				}
				if (p[i] == '"') {
					if (i + 1 < len && p[i + 1] == '"') {
						buf_addc(s, '"');
						i++;
						continue;
					}
					i++;
					break;
				}
				buf_addc(s, p[i]);
			}
			if (i < len && p[i] != ',') {
				buf_reset(&in->msg);
				buf_printf(&in->msg, "field %zu: text after "
					   "the closing quote", nc + 1);
				return -1;
			}
		} else {
			k = i;
			while (i < len && p[i] != ',')
				i++;
			buf_add(s, p + k, i - k);
		}
		buf_addc(s, '\0');
		nc++;
		if (i >= len)
			break;
		i++;	/* the comma */
	}
	for (k = 0; k < nc && k <= REC_MAX_FIELDS; k++) {
		in->cols[k].p = s->p + in->offs[k];
		in->cols[k].len = (k + 1 < nc && k + 1 <= REC_MAX_FIELDS ?
				   in->offs[k + 1] : s->len) - in->offs[k] - 1;
	}
	return (long)nc;
}

/* ---- JSON Lines ---- */

struct jp {
	const char *start, *p, *end;
	struct rec_reader *in;
};

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static int
jp_fail(struct jp *j, const char *what)
{
	buf_reset(&j->in->msg);
	buf_printf(&j->in->msg, "bad JSON at byte %zu: %s",
		   (size_t)(j->p - j->start) + 1, what);
	return -1;
}

static int
hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* A JSON string at j->p (on the quote), decoded onto out. */
static int
jp_string(struct jp *j, struct buf *out)
{
	const char *p = j->p + 1, *q;
	unsigned u, lo;
	char enc[4];

	for (;;) {
		q = p;
		while (q < j->end && *q != '"' && *q != '\\' &&
		       (unsigned char)*q >= 0x20)
			q++;
		buf_add(out, p, (size_t)(q - p));
		p = q;
		if (p >= j->end) {
			j->p = p;
			return jp_fail(j, "string not closed");
		}
		if (*p == '"')
			break;
		if ((unsigned char)*p < 0x20) {
			j->p = p;
			return jp_fail(j, "control character in a string");
		}
		if (p + 1 >= j->end) {
			j->p = p;
			return jp_fail(j, "string not closed");
		}
		switch (p[1]) {
		case '"': buf_addc(out, '"'); p += 2; continue;
		case '\\': buf_addc(out, '\\'); p += 2; continue;
		case '/': buf_addc(out, '/'); p += 2; continue;
		case 'b': buf_addc(out, '\b'); p += 2; continue;
		case 'f': buf_addc(out, '\f'); p += 2; continue;
		case 'n': buf_addc(out, '\n'); p += 2; continue;
		case 'r': buf_addc(out, '\r'); p += 2; continue;
		case 't': buf_addc(out, '\t'); p += 2; continue;
		case 'u': break;
		default:
			j->p = p;
			return jp_fail(j, "unknown escape");
		}
		if (j->end - p < 6 || hex4(p + 2, &u) < 0) {
			j->p = p;
			return jp_fail(j, "bad \\u escape");
		}
		p += 6;
		if (u >= 0xdc00 && u <= 0xdfff) {
			j->p = p - 6;
			return jp_fail(j, "lone low surrogate");
		}
		if (u >= 0xd800 && u <= 0xdbff) {
			if (j->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
			    hex4(p + 2, &lo) < 0 || lo < 0xdc00 ||
			    lo > 0xdfff) {
				j->p = p - 6;
				return jp_fail(j, "lone high surrogate");
			}
			p += 6;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (u == 0) {
			j->p = p - 6;
			return jp_fail(j, "\\u0000 (NUL) in a string");
		}
		buf_add(out, enc, utf8_encode(u, enc));
	}
	j->p = p + 1;
	return 0;
}

/* Skip a JSON value of any kind (for nesting), checking its shape. */
static int
jp_skip(struct jp *j, int depth)
{
	struct buf dummy = BUF_INIT;
	int r;

	if (depth > 64)
		return jp_fail(j, "nested deeper than 64 levels");
	jp_ws(j);
	if (j->p >= j->end)
		return jp_fail(j, "value expected");
	if (*j->p == '"') {
		r = jp_string(j, &dummy);
		buf_release(&dummy);
		return r;
	}
	if (*j->p == '{' || *j->p == '[') {
		char close = *j->p == '{' ? '}' : ']';
		int obj = close == '}';

		j->p++;
		jp_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		for (;;) {
			if (obj) {
				jp_ws(j);
				if (j->p >= j->end || *j->p != '"') {
					buf_release(&dummy);
					return jp_fail(j, "key expected");
				}
				if (jp_string(j, &dummy) < 0) {
					buf_release(&dummy);
					return -1;
				}
				buf_reset(&dummy);
				jp_ws(j);
				if (j->p >= j->end || *j->p != ':') {
					buf_release(&dummy);
					return jp_fail(j, "':' expected");
				}
				j->p++;
			}
			if (jp_skip(j, depth + 1) < 0) {
				buf_release(&dummy);
				return -1;
			}
			jp_ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == close) {
				j->p++;
				buf_release(&dummy);
				return 0;
			}
			buf_release(&dummy);
			return jp_fail(j, "',' or end expected");
		}
	}
	/* A number or a literal. */
	if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
		const char *p = j->p;

		if (*p == '-')
			p++;
		if (p < j->end && *p == '0')
			p++;
		else if (p < j->end && *p >= '1' && *p <= '9')
			while (p < j->end && *p >= '0' && *p <= '9')
				p++;
		else
			return jp_fail(j, "bad number");
		if (p < j->end && *p == '.') {
			p++;
			if (p >= j->end || *p < '0' || *p > '9')
				return jp_fail(j, "bad number");
			while (p < j->end && *p >= '0' && *p <= '9')
				p++;
		}
		if (p < j->end && (*p == 'e' || *p == 'E')) {
			p++;
			if (p < j->end && (*p == '+' || *p == '-'))
				p++;
			if (p >= j->end || *p < '0' || *p > '9')
				return jp_fail(j, "bad number");
			while (p < j->end && *p >= '0' && *p <= '9')
				p++;
		}
		j->p = p;
		return 0;
	}
	if (j->end - j->p >= 4 && memcmp(j->p, "true", 4) == 0)
		j->p += 4;
	else if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0)
		j->p += 5;
	else if (j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0)
		j->p += 4;
	else
		return jp_fail(j, "value expected");
	return 0;
}

/* Parse one JSON object line.  Before the header is known, its keys
 * become the header.  Fields go to in->f (header order).  Returns 0 or -1
 * with in->msg set. */
static int
parse_jsonl(struct rec_reader *in, const char *p, size_t len)
{
	struct jp j = { p, p, p + len, in };
	struct buf *s = &in->scratch;
	size_t i, idx, keyoff;
	const char *vstart;
	struct buf q = BUF_INIT;

	buf_reset(s);
	jp_ws(&j);
	if (j.p >= j.end || *j.p != '{')
		return jp_fail(&j, "not an object");
	j.p++;
	if (in->have_header)
		memset(in->seen, 0, in->n);
	jp_ws(&j);
	if (j.p < j.end && *j.p == '}') {
		j.p++;
		goto end;
	}
	for (;;) {
		jp_ws(&j);
		if (j.p >= j.end || *j.p != '"')
			return jp_fail(&j, "key expected");
		keyoff = s->len;
		if (jp_string(&j, s) < 0)
			return -1;
		idx = name_index(in, s->p + keyoff, s->len - keyoff);
		if (!in->have_header && idx == REC_NONE &&
		    (s->len == keyoff || in->n == REC_MAX_FIELDS)) {
			buf_reset(&in->msg);
			buf_printf(&in->msg, s->len == keyoff ?
				   "an empty key cannot name a field" :
				   "more than %d keys", REC_MAX_FIELDS);
			return -1;
		}
		if (!in->have_header && idx == REC_NONE) {
			add_name(in, s->p + keyoff, s->len - keyoff,
				 in->fname);
			idx = in->n - 1;
			in->seen[idx] = 0;
		}
		if (idx == REC_NONE || in->seen[idx]) {
			buf_add_quoted(&q, s->p + keyoff, s->len - keyoff);
			buf_reset(&in->msg);
			buf_printf(&in->msg, idx == REC_NONE ?
				   "key '%s' is not in the first record" :
				   "key '%s' repeated", q.p);
			buf_release(&q);
			return -1;
		}
		s->len = keyoff;	/* drop the key text */
		in->seen[idx] = 1;
		in->offs[idx] = s->len;
		jp_ws(&j);
		if (j.p >= j.end || *j.p != ':')
			return jp_fail(&j, "':' expected");
		j.p++;
		jp_ws(&j);
		if (j.p < j.end && *j.p == '"') {
			if (jp_string(&j, s) < 0)
				return -1;
		} else if (j.end - j.p >= 4 && memcmp(j.p, "null", 4) == 0) {
			j.p += 4;	/* null: an empty NULL field */
			in->seen[idx] = 2;
		} else {
			vstart = j.p;
			if (jp_skip(&j, 0) < 0)
				return -1;
			buf_add(s, vstart, (size_t)(j.p - vstart));
		}
		buf_addc(s, '\0');
		jp_ws(&j);
		if (j.p < j.end && *j.p == ',') {
			j.p++;
			continue;
		}
		if (j.p < j.end && *j.p == '}') {
			j.p++;
			break;
		}
		return jp_fail(&j, "',' or '}' expected");
	}
end:
	jp_ws(&j);
	if (j.p != j.end)
		return jp_fail(&j, "text after the object");
	if (!in->have_header) {
		if (in->n == 0)
			return jp_fail(&j, "an object with no keys cannot "
				       "start the stream");
		in->have_header = 1;
		in->first_fname = arena_strdup(&in->mem, in->fname);
		in->f = xreallocarray(in->f, in->n, sizeof *in->f);
	}
	for (i = 0; i < in->n; i++) {
		if (in->seen[i] != 1) {
			/* null, or a key the object does not have: NULL */
			in->f[i].p = rec_null;
			in->f[i].len = 0;
			continue;
		}
		in->f[i].p = s->p + in->offs[i];
		in->f[i].len = strlen(in->f[i].p);
	}
	return 0;
}

/* ---- files ---- */

static enum rec_fmt
fmt_of(const struct rec_reader *in, const char *path)
{
	size_t n;

	if (!in->o.fmt_auto || path == NULL)
		return in->o.fmt;
	n = strlen(path);
	if (n > 3 && strcmp(path + n - 3, ".gz") == 0)
		n -= 3;
	if (n > 4 && strncmp(path + n - 4, ".csv", 4) == 0)
		return REC_CSV;
	if (n > 6 && strncmp(path + n - 6, ".jsonl", 6) == 0)
		return REC_JSONL;
	if (n > 7 && strncmp(path + n - 7, ".ndjson", 7) == 0)
		return REC_JSONL;
	return in->o.fmt;
}

/* Set up this file's columns from its header line. */
static void
file_header(struct rec_reader *in, char *p, size_t len)
{
	size_t nc, i, k;
	long ncl;
	int same = 1;

	/* Kept before the names are unescaped in place, to spot repeats. */
	free(in->hdr_raw);
	in->hdr_raw = xmemdup(p, len);
	in->hdr_len = len;
	if (in->fmt == REC_CSV) {
		ncl = split_csv(in, p, len);
		if (ncl < 0)
			diag_die(JW_EXIT_USAGE, "%s:%llu: header: %s",
				 in->fname, in->line, in->msg.p);
		nc = (size_t)ncl;
	} else {
		nc = cols_all(in, p, len);
		unescape_cols(in->cols, nc);
	}
	if (nc > REC_MAX_FIELDS)
		diag_die(JW_EXIT_USAGE, "%s:1: more than %d fields",
			 in->fname, REC_MAX_FIELDS);
	if (!utf8_is_valid(p, len)) {
		buf_reset(&in->msg);
		bad_text(in, utf8_valid_prefix(p, len));
		diag_die(JW_EXIT_USAGE, "%s:1: header: %s", in->fname,
			 in->msg.p);
	}
	free(in->map);
	in->map = NULL;
	in->fcols = nc;
	if (!in->have_header) {
		for (i = 0; i < nc; i++)
			add_name(in, in->cols[i].p, in->cols[i].len, in->fname);
		in->have_header = 1;
		in->first_fname = arena_strdup(&in->mem, in->fname);
		in->f = xreallocarray(in->f, in->n, sizeof *in->f);
	} else {
		/* A later file: the same names, perhaps in another order. */
		in->map = xreallocarray(NULL, in->n ? in->n : 1,
					sizeof *in->map);
		for (i = 0; i < in->n; i++)
			in->map[i] = REC_NONE;
		for (i = 0; i < nc; i++) {
			k = name_index(in, in->cols[i].p, in->cols[i].len);
			if (k == REC_NONE || in->map[k] != REC_NONE)
				goto differ;
			in->map[k] = i;
			same &= k == i;
		}
		if (nc != in->n)
			goto differ;
		if (same) {
			free(in->map);
			in->map = NULL;
		}
	}
	return;
differ:
	diag_die(JW_EXIT_USAGE, "%s:1: header has other fields than %s's "
		 "(same names in any order are needed)", in->fname,
		 in->first_fname);
}

/* --header-names: the input has no header line; the names are given. */
static void
implicit_header(struct rec_reader *in)
{
	size_t i;

	if (!in->have_header) {
		for (i = 0; i < in->o.nnames; i++)
			add_name(in, in->o.names[i], strlen(in->o.names[i]),
				 "--header-names");
		in->have_header = 1;
		in->first_fname = arena_strdup(&in->mem, in->fname);
		in->f = xreallocarray(in->f, in->n, sizeof *in->f);
	}
	free(in->map);
	in->map = NULL;
	in->fcols = in->n;
}

/* Stop reading the current file. */
static void
close_input(struct rec_reader *in)
{
	blk_src_close(in->src);	/* first: it may still read */
	in->src = NULL;
	in->b = &in->none;
	in->pos = 0;
	zin_close(in->z);
	in->z = NULL;
}

/* Open the next file; 0 when there is none. */
static int
next_file(struct rec_reader *in)
{
	const char *path;
	char *err = NULL, *p;
	size_t len;
	unsigned nl;
	int r;

	close_input(in);
	if (in->fi == in->nfiles)
		return 0;
	path = in->files[in->fi++];
	in->z = zin_open(path, in->o.encoding, &err);
	if (in->z == NULL) {
		diag_error("%s", err);
		free(err);
		exit(JW_EXIT_IO);
	}
	in->fname = zin_name(in->z);
	in->fmt = fmt_of(in, path);
	in->src = blk_src_open(in->z, in->fmt == REC_TSV, &in->b, &in->pos);
	if (in->want)
		blk_src_want(in->src, in->wlo, in->whi);
	in->line = 0;
	free(in->hdr_raw);
	in->hdr_raw = NULL;
	in->hdr_len = 0;
	/* Drop a byte order mark. */
	while (in->b->end - in->pos < 3 && !in->b->eof)
		refill(in);
	if (in->b->end - in->pos >= 3 &&
	    memcmp(in->b->buf + in->pos, "\xef\xbb\xbf", 3) == 0)
		in->pos += 3;
	if (in->o.names != NULL && in->fmt != REC_JSONL) {
		implicit_header(in);
		return 1;
	}
	if (in->fmt == REC_JSONL) {
		free(in->map);
		in->map = NULL;
		return 1;
	}
	r = next_span(in, &p, &len, &nl);
	if (r == 0)
		return 1;	/* an empty file: no header, no records */
	if (r < 0)
		diag_die(JW_EXIT_USAGE, "%s:1: header line longer than %zu "
			 "bytes", in->fname, in->o.max_line);
	file_header(in, p, len);
	return 1;
}

struct rec_reader *
rec_reader_open(const char *const *files, const struct rec_reader_opts *o)
{
	static const char *const stdin_only[] = { "-", NULL };
	struct rec_reader *in = xcalloc(1, sizeof *in);
	const char **fl;
	size_t i;

	in->o = *o;
	in->into = o->rejects_into;
	/* UTF-8 needs no conversion, so iconv does not check it either:
	 * check it as without --encoding. */
	if (in->o.encoding != NULL &&
	    (strcasecmp(in->o.encoding, "utf-8") == 0 ||
	     strcasecmp(in->o.encoding, "utf8") == 0))
		in->o.encoding = NULL;
	if (in->o.max_line == 0)
		in->o.max_line = REC_MAX_LINE_DEFAULT;
	if (files == NULL || files[0] == NULL)
		files = stdin_only;
	/* The reader keeps its own copy of the names: the caller's array
	 * may be gone before the reader is closed. */
	arena_init(&in->mem);
	while (files[in->nfiles] != NULL)
		in->nfiles++;
	fl = arena_alloc(&in->mem, (in->nfiles + 1) * sizeof *fl);
	for (i = 0; i < in->nfiles; i++)
		fl[i] = arena_strdup(&in->mem, files[i]);
	fl[i] = NULL;
	in->files = (const char *const *)fl;
	in->b = &in->none;
	htab_init(&in->byname, sizeof(size_t));
	buf_init(&in->scratch);
	buf_init(&in->msg);
	buf_init(&in->pending);
	in->cols = xreallocarray(NULL, REC_MAX_FIELDS + 2, sizeof *in->cols);
	in->rf = xreallocarray(NULL, REC_MAX_FIELDS + 2, sizeof *in->rf);
	in->rec.file = "";
	in->tty = o->progress && !diag_quiet && isatty(2);
	in->avx2 = blk_simd();
	clock_gettime(CLOCK_MONOTONIC, &in->t0);
	in->tlast = in->t0;
	/* Before the first header: split_csv() reads a CSV header into it. */
	in->offs = xreallocarray(NULL, REC_MAX_FIELDS + 2, sizeof *in->offs);
	/* Full size from the start: a JSONL file may follow a TSV or CSV
	 * one, and a CSV file a JSONL one. */
	in->seen = xmalloc(REC_MAX_FIELDS + 1);
	/* Read up to the first header, so that fields can be looked up
	 * before the first record.  JSONL learns it from its first object. */
	while (!in->have_header && next_file(in)) {
		if (in->fmt == REC_JSONL)
			break;
	}
	if (!in->have_header && in->z != NULL) {
		/* JSON Lines: read up to the first good object, and keep it
		 * for the first rec_reader_next(). */
		in->peeked = rec_reader_next(in) != NULL;
	}
	return in;
}

/* Arrange the file's columns c[0..nc) in header order in in->f. */
static void
place(struct rec_reader *in, const struct rec_str *c)
{
	size_t i;

	if (in->map == NULL)
		memcpy(in->f, c, in->n * sizeof *c);
	else
		for (i = 0; i < in->n; i++)
			in->f[i] = c[in->map[i]];
}

const struct rec *
rec_reader_next(struct rec_reader *in)
{
	struct rec *r = &in->rec;
	char *p;
	size_t len, nc, i, start;
	unsigned nl, seen;
	long ncl;
	int s;

	if (in->peeked) {
		in->peeked = 0;
		return r;
	}
	for (;;) {
		if (take_fast(in))
			return r;
		if (in->z == NULL) {
			if (!next_file(in))
				return NULL;
			continue;
		}
		s = next_span(in, &p, &len, &nl);
		if (s == 0) {
			if (!next_file(in))
				return NULL;
			continue;
		}
		r->file = in->fname;
		r->line = in->line - nl + 1;
		r->raw = NULL;
		r->partial = 0;
		in->lazy = 0;
		if (s < 0) {
			in->nread++;
			buf_reset(&in->msg);
			buf_printf(&in->msg, "line of %llu bytes is longer than "
				   "--max-line %zu (first %d bytes kept)",
				   in->ovl_len, in->o.max_line, KEEP_OVERLONG);
			in->cols[0].p = in->scratch.p;
			in->cols[0].len = in->scratch.len;
			reject_raw(in, in->cols, 1);
			continue;
		}
		/* A repeat of this file's header: cat a.tsv b.tsv | tool
		 * (b.tsv may start with a BOM). */
		if (in->hdr_raw != NULL && len >= in->hdr_len &&
		    (len == in->hdr_len || (len == in->hdr_len + 3 &&
		     memcmp(p, "\xef\xbb\xbf", 3) == 0)) &&
		    memcmp(p + len - in->hdr_len, in->hdr_raw,
			   in->hdr_len) == 0)
			continue;
		if (in->fmt == REC_JSONL) {
			if (len == 0 || (len == 1 && p[0] == '\r'))
				continue;	/* a blank line holds nothing */
			in->nread++;
			in->cols[0].p = p;
			in->cols[0].len = len;
			if (check_bytes(in, p, len, NULL, 0, SEEN_HIGH | SEEN_ODD) < 0 ||
			    parse_jsonl(in, p, len) < 0) {
				if (!in->have_header) {
					/* Forget the keys of a bad first
					 * object: the next one decides. */
					in->n = 0;
					htab_release(&in->byname);
					htab_init(&in->byname, sizeof(size_t));
				}
				reject_raw(in, in->cols, 1);
				continue;
			}
			if (in->pending.len)
				flush_pending(in);
			r->f = in->f;
			r->n = in->n;
			return r;
		}
		in->nread++;
		if (in->fmt == REC_CSV) {
			if (!utf8_is_valid(p, len)) {
				buf_reset(&in->msg);
				bad_text(in, utf8_valid_prefix(p, len));
				in->cols[0].p = p;
				in->cols[0].len = len;
				reject_raw(in, in->cols, 1);
				continue;
			}
			ncl = split_csv(in, p, len);
			if (ncl < 0) {
				in->cols[0].p = p;
				in->cols[0].len = len;
				reject_raw(in, in->cols, 1);
				continue;
			}
			nc = (size_t)ncl;
			/* Column REC_MAX_FIELDS + 1 holds the rest of a long
			 * record, separators too: it is rejected below. */
			for (i = 0; i < nc && i < REC_MAX_FIELDS; i++)
				if (memchr(in->cols[i].p, '\0',
					   in->cols[i].len)) {
					buf_reset(&in->msg);
					if (col_field(in, i) != REC_NONE)
						buf_printf(&in->msg, "field '%s': "
							   "NUL byte", in->names[
							   col_field(in, i)]);
					else
						buf_printf(&in->msg, "field %zu: "
							   "NUL byte", i + 1);
					break;
				}
			if (i < nc && i < REC_MAX_FIELDS) {
				reject_cols(in, nc);
				continue;
			}
		} else {
			start = (size_t)(p - in->b->buf);
			seen = (start < in->b->vfrom ||
				start + len > in->b->vok ? SEEN_HIGH : 0) |
			       (in->odd ? SEEN_ODD : 0);
			in->lazy = in->want && in->map == NULL && !seen &&
				   in->ntabs + 1 == in->fcols;
			nc = in->lazy ? cols_want(in, p, len) :
					cols_all(in, p, len);
			in->lp = p;
			in->llen = len;
			if (nc > in->fcols || nc < in->fcols ||
			    check_bytes(in, p, len, in->cols, nc, seen) < 0) {
				unescape_cols(in->cols, nc);
				if (nc != in->fcols) {
					buf_reset(&in->msg);
					if (len == 0)
						buf_printf(&in->msg, "empty line, "
							   "expected %zu fields",
							   in->fcols);
					else
						buf_printf(&in->msg, "%zu field%s, "
							   "expected %zu", nc,
							   nc == 1 ? "" : "s",
							   in->fcols);
				}
				reject_cols(in, nc);
				continue;
			}
			if (seen & SEEN_ODD) {
				unescape_cols(in->cols, nc);
			} else if (in->map == NULL) {
				r->raw = p;
				r->rawlen = len;
				r->partial = in->lazy;
			}
		}
		if (nc != in->fcols) {
			buf_reset(&in->msg);
			buf_printf(&in->msg, "%zu field%s, expected %zu", nc,
				   nc == 1 ? "" : "s", in->fcols);
			reject_cols(in, nc);
			continue;
		}
		if (in->map == NULL) {
			r->f = in->cols;
		} else {
			place(in, in->cols);
			r->f = in->f;
		}
		r->n = in->n;
		return r;
	}
}

void
rec_reader_want(struct rec_reader *in, const size_t *idx, size_t n)
{
	size_t i, lo = (size_t)-1, hi = 0;

	for (i = 0; i < n; i++) {
		lo = idx[i] < lo ? idx[i] : lo;
		hi = idx[i] > hi ? idx[i] : hi;
	}
	if (n == 0 || in->fmt != REC_TSV || hi >= TABCAP)
		return;
	in->want = 1;
	in->wlo = lo;
	in->whi = hi;
	if (in->src != NULL)
		blk_src_want(in->src, lo, hi);
}

unsigned long long
rec_reader_count_read(const struct rec_reader *in)
{
	return in->nread;
}

unsigned long long
rec_reader_count_rejected(const struct rec_reader *in)
{
	return in->nrej;
}

unsigned long long
rec_reader_count_filtered(const struct rec_reader *in)
{
	return in->nfilt;
}

void
rec_reader_close(struct rec_reader *in)
{
	int named;

	if (in == NULL)
		return;
	progress(in, 1);
	if (in->pending.len) {
		/* JSONL input with no valid object at all. */
		in->have_header = 1;
		flush_pending(in);
	}
	if (in->rej != NULL) {
		rec_writer_close(in->rej);
	} else if (in->o.rejects != NULL && in->into == NULL) {
		/* An empty rejects file still says "none", with columns. */
		rejects_open(in);
		rec_writer_close(in->rej);
	}
	/* A single named input is named: diff has two readers. */
	named = in->nfiles == 1 && strcmp(in->files[0], "-") != 0;
	if (in->nrej > 0)
		diag_error("%s%s%llu of %llu record%s rejected%s",
			   named ? in->files[0] : "", named ? ": " : "",
			   in->nrej, in->nread,
			   in->nread == 1 ? "" : "s", in->o.rejects ? "" :
			   " (--rejects FILE keeps them)");
	close_input(in);
	free(in->names);
	free(in->f);
	free(in->cols);
	free(in->rf);
	free(in->offs);
	free(in->seen);
	free(in->map);
	free(in->hdr_raw);
	arena_release(&in->mem);
	htab_release(&in->byname);
	buf_release(&in->scratch);
	buf_release(&in->msg);
	buf_release(&in->pending);
	free(in);
}
