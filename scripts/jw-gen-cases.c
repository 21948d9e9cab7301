/*
 * jw-gen cases: deterministic case event logs for case-status(1).
 *
 *   jw-gen cases -r RESIDENTS.tsv[.gz] [-s SEED] [-n CASES] [--from YEAR]
 *                [--years N] [--until DATE] [--extra N]
 *
 * The parties are drawn from a resident file (jw-gen residents, the demo's
 * residents-*.tsv.gz), so the same people appear in the grid and in the
 * cases.  Cases are spread evenly over --years years from --from; each
 * case's events follow the state machine of testdata/cases/cases.yaml and
 * stop at --until.  Built in, so that case-status has something to find:
 * - serious crime (the eight categories) falls year on year: 1.00, 0.65,
 *   0.58, ... of the first year's share (-35%, then -11%);
 * - every homicide (故意杀人) of the second year is solved;
 * - about 2% of cases are secret (half of them only from a later event),
 *   every rape case and about 1% of the others privacy-protected;
 * - about 5% stay in 受案 past their 3 days (overdue), some with an
 *   approved extension (limit_days), and about 1% have a complaint.
 * --extra N adds up to N progress events per case in the stage in effect
 * (no transition: for benchmarks that want more events per case).
 * Events are written case by case; a case's events are in time order.
 * Everything follows from the seed and the case number: no clock, no
 * rand(), no locale.
 */
#include <errno.h>
#include <getopt.h>
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

struct person {
	char id[19];
	char name[32];
	char phone[12];
};

static struct person *people;
static size_t npeople;

static void
read_residents(const char *path)
{
	const char *files[2] = { path, NULL };
	struct rec_reader_opts o;
	struct rec_reader *in;
	const struct rec *r;
	size_t iid, iname, iphone, cap = 0;
	struct idno id;

	memset(&o, 0, sizeof o);
	in = rec_reader_open(files, &o);
	iid = rec_reader_need(in, "id_no");
	iname = rec_reader_need(in, "name");
	iphone = rec_reader_need(in, "phone");
	while ((r = rec_reader_next(in)) != NULL) {
		if (idno_parse(r->f[iid].p, r->f[iid].len, INT32_MAX, &id) !=
		    IDNO_OK || r->f[iname].len == 0 ||
		    r->f[iname].len >= sizeof people->name ||
		    memchr(r->f[iname].p, ':', r->f[iname].len) ||
		    memchr(r->f[iname].p, ';', r->f[iname].len))
			continue;	/* the residents' bad records */
		if (npeople == cap) {
			cap = cap ? 2 * cap : 4096;
			people = xreallocarray(people, cap, sizeof *people);
		}
		memcpy(people[npeople].id, id.no, 19);
		memcpy(people[npeople].name, r->f[iname].p, r->f[iname].len);
		people[npeople].name[r->f[iname].len] = '\0';
		people[npeople].phone[0] = '\0';
		if (r->f[iphone].len == 11)
			memcpy(people[npeople].phone, r->f[iphone].p, 12),
			people[npeople].phone[11] = '\0';
		npeople++;
	}
	rec_reader_close(in);
	if (npeople < 2)
		diag_die(JW_EXIT_USAGE, "%s: fewer than 2 residents with a "
			 "valid ID number", path);
}

/* Categories: name, weight per 1000, serious, administrative. */
static const struct cat {
	const char *name;
	int weight, serious, admin;
} cats[] = {
	{ "故意杀人", 4, 1, 0 }, { "故意伤害", 30, 1, 0 }, { "强奸", 8, 1, 0 },
	{ "抢劫", 20, 1, 0 }, { "贩卖毒品", 15, 1, 0 }, { "放火", 3, 1, 0 },
	{ "爆炸", 1, 1, 0 }, { "投放危险物质", 1, 1, 0 },
	{ "盗窃", 420, 0, 0 }, { "诈骗", 200, 0, 0 }, { "抢夺", 30, 0, 0 },
	{ "交通肇事", 40, 0, 0 }, { "寻衅滋事", 38, 0, 0 },
	{ "治安殴打", 100, 0, 1 }, { "治安盗窃", 60, 0, 1 },
	{ "赌博", 30, 0, 1 },
};

/* The serious share of year k, in thousandths of the first year's. */
static int
serious_factor(unsigned k)
{
	int f = 1000;
	unsigned i;

	for (i = 1; i <= k; i++)
		f = f * (i == 1 ? 650 : 890) / 1000;
	return f;
}

