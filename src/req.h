/* req.h: one request's state, shared by serve.c (reading, checking and
 * answering it) and deliver.c (what happens to a verified delivery). */
#ifndef INHOOK_REQ_H
#define INHOOK_REQ_H

#include <netinet/in.h>
#include <stddef.h>

#include "dedupe.h"
#include "hook.h"
#include "http.h"
#include "opts.h"
#include "scheme.h"
#include "sig.h"
#include "spool.h"

/* A delivery uses the start of each big static buffer: each starts a page,
 * so that it takes as few pages of the process's own memory as it can. */
#define PAGE_START __attribute__((aligned(4096)))

struct req {
	const struct config *c;
	long long start, deadline;
	size_t have, headlen;
	struct request r;
	int has_peer;
	char addr[INET6_ADDRSTRLEN];
	char port[8];
	unsigned char raw[16];           /* the real peer, 16-byte form (cidr.h) */
	int proxied;                     /* a PROXY header was read: 1 it named
	                                  * the client, 2 LOCAL or UNKNOWN */
	char via_addr[INET6_ADDRSTRLEN]; /* with 1: the real peer (the proxy) */
	char via_port[8];
	size_t proxylen;                 /* the header's bytes */
	int bodyfd;
	unsigned char *body;
	size_t bodylen, bodymap;         /* bodymap: bytes mapped at body */
	int status;
	const char *allow;
	const char *why;
	struct scheme_req sr;            /* the sender's scheme and its headers */
	int secret_index;                /* which --secret-file verified */
	unsigned char *json;             /* the JSON: the body, or its form field */
	size_t jsonlen, jsonmap;         /* jsonmap: bytes mapped, when not body */
	char key[2 * SIG_MAC_LEN + 1];   /* the signed content's identity, hex */
	char dkey[2 * SIG_MAC_LEN + 1];  /* the sender's delivery id's, or "" */
	int hook_ran;
	struct hook_result hook;
	/* the delivery's course: deliver(), then finish() for --async */
	const char *text;                /* answer body; NULL: reason phrase */
	const char *text500;             /* a 500's body: its TEXT_500_* class */
	int retry_after;                 /* Retry-After seconds, 0 for none */
	int output;                      /* answer with the hook's stdout */
	int pending;                     /* --async: 1 supervise, 2 lock first */
	int lockfd, stdinfd, spooled;
	unsigned char *outbuf;           /* --respond-output: the hook's stdout */
	struct hook h;
	struct spool sp;
	struct spool_entry ent;
	struct claim claim, dclaim;      /* --dedupe: key's, then dkey's */
	char whybuf[200];
};

/* serve.c's steps, apart so that tests drive the same code:
 * serve_init() readies q for config c and starts its deadline;
 * serve_read() reads fd 0 (through io_read), parses, routes and, for a
 * POST, reads the body and verifies it. Returns 0 (a GET or HEAD to answer
 * 200, or a verified POST to deliver), -1 when the peer closed before a
 * byte, or the status to answer, with q->why set;
 * serve_release() unmaps and closes what serve_read() made. */
void serve_init(struct req *q, const struct config *c);
int serve_read(struct req *q);
void serve_release(struct req *q);

/* A verified request (q->body, q->json, q->key, q->dkey set): builds the hook's
 * environment, then --when, --dedupe, --spool, --lock and the hook, in that
 * order. Returns the status to answer: 200 (hook exited 0, Filtered,
 * Already delivered), 202 (--async started; --spool kept), 400 or 422 (the
 * JSON), 409, 500, 503, 504. With --async and a 202, q->pending says that
 * deliver_finish() has work left after the answer. */
int deliver(struct req *q);

/* --async, after the answer and the staged close: the lock if still
 * needed, the hook, and its outcome (spool entry, dedupe claim, q->hook,
 * q->why) for the log line. */
void deliver_finish(struct req *q);

#endif
