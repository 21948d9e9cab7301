/* cfg: loading, limits, every error message, typed access. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "base/buf.h"
#include "base/cfg.h"
#include "testutil.h"

#define Y "testdata/yaml/"

/* c must have no error; returns it. */
static struct cfg *
clean(struct cfg *c)
{
	cr_assert_not_null(c);
	cr_assert_eq(cfg_nerrors(c), 0, "%s: %s", cfg_name(c),
		     cfg_errmsg(c, 0));
	return c;
}

static struct cfg *
load(const char *path)
{
	return clean(cfg_load(path));
}

/* The one error of c, which is freed (caller frees the copy). */
static char *
only_err(struct cfg *c)
{
	char *err;

	cr_assert_not_null(c);
	cr_assert_eq(cfg_nerrors(c), 1, "%s: %zu errors, first %s",
		     cfg_name(c), cfg_nerrors(c), cfg_errmsg(c, 0));
	err = strdup(cfg_errmsg(c, 0));
	cfg_free(c);
	return err;
}

/* The load error for path; the test fails if it loads cleanly. */
static char *
load_err(const char *path)
{
	return only_err(cfg_load(path));
}

static void
assert_load_err(const char *path, const char *want)
{
	char *err = load_err(path);

	cr_assert_str_eq(err, want);
	free(err);
}

static struct cfg *
mem(const char *text)
{
	return cfg_load_mem("m.yaml", text, strlen(text));
}

static char *
mem_err(const char *text)
{
	return only_err(mem(text));
}

/* The statement, then cfg_done(c), must exit 3 (a configuration error)
 * and print exactly want on stderr, nothing on stdout.  In a child: c's
 * errors in the test itself stay as they were. */
#define EXPECT_DIE_C(c, want, stmt) \
	EXPECT_EXIT(3, (want), ((void)(stmt), cfg_done(c)))
#define EXPECT_DIE(want, stmt) EXPECT_DIE_C(T, want, stmt)

/* Loading good files. */

Test(cfg, loads_utf8_keys_and_values)
{
	struct cfg *c = load(Y "grids-utf8.yaml");
	const struct cfg_node *root = cfg_root(c), *grids, *g, *staff;

	cr_assert_str_eq(cfg_name(c), Y "grids-utf8.yaml");
	cr_assert_eq(root->type, CFG_MAP);
	cr_assert_eq(root->len, 3);
	cr_assert_str_eq(root->keys[0], "community");
	cr_assert_str_eq(root->keys[2], "负责人");
	cr_assert_eq(root->keynodes[2]->line, 14);
	cr_assert_eq(root->keynodes[2]->col, 1);
	cr_assert_str_eq(cfg_str(c, cfg_get(root, "负责人"), "负责人"), "王芳");
	/* Columns count characters: "负责人: " is 5 of them. */
	cr_assert_eq(cfg_get(root, "负责人")->col, 6);
	cr_assert_str_eq(cfg_str(c, cfg_get(root, "community"), "community"),
			 "梅湾社区");
	grids = cfg_need(c, root, "grids", CFG_LIST, "a list of grids");
	cr_assert_eq(grids->len, 2);
	g = grids->items[0];
	cr_assert_eq(g->type, CFG_MAP);
	cr_assert_eq(g->line, 4);
	cr_assert_eq(g->col, 5);
	cr_assert_str_eq(cfg_str(c, cfg_get(g, "name"), "name"), "网格一");
	cr_assert_str_eq(cfg_str(c, cfg_get(g, "pattern"), "pattern"),
			 "^湖南省?永州市?冷水滩区梅湾路");
	staff = cfg_need(c, g, "staff", CFG_LIST, NULL);
	cr_assert_eq(staff->len, 2);
	cr_assert_str_eq(staff->items[1]->str, "李娜");
	cr_assert_eq(staff->items[1]->len, strlen("李娜"));
	cr_assert_eq(staff->items[1]->line, 6);
	cr_assert_eq(staff->items[1]->col, 17);
	cr_assert_eq(cfg_long(c, cfg_get(g, "patrol"), "patrol", 0, 1000), 5);
	cr_assert_float_eq(cfg_double(c, cfg_get(g, "radius"), "radius"), 1.5,
			   1e-12);
	g = grids->items[1];
	cr_assert_str_eq(cfg_str(c, cfg_get(g, "pattern"), "pattern"), "零陵区");
	cr_assert_eq(cfg_need(c, g, "staff", CFG_LIST, NULL)->len, 0);
	cr_assert_eq(cfg_long(c, cfg_get(g, "patrol"), "patrol", -5, 5), -3);
	cr_assert_float_eq(cfg_double(c, cfg_get(g, "radius"), NULL), 2.5,
			   1e-12);
	cr_assert_null(cfg_get(g, "absent"));
	cr_assert_null(cfg_opt(c, g, "absent", CFG_SCALAR, NULL));
	cr_assert_null(cfg_get(grids, "name"));	/* not a map */
	cr_assert_null(cfg_get(NULL, "name"));
	cfg_free(c);
}

