/*
 * fuzz_answers: libFuzzer harness for poll answer records through the
 * tally, the table and the ranking (lib/domain/polltab.c on
 * lib/rec/group), with the real reader.
 *
 * An input is an option byte and a body of TSV lines after a fixed header
 * (year, round, unit, question, answer, and count when d[0] bit 0 is set);
 * bit 1 groups by question (-b question), bit 2 counts the counties for
 * their city (--level 1).  The definition is a small one of a city and
 * three counties.  Checks, besides the sanitizers (abort() on failure):
 *   - accounting: read = rejected + filtered + accepted, and the table's
 *     n + excluded add up to the accepted answers (their counts);
 *   - the partial rows of the same tally, written and read back with
 *     merge, give the same table;
 *   - a tally without the fast lane's caches (poll_tally_uncached())
 *     gives the same table, rejects and filters;
 *   - ranks lie in 1..of and follow the order; the chart is one SVG
 *     document whose every <text> is closed.
 * Never exits on a good run, keeps no state between runs.
 * sh tests/fuzz/run answers builds and runs it; seeds in
 * tests/fuzz/corpus/answers/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/num.h"
#include "domain/poll.h"
#include "domain/pollplot.h"
#include "rec/rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static const char def[] =
	"scales:\n"
	"  s:\n"
	"    - {answer: 满意, weight: 100, satisfied: yes}\n"
	"    - {answer: 基本满意, weight: 80.5, satisfied: yes}\n"
	"    - {answer: 不满意, weight: 0}\n"
	"    - {answer: 不了解, base: no}\n"
	"  t:\n"
	"    - {answer: a, weight: 1000}\n"
	"    - {answer: b, weight: 0.01}\n"
	"items: [{id: q, scale: s}, {id: r, scale: t}]\n"
	"overall: q\n"
	"min_n: 2\n"
	"tiers: [{name: top, top: 1}, {name: bottom, bottom: 1}]\n"
	"units:\n"
	"  - {name: 永州市, code: \"431100\"}\n"
	"  - {name: 道县, code: \"431124\", parent: 永州市}\n"
	"  - {name: 江永县, code: \"431125\", parent: 永州市}\n"
	"  - {name: 零陵区, code: \"431102\", parent: \"431100\"}\n";

static int
memfd(const void *p, size_t n, char name[32])
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	const char *s = p;
	ssize_t w;

	if (fd < 0)
		abort();
	while (n > 0) {
		if ((w = write(fd, s, n)) <= 0)
			abort();
		s += w;
		n -= (size_t)w;
	}
	snprintf(name, 32, "/proc/self/fd/%d", fd);
	return fd;
}

/* The tally of file, into tb; the sum of the counts accepted in *acc,
 * the records rejected and filtered in out[0], out[1].  uncached: without
 * the fast lane. */
static void
tally(const struct poll *p, const char *file, int merge, int by_q, int level,
      int uncached, struct poll_table *tb, const char *partial,
      unsigned long long *acc, unsigned long long out[2])
{
	const char *files[2] = { file, NULL };
	struct rec_reader_opts o;
	struct rec_writer_opts wo;
	struct rec_reader *in;
	struct rec_writer *w;
	struct poll_tally *t;
	const struct rec *r;
	const size_t *want;
	size_t by[1], nw, ic;
	unsigned long long before, rd, rj, fl;
	long long c;

	memset(&o, 0, sizeof o);
	o.fmt = REC_TSV;
	in = rec_reader_open(files, &o);
	by[0] = rec_reader_field(in, "question");
	t = poll_tally_new(p, in, by, by_q, level, merge);
	if (uncached)
		poll_tally_uncached(t);
	want = poll_tally_fields(t, &nw);
	rec_reader_want(in, want, nw);
	ic = rec_reader_field(in, "count");
	*acc = 0;
	while ((r = rec_reader_next(in)) != NULL) {
		before = rec_reader_count_rejected(in) +
			 rec_reader_count_filtered(in);
		poll_tally_add(t, r);
		if (rec_reader_count_rejected(in) +
		    rec_reader_count_filtered(in) != before)
			continue;
		c = 1;
		if (!merge && ic != REC_NONE &&
		    num_ll(r->f[ic].p, r->f[ic].len, &c) < 0)
			abort();	/* accepted, so a count */
		*acc += (unsigned long long)c;
	}
	rd = rec_reader_count_read(in);
	rj = rec_reader_count_rejected(in);
	fl = rec_reader_count_filtered(in);
	if (!merge && rd < rj + fl)
		abort();
	out[0] = rj;
	out[1] = fl;
	poll_tally_table(t, tb);
	if (partial != NULL) {
		memset(&wo, 0, sizeof wo);
		wo.fmt = REC_TSV;
		wo.path = partial;
		w = rec_writer_open(&wo);
		poll_tally_partial(t, in, w);
		rec_writer_close(w);
	}
	poll_tally_free(t);
	rec_reader_close(in);
}

