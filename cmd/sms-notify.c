/* sms-notify: SMS notices, each sent once (短信告知).  See sms-notify(1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/smpp.h"
#include "base/util.h"
#include "domain/smsnotice.h"
#include "domain/smsreport.h"
#include "domain/smsrules.h"
#include "domain/smssend.h"
#include "domain/smsspool.h"
#include "domain/smsstate.h"
#include "rec/cli.h"

enum {
	OPT_RULE = 256, OPT_STATE, OPT_SPOOL, OPT_SMPP, OPT_SYSTEM_ID,
	OPT_PASSWORD_FILE, OPT_RECEIPTS, OPT_RECEIPT_WAIT, OPT_WINDOW,
	OPT_RATE, OPT_ENQUIRE, OPT_MAX_PER_PHONE, OPT_MAX_SEGMENTS,
	OPT_RETRY_UNCERTAIN, OPT_TIMEOUT
};

/* What a send was asked to do. */
struct run {
	struct cli *cli;
	const char *rpath, *rname, *sdir;
	struct sms_rules *rules;
	const struct sms_rule *one;	/* --rule */
	const char *spool, *smpp_addr, *system_id, *password_file;
	int enquire, timeout, max_segments;
	double rate;
	struct smssend_conf sc;		/* the hand-over's options */
	struct smsnotice_env env;	/* the rules, the day, the opt-outs */
	struct smssend *send;
};

/* One rule's reading of its input. */
struct job {
	struct run *run;
	const struct sms_rule *rule;
	struct rec_reader *in;
	struct smsnotice_rule nb;	/* the rule bound to in's header */
	struct smsnotice nt;		/* the record's notice */
	char *rejects;			/* its --rejects file, when renamed */
};

/* ---- a rule's run ---- */

/* Read the rule's lookup file into its table. */
static void
load_lookup(struct job *j)
{
	const char *files[2] = { j->rule->lookup_file, NULL };
	struct rec_reader *lk = cli_open_files(j->run->cli, files);

	smsnotice_lookup_load(&j->nb, lk);
	cli_tally(j->run->cli, lk);
	rec_reader_close(lk);
}

/* Open a rule's input and check that it has every field the rule names:
 * a configuration error before anything is handed over. */
static struct job *
job_open(struct run *run, const struct sms_rule *u, const char *const *ops)
{
	const char *files[2] = { u->input, NULL };
	const char *const *in_files = ops != NULL ? ops : files;
	const char *rejects = run->cli->ro.rejects;
	struct buf rj = BUF_INIT;
	struct job *j = xcalloc(1, sizeof *j);
	const char *dot;

	j->run = run;
	j->rule = u;
	if (ops == NULL && u->input == NULL)
		diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s' has no 'input': "
			 "give it one, or run it alone with --rule %s and its "
			 "records on standard input", run->rules->path,
			 u->line, u->col, u->name, u->name);
	if (rejects != NULL && run->rules->nrules > 1 && ops == NULL) {
		/* One rejects file per rule: their inputs have other fields. */
		dot = strrchr(rejects, '.');
		if (dot == NULL || strchr(dot, '/') != NULL)
			dot = rejects + strlen(rejects);
		buf_printf(&rj, "%.*s.%s%s", (int)(dot - rejects), rejects,
			   u->name, dot);
		run->cli->ro.rejects = rj.p;
	}
	j->in = cli_open_files(run->cli, in_files);
	run->cli->ro.rejects = rejects;
	/* The reader opens its rejects file at the first reject. */
	j->rejects = buf_detach(&rj, NULL);
	smsnotice_rule_bind(&j->nb, &run->env, u, j->in);
	smsnotice_init(&j->nt);
	if (u->lookup_file != NULL)
		load_lookup(j);
	return j;
}

/* Read a rule's records, hand its notices over, close it. */
static void
job_run(struct job *j)
{
	struct run *run = j->run;
	const struct rec *r;

	while ((r = rec_reader_next(j->in)) != NULL)
		if (smsnotice_make(&j->nb, r, &j->nt))
			smssend_offer(run->send, &j->nt, j->in, r);
	smssend_input_done(run->send);
	smsnotice_rule_release(&j->nb);
	smsnotice_release(&j->nt);
	cli_tally(run->cli, j->in);
	if (rec_reader_count_rejected(j->in) > 0 && run->cli->status == 0)
		run->cli->status = JW_EXIT_REJECTS;
	rec_reader_close(j->in);
	free(j->rejects);
	free(j);
}

