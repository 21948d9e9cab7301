/* cases: the state machine, case numbers, stages, parties, deadlines and
 * the fold of a case's events.  See cases.h; the YAML is cases_load.c. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/diag.h"
#include "base/util.h"
#include "domain/cases.h"
#include "domain/idno.h"

static const char *const state_names[CS_NSTATES] = {
	[CS_NONE] = NULL,
	[CS_RECEIVED] = "RECEIVED", [CS_NOT_FILED] = "NOT_FILED",
	[CS_FILED] = "FILED", [CS_INVESTIGATING] = "INVESTIGATING",
	[CS_SOLVED] = "SOLVED", [CS_TRANSFERRED] = "TRANSFERRED",
	[CS_REVOKED] = "REVOKED", [CS_CLOSED] = "CLOSED",
	[CS_ACCEPTED] = "ACCEPTED", [CS_DECIDED] = "DECIDED",
	[CS_TERMINATED] = "TERMINATED", [CS_TO_CRIMINAL] = "TO_CRIMINAL",
	[CS_COMPLAINT] = "COMPLAINT",
};

const char *
case_state_name(enum case_state s)
{
	return (unsigned)s < CS_NSTATES ? state_names[s] : NULL;
}

#define B(s) (1u << (s))

/* Allowed successors of each state, per type. */
static unsigned
next_states(char type, enum case_state s)
{
	if (type == 'A') {
		switch (s) {
		case CS_NONE: return B(CS_RECEIVED);
		case CS_RECEIVED: return B(CS_FILED) | B(CS_NOT_FILED);
		case CS_NOT_FILED: return B(CS_FILED) | B(CS_CLOSED);
		case CS_FILED:
			return B(CS_INVESTIGATING) | B(CS_SOLVED) |
			       B(CS_REVOKED);
		case CS_INVESTIGATING: return B(CS_SOLVED) | B(CS_REVOKED);
		case CS_SOLVED: return B(CS_TRANSFERRED) | B(CS_REVOKED);
		case CS_TRANSFERRED:
			return B(CS_CLOSED) | B(CS_INVESTIGATING);
		case CS_REVOKED: return B(CS_CLOSED);
		default: return 0;
		}
	}
	switch (s) {
	case CS_NONE: return B(CS_ACCEPTED);
	case CS_ACCEPTED:
		return B(CS_INVESTIGATING) | B(CS_DECIDED) | B(CS_TERMINATED) |
		       B(CS_TO_CRIMINAL);
	case CS_INVESTIGATING:
		return B(CS_DECIDED) | B(CS_TERMINATED) | B(CS_TO_CRIMINAL);
	case CS_DECIDED: case CS_TERMINATED: case CS_TO_CRIMINAL:
		return B(CS_CLOSED);
	default: return 0;
	}
}

/* States a type's stages may map to. */
static unsigned
type_states(char type)
{
	if (type == 'A')
		return B(CS_RECEIVED) | B(CS_NOT_FILED) | B(CS_FILED) |
		       B(CS_INVESTIGATING) | B(CS_SOLVED) | B(CS_TRANSFERRED) |
		       B(CS_REVOKED) | B(CS_CLOSED);
	return B(CS_ACCEPTED) | B(CS_INVESTIGATING) | B(CS_DECIDED) |
	       B(CS_TERMINATED) | B(CS_TO_CRIMINAL) | B(CS_CLOSED);
}

int
case_transition_ok(char type, enum case_state from, enum case_state to)
{
	if ((unsigned)to >= CS_NSTATES || (unsigned)from >= CS_NSTATES)
		return 0;
	return (next_states(type, from) & B(to)) != 0;
}

int
case_state_of_type(char type, enum case_state s)
{
	return (unsigned)s < CS_NSTATES && (type_states(type) & B(s)) != 0;
}

/* ---- stages and categories ---- */

const struct case_stage *
case_stage_find(const struct case_cfg *c, char type, const char *p, size_t n)
{
	const struct case_stage *st;
	size_t i;

	for (i = 0; i < c->nstages; i++) {
		st = &c->stages[i];
		if (st->len == n && (st->type == type || st->type == 0) &&
		    memcmp(st->name, p, n) == 0)
			return st;
	}
	return NULL;
}

