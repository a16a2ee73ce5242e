/* env.c: the hook's environment table. Fixed-size, filled by callers that
 * have validated names; refuses (422) rather than truncates when a limit
 * would be passed. Never touches the process environment. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "status.h"

void
env_init(struct env *v)
{
	v->n = 0;
	v->used = 0;
}

static char *
reserve(struct env *v, const char *name, size_t nlen, size_t vlen,
        int exported)
{
	size_t len = nlen + (exported ? 1 + vlen : 0);
	struct env_entry *e;
	char *p;

	if (v->n == ENV_VARS_MAX || len + 1 > ENV_STRING_MAX ||
	    len + 1 > ENV_BYTES_MAX - v->used)
		return NULL;
	e = &v->e[v->n];
	e->off = (unsigned int)v->used;
	e->namelen = (unsigned int)nlen;
	e->len = (unsigned int)len;
	e->exported = (unsigned int)exported;
	p = v->buf + v->used;
	memcpy(p, name, nlen);
	if (exported)
		p[nlen] = '=';
	p[len] = '\0';
	v->used += len + 1;
	v->n++;
	return p + nlen + 1;
}

int
env_put(struct env *v, const char *name, size_t nlen, const char *val,
        size_t vlen, int exported)
{
	char *p = reserve(v, name, nlen, vlen, exported);

	if (p == NULL)
		return S_UNPROCESSABLE;
	if (exported && vlen)
		memcpy(p, val, vlen);
	return 0;
}

char *
env_open(struct env *v, const char *name, size_t nlen, size_t vlen)
{
	return reserve(v, name, nlen, vlen, 1);
}

void
env_trim(struct env *v, size_t vlen)
{
	struct env_entry *e = &v->e[v->n - 1];
	size_t len = e->namelen + 1 + vlen;

	v->buf[e->off + len] = '\0';
	v->used = e->off + len + 1;
	e->len = (unsigned int)len;
}

/* The fallback of env_duplicate: sorts the indexes by name. */
static const struct env *sort_env;

static int
cmp_name(const void *a, const void *b)
{
	const struct env_entry *x = &sort_env->e[*(const unsigned int *)a];
	const struct env_entry *y = &sort_env->e[*(const unsigned int *)b];
	size_t n = x->namelen < y->namelen ? x->namelen : y->namelen;
	int c = memcmp(sort_env->buf + x->off, sort_env->buf + y->off, n);

	if (c)
		return c;
	return (x->namelen > y->namelen) - (x->namelen < y->namelen);
}

static long
duplicate_sorted(const struct env *v, size_t from, unsigned int *idx)
{
	size_t i, k = 0;

	for (i = from; i < v->n; i++)
		idx[k++] = (unsigned int)i;
	sort_env = v;
	qsort(idx, k, sizeof *idx, cmp_name);
	for (i = 1; i < k; i++)
		if (cmp_name(&idx[i - 1], &idx[i]) == 0)
			return (long)(idx[i] > idx[i - 1] ? idx[i] : idx[i - 1]);
	return -1;
}

uint64_t
env_name_hash(const char *name, size_t n)
{
	const unsigned char *s = (const unsigned char *)name;
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t h = n * k, w;
	uint32_t a, b;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	if (i < n) {
		if (n >= 8) {           /* the last eight bytes, overlapping */
			memcpy(&w, s + n - 8, 8);
		} else if (n >= 4) {
			memcpy(&a, s, 4);
			memcpy(&b, s + n - 4, 4);
			w = (uint64_t)a << 32 | b;
		} else {
			w = (uint64_t)s[0] << 16 | (uint64_t)s[n / 2] << 8 | s[n - 1];
		}
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	h *= k;
	return h ^ h >> 32;
}

/* Open addressing over a power-of-two table of at least twice as many
 * slots as names, in scratch: table[slot] is r, the rank of the name put
 * there (entry from + r), and at[r] its slot, tag[r] the high half of its
 * hash. A slot is in use only when at[table[slot]] points back at it for a
 * rank already put, so nothing needs clearing first. Names are compared
 * only when the tags agree. The work (slots visited, bytes compared) is
 * bounded by a budget that grows with the names' bytes; past it, the sort
 * decides. */
long
env_duplicate(const struct env *v, size_t from, unsigned int *scratch)
{
	size_t k = v->n > from ? v->n - from : 0, size = 16, mask, r, s;
	unsigned int *table = scratch, *at, *tag, t, o;
	unsigned long work = 0, budget = 0;
	const struct env_entry *e;
	uint64_t h;

	while (size < 2 * k)
		size *= 2;
	mask = size - 1;
	at = table + size;      /* all three together: few pages touched */
	tag = at + k;
	for (r = 0; r < k; r++) {
		e = &v->e[from + r];
		h = env_name_hash(v->buf + e->off, e->namelen);
		t = (unsigned int)(h >> 32);
		budget += 8 + 2UL * e->namelen;
		for (s = (size_t)h & mask; (o = table[s]) < r && at[o] == s;
		    s = (s + 1) & mask) {
			if (++work > budget)
				return duplicate_sorted(v, from, scratch);
			if (tag[o] != t || v->e[from + o].namelen != e->namelen)
				continue;
			work += e->namelen;
			if (memcmp(v->buf + v->e[from + o].off, v->buf + e->off,
			    e->namelen) == 0)
				return (long)(from + r);
		}
		table[s] = (unsigned int)r;
		at[r] = (unsigned int)s;
		tag[r] = t;
	}
	return -1;
}

const char *
env_get(const struct env *v, const char *name, size_t nlen)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		const struct env_entry *e = &v->e[i];
		if (e->exported && e->namelen == nlen &&
		    memcmp(v->buf + e->off, name, nlen) == 0)
			return v->buf + e->off + nlen + 1;
	}
	return NULL;
}

size_t
env_vector(struct env *v, char **out)
{
	size_t i, k = 0;

	for (i = 0; i < v->n; i++)
		if (v->e[i].exported)
			out[k++] = v->buf + v->e[i].off;
	out[k] = NULL;
	return k;
}
