/* sms-notify: SMS notices, each sent once (短信告知).  See sms-notify(1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/diag.h"
#include "base/durable.h"
#include "base/htab.h"
#include "base/smpp.h"
#include "base/util.h"
#include "domain/smsnotice.h"
#include "domain/smspend.h"
#include "domain/smsrules.h"
#include "domain/smsspool.h"
#include "domain/smsstate.h"
#include "domain/smstext.h"
#include "rec/cli.h"

enum {
	OPT_RULE = 256, OPT_STATE, OPT_SPOOL, OPT_SMPP, OPT_SYSTEM_ID,
	OPT_PASSWORD_FILE, OPT_RECEIPTS, OPT_RECEIPT_WAIT, OPT_WINDOW,
	OPT_RATE, OPT_ENQUIRE, OPT_MAX_PER_PHONE, OPT_MAX_SEGMENTS,
	OPT_RETRY_UNCERTAIN, OPT_TIMEOUT
};

enum out_mode { OUT_OUTBOX, OUT_SPOOL, OUT_SMPP };

/* What a run was asked to do. */
struct run {
	struct cli *cli;
	struct sms_rules *rules;
	enum out_mode mode;
	const char *spool, *smpp_addr, *system_id, *password_file;
	struct smsspool *spooler;
	struct smpp *smpp;
	int receipts, receipt_wait, window, enquire, timeout;
	double rate;
	int max_per_phone, max_segments, retry_uncertain;
	struct smsstate *st;
	struct smsnotice_env env;	/* the rules, the day, the opt-outs */
	struct rec_writer *out;
	int64_t now;		/* --asof time */
	char time[20], day[11];
	int quiet;		/* now is inside the quiet hours */
	struct htab today_count; /* phone -> notices this run */
	/* SMPP: notices under way, by tag. */
	struct sms_pendtab pend;	/* under way, and the batch */
	struct htab by_msgid;	/* message_id -> index into handed */
	struct handed *handed;	/* the parts the SMSC took, for receipts */
	size_t nhanded;
	unsigned long long nsent, nfailed, nuncertain, nreceipts;
};

/* One rule's reading of its input. */
struct job {
	struct run *run;
	const struct sms_rule *rule;
	struct rec_reader *in;
	const struct rec *r;
	struct smsnotice_rule nb;	/* the rule bound to in's header */
	struct smsnotice nt;		/* the record's notice */
	char *rejects;			/* its --rejects file, when renamed */
};

/* A part the SMSC took: what a receipt for it is recorded under. */
struct handed {
	char khash[SMSSTATE_HASH + 1], phash[SMSSTATE_HASH + 1];
	const char *rule;
};

static const char *const out_cols[] = {
	"phone", "text", "chars", "segments", "encoding", "rule", "key",
	"status", "detail", NULL
};

/* Write a row from the NUL-separated fields of row, with status and
 * detail. */
static void
put_row(struct run *run, const struct buf *row, const char *status,
	const char *detail)
{
	const char *p = row->p;
	int i;

	for (i = 0; i < 7; i++, p += strlen(p) + 1)
		rec_writer_puts(run->out, p);
	rec_writer_puts(run->out, status);
	rec_writer_puts(run->out, detail);
	rec_writer_end(run->out);
}

static void
pending_done(struct run *run, struct sms_pending *p)
{
	/* Queued: the next batch's write carries them (a "sent" lost in a
	 * crash leaves the notice uncertain, never sent twice). */
	if (p->status == 0) {
		smsstate_queue(run->st, run->time, "sent", p->khash, p->rule,
			       run->day, p->phash, p->ids.p);
		put_row(run, &p->row, "sent", p->ids.p);
		run->nsent++;
	} else if (p->status == SMPP_LOST) {
		/* Stays "begin": uncertain, not sent again by itself. */
		put_row(run, &p->row, "uncertain", "the connection ended "
			"before the SMSC answered");
		run->nuncertain++;
	} else {
		smsstate_queue(run->st, run->time, "failed", p->khash, p->rule,
			       run->day, p->phash, smpp_status_name(p->status));
		rec_reject(p->in, &p->copy, "the SMSC refused it: %s "
			   "(0x%08x)", smpp_status_name(p->status),
			   (unsigned)p->status);
		run->nfailed++;
	}
	smspend_done(p);
}

