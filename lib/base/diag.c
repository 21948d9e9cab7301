/* diag: messages on stderr.  See diag.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/diag.h"

const char *diag_prog = "jingwu";
int diag_quiet;
void (*diag_before)(void);

static void
vsay(const char *tag, const char *fmt, va_list ap)
{
	/* One fprintf per part, stderr is unbuffered: build the line first so
	 * that concurrent writers (parallel jobs) do not interleave. */
	char line[4096];
	int n;

	n = snprintf(line, sizeof line, "%s: %s", diag_prog, tag);
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	vsnprintf(line + n, sizeof line - n, fmt, ap);
	if (diag_before != NULL)
		diag_before();
	fprintf(stderr, "%s\n", line);
}

void
diag_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

void
diag_warn(const char *fmt, ...)
{
	va_list ap;

	if (diag_quiet)
		return;
	va_start(ap, fmt);
	vsay("warning: ", fmt, ap);
	va_end(ap);
}

void
diag_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
	exit(status);
}
