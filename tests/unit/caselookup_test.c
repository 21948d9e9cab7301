/* Unit tests for lib/domain/caselookup.c: who sees which case, what they
 * see of it, the text screen, the audit record and the index path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "testutil.h"
#include "base/date.h"
#include "base/util.h"
#include "domain/caselookup.h"
#include "domain/cases.h"
#include "rec/sidx.h"

TESTUTIL_SUITE(caselookup);

#define HDR "case_no\ttime\tstage\tcategory\tunit\tofficer\tsecret\t" \
	"privacy\tparties\tnote\tlimit_days\treceipt\n"

static const char log1[] = HDR
	/* 1: 唐伟's, with a complaint of theirs and one of someone else */
	"A4311032026000001\t2026-11-21 10:00:00\t立案\t盗窃\t甲所\ta\t0\t0\t\t秘密笔记\t\t\n"
	"A4311032026000001\t2026-11-20 09:30:00\t受案\t盗窃\t甲所\ta\t0\t0\t被害人:431124199003071233:唐伟:13807461234;嫌疑人:431103198807205579:陈刚\t\t\t\n"
	"A4311032026000001\t2026-11-22 10:00:00\t投诉\t\t\t\t0\t0\t投诉人:431124199003071233:唐伟\tm\t\tTS1\n"
	"A4311032026000001\t2026-11-23 10:00:00\t投诉\t\t\t\t0\t0\t投诉人:431103198807205579:陈刚\tm\t\tTS2\n"
	/* 2: 唐伟's too, but turned secret by a later event */
	"A4311032026000002\t2026-11-18 08:00:00\t受案\t诈骗\t乙所\tb\t0\t0\t报案人:431124199003071233:唐伟\t\t\t\n"
	"A4311032026000002\t2026-11-19 09:00:00\t立案\t诈骗\t乙所\tb\t1\t0\t\t\t\t\n"
	/* 3: someone else's; 唐伟 only complained about it */
	"A4311032026000003\t2026-11-18 08:00:00\t受案\t盗窃\t丙所\tc\t0\t0\t被害人:431124198506120047:周敏\t\t\t\n"
	"A4311032026000003\t2026-11-19 08:00:00\t投诉\t\t\t\t0\t0\t投诉人:431124199003071233:唐伟\tm\t\tTS3\n";

/* What a lookup holds: the answer points into the store and the YAML. */
static struct rec_reader *in;
static struct casefold st;
static struct case_cfg *cfg;

/* Look up as id and name (caseno: --case, or NULL for every case). */
static void
look(struct caselookup *lk, struct caselookup_asker *a, const char *id,
     const char *name, const char *caseno)
{
	const char *files[2] = { NULL, NULL };
	static struct casefold_fields ix;
	struct rec_reader_opts o;

	cfg = case_cfg_load_default();
	memset(a, 0, sizeof *a);
	memcpy(a->id, id, 18);
	a->name = xstrdup(name);
	a->namelen = strlen(name);
	a->caseno = caseno;
	memset(&o, 0, sizeof o);
	o.rejects_quiet = 1;
	files[0] = put_str("log.tsv", log1);
	in = rec_reader_open(files, &o);
	casefold_fields_find(in, &ix, 1);
	caselookup_read(lk, &st, cfg, in, &ix, &o, a);
}

static void
unlook(struct caselookup *lk, struct caselookup_asker *a)
{
	caselookup_release(lk);
	caselookup_asker_release(a);
	casefold_release(&st);
	rec_reader_close(in);
	case_cfg_free(cfg);
}

Test(caselookup, shows_only_the_askers_disclosable_cases)
{
	struct caselookup_asker a;
	struct caselookup lk;
	const struct caselookup_shown *s;

	look(&lk, &a, "431124199003071233", "唐伟", NULL);
	cr_assert_eq(lk.nsh, 1);
	s = &lk.sh[0];
	cr_assert_str_eq(s->no, "A4311032026000001");
	cr_assert_str_eq(s->stage->name, "立案");
	cr_assert_str_eq(s->timeline.p, "2026-11-20 受案; 2026-11-21 立案");
	cr_assert_str_eq(s->parties.p, "被害人 本人; 嫌疑人 陈* "
			 "4311**********5579");
	cr_assert_str_eq(s->complaints.p, "TS1 2026-11-22");
	unlook(&lk, &a);
}

Test(caselookup, wrong_name_hidden_and_other_cases_look_the_same)
{
	static const char *const asks[][3] = {
		{ "431124199003071233", "唐吉", "A4311032026000001" },
		{ "431124199003071233", "唐伟", "A4311032026000002" },
		{ "431124199003071233", "唐伟", "A4311032026000003" },
		{ "431124199003071233", "唐伟", "A4311032026999999" },
		{ "431103198807205579", "陈刚", "A4311032026000001" },
	};
	struct caselookup_asker a;
	struct caselookup lk;
	struct buf none = BUF_INIT, b = BUF_INIT;
	size_t i;

	look(&lk, &a, "431124199003071233", "唐伟", "A4311032026999999");
	caselookup_text(&lk, &none);
	unlook(&lk, &a);
	cr_assert(strstr(none.p, "未查询到") != NULL, "%s", none.p);
	for (i = 0; i < sizeof asks / sizeof asks[0]; i++) {
		look(&lk, &a, asks[i][0], asks[i][1], asks[i][2]);
		/* 陈刚 is a party of case 1, but its suspect: shown. */
		if (i == 4) {
			cr_assert_eq(lk.nsh, 1);
			cr_assert_str_eq(lk.sh[0].complaints.p,
					 "TS2 2026-11-23");
		} else {
			cr_assert_eq(lk.nsh, 0, "ask %zu", i);
			buf_reset(&b);
			caselookup_text(&lk, &b);
			cr_assert_str_eq(b.p, none.p);
		}
		unlook(&lk, &a);
	}
	buf_release(&none);
	buf_release(&b);
}

