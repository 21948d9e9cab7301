/* caselookup: who may see what of a case.  See caselookup.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/date.h"
#include "base/diag.h"
#include "base/durable.h"
#include "base/utf8.h"
#include "base/util.h"
#include "domain/caselookup.h"
#include "domain/idno.h"
#include "rec/mask.h"

/* ---- the asker ---- */

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
is_party(const struct case_party *p, const struct caselookup_asker *a)
{
	return p->idlen == 18 && memcmp(p->id, a->id, 18) == 0 &&
	       p->namelen == a->namelen &&
	       memcmp(p->name, a->name, a->namelen) == 0;
}


void
caselookup_asker_read(struct cli *cli, struct caselookup_asker *a,
		      const char *id, const char *name, int *from_stdin)
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

void
caselookup_asker_release(struct caselookup_asker *a)
{
	free(a->name);
	a->name = NULL;
}

/* ---- what the asker sees ---- */

static void
add_item(struct buf *b, const char *sep)
{
	if (b->len)
		buf_adds(b, sep);
}


/* Whether a is a party of a stage event of the case (a complaint naming
 * them does not make it theirs). */
static int
is_mine(const struct casefold *st, const struct caselookup_asker *a,
	const struct case_event *ev, size_t nev)
{
	struct case_party pt[CASE_MAX_PARTIES];
	const struct rec_str *copy;
	size_t i;
	int np, j, mine = 0;

	/* No early exit: the same walk for every case. */
	for (i = 0; i < nev; i++) {
		np = casefold_parties(st, &ev[i], pt, &copy);
		for (j = 0; j < np; j++)
			if (ev[i].stage->state != CS_COMPLAINT &&
			    is_party(&pt[j], a))
				mine = 1;
	}
	return mine;
}

/* The parties of one event into s: each once (by ID, seen), the asker as
 * 本人, the others masked. */
static void
shown_parties(struct caselookup_shown *s, const struct caselookup_asker *a,
	      const struct case_party *pt, int np, struct buf *seen)
{
	int j;

	for (j = 0; j < np; j++) {
		if (memmem(seen->p, seen->len, pt[j].id, 18) != NULL)
			continue;
		buf_add(seen, pt[j].id, 18);
		add_item(&s->parties, "; ");
		buf_add(&s->parties, pt[j].role, pt[j].rolelen);
		if (is_party(&pt[j], a)) {
			buf_adds(&s->parties, " 本人");
			continue;
		}
		buf_adds(&s->parties, " ");
		mask_value(&s->parties, pt[j].name, pt[j].namelen);
		buf_adds(&s->parties, " ");
		mask_value(&s->parties, pt[j].id, pt[j].idlen);
	}
}

/* The case's events into s: complaints of the asker, parties, the
 * timeline of public stage changes. */
static void
shown_events(struct caselookup_shown *s, const struct casefold *st,
	     const struct caselookup_asker *a, const struct case_event *ev,
	     size_t nev)
{
	struct case_party pt[CASE_MAX_PARTIES];
	const struct rec_str *copy;
	struct buf seen = BUF_INIT;
	enum case_state prev = CS_NONE;
	char day[20];
	size_t i;
	int np, j;

	for (i = 0; i < nev; i++) {
		const struct case_stage *g = ev[i].stage;

		if (ev[i].rejected)
			continue;
		np = casefold_parties(st, &ev[i], pt, &copy);
		datetime_format(ev[i].time, day);
		day[10] = '\0';
		if (g->state == CS_COMPLAINT) {
			for (j = 0; j < np; j++)
				if (is_party(&pt[j], a))
					break;
			if (j == np || copy[1].len == 0)
				continue;	/* someone else's complaint */
			add_item(&s->complaints, "; ");
			buf_add(&s->complaints, copy[1].p, copy[1].len);
			buf_printf(&s->complaints, " %s", day);
			continue;
		}
		shown_parties(s, a, pt, np, &seen);
		if (g->state == prev || !g->public)
			continue;
		prev = g->state;
		s->stage = g;
		s->since = ev[i].time;
		add_item(&s->timeline, "; ");
		buf_printf(&s->timeline, "%s %s", day, g->name);
	}
	buf_release(&seen);
}

static void
shown_release(struct caselookup_shown *s)
{
	buf_release(&s->timeline);
	buf_release(&s->parties);
	buf_release(&s->complaints);
}

