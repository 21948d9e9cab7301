/* Unit tests for lib/base/num.c. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/num.h"

/* num_ll on a C string; *v is set to a sentinel first so a failed parse
 * can be seen to leave it alone. */
static int
ll(const char *s, long long *v)
{
	*v = 4242;
	return num_ll(s, strlen(s), v);
}

static int
dec(const char *s, int scale, long long *v)
{
	*v = 4242;
	return num_dec(s, strlen(s), scale, v);
}

static const char *
fmt(long long v, int scale)
{
	static char out[NUM_FMT_MAX];
	size_t n = num_fmt_dec(out, v, scale);

	cr_assert_eq(n, strlen(out));
	return out;
}

Test(num, digit)
{
	for (int c = -128; c < 256; c++)
		cr_assert_eq(num_is_digit(c), c >= '0' && c <= '9', "%d", c);
}

Test(num, is_digits)
{
	cr_assert_eq(num_is_digits("0", 1), 1);
	cr_assert_eq(num_is_digits("0123456789", 10), 1);
	cr_assert_eq(num_is_digits("", 0), 0);
	cr_assert_eq(num_is_digits("12a", 3), 0);
	cr_assert_eq(num_is_digits("12a", 2), 1);	/* only p[0..n) */
	cr_assert_eq(num_is_digits("-1", 2), 0);
	cr_assert_eq(num_is_digits(" 1", 2), 0);
	cr_assert_eq(num_is_digits("1\0", 2), 0);
	cr_assert_eq(num_is_digits("\xef\xbc\x91", 3), 0);	/* fullwidth 1 */
}

