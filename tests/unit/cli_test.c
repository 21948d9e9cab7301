/* cli: cli_getopt (verb and shared options, clusters, attached arguments,
 * operands, "--"), usage errors, cli_long, cli_asof, cli_split_list,
 * cli_main dispatch and cli_finish. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "rec/cli.h"
#include "base/date.h"
#include "base/diag.h"
#include "testutil.h"
#include "base/util.h"

/* ---- fixtures ---- */

TESTUTIL_SUITE(cli);

/* ---- a verb to parse for ---- */

static int
verb_nop(struct cli *cli, int argc, char *argv[])
{
	(void)cli;
	(void)argc;
	(void)argv;
	return 0;
}

static const struct cli_verb verb = {
	"count", verb_nop, "[-x] [-n N] [file ...]", "count things"
};

static const struct cli_opt vopts[] = {
	{ 'x', "exact", CLI_NOARG, NULL, "count exactly" },
	{ 'n', "count", CLI_ARG, "N", "how many" },
	{ 300, "long-only", CLI_ARG, "V", "a long option only" },
	{ 0, NULL, 0, NULL, NULL }
};

static struct cli C;
static char *A[32];
static int AC;

/* A fresh cli as cli_main() sets it up for verb, and argv "t count" +
 * the NULL-terminated args. */
static void
start(const char *first, ...)
{
	va_list ap;
	const char *s;

	memset(&C, 0, sizeof C);
	C.prog = "t";
	C.verb = &verb;
	C.optind = 2;
	C.ro.fmt_auto = 1;
	AC = 0;
	A[AC++] = (char *)"t";
	A[AC++] = (char *)"count";
	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *))
		A[AC++] = (char *)s;
	va_end(ap);
	A[AC] = NULL;
}

static int
next(void)
{
	return cli_getopt(&C, vopts, AC, A);
}

static void
assert_args(const char *const *want)
{
	int i;

	for (i = 0; want[i] != NULL; i++) {
		cr_assert_lt(i, C.nargs, "operand %d missing", i);
		cr_assert_str_eq(C.args[i], want[i]);
	}
	cr_assert_eq(C.nargs, i, "%d operands, want %d", C.nargs, i);
	if (i > 0)
		cr_assert_null(C.args[i]);
}

#define USAGE "Usage: t count [-x] [-n N] [file ...]\n" \
	      "Try 't count --help'.\n"

/* ---- cli_getopt ---- */

Test(cli, verb_options_short_and_long)
{
	static const char *const none[] = { NULL };

	start("-x", "-n", "5", "--count=7", "--long-only", "v", "--exact",
	      "--count", "", NULL);
	cr_assert_eq(next(), 'x');
	cr_assert_null(C.optarg);
	cr_assert_eq(next(), 'n');
	cr_assert_str_eq(C.optarg, "5");
	cr_assert_eq(next(), 'n');
	cr_assert_str_eq(C.optarg, "7");
	cr_assert_eq(next(), 300);
	cr_assert_str_eq(C.optarg, "v");
	cr_assert_eq(next(), 'x');
	cr_assert_null(C.optarg);
	cr_assert_eq(next(), 'n');
	cr_assert_str_eq(C.optarg, "");
	cr_assert_eq(next(), -1);
	cr_assert_eq(next(), -1, "the end stays the end");
	assert_args(none);
	cr_assert_eq(C.optind, AC);
	cr_assert_eq(cli_finish(&C, NULL, NULL), 0);
}

