/* mask: hide personal data for display.  See mask.h. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "rec/mask.h"
#include "base/num.h"
#include "base/utf8.h"

static void
add_stars(struct buf *out, size_t n)
{
	buf_grow(out, n);
	memset(out->p + out->len, '*', n);
	out->len += n;
	out->p[out->len] = '\0';
}

/* 15 or 18 digits, the last possibly X or x. */
static int
is_idno(const char *p, size_t n)
{
	size_t i;

	if (n != 15 && n != 18)
		return 0;
	for (i = 0; i < n - 1; i++)
		if (!num_is_digit((unsigned char)p[i]))
			return 0;
	return num_is_digit((unsigned char)p[n - 1]) || p[n - 1] == 'X' ||
	    p[n - 1] == 'x';
}

/*
 * A mainland mobile number: an optional '+' first, then digits with
 * spaces or dashes anywhere among them.  The digits are 11 starting with
 * 1, after an optional 86 (always, after '+') or 0086.  On success the 11
 * digits go to d.
 */
static int
is_phone(const char *p, size_t n, char d[11])
{
	char dig[15];
	size_t i = 0, nd = 0, skip;
	int plus = 0;

	if (n > 0 && p[0] == '+') {
		plus = 1;
		i = 1;
	}
	for (; i < n; i++) {
		if (num_is_digit((unsigned char)p[i])) {
			if (nd == sizeof dig)
				return 0;
			dig[nd++] = p[i];
		} else if (p[i] != ' ' && p[i] != '-') {
			return 0;
		}
	}
	if (nd == 13 && memcmp(dig, "86", 2) == 0)
		skip = 2;
	else if (nd == 15 && !plus && memcmp(dig, "0086", 4) == 0)
		skip = 4;
	else if (nd == 11 && !plus)
		skip = 0;
	else
		return 0;
	if (dig[skip] != '1')
		return 0;
	memcpy(d, dig + skip, 11);
	return 1;
}

/*
 * A name (or anything else): the first character, then one '*' per
 * further character.  Invalid bytes count one character each and are
 * never copied, so even a first invalid byte becomes '*'.  A single
 * character becomes "*": keeping it would hide nothing.
 */
static void
mask_name(struct buf *out, const char *p, size_t n)
{
	size_t k, chars;
	uint32_t cp;

	k = utf8_decode(p, n, &cp);
	chars = utf8_chars(p + k, n - k);
	if (chars == 0 || (k == 1 && (unsigned char)p[0] >= 0x80)) {
		add_stars(out, 1 + chars);
		return;
	}
	buf_add(out, p, k);
	add_stars(out, chars);
}

void
mask_value(struct buf *out, const char *p, size_t n)
{
	char d[11];

	if (n == 0)
		return;
	if (is_phone(p, n, d)) {
		buf_add(out, d, 3);
		buf_add(out, "****", 4);
		buf_add(out, d + 7, 4);
	} else if (is_idno(p, n)) {
		buf_add(out, p, 4);
		add_stars(out, n - 8);
		buf_add(out, p + n - 4, 4);
	} else {
		mask_name(out, p, n);
	}
}
