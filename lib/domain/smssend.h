/*
 * smssend: sms-notify's hand-over of notices, each once: to the list only
 * (the outbox, a dry run), into smstools' spool, or to an SMSC over SMPP
 * (sms-notify(1), send).
 *
 * Every notice offered (smsnotice.h made it) is one row of the list, with
 * the columns phone, text, chars, segments, encoding, rule, key, status
 * and detail, unless the SMSC refused it: then it is a reject of its
 * input's reader ("the SMSC refused it: ESME_R... (0x...)").  The status:
 *   ready         the outbox: it would be handed over
 *   spooled       the spool took it (detail: the file's name)
 *   sent          the SMSC took it (detail: the message ids)
 *   already_sent  the state marks it sent: not handed over again (but a
 *                 rerun of a send as of the same --asof time lists it as
 *                 that send did, "sent" or "spooled" with its detail)
 *   uncertain     handed over before and the outcome never written (a
 *                 run died in between), so not sent again unless
 *                 retry_uncertain; or, over SMPP, the connection ended
 *                 before the SMSC answered
 *   deferred      due, but not now: the quiet hours, or the phone had
 *                 max_per_phone notices today (those handed over, in the
 *                 state and this run; in the outbox those listed ready)
 * With a state (smsstate.h), the phone's count and the marks come from it
 * and every outcome is an event of it, so that no notice is handed over
 * twice, whatever kills the run:
 *   spool  "begin" is written (durably) before the file goes into the
 *          spool (smsspool.h, itself durable), "sent" after;
 *   SMPP   a group commit: a batch of up to window notices has its
 *          "begin" events written in one durable write, then its parts
 *          are submitted; "sent" or "failed" is queued when a notice's
 *          last part is answered and reaches the disk with the next
 *          batch's write (or at the end).  A run killed in between leaves
 *          the notice "begin": uncertain, never sent twice.  Receipts
 *          (receipts: bind as transceiver, registered delivery) are
 *          queued as "delivered" or "undelivered" events.
 * The SMSC's session dying is an exit 4 naming the SMSC, the events so
 * far written first.
 *
 * The caller owns the state, the spool and the list writer (opened
 * before smssend_new(), closed after smssend_free()).  One smssend a
 * process (one SMPP session: smpp.h).
 */
#ifndef JW_SMSSEND_H
#define JW_SMSSEND_H

#include <stdint.h>

#include "base/smpp.h"
#include "domain/smsnotice.h"
#include "domain/smsrules.h"
#include "domain/smsspool.h"
#include "domain/smsstate.h"
#include "rec/rec.h"

enum smssend_mode { SMSSEND_OUTBOX, SMSSEND_SPOOL, SMSSEND_SMPP };

struct smssend_conf {
	enum smssend_mode mode;
	const struct sms_rules *rules;	/* quiet hours, sender */
	struct smsstate *state;		/* needed but for the outbox */
	struct smsspool *spool;		/* SMSSEND_SPOOL */
	struct rec_writer *out;		/* the list: columns added here */
	int64_t now;			/* the run's time (--asof) */
	int window;			/* SMPP: notices a batch, >= 1 */
	int max_per_phone;		/* a day; 0 = any */
	int retry_uncertain;		/* hand uncertain ones over again */
	int receipts;			/* SMPP: ask for delivery receipts */
	int receipt_wait;		/* seconds to wait for them at the end */
};

struct smssend;

/* A hand-over as c says (c is copied; what it points to must outlive the
 * smssend).  Adds the list's columns to c->out. */
struct smssend *smssend_new(const struct smssend_conf *c);
/* Mode SMPP: open the session to peer (HOST:PORT, named in messages)
 * with conf (the callbacks are this module's).  Returns 0, or -1 with the
 * reason in err (nothing was sent). */
int smssend_connect(struct smssend *s, const char *peer,
		    const struct smpp_conf *conf, struct buf *err);
/* Offer the notice n, made from the record r of in: listed, deferred or
 * handed over as above.  Over SMPP its outcome may come later (the
 * record is copied for a reject). */
void smssend_offer(struct smssend *s, const struct smsnotice *n,
		   struct rec_reader *in, const struct rec *r);
/* An input is done: hand over the batch, wait for the SMSC's answers, and
 * write the events queued.  Call before closing the reader of the notices
 * offered. */
void smssend_input_done(struct smssend *s);
/* The run is done: wait up to receipt_wait for the receipts of the
 * notices sent, unbind and close the session (a part still unanswered is
 * uncertain). */
void smssend_end(struct smssend *s);
/* Free s (not the state, spool and writer).  NULL is ignored. */
void smssend_free(struct smssend *s);

#endif
