/*
 * rec: the record reader's core.  See rec.h for the contract, rec_in.h
 * for how the reader is split into files.
 *
 * rec_reader_next() tries the fast lane for a TSV line first, in a few
 * instructions, and else runs one loop (next_slow()): the next line (or CSV record) of the current file, skipped when
 * it repeats the header, handed to its format's record function.  The
 * checks every format shares (NUL bytes, UTF-8) and the rejects'
 * accounting are here too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/diag.h"
#include "base/utf8.h"
#include "base/util.h"
#include "rec/rec_in.h"

const char rec_null[1];

/* ---- views ---- */

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

/* ---- checks every format makes ---- */

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
size_t
rd_col_field(const struct rec_reader *in, size_t i)
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
void
rd_bad_text(struct rec_reader *in, size_t k)
{
	if (in->o.encoding != NULL)
		buf_printf(&in->msg, "not valid %s at byte %zu",
			   in->o.encoding, k + 1);
	else
		buf_printf(&in->msg, "invalid UTF-8 at byte %zu "
			   "(--encoding gb18030 reads GBK exports)", k + 1);
}

/* Check a whole line for NUL and UTF-8; 0, or -1 with in->msg set. */
int
rd_check_bytes(struct rec_reader *in, const char *p, size_t len,
	    const struct rec_str *c, size_t nc, unsigned seen)
{
	const char *z;
	size_t k, fi;

	if ((seen & SEEN_ODD) && (z = memchr(p, '\0', len)) != NULL) {
		fi = c ? field_at(c, nc, p, (size_t)(z - p)) : 0;
		buf_reset(&in->msg);
		if (c && (fi = rd_col_field(in, fi)) != REC_NONE)
			buf_printf(&in->msg, "field '%s': ", in->names[fi]);
		buf_printf(&in->msg, "NUL byte at byte %zu", (size_t)(z - p) + 1);
		return -1;
	}
	if ((seen & SEEN_HIGH) && (k = utf8_valid_prefix(p, len)) != len) {
		fi = c ? field_at(c, nc, p, k) : 0;
		buf_reset(&in->msg);
		if (c && (fi = rd_col_field(in, fi)) != REC_NONE)
			buf_printf(&in->msg, "field '%s': ", in->names[fi]);
		rd_bad_text(in, k);
		return -1;
	}
	return 0;
}

/* ---- rejects ---- */

/* Reject the fields f[0..nf) (in header order when nf == n, else as the
 * file had them) from file:line with the reason in in->msg: count it,
 * then print it (the first REC_SHOW_REJECTS, without --rejects) or send
 * it to the rejects stream (into's: under its columns, found by name). */
