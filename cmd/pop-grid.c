/* pop-grid: the population grid (人口网格化).  See pop-grid(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "rec/cli.h"
#include "base/date.h"
#include "base/diag.h"
#include "rec/fsel.h"
#include "domain/grid.h"
#include "rec/group.h"
#include "rec/hold.h"
#include "rec/mjoin.h"
#include "domain/idno.h"
#include "base/util.h"

enum {
	OPT_DERIVE = 256, OPT_SORTED,
	OPT_SAMPLE, OPT_IGNORE, OPT_LIST, OPT_EXPIRED
};

static void
grid_free_v(void *p)
{
	grid_free(p);
}

static struct grid *
need_grid(struct cli *cli, const char *path, int lenient)
{
	struct grid *g;

	if (path == NULL)
		cli_usage(cli, "-g GRID.yaml is required");
	g = grid_load(path, lenient);	/* exits 3 on a bad definition */
	cli_defer(cli, grid_free_v, g);
	return g;
}

/* ---- assign ---- */

static const struct cli_opt assign_opts[] = {
	{ 'g', "grid", CLI_ARG, "GRID.yaml", "the grid definition" },
	{ OPT_DERIVE, "derive", CLI_NOARG, NULL,
	  "also append birth, gender and age (as of --asof)" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_assign(struct cli *cli, int argc, char *argv[])
{
	/* Replaced or appended: assign on its own output gives the same
	 * columns. */
	static const char *const cols[] = {
		"county", "community", "grid", "gridpoint", "coordinator",
		"birth", "gender", "age"
	};
	struct rec_str vals[8];
	const char *gpath = NULL, *why;
	const struct grid_point *pt;
	const struct rec *r;
	struct rec_reader *in;
	struct rec_writer *out;
	struct grid *g;
	struct idno id;
	struct rec fixed;
	struct rec_str *fixf;
	size_t ncols = 5, iid, iaddr;
	enum idno_err e;
	int c, derive = 0;
	int32_t asof;
	char birth[11], age[12];

	while ((c = cli_getopt(cli, assign_opts, argc, argv)) != -1)
		if (c == 'g')
			gpath = cli->optarg;
		else if (c == OPT_DERIVE)
			derive = 1;
	g = need_grid(cli, gpath, 0);
	asof = cli_asof(cli);
	in = cli_open_inputs(cli);
	iid = rec_reader_need(in, "id_no");
	iaddr = rec_reader_need(in, "address");
	if (derive)
		ncols = 8;
	fixf = xcalloc(rec_reader_nfields(in) + 1, sizeof *fixf);
	out = cli_open_output(cli);
	rec_writer_add_fields_plus(out, in, cols, ncols);
	while ((r = rec_reader_next(in)) != NULL) {
		/* An empty (or NULL) field is a missing value, not a wrong
		 * one: say so rather than "not 18 characters". */
		if (r->f[iid].len == 0) {
			rec_reject(in, r, "field 'id_no': empty");
			continue;
		}
		e = idno_parse(r->f[iid].p, r->f[iid].len, asof, &id);
		if (e != IDNO_OK) {
			/* The number itself stays out of the message: it is
			 * personal data, and the line locates it. */
			rec_reject(in, r, "field 'id_no': %s",
				   idno_strerror(e));
			continue;
		}
		if (r->f[iaddr].len == 0) {
			rec_reject(in, r, "field 'address': empty");
			continue;
		}
		if (grid_match(g, r->f[iaddr].p, r->f[iaddr].len, &pt,
			       &why) != GRID_FOUND) {
			rec_reject(in, r, "field 'address': %s", why);
			continue;
		}
		vals[0] = (struct rec_str){ pt->county, pt->county_len };
		vals[1] = (struct rec_str){ pt->community, pt->community_len };
		vals[2] = (struct rec_str){ pt->grid, pt->grid_len };
		vals[3] = (struct rec_str){ pt->name, pt->name_len };
		vals[4] = (struct rec_str){ pt->coordinator ? pt->coordinator :
					    "", pt->coordinator_len };
		if (derive) {
			date_format(id.birth, birth);
			snprintf(age, sizeof age, "%d", idno_age(&id, asof));
			vals[5] = rec_str_of(birth);
			vals[6].p = id.gender == 'M' ? "M" : "F";
			vals[6].len = 1;
			vals[7] = rec_str_of(age);
		}
		if (r->f[iid].p[17] == 'x') {
			/* Written as normalised: 11010519491231002X. */
			fixed = *r;
			fixed.raw = NULL;
			fixed.f = fixf;
			memcpy(fixf, r->f, r->n * sizeof *fixf);
			fixf[iid].p = id.no;
			rec_writer_rec_plus(out, &fixed, vals);
			continue;
		}
		rec_writer_rec_plus(out, r, vals);
	}
	free(fixf);
	return cli_finish(cli, in, out);
}

/* ---- count and due: groups (rec/group.h) ---- */

static const struct cli_opt count_opts[] = {
	GROUP_OPTS("default community,grid"),
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_count(struct cli *cli, int argc, char *argv[])
{
	struct group_opts go = GROUP_OPTS_INIT("community,grid");
	const struct rec *r;
	struct rec_reader *in;
	struct rec_writer *out;
	struct group *g;
	int c;

	while ((c = cli_getopt(cli, count_opts, argc, argv)) != -1)
		group_opt(cli, &go, c);
	in = cli_open_inputs(cli);
	out = cli_open_output(cli);
	g = group_start(cli, &go, in, out, NULL, 0, NULL, 0);
	while ((r = rec_reader_next(in)) != NULL)
		group_rec(g, in, r, NULL);
	return group_finish(cli, g, in, out);
}

/* ---- due ---- */

static const struct cli_opt due_opts[] = {
	{ 'w', "within", CLI_ARG, "DAYS",
	  "expiry from --asof to DAYS days later (default 90)" },
	{ OPT_EXPIRED, "expired", CLI_NOARG, NULL,
	  "also count cards that have already expired" },
	{ OPT_LIST, "list", CLI_NOARG, NULL,
	  "list the residents (with days_left) instead of counting" },
	GROUP_OPTS("default work_city"),
	{ 0, NULL, 0, NULL, NULL }
};

#define LONG_TERM "长期"	/* a long-term card never expires */

/* --list: the residents held, sorted by days_left (their mark), then in
 * input order. */
static int
by_days_left(const void *a, const void *b, void *ctx)
{
	const struct hold_rec *x = hold_at(ctx, *(const size_t *)a);
	const struct hold_rec *y = hold_at(ctx, *(const size_t *)b);

	if (x->mark != y->mark)
		return x->mark < y->mark ? -1 : 1;
	return (*(const size_t *)a > *(const size_t *)b) -
	       (*(const size_t *)a < *(const size_t *)b);
}

static void
write_list(struct hold *h, struct rec_writer *out)
{
	size_t n = hold_count(h), i, *order = xcalloc(n + 1, sizeof *order);
	const struct hold_rec *e;

	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof *order, by_days_left, h);
	for (i = 0; i < n; i++) {
		e = hold_at(h, order[i]);
		hold_write(h, e, out);
		rec_writer_putll(out, (long long)e->mark);
		rec_writer_end(out);
	}
	free(order);
}

static int
verb_due(struct cli *cli, int argc, char *argv[])
{
	struct group_opts go = GROUP_OPTS_INIT("work_city");
	const struct rec *r;
	struct rec_reader *in;
	struct rec_writer *out;
	struct group *g = NULL;
	struct hold *listed = NULL;
	struct buf q = BUF_INIT;
	size_t iexp;
	long within = 90;
	int c, list = 0, expired = 0, within_given = 0;
	int32_t asof, day;

	while ((c = cli_getopt(cli, due_opts, argc, argv)) != -1)
		if (c == 'w') {
			within = cli_long(cli, "--within", 0, 36500);
			within_given = 1;
		}
		else if (c == OPT_LIST)
			list = 1;
		else if (c == OPT_EXPIRED)
			expired = 1;
		else
			group_opt(cli, &go, c);
	if (!cli->asof_given && !go.merge)
		cli_usage(cli, "--asof DATE is required: the day the window "
			  "starts");
	if (list && (go.partial || go.merge || go.by_given || !go.total))
		cli_usage(cli, "--list lists residents: it does not go with "
			  "-b, --no-total, --partial or --merge");
	if (go.merge && (within_given || expired))
		cli_usage(cli, "--merge adds up partial counts: the window "
			  "(--within, --expired) was applied by --partial");
	asof = go.merge ? 0 : cli_asof(cli);
	in = cli_open_inputs(cli);
	out = cli_open_output(cli);
	iexp = go.merge ? REC_NONE : rec_reader_need(in, "id_expiry");
	if (list) {
		rec_writer_add_fields(out, in);
		rec_writer_add(out, "days_left");
		for (c = 0; c < (int)cli->wo.nmask; c++)
			if (strcmp(cli->wo.mask[c], "days_left") == 0)
				cli_usage(cli, "--mask: 'days_left' is a number "
					  "pop-grid due computes, not "
					  "personal data");
		listed = hold_new(rec_reader_nfields(in));
		cli_defer(cli, hold_free_v, listed);
	} else {
		g = group_start(cli, &go, in, out, NULL, 0, &iexp, 1);
	}
	while ((r = rec_reader_next(in)) != NULL) {
		if (go.merge) {
			group_rec(g, in, r, NULL);
			continue;
		}
		if (rec_str_eq(r->f[iexp], REC_STR(LONG_TERM))) {
			rec_filtered(in, r);
			continue;
		}
		if (date_parse(r->f[iexp].p, r->f[iexp].len, &day) < 0) {
			buf_reset(&q);
			buf_add_quoted(&q, r->f[iexp].p, r->f[iexp].len);
			rec_reject(in, r, "field 'id_expiry': not a date "
				   "(YYYY-MM-DD or " LONG_TERM "): '%s'", q.p);
			continue;
		}
		if (day > asof + within || (day < asof && !expired)) {
			rec_filtered(in, r);
			continue;
		}
		if (list)
			hold_add(listed, r)->mark = (int64_t)day - asof;
		else
			group_rec(g, in, r, NULL);
	}
	buf_release(&q);
	if (list) {
		write_list(listed, out);
		return cli_finish(cli, in, out);
	}
	return group_finish(cli, g, in, out);
}

/* ---- diff ---- */

static const struct cli_opt diff_opts[] = {
	{ 'k', "key", CLI_ARG, "FIELD", "the key field (default id_no)" },
	{ OPT_IGNORE, "ignore", CLI_ARG, "FIELDS",
	  "fields whose changes do not count (e.g. reported)" },
	{ OPT_SORTED, "sorted", CLI_NOARG, NULL,
	  "both inputs are sorted by the key: constant memory" },
	{ 0, NULL, 0, NULL, NULL }
};

struct differ {
	struct cli *cli;
	struct rec_reader *old, *new;
	struct rec_writer *out;
	size_t key, gp;		/* key and gridpoint in NEW's order */
	size_t *omap;		/* NEW's field i is OLD's omap[i] */
	unsigned char *ignore;
	size_t n;
	struct buf changed;
};

/* Write a difference: the record's fields (in NEW's order), change,
 * old_gridpoint, changed_fields. */
static void
diff_emit(struct differ *d, const struct rec_str *f, const size_t *map,
	  const char *change, struct rec_str oldgp, const char *changed)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		rec_writer_str(d->out, f[map ? map[i] : i]);
	rec_writer_puts(d->out, change);
	rec_writer_str(d->out, oldgp);
	rec_writer_puts(d->out, changed);
	rec_writer_end(d->out);
}

/* Compare a NEW record with its OLD values (old[omap[i]]); emit moved or
 * changed, or count it as unchanged. */
static void
diff_pair(struct differ *d, const struct rec *nr, const struct rec_str *old)
{
	struct rec_str none = { "", 0 }, ogp = none;
	size_t i;
	int moved = 0;

	buf_reset(&d->changed);
	for (i = 0; i < d->n; i++) {
		if (d->ignore[i] || rec_str_eq(nr->f[i], old[d->omap[i]]))
			continue;
		if (d->changed.len)
			buf_addc(&d->changed, ',');
		buf_adds(&d->changed, rec_reader_name(d->new, i));
		if (i == d->gp) {
			moved = 1;
			ogp = old[d->omap[i]];
		}
	}
	if (d->changed.len == 0) {
		rec_filtered(d->new, nr);
		return;
	}
	diff_emit(d, nr->f, NULL, moved ? "moved" : "changed", ogp,
		  d->changed.p);
}

/* OLD held in memory by key (rec/hold.h); an entry's seen is its line in
 * NEW, 0 until seen. */
static void
diff_hashed(struct differ *d)
{
	const struct rec *r;
	struct hold *old = hold_new(rec_reader_nfields(d->old));
	struct hold_rec *h;
	struct rec_str *f = xcalloc(d->n + 1, sizeof *f), none = { "", 0 };
	size_t okey = d->omap[d->key], i;
	int isnew;

	while ((r = rec_reader_next(d->old)) != NULL) {
		h = hold_put(old, r->f[okey], r, &isnew);
		if (!isnew)
			rec_reject(d->old, r, "field '%s': key repeated (first "
				   "at line %llu)", rec_reader_name(d->old,
				   okey), h->line);
	}
	while ((r = rec_reader_next(d->new)) != NULL) {
		h = hold_find(old, r->f[d->key]);
		if (h == NULL) {
			diff_emit(d, r->f, NULL, "arrived", none, "");
			continue;
		}
		if (h->seen) {
			rec_reject(d->new, r, "field '%s': key repeated (first "
				   "at line %llu)", rec_reader_name(d->new,
				   d->key), h->seen);
			continue;
		}
		h->seen = r->line;
		hold_fields(old, h, f);
		diff_pair(d, r, f);
	}
	for (i = 0; i < hold_count(old); i++) {
		h = hold_at(old, i);
		if (h->seen)
			continue;
		hold_fields(old, h, f);
		diff_emit(d, f, d->omap, "left", none, "");
	}
	free(f);
	hold_free(old);
}

/* Both sorted by the key: a merge join (rec/mjoin.h) in constant memory. */
static void
diff_sorted(struct differ *d)
{
	struct rec_str none = { "", 0 };
	const struct rec *o, *n;
	struct mjoin j;
	enum mjoin_step st;

	mjoin_init(&j, d->old, d->omap[d->key], MJOIN_UNIQUE, d->new, d->key,
		   MJOIN_UNIQUE, "drop --sorted");
	while ((st = mjoin_next(&j, &o, &n)) != MJOIN_END)
		if (st == MJOIN_LEFT)
			diff_emit(d, o->f, d->omap, "left", none, "");
		else if (st == MJOIN_RIGHT)
			diff_emit(d, n->f, NULL, "arrived", none, "");
		else
			diff_pair(d, n, o->f);
	mjoin_release(&j);
}

static int
verb_diff(struct cli *cli, int argc, char *argv[])
{
	const char *key = "id_no", *ignore = NULL;
	const char *oldf[2] = { NULL, NULL }, *newf[2] = { NULL, NULL };
	const size_t *ig;
	struct rec_reader_opts oro;
	struct differ d;
	size_t i, nig;
	int c, sorted = 0, st;

	while ((c = cli_getopt(cli, diff_opts, argc, argv)) != -1)
		if (c == 'k')
			key = cli->optarg;
		else if (c == OPT_IGNORE)
			ignore = cli->optarg;
		else if (c == OPT_SORTED)
			sorted = 1;
	if (cli->nargs != 2)
		cli_usage(cli, "expected two files, OLD and NEW");
	memset(&d, 0, sizeof d);
	d.cli = cli;
	oldf[0] = cli->args[0];
	newf[0] = cli->args[1];
	/* One --rejects FILE for both: OLD's go into NEW's stream. */
	d.new = cli_open_files(cli, newf);
	oro = cli->ro;
	oro.rejects_into = d.new;
	d.old = rec_reader_open(oldf, &oro);
	d.n = rec_reader_nfields(d.new);
	d.key = rec_reader_need(d.new, key);
	d.gp = rec_reader_field(d.new, "gridpoint");
	/* OLD and NEW must have the same fields, in any order. */
	if (rec_reader_nfields(d.old) != d.n)
		diag_die(JW_EXIT_USAGE, "%s: has %zu fields, %s has %zu: "
			 "snapshots must have the same fields", oldf[0],
			 rec_reader_nfields(d.old), newf[0], d.n);
	d.omap = xcalloc(d.n + 1, sizeof *d.omap);
	for (i = 0; i < d.n; i++) {
		d.omap[i] = rec_reader_field(d.old, rec_reader_name(d.new, i));
		if (d.omap[i] == REC_NONE)
			diag_die(JW_EXIT_USAGE, "%s:1: no field '%s', which "
				 "%s has: snapshots must have the same fields",
				 oldf[0], rec_reader_name(d.new, i), newf[0]);
	}
	d.ignore = xcalloc(d.n + 1, 1);
	if (ignore != NULL) {
		ig = fsel_parse(cli, d.new, "--ignore", ignore, &nig);
		for (i = 0; i < nig; i++)
			d.ignore[ig[i]] = 1;
	}
	d.out = cli_open_output(cli);
	rec_writer_add_fields(d.out, d.new);
	rec_writer_add(d.out, "change");
	rec_writer_add(d.out, "old_gridpoint");
	rec_writer_add(d.out, "changed_fields");
	if (sorted)
		diff_sorted(&d);
	else
		diff_hashed(&d);
	st = rec_reader_count_rejected(d.old) > 0;
	cli_tally(cli, d.old);
	rec_reader_close(d.old);
	free(d.omap);
	free(d.ignore);
	buf_release(&d.changed);
	c = cli_finish(cli, d.new, d.out);
	return c ? c : st;
}

/* ---- check ---- */

static const struct cli_opt check_opts[] = {
	{ 'g', "grid", CLI_ARG, "GRID.yaml", "the grid definition" },
	{ OPT_SAMPLE, "sample", CLI_ARG, "FILE",
	  "residents whose addresses to try on the grid" },
	{ 0, NULL, 0, NULL, NULL }
};

static void
finding(void *ctx, const char *level, const char *where, const char *msg)
{
	struct rec_writer *out = ctx;

	rec_writer_puts(out, level);
	rec_writer_puts(out, where);
	rec_writer_puts(out, msg);
	rec_writer_end(out);
}

static int
verb_check(struct cli *cli, int argc, char *argv[])
{
	const char *gpath = NULL, *sample = NULL, *why;
	const char *files[2] = { NULL, NULL };
	const struct grid_hit *hits;
	const struct rec *r;
	struct rec_reader *in = NULL;
	struct rec_writer *out;
	struct grid *g;
	struct buf where = BUF_INIT, msg = BUF_INIT;
	size_t errors, nh, i, k, iaddr;
	int c;

	while ((c = cli_getopt(cli, check_opts, argc, argv)) != -1)
		if (c == 'g')
			gpath = cli->optarg;
		else if (c == OPT_SAMPLE)
			sample = cli->optarg;
	if (cli->nargs > 0)
		cli_usage(cli, "unexpected operand '%s' (--sample FILE "
			  "takes residents)", cli->args[0]);
	g = need_grid(cli, gpath, 1);
	out = cli_open_output(cli);
	rec_writer_add(out, "level");
	rec_writer_add(out, "where");
	rec_writer_add(out, "message");
	errors = grid_lint(g, finding, out);
	if (sample != NULL) {
		files[0] = sample;
		in = cli_open_files(cli, files);
		iaddr = rec_reader_need(in, "address");
		while ((r = rec_reader_next(in)) != NULL) {
			nh = grid_match_all(g, r->f[iaddr].p, r->f[iaddr].len,
					    &hits, &why);
			if (nh == (size_t)-1) {
				rec_reject(in, r, "field 'address': %s", why);
				continue;
			}
			if (nh == 1)
				continue;
			buf_reset(&where);
			buf_printf(&where, "%s:%llu", r->file, r->line);
			if (nh == 0) {
				/* assign would reject it: a gap in the grid */
				buf_reset(&msg);
				buf_adds(&msg, "address '");
				buf_add_quoted(&msg, r->f[iaddr].p,
					       r->f[iaddr].len);
				buf_adds(&msg, "' matches no grid point");
				finding(out, "warning", where.p, msg.p);
				continue;
			}
			buf_reset(&msg);
			buf_adds(&msg, "address '");
			buf_add_quoted(&msg, r->f[iaddr].p, r->f[iaddr].len);
			buf_printf(&msg, "' matches %zu grid points: ", nh);
			for (i = 0, k = 0; i < nh; i++) {
				if (i)
					buf_adds(&msg, ", ");
				grid_point_path(hits[i].point, &msg);
				k += hits[i].point->community_no !=
				     hits[0].point->community_no;
			}
			/* Across communities assign rejects it; within one
			 * the most specific point wins. */
			finding(out, k ? "error" : "warning", where.p, msg.p);
			errors += k > 0;
		}
	}
	buf_release(&where);
	buf_release(&msg);
	if (errors > 0)
		cli->status = JW_EXIT_REJECTS;
	return cli_finish(cli, in, out);
}

static const struct cli_verb verbs[] = {
	{ "assign", verb_assign, "-g GRID.yaml [--derive] [file ...]",
	  "place each resident on the grid by address; reject bad ID numbers "
	  "and unplaceable addresses" },
	{ "count", verb_count,
	  "[-b FIELDS] [--no-total] [--partial | --merge] [file ...]",
	  "count records per group (default per community and grid)" },
	{ "diff", verb_diff, "[-k FIELD] [--ignore FIELDS] [--sorted] OLD NEW",
	  "who arrived, left, moved or changed between two snapshots" },
	{ "check", verb_check, "-g GRID.yaml [--sample FILE]",
	  "lint a grid definition and its staffing" },
	{ "due", verb_due,
	  "--asof DATE [--within DAYS] [--expired] [--list] [-b FIELDS] "
	  "[file ...]",
	  "residents whose ID card expires soon, counted per group" },
	{ NULL, NULL, NULL,
	  "pop-grid: the population grid: place residents on grids, count "
	  "them, compare snapshots, lint grid definitions" }
};

int
main(int argc, char *argv[])
{
	return cli_main("pop-grid", verbs, argc, argv);
}
