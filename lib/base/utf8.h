/*
 * utf8: validation, decoding and display width of UTF-8 text.
 *
 * Validation follows RFC 3629 (no overlongs, no surrogates, nothing above
 * U+10FFFF) and is on the hot path of every reader: it takes 8 bytes at a
 * time while they are ASCII.  Width follows the East Asian Width property:
 * wide and fullwidth characters (CJK, Hangul, fullwidth forms, most emoji)
 * count 2, combining marks and zero-width characters 0, others 1.
 */
#ifndef JW_UTF8_H
#define JW_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Whether the AVX2 code paths (here and in the record reader) are used:
 * the CPU has AVX2 and JINGWU_NO_SIMD is not set.  The variable exists so
 * that the tests can run the plain C paths on any machine. */
int utf8_simd(void);
/* Length of the longest valid UTF-8 prefix of p[0..n): n when all valid. */
size_t utf8_valid_prefix(const char *p, size_t n);
static inline int utf8_is_valid(const char *p, size_t n)
{ return utf8_valid_prefix(p, n) == n; }
/* Decode one character at p (n > 0 bytes available).  Returns its length
 * (1-4) and stores the code point; an invalid sequence returns 1 and
 * stores 0xFFFD. */
size_t utf8_decode(const char *p, size_t n, uint32_t *cp);
/* Encode cp (<= 0x10FFFF) into out; returns the length (1-4). */
size_t utf8_encode(uint32_t cp, char out[4]);
/* Number of characters (invalid bytes count one each). */
size_t utf8_chars(const char *p, size_t n);
/* Display columns of one code point: 0, 1 or 2. */
int utf8_cp_width(uint32_t cp);
/* Display columns of p[0..n); control characters count 0. */
size_t utf8_width(const char *p, size_t n);
/* Longest prefix of p[0..n) that fits in cols columns, never splitting a
 * character; its width goes to *width if non-NULL.  Returns bytes. */
size_t utf8_fit(const char *p, size_t n, size_t cols, size_t *width);

#endif
