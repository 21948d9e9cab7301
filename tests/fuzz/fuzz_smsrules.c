/*
 * fuzz_smsrules: libFuzzer harness for sms-notify's rules YAML
 * (lib/domain/smsrules.c), through sms_rules_parse(), which never exits.
 * A rules value without errors is walked (every rule, template and table)
 * so that a bad pointer shows.  See tests/fuzz/run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/tmpl.h"
#include "domain/smsrules.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static volatile size_t sink;

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct sms_rules *r = sms_rules_parse("fuzz.yaml", (const char *)d, n);
	size_t i, k, h = 0;

	if (sms_rules_nerrors(r) == 0) {
		for (i = 0; i < r->nrules; i++) {
			const struct sms_rule *u = &r->rules[i];

			h += strlen(u->name) + strlen(u->text) + u->nkey;
			if (u->tmpl == NULL)
				abort();
			for (k = 0; k < tmpl_nnames(u->tmpl); k++)
				h += strlen(tmpl_name(u->tmpl, k));
			if (sms_rules_find(r, u->name) == NULL)
				abort();
		}
		for (i = 0; i < r->ninsp; i++)
			for (k = 0; k < r->insp[i].nbands; k++)
				h += (size_t)r->insp[i].bands[k].months;
		for (i = 0; i < r->nscrap; i++)
			h += (size_t)r->scrap[i].years;
	}
	sink = h;
	sms_rules_free(r);
	return 0;
}
