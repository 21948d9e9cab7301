/* Unit tests for lib/domain/poll.c, pollstat.c, polltab.c and
 * polltally.c. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/svg.h"
#include "domain/poll.h"
#include "domain/poll_in.h"
#include "rec/rec.h"

Test(poll, default_is_testdata_hunan)
{
	FILE *f = fopen("testdata/poll/hunan.yaml", "rb");
	static char text[1 << 16];
	size_t n;

	cr_assert_not_null(f);
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	cr_assert_str_eq(poll_default_yaml, text,
			 "lib/domain/poll_default.c is not hunan.yaml");
}

Test(poll, default_loads)
{
	struct poll *p = poll_load(NULL);
	const struct poll_unit *u = poll_unit(p, "永州市", strlen("永州市"));

	cr_assert_eq(p->nunits, 14);
	cr_assert_not_null(u);
	cr_assert_str_eq(u->code, "431100");
	cr_assert_eq(u->level, 1);
	cr_assert_eq(p->ties, POLL_TIES_1224);
	cr_assert_eq(p->ntiers, 2);
	cr_assert_str_eq(p->overall->id, "satisfaction");
	cr_assert_eq(poll_answer(p->overall->scale, "不了解", 9), 3);
	cr_assert_eq(poll_answer(p->overall->scale, "满", 3), -1);
	poll_free(p);
}

/* DOMAIN: n = 200, p = 0.95 gives [0.910, 0.973]. */
Test(poll, wilson_domain_example)
{
	double lo, hi;

	poll_wilson(190, 200, POLL_Z, &lo, &hi);
	cr_assert(fabs(lo - 0.910) < 0.0005, "lo %f", lo);
	cr_assert(fabs(hi - 0.973) < 0.0005, "hi %f", hi);
	poll_wilson(0, 10, POLL_Z, &lo, &hi);
	cr_assert(lo == 0 && hi > 0.27 && hi < 0.28, "%f %f", lo, hi);
	poll_wilson(10, 10, POLL_Z, &lo, &hi);
	cr_assert(hi == 1 && lo > 0.72 && lo < 0.73, "%f %f", lo, hi);
}

Test(poll, stats_of_counts)
{
	struct poll *p = poll_load(NULL);
	/* 满意 3, 基本满意 1, 不满意 1, 不了解 5. */
	unsigned long long cnt[4] = { 3, 1, 1, 5 };
	struct poll_stats st;
	double mean = (300.0 + 80.0) / 5, sd, lo, hi;

	poll_stats(p, p->overall->scale, cnt, &st);
	cr_assert_eq(st.n, 5);
	cr_assert_eq(st.excluded, 5);
	cr_assert_eq(st.satisfied, 4);
	cr_assert_eq(st.rate, 8000);
	cr_assert_eq(st.score, 7600);
	cr_assert(st.small);
	sd = sqrt((3 * pow(100 - mean, 2) + pow(80 - mean, 2) +
		   pow(0 - mean, 2)) / 4);
	lo = mean - 1.96 * sd / sqrt(5);
	hi = mean + 1.96 * sd / sqrt(5);
	cr_assert_eq(st.score_low, lo < 0 ? 0 : llround(lo * 100));
	cr_assert_eq(st.score_high, hi > 100 ? 10000 : llround(hi * 100));
	poll_free(p);
}

Test(poll, stats_one_answer_has_no_interval)
{
	struct poll *p = poll_load(NULL);
	unsigned long long cnt[4] = { 0, 1, 0, 0 };
	struct poll_stats st;

	poll_stats(p, p->overall->scale, cnt, &st);
	cr_assert_eq(st.n, 1);
	cr_assert_eq(st.score, 8000);
	cr_assert_eq(st.has_score_ci, 0);
	cr_assert_eq(st.has_rate, 1);
	poll_free(p);
}

static void
rank_of(const long long *v, size_t n, int dec, int prec, enum poll_ties t,
	long *want)
{
	struct poll_ranked r[16];
	size_t i;

	memset(r, 0, sizeof r);
	for (i = 0; i < n; i++) {
		r[i].value = v[i];
		r[i].tag = i;
	}
	poll_rank(r, n, dec, prec, t);
	for (i = 0; i < n; i++)
		cr_assert_eq(r[i].rank, want[r[i].tag], "unit %zu: rank %ld, "
			     "want %ld", r[i].tag, r[i].rank, want[r[i].tag]);
}

