/* sidx: build and look up (one key, or a batch), escapes and line ends,
 * grown data, changed data, corrupt and truncated indexes, extend, HMAC
 * keys, a multi-key field, and a build killed half-way. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/util.h"
#include "rec/sidx.h"
#include "rec/sidx_in.h"
#include "../sidx_parties.h"

TESTUTIL_SUITE(sidx);

#define DATA "id\tplate\tparties\n"					\
	"1\t湘M12345\tsuspect:430000199001011234:张三;victim:43000020000101567X:李四:13800000000\n" \
	"2\t湘A00001\tvictim:430000199001011234:张三\n"			\
	"3\t湘M12345\t\\N\n"						\
	"4\tx\\ty\tw:1:a;w:1:b\n"					\
	"5\t\tw:2:c\n"

static struct sidx_opts plate_opts = { .field = "plate",
				       .rebuild = "viol-query index" };

/* The hits of key as "line@off+len " ... */
static char *
hits_of(struct sidx *x, const char *key)
{
	const struct sidx_hit *h;
	struct buf b = BUF_INIT;
	size_t n = sidx_lookup(x, key, strlen(key), &h), i;

	buf_adds(&b, "");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%llu@%llu+%llu ", (unsigned long long)h[i].line,
			   (unsigned long long)h[i].off,
			   (unsigned long long)h[i].len);
	return buf_detach(&b, NULL);
}

static void
assert_hits(struct sidx *x, const char *key, const char *want)
{
	char *got = hits_of(x, key);

	cr_assert_str_eq(got, want, "key '%s': got '%s'", key, got);
	free(got);
}

/* A path that outlives tpath()'s ring. */
static const char *
keep(const char *p)
{
	static char ring[8][256];
	static int k;
	char *q = ring[k++ & 7];

	snprintf(q, 256, "%s", p);
	return q;
}

static void
append_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

Test(sidx, build_and_lookup)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("d.tsv.idx"));
	struct sidx *x;

	cr_assert_eq(sidx_build(d, i, &plate_opts, 0), 5);
	x = sidx_open(d, i, &plate_opts);
	assert_hits(x, "湘M12345", "2@17+90 4@153+14 ");
	assert_hits(x, "湘A00001", "3@108+44 ");
	assert_hits(x, "x\ty", "5@168+18 ");	/* the escape undone */
	assert_hits(x, "x\\ty", "");
	assert_hits(x, "nope", "");
	assert_hits(x, "", "");
	cr_assert_eq(sidx_covered(x), strlen(DATA));
	cr_assert_eq(sidx_data_size(x), strlen(DATA));
	sidx_close(x);
}

Test(sidx, bom_crlf_and_repeated_header)
{
	const char *d = keep(PUT("d.tsv", "\xef\xbb\xbfk\tv\r\n"
			    "a\t1\r\n"
			    "k\tv\r\n"
			    "a\t2\r\n"
			    "k\r\n"
			    "b\t3\r\n"));
	const char *i = keep(tpath("i"));
	struct sidx_opts o = { .field = "v" };
	struct sidx *x;

	/* Five lines after the header; the repeated header is no record,
	 * the short line has no key. */
	cr_assert_eq(sidx_build(d, i, &o, 0), 4);
	x = sidx_open(d, i, &o);
	assert_hits(x, "1", "2@8+4 ");
	assert_hits(x, "2", "4@18+4 ");
	assert_hits(x, "3", "6@26+4 ");
	assert_hits(x, "v", "");
	assert_hits(x, "3\r", "");
	sidx_close(x);
}

Test(sidx, grown_data_scans_only_the_appended_part)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("i"));
	struct sidx *x;

	sidx_build(d, i, &plate_opts, 0);
	append_file(d, "6\t湘M12345\t\nid\tplate\tparties\n7\t湘A00001\t\n"
		    "8\t湘M12345");	/* a torn last line: not yet a record */
	x = sidx_open(d, i, &plate_opts);
	cr_assert_eq(sidx_covered(x), strlen(DATA));
	cr_assert_eq(sidx_data_size(x), strlen(DATA) + 43);
	assert_hits(x, "湘M12345", "2@17+90 4@153+14 7@196+12 ");
	assert_hits(x, "湘A00001", "3@108+44 9@226+12 ");
	sidx_close(x);
}

