/* rec: the record reader (TSV, CSV, JSON Lines) and writer, against
 * DESIGN.md "The record stream".  Inputs are small files in a temporary
 * directory; outputs are read back whole. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "base/diag.h"
#include "rec/rec.h"
#include "testutil.h"
#include "base/zio.h"

/* ---- fixtures ---- */

TESTUTIL_SUITE(rec);

/* stderr of the test process, caught in a file between err_begin() and
 * err_end() (which returns it; caller frees). */
static FILE *err_file;
static int err_saved = -1;

static void
err_begin(void)
{
	fflush(stderr);
	err_file = tmpfile();
	cr_assert_not_null(err_file);
	err_saved = dup(2);
	cr_assert(err_saved >= 0);
	dup2(fileno(err_file), 2);
}

static char *
err_end(void)
{
	char *p = malloc(8192);
	size_t n;

	cr_assert_not_null(p);
	fflush(stderr);
	dup2(err_saved, 2);
	close(err_saved);
	rewind(err_file);
	n = fread(p, 1, 8191, err_file);
	p[n] = '\0';
	fclose(err_file);
	return p;
}

static void
assert_err_end(const char *want)
{
	char *got = err_end();

	cr_assert_str_eq(got, want);
	free(got);
}

/* The same with the input's name put in (the rejects summary names a
 * single input file). */
static void
assert_err_endf(const char *fmt, const char *path)
{
	char want[4096];

	snprintf(want, sizeof want, fmt, path);
	assert_err_end(want);
}

static struct rec_reader *
open1(const char *path, enum rec_fmt fmt, const char *rejects)
{
	const char *files[] = { path, NULL };
	struct rec_reader_opts o = { 0 };

	o.fmt = fmt;
	o.rejects = rejects;
	return rec_reader_open(files, &o);
}

static struct rec_reader *
open_tsv(const char *path)
{
	return open1(path, REC_TSV, NULL);
}

static void
assert_field(const struct rec *r, size_t i, const char *want, size_t n)
{
	cr_assert_lt(i, r->n);
	cr_assert_eq(r->f[i].len, n, "field %zu: length %zu, want %zu", i,
		     r->f[i].len, n);
	cr_assert_eq(memcmp(r->f[i].p, want, n), 0, "field %zu: '%.*s'", i,
		     (int)r->f[i].len, r->f[i].p);
}

#define F(r, i, lit) assert_field((r), (i), (lit), sizeof(lit) - 1)

static const struct rec *
next_ok(struct rec_reader *in)
{
	const struct rec *r = rec_reader_next(in);

	cr_assert_not_null(r, "no record");
	return r;
}

static struct rec_writer *
wopen(const char *path, enum rec_fmt fmt)
{
	struct rec_writer_opts o = { 0 };

	o.fmt = fmt;
	o.path = path;
	return rec_writer_open(&o);
}

/* ---- helpers on views ---- */

static struct rec_str
S(const char *s)
{
	struct rec_str v = { s, strlen(s) };

	return v;
}

