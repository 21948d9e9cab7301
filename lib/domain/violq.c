/* violq: the plate lookup, finding the violations.  See violq.h; the
 * writing is in violq_out.c. */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/date.h"
#include "base/diag.h"
#include "base/durable.h"
#include "base/util.h"
#include "domain/plate.h"
#include "domain/violq_impl.h"

struct violq *
violq_new(struct cli *cli, const struct violq_opts *o)
{
	struct violq *q = xcalloc(1, sizeof *q);

	q->cli = cli;
	q->o = *o;
	arena_init(&q->mem);
	htab_init(&q->by_plate, sizeof(size_t));
	htab_init(&q->drivers, sizeof(struct viol_pts));
	buf_init(&q->norm);
	buf_init(&q->q);
	buf_init(&q->m);
	return q;
}

int
violq_ask(struct violq *q, const char *p, size_t n)
{
	struct violq_asked *a;
	size_t *ix;
	int isnew;

	buf_reset(&q->norm);
	if (plate_norm(p, n, &q->norm, NULL) == PLATE_INVALID)
		return 0;
	ix = htab_put(&q->by_plate, q->norm.p, q->norm.len, &isnew);
	if (!isnew)
		return 1;	/* asked twice: answered once */
	if (q->na == q->capa) {
		q->capa = q->capa ? 2 * q->capa : 16;
		q->a = xreallocarray(q->a, q->capa, sizeof *q->a);
	}
	*ix = q->na;
	a = &q->a[q->na++];
	memset(a, 0, sizeof *a);
	a->plate = arena_memdup(&q->mem, q->norm.p, q->norm.len);
	a->len = q->norm.len;
	return 1;
}

/* Is s a plate asked for?  Returns its index or REC_NONE.  The data's own
 * spelling is tried first; only one that differs is normalised. */
static size_t
match(struct violq *q, struct rec_str s)
{
	size_t *ix = htab_find(&q->by_plate, s.p, s.len);

	if (ix != NULL)
		return *ix;
	buf_reset(&q->norm);
	if (plate_norm(s.p, s.len, &q->norm, NULL) == PLATE_INVALID ||
	    (q->norm.len == s.len && memcmp(q->norm.p, s.p, s.len) == 0))
		return REC_NONE;
	ix = htab_find(&q->by_plate, q->norm.p, q->norm.len);
	return ix ? *ix : REC_NONE;
}

/* Keep record r, a violation of asked plate ai. */
static void
keep(struct violq *q, const struct rec *r, size_t ai)
{
	struct buf *j = &q->q;
	struct violq_hit *h;
	struct viol_rec v;
	size_t i;

	if (q->o.type != NULL &&
	    !rec_str_eq(r->f[q->c.f[VF_TYPE]],
			(struct rec_str){ q->o.type, strlen(q->o.type) })) {
		rec_filtered(q->in, r);
		return;
	}
	if (viol_rec_read(q->in, r, &q->c, &v, j) < 0) {
		q->a[ai].rejected++;
		return;
	}
	buf_reset(j);
	for (i = 0; i < r->n; i++) {
		buf_add(j, r->f[i].p, r->f[i].len);
		buf_addc(j, '\0');
	}
	if (q->nh == q->caph) {
		q->caph = q->caph ? 2 * q->caph : 64;
		q->h = xreallocarray(q->h, q->caph, sizeof *q->h);
	}
	h = &q->h[q->nh++];
	h->asked = ai;
	h->vals = arena_memdup(&q->mem, j->p, j->len);
	h->len = j->len;
	h->line = r->line;
	h->v = v;
}

void
violq_hit_fields(struct violq *q, const struct violq_hit *h)
{
	const char *p = h->vals, *z;
	size_t i;

	for (i = 0; i < q->nfields; i++) {
		z = memchr(p, '\0', h->len - (size_t)(p - h->vals));
		q->f[i].p = p;
		q->f[i].len = (size_t)(z - p);
		p = z + 1;
	}
}

/* Plate order as asked, then newest first (by time, then by line). */
static int
hit_cmp(const void *x, const void *y)
{
	const struct violq_hit *a = x, *b = y;

	if (a->asked != b->asked)
		return a->asked < b->asked ? -1 : 1;
	if (a->v.time != b->v.time)
		return a->v.time > b->v.time ? -1 : 1;
	return a->line > b->line ? -1 : a->line < b->line;
}