/* ---- send ---- */

static const struct cli_opt send_opts[] = {
	{ 'r', "rules", CLI_ARG, "RULES.yaml", "the rules and templates" },
	{ OPT_RULE, "rule", CLI_ARG, "NAME",
	  "only this rule, on the files named or standard input" },
	{ OPT_STATE, "state", CLI_ARG, "DIR",
	  "what was sent (needed with --spool and --smpp)" },
	{ OPT_SPOOL, "spool", CLI_ARG, "DIR",
	  "hand over to smstools: files into its outgoing folder DIR" },
	{ OPT_SMPP, "smpp", CLI_ARG, "HOST:PORT",
	  "hand over to an SMSC over SMPP 3.4" },
	{ OPT_SYSTEM_ID, "system-id", CLI_ARG, "ID", "SMPP system_id" },
	{ OPT_PASSWORD_FILE, "password-file", CLI_ARG, "FILE",
	  "SMPP password, the first line of FILE" },
	{ OPT_RECEIPTS, "receipts", CLI_NOARG, NULL,
	  "bind as transceiver and ask for delivery receipts" },
	{ OPT_RECEIPT_WAIT, "receipt-wait", CLI_ARG, "SECONDS",
	  "wait this long for receipts at the end (default 10)" },
	{ OPT_WINDOW, "window", CLI_ARG, "N",
	  "SMPP requests outstanding at once (default 10)" },
	{ OPT_RATE, "rate", CLI_ARG, "N", "at most N messages a second" },
	{ OPT_ENQUIRE, "enquire-link", CLI_ARG, "SECONDS",
	  "enquire_link when idle this long (default 30)" },
	{ OPT_TIMEOUT, "timeout", CLI_ARG, "SECONDS",
	  "wait this long for the SMSC's answers (default 10)" },
	{ OPT_MAX_PER_PHONE, "max-per-phone", CLI_ARG, "N",
	  "notices one phone gets a day (default: the rules' or any)" },
	{ OPT_MAX_SEGMENTS, "max-segments", CLI_ARG, "N",
	  "longer texts are rejects (default: the rules' or 3)" },
	{ OPT_RETRY_UNCERTAIN, "retry-uncertain", CLI_NOARG, NULL,
	  "send again notices whose hand-over was interrupted" },
	{ 0, NULL, 0, NULL, NULL }
};

static void
rules_free_v(void *p)
{
	sms_rules_free(p);
}

static char *
read_password(struct run *run)
{
	FILE *f;
	char line[64];

	if (run->password_file == NULL)
		cli_usage(run->cli, "--smpp needs --password-file FILE");
	f = fopen(run->password_file, "r");
	if (f == NULL)
		diag_die(JW_EXIT_IO, "%s: cannot open: %s", run->password_file,
			 strerror(errno));
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return xstrdup(line);
}

/* Bind to the SMSC of --smpp with the options given. */
static void
open_smpp(struct run *run)
{
	struct smpp_conf c;
	struct buf err = BUF_INIT;
	char *host = xstrdup(run->smpp_addr), *port = strrchr(host, ':');
	char *pw;
	int r;

	if (port == NULL || port[1] == '\0')
		cli_usage(run->cli, "--smpp: expected HOST:PORT, not '%s'",
			  run->smpp_addr);
	*port++ = '\0';
	if (run->system_id == NULL)
		cli_usage(run->cli, "--smpp needs --system-id ID");
	pw = read_password(run);
	memset(&c, 0, sizeof c);
	c.host = host;
	c.port = port;
	c.system_id = run->system_id;
	c.password = pw;
	c.system_type = "";
	c.transceiver = run->sc.receipts;
	c.window = run->sc.window;
	c.rate = run->rate;
	c.enquire_secs = run->enquire;
	c.timeout_ms = run->timeout * 1000;
	c.max_retries = 20;
	r = smssend_connect(run->send, run->smpp_addr, &c, &err);
	memset(pw, 0, strlen(pw));
	free(pw);
	free(host);
	if (r < 0)
		diag_die(JW_EXIT_IO, "%s: %s (nothing was sent)",
			 run->smpp_addr, err.p);
	buf_release(&err);
}

