/* serve.c: the order of one request. Cheap checks come first, the
 * signature before the JSON, the hook last; the first failure picks the
 * status, and every request ends in exactly one answer and one log line.
 * The body goes straight from the socket into a memory file that becomes the
 * hook's standard input, mapped so that the HMAC and the JSON read it in
 * place. All buffers are static and sized in limits.h or by --max-body.
 * What happens to a verified delivery is deliver.c's. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "chunked.h"
#include "cidr.h"
#include "conn.h"
#include "hook.h"
#include "http.h"
#include "io.h"
#include "limits.h"
#include "log.h"
#include "proxy.h"
#include "response.h"
#include "form.h"
#include "scheme.h"
#include "secret.h"
#include "req.h"
#include "serve.h"
#include "sig.h"
#include "status.h"
#include "text.h"
#include "listen.h"
#include "user.h"

static unsigned char head[HEAD_MAX] PAGE_START;
static unsigned char raw[READ_CHUNK];
static struct secret secrets[SECRETS_MAX] PAGE_START;


/* addr (a NUL-terminated IPv4 or IPv6 address) and port (decimal) from a
 * supervisor's variables, checked and written in inhook's own form. */
static int
peer_env(struct req *q, const char *addr, const char *port)
{
	unsigned char a[16];
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned long n;
	struct text t = { q->port, 0, sizeof q->port - 1 };
	size_t len;
	int fam = AF_INET;

	if (!addr || !port || opts_number(port, 0, 65535, &n) < 0)
		return 0;
	/* socat writes an IPv6 address in brackets, every group in full */
	len = strlen(addr);
	if (len > 2 && len - 2 < sizeof buf && addr[0] == '[' &&
	    addr[len - 1] == ']') {
		memcpy(buf, addr + 1, len - 2);
		buf[len - 2] = '\0';
		addr = buf;
	}
	if (inet_pton(AF_INET, addr, a) != 1) {
		if (inet_pton(AF_INET6, addr, a) != 1)
			return 0;
		fam = AF_INET6;
		if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)a)) {
			memmove(a, a + 12, 4);
			fam = AF_INET;
		}
	}
	io_addr_text(fam, a, q->addr);
	cidr_addr(fam, a, q->raw);
	text_num(&t, (long long)n);
	q->port[t.n] = '\0';
	return 1;
}

/* The peer's address: from the socket when fd 0 is an inet socket (an
 * IPv4-mapped IPv6 address, from a dual-stack listener, as plain IPv4);
 * otherwise (socat's socketpair, a pipe) from the supervisor's variables:
 * UCSPI's TCPREMOTEIP and TCPREMOTEPORT (tcpserver, tcpsvd, s6-tcpserver),
 * then socat's SOCAT_PEERADDR and SOCAT_PEERPORT. */
static void
peer(struct req *q)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	struct text port = { q->port, 0, sizeof q->port - 1 };
	const unsigned char *a;
	unsigned int pn;

	memset(&ss, 0, sizeof ss);
	if (getpeername(0, (struct sockaddr *)&ss, &sl) < 0 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)) {
		q->has_peer = peer_env(q, getenv("TCPREMOTEIP"),
		    getenv("TCPREMOTEPORT")) || peer_env(q,
		    getenv("SOCAT_PEERADDR"), getenv("SOCAT_PEERPORT"));
		return;
	}
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		io_addr_text(AF_INET, (const unsigned char *)&s4->sin_addr, q->addr);
		cidr_addr(AF_INET, (const unsigned char *)&s4->sin_addr, q->raw);
		pn = ntohs(s4->sin_port);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		a = (const unsigned char *)&s6->sin6_addr;
		cidr_addr(AF_INET6, a, q->raw);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			io_addr_text(AF_INET, a + 12, q->addr);
		else
			io_addr_text(AF_INET6, a, q->addr);
		pn = ntohs(s6->sin6_port);
	}
	text_num(&port, pn);
	q->port[port.n] = '\0';
	q->has_peer = 1;
}

