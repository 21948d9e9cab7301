/*
 * smsspool: notices handed to smstools' smsd through its spool folder
 * (sms-notify(1), --spool).
 *
 * The spool is a folder smsd reads (its outgoing/): any file that appears
 * there is taken, so a file appears only whole.  Each is written to a
 * temporary in a folder beside the spool, .sms-notify.tmp (created 0700,
 * on the spool's file system), fsynced, then renamed in, and the spool
 * folder fsynced (durable.h), before smsspool_put() returns.
 *
 * A file is smstools' outgoing format:
 *   To: 86PHONE LF
 *   Alphabet: UCS2 LF LF and the text in UTF-16BE (one part: smsd splits a
 *                    long one itself), when the text needs UCS-2;
 *   Alphabet: UTF-8 LF LF and the text as it is, when it fits GSM 7-bit;
 * with no LF after the text (it would be sent).
 *
 * Who may read it: smsd runs as its own user (Debian's as smsd) and must
 * read the file and move it on, whatever the writer's umask (the nightly
 * job runs under 077).  So a file is mode 0640 (whatever the umask) in
 * the spool folder's group, and, when the writer is root, owned by the
 * folder's owner too; the folder itself is smsd's (it moves files out of
 * it).  A writer that is not root and not in the folder's group cannot
 * give a file that group: that is an error (the file would sit unread),
 * and the message says so.
 */
#ifndef JW_SMSSPOOL_H
#define JW_SMSSPOOL_H

#include <stddef.h>
#include <sys/types.h>

#include "base/buf.h"
#include "domain/smstext.h"

#define SMSSPOOL_MODE 0640

struct smsspool;

/* Open the spool folder dir (an existing folder, named without a trailing
 * '/'), making the temporaries' folder beside it.  Returns NULL with a
 * message in err ("DIR: no such spool folder", "--spool: name the folder
 * without a trailing '/'", "DIR: cannot create: ..."); *usage is set to 1
 * when the error is in the name, 0 otherwise. */
struct smsspool *smsspool_open(const char *dir, struct buf *err, int *usage);
void smsspool_close(struct smsspool *sp);

/* The file's contents for phone (11 digits) and text[0..n) (UTF-8, as
 * measured in info), appended to out. */
void smsspool_format(const char *phone, const char *text, size_t n,
		     const struct sms_info *info, struct buf *out);

/* Write the file name (no '/') into the spool: 0, or -1 with a message in
 * err ("PATH: cannot write: ...", "PATH: cannot give it the spool's group
 * N: ..."). */
int smsspool_put(struct smsspool *sp, const char *name, const char *phone,
		 const char *text, size_t n, const struct sms_info *info,
		 struct buf *err);

#endif
