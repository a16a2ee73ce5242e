/* lock.h: advisory locks (flock) with a bound on the wait. Used for
 * --lock (one hook at a time across connections), for spool entries (the
 * process working on one holds it) and for de-duplication claims. A lock
 * belongs to the open file: closing the descriptor, or the process dying,
 * releases it, so no lock outlives a crash. */
#ifndef INHOOK_LOCK_H
#define INHOOK_LOCK_H

/* Takes a flock on fd, exclusive or shared, waiting at most wait_ms
 * milliseconds (0: do not wait). Returns 0, or -1 with errno EWOULDBLOCK
 * when the wait passed, another errno on failure. Uses ITIMER_REAL and
 * SIGALRM for the bound while it waits and restores both. */
int lock_fd(int fd, int exclusive, long wait_ms);

/* Opens path (created with mode 0600 if missing, close-on-exec) and takes
 * an exclusive lock on it within wait_ms. Returns the descriptor (close it
 * to release), or -1 with errno EWOULDBLOCK when the wait passed, another
 * errno when path cannot be opened or locked. */
int lock_open(const char *path, long wait_ms);

#endif
