/* Unit tests for lib/utf8.c. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* Length of a string literal that may hold NULs. */
#define LIT(s) (s), (sizeof(s) - 1)

/* A heap copy of exactly n bytes, so that ASan catches any read past the
 * end; caller frees. */
static char *
exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	cr_assert_not_null(p);
	memcpy(p, s, n);
	return p;
}

static size_t
vp_exact(const char *s, size_t n)
{
	char *p = exact(s, n);
	size_t r = utf8_valid_prefix(p, n);

	free(p);
	return r;
}

Test(utf8_valid_prefix, empty_and_ascii)
{
	char s[64];
	size_t n;

	cr_assert_eq(utf8_valid_prefix("", 0), 0);
	for (n = 0; n < sizeof s; n++)
		s[n] = (char)(n % 0x80);		/* NULs and controls too */
	for (n = 0; n <= sizeof s; n++)
		cr_assert_eq(vp_exact(s, n), n, "n=%zu", n);
}

Test(utf8_valid_prefix, valid_multibyte)
{
	cr_assert_eq(utf8_valid_prefix(LIT("\xc2\x80")), 2);	/* U+0080 */
	cr_assert_eq(utf8_valid_prefix(LIT("\xdf\xbf")), 2);	/* U+07FF */
	cr_assert_eq(utf8_valid_prefix(LIT("\xe0\xa0\x80")), 3); /* U+0800 */
	cr_assert_eq(utf8_valid_prefix(LIT("\xed\x9f\xbf")), 3); /* U+D7FF */
	cr_assert_eq(utf8_valid_prefix(LIT("\xee\x80\x80")), 3); /* U+E000 */
	cr_assert_eq(utf8_valid_prefix(LIT("\xef\xbf\xbf")), 3); /* U+FFFF */
	cr_assert_eq(utf8_valid_prefix(LIT("\xf0\x90\x80\x80")), 4);
	cr_assert_eq(utf8_valid_prefix(LIT("\xf4\x8f\xbf\xbf")), 4);
	cr_assert_eq(utf8_valid_prefix(LIT("公安局 police 😀 ok")),
	    strlen("公安局 police 😀 ok"));
	cr_assert(utf8_is_valid(LIT("张三\t13812345678\t欧阳明")));
}

/* Each invalid sequence, alone and after enough ASCII to go through the
 * 8-byte path first. */
Test(utf8_valid_prefix, rejects_invalid_sequences)
{
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
		{ LIT("\x80") }, { LIT("\xbf") },		/* lone trail */
		{ LIT("\xc0\x80") }, { LIT("\xc0\xaf") },	/* overlong */
		{ LIT("\xc1\xbf") },
		{ LIT("\xe0\x80\x80") }, { LIT("\xe0\x9f\xbf") },
		{ LIT("\xed\xa0\x80") }, { LIT("\xed\xbf\xbf") }, /* surrogates */
		{ LIT("\xf0\x80\x80\x80") }, { LIT("\xf0\x8f\xbf\xbf") },
		{ LIT("\xf4\x90\x80\x80") }, { LIT("\xf4\xbf\xbf\xbf") },
		{ LIT("\xf5\x80\x80\x80") }, { LIT("\xf7\xbf\xbf\xbf") },
		{ LIT("\xf8\x88\x80\x80\x80") }, { LIT("\xfe") }, { LIT("\xff") },
		{ LIT("\xc3\x28") }, { LIT("\xc3\xc3") },	/* bad trail */
		{ LIT("\xe4\x41\xad") }, { LIT("\xe4\xb8\x41") },
		{ LIT("\xf0\x9f\x41\x80") }, { LIT("\xf0\x9f\x98\xc0") },
		{ LIT("\xc3") }, { LIT("\xe4\xb8") },		/* truncated */
		{ LIT("\xf0\x9f\x98") }, { LIT("\xf0") },
	};
	char s[64];
	size_t i, lead;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		for (lead = 0; lead < 20; lead++) {
			memset(s, 'a', lead);
			memcpy(s + lead, bad[i].s, bad[i].n);
			cr_assert_eq(vp_exact(s, lead + bad[i].n), lead,
			    "bad[%zu] after %zu ASCII", i, lead);
		}
	}
}

Test(utf8_valid_prefix, stops_at_every_position)
{
	char s[40];
	size_t pos, n;

	for (n = 1; n <= sizeof s; n++)
		for (pos = 0; pos < n; pos++) {
			memset(s, 'x', n);
			s[pos] = '\xff';
			cr_assert_eq(vp_exact(s, n), pos, "n=%zu pos=%zu", n, pos);
		}
	/* After a valid multi-byte character, too. */
	cr_assert_eq(utf8_valid_prefix(LIT("中文abcdefghij\xe0\x80\x80")), 16);
	cr_assert_eq(utf8_valid_prefix(LIT("中\xed\xa0\x80文")), 3);
}

