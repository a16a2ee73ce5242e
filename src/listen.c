/* listen.c: the listener. One loop in the parent: ppoll on the listening
 * sockets with SIGCHLD, SIGTERM and SIGINT let through only there; accept,
 * fork, and leave the connection to the child, which runs serve_conn()
 * as the per-connection mode does. The parent never reads from a
 * connection: a peer over --max-per-source is answered 503 by a child
 * too. Children are reaped as they end; at --max-conns the listening
 * sockets are not polled, and the kernel's backlog holds the rest. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cidr.h"
#include "hook.h"
#include "io.h"
#include "limits.h"
#include "listen.h"
#include "log.h"
#include "opts.h"
#include "secret.h"
#include "serve.h"
#include "tls.h"
#include "user.h"

struct slot {
	pid_t pid;              /* 0: free */
	unsigned char addr[16]; /* the peer; IPv4 as ::ffff:a.b.c.d */
	int refused;            /* a 503 child, not a delivery */
	int open;               /* its connection is not closed yet */
};

static struct slot slots[CONNS_LIMIT];
static int nkids, nsock, sock[LISTEN_MAX];
/* Each child writes its PID here once its connection is closed: a child
 * that has answered may take a while to end (a loaded machine, an --async
 * hook), and --max-per-source counts open connections, not processes. */
static int closed_pipe[2] = { -1, -1 };
static volatile sig_atomic_t got_term, got_chld;

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else
		got_term = sig;
}

/* In a child: SIGTERM from the parent at --stop-timeout ends the hook. */
static void
on_cut(int sig)
{
	(void)sig;
	hook_cut = 1;
}

int
listen_parse(const char *s, struct listen_addr *a)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	size_t hl = colon ? (size_t)(colon - s) : 0;
	unsigned long port;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;

	memset(a, 0, sizeof *a);
	if (!colon || hl >= sizeof host || opts_number(colon + 1, 0, 65535,
	    &port) < 0)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (hl == 0) {
		a->dual = 1;
		hl = 4;
		memcpy(host, "[::]", 5);
	}
	if (host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) != 1)
			return -1;
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((unsigned short)port);
		a->len = sizeof *v6;
		return 0;
	}
	if (inet_pton(AF_INET, host, &v4->sin_addr) != 1)
		return -1;
	v4->sin_family = AF_INET;
	v4->sin_port = htons((unsigned short)port);
	a->len = sizeof *v4;
	return 0;
}

/* Binds and listens; ":PORT" falls back to IPv4 only where the kernel has
 * no IPv6. Returns the socket, or -1 with errno set. */
static int
bind_one(struct listen_addr *a)
{
	int fd, on = 1, v6only = !a->dual, e;

	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (fd < 0 && a->dual && errno == EAFNOSUPPORT) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
		unsigned short port = ((struct sockaddr_in6 *)&a->ss)->sin6_port;
		memset(&a->ss, 0, sizeof a->ss);
		v4->sin_family = AF_INET;
		v4->sin_port = port;
		a->len = sizeof *v4;
		return bind_one(a);
	}
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if ((a->ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &v6only, sizeof v6only) < 0) ||
	    bind(fd, (struct sockaddr *)&a->ss, a->len) < 0 ||
	    listen(fd, LISTEN_BACKLOG) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* "ADDR:PORT" of a listening socket, as the kernel has it. */
static void
sock_name(int fd, char *out, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char a[INET6_ADDRSTRLEN];
	unsigned int port = 0;

	memset(&ss, 0, sizeof ss);
	snprintf(out, len, "fd %d", fd);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		io_addr_text(AF_INET, (unsigned char *)&s4->sin_addr, a);
		port = ntohs(s4->sin_port);
		snprintf(out, len, "%s:%u", a, port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		io_addr_text(AF_INET6, (unsigned char *)&s6->sin6_addr, a);
		port = ntohs(s6->sin6_port);
		snprintf(out, len, "[%s]:%u", a, port);
	}
}

