/*
 * fuzz_sidx: libFuzzer harness for the sidecar index reader
 * (lib/rec/sidx_*.c; it includes their private sidx_in.h so that it can
 * re-seal an index with the format's own hashes).
 *
 * A small fixed data file (plates, a multi-key parties field, escapes,
 * CRLF, a repeated header, and lines appended after the index was built)
 * and its valid indexes (clear and HMAC) are made once, in a folder
 * fuzz-sidx.PID of /dev/shm (or /tmp), removed at exit or, as libFuzzer's
 * timed end skips that, by the next run.  Each index is a base over the
 * first lines and a segment (d.idx.1, as --extend writes it) over the
 * rest of the prefix.  The input, d[0] then a body, becomes one of its
 * files (the base, or with d[0] & 16 the segment; with d[0] & 32 there is
 * no segment):
 *   d[0] % 3 == 0  the body is the whole index file;
 *            == 1  the body is XORed onto a valid index from offset
 *                  d[1] | d[2] << 8 (as it is, hashes unchanged);
 *            == 2  the same, then the index is re-sealed: the data's
 *                  inode, mtime and edge hashes put back and every hash
 *                  computed again, so that the checks behind the hashes
 *                  (bounds, the read-back) are what is fuzzed.
 *   d[0] & 4       the HMAC index and options instead of the clear one
 *   d[0] & 8       the parties field (several keys a line) instead of
 *                  the plate
 * It is opened with sidx_try_open() and every key of the data (and some
 * that are not in it) is looked up.  Checks, besides the sanitizers:
 *   - an index refused is fine; one accepted answers each key with lines
 *     that really hold it, at their true offsets and lengths, in file
 *     order, each once;
 *   - unless re-sealed, an accepted index gives exactly the true answer,
 *     line numbers included (a re-sealed one may lose lines or misnumber
 *     them: no hash can tell, and the read-back cannot see a number).
 * Never exits, keeps no state between runs but the fixed files.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/util.h"
#include "rec/sidx_in.h"
#include "../sidx_parties.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static const char prefix[] =
	"id\tplate\tparties\n"
	"1\t湘M12345\tsuspect:430000199001011234:张三;victim:43000020000101567X:李四\n"
	"2\t湘A00001\tvictim:430000199001011234:张三\n"
	"3\t湘M12345\t\\N\n"
	/* the segment from here */
	"4\tx\\ty\tw:1:a;w:1:b;w:2:c\n"
	"5\t\tw:2:c\r\n"
	"id\tplate\tparties\n"
	"6\t湘A00001\tw:3:d\n"
	"7\n"
	"8\t湘M12345\tw:1:e\n";
static const char tail[] =
	"9\t湘M12345\tw:3:f\n"
	"10\t湘B1\tw:1:g\n"
	"11\t湘A00001";	/* torn: no record yet */
static const char *const keys[] = { "湘M12345", "湘A00001", "x\ty", "湘B1",
				    "430000199001011234",
				    "43000020000101567X", "1", "2", "3",
				    "none", "湘M1234", "" };

static char dir[64], data[96], idxp[96], segp[100];
static struct buf valid[4];	/* [hmac * 2 + parties]: the bases */
static struct buf vseg[4];	/* and their segments */
static struct buf alldata;
static const unsigned char secret[] = "fuzz secret, 32 bytes long......";

static void
opts_for(int which, struct sidx_opts *o)
{
	memset(o, 0, sizeof *o);
	o->field = which & 1 ? "parties" : "plate";
	if (which & 1) {
		o->keys = sidx_party_keys;
		o->keys_name = "parties-id/1";
	}
	if (which & 2) {
		o->secret = secret;
		o->nsecret = sizeof secret - 1;
	}
}

static void
slurp_to(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char tmp[4096];
	size_t k;

	if (f == NULL)
		abort();
	buf_reset(b);
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(b, tmp, k);
	fclose(f);
}

static void
put(const char *path, const void *p, size_t n, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		abort();
}

static void
cleanup(void)
{
	unlink(data);
	unlink(idxp);
	unlink(segp);
	rmdir(dir);
}

/* libFuzzer ends a timed run without the atexit handlers: remove what a
 * run that has ended left in base ("fuzz-sidx.PID"). */
