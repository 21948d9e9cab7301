/* cli: shared command line.  See cli.h. */
#include <iconv.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "rec/cli.h"
#include "base/date.h"
#include "base/diag.h"
#include "base/num.h"
#include "base/util.h"

enum {
	OPT_REJECTS = 256, OPT_ICSV, OPT_IJSONL, OPT_ITSV, OPT_OCSV,
	OPT_OJSONL, OPT_OTSV, OPT_OPRETTY, OPT_ENCODING, OPT_ASOF,
	OPT_MAXLINE, OPT_MASK, OPT_VERSION, OPT_HELP, OPT_CSV, OPT_JSONL,
	OPT_HNAMES, OPT_HLESS, OPT_SUMMARY
};

/* In the order --help lists them, under the headings of shared_heads. */
static const struct cli_opt shared_opts[] = {
	{ OPT_ITSV, "itsv", CLI_NOARG, NULL, "input is TSV (the default)" },
	{ OPT_ICSV, "icsv", CLI_NOARG, NULL,
	  "input is CSV (RFC 4180; also for names ending .csv)" },
	{ OPT_IJSONL, "ijsonl", CLI_NOARG, NULL,
	  "input is JSON Lines (also for names ending .jsonl)" },
	{ OPT_CSV, "csv", CLI_NOARG, NULL, "CSV in and out" },
	{ OPT_JSONL, "jsonl", CLI_NOARG, NULL, "JSON Lines in and out" },
	{ OPT_ENCODING, "encoding", CLI_ARG, "ENC",
	  "input encoding, e.g. gb18030 (default UTF-8)" },
	{ OPT_HNAMES, "header-names", CLI_ARG, "FIELDS",
	  "the input has no header line: these name its fields" },
	{ 'F', "field", CLI_ARG, "FIELD=NAME",
	  "read FIELD from the input's column NAME (repeatable)" },
	{ OPT_MAXLINE, "max-line", CLI_ARG, "BYTES",
	  "longest input line (default 1048576)" },
	{ OPT_REJECTS, "rejects", CLI_ARG, "FILE",
	  "write rejected records to FILE (+ _file _line _error)" },
	{ 'o', "output", CLI_ARG, "FILE",
	  "write to FILE, renamed into place only on success" },
	{ 'z', "gzip", CLI_NOARG, NULL, "gzip the output" },
	{ OPT_OTSV, "otsv", CLI_NOARG, NULL, "output TSV (the default)" },
	{ OPT_OCSV, "ocsv", CLI_NOARG, NULL, "output CSV" },
	{ OPT_OJSONL, "ojsonl", CLI_NOARG, NULL, "output JSON Lines" },
	{ OPT_OPRETTY, "opretty", CLI_NOARG, NULL,
	  "output aligned columns for a terminal" },
	{ OPT_HLESS, "headerless-output", CLI_NOARG, NULL,
	  "write no header line (TSV, CSV)" },
	{ OPT_MASK, "mask", CLI_ARG, "FIELD,...",
	  "mask ID numbers, phones and names in these output fields" },
	{ OPT_ASOF, "asof", CLI_ARG, "DATE",
	  "now: YYYY-MM-DD or 'YYYY-MM-DD HH:MM[:SS]' (China time)" },
	{ OPT_SUMMARY, "summary", CLI_NOARG, NULL,
	  "end with 'N read, N written, N rejected, N filtered'" },
	{ 'q', "quiet", CLI_NOARG, NULL,
	  "no warnings, no progress line (errors and rejects still show)" },
	{ 'h', "help", CLI_NOARG, NULL, "this help" },
	{ OPT_VERSION, "version", CLI_NOARG, NULL, "the version" },
	{ 0, NULL, 0, NULL, NULL }
};

/* The heading printed before each group of shared_opts. */
static const struct {
	int first;
	const char *title;
} shared_heads[] = {
	{ OPT_ITSV, "Input (files in order; none or '-' is standard input; "
		    "gzip is recognised):" },
	{ 'o', "Output (standard output unless -o):" },
	{ OPT_ASOF, "Run:" },
};

