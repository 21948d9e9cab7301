/* zio: input streams (plain, gzip with every member, iconv) and output
 * streams (temporary beside the target, rename on commit, write errors). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#include <criterion/criterion.h>

#include "base/diag.h"
#include "testutil.h"
#include "base/zio.h"

/* ---- fixtures ---- */

TESTUTIL_SUITE(zio);

/* Bytes built up by a test. */
struct bytes {
	char *p;
	size_t len;
};

/* One gzip member of p[0..n) appended to out (as gzip(1) writes it). */
static void
gz_member(struct bytes *out, const char *p, size_t n)
{
	z_stream zs;
	size_t cap = n + 128;

	memset(&zs, 0, sizeof zs);
	cr_assert_eq(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
				  Z_DEFAULT_STRATEGY), Z_OK);
	out->p = realloc(out->p, out->len + cap);
	cr_assert_not_null(out->p);
	zs.next_in = (unsigned char *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	zs.next_out = (unsigned char *)out->p + out->len;
	zs.avail_out = (uInt)cap;
	cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	out->len += cap - zs.avail_out;
	deflateEnd(&zs);
}

static struct zin *
zopen(const char *path, const char *enc)
{
	char *err = NULL;
	struct zin *z = zin_open(path, enc, &err);

	cr_assert_not_null(z, "%s: %s", path, err ? err : "?");
	return z;
}

/* Read z to its end or error in chunks of at most chunk bytes; *r gets
 * the last zin_read() result (0 or -1).  Caller frees. */
static char *
read_all(struct zin *z, size_t chunk, size_t *n, ssize_t *r)
{
	size_t len = 0, cap = 0;
	char *p = NULL;
	ssize_t k;

	for (;;) {
		if (cap - len < chunk + 1)
			p = realloc(p, cap = cap * 2 + chunk + 1);
		cr_assert_not_null(p);
		k = zin_read(z, p + len, chunk);
		if (k <= 0)
			break;
		cr_assert_leq((size_t)k, chunk);
		len += (size_t)k;
	}
	p[len] = '\0';
	*n = len;
	*r = k;
	return p;
}

/* The names in the temporary directory, sorted, joined by spaces. */
static char *
dir_list(void)
{
	struct dirent **ent;
	char *s = calloc(1, 4096);
	int n, i;

	cr_assert_not_null(s);
	n = scandir(tdir, &ent, NULL, alphasort);
	cr_assert_geq(n, 0);
	for (i = 0; i < n; i++) {
		if (strcmp(ent[i]->d_name, ".") != 0 &&
		    strcmp(ent[i]->d_name, "..") != 0) {
			if (s[0] != '\0')
				strcat(s, " ");
			strcat(s, ent[i]->d_name);
		}
		free(ent[i]);
	}
	free(ent);
	return s;
}

static void
assert_dir(const char *want)
{
	char *got = dir_list();

	cr_assert_str_eq(got, want);
	free(got);
}

/* ---- input ---- */

Test(zio, plain_file_in_small_reads)
{
	const char *p = PUT("a.tsv", "a\tb\n中文\t2\n");
	struct zin *z = zopen(p, NULL);
	size_t n;
	ssize_t r;
	char *got;

	cr_assert_str_eq(zin_name(z), p);
	got = read_all(z, 3, &n, &r);
	cr_assert_eq(r, 0);
	cr_assert_eq(n, strlen("a\tb\n中文\t2\n"));
	cr_assert_str_eq(got, "a\tb\n中文\t2\n");
	cr_assert_eq(zin_bytes(z), n);
	cr_assert_eq(zin_read(z, got, 10), 0, "the end stays the end");
	free(got);
	zin_close(z);
}

Test(zio, empty_and_one_byte_files)
{
	struct zin *z = zopen(PUT("e", ""), NULL);
	char b[8];

	cr_assert_eq(zin_read(z, b, sizeof b), 0);
	zin_close(z);
	/* Half a gzip magic is just a byte. */
	z = zopen(PUT("one", "\x1f"), NULL);
	cr_assert_eq(zin_read(z, b, sizeof b), 1);
	cr_assert_eq(b[0], '\x1f');
	cr_assert_eq(zin_read(z, b, sizeof b), 0);
	zin_close(z);
}

