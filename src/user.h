/* user.h: --user UID[:GID], the account inhook drops to. */
#ifndef INHOOK_USER_H
#define INHOOK_USER_H

#include <stddef.h>
#include <sys/types.h>

/* Parses spec: UID or UID:GID in decimal, or NAME / NAME:GROUP looked up
 * in /etc/passwd and /etc/group (files only, no NSS: a static binary in
 * a FROM scratch image has no more). Without a group, the group is the
 * user's in /etc/passwd, or the number UID when it is not listed there.
 * Returns 0, or -1 with a message in err. */
int user_parse(const char *spec, uid_t *uid, gid_t *gid, char *err,
               size_t errlen);

/* Clears the supplementary groups and sets the real, effective and saved
 * GID then UID; checks that they cannot be regained. Returns 0, or -1 with
 * errno set. */
int user_drop(uid_t uid, gid_t gid);

#endif
