/*
 * plate: motor-vehicle plate numbers (机动车号牌, GA 36-2018).
 *
 * A plate is a province character, an issuing-authority letter (A-Z but not
 * I or O) and a serial.  Before checking, text is normalised: full-width
 * letters and digits become ASCII, letters uppercase, and spaces (ASCII,
 * U+00A0, U+3000), middle dots ('·' as painted on the plate, '•', '・',
 * '･', '⋅', '∙', '‧') and dashes ('-', U+2010-2014, '－') are removed (a
 * tab or '.' is not).  Kinds:
 *   PLATE_ORDINARY  5 of [A-HJ-NP-Z0-9]                    湘M12345
 *   PLATE_SPECIAL   4 of those + 挂学警港澳领                 湘M1234学
 *   PLATE_NEV_SMALL [DABCEFGHJK][A-HJ-NP-Z0-9][0-9]{4}      湘MD12345
 *   PLATE_NEV_LARGE [0-9]{5}[DABCEFGHJK]                    湘M12345D
 * Provinces: 京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼.
 * Embassy (使) and military plates are out of scope and come out invalid.
 */
#ifndef JW_PLATE_H
#define JW_PLATE_H

#include <stddef.h>

#include "base/buf.h"

enum plate_kind {
	PLATE_INVALID = -1,
	PLATE_ORDINARY = 0,
	PLATE_SPECIAL,
	PLATE_NEV_SMALL,
	PLATE_NEV_LARGE
};

#define PLATE_WARN_LETTERS 1	/* ordinary serial with more than 2 letters */

/* Normalise p[0..n) into out (appended after what it holds, UTF-8) and
 * classify it.  *warn (may be NULL) is set to 0, or to PLATE_WARN_* flags
 * for a valid plate.  Returns the kind, or PLATE_INVALID (out then holds
 * the normalised text anyway, invalid UTF-8 bytes copied as they are, for
 * the message).  Nothing is allocated except growth of out. */
enum plate_kind plate_norm(const char *p, size_t n, struct buf *out,
			   int *warn);

#endif