/* Quote field value s for a message into b (reset first). */
static const char *
quoted(struct buf *b, struct rec_str s)
{
	buf_reset(b);
	buf_add_quoted(b, s.p, s.len);
	return b->p;
}

/* Read the batch of plates on stdin (one a line, no header); a line that
 * is no plate is a reject, into main_in's rejects stream.  With main_in
 * NULL the batch reader owns the rejects stream and stays open as q->bin
 * (the data reader's rejects go into it; it is closed last). */
static void
read_batch(struct violq *q, struct rec_reader *main_in)
{
	static const char *const names[] = { "plate" };
	const char *files[] = { "-", NULL };
	struct rec_reader_opts o = q->cli->ro;
	struct rec_reader *in;
	const struct rec *r;

	o.names = names;
	o.nnames = 1;
	o.nalias = 0;
	o.fmt = REC_TSV;
	o.fmt_auto = 0;
	o.rejects_into = main_in;
	o.spans = NULL;
	o.nspans = 0;
	in = rec_reader_open(files, &o);
	while ((r = rec_reader_next(in)) != NULL) {
		if (r->f[0].len == 0) {
			rec_filtered(in, r);	/* a blank line */
			continue;
		}
		if (!violq_ask(q, r->f[0].p, r->f[0].len))
			rec_reject(in, r, "field 'plate': not a plate number: "
				   "'%s'", quoted(&q->q, r->f[0]));
	}
	if (main_in == NULL) {
		q->bin = in;
		return;
	}
	if (rec_reader_count_rejected(in) > 0 && q->cli->status == 0)
		q->cli->status = JW_EXIT_REJECTS;
	rec_reader_close(in);
}

/* The data's name for the program's field name (after -F). */
static const char *
data_name(const struct cli *cli, const char *name)
{
	size_t i;

	for (i = 0; i < cli->ro.nalias; i++)
		if (strcmp(cli->ro.alias_from[i], name) == 0)
			return cli->ro.alias_to[i];
	return name;
}

/* The index's keys: each record's plate, normalised as a plate asked for
 * is (a data plate that is no plate has no key). */
static void
plate_keys(void *ctx, struct rec_str v,
	   void (*emit)(void *ectx, const char *k, size_t n), void *ectx)
{
	struct buf *b = ctx;

	buf_reset(b);
	if (plate_norm(v.p, v.len, b, NULL) != PLATE_INVALID)
		emit(ectx, b->p, b->len);
}

/* The index options of the plate index of data (field: the data's name
 * of 'plate'; ipath: -i or NULL); norm and cmd are scratch that must live
 * as long as o. */
static void
index_opts(struct sidx_opts *o, struct buf *norm, struct buf *cmd,
	   const char *data, const char *ipath, const char *field)
{
	memset(o, 0, sizeof *o);
	o->field = field;
	o->keys = plate_keys;
	o->keys_ctx = norm;
	o->keys_name = "plate-norm/1";
	buf_reset(cmd);
	buf_adds(cmd, "viol-query index ");
	if (ipath != NULL)
		buf_printf(cmd, "-i %s ", ipath);
	buf_adds(cmd, data);
	o->rebuild = cmd->p;
}

void
violq_index_build(struct cli *cli, const char *data, const char *ipath,
		  int extend)
{
	struct buf norm = BUF_INIT, cmd = BUF_INIT, def = BUF_INIT;
	struct sidx_opts o;

	index_opts(&o, &norm, &cmd, data, ipath, data_name(cli, "plate"));
	if (ipath == NULL) {
		buf_printf(&def, "%s.idx", data);
		ipath = def.p;
	}
	sidx_build(data, ipath, &o, extend);
	buf_release(&norm);
	buf_release(&cmd);
	buf_release(&def);
}

/* The lines of the data holding the plates asked, from the index ix (the
 * covered part) and one scan of what was appended since
 * (sidx_lookup_keys()), in file order, into q->spans and their texts (as
 * the lookup read them back) into q->texts.  Exits 4 when the index is
 * stale, corrupt or truncated.  Returns the count. */