const char *
listen_take_fds(int fds[LISTEN_MAX], int *n)
{
	const char *nfds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	unsigned long k, p;
	int type = 0, lis = 0, i;
	socklen_t tl = sizeof type;

	*n = 0;
	if (!nfds)
		return NULL;
	if (!pid || opts_number(pid, 1, 4194304, &p) < 0 ||
	    (pid_t)p != getpid())
		return NULL;            /* meant for another process */
	if (opts_number(nfds, 1, LISTEN_MAX, &k) < 0)
		return "LISTEN_FDS is not 1 to LISTEN_MAX (16)";
	for (i = 0; i < (int)k; i++) {
		tl = sizeof type;
		if (getsockopt(3 + i, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 ||
		    type != SOCK_STREAM)
			return "LISTEN_FDS names a descriptor that is not a "
			    "stream socket";
		lis += io_is_listening(3 + i);
	}
	if (lis == 0 && k > 1)
		return "LISTEN_FDS passes more than one connection";
	if (lis != 0 && lis != (int)k)
		return "LISTEN_FDS passes connections and listening sockets";
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
	if (lis == 0) {         /* Accept=yes: the connection on fd 3 */
		if (dup2(3, 0) < 0 || dup2(3, 1) < 0)
			return "cannot move the connection from fd 3";
		close(3);
		return NULL;
	}
	for (i = 0; i < (int)k; i++) {
		fds[i] = 3 + i;
		fcntl(3 + i, F_SETFD, FD_CLOEXEC);
		fcntl(3 + i, F_SETFL, fcntl(3 + i, F_GETFL) | O_NONBLOCK);
	}
	*n = (int)k;
	return NULL;
}

/* A child that could not load every --secret-file tells the log now, not
 * at the first delivery; the parent never holds a secret itself. */
static void
check_secrets(const struct config *c)
{
	struct secret s;
	const char *why;
	pid_t pid = fork();
	size_t i;
	int st;

	if (pid == 0) {
		for (i = 0; i < c->nsecret; i++) {
			if (secret_load(&s, c->secret_files[i],
			    c->allow_shared_secret, &why) < 0) {
				log_line(LOG_WARNING, "--secret-file %s: %s: "
				    "deliveries get 500 until it is fixed",
				    c->secret_files[i], why);
				continue;
			}
			secret_wipe(&s);
		}
		if (c->tls_cert && tls_check(c->tls_cert, c->tls_key,
		    c->allow_shared_secret, &why) < 0)
			log_line(LOG_WARNING, "%s: connections are refused (a "
			    "TLS alert) until it is fixed", why);
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
}

static void
close_sockets(void)
{
	int i;

	for (i = 0; i < nsock; i++)
		close(sock[i]);
	nsock = 0;
}

/* The peer as a 16-byte key, IPv4 mapped into IPv6 (cidr.c's form). */
static void
peer_key(const struct sockaddr_storage *ss, unsigned char key[16])
{
	memset(key, 0, 16);
	if (ss->ss_family == AF_INET)
		cidr_addr(AF_INET, (const unsigned char *)
		    &((const struct sockaddr_in *)ss)->sin_addr, key);
	else if (ss->ss_family == AF_INET6)
		cidr_addr(AF_INET6, (const unsigned char *)
		    &((const struct sockaddr_in6 *)ss)->sin6_addr, key);
}

/* One connection, in the child: what serve() does after its checks. */
static void
child(const struct config *c, int conn, int refuse)
{
	struct sigaction sa;
	sigset_t term;

	close_sockets();
	close(closed_pipe[0]);
	serve_closed_fd = closed_pipe[1];
	setpgid(0, 0);          /* a terminal's ^C is for the parent */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_cut;
	sigaction(SIGTERM, &sa, NULL);
	/* SIGTERM stays blocked but where the hook is waited for */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_SETMASK, &term, NULL);
	if (dup2(conn, 0) < 0 || dup2(conn, 1) < 0)
		_exit(111);
	if (conn > 1)
		close(conn);
	exit(refuse ? serve_refuse(c) : serve_conn(c));
}

static long long last_limit_log;

/* Limit events, at most one line per LIMIT_LOG_MS. */
static void
limit_log(const char *what, int n, const unsigned char *key)
{
	char a[INET6_ADDRSTRLEN];
	long long now = io_now_ms();

	if (now - last_limit_log < LIMIT_LOG_MS)
		return;
	last_limit_log = now;
	if (key && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)key))
		io_addr_text(AF_INET, key + 12, a);
	else if (key)
		io_addr_text(AF_INET6, key, a);
	log_line(LOG_WARNING, "limit: %s %d reached%s%s", what, n,
	    key ? " by " : "", key ? a : "");
}

