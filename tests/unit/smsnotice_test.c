/* Unit tests for lib/domain/smsnotice.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "base/buf.h"
#include "base/date.h"
#include "domain/smsnotice.h"
#include "domain/smsrules.h"
#include "rec/rec.h"

TESTUTIL_SUITE(smsnotice);

/* Small vehicle tables of the test's own: every 24 months while younger
 * than 6 years (9 seats at most), then 12; every 12 for the rest; taxis
 * scrapped at 8 years. */
#define TABLES								\
	"inspection:\n"							\
	"  - name: small\n"						\
	"    vehicle_type: [小型载客]\n"				\
	"    seats_max: 9\n"						\
	"    every: [{until_years: 6, months: 24}, {months: 12}]\n"	\
	"  - name: other\n"						\
	"    every: [{months: 12}]\n"					\
	"scrap:\n"							\
	"  - {name: taxi, use: [出租], years: 8}\n"

static struct sms_rules *
rules_of(const char *yaml)
{
	const char *path = put_str("r.yaml", yaml);
	struct sms_rules *rs = sms_rules_parse(path, yaml, strlen(yaml));

	cr_assert_eq(sms_rules_nerrors(rs), 0, "the test's rules are bad");
	return rs;
}

static struct rec_reader *
reader_of(const char *name, const char *tsv)
{
	const char *files[2] = { NULL, NULL };
	struct rec_reader_opts o;

	memset(&o, 0, sizeof o);
	o.rejects_quiet = 1;
	files[0] = put_str(name, tsv);
	return rec_reader_open(files, &o);
}

/* Each record of tsv through the first rule of yaml as of today: a line
 * "KEY TEXT" for a notice, "-" for a record filtered, "!" for one
 * rejected.  Caller frees. */
static char *
notices(const char *yaml, const char *tsv, const char *today)
{
	struct sms_rules *rs = rules_of(yaml);
	struct rec_reader *in = reader_of("in.tsv", tsv);
	struct smsnotice_env e;
	struct smsnotice_rule b;
	struct smsnotice n;
	const struct rec *r;
	struct buf out = BUF_INIT;
	unsigned long long rej, filt;
	int32_t day;

	cr_assert_eq(date_parse(today, strlen(today), &day), 0);
	smsnotice_env_init(&e, rs, day, 3);
	smsnotice_rule_bind(&b, &e, &rs->rules[0], in);
	smsnotice_init(&n);
	while ((r = rec_reader_next(in)) != NULL) {
		rej = rec_reader_count_rejected(in);
		filt = rec_reader_count_filtered(in);
		if (smsnotice_make(&b, r, &n)) {
			buf_printf(&out, "%s %s\n", n.key.p, n.text.p);
			continue;
		}
		cr_assert_eq(rec_reader_count_rejected(in) - rej +
			     rec_reader_count_filtered(in) - filt, 1,
			     "a record not a notice is counted once");
		buf_adds(&out, rec_reader_count_rejected(in) > rej ? "!\n" :
			 "-\n");
	}
	smsnotice_release(&n);
	smsnotice_rule_release(&b);
	smsnotice_env_release(&e);
	rec_reader_close(in);
	sms_rules_free(rs);
	return buf_detach(&out, NULL);
}

#define VEH_HDR "plate\tphone\tuse\tvehicle_type\tseats\tregistered\t" \
		"last_inspected\n"

static const char insp_rules[] = "quiet_hours: \"\"\n" TABLES
	"rules:\n"
	"  - name: insp\n"
	"    kind: inspection\n"
	"    window: 30\n"
	"    template: \"{plate} {due} {days_left}\"\n";