Test(caselookup, text_screen_aligns_by_display_width)
{
	struct caselookup_asker a;
	struct caselookup lk;
	struct buf b = BUF_INIT;

	look(&lk, &a, "431124199003071233", "唐伟", "A4311032026000001");
	caselookup_text(&lk, &b);
	cr_assert(strstr(b.p, "案件办理进度（共 1 件）\n") != NULL, "%s", b.p);
	cr_assert(strstr(b.p, "案件编号  A4311032026000001\n") != NULL, "%s",
		  b.p);
	cr_assert(strstr(b.p, "办理经过  2026-11-20  受案\n"
			 "          2026-11-21  立案\n") != NULL, "%s", b.p);
	cr_assert(strstr(b.p, "当事人    被害人    本人\n") != NULL, "%s",
		  b.p);
	cr_assert(strstr(b.p, "秘密笔记") == NULL, "a note is never shown");
	unlook(&lk, &a);
	buf_release(&b);
}

Test(caselookup, tsv_escape)
{
	struct buf b = BUF_INIT;

	caselookup_tsv_escape(&b, "a\tb\nc\rd\\e", 10);
	cr_assert_str_eq(b.p, "a\\tb\\nc\\rd\\\\e");
	buf_release(&b);
}

Test(caselookup, audit_record_masks_the_id)
{
	const char *path = tpath("audit.tsv");
	int32_t d;
	char *got;

	cr_assert_eq(date_parse("2026-12-01", 10, &d), 0);
	caselookup_audit(path, (int64_t)d * 86400 + 3600, "lookup", "t\t1",
			 "431124199003071233", NULL, 0, 2);
	caselookup_audit(path, (int64_t)d * 86400 + 7200, "complain", NULL,
			 "431124199003071233", "A4311032026000001", 1, -1);
	got = slurp(path, NULL);
	cr_assert_str_eq(got,
		"time\tverb\tterminal\tid_no\tcase_no\toutcome\tcases\t"
		"bad_records\n"
		"2026-12-01 01:00:00\tlookup\tt\\t1\t4311**********1233\t\t"
		"none\t0\t2\n"
		"2026-12-01 02:00:00\tcomplain\tinternet\t4311**********1233\t"
		"A4311032026000001\tshown\t1\t\n");
	free(got);
}

Test(caselookup, spans_through_the_index)
{
	struct caselookup_index x;
	struct caselookup_asker a;
	struct rec_span *sp;
	const char *data, *key;
	size_t n;

	data = put_str("log.tsv", log1);
	key = put_str("key", "0123456789abcdef0123456789abcdef");
	chmod(key, 0600);
	memset(&a, 0, sizeof a);
	memcpy(a.id, "431124199003071233", 18);
	cr_assert_eq(caselookup_spans(data, key, &a, &sp, &n), -1,
		     "no index: scan");
	caselookup_index_init(&x, data, key);
	sidx_build(data, x.ppath.p, &x.po, 0);
	sidx_build(data, x.cpath.p, &x.co, 0);
	caselookup_index_release(&x);
	/* Every line of the three cases naming the ID, in file order. */
	cr_assert_eq(caselookup_spans(data, key, &a, &sp, &n), 0);
	cr_assert_eq(n, 8);
	cr_assert_eq(sp[0].line, 2);
	cr_assert_eq(sp[7].line, 9);
	cr_assert_lt(sp[0].off, sp[1].off);
	free(sp);
	a.caseno = "A4311032026000003";
	cr_assert_eq(caselookup_spans(data, key, &a, &sp, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(sp[0].line, 8);
	free(sp);
	memcpy(a.id, "431124196612030011", 18);
	a.caseno = NULL;
	cr_assert_eq(caselookup_spans(data, key, &a, &sp, &n), 0);
	cr_assert_eq(n, 0);
	free(sp);
}

/* The log with a field of its own before every other: the case numbers
 * of the lines naming the ID are found by the field's name. */
Test(caselookup, spans_find_case_no_by_name)
{
	struct caselookup_index x;
	struct caselookup_asker a;
	struct rec_span *sp;
	struct buf log = BUF_INIT;
	const char *data, *key, *p, *nl;
	size_t n;

	buf_adds(&log, "\xef\xbb\xbfsource\t");
	for (p = log1; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if (p != log1)
			buf_adds(&log, "export\t");
		buf_add(&log, p, (size_t)(nl - p + 1));
	}
	data = put_str("log.tsv", log.p);
	key = put_str("key", "0123456789abcdef0123456789abcdef");
	chmod(key, 0600);
	caselookup_index_init(&x, data, key);
	sidx_build(data, x.ppath.p, &x.po, 0);
	sidx_build(data, x.cpath.p, &x.co, 0);
	caselookup_index_release(&x);
	memset(&a, 0, sizeof a);
	memcpy(a.id, "431124199003071233", 18);
	cr_assert_eq(caselookup_spans(data, key, &a, &sp, &n), 0);
	cr_assert_eq(n, 8);
	cr_assert_eq(sp[0].line, 2);
	cr_assert_eq(sp[7].line, 9);
	free(sp);
	/* 陈刚: case 1 only (his complaint about it names him too) */
	memcpy(a.id, "431103198807205579", 18);
	cr_assert_eq(caselookup_spans(data, key, &a, &sp, &n), 0);
	cr_assert_eq(n, 4);
	cr_assert_eq(sp[3].line, 5);
	free(sp);
	buf_release(&log);
}