static struct smsspool *
spool_setup(const char *dir)
{
	struct buf err = BUF_INIT;
	struct smsspool *sp;
	int usage;

	sp = smsspool_open(dir, &err, &usage);
	if (sp == NULL)
		diag_die(usage ? JW_EXIT_USAGE : JW_EXIT_IO, "%s", err.p);
	buf_release(&err);
	return sp;
}

/* The send options into run. */
static void
send_getopt(struct run *run, int argc, char *argv[])
{
	struct cli *cli = run->cli;
	int c;

	while ((c = cli_getopt(cli, send_opts, argc, argv)) != -1) {
		switch (c) {
		case 'r': run->rpath = cli->optarg; break;
		case OPT_RULE: run->rname = cli->optarg; break;
		case OPT_STATE: run->sdir = cli->optarg; break;
		case OPT_SPOOL: run->spool = cli->optarg; break;
		case OPT_SMPP: run->smpp_addr = cli->optarg; break;
		case OPT_SYSTEM_ID: run->system_id = cli->optarg; break;
		case OPT_PASSWORD_FILE: run->password_file = cli->optarg; break;
		case OPT_RECEIPTS: run->sc.receipts = 1; break;
		case OPT_RECEIPT_WAIT:
			run->sc.receipt_wait = (int)cli_long(cli,
				"--receipt-wait", 0, 3600);
			break;
		case OPT_WINDOW:
			run->sc.window = (int)cli_long(cli, "--window", 1, 1000);
			break;
		case OPT_RATE:
			run->rate = (double)cli_long(cli, "--rate", 1, 100000);
			break;
		case OPT_ENQUIRE:
			run->enquire = (int)cli_long(cli, "--enquire-link", 0,
						     3600);
			break;
		case OPT_TIMEOUT:
			run->timeout = (int)cli_long(cli, "--timeout", 1, 600);
			break;
		case OPT_MAX_PER_PHONE:
			run->sc.max_per_phone = (int)cli_long(cli,
				"--max-per-phone", 0, 1000);
			break;
		case OPT_MAX_SEGMENTS:
			run->max_segments = (int)cli_long(cli,
				"--max-segments", 1, 255);
			break;
		case OPT_RETRY_UNCERTAIN: run->sc.retry_uncertain = 1; break;
		}
	}
}

/* Check the options together and load the rules: usage errors (2) and a
 * bad rules file (3) before anything is opened. */
static void
send_setup(struct run *run)
{
	struct cli *cli = run->cli;

	if (run->rpath == NULL)
		cli_usage(cli, "-r RULES.yaml is required");
	if (run->spool != NULL && run->smpp_addr != NULL)
		cli_usage(cli, "--spool and --smpp do not go together");
	run->sc.mode = run->spool ? SMSSEND_SPOOL : run->smpp_addr ?
		       SMSSEND_SMPP : SMSSEND_OUTBOX;
	if (run->sc.mode != SMSSEND_OUTBOX && run->sdir == NULL)
		cli_usage(cli, "--%s needs --state DIR: without it nothing "
			  "would keep a notice from being sent twice",
			  run->spool ? "spool" : "smpp");
	if (cli->nargs > 0 && run->rname == NULL)
		cli_usage(cli, "input files go with --rule NAME (each rule "
			  "names its own input)");
	run->rules = sms_rules_load(run->rpath);	/* exits 3 */
	cli_defer(cli, rules_free_v, run->rules);
	if (run->rname != NULL &&
	    (run->one = sms_rules_find(run->rules, run->rname)) == NULL)
		cli_usage(cli, "--rule: no rule '%s' in %s", run->rname,
			  run->rpath);
	if (run->sc.max_per_phone < 0)
		run->sc.max_per_phone = run->rules->max_per_phone;
	if (run->max_segments < 0)
		run->max_segments = run->rules->max_segments;
	run->sc.rules = run->rules;
	run->sc.now = cli_asof_time(cli);
	smsnotice_env_init(&run->env, run->rules, cli_asof(cli),
			   (size_t)run->max_segments);
}

