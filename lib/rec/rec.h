/*
 * rec: the record stream (jingwu-records(5)).
 *
 * A reader turns one or more inputs into records with the fields of the
 * first input's header; a writer turns records back into text.  Formats:
 * TSV with one header line and backslash escapes (the default, PostgreSQL's
 * COPY text format), CSV (RFC 4180) and JSON Lines in; the same plus
 * --opretty out.
 *
 * Lifetimes.  rec_reader_next() returns a record owned by the reader; its
 * field views (struct rec_str) point into the reader's block buffer and stay
 * valid until the next call.  Copy what must outlive it.  Field values are
 * already decoded: TSV escapes undone, CSV quotes removed, JSON strings
 * unescaped.  Nothing is allocated per record.
 *
 * Bad records never stop the stream.  The reader itself rejects lines with
 * too few or too many fields, invalid UTF-8, NUL bytes, lines over the
 * length limit and malformed CSV/JSON; a program rejects records with
 * rec_reject().  A rejected record goes to the rejects stream (--rejects
 * FILE: the header's fields plus _file, _line, _error, those three
 * replaced when the input is itself a rejects file) or, without one, the
 * first REC_SHOW_REJECTS are printed on stderr and a count at the end.
 * Accounting: read = written or used + rejected + filtered.
 */
#ifndef JW_REC_H
#define JW_REC_H

#include <stddef.h>
#include <string.h>

#include "base/buf.h"

#define REC_MAX_LINE_DEFAULT (1u << 20)	/* --max-line default, bytes */
#define REC_MAX_FIELDS 4096		/* fields in a header */
#define REC_SHOW_REJECTS 10		/* printed without --rejects */
#define REC_NONE ((size_t)-1)		/* "no such field" index */

enum rec_fmt { REC_TSV, REC_CSV, REC_JSONL, REC_PRETTY };

/* A borrowed view of bytes: not NUL-terminated. */
struct rec_str {
	const char *p;
	size_t len;
};

/* A view of a string literal, its length known at compile time:
 * rec_str_eq(f, REC_STR("长期")).  The "" refuses anything but a literal. */
#define REC_STR(lit) ((struct rec_str){ "" lit, sizeof(lit) - 1 })
/* A view of a NUL-terminated string (which must outlive the view). */
static inline struct rec_str rec_str_of(const char *s)
{ struct rec_str v = { s, strlen(s) }; return v; }

/* A NULL field (TSV "\N", JSON null or a missing key) is empty and points
 * at rec_null, so that writers give it back as \N (TSV) or null (JSON
 * Lines) and PostgreSQL's COPY round trip keeps NULL apart from ''. */
extern const char rec_null[1];
static inline int rec_str_is_null(struct rec_str s) { return s.p == rec_null; }

struct rec {
	struct rec_str *f;	/* n fields, in header order */
	size_t n;
	const char *file;	/* input name for messages */
	unsigned long long line;	/* line the record starts on */
	/* Internal: the raw TSV line when re-escaping f would give it back
	 * unchanged, for the writer's pass-through fast path. */
	const char *raw;
	size_t rawlen;
	/* Internal: only the fields rec_reader_want() named are set in f.
	 * Such a record always has raw (a clean line, no escapes), and
	 * rec_writer_rec() splits that whole line itself. */
	int partial;
};

/* A line of a file: its byte offset, its length without the LF, and its
 * line number (rec_reader_opts.spans). */
struct rec_span {
	unsigned long long off, len, line;
};

struct rec_reader_opts {
	enum rec_fmt fmt;	/* REC_TSV, REC_CSV or REC_JSONL; see auto */
	int fmt_auto;		/* choose by file extension (.csv, .jsonl) */
	const char *encoding;	/* NULL = UTF-8 */
	size_t max_line;	/* 0 = REC_MAX_LINE_DEFAULT */
	const char *rejects;	/* --rejects FILE or NULL */
	/* -F field=name aliases: the program's name, the input's name. */
	const char *const *alias_from, *const *alias_to;
	size_t nalias;
	int progress;		/* allow the progress line on a TTY */
	/* --header-names: no header line in the inputs; these name the
	 * fields (TSV and CSV). */
	const char *const *names;
	size_t nnames;
	/* Send the rejects to this reader's rejects stream (one --rejects
	 * FILE for two readers, as diff OLD NEW needs): under its columns,
	 * found by name, counted here.  Close this reader first. */
	struct rec_reader *rejects_into;
	/* Read only these lines of the one input, a plain (not gzipped) TSV
	 * file, after its header: nspans spans, each a line's byte offset,
	 * length without the LF and line number (header = 1), as a sidecar
	 * index gives them (sidx.h).  The records and the rejects are those
	 * a full read would give for those lines, with their real line
	 * numbers; a span that does not end a line of the file (stale
	 * offsets) exits 4.  Not with --encoding or --header-names (exit 2).
	 * NULL: the whole input. */
	const struct rec_span *spans;
	size_t nspans;
	/* With spans: NULL, or each span's len bytes as the caller read them
	 * (checked to be that line of the file: a sidecar index's lookup
	 * reads each line back), so that they are not read again. */
	const char *const *span_texts;
	/* Count the rejects only: none is printed or kept, and close says
	 * nothing of them (a public path, where a bad record must not show
	 * even as a count).  rec_reader_count_rejected() still counts. */
	int rejects_quiet;
};

struct rec_reader;

/* Open the inputs (NULL-terminated; none or "-" = stdin) and read the
 * first header.  Exits 4 when an input cannot be opened or read, 2 when a
 * header is invalid (empty or duplicate names, too many fields). */