Test(smsnotice, inspection_due_on_the_next_boundary_in_the_window)
{
	char *got = notices(insp_rules, VEH_HDR
		/* never inspected: the first boundary, 2 years on */
		"湘M00001\t13800138000\t非营运\t小型载客\t5\t2024-12-10\t\n"
		/* inspected within 3 months before it: that one is covered */
		"湘M00002\t13800138000\t非营运\t小型载客\t5\t2024-12-10\t"
		"2026-11-01\n"
		/* its boundary passed: overdue is not a notice */
		"湘M00003\t13800138000\t非营运\t小型载客\t5\t2024-11-20\t\n"
		/* 20 seats: the other schedule, every 12 months */
		"湘M00004\t13800138000\t非营运\t小型载客\t20\t2025-12-15\t\n"
		/* the same with 5 seats: 2027-12-15, outside the window */
		"湘M00005\t13800138000\t非营运\t小型载客\t5\t2025-12-15\t\n"
		"湘M00006\t13800138000\t非营运\t小型载客\t5\t2024-13-01\t\n"
		"湘M00007\t13800138000\t非营运\t小型载客\t5\t\t\n"
		"湘M00008\t13800138000\t非营运\t小型载客\t5\t2024-12-10\t"
		"soon\n", "2026-11-29");

	cr_assert_str_eq(got,
		"insp:湘M00001:2026-12-10 湘M00001 2026-12-10 11\n"
		"-\n"
		"-\n"
		"insp:湘M00004:2026-12-15 湘M00004 2026-12-15 16\n"
		"-\n"
		"!\n"
		"!\n"
		"!\n");
	free(got);
}

Test(smsnotice, the_window_holds_both_its_ends)
{
	/* Due 2026-12-10: a notice from 2026-11-10 to the day itself. */
	const char *tsv = VEH_HDR
		"湘M00001\t13800138000\t非营运\t小型载客\t5\t2024-12-10\t\n";
	char *got;

	got = notices(insp_rules, tsv, "2026-11-09");
	cr_assert_str_eq(got, "-\n");
	free(got);
	got = notices(insp_rules, tsv, "2026-11-10");
	cr_assert_str_eq(got, "insp:湘M00001:2026-12-10 湘M00001 2026-12-10 "
			 "30\n");
	free(got);
	got = notices(insp_rules, tsv, "2026-12-10");
	cr_assert_str_eq(got, "insp:湘M00001:2026-12-10 湘M00001 2026-12-10 "
			 "0\n");
	free(got);
	got = notices(insp_rules, tsv, "2026-12-11");
	cr_assert_str_eq(got, "-\n");
	free(got);
}

Test(smsnotice, the_key_is_the_same_on_every_day_of_the_window)
{
	/* What lets the state send a notice once: the same record read on
	 * two days is one notice key (rule, plate, due). */
	const char *tsv = VEH_HDR
		"湘M00001\t13800138000\t非营运\t小型载客\t5\t2024-12-10\t\n";
	char *a = notices(insp_rules, tsv, "2026-11-20");
	char *b = notices(insp_rules, tsv, "2026-11-29");

	cr_assert_str_eq(a, "insp:湘M00001:2026-12-10 湘M00001 2026-12-10 "
			 "20\n");
	cr_assert_str_eq(b, "insp:湘M00001:2026-12-10 湘M00001 2026-12-10 "
			 "11\n");
	free(a);
	free(b);
}

Test(smsnotice, scrap_date_from_the_age_limit)
{
	char *got = notices("quiet_hours: \"\"\n" TABLES
		"rules:\n"
		"  - name: scrap\n"
		"    kind: scrap\n"
		"    template: \"{plate} {due:YYYY年M月D日}\"\n", VEH_HDR
		"湘MT0001\t13800138000\t出租\t小型载客\t5\t2018-12-20\t\n"
		/* no rule covers a private car: no scrap date */
		"湘M00002\t13800138000\t非营运\t小型载客\t5\t2018-12-20\t\n"
		"湘MT0003\t13800138000\t出租\t小型载客\t5\t2018-02-30\t\n",
		"2026-11-29");

	cr_assert_str_eq(got,
		"scrap:湘MT0001:2026-12-20 湘MT0001 2026年12月20日\n"
		"-\n"
		"!\n");
	free(got);
}