static void
on_result(void *ctx, uint64_t tag, uint32_t st, const char *id)
{
	struct run *run = ctx;
	struct sms_pending *p = smspend_at(&run->pend, tag >> 8);
	size_t *slot;
	int isnew;

	if (st == 0) {
		if (run->receipts) {
			run->handed = xreallocarray(run->handed,
						    run->nhanded + 1,
						    sizeof *run->handed);
			memcpy(run->handed[run->nhanded].khash, p->khash,
			       sizeof p->khash);
			memcpy(run->handed[run->nhanded].phash, p->phash,
			       sizeof p->phash);
			run->handed[run->nhanded].rule = p->rule;
			slot = htab_put(&run->by_msgid, id, strlen(id), &isnew);
			*slot = run->nhanded++;
		}
	}
	if (smspend_answer(p, st, id))
		pending_done(run, p);
}

/* A receipt: recorded in the state when it names a message of this run. */
static void
on_receipt(void *ctx, const char *id, const char *stat, const char *text)
{
	struct run *run = ctx;
	size_t *ix = htab_find(&run->by_msgid, id, strlen(id));
	struct handed *h;
	struct buf d = BUF_INIT;

	(void)text;
	if (ix == NULL || run->st == NULL)
		return;
	h = &run->handed[*ix];
	buf_printf(&d, "%s %s", id, stat);
	smsstate_queue(run->st, run->time, strcmp(stat, "DELIVRD") == 0 ?
		       "delivered" : "undelivered", h->khash, h->rule, run->day,
		       h->phash, d.p);
	run->nreceipts++;
	buf_release(&d);
}

static void
smpp_died(struct run *run, struct buf *err)
{
	smsstate_flush(run->st);	/* what was sent stays sent */
	diag_die(JW_EXIT_IO, "%s: %s (notices handed over but not answered "
		 "are uncertain; see sms-notify report)", run->smpp_addr,
		 err->p);
}

/* Submit text's parts for a pending notice. */
static void
submit(struct run *run, size_t ix, const char *phone, const char *text,
       size_t n, const struct sms_info *info, const char *khash)
{
	struct buf b = BUF_INIT, dest = BUF_INIT, err = BUF_INIT;
	size_t off[SMS_MAX_PARTS + 1], k;
	unsigned char part[160];
	struct smpp_part sp;
	unsigned ref;

	(void)sms_encode(text, n, info, &b, off);
	buf_printf(&dest, "86%s", phone);
	/* The concatenation reference: from the notice key, so a re-send
	 * of the same notice carries the same one. */
	ref = (unsigned)strtoul((char[]){ khash[0], khash[1], 0 }, NULL, 16);
	smspend_at(&run->pend, ix)->parts = info->segments;
	for (k = 0; k < info->segments; k++) {
		memset(&sp, 0, sizeof sp);
		sp.source = run->rules->sender;
		sp.source_ton = run->rules->sender_ton;
		sp.source_npi = run->rules->sender_npi;
		sp.dest = dest.p;
		sp.dest_ton = 1;
		sp.dest_npi = 1;
		sp.data_coding = (uint8_t)info->enc;
		sp.registered_delivery = run->receipts ? 1 : 0;
		if (info->segments == 1) {
			sp.data = (const unsigned char *)b.p;
			sp.len = off[1] - off[0];
		} else {
			part[0] = 5, part[1] = 0, part[2] = 3;
			part[3] = (unsigned char)ref;
			part[4] = (unsigned char)info->segments;
			part[5] = (unsigned char)(k + 1);
			memcpy(part + 6, b.p + off[k], off[k + 1] - off[k]);
			sp.esm_class = 0x40;
			sp.data = part;
			sp.len = 6 + off[k + 1] - off[k];
		}
		if (smpp_submit(run->smpp, &sp, (uint64_t)ix << 8 | k, &err) < 0)
			smpp_died(run, &err);
	}
	buf_release(&b);
	buf_release(&dest);
	buf_release(&err);
}

/* Hand over the batch: its "begin" events (and the "sent" ones queued
 * since the last batch) in one durable write, then its parts. */
static void
flush_batch(struct run *run)
{
	struct sms_pending *p;
	size_t i, ix;

	if (run->pend.nbatch == 0)
		return;
	smsstate_flush(run->st);
	for (i = 0; i < run->pend.nbatch; i++) {
		ix = run->pend.batch[i];
		p = smspend_at(&run->pend, ix);
		submit(run, ix, p->ph, p->text.p, p->text.len, &p->info,
		       p->khash);
	}
	smspend_batch_clear(&run->pend);
}

