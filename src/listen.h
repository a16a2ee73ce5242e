/* listen.h: inhook's own listener (--listen, systemd Accept=no). The
 * parent accepts and forks; each child serves one connection with the
 * same code as the per-connection mode. The parent reads no byte of a
 * connection and holds no secret. */
#ifndef INHOOK_LISTEN_H
#define INHOOK_LISTEN_H

#include <sys/socket.h>
#include "opts.h"

struct listen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int dual;               /* ":PORT": IPv6 and IPv4 on one socket */
};

/* Parses ":PORT", "IPV4:PORT" or "[IPV6]:PORT" (PORT 0 to 65535; 0 asks
 * the kernel for a free one). Returns 0 or -1. */
int listen_parse(const char *s, struct listen_addr *a);

/* Looks at what LISTEN_FDS and LISTEN_PID pass this process: nothing (or
 * not for us: *n = 0), one connection (systemd Accept=yes without
 * StandardInput=socket: moved to fds 0 and 1, *n = 0), or listening
 * sockets from fd 3 on (Accept=no: their fds in fds[], *n of them).
 * Returns NULL, or what is wrong with what was passed. */
const char *listen_take_fds(int fds[LISTEN_MAX], int *n);

/* Serves the sockets of c->listen (bound here) and fds[0..n) (passed)
 * until SIGTERM, SIGINT or --idle-exit. Returns the exit status: 0 on a
 * clean stop, 100 on a usage error, 111 when a socket cannot be had. */
int listen_run(const struct config *c, const int *fds, int n);

#endif
