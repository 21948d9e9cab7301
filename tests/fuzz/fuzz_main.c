/*
 * fuzz_main: the one main that replays a corpus through a harness without
 * libFuzzer (any compiler, e.g. gcc with -fsanitize=address,undefined):
 *
 *   cc ... tests/fuzz/fuzz_NAME.c tests/fuzz/fuzz_main.c ... -o fuzz_NAME
 *   fuzz_NAME FILE|DIR ...
 *
 * Each file named, and each regular file in a folder named (not its
 * subfolders), is read whole and passed once to LLVMFuzzerTestOneInput(),
 * in the order given (a folder's in name order).  A harness reports a
 * failure by abort() or a sanitizer; this main exits 1 when a file or
 * folder cannot be read, and otherwise prints "fuzz_main: N inputs
 * replayed" on stderr and exits 0.  tests/fuzz/run links it in place of
 * libFuzzer when FUZZ_LIBFUZZER=0 or when the compiler has no libFuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* The whole file at path, malloc'd (caller frees); NULL with errno. */
static unsigned char *
slurp(const char *path, size_t *np)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL, *q;
	size_t n = 0, cap = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			if ((q = realloc(p, cap)) == NULL) {
				free(p);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			p = q;
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f)) {
		free(p);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*np = n;
	return p;
}

static int
replay_file(const char *path)
{
	size_t n;
	unsigned char *p = slurp(path, &n);

	if (p == NULL) {
		fprintf(stderr, "fuzz_main: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* Harnesses may read one byte past n on a bug: the sanitizer then
	 * sees the malloc'd block's end, as under libFuzzer. */
	LLVMFuzzerTestOneInput(p, n);
	free(p);
	return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every regular file in dir; returns how many, or -1. */
static long
replay_dir(const char *dir)
{
	struct dirent **e;
	struct stat st;
	char *path;
	long done = 0;
	int n, i;

	if ((n = scandir(dir, &e, NULL, by_name)) < 0) {
		fprintf(stderr, "fuzz_main: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		path = malloc(strlen(dir) + strlen(e[i]->d_name) + 2);
		if (path == NULL)
			abort();
		sprintf(path, "%s/%s", dir, e[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) < 0)
				done = -1;
			else if (done >= 0)
				done++;
		}
		free(path);
		free(e[i]);
	}
	free(e);
	return done;
}

int
main(int argc, char *argv[])
{
	struct stat st;
	long total = 0, k;
	int i, bad = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			k = replay_dir(argv[i]);
		else
			k = replay_file(argv[i]) < 0 ? -1 : 1;
		if (k < 0)
			bad = 1;
		else
			total += k;
	}
	fprintf(stderr, "fuzz_main: %ld inputs replayed\n", total);
	return bad;
}
