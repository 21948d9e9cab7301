/* Unit tests for lib/base/htab.c. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/htab.h"

struct count {
	long n;
	long sum;
};

Test(hash_bytes, deterministic_and_length_sensitive)
{
	char buf[64];
	uint64_t h[65];
	size_t n, m;

	cr_assert_eq(hash_bytes("abc", 3), hash_bytes("abc", 3));
	cr_assert_eq(hash_bytes(NULL, 0), hash_bytes("", 0));
	cr_assert_neq(hash_bytes("a", 1), hash_bytes("a\0", 2));
	cr_assert_neq(hash_bytes("", 0), hash_bytes("\0", 1));
	cr_assert_neq(hash_bytes("abc", 3), hash_bytes("abd", 3));
	/* All-zero keys of every length up to 64 differ: the tail and the
	 * 8-byte and 32-byte loops all see the length. */
	memset(buf, 0, sizeof buf);
	for (n = 0; n <= 64; n++) {
		h[n] = hash_bytes(buf, n);
		for (m = 0; m < n; m++)
			cr_assert_neq(h[n], h[m], "lengths %zu and %zu", n, m);
	}
}

Test(hash_bytes, every_byte_matters)
{
	unsigned char buf[80];
	uint64_t base, h;
	size_t n, i;

	for (n = 1; n <= sizeof buf; n++) {
		memset(buf, 'k', n);
		base = hash_bytes(buf, n);
		for (i = 0; i < n; i++) {
			buf[i] ^= 1;
			h = hash_bytes(buf, n);
			buf[i] ^= 1;
			cr_assert_neq(h, base, "n=%zu byte %zu", n, i);
		}
	}
}

/* The hash reads nothing past the end: keys copied to exact-size heap
 * blocks, which ASan guards. */
Test(hash_bytes, reads_only_the_key)
{
	const char *src = "0123456789abcdefghijklmnopqrstuvwxyz0123456789";
	size_t n;
	char *p;

	for (n = 0; n <= strlen(src); n++) {
		p = malloc(n ? n : 1);
		cr_assert_not_null(p);
		memcpy(p, src, n);
		cr_assert_eq(hash_bytes(p, n), hash_bytes(src, n));
		free(p);
	}
}

/* Low bits pick the slot: 1e5 sequential keys should spread over the
 * low 17 bits with no bucket grossly overfull. */
Test(hash_bytes, spreads_sequential_keys)
{
	static unsigned short bucket[1 << 16];
	char key[32];
	size_t i, max = 0;
	int n;

	for (i = 0; i < 100000; i++) {
		n = snprintf(key, sizeof key, "%zu", i);
		bucket[hash_bytes(key, (size_t)n) & 0xffff]++;
	}
	for (i = 0; i < 1 << 16; i++)
		if (bucket[i] > max)
			max = bucket[i];
	cr_assert_lt(max, 12, "fullest bucket holds %zu", max);
}

Test(htab, empty_table)
{
	struct htab h;

	htab_init(&h, sizeof(long));
	cr_assert_eq(h.count, 0);
	cr_assert_eq(h.valsize, sizeof(long));
	cr_assert_null(htab_find(&h, "x", 1));
	cr_assert_null(htab_find(&h, "", 0));
	htab_release(&h);
	htab_release(&h);	/* twice is harmless */
	cr_assert_eq(h.count, 0);
}

Test(htab, put_then_find)
{
	struct htab h;
	int isnew = -1;
	long *v;

	htab_init(&h, sizeof(long));
	v = htab_put(&h, "岳麓区", strlen("岳麓区"), &isnew);
	cr_assert_not_null(v);
	cr_assert_eq(isnew, 1);
	cr_assert_eq(*v, 0);
	*v = 42;
	v = htab_put(&h, "岳麓区", strlen("岳麓区"), &isnew);
	cr_assert_eq(isnew, 0);
	cr_assert_eq(*v, 42);
	v = htab_find(&h, "岳麓区", strlen("岳麓区"));
	cr_assert_not_null(v);
	cr_assert_eq(*v, 42);
	cr_assert_null(htab_find(&h, "岳麓", strlen("岳麓")));
	cr_assert_null(htab_find(&h, "岳麓区x", strlen("岳麓区x")));
	cr_assert_null(htab_find(&h, "天心区", strlen("天心区")));
	cr_assert_eq(h.count, 1);
	htab_put(&h, "天心区", strlen("天心区"), NULL);	/* isnew may be NULL */
	cr_assert_eq(h.count, 2);
	htab_release(&h);
}