static int
verb_send(struct cli *cli, int argc, char *argv[])
{
	static const char *const stdin_only[] = { "-", NULL };
	struct run run;
	struct job **jobs;
	size_t i, njobs;

	memset(&run, 0, sizeof run);
	run.cli = cli;
	run.sc.window = 10;
	run.enquire = 30;
	run.timeout = 10;
	run.sc.receipt_wait = 10;
	run.sc.max_per_phone = -1;
	run.max_segments = -1;
	send_getopt(&run, argc, argv);
	send_setup(&run);
	/* Every input's fields are checked before anything is touched. */
	njobs = run.one != NULL ? 1 : run.rules->nrules;
	jobs = xcalloc(njobs, sizeof *jobs);
	for (i = 0; i < njobs; i++)
		jobs[i] = job_open(&run, run.one ? run.one :
				   &run.rules->rules[i], run.one == NULL ? NULL
				   : cli->nargs > 0 ? cli->args : stdin_only);
	if (run.sc.mode == SMSSEND_SPOOL)
		run.sc.spool = spool_setup(run.spool);
	if (run.sdir != NULL)
		run.sc.state = smsstate_open(run.sdir);
	run.sc.out = cli_open_output(cli);
	run.send = smssend_new(&run.sc);
	if (run.sc.mode == SMSSEND_SMPP &&
	    !smsnotice_is_quiet(run.rules, run.sc.now))
		open_smpp(&run);
	for (i = 0; i < njobs; i++)
		job_run(jobs[i]);
	free(jobs);
	smssend_end(run.send);
	smssend_free(run.send);
	smsnotice_env_release(&run.env);
	smsspool_close(run.sc.spool);
	smsstate_close(run.sc.state);
	return cli_finish(cli, NULL, run.sc.out);
}

/* ---- report ---- */

static const struct cli_opt report_opts[] = {
	{ OPT_STATE, "state", CLI_ARG, "DIR", "the state folder to report" },
	{ 0, NULL, 0, NULL, NULL }
};

static void
report_ev(void *ctx, const struct smsstate_ev *e)
{
	smsreport_add(ctx, e);
}

static int
verb_report(struct cli *cli, int argc, char *argv[])
{
	static const char *const cols[] = {
		"day", "rule", "sent", "delivered", "undelivered", "failed",
		"deferred", "uncertain", NULL
	};
	const char *sdir = NULL;
	struct smsreport rp;
	const struct smsreport_row *t;
	struct rec_writer *out;
	size_t i;
	int c;

	while ((c = cli_getopt(cli, report_opts, argc, argv)) != -1)
		if (c == OPT_STATE)
			sdir = cli->optarg;
	if (sdir == NULL)
		cli_usage(cli, "--state DIR is required");
	if (cli->nargs > 0)
		cli_usage(cli, "report reads the state folder, not files");
	smsreport_init(&rp);
	smsstate_read(sdir, report_ev, &rp);
	smsreport_finish(&rp);
	out = cli_open_output(cli);
	for (i = 0; cols[i] != NULL; i++)
		rec_writer_add(out, cols[i]);
	for (i = 0; i < rp.nrows; i++) {
		t = &rp.rows[i];
		rec_writer_puts(out, t->day);
		rec_writer_puts(out, t->rule);
		rec_writer_putll(out, (long long)t->sent);
		rec_writer_putll(out, (long long)t->delivered);
		rec_writer_putll(out, (long long)t->undelivered);
		rec_writer_putll(out, (long long)t->failed);
		rec_writer_putll(out, (long long)t->deferred);
		rec_writer_putll(out, (long long)t->uncertain);
		rec_writer_end(out);
	}
	smsreport_release(&rp);
	return cli_finish(cli, NULL, out);
}

static const struct cli_verb verbs[] = {
	{ "send", verb_send, "-r RULES.yaml [--rule NAME] [--asof TIME] "
	  "[--state DIR] [--spool DIR | --smpp HOST:PORT --system-id ID "
	  "--password-file FILE] [file ...]",
	  "turn records into SMS notices, and hand them over once each" },
	{ "report", verb_report, "--state DIR",
	  "what was sent, delivered, failed, deferred or is uncertain" },
	{ NULL, NULL, NULL, "SMS notices, each sent once (短信告知)" }
};

int
main(int argc, char *argv[])
{
	return cli_main("sms-notify", verbs, argc, argv);
}
