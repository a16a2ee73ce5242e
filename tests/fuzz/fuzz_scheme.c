/* fuzz_scheme.c: choosing and checking a sender's signature scheme. The
 * input is a raw request, head and body. A head that http_parse accepts
 * goes to scheme_select with every scheme allowed (in an order taken from
 * the input's hash) at a fixed "now", then to scheme_verify with three
 * fixed secrets. scheme_select must answer 0, 400 or 403 and pick a scheme
 * whose header is there exactly once; scheme_verify must pick exactly the
 * first secret that a plain reading here verifies: the HMAC of the body (or
 * of "id.timestamp.body" under the base64 secret for Standard Webhooks)
 * equal to the header's, or the GitLab token equal to the secret. */
#include <string.h>

#include <bearssl.h>

#include "fuzz.h"
#include "ref.h"
#include "http.h"
#include "limits.h"
#include "scheme.h"
#include "sig.h"
#include "status.h"

#define NOW 1614265330LL       /* the Standard Webhooks example's timestamp */
#define TOLERANCE 300

static const char *const secrets[] = {
	"UseSomethingGoodHere",
	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	"It's a Secret to Everybody",
};
#define NKEYS (sizeof secrets / sizeof secrets[0])

static const char *const sigheader[] = {
	NULL, "x-jobserv-sig", "x-hub-signature-256", NULL, "x-gitlab-token",
	"webhook-signature",
};

static void
hmac3(const unsigned char *key, size_t klen, const unsigned char *a,
      size_t alen, const unsigned char *b, size_t blen,
      const unsigned char *c, size_t clen, unsigned char out[32])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, a, alen);
	br_hmac_update(&hc, b, blen);
	br_hmac_update(&hc, c, clen);
	br_hmac_out(&hc, out);
}

/* Does secret k verify the request, read the plain way? */
static int
verifies(const struct scheme_req *s, const char *key,
         const unsigned char *body, size_t blen)
{
	size_t klen = strlen(key), i, b;
	unsigned char want[32], got[64], raw[SECRET_MAX];
	long rl;

	switch (s->scheme) {
	case SCHEME_JOBSERV:
	case SCHEME_GITHUB:
		need(s->sig.len == 71);
		need(unhex(s->sig.p + 7, 64, got, 32));
		hmac3((const unsigned char *)key, klen, body, blen, NULL, 0,
		    NULL, 0, want);
		return memcmp(got, want, 32) == 0;
	case SCHEME_GITEA:
		need(unhex(s->sig.p, s->sig.len, got, 32));
		hmac3((const unsigned char *)key, klen, body, blen, NULL, 0,
		    NULL, 0, want);
		return memcmp(got, want, 32) == 0;
	case SCHEME_GITLAB:
		return s->sig.len == klen && memcmp(s->sig.p, key, klen) == 0;
	case SCHEME_STANDARD:
		if (klen > 6 && memcmp(key, "whsec_", 6) == 0) {
			key += 6;
			klen -= 6;
		}
		rl = unbase64((const unsigned char *)key, klen, raw, sizeof raw);
		if (rl <= 0)
			return 0;
		{
			/* "id.timestamp." then the body */
			unsigned char pre[300];
			size_t pl = 0;

			need(s->id.len + s->ts.len + 2 <= sizeof pre);
			memcpy(pre, s->id.p, s->id.len);
			pl = s->id.len;
			pre[pl++] = '.';
			memcpy(pre + pl, s->ts.p, s->ts.len);
			pl += s->ts.len;
			pre[pl++] = '.';
			hmac3(raw, (size_t)rl, pre, pl, body, blen, NULL, 0, want);
		}
		for (i = 0; i < s->sig.len; ) {
			while (i < s->sig.len && s->sig.p[i] == ' ')
				i++;
			for (b = i; i < s->sig.len && s->sig.p[i] != ' '; i++)
				;
			if (i - b > 3 && memcmp(s->sig.p + b, "v1,", 3) == 0 &&
			    unbase64(s->sig.p + b + 3, i - b - 3, got, 35) == 32 &&
			    memcmp(got, want, 32) == 0)
				return 1;
		}
		return 0;
	case SCHEME_NONE:
		break;
	}
	need(!"no scheme");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum scheme all[] = { SCHEME_JOBSERV, SCHEME_GITHUB,
	    SCHEME_GITEA, SCHEME_GITLAB, SCHEME_STANDARD };
	enum scheme allowed[5];
	struct headscan hs;
	struct request r;
	struct scheme_req s;
	const unsigned char *keys[NKEYS];
	size_t klens[NKEYS], hl = 0, n = size < HEAD_MAX ? size : HEAD_MAX, i, k;
	unsigned char *head, *body, id[SIG_MAC_LEN];
	uint64_t seed = fuzz_hash(data, size);
	const char *why = NULL;
	int st, idx, want;

	memset(&hs, 0, sizeof hs);
	if (http_head_scan(data, n, &hs, &hl) != 0 || hl == 0)
		return 0;
	head = fuzz_dup(data, hl);
	body = fuzz_dup(data + hl, size - hl);
	memset(&r, 0, sizeof r);
	memset(&s, 0, sizeof s);
	if (http_parse(head, hl, &r) != 0)
		goto out;

	/* every scheme, in an order from the hash (a Fisher-Yates shuffle) */
	memcpy(allowed, all, sizeof all);
	for (i = 4; i > 0; i--) {
		enum scheme t;
		k = (size_t)(fuzz_next(&seed) % (i + 1));
		t = allowed[i];
		allowed[i] = allowed[k];
		allowed[k] = t;
	}
	st = scheme_select(&r, allowed, 5, NOW, TOLERANCE, &s, &why);
	note("  scheme_select %d (%s), scheme %d\n", st, why ? why : "ok",
	    (int)s.scheme);
	need(st == 0 || st == S_BAD_REQUEST || st == S_FORBIDDEN);
	if (st != 0) {
		need(why != NULL);
		goto out;
	}
	need(s.scheme >= SCHEME_JOBSERV && s.scheme <= SCHEME_STANDARD);
	need(s.sig.p >= head && s.sig.p + s.sig.len <= head + hl);
	if (sigheader[s.scheme])
		need(http_header(&r, sigheader[s.scheme], NULL) == 1);
	else
		need(http_header(&r, "x-forgejo-signature", NULL) +
		    http_header(&r, "x-gitea-signature", NULL) >= 1);
	for (i = 0; i < s.event.len; i++)
		need(s.event.p[i] >= 0x20 && s.event.p[i] < 0x7f);
	for (i = 0; i < s.delivery.len; i++)
		need(s.delivery.p[i] > 0x20 && s.delivery.p[i] < 0x7f);
	need(s.event.len <= 128 && s.delivery.len <= 128);

	for (k = 0; k < NKEYS; k++) {
		keys[k] = (const unsigned char *)secrets[k];
		klens[k] = strlen(secrets[k]);
	}
	idx = scheme_verify(&s, keys, klens, NKEYS, body, size - hl, id);
	for (want = -1, k = 0; k < NKEYS && want < 0; k++)
		if (verifies(&s, secrets[k], body, size - hl))
			want = (int)k;
	note("  scheme_verify %d, expected %d\n", idx, want);
	need(idx == want);
	/* an empty secret never verifies */
	klens[0] = 0;
	need(scheme_verify(&s, keys, klens, 1, body, size - hl, id) == -1);
out:
	free(head);
	free(body);
	return 0;
}