static const char lic_rules[] = "quiet_hours: \"\"\n"
	"rules:\n"
	"  - name: lic\n"
	"    kind: licence\n"
	"    date: valid_to\n"
	"    template: \"{name} {due} {days_left}\"\n";

Test(smsnotice, licence_on_its_date_field_and_long_term_never)
{
	char *got = notices(lic_rules, "id_no\tname\tphone\tvalid_to\n"
		"1\t甲\t13800138000\t2026-12-20\n"
		"2\t乙\t13800138000\t长期\n"
		"3\t丙\t13800138000\t2027-06-01\n"
		"4\t丁\t13800138000\t2026-12-20 00:00:00\n"
		"5\t戊\t13800138000\t\n"
		"6\t己\t13800138000\t2026-12-20x\n", "2026-11-29");

	cr_assert_str_eq(got,
		"lic:1:2026-12-20 甲 2026-12-20 21\n"
		"-\n"
		"-\n"
		"lic:4:2026-12-20 丁 2026-12-20 21\n"
		"!\n"
		"!\n");
	free(got);
}

Test(smsnotice, a_violation_is_news_for_window_days_after_it)
{
	char *got = notices("quiet_hours: \"\"\n"
		"rules:\n"
		"  - name: v\n"
		"    kind: violation\n"
		"    window: 30\n"
		"    template: \"{plate} {code}\"\n",
		"plate\ttime\tcode\tphone\n"
		"湘M1\t2026-11-20 10:00:00\t1352\t13800138000\n"
		"湘M2\t2026-10-30 23:59:59\t1352\t13800138000\n"
		"湘M3\t2026-10-29 10:00:00\t1352\t13800138000\n"
		"湘M4\t2026-11-30 10:00:00\t1352\t13800138000\n"
		"湘M5\tyesterday\t1352\t13800138000\n", "2026-11-29");

	cr_assert_str_eq(got,
		"v:湘M1:2026-11-20 10:00:00:1352 湘M1 1352\n"
		"v:湘M2:2026-10-30 23:59:59:1352 湘M2 1352\n"
		"-\n"
		"-\n"
		"!\n");
	free(got);
}

Test(smsnotice, a_meeting_invites_its_grid_with_at_and_place)
{
	char *got = notices("quiet_hours: \"\"\n"
		"rules:\n"
		"  - name: m\n"
		"    kind: meeting\n"
		"    grid: 南津-03\n"
		"    at: \"2026-12-05 19:30\"\n"
		"    place: 警务室\n"
		"    template: \"{name} {at:M月D日hh:mm} {place}\"\n",
		"id_no\tname\tphone\tgrid\n"
		"1\t甲\t13800138000\t南津-03\n"
		"2\t乙\t13800138000\t南津-04\n", "2026-11-29");

	cr_assert_str_eq(got, "m:1:2026-12-05 19:30 甲 12月5日19:30 警务室\n"
			 "-\n");
	free(got);
}

Test(smsnotice, phones_are_normalised_and_bad_ones_rejected)
{
	char *got = notices(lic_rules, "id_no\tname\tphone\tvalid_to\n"
		"1\t甲\t+86 138-0013-8000\t2026-12-20\n"
		"2\t乙\t1380013800\t2026-12-20\n"
		"3\t丙\t\t2026-12-20\n", "2026-11-29");

	cr_assert_str_eq(got, "lic:1:2026-12-20 甲 2026-12-20 21\n!\n!\n");
	free(got);
}

