/*
 * casecomplain: a citizen's complaint about their case (case-status
 * complain): its receipt number and the event it adds to the log.
 *
 * Who may complain is caselookup.h's rule: the person may see the case
 * (caselookup_take() shows it); otherwise nothing is appended and the
 * answer is a stranger's.  A complaint is one event of the complaint
 * stage (the YAML's stage of state 投诉, cases.h) in the case event log,
 * written in the log's own field order: the case number, the time it was
 * made, secret and privacy 0 (a complaint hides nothing: the case's other
 * events decide), the complainant as the one party "投诉人:ID:NAME" (no
 * phone), the message as the note, and the receipt; every other field
 * empty.  It is appended with dur_append() (durable.h), so complaints made
 * at once never interleave, tear or get lost.
 *
 * The receipt number is "TS", the day as YYYYMMDD, then 12 random decimal
 * digits (getrandom(2)): CASECOMPLAIN_RECEIPT_LEN characters, the same
 * length every time, nothing in it the complainant's.  lookup shows it
 * with the case (caselookup.h: the asker's own complaints).
 */
#ifndef JW_CASECOMPLAIN_H
#define JW_CASECOMPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "domain/casefold.h"
#include "domain/caselookup.h"
#include "domain/cases.h"

enum { CASECOMPLAIN_RECEIPT_LEN = 22 };

/* A new receipt number for a complaint made at now (datetime.h seconds)
 * into out.  Exits 5 when the system gives no random bytes. */
void casecomplain_receipt(int64_t now, char out[CASECOMPLAIN_RECEIPT_LEN + 1]);

/* The complaint event of a about case caseno, made at now with message
 * msg and receipt, as one TSV line (without LF) in the order of a log of
 * nfields fields whose indexes ix gives (it needs a receipt field),
 * appended to line.  The stage is c's complaint stage. */
void casecomplain_line(const struct case_cfg *c,
		       const struct casefold_fields *ix, size_t nfields,
		       const struct caselookup_asker *a, const char *caseno,
		       int64_t now, const char *msg, const char *receipt,
		       struct buf *line);

/* Append the complaint line (casecomplain_line()) to the log at path,
 * durably (dur_append(): locked, one write, fsynced).  Exits 4 when it
 * cannot. */
void casecomplain_append(const char *path, const struct buf *line);

/* The --text answer to a complaint taken (Chinese), appended to b. */
void casecomplain_text(const char *receipt, struct buf *b);

#endif
