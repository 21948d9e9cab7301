/* diag and util: the message shape, -q, exit statuses. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"

static void
quiet_setup(void)
{
	diag_prog = "t";
	diag_quiet = 0;
	cr_redirect_stderr();
}

Test(diag, error_is_prog_colon_message, .init = quiet_setup)
{
	diag_error("%s:%d: field '%s': not a date", "a.tsv", 3, "opened");
	fflush(stderr);
	cr_assert_stderr_eq_str("t: a.tsv:3: field 'opened': not a date\n");
}

Test(diag, warning_is_silenced_by_quiet, .init = quiet_setup)
{
	diag_warn("grid '%s' is empty", "A");
	diag_quiet = 1;
	diag_warn("not shown");
	diag_quiet = 0;
	fflush(stderr);
	cr_assert_stderr_eq_str("t: warning: grid 'A' is empty\n");
}

Test(diag, die_exits_with_its_status, .init = quiet_setup, .exit_code = 3)
{
	diag_die(JW_EXIT_CONFIG, "grid.yaml:1:1: bad");
}

Test(diag, long_message_is_cut_not_overrun, .init = quiet_setup)
{
	char big[10000];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	diag_error("%s", big);
	fflush(stderr);
	/* One line, cut to the 4 KiB line buffer: "t: x...x\n". */
	{
		FILE *f = cr_get_redirected_stderr();
		char got[12000];
		size_t n = fread(got, 1, sizeof got, f);

		cr_assert_eq(n, 4096);
		cr_assert_eq(memcmp(got, "t: xxx", 6), 0);
		cr_assert_eq(got[4095], '\n');
	}
}

Test(util, xmemdup_adds_nul)
{
	char *p = xmemdup("ab\0cd", 5);

	cr_assert_eq(memcmp(p, "ab\0cd", 6), 0);
	free(p);
	p = xstrdup("中文");
	cr_assert_str_eq(p, "中文");
	free(p);
}

Test(util, xreallocarray_overflow_exits_5, .exit_code = 5)
{
	diag_prog = "t";
	cr_redirect_stderr();
	xreallocarray(NULL, (size_t)-1 / 2, 4);
}

Test(util, zero_sized_allocations_are_usable)
{
	void *a = xmalloc(0), *b = xcalloc(0, 0), *c = xrealloc(NULL, 0);

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_not_null(c);
	free(a);
	free(b);
	free(c);
}
