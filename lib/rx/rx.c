/* rx: PCRE2 patterns, UTF mode, JIT when available.  See rx.h. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "base/buf.h"
#include "base/diag.h"
#include "rx/rx.h"
#include "base/util.h"

/* JIT code keeps its frames on this stack rather than the machine stack;
 * the default (32 KiB) is small for long alternations.  Memory past the
 * start size is only mapped when used. */
#define RX_JIT_STACK_START ((size_t)32 << 10)
#define RX_JIT_STACK_MAX ((size_t)1 << 20)

struct rx {
	pcre2_code *code;
	char *pat;
	int jit;		/* -1 not yet tried, 0 interpreted, 1 JIT */
};

/* What every match needs is shared by all patterns (a grid has tens of
 * thousands): one match context with the limits and one JIT stack, one
 * match data for the whole-match span.  Created with the first pattern,
 * freed with the last. */
static struct {
	size_t users;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
} shared;

static void
rx_oom(void *p)
{
	if (p == NULL)
		diag_die(JW_EXIT_INTERNAL, "out of memory");
}

struct rx *
rx_compile(const char *pat, int caseless, char **err)
{
	uint32_t opts = PCRE2_UTF | (caseless ? PCRE2_CASELESS : 0);
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	struct rx *r;
	int code;

	r = xcalloc(1, sizeof *r);
	r->code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts,
				&code, &off, NULL);
	if (r->code == NULL) {
		if (err) {
			struct buf b = BUF_INIT;

			if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
				snprintf((char *)msg, sizeof msg,
					 "error %d", code);
			buf_printf(&b, "at offset %zu: %s", (size_t)off,
				   (const char *)msg);
			*err = buf_detach(&b, NULL);
		}
		free(r);
		return NULL;
	}
	/* JIT compilation waits for the first match: a grid compiles tens
	 * of thousands of patterns and may run few of them (most points are
	 * matched by their plans, see grid.c). */
	r->jit = -1;
	if (shared.users++ == 0) {
		shared.md = pcre2_match_data_create(1, NULL);
		rx_oom(shared.md);
		shared.mctx = pcre2_match_context_create(NULL);
		rx_oom(shared.mctx);
		pcre2_set_match_limit(shared.mctx, RX_MATCH_LIMIT);
		pcre2_set_depth_limit(shared.mctx, RX_DEPTH_LIMIT);
		shared.jstack = pcre2_jit_stack_create(RX_JIT_STACK_START,
						       RX_JIT_STACK_MAX, NULL);
		rx_oom(shared.jstack);
		pcre2_jit_stack_assign(shared.mctx, NULL, shared.jstack);
	}
	r->pat = xstrdup(pat);
	return r;
}

void
rx_free(struct rx *r)
{
	if (r == NULL)
		return;
	pcre2_code_free(r->code);
	if (--shared.users == 0) {
		pcre2_match_context_free(shared.mctx);
		pcre2_jit_stack_free(shared.jstack);
		pcre2_match_data_free(shared.md);
		memset(&shared, 0, sizeof shared);
	}
	free(r->pat);
	free(r);
}

int
rx_match(struct rx *r, const char *s, size_t n, size_t *so, size_t *eo)
{
	return rx_match_at(r, s, n, 0, so, eo);
}

int
rx_match_at(struct rx *r, const char *s, size_t n, size_t start, size_t *so,
	    size_t *eo)
{
	PCRE2_SIZE *ov;
	int rc;

	/* PCRE2 before 10.43 refuses a NULL subject even when empty. */
	if (s == NULL && n == 0)
		s = "";
	/* Records are valid UTF-8 (the reader rejects the rest), so PCRE2
	 * need not check it again on every match.  JIT code is called
	 * directly: pcre2_match() would only pass the call on, after
	 * setting up for the interpreter. */
	if (r->jit < 0) {
		/* Without JIT support (or with it refused, e.g. no
		 * executable memory) pcre2_match() interprets: slower, same
		 * results. */
		r->jit = pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE) == 0;
	}
	if (r->jit)
		rc = pcre2_jit_match(r->code, (PCRE2_SPTR)s, n, start, 0,
				     shared.md, shared.mctx);
	else
		rc = pcre2_match(r->code, (PCRE2_SPTR)s, n, start,
				 PCRE2_NO_UTF_CHECK, shared.md, shared.mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	/* Limits (PCRE2_ERROR_MATCHLIMIT, _DEPTHLIMIT, _JIT_STACKLIMIT),
	 * invalid UTF-8 and the rest: an error, never "no match". */
	if (rc < 0)
		return -1;
	/* rc == 0: the ovector holds only the whole match, which is all
	 * we use. */
	ov = pcre2_get_ovector_pointer(shared.md);
	if (so)
		*so = ov[0];
	if (eo)
		*eo = ov[1];
	return 1;
}

const char *
rx_pattern(const struct rx *r)
{
	return r->pat;
}