/* The client a PROXY header names becomes the peer; the real peer (the
 * proxy) is kept for the log. An IPv4-mapped IPv6 client is written as
 * plain IPv4, as peer() does. */
static void
proxy_apply(struct req *q, const struct proxy *p)
{
	struct text t = { q->port, 0, sizeof q->port - 1 };
	unsigned char a[16];

	if (p->local) {
		q->proxied = 2;
		return;
	}
	q->proxied = 1;
	memcpy(q->via_addr, q->addr, sizeof q->via_addr);
	memcpy(q->via_port, q->port, sizeof q->via_port);
	cidr_addr(p->family, p->src, a);
	if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)a))
		io_addr_text(AF_INET, a + 12, q->addr);
	else
		io_addr_text(AF_INET6, a, q->addr);
	text_num(&t, p->sport);
	q->port[t.n] = '\0';
}

/* With --proxy-from and a real peer inside it: reads the PROXY header into
 * the head buffer within the request's deadline, applies it, and moves what
 * follows it (the start of the HTTP head, or of the TLS handshake, which
 * conn_open takes from there) to the buffer's start. A peer outside the ranges, or unknown
 * (a pipe without a supervisor's variables), is served as it is: its bytes
 * are HTTP, and a PROXY header from it fails as HTTP, with 400. Returns 0,
 * a status, or -1 when the peer closed before sending a byte. */
static int
read_proxy(struct req *q)
{
	struct proxy p;
	size_t used = 0;
	ssize_t r;
	int st;

	if (q->c->nproxy == 0 || !q->has_peer ||
	    !cidr_match(q->c->proxy_from, q->c->nproxy, q->raw))
		return 0;
	for (;;) {
		st = proxy_parse(head, q->have, &p, &used);
		if (st == 0)
			break;
		if (st != PROXY_MORE) {
			q->why = "no valid PROXY header from a --proxy-from peer";
			return st;
		}
		r = io_read(0, head + q->have, sizeof head - q->have, q->deadline);
		if (r == IO_TIMEOUT) {
			q->why = "deadline passed while reading the PROXY header";
			return S_REQUEST_TIMEOUT;
		}
		if (r <= 0) {
			q->why = "connection closed inside the PROXY header";
			return q->have ? S_BAD_REQUEST : -1;
		}
		q->have += (size_t)r;
	}
	if (used > q->have) {           /* the parser's promise */
		q->why = "PROXY parser overran the buffer";
		q->text500 = TEXT_500_BUG;
		return S_INTERNAL_ERROR;
	}
	proxy_apply(q, &p);
	q->proxylen = used;
	q->have -= used;
	memmove(head, head + used, q->have);
	return 0;
}

/* 1 if the head starts as a PROXY header does (from a peer outside
 * --proxy-from, or with none given): for the log's reason only. */
static int
looks_proxy(const unsigned char *b, size_t n)
{
	return (n >= 6 && memcmp(b, "PROXY ", 6) == 0) ||
	    (n >= 12 && memcmp(b, "\r\n\r\n\0\r\nQUIT\n", 12) == 0);
}

/* Reads until the head is complete. Returns 0, a status, or -1 when the
 * peer closed before sending a byte. */
static int
read_head(struct req *q)
{
	struct headscan hs;
	ssize_t r;
	int st;

	memset(&hs, 0, sizeof hs);
	for (;;) {
		if ((st = http_head_scan(head, q->have, &hs, &q->headlen)) != 0)
			return st;
		if (q->headlen)
			return 0;
		r = conn_read(head + q->have, sizeof head - q->have, q->deadline);
		if (r == IO_TIMEOUT) {
			q->why = "deadline passed while reading the head";
			return S_REQUEST_TIMEOUT;
		}
		if (r <= 0) {
			q->why = "connection closed inside the head";
			return q->have ? S_BAD_REQUEST : -1;
		}
		q->have += (size_t)r;
	}
}

