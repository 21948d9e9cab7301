/* phone: mainland China mobile numbers.  See phone.h. */
#include <string.h>

#include "base/num.h"
#include "domain/phone.h"

/* Longest digit string worth collecting: "0086" + 11 digits. */
#define PHONE_MAX_DIGITS 15

int
phone_norm(const char *p, size_t n, char out[12])
{
	char d[PHONE_MAX_DIGITS];
	size_t nd = 0;
	int plus = 0;
	const char *s;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == ' ' || c == '-')
			continue;
		if (c == '+' && nd == 0 && !plus) {
			/* '+' only before the first digit: "+86 138..." */
			plus = 1;
			continue;
		}
		if (!num_is_digit((unsigned char)c) || nd == sizeof d)
			return -1;
		d[nd++] = c;
	}
	s = d;
	if (plus) {
		/* "+86" is the only country code we accept. */
		if (nd != 13 || memcmp(d, "86", 2) != 0)
			return -1;
		s += 2;
	} else if (nd == 13 && memcmp(d, "86", 2) == 0) {
		s += 2;
	} else if (nd == 15 && memcmp(d, "0086", 4) == 0) {
		s += 4;
	} else if (nd != 11) {
		/* Also the 13-digit 14x IoT numbers: not phones. */
		return -1;
	}
	if (s[0] != '1' || s[1] < '3' || s[1] > '9')
		return -1;
	memcpy(out, s, 11);
	out[11] = '\0';
	return 0;
}

int
phone_e164(const char *p, size_t n, char out[15])
{
	char d[12];

	if (phone_norm(p, n, d) == -1)
		return -1;
	memcpy(out, "+86", 3);
	memcpy(out + 3, d, 12);
	return 0;
}
