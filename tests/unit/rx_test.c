/* rx: compile errors, UTF patterns, limits and byte spans. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "rx/rx.h"

/* Compile or fail the test with PCRE2's message. */
static struct rx *
must(const char *pat, int caseless)
{
	char *err = NULL;
	struct rx *r = rx_compile(pat, caseless, &err);

	cr_assert_not_null(r, "'%s': %s", pat, err ? err : "?");
	cr_assert_null(err);
	return r;
}

/* rx_match on a C string. */
static int
m(struct rx *r, const char *s)
{
	return rx_match(r, s, strlen(s), NULL, NULL);
}

static const char plate_re[] =
	"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
	"[A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{5}|[A-HJ-NP-Z0-9]{4}[挂学警港澳领]|"
	"[DABCEFGHJK][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DABCEFGHJK])$";

Test(rx, plate_pattern_accepts_the_formats)
{
	struct rx *r = must(plate_re, 0);

	cr_assert_str_eq(rx_pattern(r), plate_re);
	cr_assert_eq(m(r, "湘M12345"), 1);	/* ordinary */
	cr_assert_eq(m(r, "湘MA8B2C"), 1);
	cr_assert_eq(m(r, "湘M1234学"), 1);	/* coach */
	cr_assert_eq(m(r, "湘M1234警"), 1);	/* police */
	cr_assert_eq(m(r, "粤Z1234港"), 1);
	cr_assert_eq(m(r, "湘MD12345"), 1);	/* small new energy */
	cr_assert_eq(m(r, "湘MF1A234"), 0);	/* letter then digits only */
	cr_assert_eq(m(r, "湘MFA1234"), 1);
	cr_assert_eq(m(r, "湘M12345D"), 1);	/* large new energy */
	cr_assert_eq(m(r, "京A00001"), 1);
	rx_free(r);
}

Test(rx, plate_pattern_rejects_bad_plates)
{
	struct rx *r = must(plate_re, 0);

	cr_assert_eq(m(r, "湘MI2345"), 0);	/* no I */
	cr_assert_eq(m(r, "湘MO2345"), 0);	/* no O */
	cr_assert_eq(m(r, "湘I12345"), 0);	/* authority letter I */
	cr_assert_eq(m(r, "港M12345"), 0);	/* not a province */
	cr_assert_eq(m(r, "湘M1234"), 0);	/* short */
	cr_assert_eq(m(r, "湘M123456"), 0);	/* long */
	cr_assert_eq(m(r, "湘m12345"), 0);	/* lowercase: not caseless */
	cr_assert_eq(m(r, "湘M12345X"), 0);
	cr_assert_eq(m(r, " 湘M12345"), 0);
	cr_assert_eq(m(r, ""), 0);
	rx_free(r);
}

Test(rx, caseless_folds_ascii_letters)
{
	struct rx *r = must(plate_re, 1);

	cr_assert_eq(m(r, "湘m12345"), 1);
	cr_assert_eq(m(r, "湘md12345"), 1);
	rx_free(r);
}

Test(rx, utf_mode_makes_a_class_of_characters)
{
	/* Without PCRE2_UTF "[湘粤]" would be a class of six bytes and match
	 * one byte of a character. */
	struct rx *r = must("^[湘粤].$", 0);
	size_t so = 99, eo = 99;

	cr_assert_eq(rx_match(r, "湘M", strlen("湘M"), &so, &eo), 1);
	cr_assert_eq(so, 0);
	cr_assert_eq(eo, 4);
	cr_assert_eq(m(r, "粤永"), 1);	/* . is one character, 3 bytes */
	cr_assert_eq(m(r, "湘MM"), 0);
	rx_free(r);
}

Test(rx, chinese_address_patterns)
{
	struct rx *r = must("^(?:湖南省?)?永州市?(冷水滩|零陵)区.*?([0-9]+)号", 0);
	struct rx *road = must("(?:路|街|巷)([0-9]+)号", 0);
	const char *a = "湖南省永州市冷水滩区梅湾路12号3栋";
	size_t so, eo;

	cr_assert_eq(rx_match(r, a, strlen(a), &so, &eo), 1);
	cr_assert_eq(so, 0);
	/* "湖南省永州市冷水滩区梅湾路" is 13 characters, 39 bytes, then
	 * "12号" is 2 + 3 bytes. */
	cr_assert_eq(eo, 44);
	cr_assert_eq(m(r, "永州零陵区南津路8号"), 1);
	cr_assert_eq(m(r, "湖南省长沙市岳麓区麓山路8号"), 0);
	cr_assert_eq(rx_match(road, a, strlen(a), &so, &eo), 1);
	cr_assert_eq(so, 36);	/* at "路" */
	cr_assert_eq(eo, 44);
	rx_free(r);
	rx_free(road);
}

Test(rx, spans_are_bytes_and_respect_n)
{
	struct rx *r = must("冷水滩", 0);
	const char *s = "永州冷水滩区";
	size_t so = 0, eo = 0;

	cr_assert_eq(rx_match(r, s, strlen(s), &so, &eo), 1);
	cr_assert_eq(so, 6);
	cr_assert_eq(eo, 15);
	/* Only the first n bytes are the subject. */
	cr_assert_eq(rx_match(r, s, 12, &so, &eo), 0);
	cr_assert_eq(rx_match(r, s, 15, NULL, &eo), 1);
	cr_assert_eq(eo, 15);
	rx_free(r);
}

