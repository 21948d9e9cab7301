/* smsstate: sms-notify's record of hand-overs.  See smsstate.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/durable.h"
#include "base/htab.h"
#include "base/util.h"
#include "domain/smsstate.h"

#define SECRET_BYTES 32
#define LOG_NAME "notices.log"

struct smsstate {
	char *dir, *log;
	int lock;
	unsigned char secret[SECRET_BYTES];
	struct htab marks;	/* khash -> struct mark */
	struct buf sent;	/* "time\0detail\0" of the sent events */
	struct htab phones;	/* phash + day -> hand-overs */
	struct buf queued;	/* events not yet appended */
};

static char *
path_in(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s/%s", dir, name);
	return buf_detach(&b, NULL);
}

static void
read_secret(struct smsstate *s)
{
	char *p = path_in(s->dir, "secret");
	ssize_t n;
	int fd;

	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		randombytes_buf(s->secret, sizeof s->secret);
		if (dur_replace(p, s->secret, sizeof s->secret, 0600) < 0)
			diag_die(JW_EXIT_IO, "%s: cannot write: %s", p,
				 strerror(errno));
		free(p);
		return;
	}
	if (fd < 0)
		diag_die(JW_EXIT_IO, "%s: cannot open: %s", p, strerror(errno));
	n = read(fd, s->secret, sizeof s->secret);
	close(fd);
	if (n != (ssize_t)sizeof s->secret)
		diag_die(JW_EXIT_IO, "%s: not a state secret (%d bytes, want "
			 "%d): restore it from a backup, or the state no "
			 "longer knows what was sent", p, (int)n, SECRET_BYTES);
	free(p);
}

void
smsstate_hash(const struct smsstate *s, const char *p, size_t n,
	      char out[SMSSTATE_HASH + 1])
{
	unsigned char h[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, s->secret, sizeof s->secret);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)p, n);
	crypto_auth_hmacsha256_final(&st, h);
	sodium_bin2hex(out, SMSSTATE_HASH + 1, h, SMSSTATE_HASH / 2);
}

struct mark {
	enum sms_mark m;
	size_t sent;		/* the last sent event in s->sent, + 1; 0: none */
};

static void
note(struct smsstate *s, const char *time, const char *event,
     const char *khash, const char *day, const char *phash,
     const char *detail)
{
	struct mark *m;
	unsigned *n;
	char pk[SMSSTATE_HASH + 16];
	int isnew;

	m = htab_put(&s->marks, khash, strlen(khash), &isnew);
	if (strcmp(event, "begin") == 0) {
		m->m = SMS_UNCERTAIN;
		snprintf(pk, sizeof pk, "%s%s", phash, day);
		n = htab_put(&s->phones, pk, strlen(pk), &isnew);
		(*n)++;
	} else if (strcmp(event, "sent") == 0) {
		m->m = SMS_SENT;
		m->sent = s->sent.len + 1;
		buf_add(&s->sent, time, strlen(time) + 1);
		buf_add(&s->sent, detail, strlen(detail) + 1);
	} else if (strcmp(event, "failed") == 0) {
		if (m->m != SMS_SENT)
			m->m = SMS_FAILED;
	}
}

