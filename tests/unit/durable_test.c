/* durable: logs (append, read back, torn lines, concurrent writers, a
 * writer killed), whole files (commit, abort, exit, signals, a writer
 * killed) and the run lock. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/durable.h"
#include "base/util.h"

TESTUTIL_SUITE(durable);

/* The lines read back, one after another, each ended by LF. */
struct got {
	struct buf text;
	size_t n;
	off_t last_off;
	int stop_at;	/* stop (return 7) at this line, 0: never */
};

static int
collect(void *ctx, const char *line, size_t len, off_t off)
{
	struct got *g = ctx;

	buf_add(&g->text, line, len);
	buf_addc(&g->text, '\n');
	g->last_off = off;
	if (++g->n == (size_t)g->stop_at)
		return 7;
	return 0;
}

static char *
read_log(const char *path, int *torn, size_t *n)
{
	struct got g = { BUF_INIT, 0, 0, 0 };

	cr_assert_eq(dur_log_read(path, collect, &g, torn), 0);
	if (n != NULL)
		*n = g.n;
	return buf_detach(&g.text, NULL);
}

static void
append(const char *path, const char *s)
{
	cr_assert_eq(dur_append(path, s, strlen(s), 0600), 0, "%s: %s", path,
		     strerror(errno));
}

/* Names in the test folder that start with a dot (temporaries). */
static int
count_hidden(void)
{
	DIR *d = opendir(tdir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static off_t
file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return st.st_size;
}

static void
pause_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

Test(durable, append_then_read_back_with_offsets)
{
	const char *p = tpath("log");
	struct got g = { BUF_INIT, 0, 0, 0 };
	struct stat st;
	int torn = -1;
	char *s;

	append(p, "one");
	append(p, "");
	append(p, "three\tfields\there");
	assert_file(p, "one\n\nthree\tfields\there\n");
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	s = read_log(p, &torn, NULL);
	cr_assert_str_eq(s, "one\n\nthree\tfields\there\n");
	cr_assert_eq(torn, 0);
	free(s);
	cr_assert_eq(dur_log_read(p, collect, &g, NULL), 0);
	cr_assert_eq(g.n, 3);
	cr_assert_eq(g.last_off, 5);
	buf_release(&g.text);
}

Test(durable, read_stops_when_fn_says_so)
{
	const char *p = tpath("log");
	struct got g = { BUF_INIT, 0, 0, 2 };

	append(p, "a");
	append(p, "b");
	append(p, "c");
	cr_assert_eq(dur_log_read(p, collect, &g, NULL), 7);
	cr_assert_str_eq(g.text.p, "a\nb\n");
	buf_release(&g.text);
}

Test(durable, missing_log_has_no_lines)
{
	int torn = -1;
	size_t n = 9;
	char *s = read_log(tpath("none"), &torn, &n);

	cr_assert_eq(n, 0);
	cr_assert_eq(torn, 0);
	free(s);
	cr_assert_eq(dur_log_read(tpath("no/such/dir"), collect, NULL, NULL),
		     0);
}

Test(durable, unreadable_log_is_an_error)
{
	cr_assert_eq(dur_log_read(tdir, collect, NULL, NULL), -1);
	cr_assert_eq(errno, EISDIR);
}

Test(durable, append_refuses_lf_and_bad_folder)
{
	cr_assert_eq(dur_append(tpath("log"), "a\nb", 3, 0600), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(access(tpath("log"), F_OK), -1);
	cr_assert_eq(dur_append(tpath("no/log"), "a", 1, 0600), -1);
	cr_assert_eq(errno, ENOENT);
}

Test(durable, long_lines_across_read_blocks)
{
	const char *p = tpath("log");
	char *big = malloc(300000), *s;
	struct buf want = BUF_INIT;
	size_t i, n;

	for (i = 0; i < 300000; i++)
		big[i] = (char)('a' + i % 26);
	for (i = 0; i < 5; i++) {
		cr_assert_eq(dur_append(p, big, 1000 + i * 70000, 0600), 0);
		buf_add(&want, big, 1000 + i * 70000);
		buf_addc(&want, '\n');
	}
	s = read_log(p, NULL, &n);
	cr_assert_eq(n, 5);
	cr_assert_eq(strlen(s), want.len);
	cr_assert_eq(memcmp(s, want.p, want.len), 0);
	free(s);
	free(big);
	buf_release(&want);
}

Test(durable, torn_last_line_skipped_then_cut_by_next_append)
{
	const char *p = PUT("log", "first\nsecond\nthi");
	int torn = 0;
	size_t n;
	char *s = read_log(p, &torn, &n);

	cr_assert_str_eq(s, "first\nsecond\n");
	cr_assert_eq(torn, 1);
	free(s);
	append(p, "third");
	assert_file(p, "first\nsecond\nthird\n");
	s = read_log(p, &torn, &n);
	cr_assert_eq(torn, 0);
	cr_assert_eq(n, 3);
	free(s);
}

Test(durable, torn_only_line_is_cut_to_nothing)
{
	const char *p = PUT("log", "no line end at all");
	int torn = 0;
	char *s = read_log(p, &torn, NULL);

	cr_assert_str_eq(s, "");
	cr_assert_eq(torn, 1);
	free(s);
	append(p, "x");
	assert_file(p, "x\n");
}

static const char *self_path;

static int
append_echo(void *ctx, const char *line, size_t len, off_t off)
{
	(void)off;
	++*(size_t *)ctx;
	return dur_append(self_path, line, len, 0600) < 0 ? -2 : 0;
}

Test(durable, callback_appends_without_deadlock)
{
	size_t n = 0, total;
	char *s;

	self_path = tpath("log");
	append(self_path, "a");
	append(self_path, "b");
	cr_assert_eq(dur_log_read(self_path, append_echo, &n, NULL), 0);
	cr_assert_eq(n, 2);
	s = read_log(self_path, NULL, &total);
	cr_assert_str_eq(s, "a\nb\na\nb\n");
	free(s);
}

/* "w<TAB>j<TAB>" at the start of line: w and j, and *n the bytes they take
 * (0 when the line does not start so). */
static int
parse_head(const char *line, size_t len, int *w, int *j)
{
	char *end;
	size_t i = 0;

	*w = (int)strtol(line, &end, 10);
	i = (size_t)(end - line);
	if (i == 0 || i >= len || line[i] != '\t')
		return 0;
	*j = (int)strtol(line + i + 1, &end, 10);
	if ((size_t)(end - line) == i + 1 || (size_t)(end - line) >= len ||
	    *end != '\t')
		return 0;
	return (int)(end - line) + 1;
}

/* Each of 8 processes appends 200 records "w<TAB>seq<TAB>filler": every
 * line comes back whole, none is lost, none interleaved, each writer's in
 * its own order.  The filler (up to 9000 bytes) makes a line longer than
 * a pipe's atomic write and than one page. */
#define NW 8
#define NREC 200

static void
appender(const char *p, int w)
{
	char line[9100];
	int j, k, len;

	for (j = 0; j < NREC; j++) {
		len = snprintf(line, sizeof line, "%d\t%d\t", w, j);
		k = (w * 7919 + j * 104729) % 9000;
		memset(line + len, 'a' + w, (size_t)k);
		if (dur_append(p, line, (size_t)(len + k), 0600) < 0)
			_exit(3);
	}
	_exit(0);
}

struct seen {
	int next[NW];
	int bad;
};

static int
check_rec(void *ctx, const char *line, size_t len, off_t off)
{
	struct seen *s = ctx;
	int w, j, n, k, i;

	(void)off;
	n = parse_head(line, len, &w, &j);
	if (n == 0 || w < 0 || w >= NW) {
		s->bad++;
		return 0;
	}
	k = (w * 7919 + j * 104729) % 9000;
	if (j != s->next[w] || len != (size_t)(n + k))
		s->bad++;
	for (i = n; i < (int)len; i++)
		if (line[i] != 'a' + w) {
			s->bad++;
			break;
		}
	s->next[w] = j + 1;
	return 0;
}

Test(durable, concurrent_appenders_never_interleave)
{
	const char *p = tpath("log");
	struct seen s;
	pid_t pid[NW];
	int w, st, torn = 1;

	memset(&s, 0, sizeof s);
	for (w = 0; w < NW; w++) {
		pid[w] = fork();
		cr_assert_neq(pid[w], -1);
		if (pid[w] == 0)
			appender(p, w);
	}
	for (w = 0; w < NW; w++) {
		cr_assert_eq(waitpid(pid[w], &st, 0), pid[w]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	cr_assert_eq(dur_log_read(p, check_rec, &s, &torn), 0);
	cr_assert_eq(s.bad, 0);
	cr_assert_eq(torn, 0);
	for (w = 0; w < NW; w++)
		cr_assert_eq(s.next[w], NREC, "writer %d: %d records", w,
			     s.next[w]);
}

/* A writer killed with SIGKILL at some point of its run: what it had
 * appended reads back whole (at most a torn last line, skipped), and the
 * next append starts a clean line.  Four rounds, killed at other times. */
static void
endless_appender(const char *p)
{
	char line[70000];
	int j, k, len;

	for (j = 0;; j++) {
		len = snprintf(line, sizeof line, "0\t%d\t", j);
		k = (j * 104729) % 9000;
		memset(line + len, 'a', (size_t)k);
		if (dur_append(p, line, (size_t)(len + k), 0600) < 0)
			_exit(3);
	}
}

static int
check_rec0(void *ctx, const char *line, size_t len, off_t off)
{
	struct seen *s = ctx;
	int w, j, n, k, i;

	(void)off;
	if (len == 3 && memcmp(line, "end", 3) == 0) {
		s->next[1]++;
		return 0;
	}
	n = parse_head(line, len, &w, &j);
	if (n == 0 || w != 0) {
		s->bad++;
		return 0;
	}
	k = (j * 104729) % 9000;
	if (j != s->next[0] || len != (size_t)(n + k))
		s->bad++;
	for (i = n; i < (int)len; i++)
		if (line[i] != 'a') {
			s->bad++;
			break;
		}
	s->next[0] = j + 1;
	return 0;
}

Test(durable, killed_appender_leaves_whole_lines)
{
	const char *p;
	char name[16];
	struct seen s;
	pid_t pid;
	int round, st, torn;

	for (round = 0; round < 4; round++) {
		snprintf(name, sizeof name, "log%d", round);
		p = tpath(name);
		pid = fork();
		cr_assert_neq(pid, -1);
		if (pid == 0)
			endless_appender(p);
		while (file_size(p) < 20000 * (round + 1))
			pause_ms(1);
		pause_ms(round * 3);
		kill(pid, SIGKILL);
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		memset(&s, 0, sizeof s);
		cr_assert_eq(dur_log_read(p, check_rec0, &s, &torn), 0);
		cr_assert_eq(s.bad, 0);
		cr_assert_gt(s.next[0], 0);
		append(p, "end");
		memset(&s, 0, sizeof s);
		cr_assert_eq(dur_log_read(p, check_rec0, &s, &torn), 0);
		cr_assert_eq(s.bad, 0);
		cr_assert_eq(torn, 0);
		cr_assert_eq(s.next[1], 1);
	}
}

/* ---- whole files ---- */

Test(durable, replace_writes_beside_then_renames)
{
	const char *p = PUT("cursor", "old\n");
	struct dur_file *f;
	struct stat st;
	mode_t um = umask(022);

	f = dur_create(p, 0644);
	cr_assert_not_null(f);
	cr_assert_eq(count_hidden(), 1);
	cr_assert_eq(dur_write(f, "new", 3), 0);
	cr_assert_eq(dur_write(f, "\n", 1), 0);
	assert_file(p, "old\n");
	cr_assert_eq(dur_commit(f), 0);
	assert_file(p, "new\n");
	cr_assert_eq(count_hidden(), 0);
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644);
	cr_assert_eq(dur_replace(p, "x", 1, 0600), 0);
	assert_file(p, "x");
	cr_assert_eq(count_hidden(), 0);
	umask(um);
}

Test(durable, temporary_is_a_dot_name_beside_the_target)
{
	char cwd[4096];
	struct dur_file *f;
	DIR *d;
	struct dirent *e;
	int found = 0;

	cr_assert_not_null(getcwd(cwd, sizeof cwd));
	cr_assert_eq(chdir(tdir), 0);
	f = dur_create("out.tsv", 0600);	/* no folder in the name */
	cr_assert_not_null(f);
	d = opendir(".");
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".out.tsv.", 9) == 0 &&
		    strlen(e->d_name) == 15)
			found++;
	closedir(d);
	cr_assert_eq(found, 1);
	cr_assert_eq(dur_write(f, "a", 1), 0);
	cr_assert_eq(dur_commit(f), 0);
	assert_file("out.tsv", "a");
	cr_assert_eq(chdir(cwd), 0);
}

Test(durable, abort_and_errors_leave_the_target)
{
	const char *p = PUT("cursor", "old\n");
	struct dur_file *f = dur_create(p, 0600);

	cr_assert_not_null(f);
	cr_assert_geq(dur_fd(f), 0);
	cr_assert_eq(dur_write(f, "new", 3), 0);
	dur_abort(f);
	dur_abort(NULL);
	assert_file(p, "old\n");
	cr_assert_eq(count_hidden(), 0);
	cr_assert_null(dur_create(tpath("no/such/x"), 0600));
	cr_assert_eq(errno, ENOENT);
	/* A folder where the target should be: the rename fails, the
	 * temporary goes. */
	cr_assert_eq(mkdir(tpath("dir"), 0700), 0);
	cr_assert_eq(mkdir(tpath("dir/sub"), 0700), 0);
	cr_assert_eq(dur_replace(tpath("dir"), "x", 1, 0600), -1);
	cr_assert_eq(count_hidden(), 0);
}

Test(durable, more_than_64_at_once_is_emfile)
{
	struct dur_file *f[65];
	char name[16];
	int i;

	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof name, "f%d", i);
		f[i] = dur_create(tpath(name), 0600);
		cr_assert_not_null(f[i], "%d: %s", i, strerror(errno));
	}
	cr_assert_null(dur_create(tpath("one-more"), 0600));
	cr_assert_eq(errno, EMFILE);
	for (i = 0; i < 64; i++)
		dur_abort(f[i]);
	cr_assert_eq(count_hidden(), 0);
	f[0] = dur_create(tpath("again"), 0600);
	cr_assert_not_null(f[0]);
	dur_abort(f[0]);
}

