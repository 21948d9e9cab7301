/* smsrules: sms-notify's rules YAML.  See smsrules.h and sms-notify(1). */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/cfg.h"
#include "base/util.h"
#include "domain/smsrules.h"

/* testdata/sms/vehicles.yaml, compiled in (smsrules_default.c). */
extern const char sms_vehicles_yaml[];
extern const size_t sms_vehicles_yaml_len;

#define MAX_RULES 256
#define MAX_LIST 256

static const char *const kind_names[] = {
	"inspection", "scrap", "licence", "violation", "case", "meeting",
	"generic"
};

const char *
sms_kind_name(enum sms_kind k)
{
	return kind_names[k];
}

/* A list of texts at key (absent: NULL, 0). */
static const char **
str_list(struct cfg *c, struct arena *a, const struct cfg_node *map,
	 const char *key, size_t *n)
{
	const struct cfg_node *l = cfg_opt(c, map, key, CFG_LIST,
					   "a list of text");
	const char **v;
	size_t i;

	*n = 0;
	if (l == NULL)
		return NULL;
	if (l->len > MAX_LIST) {
		cfg_error(c, l, key, "more than %d items", MAX_LIST);
		return NULL;
	}
	v = arena_alloc(a, (l->len + 1) * sizeof *v);
	for (i = 0; i < l->len; i++)
		v[i] = cfg_str(c, l->items[i], key);
	*n = l->len;
	return v;
}

static const char *
opt_str(struct cfg *c, const struct cfg_node *map, const char *key,
	const char *dflt)
{
	const struct cfg_node *n = cfg_opt(c, map, key, CFG_SCALAR, NULL);

	return n ? cfg_str(c, n, key) : dflt;
}

static long
opt_long(struct cfg *c, const struct cfg_node *map, const char *key,
	 long dflt, long min, long max)
{
	const struct cfg_node *n = cfg_get(map, key);

	return n ? cfg_long(c, n, key, min, max) : dflt;
}

static void
parse_match(struct cfg *c, struct arena *a, const struct cfg_node *m,
	    struct veh_match *v)
{
	v->uses = str_list(c, a, m, "use", &v->nuses);
	v->types = str_list(c, a, m, "vehicle_type", &v->ntypes);
	v->seats_max = (int)opt_long(c, m, "seats_max", 0, 0, 1000);
}

static const char *const sched_keys[] = {
	"name", "use", "vehicle_type", "seats_max", "every", NULL
};
static const char *const band_keys[] = { "until_years", "months", NULL };

static void
parse_sched(struct cfg *c, struct arena *a, const struct cfg_node *m,
	    struct insp_sched *s)
{
	const struct cfg_node *ev;
	struct insp_band *b;
	size_t i;

	cfg_known_keys(c, m, sched_keys);
	s->name = cfg_str(c, cfg_need(c, m, "name", CFG_SCALAR, NULL), "name");
	parse_match(c, a, m, &s->match);
	ev = cfg_need(c, m, "every", CFG_LIST, "a list of {until_years, "
		      "months}, the last without until_years");
	b = arena_alloc(a, (ev->len + 1) * sizeof *b);
	for (i = 0; i < ev->len; i++) {
		cfg_known_keys(c, ev->items[i], band_keys);
		b[i].months = (int)cfg_long(c, cfg_need(c, ev->items[i],
			"months", CFG_SCALAR, NULL), "months", 1, 120);
		b[i].until_years = (int)opt_long(c, ev->items[i],
						 "until_years", 0, 1, 100);
		if ((i + 1 < ev->len) != (b[i].until_years != 0))
			cfg_error(c, ev->items[i], "until_years",
				  i + 1 < ev->len ? "needed on every band but "
				  "the last" : "not on the last band (it "
				  "holds for ever after)");
		else if (i > 0 && b[i].until_years != 0 &&
			 b[i].until_years <= b[i - 1].until_years)
			cfg_error(c, ev->items[i], "until_years",
				  "expected more than %d (the band before)",
				  b[i - 1].until_years);
	}
	s->bands = b;
	s->nbands = ev->len;
}

static const char *const scrap_keys[] = {
	"name", "use", "vehicle_type", "seats_max", "years", NULL
};