/* ---- one record ---- */

static void
one_record(struct job *j)
{
	struct run *run = j->run;
	struct smsnotice *n = &j->nt;
	struct buf row = BUF_INIT, err = BUF_INIT, name = BUF_INIT;
	char khash[SMSSTATE_HASH + 1], phash[SMSSTATE_HASH + 1] = "";
	const char *status = "ready", *detail = "";
	const char *ph = n->phone;
	enum sms_mark mark = SMS_NEW;
	unsigned *cnt, before;
	size_t ix;
	int isnew;

	if (!smsnotice_make(&j->nb, j->r, n))
		return;
	buf_adds(&row, ph);
	buf_addc(&row, '\0');
	buf_add(&row, n->text.p, n->text.len + 1);
	buf_printf(&row, "%zu", n->info.units);
	buf_addc(&row, '\0');
	buf_printf(&row, "%zu", n->info.segments);
	buf_addc(&row, '\0');
	buf_adds(&row, n->info.enc == SMS_UCS2 ? "ucs2" : "gsm7");
	buf_addc(&row, '\0');
	buf_adds(&row, j->rule->name);
	buf_addc(&row, '\0');
	buf_add(&row, n->key.p, n->key.len + 1);
	if (run->st != NULL) {
		smsstate_hash(run->st, n->hkey.p, n->hkey.len, khash);
		smsstate_hash(run->st, ph, 11, phash);
		mark = smsstate_mark(run->st, khash);
	}
	/* Today's notices for this phone: those handed over (the state
	 * counts them, this run's too), or in a dry run those listed. */
	cnt = htab_put(&run->today_count, ph, 11, &isnew);
	before = run->mode == OUT_OUTBOX ? *cnt : 0;
	if (run->st != NULL)
		before += smsstate_phone_count(run->st, phash, run->day);
	if (mark == SMS_SENT) {
		const char *stime, *sdetail;

		/* Handed over by a send as of this same time (a rerun of
		 * it): listed as that send listed it, not handed over. */
		status = "already_sent";
		if (smsstate_sent(run->st, khash, &stime, &sdetail) == 0 &&
		    strcmp(stime, run->time) == 0) {
			put_row(run, &row, run->mode == OUT_SPOOL ? "spooled" :
				"sent", sdetail);
			goto out;
		}
	} else if (mark == SMS_UNCERTAIN && !run->retry_uncertain) {
		status = "uncertain";
		detail = "handed over before, outcome unknown "
			 "(--retry-uncertain sends it again)";
	} else if (run->quiet) {
		status = "deferred";
		detail = "quiet hours";
	} else if (run->max_per_phone > 0 &&
		   before >= (unsigned)run->max_per_phone) {
		status = "deferred";
		detail = "daily limit for this phone (--max-per-phone)";
	}
	if (strcmp(status, "deferred") == 0 && run->st != NULL &&
	    run->mode != OUT_OUTBOX)
		smsstate_event(run->st, run->time, "deferred", khash,
			       j->rule->name, run->day, phash, detail);
	if (strcmp(status, "ready") != 0 || run->mode == OUT_OUTBOX) {
		if (strcmp(status, "ready") == 0)
			(*cnt)++;
		put_row(run, &row, status, detail);
		goto out;
	}
	if (run->mode == OUT_SPOOL) {
		smsstate_event(run->st, run->time, "begin", khash,
			       j->rule->name, run->day, phash, "");
		buf_printf(&name, "jingwu-%s", khash);
		if (smsspool_put(run->spooler, name.p, ph, n->text.p,
				 n->text.len, &n->info, &err) < 0)
			diag_die(JW_EXIT_IO, "%s (that notice is uncertain)",
				 err.p);
		smsstate_event(run->st, run->time, "sent", khash,
			       j->rule->name, run->day, phash, name.p);
		put_row(run, &row, "spooled", name.p);
		run->nsent++;
		goto out;
	}
	{
		struct sms_pending *p = smspend_new(&run->pend, &ix);

		memcpy(p->khash, khash, sizeof khash);
		memcpy(p->phash, phash, sizeof phash);
		p->rule = j->rule->name;
		p->parts = n->info.segments;
		buf_add(&p->row, row.p, row.len);
		buf_add(&p->text, n->text.p, n->text.len);
		memcpy(p->ph, ph, sizeof p->ph);
		p->info = n->info;
		smspend_keep(p, j->in, j->r);
		smsstate_queue(run->st, run->time, "begin", khash,
			       j->rule->name, run->day, phash, "");
		if (smspend_batch_add(&run->pend, ix) >= (size_t)run->window)
			flush_batch(run);
	}
out:
	buf_release(&row);
	buf_release(&err);
	buf_release(&name);
}

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
	struct buf err = BUF_INIT;

	while ((j->r = rec_reader_next(j->in)) != NULL)
		one_record(j);
	flush_batch(run);
	if (run->smpp != NULL && smpp_drain(run->smpp, &err) < 0)
		smpp_died(run, &err);
	if (run->st != NULL)
		smsstate_flush(run->st);
	smsnotice_rule_release(&j->nb);
	smsnotice_release(&j->nt);
	cli_tally(run->cli, j->in);
	if (rec_reader_count_rejected(j->in) > 0 && run->cli->status == 0)
		run->cli->status = JW_EXIT_REJECTS;
	rec_reader_close(j->in);
	free(j->rejects);
	buf_release(&err);
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