static size_t
index_spans(struct violq *q, const char *ix)
{
	struct buf norm = BUF_INIT, cmd = BUF_INIT;
	const char **keys = xreallocarray(NULL, q->na + 1, sizeof *keys);
	size_t *lens = xreallocarray(NULL, q->na + 1, sizeof *lens);
	const struct sidx_hit *h;
	struct sidx_opts o;
	struct sidx *x;
	size_t n, k;

	index_opts(&o, &norm, &cmd, q->o.data, q->o.index,
		   data_name(q->cli, "plate"));
	x = sidx_open(q->o.data, ix, &o);
	for (k = 0; k < q->na; k++) {
		keys[k] = q->a[k].plate;
		lens[k] = q->a[k].len;
	}
	n = sidx_lookup_keys(x, keys, lens, q->na, &h);
	q->spans = xreallocarray(NULL, n + 1, sizeof *q->spans);
	q->texts = xreallocarray(NULL, n + 1, sizeof *q->texts);
	for (k = 0; k < n; k++) {
		q->spans[k].off = h[k].off;
		q->spans[k].len = h[k].len;
		q->spans[k].line = h[k].line;
		q->texts[k] = arena_memdup(&q->mem, h[k].text,
					   (size_t)h[k].len);
	}
	sidx_close(x);
	free(keys);
	free(lens);
	buf_release(&norm);
	buf_release(&cmd);
	return n;
}

/* Open the data: only the lines the index names (and those appended
 * since) when there is one; the batch is read first then, so that its
 * reader holds the rejects stream. */
static void
open_data(struct violq *q, int batch)
{
	const char *files[] = { q->o.data, NULL };
	struct rec_reader_opts ro = q->cli->ro;
	struct buf def = BUF_INIT;
	const char *ix = q->o.index;
	struct stat st;
	size_t n;

	if (ix == NULL) {
		buf_printf(&def, "%s.idx", q->o.data);
		if (stat(def.p, &st) == 0)
			ix = def.p;
	}
	if (ix == NULL) {
		q->in = cli_open_files(q->cli, files);
		if (batch)
			read_batch(q, q->in);
		buf_release(&def);
		return;
	}
	if (batch)
		read_batch(q, NULL);
	n = index_spans(q, ix);
	ro.spans = q->spans;	/* read while in is */
	ro.nspans = n;
	ro.span_texts = q->texts;
	ro.rejects_into = q->bin;
	q->in = rec_reader_open(files, &ro);
	buf_release(&def);
}

const struct violq_hit *
violq_driver_hit(const struct violq *q, const struct violq_asked *a)
{
	size_t i;

	for (i = a->first; i < a->first + a->nhits; i++)
		if (q->h[i].v.st != VIOL_OPEN)
			return &q->h[i];
	return NULL;
}

/* The points of the drivers of the plates asked, from one more pass over
 * the data. */
static void
driver_points(struct violq *q)
{
	static const enum viol_field pf[] = { VF_DRIVER, VF_STATUS,
		VF_POINTS, VF_DECIDED, VF_PAID };
	const char *files[] = { q->o.data, NULL };
	struct rec_reader_opts o = q->cli->ro;
	struct rec_reader *in;
	const struct rec *r;
	struct viol_cols c;
	struct viol_rec v;
	struct viol_pts *p;
	size_t w[5], i;

	o.rejects = NULL;	/* the first pass reported the bad records */
	in = rec_reader_open(files, &o);
	viol_cols_need(in, &c, pf, 5);
	for (i = 0; i < 5; i++)
		w[i] = c.f[pf[i]];
	rec_reader_want(in, w, 5);
	diag_quiet++;
	while ((r = rec_reader_next(in)) != NULL) {
		p = htab_find(&q->drivers, r->f[c.f[VF_DRIVER]].p,
			      r->f[c.f[VF_DRIVER]].len);
		if (p == NULL || viol_rec_read(in, r, &c, &v, &q->q) < 0)
			continue;
		viol_pts_add(p, &v, q->o.asof);
	}
	rec_reader_close(in);
	diag_quiet--;
}

/* The drivers of the plates asked (each plate's newest decided
 * violation's), then their points. */