Test(cfg, null_and_empty_scalars)
{
	struct cfg *c = load(Y "scalars-null.yaml");
	const struct cfg_node *r = cfg_root(c);
	static const char *const nulls[] = { "empty", "tilde", "word",
					     "upper" };
	size_t i;

	for (i = 0; i < 4; i++)
		cr_assert_eq(cfg_get(r, nulls[i])->type, CFG_NULL, "%s",
			     nulls[i]);
	cr_assert_str_eq(cfg_get(r, "tilde")->str, "~");
	cr_assert_eq(cfg_get(r, "single")->type, CFG_SCALAR);
	cr_assert_eq(cfg_get(r, "single")->len, 0);
	cr_assert_str_eq(cfg_str(c, cfg_get(r, "double"), "double"), "");
	cr_assert_str_eq(cfg_str(c, cfg_get(r, "quoted_tilde"), NULL), "~");
	cr_assert_str_eq(cfg_str(c, cfg_get(r, "text"), NULL), "null value");
	cr_assert_eq(cfg_long(c, cfg_get(r, "zero"), "zero", 0, 0), 0);
	cfg_free(c);
}

Test(cfg, empty_file_is_a_null_root)
{
	struct cfg *c = load(Y "empty.yaml");

	cr_assert_eq(cfg_root(c)->type, CFG_NULL);
	cr_assert_eq(cfg_root(c)->line, 1);
	cr_assert_eq(cfg_root(c)->col, 1);
	cr_assert_null(cfg_get(cfg_root(c), "x"));
	cfg_free(c);
	c = load(Y "comments-only.yaml");
	cr_assert_eq(cfg_root(c)->type, CFG_NULL);
	cfg_free(c);
}

Test(cfg, null_map_is_empty)
{
	static const char *const keys[] = { "a", NULL };
	struct cfg *c = load(Y "empty.yaml");
	struct cfg *n = load(Y "scalars-null.yaml");

	cr_assert_null(cfg_opt(c, cfg_root(c), "grids", CFG_LIST, NULL));
	cfg_known_keys(c, cfg_root(c), keys);
	EXPECT_DIE_C(c, "jingwu: " Y "empty.yaml:1:1: missing key 'grids': expected "
		   "a list of grids\n", cfg_need(c, cfg_root(c), "grids",
						 CFG_LIST, "a list of grids"));
	EXPECT_DIE_C(n, "jingwu: " Y "scalars-null.yaml:2:8: missing key 'name': "
		   "expected text\n", cfg_need(n, cfg_get(cfg_root(n), "tilde"),
					       "name", CFG_SCALAR, NULL));
	cfg_free(c);
	cfg_free(n);
}

Test(cfg, sixty_four_levels_load)
{
	struct cfg *c = load(Y "deep-64.yaml");
	const struct cfg_node *n = cfg_root(c);
	int depth = 1;

	while (n->len) {
		n = n->items[0];
		depth++;
	}
	cr_assert_eq(depth, 64);
	cr_assert_eq(n->col, 64);
	cfg_free(c);
}

Test(cfg, aliases_share_nodes_and_merge_key_is_plain)
{
	struct cfg *c = load(Y "aliases.yaml");
	const struct cfg_node *r = cfg_root(c), *g2;

	cr_assert_eq(cfg_get(r, "grid1"), cfg_get(r, "base"));
	g2 = cfg_get(r, "grid2");
	cr_assert_eq(g2->len, 2);
	cr_assert_str_eq(g2->keys[0], "<<");
	cr_assert_eq(g2->items[0], cfg_get(r, "base"));
	cr_assert_null(cfg_get(g2, "patrol"));	/* no merging */
	cr_assert_eq(cfg_get(r, "again"), cfg_get(r, "word"));
	cr_assert_str_eq(cfg_get(r, "again")->str, "text");
	cfg_free(c);
}

