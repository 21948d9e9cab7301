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
#include "base/num.h"
#include "base/smpp.h"
#include "base/tmpl.h"
#include "base/util.h"
#include "domain/phone.h"
#include "domain/smspend.h"
#include "domain/smsrules.h"
#include "domain/smsspool.h"
#include "domain/smsstate.h"
#include "domain/smstext.h"
#include "domain/vehicle.h"
#include "rec/cli.h"

enum {
	OPT_RULE = 256, OPT_STATE, OPT_SPOOL, OPT_SMPP, OPT_SYSTEM_ID,
	OPT_PASSWORD_FILE, OPT_RECEIPTS, OPT_RECEIPT_WAIT, OPT_WINDOW,
	OPT_RATE, OPT_ENQUIRE, OPT_MAX_PER_PHONE, OPT_MAX_SEGMENTS,
	OPT_RETRY_UNCERTAIN, OPT_TIMEOUT
};

enum out_mode { OUT_OUTBOX, OUT_SPOOL, OUT_SMPP };

#define MAX_LOOKUP 64		/* fields a lookup gives (smsrules checks) */

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
	struct htab optout;	/* 11-digit phones that declined */
	struct rec_writer *out;
	int64_t now;		/* --asof time */
	int32_t today;
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
	size_t phone;			/* where the phone comes from */
	size_t date;			/* field index (REC_NONE) */
	/* The fields the kinds read, resolved once from the header
	 * (REC_NONE when absent; need_fields() checks the needed ones). */
	size_t f_use, f_type, f_seats, f_registered, f_last, f_time, f_grid;
	size_t *var;			/* template name -> field, or a VAR_ */
	size_t *key;			/* key name -> field, or a VAR_ */
	/* lookup: key value -> the fields, TAB-joined */
	struct htab look;
	size_t look_by;
	char *rejects;			/* its --rejects file, when renamed */
	/* this record's computed values */
	char due[11], days_left[16];
	int32_t due_day;
	const char *lookf[MAX_LOOKUP];
	size_t nlookf;
};

#define VAR_DUE ((size_t)-2)
#define VAR_DAYS_LEFT ((size_t)-3)
#define VAR_AT ((size_t)-4)
#define VAR_PLACE ((size_t)-5)
#define VAR_LOOKUP ((size_t)-1000)	/* VAR_LOOKUP - i: lookup field i */

static int
is_lookup(size_t v)
{
	return v <= VAR_LOOKUP && v > VAR_LOOKUP - MAX_LOOKUP;
}

/* A part the SMSC took: what a receipt for it is recorded under. */
struct handed {
	char khash[SMSSTATE_HASH + 1], phash[SMSSTATE_HASH + 1];
	const char *rule;
};

/* ---- small pieces ---- */

static int
is_quiet(const struct sms_rules *r, int64_t t)
{
	int m = (int)(((t % 86400) + 86400) % 86400 / 60);

	if (r->quiet_from == r->quiet_to)
		return 0;
	if (r->quiet_from < r->quiet_to)
		return m >= r->quiet_from && m < r->quiet_to;
	return m >= r->quiet_from || m < r->quiet_to;
}

static void
load_optout(struct run *run, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], ph[12];
	unsigned long long ln = 0;
	size_t n;
	int isnew;

	htab_init(&run->optout, 1);
	if (f == NULL)
		diag_die(JW_EXIT_CONFIG, "%s: cannot open: %s", path,
			 strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		ln++;
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (phone_norm(line, n, ph) < 0)
			diag_die(JW_EXIT_CONFIG, "%s:%llu: not a mobile number: "
				 "'%s'", path, ln, line);
		htab_put(&run->optout, ph, 11, &isnew);
	}
	fclose(f);
}

/* ---- template values ---- */

