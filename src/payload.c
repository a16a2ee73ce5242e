/* payload.c: walks jsmn's tokens of an accepted body and exports them.
 * The body is checked by json_check before jsmn sees it, so jsmn only
 * tokenizes valid JSON. The walk is a loop over the token array with a
 * stack of JSON_DEPTH_MAX entries; names are built in one fixed buffer.
 * Collisions are found after the walk among every name produced
 * (env_duplicate), those of objects and arrays included, so duplicate keys
 * are caught even when their values export nothing. Strings are decoded
 * once, straight into place: a decoded string is never longer than its
 * JSON text. */
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS       /* ',' and ']' '}' in O(1), not a scan back */
#include <jsmn.h>

#include "json.h"
#include "limits.h"
#include "payload.h"
#include "status.h"

/* Each starts a page: a small body's use of each fits in one. */
static jsmntok_t toks[JSON_TOKENS_MAX] __attribute__((aligned(4096)));
static char path[ENV_STRING_MAX] __attribute__((aligned(4096)));
static unsigned int scratch[ENV_DUP_SCRATCH] __attribute__((aligned(4096)));

struct level {
	int remaining;      /* children still to visit */
	int array;
	unsigned long index;
	size_t pathlen;
};

static size_t
put_index(char *p, unsigned long n)
{
	char tmp[24];
	size_t k = 0, i;

	do {
		tmp[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	for (i = 0; i < k; i++)
		p[i] = tmp[k - 1 - i];
	return k;
}

/* Decodes the string s[0..raw) into out; escapes is 0 when the body holds
 * no escape at all: every string is then its own decoded form. */
static size_t
decode(const unsigned char *s, size_t raw, unsigned char *out, int escapes)
{
	if (escapes)
		return json_unescape(s, raw, out);
	memcpy(out, s, raw);
	return raw;
}

/* Appends the name segment of the key token t at path[n]. Returns the new
 * length, or 0 when it does not fit (the name may take sizeof path - 32
 * bytes, room for an index or "_COUNT" after it) or the key is empty. */
static size_t
put_key(const unsigned char *body, const jsmntok_t *t, size_t n, int escapes)
{
	const unsigned char *s = body + t->start;
	size_t raw = (size_t)(t->end - t->start), len, i;
	size_t room = n < sizeof path - 32 ? sizeof path - 32 - n : 0;

	if (raw <= room)
		len = decode(s, raw, (unsigned char *)path + n, escapes);
	else if ((len = json_unescape_len(s, raw)) <= room)
		json_unescape(s, raw, (unsigned char *)path + n);
	else
		return 0;
	if (len == 0)
		return 0;
	for (i = n; i < n + len; i++)
		path[i] = payload_name_byte((unsigned char)path[i]);
	return n + len;
}

static int
put_leaf(const unsigned char *body, const jsmntok_t *t, size_t n,
         struct env *v, int escapes)
{
	const unsigned char *s = body + t->start;
	size_t raw = (size_t)(t->end - t->start), len;
	char *dst;

	if (t->type == JSMN_PRIMITIVE)
		return env_put(v, path, n, (const char *)s, s[0] == 'n' ? 0 : raw, 1);
	if ((dst = env_open(v, path, n, raw)) != NULL) {
		env_trim(v, decode(s, raw, (unsigned char *)dst, escapes));
		return 0;
	}
	/* the text is over a limit; the decoded string may not be */
	len = json_unescape_len(s, raw);
	if ((dst = env_open(v, path, n, len)) == NULL)
		return S_UNPROCESSABLE;
	json_unescape(s, raw, (unsigned char *)dst);
	return 0;
}

int
payload_export(const unsigned char *body, size_t len, const char *prefix,
               struct env *v, const char **why)
{
	struct level stack[JSON_DEPTH_MAX + 1], *top;
	size_t ntok, from = v->n, plen = strlen(prefix), n;
	jsmn_parser p;
	int depth = 0, i, r, st, escapes;
	char count[24];
	const jsmntok_t *t;

	if ((st = json_check_escapes(body, len, &ntok, &escapes)) != 0) {
		*why = st == S_BAD_REQUEST ? "body is not valid JSON" :
		    "JSON not exportable: root not an object, \\u0000, lone surrogate, too deep or too many tokens";
		return st;
	}
	jsmn_init(&p);
	r = jsmn_parse(&p, (const char *)body, len, toks, JSON_TOKENS_MAX);
	if (r < 1 || (size_t)r != ntok || toks[0].type != JSMN_OBJECT) {
		*why = "tokenizer disagrees with validator";
		return S_INTERNAL_ERROR;
	}
	memcpy(path, prefix, plen);
	stack[0].remaining = toks[0].size;
	stack[0].array = 0;
	stack[0].index = 0;
	stack[0].pathlen = plen;
	*why = "too many variables or bytes for the environment";
	for (i = 1; ; ) {
		while (depth >= 0 && stack[depth].remaining == 0)
			depth--;
		if (depth < 0)
			break;
		top = &stack[depth];
		top->remaining--;
		n = top->pathlen;
		if (n > plen)
			path[n++] = '_';
		if (top->array) {
			if (n > sizeof path - 32) {
				*why = "a name over the per-variable limit";
				return S_UNPROCESSABLE;
			}
			n += put_index(path + n, top->index++);
		} else if ((n = put_key(body, &toks[i++], n, escapes)) == 0) {
			*why = "empty key, or a name over the per-variable limit";
			return S_UNPROCESSABLE;
		}
		t = &toks[i++];
		if (t->type == JSMN_OBJECT || t->type == JSMN_ARRAY) {
			if (env_put(v, path, n, NULL, 0, 0) != 0)
				return S_UNPROCESSABLE;
			if (t->type == JSMN_ARRAY) {
				memcpy(path + n, "_COUNT", 6);
				if (env_put(v, path, n + 6, count,
				    put_index(count, (unsigned long)t->size), 1) != 0)
					return S_UNPROCESSABLE;
			}
			top = &stack[++depth];
			top->remaining = t->size;
			top->array = t->type == JSMN_ARRAY;
			top->index = 0;
			top->pathlen = n;
		} else if (put_leaf(body, t, n, v, escapes) != 0) {
			return S_UNPROCESSABLE;
		}
	}
	if (env_duplicate(v, from, scratch) >= 0) {
		*why = "duplicate key, or two paths that map to one variable name";
		return S_UNPROCESSABLE;
	}
	*why = NULL;
	return 0;
}
