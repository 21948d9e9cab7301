/*
 * jw-gen: deterministic synthetic data for jingwu.  A fictional city in the
 * shape of Yongzhou (永州市): its 11 districts and counties with their real
 * names and codes, communities with 5-8 grids each, grid points (road
 * sections and groups of buildings) with one PCRE2 pattern each, and
 * resident records whose addresses fall on those points.
 *
 * Everything follows from the seed: the city from (seed, -c, -p), each
 * person from (seed, person number), each day's changes from (seed, person
 * number, day).  No rand(), no clock, no locale, so the same arguments give
 * the same bytes on every machine.
 *
 *   jw-gen grid [-s SEED] [-c N] [-p N]              grid YAML on stdout
 *   jw-gen residents [-s SEED] [-c N] [-p N] -n N [-d DAY] [--bad PERMILLE]
 *                                                    resident TSV on stdout
 *   jw-gen cases -r RESIDENTS.tsv [-s SEED] [-n N]   case event logs (see
 *                                                    jw-gen-cases.c)
 *
 * Names are built from two-character stems drawn without repetition from
 * one pool (roads, compounds, streets, communities all differ), and the
 * characters the address grammar uses (路 街 道 巷 号 栋 ...) are kept out
 * of the pool.  A road pattern is "county.*stem+suffix(number range)号",
 * so no address can match a point other than its own: the road name must
 * stand right before the number and 号 right after it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/diag.h"
#include "domain/idno.h"
#include "base/util.h"
#include "jw-gen.h"

#define GEN_MAX_COMMUNITIES 1000
#define GEN_MAX_POINTS 16
#define GEN_DAY1 "2026-11-28"

/* ---- random numbers (gen_mix64, gen_next, gen_below: jw-gen.h) ---- */

/* The stream of person i on day k (k = 0: the person's fixed traits). */
static uint64_t
gen_stream(uint64_t seed, uint64_t i, uint64_t k)
{
	return gen_mix64(seed ^ gen_mix64(i * 0x9e3779b97f4a7c15ULL +
					  k * 0xd1b54a32d192ed03ULL + 1));
}

/* A day number (date.h) for a date known to be real. */
static int32_t
gen_days(int y, int m, int d)
{
	int32_t day = DATE_NONE;

	date_from_ymd(y, m, d, &day);
	return day;
}

/* ---- name pools ---- */

/* Characters for place-name stems.  Kept out: 路 街 道 巷 大 号 栋 单 元
 * 室 附 镇 县 区 市 省 村 苑 园 社 网 格 and digits, the characters the
 * address grammar and the suffixes use.  Duplicates are dropped at start. */
static const char stem_chars[] =
	"濂溪潇湘永宁安平和兴盛华荣富贵明清泉水山石林竹松梅桃李杏柳莲荷香"
	"云霞月星阳光春秋夏冬东南西北中上前后新古金银玉珠宝龙凤鹤鹿青翠绿"
	"红白黄紫丹岭峰岩江河湖港湾洲滨塘桥田禾丰泰康乐福寿祥瑞文武德仁义"
	"礼智信忠孝廉诚振昌隆顺达通远长高广舜九嶷零祁潭浯芝兰菊蓉桂樟枫杉"
	"柏茶稻麦锦绣育才书沙洋朝晖";

static const char surname_chars[] =
	"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
	"肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏"
	"韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
	"孔向汤";

static const char given_chars[] =
	"伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉"
	"力斌波宇浩凯鹏飞俊峰林雪梅琳晶晨欣怡佳雨婷倩颖志勋海燕慧莉琴红梦"
	"子涵轩博然诗语思源泽瑶嘉鑫晓东春秋德成永胜利民";

/* Mobile prefixes in use (130-199 minus the unassigned ones). */
static const short phone_prefixes[] = {
	130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153,
	155, 156, 157, 158, 159, 166, 173, 175, 176, 177, 178, 180, 181, 182,
	183, 184, 185, 186, 187, 188, 189, 191, 193, 195, 198, 199
};

static const char *const work_cities[] = {
	"广州市", "深圳市", "东莞市", "长沙市", "佛山市", "中山市", "惠州市",
	"上海市", "杭州市", "厦门市", "桂林市", "衡阳市", "郴州市", "温州市"
};

static const char *const road_suffixes[] = { "路", "街", "大道", "巷" };
static const char *const compound_suffixes[] = {
	"苑", "小区", "花园", "家园", "新村"
};
static const char *const cn_numerals[] = {
	"一", "二", "三", "四", "五", "六", "七", "八"
};

/* ---- the city ---- */

static const struct county {
	const char *name;
	const char *code;
	const char *old_code;	/* code before a renaming, still on IDs */
	int weight;		/* rough population, for spreading communities */
	int is_county;		/* 县: streets beyond the first are 镇 */
} counties[] = {
	{ "零陵区", "431102", NULL, 60, 0 },
	{ "冷水滩区", "431103", NULL, 55, 0 },
	{ "东安县", "431122", NULL, 55, 1 },
	{ "双牌县", "431123", NULL, 17, 1 },
	{ "道县", "431124", NULL, 65, 1 },
	{ "江永县", "431125", NULL, 25, 1 },
	{ "宁远县", "431126", NULL, 80, 1 },
	{ "蓝山县", "431127", NULL, 40, 1 },
	{ "新田县", "431128", NULL, 37, 1 },
	{ "江华瑶族自治县", "431129", NULL, 45, 1 },
	{ "祁阳市", "431181", "431121", 90, 0 },
};
#define NCOUNTY ((int)JW_ARRAY_LEN(counties))

