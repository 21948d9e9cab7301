/* smsspool: the spool folder of smstools' smsd.  See smsspool.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/durable.h"
#include "base/util.h"
#include "domain/smsspool.h"

struct smsspool {
	char *dir, *tmp;
	uid_t uid;		/* the folder's owner and group */
	gid_t gid;
};

struct smsspool *
smsspool_open(const char *dir, struct buf *err, int *usage)
{
	struct smsspool *sp;
	const char *slash;
	struct buf b = BUF_INIT;
	struct stat st;

	*usage = 0;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		buf_printf(err, "%s: no such spool folder", dir);
		return NULL;
	}
	slash = strrchr(dir, '/');
	if (slash != NULL && slash[1] == '\0') {
		*usage = 1;
		buf_adds(err, "--spool: name the folder without a trailing '/'");
		return NULL;
	}
	/* The temporaries: a folder beside the spool, on its file system. */
	if (slash == NULL)
		buf_adds(&b, ".sms-notify.tmp");
	else
		buf_printf(&b, "%.*s/.sms-notify.tmp", (int)(slash - dir), dir);
	if (mkdir(b.p, 0700) < 0 && errno != EEXIST) {
		buf_printf(err, "%s: cannot create: %s", b.p, strerror(errno));
		buf_release(&b);
		return NULL;
	}
	sp = xcalloc(1, sizeof *sp);
	sp->dir = xstrdup(dir);
	sp->tmp = buf_detach(&b, NULL);
	sp->uid = st.st_uid;
	sp->gid = st.st_gid;
	return sp;
}

void
smsspool_close(struct smsspool *sp)
{
	if (sp == NULL)
		return;
	free(sp->dir);
	free(sp->tmp);
	free(sp);
}

void
smsspool_format(const char *phone, const char *text, size_t n,
		const struct sms_info *info, struct buf *out)
{
	size_t off[SMS_MAX_PARTS + 2];
	struct sms_info one = *info;

	buf_printf(out, "To: 86%s\n", phone);
	if (info->enc == SMS_UCS2) {
		/* UCS2 bodies are UTF-16BE; smsd splits long ones itself. */
		buf_adds(out, "Alphabet: UCS2\n\n");
		one.segments = 1;
		(void)sms_encode(text, n, &one, out, off);
	} else {
		buf_adds(out, "Alphabet: UTF-8\n\n");
		buf_add(out, text, n);	/* no LF after: it would be sent */
	}
}

/* The mode and the owner smsd needs, on the temporary before it is
 * renamed in: 0 or -1 (errno set, *what says which). */
static int
hand_to_smsd(const struct smsspool *sp, int fd, const char **what)
{
	*what = "cannot write";
	if (fchmod(fd, SMSSPOOL_MODE) < 0)
		return -1;
	if (geteuid() == 0) {
		*what = "cannot give it the spool folder's owner";
		return fchown(fd, sp->uid, sp->gid);
	}
	*what = "cannot give it the spool folder's group (add this user to "
		"that group)";
	if (getegid() == sp->gid)
		return 0;
	return fchown(fd, (uid_t)-1, sp->gid);
}

int
smsspool_put(struct smsspool *sp, const char *name, const char *phone,
	     const char *text, size_t n, const struct sms_info *info,
	     struct buf *err)
{
	struct buf b = BUF_INIT, path = BUF_INIT;
	struct dur_file *f;
	const char *what = "cannot write";
	int r;

	buf_printf(&path, "%s/%s", sp->dir, name);
	smsspool_format(phone, text, n, info, &b);
	f = dur_create_in(path.p, sp->tmp, SMSSPOOL_MODE);
	r = f == NULL || hand_to_smsd(sp, dur_fd(f), &what) < 0 ||
	    dur_write(f, b.p, b.len) < 0 ? -1 : 0;
	if (r < 0 && f != NULL) {
		int e = errno;

		dur_abort(f);
		errno = e;
	} else if (r == 0) {
		what = "cannot write";
		r = dur_commit(f);
	}
	if (r < 0)
		buf_printf(err, "%s: %s: %s", path.p, what, strerror(errno));
	buf_release(&b);
	buf_release(&path);
	return r;
}
