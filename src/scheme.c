/* scheme.c: picks and checks a sender's signature scheme. Pure: takes the
 * parsed head, the secrets and the body; returns 0 or a status. Secrets
 * are only ever handed to sig.c; the id it returns for de-duplication is a
 * hash or a MAC, never the secret. */
#include <string.h>

#include "scheme.h"
#include "sig.h"
#include "status.h"

static const char *const names[] = {
	"none", "jobserv", "github", "gitea", "gitlab", "standard"
};

enum scheme
scheme_by_name(const char *name)
{
	size_t i;

	for (i = 1; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return (enum scheme)i;
	return SCHEME_NONE;
}

const char *
scheme_name(enum scheme s)
{
	return names[s];
}

/* The one value of header name, or 0 fields / 400 for two. */
static int
one(const struct request *r, const char *name, struct span *v, int *present)
{
	size_t n = http_header(r, name, v);

	*present = n > 0;
	return n > 1 ? S_BAD_REQUEST : 0;
}

/* 1 to 128 visible ASCII bytes; with sp, spaces too (GitLab's events are
 * "Push Hook" and the like; the value was trimmed, so never at the ends). */
static int
visible(struct span v, int sp)
{
	size_t i;

	if (v.len == 0 || v.len > 128)
		return 0;
	for (i = 0; i < v.len; i++)
		if ((v.p[i] <= 0x20 && !(sp && v.p[i] == ' ')) || v.p[i] >= 0x7f)
			return 0;
	return 1;
}

/* One optional header into *v: absent leaves v empty; repeated or not 1 to
 * 128 visible ASCII bytes (sp: or spaces) is 400. */
static int
opt(const struct request *r, const char *name, struct span *v, int sp)
{
	int present = 0;

	if (name == NULL)
		return 0;
	if (one(r, name, v, &present))
		return S_BAD_REQUEST;
	if (!present)
		v->len = 0;
	else if (!visible(*v, sp))
		return S_BAD_REQUEST;
	return 0;
}

/* The sender's event and delivery headers, either may be NULL. */
static int
meta(const struct request *r, const char *ev, const char *dl,
     struct scheme_req *s)
{
	if (opt(r, ev, &s->event, 1))
		return S_BAD_REQUEST;
	return opt(r, dl, &s->delivery, 0);
}

static int
digits(struct span v, long long *out)
{
	long long n = 0;
	size_t i;

	if (v.len == 0 || v.len > 12)
		return 0;
	for (i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return 0;
		n = n * 10 + (v.p[i] - '0');
	}
	*out = n;
	return 1;
}

/* Looks for the header of one scheme. Returns 0 with s->scheme set when it
 * is there and well formed, 0 with SCHEME_NONE when absent, or a status. */
static int
probe(const struct request *r, enum scheme sc, long long now,
      long long tolerance, struct scheme_req *s, const char **why)
{
	unsigned char mac[SIG_MAC_LEN];
	int present = 0, p2 = 0, st = 0;
	long long ts;

	memset(s, 0, sizeof *s);
	switch (sc) {
	case SCHEME_JOBSERV:
		st = one(r, "x-jobserv-sig", &s->sig, &present);
		if (!st && present && sig_parse_jobserv(s->sig.p, s->sig.len, mac))
			st = S_FORBIDDEN;
		break;
	case SCHEME_GITHUB:
		st = one(r, "x-hub-signature-256", &s->sig, &present);
		if (!st && present && (s->sig.len != 7 + 2 * SIG_MAC_LEN ||
		    memcmp(s->sig.p, "sha256=", 7) != 0 ||
		    !sig_unhex(s->sig.p + 7, s->sig.len - 7, mac, SIG_MAC_LEN)))
			st = S_FORBIDDEN;
		if (!st && present)
			st = meta(r, "x-github-event", "x-github-delivery", s);
		break;
	case SCHEME_GITEA:
		st = one(r, "x-forgejo-signature", &s->sig, &present);
		if (!st && !present)
			st = one(r, "x-gitea-signature", &s->sig, &present);
		if (!st && present &&
		    !sig_unhex(s->sig.p, s->sig.len, mac, SIG_MAC_LEN))
			st = S_FORBIDDEN;
		if (!st && present) {
			st = meta(r, "x-forgejo-event", "x-forgejo-delivery", s);
			if (!st && !s->event.len && !s->delivery.len)
				st = meta(r, "x-gitea-event", "x-gitea-delivery", s);
		}
		break;
	case SCHEME_GITLAB:
		st = one(r, "x-gitlab-token", &s->sig, &present);
		if (!st && present && s->sig.len == 0)
			st = S_FORBIDDEN;
		if (!st && present) {
			st = meta(r, "x-gitlab-event", "idempotency-key", s);
			if (!st && !s->delivery.len)
				st = meta(r, NULL, "x-gitlab-event-uuid", s);
		}
		break;
	case SCHEME_STANDARD:
		st = one(r, "webhook-signature", &s->sig, &present);
		if (!st && present) {
			st = one(r, "webhook-id", &s->id, &p2);
			if (!st && (!p2 || !visible(s->id, 0)))
				st = S_FORBIDDEN;
			if (!st)
				st = one(r, "webhook-timestamp", &s->ts, &p2);
			if (!st && (!p2 || !digits(s->ts, &ts)))
				st = S_FORBIDDEN;
			if (!st && (ts > now + tolerance || ts < now - tolerance)) {
				*why = "webhook-timestamp outside --tolerance";
				return S_FORBIDDEN;
			}
			s->delivery = s->id;
		}
		break;
	case SCHEME_NONE:
		break;
	}
	if (st) {
		*why = st == S_BAD_REQUEST ?
		    "signature, event or delivery header repeated or malformed" :
		    "malformed signature header";
		return st;
	}
	s->scheme = present ? sc : SCHEME_NONE;
	return 0;
}

int
scheme_select(const struct request *r, const enum scheme *allowed, size_t n,
              long long now, long long tolerance, struct scheme_req *s,
              const char **why)
{
	size_t i;
	int st;

	for (i = 0; i < n; i++) {
		if ((st = probe(r, allowed[i], now, tolerance, s, why)) != 0)
			return st;
		if (s->scheme != SCHEME_NONE)
			return 0;
	}
	*why = "no signature header of an allowed scheme";
	return S_FORBIDDEN;
}

/* 1 if one "v1,<base64>" entry of the space-separated list matches want. */
static int
standard_match(struct span list, const unsigned char want[SIG_MAC_LEN])
{
	unsigned char got[SIG_MAC_LEN + 3];
	size_t i = 0, b;
	int match = 0;

	while (i < list.len) {
		while (i < list.len && list.p[i] == ' ')
			i++;
		for (b = i; i < list.len && list.p[i] != ' '; i++)
			;
		if (i - b > 3 && memcmp(list.p + b, "v1,", 3) == 0 &&
		    sig_unbase64(list.p + b + 3, i - b - 3, got, sizeof got) ==
		    SIG_MAC_LEN)
			match |= sig_equal(got, want, SIG_MAC_LEN);
	}
	return match;
}

int
scheme_mac(enum scheme sc, const unsigned char *key, size_t klen,
           struct span id, struct span ts, const unsigned char *body,
           size_t len, unsigned char mac[SIG_MAC_LEN])
{
	unsigned char raw[SECRET_MAX];
	const unsigned char *parts[5];
	size_t lens[5];
	long kl;

	if (klen == 0)
		return -1;
	switch (sc) {
	case SCHEME_JOBSERV: case SCHEME_GITHUB: case SCHEME_GITEA:
		sig_hmac(key, klen, body, len, mac);
		return 0;
	case SCHEME_STANDARD:
		if (klen > 6 && memcmp(key, "whsec_", 6) == 0) {
			key += 6;
			klen -= 6;
		}
		if ((kl = sig_unbase64(key, klen, raw, sizeof raw)) <= 0)
			return -1;
		parts[0] = id.p;  lens[0] = id.len;
		parts[1] = (const unsigned char *)".";  lens[1] = 1;
		parts[2] = ts.p;  lens[2] = ts.len;
		parts[3] = (const unsigned char *)".";  lens[3] = 1;
		parts[4] = body;  lens[4] = len;
		sig_hmac_parts(raw, (size_t)kl, parts, lens, 5, mac);
		explicit_bzero(raw, sizeof raw);
		return 0;
	case SCHEME_GITLAB: case SCHEME_NONE:
		break;
	}
	return -1;
}

static int
check_one(const struct scheme_req *s, const unsigned char *key, size_t klen,
          const unsigned char *body, size_t len, unsigned char mac[SIG_MAC_LEN])
{
	unsigned char got[SIG_MAC_LEN], a[SIG_MAC_LEN];

	if (klen == 0)
		return 0;
	/* scheme_select checked the header's form; still, got is the parser's
	 * only when it says so */
	switch (s->scheme) {
	case SCHEME_JOBSERV:
		if (sig_parse_jobserv(s->sig.p, s->sig.len, got) != 0)
			return 0;
		break;
	case SCHEME_GITHUB:
		if (s->sig.len < 7 ||
		    !sig_unhex(s->sig.p + 7, s->sig.len - 7, got, SIG_MAC_LEN))
			return 0;
		break;
	case SCHEME_GITEA:
		if (!sig_unhex(s->sig.p, s->sig.len, got, SIG_MAC_LEN))
			return 0;
		break;
	case SCHEME_GITLAB:
		/* equal lengths are not needed: compare digests */
		sig_sha256(s->sig.p, s->sig.len, got);
		sig_sha256(key, klen, a);
		sig_sha256(body, len, mac);
		return sig_equal(got, a, SIG_MAC_LEN);
	case SCHEME_STANDARD:
		if (scheme_mac(SCHEME_STANDARD, key, klen, s->id, s->ts, body, len,
		    mac) < 0)
			return 0;
		return standard_match(s->sig, mac);
	case SCHEME_NONE:
		return 0;
	}
	if (scheme_mac(s->scheme, key, klen, s->id, s->ts, body, len, mac) < 0)
		return 0;
	return sig_equal(got, mac, SIG_MAC_LEN);
}

int
scheme_verify(const struct scheme_req *s, const unsigned char *const *keys,
              const size_t *klens, size_t nkeys, const unsigned char *body,
              size_t len, unsigned char *id)
{
	unsigned char mac[SIG_MAC_LEN];
	size_t i;

	for (i = 0; i < nkeys; i++) {
		if (!check_one(s, keys[i], klens[i], body, len, mac))
			continue;
		memcpy(id, mac, SIG_MAC_LEN);
		return (int)i;
	}
	return -1;
}

int
scheme_delivery_id(const struct scheme_req *s, unsigned char *id)
{
	const unsigned char *parts[3];
	size_t lens[3];

	if (s->delivery.len == 0)
		return 0;
	parts[0] = (const unsigned char *)scheme_name(s->scheme);
	lens[0] = strlen(scheme_name(s->scheme));
	parts[1] = (const unsigned char *)":";
	lens[1] = 1;
	parts[2] = s->delivery.p;
	lens[2] = s->delivery.len;
	/* a hash under a fixed, public key: the id is public */
	sig_hmac_parts((const unsigned char *)"inhook-delivery", 15, parts, lens,
	    3, id);
	return 1;
}
