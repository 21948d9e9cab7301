/*
 * jw-gen vehicles, licences, violations: the traffic side of the demo city,
 * for viol-query and sms-notify.  Owners and drivers are residents read
 * from a residents file (jw-gen residents), so the same people appear in
 * every data set.
 *
 *   jw-gen vehicles   -r RESIDENTS -n VEHICLES [-s SEED] [--asof DATE]
 *   jw-gen licences   -r RESIDENTS -n VEHICLES [-s SEED] [--asof DATE]
 *   jw-gen violations -r RESIDENTS -n VEHICLES -m VIOLATIONS [-s SEED]
 *                     [--asof DATE] [--bad PERMILLE]
 *
 * Everything follows from the seed, the residents (adults with a valid ID
 * number, in file order) and the counts: vehicle i from (seed, i),
 * violation k from (seed, k).  The same -r, -n and -s give the same fleet
 * to all three verbs, so the violations' plates are the vehicles' plates
 * and their drivers hold the licences.  No rand(), no clock, no locale.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/diag.h"
#include "base/util.h"
#include "domain/idno.h"
#include "rec/rec.h"
#include "jw-gen.h"


#define DEMO_DAY "2026-11-29"
#define GEN_MAX_VEHICLES 2000000

/* The stream of item i of kind k. */
static uint64_t
stream(uint64_t seed, uint64_t i, uint64_t k)
{
	return gen_mix64(seed ^ gen_mix64(i * 0x9e3779b97f4a7c15ULL +
				  k * 0xd1b54a32d192ed03ULL + 7));
}

enum { K_VEHICLE = 1001, K_LICENCE = 1002, K_VIOLATION = 1003 };

/* ---- people ---- */

struct adult {
	char id[19];
	char phone[12];
	char name[16];
	int32_t birth;
};

struct people {
	struct adult *a;
	uint32_t n, cap;
};

static void
people_read(struct people *pp, const char *path, int32_t asof)
{
	const char *files[] = { path, NULL };
	struct rec_reader_opts o;
	struct rec_reader *in;
	const struct rec *r;
	struct idno id;
	size_t iid, iname, iphone;
	struct adult *a;

	memset(&o, 0, sizeof o);
	in = rec_reader_open(files, &o);
	iid = rec_reader_need(in, "id_no");
	iname = rec_reader_need(in, "name");
	iphone = rec_reader_need(in, "phone");
	memset(pp, 0, sizeof *pp);
	while ((r = rec_reader_next(in)) != NULL) {
		if (idno_parse(r->f[iid].p, r->f[iid].len, asof, &id) !=
		    IDNO_OK || idno_age(&id, asof) < 18 ||
		    idno_age(&id, asof) > 75 || r->f[iname].len >= 16 ||
		    r->f[iphone].len != 11)
			continue;
		if (pp->n == pp->cap) {
			pp->cap = pp->cap ? 2 * pp->cap : 4096;
			pp->a = xreallocarray(pp->a, pp->cap, sizeof *pp->a);
		}
		a = &pp->a[pp->n++];
		memcpy(a->id, id.no, 18);
		a->id[18] = '\0';
		memcpy(a->phone, r->f[iphone].p, 11);
		a->phone[11] = '\0';
		memcpy(a->name, r->f[iname].p, r->f[iname].len);
		a->name[r->f[iname].len] = '\0';
		a->birth = id.birth;
	}
	rec_reader_close(in);
	if (pp->n == 0)
		diag_die(JW_EXIT_USAGE, "%s: no adult with a valid ID number",
			 path);
}

/* ---- vehicles ---- */

/* Hunan's authority letters, 永州 (M) first: small fleets are all 湘M. */
static const char authorities[] = "MABCDEFGHJKLNU";
static const char serial_letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";

struct vehicle {
	char plate[16];
	const char *type;	/* plate_type */
	const char *use, *vtype;
	int seats;
	uint32_t owner;
	int32_t registered, inspected;
};

/* Vehicle i: a plate unique to i, an owner, a kind of vehicle and its
 * dates.  The plate's shape is i % 10: six in ten all digits (serial number
 * n * 6 + shape of 14 * 100000), one each with a letter, small electric,
 * large electric and small hybrid (serial n of 14 * 100000), n = i / 10;
 * a serial number is an authority letter and five digits through a
 * bijection of 0..99999.  Hence at most GEN_MAX_VEHICLES. */
