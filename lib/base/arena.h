/*
 * arena: bump allocation for data that lives as long as one owner (a file's
 * header, a loaded table, the keys of a hash table).  Memory comes in large
 * chunks and is freed all at once by arena_release(); single allocations are
 * never freed.  Embedded by value: arena_init() or ARENA_INIT.
 */
#ifndef JW_ARENA_H
#define JW_ARENA_H

#include <stddef.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;	/* newest chunk first */
	char *cur, *end;		/* free space in the newest chunk */
};

#define ARENA_INIT { NULL, NULL, NULL }

void arena_init(struct arena *a);
/* Free every chunk; the arena is empty and usable again. */
void arena_release(struct arena *a);
/* n bytes aligned for any type; exits 5 when out of memory. */
void *arena_alloc(struct arena *a, size_t n);
/* Copy of p[0..n) followed by a NUL. */
char *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_strdup(struct arena *a, const char *s);

#endif
