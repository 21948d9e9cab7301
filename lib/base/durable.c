/* durable: logs appended to and whole files replaced, crash-safe.  See
 * durable.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/durable.h"
#include "base/util.h"

/* ---- the temporaries still to be removed ----
 *
 * A fixed table, because a signal handler reads it: each slot holds a
 * path (copied in, never freed) and is in use while its owner pid is set.
 * Changes happen with the cleanup signals blocked in the changing thread
 * and under a spin lock, so a handler running on another thread (the
 * record reader's read-ahead thread can take the signal) waits for a
 * change to finish and never sees half a path. */
#define DUR_SLOTS 64

struct slot {
	pid_t owner;		/* 0: free */
	char path[PATH_MAX];
};

static struct slot slots[DUR_SLOTS];
static atomic_flag slots_lock = ATOMIC_FLAG_INIT;
static int hooked;
static const int cleanup_sigs[] = { SIGINT, SIGTERM, SIGHUP };

static void
slots_take(void)
{
	while (atomic_flag_test_and_set_explicit(&slots_lock,
						 memory_order_acquire))
		;
}

static void
slots_give(void)
{
	atomic_flag_clear_explicit(&slots_lock, memory_order_release);
}

/* Remove this process's temporaries (not a forked child's parent's). */
static void
unlink_all(void)
{
	pid_t me = getpid();
	size_t i;

	for (i = 0; i < DUR_SLOTS; i++)
		if (slots[i].owner == me)
			unlink(slots[i].path);
}

static void block_sigs(sigset_t *old);

void
dur_remove_temporaries(void)
{
	/* No lock: a signal handler calls this, perhaps on the thread that
	 * holds it.  Each slot is whole or free at any time it looks, but
	 * for one being changed at that instant. */
	unlink_all();
}

