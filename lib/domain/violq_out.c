/* violq: the plate lookup, writing what was found (rows or text to read
 * out).  See violq.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/diag.h"
#include "base/num.h"
#include "base/util.h"
#include "domain/violq_impl.h"
#include "rec/mask.h"

/* What the caller is to do next about violation v, as of asof: the words,
 * the deadline to pay, the days late and the late fee so far. */
struct step {
	const char *what;
	int32_t deadline, late;
	long long fee;
};

static void
next_step(const struct viol_rec *v, int32_t asof, struct step *s)
{
	s->deadline = DATE_NONE;
	s->late = 0;
	s->fee = 0;
	switch (v->st) {
	case VIOL_OPEN:
		s->what = "未处理：请携驾驶证、行驶证到违法地公安交管部门"
			  "（或通过交管12123）接受处理";
		return;
	case VIOL_DECIDED:
		s->deadline = v->decided + VIOL_PAY_DAYS;
		s->late = viol_late_days(v->decided, asof);
		s->fee = viol_late_fee(v->fine, s->late);
		s->what = s->late > 0 ?
			  "已逾期：请尽快通过交管12123或代收银行缴纳罚款及"
			  "加处罚款" :
			  "待缴款：请于缴款期限前通过交管12123或代收银行缴纳"
			  "罚款";
		return;
	default:
		s->what = "已缴款：已办结，无需处理";
	}
}

/* Warn about hit h (its fields in q->f) when the code table does not know
 * its code or disagrees with it; returns the entry or NULL. */
static const struct viol_code *
check_code(struct violq *q, const struct violq_hit *h)
{
	struct rec_str code = q->f[q->c.f[VF_CODE]];
	const struct viol_code *e;
	char a[32], b[32], c[32];

	e = viol_code_find(q->o.codes, code.p, code.len);
	if (e == NULL) {
		buf_reset(&q->q);
		buf_add_quoted(&q->q, code.p, code.len);
		diag_warn("%s:%llu: field 'code': '%s' is not in the code "
			  "table", q->o.data, h->line, q->q.p);
		return NULL;
	}
	if (h->v.fine < e->fine_min || h->v.fine > e->fine_max) {
		num_fmt_dec(a, h->v.fine, 2);
		num_fmt_dec(b, e->fine_min, 2);
		num_fmt_dec(c, e->fine_max, 2);
		diag_warn("%s:%llu: field 'fine': %s is outside %s-%s of code "
			  "%s in the code table", q->o.data, h->line, a, b, c,
			  e->code);
	}
	if (h->v.points != e->points)
		diag_warn("%s:%llu: field 'points': %d, but the code table "
			  "gives %d for code %s", q->o.data, h->line,
			  h->v.points, e->points, e->code);
	return e;
}

/* One plate's sums. */
struct sums {
	long long fines, fees, owed;
	size_t nopen, nunpaid;
	int points;
	const struct violq_hit *dh;	/* its driver's hit, or NULL */
	const struct viol_pts *p;	/* its driver's points, with -l */
};

/* The sums of plate a; with licences, q->f holds its driver's hit. */
static void
plate_sums(struct violq *q, const struct violq_asked *a, struct sums *s)
{
	const struct violq_hit *h;
	struct step st;
	size_t i;

	memset(s, 0, sizeof *s);
	for (i = a->first; i < a->first + a->nhits; i++) {
		h = &q->h[i];
		s->fines += h->v.fine;
		s->points += h->v.points;
		s->nopen += h->v.st == VIOL_OPEN;
		s->nunpaid += h->v.st == VIOL_DECIDED;
		next_step(&h->v, q->o.asof, &st);
		s->fees += st.fee;
		if (h->v.st == VIOL_DECIDED)
			s->owed += h->v.fine + st.fee;
	}
	s->dh = violq_driver_hit(q, a);
	if (s->dh != NULL && q->lic != NULL) {
		violq_hit_fields(q, s->dh);
		s->p = htab_find(&q->drivers, q->f[q->c.f[VF_DRIVER]].p,
				 q->f[q->c.f[VF_DRIVER]].len);
	}
}

/* ---- rows ---- */

