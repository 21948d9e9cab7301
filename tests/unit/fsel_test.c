/* fsel: field lists by name, number, range, glob and escapes; unknown
 * items exit 2 naming the option and the header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "rec/cli.h"
#include "base/diag.h"
#include "rec/fsel.h"
#include "testutil.h"

/* ---- fixtures ---- */

TESTUTIL_SUITE(fsel);

/* ---- a header to select from ---- */

static int
verb_nop(struct cli *cli, int argc, char *argv[])
{
	(void)cli;
	(void)argc;
	(void)argv;
	return 0;
}

static const struct cli_verb verb = {
	"count", verb_nop, "-b FIELDS [file ...]", "count things"
};

#define USAGE "Usage: t count -b FIELDS [file ...]\nTry 't count --help'.\n"

/* 0 id, 1 name, 2 opened, 3 closed, 4 a-b, 5 x*y, 6 a,b, 7 birth_date,
 * 8 death_date, 9 "3", 10 x-y */
#define HEADER "id\tname\topened\tclosed\ta-b\tx*y\ta,b\tbirth_date\t" \
	       "death_date\t3\tx-y\n"
#define FIELDS "id, name, opened, closed, a-b, x*y, a,b, birth_date, " \
	       "death_date, 3, x-y"

static struct cli C;
static struct rec_reader *in;

static void
start(const char *header)
{
	const char *p = put_str("h.tsv", header);

	memset(&C, 0, sizeof C);
	C.prog = "t";
	C.verb = &verb;
	C.optind = 2;
	C.ro.fmt_auto = 1;
	in = cli_open_files(&C, (const char *const[]){ p, NULL });
}

/* Select spec; the indexes must be exactly want[0..nwant). */
static void
check(const char *spec, const size_t *want, size_t nwant)
{
	size_t n = 999, i;
	const size_t *v = fsel_parse(&C, in, "-b", spec, &n);

	cr_assert_not_null(v, "%s", spec);
	cr_assert_eq(n, nwant, "'%s': %zu fields, want %zu", spec, n, nwant);
	for (i = 0; i < n; i++)
		cr_assert_eq(v[i], want[i], "'%s': [%zu] is %zu, want %zu",
			     spec, i, v[i], want[i]);
}

#define CHECK(spec, ...) do {						\
	static const size_t w_[] = { __VA_ARGS__ };			\
									\
	check((spec), w_, sizeof w_ / sizeof w_[0]);			\
} while (0)

static void
finish(void)
{
	cr_assert_eq(cli_finish(&C, in, NULL), 0);
}

Test(fsel, names_keep_the_order_given)
{
	start(HEADER);
	CHECK("name,id", 1, 0);
	CHECK("death_date", 8);
	CHECK("x-y,a-b", 10, 4);	/* exactly a name, even with '-' */
	CHECK("x*y", 5);		/* and with '*' */
	finish();
}

Test(fsel, numbers_are_one_based_names_first)
{
	start(HEADER);
	CHECK("1,2", 0, 1);
	CHECK("11", 10);
	CHECK("01", 0);
	CHECK("3", 9);			/* a field named "3" wins */
	CHECK("8-3", 7, 8, 9);		/* in ranges too */
	finish();
}

Test(fsel, ranges_of_numbers_and_names)
{
	start(HEADER);
	CHECK("2-4", 1, 2, 3);
	CHECK("opened-closed", 2, 3);
	CHECK("opened-opened", 2);
	CHECK("closed-5", 3, 4);
	CHECK("10-11", 9, 10);
	/* Names with '-' in a range: escape their dashes. */
	CHECK("a\\-b-x\\-y", 4, 5, 6, 7, 8, 9, 10);
	finish();
}

