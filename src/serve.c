/* serve.c: the order of one request. Cheap checks come first, the
 * signature before the JSON, the hook last; the first failure picks the
 * status, and every request ends in exactly one answer and one log line.
 * The body goes straight from the socket into a memory file that becomes the
 * hook's standard input, mapped so that the HMAC and the JSON read it in
 * place. All buffers are static and sized in limits.h or by --max-body. */
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
#include "dedupe.h"
#include "filter.h"
#include "hook.h"
#include "http.h"
#include "io.h"
#include "limits.h"
#include "lock.h"
#include "log.h"
#include "payload.h"
#include "response.h"
#include "form.h"
#include "scheme.h"
#include "secret.h"
#include "serve.h"
#include "sig.h"
#include "spool.h"
#include "status.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A delivery uses the start of each of these: each starts a page, so that
 * it takes as few pages of the process's own memory as it can. */
#define PAGE_START __attribute__((aligned(4096)))

static unsigned char head[HEAD_MAX] PAGE_START;
static unsigned char raw[READ_CHUNK];
static struct env env PAGE_START;
static char *envp[ENV_VARS_MAX + 1] PAGE_START;
static struct secret secrets[SECRETS_MAX] PAGE_START;

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
	/* the delivery's course: deliver(), then finish() for --async */
	const char *text;                /* answer body; NULL: reason phrase */
	int retry_after;                 /* Retry-After seconds, 0 for none */
	int output;                      /* answer with the hook's stdout */
	int pending;                     /* --async: 1 supervise, 2 lock first */
	int lockfd, stdinfd, spooled;
	struct hook h;
	struct spool sp;
	struct spool_entry ent;
	struct claim claim;
	char whybuf[200];
};

/* Text built by hand on the request's path (stdio's formatting would cost
 * more than the rest of the log line): appends, cutting at the buffer's
 * end. */
struct text {
	char *p;
	size_t n, cap;
};

static void
cat(struct text *t, const char *s)
{
	size_t len = strlen(s);

	if (len > t->cap - t->n)
		len = t->cap - t->n;
	memcpy(t->p + t->n, s, len);
	t->n += len;
}

static void
cat_num(struct text *t, long long v)
{
	char tmp[24];
	size_t k = sizeof tmp, len;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		tmp[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--k] = '-';
	len = sizeof tmp - k;
	if (len > t->cap - t->n)
		len = t->cap - t->n;
	memcpy(t->p + t->n, tmp + k, len);
	t->n += len;
}

