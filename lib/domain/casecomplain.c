/* casecomplain: a complaint's receipt and event.  See casecomplain.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "base/date.h"
#include "base/diag.h"
#include "base/durable.h"
#include "base/util.h"
#include "domain/casecomplain.h"

void
casecomplain_receipt(int64_t now, char out[CASECOMPLAIN_RECEIPT_LEN + 1])
{
	unsigned char r[8];
	uint64_t x = 0;
	char day[20];
	size_t i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		diag_die(JW_EXIT_INTERNAL, "no random bytes: %s",
			 strerror(errno));
	for (i = 0; i < sizeof r; i++)
		x = x << 8 | r[i];
	datetime_format(now, day);
	snprintf(out, CASECOMPLAIN_RECEIPT_LEN + 1, "TS%.4s%.2s%.2s%012llu",
		 day, day + 5, day + 8,
		 (unsigned long long)(x % 1000000000000ULL));
}

void
casecomplain_line(const struct case_cfg *c,
		  const struct casefold_fields *ix, size_t nfields,
		  const struct caselookup_asker *a, const char *caseno,
		  int64_t now, const char *msg, const char *receipt,
		  struct buf *line)
{
	const struct case_stage *cst = NULL;
	char t[20];
	size_t i;

	for (i = 0; i < c->nstages; i++)
		if (c->stages[i].state == CS_COMPLAINT)
			cst = &c->stages[i];
	datetime_format(now, t);
	for (i = 0; i < nfields; i++) {
		if (i)
			buf_addc(line, '\t');
		if (i == ix->no)
			buf_adds(line, caseno);
		else if (i == ix->time)
			buf_adds(line, t);
		else if (i == ix->stage)
			buf_adds(line, cst->name);
		else if (i == ix->secret || i == ix->privacy)
			buf_adds(line, "0");
		else if (i == ix->parties)
			buf_printf(line, "投诉人:%s:%s", a->id, a->name);
		else if (i == ix->note)
			caselookup_tsv_escape(line, msg, strlen(msg));
		else if (i == ix->receipt)
			buf_adds(line, receipt);
	}
}

void
casecomplain_append(const char *path, const struct buf *line)
{
	if (dur_append(path, line->p, line->len, 0600) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot append the complaint: %s",
			 path, strerror(errno));
}

void
casecomplain_text(const char *receipt, struct buf *b)
{
	buf_printf(b, "您的投诉已受理，回执编号：%s\n"
		   "请凭回执编号查询处理情况。\n", receipt);
}
