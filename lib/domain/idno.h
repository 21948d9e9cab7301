/*
 * idno: resident ID numbers (居民身份证号码, GB 11643-1999).
 *
 * 18 characters: 6-digit region code, birth date YYYYMMDD, 3-digit sequence
 * (odd = male), check character (ISO 7064 MOD 11-2, 0-9 or X).  A lowercase
 * x is accepted and normalised.  The region code is checked against the
 * province prefixes of GB/T 2260 (11-15, 21-23, 31-37, 41-46, 50-54, 61-65);
 * retired county codes stay valid, since numbers never change.  The old
 * 15-digit form (GB 11643-1989) is upgraded by idno_upgrade15().
 * Nothing here allocates or reads the clock: "today" is always passed in.
 */
#ifndef JW_IDNO_H
#define JW_IDNO_H

#include <stddef.h>
#include <stdint.h>

enum idno_err {
	IDNO_OK = 0,
	IDNO_LENGTH,	/* not 18 characters */
	IDNO_CHAR,	/* a non-digit in the body, or a bad last character */
	IDNO_REGION,	/* unknown province prefix */
	IDNO_DATE,	/* birth date is no real day */
	IDNO_FUTURE,	/* birth date after "today" */
	IDNO_CHECK	/* check character does not match */
};

struct idno {
	char no[19];		/* normalised: uppercase X, NUL-terminated */
	int32_t birth;		/* day number (date.h) */
	char gender;		/* 'M' or 'F' */
};

/* Validate p[0..n) as an 18-character ID number, as of day today (birth
 * dates after it are rejected; pass INT32_MAX to skip that test).  Fills
 * *out (may be NULL) when valid and leaves it alone otherwise.  Returns
 * IDNO_OK or the first error in this order: IDNO_LENGTH, IDNO_CHAR,
 * IDNO_REGION, IDNO_DATE, IDNO_FUTURE, IDNO_CHECK. */
enum idno_err idno_parse(const char *p, size_t n, int32_t today,
			 struct idno *out);
/* A short lowercase reason for err, without a full stop, for messages:
 * "not 18 characters", "not digits (last may be X)", "unknown region code",
 * "birth date is not a real day", "birth date is in the future", "bad check
 * character" ("valid" for IDNO_OK).  A static string; do not free.  A
 * precise "check character should be '5'" needs the input, so callers who
 * want it use idno_check_char(). */
const char *idno_strerror(enum idno_err err);
/* The check character ('0'-'9' or 'X') for the first 17 characters of
 * d17, which must be ASCII digits. */
char idno_check_char(const char *d17);
/* Upgrade a 15-digit number (YYMMDD birth, 19YY assumed) to 18 characters
 * plus NUL in out: 431102900307123 -> 431102199003071235.  Returns 0, or
 * -1 when p[0..n) is not 15 digits.  The region and date are not checked:
 * pass the result to idno_parse().  XXX 1989 numbers of people born in
 * 18xx reportedly used sequence codes 996-999 and get 19YY here; send
 * those to manual review. */
int idno_upgrade15(const char *p, size_t n, char out[19]);
/* Age in whole years on day asof (date_years_between() of the birth day;
 * a 29 February birthday counts on 1 March in common years). */
int idno_age(const struct idno *id, int32_t asof);
/* The county name (UTF-8, static, do not free) of the region code in the
 * first 6 characters of the NUL-terminated string no, for the codes of
 * 永州市: 431102 零陵区, 431103 冷水滩区, 431122 东安县, 431123 双牌县,
 * 431124 道县, 431125 江永县, 431126 宁远县, 431127 蓝山县, 431128 新田县,
 * 431129 江华瑶族自治县, 431181 祁阳市 and the retired 431121 祁阳县.
 * Returns NULL for any other code. */
const char *idno_region_name(const char *no);

#endif