static void
peer(struct req *q)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	struct text port = { q->port, 0, sizeof q->port - 1 };

	if (getpeername(0, (struct sockaddr *)&ss, &sl) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		io_addr_text(AF_INET, (const unsigned char *)&s4->sin_addr, q->addr);
		cat_num(&port, ntohs(s4->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		io_addr_text(AF_INET6, (const unsigned char *)&s6->sin6_addr,
		    q->addr);
		cat_num(&port, ntohs(s6->sin6_port));
	} else {
		return;
	}
	q->port[port.n] = '\0';
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
		if (n)          /* with Content-Length: 0 there is no map */
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
	struct text t = { len, 0, sizeof len };
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
	cat_num(&t, (long long)q->bodylen);
	st |= put("CONTENT_LENGTH", len, t.n);
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

/* The rest of this file up to log_request is a verified delivery's course:
 *   environment -> --when filters -> --dedupe claim -> --spool entry ->
 *   --lock -> hook -> settle (spool entry, claim, answer).
 * With --async the answer (202) goes out once the hook has started, or,
 * when --lock is busy, once the delivery is accepted; finish() then does
 * the rest after the connection is closed. */
static unsigned char *outbuf;   /* --respond-output, --max-output bytes */

static const char *
hook_why(const struct hook_result *h, int st)
{
	if (!h->started)
		return strerror(h->err);
	if (h->timed_out)
		return "hook killed at --hook-timeout";
	return st == S_OK ? NULL : "hook failed";
}

/* The reason line of a failed spool entry. */
static void
fail_reason(struct req *q, char *buf, size_t len)
{
	const struct hook_result *h = &q->hook;

	if (!q->hook_ran)
		snprintf(buf, len, "lock-wait: %s", q->why ? q->why : "-");
	else if (!h->started)
		snprintf(buf, len, "not-started: %s", strerror(h->err));
	else if (h->timed_out)
		snprintf(buf, len, "timeout");
	else if (h->exited)
		snprintf(buf, len, "exit:%d", h->code);
	else
		snprintf(buf, len, "signal:%d", h->code);
}

/* Applies the outcome st of the hook (200, 500, 504), or 503 when --lock
 * was not had: the spool entry is removed (200) or moved to failed/; the
 * claim is kept (200) or released. Returns the status to answer: with a
 * spool entry 200 or 202 (the spool owns the delivery now), else st. */
static int
settle(struct req *q, int st)
{
	char reason[128], note[100];

	if (q->lockfd >= 0)
		close(q->lockfd);
	if (q->stdinfd >= 0)
		close(q->stdinfd);
	q->lockfd = q->stdinfd = -1;
	if (q->spooled) {
		q->spooled = 0;
		if (st == S_OK) {
			if (spool_done(&q->sp, &q->ent) < 0)
				log_line(LOG_ERR, "spool %s: cannot remove: %s",
				    q->ent.id, strerror(errno));
		} else {
			fail_reason(q, reason, sizeof reason);
			if (spool_fail(&q->sp, &q->ent, reason) < 0)
				log_line(LOG_ERR, "spool %s: cannot move to failed/: %s",
				    q->ent.id, strerror(errno));
			snprintf(note, sizeof note, "%.99s", q->why ? q->why : reason);
			snprintf(q->whybuf, sizeof q->whybuf, "%s; kept as "
			    "failed/%.64s", note, q->ent.id);
			q->why = q->whybuf;
		}
		spool_close(&q->sp);
		q->retry_after = 0;
		return st == S_OK ? S_OK : S_ACCEPTED;
	}
	if (st != S_OK) {
		dedupe_release(&q->claim);
	} else if (dedupe_keep(&q->claim, st) < 0) {
		log_line(LOG_ERR, "dedupe: cannot record %s: %s", q->claim.name,
		    strerror(errno));
	}
	return st;
}

/* Takes --lock within wait_ms. Returns 0, or 503 with errno EWOULDBLOCK
 * (still busy) or another errno (cannot open or lock the file). */
static int
take_lock(struct req *q, long wait_ms)
{
	int e;

	if (!q->c->lock || (q->lockfd = lock_open(q->c->lock, wait_ms)) >= 0)
		return 0;
	e = errno;
	q->why = e == EWOULDBLOCK ? "--lock busy past --lock-wait" :
	    "cannot open or lock the --lock file";
	q->retry_after = RETRY_AFTER_S;
	errno = e;
	return S_SERVICE_UNAVAILABLE;
}

static int
start(struct req *q)
{
	const struct config *c = q->c;

	q->hook_ran = 1;
	return hook_start(&q->h, c->hook, envp, q->stdinfd >= 0 ? q->stdinfd :
	    q->bodyfd, c->hook_timeout, c->respond_output ? outbuf : NULL,
	    c->max_output, &q->hook);
}

/* --dedupe: 0 to go on, or the answer. */
static int
claim(struct req *q)
{
	switch (dedupe_claim(&q->claim, q->c->dedupe, q->key, DEDUPE_WAIT_MS)) {
	case DEDUPE_MINE:
		return 0;
	case DEDUPE_DONE:
		q->text = "Already delivered";
		q->why = "already delivered";
		return S_OK;
	case DEDUPE_BUSY:
		q->why = "the same delivery is still undecided";
		q->retry_after = RETRY_AFTER_S;
		return S_CONFLICT;
	}
	snprintf(q->whybuf, sizeof q->whybuf, "cannot claim in --dedupe: %s",
	    strerror(errno));
	q->why = q->whybuf;
	q->retry_after = RETRY_AFTER_S;
	return S_SERVICE_UNAVAILABLE;
}

/* --spool: 0 to go on, or 503. */
static int
spool_in(struct req *q)
{
	const struct config *c = q->c;
	struct spool_opts o;

	o.hook_timeout = c->hook_timeout;
	o.lock = c->lock;
	o.lock_wait = c->lock_wait;
	if (spool_open(&q->sp, c->spool, 1) < 0 ||
	    spool_write(&q->sp, q->body ? q->body : (const unsigned char *)"",
	    q->bodylen, c->hook, envp, &o, &q->ent) < 0) {
		snprintf(q->whybuf, sizeof q->whybuf, "cannot write to --spool: %s",
		    strerror(errno));
		q->why = q->whybuf;
		q->retry_after = RETRY_AFTER_S;
		spool_close(&q->sp);
		return S_SERVICE_UNAVAILABLE;
	}
	q->spooled = 1;
	q->stdinfd = spool_body(&q->ent);   /* the memory copy otherwise */
	return 0;
}

/* --async: answers 202 once the hook started (or, with --lock busy, once
 * it is accepted and the hook looks executable); finish() does the rest. */
static int
start_async(struct req *q)
{
	int st;

	if (take_lock(q, 0) != 0) {
		if (errno != EWOULDBLOCK)
			return settle(q, S_SERVICE_UNAVAILABLE);
		q->why = NULL;
		q->retry_after = 0;
		if (access(q->c->hook[0], X_OK) < 0) {
			q->hook_ran = 1;
			q->hook.err = errno;
			q->why = strerror(errno);
			return settle(q, S_INTERNAL_ERROR);
		}
		q->pending = 2;
	} else if ((st = start(q)) != 0) {
		q->why = hook_why(&q->hook, st);
		return settle(q, st);
	} else {
		q->pending = 1;
	}
	if (dedupe_keep(&q->claim, S_ACCEPTED) < 0)
		log_line(LOG_ERR, "dedupe: cannot record %s: %s", q->claim.name,
		    strerror(errno));
	return S_ACCEPTED;
}

/* --async, after the answer: the lock if still needed, then the hook. */
static void
finish(struct req *q)
{
	int st;

	if (q->pending == 2) {
		if ((st = take_lock(q, q->c->lock_wait * 1000L)) != 0) {
			settle(q, st);
			return;
		}
		if ((st = start(q)) != 0) {
			q->why = hook_why(&q->hook, st);
			settle(q, st);
			return;
		}
	}
	st = hook_wait(&q->h, &q->hook);
	q->why = hook_why(&q->hook, st);
	settle(q, st);
}

/* A verified delivery: its environment, then everything above. */
static int
deliver(struct req *q)
{
	const struct config *c = q->c;
	size_t i;
	int st;

	q->lockfd = q->stdinfd = q->claim.fd = q->ent.fd = -1;
	env_init(&env);
	if ((st = fixed_env(q)) != 0) {
		q->why = "--env values too large for the environment";
		return st;
	}
	if ((st = payload_export(q->json ? q->json : (const unsigned char *)"",
	    q->jsonlen, c->prefix, &env, &q->why)) != 0)
		return st;
	env_vector(&env, envp);
	for (i = 0; i < c->nwhen; i++) {
		if (filter_holds(&c->when[i], &env, c->prefix))
			continue;
		snprintf(q->whybuf, sizeof q->whybuf, "filtered: --when %s%c%s "
		    "does not hold", c->when[i].name, c->when[i].is_regex ? '~' :
		    '=', c->when[i].value);
		q->why = q->whybuf;
		q->text = "Filtered";
		return S_OK;
	}
	if (c->respond_output && !outbuf) {
		outbuf = mmap(NULL, c->max_output, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (outbuf == MAP_FAILED) {
			outbuf = NULL;
			q->why = "no memory for --max-output";
			return S_INTERNAL_ERROR;
		}
	}
	if (c->dedupe && q->key[0] && (st = claim(q)) != 0)
		return st;
	if (c->spool && (st = spool_in(q)) != 0) {
		dedupe_release(&q->claim);
		return st;
	}
	if (c->spool && dedupe_keep(&q->claim, S_ACCEPTED) < 0)
		log_line(LOG_ERR, "dedupe: cannot record %s: %s", q->claim.name,
		    strerror(errno));
	if (c->async)
		return start_async(q);
	if ((st = take_lock(q, c->lock_wait * 1000L)) != 0)
		return settle(q, st);
	if ((st = start(q)) == 0)
		st = hook_wait(&q->h, &q->hook);
	q->output = c->respond_output && q->hook.started;
	if (q->hook.truncated)
		log_line(LOG_WARNING, "hook output over --max-output: answered "
		    "with its first %lu bytes", c->max_output);
	q->why = hook_why(&q->hook, st);
	return settle(q, st);
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
	cat(&t, "peer=");
	if (q->has_peer) {
		cat(&t, q->addr);
		cat(&t, ":");
		cat(&t, q->port);
	} else {
		cat(&t, "-");
	}
	cat(&t, " method=");
	cat(&t, m[0] ? m : "-");
	cat(&t, " target=\"");
	cat(&t, p);
	cat(&t, "\" status=");
	cat_num(&t, q->status);
	cat(&t, " bytes=");
	cat_num(&t, (long long)q->bodylen);
	if (q->sr.scheme != SCHEME_NONE && q->secret_index >= 0) {
		cat(&t, " scheme=");
		cat(&t, scheme_name(q->sr.scheme));
		cat(&t, " secret=");
		cat_num(&t, q->secret_index + 1);
	}
	cat(&t, " hook=");
	if (!q->hook_ran) {
		cat(&t, "-");
	} else if (!q->hook.started) {
		cat(&t, "not-started");
	} else if (q->hook.timed_out) {
		cat(&t, "timeout");
	} else {
		cat(&t, q->hook.exited ? "exit:" : "signal:");
		cat_num(&t, q->hook.code);
	}
	cat(&t, " ms=");
	cat_num(&t, io_now_ms() - q->start);
	if (q->why) {
		cat(&t, " reason=\"");
		cat(&t, q->why);
		cat(&t, "\"");
	}
	log_text(q->status >= 500 ? LOG_ERR : LOG_INFO, line, t.n);
}

/* Writes the answer: the head, then the text (the reason phrase unless
 * q->text says otherwise) or the hook's captured output. Returns 0 or -1. */
static int
answer(struct req *q)
{
	char out[RESPONSE_MAX];
	const char *text = q->text ? q->text : status_reason(q->status);
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
	if (io_write_all(1, out, n, deadline) < 0)
		return -1;
	if (q->output && !head_only && blen > 0 &&
	    io_write_all(1, outbuf, blen, deadline) < 0)
		return -1;
	return 0;
}

/* After an --async answer: nothing more goes to the connection, and no
 * descriptor opened from now on may land on 0-2, where the hook's
 * standard streams are put. */
static void
detach(const struct config *c)
{
	int fd, keep2 = c->log_stderr || !io_is_socket(2);

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

int
serve(const struct config *c)
{
	static struct req q PAGE_START;
	int st, wrote;

	prctl(PR_SET_DUMPABLE, 0);
	if (io_is_listening(0) || (getenv("LISTEN_FDS") && !io_is_socket(0))) {
		log_line(LOG_ERR, "fd 0 is a listening socket: inhook wants one "
		    "connection per process (systemd Accept=yes, "
		    "systemd-socket-activate --accept, xinetd wait = no)");
		return 100;
	}
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
	wrote = answer(&q);
	if (!q.pending)
		log_request(&q);
	io_staged_close(0, 1);
	if (q.pending) {
		detach(c);
		finish(&q);
		log_request(&q);
	}
	if (q.bodyfd >= 0)
		close(q.bodyfd);   /* nothing of ours open at exit */
	if (c->dedupe && q.claim.name[0])
		dedupe_prune(c->dedupe, c->dedupe_days, DEDUPE_PRUNE_MAX);
	return wrote < 0 ? 111 : 0;
}
