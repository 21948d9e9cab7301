/*
 * buf: the growable byte string.
 *
 * A struct buf is embedded by value and set up with buf_init() or BUF_INIT.
 * Its bytes are always followed by a NUL (so b.p is a C string when the
 * contents hold no NUL), but it may hold NULs.  buf_reset() empties it and
 * keeps the memory; buf_release() frees it; buf_detach() hands the memory
 * to the caller, who frees it, and leaves the buf empty.
 */
#ifndef JW_BUF_H
#define JW_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p;	/* contents, NUL-terminated; never NULL after init */
	size_t len;	/* bytes used, not counting the NUL */
	size_t cap;	/* bytes allocated */
};

extern char buf_empty_[1];
#define BUF_INIT { buf_empty_, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Empty the buffer, keep its memory. */
static inline void buf_reset(struct buf *b) { if (b->cap) b->p[b->len = 0] = '\0'; }
/* Make room for n more bytes (plus the NUL). */
void buf_grow(struct buf *b, size_t n);
/* Append p[0..n); p may point into b itself. */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Append p[0..n) for a message: control bytes, quotes and backslashes as
 * C escapes (\t, \n, \x01), C1 controls and bidi overrides as \u{202e},
 * other valid UTF-8 kept as is, invalid bytes \xHH. */
void buf_add_quoted(struct buf *b, const char *p, size_t n);
/* Take the memory; caller frees.  The buf is left empty and usable. */
char *buf_detach(struct buf *b, size_t *len);

#endif