static struct rec_str
value_of(struct job *j, size_t v)
{
	struct rec_str s = { "", 0 };

	if (v == VAR_DUE)
		s.p = j->due;
	else if (v == VAR_DAYS_LEFT)
		s.p = j->days_left;
	else if (v == VAR_AT)
		s.p = j->rule->at;
	else if (v == VAR_PLACE)
		s.p = j->rule->place;
	else if (is_lookup(v))
		s.p = VAR_LOOKUP - v < j->nlookf ? j->lookf[VAR_LOOKUP - v] : "";
	else
		return j->r->f[v];
	s.len = strlen(s.p);
	return s;
}

static void
tmpl_value(void *ctx, size_t i, const char **p, size_t *n)
{
	struct job *j = ctx;
	struct rec_str s = value_of(j, j->var[i]);

	*p = s.p;
	*n = s.len;
}

/* Where name comes from in job j: a field, a lookup field or a computed
 * value; REC_NONE when nowhere. */
static size_t
resolve_name(struct job *j, const char *name)
{
	const struct sms_rule *u = j->rule;
	size_t i;

	if (strcmp(name, "due") == 0 && (u->kind == SMS_INSPECTION ||
	    u->kind == SMS_SCRAP || u->kind == SMS_LICENCE ||
	    u->kind == SMS_GENERIC))
		return VAR_DUE;
	if (strcmp(name, "days_left") == 0 && (u->kind == SMS_INSPECTION ||
	    u->kind == SMS_SCRAP || u->kind == SMS_LICENCE ||
	    u->kind == SMS_GENERIC))
		return VAR_DAYS_LEFT;
	if (u->kind == SMS_MEETING && strcmp(name, "at") == 0)
		return VAR_AT;
	if (u->kind == SMS_MEETING && strcmp(name, "place") == 0)
		return VAR_PLACE;
	for (i = 0; i < u->nlookup; i++)
		if (strcmp(name, u->lookup_fields[i]) == 0)
			return VAR_LOOKUP - i;
	return rec_reader_field(j->in, name);
}

/* The fields a rule's kind reads, besides its template and key. */
static const char *const kind_fields[SMS_GENERIC + 1][6] = {
	[SMS_INSPECTION] = { "plate", "use", "vehicle_type", "seats",
			     "registered", "last_inspected" },
	[SMS_SCRAP] = { "plate", "use", "vehicle_type", "seats",
			"registered" },
	[SMS_VIOLATION] = { "plate", "time" },
	[SMS_CASE] = { "case_no", "stage", "time" },
	[SMS_MEETING] = { "id_no" },
};

static void
need_fields(struct job *j)
{
	const struct sms_rule *u = j->rule;
	size_t i, n, v;

	for (i = 0; i < 6 && kind_fields[u->kind][i] != NULL; i++)
		if (rec_reader_field(j->in, kind_fields[u->kind][i]) ==
		    REC_NONE)
			diag_die(JW_EXIT_CONFIG, "%s: rule '%s' (%s): its "
				 "input has no field '%s'", j->run->rules->path,
				 u->name, sms_kind_name(u->kind),
				 kind_fields[u->kind][i]);
	n = tmpl_nnames(u->tmpl);
	j->var = xcalloc(n + 1, sizeof *j->var);
	for (i = 0; i < n; i++) {
		v = resolve_name(j, tmpl_name(u->tmpl, i));
		if (v == REC_NONE)
			diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s': the "
				 "template names '%s', which its input lacks",
				 j->run->rules->path, u->line, u->col,
				 u->name, tmpl_name(u->tmpl, i));
		j->var[i] = v;
	}
	j->key = xcalloc(u->nkey + 1, sizeof *j->key);
	for (i = 0; i < u->nkey; i++) {
		j->key[i] = resolve_name(j, u->key[i]);
		if (j->key[i] == REC_NONE)
			diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s': the key "
				 "names '%s', which its input lacks",
				 j->run->rules->path, u->line, u->col,
				 u->name, u->key[i]);
	}
	j->phone = resolve_name(j, u->phone);
	if (j->phone == REC_NONE || j->phone == VAR_DUE ||
	    j->phone == VAR_DAYS_LEFT || j->phone == VAR_AT ||
	    j->phone == VAR_PLACE)
		diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s': its input has "
			 "no phone field '%s'", j->run->rules->path, u->line,
			 u->col, u->name, u->phone);
	j->date = REC_NONE;
	if (u->date != NULL) {
		j->date = rec_reader_field(j->in, u->date);
		if (j->date == REC_NONE)
			diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s': its "
				 "input has no date field '%s'",
				 j->run->rules->path, u->line, u->col,
				 u->name, u->date);
	}
	j->f_use = rec_reader_field(j->in, "use");
	j->f_type = rec_reader_field(j->in, "vehicle_type");
	j->f_seats = rec_reader_field(j->in, "seats");
	j->f_registered = rec_reader_field(j->in, "registered");
	j->f_last = rec_reader_field(j->in, "last_inspected");
	j->f_time = rec_reader_field(j->in, "time");
	j->f_grid = rec_reader_field(j->in, u->grid_field);
	if (u->kind == SMS_MEETING && j->f_grid == REC_NONE)
		diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s': its input has "
			 "no field '%s'", j->run->rules->path, u->line, u->col,
			 u->name, u->grid_field);
}