Test(smsnotice, the_made_notice_has_phone_signature_and_measure)
{
	struct sms_rules *rs = rules_of("signature: 【永州公安】\n"
		"rules:\n"
		"  - name: lic\n"
		"    kind: licence\n"
		"    date: valid_to\n"
		"    template: \"{name}\"\n");
	struct rec_reader *in = reader_of("in.tsv",
		"id_no\tname\tphone\tvalid_to\n"
		"43\t张三\t+86 138 0013 8000\t2026-12-20\n");
	struct smsnotice_env e;
	struct smsnotice_rule b;
	struct smsnotice n;
	const struct rec *r;
	int32_t day;

	cr_assert_eq(date_parse("2026-11-29", 10, &day), 0);
	smsnotice_env_init(&e, rs, day, 3);
	smsnotice_rule_bind(&b, &e, &rs->rules[0], in);
	smsnotice_init(&n);
	r = rec_reader_next(in);
	cr_assert_not_null(r);
	cr_assert_eq(smsnotice_make(&b, r, &n), 1);
	cr_assert_eq(n.rule, &rs->rules[0]);
	cr_assert_str_eq(n.phone, "13800138000");
	cr_assert_str_eq(n.text.p, "【永州公安】张三");
	cr_assert_eq(n.info.enc, SMS_UCS2);
	cr_assert_eq(n.info.units, 8);
	cr_assert_eq(n.info.segments, 1);
	cr_assert_str_eq(n.key.p, "lic:43:2026-12-20");
	cr_assert_eq(n.hkey.len, sizeof "lic\00043\0002026-12-20" - 1);
	cr_assert_eq(memcmp(n.hkey.p, "lic\00043\0002026-12-20", n.hkey.len),
		     0, "the hashed key is NUL-separated");
	smsnotice_release(&n);
	smsnotice_rule_release(&b);
	smsnotice_env_release(&e);
	rec_reader_close(in);
	sms_rules_free(rs);
}

Test(smsnotice, a_text_over_max_segments_is_a_reject)
{
	/* 71 UCS-2 units: two messages, over a limit of one. */
	struct sms_rules *rs = rules_of("rules:\n"
		"  - name: lic\n"
		"    kind: licence\n"
		"    date: valid_to\n"
		"    template: \"{name}\"\n");
	struct buf name = BUF_INIT, tsv = BUF_INIT;
	struct rec_reader *in;
	struct smsnotice_env e;
	struct smsnotice_rule b;
	struct smsnotice n;
	int32_t day;
	int i;

	for (i = 0; i < 71; i++)
		buf_adds(&name, "张");
	buf_printf(&tsv, "id_no\tname\tphone\tvalid_to\n"
		   "1\t张\t13800138000\t2026-12-20\n"
		   "2\t%s\t13800138000\t2026-12-20\n", name.p);
	in = reader_of("in.tsv", tsv.p);
	cr_assert_eq(date_parse("2026-11-29", 10, &day), 0);
	smsnotice_env_init(&e, rs, day, 1);
	smsnotice_rule_bind(&b, &e, &rs->rules[0], in);
	smsnotice_init(&n);
	cr_assert_eq(smsnotice_make(&b, rec_reader_next(in), &n), 1);
	cr_assert_eq(smsnotice_make(&b, rec_reader_next(in), &n), 0);
	cr_assert_eq(rec_reader_count_rejected(in), 1);
	smsnotice_release(&n);
	smsnotice_rule_release(&b);
	smsnotice_env_release(&e);
	rec_reader_close(in);
	sms_rules_free(rs);
	buf_release(&name);
	buf_release(&tsv);
}

