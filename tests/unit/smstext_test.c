/* Unit tests for lib/domain/smstext.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/buf.h"
#include "domain/smstext.h"

static struct sms_info
measure(const char *s)
{
	struct sms_info i;

	cr_assert_eq(sms_measure(s, strlen(s), &i), 0, "'%s'", s);
	return i;
}

/* A string of n copies of c, in one of two static buffers (two may be
 * in use at once). */
static char *
rep(const char *c, size_t n)
{
	static char bufs[2][8192];
	static int which;
	size_t k = strlen(c), i;
	char *s = bufs[which ^= 1];

	cr_assert_lt(k * n, sizeof bufs[0]);

	for (i = 0; i < n; i++)
		memcpy(s + i * k, c, k);
	s[k * n] = '\0';
	return s;
}

Test(smstext, ascii_is_gsm7)
{
	struct sms_info i = measure("Hello, World! 123");

	cr_assert_eq(i.enc, SMS_GSM7);
	cr_assert_eq(i.units, 17);
	cr_assert_eq(i.segments, 1);
}

Test(smstext, empty_is_one_segment)
{
	struct sms_info i = measure("");

	cr_assert_eq(i.enc, SMS_GSM7);
	cr_assert_eq(i.units, 0);
	cr_assert_eq(i.segments, 1);
}

Test(smstext, gsm7_lengths)
{
	cr_assert_eq(measure(rep("a", 160)).segments, 1);
	cr_assert_eq(measure(rep("a", 161)).segments, 2);
	cr_assert_eq(measure(rep("a", 306)).segments, 2);
	cr_assert_eq(measure(rep("a", 307)).segments, 3);
}

Test(smstext, gsm7_extension_counts_two)
{
	struct sms_info i = measure("a{b}€");

	cr_assert_eq(i.enc, SMS_GSM7);
	cr_assert_eq(i.units, 8);
	/* 80 escapes = 160 units: still one message. */
	cr_assert_eq(measure(rep("[", 80)).segments, 1);
	cr_assert_eq(measure(rep("[", 81)).segments, 2);
}

Test(smstext, gsm7_escape_never_split)
{
	/* 152 letters, then '{' (2 units): it cannot end part 1 (153),
	 * so part 1 holds 152 units and part 2 starts with the escape. */
	char s[400];
	struct sms_info i;
	struct buf b = BUF_INIT;
	size_t off[4];

	memset(s, 'a', 152);
	strcpy(s + 152, "{");
	memset(s + 153, 'b', 100);
	s[253] = '\0';
	i = measure(s);
	cr_assert_eq(i.units, 254);
	cr_assert_eq(i.segments, 2);
	cr_assert_eq(sms_encode(s, strlen(s), &i, &b, off), 0);
	cr_assert_eq(off[1] - off[0], 152);
	cr_assert_eq((unsigned char)b.p[off[1]], 0x1b);
	cr_assert_eq(b.p[off[1] + 1], 0x28);
	cr_assert_eq(off[2] - off[1], 102);
	buf_release(&b);
}

Test(smstext, gsm7_octets_are_the_alphabet)
{
	struct sms_info i = measure("@£$¥èÇ\nΔ_ÄÖÑÜ§¿äöñüà");
	struct buf b = BUF_INIT;
	size_t off[2];
	static const unsigned char want[] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x09, 0x0a, 0x10, 0x11,
		0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x7b, 0x7c, 0x7d,
		0x7e, 0x7f
	};

	cr_assert_eq(i.enc, SMS_GSM7);
	cr_assert_eq(sms_encode("@£$¥èÇ\nΔ_ÄÖÑÜ§¿äöñüà",
				strlen("@£$¥èÇ\nΔ_ÄÖÑÜ§¿äöñüà"), &i, &b, off), 0);
	cr_assert_eq(off[1], sizeof want);
	cr_assert_eq(memcmp(b.p, want, sizeof want), 0);
	buf_release(&b);
}

Test(smstext, one_chinese_character_makes_ucs2)
{
	struct sms_info i = measure("Your case 已受理");

	cr_assert_eq(i.enc, SMS_UCS2);
	cr_assert_eq(i.units, 13);
	cr_assert_eq(i.segments, 1);
}

Test(smstext, ucs2_lengths)
{
	cr_assert_eq(measure(rep("警", 70)).segments, 1);
	cr_assert_eq(measure(rep("警", 71)).segments, 2);
	cr_assert_eq(measure(rep("警", 134)).segments, 2);
	cr_assert_eq(measure(rep("警", 135)).segments, 3);
	/* The DOMAIN file's billing example: 160 characters, 3 parts. */
	cr_assert_eq(measure(rep("警", 160)).segments, 3);
}

Test(smstext, ucs2_bytes_are_big_endian)
{
	struct sms_info i = measure("永A");
	struct buf b = BUF_INIT;
	size_t off[2];

	cr_assert_eq(sms_encode("永A", strlen("永A"), &i, &b, off), 0);
	cr_assert_eq(off[1] - off[0], 4);
	cr_assert_eq(memcmp(b.p, "\x6c\x38\x00\x41", 4), 0);
	buf_release(&b);
}

Test(smstext, surrogate_pair_counts_two_and_is_never_split)
{
	/* U+20000 (CJK Ext-B) is D840 DC00 in UTF-16. */
	char *s = rep("警", 66);
	char t[400];
	struct sms_info i;
	struct buf b = BUF_INIT;
	size_t off[4];

	i = measure("\xf0\xa0\x80\x80");
	cr_assert_eq(i.enc, SMS_UCS2);
	cr_assert_eq(i.units, 2);
	/* 66 + a pair = 68 units at the boundary of 67: the pair moves on. */
	strcpy(t, s);
	strcat(t, "\xf0\xa0\x80\x80");
	strcat(t, rep("警", 10));
	i = measure(t);
	cr_assert_eq(i.units, 78);
	cr_assert_eq(i.segments, 2);
	cr_assert_eq(sms_encode(t, strlen(t), &i, &b, off), 0);
	cr_assert_eq(off[1] - off[0], 66 * 2);
	cr_assert_eq(memcmp(b.p + off[1], "\xd8\x40\xdc\x00", 4), 0);
	cr_assert_eq(off[2] - off[1], 12 * 2);
	buf_release(&b);
}

Test(smstext, invalid_utf8_and_nul_refused)
{
	struct sms_info i;
	struct buf b = BUF_INIT;
	size_t off[2];

	cr_assert_eq(sms_measure("\xff", 1, &i), -1);
	cr_assert_eq(sms_measure("a\0b", 3, &i), -1);
	cr_assert_eq(sms_measure("\xe8\xad", 2, &i), -1);
	i.enc = SMS_GSM7;
	i.segments = 1;
	cr_assert_eq(sms_encode("\xff", 1, &i, &b, off), -1);
	buf_release(&b);
}

Test(smstext, parts_concatenate_to_the_whole)
{
	char *s = rep("您的机动车检验有效期将至，请及时检验。", 12);
	struct sms_info i = measure(s);
	struct buf b = BUF_INIT;
	size_t off[SMS_MAX_PARTS + 1], k;

	cr_assert_eq(i.enc, SMS_UCS2);
	cr_assert_eq(sms_encode(s, strlen(s), &i, &b, off), 0);
	cr_assert_eq(off[i.segments] - off[0], i.units * 2);
	for (k = 0; k < i.segments; k++)
		cr_assert_leq(off[k + 1] - off[k], SMS_UCS2_PART * 2);
	buf_release(&b);
}