struct point {
	char *name;		/* 濂溪路1-49号, 翠竹苑1-4栋 */
	char *pattern;
	char *tail;		/* street + road [+ number号 + compound] */
	size_t tail_len;
	int is_bldg;		/* buildings lo..hi of a compound */
	int lo, hi;		/* house numbers or building numbers */
	int county;
	int comm;
};

struct grid {
	char *name;
	int comm;
	int first, n;		/* points */
};

struct community {
	char *name;
	char *street;
	char *road0;		/* its first road, for unmatched addresses */
	int county;
	char *officer, *security;
	char *aux[3];
	int naux;
	int patrol;
	char *coord[4];
	int ncoord;
	int first, n;		/* grids */
};

struct city {
	struct community *comm;
	int ncomm;
	struct grid *grid;
	int ngrid;
	struct point *pt;
	int npt, cappt;
	int cfirst[NCOUNTY], cnpt[NCOUNTY];	/* each county's points */
	uint64_t rng;
	/* unused two-character stems, shuffled */
	char (*stem)[7];
	int nstem, nextstem;
	/* CJK characters of the name pools (3 bytes each in UTF-8) */
	char (*given)[4];
	int ngiven;
	char (*surname)[4];
	int nsurname;
};

/* Split a string of 3-byte UTF-8 characters into an array, dropping
 * repeats.  Returns the count; *out is the caller's to free. */
static int
gen_chars_split(const char *s, char (**out)[4])
{
	size_t len = strlen(s), i;
	int n = 0, j;
	char (*a)[4] = xmalloc((len / 3 + 1) * sizeof *a);

	for (i = 0; i + 3 <= len; i += 3) {
		for (j = 0; j < n; j++)
			if (memcmp(a[j], s + i, 3) == 0)
				break;
		if (j < n)
			continue;
		memcpy(a[n], s + i, 3);
		a[n++][3] = '\0';
	}
	*out = a;
	return n;
}

static char *
gen_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
gen_strf(const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		diag_die(JW_EXIT_INTERNAL, "name too long");
	return xstrdup(tmp);
}

/* The next unused stem: two different characters from the pool. */
static const char *
city_stem(struct city *c)
{
	if (c->nextstem >= c->nstem)
		diag_die(JW_EXIT_USAGE, "too many names needed: use fewer "
			 "communities (-c) or points (-p)");
	return c->stem[c->nextstem++];
}

/* A person's name: a surname (common ones more often) and one or two
 * given-name characters, into out (at least 10 bytes). */
static void
gen_name(const struct city *c, uint64_t *s, char *out)
{
	uint32_t k = gen_below(s, (uint32_t)c->nsurname);

	k = gen_below(s, k + 1);
	memcpy(out, c->surname[k], 3);
	memcpy(out + 3, c->given[gen_below(s, (uint32_t)c->ngiven)], 3);
	if (gen_below(s, 10) < 7) {
		memcpy(out + 6, c->given[gen_below(s, (uint32_t)c->ngiven)], 3);
		out[9] = '\0';
	} else {
		out[6] = '\0';
	}
}

static char *
city_person(struct city *c)
{
	char name[10];

	gen_name(c, &c->rng, name);
	return xstrdup(name);
}

/*
 * Append to out a regular expression matching exactly the decimal numbers
 * lo..hi (no leading zeros), in parentheses.  The range is cut where digits
 * roll over (the method of to-regex-range): 5-123 becomes [5-9], [1-9][0-9],
 * 1[0-1][0-9], 12[0-3].
 */
static void
gen_range_regex(char *out, size_t size, int lo, int hi)
{
	int stops[32], nstop = 0, i, j, k, start, p10;
	size_t len = strlen(out);
	char a[12], b[12];

	stops[nstop++] = hi;
	for (k = 1, p10 = 10; ; k++, p10 *= 10) {
		int st = lo / p10 * p10 + p10 - 1;

		if (!(lo <= st && st < hi))
			break;
		stops[nstop++] = st;
	}
	for (k = 1, p10 = 10; ; k++, p10 *= 10) {
		int st = (hi + 1) / p10 * p10 - 1;

		if (!(lo < st && st <= hi))
			break;
		stops[nstop++] = st;
	}
	for (i = 1; i < nstop; i++)	/* insertion sort, a handful */
		for (j = i; j > 0 && stops[j - 1] > stops[j]; j--) {
			k = stops[j];
			stops[j] = stops[j - 1];
			stops[j - 1] = k;
		}
	len += (size_t)snprintf(out + len, size - len, "(");
	start = lo;
	for (i = 0; i < nstop; i++) {
		if (i > 0 && stops[i] == stops[i - 1])
			continue;
		snprintf(a, sizeof a, "%d", start);
		snprintf(b, sizeof b, "%d", stops[i]);
		if (start != lo)
			len += (size_t)snprintf(out + len, size - len, "|");
		for (j = 0; a[j] != '\0'; j++)
			if (a[j] == b[j])
				len += (size_t)snprintf(out + len, size - len,
							"%c", a[j]);
			else
				len += (size_t)snprintf(out + len, size - len,
							"[%c-%c]", a[j], b[j]);
		start = stops[i] + 1;
	}
	snprintf(out + len, size - len, ")");
}

