/*
 * fuzz_stages: libFuzzer harness for case-status's stage YAML
 * (lib/domain/cases.c, case_cfg_load_mem()).
 *
 * A load either fails with a message naming the file, or gives a
 * configuration whose every stage is found again by its type and name,
 * maps to a state of its type, and has limits in range; holidays are
 * sorted and deadlines never land on one.  Never exits, keeps no state.
 * See tests/fuzz/run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/cases.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct case_cfg *c;
	const struct case_stage *st;
	char *err = NULL;
	size_t i;
	int32_t day;

	c = case_cfg_load_mem("fuzz.yaml", (const char *)d, n, &err);
	if (c == NULL) {
		if (err == NULL || strncmp(err, "fuzz.yaml", 9) != 0)
			abort();
		free(err);
		return 0;
	}
	for (i = 0; i < c->nstages; i++) {
		st = &c->stages[i];
		if (st->len != strlen(st->name) || st->len == 0)
			abort();
		if (case_stage_find(c, st->type ? st->type : 'A', st->name,
				    st->len) == NULL)
			abort();
		if (case_state_name(st->state) == NULL)
			abort();
		if (st->limit_days < 0 || st->max_days < st->limit_days)
			abort();
		if (st->type != 0 && st->state != CS_COMPLAINT &&
		    !case_transition_ok(st->type, CS_NONE, st->state) &&
		    st->state == (st->type == 'A' ? CS_RECEIVED : CS_ACCEPTED))
			abort();
	}
	for (i = 1; i < c->nholidays; i++)
		if (c->holidays[i - 1] > c->holidays[i])
			abort();
	for (i = 0; i < c->nholidays && i < 64; i++) {
		day = case_due(c, c->holidays[i], 0);
		if (case_is_holiday(c, day) || day < c->holidays[i])
			abort();
	}
	for (i = 0; i < c->ncategories; i++)
		if (case_category(c, c->categories[i], c->catlen[i]) !=
		    (int)i)
			abort();
	case_cfg_free(c);
	return 0;
}
