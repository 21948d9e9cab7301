/*
 * rec_in: the record reader's internals, shared by its files and by no
 * one else (rec.h is the contract).  The reader is split by job:
 *
 *   rec.c        opening, rec_reader_next() (one loop over the formats),
 *                the checks every format makes (NUL, UTF-8), rec_reject()
 *                and the counts, closing
 *   rec_files.c  the inputs one after the other: opening a file, its BOM,
 *                its header (names, and the order against the first
 *                file's), finding the next line (CSV, JSON Lines) and
 *                skipping one over --max-line
 *   rec_tsv.c    TSV: taking a line from its block's index (blk_ix.h),
 *                the fast lane for a verb that wants some fields, splitting
 *                fields, undoing escapes
 *   rec_csv.c    CSV (RFC 4180): where a record ends, and its fields
 *   rec_jsonl.c  JSON Lines: one object a line, the first one's keys are
 *                the header
 *   rec_spans.c  chosen lines of one file (rec_reader_opts.spans)
 *   rejects.c    the rejects stream (rejects.h)
 *   progress.c   the progress line on a terminal (progress.h)
 *
 * Functions here are named rd_ (the reader's), tsv_, csv_ and jsonl_.
 * A format's record function takes one line (or CSV record) p[0..len)
 * from the current block, without its line end, and returns 1 with
 * in->rec set up, or 0 when it rejected the line (and counted it).
 */
#ifndef JW_REC_IN_H
#define JW_REC_IN_H

#include <stddef.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/htab.h"
#include "base/zio.h"
#include "rec/blk.h"
#include "rec/progress.h"
#include "rec/rec.h"
#include "rec/rejects.h"

#define KEEP_OVERLONG 1024	/* bytes of an overlong line kept in rejects */

/* What a line scan saw, beside the tabs (rd_check_bytes()). */
#define SEEN_HIGH 1	/* a byte >= 0x80: validate UTF-8 */
#define SEEN_ODD 2	/* a backslash, CR or NUL: look closer */

struct tsv;			/* the TSV reader's state of a line */

struct rec_reader {
	struct rec_reader_opts o;
	const char *const *files;
	size_t nfiles, fi;
	enum rec_fmt fmt;

	/* The input: bytes [pos, blk_end(b)) of block b are unread. */
	struct blk_src *src;
	struct blk *b;			/* blk_empty() when no file is open */
	size_t pos;
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
	const char **empty;		/* empty inputs before the header */
	size_t nempty;

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

	/* Rejects: counted here, written by the stream (into's, when
	 * rec_reader_opts.rejects_into is set). */
	unsigned long long nread, nrej, nfilt;
	struct rejects *rej;
	struct rec_reader *into;
	struct buf msg;			/* the reason of the reject under way */

	/* rec_reader_want(): fields wlo..whi are read; lazy when only
	 * those of the current TSV line lp[0..llen) are set (then
	 * rec_reject() splits the line again).  The fast lane sets only
	 * those named, wix[0 .. nwix) in order (wlo first, whi last), when
	 * they are at most REC_WANT_LIST; else all of wlo..whi (nwix 0). */
	int want, lazy;
	size_t wlo, whi;
#define REC_WANT_LIST 16
	size_t wix[REC_WANT_LIST], nwix;
	char *lp;
	size_t llen;
	struct tsv *tsv;

	/* rec_reader_opts.spans: the next one, the data file, a line. */
	size_t si;
	int sfd;
	struct buf sline;

	struct progress prog;
};

/* rec.c */
int rd_check_bytes(struct rec_reader *in, const char *p, size_t len,
		   const struct rec_str *c, size_t nc, unsigned seen);
void rd_bad_text(struct rec_reader *in, size_t k);
size_t rd_col_field(const struct rec_reader *in, size_t i);
void rd_reject_raw(struct rec_reader *in, const struct rec_str *f,
		   size_t nf);
void rd_reject_cols(struct rec_reader *in, size_t nc);
int rd_deliver_other(struct rec_reader *in, size_t nc);
void rd_reject_overlong(struct rec_reader *in);

/* The line split into nc columns of this file (in->cols) is the record
 * when it has the header's field count: set up in->rec and return 1.
 * Else reject it and return 0.  (Inline: once a record.) */
static inline int
rd_deliver(struct rec_reader *in, size_t nc)
{
	if (nc == in->fcols && in->map == NULL) {
		in->rec.f = in->cols;
		in->rec.n = in->n;
		return 1;
	}
	return rd_deliver_other(in, nc);
}

/* Is the line p[0..len) a repeat of this file's header?  (cat a.tsv
 * b.tsv | tool; b.tsv may start with a BOM.) */
static inline int
rd_is_header_again(const struct rec_reader *in, const char *p, size_t len)
{
	return in->hdr_raw != NULL && len >= in->hdr_len &&
	       (len == in->hdr_len || (len == in->hdr_len + 3 &&
		memcmp(p, "\xef\xbb\xbf", 3) == 0)) &&
	       memcmp(p + len - in->hdr_len, in->hdr_raw, in->hdr_len) == 0;
}

/* rec_files.c */
int rd_next_file(struct rec_reader *in);
/* The format of input path (by extension, when fmt_auto), and this
 * file's columns from its header line p[0..len) (no BOM, no line end). */
enum rec_fmt rd_fmt_of(const struct rec_reader *in, const char *path);
void rd_file_header(struct rec_reader *in, char *p, size_t len);
void rd_close_input(struct rec_reader *in);
void rd_refill(struct rec_reader *in);
int rd_next_span(struct rec_reader *in, char **pp, size_t *lenp,
		 unsigned *nlines);
int rd_skip_overlong(struct rec_reader *in);
size_t rd_whole_chars(const char *p, size_t n);
size_t rd_name_index(const struct rec_reader *in, const char *p, size_t n);
void rd_add_name(struct rec_reader *in, const char *p, size_t len,
		 const char *file);
void rd_header_known(struct rec_reader *in);
/* After the first header is read: exit 4 when every input was empty,
 * else warn of those that were. */
void rd_check_empty(struct rec_reader *in);

/* rec_tsv.c */
void tsv_init(struct rec_reader *in);
void tsv_free(struct rec_reader *in);
int tsv_take_fast(struct rec_reader *in);
int tsv_next_span(struct rec_reader *in, char **pp, size_t *lenp);
size_t tsv_cols_all(struct rec_reader *in, char *p, size_t len);
void tsv_unescape_cols(struct rec_str *c, size_t nc);
int tsv_record(struct rec_reader *in, char *p, size_t len);
int tsv_record_line(struct rec_reader *in, char *p, size_t len);

/* rec_csv.c */
size_t csv_end(const char *p, size_t n);
long csv_split(struct rec_reader *in, const char *p, size_t len);
int csv_record(struct rec_reader *in, const char *p, size_t len);

/* rec_spans.c */
void rd_spans_start(struct rec_reader *in);
const struct rec *rd_spans_next(struct rec_reader *in);
void rd_spans_end(struct rec_reader *in);

/* rec_jsonl.c */
int jsonl_record(struct rec_reader *in, const char *p, size_t len);

#endif
