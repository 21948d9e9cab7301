/*
 * htab: a hash table from byte strings to fixed-size values, for grouping.
 *
 * Keys are copied into the table's own arena.  Values are valsize bytes,
 * zeroed when a key is first put.  Each entry (the key's description, then
 * its value) is stored in insertion order so that htab_key_at(i) and
 * htab_val_at(i) walk the groups in the order they first appeared; with an
 * 8-byte value an entry is exactly one 64-byte cache line, so a lookup
 * touches one slot and one line.
 * A value pointer stays valid only until the next htab_put() (the value
 * array may move).  Open addressing, power-of-two size, grows at 1/2 load.
 */
#ifndef JW_HTAB_H
#define JW_HTAB_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

/* Keys of up to this many bytes are held as words (struct htab_key w). */
#define HTAB_SHORT_KEY 32

struct htab_key {
	const char *p;
	size_t len;
	uint64_t hash;
	uint64_t w[4];		/* a key of up to 32 bytes as four words */
};

struct htab {
	uint64_t *slots;	/* 0 = empty, else hash tag | entry index + 1 */
	size_t nslots;		/* power of two */
	unsigned char *ents;	/* entries of stride bytes, insertion order:
				 * struct htab_key, then the value */
	size_t count, cap, valsize, stride;
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
/*
 * A lookup in steps, for callers with many lookups in flight: a lookup
 * whose table is bigger than the L1 cache waits twice on memory (the slot,
 * then the entry it names), and starting those loads a few keys ahead
 * hides the wait.  htab_probe_init() hashes the key (which must stay
 * readable until the put if longer than HTAB_SHORT_KEY bytes: a shorter
 * one is held in the probe); htab_prefetch() starts the loads, the slot
 * of one key and the entry of another whose slot was prefetched before
 * (hints only: the table is not changed); htab_put_probe() is htab_put()
 * with the hash already known.
 */
struct htab_probe {
	const void *p;
	size_t n;
	uint64_t hash;
	uint64_t w[4];
};

void htab_probe_init(struct htab_probe *k, const void *p, size_t n);
void *htab_put_probe(struct htab *h, const struct htab_probe *k, int *isnew);

/* Either probe may be NULL.  A caller with a lookup a record includes
 * base/htab_inline.h for these steps inline (htab_probe_set(),
 * htab_find_index(), HTAB_PREFETCH()). */
void htab_prefetch(const struct htab *h, const struct htab_probe *slot_of,
		   const struct htab_probe *entry_of);

/* Entry i (0 <= i < h->count) in insertion order. */
static inline const struct htab_key *htab_key_at(const struct htab *h, size_t i)
{ return (const struct htab_key *)(const void *)(h->ents + i * h->stride); }
static inline void *htab_val_at(const struct htab *h, size_t i)
{ return h->ents + i * h->stride + sizeof(struct htab_key); }

#endif