struct cli_defer {
	void (*fn)(void *);
	void *p;
	struct cli_defer *next;
};

static void
free_list(void *p)
{
	free(p);
}

void
cli_defer(struct cli *cli, void (*fn)(void *), void *p)
{
	struct cli_defer *d = xmalloc(sizeof *d);

	d->fn = fn;
	d->p = p;
	d->next = cli->defer;
	cli->defer = d;
}

static const char *
verb_label(const struct cli *cli, struct buf *b)
{
	buf_reset(b);
	buf_adds(b, cli->prog);
	if (cli->verb != NULL && cli->verb->name[0] != '\0')
		buf_printf(b, " %s", cli->verb->name);
	return b->p;
}

void
cli_usage(struct cli *cli, const char *fmt, ...)
{
	struct buf b = BUF_INIT, l = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_error("%s", b.p);
	verb_label(cli, &l);
	if (cli->verb != NULL)
		fprintf(stderr, "Usage: %s %s\n", l.p, cli->verb->synopsis);
	fprintf(stderr, "Try '%s --help'.\n", l.p);
	exit(JW_EXIT_USAGE);
}

/* Print n options of o (all up to the end when n is 0). */
static void
print_opts(const struct cli_opt *o, size_t n)
{
	char left[64];

	for (size_t k = 0; o->id != 0 && (n == 0 || k < n); o++, k++) {
		if (o->id < 256)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->id,
				 o->lng, o->arg ? " " : "",
				 o->arg ? o->argname : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->lng,
				 o->arg ? " " : "", o->arg ? o->argname : "");
		printf("  %-26s %s\n", left, o->help);
	}
}

static void
print_shared(void)
{
	const struct cli_opt *o;

	printf("\nOptions of every verb (jingwu-records(5)):\n");
	for (o = shared_opts; o->id != 0; o++) {
		for (size_t i = 0; i < JW_ARRAY_LEN(shared_heads); i++)
			if (shared_heads[i].first == o->id)
				printf(" %s\n", shared_heads[i].title);
		print_opts(o, 1);
	}
}

static void
verb_help(struct cli *cli, const struct cli_opt *opts)
{
	struct buf l = BUF_INIT;

	printf("Usage: %s %s\n%s\n", verb_label(cli, &l), cli->verb->synopsis,
	       cli->verb->summary);
	if (opts != NULL && opts[0].id != 0) {
		printf("\nOptions:\n");
		print_opts(opts, 0);
	}
	print_shared();
	printf("\nExit status: 0 ok, 1 records rejected, 2 usage, "
	       "3 configuration, 4 I/O, 5 internal.\nSee %s(1).\n",
	       cli->prog);
	buf_release(&l);
	exit(fflush(stdout) == 0 ? JW_EXIT_OK : JW_EXIT_IO);
}

static void
version(const struct cli *cli)
{
	printf("%s (jingwu) %s\n", cli->prog, JW_VERSION);
	exit(fflush(stdout) == 0 ? JW_EXIT_OK : JW_EXIT_IO);
}

/* Set the --asof day and time from secs. */
static void
set_asof(struct cli *cli, int64_t secs)
{
	cli->asof_time = secs;
	cli->asof = date_of_time(secs);
	cli->asof_known = 1;
}

int32_t
cli_asof(struct cli *cli)
{
	if (!cli->asof_known)
		set_asof(cli, date_now());
	return cli->asof;
}

int64_t
cli_asof_time(struct cli *cli)
{
	if (!cli->asof_known)
		set_asof(cli, date_now());
	return cli->asof_time;
}

long
cli_long(struct cli *cli, const char *what, long min, long max)
{
	long long v;

	if (num_ll_range(cli->optarg, strlen(cli->optarg), min, max, &v) < 0)
		cli_usage(cli, "%s: expected a whole number from %ld to %ld, "
			  "not '%s'", what, min, max, cli->optarg);
	return (long)v;
}