Test(rec, str_long_whole_decimals_only)
{
	long long v = 7;
	static const char *const bad[] = {
		"", "-", "+1", "1a", " 1", "1 ", "1.0", "0x10", "--1",
		"1234567890123456789", "-1234567890123456789"
	};
	size_t i;

	cr_assert_eq(rec_str_long(S("0"), &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(rec_str_long(S("-12"), &v), 0);
	cr_assert_eq(v, -12);
	cr_assert_eq(rec_str_long(S("-0"), &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(rec_str_long(S("007"), &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(rec_str_long(S("123456789012345678"), &v), 0);
	cr_assert_eq(v, 123456789012345678LL);
	cr_assert_eq(rec_str_long(S("-999999999999999999"), &v), 0);
	cr_assert_eq(v, -999999999999999999LL);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 42;
		cr_assert_eq(rec_str_long(S(bad[i]), &v), -1, "'%s'", bad[i]);
		cr_assert_eq(v, 42, "'%s' changed the value", bad[i]);
	}
	/* The view's length counts, not a NUL. */
	{
		struct rec_str s = { "12345", 2 };

		cr_assert_eq(rec_str_long(s, &v), 0);
		cr_assert_eq(v, 12);
	}
}

Test(rec, str_cmp_memcmp_order_shorter_first)
{
	struct rec_str ab = { "abc", 2 };

	cr_assert_eq(rec_str_cmp(S(""), S("")), 0);
	cr_assert_lt(rec_str_cmp(S(""), S("a")), 0);
	cr_assert_lt(rec_str_cmp(S("ab"), S("abc")), 0);
	cr_assert_gt(rec_str_cmp(S("abc"), S("ab")), 0);
	cr_assert_gt(rec_str_cmp(S("b"), S("abc")), 0);
	cr_assert_eq(rec_str_cmp(ab, S("ab")), 0);
	/* Bytes compare unsigned: UTF-8 after ASCII. */
	cr_assert_gt(rec_str_cmp(S("\xe4\xb8\xad"), S("z")), 0);
	cr_assert_lt(rec_str_cmp(S("a\x01"), S("a\x80")), 0);
	cr_assert(rec_str_eq(ab, S("ab")));
	cr_assert_not(rec_str_eq(S("ab"), S("abc")));
	cr_assert_not(rec_str_eq(S("ab"), S("ac")));
}

Test(rec, str_dup_copies_view_with_nul)
{
	struct rec_str s = { "a\0b\0tail", 3 };
	char *d = rec_str_dup(s);

	cr_assert_eq(memcmp(d, "a\0b", 3), 0);
	cr_assert_eq(d[3], '\0');
	free(d);
	d = rec_str_dup(S(""));
	cr_assert_str_eq(d, "");
	free(d);
}

/* ---- TSV reader ---- */

Test(rec, tsv_splits_and_unescapes)
{
	const char *p = PUT("e.tsv",
		"a\tb\tc\td\n"
		"x\\ty\t\\N\tz\\\\w\tl1\\nl2\\rq\\q\n"
		"plain\t\t\xe4\xb8\xad\xe6\x96\x87\ta\\Nb\n"
		"p\t\t\xe4\xb8\xad\tq\n"
		"\\b\\f\\v\t\\\t\\N\\N\tend\\\n");
	struct rec_reader *in = open_tsv(p);
	const struct rec *r;

	cr_assert_eq(rec_reader_nfields(in), 4);
	cr_assert_str_eq(rec_reader_name(in, 0), "a");
	cr_assert_str_eq(rec_reader_name(in, 3), "d");
	r = next_ok(in);
	cr_assert_eq(r->n, 4);
	cr_assert_eq(r->line, 2);
	cr_assert_str_eq(r->file, p);
	F(r, 0, "x\ty");
	F(r, 1, "");			/* \N alone: empty */
	F(r, 2, "z\\w");
	F(r, 3, "l1\nl2\rq\\q");	/* an unknown escape stays */
	cr_assert_null(r->raw, "escaped line cannot pass through");
	r = next_ok(in);
	cr_assert_eq(r->line, 3);
	F(r, 0, "plain");
	F(r, 1, "");
	F(r, 2, "中文");
	F(r, 3, "a\\Nb");		/* \N only counts alone */
	cr_assert_null(r->raw, "a backslash is written back escaped");
	r = next_ok(in);
	cr_assert_eq(r->line, 4);
	F(r, 2, "中");
	cr_assert_not_null(r->raw);
	cr_assert_eq(r->rawlen, strlen("p\t\t中\tq"));
	cr_assert_eq(memcmp(r->raw, "p\t\t中\tq", r->rawlen), 0);
	r = next_ok(in);
	F(r, 0, "\b\f\v");
	F(r, 1, "\\");			/* a lone trailing backslash */
	F(r, 2, "\\N\\N");
	F(r, 3, "end\\");
	cr_assert_null(rec_reader_next(in));
	cr_assert_null(rec_reader_next(in), "the end stays the end");
	cr_assert_eq(rec_reader_count_read(in), 4);
	cr_assert_eq(rec_reader_count_rejected(in), 0);
	cr_assert_eq(rec_reader_count_filtered(in), 0);
	rec_reader_close(in);
}

Test(rec, tsv_no_final_newline_and_empty_fields)
{
	const char *p = PUT("n.tsv", "a\tb\n\t\n1\t2");
	struct rec_reader *in = open_tsv(p);
	const struct rec *r;

	r = next_ok(in);
	F(r, 0, "");
	F(r, 1, "");
	r = next_ok(in);
	cr_assert_eq(r->line, 3);
	F(r, 0, "1");
	F(r, 1, "2");
	cr_assert_null(rec_reader_next(in));
	rec_reader_close(in);
}

/* An empty input (not even a header line) alone is an I/O error naming
 * it; among other inputs it is skipped with a warning naming it. */
Test(rec, empty_input_alone_exits_4)
{
	const char *p = PUT("empty.tsv", "");
	const char *q = PUT("empty2.tsv", "");
	const char *files[] = { p, q, NULL };
	struct rec_reader_opts o = { 0 };
	char want[1024];

	snprintf(want, sizeof want, "t: %s: empty input, not even a header "
		 "line\n", p);
	EXPECT_EXIT(4, want, open_tsv(p));
	snprintf(want, sizeof want, "t: %s: empty input, not even a header "
		 "line (and so are all the other inputs)\n", p);
	EXPECT_EXIT(4, want, rec_reader_open(files, &o));
}

Test(rec, empty_input_among_others_skipped_with_a_warning)
{
	const char *e = PUT("empty.tsv", "");
	const char *g = PUT("good.tsv", "a\tb\n1\t2\n");
	const char *files[] = { e, g, e, NULL };
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in;
	const struct rec *r;
	char want[1024];

	err_begin();
	in = rec_reader_open(files, &o);
	r = next_ok(in);
	F(r, 1, "2");
	cr_assert_null(rec_reader_next(in));
	rec_reader_close(in);
	snprintf(want, sizeof want, "t: warning: %s: empty input (no header "
		 "line), skipped\nt: warning: %s: empty input (no header "
		 "line), skipped\n", e, e);
	assert_err_end(want);
}

Test(rec, ragged_lines_rejected_and_counted)
{
	const char *p = PUT("r.tsv",
		"a\tb\tc\n"
		"1\t2\t3\n"
		"x\ty\n"
		"p\tq\tr\ts\n"
		"\n"
		"4\t5\t6\n");
	const char *rj = tpath("rej.tsv");
	struct rec_reader *in = open1(p, REC_TSV, rj);
	const struct rec *r;
	char want[1024];

	r = next_ok(in);
	F(r, 0, "1");
	r = next_ok(in);
	cr_assert_eq(r->line, 6);
	F(r, 2, "6");
	cr_assert_null(rec_reader_next(in));
	cr_assert_eq(rec_reader_count_read(in), 5);
	cr_assert_eq(rec_reader_count_rejected(in), 3);
	err_begin();
	rec_reader_close(in);
	assert_err_endf("t: %s: 3 of 5 records rejected\n", p);
	/* Extra fields stay, TAB-joined, in the last column. */
	snprintf(want, sizeof want,
		 "a\tb\tc\t_file\t_line\t_error\n"
		 "x\ty\t\t%s\t3\t2 fields, expected 3\n"
		 "p\tq\tr\\ts\t%s\t4\t4 fields, expected 3\n"
		 "\t\t\t%s\t5\tempty line, expected 3 fields\n", p, p, p);
	assert_file(rj, want);
}

Test(rec, rejects_on_stderr_first_ten_then_count)
{
	char data[4096], want[4096];
	const char *p;
	struct rec_reader *in;
	size_t n = 0, w = 0;
	int i;

	n += (size_t)snprintf(data + n, sizeof data - n, "a\tb\n");
	for (i = 0; i < 12; i++)
		n += (size_t)snprintf(data + n, sizeof data - n, "only%d\n", i);
	n += (size_t)snprintf(data + n, sizeof data - n, "1\t2\n");
	p = put_file("many.tsv", data, n);
	for (i = 0; i < 10; i++)
		w += (size_t)snprintf(want + w, sizeof want - w,
				      "t: %s:%d: 1 field, expected 2\n", p,
				      i + 2);
	snprintf(want + w, sizeof want - w, "t: %s: 12 of 13 records rejected "
		 "(--rejects FILE keeps them)\n", p);
	err_begin();
	in = open_tsv(p);
	while (rec_reader_next(in) != NULL)
		;
	rec_reader_close(in);
	assert_err_end(want);
}

Test(rec, program_reject_and_filtered_accounting)
{
	const char *p = PUT("pr.tsv", "id\tv\n1\tok\n2\tbad\n3\tskip\n");
	const char *rj = tpath("rej.tsv");
	struct rec_reader *in = open1(p, REC_TSV, rj);
	const struct rec *r;
	char want[512];

	next_ok(in);
	r = next_ok(in);
	rec_reject(in, r, "field '%s': not %s: '%.*s'", "v", "ok",
		   (int)r->f[1].len, r->f[1].p);
	r = next_ok(in);
	rec_filtered(in, r);
	cr_assert_null(rec_reader_next(in));
	cr_assert_eq(rec_reader_count_read(in), 3);
	cr_assert_eq(rec_reader_count_rejected(in), 1);
	cr_assert_eq(rec_reader_count_filtered(in), 1);
	err_begin();
	rec_reader_close(in);
	assert_err_endf("t: %s: 1 of 3 records rejected\n", p);
	snprintf(want, sizeof want, "id\tv\t_file\t_line\t_error\n"
		 "2\tbad\t%s\t3\tfield 'v': not ok: 'bad'\n", p);
	assert_file(rj, want);
}

Test(rec, empty_rejects_file_still_has_columns)
{
	const char *p = PUT("g.tsv", "a\tb\n1\t2\n");
	const char *rj = tpath("rej.tsv");
	struct rec_reader *in = open1(p, REC_TSV, rj);

	next_ok(in);
	cr_assert_null(rec_reader_next(in));
	err_begin();
	rec_reader_close(in);
	assert_err_end("");
	assert_file(rj, "a\tb\t_file\t_line\t_error\n");
}

Test(rec, invalid_utf8_and_nul_name_the_field)
{
	const char *p = PUT("u.tsv", "a\tb\nok\tx\xffy\nok\tx\0y\n1\t2\n");
	struct rec_reader *in;
	const struct rec *r;
	char want[1024];

	snprintf(want, sizeof want,
		 "t: %s:2: field 'b': invalid UTF-8 at byte 5 (--encoding "
		 "gb18030 reads GBK exports)\n"
		 "t: %s:3: field 'b': NUL byte at byte 5\n"
		 "t: %s: 2 of 3 records rejected (--rejects FILE keeps them)\n",
		 p, p, p);
	err_begin();
	in = open_tsv(p);
	r = next_ok(in);
	cr_assert_eq(r->line, 4);
	F(r, 0, "1");
	cr_assert_null(rec_reader_next(in));
	rec_reader_close(in);
	assert_err_end(want);
}

Test(rec, header_remapped_across_two_files)
{
	const char *a = PUT("a.tsv", "id\tname\n1\tLi\n");
	const char *b = PUT("b.tsv", "name\tid\nWang\t2\n");
	const char *c = PUT("c.tsv", "id\tname\n3\tZhao\n");
	const char *files[] = { a, b, c, NULL };
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in = rec_reader_open(files, &o);
	struct rec_writer *w = wopen(tpath("out.tsv"), REC_TSV);
	const struct rec *r;

	rec_writer_add_fields(w, in);
	r = next_ok(in);
	cr_assert_str_eq(r->file, a);
	F(r, 0, "1");
	F(r, 1, "Li");
	rec_writer_rec(w, r);
	rec_writer_end(w);
	r = next_ok(in);
	cr_assert_str_eq(r->file, b);
	cr_assert_eq(r->line, 2);
	F(r, 0, "2");
	F(r, 1, "Wang");
	cr_assert_null(r->raw, "a remapped line cannot pass through");
	rec_writer_rec(w, r);
	rec_writer_end(w);
	r = next_ok(in);
	cr_assert_str_eq(r->file, c);
	F(r, 0, "3");
	rec_writer_rec(w, r);
	rec_writer_end(w);
	cr_assert_null(rec_reader_next(in));
	cr_assert_str_eq(rec_reader_name(in, 0), "id");
	rec_reader_close(in);
	rec_writer_close(w);
	assert_file(tpath("out.tsv"), "id\tname\n1\tLi\n2\tWang\n3\tZhao\n");
}

Test(rec, repeated_header_line_skipped)
{
	const char *p = PUT("two.tsv", "a\tb\n1\t2\na\tb\n3\t4\n");
	struct rec_reader *in = open_tsv(p);
	const struct rec *r;

	r = next_ok(in);
	F(r, 0, "1");
	r = next_ok(in);
	cr_assert_eq(r->line, 4);
	F(r, 0, "3");
	F(r, 1, "4");
	cr_assert_null(rec_reader_next(in));
	cr_assert_eq(rec_reader_count_read(in), 2);
	cr_assert_eq(rec_reader_count_rejected(in), 0);
	rec_reader_close(in);
}

Test(rec, bom_dropped_in_every_file)
{
	const char *a = PUT("a.tsv", "\xef\xbb\xbf" "a\tb\n1\t2\n");
	const char *b = PUT("b.tsv", "\xef\xbb\xbf" "b\ta\n3\t4\n");
	const char *files[] = { a, b, NULL };
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in = rec_reader_open(files, &o);
	const struct rec *r;

	cr_assert_eq(rec_reader_nfields(in), 2);
	cr_assert_str_eq(rec_reader_name(in, 0), "a");
	cr_assert_eq(rec_reader_field(in, "a"), 0);
	r = next_ok(in);
	F(r, 0, "1");
	r = next_ok(in);
	F(r, 0, "4");
	F(r, 1, "3");
	cr_assert_null(rec_reader_next(in));
	rec_reader_close(in);
}

Test(rec, crlf_read_as_lf)
{
	const char *p = PUT("crlf.tsv", "a\tb\r\n1\t2\r\nx\\r\ty\r\n");
	struct rec_reader *in = open_tsv(p);
	const struct rec *r;

	cr_assert_str_eq(rec_reader_name(in, 1), "b");
	r = next_ok(in);
	F(r, 1, "2");
	cr_assert_not_null(r->raw);
	cr_assert_eq(r->rawlen, 3);
	r = next_ok(in);
	F(r, 0, "x\r");			/* an escaped CR stays */
	F(r, 1, "y");
	cr_assert_null(rec_reader_next(in));
	rec_reader_close(in);
}

Test(rec, header_errors_exit_2)
{
	const char *dup = PUT("dup.tsv", "a\tb\ta\n");
	const char *emp = PUT("emp.tsv", "a\t\tb\n");
	const char *bad = PUT("bad.tsv", "\xd0\xd5\xc3\xfb\tn\n");
	char want[512];

	snprintf(want, sizeof want, "t: %s:1: field name 'a' repeated\n",
		 dup);
	EXPECT_EXIT(2, want, open_tsv(dup));
	snprintf(want, sizeof want, "t: %s:1: field 2 has an empty name\n",
		 emp);
	EXPECT_EXIT(2, want, open_tsv(emp));
	snprintf(want, sizeof want, "t: %s:1: header: invalid UTF-8 at byte "
		 "1 (--encoding gb18030 reads GBK exports)\n", bad);
	EXPECT_EXIT(2, want, open_tsv(bad));
}

Test(rec, missing_input_exits_4)
{
	const char *p = tpath("nope.tsv");
	char want[512];

	snprintf(want, sizeof want, "t: %s: cannot open: No such file or "
		 "directory\n", p);
	EXPECT_EXIT(4, want, open_tsv(p));
}

Test(rec, need_missing_field_exits_2)
{
	const char *p = PUT("h.tsv", "a\tb\tc\n");
	struct rec_reader *in = open_tsv(p);
	char want[512];

	cr_assert_eq(rec_reader_need(in, "b"), 1);
	cr_assert_eq(rec_reader_field(in, "id_no"), REC_NONE);
	snprintf(want, sizeof want, "t: %s:1: no field 'id_no' (fields: a, "
		 "b, c); -F id_no=NAME maps it\n", p);
	EXPECT_EXIT(2, want, rec_reader_need(in, "id_no"));
	rec_reader_close(in);
}

Test(rec, need_exit_code, .exit_code = 2)
{
	struct rec_reader *in = open_tsv(PUT("h.tsv", "a\n"));

	dying = 1;
	rec_reader_need(in, "b");
}

Test(rec, aliases_map_program_names)
{
	static const char *const from[] = { "id_no", "name" };
	static const char *const to[] = { "身份证号", "姓名" };
	const char *p = PUT("cn.tsv", "姓名\t身份证号\n张三\t1\n");
	const char *files[] = { p, NULL };
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in;

	o.alias_from = from;
	o.alias_to = to;
	o.nalias = 2;
	in = rec_reader_open(files, &o);
	cr_assert_eq(rec_reader_field(in, "id_no"), 1);
	cr_assert_eq(rec_reader_field(in, "name"), 0);
	cr_assert_eq(rec_reader_field(in, "身份证号"), 1);
	cr_assert_eq(rec_reader_need(in, "id_no"), 1);
	cr_assert_eq(rec_reader_field(in, "姓"), REC_NONE);
	rec_reader_close(in);
}

Test(rec, gb18030_input_converted)
{
	const char *p = PUT("gb.tsv", "\xd0\xd5\xc3\xfb\tn\n"
			    "\xd5\xc5\xc8\xfd\t1\n");
	const char *files[] = { p, NULL };
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in;
	const struct rec *r;

	o.encoding = "gb18030";
	in = rec_reader_open(files, &o);
	cr_assert_str_eq(rec_reader_name(in, 0), "姓名");
	r = next_ok(in);
	F(r, 0, "张三");
	F(r, 1, "1");
	cr_assert_null(rec_reader_next(in));
	rec_reader_close(in);
}

Test(rec, truncated_gzip_input_exits_4)
{
	const char *p = tpath("t.tsv.gz");
	struct rec_writer_opts wo = { 0 };
	struct rec_writer *w;
	struct stat st;
	char want[512];
	int i;

	wo.path = p;
	wo.gzip = 1;
	w = rec_writer_open(&wo);
	rec_writer_add(w, "n");
	for (i = 0; i < 1000; i++) {
		rec_writer_putll(w, i);
		rec_writer_end(w);
	}
	rec_writer_close(w);
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(truncate(p, st.st_size - 12), 0);	/* cut the trailer+ */
	snprintf(want, sizeof want, "t: %s: truncated gzip data (member 1)\n",
		 p);
	EXPECT_EXIT(4, want, {
		struct rec_reader *in = open_tsv(p);

		while (rec_reader_next(in) != NULL)
			;
	});
}

Test(rec, overlong_line_rejected_with_its_start)
{
	const char *p = PUT("long.tsv",
		"a\tb\n"
		"0123456789\tabcdefghijklmnopqrstuvwxyz\n"
		"1\t2\n");
	const char *files[] = { p, NULL };
	const char *rj = tpath("rej.tsv");
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in;
	const struct rec *r;
	char want[1024];

	o.max_line = 16;
	o.rejects = rj;
	in = rec_reader_open(files, &o);
	r = next_ok(in);
	cr_assert_eq(r->line, 3);
	F(r, 1, "2");
	cr_assert_null(rec_reader_next(in));
	cr_assert_eq(rec_reader_count_read(in), 2);
	cr_assert_eq(rec_reader_count_rejected(in), 1);
	err_begin();
	rec_reader_close(in);
	assert_err_endf("t: %s: 1 of 2 records rejected\n", p);
	snprintf(want, sizeof want, "a\tb\t_file\t_line\t_error\n"
		 "0123456789\\tabcdefghijklmnopqrstuvwxyz\t\t%s\t2\t"
		 "line of 37 bytes is longer than --max-line 16 (kept "
		 "whole)\n", p);
	assert_file(rj, want);
}

/* ---- CSV reader ---- */

Test(rec, csv_quotes_multiline_and_errors)
{
	const char *p = PUT("q.csv",
		"name,note,n\r\n"
		"\"Li, Na\",\"said \"\"hi\"\"\",1\r\n"
		"Wang,\"line1\nline2\",2\n"
		",,\n"
		"a,b\n"
		"\"bad\"x,y,3\n"
		"\xe5\xbc\xa0,\"\",4\n"
		"\"open,z,5\n");
	struct rec_reader *in;
	const struct rec *r;
	char want[1024];

	snprintf(want, sizeof want,
		 "t: %s:6: 2 fields, expected 3\n"
		 "t: %s:7: field 1: text after the closing quote\n"
		 "t: %s:9: field 1: quoted field not closed\n"
		 "t: %s: 3 of 7 records rejected (--rejects FILE keeps them)\n",
		 p, p, p, p);
	err_begin();
	in = open1(p, REC_CSV, NULL);
	cr_assert_eq(rec_reader_nfields(in), 3);
	cr_assert_str_eq(rec_reader_name(in, 2), "n");
	r = next_ok(in);
	cr_assert_eq(r->line, 2);
	F(r, 0, "Li, Na");
	F(r, 1, "said \"hi\"");
	F(r, 2, "1");
	cr_assert_null(r->raw);
	r = next_ok(in);
	cr_assert_eq(r->line, 3);
	F(r, 0, "Wang");
	F(r, 1, "line1\nline2");
	r = next_ok(in);
	cr_assert_eq(r->line, 5);
	F(r, 0, "");
	F(r, 2, "");
	r = next_ok(in);
	cr_assert_eq(r->line, 8);
	F(r, 0, "张");
	F(r, 1, "");
	F(r, 2, "4");
	cr_assert_null(rec_reader_next(in));
	cr_assert_eq(rec_reader_count_read(in), 7);
	cr_assert_eq(rec_reader_count_rejected(in), 3);
	rec_reader_close(in);
	assert_err_end(want);
}

Test(rec, csv_chosen_by_extension)
{
	const char *p = PUT("x.csv", "a,b\n\"1,5\",2\n");
	const char *files[] = { p, NULL };
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in;
	const struct rec *r;

	o.fmt_auto = 1;
	in = rec_reader_open(files, &o);
	r = next_ok(in);
	F(r, 0, "1,5");
	F(r, 1, "2");
	rec_reader_close(in);
}

/* ---- JSON Lines reader ---- */

Test(rec, jsonl_types_and_errors)
{
	const char *p = PUT("j.jsonl",
		"{\"a\":\"x\",\"b\":1,\"c\":true,\"d\":null,\"e\":[1, 2],"
		"\"f\":{\"k\":\"v\"},\"g\":\"\\u4e2d\\n\\t\\\"\\\\\\/\"}\n"
		"{\"b\": -2.5e3 , \"a\":\"y\"}\n"
		"\n"
		"{\"a\":\"z\",\"zz\":1}\n"
		"{\"a\":\"\\ud83d\\ude00\",\"c\":false}\r\n"
		"not json\n"
		"{\"a\":\"\\udc00\"}\n"
		"{\"a\":\"x\",\"a\":\"y\"}\n"
		"{\"a\":01}\n"
		"{} \n");
	struct rec_reader *in;
	const struct rec *r;
	char want[2048];

	snprintf(want, sizeof want,
		 "t: %s:4: key 'zz' is not in the first record\n"
		 "t: %s:6: bad JSON at byte 1: not an object\n"
		 "t: %s:7: bad JSON at byte 7: lone low surrogate\n"
		 "t: %s:8: key 'a' repeated\n"
		 "t: %s:9: bad JSON at byte 7: ',' or '}' expected\n"
		 "t: %s: 5 of 9 records rejected (--rejects FILE keeps them)\n",
		 p, p, p, p, p, p);
	err_begin();
	in = open1(p, REC_JSONL, NULL);
	cr_assert_eq(rec_reader_nfields(in), 7);
	cr_assert_str_eq(rec_reader_name(in, 0), "a");
	cr_assert_str_eq(rec_reader_name(in, 6), "g");
	r = next_ok(in);
	cr_assert_eq(r->line, 1);
	F(r, 0, "x");
	F(r, 1, "1");
	F(r, 2, "true");
	F(r, 3, "");
	F(r, 4, "[1, 2]");
	F(r, 5, "{\"k\":\"v\"}");
	F(r, 6, "中\n\t\"\\/");
	r = next_ok(in);
	cr_assert_eq(r->line, 2);
	F(r, 0, "y");
	F(r, 1, "-2.5e3");
	F(r, 2, "");
	F(r, 6, "");
	r = next_ok(in);
	cr_assert_eq(r->line, 5);
	F(r, 0, "😀");
	F(r, 2, "false");
	r = next_ok(in);
	cr_assert_eq(r->line, 10);
	F(r, 0, "");
	cr_assert_null(rec_reader_next(in));
	rec_reader_close(in);
	assert_err_end(want);
}

Test(rec, jsonl_header_from_first_good_object)
{
	const char *p = PUT("b.jsonl", "[1]\n{\"k\":\"v\",\"n\":2}\n");
	const char *files[] = { p, NULL };
	const char *rj = tpath("rej.tsv");
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in;
	const struct rec *r;
	char want[512];

	o.fmt_auto = 1;
	o.rejects = rj;
	in = rec_reader_open(files, &o);
	cr_assert_eq(rec_reader_nfields(in), 2);
	cr_assert_str_eq(rec_reader_name(in, 1), "n");
	r = next_ok(in);
	cr_assert_eq(r->line, 2);
	F(r, 0, "v");
	F(r, 1, "2");
	cr_assert_null(rec_reader_next(in));
	cr_assert_eq(rec_reader_count_read(in), 2);
	cr_assert_eq(rec_reader_count_rejected(in), 1);
	err_begin();
	rec_reader_close(in);
	assert_err_endf("t: %s: 1 of 2 records rejected\n", p);
	snprintf(want, sizeof want, "k\tn\t_file\t_line\t_error\n"
		 "[1]\t\t%s\t1\tbad JSON at byte 1: not an object\n", p);
	assert_file(rj, want);
}

/* ---- writer ---- */

Test(rec, writer_tsv_escapes)
{
	const char *out = tpath("w.tsv");
	struct rec_writer *w = wopen(out, REC_TSV);

	cr_assert_eq(rec_writer_add(w, "a"), 0);
	cr_assert_eq(rec_writer_add(w, "b\tc"), 1);
	cr_assert_eq(rec_writer_add(w, "n"), 2);
	rec_writer_put(w, "x\ty", 3);
	rec_writer_puts(w, "l1\nl2\\\r");
	rec_writer_putll(w, -42);
	rec_writer_end(w);
	rec_writer_put(w, "", 0);
	rec_writer_str(w, S("中文"));
	rec_writer_putll(w, 9223372036854775807LL);
	rec_writer_end(w);
	rec_writer_putll(w, 0);
	rec_writer_putll(w, -9223372036854775807LL - 1);
	rec_writer_putll(w, 10);
	rec_writer_end(w);
	cr_assert_eq(rec_writer_count(w), 3);
	rec_writer_close(w);
	assert_file(out, "a\tb\\tc\tn\n"
		    "x\\ty\tl1\\nl2\\\\\\r\t-42\n"
		    "\t中文\t9223372036854775807\n"
		    "0\t-9223372036854775808\t10\n");
}

Test(rec, writer_csv_quotes_when_needed)
{
	const char *out = tpath("w.csv");
	struct rec_writer *w = wopen(out, REC_CSV);

	rec_writer_add(w, "a,b");
	rec_writer_add(w, "c");
	rec_writer_puts(w, "say \"hi\"");
	rec_writer_puts(w, "x\ty");
	rec_writer_end(w);
	rec_writer_puts(w, "l1\nl2");
	rec_writer_puts(w, "cr\r");
	rec_writer_end(w);
	rec_writer_puts(w, "");
	rec_writer_puts(w, "张三");
	rec_writer_end(w);
	rec_writer_close(w);
	assert_file(out, "\"a,b\",c\n"
		    "\"say \"\"hi\"\"\",x\ty\n"
		    "\"l1\nl2\",\"cr\r\"\n"
		    ",张三\n");
}

Test(rec, writer_jsonl_always_valid)
{
	const char *out = tpath("w.jsonl");
	struct rec_writer *w = wopen(out, REC_JSONL);

	rec_writer_add(w, "a\"k");
	rec_writer_add(w, "b");
	rec_writer_puts(w, "q\"\\/");
	rec_writer_puts(w, "\x01\x7f\n\t\r");
	rec_writer_end(w);
	rec_writer_puts(w, "中\xff");
	rec_writer_putll(w, 7);
	rec_writer_end(w);
	rec_writer_put(w, "\xe4\xb8", 2);	/* cut short */
	rec_writer_put(w, "", 0);
	rec_writer_end(w);
	rec_writer_close(w);
	assert_file(out,
		    "{\"a\\\"k\":\"q\\\"\\\\/\",\"b\":\"\\u0001\\u007f\\n\\t\\r\"}\n"
		    "{\"a\\\"k\":\"中\\ufffd\",\"b\":\"7\"}\n"
		    "{\"a\\\"k\":\"\\ufffd\\ufffd\",\"b\":\"\"}\n");
}

Test(rec, writer_jsonl_no_columns)
{
	const char *out = tpath("w.jsonl");
	struct rec_writer *w = wopen(out, REC_JSONL);

	rec_writer_end(w);
	rec_writer_close(w);
	assert_file(out, "{}\n");
}

Test(rec, writer_pretty_aligns_cjk_and_numbers)
{
	const char *out = tpath("w.txt");
	struct rec_writer *w = wopen(out, REC_PRETTY);

	rec_writer_add(w, "name");
	rec_writer_add(w, "n");
	rec_writer_add(w, "city");
	rec_writer_puts(w, "张三");
	rec_writer_puts(w, "12");
	rec_writer_puts(w, "永州");
	rec_writer_end(w);
	rec_writer_puts(w, "Li");
	rec_writer_puts(w, "3");
	rec_writer_puts(w, "x\ty");
	rec_writer_end(w);
	rec_writer_puts(w, "欧阳明");
	rec_writer_puts(w, "-4.5");
	rec_writer_puts(w, "\x01");
	rec_writer_end(w);
	cr_assert_eq(rec_writer_count(w), 3);
	rec_writer_close(w);
	/* name is 6 columns wide (欧阳明), n 4 and right-aligned, city 4. */
	assert_file(out, "name    n     city\n"
		    "张三      12  永州\n"
		    "Li         3  x\\ty\n"
		    "欧阳明  -4.5  ?\n");
}

Test(rec, writer_pretty_numeric_last_column)
{
	const char *out = tpath("w.txt");
	struct rec_writer *w = wopen(out, REC_PRETTY);

	rec_writer_add(w, "k");
	rec_writer_add(w, "count");
	rec_writer_puts(w, "中");
	rec_writer_puts(w, "5");
	rec_writer_end(w);
	rec_writer_puts(w, "abc");
	rec_writer_puts(w, "");
	rec_writer_end(w);
	rec_writer_close(w);
	assert_file(out, "k    count\n"
		    "中       5\n"
		    "abc       \n");
}

Test(rec, writer_header_only_when_no_records)
{
	static const struct {
		enum rec_fmt fmt;
		const char *want;
	} c[] = {
		{ REC_TSV, "a\tb\n" },
		{ REC_CSV, "a,b\n" },
		{ REC_JSONL, "" },
		{ REC_PRETTY, "a  b\n" },
	};
	struct rec_writer *w;
	size_t i;

	for (i = 0; i < 4; i++) {
		w = wopen(tpath("h.out"), c[i].fmt);
		rec_writer_add(w, "a");
		rec_writer_add(w, "b");
		cr_assert_eq(rec_writer_count(w), 0);
		rec_writer_close(w);
		assert_file(tpath("h.out"), c[i].want);
	}
}

Test(rec, writer_masks_named_fields)
{
	const char *p = PUT("m.tsv", "id_no\tphone\tname\n"
			    "431102199003071235\t13812345678\t张三\n");
	const char *files[] = { p, NULL };
	static const char *const mask[] = { "name", "id_no" };
	struct rec_reader_opts ro = { 0 };
	struct rec_writer_opts wo = { 0 };
	struct rec_reader *in = rec_reader_open(files, &ro);
	struct rec_writer *w;
	const struct rec *r;

	wo.path = tpath("out.tsv");
	wo.mask = mask;
	wo.nmask = 2;
	w = rec_writer_open(&wo);
	rec_writer_add_fields(w, in);
	r = next_ok(in);
	cr_assert_not_null(r->raw);
	rec_writer_rec(w, r);		/* no pass-through with masks */
	rec_writer_end(w);
	rec_writer_puts(w, "");
	rec_writer_puts(w, "+86 138-1234-5678");
	rec_writer_puts(w, "张");
	rec_writer_end(w);
	rec_writer_close(w);
	rec_reader_close(in);
	assert_file(wo.path, "id_no\tphone\tname\n"
		    "4311**********1235\t13812345678\t张*\n"
		    "\t+86 138-1234-5678\t*\n");
}

Test(rec, writer_label_is_never_masked)
{
	static const char *const mask[] = { "name" };
	struct rec_writer_opts wo = { 0 };
	struct rec_writer *w;

	wo.path = tpath("label.tsv");
	wo.mask = mask;
	wo.nmask = 1;
	w = rec_writer_open(&wo);
	rec_writer_add(w, "name");
	rec_writer_add(w, "n");
	rec_writer_puts(w, "(total)");		/* data: masked */
	rec_writer_puts(w, "1");
	rec_writer_end(w);
	rec_writer_put_label(w, "(total)");	/* the program's label */
	rec_writer_puts(w, "2");
	rec_writer_end(w);
	rec_writer_puts(w, "张三");		/* masking goes on after it */
	rec_writer_put_label(w, "3");
	rec_writer_end(w);
	rec_writer_close(w);
	assert_file(wo.path, "name\tn\n(******\t1\n(total)\t2\n张*\t3\n");
}

Test(rec, writer_mask_unknown_field_exits_2)
{
	static const char *const mask[] = { "nope" };
	struct rec_writer_opts wo = { 0 };

	wo.path = tpath("out.tsv");
	wo.mask = mask;
	wo.nmask = 1;
	EXPECT_EXIT(2, "t: --mask: no field 'nope' in the output\n", {
		struct rec_writer *w = rec_writer_open(&wo);

		rec_writer_add(w, "a");
		rec_writer_puts(w, "x");
	});
}

Test(rec, writer_pass_through_and_extra_column)
{
	const char *p = PUT("pt.tsv", "a\tb\n1\t中\nx\\ty\t\\N\n");
	const char *out = tpath("out.tsv");
	struct rec_reader *in = open_tsv(p);
	struct rec_writer *w = wopen(out, REC_TSV);
	const struct rec *r;

	rec_writer_add_fields(w, in);
	rec_writer_add(w, "extra");
	while ((r = rec_reader_next(in)) != NULL) {
		rec_writer_rec(w, r);
		rec_writer_putll(w, (long long)r->line);
		rec_writer_end(w);
	}
	rec_reader_close(in);
	rec_writer_close(w);
	/* \N stays NULL, written back as \N. */
	assert_file(out, "a\tb\textra\n1\t中\t2\nx\\ty\t\\N\t3\n");
}

Test(rec, writer_gzip_output)
{
	const char *out = tpath("out.tsv.gz");
	struct rec_writer_opts wo = { 0 };
	struct rec_writer *w;
	char *err = NULL, got[256];
	struct zin *z;
	ssize_t n, k = 0;

	wo.path = out;
	wo.gzip = 1;
	w = rec_writer_open(&wo);
	rec_writer_add(w, "a");
	rec_writer_puts(w, "一");
	rec_writer_end(w);
	rec_writer_close(w);
	z = zin_open(out, NULL, &err);
	cr_assert_not_null(z, "%s", err);
	while ((n = zin_read(z, got + k, sizeof got - 1 - (size_t)k)) > 0)
		k += n;
	cr_assert_eq(n, 0, "%s", zin_error(z));
	got[k] = '\0';
	cr_assert_str_eq(got, "a\n一\n");
	zin_close(z);
}

Test(rec, writer_end_wrong_count_exits_5, .exit_code = 5)
{
	struct rec_writer *w = wopen(tpath("x.tsv"), REC_TSV);

	dying = 1;
	rec_writer_add(w, "a");
	rec_writer_add(w, "b");
	rec_writer_puts(w, "x");
	rec_writer_end(w);
}

Test(rec, writer_bugs_exit_5_with_message)
{
	const char *out = tpath("x.tsv");

	EXPECT_EXIT(5, "t: bug: record with 1 fields for 2 columns\n", {
		struct rec_writer *w = wopen(out, REC_TSV);

		rec_writer_add(w, "a");
		rec_writer_add(w, "b");
		rec_writer_puts(w, "x");
		rec_writer_end(w);
	});
	EXPECT_EXIT(5, "t: bug: more fields than the 1 columns\n", {
		struct rec_writer *w = wopen(out, REC_TSV);

		rec_writer_add(w, "a");
		rec_writer_puts(w, "x");
		rec_writer_puts(w, "y");
	});
	EXPECT_EXIT(5, "t: bug: column 'c' added after the first record\n", {
		struct rec_writer *w = wopen(out, REC_TSV);

		rec_writer_add(w, "a");
		rec_writer_puts(w, "x");
		rec_writer_end(w);
		rec_writer_add(w, "c");
	});
	/* None of them left the output or a temporary behind. */
	cr_assert_eq(access(out, F_OK), -1);
}

Test(rec, writer_cannot_create_exits_4)
{
	const char *out = tpath("no/such/dir.tsv");
	char want[512];

	snprintf(want, sizeof want, "t: %s: cannot create: No such file or "
		 "directory\n", out);
	EXPECT_EXIT(4, want, wopen(out, REC_TSV));
}

Test(rec, other_header_in_later_file_exits_2)
{
	const char *a = PUT("a.tsv", "id\tname\n1\tLi\n");
	const char *b = PUT("b.tsv", "id\tnom\n2\tWang\n");
	const char *c = PUT("c.tsv", "id\tname\tx\n2\tWang\t1\n");
	const char *ab[] = { a, b, NULL }, *ac[] = { a, c, NULL };
	struct rec_reader_opts o = { 0 };
	char want[1024];

	snprintf(want, sizeof want, "t: %s:1: header has other fields than "
		 "%s's (same names in any order are needed)\n", b, a);
	EXPECT_EXIT(2, want, {
		struct rec_reader *in = rec_reader_open(ab, &o);

		if (rec_reader_next(in) == NULL)
			_exit(98);
		rec_reader_next(in);
	});
	snprintf(want, sizeof want, "t: %s:1: header has other fields than "
		 "%s's (same names in any order are needed)\n", c, a);
	EXPECT_EXIT(2, want, {
		struct rec_reader *in = rec_reader_open(ac, &o);

		rec_reader_next(in);
		rec_reader_next(in);
	});
}

Test(rec, need_names_first_file_after_it_closed)
{
	const char *a = PUT("a.tsv", "id\tname\n1\tLi\n");
	const char *b = PUT("b.tsv", "name\tid\nWang\t2\n");
	const char *files[] = { a, b, NULL };
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in = rec_reader_open(files, &o);
	char want[512];

	while (rec_reader_next(in) != NULL)
		;
	snprintf(want, sizeof want, "t: %s:1: no field 'x' (fields: id, "
		 "name); -F x=NAME maps it\n", a);
	EXPECT_EXIT(2, want, rec_reader_need(in, "x"));
	rec_reader_close(in);
}

Test(rec, want_splits_only_the_wanted_fields_and_rejects_whole_lines)
{
	const char *p = PUT("w.tsv", "a\tb\tc\td\n1\tx\t中\ty\n2\tshort\n"
			    "3\te\\tf\tg\th\n4\tk\tl\tm\n");
	const char *rej = tpath("rej.tsv");
	struct rec_reader *in = open1(p, REC_TSV, rej);
	const size_t want[] = { 2 };
	const struct rec *r;
	char w[1024];

	rec_reader_want(in, want, 1);
	r = next_ok(in);
	F(r, 2, "中");
	/* A line with an escape is split whole, and decoded. */
	r = next_ok(in);
	F(r, 2, "g");
	F(r, 1, "e\tf");
	r = next_ok(in);
	F(r, 2, "l");
	/* A program's reject keeps every field, not just the wanted one. */
	rec_reject(in, r, "field 'c': no good");
	cr_assert_null(rec_reader_next(in));
	cr_assert_eq(rec_reader_count_rejected(in), 2);
	rec_reader_close(in);
	snprintf(w, sizeof w, "a\tb\tc\td\t_file\t_line\t_error\n"
		 "2\tshort\t\t\t%s\t3\t2 fields, expected 4\n"
		 "4\tk\tl\tm\t%s\t5\tfield 'c': no good\n", p, p);
	assert_file(rej, w);
}

/*
 * The fast lane (a line in the block's table, clean, taken with no look
 * at its bytes) must give what the long way gives.  A file of several
 * blocks mixes clean lines with every kind the lane must leave alone: an
 * escape, a CR ending, bad UTF-8, a NUL, too few fields, a line of the
 * header's length, a repeated header, an empty line, lines over
 * --max-line that the table has and that it has not.  Read with a field wanted (the lane)
 * and without (every field split, no lane), with the thread and without,
 * the records' line numbers, wanted fields and raw lines and the rejects
 * (the reader's, and every seventh line rejected by the program) must be
 * the same.
 */
static char *
fast_lane_sample(size_t *n)
{
	struct buf b = BUF_INIT;
	unsigned long x = 12345;
	size_t i, k;

	buf_add(&b, "a\tb\tc\td\te\n", 10);
	for (i = 0; b.len < (1200u << 10); i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		switch (i % 3 ? 0 : (x >> 33) % 12) {
		case 0: buf_printf(&b, "%zu\tx%lu\t永州%lu\tz\t%zu\n", i,
				   x >> 40, x >> 50, i % 7); break;
		case 1: buf_printf(&b, "%zu\te\\tf\tg\th\ti\n", i); break;
		case 2: buf_printf(&b, "%zu\tb\tc\td\te\r\n", i); break;
		case 3:	/* only early: a block with one has no lane */
			if (b.len < (600u << 10))
				buf_printf(&b, "%zu\tb\t\xff\td\te\n", i);
			break;
		case 4: buf_printf(&b, "%zu\tb\tc\td\n", i); break;
		case 5: buf_printf(&b, "1\t2\t3\t4\t5\n"); break;
		case 6: buf_printf(&b, "a\tb\tc\td\te\n"); break;
		case 7: buf_printf(&b, "\n"); break;
		case 8:
			buf_printf(&b, "%zu\t", i);
			for (k = 0; k < 100 + (x >> 40) % 200; k++)
				buf_add(&b, "w", 1);
			buf_printf(&b, "\tc%zu\td\te\n", i);
			break;
		case 9:
			if ((x >> 20) % 8)
				break;
			buf_printf(&b, "%zu\t", i);
			for (k = 0; k < 5000; k++)
				buf_add(&b, "v", 1);
			buf_printf(&b, "\tc\td\te\n");
			break;
		case 10: buf_printf(&b, "%zu\tb\tc", i);
			 buf_add(&b, "\0", 1);
			 buf_printf(&b, "\td\te\n"); break;
		default: buf_printf(&b, "%zu\t\t\t\t\n", i); break;
		}
	}
	*n = b.len;
	return b.p;
}

/* The fields read by fast_lane_read(): one (the lane takes the span), two
 * with one not wanted between (only the wanted are set), all of a run,
 * and some given out of order and twice. */
static const size_t lane_w[][5] = { { 2 }, { 1, 3 }, { 0, 1, 2, 3, 4 },
				    { 4, 1, 2, 1 } };
static const size_t lane_nw[] = { 1, 2, 5, 4 };

/* Read path: "line<TAB>fields w[ws]<TAB>raw line" per record into a
 * string, the fields wanted of the reader or (want 0) not. */
static char *
fast_lane_read(const char *path, const char *rej, int want, size_t ws,
	       int threads)
{
	const char *files[] = { path, NULL };
	struct rec_reader_opts o = { 0 };
	const size_t *w = lane_w[ws];
	struct rec_reader *in;
	const struct rec *r;
	struct buf b = BUF_INIT;
	size_t i;

	if (!threads)
		setenv("JINGWU_NO_THREADS", "1", 1);
	o.fmt = REC_TSV;
	o.rejects = rej;
	o.max_line = 250;
	in = rec_reader_open(files, &o);
	if (want)
		rec_reader_want(in, w, lane_nw[ws]);
	while ((r = rec_reader_next(in)) != NULL) {
		/* A program's reject keeps the whole line, lane or not. */
		if (r->line % 7 == 0) {
			rec_reject(in, r, "line %llu", r->line);
			continue;
		}
		buf_printf(&b, "%llu\t", r->line);
		for (i = 0; i < lane_nw[ws]; i++)
			buf_printf(&b, "%.*s\t", (int)r->f[w[i]].len,
				   r->f[w[i]].p);
		if (r->raw != NULL)
			buf_add(&b, r->raw, r->rawlen);
		buf_add(&b, "\n", 1);
	}
	rec_reader_close(in);
	unsetenv("JINGWU_NO_THREADS");
	buf_add(&b, "", 1);
	return b.p;
}

Test(rec, fast_lane_gives_what_the_long_way_gives)
{
	size_t n;
	char *data = fast_lane_sample(&n);
	char p[256], *ref, *got, *rref, *rgot;
	size_t nref, nrej, ws;
	int want, threads;

	snprintf(p, sizeof p, "%s", put_file("lane.tsv", data, n));
	err_begin();	/* the readers' summaries */
	for (ws = 0; ws < sizeof lane_nw / sizeof lane_nw[0]; ws++) {
		ref = fast_lane_read(p, tpath("ref.rej"), 0, ws, 0);
		rref = slurp(tpath("ref.rej"), &nref);	/* it has a NUL */
		cr_assert_gt(strlen(ref), 100000);
		cr_assert_gt(nref, 10000);
		for (want = 0; want <= 1; want++)
			for (threads = 0; threads <= 1; threads++) {
				got = fast_lane_read(p, tpath("got.rej"), want,
						     ws, threads);
				rgot = slurp(tpath("got.rej"), &nrej);
				cr_assert(strcmp(got, ref) == 0,
					  "records differ (fields %zu, want "
					  "%d, threads %d)", ws, want, threads);
				cr_assert(nrej == nref &&
					  memcmp(rgot, rref, nref) == 0,
					  "rejects differ (fields %zu, want "
					  "%d, threads %d)", ws, want, threads);
				free(got);
				free(rgot);
			}
		free(ref);
		free(rref);
	}
	free(err_end());
	free(data);
}

/*
 * A verb that wants one field and then writes whole records: every output
 * format gets every field of each line (the writer splits a partial
 * record's line again), exactly as without rec_reader_want().  The lines
 * are many, so that some come by the fast lane and some the long way, and
 * with --mask the TSV writer cannot copy the raw line either.
 */
static char *
want_then_write(const char *path, enum rec_fmt fmt, int want, int mask)
{
	const char *files[] = { path, NULL };
	const char *masks[] = { "b" };
	struct rec_reader_opts o = { 0 };
	struct rec_writer_opts wo = { 0 };
	const size_t w[] = { 2 };
	const char *out = tpath("want.out");
	struct rec_reader *in;
	struct rec_writer *wr;
	const struct rec *r;
	size_t n;

	o.fmt = REC_TSV;
	in = rec_reader_open(files, &o);
	if (want)
		rec_reader_want(in, w, 1);
	wo.fmt = fmt;
	wo.path = out;
	if (mask) {
		wo.mask = masks;
		wo.nmask = 1;
	}
	wr = rec_writer_open(&wo);
	rec_writer_add_fields(wr, in);
	rec_writer_add(wr, "x");
	while ((r = rec_reader_next(in)) != NULL) {
		rec_writer_rec(wr, r);
		rec_writer_str(wr, r->f[2]);
		rec_writer_end(wr);
	}
	rec_writer_close(wr);
	rec_reader_close(in);
	return slurp(out, &n);
}

Test(rec, want_then_whole_record_in_every_format)
{
	static const enum rec_fmt fmts[] = { REC_TSV, REC_CSV, REC_JSONL,
					     REC_PRETTY };
	struct buf b = BUF_INIT;
	char *ref, *got;
	size_t i, f;
	int mask;

	buf_adds(&b, "a\tb\tc\td\n");
	for (i = 0; i < 3000; i++)
		if (i % 5 == 0)
			buf_printf(&b, "%zu\tq\\tr\tc%zu\td%zu\n", i, i, i);
		else
			buf_printf(&b, "%zu\tb%zu,\"\tc%zu\td\n", i, i, i);
	put_file("want.tsv", b.p, b.len);
	for (f = 0; f < sizeof fmts / sizeof *fmts; f++)
		for (mask = 0; mask <= 1; mask++) {
			ref = want_then_write(tpath("want.tsv"), fmts[f], 0,
					      mask);
			got = want_then_write(tpath("want.tsv"), fmts[f], 1,
					      mask);
			cr_assert_gt(strlen(ref), 30000);
			cr_assert_str_eq(got, ref, "format %zu, mask %d", f,
					 mask);
			free(ref);
			free(got);
		}
	buf_release(&b);
}

Test(rec, want_then_write_a_partial_copy_without_line_exits_5)
{
	const char *p = PUT("p.tsv", "a\tb\n1\t2\n");
	const char *o = tpath("o.csv");
	struct rec_reader *in = open_tsv(p);
	const size_t w[] = { 1 };
	struct rec copy;

	rec_reader_want(in, w, 1);
	copy = *next_ok(in);
	cr_assert(copy.partial);
	copy.raw = NULL;
	EXPECT_EXIT(5, "t: bug: a partial record without its line\n", {
		struct rec_writer *wr = wopen(o, REC_CSV);

		rec_writer_add_fields(wr, in);
		rec_writer_rec(wr, &copy);
	});
	rec_reader_close(in);
}

/*
 * Chosen lines (rec_reader_opts.spans, for a sidecar index): reading some
 * lines of a file gives exactly what a full read gives for those lines,
 * records and rejects, with their real line numbers.
 */
static const char spans_data[] =
	"a\tb\tc\n"
	"1\tx\ty\n"
	"2\te\\tf\t\\N\n"
	"3\tcr\tline\r\n"
	"4\tshort\n"
	"5\tbad\t\xff\n"
	"a\tb\tc\n"
	"6\t0123456789012345678901234567890123456789\tlong\n"
	"7\tnul\t\0z\n"
	"8\t中\t文\n"
	"9\tlast\tno-lf";

static size_t
count_lines(const char *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += p[i] == '\n';
	return c;
}

/* "line<TAB>fields..." of each record (only of lines in keep, when set). */
static char *
spans_read(const char *path, const char *rej, const struct rec_span *s,
	   size_t ns, const unsigned char *keep)
{
	const char *files[] = { path, NULL };
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in;
	const struct rec *r;
	struct buf b = BUF_INIT;
	size_t i;

	o.fmt = REC_TSV;
	o.rejects = rej;
	o.max_line = 40;
	o.spans = s;
	o.nspans = ns;
	in = rec_reader_open(files, &o);
	while ((r = rec_reader_next(in)) != NULL) {
		if (keep != NULL && !keep[r->line])
			continue;
		if (r->line == 11) {	/* a program's reject */
			rec_reject(in, r, "line 11");
			continue;
		}
		buf_printf(&b, "%llu", r->line);
		for (i = 0; i < r->n; i++)
			buf_printf(&b, "\t%.*s%s", (int)r->f[i].len, r->f[i].p,
				   rec_str_is_null(r->f[i]) ? "(null)" : "");
		buf_add(&b, "\n", 1);
	}
	rec_reader_close(in);
	buf_add(&b, "", 1);
	return b.p;
}

Test(rec, spans_read_chosen_lines_as_a_full_read_does)
{
	const char *p = put_file("s.tsv", spans_data, sizeof spans_data - 1);
	static const unsigned want[] = { 3, 4, 5, 6, 8, 9, 10, 11 };
	struct rec_span s[8];
	unsigned char keep[16] = { 0 };
	unsigned long long off = 0, line = 1;
	size_t k = 0, n, len;
	char *full, *got, *rfull, *rgot, *q;

	/* The spans of lines 3, 4, ... of the data. */
	while (off < sizeof spans_data - 1) {
		q = memchr(spans_data + off, '\n', sizeof spans_data - 1 - off);
		len = q ? (size_t)(q - spans_data - off) :
			  sizeof spans_data - 1 - off;
		if (k < 8 && line == want[k]) {
			s[k].off = off;
			s[k].len = len;
			s[k].line = line;
			keep[line] = 1;
			k++;
		}
		off += len + 1;
		line++;
	}
	cr_assert_eq(k, 8);
	err_begin();
	full = spans_read(p, tpath("full.rej"), NULL, 0, keep);
	got = spans_read(p, tpath("got.rej"), s, 8, NULL);
	free(err_end());
	cr_assert_str_eq(got, full);
	cr_assert_str_eq(got, "3\t2\te\tf\t(null)\n4\t3\tcr\tline\n"
			 "10\t8\t中\t文\n");
	/* The rejects of those lines, in the same words: the same file. */
	rfull = slurp(tpath("full.rej"), &n);
	rgot = slurp(tpath("got.rej"), &len);
	cr_assert(n == len && memcmp(rfull, rgot, n) == 0,
		  "rejects differ:\n%s\n---\n%s", rfull, rgot);
	cr_assert_eq(count_lines(rgot, len), 6);	/* header + 5 */
	free(rfull);
	free(rgot);
	free(full);
	free(got);
}

Test(rec, spans_not_lines_of_the_file_exit_4)
{
	const char *p = put_file("s.tsv", spans_data, sizeof spans_data - 1);
	const char *files[] = { p, NULL };
	struct rec_span s = { 7, 3, 2 };	/* "x\ty" is not a line */
	struct rec_reader_opts o = { 0 };
	char want[512];

	o.spans = &s;
	o.nspans = 1;
	snprintf(want, sizeof want, "t: %s:2: no line of 3 bytes at byte 7 "
		 "(the offsets are not this file's: rebuild its index)\n", p);
	EXPECT_EXIT(4, want, {
		struct rec_reader *in = rec_reader_open(files, &o);

		rec_reader_next(in);
	});
	s.off = 6;
	s.len = 200;	/* past the end */
	snprintf(want, sizeof want, "t: %s:2: no line of 200 bytes at byte "
		 "6 (the offsets are not this file's: rebuild its index)\n",
		 p);
	EXPECT_EXIT(4, want, {
		struct rec_reader *in = rec_reader_open(files, &o);

		rec_reader_next(in);
	});
}

Test(rec, spans_header_read_with_pread_as_a_full_read_does)
{
	/* A BOM and a CRLF header, read without the blocks; the header
	 * again later is skipped as in a full read. */
	static const char d[] = "\xef\xbb\xbfk\tv\r\n1\tone\nk\tv\n2\ttwo\n";
	const char *p = put_file("h.tsv", d, sizeof d - 1);
	const char *e = put_file("e.tsv", "", 0);
	const char *files[] = { p, NULL }, *efiles[] = { e, NULL };
	struct rec_span s[3] = { { 8, 5, 2 }, { 14, 3, 3 }, { 18, 5, 4 } };
	struct rec_reader_opts o = { 0 };
	struct rec_reader *in;
	const struct rec *r;
	char want[512];

	o.spans = s;
	o.nspans = 3;
	in = rec_reader_open(files, &o);
	cr_assert_eq(rec_reader_nfields(in), 2);
	cr_assert_eq(rec_reader_field(in, "v"), 1);
	r = rec_reader_next(in);
	cr_assert(r != NULL && r->line == 2 && rec_str_eq(r->f[1],
		  (struct rec_str){ "one", 3 }));
	r = rec_reader_next(in);
	cr_assert(r != NULL && r->line == 4 && rec_str_eq(r->f[1],
		  (struct rec_str){ "two", 3 }));
	cr_assert_null(rec_reader_next(in));
	rec_reader_close(in);
	o.spans = s;
	o.nspans = 0;
	snprintf(want, sizeof want, "t: %s: empty input, not even a header "
		 "line\n", e);
	EXPECT_EXIT(4, want, {
		rec_reader_open(efiles, &o);
	});
}