/* The hits of the keys, one batch, as hits_of() writes them. */
static char *
batch_hits_of(struct sidx *x, const char *const *keys, size_t nk)
{
	const struct sidx_hit *h;
	struct buf b = BUF_INIT;
	size_t lens[16], n, i;

	cr_assert_leq(nk, 16);
	for (i = 0; i < nk; i++)
		lens[i] = strlen(keys[i]);
	n = sidx_lookup_keys(x, keys, lens, nk, &h);
	buf_adds(&b, "");
	for (i = 0; i < n; i++) {
		cr_assert_eq(memchr(h[i].text, '\n', h[i].len), NULL);
		buf_printf(&b, "%llu@%llu+%llu ", (unsigned long long)h[i].line,
			   (unsigned long long)h[i].off,
			   (unsigned long long)h[i].len);
	}
	return buf_detach(&b, NULL);
}

/* Many keys in one call: the union of their lines, in file order, each
 * once, the appended part's too (scanned once for all). */
Test(sidx, lookup_keys_batch)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("i"));
	const char *keys[] = { "湘A00001", "nope", "", "湘M12345",
			       "湘A00001", "x\ty" };
	const char *one[] = { "湘A00001" };
	struct sidx *x;
	char *got;

	sidx_build(d, i, &plate_opts, 0);
	append_file(d, "6\t湘M12345\t\nid\tplate\tparties\n7\t湘A00001\t\n"
		    "8\t湘M12345");
	x = sidx_open(d, i, &plate_opts);
	got = batch_hits_of(x, keys, 6);
	cr_assert_str_eq(got, "2@17+90 3@108+44 4@153+14 5@168+18 "
			 "7@196+12 9@226+12 ");
	free(got);
	got = batch_hits_of(x, one, 1);
	cr_assert_str_eq(got, "3@108+44 9@226+12 ");
	free(got);
	got = batch_hits_of(x, keys, 0);
	cr_assert_str_eq(got, "");
	free(got);
	/* A single lookup after a batch: the same answer as before. */
	assert_hits(x, "湘M12345", "2@17+90 4@153+14 7@196+12 ");
	sidx_close(x);
}

static void
open_must_fail(const char *d, const char *i, const struct sidx_opts *o,
	       const char *want)
{
	EXPECT_EXIT(4, want, sidx_open(d, i, o));
}

Test(sidx, changed_data_is_refused)
{
	struct buf big = BUF_INIT, msg = BUF_INIT;
	const char *d, *i = keep(tpath("i"));
	struct timeval tv[2];
	char *s;
	size_t n;
	int k;

	buf_adds(&big, "k\tv\n");
	for (k = 0; k < 3000; k++)
		buf_printf(&big, "key%d\tvalue%d\n", k % 100, k);
	d = keep(put_file("d.tsv", big.p, big.len));
	buf_printf(&msg, "t: %s: stale: %s changed since the index was "
		   "built, other than by growing (rebuild it with "
		   "'viol-query index')\n", i, d);
	plate_opts.field = "k";
	sidx_build(d, i, &plate_opts, 0);
	/* A byte in the first 4 KiB, then one in the last, same size. */
	s = slurp(d, &n);
	s[100] = s[100] == '1' ? '2' : '1';
	put_file("d.tsv", s, n);
	sidx_build(d, i, &plate_opts, 0);
	s[100] = s[100] == '1' ? '2' : '1';
	put_file("d.tsv", s, n);	/* same file, same size, other bytes */
	open_must_fail(d, i, &plate_opts, msg.p);
	sidx_build(d, i, &plate_opts, 0);
	s[n - 10] = s[n - 10] == '1' ? '2' : '1';
	put_file("d.tsv", s, n);
	open_must_fail(d, i, &plate_opts, msg.p);
	/* The same bytes again but a new mtime: refused too. */
	put_file("d.tsv", big.p, big.len);
	sidx_build(d, i, &plate_opts, 0);
	gettimeofday(&tv[0], NULL);
	tv[1] = tv[0];
	tv[1].tv_sec += 5;
	cr_assert_eq(utimes(d, tv), 0);
	open_must_fail(d, i, &plate_opts, msg.p);
	/* Truncated, and replaced by another file of the same bytes. */
	sidx_build(d, i, &plate_opts, 0);
	cr_assert_eq(truncate(d, (off_t)n - 100), 0);
	open_must_fail(d, i, &plate_opts, msg.p);
	sidx_build(d, i, &plate_opts, 0);
	cr_assert_eq(rename(put_file("other", s, n), d), 0);
	put_file("d.tsv", s, n);
	cr_assert_eq(unlink(d), 0);
	cr_assert_eq(rename(put_file("other", s, n), d), 0);
	open_must_fail(d, i, &plate_opts, msg.p);
	plate_opts.field = "plate";
	free(s);
	buf_release(&big);
	buf_release(&msg);
}