/* A child that starts a whole file and then does what (exit, wait for a
 * signal). */
static pid_t
start_writer(const char *p, int how)
{
	int ready[2];
	char c;
	pid_t pid;

	cr_assert_eq(pipe(ready), 0);
	fflush(NULL);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct dur_file *f = dur_create(p, 0600);
		static char block[1 << 16];

		if (f == NULL)
			_exit(3);
		memset(block, 'n', sizeof block);
		if (dur_write(f, block, sizeof block) < 0)
			_exit(3);
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		if (how == 0)
			exit(0);	/* without commit */
		for (;;)
			if (dur_write(f, block, sizeof block) < 0 ||
			    ftruncate(dur_fd(f), 0) < 0)
				_exit(3);
	}
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

Test(durable, exit_without_commit_removes_the_temporary)
{
	const char *p = PUT("out", "old\n");
	pid_t pid = start_writer(p, 0);
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_file(p, "old\n");
	cr_assert_eq(count_hidden(), 0);
}

Test(durable, signals_remove_the_temporary_and_end_the_program)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	const char *p = PUT("out", "old\n");
	size_t i;
	pid_t pid;
	int st;

	/* As a program starts from a terminal: a test run under nohup, or as
	 * a background job of a script, starts with SIGHUP or SIGINT ignored,
	 * and durable keeps an ignored signal ignored (the writer would never
	 * end).  No dur_create() has run in this process yet. */
	for (i = 0; i < JW_ARRAY_LEN(sigs); i++)
		signal(sigs[i], SIG_DFL);
	for (i = 0; i < JW_ARRAY_LEN(sigs); i++) {
		pid = start_writer(p, 1);
		cr_assert_eq(count_hidden(), 1);
		kill(pid, sigs[i]);
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_assert(WIFSIGNALED(st), "status %d", st);
		cr_assert_eq(WTERMSIG(st), sigs[i]);
		assert_file(p, "old\n");
		cr_assert_eq(count_hidden(), 0);
	}
}

