/*
 * hold: records held in memory, by key or in order, past the reader's
 * next record: a snapshot to compare with another (pop-grid diff), the
 * latest event of each case (case-status), the rows of a listing to be
 * sorted before they are written (pop-grid due --list).
 *
 * A held record is a copy of all its fields (NULL kept apart from '') in
 * one string of the table's arena, plus the file line it came from and a
 * number of the caller's (struct hold_rec's mark and seen).  Memory grows
 * with the records held: about their bytes, one table slot and 48 bytes
 * each.  Entries stay in the order they were first held; an entry pointer
 * stays valid until the next hold_put() or hold_add() (the entry array may
 * move), its index for the table's life.  Nothing is freed before
 * hold_free().
 */
#ifndef JW_HOLD_H
#define JW_HOLD_H

#include <stddef.h>
#include <stdint.h>

#include "rec/rec.h"

struct hold_rec {
	unsigned long long line;	/* where the record came from */
	unsigned long long seen;	/* the caller's: 0 when held */
	int64_t mark;			/* the caller's: 0 when held */
	/* Internal. */
	char *vals;			/* the fields, each followed by NUL */
	size_t len, cap;
};

struct hold;

/* A table for records of nfields fields.  Caller frees. */
struct hold *hold_new(size_t nfields);
void hold_free(struct hold *h);
void hold_free_v(void *h);

/* Hold r under key (which need not be one of r's fields).  When the key
 * is already held, nothing changes and *isnew is 0: the held entry is
 * returned (a repeated key, or an earlier event to update with
 * hold_set()).  Else r is copied and *isnew is 1.  isnew may be NULL. */
struct hold_rec *hold_put(struct hold *h, struct rec_str key,
			  const struct rec *r, int *isnew);
/* Hold r with no key, after the others (for a listing). */
struct hold_rec *hold_add(struct hold *h, const struct rec *r);
/* Replace entry e's fields and line with r's (keeping its key, mark and
 * seen). */
void hold_set(struct hold *h, struct hold_rec *e, const struct rec *r);
/* The entry held under key, or NULL. */
struct hold_rec *hold_find(const struct hold *h, struct rec_str key);
/* Entries held, and entry i (0 <= i < hold_count()) in holding order. */
size_t hold_count(const struct hold *h);
struct hold_rec *hold_at(const struct hold *h, size_t i);
/* Entry e's fields as views into the table (valid for its life) in
 * f[0..nfields); a NULL field is rec_null again. */
void hold_fields(const struct hold *h, const struct hold_rec *e,
		 struct rec_str *f);
/* Write entry e's fields as the next fields of the record under way. */
void hold_write(const struct hold *h, const struct hold_rec *e,
		struct rec_writer *w);

#endif
