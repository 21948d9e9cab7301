/* smsnotice: records into SMS notices, per kind.  See smsnotice.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/diag.h"
#include "base/num.h"
#include "base/util.h"
#include "domain/phone.h"
#include "domain/smsnotice.h"
#include "domain/vehicle.h"

/* Where a name comes from, besides a field index: a value computed for
 * the kind, or field i of the lookup (VAR_LOOKUP - i). */
#define VAR_DUE ((size_t)-2)
#define VAR_DAYS_LEFT ((size_t)-3)
#define VAR_AT ((size_t)-4)
#define VAR_PLACE ((size_t)-5)
#define VAR_LOOKUP ((size_t)-1000)

static int
is_lookup(size_t v)
{
	return v <= VAR_LOOKUP && v > VAR_LOOKUP - SMS_MAX_LOOKUP;
}

/* ---- the run's ---- */

static void
load_optout(struct htab *h, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], ph[12];
	unsigned long long ln = 0;
	size_t n;
	int isnew;

	if (f == NULL)
		diag_die(JW_EXIT_CONFIG, "%s: cannot open: %s", path,
			 strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		ln++;
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (phone_norm(line, n, ph) < 0)
			diag_die(JW_EXIT_CONFIG, "%s:%llu: not a mobile number: "
				 "'%s'", path, ln, line);
		htab_put(h, ph, 11, &isnew);
	}
	fclose(f);
}

void
smsnotice_env_init(struct smsnotice_env *e, const struct sms_rules *rs,
		   int32_t today, size_t max_segments)
{
	e->rules = rs;
	e->today = today;
	e->max_segments = max_segments;
	htab_init(&e->optout, 1);
	if (rs->opt_out != NULL)
		load_optout(&e->optout, rs->opt_out);
}

void
smsnotice_env_release(struct smsnotice_env *e)
{
	htab_release(&e->optout);
}

int
smsnotice_opted_out(const struct smsnotice_env *e, const char *phone)
{
	return htab_find(&e->optout, phone, 11) != NULL;
}

int
smsnotice_is_quiet(const struct sms_rules *rs, int64_t t)
{
	int m = (int)(((t % 86400) + 86400) % 86400 / 60);

	if (rs->quiet_from == rs->quiet_to)
		return 0;
	if (rs->quiet_from < rs->quiet_to)
		return m >= rs->quiet_from && m < rs->quiet_to;
	return m >= rs->quiet_from || m < rs->quiet_to;
}

/* ---- template values ---- */

static struct rec_str
value_of(const struct smsnotice_rule *b, size_t v)
{
	struct rec_str s = { "", 0 };

	if (v == VAR_DUE)
		s.p = b->due;
	else if (v == VAR_DAYS_LEFT)
		s.p = b->days_left;
	else if (v == VAR_AT)
		s.p = b->rule->at;
	else if (v == VAR_PLACE)
		s.p = b->rule->place;
	else if (is_lookup(v))
		s.p = VAR_LOOKUP - v < b->nlookf ? b->lookf[VAR_LOOKUP - v] : "";
	else
		return b->r->f[v];
	s.len = strlen(s.p);
	return s;
}

static void
tmpl_value(void *ctx, size_t i, const char **p, size_t *n)
{
	const struct smsnotice_rule *b = ctx;
	struct rec_str s = value_of(b, b->var[i]);

	*p = s.p;
	*n = s.len;
}

/* ---- binding a rule to its input ---- */

static int
is_date_kind(enum sms_kind k)
{
	return k == SMS_INSPECTION || k == SMS_SCRAP || k == SMS_LICENCE ||
	       k == SMS_GENERIC;
}

/* Where name comes from in b: a field, a lookup field or a computed
 * value; REC_NONE when nowhere. */
static size_t
resolve_name(const struct smsnotice_rule *b, const char *name)
{
	const struct sms_rule *u = b->rule;
	size_t i;

	if (strcmp(name, "due") == 0 && is_date_kind(u->kind))
		return VAR_DUE;
	if (strcmp(name, "days_left") == 0 && is_date_kind(u->kind))
		return VAR_DAYS_LEFT;
	if (u->kind == SMS_MEETING && strcmp(name, "at") == 0)
		return VAR_AT;
	if (u->kind == SMS_MEETING && strcmp(name, "place") == 0)
		return VAR_PLACE;
	for (i = 0; i < u->nlookup; i++)
		if (strcmp(name, u->lookup_fields[i]) == 0)
			return VAR_LOOKUP - i;
	return rec_reader_field(b->in, name);
}

