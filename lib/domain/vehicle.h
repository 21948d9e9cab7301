/*
 * vehicle: when a vehicle is due for inspection or scrapping, from tables
 * the caller loads (sms-notify's rules YAML holds them, with the DOMAIN
 * file's schedules as the documented default).
 *
 * Inspection (道路交通安全法实施条例 art. 16 and its reforms): a schedule
 * names the vehicles it covers (uses, vehicle types, a seat limit) and its
 * intervals by age: "every 24 months until year 10, then every 12 until
 * year 15, then every 6".  Due dates fall on boundaries counted from the
 * registration date: each boundary is the previous one plus the interval
 * of the band the previous one lies in, every one computed from the
 * registration date in whole months (so 31 January gives 28 or 29 February
 * and then 31 January again, never a drifting day).  The next due date is
 * the first boundary more than INSP_EARLY_MONTHS after the last
 * inspection (an inspection may be made up to three months before its
 * boundary, and then covers it), or the first boundary of all when the
 * vehicle was never inspected.  Schedules are tried in order;
 * the first that covers the vehicle applies.
 *
 * Scrapping (机动车强制报废标准规定): a rule names the vehicles it covers
 * and an age limit in years; the scrap date is the registration date plus
 * that many years.  No rule (private small cars) means no age limit.
 *
 * Tables are plain data owned by the caller; nothing here allocates.
 */
#ifndef JW_VEHICLE_H
#define JW_VEHICLE_H

#include <stddef.h>
#include <stdint.h>

#define INSP_EARLY_MONTHS 3	/* how early an inspection may be made */

/* Which vehicles a schedule or rule covers: a list that is empty (n = 0)
 * covers every value; seats_max 0 means any number of seats. */
struct veh_match {
	const char *const *uses;
	size_t nuses;
	const char *const *types;
	size_t ntypes;
	int seats_max;
};

/* An age band: while the vehicle is younger than until_years (0: for ever
 * after), it is inspected every months. */
struct insp_band {
	int until_years;
	int months;
};

struct insp_sched {
	const char *name;
	struct veh_match match;
	const struct insp_band *bands;	/* by until_years, the last 0 */
	size_t nbands;
};

struct scrap_rule {
	const char *name;
	struct veh_match match;
	int years;
};

/* 1 if m covers a vehicle of this use, type (p, n byte strings) and
 * seats (-1 when unknown: then only a match without seats_max). */
int veh_matches(const struct veh_match *m, const char *use, size_t nuse,
		const char *type, size_t ntype, int seats);

/* The first schedule of s[0..n) that covers the vehicle, or NULL. */
const struct insp_sched *insp_find(const struct insp_sched *s, size_t n,
				   const char *use, size_t nuse,
				   const char *type, size_t ntype, int seats);
/* The next inspection due date (a day number, see date.h) for a vehicle
 * registered on registered and last inspected on last (DATE_NONE: never),
 * or DATE_NONE when the dates are out of range or the schedule has no
 * band. */
int32_t insp_next_due(const struct insp_sched *s, int32_t registered,
		      int32_t last);

/* The first rule of r[0..n) that covers the vehicle, or NULL (no age
 * limit). */
const struct scrap_rule *scrap_find(const struct scrap_rule *r, size_t n,
				    const char *use, size_t nuse,
				    const char *type, size_t ntype, int seats);
/* The scrap date of a vehicle registered on registered under r, or
 * DATE_NONE when out of range. */
int32_t scrap_date(const struct scrap_rule *r, int32_t registered);

#endif
