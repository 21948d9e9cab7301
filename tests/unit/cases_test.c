/* Unit tests for lib/domain/cases.c. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "domain/cases.h"

static const char yaml[] =
	"types:\n"
	"  A:\n"
	"    stages:\n"
	"      受案: { state: RECEIVED, limit_days: 3, max_days: 30 }\n"
	"      立案: FILED\n"
	"      侦查: INVESTIGATING\n"
	"      破案: SOLVED\n"
	"      移送起诉: TRANSFERRED\n"
	"      结案: CLOSED\n"
	"  X:\n"
	"    stages:\n"
	"      受案: { state: ACCEPTED, limit_days: 30, max_days: 60 }\n"
	"      调查: { state: INVESTIGATING, limit_days: 30, from: opened }\n"
	"      处罚决定: DECIDED\n"
	"complaint: 投诉\n"
	"categories: [盗窃, 故意杀人]\n"
	"serious: { categories: [故意杀人] }\n"
	"holidays: [2026-10-01..2026-10-07, 2026-12-25]\n";

static struct case_cfg *
load(const char *s)
{
	char *err = NULL;
	struct case_cfg *c = case_cfg_load_mem("t.yaml", s, strlen(s), &err);

	cr_assert_not_null(c, "%s", err ? err : "");
	return c;
}

static char *
load_err(const char *s)
{
	char *err = NULL;
	struct case_cfg *c = case_cfg_load_mem("t.yaml", s, strlen(s), &err);

	cr_assert_null(c);
	cr_assert_not_null(err);
	return err;
}

static int32_t
day(const char *s)
{
	int32_t d;

	cr_assert_eq(date_parse(s, strlen(s), &d), 0);
	return d;
}

Test(cases, loads_stages_by_type)
{
	struct case_cfg *c = load(yaml);
	const struct case_stage *a = case_stage_find(c, 'A', "受案", 6);
	const struct case_stage *x = case_stage_find(c, 'X', "受案", 6);

	cr_assert_eq(a->state, CS_RECEIVED);
	cr_assert_eq(a->limit_days, 3);
	cr_assert_eq(a->max_days, 30);
	cr_assert_eq(x->state, CS_ACCEPTED);
	cr_assert_eq(case_stage_find(c, 'X', "调查", 6)->from_opened, 1);
	cr_assert_eq(case_stage_find(c, 'A', "投诉", 6)->state, CS_COMPLAINT);
	cr_assert_eq(case_stage_find(c, 'X', "投诉", 6)->state, CS_COMPLAINT);
	cr_assert_null(case_stage_find(c, 'A', "调查", 6));
	cr_assert_eq(case_category(c, "故意杀人", 12), 1);
	cr_assert_eq(c->serious[1], 1);
	cr_assert_eq(c->serious[0], 0);
	cr_assert_eq(case_category(c, "盗", 3), -1);
	case_cfg_free(c);
}

Test(cases, yaml_errors_name_the_place)
{
	char *e;

	e = load_err("types: {A: {stages: {受案: RECIEVED}}}\n");
	cr_assert(strstr(e, "t.yaml:1:") && strstr(e, "unknown state "
		  "'RECIEVED'"), "%s", e);
	free(e);
	e = load_err("types:\n  A:\n    stages:\n      受案: ACCEPTED\n");
	cr_assert(strstr(e, "t.yaml:4:11: key 'state': ACCEPTED is not a "
		  "state of criminal (A) cases"), "%s", e);
	free(e);
	e = load_err("typos: 1\n");
	cr_assert(strstr(e, "unknown key 'typos'"), "%s", e);
	free(e);
	e = load_err("types: {A: {stages: {立案: FILED}}}\n");
	cr_assert(strstr(e, "no stage maps to RECEIVED"), "%s", e);
	free(e);
	e = load_err("");
	cr_assert(strstr(e, "empty file"), "%s", e);
	free(e);
	e = load_err("types: [1\n");
	cr_assert(strstr(e, "t.yaml:"), "%s", e);
	free(e);
}

Test(cases, yaml_rejects_bad_values)
{
	char buf[2048];
	char *e;

	snprintf(buf, sizeof buf, "%s", yaml);
	strcpy(strstr(buf, "holidays"), "holidays: [2026-02-30]\n");
	e = load_err(buf);
	cr_assert(strstr(e, "expected a date"), "%s", e);
	free(e);
	snprintf(buf, sizeof buf, "%s", yaml);
	strcpy(strstr(buf, "serious"), "serious: { categories: [抢劫] }\n");
	e = load_err(buf);
	cr_assert(strstr(e, "serious category '抢劫' is not in"), "%s", e);
	free(e);
	snprintf(buf, sizeof buf, "%s", yaml);
	strcpy(strstr(buf, "categories"), "categories: [盗窃, 盗窃]\n");
	e = load_err(buf);
	cr_assert(strstr(e, "listed twice"), "%s", e);
	free(e);
}

Test(cases, case_numbers)
{
	const char *why;

	cr_assert_eq(case_no_check("A4311032026000001", 17, &why), 0);
	cr_assert_eq(case_no_check("X4311032026000001", 17, &why), 0);
	cr_assert_eq(case_no_check("B4311032026000001", 17, &why), -1);
	cr_assert_eq(case_no_check("A431103202600001", 16, &why), -1);
	cr_assert_eq(case_no_check("A43110320260000x1", 17, &why), -1);
	cr_assert_eq(case_no_check("A4311031026000001", 17, &why), -1);
	cr_assert_eq(case_no_check("", 0, &why), -1);
}

Test(cases, state_machine)
{
	cr_assert(case_transition_ok('A', CS_NONE, CS_RECEIVED));
	cr_assert(!case_transition_ok('A', CS_NONE, CS_FILED));
	cr_assert(case_transition_ok('A', CS_FILED, CS_SOLVED));
	cr_assert(case_transition_ok('A', CS_FILED, CS_INVESTIGATING));
	cr_assert(!case_transition_ok('A', CS_RECEIVED, CS_SOLVED));
	cr_assert(case_transition_ok('A', CS_TRANSFERRED, CS_INVESTIGATING));
	cr_assert(!case_transition_ok('A', CS_CLOSED, CS_FILED));
	cr_assert(case_transition_ok('X', CS_NONE, CS_ACCEPTED));
	cr_assert(!case_transition_ok('X', CS_NONE, CS_RECEIVED));
	cr_assert(case_transition_ok('X', CS_INVESTIGATING, CS_DECIDED));
	cr_assert(!case_transition_ok('X', CS_DECIDED, CS_INVESTIGATING));
}

Test(cases, due_skips_holidays)
{
	struct case_cfg *c = load(yaml);

	cr_assert_eq(case_due(c, day("2026-11-20"), 3), day("2026-11-23"));
	cr_assert_eq(case_due(c, day("2026-09-28"), 3), day("2026-10-08"));
	cr_assert_eq(case_due(c, day("2026-12-22"), 3), day("2026-12-26"));
	cr_assert(case_is_holiday(c, day("2026-10-07")));
	cr_assert(!case_is_holiday(c, day("2026-10-08")));
	case_cfg_free(c);
}

Test(cases, parties)
{
	struct case_party p[4];
	const char *why;
	size_t item;
	const char *s = "被害人:431124199003071233:唐伟:13807461234;"
			"嫌疑人:431103198807205579:陈刚";

	cr_assert_eq(case_parties_parse(s, strlen(s), p, 4, &why, &item), 2);
	cr_assert_eq(p[0].namelen, 6);
	cr_assert_eq(memcmp(p[0].name, "唐伟", 6), 0);
	cr_assert_eq(p[0].phonelen, 11);
	cr_assert_eq(p[1].phonelen, 0);
	cr_assert_eq(memcmp(p[1].id, "431103198807205579", 18), 0);
	cr_assert_eq(case_parties_parse("", 0, p, 4, &why, &item), 0);
	s = "被害人:431124199003071234:唐伟";	/* bad check digit */
	cr_assert_eq(case_parties_parse(s, strlen(s), p, 4, &why, &item), -1);
	cr_assert_eq(item, 1);
	s = "被害人:431124199003071233:唐伟;";
	cr_assert_eq(case_parties_parse(s, strlen(s), p, 4, &why, &item), -1);
	cr_assert_eq(item, 2);
	cr_assert_str_eq(why, "empty item");
	s = "被害人:431124199003071233:";
	cr_assert_eq(case_parties_parse(s, strlen(s), p, 4, &why, &item), -1);
	s = "被害人:431124199003071233:唐伟:12345";
	cr_assert_eq(case_parties_parse(s, strlen(s), p, 4, &why, &item), -1);
	s = "a:431124199003071233:b:13807461234:x";
	cr_assert_eq(case_parties_parse(s, strlen(s), p, 4, &why, &item), -1);
	s = "a:431124199003071233:b;a:431124199003071233:b;"
	    "a:431124199003071233:b";
	cr_assert_eq(case_parties_parse(s, strlen(s), p, 2, &why, &item), -1);
	cr_assert_str_eq(why, "too many parties");
}

