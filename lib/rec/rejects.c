/* rejects: the rejects stream.  See rejects.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "rec/rejects.h"

/* A row kept until the columns are known: the whole line. */
struct kept {
	char *file, *msg, *text;
	size_t len;
	unsigned long long line;
};

struct rejects {
	char *path;
	struct rec_writer *w;	/* NULL until the columns are known */
	size_t n;		/* the input's fields (0: one, _text) */
	struct kept *kept;
	size_t nkept;
	struct rec_str *g;	/* a row made to fit, n + 1 */
	struct buf last;	/* extra fields joined */
};

static const char *const added[] = { "_file", "_line", "_error" };

struct rejects *
rejects_open(const char *path)
{
	struct rejects *rj = xcalloc(1, sizeof *rj);

	rj->path = xstrdup(path);
	buf_init(&rj->last);
	return rj;
}

int
rejects_has_columns(const struct rejects *rj)
{
	return rj->w != NULL;
}

/* Write one row: f[0..nf) made to fit the n input columns. */
static void
put_row(struct rejects *rj, const struct rec_str *f, size_t nf,
	const char *file, unsigned long long line, const char *msg)
{
	struct rec_str *g = rj->g, vals[3];
	struct rec r = { 0 };
	size_t i, n = rj->n ? rj->n : 1;
	char num[24];

	for (i = 0; i < n; i++)
		g[i] = i < nf ? f[i] : (struct rec_str){ "", 0 };
	if (nf > n) {
		/* Extra fields: keep them, TAB-separated, in the last
		 * column, so that nothing is lost. */
		buf_reset(&rj->last);
		for (i = n - 1; i < nf; i++) {
			buf_add(&rj->last, f[i].p, f[i].len);
			if (i + 1 < nf)
				buf_addc(&rj->last, '\t');
		}
		g[n - 1].p = rj->last.p;
		g[n - 1].len = rj->last.len;
	}
	snprintf(num, sizeof num, "%llu", line);
	vals[0] = (struct rec_str){ file, strlen(file) };
	vals[1] = (struct rec_str){ num, strlen(num) };
	vals[2] = (struct rec_str){ msg, strlen(msg) };
	r.f = g;
	r.n = n;
	rec_writer_rec_plus(rj->w, &r, vals);
}

void
rejects_columns(struct rejects *rj, char *const *names, size_t n)
{
	static const char *const text[] = { "_text" };
	struct rec_writer_opts wo = { REC_TSV, NULL, 0, NULL, 0, 0 };
	struct rec_str f;
	size_t i;

	wo.path = rj->path;
	rj->w = rec_writer_open(&wo);
	rj->n = n;
	rj->g = xreallocarray(NULL, n + 1, sizeof *rj->g);
	if (n == 0)
		rec_writer_add_names_plus(rj->w, text, 1, added, 3);
	else
		rec_writer_add_names_plus(rj->w, (const char *const *)names,
					  n, added, 3);
	for (i = 0; i < rj->nkept; i++) {
		struct kept *k = &rj->kept[i];

		f.p = k->text;
		f.len = k->len;
		put_row(rj, &f, 1, k->file, k->line, k->msg);
		free(k->file);
		free(k->msg);
		free(k->text);
	}
	free(rj->kept);
	rj->kept = NULL;
	rj->nkept = 0;
}

void
rejects_put(struct rejects *rj, const struct rec_str *f, size_t nf,
	    const char *file, unsigned long long line, const char *msg)
{
	struct kept *k;
	size_t i;

	if (rj->w != NULL) {
		put_row(rj, f, nf, file, line, msg);
		return;
	}
	/* The line may hold NUL bytes: a copy with its length (fields
	 * TAB-joined, should there be several). */
	buf_reset(&rj->last);
	for (i = 0; i < nf; i++) {
		if (i > 0)
			buf_addc(&rj->last, '\t');
		buf_add(&rj->last, f[i].p, f[i].len);
	}
	rj->kept = xreallocarray(rj->kept, rj->nkept + 1, sizeof *rj->kept);
	k = &rj->kept[rj->nkept++];
	k->file = xstrdup(file);
	k->msg = xstrdup(msg);
	k->text = xmemdup(rj->last.p, rj->last.len);
	k->len = rj->last.len;
	k->line = line;
}

void
rejects_close(struct rejects *rj)
{
	if (rj == NULL)
		return;
	if (rj->w == NULL)
		rejects_columns(rj, NULL, 0);
	rec_writer_close(rj->w);
	buf_release(&rj->last);
	free(rj->path);
	free(rj->g);
	free(rj);
}