const char **
cli_split_list(struct cli *cli, const char *what, const char *s, size_t *n)
{
	const char **v = NULL;
	struct buf item = BUF_INIT;
	size_t k = 0;
	const char *p = s;

	for (;;) {
		if (*p == '\\' && (p[1] == ',' || p[1] == '\\')) {
			buf_addc(&item, p[1]);
			p += 2;
			continue;
		}
		if (*p != ',' && *p != '\0') {
			buf_addc(&item, *p++);
			continue;
		}
		if (item.len == 0)
			cli_usage(cli, "%s: empty field name in '%s'", what, s);
		v = xreallocarray(v, k + 2, sizeof *v);
		v[k++] = buf_detach(&item, NULL);
		cli_defer(cli, free_list, (void *)(uintptr_t)v[k - 1]);
		if (*p == '\0')
			break;
		p++;
	}
	v[k] = NULL;
	cli_defer(cli, free_list, v);
	*n = k;
	return v;
}

static void
add_alias(struct cli *cli, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n = cli->ro.nalias;
	char *from;

	if (eq == NULL || eq == arg || eq[1] == '\0')
		cli_usage(cli, "-F: expected FIELD=NAME, not '%s'", arg);
	from = xmemdup(arg, (size_t)(eq - arg));
	cli_defer(cli, free_list, from);
	cli->alias_from = xreallocarray(cli->alias_from, n + 1,
					sizeof *cli->alias_from);
	cli->alias_to = xreallocarray(cli->alias_to, n + 1,
				      sizeof *cli->alias_to);
	cli->alias_from[n] = from;
	cli->alias_to[n] = eq + 1;
	cli->ro.nalias = n + 1;
	cli->ro.alias_from = cli->alias_from;
	cli->ro.alias_to = cli->alias_to;
}

/* Handle a shared option; 0 when id is not one. */
static int
shared(struct cli *cli, int id, const struct cli_opt *opts)
{
	iconv_t cd;
	int64_t secs;
	size_t n, i, k;

	switch (id) {
	case 'o': cli->wo.path = cli->optarg; break;
	case 'z': cli->wo.gzip = 1; break;
	case OPT_REJECTS: cli->ro.rejects = cli->optarg; break;
	case 'F': add_alias(cli, cli->optarg); break;
	case OPT_ITSV: cli->ro.fmt = REC_TSV; cli->ro.fmt_auto = 0; break;
	case OPT_ICSV: cli->ro.fmt = REC_CSV; cli->ro.fmt_auto = 0; break;
	case OPT_IJSONL: cli->ro.fmt = REC_JSONL; cli->ro.fmt_auto = 0; break;
	case OPT_OTSV: cli->wo.fmt = REC_TSV; break;
	case OPT_OCSV: cli->wo.fmt = REC_CSV; break;
	case OPT_OJSONL: cli->wo.fmt = REC_JSONL; break;
	case OPT_OPRETTY: cli->wo.fmt = REC_PRETTY; break;
	case OPT_CSV:
		cli->ro.fmt = cli->wo.fmt = REC_CSV;
		cli->ro.fmt_auto = 0;
		break;
	case OPT_JSONL:
		cli->ro.fmt = cli->wo.fmt = REC_JSONL;
		cli->ro.fmt_auto = 0;
		break;
	case OPT_HNAMES:
		cli->ro.names = cli_split_list(cli, "--header-names",
					       cli->optarg, &cli->ro.nnames);
		break;
	case OPT_HLESS: cli->wo.headerless = 1; break;
	case OPT_ENCODING:
		cd = iconv_open("UTF-8", cli->optarg);
		if (cd == (iconv_t)-1)
			cli_usage(cli, "--encoding: unknown encoding '%s' "
				  "(iconv -l lists them)", cli->optarg);
		iconv_close(cd);
		cli->ro.encoding = cli->optarg;
		break;
	case OPT_ASOF:
		if (datetime_parse(cli->optarg, strlen(cli->optarg),
				   &secs) < 0)
			cli_usage(cli, "--asof: expected YYYY-MM-DD or "
				  "'YYYY-MM-DD HH:MM[:SS]', not '%s'",
				  cli->optarg);
		set_asof(cli, secs);
		cli->asof_given = 1;
		break;
	case OPT_MAXLINE:
		cli->ro.max_line = (size_t)cli_long(cli, "--max-line", 16,
						    1L << 30);
		break;
	case OPT_MASK:
		cli->mask = cli_split_list(cli, "--mask", cli->optarg, &n);
		/* Mask by the output's names: map -F aliases given so far
		 * (cli_open_output() maps those given after). */
		for (i = 0; i < n; i++)
			for (k = 0; k < cli->ro.nalias; k++)
				if (strcmp(cli->mask[i], cli->alias_from[k]) == 0)
					cli->mask[i] = cli->alias_to[k];
		cli->wo.mask = cli->mask;
		cli->wo.nmask = n;
		break;
	case OPT_SUMMARY: cli->summary = 1; break;
	case 'q': diag_quiet = 1; break;
	case 'h': verb_help(cli, opts); break;
	case OPT_VERSION: version(cli); break;
	default: return 0;
	}
	return 1;
}