int
case_category(const struct case_cfg *c, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < c->ncategories; i++)
		if (c->catlen[i] == n && memcmp(c->categories[i], p, n) == 0)
			return (int)i;
	return -1;
}

/* ---- case numbers, deadlines, parties ---- */

static int
digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

int
case_no_check(const char *p, size_t n, const char **why)
{
	int year;

	if (n == 0) {
		*why = "empty";
		return -1;
	}
	if (p[0] != 'A' && p[0] != 'X') {
		*why = "not a case number: the first letter must be A "
		       "(criminal) or X (administrative)";
		return -1;
	}
	if (n != CASE_NO_LEN || !digits(p + 1, n - 1)) {
		*why = "not a case number: A or X, then 16 digits (region, "
		       "year, serial)";
		return -1;
	}
	year = (p[7] - '0') * 1000 + (p[8] - '0') * 100 + (p[9] - '0') * 10 +
	       (p[10] - '0');
	if (year < 1949 || p[1] == '0') {
		*why = "not a case number: bad region code or year";
		return -1;
	}
	return 0;
}

int
case_is_holiday(const struct case_cfg *c, int32_t day)
{
	size_t lo = 0, hi = c->nholidays, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nholidays && c->holidays[lo] == day;
}

int32_t
case_due(const struct case_cfg *c, int32_t start, int days)
{
	int32_t d = start + days;

	while (case_is_holiday(c, d))
		d++;
	return d;
}

int
case_parties_parse(const char *p, size_t n, struct case_party *out,
		   size_t max, const char **why, size_t *item)
{
	const char *end = p + n, *q, *f[5];
	size_t nf, len[5], k = 0, i;
	struct idno id;

	*why = NULL;
	*item = 0;
	if (n == 0)
		return 0;
	for (;;) {
		q = memchr(p, ';', (size_t)(end - p));
		if (q == NULL)
			q = end;
		*item = k + 1;
		if (q == p) {
			*why = "empty item";
			return -1;
		}
		if (k == max) {
			*why = "too many parties";
			return -1;
		}
		/* role:id:name[:phone] */
		nf = 0;
		f[0] = p;
		for (i = 0; p + i < q; i++)
			if (p[i] == ':') {
				if (nf == 4)
					break;
				len[nf] = (size_t)(p + i - f[nf]);
				f[++nf] = p + i + 1;
			}
		if (nf == 4 || nf < 2) {
			*why = "expected role:id_no:name[:phone]";
			return -1;
		}
		len[nf] = (size_t)(q - f[nf]);
		if (len[0] == 0) {
			*why = "empty role";
			return -1;
		}
		if (len[1] != 18 || idno_parse(f[1], 18, INT32_MAX, &id) !=
		    IDNO_OK || f[1][17] == 'x') {
			*why = "not a valid ID number";
			return -1;
		}
		if (len[2] == 0) {
			*why = "empty name";
			return -1;
		}
		if (nf == 3 && (len[3] != 11 || !digits(f[3], 11) ||
				f[3][0] != '1' || f[3][1] < '3')) {
			*why = "not a mobile phone number (11 digits)";
			return -1;
		}
		out[k].role = f[0];
		out[k].rolelen = len[0];
		out[k].id = f[1];
		out[k].idlen = len[1];
		out[k].name = f[2];
		out[k].namelen = len[2];
		out[k].phone = nf == 3 ? f[3] : NULL;
		out[k].phonelen = nf == 3 ? len[3] : 0;
		k++;
		if (q == end)
			break;
		p = q + 1;
		if (p == end) {
			*item = k + 1;
			*why = "empty item";
			return -1;
		}
	}
	return (int)k;
}

/* ---- the fold ---- */

