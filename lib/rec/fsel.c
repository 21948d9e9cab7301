/* fsel: field lists.  See fsel.h. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "rec/fsel.h"
#include "base/num.h"
#include "base/util.h"

struct sel {
	size_t *v;
	size_t n;
	unsigned char *used;
};

static void
add(struct sel *s, size_t i)
{
	if (s->used[i])
		return;
	s->used[i] = 1;
	s->v[s->n++] = i;
}

static void
unknown(struct cli *cli, const struct rec_reader *in, const char *opt,
	const char *item, const char *what)
{
	struct buf list = BUF_INIT;
	size_t k, n = rec_reader_nfields(in);

	for (k = 0; k < n && k < 20; k++)
		buf_printf(&list, "%s%s", k ? ", " : "", rec_reader_name(in, k));
	if (k < n)
		buf_adds(&list, ", ...");
	cli_usage(cli, "%s: %s '%s' (fields: %s)", opt, what, item,
		  n ? list.p : "none");
}

/* A field by name or 1-based number; REC_NONE when neither. */
static size_t
one(const struct rec_reader *in, const char *s)
{
	size_t i = rec_reader_field(in, s);
	long long v;

	if (i != REC_NONE)
		return i;
	/* Digits only: "-1" and "+1" are names, not numbers. */
	if (num_is_digits(s, strlen(s)) &&
	    num_ll_range(s, strlen(s), 1, (long long)rec_reader_nfields(in),
			 &v) == 0)
		return (size_t)v - 1;
	return REC_NONE;
}

static void
item(struct cli *cli, const struct rec_reader *in, const char *opt,
     struct sel *s, const char *raw, const char *lit, size_t dash,
     int glob)
{
	size_t i, a, b, nf = rec_reader_nfields(in);
	char *lo, *hi;
	int hit = 0;

	/* Exactly a name, even with '-' or '*' in it. */
	if ((i = one(in, lit)) != REC_NONE) {
		add(s, i);
		return;
	}
	if (dash != (size_t)-1) {
		lo = xmemdup(lit, dash);
		hi = xstrdup(lit + dash + 1);
		a = one(in, lo);
		b = one(in, hi);
		free(lo);
		free(hi);
		if (a != REC_NONE && b != REC_NONE && a <= b) {
			for (i = a; i <= b; i++)
				add(s, i);
			return;
		}
		/* Not two fields: a glob may still hold '-' ("[a-c]*"). */
		if (!glob)
			unknown(cli, in, opt, raw, "no such range");
	}
	if (glob) {
		for (i = 0; i < nf; i++)
			if (fnmatch(raw, rec_reader_name(in, i), 0) == 0) {
				add(s, i);
				hit = 1;
			}
		if (!hit)
			unknown(cli, in, opt, raw, "no field matches");
		return;
	}
	unknown(cli, in, opt, lit, "no field");
}

static void
free_sel(void *p)
{
	free(p);
}

const size_t *
fsel_parse(struct cli *cli, const struct rec_reader *in, const char *opt,
	   const char *spec, size_t *n)
{
	struct sel s;
	struct buf raw = BUF_INIT, lit = BUF_INIT;
	size_t nf = rec_reader_nfields(in), dash = (size_t)-1;
	const char *p = spec;
	int glob = 0;

	s.v = xcalloc(nf + 1, sizeof *s.v);
	s.used = xcalloc(nf + 1, 1);
	s.n = 0;
	for (;;) {
		/* raw keeps the escapes (for fnmatch), lit drops them. */
		if (*p == '\\' && p[1] != '\0') {
			buf_add(&raw, p, 2);
			buf_addc(&lit, p[1]);
			p += 2;
			continue;
		}
		if (*p != ',' && *p != '\0') {
			if (*p == '-' && dash == (size_t)-1 && lit.len > 0)
				dash = lit.len;
			if (*p == '*' || *p == '?' || *p == '[')
				glob = 1;
			buf_addc(&raw, *p);
			buf_addc(&lit, *p++);
			continue;
		}
		if (lit.len == 0)
			cli_usage(cli, "%s: empty field name in '%s'", opt,
				  spec);
		if (dash + 1 == lit.len)
			dash = (size_t)-1;
		item(cli, in, opt, &s, raw.p, lit.p, dash, glob);
		buf_reset(&raw);
		buf_reset(&lit);
		dash = (size_t)-1;
		glob = 0;
		if (*p == '\0')
			break;
		p++;
	}
	buf_release(&raw);
	buf_release(&lit);
	free(s.used);
	cli_defer(cli, free_sel, s.v);
	*n = s.n;
	return s.v;
}
