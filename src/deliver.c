/* deliver.c: the course of a verified delivery:
 *   environment -> --when filters -> --dedupe claim -> --spool entry ->
 *   --lock -> hook -> settle (spool entry, claim, status).
 * With --async the answer (202) goes out once the hook has started, or,
 * when --lock is busy, once the delivery is accepted; deliver_finish() then
 * does the rest after the connection is closed. Takes a request that
 * serve.c has read and verified; writes nothing to the connection. The
 * hook's environment is built here, from nothing: PATH, --env, the
 * request's CGI/1.1 names, INHOOK_*, then the payload. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conn.h"
#include "dedupe.h"
#include "env.h"
#include "filter.h"
#include "hook.h"
#include "limits.h"
#include "lock.h"
#include "log.h"
#include "payload.h"
#include "req.h"
#include "spool.h"
#include "status.h"
#include "text.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static struct env env PAGE_START;
static char *envp[ENV_VARS_MAX + 1] PAGE_START;

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
	const char *proto, *cipher;
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
	text_num(&t, (long long)q->bodylen);
	st |= put("CONTENT_LENGTH", len, t.n);
	if (q->has_peer) {
		st |= put("REMOTE_ADDR", q->addr, strlen(q->addr));
		st |= put("REMOTE_PORT", q->port, strlen(q->port));
	}
	n = strlen(scheme_name(q->sr.scheme));
	if (conn_tls(&proto, &cipher)) {       /* as mod_ssl names them */
		st |= put("HTTPS", "on", 2);
		st |= put("SSL_PROTOCOL", proto, strlen(proto));
		st |= put("SSL_CIPHER", cipher, strlen(cipher));
	}
	st |= put("INHOOK_SCHEME", scheme_name(q->sr.scheme), n);
	if (q->sr.event.len)
		st |= put_span("INHOOK_EVENT", q->sr.event);
	if (q->sr.delivery.len)
		st |= put_span("INHOOK_DELIVERY", q->sr.delivery);
	return st ? S_INTERNAL_ERROR : 0;
}

/* The log's reason for the hook's outcome st, and q->text500 for a 500. */
static const char *
hook_why(struct req *q, int st)
{
	const struct hook_result *h = &q->hook;

	q->text500 = !h->started ? TEXT_500_START : h->lost ? TEXT_500_LOST :
	    TEXT_500_HOOK;
	if (!h->started)
		return strerror(h->err);
	if (h->timed_out)
		return "hook killed at --hook-timeout";
	if (h->stopped)
		return "hook killed at --stop-timeout";
	if (h->lost)
		return "hook's exit status lost";
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
	else if (h->stopped)
		snprintf(buf, len, "stopped");
	else if (h->lost)
		snprintf(buf, len, "lost: %s", strerror(h->lost));
	else if (h->exited)
		snprintf(buf, len, "exit:%d", h->code);
	else
		snprintf(buf, len, "signal:%d", h->code);
}

static void
keep_one(struct claim *cl, int st)
{
	if (dedupe_keep(cl, st) < 0)
		log_line(LOG_ERR, "dedupe: cannot record %s: %s", cl->name,
		    strerror(errno));
}

/* --dedupe: records st for the content's and the delivery id's claims. */
static void
keep_claims(struct req *q, int st)
{
	keep_one(&q->claim, st);
	keep_one(&q->dclaim, st);
}