static void
parse_scrap(struct cfg *c, struct arena *a, const struct cfg_node *m,
	    struct scrap_rule *s)
{
	cfg_known_keys(c, m, scrap_keys);
	s->name = cfg_str(c, cfg_need(c, m, "name", CFG_SCALAR, NULL), "name");
	parse_match(c, a, m, &s->match);
	s->years = (int)cfg_long(c, cfg_need(c, m, "years", CFG_SCALAR, NULL),
				 "years", 1, 100);
}

/* The vehicle tables of map m into r (the rules file's own or the
 * default's). */
static void
parse_tables(struct cfg *c, struct arena *a, const struct cfg_node *m,
	     struct sms_rules *r)
{
	const struct cfg_node *l;
	size_t i;

	l = cfg_need(c, m, "inspection", CFG_LIST, "a list of schedules");
	r->insp = arena_alloc(a, (l->len + 1) * sizeof *r->insp);
	for (i = 0; i < l->len; i++)
		parse_sched(c, a, l->items[i], &r->insp[i]);
	r->ninsp = l->len;
	l = cfg_need(c, m, "scrap", CFG_LIST, "a list of age limits");
	r->scrap = arena_alloc(a, (l->len + 1) * sizeof *r->scrap);
	for (i = 0; i < l->len; i++)
		parse_scrap(c, a, l->items[i], &r->scrap[i]);
	r->nscrap = l->len;
}

/* "HH:MM" as minutes after midnight, or -1. */
static int
hhmm(const char *s)
{
	if (strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' ||
	    s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '5' ||
	    s[4] < '0' || s[4] > '9')
		return -1;
	if ((s[0] - '0') * 10 + (s[1] - '0') > 23)
		return -1;
	return ((s[0] - '0') * 10 + s[1] - '0') * 60 +
	       (s[3] - '0') * 10 + s[4] - '0';
}

static void
parse_quiet(struct cfg *c, const struct cfg_node *root, struct sms_rules *r)
{
	const struct cfg_node *n = cfg_opt(c, root, "quiet_hours", CFG_SCALAR,
					   "\"HH:MM-HH:MM\" or \"\"");
	const char *s = n ? cfg_str(c, n, "quiet_hours") : "21:00-08:00";
	char a[6], b[6];

	r->quiet_from = r->quiet_to = 0;
	if (*s == '\0')
		return;
	if (strlen(s) == 11 && s[5] == '-') {
		memcpy(a, s, 5);
		a[5] = '\0';
		memcpy(b, s + 6, 5);
		b[5] = '\0';
		r->quiet_from = hhmm(a);
		r->quiet_to = hhmm(b);
	} else {
		r->quiet_from = -1;
	}
	if (r->quiet_from < 0 || r->quiet_to < 0) {
		cfg_error(c, n, "quiet_hours", "expected \"HH:MM-HH:MM\" (e.g. "
			  "\"21:00-08:00\") or \"\" for none");
		r->quiet_from = r->quiet_to = 0;
	}
}

/* path resolved against the rules file's folder (caller frees). */
static char *
resolve(const char *rules, const char *path)
{
	const char *slash = strrchr(rules, '/');
	struct buf b = BUF_INIT;

	if (path[0] == '/' || slash == NULL || strcmp(path, "-") == 0)
		return xstrdup(path);
	buf_add(&b, rules, (size_t)(slash - rules + 1));
	buf_adds(&b, path);
	return buf_detach(&b, NULL);
}

static const char *const rule_keys[] = {
	"name", "kind", "input", "window", "template", "key", "phone", "date",
	"lookup", "grid_field", "grid", "at", "place", NULL
};
static const char *const lookup_keys[] = { "file", "by", "fields", NULL };

/* The default key of each kind, as names of fields or of "due"/"at". */
static const char *const default_keys[SMS_GENERIC + 1][4] = {
	[SMS_INSPECTION] = { "plate", "due", NULL },
	[SMS_SCRAP] = { "plate", "due", NULL },
	[SMS_LICENCE] = { "id_no", "due", NULL },
	[SMS_VIOLATION] = { "plate", "time", "code", NULL },
	[SMS_CASE] = { "case_no", "stage", "id_no", NULL },
	[SMS_MEETING] = { "id_no", "at", NULL },
	[SMS_GENERIC] = { NULL },
};

