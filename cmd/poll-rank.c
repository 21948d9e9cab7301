/* poll-rank: satisfaction scores, rankings, trends and charts (民调排名).
 * See poll-rank(1). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/num.h"
#include "base/utf8.h"
#include "base/util.h"
#include "domain/poll.h"
#include "domain/pollplot.h"
#include "rec/cli.h"
#include "rec/fsel.h"

enum {
	OPT_PARTIAL = 256, OPT_MERGE, OPT_LEVEL, OPT_BY, OPT_UNIT, OPT_TEXT,
	OPT_HIGHLIGHT, OPT_TITLE
};

static void
poll_free_v(void *p)
{
	poll_free(p);
}

static void
table_free_v(void *p)
{
	poll_table_release(p);
	free(p);
}

static void
tally_free_v(void *p)
{
	poll_tally_free(p);
}

/* What the verbs that read answers or scores share. */
struct src {
	const char *cpath, *by;
	long level;
	int by_rate;
};

static int
src_opt(struct cli *cli, struct src *s, int c)
{
	switch (c) {
	case 'c': s->cpath = cli->optarg; return 1;
	case 'b': s->by = cli->optarg; return 1;
	case OPT_LEVEL: s->level = cli_long(cli, "--level", 1, 9); return 1;
	case OPT_BY:
		if (strcmp(cli->optarg, "score") == 0)
			s->by_rate = 0;
		else if (strcmp(cli->optarg, "rate") == 0)
			s->by_rate = 1;
		else
			cli_usage(cli, "--by: expected score or rate, got "
				  "'%s'", cli->optarg);
		return 1;
	}
	return 0;
}

#define CONFIG_OPT \
	{ 'c', "config", CLI_ARG, "POLL.yaml", \
	  "the poll's definition (default: built-in Hunan)" }
#define BY_OPT \
	{ 'b', "group-by", CLI_ARG, "FIELDS", \
	  "also per these fields (e.g. question, round)" }
#define LEVEL_OPT \
	{ OPT_LEVEL, "level", CLI_ARG, "N", \
	  "count answers for the unit's ancestor at level N (1 = top)" }
#define RANKBY_OPT \
	{ OPT_BY, "by", CLI_ARG, "score|rate", \
	  "rank on the score (default) or the satisfied rate" }

static struct poll *
src_poll(struct cli *cli, const struct src *s)
{
	struct poll *p = poll_load(s->cpath);	/* exits 3 */

	cli_defer(cli, poll_free_v, p);
	return p;
}

/* -b's field indexes (none without -b). */
static const size_t *
src_by(struct cli *cli, const struct src *s, struct rec_reader *in,
       size_t *nb)
{
	static const size_t none[1];

	*nb = 0;
	if (s->by == NULL)
		return none;
	return fsel_parse(cli, in, "-b", s->by, nb);
}

/* Read answers or score records from in into a new table. */
static struct poll_table *
src_table(struct cli *cli, const struct src *s, const struct poll *p,
	  struct rec_reader *in, int merge)
{
	struct poll_table *tb = xcalloc(1, sizeof *tb);
	struct poll_tally *t;
	const size_t *by;
	size_t nb;

	by = src_by(cli, s, in, &nb);
	poll_table_init(tb, nb);
	cli_defer(cli, table_free_v, tb);
	if (poll_is_scores(in)) {
		if (s->level > 0)
			cli_usage(cli, "--level rolls up answers: these are "
				  "scores");
		poll_table_read(p, tb, in, by);
		return tb;
	}
	t = poll_tally_new(p, in, by, nb, (int)s->level, merge);
	poll_tally_read(t, in);
	poll_tally_table(t, tb);
	poll_tally_free(t);
	return tb;
}

static void
put_dec(struct rec_writer *w, int has, long long v, int dec)
{
	char b[32];

	if (!has) {
		rec_writer_put(w, "", 0);
		return;
	}
	rec_writer_put(w, b, num_fmt_dec(b, v, dec));
}