/* Valid 1-4 byte characters that end exactly at the end of the buffer,
 * and the same characters cut short there. */
Test(utf8_valid_prefix, characters_at_buffer_end)
{
	static const char *chars[] = { "z", "\xc3\xa9", "中", "😀",
	    "\xf4\x8f\xbf\xbf" };
	char s[64];
	size_t i, lead, k, cut;

	for (i = 0; i < sizeof chars / sizeof chars[0]; i++) {
		k = strlen(chars[i]);
		for (lead = 0; lead < 20; lead++) {
			memset(s, 'a', lead);
			memcpy(s + lead, chars[i], k);
			cr_assert_eq(vp_exact(s, lead + k), lead + k,
			    "char %zu after %zu", i, lead);
			for (cut = 1; cut < k; cut++)
				cr_assert_eq(vp_exact(s, lead + cut), lead,
				    "char %zu cut to %zu after %zu", i, cut,
				    lead);
		}
	}
}

/* The reference: a sequence is valid when it decodes, by the bit layout,
 * to a scalar value that needs exactly that many bytes. */
static size_t
ref_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t k, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		k = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		k = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		k = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) ||
	    (k == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

static size_t
ref_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n && (k = ref_len(s + i, n - i)) != 0)
		i += k;
	return i;
}

Test(utf8_valid_prefix, agrees_with_reference_on_all_short_sequences)
{
	static const unsigned char tails[] = { 0x00, 0x41, 0x7f, 0x80, 0x8f,
	    0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xf4, 0xff };
	unsigned char s[4];
	size_t want, got;
	unsigned a, b, c, d;

	for (a = 0; a < 256; a++)
		for (b = 0; b < 256; b++)
			for (c = 0; c < 256; c++) {
				s[0] = (unsigned char)a;
				s[1] = (unsigned char)b;
				s[2] = (unsigned char)c;
				want = ref_prefix(s, 3);
				got = utf8_valid_prefix((char *)s, 3);
				if (got != want)
					cr_assert_fail("%02x %02x %02x: got %zu, "
					    "want %zu", a, b, c, got, want);
			}
	for (a = 0xf0; a < 0x100; a++)
		for (b = 0; b < 256; b++)
			for (c = 0; c < sizeof tails; c++)
				for (d = 0; d < sizeof tails; d++) {
					s[0] = (unsigned char)a;
					s[1] = (unsigned char)b;
					s[2] = tails[c];
					s[3] = tails[d];
					want = ref_prefix(s, 4);
					got = utf8_valid_prefix((char *)s, 4);
					if (got != want)
						cr_assert_fail("%02x %02x %02x %02x: "
						    "got %zu, want %zu", a, b,
						    tails[c], tails[d], got,
						    want);
				}
}

Test(utf8_decode, valid_characters)
{
	uint32_t cp = 0;

	cr_assert_eq(utf8_decode(LIT("A"), &cp), 1);
	cr_assert_eq(cp, 0x41);
	cr_assert_eq(utf8_decode(LIT("\0"), &cp), 1);
	cr_assert_eq(cp, 0);
	cr_assert_eq(utf8_decode(LIT("\xc3\xa9x"), &cp), 2);
	cr_assert_eq(cp, 0xe9);
	cr_assert_eq(utf8_decode(LIT("中文"), &cp), 3);
	cr_assert_eq(cp, 0x4e2d);
	cr_assert_eq(utf8_decode(LIT("😀"), &cp), 4);
	cr_assert_eq(cp, 0x1f600);
	cr_assert_eq(utf8_decode(LIT("\xf4\x8f\xbf\xbf"), &cp), 4);
	cr_assert_eq(cp, 0x10ffff);
	cr_assert_eq(utf8_decode(LIT("\xef\xbf\xbd"), &cp), 3);
	cr_assert_eq(cp, 0xfffd);
}

Test(utf8_decode, invalid_gives_one_byte_and_fffd)
{
	uint32_t cp;

	cp = 0;
	cr_assert_eq(utf8_decode(LIT("\xff"), &cp), 1);
	cr_assert_eq(cp, 0xfffd);
	cp = 0;
	cr_assert_eq(utf8_decode(LIT("\xc0\x80"), &cp), 1);
	cr_assert_eq(cp, 0xfffd);
	cp = 0;
	cr_assert_eq(utf8_decode(LIT("\xed\xa0\x80"), &cp), 1);
	cr_assert_eq(cp, 0xfffd);
	cp = 0;
	cr_assert_eq(utf8_decode(LIT("\x80"), &cp), 1);
	cr_assert_eq(cp, 0xfffd);
	cp = 0;
	cr_assert_eq(utf8_decode("中", 2, &cp), 1);	/* n cuts it short */
	cr_assert_eq(cp, 0xfffd);
}

