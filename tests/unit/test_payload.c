/* test_payload.c: known answers for the payload export (payload.c): the
 * JobServ sample's whole environment, key mapping, values, and every
 * refusal (duplicates, collisions, empty keys, limits). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "env.h"
#include "limits.h"
#include "payload.h"
#include "status.h"

#define U(s) ((const unsigned char *)(s))

static struct env env;
static char *vec[ENV_VARS_MAX + 1];
static unsigned char body[2 * 1024 * 1024];
static const char *why;

static int
export(const char *b, size_t len)
{
	env_init(&env);
	why = "unset";
	return payload_export(U(b), len, "WEBHOOK_", &env, &why);
}

#define EXPORT(s) export(s, sizeof(s) - 1)

static const char *
get(const char *name)
{
	return env_get(&env, name, strlen(name));
}

/* 1 if name is exported with exactly value (len bytes). */
static int
has(const char *name, const char *value, size_t len)
{
	const char *v = get(name);

	return v && strlen(v) == len && memcmp(v, value, len) == 0;
}

#define HAS(n, v) has(n, v, sizeof(v) - 1)

/* v with bytes outside printable ASCII as \xHH, at most 80 of them, for
 * test names that stay on one line. */
static const char *
shown(const char *v)
{
	static char out[4 * 80 + 1];
	size_t i, k = 0;

	if (v == NULL)
		return "(none)";
	for (i = 0; v[i] && i < 80; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c >= 0x20 && c < 0x7f)
			out[k++] = (char)c;
		else
			k += (size_t)sprintf(out + k, "\\x%02x", c);
	}
	out[k] = '\0';
	return out;
}

static size_t
exported(void)
{
	return env_vector(&env, vec);
}

/* Every variable the sample must export, from an independent walk of the
 * file (Python's json module) checked by hand against the reference page:
 * 7 top-level scalars, RUNS_COUNT, and 9 + 9 + 8 fields of the three runs
 * (the third run has no "tests"). */
static const struct {
	const char *name;
	const char *value;
} sample_vars[] = {
	{ "WEBHOOK_BUILD_ID", "67" },
	{ "WEBHOOK_URL", "https://api.foundries.io/projects/andy-corp/lmp/builds/67/" },
	{ "WEBHOOK_STATUS", "PASSED" },
	{ "WEBHOOK_RUNS_COUNT", "3" },
	{ "WEBHOOK_RUNS_0_NAME", "build-amd64-partner" },
	{ "WEBHOOK_RUNS_0_URL", "https://api.foundries.io/projects/andy-corp/lmp/builds/67/runs/build-amd64-partner/" },
	{ "WEBHOOK_RUNS_0_STATUS", "PASSED" },
	{ "WEBHOOK_RUNS_0_LOG_URL", "https://api.foundries.io/projects/andy-corp/lmp/builds/67/runs/build-amd64-partner/console.log" },
	{ "WEBHOOK_RUNS_0_WEB_URL", "https://ci.foundries.io/projects/andy-corp/lmp/builds/67/build-amd64-partner/" },
	{ "WEBHOOK_RUNS_0_CREATED", "2021-07-26T18:10:37+00:00" },
	{ "WEBHOOK_RUNS_0_COMPLETED", "2021-07-26T18:11:42+00:00" },
	{ "WEBHOOK_RUNS_0_HOST_TAG", "amd64-partner" },
	{ "WEBHOOK_RUNS_0_TESTS", "https://api.foundries.io/projects/andy-corp/lmp/builds/67/runs/build-amd64-partner/tests/" },
	{ "WEBHOOK_RUNS_1_NAME", "build-aarch64" },
	{ "WEBHOOK_RUNS_1_URL", "https://api.foundries.io/projects/andy-corp/lmp/builds/67/runs/build-aarch64/" },
	{ "WEBHOOK_RUNS_1_STATUS", "PASSED" },
	{ "WEBHOOK_RUNS_1_LOG_URL", "https://api.foundries.io/projects/andy-corp/lmp/builds/67/runs/build-aarch64/console.log" },
	{ "WEBHOOK_RUNS_1_WEB_URL", "https://ci.foundries.io/projects/andy-corp/lmp/builds/67/build-aarch64/" },
	{ "WEBHOOK_RUNS_1_CREATED", "2021-07-26T18:10:35+00:00" },
	{ "WEBHOOK_RUNS_1_COMPLETED", "2021-07-26T18:11:02+00:00" },
	{ "WEBHOOK_RUNS_1_HOST_TAG", "aarch64" },
	{ "WEBHOOK_RUNS_1_TESTS", "https://api.foundries.io/projects/andy-corp/lmp/builds/67/runs/build-aarch64/tests/" },
	{ "WEBHOOK_RUNS_2_NAME", "publish-compose-apps" },
	{ "WEBHOOK_RUNS_2_URL", "https://api.foundries.io/projects/andy-corp/lmp/builds/67/runs/publish-compose-apps/" },
	{ "WEBHOOK_RUNS_2_STATUS", "PASSED" },
	{ "WEBHOOK_RUNS_2_LOG_URL", "https://api.foundries.io/projects/andy-corp/lmp/builds/67/runs/publish-compose-apps/console.log" },
	{ "WEBHOOK_RUNS_2_WEB_URL", "https://ci.foundries.io/projects/andy-corp/lmp/builds/67/publish-compose-apps/" },
	{ "WEBHOOK_RUNS_2_CREATED", "2021-07-26T18:11:49+00:00" },
	{ "WEBHOOK_RUNS_2_COMPLETED", "2021-07-26T18:19:24+00:00" },
	{ "WEBHOOK_RUNS_2_HOST_TAG", "amd64-partner" },
	{ "WEBHOOK_WEB_URL", "https://ci.foundries.io/projects/andy-corp/lmp/builds/67" },
	{ "WEBHOOK_TRIGGER_NAME", "containers-devel" },
	{ "WEBHOOK_CREATED", "2021-07-26T18:10:33+00:00" },
	{ "WEBHOOK_COMPLETED", "2021-07-26T18:19:24+00:00" },
};

