/* serve.c: the order of one request. Cheap checks come first, the
 * signature before the JSON, the hook last; the first failure picks the
 * status, and every request ends in exactly one answer and one log line.
 * The body goes straight from the socket into a memory file that becomes the
 * hook's standard input, mapped so that the HMAC and the JSON read it in
 * place. All buffers are static and sized in limits.h or by --max-body. */
#include <arpa/inet.h>
#include <errno.h>
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
#include "hook.h"
#include "http.h"
#include "io.h"
#include "limits.h"
#include "log.h"
#include "payload.h"
#include "response.h"
#include "form.h"
#include "scheme.h"
#include "secret.h"
#include "serve.h"
#include "sig.h"
#include "status.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static unsigned char head[HEAD_MAX];
static unsigned char raw[READ_CHUNK];
static struct env env;
static char *envp[ENV_VARS_MAX + 1];
static struct secret secrets[SECRETS_MAX];

struct req {
	const struct config *c;
	long long start, deadline;
	size_t have, headlen;
	struct request r;
	int has_peer;
	char addr[INET6_ADDRSTRLEN];
	char port[8];
	int bodyfd;
	unsigned char *body;
	size_t bodylen;
	int status;
	const char *allow;
	const char *why;
	struct scheme_req sr;            /* the sender's scheme and its headers */
	int secret_index;                /* which --secret-file verified */
	unsigned char *json;             /* the JSON: the body, or its form field */
	size_t jsonlen;
	char key[2 * SIG_MAC_LEN + 1];   /* the delivery's identity, in hex */
	int hook_ran;
	struct hook_result hook;
};

static void
peer(struct req *q)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;

	if (getpeername(0, (struct sockaddr *)&ss, &sl) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &s4->sin_addr, q->addr, sizeof q->addr);
		snprintf(q->port, sizeof q->port, "%u", ntohs(s4->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, q->addr, sizeof q->addr);
		snprintf(q->port, sizeof q->port, "%u", ntohs(s6->sin6_port));
	} else {
		return;
	}
	q->has_peer = 1;
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
		r = io_read(0, head + q->have, sizeof head - q->have, q->deadline);
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

static int
read_body(struct req *q)
{
	struct request *r = &q->r;
	size_t cap = r->framing == F_LENGTH ? (size_t)r->content_length :
	    q->c->max_body;
	unsigned char *extra = head + q->headlen;
	size_t nextra = q->have - q->headlen, got = 0, n, used;
	struct chunked ch;
	ssize_t rd;
	int st;

	q->bodyfd = memfd_create("inhook-body", MFD_CLOEXEC);
	if (q->bodyfd < 0 || ftruncate(q->bodyfd, (off_t)cap) < 0) {
		q->why = "cannot create the body file";
		return S_INTERNAL_ERROR;
	}
	if (cap > 0) {
		q->body = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED,
		    q->bodyfd, 0);
		if (q->body == MAP_FAILED) {
			q->body = NULL;
			q->why = "cannot map the body file";
			return S_INTERNAL_ERROR;
		}
	}
	if (r->framing == F_LENGTH) {
		n = nextra < cap ? nextra : cap;
		memcpy(q->body, extra, n);
		for (got = n; got < cap; got += (size_t)rd) {
			rd = io_read(0, q->body + got, cap - got, q->deadline);
			if (rd == IO_TIMEOUT) {
				q->why = "deadline passed while reading the body";
				return S_REQUEST_TIMEOUT;
			}
			if (rd <= 0) {
				q->why = "connection closed inside the body";
				return S_BAD_REQUEST;
			}
		}
		q->bodylen = got;
		return 0;
	}
	chunked_init(&ch, cap);
	for (;;) {
		st = chunked_decode(&ch, extra, nextra, &n, &used);
		memcpy(q->body + got, extra, n);
		got += n;
		if (st == 1)
			break;
		if (st) {
			q->why = "bad chunked framing";
			return st;
		}
		rd = io_read(0, raw, sizeof raw, q->deadline);
		if (rd == IO_TIMEOUT) {
			q->why = "deadline passed while reading the body";
			return S_REQUEST_TIMEOUT;
		}
		if (rd <= 0) {
			q->why = "connection closed inside the body";
			return S_BAD_REQUEST;
		}
		extra = raw;
		nextra = (size_t)rd;
	}
	if (ftruncate(q->bodyfd, (off_t)got) < 0) {
		q->why = "cannot size the body file";
		return S_INTERNAL_ERROR;
	}
	q->bodylen = got;
	return 0;
}

