/* dedupe.h: --dedupe DIR, one claim file per delivery identity.
 *
 * A delivery claims its key before its hook may run. The claim file is
 * created under a private name, locked (flock), then linked to its final
 * name, which fails with EEXIST when the key is already claimed: the claim
 * is atomic (O_CREAT|O_EXCL for the private file, link(2) for the name) and
 * it is locked from the moment it is visible. While the claimant works the
 * file is empty and locked. Then either:
 *   keep:    it writes its outcome ("STATUS UNIXTIME\n") and unlocks: the
 *            key is delivered, later deliveries answer "Already delivered";
 *   release: it unlinks the name and unlocks: the key is free again.
 * A claimant that dies (SIGKILL, power loss) before deciding leaves an empty
 * unlocked file, which the next delivery takes over: the sender had no 2xx.
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

/* Records status as the outcome, makes it durable (fdatasync, and fsync of
 * dir) and lets the claim go. Returns 0, or -1 when it could not be written
 * (the claim is let go all the same). */
int dedupe_keep(struct claim *cl, int status);

/* Removes the claim: the key may be delivered again. */
void dedupe_release(struct claim *cl);

/* Looks at up to max entries of dir, continuing where the last call
 * stopped (a cursor in DIR/.cursor), and removes those not modified for
 * days days. Does nothing when another process is pruning. */
void dedupe_prune(const char *dir, int days, size_t max);

#endif
