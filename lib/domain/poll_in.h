/*
 * poll_in: what the poll module's files share and no one else (poll.h is
 * the contract): polltally.c fills a table through these, polltab.c reads
 * score records into one.
 */
#ifndef JW_POLL_IN_H
#define JW_POLL_IN_H

#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/num.h"
#include "domain/poll.h"

/* Four digits: what a year field must be. */
static inline int
poll_is_year(struct rec_str s)
{
	return s.len == 4 && num_is_digit((unsigned char)s.p[0]) &&
	       num_is_digit((unsigned char)s.p[1]) &&
	       num_is_digit((unsigned char)s.p[2]) &&
	       num_is_digit((unsigned char)s.p[3]);
}

/* s quoted for a message, in b. */
static inline const char *
poll_quote(struct buf *b, struct rec_str s)
{
	buf_reset(b);
	buf_add_quoted(b, s.p, s.len);
	return b->p;
}

/* A text as two words, for the tally's fast lane: a field of the same
 * length is the same text when its words are the same (poll_words_is()),
 * with no call and no load of the text itself up to 16 bytes (a year, a
 * unit's name, most questions and answers).  From 8 bytes the words are
 * the first and last 8 bytes, overlapping; from 4, the first and the last
 * 4 (in b's top half); below, the first and middle byte in a, the last
 * in b's top byte.  The last byte is always b's top byte, so that a cache
 * slot by length and last byte comes from the words.  Past 16 bytes the
 * middle is compared with the text at p, which must live as long as the
 * words.  An entry of no text has the length POLL_WORDS_NONE, which no
 * field has. */
struct poll_words {
	size_t len;
	uint64_t a, b;
	const char *p;
};

#define POLL_WORDS_NONE SIZE_MAX

/* The words of p[0..n) in *a and *b (0 and 0 for n 0). */
static inline __attribute__((always_inline)) void
poll_words_of(const char *p, size_t n, uint64_t *a, uint64_t *b)
{
	const unsigned char *u = (const unsigned char *)p;
	uint32_t c, d;

	if (n >= 8) {
		memcpy(a, p, 8);
		memcpy(b, p + n - 8, 8);
	} else if (n >= 4) {
		memcpy(&c, p, 4);
		memcpy(&d, p + n - 4, 4);
		*a = c;
		*b = (uint64_t)d << 32;
	} else if (n > 0) {
		*a = u[0] | (uint32_t)u[n / 2] << 8;
		*b = (uint64_t)u[n - 1] << 56;
	} else {
		*a = *b = 0;
	}
}

/* w stands for p[0..n) from now on. */
static inline void
poll_words_set(struct poll_words *w, const char *p, size_t n)
{
	w->len = n;
	w->p = p;
	poll_words_of(p, n, &w->a, &w->b);
}

/* Whether the text p[0..n), whose words are a and b, is w's. */
static inline __attribute__((always_inline)) int
poll_words_eq(const struct poll_words *w, const char *p, size_t n,
	      uint64_t a, uint64_t b)
{
	return n == w->len && ((a ^ w->a) | (b ^ w->b)) == 0 &&
	       (n <= 16 || poll_same(p + 8, w->p + 8, n - 16));
}

/* Whether p[0..n) is the text of w (its length compared first). */
static inline __attribute__((always_inline)) int
poll_words_is(const struct poll_words *w, const char *p, size_t n)
{
	uint64_t a, b;

	if (n != w->len)
		return 0;
	poll_words_of(p, n, &a, &b);
	return poll_words_eq(w, p, n, a, b);
}

/* A new zeroed row of tb, with room for its -b values. */
struct poll_row *poll_table_add(struct poll_table *tb);
/* A copy of s owned by tb (NULL stays NULL). */
struct rec_str poll_table_keep(struct poll_table *tb, struct rec_str s);

#endif
