/* main.c: entry point. Picks the sub-command, parses options, and owns the
 * exit status contract: 0 answered (or nothing to answer), 100 usage error,
 * 111 temporary failure (could not answer, could not read). Nothing is
 * written to fd 2 when it may be the connection. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "log.h"
#include "opts.h"
#include "response.h"
#include "serve.h"
#include "signcmd.h"
#include "spoolcmd.h"
#include "status.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif

#define EXIT_USAGE 100
#define EXIT_TEMP  111

static const char usage[] =
"usage: inhook --secret-file FILE [OPTIONS] [--] HOOK [ARG...]\n"
"       inhook --listen ADDR:PORT [--listen ...] --secret-file FILE [OPTIONS]\n"
"              [--] HOOK [ARG...]\n"
"       inhook sign [--request] [--scheme NAME] [--path PATH]\n"
"              [--allow-shared-secret] --secret-file FILE [BODYFILE]\n"
"       inhook spool list|retry|drop [--spool DIR] [ID...]\n"
"Answers one signed webhook on stdin/stdout, or each on its own --listen\n"
"sockets (or systemd Accept=no), and runs HOOK for it (inhook(8)).\n"
"  --secret-file FILE   required: the secret (mode 600); repeatable, any\n"
"                       verifies (500 if unusable)\n"
"  --allow-shared-secret  accept secrets readable by group or others\n"
"  --scheme NAME        jobserv|github|gitea|gitlab|standard, repeatable\n"
"                       (jobserv; 403)\n"
"  --tolerance SECS     standard: timestamp window (300; 403)\n"
"  --path PATH          webhook path (/webhook; 404)\n"
"  --prefix PREFIX      payload variable prefix (WEBHOOK_)\n"
"  --max-body BYTES     largest body (1048576; 413)\n"
"  --timeout SECS       deadline for the request (10; 408)\n"
"  --hook-timeout SECS  hook's process group killed after (60; 504)\n"
"  --env NAME[=VALUE]   pass or set a variable for the hook (not\n"
"                       CREDENTIALS_DIRECTORY)\n"
"  --log-stderr         log to stderr, not syslog\n"
"  --syslog             log to syslog (the listener logs to stderr)\n"
"  --user UID[:GID]     run as this user (NAME[:GROUP] from /etc/passwd)\n"
"  --listen ADDR:PORT   :PORT, IPV4:PORT or [IPV6]:PORT; repeatable\n"
"  --tls-cert FILE      HTTPS: PEM certificate chain, leaf first; with\n"
"  --tls-key FILE       its PEM key (EC P-256/P-384, RSA >= 2048; mode 600)\n"
"  --max-conns N        connections at once (64)\n"
"  --max-per-source N   from one address (16; then 503)\n"
"  --idle-exit SECS     exit when idle that long (0: never)\n"
"  --stop-timeout SECS  on SIGTERM, hooks killed after (8; 503)\n"
"  --proxy-from CIDR    expect a PROXY v1/v2 header from there; repeatable (400)\n"
"  --async              202 once the hook started (500 if it cannot start)\n"
"  --respond-output     the hook's stdout as the body, up to\n"
"  --max-output BYTES   (65536)\n"
"  --spool DIR          keep deliveries until their hook succeeds (200, 202; 503)\n"
"  --dedupe DIR         run each delivery once (200 Already delivered; 409, 503)\n"
"  --dedupe-days DAYS   forget after (7)\n"
"  --lock FILE          one hook at a time, waiting at most\n"
"  --lock-wait SECS     (30; then 503)\n"
"  --when NAME=VALUE    run only if payload NAME (no prefix) equals VALUE or\n"
"  --when NAME~REGEX    matches REGEX (ERE); all must hold (200 Filtered)\n"
"Also: 200 hook exit 0, 500 non-zero; 400 bad HTTP/JSON; 422 JSON refused.\n";

/* The process state inhook relies on, whatever it was started with: a
 * supervisor may leave SIGCHLD ignored (the kernel would then reap the hook
 * and waitpid fail) or signals blocked (SIGALRM ends a --lock wait).
 * SIGPIPE is ignored: a closed connection is a write error, not death. */
static void
std_signals(void)
{
	sigset_t none;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* fds 0-2 must be open so that nothing inhook opens lands on them. */
static void
std_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0 && fd <= 2)
		fcntl(fd, F_SETFD, 0);
	if (fd > 2)
		close(fd);
}

/* A usage error on a live connection: log it where logs go, and answer 500
 * so the sender is not left waiting. */
static int
bad_usage(const struct config *c, const char *err)
{
	char out[RESPONSE_MAX];
	size_t n;

	log_init(c->log_stderr || !io_is_socket(2) ? LOG_SINK_STDERR :
	    LOG_SINK_AUTO);
	if (log_to_stderr())
		fprintf(stderr, "inhook: %s\n%s", err, usage);
	else
		log_line(LOG_ERR, "usage error: %s", err);
	if (io_is_socket(0) || io_is_socket(1)) {
		n = response_format(out, S_INTERNAL_ERROR, NULL, TEXT_500_USAGE, 0,
		    time(NULL));
		(void)io_write_all(1, out, n, io_now_ms() + 1000);
		io_staged_close(0, 1);
	}
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	struct config c;
	char err[256];

	std_signals();
	std_fds();
	if (argc > 1 && strcmp(argv[1], "sign") == 0)
		return sign_cmd(argc, argv);
	if (argc > 1 && strcmp(argv[1], "spool") == 0)
		return spool_cmd(argc, argv);
	if (opts_parse(argc, argv, &c, err, sizeof err) < 0)
		return bad_usage(&c, err);
	if (c.help) {
		fputs(usage, stdout);
		return 0;
	}
	if (c.version) {
		puts("inhook " VERSION);
		return 0;
	}
	return serve(&c);
}