static void
vehicle_make(uint64_t seed, uint32_t i, const struct people *pp,
	     int32_t asof, struct vehicle *v)
{
	uint64_t s = stream(seed, i, K_VEHICLE);
	uint32_t kind = i % 10, n = i / 10;
	uint32_t sn = kind < 6 ? n * 6 + kind : n;
	uint32_t ser = (uint32_t)(((uint64_t)(sn % 100000) * 48271 + 9973) %
				  100000);
	char auth = authorities[(sn / 100000) % (sizeof authorities - 1)];
	int32_t age;

	v->owner = gen_below(&s, pp->n);
	switch (kind) {
	case 6:		/* a letter in the serial: 湘MA1234 */
		snprintf(v->plate, sizeof v->plate, "湘%c%c%04u", auth,
			 serial_letters[ser % 24], ser / 24);
		break;
	case 7:		/* small new-energy, pure electric: 湘MD12345 */
		snprintf(v->plate, sizeof v->plate, "湘%cD%05u", auth, ser);
		break;
	case 8:		/* large new-energy: 湘M12345D */
		snprintf(v->plate, sizeof v->plate, "湘%c%05uD", auth, ser);
		break;
	case 9:		/* small new-energy, other: 湘MF12345 */
		snprintf(v->plate, sizeof v->plate, "湘%cF%05u", auth, ser);
		break;
	default:
		snprintf(v->plate, sizeof v->plate, "湘%c%05u", auth, ser);
		break;
	}
	v->type = "02";
	v->use = "非营运";
	v->vtype = "小型轿车";
	v->seats = 5;
	if (kind == 7 || kind == 9) {
		v->type = "52";
	} else if (kind == 8) {
		v->type = "51";
		v->use = "公交客运";
		v->vtype = "大型普通客车";
		v->seats = 40;
	} else if (gen_below(&s, 25) == 0) {
		v->type = "01";
		v->use = "货运";
		v->vtype = "重型厢式货车";
		v->seats = 3;
	} else if (gen_below(&s, 12) == 0) {
		v->use = "出租客运";
	} else if (gen_below(&s, 8) == 0) {
		v->vtype = "小型普通客车";
		v->seats = 7;
	}
	/* Registered 0-18 years before the demo day, more of them recent. */
	age = (int32_t)gen_below(&s, 18 * 365 + 1);
	if (gen_below(&s, 2) == 0)
		age /= 2;
	v->registered = asof - age;
	/* The last inspection: an anniversary of registration within the
	 * last year, a year earlier for ~10% (overdue), none yet for a car
	 * under a year old (the registration counts). */
	v->inspected = v->registered;
	if (age >= 365) {
		int32_t y = age / 365;

		v->inspected = date_add_months(v->registered, 12 * y);
		if (v->inspected > asof)
			v->inspected = date_add_months(v->registered,
						       12 * (y - 1));
		if (gen_below(&s, 10) == 0 && y >= 2)
			v->inspected = date_add_months(v->inspected, -12);
	}
}

/* ---- output ---- */

static char obuf[1 << 16];

static void
put_date(int32_t day)
{
	char d[11];

	date_format(day, d);
	fputs(d, stdout);
}

static void
vehicles_write(uint64_t seed, uint32_t nveh, const struct people *pp,
	       int32_t asof)
{
	struct vehicle v;
	uint32_t i;

	fputs("plate\tplate_type\towner_id\towner_name\tphone\tuse\t"
	      "vehicle_type\tseats\tregistered\tlast_inspected\n", stdout);
	for (i = 0; i < nveh; i++) {
		const struct adult *o;

		vehicle_make(seed, i, pp, asof, &v);
		o = &pp->a[v.owner];
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t", v.plate, v.type,
		       o->id, o->name, o->phone, v.use, v.vtype, v.seats);
		put_date(v.registered);
		putchar('\t');
		put_date(v.inspected);
		putchar('\n');
		if (ferror(stdout))
			gen_write_failed();
	}
}

/* Licence holders: every owner, and one adult in ten more (drivers who
 * own no car).  Marks them in held (one byte per adult). */
