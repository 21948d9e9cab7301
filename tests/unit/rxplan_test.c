/* rxplan: which patterns get a plan, and plans against PCRE2 on random
 * subjects (the same match, the same span). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/buf.h"
#include "base/util.h"
#include "rx/rx.h"
#include "rx/rxplan.h"

Test(rxplan, split_finds_l0)
{
	struct buf l0 = BUF_INIT;
	const char *p;

	p = "道县.*濂溪路(1|2)号";
	cr_assert_eq(rxplan_split(p, &l0), p + strlen("道县.*"));
	cr_assert_str_eq(l0.p, "道县");
	p = "a\\.b.*c";
	cr_assert_eq(rxplan_split(p, &l0), p + 6);
	cr_assert_str_eq(l0.p, "a.b");
	/* Not "L0.*": the whole pattern is REST. */
	static const char *const whole[] = {
		"濂溪路1号", ".*a", "ab?.*c", "ab.*?c", "ab.*+c", "a[b].*c",
		"a(b).*c", "ab.c", "a{2}.*c"
	};
	size_t i;

	for (i = 0; i < JW_ARRAY_LEN(whole); i++) {
		cr_assert_eq(rxplan_split(whole[i], &l0), whole[i], "%s",
			     whole[i]);
		cr_assert_eq(l0.len, 0, "%s", whole[i]);
	}
	buf_release(&l0);
}

Test(rxplan, which_patterns_get_a_plan)
{
	static const char *const yes[] = {
		"濂溪路", "路(1|12)", "路[12]{1,3}?", "路(?:1|2){2}号?", "路\\.?1",
		"路{0}1号", "a(b(c|d)?|e)f", "路[a\\d]{0,2}号", "x\\-y"
	};
	static const char *const no[] = {
		"^路", "路$", "路.号", "路a*", "路a+", "路[^a]", "路(?=1)1",
		"路\\b1", "路[a-z]{9}", "路a{2,}", "路(a|b)++", "路a?+", "a|路",
		"路\\p{Han}", "路\\1", "(a|b)路", "[ab]x", "路[中]",
		"路(1|2|3|4|5|6|7|8|9){3}"	/* 729 paths */
	};
	struct rxplan_set *ps = rxplan_set_new();
	struct rxplan pl;
	size_t i;

	for (i = 0; i < JW_ARRAY_LEN(yes); i++)
		cr_assert_eq(rxplan_build(ps, yes[i], &pl), 1, "%s", yes[i]);
	for (i = 0; i < JW_ARRAY_LEN(no); i++)
		cr_assert_eq(rxplan_build(ps, no[i], &pl), 0, "%s", no[i]);
	cr_assert_eq(rxplan_build(ps, "路(1|12)", &pl), 1);
	cr_assert_eq(pl.llen, strlen("路1"));
	cr_assert_eq(memcmp(rxplan_l(ps, &pl), "路1", pl.llen), 0);
	cr_assert_eq(pl.npaths, 2);
	cr_assert_eq(pl.lit0, RXPLAN_NONE);
	cr_assert_eq(pl.lit1, RXPLAN_NONE);
	rxplan_set_free(ps);
	rxplan_set_free(NULL);
}

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* seen[id] for literal lit in s[0..n): 0 when it does not occur. */
static int
find(const char *s, size_t n, const char *lit, size_t len,
     struct rxplan_seen *seen)
{
	size_t i;
	int found = 0;

	for (i = 0; i + len <= n; i++)
		if (memcmp(s + i, lit, len) == 0) {
			if (!found)
				seen->end = i + len;
			seen->last = i + len;
			found = 1;
		}
	seen->len = (uint32_t)len;
	return found;
}

struct tplan {
	struct rx *rx;
	struct rxplan pl;
	struct buf l0, lit1;
};

/* Every shape with each road, planned into one set and packed; then on
 * random subjects each plan must say what PCRE2 says: no match when its
 * literals are missing (they are required), else the same span. */
