#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/diag.h"
#include "domain/grid.h"
#include "rx/rx.h"
#include "base/util.h"

#define DIR "testdata/grid/"

/* The matching fixture: specificity, ties, several patterns per point,
 * a point without literal, three communities. */
static const char match_yaml[] =
	"counties:\n"
	"  - name: 道县\n"
	"    communities:\n"
	"      - name: 濂溪社区\n"
	"        grids:\n"
	"          - name: 第一网格\n"
	"            points:\n"
	"              - {name: 濂溪路1-49号, coordinator: 唐小红,\n"
	"                 patterns: ['道县.*濂溪路([1-9]|[1-4][0-9])号']}\n"
	"              - {name: 锦绣花园, coordinator: 蒋丽,\n"
	"                 patterns: ['道县.*锦绣花园']}\n"
	"              - {name: 濂溪路全段, coordinator: 何静, patterns: [濂溪路]}\n"
	"              - {name: 寇公街甲, coordinator: 何静,\n"
	"                 patterns: ['寇公街\\d+号']}\n"
	"              - {name: 寇公街乙, patterns: ['寇公街[0-9]+号']}\n"
	"      - name: 东门社区\n"
	"        grids:\n"
	"          - name: 第一网格\n"
	"            points:\n"
	"              - name: 东门路1-49号\n"
	"                coordinator: 李桂香\n"
	"                patterns:\n"
	"                  - '东门路([1-9]|[1-4][0-9])号'\n"
	"                  - '道县东门路([1-9]|[1-4][0-9])号'\n"
	"  - name: 冷水滩区\n"
	"    communities:\n"
	"      - name: 又一村社区\n"
	"        grids:\n"
	"          - name: 第二网格\n"
	"            points:\n"
	"              - {name: 又一村路8号, coordinator: 蒋小燕,\n"
	"                 patterns: ['又一村路8号']}\n"
	"              - {name: 三位数, coordinator: 蒋小燕,\n"
	"                 patterns: ['^[0-9]{3}$']}\n"
	"              - {name: 回溯, coordinator: 蒋小燕,\n"
	"                 patterns: ['^(a+)+b']}\n";

static struct grid *
match_grid(void)
{
	return grid_load_mem("m.yaml", match_yaml, sizeof match_yaml - 1, 0);
}

static enum grid_status
match(struct grid *g, const char *addr, const struct grid_point **pt,
      const char **why)
{
	return grid_match(g, addr, strlen(addr), pt, why);
}

static void
assert_found(struct grid *g, const char *addr, const char *path)
{
	const struct grid_point *pt = (void *)1;
	const char *why = "x";
	struct buf b = BUF_INIT;

	cr_assert_eq(match(g, addr, &pt, &why), GRID_FOUND, "%s: %s", addr,
		     why ? why : "");
	cr_assert_null(why);
	grid_point_path(pt, &b);
	cr_assert_str_eq(b.p, path, "%s", addr);
	buf_release(&b);
}

Test(grid_match, point_fields_kept)
{
	struct grid *g = match_grid();
	const struct grid_point *p;

	cr_assert_eq(grid_npoints(g), 9);
	p = grid_point_at(g, 0);
	cr_assert_str_eq(p->county, "道县");
	cr_assert_str_eq(p->community, "濂溪社区");
	cr_assert_str_eq(p->grid, "第一网格");
	cr_assert_str_eq(p->name, "濂溪路1-49号");
	cr_assert_str_eq(p->coordinator, "唐小红");
	cr_assert_eq(p->line, 8);
	cr_assert_eq(p->community_no, 0);
	cr_assert_eq(p->county_len, 6);
	cr_assert_eq(p->community_len, 12);
	cr_assert_eq(p->grid_len, 12);
	cr_assert_eq(p->name_len, 16);
	cr_assert_eq(p->coordinator_len, 9);
	cr_assert_null(grid_point_at(g, 4)->coordinator);
	cr_assert_eq(grid_point_at(g, 4)->coordinator_len, 0);
	p = grid_point_at(g, 5);
	cr_assert_str_eq(p->name, "东门路1-49号");
	cr_assert_eq(p->line, 20);
	cr_assert_eq(p->community_no, 1);
	cr_assert_eq(grid_point_at(g, 6)->community_no, 2);
	grid_free(g);
}

