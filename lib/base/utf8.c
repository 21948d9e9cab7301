/* utf8: validation, decoding and display width.  See utf8.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/cpu.h"
#include "base/utf8.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define UTF8_AVX2 1
#endif

#define HIGH_BITS 0x8080808080808080ULL

struct range {
	uint32_t lo, hi;
};

/* East Asian Wide and Fullwidth: 2 columns.  Sorted, disjoint. */
static const struct range wide[] = {
	{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
	{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
	{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
	{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

/* Combining marks and zero-width characters: 0 columns.  Sorted, disjoint. */
static const struct range zero[] = {
	{ 0x0300, 0x036f }, { 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff },
	{ 0x200b, 0x200f }, { 0x20d0, 0x20ff }, { 0xfe20, 0xfe2f },
	{ 0xfeff, 0xfeff },
};

/*
 * Length of the valid sequence starting with the non-ASCII byte s[0], of
 * which avail bytes are available, or 0 when it is invalid or truncated.
 * The second byte carries every restriction of RFC 3629 table 3.7: E0
 * excludes overlongs, ED surrogates, F0 overlongs and F4 anything above
 * U+10FFFF; C0, C1 and F5-FF never start a sequence.
 */
static inline size_t
seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;

	if (c < 0xc2)
		return 0;
	if (c < 0xe0)
		return avail >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c < 0xf0) {
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		if (avail < 3 || s[1] < lo || s[1] > hi ||
		    (s[2] & 0xc0) != 0x80)
			return 0;
		return 3;
	}
	if (c < 0xf5) {
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (avail < 4 || s[1] < lo || s[1] > hi ||
		    (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

/* Index of the first byte with its high bit set in a word where one is. */
static inline size_t
first_high(uint64_t w)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(w & HIGH_BITS) / 8;
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(w & HIGH_BITS) / 8;
#else
	size_t i;
	unsigned char b[8];

	memcpy(b, &w, 8);
	for (i = 0; b[i] < 0x80; i++)
		;
	return i;
#endif
}

#ifdef UTF8_AVX2
/*
 * AVX2 validation, 32 bytes at a time, after Keiser and Lemire,
 * "Validating UTF-8 in less than one instruction per byte" (2021): three
 * 16-entry tables looked up by the nibbles of each byte and of the byte
 * before it flag every error of a 2-byte window; 3- and 4-byte sequences
 * are checked by where continuation bytes must be.  Returns 1 when all of
 * s[0..n) is valid.  Only the answer: utf8_valid_prefix() finds the place.
 */
#define T2(...) _mm256_setr_epi8(__VA_ARGS__, __VA_ARGS__)

__attribute__((target("avx2"))) static inline __m256i
prev_n(__m256i in, __m256i prev, int n)
{
	__m256i x = _mm256_permute2x128_si256(prev, in, 0x21);

	switch (n) {
	case 1: return _mm256_alignr_epi8(in, x, 15);
	case 2: return _mm256_alignr_epi8(in, x, 14);
	default: return _mm256_alignr_epi8(in, x, 13);
	}
}

__attribute__((target("avx2"))) static inline __m256i
check_block(__m256i in, __m256i prev)
{
	const __m256i b1h = T2(0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
			       (char)0x80, (char)0x80, (char)0x80, (char)0x80,
			       0x21, 0x01, 0x15, 0x49);
	const __m256i b1l = T2((char)0xe7, (char)0xa3, (char)0x83, (char)0x83,
			       (char)0x8b, (char)0xcb, (char)0xcb, (char)0xcb,
			       (char)0xcb, (char)0xcb, (char)0xcb, (char)0xcb,
			       (char)0xcb, (char)0xdb, (char)0xcb, (char)0xcb);
	const __m256i b2h = T2(0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
			       (char)0xe6, (char)0xae, (char)0xba, (char)0xba,
			       0x01, 0x01, 0x01, 0x01);
	const __m256i lo4 = _mm256_set1_epi8(0x0f);
	__m256i p1 = prev_n(in, prev, 1), p2, p3, sc, must;

	sc = _mm256_and_si256(
		_mm256_and_si256(
			_mm256_shuffle_epi8(b1h, _mm256_and_si256(
				_mm256_srli_epi16(p1, 4), lo4)),
			_mm256_shuffle_epi8(b1l, _mm256_and_si256(p1, lo4))),
		_mm256_shuffle_epi8(b2h, _mm256_and_si256(
			_mm256_srli_epi16(in, 4), lo4)));
	p2 = prev_n(in, prev, 2);
	p3 = prev_n(in, prev, 3);
	must = _mm256_or_si256(_mm256_subs_epu8(p2, _mm256_set1_epi8(0x60)),
			       _mm256_subs_epu8(p3, _mm256_set1_epi8(0x70)));
	must = _mm256_and_si256(must, _mm256_set1_epi8((char)0x80));
	return _mm256_xor_si256(must, sc);
}

__attribute__((target("avx2"))) static int
valid_avx2(const unsigned char *s, size_t n)
{
	__m256i prev = _mm256_setzero_si256(), err = prev;
	__m256i in;
	unsigned char tail[32];
	size_t i = 0;

	/* Every 32 bytes checked, ASCII or not: text here has a Chinese
	 * name or address on every line, and a branch on ASCII would be
	 * mispredicted chunk after chunk (17% slower on such text). */
	for (; i + 32 <= n; i += 32) {
		in = _mm256_loadu_si256((const __m256i *)(s + i));
		err = _mm256_or_si256(err, check_block(in, prev));
		prev = in;
	}
	/* The tail, padded with NULs (ASCII): a cut sequence shows. */
	memset(tail, 0, sizeof tail);
	memcpy(tail, s + i, n - i);
	in = _mm256_loadu_si256((const __m256i *)tail);
	err = _mm256_or_si256(err, check_block(in, prev));
	return _mm256_testz_si256(err, err);
}
#endif

int
utf8_simd(void)
{
#ifdef UTF8_AVX2
	static int use = -1;

	if (use < 0)
		use = cpu_has(CPU_AVX2) &&
		      getenv("JINGWU_NO_SIMD") == NULL;
	return use;
#else
	return 0;
#endif
}

size_t
utf8_valid_prefix(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, k;
	uint64_t w;

#ifdef UTF8_AVX2
	if (n >= 32 && utf8_simd() && valid_avx2(s, n))
		return n;
#endif
	while (i < n) {
		if (s[i] < 0x80) {
			/*
			 * ASCII: take 8 bytes at a time, then jump straight to
			 * the first non-ASCII byte of the word that stopped us.
			 */
			while (n - i >= 8) {
				memcpy(&w, s + i, 8);
				if (w & HIGH_BITS) {
					i += first_high(w);
					break;
				}
				i += 8;
			}
			while (i < n && s[i] < 0x80)
				i++;
			if (i == n)
				break;
		}
		/*
		 * Runs of 3-byte characters (all of CJK) are the common case
		 * after ASCII: test those two trail bytes at once.
		 */
		while (n - i >= 3 && s[i] >= 0xe1 && s[i] <= 0xef &&
		    s[i] != 0xed && ((s[i + 1] & 0xc0) | (s[i + 2] & 0xc0) >> 2)
		    == 0xa0)
			i += 3;
		if (i == n || s[i] < 0x80)
			continue;
		if ((k = seq_len(s + i, n - i)) == 0)
			return i;
		i += k;
	}
	return n;
}

size_t
utf8_decode(const char *p, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t k;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	switch ((k = seq_len(s, n))) {
	case 2:
		*cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		break;
	case 3:
		*cp = (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		break;
	case 4:
		*cp = (uint32_t)(s[0] & 0x07) << 18 |
		    (uint32_t)(s[1] & 0x3f) << 12 |
		    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		break;
	default:
		*cp = 0xfffd;
		return 1;
	}
	return k;
}

size_t
utf8_encode(uint32_t cp, char out[4])
{
	unsigned char *o = (unsigned char *)out;

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
utf8_chars(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, count = 0, k;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
		} else {
			k = seq_len(s + i, n - i);
			i += k ? k : 1;
		}
		count++;
	}
	return count;
}

static int
in_ranges(const struct range *r, size_t nr, uint32_t cp)
{
	size_t lo = 0, hi = nr, mid;

	if (cp < r[0].lo || cp > r[nr - 1].hi)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

int
utf8_cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if (cp < 0x300)
		return 1;
	if (in_ranges(zero, sizeof zero / sizeof zero[0], cp))
		return 0;
	if (in_ranges(wide, sizeof wide / sizeof wide[0], cp))
		return 2;
	return 1;
}

size_t
utf8_width(const char *p, size_t n)
{
	size_t i = 0, w = 0;
	uint32_t cp;

	while (i < n) {
		i += utf8_decode(p + i, n - i, &cp);
		w += (size_t)utf8_cp_width(cp);
	}
	return w;
}

size_t
utf8_fit(const char *p, size_t n, size_t cols, size_t *width)
{
	size_t i = 0, w = 0, k, cw;
	uint32_t cp;

	while (i < n) {
		k = utf8_decode(p + i, n - i, &cp);
		cw = (size_t)utf8_cp_width(cp);
		if (w + cw > cols)
			break;
		w += cw;
		i += k;
	}
	if (width)
		*width = w;
	return i;
}
