/*
 * smpp: an SMPP 3.4 client session (ESME) for sending short messages
 * through an SMSC, over one TCP connection.  PDUs are packed and unpacked
 * by Debian's libsmpp34; this module owns the session: bind, a window of
 * outstanding submit_sm requests matched to their responses by
 * sequence_number, a send rate, back-off and re-send on ESME_RTHROTTLED
 * and ESME_RMSGQFUL, enquire_link when idle (and answers to the SMSC's),
 * delivery receipts (deliver_sm, answered with deliver_sm_resp), and a
 * clean unbind.
 *
 * Every submitted part ends in exactly one call of the caller's result
 * function: its final command_status with the SMSC's message_id (status
 * 0), an error status (the SMSC refused it, or it stayed throttled past
 * the retry limit), or SMPP_LOST when the connection ended while it was
 * outstanding: then nobody knows whether the SMSC took it.
 *
 * One session per process at a time (libsmpp34 keeps its errors in
 * globals).  Errors of the session itself (connect, bind, a malformed PDU
 * from the SMSC) are returned as -1 / NULL with a message in the caller's
 * buffer; the session is then unusable except for smpp_close().
 */
#ifndef JW_SMPP_H
#define JW_SMPP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define SMPP_LOST 0xffffffffu		/* result status: connection gone */
#define SMPP_ESME_RTHROTTLED 0x58u
#define SMPP_ESME_RMSGQFUL 0x14u

struct smpp_conf {
	const char *host;
	const char *port;		/* "2775" */
	const char *system_id;		/* <= 15 bytes */
	const char *password;		/* <= 8 bytes */
	const char *system_type;	/* "" by default */
	int transceiver;		/* bind_transceiver (for receipts) */
	int window;			/* outstanding requests, >= 1 */
	double rate;			/* submits per second, 0 = no limit */
	int enquire_secs;		/* enquire_link after this idle, 0 = never */
	int timeout_ms;			/* for connect, bind, responses */
	int max_retries;		/* re-sends of a throttled part */
};

/* One part of a message, as submit_sm carries it. */
struct smpp_part {
	const char *source;		/* sender number, "" for the SMSC's */
	int source_ton, source_npi;
	const char *dest;		/* international, without '+' */
	int dest_ton, dest_npi;
	uint8_t esm_class;		/* 0x40 when udh is given */
	uint8_t data_coding;		/* 0 GSM-7 (one char an octet), 8 UCS-2 */
	uint8_t registered_delivery;	/* 1: a receipt on the final outcome */
	const unsigned char *data;	/* short_message, UDH included */
	size_t len;			/* <= 254 */
};

typedef void smpp_result_fn(void *ctx, uint64_t tag, uint32_t status,
			    const char *message_id);
/* A delivery receipt: the message_id it names, its stat ("DELIVRD",
 * "UNDELIV", ...: empty when the receipt had none) and its whole text. */
typedef void smpp_receipt_fn(void *ctx, const char *message_id,
			     const char *stat, const char *text);

struct smpp;

/* Connect and bind.  Returns the session, or NULL with the reason in err
 * ("connect 127.0.0.1:2775: Connection refused", "bind refused:
 * ESME_RINVPASWD (0x0000000e)"). */
struct smpp *smpp_open(const struct smpp_conf *c, smpp_result_fn *res,
		       smpp_receipt_fn *rcpt, void *ctx, struct buf *err);
/* Submit a part under the caller's tag, waiting first for room in the
 * window and for the rate.  Returns 0, or -1 (err) when the session
 * failed; parts outstanding then got SMPP_LOST. */
int smpp_submit(struct smpp *s, const struct smpp_part *p, uint64_t tag,
		struct buf *err);
/* Process what arrives for up to ms milliseconds (receipts, responses,
 * enquire_link).  Returns 0, or -1 (err) when the session failed. */
int smpp_poll(struct smpp *s, int ms, struct buf *err);
/* Wait until no part is outstanding (or the timeout).  0 or -1. */
int smpp_drain(struct smpp *s, struct buf *err);
/* Parts outstanding now. */
size_t smpp_outstanding(const struct smpp *s);
/* Unbind (waiting for unbind_resp up to the timeout) and close; parts
 * still outstanding get SMPP_LOST.  Returns 0, or -1 when the unbind was
 * not answered.  s is freed either way. */
int smpp_close(struct smpp *s, struct buf *err);

/* A PDU from the SMSC, decoded as the session decodes it (and as the fuzz
 * harness feeds it): the header words; a submit_sm_resp's message_id; a
 * deliver_sm's text and, for a receipt (esm_class 0x04), its message_id
 * (the receipted_message_id TLV, else the text's "id:") and "stat:". */
struct smpp_decoded {
	uint32_t id, status, seq;
	int receipt;
	char message_id[66];
	char stat[16];
	char text[256];
};

/* Decode the whole PDU p[0..n) (its command_length must be n).  Returns
 * 0, or -1 with the reason in err. */
int smpp_decode(const unsigned char *p, size_t n, struct smpp_decoded *d,
		struct buf *err);

/* The name of a command_status ("ESME_RTHROTTLED"), or "unknown". */
const char *smpp_status_name(uint32_t status);

#endif
