/* test_opts.c: the command line (opts.c): defaults, both value forms,
 * "--" and HOOK, and every check on --prefix, --env, --path, numbers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "limits.h"
#include "opts.h"
#include "listen.h"
#include "user.h"
#include <arpa/inet.h>
#include <netinet/in.h>

#define MAXARGS 200

static struct config cfg;
static char err[256];
static char *argv[MAXARGS + 1];
static char bufs[MAXARGS][2048];

/* Parses "inhook" followed by the NULL-terminated arguments. */
static int
parse(const char *first, ...)
{
	va_list ap;
	const char *a;
	int argc = 0;

	argv[argc] = bufs[argc];
	strcpy(bufs[argc++], "inhook");
	va_start(ap, first);
	for (a = first; a != NULL && argc < MAXARGS; a = va_arg(ap, const char *)) {
		snprintf(bufs[argc], sizeof bufs[argc], "%s", a);
		argv[argc] = bufs[argc];
		argc++;
	}
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return opts_parse(argc, argv, &cfg, err, sizeof err);
}

/* Parses argv[0..argc) as built by the caller. */
static int
parse_n(int argc)
{
	argv[argc] = NULL;
	err[0] = '\0';
	return opts_parse(argc, argv, &cfg, err, sizeof err);
}

#define OK(name, ...) do { \
	int r_ = parse(__VA_ARGS__, (const char *)NULL); \
	check(r_ == 0, "%s: %d %s", name, r_, err); \
} while (0)

#define BAD(name, ...) do { \
	int r_ = parse(__VA_ARGS__, (const char *)NULL); \
	check(r_ == -1 && err[0] != '\0', "%s refused: %s", name, err); \
} while (0)

static void
test_defaults(void)
{
	OK("defaults", "--secret-file", "F", "/hook");
	check(cfg.nsecret == 1 && strcmp(cfg.secret_files[0], "F") == 0, "secret file F");
	check(strcmp(cfg.path, "/webhook") == 0, "default path /webhook");
	check(strcmp(cfg.prefix, "WEBHOOK_") == 0, "default prefix WEBHOOK_");
	check(cfg.max_body == 1024 * 1024 && cfg.max_body == BODY_DEFAULT,
	    "default max body 1 MiB");
	check(cfg.timeout == 10 && cfg.hook_timeout == 60, "default timeouts 10, 60");
	check(cfg.nenv == 0 && cfg.log_stderr == 0 && cfg.help == 0 &&
	    cfg.version == 0, "defaults: no env, syslog, no help");
	check(cfg.hook == argv + 3 && strcmp(cfg.hook[0], "/hook") == 0 &&
	    cfg.hook[1] == NULL, "HOOK points into argv, NULL-terminated");

	OK("every option", "--secret-file=S", "--path=/x", "--prefix", "CI_",
	    "--max-body", "5", "--timeout=7", "--hook-timeout", "9", "--env", "A=1",
	    "--env=B", "--log-stderr", "/hook", "arg1", "arg2");
	check(cfg.nsecret == 1 && strcmp(cfg.secret_files[0], "S") == 0 &&
	    strcmp(cfg.path, "/x") == 0 &&
	    strcmp(cfg.prefix, "CI_") == 0 && cfg.max_body == 5 &&
	    cfg.timeout == 7 && cfg.hook_timeout == 9 && cfg.nenv == 2 &&
	    strcmp(cfg.envs[0], "A=1") == 0 && strcmp(cfg.envs[1], "B") == 0 &&
	    cfg.log_stderr == 1, "every option's value");
	check(strcmp(cfg.hook[0], "/hook") == 0 && strcmp(cfg.hook[1], "arg1") == 0 &&
	    strcmp(cfg.hook[2], "arg2") == 0 && cfg.hook[3] == NULL, "HOOK and ARGs");
}

