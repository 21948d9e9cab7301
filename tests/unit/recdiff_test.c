/*
 * recdiff: the whole record reader, every path, against a deliberately
 * naive reference reader written here.
 *
 * Seeded random TSV inputs mix clean lines, escapes, \N, CRLF endings, bad
 * UTF-8, NUL bytes, wrong field counts, repeated headers, lines of tens of
 * kilobytes (longer than the room for a tail before a block: joined the
 * slow way) and lines over --max-line, over several blocks.  Each input is
 * read on every path: with and without the read-ahead thread, with and
 * without AVX2, with and without rec_reader_want() (the fast lane and the
 * block's table of lines).  Each read runs in a child (the SIMD choice is
 * made once a process), which writes every record (line number and decoded
 * fields), rejects every seventh by the program, and keeps the rejects in a
 * file.  Every path must give the reference's records and rejects (line
 * numbers and reasons), and the same rejects file byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "base/buf.h"
#include "rec/rec.h"

#define NF 5
#define MAX_LINE 100000

static const char *const names[NF] = { "a", "b", "c", "d", "e" };

static uint64_t rng;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng >> 33) % n);
}

/* ---- the input ---- */

static void
field(struct buf *b)
{
	static const char *const bits[] = {
		"x", "永州", "42", "", "\\t", "\\n", "\\\\", "\\r", "\\q",
		"a b", "\xe5\x8d\x97", "-7", "\\N"
	};
	unsigned k, n = rnd(4);

	if (rnd(40) == 0) {
		buf_adds(b, "\\N");
		return;
	}
	for (k = 0; k < n; k++)
		buf_adds(b, bits[rnd(sizeof bits / sizeof *bits)]);
}

static void
line(struct buf *b, unsigned i)
{
	unsigned k, nf = NF, kind = rnd(30);
	size_t n;

	if (kind == 0)
		nf = 1 + rnd(NF + 2);	/* perhaps a wrong count */
	if (kind == 1) {		/* the header again */
		buf_adds(b, "a\tb\tc\td\te\n");
		return;
	}
	if (kind == 2) {
		buf_adds(b, "\n");
		return;
	}
	buf_printf(b, "%u", i);
	for (k = 1; k < nf; k++) {
		buf_addc(b, '\t');
		if (kind == 3 && k == 2)
			buf_addc(b, (char)(0x80 + rnd(0x80)));	/* bad UTF-8 */
		if (kind == 4 && k == 3)
			buf_add(b, "z\0z", 3);
		if (kind == 5 && k == 1) {	/* long: 20 to 130 kB */
			n = 20000 + rnd(110000);
			buf_grow(b, n);
			memset(b->p + b->len, 'L', n);
			b->len += n;
		}
		field(b);
	}
	buf_adds(b, kind == 6 ? "\r\n" : "\n");
}

static char *
make_input(uint64_t seed, size_t *n)
{
	struct buf b = BUF_INIT;
	unsigned i;

	rng = seed;
	buf_adds(&b, "a\tb\tc\td\te\n");
	for (i = 0; b.len < (1500u << 10); i++)
		line(&b, i);
	if (rnd(2))
		buf_adds(&b, "last\tline\twithout\ta\tlf");
	*n = b.len;
	return b.p;
}

/* ---- the reference ---- */

/* Length of the valid UTF-8 prefix, byte by byte (RFC 3629). */
static size_t
naive_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0, k, need;
	uint32_t c;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			need = 1, c = p[i] & 0x1f;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			need = 2, c = p[i] & 0x0f;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			need = 3, c = p[i] & 0x07;
		else
			return i;
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (p[i + k] & 0xc0) != 0x80)
				return i;
			c = c << 6 | (p[i + k] & 0x3f);
		}
		if ((need == 2 && c < 0x800) || (need == 3 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return i;
		i += need + 1;
	}
	return n;
}

/* The field that byte k of the line is in. */
static size_t
field_of(const char *p, size_t k)
{
	size_t i, f = 0;

	for (i = 0; i < k; i++)
		f += p[i] == '\t';
	return f < NF ? f : NF - 1;
}

/* A decoded field, made one line again: tabs, newlines, CRs, NULs and
 * backslashes escaped (both sides write fields so). */
static void
vis(struct buf *o, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (p[i]) {
		case '\t': buf_adds(o, "\\t"); break;
		case '\n': buf_adds(o, "\\n"); break;
		case '\r': buf_adds(o, "\\r"); break;
		case '\0': buf_adds(o, "\\0"); break;
		case '\\': buf_adds(o, "\\\\"); break;
		default: buf_addc(o, p[i]);
		}
}

