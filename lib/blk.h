/*
 * blk: the record reader's input blocks, read ahead and (for TSV) indexed.
 *
 * A source reads its stream in blocks of BLK_DATA bytes.  Each block is
 * read and prepared while the reader works through the one before: on a
 * second thread when the machine has a second processor (and
 * JINGWU_NO_THREADS is not set), else in line.  Either way the bytes, the
 * index and the order are the same; the thread only overlaps the work.
 *
 * Preparing a TSV block indexes it in one pass over its bytes: a bitmap of
 * its tabs (bit i of tabw[j] for byte 64 * j + i) and the offsets of its
 * newlines and of its odd bytes (a backslash, a CR or a NUL: bytes a line
 * must be looked at more closely for); and checks that its whole lines are
 * valid UTF-8, which is much cheaper per block than per line.
 *
 * A block's data starts at offset BLK_HEAD; the reader hands the end of the
 * line it could not finish (the tail) to blk_next(), which puts it in the
 * room before the next block's data, so that the line is whole again.  A
 * tail longer than that room is joined the slow way (copied, and the block
 * indexed again).  Offsets are uint32_t: a block never passes 4 GiB, since
 * lines are limited to 1 GiB (--max-line).
 */
#ifndef JW_BLK_H
#define JW_BLK_H

#include <stddef.h>
#include <stdint.h>

#include "zio.h"

#define BLK_DATA (256u << 10)	/* read per block: it stays in L2 */
#define BLK_HEAD (64u << 10)	/* room for a tail before the data */
#define BLK_SLACK 64		/* readable zero bytes past a block's end */
#define BLK_SPARE_WORDS 8	/* tab bitmap words past the end, readable */

/* Offsets into a block, ascending. */
struct blk_ix {
	uint32_t *at;
	size_t n, i, cap;	/* entries, the next unread, room */
};

struct blk {
	char *buf;
	size_t cap, end;	/* data in [.., end), room for cap + SLACK */
	int eof;		/* the stream ends at end */
	int err;		/* a read error: zin_error() says which */
	/* TSV only. */
	struct blk_ix nls, odds;
	uint64_t *tabw;		/* + BLK_SPARE_WORDS (their bits are junk) */
	size_t tabw_cap;
	size_t vfrom, vok;	/* buf[vfrom, vok) is known valid UTF-8 */
};

struct blk_src;

/* Read z in blocks; index them when tsv is set.  The source starts with
 * an empty current block (*pos is set to its start).  Uses a thread when
 * the machine has two processors or more and JINGWU_NO_THREADS is unset. */
struct blk_src *blk_src_open(struct zin *z, int tsv, struct blk **cur,
			     size_t *pos);
/* The next block, with the tail tail[0..t) (the end of the current block,
 * not yet taken) just before its data; *pos is set to where the tail
 * starts.  At the end of the stream the current block comes back as it
 * is.  The previous block is reused: pointers into it die. */
struct blk *blk_next(struct blk_src *s, const char *tail, size_t t,
		     size_t *pos);
/* Bytes of data read so far. */
unsigned long long blk_bytes(const struct blk_src *s);
/* Stop reading (a thread blocked on a pipe is cancelled) and free all.
 * The zin is the caller's. */
void blk_src_close(struct blk_src *s);

/* The first unread entry at or past offset from. */
static inline void
blk_ix_seek(struct blk_ix *x, size_t from)
{
	while (x->i < x->n && x->at[x->i] < from)
		x->i++;
}

#endif
