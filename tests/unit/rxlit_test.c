/* rxlit: the literals every match contains and the bytes after them,
 * by table and against PCRE2 on random subjects. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/buf.h"
#include "base/util.h"
#include "rx/rx.h"
#include "rx/rxlit.h"

/* Literal extraction, table-driven: "|" separates the runs. */
static const struct {
	const char *pat, *lits;
} lit_cases[] = {
	{ "道县.*濂溪路([1-9]|[1-4][0-9])号", "道县|濂溪路|号" },
	{ "濂溪路1[0-4][0-9]号", "濂溪路1|号" },
	{ "濂溪路", "濂溪路" },
	{ "abc?d", "ab|d" },
	{ "abc*d", "ab|d" },
	{ "abc+d", "abc|d" },
	{ "abc{0,2}d", "ab|d" },
	{ "abc{2}d", "abc|d" },
	{ "abc{1,}d", "abc|d" },
	{ "a??b", "b" },
	{ "a+?b", "a|b" },
	{ "号?楼", "楼" },
	{ "a{b", "a{b" },
	{ "a{b}", "a{b}" },
	{ "x\\.y\\-z", "x.y-z" },
	{ "\\d+号", "号" },
	{ "道县\\s*濂溪路", "道县|濂溪路" },
	{ "[号]楼", "楼" },
	{ "[]a]b", "b" },
	{ "[^]]c", "c" },
	{ "a[[:digit:]]b", "a|b" },
	{ "a[(]b", "a|b" },
	{ "(ab|cd)ef", "ef" },
	{ "(?:ab)?cd", "cd" },
	{ "(?<n>ab)cd", "cd" },
	{ "(a(b)c)d", "d" },
	{ "(?=道县)道县", "道县" },
	{ "^道县$", "道县" },
	{ "a.b", "a|b" },
	{ "", "" },
	{ "ab|cd", "" },
	{ "abc{,2}d", "" },
	{ "abc{ 2}d", "" },
	{ "\\Qa.b\\E", "" },
	{ "(?i)abc", "" },
	{ "(?#c)x", "" },
	{ "(*UTF)x", "" },
	{ "a\\x{41}b", "" },
	{ "ab\\1", "" },
	{ "a\\p{Han}b", "" },
	{ "a\\中", "" },
	{ "(?1)a", "" },
	{ "a)", "" },
	{ "(a", "" },
	{ "[a", "" },
	{ "*a", "" },
};

Test(rxlit, literals_table)
{
	struct buf out = BUF_INIT, got = BUF_INIT;
	size_t i, n, k;
	const char *p;

	for (i = 0; i < sizeof lit_cases / sizeof lit_cases[0]; i++) {
		buf_reset(&out);
		buf_adds(&out, "keep");
		out.len++;		/* existing contents stay */
		n = rxlit_literals(lit_cases[i].pat, &out);
		cr_assert_str_eq(out.p, "keep");
		buf_reset(&got);
		for (k = 0, p = out.p + 5; k < n; k++, p += strlen(p) + 1)
			buf_printf(&got, "%s%s", k ? "|" : "", p);
		cr_assert_eq(p, out.p + out.len, "%s", lit_cases[i].pat);
		cr_assert_str_eq(got.p, lit_cases[i].lits, "pattern '%s'",
				 lit_cases[i].pat);
	}
	buf_release(&out);
	buf_release(&got);
}


/* rxlit_extract(): the follow positions and the lead flag. */
Test(rxlit, extract_follow_and_lead)
{
	const char *pat = "道县.*濂溪路([1-9]|[1-4][0-9])号", *follow[4];
	struct buf out = BUF_INIT;
	int lead = -1;

	cr_assert_eq(rxlit_extract(pat, &out, follow, 4, &lead), 3);
	cr_assert_eq(lead, 1);
	cr_assert_eq(follow[0], strstr(pat, ".*"));
	cr_assert_eq(follow[1], strstr(pat, "(["));
	cr_assert_eq(follow[2], pat + strlen(pat));
	/* Fewer slots than runs: the rest are counted, not written. */
	buf_reset(&out);
	follow[1] = NULL;
	cr_assert_eq(rxlit_extract(pat, &out, follow, 1, NULL), 3);
	cr_assert_null(follow[1]);
	/* The first run not at the start; an optional last character: the
	 * follow is where that character is; a repeated one: unknown. */
	buf_reset(&out);
	cr_assert_eq(rxlit_extract("[a]bc?d", &out, follow, 4, &lead), 2);
	cr_assert_eq(lead, 0);
	cr_assert_str_eq(out.p, "b");
	cr_assert_str_eq(follow[0], "c?d");
	buf_reset(&out);
	cr_assert_eq(rxlit_extract("ab+c", &out, follow, 4, &lead), 2);
	cr_assert_null(follow[0]);
	cr_assert_eq(lead, 1);
	buf_reset(&out);
	cr_assert_eq(rxlit_extract("a|b", &out, follow, 4, &lead), 0);
	cr_assert_eq(lead, 0);
	buf_release(&out);
}

/* The byte sets as "d:bytes" for each position with fewer than 256. */
static void
follow_text(const char *rest, struct buf *b)
{
	uint64_t set[RXLIT_FOLLOW][4];
	size_t d, c, n;

	rxlit_follow(rest, set);
	buf_reset(b);
	for (d = 0; d < RXLIT_FOLLOW; d++) {
		for (c = 0, n = 0; c < 256; c++)
			n += set[d][c >> 6] >> (c & 63) & 1;
		if (n == 256)
			continue;
		buf_printf(b, "%s%zu:", b->len ? " " : "", d);
		for (c = 0; c < 256; c++)
			if (set[d][c >> 6] >> (c & 63) & 1)
				buf_printf(b, c >= 0x21 && c < 0x7f ? "%c" :
					   "<%02x>", (int)c);
	}
}