Test(poll, ties_three_ways)
{
	long long v[] = { 9000, 8500, 8500, 8000 };
	long c[] = { 1, 2, 2, 4 }, d[] = { 1, 2, 2, 3 }, m[] = { 1, 3, 3, 4 };

	rank_of(v, 4, 2, 2, POLL_TIES_1224, c);
	rank_of(v, 4, 2, 2, POLL_TIES_1223, d);
	rank_of(v, 4, 2, 2, POLL_TIES_1334, m);
}

/* 87.46 and 87.54 are one 87.5 at one decimal. */
Test(poll, ties_on_published_precision)
{
	long long v[] = { 8746, 8754, 8744 };
	long at2[] = { 2, 1, 3 }, at1[] = { 1, 1, 3 };

	rank_of(v, 3, 2, 2, POLL_TIES_1224, at2);
	rank_of(v, 3, 2, 1, POLL_TIES_1224, at1);
}

Test(poll, small_units_are_not_ranked)
{
	struct poll_ranked r[3];

	memset(r, 0, sizeof r);
	r[0].value = 9000;
	r[0].small = 1;
	r[1].value = 8000;
	r[2].value = 7000;
	r[0].tag = 0;
	r[1].tag = 1;
	r[2].tag = 2;
	cr_assert_eq(poll_rank(r, 3, 2, 2, POLL_TIES_1224), 2);
	cr_assert_eq(r[0].tag, 1);
	cr_assert_eq(r[0].rank, 1);
	cr_assert_eq(r[2].tag, 0);
	cr_assert_eq(r[2].rank, 0);
}

Test(poll, overlapping_intervals)
{
	struct poll_ranked r[3];

	memset(r, 0, sizeof r);
	r[0] = (struct poll_ranked){ .value = 9000, .low = 8800, .high = 9200,
				     .has_ci = 1, .tag = 0 };
	r[1] = (struct poll_ranked){ .value = 8700, .low = 8500, .high = 8900,
				     .has_ci = 1, .tag = 1 };
	r[2] = (struct poll_ranked){ .value = 8000, .low = 7800, .high = 8200,
				     .has_ci = 1, .tag = 2 };
	poll_rank(r, 3, 2, 2, POLL_TIES_1224);
	cr_assert(!r[0].above && r[0].below);
	cr_assert(r[1].above && !r[1].below);
	cr_assert(!r[2].above && !r[2].below);
}

Test(poll, tiers_with_ties)
{
	struct poll *p = poll_load(NULL);

	cr_assert_str_eq(poll_tier_of(p, 5, 6, 14)->name, "第一方阵");
	cr_assert_null(poll_tier_of(p, 6, 6, 14));
	cr_assert_str_eq(poll_tier_of(p, 11, 12, 14)->name, "后三位");
	cr_assert_null(poll_tier_of(p, 11, 11, 14));
	poll_free(p);
}

/* The reasons poll_check_year() gives, one per row ("" for none). */
static void
check(const long *rank, const int *has, const long long *sc, size_t n,
      const char *const *want)
{
	struct poll *p = poll_load(NULL);
	unsigned long long line[16];
	int bad[16] = { 0 };
	char *why[16];
	size_t i;

	for (i = 0; i < n; i++)
		line[i] = i + 2;
	poll_check_year(p, rank, has, sc, 2, line, n, 14, bad, why);
	for (i = 0; i < n; i++) {
		cr_assert_str_eq(why[i] ? why[i] : "", want[i], "row %zu", i);
		free(why[i]);
	}
	poll_free(p);
}

Test(poll, check_good_table)
{
	long r[] = { 1, 2, 2, 4 };
	int h[] = { 1, 1, 1, 1 };
	long long s[] = { 9000, 8800, 8800, 8700 };
	const char *const w[] = { "", "", "", "" };

	check(r, h, s, 4, w);
}

Test(poll, check_skip_without_tie)
{
	long r[] = { 1, 2, 4 };
	int h[] = { 0, 0, 0 };
	long long s[] = { 0, 0, 0 };
	const char *const w[] = { "", "", "rank 4 skips a rank with no tie "
				  "before it: ties 1224 give 3" };

	check(r, h, s, 3, w);
}

Test(poll, check_no_skip_after_tie)
{
	long r[] = { 1, 2, 2, 3 };
	int h[] = { 0, 0, 0, 0 };
	long long s[] = { 0, 0, 0, 0 };
	const char *const w[] = { "", "", "", "rank 3 does not skip after the "
				  "tie of 2 units at rank 2: ties 1224 give 4" };

	check(r, h, s, 4, w);
}