Test(cli, clusters_and_attached_arguments)
{
	start("-qz", "-xn3", "-xn", "4", "-oOUT1", NULL);
	cr_assert_eq(next(), 'x');
	cr_assert_eq(diag_quiet, 1);
	cr_assert_eq(C.wo.gzip, 1);
	cr_assert_eq(next(), 'n');
	cr_assert_str_eq(C.optarg, "3");
	cr_assert_eq(next(), 'x');
	cr_assert_eq(next(), 'n');
	cr_assert_str_eq(C.optarg, "4");
	cr_assert_eq(next(), -1);
	cr_assert_str_eq(C.wo.path, "OUT1");
	cli_finish(&C, NULL, NULL);

	start("--output=OUT2", NULL);
	cr_assert_eq(next(), -1);
	cr_assert_str_eq(C.wo.path, "OUT2");
	cli_finish(&C, NULL, NULL);
	start("--output", "OUT3", "-zo", "OUT4", NULL);
	cr_assert_eq(next(), -1);
	cr_assert_str_eq(C.wo.path, "OUT4");
	cr_assert_eq(C.wo.gzip, 1);
	cli_finish(&C, NULL, NULL);
	/* An argument may start with '-'. */
	start("-o", "-", "-n", "-x", "--output=--", NULL);
	cr_assert_eq(next(), 'n');
	cr_assert_str_eq(C.optarg, "-x");
	cr_assert_eq(next(), -1);
	cr_assert_str_eq(C.wo.path, "--");
	cli_finish(&C, NULL, NULL);
}

Test(cli, operands_before_and_between_options)
{
	static const char *const want[] = { "a.tsv", "-", "b.tsv", NULL };

	start("a.tsv", "-x", "-", "-z", "b.tsv", NULL);
	cr_assert_eq(next(), 'x');
	cr_assert_eq(next(), -1);
	cr_assert_eq(C.wo.gzip, 1);
	assert_args(want);
	cli_finish(&C, NULL, NULL);
}

Test(cli, double_dash_ends_options)
{
	static const char *const want[] = { "a", "-x", "--count", "--", "-",
					    NULL };

	start("a", "--", "-x", "--count", "--", "-", NULL);
	cr_assert_eq(next(), -1);
	assert_args(want);
	cr_assert_eq(C.wo.gzip, 0);
	cli_finish(&C, NULL, NULL);
}

Test(cli, unknown_options_exit_2)
{
	start("--bogus", NULL);
	EXPECT_EXIT(2, "t: unknown option '--bogus'\n" USAGE, next());
	start("-xQ", NULL);
	EXPECT_EXIT(2, "t: unknown option '-Q'\n" USAGE,
		    { next(); next(); });
	/* No abbreviations. */
	start("--out", "x", NULL);
	EXPECT_EXIT(2, "t: unknown option '--out'\n" USAGE, next());
	start("--bogus=1", NULL);
	EXPECT_EXIT(2, "t: unknown option '--bogus'\n" USAGE, next());
	/* A verb's option is not another verb's. */
	start("--exactly", NULL);
	EXPECT_EXIT(2, "t: unknown option '--exactly'\n" USAGE, next());
}

Test(cli, unknown_option_exit_code, .exit_code = 2)
{
	dying = 1;
	start("-Y", NULL);
	next();
}

Test(cli, missing_and_unwanted_values_exit_2)
{
	start("--output", NULL);
	EXPECT_EXIT(2, "t: option '--output' needs FILE\n" USAGE, next());
	start("-o", NULL);
	EXPECT_EXIT(2, "t: option '-o' needs FILE\n" USAGE, next());
	start("-xn", NULL);
	EXPECT_EXIT(2, "t: option '-n' needs N\n" USAGE,
		    { next(); next(); });
	start("--long-only", NULL);
	EXPECT_EXIT(2, "t: option '--long-only' needs V\n" USAGE, next());
	start("--gzip=yes", NULL);
	EXPECT_EXIT(2, "t: option '--gzip' takes no value\n" USAGE, next());
	start("--exact=1", NULL);
	EXPECT_EXIT(2, "t: option '--exact' takes no value\n" USAGE, next());
}