static int
same_rows(const struct poll_row *a, const struct poll_row *b, size_t nb)
{
	size_t i;

	if (a->year != b->year || a->u != b->u ||
	    memcmp(&a->st, &b->st, sizeof a->st) != 0)
		return 0;
	for (i = 0; i < nb; i++)
		if (!rec_str_eq(a->b[i], b->b[i]))
			return 0;
	return 1;
}

static void
check_table(const struct poll *p, struct poll_table *tb,
	    unsigned long long acc)
{
	unsigned long long sum = 0;
	struct buf svg = BUF_INIT;
	size_t i, opened = 0, closed = 0;
	const char *s;

	for (i = 0; i < tb->n; i++)
		sum += tb->rows[i].st.n + tb->rows[i].st.excluded;
	if (sum != acc)
		abort();
	poll_table_rank(p, tb, 0);
	for (i = 0; i < tb->n; i++) {
		const struct poll_row *r = &tb->rows[i];

		if (r->rank < 0 || r->rank > r->of ||
		    (r->rank > 0 && r->streak < 1))
			abort();
	}
	if (tb->nb == 0) {
		pollplot_svg(&svg, p, tb, &p->units[0], "t<&>", 0);
		for (s = svg.p; (s = strstr(s, "<text")) != NULL; s++)
			opened++;
		for (s = svg.p; (s = strstr(s, "</text>")) != NULL; s++)
			closed++;
		if (opened != closed || strstr(svg.p, "</svg>") == NULL)
			abort();
		buf_release(&svg);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct buf body = BUF_INIT;
	struct poll_table a, b, c;
	struct poll *p;
	char name[32], pname[32];
	unsigned long long acc, acc2, acc3, na[2], nb[2], nc[2];
	size_t nerr, i;
	int fd, pfd, withcount, by_q, level;

	if (n < 1)
		return 0;
	withcount = d[0] & 1;
	by_q = (d[0] >> 1) & 1;
	level = (d[0] >> 2) & 1;
	p = poll_load_mem("def.yaml", def, sizeof def - 1, &nerr);
	if (p == NULL)
		abort();
	buf_adds(&body, withcount ? "year\tround\tunit\tquestion\tanswer\tcount\n"
		 : "year\tround\tunit\tquestion\tanswer\n");
	buf_add(&body, d + 1, n - 1);
	fd = memfd(body.p, body.len, name);
	pfd = memfd("", 0, pname);
	poll_table_init(&a, by_q);
	tally(p, name, 0, by_q, level, 0, &a, pname, &acc, na);
	poll_table_init(&b, by_q);
	tally(p, pname, 1, by_q, 0, 0, &b, NULL, &acc2, nb);
	poll_table_init(&c, by_q);
	tally(p, name, 0, by_q, level, 1, &c, NULL, &acc3, nc);
	if (a.n != b.n || a.n != c.n || acc != acc3 || na[0] != nc[0] ||
	    na[1] != nc[1])
		abort();
	for (i = 0; i < a.n; i++)
		if (!same_rows(&a.rows[i], &b.rows[i], a.nb) ||
		    !same_rows(&a.rows[i], &c.rows[i], a.nb))
			abort();
	check_table(p, &a, acc);
	poll_table_release(&a);
	poll_table_release(&b);
	poll_table_release(&c);
	poll_free(p);
	buf_release(&body);
	close(fd);
	close(pfd);
	return 0;
}
