/* case-status: case progress for citizens and for the bureau (阳光警务).
 * See case-status(1).  The event store and the fold are casefold.h, who
 * may see what is caselookup.h, a complaint's receipt and event
 * casecomplain.h, the changes not yet reported casechange.h, the
 * clearance statistics casestats.h; here are the verbs. */
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/diag.h"
#include "base/utf8.h"
#include "base/util.h"
#include "domain/casechange.h"
#include "domain/casecomplain.h"
#include "domain/casefold.h"
#include "domain/caselookup.h"
#include "domain/caseperiod.h"
#include "domain/casestats.h"
#include "domain/cases.h"
#include "rec/cli.h"
#include "rec/fsel.h"
#include "rec/group.h"
#include "rec/sidx.h"

/* Without -c: $JINGWU_CASES, else the built-in copy of this file. */
#define DEFAULT_CFG "testdata/cases/cases.yaml"

static int verb_lookup(struct cli *cli, int argc, char *argv[]);
static int verb_stats(struct cli *cli, int argc, char *argv[]);
static int verb_complain(struct cli *cli, int argc, char *argv[]);
static int verb_changes(struct cli *cli, int argc, char *argv[]);
static int verb_index(struct cli *cli, int argc, char *argv[]);

static void
case_cfg_free_v(void *p)
{
	case_cfg_free(p);
}

static struct case_cfg *
cs_need_cfg(struct cli *cli, const char *path)
{
	struct case_cfg *c;

	if (path == NULL)
		path = getenv("JINGWU_CASES");
	c = path ? case_cfg_load(path) : case_cfg_load_default(); /* exit 3 */
	cli_defer(cli, case_cfg_free_v, c);
	return c;
}

static struct rec_str
cs_str(const char *s)
{
	return rec_str_of(s);
}

/* 1 if every input can be read a second time (regular files). */
static int
rereadable(const struct cli *cli)
{
	struct stat sb;
	int i;

	if (cli->nargs == 0)
		return 0;
	for (i = 0; i < cli->nargs; i++)
		if (strcmp(cli->args[i], "-") == 0 ||
		    stat(cli->args[i], &sb) < 0 || !S_ISREG(sb.st_mode))
			return 0;
	return 1;
}

/* The store over in, for the bureau's verbs: the fold's rejects go to the
 * rejects stream whole. */
static void
cs_store(struct cli *cli, struct casefold *st, const struct case_cfg *cfg,
	 struct rec_reader *in, const struct casefold_fields *ix)
{
	casefold_init(st, cfg, in, ix, &cli->ro);
	st->keep = !rereadable(cli);
}

static void
cs_put_time(struct rec_writer *w, int64_t t)
{
	char s[20];

	if (t == CASE_NO_TIME) {
		rec_writer_puts(w, "");
		return;
	}
	datetime_format(t, s);
	rec_writer_puts(w, s);
}

static void
cs_put_day(struct rec_writer *w, int32_t d)
{
	char s[11];

	if (d == DATE_NONE) {
		rec_writer_puts(w, "");
		return;
	}
	date_format(d, s);
	rec_writer_puts(w, s);
}

/* ---- fold ---- */

enum {
	OPT_SORTED = 256, OPT_SERIOUS, OPT_PARTIAL, OPT_MERGE, OPT_PERIOD,
	OPT_TERMINAL, OPT_AUDIT, OPT_TEXT, OPT_CASE, OPT_MESSAGE, OPT_LOG,
	OPT_KEY, OPT_CURSOR, OPT_ID, OPT_NAME, OPT_EXTEND
};

#define CFG_OPT \
	{ 'c', "cases", CLI_ARG, "CASES.yaml", \
	  "stages, limits, categories, holidays (default: built in, " \
	  "as " DEFAULT_CFG ")" }

static const struct cli_opt fold_opts[] = {
	CFG_OPT,
	{ OPT_SORTED, "sorted", CLI_NOARG, NULL,
	  "input sorted by case_no: constant memory" },
	{ 0, NULL, 0, NULL, NULL }
};

struct folder {
	struct rec_writer *out;
	const struct casefold_fields *ix;
};

