/* casefold: a case event log folded into cases.  See casefold.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/date.h"
#include "base/diag.h"
#include "base/util.h"
#include "domain/casefold.h"

/* ---- the store ---- */

void
casefold_init(struct casefold *st, const struct case_cfg *c,
	      struct rec_reader *in, const struct casefold_fields *ix,
	      const struct rec_reader_opts *ro)
{
	memset(st, 0, sizeof *st);
	st->cfg = c;
	st->in = in;
	st->ix = ix;
	st->ro = *ro;
	arena_init(&st->mem);
	st->memo = casefold_memo_new();
}

static void
late_free(struct casefold *st)
{
	size_t i;

	for (i = 0; i < st->nrej; i++)
		free(st->rej[i].why);
	free(st->rej);
	st->rej = NULL;
	st->nrej = st->caprej = 0;
}

void
casefold_release(struct casefold *st)
{
	late_free(st);
	free(st->byno);
	arena_release(&st->mem);
	free(st->cases);
	free(st->ev);
	free(st->order);
	free(st->fold);
	free(st->files);
	free(st->copies);
	free(st->copyof);
	free(st->full);
	free(st->memo);
	memset(st, 0, sizeof *st);
}

/* Empty the store for the next case (--sorted); file names stay. */
static void
store_reset(struct casefold *st)
{
	size_t i;

	free(st->byno);
	st->byno = NULL;
	st->nbyno = st->capbyno = 0;
	for (i = 0; i < st->nfiles; i++)	/* they live in mem */
		st->files[i] = xstrdup(st->files[i]);
	arena_release(&st->mem);
	for (i = 0; i < st->nfiles; i++) {
		char *s = (char *)st->files[i];

		st->files[i] = arena_strdup(&st->mem, s);
		free(s);
	}
	st->ncases = st->nev = st->ncopies = 0;
	st->last = 0;
	st->scattered = 0;
}

/* A valid case number as a number that sorts as the text does: type bit,
 * then the 16 digits. */
static uint64_t
case_key(const char *p)
{
	uint64_t k = 0;
	int i;

	for (i = 1; i < CASE_NO_LEN; i++)
		k = k * 10 + (uint64_t)(p[i] - '0');
	return p[0] == 'X' ? k | (1ULL << 63) : k;
}

/* The slot of key in the table of case numbers: its own, or the empty
 * one where it goes (open addressing, linear probing). */
