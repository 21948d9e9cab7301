/*
 * idno: resident ID numbers (居民身份证号码, GB 11643-1999).
 *
 * 18 characters: 6-digit region code, birth date YYYYMMDD, 3-digit sequence
 * (odd = male), check character (ISO 7064 MOD 11-2, 0-9 or X).  A lowercase
 * x is accepted and normalised.  The region code is checked against the
 * province prefixes of GB/T 2260 (11-15, 21-23, 31-37, 41-46, 50-54, 61-65);
 * retired county codes stay valid, since numbers never change.  The old
 * 15-digit form (GB 11643-1989) is upgraded by idno_upgrade15().
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
 * *out (may be NULL) when valid.  Returns IDNO_OK or the first error. */
enum idno_err idno_parse(const char *p, size_t n, int32_t today,
			 struct idno *out);
/* A short lowercase reason for err, e.g. "check character should be '5'"
 * needs the input, so this gives the generic text: "bad check character". */
const char *idno_strerror(enum idno_err err);
/* The check character for the first 17 digits of d. */
char idno_check_char(const char *d17);
/* Upgrade a 15-digit number (YYMMDD birth, 19YY assumed) to 18 characters
 * in out.  Returns 0, or -1 when p is not 15 digits. */
int idno_upgrade15(const char *p, size_t n, char out[19]);
/* Age in whole years on day asof. */
int idno_age(const struct idno *id, int32_t asof);

#endif
