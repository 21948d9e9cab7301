/*
 * fuzz_poll: libFuzzer harness for the poll definition loader
 * (lib/domain/poll.c, poll_load_mem()) and what runs on a loaded one.
 *
 * A refused definition must have counted at least one error.  A loaded
 * one must hold only what the schema allows: every unit found under its
 * name, six-digit codes, each level one below its parent's, an overall
 * item with a scale, every answer found in its scale, tiers of at least
 * one place.  Then the statistics of a few counts drawn from the input,
 * the ranking of them by each tie method, and a published-table check are
 * run and their results checked (ranks within 1..ranked, in order).
 * Never exits, keeps no state between runs.  sh tests/fuzz/run poll builds
 * and runs it; its seeds are in tests/fuzz/corpus/poll/ and testdata/poll/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/poll.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void
check_def(const struct poll *p)
{
	size_t i, k;

	if (p->overall == NULL || p->overall->scale == NULL || p->nunits == 0)
		abort();
	for (i = 0; i < p->nunits; i++) {
		const struct poll_unit *u = &p->units[i];

		if (poll_unit(p, u->name, u->len) != u || strlen(u->code) != 6)
			abort();
		if (u->parent != NULL && u->level != u->parent->level + 1)
			abort();
		if (poll_unit_at(u, u->level) != u || poll_unit_at(u, 1) == NULL)
			abort();
	}
	for (i = 0; i < p->nitems; i++) {
		const struct poll_scale *sc = p->items[i].scale;

		if (sc == NULL || poll_item(p, p->items[i].id,
					    p->items[i].len) != &p->items[i])
			abort();
		for (k = 0; k < sc->n; k++)
			if (poll_answer(sc, sc->a[k].text, sc->a[k].len) != (int)k)
				abort();
	}
	for (i = 0; i < p->ntiers; i++)
		if (p->tiers[i].n < 1)
			abort();
}

static void
check_ranks(const struct poll *p, const uint8_t *d, size_t n)
{
	struct poll_ranked r[16];
	struct poll_stats st;
	unsigned long long cnt[POLL_MAX_ANSWERS];
	const struct poll_scale *sc = p->overall->scale;
	size_t i, k, m = n < 16 ? n : 16, ranked;
	long rank[16];
	int has[16], bad[16];
	long long score[16];
	unsigned long long line[16];
	char *why[16];
	enum poll_ties t;

	for (t = POLL_TIES_1224; t <= POLL_TIES_1334; t++) {
		memset(r, 0, sizeof r);
		for (i = 0; i < m; i++) {
			for (k = 0; k < sc->n; k++)
				cnt[k] = d[(i + k) % n] % 7;
			poll_stats(p, sc, cnt, &st);
			if (st.has_rate && (st.rate < 0 || st.rate > 10000 ||
					    st.rate_low > st.rate_high))
				abort();
			if (st.has_score_ci && st.score_low > st.score_high)
				abort();
			r[i].value = st.score;
			r[i].low = st.score_low;
			r[i].high = st.score_high;
			r[i].has_ci = st.has_score_ci;
			r[i].small = st.small;
			r[i].tag = i;
		}
		ranked = poll_rank(r, m, POLL_SCORE_DEC, p->prec_score, t);
		for (i = 0; i < m; i++) {
			if (i < ranked && (r[i].rank < 1 ||
					   r[i].rank > (long)ranked ||
					   r[i].best > r[i].worst ||
					   (i > 0 && r[i].rank < r[i - 1].rank)))
				abort();
			if (i >= ranked && r[i].rank != 0)
				abort();
			if (i < ranked)
				(void)poll_tier_of(p, r[i].best, r[i].worst,
						   ranked);
		}
	}
	for (i = 0; i < m; i++) {
		rank[i] = (long)(d[i] % 20) - 2;
		has[i] = d[i] & 1;
		score[i] = d[(i + 1) % n] * 37;
		line[i] = i + 2;
		bad[i] = (d[i] & 0x80) != 0;
	}
	poll_check_year(p, rank, has, score, POLL_SCORE_DEC, line, m, 14, bad,
			why);
	for (i = 0; i < m; i++) {
		if (bad[i] && why[i] != NULL)
			abort();
		free(why[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct poll *p;
	size_t nerr = 0;

	p = poll_load_mem("fuzz.yaml", (const char *)d, n, &nerr);
	if (p == NULL) {
		if (nerr == 0)
			abort();
		return 0;
	}
	if (nerr != 0)
		abort();
	check_def(p);
	if (n > 0)
		check_ranks(p, d, n);
	poll_free(p);
	return 0;
}
