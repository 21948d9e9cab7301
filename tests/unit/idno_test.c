/* Unit tests for lib/domain/idno.c. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "base/date.h"
#include "domain/idno.h"

static int32_t
ymd(int y, int m, int d)
{
	int32_t day = DATE_NONE;

	cr_assert_eq(date_from_ymd(y, m, d, &day), 0);
	return day;
}

/* A fixed "today" so the tests never depend on the clock. */
static int32_t
today(void)
{
	return ymd(2024, 6, 1);
}

static enum idno_err
parse_s(const char *s, struct idno *out)
{
	return idno_parse(s, strlen(s), today(), out);
}

static void
check_valid(const char *s, const char *no, int y, int m, int d, char g)
{
	struct idno id;
	enum idno_err e = parse_s(s, &id);

	cr_assert_eq(e, IDNO_OK, "%s: %s", s, idno_strerror(e));
	cr_assert_str_eq(id.no, no);
	cr_assert_eq(id.birth, ymd(y, m, d), "%s", s);
	cr_assert_eq(id.gender, g, "%s", s);
}

Test(idno, valid_vectors)
{
	check_valid("11010519491231002X", "11010519491231002X", 1949, 12, 31,
		    'F');
	check_valid("440524188001010014", "440524188001010014", 1880, 1, 1,
		    'M');
	check_valid("431102199003071235", "431102199003071235", 1990, 3, 7,
		    'M');
	check_valid("431181202203010461", "431181202203010461", 2022, 3, 1,
		    'F');
	check_valid("431121197801010015", "431121197801010015", 1978, 1, 1,
		    'M');
	check_valid("431129198511203578", "431129198511203578", 1985, 11, 20,
		    'M');
}

Test(idno, lowercase_x_is_normalised)
{
	check_valid("11010519491231002x", "11010519491231002X", 1949, 12, 31,
		    'F');
}

Test(idno, out_may_be_null)
{
	cr_assert_eq(parse_s("431102199003071235", NULL), IDNO_OK);
	cr_assert_eq(parse_s("431102199003071234", NULL), IDNO_CHECK);
}

Test(idno, invalid_vectors)
{
	cr_assert_eq(parse_s("431102199003071234", NULL), IDNO_CHECK);
	cr_assert_eq(parse_s("431102199002301238", NULL), IDNO_DATE);
	cr_assert_eq(parse_s("991102199001011238", NULL), IDNO_REGION);
	cr_assert_eq(parse_s("431102209912311239", NULL), IDNO_FUTURE);
	cr_assert_eq(parse_s("43110219900307123", NULL), IDNO_LENGTH);
	cr_assert_eq(parse_s("4311021990030712X5", NULL), IDNO_CHAR);
}

Test(idno, strerror_texts)
{
	cr_assert_str_eq(idno_strerror(IDNO_LENGTH), "not 18 characters");
	cr_assert_str_eq(idno_strerror(IDNO_CHAR),
			 "not digits (last may be X)");
	cr_assert_str_eq(idno_strerror(IDNO_REGION), "unknown region code");
	cr_assert_str_eq(idno_strerror(IDNO_DATE),
			 "birth date is not a real day");
	cr_assert_str_eq(idno_strerror(IDNO_FUTURE),
			 "birth date is in the future");
	cr_assert_str_eq(idno_strerror(IDNO_CHECK), "bad check character");
	cr_assert_str_eq(idno_strerror(IDNO_OK), "valid");
}

Test(idno, first_error_wins)
{
	/* Each input also has every later error. */
	cr_assert_eq(parse_s("9911022099023012X", NULL), IDNO_LENGTH);
	cr_assert_eq(parse_s("9911022099023012XX8", NULL), IDNO_LENGTH);
	cr_assert_eq(parse_s("99110220990230123Y", NULL), IDNO_CHAR);
	cr_assert_eq(parse_s("9911022099023012X8", NULL), IDNO_CHAR);
	cr_assert_eq(parse_s("991102209902301238", NULL), IDNO_REGION);
	cr_assert_eq(parse_s("431102209902301230", NULL), IDNO_DATE);
	cr_assert_eq(parse_s("431102209912311230", NULL), IDNO_FUTURE);
}