static void
reject_fields(struct rec_reader *in, const struct rec_str *f, size_t nf,
	      const char *file, unsigned long long line)
{
	struct rec_reader *to = in->into;
	struct rec_str *g;
	size_t i, k;

	in->nrej++;
	if (in->o.rejects_quiet)
		return;
	if (in->o.rejects == NULL) {
		if (in->nrej <= REC_SHOW_REJECTS)
			diag_error("%s:%llu: %s", file, line, in->msg.p);
		return;
	}
	if (to == NULL) {
		rejects_put(in->rej, f, nf, file, line, in->msg.p);
		return;
	}
	if (nf != in->n || in->n == 0 || !in->have_header) {
		/* A raw line: as it was. */
		rejects_put(to->rej, f, nf, file, line, in->msg.p);
		return;
	}
	g = xcalloc(to->n + 1, sizeof *g);
	for (i = 0; i < to->n; i++) {
		k = rd_name_index(in, to->names[i], strlen(to->names[i]));
		g[i] = k == REC_NONE ? (struct rec_str){ "", 0 } : f[k];
	}
	rejects_put(to->rej, g, to->n, file, line, in->msg.p);
	free(g);
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
		tsv_cols_all(in, in->lp, in->llen);
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
void
rd_reject_raw(struct rec_reader *in, const struct rec_str *f, size_t nf)
{
	reject_fields(in, f, nf, in->fname, in->rec.line);
}

/* Reject a TSV or CSV line split into nc columns of this file (in->cols)
 * with a reason in in->msg.  A file whose header has another order than
 * the first's is put in header order, so that the rejects file's columns
 * hold what their names say; extra columns come last. */
void
rd_reject_cols(struct rec_reader *in, size_t nc)
{
	static const struct rec_str none = { "", 0 };
	size_t k, stored = nc > REC_MAX_FIELDS + 1 ? REC_MAX_FIELDS + 1 : nc;

	if (in->map == NULL) {
		rd_reject_raw(in, in->cols, stored);
		return;
	}
	for (k = 0; k < in->n; k++)
		in->rf[k] = in->map[k] < stored ? in->cols[in->map[k]] : none;
	for (k = in->fcols; k < stored; k++)
		in->rf[in->n + k - in->fcols] = in->cols[k];
	rd_reject_raw(in, in->rf, stored > in->fcols ?
		   in->n + stored - in->fcols : in->n);
}

/* ---- opening ---- */

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
	in->b = blk_empty();
	htab_init(&in->byname, sizeof(size_t));
	buf_init(&in->scratch);
	buf_init(&in->msg);
	in->cols = xreallocarray(NULL, REC_MAX_FIELDS + 2, sizeof *in->cols);
	in->rf = xreallocarray(NULL, REC_MAX_FIELDS + 2, sizeof *in->rf);
	in->rec.file = "";
	progress_init(&in->prog, o->progress);
	tsv_init(in);
	if (in->o.rejects != NULL && in->into == NULL)
		in->rej = rejects_open(in->o.rejects);
	/* Before the first header: csv_split() reads a CSV header into it. */
	in->offs = xreallocarray(NULL, REC_MAX_FIELDS + 2, sizeof *in->offs);
	/* Full size from the start: a JSONL file may follow a TSV or CSV
	 * one, and a CSV file a JSONL one. */
	in->seen = xmalloc(REC_MAX_FIELDS + 1);
	/* Read up to the first header, so that fields can be looked up
	 * before the first record.  JSONL learns it from its first object. */
	if (in->o.spans != NULL)
		rd_spans_start(in);	/* the header, without reading ahead */
	while (!in->have_header && rd_next_file(in)) {
		if (in->fmt == REC_JSONL)
			break;
	}
	if (!in->have_header && in->z != NULL) {
		/* JSON Lines: read up to the first good object, and keep it
		 * for the first rec_reader_next(). */
		in->peeked = rec_reader_next(in) != NULL;
	}
	rd_check_empty(in);
	return in;
}

/* ---- records ---- */

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

/* rd_deliver() when the line is not simply the record. */
int
rd_deliver_other(struct rec_reader *in, size_t nc)
{
	struct rec *r = &in->rec;

	if (nc != in->fcols) {
		buf_reset(&in->msg);
		buf_printf(&in->msg, "%zu field%s, expected %zu", nc,
			   nc == 1 ? "" : "s", in->fcols);
		rd_reject_cols(in, nc);
		return 0;
	}
	place(in, in->cols);
	r->f = in->f;
	r->n = in->n;
	return 1;
}

/* Reject the line over --max-line just skipped (rd_skip_overlong()). */
void
rd_reject_overlong(struct rec_reader *in)
{
	in->nread++;
	buf_reset(&in->msg);
	buf_printf(&in->msg, "line of %llu bytes is longer than --max-line "
		   "%zu", in->ovl_len, in->o.max_line);
	if (in->o.rejects != NULL && in->scratch.len == in->ovl_len)
		buf_printf(&in->msg, " (kept whole)");
	else if (in->o.rejects != NULL)
		buf_printf(&in->msg, " (first %zu bytes kept)",
			   in->scratch.len);
	in->cols[0].p = in->scratch.p;
	in->cols[0].len = in->scratch.len;
	rd_reject_raw(in, in->cols, 1);
}

