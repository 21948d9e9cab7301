/* Unit tests for lib/base/buf.c. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define LIT(s) (s), (sizeof(s) - 1)

Test(buf, init_is_empty_string)
{
	struct buf a = BUF_INIT, b;

	cr_assert_not_null(a.p);
	cr_assert_str_eq(a.p, "");
	cr_assert_eq(a.len, 0);
	cr_assert_eq(a.cap, 0);
	memset(&b, 0xff, sizeof b);
	buf_init(&b);
	cr_assert_str_eq(b.p, "");
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.cap, 0);
	buf_reset(&a);		/* no memory yet: still fine */
	cr_assert_str_eq(a.p, "");
	buf_release(&a);	/* nothing to free */
	cr_assert_str_eq(a.p, "");
	cr_assert_eq(a.cap, 0);
}

Test(buf, add_keeps_nul_termination_and_nuls)
{
	struct buf b = BUF_INIT;

	buf_add(&b, LIT("ab"));
	cr_assert_str_eq(b.p, "ab");
	cr_assert_eq(b.len, 2);
	cr_assert_geq(b.cap, 3);
	buf_add(&b, LIT("\0c"));
	cr_assert_eq(b.len, 4);
	cr_assert_eq(memcmp(b.p, "ab\0c\0", 5), 0);
	buf_add(&b, NULL, 0);
	cr_assert_eq(b.len, 4);
	cr_assert_eq(b.p[4], '\0');
	buf_adds(&b, "张三");
	cr_assert_eq(b.len, 4 + strlen("张三"));
	cr_assert_str_eq(b.p + 4, "张三");
	buf_addc(&b, '!');
	buf_addc(&b, 0);
	buf_addc(&b, 0xe4);	/* int argument, stored as a byte */
	cr_assert_eq(b.len, 4 + strlen("张三") + 3);
	cr_assert_eq(memcmp(b.p + b.len - 3, "!\0\xe4\0", 4), 0);
	buf_release(&b);
}

Test(buf, add_nothing_to_empty_buf)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "", 0);
	cr_assert_str_eq(b.p, "");
	cr_assert_eq(b.len, 0);
	buf_release(&b);
}

Test(buf, grows_past_many_doublings)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < 100000; i++)
		buf_addc(&b, 'a' + (int)(i % 26));
	cr_assert_eq(b.len, 100000);
	cr_assert_gt(b.cap, 100000);
	cr_assert_eq(b.p[100000], '\0');
	for (i = 0; i < 100000; i++)
		cr_assert_eq(b.p[i], 'a' + (int)(i % 26));
	buf_release(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.cap, 0);
	cr_assert_str_eq(b.p, "");
}

Test(buf, grow_reserves_room)
{
	struct buf b = BUF_INIT;
	char *p;

	buf_grow(&b, 1000);
	cr_assert_geq(b.cap, 1001);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.p, "");
	p = b.p;
	buf_add(&b, "x", 1);		/* fits: no move */
	buf_grow(&b, 999);
	cr_assert_eq(b.p, p);
	cr_assert_str_eq(b.p, "x");
	buf_release(&b);
}

Test(buf, reset_keeps_memory)
{
	struct buf b = BUF_INIT;
	size_t cap;
	char *p;

	buf_adds(&b, "some text that is here");
	cap = b.cap;
	p = b.p;
	buf_reset(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.p, "");
	cr_assert_eq(b.cap, cap);
	cr_assert_eq(b.p, p);
	buf_adds(&b, "again");
	cr_assert_str_eq(b.p, "again");
	buf_release(&b);
}

Test(buf, printf_appends_and_grows)
{
	struct buf b = BUF_INIT;
	char big[300];

	buf_printf(&b, "%s:%d", "cases.tsv", 1042);
	cr_assert_str_eq(b.p, "cases.tsv:1042");
	cr_assert_eq(b.len, 14);
	buf_printf(&b, "%s", "");
	cr_assert_eq(b.len, 14);
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_printf(&b, ": %s.", big);
	cr_assert_eq(b.len, 14 + 2 + 299 + 1);
	cr_assert_eq(strncmp(b.p, "cases.tsv:1042: zzz", 19), 0);
	cr_assert_eq(b.p[b.len - 1], '.');
	cr_assert_eq(b.p[b.len], '\0');
	buf_release(&b);
}

Test(buf, printf_of_empty_string_on_empty_buf)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s", "");
	cr_assert_str_eq(b.p, "");
	cr_assert_eq(b.len, 0);
	buf_release(&b);
}

