/* Unit tests for lib/domain/casefold.c: the event log's fields, the store
 * and the fold of every case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "testutil.h"
#include "base/date.h"
#include "domain/casefold.h"
#include "domain/cases.h"

TESTUTIL_SUITE(casefold);

#define HDR "case_no\ttime\tstage\tcategory\tunit\tofficer\tsecret\t" \
	"privacy\tparties\tnote\tlimit_days\treceipt\n"

/* What the fold gave, one line per case. */
struct seen {
	struct buf b;
	size_t ncases;
};

static void
collect(void *ctx, struct casefold *st, const struct casefold_case *k,
	const struct case_fold *f, struct case_event *ev, size_t nev)
{
	struct seen *s = ctx;
	struct rec_str cat = casefold_category(st, k);
	size_t i;

	s->ncases++;
	buf_printf(&s->b, "%s %.*s %.*s %s hidden=%d events=%u rej=%u:",
		   k->no, (int)cat.len, cat.p, (int)k->unit.len, k->unit.p,
		   f->stage ? f->stage->name : "-", f->hidden, f->events,
		   f->rejected);
	for (i = 0; i < nev; i++)
		buf_printf(&s->b, " %s%s", ev[i].stage->name,
			   ev[i].rejected ? "!" : "");
	buf_adds(&s->b, "\n");
}

/* Fold the log text (a file written for it) with sorted; the rejects are
 * counted only.  Returns what collect() saw (caller frees) and the
 * rejects counted. */
static char *
fold(const char *log, int sorted, int drop_late, unsigned long long *nrej,
     unsigned long long *nlate)
{
	const char *files[2] = { NULL, NULL };
	struct rec_reader_opts o;
	struct rec_reader *in;
	struct casefold_fields ix;
	struct casefold st;
	struct case_cfg *c = case_cfg_load_default();
	struct seen s = { BUF_INIT, 0 };

	memset(&o, 0, sizeof o);
	o.rejects_quiet = 1;
	files[0] = put_str("log.tsv", log);
	in = rec_reader_open(files, &o);
	casefold_fields_find(in, &ix, 1);
	casefold_init(&st, c, in, &ix, &o);
	st.drop_late = drop_late;
	casefold_read(&st, sorted, collect, &s);
	*nlate = st.nlate;
	casefold_release(&st);
	*nrej = rec_reader_count_rejected(in);
	rec_reader_close(in);
	case_cfg_free(c);
	return buf_detach(&s.b, NULL);
}

static const char log1[] = HDR
	"A4311032026000002\t2026-11-19 09:00:00\t立案\t诈骗\t乙所\tb\t0\t0\t\t\t\t\n"
	"A4311032026000001\t2026-11-21 10:00:00\t立案\t盗窃\t甲所\ta\t0\t0\t\t\t\t\n"
	"A4311032026000001\t2026-11-20 09:30:00\t受案\t盗窃\t\ta\t0\t0\t\t\t\t\n"
	"A4311032026000002\t2026-11-18 08:00:00\t受案\t诈骗\t乙所\tb\t1\t0\t\t\t\t\n"
	"A4311032026000003\t2026-11-18 08:00:00\t破案\t盗窃\t丙所\tc\t0\t0\t\t\t\t\n";

Test(casefold, folds_out_of_order_by_case_number)
{
	unsigned long long nrej, nlate;
	char *got = fold(log1, 0, 1, &nrej, &nlate);

	cr_assert_str_eq(got,
		"A4311032026000001 盗窃 甲所 立案 hidden=0 events=2 rej=0: "
		"受案 立案\n"
		"A4311032026000002 诈骗 乙所 立案 hidden=1 events=2 rej=0: "
		"受案 立案\n"
		"A4311032026000003 盗窃 丙所 - hidden=0 events=1 rej=1: "
		"破案!\n");
	cr_assert_eq(nrej, 0);
	cr_assert_eq(nlate, 1);	/* drop_late: counted, not rejected */
	free(got);
}

Test(casefold, bad_field_hides_its_case)
{
	static const char log[] = HDR
		"A4311032026000001\t2026-11-20 09:30:00\t受案\t盗窃\t甲所\ta\t0\t0\t\t\t\t\n"
		"A4311032026000001\t2026-11-21 10:00:00\t立案\t盗窃\t甲所\ta\tx\t0\t\t\t\t\n"
		"A4311032026000004\t2026-11-21 10:00:00\t受案\t盗窃\t甲所\ta\t0\t\t\t\t\t\n";
	unsigned long long nrej, nlate;
	char *got = fold(log, 0, 0, &nrej, &nlate);

	/* The bad event is not held, but its case is hidden (fail closed);
	 * an empty flag hides too. */
	cr_assert_str_eq(got,
		"A4311032026000001 盗窃 甲所 受案 hidden=1 events=1 rej=0: "
		"受案\n"
		"A4311032026000004 盗窃 甲所 受案 hidden=1 events=1 rej=0: "
		"受案\n");
	cr_assert_eq(nrej, 1);
	free(got);
}