Test(poll, check_scores)
{
	long r[] = { 1, 2, 2, 4, 5, 15 };
	int h[] = { 1, 1, 1, 1, 1, 1 };
	long long s[] = { 9000, 8800, 8790, 8000, 8100, 7000 };
	const char *const w[] = {
		"", "", "shares rank 2 with line 3 but has score 87.90, not "
		"88.00", "", "rank 5 has score 81.00, above rank 4's 80.00",
		"rank 15 is outside 1..14 (14 units)"
	};

	check(r, h, s, 6, w);
}

Test(svg, escapes_text)
{
	struct buf b = BUF_INIT;

	svg_esc(&b, "a&b<c>\"d'\x01" "永", 13);
	cr_assert_str_eq(b.p, "a&amp;b&lt;c&gt;&quot;d&apos;永");
	buf_release(&b);
}

/* poll_same() against memcmp() for every length to 40 and a difference
 * at every place (its word compares overlap from 4 to 16 bytes). */
Test(poll, same_is_memcmp)
{
	char a[48], b[48];
	size_t n, i;

	for (i = 0; i < sizeof a; i++)
		a[i] = (char)('a' + i % 26);
	for (n = 0; n <= 40; n++) {
		memcpy(b, a, sizeof b);
		cr_assert(poll_same(a, b, n), "length %zu", n);
		for (i = 0; i < n; i++) {
			b[i] ^= 0x40;
			cr_assert(!poll_same(a, b, n), "length %zu at %zu", n,
				  i);
			b[i] ^= 0x40;
		}
		b[n] ^= 0x40;	/* past the end: not looked at */
		cr_assert(poll_same(a, b, n), "length %zu", n);
	}
}

/* The tally's words of a text (poll_words, poll_in.h) against memcmp()
 * for every length to 40 and a difference at every place, and the last
 * byte always b's top byte. */
Test(poll, words_are_memcmp)
{
	char a[48], b[48];
	struct poll_words w;
	uint64_t x, y;
	size_t n, i;

	for (i = 0; i < sizeof a; i++)
		a[i] = (char)(0x80 + i * 7 % 64);
	for (n = 0; n <= 40; n++) {
		memcpy(b, a, sizeof b);
		poll_words_set(&w, a, n);
		cr_assert(poll_words_is(&w, b, n), "length %zu", n);
		poll_words_of(b, n, &x, &y);
		cr_assert(poll_words_eq(&w, b, n, x, y), "length %zu", n);
		cr_assert_eq(y >> 56, n ? (unsigned char)b[n - 1] : 0u,
			     "length %zu", n);
		if (n > 0)
			cr_assert(!poll_words_is(&w, b, n - 1), "length %zu", n);
		cr_assert(!poll_words_is(&w, b, n + 1), "length %zu", n);
		for (i = 0; i < n; i++) {
			b[i] ^= 0x21;
			cr_assert(!poll_words_is(&w, b, n), "length %zu at %zu",
				  n, i);
			poll_words_of(b, n, &x, &y);
			cr_assert(!poll_words_eq(&w, b, n, x, y),
				  "length %zu at %zu", n, i);
			b[i] ^= 0x21;
		}
		b[n] ^= 0x40;	/* past the end: not looked at */
		cr_assert(poll_words_is(&w, b, n), "length %zu", n);
	}
	w.len = POLL_WORDS_NONE;
	cr_assert(!poll_words_is(&w, a, 0));
	cr_assert(!poll_words_is(&w, a, 8));
}

/* The table of a tally of file, with the fast lane or without it
 * (uncached); the records rejected and filtered in *rj and *fl. */
static void
tally_file(const struct poll *p, const char *file, const char *by_name,
	   int level, int uncached, struct poll_table *tb,
	   unsigned long long *rj, unsigned long long *fl)
{
	const char *files[2] = { file, NULL };
	struct rec_reader_opts o;
	struct rec_reader *in;
	struct poll_tally *t;
	size_t by[1], nb = 0;

	memset(&o, 0, sizeof o);
	o.fmt = REC_TSV;
	o.rejects_quiet = 1;
	in = rec_reader_open(files, &o);
	if (by_name != NULL)
		by[nb++] = rec_reader_need(in, by_name);
	poll_table_init(tb, nb);
	t = poll_tally_new(p, in, by, nb, level, 0);
	if (uncached)
		poll_tally_uncached(t);
	poll_tally_read(t, in);
	poll_tally_table(t, tb);
	poll_tally_free(t);
	*rj = rec_reader_count_rejected(in);
	*fl = rec_reader_count_filtered(in);
	rec_reader_close(in);
}