static struct point *
city_point_new(struct city *c)
{
	if (c->npt == c->cappt) {
		c->cappt = c->cappt ? 2 * c->cappt : 1024;
		c->pt = xreallocarray(c->pt, (size_t)c->cappt, sizeof *c->pt);
	}
	memset(&c->pt[c->npt], 0, sizeof *c->pt);
	return &c->pt[c->npt++];
}

/* Where a community is in laying out its points. */
struct layout {
	char road[16];		/* current road name */
	int sections_left, next_no;
	char compound[16];	/* current compound name */
	char compound_road[16];
	int compound_no, groups_left, next_bldg;
};

/* Start a new road of 4-8 sections in community cm. */
static void
layout_new_road(struct city *c, struct community *cm, struct layout *lo)
{
	snprintf(lo->road, sizeof lo->road, "%s%s", city_stem(c),
		 road_suffixes[gen_below(&c->rng, JW_ARRAY_LEN(road_suffixes))]);
	lo->sections_left = 4 + (int)gen_below(&c->rng, 5);
	lo->next_no = 1;
	if (cm->road0 == NULL)
		cm->road0 = xstrdup(lo->road);
}

static void
city_add_point(struct city *c, struct community *cm, int ci,
	       struct layout *lo)
{
	const char *county = counties[cm->county].name;
	struct point *p = city_point_new(c);
	char rx[512];
	int n;

	p->county = cm->county;
	p->comm = ci;
	if (lo->road[0] == '\0')
		layout_new_road(c, cm, lo);
	if (lo->groups_left == 0 && gen_below(&c->rng, 4) == 0) {
		/* A new compound on the current road, numbered 500-899: the
		 * road sections stay below 500, so no section pattern can
		 * match a compound address. */
		snprintf(lo->compound, sizeof lo->compound, "%s%s",
			 city_stem(c), compound_suffixes[gen_below(&c->rng,
			 JW_ARRAY_LEN(compound_suffixes))]);
		snprintf(lo->compound_road, sizeof lo->compound_road, "%s",
			 lo->road);
		lo->compound_no = 500 + (int)gen_below(&c->rng, 400);
		lo->groups_left = 2 + (int)gen_below(&c->rng, 2);
		lo->next_bldg = 1;
	}
	if (lo->groups_left > 0) {
		n = 2 + (int)gen_below(&c->rng, 5);
		p->is_bldg = 1;
		p->lo = lo->next_bldg;
		p->hi = lo->next_bldg + n - 1;
		lo->next_bldg += n;
		lo->groups_left--;
		p->name = gen_strf("%s%d-%d栋", lo->compound, p->lo, p->hi);
		p->tail = gen_strf("%s%s%d号%s", cm->street, lo->compound_road,
				   lo->compound_no, lo->compound);
		snprintf(rx, sizeof rx, "%s.*%s%d号%s", county,
			 lo->compound_road, lo->compound_no, lo->compound);
		gen_range_regex(rx, sizeof rx, p->lo, p->hi);
		strcat(rx, "栋");
	} else {
		if (lo->sections_left == 0)
			layout_new_road(c, cm, lo);
		/* at most 8 sections of at most 60 numbers: below 500 */
		n = 10 + (int)gen_below(&c->rng, 51);
		p->lo = lo->next_no;
		p->hi = lo->next_no + n - 1;
		lo->next_no += n;
		lo->sections_left--;
		p->name = gen_strf("%s%d-%d号", lo->road, p->lo, p->hi);
		p->tail = gen_strf("%s%s", cm->street, lo->road);
		snprintf(rx, sizeof rx, "%s.*%s", county, lo->road);
		gen_range_regex(rx, sizeof rx, p->lo, p->hi);
		strcat(rx, "号");
	}
	p->tail_len = strlen(p->tail);
	p->pattern = xstrdup(rx);
}

/* Spread n communities over the counties by weight (largest remainder),
 * at least one each when there are enough. */
static void
city_spread(int n, int per[])
{
	long total = 0, rem[NCOUNTY];
	int i, base = n >= NCOUNTY, left = n - (base ? NCOUNTY : 0), given = 0;

	for (i = 0; i < NCOUNTY; i++)
		total += counties[i].weight;
	for (i = 0; i < NCOUNTY; i++) {
		long q = (long)left * counties[i].weight;

		per[i] = base + (int)(q / total);
		rem[i] = q % total;
		given += per[i] - base;
	}
	while (given < left) {	/* the largest remainders get one more */
		int best = 0;

		for (i = 1; i < NCOUNTY; i++)
			if (rem[i] > rem[best])
				best = i;
		per[best]++;
		rem[best] = -1;
		given++;
	}
}