Test(rxlit, follow_table)
{
	static const struct {
		const char *rest, *sets;
	} cases[] = {
		{ "([1-9]|[1-4][0-9])号",
		  "0:123456789 1:0123456789<e5> 2:<8f><e5> 3:<8f><b7>" },
		{ "1[0-4]", "0:1 1:01234" },
		{ "\\d?x", "0:0123456789x" },
		{ "[ab]{2}", "0:ab" },		/* repeated: any after it */
		{ "(?:a|bc)d", "0:ab 1:cd" },
		{ "\\.y", "0:. 1:y" },
		{ "", "" },			/* the match may end */
		{ "a.b", "0:a" },
		{ "(?=1)1", "" },		/* lookaround: unknown */
		{ "[^0-9]x", "" },
		{ "a*", "" },
		{ "ab", "0:a 1:b" },
	};
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < JW_ARRAY_LEN(cases); i++) {
		follow_text(cases[i].rest, &b);
		cr_assert_str_eq(b.p, cases[i].sets, "'%s'", cases[i].rest);
	}
	follow_text(NULL, &b);
	cr_assert_str_eq(b.p, "");
	buf_release(&b);
}

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Whether some occurrence of lit in s[0..n) is followed as set allows. */
static int
followed_ok(const char *s, size_t n, const char *lit,
	    uint64_t set[RXLIT_FOLLOW][4])
{
	size_t len = strlen(lit), i, d, e;
	unsigned char c;

	for (i = 0; i + len <= n; i++) {
		if (memcmp(s + i, lit, len) != 0)
			continue;
		for (e = i + len, d = 0; d < RXLIT_FOLLOW && e + d < n; d++) {
			c = (unsigned char)s[e + d];
			if (!(set[d][c >> 6] >> (c & 63) & 1))
				break;
		}
		if (d == RXLIT_FOLLOW || e + d == n)
			return 1;
	}
	return 0;
}

/* What callers rely on, on random subjects: whenever PCRE2 finds a match,
 * every literal run occurs inside the match, the first one at its start
 * when it leads, and each run occurs followed by bytes its sets allow. */
Test(rxlit, agrees_with_pcre2)
{
	static const char *const pats[] = {
		"道县.*濂溪路([1-9]|[1-4][0-9])号", "路1[0-4][0-9]号", "路\\d{1,2}号",
		"路(1|2)?[0-9]号", "路[0-9]+号", "路(东|西)?[1-3]号?", "路(?:东|西)段",
		"路\\.1", "路a*b", "路(a|bc)d", "路[a-c]{2}", "路[^0-9]号", "路.号",
		"路\\s?1", "(路|东门)2号", "路(?=1)1", "路1{0}2", "路[12][34]?5",
		"路\\b2", "^路", "路$", "路(a(b|c))?d", "东?1号", "a??b1", "号?楼",
		"1.*路1(2|3)?", "路{0}1号", "路[1-3](号|栋)", "x\\-y?", "a{b}1",
	};
	static const char *const pieces[] = {
		"道县", "濂溪路", "东门", "路", "溪", "1", "2", "3", "4", "5", "0",
		"号", "东", "西", "段", "a", "b", "c", "d", ".", " ", "楼", "栋",
		"x", "-", "y", "{b}", "\n"
	};
	struct buf lits = BUF_INIT, subj = BUF_INIT;
	uint64_t set[RXLIT_FOLLOW][4];
	const char *follow[16], *l;
	uint32_t seed = 11;
	size_t i, k, r, nl, so, eo, checked = 0;
	struct rx *rx;
	char *err;
	int lead;

	for (i = 0; i < JW_ARRAY_LEN(pats); i++) {
		rx = rx_compile(pats[i], 0, &err);
		cr_assert_not_null(rx, "%s", pats[i]);
		buf_reset(&lits);
		nl = rxlit_extract(pats[i], &lits, follow, 16, &lead);
		for (r = 0; r < 10000; r++) {
			buf_reset(&subj);
			for (k = rnd(&seed) % 9; k > 0; k--)
				buf_adds(&subj, pieces[rnd(&seed) %
						       JW_ARRAY_LEN(pieces)]);
			if (rx_match(rx, subj.p, subj.len, &so, &eo) != 1)
				continue;
			checked++;
			for (k = 0, l = lits.p; k < nl; k++, l += strlen(l) + 1) {
				cr_assert(memmem(subj.p + so, eo - so, l,
						 strlen(l)) != NULL,
					  "'%s' matches '%s' without '%s'",
					  pats[i], subj.p, l);
				if (k == 0 && lead)
					cr_assert(strncmp(subj.p + so, l,
							  strlen(l)) == 0,
						  "'%s' on '%s': not led by "
						  "'%s'", pats[i], subj.p, l);
				rxlit_follow(follow[k], set);
				cr_assert(followed_ok(subj.p, subj.len, l, set),
					  "'%s' on '%s': '%s' not followed "
					  "as its sets say", pats[i], subj.p,
					  l);
			}
		}
		rx_free(rx);
	}
	cr_assert_gt(checked, 3000, "%zu matches", checked);
	buf_release(&lits);
	buf_release(&subj);
}