Test(cfg, load_mem_needs_no_nul)
{
	const char text[] = "a: 1\nb: 2";
	struct cfg *c;

	/* Cut before "\nb": only a. */
	c = clean(cfg_load_mem("m.yaml", text, 4));
	cr_assert_eq(cfg_root(c)->len, 1);
	cr_assert_str_eq(cfg_get(cfg_root(c), "a")->str, "1");
	cr_assert_str_eq(cfg_name(c), "m.yaml");
	cfg_free(c);
	cfg_free(NULL);
}

Test(cfg, dash_reads_stdin)
{
	struct cfg *c;

	cr_assert_not_null(freopen(Y "grids-utf8.yaml", "r", stdin));
	c = load("-");
	cr_assert_str_eq(cfg_name(c), "<stdin>");
	cr_assert_str_eq(cfg_get(cfg_root(c), "负责人")->str, "王芳");
	cfg_free(c);
}

Test(cfg, many_keys_without_duplicates)
{
	struct buf b = BUF_INIT;
	struct cfg *c;
	int i;

	for (i = 0; i < 5000; i++)
		buf_printf(&b, "k%d: %d\n", i, i);
	c = clean(cfg_load_mem("m.yaml", b.p, b.len));
	cr_assert_eq(cfg_root(c)->len, 5000);
	cr_assert_str_eq(cfg_get(cfg_root(c), "k4999")->str, "4999");
	cfg_free(c);
	buf_release(&b);
}

/* Load errors, each with its exact message. */

Test(cfg, file_not_found)
{
	assert_load_err(Y "no-such.yaml",
			Y "no-such.yaml: cannot open: No such file or directory");
}

Test(cfg, directory_cannot_be_read)
{
	assert_load_err("testdata/yaml", "testdata/yaml: cannot read: Is a directory");
}

Test(cfg, stopped_load_has_a_null_root_and_adds_no_more_errors)
{
	struct cfg *c = cfg_load(Y "no-such.yaml");
	const struct cfg_node *l;

	cr_assert_eq(cfg_root(c)->type, CFG_NULL);
	/* The checks still return stand-ins, but the tree is not the file:
	 * what they find is not added. */
	l = cfg_need(c, cfg_root(c), "grids", CFG_LIST, "a list of grids");
	cr_assert_eq(l->type, CFG_LIST);
	cr_assert_eq(l->len, 0);
	cfg_error(c, cfg_root(c), "x", "not added");
	cr_assert_eq(cfg_nerrors(c), 1);
	cfg_free(c);
	c = cfg_load(Y "bad-indent.yaml");
	cr_assert_eq(cfg_root(c)->type, CFG_NULL);
	cfg_known_keys(c, cfg_get(cfg_root(c), "a"), (const char *[]){ NULL });
	cr_assert_eq(cfg_nerrors(c), 1);
	cfg_free(c);
}

Test(cfg, file_too_large)
{
	size_t n = (size_t)CFG_MAX_BYTES + 1;
	char *p = malloc(n), *err;

	cr_assert_not_null(p);
	memset(p, ' ', n);
	err = only_err(cfg_load_mem("big.yaml", p, n));
	cr_assert_str_eq(err, "big.yaml: file larger than 67108864 bytes");
	free(err);
	free(p);
}

Test(cfg, bad_indentation)
{
	assert_load_err(Y "bad-indent.yaml", Y "bad-indent.yaml:3:2: did not "
			"find expected key (while parsing a block mapping at "
			"line 1, column 1)");
	assert_load_err(Y "bad-indent-value.yaml", Y "bad-indent-value.yaml:"
			"2:9: mapping values are not allowed in this context");
}

Test(cfg, tab_indentation)
{
	char *err;

	assert_load_err(Y "tab-indent.yaml", Y "tab-indent.yaml:2:1: found "
			"character that cannot start any token (a tab: indent "
			"with spaces)");
	err = mem_err("a:\n  b: 1\n\t c: 2\n");
	cr_assert_str_eq(err, "m.yaml:3:1: found a tab character that "
			 "violates indentation (while scanning a plain scalar "
			 "at line 2, column 6)");
	free(err);
}

Test(cfg, unclosed_quote)
{
	assert_load_err(Y "unclosed-quote.yaml", Y "unclosed-quote.yaml:3:1: "
			"found unexpected end of stream (while scanning a "
			"quoted scalar at line 1, column 7)");
}