static int
put(const char *name, const char *val, size_t vlen)
{
	return env_put(&env, name, strlen(name), val, vlen, 1);
}

static int
put_span(const char *name, struct span s)
{
	return put(name, (const char *)s.p, s.len);
}

/* PATH, --env, and the request's CGI/1.1 names. */
static int
fixed_env(struct req *q)
{
	const struct config *c = q->c;
	struct span ct;
	char len[24];
	size_t i, n;
	int st = 0, have_path = 0;

	for (i = 0; i < c->nenv; i++) {
		const char *e = c->envs[i], *eq = strchr(e, '=');
		const char *val;
		if (eq) {
			n = (size_t)(eq - e);
			val = eq + 1;
		} else {
			n = strlen(e);
			if ((val = getenv(e)) == NULL)
				continue;
		}
		have_path |= n == 4 && memcmp(e, "PATH", 4) == 0;
		st |= env_put(&env, e, n, val, strlen(val), 1);
	}
	if (!have_path)
		st |= put("PATH", DEFAULT_PATH, strlen(DEFAULT_PATH));
	st |= put_span("REQUEST_METHOD", q->r.method_s);
	st |= put_span("REQUEST_URI", q->r.target);
	st |= put_span("QUERY_STRING", q->r.query);
	if (http_header(&q->r, "content-type", &ct))
		st |= put_span("CONTENT_TYPE", ct);
	snprintf(len, sizeof len, "%zu", q->bodylen);
	st |= put("CONTENT_LENGTH", len, strlen(len));
	if (q->has_peer) {
		st |= put("REMOTE_ADDR", q->addr, strlen(q->addr));
		st |= put("REMOTE_PORT", q->port, strlen(q->port));
	}
	n = strlen(scheme_name(q->sr.scheme));
	st |= put("INHOOK_SCHEME", scheme_name(q->sr.scheme), n);
	if (q->sr.event.len)
		st |= put_span("INHOOK_EVENT", q->sr.event);
	if (q->sr.delivery.len)
		st |= put_span("INHOOK_DELIVERY", q->sr.delivery);
	return st ? S_INTERNAL_ERROR : 0;
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
	if (q->bodylen == 0) {
		q->why = "form-encoded body without a payload field";
		return S_BAD_REQUEST;
	}
	q->json = mmap(NULL, q->bodylen, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->json == MAP_FAILED) {
		q->json = NULL;
		q->why = "cannot map the form payload";
		return S_INTERNAL_ERROR;
	}
	if (form_field(q->body, q->bodylen, "payload", q->json, &q->jsonlen)) {
		q->why = "form-encoded body without a well-formed payload field";
		return S_BAD_REQUEST;
	}
	return 0;
}

/* Everything between the head and the JSON: framing, secrets, signature
 * headers, body, signature. Sets q->key to what identifies the delivery. */
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
	    io_write_all(1, cont, sizeof cont - 1, q->deadline) < 0) {
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
	st = form_json(q);
out:
	for (i = 0; i < c->nsecret; i++)
		secret_wipe(&secrets[i]);
	return st;
}

