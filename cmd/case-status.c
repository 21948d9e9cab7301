/* case-status: case progress for citizens and for the bureau (阳光警务).
 * See case-status(1). */
#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/durable.h"
#include "base/diag.h"
#include "base/htab.h"
#include "base/utf8.h"
#include "base/util.h"
#include "domain/cases.h"
#include "domain/idno.h"
#include "rec/cli.h"
#include "rec/fsel.h"
#include "rec/group.h"
#include "rec/mask.h"
#include "rec/sidx.h"

#include <sodium.h>

/* Without -c: $JINGWU_CASES, else the built-in copy of this file. */
#define DEFAULT_CFG "testdata/cases/cases.yaml"

static unsigned long long quiet_close(struct rec_reader *in);

/* Field indexes of an event log. */
struct cs_fields {
	size_t no, time, stage, cat, unit, officer, secret, privacy, parties;
	size_t note, limit, receipt;	/* limit, receipt: REC_NONE if absent */
};

/* A case of the store.  Its category, unit and officer are those of its
 * latest event (by time) that gives them. */
struct cs_case {
	uint64_t key;		/* the case number as a number, for sorting */
	const char *no;
	uint32_t nev, first, fill;
	int cat;		/* category index, -1 none */
	int bad;		/* an event of it was rejected for a bad field */
	int mine;		/* lookup: the asker is a party */
	int64_t ftime;		/* time of the event that set unit, officer */
	struct rec_str unit, officer;
};

/* An event of the store. */
struct cs_ev {
	int64_t time;
	uint32_t ci;		/* its case */
	uint32_t line;		/* in its file */
	uint16_t file;		/* index into cs_store.files */
	uint8_t stage;		/* index into cfg->stages */
	uint8_t hidden;
	int16_t limit;
	uint32_t copy;		/* lookup: copies[copy - 1], or 0 */
};

/* A rejected event found by the fold, written once all are known. */
struct cs_late_rej {
	uint16_t file;
	uint32_t line;
	char *why;
};

/* Events held by case. */
struct cs_store {
	const struct case_cfg *cfg;
	struct rec_reader *in;
	const struct cs_fields *ix;
	struct htab byno;	/* case_no -> index + 1 */
	struct arena mem;
	struct cs_case *cases;
	size_t ncases, capcases;
	struct cs_ev *ev;
	size_t nev, capev;
	uint32_t *order;	/* event indexes grouped by case */
	struct case_event *fold;	/* one case's events, for the fold */
	size_t capfold;
	const char **files;	/* input names, copied */
	size_t nfiles;
	struct cs_late_rej *rej;
	size_t nrej, caprej;
	uint32_t last;		/* index + 1 of the last case seen */
	/* lookup: keep only case only (NULL: all); copy the parties and
	 * receipt of events whose parties hold copy_id */
	const char *only;
	const char *copy_id;
	struct rec_str (*copies)[2];
	size_t ncopies, capcopies;
	/* An input that cannot be read twice (stdin, a pipe): every event's
	 * fields are kept, NUL-joined, for the fold's rejects. */
	int keep;
	char **full;
	size_t capfull;
	int drop_late;	/* lookup: the fold's rejects are only counted */
	int copy_all;	/* changes: copy every event's parties */
	unsigned long long maxline;	/* the last line read */
	unsigned long long nlate;
};

/* The asker. */
struct asker {
	char id[19];
	char *name;
	size_t namelen;
	const char *caseno;	/* --case, or NULL */
};

typedef void cs_case_fn(void *ctx, struct cs_store *st,
			const struct cs_case *k, const struct case_fold *f,
			struct case_event *ev, size_t nev);

static int verb_lookup(struct cli *cli, int argc, char *argv[]);
static int verb_stats(struct cli *cli, int argc, char *argv[]);
static int verb_complain(struct cli *cli, int argc, char *argv[]);
static int verb_changes(struct cli *cli, int argc, char *argv[]);
static int verb_index(struct cli *cli, int argc, char *argv[]);

static void
case_cfg_free_v(void *p)
{
	case_cfg_free(p);
}

static struct case_cfg *
cs_need_cfg(struct cli *cli, const char *path)
{
	struct case_cfg *c;

	if (path == NULL)
		path = getenv("JINGWU_CASES");
	c = path ? case_cfg_load(path) : case_cfg_load_default(); /* exit 3 */
	cli_defer(cli, case_cfg_free_v, c);
	return c;
}

static struct rec_str
cs_str(const char *s)
{
	struct rec_str v = { s, strlen(s) };

	return v;
}

/* ---- reading events ---- */

static void
cs_fields(struct rec_reader *in, struct cs_fields *ix, int want)
{
	size_t w[12], n = 0;

	ix->no = w[n++] = rec_reader_need(in, "case_no");
	ix->time = w[n++] = rec_reader_need(in, "time");
	ix->stage = w[n++] = rec_reader_need(in, "stage");
	ix->cat = w[n++] = rec_reader_need(in, "category");
	ix->unit = w[n++] = rec_reader_need(in, "unit");
	ix->officer = w[n++] = rec_reader_need(in, "officer");
	ix->secret = w[n++] = rec_reader_need(in, "secret");
	ix->privacy = w[n++] = rec_reader_need(in, "privacy");
	ix->parties = w[n++] = rec_reader_need(in, "parties");
	ix->note = rec_reader_need(in, "note");
	ix->limit = rec_reader_field(in, "limit_days");
	ix->receipt = rec_reader_field(in, "receipt");
	if (ix->limit != REC_NONE)
		w[n++] = ix->limit;
	if (ix->receipt != REC_NONE)
		w[n++] = ix->receipt;
	if (want)
		rec_reader_want(in, w, n);
}

/* 0 / 1 / empty (-1: hides); -2 for anything else. */
static int
flag(struct rec_str s)
{
	if (s.len == 0)
		return -1;
	if (s.len == 1 && (s.p[0] == '0' || s.p[0] == '1'))
		return s.p[0] - '0';
	return -2;
}

static void
quoted(struct buf *why, const char *field, const char *what, struct rec_str v)
{
	buf_printf(why, "field '%s': %s '", field, what);
	buf_add_quoted(why, v.p, v.len);
	buf_adds(why, "'");
}

static int
d2(const char *p)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* A time of the logs' usual shape, "YYYY-MM-DD HH:MM:SS", read directly
 * (the hot path of fold); any other text goes to datetime_parse(). */
