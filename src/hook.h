/* hook.h: running the configured hook program, in two steps so that a
 * caller can answer between them (--async): hook_start returns once execve
 * has succeeded or failed, hook_wait supervises the hook to its end. */
#ifndef INHOOK_HOOK_H
#define INHOOK_HOOK_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include "limits.h"

struct hook_result {
	int started;    /* execve succeeded */
	int err;        /* errno of the failed start, when !started */
	int exited;     /* it exited (else it was killed by a signal) */
	int code;       /* exit status, or the signal number */
	int timed_out;  /* killed at the deadline, with its process group */
	int lost;       /* errno when its status could not be had (waitpid) */
	int stopped;    /* killed on hook_cut (the listener's --stop-timeout) */
	size_t outlen;  /* bytes of standard output captured */
	int truncated;  /* it wrote more than the capture buffer held */
};

/* A started hook. Filled by hook_start, consumed by hook_wait. */
struct hook {
	pid_t pid;
	int pidfd;              /* -1 where the kernel has none */
	int logfd;              /* read end of the log pipe, or -1 */
	int outfd;              /* read end of the capture pipe, or -1 */
	long long deadline;     /* io_now_ms() scale */
	char logbuf[LOG_LINE_MAX / 2];
	size_t loglen;
	unsigned char *out;     /* capture buffer, or NULL */
	size_t outmax;
};

/* Set (by a signal handler) when the hook must end now: hook_wait then
 * kills its tree as at the deadline, and says res->stopped. hook_wait lets
 * SIGTERM through while it waits, should the caller keep it blocked
 * elsewhere. */
extern volatile sig_atomic_t hook_cut;

/* The keeper's signal: kill the hook's tree and exit. */
#define KEEPER_SIG SIGRTMIN

/* Starts argv[0] with argv and envp by execve (no PATH search, no shell) in
 * a new process group, with stdin_fd as its standard input, no other
 * descriptors but 0-2, default signal dispositions and an empty signal
 * mask. Its parent is a keeper process (h->pid) that holds the caller's
 * other descriptors (its locks) while the hook runs, is the child
 * subreaper of the hook's whole tree, exits as the hook exits, and kills
 * the whole tree (what left the hook's group too) at the deadline or when
 * the caller dies. When the hook exits 0 and done is not NULL, the keeper
 * calls done(arg) before it exits, whatever happens to the caller
 * meanwhile: what records a success goes there. Its standard error goes to the log (fd 2 with --log-stderr, else a
 * pipe whose lines are logged); its standard output too, unless out is not
 * NULL: then up to outmax bytes of it are captured into out (the rest is
 * read and dropped, res->truncated set). The deadline, timeout_s seconds,
 * starts now. Returns 0 once execve has succeeded (res->started), or 500
 * when the hook could not be started (res->err says why; nothing is left
 * to wait for). A close-on-exec pipe tells which. */
int hook_start(struct hook *h, char *const argv[], char *const envp[],
               int stdin_fd, int timeout_s, unsigned char *out, size_t outmax,
               void (*done)(void *), void *arg, struct hook_result *res);

/* Supervises a started hook: forwards its log output, captures its
 * standard output, and waits until it exits or its deadline passes, when
 * the keeper kills the hook's whole tree with SIGKILL (inhook waits
 * KEEPER_STOP_MS for that, then kills the keeper's group). Output written
 * after the hook exited (by a background child) is not waited for. Returns
 * 200 (exit 0), 500 (non-zero exit, killed by a signal, or res->lost), 504
 * (timed out) or 503 (hook_cut). */
int hook_wait(struct hook *h, struct hook_result *res);

/* hook_start then hook_wait, output to the log. Returns 200, 500 (failed or
 * could not start: res->err says why) or 504. */
int hook_run(char *const argv[], char *const envp[], int stdin_fd,
             int timeout_s, void (*done)(void *), void *arg,
             struct hook_result *res);

#endif