static void
remove_stale(const char *base)
{
	char p[160];
	DIR *dp = opendir(base);
	struct dirent *e;
	long pid;

	if (dp == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		if (sscanf(e->d_name, "fuzz-sidx.%ld", &pid) != 1 ||
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		snprintf(p, sizeof p, "%s/%s/d.tsv", base, e->d_name);
		unlink(p);
		snprintf(p, sizeof p, "%s/%s/d.idx", base, e->d_name);
		unlink(p);
		snprintf(p, sizeof p, "%s/%s/d.idx.1", base, e->d_name);
		unlink(p);
		snprintf(p, sizeof p, "%s/%s", base, e->d_name);
		rmdir(p);
	}
	closedir(dp);
}

static void
setup(void)
{
	struct sidx_opts o;
	const char *base;
	size_t split;
	int w;

	/* tmpfs when there is one: the index is rewritten every run, and
	 * ext4 flushes a file truncated and written again at its close. */
	base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	remove_stale(base);
	snprintf(dir, sizeof dir, "%s/fuzz-sidx.%ld", base, (long)getpid());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		abort();
	snprintf(data, sizeof data, "%s/d.tsv", dir);
	snprintf(idxp, sizeof idxp, "%s/d.idx", dir);
	snprintf(segp, sizeof segp, "%s/d.idx.1", dir);
	atexit(cleanup);
	split = (size_t)(strstr(prefix, "4\tx") - prefix);
	for (w = 0; w < 4; w++) {
		opts_for(w, &o);
		put(data, prefix, split, "wb");
		sidx_build(data, idxp, &o, 0);
		put(data, prefix + split, sizeof prefix - 1 - split, "ab");
		sidx_build(data, idxp, &o, 1);
		slurp_to(idxp, &valid[w]);
		slurp_to(segp, &vseg[w]);
	}
	put(data, tail, sizeof tail - 1, "ab");
	slurp_to(data, &alldata);
}

/* Does a value emit the key? */
struct match {
	const char *key;
	size_t n;
	int found;
};

static void
match_key(void *ctx, const char *k, size_t n)
{
	struct match *m = ctx;

	if (n == m->n && memcmp(k, m->key, n) == 0)
		m->found = 1;
}

/* The true answer for key: "off+len@line " for each line holding it. */
static void
truth(const struct sidx_opts *o, const char *key, struct buf *out)
{
	const char *p = alldata.p, *e, *end = alldata.p + alldata.len;
	struct match m;
	struct buf tmp = BUF_INIT;
	struct rec_str v;
	uint64_t line = 1, col = o->keys ? 2 : 1;

	memset(&m, 0, sizeof m);
	m.key = key;
	m.n = strlen(key);
	buf_reset(out);
	while ((e = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		size_t len = (size_t)(e - p);

		if (line > 1 && m.n > 0 &&
		    !(len == 16 && memcmp(p, prefix, 16) == 0)) {
			m.found = 0;
			if (sx_line_field(p, len, col, &tmp, &v))
				sx_keys_of(o, v, match_key, &m);
			if (m.found)
				buf_printf(out, "%zu+%zu@%llu ",
					   (size_t)(p - alldata.p), len,
					   (unsigned long long)line);
		}
		line++;
		p = e + 1;
	}
	buf_release(&tmp);
}

/* Put the data's identity back and compute every hash again. */
static void
reseal(struct buf *b)
{
	struct hdr *h = (struct hdr *)b->p;
	struct stat st;
	uint64_t i, ph, k;
	struct entry *tab;
	struct dirent_ *dr, *top;
	struct post *po;
	struct hdr want;

	if (b->len < sizeof *h || stat(data, &st) < 0)
		return;
	h->ino = (uint64_t)st.st_ino;
	h->mtime_s = (uint64_t)st.st_mtim.tv_sec;
	h->mtime_ns = (uint64_t)st.st_mtim.tv_nsec;
	if (h->covered <= alldata.len) {
		uint64_t c = h->covered;
		size_t e = c < EDGE ? (size_t)c : EDGE;

		h->head_hash = sx_fmt_hash(alldata.p, e, 2);
		h->tail_hash = sx_fmt_hash(alldata.p + c - e, e, 3);
	}
	memset(&want, 0, sizeof want);
	if (h->nkeys <= h->npost && h->npost <= b->len / 16)
		sx_layout(&want, h->nkeys, h->npost);
	if (want.file_size != 0 && h->npages == want.npages &&
	    h->nblocks == want.nblocks && h->top_off == want.top_off &&
	    h->dir_off == want.dir_off && h->table_off == want.table_off &&
	    h->post_off == want.post_off &&
	    h->file_size == want.file_size && h->file_size == b->len) {
		top = (struct dirent_ *)(b->p + h->top_off);
		dr = (struct dirent_ *)(b->p + h->dir_off);
		tab = (struct entry *)(b->p + h->table_off);
		po = (struct post *)(b->p + h->post_off);
		for (i = 0; i < h->nkeys; i++) {
			if (tab[i].first > h->npost ||
			    tab[i].count > h->npost - tab[i].first)
				continue;
			for (ph = tab[i].h, k = 0; k < tab[i].count; k++)
				ph = sx_post_hash_step(ph,
						       po + tab[i].first + k);
			tab[i].hash = ph;
		}
		sx_seal_groups(dr, tab, sizeof *tab, h->nkeys, PAGE, 4);
		sx_seal_groups(top, dr, sizeof *dr, h->npages, DBLK, 5);
		h->top_hash = sx_fmt_hash(top, h->nblocks * sizeof *top, 7);
	}
	h->hdr_hash = sx_fmt_hash(h, offsetof(struct hdr, hdr_hash), 6);
}

/* Every hit listed in got ("off+len@line ...") must be in want, in the
 * same order (a subsequence), with the same line unless lines_free. */
static void
check_subset(const char *got, const char *want, int lines_free)
{
	unsigned long long go, gl, gn, wo, wl, wn;
	const char *w = want;
	int k;

	while (sscanf(got, "%llu+%llu@%llu %n", &go, &gl, &gn, &k) == 3) {
		got += k;
		for (;;) {
			int kw;

			if (sscanf(w, "%llu+%llu@%llu %n", &wo, &wl, &wn,
				   &kw) != 3)
				abort();	/* a hit that is not true */
			w += kw;
			if (wo == go) {
				if (wl != gl || (!lines_free && wn != gn))
					abort();
				break;
			}
		}
	}
	if (*got != '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static int ready;
	struct buf ix = BUF_INIT, want = BUF_INIT, got = BUF_INIT;
	struct sidx_opts o;
	const struct sidx_hit *h;
	struct sidx *x;
	char *err = NULL;
	const struct buf *other;
	size_t i, j, at, nh;
	int mode, which, fuzz_seg;

	if (!ready) {
		diag_prog = "fuzz_sidx";
		setup();
		ready = 1;
	}
	if (n < 3)
		return 0;
	mode = d[0] % 3;
	which = (d[0] & 4 ? 2 : 0) | (d[0] & 8 ? 1 : 0);
	opts_for(which, &o);
	fuzz_seg = d[0] & 16 && !(d[0] & 32);
	if (mode == 0) {
		buf_add(&ix, d + 3, n - 3);
	} else {
		other = fuzz_seg ? &vseg[which] : &valid[which];
		buf_add(&ix, other->p, other->len);
		at = (size_t)d[1] | (size_t)d[2] << 8;
		for (i = 3; i < n && at < ix.len; i++, at++)
			ix.p[at] ^= (char)d[i];
		if (mode == 2)
			reseal(&ix);
	}
	/* New files, not ones truncated (see setup()). */
	unlink(idxp);
	unlink(segp);
	if (fuzz_seg) {
		put(idxp, valid[which].p, valid[which].len, "wb");
		put(segp, ix.p, ix.len, "wb");
	} else {
		put(idxp, ix.p, ix.len, "wb");
		if (!(d[0] & 32))
			put(segp, vseg[which].p, vseg[which].len, "wb");
	}
	x = sidx_try_open(data, idxp, &o, &err);
	if (x == NULL) {
		if (err == NULL)
			abort();
		free(err);
		goto out;
	}
	for (i = 0; i < JW_ARRAY_LEN(keys); i++) {
		nh = sidx_lookup(x, keys[i], strlen(keys[i]), &h);
		if (sidx_error(x) != NULL) {
			if (nh != 0)
				abort();
			break;
		}
		buf_reset(&got);
		for (j = 0; j < nh; j++)
			buf_printf(&got, "%llu+%llu@%llu ",
				   (unsigned long long)h[j].off,
				   (unsigned long long)h[j].len,
				   (unsigned long long)h[j].line);
		truth(&o, keys[i], &want);
		if (mode != 2 && strcmp(got.p ? got.p : "",
					want.p ? want.p : "") != 0)
			abort();
		check_subset(got.p ? got.p : "", want.p ? want.p : "",
			     mode == 2);
	}
	sidx_close(x);
out:
	buf_release(&ix);
	buf_release(&want);
	buf_release(&got);
	return 0;
}