static void
city_build(struct city *c, uint64_t seed, int ncomm, int points)
{
	char (*pool)[4];
	int npool, i, j, k, g, per[NCOUNTY], ci = 0;

	memset(c, 0, sizeof *c);
	c->rng = gen_mix64(seed ^ 0x6a09e667f3bcc908ULL);
	c->nsurname = gen_chars_split(surname_chars, &c->surname);
	c->ngiven = gen_chars_split(given_chars, &c->given);
	npool = gen_chars_split(stem_chars, &pool);
	c->stem = xmalloc((size_t)npool * (size_t)npool * sizeof *c->stem);
	for (i = 0; i < npool; i++)
		for (j = 0; j < npool; j++)
			if (i != j) {
				memcpy(c->stem[c->nstem], pool[i], 3);
				memcpy(c->stem[c->nstem] + 3, pool[j], 4);
				c->nstem++;
			}
	free(pool);
	for (i = c->nstem - 1; i > 0; i--) {	/* Fisher-Yates */
		char t[7];

		j = (int)gen_below(&c->rng, (uint32_t)i + 1);
		memcpy(t, c->stem[i], 7);
		memcpy(c->stem[i], c->stem[j], 7);
		memcpy(c->stem[j], t, 7);
	}

	city_spread(ncomm, per);
	c->ncomm = ncomm;
	c->comm = xcalloc((size_t)ncomm, sizeof *c->comm);
	c->grid = xcalloc((size_t)ncomm * 8, sizeof *c->grid);
	for (k = 0; k < NCOUNTY; k++) {
		char *street = NULL;

		c->cfirst[k] = c->npt;

		for (j = 0; j < per[k]; j++, ci++) {
			struct community *cm = &c->comm[ci];
			struct layout lo;

			if (j % 4 == 0)	/* about four communities a street */
				street = gen_strf("%s%s", city_stem(c),
						  counties[k].is_county && j > 0 ?
						  "镇" : "街道");
			cm->county = k;
			cm->street = j % 4 == 0 ? street : xstrdup(street);
			cm->name = gen_strf("%s社区", city_stem(c));
			cm->officer = city_person(c);
			cm->naux = 2 + (int)gen_below(&c->rng, 2);
			for (i = 0; i < cm->naux; i++)
				cm->aux[i] = city_person(c);
			cm->security = city_person(c);
			cm->patrol = 12 + (int)gen_below(&c->rng, 9);
			cm->ncoord = 3 + (int)gen_below(&c->rng, 2);
			for (i = 0; i < cm->ncoord; i++)
				cm->coord[i] = city_person(c);
			cm->first = c->ngrid;
			cm->n = 5 + (int)gen_below(&c->rng, 4);
			memset(&lo, 0, sizeof lo);
			for (g = 0; g < cm->n; g++) {
				struct grid *gr = &c->grid[c->ngrid++];

				gr->comm = ci;
				gr->name = gen_strf("%s第%s网格", cm->name,
						    cn_numerals[g]);
				gr->first = c->npt;
				for (i = 0; i < points; i++)
					city_add_point(c, cm, ci, &lo);
				gr->n = points;
			}
		}
		c->cnpt[k] = c->npt - c->cfirst[k];
	}
}

static void
city_free(struct city *c)
{
	int i;

	for (i = 0; i < c->npt; i++) {
		free(c->pt[i].name);
		free(c->pt[i].pattern);
		free(c->pt[i].tail);
	}
	for (i = 0; i < c->ngrid; i++)
		free(c->grid[i].name);
	for (i = 0; i < c->ncomm; i++) {
		struct community *cm = &c->comm[i];
		int j;

		free(cm->name);
		free(cm->street);
		free(cm->road0);
		free(cm->officer);
		free(cm->security);
		for (j = 0; j < cm->naux; j++)
			free(cm->aux[j]);
		for (j = 0; j < cm->ncoord; j++)
			free(cm->coord[j]);
	}
	free(c->pt);
	free(c->grid);
	free(c->comm);
	free(c->stem);
	free(c->given);
	free(c->surname);
}

/* ---- output ---- */

void
gen_write_failed(void)
{
	/* A closed pipe (| head) is a quiet end, not an error. */
	if (errno == EPIPE)
		exit(JW_EXIT_OK);
	diag_die(JW_EXIT_IO, "<stdout>: write error: %s", strerror(errno));
}

void
gen_finish_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		gen_write_failed();
	if (fclose(stdout) != 0)
		gen_write_failed();
}

static void
grid_list(const char *key, char *const *names, int n)
{
	int i;

	printf("          %s: [", key);
	for (i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "", names[i]);
	printf("]\n");
}

static void
grid_write(const struct city *c, const char *cmdline)
{
	int k, ci, g, i;

	printf("# %s\n# Synthetic: a fictional city with Yongzhou's district "
	       "and county names.\n", cmdline);
	printf("city: 永州市\n"
	       "rules:\n"
	       "  grids_per_community: [5, 8]\n"
	       "  coordinators_per_community: [3, 4]\n"
	       "  staff_minimum:\n"
	       "    community_officer: 1\n"
	       "    auxiliary: 2\n"
	       "    security_officer: 1\n"
	       "    patrol: 12\n"
	       "counties:\n");
	for (k = 0; k < NCOUNTY; k++) {
		int any = 0;

		for (ci = 0; ci < c->ncomm; ci++) {
			const struct community *cm = &c->comm[ci];

			if (cm->county != k)
				continue;
			if (!any++)
				printf("  - name: %s\n    code: \"%s\"\n"
				       "    communities:\n", counties[k].name,
				       counties[k].code);
			printf("      - name: %s\n        staff:\n", cm->name);
			grid_list("community_officer", &cm->officer, 1);
			grid_list("auxiliary", cm->aux, cm->naux);
			grid_list("security_officer", &cm->security, 1);
			printf("          patrol: %d\n", cm->patrol);
			grid_list("coordinators", cm->coord, cm->ncoord);
			printf("        grids:\n");
			for (g = cm->first; g < cm->first + cm->n; g++) {
				const struct grid *gr = &c->grid[g];

				printf("          - name: %s\n"
				       "            points:\n", gr->name);
				for (i = gr->first; i < gr->first + gr->n;
				     i++)
					printf("              - name: %s\n"
					       "                coordinator: %s\n"
					       "                patterns:\n"
					       "                  - '%s'\n",
					       c->pt[i].name,
					       cm->coord[(g - cm->first) %
							 cm->ncoord],
					       c->pt[i].pattern);
			}
		}
	}
}

