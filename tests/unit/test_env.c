/* test_env.c: the hook environment table (env.c): each limit exactly at
 * and past its bound, duplicates, lookups and the execve vector. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "env.h"
#include "limits.h"
#include "status.h"

static struct env env;
static char *vec[ENV_VARS_MAX + 1];
static unsigned int idx[ENV_DUP_SCRATCH];
static char val[ENV_STRING_MAX + 8];

#define PUT(n, v) env_put(&env, n, strlen(n), v, strlen(v), 1)

static void
test_basic(void)
{
	size_t n;
	const char *g;

	env_init(&env);
	check(env.n == 0 && env.used == 0, "env_init empties");
	check(PUT("A", "1") == 0, "put A=1");
	check(env_put(&env, "HIDDEN", 6, NULL, 0, 0) == 0, "put HIDDEN unexported");
	check(PUT("EMPTY", "") == 0, "put EMPTY=");
	check(env_put(&env, "BXX", 1, "2yy", 1, 1) == 0, "put B=2 from longer buffers");
	check(env.n == 4 && env.used == 4 + 7 + 7 + 4, "entries 4, bytes %zu", env.used);
	g = env_get(&env, "A", 1);
	check(g && strcmp(g, "1") == 0, "env_get A");
	g = env_get(&env, "B", 1);
	check(g && strcmp(g, "2") == 0, "env_get B");
	g = env_get(&env, "EMPTY", 5);
	check(g && strcmp(g, "") == 0, "env_get EMPTY is empty, not NULL");
	check(env_get(&env, "HIDDEN", 6) == NULL, "env_get skips unexported");
	check(env_get(&env, "EMPT", 4) == NULL, "env_get prefix of a name");
	check(env_get(&env, "AB", 2) == NULL, "env_get longer name");
	check(env_get(&env, "a", 1) == NULL, "env_get is case-sensitive");
	check(env_get(&env, "A=1", 1) != NULL, "env_get uses nlen only");

	n = env_vector(&env, vec);
	check(n == 3 && strcmp(vec[0], "A=1") == 0 && strcmp(vec[1], "EMPTY=") == 0 &&
	    strcmp(vec[2], "B=2") == 0 && vec[3] == NULL,
	    "env_vector: exported entries in order, NULL-terminated");
	check(env_duplicate(&env, 0, idx) == -1, "env_duplicate: none");

	/* env_open: the caller writes the value */
	{
		char *p = env_open(&env, "OPEN", 4, 3);
		if (p)
			memcpy(p, "xyz", 3);
		g = env_get(&env, "OPEN", 4);
		check(p && g && strcmp(g, "xyz") == 0, "env_open then write");
	}
	/* env_trim: as if env_open had been given the shorter length */
	{
		size_t used = env.used;
		char *p = env_open(&env, "TRIM", 4, 10);
		if (p)
			memcpy(p, "abcdefghij", 10);
		env_trim(&env, 3);
		g = env_get(&env, "TRIM", 4);
		check(p && g && strcmp(g, "abc") == 0 && env.used == used + 9 &&
		    env.e[env.n - 1].len == 8, "env_trim to 3 of 10 bytes");
		p = env_open(&env, "T0", 2, 5);
		env_trim(&env, 0);
		g = env_get(&env, "T0", 2);
		check(p && g && *g == '\0' && env.used == used + 9 + 4,
		    "env_trim to nothing");
	}
}

static void
test_duplicate(void)
{
	long d;

	env_init(&env);
	PUT("A", "1");
	PUT("B", "1");
	PUT("A", "2");
	d = env_duplicate(&env, 0, idx);
	check(d == 0 || d == 2, "env_duplicate finds A twice: %ld", d);
	check(env_duplicate(&env, 1, idx) == -1, "env_duplicate from 1: none");

	env_init(&env);
	PUT("AB", "1");
	env_put(&env, "A", 1, NULL, 0, 0);
	PUT("ABC", "1");
	check(env_duplicate(&env, 0, idx) == -1, "prefixes are not duplicates");
	env_put(&env, "AB", 2, NULL, 0, 0);
	d = env_duplicate(&env, 0, idx);
	check(d == 0 || d == 3, "exported AB and unexported AB collide: %ld", d);

	env_init(&env);
	PUT("X", "same");
	PUT("Y", "same");
	check(env_duplicate(&env, 0, idx) == -1, "same values, different names");
	PUT("X", "other");
	check(env_duplicate(&env, 0, idx) == 2 || env_duplicate(&env, 0, idx) == 0,
	    "same name, different values");
	/* a name that is a prefix up to '=' of another entry's text */
	env_init(&env);
	PUT("A", "B");
	PUT("A=B", "");
	check(env_duplicate(&env, 0, idx) == -1, "A=B and A=B= are different names");
}

/* Names crafted to share one slot of the table: the probing passes its
 * budget and the sort decides, with the same answers. Then the same with
 * the scratch full of garbage, which env_duplicate must not need cleared. */
