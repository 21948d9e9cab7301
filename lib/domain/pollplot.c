/* pollplot: the bump chart.  See pollplot.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/durable.h"
#include "base/svg.h"
#include "base/utf8.h"
#include "base/util.h"
#include "domain/pollplot.h"

#define LEFT 200.0	/* room for the rank numbers and unit names */
#define RIGHT 200.0
#define TOP 118.0
#define COLW 124.0
#define ROWH 34.0
#define BOTTOM 92.0
#define MAXYEARS 60	/* columns drawn at most */

#define HL_COLOUR "#c0392b"

static const char *const palette[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
	"#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31",
	"#843c39", "#7b4173"
};
static const char *const tier_fill[] = { "#dff0d8", "#f6dcdc", "#e6e6f5" };

struct chart {
	struct buf *b;
	const struct poll *p;
	const struct poll_table *tb;
	const struct poll_unit *hl;
	int y0, ny, level;
	long maxof;
	/* Per year (y - y0): the rows ranked that year, or none. */
	size_t first[MAXYEARS], count[MAXYEARS];
};

static double
xat(const struct chart *c, int year)
{
	return LEFT + (year - c->y0) * COLW;
}

static double
yat(long rank)
{
	return TOP + (double)(rank - 1) * ROWH;
}

/* The row of unit u in year y when it was ranked, else NULL. */
static const struct poll_row *
at(const struct chart *c, const struct poll_unit *u, int y)
{
	size_t k, i = (size_t)(y - c->y0);

	if (y < c->y0 || y >= c->y0 + c->ny)
		return NULL;
	for (k = c->first[i]; k < c->first[i] + c->count[i]; k++)
		if (c->tb->rows[k].u == u)
			return c->tb->rows[k].rank > 0 ? &c->tb->rows[k] : NULL;
	return NULL;
}

static int
setup(struct chart *c)
{
	const struct poll_table *tb = c->tb;
	size_t i;
	int y1 = 0;

	c->level = 0;
	for (i = 0; i < tb->n; i++)
		if (c->level == 0 || tb->rows[i].u->level < c->level)
			c->level = tb->rows[i].u->level;
	c->y0 = 0;
	for (i = 0; i < tb->n; i++) {
		if (tb->rows[i].u->level != c->level)
			continue;
		if (c->y0 == 0 || tb->rows[i].year < c->y0)
			c->y0 = tb->rows[i].year;
		if (tb->rows[i].year > y1)
			y1 = tb->rows[i].year;
	}
	if (c->y0 == 0)
		return -1;
	if (y1 - c->y0 + 1 > MAXYEARS)
		c->y0 = y1 - MAXYEARS + 1;	/* the latest years */
	c->ny = y1 - c->y0 + 1;
	memset(c->count, 0, sizeof c->count);
	for (i = 0; i < tb->n; i++) {
		const struct poll_row *r = &tb->rows[i];
		size_t k;

		if (r->u->level != c->level || r->year < c->y0)
			continue;
		k = (size_t)(r->year - c->y0);
		if (c->count[k]++ == 0)
			c->first[k] = i;
		if (r->rank > 0 && r->of > c->maxof)
			c->maxof = r->of;
	}
	if (c->maxof == 0)
		c->maxof = 1;
	return 0;
}

static void
draw_tiers(struct chart *c)
{
	const struct poll *p = c->p;
	size_t t;
	int y;
	long of, lo, hi;
	double x;

	for (y = c->y0; y < c->y0 + c->ny; y++) {
		size_t k = (size_t)(y - c->y0);

		x = xat(c, y);
		if (c->count[k] == 0) {
			svg_text(c->b, x, yat(1) + (c->maxof - 1) * ROWH / 2,
				 "middle", 13, "#888888", NULL, "无测评");
			continue;
		}
		of = c->tb->rows[c->first[k]].of;
		for (t = 0; t < p->ntiers; t++) {
			lo = p->tiers[t].top ? 1 : of - p->tiers[t].n + 1;
			hi = p->tiers[t].top ? p->tiers[t].n : of;
			if (lo < 1)
				lo = 1;
			if (hi > of)
				hi = of;
			if (hi < lo)
				continue;
			svg_rect(c->b, x - COLW / 2 + 3, yat(lo) - ROWH / 2,
				 COLW - 6, (double)(hi - lo + 1) * ROWH,
				 tier_fill[t % JW_ARRAY_LEN(tier_fill)], NULL);
		}
	}
}