static const struct cat *
pick_cat(uint64_t *s, unsigned year_k)
{
	int total = 0, w, f = serious_factor(year_k);
	uint32_t x;
	size_t i;

	for (i = 0; i < JW_ARRAY_LEN(cats); i++)
		total += cats[i].serious ? cats[i].weight * f / 1000 :
			 cats[i].weight;
	x = gen_below(s, (uint32_t)total);
	for (i = 0; i < JW_ARRAY_LEN(cats); i++) {
		w = cats[i].serious ? cats[i].weight * f / 1000 :
		    cats[i].weight;
		if (x < (uint32_t)w)
			return &cats[i];
		x -= (uint32_t)w;
	}
	return &cats[8];
}

static const char *const stations[] = {
	"城关派出所", "城北派出所", "城南派出所", "刑侦大队", "治安大队"
};
static const char officer_chars[] = "刘张王李陈杨赵黄周吴徐孙马朱胡郭何林";

struct out {
	char *buf;
	size_t n, size;
};

static void
flush(struct out *o)
{
	if (o->n && fwrite(o->buf, 1, o->n, stdout) != o->n)
		diag_die(JW_EXIT_IO, "standard output: %s", strerror(errno));
	o->n = 0;
}

static void
put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->n + n > o->size)
		flush(o);
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

struct ev {
	int64_t t;
	const char *stage;
	int secret, privacy;
	int limit;
	int parties;	/* write the parties */
	int complaint;
};

static void
write_event(struct out *o, const char *no, const struct cat *c,
	    const char *unit, const char *officer, const struct ev *e,
	    const char *parties, const struct person *victim,
	    const char *receipt)
{
	char t[20], lim[12];

	datetime_format(e->t, t);
	put(o, no);
	put(o, "\t");
	put(o, t);
	put(o, "\t");
	put(o, e->stage);
	put(o, "\t");
	put(o, c->name);
	put(o, "\t");
	put(o, unit);
	put(o, "\t");
	put(o, officer);
	put(o, e->secret ? "\t1" : "\t0");
	put(o, e->privacy ? "\t1\t" : "\t0\t");
	if (e->complaint) {
		put(o, "投诉人:");
		put(o, victim->id);
		put(o, ":");
		put(o, victim->name);
	} else if (e->parties) {
		put(o, parties);
	}
	put(o, "\t");
	put(o, e->complaint ? "对办案进度不满意" : "");
	put(o, "\t");
	if (e->limit > 0) {
		snprintf(lim, sizeof lim, "%d", e->limit);
		put(o, lim);
	}
	put(o, "\t");
	if (e->complaint)
		put(o, receipt);
	put(o, "\n");
}

static void
add_party(char *buf, size_t size, const char *role, const struct person *p)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s:%s:%s%s%s", n ? ";" : "", role,
		 p->id, p->name, p->phone[0] ? ":" : "", p->phone);
}

