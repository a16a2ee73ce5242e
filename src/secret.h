/* secret.h: the shared secret, read from a file. */
#ifndef INHOOK_SECRET_H
#define INHOOK_SECRET_H

#include <stddef.h>
#include "limits.h"

struct secret {
	unsigned char key[SECRET_MAX];
	size_t len;
};

/* Reads path (relative to $CREDENTIALS_DIRECTORY when that is set and path
 * is relative) and strips surrounding whitespace, trailing newlines
 * included. Returns 0, or -1 with *why set: unreadable, not a regular file,
 * readable or writable by group or others (unless allow_shared), empty
 * after stripping, or over SECRET_MAX bytes. A failed read leaves s->len 0. */
int secret_load(struct secret *s, const char *path, int allow_shared,
                const char **why);

/* Reads a file that holds a secret (a --secret-file, the --tls-key) into
 * buf, at most cap bytes: path is relative to $CREDENTIALS_DIRECTORY when
 * that is set and path is relative; symlinks are followed; the open never
 * waits (O_NONBLOCK: a FIFO is refused, not waited on). Returns 0 with *len
 * set, or one of these (buf may then hold part of the file: wipe it):
 * SECRET_OPEN (errno says why), SECRET_NOT_REGULAR, SECRET_SHARED (group or
 * others have any access, and owner_only), SECRET_TOO_BIG (over cap). */
#define SECRET_OPEN        1
#define SECRET_NOT_REGULAR 2
#define SECRET_SHARED      3
#define SECRET_TOO_BIG     4
int secret_read(const char *path, int owner_only, unsigned char *buf,
                size_t cap, size_t *len);

/* Overwrites the key in a way the compiler keeps. */
void secret_wipe(struct secret *s);

#endif