Test(idno, character_errors)
{
	cr_assert_eq(parse_s("43110219900307123x", NULL), IDNO_CHECK);
	cr_assert_eq(parse_s("4311021990030712x5", NULL), IDNO_CHAR);
	cr_assert_eq(parse_s("43110219900307123Y", NULL), IDNO_CHAR);
	cr_assert_eq(parse_s("43110219900307123 ", NULL), IDNO_CHAR);
	cr_assert_eq(parse_s(" 43110219900307123", NULL), IDNO_CHAR);
	cr_assert_eq(parse_s("+31102199003071235", NULL), IDNO_CHAR);
	cr_assert_eq(idno_parse("4311021990\0003071235", 18, today(), NULL),
		     IDNO_CHAR);
	/* A full-width digit is 3 bytes, so the length is wrong first. */
	cr_assert_eq(parse_s("43110219900307123５", NULL), IDNO_LENGTH);
	cr_assert_eq(parse_s("", NULL), IDNO_LENGTH);
}

Test(idno, region_prefixes)
{
	static const char *ok[] = { "11", "15", "21", "23", "31", "37", "41",
				    "46", "50", "54", "61", "65" };
	static const char *bad[] = { "00", "10", "16", "20", "24", "30",
				     "38", "40", "47", "49", "55", "60",
				     "66", "71", "81", "82", "91", "99" };
	char no[19];

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		memcpy(no, ok[i], 2);
		memcpy(no + 2, "1102199003071", 13);
		memcpy(no + 15, "23", 2);
		no[17] = idno_check_char(no);
		no[18] = '\0';
		cr_assert_eq(parse_s(no, NULL), IDNO_OK, "%s", no);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memcpy(no, bad[i], 2);
		memcpy(no + 2, "110219900307123", 15);
		no[17] = idno_check_char(no);
		no[18] = '\0';
		cr_assert_eq(parse_s(no, NULL), IDNO_REGION, "%s", no);
	}
}

Test(idno, date_errors)
{
	char no[19];
	static const char *bad[] = {
		"19000229", "20230229", "19901301", "19900001", "19900100",
		"19900431", "00000101",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memcpy(no, "431102", 6);
		memcpy(no + 6, bad[i], 8);
		memcpy(no + 14, "123", 3);
		no[17] = idno_check_char(no);
		no[18] = '\0';
		cr_assert_eq(parse_s(no, NULL), IDNO_DATE, "%s", no);
	}
	/* 2000 was a leap year. */
	memcpy(no, "43110220000229123", 17);
	no[17] = idno_check_char(no);
	cr_assert_eq(parse_s(no, NULL), IDNO_OK, "%s", no);
}

Test(idno, future_is_relative_to_today)
{
	const char *s = "431181202203010461";
	struct idno id;

	cr_assert_eq(idno_parse(s, 18, ymd(2022, 2, 28), &id), IDNO_FUTURE);
	cr_assert_eq(idno_parse(s, 18, ymd(2022, 3, 1), &id), IDNO_OK);
	cr_assert_eq(idno_parse("431102209912311239", 18, INT32_MAX, &id),
		     IDNO_OK);
	cr_assert_eq(id.birth, ymd(2099, 12, 31));
}

Test(idno, out_untouched_on_error)
{
	struct idno id;

	memset(&id, 0x5a, sizeof id);
	cr_assert_eq(parse_s("431102199003071234", &id), IDNO_CHECK);
	cr_assert_eq(id.no[0], 0x5a);
	cr_assert_eq(id.gender, 0x5a);
}

Test(idno, check_char)
{
	cr_assert_eq(idno_check_char("11010519491231002"), 'X');
	cr_assert_eq(idno_check_char("44052418800101001"), '4');
	cr_assert_eq(idno_check_char("43110219900307123"), '5');
	cr_assert_eq(idno_check_char("43118120220301046"), '1');
	/* Sum 0 -> Y 0 -> '1'. */
	cr_assert_eq(idno_check_char("00000000000000000"), '1');
}