static const struct cli_opt *
find_long(const struct cli_opt *o, const char *name, size_t len)
{
	for (; o->id != 0; o++)
		if (strlen(o->lng) == len && strncmp(o->lng, name, len) == 0)
			return o;
	return NULL;
}

static const struct cli_opt *
find_short(const struct cli_opt *o, int c)
{
	for (; o->id != 0; o++)
		if (o->id == c)
			return o;
	return NULL;
}

static void
add_arg(struct cli *cli, const char *a)
{
	cli->args = xreallocarray(cli->args, (size_t)cli->nargs + 2,
				  sizeof *cli->args);
	cli->args[cli->nargs++] = a;
	cli->args[cli->nargs] = NULL;
}

/* The next letter of the cluster *cl (the "qz" of "-qz"), with its
 * argument: the rest of the cluster or the next word.  Its id when it is
 * the verb's option; 0 when it was a shared one, handled here. */
static int
short_opt(struct cli *cli, const struct cli_opt *opts, const char **cl,
	  int argc, char *argv[])
{
	int c = (unsigned char)*(*cl)++;
	const struct cli_opt *o = find_short(opts, c);

	if (o == NULL)
		o = find_short(shared_opts, c);
	if (o == NULL || c >= 256)
		cli_usage(cli, "unknown option '-%c'", c);
	cli->optarg = NULL;
	if (o->arg) {
		if (**cl != '\0')
			cli->optarg = *cl;
		else if (cli->optind < argc)
			cli->optarg = argv[cli->optind++];
		else
			cli_usage(cli, "option '-%c' needs %s", c, o->argname);
		*cl = NULL;
	}
	if (find_short(opts, c) == o)
		return o->id;
	shared(cli, o->id, opts);
	return 0;
}

/* The option "--a" (a is without the dashes), with its argument after
 * '=' or in the next word.  Its id when it is the verb's option; 0 when it
 * was a shared one, handled here. */
static int
long_opt(struct cli *cli, const struct cli_opt *opts, const char *a,
	 int argc, char *argv[])
{
	const char *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	const struct cli_opt *o = find_long(opts, a, len);

	if (o == NULL)
		o = find_long(shared_opts, a, len);
	if (o == NULL)
		cli_usage(cli, "unknown option '--%.*s'", (int)len, a);
	cli->optarg = NULL;
	if (o->arg) {
		if (eq != NULL)
			cli->optarg = eq + 1;
		else if (cli->optind < argc)
			cli->optarg = argv[cli->optind++];
		else
			cli_usage(cli, "option '--%s' needs %s", o->lng,
				  o->argname);
	} else if (eq != NULL) {
		cli_usage(cli, "option '--%s' takes no value", o->lng);
	}
	if (find_long(opts, a, len) == o)
		return o->id;
	shared(cli, o->id, opts);
	return 0;
}