Test(zio, stdin_by_dash_and_null)
{
	const char *p = PUT("in", "x\ny\n");
	struct zin *z;
	size_t n;
	ssize_t r;
	char *got;
	int fd = open(p, O_RDONLY);

	cr_assert_geq(fd, 0);
	cr_assert_eq(dup2(fd, 0), 0);
	close(fd);
	z = zopen("-", NULL);
	cr_assert_str_eq(zin_name(z), "<stdin>");
	got = read_all(z, 100, &n, &r);
	cr_assert_str_eq(got, "x\ny\n");
	free(got);
	zin_close(z);
	z = zopen(NULL, NULL);
	cr_assert_str_eq(zin_name(z), "<stdin>");
	zin_close(z);
}

Test(zio, open_errors)
{
	const char *p = tpath("missing");
	char *err = NULL, want[512];

	cr_assert_null(zin_open(p, NULL, &err));
	snprintf(want, sizeof want, "%s: cannot open: No such file or "
		 "directory", p);
	cr_assert_str_eq(err, want);
	free(err);
	err = NULL;
	cr_assert_null(zin_open(PUT("x", "x"), "no-such-charset", &err));
	cr_assert_str_eq(err, "unknown encoding 'no-such-charset'");
	free(err);
	err = NULL;
	cr_assert_null(zin_open(tdir, NULL, &err));
	snprintf(want, sizeof want, "%s: read error: Is a directory", tdir);
	cr_assert_str_eq(err, want);
	free(err);
}

Test(zio, gzip_every_member)
{
	struct bytes g = { NULL, 0 };
	const char *p;
	struct zin *z;
	size_t n, size;
	ssize_t r;
	char *got;

	gz_member(&g, "a\tb\n", 4);
	gz_member(&g, "", 0);			/* an empty member */
	gz_member(&g, "1\t2\n", 4);
	gz_member(&g, "三\t4\n", strlen("三\t4\n"));
	size = g.len;
	p = put_file("m.tsv.gz", g.p, g.len);
	z = zopen(p, NULL);
	got = read_all(z, 1, &n, &r);
	cr_assert_eq(r, 0, "%s", zin_error(z));
	cr_assert_str_eq(got, "a\tb\n1\t2\n三\t4\n");
	cr_assert_eq(zin_bytes(z), size, "compressed bytes are counted");
	free(got);
	zin_close(z);
	/* Magic bytes, not the name, say gzip; stdin too. */
	p = put_file("noext", g.p, g.len);
	cr_assert_eq(dup2(open(p, O_RDONLY), 0), 0);
	z = zopen("-", NULL);
	got = read_all(z, 4096, &n, &r);
	cr_assert_eq(r, 0);
	cr_assert_str_eq(got, "a\tb\n1\t2\n三\t4\n");
	free(got);
	zin_close(z);
	free(g.p);
}

Test(zio, gzip_truncated_is_an_error)
{
	struct bytes g = { NULL, 0 };
	size_t one, n;
	struct zin *z;
	ssize_t r;
	char *got;

	gz_member(&g, "first\n", 6);
	one = g.len;
	gz_member(&g, "second\n", 7);
	/* Cut inside the second member: the first one's bytes come, then
	 * the error. */
	z = zopen(put_file("t2.gz", g.p, g.len - 5), NULL);
	got = read_all(z, 4096, &n, &r);
	cr_assert_eq(r, -1);
	cr_assert_str_eq(zin_error(z), "truncated gzip data (member 2)");
	cr_assert_eq(strncmp(got, "first\n", n < 6 ? n : 6), 0);
	free(got);
	zin_close(z);
	/* Only the trailer (CRC, size) of the only member is missing. */
	z = zopen(put_file("t1.gz", g.p, one - 8), NULL);
	got = read_all(z, 4096, &n, &r);
	cr_assert_eq(r, -1);
	cr_assert_str_eq(zin_error(z), "truncated gzip data (member 1)");
	free(got);
	zin_close(z);
	/* Just the magic. */
	z = zopen(put_file("t0.gz", g.p, 2), NULL);
	got = read_all(z, 4096, &n, &r);
	cr_assert_eq(r, -1);
	cr_assert_eq(n, 0);
	cr_assert_str_eq(zin_error(z), "truncated gzip data (member 1)");
	free(got);
	zin_close(z);
	free(g.p);
}

