/* smssend: notices handed over once each.  See smssend.h. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/diag.h"
#include "base/htab.h"
#include "base/util.h"
#include "domain/smspend.h"
#include "domain/smssend.h"
#include "domain/smstext.h"

/* A part the SMSC took: what a receipt for it is recorded under. */
struct handed {
	char khash[SMSSTATE_HASH + 1], phash[SMSSTATE_HASH + 1];
	const char *rule;
};

struct smssend {
	struct smssend_conf c;
	struct smpp *smpp;
	const char *peer;
	char time[20], day[11];
	int quiet;		/* now is inside the quiet hours */
	struct htab today_count; /* phone -> notices this run */
	struct sms_pendtab pend;	/* under way, and the batch */
	struct htab by_msgid;	/* message_id -> index into handed */
	struct handed *handed;	/* the parts the SMSC took, for receipts */
	size_t nhanded;
	unsigned long long nsent, nreceipts;
	struct buf row, name, err;	/* a notice's, reused */
};

static const char *const out_cols[] = {
	"phone", "text", "chars", "segments", "encoding", "rule", "key",
	"status", "detail", NULL
};

struct smssend *
smssend_new(const struct smssend_conf *c)
{
	struct smssend *s = xcalloc(1, sizeof *s);
	size_t i;

	s->c = *c;
	datetime_format(c->now, s->time);
	date_format(date_of_time(c->now), s->day);
	s->quiet = smsnotice_is_quiet(c->rules, c->now);
	htab_init(&s->today_count, sizeof(unsigned));
	htab_init(&s->by_msgid, sizeof(size_t));
	smspend_init(&s->pend);
	buf_init(&s->row);
	buf_init(&s->name);
	buf_init(&s->err);
	for (i = 0; out_cols[i] != NULL; i++)
		rec_writer_add(c->out, out_cols[i]);
	return s;
}

void
smssend_free(struct smssend *s)
{
	if (s == NULL)
		return;
	smspend_release(&s->pend);
	htab_release(&s->today_count);
	htab_release(&s->by_msgid);
	free(s->handed);
	buf_release(&s->row);
	buf_release(&s->name);
	buf_release(&s->err);
	free(s);
}

/* Write a row from the NUL-separated fields of row, with status and
 * detail. */
static void
put_row(struct smssend *s, const struct buf *row, const char *status,
	const char *detail)
{
	const char *p = row->p;
	int i;

	for (i = 0; i < 7; i++, p += strlen(p) + 1)
		rec_writer_puts(s->c.out, p);
	rec_writer_puts(s->c.out, status);
	rec_writer_puts(s->c.out, detail);
	rec_writer_end(s->c.out);
}

/* ---- SMPP ---- */

static void
smpp_died(struct smssend *s, struct buf *err)
{
	smsstate_flush(s->c.state);	/* what was sent stays sent */
	diag_die(JW_EXIT_IO, "%s: %s (notices handed over but not answered "
		 "are uncertain; see sms-notify report)", s->peer, err->p);
}

static void
pending_done(struct smssend *s, struct sms_pending *p)
{
	/* Queued: the next batch's write carries them (a "sent" lost in a
	 * crash leaves the notice uncertain, never sent twice). */
	if (p->status == 0) {
		smsstate_queue(s->c.state, s->time, "sent", p->khash, p->rule,
			       s->day, p->phash, p->ids.p);
		put_row(s, &p->row, "sent", p->ids.p);
		s->nsent++;
	} else if (p->status == SMPP_LOST) {
		/* Stays "begin": uncertain, not sent again by itself. */
		put_row(s, &p->row, "uncertain", "the connection ended "
			"before the SMSC answered");
	} else {
		smsstate_queue(s->c.state, s->time, "failed", p->khash,
			       p->rule, s->day, p->phash,
			       smpp_status_name(p->status));
		rec_reject(p->in, &p->copy, "the SMSC refused it: %s "
			   "(0x%08x)", smpp_status_name(p->status),
			   (unsigned)p->status);
	}
	smspend_done(p);
}

/* A part answered: its tag is the notice's index << 8 | the part. */
static void
on_result(void *ctx, uint64_t tag, uint32_t st, const char *id)
{
	struct smssend *s = ctx;
	struct sms_pending *p = smspend_at(&s->pend, tag >> 8);
	struct handed *h;
	size_t *slot;
	int isnew;

	if (st == 0 && s->c.receipts) {
		s->handed = xreallocarray(s->handed, s->nhanded + 1,
					  sizeof *s->handed);
		h = &s->handed[s->nhanded];
		memcpy(h->khash, p->khash, sizeof p->khash);
		memcpy(h->phash, p->phash, sizeof p->phash);
		h->rule = p->rule;
		slot = htab_put(&s->by_msgid, id, strlen(id), &isnew);
		*slot = s->nhanded++;
	}
	if (smspend_answer(p, st, id))
		pending_done(s, p);
}