static void
open_smpp(struct run *run)
{
	struct smpp_conf c;
	struct buf err = BUF_INIT;
	char *host = xstrdup(run->smpp_addr), *port = strrchr(host, ':');
	char *pw;

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
	c.transceiver = run->receipts;
	c.window = run->window;
	c.rate = run->rate;
	c.enquire_secs = run->enquire;
	c.timeout_ms = run->timeout * 1000;
	c.max_retries = 20;
	run->smpp = smpp_open(&c, on_result, on_receipt, run, &err);
	memset(pw, 0, strlen(pw));
	free(pw);
	free(host);
	if (run->smpp == NULL)
		diag_die(JW_EXIT_IO, "%s: %s (nothing was sent)",
			 run->smpp_addr, err.p);
	buf_release(&err);
}

static void
end_smpp(struct run *run)
{
	struct buf err = BUF_INIT;
	long long waited;

	if (run->smpp == NULL)
		return;
	if (run->receipts)
		for (waited = 0; waited < run->receipt_wait * 1000LL &&
		     run->nreceipts < run->nsent; waited += 100)
			if (smpp_poll(run->smpp, 100, &err) < 0)
				smpp_died(run, &err);
	if (smpp_close(run->smpp, &err) < 0)
		diag_warn("%s: %s", run->smpp_addr, err.p);
	run->smpp = NULL;
	buf_release(&err);
}

static void
spool_setup(struct run *run)
{
	struct buf err = BUF_INIT;
	int usage;

	run->spooler = smsspool_open(run->spool, &err, &usage);
	if (run->spooler == NULL)
		diag_die(usage ? JW_EXIT_USAGE : JW_EXIT_IO, "%s", err.p);
	buf_release(&err);
}