Test(grid_match, most_specific_wins)
{
	struct grid *g = match_grid();

	/* 道县…12号 (15 characters) beats 濂溪路 (3) */
	assert_found(g, "湖南省永州市道县濂溪街道濂溪路12号3栋201",
		     "道县/濂溪社区/第一网格/濂溪路1-49号");
	/* 道县…锦绣花园 covers more than 道县…12号 */
	assert_found(g, "道县濂溪路12号锦绣花园3栋",
		     "道县/濂溪社区/第一网格/锦绣花园");
	/* 300 is outside 1-49: only the whole road matches */
	assert_found(g, "道县濂溪路300号", "道县/濂溪社区/第一网格/濂溪路全段");
	assert_found(g, "道县濂溪路149号", "道县/濂溪社区/第一网格/濂溪路全段");
	grid_free(g);
}

Test(grid_match, tie_goes_to_point_defined_first)
{
	struct grid *g = match_grid();

	assert_found(g, "寇公街5号", "道县/濂溪社区/第一网格/寇公街甲");
	grid_free(g);
}

Test(grid_match, any_pattern_of_a_point)
{
	struct grid *g = match_grid();
	const struct grid_hit *h;
	const char *why;

	assert_found(g, "道县东门路3号", "道县/东门社区/第一网格/东门路1-49号");
	assert_found(g, "东门路49号", "道县/东门社区/第一网格/东门路1-49号");
	/* the point's length is its longest pattern match */
	cr_assert_eq(grid_match_all(g, "道县东门路3号", strlen("道县东门路3号"),
				    &h, &why), 1);
	cr_assert_eq(h[0].chars, 7);
	grid_free(g);
}

Test(grid_match, pattern_without_literal_still_runs)
{
	struct grid *g = match_grid();

	assert_found(g, "123", "冷水滩区/又一村社区/第二网格/三位数");
	grid_free(g);
}

Test(grid_match, none)
{
	struct grid *g = match_grid();
	const struct grid_point *pt = (void *)1;
	const char *why = NULL;

	cr_assert_eq(match(g, "湖南省长沙市岳麓区", &pt, &why), GRID_NONE);
	cr_assert_null(pt);
	cr_assert_str_eq(why, "no grid point matches");
	cr_assert_eq(match(g, "", &pt, &why), GRID_NONE);
	cr_assert_eq(match(g, "1234", &pt, &why), GRID_NONE);
	grid_free(g);
}

Test(grid_match, ambiguous_across_communities)
{
	struct grid *g = match_grid();
	const struct grid_point *pt = (void *)1;
	const char *why = NULL;

	cr_assert_eq(match(g, "道县濂溪路3号东门路3号", &pt, &why),
		     GRID_AMBIGUOUS);
	cr_assert_null(pt);
	cr_assert_str_eq(why, "matches grid points in 2 communities: "
			 "道县/濂溪社区/第一网格/濂溪路1-49号, "
			 "道县/濂溪社区/第一网格/濂溪路全段, "
			 "道县/东门社区/第一网格/东门路1-49号");
	/* ambiguity does not depend on which match is longer */
	cr_assert_eq(match(g, "东门路3号 又一村路8号", &pt, &why),
		     GRID_AMBIGUOUS);
	cr_assert_str_eq(why, "matches grid points in 2 communities: "
			 "道县/东门社区/第一网格/东门路1-49号, "
			 "冷水滩区/又一村社区/第二网格/又一村路8号");
	/* the scratch is reused: a later address is decided afresh */
	assert_found(g, "寇公街5号", "道县/濂溪社区/第一网格/寇公街甲");
	grid_free(g);
}

Test(grid_match, ambiguous_lists_five_then_count)
{
	struct grid *g = match_grid();
	const struct grid_point *pt;
	const char *why;

	cr_assert_eq(match(g, "道县濂溪路3号锦绣花园 东门路3号 又一村路8号 "
			   "寇公街5号", &pt, &why), GRID_AMBIGUOUS);
	cr_assert_str_eq(why, "matches grid points in 3 communities: "
			 "道县/濂溪社区/第一网格/濂溪路1-49号, "
			 "道县/濂溪社区/第一网格/锦绣花园, "
			 "道县/濂溪社区/第一网格/濂溪路全段, "
			 "道县/濂溪社区/第一网格/寇公街甲, "
			 "道县/濂溪社区/第一网格/寇公街乙 and 2 more");
	grid_free(g);
}

