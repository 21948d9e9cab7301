/* buf: the growable byte string.  See buf.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/utf8.h"
#include "base/util.h"

char buf_empty_[1];

void
buf_init(struct buf *b)
{
	b->p = buf_empty_;
	b->len = b->cap = 0;
}

void
buf_release(struct buf *b)
{
	if (b->cap)
		free(b->p);
	buf_init(b);
}

void
buf_grow(struct buf *b, size_t n)
{
	size_t need, cap;

	if (n > (size_t)-1 / 2 - b->len)
		diag_die(JW_EXIT_INTERNAL, "out of memory");
	need = b->len + n + 1;
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (b->cap == 0) {
		b->p = xmalloc(cap);
		b->p[0] = '\0';
	} else {
		b->p = xrealloc(b->p, cap);
	}
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	const char *src = p;

	/* Appending part of b to itself: the source moves when b grows. */
	if (b->cap && src >= b->p && src < b->p + b->cap) {
		size_t off = (size_t)(src - b->p);

		buf_grow(b, n);
		p = b->p + off;
	}
	buf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->p[b->len++] = (char)c;
	b->p[b->len] = '\0';
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_add_quoted(struct buf *b, const char *p, size_t n)
{
	size_t i = 0, k;
	unsigned char c;

	while (i < n) {
		c = (unsigned char)p[i];
		if (c >= 0x80) {
			/* One character: copy it when valid, else \xHH. */
			k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			if (k <= n - i && utf8_valid_prefix(p + i, k) == k) {
				uint32_t cp;

				utf8_decode(p + i, k, &cp);
				/* C1 controls and bidi overrides could steer
				 * the terminal or reorder the message. */
				if (cp < 0xa0 || (cp >= 0x202a && cp <= 0x202e) ||
				    (cp >= 0x2066 && cp <= 0x2069))
					buf_printf(b, "\\u{%04x}", (unsigned)cp);
				else
					buf_add(b, p + i, k);
				i += k;
			} else {
				buf_printf(b, "\\x%02x", c);
				i++;
			}
			continue;
		}
		switch (c) {
		case '\t': buf_add(b, "\\t", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\'': buf_add(b, "\\'", 2); break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_printf(b, "\\x%02x", c);
			else
				buf_addc(b, c);
		}
		i++;
	}
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (b->cap == 0)
		p = xstrdup("");
	else
		p = b->p;
	if (len)
		*len = b->len;
	buf_init(b);
	return p;
}