static int
verb_send(struct cli *cli, int argc, char *argv[])
{
	const char *rpath = NULL, *rname = NULL, *sdir = NULL;
	struct run run;
	const struct sms_rule *one = NULL;
	static const char *const stdin_only[] = { "-", NULL };
	struct job **jobs;
	size_t i, njobs;
	int c;

	memset(&run, 0, sizeof run);
	smspend_init(&run.pend);
	run.cli = cli;
	run.window = 10;
	run.enquire = 30;
	run.timeout = 10;
	run.receipt_wait = 10;
	run.max_per_phone = -1;
	run.max_segments = -1;
	while ((c = cli_getopt(cli, send_opts, argc, argv)) != -1) {
		switch (c) {
		case 'r': rpath = cli->optarg; break;
		case OPT_RULE: rname = cli->optarg; break;
		case OPT_STATE: sdir = cli->optarg; break;
		case OPT_SPOOL: run.spool = cli->optarg; break;
		case OPT_SMPP: run.smpp_addr = cli->optarg; break;
		case OPT_SYSTEM_ID: run.system_id = cli->optarg; break;
		case OPT_PASSWORD_FILE: run.password_file = cli->optarg; break;
		case OPT_RECEIPTS: run.receipts = 1; break;
		case OPT_RECEIPT_WAIT:
			run.receipt_wait = (int)cli_long(cli, "--receipt-wait",
							 0, 3600);
			break;
		case OPT_WINDOW:
			run.window = (int)cli_long(cli, "--window", 1, 1000);
			break;
		case OPT_RATE:
			run.rate = (double)cli_long(cli, "--rate", 1, 100000);
			break;
		case OPT_ENQUIRE:
			run.enquire = (int)cli_long(cli, "--enquire-link", 0,
						    3600);
			break;
		case OPT_TIMEOUT:
			run.timeout = (int)cli_long(cli, "--timeout", 1, 600);
			break;
		case OPT_MAX_PER_PHONE:
			run.max_per_phone = (int)cli_long(cli,
				"--max-per-phone", 0, 1000);
			break;
		case OPT_MAX_SEGMENTS:
			run.max_segments = (int)cli_long(cli, "--max-segments",
							 1, 255);
			break;
		case OPT_RETRY_UNCERTAIN: run.retry_uncertain = 1; break;
		}
	}
	if (rpath == NULL)
		cli_usage(cli, "-r RULES.yaml is required");
	if (run.spool != NULL && run.smpp_addr != NULL)
		cli_usage(cli, "--spool and --smpp do not go together");
	run.mode = run.spool ? OUT_SPOOL : run.smpp_addr ? OUT_SMPP :
		   OUT_OUTBOX;
	if (run.mode != OUT_OUTBOX && sdir == NULL)
		cli_usage(cli, "--%s needs --state DIR: without it nothing "
			  "would keep a notice from being sent twice",
			  run.spool ? "spool" : "smpp");
	if (cli->nargs > 0 && rname == NULL)
		cli_usage(cli, "input files go with --rule NAME (each rule "
			  "names its own input)");
	run.rules = sms_rules_load(rpath);	/* exits 3 */
	cli_defer(cli, rules_free_v, run.rules);
	if (rname != NULL && (one = sms_rules_find(run.rules, rname)) == NULL)
		cli_usage(cli, "--rule: no rule '%s' in %s", rname, rpath);
	if (run.max_per_phone < 0)
		run.max_per_phone = run.rules->max_per_phone;
	if (run.max_segments < 0)
		run.max_segments = run.rules->max_segments;
	smsnotice_env_init(&run.env, run.rules, cli_asof(cli),
			   (size_t)run.max_segments);
	htab_init(&run.today_count, sizeof(unsigned));
	htab_init(&run.by_msgid, sizeof(size_t));
	run.now = cli_asof_time(cli);
	datetime_format(run.now, run.time);
	date_format(run.env.today, run.day);
	run.quiet = smsnotice_is_quiet(run.rules, run.now);
	/* Every input's fields are checked before anything is touched. */
	njobs = one != NULL ? 1 : run.rules->nrules;
	jobs = xcalloc(njobs, sizeof *jobs);
	for (i = 0; i < njobs; i++)
		jobs[i] = job_open(&run, one ? one : &run.rules->rules[i],
				   one ? (cli->nargs > 0 ? cli->args : stdin_only)
				       : NULL);
	if (run.mode == OUT_SPOOL)
		spool_setup(&run);
	if (sdir != NULL)
		run.st = smsstate_open(sdir);
	run.out = cli_open_output(cli);
	for (i = 0; out_cols[i] != NULL; i++)
		rec_writer_add(run.out, out_cols[i]);
	if (run.mode == OUT_SMPP && !run.quiet)
		open_smpp(&run);
	for (i = 0; i < njobs; i++)
		job_run(jobs[i]);
	free(jobs);
	end_smpp(&run);
	smspend_release(&run.pend);
	smsnotice_env_release(&run.env);
	htab_release(&run.today_count);
	htab_release(&run.by_msgid);
	free(run.handed);
	smsspool_close(run.spooler);
	smsstate_close(run.st);
	return cli_finish(cli, NULL, run.out);
}

/* ---- report ---- */

/* Per rule and day: the counts of each outcome. */
struct tally {
	char *rule, *day;
	unsigned long long sent, delivered, undelivered, failed, deferred,
			   uncertain;
};

struct reporter {
	struct htab by_key;	/* khash -> index into t of its last attempt */
	struct htab by_rd;	/* rule + day -> index into t */
	struct tally *t;
	size_t nt, cap;
	size_t *last;		/* per key: the tally of its hand-over */
	int *state;		/* per key: 0 none, 1 begun, 2 sent, 3 failed */
};

