#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"

static size_t
find_str(struct ac *a, const char *s, unsigned *ids)
{
	return ac_find(a, s, strlen(s), ids, NULL);
}

Test(ac, classic_overlaps_in_order_of_first_end)
{
	struct ac *a = ac_new();
	unsigned ids[4];
	size_t n;

	cr_assert_eq(ac_add(a, "he", 2), 0);
	cr_assert_eq(ac_add(a, "she", 3), 1);
	cr_assert_eq(ac_add(a, "his", 3), 2);
	cr_assert_eq(ac_add(a, "hers", 4), 3);
	ac_build(a);
	/* "ushers": she and he end at 4, hers at 6; his is absent */
	n = find_str(a, "ushers", ids);
	cr_assert_eq(n, 3);
	cr_assert_eq(ids[0], 1);
	cr_assert_eq(ids[1], 0);
	cr_assert_eq(ids[2], 3);
	n = find_str(a, "hishe", ids);
	cr_assert_eq(n, 3);
	cr_assert_eq(ids[0], 2);
	cr_assert_eq(ids[1], 1);
	cr_assert_eq(ids[2], 0);
	cr_assert_eq(find_str(a, "", ids), 0);
	cr_assert_eq(find_str(a, "xyz", ids), 0);
	ac_free(a);
}

Test(ac, duplicate_literal_keeps_its_id)
{
	struct ac *a = ac_new();

	cr_assert_eq(ac_add(a, "濂溪路", strlen("濂溪路")), 0);
	cr_assert_eq(ac_add(a, "道县", strlen("道县")), 1);
	cr_assert_eq(ac_add(a, "濂溪路", strlen("濂溪路")), 0);
	cr_assert_eq(ac_count(a), 2);
	ac_build(a);
	ac_free(a);
}

Test(ac, each_literal_reported_once)
{
	struct ac *a = ac_new();
	unsigned ids[2];

	ac_add(a, "aa", 2);
	ac_build(a);
	cr_assert_eq(find_str(a, "aaaaaaa", ids), 1);
	cr_assert_eq(ids[0], 0);
	/* the scratch stamps are reset between calls */
	cr_assert_eq(find_str(a, "aa", ids), 1);
	cr_assert_eq(find_str(a, "a", ids), 0);
	ac_free(a);
}

Test(ac, utf8_literals_in_chinese_text)
{
	struct ac *a = ac_new();
	const char *addr = "湖南省永州市道县濂溪街道濂溪路12号3栋201";
	unsigned ids[4];
	size_t n, ends[4];

	ac_add(a, "濂溪路", strlen("濂溪路"));	/* 0 */
	ac_add(a, "道县", strlen("道县"));	/* 1 */
	ac_add(a, "潇水路", strlen("潇水路"));	/* 2 */
	ac_add(a, "号", strlen("号"));		/* 3 */
	ac_build(a);
	n = ac_find(a, addr, strlen(addr), ids, ends);
	cr_assert_eq(n, 3);
	cr_assert_eq(ids[0], 1);
	cr_assert_eq(ends[0], strlen("湖南省永州市道县"));
	cr_assert_eq(ids[1], 0);
	cr_assert_eq(ends[1], strlen("湖南省永州市道县濂溪街道濂溪路"));
	cr_assert_eq(ids[2], 3);
	cr_assert_eq(ends[2], strlen("湖南省永州市道县濂溪街道濂溪路12号"));
	ac_free(a);
}

/* A small deterministic generator (xorshift), so failures reproduce. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int
occurs(const char *text, size_t n, const char *lit, size_t m)
{
	size_t i;

	for (i = 0; i + m <= n; i++)
		if (memcmp(text + i, lit, m) == 0)
			return 1;
	return 0;
}

/* Random literals and texts over a small alphabet (so that literals
 * overlap, share prefixes and suffixes, and some states have enough edges
 * for dense tables), checked against a naive search. */
static void
check_random(uint32_t seed, const char *alphabet, size_t nlit, size_t maxlen)
{
	size_t alen = strlen(alphabet), i, j, k, n, m;
	char (*lits)[16] = calloc(nlit, sizeof *lits);
	size_t *litlen = calloc(nlit, sizeof *litlen);
	unsigned *id = calloc(nlit, sizeof *id), *found = calloc(nlit, sizeof *found);
	size_t *ends = calloc(nlit, sizeof *ends);
	char *seen = calloc(nlit, 1);
	char text[200];
	struct ac *a = ac_new();
	uint32_t s = seed;

	cr_assert_leq(maxlen, 15);
	for (i = 0; i < nlit; i++) {
		litlen[i] = 1 + rnd(&s) % maxlen;
		for (j = 0; j < litlen[i]; j++)
			lits[i][j] = alphabet[rnd(&s) % alen];
		id[i] = ac_add(a, lits[i], litlen[i]);
	}
	ac_build(a);
	for (k = 0; k < 2000; k++) {
		n = rnd(&s) % sizeof text;
		for (j = 0; j < n; j++)
			text[j] = alphabet[rnd(&s) % alen];
		m = ac_find(a, text, n, found, ends);
		memset(seen, 0, nlit);
		for (j = 0; j < m; j++) {
			cr_assert_lt(found[j], ac_count(a));
			cr_assert_eq(seen[found[j]], 0, "id reported twice");
			seen[found[j]] = 1;
			/* ends[j] is the end of the first occurrence */
			for (i = 0; i < nlit && id[i] != found[j]; i++)
				;
			cr_assert_geq(ends[j], litlen[i]);
			cr_assert_eq(memcmp(text + ends[j] - litlen[i], lits[i],
					    litlen[i]), 0);
			cr_assert_eq(occurs(text, ends[j] - 1, lits[i],
					    litlen[i]), 0);
		}
		for (i = 0; i < nlit; i++)
			cr_assert_eq(seen[id[i]],
				     occurs(text, n, lits[i], litlen[i]),
				     "seed %u text %zu literal %zu", seed, k, i);
	}
	ac_free(a);
	free(lits);
	free(litlen);
	free(id);
	free(found);
	free(ends);
	free(seen);
}

Test(ac, random_small_alphabet_matches_naive)
{
	check_random(2463534242u, "ab", 20, 6);
	check_random(88172645u, "abc", 60, 8);
}

Test(ac, random_wide_alphabet_with_dense_states_matches_naive)
{
	check_random(123456789u, "abcdefghijklmnopqrstu", 400, 5);
	check_random(362436069u, "0123456789abcdefghij\xe9\x81\x93", 1000, 12);
}