Test(rxplan, agrees_with_pcre2)
{
	static const char *const shapes[] = {
		"道县.*%s(1|12)", "道县.*%s(12|1)", "道县.*%s1?2?", "道县.*%s1??2",
		"道县.*%s[12]{1,3}", "道县.*%s[12]{1,3}?", "道县.*%s(?:1|2){2}号?",
		"%s(1(2|3)?|23)", "道县.*道县%s", "%s.*%s1", "%s\\.?1",
		"道.*%s(1|2)?", "%s{0}1号", "道县.*%s(1|2{1,2})号", "%s[1-3](号|栋)",
		"道县.*%s(号)?(栋)?", "1.*%s1(2|3)?", "%s([1-9]|[1-4][0-9])号",
		"%s[a\\d]{0,2}号", "%s(东|西)?[1-3]号?"
	};
	static const char *const roads[] = { "溪路", "路", "道县", "1" };
	static const char *const pieces[] = {
		"道县", "溪路", "路", "道", "县", "1", "2", "3", "4", "号", "栋",
		".", "x", "a", "东", "西", "9"
	};
	struct tplan tp[JW_ARRAY_LEN(shapes) * 4];
	struct rxplan *pls[JW_ARRAY_LEN(shapes) * 4];
	struct rxplan_set *ps = rxplan_set_new();
	struct rxplan_code pc;
	struct rxplan_seen seen[2];
	struct buf pat = BUF_INIT, subj = BUF_INIT;
	const char *rest, *l;
	size_t i, j, k, n = 0, so, eo, pso, peo, runs = 0, matches = 0;
	uint32_t seed = 3;
	char *err;
	int r, have;

	for (i = 0; i < JW_ARRAY_LEN(shapes); i++) {
		for (j = 0; j < 4; j++) {
			struct tplan *t = &tp[n];

			buf_reset(&pat);
			buf_printf(&pat, shapes[i], roads[j], roads[j]);
			buf_init(&t->l0);
			buf_init(&t->lit1);
			rest = rxplan_split(pat.p, &t->l0);
			cr_assert_not_null(rest);
			if (!rxplan_build(ps, rest, &t->pl)) {
				buf_release(&t->l0);
				buf_release(&t->lit1);
				continue;
			}
			t->rx = rx_compile(pat.p, 0, &err);
			cr_assert_not_null(t->rx, "%s", pat.p);
			/* lit0: id 0; lit1: id 1, none, all of L, or its
			 * first character, in turn. */
			if (t->l0.len)
				t->pl.lit0 = 0;
			l = rxplan_l(ps, &t->pl);
			k = n % 3 == 1 ? t->pl.llen : n % 3 == 2 ?
			    (((unsigned char)*l < 0x80) ? 1 : 3) : 0;
			if (k) {
				buf_add(&t->lit1, l, k);
				t->pl.lit1 = 1;
			}
			pls[n] = &t->pl;
			n++;
		}
	}
	cr_assert_gt(n, 60, "%zu plans", n);
	rxplan_pack(ps, pls, n);
	rxplan_code(ps, &pc);
	for (k = 0; k < 20000; k++) {
		buf_reset(&subj);
		for (i = rnd(&seed) % 12; i > 0; i--)
			buf_adds(&subj, pieces[rnd(&seed) % JW_ARRAY_LEN(pieces)]);
		for (i = 0; i < n; i++) {
			struct tplan *t = &tp[i];

			r = rx_match(t->rx, subj.p, subj.len, &pso, &peo);
			cr_assert_geq(r, 0);
			have = (t->pl.lit0 == RXPLAN_NONE ||
				find(subj.p, subj.len, t->l0.p, t->l0.len,
				     &seen[0])) &&
			    (t->pl.lit1 == RXPLAN_NONE ||
			     find(subj.p, subj.len, t->lit1.p, t->lit1.len,
				  &seen[1]));
			if (!have) {
				cr_assert_eq(r, 0, "'%s' matches '%s' without "
					     "its literals",
					     rx_pattern(t->rx), subj.p);
				continue;
			}
			runs++;
			cr_assert_eq(rxplan_run(&pc, &t->pl, seen, subj.p,
						subj.len, &so, &eo), r,
				     "'%s' on '%s': PCRE2 says %d",
				     rx_pattern(t->rx), subj.p, r);
			if (r == 0)
				continue;
			matches++;
			cr_assert(so == pso && eo == peo, "'%s' on '%s': "
				  "%zu-%zu, PCRE2 %zu-%zu", rx_pattern(t->rx),
				  subj.p, so, eo, pso, peo);
		}
	}
	cr_assert_gt(matches, 10000, "%zu matches of %zu runs", matches, runs);
	for (i = 0; i < n; i++) {
		rx_free(tp[i].rx);
		buf_release(&tp[i].l0);
		buf_release(&tp[i].lit1);
	}
	rxplan_set_free(ps);
	buf_release(&pat);
	buf_release(&subj);
}
