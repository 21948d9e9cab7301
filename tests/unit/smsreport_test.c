/* Unit tests for lib/domain/smsreport.c. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/buf.h"
#include "domain/smsreport.h"
#include "domain/smsstate.h"

/* Feed the events "EVENT KEY RULE DAY", one a line, and return the rows
 * as "DAY RULE sent delivered undelivered failed deferred uncertain"
 * lines (caller frees). */
static char *
report(const char *events)
{
	struct smsreport rp;
	struct smsstate_ev e;
	struct buf out = BUF_INIT;
	char line[256], ev[32], key[64], rule[32], day[16];
	const char *p = events, *nl;
	size_t i;

	smsreport_init(&rp);
	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		cr_assert_not_null(nl);
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		cr_assert_eq(sscanf(line, "%31s %63s %31s %15s", ev, key, rule,
				    day), 4, "%s", line);
		memset(&e, 0, sizeof e);
		e.time = "2026-11-29 09:00:00";
		e.event = ev;
		e.key = key;
		e.rule = rule;
		e.day = day;
		e.phone = "p";
		e.detail = "";
		smsreport_add(&rp, &e);
	}
	smsreport_finish(&rp);
	for (i = 0; i < rp.nrows; i++)
		buf_printf(&out, "%s %s %llu %llu %llu %llu %llu %llu\n",
			   rp.rows[i].day, rp.rows[i].rule, rp.rows[i].sent,
			   rp.rows[i].delivered, rp.rows[i].undelivered,
			   rp.rows[i].failed, rp.rows[i].deferred,
			   rp.rows[i].uncertain);
	smsreport_release(&rp);
	return buf_detach(&out, NULL);
}

Test(smsreport, outcomes_per_rule_and_day_sorted)
{
	char *got = report(
		"begin k1 lic 2026-11-29\n"
		"sent k1 lic 2026-11-29\n"
		"begin k2 insp 2026-11-29\n"
		"failed k2 insp 2026-11-29\n"
		"begin k3 insp 2026-11-28\n"
		"sent k3 insp 2026-11-28\n");

	cr_assert_str_eq(got,
		"2026-11-28 insp 1 0 0 0 0 0\n"
		"2026-11-29 insp 0 0 0 1 0 0\n"
		"2026-11-29 lic 1 0 0 0 0 0\n");
	free(got);
}

Test(smsreport, a_receipt_counts_on_the_day_of_its_hand_over)
{
	char *got = report(
		"begin k1 lic 2026-11-29\n"
		"sent k1 lic 2026-11-29\n"
		"delivered k1 lic 2026-11-30\n"
		"begin k2 lic 2026-11-29\n"
		"sent k2 lic 2026-11-29\n"
		"undelivered k2 lic 2026-11-29\n");

	/* The receipt's own day gets a row, with nothing in it. */
	cr_assert_str_eq(got,
		"2026-11-29 lic 2 1 1 0 0 0\n"
		"2026-11-30 lic 0 0 0 0 0 0\n");
	free(got);
}

Test(smsreport, a_begin_never_answered_is_uncertain_until_handed_over_again)
{
	char *got = report(
		"begin k1 lic 2026-11-28\n"
		"begin k2 lic 2026-11-28\n");

	cr_assert_str_eq(got, "2026-11-28 lic 0 0 0 0 0 2\n");
	free(got);
	/* k1 sent again the next day (--retry-uncertain): no longer
	 * uncertain, and sent on that day. */
	got = report(
		"begin k1 lic 2026-11-28\n"
		"begin k2 lic 2026-11-28\n"
		"begin k1 lic 2026-11-29\n"
		"sent k1 lic 2026-11-29\n");
	cr_assert_str_eq(got,
		"2026-11-28 lic 0 0 0 0 0 1\n"
		"2026-11-29 lic 1 0 0 0 0 0\n");
	free(got);
}

Test(smsreport, each_deferral_counts_on_its_own_day)
{
	char *got = report(
		"deferred k1 lic 2026-11-28\n"
		"deferred k1 lic 2026-11-29\n"
		"begin k1 lic 2026-11-30\n"
		"sent k1 lic 2026-11-30\n");

	cr_assert_str_eq(got,
		"2026-11-28 lic 0 0 0 0 1 0\n"
		"2026-11-29 lic 0 0 0 0 1 0\n"
		"2026-11-30 lic 1 0 0 0 0 0\n");
	free(got);
}

Test(smsreport, no_events_no_rows)
{
	char *got = report("");

	cr_assert_str_eq(got, "");
	free(got);
}
