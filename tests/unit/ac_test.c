#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rx/ac.h"

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
check_random_how(uint32_t seed, const char *alphabet, size_t nlit,
		 size_t maxlen, enum ac_scan how)
{
	size_t alen = strlen(alphabet), i, j, k, n, m;
	char (*lits)[40] = calloc(nlit, sizeof *lits);
	size_t *litlen = calloc(nlit, sizeof *litlen);
	unsigned *id = calloc(nlit, sizeof *id), *found = calloc(nlit, sizeof *found);
	size_t *ends = calloc(nlit, sizeof *ends);
	size_t *lasts = calloc(nlit, sizeof *lasts);
	char *seen = calloc(nlit, 1);
	char text[200];
	struct ac *a = ac_new();
	uint32_t s = seed;

	cr_assert_leq(maxlen, 39);
	ac_scan_set(a, how);
	for (i = 0; i < nlit; i++) {
		litlen[i] = 1 + rnd(&s) % maxlen;
		for (j = 0; j < litlen[i]; j++)
			lits[i][j] = alphabet[rnd(&s) % alen];
		id[i] = ac_add(a, lits[i], litlen[i]);
	}
	ac_build(a);
	if (how != AC_SCAN_AUTO)
		cr_assert_eq(ac_scan_get(a), how);
	for (k = 0; k < 2000; k++) {
		n = rnd(&s) % sizeof text;
		for (j = 0; j < n; j++)
			text[j] = alphabet[rnd(&s) % alen];
		m = ac_find_last(a, text, n, found, ends, lasts);
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
			/* lasts[j] is the end of the last occurrence */
			cr_assert_geq(lasts[j], ends[j]);
			cr_assert_eq(memcmp(text + lasts[j] - litlen[i],
					    lits[i], litlen[i]), 0);
			cr_assert_eq(occurs(text + lasts[j] - litlen[i] + 1,
					    n - (lasts[j] - litlen[i] + 1),
					    lits[i], litlen[i]), 0);
			/* in order of first end, the longer first */
			if (j > 0) {
				size_t pl;

				for (pl = 0; pl < nlit && id[pl] != found[j - 1];
				     pl++)
					;
				cr_assert(ends[j - 1] < ends[j] ||
					  (ends[j - 1] == ends[j] &&
					   litlen[pl] > litlen[i]));
			}
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
	free(lasts);
	free(seen);
}

/* Both ways of scanning, and the one ac_build() picks. */
static void
check_random(uint32_t seed, const char *alphabet, size_t nlit, size_t maxlen)
{
	check_random_how(seed, alphabet, nlit, maxlen, AC_SCAN_AUTOMATON);
	check_random_how(seed, alphabet, nlit, maxlen, AC_SCAN_HASH);
	check_random_how(seed, alphabet, nlit, maxlen, AC_SCAN_AUTO);
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

Test(ac, random_long_literals_beyond_the_key_match_naive)
{
	/* Literals up to 39 bytes: the key (8), the two words kept with it
	 * (to 24) and the rest compared in the text. */
	check_random(521288629u, "ab", 300, 39);
	check_random(2654435761u, "abcd", 500, 30);
}

Test(ac, chooses_probing_unless_many_literals_share_a_key)
{
	struct ac *a = ac_new(), *b = ac_new();
	char lit[16];
	unsigned ids[20];
	size_t i, n, ends[20];

	cr_assert_eq(ac_scan_get(a), AC_SCAN_AUTO);
	for (i = 0; i < 16; i++) {
		snprintf(lit, sizeof lit, "abcdefgh%02zu", i);
		ac_add(a, lit, strlen(lit));
		ac_add(b, lit, strlen(lit));
	}
	ac_add(b, "abcdefgh16", 10);	/* 17 share "abcdefgh" */
	ac_build(a);
	ac_build(b);
	cr_assert_eq(ac_scan_get(a), AC_SCAN_HASH);
	cr_assert_eq(ac_scan_get(b), AC_SCAN_AUTOMATON);
	n = ac_find(b, "xabcdefgh16abcdefgh03", 21, ids, ends);
	cr_assert_eq(n, 2);
	cr_assert_eq(ids[0], 16);
	cr_assert_eq(ends[0], 11);
	cr_assert_eq(ids[1], 3);
	cr_assert_eq(ends[1], 21);
	n = ac_find(a, "xabcdefgh16abcdefgh03", 21, ids, ends);
	cr_assert_eq(n, 1);
	cr_assert_eq(ids[0], 3);
	ac_free(a);
	ac_free(b);
}

Test(ac, probing_near_the_end_of_the_text)
{
	struct ac *a = ac_new();
	const char *t = "xx\xe5\x8f\xb7" "abcdefghijklmnopqrstuvwxyz";
	unsigned ids[4];
	size_t n, ends[4], lasts[4];

	ac_scan_set(a, AC_SCAN_HASH);
	ac_add(a, "uvwxyz", 6);				/* 0 */
	ac_add(a, "jklmnopqrstuvwxyz", 17);		/* 1 */
	ac_add(a, "abcdefghijklmnopqrstuvwxyz", 26);	/* 2 */
	ac_add(a, "\xe5\x8f\xb7", 3);			/* 3 */
	ac_build(a);
	n = ac_find_last(a, t, strlen(t), ids, ends, lasts);
	cr_assert_eq(n, 4);
	cr_assert_eq(ids[0], 3);
	cr_assert_eq(ends[0], 5);
	cr_assert_eq(ids[1], 2);
	cr_assert_eq(ids[2], 1);
	cr_assert_eq(ids[3], 0);
	cr_assert_eq(ends[3], 31);
	cr_assert_eq(lasts[3], 31);
	/* cut short: the literals ending in 'z' no longer fit */
	n = ac_find(a, t, strlen(t) - 1, ids, ends);
	cr_assert_eq(n, 1);
	cr_assert_eq(ids[0], 3);
	n = ac_find(a, "\xe5\x8f\xb7\xe5\x8f\xb7", 6, ids, ends);
	cr_assert_eq(n, 1);
	cr_assert_eq(ac_find(a, NULL, 0, ids, ends), 0);
	ac_free(a);
}

Test(ac, scan_set_after_build_is_a_bug, .exit_code = 5)
{
	struct ac *a = ac_new();

	ac_add(a, "a", 1);
	ac_build(a);
	ac_scan_set(a, AC_SCAN_HASH);
}