/* ---- lookup ---- */

static void
load_lookup(struct job *j)
{
	const struct sms_rule *u = j->rule;
	const char *files[2] = { u->lookup_file, NULL };
	struct rec_reader *in;
	const struct rec *r;
	struct buf v = BUF_INIT;
	size_t by, *ix, i;
	char **slot;
	int isnew;

	htab_init(&j->look, sizeof(char *));
	in = cli_open_files(j->run->cli, files);
	by = rec_reader_need(in, u->lookup_by);
	ix = xcalloc(u->nlookup, sizeof *ix);
	for (i = 0; i < u->nlookup; i++)
		ix[i] = rec_reader_need(in, u->lookup_fields[i]);
	while ((r = rec_reader_next(in)) != NULL) {
		buf_reset(&v);
		for (i = 0; i < u->nlookup; i++) {
			buf_add(&v, r->f[ix[i]].p, r->f[ix[i]].len);
			buf_addc(&v, '\0');
		}
		slot = htab_put(&j->look, r->f[by].p, r->f[by].len, &isnew);
		if (!isnew)
			free(*slot);	/* the last record of a key wins */
		*slot = xmemdup(v.p, v.len);
	}
	free(ix);
	buf_release(&v);
	cli_tally(j->run->cli, in);
	rec_reader_close(in);
	j->look_by = rec_reader_need(j->in, u->lookup_by);
}

/* Set j->lookf from the lookup; 0, or -1 when the key is not there. */
static int
look_up(struct job *j)
{
	struct rec_str k = j->r->f[j->look_by];
	char **v = htab_find(&j->look, k.p, k.len);
	const char *p;
	size_t i;

	j->nlookf = 0;
	if (v == NULL)
		return -1;
	for (p = *v, i = 0; i < j->rule->nlookup; i++, p += strlen(p) + 1)
		j->lookf[j->nlookf++] = p;
	return 0;
}

static void
free_lookup(struct job *j)
{
	size_t i;

	if (j->rule->lookup_file == NULL)
		return;
	for (i = 0; i < j->look.count; i++)
		free(*(char **)htab_val_at(&j->look, i));
	htab_release(&j->look);
}

/* ---- the date kinds ---- */

static int
field_day(struct job *j, size_t i, const char *name, int32_t *d,
	  int optional)
{
	struct rec_str s;
	struct buf q = BUF_INIT;

	*d = DATE_NONE;
	if (i == REC_NONE)
		return 0;
	s = j->r->f[i];
	if (s.len == 0 && optional)
		return 0;
	if (s.len >= 10 && date_parse(s.p, 10, d) == 0 &&
	    (s.len == 10 || s.p[10] == ' ' || s.p[10] == 'T'))
		return 0;
	buf_add_quoted(&q, s.p, s.len);
	rec_reject(j->in, j->r, "field '%s': %s: '%s'", name,
		   s.len ? "not a date" : "empty", q.p);
	buf_release(&q);
	return -1;
}

