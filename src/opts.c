/* opts.c: command-line parsing and checking. Options come before HOOK;
 * the first argument that is not an option, or everything after "--", is
 * HOOK and its ARGs. Each option takes its value as the next argument or
 * after "=". Every value is checked here, once, so the request path can
 * trust the config. */
#include <stdio.h>
#include <string.h>

#include "opts.h"
#include "listen.h"
#include "scheme.h"
#include "tls.h"
#include "user.h"

const char *const opts_fixed_names[] = {
	"PATH", "REQUEST_METHOD", "REQUEST_URI", "QUERY_STRING", "CONTENT_TYPE",
	"CONTENT_LENGTH", "REMOTE_ADDR", "REMOTE_PORT", "HTTPS", "SSL_PROTOCOL",
	"SSL_CIPHER", "INHOOK_", NULL
};

/* Names that the dynamic loader, the C library, a shell, a common
 * interpreter or tool reads to change what it runs, loads or trusts. No
 * payload variable may ever be one: a --prefix under which one could be
 * made is refused. A trailing '*' stands for every name that begins so. */
const char *const opts_unsafe_names[] = {
	"LD_*", "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES",
	"LOCALDOMAIN", "LOCPATH", "MUSL_LOCPATH", "NLSPATH", "RES_OPTIONS",
	"MALLOC_*", "TMPDIR", "TZ", "TZDIR", "LANG", "LANGUAGE", "LC_*",
	"BASH_ENV", "BASH_FUNC_*", "BASHOPTS", "CDPATH", "ENV", "GLOBIGNORE",
	"HOME", "IFS", "PATH", "PROMPT_COMMAND", "PS1", "PS2", "PS3", "PS4",
	"SHELL", "SHELLOPTS", "EDITOR", "VISUAL", "PAGER",
	"PYTHON*", "PERL*", "RUBY*", "NODE_*", "GIT_*", "SSH_*",
	"OPENSSL_*", "SSL_CERT_*", "CURL_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY",
	"ALL_PROXY", "NO_PROXY", "FTP_PROXY", "ASAN_OPTIONS", "UBSAN_OPTIONS",
	"LSAN_OPTIONS", "XDG_*", NULL
};

/* The first unsafe name a payload variable under prefix p could be. */
static const char *
unsafe_under(const char *p)
{
	size_t i, pl = strlen(p), nl;

	for (i = 0; opts_unsafe_names[i]; i++) {
		const char *n = opts_unsafe_names[i];
		nl = strlen(n);
		if (n[nl - 1] == '*') {
			nl--;
			if (strncmp(n, p, nl < pl ? nl : pl) == 0)
				return n;
		} else if (nl >= pl && strncmp(n, p, pl) == 0) {
			return n;
		}
	}
	return NULL;
}

int
opts_number(const char *s, unsigned long lo, unsigned long hi,
            unsigned long *out)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i == 10)
			return -1;
		n = n * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 0 || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int
starts_with(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static int
prefix_ok(const char *p)
{
	size_t i;

	if (!(p[0] >= 'A' && p[0] <= 'Z') || strlen(p) > PREFIX_MAX)
		return 0;
	for (i = 1; p[i]; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
		    p[i] == '_'))
			return 0;
	for (i = 0; opts_fixed_names[i]; i++)
		if (starts_with(opts_fixed_names[i], p))
			return 0;
	return !starts_with(p, "INHOOK_");
}

/* NAME or NAME=VALUE with NAME of [A-Za-z_][A-Za-z0-9_]*. */
static int
env_ok(const char *e, const char *prefix)
{
	size_t i, n;

	for (n = 0; e[n] && e[n] != '='; n++)
		if (!((e[n] >= 'A' && e[n] <= 'Z') || (e[n] >= 'a' && e[n] <= 'z') ||
		    e[n] == '_' || (n > 0 && e[n] >= '0' && e[n] <= '9')))
			return 0;
	if (n == 0 || strncmp(e, prefix, strlen(prefix)) == 0)
		return 0;
	for (i = 0; opts_fixed_names[i]; i++) {
		const char *f = opts_fixed_names[i];
		size_t fl = strlen(f);
		if (strcmp(f, "PATH") == 0)
			continue;
		if (f[fl - 1] == '_' ? strncmp(e, f, fl) == 0 :
		    (n == fl && strncmp(e, f, n) == 0))
			return 0;
	}
	return 1;
}