Test(utf8_encode, boundaries)
{
	char out[4];

	cr_assert_eq(utf8_encode(0x7f, out), 1);
	cr_assert_eq(memcmp(out, "\x7f", 1), 0);
	cr_assert_eq(utf8_encode(0x80, out), 2);
	cr_assert_eq(memcmp(out, "\xc2\x80", 2), 0);
	cr_assert_eq(utf8_encode(0x7ff, out), 2);
	cr_assert_eq(memcmp(out, "\xdf\xbf", 2), 0);
	cr_assert_eq(utf8_encode(0x800, out), 3);
	cr_assert_eq(memcmp(out, "\xe0\xa0\x80", 3), 0);
	cr_assert_eq(utf8_encode(0x4e2d, out), 3);
	cr_assert_eq(memcmp(out, "中", 3), 0);
	cr_assert_eq(utf8_encode(0xffff, out), 3);
	cr_assert_eq(memcmp(out, "\xef\xbf\xbf", 3), 0);
	cr_assert_eq(utf8_encode(0x10000, out), 4);
	cr_assert_eq(memcmp(out, "\xf0\x90\x80\x80", 4), 0);
	cr_assert_eq(utf8_encode(0x10ffff, out), 4);
	cr_assert_eq(memcmp(out, "\xf4\x8f\xbf\xbf", 4), 0);
}

Test(utf8_encode, non_scalar_becomes_fffd)
{
	char out[4];

	cr_assert_eq(utf8_encode(0xd800, out), 3);
	cr_assert_eq(memcmp(out, "\xef\xbf\xbd", 3), 0);
	cr_assert_eq(utf8_encode(0xdfff, out), 3);
	cr_assert_eq(memcmp(out, "\xef\xbf\xbd", 3), 0);
	cr_assert_eq(utf8_encode(0x110000, out), 3);
	cr_assert_eq(memcmp(out, "\xef\xbf\xbd", 3), 0);
}

Test(utf8_encode, round_trips_every_scalar)
{
	char out[4];
	uint32_t cp, back;
	size_t k;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp == 0xd800)
			cp = 0xe000;
		k = utf8_encode(cp, out);
		if (utf8_valid_prefix(out, k) != k)
			cr_assert_fail("U+%04X encodes invalid", (unsigned)cp);
		if (utf8_decode(out, k, &back) != k || back != cp)
			cr_assert_fail("U+%04X does not round-trip", (unsigned)cp);
	}
}

Test(utf8_chars, counts_characters_and_invalid_bytes)
{
	cr_assert_eq(utf8_chars("", 0), 0);
	cr_assert_eq(utf8_chars(LIT("abc")), 3);
	cr_assert_eq(utf8_chars(LIT("a中😀")), 3);
	cr_assert_eq(utf8_chars(LIT("欧阳明")), 3);
	cr_assert_eq(utf8_chars(LIT("\xff\xfe")), 2);
	cr_assert_eq(utf8_chars(LIT("\xe4\xb8")), 2);	/* truncated */
	cr_assert_eq(utf8_chars(LIT("a\xed\xa0\x80z")), 5);
	cr_assert_eq(utf8_chars(LIT("a\0b")), 3);
}

