/* hook.h: running the configured hook program. */
#ifndef INHOOK_HOOK_H
#define INHOOK_HOOK_H

struct hook_result {
	int started;    /* execve succeeded */
	int err;        /* errno of the failed start, when !started */
	int exited;     /* it exited (else it was killed by a signal) */
	int code;       /* exit status, or the signal number */
	int timed_out;  /* killed at the deadline, with its process group */
};

/* Runs argv[0] with argv and envp by execve (no PATH search, no shell) in a
 * new process group, with stdin_fd as its standard input, its standard
 * output and error going to the log (fd 2 with --log-stderr, else a pipe
 * whose lines are logged), no other descriptors, default signal
 * dispositions and an empty signal mask. Waits until it exits or until
 * timeout_s seconds have passed, then kills its process group with SIGKILL.
 * Returns the status to answer: 200 (exit 0), 500 (non-zero exit, killed by
 * a signal, or could not start: res->err says why), 504 (timed out). */
int hook_run(char *const argv[], char *const envp[], int stdin_fd,
             int timeout_s, struct hook_result *res);

#endif
