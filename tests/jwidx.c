/*
 * jwidx: the sidecar index (lib/rec/sidx.h) end to end, for tests and
 * timing (not installed).
 *
 *   jwidx build  [-p] [-k KEYFILE] DATA FIELD        write DATA.idx
 *   jwidx extend [-p] [-k KEYFILE] DATA FIELD        index what was appended
 *   jwidx lookup [-p] [-k KEYFILE] DATA FIELD KEY... the lines holding KEY
 *
 * -p reads FIELD as case-status's parties ("role:id_no:name[:phone]"
 * items separated by ';'; the keys are the id_no parts).  -k stores the
 * keys as HMAC-SHA256 under KEYFILE's secret.  lookup prints, per hit,
 * "KEY<TAB>line<TAB>offset<TAB>the line"; build and extend print the
 * count of lines they indexed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/util.h"
#include "rec/sidx.h"
#include "sidx_parties.h"

static void
usage(void)
{
	fputs("usage: jwidx build|extend|lookup [-p] [-k KEYFILE] DATA FIELD "
	      "[KEY...]\n", stderr);
	exit(JW_EXIT_USAGE);
}

int
main(int argc, char *argv[])
{
	struct sidx_opts o;
	struct buf idx = BUF_INIT, cmd = BUF_INIT;
	const struct sidx_hit *h;
	const char *verb, *data;
	unsigned char *secret = NULL;
	struct sidx *x;
	size_t nsecret = 0, n, j;
	char *line;
	int c, i, fd, parties = 0;

	diag_prog = "jwidx";
	if (argc < 2)
		usage();
	verb = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "pk:")) != -1)
		if (c == 'p')
			parties = 1;
		else if (c == 'k')
			secret = sidx_read_secret(optarg, &nsecret);
		else
			usage();
	if (argc - optind < 2)
		usage();
	data = argv[optind];
	memset(&o, 0, sizeof o);
	o.field = argv[optind + 1];
	if (parties) {
		o.keys = sidx_party_keys;
		o.keys_name = "parties-id/1";
	}
	o.secret = secret;
	o.nsecret = nsecret;
	buf_printf(&cmd, "jwidx build%s%s %s %s", parties ? " -p" : "",
		   secret ? " -k KEYFILE" : "", data, o.field);
	o.rebuild = cmd.p;
	buf_printf(&idx, "%s.idx", data);
	if (strcmp(verb, "build") == 0 || strcmp(verb, "extend") == 0) {
		printf("%llu lines indexed\n", (unsigned long long)sidx_build(
			data, idx.p, &o, strcmp(verb, "extend") == 0));
	} else if (strcmp(verb, "lookup") == 0) {
		x = sidx_open(data, idx.p, &o);
		fd = open(data, O_RDONLY);
		if (fd < 0)
			diag_die(JW_EXIT_IO, "%s: %s", data, strerror(errno));
		for (i = optind + 2; i < argc; i++) {
			n = sidx_lookup(x, argv[i], strlen(argv[i]), &h);
			for (j = 0; j < n; j++) {
				line = xmalloc(h[j].len + 1);
				if (pread(fd, line, h[j].len, (off_t)h[j].off) !=
				    (ssize_t)h[j].len)
					diag_die(JW_EXIT_IO, "%s: read error",
						 data);
				printf("%s\t%llu\t%llu\t%.*s\n", argv[i],
				       (unsigned long long)h[j].line,
				       (unsigned long long)h[j].off,
				       (int)h[j].len, line);
				free(line);
			}
		}
		close(fd);
		sidx_close(x);
	} else {
		usage();
	}
	free(secret);
	buf_release(&idx);
	buf_release(&cmd);
	if (fflush(stdout) != 0)
		return JW_EXIT_IO;
	return 0;
}
