/* test_scheme.c: known answers for the senders' signature schemes
 * (scheme.c): GitHub's documented vector, the Standard Webhooks spec's
 * vector, Gitea and JobServ vectors computed with Python's hmac, GitLab's
 * token compare; which scheme is picked from the head, the statuses for
 * missing, repeated and malformed headers, the replay window at its exact
 * edges, the event and delivery checks, rotation (which secret verified)
 * and the delivery identity handed to de-duplication. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "http.h"
#include "scheme.h"
#include "sig.h"
#include "status.h"

#define U(s) ((const unsigned char *)(s))

static unsigned char headbuf[8192];
static struct request req;

/* Parses "POST /webhook HTTP/1.1", a Host and the given header lines
 * ("Name: value\r\n" each) into req. Returns http_parse's status. */
static int
head(const char *fields)
{
	int n = snprintf((char *)headbuf, sizeof headbuf,
	    "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n%s\r\n",
	    fields);

	memset(&req, 0, sizeof req);
	return http_parse(headbuf, (size_t)n, &req);
}

/* scheme_select over the allowed list for the given header lines. */
static int
pick(const char *fields, const enum scheme *allowed, size_t n, long long now,
     struct scheme_req *s)
{
	const char *why = NULL;
	int st;

	if (head(fields) != 0)
		return -1;
	memset(s, 0xa5, sizeof *s);
	st = scheme_select(&req, allowed, n, now, 300, s, &why);
	if (st != 0 && why == NULL)
		return -2;   /* every refusal must say why */
	return st;
}

static int
span_is(struct span v, const char *want)
{
	return v.len == strlen(want) && memcmp(v.p, want, v.len) == 0;
}

/* scheme_verify with the keys given as strings. */
static int
verify(const struct scheme_req *s, const char *const *keys, size_t n,
       const char *body, unsigned char *id)
{
	const unsigned char *k[8];
	size_t kl[8], i;

	for (i = 0; i < n; i++) {
		k[i] = U(keys[i]);
		kl[i] = strlen(keys[i]);
	}
	return scheme_verify(s, k, kl, n, U(body), strlen(body), id);
}

static void
hexis(const unsigned char *id, const char *want, const char *name)
{
	char hex[2 * SIG_MAC_LEN + 1];

	sig_hex(id, SIG_MAC_LEN, hex);
	check(strcmp(hex, want) == 0, "%s: %s", name, hex);
}

#define GH_MAC "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
#define GH_KEY "It's a Secret to Everybody"
#define SW_KEY "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SW_SIG "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
#define SW_ID  "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SW_TS  1614265330LL
#define SW_BODY "{\"test\": 2432232314}"
#define GT_MAC "6aab54046b413afedbc6d4ff0d3b4fd694c1af82c19c0be7ee9b80438b90223d"
#define GT_BODY "{\"ref\":\"refs/heads/main\"}"

static const enum scheme JS[] = { SCHEME_JOBSERV };
static const enum scheme GH[] = { SCHEME_GITHUB };
static const enum scheme GT[] = { SCHEME_GITEA };
static const enum scheme GL[] = { SCHEME_GITLAB };
static const enum scheme SW[] = { SCHEME_STANDARD };
static const enum scheme ALL[] = {
	SCHEME_JOBSERV, SCHEME_GITHUB, SCHEME_GITEA, SCHEME_GITLAB,
	SCHEME_STANDARD
};

static void
names(void)
{
	static const char *const n[] = {
		"jobserv", "github", "gitea", "gitlab", "standard"
	};
	size_t i;

	for (i = 0; i < 5; i++)
		check(scheme_by_name(n[i]) == ALL[i] &&
		    strcmp(scheme_name(ALL[i]), n[i]) == 0, "scheme name %s", n[i]);
	check(scheme_by_name("GitHub") == SCHEME_NONE, "names are lower case");
	check(scheme_by_name("none") == SCHEME_NONE, "\"none\" is no scheme");
	check(scheme_by_name("") == SCHEME_NONE, "empty name is no scheme");
}

