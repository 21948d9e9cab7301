/*
 * sidx_in: the sidecar index's internals, shared by its files and by the
 * fuzz harness (sidx.h is the contract).  The index is split by job:
 *
 *   sidx_data.c    what both sides share: the format's hash, the keys
 *                  (clear or HMAC), reading the data file (its header
 *                  line, its lines one by one, the hashes of its edges),
 *                  and the key file
 *   sidx_build.c   one pass over the data writes the index (sidx_build())
 *   sidx_open.c    its files open, the checks of the index and of the
 *                  data it covers, refusals (sidx_open(), sidx_try_open())
 *   sidx_lookup.c  a key's lines from the index, each read back, then a
 *                  scan of what was appended since (sidx_lookup(); for
 *                  many keys, sidx_lookup_keys(): one scan for all)
 *
 * Functions here are named sx_.
 *
 * An index is a base file (IDX) and up to SEGMAX segment files (IDX.1,
 * IDX.2, ...), each of one layout and covering the data's bytes from
 * where the one before ends (the base from the records' start); --extend
 * writes the next segment for what was appended (durable.h: beside, fsync,
 * rename), so it writes only what is new, and the SEGMAXth extend merges
 * them all into a new base.  A segment names its base (base_id: the base's
 * random build_id) and its place (seg, from): one left over from an older
 * base ends the chain, which a build removes.  The newest part records the
 * data's size, inode, mtime and edge hashes, checked at open.  Each file,
 * all words little-endian uint64 (the host's order; the magic tells
 * another):
 *
 *   header     struct hdr, ending with a hash of the words before it
 *   top        nblocks x { first key hash of the block, hash of the block }
 *   directory  npages x { first key hash of the page, hash of the page },
 *              DBLK entries a block
 *   table      nkeys x { key hash, first posting, count, hash of postings },
 *              sorted by key hash, PAGE entries a page
 *   postings   npost x { off | line << 48, line >> 16 | len << 32 }, each
 *              key's in file order
 *
 * Open hashes the top only (a few hundred bytes, not the directory: a
 * lookup is a few milliseconds with the process start); a lookup then
 * checks one directory block, one table page and one posting list: every
 * word an answer comes from is covered by a hash checked before it is
 * used, and every hit is read back from the data and must hold the key,
 * so a corrupt index is refused, not believed.  Key hashes are a hash of
 * the key (clear) or the first 8 bytes of its HMAC-SHA256: the index holds
 * no key itself.  Two keys with one hash share an entry; the read-back
 * tells their lines apart.
 *
 * The hash (sx_fmt_hash()) is the format's own, not htab.h's, because the
 * index outlives the program: changing it is a new format version.
 */
#ifndef JW_SIDX_IN_H
#define JW_SIDX_IN_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <sodium.h>

#include "base/buf.h"
#include "rec/rec.h"
#include "rec/sidx.h"

#define MAGIC "JWSIDX\r\n"
#define VERSION 2
#define PAGE 256		/* table entries a directory page */
#define DBLK 256		/* directory entries a top block */
#define SEGMAX 8		/* segments before an extend merges them */
#define EDGE 4096		/* bytes hashed at each end of the data */
#define BLOCK (1u << 20)	/* read size of the data pass */
#define MAX48 ((1ull << 48) - 1)
#define F_HMAC 1ull

struct hdr {
	char magic[8];
	uint64_t version, flags, opts_fp;
	uint64_t covered, ino, mtime_s, mtime_ns, head_hash, tail_hash;
	uint64_t body_off, col, nlines;
	uint64_t nkeys, npost, npages, nblocks;
	uint64_t top_off, dir_off, table_off, post_off, file_size, top_hash;
	/* 0 for the base, k for IDX.k; the first byte covered; the base's
	 * build_id; a random number of this file's build. */
	uint64_t seg, from, base_id, build_id;
	uint64_t hdr_hash;	/* fmt_hash of the words above */
};

struct dirent_ {
	uint64_t first, hash;
};

struct entry {
	uint64_t h, first, count, hash;
};

struct post {
	uint64_t a, b;
};

/* The format's word mixer (a strong 64-bit finaliser). */
static inline uint64_t
sx_mix(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	return x;
}

/* The hash of one posting list, word by word (the build has it as it
 * goes, not in one piece). */
static inline uint64_t
sx_post_hash_step(uint64_t h, const struct post *p)
{
	return sx_mix(sx_mix(h ^ p->a) ^ p->b);
}

struct keyer {
	int hmac;
	crypto_auth_hmacsha256_state st;	/* after init with the secret */
};

/* The header line of the data: where the records start, the key field's
 * column.  hl is the header line without BOM or line end. */
struct head {
	uint64_t body_off, col;
	const char *hl;
	size_t hlen;
};

/* One file of an index, open: its header and top level read at open, the
 * rest read where a lookup needs it (a pread is a microsecond; a page
 * fault in a mapping of it, with the map and unmap, 5 to 10 times that,
 * and a lookup's process start is mostly such costs).  The last directory
 * block and table page read stay, checked, for the next key. */
struct seg {
	int fd;			/* -1: none */
	uint64_t size;		/* the file's at open */
	struct hdr hd;
	const struct hdr *h;	/* &hd once read */
	struct dirent_ *top;	/* nblocks, checked at open */
	struct dirent_ *blk;	/* directory block blk_no - 1 (0: none) */
	uint64_t blk_no;
	struct entry *page;	/* table page page_no - 1 (0: none) */
	uint64_t page_no;
	struct post *post;	/* one key's postings, capacity npostc */
	size_t npostc;
};