static void
same_tallies(const struct poll *p, const char *file, const char *by_name,
	     int level)
{
	struct poll_table a, b;
	unsigned long long rja, fla, rjb, flb;
	size_t i;

	tally_file(p, file, by_name, level, 0, &a, &rja, &fla);
	tally_file(p, file, by_name, level, 1, &b, &rjb, &flb);
	cr_assert_gt(a.n, 0);
	cr_assert_eq(a.n, b.n);
	cr_assert_eq(rja, rjb);
	cr_assert_eq(fla, flb);
	for (i = 0; i < a.n; i++) {
		cr_assert_eq(a.rows[i].year, b.rows[i].year);
		cr_assert_eq(a.rows[i].u, b.rows[i].u);
		cr_assert_eq(memcmp(&a.rows[i].st, &b.rows[i].st,
				    sizeof a.rows[i].st), 0, "row %zu", i);
		if (by_name != NULL)
			cr_assert(rec_str_eq(a.rows[i].b[0], b.rows[i].b[0]));
	}
	poll_table_release(&a);
	poll_table_release(&b);
}

/* The fast lane (runs, the caches of questions and answers) gives the
 * table the long way gives, on the generated answers (long runs) and on
 * a file of runs broken by bad records. */
Test(poll, tally_fast_lane_is_the_long_way)
{
	static const char bad[] =
		"year\tunit\tquestion\tanswer\n"
		"2011\t长沙市\tsatisfaction\t满意\n"
		"2011\t长沙市\tsatisfaction\t基本满意\n"
		"2011\t长沙市\tsafety\t很安全\n"
		"2011\t长沙市\tsatisfaction\t满意\n"
		"201x\t长沙市\tsatisfaction\t满意\n"
		"2011\t长沙市\tsatisfaction\t满意\n"
		"2011\t长沙\tsatisfaction\t满意\n"
		"2011\t长沙市\tsatisfaction\t满意\n"
		"2011\t长沙市\tsatisfaction\t很满意\n"
		"2011\t长沙市\tsafety\t满意\n"
		"2011\t长沙市\tsatisfaction\t不满意\n"
		"2012\t长沙市\tsatisfaction\t不满意\n"
		"2011\t长沙市\tsatisfaction\t不了解\n"
		"2011\t长沙市\tsafety\t很安全\n";
	char path[] = "/tmp/poll_test_XXXXXX";
	struct poll *p = poll_load(NULL);
	struct poll_table tb;
	unsigned long long rj, fl;
	size_t i;
	FILE *f;
	int fd;

	same_tallies(p, "testdata/poll/answers.tsv.gz", NULL, 0);
	same_tallies(p, "testdata/poll/answers.tsv.gz", "question", 0);
	same_tallies(p, "testdata/poll/answers.tsv.gz", "round", 0);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fputs(bad, f);
	fclose(f);
	same_tallies(p, path, NULL, 0);
	same_tallies(p, path, "question", 0);
	tally_file(p, path, NULL, 0, 0, &tb, &rj, &fl);
	cr_assert_eq(rj, 3);	/* 201x, 长沙, 很满意 */
	/* safety, another item: filtered before its answer is looked at */
	cr_assert_eq(fl, 3);
	cr_assert_eq(tb.n, 2);
	/* 2011: 满意 x4, 基本满意, 不满意 and 不了解 (out of the base) */
	i = tb.rows[0].year == 2011 ? 0 : 1;
	cr_assert_eq(tb.rows[i].year, 2011);
	cr_assert_eq(tb.rows[i].st.n, 6);
	cr_assert_eq(tb.rows[i].st.satisfied, 5);
	cr_assert_eq(tb.rows[i].st.excluded, 1);
	cr_assert_eq(tb.rows[i].st.score, 8000);
	cr_assert_eq(tb.rows[1 - i].st.n, 1);
	poll_table_release(&tb);
	unlink(path);
	poll_free(p);
}

/* The fast lane's words on texts of every length class (1 to 3 bytes, 4
 * to 7, 8 to 16, past 16) in units, questions and answers, and records
 * that differ from a cached text in one character, first, middle or
 * last: the same table, rejects and filters as the long way, and each
 * bad record rejected. */