int
smsstate_split(char *line, struct smsstate_ev *e)
{
	const char **f[7] = { &e->time, &e->event, &e->key, &e->rule,
			      &e->day, &e->phone, &e->detail };
	char *p = line;
	int i;

	for (i = 0; i < 7; i++) {
		*f[i] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return i == 6 ? 0 : -1;
}

struct reader {
	const char *path;
	unsigned long long line;
	void (*fn)(void *ctx, const struct smsstate_ev *e);
	void *ctx;
};

static int
one_line(void *ctx, const char *line, size_t len, off_t off)
{
	struct reader *r = ctx;
	struct smsstate_ev e;
	char *copy = xmemdup(line, len);

	(void)off;
	r->line++;
	if (smsstate_split(copy, &e) < 0)
		diag_die(JW_EXIT_IO, "%s:%llu: not a state line (7 fields); "
			 "the log was changed by hand", r->path, r->line);
	r->fn(r->ctx, &e);
	free(copy);
	return 0;
}

static void
read_log(const char *path, void (*fn)(void *, const struct smsstate_ev *),
	 void *ctx)
{
	struct reader r = { path, 0, fn, ctx };
	int torn = 0;

	if (dur_log_read(path, one_line, &r, &torn) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot read: %s", path,
			 strerror(errno));
	if (torn)
		diag_warn("%s:%llu: a torn last line (a run was killed while "
			  "writing it) is skipped", path, r.line + 1);
}

static void
load_ev(void *ctx, const struct smsstate_ev *e)
{
	note(ctx, e->time, e->event, e->key, e->day, e->phone, e->detail);
}

struct smsstate *
smsstate_open(const char *dir)
{
	struct smsstate *s = xcalloc(1, sizeof *s);
	char *lock;

	if (sodium_init() < 0)
		diag_die(JW_EXIT_INTERNAL, "libsodium cannot start");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		diag_die(JW_EXIT_IO, "%s: cannot create: %s", dir,
			 strerror(errno));
	s->dir = xstrdup(dir);
	lock = path_in(dir, "lock");
	s->lock = dur_lock(lock, 0);
	if (s->lock < 0 && errno == EWOULDBLOCK)
		diag_die(JW_EXIT_IO, "%s: another sms-notify run is using this "
			 "state; wait for it to end", dir);
	if (s->lock < 0)
		diag_die(JW_EXIT_IO, "%s: cannot lock: %s", lock,
			 strerror(errno));
	free(lock);
	read_secret(s);
	buf_init(&s->queued);
	buf_init(&s->sent);
	htab_init(&s->marks, sizeof(struct mark));
	htab_init(&s->phones, sizeof(unsigned));
	s->log = path_in(dir, LOG_NAME);
	read_log(s->log, load_ev, s);
	return s;
}

void
smsstate_close(struct smsstate *s)
{
	if (s == NULL)
		return;
	smsstate_flush(s);
	buf_release(&s->queued);
	buf_release(&s->sent);
	dur_unlock(s->lock);
	sodium_memzero(s->secret, sizeof s->secret);
	htab_release(&s->marks);
	htab_release(&s->phones);
	free(s->dir);
	free(s->log);
	free(s);
}

enum sms_mark
smsstate_mark(const struct smsstate *s, const char *khash)
{
	const struct mark *m = htab_find(&s->marks, khash, strlen(khash));

	return m ? m->m : SMS_NEW;
}

int
smsstate_sent(const struct smsstate *s, const char *khash,
	      const char **time, const char **detail)
{
	const struct mark *m = htab_find(&s->marks, khash, strlen(khash));

	if (m == NULL || m->m != SMS_SENT || m->sent == 0)
		return -1;
	*time = s->sent.p + m->sent - 1;
	*detail = *time + strlen(*time) + 1;
	return 0;
}

unsigned
smsstate_phone_count(const struct smsstate *s, const char *phash,
		     const char *day)
{
	char pk[SMSSTATE_HASH + 16];
	const unsigned *n;

	snprintf(pk, sizeof pk, "%s%s", phash, day);
	n = htab_find(&s->phones, pk, strlen(pk));
	return n ? *n : 0;
}

void
smsstate_queue(struct smsstate *s, const char *time, const char *event,
	       const char *khash, const char *rule, const char *day,
	       const char *phash, const char *detail)
{
	struct buf *b = &s->queued;
	size_t i, start;

	/* Rule names hold no control characters (smsrules checks). */
	buf_printf(b, "%s\t%s\t%s\t%s\t%s\t%s\t", time, event, khash, rule,
		   day, phash);
	start = b->len;
	buf_adds(b, detail);
	for (i = start; i < b->len; i++)
		if (b->p[i] == '\t' || b->p[i] == '\n')
			b->p[i] = ' ';
	buf_addc(b, '\n');
	note(s, time, event, khash, day, phash, detail);
}

void
smsstate_flush(struct smsstate *s)
{
	if (s->queued.len == 0)
		return;
	if (dur_append_lines(s->log, s->queued.p, s->queued.len, 0600) < 0)
		diag_die(JW_EXIT_IO, "%s: cannot append: %s", s->log,
			 strerror(errno));
	buf_reset(&s->queued);
}

void
smsstate_event(struct smsstate *s, const char *time, const char *event,
	       const char *khash, const char *rule, const char *day,
	       const char *phash, const char *detail)
{
	smsstate_queue(s, time, event, khash, rule, day, phash, detail);
	smsstate_flush(s);
}

void
smsstate_read(const char *dir,
	      void (*fn)(void *ctx, const struct smsstate_ev *e), void *ctx)
{
	char *log = path_in(dir, LOG_NAME);
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		diag_die(JW_EXIT_IO, "%s: no such state folder", dir);
	read_log(log, fn, ctx);
	free(log);
}
