/* smpp: an SMPP 3.4 ESME session over libsmpp34.  See smpp.h. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

#include "base/buf.h"
#include "base/smpp.h"
#include "base/util.h"

#define PDU_MAX 65536		/* a longer command_length is malformed */
#define BACKOFF_MS 200		/* first re-send delay after throttling */
#define BACKOFF_MAX_MS 5000
#define TAG_RECEIPTED_ID 0x001e	/* receipted_message_id TLV */

/* A part in the window: sent and waiting, or throttled and waiting to be
 * sent again at resend_at. */
struct slot {
	int used;
	int in_flight;
	uint32_t seq;
	uint64_t tag;
	int retries;
	long long resend_at;
	struct buf pdu;		/* the packed submit_sm, for a re-send */
};

struct smpp {
	struct smpp_conf c;
	int fd;
	int dead;		/* the connection is gone */
	int unbound;		/* unbind_resp received */
	uint32_t seq;
	struct slot *slot;
	size_t nout;		/* used slots */
	struct buf rx;		/* bytes read, not yet a whole PDU */
	long long last_send, next_submit;
	uint32_t enquire_seq;	/* an unanswered enquire_link, or 0 */
	long long enquire_at;
	smpp_result_fn *res;
	smpp_receipt_fn *rcpt;
	void *ctx;
};

static const struct { uint32_t st; const char *name; } status_names[] = {
	{ 0x00, "ESME_ROK" }, { 0x01, "ESME_RINVMSGLEN" },
	{ 0x02, "ESME_RINVCMDLEN" }, { 0x03, "ESME_RINVCMDID" },
	{ 0x04, "ESME_RINVBNDSTS" }, { 0x05, "ESME_RALYBND" },
	{ 0x08, "ESME_RSYSERR" }, { 0x0a, "ESME_RINVSRCADR" },
	{ 0x0b, "ESME_RINVDSTADR" }, { 0x0c, "ESME_RINVMSGID" },
	{ 0x0d, "ESME_RBINDFAIL" }, { 0x0e, "ESME_RINVPASWD" },
	{ 0x0f, "ESME_RINVSYSID" }, { 0x14, "ESME_RMSGQFUL" },
	{ 0x15, "ESME_RINVSERTYP" }, { 0x43, "ESME_RINVESMCLASS" },
	{ 0x45, "ESME_RSUBMITFAIL" }, { 0x48, "ESME_RINVSRCTON" },
	{ 0x49, "ESME_RINVSRCNPI" }, { 0x50, "ESME_RINVDSTTON" },
	{ 0x51, "ESME_RINVDSTNPI" }, { 0x58, "ESME_RTHROTTLED" },
	{ 0x61, "ESME_RINVSCHED" }, { 0x62, "ESME_RINVEXPIRY" },
	{ 0x64, "ESME_RX_T_APPN" }, { 0x65, "ESME_RX_P_APPN" },
	{ 0x66, "ESME_RX_R_APPN" }, { 0xff, "ESME_RUNKNOWNERR" },
	{ SMPP_LOST, "connection lost" },
};

