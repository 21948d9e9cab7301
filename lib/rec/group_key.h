/*
 * group_key: a group's key on a record's way, inline for group.c.
 * Private to it (group_impl.h says what a key is).
 *
 * A key of one value is hashed and compared as htab's keys are (its
 * words).  A key of several values is held joined (each value followed by
 * NUL, a NULL value as NULL_KEY), and in a table of more than counts
 * (group->by_values) hashed value by value from the record's bytes
 * (values_hash()) and compared with an entry's joined key in place
 * (find_values()): a record's key is joined only when it makes a new
 * group.  A table of counts (group_add(): the key is copied anyway, to
 * be added a few records later) hashes the joined bytes.  Every lookup of
 * a table hashes the same way, whichever path it takes.
 *
 * The _n forms take the number of values as an argument, so that a
 * caller with a constant (two: district,code) gets them unrolled.
 */
#ifndef JW_GROUP_KEY_H
#define JW_GROUP_KEY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/htab.h"
#include "base/htab_inline.h"
#include "rec/group_impl.h"
#include "rec/rec.h"

/* memcpy() for the short values of a key, inline: overlapping loads and
 * stores that stay within the n bytes at each end. */
static inline void
copy_short(char *o, const char *p, size_t n)
{
	uint64_t a, b;
	uint32_t c, d;

	if (n > 16) {
		memcpy(o, p, n);
	} else if (n >= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + n - 8, 8);
		memcpy(o, &a, 8);
		memcpy(o + n - 8, &b, 8);
	} else if (n >= 4) {
		memcpy(&c, p, 4);
		memcpy(&d, p + n - 4, 4);
		memcpy(o, &c, 4);
		memcpy(o + n - 4, &d, 4);
	} else if (n > 0) {
		o[0] = p[0];
		o[n / 2] = p[n / 2];
		o[n - 1] = p[n - 1];
	}
}

/* Value v put at o as a joined key holds it (a NULL value as NULL_KEY),
 * followed by NUL when sep; returns the end. */
static inline __attribute__((always_inline)) char *
put_value(char *o, struct rec_str v, int sep)
{
	if (v.p == rec_null) {
		*o++ = NULL_KEY[0];
	} else {
		copy_short(o, v.p, v.len);
		o += v.len;
	}
	if (sep)
		*o++ = '\0';
	return o;
}

/* The key of the nk values k joined into b (see group_impl.h): room for
 * the longest it can be (a NULL value is one byte) made once, then one
 * pass.  The first value apart, so that a constant nk of two unrolls. */
static inline __attribute__((always_inline)) void
join_key_n(struct buf *b, const struct rec_str *k, size_t nk)
{
	size_t i, n = 2 * nk + k[0].len;
	char *o;

	for (i = 1; i < nk; i++)
		n += k[i].len;
	if (b->cap <= n)
		buf_grow(b, n);
	o = put_value(b->p, k[0], nk > 1);
	for (i = 1; i < nk; i++)
		o = put_value(o, k[i], 1);
	*o = '\0';
	b->len = (size_t)(o - b->p);
}

static inline void
join_key(const struct group *g, struct buf *b, const struct rec_str *k)
{
	join_key_n(b, k, g->nkeys);
}

/* The bytes of value v as a key holds them: a NULL value is NULL_KEY. */
static inline struct rec_str
key_bytes(struct rec_str v)
{
	if (v.p == rec_null)
		return (struct rec_str){ NULL_KEY, 1 };
	return v;
}

/* Value v's part of the hash of a key of several values: its bytes
 * (overlapping loads, as htab_key_words()) and length mixed into h. */
static inline __attribute__((always_inline)) uint64_t
hash_value(uint64_t h, struct rec_str v)
{
	const unsigned char *s = (const unsigned char *)v.p;
	size_t n = v.len;
	uint64_t a, b = 0;

	if (n > HTAB_SHORT_KEY) {
		a = hash_bytes(s, n);
	} else if (n > 16) {
		a = htab_load64(s) ^ htab_rotl(htab_load64(s + 8) * HTAB_P3,
					       29);
		b = htab_load64(s + n - 16) ^
		    htab_rotl(htab_load64(s + n - 8) * HTAB_P4, 29);
	} else if (n >= 8) {
		a = htab_load64(s);
		b = htab_load64(s + n - 8);
	} else if (n >= 4) {
		a = htab_load32(s);
		b = htab_load32(s + n - 4);
	} else {
		a = n ? (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 |
			(uint64_t)s[n - 1] << 16 : 0;
	}
	h ^= (a + n) * HTAB_P1 ^ htab_rotl(b * HTAB_P2, 31);
	return htab_rotl(h, 27) * HTAB_P1 + HTAB_P4;
}

/* Whether the n bytes at p and q are the same: overlapping loads when
 * there are at most 16. */
static inline __attribute__((always_inline)) int
same_bytes(const char *p, const char *q, size_t n)
{
	const unsigned char *a = (const unsigned char *)p;
	const unsigned char *b = (const unsigned char *)q;

	if (n > 16)
		return memcmp(a, b, n) == 0;
	if (n >= 8)
		return ((htab_load64(a) ^ htab_load64(b)) |
			(htab_load64(a + n - 8) ^ htab_load64(b + n - 8))) == 0;
	if (n >= 4)
		return ((htab_load32(a) ^ htab_load32(b)) |
			(htab_load32(a + n - 4) ^ htab_load32(b + n - 4))) == 0;
	return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] &&
			  a[n - 1] == b[n - 1]);
}

