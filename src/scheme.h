/* scheme.h: the senders' signature schemes. Each verifies the exact body
 * bytes; all compares are constant-time.
 *   jobserv   X-JobServ-Sig: sha256:<hex HMAC-SHA256(secret, body)>
 *   github    X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>
 *   gitea     X-Forgejo-Signature or X-Gitea-Signature: <hex HMAC-SHA256>
 *   gitlab    X-Gitlab-Token: <the secret itself>
 *   standard  Standard Webhooks: webhook-id, webhook-timestamp and
 *             webhook-signature: "v1,<base64>" (space-separated list);
 *             HMAC-SHA256 with the base64-decoded whsec_ secret over
 *             "id.timestamp.body"; timestamp within a tolerance of now. */
#ifndef INHOOK_SCHEME_H
#define INHOOK_SCHEME_H

#include <stddef.h>
#include "http.h"
#include "limits.h"
#include "sig.h"

enum scheme {
	SCHEME_NONE = 0, SCHEME_JOBSERV, SCHEME_GITHUB, SCHEME_GITEA,
	SCHEME_GITLAB, SCHEME_STANDARD
};

/* What scheme_select found in the head. Spans point into the head. */
struct scheme_req {
	enum scheme scheme;
	struct span sig;        /* the signature (or token) header value */
	struct span id, ts;     /* standard: webhook-id, webhook-timestamp */
	struct span event;      /* the sender's event name, if it sends one */
	struct span delivery;   /* the sender's delivery id, if it sends one */
};

/* The scheme named name, or SCHEME_NONE. */
enum scheme scheme_by_name(const char *name);
const char *scheme_name(enum scheme s);

/* Picks the first scheme of allowed[0..n) whose header the request carries,
 * and checks the header's form before the body is read: a listed header
 * present twice is 400; no allowed scheme's header, a malformed value, or
 * (standard) a timestamp further than tolerance seconds from now is 403;
 * an event or delivery id that is not 1 to 128 visible ASCII bytes (spaces
 * allowed inside an event name) is 400.
 * Returns 0 and fills s, or the status; *why says which. */
int scheme_select(const struct request *r, const enum scheme *allowed,
                  size_t n, long long now, long long tolerance,
                  struct scheme_req *s, const char **why);

/* Verifies the body against each of nkeys secrets. Returns the index of
 * the first secret that verifies, or -1. For standard, a secret may carry
 * the "whsec_" prefix and is base64-decoded; one that does not decode never
 * verifies. A zero-length secret never verifies. When it returns >= 0, id
 * (SIG_MAC_LEN bytes) gets a value that identifies the signed content
 * without revealing the secret: the MAC (HMAC schemes), or SHA-256 of the
 * body (gitlab, whose token signs nothing). */
int scheme_verify(const struct scheme_req *s,
                  const unsigned char *const *keys, const size_t *klens,
                  size_t nkeys, const unsigned char *body, size_t len,
                  unsigned char *id);

/* The MAC that scheme sc sends for body with secret key (the same code
 * verifies it): HMAC-SHA256(key, body) for jobserv, github and gitea; for
 * standard, over "id.ts.body" with the base64-decoded key (its "whsec_"
 * prefix optional). Returns 0, or -1 when sc signs with no MAC (gitlab),
 * the key is empty, or (standard) it does not decode. */
int scheme_mac(enum scheme sc, const unsigned char *key, size_t klen,
               struct span id, struct span ts, const unsigned char *body,
               size_t len, unsigned char mac[SIG_MAC_LEN]);

/* When the sender named its delivery (X-GitHub-Delivery, X-Gitea-Delivery,
 * Idempotency-Key, webhook-id), writes a hash of scheme name and that id
 * into id (SIG_MAC_LEN bytes) and returns 1; else returns 0. For github,
 * gitea and gitlab the id is not signed: it can tell a redelivery, never
 * make a signed body new. */
int scheme_delivery_id(const struct scheme_req *s, unsigned char *id);

#endif
