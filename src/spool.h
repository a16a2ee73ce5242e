/* spool.h: --spool DIR, deliveries kept on disk until their hook succeeds.
 *
 * Layout, the maildir way:
 *   DIR/tmp/ID/     an entry being written, or being removed
 *   DIR/new/ID/     a delivery whose hook has not succeeded yet
 *   DIR/failed/ID/  a delivery whose hook failed, timed out or did not start
 * An entry is a directory of files, written in tmp/ (each file fsynced, then
 * the entry directory), renamed into new/ (atomic), and new/ fsynced before
 * anyone is answered, so a power loss after a 2xx loses nothing:
 *   body    the verified request body, exactly; the hook's standard input
 *   argv    HOOK and its ARGs, each ending in a NUL byte
 *   env     the hook's whole environment, NAME=VALUE each ending in a NUL
 *           byte (never the secret: it is never in the environment)
 *   opts    the options a retry needs, "name=value" each ending in a NUL:
 *           hook-timeout=SECONDS, lock=FILE, lock-wait=SECONDS, and with
 *           --dedupe: dedupe=DIR and claim=NAME (one or two), the claim
 *           files a retry records its success in, and reads first
 *   reason  in failed/ only: one line, "UNIXTIME why" (exit:3, signal:9,
 *           timeout, not-started: No such file or directory, lock-wait)
 * IDs are "SECONDS.MICROSECONDS.PID" when written: unique on one host and
 * sorted by age. Whoever works on an entry holds an exclusive flock on its
 * directory, from before it appears in new/ until it is gone or in failed/:
 * a locked entry is in progress, an unlocked one in new/ was left by a
 * crash. A finished entry is renamed into tmp/ before its files are
 * removed, so a crash never leaves half an entry in new/ or failed/. */
#ifndef INHOOK_SPOOL_H
#define INHOOK_SPOOL_H

#include <stddef.h>
#include "limits.h"

struct spool {
	int dirfd, tmpfd, newfd, failfd;
};

struct spool_entry {
	char id[SPOOL_ID_MAX + 1];
	int failed;             /* in failed/, else in new/ */
	int fd;                 /* the entry directory, locked; -1 when none */
};

#define SPOOL_CLAIMS_MAX 2

/* What a retry needs besides argv and env. */
struct spool_opts {
	int hook_timeout;
	const char *lock;       /* NULL for none */
	int lock_wait;
	const char *dedupe;     /* --dedupe DIR, NULL for none */
	const char *claims[SPOOL_CLAIMS_MAX];   /* claim file names in it */
	size_t nclaims;
	const char *id;         /* spool_write: the ID to use, or NULL */
};

/* Opens dir and its tmp/, new/ and failed/ (created, mode 0700, when
 * missing and create is set). Returns 0, or -1 with errno. */
int spool_open(struct spool *s, const char *dir, int create);
void spool_close(struct spool *s);

/* 1 if id can name an entry: 1..SPOOL_ID_MAX bytes of [A-Za-z0-9._-], not
 * starting with a dot. */
int spool_id_ok(const char *id);

/* Chooses a new entry ID into e->id, so that it can be recorded elsewhere
 * before spool_write publishes the entry under it. */
void spool_new_id(struct spool_entry *e);

/* Writes an entry durably into new/ and returns it locked in e; under
 * o->id when that is a valid ID (from spool_new_id), else a new one. Returns 0,
 * or -1 with errno (ENOSPC, EROFS, EACCES...) having removed what it
 * wrote. */
int spool_write(struct spool *s, const unsigned char *body, size_t len,
                char *const argv[], char *const envp[],
                const struct spool_opts *o, struct spool_entry *e);

/* Finds id in new/ or failed/ and locks it within wait_ms. Returns 0,
 * -1 with errno ENOENT (no such entry), EWOULDBLOCK (in progress), other. */
int spool_lock(struct spool *s, const char *id, long wait_ms,
               struct spool_entry *e);

/* Opens the entry's body for reading (close-on-exec). Returns fd or -1. */
int spool_body(const struct spool_entry *e);

/* Reads the entry's argv, env and opts into buf (cap bytes) and fills the
 * NULL-terminated vectors argv (nargv slots) and envp (nenvp slots) with
 * pointers into it, and o. Returns 0, or -1 with errno (EINVAL for an
 * entry that is not well formed, E2BIG when it does not fit). */
int spool_load(const struct spool_entry *e, char *buf, size_t cap,
               char **argv, size_t nargv, char **envp, size_t nenvp,
               struct spool_opts *o);

/* The hook succeeded (or the entry is dropped): removes the entry. Returns
 * 0 or -1 with errno. Unlocks it either way. */
int spool_done(struct spool *s, struct spool_entry *e);

/* The hook failed: writes why (one line) into reason and moves the entry
 * to failed/ (durably). Returns 0, or -1 with errno, and then e->failed
 * says where the entry is: 0 still in new/ (it could not be moved), 1 in
 * failed/ (but its reason could not be written, and none is left, so it
 * reads as unknown; or the move could not be synced). Unlocks it either
 * way. */
int spool_fail(struct spool *s, struct spool_entry *e, const char *why);

/* Lets go of an entry without changing it. */
void spool_unlock(struct spool_entry *e);

/* Fills ids (max entries of SPOOL_ID_MAX + 1 bytes) with the max oldest
 * entries of new/ (which = SPOOL_NEW), failed/ (SPOOL_FAILED) or both
 * together (SPOOL_BOTH), oldest first (IDs compared as numbers: seconds,
 * then microseconds, then PID), and returns how many; *total, unless total
 * is NULL, gets how many entries there are in all (more than returned: the
 * newest were left out). -1 with errno when a directory cannot be read. */
#define SPOOL_NEW    0
#define SPOOL_FAILED 1
#define SPOOL_BOTH   2
long spool_ids(struct spool *s, int which, char (*ids)[SPOOL_ID_MAX + 1],
               size_t max, size_t *total);

/* Reads the reason line of failed/ID into buf (cap bytes, NUL-terminated,
 * newline removed). Returns 0, or -1 when there is none (or it is empty). */
int spool_reason(struct spool *s, const char *id, char *buf, size_t cap);

/* Removes what tmp/ holds that is older than SPOOL_TMP_AGE seconds. */
void spool_clean_tmp(struct spool *s);

#endif