Test(casefold, sorted_input_one_case_at_a_time)
{
	static const char log[] = HDR
		"A4311032026000001\t2026-11-21 10:00:00\t立案\t盗窃\t甲所\ta\t0\t0\t\t\t\t\n"
		"A4311032026000001\t2026-11-20 09:30:00\t受案\t盗窃\t甲所\ta\t0\t0\t\t\t\t\n"
		"A4311032026000003\t2026-11-20 09:30:00\t受案\t盗窃\t丙所\tc\t0\t0\t\t\t\t\n"
		"A4311032026000002\t2026-11-20 09:30:00\t受案\t盗窃\t乙所\tb\t0\t0\t\t\t\t\n";
	unsigned long long nrej, nlate;
	char *got = fold(log, 1, 0, &nrej, &nlate);

	/* Time order within a case is free; a case number going back is a
	 * reject. */
	cr_assert_str_eq(got,
		"A4311032026000001 盗窃 甲所 立案 hidden=0 events=2 rej=0: "
		"受案 立案\n"
		"A4311032026000003 盗窃 丙所 受案 hidden=0 events=1 rej=0: "
		"受案\n");
	cr_assert_eq(nrej, 1);
	free(got);
}

Test(casefold, fold_rejects_go_to_the_stream_whole)
{
	const char *files[2] = { NULL, NULL };
	struct rec_reader_opts o;
	struct rec_reader *in;
	struct casefold_fields ix;
	struct casefold st;
	struct case_cfg *c = case_cfg_load_default();
	struct seen s = { BUF_INIT, 0 };
	char *rj;

	memset(&o, 0, sizeof o);
	o.rejects = tpath("rj.tsv");
	files[0] = put_str("log.tsv", log1);
	in = rec_reader_open(files, &o);
	casefold_fields_find(in, &ix, 1);
	casefold_init(&st, c, in, &ix, &o);
	casefold_read(&st, 0, collect, &s);
	casefold_release(&st);
	cr_assert_eq(rec_reader_count_rejected(in), 1);
	rec_reader_close(in);
	rj = slurp(tpath("rj.tsv"), NULL);
	cr_assert(strstr(rj, "A4311032026000003\t2026-11-18 08:00:00\t破案\t"
			 "盗窃\t丙所\tc\t0\t0\t\t\t\t\t") != NULL, "%s", rj);
	cr_assert(strstr(rj, "log.tsv\t6\tcase 'A4311032026000003': stage "
			 "'破案' cannot open a case") != NULL, "%s", rj);
	free(rj);
	buf_release(&s.b);
	case_cfg_free(c);
}

Test(casefold, times)
{
	int64_t t;
	int32_t d;

	cr_assert_eq(casefold_time("2026-11-20 09:30:05", 19, &t), 0);
	cr_assert_eq(date_parse("2026-11-20", 10, &d), 0);
	cr_assert_eq(t, (int64_t)d * 86400 + 9 * 3600 + 30 * 60 + 5);
	cr_assert_eq(casefold_time("2026-13-20 09:30:05", 19, &t), -1);
	cr_assert_eq(casefold_time("2026-11-20 24:00:00", 19, &t), -1);
	cr_assert_eq(casefold_time("2026-11-20 09:60:00", 19, &t), -1);
	cr_assert_eq(casefold_time("2026-11-2x 09:30:00", 19, &t), -1);
	cr_assert_eq(casefold_time("", 0, &t), -1);
}

/* casefold_parse() of one line of fields. */
static int
parse(const char *line, struct case_event *e, int *cat, struct buf *why)
{
	static const struct casefold_fields ix = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, REC_NONE
	};
	static struct case_cfg *c;	/* e->stage points into it */
	struct rec_str f[12];
	struct rec r;
	const char *p = line, *q;
	size_t n = 0;

	while (n < 11) {
		q = strchr(p, '|');
		if (q == NULL)
			q = p + strlen(p);
		f[n].p = p;
		f[n++].len = (size_t)(q - p);
		p = *q ? q + 1 : q;
	}
	memset(&r, 0, sizeof r);
	r.f = f;
	r.n = n;
	if (c == NULL)
		c = case_cfg_load_default();
	return casefold_parse(c, &ix, &r, e, cat, why);
}