static void
write_row(struct violq *q, struct rec_writer *w, const struct violq_hit *h)
{
	const struct viol_code *e;
	struct step st;
	size_t k;

	violq_hit_fields(q, h);
	e = check_code(q, h);
	next_step(&h->v, q->o.asof, &st);
	rec_writer_puts(w, "violation");
	for (k = 0; k < q->nfields; k++)
		rec_writer_str(w, q->f[k]);
	rec_writer_puts(w, e ? e->desc : "");
	rec_writer_puts(w, e ? "1" : "0");
	rec_writer_puts(w, st.what);
	viol_put_day(w, st.deadline);
	rec_writer_putll(w, st.late);
	viol_put_fen(w, st.fee);
	for (k = 0; k < 4; k++)
		rec_writer_put(w, "", 0);
	rec_writer_end(w);
}

/* The total row of plate a. */
static void
write_total(struct violq *q, struct rec_writer *w,
	    const struct violq_asked *a, const struct sums *s)
{
	struct buf *m = &q->m;
	size_t k;

	if (s->p != NULL)
		violq_hit_fields(q, s->dh);
	rec_writer_puts(w, "total");
	for (k = 0; k < q->nfields; k++) {
		if (k == q->c.f[VF_PLATE])
			rec_writer_put(w, a->plate, a->len);
		else if (k == q->c.f[VF_TYPE] && q->o.type != NULL)
			rec_writer_puts(w, q->o.type);
		else if (k == q->c.f[VF_FINE])
			viol_put_fen(w, s->fines);
		else if (k == q->c.f[VF_POINTS])
			rec_writer_putll(w, s->points);
		else if (k == q->c.f[VF_DRIVER] && s->p != NULL)
			rec_writer_str(w, q->f[k]);
		else
			rec_writer_put(w, "", 0);
	}
	rec_writer_puts(w, "");
	rec_writer_puts(w, "");
	buf_reset(m);
	if (a->nhits == 0 && a->rejected == 0)
		buf_adds(m, "无违法记录");
	else if (s->nopen + s->nunpaid == 0)
		buf_adds(m, a->nhits ? "均已办结" : "无可显示的违法记录");
	else
		buf_printf(m, "未处理 %zu 条，待缴款 %zu 条", s->nopen,
			   s->nunpaid);
	if (a->rejected > 0)
		buf_printf(m, "；另有 %zu 条记录有误未显示", a->rejected);
	rec_writer_put(w, m->p, m->len);
	rec_writer_put(w, "", 0);
	rec_writer_put(w, "", 0);
	viol_put_fen(w, s->fees);
	viol_put_fen(w, s->owed);
	rec_writer_putll(w, (long long)a->nhits);
	if (s->p != NULL) {
		rec_writer_putll(w, s->p->points + s->p->carried);
		rec_writer_putll(w, viol_pts_left(s->p));
	} else {
		rec_writer_put(w, "", 0);
		rec_writer_put(w, "", 0);
	}
	rec_writer_end(w);
}

void
violq_write(struct violq *q, struct rec_writer *w)
{
	static const char *const added[] = { "description", "code_known",
		"next_step", "deadline", "late_days", "late_fee", "owed",
		"violations", "cycle_points", "points_left" };
	const struct violq_asked *a;
	struct sums s;
	size_t k, i;

	rec_writer_add(w, "row");
	rec_writer_add_fields(w, q->in);
	for (k = 0; k < JW_ARRAY_LEN(added); k++)
		rec_writer_add(w, added[k]);
	for (k = 0; k < q->na; k++) {
		a = &q->a[k];
		plate_sums(q, a, &s);
		for (i = a->first; i < a->first + a->nhits; i++)
			write_row(q, w, &q->h[i]);
		write_total(q, w, a, &s);
	}
}

/* ---- text ---- */

static void
text_masked(struct buf *b, struct rec_str s)
{
	if (s.len == 0)
		buf_adds(b, "（未确认）");
	else
		mask_value(b, s.p, s.len);
}

/* The first line of plate a's text. */
static void
text_head(struct violq *q, const struct violq_asked *a, const struct sums *s)
{
	struct buf *m = &q->m;
	const char *tn;
	char b[32];

	if (a->nhits == 0) {
		buf_printf(m, a->rejected == 0 ? "【%s】无违法记录。\n" :
			   "【%s】无可显示的违法记录。\n", a->plate);
		return;
	}
	violq_hit_fields(q, &q->h[a->first]);
	tn = viol_plate_type_name(q->f[q->c.f[VF_TYPE]].p,
				  q->f[q->c.f[VF_TYPE]].len);
	num_fmt_dec(b, s->fines, 2);
	buf_printf(m, "【%s】%s%s违法记录 %zu 条（未处理 %zu 条，待缴款 %zu "
		   "条），罚款合计 %s 元，记分合计 %d 分。\n", a->plate,
		   tn ? tn : "", tn ? "，" : "", a->nhits, s->nopen,
		   s->nunpaid, b, s->points);
}

