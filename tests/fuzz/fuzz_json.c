/* fuzz_json.c: JSON validation and the payload-to-environment mapping.
 * The input is a webhook body; the prefix comes from its hash. json_check
 * must answer 0, 400 or 422, and payload_export (which runs it again, then
 * jsmn, then the walk) must agree with it and never answer anything but 0,
 * 400 or 422. On 0 the environment must hold: the entries from before
 * untouched; one entry per non-root value plus one _COUNT per array (found
 * here by a plain scan of the text); every name the prefix then [A-Z0-9_]+;
 * no two names alike; every exported value free of NUL and valid UTF-8;
 * every entry and the total within the limits of env.h, the bytes counted
 * exactly. Every string of an accepted text decodes to exactly the length
 * json_unescape_len announced. */
#include <string.h>

#include "env.h"
#include "fuzz.h"
#include "json.h"
#include "limits.h"
#include "payload.h"
#include "status.h"

static struct env env;
static unsigned char dec[ENV_STRING_MAX + 8];
static uint32_t slots[2 * ENV_VARS_MAX];  /* open addressing: entry + 1 */

static const char *const prefixes[] = {
	"WEBHOOK_", "WEBHOOK_", "WEBHOOK_", "X",
	"A_PREFIX_OF_SIXTY_FOUR_BYTES_THE_MOST_THAT_PREFIX_MAX_ALLOWS_XXX",
};

/* Length of the valid UTF-8 sequence at s[0..len), or 0. */
static size_t
utf8(const unsigned char *s, size_t len)
{
	size_t n, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) { n = 2; cp = s[0] & 0x1f; }
	else if (s[0] >= 0xe0 && s[0] <= 0xef) { n = 3; cp = s[0] & 0x0f; }
	else if (s[0] >= 0xf0 && s[0] <= 0xf4) { n = 4; cp = s[0] & 0x07; }
	else return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static int
valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((n = utf8(s + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

static uint32_t
name_hash(const char *s, size_t n)
{
	return (uint32_t)fuzz_hash((const uint8_t *)s, n);
}

/* Walks an accepted text: counts keys (a string followed by ':') and
 * arrays, and decodes every string, checking the decoder's lengths. */
static void
scan_text(const unsigned char *t, size_t len, size_t *keys, size_t *arrays)
{
	size_t i = 0, j, n, m;

	*keys = *arrays = 0;
	while (i < len) {
		if (t[i] == '[')
			++*arrays;
		if (t[i] != '"') {
			i++;
			continue;
		}
		for (j = i + 1; t[j] != '"'; j++)
			if (t[j] == '\\')
				j++;
		n = json_unescape_len(t + i + 1, j - i - 1);
		need(n <= j - i - 1);
		need(n <= sizeof dec - 8);
		memset(dec, 0xa5, n + 8);
		m = json_unescape(t + i + 1, j - i - 1, dec);
		need(m == n);
		need(dec[n] == 0xa5);
		need(valid_utf8(dec, n));
		for (i = j + 1; i < len && (t[i] == ' ' || t[i] == '\t' ||
		    t[i] == '\n' || t[i] == '\r'); i++)
			;
		if (i < len && t[i] == ':')
			++*keys;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t seed = fuzz_hash(data, size);
	const char *prefix = prefixes[seed % (sizeof prefixes / sizeof prefixes[0])];
	size_t plen = strlen(prefix), ntok = 0, from, i, k, used, keys, arrays;
	unsigned char *body = fuzz_dup(data, size);
	const struct env_entry *e;
	const char *why = NULL, *s;
	uint32_t h;
	int st1, st;

	st1 = json_check(body, size, &ntok);
	need(st1 == 0 || st1 == 400 || st1 == 422);
	if (st1 == 0) {
		need(ntok >= 1 && ntok <= JSON_TOKENS_MAX);
		need(ntok <= size);
	}

	/* what serve.c puts first; payload names must not disturb it */
	env_init(&env);
	need(env_put(&env, "PATH", 4, "/usr/bin:/bin", 13, 1) == 0);
	need(env_put(&env, "REQUEST_METHOD", 14, "POST", 4, 1) == 0);
	from = env.n;
	st = payload_export(body, size, prefix, &env, &why);
	note("  json_check %d, payload_export %d (%s), %zu variables\n", st1, st,
	    why ? why : "ok", env.n - from);
	if (st1 != 0) {
		need(st == st1);
		need(why != NULL);
		goto out;
	}
	need(st == 0 || st == 422);
	if (st != 0) {
		need(why != NULL);
		goto out;
	}
	need(why == NULL);

	/* one entry per value below the root, one _COUNT per array */
	scan_text(body, size, &keys, &arrays);
	need(env.n - from == ntok - 1 - keys + arrays);

	need(env.n <= ENV_VARS_MAX && env.used <= ENV_BYTES_MAX);
	need(memcmp(env.buf, "PATH=/usr/bin:/bin", 19) == 0);
	need(env_get(&env, "REQUEST_METHOD", 14) != NULL &&
	    strcmp(env_get(&env, "REQUEST_METHOD", 14), "POST") == 0);
	memset(slots, 0, sizeof slots);
	for (i = 0, used = 0; i < env.n; i++) {
		e = &env.e[i];
		s = env.buf + e->off;
		need(e->off == used);
		used += e->len + 1;
		need(e->len + 1 <= ENV_STRING_MAX);
		need(s[e->len] == '\0');
		need(strlen(s) == e->len);           /* no NUL in a value */
		if (e->exported)
			need(e->namelen < e->len && s[e->namelen] == '=');
		else
			need(e->namelen == e->len);
		if (i < from)
			continue;
		need(e->namelen > plen && memcmp(s, prefix, plen) == 0);
		for (k = 0; k < e->namelen; k++)
			need((s[k] >= 'A' && s[k] <= 'Z') ||
			    (s[k] >= '0' && s[k] <= '9') || s[k] == '_');
		if (e->exported)
			need(valid_utf8((const unsigned char *)s + e->namelen + 1,
			    e->len - e->namelen - 1));
		/* no two names alike */
		h = name_hash(s, e->namelen);
		for (k = h % (2 * ENV_VARS_MAX); slots[k]; k = (k + 1) % (2 * ENV_VARS_MAX)) {
			const struct env_entry *o = &env.e[slots[k] - 1];
			need(!(o->namelen == e->namelen &&
			    memcmp(env.buf + o->off, s, e->namelen) == 0));
		}
		slots[k] = (uint32_t)i + 1;
	}
	need(used == env.used);
out:
	free(body);
	return 0;
}