Test(grid_match, match_limit_is_an_error)
{
	struct grid *g = match_grid();
	const struct grid_point *pt = (void *)1;
	const struct grid_hit *h;
	const char *why = NULL;
	const char *s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac b";

	cr_assert_eq(match(g, s, &pt, &why), GRID_ERROR);
	cr_assert_null(pt);
	cr_assert_str_eq(why, "pattern '^(a+)+b' at m.yaml:36: "
			 "match limit reached");
	cr_assert_eq(grid_match_all(g, s, strlen(s), &h, &why), (size_t)-1);
	cr_assert_str_eq(why, "pattern '^(a+)+b' at m.yaml:36: "
			 "match limit reached");
	grid_free(g);
}

Test(grid_match, limit_message_quotes_the_pattern_as_written)
{
	static const char y[] =
		"counties:\n- name: 道县\n  communities:\n"
		"  - name: 濂溪社区\n    grids:\n    - name: 一\n      points:\n"
		"      - {name: a, patterns: ['^(\\w+)+''b']}\n";
	struct grid *g = grid_load_mem("w.yaml", y, sizeof y - 1, 0);
	const struct grid_point *pt;
	const char *why;

	cr_assert_eq(match(g, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac 'b", &pt,
			   &why), GRID_ERROR);
	cr_assert_str_eq(why, "pattern '^(\\w+)+'b' at w.yaml:8: match "
			 "limit reached");
	grid_free(g);
}

Test(grid_match, match_all_in_file_order)
{
	struct grid *g = match_grid();
	const struct grid_hit *h;
	const char *why = "x";
	const char *s = "寇公街5号道县濂溪路3号";

	cr_assert_eq(grid_match_all(g, s, strlen(s), &h, &why), 4);
	cr_assert_null(why);
	cr_assert_str_eq(h[0].point->name, "濂溪路1-49号");
	cr_assert_eq(h[0].chars, 7);
	cr_assert_str_eq(h[1].point->name, "濂溪路全段");
	cr_assert_eq(h[1].chars, 3);
	cr_assert_str_eq(h[2].point->name, "寇公街甲");
	cr_assert_eq(h[2].chars, 5);
	cr_assert_str_eq(h[3].point->name, "寇公街乙");
	cr_assert_eq(grid_match_all(g, "x", 1, &h, &why), 0);
	grid_free(g);
}

Test(grid_match, yongzhou_example)
{
	struct grid *g = grid_load(DIR "yongzhou.yaml", 0);

	assert_found(g, "湖南省永州市道县濂溪街道濂溪路12号3栋201",
		     "道县/濂溪社区/濂溪社区第一网格/濂溪路1-49号");
	assert_found(g, "道县濂溪路49号", "道县/濂溪社区/濂溪社区第一网格/濂溪路1-49号");
	assert_found(g, "道县濂溪路50号", "道县/濂溪社区/濂溪社区第一网格/濂溪路50-99号");
	assert_found(g, "湖南省永州市冷水滩区零陵中路230号潇湘苑2栋",
		     "冷水滩区/又一村社区/又一村社区第一网格/潇湘苑");
	assert_found(g, "江永县潇浦镇凤凰路88号",
		     "江永县/凤凰社区/凤凰社区第一网格/凤凰路50-99号");
	grid_free(g);
}

/* Lint: the findings as "level|where|message" lines. */
static void
collect(void *ctx, const char *level, const char *where, const char *msg)
{
	buf_printf(ctx, "%s|%s|%s\n", level, where, msg);
}

static void
assert_lint(const char *file, size_t errors, const char *expect)
{
	struct grid *g = grid_load(file, 1);
	struct buf b = BUF_INIT;

	cr_assert_eq(grid_lint(g, collect, &b), errors, "%s: %s", file, b.p);
	cr_assert_str_eq(b.p, expect, "%s", file);
	buf_release(&b);
	grid_free(g);
}

