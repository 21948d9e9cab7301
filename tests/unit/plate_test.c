/* Unit tests for lib/domain/plate.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "domain/plate.h"

/* Normalise in, check the kind, the normalised text and the warning. */
static void
check(const char *in, enum plate_kind kind, const char *norm, int warn)
{
	struct buf b = BUF_INIT;
	int w = -1;
	enum plate_kind k = plate_norm(in, strlen(in), &b, &w);

	cr_assert_eq(k, kind, "'%s': kind %d, want %d", in, k, kind);
	cr_assert_str_eq(b.p, norm, "'%s'", in);
	cr_assert_eq(b.len, strlen(norm));
	cr_assert_eq(w, warn, "'%s': warn %d", in, w);
	buf_release(&b);
}

Test(plate, valid_vectors)
{
	check("湘M12345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘MA1B23", PLATE_ORDINARY, "湘MA1B23", 0);
	check("湘MD12345", PLATE_NEV_SMALL, "湘MD12345", 0);
	check("湘M12345D", PLATE_NEV_LARGE, "湘M12345D", 0);
	check("湘M1234学", PLATE_SPECIAL, "湘M1234学", 0);
	check("湘MDA2345", PLATE_NEV_SMALL, "湘MDA2345", 0);
}

Test(plate, invalid_vectors)
{
	check("湘M1234", PLATE_INVALID, "湘M1234", 0);
	check("湘MO1234", PLATE_INVALID, "湘MO1234", 0);
	check("湘MI2345", PLATE_INVALID, "湘MI2345", 0);
	check("湘M12345X", PLATE_INVALID, "湘M12345X", 0);
	check("湘MD1234A", PLATE_INVALID, "湘MD1234A", 0);
	check("湖M12345", PLATE_INVALID, "湖M12345", 0);
}

Test(plate, every_province)
{
	static const char *prov[] = {
		"京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘",
		"皖", "鲁", "新", "苏", "浙", "赣", "鄂", "桂", "甘", "晋",
		"蒙", "陕", "吉", "闽", "贵", "粤", "青", "藏", "川", "宁",
		"琼",
	};
	char in[32];

	cr_assert_eq(sizeof prov / sizeof prov[0], 31);
	for (size_t i = 0; i < sizeof prov / sizeof prov[0]; i++) {
		strcpy(in, prov[i]);
		strcat(in, "A12345");
		check(in, PLATE_ORDINARY, in, 0);
	}
}

Test(plate, not_provinces)
{
	check("湖M12345", PLATE_INVALID, "湖M12345", 0);
	check("使M12345", PLATE_INVALID, "使M12345", 0);
	check("港M12345", PLATE_INVALID, "港M12345", 0);
	check("AM12345", PLATE_INVALID, "AM12345", 0);
	check("MM123456", PLATE_INVALID, "MM123456", 0);
	check("M12345", PLATE_INVALID, "M12345", 0);
}

Test(plate, authority_letter)
{
	check("湘A12345", PLATE_ORDINARY, "湘A12345", 0);
	check("湘Z12345", PLATE_ORDINARY, "湘Z12345", 0);
	check("湘I12345", PLATE_INVALID, "湘I12345", 0);
	check("湘O12345", PLATE_INVALID, "湘O12345", 0);
	check("湘112345", PLATE_INVALID, "湘112345", 0);
	check("湘湘12345", PLATE_INVALID, "湘湘12345", 0);
	check("湘i12345", PLATE_INVALID, "湘I12345", 0);
}

Test(plate, ordinary_serial)
{
	check("湘MABCDE", PLATE_ORDINARY, "湘MABCDE", PLATE_WARN_LETTERS);
	check("湘MAB123", PLATE_ORDINARY, "湘MAB123", 0);
	check("湘MABC12", PLATE_ORDINARY, "湘MABC12", PLATE_WARN_LETTERS);
	check("湘M1A2B3", PLATE_ORDINARY, "湘M1A2B3", 0);
	check("湘M1A2BC", PLATE_ORDINARY, "湘M1A2BC", PLATE_WARN_LETTERS);
	check("湘MD1234", PLATE_ORDINARY, "湘MD1234", 0);
	check("湘M1234O", PLATE_INVALID, "湘M1234O", 0);
	check("湘M1234I", PLATE_INVALID, "湘M1234I", 0);
	check("湘M1234_", PLATE_INVALID, "湘M1234_", 0);
	check("湘M123456", PLATE_INVALID, "湘M123456", 0);
	check("湘M1234567", PLATE_INVALID, "湘M1234567", 0);
}

Test(plate, special_suffixes)
{
	check("湘M1234学", PLATE_SPECIAL, "湘M1234学", 0);
	check("湘M1234警", PLATE_SPECIAL, "湘M1234警", 0);
	check("湘M1234挂", PLATE_SPECIAL, "湘M1234挂", 0);
	check("粤Z1234港", PLATE_SPECIAL, "粤Z1234港", 0);
	check("粤Z1234澳", PLATE_SPECIAL, "粤Z1234澳", 0);
	check("湘AB123领", PLATE_SPECIAL, "湘AB123领", 0);
	/* More than 2 letters is only checked on ordinary serials. */
	check("湘MABCD挂", PLATE_SPECIAL, "湘MABCD挂", 0);
	check("湘M1234使", PLATE_INVALID, "湘M1234使", 0);
	check("湘M1234湘", PLATE_INVALID, "湘M1234湘", 0);
	check("湘M123学", PLATE_INVALID, "湘M123学", 0);
	check("湘M12345学", PLATE_INVALID, "湘M12345学", 0);
	check("湘MO234学", PLATE_INVALID, "湘MO234学", 0);
	check("湘M学1234", PLATE_INVALID, "湘M学1234", 0);
}

