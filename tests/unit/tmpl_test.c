/* Unit tests for lib/base/tmpl.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/buf.h"
#include "base/tmpl.h"

/* Values by name: "name=value" pairs, looked up by the template's names. */
struct vals {
	const struct tmpl *t;
	const char *const *kv;
};

static void
get(void *ctx, size_t i, const char **p, size_t *n)
{
	struct vals *v = ctx;
	const char *name = tmpl_name(v->t, i);
	size_t k, len = strlen(name);

	for (k = 0; v->kv[k] != NULL; k++)
		if (strncmp(v->kv[k], name, len) == 0 && v->kv[k][len] == '=') {
			*p = v->kv[k] + len + 1;
			*n = strlen(*p);
			return;
		}
	cr_assert_fail("no value for '%s'", name);
}

static void
expand_is(const char *text, const char *const *kv, const char *want)
{
	struct buf err = BUF_INIT, out = BUF_INIT;
	struct tmpl *t = tmpl_parse(text, &err);
	struct vals v;

	cr_assert_not_null(t, "'%s': %s", text, err.p);
	v.t = t;
	v.kv = kv;
	cr_assert_eq(tmpl_expand(t, get, &v, &out, NULL), 0);
	cr_assert_str_eq(out.p, want);
	tmpl_free(t);
	buf_release(&err);
	buf_release(&out);
}

static void
parse_fails(const char *text, const char *want)
{
	struct buf err = BUF_INIT;

	cr_assert_null(tmpl_parse(text, &err), "'%s'", text);
	cr_assert_str_eq(err.p, want, "'%s'", text);
	buf_release(&err);
}

Test(tmpl, plain_text_and_values)
{
	static const char *const kv[] = { "plate=湘M12345", "name=张*", NULL };

	expand_is("", kv, "");
	expand_is("no values", kv, "no values");
	expand_is("{name}您好，车辆{plate}。", kv, "张*您好，车辆湘M12345。");
	expand_is("{plate}{plate}", kv, "湘M12345湘M12345");
}

Test(tmpl, braces_escaped)
{
	static const char *const kv[] = { "a=1", NULL };

	expand_is("{{a}} {a} }}", kv, "{a} 1 }");
}

Test(tmpl, date_formats)
{
	static const char *const kv[] = {
		"due=2026-12-01", "at=2026-03-05 08:07:09", "leap=2024-02-29",
		NULL
	};

	expand_is("{due:YYYY年M月D日}", kv, "2026年12月1日");
	expand_is("{due:YYYY-MM-DD}", kv, "2026-12-01");
	expand_is("{at:M月D日 hh:mm}", kv, "3月5日 08:07");
	expand_is("{at:YYYYMMDDhhmmss}", kv, "20260305080709");
	expand_is("{leap:M/D}", kv, "2/29");
	expand_is("{due:D}日前", kv, "1日前");
}

Test(tmpl, names_in_order_of_first_use)
{
	struct buf err = BUF_INIT;
	struct tmpl *t = tmpl_parse("{b}{a:YYYY}{b}{c}{a}", &err);

	cr_assert_not_null(t);
	cr_assert_eq(tmpl_nnames(t), 3);
	cr_assert_str_eq(tmpl_name(t, 0), "b");
	cr_assert_str_eq(tmpl_name(t, 1), "a");
	cr_assert_str_eq(tmpl_name(t, 2), "c");
	cr_assert_eq(tmpl_name_is_date(t, 0), 0);
	cr_assert_eq(tmpl_name_is_date(t, 1), 1);
	tmpl_free(t);
	buf_release(&err);
}

Test(tmpl, syntax_errors_name_the_column)
{
	parse_fails("abc{", "column 4: '{' not closed");
	parse_fails("ab{plate", "column 3: '{' not closed");
	parse_fails("{}", "column 2: empty name");
	parse_fails("x{:YYYY}", "column 3: empty name");
	parse_fails("a}b", "column 2: '}' without '{' (write '}}')");
	parse_fails("{pl ate}", "column 4: ' ' in a name");
	parse_fails("{due:Q}", "column 6: format 'Q' for 'due' names no date "
		    "part (YYYY MM DD M D hh mm ss)");
	parse_fails("{due:YYYY", "column 1: '{' not closed");
	parse_fails("{due:{x}}", "column 6: '{' inside a format");
}

Test(tmpl, long_name_refused)
{
	char text[100];

	memset(text, 'a', sizeof text);
	text[0] = '{';
	text[66] = '}';
	text[67] = '\0';
	parse_fails(text, "column 2: name longer than 64 bytes");
}

Test(tmpl, not_a_date_is_an_error_and_leaves_out_alone)
{
	static const char *const kv[] = { "due=2026-13-01", "x=ok", NULL };
	struct buf err = BUF_INIT, out = BUF_INIT;
	struct tmpl *t = tmpl_parse("{x} {due:M月D日}", &err);
	struct vals v = { t, kv };
	size_t bad = 99;

	buf_adds(&out, "kept");
	cr_assert_eq(tmpl_expand(t, get, &v, &out, &bad), -1);
	cr_assert_eq(bad, 1);
	cr_assert_str_eq(out.p, "kept");
	tmpl_free(t);
	buf_release(&err);
	buf_release(&out);
}