static void
release_claims(struct req *q)
{
	dedupe_release(&q->dclaim);
	dedupe_release(&q->claim);
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
		/* the claims say 202 already; 200 once the hook succeeded */
		keep_claims(q, st == S_OK ? S_OK : S_ACCEPTED);
		if (st == S_OK) {
			/* the keeper removed it already, unless it could not */
			if (spool_done(&q->sp, &q->ent) < 0 && errno != ENOENT)
				log_line(LOG_ERR, "spool %s: cannot remove: %s",
				    q->ent.id, strerror(errno));
		} else {
			fail_reason(q, reason, sizeof reason);
			if (spool_fail(&q->sp, &q->ent, reason) < 0)
				log_line(LOG_ERR, "spool %s: %s: %s", q->ent.id,
				    q->ent.failed ? "moved to failed/, but its reason "
				    "could not be written" : "cannot move to failed/, "
				    "still in new/", strerror(errno));
			snprintf(note, sizeof note, "%.99s", q->why ? q->why : reason);
			snprintf(q->whybuf, sizeof q->whybuf, "%s; kept as %s/%.64s",
			    note, q->ent.failed ? "failed" : "new", q->ent.id);
			q->why = q->whybuf;
		}
		spool_close(&q->sp);
		q->retry_after = 0;
		return st == S_OK ? S_OK : S_ACCEPTED;
	}
	if (st != S_OK)
		release_claims(q);
	else
		keep_claims(q, st);
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

/* In the keeper, once the hook exited 0, whatever happens to inhook: the
 * success is recorded in the claims and the spool entry removed, so that
 * neither a sender's retry nor inhook spool retry runs it again. */
static void
succeeded(void *arg)
{
	struct req *q = arg;

	(void)dedupe_record(&q->claim, S_OK);
	(void)dedupe_record(&q->dclaim, S_OK);
	if (q->spooled)
		(void)spool_done(&q->sp, &q->ent);
}

static int
start(struct req *q)
{
	const struct config *c = q->c;

	q->hook_ran = 1;
	return hook_start(&q->h, c->hook, envp, q->stdinfd >= 0 ? q->stdinfd :
	    q->bodyfd, c->hook_timeout, c->respond_output ? q->outbuf : NULL,
	    c->max_output, succeeded, q, &q->hook);
}

/* --dedupe, for one key: 0 to go on, or the answer. */
static int
claim_one(struct req *q, struct claim *cl, const char *key)
{
	switch (dedupe_claim(cl, q->c->dedupe, key, DEDUPE_WAIT_MS)) {
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

static int spooled_before(struct req *q);

/* --dedupe: the signed content is claimed, then the sender's delivery id
 * when it sends one. Either one seen before makes the delivery a duplicate:
 * a captured body sent again under a new, unsigned delivery id, and a
 * redelivery signed anew (another secret), both. 0 to go on, or the
 * answer. */
static int
claim(struct req *q)
{
	int st;

	if ((st = claim_one(q, &q->claim, q->key)) != 0)
		return st;
	if (q->dkey[0] && (st = claim_one(q, &q->dclaim, q->dkey)) != 0) {
		if (st == S_OK)         /* the id was delivered: so is this */
			keep_one(&q->claim, S_OK);
		else
			dedupe_release(&q->claim);
		return st;
	}
	return spooled_before(q);
}

/* 1 if entry id is in DIR/new/ or DIR/failed/ of the --spool. */
static int
in_spool(const char *dir, const char *id)
{
	char path[PATH_MAX];
	int n;

	n = snprintf(path, sizeof path, "%s/new/%s", dir, id);
	if (n > 0 && (size_t)n < sizeof path && access(path, F_OK) == 0)
		return 1;
	n = snprintf(path, sizeof path, "%s/failed/%s", dir, id);
	return n > 0 && (size_t)n < sizeof path && access(path, F_OK) == 0;
}

/* A claim taken over from a claimant that died undecided may name the
 * --spool entry it had written ("spool=ID"). When that entry is there, the
 * spool owns the delivery already: 202, and no second entry or run. Then 0
 * to go on, or the answer. */
static int
spooled_before(struct req *q)
{
	const char *id = NULL;

	if (strncmp(q->claim.note, "spool=", 6) == 0)
		id = q->claim.note + 6;
	else if (strncmp(q->dclaim.note, "spool=", 6) == 0)
		id = q->dclaim.note + 6;
	if (!id || !q->c->spool || !spool_id_ok(id) || !in_spool(q->c->spool, id))
		return 0;
	keep_claims(q, S_ACCEPTED);
	snprintf(q->whybuf, sizeof q->whybuf, "already in the spool as %.64s", id);
	q->why = q->whybuf;
	q->text = "Already accepted";
	return S_ACCEPTED;
}

/* --spool: 0 to go on, or 503. */
static int
spool_in(struct req *q)
{
	const struct config *c = q->c;
	struct spool_opts o;

	char note[SPOOL_ID_MAX + 8];

	o.hook_timeout = c->hook_timeout;
	o.lock = c->lock;
	o.lock_wait = c->lock_wait;
	o.dedupe = NULL;
	o.nclaims = 0;
	if (q->claim.fd >= 0) {
		o.dedupe = c->dedupe;
		o.claims[o.nclaims++] = q->claim.name;
		if (q->dclaim.fd >= 0)
			o.claims[o.nclaims++] = q->dclaim.name;
	}
	/* the claims name the entry before it exists: a claimant that dies
	 * after the entry is in new/ leaves a trail to it */
	spool_new_id(&q->ent);
	o.id = q->ent.id;
	snprintf(note, sizeof note, "spool=%s", q->ent.id);
	if (dedupe_note(&q->claim, note) < 0 || dedupe_note(&q->dclaim, note) < 0 ||
	    spool_open(&q->sp, c->spool, 1) < 0 ||
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
 * it is accepted and the hook looks executable); deliver_finish() does the rest. */
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
			q->text500 = TEXT_500_START;
			return settle(q, S_INTERNAL_ERROR);
		}
		q->pending = 2;
	} else if ((st = start(q)) != 0) {
		q->why = hook_why(q, st);
		return settle(q, st);
	} else {
		q->pending = 1;
	}
	keep_claims(q, S_ACCEPTED);
	return S_ACCEPTED;
}