/* The log's reason for a status from http_head_scan (scan) or http_parse
 * (which sees a head whose request line the scan passed): each status, and
 * each cause the parsers tell apart, its own. */
static const char *
http_why(int st, int scan, const unsigned char *b, size_t n)
{
	const unsigned char *lf;

	switch (st) {
	case S_URI_TOO_LONG: return "request line over REQLINE_MAX";
	case S_EXPECTATION_FAILED: return "Expect other than 100-continue";
	case S_HEADERS_TOO_LARGE:
		return scan ? "head over HEAD_MAX bytes" :
		    "more than HEADERS_MAX header fields";
	case S_NOT_IMPLEMENTED:
		return scan ? "method longer than METHOD_MAX" :
		    "Transfer-Encoding other than chunked";
	case S_VERSION_NOT_SUPPORTED: return "HTTP version other than 1.x";
	}
	if (!scan)
		return "malformed header field, Host, Content-Length, "
		    "Content-Type or Transfer-Encoding";
	if ((lf = memchr(b, '\n', n)) != NULL && (lf == b || lf[-1] != '\r'))
		return "bare LF in the head: lines end in CRLF";
	return "malformed request line, or a bare CR";
}

/* Which methods the target allows: 0 for "not found". */
static int
route(struct req *q)
{
	struct request *r = &q->r;
	int health = r->path.len == 1 && r->path.p[0] == '/';
	int hook = r->path.len == strlen(q->c->path) &&
	    memcmp(r->path.p, q->c->path, r->path.len) == 0;

	if (r->method == M_UNKNOWN) {
		q->why = "unknown method";
		return S_NOT_IMPLEMENTED;
	}
	if (!health && !hook) {
		q->why = "no such path";
		return S_NOT_FOUND;
	}
	if (hook && r->method == M_POST)
		return 0;
	if (health && (r->method == M_GET || r->method == M_HEAD))
		return 0;
	q->allow = health && hook ? "GET, HEAD, POST" : hook ? "POST" : "GET, HEAD";
	q->why = "method not allowed here";
	return S_METHOD_NOT_ALLOWED;
}

/* One read of body bytes into buf; *n gets the count. Returns 0, 408 at
 * the deadline, or 400 when the peer closed before the body's end. */
static int
body_read(struct req *q, unsigned char *buf, size_t len, size_t *n)
{
	ssize_t rd = conn_read(buf, len, q->deadline);

	if (rd == IO_TIMEOUT) {
		q->why = "deadline passed while reading the body";
		return S_REQUEST_TIMEOUT;
	}
	if (rd <= 0) {
		q->why = "connection closed inside the body";
		return S_BAD_REQUEST;
	}
	*n = (size_t)rd;
	return 0;
}