static void
test_forms(void)
{
	OK("--path=/x", "--secret-file", "F", "--path=/x", "/hook");
	check(strcmp(cfg.path, "/x") == 0, "--path=/x sets /x");
	OK("--path /x", "--secret-file", "F", "--path", "/x", "/hook");
	check(strcmp(cfg.path, "/x") == 0 && strcmp(cfg.hook[0], "/hook") == 0,
	    "--path /x sets /x");
	OK("--path=/a=b", "--secret-file", "F", "--path=/a=b", "/hook");
	check(strcmp(cfg.path, "/a=b") == 0, "--path=/a=b keeps the second =");
	OK("last value wins", "--secret-file", "F", "--path=/a", "--path=/b", "/hook");
	check(strcmp(cfg.path, "/b") == 0, "last --path wins");
	OK("value that looks like an option", "--secret-file", "--path", "/hook");
	check(strcmp(cfg.secret_files[0], "--path") == 0 && strcmp(cfg.hook[0], "/hook") == 0,
	    "the next argument is the value, whatever it is");

	OK("-- then HOOK", "--secret-file", "F", "--", "/hook", "--path=/y");
	check(strcmp(cfg.hook[0], "/hook") == 0 && strcmp(cfg.hook[1], "--path=/y") == 0 &&
	    strcmp(cfg.path, "/webhook") == 0, "after --, all is HOOK and ARGs");
	OK("-- then a HOOK named like an option", "--secret-file", "F", "--", "--help");
	check(cfg.help == 0 && strcmp(cfg.hook[0], "--help") == 0, "HOOK --help after --");
	OK("options after HOOK are ARGs", "--secret-file", "F", "/hook", "--path=/y");
	check(strcmp(cfg.path, "/webhook") == 0 && strcmp(cfg.hook[1], "--path=/y") == 0,
	    "--path after HOOK is an ARG");
	OK("HOOK named -", "--secret-file", "F", "-");
	check(strcmp(cfg.hook[0], "-") == 0, "- is a HOOK");

	OK("--help alone", "--help");
	check(cfg.help == 1, "--help sets help");
	OK("-h", "-h");
	check(cfg.help == 1, "-h sets help");
	OK("--version alone", "--version");
	check(cfg.version == 1, "--version sets version");
	OK("--help stops parsing", "--help", "--max-body=0");

	OK("two secret files", "--secret-file", "F", "--secret-file=G", "/hook");
	check(cfg.nsecret == 2 && strcmp(cfg.secret_files[0], "F") == 0 &&
	    strcmp(cfg.secret_files[1], "G") == 0, "both secret files, in order");
	{
		int argc = 0, j, r;
		for (j = 0; j <= SECRETS_MAX; j++) {
			snprintf(bufs[argc + 1], sizeof bufs[0], "--secret-file=S%d", j);
			argv[argc + 1] = bufs[argc + 1];
			argc++;
		}
		strcpy(bufs[0], "inhook");
		argv[0] = bufs[0];
		strcpy(bufs[argc + 1], "/hook");
		argv[argc + 1] = bufs[argc + 1];
		r = parse_n(argc + 2);
		check(r == -1 && err[0], "%d --secret-file refused: %s", SECRETS_MAX + 1,
		    err);
		strcpy(bufs[argc], "/hook");
		r = parse_n(argc + 1);
		check(r == 0 && cfg.nsecret == SECRETS_MAX, "%d --secret-file accepted",
		    SECRETS_MAX);
	}

	BAD("missing HOOK", "--secret-file", "F");
	BAD("missing HOOK after --", "--secret-file", "F", "--");
	BAD("options but no HOOK", "--secret-file=F", "--path", "/x");
	BAD("missing secret", "/hook");
	BAD("empty secret file name", "--secret-file=", "/hook");
	BAD("--secret-file without value", "--secret-file");
	BAD("--path without value", "--secret-file", "F", "--path");
	BAD("unknown option", "--secret-file", "F", "--bogus", "/hook");
	BAD("option with a longer name", "--secret-file", "F", "--pathx=/x", "/hook");
	BAD("single-dash unknown", "--secret-file", "F", "-x", "/hook");
	BAD("--log-stderr=1", "--secret-file", "F", "--log-stderr=1", "/hook");
	BAD("HOOK named like an option without --", "--secret-file", "F", "--hook");
}

