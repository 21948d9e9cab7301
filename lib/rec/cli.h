/*
 * cli: what every program shares on its command line (jingwu-records(5)).
 *
 * A program is a table of verbs; cli_main() dispatches to one, and the verb
 * reads its own options with cli_getopt(), which handles every shared
 * option itself: -o, -z, --rejects, -F, the format flags, --encoding,
 * --asof, --max-line, --mask, --summary, -q, -h/--help, --version.  A
 * program with verbs also gets the verb "cat" from cli_main() (unless it
 * has its own): it copies records, converting formats and encodings.  Operands (input
 * files, "-" for stdin) are collected in cli->args.  Usage errors print the
 * reason, the synopsis and "Try 'prog VERB --help'." and exit 2.
 *
 * Things a verb loads (a grid, a table) can be handed to cli_defer() and
 * are freed by cli_finish(), which also flushes and commits the output,
 * closes the rejects stream and returns the exit status.
 */
#ifndef JW_CLI_H
#define JW_CLI_H

#include <stdint.h>

#include "rec/rec.h"

enum { CLI_NOARG = 0, CLI_ARG = 1 };

/* A verb's option: id is the short letter (or a number >= 256 for a long
 * option only); lng the long name without "--". */
struct cli_opt {
	int id;
	const char *lng;
	int arg;
	const char *argname;
	const char *help;
};

struct cli;
struct cli_verb {
	const char *name;	/* "" for a program without verbs */
	int (*fn)(struct cli *cli, int argc, char *argv[]);
	const char *synopsis;	/* "-g GRID.yaml [file ...]" */
	const char *summary;	/* one line for --help */
};

struct cli {
	const char *prog;
	const struct cli_verb *verb;
	const char *optarg;	/* argument of the option just returned */
	int optind;		/* next argv index */
	const char **args;	/* operands, NULL-terminated */
	int nargs;

	/* Shared options. */
	struct rec_reader_opts ro;
	struct rec_writer_opts wo;
	int asof_given;		/* --asof was on the command line */
	int32_t asof;		/* use cli_asof(): set once known */
	int64_t asof_time;	/* use cli_asof_time(): set once known */
	int status;		/* a verb may raise it (e.g. lint errors) */
	int summary;		/* --summary */
	/* What --summary prints: the counts of the readers tallied (by
	 * cli_finish() or cli_tally()) and of the writers closed by
	 * cli_finish(). */
	unsigned long long nread, nwritten, nrejected, nfiltered;

	/* Internal. */
	const char **alias_from, **alias_to;
	const char **mask;
	struct cli_defer *defer;
	struct rec_reader *in;
	struct rec_writer *out;
	int opts_done;
	int asof_known;		/* asof and asof_time are set */
};

/* Run the program: dispatch argv[1] to its verb.  Returns the status. */
int cli_main(const char *prog, const struct cli_verb *verbs, int argc,
	     char *argv[]);
/* The next verb option (its id), or -1 when all are read.  Shared options
 * are handled inside; an unknown one is a usage error.  opts ends with an
 * entry whose id is 0. */
int cli_getopt(struct cli *cli, const struct cli_opt *opts, int argc,
	       char *argv[]);
/* Usage error: "prog: " + message, the synopsis, a hint; exit 2. */
void cli_usage(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* The day of --asof, or today in China Standard Time when none was given.
 * The clock is read at most once a run (by whichever of cli_asof() and
 * cli_asof_time() comes first), so the two always agree. */
int32_t cli_asof(struct cli *cli);
/* The time of --asof as seconds of date.h's naive calendar (China time;
 * "--asof 2024-03-01" is 00:00:00 of that day), or now when none was
 * given.  cli_asof() is the day this time falls on. */
int64_t cli_asof_time(struct cli *cli);
/* Parse a whole number option argument in [min, max]; usage error else. */
long cli_long(struct cli *cli, const char *what, long min, long max);
/* Open the operands (or stdin) as records.  Exits 4 / 2, see rec.h. */
struct rec_reader *cli_open_inputs(struct cli *cli);
/* The same for an explicit list of files (NULL-terminated). */
struct rec_reader *cli_open_files(struct cli *cli, const char *const *files);
/* The output stream per -o, -z, the format flags and --mask. */
struct rec_writer *cli_open_output(struct cli *cli);
/* Free p with fn at cli_finish().  A module whose objects verbs hand over
 * offers fn as x_free_v(void *) beside x_free() (group_free_v,
 * hold_free_v), so that no program writes its own wrapper. */
void cli_defer(struct cli *cli, void (*fn)(void *), void *p);
/* Add in's counts (read, rejected, filtered) to the --summary line: for a
 * second reader that the verb closes itself, before it does.  cli_finish()
 * tallies the reader it is given. */
void cli_tally(struct cli *cli, const struct rec_reader *in);
/* Close the output (committing -o FILE) and the inputs, free what was
 * deferred, print the --summary line, and return the status: cli->status,
 * raised to 1 when records were rejected.  in and out may be NULL. */
int cli_finish(struct cli *cli, struct rec_reader *in, struct rec_writer *out);
/* Split a comma-separated field list (with \, for a literal comma) into a
 * NULL-terminated array owned by cli; *n gets the count.  Usage error on
 * an empty list or an empty name. */
const char **cli_split_list(struct cli *cli, const char *what,
			    const char *s, size_t *n);

#endif
