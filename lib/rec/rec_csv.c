/* rec_csv: the CSV reader (RFC 4180).  See rec_in.h.
 *
 * A record ends at a newline outside quotes, so it may span lines; its
 * fields are decoded (quotes removed, "" made ") into the reader's
 * scratch buffer, which in->cols then points into.
 */
#include <string.h>

#include "base/utf8.h"
#include "rec/rec_in.h"

/* Find the end of a CSV record from p: the newline outside quotes.
 * Returns its offset, or n when the span is incomplete. */
size_t
csv_end(const char *p, size_t n)
{
	size_t i = 0;
	int quoted = 0, start = 1;

	for (; i < n; i++) {
		char c = p[i];

		if (quoted) {
			if (c == '"') {
				if (i + 1 < n && p[i + 1] == '"')
					i++;
				else if (i + 1 == n)
					return n;	/* need the next byte */
				else
					quoted = 0;
			}
			continue;
		}
		if (c == '\n')
			return i;
		if (c == '"' && start)
			quoted = 1;
		start = c == ',';
	}
	return n;
}

/* Decode a CSV record into in->scratch and in->cols.  Returns the column
 * count, or -1 with in->msg set. */
long
csv_split(struct rec_reader *in, const char *p, size_t len)
{
	size_t i = 0, nc = 0, k;
	struct buf *s = &in->scratch;

	buf_reset(s);
	for (;;) {
		if (nc <= REC_MAX_FIELDS)
			in->offs[nc] = s->len;
		if (i < len && p[i] == '"') {
			for (i++;; i++) {
				if (i >= len) {
					buf_reset(&in->msg);
					buf_printf(&in->msg, "field %zu: quoted "
						   "field not closed", nc + 1);
					return -1;
				}
				if (p[i] == '"') {
					if (i + 1 < len && p[i + 1] == '"') {
						buf_addc(s, '"');
						i++;
						continue;
					}
					i++;
					break;
				}
				buf_addc(s, p[i]);
			}
			if (i < len && p[i] != ',') {
				buf_reset(&in->msg);
				buf_printf(&in->msg, "field %zu: text after "
					   "the closing quote", nc + 1);
				return -1;
			}
		} else {
			k = i;
			while (i < len && p[i] != ',')
				i++;
			buf_add(s, p + k, i - k);
		}
		buf_addc(s, '\0');
		nc++;
		if (i >= len)
			break;
		i++;	/* the comma */
	}
	for (k = 0; k < nc && k <= REC_MAX_FIELDS; k++) {
		in->cols[k].p = s->p + in->offs[k];
		in->cols[k].len = (k + 1 < nc && k + 1 <= REC_MAX_FIELDS ?
				   in->offs[k + 1] : s->len) - in->offs[k] - 1;
	}
	return (long)nc;
}

/* Reject the record p[0..len) whole, with the reason in in->msg. */
static int
reject_whole(struct rec_reader *in, const char *p, size_t len)
{
	in->cols[0].p = p;
	in->cols[0].len = len;
	rd_reject_raw(in, in->cols, 1);
	return 0;
}

/* The record p[0..len) (see rec_in.h): valid UTF-8, well quoted, no NUL
 * in a field, the header's field count. */
int
csv_record(struct rec_reader *in, const char *p, size_t len)
{
	size_t nc, i, k;
	long ncl;

	in->nread++;
	if (!utf8_is_valid(p, len)) {
		buf_reset(&in->msg);
		rd_bad_text(in, utf8_valid_prefix(p, len));
		return reject_whole(in, p, len);
	}
	ncl = csv_split(in, p, len);
	if (ncl < 0)
		return reject_whole(in, p, len);
	nc = (size_t)ncl;
	/* Column REC_MAX_FIELDS + 1 holds the rest of a long record,
	 * separators too: rd_deliver() rejects it for its field count. */
	for (i = 0; i < nc && i < REC_MAX_FIELDS; i++) {
		if (memchr(in->cols[i].p, '\0', in->cols[i].len) == NULL)
			continue;
		buf_reset(&in->msg);
		k = rd_col_field(in, i);
		if (k != REC_NONE)
			buf_printf(&in->msg, "field '%s': NUL byte",
				   in->names[k]);
		else
			buf_printf(&in->msg, "field %zu: NUL byte", i + 1);
		rd_reject_cols(in, nc);
		return 0;
	}
	return rd_deliver(in, nc);
}