const char *
smpp_status_name(uint32_t st)
{
	size_t i;

	for (i = 0; i < JW_ARRAY_LEN(status_names); i++)
		if (status_names[i].st == st)
			return status_names[i].name;
	return "unknown";
}

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static uint32_t
next_seq(struct smpp *s)
{
	s->seq = s->seq >= 0x7fffffff ? 1 : s->seq + 1;
	return s->seq;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Every outstanding part gets SMPP_LOST: nobody knows its fate. */
static void
lose_all(struct smpp *s)
{
	size_t i;

	for (i = 0; i < (size_t)s->c.window; i++)
		if (s->slot[i].used) {
			s->slot[i].used = 0;
			s->nout--;
			s->res(s->ctx, s->slot[i].tag, SMPP_LOST, "");
		}
}

static int
fail(struct smpp *s, struct buf *err, const char *fmt, const char *arg)
{
	if (!s->dead) {
		buf_printf(err, fmt, arg);
		s->dead = 1;
	}
	lose_all(s);
	return -1;
}

static int
send_bytes(struct smpp *s, const void *p, size_t n, struct buf *err)
{
	const char *q = p;
	ssize_t k;

	if (s->dead)
		return fail(s, err, "%s", "the connection is closed");
	while (n > 0) {
		k = send(s->fd, q, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return fail(s, err, "send: %s", strerror(errno));
		q += k;
		n -= (size_t)k;
	}
	s->last_send = now_ms();
	return 0;
}

/* Pack the PDU of type at t (header filled here) into out. */
static int
pack(uint32_t type, void *t, uint32_t status, uint32_t seq, struct buf *out,
     struct buf *err)
{
	unsigned char b[4096];	/* a submit_sm is at most about 330 */
	int len = 0;
	/* Every libsmpp34 PDU struct starts with the four header words. */
	uint32_t *h = t;

	h[0] = 0;
	h[1] = type;
	h[2] = status;
	h[3] = seq;
	if (smpp34_pack(type, b, (int)sizeof b, &len, t) != 0) {
		buf_printf(err, "cannot pack PDU 0x%08x: %s", (unsigned)type,
			   smpp34_strerror);
		return -1;
	}
	buf_reset(out);
	buf_add(out, b, (size_t)len);
	return 0;
}

static int
send_pdu(struct smpp *s, uint32_t type, void *t, uint32_t status,
	 uint32_t seq, struct buf *err)
{
	struct buf b = BUF_INIT;
	int r = pack(type, t, status, seq, &b, err);

	if (r == 0)
		r = send_bytes(s, b.p, b.len, err);
	buf_release(&b);
	return r;
}

static struct slot *
slot_of(struct smpp *s, uint32_t seq)
{
	size_t i;

	for (i = 0; i < (size_t)s->c.window; i++)
		if (s->slot[i].used && s->slot[i].in_flight &&
		    s->slot[i].seq == seq)
			return &s->slot[i];
	return NULL;
}

static void
finish_slot(struct smpp *s, struct slot *sl, uint32_t st, const char *id)
{
	sl->used = 0;
	s->nout--;
	s->res(s->ctx, sl->tag, st, id);
}

/* A response to a submit: done, or throttled and due again later. */
static void
submit_answered(struct smpp *s, uint32_t seq, uint32_t st, const char *id)
{
	struct slot *sl = slot_of(s, seq);
	long long delay;

	if (sl == NULL)
		return;		/* a late answer to a part given up on */
	if ((st == SMPP_ESME_RTHROTTLED || st == SMPP_ESME_RMSGQFUL) &&
	    sl->retries < s->c.max_retries) {
		delay = (long long)BACKOFF_MS << (sl->retries < 5 ?
						  sl->retries : 5);
		if (delay > BACKOFF_MAX_MS)
			delay = BACKOFF_MAX_MS;
		sl->retries++;
		sl->in_flight = 0;
		sl->resend_at = now_ms() + delay;
		return;
	}
	finish_slot(s, sl, st, id);
}

/* The message_id and stat of a receipt's text "id:X sub:... stat:Y". */
static void
receipt_field(const char *text, const char *key, char *out, size_t cap)
{
	const char *p = strstr(text, key);
	size_t n = 0;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += strlen(key);
	while (p[n] != '\0' && p[n] != ' ' && n + 1 < cap)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Skip a C-string of at most max bytes (NUL included) at p[*o..n). */
static int
skip_cstr(const unsigned char *p, size_t n, size_t *o, size_t max)
{
	const unsigned char *z = memchr(p + *o, 0, n - *o);

	if (z == NULL || (size_t)(z - (p + *o)) + 1 > max)
		return -1;
	*o = (size_t)(z - p) + 1;
	return 0;
}

/* Where a deliver_sm's TLVs start, when its body has the layout of SMPP
 * 3.4 and its TLVs fill it exactly; 0 when not.  libsmpp34 leaks what it
 * allocated for a TLV when it gives up on a PDU, so it is given the PDU
 * without its TLVs, which are read here. */
static size_t
deliver_tlvs(const unsigned char *p, size_t n)
{
	size_t o = 16, len, start;

	if (skip_cstr(p, n, &o, 6) < 0 || (o += 2) > n ||
	    skip_cstr(p, n, &o, 21) < 0 || (o += 2) > n ||
	    skip_cstr(p, n, &o, 21) < 0 || (o += 3) > n ||
	    skip_cstr(p, n, &o, 17) < 0 || skip_cstr(p, n, &o, 17) < 0 ||
	    (o += 4) >= n)
		return 0;
	len = p[o++];
	if (len > n - o)
		return 0;
	start = o + len;
	for (o = start; o < n; o += 4 + len) {
		if (n - o < 4)
			return 0;
		len = (size_t)p[o + 2] << 8 | p[o + 3];
		if (len > n - o - 4)
			return 0;
	}
	return start;
}

int
smpp_decode(const unsigned char *p, size_t n, struct smpp_decoded *d,
	    struct buf *err)
{
	submit_sm_resp_t sr;
	deliver_sm_t dl;
	unsigned char fixed[512];	/* a deliver_sm without TLVs: < 330 */
	size_t tl, tlen;

	memset(d, 0, sizeof *d);
	if (n < 16 || n > PDU_MAX || get32(p) != n) {
		buf_printf(err, "malformed PDU: command_length %u for %zu "
			   "bytes", n >= 4 ? (unsigned)get32(p) : 0u, n);
		return -1;
	}
	d->id = get32(p + 4);
	d->status = get32(p + 8);
	d->seq = get32(p + 12);
	if (d->id == SUBMIT_SM_RESP && n > 16) {
		memset(&sr, 0, sizeof sr);
		if (smpp34_unpack(SUBMIT_SM_RESP, &sr, p, (int)n) != 0) {
			buf_printf(err, "malformed submit_sm_resp: %s",
				   smpp34_strerror);
			return -1;
		}
		sr.message_id[sizeof sr.message_id - 1] = '\0';
		snprintf(d->message_id, sizeof d->message_id, "%s",
			 (const char *)sr.message_id);
	} else if (d->id == DELIVER_SM) {
		memset(&dl, 0, sizeof dl);
		if ((tl = deliver_tlvs(p, n)) == 0) {
			buf_adds(err, "malformed deliver_sm: its fields do not "
				 "fill the PDU");
			return -1;
		}
		memcpy(fixed, p, tl);
		fixed[0] = (unsigned char)(tl >> 24);
		fixed[1] = (unsigned char)(tl >> 16);
		fixed[2] = (unsigned char)(tl >> 8);
		fixed[3] = (unsigned char)tl;
		if (smpp34_unpack(DELIVER_SM, &dl, fixed, (int)tl) != 0) {
			destroy_tlv(dl.tlv);
			buf_printf(err, "malformed deliver_sm: %s",
				   smpp34_strerror);
			return -1;
		}
		destroy_tlv(dl.tlv);
		memcpy(d->text, dl.short_message, dl.sm_length);
		d->text[dl.sm_length] = '\0';
		d->receipt = (dl.esm_class & 0x3c) == 0x04;
		receipt_field(d->text, "id:", d->message_id,
			      sizeof d->message_id);
		receipt_field(d->text, "stat:", d->stat, sizeof d->stat);
		for (; tl + 4 <= n; tl += 4 + tlen) {
			tlen = (size_t)p[tl + 2] << 8 | p[tl + 3];
			if (((size_t)p[tl] << 8 | p[tl + 1]) == TAG_RECEIPTED_ID &&
			    tlen < sizeof d->message_id) {
				memcpy(d->message_id, p + tl + 4, tlen);
				d->message_id[tlen] = '\0';
			}
		}
	}
	return 0;
}

/* Handle one whole PDU p[0..n). */
static int
on_pdu(struct smpp *s, const unsigned char *p, size_t n, struct buf *err)
{
	struct smpp_decoded d;
	deliver_sm_resp_t dr;
	generic_nack_t gn;
	enquire_link_resp_t er;
	unbind_resp_t ur;
	struct buf e = BUF_INIT;
	int r = 0;

	if (smpp_decode(p, n, &d, &e) < 0) {
		r = fail(s, err, "from the SMSC: %s", e.p);
		buf_release(&e);
		return r;
	}
	buf_release(&e);
	switch (d.id) {
	case SUBMIT_SM_RESP:
		submit_answered(s, d.seq, d.status, d.message_id);
		return 0;
	case GENERIC_NACK:
		submit_answered(s, d.seq, d.status ? d.status : 0x08, "");
		return 0;
	case DELIVER_SM:
		memset(&dr, 0, sizeof dr);
		if (send_pdu(s, DELIVER_SM_RESP, &dr, 0, d.seq, err) < 0)
			return -1;
		if (d.receipt && s->rcpt != NULL)
			s->rcpt(s->ctx, d.message_id, d.stat, d.text);
		return 0;
	case ENQUIRE_LINK:
		memset(&er, 0, sizeof er);
		return send_pdu(s, ENQUIRE_LINK_RESP, &er, 0, d.seq, err);
	case ENQUIRE_LINK_RESP:
		if (d.seq == s->enquire_seq)
			s->enquire_seq = 0;
		return 0;
	case UNBIND:
		memset(&ur, 0, sizeof ur);
		(void)send_pdu(s, UNBIND_RESP, &ur, 0, d.seq, err);
		return fail(s, err, "%s", "the SMSC unbound the session");
	case UNBIND_RESP:
		s->unbound = 1;
		return 0;
	default:
		memset(&gn, 0, sizeof gn);
		return send_pdu(s, GENERIC_NACK, &gn, 0x03, d.seq, err);
	}
}

/* Read what is there and handle every whole PDU. */
static int
read_some(struct smpp *s, struct buf *err)
{
	char b[16384];
	ssize_t k;
	size_t off = 0;
	uint32_t len;

	k = recv(s->fd, b, sizeof b, 0);
	if (k < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (k < 0)
		return fail(s, err, "recv: %s", strerror(errno));
	if (k == 0)
		return fail(s, err, "%s", "the SMSC closed the connection");
	buf_add(&s->rx, b, (size_t)k);
	while (s->rx.len - off >= 16) {
		len = get32((unsigned char *)s->rx.p + off);
		if (len < 16 || len > PDU_MAX) {
			char what[32];

			snprintf(what, sizeof what, "%u", (unsigned)len);
			return fail(s, err, "malformed PDU from the SMSC: "
				    "command_length %s", what);
		}
		if (s->rx.len - off < len)
			break;
		if (on_pdu(s, (unsigned char *)s->rx.p + off, len, err) < 0)
			return -1;
		off += len;
	}
	memmove(s->rx.p, s->rx.p + off, s->rx.len - off);
	s->rx.len -= off;
	s->rx.p[s->rx.len] = '\0';
	return 0;
}

/* Send what is due: re-sends of throttled parts, an enquire_link. */
static int
send_due(struct smpp *s, struct buf *err)
{
	long long t = now_ms();
	enquire_link_t e;
	size_t i;
	struct slot *sl;

	for (i = 0; i < (size_t)s->c.window; i++) {
		sl = &s->slot[i];
		if (!sl->used || sl->in_flight || sl->resend_at > t)
			continue;
		sl->seq = next_seq(s);
		/* The sequence_number is the last header word. */
		sl->pdu.p[12] = (char)(sl->seq >> 24);
		sl->pdu.p[13] = (char)(sl->seq >> 16);
		sl->pdu.p[14] = (char)(sl->seq >> 8);
		sl->pdu.p[15] = (char)sl->seq;
		sl->in_flight = 1;
		if (send_bytes(s, sl->pdu.p, sl->pdu.len, err) < 0)
			return -1;
	}
	if (s->enquire_seq != 0 && t - s->enquire_at > s->c.timeout_ms)
		return fail(s, err, "%s", "enquire_link not answered");
	if (s->c.enquire_secs > 0 && s->enquire_seq == 0 &&
	    t - s->last_send >= (long long)s->c.enquire_secs * 1000) {
		memset(&e, 0, sizeof e);
		s->enquire_seq = next_seq(s);
		s->enquire_at = t;
		return send_pdu(s, ENQUIRE_LINK, &e, 0, s->enquire_seq, err);
	}
	return 0;
}

/* Wait for input up to ms (less when something is due), handle it. */
static int
pump(struct smpp *s, int ms, struct buf *err)
{
	struct pollfd pf = { s->fd, POLLIN, 0 };
	long long t = now_ms(), wake = t + ms;
	size_t i;
	int r;

	if (s->dead)
		return fail(s, err, "%s", "the connection is closed");
	for (i = 0; i < (size_t)s->c.window; i++)
		if (s->slot[i].used && !s->slot[i].in_flight &&
		    s->slot[i].resend_at < wake)
			wake = s->slot[i].resend_at;
	if (s->c.enquire_secs > 0 &&
	    s->last_send + s->c.enquire_secs * 1000LL < wake)
		wake = s->last_send + s->c.enquire_secs * 1000LL;
	r = poll(&pf, 1, wake > t ? (int)(wake - t) : 0);
	if (r < 0 && errno != EINTR)
		return fail(s, err, "poll: %s", strerror(errno));
	if (r > 0 && read_some(s, err) < 0)
		return -1;
	return send_due(s, err);
}

static int
connect_to(struct smpp *s, struct buf *err)
{
	struct addrinfo hints, *ai, *a;
	struct pollfd pf;
	int r, e = 0;
	socklen_t el = sizeof e;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(s->c.host, s->c.port, &hints, &ai);
	if (r != 0) {
		buf_printf(err, "%s:%s: %s", s->c.host, s->c.port,
			   gai_strerror(r));
		return -1;
	}
	for (a = ai; a != NULL; a = a->ai_next) {
		s->fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC,
			       a->ai_protocol);
		if (s->fd < 0)
			continue;
		fcntl(s->fd, F_SETFL, O_NONBLOCK);
		r = connect(s->fd, a->ai_addr, a->ai_addrlen);
		if (r < 0 && errno == EINPROGRESS) {
			pf.fd = s->fd;
			pf.events = POLLOUT;
			r = poll(&pf, 1, s->c.timeout_ms);
			if (r == 0)
				e = ETIMEDOUT;
			else
				getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &el);
			r = e ? -1 : 0;
		} else if (r < 0) {
			e = errno;
		}
		if (r == 0)
			break;
		close(s->fd);
		s->fd = -1;
	}
	freeaddrinfo(ai);
	if (s->fd < 0) {
		buf_printf(err, "connect %s:%s: %s", s->c.host, s->c.port,
			   strerror(e ? e : ECONNREFUSED));
		return -1;
	}
	/* Blocking sends from here; reads go through poll. */
	fcntl(s->fd, F_SETFL, 0);
	return 0;
}

static int
bind_session(struct smpp *s, struct buf *err)
{
	bind_transmitter_t b;
	uint32_t type = s->c.transceiver ? BIND_TRANSCEIVER : BIND_TRANSMITTER;
	uint32_t seq = next_seq(s), st, len;
	long long until = now_ms() + s->c.timeout_ms;
	struct pollfd pf = { s->fd, POLLIN, 0 };
	char tmp[16384];
	ssize_t k;

	/* bind_transceiver has the same body as bind_transmitter. */
	memset(&b, 0, sizeof b);
	snprintf((char *)b.system_id, sizeof b.system_id, "%s",
		 s->c.system_id);
	snprintf((char *)b.password, sizeof b.password, "%s", s->c.password);
	snprintf((char *)b.system_type, sizeof b.system_type, "%s",
		 s->c.system_type ? s->c.system_type : "");
	b.interface_version = SMPP_VERSION;
	if (send_pdu(s, type, &b, 0, seq, err) < 0)
		return -1;
	for (;;) {
		if (s->rx.len >= 16 && s->rx.len >= get32((unsigned char *)
							  s->rx.p))
			break;
		if (poll(&pf, 1, (int)(until - now_ms() > 0 ?
				       until - now_ms() : 0)) <= 0) {
			buf_adds(err, "bind: no answer from the SMSC");
			return -1;
		}
		k = recv(s->fd, tmp, sizeof tmp, 0);
		if (k <= 0) {
			buf_printf(err, "bind: %s", k == 0 ?
				   "the SMSC closed the connection" :
				   strerror(errno));
			return -1;
		}
		buf_add(&s->rx, tmp, (size_t)k);
	}
	len = get32((unsigned char *)s->rx.p);
	st = get32((unsigned char *)s->rx.p + 8);
	if (len < 16 || len > PDU_MAX ||
	    get32((unsigned char *)s->rx.p + 4) != (type | 0x80000000u)) {
		buf_adds(err, "bind: the SMSC did not answer with a bind "
			 "response");
		return -1;
	}
	if (st != 0) {
		buf_printf(err, "bind refused: %s (0x%08x)",
			   smpp_status_name(st), (unsigned)st);
		return -1;
	}
	memmove(s->rx.p, s->rx.p + len, s->rx.len - len);
	s->rx.len -= len;
	return 0;
}

struct smpp *
smpp_open(const struct smpp_conf *c, smpp_result_fn *res,
	  smpp_receipt_fn *rcpt, void *ctx, struct buf *err)
{
	struct smpp *s = xcalloc(1, sizeof *s);
	int i;

	s->c = *c;
	if (s->c.window < 1)
		s->c.window = 1;
	if (s->c.timeout_ms <= 0)
		s->c.timeout_ms = 10000;
	s->fd = -1;
	s->res = res;
	s->rcpt = rcpt;
	s->ctx = ctx;
	s->slot = xcalloc((size_t)s->c.window, sizeof *s->slot);
	for (i = 0; i < s->c.window; i++)
		buf_init(&s->slot[i].pdu);
	buf_init(&s->rx);
	if (connect_to(s, err) < 0 || bind_session(s, err) < 0) {
		s->dead = 1;
		smpp_close(s, NULL);
		return NULL;
	}
	s->last_send = now_ms();
	return s;
}

int
smpp_submit(struct smpp *s, const struct smpp_part *p, uint64_t tag,
	    struct buf *err)
{
	submit_sm_t m;
	struct slot *sl = NULL;
	long long t;
	size_t i;

	while (s->nout >= (size_t)s->c.window)
		if (pump(s, s->c.timeout_ms, err) < 0)
			return -1;
	while (s->c.rate > 0 && (t = now_ms()) < s->next_submit)
		if (pump(s, (int)(s->next_submit - t), err) < 0)
			return -1;
	if (p->len > sizeof m.short_message) {
		buf_printf(err, "a part of %zu bytes (at most %zu)", p->len,
			   sizeof m.short_message);
		return -1;
	}
	for (i = 0; i < (size_t)s->c.window && sl == NULL; i++)
		if (!s->slot[i].used)
			sl = &s->slot[i];
	memset(&m, 0, sizeof m);
	snprintf((char *)m.source_addr, sizeof m.source_addr, "%s", p->source);
	snprintf((char *)m.destination_addr, sizeof m.destination_addr, "%s",
		 p->dest);
	m.source_addr_ton = (uint8_t)p->source_ton;
	m.source_addr_npi = (uint8_t)p->source_npi;
	m.dest_addr_ton = (uint8_t)p->dest_ton;
	m.dest_addr_npi = (uint8_t)p->dest_npi;
	m.esm_class = p->esm_class;
	m.registered_delivery = p->registered_delivery;
	m.data_coding = p->data_coding;
	m.sm_length = (uint8_t)p->len;
	memcpy(m.short_message, p->data, p->len);
	sl->seq = next_seq(s);
	if (pack(SUBMIT_SM, &m, 0, sl->seq, &sl->pdu, err) < 0)
		return -1;
	sl->used = 1;
	sl->in_flight = 1;
	sl->tag = tag;
	sl->retries = 0;
	s->nout++;
	if (s->c.rate > 0)
		s->next_submit = now_ms() + (long long)(1000.0 / s->c.rate);
	if (send_bytes(s, sl->pdu.p, sl->pdu.len, err) < 0)
		return -1;
	return pump(s, 0, err);
}

int
smpp_poll(struct smpp *s, int ms, struct buf *err)
{
	return pump(s, ms, err);
}

int
smpp_drain(struct smpp *s, struct buf *err)
{
	long long until = now_ms() + s->c.timeout_ms, t;

	while (s->nout > 0) {
		t = now_ms();
		if (t >= until && smpp_outstanding(s) > 0) {
			/* Parts waiting out a back-off are not late yet. */
			size_t i, late = 0;

			for (i = 0; i < (size_t)s->c.window; i++)
				late += s->slot[i].used && s->slot[i].in_flight;
			if (late > 0)
				return fail(s, err, "%s", "no answer from the "
					    "SMSC within the timeout");
			until = t + s->c.timeout_ms;
		}
		if (pump(s, (int)(until - t > 0 ? until - t : 0), err) < 0)
			return -1;
	}
	return 0;
}

size_t
smpp_outstanding(const struct smpp *s)
{
	return s->nout;
}

int
smpp_close(struct smpp *s, struct buf *err)
{
	unbind_t u;
	long long until;
	int r = 0, i;
	struct buf tmp = BUF_INIT;

	if (err == NULL)
		err = &tmp;
	if (!s->dead) {
		memset(&u, 0, sizeof u);
		if (send_pdu(s, UNBIND, &u, 0, next_seq(s), err) == 0) {
			until = now_ms() + s->c.timeout_ms;
			while (!s->unbound && !s->dead && now_ms() < until)
				(void)pump(s, (int)(until - now_ms()), err);
		}
		if (!s->unbound) {
			if (!s->dead)
				buf_adds(err, "unbind: no answer from the SMSC");
			r = -1;
		}
	}
	lose_all(s);
	if (s->fd >= 0)
		close(s->fd);
	for (i = 0; i < s->c.window; i++)
		buf_release(&s->slot[i].pdu);
	free(s->slot);
	buf_release(&s->rx);
	buf_release(&tmp);
	free(s);
	return r;
}
