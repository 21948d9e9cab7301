/* rxscan: reading PCRE2 pattern syntax, piece by piece.  See rxscan.h. */
#include <stddef.h>
#include <stdint.h>

#include "rx/rxscan.h"

int
rxscan_is_punct(unsigned char c)
{
	return c > ' ' && c < 0x7f && !(c >= '0' && c <= '9') &&
	    !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z');
}

/* A counted quantifier {n}, {n,}, {n,m} at p: its length and minimum.
 * Returns 0 when p is not one (a literal brace), -1 when unsure. */
int
rxscan_brace(const char *p, size_t *len, long *min)
{
	const char *q = p + 1;
	long v = 0;
	int digits = 0;

	while (*q >= '0' && *q <= '9') {
		if (v < 100000)
			v = v * 10 + (*q - '0');
		q++;
		digits++;
	}
	if (digits && *q == ',')
		for (q++; *q >= '0' && *q <= '9'; q++)
			;
	if (digits && *q == '}') {
		*len = (size_t)(q + 1 - p);
		*min = v;
		return 1;
	}
	/* Newer PCRE2 also reads {,m} and spaces inside: do not guess. */
	for (q = p + 1; *q && *q != '}'; q++)
		if (!(*q == ',' || *q == ' ' || (*q >= '0' && *q <= '9')))
			return 0;
	return *q == '}' ? -1 : 0;
}

/* The quantifier at p: its length (0 when none) and minimum; -1 if
 * unsure. */
int
rxscan_quant(const char *p, size_t *len, long *min)
{
	size_t n;
	int r;

	*len = 0;
	*min = 1;
	switch (*p) {
	case '?':
	case '*':
		n = 1;
		*min = 0;
		break;
	case '+':
		n = 1;
		break;
	case '{':
		if ((r = rxscan_brace(p, &n, min)) <= 0)
			return r;
		break;
	default:
		return 0;
	}
	if (p[n] == '?' || p[n] == '+')	/* lazy, possessive */
		n++;
	*len = n;
	return 0;
}

/* Skip an escape at p ('\\'); returns the byte after it, or NULL for
 * one we do not follow (\Q...\E quoting, a pattern's last byte). */
const char *
rxscan_skip_escape(const char *p)
{
	if (p[1] == '\0' || p[1] == 'Q' || p[1] == 'E')
		return NULL;
	return p + 2;
}

/* Skip a character class at p ('['); returns the byte after it or NULL. */
const char *
rxscan_skip_class(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (;;) {
		switch (*p) {
		case '\0':
			return NULL;
		case '\\':
			if ((p = rxscan_skip_escape(p)) == NULL)
				return NULL;
			break;
		case '[':
			if (p[1] == ':' || p[1] == '.' || p[1] == '=') {
				char e = p[1];

				for (p += 2; *p && !(*p == e && p[1] == ']');
				     p++)
					;
				if (*p == '\0')
					return NULL;
				p += 2;
			} else {
				p++;
			}
			break;
		case ']':
			return p + 1;
		default:
			p++;
		}
	}
}

/* Is "(?" at p a kind of group we can skip? */
int
rxscan_group_ok(const char *p)
{
	if (p[1] == '*')
		return 0;
	if (p[1] != '?')
		return 1;
	switch (p[2]) {
	case ':': case '=': case '!': case '>': case '|': case '\'':
		return 1;
	case '<':
		return p[3] == '=' || p[3] == '!' || p[3] == '_' ||
		    (p[3] >= 'A' && p[3] <= 'Z') || (p[3] >= 'a' && p[3] <= 'z');
	case 'P':
		return p[3] == '<';
	}
	return 0;
}

/* Skip a group at p ('('); returns the byte after it or NULL. */
const char *
rxscan_skip_group(const char *p)
{
	int depth = 0;

	for (;;) {
		switch (*p) {
		case '\0':
			return NULL;
		case '\\':
			if ((p = rxscan_skip_escape(p)) == NULL)
				return NULL;
			break;
		case '[':
			if ((p = rxscan_skip_class(p)) == NULL)
				return NULL;
			break;
		case '(':
			if (!rxscan_group_ok(p))
				return NULL;
			depth++;
			p++;
			break;
		case ')':
			p++;
			if (--depth == 0)
				return p;
			break;
		default:
			p++;
		}
	}
}

size_t
rxscan_utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

void
rxscan_set_add(uint64_t *set, unsigned char c)
{
	set[c >> 6] |= (uint64_t)1 << (c & 63);
}

/* The ASCII class at p into set; returns the byte after it, or NULL when
 * the class is negated, has non-ASCII members or escapes other than \d
 * and escaped punctuation. */
const char *
rxscan_class(const char *p, uint64_t *set)
{
	unsigned char lo, hi;
	unsigned c;

	p++;
	if (*p == '^' || *p == ']')
		return NULL;
	while (*p != ']') {
		if (*p == '\0' || (unsigned char)*p >= 0x80 || *p == '[')
			return NULL;
		if (*p == '\\') {
			if (p[1] == 'd') {
				for (c = '0'; c <= '9'; c++)
					rxscan_set_add(set, (unsigned char)c);
				p += 2;
				continue;
			}
			if (!rxscan_is_punct((unsigned char)p[1]))
				return NULL;
			p++;
		}
		lo = hi = (unsigned char)*p++;
		if (*p == '-' && p[1] != ']') {
			if (p[1] == '\\' || p[1] == '[' ||
			    (unsigned char)p[1] >= 0x80)
				return NULL;
			hi = (unsigned char)p[1];
			p += 2;
		}
		for (c = lo; c <= hi; c++)
			rxscan_set_add(set, (unsigned char)c);
	}
	return p + 1;
}