static int reap(const struct config *c);

/* Reads the PIDs of children whose connection is closed. */
static void
note_closed(const struct config *c)
{
	pid_t pids[64];
	ssize_t r;
	size_t k;
	int i;

	while ((r = read(closed_pipe[0], pids, sizeof pids)) > 0)
		for (k = 0; k < (size_t)r / sizeof pids[0]; k++)
			for (i = 0; i < c->max_conns; i++)
				if (slots[i].pid == pids[k])
					slots[i].open = 0;
}

/* Accepts what is waiting on fd and forks for each, while slots last.
 * Children that have ended are reaped before each count: under load a
 * burst of connections comes before the SIGCHLD of those just answered. */
static void
take(const struct config *c, int fd, long long *pause_until)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned char key[16];
	int conn, i, free_slot, same;
	pid_t pid;

	while (nkids < c->max_conns) {
		sl = sizeof ss;
		memset(&ss, 0, sizeof ss);
		conn = accept4(fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
		if (conn < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				limit_log("accept failed for want of descriptors "
				    "or memory; pausing after", nkids, NULL);
				*pause_until = io_now_ms() + ACCEPT_PAUSE_MS;
			}
			return;         /* EAGAIN, ECONNABORTED, EINTR... */
		}
		peer_key(&ss, key);
		reap(c);
		note_closed(c);
		for (i = same = 0, free_slot = -1; i < c->max_conns; i++) {
			if (slots[i].pid == 0) {
				if (free_slot < 0)
					free_slot = i;
			} else if (!slots[i].refused && slots[i].open &&
			    memcmp(slots[i].addr, key, 16) == 0) {
				same++;
			}
		}
		if (same >= c->max_per_source)
			limit_log("--max-per-source", c->max_per_source, key);
		if ((pid = fork()) == 0)
			child(c, conn, same >= c->max_per_source);
		close(conn);
		if (pid < 0) {
			limit_log("fork failed; pausing after", nkids, NULL);
			*pause_until = io_now_ms() + ACCEPT_PAUSE_MS;
			return;
		}
		setpgid(pid, pid);
		slots[free_slot].pid = pid;
		slots[free_slot].refused = same >= c->max_per_source;
		slots[free_slot].open = 1;
		memcpy(slots[free_slot].addr, key, 16);
		if (++nkids == c->max_conns)
			limit_log("--max-conns", c->max_conns, NULL);
	}
}

/* Reaps every child that has ended. Returns how many were connections. */
static int
reap(const struct config *c)
{
	pid_t pid;
	int st, i, n = 0;

	got_chld = 0;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < c->max_conns && slots[i].pid != pid; i++)
			;
		if (i == c->max_conns)
			continue;       /* not a connection's (check_secrets) */
		slots[i].pid = 0;
		nkids--;
		n++;
		if (WIFSIGNALED(st))
			log_line(LOG_ERR, "connection process %ld killed by "
			    "signal %d", (long)pid, WTERMSIG(st));
	}
	return n;
}

/* Sends sig to every connection's process. */
static void
signal_kids(const struct config *c, int sig)
{
	int i;

	for (i = 0; i < c->max_conns; i++)
		if (slots[i].pid)
			kill(slots[i].pid, sig);
}

