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

/* Overwrites the key in a way the compiler keeps. */
void secret_wipe(struct secret *s);

#endif
