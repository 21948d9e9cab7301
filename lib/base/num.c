/* num: numbers from text, fixed decimals to text.  See num.h. */
#include <limits.h>
#include <string.h>

#include "base/diag.h"
#include "base/num.h"
#include "base/util.h"

static const long long pow10s[NUM_SCALE_MAX + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000
};

int
num_is_digits(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!num_is_digit((unsigned char)p[i]))
			return 0;
	return 1;
}

/*
 * The digits p[0..n) (all checked to be digits) as minus their value into
 * *neg: accumulating downwards reaches LLONG_MIN, which has no positive
 * twin.  -1 on overflow.
 */
static int
digits_neg(const char *p, size_t n, long long *neg)
{
	long long v = 0;
	int d;

	for (size_t i = 0; i < n; i++) {
		d = p[i] - '0';
		if (v < (LLONG_MIN + d) / 10)
			return -1;
		v = v * 10 - d;
	}
	*neg = v;
	return 0;
}

/* Minus v, or -1 when v is LLONG_MIN and positive was asked for. */
static int
sign(long long neg, int minus, long long *v)
{
	if (minus) {
		*v = neg;
		return 0;
	}
	if (neg == LLONG_MIN)
		return -1;
	*v = -neg;
	return 0;
}

/*
 * The short forms, in one pass with no overflow to watch: up to 18
 * digits, and for a decimal with a dot at most scale decimals, ni + scale
 * at most 18 (so the value times 10^scale stays under 10^18).  1 with the
 * value (unsigned) in *u, else 0 and the caller takes the general way,
 * which also says what is wrong with the text.
 */
static inline int
short_digits(const char *p, size_t n, unsigned long long *u)
{
	unsigned long long x = 0;
	unsigned d;
	size_t i;

	if (n == 0 || n > 18)
		return 0;
	for (i = 0; i < n; i++) {
		d = (unsigned)(unsigned char)p[i] - '0';
		if (d > 9)
			return 0;
		x = x * 10 + d;
	}
	*u = x;
	return 1;
}

static inline int
short_dec(const char *p, size_t n, int scale, unsigned long long *u)
{
	unsigned long long x = 0;
	unsigned d;
	size_t i = 0, ni, nf;

	while (i < n && (d = (unsigned)(unsigned char)p[i] - '0') <= 9) {
		x = x * 10 + d;
		i++;
	}
	ni = i;
	if (ni == 0 || ni + (size_t)scale > 18)
		return 0;
	if (i == n) {
		*u = x * (unsigned long long)pow10s[scale];
		return 1;
	}
	nf = n - i - 1;
	if (p[i] != '.' || nf == 0 || nf > (size_t)scale)
		return 0;
	for (i++; i < n; i++) {
		d = (unsigned)(unsigned char)p[i] - '0';
		if (d > 9)
			return 0;
		x = x * 10 + d;
	}
	*u = x * (unsigned long long)pow10s[(size_t)scale - nf];
	return 1;
}

int
num_ll(const char *p, size_t n, long long *v)
{
	int minus = n > 0 && p[0] == '-';
	unsigned long long u;
	long long neg;

	p += minus;
	n -= (size_t)minus;
	if (short_digits(p, n, &u)) {
		*v = minus ? -(long long)u : (long long)u;
		return 0;
	}
	if (!num_is_digits(p, n) || digits_neg(p, n, &neg) < 0)
		return -1;
	return sign(neg, minus, v);
}

int
num_ll_range(const char *p, size_t n, long long min, long long max,
	     long long *v)
{
	long long x;

	if (num_ll(p, n, &x) < 0 || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

int
num_dec(const char *p, size_t n, int scale, long long *v)
{
	int minus = n > 0 && p[0] == '-';
	const char *dot;
	size_t ni, nf, keep;
	long long ip, fp = 0, neg;
	unsigned long long u;

	if (scale < 0 || scale > NUM_SCALE_MAX)
		return -1;
	p += minus;
	n -= (size_t)minus;
	if (short_dec(p, n, scale, &u)) {
		*v = minus ? -(long long)u : (long long)u;
		return 0;
	}
	dot = memchr(p, '.', n);
	ni = dot != NULL ? (size_t)(dot - p) : n;
	nf = dot != NULL ? n - ni - 1 : 0;
	if (!num_is_digits(p, ni) ||
	    (dot != NULL && !num_is_digits(dot + 1, nf)))
		return -1;
	/* Decimals past the scale must be zeros: exact or refused. */
	keep = nf < (size_t)scale ? nf : (size_t)scale;
	for (size_t i = keep; i < nf; i++)
		if (dot[1 + i] != '0')
			return -1;
	if (digits_neg(p, ni, &ip) < 0 ||
	    (keep > 0 && digits_neg(dot + 1, keep, &fp) < 0))
		return -1;
	/* ip * 10^scale + fp * 10^(scale - keep), all negative. */
	if (ip < LLONG_MIN / pow10s[scale])
		return -1;
	neg = ip * pow10s[scale];
	fp *= pow10s[(size_t)scale - keep];
	if (neg < LLONG_MIN - fp)
		return -1;
	return sign(neg + fp, minus, v);
}

size_t
num_fmt_dec(char *out, long long v, int scale)
{
	char tmp[NUM_FMT_MAX];
	unsigned long long u;
	size_t n = 0, len = 0;

	if (scale < 0 || scale > NUM_SCALE_MAX)
		diag_die(JW_EXIT_INTERNAL, "num_fmt_dec: scale %d outside "
			 "0..%d", scale, NUM_SCALE_MAX);
	/* The magnitude in unsigned arithmetic: -LLONG_MIN overflows. */
	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	/* Digits backwards, with at least scale + 1 of them ("0.05"). */
	do {
		if (scale > 0 && n == (size_t)scale)
			tmp[n++] = '.';
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0 || n <= (size_t)scale);
	if (v < 0)
		out[len++] = '-';
	while (n > 0)
		out[len++] = tmp[--n];
	out[len] = '\0';
	return len;
}
