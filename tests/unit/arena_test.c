/* Unit tests for lib/base/arena.c. */
#include <criterion/criterion.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"

#define ALIGN alignof(max_align_t)

static int
is_aligned(const void *p)
{
	return (uintptr_t)p % ALIGN == 0;
}

Test(arena, init_is_empty)
{
	struct arena a = ARENA_INIT, b;

	cr_assert_null(a.head);
	cr_assert_null(a.cur);
	cr_assert_null(a.end);
	memset(&b, 0xff, sizeof b);
	arena_init(&b);
	cr_assert_null(b.head);
	cr_assert_null(b.cur);
	cr_assert_null(b.end);
	arena_release(&a);	/* releasing an empty arena is fine */
	cr_assert_null(a.head);
}

Test(arena, every_size_is_aligned_and_disjoint)
{
	struct arena a = ARENA_INIT;
	unsigned char *p[300];
	size_t n, i;

	cr_assert_eq(ALIGN, 16);
	for (n = 0; n < 300; n++) {
		p[n] = arena_alloc(&a, n);
		cr_assert_not_null(p[n]);
		cr_assert(is_aligned(p[n]), "size %zu at %p", n, (void *)p[n]);
		memset(p[n], (int)(n & 0xff), n);
	}
	/* Nothing overwrote anything else. */
	for (n = 0; n < 300; n++)
		for (i = 0; i < n; i++)
			cr_assert_eq(p[n][i], n & 0xff, "size %zu byte %zu", n,
			    i);
	/* Zero-size requests still get pointers of their own. */
	cr_assert_neq(arena_alloc(&a, 0), arena_alloc(&a, 0));
	arena_release(&a);
}

Test(arena, many_small_allocations_span_chunks)
{
	struct arena a = ARENA_INIT;
	uint32_t *p[20000];
	size_t i;

	for (i = 0; i < 20000; i++) {
		p[i] = arena_alloc(&a, sizeof *p[i]);
		*p[i] = (uint32_t)i;
	}
	for (i = 0; i < 20000; i++)
		cr_assert_eq(*p[i], i);
	/* 20000 * 16 bytes needs more than one 64 KiB chunk. */
	cr_assert_not_null(a.head);
	arena_release(&a);
	cr_assert_null(a.head);
}

Test(arena, large_allocations)
{
	struct arena a = ARENA_INIT;
	unsigned char *small, *big, *huge, *after;
	size_t i;

	small = arena_alloc(&a, 10);
	memset(small, 's', 10);
	big = arena_alloc(&a, 64 * 1024);	/* a whole chunk's worth */
	cr_assert(is_aligned(big));
	memset(big, 'b', 64 * 1024);
	huge = arena_alloc(&a, 5 * 1024 * 1024 + 3);
	cr_assert(is_aligned(huge));
	memset(huge, 'h', 5 * 1024 * 1024 + 3);
	/* The chunk of the small allocation is still in use. */
	after = arena_alloc(&a, 10);
	cr_assert_eq(after, small + ALIGN);
	memset(after, 'a', 10);
	for (i = 0; i < 10; i++)
		cr_assert_eq(small[i], 's');
	for (i = 0; i < 64 * 1024; i++)
		cr_assert_eq(big[i], 'b');
	for (i = 0; i < 5 * 1024 * 1024 + 3; i++)
		cr_assert_eq(huge[i], 'h');
	arena_release(&a);
}

Test(arena, large_allocation_first)
{
	struct arena a = ARENA_INIT;
	char *big, *p;

	big = arena_alloc(&a, 1000000);
	memset(big, 'b', 1000000);
	p = arena_alloc(&a, 32);
	cr_assert(is_aligned(p));
	memset(p, 'p', 32);
	cr_assert_eq(big[999999], 'b');
	arena_release(&a);
}

Test(arena, memdup_adds_a_nul)
{
	struct arena a = ARENA_INIT;
	char *d;

	d = arena_memdup(&a, "a\0b", 3);
	cr_assert_eq(memcmp(d, "a\0b\0", 4), 0);
	d = arena_memdup(&a, "xyz", 2);
	cr_assert_str_eq(d, "xy");
	d = arena_memdup(&a, "", 0);
	cr_assert_str_eq(d, "");
	d = arena_memdup(&a, NULL, 0);
	cr_assert_str_eq(d, "");
	d = arena_strdup(&a, "张三");
	cr_assert_str_eq(d, "张三");
	cr_assert(is_aligned(d));
	arena_release(&a);
}

Test(arena, memdup_of_large_block)
{
	struct arena a = ARENA_INIT;
	static char src[100000];
	char *d;

	memset(src, 'q', sizeof src);
	d = arena_memdup(&a, src, sizeof src);
	cr_assert_eq(memcmp(d, src, sizeof src), 0);
	cr_assert_eq(d[sizeof src], '\0');
	arena_release(&a);
}

Test(arena, release_then_reuse)
{
	struct arena a = ARENA_INIT;
	char *p;
	int round;

	for (round = 0; round < 3; round++) {
		p = arena_strdup(&a, "first");
		cr_assert_str_eq(p, "first");
		p = arena_alloc(&a, 200000);
		memset(p, 'r', 200000);
		p = arena_strdup(&a, "last");
		cr_assert_str_eq(p, "last");
		arena_release(&a);
		cr_assert_null(a.head);
		cr_assert_null(a.cur);
		cr_assert_null(a.end);
	}
}