int
cli_getopt(struct cli *cli, const struct cli_opt *opts, int argc,
	   char *argv[])
{
	static const struct cli_opt none[] = { { 0, NULL, 0, NULL, NULL } };
	static const char *cluster;	/* rest of "-qz" being read */
	const char *a;
	int id;

	if (opts == NULL)
		opts = none;
	for (;;) {
		if (cluster != NULL && *cluster != '\0') {
			if ((id = short_opt(cli, opts, &cluster, argc,
					    argv)) != 0)
				return id;
			continue;
		}
		cluster = NULL;
		if (cli->optind >= argc || cli->opts_done) {
			while (cli->optind < argc)
				add_arg(cli, argv[cli->optind++]);
			cli->opts_done = 1;
			return -1;
		}
		a = argv[cli->optind++];
		if (strcmp(a, "--") == 0) {
			cli->opts_done = 1;
		} else if (a[0] != '-' || a[1] == '\0') {
			add_arg(cli, a);	/* operands may come first */
		} else if (a[1] != '-') {
			cluster = a + 1;
		} else if ((id = long_opt(cli, opts, a + 2, argc, argv)) != 0) {
			return id;
		}
	}
}

/* Where path is or would be: the real path of its folder, then its last
 * name (so "x.tsv", "./x.tsv" and "dir/../x.tsv" agree).  Caller frees;
 * NULL when the folder does not resolve. */
static char *
where(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *real, *out;
	struct buf b = BUF_INIT;

	dir = slash == NULL ? xstrdup(".") :
	      slash == path ? xstrdup("/") :
	      xmemdup(path, (size_t)(slash - path));
	real = realpath(dir, NULL);
	free(dir);
	if (real == NULL)
		return NULL;
	buf_printf(&b, "%s/%s", real, slash == NULL ? path : slash + 1);
	free(real);
	out = xstrdup(b.p);
	buf_release(&b);
	return out;
}

/* Do paths a and b name the same file: one inode (when both exist; a
 * symlink counts as what it points to), or the same place? */
static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char *wa, *wb;
	int same;

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
		       !S_ISCHR(sa.st_mode);	/* /dev/null twice is fine */
	wa = where(a);
	wb = where(b);
	same = wa != NULL && wb != NULL && strcmp(wa, wb) == 0;
	free(wa);
	free(wb);
	return same;
}

struct rec_reader *
cli_open_files(struct cli *cli, const char *const *files)
{
	/* One file for both would lose the output: the rejects stream is
	 * renamed into place after it. */
	if (cli->wo.path != NULL && cli->ro.rejects != NULL &&
	    strcmp(cli->wo.path, "-") != 0 &&
	    same_file(cli->wo.path, cli->ro.rejects))
		cli_usage(cli, "-o and --rejects name the same file '%s'",
			  cli->ro.rejects);
	cli->in = rec_reader_open(files, &cli->ro);
	return cli->in;
}

struct rec_reader *
cli_open_inputs(struct cli *cli)
{
	return cli_open_files(cli, cli->args);
}

struct rec_writer *
cli_open_output(struct cli *cli)
{
	size_t i, k;

	/* Mask by the output's names: map -F aliases (given before or after
	 * --mask). */
	for (i = 0; i < cli->wo.nmask; i++)
		for (k = 0; k < cli->ro.nalias; k++)
			if (strcmp(cli->mask[i], cli->alias_from[k]) == 0) {
				cli->mask[i] = cli->alias_to[k];
				break;
			}
	cli->out = rec_writer_open(&cli->wo);
	return cli->out;
}

void
cli_tally(struct cli *cli, const struct rec_reader *in)
{
	cli->nread += rec_reader_count_read(in);
	cli->nrejected += rec_reader_count_rejected(in);
	cli->nfiltered += rec_reader_count_filtered(in);
}

int
cli_finish(struct cli *cli, struct rec_reader *in, struct rec_writer *out)
{
	struct cli_defer *d;
	int status = cli->status;

	if (out != NULL) {
		cli->nwritten += rec_writer_count(out);
		rec_writer_close(out);
	}
	if (in != NULL) {
		if (rec_reader_count_rejected(in) > 0 && status == 0)
			status = JW_EXIT_REJECTS;
		cli_tally(cli, in);
		rec_reader_close(in);
	}
	/* Last, after the count of rejects; -q does not silence it. */
	if (cli->summary)
		diag_error("%llu read, %llu written, %llu rejected, "
			   "%llu filtered", cli->nread, cli->nwritten,
			   cli->nrejected, cli->nfiltered);
	while ((d = cli->defer) != NULL) {
		cli->defer = d->next;
		d->fn(d->p);
		free(d);
	}
	free(cli->args);
	free(cli->alias_from);
	free(cli->alias_to);
	cli->args = NULL;
	cli->alias_from = cli->alias_to = NULL;
	return status;
}