Test(cfg, unclosed_flow_sequence)
{
	/* libyaml notices on the next line; the context says where the
	 * sequence started. */
	assert_load_err(Y "unclosed-flow-seq.yaml", Y "unclosed-flow-seq.yaml:"
			"2:5: did not find expected ',' or ']' (while parsing "
			"a flow sequence at line 1, column 8)");
}

Test(cfg, duplicate_key)
{
	assert_load_err(Y "duplicate-key.yaml", Y "duplicate-key.yaml:3:1: "
			"duplicate key 'name' (first on line 1)");
	assert_load_err(Y "duplicate-key-utf8.yaml", Y "duplicate-key-utf8."
			"yaml:4:3: duplicate key '名称' (first on line 2)");
}

Test(cfg, duplicate_key_in_a_big_map)
{
	struct buf b = BUF_INIT;
	struct cfg *c;
	int i;

	/* Large maps are checked by sorting: every repeat is reported, in
	 * document order, naming the first of its key. */
	for (i = 0; i < 3000; i++)
		buf_printf(&b, "k%d: %d\n", i, i);
	buf_adds(&b, "k2500: x\nk10: y\nk2500: z\n");
	c = mem(b.p);
	cr_assert_eq(cfg_nerrors(c), 3);
	cr_assert_str_eq(cfg_errmsg(c, 0), "m.yaml:3001:1: duplicate key "
			 "'k2500' (first on line 2501)");
	cr_assert_str_eq(cfg_errmsg(c, 1), "m.yaml:3002:1: duplicate key "
			 "'k10' (first on line 11)");
	cr_assert_str_eq(cfg_errmsg(c, 2), "m.yaml:3003:1: duplicate key "
			 "'k2500' (first on line 2501)");
	cfg_free(c);
	buf_release(&b);
}

Test(cfg, duplicate_key_quoted_in_message)
{
	char *err = mem_err("\"a\\tb\": 1\n'a\tb': 2\n");

	cr_assert_str_eq(err, "m.yaml:2:1: duplicate key 'a\\tb' (first on "
			 "line 1)");
	free(err);
}

Test(cfg, too_deep)
{
	char *err;

	assert_load_err(Y "too-deep.yaml", Y "too-deep.yaml:1:65: nesting "
			"deeper than 64 levels");
	err = mem_err("a:\n - b:\n    - [{c: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]"
		      "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		      "]]]]]}]\n");
	cr_assert_str_eq(err, "m.yaml:3:70: nesting deeper than 64 levels");
	free(err);
}

Test(cfg, billion_laughs_fails_fast)
{
	struct timespec t0, t1;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_load_err(Y "billion-laughs.yaml", Y "billion-laughs.yaml:7:8: "
			"document too large: more than 1000000 nodes when "
			"aliases are expanded");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert_lt(secs, 0.5, "took %.3f s", secs);
}

Test(cfg, aliases_count_toward_the_node_limit)
{
	struct buf b = BUF_INIT;
	struct cfg *c;
	char *err;
	int i;

	/* 999 aliases of a 999-node list, plus root map, keys and lists:
	 * just under the limit.  One more alias passes it. */
	buf_adds(&b, "a: &a [");
	for (i = 0; i < 998; i++)
		buf_adds(&b, i ? ",x" : "x");
	buf_adds(&b, "]\nb: [");
	for (i = 0; i < 999; i++)
		buf_adds(&b, i ? ",*a" : "*a");
	buf_adds(&b, "]\n");
	/* 1 root + 2 keys + 999 (a) + 1 list + 999 * 999 = 999,004 */
	c = clean(cfg_load_mem("m.yaml", b.p, b.len));
	cr_assert_eq(cfg_get(cfg_root(c), "b")->len, 999);
	cfg_free(c);
	buf_adds(&b, "c: [*a,*a,*a,*a,*a,*a,*a]\n");
	err = mem_err(b.p);
	cr_assert_str_eq(err, "m.yaml:3:5: document too large: more than "
			 "1000000 nodes when aliases are expanded");
	free(err);
	buf_release(&b);
}

Test(cfg, unknown_alias)
{
	assert_load_err(Y "unknown-alias.yaml", Y "unknown-alias.yaml:2:4: "
			"alias '*y' refers to an unknown anchor");
}

Test(cfg, recursive_alias)
{
	assert_load_err(Y "recursive-alias.yaml", Y "recursive-alias.yaml:1:11: "
			"alias '*a' is inside the node it refers to");
}

