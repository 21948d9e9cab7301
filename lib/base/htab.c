/* htab: byte-string keys to fixed-size values, in insertion order.
 * See htab.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/htab.h"
#include "base/htab_inline.h"
#include "base/util.h"

/* One XXH64 round of a lane, and a lane merged into the hash. */
static inline uint64_t
lane(uint64_t v, uint64_t x)
{
	return htab_rotl(v + x * HTAB_P2, 31) * HTAB_P1;
}

static inline uint64_t
merge(uint64_t h, uint64_t v)
{
	return (h ^ htab_rotl(v * HTAB_P2, 31) * HTAB_P1) * HTAB_P1 + HTAB_P4;
}

/*
 * Four independent XXH64-style lanes over 32-byte blocks keep the
 * multipliers busy on long keys; short keys (the usual group key) go
 * through the single-lane word loop only.  The tail of fewer than 8 bytes
 * is copied into a zeroed word, so nothing past the end is read.
 */
uint64_t
hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h, v1, v2, v3, v4, w;

	if (n >= 32) {
		v1 = HTAB_P1 + HTAB_P2;
		v2 = HTAB_P2;
		v3 = 0;
		v4 = 0 - HTAB_P1;
		do {
			v1 = lane(v1, htab_load64(s));
			v2 = lane(v2, htab_load64(s + 8));
			v3 = lane(v3, htab_load64(s + 16));
			v4 = lane(v4, htab_load64(s + 24));
			s += 32;
			n -= 32;
		} while (n >= 32);
		h = htab_rotl(v1, 1) + htab_rotl(v2, 7) + htab_rotl(v3, 12) +
		    htab_rotl(v4, 18);
		h = merge(h, v1);
		h = merge(h, v2);
		h = merge(h, v3);
		h = merge(h, v4);
	} else {
		h = HTAB_P5;
	}
	/* n is now the length left; mix in the total length too, via the
	 * pointer distance, so "a" and "a\0" differ. */
	h += (uint64_t)(s - (const unsigned char *)p) + n;
	while (n >= 8) {
		h ^= htab_rotl(htab_load64(s) * HTAB_P2, 31) * HTAB_P1;
		h = htab_rotl(h, 27) * HTAB_P1 + HTAB_P4;
		s += 8;
		n -= 8;
	}
	if (n > 0) {
		/* The last 1-7 bytes without a call to memcpy: overlapping
		 * loads that still take every byte once (the length is
		 * mixed in above).  Nothing before p or past the end is read:
		 * a longer key rereads its own bytes. */
		const unsigned char *e = s + n;
		size_t total = (size_t)(e - (const unsigned char *)p);

		if (total >= 8)
			w = htab_load64(e - 8) >> (8 * (8 - n));
		else if (n >= 4)
			w = (uint64_t)htab_load32(s) |
			    (uint64_t)htab_load32(e - 4) << 32;
		else
			w = (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 |
			    (uint64_t)e[-1] << 16;
		h ^= htab_rotl(w * HTAB_P2, 31) * HTAB_P1;
		h = htab_rotl(h, 23) * HTAB_P2 + HTAB_P3;
	}
	return htab_avalanche(h);
}

void
htab_init(struct htab *h, size_t valsize)
{
	h->slots = NULL;
	h->nslots = 0;
	h->ents = NULL;
	h->count = h->cap = 0;
	h->valsize = valsize;
	/* Values start 8-byte aligned, and entries stay so. */
	h->stride = (sizeof(struct htab_key) + valsize + 7) & ~(size_t)7;
	arena_init(&h->keymem);
}

void
htab_release(struct htab *h)
{
	free(h->slots);
	free(h->ents);
	arena_release(&h->keymem);
	htab_init(h, h->valsize);
}

/* The bytes of a short key back from its words (htab_key_words() loads cover
 * every byte). */
static void
words_key(const uint64_t w[4], size_t n, unsigned char *s)
{
	if (n > 16) {
		memcpy(s, &w[0], 8);
		memcpy(s + 8, &w[1], 8);
		memcpy(s + n - 16, &w[2], 8);
		memcpy(s + n - 8, &w[3], 8);
	} else if (n >= 8) {
		memcpy(s, &w[0], 8);
		memcpy(s + n - 8, &w[1], 8);
	} else if (n >= 4) {
		uint32_t a = (uint32_t)w[0], b = (uint32_t)w[1];

		memcpy(s, &a, 4);
		memcpy(s + n - 4, &b, 4);
	} else if (n > 0) {
		s[0] = (unsigned char)w[0];
		s[n / 2] = (unsigned char)(w[0] >> 8);
		s[n - 1] = (unsigned char)(w[0] >> 16);
	}
}

/* Slot index for an absent key with this hash (linear probing). */
static size_t
slot_free(const struct htab *h, uint64_t hash)
{
	size_t mask = h->nslots - 1, i = (size_t)hash & mask;

	while (h->slots[i] != 0)
		i = (i + 1) & mask;
	return i;
}