static void
test_duplicate_colliding(void)
{
	char name[32];
	size_t i, n = 0;
	unsigned long tries;
	int all = 1;

	env_init(&env);
	for (tries = 0; n < 600 && tries < 50000000UL; tries++) {
		snprintf(name, sizeof name, "N%lu", tries);
		if ((env_name_hash(name, strlen(name)) & 2047) != 5)
			continue;
		if (PUT(name, "x") != 0)
			all = 0;
		n++;
	}
	check(all && n == 600, "600 names in one slot of 2048 (%lu tries)", tries);
	check(env_duplicate(&env, 0, idx) == -1, "colliding names: none alike");
	snprintf(name, sizeof name, "%.*s", (int)env.e[10].namelen,
	    env.buf + env.e[10].off);
	PUT(name, "y");
	check(env_duplicate(&env, 0, idx) == 600,
	    "colliding names: the later of two alike: %ld",
	    env_duplicate(&env, 0, idx));
	for (i = 0; i < ENV_DUP_SCRATCH; i++)
		idx[i] = (unsigned int)(i * 2654435761U);
	check(env_duplicate(&env, 0, idx) == 600, "scratch of garbage, alike");
	env.n--;
	for (i = 0; i < ENV_DUP_SCRATCH; i++)
		idx[i] = (unsigned int)(i % 7);
	check(env_duplicate(&env, 0, idx) == -1, "scratch of garbage, none");
}

static void
test_limits(void)
{
	size_t i;
	char name[16];
	int st, all = 1;

	/* per string: "NAME=VALUE" plus NUL at most ENV_STRING_MAX */
	memset(val, 'v', sizeof val);
	env_init(&env);
	st = env_put(&env, "N", 1, val, ENV_STRING_MAX - 3, 1);
	check(st == 0 && env.used == ENV_STRING_MAX,
	    "string of ENV_STRING_MAX bytes with NUL: %d", st);
	st = env_put(&env, "N", 1, val, ENV_STRING_MAX - 2, 1);
	check(st == 422 && env.n == 1 && env.used == ENV_STRING_MAX,
	    "string of ENV_STRING_MAX+1 bytes: %d, table unchanged", st);
	check(env_open(&env, "N", 1, ENV_STRING_MAX - 2) == NULL,
	    "env_open over ENV_STRING_MAX: NULL");
	st = env_put(&env, val, ENV_STRING_MAX - 1, NULL, 0, 0);
	check(st == 0, "unexported name of ENV_STRING_MAX-1: %d", st);
	st = env_put(&env, val, ENV_STRING_MAX, NULL, 0, 0);
	check(st == 422, "unexported name of ENV_STRING_MAX: %d", st);

	/* total bytes */
	env_init(&env);
	for (i = 0; i < ENV_BYTES_MAX / ENV_STRING_MAX; i++)
		if (env_put(&env, "N", 1, val, ENV_STRING_MAX - 3, 1) != 0)
			all = 0;
	check(all && env.used == ENV_BYTES_MAX, "fill ENV_BYTES_MAX exactly (%zu)",
	    env.used);
	st = env_put(&env, "", 0, NULL, 0, 0);
	check(st == 422, "one more byte over ENV_BYTES_MAX: %d", st);
	env_init(&env);
	for (i = 0; i < ENV_BYTES_MAX / ENV_STRING_MAX - 1; i++)
		env_put(&env, "N", 1, val, ENV_STRING_MAX - 3, 1);
	st = env_put(&env, "N", 1, val, ENV_STRING_MAX - 4, 1);
	check(st == 0 && env.used == ENV_BYTES_MAX - 1, "ENV_BYTES_MAX - 1: %d", st);
	st = env_put(&env, "M", 1, "", 0, 1);
	check(st == 422 && env.used == ENV_BYTES_MAX - 1,
	    "M= needs 3 bytes, 1 left: %d", st);
	st = env_put(&env, "", 0, NULL, 0, 0);
	check(st == 0 && env.used == ENV_BYTES_MAX, "an empty unexported name fits: %d",
	    st);

	/* count */
	env_init(&env);
	all = 1;
	for (i = 0; i < ENV_VARS_MAX; i++) {
		snprintf(name, sizeof name, "V%zu", i);
		if (PUT(name, "x") != 0)
			all = 0;
	}
	check(all && env.n == ENV_VARS_MAX, "%d entries fit", ENV_VARS_MAX);
	st = PUT("ONE", "more");
	check(st == 422 && env.n == ENV_VARS_MAX, "entry %d: %d", ENV_VARS_MAX + 1, st);
	check(env_open(&env, "ONE", 3, 1) == NULL, "env_open entry %d: NULL",
	    ENV_VARS_MAX + 1);
	check(env_put(&env, "H", 1, NULL, 0, 0) == 422, "unexported entries count too");
	check(env_vector(&env, vec) == ENV_VARS_MAX && vec[ENV_VARS_MAX] == NULL,
	    "env_vector of a full table");
	check(env_duplicate(&env, 0, idx) == -1, "%d distinct names", ENV_VARS_MAX);
	check(strcmp(env_get(&env, "V4095", 5), "x") == 0, "env_get the last one");
}

int
main(void)
{
	test_basic();
	test_duplicate();
	test_duplicate_colliding();
	test_limits();
	return check_done();
}