static int
event_cmp(const struct case_event *a, const struct case_event *b)
{
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Insertion sort for the few events of most cases, merge sort beyond. */
static void
sort_events(struct case_event *ev, size_t n)
{
	struct case_event t, *tmp;
	size_t i, j, w, a, b, mid;

	if (n <= 32) {
		for (i = 1; i < n; i++) {
			t = ev[i];
			for (j = i; j > 0 && event_cmp(&ev[j - 1], &t) > 0;
			     j--)
				ev[j] = ev[j - 1];
			ev[j] = t;
		}
		return;
	}
	mid = n / 2;
	sort_events(ev, mid);
	sort_events(ev + mid, n - mid);
	tmp = xmalloc(n * sizeof *tmp);
	for (a = 0, b = mid, w = 0; a < mid || b < n; )
		if (b == n || (a < mid && event_cmp(&ev[a], &ev[b]) <= 0))
			tmp[w++] = ev[a++];
		else
			tmp[w++] = ev[b++];
	memcpy(ev, tmp, n * sizeof *tmp);
	free(tmp);
}

/* The case enters e's stage. */
static void
fold_enter(struct case_fold *f, const struct case_event *e, char type)
{
	f->stage_since = e->time;
	f->limit_days = e->limit_days >= 0 ? e->limit_days :
			e->stage->limit_days;
	switch (e->stage->state) {
	case CS_RECEIVED: case CS_ACCEPTED:
		f->opened = e->time;
		if (type == 'X')
			f->filed_at = e->time;
		break;
	case CS_FILED:
		if (f->filed_at == CASE_NO_TIME)
			f->filed_at = e->time;
		break;
	case CS_SOLVED: case CS_DECIDED:
		if (f->solved_at == CASE_NO_TIME)
			f->solved_at = e->time;
		break;
	case CS_CLOSED:
		f->closed_at = e->time;
		break;
	default:
		break;
	}
}

void
case_fold_events(const struct case_cfg *c, struct case_event *ev, size_t n,
		 struct case_fold *f,
		 void (*rej)(void *ctx, const struct case_event *e,
			     const char *why),
		 void *ctx)
{
	const struct case_stage *cur = NULL, *st;
	char why[256];
	size_t i;
	int returns = 0;
	char type;

	(void)c;
	memset(f, 0, sizeof *f);
	f->stage_since = f->opened = f->filed_at = f->solved_at =
		f->closed_at = CASE_NO_TIME;
	if (n == 0)
		return;
	sort_events(ev, n);
	type = 0;
	for (i = 0; i < n && type == 0; i++)
		type = ev[i].stage->type;
	for (i = 0; i < n; i++) {
		st = ev[i].stage;
		f->events++;
		f->hidden |= ev[i].hidden;
		ev[i].rejected = 0;
		if (st->state == CS_COMPLAINT) {
			if (cur == NULL) {
				snprintf(why, sizeof why, "stage '%s' before "
					 "the case was received", st->name);
				goto reject;
			}
			f->complaints++;
			continue;
		}
		if (cur != NULL && st->state == cur->state) {
			if (ev[i].limit_days >= 0)
				f->limit_days = ev[i].limit_days;
			if (st != cur)	/* another name for the same state */
				cur = st;
			continue;
		}
		if (!case_transition_ok(type, cur ? cur->state : CS_NONE,
					st->state)) {
			if (cur == NULL)
				snprintf(why, sizeof why, "stage '%s' cannot "
					 "open a case (it starts with %s)",
					 st->name, type == 'A' ? "RECEIVED" :
					 "ACCEPTED");
			else
				snprintf(why, sizeof why, "stage '%s' cannot "
					 "follow '%s'", st->name, cur->name);
			goto reject;
		}
		if (cur != NULL && cur->state == CS_TRANSFERRED &&
		    st->state == CS_INVESTIGATING &&
		    ++returns > CASE_MAX_RETURNS) {
			snprintf(why, sizeof why, "stage '%s' after '%s' a "
				 "third time (supplementary investigation at "
				 "most twice)", st->name, cur->name);
			goto reject;
		}
		cur = st;
		fold_enter(f, &ev[i], type);
		continue;
reject:
		ev[i].rejected = 1;
		f->rejected++;
		if (rej != NULL)
			rej(ctx, &ev[i], why);
	}
	f->stage = cur;
}

int32_t
case_fold_due(const struct case_cfg *c, const struct case_fold *f)
{
	int64_t from;

	if (f->stage == NULL || f->limit_days <= 0)
		return DATE_NONE;
	from = f->stage->from_opened ? f->opened : f->stage_since;
	if (from == CASE_NO_TIME)
		return DATE_NONE;
	return case_due(c, (int32_t)(from >= 0 ? from / 86400 :
				     -((-from + 86399) / 86400)),
			f->limit_days);
}