static const int default_window[SMS_GENERIC + 1] = {
	[SMS_INSPECTION] = 30, [SMS_SCRAP] = 90, [SMS_LICENCE] = 90,
	[SMS_VIOLATION] = 30, [SMS_CASE] = 30, [SMS_GENERIC] = 7,
};

static int
kind_of(const char *s)
{
	size_t i;

	for (i = 0; i < JW_ARRAY_LEN(kind_names); i++)
		if (strcmp(s, kind_names[i]) == 0)
			return (int)i;
	return -1;
}

static void
parse_lookup(struct cfg *c, struct arena *a, const char *path,
	     const struct cfg_node *m, struct sms_rule *u)
{
	cfg_known_keys(c, m, lookup_keys);
	u->lookup_file = resolve(path, cfg_str(c, cfg_need(c, m, "file",
					CFG_SCALAR, NULL), "file"));
	u->lookup_by = cfg_str(c, cfg_need(c, m, "by", CFG_SCALAR, NULL), "by");
	u->lookup_fields = str_list(c, a, m, "fields", &u->nlookup);
	if (u->nlookup == 0)
		cfg_error(c, m, "fields", "expected the fields to take from "
			  "the lookup file");
	else if (u->nlookup > SMS_MAX_LOOKUP)
		cfg_error(c, m, "fields", "at most 64 fields");
}

static void
parse_rule(struct cfg *c, struct arena *a, const char *path,
	   const struct cfg_node *m, struct sms_rule *u)
{
	const struct cfg_node *n;
	struct buf err = BUF_INIT;
	const char *ks;
	int k;

	u->line = m->line;
	u->col = m->col;
	cfg_known_keys(c, m, rule_keys);
	n = cfg_need(c, m, "name", CFG_SCALAR, NULL);
	u->name = cfg_str(c, n, "name");
	for (ks = u->name; *ks != '\0'; ks++)
		if ((unsigned char)*ks < 0x20 || *ks == 0x7f || *ks == ',') {
			cfg_error(c, n, "name", "a rule name holds no control "
				  "characters or commas");
			break;
		}
	n = cfg_need(c, m, "kind", CFG_SCALAR, NULL);
	ks = cfg_str(c, n, "kind");
	k = kind_of(ks);
	if (k < 0 && *ks != '\0')
		cfg_error(c, n, "kind", "unknown kind '%s' (inspection, scrap, "
			  "licence, violation, case, meeting, generic)", ks);
	/* An unknown kind is one error: its other checks would only guess. */
	u->kind = k < 0 ? SMS_CASE : (enum sms_kind)k;
	ks = opt_str(c, m, "input", NULL);
	u->input = ks ? resolve(path, ks) : NULL;
	u->window = (int)opt_long(c, m, "window", default_window[u->kind], 0,
				  3650);
	n = cfg_need(c, m, "template", CFG_SCALAR, NULL);
	u->text = cfg_str(c, n, "template");
	u->tmpl = tmpl_parse(u->text, &err);
	if (u->tmpl == NULL)
		cfg_error(c, n, "template", "%s", err.p);
	buf_release(&err);
	u->key = str_list(c, a, m, "key", &u->nkey);
	if (u->key == NULL) {
		for (u->nkey = 0; default_keys[u->kind][u->nkey]; u->nkey++)
			;
		u->key = (const char **)default_keys[u->kind];
		if (u->nkey == 0)
			cfg_error(c, m, "key", "a generic rule needs 'key': "
				  "the fields that make a notice unique");
	}
	u->phone = opt_str(c, m, "phone", "phone");
	u->date = opt_str(c, m, "date", u->kind == SMS_LICENCE ? "valid_to" :
			  NULL);
	if (u->kind == SMS_GENERIC && u->date == NULL)
		cfg_error(c, m, "date", "a generic rule needs 'date': the "
			  "field with the date the window counts to");
	n = cfg_opt(c, m, "lookup", CFG_MAP, "a map with file, by, fields");
	if (n != NULL)
		parse_lookup(c, a, path, n, u);
	u->grid_field = opt_str(c, m, "grid_field", "grid");
	u->grid = opt_str(c, m, "grid", NULL);
	u->at = opt_str(c, m, "at", NULL);
	u->place = opt_str(c, m, "place", NULL);
	if (u->kind == SMS_MEETING && (u->grid == NULL || u->at == NULL ||
				       u->place == NULL))
		cfg_error(c, m, NULL, "a meeting rule needs 'grid', 'at' and "
			  "'place'");
}