static void
ev(struct case_event *e, struct case_cfg *c, char type, const char *st,
   const char *t, uint32_t seq)
{
	memset(e, 0, sizeof *e);
	e->stage = case_stage_find(c, type, st, strlen(st));
	cr_assert_not_null(e->stage, "%s", st);
	cr_assert_eq(datetime_parse(t, strlen(t), &e->time), 0);
	e->seq = seq;
	e->ref = seq;
	e->limit_days = -1;
}

static int nrej;
static char lastwhy[256];

static void
on_rej(void *ctx, const struct case_event *e, const char *why)
{
	(void)ctx;
	(void)e;
	nrej++;
	snprintf(lastwhy, sizeof lastwhy, "%s", why);
}

Test(cases, fold_sorts_and_checks)
{
	struct case_cfg *c = load(yaml);
	struct case_event e[5];
	struct case_fold f;

	/* out of order: 立案 before 受案 in input */
	ev(&e[0], c, 'A', "立案", "2026-11-21 10:00:00", 0);
	ev(&e[1], c, 'A', "受案", "2026-11-20 10:00:00", 1);
	ev(&e[2], c, 'A', "投诉", "2026-11-22 10:00:00", 2);
	ev(&e[3], c, 'A', "破案", "2026-11-23 10:00:00", 3);
	ev(&e[4], c, 'A', "受案", "2026-11-23 10:00:00", 4);
	nrej = 0;
	case_fold_events(c, e, 5, &f, on_rej, NULL);
	cr_assert_eq(nrej, 1);
	cr_assert_str_eq(lastwhy, "stage '受案' cannot follow '破案'");
	cr_assert_eq(f.stage->state, CS_SOLVED);
	cr_assert_eq(f.complaints, 1);
	cr_assert_eq(f.events, 5);
	cr_assert_eq(f.rejected, 1);
	cr_assert_eq(f.opened / 86400, day("2026-11-20"));
	cr_assert_eq(f.filed_at / 86400, day("2026-11-21"));
	cr_assert_eq(f.solved_at / 86400, day("2026-11-23"));
	cr_assert_eq(f.closed_at, CASE_NO_TIME);
	cr_assert_eq(case_fold_due(c, &f), DATE_NONE);
	case_cfg_free(c);
}

