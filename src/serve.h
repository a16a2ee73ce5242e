/* serve.h: one request on the connection at fds 0 and 1, from first byte
 * to staged close. */
#ifndef INHOOK_SERVE_H
#define INHOOK_SERVE_H

#include "opts.h"

/* Reads, checks and answers one request; runs the hook when everything
 * holds. Returns inhook's exit status: 0 when an answer was written (any
 * HTTP status) or the peer left before sending anything, 111 when the
 * answer could not be written, 100 when fd 0 is a listening socket (a
 * supervisor that does not accept connections for inhook). */
int serve(const struct config *c);

#endif
