/* smsreport: outcomes per rule and day.  See smsreport.h. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "domain/smsreport.h"

void
smsreport_init(struct smsreport *rp)
{
	memset(rp, 0, sizeof *rp);
	htab_init(&rp->by_key, sizeof(size_t));
	htab_init(&rp->by_rd, sizeof(size_t));
}

void
smsreport_release(struct smsreport *rp)
{
	size_t i;

	for (i = 0; i < rp->nrows; i++) {
		free(rp->rows[i].rule);
		free(rp->rows[i].day);
	}
	free(rp->rows);
	free(rp->last);
	free(rp->state);
	htab_release(&rp->by_key);
	htab_release(&rp->by_rd);
	memset(rp, 0, sizeof *rp);
}

/* The row of rule and day, made when new. */
static size_t
row_of(struct smsreport *rp, const char *rule, const char *day)
{
	struct buf k = BUF_INIT;
	size_t *ix;
	int isnew;

	buf_printf(&k, "%s%c%s", rule, 0, day);
	ix = htab_put(&rp->by_rd, k.p, k.len, &isnew);
	if (isnew) {
		if (rp->nrows == rp->cap) {
			rp->cap = rp->cap ? 2 * rp->cap : 16;
			rp->rows = xreallocarray(rp->rows, rp->cap,
						 sizeof *rp->rows);
		}
		memset(&rp->rows[rp->nrows], 0, sizeof rp->rows[rp->nrows]);
		rp->rows[rp->nrows].rule = xstrdup(rule);
		rp->rows[rp->nrows].day = xstrdup(day);
		*ix = rp->nrows++;
	}
	buf_release(&k);
	return *ix;
}

void
smsreport_add(struct smsreport *rp, const struct smsstate_ev *e)
{
	size_t t = row_of(rp, e->rule, e->day), *kx, n;
	struct smsreport_row *rows = rp->rows;
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
		rows[t].deferred++;
	} else if (strcmp(e->event, "begin") == 0) {
		rp->state[*kx] = 1;
		rp->last[*kx] = t;
	} else if (strcmp(e->event, "sent") == 0) {
		rp->state[*kx] = 2;
		rows[rp->last[*kx]].sent++;
	} else if (strcmp(e->event, "failed") == 0) {
		rp->state[*kx] = 3;
		rows[rp->last[*kx]].failed++;
	} else if (strcmp(e->event, "delivered") == 0) {
		rows[rp->last[*kx]].delivered++;
	} else if (strcmp(e->event, "undelivered") == 0) {
		rows[rp->last[*kx]].undelivered++;
	}
}

static int
row_cmp(const void *a, const void *b)
{
	const struct smsreport_row *x = a, *y = b;
	int c = strcmp(x->day, y->day);

	return c ? c : strcmp(x->rule, y->rule);
}

void
smsreport_finish(struct smsreport *rp)
{
	size_t i;

	for (i = 0; i < rp->by_key.count; i++)
		if (rp->state[i] == 1)
			rp->rows[rp->last[i]].uncertain++;
	if (rp->nrows > 0)
		qsort(rp->rows, rp->nrows, sizeof *rp->rows, row_cmp);
}