Test(fsel, globs)
{
	start(HEADER);
	CHECK("*_date", 7, 8);
	CHECK("?d", 0);
	CHECK("[ab]*", 4, 6, 7);
	CHECK("*", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	CHECK("x\\*?", 5);		/* an escaped '*' is literal */
	finish();
}

Test(fsel, escapes)
{
	start(HEADER);
	CHECK("a\\,b", 6);
	CHECK("x\\-y", 10);
	CHECK("x\\*y", 5);
	CHECK("\\id", 0);
	finish();
}

Test(fsel, repeats_dropped)
{
	start(HEADER);
	CHECK("name,id,name,1-2,*_date,birth_date,2,3-3", 1, 0, 7, 8, 9);
	finish();
}

Test(fsel, aliases_apply)
{
	static const char *const from[] = { "person" };
	static const char *const to[] = { "name" };

	memset(&C, 0, sizeof C);
	C.prog = "t";
	C.verb = &verb;
	C.ro.alias_from = from;
	C.ro.alias_to = to;
	C.ro.nalias = 1;
	in = cli_open_files(&C, (const char *const[]){
			    PUT("h.tsv", HEADER), NULL });
	CHECK("person,id", 1, 0);
	CHECK("person-opened", 1, 2);
	finish();
}

Test(fsel, unknown_items_exit_2)
{
	static const struct {
		const char *spec, *msg;
	} c[] = {
		{ "nope", "no field 'nope'" },
		{ "id,nope", "no field 'nope'" },
		{ "0", "no field '0'" },
		{ "12", "no field '12'" },
		{ "-1", "no field '-1'" },
		{ "+1", "no field '+1'" },
		{ " 1", "no field ' 1'" },
		{ "1 ", "no field '1 '" },
		{ "99999999999999999999999", "no field '99999999999999999999999'" },
		{ "id-", "no field 'id-'" },
		{ "a\\*", "no field 'a*'" },
		{ "closed-opened", "no such range 'closed-opened'" },
		{ "2-99", "no such range '2-99'" },
		{ "id-nope", "no such range 'id-nope'" },
		{ "a-b-x-y", "no such range 'a-b-x-y'" },
		{ "*_zz", "no field matches '*_zz'" },
		{ "[", "no field matches '['" },
	};
	char want[1024];
	size_t i, n;

	start(HEADER);
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		snprintf(want, sizeof want, "t: -b: %s (fields: " FIELDS ")\n"
			 USAGE, c[i].msg);
		EXPECT_EXIT(2, want, fsel_parse(&C, in, "-b", c[i].spec, &n));
	}
	finish();
}

Test(fsel, empty_items_exit_2)
{
	static const char *const bad[] = { "", ",", "id,", ",id", "id,,name" };
	char want[512];
	size_t i, n;

	start(HEADER);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(want, sizeof want, "t: --key: empty field name in "
			 "'%s'\n" USAGE, bad[i]);
		EXPECT_EXIT(2, want, fsel_parse(&C, in, "--key", bad[i], &n));
	}
	finish();
}

Test(fsel, unknown_exit_code, .exit_code = 2)
{
	size_t n;

	dying = 1;
	start(HEADER);
	fsel_parse(&C, in, "-b", "nope", &n);
}

Test(fsel, long_header_listed_first_twenty)
{
	char header[512], want[1024];
	size_t n = 0, i;

	for (i = 1; i <= 25; i++)
		n += (size_t)snprintf(header + n, sizeof header - n, "%sf%zu",
				      i > 1 ? "\t" : "", i);
	snprintf(header + n, sizeof header - n, "\n");
	start(header);
	CHECK("f25,f3-f5", 24, 2, 3, 4);
	snprintf(want, sizeof want, "t: -b: no field 'g' (fields: f1, f2, f3, "
		 "f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, "
		 "f17, f18, f19, f20, ...)\n" USAGE);
	EXPECT_EXIT(2, want, fsel_parse(&C, in, "-b", "g", &n));
	finish();
}

/* A JSON Lines input with no good object has no fields at all (an empty
 * input is an I/O error before any field is looked up: rec_test.c). */
Test(fsel, input_without_fields)
{
	const char *p = put_str("bad.jsonl", "not json\n");
	size_t n;

	memset(&C, 0, sizeof C);
	C.prog = "t";
	C.verb = &verb;
	C.optind = 2;
	C.ro.fmt_auto = 1;
	C.ro.rejects = tpath("rj.tsv");
	in = cli_open_files(&C, (const char *const[]){ p, NULL });
	EXPECT_EXIT(2, "t: -b: no field 'id' (fields: none)\n" USAGE,
		    fsel_parse(&C, in, "-b", "id", &n));
	cr_assert_eq(cli_finish(&C, in, NULL), 1);
}

/* A glob may hold '-' (a bracket range): not taken for a field range. */
Test(fsel, globs_with_dashes)
{
	start(HEADER);
	CHECK("[a-b]*", 4, 6, 7);
	CHECK("*-*", 4, 10);
	CHECK("[c-d]*", 3, 8);
	finish();
}