static void
github(void)
{
	struct scheme_req s;
	unsigned char id[SIG_MAC_LEN];
	const char *keys[3];

	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "\r\n", GH, 1, 0, &s)
	    == 0 && s.scheme == SCHEME_GITHUB, "github: header picked");
	check(s.event.len == 0 && s.delivery.len == 0,
	    "github: no event or delivery when not sent");
	keys[0] = GH_KEY;
	check(verify(&s, keys, 1, "Hello, World!", id) == 0,
	    "github: GitHub's documented vector verifies");
	hexis(id, GH_MAC, "github: without a delivery id, the id is the MAC");
	check(scheme_delivery_id(&s, id) == 0, "github: no delivery id when not sent");
	check(verify(&s, keys, 1, "Hello, World!\n", id) == -1,
	    "github: one byte more in the body does not verify");
	keys[0] = "It's a Secret to Everybody!";
	check(verify(&s, keys, 1, "Hello, World!", id) == -1,
	    "github: another secret does not verify");

	/* rotation: the index of the secret that verified */
	keys[0] = "old"; keys[1] = GH_KEY; keys[2] = "";
	check(verify(&s, keys, 3, "Hello, World!", id) == 1,
	    "github: second of three secrets verifies with index 1");
	keys[0] = GH_KEY; keys[1] = "x";
	check(verify(&s, keys, 2, "Hello, World!", id) == 0,
	    "github: first of two secrets verifies with index 0");
	keys[0] = "a"; keys[1] = "b"; keys[2] = "c";
	check(verify(&s, keys, 3, "Hello, World!", id) == -1,
	    "github: none of three wrong secrets verifies");
	check(verify(&s, keys, 0, "Hello, World!", id) == -1,
	    "github: no secrets, no match");

	/* upper-case hex is the same MAC */
	check(pick("X-Hub-Signature-256: sha256="
	    "757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17\r\n",
	    GH, 1, 0, &s) == 0, "github: upper-case hex accepted");
	keys[0] = GH_KEY;
	check(verify(&s, keys, 1, "Hello, World!", id) == 0,
	    "github: upper-case hex verifies");

	/* malformed values: 403 before the body */
	check(pick("X-Hub-Signature-256: sha256:" GH_MAC "\r\n", GH, 1, 0, &s)
	    == S_FORBIDDEN, "github: JobServ's sha256: prefix is 403");
	check(pick("X-Hub-Signature-256: " GH_MAC "\r\n", GH, 1, 0, &s)
	    == S_FORBIDDEN, "github: bare hex is 403");
	check(pick("X-Hub-Signature-256: SHA256=" GH_MAC "\r\n", GH, 1, 0, &s)
	    == S_FORBIDDEN, "github: SHA256= is 403");
	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "0\r\n", GH, 1, 0, &s)
	    == S_FORBIDDEN, "github: 65 hex digits is 403");
	check(pick("X-Hub-Signature-256: sha256=757107ea\r\n", GH, 1, 0, &s)
	    == S_FORBIDDEN, "github: short hex is 403");
	check(pick("X-Hub-Signature-256: sha256=\r\n", GH, 1, 0, &s)
	    == S_FORBIDDEN, "github: empty hex is 403");
	check(pick("X-Hub-Signature: sha1=0123456789012345678901234567890123456789\r\n",
	    GH, 1, 0, &s) == S_FORBIDDEN,
	    "github: the SHA-1 header alone is no signature (403)");
	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "x-hub-signature-256: sha256=" GH_MAC "\r\n", GH, 1, 0, &s)
	    == S_BAD_REQUEST, "github: header twice is 400");

	/* event and delivery */
	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "X-GitHub-Event: push\r\n"
	    "X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958\r\n",
	    GH, 1, 0, &s) == 0 && span_is(s.event, "push") &&
	    span_is(s.delivery, "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
	    "github: X-GitHub-Event and X-GitHub-Delivery");
	keys[0] = GH_KEY;
	check(verify(&s, keys, 1, "Hello, World!", id) == 0,
	    "github: verifies with a delivery id");
	hexis(id, GH_MAC, "github: with a delivery id, the content's id is "
	    "still the MAC (the delivery id is not signed)");
	check(scheme_delivery_id(&s, id) == 1, "github: a delivery id is there");
	hexis(id, "34e311e06295ea3b02af2d368a63948662d21dcdb6137afd7e0efb48ee466120",
	    "github: the delivery's id is HMAC(\"inhook-delivery\", \"github:\" "
	    "delivery)");
	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "X-GitHub-Event: push\r\nX-GitHub-Event: ping\r\n", GH, 1, 0, &s)
	    == S_BAD_REQUEST, "github: event twice is 400");
	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "X-GitHub-Delivery: a\r\nX-GitHub-Delivery: b\r\n", GH, 1, 0, &s)
	    == S_BAD_REQUEST, "github: delivery twice is 400");
	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "X-GitHub-Delivery: a b\r\n", GH, 1, 0, &s)
	    == S_BAD_REQUEST, "github: a space inside the delivery id is 400");
	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "X-GitHub-Event: \xc3\xa9v\r\n", GH, 1, 0, &s)
	    == S_BAD_REQUEST, "github: a non-ASCII event is 400");
	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "X-GitHub-Event:\r\n", GH, 1, 0, &s)
	    == S_BAD_REQUEST, "github: an empty event is 400");
	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "X-GitHub-Event: a\tb\r\n", GH, 1, 0, &s)
	    == S_BAD_REQUEST, "github: a tab inside the event is 400");
}