Test(cases, fold_limits_and_returns)
{
	struct case_cfg *c = load(yaml);
	struct case_event e[8];
	struct case_fold f;

	ev(&e[0], c, 'A', "受案", "2026-11-20 10:00:00", 0);
	ev(&e[1], c, 'A', "受案", "2026-11-21 10:00:00", 1);
	e[1].limit_days = 7;
	case_fold_events(c, e, 2, &f, NULL, NULL);
	cr_assert_eq(f.limit_days, 7);
	cr_assert_eq(case_fold_due(c, &f), day("2026-11-27"));
	/* TRANSFERRED -> INVESTIGATING at most twice */
	ev(&e[0], c, 'A', "受案", "2026-01-01 10:00:00", 0);
	ev(&e[1], c, 'A', "立案", "2026-01-02 10:00:00", 1);
	ev(&e[2], c, 'A', "破案", "2026-01-03 10:00:00", 2);
	ev(&e[3], c, 'A', "移送起诉", "2026-01-04 10:00:00", 3);
	ev(&e[4], c, 'A', "侦查", "2026-01-05 10:00:00", 4);
	ev(&e[5], c, 'A', "破案", "2026-01-06 10:00:00", 5);
	ev(&e[6], c, 'A', "移送起诉", "2026-01-07 10:00:00", 6);
	ev(&e[7], c, 'A', "侦查", "2026-01-08 10:00:00", 7);
	nrej = 0;
	case_fold_events(c, e, 8, &f, on_rej, NULL);
	cr_assert_eq(nrej, 0);
	cr_assert_eq(f.stage->state, CS_INVESTIGATING);
	/* administrative: the limit counts from the opening */
	ev(&e[0], c, 'X', "受案", "2026-09-20 10:00:00", 0);
	ev(&e[1], c, 'X', "调查", "2026-09-25 10:00:00", 1);
	case_fold_events(c, e, 2, &f, NULL, NULL);
	cr_assert_eq(case_fold_due(c, &f), day("2026-10-20"));
	case_cfg_free(c);
}

