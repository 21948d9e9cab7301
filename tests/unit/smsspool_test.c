/* Unit tests for lib/domain/smsspool.c. */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "base/buf.h"
#include "domain/smsspool.h"
#include "domain/smstext.h"

TESTUTIL_SUITE(smsspool);

static struct smsspool *
open_ok(const char *dir)
{
	struct buf err = BUF_INIT;
	struct smsspool *sp;
	int usage = -1;

	sp = smsspool_open(dir, &err, &usage);
	cr_assert_not_null(sp, "%s", err.p ? err.p : "");
	cr_assert_eq(usage, 0);
	buf_release(&err);
	return sp;
}

static void
put_ok(struct smsspool *sp, const char *name, const char *text)
{
	struct buf err = BUF_INIT;
	struct sms_info info;

	cr_assert_eq(sms_measure(text, strlen(text), &info), 0);
	cr_assert_eq(smsspool_put(sp, name, "13807461234", text, strlen(text),
				  &info, &err), 0, "%s", err.p ? err.p : "");
	buf_release(&err);
}

static size_t
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

Test(smsspool, gsm7_text_as_utf8)
{
	struct smsspool *sp;

	cr_assert_eq(mkdir(tpath("out"), 0755), 0);
	sp = open_ok(tpath("out"));
	put_ok(sp, "jingwu-a", "Hello 123");
	smsspool_close(sp);
	assert_file(tpath("out/jingwu-a"),
		    "To: 8613807461234\nAlphabet: UTF-8\n\nHello 123");
}

Test(smsspool, ucs2_text_as_utf16be_in_one_part)
{
	struct smsspool *sp;
	char *got;
	size_t n, i;
	/* 80 Chinese characters: two parts on the wire, one file here. */
	char text[80 * 3 + 1];

	for (i = 0; i < 80; i++)
		memcpy(text + 3 * i, "永", 3);
	text[240] = '\0';
	cr_assert_eq(mkdir(tpath("out"), 0755), 0);
	sp = open_ok(tpath("out"));
	put_ok(sp, "jingwu-b", text);
	smsspool_close(sp);
	got = slurp(tpath("out/jingwu-b"), &n);
	cr_assert_eq(memcmp(got, "To: 8613807461234\nAlphabet: UCS2\n\n", 34), 0);
	cr_assert_eq(n, 34 + 160);
	/* U+6C38 永, big-endian, every time. */
	for (i = 34; i < n; i += 2)
		cr_assert(got[i] == 0x6c && got[i + 1] == 0x38, "at %zu", i);
	free(got);
}

/* Readable by smsd (the folder's owner and group), whatever the umask,
 * and nothing left in the temporaries' folder. */
Test(smsspool, mode_0640_owner_of_the_folder_under_umask_077)
{
	struct smsspool *sp;
	struct stat st, dst;
	mode_t old = umask(077);

	cr_assert_eq(mkdir(tpath("out"), 0770), 0);
	if (geteuid() == 0)	/* as root: the folder is another user's */
		cr_assert_eq(chown(tpath("out"), 65534, 65534), 0);
	cr_assert_eq(stat(tpath("out"), &dst), 0);
	sp = open_ok(tpath("out"));
	put_ok(sp, "jingwu-c", "x");
	smsspool_close(sp);
	umask(old);
	cr_assert_eq(stat(tpath("out/jingwu-c"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640, "mode %o", st.st_mode & 07777);
	cr_assert_eq(st.st_gid, dst.st_gid);
	if (geteuid() == 0)
		cr_assert_eq(st.st_uid, 65534);
	else
		cr_assert_eq(st.st_uid, geteuid());
	cr_assert_eq(entries(tpath(".sms-notify.tmp")), 0);
	cr_assert_eq(entries(tpath("out")), 1);
}

Test(smsspool, a_file_is_replaced_whole)
{
	struct smsspool *sp;

	cr_assert_eq(mkdir(tpath("out"), 0755), 0);
	sp = open_ok(tpath("out"));
	put_ok(sp, "jingwu-d", "first");
	put_ok(sp, "jingwu-d", "second");
	smsspool_close(sp);
	assert_file(tpath("out/jingwu-d"),
		    "To: 8613807461234\nAlphabet: UTF-8\n\nsecond");
}

Test(smsspool, open_errors)
{
	struct buf err = BUF_INIT;
	int usage = -1;
	char slash[300];

	cr_assert_null(smsspool_open(tpath("none"), &err, &usage));
	cr_assert_eq(usage, 0);
	cr_assert(strstr(err.p, "none: no such spool folder") != NULL, "%s",
		  err.p);
	buf_reset(&err);
	cr_assert_eq(mkdir(tpath("out"), 0755), 0);
	snprintf(slash, sizeof slash, "%s/", tpath("out"));
	cr_assert_null(smsspool_open(slash, &err, &usage));
	cr_assert_eq(usage, 1);
	cr_assert_str_eq(err.p, "--spool: name the folder without a "
			 "trailing '/'");
	buf_release(&err);
}

Test(smsspool, a_file_that_cannot_be_written)
{
	struct smsspool *sp;
	struct buf err = BUF_INIT;
	struct sms_info info;

	cr_assert_eq(mkdir(tpath("out"), 0755), 0);
	sp = open_ok(tpath("out"));
	cr_assert_eq(sms_measure("x", 1, &info), 0);
	/* A name under a folder that is not there. */
	cr_assert_eq(smsspool_put(sp, "no/such", "13807461234", "x", 1, &info,
				  &err), -1);
	cr_assert(strstr(err.p, "out/no/such: cannot write: ") != NULL, "%s",
		  err.p);
	buf_release(&err);
	smsspool_close(sp);
}