static int
seats_of(struct job *j)
{
	size_t i = j->f_seats;
	long long v;

	if (i == REC_NONE || num_ll(j->r->f[i].p, j->r->f[i].len, &v) < 0 ||
	    v < 0 || v > 1000)
		return -1;
	return (int)v;
}

/* The date a date kind counts to; 1 when the record is a notice, 0 when
 * not (no date, outside the window), -1 when it was rejected. */
static int
due_of(struct job *j)
{
	const struct sms_rule *u = j->rule;
	const struct sms_rules *rs = j->run->rules;
	struct rec_str use = REC_STR(""), type = REC_STR("");
	const struct insp_sched *sc;
	const struct scrap_rule *sr;
	int32_t reg, last, due = DATE_NONE;

	if (j->f_use != REC_NONE)
		use = j->r->f[j->f_use];
	if (j->f_type != REC_NONE)
		type = j->r->f[j->f_type];
	switch (u->kind) {
	case SMS_INSPECTION:
		if (field_day(j, j->f_registered, "registered", &reg, 0) < 0 ||
		    field_day(j, j->f_last, "last_inspected", &last, 1) < 0)
			return -1;
		sc = insp_find(rs->insp, rs->ninsp, use.p, use.len, type.p,
			       type.len, seats_of(j));
		if (sc != NULL)
			due = insp_next_due(sc, reg, last);
		break;
	case SMS_SCRAP:
		if (field_day(j, j->f_registered, "registered", &reg, 0) < 0)
			return -1;
		sr = scrap_find(rs->scrap, rs->nscrap, use.p, use.len, type.p,
				type.len, seats_of(j));
		if (sr != NULL)
			due = scrap_date(sr, reg);
		break;
	default:
		/* 长期 (long-term) licences and ID cards never expire. */
		if (rec_str_eq(j->r->f[j->date], REC_STR("长期")))
			return 0;
		if (field_day(j, j->date, u->date, &due, 0) < 0)
			return -1;
		break;
	}
	if (due == DATE_NONE || due < j->run->today ||
	    due > j->run->today + u->window)
		return 0;
	j->due_day = due;
	date_format(due, j->due);
	snprintf(j->days_left, sizeof j->days_left, "%d",
		 (int)(due - j->run->today));
	return 1;
}

/* 1 when the record is a notice of its rule, 0 when not, -1 rejected. */
static int
is_notice(struct job *j)
{
	const struct sms_rule *u = j->rule;
	int32_t t;

	j->due[0] = j->days_left[0] = '\0';
	switch (u->kind) {
	case SMS_INSPECTION: case SMS_SCRAP: case SMS_LICENCE:
	case SMS_GENERIC:
		return due_of(j);
	case SMS_MEETING:
		return rec_str_eq(j->r->f[j->f_grid], rec_str_of(u->grid));
	default:
		/* A violation or a case change is news for window days after
		 * its time; an older one is history, not a notice. */
		if (field_day(j, j->f_time, "time", &t, 0) < 0)
			return -1;
		return t <= j->run->today && t >= j->run->today - u->window;
	}
}

/* ---- hand-over ---- */

/* The notice key: the rule and the key values, joined by ':' to be read
 * (shown) and by NUL bytes to be hashed (unambiguous: records hold no
 * NUL). */