Test(grid_lint, clean)
{
	assert_lint(DIR "yongzhou.yaml", 0, "");
	assert_lint(DIR "small-clean.yaml", 0, "");
}

Test(grid_lint, default_rules_grids_coordinators_staff)
{
	assert_lint(DIR "lint-rules.yaml", 7,
		    "error|" DIR "lint-rules.yaml:7 道县/濂溪社区|community has 1 grid, expected 5 to 8\n"
		    "error|" DIR "lint-rules.yaml:7 道县/濂溪社区|community has 2 coordinators, expected 3 to 4\n"
		    "error|" DIR "lint-rules.yaml:7 道县/濂溪社区|staff 'auxiliary' is 1, the minimum is 2\n"
		    "error|" DIR "lint-rules.yaml:7 道县/濂溪社区|staff 'security_officer' is 0, the minimum is 1\n"
		    "error|" DIR "lint-rules.yaml:7 道县/濂溪社区|staff 'patrol' is 10, the minimum is 12\n"
		    "error|" DIR "lint-rules.yaml:14 道县/濂溪社区/第一网格|grid has no points\n"
		    "error|" DIR "lint-rules.yaml:16 江永县|county has no communities\n");
}

Test(grid_lint, configured_bounds)
{
	assert_lint(DIR "lint-bounds.yaml", 2,
		    "error|" DIR "lint-bounds.yaml:9 江永县/凤凰社区|community has 4 grids, expected 2 to 3\n"
		    "error|" DIR "lint-bounds.yaml:17 江永县/永明社区|community has 2 coordinators, expected 1 to 1\n");
}

Test(grid_lint, points_without_patterns)
{
	assert_lint(DIR "lint-no-patterns.yaml", 2,
		    "error|" DIR "lint-no-patterns.yaml:14 道县/濂溪社区/第一网格/濂溪路1-49号|grid point has no patterns\n"
		    "error|" DIR "lint-no-patterns.yaml:16 道县/濂溪社区/第一网格/濂溪路50-99号|grid point has no patterns\n");
}

Test(grid_lint, points_without_coordinator)
{
	assert_lint(DIR "lint-no-coordinator.yaml", 2,
		    "error|" DIR "lint-no-coordinator.yaml:14 道县/濂溪社区/第一网格/濂溪路1-49号|grid point has no coordinator\n"
		    "error|" DIR "lint-no-coordinator.yaml:16 道县/濂溪社区/第一网格/濂溪路50-99号|grid point has no coordinator\n");
}

Test(grid_lint, coordinator_of_another_community_is_a_warning)
{
	assert_lint(DIR "lint-foreign-coordinator.yaml", 0,
		    "warning|" DIR "lint-foreign-coordinator.yaml:14 道县/濂溪社区/第一网格/濂溪路1-49号|coordinator '蒋丽' is not among the community's coordinators\n");
}

Test(grid_lint, bad_patterns_kept_when_lenient)
{
	assert_lint(DIR "lint-bad-pattern.yaml", 2,
		    "error|" DIR "lint-bad-pattern.yaml:17 道县/濂溪社区/第一网格/濂溪路1-49号|bad pattern '濂溪路([1-9]|[1-4][0-9]号': at offset 29: missing closing parenthesis\n"
		    "error|" DIR "lint-bad-pattern.yaml:18 道县/濂溪社区/第一网格/濂溪路1-49号|bad pattern '': empty pattern\n");
}

Test(grid_lint, bad_patterns_never_match)
{
	struct grid *g = grid_load(DIR "lint-bad-pattern.yaml", 1);
	const struct grid_point *pt;
	const char *why;

	cr_assert_eq(grid_match(g, "濂溪路3号", strlen("濂溪路3号"), &pt, &why),
		     GRID_NONE);
	cr_assert_eq(grid_match(g, "濂溪路53号", strlen("濂溪路53号"), &pt,
				&why), GRID_FOUND);
	grid_free(g);
}

Test(grid_lint, pattern_without_literal_is_a_warning)
{
	assert_lint(DIR "lint-no-literal.yaml", 0,
		    "warning|" DIR "lint-no-literal.yaml:16 道县/濂溪社区/第一网格/濂溪路1-49号|pattern '(濂溪路|莲溪路)[0-9]+' has no required literal, so it is tried on every address\n");
}