static void
on_exit_cleanup(void)
{
	sigset_t old;
	size_t i;

	block_sigs(&old);
	slots_take();
	unlink_all();
	for (i = 0; i < DUR_SLOTS; i++)
		slots[i].owner = 0;
	slots_give();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Remove the temporaries, then end by the same signal with its default
 * action (a shell sees status 128 + signal, and a shell loop knows the
 * program was interrupted).  Only async-signal-safe calls. */
static void
on_signal(int sig)
{
	sigset_t s;

	slots_take();
	unlink_all();
	/* Keep the lock: another thread must not register a new one now. */
	signal(sig, SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	raise(sig);
	_exit(128 + sig);	/* not reached */
}

static void
hook(void)
{
	struct sigaction sa, old;
	size_t i;

	if (hooked)
		return;
	hooked = 1;
	atexit(on_exit_cleanup);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < JW_ARRAY_LEN(cleanup_sigs); i++)
		sigaddset(&sa.sa_mask, cleanup_sigs[i]);
	for (i = 0; i < JW_ARRAY_LEN(cleanup_sigs); i++) {
		/* A signal the shell set to be ignored (nohup, a background
		 * job's SIGINT) stays ignored, and one the program handles
		 * itself stays its own (it calls dur_remove_temporaries()). */
		if (sigaction(cleanup_sigs[i], NULL, &old) == 0 &&
		    ((old.sa_flags & SA_SIGINFO) ||
		     old.sa_handler != SIG_DFL))
			continue;
		sigaction(cleanup_sigs[i], &sa, NULL);
	}
}

static void
block_sigs(sigset_t *old)
{
	sigset_t s;
	size_t i;

	sigemptyset(&s);
	for (i = 0; i < JW_ARRAY_LEN(cleanup_sigs); i++)
		sigaddset(&s, cleanup_sigs[i]);
	pthread_sigmask(SIG_BLOCK, &s, old);
}

/* Create a temporary beside path (or in dir) and register it in one step,
 * so that no signal falls between the two.  Returns the slot or -1 (errno
 * set). */
static int
tmp_create(const char *path, const char *dir, char *tmp, size_t ntmp,
	   int *fd)
{
	const char *slash = strrchr(path, '/');
	int len = slash ? (int)(slash - path + 1) : 0;
	sigset_t old;
	int i, e, n;

	if (dir != NULL)
		n = snprintf(tmp, ntmp, "%s/%s.XXXXXX", dir,
			     slash ? slash + 1 : path);
	else
		n = snprintf(tmp, ntmp, "%.*s.%s.XXXXXX", len, path,
			     slash ? slash + 1 : path);
	if (n >= (int)ntmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	hook();
	block_sigs(&old);
	slots_take();
	for (i = 0; i < DUR_SLOTS && slots[i].owner != 0; i++)
		;
	if (i == DUR_SLOTS) {
		e = EMFILE;
		goto fail;
	}
	*fd = mkostemp(tmp, O_CLOEXEC);
	if (*fd < 0) {
		e = errno;
		goto fail;
	}
	memcpy(slots[i].path, tmp, strlen(tmp) + 1);
	slots[i].owner = getpid();
	slots_give();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return i;
fail:
	slots_give();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return -1;
}

static void
tmp_forget(int i)
{
	sigset_t old;

	block_sigs(&old);
	slots_take();
	slots[i].owner = 0;
	slots_give();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- helpers ---- */

static int
write_full(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t r;

	while (n > 0) {
		r = write(fd, s, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
lock_fd(int fd, int op)
{
	while (flock(fd, op) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* fsync the folder holding path, so that a new name in it survives a
 * crash.  A file system that cannot sync folders (EINVAL) is let be. */
static int
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd, r, e;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else if ((size_t)(slash - path) >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	e = errno;
	close(fd);
	if (r < 0 && e != EINVAL) {
		errno = e;
		return -1;
	}
	return 0;
}

static mode_t
umask_now(void)
{
	mode_t m = umask(0);

	umask(m);
	return m;
}

/* ---- logs ---- */

/* Offset just past the last LF before end (0 when none).  -1 on error. */
static off_t
last_lf_end(int fd, off_t end)
{
	char b[4096];
	off_t at = end;
	ssize_t r;
	size_t k;

	while (at > 0) {
		k = at < (off_t)sizeof b ? (size_t)at : sizeof b;
		at -= (off_t)k;
		r = pread(fd, b, k, at);
		if (r < 0 && errno == EINTR) {
			at += (off_t)k;
			continue;
		}
		if (r != (ssize_t)k) {
			if (r >= 0)
				errno = EIO;
			return -1;
		}
		while (k > 0)
			if (b[--k] == '\n')
				return at + (off_t)k + 1;
	}
	return 0;
}

static int append_iov(const char *path, struct iovec iov[2], mode_t mode);

int
dur_append(const char *path, const char *line, size_t len, mode_t mode)
{
	struct iovec iov[2];

	if (memchr(line, '\n', len) != NULL) {
		errno = EINVAL;
		return -1;
	}
	/* The record and its LF in one system call. */
	iov[0].iov_base = (void *)(uintptr_t)line;
	iov[0].iov_len = len;
	iov[1].iov_base = (void *)(uintptr_t)"\n";
	iov[1].iov_len = 1;
	return append_iov(path, iov, mode);
}

int
dur_append_lines(const char *path, const char *lines, size_t len,
		 mode_t mode)
{
	struct iovec iov[2];

	if (len == 0 || lines[len - 1] != '\n') {
		errno = EINVAL;
		return -1;
	}
	iov[0].iov_base = (void *)(uintptr_t)lines;
	iov[0].iov_len = len;
	iov[1].iov_base = (void *)(uintptr_t)"";
	iov[1].iov_len = 0;
	return append_iov(path, iov, mode);
}

/* A writer killed mid-line left a torn last line: its write never
 * completed, so its caller never heard "durable".  Cut it off, so that no
 * prefix of a record (a shortened ID) reads as a record.  *sizep is the
 * file's size, and becomes its size after.  Returns 0, or -1 with errno. */
static int
cut_torn_line(int fd, off_t *sizep)
{
	off_t keep;
	char last;
	ssize_t r;

	if (*sizep == 0)
		return 0;
	do
		r = pread(fd, &last, 1, *sizep - 1);
	while (r < 0 && errno == EINTR);
	if (r != 1) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	if (last != '\n') {
		keep = last_lf_end(fd, *sizep);
		if (keep < 0 || ftruncate(fd, keep) < 0)
			return -1;
		*sizep = keep;
	}
	return 0;
}

/* Write iov[0..2) whole, in one writev (retried from where a short one
 * stopped).  On an error the file is cut back to size: a disk full
 * part-way takes the part back, so the log ends on a whole line.  Returns
 * 0, or -1 with errno. */
static int
write_iov(int fd, struct iovec iov[2], off_t size)
{
	ssize_t r;
	size_t i;
	int e;

	for (i = 0; i < 2;) {
		if (iov[i].iov_len == 0) {	/* an empty record, or no LF */
			i++;
			continue;
		}
		r = writev(fd, iov + i, (int)(2 - i));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			if (ftruncate(fd, size) == 0)
				fsync(fd);
			errno = e;
			return -1;
		}
		while (i < 2 && (size_t)r >= iov[i].iov_len)
			r -= (ssize_t)iov[i++].iov_len;
		if (i < 2) {
			iov[i].iov_base = (char *)iov[i].iov_base + r;
			iov[i].iov_len -= (size_t)r;
		}
	}
	return 0;
}

/* Append the bytes of iov[0..2) under the lock, after cutting a torn last
 * line off, fsynced. */
static int
append_iov(const char *path, struct iovec iov[2], mode_t mode)
{
	struct stat st;
	off_t size;
	int fd, created = 0, e;

	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, mode);
		created = 1;
	} else if (fd >= 0) {
		/* Reading the last byte needs a readable descriptor. */
		close(fd);
		fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	}
	if (fd < 0)
		return -1;
	if (lock_fd(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0)
		goto fail;
	size = st.st_size;
	if (cut_torn_line(fd, &size) < 0 || write_iov(fd, iov, size) < 0)
		goto fail;
	if (fsync(fd) < 0)
		goto fail;
	if (created && sync_dir(path) < 0)
		goto fail;
	if (close(fd) < 0)	/* also drops the lock */
		return -1;
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int
dur_log_read(const char *path,
	     int (*fn)(void *ctx, const char *line, size_t len, off_t off),
	     void *ctx, int *torn)
{
	struct stat st;
	char *b = NULL, *nl;
	size_t cap = 64 << 10, have = 0, start;
	off_t size, at = 0, base = 0;
	ssize_t r;
	int fd, e, ret = 0;

	if (torn != NULL)
		*torn = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	/* The size under a shared lock: no append is half done then, so
	 * every byte before it belongs to a finished append or to a torn
	 * one.  The lock is let go before fn runs, so fn may append. */
	if (lock_fd(fd, LOCK_SH) < 0 || fstat(fd, &st) < 0 ||
	    lock_fd(fd, LOCK_UN) < 0)
		goto fail;
	size = st.st_size;
	b = xmalloc(cap);
	while (at < size) {
		if (have == cap) {
			cap *= 2;
			b = xrealloc(b, cap);
		}
		r = pread(fd, b + have, size - at < (off_t)(cap - have) ?
			  (size_t)(size - at) : cap - have, at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;	/* cut short since: the rest is gone */
		at += r;
		have += (size_t)r;
		start = 0;
		while ((nl = memchr(b + start, '\n', have - start)) != NULL) {
			ret = fn(ctx, b + start, (size_t)(nl - b - start),
				 base + (off_t)start);
			if (ret != 0)
				goto out;
			start = (size_t)(nl - b) + 1;
		}
		memmove(b, b + start, have - start);
		have -= start;
		base += (off_t)start;
	}
	if (have > 0 && torn != NULL)
		*torn = 1;
out:
	free(b);
	close(fd);
	return ret;
fail:
	e = errno;
	free(b);
	close(fd);
	errno = e;
	return -1;
}

/* ---- whole files ---- */

struct dur_file {
	int fd;
	int slot;
	char *path;
	char tmp[PATH_MAX];
};

struct dur_file *
dur_create(const char *path, mode_t mode)
{
	return dur_create_in(path, NULL, mode);
}

struct dur_file *
dur_create_in(const char *path, const char *dir, mode_t mode)
{
	struct dur_file *f = xcalloc(1, sizeof *f);

	f->slot = tmp_create(path, dir, f->tmp, sizeof f->tmp, &f->fd);
	if (f->slot < 0) {
		free(f);
		return NULL;
	}
	f->path = xstrdup(path);
	/* mkstemp made it 0600; give it what open(2) would have. */
	fchmod(f->fd, mode & ~umask_now());
	return f;
}

int
dur_fd(const struct dur_file *f)
{
	return f->fd;
}

int
dur_write(struct dur_file *f, const void *p, size_t n)
{
	return write_full(f->fd, p, n);
}

static void
dur_free(struct dur_file *f)
{
	free(f->path);
	free(f);
}

int
dur_commit(struct dur_file *f)
{
	int e, fd = f->fd;

	f->fd = -1;
	if (fsync(fd) < 0 && errno != EINVAL) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		e = errno;
		goto fail;
	}
	if (rename(f->tmp, f->path) < 0) {
		e = errno;
		goto fail;
	}
	/* After the rename: a signal before this line removes a name that
	 * is no longer there, which is harmless; the other order could
	 * leave the temporary behind. */
	tmp_forget(f->slot);
	if (sync_dir(f->path) < 0) {
		e = errno;
		dur_free(f);
		errno = e;
		return -1;
	}
	dur_free(f);
	return 0;
fail:
	unlink(f->tmp);
	tmp_forget(f->slot);
	dur_free(f);
	errno = e;
	return -1;
}

void
dur_abort(struct dur_file *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	unlink(f->tmp);
	tmp_forget(f->slot);
	dur_free(f);
}

int
dur_replace(const char *path, const void *p, size_t n, mode_t mode)
{
	struct dur_file *f = dur_create(path, mode);
	int e;

	if (f == NULL)
		return -1;
	if (dur_write(f, p, n) < 0) {
		e = errno;
		dur_abort(f);
		errno = e;
		return -1;
	}
	return dur_commit(f);
}

/* ---- one run at a time ---- */

int
dur_lock(const char *path, int wait)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600), e;

	if (fd < 0)
		return -1;
	if (lock_fd(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void
dur_unlock(int handle)
{
	if (handle >= 0)
		close(handle);
}