/* The fields a rule's kind reads, besides its template and key. */
static const char *const kind_fields[SMS_GENERIC + 1][6] = {
	[SMS_INSPECTION] = { "plate", "use", "vehicle_type", "seats",
			     "registered", "last_inspected" },
	[SMS_SCRAP] = { "plate", "use", "vehicle_type", "seats",
			"registered" },
	[SMS_VIOLATION] = { "plate", "time" },
	[SMS_CASE] = { "case_no", "stage", "time" },
	[SMS_MEETING] = { "id_no" },
};

/* Resolve the template's names (b->var) and the key's (b->key). */
static void
need_names(struct smsnotice_rule *b)
{
	const struct sms_rule *u = b->rule;
	const char *path = b->env->rules->path;
	size_t i, n, v;

	n = tmpl_nnames(u->tmpl);
	b->var = xcalloc(n + 1, sizeof *b->var);
	for (i = 0; i < n; i++) {
		v = resolve_name(b, tmpl_name(u->tmpl, i));
		if (v == REC_NONE)
			diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s': the "
				 "template names '%s', which its input lacks",
				 path, u->line, u->col, u->name,
				 tmpl_name(u->tmpl, i));
		b->var[i] = v;
	}
	b->key = xcalloc(u->nkey + 1, sizeof *b->key);
	for (i = 0; i < u->nkey; i++) {
		b->key[i] = resolve_name(b, u->key[i]);
		if (b->key[i] == REC_NONE)
			diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s': the key "
				 "names '%s', which its input lacks", path,
				 u->line, u->col, u->name, u->key[i]);
	}
}

void
smsnotice_rule_bind(struct smsnotice_rule *b, const struct smsnotice_env *e,
		    const struct sms_rule *u, struct rec_reader *in)
{
	const char *path = e->rules->path;
	size_t i;

	memset(b, 0, sizeof *b);
	b->env = e;
	b->rule = u;
	b->in = in;
	htab_init(&b->look, sizeof(char *));
	for (i = 0; i < 6 && kind_fields[u->kind][i] != NULL; i++)
		if (rec_reader_field(in, kind_fields[u->kind][i]) == REC_NONE)
			diag_die(JW_EXIT_CONFIG, "%s: rule '%s' (%s): its "
				 "input has no field '%s'", path, u->name,
				 sms_kind_name(u->kind),
				 kind_fields[u->kind][i]);
	need_names(b);
	b->phone = resolve_name(b, u->phone);
	if (b->phone == REC_NONE || b->phone == VAR_DUE ||
	    b->phone == VAR_DAYS_LEFT || b->phone == VAR_AT ||
	    b->phone == VAR_PLACE)
		diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s': its input has "
			 "no phone field '%s'", path, u->line, u->col,
			 u->name, u->phone);
	b->date = REC_NONE;
	if (u->date != NULL) {
		b->date = rec_reader_field(in, u->date);
		if (b->date == REC_NONE)
			diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s': its "
				 "input has no date field '%s'", path, u->line,
				 u->col, u->name, u->date);
	}
	b->f_use = rec_reader_field(in, "use");
	b->f_type = rec_reader_field(in, "vehicle_type");
	b->f_seats = rec_reader_field(in, "seats");
	b->f_registered = rec_reader_field(in, "registered");
	b->f_last = rec_reader_field(in, "last_inspected");
	b->f_time = rec_reader_field(in, "time");
	b->f_grid = rec_reader_field(in, u->grid_field);
	if (u->kind == SMS_MEETING && b->f_grid == REC_NONE)
		diag_die(JW_EXIT_CONFIG, "%s:%u:%u: rule '%s': its input has "
			 "no field '%s'", path, u->line, u->col, u->name,
			 u->grid_field);
}

void
smsnotice_rule_release(struct smsnotice_rule *b)
{
	size_t i;

	for (i = 0; i < b->look.count; i++)
		free(*(char **)htab_val_at(&b->look, i));
	htab_release(&b->look);
	free(b->var);
	free(b->key);
	b->var = b->key = NULL;
}

/* ---- lookup ---- */

void
smsnotice_lookup_load(struct smsnotice_rule *b, struct rec_reader *lk)
{
	const struct sms_rule *u = b->rule;
	const struct rec *r;
	struct buf v = BUF_INIT;
	size_t by, *ix, i;
	char **slot;
	int isnew;

	by = rec_reader_need(lk, u->lookup_by);
	ix = xcalloc(u->nlookup, sizeof *ix);
	for (i = 0; i < u->nlookup; i++)
		ix[i] = rec_reader_need(lk, u->lookup_fields[i]);
	while ((r = rec_reader_next(lk)) != NULL) {
		buf_reset(&v);
		for (i = 0; i < u->nlookup; i++) {
			buf_add(&v, r->f[ix[i]].p, r->f[ix[i]].len);
			buf_addc(&v, '\0');
		}
		slot = htab_put(&b->look, r->f[by].p, r->f[by].len, &isnew);
		if (!isnew)
			free(*slot);	/* the last record of a key wins */
		*slot = xmemdup(v.p, v.len);
	}
	free(ix);
	buf_release(&v);
	b->look_by = rec_reader_need(b->in, u->lookup_by);
}