Test(sidx, other_field_missing_index_gzip_no_field)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("i"));
	struct sidx_opts o = { .field = "id" };
	struct buf msg = BUF_INIT;

	sidx_build(d, i, &plate_opts, 0);
	buf_printf(&msg, "t: %s: built for another field or other options "
		   "(rebuild the index)\n", i);
	open_must_fail(d, i, &o, msg.p);
	buf_reset(&msg);
	buf_printf(&msg, "t: %s: cannot open: No such file or directory "
		   "(rebuild it with 'viol-query index')\n", tpath("none"));
	open_must_fail(d, tpath("none"), &plate_opts, msg.p);
	buf_reset(&msg);
	buf_printf(&msg, "t: %s: gzip data cannot be indexed (an index needs "
		   "offsets into plain text): gunzip it first\n",
		   tpath("z.tsv.gz"));
	EXPECT_EXIT(4, msg.p, sidx_build(PUT("z.tsv.gz", "\x1f\x8b\x08\x00"),
					 i, &plate_opts, 0));
	buf_reset(&msg);
	buf_printf(&msg, "t: %s: no field 'nope' (fields: id, plate, "
		   "parties)\n", d);
	o.field = "nope";
	EXPECT_EXIT(2, msg.p, sidx_build(d, i, &o, 0));
	buf_release(&msg);
}

/* A copy of the valid index with bytes changed must give the right
 * answer or be refused: never a crash or a wrong answer.  Every byte of a
 * small index is flipped in turn, and it is cut at every length
 * (sidx_try_open(), which refuses without exiting; one flip is also tried
 * through sidx_open(), which exits 4). */
static int
answers_right(struct sidx *x)
{
	char *a = hits_of(x, "湘M12345"), *b = hits_of(x, "湘A00001"),
	     *c = hits_of(x, "x\ty");
	int ok = strcmp(a, "2@17+90 4@153+14 ") == 0 &&
		 strcmp(b, "3@108+44 ") == 0 && strcmp(c, "5@168+18 ") == 0;

	free(a);
	free(b);
	free(c);
	return ok;
}

/* 0: refused, 1: right. */
static int
try_index(const char *d, const char *i)
{
	struct sidx *x;
	char *err = NULL;
	int ok;

	x = sidx_try_open(d, i, &plate_opts, &err);
	if (x == NULL) {
		cr_assert_not_null(err);
		free(err);
		return 0;
	}
	ok = answers_right(x);
	if (sidx_error(x) != NULL) {
		sidx_close(x);
		return 0;
	}
	sidx_close(x);
	cr_assert(ok, "%s: a wrong answer", i);
	return 1;
}

/* sidx_open() must exit 4 (whatever it says). */
static void
open_exits_4(const char *d, const char *i, const struct sidx_opts *o)
{
	pid_t pid;
	int st, null = open("/dev/null", O_WRONLY);

	fflush(NULL);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		dying = 1;
		dup2(null, 2);
		sidx_open(d, i, o);
		_exit(0);
	}
	close(null);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 4, "status %d", st);
}

