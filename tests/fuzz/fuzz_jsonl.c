/*
 * fuzz_jsonl: libFuzzer harness for the JSON Lines record reader
 * (lib/rec/rec.c) and the writers.  The input layout and the checks are in
 * fuzz_rec.h.  JSON Lines has no header line: the first good object names
 * the fields and every bad line is a reject, so the body is fed raw.
 * Build and run: sh tests/fuzz/run (see there).
 */
#include "fuzz_rec.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_rec_run(d, n, REC_JSONL, NULL, NULL, "{\"a\":\"",
		     "\",\"b\":\"\",\"c\":\"skip\"}\n");
	return 0;
}