/* rec_reader_next() but for the fast lane's first try (tried: it was
 * tried for this record and gave nothing).  Not inlined: the caller's
 * fast lane stays a few instructions, without this loop's registers saved
 * and restored on every line. */
static const struct rec * __attribute__((noinline))
next_slow(struct rec_reader *in, int tried)
{
	struct rec *r = &in->rec;
	unsigned nl = 1;
	size_t len;
	char *p;
	int s, ok;

	if (in->peeked) {
		in->peeked = 0;
		return r;
	}
	for (;; tried = 0) {
		if (!tried && in->want && tsv_take_fast(in))
			return r;
		if (in->z == NULL) {
			if (in->o.spans != NULL)
				return rd_spans_next(in);
			if (!rd_next_file(in))
				return NULL;
			continue;
		}
		s = in->fmt == REC_TSV ? tsv_next_span(in, &p, &len) :
					 rd_next_span(in, &p, &len, &nl);
		if (s == 0) {
			if (!rd_next_file(in))
				return NULL;
			continue;
		}
		r->file = in->fname;
		r->line = in->line - nl + 1;
		r->raw = NULL;
		r->partial = 0;
		in->lazy = 0;
		if (s < 0) {
			rd_reject_overlong(in);
			continue;
		}
		if (rd_is_header_again(in, p, len))
			continue;
		switch (in->fmt) {
		case REC_TSV: ok = tsv_record(in, p, len); break;
		case REC_CSV: ok = csv_record(in, p, len); break;
		default: ok = jsonl_record(in, p, len); break;
		}
		if (ok)
			return r;
	}
}

const struct rec *
rec_reader_next(struct rec_reader *in)
{
	if (!in->want)
		return next_slow(in, 0);
	if (in->peeked)
		return next_slow(in, 0);	/* returns the record peeked */
	if (tsv_take_fast(in))
		return &in->rec;
	return next_slow(in, 1);
}

void
rec_reader_want(struct rec_reader *in, const size_t *idx, size_t n)
{
	size_t i, k, lo = (size_t)-1, hi = 0;

	for (i = 0; i < n; i++) {
		lo = idx[i] < lo ? idx[i] : lo;
		hi = idx[i] > hi ? idx[i] : hi;
	}
	if (n == 0 || in->fmt != REC_TSV || hi >= REC_MAX_FIELDS + 1)
		return;
	in->want = 1;
	in->wlo = lo;
	in->whi = hi;
	/* The fields named, in order, each once: by one pass over the
	 * span for each (they are few). */
	in->nwix = 0;
	for (k = lo; k <= hi && in->nwix <= REC_WANT_LIST; k++)
		for (i = 0; i < n; i++)
			if (idx[i] == k) {
				if (in->nwix < REC_WANT_LIST)
					in->wix[in->nwix] = k;
				in->nwix++;
				break;
			}
	if (in->nwix > REC_WANT_LIST)
		in->nwix = 0;
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
	progress_done(&in->prog);
	/* The rejects file, with its columns even with no rows (JSON Lines
	 * with no good object: one column _text). */
	rejects_close(in->rej);
	/* A single named input is named: diff has two readers. */
	named = in->nfiles == 1 && strcmp(in->files[0], "-") != 0;
	if (in->nrej > 0 && !in->o.rejects_quiet)
		diag_error("%s%s%llu of %llu record%s rejected%s",
			   named ? in->files[0] : "", named ? ": " : "",
			   in->nrej, in->nread,
			   in->nread == 1 ? "" : "s", in->o.rejects ? "" :
			   " (--rejects FILE keeps them)");
	rd_close_input(in);
	rd_spans_end(in);
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
	tsv_free(in);
	free(in);
}