Test(cli, shared_options_set_reader_and_writer)
{
	int32_t day;

	start("--rejects", "rej.tsv", "-F", "id_no=身份证号", "-Fname=姓名",
	      "--icsv", "--ojsonl", "--encoding=gb18030", "--max-line", "100",
	      "--mask", "id_no,phone", "--asof", "2024-02-29", "-q", NULL);
	cr_assert_eq(next(), -1);
	cr_assert_str_eq(C.ro.rejects, "rej.tsv");
	cr_assert_eq(C.ro.nalias, 2);
	cr_assert_str_eq(C.ro.alias_from[0], "id_no");
	cr_assert_str_eq(C.ro.alias_to[0], "身份证号");
	cr_assert_str_eq(C.ro.alias_from[1], "name");
	cr_assert_str_eq(C.ro.alias_to[1], "姓名");
	cr_assert_eq(C.ro.fmt, REC_CSV);
	cr_assert_eq(C.ro.fmt_auto, 0);
	cr_assert_eq(C.wo.fmt, REC_JSONL);
	cr_assert_str_eq(C.ro.encoding, "gb18030");
	cr_assert_eq(C.ro.max_line, 100);
	cr_assert_eq(C.wo.nmask, 2);
	cr_assert_eq(date_from_ymd(2024, 2, 29, &day), 0);
	cr_assert_eq(C.asof_given, 1);
	cr_assert_eq(C.asof, day);
	cr_assert_eq(cli_asof(&C), day);
	cr_assert_eq(diag_quiet, 1);
	cr_assert_eq(C.wo.path, NULL);
	cr_assert_eq(C.wo.gzip, 0);
	cli_finish(&C, NULL, NULL);
}

Test(cli, format_flags)
{
	start("--csv", NULL);
	next();
	cr_assert_eq(C.ro.fmt, REC_CSV);
	cr_assert_eq(C.wo.fmt, REC_CSV);
	cr_assert_eq(C.ro.fmt_auto, 0);
	cli_finish(&C, NULL, NULL);
	start("--jsonl", "--opretty", NULL);
	next();
	cr_assert_eq(C.ro.fmt, REC_JSONL);
	cr_assert_eq(C.wo.fmt, REC_PRETTY);
	cli_finish(&C, NULL, NULL);
	start("--ijsonl", "--itsv", "--ocsv", NULL);
	next();
	cr_assert_eq(C.ro.fmt, REC_TSV);
	cr_assert_eq(C.ro.fmt_auto, 0);
	cr_assert_eq(C.wo.fmt, REC_CSV);
	cli_finish(&C, NULL, NULL);
	start("--ojsonl", "--otsv", NULL);
	next();
	cr_assert_eq(C.ro.fmt_auto, 1);
	cr_assert_eq(C.wo.fmt, REC_TSV);
	cli_finish(&C, NULL, NULL);
}