Test(smsnotice, quiet_hours_across_midnight_and_within_a_day)
{
	struct sms_rules *night = rules_of("quiet_hours: \"21:00-08:00\"\n"
		"rules: [{name: l, kind: licence, date: d, template: x}]\n");
	struct sms_rules *noon = rules_of("quiet_hours: \"12:00-13:30\"\n"
		"rules: [{name: l, kind: licence, date: d, template: x}]\n");
	struct sms_rules *none = rules_of("quiet_hours: \"\"\n"
		"rules: [{name: l, kind: licence, date: d, template: x}]\n");
	static const struct { const char *t; int night, noon; } c[] = {
		{ "2026-11-29 20:59:59", 0, 0 },
		{ "2026-11-29 21:00:00", 1, 0 },
		{ "2026-11-29 23:59:59", 1, 0 },
		{ "2026-11-30 00:00:00", 1, 0 },
		{ "2026-11-30 07:59:59", 1, 0 },
		{ "2026-11-30 08:00:00", 0, 0 },
		{ "2026-11-30 11:59:59", 0, 0 },
		{ "2026-11-30 12:00:00", 0, 1 },
		{ "2026-11-30 13:29:59", 0, 1 },
		{ "2026-11-30 13:30:00", 0, 0 },
		{ "1969-12-31 22:00:00", 1, 0 },	/* before the epoch */
	};
	int64_t t;
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		cr_assert_eq(datetime_parse(c[i].t, strlen(c[i].t), &t), 0);
		cr_assert_eq(smsnotice_is_quiet(night, t), c[i].night, "%s",
			     c[i].t);
		cr_assert_eq(smsnotice_is_quiet(noon, t), c[i].noon, "%s",
			     c[i].t);
		cr_assert_eq(smsnotice_is_quiet(none, t), 0, "%s", c[i].t);
	}
	sms_rules_free(night);
	sms_rules_free(noon);
	sms_rules_free(none);
}

Test(smsnotice, opted_out_phones_are_filtered_whatever_their_form)
{
	char *got;

	PUT("optout.txt", "# declined\n\n+86 138-0013-8000\r\n13900139000\n");
	got = notices("opt_out: optout.txt\n"
		"rules:\n"
		"  - name: lic\n"
		"    kind: licence\n"
		"    date: valid_to\n"
		"    template: \"{name}\"\n",
		"id_no\tname\tphone\tvalid_to\n"
		"1\t甲\t13800138000\t2026-12-20\n"
		"2\t乙\t139 0013 9000\t2026-12-20\n"
		"3\t丙\t13700137000\t2026-12-20\n", "2026-11-29");
	cr_assert_str_eq(got, "-\n-\nlic:3:2026-12-20 丙\n");
	free(got);
}

Test(smsnotice, a_bad_opt_out_line_is_a_configuration_error)
{
	struct sms_rules *rs;
	struct smsnotice_env e;
	char want[512];

	PUT("optout.txt", "13800138000\n# x\nnot a phone\n");
	rs = rules_of("opt_out: optout.txt\n"
		"rules: [{name: l, kind: licence, date: d, template: x}]\n");
	snprintf(want, sizeof want, "t: %s:3: not a mobile number: "
		 "'not a phone'\n", tpath("optout.txt"));
	EXPECT_EXIT(3, want, smsnotice_env_init(&e, rs, 0, 3));
	sms_rules_free(rs);
}

Test(smsnotice, a_missing_opt_out_file_is_a_configuration_error)
{
	struct sms_rules *rs;
	struct smsnotice_env e;
	char want[512];

	rs = rules_of("opt_out: nowhere.txt\n"
		"rules: [{name: l, kind: licence, date: d, template: x}]\n");
	snprintf(want, sizeof want, "t: %s: cannot open: No such file or "
		 "directory\n", tpath("nowhere.txt"));
	EXPECT_EXIT(3, want, smsnotice_env_init(&e, rs, 0, 3));
	sms_rules_free(rs);
}