static int
read_body(struct req *q)
{
	struct request *r = &q->r;
	size_t cap = r->framing == F_LENGTH ? (size_t)r->content_length :
	    q->c->max_body;
	unsigned char *extra = head + q->headlen;
	size_t nextra = q->have - q->headlen, got = 0, n, used;
	struct chunked ch;
	int st;

	q->bodyfd = memfd_create("inhook-body", MFD_CLOEXEC);
	if (q->bodyfd < 0 || ftruncate(q->bodyfd, (off_t)cap) < 0) {
		q->why = "cannot create the body file";
		q->text500 = TEXT_500_RESOURCE;
		return S_INTERNAL_ERROR;
	}
	if (cap > 0) {
		q->body = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED,
		    q->bodyfd, 0);
		if (q->body == MAP_FAILED) {
			q->body = NULL;
			q->why = "cannot map the body file";
			q->text500 = TEXT_500_RESOURCE;
			return S_INTERNAL_ERROR;
		}
		q->bodymap = cap;
	}
	if (r->framing == F_LENGTH) {
		n = nextra < cap ? nextra : cap;
		if (n)          /* with Content-Length: 0 there is no map */
			memcpy(q->body, extra, n);
		for (got = n; got < cap; got += n)
			if ((st = body_read(q, q->body + got, cap - got, &n)) != 0)
				return st;
		q->bodylen = got;
		return 0;
	}
	chunked_init(&ch, cap);
	for (;;) {
		/* n and used are the decoder's only when it says 0 or 1 */
		st = chunked_decode(&ch, extra, nextra, &n, &used);
		if (st != 0 && st != 1) {
			q->why = st == S_PAYLOAD_TOO_LARGE ?
			    "chunked body over --max-body" :
			    st == S_HEADERS_TOO_LARGE ?
			    "chunked trailer section over TRAILER_MAX" :
			    "bad chunked framing";
			return st;
		}
		if (n > cap - got || n > nextra) {   /* the decoder's promise */
			q->why = "chunked decoder overran the body";
			q->text500 = TEXT_500_BUG;
			return S_INTERNAL_ERROR;
		}
		if (n)
			memcpy(q->body + got, extra, n);
		got += n;
		if (st == 1)
			break;
		if ((st = body_read(q, raw, sizeof raw, &nextra)) != 0)
			return st;
		extra = raw;
	}
	if (ftruncate(q->bodyfd, (off_t)got) < 0) {
		q->why = "cannot size the body file";
		q->text500 = TEXT_500_RESOURCE;
		return S_INTERNAL_ERROR;
	}
	q->bodylen = got;
	return 0;
}

static long long
now_s(void)
{
	/* For tests only: a fixed clock for Standard Webhooks timestamps. */
	const char *t = getenv("INHOOK_NOW");
	unsigned long n;

	if (t && opts_number(t, 0, 4000000000UL, &n) == 0)
		return (long long)n;
	return (long long)time(NULL);
}

/* Loads every --secret-file; all must load. */
static int
load_secrets(struct req *q)
{
	const struct config *c = q->c;
	const char *why;
	size_t i, k;

	for (i = 0; i < c->nsecret; i++) {
		if (secret_load(&secrets[i], c->secret_files[i],
		    c->allow_shared_secret, &why) == 0)
			continue;
		for (k = 0; k < i; k++)
			secret_wipe(&secrets[k]);
		q->why = why;
		q->text500 = TEXT_500_SECRET;
		return S_INTERNAL_ERROR;
	}
	return 0;
}

/* With a form-encoded body (GitHub's "application/x-www-form-urlencoded"
 * option), the JSON is the "payload" field: decode it into its own map. */
static int
form_json(struct req *q)
{
	struct span ct;
	size_t i;

	q->json = q->body;
	q->jsonlen = q->bodylen;
	if (!http_header(&q->r, "content-type", &ct))
		return 0;
	for (i = 0; i < ct.len && ct.p[i] != ';' && ct.p[i] != ' ' &&
	    ct.p[i] != '\t'; i++)
		;
	if (!span_caseeq((struct span){ ct.p, i },
	    "application/x-www-form-urlencoded"))
		return 0;
	/* curl -d and wget --post-file send this type unless told otherwise */
	q->text = "Content-Type is application/x-www-form-urlencoded but the "
	    "body has no payload= field: send JSON with Content-Type: "
	    "application/json";
	if (q->bodylen == 0) {
		q->why = "form-encoded body without a payload field";
		return S_BAD_REQUEST;
	}
	q->json = mmap(NULL, q->bodylen, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->json == MAP_FAILED) {
		q->json = NULL;
		q->why = "cannot map the form payload";
		q->text = NULL;
		q->text500 = TEXT_500_RESOURCE;
		return S_INTERNAL_ERROR;
	}
	q->jsonmap = q->bodylen;
	if (form_field(q->body, q->bodylen, "payload", q->json, &q->jsonlen)) {
		q->why = "form-encoded body without a well-formed payload field";
		return S_BAD_REQUEST;
	}
	q->text = NULL;
	return 0;
}

/* Everything between the head and the JSON: framing, secrets, signature
 * headers, body, signature. Sets q->key to what identifies the signed
 * content, and q->dkey to what identifies the sender's delivery id. */