struct sidx {
	const struct sidx_opts *o;
	int soft;		/* sidx_try_open(): refusals longjmp to jb */
	jmp_buf jb;
	char *err;		/* why it was refused */
	struct keyer k;
	int fd;			/* the data */
	char *data;
	struct seg seg[SEGMAX + 1];	/* the base, then the segments */
	size_t nseg;
	const struct hdr *h;	/* the newest part's (covered, nlines) */
	uint64_t size;		/* the data's size at open, whole lines */
	char *idx;
	char *hl;		/* header line (repeats in the appended part) */
	size_t hlen;
	struct sidx_hit *hits;
	size_t nhits, caph;
	struct buf texts;	/* the hits' lines, one lookup's */
	struct buf line, tmp;
};

/* ---- sidx_data.c ---- */

/* The format's hash of p[0..n) under seed (seeds tell its uses apart). */
uint64_t sx_fmt_hash(const void *p, size_t n, uint64_t seed);
/* The first key hash and the hash of each group of per entries of a
 * (n entries of size bytes, the first word of each its key hash) into
 * out[0..ceil(n / per)): the directory's and the top level's entries. */
void sx_seal_groups(struct dirent_ *out, const void *a, size_t size,
		    size_t n, size_t per, uint64_t seed);
/* Keys as o says: clear, or HMAC-SHA256 under o->secret.  Exits 5 when
 * libsodium does not start. */
void sx_keyer_init(struct keyer *k, const struct sidx_opts *o);
/* The 64-bit hash of the key p[0..n) that the index stores. */
uint64_t sx_key_hash(const struct keyer *k, const char *p, size_t n);
/* What the index records of the options: the field, keys_name, clear or
 * HMAC, and (HMAC) which secret. */
uint64_t sx_opts_fp(const struct sidx_opts *o, const struct keyer *k);
/* Each key of the field value v, as o->keys says (or v whole), to emit. */
void sx_keys_of(const struct sidx_opts *o, struct rec_str v,
		void (*emit)(void *, const char *, size_t), void *ectx);
/* " (rebuild it with '...')" for messages, appended to b. */
void sx_rebuild_hint(struct buf *b, const struct sidx_opts *o);
/* n bytes at off, whole: 0, or -1 with errno (EIO when the file ended). */
int sx_pread_full(int fd, void *p, size_t n, uint64_t off);
/* Open data (a plain regular file, not gzip) and fstat it into *st.
 * Exits 4 otherwise. */
int sx_open_data(const char *data, struct stat *st);
/* Field col of the line p[0..n) (no LF; a CR before it is not part of
 * the last field), unescaped (into tmp when it has a backslash).  Returns
 * 0 when the line has fewer fields or the value is empty or NULL. */
int sx_line_field(const char *p, size_t n, uint64_t col, struct buf *tmp,
		  struct rec_str *v);
/* For each line of data from off (whose line is number *linep) to end,
 * which ends after an LF: fn(ctx, line, len, off, number).  Repeated
 * header lines are not passed.  *linep becomes the number of the line
 * after.  Returns the lines passed.  Exits 4 on a read error or a line
 * over BLOCK bytes. */
uint64_t sx_scan_lines(int fd, const char *data, const struct head *hd,
		       uint64_t off, uint64_t *linep, uint64_t end,
		       void (*fn)(void *, const char *, size_t, uint64_t,
				  uint64_t),
		       void *ctx);
/* Bytes up to and with the last LF of the first size bytes of fd. */
uint64_t sx_whole_lines(int fd, const char *data, uint64_t size);
/* The hashes of the first and last EDGE bytes of the covered part. */
void sx_edge_hashes(int fd, const char *data, uint64_t covered,
		    uint64_t *head, uint64_t *tail);
/* Read the header line into *hd: exits 4 when there is none, 2 when
 * field is not in it.  hd->hl is malloc'd (caller frees). */
void sx_read_head(int fd, const char *data, uint64_t covered,
		  const char *field, struct head *hd);

/* The path of segment k of idx (IDX.k) into b (reset first). */
void sx_seg_path(struct buf *b, const char *idx, size_t k);
/* The sizes and offsets of a file of nkeys keys and npost postings into
 * h (npages, nblocks, the offsets, file_size). */
void sx_layout(struct hdr *h, uint64_t nkeys, uint64_t npost);
/* n bytes at off of segment s into p (off + n within its size, as checked
 * at open): a short read (the file shrank since) is a refusal. */
void sx_seg_read(struct sidx *x, const struct seg *s, void *p, size_t n,
		 uint64_t off);

/* ---- sidx_open.c ---- */

/* The index is refused: exit 4 with the message and how to rebuild, or
 * (sidx_try_open()) keep the message in x->err and longjmp to x->jb. */
void sx_refuse(struct sidx *x, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* Open idx over data.  missing_ok: a missing index is NULL, no error.
 * err != NULL: a refusal is NULL with the message in *err. */
struct sidx *sx_open_idx(const char *data, const char *idx,
			 const struct sidx_opts *o, int missing_ok,
			 char **err);

#endif