Test(htab, keys_are_copied)
{
	struct htab h;
	char key[8] = "abc";
	const struct htab_key *k;

	htab_init(&h, sizeof(int));
	*(int *)htab_put(&h, key, 3, NULL) = 7;
	strcpy(key, "xyz");
	cr_assert_null(htab_find(&h, "xyz", 3));
	cr_assert_eq(*(int *)htab_find(&h, "abc", 3), 7);
	k = htab_key_at(&h, 0);
	cr_assert_neq(k->p, key);
	cr_assert_eq(k->len, 3);
	cr_assert_str_eq(k->p, "abc");	/* NUL-terminated copy */
	cr_assert_eq(k->hash, htab_key_at(&h, 0)->hash);
	htab_release(&h);
}

Test(htab, keys_with_nul_bytes_and_empty_key)
{
	struct htab h;
	int isnew;
	const struct htab_key *k;

	htab_init(&h, sizeof(int));
	*(int *)htab_put(&h, "a\0b", 3, &isnew) = 1;
	cr_assert_eq(isnew, 1);
	*(int *)htab_put(&h, "a\0c", 3, &isnew) = 2;
	cr_assert_eq(isnew, 1);
	*(int *)htab_put(&h, "a", 1, &isnew) = 3;
	cr_assert_eq(isnew, 1);
	*(int *)htab_put(&h, "", 0, &isnew) = 4;
	cr_assert_eq(isnew, 1);
	*(int *)htab_put(&h, "\0", 1, &isnew) = 5;
	cr_assert_eq(isnew, 1);
	cr_assert_eq(h.count, 5);
	cr_assert_eq(*(int *)htab_find(&h, "a\0b", 3), 1);
	cr_assert_eq(*(int *)htab_find(&h, "a\0c", 3), 2);
	cr_assert_eq(*(int *)htab_find(&h, "a", 1), 3);
	cr_assert_eq(*(int *)htab_find(&h, "", 0), 4);
	cr_assert_eq(*(int *)htab_find(&h, NULL, 0), 4);
	cr_assert_eq(*(int *)htab_find(&h, "\0", 1), 5);
	cr_assert_null(htab_find(&h, "a\0", 2));
	htab_put(&h, NULL, 0, &isnew);
	cr_assert_eq(isnew, 0);
	k = htab_key_at(&h, 0);
	cr_assert_eq(k->len, 3);
	cr_assert_eq(memcmp(k->p, "a\0b\0", 4), 0);
	k = htab_key_at(&h, 3);
	cr_assert_eq(k->len, 0);
	cr_assert_str_eq(k->p, "");
	htab_release(&h);
}

Test(htab, insertion_order_and_growth)
{
	struct htab h;
	char key[32];
	const struct htab_key *k;
	size_t i, slots0 = 0;
	int n;

	htab_init(&h, sizeof(size_t));
	for (i = 0; i < 5000; i++) {
		/* Descending, so insertion order is not sorted order. */
		n = snprintf(key, sizeof key, "k%zu", 5000 - i);
		*(size_t *)htab_put(&h, key, (size_t)n, NULL) = i;
		if (i == 0)
			slots0 = h.nslots;
		/* Never above half full, size a power of two. */
		cr_assert_leq(h.count * 2, h.nslots);
		cr_assert_eq(h.nslots & (h.nslots - 1), 0);
	}
	cr_assert_gt(h.nslots, slots0);
	cr_assert_eq(h.count, 5000);
	for (i = 0; i < h.count; i++) {
		n = snprintf(key, sizeof key, "k%zu", 5000 - i);
		k = htab_key_at(&h, i);
		cr_assert_eq(k->len, (size_t)n);
		cr_assert_eq(memcmp(k->p, key, k->len), 0, "entry %zu", i);
		cr_assert_eq(*(size_t *)htab_val_at(&h, i), i);
		cr_assert_eq(htab_find(&h, key, (size_t)n), htab_val_at(&h, i));
	}
	htab_release(&h);
}

/* Group 3e6 records over 1e6 keys (sizes 1..24 bytes) and check each
 * count and sum. */