static void
fold_emit(void *ctx, struct casefold *st, const struct casefold_case *k,
	  const struct case_fold *f, struct case_event *ev, size_t nev)
{
	struct folder *fo = ctx;
	struct rec_writer *w = fo->out;

	(void)ev;
	(void)nev;
	if (f->stage == NULL)	/* every event rejected */
		return;
	rec_writer_puts(w, k->no);
	rec_writer_puts(w, k->no[0] == 'A' ? "criminal" : "administrative");
	rec_writer_str(w, casefold_category(st, k));
	rec_writer_str(w, k->unit);
	rec_writer_str(w, k->officer);
	rec_writer_puts(w, f->stage->name);
	rec_writer_puts(w, case_state_name(f->stage->state));
	cs_put_time(w, f->stage_since);
	cs_put_time(w, f->opened);
	cs_put_time(w, f->filed_at);
	cs_put_time(w, f->solved_at);
	cs_put_time(w, f->closed_at);
	if (f->limit_days > 0)
		rec_writer_putll(w, f->limit_days);
	else
		rec_writer_puts(w, "");
	cs_put_day(w, case_fold_due(st->cfg, f));
	rec_writer_putll(w, f->events - f->rejected);
	rec_writer_putll(w, f->complaints);
	rec_writer_puts(w, f->hidden ? "1" : "0");
	rec_writer_end(w);
}

static const char *const fold_cols[] = {
	"case_no", "type", "category", "unit", "officer", "stage", "state",
	"stage_since", "opened", "filed_at", "solved_at", "closed_at",
	"limit_days", "due", "events", "complaints", "hidden", NULL
};

static int
verb_fold(struct cli *cli, int argc, char *argv[])
{
	const char *cpath = NULL;
	struct case_cfg *cfg;
	struct rec_reader *in;
	struct rec_writer *out;
	struct casefold_fields ix;
	struct casefold st;
	struct folder fo;
	size_t i;
	int c, sorted = 0;

	while ((c = cli_getopt(cli, fold_opts, argc, argv)) != -1)
		if (c == 'c')
			cpath = cli->optarg;
		else if (c == OPT_SORTED)
			sorted = 1;
	cfg = cs_need_cfg(cli, cpath);
	in = cli_open_inputs(cli);
	casefold_fields_find(in, &ix, 0);
	out = cli_open_output(cli);
	for (i = 0; fold_cols[i] != NULL; i++)
		rec_writer_add(out, fold_cols[i]);
	cs_store(cli, &st, cfg, in, &ix);
	fo.out = out;
	fo.ix = &ix;
	casefold_read(&st, sorted, fold_emit, &fo);
	casefold_release(&st);
	return cli_finish(cli, in, out);
}

/* ---- overdue ---- */

static const struct cli_opt overdue_opts[] = {
	CFG_OPT,
	{ 'b', "by", CLI_ARG, "FIELDS",
	  "count overdue cases per group (e.g. unit) instead of listing" },
	{ 0, NULL, 0, NULL, NULL }
};

struct overdue_row {
	char *line;	/* the output fields, NUL-joined */
	size_t len;
	long days_over;
	const char *no;
};

struct overduer {
	int32_t asof;
	const struct casefold_fields *ix;
	struct overdue_row *rows;
	size_t n, cap;
	struct arena mem;
};

