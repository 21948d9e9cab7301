/* Unit tests for lib/domain/phone.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/phone.h"

static void
check_ok(const char *in, const char *want)
{
	char out[12];
	char e[15];

	cr_assert_eq(phone_norm(in, strlen(in), out), 0, "'%s'", in);
	cr_assert_str_eq(out, want, "'%s'", in);
	cr_assert_eq(phone_e164(in, strlen(in), e), 0, "'%s'", in);
	cr_assert_eq(strlen(e), 14);
	cr_assert_eq(memcmp(e, "+86", 3), 0);
	cr_assert_str_eq(e + 3, want, "'%s'", in);
}

static void
check_bad(const char *in)
{
	char out[12] = "untouched!";
	char e[15] = "untouched!";

	cr_assert_eq(phone_norm(in, strlen(in), out), -1, "'%s'", in);
	cr_assert_str_eq(out, "untouched!");
	cr_assert_eq(phone_e164(in, strlen(in), e), -1, "'%s'", in);
	cr_assert_str_eq(e, "untouched!");
}

Test(phone, plain_eleven_digits)
{
	check_ok("13800138000", "13800138000");
	check_ok("19912345678", "19912345678");
	check_ok("14512345678", "14512345678");
	check_ok("15012345678", "15012345678");
	check_ok("16612345678", "16612345678");
	check_ok("17012345678", "17012345678");
	check_ok("18812345678", "18812345678");
}

Test(phone, e164_text)
{
	char e[15];

	cr_assert_eq(phone_e164("138 0013 8000", 13, e), 0);
	cr_assert_str_eq(e, "+8613800138000");
}

Test(phone, country_prefixes)
{
	check_ok("+8613800138000", "13800138000");
	check_ok("008613800138000", "13800138000");
	check_ok("8613800138000", "13800138000");
	check_ok("+86 138 0013 8000", "13800138000");
	check_ok("+86-138-0013-8000", "13800138000");
	check_ok("0086 138 0013 8000", "13800138000");
	check_ok("86 13800138000", "13800138000");
	check_ok("+ 86 13800138000", "13800138000");
}

Test(phone, spaces_and_dashes)
{
	check_ok("138 0013 8000", "13800138000");
	check_ok("138-0013-8000", "13800138000");
	check_ok(" 138--0013  8000 ", "13800138000");
	check_ok("-13800138000-", "13800138000");
}

Test(phone, only_n_bytes_read)
{
	char out[12];

	cr_assert_eq(phone_norm("13800138000999", 11, out), 0);
	cr_assert_str_eq(out, "13800138000");
}

Test(phone, second_digit_must_be_3_to_9)
{
	check_bad("12012345678");
	check_bad("12812345678");
	check_bad("11012345678");
	check_bad("10012345678");
	check_bad("+8612012345678");
	check_bad("23800138000");
	check_bad("03800138000");
}

Test(phone, wrong_length)
{
	check_bad("1380013800");	/* 10 digits */
	check_bad("138001380001");	/* 12 digits */
	check_bad("1440123456789");	/* 13-digit 14x IoT number */
	check_bad("1410123456789");
	check_bad("+861380013800");	/* 10 after +86 */
	check_bad("+86138001380001");
	check_bad("86138001380");	/* 86 + 9 */
	check_bad("0086138001380");
	check_bad("00861380013800");	/* 0086 + 10 */
	check_bad("0013800138000");
	check_bad("1380013800012345678");
	check_bad("");
	check_bad("   ");
	check_bad("+");
}

Test(phone, wrong_prefix_or_bytes)
{
	check_bad("+113800138000");	/* another country */
	check_bad("+0086 13800138000");
	check_bad("138+00138000");
	check_bad("++8613800138000");
	check_bad("138.0013.8000");
	check_bad("(138)00138000");
	check_bad("138\t0013\t8000");
	check_bad("13800138000x");
	check_bad("１３８００１３８０００");	/* full-width digits */
	cr_assert_eq(phone_norm("138001\00038000", 12, (char[12]){ 0 }), -1);
}