Test(cli, bad_shared_values_exit_2)
{
	start("-F", "id_no", NULL);
	EXPECT_EXIT(2, "t: -F: expected FIELD=NAME, not 'id_no'\n" USAGE,
		    next());
	start("-F", "=x", NULL);
	EXPECT_EXIT(2, "t: -F: expected FIELD=NAME, not '=x'\n" USAGE, next());
	start("-F", "x=", NULL);
	EXPECT_EXIT(2, "t: -F: expected FIELD=NAME, not 'x='\n" USAGE, next());
	start("--asof", "2024-02-30", NULL);
	EXPECT_EXIT(2, "t: --asof: expected YYYY-MM-DD or 'YYYY-MM-DD "
		    "HH:MM[:SS]', not '2024-02-30'\n" USAGE, next());
	start("--asof=2024-1-01", NULL);
	EXPECT_EXIT(2, "t: --asof: expected YYYY-MM-DD or 'YYYY-MM-DD "
		    "HH:MM[:SS]', not '2024-1-01'\n" USAGE, next());
	start("--asof=2024-01-01 24:00", NULL);
	EXPECT_EXIT(2, "t: --asof: expected YYYY-MM-DD or 'YYYY-MM-DD "
		    "HH:MM[:SS]', not '2024-01-01 24:00'\n" USAGE, next());
	start("--asof=2024-01-01 ", NULL);
	EXPECT_EXIT(2, "t: --asof: expected YYYY-MM-DD or 'YYYY-MM-DD "
		    "HH:MM[:SS]', not '2024-01-01 '\n" USAGE, next());
	start("--asof=2024-01-01 9:30", NULL);
	EXPECT_EXIT(2, "t: --asof: expected YYYY-MM-DD or 'YYYY-MM-DD "
		    "HH:MM[:SS]', not '2024-01-01 9:30'\n" USAGE, next());
	start("--max-line", "15", NULL);
	EXPECT_EXIT(2, "t: --max-line: expected a whole number from 16 to "
		    "1073741824, not '15'\n" USAGE, next());
	start("--max-line=10x", NULL);
	EXPECT_EXIT(2, "t: --max-line: expected a whole number from 16 to "
		    "1073741824, not '10x'\n" USAGE, next());
	start("--max-line=", NULL);
	EXPECT_EXIT(2, "t: --max-line: expected a whole number from 16 to "
		    "1073741824, not ''\n" USAGE, next());
	start("--mask", "a,,b", NULL);
	EXPECT_EXIT(2, "t: --mask: empty field name in 'a,,b'\n" USAGE,
		    next());
}

#define HELP_HEAD "Usage: t count [-x] [-n N] [file ...]\ncount things\n" \
		  "\nOptions:\n"

Test(cli, help_and_version_on_stdout)
{
	char *out;

	start("--version", NULL);
	RUN_CHILD(out, 0, "t (jingwu) " JW_VERSION "\n", "", next());
	free(out);
	start("-xh", NULL);
	RUN_CHILD(out, 0, NULL, "", { next(); next(); });
	cr_assert_eq(strncmp(out, HELP_HEAD, strlen(HELP_HEAD)), 0, "%s", out);
	cr_assert_not_null(strstr(out, "  -x, --exact                count "
				  "exactly\n"), "%s", out);
	cr_assert_not_null(strstr(out, "      --long-only V          a long "
				  "option only\n"), "%s", out);
	cr_assert_not_null(strstr(out, "\nOptions of every verb "
				  "(jingwu-records(5)):\n Input "), "%s", out);
	cr_assert_not_null(strstr(out, "\n Output (standard output unless "
				  "-o):\n"), "%s", out);
	cr_assert_not_null(strstr(out, "\n Run:\n      --asof DATE"), "%s",
			   out);
	cr_assert_not_null(strstr(out, "      --summary              end "
				  "with"), "%s", out);
	cr_assert_not_null(strstr(out, "  -o, --output FILE          write to "
				  "FILE"), "%s", out);
	cr_assert_not_null(strstr(out, "\nSee t(1).\n"), "%s", out);
	free(out);
}

/* ---- cli_usage, cli_long, cli_asof ---- */

Test(cli, usage_shapes)
{
	static const struct cli_verb single = { "", verb_nop, "[file ...]",
						"one thing" };

	start(NULL);
	EXPECT_EXIT(2, "t: bad 'x' 3\n" USAGE, cli_usage(&C, "bad '%s' %d",
							  "x", 3));
	/* A program without verbs. */
	C.verb = &single;
	EXPECT_EXIT(2, "t: oops\nUsage: t [file ...]\nTry 't --help'.\n",
		    cli_usage(&C, "oops"));
	/* Before a verb is known: no synopsis. */
	C.verb = NULL;
	EXPECT_EXIT(2, "t: oops\nTry 't --help'.\n", cli_usage(&C, "oops"));
}

Test(cli, usage_exit_code, .exit_code = 2)
{
	dying = 1;
	start(NULL);
	cli_usage(&C, "x");
}

