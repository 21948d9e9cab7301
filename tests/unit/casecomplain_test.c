/* Unit tests for lib/domain/casecomplain.c: the receipt number and the
 * complaint event in the log's own field order. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/date.h"
#include "domain/casecomplain.h"
#include "domain/casefold.h"
#include "domain/cases.h"

TESTUTIL_SUITE(casecomplain);

/* 2026-12-01 09:30:00 */
static int64_t
at_0930(void)
{
	int32_t d;

	cr_assert_eq(date_parse("2026-12-01", 10, &d), 0);
	return (int64_t)d * 86400 + 9 * 3600 + 30 * 60;
}

Test(casecomplain, receipt_is_ts_the_day_and_12_random_digits)
{
	char a[CASECOMPLAIN_RECEIPT_LEN + 1], b[CASECOMPLAIN_RECEIPT_LEN + 1];
	size_t i;

	casecomplain_receipt(at_0930(), a);
	casecomplain_receipt(at_0930(), b);
	cr_assert_eq(strlen(a), CASECOMPLAIN_RECEIPT_LEN);
	cr_assert_eq(strncmp(a, "TS20261201", 10), 0, "%s", a);
	for (i = 10; i < CASECOMPLAIN_RECEIPT_LEN; i++)
		cr_assert(isdigit((unsigned char)a[i]), "%s", a);
	/* 10^-12 of a chance that two are the same */
	cr_assert_str_neq(a, b);
}

/* The fields of a log with this header, through casefold_fields_find(). */
static void
fields_of(const char *hdr, struct casefold_fields *ix, size_t *nf)
{
	const char *files[2] = { NULL, NULL };
	struct rec_reader_opts o;
	struct rec_reader *in;

	memset(&o, 0, sizeof o);
	files[0] = put_str("log.tsv", hdr);
	in = rec_reader_open(files, &o);
	casefold_fields_find(in, ix, 0);
	*nf = rec_reader_nfields(in);
	rec_reader_close(in);
}

Test(casecomplain, the_event_in_the_logs_own_order)
{
	struct case_cfg *c = case_cfg_load_default();
	struct caselookup_asker a;
	char name[] = "唐伟";
	struct casefold_fields ix;
	struct buf line = BUF_INIT;
	size_t nf;

	memset(&a, 0, sizeof a);
	memcpy(a.id, "431124199003071233", 18);
	a.name = name;
	a.namelen = strlen(a.name);
	/* The usual order. */
	fields_of("case_no\ttime\tstage\tcategory\tunit\tofficer\tsecret\t"
		  "privacy\tparties\tnote\tlimit_days\treceipt\n", &ix, &nf);
	casecomplain_line(c, &ix, nf, &a, "A4311032026000001", at_0930(),
			  "太慢\t请\\处理\n", "TS20261201000000000042", &line);
	cr_assert_str_eq(line.p, "A4311032026000001\t2026-12-01 09:30:00\t"
			 "投诉\t\t\t\t0\t0\t投诉人:431124199003071233:唐伟\t"
			 "太慢\\t请\\\\处理\\n\t\tTS20261201000000000042");
	/* Another order, with a field of the export's own: empty. */
	fields_of("receipt\tsource\tnote\tparties\tprivacy\tsecret\tofficer\t"
		  "unit\tcategory\tstage\ttime\tcase_no\n", &ix, &nf);
	buf_reset(&line);
	casecomplain_line(c, &ix, nf, &a, "A4311032026000001", at_0930(),
			  "m", "TS1", &line);
	cr_assert_str_eq(line.p, "TS1\t\tm\t投诉人:431124199003071233:唐伟\t"
			 "0\t0\t\t\t\t投诉\t2026-12-01 09:30:00\t"
			 "A4311032026000001");
	buf_release(&line);
	case_cfg_free(c);
}

Test(casecomplain, text_names_the_receipt)
{
	struct buf b = BUF_INIT;

	casecomplain_text("TS20261201000000000042", &b);
	cr_assert_str_eq(b.p, "您的投诉已受理，回执编号：TS20261201000000000042\n"
			 "请凭回执编号查询处理情况。\n");
	buf_release(&b);
}
