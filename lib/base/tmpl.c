/* tmpl: {name} templates.  See tmpl.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/tmpl.h"
#include "base/util.h"

/* One piece of a template: literal text, or a value (with a format). */
struct piece {
	size_t off, len;	/* literal: bytes of t->text */
	size_t name;		/* value: name index, or SIZE_MAX for text */
	char *fmt;		/* value: date format, or NULL */
};

struct tmpl {
	struct buf text;	/* literal text of all pieces */
	struct piece *pc;
	size_t npc;
	char **names;
	int *is_date;
	size_t nnames;
};

static int
is_name_byte(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static const char *const date_tokens[] = {
	"YYYY", "MM", "DD", "hh", "mm", "ss", "M", "D"
};

/* Length of the date token at p, or 0. */
static size_t
token_at(const char *p)
{
	size_t i, k;

	for (i = 0; i < JW_ARRAY_LEN(date_tokens); i++) {
		k = strlen(date_tokens[i]);
		if (strncmp(p, date_tokens[i], k) == 0)
			return k;
	}
	return 0;
}

static size_t
name_index(struct tmpl *t, const char *p, size_t n, int date)
{
	size_t i;

	for (i = 0; i < t->nnames; i++)
		if (strlen(t->names[i]) == n && memcmp(t->names[i], p, n) == 0)
			break;
	if (i == t->nnames) {
		t->names = xreallocarray(t->names, i + 1, sizeof *t->names);
		t->is_date = xreallocarray(t->is_date, i + 1,
					   sizeof *t->is_date);
		t->names[i] = xmemdup(p, n);
		t->is_date[i] = 0;
		t->nnames++;
	}
	t->is_date[i] |= date;
	return i;
}

static void
add_piece(struct tmpl *t, struct piece pc)
{
	t->pc = xreallocarray(t->pc, t->npc + 1, sizeof *t->pc);
	t->pc[t->npc++] = pc;
}

/* Add the literal byte c, joining it to a literal piece just before. */
static void
add_lit(struct tmpl *t, char c)
{
	struct piece *last = t->npc ? &t->pc[t->npc - 1] : NULL;

	if (last == NULL || last->name != SIZE_MAX) {
		struct piece pc = { t->text.len, 0, SIZE_MAX, NULL };

		add_piece(t, pc);
		last = &t->pc[t->npc - 1];
	}
	buf_addc(&t->text, c);
	last->len++;
}

/* Parse "{name}" or "{name:FORMAT}" at text[*i] (the '{').  Returns 0, or
 * -1 with a message. */
static int
parse_value(struct tmpl *t, const char *text, size_t *i, struct buf *err)
{
	size_t s = *i + 1, e = s, f, k;
	struct piece pc = { 0, 0, 0, NULL };
	int has_token = 0;

	while (is_name_byte((unsigned char)text[e]))
		e++;
	if (text[e] != '}' && text[e] != ':') {
		if (text[e] == '\0')
			buf_printf(err, "column %zu: '{' not closed", *i + 1);
		else if (e == s)
			buf_printf(err, "column %zu: empty name", *i + 2);
		else
			buf_printf(err, "column %zu: '%c' in a name", e + 1,
				   text[e]);
		return -1;
	}
	if (e == s) {
		buf_printf(err, "column %zu: empty name", *i + 2);
		return -1;
	}
	if (e - s > TMPL_MAX_NAME) {
		buf_printf(err, "column %zu: name longer than %d bytes",
			   s + 1, TMPL_MAX_NAME);
		return -1;
	}
	f = e;
	if (text[e] == ':') {
		for (f = e + 1; text[f] != '}' && text[f] != '\0'; f++)
			if (text[f] == '{') {
				buf_printf(err, "column %zu: '{' inside a "
					   "format", f + 1);
				return -1;
			}
		if (text[f] == '\0') {
			buf_printf(err, "column %zu: '{' not closed", *i + 1);
			return -1;
		}
		for (k = e + 1; k < f; k++)
			has_token |= token_at(text + k) != 0;
		if (!has_token) {
			buf_printf(err, "column %zu: format '%.*s' for '%.*s' "
				   "names no date part (YYYY MM DD M D hh mm "
				   "ss)", e + 2, (int)(f - e - 1), text + e + 1,
				   (int)(e - s), text + s);
			return -1;
		}
		pc.fmt = xmemdup(text + e + 1, f - e - 1);
	}
	pc.name = name_index(t, text + s, e - s, pc.fmt != NULL);
	add_piece(t, pc);
	*i = f + 1;
	return 0;
}

struct tmpl *
tmpl_parse(const char *text, struct buf *err)
{
	struct tmpl *t = xcalloc(1, sizeof *t);
	size_t i = 0;

	buf_init(&t->text);
	while (text[i] != '\0') {
		if (text[i] == '{' && text[i + 1] == '{') {
			add_lit(t, '{');
			i += 2;
		} else if (text[i] == '}' && text[i + 1] == '}') {
			add_lit(t, '}');
			i += 2;
		} else if (text[i] == '}') {
			buf_printf(err, "column %zu: '}' without '{' (write "
				   "'}}')", i + 1);
			tmpl_free(t);
			return NULL;
		} else if (text[i] == '{') {
			if (parse_value(t, text, &i, err) < 0) {
				tmpl_free(t);
				return NULL;
			}
		} else {
			add_lit(t, text[i++]);
		}
	}
	return t;
}

void
tmpl_free(struct tmpl *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->npc; i++)
		free(t->pc[i].fmt);
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->pc);
	free(t->names);
	free(t->is_date);
	buf_release(&t->text);
	free(t);
}

