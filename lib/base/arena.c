/* arena: bump allocation freed all at once.  See arena.h. */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/util.h"

#define ARENA_ALIGN	alignof(max_align_t)
#define ARENA_CHUNK	(64 * 1024)
/* Requests above this get a chunk of their own, so that one big header
 * does not waste the rest of the current chunk. */
#define ARENA_BIG	(ARENA_CHUNK / 4)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;			/* bytes in data */
	max_align_t data[];		/* aligned for any type */
};

void
arena_init(struct arena *a)
{
	a->head = NULL;
	a->cur = a->end = NULL;
}

void
arena_release(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	arena_init(a);
}

static struct arena_chunk *
chunk_new(size_t size)
{
	struct arena_chunk *c;

	if (size > SIZE_MAX - sizeof *c)
		diag_die(JW_EXIT_INTERNAL, "out of memory");
	c = xmalloc(sizeof *c + size);
	c->size = size;
	c->next = NULL;
	return c;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	char *p;

	/* Round up so that cur stays aligned; 0 bytes still get a pointer
	 * of their own. */
	if (n > SIZE_MAX - ARENA_ALIGN)
		diag_die(JW_EXIT_INTERNAL, "out of memory");
	n = n ? (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1) : ARENA_ALIGN;
	if (a->cur != NULL && (size_t)(a->end - a->cur) >= n) {
		p = a->cur;
		a->cur += n;
		return p;
	}
	if (n > ARENA_BIG) {
		/* A chunk of its own, linked behind the current one so the
		 * free space there stays in use. */
		c = chunk_new(n);
		if (a->head == NULL) {
			a->head = c;
			a->cur = a->end = (char *)c->data + n;
		} else {
			c->next = a->head->next;
			a->head->next = c;
		}
		return c->data;
	}
	c = chunk_new(ARENA_CHUNK);
	c->next = a->head;
	a->head = c;
	p = (char *)c->data;
	a->cur = p + n;
	a->end = p + c->size;
	return p;
}

char *
arena_memdup(struct arena *a, const void *p, size_t n)
{
	char *d;

	if (n == SIZE_MAX)
		diag_die(JW_EXIT_INTERNAL, "out of memory");
	d = arena_alloc(a, n + 1);
	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_memdup(a, s, strlen(s));
}