Test(smsnotice, a_lookup_gives_the_phone_and_a_missing_key_is_a_reject)
{
	char *got;

	PUT("veh.tsv", "plate\tphone\towner\n"
	    "湘M1\t13800138000\t甲\n"
	    "湘M2\t13900139000\t乙\n"
	    "湘M1\t13700137000\t丙\n");	/* the last of a key wins */
	{
		struct sms_rules *rs = rules_of("quiet_hours: \"\"\n"
			"rules:\n"
			"  - name: v\n"
			"    kind: violation\n"
			"    key: [plate, code]\n"
			"    lookup: {file: veh.tsv, by: plate, "
			"fields: [phone, owner]}\n"
			"    template: \"{owner} {plate}\"\n");
		struct rec_reader *in = reader_of("in.tsv",
			"plate\ttime\tcode\n"
			"湘M1\t2026-11-20\t1\n"
			"湘M2\t2026-11-20\t2\n"
			"湘M9\t2026-11-20\t3\n");
		const char *files[2] = { tpath("veh.tsv"), NULL };
		struct rec_reader_opts o;
		struct rec_reader *lk;
		struct smsnotice_env e;
		struct smsnotice_rule b;
		struct smsnotice n;
		struct buf out = BUF_INIT;
		const struct rec *r;
		int32_t day;

		cr_assert_eq(date_parse("2026-11-29", 10, &day), 0);
		smsnotice_env_init(&e, rs, day, 3);
		smsnotice_rule_bind(&b, &e, &rs->rules[0], in);
		memset(&o, 0, sizeof o);
		lk = rec_reader_open(files, &o);
		smsnotice_lookup_load(&b, lk);
		rec_reader_close(lk);
		smsnotice_init(&n);
		while ((r = rec_reader_next(in)) != NULL)
			if (smsnotice_make(&b, r, &n))
				buf_printf(&out, "%s %s %s\n", n.phone,
					   n.key.p, n.text.p);
			else
				buf_adds(&out, "!\n");
		cr_assert_str_eq(out.p, "13700137000 v:湘M1:1 丙 湘M1\n"
				 "13900139000 v:湘M2:2 乙 湘M2\n"
				 "!\n");
		cr_assert_eq(rec_reader_count_rejected(in), 1);
		got = buf_detach(&out, NULL);
		smsnotice_release(&n);
		smsnotice_rule_release(&b);
		smsnotice_env_release(&e);
		rec_reader_close(in);
		sms_rules_free(rs);
	}
	free(got);
}

/* Binding rule 0 of yaml to an input with header hdr must exit 3 with
 * the message want (after "t: RULES:"). */
static void
expect_bind_error(const char *yaml, const char *hdr, const char *want)
{
	struct sms_rules *rs = rules_of(yaml);
	struct rec_reader *in = reader_of("in.tsv", hdr);
	struct smsnotice_env e;
	struct smsnotice_rule b;
	char full[1024];

	smsnotice_env_init(&e, rs, 0, 3);
	snprintf(full, sizeof full, "t: %s:%s\n", tpath("r.yaml"), want);
	EXPECT_EXIT(3, full, smsnotice_rule_bind(&b, &e, &rs->rules[0], in));
	smsnotice_env_release(&e);
	rec_reader_close(in);
	sms_rules_free(rs);
}

Test(smsnotice, a_name_the_input_lacks_is_a_configuration_error)
{
	expect_bind_error("rules:\n"
		"  - name: lic\n"
		"    kind: licence\n"
		"    date: valid_to\n"
		"    template: \"{name} {nickname}\"\n",
		"id_no\tname\tphone\tvalid_to\n",
		"2:5: rule 'lic': the template names 'nickname', which its "
		"input lacks");
	expect_bind_error("rules:\n"
		"  - name: lic\n"
		"    kind: licence\n"
		"    date: valid_to\n"
		"    template: \"{name}\"\n",
		"id_no\tname\tmobile\tvalid_to\n",
		"2:5: rule 'lic': its input has no phone field 'phone'");
	expect_bind_error("rules:\n"
		"  - name: lic\n"
		"    kind: licence\n"
		"    date: valid_to\n"
		"    key: [id_no, due, town]\n"
		"    template: \"{name}\"\n",
		"id_no\tname\tphone\tvalid_to\n",
		"2:5: rule 'lic': the key names 'town', which its input "
		"lacks");
	expect_bind_error("rules:\n"
		"  - name: insp\n"
		"    kind: inspection\n"
		"    template: \"{plate}\"\n",
		"plate\tphone\tuse\tvehicle_type\tseats\tregistered\n",
		" rule 'insp' (inspection): its input has no field "
		"'last_inspected'");
}