/* A receipt: recorded in the state when it names a message of this run. */
static void
on_receipt(void *ctx, const char *id, const char *stat, const char *text)
{
	struct smssend *s = ctx;
	size_t *ix = htab_find(&s->by_msgid, id, strlen(id));
	struct handed *h;
	struct buf d = BUF_INIT;

	(void)text;
	if (ix == NULL || s->c.state == NULL)
		return;
	h = &s->handed[*ix];
	buf_printf(&d, "%s %s", id, stat);
	smsstate_queue(s->c.state, s->time, strcmp(stat, "DELIVRD") == 0 ?
		       "delivered" : "undelivered", h->khash, h->rule, s->day,
		       h->phash, d.p);
	s->nreceipts++;
	buf_release(&d);
}

int
smssend_connect(struct smssend *s, const char *peer,
		const struct smpp_conf *conf, struct buf *err)
{
	s->peer = peer;
	s->smpp = smpp_open(conf, on_result, on_receipt, s, err);
	return s->smpp != NULL ? 0 : -1;
}

/* Submit the parts of the pending notice at ix. */
static void
submit(struct smssend *s, size_t ix)
{
	struct sms_pending *p = smspend_at(&s->pend, ix);
	const struct sms_info info = p->info;
	struct buf b = BUF_INIT, dest = BUF_INIT, err = BUF_INIT;
	size_t off[SMS_MAX_PARTS + 1], k;
	unsigned char part[160];
	struct smpp_part sp;
	unsigned ref;

	(void)sms_encode(p->text.p, p->text.len, &info, &b, off);
	buf_printf(&dest, "86%s", p->ph);
	/* The concatenation reference: from the notice key, so a re-send
	 * of the same notice carries the same one. */
	ref = (unsigned)strtoul((char[]){ p->khash[0], p->khash[1], 0 },
				NULL, 16);
	p->parts = info.segments;
	for (k = 0; k < info.segments; k++) {
		memset(&sp, 0, sizeof sp);
		sp.source = s->c.rules->sender;
		sp.source_ton = s->c.rules->sender_ton;
		sp.source_npi = s->c.rules->sender_npi;
		sp.dest = dest.p;
		sp.dest_ton = 1;
		sp.dest_npi = 1;
		sp.data_coding = (uint8_t)info.enc;
		sp.registered_delivery = s->c.receipts ? 1 : 0;
		if (info.segments == 1) {
			sp.data = (const unsigned char *)b.p;
			sp.len = off[1] - off[0];
		} else {
			part[0] = 5, part[1] = 0, part[2] = 3;
			part[3] = (unsigned char)ref;
			part[4] = (unsigned char)info.segments;
			part[5] = (unsigned char)(k + 1);
			memcpy(part + 6, b.p + off[k], off[k + 1] - off[k]);
			sp.esm_class = 0x40;
			sp.data = part;
			sp.len = 6 + off[k + 1] - off[k];
		}
		/* Answers read meanwhile may end this notice (its slot is
		 * then free): nothing of p is read after the first submit. */
		if (smpp_submit(s->smpp, &sp, (uint64_t)ix << 8 | k, &err) < 0)
			smpp_died(s, &err);
	}
	buf_release(&b);
	buf_release(&dest);
	buf_release(&err);
}

/* Hand over the batch: its "begin" events (and the "sent" ones queued
 * since the last batch) in one durable write, then its parts. */
static void
flush_batch(struct smssend *s)
{
	size_t i;

	if (s->pend.nbatch == 0)
		return;
	smsstate_flush(s->c.state);
	for (i = 0; i < s->pend.nbatch; i++)
		submit(s, s->pend.batch[i]);
	smspend_batch_clear(&s->pend);
}

void
smssend_input_done(struct smssend *s)
{
	struct buf err = BUF_INIT;

	flush_batch(s);
	if (s->smpp != NULL && smpp_drain(s->smpp, &err) < 0)
		smpp_died(s, &err);
	if (s->c.state != NULL)
		smsstate_flush(s->c.state);
	buf_release(&err);
}

void
smssend_end(struct smssend *s)
{
	struct buf err = BUF_INIT;
	long long waited;

	if (s->smpp == NULL)
		return;
	if (s->c.receipts)
		for (waited = 0; waited < s->c.receipt_wait * 1000LL &&
		     s->nreceipts < s->nsent; waited += 100)
			if (smpp_poll(s->smpp, 100, &err) < 0)
				smpp_died(s, &err);
	if (smpp_close(s->smpp, &err) < 0)
		diag_warn("%s: %s", s->peer, err.p);
	s->smpp = NULL;
	buf_release(&err);
}

/* ---- a notice offered ---- */

/* The list's first seven fields of n, NUL-separated, into s->row. */
static void
row_of(struct smssend *s, const struct smsnotice *n)
{
	struct buf *row = &s->row;

	buf_reset(row);
	buf_adds(row, n->phone);
	buf_addc(row, '\0');
	buf_add(row, n->text.p, n->text.len + 1);
	buf_printf(row, "%zu", n->info.units);
	buf_addc(row, '\0');
	buf_printf(row, "%zu", n->info.segments);
	buf_addc(row, '\0');
	buf_adds(row, n->info.enc == SMS_UCS2 ? "ucs2" : "gsm7");
	buf_addc(row, '\0');
	buf_adds(row, n->rule->name);
	buf_addc(row, '\0');
	buf_add(row, n->key.p, n->key.len + 1);
}

