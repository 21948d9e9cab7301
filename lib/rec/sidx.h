/*
 * sidx: a keyed sidecar index over a TSV data file (case-status indexes
 * party ID numbers, viol-query plates).
 *
 * sidx_build() reads the data once and writes FILE.idx (or a path of the
 * caller's choosing) mapping each key to the byte offsets and line numbers
 * of the lines holding it.  The key field may hold several keys (a
 * separator and an extractor are the caller's: see struct sidx_opts).  The
 * index holds no key itself, only a 64-bit hash of each: a plain hash, or
 * (with a secret) the first 8 bytes of HMAC-SHA256 under a key file's
 * secret (libsodium), so an index of ID numbers holds none in clear and
 * cannot be searched without the key file.  Every hit is read back from
 * the data and must hold the key, so two keys of one hash never mix.
 *
 * The index records what it covers: the data's size at build time, its
 * inode, its mtime and a hash of its first and last 4 KiB of that covered
 * part.  sidx_open() checks them: data that only grew is fine (lookups use
 * the index for the covered part and scan only the appended bytes); data
 * changed in any other way, a corrupt or truncated index, or one built for
 * another field or key is refused with a message saying how to rebuild.
 * Reading is a few preads and binary searches: nothing is parsed at open.
 * Every part of the index an answer comes from (header, directory, table
 * page, posting list) is covered by a hash checked before use, and every
 * offset is checked against the sizes, so a corrupt or truncated index is
 * refused (exit 4), never a crash or a wrong answer.  The format is
 * described in sidx.c.
 *
 * An extend writes only what is new: a segment file beside the index
 * (IDX.1, IDX.2, ..., up to 8; the next extend merges them all into a new
 * index, and a build without extend removes them).  Each file is written
 * with durable.h (beside, fsync, rename), so a build killed half-way
 * leaves the old index or none.  A lookup never blocks on a build.
 */
#ifndef JW_SIDX_H
#define JW_SIDX_H

#include <stddef.h>
#include <stdint.h>

#include "rec/rec.h"

/* One line of the data: where it starts, how long it is (without LF), and
 * its line number (header = 1) for messages. */
struct sidx_hit {
	uint64_t off;
	uint64_t len;
	uint64_t line;
	const char *text;	/* its len bytes, as read back (not NUL-ended) */
};

struct sidx_opts {
	const char *field;	/* the key field's name in the header */
	/* Keys in one field value: called once per record's value, it calls
	 * emit for each key it holds (after normalising it).  NULL: the
	 * whole value is one key. */
	void (*keys)(void *ctx, struct rec_str value,
		     void (*emit)(void *ectx, const char *k, size_t n),
		     void *ectx);
	void *keys_ctx;
	/* A name for what keys() does ("parties-id/1"), part of the options
	 * the index records: change it when keys() changes.  NULL: none. */
	const char *keys_name;
	/* Store HMAC-SHA256(secret, key) instead of the key; NULL = clear. */
	const unsigned char *secret;
	size_t nsecret;
	/* The command that rebuilds the index, for messages ("viol-query
	 * index -f plate viol.tsv").  NULL: the message says only "rebuild
	 * the index". */
	const char *rebuild;
};

/* Build (or, with extend, extend by the appended part) the index of data
 * at idx.  Only whole lines are covered: a last line without LF (an
 * append under way) is left to the next extend or to the lookups' scan.
 * A repeated header line is no record; a line without the key field, or
 * with it empty or \N, has no key.  Exits 4 with a message when the data
 * cannot be read, is not a regular file, is gzipped (an index needs
 * offsets into plain text), has no header line, or, for extend, when the
 * index does not cover a prefix of the data (extend with no index builds
 * it whole); exits 2 when the field is not in the header.  Returns the
 * number of record lines read by this call. */
uint64_t sidx_build(const char *data, const char *idx,
		    const struct sidx_opts *o, int extend);

struct sidx;

/* Open idx over data.  Exits 4 with "prog: IDX: ... (rebuild it with
 * '...')" when the index is stale (the data changed other than by
 * growing), corrupt, truncated or built with other options. */
struct sidx *sidx_open(const char *data, const char *idx,
		       const struct sidx_opts *o);
/* The same, but an index refused (missing, stale, corrupt, truncated,
 * other options) is no exit: NULL, with the message in *err (without the
 * program's name; caller frees).  A data file that cannot be read still
 * exits 4.  Lookups on the index it opens do not exit either: when one
 * finds the index corrupt it returns 0 and sidx_error() says why, and so
 * do all after it.  For a program that would rather scan than stop, and
 * for the fuzz harness. */
struct sidx *sidx_try_open(const char *data, const char *idx,
			   const struct sidx_opts *o, char **err);
/* NULL, or why a lookup on a sidx_try_open() index refused it. */
const char *sidx_error(const struct sidx *x);
/* Every line holding key (already normalised), in file order: those of the
 * covered part from the index, then those of the appended part by a scan.
 * *hits is an array owned by x, valid until the next call, and so are
 * the hits' texts (the lines as read back: a caller that reads them again
 * need not).  Returns the count. */
size_t sidx_lookup(struct sidx *x, const char *key, size_t n,
		   const struct sidx_hit **hits);
/* Every line holding any of the keys keys[0..n) (lens[i] bytes each,
 * normalised; empty ones are skipped), in file order and each line once:
 * those of the covered part from the index, key by key, then those of the
 * appended part by one scan for all the keys (n lookups would scan it n
 * times).  Otherwise as sidx_lookup(). */
size_t sidx_lookup_keys(struct sidx *x, const char *const *keys,
			const size_t *lens, size_t n,
			const struct sidx_hit **hits);
/* Bytes of the data the index covers, and the data's size now. */
uint64_t sidx_covered(const struct sidx *x);
uint64_t sidx_data_size(const struct sidx *x);
void sidx_close(struct sidx *x);

/* Read a secret key file (--key FILE): its bytes, 16 to 4096 of them.
 * Exits 3 when it cannot be read or is too short or too long; warns when
 * others may read it.  Caller frees. */
unsigned char *sidx_read_secret(const char *path, size_t *n);

#endif
