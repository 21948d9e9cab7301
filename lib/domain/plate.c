/* plate: motor-vehicle plate numbers (GA 36-2018).  See plate.h. */
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/num.h"
#include "domain/plate.h"
#include "base/utf8.h"

/* Province abbreviations; each is 3 bytes of UTF-8. */
static const char provinces[] =
	"京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
/* Suffixes of PLATE_SPECIAL: coach, police, trailer, HK, Macao, consulate. */
static const char suffixes[] = "挂学警港澳领";
/* New-energy kind letters: D/F, plus A B C E and G H J K since ~2021. */
static const char nev_letters[] = "DABCEFGHJK";

/* Is the 3-byte UTF-8 character at s one of those in list? */
static int
is_one_of3(const char *s, const char *list, size_t listlen)
{
	for (size_t i = 0; i + 3 <= listlen; i += 3)
		if (memcmp(s, list + i, 3) == 0)
			return 1;
	return 0;
}

/* Letters used in plates: A-Z without I and O (they look like 1 and 0). */
static int
is_letter(char c)
{
	return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O';
}

static int
is_serial(char c)
{
	return num_is_digit((unsigned char)c) || is_letter(c);
}

static int
is_nev(char c)
{
	return c != '\0' && strchr(nev_letters, c) != NULL;
}

/* Classify normalised text s[0..n). */
static enum plate_kind
plate_classify(const char *s, size_t n, int *warn)
{
	const char *r;
	size_t rn;
	int letters = 0;

	if (n < 4 || !is_one_of3(s, provinces, sizeof provinces - 1) ||
	    !is_letter(s[3]))
		return PLATE_INVALID;
	r = s + 4;
	rn = n - 4;
	switch (rn) {
	case 5:
		for (size_t i = 0; i < 5; i++) {
			if (!is_serial(r[i]))
				return PLATE_INVALID;
			letters += is_letter(r[i]);
		}
		/* The rule text allows at most 2 letters; data from other
		 * systems has more, so warn instead of rejecting. */
		if (letters > 2 && warn != NULL)
			*warn |= PLATE_WARN_LETTERS;
		return PLATE_ORDINARY;
	case 7:
		for (size_t i = 0; i < 4; i++)
			if (!is_serial(r[i]))
				return PLATE_INVALID;
		if (!is_one_of3(r + 4, suffixes, sizeof suffixes - 1))
			return PLATE_INVALID;
		return PLATE_SPECIAL;
	case 6:
		if (is_nev(r[0])) {
			if (!is_serial(r[1]))
				return PLATE_INVALID;
			for (size_t i = 2; i < 6; i++)
				if (!num_is_digit((unsigned char)r[i]))
					return PLATE_INVALID;
			return PLATE_NEV_SMALL;
		}
		for (size_t i = 0; i < 5; i++)
			if (!num_is_digit((unsigned char)r[i]))
				return PLATE_INVALID;
		return is_nev(r[5]) ? PLATE_NEV_LARGE : PLATE_INVALID;
	default:
		return PLATE_INVALID;
	}
}

/* Separators people and exports put inside a plate: spaces (ASCII,
 * no-break, ideographic), middle dots (· • ・ ･ ⋅ ∙ ‧) and dashes (- ‐ ‑ ‒
 * – — －).  湘M·12345 is how the plate itself is painted.  A full stop or
 * a tab is no separator: it is a typing or export error, left to fail. */
static int
is_separator(uint32_t cp)
{
	switch (cp) {
	case ' ': case 0xa0: case 0x3000:
	case 0xb7: case 0x2022: case 0x30fb:
	case 0xff65: case 0x22c5: case 0x2219: case 0x2027:
	case '-': case 0x2010: case 0x2011: case 0x2012: case 0x2013:
	case 0x2014: case 0xff0d:
		return 1;
	}
	return 0;
}

enum plate_kind
plate_norm(const char *p, size_t n, struct buf *out, int *warn)
{
	size_t start = out->len;
	size_t i = 0;

	if (warn != NULL)
		*warn = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);

		if (is_separator(cp))
			;	/* separators people type: drop */
		else if (cp >= 0xff10 && cp <= 0xff19)	/* ０-９ */
			buf_addc(out, (int)('0' + (cp - 0xff10)));
		else if (cp >= 0xff21 && cp <= 0xff3a)	/* Ａ-Ｚ */
			buf_addc(out, (int)('A' + (cp - 0xff21)));
		else if (cp >= 0xff41 && cp <= 0xff5a)	/* ａ-ｚ */
			buf_addc(out, (int)('A' + (cp - 0xff41)));
		else if (cp >= 'a' && cp <= 'z')
			buf_addc(out, (int)(cp - 'a' + 'A'));
		else	/* the original bytes, invalid UTF-8 included */
			buf_add(out, p + i, k);
		i += k;
	}
	return plate_classify(out->p + start, out->len - start, warn);
}