Test(cli, long_in_range)
{
	start(NULL);
	C.optarg = "42";
	cr_assert_eq(cli_long(&C, "-n", 0, 100), 42);
	C.optarg = "-5";
	cr_assert_eq(cli_long(&C, "-n", -5, 5), -5);
	C.optarg = "100";
	cr_assert_eq(cli_long(&C, "-n", 0, 100), 100);
	C.optarg = "101";
	EXPECT_EXIT(2, "t: -n: expected a whole number from 0 to 100, not "
		    "'101'\n" USAGE, cli_long(&C, "-n", 0, 100));
	C.optarg = "-1";
	EXPECT_EXIT(2, "t: -n: expected a whole number from 0 to 100, not "
		    "'-1'\n" USAGE, cli_long(&C, "-n", 0, 100));
	C.optarg = "99999999999999999999999";
	EXPECT_EXIT(2, "t: -n: expected a whole number from 0 to 100, not "
		    "'99999999999999999999999'\n" USAGE,
		    cli_long(&C, "-n", 0, 100));
	C.optarg = "1.5";
	EXPECT_EXIT(2, "t: -n: expected a whole number from 0 to 100, not "
		    "'1.5'\n" USAGE, cli_long(&C, "-n", 0, 100));
	C.optarg = "";
	EXPECT_EXIT(2, "t: -n: expected a whole number from 0 to 100, not "
		    "''\n" USAGE, cli_long(&C, "-n", 0, 100));
}

Test(cli, asof_defaults_to_now)
{
	int64_t before = date_now(), t, after;
	int32_t day;

	start(NULL);
	cr_assert_eq(C.asof_given, 0);
	day = cli_asof(&C);
	t = cli_asof_time(&C);
	after = date_now();
	cr_assert(before <= t && t <= after);
	/* One clock read: the day is the time's, even across a midnight. */
	cr_assert_eq(day, date_of_time(t));
	cr_assert_eq(C.asof_given, 0);
	cr_assert_eq(cli_asof(&C), day);
	cr_assert_eq(cli_asof_time(&C), t);
	cli_finish(&C, NULL, NULL);
	/* The time first, then the day. */
	start(NULL);
	t = cli_asof_time(&C);
	cr_assert_eq(cli_asof(&C), date_of_time(t));
	cli_finish(&C, NULL, NULL);
}

Test(cli, asof_date_and_time)
{
	int32_t day;
	int64_t t;

	cr_assert_eq(date_parse("2024-03-01", 10, &day), 0);
	start("--asof", "2024-03-01", NULL);
	cr_assert_eq(next(), -1);
	cr_assert_eq(C.asof_given, 1);
	cr_assert_eq(cli_asof(&C), day);
	cr_assert_eq(cli_asof_time(&C), (int64_t)day * 86400);
	cli_finish(&C, NULL, NULL);
	start("--asof=2024-03-01 23:59:59", NULL);
	cr_assert_eq(next(), -1);
	cr_assert_eq(cli_asof(&C), day);
	cr_assert_eq(cli_asof_time(&C), (int64_t)day * 86400 + 86399);
	cli_finish(&C, NULL, NULL);
	start("--asof", "2024-03-01 08:30", NULL);
	cr_assert_eq(next(), -1);
	cr_assert_eq(cli_asof_time(&C), (int64_t)day * 86400 + 8 * 3600 +
		     30 * 60);
	cli_finish(&C, NULL, NULL);
	/* Before 1970 the day still rounds down. */
	start("--asof", "1969-12-31T23:00", NULL);
	cr_assert_eq(next(), -1);
	t = cli_asof_time(&C);
	cr_assert_eq(t, -3600);
	cr_assert_eq(cli_asof(&C), -1);
	cli_finish(&C, NULL, NULL);
	/* The last --asof wins. */
	start("--asof", "1999-01-01", "--asof", "2024-03-01", NULL);
	cr_assert_eq(next(), -1);
	cr_assert_eq(cli_asof(&C), day);
	cli_finish(&C, NULL, NULL);
}