static unsigned char *
holders(uint64_t seed, uint32_t nveh, const struct people *pp, int32_t asof)
{
	unsigned char *held = xcalloc(pp->n + 1, 1);
	struct vehicle v;
	uint64_t s = stream(seed, 0, K_LICENCE);
	uint32_t i;

	for (i = 0; i < nveh; i++) {
		vehicle_make(seed, i, pp, asof, &v);
		held[v.owner] = 1;
	}
	for (i = 0; i < nveh / 10; i++)
		held[gen_below(&s, pp->n)] = 1;
	return held;
}

static const char *const classes[] = {
	"C1", "C1", "C1", "C1", "C1", "C1", "C1", "C2", "C2", "B2", "A2",
	"A1", "B1", "C1", "C1", "D"
};

static void
licences_write(uint64_t seed, uint32_t nveh, const struct people *pp,
	       int32_t asof)
{
	unsigned char *held = holders(seed, nveh, pp, asof);
	uint32_t i;

	fputs("id_no\tname\tphone\tclass\tfirst_issued\tvalid_from\t"
	      "valid_to\n", stdout);
	for (i = 0; i < pp->n; i++) {
		const struct adult *a = &pp->a[i];
		uint64_t s = stream(seed, i, K_LICENCE);
		int32_t lo, first, from, to;
		int32_t span;

		if (!held[i])
			continue;
		/* First issued from the 18th birthday (not before 1995) to
		 * a month before the demo day. */
		lo = date_add_months(a->birth, 12 * 18);
		if (lo < date_add_months(asof, -12 * 31))
			lo = date_add_months(asof, -12 * 31);
		span = asof - 30 - lo;
		first = lo + (span > 0 ? (int32_t)gen_below(&s, (uint32_t)span) : 0);
		/* 6 years, then 10, then long-term (长期). */
		from = first;
		to = date_add_months(first, 72);
		if (to <= asof) {
			from = to;
			to = date_add_months(from, 120);
		}
		printf("%s\t%s\t%s\t%s\t", a->id, a->name, a->phone,
		       classes[gen_below(&s, JW_ARRAY_LEN(classes))]);
		put_date(first);
		putchar('\t');
		if (to <= asof) {
			put_date(to);
			fputs("\t长期\n", stdout);
		} else {
			put_date(from);
			putchar('\t');
			put_date(to);
			putchar('\n');
		}
	}
	free(held);
}

/* ---- violations ---- */

static const struct gcode {
	const char *code;
	int points;
	int fine;	/* yuan */
	int weight;
} gcodes[] = {
	{ "1039", 0, 150, 300 }, { "1625", 6, 200, 140 },
	{ "1344", 1, 100, 110 }, { "1603", 3, 200, 100 },
	{ "6011", 0, 50, 80 }, { "1363", 3, 100, 70 },
	{ "1357", 3, 100, 60 }, { "4101", 1, 50, 30 },
	{ "1101", 1, 100, 30 }, { "1604", 6, 500, 12 },
	{ "4601", 6, 200, 10 }, { "1606", 6, 500, 4 },
	{ "1901", 9, 200, 5 }, { "1902", 9, 500, 3 },
	{ "4901", 9, 200, 3 }, { "1711", 12, 1500, 2 },
	{ "4612", 12, 1000, 2 }, { "9999", 0, 100, 2 },	/* not in the table */
};

static const struct district {
	const char *name, *code;
	int weight;
} districts[] = {
	{ "冷水滩区", "431103", 30 }, { "零陵区", "431102", 25 },
	{ "祁阳市", "431181", 12 }, { "东安县", "431122", 6 },
	{ "道县", "431124", 6 }, { "宁远县", "431126", 6 },
	{ "双牌县", "431123", 3 }, { "江永县", "431125", 3 },
	{ "蓝山县", "431127", 3 }, { "新田县", "431128", 3 },
	{ "江华瑶族自治县", "431129", 3 },
};

/* Roads of the fictional city (two-character stems). */
static const char *const roads[] = {
	"潇湘大道", "濂溪路", "永宁路", "安平街", "兴盛路", "华荣大道",
	"清泉路", "翠竹路", "金银街", "凤鹤路", "青岭大道", "丹霞路",
	"禾丰路", "泰康街", "福寿路", "锦绣大道", "朝晖路", "芝兰街",
	"桂樟路", "九嶷大道"
};

