/*
 * smsrules: sms-notify's rules YAML: which records become which notices,
 * worded how, and the vehicle tables the date rules need.  The schema is
 * documented in sms-notify(1); testdata/sms/rules.yaml is an example and
 * testdata/sms/vehicles.yaml the default vehicle tables (compiled in).
 *
 *   signature: 【永州公安】        put before every text
 *   sender: "10690110"            source_addr (sender_ton, sender_npi)
 *   quiet_hours: "21:00-08:00"    no sending inside ("" = none)
 *   max_per_phone: 3              notices a phone gets a day (0 = any)
 *   max_segments: 3               longer texts are rejects
 *   opt_out: optout.txt           phones that declined, one a line
 *   inspection: [...]             schedules (default: vehicles.yaml)
 *   scrap: [...]                  age limits (default: vehicles.yaml)
 *   rules:
 *     - name: inspection          unique; --rule NAME picks one
 *       kind: inspection          inspection scrap licence violation
 *                                 case meeting generic
 *       input: vehicles.tsv       relative to the rules file's folder
 *       window: 30                days before the date (date kinds)
 *       template: "{owner_name}您好：..."
 *       key: [plate, due]         fields making the notice key
 *       phone: phone              the field with the phone
 *       date: valid_to            the date field (licence, generic)
 *       lookup: {file: vehicles.tsv, by: plate, fields: [phone]}
 *       grid_field: grid          meeting: who is invited ...
 *       grid: 零陵区-南津-03        ... the residents of this grid
 *       at: "2026-12-05 19:30"    meeting: when and where
 *       place: 南津社区警务室
 *
 * Every mistake is reported in one run with file:line:column (cfg.h's
 * error list), exit 3.  Paths are resolved against the rules file's
 * folder.  Everything belongs to the struct sms_rules.
 */
#ifndef JW_SMSRULES_H
#define JW_SMSRULES_H

#include <stddef.h>

#include "base/tmpl.h"
#include "domain/vehicle.h"

#define SMS_MAX_LOOKUP 64	/* fields a lookup may give */

enum sms_kind {
	SMS_INSPECTION, SMS_SCRAP, SMS_LICENCE, SMS_VIOLATION, SMS_CASE,
	SMS_MEETING, SMS_GENERIC
};

struct sms_rule {
	const char *name;
	enum sms_kind kind;
	char *input;		/* resolved path, or NULL: stdin or operands */
	int window;		/* days before the date */
	struct tmpl *tmpl;
	const char *text;	/* the template as written */
	const char **key;	/* key names (fields or "due", "at") */
	size_t nkey;
	const char *phone;	/* phone field */
	const char *date;	/* date field (licence, generic) */
	char *lookup_file;	/* resolved path, or NULL */
	const char *lookup_by;
	const char **lookup_fields;
	size_t nlookup;
	const char *grid_field, *grid;
	const char *at, *place;
	unsigned line, col;	/* where the rule is, for messages */
};

struct sms_rules {
	const char *path;
	const char *signature;
	const char *sender;
	int sender_ton, sender_npi;
	int quiet_from, quiet_to;	/* minutes after midnight; equal: none */
	int max_per_phone, max_segments;
	char *opt_out;			/* resolved path or NULL */
	struct insp_sched *insp;
	size_t ninsp;
	struct scrap_rule *scrap;
	size_t nscrap;
	struct sms_rule *rules;
	size_t nrules;
	/* Internal. */
	struct cfg *cfg, *vcfg;
	void *mem;			/* the lists' storage */
};

/* Load the rules at path (and the default vehicle tables when it has
 * none).  Exits 3 with every error when the file is bad. */
struct sms_rules *sms_rules_load(const char *path);
/* The same from p[0..n) (named name in messages), without exiting: the
 * errors are counted by sms_rules_nerrors(), and a rules value with any
 * is only for freeing (for tests and fuzzing). */
struct sms_rules *sms_rules_parse(const char *name, const char *p, size_t n);
size_t sms_rules_nerrors(const struct sms_rules *r);
void sms_rules_free(struct sms_rules *r);
/* The rule called name, or NULL. */
const struct sms_rule *sms_rules_find(const struct sms_rules *r,
				      const char *name);
/* The name of a kind ("inspection"). */
const char *sms_kind_name(enum sms_kind k);

#endif