/* Set b->lookf from the lookup; 0, or -1 when the key is not there. */
static int
look_up(struct smsnotice_rule *b)
{
	struct rec_str k = b->r->f[b->look_by];
	char **v = htab_find(&b->look, k.p, k.len);
	const char *p;
	size_t i;

	b->nlookf = 0;
	if (v == NULL)
		return -1;
	for (p = *v, i = 0; i < b->rule->nlookup; i++, p += strlen(p) + 1)
		b->lookf[b->nlookf++] = p;
	return 0;
}

/* ---- whether a record is a notice ---- */

/* Field i as a day (a date, or the date of a date and time) into *d:
 * 0, or -1 when it is not one (rejected).  An empty optional field is
 * DATE_NONE. */
static int
field_day(struct smsnotice_rule *b, size_t i, const char *name, int32_t *d,
	  int optional)
{
	struct rec_str s;
	struct buf q = BUF_INIT;

	*d = DATE_NONE;
	if (i == REC_NONE)
		return 0;
	s = b->r->f[i];
	if (s.len == 0 && optional)
		return 0;
	if (s.len >= 10 && date_parse(s.p, 10, d) == 0 &&
	    (s.len == 10 || s.p[10] == ' ' || s.p[10] == 'T'))
		return 0;
	buf_add_quoted(&q, s.p, s.len);
	rec_reject(b->in, b->r, "field '%s': %s: '%s'", name,
		   s.len ? "not a date" : "empty", q.p);
	buf_release(&q);
	return -1;
}

/* The seats, or -1 when absent or not a number in 0..1000. */
static int
seats_of(const struct smsnotice_rule *b)
{
	size_t i = b->f_seats;
	long long v;

	if (i == REC_NONE || num_ll(b->r->f[i].p, b->r->f[i].len, &v) < 0 ||
	    v < 0 || v > 1000)
		return -1;
	return (int)v;
}

/* The date an inspection or scrap notice counts to (DATE_NONE: no
 * schedule or rule covers the vehicle) in *due: 0, or -1 rejected. */
static int
vehicle_due(struct smsnotice_rule *b, int32_t *due)
{
	const struct sms_rules *rs = b->env->rules;
	struct rec_str use = REC_STR(""), type = REC_STR("");
	const struct insp_sched *sc;
	const struct scrap_rule *sr;
	int32_t reg, last;

	if (b->f_use != REC_NONE)
		use = b->r->f[b->f_use];
	if (b->f_type != REC_NONE)
		type = b->r->f[b->f_type];
	if (b->rule->kind == SMS_INSPECTION) {
		if (field_day(b, b->f_registered, "registered", &reg, 0) < 0 ||
		    field_day(b, b->f_last, "last_inspected", &last, 1) < 0)
			return -1;
		sc = insp_find(rs->insp, rs->ninsp, use.p, use.len, type.p,
			       type.len, seats_of(b));
		if (sc != NULL)
			*due = insp_next_due(sc, reg, last);
		return 0;
	}
	if (field_day(b, b->f_registered, "registered", &reg, 0) < 0)
		return -1;
	sr = scrap_find(rs->scrap, rs->nscrap, use.p, use.len, type.p,
			type.len, seats_of(b));
	if (sr != NULL)
		*due = scrap_date(sr, reg);
	return 0;
}

/* The date a date kind counts to; 1 when the record is a notice, 0 when
 * not (no date, outside the window), -1 when it was rejected. */
static int
due_of(struct smsnotice_rule *b)
{
	const struct sms_rule *u = b->rule;
	int32_t due = DATE_NONE, today = b->env->today;

	if (u->kind == SMS_INSPECTION || u->kind == SMS_SCRAP) {
		if (vehicle_due(b, &due) < 0)
			return -1;
	} else {
		/* 长期 (long-term) licences and ID cards never expire. */
		if (rec_str_eq(b->r->f[b->date], REC_STR("长期")))
			return 0;
		if (field_day(b, b->date, u->date, &due, 0) < 0)
			return -1;
	}
	if (due == DATE_NONE || due < today || due > today + u->window)
		return 0;
	date_format(due, b->due);
	snprintf(b->days_left, sizeof b->days_left, "%d", (int)(due - today));
	return 1;
}