/* An index below n, item i drawn with weight w[i]. */
static uint32_t
pick(uint64_t *s, const int *w, size_t n)
{
	uint32_t tot = 0, r, i;

	for (i = 0; i < n; i++)
		tot += (uint32_t)w[i];
	r = gen_below(s, tot);
	for (i = 0; i + 1 < n && r >= (uint32_t)w[i]; i++)
		r -= (uint32_t)w[i];
	return i;
}

static void
put_time(int64_t secs)
{
	char t[20];

	datetime_format(secs, t);
	fputs(t, stdout);
}

static void
violations_write(uint64_t seed, uint32_t nveh, uint64_t m,
		 const struct people *pp, int32_t asof, unsigned bad)
{
	unsigned char *held = holders(seed, nveh, pp, asof);
	uint32_t *drivers, ndrivers = 0, i;
	int64_t t0 = ((int64_t)asof - 700) * 86400, span = 700LL * 86400;
	int cw[JW_ARRAY_LEN(gcodes)], dw[JW_ARRAY_LEN(districts)];
	struct vehicle v;
	uint64_t k;

	for (i = 0; i < JW_ARRAY_LEN(gcodes); i++)
		cw[i] = gcodes[i].weight;
	for (i = 0; i < JW_ARRAY_LEN(districts); i++)
		dw[i] = districts[i].weight;
	drivers = xcalloc(pp->n + 1, sizeof *drivers);
	for (i = 0; i < pp->n; i++)
		if (held[i])
			drivers[ndrivers++] = i;
	free(held);
	fputs("plate\tplate_type\ttime\tplace\tdistrict\tcode\tstatus\tfine\t"
	      "points\tdriver_id\tdecision_no\tdecided_at\tpaid_at\n",
	      stdout);
	for (k = 0; k < m; k++) {
		uint64_t s = stream(seed, k, K_VIOLATION);

		if (ferror(stdout))
			gen_write_failed();
		/* In time order: an export appended to day by day. */
		int64_t t = t0 + (int64_t)(span * k / m) +
			    (int64_t)gen_below(&s, (uint32_t)(span / m + 1));
		int32_t day = (int32_t)(t / 86400), decided, paid;
		const struct gcode *g;
		const struct district *d;
		uint32_t vi, r, st;

		/* A fifth of the violations fall on one vehicle in ten. */
		vi = gen_below(&s, 5) == 0 ? gen_below(&s, nveh / 10 + 1) :
		     gen_below(&s, nveh);
		if (vi >= nveh)
			vi = nveh - 1;
		vehicle_make(seed, vi, pp, asof, &v);
		g = &gcodes[pick(&s, cw, JW_ARRAY_LEN(cw))];
		d = &districts[pick(&s, dw, JW_ARRAY_LEN(dw))];
		r = gen_below(&s, 100);
		/* Recent ones are mostly not dealt with yet. */
		if (asof - day <= 10)
			st = r < 90 ? 0 : r < 97 ? 1 : 2;
		else
			st = r < 15 ? 0 : r < 35 ? 1 : 2;
		decided = day + 1 + (int32_t)gen_below(&s, 20);
		paid = decided + (int32_t)gen_below(&s, 31);
		if (st >= 1 && decided > asof)
			st = 0;
		if (st == 2 && paid > asof)
			st = 1;
		if (bad > 0 && gen_below(&s, 1000) < bad) {
			/* A bad record on purpose: a fine in words or an
			 * unknown status (viol-query rejects it). */
			printf("%s\t%s\t", v.plate, v.type);
			put_time(t);
			printf("\t%s\t%s\t%s\t%s\t%s\t%d\t\t\t\t\n",
			       roads[gen_below(&s, JW_ARRAY_LEN(roads))], d->name,
			       g->code, gen_below(&s, 2) ? "已处理?" : "未处理",
			       gen_below(&s, 2) ? "二百" : "100", g->points);
			continue;
		}
		printf("%s\t%s\t", v.plate, v.type);
		put_time(t);
		if (gen_below(&s, 2)) {
			uint32_t r1 = gen_below(&s, JW_ARRAY_LEN(roads));
			uint32_t r2 = gen_below(&s, JW_ARRAY_LEN(roads) - 1);

			printf("\t%s与%s交叉口", roads[r1],
			       roads[r2 >= r1 ? r2 + 1 : r2]);
		} else
			printf("\t%s%u号附近", roads[gen_below(&s,
			       JW_ARRAY_LEN(roads))], 1 + gen_below(&s, 300));
		printf("\t%s\t%s\t%s\t%d\t%d\t", d->name, g->code,
		       st == 0 ? "未处理" : st == 1 ? "已处理" : "已缴款",
		       g->fine, g->points);
		if (st == 0) {
			fputs("\t\t\t\n", stdout);
			continue;
		}
		/* The owner drove, mostly; else another licence holder. */
		fputs(pp->a[gen_below(&s, 100) < 85 ? v.owner :
			    drivers[gen_below(&s, ndrivers)]].id, stdout);
		printf("\t%s%010llu\t", d->code, (unsigned long long)k);
		put_date(decided);
		putchar('\t');
		if (st == 2)
			put_date(paid);
		putchar('\n');
	}
	free(drivers);
}

