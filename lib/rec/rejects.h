/*
 * rejects: the rejects stream behind --rejects FILE (jingwu-records(5)).
 *
 * A TSV file with the input's fields, then _file, _line and _error; a
 * rejects file read again keeps those three columns (replaced, see
 * rec_writer_add_names_plus()), so that rejecting its records again gives
 * the same columns.  The stream owns its writer, and only writes: the
 * reader counts the rejects and prints them when there is no file.
 *
 * Rows may come before the columns are known (JSON Lines learns its
 * fields from the first good object): they are kept, each a copy, and
 * written when rejects_columns() is called, or at rejects_close() under
 * a single column _text (an input with no fields at all).
 */
#ifndef JW_REJECTS_H
#define JW_REJECTS_H

#include <stddef.h>

#include "rec/rec.h"

struct rejects;

/* A stream into path (created at close, or at the first row; exits 4 as
 * rec_writer_open() does). */
struct rejects *rejects_open(const char *path);
/* The input's field names (copied).  Once, before rows are written. */
void rejects_columns(struct rejects *rj, char *const *names, size_t n);
/* Whether the columns are set. */
int rejects_has_columns(const struct rejects *rj);
/* One rejected line: f[0..nf) in header order (nf fields beyond the
 * names are kept, TAB-joined, in the last column; missing ones are
 * empty), from file:line, rejected with msg.  Before the columns are set,
 * f must be the whole line as one field (nf = 1). */
void rejects_put(struct rejects *rj, const struct rec_str *f, size_t nf,
		 const char *file, unsigned long long line, const char *msg);
/* Write what is kept, the header even with no rows, commit the file and
 * free.  NULL is ignored. */
void rejects_close(struct rejects *rj);

#endif
