/*
 * tmpl: message templates with {name} placeholders (sms-notify's texts,
 * and any program that words a record for a person).
 *
 * Syntax: text, with
 *   {name}          the value named name, as it is;
 *   {name:FORMAT}   the value read as a date (YYYY-MM-DD) or a time
 *                   (YYYY-MM-DD HH:MM[:SS]) and written in FORMAT, where
 *                   YYYY, MM, DD, hh, mm and ss are the zero-padded year,
 *                   month, day, hour, minute and second, M and D the month
 *                   and day without padding, and any other text is kept:
 *                   {due:YYYY年M月D日} gives 2026年12月1日;
 *   {{ and }}       a literal brace.
 * A name is letters, digits and '_' (ASCII), 1-64 bytes.
 *
 * A template is parsed once (tmpl_parse), its names are then bound by the
 * caller to where the values come from (a record's fields, a rule's
 * settings), so that a name the input lacks is a configuration error
 * before anything is sent; expansion (tmpl_expand) asks the caller for
 * each value by its index.  Nothing is allocated per expansion beyond the
 * output buffer's growth.
 */
#ifndef JW_TMPL_H
#define JW_TMPL_H

#include <stddef.h>

#include "base/buf.h"

#define TMPL_MAX_NAME 64

struct tmpl;

/* Parse text (NUL-terminated UTF-8).  Returns the template, or NULL with
 * a message in *err (caller's buffer, appended to) naming the byte column
 * (1-based) of the problem: "column 7: '{' not closed", "column 3: empty
 * name", "column 9: '}' without '{' (write '}}')", "column 4: bad format
 * 'Q' for 'due'"... a format must name at least one of the tokens above. */
struct tmpl *tmpl_parse(const char *text, struct buf *err);
void tmpl_free(struct tmpl *t);

/* The distinct names the template uses, in order of first use: name i is
 * tmpl_name(t, i), for i < tmpl_nnames(t). */
size_t tmpl_nnames(const struct tmpl *t);
const char *tmpl_name(const struct tmpl *t, size_t i);
/* 1 if name i is used with a date FORMAT somewhere. */
int tmpl_name_is_date(const struct tmpl *t, size_t i);

/* The caller's value for name i: set *p and *n (not NUL-terminated). */
typedef void tmpl_get_fn(void *ctx, size_t i, const char **p, size_t *n);

/* Append the expansion to out.  Returns 0, or -1 when a value given a
 * FORMAT is not a date or time; *bad (if not NULL) then gets its name
 * index, and out is left as it was. */
int tmpl_expand(const struct tmpl *t, tmpl_get_fn *get, void *ctx,
		struct buf *out, size_t *bad);

#endif
