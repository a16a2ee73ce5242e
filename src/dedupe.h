/* dedupe.h: --dedupe DIR, one claim file per delivery identity.
 *
 * A delivery claims its key before its hook may run. The claim file is
 * created under a private name, locked (flock), then linked to its final
 * name, which fails with EEXIST when the key is already claimed: the claim
 * is atomic (O_CREAT|O_EXCL for the private file, link(2) for the name) and
 * it is locked from the moment it is visible. While the claimant works the
 * file is locked and holds the undecided record "- NOTE", already of the
 * one size every record has (DEDUPE_RECORD bytes, padded, newline last), so
 * that writing the outcome later overwrites it in place and cannot fail for
 * want of space: a claim that cannot take that room fails before the hook
 * runs. NOTE is empty, or "spool=ID", the --spool entry the delivery went
 * to. Then either:
 *   keep:    it writes its outcome ("STATUS UNIXTIME") and unlocks: the
 *            key is delivered, later deliveries answer "Already delivered";
 *   release: it unlinks the name and unlocks: the key is free again.
 * A claimant that dies (SIGKILL, power loss) before deciding leaves an
 * undecided, unlocked file, which the next delivery takes over (the sender
 * had no 2xx), with its note.
 * Names: the key itself when it is 1..DEDUPE_NAME_MAX bytes of
 * [A-Za-z0-9_-], else "=" and the hex HMAC-SHA256 of the key. Files older
 * than --dedupe-days are pruned, a few per delivery. */
#ifndef INHOOK_DEDUPE_H
#define INHOOK_DEDUPE_H

#include <stddef.h>
#include "limits.h"

struct claim {
	int dirfd;
	int fd;                 /* the locked claim file, -1 when none */
	char name[DEDUPE_NAME_MAX + 2];
	char note[DEDUPE_RECORD];  /* a taken-over claim's note, or "" */
};

#define DEDUPE_MINE   0     /* claimed: run it, then keep or release */
#define DEDUPE_DONE   1     /* delivered before: do not run */
#define DEDUPE_BUSY   2     /* another delivery of it is still undecided */
#define DEDUPE_FAIL (-1)    /* DIR unusable: errno says why */

/* Makes the claim file name for key into name (DEDUPE_NAME_MAX + 2 bytes). */
void dedupe_name(const char *key, char *name);

/* Claims key in dir (created, mode 0700, if missing). When the key is
 * claimed by a delivery still at work, waits up to wait_ms for its outcome.
 * Returns DEDUPE_MINE (cl holds the claim), DEDUPE_DONE, DEDUPE_BUSY (still
 * undecided after wait_ms) or DEDUPE_FAIL. Only DEDUPE_MINE leaves
 * anything open in cl. */
int dedupe_claim(struct claim *cl, const char *dir, const char *key,
                 long wait_ms);

/* Replaces the undecided record's note (in its reserved room), durably.
 * Returns 0 or -1. */
int dedupe_note(struct claim *cl, const char *note);

/* Records status as the outcome, durably (fdatasync, fsync of dir), and
 * unlocks, keeping cl->fd for a later record. Returns 0 or -1. */
int dedupe_record(struct claim *cl, int status);

/* dedupe_record, then lets the claim go. Returns 0, or -1 when it could
 * not be written (the claim is let go all the same). */
int dedupe_keep(struct claim *cl, int status);

/* For inhook spool retry: records status in the claim file dir/name
 * without taking it (the spool entry's lock orders the writers).
 * Returns 0 or -1. */
int dedupe_mark(const char *dir, const char *name, int status);

/* The status a decided claim dir/name records, 0 when it is undecided or
 * missing, -1 when dir cannot be opened. */
int dedupe_status(const char *dir, const char *name);

/* Removes the claim: the key may be delivered again. */
void dedupe_release(struct claim *cl);

/* Looks at up to max entries of dir, continuing where the last call
 * stopped (a cursor in DIR/.cursor), and removes those not modified for
 * days days. Does nothing when another process is pruning. */
void dedupe_prune(const char *dir, int days, size_t max);

#endif