struct out {
	char *buf;
	size_t n, size;
};

static void
out_flush(struct out *o)
{
	if (o->n > 0 && fwrite(o->buf, 1, o->n, stdout) != o->n)
		gen_write_failed();
	o->n = 0;
}

static void
out_mem(struct out *o, const void *p, size_t n)
{
	memcpy(o->buf + o->n, p, n);
	o->n += n;
}

#define out_lit(o, s) out_mem((o), (s), sizeof(s) - 1)

static void
out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void
out_uint(struct out *o, unsigned v)
{
	char tmp[12];
	int i = (int)sizeof tmp;

	do
		tmp[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	out_mem(o, tmp + i, sizeof tmp - (size_t)i);
}

/* Exactly width digits, zero-padded. */
static void
out_digits(struct out *o, unsigned v, int width)
{
	char *p = o->buf + o->n + width;

	o->n += (size_t)width;
	while (width-- > 0) {
		*--p = (char)('0' + v % 10);
		v /= 10;
	}
}

static void
out_date(struct out *o, int32_t day)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	out_digits(o, (unsigned)y, 4);
	out_lit(o, "-");
	out_digits(o, (unsigned)m, 2);
	out_lit(o, "-");
	out_digits(o, (unsigned)d, 2);
}

/* ---- residents ---- */

enum { BAD_NONE, BAD_CHECK, BAD_DATE, BAD_ADDRESS };

#define LONG_TERM INT32_MIN	/* id_expiry 长期 */

struct person {
	uint32_t point;
	uint64_t addr_rnd;	/* house number, room, spelling of the address */
	int32_t birth;
	int seq;
	int old_code;		/* 祁阳: 431121 instead of 431181 */
	int bad;
	char name[10];
	char phone[12];
	int floating;
	int work;		/* index into work_cities */
	int32_t expiry;		/* or LONG_TERM */
	int32_t reported;
};

struct people {
	uint64_t seed;
	const struct city *city;
	int32_t birth_first;	/* 1940-01-01 */
	uint32_t ndays;		/* birth days 1940-2010 */
	uint32_t nkeys;		/* ndays * 999 (birth, sequence) pairs */
	int32_t day1;
	unsigned bad_permille;
};

/*
 * A bijection of [0, 2^26) (four Feistel rounds), walked until it lands
 * below nkeys: person i gets key perm(i), so no two people share a birth
 * date and sequence number, hence no two share an ID number.
 */
static uint32_t
people_key(const struct people *pp, uint32_t i)
{
	uint32_t x = i, l, r, t;
	int k;

	do {
		l = x >> 13;
		r = x & 0x1fff;
		for (k = 0; k < 4; k++) {
			t = l ^ (uint32_t)(gen_mix64(pp->seed ^ (r * 0x9e3779b9ULL
					   + (uint64_t)k * 0x85ebca6bULL)) & 0x1fff);
			l = r;
			r = t;
		}
		x = l << 13 | r;
	} while (x >= pp->nkeys);
	return x;
}

static void
gen_phone(uint64_t *s, char *out)
{
	unsigned pre = (unsigned)phone_prefixes[gen_below(s,
				JW_ARRAY_LEN(phone_prefixes))];
	uint32_t rest = gen_below(s, 100000000);
	int i;

	out[0] = (char)('0' + pre / 100);
	out[1] = (char)('0' + pre / 10 % 10);
	out[2] = (char)('0' + pre % 10);
	for (i = 10; i >= 3; i--) {
		out[i] = (char)('0' + rest % 10);
		rest /= 10;
	}
	out[11] = '\0';
}

static void
gen_work(struct person *p, uint64_t *s)
{
	/* Guangdong first: most of those who work away go south. */
	uint32_t k = gen_below(s, JW_ARRAY_LEN(work_cities));

	p->work = (int)gen_below(s, k + 1);
}

static void
people_base(const struct people *pp, uint32_t i, struct person *p)
{
	uint64_t s = gen_stream(pp->seed, i, 0);
	uint32_t key = people_key(pp, i), r;
	int age, kind;

	p->birth = pp->birth_first + (int32_t)(key / 999);
	p->seq = 1 + (int)(key % 999);
	p->point = gen_below(&s, (uint32_t)pp->city->npt);
	p->addr_rnd = gen_next(&s);
	p->old_code = (int)gen_below(&s, 2);
	/* Both draws always, so --bad does not change anyone else. */
	r = gen_below(&s, 1000);
	kind = 1 + (int)gen_below(&s, 3);
	p->bad = r < pp->bad_permille ? kind : BAD_NONE;
	gen_name(pp->city, &s, p->name);
	gen_phone(&s, p->phone);
	p->floating = gen_below(&s, 100) < 20;
	gen_work(p, &s);
	age = (pp->day1 - p->birth) / 365;
	if (age >= 46 && gen_below(&s, 3) == 0)
		p->expiry = LONG_TERM;
	else		/* some already expired, some due soon, up to 10 years */
		p->expiry = pp->day1 - 60 + (int32_t)gen_below(&s, 3710);
	p->reported = pp->day1 - (int32_t)gen_below(&s, 365);
}

