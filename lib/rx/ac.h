/*
 * ac: finding many byte strings in a text at once (a hash probe at each
 * place a literal can start, or an Aho-Corasick automaton).
 *
 * An ac finds which of a fixed set of literals occur anywhere in a text, in
 * one pass over the text whatever the number of literals.  It works on
 * bytes, so UTF-8 literals match UTF-8 text exactly (a literal never starts
 * inside a character of well-formed text, since its first byte is a lead
 * byte).  Life cycle: ac_new(), ac_add() each literal, ac_build() once,
 * then ac_find() as often as needed; ac_free() releases everything.
 * ac_find() uses scratch memory inside the ac, so one ac is not for use by
 * two threads at once.
 *
 * Two ways to scan, chosen by ac_build() unless ac_scan_set() says; both
 * report exactly the same.  Probing (AC_SCAN_HASH): at each byte of the
 * text that some literal starts with, the next 8 bytes (fewer for short
 * literals) are looked up in a hash table that keeps the first 24 bytes
 * of each literal, behind a bitmap filter.  For texts of tens to hundreds
 * of bytes and thousands of literals this touches far less memory than
 * the automaton.  When more than 16 literals share their first 8 bytes,
 * ac_build() takes the automaton.
 *
 * The automaton (AC_SCAN_AUTOMATON): a state is 16 bytes; a state with one
 * edge keeps it inline, states with few edges keep a short edge list, and
 * both fall back along failure links, while the root and every state with
 * many edges get a full 256-entry table of DFA transitions.  Scanning
 * costs about one table or short-list lookup per byte, and the memory
 * stays proportional to the literals.
 */
#ifndef JW_AC_H
#define JW_AC_H

#include <stddef.h>

struct ac;

/* How ac_find() scans (see above). */
enum ac_scan {
	AC_SCAN_AUTO,		/* ac_build() chooses */
	AC_SCAN_HASH,		/* probe a hash table at each place */
	AC_SCAN_AUTOMATON	/* Aho-Corasick automaton */
};

/* A new, empty matcher; free with ac_free(). */
struct ac *ac_new(void);
void ac_free(struct ac *a);
/* Add the literal p[0..n) (n > 0) before ac_build().  Returns its id: ids
 * count from 0 in order of first addition, and adding the same bytes again
 * returns the id it already has.  Exits 5 when out of memory; adding after
 * ac_build() or an empty literal is a bug (exit 5). */
unsigned ac_add(struct ac *a, const void *p, size_t n);
/* The number of distinct literals added. */
unsigned ac_count(const struct ac *a);
/* Choose how to scan, before ac_build() (a bug after it: exit 5).  For
 * tests and measurements: the results are the same either way. */
void ac_scan_set(struct ac *a, enum ac_scan how);
/* How ac_find() scans: AC_SCAN_AUTO before ac_build(), then what it
 * chose or was told. */
enum ac_scan ac_scan_get(const struct ac *a);
/* Compute the failure links and lookup tables.  Must be called once,
 * after the last ac_add() and before the first ac_find(). */
void ac_build(struct ac *a);
/* Find the literals occurring in s[0..n).  Writes the id of each literal
 * found, once, into ids (room for ac_count() ids), in the order where each
 * first ends in s, and returns how many there are.  When ends is not NULL,
 * ends[i] is the offset just past the first occurrence of ids[i].
 * Allocates nothing. */
size_t ac_find(struct ac *a, const char *s, size_t n, unsigned *ids,
	       size_t *ends);
/* The same, and when lasts is not NULL, lasts[i] is the offset just past
 * the last occurrence of ids[i] (overlapping occurrences count). */
size_t ac_find_last(struct ac *a, const char *s, size_t n, unsigned *ids,
		    size_t *ends, size_t *lasts);

#endif
