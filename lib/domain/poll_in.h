/*
 * poll_in: what the poll module's files share and no one else (poll.h is
 * the contract): polltally.c fills a table through these, polltab.c reads
 * score records into one.
 */
#ifndef JW_POLL_IN_H
#define JW_POLL_IN_H

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

/* A new zeroed row of tb, with room for its -b values. */
struct poll_row *poll_table_add(struct poll_table *tb);
/* A copy of s owned by tb (NULL stays NULL). */
struct rec_str poll_table_keep(struct poll_table *tb, struct rec_str s);

#endif
