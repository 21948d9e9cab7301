/* viol-query: a vehicle's violations (帮您查违章).  See viol-query(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/htab.h"
#include "base/util.h"
#include "domain/viol.h"
#include "domain/violq.h"
#include "domain/violrec.h"
#include "rec/cli.h"
#include "rec/group.h"

enum {
	OPT_TEXT = 256, OPT_AUDIT, OPT_EXTEND, OPT_MIN
};

static void
codes_free_v(void *p)
{
	viol_codes_free(p);
}

/* ---- plate ---- */

static const struct cli_opt plate_opts[] = {
	{ 'd', "data", CLI_ARG, "DATA", "the violation records (TSV)" },
	{ 'i', "index", CLI_ARG, "INDEX",
	  "the index of DATA (default DATA.idx, used when present)" },
	{ 't', "type", CLI_ARG, "TYPE", "only plates of this plate_type "
	  "(02 small car, 01 large, 52 small new-energy, ...)" },
	{ 'c', "codes", CLI_ARG, "CODES.yaml",
	  "the violation code table (default: the built-in one)" },
	{ 'l', "licences", CLI_ARG, "LICENCES",
	  "licence records: points in the driver's cycle on the total row" },
	{ OPT_TEXT, "text", CLI_NOARG, NULL,
	  "Chinese text to read out, driver ID and name masked" },
	{ OPT_AUDIT, "audit", CLI_ARG, "FILE",
	  "append each lookup (time, user, plate, rows) to FILE" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_plate(struct cli *cli, int argc, char *argv[])
{
	struct violq_opts o = { 0 };
	const char *cpath = NULL, *audit = NULL;
	struct rec_writer *w = NULL;
	struct buf qb = BUF_INIT;
	struct viol_codes *codes;
	struct violq *q;
	int c, batch = 0, text = 0, i;

	while ((c = cli_getopt(cli, plate_opts, argc, argv)) != -1)
		switch (c) {
		case 'd': o.data = cli->optarg; break;
		case 'i': o.index = cli->optarg; break;
		case 't': o.type = cli->optarg; break;
		case 'c': cpath = cli->optarg; break;
		case 'l': o.licences = cli->optarg; break;
		case OPT_TEXT: text = 1; break;
		case OPT_AUDIT: audit = cli->optarg; break;
		}
	if (o.data == NULL)
		cli_usage(cli, "-d DATA is required: the violation records");
	if (cli->nargs == 0)
		cli_usage(cli, "no plate given (a plate number, or '-' for "
			  "one a line on stdin)");
	if (text && cli->wo.path != NULL)
		cli_usage(cli, "--text writes to standard output; -o FILE is "
			  "for records");
	codes = viol_codes_load(cpath);		/* exits 3 */
	cli_defer(cli, codes_free_v, codes);
	o.codes = codes;
	o.asof = cli_asof(cli);
	q = violq_new(cli, &o);
	/* Plates on the command line first: an impossible one is a usage
	 * error before any data is read. */
	for (i = 0; i < cli->nargs; i++) {
		if (strcmp(cli->args[i], "-") == 0) {
			batch = 1;
			continue;
		}
		if (!violq_ask(q, cli->args[i], strlen(cli->args[i]))) {
			buf_add_quoted(&qb, cli->args[i],
				       strlen(cli->args[i]));
			cli_usage(cli, "'%s' is not a plate number (province, "
				  "authority letter, 5 or 6 letters and digits, "
				  "e.g. 湘M12345, 湘MD12345)", qb.p);
		}
	}
	violq_find(q, batch);
	if (text) {
		violq_write_text(q, stdout);
	} else {
		w = cli_open_output(cli);
		violq_write(q, w);
	}
	if (audit != NULL)
		violq_audit(q, audit);
	buf_release(&qb);
	return violq_finish(q, w);
}

/* ---- index ---- */

static const struct cli_opt index_opts_tab[] = {
	{ 'i', "index", CLI_ARG, "INDEX",
	  "write the index here (default DATA.idx)" },
	{ OPT_EXTEND, "extend", CLI_NOARG, NULL,
	  "index only what was appended since the last build" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_index(struct cli *cli, int argc, char *argv[])
{
	const char *ipath = NULL;
	int c, extend = 0;

	while ((c = cli_getopt(cli, index_opts_tab, argc, argv)) != -1)
		if (c == 'i')
			ipath = cli->optarg;
		else if (c == OPT_EXTEND)
			extend = 1;
	if (cli->nargs != 1 || strcmp(cli->args[0], "-") == 0)
		cli_usage(cli, "index takes one DATA file (not standard "
			  "input: the index holds offsets into it)");
	/* The index holds offsets of TSV lines in the file as it is. */
	if (cli->ro.fmt != REC_TSV || cli->ro.encoding != NULL)
		cli_usage(cli, "index reads TSV in UTF-8 only");
	violq_index_build(cli, cli->args[0], ipath, extend);
	return cli_finish(cli, NULL, NULL);
}

/* ---- stats ---- */

static const struct cli_opt stats_opts[] = {
	GROUP_OPTS("default district,code; month is time's month"),
	{ 0, NULL, 0, NULL, NULL }
};

static const struct group_agg stats_aggs[] = {
	{ .kind = GROUP_COUNT, .name = "count" },
	{ .kind = GROUP_SUM, .name = "fines", .scale = 2 },
	{ .kind = GROUP_SUM, .name = "points" },
};

#define STATS_MONTH ((size_t)-2)	/* key: the month of time */

/* The key values of r into kv: the fields keys[0..nk), STATS_MONTH the
 * first 7 bytes of field itime (checked as a time).  Returns kv. */
static const struct rec_str *
stats_key(const struct rec *r, const size_t *keys, size_t nk, size_t itime,
	  struct rec_str *kv)
{
	size_t i;

	for (i = 0; i < nk; i++)
		kv[i] = keys[i] == STATS_MONTH ?
			(struct rec_str){ r->f[itime].p, 7 } : r->f[keys[i]];
	return kv;
}

static int
verb_stats(struct cli *cli, int argc, char *argv[])
{
	struct group_opts go = GROUP_OPTS_INIT("district,code");
	struct rec_reader *in;
	struct rec_writer *out;
	const struct rec *r;
	const char **names;
	struct rec_str *kv;
	struct group *g;
	struct buf q = BUF_INIT;
	struct viol_cols vc;
	struct viol_rec vv;
	const struct rec_str *k;
	size_t nk, i, *keys, *want, nwant = 0, itime = REC_NONE, ifine, ipts;
	int64_t v[3];
	int c, inplace;

	while ((c = cli_getopt(cli, stats_opts, argc, argv)) != -1)
		group_opt(cli, &go, c);
	if (go.partial && go.merge)
		cli_usage(cli, "--partial and --merge do not go together");
	in = cli_open_inputs(cli);
	out = cli_open_output(cli);
	names = cli_split_list(cli, "-b", go.by, &nk);
	g = group_new_aggs(nk, stats_aggs, JW_ARRAY_LEN(stats_aggs));
	cli_defer(cli, group_free_v, g);
	keys = xcalloc(nk + 1, sizeof *keys);
	want = xcalloc(nk + 4, sizeof *want);
	for (i = 0; i < nk; i++) {
		if (group_is_column(g, names[i]))
			cli_usage(cli, "-b: '%s' names an output column; group "
				  "by another field", names[i]);
		keys[i] = rec_reader_field(in, names[i]);
		if (keys[i] == REC_NONE && strcmp(names[i], "month") == 0 &&
		    !go.merge) {
			keys[i] = STATS_MONTH;
			if (itime == REC_NONE)
				want[nwant++] = itime =
					rec_reader_need(in, "time");
		} else {
			if (keys[i] == REC_NONE)
				keys[i] = rec_reader_need(in, names[i]);
			want[nwant++] = keys[i];
		}
		rec_writer_add(out, names[i]);
	}
	group_columns(g, out, go.partial ? GROUP_W_PARTIAL : 0);
	if (go.merge) {
		group_merge_fields(g, in, keys);
		ifine = ipts = REC_NONE;
	} else {
		want[nwant++] = ifine = rec_reader_need(in, "fine");
		want[nwant++] = ipts = rec_reader_need(in, "points");
		rec_reader_want(in, want, nwant);
	}
	for (i = 0; i < VF_N; i++)
		vc.f[i] = REC_NONE;
	vc.f[VF_FINE] = ifine;
	vc.f[VF_POINTS] = ipts;
	vc.f[VF_TIME] = itime;
	kv = xcalloc(nk + 1, sizeof *kv);
	/* Key fields side by side in the record (district,code) are the
	 * key as they stand; a month, or fields apart, is gathered. */
	inplace = itime == REC_NONE;
	for (i = 1; i < nk; i++)
		inplace &= keys[i] == keys[i - 1] + 1;
	while ((r = rec_reader_next(in)) != NULL) {
		if (go.merge) {
			group_merge_rec(g, in, r);
			continue;
		}
		/* The same checks as every verb's (fine, points, time);
		 * plain amounts without a time to check need no more. */
		if (itime != REC_NONE ||
		    !viol_plain_amounts(r->f[ifine], r->f[ipts], &vv.fine,
					&vv.points)) {
			if (viol_rec_read(in, r, &vc, &vv, &q) < 0)
				continue;
		}
		k = inplace ? &r->f[keys[0]] : stats_key(r, keys, nk, itime, kv);
		v[0] = GROUP_NOVAL;
		v[1] = vv.fine;
		v[2] = vv.points;
		if (group_add_vals(g, k, v) < 0)
			rec_reject(in, r, "field 'fine': the sum would "
				   "overflow");
	}
	group_write(g, out, go.partial ? GROUP_W_PARTIAL :
		    go.total ? GROUP_W_TOTAL : 0);
	free(kv);
	free(keys);
	free(want);
	buf_release(&q);
	return cli_finish(cli, in, out);
}

/* ---- late ---- */

static const struct cli_opt late_opts[] = {
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_late(struct cli *cli, int argc, char *argv[])
{
	static const enum viol_field need[] = { VF_STATUS, VF_FINE, VF_DECIDED };
	struct rec_reader *in;
	struct rec_writer *out;
	const struct rec *r;
	struct buf q = BUF_INIT;
	struct viol_cols c;
	struct viol_rec v;
	int32_t asof, late;
	long long fee;

	while (cli_getopt(cli, late_opts, argc, argv) != -1)
		;
	if (!cli->asof_given)
		cli_usage(cli, "--asof DATE is required: the day the late "
			  "fees run to");
	asof = cli_asof(cli);
	in = cli_open_inputs(cli);
	viol_cols_need(in, &c, need, JW_ARRAY_LEN(need));
	out = cli_open_output(cli);
	rec_writer_add_fields(out, in);
	rec_writer_add(out, "deadline");
	rec_writer_add(out, "late_days");
	rec_writer_add(out, "late_fee");
	rec_writer_add(out, "owed");
	while ((r = rec_reader_next(in)) != NULL) {
		if (viol_rec_read(in, r, &c, &v, &q) < 0)
			continue;
		late = v.st == VIOL_DECIDED ? viol_late_days(v.decided, asof) :
		       0;
		if (late == 0) {
			rec_filtered(in, r);
			continue;
		}
		fee = viol_late_fee(v.fine, late);
		rec_writer_rec(out, r);
		viol_put_day(out, v.decided + VIOL_PAY_DAYS);
		rec_writer_putll(out, late);
		viol_put_fen(out, fee);
		viol_put_fen(out, v.fine + fee);
		rec_writer_end(out);
	}
	buf_release(&q);
	return cli_finish(cli, in, out);
}

/* ---- points ---- */

static const struct cli_opt points_opts[] = {
	{ 'l', "licences", CLI_ARG, "LICENCES",
	  "licence records: cycles from first_issued (else calendar years)" },
	{ OPT_MIN, "min", CLI_ARG, "N",
	  "only drivers with N points or more (default 1)" },
	{ 0, NULL, 0, NULL, NULL }
};

struct driver_row {
	const char *id;
	size_t idlen;
	struct viol_pts *p;
};

static int
driver_row_cmp(const void *x, const void *y)
{
	const struct driver_row *a = x, *b = y;
	int ta = a->p->points + a->p->carried, tb = b->p->points +
		 b->p->carried, c;

	if (ta != tb)
		return ta > tb ? -1 : 1;
	c = memcmp(a->id, b->id, a->idlen < b->idlen ? a->idlen : b->idlen);
	return c ? c : (a->idlen > b->idlen) - (a->idlen < b->idlen);
}

/* The drivers' rows, most points first. */
static void
points_write(struct rec_writer *out, const struct driver_row *rows, size_t n)
{
	static const char *const cols[] = { "driver_id", "name", "cycle",
		"cycle_start", "cycle_end", "points", "carried", "total",
		"points_left", "full" };
	const struct viol_pts *p;
	size_t i;
	int total;
	char d[11];

	for (i = 0; i < JW_ARRAY_LEN(cols); i++)
		rec_writer_add(out, cols[i]);
	for (i = 0; i < n; i++) {
		p = rows[i].p;
		total = p->points + p->carried;
		rec_writer_put(out, rows[i].id, rows[i].idlen);
		rec_writer_puts(out, p->lic ? p->lic->name : "");
		rec_writer_puts(out, p->cycle_from_licence ? "licence" :
				"calendar");
		date_format(p->start, d);
		rec_writer_puts(out, d);
		date_format(p->end - 1, d);
		rec_writer_puts(out, d);
		rec_writer_putll(out, p->points);
		rec_writer_putll(out, p->carried);
		rec_writer_putll(out, total);
		rec_writer_putll(out, viol_pts_left(p));
		rec_writer_puts(out, total >= VIOL_FULL_SCORE ? "1" : "0");
		rec_writer_end(out);
	}
}

static int
verb_points(struct cli *cli, int argc, char *argv[])
{
	static const enum viol_field need[] = { VF_DRIVER, VF_STATUS, VF_POINTS,
		VF_DECIDED, VF_PAID };
	const char *lpath = NULL;
	struct viol_licences *lic = NULL;
	unsigned long long nrej;
	struct rec_reader *in;
	struct rec_writer *out;
	const struct rec *r;
	struct driver_row *rows;
	struct buf q = BUF_INIT;
	struct htab drivers;
	struct viol_cols c;
	struct viol_rec v;
	struct viol_pts *p;
	size_t w[5], i, n;
	long min = 1;
	int ch, isnew;
	int32_t asof;

	while ((ch = cli_getopt(cli, points_opts, argc, argv)) != -1)
		if (ch == 'l')
			lpath = cli->optarg;
		else if (ch == OPT_MIN)
			min = cli_long(cli, "--min", 0, 1000);
	if (!cli->asof_given)
		cli_usage(cli, "--asof DATE is required: the day whose scoring "
			  "cycle is counted");
	asof = cli_asof(cli);
	in = cli_open_inputs(cli);
	viol_cols_need(in, &c, need, JW_ARRAY_LEN(need));
	for (i = 0; i < 5; i++)
		w[i] = c.f[need[i]];
	if (lpath != NULL)
		lic = viol_licences_load(lpath, &cli->ro, in, &nrej);
	if (lic != NULL && nrej > 0 && cli->status == 0)
		cli->status = JW_EXIT_REJECTS;
	rec_reader_want(in, w, 5);
	htab_init(&drivers, sizeof(struct viol_pts));
	while ((r = rec_reader_next(in)) != NULL) {
		struct rec_str id = r->f[c.f[VF_DRIVER]];

		if (viol_rec_read(in, r, &c, &v, &q) < 0)
			continue;
		if (id.len == 0) {
			rec_filtered(in, r);	/* driver not yet known */
			continue;
		}
		p = htab_put(&drivers, id.p, id.len, &isnew);
		if (isnew)
			viol_pts_cycle(p, lic ? viol_licence_find(lic, id.p,
						     id.len) : NULL, asof);
		viol_pts_add(p, &v, asof);
	}
	rows = xcalloc(drivers.count + 1, sizeof *rows);
	for (i = n = 0; i < drivers.count; i++) {
		p = htab_val_at(&drivers, i);
		if (p->points + p->carried < min)
			continue;
		rows[n].id = htab_key_at(&drivers, i)->p;
		rows[n].idlen = htab_key_at(&drivers, i)->len;
		rows[n++].p = p;
	}
	if (n > 0)
		qsort(rows, n, sizeof *rows, driver_row_cmp);
	out = cli_open_output(cli);
	points_write(out, rows, n);
	free(rows);
	htab_release(&drivers);
	viol_licences_free(lic);
	buf_release(&q);
	return cli_finish(cli, in, out);
}

static const struct cli_verb verbs[] = {
	{ "plate", verb_plate, "-d DATA [-i INDEX] [-t TYPE] [-c CODES.yaml] "
	  "[-l LICENCES] [--text] [--audit FILE] [--asof DATE] PLATE...",
	  "every violation of these plates ('-': one a line on stdin)" },
	{ "index", verb_index, "[--extend] [-i INDEX] DATA",
	  "the sidecar index of DATA by plate (DATA.idx)" },
	{ "late", verb_late, "--asof DATE [file ...]",
	  "decided, unpaid violations past 15 days, with the late fee" },
	{ "points", verb_points, "--asof DATE [-l LICENCES] [--min N] "
	  "[file ...]", "points per driver in the current scoring cycle" },
	{ "stats", verb_stats, "[-b FIELDS] [--no-total] [--partial | --merge] "
	  "[file ...]", "violations, fines and points per group" },
	{ NULL, NULL, NULL, "traffic violations: lookups, late fees, points" }
};

int
main(int argc, char *argv[])
{
	return cli_main("viol-query", verbs, argc, argv);
}