static void
unescape(struct buf *o, const char *p, size_t n)
{
	size_t i;

	if (n == 2 && p[0] == '\\' && p[1] == 'N') {
		buf_adds(o, "(null)");
		return;
	}
	for (i = 0; i < n; i++) {
		if (p[i] != '\\' || i + 1 == n) {
			buf_addc(o, p[i]);
			continue;
		}
		switch (p[++i]) {
		case 't': buf_addc(o, '\t'); break;
		case 'n': buf_addc(o, '\n'); break;
		case 'r': buf_addc(o, '\r'); break;
		case 'b': buf_addc(o, '\b'); break;
		case 'f': buf_addc(o, '\f'); break;
		case 'v': buf_addc(o, '\v'); break;
		case '\\': buf_addc(o, '\\'); break;
		default: buf_addc(o, '\\'); buf_addc(o, p[i]);
		}
	}
}

/* The reason a line is rejected, or NULL. */
static const char *
why(struct buf *m, const char *p, size_t len)
{
	size_t nf = 1, i, k;
	const char *z;

	buf_reset(m);
	for (i = 0; i < len; i++)
		nf += p[i] == '\t';
	if (nf != NF) {
		if (len == 0)
			buf_printf(m, "empty line, expected %d fields", NF);
		else
			buf_printf(m, "%zu field%s, expected %d", nf,
				   nf == 1 ? "" : "s", NF);
		return m->p;
	}
	if ((z = memchr(p, '\0', len)) != NULL) {
		buf_printf(m, "field '%s': NUL byte at byte %zu",
			   names[field_of(p, (size_t)(z - p))],
			   (size_t)(z - p) + 1);
		return m->p;
	}
	k = naive_utf8((const unsigned char *)p, len);
	if (k != len) {
		buf_printf(m, "field '%s': invalid UTF-8 at byte %zu "
			   "(--encoding gb18030 reads GBK exports)",
			   names[field_of(p, k)], k + 1);
		return m->p;
	}
	return NULL;
}

/* Records ("line<TAB>field<TAB>..." a line, fields decoded, NULL as
 * "(null)") and rejects ("line<TAB>reason", the overlong ones' reason cut
 * after the limit) as the reader should give them. */
static void
reference(const char *d, size_t n, struct buf *recs, struct buf *rejs)
{
	const char *p = d, *end = d + n, *nl, *q, *t;
	unsigned long long ln = 0, good = 0;
	struct buf m = BUF_INIT, f = BUF_INIT;
	size_t len, hl = 0;
	const char *hdr = d;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		len = (size_t)(nl - p);
		ln++;
		if (ln == 1) {
			hl = len;
			continue;
		}
		if (len > MAX_LINE) {
			buf_printf(rejs, "%llu\tline of %zu bytes is longer "
				   "than --max-line %d\n", ln, len, MAX_LINE);
			continue;
		}
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len == hl && memcmp(p, hdr, hl) == 0)
			continue;
		if (why(&m, p, len) != NULL) {
			buf_printf(rejs, "%llu\t%s\n", ln, m.p);
			continue;
		}
		if (++good % 7 == 0) {
			buf_printf(rejs, "%llu\tline %llu\n", ln, ln);
			continue;
		}
		buf_printf(recs, "%llu", ln);
		for (q = p; ; q = t + 1) {
			t = memchr(q, '\t', (size_t)(p + len - q));
			buf_addc(recs, '\t');
			buf_reset(&f);
			unescape(&f, q, t ? (size_t)(t - q) :
				 (size_t)(p + len - q));
			if (strcmp(f.p, "(null)") == 0)
				buf_adds(recs, "(null)");
			else
				vis(recs, f.p, f.len);
			if (t == NULL)
				break;
		}
		buf_addc(recs, '\n');
	}
	buf_release(&m);
	buf_release(&f);
}

/* ---- the reader, in a child ---- */

static void
read_child(const char *path, const char *out, const char *rej, int want,
	   int threads, int simd)
{
	const char *files[] = { path, NULL };
	struct rec_reader_opts o = { 0 };
	const size_t w[] = { 1, 3 };
	unsigned long long good = 0;
	struct rec_reader *in;
	const struct rec *r;
	FILE *f = fopen(out, "w");
	struct buf v = BUF_INIT;
	size_t i;

	if (!threads)
		setenv("JINGWU_NO_THREADS", "1", 1);
	if (!simd)
		setenv("JINGWU_NO_SIMD", "1", 1);
	o.fmt = REC_TSV;
	o.rejects = rej;
	o.max_line = MAX_LINE;
	in = rec_reader_open(files, &o);
	if (want)
		rec_reader_want(in, w, 2);
	while ((r = rec_reader_next(in)) != NULL) {
		if (++good % 7 == 0) {
			rec_reject(in, r, "line %llu", r->line);
			continue;
		}
		fprintf(f, "%llu", r->line);
		for (i = 0; i < r->n; i++) {
			if (want && i != 1 && i != 3)
				continue;	/* only those are set */
			fputc('\t', f);
			buf_reset(&v);
			if (rec_str_is_null(r->f[i]))
				buf_adds(&v, "(null)");
			else
				vis(&v, r->f[i].p, r->f[i].len);
			fwrite(v.p, 1, v.len, f);
		}
		fputc('\n', f);
	}
	rec_reader_close(in);
	fclose(f);
	buf_release(&v);
}