static void
overdue_take(void *ctx, struct casefold *st, const struct casefold_case *k,
	     const struct case_fold *f, struct case_event *ev, size_t nev)
{
	struct overduer *od = ctx;
	struct rec_str v[9];
	struct overdue_row *row;
	char since[20], due[11], lim[12], over[24];
	int32_t d;
	size_t i, n;
	char *p;

	if (f->stage == NULL)
		return;
	d = case_fold_due(st->cfg, f);
	if (d == DATE_NONE || od->asof <= d)
		return;
	(void)ev;
	(void)nev;
	datetime_format(f->stage_since, since);
	date_format(d, due);
	snprintf(lim, sizeof lim, "%d", f->limit_days);
	snprintf(over, sizeof over, "%ld", (long)(od->asof - d));
	v[0] = cs_str(k->no);
	v[1] = casefold_category(st, k);
	v[2] = k->unit;
	v[3] = k->officer;
	v[4] = cs_str(f->stage->name);
	v[5] = cs_str(since);
	v[6] = cs_str(lim);
	v[7] = cs_str(due);
	v[8] = cs_str(over);
	for (i = 0, n = 0; i < 9; i++)
		n += v[i].len + 1;
	if (od->n == od->cap) {
		od->cap = od->cap ? 2 * od->cap : 256;
		od->rows = xreallocarray(od->rows, od->cap, sizeof *od->rows);
	}
	row = &od->rows[od->n++];
	row->line = p = arena_alloc(&od->mem, n);
	row->len = n;
	for (i = 0; i < 9; i++) {
		memcpy(p, v[i].p, v[i].len);
		p += v[i].len;
		*p++ = '\0';
	}
	row->days_over = od->asof - d;
	row->no = row->line;
}

static int
overdue_cmp(const void *a, const void *b)
{
	const struct overdue_row *x = a, *y = b;

	if (x->days_over != y->days_over)
		return x->days_over > y->days_over ? -1 : 1;
	return strcmp(x->no, y->no);
}

static const char *const overdue_cols[] = {
	"case_no", "category", "unit", "officer", "stage", "stage_since",
	"limit_days", "due", "days_over", NULL
};

/* -b FIELDS: the columns counted by, as positions in overdue_cols
 * (caller frees), their names in *byf, their count in *nby. */
static size_t *
overdue_by(struct cli *cli, const char *by, const char ***byf, size_t *nby)
{
	size_t i, j, *pos;

	*byf = cli_split_list(cli, "-b", by, nby);
	pos = xcalloc(*nby, sizeof *pos);
	for (i = 0; i < *nby; i++) {
		for (j = 0; overdue_cols[j] != NULL; j++)
			if (strcmp((*byf)[i], overdue_cols[j]) == 0)
				break;
		if (overdue_cols[j] == NULL || j == 0 || j >= 5)
			cli_usage(cli, "-b: overdue counts by category, unit, "
				  "officer or stage, not '%s'", (*byf)[i]);
		pos[i] = j;
	}
	return pos;
}

static int
verb_overdue(struct cli *cli, int argc, char *argv[])
{
	const char *cpath = NULL, *by = NULL;
	const char **byf = NULL;
	struct case_cfg *cfg;
	struct rec_reader *in;
	struct rec_writer *out;
	struct casefold_fields ix;
	struct casefold st;
	struct overduer od;
	struct group *g = NULL;
	struct rec_str kv[9], *pv;
	size_t i, j, nby = 0, *pos = NULL;
	int c;

	while ((c = cli_getopt(cli, overdue_opts, argc, argv)) != -1)
		if (c == 'c')
			cpath = cli->optarg;
		else if (c == 'b')
			by = cli->optarg;
	if (!cli->asof_given)
		cli_usage(cli, "--asof DATE is required: the day deadlines "
			  "are checked against");
	cfg = cs_need_cfg(cli, cpath);
	memset(&od, 0, sizeof od);
	od.asof = cli_asof(cli);
	od.ix = &ix;
	arena_init(&od.mem);
	if (by != NULL)
		pos = overdue_by(cli, by, &byf, &nby);
	in = cli_open_inputs(cli);
	casefold_fields_find(in, &ix, 0);
	out = cli_open_output(cli);
	cs_store(cli, &st, cfg, in, &ix);
	casefold_read(&st, 0, overdue_take, &od);
	if (od.n > 0)
		qsort(od.rows, od.n, sizeof *od.rows, overdue_cmp);
	if (by != NULL) {
		g = group_new(nby);
		cli_defer(cli, group_free_v, g);
		for (i = 0; i < nby; i++)
			rec_writer_add(out, byf[i]);
		rec_writer_add(out, "count");
	} else {
		for (i = 0; overdue_cols[i] != NULL; i++)
			rec_writer_add(out, overdue_cols[i]);
	}
	pv = kv;
	for (i = 0; i < od.n; i++) {
		const char *p = od.rows[i].line;

		for (j = 0; j < 9; j++) {
			pv[j] = cs_str(p);
			p += pv[j].len + 1;
		}
		if (g != NULL) {
			struct rec_str key[9];

			for (j = 0; j < nby; j++)
				key[j] = pv[pos[j]];
			group_add(g, key, 1);
			continue;
		}
		for (j = 0; j < 9; j++)
			rec_writer_str(out, pv[j]);
		rec_writer_end(out);
	}
	if (g != NULL)
		group_write(g, out, 1);
	free(pos);
	free(od.rows);
	arena_release(&od.mem);
	casefold_release(&st);
	return cli_finish(cli, in, out);
}

