/* progress: the progress line on a terminal.  See progress.h. */
#include <stdio.h>
#include <unistd.h>

#include "base/diag.h"
#include "rec/progress.h"

/* The line on the screen now, for the hook diag.h calls before a
 * message. */
static struct progress *showing;

static void
erase(void)
{
	if (showing != NULL) {
		fputs("\r\033[K", stderr);
		showing->shown = 0;
		showing = NULL;
	}
}

void
progress_init(struct progress *p, int allowed)
{
	p->on = allowed && !diag_quiet && isatty(2);
	p->shown = 0;
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	p->tlast = p->t0;
	if (p->on)
		diag_before = erase;
}

static double
secs_since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* An amount of bytes, or bytes a second, with digits that mean something:
 * "12 MB", "1.5 MB", "850 kB/s", "6 B" (never "0 MB/s" for a slow
 * input). */
static void
amount(char *out, size_t n, double v, const char *per)
{
	if (v >= 10e6)
		snprintf(out, n, "%.0f MB%s", v / 1e6, per);
	else if (v >= 1e6)
		snprintf(out, n, "%.1f MB%s", v / 1e6, per);
	else if (v >= 1e3)
		snprintf(out, n, "%.0f kB%s", v / 1e3, per);
	else
		snprintf(out, n, "%.0f B%s", v, per);
}

void
progress_tick(struct progress *p, unsigned long long nrec,
	      unsigned long long bytes)
{
	struct timespec now;
	char size[32], rate[32];
	double el;

	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	el = secs_since(&p->t0, &now);
	if (el < 2.0 || secs_since(&p->tlast, &now) < 0.5)
		return;
	p->tlast = now;
	amount(size, sizeof size, (double)bytes, "");
	amount(rate, sizeof rate, (double)bytes / el, "/s");
	if (showing != NULL && showing != p)
		erase();
	fprintf(stderr, "\r\033[K%s: %llu record%s, %s, %s", diag_prog,
		nrec, nrec == 1 ? "" : "s", size, rate);
	p->shown = 1;
	showing = p;
}

void
progress_done(struct progress *p)
{
	if (showing == p)
		erase();
}
