/* smspend: notices under way to the SMSC.  See smspend.h. */
#include <stdlib.h>
#include <string.h>

#include "base/smpp.h"
#include "base/util.h"
#include "domain/smspend.h"

void
smspend_init(struct sms_pendtab *t)
{
	memset(t, 0, sizeof *t);
}

void
smspend_release(struct sms_pendtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->p[i].used)
			smspend_done(&t->p[i]);
		buf_release(&t->p[i].ids);
		buf_release(&t->p[i].row);
		buf_release(&t->p[i].text);
	}
	free(t->p);
	free(t->batch);
	memset(t, 0, sizeof *t);
}

struct sms_pending *
smspend_new(struct sms_pendtab *t, size_t *ix)
{
	struct sms_pending *p;
	size_t i;

	for (i = 0; i < t->n && t->p[i].used; i++)
		;
	if (i == t->n) {
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 16;
			t->p = xreallocarray(t->p, t->cap, sizeof *t->p);
		}
		memset(&t->p[i], 0, sizeof t->p[i]);
		buf_init(&t->p[i].ids);
		buf_init(&t->p[i].row);
		buf_init(&t->p[i].text);
		t->n++;
	}
	p = &t->p[i];
	p->used = 1;
	p->rule = NULL;
	p->parts = p->answered = 0;
	p->status = 0;
	buf_reset(&p->ids);
	buf_reset(&p->row);
	buf_reset(&p->text);
	*ix = i;
	return p;
}

struct sms_pending *
smspend_at(struct sms_pendtab *t, size_t ix)
{
	return &t->p[ix];
}

void
smspend_keep(struct sms_pending *p, struct rec_reader *in,
	     const struct rec *r)
{
	size_t i;

	p->in = in;
	p->copy = *r;
	p->copy.raw = NULL;
	p->copy.rawlen = 0;
	p->copy.partial = 0;
	p->copy.f = xcalloc(r->n + 1, sizeof *p->copy.f);
	for (i = 0; i < r->n; i++) {
		p->copy.f[i].p = rec_str_is_null(r->f[i]) ? rec_null :
				 xmemdup(r->f[i].p, r->f[i].len);
		p->copy.f[i].len = r->f[i].len;
	}
}

int
smspend_answer(struct sms_pending *p, uint32_t st, const char *id)
{
	if (st == 0) {
		if (p->ids.len)
			buf_addc(&p->ids, ',');
		buf_adds(&p->ids, id);
	} else if (p->status == 0 || st == SMPP_LOST) {
		p->status = st;
	}
	return ++p->answered == p->parts;
}

void
smspend_done(struct sms_pending *p)
{
	size_t i;

	for (i = 0; i < p->copy.n && p->copy.f != NULL; i++)
		if (!rec_str_is_null(p->copy.f[i]))
			free((char *)p->copy.f[i].p);
	free(p->copy.f);
	memset(&p->copy, 0, sizeof p->copy);
	p->in = NULL;
	buf_reset(&p->row);
	buf_reset(&p->text);
	p->used = 0;
}

size_t
smspend_batch_add(struct sms_pendtab *t, size_t ix)
{
	if (t->nbatch == t->capbatch) {
		t->capbatch = t->capbatch ? 2 * t->capbatch : 16;
		t->batch = xreallocarray(t->batch, t->capbatch,
					 sizeof *t->batch);
	}
	t->batch[t->nbatch++] = ix;
	return t->nbatch;
}

void
smspend_batch_clear(struct sms_pendtab *t)
{
	t->nbatch = 0;
}