Test(cfg, later_anchor_wins)
{
	struct cfg *c;
	const char *t = "a: &x [&x 1, 2]\nb: *x\n";

	c = clean(cfg_load_mem("m.yaml", t, strlen(t)));
	cr_assert_str_eq(cfg_get(cfg_root(c), "b")->str, "1");
	cfg_free(c);
}

Test(cfg, two_documents)
{
	assert_load_err(Y "two-documents.yaml", Y "two-documents.yaml:2:1: "
			"expected one YAML document");
}

Test(cfg, complex_key)
{
	char *err;

	assert_load_err(Y "complex-key.yaml", Y "complex-key.yaml:2:3: map "
			"key must be text");
	err = mem_err("l: &l [1]\n*l : 2\n");
	cr_assert_str_eq(err, "m.yaml:2:1: map key must be text");
	free(err);
}

Test(cfg, invalid_utf8)
{
	char *err;

	assert_load_err(Y "gbk-bytes.yaml", Y "gbk-bytes.yaml:1:8: invalid "
			"trailing UTF-8 octet (0xf8)");
	err = mem_err("a: 网\n格: \xe4\xb8\n");
	cr_assert_str_eq(err, "m.yaml:2:5: invalid trailing UTF-8 octet "
			 "(0x0a)");
	free(err);
}

/* Typed access: exit 3 with the exact message. */

static struct cfg *T;

static void
load_types(void)
{
	T = load(Y "types.yaml");
}

static void
free_types(void)
{
	cfg_free(T);
}

#define TYPES .init = load_types, .fini = free_types
#define TY(key) cfg_get(cfg_root(T), key)
#define E(where, what) "jingwu: " Y "types.yaml:" where ": " what "\n"

Test(cfg, need_missing_key_exits_3_at_done, .exit_code = 3,
     .init = cr_redirect_stderr)
{
	T = load(Y "types.yaml");
	cfg_need(T, cfg_root(T), "grids", CFG_LIST, "a list of grids");
	cfg_done(T);
}

Test(cfg, need_and_opt_messages, TYPES)
{
	EXPECT_DIE(E("1:1", "missing key 'grids': expected a list of grids"),
		   cfg_need(T, cfg_root(T), "grids", CFG_LIST,
			    "a list of grids"));
	EXPECT_DIE(E("1:7", "key 'name': expected a map"),
		   cfg_need(T, cfg_root(T), "name", CFG_MAP, NULL));
	EXPECT_DIE(E("1:7", "key 'name': expected a grid name"),
		   cfg_opt(T, cfg_root(T), "name", CFG_SCALAR, "a grid name"));
	EXPECT_DIE(E("16:3", "missing key 'pattern': expected text"),
		   cfg_need(T, TY("grid"), "pattern", CFG_SCALAR, NULL));
	EXPECT_DIE(E("13:8", "key 'staff': expected a list of names"),
		   cfg_opt(T, cfg_root(T), "staff", CFG_LIST,
			   "a list of names"));
	EXPECT_DIE(E("19:7", "expected a map with key 'x'"),
		   cfg_opt(T, TY("list"), "x", CFG_SCALAR, NULL));
	EXPECT_DIE(E("13:8", "expected a map with key 'x'"),
		   cfg_need(T, TY("staff"), "x", CFG_SCALAR, NULL));
	/* What works, for contrast. */
	cr_assert_eq(cfg_need(T, TY("grid"), "staff", CFG_LIST, NULL)->len, 1);
	cr_assert_str_eq(cfg_opt(T, cfg_root(T), "staff", CFG_SCALAR,
				 NULL)->str, "张伟");
}

Test(cfg, empty_value_is_not_text)
{
	struct cfg *c = load(Y "scalars-null.yaml");

	EXPECT_DIE_C(c, "jingwu: " Y "scalars-null.yaml:1:7: key 'empty': expected "
		   "text\n",
		   cfg_need(c, cfg_root(c), "empty", CFG_SCALAR, NULL));
	EXPECT_DIE_C(c, "jingwu: " Y "scalars-null.yaml:2:8: key 'tilde': expected "
		   "a name\n",
		   cfg_need(c, cfg_root(c), "tilde", CFG_SCALAR, "a name"));
	EXPECT_DIE_C(c, "jingwu: " Y "scalars-null.yaml:3:7: key 'word': expected "
		   "text\n", cfg_str(c, cfg_get(cfg_root(c), "word"), "word"));
	cfg_free(c);
}