static int
verify(struct req *q)
{
	const struct config *c = q->c;
	struct request *r = &q->r;
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	const unsigned char *keys[SECRETS_MAX];
	size_t klens[SECRETS_MAX], i;
	unsigned char id[SIG_MAC_LEN];
	int st;

	if (r->framing == F_NONE) {
		q->why = "no Content-Length or Transfer-Encoding";
		return S_LENGTH_REQUIRED;
	}
	if (r->framing == F_LENGTH && r->content_length > c->max_body) {
		q->why = "declared body over --max-body";
		return S_PAYLOAD_TOO_LARGE;
	}
	if ((st = load_secrets(q)) != 0)
		return st;
	if ((st = scheme_select(r, (const enum scheme *)c->schemes, c->nscheme,
	    now_s(), c->tolerance, &q->sr, &q->why)) != 0)
		goto out;
	if (r->expect == E_CONTINUE &&
	    conn_write_all(cont, sizeof cont - 1, q->deadline) < 0) {
		q->why = "cannot write 100 Continue";
		st = S_INTERNAL_ERROR;
		goto out;
	}
	if ((st = read_body(q)) != 0)
		goto out;
	for (i = 0; i < c->nsecret; i++) {
		keys[i] = secrets[i].key;
		klens[i] = secrets[i].len;
	}
	q->secret_index = scheme_verify(&q->sr, keys, klens, c->nsecret,
	    q->body ? q->body : (const unsigned char *)"", q->bodylen, id);
	if (q->secret_index < 0) {
		q->why = "signature does not match";
		st = S_FORBIDDEN;
		goto out;
	}
	sig_hex(id, SIG_MAC_LEN, q->key);
	if (scheme_delivery_id(&q->sr, id))
		sig_hex(id, SIG_MAC_LEN, q->dkey);
	st = form_json(q);
out:
	for (i = 0; i < c->nsecret; i++)
		secret_wipe(&secrets[i]);
	return st;
}

/* ADDR:PORT, [ADDR]:PORT for IPv6, or "-"; after a PROXY header, then
 * " via=" and the real peer (the proxy) the same way, or " via=local" for
 * a v2 LOCAL or v1 UNKNOWN header (the peer is then the proxy itself). */
static void
peer_text(struct text *t, const struct req *q)
{
	int v6 = strchr(q->addr, ':') != NULL;

	if (!q->has_peer) {
		text_cat(t, "-");
		return;
	}
	text_cat(t, v6 ? "[" : "");
	text_cat(t, q->addr);
	text_cat(t, v6 ? "]:" : ":");
	text_cat(t, q->port);
	if (q->proxied == 2) {
		text_cat(t, " via=local");
	} else if (q->proxied == 1) {
		v6 = strchr(q->via_addr, ':') != NULL;
		text_cat(t, v6 ? " via=[" : " via=");
		text_cat(t, q->via_addr);
		text_cat(t, v6 ? "]:" : ":");
		text_cat(t, q->via_port);
	}
}

/* The request's line: peer=ADDR:PORT method=M target="T" status=N
 * bytes=N[ scheme=S secret=N] hook=H ms=N[ reason="WHY"]. */
