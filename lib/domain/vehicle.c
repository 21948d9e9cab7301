/* vehicle: inspection and scrap dates.  See vehicle.h. */
#include <string.h>

#include "base/date.h"
#include "domain/vehicle.h"

/* A boundary this far from registration ends the search: a due date 100
 * years on is no due date. */
#define MAX_MONTHS (100 * 12)

static int
in_list(const char *const *l, size_t n, const char *p, size_t len)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (strlen(l[i]) == len && memcmp(l[i], p, len) == 0)
			return 1;
	return 0;
}

int
veh_matches(const struct veh_match *m, const char *use, size_t nuse,
	    const char *type, size_t ntype, int seats)
{
	if (!in_list(m->uses, m->nuses, use, nuse) ||
	    !in_list(m->types, m->ntypes, type, ntype))
		return 0;
	if (m->seats_max > 0 && (seats < 0 || seats > m->seats_max))
		return 0;
	return 1;
}

const struct insp_sched *
insp_find(const struct insp_sched *s, size_t n, const char *use,
	  size_t nuse, const char *type, size_t ntype, int seats)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (veh_matches(&s[i].match, use, nuse, type, ntype, seats))
			return &s[i];
	return NULL;
}

/* The interval in months for a boundary at age months, or 0. */
static int
band_months(const struct insp_sched *s, int months)
{
	size_t i;

	for (i = 0; i < s->nbands; i++)
		if (s->bands[i].until_years == 0 ||
		    months < s->bands[i].until_years * 12)
			return s->bands[i].months;
	return 0;
}

int32_t
insp_next_due(const struct insp_sched *s, int32_t registered, int32_t last)
{
	int age = 0, step;
	int32_t due;

	if (registered < DATE_MIN || registered > DATE_MAX)
		return DATE_NONE;
	/* An inspection up to three months early covers the boundary. */
	if (last != DATE_NONE) {
		last = date_add_months(last, INSP_EARLY_MONTHS);
		if (last == DATE_NONE)
			return DATE_NONE;
	}
	for (;;) {
		step = band_months(s, age);
		if (step <= 0 || age + step > MAX_MONTHS)
			return DATE_NONE;
		age += step;
		due = date_add_months(registered, age);
		if (due == DATE_NONE)
			return DATE_NONE;
		if (last == DATE_NONE || due > last)
			return due;
	}
}

const struct scrap_rule *
scrap_find(const struct scrap_rule *r, size_t n, const char *use,
	   size_t nuse, const char *type, size_t ntype, int seats)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (veh_matches(&r[i].match, use, nuse, type, ntype, seats))
			return &r[i];
	return NULL;
}

int32_t
scrap_date(const struct scrap_rule *r, int32_t registered)
{
	if (r->years <= 0 || r->years > 100)
		return DATE_NONE;
	return date_add_months(registered, r->years * 12);
}
