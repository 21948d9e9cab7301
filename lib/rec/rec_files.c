/* rec_files: the reader's inputs, one after the other.  See rec_in.h.
 *
 * Opening each file (gzip and --encoding are zio's), dropping its byte
 * order mark, reading its header line (the first file's names the
 * fields; a later file must have the same names, in any order, and is
 * remapped), finding where the next CSV record or JSON line ends, and
 * skipping a line over --max-line without holding it.  The TSV reader
 * finds its lines from the block's index instead (tsv_next_span()).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/diag.h"
#include "base/utf8.h"
#include "base/util.h"
#include "rec/rec_in.h"

static void
die_input(struct rec_reader *in)
{
	diag_die(JW_EXIT_IO, "%s: %s", in->fname, zin_error(in->z));
}

/* The next block, with the line begun at pos (not yet whole) in front. */
void
rd_refill(struct rec_reader *in)
{
	in->b = blk_next(in->src, blk_buf(in->b) + in->pos, blk_end(in->b) - in->pos,
			 &in->pos);
	if (blk_err(in->b))
		die_input(in);
	progress_tick(&in->prog, in->nread, blk_bytes(in->src));
}

/* The length of p[0..n) without a last UTF-8 character cut short, so that
 * the start of an overlong line is kept as whole characters. */
size_t
rd_whole_chars(const char *p, size_t n)
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

/* Over the limit: keep the line's first bytes for the rejects (in
 * in->scratch, whole characters), skip to its end without holding it,
 * and count it.  Returns -1, for the caller to return. */
int
rd_skip_overlong(struct rec_reader *in)
{
	size_t have, k;
	char *p, *nl;

	buf_reset(&in->scratch);
	in->ovl_len = 0;
	for (;;) {
		p = blk_buf(in->b) + in->pos;
		have = blk_end(in->b) - in->pos;
		nl = memchr(p, '\n', have);
		/* The line's first bytes, never past its end or the
		 * buffer's. */
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
		in->pos = blk_end(in->b);
		if (blk_eof(in->b))
			break;
		rd_refill(in);
	}
	if (in->ovl_len > in->scratch.len) {
		in->scratch.len = rd_whole_chars(in->scratch.p, in->scratch.len);
		in->scratch.p[in->scratch.len] = '\0';
	}
	in->line++;
	return -1;
}

/* The next record (CSV) or line (JSON Lines, and TSV by
 * tsv_next_span()) of the current file, without its line end; *nlines
 * says how many lines it took.  Returns 1, 0 at the end of the file, or
 * -1 for a line over the limit (its first bytes are in in->scratch, its
 * length in ovl_len). */
int
rd_next_span(struct rec_reader *in, char **pp, size_t *lenp, unsigned *nlines)
{
	size_t max = in->o.max_line, have, k, lim;
	char *p, *nl;

	*nlines = 1;
	if (in->fmt == REC_TSV)
		return tsv_next_span(in, pp, lenp);
	for (;;) {
		p = blk_buf(in->b) + in->pos;
		have = blk_end(in->b) - in->pos;
		if (in->fmt == REC_CSV) {
			/* A record not ended within max + 1 bytes is over
			 * the limit: scanning on is quadratic when quotes
			 * are out of step (after an overlong skip). */
			lim = have > max ? max + 1 : have;
			k = csv_end(p, lim);
			nl = k < lim ? p + k : NULL;
		} else {
			nl = memchr(p, '\n', have);
		}
		if (nl != NULL && (size_t)(nl - p) <= max) {
			*lenp = (size_t)(nl - p);
			in->pos += *lenp + 1;
			break;
		}
		if (nl == NULL && blk_eof(in->b)) {
			if (have == 0)
				return 0;
			if (have <= max) {
				*lenp = have;
				in->pos = blk_end(in->b);
				break;
			}
		}
		if (have > max || nl != NULL)	/* nl is past max */
			return rd_skip_overlong(in);
		rd_refill(in);
	}
	*pp = p;
	/* Count the lines of a multi-line CSV record. */
	if (in->fmt == REC_CSV)
		for (k = 0; k < *lenp; k++)
			*nlines += p[k] == '\n';
	in->line += *nlines;
	if (*lenp > 0 && p[*lenp - 1] == '\r')
		--*lenp;
	return 1;
}

/* ---- the header ---- */

size_t
rd_name_index(const struct rec_reader *in, const char *p, size_t n)
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
	return rd_name_index(in, name, strlen(name));
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

void
rd_add_name(struct rec_reader *in, const char *p, size_t len, const char *file)
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

/* The header is known (the first file's, the --header-names, or the
 * first good JSON object's keys): the fields are fixed from now on. */
void
rd_header_known(struct rec_reader *in)
{
	in->have_header = 1;
	in->first_fname = arena_strdup(&in->mem, in->fname);
	in->f = xreallocarray(in->f, in->n ? in->n : 1, sizeof *in->f);
	if (in->rej != NULL)
		rejects_columns(in->rej, in->names, in->n);
}

/* ---- files ---- */

enum rec_fmt
rd_fmt_of(const struct rec_reader *in, const char *path)
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

/* The columns of a TSV header line that is not in a block (chosen lines
 * read it with pread): at most REC_MAX_FIELDS + 2, so that more are seen
 * and refused. */