void
caselookup_take(void *ctx, struct casefold *st, const struct casefold_case *k,
		const struct case_fold *f, struct case_event *ev, size_t nev)
{
	struct caselookup *lk = ctx;
	struct caselookup_shown *s;

	/* Whether it is shown is decided at the end of the walk. */
	if (!is_mine(st, lk->a, ev, nev) || f->hidden || f->stage == NULL ||
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
	s->cat = casefold_category(st, k);
	s->unit = k->unit;
	shown_events(s, st, lk->a, ev, nev);
	if (s->stage == NULL) {		/* nothing public yet */
		shown_release(s);
		lk->nsh--;
	}
}

void
caselookup_init(struct caselookup *lk, const struct caselookup_asker *a)
{
	memset(lk, 0, sizeof *lk);
	lk->a = a;
}

void
caselookup_release(struct caselookup *lk)
{
	size_t i;

	for (i = 0; i < lk->nsh; i++)
		shown_release(&lk->sh[i]);
	free(lk->sh);
	memset(lk, 0, sizeof *lk);
}

void
caselookup_read(struct caselookup *lk, struct casefold *st,
		const struct case_cfg *c, struct rec_reader *in,
		const struct casefold_fields *ix,
		const struct rec_reader_opts *ro,
		const struct caselookup_asker *a)
{
	casefold_init(st, c, in, ix, ro);
	st->drop_late = 1;
	st->only = a->caseno;
	st->copy_id = a->id;
	st->only_named = 1;
	caselookup_init(lk, a);
	casefold_read(st, 0, caselookup_take, lk);
}

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
void
caselookup_text(const struct caselookup *lk, struct buf *b)
{
	const struct caselookup_shown *s;
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

/* ---- the logs ---- */

/* Append TSV-escaped p[0..n) to b. */
void
caselookup_tsv_escape(struct buf *b, const char *p, size_t n)
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

void
caselookup_audit(const char *path, int64_t now, const char *verb,
		 const char *terminal, const char *id, const char *caseno,
		 size_t shown, long long bad)
{
	struct buf b = BUF_INIT;
	char t[20];

	datetime_format(now, t);
	buf_printf(&b, "%s\t%s\t", t, verb);
	if (terminal == NULL)
		terminal = "internet";
	caselookup_tsv_escape(&b, terminal, strlen(terminal));
	buf_addc(&b, '\t');
	mask_value(&b, id, strlen(id));	/* never a raw ID in a log */
	buf_printf(&b, "\t%s\t%s\t%zu\t", caseno ? caseno : "",
		   shown ? "shown" : "none", shown);
	if (bad >= 0)	/* the index path reads too little to count */
		buf_printf(&b, "%lld", bad);
	log_append(path, audit_header, &b, "audit log");
	buf_release(&b);
}

/* ---- the index ---- */

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

void
caselookup_index_init(struct caselookup_index *x, const char *data,
		      const char *keyfile)
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

void
caselookup_index_release(struct caselookup_index *x)
{
	if (x->secret != NULL)
		sodium_memzero(x->secret, x->nsecret);
	free(x->secret);
	buf_release(&x->ppath);
	buf_release(&x->cpath);
	buf_release(&x->cmd);
}
static int
span_cmp(const void *x, const void *y)
{
	const struct rec_span *a = x, *b = y;

	return a->off < b->off ? -1 : a->off > b->off;
}

/* The first line of the file at path (without its LF), into b: 0, or -1
 * when it has no LF in its first MiB.  Exits 4 when it cannot be read. */
static int
first_line(const char *path, struct buf *b)
{
	size_t want = 4096;
	ssize_t got;
	char *nl;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot open: %s", path,
			 strerror(errno));
	buf_reset(b);
	for (;;) {
		buf_grow(b, want);
		got = pread(fd, b->p + b->len, want, (off_t)b->len);
		if (got < 0)
			diag_die(JW_EXIT_IO, "%s: read error: %s", path,
				 strerror(errno));
		nl = memchr(b->p + b->len, '\n', (size_t)got);
		b->len += (size_t)got;
		if (nl != NULL || got == 0 || b->len >= (1u << 20))
			break;
		want *= 2;
	}
	close(fd);
	if (nl == NULL)
		return -1;
	b->len = (size_t)(nl - b->p);
	b->p[b->len] = '\0';
	return 0;
}

/* The column of case_no in data's header line (a BOM and a CR not part
 * of it), or -1 when it has none. */
static long
case_no_col(const char *data)
{
	struct buf h = BUF_INIT;
	const char *p, *e, *t;
	long col = -1, k;

	if (first_line(data, &h) == 0) {
		p = h.p;
		e = h.p + h.len;
		if (e - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;
		if (e > p && e[-1] == '\r')
			e--;
		/* No escaped name reads "case_no" once unescaped but the
		 * raw bytes "case_no": those are compared. */
		for (k = 0;; k++, p = t + 1) {
			t = memchr(p, '\t', (size_t)(e - p));
			if ((t ? t : e) - p == 7 && memcmp(p, "case_no", 7) == 0) {
				col = k;
				break;
			}
			if (t == NULL)
				break;
		}
	}
	buf_release(&h);
	return col;
}

/* Field col of the line p[0..n) when it has the length of a case
 * number; else NULL. */
static const char *
line_case_no(const char *p, size_t n, long col)
{
	const char *e = p + n, *t;
	long i;

	if (n > 0 && e[-1] == '\r')
		e--;
	for (i = 0; i < col; i++) {
		t = memchr(p, '\t', (size_t)(e - p));
		if (t == NULL)
			return NULL;
		p = t + 1;
	}
	t = memchr(p, '\t', (size_t)(e - p));
	if ((t ? t : e) - p != CASE_NO_LEN)
		return NULL;
	return p;
}

/* The case numbers of the lines of data naming a's ID (pi's hits, with
 * their texts), each once, into nos (CASE_NO_LEN bytes each).  The case
 * number is found by its name in the header, wherever the log has it. */
static void
asker_cases(const char *data, struct sidx *pi,
	    const struct caselookup_asker *a, struct buf *nos)
{
	const struct sidx_hit *h;
	const char *no;
	size_t n, i, j;
	long col;

	n = sidx_lookup(pi, a->id, 18, &h);
	if (n == 0 || (col = case_no_col(data)) < 0)
		return;
	for (i = 0; i < n; i++) {
		no = line_case_no(h[i].text, (size_t)h[i].len, col);
		if (no == NULL)
			continue;
		for (j = 0; j < nos->len; j += CASE_NO_LEN)
			if (memcmp(nos->p + j, no, CASE_NO_LEN) == 0)
				break;
		if (j == nos->len)
			buf_add(nos, no, CASE_NO_LEN);
	}
}

int
caselookup_spans(const char *data, const char *keyfile,
		 const struct caselookup_asker *a, struct rec_span **spans,
		 size_t *n)
{
	struct caselookup_index x;
	const struct sidx_hit *h;
	struct buf nos = BUF_INIT;
	struct rec_span *sp = NULL;
	struct sidx *pi, *ci;
	size_t cap = 0, nh, i, j;

	*spans = NULL;
	*n = 0;
	caselookup_index_init(&x, data, keyfile);
	if (access(x.ppath.p, F_OK) < 0 || access(x.cpath.p, F_OK) < 0) {
		caselookup_index_release(&x);
		return -1;
	}
	pi = sidx_open(data, x.ppath.p, &x.po);		/* exit 4 when stale */
	ci = sidx_open(data, x.cpath.p, &x.co);
	if (a->caseno != NULL)
		buf_add(&nos, a->caseno, CASE_NO_LEN);
	else
		asker_cases(data, pi, a, &nos);
	for (j = 0; j < nos.len; j += CASE_NO_LEN) {
		nh = sidx_lookup(ci, nos.p + j, CASE_NO_LEN, &h);
		for (i = 0; i < nh; i++) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				sp = xreallocarray(sp, cap, sizeof *sp);
			}
			sp[*n].off = h[i].off;
			sp[*n].len = h[i].len;
			sp[(*n)++].line = h[i].line;
		}
	}
	/* In file order, as a scan reads them: equal times keep it. */
	if (*n > 1)
		qsort(sp, *n, sizeof *sp, span_cmp);
	sidx_close(pi);
	sidx_close(ci);
	buf_release(&nos);
	caselookup_index_release(&x);
	*spans = sp;
	return 0;
}
