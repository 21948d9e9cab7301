/*
 * fuzz_smsstate: libFuzzer harness for the reading of sms-notify's state
 * log (lib/domain/smsstate.c): each line of the input goes through
 * smsstate_split() as the reader's, and a split line must give back its
 * bytes with TABs between the seven fields.  See tests/fuzz/run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "domain/smsstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *p = (const char *)d, *end = p + n, *e;
	struct smsstate_ev ev;
	struct buf b = BUF_INIT;
	char *line;
	size_t len;

	while (p < end) {
		e = memchr(p, '\n', (size_t)(end - p));
		len = e ? (size_t)(e - p) : (size_t)(end - p);
		line = malloc(len + 1);
		memcpy(line, p, len);
		line[len] = '\0';
		if (memchr(line, '\0', len) == NULL &&
		    smsstate_split(line, &ev) == 0) {
			buf_reset(&b);
			buf_printf(&b, "%s\t%s\t%s\t%s\t%s\t%s\t%s", ev.time,
				   ev.event, ev.key, ev.rule, ev.day, ev.phone,
				   ev.detail);
			if (b.len != len || memcmp(b.p, p, len) != 0)
				abort();
		}
		free(line);
		p += len + 1;
	}
	buf_release(&b);
	return 0;
}
