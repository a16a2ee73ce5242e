/* env.c: the hook's environment table. Fixed-size, filled by callers that
 * have validated names; refuses (422) rather than truncates when a limit
 * would be passed. Never touches the process environment. */
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

long
env_duplicate(const struct env *v, size_t from, unsigned int *idx)
{
	size_t i, k = 0;

	for (i = from; i < v->n; i++)
		idx[k++] = (unsigned int)i;
	sort_env = v;
	qsort(idx, k, sizeof *idx, cmp_name);
	for (i = 1; i < k; i++)
		if (cmp_name(&idx[i - 1], &idx[i]) == 0)
			return (long)idx[i];
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
