/*
 * date: calendar dates and times without time zones or locales.
 *
 * A date is a day number: days since 1970-01-01 (proleptic Gregorian),
 * negative before it.  A time is seconds since 1970-01-01 00:00:00 of the
 * same naive calendar: no TZ, no DST, no leap seconds.  Text is
 * YYYY-MM-DD, optionally followed by a space or 'T' and HH:MM or HH:MM:SS.
 * Years 0001-9999.  Nothing here reads the environment; date_now() and
 * date_today() are the only functions that read the clock, and they use
 * China Standard Time (UTC+8, no daylight saving), the time of every
 * record jingwu handles.
 * Nothing allocates.
 */
#ifndef JW_DATE_H
#define JW_DATE_H

#include <stddef.h>
#include <stdint.h>

#define DATE_NONE INT32_MIN	/* no date */
#define DATE_MIN (-719162)	/* 0001-01-01 */
#define DATE_MAX 2932896	/* 9999-12-31 */

/* Store the day number of y-m-d in *day and return 0.  Returns -1 and
 * leaves *day alone when there is no such day (year outside 1-9999, month
 * outside 1-12, 2023-02-29). */
int date_from_ymd(int y, int m, int d, int32_t *day);
/* Split day number day into year, month (1-12) and day of month (1-31).
 * Works for any int32_t day, but only DATE_MIN..DATE_MAX give years that
 * date_from_ymd() accepts. */
void date_to_ymd(int32_t day, int *y, int *m, int *d);
/* Parse exactly "YYYY-MM-DD" from p[0..n) into *day.  Returns 0, or -1
 * when the text is not of that shape (signs, spaces, trailing bytes, one
 * digit months) or names no real day (2024-02-30). */
int date_parse(const char *p, size_t n, int32_t *day);
/* Parse exactly "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS"
 * ('T' may replace the space) from p[0..n) into *secs.  Hours 00-23,
 * minutes and seconds 00-59: "24:00" and "23:59:60" are rejected.  Returns
 * 0, or -1 on any other text. */
int datetime_parse(const char *p, size_t n, int64_t *secs);
/* Format day as "YYYY-MM-DD" (10 chars + NUL) into out.  A day outside
 * DATE_MIN..DATE_MAX (including DATE_NONE) gives "0000-00-00". */
void date_format(int32_t day, char out[11]);
/* Format secs as "YYYY-MM-DD HH:MM:SS" (19 chars + NUL) into out.  Times
 * outside years 1-9999 give "0000-00-00 00:00:00". */
void datetime_format(int64_t secs, char out[20]);
/* Add n months (n may be negative); a day past the end of the target month
 * becomes its last day (2024-01-31 + 1 month = 2024-02-29).  Returns the
 * new day, or DATE_NONE when day is outside DATE_MIN..DATE_MAX or the
 * result would be. */
int32_t date_add_months(int32_t day, int n);
/* Whole years from birth to on: the age on the day "on".  A 29 February
 * birthday counts on 1 March in common years.  When on is before birth the
 * result is minus the whole years from on to birth. */
int date_years_between(int32_t birth, int32_t on);
/* 1 if y is a Gregorian leap year (2000 yes, 1900 no), else 0. */
int date_is_leap(int y);
/* Days in month m (1-12) of year y, or 0 when m is out of range. */
int date_days_in_month(int y, int m);
/* The day that time secs falls on (rounding down, also before 1970):
 * date_of_time(-1) is -1. */
int32_t date_of_time(int64_t secs);
/* Now in China Standard Time (UTC+8) as a time of this calendar, from
 * time(): one clock read. */
int64_t date_now(void);
/* Today in China Standard Time: date_of_time(date_now()). */
int32_t date_today(void);

#endif