Test(idno, gender_from_sequence)
{
	struct idno id;
	char no[19] = "43110219900307120";

	for (char c = '0'; c <= '9'; c++) {
		no[16] = c;
		no[17] = idno_check_char(no);
		no[18] = '\0';
		cr_assert_eq(parse_s(no, &id), IDNO_OK, "%s", no);
		cr_assert_eq(id.gender, (c - '0') % 2 ? 'M' : 'F', "%s", no);
	}
}

Test(idno, upgrade15)
{
	char out[19];
	struct idno id;

	cr_assert_eq(idno_upgrade15("431102900307123", 15, out), 0);
	cr_assert_str_eq(out, "431102199003071235");
	cr_assert_eq(parse_s(out, &id), IDNO_OK);
	cr_assert_eq(id.birth, ymd(1990, 3, 7));
	cr_assert_eq(id.gender, 'M');

	memcpy(out, "unchanged", 10);
	cr_assert_eq(idno_upgrade15("43110290030712", 14, out), -1);
	cr_assert_eq(idno_upgrade15("4311029003071234", 16, out), -1);
	cr_assert_eq(idno_upgrade15("43110290030712X", 15, out), -1);
	cr_assert_eq(idno_upgrade15("43110290030712x", 15, out), -1);
	cr_assert_eq(idno_upgrade15(" 31102900307123", 15, out), -1);
	cr_assert_eq(idno_upgrade15("", 0, out), -1);
	cr_assert_str_eq(out, "unchanged");
}

Test(idno, age)
{
	struct idno id;

	cr_assert_eq(parse_s("11010519491231002X", &id), IDNO_OK);
	cr_assert_eq(idno_age(&id, ymd(2024, 12, 30)), 74);
	cr_assert_eq(idno_age(&id, ymd(2024, 12, 31)), 75);
	cr_assert_eq(parse_s("440524188001010014", &id), IDNO_OK);
	cr_assert_eq(idno_age(&id, ymd(2024, 1, 1)), 144);
	cr_assert_eq(idno_age(&id, ymd(2023, 12, 31)), 143);
	cr_assert_eq(parse_s("431181202203010461", &id), IDNO_OK);
	cr_assert_eq(idno_age(&id, ymd(2022, 3, 1)), 0);
	cr_assert_eq(idno_age(&id, ymd(2024, 2, 29)), 1);
	cr_assert_eq(idno_age(&id, ymd(2024, 3, 1)), 2);
}

Test(idno, age_leap_day_birth)
{
	struct idno id;
	char no[19] = "43110220000229123";

	no[17] = idno_check_char(no);
	no[18] = '\0';
	cr_assert_eq(parse_s(no, &id), IDNO_OK);
	cr_assert_eq(idno_age(&id, ymd(2023, 2, 28)), 22);
	cr_assert_eq(idno_age(&id, ymd(2023, 3, 1)), 23);
	cr_assert_eq(idno_age(&id, ymd(2024, 2, 29)), 24);
}

Test(idno, yongzhou_region_names)
{
	cr_assert_str_eq(idno_region_name("431102199003071235"), "零陵区");
	cr_assert_str_eq(idno_region_name("431103"), "冷水滩区");
	cr_assert_str_eq(idno_region_name("431121197801010015"), "祁阳县");
	cr_assert_str_eq(idno_region_name("431122"), "东安县");
	cr_assert_str_eq(idno_region_name("431123"), "双牌县");
	cr_assert_str_eq(idno_region_name("431124"), "道县");
	cr_assert_str_eq(idno_region_name("431125"), "江永县");
	cr_assert_str_eq(idno_region_name("431126"), "宁远县");
	cr_assert_str_eq(idno_region_name("431127"), "蓝山县");
	cr_assert_str_eq(idno_region_name("431128"), "新田县");
	cr_assert_str_eq(idno_region_name("431129198511203578"),
			 "江华瑶族自治县");
	cr_assert_str_eq(idno_region_name("431181202203010461"), "祁阳市");
}

Test(idno, region_name_unknown)
{
	cr_assert_null(idno_region_name("431100"));
	cr_assert_null(idno_region_name("431101"));
	cr_assert_null(idno_region_name("431130"));
	cr_assert_null(idno_region_name("430102199003071235"));
	cr_assert_null(idno_region_name("11010519491231002X"));
	cr_assert_null(idno_region_name("43110"));
	cr_assert_null(idno_region_name(""));
}