Test(sidx, corrupt_or_truncated_index_is_refused)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("i")), *bad;
	size_t n, k, refused = 0;
	char *s;

	sidx_build(d, i, &plate_opts, 0);
	cr_assert_eq(try_index(d, i), 1);
	s = slurp(i, &n);
	/* A new file each time: ext4 flushes a file truncated and written
	 * again when it is closed, which is slow. */
	for (k = 0; k < n; k++) {
		s[k] ^= 0x5a;
		unlink(tpath("bad"));
		bad = put_file("bad", s, n);
		refused += try_index(d, bad) == 0;
		s[k] ^= 0x5a;
	}
	/* Every byte is covered by a hash or a check (the header's padding
	 * is none: there is none). */
	cr_assert_eq(refused, n);
	for (k = 0; k < n; k++) {
		unlink(tpath("bad"));
		cr_assert_eq(try_index(d, put_file("bad", s, k)), 0);
	}
	s[8] ^= 1;	/* the version */
	unlink(tpath("bad"));
	open_exits_4(d, put_file("bad", s, n), &plate_opts);
	free(s);
}

Test(sidx, extend_indexes_the_appended_part)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("i")),
		   *j = keep(tpath("j"));
	static const char *const keys[] = { "湘M12345", "湘A00001", "x\ty",
					    "湘B7" };
	struct sidx *x, *y;
	size_t k;
	char *a, *b;

	sidx_build(d, i, &plate_opts, 0);
	append_file(d, "6\t湘M12345\t\n7\t湘B7\t\n");
	cr_assert_eq(sidx_build(d, i, &plate_opts, 1), 2);
	append_file(d, "8\t湘B7\t\n");
	cr_assert_eq(sidx_build(d, i, &plate_opts, 1), 1);
	cr_assert_eq(sidx_build(d, i, &plate_opts, 1), 0);
	cr_assert_eq(sidx_build(d, j, &plate_opts, 0), 8);
	x = sidx_open(d, i, &plate_opts);
	y = sidx_open(d, j, &plate_opts);
	cr_assert_eq(sidx_covered(x), sidx_data_size(x));
	for (k = 0; k < JW_ARRAY_LEN(keys); k++) {
		a = hits_of(x, keys[k]);
		b = hits_of(y, keys[k]);
		cr_assert_str_eq(a, b, "%s", keys[k]);
		free(a);
		free(b);
	}
	assert_hits(x, "湘B7", "8@209+8 9@218+8 ");
	sidx_close(x);
	sidx_close(y);
	/* A missing index: extend builds it whole. */
	cr_assert_eq(sidx_build(d, tpath("new"), &plate_opts, 1), 8);
}

static int
exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

/* i over d refused (0), or answering as the index ref does (1): never a
 * wrong answer. */
static int
same_as(const char *d, const char *i, const char *ref)
{
	static const char *const keys[] = { "湘M12345", "湘A00001", "湘B3",
					    "湘B77", "湘B78", "x\ty" };
	struct sidx *x, *y;
	char *err = NULL, *a, *b;
	size_t k;
	int ok = 1;

	x = sidx_try_open(d, i, &plate_opts, &err);
	if (x == NULL) {
		cr_assert_not_null(err);
		free(err);
		return 0;
	}
	y = sidx_open(d, ref, &plate_opts);
	for (k = 0; k < JW_ARRAY_LEN(keys); k++) {
		a = hits_of(x, keys[k]);
		b = hits_of(y, keys[k]);
		if (sidx_error(x) != NULL)
			ok = 0;
		else
			cr_assert_str_eq(a, b, "%s: a wrong answer", keys[k]);
		free(a);
		free(b);
	}
	sidx_close(x);
	sidx_close(y);
	return ok;
}

/* --extend writes only what is new, as segment files i.1, i.2, ...; the
 * ninth merges them into a new base; a full build removes them; a segment
 * of an older base, left over, is ignored; a corrupt one is refused. */
