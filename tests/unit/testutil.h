/* testutil: what the Criterion unit tests share.  A suite with a temporary
 * directory per test (TESTUTIL_SUITE, tpath), writing and reading whole files
 * (put_file, PUT, put_str, slurp, slurp_stream, assert_file), and running a
 * statement in a child that must exit with a status and print exactly the
 * stderr wanted (RUN_CHILD, EXPECT_EXIT).
 *
 * Header only, included by each tests/unit/X_test.c (each test program is
 * one translation unit linked with libjingwu.a): every helper is static and
 * marked unused, as not every test uses all of them.  Include it after the
 * system headers and before the module's own. */
#ifndef JW_TESTUTIL_H
#define JW_TESTUTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "base/diag.h"

#define TU_UNUSED __attribute__((unused))

/* ---- temporary directory ---- */

/* The test's temporary directory, "/tmp/jw-SUITE.XXXXXX" made real by
 * testutil_setup(); owner is the process that made it (and removes it). */
static TU_UNUSED char tdir[64];
static TU_UNUSED pid_t owner;

/* Set in children that exit from inside the library on purpose, holding
 * memory: LeakSanitizer would report that (into the stderr checked).
 * EXPECT_EXIT sets it; a test that exits on purpose itself may too.  Only
 * sanitizer builds call __lsan_is_turned_off(). */
static volatile TU_UNUSED int dying;
int __lsan_is_turned_off(void);

int
__lsan_is_turned_off(void)
{
	return dying;
}

static TU_UNUSED int
rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Remove the temporary directory and all in it (in its owner only: not in
 * the children of EXPECT_EXIT, which run the atexit handlers too). */
static TU_UNUSED void
tmp_remove(void)
{
	if (getpid() == owner && tdir[0] != '\0')
		nftw(tdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* The suite's .init: messages as program "t", warnings on, a fresh
 * temporary directory "/tmp/jw-suite.XXXXXX" removed at .fini and also at
 * exit (after a test that exits on purpose).  TESTUTIL_SUITE(suite) below
 * declares the suite with it. */
static TU_UNUSED void
testutil_setup(const char *suite)
{
	diag_prog = "t";
	diag_quiet = 0;
	owner = getpid();
	snprintf(tdir, sizeof tdir, "/tmp/jw-%s.XXXXXX", suite);
	cr_assert_not_null(mkdtemp(tdir));
	atexit(tmp_remove);
}

/* TestSuite(suite) with testutil_setup("suite") as .init and tmp_remove
 * as .fini. */
#define TESTUTIL_SUITE(suite)						\
	static void							\
	suite##_setup(void)						\
	{								\
		testutil_setup(#suite);					\
	}								\
	TestSuite(suite, .init = suite##_setup, .fini = tmp_remove)

/* The path of name in the temporary directory (a ring of 8). */
static TU_UNUSED const char *
tpath(const char *name)
{
	static char ring[8][256];
	static int k;
	char *p = ring[k++ & 7];

	snprintf(p, 256, "%s/%s", tdir, name);
	return p;
}

/* ---- files ---- */

/* Write n bytes to the file name in the temporary directory; returns its
 * path (see tpath). */
static TU_UNUSED const char *
put_file(const char *name, const char *data, size_t n)
{
	const char *path = tpath(name);
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(data, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
	return path;
}

/* The same for a string literal (which may hold NUL bytes) and for a
 * NUL-terminated string. */
#define PUT(name, lit) put_file((name), (lit), sizeof(lit) - 1)

static TU_UNUSED const char *
put_str(const char *name, const char *s)
{
	return put_file(name, s, strlen(s));
}

/* The whole file, NUL-terminated; *n (if not NULL) gets its length.
 * Caller frees. */
static TU_UNUSED char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t len = 0, cap = 0, k;

	cr_assert_not_null(f, "%s", path);
	do {
		if (cap - len < 4096)
			p = realloc(p, cap = cap * 2 + 4096);
		cr_assert_not_null(p);
		k = fread(p + len, 1, cap - len - 1, f);
		len += k;
	} while (k > 0);
	fclose(f);
	p[len] = '\0';
	if (n != NULL)
		*n = len;
	return p;
}

/* The file holds exactly want (no more bytes, no NUL inside). */
static TU_UNUSED void
assert_file(const char *path, const char *want)
{
	size_t n;
	char *got = slurp(path, &n);

	cr_assert_eq(n, strlen(want), "%s: %zu bytes, want %zu:\n%s", path,
		     n, strlen(want), got);
	cr_assert_str_eq(got, want, "%s", path);
	free(got);
}

/* Up to 16383 bytes of the stream f from its start, NUL-terminated.
 * Caller frees. */
static TU_UNUSED char *
slurp_stream(FILE *f)
{
	char *p = malloc(16384);
	size_t n;

	cr_assert_not_null(p);
	rewind(f);
	n = fread(p, 1, 16383, f);
	p[n] = '\0';
	return p;
}

/* ---- children that must exit ---- */

/* Wait for the child pid, whose stdout went to o and stderr to e (both
 * closed here): it must exit with status and print exactly want_err on
 * stderr and want_out on stdout (want_out NULL: not checked, but
 * returned).  Returns its stdout; caller frees. */
static TU_UNUSED char *
check_child(pid_t pid, FILE *o, FILE *e, int status, const char *want_out,
	    const char *want_err)
{
	char *out, *err;
	int st;

	cr_assert_neq(pid, -1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	out = slurp_stream(o);
	err = slurp_stream(e);
	fclose(o);
	fclose(e);
	cr_assert(WIFEXITED(st), "child did not exit: status %d", st);
	cr_assert_eq(WEXITSTATUS(st), status, "exit %d, stderr: %s",
		     WEXITSTATUS(st), err);
	cr_assert_str_eq(err, want_err);
	if (want_out != NULL)
		cr_assert_str_eq(out, want_out);
	free(err);
	return out;
}

/* Run stmt in a child with stdout and stderr sent to files: it must exit
 * with status (a stmt that returns makes it exit 99) and print exactly
 * want_out and want_err (want_out NULL: not checked); out_ gets its stdout
 * (caller frees).  (Criterion's .exit_code cannot look at stderr: nothing
 * of the test runs after the exit.) */
#define RUN_CHILD(out_, status, want_out, want_err, stmt) do {		\
	FILE *o_ = tmpfile(), *e_ = tmpfile();				\
	pid_t pid_;							\
									\
	cr_assert_not_null(o_);						\
	cr_assert_not_null(e_);						\
	fflush(NULL);							\
	if ((pid_ = fork()) == 0) {					\
		dying = 1;						\
		dup2(fileno(o_), STDOUT_FILENO);			\
		dup2(fileno(e_), STDERR_FILENO);			\
		stmt;							\
		fflush(NULL);						\
		_exit(99);						\
	}								\
	out_ = check_child(pid_, o_, e_, (status), (want_out),		\
			   (want_err));					\
} while (0)

/* The same printing nothing on stdout. */
#define EXPECT_EXIT(status, want_err, stmt) do {			\
	char *eo_;							\
									\
	RUN_CHILD(eo_, (status), "", (want_err), stmt);			\
	free(eo_);							\
} while (0)

#endif