static void
draw_axes(struct chart *c)
{
	char s[32];
	long r;
	int y;
	double xr = xat(c, c->y0 + c->ny - 1);

	for (r = 1; r <= c->maxof; r++) {
		svg_line(c->b, LEFT - COLW / 2 + 3, yat(r), xr + COLW / 2 - 3,
			 yat(r), "#e4e4e4", 1, NULL);
		snprintf(s, sizeof s, "%ld", r);
		svg_text(c->b, 28, yat(r) + 5, "middle", 13, "#666666", NULL,
			 s);
	}
	svg_text(c->b, 28, TOP - 32, "middle", 12, "#666666", NULL, "名次");
	for (y = c->y0; y < c->y0 + c->ny; y++) {
		snprintf(s, sizeof s, "%d", y);
		svg_text(c->b, xat(c, y), TOP - 32, "middle", 15, "#333333",
			 "font-weight=\"bold\"", s);
		svg_text(c->b, xat(c, y), yat(c->maxof) + 34, "middle", 13,
			 "#666666", NULL, s);
	}
}

static const char *
colour(const struct chart *c, const struct poll_unit *u)
{
	if (u == c->hl)
		return HL_COLOUR;
	return palette[u->no % JW_ARRAY_LEN(palette)];
}

static void
draw_line(struct chart *c, const struct poll_unit *u)
{
	const struct poll_row *r;
	int y, open = 0, hl = u == c->hl;
	const char *col = colour(c, u);
	const char *ex = hl ? NULL : (c->hl ? "stroke-opacity=\"0.55\"" :
				      "stroke-opacity=\"0.85\"");

	for (y = c->y0; y < c->y0 + c->ny; y++) {
		r = at(c, u, y);
		if (r != NULL && !open && at(c, u, y + 1) != NULL) {
			svg_poly_begin(c->b, col, hl ? 5 : 2.5, ex);
			open = 1;
		}
		if (r != NULL && open)
			svg_point(c->b, xat(c, y), yat(r->rank));
		if (open && (r == NULL || at(c, u, y + 1) == NULL)) {
			svg_poly_end(c->b);
			open = 0;
		}
	}
	for (y = c->y0; y < c->y0 + c->ny; y++)
		if ((r = at(c, u, y)) != NULL && !hl)
			svg_circle(c->b, xat(c, y), yat(r->rank), 4.5, col,
				   c->hl ? "fill-opacity=\"0.7\"" : NULL);
}

static void
draw_highlight(struct chart *c)
{
	const struct poll_row *r;
	char s[32];
	int y;

	if (c->hl == NULL)
		return;
	draw_line(c, c->hl);
	for (y = c->y0; y < c->y0 + c->ny; y++) {
		if ((r = at(c, c->hl, y)) == NULL)
			continue;
		svg_circle(c->b, xat(c, y), yat(r->rank), 13, HL_COLOUR,
			   "stroke=\"#ffffff\" stroke-width=\"2\"");
		snprintf(s, sizeof s, "%s%ld", r->best != r->worst ? "=" : "",
			 r->rank);
		svg_text(c->b, xat(c, y), yat(r->rank) + 5, "middle",
			 s[0] == '=' || r->rank > 9 ? 12 : 14, "#ffffff",
			 "font-weight=\"bold\"", s);
	}
}

/* The names of the units at rank in year y whose line starts (side 0)
 * or ends (side 1) there, joined by " = ". */
static void
names_at(struct chart *c, int y, long rank, int side, struct buf *out,
	 int *has_hl)
{
	size_t k, i = (size_t)(y - c->y0);

	buf_reset(out);
	*has_hl = 0;
	for (k = c->first[i]; k < c->first[i] + c->count[i]; k++) {
		const struct poll_row *r = &c->tb->rows[k];

		if (r->rank != rank)
			continue;
		if (at(c, r->u, side ? y + 1 : y - 1) != NULL)
			continue;
		/* A point alone (no line before or after it) is named once,
		 * on its left. */
		if (side && at(c, r->u, y - 1) == NULL)
			continue;
		if (out->len > 0)
			buf_adds(out, " = ");
		buf_add(out, r->u->name, r->u->len);
		*has_hl |= r->u == c->hl;
	}
}