Test(cases, fold_hidden_and_first_event)
{
	struct case_cfg *c = load(yaml);
	struct case_event e[2];
	struct case_fold f;

	ev(&e[0], c, 'A', "受案", "2026-11-20 10:00:00", 0);
	ev(&e[1], c, 'A', "立案", "2026-11-21 10:00:00", 1);
	e[1].hidden = 1;
	case_fold_events(c, e, 2, &f, NULL, NULL);
	cr_assert_eq(f.hidden, 1);
	ev(&e[0], c, 'A', "投诉", "2026-11-20 10:00:00", 0);
	nrej = 0;
	case_fold_events(c, e, 1, &f, on_rej, NULL);
	cr_assert_eq(nrej, 1);
	cr_assert_null(f.stage);
	case_cfg_free(c);
}

Test(cases, yaml_names_every_mistake)
{
	char *e = load_err("types:\n"
			   "  A:\n"
			   "    stages:\n"
			   "      受案: { state: RECEIVED, limit_days: x }\n"
			   "      立案: FILD\n"
			   "  X: { stages: { 受案: ACCEPTED } }\n"
			   "complaint: 投诉\n"
			   "categories: [盗窃, 盗窃]\n"
			   "holidays: [2026-13-01]\n");

	/* One line each, in file order; none for what follows from them
	 * (no "no stage maps to RECEIVED" after an unknown state). */
	cr_assert_str_eq(e,
		"t.yaml:4:42: key 'limit_days': expected a whole number from "
		"0 to 3650\n"
		"t.yaml:5:11: key 'state': unknown state 'FILD' (states: "
		"RECEIVED, NOT_FILED, FILED, INVESTIGATING, SOLVED, "
		"TRANSFERRED, REVOKED, CLOSED, ACCEPTED, DECIDED, TERMINATED, "
		"TO_CRIMINAL)\n"
		"t.yaml:8:18: category '盗窃' is listed twice\n"
		"t.yaml:9:12: holidays: expected a date YYYY-MM-DD or a range "
		"YYYY-MM-DD..YYYY-MM-DD (at most a year)");
	free(e);
}
