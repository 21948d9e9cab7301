/* rec_spans: chosen lines of one file (rec_reader_opts.spans).  See
 * rec_in.h.
 *
 * The header line is read with pread() and set up as a full read sets it
 * up (rd_file_header()), without a zin, blocks or the read-ahead thread;
 * then each span is read with pread() and taken as a TSV line by
 * tsv_record_line(), with the checks, messages and rejects of a full
 * read and the span's own line number.  Each span must end a line: the
 * byte after it is a newline or the end of the file, else the offsets are
 * not this file's (exit 4).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/util.h"
#include "rec/rec_in.h"

/* Read n bytes at off into in->sline (NUL-terminated); 0, or -1 when the
 * file ends first. */
static int
read_at(struct rec_reader *in, unsigned long long off, size_t n)
{
	ssize_t k;
	size_t got = 0;

	buf_reset(&in->sline);
	buf_grow(&in->sline, n + 1);
	while (got < n) {
		k = pread(in->sfd, in->sline.p + got, n - got,
			  (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			diag_die(JW_EXIT_IO, "%s: %s", in->fname,
				 strerror(errno));
		if (k == 0)
			break;
		got += (size_t)k;
	}
	in->sline.len = got;
	in->sline.p[got] = '\0';
	return got == n ? 0 : -1;
}

/* Die: span s is not a line of this file. */
static void
stale(struct rec_reader *in, const struct rec_span *s)
{
	diag_die(JW_EXIT_IO, "%s:%llu: no line of %llu bytes at byte %llu "
		 "(the offsets are not this file's: rebuild its index)",
		 in->fname, s->line, s->len, s->off);
}

/* A span over --max-line: keep its start, as rd_skip_overlong() does. */
static void
overlong(struct rec_reader *in, const struct rec_span *s)
{
	char end;
	ssize_t k;

	k = pread(in->sfd, &end, 1, (off_t)(s->off + s->len));
	if (k < 0 || (k == 1 && end != '\n'))
		stale(in, s);
	if (read_at(in, s->off, s->len < KEEP_OVERLONG ? (size_t)s->len :
		    KEEP_OVERLONG) < 0)
		stale(in, s);
	buf_reset(&in->scratch);
	buf_add(&in->scratch, in->sline.p, in->sline.len);
	in->ovl_len = s->len;
	in->scratch.len = rd_whole_chars(in->scratch.p, in->scratch.len);
	in->scratch.p[in->scratch.len] = '\0';
	rd_reject_overlong(in);
}

/* Die: the header line of the file is over the limit. */
static void
header_too_long(struct rec_reader *in)
{
	diag_die(JW_EXIT_USAGE, "%s:1: header line longer than %zu bytes",
		 in->fname, in->o.max_line);
}

/* Read the header line with pread, 4 KiB first and more while there is
 * no LF: a lookup of a few lines should not read ahead a megabyte. */
static void
spans_header(struct rec_reader *in)
{
	size_t want = 4096, skip = 0, len;
	char *p, *nl = NULL;

	for (;;) {
		if (want > in->o.max_line + 4)
			want = in->o.max_line + 4;	/* BOM, CR, LF */
		read_at(in, 0, want);
		nl = memchr(in->sline.p, '\n', in->sline.len);
		if (nl != NULL || in->sline.len < want)
			break;
		if (want == in->o.max_line + 4)
			header_too_long(in);
		want *= 4;
	}
	p = in->sline.p;
	len = nl != NULL ? (size_t)(nl - p) : in->sline.len;
	if (len == 0 && nl == NULL)
		diag_die(JW_EXIT_IO, "%s: empty input, not even a header line",
			 in->fname);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	p += skip;
	len -= skip;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (len > in->o.max_line)
		header_too_long(in);
	in->line = 1;
	rd_file_header(in, p, len);
}

/* Open the one input and read its header (instead of rd_next_file(): no
 * zin, no blocks, no read-ahead thread). */
void
rd_spans_start(struct rec_reader *in)
{
	unsigned char magic[2];

	in->sfd = -1;
	if (in->nfiles != 1 || strcmp(in->files[0], "-") == 0)
		diag_die(JW_EXIT_USAGE, "chosen lines need one named input "
			 "file");
	in->fname = in->files[0];
	in->fmt = rd_fmt_of(in, in->fname);
	if (in->fmt != REC_TSV || in->o.encoding != NULL ||
	    in->o.names != NULL)
		diag_die(JW_EXIT_USAGE, "%s: chosen lines are read from "
			 "plain TSV only (no --encoding, no --header-names)",
			 in->fname);
	in->sfd = open(in->fname, O_RDONLY | O_CLOEXEC);
	if (in->sfd < 0)
		diag_die(JW_EXIT_IO, "%s: cannot open: %s", in->fname,
			 strerror(errno));
	if (pread(in->sfd, magic, 2, 0) == 2 && magic[0] == 0x1f &&
	    magic[1] == 0x8b)
		diag_die(JW_EXIT_IO, "%s: gzipped: chosen lines need offsets "
			 "into plain text", in->fname);
	buf_init(&in->sline);
	spans_header(in);
}

const struct rec *
rd_spans_next(struct rec_reader *in)
{
	const struct rec_span *s;
	struct rec *r = &in->rec;
	size_t len;
	char *p;

	while (in->si < in->o.nspans) {
		s = &in->o.spans[in->si++];
		r->file = in->fname;
		r->line = in->line = s->line;
		r->raw = NULL;
		r->partial = 0;
		if (s->len > in->o.max_line) {
			overlong(in, s);
			continue;
		}
		if (in->o.span_texts != NULL) {
			/* Read (and checked) by the caller: a copy, as the
			 * splitting unescapes in place. */
			buf_reset(&in->sline);
			buf_add(&in->sline, in->o.span_texts[in->si - 1],
				(size_t)s->len);
		} else if (read_at(in, s->off, (size_t)s->len + 1) < 0 &&
			   in->sline.len != s->len) {
			stale(in, s);	/* the line and the byte after it */
		}
		p = in->sline.p;
		len = (size_t)s->len;
		if (in->sline.len > len && p[len] != '\n')
			stale(in, s);	/* not an LF, nor the file's end */
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (rd_is_header_again(in, p, len))
			continue;
		if (tsv_record_line(in, p, len))
			return r;
	}
	return NULL;
}

void
rd_spans_end(struct rec_reader *in)
{
	if (in->o.spans == NULL)
		return;
	if (in->sfd >= 0)
		close(in->sfd);
	in->sfd = -1;
	buf_release(&in->sline);
}
