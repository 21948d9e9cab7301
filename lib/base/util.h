/*
 * util: exit codes and allocation that cannot fail.
 *
 * Every allocation in jingwu goes through xmalloc() and friends, which
 * print "prog: out of memory" and exit with JW_EXIT_INTERNAL (5) when the
 * system refuses; callers therefore never check for NULL.  The exit codes
 * are the contract of DESIGN.md and jingwu-records(5).
 */
#ifndef JW_UTIL_H
#define JW_UTIL_H

#include <stddef.h>

enum {
	JW_EXIT_OK = 0,		/* all good */
	JW_EXIT_REJECTS = 1,	/* finished, some records rejected */
	JW_EXIT_USAGE = 2,	/* bad option, bad field list, unknown field */
	JW_EXIT_CONFIG = 3,	/* YAML unreadable or invalid */
	JW_EXIT_IO = 4,		/* missing file, truncated gzip, disk full */
	JW_EXIT_INTERNAL = 5	/* out of memory, a bug */
};

#define JW_VERSION "0.1.0"
#define JW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* malloc/calloc/realloc/strdup that exit 5 on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc for an array of n elements of size bytes, checking overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
/* n bytes on a page boundary, for block buffers that the kernel copies
 * to or from: a copy from a page-cache page into a buffer 16 bytes past a
 * page boundary (where malloc puts large blocks) ran at a quarter of its
 * speed on an AMD EPYC here.  Free with free(). */
void *xmalloc_page(size_t n);
/* Copy of n bytes with a NUL after them; caller frees. */
char *xmemdup(const void *p, size_t n);

#endif