int
opts_path_ok(const char *p)
{
	size_t i;

	if (p[0] != '/' || strlen(p) > PATH_OPT_MAX)
		return 0;
	for (i = 0; p[i]; i++)
		if (p[i] <= ' ' || p[i] >= 0x7f || p[i] == '?' || p[i] == '#')
			return 0;
	return 1;
}

int
opts_valued(const char *const valued[], int argc, char **argv, int *i,
            size_t *k, const char **val, char *err, size_t errlen)
{
	const char *a = argv[*i];
	size_t len = 0;

	for (*k = 0; valued[*k]; ++*k) {
		len = strlen(valued[*k]);
		if (strncmp(a, valued[*k], len) == 0 &&
		    (a[len] == '\0' || a[len] == '='))
			break;
	}
	if (!valued[*k])
		return 0;
	if (a[len] == '=') {
		*val = a + len + 1;
	} else if (*i + 1 < argc) {
		*val = argv[++*i];
	} else {
		snprintf(err, errlen, "%s needs a value", valued[*k]);
		return -1;
	}
	return 1;
}

/* The delivery options (--async ... --when). Returns 1 when argv[*i] was
 * one (its value consumed), 0 when it is not, -1 with a message in err. */
static int
delivery_option(struct config *c, int argc, char **argv, int *i, char *err,
                size_t errlen)
{
	static const char *const flags[] = { "--async", "--respond-output", NULL };
	static const char *const valued[] = {
		"--max-output", "--spool", "--dedupe", "--dedupe-days", "--lock",
		"--lock-wait", "--when", NULL
	};
	const char *a = argv[*i], *val;
	unsigned long n;
	size_t k;
	int r;

	for (k = 0; flags[k]; k++)
		if (strcmp(a, flags[k]) == 0) {
			if (k == 0)
				c->async = 1;
			else
				c->respond_output = 1;
			return 1;
		}
	if ((r = opts_valued(valued, argc, argv, i, &k, &val, err,
	    errlen)) <= 0)
		return r;
	switch (k) {
	case 0:
		if (opts_number(val, 1, OUTPUT_LIMIT, &n) < 0) {
			snprintf(err, errlen, "--max-output takes 1 to %lu",
			    (unsigned long)OUTPUT_LIMIT);
			return -1;
		}
		c->max_output = n;
		break;
	case 1: case 2: case 4:
		if (val[0] == '\0') {
			snprintf(err, errlen, "%s needs a path", valued[k]);
			return -1;
		}
		if (k == 1)
			c->spool = val;
		else if (k == 2)
			c->dedupe = val;
		else
			c->lock = val;
		break;
	case 3:
		if (opts_number(val, 1, DEDUPE_DAYS_LIMIT, &n) < 0) {
			snprintf(err, errlen, "--dedupe-days takes 1 to %d",
			    DEDUPE_DAYS_LIMIT);
			return -1;
		}
		c->dedupe_days = (int)n;
		break;
	case 5:
		if (opts_number(val, 0, TIMEOUT_LIMIT, &n) < 0) {
			snprintf(err, errlen, "--lock-wait takes 0 to %d seconds",
			    TIMEOUT_LIMIT);
			return -1;
		}
		c->lock_wait = (int)n;
		break;
	case 6:
		if (c->nwhen == WHEN_MAX) {
			snprintf(err, errlen, "more than %d --when", WHEN_MAX);
			return -1;
		}
		if (filter_parse(&c->when[c->nwhen], val, err, errlen) < 0)
			return -1;
		c->nwhen++;
		break;
	}
	return 1;
}

/* The listener's options (--listen ... --user, --syslog). Returns 1 when
 * argv[*i] was one (its value consumed), 0 when it is not, -1 with a
 * message in err. */
