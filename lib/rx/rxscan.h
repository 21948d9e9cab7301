/*
 * rxscan: reading PCRE2 pattern syntax one piece at a time, for the
 * analyses of rxlit (literals, follow bytes) and rxplan (patterns matched
 * without PCRE2).
 *
 * The functions look at one construct at p (a quantifier, an escape, a
 * class, a group) in a NUL-terminated UTF-8 pattern and say how long it is
 * or what it holds.  None allocates or keeps anything.  They never claim
 * more than they know: where PCRE2's reading is not certain from here (a
 * brace that newer PCRE2 versions read as a quantifier, \Q...\E quoting,
 * verbs such as (*UTF)), they return "unsure" (-1 or NULL), and the caller
 * gives up on the pattern, which is always safe.
 *
 * Byte sets are uint64_t[4], bit c of the 256 set when byte c is in it.
 */
#ifndef JW_RXSCAN_H
#define JW_RXSCAN_H

#include <stddef.h>
#include <stdint.h>

/* Is c printable ASCII punctuation (a character that "\c" stands for
 * literally)?  Letters and digits are not: "\d", "\1" mean other things. */
int rxscan_is_punct(unsigned char c);
/* A counted quantifier {n}, {n,} or {n,m} at p ('{'): returns 1 and sets
 * *len to its length and *min to n (capped near 100000); 0 when p is a
 * literal brace ("a{b"); -1 when unsure ("{,2}", "{ 2}"). */
int rxscan_brace(const char *p, size_t *len, long *min);
/* The quantifier at p (?, *, +, {..}, each maybe lazy or possessive):
 * sets *len (0 when there is none) and *min (1 when none); returns 0, or
 * -1 when unsure (see rxscan_brace()). */
int rxscan_quant(const char *p, size_t *len, long *min);
/* The byte after the escape at p ('\\'), or NULL for \Q, \E and a
 * backslash that ends the pattern. */
const char *rxscan_skip_escape(const char *p);
/* The byte after the character class at p ('['), or NULL when it does not
 * end or holds an escape rxscan_skip_escape() refuses. */
const char *rxscan_skip_class(const char *p);
/* Is the group at p ('(') a plain, non-capturing, named, atomic, branch
 * reset or lookaround group, that is one whose inside is a pattern?  Not
 * "(*VERB)" or option settings such as "(?i)". */
int rxscan_group_ok(const char *p);
/* The byte after the group at p ('('), nested groups and classes
 * included, or NULL when it does not end or holds what the other
 * functions refuse. */
const char *rxscan_skip_group(const char *p);
/* The length of the UTF-8 character whose first byte is c (1 to 4). */
size_t rxscan_utf8_len(unsigned char c);
/* Add byte c to set. */
void rxscan_set_add(uint64_t *set, unsigned char c);
/* Add the members of the ASCII class at p ('[') to set: ranges, single
 * characters, \d and escaped punctuation.  Returns the byte after the
 * class, or NULL (set partly filled) for a negated class, a class with
 * non-ASCII members, POSIX names or other escapes. */
const char *rxscan_class(const char *p, uint64_t *set);

#endif