static void
test_prefix(void)
{
	static const char *const good[] = {
		"CI_", "W", "HOOK_", "WEBHOOK_", "A1_", "Z9", "PATHX", "PATH_",
		"GITHUB_", "WEB", "LDX", "BASHX", "GH_", "CD_",
		"REQUEST_METHODX", "CONTENT_TYPE_", "WEBHOOK",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ABCDEFGHIJKLMNOPQRSTUVWXYZ0", /* 64 */
	};
	static const char *const bad[] = {
		/* names the loader, libc or a shell read could be made */
		"LD_", "L", "LD", "LD_PRELOAD", "BASH", "BASH_", "B", "BASH_FUNC_X",
		"ENV", "E", "IFS", "I", "PS", "PS4", "SHELLOPTS", "GCONV_",
		"GLIBC_TUNABLES", "LOCPATH", "NLSPATH", "HOSTALIASES", "H",
		"MALLOC_", "MALLOC_ARENA_", "M", "TMPDIR", "TMP", "T", "GIT_", "G",
		"GIT_SSH_", "PYTHON", "PY", "PYTHONPATH_", "X", "XDG_",
		"webhook_", "Webhook_", "1X", "_X", "", "PAT", "PATH", "P", "R",
		"RE", "REQUEST_", "REQUEST_METHOD", "REMOTE_", "QUERY_STRING",
		"C", "CONTENT_", "CONTENT_LENGTH", "INHOOK_X", "INHOOK_", "INHOOK", "I",
		"A-B", "A B", "A.B", "\xc3\x89", "X=",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ABCDEFGHIJKLMNOPQRSTUVWXYZ01", /* 65 */
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		int r = parse("--secret-file", "F", "--prefix", good[i], "/hook", NULL);
		check(r == 0 && strcmp(cfg.prefix, good[i]) == 0, "--prefix %s accepted: %s",
		    good[i], err);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int r = parse("--secret-file", "F", "--prefix", bad[i], "/hook", NULL);
		check(r == -1 && err[0], "--prefix \"%s\" refused", bad[i]);
	}
}