static void
slots_grow(struct htab *h)
{
	size_t i, n = h->nslots ? h->nslots * 2 : 16;

	if (n > (size_t)-1 / sizeof *h->slots)
		diag_die(JW_EXIT_INTERNAL, "out of memory");
	free(h->slots);
	h->slots = xcalloc(n, sizeof *h->slots);
	h->nslots = n;
	for (i = 0; i < h->count; i++)
		h->slots[slot_free(h, htab_key_at(h, i)->hash)] =
			HTAB_TAG(htab_key_at(h, i)->hash) | (uint32_t)(i + 1);
}

/* Room for twice the entries, on a cache-line boundary so that an
 * entry of 64 bytes is one line. */
static void
ents_grow(struct htab *h)
{
	size_t cap = h->cap ? h->cap * 2 : 16;
	void *e;

	if (cap > (size_t)-1 / h->stride ||
	    posix_memalign(&e, 64, cap * h->stride) != 0)
		diag_die(JW_EXIT_INTERNAL, "out of memory");
	if (h->count)
		memcpy(e, h->ents, h->count * h->stride);
	free(h->ents);
	h->ents = e;
	h->cap = cap;
}

/* Slot holding the key, or the empty slot where it would go.  A slot is
 * the hash's high half (a tag that rules out most others at once) and the
 * entry index + 1. */
static size_t
slot_find(const struct htab *h, const void *p, size_t n, uint64_t hash,
	  const uint64_t w[4])
{
	size_t mask = h->nslots - 1, i = (size_t)hash & mask;
	const struct htab_key *k;
	uint64_t e, tag = HTAB_TAG(hash);

	while ((e = h->slots[i]) != 0) {
		if ((e & ~(uint64_t)UINT32_MAX) == tag) {
			k = htab_key_at(h, (uint32_t)e - 1);
			if (k->len == n && (n <= HTAB_SHORT_KEY ?
			    ((k->w[0] ^ w[0]) | (k->w[1] ^ w[1]) |
			     (k->w[2] ^ w[2]) | (k->w[3] ^ w[3])) == 0 :
			    memcmp(k->p, p, n) == 0))
				return i;
		}
		i = (i + 1) & mask;
	}
	return i;
}

void
htab_probe_init(struct htab_probe *k, const void *p, size_t n)
{
	k->p = p;
	k->n = n;
	k->hash = htab_key_hash(p, n, k->w);
}

void
htab_prefetch(const struct htab *h, const struct htab_probe *slot_of,
	      const struct htab_probe *entry_of)
{
	HTAB_PREFETCH(h, slot_of, entry_of);
}

void *
htab_put_probe(struct htab *h, const struct htab_probe *pr, int *isnew)
{
	size_t i = 0;
	struct htab_key *k;
	unsigned char *v;

	if (h->nslots) {
		i = slot_find(h, pr->p, pr->n, pr->hash, pr->w);
		if (h->slots[i] != 0) {
			if (isnew)
				*isnew = 0;
			return htab_val_at(h, (uint32_t)h->slots[i] - 1);
		}
	}
	if (h->count >= UINT32_MAX - 1)
		diag_die(JW_EXIT_INTERNAL, "hash table full");
	if ((h->count + 1) * 2 > h->nslots) {
		slots_grow(h);
		i = slot_free(h, pr->hash);
	}
	if (h->count == h->cap)
		ents_grow(h);
	k = (struct htab_key *)(void *)(h->ents + h->count * h->stride);
	if (pr->n <= HTAB_SHORT_KEY) {
		unsigned char copy[HTAB_SHORT_KEY];

		words_key(pr->w, pr->n, copy);
		k->p = arena_memdup(&h->keymem, copy, pr->n);
	} else {
		k->p = arena_memdup(&h->keymem, pr->p, pr->n);
	}
	k->len = pr->n;
	k->hash = pr->hash;
	memcpy(k->w, pr->w, sizeof k->w);
	v = (unsigned char *)(k + 1);
	memset(v, 0, h->valsize);
	h->slots[i] = HTAB_TAG(pr->hash) | (uint32_t)(++h->count);
	if (isnew)
		*isnew = 1;
	return v;
}

void *
htab_put(struct htab *h, const void *p, size_t n, int *isnew)
{
	struct htab_probe k;

	htab_probe_init(&k, p, n);
	return htab_put_probe(h, &k, isnew);
}

void *
htab_find(const struct htab *h, const void *p, size_t n)
{
	uint64_t w[4], hash;
	size_t i;

	if (h->nslots == 0)
		return NULL;
	hash = htab_key_hash(p, n, w);
	i = slot_find(h, p, n, hash, w);
	if (h->slots[i] == 0)
		return NULL;
	return htab_val_at(h, (uint32_t)h->slots[i] - 1);
}