static size_t
tally_of(struct reporter *rp, const char *rule, const char *day)
{
	struct buf k = BUF_INIT;
	size_t *ix;
	int isnew;

	buf_printf(&k, "%s%c%s", rule, 0, day);
	ix = htab_put(&rp->by_rd, k.p, k.len, &isnew);
	if (isnew) {
		if (rp->nt == rp->cap) {
			rp->cap = rp->cap ? 2 * rp->cap : 16;
			rp->t = xreallocarray(rp->t, rp->cap, sizeof *rp->t);
		}
		memset(&rp->t[rp->nt], 0, sizeof rp->t[rp->nt]);
		rp->t[rp->nt].rule = xstrdup(rule);
		rp->t[rp->nt].day = xstrdup(day);
		*ix = rp->nt++;
	}
	buf_release(&k);
	return *ix;
}

static void
report_ev(void *ctx, const struct smsstate_ev *e)
{
	struct reporter *rp = ctx;
	size_t t = tally_of(rp, e->rule, e->day), *kx, n;
	int isnew;

	kx = htab_put(&rp->by_key, e->key, strlen(e->key), &isnew);
	if (isnew) {
		n = rp->by_key.count;
		rp->last = xreallocarray(rp->last, n, sizeof *rp->last);
		rp->state = xreallocarray(rp->state, n, sizeof *rp->state);
		*kx = n - 1;
		rp->state[*kx] = 0;
		rp->last[*kx] = t;
	}
	if (strcmp(e->event, "deferred") == 0) {
		rp->t[t].deferred++;
	} else if (strcmp(e->event, "begin") == 0) {
		rp->state[*kx] = 1;
		rp->last[*kx] = t;
	} else if (strcmp(e->event, "sent") == 0) {
		rp->state[*kx] = 2;
		rp->t[rp->last[*kx]].sent++;
	} else if (strcmp(e->event, "failed") == 0) {
		rp->state[*kx] = 3;
		rp->t[rp->last[*kx]].failed++;
	} else if (strcmp(e->event, "delivered") == 0) {
		rp->t[rp->last[*kx]].delivered++;
	} else if (strcmp(e->event, "undelivered") == 0) {
		rp->t[rp->last[*kx]].undelivered++;
	}
}

static int
tally_cmp(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	int c = strcmp(x->day, y->day);

	return c ? c : strcmp(x->rule, y->rule);
}

static const struct cli_opt report_opts[] = {
	{ OPT_STATE, "state", CLI_ARG, "DIR", "the state folder to report" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_report(struct cli *cli, int argc, char *argv[])
{
	static const char *const cols[] = {
		"day", "rule", "sent", "delivered", "undelivered", "failed",
		"deferred", "uncertain", NULL
	};
	const char *sdir = NULL;
	struct reporter rp;
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
	memset(&rp, 0, sizeof rp);
	htab_init(&rp.by_key, sizeof(size_t));
	htab_init(&rp.by_rd, sizeof(size_t));
	smsstate_read(sdir, report_ev, &rp);
	for (i = 0; i < rp.by_key.count; i++)
		if (rp.state[i] == 1)
			rp.t[rp.last[i]].uncertain++;
	if (rp.nt > 0)
		qsort(rp.t, rp.nt, sizeof *rp.t, tally_cmp);
	out = cli_open_output(cli);
	for (i = 0; cols[i] != NULL; i++)
		rec_writer_add(out, cols[i]);
	for (i = 0; i < rp.nt; i++) {
		rec_writer_puts(out, rp.t[i].day);
		rec_writer_puts(out, rp.t[i].rule);
		rec_writer_putll(out, (long long)rp.t[i].sent);
		rec_writer_putll(out, (long long)rp.t[i].delivered);
		rec_writer_putll(out, (long long)rp.t[i].undelivered);
		rec_writer_putll(out, (long long)rp.t[i].failed);
		rec_writer_putll(out, (long long)rp.t[i].deferred);
		rec_writer_putll(out, (long long)rp.t[i].uncertain);
		rec_writer_end(out);
		free(rp.t[i].rule);
		free(rp.t[i].day);
	}
	free(rp.t);
	free(rp.last);
	free(rp.state);
	htab_release(&rp.by_key);
	htab_release(&rp.by_rd);
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