static void
test_env(void)
{
	static const struct {
		const char *prefix;
		const char *env;
		int ok;
	} cases[] = {
		{ NULL, "PATH=x", 1 },
		{ NULL, "PATH", 1 },
		{ NULL, "HOME", 1 },
		{ NULL, "X=1", 1 },
		{ NULL, "_X=1", 1 },
		{ NULL, "x_y=1", 1 },
		{ NULL, "X1=", 1 },
		{ NULL, "X=a b=c\tand more", 1 },
		{ NULL, "WEBHOOK=1", 1 },
		{ NULL, "REQUEST_METHODX=1", 1 },
		{ NULL, "REQUEST_METHOD=x", 0 },
		{ NULL, "REQUEST_METHOD", 0 },
		{ NULL, "REQUEST_URI=x", 0 },
		{ NULL, "QUERY_STRING=x", 0 },
		{ NULL, "CONTENT_TYPE=x", 0 },
		{ NULL, "CONTENT_LENGTH=x", 0 },
		{ NULL, "REMOTE_ADDR=x", 0 },
		{ NULL, "REMOTE_PORT", 0 },
		{ NULL, "INHOOK_X=1", 0 },
		{ NULL, "INHOOK_", 0 },
		{ NULL, "WEBHOOK_X", 0 },
		{ NULL, "WEBHOOK_X=1", 0 },
		{ NULL, "WEBHOOK_", 0 },
		{ "CI_", "WEBHOOK_X=1", 1 },
		{ "CI_", "CI_X=1", 0 },
		{ "CI_", "CI_", 0 },
		{ NULL, "1X", 0 },
		{ NULL, "1X=1", 0 },
		{ NULL, "", 0 },
		{ NULL, "=x", 0 },
		{ NULL, "A-B=1", 0 },
		{ NULL, "A.B", 0 },
		{ NULL, "A B=1", 0 },
		{ NULL, "\xc3\x89=1", 0 },
		/* it leads the hook to the secret */
		{ NULL, "CREDENTIALS_DIRECTORY", 0 },
		{ NULL, "CREDENTIALS_DIRECTORY=/run/x", 0 },
		{ NULL, "CREDENTIALS_DIRECTORY_X=1", 1 },
		{ NULL, "CREDENTIALS_DIRECTOR=1", 1 },
	};
	size_t i;
	int r, k;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].prefix)
			r = parse("--secret-file", "F", "--prefix", cases[i].prefix,
			    "--env", cases[i].env, "/hook", NULL);
		else
			r = parse("--secret-file", "F", "--env", cases[i].env, "/hook",
			    NULL);
		if (cases[i].ok)
			check(r == 0 && cfg.nenv == 1 && strcmp(cfg.envs[0], cases[i].env) == 0,
			    "--env \"%s\" (prefix %s) accepted: %s", cases[i].env,
			    cases[i].prefix ? cases[i].prefix : "WEBHOOK_", err);
		else
			check(r == -1 && err[0], "--env \"%s\" (prefix %s) refused",
			    cases[i].env, cases[i].prefix ? cases[i].prefix : "WEBHOOK_");
	}

	/* ENV_OPTS_MAX of them, then one more */
	for (k = ENV_OPTS_MAX; k <= ENV_OPTS_MAX + 1; k++) {
		int argc = 0, j;
		argv[argc++] = bufs[0];
		strcpy(bufs[0], "inhook");
		argv[argc++] = strcpy(bufs[1], "--secret-file=F");
		for (j = 0; j < k; j++) {
			snprintf(bufs[argc], sizeof bufs[argc], "--env=E%d=1", j);
			argv[argc] = bufs[argc];
			argc++;
		}
		strcpy(bufs[argc], "/hook");
		argv[argc] = bufs[argc];
		argc++;
		r = parse_n(argc);
		if (k == ENV_OPTS_MAX)
			check(r == 0 && cfg.nenv == ENV_OPTS_MAX, "%d --env accepted", k);
		else
			check(r == -1 && err[0], "%d --env refused: %s", k, err);
	}
}

/* --when: a NAME with the prefix, or one no payload key makes, is refused
 * with the spelling that works */
static void
test_when(void)
{
	static const struct {
		const char *prefix, *when, *want;   /* want: NULL accepted */
	} cases[] = {
		{ NULL, "STATUS=PASSED", NULL },
		{ NULL, "WEBHOOK_STATUS=PASSED", "--when STATUS=PASSED" },
		{ NULL, "WEBHOOK_RUNS_0_HOST_TAG~^amd64", "--when RUNS_0_HOST_TAG~^amd64" },
		{ NULL, "WEBHOOK=1", NULL },          /* a key "webhook" */
		{ NULL, "WEBHOOK_=1", NULL },         /* a key "webhook_" */
		{ "CI_", "CI_STATUS=1", "--when STATUS=1" },
		{ "CI_", "WEBHOOK_STATUS=1", NULL },
		{ NULL, "status=PASSED", "--when STATUS=PASSED" },
		{ NULL, "Status~^P", "--when STATUS~^P" },
		{ NULL, "runs.0.host-tag=x", "--when RUNS_0_HOST_TAG=x" },
		{ NULL, "_X=1", NULL },
	};
	size_t i;
	int r;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].prefix)
			r = parse("--secret-file", "F", "--when", cases[i].when,
			    "--prefix", cases[i].prefix, "/hook", NULL);
		else
			r = parse("--secret-file", "F", "--when", cases[i].when,
			    "/hook", NULL);
		if (!cases[i].want)
			check(r == 0 && cfg.nwhen == 1, "--when %s (prefix %s) "
			    "accepted: %s", cases[i].when, cases[i].prefix ?
			    cases[i].prefix : "WEBHOOK_", err);
		else
			check(r == -1 && strstr(err, cases[i].want) != NULL,
			    "--when %s (prefix %s) refused, showing %s: %s",
			    cases[i].when, cases[i].prefix ? cases[i].prefix :
			    "WEBHOOK_", cases[i].want, err);
	}
}

