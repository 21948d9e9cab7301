/* rec_jsonl: the JSON Lines reader.  See rec_in.h.
 *
 * One JSON object a line.  The first good object's keys are the header
 * (in its order); a later object may leave keys out (NULL) but not bring
 * new ones.  String values are unescaped; other values (numbers, true,
 * nested objects) are kept as their JSON text; null is NULL.
 */
#include <string.h>

#include "base/utf8.h"
#include "rec/rec_in.h"

struct jp {
	const char *start, *p, *end;
	struct rec_reader *in;
};

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static int
jp_fail(struct jp *j, const char *what)
{
	buf_reset(&j->in->msg);
	buf_printf(&j->in->msg, "bad JSON at byte %zu: %s",
		   (size_t)(j->p - j->start) + 1, what);
	return -1;
}

static int
hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* A JSON string at j->p (on the quote), decoded onto out. */
static int
jp_string(struct jp *j, struct buf *out)
{
	const char *p = j->p + 1, *q;
	unsigned u, lo;
	char enc[4];

	for (;;) {
		q = p;
		while (q < j->end && *q != '"' && *q != '\\' &&
		       (unsigned char)*q >= 0x20)
			q++;
		buf_add(out, p, (size_t)(q - p));
		p = q;
		if (p >= j->end) {
			j->p = p;
			return jp_fail(j, "string not closed");
		}
		if (*p == '"')
			break;
		if ((unsigned char)*p < 0x20) {
			j->p = p;
			return jp_fail(j, "control character in a string");
		}
		if (p + 1 >= j->end) {
			j->p = p;
			return jp_fail(j, "string not closed");
		}
		switch (p[1]) {
		case '"': buf_addc(out, '"'); p += 2; continue;
		case '\\': buf_addc(out, '\\'); p += 2; continue;
		case '/': buf_addc(out, '/'); p += 2; continue;
		case 'b': buf_addc(out, '\b'); p += 2; continue;
		case 'f': buf_addc(out, '\f'); p += 2; continue;
		case 'n': buf_addc(out, '\n'); p += 2; continue;
		case 'r': buf_addc(out, '\r'); p += 2; continue;
		case 't': buf_addc(out, '\t'); p += 2; continue;
		case 'u': break;
		default:
			j->p = p;
			return jp_fail(j, "unknown escape");
		}
		if (j->end - p < 6 || hex4(p + 2, &u) < 0) {
			j->p = p;
			return jp_fail(j, "bad \\u escape");
		}
		p += 6;
		if (u >= 0xdc00 && u <= 0xdfff) {
			j->p = p - 6;
			return jp_fail(j, "lone low surrogate");
		}
		if (u >= 0xd800 && u <= 0xdbff) {
			if (j->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
			    hex4(p + 2, &lo) < 0 || lo < 0xdc00 ||
			    lo > 0xdfff) {
				j->p = p - 6;
				return jp_fail(j, "lone high surrogate");
			}
			p += 6;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (u == 0) {
			j->p = p - 6;
			return jp_fail(j, "\\u0000 (NUL) in a string");
		}
		buf_add(out, enc, utf8_encode(u, enc));
	}
	j->p = p + 1;
	return 0;
}

/* A JSON number at j->p, skipped, checking its shape. */
static int
jp_number(struct jp *j)
{
	const char *p = j->p;

	if (*p == '-')
		p++;
	if (p < j->end && *p == '0')
		p++;
	else if (p < j->end && *p >= '1' && *p <= '9')
		while (p < j->end && *p >= '0' && *p <= '9')
			p++;
	else
		return jp_fail(j, "bad number");
	if (p < j->end && *p == '.') {
		p++;
		if (p >= j->end || *p < '0' || *p > '9')
			return jp_fail(j, "bad number");
		while (p < j->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < j->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < j->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= j->end || *p < '0' || *p > '9')
			return jp_fail(j, "bad number");
		while (p < j->end && *p >= '0' && *p <= '9')
			p++;
	}
	j->p = p;
	return 0;
}

static int jp_skip(struct jp *j, int depth);

/* An object or array at j->p (on its bracket), skipped, checking its
 * shape. */
static int
jp_container(struct jp *j, int depth)
{
	struct buf dummy = BUF_INIT;
	char close = *j->p == '{' ? '}' : ']';
	int obj = close == '}';

	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		if (obj) {
			jp_ws(j);
			if (j->p >= j->end || *j->p != '"') {
				buf_release(&dummy);
				return jp_fail(j, "key expected");
			}
			if (jp_string(j, &dummy) < 0) {
				buf_release(&dummy);
				return -1;
			}
			buf_reset(&dummy);
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':') {
				buf_release(&dummy);
				return jp_fail(j, "':' expected");
			}
			j->p++;
		}
		if (jp_skip(j, depth + 1) < 0) {
			buf_release(&dummy);
			return -1;
		}
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			buf_release(&dummy);
			return 0;
		}
		buf_release(&dummy);
		return jp_fail(j, "',' or end expected");
	}
}