/* Only fields 1 and 3 of each reference record (for want). */
static char *
wanted_only(const char *recs)
{
	struct buf b = BUF_INIT;
	const char *p = recs, *nl, *t;
	size_t k;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		t = memchr(p, '\t', (size_t)(nl - p));
		buf_add(&b, p, (size_t)(t - p));
		for (k = 0; k <= NF - 1; k++) {
			const char *s = t + 1, *e;

			t = memchr(s, '\t', (size_t)(nl - s));
			e = t ? t : nl;
			if (k == 1 || k == 3) {
				buf_addc(&b, '\t');
				buf_add(&b, s, (size_t)(e - s));
			}
			if (t == NULL)
				break;
		}
		buf_addc(&b, '\n');
	}
	buf_add(&b, "", 1);
	return b.p;
}

/* "line<TAB>reason" of each row of a rejects file, the overlong reasons cut
 * after the limit (their kept-bytes count is the reader's to say). */
static char *
reject_lines(const char *path)
{
	size_t n, i;
	char *d = slurp(path, &n), *p, *nl, *t[3], *c;
	struct buf b = BUF_INIT;

	p = strchr(d, '\n') + 1;	/* the header */
	for (; p < d + n; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(d + n - p));
		*nl = '\0';
		/* _file, _line, _error are the last three columns. */
		for (c = nl, i = 0; i < 3; i++) {
			while (*--c != '\t')
				;
			t[i] = c + 1;
		}
		buf_add(&b, t[1], (size_t)(t[0] - 1 - t[1]));
		buf_addc(&b, '\t');
		c = strstr(t[0], " (first ");
		if (c == NULL)
			c = strstr(t[0], " (kept whole)");
		buf_add(&b, t[0], c && strncmp(t[0], "line of ", 8) == 0 ?
			(size_t)(c - t[0]) : strlen(t[0]));
		buf_addc(&b, '\n');
	}
	buf_add(&b, "", 1);
	free(d);
	return b.p;
}

TESTUTIL_SUITE(recdiff);

Test(recdiff, every_path_agrees_with_the_naive_reader, .timeout = 600)
{
	static const uint64_t seeds[] = { 1, 20261201, 987654321 };
	struct buf recs = BUF_INIT, rejs = BUF_INIT;
	char *data, *got, *grej, *want1, *first_rej = NULL, *r;
	size_t n, s, nr, nfirst = 0;
	int want, threads, simd, st;
	char path[256], out[256], rej[256];
	pid_t pid;

	for (s = 0; s < sizeof seeds / sizeof *seeds; s++) {
		data = make_input(seeds[s], &n);
		snprintf(path, sizeof path, "%s", put_file("in.tsv", data, n));
		buf_reset(&recs);
		buf_reset(&rejs);
		reference(data, n, &recs, &rejs);
		buf_add(&recs, "", 1);
		buf_add(&rejs, "", 1);
		cr_assert_gt(recs.len, 10000);
		cr_assert_gt(rejs.len, 1000);
		want1 = wanted_only(recs.p);
		for (want = 0; want <= 1; want++)
		for (threads = 0; threads <= 1; threads++)
		for (simd = 0; simd <= 1; simd++) {
			snprintf(out, sizeof out, "%s", tpath("out"));
			snprintf(rej, sizeof rej, "%s", tpath("rej.tsv"));
			fflush(NULL);
			if ((pid = fork()) == 0) {
				dying = 1;
				freopen("/dev/null", "w", stderr);
				read_child(path, out, rej, want, threads,
					   simd);
				_exit(0);
			}
			cr_assert_eq(waitpid(pid, &st, 0), pid);
			cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
				  "seed %zu want %d threads %d simd %d: "
				  "status %d", s, want, threads, simd, st);
			got = slurp(out, &nr);
			cr_assert(strcmp(got, want ? want1 : recs.p) == 0,
				  "records differ: seed %zu want %d threads "
				  "%d simd %d", s, want, threads, simd);
			free(got);
			grej = reject_lines(rej);
			cr_assert_str_eq(grej, rejs.p, "rejects differ: seed "
					 "%zu want %d threads %d simd %d", s,
					 want, threads, simd);
			free(grej);
			r = slurp(rej, &nr);
			if (first_rej == NULL) {
				first_rej = r;
				nfirst = nr;
			} else {
				cr_assert(nr == nfirst &&
					  memcmp(r, first_rej, nr) == 0,
					  "rejects files differ");
				free(r);
			}
		}
		free(first_rej);
		first_rej = NULL;
		free(want1);
		free(data);
	}
	buf_release(&recs);
	buf_release(&rejs);
}