Test(sidx, extend_writes_segments_then_merges)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("i")),
		   *j = keep(tpath("j"));
	char seg[300], line[64], *a, *b, *s;
	struct sidx *x, *y;
	size_t k, n;
	int e;

	sidx_build(d, i, &plate_opts, 0);
	for (e = 1; e <= 9; e++) {
		snprintf(line, sizeof line, "%d\t湘B%d\t\n7\t湘M12345\t\n",
			 100 + e, e);
		append_file(d, line);
		cr_assert_eq(sidx_build(d, i, &plate_opts, 1), 2);
		snprintf(seg, sizeof seg, "%s.%d", i, e);
		/* Segments 1 to 8; the ninth extend is a new base. */
		cr_assert_eq(exists(seg), e <= 8, "%s", seg);
		if (e == 4) {
			sidx_build(d, j, &plate_opts, 0);
			x = sidx_open(d, i, &plate_opts);
			y = sidx_open(d, j, &plate_opts);
			a = hits_of(x, "湘M12345");
			b = hits_of(y, "湘M12345");
			cr_assert_str_eq(a, b);
			free(a);
			free(b);
			assert_hits(x, "湘B3", "11@244+10 ");
			sidx_close(x);
			sidx_close(y);
		}
	}
	snprintf(seg, sizeof seg, "%s.1", i);
	cr_assert(!exists(seg));
	x = sidx_open(d, i, &plate_opts);
	assert_hits(x, "湘B9", "23@388+10 ");
	cr_assert_eq(sidx_covered(x), sidx_data_size(x));
	sidx_close(x);
	/* A segment of another base is ignored (its lines scanned). */
	append_file(d, "8\t湘B77\t\n");
	sidx_build(d, j, &plate_opts, 0);
	sidx_build(d, j, &plate_opts, 1);	/* nothing new: no segment */
	snprintf(seg, sizeof seg, "%s.1", j);
	cr_assert(!exists(seg));
	append_file(d, "9\t湘B78\t\n");
	sidx_build(d, i, &plate_opts, 1);	/* i.1 */
	snprintf(line, sizeof line, "%s.1", i);
	s = slurp(line, &n);
	put_file("j.1", s, n);
	x = sidx_open(d, j, &plate_opts);
	assert_hits(x, "湘B78", "26@422+9 ");
	cr_assert_lt(sidx_covered(x), sidx_data_size(x));
	sidx_close(x);
	/* A corrupt segment is refused (or, where the flip changes nothing
	 * an answer comes from, answers right); a full build removes it. */
	sidx_build(d, j, &plate_opts, 0);
	cr_assert_eq(same_as(d, i, j), 1);
	for (k = 0, e = 0; k < n; k++) {
		s[k] ^= 0x41;
		unlink(line);
		put_file("i.1", s, n);
		e += same_as(d, i, j) == 0;
		s[k] ^= 0x41;
	}
	cr_assert_eq(e, (int)n);	/* every byte is checked */
	cr_assert_eq(sidx_build(d, i, &plate_opts, 0), 25);
	cr_assert(!exists(line));
	cr_assert_eq(same_as(d, i, j), 1);
	free(s);
}

/* ---- parties: several keys in one field ---- */

static const unsigned char secret[32] = "0123456789abcdef0123456789abcdef";

Test(sidx, multi_key_field)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("i"));
	struct sidx_opts o = { .field = "parties", .keys = sidx_party_keys,
			       .keys_name = "parties-id/1" };
	struct sidx *x;

	sidx_build(d, i, &o, 0);
	x = sidx_open(d, i, &o);
	assert_hits(x, "430000199001011234", "2@17+90 3@108+44 ");
	assert_hits(x, "43000020000101567X", "2@17+90 ");
	assert_hits(x, "1", "5@168+18 ");	/* twice in the line: once */
	assert_hits(x, "2", "6@187+8 ");
	assert_hits(x, "张三", "");
	{
		/* Two keys of one line, in one batch: the line once. */
		const char *k2[] = { "43000020000101567X",
				     "430000199001011234" };
		char *got = batch_hits_of(x, k2, 2);

		cr_assert_str_eq(got, "2@17+90 3@108+44 ");
		free(got);
	}
	sidx_close(x);
	/* Another extractor's name: refused. */
	o.keys_name = "parties-phone/1";
	open_exits_4(d, i, &o);
}