/* Apply day k's event to p (its date is today).  Returns -1 when the
 * person left that day, else 0. */
static int
people_day(const struct people *pp, uint32_t i, uint32_t k, int32_t today,
	   struct person *p)
{
	uint64_t s = gen_stream(pp->seed, i, k);
	uint32_t r = gen_below(&s, 10000), np;

	if (r < 100)			/* 1% left */
		return -1;
	if (r < 200) {			/* 1% moved to another point */
		/* in the same county, which the ID number names */
		const struct city *c = pp->city;
		int ct = c->pt[p->point].county;
		uint32_t first = (uint32_t)c->cfirst[ct];

		if (c->cnpt[ct] > 1) {
			np = first + gen_below(&s, (uint32_t)c->cnpt[ct] - 1);
			p->point = np >= p->point ? np + 1 : np;
		}
		p->addr_rnd = gen_next(&s);
		p->reported = today;
	} else if (r < 250) {		/* 0.5% changed phone or res_type */
		if (gen_below(&s, 2) == 0) {
			gen_phone(&s, p->phone);
		} else {
			p->floating = !p->floating;
			gen_work(p, &s);
		}
		p->reported = today;
	}
	return 0;
}

static void
people_write(const struct people *pp, const struct person *p, struct out *o)
{
	const struct point *pt = &pp->city->pt[p->point];
	const struct county *ct = &counties[pt->county];
	uint64_t s = p->addr_rnd;
	char *id = o->buf + o->n;
	int y, m, d;

	/* id_no: the check character is computed over what is written, so
	 * a bad date still has a matching check character. */
	out_str(o, p->old_code && ct->old_code ? ct->old_code : ct->code);
	date_to_ymd(p->birth, &y, &m, &d);
	if (p->bad == BAD_DATE) {
		switch (p->seq % 4) {
		case 0: m = 13; break;
		case 1: m = 0; break;
		case 2: m = 2; d = 30; break;
		default: m = 4; d = 31; break;
		}
	}
	out_digits(o, (unsigned)y, 4);
	out_digits(o, (unsigned)m, 2);
	out_digits(o, (unsigned)d, 2);
	out_digits(o, (unsigned)p->seq, 3);
	id[17] = idno_check_char(id);
	if (p->bad == BAD_CHECK) {
		const char *cc = "10X98765432";
		int at = (int)(strchr(cc, id[17]) - cc);

		id[17] = cc[(at + 1 + p->seq % 10) % 11];
	}
	o->n++;
	out_lit(o, "\t");
	out_str(o, p->name);
	out_lit(o, "\t");
	out_mem(o, p->phone, 11);
	out_lit(o, "\t");

	/* address */
	if (p->bad == BAD_ADDRESS && gen_below(&s, 2) == 0) {
		out_lit(o, "湖南省长沙市岳麓区麓山南路");
		out_uint(o, 1 + gen_below(&s, 300));
		out_lit(o, "号");
	} else {
		if (gen_below(&s, 10) != 0)
			out_lit(o, "湖南省永州市");
		out_str(o, ct->name);
		if (p->bad == BAD_ADDRESS) {
			/* a number past every section of the road */
			const struct community *cm =
				&pp->city->comm[pt->comm];

			out_str(o, cm->street);
			out_str(o, cm->road0);
			out_uint(o, 900 + gen_below(&s, 100));
			out_lit(o, "号");
		} else if (pt->is_bldg) {
			out_mem(o, pt->tail, pt->tail_len);
			out_uint(o, (unsigned)pt->lo +
				 gen_below(&s, (uint32_t)(pt->hi - pt->lo + 1)));
			out_lit(o, "栋");
			out_uint(o, 1 + gen_below(&s, 3));
			out_lit(o, "单元");
			out_uint(o, 100 * (1 + gen_below(&s, 18)) + 1 +
				 gen_below(&s, 4));
		} else {
			out_mem(o, pt->tail, pt->tail_len);
			out_uint(o, (unsigned)pt->lo +
				 gen_below(&s, (uint32_t)(pt->hi - pt->lo + 1)));
			out_lit(o, "号");
			switch (gen_below(&s, 4)) {
			case 0:
				break;
			case 1:
				out_uint(o, 100 * (1 + gen_below(&s, 7)) + 1 +
					 gen_below(&s, 4));
				out_lit(o, "室");
				break;
			case 2:
				out_uint(o, 1 + gen_below(&s, 6));
				out_lit(o, "栋");
				out_uint(o, 100 * (1 + gen_below(&s, 7)) + 1 +
					 gen_below(&s, 4));
				break;
			default:
				out_lit(o, "附");
				out_uint(o, 1 + gen_below(&s, 9));
				out_lit(o, "号");
				break;
			}
		}
	}
	out_lit(o, "\t");
	if (p->floating) {
		out_lit(o, "floating\t");
		out_str(o, work_cities[p->work]);
	} else {
		out_lit(o, "registered\t");
	}
	out_lit(o, "\t");
	if (p->expiry == LONG_TERM)
		out_lit(o, "长期");
	else
		out_date(o, p->expiry);
	out_lit(o, "\t");
	out_date(o, p->reported);
	out_lit(o, "\n");
}