/* Whether the joined key at s starts with value v and its NUL. */
static inline __attribute__((always_inline)) int
is_value_at(const char *s, struct rec_str v)
{
	return s[v.len] == '\0' && same_bytes(s, v.p, v.len);
}

/* A key of several values, read once (values_hash()): the first two as
 * a key holds them (key_bytes()), all of them k[0..nk), the length of
 * their joined key. */
struct values {
	struct rec_str a, b;
	const struct rec_str *k;
	size_t nk, len;
};

/* The hash of a key of nk values k (two or more) into x, value by value
 * from the record's bytes: no joined key is made to be hashed.  Every
 * lookup of a table hashed by values hashes its key so
 * (htab_probe_hashed()). */
static inline __attribute__((always_inline)) uint64_t
values_hash(struct values *x, const struct rec_str *k, size_t nk)
{
	struct rec_str v;
	uint64_t h;
	size_t i;

	x->a = key_bytes(k[0]);
	x->b = key_bytes(k[1]);
	x->k = k;
	x->nk = nk;
	x->len = nk + x->a.len + x->b.len;
	/* Two values at least: unrolled, with no loop left for two. */
	h = hash_value(hash_value(HTAB_P5, x->a), x->b);
	for (i = 2; i < nk; i++) {
		v = key_bytes(k[i]);
		x->len += v.len;
		h = hash_value(h, v);
	}
	/* Each value's step ends in a multiply, whose high bits are well
	 * mixed (the slot's tag) and whose low bits came from high ones
	 * (the rotation): a fold is finish enough for the slot's index
	 * (buckets as even as a random hash's, measured on 1 M keys of
	 * district and code). */
	return h ^ h >> 29;
}

/* Whether entry e's key is the joined key of values x (nk of them):
 * compared value by value with its bytes and each one's NUL, no joined
 * key made.  The lengths add up, so every byte looked at is e's. */
static inline __attribute__((always_inline)) int
is_values_n(const struct htab_key *e, const struct values *x, size_t nk)
{
	const char *s = e->p + x->a.len + 1;
	struct rec_str v;
	size_t i;

	/* Two values at least, unrolled as in values_hash(). */
	if (e->len != x->len || !is_value_at(e->p, x->a) ||
	    !is_value_at(s, x->b))
		return 0;
	s += x->b.len + 1;
	for (i = 2; i < nk; i++) {
		v = key_bytes(x->k[i]);
		if (!is_value_at(s, v))
			return 0;
		s += v.len + 1;
	}
	return 1;
}

/* The index of the group of values x (nk of them) whose key hashes to
 * hash, or (size_t)-1: htab_find_index() with is_values_n(). */
static inline __attribute__((always_inline)) size_t
find_values(const struct htab *h, uint64_t hash, const struct values *x,
	    size_t nk)
{
	size_t mask = h->nslots - 1, i = (size_t)hash & mask;
	uint64_t e, tag = HTAB_TAG(hash);

	if (h->nslots == 0)
		return (size_t)-1;
	while ((e = h->slots[i]) != 0) {
		if ((e & ~(uint64_t)UINT32_MAX) == tag &&
		    is_values_n(htab_key_at(h, (uint32_t)e - 1), x, nk))
			return (uint32_t)e - 1;
		i = (i + 1) & mask;
	}
	return (size_t)-1;
}

/* The probe of key values k: one short value is held by the probe
 * itself; more values, or a long one, are joined into b (each followed
 * by NUL, which no value holds, so that the byte order of joined keys is
 * the field-by-field order), with room made once, and hashed as bytes, or
 * value by value (values_hash()) in a table hashed by values.  Returns
 * pr.  Inline: it is on every record's way. */
static inline __attribute__((always_inline)) const struct htab_probe *
probe_key_n(const struct group *g, struct htab_probe *pr, struct buf *b,
	    const struct rec_str *k, size_t nk)
{
	struct values x;

	if (nk == 1 && k[0].len <= HTAB_SHORT_KEY) {
		if (k[0].p == rec_null)
			htab_probe_set(pr, NULL_KEY, 1);
		else
			htab_probe_set(pr, k[0].p, k[0].len);
	} else {
		join_key_n(b, k, nk);
		if (g->by_values)
			htab_probe_hashed(pr, b->p, b->len,
					  values_hash(&x, k, nk));
		else
			htab_probe_set(pr, b->p, b->len);
	}
	return pr;
}

static inline __attribute__((always_inline)) const struct htab_probe *
probe_key(const struct group *g, struct htab_probe *pr, struct buf *b,
	  const struct rec_str *k)
{
	return probe_key_n(g, pr, b, k, g->nkeys);
}

#endif
