/* casechange: the stage changes not yet reported.  See casechange.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/diag.h"
#include "base/durable.h"
#include "base/util.h"
#include "domain/casechange.h"

const char *const casechange_cols[CASECHANGE_NF + 1] = {
	"case_no", "stage", "time", "unit", "id_no", "name", "phone", NULL
};

void
casechange_init(struct casechange *ch, unsigned long long cursor)
{
	memset(ch, 0, sizeof *ch);
	ch->cursor = cursor;
	arena_init(&ch->mem);
}

void
casechange_release(struct casechange *ch)
{
	free(ch->rows);
	free(ch->now);
	free(ch->then);
	free(ch->old);
	arena_release(&ch->mem);
	memset(ch, 0, sizeof *ch);
}

size_t
casechange_ids(const struct case_event *ev, size_t n,
	       struct casechange_id *ids)
{
	unsigned seen[CS_NSTATES] = { 0 };
	enum case_state prev = CS_NONE, s;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		s = ev[i].stage->state;
		if (ev[i].rejected || s == CS_COMPLAINT || s == prev)
			continue;
		prev = s;
		ids[k].s = s;
		ids[k].nth = seen[s]++;
		ids[k++].i = i;
	}
	return k;
}

/* The changes of a case (events ev[0..nev)) not reported yet, into
 * ch->now; returns their count.  The fold of the events up to the cursor
 * is compared with the fold of all (see casechange.h). */
static size_t
new_changes(struct casechange *ch, struct casefold *st,
	    const struct case_event *ev, size_t nev)
{
	struct case_fold of;
	size_t i, j, nold = 0, nthen = 0, nnow, k = 0;

	for (i = 0; i < nev; i++)
		if (st->ev[ev[i].ref].line > ch->cursor)
			break;
	if (i == nev)
		return 0;	/* nothing since the cursor */
	if (nev > ch->capcase) {
		ch->capcase = 2 * nev;
		ch->now = xreallocarray(ch->now, ch->capcase, sizeof *ch->now);
		ch->then = xreallocarray(ch->then, ch->capcase,
					 sizeof *ch->then);
		ch->old = xreallocarray(ch->old, ch->capcase, sizeof *ch->old);
	}
	for (i = 0; i < nev; i++)
		if (st->ev[ev[i].ref].line <= ch->cursor)
			ch->old[nold++] = ev[i];
	if (nold > 0) {
		/* marks the events the state machine forbids without the
		 * later ones */
		case_fold_events(st->cfg, ch->old, nold, &of, NULL, NULL);
		nthen = casechange_ids(ch->old, nold, ch->then);
	}
	nnow = casechange_ids(ev, nev, ch->now);
	for (i = 0; i < nnow; i++) {
		for (j = 0; j < nthen; j++)
			if (ch->then[j].s == ch->now[i].s &&
			    ch->then[j].nth == ch->now[i].nth)
				break;
		if (j == nthen)
			ch->now[k++] = ch->now[i];
	}
	return k;
}

/* Every party of the case's stage events once, by ID, into all; returns
 * their count. */
static size_t
change_parties(struct casefold *st, const struct case_event *ev, size_t nev,
	       struct case_party *all)
{
	struct case_party pt[CASE_MAX_PARTIES];
	const struct rec_str *copy;
	size_t i, j, nall = 0;
	int np, q;

	for (i = 0; i < nev; i++) {
		np = casefold_parties(st, &ev[i], pt, &copy);
		if (ev[i].stage->state == CS_COMPLAINT)
			continue;
		for (q = 0; q < np && nall < CASE_MAX_PARTIES; q++) {
			for (j = 0; j < nall; j++)
				if (memcmp(all[j].id, pt[q].id, 18) == 0)
					break;
			if (j == nall)
				all[nall++] = pt[q];
		}
	}
	return nall;
}

