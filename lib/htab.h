/*
 * htab: a hash table from byte strings to fixed-size values, for grouping.
 *
 * Keys are copied into the table's own arena.  Values are valsize bytes,
 * zeroed when a key is first put, stored contiguously in insertion order so
 * that htab_key_at(i) and htab_val_at(i) walk the groups in the order
 * they first appeared.
 * A value pointer stays valid only until the next htab_put() (the value
 * array may move).  Open addressing, power-of-two size, grows at 1/2 load.
 */
#ifndef JW_HTAB_H
#define JW_HTAB_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct htab_key {
	const char *p;
	size_t len;
	uint64_t hash;
	uint64_t w[4];		/* a key of up to 32 bytes as four words */
};

struct htab {
	uint64_t *slots;	/* 0 = empty, else hash tag | entry index + 1 */
	size_t nslots;		/* power of two */
	struct htab_key *keys;	/* per entry, insertion order */
	unsigned char *vals;	/* per entry, valsize bytes each */
	size_t count, cap, valsize;
	struct arena keymem;
};

/* A fast 64-bit hash of n bytes (8 bytes at a time). */
uint64_t hash_bytes(const void *p, size_t n);

void htab_init(struct htab *h, size_t valsize);
void htab_release(struct htab *h);
/* The value for key p[0..n), created (zeroed) when absent; *isnew (may be
 * NULL) tells which.  Exits 5 when out of memory. */
void *htab_put(struct htab *h, const void *p, size_t n, int *isnew);
/* The value for the key, or NULL. */
void *htab_find(const struct htab *h, const void *p, size_t n);
/* Entry i (0 <= i < h->count) in insertion order. */
static inline const struct htab_key *htab_key_at(const struct htab *h, size_t i)
{ return &h->keys[i]; }
static inline void *htab_val_at(const struct htab *h, size_t i)
{ return h->vals + i * h->valsize; }

#endif