/* What becomes of a notice: "ready" to hand over, or a status for the
 * list with *detail; NULL when it was listed already (a rerun as of the
 * same time).  before: the phone's notices today. */
static const char *
status_of(struct smssend *s, enum sms_mark mark, const char *khash,
	  unsigned before, const char **detail)
{
	const char *stime, *sdetail;

	*detail = "";
	if (mark == SMS_SENT) {
		/* Handed over by a send as of this same time (a rerun of
		 * it): listed as that send listed it, not handed over. */
		if (smsstate_sent(s->c.state, khash, &stime, &sdetail) == 0 &&
		    strcmp(stime, s->time) == 0) {
			put_row(s, &s->row, s->c.mode == SMSSEND_SPOOL ?
				"spooled" : "sent", sdetail);
			return NULL;
		}
		return "already_sent";
	}
	if (mark == SMS_UNCERTAIN && !s->c.retry_uncertain) {
		*detail = "handed over before, outcome unknown "
			  "(--retry-uncertain sends it again)";
		return "uncertain";
	}
	if (s->quiet) {
		*detail = "quiet hours";
		return "deferred";
	}
	if (s->c.max_per_phone > 0 && before >= (unsigned)s->c.max_per_phone) {
		*detail = "daily limit for this phone (--max-per-phone)";
		return "deferred";
	}
	return "ready";
}

/* Into the spool: "begin", the file, "sent". */
static void
spool_one(struct smssend *s, const struct smsnotice *n, const char *khash,
	  const char *phash)
{
	struct smsstate *st = s->c.state;
	const char *rule = n->rule->name;

	smsstate_event(st, s->time, "begin", khash, rule, s->day, phash, "");
	buf_reset(&s->name);
	buf_printf(&s->name, "jingwu-%s", khash);
	buf_reset(&s->err);
	if (smsspool_put(s->c.spool, s->name.p, n->phone, n->text.p,
			 n->text.len, &n->info, &s->err) < 0)
		diag_die(JW_EXIT_IO, "%s (that notice is uncertain)", s->err.p);
	smsstate_event(st, s->time, "sent", khash, rule, s->day, phash,
		       s->name.p);
	put_row(s, &s->row, "spooled", s->name.p);
	s->nsent++;
}

/* Into the batch for the SMSC: "begin" queued, handed over with the
 * batch. */
static void
smpp_one(struct smssend *s, const struct smsnotice *n, struct rec_reader *in,
	 const struct rec *r, const char *khash, const char *phash)
{
	size_t ix;
	struct sms_pending *p = smspend_new(&s->pend, &ix);

	memcpy(p->khash, khash, sizeof p->khash);
	memcpy(p->phash, phash, sizeof p->phash);
	p->rule = n->rule->name;
	p->parts = n->info.segments;
	buf_add(&p->row, s->row.p, s->row.len);
	buf_add(&p->text, n->text.p, n->text.len);
	memcpy(p->ph, n->phone, sizeof p->ph);
	p->info = n->info;
	smspend_keep(p, in, r);
	smsstate_queue(s->c.state, s->time, "begin", khash, n->rule->name,
		       s->day, phash, "");
	if (smspend_batch_add(&s->pend, ix) >= (size_t)s->c.window)
		flush_batch(s);
}

void
smssend_offer(struct smssend *s, const struct smsnotice *n,
	      struct rec_reader *in, const struct rec *r)
{
	struct smsstate *st = s->c.state;
	char khash[SMSSTATE_HASH + 1] = "", phash[SMSSTATE_HASH + 1] = "";
	const char *status, *detail;
	enum sms_mark mark = SMS_NEW;
	unsigned *cnt, before;
	int isnew;

	row_of(s, n);
	if (st != NULL) {
		smsstate_hash(st, n->hkey.p, n->hkey.len, khash);
		smsstate_hash(st, n->phone, 11, phash);
		mark = smsstate_mark(st, khash);
	}
	/* Today's notices for this phone: those handed over (the state
	 * counts them, this run's too), or in a dry run those listed. */
	cnt = htab_put(&s->today_count, n->phone, 11, &isnew);
	before = s->c.mode == SMSSEND_OUTBOX ? *cnt : 0;
	if (st != NULL)
		before += smsstate_phone_count(st, phash, s->day);
	status = status_of(s, mark, khash, before, &detail);
	if (status == NULL)
		return;
	if (strcmp(status, "deferred") == 0 && st != NULL &&
	    s->c.mode != SMSSEND_OUTBOX)
		smsstate_event(st, s->time, "deferred", khash, n->rule->name,
			       s->day, phash, detail);
	if (strcmp(status, "ready") != 0 || s->c.mode == SMSSEND_OUTBOX) {
		if (strcmp(status, "ready") == 0)
			(*cnt)++;
		put_row(s, &s->row, status, detail);
	} else if (s->c.mode == SMSSEND_SPOOL) {
		spool_one(s, n, khash, phash);
	} else {
		smpp_one(s, n, in, r, khash, phash);
	}
}
