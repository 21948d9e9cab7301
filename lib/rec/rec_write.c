/* rec: the record writer (TSV, CSV, JSON Lines, pretty).  See rec.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/diag.h"
#include "rec/mask.h"
#include "rec/rec.h"
#include "base/utf8.h"
#include "base/util.h"
#include "base/zio.h"

#define WBLOCK (256u << 10)
#define PRETTY_CUT 40	/* columns a cell may take on a terminal */

struct rec_writer {
	struct rec_writer_opts o;
	struct zout *z;
	char *buf;
	size_t len, cap;

	char **names;
	size_t n;
	struct arena mem;
	unsigned char *masked;	/* per column, resolved at the first record */
	int started;		/* header written (or masks resolved) */
	size_t col;		/* fields put in the record under way */
	/* rec_writer_add_*_plus(): the input's nbase columns, and for each
	 * of them the added name that replaces it (REC_NONE: none); then the
	 * added names' columns (REC_NONE: appended). */
	int plus;
	size_t nbase, nplus, *repl, *at;
	struct rec_str *split;	/* a partial record's fields */
	unsigned long long count;
	struct buf tmp;

	/* --opretty: every cell kept until the end. */
	struct buf cells;	/* cell texts, each followed by NUL */
	size_t *width;		/* per column: widest cell */
	unsigned char *numeric;	/* per column: all cells numbers */
};

static void
flush(struct rec_writer *w)
{
	if (w->len) {
		zout_write(w->z, w->buf, w->len);
		w->len = 0;
	}
}

/* Room for n more bytes in the block buffer. */
static inline char *
room(struct rec_writer *w, size_t n)
{
	if (w->cap - w->len < n) {
		flush(w);
		if (w->cap < n) {	/* empty now: nothing to keep */
			free(w->buf);
			w->cap = n;
			w->buf = xmalloc_page(w->cap);
		}
	}
	return w->buf + w->len;
}

static void
emit(struct rec_writer *w, const void *p, size_t n)
{
	memcpy(room(w, n), p, n);
	w->len += n;
}

/* Open writers, so that a closed pipe on one (`| head`) still commits
 * the files of the others: the rejects seen so far are kept. */
static struct rec_writer **live;
static size_t nlive;

static void
commit_files(void)
{
	while (nlive > 0) {
		struct rec_writer *w = live[nlive - 1];

		if (w->o.path == NULL || strcmp(w->o.path, "-") == 0) {
			nlive--;	/* the closed pipe itself, perhaps */
			continue;
		}
		rec_writer_close(w);
	}
}

struct rec_writer *
rec_writer_open(const struct rec_writer_opts *o)
{
	struct rec_writer *w = xcalloc(1, sizeof *w);

	live = xreallocarray(live, nlive + 1, sizeof *live);
	live[nlive++] = w;
	zout_on_epipe(commit_files);

	w->o = *o;
	w->z = zout_open(o->path, o->gzip);
	w->cap = WBLOCK;
	w->buf = xmalloc_page(w->cap);
	arena_init(&w->mem);
	buf_init(&w->tmp);
	buf_init(&w->cells);
	return w;
}

size_t
rec_writer_add(struct rec_writer *w, const char *name)
{
	if (w->started)
		diag_die(JW_EXIT_INTERNAL, "bug: column '%s' added after "
			 "the first record", name);
	w->names = xreallocarray(w->names, w->n + 1, sizeof *w->names);
	w->names[w->n] = arena_strdup(&w->mem, name);
	return w->n++;
}

void
rec_writer_add_fields(struct rec_writer *w, const struct rec_reader *in)
{
	size_t i;

	for (i = 0; i < rec_reader_nfields(in); i++)
		rec_writer_add(w, rec_reader_name(in, i));
}

/* ---- field encodings ---- */

/* Bytes that TSV must escape. */
static const unsigned char tsv_special[256] = {
	['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r', ['\\'] = '\\',
};

static inline uint64_t
has_byte(uint64_t w, unsigned char c)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t x = w ^ (ones * c);

	return (x - ones) & ~x & (ones << 7);
}