Test(num, ll_good)
{
	long long v;

	cr_assert_eq(ll("0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(ll("-0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(ll("007", &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(ll("-12", &v), 0);
	cr_assert_eq(v, -12);
	cr_assert_eq(ll("9223372036854775807", &v), 0);
	cr_assert_eq(v, LLONG_MAX);
	cr_assert_eq(ll("-9223372036854775808", &v), 0);
	cr_assert_eq(v, LLONG_MIN);
	/* Leading zeros do not count towards overflow. */
	cr_assert_eq(ll("000000000000000000000000000000000000000042", &v), 0);
	cr_assert_eq(v, 42);
}

Test(num, ll_bad_leaves_value)
{
	static const char *const bad[] = {
		"", "-", "--1", "+1", " 1", "1 ", "1\n", "1.0", "1.", ".5",
		"1e3", "0x10", "1,000", "\xd9\xa1", "12a", "a12",
		"9223372036854775808", "-9223372036854775809",
		"99999999999999999999999999999999999999",
	};
	long long v;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cr_assert_eq(ll(bad[i], &v), -1, "'%s'", bad[i]);
		cr_assert_eq(v, 4242, "'%s'", bad[i]);
	}
}

Test(num, ll_reads_only_n_bytes)
{
	long long v;

	cr_assert_eq(num_ll("123456", 3, &v), 0);
	cr_assert_eq(v, 123);
	cr_assert_eq(num_ll("12\0" "3", 4, &v), -1);	/* NUL inside */
	cr_assert_eq(num_ll("-5x", 2, &v), 0);
	cr_assert_eq(v, -5);
}

Test(num, ll_range)
{
	long long v = 0;

	cr_assert_eq(num_ll_range("16", 2, 16, 100, &v), 0);
	cr_assert_eq(v, 16);
	cr_assert_eq(num_ll_range("100", 3, 16, 100, &v), 0);
	cr_assert_eq(v, 100);
	v = 7;
	cr_assert_eq(num_ll_range("15", 2, 16, 100, &v), -1);
	cr_assert_eq(num_ll_range("101", 3, 16, 100, &v), -1);
	cr_assert_eq(num_ll_range("-1", 2, 0, 100, &v), -1);
	cr_assert_eq(num_ll_range("x", 1, 0, 100, &v), -1);
	cr_assert_eq(v, 7);
	cr_assert_eq(num_ll_range("-9223372036854775808", 20, LLONG_MIN,
				  LLONG_MAX, &v), 0);
	cr_assert_eq(v, LLONG_MIN);
}

Test(num, dec_good)
{
	long long v;

	cr_assert_eq(dec("200", 2, &v), 0);
	cr_assert_eq(v, 20000);
	cr_assert_eq(dec("12.5", 2, &v), 0);
	cr_assert_eq(v, 1250);
	cr_assert_eq(dec("0.05", 2, &v), 0);
	cr_assert_eq(v, 5);
	cr_assert_eq(dec("-3.5", 1, &v), 0);
	cr_assert_eq(v, -35);
	cr_assert_eq(dec("-0", 2, &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(dec("-0.00", 2, &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(dec("7", 0, &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(dec("0.123456789", 9, &v), 0);
	cr_assert_eq(v, 123456789);
	cr_assert_eq(dec("1", 9, &v), 0);
	cr_assert_eq(v, 1000000000);
	/* Zeros past the scale are exact, so they are taken. */
	cr_assert_eq(dec("12.500", 2, &v), 0);
	cr_assert_eq(v, 1250);
	cr_assert_eq(dec("3.0", 0, &v), 0);
	cr_assert_eq(v, 3);
	cr_assert_eq(dec("0.05000000000000000000000000000", 2, &v), 0);
	cr_assert_eq(v, 5);
	cr_assert_eq(dec("00012.50", 2, &v), 0);
	cr_assert_eq(v, 1250);
}

Test(num, dec_limits)
{
	long long v;

	cr_assert_eq(dec("9223372036854775807", 0, &v), 0);
	cr_assert_eq(v, LLONG_MAX);
	cr_assert_eq(dec("92233720368547758.07", 2, &v), 0);
	cr_assert_eq(v, LLONG_MAX);
	cr_assert_eq(dec("-92233720368547758.08", 2, &v), 0);
	cr_assert_eq(v, LLONG_MIN);
	cr_assert_eq(dec("-9223372036.854775808", 9, &v), 0);
	cr_assert_eq(v, LLONG_MIN);
	cr_assert_eq(dec("-9.223372036854775808", 9, &v), -1);	/* not zeros */
	cr_assert_eq(dec("92233720368547758.08", 2, &v), -1);
	cr_assert_eq(dec("-92233720368547758.09", 2, &v), -1);
	cr_assert_eq(dec("92233720368547759", 2, &v), -1);
	cr_assert_eq(dec("9223372036.854775808", 9, &v), -1);
	cr_assert_eq(dec("9223372037", 9, &v), -1);
	cr_assert_eq(dec("9223372036.854775807", 9, &v), 0);
	cr_assert_eq(v, LLONG_MAX);
	cr_assert_eq(dec("9223372036.8547758070", 9, &v), 0);
	cr_assert_eq(v, LLONG_MAX);
	cr_assert_eq(dec("9223372036.85477581", 9, &v), -1);
	cr_assert_eq(dec("1", 10, &v), -1);
	cr_assert_eq(dec("1", -1, &v), -1);
	cr_assert_eq(v, 4242);
}

Test(num, dec_bad_leaves_value)
{
	static const char *const bad[] = {
		"", "-", ".", "-.", "1.", ".5", "-.5", "+1", "+1.5", " 1",
		"1 ", "1 .5", "1. 5", "1..5", "1.2.3", "1e3", "1.5e2", "1,5",
		"0x1", "--1", "1-", "12.345", "0.051", "NaN", "inf",
	};
	long long v;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cr_assert_eq(dec(bad[i], 2, &v), -1, "'%s'", bad[i]);
		cr_assert_eq(v, 4242, "'%s'", bad[i]);
	}
}

Test(num, fmt_dec)
{
	cr_assert_str_eq(fmt(1250, 2), "12.50");
	cr_assert_str_eq(fmt(-5, 2), "-0.05");
	cr_assert_str_eq(fmt(5, 2), "0.05");
	cr_assert_str_eq(fmt(0, 2), "0.00");
	cr_assert_str_eq(fmt(3, 0), "3");
	cr_assert_str_eq(fmt(0, 0), "0");
	cr_assert_str_eq(fmt(-7, 0), "-7");
	cr_assert_str_eq(fmt(20000, 2), "200.00");
	cr_assert_str_eq(fmt(1, 9), "0.000000001");
	cr_assert_str_eq(fmt(LLONG_MAX, 0), "9223372036854775807");
	cr_assert_str_eq(fmt(LLONG_MIN, 0), "-9223372036854775808");
	cr_assert_str_eq(fmt(LLONG_MIN, 9), "-9223372036.854775808");
	cr_assert_str_eq(fmt(LLONG_MAX, 2), "92233720368547758.07");
}

Test(num, fmt_then_dec_round_trips)
{
	static const long long vals[] = {
		0, 1, -1, 9, 10, 99, 100, 12345, -12345, 1000000007,
		LLONG_MAX, LLONG_MIN, LLONG_MAX / 7, LLONG_MIN / 3,
	};
	char out[NUM_FMT_MAX];
	long long v;
	size_t n;

	for (int s = 0; s <= NUM_SCALE_MAX; s++)
		for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
			n = num_fmt_dec(out, vals[i], s);
			cr_assert_eq(num_dec(out, n, s, &v), 0, "%s", out);
			cr_assert_eq(v, vals[i], "%s at scale %d", out, s);
		}
}

Test(num, fmt_bad_scale_is_a_bug, .exit_code = 5)
{
	char out[NUM_FMT_MAX];

	num_fmt_dec(out, 1, NUM_SCALE_MAX + 1);
}

/* A plain reference for num_dec(): [-]digits[.digits], decimals past the
 * scale zeros, the value within 64 bits; in 128-bit arithmetic. */
static int
ref_dec(const char *s, size_t n, int scale, long long *v)
{
	__extension__ __int128 x = 0, lim = (__int128)LLONG_MAX + 1;
	size_t i = 0, nd = 0, nf = 0;
	int minus = 0, dot = 0, k;

	if (n > 0 && s[0] == '-')
		minus = 1, i = 1;
	for (; i < n; i++) {
		if (s[i] == '.' && !dot && nd > 0) {
			dot = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (dot && ++nf > (size_t)scale) {
			if (s[i] != '0')
				return -1;
			continue;
		}
		nd++;
		if (x < lim * 10)
			x = x * 10 + (s[i] - '0');
	}
	if (nd == 0 || (dot && nf == 0))
		return -1;
	for (k = dot ? (int)(nf < (size_t)scale ? nf : (size_t)scale) : 0;
	     k < scale; k++)
		if (x < lim * 10)
			x *= 10;
	if (minus)
		x = -x;
	if (x > LLONG_MAX || x < -lim)
		return -1;
	*v = (long long)x;
	return 0;
}

/* The one-pass short forms and the general way agree with the reference
 * on random texts of digits, dots and minus signs, every scale. */
Test(num, dec_agrees_with_reference)
{
	static const char alpha[] = "0123456789012345678901234567890.-";
	unsigned long long r = 88172645463325252ULL;
	char s[32];
	long long v, w;
	size_t n, i;
	int scale, a, b;

	for (int t = 0; t < 200000; t++) {
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		n = 1 + r % 24;
		scale = (int)((r >> 8) % 10);
		for (i = 0; i < n; i++) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			s[i] = alpha[r % (sizeof alpha - 1)];
		}
		v = w = 4242;
		a = num_dec(s, n, scale, &v);
		b = ref_dec(s, n, scale, &w);
		cr_assert_eq(a, b, "'%.*s' scale %d: %d, expected %d", (int)n,
			     s, scale, a, b);
		cr_assert_eq(v, w, "'%.*s' scale %d", (int)n, s, scale);
		if (scale == 0 && memchr(s, '.', n) == NULL) {
			v = 4242;
			cr_assert_eq(num_ll(s, n, &v), b, "'%.*s'", (int)n, s);
			cr_assert_eq(v, w, "'%.*s'", (int)n, s);
		}
	}
}
