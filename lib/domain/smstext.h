/*
 * smstext: how a text goes out as SMS on the wire.
 *
 * A text that every character of fits the GSM 03.38 default alphabet
 * (with its extension table: ^ { } [ ] ~ \ | and the euro sign, which take
 * an escape septet, so two units) is sent as GSM 7-bit, one character an
 * octet (SMPP data_coding 0): 160 units in one message, 153 per part of a
 * concatenated one.  Anything else (one Chinese character is enough) goes
 * as UCS-2 big-endian (data_coding 8): 70 units in one message, 67 per
 * part; a character outside the BMP (emoji, CJK Ext-B names) is a
 * surrogate pair, two units.  A part never splits an escape sequence or a
 * surrogate pair: it then holds one unit less.
 *
 * Units are what the wire counts (septets or UCS-2 code units).  Texts are
 * UTF-8; invalid UTF-8 is refused (-1), never guessed at.  The split parts
 * are the payload bytes of each part, without the UDH, which the sender
 * adds (6 octets, 8-bit reference: 05 00 03 ref total seq).
 */
#ifndef JW_SMSTEXT_H
#define JW_SMSTEXT_H

#include <stddef.h>

#include "base/buf.h"

enum sms_enc { SMS_GSM7 = 0, SMS_UCS2 = 8 };	/* = SMPP data_coding */

#define SMS_GSM7_SINGLE 160
#define SMS_GSM7_PART 153
#define SMS_UCS2_SINGLE 70
#define SMS_UCS2_PART 67
#define SMS_MAX_PARTS 255	/* the UDH's 8-bit part count */

struct sms_info {
	enum sms_enc enc;
	size_t units;		/* septets (GSM-7) or UCS-2 code units */
	size_t segments;	/* messages on the wire: 1 when it fits one */
};

/* Measure text[0..n): encoding, units and segments.  An empty text is
 * one GSM-7 segment of 0 units.  Returns 0, or -1 when the text is not
 * valid UTF-8 or holds a NUL byte.  Nothing allocates. */
int sms_measure(const char *text, size_t n, struct sms_info *out);

/* Encode text[0..n) as the payload of each segment: the GSM-7 octets or
 * UCS-2BE bytes of part k are out[off[k]..off[k+1]).  off must hold
 * info->segments + 1 entries (from sms_measure() on the same text); out
 * is appended to.  Returns 0, or -1 on the same inputs as sms_measure(). */
int sms_encode(const char *text, size_t n, const struct sms_info *info,
	       struct buf *out, size_t *off);

/* The GSM 03.38 default-alphabet octet for code point cp: 0-127, 0x1b00 |
 * octet for an extension character (escape then octet), or -1 when cp has
 * none. */
int sms_gsm7_of(unsigned cp);

#endif