static void
notice_key(struct job *j, struct buf *shown, struct buf *hashed)
{
	struct rec_str v;
	size_t i;

	buf_adds(shown, j->rule->name);
	buf_adds(hashed, j->rule->name);
	for (i = 0; i < j->rule->nkey; i++) {
		v = value_of(j, j->key[i]);
		buf_addc(shown, ':');
		buf_add(shown, v.p, v.len);
		buf_addc(hashed, '\0');
		buf_add(hashed, v.p, v.len);
	}
}

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
	struct buf text = BUF_INIT, key = BUF_INIT, hkey = BUF_INIT,
		   row = BUF_INIT, q = BUF_INIT, err = BUF_INIT,
		   name = BUF_INIT;
	char ph[12], khash[SMSSTATE_HASH + 1], phash[SMSSTATE_HASH + 1] = "";
	const char *status = "ready", *detail = "";
	struct rec_str pv;
	struct sms_info info;
	enum sms_mark mark = SMS_NEW;
	unsigned *cnt, before;
	size_t bad, ix;
	int r, isnew;

	r = is_notice(j);
	if (r <= 0) {
		if (r == 0)
			rec_filtered(j->in, j->r);
		goto out;
	}
	if (j->rule->lookup_file != NULL && look_up(j) < 0) {
		buf_add_quoted(&q, j->r->f[j->look_by].p,
			       j->r->f[j->look_by].len);
		rec_reject(j->in, j->r, "field '%s': '%s' is not in %s",
			   j->rule->lookup_by, q.p, j->rule->lookup_file);
		goto out;
	}
	pv = value_of(j, j->phone);
	if (phone_norm(pv.p, pv.len, ph) < 0) {
		buf_add_quoted(&q, pv.p, pv.len);
		rec_reject(j->in, j->r, "field '%s': %s: '%s'", j->rule->phone,
			   pv.len ? "not a mobile number" : "empty", q.p);
		goto out;
	}
	if (htab_find(&run->optout, ph, 11) != NULL) {
		rec_filtered(j->in, j->r);	/* declined: never listed */
		goto out;
	}
	buf_adds(&text, run->rules->signature);
	if (tmpl_expand(j->rule->tmpl, tmpl_value, j, &text, &bad) < 0) {
		rec_reject(j->in, j->r, "field '%s': not a date for the "
			   "template", tmpl_name(j->rule->tmpl, bad));
		goto out;
	}
	if (sms_measure(text.p, text.len, &info) < 0) {
		rec_reject(j->in, j->r, "the text is not valid UTF-8");
		goto out;
	}
	if (info.segments > (size_t)run->max_segments) {
		rec_reject(j->in, j->r, "the text takes %zu messages (at most "
			   "%d, --max-segments): shorten the template",
			   info.segments, run->max_segments);
		goto out;
	}
	notice_key(j, &key, &hkey);
	buf_adds(&row, ph);
	buf_addc(&row, '\0');
	buf_add(&row, text.p, text.len + 1);
	buf_printf(&row, "%zu", info.units);
	buf_addc(&row, '\0');
	buf_printf(&row, "%zu", info.segments);
	buf_addc(&row, '\0');
	buf_adds(&row, info.enc == SMS_UCS2 ? "ucs2" : "gsm7");
	buf_addc(&row, '\0');
	buf_adds(&row, j->rule->name);
	buf_addc(&row, '\0');
	buf_add(&row, key.p, key.len + 1);
	if (run->st != NULL) {
		smsstate_hash(run->st, hkey.p, hkey.len, khash);
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
		if (smsspool_put(run->spooler, name.p, ph, text.p, text.len,
				 &info, &err) < 0)
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
		p->parts = info.segments;
		buf_add(&p->row, row.p, row.len);
		buf_add(&p->text, text.p, text.len);
		memcpy(p->ph, ph, sizeof ph);
		p->info = info;
		smspend_keep(p, j->in, j->r);
		smsstate_queue(run->st, run->time, "begin", khash,
			       j->rule->name, run->day, phash, "");
		if (smspend_batch_add(&run->pend, ix) >= (size_t)run->window)
			flush_batch(run);
	}
out:
	buf_release(&text);
	buf_release(&key);
	buf_release(&hkey);
	buf_release(&row);
	buf_release(&q);
	buf_release(&err);
	buf_release(&name);
}

/* ---- a rule's run ---- */

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
	need_fields(j);
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
	free_lookup(j);
	free(j->var);
	free(j->key);
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
	if (run.rules->opt_out != NULL)
		load_optout(&run, run.rules->opt_out);
	else
		htab_init(&run.optout, 1);
	htab_init(&run.today_count, sizeof(unsigned));
	htab_init(&run.by_msgid, sizeof(size_t));
	run.now = cli_asof_time(cli);
	run.today = cli_asof(cli);
	datetime_format(run.now, run.time);
	date_format(run.today, run.day);
	run.quiet = is_quiet(run.rules, run.now);
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
	htab_release(&run.optout);
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