size_t
tmpl_nnames(const struct tmpl *t)
{
	return t->nnames;
}

const char *
tmpl_name(const struct tmpl *t, size_t i)
{
	return t->names[i];
}

int
tmpl_name_is_date(const struct tmpl *t, size_t i)
{
	return t->is_date[i];
}

/* Write the value p[0..n) in fmt; -1 when it is not a date or time. */
static int
put_date(struct buf *out, const char *fmt, const char *p, size_t n)
{
	int64_t secs;
	int32_t day;
	int y, m, d, v = 0;
	size_t k;
	const char *f;

	if (date_parse(p, n, &day) == 0)
		secs = (int64_t)day * 86400;
	else if (datetime_parse(p, n, &secs) < 0)
		return -1;
	day = (int32_t)(secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400));
	date_to_ymd(day, &y, &m, &d);
	for (f = fmt; *f != '\0'; f += k) {
		k = token_at(f);
		if (k == 0) {
			buf_addc(out, *f);
			k = 1;
			continue;
		}
		switch (f[0]) {
		case 'Y': buf_printf(out, "%04d", y); continue;
		case 'h': v = (int)((secs - (int64_t)day * 86400) / 3600); break;
		case 's': v = (int)((secs - (int64_t)day * 86400) % 60); break;
		case 'm': v = (int)((secs - (int64_t)day * 86400) / 60 % 60);
			  break;
		case 'M': v = m; break;
		case 'D': v = d; break;
		}
		buf_printf(out, k == 2 ? "%02d" : "%d", v);
	}
	return 0;
}

int
tmpl_expand(const struct tmpl *t, tmpl_get_fn *get, void *ctx,
	    struct buf *out, size_t *bad)
{
	size_t i, n, mark = out->len;
	const char *p;

	for (i = 0; i < t->npc; i++) {
		const struct piece *pc = &t->pc[i];

		if (pc->name == SIZE_MAX) {
			buf_add(out, t->text.p + pc->off, pc->len);
			continue;
		}
		get(ctx, pc->name, &p, &n);
		if (pc->fmt == NULL) {
			buf_add(out, p, n);
		} else if (put_date(out, pc->fmt, p, n) < 0) {
			out->len = mark;
			out->p[mark] = '\0';
			if (bad != NULL)
				*bad = pc->name;
			return -1;
		}
	}
	return 0;
}