static struct casefold_slot *
byno_slot(struct casefold_slot *t, size_t cap, uint64_t key)
{
	uint64_t h = key;
	size_t i;

	h ^= h >> 33;		/* murmur3's finaliser: every bit counts */
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	i = (size_t)h & (cap - 1);

	while (t[i].ci != 0 && t[i].key != key)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* Room in the table for one more case number (at most half full). */
static void
byno_grow(struct casefold *st)
{
	struct casefold_slot *old = st->byno, *s;
	size_t i, oldcap = st->capbyno;

	if (2 * (st->nbyno + 1) <= st->capbyno)
		return;
	st->capbyno = oldcap ? 2 * oldcap : 4096;
	st->byno = xcalloc(st->capbyno, sizeof *st->byno);
	for (i = 0; i < oldcap; i++)
		if (old[i].ci != 0) {
			s = byno_slot(st->byno, st->capbyno, old[i].key);
			*s = old[i];
		}
	free(old);
}

/* The case's index, made when new. */
static uint32_t
store_case(struct casefold *st, struct rec_str no)
{
	struct casefold_slot *slot;
	struct casefold_case *k;
	uint64_t key;

	if (st->last && memcmp(st->cases[st->last - 1].no, no.p,
			       CASE_NO_LEN) == 0)
		return st->last - 1;
	key = case_key(no.p);
	byno_grow(st);
	slot = byno_slot(st->byno, st->capbyno, key);
	if (slot->ci != 0) {
		st->last = slot->ci;
		return slot->ci - 1;
	}
	slot->key = key;
	st->nbyno++;
	if (st->ncases == st->capcases) {
		st->capcases = st->capcases ? 2 * st->capcases : 1024;
		st->cases = xreallocarray(st->cases, st->capcases,
					  sizeof *st->cases);
	}
	slot->ci = (uint32_t)st->ncases + 1;
	k = &st->cases[st->ncases];
	memset(k, 0, sizeof *k);
	k->no = arena_memdup(&st->mem, no.p, no.len);
	k->key = key;
	k->cat = -1;
	k->ftime = INT64_MIN;
	k->unit = k->officer = rec_str_of("");
	st->last = (uint32_t)++st->ncases;
	return st->last - 1;
}

static uint16_t
store_file(struct casefold *st, const char *name)
{
	if (st->nfiles && strcmp(st->files[st->nfiles - 1], name) == 0)
		return (uint16_t)(st->nfiles - 1);
	if (st->nfiles == 65535)
		diag_die(JW_EXIT_USAGE, "more than 65535 input files");
	st->files = xreallocarray(st->files, st->nfiles + 1,
				  sizeof *st->files);
	st->files[st->nfiles] = arena_strdup(&st->mem, name);
	return (uint16_t)st->nfiles++;
}

static void
set_field(struct casefold *st, struct rec_str *to, struct rec_str v)
{
	if (v.len == 0 || rec_str_eq(*to, v))
		return;
	to->p = arena_memdup(&st->mem, v.p, v.len);
	to->len = v.len;
}

/* keep: a copy of every field of r, NUL-joined, for event nev - 1. */
static void
store_keep(struct casefold *st, const struct rec *r)
{
	size_t i, n = 0;
	char *q;

	for (i = 0; i < r->n; i++)
		n += r->f[i].len + 1;
	if (st->nev > st->capfull) {
		st->capfull = st->capev;
		st->full = xreallocarray(st->full, st->capfull,
					 sizeof *st->full);
	}
	q = st->full[st->nev - 1] = arena_alloc(&st->mem, n + 1);
	for (i = 0; i < r->n; i++) {
		memcpy(q, r->f[i].p, r->f[i].len);
		q += r->f[i].len;
		*q++ = '\0';
	}
}

/* copy_all, copy_id: a copy of r's parties and receipt for the event just
 * added. */
static void
store_copy(struct casefold *st, const struct rec *r)
{
	const struct casefold_fields *ix = st->ix;
	struct rec_str pf = r->f[ix->parties], *c;

	if (st->copyof != NULL)
		st->copyof[st->nev - 1] = 0;
	if (st->copy_id != NULL && pf.len >= 18 &&
	    memmem(pf.p, pf.len, st->copy_id, 18) != NULL)
		st->cases[st->ev[st->nev - 1].ci].named = 1;
	else if (!(st->copy_all && pf.len > 0))
		return;
	if (st->ncopies == st->capcopies) {
		st->capcopies = st->capcopies ? 2 * st->capcopies : 64;
		st->copies = xreallocarray(st->copies, st->capcopies,
					   sizeof *st->copies);
	}
	c = st->copies[st->ncopies++];
	c[0].p = arena_memdup(&st->mem, pf.p, pf.len);
	c[0].len = pf.len;
	c[1] = rec_str_of("");
	if (ix->receipt != REC_NONE)
		set_field(st, &c[1], r->f[ix->receipt]);
	st->copyof[st->nev - 1] = (uint32_t)st->ncopies;
}

/* Hold event r (checked into e and cat; bad: it was rejected) under its
 * case. */
static void
store_add(struct casefold *st, const struct rec *r,
	  const struct case_event *e, int cat, int bad)
{
	const struct casefold_fields *ix = st->ix;
	struct casefold_case *k;
	struct casefold_ev *v;
	uint32_t ci = store_case(st, r->f[ix->no]);

	k = &st->cases[ci];
	if (bad) {
		/* Its flags cannot be trusted: fail closed. */
		k->bad = 1;
		return;
	}
	if (e->time >= k->ftime) {
		k->ftime = e->time;
		if (cat >= 0)
			k->cat = cat;
		set_field(st, &k->unit, r->f[ix->unit]);
		set_field(st, &k->officer, r->f[ix->officer]);
	} else {
		if (k->cat < 0)
			k->cat = cat;
		if (k->unit.len == 0)
			set_field(st, &k->unit, r->f[ix->unit]);
		if (k->officer.len == 0)
			set_field(st, &k->officer, r->f[ix->officer]);
	}
	if (st->nev == st->capev) {
		st->capev = st->capev ? 2 * st->capev : 4096;
		st->ev = xreallocarray(st->ev, st->capev, sizeof *st->ev);
		if (st->copy_all || st->copy_id != NULL)
			st->copyof = xreallocarray(st->copyof, st->capev,
						   sizeof *st->copyof);
	}
	/* Each case's events one after the other (as most logs have them):
	 * no index by case is needed. */
	if (k->nev == 0)
		k->first = (uint32_t)st->nev;
	else if (k->first + k->nev != st->nev)
		st->scattered = 1;
	if (st->nev >= UINT32_MAX - 1)
		diag_die(JW_EXIT_INTERNAL, "more than 4 billion events: use "
			 "--sorted");
	v = &st->ev[st->nev++];
	v->time = e->time;
	v->ci = ci;
	v->line = r->line > UINT32_MAX ? UINT32_MAX : (uint32_t)r->line;
	v->file = store_file(st, r->file);
	v->stage = (uint8_t)(e->stage - st->cfg->stages);
	v->hidden = e->hidden;
	v->limit = e->limit_days;
	if (st->keep)
		store_keep(st, r);
	store_copy(st, r);
	k->nev++;
}

/* Index the events by case when they were not grouped so: st->order
 * holds event indexes grouped by case (counting sort, input order within
 * a case), cases[i].first the start. */
static void
store_group(struct casefold *st)
{
	size_t i, at = 0;

	free(st->order);
	st->order = NULL;
	if (!st->scattered)
		return;		/* cases[i].first is right */
	st->order = xreallocarray(NULL, st->nev + 1, sizeof *st->order);
	for (i = 0; i < st->ncases; i++) {
		st->cases[i].first = (uint32_t)at;
		at += st->cases[i].nev;
		st->cases[i].fill = 0;
	}
	for (i = 0; i < st->nev; i++) {
		struct casefold_case *k = &st->cases[st->ev[i].ci];

		st->order[k->first + k->fill++] = (uint32_t)i;
	}
}

static void
fold_reject(void *ctx, const struct case_event *e, const char *why)
{
	struct casefold *st = ctx;
	const struct casefold_ev *v = &st->ev[e->ref];
	struct buf b = BUF_INIT;
	struct casefold_late *j;

	if (st->nrej == st->caprej) {
		st->caprej = st->caprej ? 2 * st->caprej : 64;
		st->rej = xreallocarray(st->rej, st->caprej, sizeof *st->rej);
	}
	buf_printf(&b, "case '%s': %s", st->cases[v->ci].no, why);
	if (st->keep) {		/* now, from the copy */
		struct rec_str *f = xcalloc(rec_reader_nfields(st->in) + 1,
					    sizeof *f);
		const char *p = st->full[e->ref];
		struct rec r;
		size_t i;

		for (i = 0; i < rec_reader_nfields(st->in); i++) {
			f[i] = rec_str_of(p);
			p += f[i].len + 1;
		}
		memset(&r, 0, sizeof r);
		r.f = f;
		r.n = rec_reader_nfields(st->in);
		r.file = st->files[v->file];
		r.line = v->line;
		rec_reject(st->in, &r, "%s", b.p);
		free(f);
		buf_release(&b);
		return;
	}
	if (st->drop_late) {
		st->nlate++;
		buf_release(&b);
		return;
	}
	j = &st->rej[st->nrej++];
	j->file = v->file;
	j->line = v->line;
	j->why = buf_detach(&b, NULL);
}

/* The index of case k's event i. */
static inline uint32_t
ev_at(const struct casefold *st, const struct casefold_case *k, size_t i)
{
	return st->order ? st->order[k->first + i] : k->first + (uint32_t)i;
}

/* Fold case ci; its sorted events go to *evp (owned by st, valid until the
 * next call). */
static void
store_fold(struct casefold *st, uint32_t ci, struct case_fold *f,
	   struct case_event **evp, size_t *nevp)
{
	struct casefold_case *k = &st->cases[ci];
	const struct casefold_ev *v;
	struct case_event *e;
	size_t i;

	if (k->nev > st->capfold) {
		st->capfold = k->nev * 2;
		free(st->fold);
		st->fold = xreallocarray(NULL, st->capfold, sizeof *st->fold);
	}
	for (i = 0; i < k->nev; i++) {
		uint32_t at = ev_at(st, k, i);

		v = &st->ev[at];
		e = &st->fold[i];
		e->time = v->time;
		e->seq = (uint32_t)i;
		e->stage = &st->cfg->stages[v->stage];
		e->limit_days = v->limit;
		e->hidden = v->hidden;
		e->rejected = 0;
		e->ref = at;
	}
	case_fold_events(st->cfg, st->fold, k->nev, f, fold_reject, st);
	f->hidden |= k->bad;
	*evp = st->fold;
	*nevp = k->nev;
}

/* Sort n case indexes by key: insertion for a few (a lookup's cases),
 * else LSD radix, 16 bits a pass. */
static void
sort_cases(const struct casefold *st, uint32_t *by, size_t n)
{
	uint32_t *tmp, *a = by, *b, *t, x;
	size_t *cnt, i, j, sum, c;
	int pass;

	if (n <= 64) {
		for (i = 1; i < n; i++) {
			x = by[i];
			for (j = i; j > 0 && st->cases[by[j - 1]].key >
			     st->cases[x].key; j--)
				by[j] = by[j - 1];
			by[j] = x;
		}
		return;
	}
	b = tmp = xreallocarray(NULL, n + 1, sizeof *tmp);
	cnt = xcalloc(65536, sizeof *cnt);

	for (pass = 0; pass < 4; pass++) {
		int sh = 16 * pass;

		memset(cnt, 0, 65536 * sizeof *cnt);
		for (i = 0; i < n; i++)
			cnt[(st->cases[a[i]].key >> sh) & 0xffff]++;
		if (cnt[(st->cases[a[0]].key >> sh) & 0xffff] == n)
			continue;	/* all the same here */
		for (i = 0, sum = 0; i < 65536; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			b[cnt[(st->cases[a[i]].key >> sh) & 0xffff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	if (a != by)
		memcpy(by, a, n * sizeof *by);
	free(cnt);
	free(tmp);
}

/* The first events of case k, soon to be folded. */
static void
prefetch_events(const struct casefold *st, const struct casefold_case *k)
{
	const struct casefold_ev *v;

	if (k->nev == 0)
		return;
	v = &st->ev[ev_at(st, k, 0)];
	__builtin_prefetch(v);
	__builtin_prefetch((const char *)v + 64);
	if (k->nev > 4)
		__builtin_prefetch((const char *)v + 128);
}

static void
store_each(struct casefold *st, int sort, casefold_fn *fn, void *ctx)
{
	struct case_event *ev;
	struct case_fold f;
	uint32_t *by;
	size_t i, n = 0, nev;

	if (st->ncases == 0)
		return;
	store_group(st);
	by = xreallocarray(NULL, st->ncases + 1, sizeof *by);
	for (i = 0; i < st->ncases; i++)
		if (!st->only_named || st->cases[i].named)
			by[n++] = (uint32_t)i;
	if (sort)
		sort_cases(st, by, n);
	for (i = 0; i < n; i++) {
		/* In case number order the cases and their events are all
		 * over memory: ask for them a few cases ahead. */
		if (i + 8 < n)
			__builtin_prefetch(&st->cases[by[i + 8]]);
		if (i + 4 < n && st->order != NULL)
			__builtin_prefetch(&st->order[st->cases[by[i + 4]].first]);
		if (i + 2 < n)
			prefetch_events(st, &st->cases[by[i + 2]]);
		store_fold(st, by[i], &f, &ev, &nev);
		fn(ctx, st, &st->cases[by[i]], &f, ev, nev);
	}
	free(by);
}

static int
late_cmp(const void *a, const void *b)
{
	const struct casefold_late *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* The events the fold rejected go to the rejects stream whole: their
 * lines are read again (the store keeps no copy of every field). */
static void
late_rejects(struct casefold *st)
{
	const char **names;
	struct rec_reader_opts o = st->ro;
	struct rec_reader *again;
	const struct rec *r;
	char dir[] = "/tmp/case-status.XXXXXX", path[64];
	size_t i, j = 0, f = 0;

	if (st->nrej == 0)
		return;
	if (st->nrej > 0)
		qsort(st->rej, st->nrej, sizeof *st->rej, late_cmp);
	names = xcalloc(st->nfiles + 1, sizeof *names);
	for (i = 0; i < st->nfiles; i++)
		names[i] = st->files[i];
	if (mkdtemp(dir) == NULL)
		diag_die(JW_EXIT_IO, "cannot make a temporary folder: %s",
			 strerror(errno));
	snprintf(path, sizeof path, "%s/rejects.tsv", dir);
	o.rejects = path;	/* its own rejects were counted the first time */
	o.progress = 0;
	o.rejects_into = NULL;
	again = rec_reader_open(names, &o);
	while (j < st->nrej && (r = rec_reader_next(again)) != NULL) {
		while (f < st->nfiles && strcmp(r->file, st->files[f]) != 0)
			f++;
		while (j < st->nrej && (st->rej[j].file < f ||
		       (st->rej[j].file == f && st->rej[j].line < r->line)))
			j++;
		while (j < st->nrej && st->rej[j].file == f &&
		       st->rej[j].line == r->line)
			rec_reject(st->in, r, "%s", st->rej[j++].why);
	}
	casefold_close_quiet(again);
	unlink(path);
	rmdir(dir);
	free(names);
	late_free(st);
}

/* Read every event of st->in into st (all at once, or with sorted one case
 * at a time), calling fn for each case folded. */
void
casefold_read(struct casefold *st, int sorted, casefold_fn *fn, void *ctx)
{
	const struct casefold_fields *ix = st->ix;
	struct buf why = BUF_INIT;
	char prev[CASE_NO_LEN + 1] = "";
	struct case_event e;
	const struct rec *r;
	const char *w;
	int c, bad, cat;

	while ((r = rec_reader_next(st->in)) != NULL) {
		if (r->line > st->maxline)
			st->maxline = r->line;
		/* lookup --case: every record is checked (the bad ones
		 * are counted for the audit log whatever the case), but
		 * only the case's own are kept. */
		bad = casefold_parse_memo(st->cfg, ix, r, &e, &cat, &why,
					  st->memo) < 0;
		if (bad)
			rec_reject(st->in, r, "%s", why.p);
		if (st->only != NULL && (r->f[ix->no].len != CASE_NO_LEN ||
		    memcmp(r->f[ix->no].p, st->only, CASE_NO_LEN) != 0))
			continue;	/* not counted as filtered: that
					 * count would tell the case exists */
		if (bad && case_no_check(r->f[ix->no].p, r->f[ix->no].len,
					 &w) < 0)
			continue;
		if (sorted) {
			c = prev[0] ? memcmp(r->f[ix->no].p, prev,
					     CASE_NO_LEN) : 1;
			if (c < 0) {
				if (!bad)
					rec_reject(st->in, r, "field 'case_no': "
						   "not sorted: after '%s' "
						   "(see --sorted in "
						   "case-status(1))", prev);
				continue;
			}
			if (c > 0) {
				if (prev[0])
					store_each(st, 0, fn, ctx);
				store_reset(st);
				memcpy(prev, r->f[ix->no].p, CASE_NO_LEN);
			}
		}
		store_add(st, r, &e, cat, bad);
	}
	if (!sorted || prev[0])
		store_each(st, !sorted, fn, ctx);
	buf_release(&why);
	late_rejects(st);
}

struct rec_str
casefold_category(const struct casefold *st, const struct casefold_case *k)
{
	struct rec_str v = { "", 0 };

	if (k->cat >= 0) {
		v.p = st->cfg->categories[k->cat];
		v.len = st->cfg->catlen[k->cat];
	}
	return v;
}

unsigned long long
casefold_close_quiet(struct rec_reader *in)
{
	unsigned long long nrej = rec_reader_count_rejected(in);
	int saved, null;

	fflush(stderr);
	saved = dup(2);
	null = open("/dev/null", O_WRONLY);
	if (saved >= 0 && null >= 0)
		dup2(null, 2);
	rec_reader_close(in);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (null >= 0)
		close(null);
	return nrej;
}

int
casefold_parties(const struct casefold *st, const struct case_event *e,
	   struct case_party *pt, const struct rec_str **copy)
{
	uint32_t c = st->copyof ? st->copyof[e->ref] : 0;
	const char *why;
	size_t item;

	if (c == 0)
		return 0;
	*copy = st->copies[c - 1];
	return case_parties_parse((*copy)[0].p, (*copy)[0].len, pt,
				  CASE_MAX_PARTIES, &why, &item);
}