Test(grid_lint, duplicate_names)
{
	assert_lint(DIR "lint-duplicates.yaml", 4,
		    "error|" DIR "lint-duplicates.yaml:17 道县/濂溪社区/第一网格/濂溪路1-49号|duplicate grid point '濂溪路1-49号', first at line 14\n"
		    "error|" DIR "lint-duplicates.yaml:20 道县/濂溪社区/第一网格|duplicate grid '第一网格', first at line 12\n"
		    "error|" DIR "lint-duplicates.yaml:25 道县/濂溪社区|duplicate community '濂溪社区', first at line 8\n"
		    "error|" DIR "lint-duplicates.yaml:34 道县|duplicate county '道县', first at line 6\n");
}

/* Load errors: run grid_load() in a child, return its exit status and
 * what it printed on stderr. */
static int
load_status(const char *path, int lenient, char *msg, size_t cap)
{
	int fd[2], st;
	ssize_t n;
	size_t len = 0;
	char *p, *q, *e;
	pid_t pid;

	cr_assert_eq(pipe(fd), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], 2);
		diag_prog = "pop-grid";
		grid_free(grid_load(path, lenient));
		_exit(0);
	}
	close(fd[1]);
	while (len + 1 < cap &&
	       (n = read(fd[0], msg + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	msg[len] = '\0';
	/* Keep the program's lines: under LeakSanitizer a forked child of
	 * the (threaded) test runner adds "Running thread ... was not
	 * suspended" noise at exit. */
	for (p = q = msg; *p; p = e) {
		e = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
		if (strncmp(p, "pop-grid: ", 10) == 0) {
			memmove(q, p, (size_t)(e - p));
			q += e - p;
		}
	}
	*q = '\0';
	close(fd[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* text in a new temporary file; returns its path (static). */
static const char *
put_tmp(const char *text)
{
	static char path[] = "/tmp/grid_test.XXXXXX";
	int fd;

	strcpy(path, "/tmp/grid_test.XXXXXX");
	fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
assert_load_fails(const char *file, int lenient, const char *expect)
{
	char msg[1024];

	cr_assert_eq(load_status(file, lenient, msg, sizeof msg), 3, "%s: %s",
		     file, msg);
	cr_assert_str_eq(msg, expect, "%s: %s", file, msg);
}

Test(grid_load, bad_pattern_exits_3_when_strict)
{
	char msg[256];

	assert_load_fails(DIR "bad-pattern.yaml", 0,
			  "pop-grid: " DIR "bad-pattern.yaml:17:21: key 'patterns': bad pattern: at offset 29: missing closing parenthesis\n");
	assert_load_fails(DIR "empty-pattern.yaml", 0,
			  "pop-grid: " DIR "empty-pattern.yaml:16:28: key 'patterns': bad pattern: empty pattern\n");
	cr_assert_eq(load_status(DIR "bad-pattern.yaml", 1, msg, sizeof msg), 0);
	cr_assert_str_eq(msg, "");
}

Test(grid_load, structure_errors_exit_3)
{
	assert_load_fails(DIR "unknown-key.yaml", 1,
			  "pop-grid: " DIR "unknown-key.yaml:16:17: unknown key 'patern' (known keys: name, coordinator, patterns)\n");
	assert_load_fails(DIR "missing-name.yaml", 1,
			  "pop-grid: " DIR "missing-name.yaml:14:17: missing key 'name': expected a name\n");
	assert_load_fails(DIR "empty-name.yaml", 1,
			  "pop-grid: " DIR "empty-name.yaml:14:23: key 'name': expected a name, not empty text\n");
	assert_load_fails(DIR "pattern-not-text.yaml", 1,
			  "pop-grid: " DIR "pattern-not-text.yaml:16:28: key 'patterns': expected text\n");
	assert_load_fails(DIR "patterns-not-list.yaml", 1,
			  "pop-grid: " DIR "patterns-not-list.yaml:16:27: key 'patterns': expected a list of patterns\n");
	assert_load_fails(DIR "community-not-map.yaml", 1,
			  "pop-grid: " DIR "community-not-map.yaml:4:9: key 'communities': expected a map with 'name' and 'grids'\n");
	assert_load_fails(DIR "staff-role-bad.yaml", 1,
			  "pop-grid: " DIR "staff-role-bad.yaml:6:19: key 'patrol': expected a whole number from 0 to 1000000\n");
	assert_load_fails(DIR "no-counties.yaml", 1,
			  "pop-grid: " DIR "no-counties.yaml:1:1: missing key 'counties': expected a list of counties\n");
	assert_load_fails(DIR "root-list.yaml", 1,
			  "pop-grid: " DIR "root-list.yaml:1:1: expected a map with key 'counties'\n");
}

Test(grid_load, every_error_in_one_run)
{
	const char *f = DIR "five-mistakes.yaml";
	struct buf want = BUF_INIT;
	int lenient;

	/* Also check names the bad pattern when it stops on the others. */
	for (lenient = 0; lenient < 2; lenient++) {
		buf_reset(&want);
		buf_printf(&want, "pop-grid: %s:3:28: key 'grids_per_community': "
			   "expected a whole number from 0 to 1000000\n", f);
		buf_printf(&want, "pop-grid: %s:16:17: unknown key 'patern' "
			   "(known keys: name, coordinator, patterns)\n", f);
		buf_printf(&want, "pop-grid: %s:17:17: missing key 'name': "
			   "expected a name\n", f);
		buf_printf(&want, "pop-grid: %s:20:28: key 'patterns': bad "
			   "pattern: at offset 11: missing closing "
			   "parenthesis\n", f);
		buf_printf(&want, "pop-grid: %s:22:17: duplicate key "
			   "'coordinator' (first on line 21)\n", f);
		assert_load_fails(f, lenient, want.p);
	}
	buf_release(&want);
}

Test(grid_load, bounds_compared_only_when_both_are_numbers)
{
	const char *f = put_tmp("rules: {grids_per_community: [9, x]}\n"
				"counties: []\n");
	struct buf want = BUF_INIT;

	buf_printf(&want, "pop-grid: %s:1:34: key 'grids_per_community': "
		   "expected a whole number from 0 to 1000000\n", f);
	assert_load_fails(f, 0, want.p);
	unlink(f);
	buf_release(&want);
}

Test(grid_load, rules_errors_exit_3)
{
	assert_load_fails(DIR "bad-bounds.yaml", 1,
			  "pop-grid: " DIR "bad-bounds.yaml:2:24: key 'grids_per_community': expected [min, max] with min <= max\n");
	assert_load_fails(DIR "bad-bounds-len.yaml", 1,
			  "pop-grid: " DIR "bad-bounds-len.yaml:2:31: key 'coordinators_per_community': expected a list [min, max]\n");
	assert_load_fails(DIR "bad-staff-minimum.yaml", 1,
			  "pop-grid: " DIR "bad-staff-minimum.yaml:2:41: unknown key 'patrols' (known keys: community_officer, auxiliary, security_officer, patrol)\n");
}

Test(grid_load, yaml_and_file_errors_exit_3)
{
	char msg[1024];

	assert_load_fails(DIR "yaml-syntax.yaml", 1,
			  "pop-grid: " DIR "yaml-syntax.yaml:4:1: did not find expected ',' or ']' (while parsing a flow sequence at line 3, column 18)\n");
	cr_assert_eq(load_status(DIR "no-such-file.yaml", 1, msg, sizeof msg),
		     3);
	cr_assert_str_eq(msg, "pop-grid: " DIR "no-such-file.yaml: "
			 "cannot open: No such file or directory\n");
}

/* The literal and follow-byte filter must never lose a match: random
 * addresses against patterns of many shapes, compared with running every
 * pattern. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A grid of one point per shape and road (the road is put in for each
 * %s of the shape), checked against running every pattern with PCRE2 on
 * random addresses of fewer than maxpieces pieces: the same points must
 * match, in order, with the same span in characters.  With longer set,
 * every 1000th address is made longer than plans take. */
static void
agree_with_pcre2(const char *const *shapes, size_t nshapes,
		 const char *const roads[4], const char *const *pieces,
		 size_t npieces, uint32_t seed, size_t rounds,
		 uint32_t maxpieces, int longer)
{
	struct buf y = BUF_INIT, pat = BUF_INIT, addr = BUF_INIT;
	struct rx **rx = xcalloc(nshapes * 4, sizeof *rx);
	size_t npat = 0, i, j, k, nh, so, eo, best;
	const struct grid_hit *h;
	const char *why;
	struct grid *g;
	char *err;

	buf_adds(&y, "counties:\n- name: 道县\n  communities:\n"
		 "  - name: 濂溪社区\n    grids:\n    - name: 一\n      points:\n");
	for (i = 0; i < nshapes; i++) {
		for (j = 0; j < 4; j++) {
			buf_reset(&pat);
			buf_printf(&pat, shapes[i], roads[j], roads[j]);
			buf_printf(&y, "      - {name: p%zu, coordinator: x, "
				   "patterns: ['%s']}\n", npat, pat.p);
			rx[npat] = rx_compile(pat.p, 0, &err);
			cr_assert_not_null(rx[npat], "%s", pat.p);
			npat++;
		}
	}
	g = grid_load_mem("r.yaml", y.p, y.len, 0);
	cr_assert_eq(grid_npoints(g), npat);
	for (k = 0; k < rounds; k++) {
		buf_reset(&addr);
		for (i = rnd(&seed) % maxpieces; i > 0; i--)
			buf_adds(&addr, pieces[rnd(&seed) % npieces]);
		if (longer && k % 1000 == 0)
			for (i = 0; i < 40; i++)
				buf_adds(&addr, "道县溪路12");
		nh = grid_match_all(g, addr.p, addr.len, &h, &why);
		for (i = 0, j = 0; i < npat; i++) {
			if (rx_match(rx[i], addr.p, addr.len, &so, &eo) != 1)
				continue;
			cr_assert_lt(j, nh, "'%s' should match '%s'", addr.p,
				     rx_pattern(rx[i]));
			cr_assert_eq(h[j].point, grid_point_at(g, i),
				     "'%s': '%s'", addr.p, rx_pattern(rx[i]));
			best = 0;
			for (; so < eo; so++)
				best += ((unsigned char)addr.p[so] & 0xC0) != 0x80;
			cr_assert_eq(h[j].chars, best, "'%s': '%s': %zu, not %zu",
				     addr.p, rx_pattern(rx[i]), h[j].chars,
				     best);
			j++;
		}
		cr_assert_eq(j, nh, "'%s'", addr.p);
	}
	for (i = 0; i < npat; i++)
		rx_free(rx[i]);
	free(rx);
	grid_free(g);
	buf_release(&y);
	buf_release(&pat);
	buf_release(&addr);
}

Test(grid_match, filter_agrees_with_running_every_pattern)
{
	static const char *const shapes[] = {
		"道县.*%s([1-9]|[1-4][0-9])号", "%s1[0-4][0-9]号",
		"%s\\d{1,2}号", "%s(1|2)?[0-9]号", "%s[0-9]+号",
		"%s(东|西)?[1-3]号?", "%s(?:东|西)段", "%s\\.1", "%sa*b",
		"%s(a|bc)d", "%s[a-c]{2}", "%s[^0-9]号", "%s.号", "%s\\s?1",
		"(%s|东门)2号", "%s(?=1)1", "%s1{0}2", "%s[12][34]?5",
		"%s\\b2", "^%s", "%s$", "%s(a(b|c))?d",
		/* a rare first run, so that it is the key */
		"Q%s东?1号", "Q%sa*b", "Q%s[12]?号", "Q%s(东|西)1", "Q%s1+2",
		"Q%s(?:1|22)?3", "Q%s[a\\d]{0,2}号"
	};
	static const char *const roads[] = { "濂溪路", "溪路", "东门路", "路" };
	static const char *const pieces[] = {
		"道县", "濂溪路", "东门", "路", "溪", "1", "2", "3", "4", "5",
		"0", "号", "东", "西", "段", "a", "b", "c", "d", ".", " ",
		"Q濂溪路", "Q路", "Q东门路"
	};

	agree_with_pcre2(shapes, JW_ARRAY_LEN(shapes), roads, pieces,
			 JW_ARRAY_LEN(pieces), 42, 20000, 8, 0);
}

/* Patterns of the forms matched without PCRE2 ("L0.*REST", finite REST):
 * the span, which decides the winner, must be PCRE2's, with backtracking
 * order (alternatives, greedy and lazy counts), repeated literals, and the
 * subjects left to PCRE2 (a newline, a long address). */
Test(grid_match, plans_agree_with_pcre2)
{
	static const char *const shapes[] = {
		"道县.*%s(1|12)", "道县.*%s(12|1)", "道县.*%s1?2?",
		"道县.*%s1??2", "道县.*%s[12]{1,3}", "道县.*%s[12]{1,3}?",
		"道县.*%s(?:1|2){2}号?", "%s(1(2|3)?|23)", "道县.*道县%s",
		"%s.*%s1", "%s\\.?1", "道.*%s(1|2)?", "%s{0}1号",
		"道县.*%s(1|2{1,2})号", "%s[1-3](号|栋)", "道县.*%s(号)?(栋)?",
		"1.*%s1(2|3)?"
	};
	static const char *const roads[] = { "溪路", "路", "道县", "1" };
	static const char *const pieces[] = {
		"道县", "溪路", "路", "道", "县", "1", "2", "3", "号", "栋",
		".", "\n", "x"
	};

	agree_with_pcre2(shapes, JW_ARRAY_LEN(shapes), roads, pieces,
			 JW_ARRAY_LEN(pieces), 7, 30000, 12, 1);
}

/* The shape of a generated grid: the points of a road share its name as
 * key literal, each a plan with its own paths, and a building whose L is
 * longer than the key.  A plan is run when only the literals it reads the
 * places of (L0 and L's first) occur; the rest ("号", "栋") must still be
 * required, by the paths. */
Test(grid_match, plans_sharing_a_key)
{
	static const char y[] =
		"counties:\n- name: 零陵区\n  communities:\n"
		"  - name: 昌荷社区\n    grids:\n    - name: 一\n      points:\n"
		"      - {name: a, patterns: ['零陵区.*鹿兴大道([1-9]|[1-2]"
		"[0-9]|3[0-8])号']}\n"
		"      - {name: b, patterns: ['零陵区.*鹿兴大道(39|[4-7][0-9]|"
		"8[0-3])号']}\n"
		"      - {name: c, patterns: ['零陵区.*鹿兴大道(8[4-9]|9[0-9]|"
		"10[0-6])号']}\n"
		"      - {name: d, patterns: ['零陵区.*鹿兴大道643号阳泉苑"
		"([1-2])栋']}\n"
		"      - {name: e, patterns: ['鹿兴大道643号阳泉苑[3-6]栋']}\n";
	struct grid *g = grid_load_mem("k.yaml", y, sizeof y - 1, 0);
	const struct grid_point *pt;
	const char *why;

	assert_found(g, "湖南省永州市零陵区鹿兴大道7号2栋", "零陵区/昌荷社区/一/a");
	assert_found(g, "零陵区鹿兴大道38号", "零陵区/昌荷社区/一/a");
	assert_found(g, "零陵区鹿兴大道39号", "零陵区/昌荷社区/一/b");
	assert_found(g, "零陵区X鹿兴大道83号", "零陵区/昌荷社区/一/b");
	assert_found(g, "零陵区鹿兴大道106号", "零陵区/昌荷社区/一/c");
	/* the last occurrence of the road is the one that fits */
	assert_found(g, "零陵区鹿兴大道x鹿兴大道84号", "零陵区/昌荷社区/一/c");
	assert_found(g, "零陵区鹿兴大道643号阳泉苑2栋", "零陵区/昌荷社区/一/d");
	assert_found(g, "鹿兴大道643号阳泉苑5栋", "零陵区/昌荷社区/一/e");
	/* L0 after the road, no "号", no "栋", number out of range */
	cr_assert_eq(match(g, "鹿兴大道7号零陵区", &pt, &why), GRID_NONE);
	cr_assert_str_eq(why, "no grid point matches");
	cr_assert_eq(match(g, "零陵区鹿兴大道7", &pt, &why), GRID_NONE);
	cr_assert_eq(match(g, "零陵区鹿兴大道643号阳泉苑2", &pt, &why),
		     GRID_NONE);
	cr_assert_eq(match(g, "零陵区鹿兴大道107号", &pt, &why), GRID_NONE);
	cr_assert_null(pt);
	grid_free(g);
}
