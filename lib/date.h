/*
 * date: calendar dates and times without time zones or locales.
 *
 * A date is a day number: days since 1970-01-01 (proleptic Gregorian),
 * negative before it.  A time is seconds since 1970-01-01 00:00:00 of the
 * same naive calendar: no TZ, no DST, no leap seconds.  Text is
 * YYYY-MM-DD, optionally followed by a space or 'T' and HH:MM or HH:MM:SS.
 * Years 0001-9999.  Nothing here reads the environment; date_today() is the
 * only function that reads the clock, and it uses China Standard Time
 * (UTC+8, no daylight saving), the time of every record jingwu handles.
 */
#ifndef JW_DATE_H
#define JW_DATE_H

#include <stddef.h>
#include <stdint.h>

#define DATE_NONE INT32_MIN	/* no date */

/* Day number of y-m-d; -1 return means an invalid date (no such day). */
int date_from_ymd(int y, int m, int d, int32_t *day);
void date_to_ymd(int32_t day, int *y, int *m, int *d);
/* Parse exactly "YYYY-MM-DD" from p[0..n).  Returns 0, or -1 when the text
 * is not of that shape or names no real day (2024-02-30). */
int date_parse(const char *p, size_t n, int32_t *day);
/* Parse "YYYY-MM-DD[( |T)HH:MM[:SS]]".  Returns 0 or -1. */
int datetime_parse(const char *p, size_t n, int64_t *secs);
/* Format as "YYYY-MM-DD" (10 chars + NUL). */
void date_format(int32_t day, char out[11]);
/* Format as "YYYY-MM-DD HH:MM:SS" (19 chars + NUL). */
void datetime_format(int64_t secs, char out[20]);
/* Add n months; a day past the end of the target month becomes its last
 * day (2024-01-31 + 1 month = 2024-02-29). */
int32_t date_add_months(int32_t day, int n);
/* Whole years from birth to on (age on the day "on"; a 29 February
 * birthday counts on 1 March in common years). */
int date_years_between(int32_t birth, int32_t on);
int date_is_leap(int y);
int date_days_in_month(int y, int m);
/* Today in China Standard Time (UTC+8). */
int32_t date_today(void);

#endif
