/*
 * mjoin: the sorted merge join of two record streams, in constant memory
 * (pop-grid diff --sorted, sms-notify joining violations to vehicles by
 * plate).
 *
 * Both readers must be sorted by their key field in byte order (the order
 * of `LC_ALL=C sort`; a NULL key sorts as the empty value).  mjoin_next()
 * walks them side by side and says, step by step, whether the smaller key
 * is only on the left, only on the right, or on both.  A record whose key
 * is before the previous one's on its side ends the program with status 2
 * (the input is not sorted), naming the file and line.
 *
 * Repeated keys: a side made with MJOIN_UNIQUE rejects (rec_reject) a
 * record whose key repeats the previous one's, "key repeated (first at
 * line N)", and goes on.  Else the side may repeat keys, and each of its
 * records meets the other side's record of that key (many violations to
 * one vehicle).  At most one side may repeat keys: many to many would need
 * the records held.
 *
 * Lifetimes: the records returned are the readers' (valid until the next
 * mjoin_next()); a record that stays current on one side while the other
 * advances stays valid, as its reader is not called.  The readers stay
 * the caller's.
 */
#ifndef JW_MJOIN_H
#define JW_MJOIN_H

#include <stddef.h>

#include "base/buf.h"
#include "rec/rec.h"

enum { MJOIN_UNIQUE = 1 };

enum mjoin_step { MJOIN_END, MJOIN_LEFT, MJOIN_RIGHT, MJOIN_BOTH };

struct mjoin_side {
	struct rec_reader *in;
	size_t key;
	int flags;
	const struct rec *r;	/* current record, NULL at the end */
	struct buf last;	/* its key, kept past the reader's next */
	unsigned long long line;	/* its line, 0 before the first */
	int advance, used;
};

struct mjoin {
	struct mjoin_side s[2];
	const char *hint;
};

/* Join left (key field lkey) and right (rkey); lflags and rflags are 0 or
 * MJOIN_UNIQUE.  hint (may be NULL) ends the "not sorted" message, as in
 * "(input not sorted by id_no: drop --sorted)".  Reads nothing yet. */
void mjoin_init(struct mjoin *j, struct rec_reader *left, size_t lkey,
		int lflags, struct rec_reader *right, size_t rkey, int rflags,
		const char *hint);
void mjoin_release(struct mjoin *j);
/* The next step: MJOIN_LEFT with *l set (*r NULL), MJOIN_RIGHT with *r
 * set, MJOIN_BOTH with both (keys equal), or MJOIN_END when both sides
 * are read through. */
enum mjoin_step mjoin_next(struct mjoin *j, const struct rec **l,
			   const struct rec **r);

#endif