static void
test_path(void)
{
	static char longp[PATH_OPT_MAX + 2];

	OK("--path /", "--secret-file", "F", "--path", "/", "/hook");
	OK("--path with escapes", "--secret-file", "F", "--path", "/a%20b/c", "/hook");
	BAD("--path without /", "--secret-file", "F", "--path", "webhook", "/hook");
	BAD("--path empty", "--secret-file", "F", "--path=", "/hook");
	BAD("--path with space", "--secret-file", "F", "--path", "/a b", "/hook");
	BAD("--path with tab", "--secret-file", "F", "--path", "/a\tb", "/hook");
	BAD("--path with ?", "--secret-file", "F", "--path", "/a?b", "/hook");
	BAD("--path with #", "--secret-file", "F", "--path", "/a#b", "/hook");
	BAD("--path with DEL", "--secret-file", "F", "--path", "/a\x7f", "/hook");
	BAD("--path with UTF-8", "--secret-file", "F", "--path", "/\xc3\xa9", "/hook");
	longp[0] = '/';
	memset(longp + 1, 'p', PATH_OPT_MAX - 1);
	OK("--path of PATH_OPT_MAX", "--secret-file", "F", "--path", longp, "/hook");
	longp[PATH_OPT_MAX] = 'p';
	BAD("--path of PATH_OPT_MAX+1", "--secret-file", "F", "--path", longp, "/hook");
}

static void
test_numbers(void)
{
	static const struct {
		const char *opt;
		const char *val;
		long want;       /* -1: refused */
	} cases[] = {
		{ "--max-body", "1", 1 },
		{ "--max-body", "67108864", 67108864 },
		{ "--max-body", "0000000001", 1 },
		{ "--max-body", "67108865", -1 },
		{ "--max-body", "0", -1 },
		{ "--max-body", "", -1 },
		{ "--max-body", "-1", -1 },
		{ "--max-body", "+1", -1 },
		{ "--max-body", "10x", -1 },
		{ "--max-body", "1k", -1 },
		{ "--max-body", "0x10", -1 },
		{ "--max-body", " 5", -1 },
		{ "--max-body", "5 ", -1 },
		{ "--max-body", "1e3", -1 },
		{ "--max-body", "10000000000", -1 },
		{ "--max-body", "00000000001", -1 },
		{ "--max-body", "99999999999999999999", -1 },
		{ "--timeout", "1", 1 },
		{ "--timeout", "86400", 86400 },
		{ "--timeout", "86401", -1 },
		{ "--timeout", "0", -1 },
		{ "--timeout", "", -1 },
		{ "--timeout", "-1", -1 },
		{ "--timeout", "10x", -1 },
		{ "--timeout", "1.5", -1 },
		{ "--timeout", "4294967297", -1 },
		{ "--timeout", "10000000000", -1 },
		{ "--hook-timeout", "1", 1 },
		{ "--hook-timeout", "86400", 86400 },
		{ "--hook-timeout", "86401", -1 },
		{ "--hook-timeout", "0", -1 },
		{ "--hook-timeout", "", -1 },
		{ "--hook-timeout", "-1", -1 },
		{ "--hook-timeout", "10x", -1 },
		{ "--hook-timeout", "10000000000", -1 },
	};
	unsigned long n;
	size_t i;
	long got;
	int r;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = parse("--secret-file", "F", cases[i].opt, cases[i].val, "/hook", NULL);
		got = strcmp(cases[i].opt, "--max-body") == 0 ? (long)cfg.max_body :
		    strcmp(cases[i].opt, "--timeout") == 0 ? cfg.timeout :
		    cfg.hook_timeout;
		if (cases[i].want >= 0)
			check(r == 0 && got == cases[i].want, "%s \"%s\": %ld",
			    cases[i].opt, cases[i].val, got);
		else
			check(r == -1 && err[0], "%s \"%s\" refused: %s", cases[i].opt,
			    cases[i].val, err);
	}

	n = 77;
	check(opts_number("4294967295", 0, 4294967295UL, &n) == 0 && n == 4294967295UL,
	    "opts_number 10 digits at the top of its range");
	n = 77;
	check(opts_number("5", 6, 10, &n) == -1 && n == 77, "opts_number under lo");
	check(opts_number("11", 6, 10, &n) == -1 && n == 77, "opts_number over hi");
	check(opts_number("0", 0, 10, &n) == 0 && n == 0, "opts_number 0 with lo 0");
	check(opts_number("", 0, 10, &n) == -1, "opts_number empty");
}

