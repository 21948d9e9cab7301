/*
 * num: the one place numbers are read from text and fixed decimals are
 * written.  Every parser here is strict: the whole of p[0..n) must be the
 * number, with no spaces, no '+', no exponent, and overflow is an error,
 * never a wrapped value.  Leading zeros are allowed ("007" is 7) and "-0"
 * is 0.  A failed parse leaves *v alone.  Nothing allocates, nothing reads
 * the locale (the decimal point is always '.').
 *
 * Amounts are scaled integers: a fine of 12.5 yuan read with scale 2 is
 * 1250 (fen), so sums and comparisons are exact; num_fmt_dec() writes it
 * back as "12.50".
 */
#ifndef JW_NUM_H
#define JW_NUM_H

#include <stddef.h>

#define NUM_SCALE_MAX 9
/* Enough for num_fmt_dec() of any value and scale, with the NUL. */
#define NUM_FMT_MAX 32

/* 1 if c is an ASCII digit '0'-'9', else 0 (isdigit() depends on the
 * locale and is undefined for negative chars). */
static inline int
num_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* 1 if p[0..n) is one or more ASCII digits, else 0 (also for n == 0). */
int num_is_digits(const char *p, size_t n);
/* A whole number with an optional leading '-' into *v.  Returns 0, or -1
 * when the text is not one ("", "-", "+1", " 1", "1.0", "1e3") or does
 * not fit a long long. */
int num_ll(const char *p, size_t n, long long *v);
/* A whole number as num_ll() that must also lie in [min, max]: 0, or -1
 * when it is not one or lies outside. */
int num_ll_range(const char *p, size_t n, long long min, long long max,
		 long long *v);
/* A decimal number ("12", "-3.5", "0.05") scaled by 10^scale into *v:
 * num_dec("12.5", 4, 2, &v) gives 1250.  The point needs a digit on each
 * side: "1." and ".5" are -1, and so are a bare '.', exponents, '+',
 * spaces, a scale outside 0..NUM_SCALE_MAX and a result that does not fit
 * a long long.  Decimals past scale must be zeros ("12.500" at scale 2 is
 * 1250; "12.505" is -1): the value is exact or refused, never rounded. */
int num_dec(const char *p, size_t n, int scale, long long *v);
/* Write v / 10^scale with exactly scale decimals ("12.50", "-0.05", and
 * "3" for scale 0) and a NUL into out, which holds at least NUM_FMT_MAX
 * bytes; returns the length without the NUL.  Any long long works,
 * LLONG_MIN too.  A scale outside 0..NUM_SCALE_MAX is a bug: exit 5. */
size_t num_fmt_dec(char *out, long long v, int scale);

#endif