Test(htab, million_keys_counted)
{
	struct htab h;
	char key[32];
	struct count *c;
	size_t i, r, nkeys = 1000000;
	int n, isnew;

	htab_init(&h, sizeof(struct count));
	for (r = 0; r < 3; r++)
		for (i = 0; i < nkeys; i++) {
			/* Key i appears r < (i % 3) + 1 times. */
			if (r > i % 3)
				continue;
			n = snprintf(key, sizeof key, "%.*s:%zu",
			    (int)(i % 14), "43110219900307", i);
			c = htab_put(&h, key, (size_t)n, &isnew);
			cr_assert_eq(isnew, r == 0);
			c->n++;
			c->sum += (long)i;
		}
	cr_assert_eq(h.count, nkeys);
	for (i = 0; i < nkeys; i++) {
		n = snprintf(key, sizeof key, "%.*s:%zu", (int)(i % 14),
		    "43110219900307", i);
		c = htab_find(&h, key, (size_t)n);
		cr_assert_not_null(c, "key %s", key);
		if (c->n != (long)(i % 3) + 1 || c->sum != c->n * (long)i)
			cr_assert_fail("key %s: n=%ld sum=%ld", key, c->n,
			    c->sum);
		cr_assert_eq(htab_val_at(&h, i), (void *)c);
	}
	cr_assert_null(htab_find(&h, "absent", 6));
	htab_release(&h);
}

Test(htab, zero_size_values)
{
	struct htab h;
	int isnew;

	htab_init(&h, 0);
	cr_assert_not_null(htab_put(&h, "a", 1, &isnew));
	cr_assert_eq(isnew, 1);
	cr_assert_not_null(htab_put(&h, "b", 1, &isnew));
	cr_assert_eq(isnew, 1);
	cr_assert_not_null(htab_put(&h, "a", 1, &isnew));
	cr_assert_eq(isnew, 0);
	cr_assert_not_null(htab_find(&h, "b", 1));
	cr_assert_null(htab_find(&h, "c", 1));
	cr_assert_eq(h.count, 2);
	htab_release(&h);
}

Test(htab, release_then_reuse)
{
	struct htab h;
	int isnew;

	htab_init(&h, sizeof(int));
	*(int *)htab_put(&h, "x", 1, NULL) = 9;
	htab_release(&h);
	cr_assert_eq(h.count, 0);
	cr_assert_eq(h.valsize, sizeof(int));
	cr_assert_null(htab_find(&h, "x", 1));
	cr_assert_eq(*(int *)htab_put(&h, "x", 1, &isnew), 0);
	cr_assert_eq(isnew, 1);
	htab_release(&h);
}

/* A short key is held in the probe's words: the caller's bytes may change
 * before the put, and every length up to 32 and past it comes back
 * byte for byte. */
Test(htab, probe_holds_short_keys)
{
	struct htab h;
	struct htab_probe pr;
	char key[48];
	const struct htab_key *k;
	size_t n, i;

	htab_init(&h, sizeof(long));
	for (n = 0; n <= 40; n++) {
		for (i = 0; i < n; i++)
			key[i] = (char)(0x41 + (n * 7 + i * 13) % 50);
		htab_probe_init(&pr, key, n);
		htab_prefetch(&h, &pr, &pr);
		if (n <= 32)
			memset(key, '#', sizeof key);	/* the probe holds it */
		else
			for (i = 0; i < n; i++)	/* rebuild: must stay */
				key[i] = (char)(0x41 + (n * 7 + i * 13) % 50);
		*(long *)htab_put_probe(&h, &pr, NULL) = (long)n;
	}
	cr_assert_eq(h.count, 41);
	for (n = 0; n <= 40; n++) {
		for (i = 0; i < n; i++)
			key[i] = (char)(0x41 + (n * 7 + i * 13) % 50);
		k = htab_key_at(&h, n);
		cr_assert_eq(k->len, n);
		cr_assert(memcmp(k->p, key, n) == 0, "key of length %zu", n);
		cr_assert_eq(*(long *)htab_find(&h, key, n), (long)n);
	}
	htab_release(&h);
}

/* An entry with an 8-byte value is one cache line: 64 bytes, aligned. */
Test(htab, entries_fill_cache_lines)
{
	struct htab h;
	uint64_t *v;
	int isnew;

	htab_init(&h, sizeof(uint64_t));
	cr_assert_eq(h.stride, 64);
	v = htab_put(&h, "grid", 4, &isnew);
	cr_assert_eq(isnew, 1);
	cr_assert_eq((uintptr_t)htab_key_at(&h, 0) % 64, 0);
	cr_assert_eq((uintptr_t)v % 8, 0);
	htab_release(&h);
	htab_init(&h, 3);
	cr_assert_eq(h.stride, 64);	/* 56 + 3, rounded up to 8 */
	htab_release(&h);
}