Test(rx, empty_subject)
{
	struct rx *r = must("^$", 0);
	struct rx *x = must("x", 0);
	size_t so = 9, eo = 9;

	cr_assert_eq(rx_match(r, NULL, 0, &so, &eo), 1);
	cr_assert_eq(so, 0);
	cr_assert_eq(eo, 0);
	cr_assert_eq(rx_match(x, NULL, 0, NULL, NULL), 0);
	cr_assert_eq(rx_match(x, "", 0, NULL, NULL), 0);
	rx_free(r);
	rx_free(x);
}

Test(rx, subject_may_hold_nul)
{
	struct rx *r = must("b$", 0);

	cr_assert_eq(rx_match(r, "a\0b", 3, NULL, NULL), 1);
	cr_assert_eq(rx_match(r, "a\0b", 2, NULL, NULL), 0);
	rx_free(r);
}

Test(rx, missing_parenthesis_reports_offset_and_message)
{
	char *err = NULL;

	cr_assert_null(rx_compile("(abc", 0, &err));
	cr_assert_str_eq(err, "at offset 4: missing closing parenthesis");
	free(err);
}

Test(rx, other_bad_patterns)
{
	static const struct {
		const char *pat, *err;
	} t[] = {
		{ "[0-9", "at offset 4: missing terminating ] for "
			  "character class" },
		{ "abc)", "at offset 3: unmatched closing parenthesis" },
		{ "*a", "at offset 0: quantifier does not follow a "
			"repeatable item" },
		{ "a{3,2}", "at offset 5: numbers out of order in {} "
			    "quantifier" },
		{ "湘(?<n", "at offset 7: syntax error in subpattern name "
			   "(missing terminator?)" },
		{ "\\", "at offset 1: \\ at end of pattern" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *err = NULL;

		cr_assert_null(rx_compile(t[i].pat, 0, &err), "%s", t[i].pat);
		cr_assert_str_eq(err, t[i].err);
		free(err);
	}
}

Test(rx, bad_pattern_with_null_err)
{
	cr_assert_null(rx_compile("(", 0, NULL));
}

Test(rx, invalid_utf8_pattern_is_an_error)
{
	char *err = NULL;

	cr_assert_null(rx_compile("ab\xff", 0, &err));
	cr_assert_str_eq(err, "at offset 2: UTF-8 error: illegal byte (0xfe or "
			 "0xff)");
	free(err);
}

Test(rx, unclosed_brace_is_a_literal)
{
	/* A config pattern meant as nine digits: PCRE2 takes "{9" as text. */
	struct rx *r = must("^[0-9]{9", 0);
	size_t so, eo;

	cr_assert_eq(m(r, "123456789"), 0);
	cr_assert_eq(rx_match(r, "7{9}", 4, &so, &eo), 1);
	cr_assert_eq(so, 0);
	cr_assert_eq(eo, 3);
	rx_free(r);
}

Test(rx, catastrophic_backtracking_returns_error)
{
	struct rx *r = must("^(a+)+$", 0);
	char s[64];
	clock_t t0;
	double secs;

	memset(s, 'a', sizeof s - 2);
	s[sizeof s - 2] = 'b';
	s[sizeof s - 1] = '\0';
	t0 = clock();
	cr_assert_eq(m(r, s), -1);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	cr_assert_lt(secs, 2.0, "took %.2f s", secs);
	/* The same rx still answers normal questions afterwards. */
	cr_assert_eq(m(r, "aaaa"), 1);
	cr_assert_eq(m(r, "aaab"), 0);
	rx_free(r);
}

Test(rx, deep_recursion_hits_a_limit)
{
	/* Balanced parentheses by recursion: 100000 levels pass the depth
	 * limit (interpreter) or the JIT stack. */
	struct rx *rec = must("^(\\((?1)*\\))$", 0);
	char *s = malloc(200000);

	memset(s, '(', 100000);
	memset(s + 100000, ')', 100000);
	cr_assert_eq(m(rec, "(()())"), 1);
	cr_assert_eq(m(rec, "(()"), 0);
	cr_assert_eq(rx_match(rec, s, 200000, NULL, NULL), -1);
	free(s);
	rx_free(rec);
}

Test(rx, shared_match_state_outlives_freed_patterns)
{
	struct rx *a = must("濂溪路([0-9]+)号", 0), *b = must("人民路", 0);
	size_t so, eo;

	/* Freeing one pattern must leave the shared state to the others. */
	rx_free(a);
	cr_assert_eq(rx_match(b, "道县人民路3号", strlen("道县人民路3号"),
			      &so, &eo), 1);
	cr_assert_eq(so, 6);
	cr_assert_eq(eo, 15);
	rx_free(b);
	a = must("x", 0);
	cr_assert_eq(rx_match(a, "yxy", 3, &so, &eo), 1);
	cr_assert_eq(so, 1);
	rx_free(a);
}

Test(rx, free_null)
{
	rx_free(NULL);
}
