/* test_filter.c: --when parsing and matching (filter.c) over an
 * environment table built as payload.c builds it. */
#include <string.h>

#include "check.h"
#include "env.h"
#include "filter.h"

static struct env v;

static int
holds(const char *expr)
{
	struct filter f;
	char err[256];
	int r;

	if (filter_parse(&f, expr, err, sizeof err) < 0)
		return -1;
	r = filter_holds(&f, &v, "WEBHOOK_");
	if (f.is_regex)
		regfree(&f.re);
	return r;
}

static void
put(const char *name, const char *val)
{
	env_put(&v, name, strlen(name), val, strlen(val), 1);
}

int
main(void)
{
	static const struct {
		const char *expr;
		int want;
	} cases[] = {
		{ "STATUS=PASSED", 1 },
		{ "STATUS=PASSE", 0 },           /* exact, not a prefix */
		{ "STATUS=PASSED ", 0 },
		{ "STATUS=passed", 0 },          /* case counts */
		{ "STATUS~^PASS", 1 },
		{ "STATUS~^pass", 0 },
		{ "STATUS~ED$", 1 },
		{ "STATUS~SSE", 1 },             /* unanchored */
		{ "STATUS~^(PASSED|FAILED)$", 1 },
		{ "RUNS_0_HOST_TAG=amd64-partner", 1 },
		{ "RUNS_0_HOST_TAG~^amd64(-|$)", 1 },
		{ "RUNS_0_HOST_TAG~^arm", 0 },
		{ "BUILD_ID=67", 1 },
		{ "BUILD_ID~^[0-9]+$", 1 },
		{ "EMPTY=", 1 },                 /* null is the empty string */
		{ "EMPTY~^$", 1 },
		{ "EMPTY=x", 0 },
		{ "MISSING=", 0 },               /* absent never holds */
		{ "MISSING~.*", 0 },
		{ "RUNS=", 0 },                  /* an array is not exported */
		{ "PATH=/bin", 0 },              /* only prefixed names */
		{ "EQ=a=b", 1 },                 /* the first = or ~ splits */
		{ "EQ~=", 1 },
		{ "TILDE=~x", 1 },
		{ "status=PASSED", -1 },         /* NAME is [A-Z0-9_]+ */
		{ "Status=PASSED", -1 },
		{ "RUNS.0=x", -1 },
		{ "STATUS", -1 },
		{ "=PASSED", -1 },
		{ "~x", -1 },
		{ "STA-TUS=x", -1 },
		{ "STATUS~(", -1 },              /* bad regex */
		{ "STATUS~a{2,1}", -1 },
	};
	char err[256], longname[WHEN_NAME_MAX + 8];
	struct filter f;
	size_t i;

	env_init(&v);
	put("PATH", "/bin");
	put("WEBHOOK_STATUS", "PASSED");
	put("WEBHOOK_BUILD_ID", "67");
	put("WEBHOOK_RUNS_0_HOST_TAG", "amd64-partner");
	put("WEBHOOK_EMPTY", "");
	put("WEBHOOK_EQ", "a=b");
	put("WEBHOOK_TILDE", "~x");
	env_put(&v, "WEBHOOK_RUNS", 12, NULL, 0, 0);

	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		check(holds(cases[i].expr) == cases[i].want, "when %s -> %d",
		    cases[i].expr, cases[i].want);

	memset(longname, 'A', sizeof longname);
	longname[WHEN_NAME_MAX + 1] = '=';
	longname[WHEN_NAME_MAX + 2] = '\0';
	check(filter_parse(&f, longname, err, sizeof err) < 0,
	    "a NAME over WHEN_NAME_MAX is refused");
	longname[WHEN_NAME_MAX] = '=';
	longname[WHEN_NAME_MAX + 1] = '\0';
	check(filter_parse(&f, longname, err, sizeof err) == 0,
	    "a NAME of WHEN_NAME_MAX is accepted");
	check(filter_parse(&f, "STATUS~(", err, sizeof err) < 0 &&
	    strstr(err, "STATUS~(") != NULL, "the error names the expression");
	check(filter_parse(&f, "runs.0.host-tag~^amd64", err, sizeof err) < 0 &&
	    strstr(err, "--when RUNS_0_HOST_TAG~^amd64") != NULL,
	    "a NAME no key makes: the error shows the one it makes: %s", err);
	check(filter_spell("a.Z_9-", 6, longname) == 1 &&
	    strcmp(longname, "A_Z_9_") == 0, "filter_spell: as payload.c maps keys");
	check(filter_spell("A_Z_9", 5, longname) == 0, "filter_spell: a name unchanged");
	return check_done();
}