/* The verb every program with verbs has (unless it has its own "cat"):
 * records in, the same records out, through every shared option. */
static int
verb_cat(struct cli *cli, int argc, char *argv[])
{
	const struct rec *r;
	struct rec_reader *in;
	struct rec_writer *out;

	while (cli_getopt(cli, NULL, argc, argv) != -1)
		;
	in = cli_open_inputs(cli);
	out = cli_open_output(cli);
	rec_writer_add_fields(out, in);
	while ((r = rec_reader_next(in)) != NULL) {
		rec_writer_rec(out, r);
		rec_writer_end(out);
	}
	return cli_finish(cli, in, out);
}

static const struct cli_verb cat_verb = {
	"cat", verb_cat, "[file ...]",
	"copy the records: convert the format or encoding, or check a file "
	"(--rejects, --summary)"
};

/* The verb named name: the program's, else the shared cat; NULL if none. */
static const struct cli_verb *
find_verb(const struct cli_verb *verbs, const char *name)
{
	const struct cli_verb *v;

	for (v = verbs; v->name != NULL; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return strcmp(name, cat_verb.name) == 0 ? &cat_verb : NULL;
}

/* "assign, count, ..., cat" into b. */
static const char *
verb_names(const struct cli_verb *verbs, struct buf *b)
{
	const struct cli_verb *v;

	for (v = verbs; v->name != NULL; v++)
		buf_printf(b, "%s%s", v == verbs ? "" : ", ", v->name);
	if (find_verb(verbs, cat_verb.name) == &cat_verb)
		buf_printf(b, "%s%s", v == verbs ? "" : ", ", cat_verb.name);
	return b->p;
}

static void
prog_help(const char *prog, const struct cli_verb *verbs)
{
	const struct cli_verb *v;

	printf("Usage: %s VERB [options] [file ...]\n", prog);
	for (v = verbs; v->name != NULL; v++)
		;
	if (v->summary != NULL)
		printf("%s\n", v->summary);
	printf("\nVerbs:\n");
	for (v = verbs;; v++) {
		if (v->name == NULL) {
			if (find_verb(verbs, cat_verb.name) != &cat_verb)
				break;
			v = &cat_verb;
		}
		printf("  %-8s %s\n  %-8s   %s\n", v->name, v->synopsis, "",
		       v->summary);
		if (v == &cat_verb)
			break;
	}
	printf("\n'%s VERB --help' lists a verb's options, and the options "
	       "of every verb;\nsee %s(1) and jingwu-records(5).\n", prog,
	       prog);
	exit(fflush(stdout) == 0 ? JW_EXIT_OK : JW_EXIT_IO);
}

int
cli_main(const char *prog, const struct cli_verb *verbs, int argc,
	 char *argv[])
{
	struct cli cli;
	const struct cli_verb *v;
	struct buf b = BUF_INIT;
	int first = 1;

	memset(&cli, 0, sizeof cli);
	diag_prog = prog;
	cli.prog = prog;
	cli.ro.fmt_auto = 1;
	cli.ro.progress = 1;
	/* A closed pipe is a quiet end (zio turns EPIPE into status 0). */
	signal(SIGPIPE, SIG_IGN);
	if (verbs[0].name != NULL && verbs[0].name[0] == '\0') {
		v = &verbs[0];
		first = 1;
	} else {
		if (argc < 2)
			cli_usage(&cli, "no verb given (verbs: %s)",
				  verb_names(verbs, &b));
		if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
			prog_help(prog, verbs);
		if (strcmp(argv[1], "--version") == 0)
			version(&cli);
		v = find_verb(verbs, argv[1]);
		if (v == NULL)
			cli_usage(&cli, "unknown verb '%s' (verbs: %s)", argv[1],
				  verb_names(verbs, &b));
		first = 2;
	}
	cli.verb = v;
	cli.optind = first;
	return v->fn(&cli, argc, argv);
}