static void
test_hook_args(void)
{
	int k, argc, j, r;

	for (k = ARGS_MAX; k <= ARGS_MAX + 1; k++) {
		argc = 0;
		argv[argc++] = strcpy(bufs[0], "inhook");
		argv[argc++] = strcpy(bufs[1], "--secret-file=F");
		for (j = 0; j < k; j++) {
			snprintf(bufs[argc], sizeof bufs[argc], "a%d", j);
			argv[argc] = bufs[argc];
			argc++;
		}
		r = parse_n(argc);
		if (k == ARGS_MAX)
			check(r == 0 && cfg.hook[ARGS_MAX - 1] != NULL &&
			    cfg.hook[ARGS_MAX] == NULL, "HOOK plus %d ARGs", k - 1);
		else
			check(r == -1 && err[0], "HOOK plus %d ARGs refused: %s", k - 1, err);
	}
}

/* --listen and the listener's numbers. */
static void
test_listener(void)
{
	struct listen_addr a;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a.ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a.ss;
	static const char *const bad[] = {
		"9000", "localhost:9000", "[::1]9000", ":70000", ":", "127.0.0.1:",
		"[::1:9000", "::1:9000", "1.2.3:80", "1.2.3.4.5:80", "[1.2.3.4]:80",
		"1.2.3.4:+80", "1.2.3.4:-1", "1.2.3.4:80x", " 1.2.3.4:80", "",
		"[]:80", "[::1]:", ":00000000009", NULL
	};
	size_t i;

	OK("defaults", "--secret-file", "s", "h");
	check(cfg.nlisten == 0 && cfg.max_conns == 64 && cfg.max_per_source == 16 &&
	    cfg.idle_exit == 0 && cfg.stop_timeout == 8 && !cfg.user && !cfg.syslog,
	    "listener defaults: 64, 16, 0, 8");
	check(listen_parse(":9000", &a) == 0 && a.dual &&
	    a.ss.ss_family == AF_INET6 && ntohs(v6->sin6_port) == 9000 &&
	    IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr), ":9000 is [::]:9000, dual");
	check(listen_parse("[::]:9000", &a) == 0 && !a.dual &&
	    a.ss.ss_family == AF_INET6, "[::]:9000: IPv6 only");
	check(listen_parse("[::1]:1", &a) == 0 && !a.dual &&
	    IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr) && ntohs(v6->sin6_port) == 1,
	    "[::1]:1");
	check(listen_parse("0.0.0.0:0", &a) == 0 && a.ss.ss_family == AF_INET &&
	    v4->sin_addr.s_addr == 0 && a.len == sizeof *v4, "0.0.0.0:0");
	check(listen_parse("127.0.0.1:65535", &a) == 0 &&
	    ntohl(v4->sin_addr.s_addr) == 0x7f000001 &&
	    ntohs(v4->sin_port) == 65535, "127.0.0.1:65535");
	for (i = 0; bad[i]; i++)
		check(listen_parse(bad[i], &a) == -1, "--listen '%s' refused", bad[i]);
	OK("two --listen", "--listen", ":1", "--listen=127.0.0.1:2", "--secret-file",
	    "s", "h");
	check(cfg.nlisten == 2 && strcmp(cfg.listen[1], "127.0.0.1:2") == 0,
	    "two --listen kept in order");
	BAD("--listen bad", "--listen", "host:80", "--secret-file", "s", "h");
	BAD("--listen without value", "--secret-file", "s", "--listen");
	OK("listener numbers", "--max-conns", "1", "--max-per-source=1024",
	    "--idle-exit", "86400", "--stop-timeout", "0", "--syslog",
	    "--secret-file", "s", "h");
	check(cfg.max_conns == 1 && cfg.max_per_source == 1024 &&
	    cfg.idle_exit == 86400 && cfg.stop_timeout == 0 && cfg.syslog,
	    "listener numbers kept");
	BAD("--max-conns 0", "--max-conns", "0", "--secret-file", "s", "h");
	BAD("--max-conns 1025", "--max-conns", "1025", "--secret-file", "s", "h");
	BAD("--max-per-source 0", "--max-per-source", "0", "--secret-file", "s", "h");
	BAD("--idle-exit -1", "--idle-exit", "-1", "--secret-file", "s", "h");
	BAD("--idle-exit 86401", "--idle-exit", "86401", "--secret-file", "s", "h");
	BAD("--stop-timeout x", "--stop-timeout", "x", "--secret-file", "s", "h");
	for (i = 0; i < LISTEN_MAX; i++)
		argv[1 + 2 * i] = "--listen", argv[2 + 2 * i] = ":1";
	argv[0] = "inhook";
	argv[1 + 2 * i] = "--secret-file";
	argv[2 + 2 * i] = "s";
	argv[3 + 2 * i] = "h";
	check(parse_n(4 + 2 * (int)i) == 0 && cfg.nlisten == LISTEN_MAX,
	    "%d --listen: %s", LISTEN_MAX, err);
	argv[3 + 2 * i] = "--listen";
	argv[4 + 2 * i] = ":1";
	argv[5 + 2 * i] = "h";
	check(parse_n(6 + 2 * (int)i) == -1, "%d --listen refused", LISTEN_MAX + 1);
}

