/*
 * fuzz_tsv: libFuzzer harness for the TSV record reader (lib/rec/rec.c) and
 * the writers.  The input layout and the checks are in fuzz_rec.h; the
 * files start with the header "a<TAB>b<TAB>c" (the second file's is
 * "c<TAB>a<TAB>b"), so that repeated headers, ragged lines, escapes and
 * rejects are fuzzed rather than the exit on a bad header.
 * Build and run: sh tests/fuzz/run (see there).
 */
#include "fuzz_rec.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	fuzz_rec_run(d, n, REC_TSV, "a\tb\tc\n", "c\ta\tb\n", "",
		     "\t\tskip\n");
	return 0;
}