void
deliver_finish(struct req *q)
{
	int st;

	if (q->pending == 2) {
		if ((st = take_lock(q, q->c->lock_wait * 1000L)) != 0) {
			settle(q, st);
			return;
		}
		if ((st = start(q)) != 0) {
			q->why = hook_why(q, st);
			settle(q, st);
			return;
		}
	}
	st = hook_wait(&q->h, &q->hook);
	q->why = hook_why(q, st);
	settle(q, st);
}

int
deliver(struct req *q)
{
	const struct config *c = q->c;
	size_t i;
	int st;

	q->lockfd = q->stdinfd = q->claim.fd = q->dclaim.fd = q->ent.fd = -1;
	env_init(&env);
	if ((st = fixed_env(q)) != 0) {
		q->why = "--env values too large for the environment";
		q->text500 = TEXT_500_ENV;
		return st;
	}
	if ((st = payload_export(q->json ? q->json : (const unsigned char *)"",
	    q->jsonlen, c->prefix, &env, &q->why)) != 0) {
		q->text500 = TEXT_500_BUG;      /* the tokenizer's disagreement */
		return st;
	}
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
	if (c->respond_output && !q->outbuf) {
		q->outbuf = mmap(NULL, c->max_output, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q->outbuf == MAP_FAILED) {
			q->outbuf = NULL;
			q->why = "no memory for --max-output";
			q->text500 = TEXT_500_RESOURCE;
			return S_INTERNAL_ERROR;
		}
	}
	if (c->dedupe && q->key[0] && (st = claim(q)) != 0)
		return st;
	if (c->spool && (st = spool_in(q)) != 0) {
		release_claims(q);
		return st;
	}
	if (c->spool) {
		/* decided: the spool owns it. The claims stay open for 200. */
		(void)dedupe_record(&q->claim, S_ACCEPTED);
		(void)dedupe_record(&q->dclaim, S_ACCEPTED);
	}
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
	q->why = hook_why(q, st);
	if (q->hook.stopped)
		q->retry_after = RETRY_AFTER_S;    /* unless spooled */
	return settle(q, st);
}