/* Skip a JSON value of any kind (for nesting), checking its shape. */
static int
jp_skip(struct jp *j, int depth)
{
	struct buf dummy = BUF_INIT;
	int r;

	if (depth > 64)
		return jp_fail(j, "nested deeper than 64 levels");
	jp_ws(j);
	if (j->p >= j->end)
		return jp_fail(j, "value expected");
	if (*j->p == '"') {
		r = jp_string(j, &dummy);
		buf_release(&dummy);
		return r;
	}
	if (*j->p == '{' || *j->p == '[')
		return jp_container(j, depth);
	if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
		return jp_number(j);
	if (j->end - j->p >= 4 && memcmp(j->p, "true", 4) == 0)
		j->p += 4;
	else if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0)
		j->p += 5;
	else if (j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0)
		j->p += 4;
	else
		return jp_fail(j, "value expected");
	return 0;
}

/* One "key": value member of the object at j->p (on the key's quote):
 * the value goes to in->scratch, NUL-terminated, from in->offs[its
 * field]; before the header is known, the key becomes a field.  Returns 0,
 * or -1 with in->msg set. */
static int
jsonl_member(struct rec_reader *in, struct jp *j)
{
	struct buf *s = &in->scratch, q = BUF_INIT;
	size_t idx, keyoff = s->len;
	const char *vstart;

	if (jp_string(j, s) < 0)
		return -1;
	idx = rd_name_index(in, s->p + keyoff, s->len - keyoff);
	if (!in->have_header && idx == REC_NONE &&
	    (s->len == keyoff || in->n == REC_MAX_FIELDS)) {
		buf_reset(&in->msg);
		buf_printf(&in->msg, s->len == keyoff ?
			   "an empty key cannot name a field" :
			   "more than %d keys", REC_MAX_FIELDS);
		return -1;
	}
	if (!in->have_header && idx == REC_NONE) {
		rd_add_name(in, s->p + keyoff, s->len - keyoff, in->fname);
		idx = in->n - 1;
		in->seen[idx] = 0;
	}
	if (idx == REC_NONE || in->seen[idx]) {
		buf_add_quoted(&q, s->p + keyoff, s->len - keyoff);
		buf_reset(&in->msg);
		buf_printf(&in->msg, idx == REC_NONE ?
			   "key '%s' is not in the first record" :
			   "key '%s' repeated", q.p);
		buf_release(&q);
		return -1;
	}
	s->len = keyoff;	/* drop the key text */
	in->seen[idx] = 1;
	in->offs[idx] = s->len;
	jp_ws(j);
	if (j->p >= j->end || *j->p != ':')
		return jp_fail(j, "':' expected");
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == '"') {
		if (jp_string(j, s) < 0)
			return -1;
	} else if (j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0) {
		j->p += 4;	/* null: an empty NULL field */
		in->seen[idx] = 2;
	} else {
		vstart = j->p;
		if (jp_skip(j, 0) < 0)
			return -1;
		buf_add(s, vstart, (size_t)(j->p - vstart));
	}
	buf_addc(s, '\0');
	return 0;
}

/* Parse one JSON object line.  Before the header is known, its keys
 * become the header.  Fields go to in->f (header order).  Returns 0 or -1
 * with in->msg set. */
static int
parse_jsonl(struct rec_reader *in, const char *p, size_t len)
{
	struct jp j = { p, p, p + len, in };
	size_t i;

	buf_reset(&in->scratch);
	jp_ws(&j);
	if (j.p >= j.end || *j.p != '{')
		return jp_fail(&j, "not an object");
	j.p++;
	if (in->have_header)
		memset(in->seen, 0, in->n);
	jp_ws(&j);
	if (j.p < j.end && *j.p == '}')
		j.p++;
	else
		for (;;) {
			jp_ws(&j);
			if (j.p >= j.end || *j.p != '"')
				return jp_fail(&j, "key expected");
			if (jsonl_member(in, &j) < 0)
				return -1;
			jp_ws(&j);
			if (j.p < j.end && *j.p == ',') {
				j.p++;
				continue;
			}
			if (j.p < j.end && *j.p == '}') {
				j.p++;
				break;
			}
			return jp_fail(&j, "',' or '}' expected");
		}
	jp_ws(&j);
	if (j.p != j.end)
		return jp_fail(&j, "text after the object");
	if (!in->have_header) {
		if (in->n == 0)
			return jp_fail(&j, "an object with no keys cannot "
				       "start the stream");
		rd_header_known(in);
	}
	for (i = 0; i < in->n; i++) {
		if (in->seen[i] != 1) {
			/* null, or a key the object does not have: NULL */
			in->f[i].p = rec_null;
			in->f[i].len = 0;
			continue;
		}
		in->f[i].p = in->scratch.p + in->offs[i];
		in->f[i].len = strlen(in->f[i].p);
	}
	return 0;
}

/* The line p[0..len) as a record (see rec_in.h); a blank line holds
 * nothing and is skipped (returns 0 uncounted). */
int
jsonl_record(struct rec_reader *in, const char *p, size_t len)
{
	struct rec *r = &in->rec;

	if (len == 0 || (len == 1 && p[0] == '\r'))
		return 0;
	in->nread++;
	in->cols[0].p = p;
	in->cols[0].len = len;
	if (rd_check_bytes(in, p, len, NULL, 0, SEEN_HIGH | SEEN_ODD) < 0 ||
	    parse_jsonl(in, p, len) < 0) {
		if (!in->have_header) {
			/* Forget the keys of a bad first object: the next
			 * one decides. */
			in->n = 0;
			htab_release(&in->byname);
			htab_init(&in->byname, sizeof(size_t));
		}
		rd_reject_raw(in, in->cols, 1);
		return 0;
	}
	r->f = in->f;
	r->n = in->n;
	return 1;
}