Test(plate, new_energy_small)
{
	static const char letters[] = "DABCEFGHJK";
	char in[16];

	for (size_t i = 0; i < sizeof letters - 1; i++) {
		snprintf(in, sizeof in, "湘M%c12345", letters[i]);
		check(in, PLATE_NEV_SMALL, in, 0);
		snprintf(in, sizeof in, "湘M%cZ2345", letters[i]);
		check(in, PLATE_NEV_SMALL, in, 0);
	}
	check("湘ML12345", PLATE_INVALID, "湘ML12345", 0);
	check("湘MDO2345", PLATE_INVALID, "湘MDO2345", 0);
	check("湘MDI2345", PLATE_INVALID, "湘MDI2345", 0);
	check("湘MDAB345", PLATE_INVALID, "湘MDAB345", 0);
	check("湘MD12A45", PLATE_INVALID, "湘MD12A45", 0);
}

Test(plate, new_energy_large)
{
	static const char letters[] = "DABCEFGHJK";
	char in[16];

	for (size_t i = 0; i < sizeof letters - 1; i++) {
		snprintf(in, sizeof in, "湘M12345%c", letters[i]);
		check(in, PLATE_NEV_LARGE, in, 0);
	}
	check("湘M12345L", PLATE_INVALID, "湘M12345L", 0);
	check("湘M1234AD", PLATE_INVALID, "湘M1234AD", 0);
	check("湘M123456", PLATE_INVALID, "湘M123456", 0);
	check("湘M12345DD", PLATE_INVALID, "湘M12345DD", 0);
}

Test(plate, full_width_and_lowercase)
{
	check("湘Ｍ１２３４５", PLATE_ORDINARY, "湘M12345", 0);
	check("湘ｍｄ１２３４５", PLATE_NEV_SMALL, "湘MD12345", 0);
	check("湘ＭＡ１Ｂ２３", PLATE_ORDINARY, "湘MA1B23", 0);
	check("湘m12345d", PLATE_NEV_LARGE, "湘M12345D", 0);
	check("湘ma1b23", PLATE_ORDINARY, "湘MA1B23", 0);
	check("湘Ｍ０９８７６", PLATE_ORDINARY, "湘M09876", 0);
	check("湘Ｍｚ１２３４", PLATE_ORDINARY, "湘MZ1234", 0);
	check("湘ｍ１２３４学", PLATE_SPECIAL, "湘M1234学", 0);
	check("湘Ｍｏ１２３４", PLATE_INVALID, "湘MO1234", 0);
}

Test(plate, separators_dropped)
{
	check(" 湘M 12345 ", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M·12345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M•12345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M-12345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘\u3000M\u300012345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘 Ｍ · Ｄ １２３４５", PLATE_NEV_SMALL, "湘MD12345", 0);
	check("湘-M-1-2-3-4-5-", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M\u30fb12345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M\uff6512345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M\u22c512345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M\u221912345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M\u202712345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M\u00a012345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M\u201012345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M\u201312345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M\u201412345", PLATE_ORDINARY, "湘M12345", 0);
	check("湘M\uff0d12345", PLATE_ORDINARY, "湘M12345", 0);
	check("\u3000湘ｍ·ｄ１２３４５\u3000", PLATE_NEV_SMALL, "湘MD12345", 0);
	/* Tabs and other punctuation are not separators. */
	check("湘M\uff0e12345", PLATE_INVALID, "湘M\uff0e12345", 0);
	check("湘M\t12345", PLATE_INVALID, "湘M\t12345", 0);
	check("湘M.12345", PLATE_INVALID, "湘M.12345", 0);
	check("湘M_12345", PLATE_INVALID, "湘M_12345", 0);
}

Test(plate, empty_and_short)
{
	check("", PLATE_INVALID, "", 0);
	check("   ", PLATE_INVALID, "", 0);
	check("湘", PLATE_INVALID, "湘", 0);
	check("湘M", PLATE_INVALID, "湘M", 0);
	check("湘M1", PLATE_INVALID, "湘M1", 0);
}

Test(plate, invalid_utf8_kept)
{
	check("湘M\xff" "2345", PLATE_INVALID, "湘M\xff" "2345", 0);
	check("\xe6\xb9M12345", PLATE_INVALID, "\xe6\xb9M12345", 0);
	/* A truncated province character at the end. */
	check("M12345\xe6", PLATE_INVALID, "M12345\xe6", 0);
}

Test(plate, appends_to_out)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "prefix:");
	cr_assert_eq(plate_norm("湘ｍ12345", strlen("湘ｍ12345"), &b, NULL),
		     PLATE_ORDINARY);
	cr_assert_str_eq(b.p, "prefix:湘M12345");
	/* Prefix bytes are not classified: only the appended part is. */
	cr_assert_eq(plate_norm("M12345", 6, &b, NULL), PLATE_INVALID);
	cr_assert_str_eq(b.p, "prefix:湘M12345M12345");
	buf_reset(&b);
	cr_assert_eq(plate_norm("湘MABCDE", strlen("湘MABCDE"), &b, NULL),
		     PLATE_ORDINARY);
	cr_assert_str_eq(b.p, "湘MABCDE");
	buf_release(&b);
}

Test(plate, only_n_bytes_read)
{
	struct buf b = BUF_INIT;
	int w = 7;

	cr_assert_eq(plate_norm("湘M12345D", strlen("湘M12345"), &b, &w),
		     PLATE_ORDINARY);
	cr_assert_str_eq(b.p, "湘M12345");
	cr_assert_eq(w, 0);
	buf_release(&b);
}