Test(cfg, str_messages, TYPES)
{
	const struct cfg_node *l = TY("list");

	EXPECT_DIE(E("1:7", "key 'name': expected text"),
		   cfg_str(T, TY("name"), "name"));
	EXPECT_DIE(E("19:11", "expected text"), cfg_str(T, l->items[1], NULL));
	EXPECT_DIE(E("14:6", "key 'nul': expected text without NUL "
		     "characters"), cfg_str(T, TY("nul"), "nul"));
	EXPECT_DIE("jingwu: " Y "types.yaml: key 'gone': expected text\n",
		   cfg_str(T, TY("gone"), "gone"));
	cr_assert_str_eq(cfg_str(T, l->items[2], NULL), "z");
	cr_assert_eq(TY("nul")->len, 3);
}

Test(cfg, long_messages, TYPES)
{
	EXPECT_DIE(E("2:9", "key 'patrol': expected a whole number from 0 to "
		     "1000"), cfg_long(T, TY("patrol"), "patrol", 0, 1000));
	EXPECT_DIE(E("3:6", "key 'big': expected a whole number"),
		   cfg_long(T, TY("big"), "big", LONG_MIN, LONG_MAX));
	EXPECT_DIE(E("4:7", "key 'half': expected a whole number of at least "
		     "1"), cfg_long(T, TY("half"), "half", 1, LONG_MAX));
	EXPECT_DIE(E("5:9", "key 'spaced': expected a whole number of at "
		     "most 9"), cfg_long(T, TY("spaced"), "spaced", LONG_MIN,
					 9));
	EXPECT_DIE(E("8:7", "key 'fine': expected a whole number from 0 to "
		     "10"), cfg_long(T, TY("fine"), "fine", 0, 10));
	EXPECT_DIE(E("9:6", "key 'hex': expected a whole number from 0 to "
		     "100"), cfg_long(T, TY("hex"), "hex", 0, 100));
	EXPECT_DIE(E("1:7", "key 'name': expected a whole number from 0 to "
		     "1"), cfg_long(T, TY("name"), "name", 0, 1));
	EXPECT_DIE(E("19:7", "expected a whole number from 0 to 1"),
		   cfg_long(T, TY("list"), NULL, 0, 1));
	cr_assert_eq(cfg_long(T, TY("patrol"), "patrol", 0, 5000), 5000);
	cr_assert_eq(cfg_long(T, TY("plus"), "plus", 0, 10), 7);
	cr_assert_eq(cfg_long(T, TY("minus"), "minus", 0, 10), 0);
}

Test(cfg, long_extremes)
{
	char text[200];
	struct cfg *c;

	snprintf(text, sizeof text, "max: %ld\nmin: %ld\nover: %ld9\n",
		 LONG_MAX, LONG_MIN, LONG_MAX);
	c = clean(mem(text));
	cr_assert_eq(cfg_long(c, cfg_get(cfg_root(c), "max"), "max", LONG_MIN,
			      LONG_MAX), LONG_MAX);
	cr_assert_eq(cfg_long(c, cfg_get(cfg_root(c), "min"), "min", LONG_MIN,
			      LONG_MAX), LONG_MIN);
	EXPECT_DIE_C(c, "jingwu: m.yaml:3:7: key 'over': expected a whole number\n",
		   cfg_long(c, cfg_get(cfg_root(c), "over"), "over", LONG_MIN,
			    LONG_MAX));
	cfg_free(c);
}

Test(cfg, double_messages, TYPES)
{
	EXPECT_DIE(E("8:7", "key 'fine': expected a number"),
		   cfg_double(T, TY("fine"), "fine"));
	EXPECT_DIE(E("9:6", "key 'hex': expected a number"),
		   cfg_double(T, TY("hex"), "hex"));
	EXPECT_DIE(E("10:6", "key 'inf': expected a number"),
		   cfg_double(T, TY("inf"), "inf"));
	EXPECT_DIE(E("11:7", "key 'huge': expected a number"),
		   cfg_double(T, TY("huge"), "huge"));
	EXPECT_DIE(E("5:9", "key 'spaced': expected a number"),
		   cfg_double(T, TY("spaced"), "spaced"));
	EXPECT_DIE(E("16:3", "key 'grid': expected a number"),
		   cfg_double(T, TY("grid"), "grid"));
	cr_assert_float_eq(cfg_double(T, TY("ok"), "ok"), 2.5e-3, 1e-15);
	cr_assert_float_eq(cfg_double(T, TY("patrol"), "patrol"), 5000.0,
			   1e-9);
	cr_assert_float_eq(cfg_double(T, TY("minus"), NULL), 0.0, 1e-9);
}