Test(zio, gzip_bad_crc_and_trailing_garbage)
{
	struct bytes g = { NULL, 0 };
	size_t n;
	struct zin *z;
	ssize_t r;
	char *got;

	gz_member(&g, "data\n", 5);
	g.p[g.len - 8] ^= 0x55;			/* the CRC */
	z = zopen(put_file("crc.gz", g.p, g.len), NULL);
	got = read_all(z, 4096, &n, &r);
	cr_assert_eq(r, -1);
	cr_assert_str_eq(zin_error(z),
			 "corrupt gzip data (member 1): incorrect data check");
	free(got);
	zin_close(z);
	g.p[g.len - 8] ^= 0x55;
	g.p = realloc(g.p, g.len + 4);
	memcpy(g.p + g.len, "junk", 4);
	z = zopen(put_file("junk.gz", g.p, g.len + 4), NULL);
	got = read_all(z, 4096, &n, &r);
	cr_assert_eq(r, -1);
	cr_assert_str_eq(got, "data\n");
	cr_assert_str_eq(zin_error(z),
			 "corrupt gzip data (member 2): incorrect header check");
	free(got);
	zin_close(z);
	free(g.p);
}

Test(zio, iconv_gb18030_to_utf8)
{
	/* 姓名\t张三\n in GB18030; "utf-8" and "UTF8" mean no conversion. */
	const char *p = PUT("gb.tsv", "\xd0\xd5\xc3\xfb\t\xd5\xc5\xc8\xfd\n");
	struct zin *z = zopen(p, "gb18030");
	size_t n;
	ssize_t r;
	char *got = read_all(z, 5, &n, &r);

	cr_assert_eq(r, 0, "%s", zin_error(z));
	cr_assert_str_eq(got, "姓名\t张三\n");
	cr_assert_eq(zin_bytes(z), 10);
	free(got);
	zin_close(z);
	z = zopen(PUT("u.tsv", "中\n"), "UTF8");
	got = read_all(z, 100, &n, &r);
	cr_assert_str_eq(got, "中\n");
	free(got);
	zin_close(z);
	z = zopen(PUT("u.tsv", "中\n"), "utf-8");
	got = read_all(z, 100, &n, &r);
	cr_assert_str_eq(got, "中\n");
	free(got);
	zin_close(z);
}

Test(zio, iconv_passes_invalid_bytes_through)
{
	struct zin *z;
	size_t n;
	ssize_t r;
	char *got;

	/* The bad byte comes out unconverted (never valid UTF-8), so the
	 * record reader rejects its line and reads on. */
	z = zopen(PUT("bad", "ab\xd5\xc5\xff" "cd"), "gb18030");
	got = read_all(z, 100, &n, &r);
	cr_assert_eq(r, 0);
	cr_assert_eq(n, 8);
	cr_assert_eq(memcmp(got, "ab张\xff" "cd", 8), 0);
	free(got);
	zin_close(z);
	z = zopen(PUT("cut", "ab\xd5"), "GB18030");
	got = read_all(z, 100, &n, &r);
	cr_assert_eq(r, 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(memcmp(got, "ab\xd5", 3), 0);
	free(got);
	zin_close(z);
}

Test(zio, iconv_across_blocks_and_gzip)
{
	/* 150000 two-byte characters (300 kB, several conversion blocks),
	 * then an invalid byte, passed through at the end. */
	size_t k = 150000, i, n;
	char *src = malloc(2 * k + 1), *got;
	struct bytes g = { NULL, 0 };
	struct zin *z;
	ssize_t r;

	cr_assert_not_null(src);
	for (i = 0; i < k; i++)
		memcpy(src + 2 * i, "\xd5\xc5", 2);
	src[2 * k] = '\x80';
	gz_member(&g, src, 2 * k + 1);
	z = zopen(put_file("big.gz", g.p, g.len), "gb18030");
	got = read_all(z, 4099, &n, &r);
	cr_assert_eq(r, 0);
	cr_assert_eq(n, 3 * k + 1);
	for (i = 0; i < k; i++)
		cr_assert_eq(memcmp(got + 3 * i, "张", 3), 0, "char %zu", i);
	cr_assert_eq((unsigned char)got[3 * k], 0x80);
	free(got);
	zin_close(z);
	free(src);
	free(g.p);
}

/* ---- output ---- */

Test(zio, out_temp_beside_then_renamed)
{
	const char *path = tpath("out.tsv");
	struct zout *z;
	char *names;
	struct stat st;
	mode_t old = umask(022);

	z = zout_open(path, 0);
	cr_assert_str_eq(zout_name(z), path);
	zout_write(z, "a\n", 2);
	zout_write(z, "中\n", strlen("中\n"));
	/* Only a dot-named temporary exists until the commit. */
	names = dir_list();
	cr_assert_eq(strncmp(names, ".out.tsv.", 9), 0, "%s", names);
	cr_assert_eq(strlen(names), strlen(".out.tsv.XXXXXX"), "%s", names);
	free(names);
	cr_assert_eq(access(path, F_OK), -1);
	zout_close(z, 1);
	assert_dir("out.tsv");
	assert_file(path, "a\n中\n");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644);
	umask(old);
}

