/* Unit tests for lib/rec/mask.c. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "rec/mask.h"

/* mask_value() of p[0..n) as a string; the result lives in *b. */
static const char *
masked(struct buf *b, const char *p, size_t n)
{
	buf_reset(b);
	mask_value(b, p, n);
	cr_assert_eq(strlen(b->p), b->len, "masked output holds a NUL");
	return b->p;
}

#define MASK(b, s) masked((b), (s), strlen(s))

Test(mask, id_numbers_18)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(MASK(&b, "431102199003071235"), "4311**********1235");
	cr_assert_str_eq(MASK(&b, "43110219900307123X"), "4311**********123X");
	cr_assert_str_eq(MASK(&b, "43110219900307123x"), "4311**********123x");
	cr_assert_eq(b.len, 18);
	buf_release(&b);
}

Test(mask, id_numbers_15)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(MASK(&b, "431102900307123"), "4311*******7123");
	cr_assert_eq(b.len, 15);
	buf_release(&b);
}

/* Not 15/18 characters, or X not last: a name, by the rules. */
Test(mask, near_id_numbers_are_masked_as_names)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(MASK(&b, "43110219900307123"), "4****************");
	cr_assert_str_eq(MASK(&b, "4311021990030712355"),
	    "4******************");
	cr_assert_str_eq(MASK(&b, "4311021990030X1235"), "4*****************");
	cr_assert_str_eq(MASK(&b, "431102199003071235 "),
	    "4******************");
	buf_release(&b);
}

Test(mask, mobile_numbers)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(MASK(&b, "13812345678"), "138****5678");
	cr_assert_str_eq(MASK(&b, "+8613812345678"), "138****5678");
	cr_assert_str_eq(MASK(&b, "+86 138 1234 5678"), "138****5678");
	cr_assert_str_eq(MASK(&b, "+86-138-1234-5678"), "138****5678");
	cr_assert_str_eq(MASK(&b, "8613812345678"), "138****5678");
	cr_assert_str_eq(MASK(&b, "86 13812345678"), "138****5678");
	cr_assert_str_eq(MASK(&b, "008613812345678"), "138****5678");
	cr_assert_str_eq(MASK(&b, "0086 138 1234 5678"), "138****5678");
	cr_assert_str_eq(MASK(&b, "138 1234 5678"), "138****5678");
	cr_assert_str_eq(MASK(&b, "199-0000-1111"), "199****1111");
	buf_release(&b);
}

/* Digit strings that are not mobile numbers fall back to the name rule. */
Test(mask, non_mobile_digits_are_masked_as_names)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(MASK(&b, "23812345678"), "2**********");
	cr_assert_str_eq(MASK(&b, "1381234567"), "1*********");
	cr_assert_str_eq(MASK(&b, "+13812345678"), "+***********");
	cr_assert_str_eq(MASK(&b, "+0086 13812345678"), "+****************");
	cr_assert_str_eq(MASK(&b, "8623812345678"), "8************");
	cr_assert_str_eq(MASK(&b, "0731-8888888"), "0***********");
	cr_assert_str_eq(MASK(&b, "138.1234.5678"), "1************");
	cr_assert_str_eq(MASK(&b, "138123456789"), "1***********");
	buf_release(&b);
}

Test(mask, chinese_names)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(MASK(&b, "张三"), "张*");
	cr_assert_str_eq(MASK(&b, "欧阳明"), "欧**");
	cr_assert_str_eq(MASK(&b, "司马相如"), "司***");
	cr_assert_str_eq(MASK(&b, "😀x"), "😀*");
	buf_release(&b);
}

Test(mask, single_character_becomes_a_star)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(MASK(&b, "张"), "*");
	cr_assert_str_eq(MASK(&b, "A"), "*");
	cr_assert_str_eq(MASK(&b, "😀"), "*");
	buf_release(&b);
}

Test(mask, ascii_names)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(MASK(&b, "Smith"), "S****");
	cr_assert_str_eq(MASK(&b, "Li Na"), "L****");
	cr_assert_str_eq(MASK(&b, "ab"), "a*");
	buf_release(&b);
}

Test(mask, empty_value_stays_empty)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(masked(&b, "", 0), "");
	cr_assert_eq(b.len, 0);
	mask_value(&b, NULL, 0);
	cr_assert_eq(b.len, 0);
	buf_release(&b);
}

Test(mask, appends_to_existing_contents)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "name=");
	mask_value(&b, "张三", strlen("张三"));
	buf_adds(&b, " id=");
	mask_value(&b, "431102199003071235", 18);
	cr_assert_str_eq(b.p, "name=张* id=4311**********1235");
	buf_release(&b);
}

/* Each invalid byte counts as one character and is never copied out. */
Test(mask, invalid_utf8_is_masked_per_byte)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(masked(&b, "\xff\xfe", 2), "**");
	cr_assert_str_eq(masked(&b, "\xff", 1), "*");
	cr_assert_str_eq(masked(&b, "\xe5\xbc", 2), "**");	/* cut 张 */
	cr_assert_str_eq(masked(&b, "张\xff\xfe", 5), "张**");
	cr_assert_str_eq(masked(&b, "a\xed\xa0\x80", 4), "a***");
	cr_assert_str_eq(masked(&b, "\xc0\x80" "ab", 4), "****");
	buf_release(&b);
}

/* Embedded NULs do not stop the value. */
Test(mask, nul_bytes_count_as_characters)
{
	struct buf b = BUF_INIT;

	mask_value(&b, "a\0b", 3);
	cr_assert_eq(b.len, 3);
	cr_assert_eq(memcmp(b.p, "a**", 4), 0);
	buf_release(&b);
}

Test(mask, long_value_grows_the_buffer)
{
	struct buf b = BUF_INIT;
	char *s = malloc(1001);
	size_t i;

	cr_assert_not_null(s);
	memset(s, 'x', 1000);
	s[1000] = '\0';
	mask_value(&b, s, 1000);
	cr_assert_eq(b.len, 1000);
	cr_assert_eq(b.p[0], 'x');
	for (i = 1; i < 1000; i++)
		cr_assert_eq(b.p[i], '*');
	cr_assert_eq(b.p[1000], '\0');
	free(s);
	buf_release(&b);
}
