/*
 * jw-gen answers: deterministic poll answers for poll-rank, one record
 * per answer, for the units of the built-in poll definition (Hunan's 14
 * prefecture-level units, testdata/poll/hunan.yaml): each respondent of
 * a round answers the two items, satisfaction and safety.
 *
 * A unit's expected score in a year is fixed by its place in a spread of
 * 79-91 points, moving by up to a point a year; Yongzhou
 * (永州市, 431100) follows the story of poll-rank(1): last in 2008, in the
 * bottom three in 2009 and 2010, in the top five from 2011 to 2013.  Each
 * answer is then drawn from (seed, year, round, unit, respondent), so the
 * same arguments give the same bytes everywhere.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/util.h"
#include "domain/poll.h"
#include "jw-gen.h"

/* A uniform number in [0, 1) from the stream s. */
static double
unif(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return (double)(gen_mix64(*s) >> 11) / 9007199254740992.0;
}

/* The expected score of unit i (of n) in year y. */
static double
target(const struct poll_unit *u, size_t i, size_t n, int y, uint64_t seed)
{
	static const double yz[] = { 74.0, 78.0, 79.0, 89.0, 89.6, 90.4 };
	uint64_t s = gen_mix64(seed ^ (uint64_t)y * 1000003u ^ i * 7919u);

	if (strcmp(u->code, "431100") == 0 && y >= 2008 && y <= 2013)
		return yz[y - 2008];
	/* The others spread over 79-91 in a fixed order (not the file's),
	 * each moving by up to a point a year, so that ranks change among
	 * neighbours. */
	return 79.0 + 12.0 * (double)((i * 5) % n) / (double)n +
	       2.0 * (unif(&s) - 0.5);
}

/* Draw one answer of the satisfaction scale for expected score t:
 * 5% 不了解, then 满意 s, 基本满意 1-u-s, 不满意 u with
 * 100s + 80(1-u-s) = t. */
static const char *
draw_satisfaction(double t, uint64_t *s)
{
	double sat = 0.30 + (t - 75.0) * 0.02, uns, x;

	if (sat < 0.05)
		sat = 0.05;
	uns = (80.0 + 20.0 * sat - t) / 80.0;
	if (uns < 0)
		uns = 0;
	if (unif(s) < 0.05)
		return "不了解";
	x = unif(s);
	return x < sat ? "满意" : x < sat + uns ? "不满意" : "基本满意";
}

static const char *
draw_safety(double t, uint64_t *s)
{
	static const char *const a[] = {
		"很安全", "安全", "一般", "不太安全", "很不安全"
	};
	double q = (t - 70.0) / 25.0, p[5], x, acc = 0;
	int i;

	if (unif(s) < 0.03)
		return "不了解";
	p[0] = 0.20 + 0.35 * q;
	p[1] = 0.45;
	p[2] = 0.25 - 0.20 * q;
	p[3] = 0.07 - 0.05 * q;
	p[4] = 1 - p[0] - p[1] - p[2] - p[3];
	x = unif(s);
	for (i = 0; i < 4; i++)
		if (x < (acc += p[i]))
			return a[i];
	return a[4];
}

static int
gen_answers(uint64_t seed, unsigned per_round, int from, int to)
{
	struct poll *p = poll_load(NULL);
	static char iobuf[1 << 16];
	size_t i;
	unsigned k;
	int y, r;

	setvbuf(stdout, iobuf, _IOFBF, sizeof iobuf);
	fputs("respondent\tyear\tround\tunit\tphone\tquestion\tanswer\n",
	      stdout);
	for (y = from; y <= to; y++)
		for (r = 1; r <= 2; r++)
			for (i = 0; i < p->nunits; i++) {
				const struct poll_unit *u = &p->units[i];
				double t = target(u, i, p->nunits, y, seed);

				for (k = 1; k <= per_round; k++) {
					uint64_t s = gen_mix64(seed ^ gen_mix64((uint64_t)y
						* 131 + (uint64_t)r * 17 + i *
						0x9e3779b97f4a7c15ULL +
						(uint64_t)k * 0xd1b54a32d192ed03ULL));
					const char *ph = unif(&s) < 0.8 ?
							 "mobile" : "landline";

					printf("%d%d-%s-%05u\t%d\t%d\t%s\t%s\t"
					       "satisfaction\t%s\n", y, r,
					       u->code, k, y, r, u->name, ph,
					       draw_satisfaction(t, &s));
					printf("%d%d-%s-%05u\t%d\t%d\t%s\t%s\t"
					       "safety\t%s\n", y, r, u->code,
					       k, y, r, u->name, ph,
					       draw_safety(t, &s));
				}
			}
	poll_free(p);
	return 0;
}

static const char answers_usage[] =
	"Usage: jw-gen answers [-s SEED] [-n PER_ROUND] [--from YEAR] "
	"[--to YEAR]\n";

static void __attribute__((noreturn))
bad(const char *what, const char *arg)
{
	fprintf(stderr, "jw-gen: %s: '%s'\n%sTry 'jw-gen answers --help'.\n",
		what, arg, answers_usage);
	exit(JW_EXIT_USAGE);
}

static long long
number(const char *opt, const char *s, long long min, long long max)
{
	long long v;

	if (num_ll(s, strlen(s), &v) < 0 || v < min || v > max) {
		fprintf(stderr, "jw-gen: option '%s': not a number from %lld "
			"to %lld: '%s'\nTry 'jw-gen answers --help'.\n", opt,
			min, max, s);
		exit(JW_EXIT_USAGE);
	}
	return v;
}

int
gen_answers_main(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long long seed = 1, n = 500, from = 2008, to = 2013;
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":s:n:h", lo, NULL)) != -1)
		switch (ch) {
		case 's': seed = number("-s", optarg, 0, INT64_MAX); break;
		case 'n': n = number("-n", optarg, 1, 10000000); break;
		case 'f': from = number("--from", optarg, 1949, 2999); break;
		case 't': to = number("--to", optarg, 1949, 2999); break;
		case 'h':
			fputs(answers_usage, stdout);
			fputs("Poll answers for poll-rank: the units of its "
			      "built-in definition (Hunan's\n"
			      "14 prefecture-level units), two rounds a year, "
			      "PER_ROUND respondents\n"
			      "(default 500) per unit and round, each answering "
			      "'satisfaction' and\n"
			      "'safety'.  Yongzhou (永州市) is last in 2008, in "
			      "the bottom three in\n"
			      "2009-2010 and in the top five in 2011-2013.\n",
			      stdout);
			return fflush(stdout) == 0 ? 0 : JW_EXIT_IO;
		case ':': bad("option needs a value", argv[optind - 1]);
		default: bad("unknown option", argv[optind - 1]);
		}
	if (optind < argc)
		bad("unexpected operand", argv[optind]);
	if (from > to) {
		fprintf(stderr, "jw-gen: --from %lld is after --to %lld\n%s"
			"Try 'jw-gen answers --help'.\n", from, to,
			answers_usage);
		return JW_EXIT_USAGE;
	}
	gen_answers((uint64_t)seed, (unsigned)n, (int)from, (int)to);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("jw-gen: <stdout>");
		return JW_EXIT_IO;
	}
	return 0;
}
