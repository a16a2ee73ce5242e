/* serve.h: one request on the connection at fds 0 and 1, from first byte
 * to staged close. */
#ifndef INHOOK_SERVE_H
#define INHOOK_SERVE_H

#include "opts.h"

/* The start: with --listen, or listening sockets passed by LISTEN_FDS,
 * the listener (listen.c); else one connection on fds 0 and 1, served by
 * serve_conn. Returns inhook's exit status: 100 when fd 0 is a listening
 * socket (a supervisor that does not accept connections for inhook), else
 * as serve_conn or listen_run. */
int serve(const struct config *c);

/* Reads, checks and answers one request on fds 0 and 1; runs the hook
 * when everything holds. Returns 0 when an answer was written (any HTTP
 * status) or the peer left before sending anything, 111 when the answer
 * could not be written. */
int serve_conn(const struct config *c);

/* Answers 503 with Retry-After (over --max-per-source) without reading
 * the request, logs it, and closes. Returns 0 or 111 as serve_conn. */
int serve_refuse(const struct config *c);

/* Where serve_conn and serve_refuse write their PID once the connection
 * is closed (the listener's pipe, in its children), or -1. */
extern int serve_closed_fd;

#endif
