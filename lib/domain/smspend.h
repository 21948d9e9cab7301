/*
 * smspend: the notices sms-notify has handed to an SMSC and not yet seen
 * answered, and the batch waiting to go (sms-notify(1), the group commit
 * over SMPP).
 *
 * A notice under way lives in a slot of the table from smspend_new() to
 * smspend_done(), found again by its index (the SMPP tag of each part
 * carries it: index << 8 | part); a slot done is reused, so the table
 * holds at most the window's worth and never moves a slot while the
 * caller holds its index (a pointer is valid until the next
 * smspend_new()).  A slot holds what the answer needs: the hashed key and
 * phone and the rule (the state's event), the output row (the list), a
 * copy of the input record (a reject: the reader has moved on by then),
 * and the phone, text and encoding to submit.  smspend_answer() counts
 * the parts' answers: the message ids of the parts taken, comma-separated
 * in the order answered, and the first error, where SMPP_LOST (the
 * connection gone, outcome unknown) wins over a refusal.
 *
 * The batch: the indexes of notices whose "begin" event is queued but not
 * yet on disk.  The caller flushes the state, submits the batch (when it
 * reaches the window, or at the end), then smspend_batch_clear().
 */
#ifndef JW_SMSPEND_H
#define JW_SMSPEND_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "domain/smsstate.h"
#include "domain/smstext.h"
#include "rec/rec.h"

struct sms_pending {
	int used;
	char khash[SMSSTATE_HASH + 1], phash[SMSSTATE_HASH + 1];
	const char *rule;
	size_t parts, answered;
	uint32_t status;		/* first error, or 0 */
	struct buf ids;			/* message ids, comma-separated */
	struct buf row;			/* the output fields, NUL-separated */
	struct rec copy;		/* for a reject */
	struct rec_reader *in;
	/* What to submit, once the batch's "begin" events are on disk. */
	struct buf text;
	char ph[12];
	struct sms_info info;
};

struct sms_pendtab {
	struct sms_pending *p;
	size_t n, cap;			/* slots made, allocated */
	size_t *batch;			/* indexes, not yet submitted */
	size_t nbatch, capbatch;
};

void smspend_init(struct sms_pendtab *t);
void smspend_release(struct sms_pendtab *t);

/* A free slot (its bufs empty, used set, the rest zero): *ix gets its
 * index. */
struct sms_pending *smspend_new(struct sms_pendtab *t, size_t *ix);
/* The slot at ix (ix < t->n). */
struct sms_pending *smspend_at(struct sms_pendtab *t, size_t ix);
/* Keep a copy of r (fields copied, NULLs kept) and its reader in p. */
void smspend_keep(struct sms_pending *p, struct rec_reader *in,
		  const struct rec *r);
/* One part's answer: status st (0: taken, with message id id).  Returns 1
 * when that was the last of p->parts, else 0. */
int smspend_answer(struct sms_pending *p, uint32_t st, const char *id);
/* Free p's copy and empty it for reuse (its bufs kept allocated). */
void smspend_done(struct sms_pending *p);

/* Add ix to the batch; returns how many the batch holds. */
size_t smspend_batch_add(struct sms_pendtab *t, size_t ix);
void smspend_batch_clear(struct sms_pendtab *t);

#endif