/* A row of v[0..CASECHANGE_NF), copied, for the event on line. */
static void
add_row(struct casechange *ch, uint32_t line, uint32_t k,
	const struct rec_str *v)
{
	struct casechange_row *r;
	size_t i, n = 0;
	char *p;

	if (ch->n == ch->cap) {
		ch->cap = ch->cap ? 2 * ch->cap : 256;
		ch->rows = xreallocarray(ch->rows, ch->cap, sizeof *ch->rows);
	}
	for (i = 0; i < CASECHANGE_NF; i++)
		n += v[i].len;
	r = &ch->rows[ch->n++];
	r->line = line;
	r->k = k;
	r->f = p = arena_alloc(&ch->mem, n ? n : 1);
	for (i = 0; i < CASECHANGE_NF; i++) {
		memcpy(p, v[i].p, v[i].len);
		p += v[i].len;
		r->len[i] = (uint32_t)v[i].len;
	}
}

void
casechange_take(void *ctx, struct casefold *st, const struct casefold_case *k,
		const struct case_fold *f, struct case_event *ev, size_t nev)
{
	struct casechange *ch = ctx;
	struct case_party all[CASE_MAX_PARTIES];
	struct rec_str v[CASECHANGE_NF];
	size_t c, n, nall, j;
	char t[20];

	if (f->hidden || f->stage == NULL)
		return;
	n = new_changes(ch, st, ev, nev);
	nall = n ? change_parties(st, ev, nev, all) : 0;
	for (c = 0; c < n; c++) {
		const struct case_event *e = &ev[ch->now[c].i];
		const struct case_stage *g = e->stage;
		uint32_t kk = 0;

		if (!g->public)
			continue;
		datetime_format(e->time, t);
		v[0] = rec_str_of(k->no);
		v[1].p = g->name;
		v[1].len = g->len;
		v[2] = rec_str_of(t);
		v[3] = k->unit;
		for (j = 0; j < nall; j++) {
			if (all[j].phonelen == 0)
				continue;
			v[4].p = all[j].id;
			v[4].len = 18;
			v[5].p = all[j].name;
			v[5].len = all[j].namelen;
			v[6].p = all[j].phone;
			v[6].len = all[j].phonelen;
			add_row(ch, st->ev[e->ref].line, kk++, v);
		}
	}
}

static int
row_cmp(const void *a, const void *b)
{
	const struct casechange_row *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->k > y->k) - (x->k < y->k);
}

void
casechange_read(struct casechange *ch, struct casefold *st)
{
	st->copy_all = 1;
	casefold_read(st, 0, casechange_take, ch);
	ch->last = st->maxline;
	if (ch->n > 0)	/* qsort(NULL, 0, ...) is undefined */
		qsort(ch->rows, ch->n, sizeof *ch->rows, row_cmp);
}

void
casechange_write(const struct casechange *ch, struct rec_writer *out)
{
	const struct casechange_row *r;
	const char *p;
	size_t i, j;

	for (i = 0; casechange_cols[i] != NULL; i++)
		rec_writer_add(out, casechange_cols[i]);
	for (i = 0; i < ch->n; i++) {
		r = &ch->rows[i];
		for (p = r->f, j = 0; j < CASECHANGE_NF; p += r->len[j++])
			rec_writer_put(out, p, r->len[j]);
		rec_writer_end(out);
	}
}

/* ---- the cursor ---- */

unsigned long long
casechange_cursor_read(const char *path)
{
	unsigned long long n = 0;
	char buf[64];
	FILE *f = fopen(path, "r");
	size_t len;

	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		diag_die(JW_EXIT_IO, "%s: cannot open: %s", path,
			 strerror(errno));
	}
	len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[len] = '\0';
	if (sscanf(buf, "line %llu\n", &n) != 1)
		diag_die(JW_EXIT_IO, "%s: not a case-status cursor ('line N'); "
			 "remove it to report every change again", path);
	return n;
}

void
casechange_cursor_commit(const struct casechange *ch, const char *path)
{
	char buf[64];

	if (ch->last <= ch->cursor)
		return;
	snprintf(buf, sizeof buf, "line %llu\n", ch->last);
	if (dur_replace(path, buf, strlen(buf), 0644) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot write the cursor: %s", path,
			 strerror(errno));
}
