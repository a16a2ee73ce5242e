/* opts.h: inhook's command line. */
#ifndef INHOOK_OPTS_H
#define INHOOK_OPTS_H

#include <stddef.h>
#include <sys/types.h>
#include "cidr.h"
#include "filter.h"
#include "limits.h"

struct config {
	const char *secret_files[SECRETS_MAX];  /* --secret-file, any verifies */
	size_t nsecret;
	int allow_shared_secret;    /* --allow-shared-secret */
	int schemes[SCHEMES_MAX];   /* --scheme, as enum scheme, in given order */
	size_t nscheme;
	long long tolerance;        /* --tolerance, seconds */
	const char *path;           /* --path, default /webhook */
	const char *prefix;         /* --prefix, default WEBHOOK_ */
	unsigned long max_body;     /* --max-body */
	int timeout;                /* --timeout, seconds */
	int hook_timeout;           /* --hook-timeout, seconds */
	const char *envs[ENV_OPTS_MAX];  /* --env NAME or NAME=VALUE */
	size_t nenv;
	int log_stderr;
	char **hook;                /* HOOK ARG..., NULL-terminated, in argv */
	int help, version;
	/* delivery: see serve.c's deliver() and the modules it names */
	int async;                  /* --async: 202 once the hook started */
	int respond_output;         /* --respond-output */
	unsigned long max_output;   /* --max-output, bytes */
	const char *spool;          /* --spool DIR, or NULL */
	const char *dedupe;         /* --dedupe DIR, or NULL */
	int dedupe_days;            /* --dedupe-days */
	const char *lock;           /* --lock FILE, or NULL */
	int lock_wait;              /* --lock-wait, seconds */
	struct filter when[WHEN_MAX];  /* --when, all must hold */
	size_t nwhen;
	/* listener: see listen.c */
	const char *listen[LISTEN_MAX];   /* --listen ADDR:PORT */
	size_t nlisten;
	int max_conns;              /* --max-conns */
	int max_per_source;         /* --max-per-source */
	int idle_exit;              /* --idle-exit, seconds; 0: never */
	int stop_timeout;           /* --stop-timeout, seconds */
	const char *user;           /* --user as given, or NULL */
	uid_t uid;                  /* and what it names */
	gid_t gid;
	int syslog;                 /* --syslog */
	/* PROXY protocol: see serve.c's read_proxy() and proxy.c */
	struct cidr proxy_from[PROXY_FROM_MAX];  /* --proxy-from CIDR */
	unsigned int nproxy;
	/* TLS: see tls.c; both or neither */
	const char *tls_cert;       /* --tls-cert FILE (PEM chain), or NULL */
	const char *tls_key;        /* --tls-key FILE (PEM key), or NULL */
};

/* Names inhook itself sets for the hook; --prefix and --env must stay clear
 * of them (PATH may be replaced with --env PATH=...). */
extern const char *const opts_fixed_names[];

/* Names no payload variable may be (loader, libc, shells, interpreters);
 * "X*" stands for every name beginning with X. A --prefix under which a
 * payload name could be one of them is refused. */
extern const char *const opts_unsafe_names[];

/* Parses argv[1..argc) into c. Returns 0, or -1 with a message in err. */
int opts_parse(int argc, char **argv, struct config *c, char *err,
               size_t errlen);

/* Which of valued[] (NULL-terminated option names) argv[*i] is, and its
 * value (after "=", or the next argument, consumed). Returns 1 with *k and
 * *val set, 0 when argv[*i] is none of them, -1 with a message in err when
 * the value is missing. */
int opts_valued(const char *const valued[], int argc, char **argv, int *i,
                size_t *k, const char **val, char *err, size_t errlen);

/* 1 when p is a usable --path: starts with '/', at most PATH_OPT_MAX bytes,
 * no space, control byte, '?' or '#'. */
int opts_path_ok(const char *p);

/* Parses a decimal number of at most 10 digits in [lo, hi]. Returns 0 or -1. */
int opts_number(const char *s, unsigned long lo, unsigned long hi,
                unsigned long *out);

#endif
