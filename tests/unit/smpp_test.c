/* Unit tests for lib/base/smpp.c, against a real SMPP server: node-smpp
 * (tests/peers/smsc.js), started by each test on 127.0.0.1. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/smpp.h"

static pid_t peer;
static char port[16];
static char logpath[64];

/* Start the server with args (NULL-terminated) and wait for its port. */
static void
start(const char *const *args)
{
	const char *argv[20] = { "node", "tests/peers/smsc.js", "--log" };
	int fd[2], n = 4, k;
	char line[64] = "";
	FILE *f;

	snprintf(logpath, sizeof logpath, "/tmp/jw-smpp-test.%d", getpid());
	unlink(logpath);
	argv[3] = logpath;
	for (k = 0; args[k] != NULL; k++)
		argv[n++] = args[k];
	argv[n] = NULL;
	cr_assert_eq(pipe(fd), 0);
	peer = fork();
	if (peer == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execvp("node", (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	cr_assert(fgets(line, sizeof line, f) != NULL, "the server did not start");
	cr_assert_eq(sscanf(line, "port %15s", port), 1, "%s", line);
	fclose(f);
}

static void
stop(void)
{
	if (peer > 0) {
		kill(peer, SIGTERM);
		waitpid(peer, NULL, 0);
		peer = 0;
	}
}

/* What the server logged, lines joined. */
static char *
server_log(void)
{
	static char b[65536];
	FILE *f = fopen(logpath, "r");
	size_t n;

	cr_assert_not_null(f);
	n = fread(b, 1, sizeof b - 1, f);
	b[n] = '\0';
	fclose(f);
	unlink(logpath);
	return b;
}

struct got {
	char res[4096];
	char rcpt[4096];
	int nres;
};

static void
on_res(void *ctx, uint64_t tag, uint32_t st, const char *id)
{
	struct got *g = ctx;
	size_t n = strlen(g->res);

	snprintf(g->res + n, sizeof g->res - n, "%llu:%s:%s\n",
		 (unsigned long long)tag, smpp_status_name(st), id);
	g->nres++;
}

static void
on_rcpt(void *ctx, const char *id, const char *stat, const char *text)
{
	struct got *g = ctx;
	size_t n = strlen(g->rcpt);

	(void)text;
	snprintf(g->rcpt + n, sizeof g->rcpt - n, "%s:%s\n", id, stat);
}

static struct smpp_conf
conf(const char *password, int transceiver, int window)
{
	struct smpp_conf c = { "127.0.0.1", port, "jingwu", password, "",
			       transceiver, window, 0, 0, 3000, 10 };
	return c;
}

static const unsigned char ucs2[] = { 0x6c, 0x38, 0x00, 0x41 };	/* 永A */
static const struct smpp_part part = {
	"10690000", 1, 1, "8613800138000", 1, 1, 0, 8, 0, ucs2, 4
};

Test(smpp, submits_and_unbinds, .fini = stop)
{
	static const char *const args[] = { NULL };
	struct smpp_conf c;
	struct buf e = BUF_INIT;
	struct got g = { "", "", 0 };
	struct smpp *s;
	int i;

	start(args);
	c = conf("secret", 0, 10);
	s = smpp_open(&c, on_res, on_rcpt, &g, &e);
	cr_assert_not_null(s, "%s", e.p);
	for (i = 0; i < 3; i++)
		cr_assert_eq(smpp_submit(s, &part, (uint64_t)i, &e), 0, "%s", e.p);
	cr_assert_eq(smpp_drain(s, &e), 0, "%s", e.p);
	cr_assert_eq(smpp_close(s, &e), 0, "%s", e.p);
	cr_assert_str_eq(g.res, "0:ESME_ROK:m1\n1:ESME_ROK:m2\n2:ESME_ROK:m3\n");
	stop();
	cr_assert_str_eq(server_log(),
		"bind_transmitter system_id=jingwu password=secret interface_version=0x34\n"
		"submit_sm seq=2 src=1/1/10690000 dst=1/1/8613800138000 esm=0x0 dc=8 rd=0 text=\"永A\" hex=6c380041\n"
		"submit_sm seq=3 src=1/1/10690000 dst=1/1/8613800138000 esm=0x0 dc=8 rd=0 text=\"永A\" hex=6c380041\n"
		"submit_sm seq=4 src=1/1/10690000 dst=1/1/8613800138000 esm=0x0 dc=8 rd=0 text=\"永A\" hex=6c380041\n"
		"unbind seq=5\n");
	buf_release(&e);
}

Test(smpp, throttled_parts_are_sent_again, .fini = stop)
{
	static const char *const args[] = { "--throttle", "3", NULL };
	struct smpp_conf c;
	struct buf e = BUF_INIT;
	struct got g = { "", "", 0 };
	struct smpp *s;

	start(args);
	c = conf("secret", 0, 1);
	s = smpp_open(&c, on_res, NULL, &g, &e);
	cr_assert_not_null(s, "%s", e.p);
	cr_assert_eq(smpp_submit(s, &part, 7, &e), 0, "%s", e.p);
	cr_assert_eq(smpp_submit(s, &part, 8, &e), 0, "%s", e.p);
	cr_assert_eq(smpp_drain(s, &e), 0, "%s", e.p);
	cr_assert_eq(smpp_close(s, &e), 0, "%s", e.p);
	/* Window 1: the first part is throttled three times, then taken. */
	cr_assert_str_eq(g.res, "7:ESME_ROK:m1\n8:ESME_ROK:m2\n");
	buf_release(&e);
}

Test(smpp, throttled_past_the_retries_is_a_failure, .fini = stop)
{
	static const char *const args[] = { "--throttle", "100", NULL };
	struct smpp_conf c;
	struct buf e = BUF_INIT;
	struct got g = { "", "", 0 };
	struct smpp *s;

	start(args);
	c = conf("secret", 0, 2);
	c.max_retries = 2;
	s = smpp_open(&c, on_res, NULL, &g, &e);
	cr_assert_not_null(s, "%s", e.p);
	cr_assert_eq(smpp_submit(s, &part, 1, &e), 0, "%s", e.p);
	cr_assert_eq(smpp_drain(s, &e), 0, "%s", e.p);
	cr_assert_eq(smpp_close(s, &e), 0, "%s", e.p);
	cr_assert_str_eq(g.res, "1:ESME_RTHROTTLED:\n");
	buf_release(&e);
}

Test(smpp, wrong_password_is_named, .fini = stop)
{
	static const char *const args[] = { NULL };
	struct smpp_conf c;
	struct buf e = BUF_INIT;
	struct got g = { "", "", 0 };

	start(args);
	c = conf("wrong", 0, 1);
	cr_assert_null(smpp_open(&c, on_res, NULL, &g, &e));
	cr_assert_str_eq(e.p, "bind refused: ESME_RINVPASWD (0x0000000e)");
	cr_assert_eq(g.nres, 0);
	buf_release(&e);
}

Test(smpp, nobody_listening)
{
	struct smpp_conf c = { "127.0.0.1", "1", "jingwu", "secret", "", 0, 1,
			       0, 0, 1000, 1 };
	struct buf e = BUF_INIT;

	cr_assert_null(smpp_open(&c, on_res, NULL, NULL, &e));
	cr_assert_str_eq(e.p, "connect 127.0.0.1:1: Connection refused");
	buf_release(&e);
}

Test(smpp, server_dying_loses_the_outstanding_parts, .fini = stop)
{
	static const char *const args[] = { "--die-after", "3", NULL };
	struct smpp_conf c;
	struct buf e = BUF_INIT;
	struct got g = { "", "", 0 };
	struct smpp *s;
	int i, r = 0;

	start(args);
	c = conf("secret", 0, 1);
	s = smpp_open(&c, on_res, NULL, &g, &e);
	cr_assert_not_null(s, "%s", e.p);
	for (i = 0; i < 5 && r == 0; i++)
		r = smpp_submit(s, &part, (uint64_t)i, &e);
	if (r == 0)
		r = smpp_drain(s, &e);
	cr_assert_eq(r, -1);
	cr_assert_str_eq(e.p, "the SMSC closed the connection");
	smpp_close(s, NULL);
	/* Two answered; the third was taken and never answered. */
	cr_assert_str_eq(g.res, "0:ESME_ROK:m1\n1:ESME_ROK:m2\n"
			 "2:connection lost:\n");
	buf_release(&e);
}

Test(smpp, receipts_are_matched, .fini = stop)
{
	static const char *const args[] = { "--receipts", NULL };
	struct smpp_conf c;
	struct buf e = BUF_INIT;
	struct got g = { "", "", 0 };
	struct smpp_part p = part;
	struct smpp *s;
	int i;

	start(args);
	c = conf("secret", 1, 10);
	p.registered_delivery = 1;
	s = smpp_open(&c, on_res, on_rcpt, &g, &e);
	cr_assert_not_null(s, "%s", e.p);
	cr_assert_eq(smpp_submit(s, &p, 1, &e), 0, "%s", e.p);
	cr_assert_eq(smpp_submit(s, &p, 2, &e), 0, "%s", e.p);
	cr_assert_eq(smpp_drain(s, &e), 0, "%s", e.p);
	for (i = 0; i < 30 && strlen(g.rcpt) < strlen("m1:DELIVRD\n"
						       "m2:DELIVRD\n"); i++)
		cr_assert_eq(smpp_poll(s, 100, &e), 0, "%s", e.p);
	cr_assert_eq(smpp_close(s, &e), 0, "%s", e.p);
	cr_assert_str_eq(g.rcpt, "m1:DELIVRD\nm2:DELIVRD\n");
	buf_release(&e);
}

Test(smpp, status_names)
{
	cr_assert_str_eq(smpp_status_name(0x58), "ESME_RTHROTTLED");
	cr_assert_str_eq(smpp_status_name(0), "ESME_ROK");
	cr_assert_str_eq(smpp_status_name(0x1234), "unknown");
}