static int
listener_option(struct config *c, int argc, char **argv, int *i, char *err,
                size_t errlen)
{
	static const char *const valued[] = {
		"--listen", "--max-conns", "--max-per-source", "--idle-exit",
		"--stop-timeout", "--user", NULL
	};
	static const unsigned long lo[] = { 0, 1, 1, 0, 0 };
	static const unsigned long hi[] = { 0, CONNS_LIMIT, CONNS_LIMIT,
	    IDLE_LIMIT, TIMEOUT_LIMIT };
	const char *val;
	unsigned long n;
	size_t k;
	int r;

	if (strcmp(argv[*i], "--syslog") == 0) {
		c->syslog = 1;
		return 1;
	}
	if ((r = opts_valued(valued, argc, argv, i, &k, &val, err,
	    errlen)) <= 0)
		return r;
	if (k == 0) {
		struct listen_addr la;
		if (c->nlisten == LISTEN_MAX || listen_parse(val, &la) < 0) {
			snprintf(err, errlen, "--listen %.64s: want :PORT, "
			    "IPV4:PORT or [IPV6]:PORT, at most %d times", val,
			    LISTEN_MAX);
			return -1;
		}
		c->listen[c->nlisten++] = val;
		return 1;
	}
	if (k == 5) {
		c->user = val;
		return user_parse(val, &c->uid, &c->gid, err, errlen) < 0 ? -1 : 1;
	}
	if (opts_number(val, lo[k], hi[k], &n) < 0) {
		snprintf(err, errlen, "%s takes %lu to %lu", valued[k],
		    lo[k], hi[k]);
		return -1;
	}
	if (k == 1)
		c->max_conns = (int)n;
	else if (k == 2)
		c->max_per_source = (int)n;
	else if (k == 3)
		c->idle_exit = (int)n;
	else
		c->stop_timeout = (int)n;
	return 1;
}

/* Checks that the delivery options make sense together. */
static int
delivery_check(const struct config *c, char *err, size_t errlen)
{
	if (c->async && c->respond_output) {
		snprintf(err, errlen, "--respond-output needs synchronous mode "
		    "(not --async)");
		return -1;
	}
	return 0;
}

