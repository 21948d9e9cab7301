/* Unit tests for lib/domain/smspend.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/smpp.h"
#include "domain/smspend.h"
#include "rec/rec.h"

Test(smspend, slots_are_reused_once_done)
{
	struct sms_pendtab t;
	struct sms_pending *p;
	size_t a, b, c;

	smspend_init(&t);
	p = smspend_new(&t, &a);
	cr_assert(p->used);
	buf_adds(&p->row, "row a");
	smspend_new(&t, &b);
	cr_assert_neq(a, b);
	cr_assert_eq(t.n, 2);
	smspend_done(smspend_at(&t, a));
	cr_assert(!smspend_at(&t, a)->used);
	p = smspend_new(&t, &c);
	cr_assert_eq(c, a, "the free slot is taken again");
	cr_assert_eq(p->row.len, 0, "emptied");
	cr_assert_eq(p->answered, 0);
	cr_assert_eq(t.n, 2);
	smspend_release(&t);
}

Test(smspend, many_slots_keep_their_indexes)
{
	struct sms_pendtab t;
	size_t i, ix;

	smspend_init(&t);
	for (i = 0; i < 100; i++) {
		smspend_new(&t, &ix);
		cr_assert_eq(ix, i);
		buf_printf(&smspend_at(&t, ix)->row, "%zu", i);
	}
	for (i = 0; i < 100; i++) {
		char want[8];

		snprintf(want, sizeof want, "%zu", i);
		cr_assert_str_eq(smspend_at(&t, i)->row.p, want);
	}
	smspend_release(&t);
}

Test(smspend, answers_collect_ids_until_the_last_part)
{
	struct sms_pendtab t;
	struct sms_pending *p;
	size_t ix;

	smspend_init(&t);
	p = smspend_new(&t, &ix);
	p->parts = 3;
	cr_assert_eq(smspend_answer(p, 0, "m1"), 0);
	cr_assert_eq(smspend_answer(p, 0, "m2"), 0);
	cr_assert_eq(smspend_answer(p, 0, "m3"), 1);
	cr_assert_str_eq(p->ids.p, "m1,m2,m3");
	cr_assert_eq(p->status, 0);
	smspend_release(&t);
}

Test(smspend, the_first_error_stays_but_a_lost_connection_wins)
{
	struct sms_pendtab t;
	struct sms_pending *p;
	size_t ix;

	smspend_init(&t);
	p = smspend_new(&t, &ix);
	p->parts = 3;
	smspend_answer(p, 0x45, NULL);
	smspend_answer(p, 0x58, NULL);
	cr_assert_eq(p->status, 0x45);
	cr_assert_eq(smspend_answer(p, SMPP_LOST, NULL), 1);
	cr_assert_eq(p->status, SMPP_LOST);
	smspend_release(&t);
}

Test(smspend, keep_copies_the_record_and_its_nulls)
{
	struct sms_pendtab t;
	struct sms_pending *p;
	struct rec_str f[2];
	struct rec r;
	char plate[] = "湘M12345";
	size_t ix;

	f[0].p = plate;
	f[0].len = strlen(plate);
	f[1].p = rec_null;
	f[1].len = 0;
	memset(&r, 0, sizeof r);
	r.f = f;
	r.n = 2;
	r.file = "v.tsv";
	r.line = 7;
	r.raw = "x";
	r.rawlen = 1;
	smspend_init(&t);
	p = smspend_new(&t, &ix);
	smspend_keep(p, NULL, &r);
	memset(plate, 'x', strlen(plate));	/* the reader moves on */
	cr_assert_eq(p->copy.n, 2);
	cr_assert_eq(p->copy.f[0].len, strlen("湘M12345"));
	cr_assert_eq(memcmp(p->copy.f[0].p, "湘M12345", p->copy.f[0].len), 0);
	cr_assert(rec_str_is_null(p->copy.f[1]));
	cr_assert_eq(p->copy.line, 7);
	cr_assert_null(p->copy.raw, "no raw line: the copy is rewritten");
	smspend_done(p);
	cr_assert_null(p->copy.f);
	smspend_release(&t);
}

Test(smspend, the_batch)
{
	struct sms_pendtab t;
	size_t i;

	smspend_init(&t);
	for (i = 0; i < 40; i++)
		cr_assert_eq(smspend_batch_add(&t, 100 + i), i + 1);
	cr_assert_eq(t.batch[39], 139);
	smspend_batch_clear(&t);
	cr_assert_eq(t.nbatch, 0);
	cr_assert_eq(smspend_batch_add(&t, 5), 1);
	smspend_release(&t);
}