Test(poll, tally_fast_lane_texts_of_every_length)
{
	static const char def[] =
		"scales:\n"
		"  s:\n"
		"    - {answer: a, weight: 100, satisfied: yes}\n"
		"    - {answer: ab, weight: 90, satisfied: yes}\n"
		"    - {answer: abc, weight: 80}\n"
		"    - {answer: abcd, weight: 70}\n"
		"    - {answer: 很满意, weight: 60}\n"
		"    - {answer: 非常非常非常满意, weight: 50}\n"
		"    - {answer: 不了解, base: no}\n"
		"items:\n"
		"  - {id: overall_satisfaction, scale: s}\n"
		"  - {id: q, scale: s}\n"
		"  - {id: safety, scale: s}\n"
		"overall: overall_satisfaction\n"
		"min_n: 1\n"
		"units:\n"
		"  - {name: 甲, code: \"430100\"}\n"
		"  - {name: 甲乙, code: \"430200\"}\n"
		"  - {name: 长沙市, code: \"430300\"}\n"
		"  - {name: 湘西土家族苗族自治州, code: \"433100\"}\n";
	static const char *const units[] = {
		"甲", "甲乙", "长沙市", "湘西土家族苗族自治州"
	};
	/* q: the question's suffix after "overall_satisfaction" or the
	 * other item; '-' filtered, '!' rejected. */
	static const char *const good[] = {
		"a", "ab", "abc", "-q\tabc", "abcd", "很满意",
		"非常非常非常满意", "-safety\t很满意", "不了解",
		"非常非常非常满意", "a"
	};
	static const char *const bad[] = {
		"b", "ac", "abd", "aXc", "abce", "很满足", "非常非常不常满意",
		"常常非常非常满意", "非常非常非常满足", "!overall_satisfactioN\ta",
		"!overall_sXtisfaction\ta", "!r\ta", "!sefety\ta",
		"@乙", "@甲丙", "@湘西土家苗族族自治州", "@湘西土家族苗族自治洲",
		"#2O11"
	};
	char path[] = "/tmp/poll_test_XXXXXX";
	struct poll *p;
	struct poll_table tb;
	unsigned long long rj, fl, n = 0;
	size_t nerr, i, u, k, ngood = 0, nfilt = 0, nbad = 0;
	FILE *f;
	int fd;

	p = poll_load_mem("words.yaml", def, sizeof def - 1, &nerr);
	cr_assert_not_null(p, "%zu mistakes", nerr);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fputs("year\tunit\tquestion\tanswer\n", f);
	for (k = 0; k < 3; k++)
		for (u = 0; u < 4; u++) {
			for (i = 0; i < sizeof good / sizeof *good; i++) {
				if (good[i][0] == '-') {
					fprintf(f, "2011\t%s\t%s\n", units[u],
						good[i] + 1);
					nfilt++;
				} else {
					fprintf(f, "2011\t%s\toverall_"
						"satisfaction\t%s\n", units[u],
						good[i]);
					ngood++;
				}
			}
			/* each bad record after a good one (a warm run) */
			for (i = 0; i < sizeof bad / sizeof *bad; i++) {
				const char *b = bad[i];

				if (b[0] == '!')
					fprintf(f, "2011\t%s\t%s\n", units[u],
						b + 1);
				else if (b[0] == '@')
					fprintf(f, "2011\t%s\toverall_"
						"satisfaction\ta\n", b + 1);
				else if (b[0] == '#')
					fprintf(f, "%s\t%s\toverall_"
						"satisfaction\ta\n", b + 1,
						units[u]);
				else
					fprintf(f, "2011\t%s\toverall_"
						"satisfaction\t%s\n", units[u],
						b);
				fprintf(f, "2011\t%s\toverall_satisfaction\t"
					"%s\n", units[u], good[i % 3]);
				nbad++;
				ngood++;
			}
		}
	fclose(f);
	same_tallies(p, path, NULL, 0);
	same_tallies(p, path, "question", 0);
	tally_file(p, path, NULL, 0, 0, &tb, &rj, &fl);
	cr_assert_eq(rj, nbad);
	cr_assert_eq(fl, nfilt);
	cr_assert_eq(tb.n, 4);
	for (i = 0; i < tb.n; i++)
		n += tb.rows[i].st.n + tb.rows[i].st.excluded;
	cr_assert_eq(n, ngood);
	poll_table_release(&tb);
	unlink(path);
	poll_free(p);
}