static void
residents_write(const struct city *c, uint64_t seed, uint32_t n,
		uint32_t day, unsigned bad, int32_t day1)
{
	struct people pp;
	struct person p;
	struct out o;
	uint32_t per_day = (n + 50) / 100, total, i, k, arrive;

	pp.seed = seed;
	pp.city = c;
	pp.birth_first = gen_days(1940, 1, 1);
	pp.ndays = (uint32_t)(gen_days(2010, 12, 31) - pp.birth_first + 1);
	pp.nkeys = pp.ndays * 999;
	pp.day1 = day1;
	pp.bad_permille = bad;
	total = n + (day - 1) * per_day;
	if (total > pp.nkeys)
		diag_die(JW_EXIT_USAGE, "too many residents: at most %u",
			 (unsigned)pp.nkeys);

	o.size = 1 << 20;
	o.buf = xmalloc(o.size);
	o.n = 0;
	out_lit(&o, "id_no\tname\tphone\taddress\tres_type\twork_city\t"
		"id_expiry\treported\n");
	for (i = 0; i < total; i++) {
		arrive = i < n ? 1 : 2 + (i - n) / per_day;
		people_base(&pp, i, &p);
		if (arrive > 1)
			p.reported = day1 + (int32_t)arrive - 1;
		for (k = arrive + 1; k <= day; k++)
			if (people_day(&pp, i, k, day1 + (int32_t)k - 1, &p))
				break;
		if (k <= day)
			continue;	/* left */
		people_write(&pp, &p, &o);
		if (o.n > o.size - 1024)
			out_flush(&o);
	}
	out_flush(&o);
	free(o.buf);
}

/* ---- command line ---- */

static const char usage_text[] =
	"Usage: jw-gen grid [-s SEED] [-c COMMUNITIES] [-p POINTS]\n"
	"       jw-gen residents [-s SEED] [-c COMMUNITIES] [-p POINTS] -n N\n"
	"                        [-d DAY] [--bad PERMILLE] [--day1 DATE]\n"
	"       jw-gen cases -r RESIDENTS.tsv [-s SEED] [-n CASES] [--from YEAR]\n"
	"                    [--years N] [--until DATE]\n"
	"       jw-gen vehicles|licences -r RESIDENTS -n VEHICLES [-s SEED] "
	"[--asof DATE]\n"
	"       jw-gen violations -r RESIDENTS -n VEHICLES -m VIOLATIONS "
	"[-s SEED]\n"
	"                         [--asof DATE] [--bad PERMILLE]\n"
	"       jw-gen answers [-s SEED] [-n PER_ROUND] [--from YEAR] "
	"[--to YEAR]\n";

static void
gen_help(void)
{
	fputs(usage_text, stdout);
	fputs("Deterministic synthetic data for jingwu: a fictional city in "
	      "the shape of\n"
	      "Yongzhou (its 11 districts and counties, real names and codes).\n"
	      "\n"
	      "  grid       the grid definition YAML (pop-grid -g) on stdout\n"
	      "  residents  resident records, TSV with a header, on stdout\n"
	      "  cases      case event logs for case-status, the parties "
	      "drawn from a\n"
	      "             resident file (-r); 3000 cases over 2024-2026 "
	      "by default\n"
	      "  vehicles   vehicles of those residents (-r), TSV: plate "
	      "plate_type owner_id\n"
	      "             owner_name phone use vehicle_type seats "
	      "registered last_inspected\n"
	      "  licences   driving licences of the owners and of one "
	      "adult in ten more:\n"
	      "             id_no name phone class first_issued valid_from "
	      "valid_to\n"
	      "  violations violations of those vehicles over the 700 days "
	      "to --asof (default\n"
	      "             2026-11-29), in time order; drivers hold the "
	      "licences; --bad\n"
	      "             PERMILLE bad records (fine in words, unknown "
	      "status)\n"
	      "             The same -r, -n and -s give the same fleet to "
	      "all three.\n"
	      "  answers    poll answers for poll-rank (see jw-gen answers "
	      "--help)\n"
	      "\n"
	      "  -s, --seed SEED         PRNG seed (default 1)\n"
	      "  -c, --communities N     communities, 1-1000 (default 300), "
	      "5-8 grids each\n"
	      "  -p, --points N          grid points per grid, 1-16 "
	      "(default 4)\n"
	      "  -n, --count N           residents on day 1 (residents only)\n"
	      "  -d, --day DAY           day number (default 1); every later "
	      "day ~1% leave,\n"
	      "                          ~1% arrive, ~1% move to another "
	      "point of their\n"
	      "                          county, ~0.5% change phone or "
	      "res_type\n"
	      "      --bad PERMILLE      bad records per 1000 (default 2): "
	      "wrong check\n"
	      "                          character, impossible birth date, "
	      "address matching\n"
	      "                          no grid point, a third each\n"
	      "      --day1 DATE         date of day 1 (default " GEN_DAY1
	      "); day d is d-1\n"
	      "                          days later; reported and id_expiry "
	      "follow it\n"
	      "  -h, --help              this help\n"
	      "      --version           version\n"
	      "\n"
	      "The same -s, -c and -p give the same city for grid and "
	      "residents, and the\n"
	      "same people on every day.  Names are never reused, so very "
	      "large -c and -p\n"
	      "together can run out of them (-c 1000 -p 8 fits; exit 2 if "
	      "not).  Example:\n"
	      "  jw-gen grid -c 300 >grid.yaml\n"
	      "  jw-gen residents -c 300 -n 20000 -d 2 | gzip -9 "
	      ">day2.tsv.gz\n", stdout);
}