static void
draw_names(struct chart *c)
{
	struct buf s = BUF_INIT;
	int y, side, hl;
	long rank;
	double x;

	for (y = c->y0; y < c->y0 + c->ny; y++) {
		if (c->count[y - c->y0] == 0)
			continue;
		for (side = 0; side < 2; side++)
			for (rank = 1; rank <= c->maxof; rank++) {
				names_at(c, y, rank, side, &s, &hl);
				if (s.len == 0)
					continue;
				x = xat(c, y) + (side ? 1 : -1) *
				    (hl ? 20 : 10);
				svg_text(c->b, x, yat(rank) + 5, side ? "start" :
					 "end", 14, hl ? HL_COLOUR : "#222222",
					 hl ? "font-weight=\"bold\" "
					 "paint-order=\"stroke\" stroke=\"#ffffff\" "
					 "stroke-width=\"4\"" :
					 "paint-order=\"stroke\" "
					 "stroke=\"#ffffff\" stroke-width=\"4\"",
					 s.p);
			}
	}
	buf_release(&s);
}

static void
draw_legend(struct chart *c, double w, double h, int by_rate)
{
	struct buf s = BUF_INIT;
	double x = LEFT - COLW / 2 + 3, y = h - 26;
	size_t t;

	for (t = 0; t < c->p->ntiers; t++) {
		const struct poll_tier *tr = &c->p->tiers[t];

		svg_rect(c->b, x, y - 12, 16, 16,
			 tier_fill[t % JW_ARRAY_LEN(tier_fill)],
			 "stroke=\"#bbbbbb\"");
		buf_reset(&s);
		buf_printf(&s, "%s (%s %ld)", tr->name, tr->top ? "前" : "后",
			   tr->n);
		svg_text(c->b, x + 22, y + 1, "start", 13, "#333333", NULL,
			 s.p);
		x += 22 + 14.0 * (double)utf8_width(s.p, s.len) / 2 + 24;
	}
	buf_reset(&s);
	buf_printf(&s, "ranked by %s; ties share a rank (%s); a gap: not "
		   "polled or sample under %ld", by_rate ? "satisfied rate" :
		   "score", poll_ties_name(c->p->ties), c->p->min_n);
	svg_text(c->b, w - 24, y + 1, "end", 12, "#666666", NULL, s.p);
	buf_release(&s);
}

void
pollplot_svg(struct buf *b, const struct poll *p,
	     const struct poll_table *tb, const struct poll_unit *hl,
	     const char *title, int by_rate)
{
	struct chart *c = xcalloc(1, sizeof *c);
	struct buf sub = BUF_INIT;
	double w, h;
	size_t i;

	c->b = b;
	c->p = p;
	c->tb = tb;
	c->hl = hl;
	if (setup(c) < 0) {
		svg_begin(b, 600, 120);
		svg_rect(b, 0, 0, 600, 120, "#ffffff", NULL);
		svg_text(b, 300, 66, "middle", 16, "#333333", NULL,
			 "no units ranked");
		svg_end(b);
		free(c);
		return;
	}
	w = LEFT + RIGHT + (c->ny - 1) * COLW;
	if (w < 720)
		w = 720;
	h = TOP + (double)(c->maxof - 1) * ROWH + BOTTOM;
	svg_begin(b, w, h);
	svg_rect(b, 0, 0, w, h, "#ffffff", NULL);
	svg_text(b, w / 2, 32, "middle", 20, "#111111",
		 "font-weight=\"bold\"", title && *title ? title : "名次");
	if (hl != NULL) {
		buf_printf(&sub, "%s (%s), %d-%d", hl->name, hl->code, c->y0,
			   c->y0 + c->ny - 1);
		svg_text(b, w / 2, 56, "middle", 14, HL_COLOUR, NULL, sub.p);
	}
	draw_tiers(c);
	draw_axes(c);
	for (i = 0; i < p->nunits; i++)
		if (&p->units[i] != hl && p->units[i].level == c->level)
			draw_line(c, &p->units[i]);
	draw_highlight(c);
	draw_names(c);
	draw_legend(c, w, h, by_rate);
	svg_end(b);
	buf_release(&sub);
	free(c);
}

int
pollplot_write(const char *path, const char *p, size_t n)
{
	if (path == NULL) {
		if (fwrite(p, 1, n, stdout) != n || fflush(stdout) != 0) {
			if (errno == EPIPE)
				return 0;
			diag_error("<stdout>: cannot write: %s",
				   strerror(errno));
			return -1;
		}
		return 0;
	}
	if (dur_replace(path, p, n, 0644) < 0) {
		diag_error("%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