static void
gen_case(struct out *o, uint64_t seed, uint64_t i, uint64_t ncases,
	 int from, unsigned years, int64_t until, unsigned extra)
{
	uint64_t s = gen_mix64(seed ^ gen_mix64(i + 1));
	unsigned k = (unsigned)(i * years / ncases);
	int year = from + (int)k;
	int32_t y0, y1;
	int64_t t;
	const struct cat *c;
	const struct person *victim, *suspect = NULL, *reporter = NULL;
	struct ev ev[8 + 64];
	size_t nev = 0, j;
	char no[20], unit[96], officer[16], parties[512], receipt[32];
	const char *county;
	int secret_from = -1, privacy, solve, homicide_year;
	uint32_t r;

	date_from_ymd(year, 1, 1, &y0);
	date_from_ymd(year + 1, 1, 1, &y1);
	t = (int64_t)(y0 + (int32_t)gen_below(&s, (uint32_t)(y1 - y0))) * 86400 +
	    8 * 3600 + gen_below(&s, 14 * 3600);
	if (t > until)
		return;
	c = pick_cat(&s, k);
	victim = &people[gen_below(&s, (uint32_t)npeople)];
	if (gen_below(&s, 10) < 6)
		suspect = &people[gen_below(&s, (uint32_t)npeople)];
	if (gen_below(&s, 10) < 2)
		reporter = &people[gen_below(&s, (uint32_t)npeople)];
	if (suspect == victim)
		suspect = NULL;
	if (reporter == victim || reporter == suspect)
		reporter = NULL;
	snprintf(no, sizeof no, "%c%.6s%04d%06llu", c->admin ? 'X' : 'A',
		 victim->id, year, (unsigned long long)(i % 1000000));
	county = idno_region_name(victim->id);
	snprintf(unit, sizeof unit, "%s公安局%s", county ? county : "永州市",
		 stations[gen_below(&s, JW_ARRAY_LEN(stations))]);
	r = gen_below(&s, (sizeof officer_chars - 1) / 3);
	snprintf(officer, sizeof officer, "%.3s警官", officer_chars + 3 * r);
	parties[0] = '\0';
	add_party(parties, sizeof parties, "被害人", victim);
	if (suspect)
		add_party(parties, sizeof parties, c->admin ? "违法嫌疑人" :
			  "嫌疑人", suspect);
	if (reporter)
		add_party(parties, sizeof parties, "报案人", reporter);
	privacy = strcmp(c->name, "强奸") == 0 || gen_below(&s, 100) == 0;
	r = gen_below(&s, 100);
	if (r < 2)
		secret_from = r == 0 ? 0 : 1 + (int)gen_below(&s, 2);
	homicide_year = strcmp(c->name, "故意杀人") == 0 && k == 1;
	if (homicide_year && t > (int64_t)(y1 - 20) * 86400)
		t -= 20 * 86400;	/* solved within the year */
	memset(ev, 0, sizeof ev);
	ev[nev].t = t;
	ev[nev].stage = "受案";
	ev[nev].parties = 1;
	nev++;
	r = gen_below(&s, 100);
	if (c->admin) {
		if (r < 8) {		/* still open after more than 30 days */
			if (r < 3)
				ev[nev - 1].limit = 60;
		} else {
			t += 86400 * (1 + gen_below(&s, 3));
			ev[nev].t = t;
			ev[nev++].stage = "调查";
			t += 86400 * (3 + gen_below(&s, 20));
			ev[nev].t = t;
			ev[nev++].stage = gen_below(&s, 10) < 8 ? "处罚决定" :
					  "终止调查";
			t += 86400 * (1 + gen_below(&s, 10));
			ev[nev].t = t;
			ev[nev++].stage = "结案";
		}
	} else if (r < 5 && !homicide_year) {
		/* undecided: overdue unless extended */
		if (r < 2) {
			ev[nev].t = t + 3600 * (1 + gen_below(&s, 40));
			ev[nev].stage = "受案";
			ev[nev++].limit = r == 0 ? 7 : 30;
		}
	} else if (r < 12 && !homicide_year) {
		t += 86400 * (1 + gen_below(&s, 3));
		ev[nev].t = t;
		ev[nev++].stage = "不予立案";
		t += 86400 * (3 + gen_below(&s, 10));
		ev[nev].t = t;
		ev[nev++].stage = "结案";
	} else {
		t += 3600 * (2 + gen_below(&s, 60));
		ev[nev].t = t;
		ev[nev++].stage = "立案";
		if (gen_below(&s, 10) < 7) {
			t += 86400 * (1 + gen_below(&s, homicide_year ? 2 : 5));
			ev[nev].t = t;
			ev[nev++].stage = "侦查";
		}
		solve = homicide_year ||
			gen_below(&s, 100) < (c->serious ? 85u : 45u);
		if (solve) {
			t += 86400 * (1 + gen_below(&s, homicide_year ? 5 : 90));
			ev[nev].t = t;
			ev[nev++].stage = "破案";
			t += 86400 * (5 + gen_below(&s, 30));
			ev[nev].t = t;
			ev[nev++].stage = "移送起诉";
			t += 86400 * (10 + gen_below(&s, 60));
			ev[nev].t = t;
			ev[nev++].stage = "结案";
		} else if (gen_below(&s, 10) == 0) {
			t += 86400 * (30 + gen_below(&s, 200));
			ev[nev].t = t;
			ev[nev++].stage = "撤销";
		}
	}
	if (gen_below(&s, 100) == 0 && nev < 8) {	/* a complaint, in order */
		size_t at = 1 + gen_below(&s, (uint32_t)nev);
		int64_t ct = ev[at - 1].t + 3600 * (1 + gen_below(&s, 48));

		if (at < nev && ct >= ev[at].t)
			ct = ev[at].t;
		memmove(&ev[at + 1], &ev[at], (nev - at) * sizeof *ev);
		memset(&ev[at], 0, sizeof *ev);
		ev[at].t = ct;
		ev[at].stage = "投诉";
		ev[at].complaint = 1;
		nev++;
	}
	/* --extra: progress events in the stage in effect (no transition),
	 * between an event and the next */
	for (j = 0; j < extra && nev < JW_ARRAY_LEN(ev); j++) {
		size_t q = gen_below(&s, (uint32_t)nev);
		int64_t tn;

		if (ev[q].complaint)
			continue;
		tn = q + 1 < nev ? ev[q + 1].t : ev[q].t + 86400;
		if (tn - ev[q].t < 2)
			continue;
		memmove(&ev[q + 2], &ev[q + 1], (nev - q - 1) * sizeof *ev);
		ev[q + 1] = ev[q];
		ev[q + 1].parties = 0;
		ev[q + 1].limit = 0;
		ev[q + 1].t = ev[q].t + 1 + gen_below(&s, (uint32_t)(tn - ev[q].t -
								 1));
		nev++;
	}
	snprintf(receipt, sizeof receipt, "TS%llu",
		 (unsigned long long)(gen_mix64(seed ^ i) % 9000000000ULL +
				      1000000000ULL));
	for (j = 0; j < nev; j++) {
		if (ev[j].t > until)
			break;
		ev[j].secret = secret_from >= 0 && (int)j >= secret_from;
		ev[j].privacy = privacy;
		write_event(o, no, c, unit, officer, &ev[j], parties, victim,
			    receipt);
	}
}