/* A verified delivery: its environment, then the hook. */
static int
deliver(struct req *q)
{
	const struct config *c = q->c;
	int st;

	env_init(&env);
	if ((st = fixed_env(q)) != 0) {
		q->why = "--env values too large for the environment";
		return st;
	}
	if ((st = payload_export(q->json ? q->json : (const unsigned char *)"",
	    q->jsonlen, c->prefix, &env, &q->why)) != 0)
		return st;
	env_vector(&env, envp);
	q->hook_ran = 1;
	st = hook_run(c->hook, envp, q->bodyfd, c->hook_timeout, &q->hook);
	if (!q->hook.started)
		q->why = strerror(q->hook.err);
	else if (q->hook.timed_out)
		q->why = "hook killed at --hook-timeout";
	else if (st != S_OK)
		q->why = "hook failed";
	return st;
}

static void
log_request(struct req *q)
{
	char m[LOG_FIELD_MAX * 4 + 8], p[LOG_FIELD_MAX * 4 + 8];
	char hook[48], sch[48] = "";

	if (!q->hook_ran)
		snprintf(hook, sizeof hook, "-");
	else if (!q->hook.started)
		snprintf(hook, sizeof hook, "not-started");
	else if (q->hook.timed_out)
		snprintf(hook, sizeof hook, "timeout");
	else if (q->hook.exited)
		snprintf(hook, sizeof hook, "exit:%d", q->hook.code);
	else
		snprintf(hook, sizeof hook, "signal:%d", q->hook.code);
	log_escape(m, sizeof m, q->r.method_s.p, q->r.method_s.len, 16);
	log_escape(p, sizeof p, q->r.target.p, q->r.target.len, LOG_FIELD_MAX);
	if (q->sr.scheme != SCHEME_NONE && q->secret_index >= 0)
		snprintf(sch, sizeof sch, " scheme=%s secret=%d",
		    scheme_name(q->sr.scheme), q->secret_index + 1);
	log_line(q->status >= 500 ? LOG_ERR : LOG_INFO,
	    "peer=%s%s%s method=%s target=\"%s\" status=%d bytes=%zu%s hook=%s "
	    "ms=%lld%s%s%s",
	    q->has_peer ? q->addr : "-", q->has_peer ? ":" : "",
	    q->has_peer ? q->port : "", m[0] ? m : "-", p, q->status,
	    q->bodylen, sch, hook, io_now_ms() - q->start,
	    q->why ? " reason=\"" : "", q->why ? q->why : "", q->why ? "\"" : "");
}

int
serve(const struct config *c)
{
	static struct req q;
	char out[RESPONSE_MAX];
	size_t n;
	int st, wrote;

	prctl(PR_SET_DUMPABLE, 0);
	memset(&q, 0, sizeof q);
	q.c = c;
	q.bodyfd = -1;
	q.secret_index = -1;
	q.start = io_now_ms();
	q.deadline = q.start + (long long)c->timeout * 1000;
	peer(&q);

	st = read_head(&q);
	if (st < 0) {
		q.status = 0;
		log_line(LOG_INFO, "peer=%s%s%s closed before sending a request",
		    q.has_peer ? q.addr : "-", q.has_peer ? ":" : "",
		    q.has_peer ? q.port : "");
		return 0;
	}
	if (st == 0 && (st = http_parse(head, q.headlen, &q.r)) != 0 && !q.why)
		q.why = "malformed head";
	if (st && !q.why)
		q.why = "malformed request line or head";
	if (st == 0)
		st = route(&q);
	if (st == 0)
		st = q.r.method == M_POST ? verify(&q) : S_OK;
	if (st == 0 && q.r.method == M_POST)
		st = deliver(&q);
	q.status = st;
	n = response_format(out, st, q.allow, NULL,
	    q.r.method == M_HEAD, time(NULL));
	wrote = io_write_all(1, out, n, io_now_ms() + c->timeout * 1000LL);
	log_request(&q);
	io_staged_close(0, 1);
	return wrote < 0 ? 111 : 0;
}
