/* mjoin: the sorted merge join.  See mjoin.h. */
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/util.h"
#include "rec/mjoin.h"

void
mjoin_init(struct mjoin *j, struct rec_reader *left, size_t lkey,
	   int lflags, struct rec_reader *right, size_t rkey, int rflags,
	   const char *hint)
{
	memset(j, 0, sizeof *j);
	j->s[0].in = left;
	j->s[0].key = lkey;
	j->s[0].flags = lflags;
	j->s[1].in = right;
	j->s[1].key = rkey;
	j->s[1].flags = rflags;
	j->s[0].advance = j->s[1].advance = 1;
	buf_init(&j->s[0].last);
	buf_init(&j->s[1].last);
	j->hint = hint;
}

void
mjoin_release(struct mjoin *j)
{
	buf_release(&j->s[0].last);
	buf_release(&j->s[1].last);
}

/* The side's next record in key order: a key before the last one's ends
 * the program; a repeat is rejected on a MJOIN_UNIQUE side. */
static void
side_next(struct mjoin *j, struct mjoin_side *s)
{
	const struct rec *r;
	struct rec_str prev;
	int c;

	while ((r = rec_reader_next(s->in)) != NULL) {
		prev.p = s->last.p;
		prev.len = s->last.len;
		c = s->line ? rec_str_cmp(r->f[s->key], prev) : 1;
		if (c > 0 || (c == 0 && !(s->flags & MJOIN_UNIQUE)))
			break;
		if (c < 0)
			diag_die(JW_EXIT_USAGE, "%s:%llu: field '%s': before "
				 "the previous record's (input not sorted by "
				 "%s%s%s)", r->file, r->line,
				 rec_reader_name(s->in, s->key),
				 rec_reader_name(s->in, s->key),
				 j->hint ? ": " : "", j->hint ? j->hint : "");
		rec_reject(s->in, r, "field '%s': key repeated (first at line "
			   "%llu)", rec_reader_name(s->in, s->key), s->line);
	}
	s->r = r;
	if (r == NULL)
		return;
	if (!(c == 0 && s->line))
		s->line = r->line;
	buf_reset(&s->last);
	buf_add(&s->last, r->f[s->key].p, r->f[s->key].len);
}

enum mjoin_step
mjoin_next(struct mjoin *j, const struct rec **l, const struct rec **r)
{
	struct mjoin_side *a = &j->s[0], *b = &j->s[1];
	int c, i;

	*l = *r = NULL;
	for (;;) {
		for (i = 0; i < 2; i++)
			if (j->s[i].advance) {
				side_next(j, &j->s[i]);
				j->s[i].advance = j->s[i].used = 0;
			}
		if (a->r == NULL && b->r == NULL)
			return MJOIN_END;
		if (a->r == NULL)
			c = 1;
		else if (b->r == NULL)
			c = -1;
		else
			c = rec_str_cmp(a->r->f[a->key], b->r->f[b->key]);
		if (c < 0) {
			a->advance = 1;
			if (a->used)
				continue;	/* met the other side already */
			*l = a->r;
			return MJOIN_LEFT;
		}
		if (c > 0) {
			b->advance = 1;
			if (b->used)
				continue;
			*r = b->r;
			return MJOIN_RIGHT;
		}
		*l = a->r;
		*r = b->r;
		/* The side that may repeat moves on; the other's record
		 * stays to meet its next records of the same key. */
		if (!(a->flags & MJOIN_UNIQUE)) {
			a->advance = 1;
			b->used = 1;
		} else if (!(b->flags & MJOIN_UNIQUE)) {
			b->advance = 1;
			a->used = 1;
		} else {
			a->advance = b->advance = 1;
		}
		return MJOIN_BOTH;
	}
}
