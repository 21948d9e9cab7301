/* group_cli: merging partial rows, and a grouping verb's options and
 * steps (-b, --no-total, --partial, --merge).  See group.h and
 * group_impl.h. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/num.h"
#include "base/util.h"
#include "rec/fsel.h"
#include "rec/group_impl.h"

/* ---- merging ---- */

void
group_merge_fields(struct group *g, const struct rec_reader *in,
		   const size_t *keys)
{
	size_t i;

	g->keys = keys;
	for (i = 0; i < g->nparts; i++)
		g->parts[i].in = rec_reader_need(in, g->parts[i].name);
}

/* Reject r for its part p, quoting the value. */
static void
reject_field(struct group *g, struct rec_reader *in, const struct rec *r,
	     const struct part *p)
{
	struct rec_str v = r->f[p->in];

	buf_reset(&g->q);
	buf_add_quoted(&g->q, v.p, v.len);
	if (p->is_n)
		rec_reject(in, r, "field '%s': not a count: '%s'", p->name,
			   g->q.p);
	else if (p->scale > 0)
		rec_reject(in, r, "field '%s': not a number with at most %d "
			   "decimals: '%s'", p->name, p->scale, g->q.p);
	else
		rec_reject(in, r, "field '%s': not a whole number: '%s'",
			   p->name, g->q.p);
}

int
group_merge_rec(struct group *g, struct rec_reader *in, const struct rec *r)
{
	struct htab_probe pr;
	struct rec_str v, *kv;
	const struct part *p;
	int64_t *row = g->row;
	long long x;
	size_t i;

	memcpy(row, g->init, g->nslots * sizeof *row);
	for (i = 0; i < g->nparts; i++) {
		p = &g->parts[i];
		v = r->f[p->in];
		if (p->op != OP_ADD && (v.len == 0 || v.p == rec_null))
			continue;	/* no least or greatest value */
		if (num_dec(v.p, v.len, p->scale, &x) < 0 ||
		    (p->is_n && x < 0) || x == INT64_MAX || x == INT64_MIN) {
			reject_field(g, in, r, p);
			return -1;
		}
		row[p->slot] = x;
	}
	if (g->kv == NULL)
		g->kv = xcalloc(g->nkeys, sizeof *g->kv);
	kv = g->kv;
	for (i = 0; i < g->nkeys; i++)
		kv[i] = r->f[g->keys[i]];
	/* A finished answer's total row would be added in as a group. */
	if (rec_str_eq(kv[0], REC_STR(GROUP_TOTAL))) {
		rec_reject(in, r, "field '%s': a total row (aggregate the "
			   "parts with --partial)", rec_reader_name(in,
			   g->keys[0]));
		return -1;
	}
	group_probe_key(g, &pr, &g->key, kv);
	if (group_combine_row(g, &pr, row) < 0) {
		rec_reject(in, r, "a sum out of range (64 bits)");
		return -1;
	}
	return 0;
}

/* ---- a grouping verb ---- */

int
group_opt(struct cli *cli, struct group_opts *o, int c)
{
	switch (c) {
	case 'b': o->by = cli->optarg; o->by_given = 1; return 1;
	case GROUP_OPT_NO_TOTAL: o->total = 0; return 1;
	case GROUP_OPT_PARTIAL: o->partial = 1; return 1;
	case GROUP_OPT_MERGE: o->merge = 1; return 1;
	}
	return 0;
}

struct group *
group_start(struct cli *cli, const struct group_opts *o,
	    struct rec_reader *in, struct rec_writer *out,
	    const struct group_agg *a, size_t na, const size_t *want,
	    size_t nwant)
{
	struct buf label = BUF_INIT;
	struct group *g;
	const size_t *keys;
	const char *name;
	size_t nk, i, n = 0, *w;

	if (o->partial && o->merge)
		cli_usage(cli, "--partial and --merge do not go together");
	buf_printf(&label, o->by_given ? "-b" : "-b (default %s)", o->by);
	keys = fsel_parse(cli, in, label.p, o->by, &nk);
	buf_release(&label);
	g = a == NULL ? group_new(nk) : group_new_aggs(nk, a, na);
	cli_defer(cli, group_free_v, g);
	g->o = *o;
	g->pretty = cli->wo.fmt == REC_PRETTY;
	g->keys = keys;
	g->kv = xcalloc(nk, sizeof *g->kv);
	for (i = 0; i < cli->wo.nmask; i++)
		if (group_is_column(g, cli->wo.mask[i]))
			cli_usage(cli, "--mask: '%s' is a number %s %s "
				  "computes, not personal data",
				  cli->wo.mask[i], cli->prog, cli->verb->name);
	for (i = 0; i < nk; i++) {
		name = rec_reader_name(in, keys[i]);
		if (group_is_column(g, name) && !o->merge)
			cli_usage(cli, "-b: '%s' names an output column; "
				  "group by another field", name);
		if (group_is_column(g, name))
			cli_usage(cli, "-b: with --merge, '%s' holds partial "
				  "values and is no group field", name);
		rec_writer_add(out, name);
	}
	group_columns(g, out, o->partial ? GROUP_W_PARTIAL : 0);
	if (o->merge)
		group_merge_fields(g, in, keys);
	/* The reader splits out only what is read. */
	w = xcalloc(nk + g->nparts + nwant + 1, sizeof *w);
	for (i = 0; i < nk; i++)
		w[n++] = keys[i];
	for (i = 0; o->merge && i < g->nparts; i++)
		w[n++] = g->parts[i].in;
	for (i = 0; i < nwant; i++)
		if (want[i] != REC_NONE)
			w[n++] = want[i];
	rec_reader_want(in, w, n);
	free(w);
	return g;
}

int
group_merging(const struct group *g)
{
	return g->o.merge;
}

int
group_value(struct rec_reader *in, const struct rec *r, size_t i,
	    int scale, int64_t *v)
{
	struct rec_str s = r->f[i];
	struct buf q = BUF_INIT;
	long long x;

	if (s.len == 0) {
		*v = GROUP_NOVAL;
		return 0;
	}
	if (num_dec(s.p, s.len, scale, &x) < 0 || x == INT64_MIN ||
	    x == INT64_MAX) {
		buf_add_quoted(&q, s.p, s.len);
		if (scale > 0)
			rec_reject(in, r, "field '%s': not a number with at "
				   "most %d decimals: '%s'",
				   rec_reader_name(in, i), scale, q.p);
		else
			rec_reject(in, r, "field '%s': not a whole number: "
				   "'%s'", rec_reader_name(in, i), q.p);
		buf_release(&q);
		return -1;
	}
	*v = x;
	return 0;
}

int
group_finish(struct cli *cli, struct group *g, struct rec_reader *in,
	     struct rec_writer *out)
{
	group_write(g, out, (g->o.partial ? GROUP_W_PARTIAL : 0) |
		    (g->o.total ? GROUP_W_TOTAL : 0));
	return cli_finish(cli, in, out);
}