static void
long_ids(void)
{
	char f[1024], v[200];
	struct scheme_req s;

	memset(v, 'd', 128);
	v[128] = '\0';
	snprintf(f, sizeof f, "X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "X-GitHub-Delivery: %s\r\nX-GitHub-Event: %s\r\n", v, v);
	check(pick(f, GH, 1, 0, &s) == 0 && s.delivery.len == 128 &&
	    s.event.len == 128, "128-byte event and delivery accepted");
	v[128] = 'd';
	v[129] = '\0';
	snprintf(f, sizeof f, "X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "X-GitHub-Delivery: %s\r\n", v);
	check(pick(f, GH, 1, 0, &s) == S_BAD_REQUEST, "129-byte delivery is 400");
	snprintf(f, sizeof f, "X-Hub-Signature-256: sha256=" GH_MAC "\r\n"
	    "X-GitHub-Event: %s\r\n", v);
	check(pick(f, GH, 1, 0, &s) == S_BAD_REQUEST, "129-byte event is 400");
}

static void
gitea(void)
{
	struct scheme_req s;
	unsigned char id[SIG_MAC_LEN];
	const char *keys[2] = { "gitea-secret", NULL };

	check(pick("X-Gitea-Signature: " GT_MAC "\r\nX-Gitea-Event: push\r\n"
	    "X-Gitea-Delivery: 1f2e\r\n", GT, 1, 0, &s) == 0 &&
	    s.scheme == SCHEME_GITEA && span_is(s.event, "push") &&
	    span_is(s.delivery, "1f2e"), "gitea: X-Gitea-* headers");
	check(verify(&s, keys, 1, GT_BODY, id) == 0, "gitea: vector verifies");
	check(verify(&s, keys, 1, GT_BODY " ", id) == -1,
	    "gitea: changed body does not verify");
	check(pick("X-Forgejo-Signature: " GT_MAC "\r\nX-Forgejo-Event: push\r\n"
	    "X-Forgejo-Delivery: 9a\r\n", GT, 1, 0, &s) == 0 &&
	    span_is(s.event, "push") && span_is(s.delivery, "9a"),
	    "gitea: X-Forgejo-* headers");
	check(verify(&s, keys, 1, GT_BODY, id) == 0, "gitea: Forgejo verifies");
	/* Forgejo sends both families; the Forgejo ones win */
	check(pick("X-Forgejo-Signature: " GT_MAC "\r\n"
	    "X-Gitea-Signature: 00\r\nX-Forgejo-Event: push\r\n"
	    "X-Gitea-Event: other\r\nX-Forgejo-Delivery: f1\r\n"
	    "X-Gitea-Delivery: g1\r\n", GT, 1, 0, &s) == 0 &&
	    span_is(s.event, "push") && span_is(s.delivery, "f1"),
	    "gitea: X-Forgejo-* preferred over X-Gitea-*");
	check(verify(&s, keys, 1, GT_BODY, id) == 0,
	    "gitea: the Forgejo signature is the one checked");
	check(pick("X-Gitea-Signature: sha256=" GT_MAC "\r\n", GT, 1, 0, &s)
	    == S_FORBIDDEN, "gitea: sha256= prefix is 403 (bare hex only)");
	check(pick("X-Gitea-Signature: " GT_MAC "\r\nX-Gitea-Signature: "
	    GT_MAC "\r\n", GT, 1, 0, &s) == S_BAD_REQUEST,
	    "gitea: X-Gitea-Signature twice is 400");
	check(pick("X-Forgejo-Signature: " GT_MAC "\r\nX-Forgejo-Signature: "
	    GT_MAC "\r\n", GT, 1, 0, &s) == S_BAD_REQUEST,
	    "gitea: X-Forgejo-Signature twice is 400");
}

static void
gitlab(void)
{
	struct scheme_req s;
	unsigned char id[SIG_MAC_LEN];
	const char *keys[3];

	check(pick("X-Gitlab-Token: tok-123\r\nX-Gitlab-Event: Push Hook\r\n"
	    "X-Gitlab-Event-UUID: 11-22\r\n", GL, 1, 0, &s) == 0 &&
	    s.scheme == SCHEME_GITLAB && span_is(s.event, "Push Hook") &&
	    span_is(s.delivery, "11-22"),
	    "gitlab: token, \"Push Hook\" event, X-Gitlab-Event-UUID delivery");
	keys[0] = "tok-123";
	check(verify(&s, keys, 1, "{}", id) == 0, "gitlab: same token verifies");
	keys[0] = "tok-12";
	check(verify(&s, keys, 1, "{}", id) == -1, "gitlab: a prefix does not");
	keys[0] = "tok-1234";
	check(verify(&s, keys, 1, "{}", id) == -1, "gitlab: a longer one does not");
	keys[0] = "TOK-123";
	check(verify(&s, keys, 1, "{}", id) == -1, "gitlab: case matters");
	keys[0] = ""; keys[1] = "other"; keys[2] = "tok-123";
	check(verify(&s, keys, 3, "{}", id) == 2, "gitlab: third token, index 2");
	check(pick("X-Gitlab-Token: tok-123\r\n", GL, 1, 0, &s) == 0 &&
	    s.event.len == 0 && s.delivery.len == 0,
	    "gitlab: no event or delivery when not sent");
	keys[0] = "tok-123";
	check(verify(&s, keys, 1, "{\"a\":1}", id) == 0,
	    "gitlab: verifies without a delivery id");
	hexis(id, "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
	    "gitlab: without a delivery id, the id is SHA-256 of the body");
	check(pick("X-Gitlab-Token: tok-123\r\nIdempotency-Key: ik-1\r\n"
	    "X-Gitlab-Event-UUID: uu-1\r\n", GL, 1, 0, &s) == 0 &&
	    span_is(s.delivery, "ik-1"),
	    "gitlab: Idempotency-Key preferred over X-Gitlab-Event-UUID");
	check(pick("X-Gitlab-Token:\r\n", GL, 1, 0, &s) == S_FORBIDDEN,
	    "gitlab: empty token is 403");
	check(pick("X-Gitlab-Token: a\r\nX-Gitlab-Token: a\r\n", GL, 1, 0, &s)
	    == S_BAD_REQUEST, "gitlab: token twice is 400");
	check(pick("X-Gitlab-Token: a\r\nX-Gitlab-Event: Push Hook\r\n"
	    "X-Gitlab-Event: Push Hook\r\n", GL, 1, 0, &s) == S_BAD_REQUEST,
	    "gitlab: event twice is 400");
}

static void
standard(void)
{
	struct scheme_req s;
	unsigned char id[SIG_MAC_LEN];
	const char *keys[2];
	const char *sw = "webhook-id: " SW_ID "\r\nwebhook-timestamp: 1614265330\r\n"
	    "webhook-signature: " SW_SIG "\r\n";
	char f[1024];

	check(pick(sw, SW, 1, SW_TS, &s) == 0 && s.scheme == SCHEME_STANDARD &&
	    span_is(s.id, SW_ID) && span_is(s.ts, "1614265330") &&
	    span_is(s.delivery, SW_ID) && s.event.len == 0,
	    "standard: headers picked, delivery is webhook-id");
	keys[0] = SW_KEY;
	check(verify(&s, keys, 1, SW_BODY, id) == 0,
	    "standard: the spec's vector verifies");
	check(verify(&s, keys, 1, "{\"test\": 2432232315}", id) == -1,
	    "standard: another body does not verify");
	keys[0] = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	check(verify(&s, keys, 1, SW_BODY, id) == 0,
	    "standard: the secret without whsec_ verifies too");
	keys[0] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS";
	check(verify(&s, keys, 1, SW_BODY, id) == -1,
	    "standard: a secret that is not base64 never verifies");
	keys[0] = "whsec_";
	check(verify(&s, keys, 1, SW_BODY, id) == -1,
	    "standard: a bare whsec_ never verifies");
	keys[0] = "whsec_!!!!"; keys[1] = SW_KEY;
	check(verify(&s, keys, 2, SW_BODY, id) == 1,
	    "standard: rotation, second secret verifies");

	/* the signature list */
	snprintf(f, sizeof f, "webhook-id: " SW_ID "\r\nwebhook-timestamp: "
	    "1614265330\r\nwebhook-signature: v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "
	    "v1a,xyz  " SW_SIG "\r\n");
	check(pick(f, SW, 1, SW_TS, &s) == 0, "standard: a list is accepted");
	keys[0] = SW_KEY;
	check(verify(&s, keys, 1, SW_BODY, id) == 0,
	    "standard: the matching entry of a list verifies");
	snprintf(f, sizeof f, "webhook-id: " SW_ID "\r\nwebhook-timestamp: "
	    "1614265330\r\nwebhook-signature: v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\r\n");
	check(pick(f, SW, 1, SW_TS, &s) == 0 &&
	    verify(&s, keys, 1, SW_BODY, id) == -1,
	    "standard: only v1 entries count");
	snprintf(f, sizeof f, "webhook-id: msg_other\r\nwebhook-timestamp: "
	    "1614265330\r\nwebhook-signature: " SW_SIG "\r\n");
	check(pick(f, SW, 1, SW_TS, &s) == 0 &&
	    verify(&s, keys, 1, SW_BODY, id) == -1,
	    "standard: the id is signed (another id does not verify)");
	snprintf(f, sizeof f, "webhook-id: " SW_ID "\r\nwebhook-timestamp: "
	    "1614265331\r\nwebhook-signature: " SW_SIG "\r\n");
	check(pick(f, SW, 1, SW_TS, &s) == 0 &&
	    verify(&s, keys, 1, SW_BODY, id) == -1,
	    "standard: the timestamp is signed");

	/* the replay window, at its edges (tolerance 300) */
	check(pick(sw, SW, 1, SW_TS + 300, &s) == 0, "standard: now = ts + 300 ok");
	check(pick(sw, SW, 1, SW_TS - 300, &s) == 0, "standard: now = ts - 300 ok");
	check(pick(sw, SW, 1, SW_TS + 301, &s) == S_FORBIDDEN,
	    "standard: now = ts + 301 is 403 (replay)");
	check(pick(sw, SW, 1, SW_TS - 301, &s) == S_FORBIDDEN,
	    "standard: now = ts - 301 is 403 (from the future)");
	check(pick(sw, SW, 1, 1700000000LL, &s) == S_FORBIDDEN,
	    "standard: a delivery from 2021 replayed in 2023 is 403");

	/* missing or malformed companions */
	check(pick("webhook-timestamp: 1614265330\r\nwebhook-signature: " SW_SIG
	    "\r\n", SW, 1, SW_TS, &s) == S_FORBIDDEN, "standard: no id is 403");
	check(pick("webhook-id: " SW_ID "\r\nwebhook-signature: " SW_SIG "\r\n",
	    SW, 1, SW_TS, &s) == S_FORBIDDEN, "standard: no timestamp is 403");
	check(pick("webhook-id: " SW_ID "\r\nwebhook-timestamp: 1614265330.5\r\n"
	    "webhook-signature: " SW_SIG "\r\n", SW, 1, SW_TS, &s) == S_FORBIDDEN,
	    "standard: a fractional timestamp is 403");
	check(pick("webhook-id: " SW_ID "\r\nwebhook-timestamp: -1\r\n"
	    "webhook-signature: " SW_SIG "\r\n", SW, 1, SW_TS, &s) == S_FORBIDDEN,
	    "standard: a negative timestamp is 403");
	check(pick("webhook-id: " SW_ID "\r\nwebhook-timestamp: 1614265330\r\n"
	    "webhook-timestamp: 1614265330\r\nwebhook-signature: " SW_SIG "\r\n",
	    SW, 1, SW_TS, &s) == S_BAD_REQUEST, "standard: timestamp twice is 400");
	check(pick("webhook-id: a\r\nwebhook-id: b\r\nwebhook-timestamp: "
	    "1614265330\r\nwebhook-signature: " SW_SIG "\r\n",
	    SW, 1, SW_TS, &s) == S_BAD_REQUEST, "standard: id twice is 400");
	check(pick(sw, SW, 1, SW_TS, &s) == 0 &&
	    pick("webhook-id: " SW_ID "\r\nwebhook-timestamp: 1614265330\r\n"
	    "webhook-signature: " SW_SIG "\r\nwebhook-signature: " SW_SIG "\r\n",
	    SW, 1, SW_TS, &s) == S_BAD_REQUEST, "standard: signature twice is 400");
	check(pick("webhook-id: a b\r\nwebhook-timestamp: 1614265330\r\n"
	    "webhook-signature: " SW_SIG "\r\n", SW, 1, SW_TS, &s) == S_FORBIDDEN,
	    "standard: an id with a space is 403");
}

static void
select_order(void)
{
	static const enum scheme gh_gl[] = { SCHEME_GITHUB, SCHEME_GITLAB };
	static const enum scheme gl_gh[] = { SCHEME_GITLAB, SCHEME_GITHUB };
	static const enum scheme js_gh[] = { SCHEME_JOBSERV, SCHEME_GITHUB };
	struct scheme_req s;
	const char *both = "X-Gitlab-Token: t\r\nX-Hub-Signature-256: sha256="
	    GH_MAC "\r\n";

	check(pick(both, gh_gl, 2, 0, &s) == 0 && s.scheme == SCHEME_GITHUB,
	    "order: github first wins when both headers are present");
	check(pick(both, gl_gh, 2, 0, &s) == 0 && s.scheme == SCHEME_GITLAB,
	    "order: gitlab first wins when both headers are present");
	check(pick("X-Gitlab-Token: t\r\n", gh_gl, 2, 0, &s) == 0 &&
	    s.scheme == SCHEME_GITLAB, "order: the one header present is used");
	check(pick("X-Gitlab-Token: t\r\n", GH, 1, 0, &s) == S_FORBIDDEN,
	    "a scheme's header that is not allowed is 403");
	check(pick("X-JobServ-Sig: sha256:" GH_MAC "\r\n", GH, 1, 0, &s) ==
	    S_FORBIDDEN, "X-JobServ-Sig under --scheme github only is 403");
	check(pick("Content-Type: application/json\r\n", ALL, 5, 0, &s) ==
	    S_FORBIDDEN, "no header of any allowed scheme is 403");
	check(pick("X-JobServ-Sig: sha256:" GH_MAC "\r\n", JS, 1, 0, &s) == 0 &&
	    s.scheme == SCHEME_JOBSERV && s.event.len == 0 &&
	    s.delivery.len == 0, "jobserv: header picked, no event or delivery");
	check(pick("X-JobServ-Sig: sha256=" GH_MAC "\r\n", JS, 1, 0, &s) ==
	    S_FORBIDDEN, "jobserv: sha256= prefix is 403");
	check(pick("X-JobServ-Sig: sha256:" GH_MAC "\r\nX-JobServ-Sig: sha256:"
	    GH_MAC "\r\n", JS, 1, 0, &s) == S_BAD_REQUEST,
	    "jobserv: header twice is 400");
	/* a malformed header of the first scheme is not skipped for the next */
	check(pick("X-JobServ-Sig: nonsense\r\nX-Hub-Signature-256: sha256="
	    GH_MAC "\r\n", js_gh, 2, 0, &s) == S_FORBIDDEN,
	    "order: a malformed header of an earlier scheme is 403");
	check(pick("X-Hub-Signature-256: sha256=" GH_MAC "\r\n", js_gh, 2, 0, &s)
	    == 0 && s.scheme == SCHEME_GITHUB,
	    "order: an absent earlier scheme is skipped");
}

static void
jobserv(void)
{
	struct scheme_req s;
	unsigned char id[SIG_MAC_LEN];
	const char *keys[1] = { GH_KEY };

	/* the GitHub vector, in JobServ's notation */
	check(pick("X-JobServ-Sig: sha256:" GH_MAC "\r\n", JS, 1, 0, &s) == 0 &&
	    verify(&s, keys, 1, "Hello, World!", id) == 0,
	    "jobserv: sha256:<hex> over the same body verifies");
	check(verify(&s, keys, 1, "Hello, World", id) == -1,
	    "jobserv: a shorter body does not");
}

/* scheme_verify on a header scheme_select would have refused: the parse
 * fails, so nothing it would have written is compared. */
static void
unparsed(void)
{
	static const enum scheme kinds[] = {
		SCHEME_JOBSERV, SCHEME_GITHUB, SCHEME_GITEA
	};
	static const char *const sigs[] = {
		"", "sha256", "sha256=zz", "sha256:0", "not hex at all, not at all",
	};
	const char *keys[1] = { GH_KEY };
	struct scheme_req s;
	unsigned char id[SIG_MAC_LEN];
	size_t k, i;

	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
			memset(&s, 0, sizeof s);
			s.scheme = kinds[k];
			s.sig.p = U(sigs[i]);
			s.sig.len = strlen(sigs[i]);
			check(verify(&s, keys, 1, "Hello, World!", id) == -1,
			    "%s: a malformed header \"%s\" never verifies",
			    scheme_name(kinds[k]), sigs[i]);
		}
}

/* scheme_mac, what inhook sign sends: the Standard Webhooks spec's vector,
 * GitHub's, and no MAC where there is none */
static void
macs(void)
{
	unsigned char mac[SIG_MAC_LEN];
	char b64[64], hex[2 * SIG_MAC_LEN + 1];
	struct span id = { U(SW_ID), sizeof SW_ID - 1 }, ts = { U("1614265330"), 10 };
	struct span none = { NULL, 0 };

	check(scheme_mac(SCHEME_STANDARD, U(SW_KEY), sizeof SW_KEY - 1, id, ts,
	    U(SW_BODY), sizeof SW_BODY - 1, mac) == 0 &&
	    sig_base64(mac, SIG_MAC_LEN, b64) == 44 && strcmp(SW_SIG + 3, b64) == 0,
	    "scheme_mac standard: the spec's example signature %s", b64);
	check(scheme_mac(SCHEME_STANDARD, U(SW_KEY) + 6, sizeof SW_KEY - 7, id, ts,
	    U(SW_BODY), sizeof SW_BODY - 1, mac) == 0 &&
	    sig_base64(mac, SIG_MAC_LEN, b64) && strcmp(SW_SIG + 3, b64) == 0,
	    "scheme_mac standard: whsec_ optional");
	check(scheme_mac(SCHEME_STANDARD, U("not base64!"), 11, id, ts,
	    U(SW_BODY), sizeof SW_BODY - 1, mac) == -1,
	    "scheme_mac standard: a key that does not decode");
	check(scheme_mac(SCHEME_GITHUB, U(GH_KEY), sizeof GH_KEY - 1, none, none,
	    U("Hello, World!"), 13, mac) == 0, "scheme_mac github");
	sig_hex(mac, SIG_MAC_LEN, hex);
	check(strcmp(hex, GH_MAC) == 0, "scheme_mac github: GitHub's example %s", hex);
	check(scheme_mac(SCHEME_GITLAB, U("t"), 1, none, none, U(""), 0, mac) == -1 &&
	    scheme_mac(SCHEME_JOBSERV, U(""), 0, none, none, U(""), 0, mac) == -1,
	    "scheme_mac: none for gitlab, none with an empty key");
}

int
main(void)
{
	macs();
	unparsed();
	names();
	github();
	long_ids();
	gitea();
	gitlab();
	standard();
	select_order();
	jobserv();
	return check_done();
}