static size_t
cols_plain(struct rec_reader *in, char *p, size_t len)
{
	size_t nc = 0, q = 0;
	char *t;

	for (;;) {
		t = memchr(p + q, '\t', len - q);
		in->cols[nc].p = p + q;
		in->cols[nc].len = (t != NULL ? (size_t)(t - p) : len) - q;
		if (t == NULL || nc == REC_MAX_FIELDS + 1)
			return nc + 1;
		q = (size_t)(t - p) + 1;
		nc++;
	}
}

/* Set up this file's columns from its header line. */
void
rd_file_header(struct rec_reader *in, char *p, size_t len)
{
	size_t nc, i, k;
	long ncl;
	int same = 1;

	/* Kept before the names are unescaped in place, to spot repeats. */
	free(in->hdr_raw);
	in->hdr_raw = xmemdup(p, len);
	in->hdr_len = len;
	if (in->fmt == REC_CSV) {
		ncl = csv_split(in, p, len);
		if (ncl < 0)
			diag_die(JW_EXIT_USAGE, "%s:%llu: header: %s",
				 in->fname, in->line, in->msg.p);
		nc = (size_t)ncl;
	} else {
		nc = in->o.spans != NULL ? cols_plain(in, p, len) :
		     tsv_cols_all(in, p, len);
		tsv_unescape_cols(in->cols, nc);
	}
	if (nc > REC_MAX_FIELDS)
		diag_die(JW_EXIT_USAGE, "%s:1: more than %d fields",
			 in->fname, REC_MAX_FIELDS);
	if (!utf8_is_valid(p, len)) {
		buf_reset(&in->msg);
		rd_bad_text(in, utf8_valid_prefix(p, len));
		diag_die(JW_EXIT_USAGE, "%s:1: header: %s", in->fname,
			 in->msg.p);
	}
	free(in->map);
	in->map = NULL;
	in->fcols = nc;
	if (!in->have_header) {
		for (i = 0; i < nc; i++)
			rd_add_name(in, in->cols[i].p, in->cols[i].len, in->fname);
		rd_header_known(in);
	} else {
		/* A later file: the same names, perhaps in another order. */
		in->map = xreallocarray(NULL, in->n ? in->n : 1,
					sizeof *in->map);
		for (i = 0; i < in->n; i++)
			in->map[i] = REC_NONE;
		for (i = 0; i < nc; i++) {
			k = rd_name_index(in, in->cols[i].p, in->cols[i].len);
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
			rd_add_name(in, in->o.names[i], strlen(in->o.names[i]),
				 "--header-names");
		rd_header_known(in);
	}
	free(in->map);
	in->map = NULL;
	in->fcols = in->n;
}

/* Stop reading the current file. */
void
rd_close_input(struct rec_reader *in)
{
	blk_src_close(in->src);	/* first: it may still read */
	in->src = NULL;
	in->b = blk_empty();
	in->pos = 0;
	zin_close(in->z);
	in->z = NULL;
}

/* The file just opened is empty (not even a header line: every jingwu
 * writer writes one, so an export that failed upstream).  Once the header
 * is known it is skipped with a warning; before, rd_check_empty() says. */
static void
empty_input(struct rec_reader *in)
{
	if (in->have_header) {
		diag_warn("%s: empty input (no header line), skipped",
			  in->fname);
		return;
	}
	in->empty = xreallocarray(in->empty, in->nempty + 1,
				  sizeof *in->empty);
	in->empty[in->nempty++] = arena_strdup(&in->mem, in->fname);
}

void
rd_check_empty(struct rec_reader *in)
{
	size_t i;

	if (in->nempty > 0 && in->nempty == in->nfiles)
		diag_die(JW_EXIT_IO, "%s: empty input, not even a header "
			 "line%s", in->empty[0], in->nempty > 1 ?
			 " (and so are all the other inputs)" : "");
	for (i = 0; i < in->nempty; i++)
		diag_warn("%s: empty input (no header line), skipped",
			  in->empty[i]);
	free(in->empty);
	in->empty = NULL;
	in->nempty = 0;
}

/* Open the next file; 0 when there is none. */
int
rd_next_file(struct rec_reader *in)
{
	const char *path;
	char *err = NULL, *p;
	size_t len;
	unsigned nl;
	int r;

	rd_close_input(in);
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
	in->fmt = rd_fmt_of(in, path);
	in->src = blk_src_open(in->z, in->fmt == REC_TSV, &in->b, &in->pos);
	if (in->want)
		blk_src_want(in->src, in->wlo, in->whi);
	in->line = 0;
	free(in->hdr_raw);
	in->hdr_raw = NULL;
	in->hdr_len = 0;
	/* Drop a byte order mark. */
	while (blk_end(in->b) - in->pos < 3 && !blk_eof(in->b))
		rd_refill(in);
	if (blk_end(in->b) - in->pos >= 3 &&
	    memcmp(blk_buf(in->b) + in->pos, "\xef\xbb\xbf", 3) == 0)
		in->pos += 3;
	if (in->o.names == NULL && blk_eof(in->b) &&
	    blk_end(in->b) == in->pos) {
		empty_input(in);
		return 1;	/* it has no lines: the next file follows */
	}
	if (in->o.names != NULL && in->fmt != REC_JSONL) {
		implicit_header(in);
		return 1;
	}
	if (in->fmt == REC_JSONL) {
		free(in->map);
		in->map = NULL;
		return 1;
	}
	r = rd_next_span(in, &p, &len, &nl);
	if (r == 0)
		return 1;	/* an empty file: no header, no records */
	if (r < 0)
		diag_die(JW_EXIT_USAGE, "%s:1: header line longer than %zu "
			 "bytes", in->fname, in->o.max_line);
	rd_file_header(in, p, len);
	return 1;
}
