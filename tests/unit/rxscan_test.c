/* rxscan: the pieces of pattern syntax, each with what it refuses. */
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rx/rxscan.h"

Test(rxscan, brace_and_quant)
{
	size_t len;
	long min;

	cr_assert_eq(rxscan_brace("{3}x", &len, &min), 1);
	cr_assert_eq(len, 3);
	cr_assert_eq(min, 3);
	cr_assert_eq(rxscan_brace("{2,}", &len, &min), 1);
	cr_assert_eq(len, 4);
	cr_assert_eq(rxscan_brace("{0,12}", &len, &min), 1);
	cr_assert_eq(min, 0);
	cr_assert_eq(len, 6);
	cr_assert_eq(rxscan_brace("{b}", &len, &min), 0);	/* literal */
	cr_assert_eq(rxscan_brace("{3", &len, &min), 0);
	cr_assert_eq(rxscan_brace("{,2}", &len, &min), -1);	/* unsure */
	cr_assert_eq(rxscan_brace("{ 2}", &len, &min), -1);
	cr_assert_eq(rxscan_quant("?x", &len, &min), 0);
	cr_assert(len == 1 && min == 0);
	cr_assert_eq(rxscan_quant("+?", &len, &min), 0);
	cr_assert(len == 2 && min == 1);
	cr_assert_eq(rxscan_quant("{2,3}+", &len, &min), 0);
	cr_assert(len == 6 && min == 2);
	cr_assert_eq(rxscan_quant("x", &len, &min), 0);
	cr_assert(len == 0 && min == 1);
	cr_assert_eq(rxscan_quant("{,1}", &len, &min), -1);
}

Test(rxscan, skip_escape_class_group)
{
	const char *p;

	p = "\\dx";
	cr_assert_eq(rxscan_skip_escape(p), p + 2);
	cr_assert_null(rxscan_skip_escape("\\Qa\\E"));
	cr_assert_null(rxscan_skip_escape("\\"));
	p = "[]a]b";
	cr_assert_eq(rxscan_skip_class(p), p + 4);
	p = "[^]]c";
	cr_assert_eq(rxscan_skip_class(p), p + 4);
	p = "[[:digit:]x]y";
	cr_assert_eq(rxscan_skip_class(p), p + 12);
	p = "[\\]]z";
	cr_assert_eq(rxscan_skip_class(p), p + 4);
	cr_assert_null(rxscan_skip_class("[ab"));
	cr_assert_null(rxscan_skip_class("[[:digit:"));
	p = "(a(b)[)]c)d";
	cr_assert_eq(rxscan_skip_group(p), p + 10);
	cr_assert_null(rxscan_skip_group("(a"));
	cr_assert_null(rxscan_skip_group("(a(?i)b)"));
	cr_assert(rxscan_group_ok("(a)"));
	cr_assert(rxscan_group_ok("(?:a)"));
	cr_assert(rxscan_group_ok("(?<n>a)"));
	cr_assert(rxscan_group_ok("(?<=a)"));
	cr_assert(rxscan_group_ok("(?P<n>a)"));
	cr_assert_not(rxscan_group_ok("(?i)"));
	cr_assert_not(rxscan_group_ok("(*UTF)"));
	cr_assert_not(rxscan_group_ok("(?1)"));
	cr_assert_not(rxscan_group_ok("(?#c)"));
}

Test(rxscan, class_into_set)
{
	uint64_t set[4];
	const char *p;
	unsigned c, n;

	memset(set, 0, sizeof set);
	p = "[a-c\\d\\-]x";
	cr_assert_eq(rxscan_class(p, set), p + 9);
	for (c = 0, n = 0; c < 256; c++)
		n += set[c >> 6] >> (c & 63) & 1;
	cr_assert_eq(n, 14);
	cr_assert(set['-' >> 6] >> ('-' & 63) & 1);
	cr_assert(set['b' >> 6] >> ('b' & 63) & 1);
	cr_assert_null(rxscan_class("[^a]", set));
	cr_assert_null(rxscan_class("[]a]", set));
	cr_assert_null(rxscan_class("[中]", set));
	cr_assert_null(rxscan_class("[\\w]", set));
	cr_assert_null(rxscan_class("[[:alpha:]]", set));
	cr_assert_null(rxscan_class("[a-\\d]", set));
	cr_assert(rxscan_is_punct('.'));
	cr_assert_not(rxscan_is_punct('d'));
	cr_assert_not(rxscan_is_punct('1'));
	cr_assert_not(rxscan_is_punct(' '));
	cr_assert_not(rxscan_is_punct(0x80));
	cr_assert_eq(rxscan_utf8_len('a'), 1);
	cr_assert_eq(rxscan_utf8_len(0xE4), 3);
	cr_assert_eq(rxscan_utf8_len(0xF0), 4);
	cr_assert_eq(rxscan_utf8_len(0xC2), 2);
}
