/* conn.h: the connection serve.c reads and writes, plain (fds 0 and 1)
 * or TLS (tls.c), behind one set of calls; serve.c never learns which. */
#ifndef INHOOK_CONN_H
#define INHOOK_CONN_H

#include <stddef.h>
#include <sys/types.h>

#include "opts.h"

/* Starts the connection for config c: with --tls-cert, the TLS handshake,
 * bounded by deadline, whose first *npre bytes were already read into pre
 * (what followed a PROXY header; *npre is then set to 0, as TLS took
 * them); plain, nothing. npre may be NULL. Returns 0; -1 (the peer's doing) or
 * -2 (the certificate or key files') with *why set to the log's reason
 * (NULL: the peer closed before sending a byte); the
 * connection is then finished (closed, or left for exit to close). */
int conn_open(const struct config *c, long long deadline,
              const unsigned char *pre, size_t *npre, const char **why);

/* As io_read(0, ...) and io_write_all(1, ...), over the connection. */
ssize_t conn_read(void *buf, size_t len, long long deadline);
int conn_write_all(const void *buf, size_t len, long long deadline);

/* The staged close (io_staged_close), after TLS's close_notify. */
void conn_close(void);

/* With TLS, sets *proto and *cipher (see tls.h) and returns 1; else 0. */
int conn_tls(const char **proto, const char **cipher);

#endif