static void
test_sample(const char *argv0)
{
	size_t len = 0, i, n, k, nvars = sizeof sample_vars / sizeof sample_vars[0];
	int st, all = 1, listed;

	len = check_sample(argv0, body, sizeof body);
	if (len == 0 || len == sizeof body) {
		check(0, "read tests/data/jobserv-build.json");
		return;
	}
	st = export((const char *)body, len);
	check(st == 0 && why == NULL, "sample exports: %d", st);
	check(HAS("WEBHOOK_BUILD_ID", "67"), "sample WEBHOOK_BUILD_ID=67");
	check(HAS("WEBHOOK_STATUS", "PASSED"), "sample WEBHOOK_STATUS=PASSED");
	check(HAS("WEBHOOK_RUNS_COUNT", "3"), "sample WEBHOOK_RUNS_COUNT=3");
	check(HAS("WEBHOOK_RUNS_0_NAME", "build-amd64-partner"),
	    "sample WEBHOOK_RUNS_0_NAME=build-amd64-partner");
	check(HAS("WEBHOOK_RUNS_2_HOST_TAG", "amd64-partner"),
	    "sample WEBHOOK_RUNS_2_HOST_TAG=amd64-partner");
	check(get("WEBHOOK_RUNS_2_TESTS") == NULL, "sample run 2 has no TESTS");
	check(get("WEBHOOK_RUNS") == NULL && get("WEBHOOK_RUNS_0") == NULL,
	    "sample: arrays and objects are not exported themselves");
	for (i = 0; i < nvars; i++)
		if (!has(sample_vars[i].name, sample_vars[i].value,
		    strlen(sample_vars[i].value))) {
			all = 0;
			check(0, "sample %s", sample_vars[i].name);
		}
	check(all, "sample: all %zu expected variables, exact values", nvars);
	n = exported();
	check(n == nvars && n == 34, "sample exports exactly %zu variables (%zu)",
	    nvars, n);
	/* 38 entries: the 34 exported plus RUNS, RUNS_0, RUNS_1, RUNS_2 kept
	 * unexported for the collision check */
	check(env.n == 38, "sample: %zu entries in all", env.n);
	all = 1;
	for (k = 0; k < n; k++) {
		listed = 0;
		for (i = 0; i < nvars; i++)
			if (strncmp(vec[k], sample_vars[i].name,
			    strlen(sample_vars[i].name)) == 0 &&
			    vec[k][strlen(sample_vars[i].name)] == '=')
				listed = 1;
		if (!listed) {
			all = 0;
			check(0, "sample exports unexpected %s", shown(vec[k]));
		}
	}
	check(all && vec[n] == NULL, "sample: nothing exported beyond the list");
	check(strcmp(vec[0], "WEBHOOK_BUILD_ID=67") == 0,
	    "sample: document order, first is %s", shown(vec[0]));

	/* another prefix */
	env_init(&env);
	st = payload_export(body, len, "CI_", &env, &why);
	check(st == 0 && HAS("CI_BUILD_ID", "67") && HAS("CI_RUNS_1_HOST_TAG", "aarch64") &&
	    get("WEBHOOK_BUILD_ID") == NULL, "sample with prefix CI_");
}

