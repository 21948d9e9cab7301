/*
 * fuzz_yaml: libFuzzer harness for the YAML loader (lib/base/cfg.c).
 *
 * Loads the input with cfg_load_mem(), checks the error list, walks the
 * tree (every node, key and scalar byte) so that a bad pointer shows, and
 * frees it.  Never exits, keeps no state between runs.  Build and run:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilib -D_GNU_SOURCE \
 *     tests/fuzz/fuzz_yaml.c lib/base/cfg.c lib/base/cfg_check.c \
 *     lib/base/arena.c lib/base/util.c lib/base/diag.c lib/base/buf.c \
 *     lib/base/utf8.c -lyaml -o fuzz_yaml
 *   ./fuzz_yaml -max_total_time=600 -max_len=65536 corpus/ testdata/yaml/
 * Linked with tests/fuzz/fuzz_main.c instead (any compiler, no
 * -fsanitize=fuzzer) it is a plain program that replays the files and
 * folders named on its command line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* Sum over the tree, depth-first; aliases are shared, so count visits to
 * stay bounded like the loader's node limit does. */
static size_t
walk(const struct cfg_node *nd, size_t *budget)
{
	size_t i, h = nd->line * 31u + nd->col;

	if (*budget == 0)
		return h;
	--*budget;
	switch (nd->type) {
	case CFG_NULL:
	case CFG_SCALAR:
		for (i = 0; i < nd->len; i++)
			h = h * 33 + (unsigned char)nd->str[i];
		if (nd->str[nd->len] != '\0')
			abort();
		break;
	case CFG_LIST:
		for (i = 0; i < nd->len; i++)
			h += walk(nd->items[i], budget);
		break;
	case CFG_MAP:
		for (i = 0; i < nd->len; i++) {
			h += strlen(nd->keys[i]) + nd->keynodes[i]->line;
			if (cfg_get(nd, nd->keys[i]) == NULL)
				abort();
			h += walk(nd->items[i], budget);
		}
		break;
	}
	return h;
}

static volatile size_t sink;

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct cfg *c;
	size_t budget = 100000, i;

	c = cfg_load_mem("fuzz.yaml", (const char *)d, n);
	/* Every error carries the file name; the tree is walked either way
	 * (after an error it is a stand-in, or whole with empty nodes). */
	for (i = 0; i < cfg_nerrors(c) && i < CFG_MAX_ERRORS; i++)
		if (strncmp(cfg_errmsg(c, i), "fuzz.yaml:", 10) != 0)
			abort();
	if (cfg_nerrors(c) > 0 && cfg_errmsg(c, 0) == NULL)
		abort();
	sink = walk(cfg_root(c), &budget);
	cfg_free(c);
	return 0;
}