struct rec_reader *rec_reader_open(const char *const *files,
				   const struct rec_reader_opts *o);
/* The next good record, or NULL at the end of all inputs.  Exits 4 on an
 * input error (truncated gzip, read error), 2 when a later file's header has
 * other names than the first's (same names in another order are remapped). */
const struct rec *rec_reader_next(struct rec_reader *in);
/* Number of fields and their names (the first input's header). */
size_t rec_reader_nfields(const struct rec_reader *in);
const char *rec_reader_name(const struct rec_reader *in, size_t i);
/* Index of the program's field name (after -F aliases), or REC_NONE. */
size_t rec_reader_field(const struct rec_reader *in, const char *name);
/* Same, but a missing field ends the program with status 2:
 * "prog: FILE:1: no field 'id_no' (fields: a, b, c)". */
size_t rec_reader_need(const struct rec_reader *in, const char *name);
/* The caller reads only fields idx[0..n) of each record: a TSV reader
 * then splits out just those (the field count is still checked).  The
 * other r->f entries are not set, so read only those; rec_writer_rec()
 * and rec_reject() still write the whole record (they split the line
 * again when they need the others).  Call before the first
 * rec_reader_next(). */
void rec_reader_want(struct rec_reader *in, const size_t *idx, size_t n);
/* Reject r with a reason (printf format, no location: it is added).  The
 * record goes to the rejects stream and is counted. */
void rec_reject(struct rec_reader *in, const struct rec *r,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Count r as deliberately left out (a filter said no). */
void rec_filtered(struct rec_reader *in, const struct rec *r);
/* Counts so far. */
unsigned long long rec_reader_count_read(const struct rec_reader *in);
unsigned long long rec_reader_count_rejected(const struct rec_reader *in);
unsigned long long rec_reader_count_filtered(const struct rec_reader *in);
/* Print the rejects summary when there were any, finish the rejects file
 * (commit) and free everything. */
void rec_reader_close(struct rec_reader *in);

/* Helpers for verbs that parse fields. */
/* Parse a whole decimal number (optional '-') from s; 0 or -1. */
int rec_str_long(struct rec_str s, long long *v);
/* Compare views: memcmp order, shorter first. */
int rec_str_cmp(struct rec_str a, struct rec_str b);
static inline int rec_str_eq(struct rec_str a, struct rec_str b)
{ return a.len == b.len && rec_str_cmp(a, b) == 0; }
/* Copy into a new NUL-terminated string; caller frees. */
char *rec_str_dup(struct rec_str s);

struct rec_writer_opts {
	enum rec_fmt fmt;
	const char *path;	/* -o FILE, NULL = stdout */
	int gzip;		/* -z */
	const char *const *mask;	/* --mask field names */
	size_t nmask;
	int headerless;		/* --headerless-output: no header line */
};

struct rec_writer;

/* A writer with no columns yet.  Exits 4 when -o FILE cannot be created. */
struct rec_writer *rec_writer_open(const struct rec_writer_opts *o);
/* Add columns: every field of in's header, or one named column.  Only
 * before the first record.  Returns the new column's index. */
void rec_writer_add_fields(struct rec_writer *w, const struct rec_reader *in);
size_t rec_writer_add(struct rec_writer *w, const char *name);
/*
 * Columns a verb adds, replaced or appended: the input's fields (in's
 * header, or the names base[0..nbase)), then each of names[0..n): a name
 * the input already has keeps its column, whose values the verb's then
 * replace; any other is appended, in order.  A program reading its own
 * output (or a rejects file, whose _file, _line and _error come back)
 * gets the same columns again, never a second 'grid'.  The reader's
 * variant looks the names up as rec_reader_field() does (-F aliases).
 * Only before the first record, and once per writer.
 */
void rec_writer_add_fields_plus(struct rec_writer *w,
				const struct rec_reader *in,
				const char *const *names, size_t n);
void rec_writer_add_names_plus(struct rec_writer *w,
			       const char *const *base, size_t nbase,
			       const char *const *names, size_t n);
/* Write one whole record of such a writer: r's fields (those of the
 * input) with vals[0..n) for the added names in their columns, then end
 * the record.  Exits 5 when the writer has no added names set up. */
void rec_writer_rec_plus(struct rec_writer *w, const struct rec *r,
			 const struct rec_str *vals);
/* Field values of the record under way, in column order: all of r's
 * fields, one field, a C string, a number. */
void rec_writer_rec(struct rec_writer *w, const struct rec *r);
void rec_writer_put(struct rec_writer *w, const char *p, size_t n);
static inline void rec_writer_str(struct rec_writer *w, struct rec_str s)
{ rec_writer_put(w, s.p, s.len); }
void rec_writer_puts(struct rec_writer *w, const char *s);
/* A C string of the program's own, not of the data (a label such as
 * count's "(total)"): written as rec_writer_puts() does, but never masked
 * (--mask hides personal data, and a label is none). */
void rec_writer_put_label(struct rec_writer *w, const char *s);
void rec_writer_putll(struct rec_writer *w, long long v);
/* End the record.  Exits 5 when the field count differs from the columns
 * (a bug in the caller). */
void rec_writer_end(struct rec_writer *w);
/* Records written so far. */
unsigned long long rec_writer_count(const struct rec_writer *w);
/* Flush, write the header if nothing was written, commit -o FILE, free. */
void rec_writer_close(struct rec_writer *w);

#endif