Test(utf8_cp_width, range_boundaries)
{
	static const struct {
		uint32_t cp;
		int w;
	} t[] = {
		{ 0x00, 0 }, { 0x09, 0 }, { 0x1f, 0 }, { 0x20, 1 },
		{ 0x41, 1 }, { 0x7e, 1 }, { 0x7f, 0 }, { 0x80, 0 },
		{ 0x9f, 0 }, { 0xa0, 1 }, { 0xe9, 1 }, { 0x2ff, 1 },
		{ 0x300, 0 }, { 0x301, 0 }, { 0x36f, 0 }, { 0x370, 1 },
		{ 0x10ff, 1 }, { 0x1100, 2 }, { 0x115f, 2 }, { 0x1160, 1 },
		{ 0x1aaf, 1 }, { 0x1ab0, 0 }, { 0x1aff, 0 }, { 0x1b00, 1 },
		{ 0x1dbf, 1 }, { 0x1dc0, 0 }, { 0x1dff, 0 }, { 0x1e00, 1 },
		{ 0x200a, 1 }, { 0x200b, 0 }, { 0x200d, 0 }, { 0x200f, 0 },
		{ 0x2010, 1 }, { 0x20cf, 1 }, { 0x20d0, 0 }, { 0x20ff, 0 },
		{ 0x2100, 1 }, { 0x2e7f, 1 }, { 0x2e80, 2 }, { 0x3000, 2 },
		{ 0x303e, 2 }, { 0x303f, 1 }, { 0x3040, 1 }, { 0x3041, 2 },
		{ 0x33ff, 2 }, { 0x3400, 2 }, { 0x4dbf, 2 }, { 0x4dc0, 1 },
		{ 0x4dff, 1 }, { 0x4e00, 2 }, { 0x5f20, 2 }, { 0x9fff, 2 },
		{ 0xa000, 2 }, { 0xa4cf, 2 }, { 0xa4d0, 1 }, { 0xabff, 1 },
		{ 0xac00, 2 }, { 0xd7a3, 2 }, { 0xd7a4, 1 }, { 0xf8ff, 1 },
		{ 0xf900, 2 }, { 0xfaff, 2 }, { 0xfb00, 1 }, { 0xfe1f, 1 },
		{ 0xfe20, 0 }, { 0xfe2f, 0 }, { 0xfe30, 2 }, { 0xfe4f, 2 },
		{ 0xfe50, 1 }, { 0xfefe, 1 }, { 0xfeff, 0 }, { 0xff00, 2 },
		{ 0xff01, 2 }, { 0xff60, 2 }, { 0xff61, 1 }, { 0xffdf, 1 },
		{ 0xffe0, 2 }, { 0xffe6, 2 }, { 0xffe7, 1 }, { 0xfffd, 1 },
		{ 0x1f2ff, 1 }, { 0x1f300, 2 }, { 0x1f600, 2 },
		{ 0x1f64f, 2 }, { 0x1f650, 1 }, { 0x1f8ff, 1 },
		{ 0x1f900, 2 }, { 0x1f9ff, 2 }, { 0x1fa00, 1 },
		{ 0x1ffff, 1 }, { 0x20000, 2 }, { 0x2fffd, 2 },
		{ 0x2fffe, 1 }, { 0x30000, 2 }, { 0x3fffd, 2 },
		{ 0x3fffe, 1 }, { 0xe0001, 1 }, { 0x10ffff, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		cr_expect_eq(utf8_cp_width(t[i].cp), t[i].w, "U+%04X: %d",
		    (unsigned)t[i].cp, utf8_cp_width(t[i].cp));
}

Test(utf8_width, strings)
{
	cr_assert_eq(utf8_width("", 0), 0);
	cr_assert_eq(utf8_width(LIT("abc")), 3);
	cr_assert_eq(utf8_width(LIT("中文")), 4);
	cr_assert_eq(utf8_width(LIT("张三ab")), 6);
	cr_assert_eq(utf8_width(LIT("e\xcc\x81")), 1);	/* e + U+0301 */
	cr_assert_eq(utf8_width(LIT("a\tb\r\n")), 2);	/* controls 0 */
	cr_assert_eq(utf8_width(LIT("😀!")), 3);
	cr_assert_eq(utf8_width(LIT("a\xe2\x80\x8b" "b")), 2); /* ZWSP */
	cr_assert_eq(utf8_width(LIT("\xef\xbc\xa1")), 2); /* fullwidth A */
	cr_assert_eq(utf8_width(LIT("\xff\xfe")), 2);	/* U+FFFD each */
}

Test(utf8_fit, never_splits_a_character)
{
	const char *s = "中文abc";
	size_t n = strlen(s), w = 99;

	cr_assert_eq(utf8_fit(s, n, 0, &w), 0);
	cr_assert_eq(w, 0);
	cr_assert_eq(utf8_fit(s, n, 1, &w), 0);
	cr_assert_eq(w, 0);
	cr_assert_eq(utf8_fit(s, n, 2, &w), 3);
	cr_assert_eq(w, 2);
	cr_assert_eq(utf8_fit(s, n, 3, &w), 3);	/* 文 does not fit */
	cr_assert_eq(w, 2);
	cr_assert_eq(utf8_fit(s, n, 4, &w), 6);
	cr_assert_eq(w, 4);
	cr_assert_eq(utf8_fit(s, n, 6, &w), 8);
	cr_assert_eq(w, 6);
	cr_assert_eq(utf8_fit(s, n, 7, &w), n);
	cr_assert_eq(w, 7);
	cr_assert_eq(utf8_fit(s, n, 100, &w), n);
	cr_assert_eq(w, 7);
	cr_assert_eq(utf8_fit(s, n, 3, NULL), 3);
	cr_assert_eq(utf8_fit("", 0, 5, &w), 0);
	cr_assert_eq(w, 0);
}

Test(utf8_fit, keeps_combining_marks_and_cuts_invalid_bytes)
{
	size_t w;

	/* The accent after the last fitting e stays with it. */
	cr_assert_eq(utf8_fit(LIT("e\xcc\x81x"), 1, &w), 3);
	cr_assert_eq(w, 1);
	cr_assert_eq(utf8_fit(LIT("\xff\xff\xff"), 2, &w), 2);
	cr_assert_eq(w, 2);
	cr_assert_eq(utf8_fit(LIT("ab\xe4\xb8"), 3, &w), 3);
	cr_assert_eq(w, 3);
}