static void
put_stats(struct rec_writer *w, const struct poll_stats *st)
{
	rec_writer_putll(w, (long long)st->n);
	put_dec(w, 1, st->score, POLL_SCORE_DEC);
	put_dec(w, st->has_score_ci, st->score_low, POLL_SCORE_DEC);
	put_dec(w, st->has_score_ci, st->score_high, POLL_SCORE_DEC);
	put_dec(w, st->has_rate, st->rate, POLL_RATE_DEC);
	put_dec(w, st->has_rate, st->rate_low, POLL_RATE_DEC);
	put_dec(w, st->has_rate, st->rate_high, POLL_RATE_DEC);
}

static void
add_stats_cols(struct rec_writer *w)
{
	static const char *const c[] = {
		"n", "score", "score_low", "score_high", "rate", "rate_low",
		"rate_high"
	};
	size_t i;

	for (i = 0; i < JW_ARRAY_LEN(c); i++)
		rec_writer_add(w, c[i]);
}

/* ---- score ---- */

static const struct cli_opt score_opts[] = {
	CONFIG_OPT, BY_OPT, LEVEL_OPT,
	{ OPT_PARTIAL, "partial", CLI_NOARG, NULL,
	  "write mergeable sums per unit (for --merge)" },
	{ OPT_MERGE, "merge", CLI_NOARG, NULL,
	  "score the sums written by --partial" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_score(struct cli *cli, int argc, char *argv[])
{
	struct src s = { NULL, NULL, 0, 0 };
	struct poll_table *tb;
	struct poll_tally *t;
	struct rec_reader *in;
	struct rec_writer *out;
	const size_t *by;
	size_t nb, i, k;
	struct poll *p;
	int c, partial = 0, merge = 0;

	while ((c = cli_getopt(cli, score_opts, argc, argv)) != -1)
		if (c == OPT_PARTIAL)
			partial = 1;
		else if (c == OPT_MERGE)
			merge = 1;
		else
			src_opt(cli, &s, c);
	if (partial && merge)
		cli_usage(cli, "--partial and --merge do not go together");
	p = src_poll(cli, &s);
	in = cli_open_inputs(cli);
	if (!partial) {
		tb = src_table(cli, &s, p, in, merge);
		out = cli_open_output(cli);
		rec_writer_add(out, "year");
		rec_writer_add(out, "unit");
		rec_writer_add(out, "code");
		by = src_by(cli, &s, in, &nb);
		for (i = 0; i < nb; i++)
			rec_writer_add(out, rec_reader_name(in, by[i]));
		add_stats_cols(out);
		rec_writer_add(out, "flag");
		for (i = 0; i < tb->n; i++) {
			const struct poll_row *row = &tb->rows[i];

			rec_writer_putll(out, row->year);
			rec_writer_put(out, row->u->name, row->u->len);
			rec_writer_puts(out, row->u->code);
			for (k = 0; k < nb; k++)
				rec_writer_str(out, row->b[k]);
			put_stats(out, &row->st);
			rec_writer_puts(out, row->st.small ? "small" : "");
			rec_writer_end(out);
		}
		return cli_finish(cli, in, out);
	}
	by = src_by(cli, &s, in, &nb);
	t = poll_tally_new(p, in, by, nb, (int)s.level, 0);
	cli_defer(cli, tally_free_v, t);
	poll_tally_read(t, in);
	out = cli_open_output(cli);
	poll_tally_partial(t, in, out);
	return cli_finish(cli, in, out);
}

/* ---- rank ---- */

static const struct cli_opt rank_opts[] = {
	CONFIG_OPT, BY_OPT, LEVEL_OPT, RANKBY_OPT,
	{ 0, NULL, 0, NULL, NULL }
};

static const char *
indistinct(const struct poll_row *r)
{
	if (r->rank == 0)
		return "";
	return r->above && r->below ? "both" : r->above ? "above" :
	       r->below ? "below" : "";
}

static int
verb_rank(struct cli *cli, int argc, char *argv[])
{
	struct src s = { NULL, NULL, 0, 0 };
	struct poll_table *tb;
	struct rec_reader *in;
	struct rec_writer *out;
	const size_t *by;
	size_t nb, i, k;
	struct poll *p;
	int c;

	while ((c = cli_getopt(cli, rank_opts, argc, argv)) != -1)
		src_opt(cli, &s, c);
	p = src_poll(cli, &s);
	in = cli_open_inputs(cli);
	tb = src_table(cli, &s, p, in, 0);
	poll_table_rank(p, tb, s.by_rate);
	out = cli_open_output(cli);
	by = src_by(cli, &s, in, &nb);
	rec_writer_add(out, "year");
	for (i = 0; i < nb; i++)
		rec_writer_add(out, rec_reader_name(in, by[i]));
	rec_writer_add(out, "rank");
	rec_writer_add(out, "of");
	rec_writer_add(out, "unit");
	rec_writer_add(out, "code");
	add_stats_cols(out);
	rec_writer_add(out, "change");
	rec_writer_add(out, "tier");
	rec_writer_add(out, "streak");
	rec_writer_add(out, "indistinct");
	rec_writer_add(out, "flag");
	for (i = 0; i < tb->n; i++) {
		const struct poll_row *r = &tb->rows[i];

		rec_writer_putll(out, r->year);
		for (k = 0; k < nb; k++)
			rec_writer_str(out, r->b[k]);
		put_dec(out, r->rank > 0, r->rank, 0);
		put_dec(out, r->rank > 0, r->of, 0);
		rec_writer_put(out, r->u->name, r->u->len);
		rec_writer_puts(out, r->u->code);
		put_stats(out, &r->st);
		put_dec(out, r->has_change, r->change, 0);
		rec_writer_puts(out, r->rank > 0 ? r->tier : "");
		put_dec(out, r->rank > 0, r->streak, 0);
		rec_writer_puts(out, indistinct(r));
		rec_writer_puts(out, r->st.small ? "small" : "");
		rec_writer_end(out);
	}
	return cli_finish(cli, in, out);
}

/* ---- history ---- */

static const struct cli_opt history_opts[] = {
	CONFIG_OPT, RANKBY_OPT,
	{ 'u', "unit", CLI_ARG, "UNIT", "the unit (name or 行政区划代码)" },
	{ OPT_TEXT, "text", CLI_NOARG, NULL,
	  "a small table to print instead of records" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
unit_is(const struct poll_unit *u, const char *s)
{
	return strcmp(u->name, s) == 0 || strcmp(u->code, s) == 0;
}

/* s padded with spaces to display width w. */
static void
pad(struct buf *b, const char *s, size_t w)
{
	size_t n = utf8_width(s, strlen(s));

	buf_adds(b, s);
	while (n++ < w)
		buf_addc(b, ' ');
}

static void
history_text(const struct poll *p, const struct poll_unit *u,
	     const struct poll_row **h, size_t nh, struct buf *b, int by_rate)
{
	char v[32], lo[32], hi[32], cell[96];
	size_t i;
	int y;

	buf_printf(b, "%s (%s)%s%s, %s\n", u->name, u->code, *p->name ? ", " :
		   "", p->name, by_rate ? "ranked by satisfied rate" :
		   "ranked by score");
	buf_adds(b, "year  rank    score   95% interval   rate    n      "
		 "tier      change  streak\n");
	for (i = 0; i < nh; i++) {
		const struct poll_row *r = h[i];

		if (i > 0)
			for (y = h[i - 1]->year + 1; y < r->year; y++)
				buf_printf(b, "%d  (no poll)\n", y);
		buf_printf(b, "%d  ", r->year);
		if (r->rank > 0)
			snprintf(cell, sizeof cell, "%ld/%ld", r->rank, r->of);
		else
			snprintf(cell, sizeof cell, "-");
		pad(b, cell, 8);
		num_fmt_dec(v, r->st.score, POLL_SCORE_DEC);
		pad(b, v, 8);
		if (r->st.has_score_ci) {
			num_fmt_dec(lo, r->st.score_low, POLL_SCORE_DEC);
			num_fmt_dec(hi, r->st.score_high, POLL_SCORE_DEC);
			snprintf(cell, sizeof cell, "%s-%s", lo, hi);
		} else {
			snprintf(cell, sizeof cell, "-");
		}
		pad(b, cell, 15);
		if (r->st.has_rate) {
			num_fmt_dec(v, r->st.rate, POLL_RATE_DEC);
			pad(b, v, 8);
		} else {
			pad(b, "-", 8);
		}
		snprintf(cell, sizeof cell, "%llu", r->st.n);
		pad(b, cell, 7);
		pad(b, r->rank > 0 ? (*r->tier ? r->tier : "-") :
		    "small sample", 10);
		if (r->has_change)
			snprintf(cell, sizeof cell, "%+ld", r->change);
		else
			snprintf(cell, sizeof cell, "-");
		pad(b, cell, 8);
		if (r->rank > 0)
			buf_printf(b, "%ld", r->streak);
		while (b->len > 0 && b->p[b->len - 1] == ' ')
			b->p[--b->len] = '\0';
		buf_addc(b, '\n');
	}
}

static int
verb_history(struct cli *cli, int argc, char *argv[])
{
	struct src s = { NULL, NULL, 0, 0 };
	const char *unit = NULL;
	const struct poll_unit *u = NULL;
	const struct poll_row **h;
	struct poll_table *tb;
	struct rec_reader *in;
	struct rec_writer *out;
	struct buf b = BUF_INIT;
	size_t i, nh = 0;
	struct poll *p;
	int c, text = 0;

	while ((c = cli_getopt(cli, history_opts, argc, argv)) != -1)
		if (c == 'u')
			unit = cli->optarg;
		else if (c == OPT_TEXT)
			text = 1;
		else
			src_opt(cli, &s, c);
	if (unit == NULL)
		cli_usage(cli, "--unit UNIT is required");
	p = src_poll(cli, &s);
	for (i = 0; i < p->nunits && u == NULL; i++)
		if (unit_is(&p->units[i], unit))
			u = &p->units[i];
	if (u == NULL)
		cli_usage(cli, "--unit: '%s' is not a unit of the poll", unit);
	in = cli_open_inputs(cli);
	tb = src_table(cli, &s, p, in, 0);
	poll_table_rank(p, tb, s.by_rate);
	h = xcalloc(tb->n + 1, sizeof *h);
	for (i = 0; i < tb->n; i++)
		if (tb->rows[i].u == u)
			h[nh++] = &tb->rows[i];
	if (text) {
		history_text(p, u, h, nh, &b, s.by_rate);
		fwrite(b.p, 1, b.len, stdout);
		buf_release(&b);
		free(h);
		return cli_finish(cli, in, NULL);
	}
	out = cli_open_output(cli);
	rec_writer_add(out, "year");
	rec_writer_add(out, "unit");
	rec_writer_add(out, "code");
	rec_writer_add(out, "rank");
	rec_writer_add(out, "of");
	add_stats_cols(out);
	rec_writer_add(out, "change");
	rec_writer_add(out, "tier");
	rec_writer_add(out, "streak");
	rec_writer_add(out, "flag");
	for (i = 0; i < nh; i++) {
		const struct poll_row *r = h[i];

		rec_writer_putll(out, r->year);
		rec_writer_puts(out, u->name);
		rec_writer_puts(out, u->code);
		put_dec(out, r->rank > 0, r->rank, 0);
		put_dec(out, r->rank > 0, r->of, 0);
		put_stats(out, &r->st);
		put_dec(out, r->has_change, r->change, 0);
		rec_writer_puts(out, r->rank > 0 ? r->tier : "");
		put_dec(out, r->rank > 0, r->streak, 0);
		rec_writer_puts(out, r->st.small ? "small" : "");
		rec_writer_end(out);
	}
	free(h);
	return cli_finish(cli, in, out);
}

/* ---- verify ---- */

static const struct cli_opt verify_opts[] = {
	CONFIG_OPT, RANKBY_OPT,
	{ 0, NULL, 0, NULL, NULL }
};

/* A published row, copied: the table is checked a year at a time. */
struct pub {
	struct rec rec;		/* fields copied, for rec_reject() */
	int year;
	const struct poll_unit *u;
	long rank;
	int has_score, bad;
	long long score;
	char *why;
};

static struct pub *
pub_copy(struct pub *v, const struct rec *r)
{
	size_t i;

	memset(v, 0, sizeof *v);
	v->rec.n = r->n;
	v->rec.f = xcalloc(r->n + 1, sizeof *v->rec.f);
	for (i = 0; i < r->n; i++) {
		v->rec.f[i].p = rec_str_is_null(r->f[i]) ? rec_null :
				xmemdup(r->f[i].p, r->f[i].len);
		v->rec.f[i].len = r->f[i].len;
	}
	v->rec.file = xstrdup(r->file);
	v->rec.line = r->line;
	return v;
}

static void
pub_release(struct pub *v)
{
	size_t i;

	for (i = 0; i < v->rec.n; i++)
		if (v->rec.f[i].p != rec_null)
			free((char *)v->rec.f[i].p);
	free(v->rec.f);
	free((char *)v->rec.file);
	free(v->why);
}

static char *
dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
dupf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

/* Parse one published row; a reason when it is bad, else NULL. */
static char *
pub_parse(const struct poll *p, struct pub *v, size_t iy, size_t iu,
	  size_t ir, size_t is)
{
	const struct rec_str *f = v->rec.f;
	struct buf q = BUF_INIT;
	long long n;
	char *why = NULL;

	if (f[iy].len != 4 || !num_is_digits(f[iy].p, 4)) {
		buf_add_quoted(&q, f[iy].p, f[iy].len);
		why = dupf("field 'year': not a year: '%s'", q.p);
	} else if ((v->u = poll_unit(p, f[iu].p, f[iu].len)) == NULL) {
		buf_add_quoted(&q, f[iu].p, f[iu].len);
		why = dupf("field 'unit': not a unit of the poll: '%s'", q.p);
	} else if (num_ll(f[ir].p, f[ir].len, &n) < 0 || n < -1000000 ||
		   n > 1000000) {
		buf_add_quoted(&q, f[ir].p, f[ir].len);
		why = dupf("field 'rank': not a whole number: '%s'", q.p);
	} else if (is != REC_NONE && f[is].len > 0 &&
		   num_dec(f[is].p, f[is].len, POLL_SCORE_DEC, &v->score) < 0) {
		buf_add_quoted(&q, f[is].p, f[is].len);
		why = dupf("field 'score': not a number of at most %d "
			   "decimals: '%s'", POLL_SCORE_DEC, q.p);
	} else {
		v->year = atoi(f[iy].p);
		v->rank = (long)n;
		v->has_score = is != REC_NONE && f[is].len > 0;
	}
	buf_release(&q);
	return why;
}

/* Compare with the ranks computed from answers, for rows still good. */
static void
pub_against(struct pub *v, size_t n, const struct poll_table *tb)
{
	char a[32], b[32];
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct poll_row *r = NULL;

		if (v[i].why != NULL || v[i].bad)
			continue;
		for (k = 0; k < tb->n && r == NULL; k++)
			if (tb->rows[k].u == v[i].u &&
			    tb->rows[k].year == v[i].year)
				r = &tb->rows[k];
		if (r == NULL) {
			v[i].why = dupf("the answers have no %s in %d",
					v[i].u->name, v[i].year);
		} else if (r->rank == 0) {
			v[i].why = dupf("rank %ld, but the answers give too "
					"small a sample to rank (n %llu)",
					v[i].rank, r->st.n);
		} else if (r->rank != v[i].rank) {
			num_fmt_dec(a, r->st.score, POLL_SCORE_DEC);
			v[i].why = dupf("rank %ld, the answers give %ld of %ld "
					"(score %s)", v[i].rank, r->rank, r->of,
					a);
		} else if (v[i].has_score && v[i].score != r->st.score) {
			num_fmt_dec(a, v[i].score, POLL_SCORE_DEC);
			num_fmt_dec(b, r->st.score, POLL_SCORE_DEC);
			v[i].why = dupf("score %s, the answers give %s", a, b);
		}
	}
}

static int
by_year_line(const void *a, const void *b)
{
	const struct pub *x = *(const struct pub *const *)a;
	const struct pub *y = *(const struct pub *const *)b;

	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	return (x->rec.line > y->rec.line) - (x->rec.line < y->rec.line);
}

/* The published checks, a year at a time. */
static void
pub_check(const struct poll *p, struct pub *v, size_t n)
{
	struct pub **o = xcalloc(n + 1, sizeof *o);
	size_t i, j, k, m, of;
	long *rank;
	int *has, *bad;
	long long *sc;
	unsigned long long *line;
	char **why;

	for (i = m = 0; i < n; i++)
		if (v[i].why == NULL)
			o[m++] = &v[i];
	qsort(o, m, sizeof *o, by_year_line);
	rank = xcalloc(m + 1, sizeof *rank);
	has = xcalloc(m + 1, sizeof *has);
	bad = xcalloc(m + 1, sizeof *bad);
	sc = xcalloc(m + 1, sizeof *sc);
	line = xcalloc(m + 1, sizeof *line);
	why = xcalloc(m + 1, sizeof *why);
	for (i = 0; i < m; i = j) {
		for (j = i; j < m && o[j]->year == o[i]->year; j++) {
			k = j - i;
			rank[k] = o[j]->rank;
			has[k] = o[j]->has_score;
			sc[k] = o[j]->score;
			line[k] = o[j]->rec.line;
			bad[k] = 0;
		}
		/* A unit twice in a year: the later rows. */
		for (k = i; k < j; k++) {
			size_t e;

			for (e = i; e < k; e++)
				if (o[e]->u == o[k]->u && !bad[e - i])
					break;
			if (e < k) {
				bad[k - i] = 1;
				o[k]->why = dupf("field 'unit': %s is ranked "
						 "twice in %d (first on line "
						 "%llu)", o[k]->u->name,
						 o[k]->year, o[e]->rec.line);
			}
		}
		of = poll_units_at(p, o[i]->u->level);
		poll_check_year(p, rank, has, sc, POLL_SCORE_DEC, line, j - i,
				of, bad, why);
		for (k = 0; k < j - i; k++)
			if (why[k] != NULL)
				o[i + k]->why = why[k];
	}
	free(o);
	free(rank);
	free(has);
	free(bad);
	free(sc);
	free(line);
	free(why);
}

static int
verify_years_covered(const struct poll_table *tb, int year)
{
	size_t i;

	for (i = 0; i < tb->n; i++)
		if (tb->rows[i].year == year)
			return 1;
	return 0;
}

static int
verb_verify(struct cli *cli, int argc, char *argv[])
{
	struct src s = { NULL, NULL, 0, 0 };
	struct rec_reader *in, *ain = NULL;
	struct rec_writer *out;
	struct poll_table *tb = NULL;
	const char **afiles;
	const struct rec *r;
	struct pub *v = NULL;
	size_t nv = 0, cap = 0, i, iy, iu, ir, is;
	int c, lastwarn = -1;
	struct poll *p;
	const char *one[2] = { NULL, NULL };

	while ((c = cli_getopt(cli, verify_opts, argc, argv)) != -1)
		src_opt(cli, &s, c);
	if (cli->nargs < 1)
		cli_usage(cli, "the published table PUBLISHED is required");
	p = src_poll(cli, &s);
	one[0] = cli->args[0];
	afiles = cli->args + 1;
	in = cli_open_files(cli, one);
	iy = rec_reader_need(in, "year");
	iu = rec_reader_need(in, "unit");
	ir = rec_reader_need(in, "rank");
	is = rec_reader_field(in, "score");
	if (cli->nargs > 1) {
		struct rec_reader_opts ao = cli->ro;

		ao.rejects = NULL;
		ao.rejects_into = in;
		ain = rec_reader_open(afiles, &ao);
		tb = src_table(cli, &s, p, ain, 0);
		poll_table_rank(p, tb, s.by_rate);
	}
	while ((r = rec_reader_next(in)) != NULL) {
		if (nv == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof *v);
		}
		pub_copy(&v[nv], r);
		v[nv].why = pub_parse(p, &v[nv], iy, iu, ir, is);
		nv++;
	}
	pub_check(p, v, nv);
	if (tb != NULL) {
		for (i = 0; i < nv; i++)
			if (v[i].why == NULL && v[i].year != lastwarn &&
			    !verify_years_covered(tb, v[i].year)) {
				diag_warn("%d: no answers for this year: its "
					  "ranks are checked only against each "
					  "other", v[i].year);
				lastwarn = v[i].year;
			}
		pub_against(v, nv, tb);
	}
	out = cli_open_output(cli);
	rec_writer_add_fields(out, in);
	for (i = 0; i < nv; i++) {
		if (v[i].why != NULL && strncmp(v[i].why, "the answers have "
						"no", 17) == 0 && tb != NULL &&
		    !verify_years_covered(tb, v[i].year)) {
			free(v[i].why);
			v[i].why = NULL;
		}
		if (v[i].why != NULL) {
			rec_reject(in, &v[i].rec, "%s", v[i].why);
		} else {
			size_t k;

			for (k = 0; k < v[i].rec.n; k++)
				rec_writer_str(out, v[i].rec.f[k]);
			rec_writer_end(out);
		}
		pub_release(&v[i]);
	}
	free(v);
	if (ain != NULL) {
		if (rec_reader_count_rejected(ain) > 0)
			cli->status = JW_EXIT_REJECTS;
		rec_reader_close(ain);
	}
	return cli_finish(cli, in, out);
}

/* ---- plot ---- */

static const struct cli_opt plot_opts[] = {
	CONFIG_OPT, RANKBY_OPT,
	{ OPT_HIGHLIGHT, "highlight", CLI_ARG, "UNIT",
	  "draw this unit strongly, its ranks labelled" },
	{ OPT_TITLE, "title", CLI_ARG, "TEXT", "the chart's title" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
verb_plot(struct cli *cli, int argc, char *argv[])
{
	struct src s = { NULL, NULL, 0, 0 };
	const char *hl = NULL, *title = NULL;
	const struct poll_unit *u = NULL;
	struct poll_table *tb;
	struct rec_reader *in;
	struct buf svg = BUF_INIT;
	struct poll *p;
	size_t i;
	int c, st;

	while ((c = cli_getopt(cli, plot_opts, argc, argv)) != -1)
		if (c == OPT_HIGHLIGHT)
			hl = cli->optarg;
		else if (c == OPT_TITLE)
			title = cli->optarg;
		else
			src_opt(cli, &s, c);
	if (cli->wo.gzip || cli->wo.fmt != REC_TSV)
		cli_usage(cli, "plot writes SVG: no -z or output format");
	p = src_poll(cli, &s);
	for (i = 0; hl != NULL && i < p->nunits && u == NULL; i++)
		if (unit_is(&p->units[i], hl))
			u = &p->units[i];
	if (hl != NULL && u == NULL)
		cli_usage(cli, "--highlight: '%s' is not a unit of the poll",
			  hl);
	in = cli_open_inputs(cli);
	tb = src_table(cli, &s, p, in, 0);
	poll_table_rank(p, tb, s.by_rate);
	pollplot_svg(&svg, p, tb, u, title ? title : p->name, s.by_rate);
	st = pollplot_write(cli->wo.path, svg.p, svg.len);
	buf_release(&svg);
	st = st < 0 ? JW_EXIT_IO : 0;
	if (st != 0)
		cli->status = st;
	return cli_finish(cli, in, NULL);
}

static const struct cli_verb verbs[] = {
	{ "score", verb_score, "[-c POLL.yaml] [-b FIELDS] [--level N] "
	  "[--partial | --merge] [file ...]",
	  "n, satisfied rate and score with 95% intervals per unit and year" },
	{ "rank", verb_rank, "[-c POLL.yaml] [-b FIELDS] [--by "
	  "score|rate] [file ...]",
	  "ranks with ties, tiers, movements, streaks per year" },
	{ "history", verb_history, "--unit UNIT [--text] [-c POLL.yaml] "
	  "[file ...]", "one unit's rank, score and tier year by year" },
	{ "verify", verb_verify, "[-c POLL.yaml] PUBLISHED [ANSWERS ...]",
	  "check a published ranking table" },
	{ "plot", verb_plot, "[--highlight UNIT] -o FILE.svg [file ...]",
	  "a bump chart of ranks over the years, as SVG" },
	{ NULL, NULL, NULL, "satisfaction scores and rankings (民调排名)" }
};

int
main(int argc, char *argv[])
{
	return cli_main("poll-rank", verbs, argc, argv);
}