Test(sidx, hmac_keys_never_in_clear)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("i"));
	static const char *const ids[] = { "430000199001011234",
					   "43000020000101567X" };
	unsigned char other[32];
	struct sidx_opts o = { .field = "parties", .keys = sidx_party_keys,
			       .keys_name = "parties-id/1", .secret = secret,
			       .nsecret = sizeof secret };
	struct sidx *x;
	struct buf msg = BUF_INIT;
	size_t n, k;
	char *s;

	sidx_build(d, i, &o, 0);
	s = slurp(i, &n);
	for (k = 0; k < JW_ARRAY_LEN(ids); k++) {
		cr_assert_null(memmem(s, n, ids[k], strlen(ids[k])), "%s",
			       ids[k]);
		/* Nor its last 8 digits, nor its hash in clear mode. */
		cr_assert_null(memmem(s, n, ids[k] + 10, 8));
	}
	free(s);
	x = sidx_open(d, i, &o);
	assert_hits(x, ids[0], "2@17+90 3@108+44 ");
	assert_hits(x, ids[1], "2@17+90 ");
	sidx_close(x);
	memcpy(other, secret, sizeof other);
	other[0] ^= 1;
	o.secret = other;
	buf_printf(&msg, "t: %s: built with another key or other options "
		   "(rebuild the index)\n", i);
	open_must_fail(d, i, &o, msg.p);
	o.secret = NULL;
	buf_reset(&msg);
	buf_printf(&msg, "t: %s: built for another field or other options "
		   "(rebuild the index)\n", i);
	open_must_fail(d, i, &o, msg.p);
	buf_release(&msg);
}

Test(sidx, read_secret)
{
	const char *k = PUT("key", "0123456789abcdef!");
	unsigned char *p;
	size_t n;
	struct buf msg = BUF_INIT;

	chmod(k, 0600);
	p = sidx_read_secret(k, &n);
	cr_assert_eq(n, 17);
	cr_assert_eq(memcmp(p, "0123456789abcdef!", 17), 0);
	free(p);
	k = PUT("short", "0123456789");
	chmod(k, 0600);
	buf_printf(&msg, "t: %s: a key file holds 16 to 4096 bytes, this one "
		   "10\n", k);
	EXPECT_EXIT(3, msg.p, sidx_read_secret(k, &n));
	buf_reset(&msg);
	buf_printf(&msg, "t: %s: cannot open key file: No such file or "
		   "directory\n", tpath("none"));
	EXPECT_EXIT(3, msg.p, sidx_read_secret(tpath("none"), &n));
	buf_release(&msg);
}

/* A build killed with SIGKILL at some point leaves the old index, which
 * still answers right (for the data that has grown since), or the new
 * one: never a part of one. */
Test(sidx, killed_build_leaves_a_valid_index, .timeout = 120)
{
	struct buf big = BUF_INIT;
	const char *d, *i = keep(tpath("d.idx"));
	struct sidx_opts o = { .field = "k" };
	struct sidx *x;
	const struct sidx_hit *h;
	struct timespec t;
	pid_t pid;
	int round, st, k;

	buf_adds(&big, "k\tv\n");
	for (k = 0; k < 300000; k++)
		buf_printf(&big, "key%d\tvalue%d\n", k % 1000, k);
	d = keep(put_file("d.tsv", big.p, big.len));
	sidx_build(d, i, &o, 0);
	append_file(d, "key7\tlast\n");
	for (round = 0; round < 4; round++) {
		fflush(NULL);
		pid = fork();
		cr_assert_neq(pid, -1);
		if (pid == 0) {
			sidx_build(d, i, &o, 0);
			_exit(0);
		}
		t.tv_sec = 0;
		t.tv_nsec = 20000000L * round;
		nanosleep(&t, NULL);
		kill(pid, SIGKILL);
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		x = sidx_open(d, i, &o);
		cr_assert_eq(sidx_lookup(x, "key7", 4, &h), 301);
		cr_assert_eq(h[0].line, 9);
		cr_assert_eq(h[300].line, 300002);
		cr_assert_eq(sidx_lookup(x, "key999", 6, &h), 300);
		sidx_close(x);
	}
	buf_release(&big);
}

/* sidx_try_open(): a refused index is NULL and a message, a corrupt
 * posting list found by a lookup is 0 hits and sidx_error(), no exit. */