Test(durable, killed_writer_leaves_the_old_file)
{
	const char *p = PUT("out", "old\n");
	pid_t pid = start_writer(p, 1);
	int st;

	pause_ms(5);
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_file(p, "old\n");
	/* Only SIGKILL leaves one, and never under the target's name. */
	cr_assert_eq(count_hidden(), 1);
}

Test(durable, forked_child_keeps_the_parents_temporary)
{
	const char *p = tpath("out");
	struct dur_file *f = dur_create(p, 0600);
	pid_t pid;
	int st;

	cr_assert_not_null(f);
	cr_assert_eq(dur_write(f, "a", 1), 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		exit(0);	/* runs the atexit handler */
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(count_hidden(), 1);
	cr_assert_eq(dur_commit(f), 0);
	assert_file(p, "a");
}

/* ---- the run lock ---- */

static int
try_lock_in_child(const char *p)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int h = dur_lock(p, 0);

		_exit(h >= 0 ? 0 : errno == EWOULDBLOCK ? 1 : 2);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

Test(durable, lock_one_run_at_a_time)
{
	const char *p = tpath("lock");
	int h = dur_lock(p, 0), h2;

	cr_assert_geq(h, 0);
	cr_assert_eq(try_lock_in_child(p), 1);
	dur_unlock(h);
	cr_assert_eq(try_lock_in_child(p), 0);
	h2 = dur_lock(p, 1);
	cr_assert_geq(h2, 0);
	dur_unlock(h2);
	dur_unlock(-1);
	cr_assert_eq(dur_lock(tpath("no/lock"), 0), -1);
	cr_assert_eq(errno, ENOENT);
}

Test(durable, create_in_another_folder_shows_only_the_finished_file)
{
	char spool[4096], tmp[4096], target[4200];
	struct dur_file *f;
	DIR *d;
	struct dirent *e;
	int in_spool = 0, in_tmp = 0;

	snprintf(spool, sizeof spool, "%s/outgoing", tdir);
	snprintf(tmp, sizeof tmp, "%s/tmp", tdir);
	snprintf(target, sizeof target, "%s/msg1", spool);
	cr_assert_eq(mkdir(spool, 0700), 0);
	cr_assert_eq(mkdir(tmp, 0700), 0);
	f = dur_create_in(target, tmp, 0644);
	cr_assert_not_null(f);
	cr_assert_eq(dur_write(f, "To: 8613800138000\n\nhi", 21), 0);
	d = opendir(spool);
	while ((e = readdir(d)) != NULL)
		in_spool += e->d_name[0] != '.';
	closedir(d);
	d = opendir(tmp);
	while ((e = readdir(d)) != NULL)
		in_tmp += strncmp(e->d_name, "msg1.", 5) == 0;
	closedir(d);
	cr_assert_eq(in_spool, 0, "nothing in the spool before the commit");
	cr_assert_eq(in_tmp, 1);
	cr_assert_eq(dur_commit(f), 0);
	assert_file(target, "To: 8613800138000\n\nhi");
	d = opendir(tmp);
	in_tmp = 0;
	while ((e = readdir(d)) != NULL)
		in_tmp += e->d_name[0] != '.';
	closedir(d);
	cr_assert_eq(in_tmp, 0);
}

/* A program's own handler stays its own; it removes the temporaries with
 * dur_remove_temporaries(). */
static void
own_handler(int sig)
{
	(void)sig;
	dur_remove_temporaries();
	_exit(7);
}

Test(durable, own_signal_handler_is_kept)
{
	int ready[2], st;
	char c;
	pid_t pid;

	cr_assert_eq(pipe(ready), 0);
	fflush(NULL);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct dur_file *f;

		signal(SIGTERM, own_handler);
		f = dur_create(tpath("out"), 0600);
		if (f == NULL || write(ready[1], "r", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	cr_assert_eq(count_hidden(), 1);
	kill(pid, SIGTERM);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status %d", st);
	cr_assert_eq(count_hidden(), 0);
}

Test(durable, append_lines_is_one_group_commit)
{
	const char *p = tpath("log");
	char *got;
	size_t n;

	append(p, "first");
	cr_assert_eq(dur_append_lines(p, "a\tb\nc\n", 6, 0600), 0);
	cr_assert_eq(dur_append_lines(p, "\n", 1, 0600), 0);
	/* Not ended by LF, or empty: refused, nothing written. */
	cr_assert_eq(dur_append_lines(p, "x\ny", 3, 0600), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(dur_append_lines(p, "", 0, 0600), -1);
	got = read_log(p, NULL, &n);
	cr_assert_str_eq(got, "first\na\tb\nc\n\n");
	cr_assert_eq(n, 4);
	free(got);
}