static const struct {
	const char *name;
	const char *in;
	size_t len;
	const char *var;      /* NULL: nothing exported */
	const char *value;
	size_t vlen;
	size_t nexported;
} maps[] = {
#define T(n, s, var, val, ne) { n, s, sizeof(s) - 1, var, val, sizeof(val) - 1, ne }
	T("build-id", "{\"build-id\":1}", "WEBHOOK_BUILD_ID", "1", 1),
	T("a.b", "{\"a.b\":1}", "WEBHOOK_A_B", "1", 1),
	T("a b", "{\"a b\":1}", "WEBHOOK_A_B", "1", 1),
	T("lower to upper", "{\"aBc9z\":1}", "WEBHOOK_ABC9Z", "1", 1),
	T("digits kept", "{\"0123456789\":1}", "WEBHOOK_0123456789", "1", 1),
	T("underscore kept", "{\"_a_\":1}", "WEBHOOK__A_", "1", 1),
	T("punctuation", "{\"!#$%&'()*+,-./:;<=>?@[]^`{|}~\":1}",
	  "WEBHOOK_" "_____________________________", "1", 1),
	T("UTF-8 key, one _ per byte", "{\"\xc3\xa9t\xc3\xa9\":1}", "WEBHOOK___T__", "1", 1),
	T("4-byte UTF-8 key", "{\"\xf0\x9f\x98\x80\":1}", "WEBHOOK_____", "1", 1),
	T("escaped key decoded first", "{\"\\u00e9\":1}", "WEBHOOK___", "1", 1),
	T("escaped letters in key", "{\"\\u0061\\u0062\":1}", "WEBHOOK_AB", "1", 1),
	T("escaped quote in key", "{\"a\\\"b\":1}", "WEBHOOK_A_B", "1", 1),
	T("control escape in key", "{\"a\\nb\":1}", "WEBHOOK_A_B", "1", 1),
	T("true", "{\"a\":true}", "WEBHOOK_A", "true", 1),
	T("false", "{\"a\":false}", "WEBHOOK_A", "false", 1),
	T("null is empty", "{\"a\":null}", "WEBHOOK_A", "", 1),
	T("empty string", "{\"a\":\"\"}", "WEBHOOK_A", "", 1),
	T("integer", "{\"a\":67}", "WEBHOOK_A", "67", 1),
	T("negative zero", "{\"a\":-0}", "WEBHOOK_A", "-0", 1),
	T("fraction", "{\"a\":-0.50}", "WEBHOOK_A", "-0.50", 1),
	T("1e400 as text", "{\"a\":1e400}", "WEBHOOK_A", "1e400", 1),
	T("exponent forms", "{\"a\":1.5E+10}", "WEBHOOK_A", "1.5E+10", 1),
	T("30-digit integer", "{\"a\":123456789012345678901234567890}", "WEBHOOK_A",
	  "123456789012345678901234567890", 1),
	T("number before whitespace", "{\"a\":12 }", "WEBHOOK_A", "12", 1),
	T("escapes decoded", "{\"a\":\"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f\"}", "WEBHOOK_A",
	  "q\"b\\s/n\nt\tr\rb\bf\f", 1),
	T("\\u escapes to UTF-8", "{\"a\":\"\\u00e9\\u20ac\\ud83d\\ude00\"}", "WEBHOOK_A",
	  "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 1),
	T("raw UTF-8 kept", "{\"a\":\"\xc3\xa9\"}", "WEBHOOK_A", "\xc3\xa9", 1),
	T("value with = and spaces", "{\"a\":\"x=y z\"}", "WEBHOOK_A", "x=y z", 1),
	T("nested object", "{\"a\":{\"b\":{\"c\":1}}}", "WEBHOOK_A_B_C", "1", 1),
	T("array", "{\"a\":[\"x\",\"y\"]}", "WEBHOOK_A_1", "y", 3),
	T("array count", "{\"a\":[\"x\",\"y\"]}", "WEBHOOK_A_COUNT", "2", 3),
	T("nested arrays [[1,2]]", "{\"a\":[[1,2]]}", "WEBHOOK_A_0_1", "2", 4),
	T("nested arrays inner count", "{\"a\":[[1,2]]}", "WEBHOOK_A_0_COUNT", "2", 4),
	T("nested arrays outer count", "{\"a\":[[1,2]]}", "WEBHOOK_A_COUNT", "1", 4),
	T("objects in array", "{\"r\":[{\"n\":1},{\"n\":2}]}", "WEBHOOK_R_1_N", "2", 3),
	T("empty array", "{\"a\":[]}", "WEBHOOK_A_COUNT", "0", 1),
	T("empty object exports nothing", "{\"a\":{}}", NULL, "", 0),
	T("empty root", "{}", NULL, "", 0),
	T("empty array in array", "{\"a\":[[]]}", "WEBHOOK_A_0_COUNT", "0", 2),
	T("index 10", "{\"a\":[0,1,2,3,4,5,6,7,8,9,10]}", "WEBHOOK_A_10", "10", 12),
	T("PATH", "{\"PATH\":\"/tmp\"}", "WEBHOOK_PATH", "/tmp", 1),
	T("path lower case", "{\"path\":\"/tmp\"}", "WEBHOOK_PATH", "/tmp", 1),
	T("LD_PRELOAD", "{\"LD_PRELOAD\":\"/x.so\"}", "WEBHOOK_LD_PRELOAD", "/x.so", 1),
	T("IFS", "{\"IFS\":\" \"}", "WEBHOOK_IFS", " ", 1),
	T("BASH_ENV", "{\"BASH_ENV\":\"/x\"}", "WEBHOOK_BASH_ENV", "/x", 1),
#undef T
};

static void
test_maps(void)
{
	size_t i, n;
	int st;

	for (i = 0; i < sizeof maps / sizeof maps[0]; i++) {
		st = export(maps[i].in, maps[i].len);
		n = exported();
		check(st == 0 && why == NULL && n == maps[i].nexported &&
		    (maps[i].var == NULL ||
		    has(maps[i].var, maps[i].value, maps[i].vlen)),
		    "payload %s: status %d, %zu exported, %s=%s", maps[i].name, st, n,
		    maps[i].var ? maps[i].var : "-",
		    maps[i].var ? shown(get(maps[i].var)) : "-");
	}
	/* names a payload cannot reach */
	EXPORT("{\"PATH\":\"/tmp\",\"LD_PRELOAD\":\"/x.so\",\"IFS\":\" \","
	    "\"BASH_ENV\":\"/x\",\"HOME\":\"/\"}");
	n = exported();
	check(n == 5 && get("PATH") == NULL && get("LD_PRELOAD") == NULL &&
	    get("IFS") == NULL && get("BASH_ENV") == NULL && get("HOME") == NULL,
	    "payload keys PATH, LD_PRELOAD, IFS, BASH_ENV, HOME only as WEBHOOK_*");
	for (i = 0; i < n; i++)
		check(strncmp(vec[i], "WEBHOOK_", 8) == 0, "exported %s has the prefix",
		    shown(vec[i]));
	/* the nested arrays case, in full and in order */
	EXPORT("{\"a\":[[1,2]]}");
	n = exported();
	check(n == 4 && strcmp(vec[0], "WEBHOOK_A_COUNT=1") == 0 &&
	    strcmp(vec[1], "WEBHOOK_A_0_COUNT=2") == 0 &&
	    strcmp(vec[2], "WEBHOOK_A_0_0=1") == 0 &&
	    strcmp(vec[3], "WEBHOOK_A_0_1=2") == 0, "[[1,2]] exports in order");
	/* a null's value is empty, not absent */
	EXPORT("{\"a\":null}");
	check(exported() == 1 && strcmp(vec[0], "WEBHOOK_A=") == 0, "null as WEBHOOK_A=");
}

static const struct {
	const char *name;
	const char *in;
	size_t len;
	int status;
} refusals[] = {
#define T(n, s, st) { n, s, sizeof(s) - 1, st }
	T("not JSON", "{\"a\":1,}", 400),
	T("empty body", "", 400),
	T("root array", "[1]", 422),
	T("\\u0000 value", "{\"a\":\"\\u0000\"}", 422),
	T("lone surrogate key", "{\"\\ud800\":1}", 422),
	T("duplicate keys", "{\"a\":1,\"a\":2}", 422),
	T("duplicate keys, same value", "{\"a\":1,\"a\":1}", 422),
	T("duplicate object keys {\"a\":{},\"a\":{}}", "{\"a\":{},\"a\":{}}", 422),
	T("duplicate array keys", "{\"a\":[],\"a\":[]}", 422),
	T("duplicate keys, object then scalar", "{\"a\":{},\"a\":1}", 422),
	T("duplicate keys deep", "{\"x\":{\"y\":{\"a\":1,\"a\":2}}}", 422),
	T("duplicate keys in array elements' objects", "{\"r\":[{\"a\":1,\"a\":1}]}", 422),
	T("escaped duplicate key", "{\"a\":1,\"\\u0061\":2}", 422),
	T("build-id and build_id", "{\"build-id\":1,\"build_id\":2}", 422),
	T("a and A", "{\"a\":1,\"A\":2}", 422),
	T("runs_count beside array runs", "{\"runs\":[1],\"runs_count\":1}", 422),
	T("runs_count before array runs", "{\"runs_count\":1,\"runs\":[]}", 422),
	T("a_b beside a.b", "{\"a_b\":1,\"a\":{\"b\":2}}", 422),
	T("a_0 beside array a", "{\"a\":[5],\"a_0\":1}", 422),
	T("a_0 object key beside array a", "{\"a\":[5],\"a\":{\"0\":1}}", 422),
	T("object key 0 beside a_0", "{\"a\":{\"0\":1},\"a_0\":1}", 422),
	T("UTF-8 keys mapping alike", "{\"\xc3\xa9\":1,\"__\":2}", 422),
	T("collision with an empty object", "{\"a_b\":{},\"a\":{\"b\":1}}", 422),
	T("empty key", "{\"\":1}", 422),
	T("empty key nested", "{\"a\":{\"\":1}}", 422),
	T("empty key with object value", "{\"\":{}}", 422),
#undef T
};

static void
test_refusals(void)
{
	size_t i;
	int st;

	for (i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		st = export(refusals[i].in, refusals[i].len);
		check(st == refusals[i].status && why != NULL &&
		    strcmp(why, "unset") != 0, "payload %s: %d, want %d (%s)",
		    refusals[i].name, st, refusals[i].status, why ? why : "null");
	}
}

/* {"a":"xxx..."} whose variable WEBHOOK_A=xxx... is n bytes without its NUL. */
static size_t
long_value(size_t n)
{
	size_t k = 6, v = n - 10;

	memcpy(body, "{\"a\":\"", 6);
	memset(body + k, 'x', v);
	k += v;
	memcpy(body + k, "\"}", 2);
	return k + 2;
}

static void
test_limits(void)
{
	size_t len, k, i;
	int st;

	len = long_value(ENV_STRING_MAX - 1);
	st = export((const char *)body, len);
	check(st == 0 && get("WEBHOOK_A") && strlen(get("WEBHOOK_A")) ==
	    ENV_STRING_MAX - 11, "NAME=VALUE of ENV_STRING_MAX-1 bytes: %d", st);
	len = long_value(ENV_STRING_MAX);
	st = export((const char *)body, len);
	check(st == 422 && exported() == 0,
	    "NAME=VALUE of ENV_STRING_MAX bytes: %d", st);
	/* the same limit reached through escapes: 6 body bytes, 3 decoded */
	memcpy(body, "{\"a\":\"", 6);
	k = 6;
	for (i = 0; i < (ENV_STRING_MAX - 10) / 3 + 1; i++) {
		memcpy(body + k, "\\u20ac", 6);
		k += 6;
	}
	memcpy(body + k, "\"}", 2);
	st = export((const char *)body, k + 2);
	check(st == 422, "decoded value over ENV_STRING_MAX: %d", st);

	/* a long key */
	memcpy(body, "{\"", 2);
	memset(body + 2, 'k', 1000);
	memcpy(body + 1002, "\":1}", 4);
	st = export((const char *)body, 1006);
	check(st == 0 && exported() == 1 && strlen(vec[0]) == 8 + 1000 + 2,
	    "1000-byte key: %d", st);
	memset(body + 2, 'k', ENV_STRING_MAX);
	memcpy(body + 2 + ENV_STRING_MAX, "\":1}", 4);
	st = export((const char *)body, ENV_STRING_MAX + 6);
	check(st == 422, "key of ENV_STRING_MAX bytes: %d", st);

	/* a name may take ENV_STRING_MAX - 32 bytes: 8 of prefix and a key
	 * of ENV_STRING_MAX - 40; one more byte is refused, and so is any key
	 * below a name that long (its segment would not fit in the name
	 * buffer: refused before it is written) */
	for (k = ENV_STRING_MAX - 40; k <= ENV_STRING_MAX - 39; k++) {
		memcpy(body, "{\"", 2);
		memset(body + 2, 'k', k);
		memcpy(body + 2 + k, "\":1}", 4);
		st = export((const char *)body, k + 6);
		if (k == ENV_STRING_MAX - 40)
			check(st == 0 && exported() == 1 &&
			    strlen(vec[0]) == ENV_STRING_MAX - 32 + 2,
			    "key of ENV_STRING_MAX-40 bytes: %d", st);
		else
			check(st == 422, "key of ENV_STRING_MAX-39 bytes: %d", st);
	}
	k = ENV_STRING_MAX - 40;
	memcpy(body, "{\"", 2);
	memset(body + 2, 'k', k);
	len = 2 + k;
	len += (size_t)sprintf((char *)body + len, "\":{\"");
	memset(body + len, 'c', 3000);
	len += 3000;
	len += (size_t)sprintf((char *)body + len, "\":1}}");
	st = export((const char *)body, len);
	check(st == 422 && why && strstr(why, "per-variable limit"),
	    "a key below a name of ENV_STRING_MAX-32 bytes: %d (%s)", st,
	    why ? why : "null");
	len = 2 + k + 4;                    /* the same, escaped */
	for (i = 0; i < 500; i++) {
		memcpy(body + len, "\\u0063", 6);
		len += 6;
	}
	len += (size_t)sprintf((char *)body + len, "\":1}}");
	st = export((const char *)body, len);
	check(st == 422 && why && strstr(why, "per-variable limit"),
	    "an escaped key below it: %d (%s)", st, why ? why : "null");

	/* entries: {"a":[0,...]} gives A (kept, not exported), A_COUNT and
	 * one per element */
	for (k = ENV_VARS_MAX - 2; k <= ENV_VARS_MAX - 1; k++) {
		len = (size_t)sprintf((char *)body, "{\"a\":[");
		for (i = 0; i < k; i++)
			len += (size_t)sprintf((char *)body + len, i ? ",0" : "0");
		len += (size_t)sprintf((char *)body + len, "]}");
		st = export((const char *)body, len);
		if (k == ENV_VARS_MAX - 2)
			check(st == 0 && env.n == ENV_VARS_MAX &&
			    exported() == ENV_VARS_MAX - 1,
			    "%d entries: %d", ENV_VARS_MAX, st);
		else
			check(st == 422, "%d entries: %d", ENV_VARS_MAX + 1, st);
	}

	/* bytes: 9 values of 120000 bytes pass ENV_BYTES_MAX */
	len = 1;
	body[0] = '{';
	for (k = 0; k < 9; k++) {
		len += (size_t)sprintf((char *)body + len, "%s\"k%zu\":\"",
		    k ? "," : "", k);
		memset(body + len, 'v', 120000);
		len += 120000;
		body[len++] = '"';
	}
	body[len++] = '}';
	st = export((const char *)body, len);
	check(st == 422, "9 x 120000 bytes over ENV_BYTES_MAX: %d", st);
	/* 8 of them fit */
	len = 1;
	for (k = 0; k < 8; k++) {
		len += (size_t)sprintf((char *)body + len, "%s\"k%zu\":\"",
		    k ? "," : "", k);
		memset(body + len, 'v', 120000);
		len += 120000;
		body[len++] = '"';
	}
	body[len++] = '}';
	st = export((const char *)body, len);
	check(st == 0 && exported() == 8, "8 x 120000 bytes fit: %d", st);
}

int
main(int argc, char **argv)
{
	(void)argc;
	test_sample(argv[0]);
	test_maps();
	test_refusals();
	test_limits();
	return check_done();
}
