/*
 * cases: the rules of case progress (case-status(1)).
 *
 * A case number is ours (DOMAIN file, section 3): a type letter, 'A'
 * criminal or 'X' administrative, the 6-digit region code, the 4-digit
 * year and a 6-digit serial, 17 characters, checked strictly.
 *
 * One YAML file (struct case_cfg, case_cfg_load()) maps the Chinese stage
 * names a bureau's export carries to the states of a fixed state machine
 * (below), gives each stage its time limit, lists the categories and which
 * of them are the eight serious ones, and the holidays a deadline skips.
 * The state machine itself is not configurable: it is the law's order.
 *
 *   criminal (A)    RECEIVED -> FILED | NOT_FILED
 *                   NOT_FILED -> FILED | CLOSED
 *                   FILED -> INVESTIGATING | SOLVED | REVOKED
 *                   INVESTIGATING -> SOLVED | REVOKED
 *                   SOLVED -> TRANSFERRED | REVOKED
 *                   TRANSFERRED -> CLOSED | INVESTIGATING (at most twice)
 *                   REVOKED -> CLOSED
 *   administrative  ACCEPTED -> INVESTIGATING | DECIDED | TERMINATED |
 *   (X)                         TO_CRIMINAL
 *                   INVESTIGATING -> DECIDED | TERMINATED | TO_CRIMINAL
 *                   DECIDED | TERMINATED | TO_CRIMINAL -> CLOSED
 *
 * A case starts with RECEIVED (A) or ACCEPTED (X).  An event in the state
 * the case is already in is no transition (it may carry an approved
 * extension, limit_days).  A complaint event (COMPLAINT) is allowed in any
 * state after the first event and changes nothing but the count.
 *
 * A case is hidden when any of its events has secret or privacy set to 1,
 * or leaves either empty (disclosure is opt-in); the caller also hides a
 * case with an event it rejected for a bad field (that event may be the
 * one that hides it: fail closed).  A transition the machine forbids does
 * not hide a case, but that event's own flags still count.
 *
 * The parties field holds items "role:id_no:name[:phone]" separated by
 * ';' (case_parties_parse()).
 *
 * Lifetimes: the struct case_cfg owns every string it hands out; free it
 * with case_cfg_free().  Nothing else allocates.
 */
#ifndef JW_CASES_H
#define JW_CASES_H

#include <stddef.h>
#include <stdint.h>

#define CASE_NO_LEN 17
#define CASE_MAX_PARTIES 64	/* items in one parties field */
#define CASE_MAX_STAGES 64	/* stage names in the YAML */
#define CASE_MAX_CATEGORIES 256
#define CASE_MAX_RETURNS 2	/* TRANSFERRED -> INVESTIGATING (补充侦查) */

enum case_state {
	CS_NONE = 0,	/* before the first event */
	CS_RECEIVED, CS_NOT_FILED, CS_FILED, CS_INVESTIGATING, CS_SOLVED,
	CS_TRANSFERRED, CS_REVOKED, CS_CLOSED,
	CS_ACCEPTED, CS_DECIDED, CS_TERMINATED, CS_TO_CRIMINAL,
	CS_COMPLAINT,
	CS_NSTATES
};

/* The state's name as the YAML spells it ("RECEIVED"), or NULL. */
const char *case_state_name(enum case_state s);

struct cfg;

/* One stage name of the YAML. */
struct case_stage {
	const char *name;	/* 受案 */
	size_t len;
	char type;		/* 'A' or 'X' */
	enum case_state state;
	int limit_days;		/* 0: no limit */
	int max_days;		/* the longest approved extension */
	int from_opened;	/* the limit counts from the case's opening */
	int public;		/* shown to the parties (lookup, changes) */
};

struct case_cfg {
	const char *path;
	struct case_stage stages[CASE_MAX_STAGES];
	size_t nstages;
	const char *categories[CASE_MAX_CATEGORIES];
	size_t catlen[CASE_MAX_CATEGORIES];
	unsigned char serious[CASE_MAX_CATEGORIES];
	size_t ncategories;
	const char *serious_name;	/* the group name of --serious */
	int32_t *holidays;		/* sorted day numbers */
	size_t nholidays;
	struct cfg *yaml;		/* owns the strings */
};

