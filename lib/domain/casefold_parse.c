/* casefold_parse: an event's fields checked (casefold_parse(),
 * casefold_time()), with a memo of what the lines before settled.  See
 * casefold.h. */
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/util.h"
#include "domain/casefold.h"

void
casefold_fields_find(struct rec_reader *in, struct casefold_fields *ix,
		     int want)
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

/* casefold_time(); *lastday, when not NULL, holds the day of the date
 * p_last[0..10) (the line before's) and is updated. */
static int
time_of(const char *p, size_t n, int64_t *t, char *p_last, int32_t *lastday)
{
	int y1, y2, mo, d, h, mi, se;
	int32_t day;

	if (n != 19 || p[4] != '-' || p[7] != '-' || p[10] != ' ' ||
	    p[13] != ':' || p[16] != ':')
		return datetime_parse(p, n, t);
	h = d2(p + 11);
	mi = d2(p + 14);
	se = d2(p + 17);
	if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59)
		return -1;
	if (lastday != NULL && memcmp(p, p_last, 10) == 0) {
		day = *lastday;		/* the same day as the line before */
	} else {
		y1 = d2(p);
		y2 = d2(p + 2);
		mo = d2(p + 5);
		d = d2(p + 8);
		if (y1 < 0 || y2 < 0 || mo < 0 || d < 0 ||
		    date_from_ymd(y1 * 100 + y2, mo, d, &day) < 0)
			return -1;
		if (lastday != NULL) {
			memcpy(p_last, p, 10);
			*lastday = day;
		}
	}
	*t = (int64_t)day * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

/* A time of the logs' usual shape, "YYYY-MM-DD HH:MM:SS", read directly
 * (the hot path of fold); any other text goes to datetime_parse(). */
int
casefold_time(const char *p, size_t n, int64_t *t)
{
	return time_of(p, n, t, NULL, NULL);
}

/* What casefold_read() remembers of the lines before, so that what most
 * lines repeat (the case number, the category, the few stage names) is
 * not looked up again: the same answers, found sooner. */
#define MEMO_STAGES 64
#define MEMO_CAT 64
struct casefold_memo {
	char no[CASE_NO_LEN];	/* the last valid case number */
	int have_no;
	char cat[MEMO_CAT];	/* the last category and its index */
	size_t catlen;
	int catix;
	char date[10];		/* the last good date and its day */
	int32_t day;
	struct {
		const struct case_stage *st;
		char type;
	} stages[MEMO_STAGES];
};

static unsigned
stage_slot(char type, const char *p, size_t n)
{
	unsigned h = (unsigned)n * 31u + (unsigned char)type;

	if (n > 0)
		h = h * 131u + (unsigned char)p[0] * 7u +
		    (unsigned char)p[n - 1];
	if (n > 3)
		h = h * 131u + (unsigned char)p[n - 4];
	return h % MEMO_STAGES;
}

static int
memo_case_no(struct casefold_memo *m, struct rec_str v, const char **w)
{
	if (m != NULL && m->have_no && v.len == CASE_NO_LEN &&
	    memcmp(v.p, m->no, CASE_NO_LEN) == 0)
		return 0;
	if (case_no_check(v.p, v.len, w) < 0)
		return -1;
	if (m != NULL) {
		memcpy(m->no, v.p, CASE_NO_LEN);
		m->have_no = 1;
	}
	return 0;
}

static const struct case_stage *
memo_stage(struct casefold_memo *m, const struct case_cfg *c, char type,
	   struct rec_str v)
{
	const struct case_stage *st;
	unsigned h;

	if (m == NULL)
		return case_stage_find(c, type, v.p, v.len);
	h = stage_slot(type, v.p, v.len);
	st = m->stages[h].st;
	if (st != NULL && m->stages[h].type == type && st->len == v.len &&
	    memcmp(st->name, v.p, v.len) == 0)
		return st;
	st = case_stage_find(c, type, v.p, v.len);
	if (st != NULL) {
		m->stages[h].st = st;
		m->stages[h].type = type;
	}
	return st;
}

static int
memo_category(struct casefold_memo *m, const struct case_cfg *c,
	      struct rec_str v)
{
	int k;

	if (m != NULL && m->catlen == v.len && memcmp(m->cat, v.p, v.len) == 0)
		return m->catix;
	k = case_category(c, v.p, v.len);
	if (m != NULL && k >= 0 && v.len <= MEMO_CAT) {
		memcpy(m->cat, v.p, v.len);
		m->catlen = v.len;
		m->catix = k;
	}
	return k;
}

static int parse_rest(const struct casefold_fields *ix, const struct rec *r,
		      struct case_event *e, struct buf *why);

struct casefold_memo *
casefold_memo_new(void)
{
	return xcalloc(1, sizeof(struct casefold_memo));
}

int
casefold_parse_memo(const struct case_cfg *c,
		    const struct casefold_fields *ix, const struct rec *r,
		    struct case_event *e, int *cat, struct buf *why,
		    struct casefold_memo *m)
{
	struct rec_str v;
	const char *w;

	v = r->f[ix->no];
	if (memo_case_no(m, v, &w) < 0) {
		buf_reset(why);
		buf_printf(why, "field 'case_no': %s", w);
		return -1;
	}
	v = r->f[ix->time];
	if (time_of(v.p, v.len, &e->time, m ? m->date : NULL,
		    m ? &m->day : NULL) < 0) {
		buf_reset(why);
		quoted(why, "time", "not a time (YYYY-MM-DD HH:MM:SS)", v);
		return -1;
	}
	v = r->f[ix->stage];
	e->stage = memo_stage(m, c, r->f[ix->no].p[0], v);
	if (e->stage == NULL) {
		buf_reset(why);
		quoted(why, "stage", r->f[ix->no].p[0] == 'A' ?
		       "not a stage of criminal cases in the YAML:" :
		       "not a stage of administrative cases in the YAML:", v);
		return -1;
	}
	v = r->f[ix->cat];
	*cat = v.len ? memo_category(m, c, v) : -1;
	if (v.len > 0 && *cat < 0) {
		buf_reset(why);
		quoted(why, "category", "not a category in the YAML:", v);
		return -1;
	}
	return parse_rest(ix, r, e, why);
}

int
casefold_parse(const struct case_cfg *c, const struct casefold_fields *ix,
	       const struct rec *r, struct case_event *e, int *cat,
	       struct buf *why)
{
	return casefold_parse_memo(c, ix, r, e, cat, why, NULL);
}

/* The flags, parties and limit_days of casefold_parse_memo(). */
static int
parse_rest(const struct casefold_fields *ix, const struct rec *r,
	   struct case_event *e, struct buf *why)
{
	struct case_party parties[CASE_MAX_PARTIES];
	struct rec_str v;
	const char *w;
	size_t item;
	long long n;
	int s, p;

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