Test(cfg, known_keys, TYPES)
{
	static const char *const grid_keys[] = { "name", "pattern", "staff",
						 NULL };
	static const char *const ok_keys[] = { "name", "patern", "staff",
					       NULL };
	static const char *const none[] = { NULL };

	EXPECT_DIE(E("17:3", "unknown key 'patern' (known keys: name, pattern, "
		     "staff)"), cfg_known_keys(T, TY("grid"), grid_keys));
	/* Every unknown key, not only the first. */
	EXPECT_DIE(E("16:3", "unknown key 'name' (known keys: none)")
		   E("17:3", "unknown key 'patern' (known keys: none)")
		   E("18:3", "unknown key 'staff' (known keys: none)"),
		   cfg_known_keys(T, TY("grid"), none));
	EXPECT_DIE(E("19:7", "expected a map"),
		   cfg_known_keys(T, TY("list"), grid_keys));
	cfg_known_keys(T, TY("grid"), ok_keys);
	cfg_known_keys(T, NULL, none);
}

Test(cfg, fail_prints_position, TYPES)
{
	EXPECT_DIE(E("13:8", "staff '张伟' is not on the roster"),
		   cfg_fail(T, TY("staff"), "staff '%s' is not on the roster",
			    TY("staff")->str));
	EXPECT_DIE("jingwu: " Y "types.yaml: no grids at all\n",
		   cfg_fail(T, NULL, "no grids at all"));
}

/* The error list: every mistake of a file in one run. */

Test(cfg, checks_go_on_with_stand_ins, TYPES)
{
	const struct cfg_node *n;
	double d;

	n = cfg_need(T, cfg_root(T), "grids", CFG_LIST, "a list of grids");
	cr_assert_eq(n->type, CFG_LIST);
	cr_assert_eq(n->len, 0);
	n = cfg_need(T, cfg_root(T), "name", CFG_MAP, NULL);
	cr_assert_eq(n->type, CFG_MAP);
	cr_assert_null(cfg_get(n, "x"));
	cr_assert_null(cfg_opt(T, cfg_root(T), "staff", CFG_LIST, NULL));
	cr_assert_str_eq(cfg_str(T, TY("list"), "list"), "");
	cr_assert_eq(cfg_long(T, TY("name"), "name", -5, 5), 0);
	cr_assert_eq(cfg_long(T, TY("name"), "name", 3, 5), 3);
	cr_assert_eq(cfg_long(T, TY("name"), "name", -9, -4), -9);
	d = cfg_double(T, TY("name"), "name");	/* (the macro reads it twice) */
	cr_assert_float_eq(d, 0.0, 1e-12);
	cr_assert_eq(cfg_nerrors(T), 8);
	cr_assert_str_eq(cfg_errmsg(T, 0), Y "types.yaml:1:1: missing key "
			 "'grids': expected a list of grids");
	cr_assert_null(cfg_errmsg(T, 8));
}

Test(cfg, no_second_error_about_a_stand_in, TYPES)
{
	const struct cfg_node *n;
	const char *s;

	/* A missing name: the stand-in "" is not also "empty". */
	n = cfg_need(T, TY("grid"), "pattern", CFG_SCALAR, NULL);
	s = cfg_str(T, n, "pattern");
	cr_assert_str_eq(s, "");
	cfg_error(T, n, "pattern", "expected a pattern, not empty text");
	cfg_known_keys(T, cfg_need(T, TY("grid"), "x", CFG_MAP, NULL),
		       (const char *[]){ NULL });
	cr_assert_eq(cfg_nerrors(T), 2);
	cr_assert_str_eq(cfg_errmsg(T, 0), Y "types.yaml:16:3: missing key "
			 "'pattern': expected text");
	cr_assert_str_eq(cfg_errmsg(T, 1), Y "types.yaml:16:3: missing key "
			 "'x': expected a map");
}

Test(cfg, done_prints_all_in_file_order, TYPES)
{
	static const char *const keys[] = { "name", "staff", NULL };

	/* Found last to first, printed first to last. */
	EXPECT_DIE(E("16:9", "key 'name': expected a whole number from 0 to 9")
		   E("17:3", "unknown key 'patern' (known keys: name, staff)")
		   E("18:10", "key 'staff': expected text"),
		   (cfg_str(T, TY("grid")->items[2]->items[0], "staff"),
		    cfg_opt(T, TY("grid"), "staff", CFG_SCALAR, NULL),
		    cfg_known_keys(T, TY("grid"), keys),
		    cfg_long(T, cfg_get(TY("grid"), "name"), "name", 0, 9)));
}