Test(zio, out_no_commit_leaves_nothing)
{
	const char *path = tpath("out.tsv");
	struct zout *z = zout_open(path, 0);

	zout_write(z, "partial", 7);
	zout_close(z, 0);
	assert_dir("");
	/* An existing file is left as it was. */
	PUT("out.tsv", "old\n");
	z = zout_open(path, 1);
	zout_write(z, "new\n", 4);
	zout_close(z, 0);
	assert_dir("out.tsv");
	assert_file(path, "old\n");
	/* And replaced on commit. */
	z = zout_open(path, 0);
	zout_write(z, "new\n", 4);
	zout_close(z, 1);
	assert_dir("out.tsv");
	assert_file(path, "new\n");
}

Test(zio, out_temp_removed_at_exit)
{
	const char *path = tpath("out.tsv");

	EXPECT_EXIT(3, "", {
		struct zout *z = zout_open(path, 0);

		zout_write(z, "x", 1);
		exit(3);
	});
	assert_dir("");
}

Test(zio, out_gzip_round_trip)
{
	const char *path = tpath("o.gz");
	struct zout *z = zout_open(path, 1);
	struct zin *in;
	size_t n, i;
	ssize_t r;
	char *got, line[32];

	for (i = 0; i < 20000; i++) {
		snprintf(line, sizeof line, "%zu\t第%zu\n", i, i);
		zout_write(z, line, strlen(line));
	}
	zout_close(z, 1);
	assert_dir("o.gz");
	in = zopen(path, NULL);
	got = read_all(in, 65536, &n, &r);
	cr_assert_eq(r, 0, "%s", zin_error(in));
	cr_assert_str_eq(strstr(got, "19999\t第19999\n"), "19999\t第19999\n");
	cr_assert_eq(strncmp(got, "0\t第0\n1\t第1\n", 14), 0);
	free(got);
	zin_close(in);
}

Test(zio, out_through_symlink_in_place)
{
	const char *real = PUT("real.tsv", "old old old\n");
	const char *link = tpath("link.tsv");
	struct zout *z;
	struct stat st;

	cr_assert_eq(symlink("real.tsv", link), 0);
	z = zout_open(link, 0);
	zout_write(z, "new\n", 4);
	zout_close(z, 1);
	cr_assert_eq(lstat(link, &st), 0);
	cr_assert(S_ISLNK(st.st_mode), "the link was replaced");
	assert_file(real, "new\n");
	assert_dir("link.tsv real.tsv");
}

Test(zio, out_stdout)
{
	struct zout *z = zout_open(NULL, 0);

	cr_assert_str_eq(zout_name(z), "<stdout>");
	zout_close(z, 1);
	z = zout_open("-", 0);
	cr_assert_str_eq(zout_name(z), "<stdout>");
	zout_close(z, 1);
}

Test(zio, out_errors_exit_4)
{
	const char *path = tpath("no/dir/out.tsv");
	char want[512];

	snprintf(want, sizeof want, "t: %s: cannot create: No such file or "
		 "directory\n", path);
	EXPECT_EXIT(4, want, zout_open(path, 0));
	EXPECT_EXIT(4, "t: /dev/full: write error: No space left on device\n", {
		struct zout *z = zout_open("/dev/full", 0);

		zout_write(z, "x\n", 2);
		zout_close(z, 1);
	});
	EXPECT_EXIT(4, "t: /dev/full: write error: No space left on device\n", {
		struct zout *z = zout_open("/dev/full", 1);

		zout_write(z, "x\n", 2);
		zout_close(z, 1);
	});
}

Test(zio, out_closed_pipe_is_quiet_success)
{
	EXPECT_EXIT(0, "", {
		int fd[2];
		struct zout *z;

		signal(SIGPIPE, SIG_IGN);
		if (pipe(fd) < 0)
			_exit(97);
		close(fd[0]);
		dup2(fd[1], 1);
		z = zout_open(NULL, 0);
		zout_write(z, "x\n", 2);
		_exit(98);
	});
}