static void
log_request(struct req *q)
{
	char m[LOG_FIELD_MAX * 4 + 8], p[LOG_FIELD_MAX * 4 + 8];
	char line[LOG_LINE_MAX];
	struct text t = { line, 0, sizeof line };

	log_escape(m, sizeof m, q->r.method_s.p, q->r.method_s.len, 16);
	log_escape(p, sizeof p, q->r.target.p, q->r.target.len, LOG_FIELD_MAX);
	text_cat(&t, "peer=");
	peer_text(&t, q);
	text_cat(&t, " method=");
	text_cat(&t, m[0] ? m : "-");
	text_cat(&t, " target=\"");
	text_cat(&t, p);
	text_cat(&t, "\" status=");
	text_num(&t, q->status);
	text_cat(&t, " bytes=");
	text_num(&t, (long long)q->bodylen);
	if (q->sr.scheme != SCHEME_NONE && q->secret_index >= 0) {
		text_cat(&t, " scheme=");
		text_cat(&t, scheme_name(q->sr.scheme));
		text_cat(&t, " secret=");
		text_num(&t, q->secret_index + 1);
	}
	text_cat(&t, " hook=");
	if (!q->hook_ran) {
		text_cat(&t, "-");
	} else if (!q->hook.started) {
		text_cat(&t, "not-started");
	} else if (q->hook.timed_out) {
		text_cat(&t, "timeout");
	} else if (q->hook.stopped) {
		text_cat(&t, "stopped");
	} else if (q->hook.lost) {
		text_cat(&t, "lost");
	} else {
		text_cat(&t, q->hook.exited ? "exit:" : "signal:");
		text_num(&t, q->hook.code);
	}
	text_cat(&t, " ms=");
	text_num(&t, io_now_ms() - q->start);
	if (q->why) {
		text_cat(&t, " reason=\"");
		text_cat(&t, q->why);
		text_cat(&t, "\"");
	}
	log_text(q->status >= 500 ? LOG_ERR : LOG_INFO, line, t.n);
}

/* Writes the answer: the head, then the text (the reason phrase unless
 * q->text says otherwise; for a 500 its class, q->text500) or the hook's
 * captured output. Returns 0 or -1. */
static int
answer(struct req *q)
{
	char out[RESPONSE_MAX];
	const char *text = q->text ? q->text : q->status != S_INTERNAL_ERROR ?
	    status_reason(q->status) : q->text500 ? q->text500 : TEXT_500_BUG;
	long long deadline = io_now_ms() + q->c->timeout * 1000LL;
	int head_only = q->r.method == M_HEAD;
	size_t n, blen = q->output ? q->hook.outlen : strlen(text) + 1;

	n = response_head(out, q->status, q->allow, q->retry_after, blen,
	    time(NULL));
	if (!q->output && !head_only && n + blen <= sizeof out) {
		memcpy(out + n, text, blen - 1);
		out[n + blen - 1] = '\n';
		n += blen;
	}
	if (conn_write_all(out, n, deadline) < 0)
		return -1;
	if (q->output && !head_only && blen > 0 &&
	    conn_write_all(q->outbuf, blen, deadline) < 0)
		return -1;
	return 0;
}

/* After an --async answer: nothing more goes to the connection, and no
 * descriptor opened from now on may land on 0-2, where the hook's
 * standard streams are put. */