static void
vp_helper(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

Test(buf, vprintf)
{
	struct buf b = BUF_INIT;

	vp_helper(&b, "%05.1f|%x|%c", 3.14159, 255u, 'q');
	cr_assert_str_eq(b.p, "003.1|ff|q");
	buf_release(&b);
}

Test(buf, detach_hands_over_memory)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *p;

	buf_add(&b, LIT("a\0b"));
	p = buf_detach(&b, &len);
	cr_assert_eq(len, 3);
	cr_assert_eq(memcmp(p, "a\0b\0", 4), 0);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.cap, 0);
	cr_assert_str_eq(b.p, "");
	free(p);
	/* Still usable afterwards. */
	buf_adds(&b, "next");
	cr_assert_str_eq(b.p, "next");
	p = buf_detach(&b, NULL);
	cr_assert_str_eq(p, "next");
	free(p);
}

Test(buf, detach_of_empty_buf_is_freeable)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *p;

	p = buf_detach(&b, &len);
	cr_assert_not_null(p);
	cr_assert_str_eq(p, "");
	cr_assert_eq(len, 0);
	cr_assert_neq(p, b.p);		/* not the shared empty string */
	free(p);
}

static const char *
quoted(struct buf *b, const char *p, size_t n)
{
	buf_reset(b);
	buf_add_quoted(b, p, n);
	return b->p;
}

Test(buf, add_quoted_escapes_controls_and_quotes)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(quoted(&b, LIT("plain text")), "plain text");
	cr_assert_str_eq(quoted(&b, LIT("a\tb\nc\rd")), "a\\tb\\nc\\rd");
	cr_assert_str_eq(quoted(&b, LIT("it's")), "it\\'s");
	cr_assert_str_eq(quoted(&b, LIT("back\\slash")), "back\\\\slash");
	cr_assert_str_eq(quoted(&b, LIT("\x01\x1f\x7f")), "\\x01\\x1f\\x7f");
	cr_assert_str_eq(quoted(&b, LIT("nul\0here")), "nul\\x00here");
	cr_assert_str_eq(quoted(&b, LIT("\"dq\"")), "\"dq\"");
	cr_assert_str_eq(quoted(&b, "", 0), "");
	buf_release(&b);
}

Test(buf, add_quoted_keeps_valid_utf8)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(quoted(&b, LIT("2024-13-01 张三 😀 é")),
	    "2024-13-01 张三 😀 é");
	buf_release(&b);
}

Test(buf, add_quoted_escapes_invalid_bytes)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(quoted(&b, LIT("\xff")), "\\xff");
	cr_assert_str_eq(quoted(&b, LIT("a\x80z")), "a\\x80z");
	cr_assert_str_eq(quoted(&b, LIT("\xc3(")), "\\xc3(");
	/* A character cut at the end of the value. */
	cr_assert_str_eq(quoted(&b, LIT("张\xe4\xb8")), "张\\xe4\\xb8");
	cr_assert_str_eq(quoted(&b, LIT("\xf0\x9f\x98")), "\\xf0\\x9f\\x98");
	/* Overlongs and surrogates are invalid, byte by byte. */
	cr_assert_str_eq(quoted(&b, LIT("\xc0\xaf")), "\\xc0\\xaf");
	cr_assert_str_eq(quoted(&b, LIT("\xed\xa0\x80")),
	    "\\xed\\xa0\\x80");
	/* An invalid lead byte does not swallow the valid character after. */
	cr_assert_str_eq(quoted(&b, LIT("\xe4张")), "\\xe4张");
	buf_release(&b);
}

/* The value may sit in exactly-sized memory: nothing past n is read. */
Test(buf, add_quoted_reads_only_n_bytes)
{
	struct buf b = BUF_INIT;
	char *p = malloc(2);

	cr_assert_not_null(p);
	memcpy(p, "\xe4\xb8", 2);
	cr_assert_str_eq(quoted(&b, p, 2), "\\xe4\\xb8");
	memcpy(p, "\xf0\x9f", 2);
	cr_assert_str_eq(quoted(&b, p, 2), "\\xf0\\x9f");
	free(p);
	buf_release(&b);
}

Test(buf, add_from_itself_survives_growth)
{
	struct buf b = BUF_INIT;
	int i;

	buf_adds(&b, "ab");
	/* Each doubling reallocates while the source is b's own bytes. */
	for (i = 0; i < 12; i++)
		buf_add(&b, b.p, b.len);
	cr_assert_eq(b.len, 2u << 12);
	for (i = 0; i < (int)b.len; i += 2)
		cr_assert(b.p[i] == 'a' && b.p[i + 1] == 'b', "at %d", i);
	buf_release(&b);
}

Test(buf, add_quoted_escapes_c1_and_bidi)
{
	struct buf b = BUF_INIT;

	/* U+009B (CSI), U+202E (right-to-left override), U+2067. */
	buf_add_quoted(&b, "a\xc2\x9b" "b\xe2\x80\xae" "c\xe2\x81\xa7" "d", 12);
	cr_assert_str_eq(b.p, "a\\u{009b}b\\u{202e}c\\u{2067}d");
	buf_release(&b);
}
