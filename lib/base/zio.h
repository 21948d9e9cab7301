/*
 * zio: byte streams in and out, with gzip and character-set conversion.
 *
 * An input stream reads a file or standard input ("-") in large blocks.
 * Gzip input is recognised by its magic bytes (on stdin too) and inflated
 * member after member; a file that ends inside a member, or whose CRC does
 * not match, is an error, never a silently short stream.  With an encoding
 * (e.g. "gb18030") the bytes are converted to UTF-8 with iconv after
 * decompression; a byte sequence that is not valid in that encoding (or is
 * cut by the end) is passed through in a form that is never valid UTF-8
 * (the byte itself, a continuation byte after a passed lead byte as 0xff, a
 * whole UTF-16 or UTF-32 unit as 0xff bytes), so the record reader rejects
 * that line alone.
 *
 * An output stream writes standard output or a file.  A file is written to a
 * temporary name beside it (durable.h: ".NAME.XXXXXX") and renamed into
 * place, fsynced with its folder, only by zout_close() with commit set; if
 * the program exits any other way, or ends on SIGINT, SIGTERM or SIGHUP,
 * the temporary is removed (the signal then ends it, status 128 + signal).
 * A device, FIFO or symbolic link is written through in place.
 * Write errors end the program with status 4 ("prog: FILE: write error:
 * ..."), except EPIPE on a pipe, which ends it quietly with status 0 (the
 * reader of `| head` has all it wanted).
 */
#ifndef JW_ZIO_H
#define JW_ZIO_H

#include <stddef.h>
#include <sys/types.h>

struct zin;
struct zout;

/* Open path ("-" or NULL: standard input).  encoding is NULL for UTF-8 or
 * an iconv name.  Returns NULL and sets *err (caller frees) when the file
 * cannot be opened or the encoding is unknown. */
struct zin *zin_open(const char *path, const char *encoding, char **err);
/* Read up to n bytes (n >= 4 with an encoding: a whole character).
 * Returns the count, 0 at the end, or -1 on error
 * (zin_error() says what, without the file name). */
ssize_t zin_read(struct zin *z, char *buf, size_t n);
const char *zin_error(const struct zin *z);
/* The name for messages: the path, or "<stdin>". */
const char *zin_name(const struct zin *z);
/* Bytes read from the file so far (compressed bytes for gzip). */
unsigned long long zin_bytes(const struct zin *z);
void zin_close(struct zin *z);

/* Open path (NULL or "-": standard output); gzip when gz is set.  A file is
 * created as a temporary beside path.  Exits 4 when that fails. */
struct zout *zout_open(const char *path, int gz);
/* Write n bytes (buffered when gzip, else written through). */
void zout_write(struct zout *z, const void *p, size_t n);
/* Flush and close.  With commit set a file is renamed into place; without,
 * it is removed.  Exits 4 on a write error. */
void zout_close(struct zout *z, int commit);
const char *zout_name(const struct zout *z);
/* Call fn before the quiet exit on EPIPE (the record writer commits its
 * other open files there).  fn runs once; an EPIPE inside it just exits. */
void zout_on_epipe(void (*fn)(void));

#endif
