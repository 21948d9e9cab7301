/*
 * phone: mainland China mobile numbers.
 *
 * 11 digits, 1[3-9] then 9 digits.  Spaces and '-' are ignored and a
 * +86, 0086 or 86 prefix is dropped before checking.  13-digit IoT numbers
 * (14x) are not phones.
 */
#ifndef JW_PHONE_H
#define JW_PHONE_H

#include <stddef.h>

/* Normalise p[0..n) to 11 digits in out (NUL-terminated).  Returns 0, or
 * -1 when it is not a mainland mobile number. */
int phone_norm(const char *p, size_t n, char out[12]);
/* E.164 form "+86" + 11 digits into out (15 bytes with NUL).  Returns 0/-1. */
int phone_e164(const char *p, size_t n, char out[15]);

#endif