Test(sidx, try_open_never_exits)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("i"));
	const struct sidx_hit *h;
	struct sidx *x;
	char *err = NULL, *s;
	size_t n;

	cr_assert_null(sidx_try_open(d, tpath("none"), &plate_opts, &err));
	cr_assert_str_eq(err, "cannot open: No such file or directory "
			 "(rebuild it with 'viol-query index')");
	free(err);
	sidx_build(d, i, &plate_opts, 0);
	x = sidx_try_open(d, i, &plate_opts, &err);
	cr_assert_not_null(x);
	cr_assert_null(err);
	cr_assert_eq(sidx_lookup(x, "湘A00001", strlen("湘A00001"), &h), 1);
	cr_assert_null(sidx_error(x));
	sidx_close(x);
	/* The last posting's length byte changed: the list's hash says. */
	s = slurp(i, &n);
	s[n - 4] ^= 1;
	put_file("bad", s, n);
	free(s);
	x = sidx_try_open(d, tpath("bad"), &plate_opts, &err);
	cr_assert_not_null(x);
	n = sidx_lookup(x, "湘M12345", strlen("湘M12345"), &h) +
	    sidx_lookup(x, "湘A00001", strlen("湘A00001"), &h) +
	    sidx_lookup(x, "x\ty", 3, &h);
	cr_assert_not_null(sidx_error(x));
	cr_assert_str_eq(sidx_error(x), "corrupt (a posting list's hash does "
			 "not match) (rebuild it with 'viol-query index')");
	cr_assert_eq(sidx_lookup(x, "湘A00001", strlen("湘A00001"), &h), 0);
	sidx_close(x);
	/* A batch meets the corrupt list too: no hits, the same message. */
	x = sidx_try_open(d, tpath("bad"), &plate_opts, &err);
	cr_assert_not_null(x);
	{
		const char *k3[] = { "湘A00001", "湘M12345", "x\ty" };
		char *got = batch_hits_of(x, k3, 3);

		cr_assert_str_eq(got, "");
		free(got);
	}
	cr_assert_str_eq(sidx_error(x), "corrupt (a posting list's hash does "
			 "not match) (rebuild it with 'viol-query index')");
	sidx_close(x);
	(void)n;
}

/* A byte of the directory block, then of the table page, changed in the
 * file under an open index: the block and page read last are kept, so
 * the next lookup still answers from them; a new open reads them again
 * and refuses the index, saying which failed its hash. */
static void
corrupt_at(const char *d, const char *i, int dir)
{
	const char *bad = keep(tpath(dir ? "bad-dir" : "bad-page"));
	const char *why = dir ? "corrupt (a directory block's hash does not "
				"match) (rebuild it with 'viol-query index')" :
				"corrupt (a table page's hash does not match) "
				"(rebuild it with 'viol-query index')";
	struct sidx *x;
	struct hdr h;
	char *err = NULL, *s, c;
	uint64_t off;
	size_t n;
	int fd;

	s = slurp(i, &n);
	cr_assert_geq(n, sizeof h);
	memcpy(&h, s, sizeof h);
	put_file(dir ? "bad-dir" : "bad-page", s, n);
	free(s);
	/* the first entry's hash word */
	off = dir ? h.dir_off + offsetof(struct dirent_, hash) :
		    h.table_off + offsetof(struct entry, hash);
	cr_assert_lt(off, n);
	x = sidx_try_open(d, bad, &plate_opts, &err);
	cr_assert_not_null(x);
	assert_hits(x, "湘M12345", "2@17+90 4@153+14 ");
	fd = open(bad, O_RDWR);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, &c, 1, (off_t)off), 1);
	c ^= 0x10;
	cr_assert_eq(pwrite(fd, &c, 1, (off_t)off), 1);
	close(fd);
	assert_hits(x, "湘M12345", "2@17+90 4@153+14 ");
	assert_hits(x, "湘A00001", "3@108+44 ");
	cr_assert_null(sidx_error(x));
	sidx_close(x);
	x = sidx_try_open(d, bad, &plate_opts, &err);
	cr_assert_not_null(x);
	assert_hits(x, "湘A00001", "");
	cr_assert_not_null(sidx_error(x));
	cr_assert_str_eq(sidx_error(x), why);
	sidx_close(x);
}

Test(sidx, directory_block_and_table_page_kept_and_checked)
{
	const char *d = keep(PUT("d.tsv", DATA)), *i = keep(tpath("i"));

	sidx_build(d, i, &plate_opts, 0);
	corrupt_at(d, i, 1);
	corrupt_at(d, i, 0);
}
