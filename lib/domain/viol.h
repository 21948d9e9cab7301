/*
 * viol: the rules of traffic violations (违法行为) that viol-query applies:
 * the code table, processing states, late fees and scoring cycles
 * (DOMAIN-traffic-identity.md sections 4 and 5).
 *
 * The code table is YAML (viol-query(1) gives the schema):
 *
 *   codes:
 *     1625:
 *       desc: 驾驶机动车不按交通信号灯指示通行
 *       points: 6
 *       fine: [20, 200]          # yuan: one amount, or [min, max]
 *       basis: 《道路交通安全法》第九十条
 *
 * It gives each code its description and the range a decided fine and
 * points should lie in; a record's own fine and points are what was
 * decided and stay authoritative.  The table and every string in it belong
 * to the struct viol_codes and live until viol_codes_free().
 *
 * Money is in fen (1/100 yuan) as long long throughout; days are date.h
 * day numbers.
 */
#ifndef JW_VIOL_H
#define JW_VIOL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define VIOL_MAX_CODES 100000	/* codes in one table */
#define VIOL_FULL_SCORE 12	/* points of a scoring cycle */
#define VIOL_PAY_DAYS 15	/* days to pay after the decision is served */

struct viol_code {
	const char *code;	/* digits, NUL-terminated */
	const char *desc;
	const char *basis;	/* "" when not given */
	int points;		/* 0, 1, 3, 6, 9 or 12 */
	long long fine_min, fine_max;	/* fen; equal for one amount */
	unsigned line;		/* in the YAML file */
};

struct viol_codes;

/* Parse a code table from p[0..n), named name in messages.  Returns the
 * table, or NULL with one line per error appended to errs, as cfg.h's
 * error list has them ("name:line:col: key 'k': what", in file order; at
 * most CFG_MAX_ERRORS, then "name: and N more errors").  Never exits,
 * except when out of memory (5). */
struct viol_codes *viol_codes_parse(const char *name, const char *p,
				    size_t n, struct buf *errs);
/* Load the table at path ("-": standard input), or the built-in default
 * when path is NULL: testdata/viol/codes.yaml, compiled in as entries (no
 * YAML is parsed).  Prints every error (cfg_done()) and exits 3 on a bad
 * or unreadable file. */
struct viol_codes *viol_codes_load(const char *path);
/* The text of the built-in table (testdata/viol/codes.yaml), n bytes. */
const char *viol_codes_default_yaml(size_t *n);
void viol_codes_free(struct viol_codes *t);
/* The entry for code p[0..n), or NULL. */
const struct viol_code *viol_code_find(const struct viol_codes *t,
				       const char *p, size_t n);
/* Number of codes, and code i (0 <= i < count) in file order. */
size_t viol_codes_count(const struct viol_codes *t);
const struct viol_code *viol_code_at(const struct viol_codes *t, size_t i);

/* The processing state of a violation, as the exports spell it. */
enum viol_status {
	VIOL_BAD = -1,
	VIOL_OPEN = 0,		/* 未处理: recorded, not yet dealt with */
	VIOL_DECIDED,		/* 已处理: decision served, fine unpaid */
	VIOL_PAID		/* 已缴款 */
};

/* The state named by p[0..n) (未处理, 已处理, 已缴款), or VIOL_BAD. */
enum viol_status viol_status_parse(const char *p, size_t n);
/* The state's name in Chinese. */
const char *viol_status_name(enum viol_status s);

/* Days late on day asof for a decision served on day decided: the days
 * past the VIOL_PAY_DAYS after it, 0 before that. */
int32_t viol_late_days(int32_t decided, int32_t asof);
/* The late fee (加处罚款, 行政处罚法 art. 72) in fen for a fine of fine
 * fen paid days late: 3% of the fine per day, rounded down to the fen,
 * capped at the fine itself. */
long long viol_late_fee(long long fine, int32_t days);

/* The scoring cycle (MPS Order 163) holding day asof for a licence first
 * issued on day first: from the last anniversary of first on or before
 * asof to the next one (exclusive).  An anniversary on 29 February falls on
 * 28 February in common years.  Returns 0, or -1 when asof is before
 * first. */
int viol_cycle(int32_t first, int32_t asof, int32_t *start, int32_t *end);

/* The Chinese name of a plate type code (号牌种类, "02" 小型汽车), or
 * NULL for a code not in GA 24.7's list. */
const char *viol_plate_type_name(const char *p, size_t n);

#endif