static int
cs_time(const char *p, size_t n, int64_t *t)
{
	int y1, y2, mo, d, h, mi, se;
	int32_t day;

	if (n != 19 || p[4] != '-' || p[7] != '-' || p[10] != ' ' ||
	    p[13] != ':' || p[16] != ':')
		return datetime_parse(p, n, t);
	y1 = d2(p);
	y2 = d2(p + 2);
	mo = d2(p + 5);
	d = d2(p + 8);
	h = d2(p + 11);
	mi = d2(p + 14);
	se = d2(p + 17);
	if (y1 < 0 || y2 < 0 || mo < 0 || d < 0 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || se < 0 || se > 59 ||
	    date_from_ymd(y1 * 100 + y2, mo, d, &day) < 0)
		return -1;
	*t = (int64_t)day * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

/* Check an event's fields into *e and *cat.  0, or -1 with the reason in
 * why. */
static int
cs_parse(const struct case_cfg *c, const struct cs_fields *ix,
	 const struct rec *r, struct case_event *e, int *cat, struct buf *why)
{
	struct case_party parties[CASE_MAX_PARTIES];
	struct rec_str v;
	const char *w;
	size_t item;
	long long n;
	int s, p;

	v = r->f[ix->no];
	if (case_no_check(v.p, v.len, &w) < 0) {
		buf_reset(why);
		buf_printf(why, "field 'case_no': %s", w);
		return -1;
	}
	v = r->f[ix->time];
	if (cs_time(v.p, v.len, &e->time) < 0) {
		buf_reset(why);
		quoted(why, "time", "not a time (YYYY-MM-DD HH:MM:SS)", v);
		return -1;
	}
	v = r->f[ix->stage];
	e->stage = case_stage_find(c, r->f[ix->no].p[0], v.p, v.len);
	if (e->stage == NULL) {
		buf_reset(why);
		quoted(why, "stage", r->f[ix->no].p[0] == 'A' ?
		       "not a stage of criminal cases in the YAML:" :
		       "not a stage of administrative cases in the YAML:", v);
		return -1;
	}
	v = r->f[ix->cat];
	*cat = v.len ? case_category(c, v.p, v.len) : -1;
	if (v.len > 0 && *cat < 0) {
		buf_reset(why);
		quoted(why, "category", "not a category in the YAML:", v);
		return -1;
	}
	s = flag(r->f[ix->secret]);
	p = flag(r->f[ix->privacy]);
	if (s == -2 || p == -2) {
		buf_reset(why);
		quoted(why, s == -2 ? "secret" : "privacy", "expected 0 or 1, "
		       "not", r->f[s == -2 ? ix->secret : ix->privacy]);
		return -1;
	}
	e->hidden = s != 0 || p != 0;
	v = r->f[ix->parties];
	if (v.len && case_parties_parse(v.p, v.len, parties, CASE_MAX_PARTIES,
					&w, &item) < 0) {
		/* The item number, never the text: it is personal data. */
		buf_reset(why);
		buf_printf(why, "field 'parties': item %zu: %s", item, w);
		return -1;
	}
	e->limit_days = -1;
	if (ix->limit != REC_NONE && r->f[ix->limit].len > 0) {
		v = r->f[ix->limit];
		buf_reset(why);
		if (e->stage->max_days == 0) {
			buf_printf(why, "field 'limit_days': stage '%s' has "
				   "no time limit to extend", e->stage->name);
			return -1;
		}
		if (rec_str_long(v, &n) < 0 || n < 1 ||
		    n > e->stage->max_days) {
			buf_printf(why, "field 'limit_days': expected 1 to %d "
				   "(the longest limit of '%s'), not '",
				   e->stage->max_days, e->stage->name);
			buf_add_quoted(why, v.p, v.len);
			buf_adds(why, "'");
			return -1;
		}
		e->limit_days = (int16_t)n;
	}
	return 0;
}

/* ---- the store: events held by case ---- */

/* 1 if every input can be read a second time (regular files). */
static int
rereadable(const struct cli *cli)
{
	struct stat sb;
	int i;

	if (cli->nargs == 0)
		return 0;
	for (i = 0; i < cli->nargs; i++)
		if (strcmp(cli->args[i], "-") == 0 ||
		    stat(cli->args[i], &sb) < 0 || !S_ISREG(sb.st_mode))
			return 0;
	return 1;
}

static void
cs_store_init(struct cs_store *st, const struct case_cfg *c,
	      struct rec_reader *in, const struct cs_fields *ix)
{
	memset(st, 0, sizeof *st);
	st->cfg = c;
	st->in = in;
	st->ix = ix;
	htab_init(&st->byno, sizeof(uint32_t));
	arena_init(&st->mem);
}

static void
late_free(struct cs_store *st)
{
	size_t i;

	for (i = 0; i < st->nrej; i++)
		free(st->rej[i].why);
	free(st->rej);
	st->rej = NULL;
	st->nrej = st->caprej = 0;
}

static void
cs_store_release(struct cs_store *st)
{
	late_free(st);
	htab_release(&st->byno);
	arena_release(&st->mem);
	free(st->cases);
	free(st->ev);
	free(st->order);
	free(st->fold);
	free(st->files);
	free(st->copies);
	free(st->full);
	memset(st, 0, sizeof *st);
}

/* Empty the store for the next case (--sorted); file names stay. */
static void
store_reset(struct cs_store *st)
{
	size_t i;

	htab_release(&st->byno);
	htab_init(&st->byno, sizeof(uint32_t));
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

/* The case's index, made when new. */
static uint32_t
store_case(struct cs_store *st, struct rec_str no)
{
	uint32_t *slot;
	struct cs_case *k;
	int isnew;

	if (st->last && memcmp(st->cases[st->last - 1].no, no.p,
			       CASE_NO_LEN) == 0)
		return st->last - 1;
	slot = htab_put(&st->byno, no.p, no.len, &isnew);
	if (!isnew) {
		st->last = *slot;
		return *slot - 1;
	}
	if (st->ncases == st->capcases) {
		st->capcases = st->capcases ? 2 * st->capcases : 1024;
		st->cases = xreallocarray(st->cases, st->capcases,
					  sizeof *st->cases);
	}
	*slot = (uint32_t)st->ncases + 1;
	k = &st->cases[st->ncases];
	memset(k, 0, sizeof *k);
	k->no = arena_memdup(&st->mem, no.p, no.len);
	k->key = case_key(no.p);
	k->cat = -1;
	k->ftime = INT64_MIN;
	k->unit = k->officer = cs_str("");
	st->last = (uint32_t)++st->ncases;
	return st->last - 1;
}

static uint16_t
store_file(struct cs_store *st, const char *name)
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
set_field(struct cs_store *st, struct rec_str *to, struct rec_str v)
{
	if (v.len == 0 || rec_str_eq(*to, v))
		return;
	to->p = arena_memdup(&st->mem, v.p, v.len);
	to->len = v.len;
}

static void
cs_store_add(struct cs_store *st, const struct rec *r,
	     const struct case_event *e, int cat, int bad)
{
	const struct cs_fields *ix = st->ix;
	struct cs_case *k;
	struct cs_ev *v;
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
	}
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
	v->copy = 0;
	if (st->keep) {
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
	if ((st->copy_all && r->f[ix->parties].len > 0) ||
	    (st->copy_id != NULL && r->f[ix->parties].len >= 18 &&
	     memmem(r->f[ix->parties].p, r->f[ix->parties].len, st->copy_id,
		    18) != NULL)) {
		struct rec_str *c;

		if (st->ncopies == st->capcopies) {
			st->capcopies = st->capcopies ? 2 * st->capcopies : 64;
			st->copies = xreallocarray(st->copies, st->capcopies,
						   sizeof *st->copies);
		}
		c = st->copies[st->ncopies++];
		c[0].p = arena_memdup(&st->mem, r->f[ix->parties].p,
				      r->f[ix->parties].len);
		c[0].len = r->f[ix->parties].len;
		c[1] = cs_str("");
		if (ix->receipt != REC_NONE)
			set_field(st, &c[1], r->f[ix->receipt]);
		v->copy = (uint32_t)st->ncopies;
	}
	k->nev++;
}

/* Index the events by case: st->order holds event indexes grouped by case
 * (counting sort, input order within a case), cases[i].first the start. */
static void
store_group(struct cs_store *st)
{
	size_t i, at = 0;

	free(st->order);
	st->order = xreallocarray(NULL, st->nev + 1, sizeof *st->order);
	for (i = 0; i < st->ncases; i++) {
		st->cases[i].first = (uint32_t)at;
		at += st->cases[i].nev;
		st->cases[i].fill = 0;
	}
	for (i = 0; i < st->nev; i++) {
		struct cs_case *k = &st->cases[st->ev[i].ci];

		st->order[k->first + k->fill++] = (uint32_t)i;
	}
}

static void
fold_reject(void *ctx, const struct case_event *e, const char *why)
{
	struct cs_store *st = ctx;
	const struct cs_ev *v = &st->ev[e->ref];
	struct buf b = BUF_INIT;
	struct cs_late_rej *j;

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
			f[i] = cs_str(p);
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

/* Fold case ci; its sorted events go to *evp (owned by st, valid until the
 * next call). */
static void
store_fold(struct cs_store *st, uint32_t ci, struct case_fold *f,
	   struct case_event **evp, size_t *nevp)
{
	struct cs_case *k = &st->cases[ci];
	const struct cs_ev *v;
	struct case_event *e;
	size_t i;

	if (k->nev > st->capfold) {
		st->capfold = k->nev * 2;
		free(st->fold);
		st->fold = xreallocarray(NULL, st->capfold, sizeof *st->fold);
	}
	for (i = 0; i < k->nev; i++) {
		uint32_t at = st->order[k->first + i];

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

/* Sort n case indexes by key: LSD radix, 16 bits a pass. */
static void
sort_cases(const struct cs_store *st, uint32_t *by, size_t n)
{
	uint32_t *tmp = xreallocarray(NULL, n + 1, sizeof *tmp), *a = by,
		 *b = tmp, *t;
	size_t *cnt = xcalloc(65536, sizeof *cnt), i, sum, c;
	int pass;

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

static void
cs_store_each(struct cs_store *st, int sort, cs_case_fn *fn, void *ctx)
{
	struct case_event *ev;
	struct case_fold f;
	uint32_t *by;
	size_t i, nev;

	if (st->ncases == 0)
		return;
	store_group(st);
	by = xreallocarray(NULL, st->ncases + 1, sizeof *by);
	for (i = 0; i < st->ncases; i++)
		by[i] = (uint32_t)i;
	if (sort)
		sort_cases(st, by, st->ncases);
	for (i = 0; i < st->ncases; i++) {
		store_fold(st, by[i], &f, &ev, &nev);
		fn(ctx, st, &st->cases[by[i]], &f, ev, nev);
	}
	free(by);
}

static int
late_cmp(const void *a, const void *b)
{
	const struct cs_late_rej *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* The events the fold rejected go to the rejects stream whole: their
 * lines are read again (the store keeps no copy of every field). */
static void
late_rejects(struct cli *cli, struct cs_store *st)
{
	const char **names;
	struct rec_reader_opts o = cli->ro;
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
	quiet_close(again);
	unlink(path);
	rmdir(dir);
	free(names);
	late_free(st);
}

/* Read every event of st->in into st (all at once, or with sorted one case
 * at a time), calling fn for each case folded. */
static void
cs_read_events(struct cli *cli, struct cs_store *st, int sorted,
	       cs_case_fn *fn, void *ctx)
{
	const struct cs_fields *ix = st->ix;
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
		bad = cs_parse(st->cfg, ix, r, &e, &cat, &why) < 0;
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
					cs_store_each(st, 0, fn, ctx);
				store_reset(st);
				memcpy(prev, r->f[ix->no].p, CASE_NO_LEN);
			}
		}
		cs_store_add(st, r, &e, cat, bad);
	}
	if (!sorted || prev[0])
		cs_store_each(st, !sorted, fn, ctx);
	buf_release(&why);
	late_rejects(cli, st);
}

static void
cs_put_time(struct rec_writer *w, int64_t t)
{
	char s[20];

	if (t == CASE_NO_TIME) {
		rec_writer_puts(w, "");
		return;
	}
	datetime_format(t, s);
	rec_writer_puts(w, s);
}

static void
cs_put_day(struct rec_writer *w, int32_t d)
{
	char s[11];

	if (d == DATE_NONE) {
		rec_writer_puts(w, "");
		return;
	}
	date_format(d, s);
	rec_writer_puts(w, s);
}

static struct rec_str
cs_cat(const struct cs_store *st, const struct cs_case *k)
{
	struct rec_str v = { "", 0 };

	if (k->cat >= 0) {
		v.p = st->cfg->categories[k->cat];
		v.len = st->cfg->catlen[k->cat];
	}
	return v;
}

/* ---- fold ---- */

enum {
	OPT_SORTED = 256, OPT_SERIOUS, OPT_PARTIAL, OPT_MERGE, OPT_PERIOD,
	OPT_TERMINAL, OPT_AUDIT, OPT_TEXT, OPT_CASE, OPT_MESSAGE, OPT_LOG,
	OPT_KEY, OPT_CURSOR, OPT_ID, OPT_NAME, OPT_EXTEND
};

#define CFG_OPT \
	{ 'c', "cases", CLI_ARG, "CASES.yaml", \
	  "stages, limits, categories, holidays (default: built in, " \
	  "as " DEFAULT_CFG ")" }

static const struct cli_opt fold_opts[] = {
	CFG_OPT,
	{ OPT_SORTED, "sorted", CLI_NOARG, NULL,
	  "input sorted by case_no: constant memory" },
	{ 0, NULL, 0, NULL, NULL }
};

struct folder {
	struct rec_writer *out;
	const struct cs_fields *ix;
};

static void
fold_emit(void *ctx, struct cs_store *st, const struct cs_case *k,
	  const struct case_fold *f, struct case_event *ev, size_t nev)
{
	struct folder *fo = ctx;
	struct rec_writer *w = fo->out;

	(void)ev;
	(void)nev;
	if (f->stage == NULL)	/* every event rejected */
		return;
	rec_writer_puts(w, k->no);
	rec_writer_puts(w, k->no[0] == 'A' ? "criminal" : "administrative");
	rec_writer_str(w, cs_cat(st, k));
	rec_writer_str(w, k->unit);
	rec_writer_str(w, k->officer);
	rec_writer_puts(w, f->stage->name);
	rec_writer_puts(w, case_state_name(f->stage->state));
	cs_put_time(w, f->stage_since);
	cs_put_time(w, f->opened);
	cs_put_time(w, f->filed_at);
	cs_put_time(w, f->solved_at);
	cs_put_time(w, f->closed_at);
	if (f->limit_days > 0)
		rec_writer_putll(w, f->limit_days);
	else
		rec_writer_puts(w, "");
	cs_put_day(w, case_fold_due(st->cfg, f));
	rec_writer_putll(w, f->events - f->rejected);
	rec_writer_putll(w, f->complaints);
	rec_writer_puts(w, f->hidden ? "1" : "0");
	rec_writer_end(w);
}

static const char *const fold_cols[] = {
	"case_no", "type", "category", "unit", "officer", "stage", "state",
	"stage_since", "opened", "filed_at", "solved_at", "closed_at",
	"limit_days", "due", "events", "complaints", "hidden", NULL
};

static int
verb_fold(struct cli *cli, int argc, char *argv[])
{
	const char *cpath = NULL;
	struct case_cfg *cfg;
	struct rec_reader *in;
	struct rec_writer *out;
	struct cs_fields ix;
	struct cs_store st;
	struct folder fo;
	size_t i;
	int c, sorted = 0;

	while ((c = cli_getopt(cli, fold_opts, argc, argv)) != -1)
		if (c == 'c')
			cpath = cli->optarg;
		else if (c == OPT_SORTED)
			sorted = 1;
	cfg = cs_need_cfg(cli, cpath);
	in = cli_open_inputs(cli);
	cs_fields(in, &ix, 1);
	out = cli_open_output(cli);
	for (i = 0; fold_cols[i] != NULL; i++)
		rec_writer_add(out, fold_cols[i]);
	cs_store_init(&st, cfg, in, &ix);
	st.keep = !rereadable(cli);
	fo.out = out;
	fo.ix = &ix;
	cs_read_events(cli, &st, sorted, fold_emit, &fo);
	cs_store_release(&st);
	return cli_finish(cli, in, out);
}

/* ---- overdue ---- */

static const struct cli_opt overdue_opts[] = {
	CFG_OPT,
	{ 'b', "by", CLI_ARG, "FIELDS",
	  "count overdue cases per group (e.g. unit) instead of listing" },
	{ 0, NULL, 0, NULL, NULL }
};

struct overdue_row {
	char *line;	/* the output fields, NUL-joined */
	size_t len;
	long days_over;
	const char *no;
};

struct overduer {
	int32_t asof;
	const struct cs_fields *ix;
	struct overdue_row *rows;
	size_t n, cap;
	struct arena mem;
};

static void
overdue_take(void *ctx, struct cs_store *st, const struct cs_case *k,
	     const struct case_fold *f, struct case_event *ev, size_t nev)
{
	struct overduer *od = ctx;
	struct rec_str v[9];
	struct overdue_row *row;
	char since[20], due[11], lim[12], over[24];
	int32_t d;
	size_t i, n;
	char *p;

	if (f->stage == NULL)
		return;
	d = case_fold_due(st->cfg, f);
	if (d == DATE_NONE || od->asof <= d)
		return;
	(void)ev;
	(void)nev;
	datetime_format(f->stage_since, since);
	date_format(d, due);
	snprintf(lim, sizeof lim, "%d", f->limit_days);
	snprintf(over, sizeof over, "%ld", (long)(od->asof - d));
	v[0] = cs_str(k->no);
	v[1] = cs_cat(st, k);
	v[2] = k->unit;
	v[3] = k->officer;
	v[4] = cs_str(f->stage->name);
	v[5] = cs_str(since);
	v[6] = cs_str(lim);
	v[7] = cs_str(due);
	v[8] = cs_str(over);
	for (i = 0, n = 0; i < 9; i++)
		n += v[i].len + 1;
	if (od->n == od->cap) {
		od->cap = od->cap ? 2 * od->cap : 256;
		od->rows = xreallocarray(od->rows, od->cap, sizeof *od->rows);
	}
	row = &od->rows[od->n++];
	row->line = p = arena_alloc(&od->mem, n);
	row->len = n;
	for (i = 0; i < 9; i++) {
		memcpy(p, v[i].p, v[i].len);
		p += v[i].len;
		*p++ = '\0';
	}
	row->days_over = od->asof - d;
	row->no = row->line;
}

static int
overdue_cmp(const void *a, const void *b)
{
	const struct overdue_row *x = a, *y = b;

	if (x->days_over != y->days_over)
		return x->days_over > y->days_over ? -1 : 1;
	return strcmp(x->no, y->no);
}

static const char *const overdue_cols[] = {
	"case_no", "category", "unit", "officer", "stage", "stage_since",
	"limit_days", "due", "days_over", NULL
};

static int
verb_overdue(struct cli *cli, int argc, char *argv[])
{
	const char *cpath = NULL, *by = NULL;
	const char **byf = NULL;
	struct case_cfg *cfg;
	struct rec_reader *in;
	struct rec_writer *out;
	struct cs_fields ix;
	struct cs_store st;
	struct overduer od;
	struct group *g = NULL;
	struct rec_str kv[9], *pv;
	size_t i, j, nby = 0, *pos = NULL;
	int c;

	while ((c = cli_getopt(cli, overdue_opts, argc, argv)) != -1)
		if (c == 'c')
			cpath = cli->optarg;
		else if (c == 'b')
			by = cli->optarg;
	if (!cli->asof_given)
		cli_usage(cli, "--asof DATE is required: the day deadlines "
			  "are checked against");
	cfg = cs_need_cfg(cli, cpath);
	memset(&od, 0, sizeof od);
	od.asof = cli_asof(cli);
	od.ix = &ix;
	arena_init(&od.mem);
	if (by != NULL) {
		byf = cli_split_list(cli, "-b", by, &nby);
		pos = xcalloc(nby, sizeof *pos);
		for (i = 0; i < nby; i++) {
			for (j = 0; overdue_cols[j] != NULL; j++)
				if (strcmp(byf[i], overdue_cols[j]) == 0)
					break;
			if (overdue_cols[j] == NULL || j == 0 || j >= 5)
				cli_usage(cli, "-b: overdue counts by "
					  "category, unit, officer or stage, "
					  "not '%s'", byf[i]);
			pos[i] = j;
		}
	}
	in = cli_open_inputs(cli);
	cs_fields(in, &ix, 1);
	out = cli_open_output(cli);
	cs_store_init(&st, cfg, in, &ix);
	st.keep = !rereadable(cli);
	cs_read_events(cli, &st, 0, overdue_take, &od);
	if (od.n > 0)
		qsort(od.rows, od.n, sizeof *od.rows, overdue_cmp);
	if (by != NULL) {
		g = group_new(nby);
		cli_defer(cli, group_free_v, g);
		for (i = 0; i < nby; i++)
			rec_writer_add(out, byf[i]);
		rec_writer_add(out, "count");
	} else {
		for (i = 0; overdue_cols[i] != NULL; i++)
			rec_writer_add(out, overdue_cols[i]);
	}
	pv = kv;
	for (i = 0; i < od.n; i++) {
		const char *p = od.rows[i].line;

		for (j = 0; j < 9; j++) {
			pv[j] = cs_str(p);
			p += pv[j].len + 1;
		}
		if (g != NULL) {
			struct rec_str key[9];

			for (j = 0; j < nby; j++)
				key[j] = pv[pos[j]];
			group_add(g, key, 1);
			continue;
		}
		for (j = 0; j < 9; j++)
			rec_writer_str(out, pv[j]);
		rec_writer_end(out);
	}
	if (g != NULL)
		group_write(g, out, 1);
	free(pos);
	free(od.rows);
	arena_release(&od.mem);
	cs_store_release(&st);
	return cli_finish(cli, in, out);
}

/* ---- durable lines: the audit log, complaints ---- */

/* Append TSV-escaped p[0..n) to b. */
static void
tsv_escape(struct buf *b, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (p[i]) {
		case '\t': buf_adds(b, "\\t"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\\': buf_adds(b, "\\\\"); break;
		default: buf_addc(b, p[i]); break;
		}
}

/* Append line to the log at path, with the header first when the log is
 * new or empty (two writers racing may both write it: readers skip a
 * repeated header line).  Exits 4 on failure. */
static void
log_append(const char *path, const char *header, const struct buf *line,
	   const char *what)
{
	struct stat sb;

	if ((stat(path, &sb) < 0 || sb.st_size == 0) &&
	    dur_append(path, header, strlen(header), 0600) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot append to the %s: %s", path,
			 what, strerror(errno));
	if (dur_append(path, line->p, line->len, 0600) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot append to the %s: %s", path,
			 what, strerror(errno));
}

static const char audit_header[] =
	"time\tverb\tterminal\tid_no\tcase_no\toutcome\tcases\tbad_records";

/* One audit record, durable before the answer is given.  The ID number
 * is masked; the outcome says only whether something was shown. */
static void
audit_write(struct cli *cli, const char *path, const char *verb,
	    const char *terminal, const char *id, const char *caseno,
	    size_t shown, long long bad)
{
	struct buf b = BUF_INIT;
	char t[20];

	datetime_format(cli_asof_time(cli), t);
	buf_printf(&b, "%s\t%s\t", t, verb);
	tsv_escape(&b, terminal ? terminal : "internet",
		   strlen(terminal ? terminal : "internet"));
	buf_addc(&b, '\t');
	mask_value(&b, id, strlen(id));
	buf_printf(&b, "\t%s\t%s\t%zu\t", caseno ? caseno : "",
		   shown ? "shown" : "none", shown);
	if (bad >= 0)	/* the index path reads too little to count */
		buf_printf(&b, "%lld", bad);
	log_append(path, audit_header, &b, "audit log");
	buf_release(&b);
}

/* ---- index ---- */

/* The party IDs of a parties field, for the index (no check here: a bad
 * field gives no key or a key no lookup asks for). */
static void
party_keys(void *ctx, struct rec_str v,
	   void (*emit)(void *ectx, const char *k, size_t n), void *ectx)
{
	const char *p = v.p, *end = v.p + v.len, *q, *a, *b;

	(void)ctx;
	while (p < end) {
		q = memchr(p, ';', (size_t)(end - p));
		if (q == NULL)
			q = end;
		a = memchr(p, ':', (size_t)(q - p));
		if (a != NULL) {
			b = memchr(a + 1, ':', (size_t)(q - a - 1));
			if (b != NULL && b - a - 1 == 18)
				emit(ectx, a + 1, 18);
		}
		p = q + 1;
	}
}

/* The two indexes of a log: party IDs and case numbers, both as
 * HMAC-SHA256 under the key file's secret. */
struct cs_index {
	struct buf ppath, cpath, cmd;
	struct sidx_opts po, co;
	unsigned char *secret;
	size_t nsecret;
};

static void
cs_index_init(struct cs_index *x, const char *data, const char *keyfile)
{
	memset(x, 0, sizeof *x);
	buf_init(&x->ppath);
	buf_init(&x->cpath);
	buf_init(&x->cmd);
	buf_printf(&x->ppath, "%s.parties.idx", data);
	buf_printf(&x->cpath, "%s.cases.idx", data);
	buf_printf(&x->cmd, "case-status index --key %s %s", keyfile, data);
	x->secret = sidx_read_secret(keyfile, &x->nsecret);	/* exit 3 */
	x->po.field = "parties";
	x->po.keys = party_keys;
	x->po.keys_name = "case-status-parties/1";
	x->po.secret = x->secret;
	x->po.nsecret = x->nsecret;
	x->po.rebuild = x->cmd.p;
	x->co.field = "case_no";
	x->co.keys_name = "case-status-case/1";
	x->co.secret = x->secret;
	x->co.nsecret = x->nsecret;
	x->co.rebuild = x->cmd.p;
}

static void
cs_index_release(struct cs_index *x)
{
	if (x->secret != NULL)
		sodium_memzero(x->secret, x->nsecret);
	free(x->secret);
	buf_release(&x->ppath);
	buf_release(&x->cpath);
	buf_release(&x->cmd);
}

static const struct cli_opt index_opts[] = {
	{ OPT_KEY, "key", CLI_ARG, "FILE", "the secret key file (16 bytes "
	  "or more; the same for lookups)" },
	{ OPT_EXTEND, "extend", CLI_NOARG, NULL, "index only what was "
	  "appended since the last build" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_index(struct cli *cli, int argc, char *argv[])
{
	const char *key = NULL;
	struct cs_index x;
	int c, extend = 0;

	while ((c = cli_getopt(cli, index_opts, argc, argv)) != -1)
		if (c == OPT_KEY)
			key = cli->optarg;
		else if (c == OPT_EXTEND)
			extend = 1;
	if (key == NULL)
		cli_usage(cli, "--key FILE is required: party IDs are indexed "
			  "as HMAC-SHA256 under it, never in clear");
	if (cli->nargs != 1 || strcmp(cli->args[0], "-") == 0)
		cli_usage(cli, "index takes one event log file (not standard "
			  "input: the index holds offsets into it)");
	if (cli->ro.fmt != REC_TSV || cli->ro.encoding != NULL)
		cli_usage(cli, "index reads TSV in UTF-8 only");
	cs_index_init(&x, cli->args[0], key);
	sidx_build(cli->args[0], x.ppath.p, &x.po, extend);
	sidx_build(cli->args[0], x.cpath.p, &x.co, extend);
	cs_index_release(&x);
	return cli_finish(cli, NULL, NULL);
}

/* Copy the hit lines of data to fd. */
static void
copy_hits(int dfd, const char *data, int fd, const struct sidx_hit *h,
	  size_t n, struct buf *b)
{
	size_t i;

	for (i = 0; i < n; i++) {
		buf_reset(b);
		buf_grow(b, h[i].len + 1);
		if (pread(dfd, b->p, h[i].len, (off_t)h[i].off) !=
		    (ssize_t)h[i].len)
			diag_die(JW_EXIT_IO, "%s: cannot read: %s", data,
				 errno ? strerror(errno) : "short read");
		b->p[h[i].len] = '\n';
		if (write(fd, b->p, h[i].len + 1) != (ssize_t)(h[i].len + 1))
			diag_die(JW_EXIT_IO, "cannot write a temporary file: "
				 "%s", strerror(errno));
	}
}

/* The index path of lookup: the lines of the asker's cases (by party ID,
 * then every line of those cases by case number), with the log's header
 * first, into path.  Returns 0, or -1 when data has no index (scan). */
static int
index_extract(const char *data, const char *keyfile, const struct asker *a,
	      const char *path)
{
	struct cs_index x;
	struct sidx *pi, *ci;
	const struct sidx_hit *h;
	struct buf b = BUF_INIT, nos = BUF_INIT;
	struct sidx_hit *ph;
	char header[65536];
	size_t n, i, j;
	ssize_t hn;
	int dfd, fd;

	cs_index_init(&x, data, keyfile);
	if (access(x.ppath.p, F_OK) < 0 || access(x.cpath.p, F_OK) < 0) {
		cs_index_release(&x);
		return -1;
	}
	pi = sidx_open(data, x.ppath.p, &x.po);		/* exit 4 when stale */
	ci = sidx_open(data, x.cpath.p, &x.co);
	if ((dfd = open(data, O_RDONLY)) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot open: %s", data,
			 strerror(errno));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
		diag_die(JW_EXIT_IO, "cannot make a temporary file: %s",
			 strerror(errno));
	hn = pread(dfd, header, sizeof header, 0);
	if (hn <= 0 || memchr(header, '\n', (size_t)hn) == NULL)
		diag_die(JW_EXIT_IO, "%s: no header line", data);
	hn = (char *)memchr(header, '\n', (size_t)hn) - header + 1;
	if (write(fd, header, (size_t)hn) != hn)
		diag_die(JW_EXIT_IO, "cannot write a temporary file: %s",
			 strerror(errno));
	if (a->caseno != NULL) {
		buf_add(&nos, a->caseno, CASE_NO_LEN);
	} else {
		/* the case numbers of the lines naming the asker */
		n = sidx_lookup(pi, a->id, 18, &h);
		ph = xreallocarray(NULL, n + 1, sizeof *ph);
		memcpy(ph, h, n * sizeof *ph);
		for (i = 0; i < n; i++) {
			buf_reset(&b);
			buf_grow(&b, CASE_NO_LEN + 1);
			if (ph[i].len < CASE_NO_LEN + 1 ||
			    pread(dfd, b.p, CASE_NO_LEN + 1, (off_t)ph[i].off)
			    != CASE_NO_LEN + 1)
				continue;
			for (j = 0; j < nos.len; j += CASE_NO_LEN)
				if (memcmp(nos.p + j, b.p, CASE_NO_LEN) == 0)
					break;
			if (j == nos.len && b.p[CASE_NO_LEN] == '\t')
				buf_add(&nos, b.p, CASE_NO_LEN);
		}
		free(ph);
	}
	for (j = 0; j < nos.len; j += CASE_NO_LEN) {
		n = sidx_lookup(ci, nos.p + j, CASE_NO_LEN, &h);
		copy_hits(dfd, data, fd, h, n, &b);
	}
	if (close(fd) < 0)
		diag_die(JW_EXIT_IO, "cannot write a temporary file: %s",
			 strerror(errno));
	close(dfd);
	sidx_close(pi);
	sidx_close(ci);
	buf_release(&b);
	buf_release(&nos);
	cs_index_release(&x);
	return 0;
}

/* ---- lookup ---- */

static const struct cli_opt lookup_opts[] = {
	CFG_OPT,
	{ OPT_ID, "id", CLI_ARG, "ID", "the asker's ID number ('-': a line "
	  "of standard input)" },
	{ OPT_NAME, "name", CLI_ARG, "NAME", "the asker's name ('-': a line "
	  "of standard input)" },
	{ OPT_CASE, "case", CLI_ARG, "NO", "the case number (required over "
	  "the internet)" },
	{ OPT_TERMINAL, "terminal", CLI_ARG, "NAME", "at the station "
	  "terminal NAME: all the person's cases" },
	{ OPT_AUDIT, "audit", CLI_ARG, "FILE", "append one audit record per "
	  "lookup to FILE, durably, before answering" },
	{ OPT_KEY, "key", CLI_ARG, "FILE", "the index key file (use the "
	  "index FILE.idx when there is one)" },
	{ OPT_TEXT, "text", CLI_NOARG, NULL, "a Chinese layout for a terminal "
	  "screen instead of records" },
	{ 0, NULL, 0, NULL, NULL }
};


/* A line of standard input without its LF (and CR); caller frees. */
static char *
stdin_line(struct cli *cli, const char *what)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	n = getline(&line, &cap, stdin);
	if (n <= 0) {
		free(line);
		cli_usage(cli, "%s -: no line on standard input", what);
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static int
is_party(const struct case_party *p, const struct asker *a)
{
	return p->idlen == 18 && memcmp(p->id, a->id, 18) == 0 &&
	       p->namelen == a->namelen &&
	       memcmp(p->name, a->name, a->namelen) == 0;
}

/* One case to show. */
struct shown {
	const char *no;
	struct rec_str cat, unit;
	const struct case_stage *stage;
	int64_t since;
	struct buf timeline;	/* "date stage" items joined by "; " */
	struct buf parties;	/* "role 本人" / "role masked-name masked-id" */
	struct buf complaints;	/* "receipt date" items */
};

struct looker {
	const struct asker *a;
	const struct cs_fields *ix;
	struct shown *sh;
	size_t nsh, cap;
};

static void
add_item(struct buf *b, const char *sep)
{
	if (b->len)
		buf_adds(b, sep);
}

/* The parties of event e (those copied: events naming the asker). */
static int
ev_parties(const struct cs_store *st, const struct case_event *e,
	   struct case_party *pt, const struct rec_str **copy)
{
	const struct cs_ev *v = &st->ev[e->ref];
	const char *why;
	size_t item;

	if (v->copy == 0)
		return 0;
	*copy = st->copies[v->copy - 1];
	return case_parties_parse((*copy)[0].p, (*copy)[0].len, pt,
				  CASE_MAX_PARTIES, &why, &item);
}

static void
lookup_take(void *ctx, struct cs_store *st, const struct cs_case *k,
	    const struct case_fold *f, struct case_event *ev, size_t nev)
{
	struct looker *lk = ctx;
	struct case_party pt[CASE_MAX_PARTIES];
	const struct rec_str *copy;
	struct buf seen = BUF_INIT;
	struct shown *s;
	enum case_state prev = CS_NONE;
	char day[20];
	size_t i;
	int np, j, mine = 0;

	/* The same walk for every case: whether it is shown is decided at
	 * the end. */
	for (i = 0; i < nev; i++) {
		np = ev_parties(st, &ev[i], pt, &copy);
		for (j = 0; j < np; j++)
			if (ev[i].stage->state != CS_COMPLAINT &&
			    is_party(&pt[j], lk->a))
				mine = 1;
	}
	if (!mine || f->hidden || f->stage == NULL ||
	    (lk->a->caseno != NULL && strcmp(k->no, lk->a->caseno) != 0))
		return;
	if (lk->nsh == lk->cap) {
		lk->cap = lk->cap ? 2 * lk->cap : 8;
		lk->sh = xreallocarray(lk->sh, lk->cap, sizeof *lk->sh);
	}
	s = &lk->sh[lk->nsh++];
	memset(s, 0, sizeof *s);
	buf_init(&s->timeline);
	buf_init(&s->parties);
	buf_init(&s->complaints);
	s->no = k->no;
	s->cat = cs_cat(st, k);
	s->unit = k->unit;
	for (i = 0; i < nev; i++) {
		const struct case_stage *g = ev[i].stage;

		if (ev[i].rejected)
			continue;
		np = ev_parties(st, &ev[i], pt, &copy);
		datetime_format(ev[i].time, day);
		day[10] = '\0';
		if (g->state == CS_COMPLAINT) {
			for (j = 0; j < np; j++)
				if (is_party(&pt[j], lk->a))
					break;
			if (j == np || copy[1].len == 0)
				continue;	/* someone else's complaint */
			add_item(&s->complaints, "; ");
			buf_add(&s->complaints, copy[1].p, copy[1].len);
			buf_printf(&s->complaints, " %s", day);
			continue;
		}
		for (j = 0; j < np; j++) {
			/* each party once, by ID */
			if (memmem(seen.p, seen.len, pt[j].id, 18) != NULL)
				continue;
			buf_add(&seen, pt[j].id, 18);
			add_item(&s->parties, "; ");
			buf_add(&s->parties, pt[j].role, pt[j].rolelen);
			if (is_party(&pt[j], lk->a)) {
				buf_adds(&s->parties, " 本人");
				continue;
			}
			buf_adds(&s->parties, " ");
			mask_value(&s->parties, pt[j].name, pt[j].namelen);
			buf_adds(&s->parties, " ");
			mask_value(&s->parties, pt[j].id, pt[j].idlen);
		}
		if (g->state == prev || !g->public)
			continue;
		prev = g->state;
		s->stage = g;
		s->since = ev[i].time;
		add_item(&s->timeline, "; ");
		buf_printf(&s->timeline, "%s %s", day, g->name);
	}
	buf_release(&seen);
	if (s->stage == NULL) {		/* nothing public yet */
		buf_release(&s->timeline);
		buf_release(&s->parties);
		buf_release(&s->complaints);
		lk->nsh--;
	}
}

/* Pad s to cols display columns. */
static void
pad(struct buf *b, const char *s, size_t n, size_t cols)
{
	size_t w = utf8_width(s, n);

	buf_add(b, s, n);
	while (w++ < cols)
		buf_addc(b, ' ');
}

static const char complain_hint[] =
	"如对办案有异议，可在本终端选择“投诉”，或拨打公安监督电话 12389。";

/* The --text screen. */
static void
lookup_text(const struct looker *lk, struct buf *b)
{
	const struct shown *s;
	const char *p, *e, *q;
	size_t i;

	if (lk->nsh == 0) {
		buf_adds(b, "未查询到您可以查看的案件。\n"
			 "请核对身份证号码、姓名和案件编号；"
			 "涉密或涉及隐私的案件不在网上公开。\n");
		return;
	}
	buf_printf(b, "案件办理进度（共 %zu 件）\n", lk->nsh);
	for (i = 0; i < lk->nsh; i++) {
		s = &lk->sh[i];
		buf_adds(b, "────────────────────────────────────────\n");
		pad(b, "案件编号", strlen("案件编号"), 10);
		buf_printf(b, "%s\n", s->no);
		pad(b, "案件类别", strlen("案件类别"), 10);
		buf_add(b, s->cat.p, s->cat.len);
		buf_adds(b, "\n");
		pad(b, "办案单位", strlen("办案单位"), 10);
		buf_add(b, s->unit.p, s->unit.len);
		buf_adds(b, "\n");
		pad(b, "当前阶段", strlen("当前阶段"), 10);
		{
			char t[20];

			datetime_format(s->since, t);
			t[10] = '\0';
			buf_printf(b, "%s（%s）\n", s->stage->name, t);
		}
		/* "date stage; ..." one a line */
		pad(b, "办理经过", strlen("办理经过"), 10);
		for (p = s->timeline.p, e = p + s->timeline.len; p < e; ) {
			q = strstr(p, "; ");
			if (q == NULL)
				q = e;
			if (p != s->timeline.p)
				pad(b, "", 0, 10);
			buf_add(b, p, 10);
			buf_adds(b, "  ");
			buf_add(b, p + 11, (size_t)(q - p - 11));
			buf_adds(b, "\n");
			p = q == e ? e : q + 2;
		}
		pad(b, "当事人", strlen("当事人"), 10);
		for (p = s->parties.p, e = p + s->parties.len; p < e; ) {
			const char *sp;

			q = strstr(p, "; ");
			if (q == NULL)
				q = e;
			if (p != s->parties.p)
				pad(b, "", 0, 10);
			sp = memchr(p, ' ', (size_t)(q - p));
			pad(b, p, (size_t)(sp - p), 8);
			buf_adds(b, "  ");
			buf_add(b, sp + 1, (size_t)(q - sp - 1));
			buf_adds(b, "\n");
			p = q == e ? e : q + 2;
		}
		if (s->complaints.len) {
			pad(b, "投诉回执", strlen("投诉回执"), 10);
			buf_add(b, s->complaints.p, s->complaints.len);
			buf_adds(b, "\n");
		}
	}
	buf_adds(b, "────────────────────────────────────────\n");
	buf_printf(b, "%s\n", complain_hint);
}

static const char *const lookup_cols[] = {
	"case_no", "category", "unit", "stage", "stage_since", "timeline",
	"parties", "complaints", NULL
};

static void
asker_read(struct cli *cli, struct asker *a, const char *id,
	   const char *name, int *from_stdin)
{
	struct idno v;
	enum idno_err e;
	char *line = NULL;

	*from_stdin = 0;
	if (id == NULL || name == NULL)
		cli_usage(cli, "--id ID and --name NAME are both required");
	if (strcmp(id, "-") == 0) {
		id = line = stdin_line(cli, "--id");
		*from_stdin = 1;
	}
	/* The number itself never goes into a message. */
	e = idno_parse(id, strlen(id), INT32_MAX, &v);
	free(line);
	if (e != IDNO_OK)
		cli_usage(cli, "--id: not a valid ID number: %s",
			  idno_strerror(e));
	memcpy(a->id, v.no, sizeof a->id);
	if (strcmp(name, "-") == 0) {
		a->name = stdin_line(cli, "--name");
		*from_stdin = 1;
	} else {
		a->name = xstrdup(name);
	}
	a->namelen = strlen(a->name);
	if (a->namelen == 0 || !utf8_is_valid(a->name, a->namelen) ||
	    strpbrk(a->name, ":;\t") != NULL) {
		free(a->name);
		cli_usage(cli, "--name: expected a name (UTF-8, no ':' or "
			  "';')");
	}
}

static void
shown_free(struct looker *lk)
{
	size_t i;

	for (i = 0; i < lk->nsh; i++) {
		buf_release(&lk->sh[i].timeline);
		buf_release(&lk->sh[i].parties);
		buf_release(&lk->sh[i].complaints);
	}
	free(lk->sh);
}

/* Close the reader with stderr silenced: on the public path a bad record
 * never shows, not even as a count. */
static unsigned long long
quiet_close(struct rec_reader *in)
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

static int
verb_lookup(struct cli *cli, int argc, char *argv[])
{
	const char *cpath = NULL, *id = NULL, *name = NULL, *audit = NULL;
	const char *terminal = NULL, *caseno = NULL, *why, *key = NULL;
	const char *hitfiles[2] = { NULL, NULL };
	char rejdir[] = "/tmp/case-status.XXXXXX", rejpath[64], hitpath[64];
	int indexed = 0;
	struct case_cfg *cfg;
	struct rec_reader *in;
	struct rec_writer *out;
	struct cs_fields ix;
	struct cs_store st;
	struct looker lk;
	struct asker a;
	struct buf text = BUF_INIT;
	unsigned long long nbad;
	size_t i;
	int c, text_out = 0, from_stdin;

	while ((c = cli_getopt(cli, lookup_opts, argc, argv)) != -1)
		switch (c) {
		case 'c': cpath = cli->optarg; break;
		case OPT_ID: id = cli->optarg; break;
		case OPT_NAME: name = cli->optarg; break;
		case OPT_CASE: caseno = cli->optarg; break;
		case OPT_TERMINAL: terminal = cli->optarg; break;
		case OPT_AUDIT: audit = cli->optarg; break;
		case OPT_KEY: key = cli->optarg; break;
		case OPT_TEXT: text_out = 1; break;
		}
	if ((caseno == NULL) == (terminal == NULL))
		cli_usage(cli, "give --case NO (over the internet) or "
			  "--terminal NAME (at a station terminal), one of "
			  "them");
	if (caseno != NULL && case_no_check(caseno, strlen(caseno), &why) < 0)
		cli_usage(cli, "--case: %s", why);
	if (terminal != NULL && (*terminal == '\0' ||
				 strpbrk(terminal, "\t\n\r") != NULL))
		cli_usage(cli, "--terminal: expected a terminal name");
	asker_read(cli, &a, id, name, &from_stdin);
	a.caseno = caseno;
	if (from_stdin && cli->nargs == 0) {
		free(a.name);
		cli_usage(cli, "name the event log: standard input holds the "
			  "ID or name");
	}
	cfg = cs_need_cfg(cli, cpath);
	/* Rejects go to a private file that is thrown away. */
	if (mkdtemp(rejdir) == NULL)
		diag_die(JW_EXIT_IO, "cannot make a temporary folder: %s",
			 strerror(errno));
	snprintf(rejpath, sizeof rejpath, "%s/rejects.tsv", rejdir);
	cli->ro.rejects = rejpath;
	snprintf(hitpath, sizeof hitpath, "%s/hits.tsv", rejdir);
	if (key != NULL && cli->nargs != 1)
		cli_usage(cli, "--key: the index is of one event log; name it");
	if (key != NULL && index_extract(cli->args[0], key, &a, hitpath) == 0) {
		/* The index path: only the lines of the asker's cases. */
		hitfiles[0] = hitpath;
		in = cli_open_files(cli, hitfiles);
		indexed = 1;
	} else {
		in = cli_open_inputs(cli);
	}
	cs_fields(in, &ix, 1);
	cs_store_init(&st, cfg, in, &ix);
	st.drop_late = 1;
	st.only = caseno;
	st.copy_id = a.id;
	memset(&lk, 0, sizeof lk);
	lk.a = &a;
	lk.ix = &ix;
	cs_read_events(cli, &st, 0, lookup_take, &lk);
	/* Bad fields only: what the fold rejects depends on the case. */
	nbad = rec_reader_count_rejected(in);
	if (audit != NULL)
		audit_write(cli, audit, "lookup", terminal, a.id, caseno,
			    lk.nsh, indexed ? -1 : (long long)nbad);
	if (text_out) {
		lookup_text(&lk, &text);
		fwrite(text.p, 1, text.len, stdout);
		out = NULL;
	} else {
		out = cli_open_output(cli);
		for (i = 0; lookup_cols[i] != NULL; i++)
			rec_writer_add(out, lookup_cols[i]);
		for (i = 0; i < lk.nsh; i++) {
			struct shown *s = &lk.sh[i];

			rec_writer_puts(out, s->no);
			rec_writer_str(out, s->cat);
			rec_writer_str(out, s->unit);
			rec_writer_puts(out, s->stage->name);
			cs_put_time(out, s->since);
			rec_writer_puts(out, s->timeline.p);
			rec_writer_puts(out, s->parties.p);
			rec_writer_puts(out, s->complaints.p);
			rec_writer_end(out);
		}
	}
	buf_release(&text);
	shown_free(&lk);
	cs_store_release(&st);
	cli_tally(cli, in);
	quiet_close(in);
	unlink(rejpath);
	unlink(hitpath);
	rmdir(rejdir);
	free(a.name);
	cli_finish(cli, NULL, out);
	return JW_EXIT_OK;
}

/* ---- complain ---- */

static const struct cli_opt complain_opts[] = {
	CFG_OPT,
	{ OPT_ID, "id", CLI_ARG, "ID", "the complainant's ID number ('-': a "
	  "line of standard input)" },
	{ OPT_NAME, "name", CLI_ARG, "NAME", "the complainant's name ('-': a "
	  "line of standard input)" },
	{ OPT_CASE, "case", CLI_ARG, "NO", "the case complained about" },
	{ OPT_MESSAGE, "message", CLI_ARG, "TEXT", "the complaint" },
	{ OPT_LOG, "log", CLI_ARG, "FILE", "the case event log, read and "
	  "appended to" },
	{ OPT_AUDIT, "audit", CLI_ARG, "FILE", "append an audit record to "
	  "FILE, durably, before answering" },
	{ OPT_TEXT, "text", CLI_NOARG, NULL, "a Chinese answer for a terminal "
	  "screen instead of a record" },
	{ 0, NULL, 0, NULL, NULL }
};

/* A receipt number: TS, the day, 12 random digits. */
static void
make_receipt(int64_t now, char out[32])
{
	unsigned char r[8];
	uint64_t x = 0;
	char day[20];
	size_t i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		diag_die(JW_EXIT_INTERNAL, "no random bytes: %s",
			 strerror(errno));
	for (i = 0; i < sizeof r; i++)
		x = x << 8 | r[i];
	datetime_format(now, day);
	snprintf(out, 32, "TS%.4s%.2s%.2s%012llu", day, day + 5, day + 8,
		 (unsigned long long)(x % 1000000000000ULL));
}

static int
verb_complain(struct cli *cli, int argc, char *argv[])
{
	const char *cpath = NULL, *id = NULL, *name = NULL, *caseno = NULL;
	const char *msg = NULL, *log = NULL, *audit = NULL, *why, *nm;
	const char *files[2] = { NULL, NULL };
	char rejdir[] = "/tmp/case-status.XXXXXX", rejpath[64];
	char receipt[32], t[20];
	struct case_cfg *cfg;
	struct rec_reader *in;
	struct rec_writer *out = NULL;
	struct cs_fields ix;
	struct cs_store st;
	struct looker lk;
	struct asker a;
	struct buf line = BUF_INIT, text = BUF_INIT;
	const struct case_stage *cst;
	size_t i, n;
	int64_t now;
	int c, text_out = 0, from_stdin;

	while ((c = cli_getopt(cli, complain_opts, argc, argv)) != -1)
		switch (c) {
		case 'c': cpath = cli->optarg; break;
		case OPT_ID: id = cli->optarg; break;
		case OPT_NAME: name = cli->optarg; break;
		case OPT_CASE: caseno = cli->optarg; break;
		case OPT_MESSAGE: msg = cli->optarg; break;
		case OPT_LOG: log = cli->optarg; break;
		case OPT_AUDIT: audit = cli->optarg; break;
		case OPT_TEXT: text_out = 1; break;
		}
	if (caseno == NULL || msg == NULL || log == NULL)
		cli_usage(cli, "--case NO, --message TEXT and --log FILE are "
			  "required");
	if (cli->nargs > 0)
		cli_usage(cli, "unexpected operand '%s' (--log FILE names the "
			  "event log)", cli->args[0]);
	if (case_no_check(caseno, strlen(caseno), &why) < 0)
		cli_usage(cli, "--case: %s", why);
	n = strlen(msg);
	if (n == 0 || n > 4000 || !utf8_is_valid(msg, n))
		cli_usage(cli, "--message: expected text (UTF-8, 1 to 4000 "
			  "bytes)");
	asker_read(cli, &a, id, name, &from_stdin);
	a.caseno = caseno;
	cfg = cs_need_cfg(cli, cpath);
	cst = NULL;
	for (i = 0; i < cfg->nstages; i++)
		if (cfg->stages[i].state == CS_COMPLAINT)
			cst = &cfg->stages[i];
	now = cli_asof_time(cli);
	if (mkdtemp(rejdir) == NULL)
		diag_die(JW_EXIT_IO, "cannot make a temporary folder: %s",
			 strerror(errno));
	snprintf(rejpath, sizeof rejpath, "%s/rejects.tsv", rejdir);
	cli->ro.rejects = rejpath;
	files[0] = log;
	in = cli_open_files(cli, files);
	cs_fields(in, &ix, 1);
	if (ix.receipt == REC_NONE) {
		quiet_close(in);
		unlink(rejpath);
		rmdir(rejdir);
		free(a.name);
		diag_die(JW_EXIT_USAGE, "%s: no field 'receipt': a log that "
			 "takes complaints needs one", log);
	}
	cs_store_init(&st, cfg, in, &ix);
	st.drop_late = 1;
	st.only = caseno;
	st.copy_id = a.id;
	memset(&lk, 0, sizeof lk);
	lk.a = &a;
	lk.ix = &ix;
	cs_read_events(cli, &st, 0, lookup_take, &lk);
	if (lk.nsh == 1) {
		/* The event, in the log's own field order. */
		make_receipt(now, receipt);
		datetime_format(now, t);
		for (i = 0; i < rec_reader_nfields(in); i++) {
			if (i)
				buf_addc(&line, '\t');
			nm = rec_reader_name(in, i);
			if (i == ix.no)
				buf_adds(&line, caseno);
			else if (i == ix.time)
				buf_adds(&line, t);
			else if (i == ix.stage)
				buf_adds(&line, cst->name);
			else if (i == ix.secret || i == ix.privacy)
				buf_adds(&line, "0");
			else if (i == ix.parties)
				buf_printf(&line, "投诉人:%s:%s", a.id, a.name);
			else if (i == ix.note)
				tsv_escape(&line, msg, n);
			else if (i == ix.receipt)
				buf_adds(&line, receipt);
			(void)nm;
		}
	}
	if (audit != NULL)
		audit_write(cli, audit, "complain", NULL, a.id, caseno,
			    lk.nsh, (long long)rec_reader_count_rejected(in));
	if (lk.nsh == 1 && dur_append(log, line.p, line.len, 0600) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot append the complaint: %s",
			 log, strerror(errno));
	if (text_out) {
		if (lk.nsh == 1)
			buf_printf(&text, "您的投诉已受理，回执编号：%s\n"
				   "请凭回执编号查询处理情况。\n", receipt);
		else
			lookup_text(&lk, &text);
		fwrite(text.p, 1, text.len, stdout);
	} else {
		out = cli_open_output(cli);
		rec_writer_add(out, "receipt");
		rec_writer_add(out, "case_no");
		rec_writer_add(out, "time");
		if (lk.nsh == 1) {
			rec_writer_puts(out, receipt);
			rec_writer_puts(out, caseno);
			rec_writer_puts(out, t);
			rec_writer_end(out);
		}
	}
	buf_release(&line);
	buf_release(&text);
	shown_free(&lk);
	cs_store_release(&st);
	cli_tally(cli, in);
	quiet_close(in);
	unlink(rejpath);
	rmdir(rejdir);
	free(a.name);
	cli_finish(cli, NULL, out);
	return JW_EXIT_OK;
}

/* ---- changes ---- */

static const struct cli_opt changes_opts[] = {
	CFG_OPT,
	{ OPT_CURSOR, "cursor", CLI_ARG, "FILE", "the position in the log "
	  "reported up to; advanced once the output is committed" },
	{ 0, NULL, 0, NULL, NULL }
};

struct change_row {
	uint32_t line;
	uint32_t k;	/* order within the line */
	char *text;	/* the output fields, TAB-joined, escaped */
};

struct changer {
	unsigned long long cursor;
	struct change_row *rows;
	size_t n, cap;
};

static void
changes_take(void *ctx, struct cs_store *st, const struct cs_case *k,
	     const struct case_fold *f, struct case_event *ev, size_t nev)
{
	struct changer *ch = ctx;
	struct case_party pt[CASE_MAX_PARTIES], all[CASE_MAX_PARTIES];
	const struct rec_str *copy;
	enum case_state prev = CS_NONE;
	struct buf b = BUF_INIT;
	size_t i, nall = 0, j;
	char t[20];
	int np, q;

	if (f->hidden || f->stage == NULL)
		return;
	for (i = 0; i < nev; i++) {	/* every party once, by ID */
		np = ev_parties(st, &ev[i], pt, &copy);
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
	for (i = 0; i < nev; i++) {
		const struct case_stage *g = ev[i].stage;
		const struct cs_ev *v = &st->ev[ev[i].ref];
		uint32_t kk = 0;

		if (ev[i].rejected || g->state == CS_COMPLAINT ||
		    g->state == prev)
			continue;
		prev = g->state;
		if (!g->public || v->line <= ch->cursor)
			continue;
		datetime_format(ev[i].time, t);
		for (j = 0; j < nall; j++) {
			if (all[j].phonelen == 0)
				continue;
			buf_reset(&b);
			buf_printf(&b, "%s\t", k->no);
			tsv_escape(&b, g->name, g->len);
			buf_printf(&b, "\t%s\t", t);
			tsv_escape(&b, k->unit.p, k->unit.len);
			buf_addc(&b, '\t');
			buf_add(&b, all[j].id, 18);
			buf_addc(&b, '\t');
			tsv_escape(&b, all[j].name, all[j].namelen);
			buf_addc(&b, '\t');
			buf_add(&b, all[j].phone, all[j].phonelen);
			if (ch->n == ch->cap) {
				ch->cap = ch->cap ? 2 * ch->cap : 256;
				ch->rows = xreallocarray(ch->rows, ch->cap,
							 sizeof *ch->rows);
			}
			ch->rows[ch->n].line = v->line;
			ch->rows[ch->n].k = kk++;
			ch->rows[ch->n].text = buf_detach(&b, NULL);
			ch->n++;
		}
	}
	buf_release(&b);
}

static int
change_cmp(const void *a, const void *b)
{
	const struct change_row *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->k > y->k) - (x->k < y->k);
}

/* The cursor: "line N" (the last line of the log reported on), or 0 when
 * there is no cursor file yet. */
static unsigned long long
cursor_read(const char *path)
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

static const char *const changes_cols[] = {
	"case_no", "stage", "time", "unit", "id_no", "name", "phone", NULL
};

static int
verb_changes(struct cli *cli, int argc, char *argv[])
{
	const char *cpath = NULL, *cursor = NULL;
	struct case_cfg *cfg;
	struct rec_reader *in;
	struct rec_writer *out;
	struct cs_fields ix;
	struct cs_store st;
	struct changer ch;
	char buf[64];
	size_t i, nf;
	const char *p, *q;
	unsigned long long last;
	int c, status;

	while ((c = cli_getopt(cli, changes_opts, argc, argv)) != -1)
		if (c == 'c')
			cpath = cli->optarg;
		else if (c == OPT_CURSOR)
			cursor = cli->optarg;
	if (cursor == NULL)
		cli_usage(cli, "--cursor FILE is required");
	if (cli->nargs != 1 || !rereadable(cli))
		cli_usage(cli, "name one event log, a file (the cursor is a "
			  "line in it)");
	cfg = cs_need_cfg(cli, cpath);
	memset(&ch, 0, sizeof ch);
	ch.cursor = cursor_read(cursor);
	in = cli_open_inputs(cli);
	cs_fields(in, &ix, 1);
	out = cli_open_output(cli);
	for (i = 0; changes_cols[i] != NULL; i++)
		rec_writer_add(out, changes_cols[i]);
	cs_store_init(&st, cfg, in, &ix);
	st.copy_all = 1;
	cs_read_events(cli, &st, 0, changes_take, &ch);
	last = st.maxline;
	if (ch.n > 0)	/* qsort(NULL, 0, ...) is undefined */
		qsort(ch.rows, ch.n, sizeof *ch.rows, change_cmp);
	for (i = 0; i < ch.n; i++) {
		for (p = ch.rows[i].text, nf = 0; nf < 7; nf++) {
			q = strchr(p, '\t');
			if (q == NULL)
				q = p + strlen(p);
			rec_writer_put(out, p, (size_t)(q - p));
			p = *q ? q + 1 : q;
		}
		rec_writer_end(out);
		free(ch.rows[i].text);
	}
	free(ch.rows);
	cs_store_release(&st);
	/* The output is committed (or written and flushed) first: a run
	 * killed before this leaves the cursor where it was. */
	status = cli_finish(cli, in, out);
	if (status <= JW_EXIT_REJECTS && last > ch.cursor) {
		snprintf(buf, sizeof buf, "line %llu\n", last);
		if (dur_replace(cursor, buf, strlen(buf), 0644) < 0)
			diag_die(JW_EXIT_IO, "%s: cannot write the cursor: %s",
				 cursor, strerror(errno));
	}
	return status;
}

/* ---- stats ---- */

static const struct cli_opt stats_opts[] = {
	CFG_OPT,
	{ 'b', "by", CLI_ARG, "FIELDS", "group by these fields of the fold "
	  "output (default: none)" },
	{ OPT_PERIOD, "period", CLI_ARG, "year|quarter|month",
	  "the period (default year)" },
	{ OPT_SERIOUS, "serious", CLI_NOARG, NULL,
	  "only the eight serious categories, as one category" },
	{ OPT_PARTIAL, "partial", CLI_NOARG, NULL,
	  "write mergeable partial counts (for --merge)" },
	{ OPT_MERGE, "merge", CLI_NOARG, NULL,
	  "add up partial counts written by --partial" },
	{ 0, NULL, 0, NULL, NULL }
};

enum { ST_FILED, ST_SOLVED_OF_FILED, ST_SOLVED, ST_OLDER, ST_COMPLAINTS,
       ST_N };
static const char *const stat_names[ST_N] = {
	"filed", "solved_of_filed", "solved_in_period", "older_solved",
	"complaints"
};

struct stat_row {
	uint64_t v[ST_N];
};

/* The period of a time or date text: 0 and the text in out, or -1. */
static int
period_of(struct rec_str t, int kind, char out[12])
{
	int64_t secs;

	if (cs_time(t.p, t.len, &secs) == 0 || (t.len == 10 &&
	    datetime_parse(t.p, t.len, &secs) == 0)) {
		memcpy(out, t.p, 7);
		if (kind == 'y') {
			out[4] = '\0';
		} else if (kind == 'q') {
			out[5] = 'Q';
			out[6] = (char)('1' + ((t.p[5] - '0') * 10 +
					       (t.p[6] - '0') - 1) / 3);
			out[7] = '\0';
		} else {
			out[7] = '\0';
		}
		return 0;
	}
	return -1;
}

struct statter {
	struct htab t;
	size_t nby;
	struct buf key;
};

static struct stat_row *
stat_at(struct statter *sx, const struct rec_str *by, const char *period)
{
	size_t i;

	buf_reset(&sx->key);
	for (i = 0; i < sx->nby; i++) {
		buf_add(&sx->key, by[i].p, by[i].len);
		buf_addc(&sx->key, '\0');
	}
	buf_adds(&sx->key, period);
	return htab_put(&sx->t, sx->key.p, sx->key.len, NULL);
}

static void
put_rate(struct rec_writer *w, uint64_t num, uint64_t den)
{
	char s[48];
	uint64_t x;

	if (den == 0) {
		rec_writer_puts(w, "");
		return;
	}
	x = (num * 2000 / den + 1) / 2;	/* tenths of a percent, rounded */
	snprintf(s, sizeof s, "%llu.%llu", (unsigned long long)(x / 10),
		 (unsigned long long)(x % 10));
	rec_writer_puts(w, s);
}

static void
put_change(struct rec_writer *w, uint64_t now, uint64_t before)
{
	char s[48];
	long long x;

	if (before == 0) {
		rec_writer_puts(w, "");
		return;
	}
	/* tenths of a percent, rounded half away from zero */
	x = ((long long)now - (long long)before) * 2000 / (long long)before;
	x = x >= 0 ? (x + 1) / 2 : -((-x + 1) / 2);
	snprintf(s, sizeof s, "%s%lld.%lld", x < 0 ? "-" : x > 0 ? "+" : "",
		 (x < 0 ? -x : x) / 10, (x < 0 ? -x : x) % 10);
	rec_writer_puts(w, s);
}

static int
key_cmp(const void *a, const void *b)
{
	const struct htab_key *x = *(const struct htab_key *const *)a;
	const struct htab_key *y = *(const struct htab_key *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void
stats_write(struct statter *sx, struct rec_writer *out, int partial)
{
	const struct htab_key **keys;
	struct stat_row *row, *prev;
	struct buf k = BUF_INIT;
	const char *p, *per;
	size_t i, j, n = sx->t.count;

	keys = xreallocarray(NULL, n + 1, sizeof *keys);
	for (i = 0; i < n; i++)
		keys[i] = htab_key_at(&sx->t, i);
	qsort(keys, n, sizeof *keys, key_cmp);
	for (i = 0; i < n; i++) {
		row = htab_find(&sx->t, keys[i]->p, keys[i]->len);
		p = keys[i]->p;
		for (j = 0; j <= sx->nby; j++) {
			size_t l = strlen(p);

			rec_writer_put(out, p, l);
			per = p;
			p += l + 1;
		}
		if (partial) {
			for (j = 0; j < ST_N; j++)
				rec_writer_putll(out, (long long)row->v[j]);
			rec_writer_end(out);
			continue;
		}
		/* the same period a year before */
		buf_reset(&k);
		buf_add(&k, keys[i]->p, (size_t)(per - keys[i]->p));
		{
			int y = atoi(per) - 1;

			buf_printf(&k, "%04d%s", y, per + 4);
		}
		prev = htab_find(&sx->t, k.p, k.len);
		rec_writer_putll(out, (long long)row->v[ST_FILED]);
		rec_writer_putll(out, (long long)row->v[ST_SOLVED_OF_FILED]);
		put_rate(out, row->v[ST_SOLVED_OF_FILED], row->v[ST_FILED]);
		rec_writer_putll(out, (long long)row->v[ST_SOLVED]);
		rec_writer_putll(out, (long long)row->v[ST_OLDER]);
		put_rate(out, row->v[ST_SOLVED], row->v[ST_FILED]);
		rec_writer_putll(out, (long long)row->v[ST_COMPLAINTS]);
		if (prev != NULL)
			rec_writer_putll(out, (long long)prev->v[ST_FILED]);
		else
			rec_writer_puts(out, "");
		put_change(out, row->v[ST_FILED], prev ? prev->v[ST_FILED] : 0);
		rec_writer_end(out);
	}
	buf_release(&k);
	free(keys);
}

static int
verb_stats(struct cli *cli, int argc, char *argv[])
{
	const char *cpath = NULL, *by = NULL, *period = "year";
	const size_t *keys = NULL;
	struct case_cfg *cfg = NULL;
	struct rec_reader *in;
	struct rec_writer *out;
	struct statter sx;
	struct stat_row *row;
	struct rec_str *kv;
	const struct rec *r;
	struct buf q = BUF_INIT;
	size_t i, nk = 0, icat, ifil, isol, iop, icmp, want[64], nw = 0;
	size_t ist[ST_N], iper = REC_NONE;
	int c, kind, serious = 0, partial = 0, merge = 0, k;
	char pf[12], ps[12], po[12];
	long long n;

	while ((c = cli_getopt(cli, stats_opts, argc, argv)) != -1)
		switch (c) {
		case 'c': cpath = cli->optarg; break;
		case 'b': by = cli->optarg; break;
		case OPT_PERIOD: period = cli->optarg; break;
		case OPT_SERIOUS: serious = 1; break;
		case OPT_PARTIAL: partial = 1; break;
		case OPT_MERGE: merge = 1; break;
		}
	if (partial && merge)
		cli_usage(cli, "--partial and --merge do not go together");
	if (strcmp(period, "year") == 0)
		kind = 'y';
	else if (strcmp(period, "quarter") == 0)
		kind = 'q';
	else if (strcmp(period, "month") == 0)
		kind = 'm';
	else
		cli_usage(cli, "--period: expected year, quarter or month, not "
			  "'%s'", period);
	if (merge && serious)
		cli_usage(cli, "--serious was applied by --partial");
	if (serious)
		cfg = cs_need_cfg(cli, cpath);
	in = cli_open_inputs(cli);
	out = cli_open_output(cli);
	if (by != NULL) {
		keys = fsel_parse(cli, in, "-b", by, &nk);
		if (nk > 16)
			cli_usage(cli, "-b: at most 16 fields");
	}
	memset(&sx, 0, sizeof sx);
	htab_init(&sx.t, sizeof(struct stat_row));
	buf_init(&sx.key);
	sx.nby = nk;
	for (i = 0; i < nk; i++) {
		rec_writer_add(out, rec_reader_name(in, keys[i]));
		want[nw++] = keys[i];
	}
	rec_writer_add(out, "period");
	icat = ifil = isol = iop = icmp = REC_NONE;
	if (merge) {
		iper = rec_reader_need(in, "period");
		want[nw++] = iper;
		for (i = 0; i < ST_N; i++)
			want[nw++] = ist[i] = rec_reader_need(in,
							      stat_names[i]);
	} else {
		want[nw++] = icat = rec_reader_need(in, "category");
		want[nw++] = ifil = rec_reader_need(in, "filed_at");
		want[nw++] = isol = rec_reader_need(in, "solved_at");
		want[nw++] = iop = rec_reader_need(in, "opened");
		want[nw++] = icmp = rec_reader_need(in, "complaints");
	}
	if (partial) {
		for (i = 0; i < ST_N; i++)
			rec_writer_add(out, stat_names[i]);
	} else {
		rec_writer_add(out, "filed");
		rec_writer_add(out, "solved_of_filed");
		rec_writer_add(out, "rate_of_filed_pct");
		rec_writer_add(out, "solved_in_period");
		rec_writer_add(out, "older_solved");
		rec_writer_add(out, "rate_in_period_pct");
		rec_writer_add(out, "complaints");
		rec_writer_add(out, "filed_year_before");
		rec_writer_add(out, "filed_change_pct");
	}
	rec_reader_want(in, want, nw);
	kv = xcalloc(nk + 1, sizeof *kv);
	while ((r = rec_reader_next(in)) != NULL) {
		for (i = 0; i < nk; i++)
			kv[i] = r->f[keys[i]];
		if (merge) {
			struct stat_row add;

			if (period_of(r->f[iper], kind, pf) < 0 &&
			    !(r->f[iper].len < 12 && r->f[iper].len >= 4)) {
				rec_reject(in, r, "field 'period': not a "
					   "period");
				continue;
			}
			memcpy(pf, r->f[iper].p, r->f[iper].len);
			pf[r->f[iper].len] = '\0';
			for (i = 0; i < ST_N; i++) {
				if (rec_str_long(r->f[ist[i]], &n) < 0 ||
				    n < 0) {
					buf_reset(&q);
					buf_add_quoted(&q, r->f[ist[i]].p,
						       r->f[ist[i]].len);
					rec_reject(in, r, "field '%s': not a "
						   "count: '%s'",
						   stat_names[i], q.p);
					break;
				}
				add.v[i] = (uint64_t)n;
			}
			if (i < ST_N)
				continue;
			row = stat_at(&sx, kv, pf);
			for (i = 0; i < ST_N; i++)
				row->v[i] += add.v[i];
			continue;
		}
		if (serious) {
			k = case_category(cfg, r->f[icat].p, r->f[icat].len);
			if (k < 0 || !cfg->serious[k]) {
				rec_filtered(in, r);
				continue;
			}
			for (i = 0; i < nk; i++)
				if (keys[i] == icat)
					kv[i] = cs_str(cfg->serious_name);
		}
		if (r->f[ifil].len && period_of(r->f[ifil], kind, pf) < 0) {
			rec_reject(in, r, "field 'filed_at': not a time");
			continue;
		}
		if (r->f[isol].len && period_of(r->f[isol], kind, ps) < 0) {
			rec_reject(in, r, "field 'solved_at': not a time");
			continue;
		}
		if (r->f[iop].len && period_of(r->f[iop], kind, po) < 0) {
			rec_reject(in, r, "field 'opened': not a time");
			continue;
		}
		if (rec_str_long(r->f[icmp], &n) < 0 || n < 0) {
			rec_reject(in, r, "field 'complaints': not a count");
			continue;
		}
		if (r->f[ifil].len) {
			row = stat_at(&sx, kv, pf);
			row->v[ST_FILED]++;
			if (r->f[isol].len && strcmp(pf, ps) == 0)
				row->v[ST_SOLVED_OF_FILED]++;
		}
		if (r->f[isol].len) {
			row = stat_at(&sx, kv, ps);
			row->v[ST_SOLVED]++;
			if (!r->f[ifil].len || strcmp(pf, ps) < 0)
				row->v[ST_OLDER]++;
		}
		if (r->f[iop].len && n > 0) {
			row = stat_at(&sx, kv, po);
			row->v[ST_COMPLAINTS] += (uint64_t)n;
		}
	}
	stats_write(&sx, out, partial);
	free(kv);
	buf_release(&q);
	buf_release(&sx.key);
	htab_release(&sx.t);
	return cli_finish(cli, in, out);
}

/* ---- the verbs ---- */

static const struct cli_verb verbs[] = {
	{ "fold", verb_fold, "[-c CASES.yaml] [--sorted] [file ...]",
	  "one record per case: its current stage and dates" },
	{ "lookup", verb_lookup,
	  "--id ID --name NAME (--case NO | --terminal NAME) [--audit FILE] "
	  "[--key FILE] [--text] [file ...]",
	  "a citizen's query: the progress of their own disclosable cases" },
	{ "complain", verb_complain,
	  "--id ID --name NAME --case NO --message TEXT --log FILE "
	  "[--audit FILE] [--text]",
	  "a citizen's complaint about their case: a durable 投诉 event and a "
	  "receipt" },
	{ "changes", verb_changes, "--cursor FILE [-o OUT] [-c CASES.yaml] FILE",
	  "stage changes not yet reported, one per party with a phone (for "
	  "sms-notify)" },
	{ "index", verb_index, "--key FILE [--extend] FILE",
	  "index an event log by party ID (HMAC-SHA256) and case number for "
	  "lookup" },
	{ "overdue", verb_overdue,
	  "--asof DATE [-c CASES.yaml] [-b FIELDS] [file ...]",
	  "cases past their stage's time limit, worst first" },
	{ "stats", verb_stats,
	  "[-b FIELDS] [--period year|quarter|month] [--serious] "
	  "[--partial | --merge] [file ...]",
	  "filed, solved and both clearance rates per group and period, "
	  "from fold output" },
	{ NULL, NULL, NULL,
	  "case-status: case progress for citizens (lookup, complain) and "
	  "for the bureau (fold, overdue, stats)" }
};

int
main(int argc, char *argv[])
{
	return cli_main("case-status", verbs, argc, argv);
}