int
opts_parse(int argc, char **argv, struct config *c, char *err, size_t errlen)
{
	static const char *const valued[] = {
		"--secret-file", "--path", "--prefix", "--max-body", "--timeout",
		"--hook-timeout", "--env", "--scheme", "--tolerance",
		"--proxy-from", "--tls-cert", "--tls-key", NULL
	};
	unsigned long n;
	const char *val;
	size_t k;
	const char *bad;
	int i, r;

	memset(c, 0, sizeof *c);
	c->path = "/webhook";
	c->prefix = "WEBHOOK_";
	c->max_body = BODY_DEFAULT;
	c->timeout = TIMEOUT_DEFAULT;
	c->hook_timeout = HOOK_TIMEOUT_DEFAULT;
	c->tolerance = TOLERANCE_DEFAULT;
	c->max_output = OUTPUT_DEFAULT;
	c->dedupe_days = DEDUPE_DAYS_DEFAULT;
	c->lock_wait = LOCK_WAIT_DEFAULT;
	c->max_conns = CONNS_DEFAULT;
	c->max_per_source = PER_SOURCE_DEFAULT;
	c->stop_timeout = STOP_TIMEOUT_DEFAULT;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			c->help = 1;
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			c->version = 1;
			return 0;
		}
		if (strcmp(a, "--log-stderr") == 0) {
			c->log_stderr = 1;
			continue;
		}
		if (strcmp(a, "--allow-shared-secret") == 0) {
			c->allow_shared_secret = 1;
			continue;
		}
		if ((k = (size_t)delivery_option(c, argc, argv, &i, err,
		    errlen)) == (size_t)-1)
			return -1;
		if (k)
			continue;
		if ((k = (size_t)listener_option(c, argc, argv, &i, err,
		    errlen)) == (size_t)-1)
			return -1;
		if (k)
			continue;
		if ((r = opts_valued(valued, argc, argv, &i, &k, &val, err,
		    errlen)) < 0)
			return -1;
		if (r == 0) {
			snprintf(err, errlen, "unknown option %.64s", a);
			return -1;
		}
		switch (k) {
		case 0:
			if (c->nsecret == SECRETS_MAX || val[0] == '\0') {
				snprintf(err, errlen, "--secret-file: empty, or more "
				    "than %d", SECRETS_MAX);
				return -1;
			}
			c->secret_files[c->nsecret++] = val;
			break;
		case 1: c->path = val; break;
		case 2: c->prefix = val; break;
		case 3:
			if (opts_number(val, 1, BODY_LIMIT, &n) < 0) {
				snprintf(err, errlen, "--max-body takes 1 to %lu",
				    (unsigned long)BODY_LIMIT);
				return -1;
			}
			c->max_body = n;
			break;
		case 4: case 5:
			if (opts_number(val, 1, TIMEOUT_LIMIT, &n) < 0) {
				snprintf(err, errlen, "%s takes 1 to %d seconds",
				    valued[k], TIMEOUT_LIMIT);
				return -1;
			}
			if (k == 4)
				c->timeout = (int)n;
			else
				c->hook_timeout = (int)n;
			break;
		case 6:
			if (c->nenv == ENV_OPTS_MAX) {
				snprintf(err, errlen, "more than %d --env", ENV_OPTS_MAX);
				return -1;
			}
			c->envs[c->nenv++] = val;
			break;
		case 7:
			if (c->nscheme == SCHEMES_MAX ||
			    scheme_by_name(val) == SCHEME_NONE) {
				snprintf(err, errlen, "--scheme takes jobserv, github, "
				    "gitea, gitlab or standard, at most %d times",
				    SCHEMES_MAX);
				return -1;
			}
			c->schemes[c->nscheme++] = scheme_by_name(val);
			break;
		case 8:
			if (opts_number(val, 1, TIMEOUT_LIMIT, &n) < 0) {
				snprintf(err, errlen, "--tolerance takes 1 to %d seconds",
				    TIMEOUT_LIMIT);
				return -1;
			}
			c->tolerance = (long long)n;
			break;
		case 9:
			if (c->nproxy == PROXY_FROM_MAX ||
			    cidr_parse(val, &c->proxy_from[c->nproxy]) < 0) {
				snprintf(err, errlen, "--proxy-from %.64s: want "
				    "A.B.C.D[/N] or IPV6[/N] with no host bits set, at "
				    "most %d times", val, PROXY_FROM_MAX);
				return -1;
			}
			c->nproxy++;
			break;
		case 10: case 11:
			if (val[0] == '\0') {
				snprintf(err, errlen, "%s needs a path", valued[k]);
				return -1;
			}
			if (k == 10)
				c->tls_cert = val;
			else
				c->tls_key = val;
			break;
		}
	}
	if (c->help || c->version)
		return 0;
	if (i >= argc) {
		snprintf(err, errlen, "no HOOK given");
		return -1;
	}
	c->hook = argv + i;
	if (argc - i > ARGS_MAX) {
		snprintf(err, errlen, "more than %d HOOK arguments", ARGS_MAX);
		return -1;
	}
	if (c->nsecret == 0) {
		snprintf(err, errlen, "--secret-file is required");
		return -1;
	}
	if (c->nscheme == 0)
		c->schemes[c->nscheme++] = SCHEME_JOBSERV;
	if (!opts_path_ok(c->path)) {
		snprintf(err, errlen, "--path must start with / and hold no space, ? or #");
		return -1;
	}
	if (!prefix_ok(c->prefix)) {
		snprintf(err, errlen, "--prefix must match [A-Z][A-Z0-9_]* and not "
		    "begin a name inhook sets (PATH, REQUEST_*, INHOOK_*...)");
		return -1;
	}
	if ((bad = unsafe_under(c->prefix)) != NULL) {
		snprintf(err, errlen, "--prefix %.64s: a payload field could then "
		    "set %s, which the loader, libc, a shell or an interpreter "
		    "reads; choose another prefix (the default is WEBHOOK_)",
		    c->prefix, bad);
		return -1;
	}
	for (k = 0; k < c->nwhen; k++)
		if (filter_prefixed(&c->when[k], c->prefix, err, errlen) < 0)
			return -1;
	for (k = 0; k < c->nenv; k++) {
		if (strncmp(c->envs[k], "CREDENTIALS_DIRECTORY", 21) == 0 &&
		    (c->envs[k][21] == '\0' || c->envs[k][21] == '=')) {
			snprintf(err, errlen, "--env CREDENTIALS_DIRECTORY: the "
			    "hook never gets it, for it leads to the secret; pass "
			    "what the hook needs under another name");
			return -1;
		}
		if (!env_ok(c->envs[k], c->prefix)) {
			snprintf(err, errlen, "--env %.64s: NAME must match "
			    "[A-Za-z_][A-Za-z0-9_]*, not start with the prefix, "
			    "and not be a name inhook sets", c->envs[k]);
			return -1;
		}
	}
	if (!c->tls_cert != !c->tls_key) {
		snprintf(err, errlen, "--tls-cert and --tls-key go together");
		return -1;
	}
	if (c->tls_cert && !tls_available()) {
		snprintf(err, errlen, "--tls-cert: this inhook was built without "
		    "TLS (make TLS=no)");
		return -1;
	}
	return delivery_check(c, err, errlen);
}