static const struct cli_opt index_opts[] = {
	{ OPT_KEY, "key", CLI_ARG, "FILE", "the secret key file (16 bytes "
	  "or more; the same for lookups)" },
	{ OPT_EXTEND, "extend", CLI_NOARG, NULL, "index only what was "
	  "appended since the last build" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_index(struct cli *cli, int argc, char *argv[])
{
	const char *key = NULL;
	struct caselookup_index x;
	int c, extend = 0;

	while ((c = cli_getopt(cli, index_opts, argc, argv)) != -1)
		if (c == OPT_KEY)
			key = cli->optarg;
		else if (c == OPT_EXTEND)
			extend = 1;
	if (key == NULL)
		cli_usage(cli, "--key FILE is required: party IDs are indexed "
			  "as HMAC-SHA256 under it, never in clear");
	if (cli->nargs != 1 || strcmp(cli->args[0], "-") == 0)
		cli_usage(cli, "index takes one event log file (not standard "
			  "input: the index holds offsets into it)");
	if (cli->ro.fmt != REC_TSV || cli->ro.encoding != NULL)
		cli_usage(cli, "index reads TSV in UTF-8 only");
	caselookup_index_init(&x, cli->args[0], key);
	sidx_build(cli->args[0], x.ppath.p, &x.po, extend);
	sidx_build(cli->args[0], x.cpath.p, &x.co, extend);
	caselookup_index_release(&x);
	return cli_finish(cli, NULL, NULL);
}

/* Copy the hit lines of data to fd. */
/* ---- the public paths: lookup and complain ---- */

/* The options both have. */
#define PUBLIC_OPTS \
	CFG_OPT, \
	{ OPT_ID, "id", CLI_ARG, "ID", "the person's ID number ('-': a line " \
	  "of standard input)" }, \
	{ OPT_NAME, "name", CLI_ARG, "NAME", "the person's name ('-': a " \
	  "line of standard input)" }, \
	{ OPT_AUDIT, "audit", CLI_ARG, "FILE", "append one audit record to " \
	  "FILE, durably, before answering" }, \
	{ OPT_TEXT, "text", CLI_NOARG, NULL, "a Chinese answer for a " \
	  "terminal screen instead of records" }

/* What a public path holds, from the options to the answer. */
struct public {
	const char *cpath, *id, *name, *caseno, *audit;
	int text, from_stdin;
	struct caselookup_asker a;
	struct case_cfg *cfg;
	struct rec_reader *in;
	int indexed;		/* in reads only the lines the index gave */
	struct casefold_fields ix;
	struct casefold st;
	struct caselookup lk;
	struct rec_span *spans;
};

/* An option of PUBLIC_OPTS or --case: 1 when c was one. */
static int
public_opt(struct cli *cli, struct public *pb, int c)
{
	switch (c) {
	case 'c': pb->cpath = cli->optarg; return 1;
	case OPT_ID: pb->id = cli->optarg; return 1;
	case OPT_NAME: pb->name = cli->optarg; return 1;
	case OPT_CASE: pb->caseno = cli->optarg; return 1;
	case OPT_AUDIT: pb->audit = cli->optarg; return 1;
	case OPT_TEXT: pb->text = 1; return 1;
	}
	return 0;
}

/* After the verb's own checks: the asker (usage errors, exit 2), the
 * case YAML (exit 3), and rejects that are only counted, so that a bad
 * record never shows. */
static void
public_begin(struct cli *cli, struct public *pb)
{
	caselookup_asker_read(cli, &pb->a, pb->id, pb->name, &pb->from_stdin);
	pb->a.caseno = pb->caseno;
	pb->cfg = cs_need_cfg(cli, pb->cpath);
	cli->ro.rejects = NULL;
	cli->ro.rejects_quiet = 1;
}

/* Read in into the store and fold every case into pb->lk: the same work
 * whatever the answer.  log: the log complaints go to, which needs a
 * field 'receipt' (exit 2), or NULL. */
static void
public_read(struct cli *cli, struct public *pb, struct rec_reader *in,
	    const char *log)
{
	pb->in = in;
	casefold_fields_find(in, &pb->ix, 0);
	if (log != NULL && pb->ix.receipt == REC_NONE) {
		rec_reader_close(in);
		caselookup_asker_release(&pb->a);
		diag_die(JW_EXIT_USAGE, "%s: no field 'receipt': a log that "
			 "takes complaints needs one", log);
	}
	caselookup_read(&pb->lk, &pb->st, pb->cfg, in, &pb->ix, &cli->ro,
			&pb->a);
}

/* Free what pb holds and finish: status 0 whatever was rejected. */
static int
public_end(struct cli *cli, struct public *pb, struct rec_writer *out)
{
	caselookup_release(&pb->lk);
	casefold_release(&pb->st);
	/* How many lines the index gave would tell that a case exists:
	 * --summary counts none of them. */
	if (!pb->indexed)
		cli_tally(cli, pb->in);
	rec_reader_close(pb->in);
	free(pb->spans);
	caselookup_asker_release(&pb->a);
	cli_finish(cli, NULL, out);
	return JW_EXIT_OK;
}

/* ---- lookup ---- */

static const struct cli_opt lookup_opts[] = {
	PUBLIC_OPTS,
	{ OPT_CASE, "case", CLI_ARG, "NO", "the case number (required over "
	  "the internet)" },
	{ OPT_TERMINAL, "terminal", CLI_ARG, "NAME", "at the station "
	  "terminal NAME: all the person's cases" },
	{ OPT_KEY, "key", CLI_ARG, "FILE", "the index key file (use the "
	  "index FILE.idx when there is one)" },
	{ 0, NULL, 0, NULL, NULL }
};

static const char *const lookup_cols[] = {
	"case_no", "category", "unit", "stage", "stage_since", "timeline",
	"parties", "complaints", NULL
};

static struct rec_writer *
lookup_write(struct cli *cli, const struct caselookup *lk)
{
	struct rec_writer *out = cli_open_output(cli);
	size_t i;

	for (i = 0; lookup_cols[i] != NULL; i++)
		rec_writer_add(out, lookup_cols[i]);
	for (i = 0; i < lk->nsh; i++) {
		const struct caselookup_shown *s = &lk->sh[i];

		rec_writer_puts(out, s->no);
		rec_writer_str(out, s->cat);
		rec_writer_str(out, s->unit);
		rec_writer_puts(out, s->stage->name);
		cs_put_time(out, s->since);
		rec_writer_puts(out, s->timeline.p);
		rec_writer_puts(out, s->parties.p);
		rec_writer_puts(out, s->complaints.p);
		rec_writer_end(out);
	}
	return out;
}

/* The reader: through the index when --key is given and the log has one
 * (only the lines of the asker's cases), else the whole log.  *indexed
 * says which. */
static struct rec_reader *
lookup_open(struct cli *cli, struct public *pb, const char *key,
	    int *indexed)
{
	static const struct rec_span nospan;
	struct rec_reader *in;
	size_t n;

	*indexed = 0;
	if (key == NULL)
		return cli_open_inputs(cli);
	if (cli->nargs != 1)
		cli_usage(cli, "--key: the index is of one event log; name it");
	if (caselookup_spans(cli->args[0], key, &pb->a, &pb->spans, &n) < 0)
		return cli_open_inputs(cli);
	cli->ro.spans = pb->spans ? pb->spans : &nospan;
	cli->ro.nspans = n;
	in = cli_open_inputs(cli);
	cli->ro.spans = NULL;
	cli->ro.nspans = 0;
	*indexed = 1;
	return in;
}

static int
verb_lookup(struct cli *cli, int argc, char *argv[])
{
	const char *terminal = NULL, *why, *key = NULL;
	struct rec_writer *out = NULL;
	struct buf text = BUF_INIT;
	struct rec_reader *in;
	struct public pb;
	unsigned long long nbad;
	int c, indexed;

	memset(&pb, 0, sizeof pb);
	while ((c = cli_getopt(cli, lookup_opts, argc, argv)) != -1)
		if (public_opt(cli, &pb, c))
			continue;
		else if (c == OPT_TERMINAL)
			terminal = cli->optarg;
		else if (c == OPT_KEY)
			key = cli->optarg;
	if ((pb.caseno == NULL) == (terminal == NULL))
		cli_usage(cli, "give --case NO (over the internet) or "
			  "--terminal NAME (at a station terminal), one of "
			  "them");
	if (pb.caseno != NULL &&
	    case_no_check(pb.caseno, strlen(pb.caseno), &why) < 0)
		cli_usage(cli, "--case: %s", why);
	if (terminal != NULL && (*terminal == '\0' ||
				 strpbrk(terminal, "\t\n\r") != NULL))
		cli_usage(cli, "--terminal: expected a terminal name");
	public_begin(cli, &pb);
	if (pb.from_stdin && cli->nargs == 0) {
		caselookup_asker_release(&pb.a);
		cli_usage(cli, "name the event log: standard input holds the "
			  "ID or name");
	}
	in = lookup_open(cli, &pb, key, &indexed);
	pb.indexed = indexed;
	public_read(cli, &pb, in, NULL);
	/* Bad fields only: what the fold rejects depends on the case. */
	nbad = rec_reader_count_rejected(in);
	if (pb.audit != NULL)
		caselookup_audit(pb.audit, cli_asof_time(cli), "lookup",
				 terminal, pb.a.id, pb.caseno, pb.lk.nsh,
				 indexed ? -1 : (long long)nbad);
	if (pb.text) {
		caselookup_text(&pb.lk, &text);
		fwrite(text.p, 1, text.len, stdout);
		buf_release(&text);
	} else {
		out = lookup_write(cli, &pb.lk);
	}
	return public_end(cli, &pb, out);
}

/* ---- complain ---- */

static const struct cli_opt complain_opts[] = {
	PUBLIC_OPTS,
	{ OPT_CASE, "case", CLI_ARG, "NO", "the case complained about" },
	{ OPT_MESSAGE, "message", CLI_ARG, "TEXT", "the complaint" },
	{ OPT_LOG, "log", CLI_ARG, "FILE", "the case event log, read and "
	  "appended to" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_complain(struct cli *cli, int argc, char *argv[])
{
	const char *msg = NULL, *log = NULL, *why;
	const char *files[2] = { NULL, NULL };
	char receipt[CASECOMPLAIN_RECEIPT_LEN + 1], t[20];
	struct rec_writer *out = NULL;
	struct buf line = BUF_INIT, text = BUF_INIT;
	struct public pb;
	size_t n;
	int64_t now;
	int c;

	memset(&pb, 0, sizeof pb);
	while ((c = cli_getopt(cli, complain_opts, argc, argv)) != -1)
		if (public_opt(cli, &pb, c))
			continue;
		else if (c == OPT_MESSAGE)
			msg = cli->optarg;
		else if (c == OPT_LOG)
			log = cli->optarg;
	if (pb.caseno == NULL || msg == NULL || log == NULL)
		cli_usage(cli, "--case NO, --message TEXT and --log FILE are "
			  "required");
	if (cli->nargs > 0)
		cli_usage(cli, "unexpected operand '%s' (--log FILE names the "
			  "event log)", cli->args[0]);
	if (case_no_check(pb.caseno, strlen(pb.caseno), &why) < 0)
		cli_usage(cli, "--case: %s", why);
	n = strlen(msg);
	if (n == 0 || n > 4000 || !utf8_is_valid(msg, n))
		cli_usage(cli, "--message: expected text (UTF-8, 1 to 4000 "
			  "bytes)");
	public_begin(cli, &pb);
	now = cli_asof_time(cli);
	files[0] = log;
	public_read(cli, &pb, cli_open_files(cli, files), log);
	if (pb.lk.nsh == 1) {
		casecomplain_receipt(now, receipt);
		datetime_format(now, t);
		casecomplain_line(pb.cfg, &pb.ix, rec_reader_nfields(pb.in),
				  &pb.a, pb.caseno, now, msg, receipt, &line);
	}
	if (pb.audit != NULL)
		caselookup_audit(pb.audit, now, "complain", NULL, pb.a.id,
				 pb.caseno, pb.lk.nsh,
				 (long long)rec_reader_count_rejected(pb.in));
	if (pb.lk.nsh == 1)
		casecomplain_append(log, &line);
	if (pb.text) {
		if (pb.lk.nsh == 1)
			casecomplain_text(receipt, &text);
		else
			caselookup_text(&pb.lk, &text);
		fwrite(text.p, 1, text.len, stdout);
	} else {
		out = cli_open_output(cli);
		rec_writer_add(out, "receipt");
		rec_writer_add(out, "case_no");
		rec_writer_add(out, "time");
		if (pb.lk.nsh == 1) {
			rec_writer_puts(out, receipt);
			rec_writer_puts(out, pb.caseno);
			rec_writer_puts(out, t);
			rec_writer_end(out);
		}
	}
	buf_release(&line);
	buf_release(&text);
	return public_end(cli, &pb, out);
}

/* ---- changes ---- */

static const struct cli_opt changes_opts[] = {
	CFG_OPT,
	{ OPT_CURSOR, "cursor", CLI_ARG, "FILE", "the position in the log "
	  "reported up to; advanced once the output is committed" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_changes(struct cli *cli, int argc, char *argv[])
{
	const char *cpath = NULL, *cursor = NULL;
	struct case_cfg *cfg;
	struct rec_reader *in;
	struct rec_writer *out;
	struct casefold_fields ix;
	struct casefold st;
	struct casechange ch;
	int c, status;

	while ((c = cli_getopt(cli, changes_opts, argc, argv)) != -1)
		if (c == 'c')
			cpath = cli->optarg;
		else if (c == OPT_CURSOR)
			cursor = cli->optarg;
	if (cursor == NULL)
		cli_usage(cli, "--cursor FILE is required");
	if (cli->nargs != 1 || !rereadable(cli))
		cli_usage(cli, "name one event log, a file (the cursor is a "
			  "line in it)");
	cfg = cs_need_cfg(cli, cpath);
	casechange_init(&ch, casechange_cursor_read(cursor));	/* exit 4 */
	in = cli_open_inputs(cli);
	casefold_fields_find(in, &ix, 0);
	out = cli_open_output(cli);
	casefold_init(&st, cfg, in, &ix, &cli->ro);
	casechange_read(&ch, &st);
	casechange_write(&ch, out);
	casefold_release(&st);
	/* The output is committed (or written and flushed) first: a run
	 * killed before this leaves the cursor where it was. */
	status = cli_finish(cli, in, out);
	if (status <= JW_EXIT_REJECTS)
		casechange_cursor_commit(&ch, cursor);
	casechange_release(&ch);
	return status;
}

/* ---- stats ---- */

static const struct cli_opt stats_opts[] = {
	CFG_OPT,
	{ 'b', "by", CLI_ARG, "FIELDS", "group by these fields of the fold "
	  "output (default: none)" },
	{ OPT_PERIOD, "period", CLI_ARG, "year|quarter|month",
	  "the period (default year)" },
	{ OPT_SERIOUS, "serious", CLI_NOARG, NULL,
	  "only the eight serious categories, as one category" },
	{ OPT_PARTIAL, "partial", CLI_NOARG, NULL,
	  "write mergeable partial counts (for --merge)" },
	{ OPT_MERGE, "merge", CLI_NOARG, NULL,
	  "add up partial counts written by --partial" },
	{ 0, NULL, 0, NULL, NULL }
};

/* The options' setup: the period kind, the configuration. */
static void
stats_setup(struct cli *cli, const char *period, int serious, int partial,
	    int merge, enum case_period_kind *kind)
{
	if (partial && merge)
		cli_usage(cli, "--partial and --merge do not go together");
	if (case_period_kind(period, kind) < 0)
		cli_usage(cli, "--period: expected year, quarter or month, not "
			  "'%s'", period);
	if (merge && serious)
		cli_usage(cli, "--serious was applied by --partial");
}

/* The counting is casestats.h: here the options, the fields and the
 * loop. */
static int
verb_stats(struct cli *cli, int argc, char *argv[])
{
	const char *cpath = NULL, *by = NULL, *period = "year", *col;
	const size_t *bx = NULL;
	const struct case_cfg *cfg = NULL;
	enum case_period_kind kind;
	struct rec_reader *in;
	struct rec_writer *out;
	struct casestats *sx;
	const struct rec *r;
	size_t nk = 0;
	int c, serious = 0, partial = 0, merge = 0, flags;

	while ((c = cli_getopt(cli, stats_opts, argc, argv)) != -1)
		switch (c) {
		case 'c': cpath = cli->optarg; break;
		case 'b': by = cli->optarg; break;
		case OPT_PERIOD: period = cli->optarg; break;
		case OPT_SERIOUS: serious = 1; break;
		case OPT_PARTIAL: partial = 1; break;
		case OPT_MERGE: merge = 1; break;
		}
	stats_setup(cli, period, serious, partial, merge, &kind);
	if (serious)
		cfg = cs_need_cfg(cli, cpath);
	in = cli_open_inputs(cli);
	out = cli_open_output(cli);
	if (by != NULL) {
		bx = fsel_parse(cli, in, "-b", by, &nk);
		if (nk > CASESTATS_MAX_KEYS)
			cli_usage(cli, "-b: at most 16 fields");
	}
	/* --opretty names a NULL and an empty -b value. */
	flags = (partial ? CASESTATS_PARTIAL : 0) |
		(merge ? CASESTATS_MERGE : 0) |
		(cli->wo.fmt == REC_PRETTY ? CASESTATS_LABELS : 0);
	sx = casestats_new(nk, kind, cfg, flags);
	cli_defer(cli, casestats_free_v, sx);
	if ((col = casestats_fields(sx, in, out, bx)) != NULL)
		cli_usage(cli, "-b: '%s' names an output column; group by "
			  "another field", col);
	while ((r = rec_reader_next(in)) != NULL)
		casestats_rec(sx, in, r);
	casestats_write(sx, out);
	return cli_finish(cli, in, out);
}

/* ---- the verbs ---- */

static const struct cli_verb verbs[] = {
	{ "fold", verb_fold, "[-c CASES.yaml] [--sorted] [file ...]",
	  "one record per case: its current stage and dates" },
	{ "lookup", verb_lookup,
	  "--id ID --name NAME (--case NO | --terminal NAME) [--audit FILE] "
	  "[--key FILE] [--text] [file ...]",
	  "a citizen's query: the progress of their own disclosable cases" },
	{ "complain", verb_complain,
	  "--id ID --name NAME --case NO --message TEXT --log FILE "
	  "[--audit FILE] [--text]",
	  "a citizen's complaint about their case: a durable 投诉 event and a "
	  "receipt" },
	{ "changes", verb_changes, "--cursor FILE [-o OUT] [-c CASES.yaml] FILE",
	  "stage changes not yet reported, one per party with a phone (for "
	  "sms-notify)" },
	{ "index", verb_index, "--key FILE [--extend] FILE",
	  "index an event log by party ID (HMAC-SHA256) and case number for "
	  "lookup" },
	{ "overdue", verb_overdue,
	  "--asof DATE [-c CASES.yaml] [-b FIELDS] [file ...]",
	  "cases past their stage's time limit, worst first" },
	{ "stats", verb_stats,
	  "[-b FIELDS] [--period year|quarter|month] [--serious] "
	  "[--partial | --merge] [file ...]",
	  "filed, solved and both clearance rates per group and period, "
	  "from fold output" },
	{ NULL, NULL, NULL,
	  "case-status: case progress for citizens (lookup, complain) and "
	  "for the bureau (fold, overdue, stats)" }
};

int
main(int argc, char *argv[])
{
	return cli_main("case-status", verbs, argc, argv);
}