static void __attribute__((noreturn))
usage(const char *msg, const char *arg)
{
	fprintf(stderr, "jw-gen: ");
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\nUsage: jw-gen cases -r RESIDENTS.tsv [-s SEED] "
		"[-n CASES] [--from YEAR] [--years N]\n"
		"                    [--until DATE]\nTry 'jw-gen --help'.\n");
	exit(JW_EXIT_USAGE);
}

static unsigned long long
number(const char *opt, const char *s, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		usage("option '%s': not a number", opt);
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		usage("option '%s': not a number in range", opt);
	return v;
}

int
gen_cases_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "residents", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' },
		{ "years", required_argument, NULL, 'y' },
		{ "until", required_argument, NULL, 'u' },
		{ "extra", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	const char *res = NULL;
	unsigned long long seed = 1, n = 3000, from = 2024, years = 3, i;
	unsigned long long extra = 0;
	int64_t until;
	int32_t d;
	struct out o;
	int ch;

	date_from_ymd(2026, 11, 30, &d);
	until = (int64_t)d * 86400 + 86399;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":r:s:n:", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'r': res = optarg; break;
		case 's': seed = number("-s", optarg, UINT64_MAX); break;
		case 'n': n = number("-n", optarg, 100000000); break;
		case 'f': from = number("--from", optarg, 9000); break;
		case 'y': years = number("--years", optarg, 50); break;
		case 'e': extra = number("--extra", optarg, 64); break;
		case 'u':
			if (date_parse(optarg, strlen(optarg), &d) < 0)
				usage("option '--until': not a date "
				      "YYYY-MM-DD: '%s'", optarg);
			until = (int64_t)d * 86400 + 86399;
			break;
		case ':': usage("option '%s' needs a value", argv[optind - 1]);
		default: usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage("unexpected operand '%s'", argv[optind]);
	if (res == NULL)
		usage("%s", "'cases' needs -r RESIDENTS.tsv (the parties)");
	if (from < 1949 || years == 0 || n == 0)
		usage("%s", "--from is a year from 1949, --years and -n at "
		      "least 1");
	read_residents(res);
	o.size = 1 << 20;
	o.buf = xmalloc(o.size);
	o.n = 0;
	put(&o, "case_no\ttime\tstage\tcategory\tunit\tofficer\tsecret\t"
	    "privacy\tparties\tnote\tlimit_days\treceipt\n");
	for (i = 0; i < n; i++) {
		gen_case(&o, seed, i, n, (int)from, (unsigned)years, until,
			 (unsigned)extra);
		if (o.n > o.size - 4096)
			flush(&o);
	}
	flush(&o);
	free(o.buf);
	free(people);
	return JW_EXIT_OK;
}