/* 1 when the record is a notice of its rule, 0 when not, -1 rejected. */
static int
is_notice(struct smsnotice_rule *b)
{
	const struct sms_rule *u = b->rule;
	int32_t t, today = b->env->today;

	b->due[0] = b->days_left[0] = '\0';
	switch (u->kind) {
	case SMS_INSPECTION: case SMS_SCRAP: case SMS_LICENCE:
	case SMS_GENERIC:
		return due_of(b);
	case SMS_MEETING:
		return rec_str_eq(b->r->f[b->f_grid], rec_str_of(u->grid));
	default:
		/* A violation or a case change is news for window days after
		 * its time; an older one is history, not a notice. */
		if (field_day(b, b->f_time, "time", &t, 0) < 0)
			return -1;
		return t <= today && t >= today - u->window;
	}
}

/* ---- the notice ---- */

void
smsnotice_init(struct smsnotice *n)
{
	memset(n, 0, sizeof *n);
	buf_init(&n->text);
	buf_init(&n->key);
	buf_init(&n->hkey);
}

void
smsnotice_release(struct smsnotice *n)
{
	buf_release(&n->text);
	buf_release(&n->key);
	buf_release(&n->hkey);
}

/* The notice key: the rule and the key values, joined by ':' to be read
 * (shown) and by NUL bytes to be hashed (unambiguous: records hold no
 * NUL). */
static void
notice_key(const struct smsnotice_rule *b, struct buf *shown,
	   struct buf *hashed)
{
	struct rec_str v;
	size_t i;

	buf_adds(shown, b->rule->name);
	buf_adds(hashed, b->rule->name);
	for (i = 0; i < b->rule->nkey; i++) {
		v = value_of(b, b->key[i]);
		buf_addc(shown, ':');
		buf_add(shown, v.p, v.len);
		buf_addc(hashed, '\0');
		buf_add(hashed, v.p, v.len);
	}
}

/* The phone of the record into n->phone: 1, or 0 when it is not a
 * mobile number (rejected) or declined (filtered). */
static int
phone_of(struct smsnotice_rule *b, struct smsnotice *n)
{
	struct rec_str pv = value_of(b, b->phone);
	struct buf q = BUF_INIT;

	if (phone_norm(pv.p, pv.len, n->phone) < 0) {
		buf_add_quoted(&q, pv.p, pv.len);
		rec_reject(b->in, b->r, "field '%s': %s: '%s'", b->rule->phone,
			   pv.len ? "not a mobile number" : "empty", q.p);
		buf_release(&q);
		return 0;
	}
	if (smsnotice_opted_out(b->env, n->phone)) {
		rec_filtered(b->in, b->r);	/* declined: never listed */
		return 0;
	}
	return 1;
}

/* The text of the notice into n->text and n->info: 1, or 0 rejected. */
static int
text_of(struct smsnotice_rule *b, struct smsnotice *n)
{
	size_t bad;

	buf_adds(&n->text, b->env->rules->signature);
	if (tmpl_expand(b->rule->tmpl, tmpl_value, b, &n->text, &bad) < 0) {
		rec_reject(b->in, b->r, "field '%s': not a date for the "
			   "template", tmpl_name(b->rule->tmpl, bad));
		return 0;
	}
	if (sms_measure(n->text.p, n->text.len, &n->info) < 0) {
		rec_reject(b->in, b->r, "the text is not valid UTF-8");
		return 0;
	}
	if (n->info.segments > b->env->max_segments) {
		rec_reject(b->in, b->r, "the text takes %zu messages (at most "
			   "%zu, --max-segments): shorten the template",
			   n->info.segments, b->env->max_segments);
		return 0;
	}
	return 1;
}

int
smsnotice_make(struct smsnotice_rule *b, const struct rec *r,
	       struct smsnotice *n)
{
	struct buf q = BUF_INIT;
	int k;

	b->r = r;
	n->rule = b->rule;
	buf_reset(&n->text);
	buf_reset(&n->key);
	buf_reset(&n->hkey);
	k = is_notice(b);
	if (k <= 0) {
		if (k == 0)
			rec_filtered(b->in, r);
		return 0;
	}
	if (b->rule->lookup_file != NULL && look_up(b) < 0) {
		buf_add_quoted(&q, r->f[b->look_by].p, r->f[b->look_by].len);
		rec_reject(b->in, r, "field '%s': '%s' is not in %s",
			   b->rule->lookup_by, q.p, b->rule->lookup_file);
		buf_release(&q);
		return 0;
	}
	if (!phone_of(b, n) || !text_of(b, n))
		return 0;
	notice_key(b, &n->key, &n->hkey);
	return 1;
}