/* ---- command line ---- */

static void __attribute__((noreturn))
tusage(const char *msg, const char *arg)
{
	fprintf(stderr, "jw-gen: ");
	fprintf(stderr, msg, arg);
	fputs("\nUsage: jw-gen vehicles|licences -r RESIDENTS -n VEHICLES "
	      "[-s SEED] [--asof DATE]\n"
	      "       jw-gen violations -r RESIDENTS -n VEHICLES -m "
	      "VIOLATIONS [-s SEED]\n"
	      "                         [--asof DATE] [--bad PERMILLE]\n"
	      "Try 'jw-gen --help'.\n", stderr);
	exit(JW_EXIT_USAGE);
}

static unsigned long long
tnumber(const char *opt, const char *s, unsigned long long max)
{
	unsigned long long v = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (max - (unsigned)(*p - '0')) / 10)
			break;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (*s == '\0' || *p != '\0') {
		fprintf(stderr, "jw-gen: option '%s': ", opt);
		tusage("expected a number up to %s", "the limit");
	}
	return v;
}

int
gen_traffic_main(int argc, char *argv[])
{
	const char *verb = argv[1], *res = NULL, *asofs = DEMO_DAY;
	unsigned long long seed = 1, nveh = 0, m = 0, bad = 0;
	struct people pp;
	int32_t asof;
	int i;

	for (i = 2; i < argc; i++) {
		const char *o = argv[i], *a = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "-r") != 0 && strcmp(o, "-n") != 0 &&
		    strcmp(o, "-m") != 0 && strcmp(o, "-s") != 0 &&
		    strcmp(o, "--asof") != 0 && strcmp(o, "--bad") != 0)
			tusage("unknown option '%s'", o);
		if (a == NULL)
			tusage("option '%s' needs a value", o);
		i++;
		if (strcmp(o, "-r") == 0)
			res = a;
		else if (strcmp(o, "-n") == 0)
			nveh = tnumber(o, a, GEN_MAX_VEHICLES);
		else if (strcmp(o, "-m") == 0)
			m = tnumber(o, a, 1000000000);
		else if (strcmp(o, "-s") == 0)
			seed = tnumber(o, a, UINT64_MAX);
		else if (strcmp(o, "--bad") == 0)
			bad = tnumber(o, a, 1000);
		else
			asofs = a;
	}
	if (date_parse(asofs, strlen(asofs), &asof) < 0)
		tusage("option '--asof': not a date YYYY-MM-DD: '%s'", asofs);
	if (res == NULL)
		tusage("'%s' needs -r RESIDENTS", verb);
	if (nveh == 0)
		tusage("'%s' needs -n VEHICLES (at least 1)", verb);
	if (strcmp(verb, "violations") == 0 && m == 0)
		tusage("'%s' needs -m VIOLATIONS (at least 1)", verb);
	if (strcmp(verb, "violations") != 0 && (m != 0 || bad != 0))
		tusage("'%s' takes no -m or --bad", verb);
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	people_read(&pp, res, asof);
	if (strcmp(verb, "vehicles") == 0)
		vehicles_write(seed, (uint32_t)nveh, &pp, asof);
	else if (strcmp(verb, "licences") == 0)
		licences_write(seed, (uint32_t)nveh, &pp, asof);
	else
		violations_write(seed, (uint32_t)nveh, m, &pp, asof,
				 (unsigned)bad);
	free(pp.a);
	gen_finish_stdout();
	return 0;
}