/* ---- cli_split_list ---- */

Test(cli, split_list_with_escapes)
{
	const char **v;
	size_t n = 99;

	start(NULL);
	v = cli_split_list(&C, "-b", "a,b\\,c,d\\\\e,f\\g,中文", &n);
	cr_assert_eq(n, 5);
	cr_assert_str_eq(v[0], "a");
	cr_assert_str_eq(v[1], "b,c");
	cr_assert_str_eq(v[2], "d\\e");
	cr_assert_str_eq(v[3], "f\\g");		/* other escapes stay */
	cr_assert_str_eq(v[4], "中文");
	cr_assert_null(v[5]);
	v = cli_split_list(&C, "-b", "one", &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(v[0], "one");
	cr_assert_null(v[1]);
	v = cli_split_list(&C, "-b", "\\,", &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(v[0], ",");
	cli_finish(&C, NULL, NULL);	/* frees the lists */
}

Test(cli, split_list_empty_names_exit_2)
{
	size_t n;
	static const char *const bad[] = { "", ",", "a,", ",a", "a,,b" };
	char want[256];
	size_t i;

	start(NULL);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(want, sizeof want, "t: -b: empty field name in "
			 "'%s'\n" USAGE, bad[i]);
		EXPECT_EXIT(2, want, cli_split_list(&C, "-b", bad[i], &n));
	}
}

/* ---- cli_main, inputs, output, cli_finish ---- */

static int seen_verb;

static int
verb_count(struct cli *cli, int argc, char *argv[])
{
	int c, nx = 0;

	cr_assert_str_eq(cli->prog, "t");
	cr_assert_str_eq(cli->verb->name, "count");
	cr_assert_eq(cli->optind, 2);
	cr_assert_eq(cli->ro.fmt_auto, 1);
	while ((c = cli_getopt(cli, vopts, argc, argv)) != -1)
		if (c == 'x')
			nx++;
		else
			cli_usage(cli, "unexpected");
	cr_assert_eq(cli->nargs, 1);
	cr_assert_str_eq(cli->args[0], "f");
	seen_verb = 1;
	cli->status = 3;
	return cli_finish(cli, NULL, NULL) + 10 * nx;
}

static int
verb_other(struct cli *cli, int argc, char *argv[])
{
	(void)cli;
	(void)argc;
	(void)argv;
	return 7;
}

static const struct cli_verb verbs[] = {
	{ "count", verb_count, "[-x] [file ...]", "count things" },
	{ "other", verb_other, "[file ...]", "something else" },
	{ NULL, NULL, NULL, "t: a test program" }
};

Test(cli, main_dispatches_to_verb)
{
	char *argv[] = { (char *)"t", (char *)"count", (char *)"-x",
			 (char *)"f", (char *)"-x", NULL };
	char *argv2[] = { (char *)"t", (char *)"other", NULL };

	diag_prog = "jingwu";
	cr_assert_eq(cli_main("t", verbs, 5, argv), 23);
	cr_assert(seen_verb);
	cr_assert_str_eq(diag_prog, "t");
	cr_assert_eq(cli_main("t", verbs, 2, argv2), 7);
}

Test(cli, main_usage_errors)
{
	char *none[] = { (char *)"t", NULL };
	char *bad[] = { (char *)"t", (char *)"cnt", NULL };
	char *ver[] = { (char *)"t", (char *)"--version", NULL };
	char *help[] = { (char *)"t", (char *)"-h", NULL };
	char *out;

	EXPECT_EXIT(2, "t: no verb given (verbs: count, other, cat)\n"
		    "Try 't --help'.\n", cli_main("t", verbs, 1, none));
	EXPECT_EXIT(2, "t: unknown verb 'cnt' (verbs: count, other, cat)\n"
		    "Try 't --help'.\n", cli_main("t", verbs, 2, bad));
	RUN_CHILD(out, 0, "t (jingwu) " JW_VERSION "\n", "",
		  cli_main("t", verbs, 2, ver));
	free(out);
	RUN_CHILD(out, 0, "Usage: t VERB [options] [file ...]\n"
		  "t: a test program\n\nVerbs:\n"
		  "  count    [-x] [file ...]\n             count things\n"
		  "  other    [file ...]\n             something else\n"
		  "  cat      [file ...]\n             copy the records: "
		  "convert the format or encoding, or check a file (--rejects, "
		  "--summary)\n"
		  "\n't VERB --help' lists a verb's options, and the options "
		  "of every verb;\nsee t(1) and jingwu-records(5).\n", "",
		  cli_main("t", verbs, 2, help));
	free(out);
}

Test(cli, finish_counts_rejects_and_runs_deferred)
{
	const char *p = PUT("in.tsv", "a\tb\n1\t2\n3\n4\t5\n");
	const char *o = tpath("out.csv");
	struct rec_reader *in;
	struct rec_writer *w;
	const struct rec *r;
	char want[512];
	FILE *e = tmpfile();
	int saved = dup(2);
	char *got;

	dup2(fileno(e), 2);
	start(p, "-o", o, "--ocsv", NULL);
	cr_assert_eq(next(), -1);
	in = cli_open_inputs(&C);
	w = cli_open_output(&C);
	rec_writer_add_fields(w, in);
	while ((r = rec_reader_next(in)) != NULL) {
		rec_writer_rec(w, r);
		rec_writer_end(w);
	}
	cr_assert_eq(access(o, F_OK), -1, "output renamed before finish");
	cli_defer(&C, free, malloc(10));
	cr_assert_eq(cli_finish(&C, in, w), 1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	got = slurp_stream(e);
	fclose(e);
	snprintf(want, sizeof want, "t: %s:3: 1 field, expected 2\n"
		 "t: %s: 1 of 3 records rejected (--rejects FILE keeps them)\n",
		 p, p);
	cr_assert_str_eq(got, want);
	free(got);
	assert_file(o, "a,b\n1,2\n4,5\n");
	cr_assert_null(C.args);
	cr_assert_null(C.defer);
}

Test(cli, finish_keeps_a_raised_status)
{
	const char *p = PUT("in.tsv", "a\n1\n");
	const char *files[] = { p, NULL };
	struct rec_reader *in;

	start(NULL);
	C.status = 3;
	in = cli_open_files(&C, files);
	cr_assert_not_null(rec_reader_next(in));
	cr_assert_eq(cli_finish(&C, in, NULL), 3);
}

/* Masks name output fields, so -F maps them: the output's columns carry
 * the input's names. */
static void
check_mask_mapped(void)
{
	struct rec_writer *w;
	const char *o = tpath("masked.tsv");

	C.wo.path = o;
	w = cli_open_output(&C);
	cr_assert_eq(C.wo.nmask, 2);
	cr_assert_str_eq(C.wo.mask[0], "身份证号");
	cr_assert_str_eq(C.wo.mask[1], "phone");
	rec_writer_add(w, "身份证号");
	rec_writer_add(w, "phone");
	rec_writer_add(w, "name");
	rec_writer_puts(w, "431102199003071235");
	rec_writer_puts(w, "13812345678");
	rec_writer_puts(w, "张三");
	rec_writer_end(w);
	cr_assert_eq(cli_finish(&C, NULL, w), 0);
	assert_file(o, "身份证号\tphone\tname\n"
		    "4311**********1235\t138****5678\t张三\n");
}

Test(cli, mask_mapped_through_earlier_alias)
{
	start("-F", "id_no=身份证号", "--mask", "id_no,phone", NULL);
	cr_assert_eq(next(), -1);
	check_mask_mapped();
}

/* --mask names go through -F aliases wherever the -F stands. */
Test(cli, mask_mapped_through_later_alias)
{
	start("--mask", "id_no,phone", "-F", "id_no=身份证号", NULL);
	cr_assert_eq(next(), -1);
	check_mask_mapped();
}

/* ---- the shared cat verb and --summary ---- */

static int
verb_own_cat(struct cli *cli, int argc, char *argv[])
{
	(void)cli;
	(void)argc;
	(void)argv;
	return 42;
}

Test(cli, cat_is_every_programs_verb)
{
	const char *p = PUT("in.tsv", "a\tb\n1\t2\n3\n4\t5\n");
	const char *o = tpath("out.jsonl");
	char *argv[] = { (char *)"t", (char *)"cat", (char *)"--ojsonl",
			 (char *)"-o", (char *)o, (char *)p, NULL };
	char *own[] = { (char *)"t", (char *)"cat", NULL };
	static const struct cli_verb with_cat[] = {
		{ "cat", verb_own_cat, "", "its own" },
		{ NULL, NULL, NULL, "t: a test program" }
	};
	char want[512], *out;

	snprintf(want, sizeof want, "t: %s:3: 1 field, expected 2\n"
		 "t: %s: 1 of 3 records rejected (--rejects FILE keeps them)\n",
		 p, p);
	RUN_CHILD(out, 1, "", want, exit(cli_main("t", verbs, 6, argv)));
	free(out);
	assert_file(o, "{\"a\":\"1\",\"b\":\"2\"}\n"
		    "{\"a\":\"4\",\"b\":\"5\"}\n");
	/* A program's own cat comes first. */
	cr_assert_eq(cli_main("t", with_cat, 2, own), 42);
	/* A program without verbs has none: "cat" is an operand. */
	cr_assert_eq(cli_main("t", (const struct cli_verb[]){
		{ "", verb_own_cat, "", "" }, { NULL, NULL, NULL, NULL } },
		2, own), 42);
}

Test(cli, summary_counts_every_reader_and_writer)
{
	const char *p = PUT("in.tsv", "a\tb\n1\t2\n3\n4\t5\n6\t7\n");
	const char *q = PUT("in2.tsv", "a\tb\n8\t9\n");
	struct rec_reader *in, *in2;
	struct rec_writer *w;
	const struct rec *r;
	char want[512];
	FILE *e = tmpfile();
	int saved = dup(2);
	char *got;

	dup2(fileno(e), 2);
	start(p, "--summary", "-q", "-o", tpath("out.tsv"), NULL);
	cr_assert_eq(next(), -1);
	cr_assert_eq(C.summary, 1);
	in = cli_open_inputs(&C);
	in2 = cli_open_files(&C, (const char *const[]){ q, NULL });
	w = cli_open_output(&C);
	rec_writer_add_fields(w, in);
	while ((r = rec_reader_next(in)) != NULL)
		if (r->f[0].p[0] == '6') {
			rec_filtered(in, r);
		} else {
			rec_writer_rec(w, r);
			rec_writer_end(w);
		}
	while ((r = rec_reader_next(in2)) != NULL)
		;
	/* A second reader the verb closes itself is tallied first. */
	cli_tally(&C, in2);
	rec_reader_close(in2);
	cr_assert_eq(cli_finish(&C, in, w), 1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	got = slurp_stream(e);
	fclose(e);
	snprintf(want, sizeof want, "t: %s:3: 1 field, expected 2\n"
		 "t: %s: 1 of 4 records rejected (--rejects FILE keeps them)\n"
		 "t: 5 read, 2 written, 1 rejected, 1 filtered\n", p, p);
	cr_assert_str_eq(got, want);
	free(got);
}

Test(cli, no_summary_without_the_flag)
{
	const char *p = PUT("in.tsv", "a\n1\n");
	char *argv[] = { (char *)"t", (char *)"cat", (char *)p, NULL };
	char *out;

	RUN_CHILD(out, 0, "a\n1\n", "", exit(cli_main("t", verbs, 3, argv)));
	free(out);
}