static void
detach(void)
{
	int fd, keep2 = !log_fd2_is_connection();

	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return;
	if (fd != 0)
		dup2(fd, 0);
	if (fd != 1)
		dup2(fd, 1);
	if (!keep2 && fd != 2)
		dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

void
serve_init(struct req *q, const struct config *c)
{
	memset(q, 0, sizeof *q);
	q->c = c;
	q->bodyfd = -1;
	q->secret_index = -1;
	q->start = io_now_ms();
	q->deadline = q->start + (long long)c->timeout * 1000;
}

int
serve_read(struct req *q)
{
	int st, scan = 1;

	peer(q);
	st = read_proxy(q);
	if (st == 0) {
		/* What followed the PROXY header is the handshake's start. */
		st = conn_open(q->c, q->deadline, head, &q->have, &q->why);
		if (st != 0) {
			if (st < -1)    /* our files, not the peer: an error */
				q->status = S_INTERNAL_ERROR;
			return -1;
		}
		st = read_head(q);
	}
	if (st < 0) {
		q->why = NULL;
		return -1;
	}
	if (st == 0 && (st = http_parse(head, q->headlen, &q->r)) != 0)
		scan = 0;
	if (st == S_BAD_REQUEST && !q->why && !q->proxied &&
	    looks_proxy(head, q->have))
		q->why = "a PROXY header from a peer outside --proxy-from";
	if (st && !q->why)
		q->why = http_why(st, scan, head, q->have);
	if (st == 0)
		st = route(q);
	if (st == 0 && q->r.method == M_POST)
		st = verify(q);
	return st;
}

void
serve_release(struct req *q)
{
	if (q->json && q->json != q->body)
		munmap(q->json, q->jsonmap);
	if (q->body)
		munmap(q->body, q->bodymap);
	if (q->bodyfd >= 0)
		close(q->bodyfd);
	q->json = q->body = NULL;
	q->bodyfd = -1;
}

int serve_closed_fd = -1;

/* The connection is closed: tell the listener, when there is one. */
static void
closed(void)
{
	pid_t pid = getpid();

	if (serve_closed_fd < 0)
		return;
	(void)!write(serve_closed_fd, &pid, sizeof pid);
	close(serve_closed_fd);
	serve_closed_fd = -1;
}

/* fds 0 and 1 are the connection. */
int
serve_conn(const struct config *c)
{
	static struct req q PAGE_START;
	int st, wrote;

	serve_init(&q, c);
	st = serve_read(&q);
	if (st < 0) {
		char line[LOG_LINE_MAX];
		struct text t = { line, 0, sizeof line };

		text_cat(&t, "peer=");
		peer_text(&t, &q);
		if (q.why) {    /* the TLS layer's: see conn_open */
			text_cat(&t, " no request: ");
			text_cat(&t, q.why);
		} else {
			text_cat(&t, " closed before sending a request");
		}
		log_text(q.status ? LOG_ERR : LOG_INFO, line, t.n);
		closed();
		return 0;
	}
	if (st == 0 && q.r.method == M_POST)
		st = deliver(&q);
	q.status = st ? st : S_OK;
	wrote = answer(&q);
	if (!q.pending)
		log_request(&q);
	conn_close();
	closed();
	if (q.pending) {
		detach();
		deliver_finish(&q);
		log_request(&q);
	}
	serve_release(&q);     /* nothing of ours open at exit */
	if (c->dedupe && q.claim.name[0])
		dedupe_prune(c->dedupe, c->dedupe_days, DEDUPE_PRUNE_MAX);
	return wrote < 0 ? 111 : 0;
}

int
serve_refuse(const struct config *c)
{
	static struct req q PAGE_START;
	int wrote;

	serve_init(&q, c);
	peer(&q);
	q.status = S_SERVICE_UNAVAILABLE;
	q.retry_after = RETRY_AFTER_S;
	if (conn_open(c, q.deadline, NULL, NULL, &q.why) != 0) {
		q.why = q.why ? q.why : "over --max-per-source, closed";
		log_request(&q);
		closed();
		return 0;
	}
	q.why = "over --max-per-source";
	wrote = answer(&q);
	log_request(&q);
	conn_close();
	closed();
	return wrote < 0 ? 111 : 0;
}

int
serve(const struct config *c)
{
	const char *bad;
	int fds[LISTEN_MAX], n;

	prctl(PR_SET_DUMPABLE, 0);
	bad = listen_take_fds(fds, &n);
	if (!bad && (n > 0 || c->nlisten > 0)) {
		log_init(c->syslog ? LOG_SINK_SYSLOG : LOG_SINK_FD2);
		return listen_run(c, fds, n);
	}
	log_init(c->syslog ? LOG_SINK_SYSLOG : c->log_stderr ?
	    LOG_SINK_STDERR : LOG_SINK_AUTO);
	if (c->user && user_drop(c->uid, c->gid) < 0) {
		log_line(LOG_ERR, "--user %s: %s", c->user, strerror(errno));
		return 111;
	}
	if (!bad && io_is_listening(0))
		bad = "fd 0 is a listening socket";
	if (bad) {
		log_line(LOG_ERR, "%s: inhook wants one connection per process "
		    "(systemd Accept=yes, systemd-socket-activate --accept, "
		    "xinetd wait = no), or --listen", bad);
		return 100;
	}
	return serve_conn(c);
}