Test(casefold, parse_checks_every_field)
{
	struct buf why = BUF_INIT;
	struct case_event e;
	int cat;

	cr_assert_eq(parse("A4311032026000001|2026-11-20 09:30:00|受案|盗窃|u|"
			   "o|0|0|被害人:431124199003071233:唐伟||3",
			   &e, &cat, &why), 0, "%s", why.p);
	cr_assert_eq(e.hidden, 0);
	cr_assert_eq(e.limit_days, 3);
	cr_assert_str_eq(e.stage->name, "受案");
	cr_assert_geq(cat, 0);
	cr_assert_eq(parse("A4311032026000001|2026-11-20 09:30:00|受案|盗窃|u|"
			   "o|1|0|||", &e, &cat, &why), 0);
	cr_assert_eq(e.hidden, 1);
	cr_assert_eq(e.limit_days, -1);
	cr_assert_eq(parse("B4311032026000001|2026-11-20 09:30:00|受案|盗窃|u|"
			   "o|0|0|||", &e, &cat, &why), -1);
	cr_assert(strstr(why.p, "field 'case_no'"), "%s", why.p);
	cr_assert_eq(parse("A4311032026000001|2026-11-20|受案|盗窃|u|o|0|0|||",
			   &e, &cat, &why), 0, "a date alone is a time");
	cr_assert_eq(parse("A4311032026000001|yesterday|受案|盗窃|u|o|0|0|||",
			   &e, &cat, &why), -1);
	cr_assert_str_eq(why.p, "field 'time': not a time (YYYY-MM-DD "
			 "HH:MM:SS) 'yesterday'");
	cr_assert_eq(parse("A4311032026000001|2026-11-20 09:30:00|调查|盗窃|u|"
			   "o|0|0|||", &e, &cat, &why), -1);
	cr_assert(strstr(why.p, "not a stage of criminal cases"), "%s",
		  why.p);
	cr_assert_eq(parse("A4311032026000001|2026-11-20 09:30:00|受案|盗|u|"
			   "o|0|0|||", &e, &cat, &why), -1);
	cr_assert(strstr(why.p, "field 'category'"), "%s", why.p);
	cr_assert_eq(parse("A4311032026000001|2026-11-20 09:30:00|受案|盗窃|u|"
			   "o|0|2|||", &e, &cat, &why), -1);
	cr_assert_str_eq(why.p, "field 'privacy': expected 0 or 1, not '2'");
	/* A bad party is named by its number, never by its ID or name. */
	cr_assert_eq(parse("A4311032026000001|2026-11-20 09:30:00|受案|盗窃|u|"
			   "o|0|0|被害人:431124199003071233:唐伟;x:4311241990"
			   "03071234:李四||", &e, &cat, &why), -1);
	cr_assert_str_eq(why.p, "field 'parties': item 2: not a valid ID "
			 "number");
	cr_assert_eq(parse("A4311032026000001|2026-11-20 09:30:00|立案|盗窃|u|"
			   "o|0|0|||5", &e, &cat, &why), -1);
	cr_assert(strstr(why.p, "field 'limit_days'"), "%s", why.p);
	buf_release(&why);
}

/* The parties of the events naming one ID are copied, the others not. */
struct copies {
	int named, copied;
};

static void
count_copies(void *ctx, struct casefold *st, const struct casefold_case *k,
	     const struct case_fold *f, struct case_event *ev, size_t nev)
{
	struct copies *c = ctx;
	struct case_party pt[CASE_MAX_PARTIES];
	const struct rec_str *copy;
	size_t i;
	int np;

	(void)k;
	(void)f;
	for (i = 0; i < nev; i++) {
		np = casefold_parties(st, &ev[i], pt, &copy);
		if (np > 0) {
			c->copied++;
			cr_assert_eq(copy[1].len, 6);	/* the receipt */
			if (memcmp(pt[0].id, "431124199003071233", 18) == 0)
				c->named++;
		}
	}
}

Test(casefold, copies_the_parties_naming_an_id)
{
	static const char log[] = HDR
		"A4311032026000001\t2026-11-20 09:30:00\t受案\t盗窃\tu\ta\t0\t0\t被害人:431124199003071233:唐伟\t\t\tR00001\n"
		"A4311032026000001\t2026-11-21 09:30:00\t立案\t盗窃\tu\ta\t0\t0\t被害人:431124198506120047:周敏\t\t\tR00002\n"
		"A4311032026000002\t2026-11-21 09:30:00\t受案\t盗窃\tu\ta\t0\t0\t报案人:431124199003071233:唐伟\t\t\tR00003\n";
	const char *files[2] = { NULL, NULL };
	struct rec_reader_opts o;
	struct rec_reader *in;
	struct casefold_fields ix;
	struct casefold st;
	struct case_cfg *c = case_cfg_load_default();
	struct copies n = { 0, 0 };

	memset(&o, 0, sizeof o);
	files[0] = put_str("log.tsv", log);
	in = rec_reader_open(files, &o);
	casefold_fields_find(in, &ix, 1);
	casefold_init(&st, c, in, &ix, &o);
	st.copy_id = "431124199003071233";
	casefold_read(&st, 0, count_copies, &n);
	cr_assert_eq(n.copied, 2);
	cr_assert_eq(n.named, 2);
	casefold_release(&st);
	rec_reader_close(in);
	case_cfg_free(c);
}
