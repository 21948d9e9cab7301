/*
 * durable: the one module that writes what must survive a crash.
 *
 * Two shapes of file, and nothing else in jingwu writes either:
 *
 * A log (audit, complaints, SMS state) is appended to one line at a time.
 * dur_append() opens with O_APPEND, takes an flock(LOCK_EX) so that
 * concurrent writers in other processes never interleave, writes the
 * whole line in one write(2) (a short write is retried from where it
 * stopped, under the lock), and fsyncs before it returns: when it returns 0
 * the line is on disk.  A writer killed mid-write leaves at most one torn
 * last line (no final LF); dur_log_read() skips it and says so, and the
 * next dur_append() first cuts it off (under the lock), so that the torn
 * bytes never glue onto the next record and no prefix of a record (a
 * shortened ID) ever reads as a whole one.  A torn line was never
 * acknowledged: its dur_append() had not returned 0.  A write that fails
 * part-way (disk full) is taken back the same way.  The folder is fsynced
 * when the log is created.
 *
 * A whole file (a cursor, an index, an -o output) is written beside its
 * target under a temporary name (".NAME.XXXXXX" in the same folder, so the
 * rename stays on one file system), then dur_commit() fsyncs it, renames it
 * over the target and fsyncs the folder.  A reader sees the old file or the
 * new one, never a part.  dur_abort(), an exit without commit, SIGINT,
 * SIGTERM or SIGHUP remove the temporary (the signal then ends the program
 * by the same signal with its default action, so a shell sees status
 * 128 + signal and a shell loop stops); only SIGKILL can leave one behind,
 * and it is never under the target's name.  A signal the program started
 * with ignored (nohup, a background job's SIGINT) stays ignored.  The
 * handlers are installed by the first dur_create(), for the signals whose
 * action is then the default: a program with its own handler (a graceful
 * stop) keeps it, and calls dur_remove_temporaries() from it if it ends
 * there.  A forked child never
 * removes its parent's temporaries.  At most 64 temporaries are under way
 * at once (dur_create() fails with EMFILE past that).
 *
 * Errors: functions that return int return 0, or -1 with errno set; the
 * caller words the message (it knows the file's role).
 */
#ifndef JW_DURABLE_H
#define JW_DURABLE_H

#include <stddef.h>
#include <sys/types.h>

/* Append line (len bytes, without its LF: one is added) to the log at
 * path, creating it with mode (e.g. 0600) when missing.  Durable when it
 * returns 0.  line must not contain LF. */
int dur_append(const char *path, const char *line, size_t len, mode_t mode);

/* Append several lines at once, lines[0..len) each ended by LF (the last
 * byte must be LF), in one write and one fsync: a group commit.  A writer
 * killed mid-write leaves the whole lines that got there and one torn
 * line, cut off as above. */
int dur_append_lines(const char *path, const char *lines, size_t len,
		     mode_t mode);

/* Call fn for each whole line of the log at path, in file order, with its
 * byte offset; a missing file has no lines.  A last line without LF (a
 * torn write) is not passed; *torn (if not NULL) is set to 1 then, else 0.
 * fn returns 0 to go on, non-zero to stop (returned as is).  The lines are
 * those whose append had finished when the call began (the size is taken
 * under a shared lock, then the lock is let go): fn may dur_append() to
 * the same log, and those lines are not passed.  Returns 0, fn's non-zero
 * value, or -1 on a read error. */
int dur_log_read(const char *path,
		 int (*fn)(void *ctx, const char *line, size_t len, off_t off),
		 void *ctx, int *torn);

/* A whole file under way. */
struct dur_file;

/* Create the temporary beside path with mode.  Returns NULL on error
 * (errno set).  The temporary is removed at exit and on SIGINT, SIGTERM
 * and SIGHUP unless committed. */
struct dur_file *dur_create(const char *path, mode_t mode);
/* The same with the temporary in folder dir (NULL: beside path), which
 * must be on path's file system: for a spool whose reader takes any name
 * that appears in its folder (smstools' outgoing/), so that only the
 * finished file ever does. */
struct dur_file *dur_create_in(const char *path, const char *dir,
			       mode_t mode);
/* The temporary's file descriptor, to write to. */
int dur_fd(const struct dur_file *f);
/* Write all n bytes (retrying short writes).  0 or -1. */
int dur_write(struct dur_file *f, const void *p, size_t n);
/* fsync, rename over the target, fsync the folder; frees f (also on
 * error, when the temporary is removed).  0 or -1. */
int dur_commit(struct dur_file *f);
/* Remove the temporary and free f. */
void dur_abort(struct dur_file *f);

/* Replace the file at path with these n bytes, durably (create, write,
 * commit).  0 or -1. */
int dur_replace(const char *path, const void *p, size_t n, mode_t mode);

/* Remove every temporary not yet committed, now.  Async-signal-safe: for a
 * program's own signal handler that ends the program (see above). */
void dur_remove_temporaries(void);

/* An exclusive lock on path (created when missing) for the life of the
 * process or until dur_unlock(): one run at a time on a state folder.
 * With wait set it blocks; else it returns -1 with errno EWOULDBLOCK when
 * another process holds it.  Returns a handle >= 0. */
int dur_lock(const char *path, int wait);
void dur_unlock(int handle);

#endif
