/*
 * diag: the one shape of every message, "prog: where: what" on stderr.
 *
 * diag_prog is set once by cli_main().  Warnings are silenced by -q
 * (diag_quiet); errors never are.  diag_die() prints and exits with the
 * given status; it is how library code stops on configuration (3), I/O (4)
 * and internal (5) errors.
 */
#ifndef JW_DIAG_H
#define JW_DIAG_H

extern const char *diag_prog;	/* program name, "jingwu" until set */
extern int diag_quiet;		/* -q: silence warnings */
/* Called before each message, when set: the progress line (progress.h)
 * erases itself so that a message starts on a clean line. */
extern void (*diag_before)(void);

/* "prog: " + message + "\n" on stderr. */
void diag_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: warning: " + message, unless diag_quiet. */
void diag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* diag_error() then exit(status). */
void diag_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
