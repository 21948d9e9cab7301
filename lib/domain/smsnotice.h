/*
 * smsnotice: which records of a rule's input are notices, and each
 * notice's phone, text and key (sms-notify(1), the kinds).
 *
 * Three things, from the run's down to a record's:
 *
 * struct smsnotice_env is what every rule of a run shares: the rules, the
 * day the run counts from (--asof), the longest text allowed, and the
 * phones that declined (the rules' opt_out file: one mobile number a
 * line, '#' comments and empty lines skipped).  It is set up once,
 * before any input is read.
 *
 * struct smsnotice_rule is one rule bound to its input's header: where
 * each name the rule uses comes from (a field, a field of the rule's
 * lookup file, or a value computed for the kind: "due" and "days_left"
 * for the date kinds, "at" and "place" for a meeting), checked once so
 * that a missing field is a configuration error before anything is
 * handed over.  With a lookup, smsnotice_lookup_load() then reads the
 * lookup file's records into a table by its key field (the last record of
 * a key wins).
 *
 * smsnotice_make() reads one record of that input: whether it is a notice
 * today, by its kind's rule,
 *   inspection, scrap  the next inspection or scrap date from the vehicle
 *                      tables (registered, last_inspected, use,
 *                      vehicle_type, seats),
 *   licence, generic   the rule's date field ("长期", long-term, never
 *                      expires),
 *                      each a notice when that date falls in
 *                      [today, today + window];
 *   violation, case    news for window days after its "time" (not after
 *                      today);
 *   meeting            every record whose grid field is the rule's grid;
 * then its phone (normalised, phone.h), the signature and template
 * expanded, measured as SMS (smstext.h), and the notice key.  The key is
 * the rule's name and its key values: the same record on another day
 * gives the same key (when the key holds what makes the notice, e.g.
 * plate and due), which is what lets the state send each notice once.
 *
 * A record that is not a notice is counted as filtered (rec_filtered()),
 * as is one whose phone declined; a bad record (a date that is not one,
 * a phone that is not a mobile number, a lookup key not in the file, a
 * text not UTF-8 or too long) is a reject of the rule's reader, with the
 * reason (rec_reject()).  Nothing allocates per record once the buffers
 * of struct smsnotice have grown.
 */
#ifndef JW_SMSNOTICE_H
#define JW_SMSNOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/htab.h"
#include "domain/smsrules.h"
#include "domain/smstext.h"
#include "rec/rec.h"

/* What every rule of a run shares. */
struct smsnotice_env {
	const struct sms_rules *rules;
	int32_t today;			/* --asof, a day number (date.h) */
	size_t max_segments;		/* longer texts are rejects */
	struct htab optout;		/* 11-digit phones that declined */
};

/* Set e up for rules rs as of day today, texts of at most max_segments
 * messages, reading rs->opt_out when it names a file: exits 3 with
 * "FILE: cannot open: ..." or "FILE:LINE: not a mobile number: '...'". */
void smsnotice_env_init(struct smsnotice_env *e, const struct sms_rules *rs,
			int32_t today, size_t max_segments);
void smsnotice_env_release(struct smsnotice_env *e);
/* 1 when phone (11 digits) declined, else 0. */
int smsnotice_opted_out(const struct smsnotice_env *e, const char *phone);

/* 1 when t (seconds, China time, date.h) is inside rs's quiet hours (from
 * included, to excluded; a span may cross midnight), else 0. */
int smsnotice_is_quiet(const struct sms_rules *rs, int64_t t);

/* One rule bound to its input.  The fields are the module's; a caller
 * reads only rule and in. */
struct smsnotice_rule {
	const struct smsnotice_env *env;
	const struct sms_rule *rule;
	struct rec_reader *in;
	const struct rec *r;		/* the record being read */
	size_t phone, date;		/* where from (date: REC_NONE) */
	/* The fields the kinds read (REC_NONE when absent). */
	size_t f_use, f_type, f_seats, f_registered, f_last, f_time, f_grid;
	size_t *var;			/* template name i -> where from */
	size_t *key;			/* key name i -> where from */
	struct htab look;		/* lookup key -> its fields, NUL-ended */
	size_t look_by;			/* the key field in the input */
	/* This record's computed values. */
	char due[11], days_left[16];
	const char *lookf[SMS_MAX_LOOKUP];
	size_t nlookf;
};

/* Bind rule u to the reader in (its header read), under e: every name the
 * rule uses must resolve.  Exits 3 naming the rules file, the rule and the
 * name ("rule 'x': the template names 'y', which its input lacks", "its
 * input has no phone field 'z'", or a field the kind reads).  Release
 * with smsnotice_rule_release(). */
void smsnotice_rule_bind(struct smsnotice_rule *b,
			 const struct smsnotice_env *e,
			 const struct sms_rule *u, struct rec_reader *in);
/* Read the rule's lookup file, opened by the caller as lk, to its end
 * (the caller closes lk), and find the lookup key in the rule's input.
 * Exits 2 when lk or the input lacks the key field, or lk a field the
 * lookup gives. */
void smsnotice_lookup_load(struct smsnotice_rule *b, struct rec_reader *lk);
void smsnotice_rule_release(struct smsnotice_rule *b);

/* A notice made from a record: set up with smsnotice_init(), refilled by
 * each smsnotice_make(). */
struct smsnotice {
	const struct sms_rule *rule;
	char phone[12];			/* 11 digits */
	struct buf text;		/* signature, then the template */
	struct sms_info info;		/* text measured */
	struct buf key;			/* "rule:value:value", to be read */
	struct buf hkey;		/* the same NUL-separated, to hash */
};

void smsnotice_init(struct smsnotice *n);
void smsnotice_release(struct smsnotice *n);

/* Read the record r of b's input: 1 when it is a notice (made into n),
 * else 0, the record then counted as filtered or rejected on b->in (see
 * above).  r stays borrowed: n holds copies. */
int smsnotice_make(struct smsnotice_rule *b, const struct rec *r,
		   struct smsnotice *n);

#endif