Test(cfg, done_returns_without_errors, TYPES)
{
	cfg_done(T);
	cr_assert_eq(cfg_nerrors(T), 0);
}

Test(cfg, done_stops_after_the_limit)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	struct cfg *c;
	int i;

	/* 25 bad numbers, found from the last line up: printed are the
	 * first CFG_MAX_ERRORS found, in file order, then a count. */
	for (i = 0; i < 25; i++)
		buf_printf(&b, "k%d: x%d\n", i, i);
	c = clean(mem(b.p));
	for (i = 24; i >= 0; i--) {
		char key[8];

		snprintf(key, sizeof key, "k%d", i);
		cfg_long(c, cfg_get(cfg_root(c), key), key, 0, 1);
	}
	cr_assert_eq(cfg_nerrors(c), 25);
	for (i = 5; i < 25; i++)
		buf_printf(&want, "jingwu: m.yaml:%d:%d: key 'k%d': expected a "
			   "whole number from 0 to 1\n", i + 1, i < 10 ? 5 : 6,
			   i);
	buf_adds(&want, "jingwu: m.yaml: and 5 more errors\n");
	EXPECT_EXIT(3, want.p, cfg_done(c));
	cfg_free(c);
	buf_release(&b);
	buf_release(&want);
}

Test(cfg, fail_prints_the_errors_before_it, TYPES)
{
	EXPECT_EXIT(3, E("1:7", "key 'name': expected a map")
		    E("13:8", "cannot go on"),
		    (cfg_need(T, cfg_root(T), "name", CFG_MAP, NULL),
		     cfg_fail(T, TY("staff"), "cannot go on")));
}

Test(cfg, every_duplicate_key_and_bad_alias_with_the_tree_whole)
{
	struct cfg *c = mem("a: 1\nb: *nope\na: 2\nc: [1, &l [*l]]\nb: 3\n"
			    "d: ok\n");
	struct buf b = BUF_INIT;
	int i;

	cr_assert_eq(cfg_nerrors(c), 4);
	cr_assert_str_eq(cfg_errmsg(c, 0), "m.yaml:2:4: alias '*nope' refers "
			 "to an unknown anchor");
	cr_assert_str_eq(cfg_errmsg(c, 1), "m.yaml:3:1: duplicate key 'a' "
			 "(first on line 1)");
	cr_assert_str_eq(cfg_errmsg(c, 2), "m.yaml:4:12: alias '*l' is inside "
			 "the node it refers to");
	cr_assert_str_eq(cfg_errmsg(c, 3), "m.yaml:5:1: duplicate key 'b' "
			 "(first on line 2)");
	/* Lookups find the first; the bad alias is an empty node; the rest
	 * is there to be checked. */
	cr_assert_str_eq(cfg_get(cfg_root(c), "a")->str, "1");
	cr_assert_eq(cfg_get(cfg_root(c), "b")->type, CFG_NULL);
	cr_assert_str_eq(cfg_str(c, cfg_get(cfg_root(c), "d"), "d"), "ok");
	cfg_free(c);
	/* In a big map (checked by sorting) too, every repeat. */
	for (i = 0; i < 40; i++)
		buf_printf(&b, "k%d: %d\n", i % 30, i);
	c = mem(b.p);
	cr_assert_eq(cfg_nerrors(c), 10);
	cr_assert_str_eq(cfg_errmsg(c, 0), "m.yaml:31:1: duplicate key 'k0' "
			 "(first on line 1)");
	cr_assert_str_eq(cfg_errmsg(c, 9), "m.yaml:40:1: duplicate key 'k9' "
			 "(first on line 10)");
	cfg_free(c);
	c = mem("a: 1\na: 2\na: 3\n");
	cr_assert_eq(cfg_nerrors(c), 2);
	cr_assert_str_eq(cfg_errmsg(c, 1), "m.yaml:3:1: duplicate key 'a' "
			 "(first on line 1)");
	cfg_free(c);
	buf_release(&b);
}

Test(cfg, error_without_key_or_position, TYPES)
{
	EXPECT_DIE("jingwu: " Y "types.yaml: no grids at all\n"
		   E("13:8", "key 'staff': not on the roster"),
		   (cfg_error(T, TY("staff"), "staff", "not on the roster"),
		    cfg_error(T, NULL, NULL, "no grids at all")));
}
