/*
 * fuzz_smpp: libFuzzer harness for the decoding of PDUs from an SMSC
 * (lib/base/smpp.c, smpp_decode(), over libsmpp34's unpack): the input is
 * a byte stream cut into PDUs by command_length, as the session reads it;
 * each is decoded, and a decoded one must have NUL-terminated texts.  See
 * tests/fuzz/run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/smpp.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct smpp_decoded dec;
	struct buf err = BUF_INIT;
	size_t off = 0, len;

	while (n - off >= 16) {
		len = (size_t)d[off] << 24 | (size_t)d[off + 1] << 16 |
		      (size_t)d[off + 2] << 8 | d[off + 3];
		if (len > n - off)
			len = n - off;	/* decode must refuse the mismatch */
		buf_reset(&err);
		if (smpp_decode(d + off, len, &dec, &err) == 0) {
			if (memchr(dec.message_id, 0, sizeof dec.message_id) ==
			    NULL || memchr(dec.stat, 0, sizeof dec.stat) ==
			    NULL || memchr(dec.text, 0, sizeof dec.text) == NULL)
				abort();
		} else if (err.len == 0) {
			abort();
		}
		if (len < 16)
			break;
		off += len;
	}
	buf_release(&err);
	return 0;
}
