/*
 * jwcat: the record library end to end, for tests and benchmarks (not
 * installed).  Reads records in any input format and writes them in any
 * output format, with every shared option.  With -r FIELD=TEXT it rejects
 * the records whose FIELD equals TEXT, to exercise rec_reject().  With
 * -w FIELD it tells the reader it reads only FIELD (rec_reader_want()),
 * and still writes whole records: the output must not change.
 */
#include <stdlib.h>
#include <string.h>

#include "rec/cli.h"
#include "base/util.h"

static const struct cli_opt cat_opts[] = {
	{ 'r', "reject", CLI_ARG, "FIELD=TEXT",
	  "reject records whose FIELD is TEXT" },
	{ 'w', "want", CLI_ARG, "FIELD",
	  "read only FIELD (the output is the same)" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_cat(struct cli *cli, int argc, char *argv[])
{
	const char *rej = NULL, *want = NULL, *eq;
	size_t ri = REC_NONE, wi, tlen = 0;
	const struct rec *r;
	struct rec_reader *in;
	struct rec_writer *out;
	char *field = NULL;
	int c;

	while ((c = cli_getopt(cli, cat_opts, argc, argv)) != -1)
		if (c == 'r')
			rej = cli->optarg;
		else if (c == 'w')
			want = cli->optarg;
	in = cli_open_inputs(cli);
	if (want != NULL) {
		wi = rec_reader_need(in, want);
		rec_reader_want(in, &wi, 1);
	}
	if (rej != NULL) {
		eq = strchr(rej, '=');
		if (eq == NULL)
			cli_usage(cli, "-r: expected FIELD=TEXT");
		field = xmemdup(rej, (size_t)(eq - rej));
		ri = rec_reader_need(in, field);
		free(field);
		rej = eq + 1;
		tlen = strlen(rej);
	}
	out = cli_open_output(cli);
	rec_writer_add_fields(out, in);
	while ((r = rec_reader_next(in)) != NULL) {
		if (ri != REC_NONE && r->f[ri].len == tlen &&
		    memcmp(r->f[ri].p, rej, tlen) == 0) {
			rec_reject(in, r, "field '%s': rejected by -r",
				   rec_reader_name(in, ri));
			continue;
		}
		rec_writer_rec(out, r);
		rec_writer_end(out);
	}
	return cli_finish(cli, in, out);
}

static const struct cli_verb verbs[] = {
	{ "", verb_cat, "[-r FIELD=TEXT] [-w FIELD] [file ...]",
	  "copy records, converting formats" },
	{ NULL, NULL, NULL, "jwcat: the record library's pass-through" }
};

int
main(int argc, char *argv[])
{
	return cli_main("jwcat", verbs, argc, argv);
}
