/*
 * htab_inline: the per-record steps of an htab lookup as inline functions,
 * for a caller that looks up a key for every record (group.c) and for
 * htab.c itself, so that there is one copy of the hash.  See htab.h for
 * the table; nothing here changes it.
 *
 * A short key (up to HTAB_SHORT_KEY bytes: a group key such as a grid's
 * name in Chinese) is held as four words: overlapping loads that take
 * every byte, so that with the length they name the key, and a lookup
 * compares them without a call to memcmp or a visit to the key bytes.
 * Its hash is made from the words; a longer key's is hash_bytes().
 */
#ifndef JW_HTAB_INLINE_H
#define JW_HTAB_INLINE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/htab.h"

/* The XXH64 primes. */
#define HTAB_P1 0x9e3779b185ebca87ULL
#define HTAB_P2 0xc2b2ae3d27d4eb4fULL
#define HTAB_P3 0x165667b19e3779f9ULL
#define HTAB_P4 0x85ebca77c2b2ae63ULL
#define HTAB_P5 0x27d4eb2f165667c5ULL

/* A slot is the hash's high half (a tag that rules out most other keys
 * at once) and the entry index + 1; 0 is an empty slot. */
#define HTAB_TAG(hash) ((uint64_t)(uint32_t)((hash) >> 32) << 32)

static inline uint64_t
htab_rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static inline uint32_t
htab_load32(const unsigned char *s)
{
	uint32_t w;

	memcpy(&w, s, 4);
	return w;
}

static inline uint64_t
htab_load64(const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return w;
}

/* XXH64's final mix: every input bit reaches every output bit. */
static inline uint64_t
htab_avalanche(uint64_t h)
{
	h ^= h >> 33;
	h *= HTAB_P2;
	h ^= h >> 29;
	h *= HTAB_P3;
	h ^= h >> 32;
	return h;
}

/* The four words of a short key (see above). */
static inline void
htab_key_words(const unsigned char *s, size_t n, uint64_t w[4])
{
	w[2] = w[3] = 0;
	if (n > 16) {
		w[0] = htab_load64(s);
		w[1] = htab_load64(s + 8);
		w[2] = htab_load64(s + n - 16);
		w[3] = htab_load64(s + n - 8);
	} else if (n >= 8) {
		w[0] = htab_load64(s);
		w[1] = htab_load64(s + n - 8);
	} else if (n >= 4) {
		w[0] = htab_load32(s);
		w[1] = htab_load32(s + n - 4);
	} else {
		w[0] = n ? (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 |
			   (uint64_t)s[n - 1] << 16 : 0;
		w[1] = 0;
	}
}

/* The hash of a short key of n bytes from its words. */
static inline uint64_t
htab_words_hash(const uint64_t w[4], size_t n)
{
	uint64_t h;

	h = w[0] * HTAB_P1 ^ htab_rotl(w[1] * HTAB_P2, 31) ^
	    htab_rotl(w[2] * HTAB_P3, 17) ^ htab_rotl(w[3] * HTAB_P4, 43) ^
	    (uint64_t)n * HTAB_P5;
	return htab_avalanche(h);
}

/* The hash of a key: from its words when short, else hash_bytes() (and
 * zero words). */
static inline uint64_t
htab_key_hash(const void *p, size_t n, uint64_t w[4])
{
	if (n > HTAB_SHORT_KEY) {
		w[0] = w[1] = w[2] = w[3] = 0;
		return hash_bytes(p, n);
	}
	htab_key_words(p, n, w);
	return htab_words_hash(w, n);
}

/* htab_probe_init(), inline. */
static inline void
htab_probe_set(struct htab_probe *k, const void *p, size_t n)
{
	k->p = p;
	k->n = n;
	k->hash = htab_key_hash(p, n, k->w);
}

/* A probe of key p[0..n) whose hash the caller made (a table whose every
 * lookup hashes its keys so: group's keys of several values, hashed value
 * by value). */
static inline void
htab_probe_hashed(struct htab_probe *k, const void *p, size_t n,
		  uint64_t hash)
{
	k->p = p;
	k->n = n;
	k->hash = hash;
	if (n > HTAB_SHORT_KEY)
		k->w[0] = k->w[1] = k->w[2] = k->w[3] = 0;
	else
		htab_key_words(p, n, k->w);
}

/* Whether entry key k is the key of probe pr (same hash known). */
static inline int
htab_key_is(const struct htab_key *k, const struct htab_probe *pr)
{
	if (k->len != pr->n)
		return 0;
	if (pr->n <= HTAB_SHORT_KEY)
		return ((k->w[0] ^ pr->w[0]) | (k->w[1] ^ pr->w[1]) |
			(k->w[2] ^ pr->w[2]) | (k->w[3] ^ pr->w[3])) == 0;
	return memcmp(k->p, pr->p, pr->n) == 0;
}

/* Whether probes a and b are of one key, known when it is short (a
 * longer one is taken for another). */
static inline int
htab_probe_same_short(const struct htab_probe *a, const struct htab_probe *b)
{
	return a->hash == b->hash && a->n == b->n && a->n <= HTAB_SHORT_KEY &&
	       ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) |
		(a->w[2] ^ b->w[2]) | (a->w[3] ^ b->w[3])) == 0;
}

/* The index of the entry of probe pr's key, or (size_t)-1 when the key
 * is not in the table (then htab_put_probe() adds it).  Linear probing;
 * at under 1/2 load the first slot mostly holds the key. */
static inline size_t
htab_find_index(const struct htab *h, const struct htab_probe *pr)
{
	size_t mask = h->nslots - 1, i = (size_t)pr->hash & mask;
	uint64_t e, tag = HTAB_TAG(pr->hash);

	if (h->nslots == 0)
		return (size_t)-1;
	while ((e = h->slots[i]) != 0) {
		if ((e & ~(uint64_t)UINT32_MAX) == tag &&
		    htab_key_is(htab_key_at(h, (uint32_t)e - 1), pr))
			return (uint32_t)e - 1;
		i = (i + 1) & mask;
	}
	return (size_t)-1;
}

/*
 * htab_prefetch(), inline.  A macro, not a function: GCC takes a function
 * whose only effect is a prefetch for a function with no effect at all
 * (pure), and drops its calls.  Evaluates h and the probes more than once.
 */
#define HTAB_PREFETCH(h, slot_of, entry_of) do {			\
	const struct htab *h_ = (h);					\
	const struct htab_probe *s_ = (slot_of), *e_ = (entry_of);	\
	size_t m_ = h_->nslots - 1;					\
	uint64_t x_;							\
									\
	if (h_->nslots == 0)						\
		break;							\
	if (s_ != NULL)							\
		__builtin_prefetch(&h_->slots[s_->hash & m_]);		\
	if (e_ != NULL && (x_ = h_->slots[e_->hash & m_]) != 0 &&	\
	    (uint32_t)x_ <= h_->count)					\
		__builtin_prefetch(h_->ents +				\
				   ((uint32_t)x_ - 1) * h_->stride);	\
} while (0)

#endif