static const char *const root_keys[] = {
	"signature", "sender", "sender_ton", "sender_npi", "quiet_hours",
	"max_per_phone", "max_segments", "opt_out", "inspection", "scrap",
	"rules", NULL
};

static void
parse_rules(struct cfg *c, struct arena *a, struct sms_rules *r)
{
	const struct cfg_node *root = cfg_root(c), *l;
	const char *s;
	size_t i, j;

	cfg_known_keys(c, root, root_keys);
	r->signature = opt_str(c, root, "signature", "");
	r->sender = opt_str(c, root, "sender", "");
	r->sender_ton = (int)opt_long(c, root, "sender_ton", 0, 0, 6);
	r->sender_npi = (int)opt_long(c, root, "sender_npi", 1, 0, 18);
	parse_quiet(c, root, r);
	r->max_per_phone = (int)opt_long(c, root, "max_per_phone", 0, 0, 1000);
	r->max_segments = (int)opt_long(c, root, "max_segments", 3, 1, 255);
	s = opt_str(c, root, "opt_out", NULL);
	r->opt_out = s ? resolve(r->path, s) : NULL;
	l = cfg_need(c, root, "rules", CFG_LIST, "a list of rules");
	if (l->len > MAX_RULES)
		cfg_error(c, l, "rules", "more than %d rules", MAX_RULES);
	r->rules = xcalloc(l->len + 1, sizeof *r->rules);
	for (i = 0; i < l->len && i < MAX_RULES; i++) {
		parse_rule(c, a, r->path, l->items[i], &r->rules[i]);
		r->nrules++;
		for (j = 0; j < i; j++)
			if (strcmp(r->rules[j].name, r->rules[i].name) == 0 &&
			    *r->rules[i].name != '\0')
				cfg_error(c, cfg_get(l->items[i], "name"),
					  "name", "rule '%s' again (first on "
					  "line %u)", r->rules[i].name,
					  r->rules[j].line);
	}
	if (cfg_get(root, "inspection") != NULL ||
	    cfg_get(root, "scrap") != NULL)
		parse_tables(c, a, root, r);
}

/* Parse the rules in c (and the default vehicle tables when it has
 * none); errors stay in the cfgs' lists. */
static struct sms_rules *
parse(struct cfg *c, const char *path)
{
	struct sms_rules *r = xcalloc(1, sizeof *r);
	struct arena *a = xcalloc(1, sizeof *a);
	static const char *const vkeys[] = { "inspection", "scrap", NULL };

	arena_init(a);
	r->mem = a;
	r->path = path;
	r->cfg = c;
	parse_rules(c, a, r);
	if (r->insp == NULL) {
		r->vcfg = cfg_load_mem("(built-in vehicles.yaml)",
				       sms_vehicles_yaml, sms_vehicles_yaml_len);
		cfg_known_keys(r->vcfg, cfg_root(r->vcfg), vkeys);
		parse_tables(r->vcfg, a, cfg_root(r->vcfg), r);
	}
	return r;
}

struct sms_rules *
sms_rules_load(const char *path)
{
	struct sms_rules *r = parse(cfg_load(path), path);

	cfg_done(r->cfg);
	if (r->vcfg != NULL)
		cfg_done(r->vcfg);
	return r;
}

struct sms_rules *
sms_rules_parse(const char *name, const char *p, size_t n)
{
	return parse(cfg_load_mem(name, p, n), name);
}

size_t
sms_rules_nerrors(const struct sms_rules *r)
{
	return cfg_nerrors(r->cfg) + (r->vcfg ? cfg_nerrors(r->vcfg) : 0);
}

void
sms_rules_free(struct sms_rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrules; i++) {
		tmpl_free(r->rules[i].tmpl);
		free(r->rules[i].input);
		free(r->rules[i].lookup_file);
	}
	free(r->rules);
	free(r->opt_out);
	cfg_free(r->cfg);
	cfg_free(r->vcfg);
	arena_release(r->mem);
	free(r->mem);
	free(r);
}

const struct sms_rule *
sms_rules_find(const struct sms_rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nrules; i++)
		if (strcmp(r->rules[i].name, name) == 0)
			return &r->rules[i];
	return NULL;
}