/* Does p[0..n) hold a byte TSV escapes?  8 bytes at a time: a word has a
 * byte equal to c when (w ^ c...c) has a zero byte. */
static int
tsv_needs_escape(const char *p, size_t n)
{
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (has_byte(w, '\t') | has_byte(w, '\n') |
		    has_byte(w, '\r') | has_byte(w, '\\'))
			return 1;
	}
	for (; i < n; i++)
		if (tsv_special[(unsigned char)p[i]])
			return 1;
	return 0;
}

static void
put_tsv(struct rec_writer *w, const char *p, size_t n)
{
	char *o, *o0;
	size_t i;

	if (!tsv_needs_escape(p, n)) {
		emit(w, p, n);
		return;
	}
	o = o0 = room(w, 2 * n + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (tsv_special[c]) {
			*o++ = '\\';
			*o++ = (char)tsv_special[c];
		} else {
			*o++ = (char)c;
		}
	}
	w->len += (size_t)(o - o0);
}

static int
csv_needs_quotes(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r')
			return 1;
	return 0;
}

static void
put_csv(struct rec_writer *w, const char *p, size_t n)
{
	char *o;
	size_t i;

	if (!csv_needs_quotes(p, n)) {
		emit(w, p, n);
		return;
	}
	o = room(w, 2 * n + 2);
	*o++ = '"';
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			*o++ = '"';
		*o++ = p[i];
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

/* JSON string: always valid JSON, whatever the bytes (invalid UTF-8
 * becomes U+FFFD). */
static void
put_json_string(struct rec_writer *w, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *o = room(w, 6 * n + 2);
	size_t i = 0, k;

	*o++ = '"';
	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x80) {
			k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			if (k <= n - i && utf8_valid_prefix(p + i, k) == k) {
				memcpy(o, p + i, k);
				o += k;
				i += k;
			} else {
				memcpy(o, "\\ufffd", 6);
				o += 6;
				i++;
			}
			continue;
		}
		i++;
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\t') {
			*o++ = '\\';
			*o++ = 't';
		} else if (c == '\r') {
			*o++ = '\\';
			*o++ = 'r';
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(o, "\\u00", 4);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			o += 6;
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

/* ---- header and masks ---- */

static void
start(struct rec_writer *w)
{
	size_t i, k;

	w->started = 1;
	w->masked = xcalloc(w->n ? w->n : 1, 1);
	for (k = 0; k < w->o.nmask; k++) {
		for (i = 0; i < w->n; i++)
			if (strcmp(w->names[i], w->o.mask[k]) == 0)
				break;
		if (i == w->n)
			diag_die(JW_EXIT_USAGE, "--mask: no field '%s' in the "
				 "output", w->o.mask[k]);
		w->masked[i] = 1;
	}
	if (w->o.fmt == REC_PRETTY) {
		w->width = xcalloc(w->n ? w->n : 1, sizeof *w->width);
		w->numeric = xcalloc(w->n ? w->n : 1, 1);
		for (i = 0; i < w->n; i++) {
			buf_adds(&w->cells, w->names[i]);
			buf_addc(&w->cells, '\0');
			w->width[i] = utf8_width(w->names[i],
						 strlen(w->names[i]));
			w->numeric[i] = 1;
		}
		return;
	}
	if (w->o.fmt == REC_JSONL || w->n == 0 || w->o.headerless)
		return;
	for (i = 0; i < w->n; i++) {
		if (i)
			emit(w, w->o.fmt == REC_CSV ? "," : "\t", 1);
		if (w->o.fmt == REC_CSV)
			put_csv(w, w->names[i], strlen(w->names[i]));
		else
			put_tsv(w, w->names[i], strlen(w->names[i]));
	}
	emit(w, "\n", 1);
}

static int
is_number(const char *p, size_t n)
{
	size_t i = 0, digits = 0;

	if (n && (p[0] == '-' || p[0] == '+'))
		i++;
	for (; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			digits++;
		else if (p[i] != '.')
			return 0;
	}
	return digits > 0;
}

static void
put_pretty(struct rec_writer *w, const char *p, size_t n)
{
	size_t before = w->cells.len, wd;

	/* Escape control characters so that they cannot break the
	 * alignment; the cell shows what TSV would. */
	buf_grow(&w->cells, 2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (tsv_special[c]) {
			buf_addc(&w->cells, '\\');
			buf_addc(&w->cells, tsv_special[c]);
		} else if (c < 0x20 || c == 0x7f) {
			buf_addc(&w->cells, '?');
		} else {
			buf_addc(&w->cells, c);
		}
	}
	wd = utf8_width(w->cells.p + before, w->cells.len - before);
	buf_addc(&w->cells, '\0');
	if (wd > w->width[w->col])
		w->width[w->col] = wd;
	if (n && !is_number(p, n))
		w->numeric[w->col] = 0;
}

void
rec_writer_put(struct rec_writer *w, const char *p, size_t n)
{
	if (!w->started)
		start(w);
	if (w->col >= w->n)
		diag_die(JW_EXIT_INTERNAL, "bug: more fields than the %zu "
			 "columns", w->n);
	if (p == rec_null) {
		/* NULL: \N in TSV, null in JSON, empty elsewhere. */
		switch (w->o.fmt) {
		case REC_TSV:
			emit(w, w->col ? "\t\\N" : "\\N", w->col ? 3 : 2);
			break;
		case REC_JSONL:
			emit(w, w->col ? "," : "{", 1);
			put_json_string(w, w->names[w->col],
					strlen(w->names[w->col]));
			emit(w, ":null", 5);
			break;
		case REC_CSV:
			if (w->col)
				emit(w, ",", 1);
			break;
		case REC_PRETTY:
			put_pretty(w, "", 0);
			break;
		}
		w->col++;
		return;
	}
	if (w->masked[w->col]) {
		buf_reset(&w->tmp);
		mask_value(&w->tmp, p, n);
		p = w->tmp.p;
		n = w->tmp.len;
	}
	switch (w->o.fmt) {
	case REC_TSV:
		if (w->col)
			emit(w, "\t", 1);
		put_tsv(w, p, n);
		break;
	case REC_CSV:
		if (w->col)
			emit(w, ",", 1);
		put_csv(w, p, n);
		break;
	case REC_JSONL:
		emit(w, w->col ? "," : "{", 1);
		put_json_string(w, w->names[w->col],
				strlen(w->names[w->col]));
		emit(w, ":", 1);
		put_json_string(w, p, n);
		break;
	case REC_PRETTY:
		put_pretty(w, p, n);
		break;
	}
	w->col++;
}

static const struct rec_str *all_fields(struct rec_writer *w,
					const struct rec *r);

void
rec_writer_rec(struct rec_writer *w, const struct rec *r)
{
	const struct rec_str *f;
	size_t i;

	if (!w->started)
		start(w);
	/* Pass-through: a TSV line whose fields needed no unescaping is
	 * its own TSV encoding. */
	if (r->raw != NULL && w->o.fmt == REC_TSV && w->o.nmask == 0 &&
	    w->col + r->n <= w->n) {
		char *o = room(w, r->rawlen + 1);

		if (w->col)
			*o++ = '\t', w->len++;
		memcpy(o, r->raw, r->rawlen);
		w->len += r->rawlen;
		w->col += r->n;
		return;
	}
	/* A partial record (rec_reader_want()) has only some of r->f set,
	 * but its raw line is clean: all_fields() splits it. */
	f = all_fields(w, r);
	for (i = 0; i < r->n; i++)
		rec_writer_put(w, f[i].p, f[i].len);
}

/* Set up the added names (after the nbase input columns, found by the
 * caller's find(): the index, or REC_NONE). */
static void
plus_setup(struct rec_writer *w, size_t nbase, const char *const *names,
	   size_t n, size_t (*find)(const void *, const char *),
	   const void *ctx)
{
	size_t i, k;

	if (w->plus || w->n != nbase)
		diag_die(JW_EXIT_INTERNAL, "bug: added columns set up twice "
			 "or after other columns");
	w->plus = 1;
	w->nbase = nbase;
	w->nplus = n;
	w->repl = xreallocarray(NULL, nbase + 1, sizeof *w->repl);
	w->at = xreallocarray(NULL, n + 1, sizeof *w->at);
	for (k = 0; k < nbase; k++)
		w->repl[k] = REC_NONE;
	for (i = 0; i < n; i++) {
		k = find(ctx, names[i]);
		if (k != REC_NONE && k < nbase && w->repl[k] == REC_NONE) {
			w->repl[k] = i;
			w->at[i] = k;
		} else {
			w->at[i] = REC_NONE;
			rec_writer_add(w, names[i]);
		}
	}
}

static size_t
find_field(const void *in, const char *name)
{
	return rec_reader_field(in, name);
}

struct base_names {
	const char *const *p;
	size_t n;
};

static size_t
find_name(const void *ctx, const char *name)
{
	const struct base_names *b = ctx;
	size_t k;

	for (k = 0; k < b->n; k++)
		if (strcmp(b->p[k], name) == 0)
			return k;
	return REC_NONE;
}

void
rec_writer_add_fields_plus(struct rec_writer *w, const struct rec_reader *in,
			   const char *const *names, size_t n)
{
	size_t nbase = w->n;

	rec_writer_add_fields(w, in);
	plus_setup(w, w->n - nbase, names, n, find_field, in);
}

void
rec_writer_add_names_plus(struct rec_writer *w, const char *const *base,
			  size_t nbase, const char *const *names, size_t n)
{
	struct base_names b = { base, nbase };
	size_t i;

	for (i = 0; i < nbase; i++)
		rec_writer_add(w, base[i]);
	plus_setup(w, nbase, names, n, find_name, &b);
}

/* r's fields, all set: a partial record's line split at its tabs. */
static const struct rec_str *
all_fields(struct rec_writer *w, const struct rec *r)
{
	const char *p = r->raw, *end, *t;
	size_t k;

	if (!r->partial)
		return r->f;
	if (p == NULL)
		diag_die(JW_EXIT_INTERNAL, "bug: a partial record without "
			 "its line");
	end = p + r->rawlen;
	w->split = xreallocarray(w->split, r->n + 1, sizeof *w->split);
	for (k = 0; k < r->n; k++) {
		t = k + 1 < r->n ? memchr(p, '\t', (size_t)(end - p)) : end;
		if (t == NULL)
			diag_die(JW_EXIT_INTERNAL, "bug: a partial record's "
				 "line has too few fields");
		w->split[k].p = p;
		w->split[k].len = (size_t)(t - p);
		p = t + 1;
	}
	return w->split;
}

void
rec_writer_rec_plus(struct rec_writer *w, const struct rec *r,
		    const struct rec_str *vals)
{
	const struct rec_str *f;
	size_t i, k, replaced = 0;

	if (!w->plus)
		diag_die(JW_EXIT_INTERNAL, "bug: rec_writer_rec_plus() "
			 "without added columns");
	for (i = 0; i < w->nplus; i++)
		replaced += w->at[i] != REC_NONE;
	if (replaced == 0) {
		rec_writer_rec(w, r);
	} else {
		if (r->n != w->nbase)
			diag_die(JW_EXIT_INTERNAL, "bug: a record of %zu "
				 "fields for %zu input columns", r->n,
				 w->nbase);
		f = all_fields(w, r);
		for (k = 0; k < r->n; k++)
			rec_writer_str(w, w->repl[k] != REC_NONE ?
				       vals[w->repl[k]] : f[k]);
	}
	for (i = 0; i < w->nplus; i++)
		if (w->at[i] == REC_NONE)
			rec_writer_str(w, vals[i]);
	rec_writer_end(w);
}

void
rec_writer_puts(struct rec_writer *w, const char *s)
{
	rec_writer_put(w, s, strlen(s));
}

void
rec_writer_put_label(struct rec_writer *w, const char *s)
{
	size_t col;
	unsigned char m;

	if (!w->started)
		start(w);
	col = w->col;
	if (col >= w->n) {
		rec_writer_puts(w, s);	/* exits: more fields than columns */
		return;
	}
	m = w->masked[col];
	w->masked[col] = 0;
	rec_writer_puts(w, s);
	w->masked[col] = m;
}

void
rec_writer_putll(struct rec_writer *w, long long v)
{
	char num[24], *p = num + sizeof num;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
			       (unsigned long long)v;

	/* By hand: snprintf() cost a fold of 10 million events 5%. */
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	rec_writer_put(w, p, (size_t)(num + sizeof num - p));
}

void
rec_writer_end(struct rec_writer *w)
{
	if (!w->started)
		start(w);
	if (w->col != w->n)
		diag_die(JW_EXIT_INTERNAL, "bug: record with %zu fields for "
			 "%zu columns", w->col, w->n);
	w->col = 0;
	w->count++;
	switch (w->o.fmt) {
	case REC_TSV:
	case REC_CSV:
		emit(w, "\n", 1);
		break;
	case REC_JSONL:
		emit(w, w->n ? "}\n" : "{}\n", w->n ? 2 : 3);
		break;
	case REC_PRETTY:
		break;
	}
}

unsigned long long
rec_writer_count(const struct rec_writer *w)
{
	return w->count;
}

/* Write the buffered table, aligned; on a terminal cut long cells with
 * an ellipsis and make the header bold (unless NO_COLOR). */
static void
pretty_finish(struct rec_writer *w)
{
	int tty = w->o.path == NULL && isatty(1);
	int bold = tty && getenv("NO_COLOR") == NULL;
	const char *p = w->cells.p, *end = w->cells.p + w->cells.len;
	size_t col = 0, i, len, wd, cut, maxw;
	unsigned long long row = 0;

	if (tty)
		for (i = 0; i < w->n; i++)
			if (w->width[i] > PRETTY_CUT)
				w->width[i] = PRETTY_CUT;
	while (p < end) {
		len = strlen(p);
		maxw = w->width[col];
		wd = utf8_width(p, len);
		cut = len;
		if (wd > maxw) {
			cut = utf8_fit(p, len, maxw - 1, &wd);
			wd++;
		}
		if (row == 0 && bold)
			emit(w, "\033[1m", 4);
		if (row > 0 && w->numeric[col])
			for (i = wd; i < maxw; i++)
				emit(w, " ", 1);
		emit(w, p, cut);
		if (cut < len)
			emit(w, "\xe2\x80\xa6", 3);	/* … */
		if (row == 0 && bold)
			emit(w, "\033[0m", 4);
		if (col + 1 < w->n) {
			if (row == 0 || !w->numeric[col])
				for (i = wd; i < maxw; i++)
					emit(w, " ", 1);
			emit(w, "  ", 2);
			col++;
		} else {
			emit(w, "\n", 1);
			col = 0;
			row++;
		}
		p += len + 1;
	}
}

void
rec_writer_close(struct rec_writer *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < nlive; i++)
		if (live[i] == w) {
			live[i] = live[--nlive];
			break;
		}
	if (nlive == 0) {
		free(live);
		live = NULL;
	}
	if (!w->started)
		start(w);	/* the header, even with no records */
	if (w->o.fmt == REC_PRETTY)
		pretty_finish(w);
	flush(w);
	zout_close(w->z, 1);
	free(w->buf);
	free(w->names);
	free(w->repl);
	free(w->at);
	free(w->split);
	free(w->masked);
	free(w->width);
	free(w->numeric);
	arena_release(&w->mem);
	buf_release(&w->tmp);
	buf_release(&w->cells);
	free(w);
}
