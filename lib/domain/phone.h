/*
 * phone: mainland China mobile numbers.
 *
 * 11 digits, 1[3-9] then 9 digits.  Spaces and '-' are ignored and a
 * +86, 0086 or 86 prefix is dropped before checking; a '+' is allowed only
 * before the first digit and must be followed by 86.  13-digit IoT numbers
 * (14x) are not phones.  Number portability means the prefix says nothing
 * about the carrier, so no carrier is derived.  Nothing allocates.
 */
#ifndef JW_PHONE_H
#define JW_PHONE_H

#include <stddef.h>

/* Normalise p[0..n) to 11 digits in out (NUL-terminated):
 * "+86 138-0013-8000" -> "13800138000".  Returns 0, or -1 (out untouched)
 * when it is not a mainland mobile number: any byte other than digits,
 * ' ', '-' and a leading '+', a wrong digit count, a first digit other than
 * 1 or a second digit outside 3-9. */
int phone_norm(const char *p, size_t n, char out[12]);
/* E.164 form "+86" + 11 digits into out (14 chars + NUL) for the same
 * inputs as phone_norm().  Returns 0, or -1 (out untouched). */
int phone_e164(const char *p, size_t n, char out[15]);

#endif