/* --user: numbers always; names from /etc/passwd and /etc/group. */
static void
test_user(void)
{
	uid_t u;
	gid_t g;

	check(user_parse("1000", &u, &g, err, sizeof err) == 0 && u == 1000,
	    "--user 1000");
	check(user_parse("4000000:5", &u, &g, err, sizeof err) == 0 &&
	    u == 4000000 && g == 5, "--user 4000000:5");
	check(user_parse("4000001", &u, &g, err, sizeof err) == 0 && g == 4000001,
	    "--user UID not in /etc/passwd: GID = UID");
	check(user_parse("0", &u, &g, err, sizeof err) == 0 && u == 0 && g == 0,
	    "--user 0: root's group from /etc/passwd");
	check(user_parse("root:0", &u, &g, err, sizeof err) == 0 && u == 0,
	    "--user root:0");
	check(user_parse("nobody", &u, &g, err, sizeof err) == 0 && u == 65534,
	    "--user nobody (Debian's 65534)");
	check(user_parse("nobody:nogroup", &u, &g, err, sizeof err) == 0 &&
	    g == 65534, "--user nobody:nogroup");
	check(user_parse("no-such-user-x", &u, &g, err, sizeof err) == -1,
	    "--user unknown name refused");
	check(user_parse("1000:no-such-group-x", &u, &g, err, sizeof err) == -1,
	    "--user unknown group refused");
	check(user_parse("1000:", &u, &g, err, sizeof err) == -1 &&
	    user_parse(":1000", &u, &g, err, sizeof err) == -1 &&
	    user_parse("", &u, &g, err, sizeof err) == -1 &&
	    user_parse("1x", &u, &g, err, sizeof err) == -1 &&
	    user_parse("4294967295", &u, &g, err, sizeof err) == -1,
	    "--user malformed refused");
	BAD("--user via opts", "--user", "no-such-user-x", "--secret-file", "s", "h");
	OK("--user via opts", "--user", "12:34", "--secret-file", "s", "h");
	check(cfg.uid == 12 && cfg.gid == 34 && strcmp(cfg.user, "12:34") == 0,
	    "--user 12:34 kept");
}

int
main(void)
{
	test_listener();
	test_user();
	test_defaults();
	test_forms();
	test_prefix();
	test_env();
	test_path();
	test_when();
	test_numbers();
	test_hook_args();
	return check_done();
}