static void
find_drivers(struct violq *q)
{
	const struct violq_hit *dh;
	struct rec_str id;
	struct viol_pts *p;
	size_t k;
	int isnew;

	for (k = 0; k < q->na; k++) {
		if ((dh = violq_driver_hit(q, &q->a[k])) == NULL)
			continue;
		violq_hit_fields(q, dh);
		id = q->f[q->c.f[VF_DRIVER]];
		if (id.len == 0)
			continue;
		p = htab_put(&q->drivers, id.p, id.len, &isnew);
		if (isnew)
			viol_pts_cycle(p, viol_licence_find(q->lic, id.p,
							    id.len),
				       q->o.asof);
	}
	if (q->drivers.count > 0)
		driver_points(q);
}

void
violq_find(struct violq *q, int batch)
{
	static const enum viol_field need[] = { VF_PLATE, VF_TYPE, VF_TIME,
		VF_PLACE, VF_DISTRICT, VF_CODE, VF_STATUS, VF_FINE, VF_POINTS,
		VF_DRIVER, VF_DECISION, VF_DECIDED, VF_PAID };
	unsigned long long nrej;
	const struct rec *r;
	size_t ai, k;

	open_data(q, batch);
	viol_cols_need(q->in, &q->c, need, JW_ARRAY_LEN(need));
	q->nfields = rec_reader_nfields(q->in);
	q->f = xcalloc(q->nfields + 1, sizeof *q->f);
	if (q->o.licences != NULL) {
		q->lic = viol_licences_load(q->o.licences, &q->cli->ro,
					    q->bin ? q->bin : q->in, &nrej);
		if (nrej > 0 && q->cli->status == 0)
			q->cli->status = JW_EXIT_REJECTS;
	}
	while ((r = rec_reader_next(q->in)) != NULL)
		if ((ai = match(q, r->f[q->c.f[VF_PLATE]])) != REC_NONE)
			keep(q, r, ai);
	if (q->nh > 1)
		qsort(q->h, q->nh, sizeof *q->h, hit_cmp);
	for (k = 0; k < q->nh; k++)
		if (q->a[q->h[k].asked].nhits++ == 0)
			q->a[q->h[k].asked].first = k;
	if (q->lic != NULL)
		find_drivers(q);
}

#define AUDIT_HEADER "time\tuser\tplate\trows"

void
violq_audit(struct violq *q, const char *path)
{
	struct passwd *pw = getpwuid(getuid());
	struct buf line = BUF_INIT;
	const char *user = pw ? pw->pw_name : "?";
	struct stat st;
	char t[20];
	size_t i;

	/* --asof when given, else the clock (China Standard Time). */
	datetime_format(cli_asof_time(q->cli), t);
	/* A header first in a new log (a second one, from a race, is
	 * skipped by every reader as a repeated header). */
	if ((stat(path, &st) < 0 || st.st_size == 0) &&
	    dur_append(path, AUDIT_HEADER, strlen(AUDIT_HEADER), 0600) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot append: %s", path,
			 strerror(errno));
	for (i = 0; i < q->na; i++) {
		buf_reset(&line);
		buf_printf(&line, "%s\t%s\t%s\t%zu", t, user, q->a[i].plate,
			   q->a[i].nhits);
		if (dur_append(path, line.p, line.len, 0600) < 0)
			diag_die(JW_EXIT_IO, "%s: cannot append: %s", path,
				 strerror(errno));
	}
	buf_release(&line);
}

int
violq_finish(struct violq *q, struct rec_writer *w)
{
	struct cli *cli = q->cli;
	struct rec_reader *bin = q->bin;
	int c;

	viol_licences_free(q->lic);
	htab_release(&q->drivers);
	arena_release(&q->mem);
	htab_release(&q->by_plate);
	free(q->a);
	free(q->h);
	free(q->f);
	buf_release(&q->norm);
	buf_release(&q->q);
	buf_release(&q->m);
	if (bin == NULL) {
		c = cli_finish(cli, q->in, w);
		free(q->spans);
		free(q->texts);
		free(q);
		return c;
	}
	/* The data's reader sends its rejects to the batch's: close it
	 * first. */
	if (rec_reader_count_rejected(q->in) > 0 && cli->status == 0)
		cli->status = JW_EXIT_REJECTS;
	rec_reader_close(q->in);
	free(q->spans);
	free(q->texts);
	free(q);
	c = cli_finish(cli, NULL, w);
	if (rec_reader_count_rejected(bin) > 0 && cli->status == 0)
		cli->status = JW_EXIT_REJECTS;
	rec_reader_close(bin);
	return c > cli->status ? c : cli->status;
}

