/*
 * blk: the record reader's input blocks, read ahead and (for TSV) indexed.
 *
 * A source reads its stream in blocks of BLK_DATA bytes.  With a second
 * processor (and JINGWU_NO_THREADS unset) a thread reads and prepares up to
 * three blocks ahead while the reader works through its own; else one block
 * is refilled in place, in line.  Either way the bytes, the index and the
 * order are the same; the thread only overlaps the work.
 *
 * Preparing a TSV block indexes it in one pass over its bytes: a bitmap of
 * its tabs (bit i of tabw[j] for byte 64 * j + i) and the offsets of its
 * newlines and of its odd bytes (a backslash, a CR or a NUL: bytes a line
 * must be looked at more closely for); and checks that its whole lines are
 * valid UTF-8, which is much cheaper per block than per line.  With AVX2
 * it also lists the offset of every tab (tabs) and, when the reader wants
 * only some fields (blk_src_want()), makes a table of where they are on
 * each line (struct blk_line), pointing into that list.  The thread reads
 * and indexes; the checking and the table are done in pieces by whichever
 * side is free (see blk.c).
 *
 * A block's data starts at offset BLK_HEAD; the reader hands the end of the
 * line it could not finish (the tail) to blk_next(), which puts it in the
 * room before the next block's data, so that the line is whole again.  A
 * tail longer than that room is joined the slow way (copied, and the block
 * indexed again).  Offsets are uint32_t: a block never passes 4 GiB, since
 * lines are limited to 1 GiB (--max-line).
 *
 * What a block's index holds (struct blk and its tables) is private to
 * this module and the TSV reader (rec_tsv.c): both include blk_ix.h.
 * Everyone else sees a block's bytes through blk_buf(), blk_end(),
 * blk_eof() and blk_err().
 */
#ifndef JW_BLK_H
#define JW_BLK_H

#include <stddef.h>

#include "base/zio.h"

#define BLK_DATA (256u << 10)	/* read per block: it stays in L2 */
#define BLK_HEAD (64u << 10)	/* room for a tail before the data */
#define BLK_SLACK 64		/* readable zero bytes past a block's end */

struct blk;
struct blk_src;

/* Whether the AVX2 paths (here and in the record reader) are used: the
 * CPU has AVX2, BMI, BMI2 and POPCNT, and JINGWU_NO_SIMD is unset (see
 * utf8_simd()). */
int blk_simd(void);

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
/* The fields lo..hi (from 0) are those the reader takes from each line:
 * blocks read from now on have their lines' table (struct blk_line). */
void blk_src_want(struct blk_src *s, size_t lo, size_t hi);
/* Bytes of data read so far. */
unsigned long long blk_bytes(const struct blk_src *s);
/* Stop reading (a thread blocked on a pipe is cancelled) and free all.
 * The zin is the caller's. */
void blk_src_close(struct blk_src *s);

/* A block's bytes: data up to blk_end(b) (from BLK_HEAD, or where the
 * tail was put), and BLK_SLACK zero bytes after it. */
char *blk_buf(const struct blk *b);
size_t blk_end(const struct blk *b);
/* The stream ends at blk_end(b); a read error (zin_error() says which). */
int blk_eof(const struct blk *b);
int blk_err(const struct blk *b);
/* An empty block at the end of no stream: what a reader holds while no
 * input is open.  Shared and never written. */
struct blk *blk_empty(void);

#endif