static void __attribute__((noreturn))
gen_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "jw-gen: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%sTry 'jw-gen --help'.\n", usage_text);
	exit(JW_EXIT_USAGE);
}

static unsigned long long
gen_number(const char *opt, const char *s, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		goto bad;
	return v;
bad:
	fprintf(stderr, "jw-gen: option '%s': not a number up to %llu: '%s'\n"
		"Try 'jw-gen --help'.\n", opt, max, s);
	exit(JW_EXIT_USAGE);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "communities", required_argument, NULL, 'c' },
		{ "points", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "day", required_argument, NULL, 'd' },
		{ "bad", required_argument, NULL, 'b' },
		{ "day1", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long seed = 1, ncomm = 300, points = 4, n = 0, day = 1;
	unsigned long long bad = 2;
	const char *verb, *day1s = GEN_DAY1;
	char cmdline[256];
	int is_grid, have_n = 0, ch;
	int32_t day1;
	struct city city;

	diag_prog = "jw-gen";
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		gen_usage("%s", "missing verb (grid, residents, cases, vehicles, "
			  "licences, violations or answers)");
	verb = argv[1];
	if (strcmp(verb, "-h") == 0 || strcmp(verb, "--help") == 0) {
		gen_help();
		gen_finish_stdout();
		return JW_EXIT_OK;
	}
	if (strcmp(verb, "--version") == 0) {
		printf("jw-gen (jingwu) %s\n", JW_VERSION);
		gen_finish_stdout();
		return JW_EXIT_OK;
	}
	if (strcmp(verb, "cases") == 0)	/* scripts/jw-gen-cases.c */
		return gen_cases_main(argc - 1, argv + 1);
	if (strcmp(verb, "vehicles") == 0 || strcmp(verb, "licences") == 0 ||
	    strcmp(verb, "violations") == 0)
		return gen_traffic_main(argc, argv);
	if (strcmp(verb, "answers") == 0)	/* scripts/jw-gen-answers.c */
		return gen_answers_main(argc - 1, argv + 1);
	if (strcmp(verb, "grid") == 0)
		is_grid = 1;
	else if (strcmp(verb, "residents") == 0)
		is_grid = 0;
	else
		gen_usage("unknown verb '%s'", verb);

	opterr = 0;
	while ((ch = getopt_long(argc - 1, argv + 1, ":s:c:p:n:d:h", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 's':
			seed = gen_number("-s", optarg, UINT64_MAX);
			break;
		case 'c':
			ncomm = gen_number("-c", optarg, GEN_MAX_COMMUNITIES);
			if (ncomm == 0)
				gen_usage("option '-c': at least 1: '%s'",
					  optarg);
			break;
		case 'p':
			points = gen_number("-p", optarg, GEN_MAX_POINTS);
			if (points == 0)
				gen_usage("option '-p': at least 1: '%s'",
					  optarg);
			break;
		case 'n':
			n = gen_number("-n", optarg, 100000000);
			have_n = 1;
			break;
		case 'd':
			day = gen_number("-d", optarg, 10000);
			if (day == 0)
				gen_usage("option '-d': days count from 1: "
					  "'%s'", optarg);
			break;
		case 'b':
			bad = gen_number("--bad", optarg, 1000);
			break;
		case 'D':
			if (date_parse(optarg, strlen(optarg), &day1) != 0)
				gen_usage("option '--day1': not a date "
					  "YYYY-MM-DD: '%s'", optarg);
			day1s = optarg;
			break;
		case 'h':
			gen_help();
			gen_finish_stdout();
			return JW_EXIT_OK;
		case 'V':
			printf("jw-gen (jingwu) %s\n", JW_VERSION);
			gen_finish_stdout();
			return JW_EXIT_OK;
		case ':':
			gen_usage("option '%s' needs a value",
				  argv[optind]);
		default:
			gen_usage("unknown option '%s'", argv[optind]);
		}
	}
	if (optind + 1 < argc)
		gen_usage("unexpected operand '%s'", argv[optind + 1]);
	if (is_grid && (have_n || day != 1 || bad != 2 ||
			strcmp(day1s, GEN_DAY1) != 0))
		gen_usage("%s", "'grid' takes only -s, -c and -p");
	if (!is_grid && !have_n)
		gen_usage("%s", "'residents' needs -n N");
	date_parse(day1s, strlen(day1s), &day1);

	city_build(&city, seed, (int)ncomm, (int)points);
	if (is_grid) {
		static char iobuf[1 << 16];

		setvbuf(stdout, iobuf, _IOFBF, sizeof iobuf);
		snprintf(cmdline, sizeof cmdline, "jw-gen grid -s %llu -c %llu "
			 "-p %llu: %d communities, %d grids, %d points",
			 seed, ncomm, points, city.ncomm, city.ngrid, city.npt);
		grid_write(&city, cmdline);
		gen_finish_stdout();
	} else {
		residents_write(&city, seed, (uint32_t)n, (uint32_t)day,
				(unsigned)bad, day1);
		gen_finish_stdout();
	}
	city_free(&city);
	return JW_EXIT_OK;
}
