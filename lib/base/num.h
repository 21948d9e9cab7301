/*
 * num: the one place numbers are read from text and fixed decimals are
 * written.  Every parser here is strict: the whole of p[0..n) must be the
 * number, with no spaces, no '+', no leading zeros rule (007 is 7), and
 * overflow is an error, never a wrapped value.  Nothing allocates.
 */
#ifndef JW_NUM_H
#define JW_NUM_H

#include <stddef.h>

/* 1 if p[0..n) is one or more ASCII digits, else 0. */
int num_is_digits(const char *p, size_t n);
/* A whole number with an optional leading '-' into *v.  0, or -1 when the
 * text is not one or does not fit a long long. */
int num_ll(const char *p, size_t n, long long *v);
/* A decimal number ("12", "-3.5", "0.05") scaled by 10^scale into *v:
 * num_dec("12.5", 4, 2, &v) gives 1250.  More decimals than scale, a bare
 * '.', exponents and overflow are -1.  scale 0..9. */
int num_dec(const char *p, size_t n, int scale, long long *v);
/* Write v / 10^scale with exactly scale decimals ("12.50", "-0.05", "3"
 * for scale 0) into out, which holds at least 32 bytes; returns the
 * length. */
size_t num_fmt_dec(char *out, long long v, int scale);

#endif