/* Field i of the hit in q->f, for "%.*s". */
#define FLD(q, i) (int)(q)->f[(q)->c.f[i]].len, (q)->f[(q)->c.f[i]].p

/* Violation n (from 1) of a plate, hit h, as text. */
static void
text_row(struct violq *q, size_t n, const struct violq_hit *h)
{
	struct buf *m = &q->m;
	const struct viol_code *e;
	struct step st;
	char t[20], b1[32], b2[32], d[11];

	violq_hit_fields(q, h);
	e = check_code(q, h);
	next_step(&h->v, q->o.asof, &st);
	/* Read out as 2026年3月14日 08:12. */
	datetime_format(h->v.time, t);
	buf_printf(m, "第 %zu 条：%.4s年%d月%d日 %.5s，%.*s%.*s\n", n, t,
		   atoi(t + 5), atoi(t + 8), t + 11, FLD(q, VF_DISTRICT),
		   FLD(q, VF_PLACE));
	buf_printf(m, "  违法行为：%s（代码 %.*s）\n",
		   e ? e->desc : "代码表中无此代码", FLD(q, VF_CODE));
	num_fmt_dec(b1, h->v.fine, 2);
	buf_printf(m, "  处罚：罚款 %s 元，记 %d 分；状态：%s", b1,
		   h->v.points, viol_status_name(h->v.st));
	if (q->f[q->c.f[VF_DECISION]].len)
		buf_printf(m, "，决定书编号 %.*s", FLD(q, VF_DECISION));
	buf_adds(m, "\n  驾驶人：");
	text_masked(m, q->f[q->c.f[VF_DRIVER]]);
	buf_printf(m, "\n  下一步：%s", st.what);
	if (st.deadline != DATE_NONE) {
		date_format(st.deadline, d);
		buf_printf(m, "；缴款期限 %s", d);
	}
	if (st.late > 0) {
		num_fmt_dec(b1, st.fee, 2);
		num_fmt_dec(b2, h->v.fine + st.fee, 2);
		buf_printf(m, "；已逾期 %d 天，加处罚款 %s 元，应缴合计 %s 元",
			   (int)st.late, b1, b2);
	}
	buf_adds(m, "。\n");
}

/* The closing lines of plate a's text: the driver's points, what is
 * owed, records that could not be shown. */
static void
text_tail(struct violq *q, const struct violq_asked *a, const struct sums *s)
{
	struct buf *m = &q->m;
	const struct viol_pts *p = s->p;
	char d1[11], d2[11], b[32];
	int left;

	if (p != NULL) {
		violq_hit_fields(q, s->dh);
		date_format(p->start, d1);
		date_format(p->end - 1, d2);
		buf_adds(m, "驾驶人 ");
		text_masked(m, q->f[q->c.f[VF_DRIVER]]);
		if (p->lic != NULL && p->lic->name[0]) {
			buf_addc(m, ' ');
			mask_value(m, p->lic->name, strlen(p->lic->name));
		}
		left = viol_pts_left(p);
		buf_printf(m, " 本记分周期（%s 至 %s%s）已记 %d 分，剩余 %d "
			   "分%s。\n", d1, d2, p->cycle_from_licence ? "" :
			   "，按自然年", p->points + p->carried, left,
			   left == 0 ? "，已满分，驾驶证将被扣留，须参加满分"
			   "学习和考试" : "");
	}
	if (s->owed > 0) {
		num_fmt_dec(b, s->owed, 2);
		buf_printf(m, "待缴款合计 %s 元（含加处罚款）。\n", b);
	}
	if (a->rejected > 0)
		buf_printf(m, "注意：另有 %zu 条记录有误，未能显示，请核实原始"
			   "数据。\n", a->rejected);
	buf_addc(m, '\n');
}

void
violq_write_text(struct violq *q, FILE *f)
{
	const struct violq_asked *a;
	struct sums s;
	size_t k, i;

	for (k = 0; k < q->na; k++) {
		a = &q->a[k];
		plate_sums(q, a, &s);
		buf_reset(&q->m);
		text_head(q, a, &s);
		for (i = a->first; i < a->first + a->nhits; i++)
			text_row(q, i - a->first + 1, &q->h[i]);
		text_tail(q, a, &s);
		fwrite(q->m.p, 1, q->m.len, f);
	}
	if ((fflush(f) != 0 || ferror(f)) && errno != EPIPE)
		diag_die(JW_EXIT_IO, "<stdout>: write error: %s",
			 strerror(errno));
}