static int
open_sockets(const struct config *c, const int *fds, int n)
{
	struct listen_addr a;
	char name[INET6_ADDRSTRLEN + 16];
	size_t i;
	int k;

	for (k = 0; k < n && nsock < LISTEN_MAX; k++)
		sock[nsock++] = fds[k];
	for (i = 0; i < c->nlisten; i++) {
		if (nsock == LISTEN_MAX || listen_parse(c->listen[i], &a) < 0) {
			log_line(LOG_ERR, "--listen %s: too many sockets",
			    c->listen[i]);
			return 100;
		}
		if ((sock[nsock] = bind_one(&a)) < 0) {
			log_line(LOG_ERR, "cannot listen on %s: %s", c->listen[i],
			    strerror(errno));
			return 111;
		}
		nsock++;
	}
	for (k = 0; k < nsock; k++) {
		sock_name(sock[k], name, sizeof name);
		log_line(LOG_INFO, "listening on %s", name);
	}
	return 0;
}

int
listen_run(const struct config *c, const int *fds, int n)
{
	struct pollfd pf[LISTEN_MAX];
	struct sigaction sa;
	sigset_t block, during;
	long long now, idle_since, stop_at = 0, kill_at = 0, pause_until = 0;
	int st, i, np, timeout;

	if ((st = open_sockets(c, fds, n)) != 0)
		return st;
	if (pipe2(closed_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		log_line(LOG_ERR, "cannot make a pipe: %s", strerror(errno));
		return 111;
	}
	if (c->user && user_drop(c->uid, c->gid) < 0) {
		log_line(LOG_ERR, "--user %s: %s", c->user, strerror(errno));
		return 111;
	}
	check_secrets(c);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &during);
	idle_since = io_now_ms();
	for (;;) {
		i = reap(c);
		now = io_now_ms();
		if (nkids > 0 || i > 0)
			idle_since = now;
		if (got_term && !stop_at) {
			log_line(LOG_INFO, "stopping on %s: %d in progress",
			    got_term == SIGINT ? "SIGINT" : "SIGTERM", nkids);
			close_sockets();
			stop_at = now + c->stop_timeout * 1000LL;
		} else if (got_term && !kill_at) {
			stop_at = now;  /* asked twice: no more waiting */
		}
		got_term = 0;
		if (stop_at && nkids == 0)
			break;
		if (stop_at && now >= stop_at && !kill_at) {
			log_line(LOG_WARNING, "--stop-timeout: ending %d "
			    "connection(s) and their hooks", nkids);
			signal_kids(c, SIGTERM);
			kill_at = now + STOP_KILL_MS;
		}
		if (kill_at && now >= kill_at) {
			signal_kids(c, SIGKILL);
			kill_at = now + 60000;  /* and wait for them */
		}
		if (!stop_at && c->idle_exit && nkids == 0 &&
		    now - idle_since >= c->idle_exit * 1000LL) {
			for (i = 0; i < nsock; i++)
				pf[i] = (struct pollfd){ .fd = sock[i], .events = POLLIN };
			if (poll(pf, (nfds_t)nsock, 0) == 0) {
				log_line(LOG_INFO, "idle for %d s: exiting",
				    c->idle_exit);
				break;
			}
			idle_since = now;
		}
		np = 0;
		if (!stop_at && nkids < c->max_conns && now >= pause_until)
			for (np = 0; np < nsock; np++)
				pf[np] = (struct pollfd){ .fd = sock[np], .events = POLLIN };
		timeout = -1;
		if (kill_at)
			timeout = (int)(kill_at - now);
		else if (stop_at)
			timeout = (int)(stop_at - now);
		else if (pause_until > now)
			timeout = (int)(pause_until - now);
		else if (c->idle_exit && nkids == 0)
			timeout = (int)(idle_since + c->idle_exit * 1000LL - now);
		if (timeout >= 0) {
			struct timespec ts = { timeout / 1000,
			    (timeout % 1000) * 1000000L };
			if (ppoll(pf, (nfds_t)np, &ts, &during) <= 0)
				continue;
		} else if (ppoll(pf, (nfds_t)np, NULL, &during) <= 0) {
			continue;
		}
		for (i = 0; i < np; i++)
			if (pf[i].revents & POLLIN)
				take(c, pf[i].fd, &pause_until);
	}
	log_line(LOG_INFO, "stopped");
	return 0;
}
