/* smstext: GSM-7 or UCS-2, units and segments.  See smstext.h. */
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "domain/smstext.h"

/* GSM 03.38 default alphabet: the code point of each octet 0-127. */
static const uint16_t gsm7_basic[128] = {
	0x0040, 0x00a3, 0x0024, 0x00a5, 0x00e8, 0x00e9, 0x00f9, 0x00ec,
	0x00f2, 0x00c7, 0x000a, 0x00d8, 0x00f8, 0x000d, 0x00c5, 0x00e5,
	0x0394, 0x005f, 0x03a6, 0x0393, 0x039b, 0x03a9, 0x03a0, 0x03a8,
	0x03a3, 0x0398, 0x039e, 0xffff, 0x00c6, 0x00e6, 0x00df, 0x00c9,
	0x0020, 0x0021, 0x0022, 0x0023, 0x00a4, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	0x00a1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005a, 0x00c4, 0x00d6, 0x00d1, 0x00dc, 0x00a7,
	0x00bf, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007a, 0x00e4, 0x00f6, 0x00f1, 0x00fc, 0x00e0,
};

/* The extension table: escape (0x1b), then the octet. */
static const struct { uint16_t cp; uint8_t oct; } gsm7_ext[] = {
	{ 0x000c, 0x0a }, { 0x005e, 0x14 }, { 0x007b, 0x28 },
	{ 0x007d, 0x29 }, { 0x005c, 0x2f }, { 0x005b, 0x3c },
	{ 0x007e, 0x3d }, { 0x005d, 0x3e }, { 0x007c, 0x40 },
	{ 0x20ac, 0x65 },
};

int
sms_gsm7_of(unsigned cp)
{
	size_t i;

	for (i = 0; i < 128; i++)
		if (gsm7_basic[i] == cp)
			return (int)i;
	for (i = 0; i < sizeof gsm7_ext / sizeof gsm7_ext[0]; i++)
		if (gsm7_ext[i].cp == cp)
			return 0x1b00 | gsm7_ext[i].oct;
	return -1;
}

/* Units of one character in enc (1 or 2). */
static size_t
char_units(enum sms_enc enc, uint32_t cp)
{
	if (enc == SMS_GSM7)
		return sms_gsm7_of(cp) > 0xff ? 2 : 1;
	return cp > 0xffff ? 2 : 1;
}

/* Decode the next character of p[*i..n) (valid UTF-8, checked once by
 * the caller) into *cp. */
static void
next_cp(const char *p, size_t n, size_t *i, uint32_t *cp)
{
	*i += utf8_decode(p + *i, n - *i, cp);
}

/* 0 when p[0..n) is valid UTF-8 without NUL bytes, else -1. */
static int
check_text(const char *p, size_t n)
{
	return memchr(p, '\0', n) == NULL && utf8_is_valid(p, n) ? 0 : -1;
}

/* The segments of a text in enc: units are added into parts of at most
 * per units, and a character that would straddle a boundary starts the
 * next part. */
static size_t
count_parts(const char *p, size_t n, enum sms_enc enc, size_t per)
{
	size_t i = 0, parts = 1, used = 0, u;
	uint32_t cp;

	while (i < n) {
		next_cp(p, n, &i, &cp);
		u = char_units(enc, cp);
		if (used + u > per) {
			parts++;
			used = 0;
		}
		used += u;
	}
	return parts;
}

int
sms_measure(const char *text, size_t n, struct sms_info *out)
{
	size_t i = 0, units = 0;
	int gsm = 1;
	uint32_t cp;

	if (check_text(text, n) < 0)
		return -1;
	while (i < n) {
		next_cp(text, n, &i, &cp);
		if (gsm && sms_gsm7_of(cp) < 0)
			gsm = 0;
	}
	out->enc = gsm ? SMS_GSM7 : SMS_UCS2;
	for (i = 0; i < n;) {
		next_cp(text, n, &i, &cp);
		units += char_units(out->enc, cp);
	}
	out->units = units;
	if (units <= (gsm ? SMS_GSM7_SINGLE : SMS_UCS2_SINGLE))
		out->segments = 1;
	else
		out->segments = count_parts(text, n, out->enc,
					    gsm ? SMS_GSM7_PART : SMS_UCS2_PART);
	return 0;
}

static void
put_char(struct buf *out, enum sms_enc enc, uint32_t cp)
{
	unsigned char b[4];
	int g;

	if (enc == SMS_GSM7) {
		g = sms_gsm7_of(cp);
		if (g > 0xff)
			buf_addc(out, 0x1b);
		buf_addc(out, g & 0x7f);
		return;
	}
	if (cp > 0xffff) {
		cp -= 0x10000;
		b[0] = (unsigned char)(0xd8 | (cp >> 18));
		b[1] = (unsigned char)(cp >> 10);
		b[2] = (unsigned char)(0xdc | ((cp >> 8) & 3));
		b[3] = (unsigned char)cp;
		buf_add(out, b, 4);
		return;
	}
	b[0] = (unsigned char)(cp >> 8);
	b[1] = (unsigned char)cp;
	buf_add(out, b, 2);
}

int
sms_encode(const char *text, size_t n, const struct sms_info *info,
	   struct buf *out, size_t *off)
{
	size_t per, i = 0, k = 0, used = 0, u;
	uint32_t cp;

	if (check_text(text, n) < 0)
		return -1;
	if (info->segments == 1)
		per = SIZE_MAX;
	else
		per = info->enc == SMS_GSM7 ? SMS_GSM7_PART : SMS_UCS2_PART;
	off[0] = out->len;
	while (i < n) {
		next_cp(text, n, &i, &cp);
		u = char_units(info->enc, cp);
		if (used + u > per) {
			off[++k] = out->len;
			used = 0;
		}
		used += u;
		put_char(out, info->enc, cp);
	}
	off[++k] = out->len;
	/* The parts counted here are those sms_measure() counted. */
	return k == info->segments ? 0 : -1;
}
