/*
 * smsstate: what sms-notify has handed to a gateway, so that no notice is
 * sent twice (sms-notify(1), STATE).
 *
 * A state folder holds three files, all written through durable.h:
 *   lock         held for the whole run: one run at a time
 *   secret       32 random bytes, made on first use (mode 0600)
 *   notices.log  one line per event, appended and fsynced before the
 *                program goes on:
 *                TIME TAB EVENT TAB KEY TAB RULE TAB DAY TAB PHONE TAB DETAIL
 * KEY and PHONE are HMAC-SHA256 (libsodium) of the notice key and of the
 * phone under the secret, as 32 hex digits: the log holds no ID number,
 * plate or phone in clear, and the same notice always has the same KEY.
 * EVENT is one of
 *   begin        about to hand the notice over (written before)
 *   sent         handed over: the gateway took it (DETAIL: message ids,
 *                or the spool file)
 *   failed       the gateway refused it for good (DETAIL: the status)
 *   deferred     due, but not sent in this run (quiet hours, the daily
 *                limit per phone); not a mark: the next run sends it
 *   delivered, undelivered   a delivery receipt (DETAIL: its stat)
 * A notice whose last hand-over event is "begin" is uncertain: the run
 * died between the two, and nobody knows whether the gateway took it.
 */
#ifndef JW_SMSSTATE_H
#define JW_SMSSTATE_H

#include <stddef.h>
#include <stdint.h>

#define SMSSTATE_HASH 32	/* hex digits of a hashed key or phone */

enum sms_mark { SMS_NEW, SMS_SENT, SMS_FAILED, SMS_UNCERTAIN };

struct smsstate;

/* Open (creating) the state folder dir: take its lock (without waiting:
 * another run holding it is an error), make or read its secret, read its
 * log.  Exits 4 with "prog: DIR: ..." when the folder cannot be used,
 * the lock is held ("another sms-notify run is using DIR"), or the log
 * cannot be read.  A torn last line is skipped with a warning. */
struct smsstate *smsstate_open(const char *dir);
/* Release the lock and free. */
void smsstate_close(struct smsstate *s);

/* HMAC of p[0..n) under the folder's secret, as SMSSTATE_HASH hex digits
 * and a NUL. */
void smsstate_hash(const struct smsstate *s, const char *p, size_t n,
		   char out[SMSSTATE_HASH + 1]);
/* The mark of a notice key (hashed), from the log and this run. */
enum sms_mark smsstate_mark(const struct smsstate *s, const char *khash);
/* A notice (hashed key) marked sent: the time and detail of its last
 * "sent" event (valid until smsstate_close()), and 0; -1 when it is not
 * marked sent.  (So that a send repeated as of the same time reports what
 * the first one did.) */
int smsstate_sent(const struct smsstate *s, const char *khash,
		  const char **time, const char **detail);
/* Notices handed over (begin) on day for a phone (hashed). */
unsigned smsstate_phone_count(const struct smsstate *s, const char *phash,
			      const char *day);

/* Append an event (durably; exits 4 when the log cannot be written) and
 * update the marks.  time is "YYYY-MM-DD HH:MM:SS", day "YYYY-MM-DD";
 * detail must hold no TAB or LF (they are replaced by spaces). */
void smsstate_event(struct smsstate *s, const char *time, const char *event,
		    const char *khash, const char *rule, const char *day,
		    const char *phash, const char *detail);

/* The same, queued: the marks change at once, the events reach the log
 * at the next smsstate_flush() (or smsstate_event(), or close), all in
 * one durable write.  For a group commit: "begin" events must be flushed
 * before their notices are handed over; a "sent" still queued when the
 * program dies leaves its notice uncertain, never sent twice. */
void smsstate_queue(struct smsstate *s, const char *time, const char *event,
		    const char *khash, const char *rule, const char *day,
		    const char *phash, const char *detail);
void smsstate_flush(struct smsstate *s);

/* Every event of the log at dir/notices.log, in order, without taking the
 * lock (for the report).  fn gets the fields split.  Returns 0, or exits
 * 4 when the log cannot be read. */
struct smsstate_ev {
	const char *time, *event, *key, *rule, *day, *phone, *detail;
};
void smsstate_read(const char *dir,
		   void (*fn)(void *ctx, const struct smsstate_ev *e),
		   void *ctx);
/* Split a log line (NUL-terminated, without its LF) into e's seven
 * fields, in place.  Returns 0, or -1 when it has not exactly seven. */
int smsstate_split(char *line, struct smsstate_ev *e);

#endif