/* Load the case YAML at path (cases_load.c).  Every mistake of the file
 * is reported in one run, through cfg's error list (cfg.h): one line each,
 * "prog: file:line:col: ...", at most CFG_MAX_ERRORS and a count of the
 * rest, then exit 3.  Mistakes: unknown keys or states, a stage named
 * twice for one type, a state given to the wrong type, a limit out of
 * range, a type with no starting stage, a category listed twice, a
 * serious category that is not a category, a bad holiday. */
struct case_cfg *case_cfg_load(const char *path);
/* The same from memory (for tests and the fuzz harness); name is used in
 * messages.  On error returns NULL and sets *err (caller frees) to the
 * messages, one a line (without the program's name), instead of
 * exiting. */
struct case_cfg *case_cfg_load_mem(const char *name, const char *p, size_t n,
				   char **err);
/* The built-in default: testdata/cases/cases.yaml, compiled in. */
struct case_cfg *case_cfg_load_default(void);
void case_cfg_free(struct case_cfg *c);

/* The stage of type ('A' or 'X') named p[0..n), or NULL. */
const struct case_stage *case_stage_find(const struct case_cfg *c, char type,
					 const char *p, size_t n);
/* The category's index, or -1 when the YAML does not list it. */
int case_category(const struct case_cfg *c, const char *p, size_t n);

/* 0 if p[0..n) is a valid case number, else -1 and *why (static text). */
int case_no_check(const char *p, size_t n, const char **why);

/* 1 if a case of type in state from may move to state to, else 0.  (The
 * return limit of TRANSFERRED -> INVESTIGATING is checked by the fold.) */
int case_transition_ok(char type, enum case_state from, enum case_state to);
/* 1 if state s is one of type's ('A' or 'X'; COMPLAINT is neither's). */
int case_state_of_type(char type, enum case_state s);

/* The deadline: day start + days calendar days (the start day itself is
 * not counted), moved on past holidays. */
int32_t case_due(const struct case_cfg *c, int32_t start, int days);
/* 1 if day is a holiday of the YAML. */
int case_is_holiday(const struct case_cfg *c, int32_t day);

/* One item of a parties field: views into the field's text. */
struct case_party {
	const char *role, *id, *name, *phone;
	size_t rolelen, idlen, namelen, phonelen;	/* phonelen 0: none */
};

/* Split the parties field p[0..n) into out[0..max).  Each item must have
 * a non-empty role, a valid 18-character ID number (idno.h; lowercase x
 * not accepted, since lookups compare bytes), a non-empty name without
 * ':' and, if present, a mainland mobile phone of 11 digits.  An empty
 * field has no parties.  Returns the count, or -1 with *why (static text)
 * and *item (1-based) on the first bad item. */
int case_parties_parse(const char *p, size_t n, struct case_party *out,
		       size_t max, const char **why, size_t *item);

/* One event of a case, as the fold needs it. */
struct case_event {
	int64_t time;		/* datetime.h seconds */
	uint32_t seq;		/* input order, for ties */
	const struct case_stage *stage;
	int16_t limit_days;	/* -1: none given */
	uint8_t hidden;		/* secret or privacy set, empty, or bad */
	uint8_t rejected;	/* set by case_fold() */
	uint32_t ref;		/* the caller's */
};

/* Where a case stands after its events. */
struct case_fold {
	const struct case_stage *stage;	/* current (never a complaint) */
	int64_t stage_since, opened, filed_at, solved_at, closed_at;
	/* INT64_MIN when not reached */
	uint32_t events, complaints, rejected;
	int hidden;
	int limit_days;		/* the current stage's limit, extensions applied */
};

#define CASE_NO_TIME INT64_MIN

/* Sort ev[0..n) by time (ties keep seq order) and walk them through the
 * state machine.  An event the machine forbids is marked rejected and
 * reported to rej (may be NULL) with a reason naming both stages, e.g.
 * "stage '破案' cannot follow '受案'"; the fold goes on from the state
 * before it.  why points into a buffer valid until the next call of rej.
 * Fills *f.  The events' stages must all be of the case's type. */
void case_fold_events(const struct case_cfg *c, struct case_event *ev,
		      size_t n, struct case_fold *f,
		      void (*rej)(void *ctx, const struct case_event *e,
				  const char *why),
		      void *ctx);

/* The deadline of the current stage, or DATE_NONE when it has no limit.
 * Counted from the opening day for stages with from_opened. */
int32_t case_fold_due(const struct case_cfg *c, const struct case_fold *f);

#endif
