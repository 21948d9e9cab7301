/*
 * fuzz_csv: libFuzzer harness for the CSV record reader (lib/rec/rec.c) and
 * the writers.  The input layout and the checks are in fuzz_rec.h; the
 * files start with the header "a,b,c" (the second file's is "c,a,b"), so
 * that quoting, multi-line records, ragged records and rejects are fuzzed
 * rather than the exit on a bad header.
 * Build and run: sh tests/fuzz/run (see there).
 */
#include "fuzz_rec.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_rec_run(d, n, REC_CSV, "a,b,c\n", "c,a,b\n", "",
		     ",,skip\n");
	return 0;
}
