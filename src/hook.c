/* hook.c: fork, exec and supervise the hook. The child gets only what
 * hook.h lists; a close-on-exec pipe tells the parent whether execve
 * succeeded. The parent waits on a pidfd (or polls where the kernel has
 * none) while it forwards the hook's output to the log. It stops reading
 * that output when the hook exits, so a background child that keeps the pipe
 * open cannot hold the connection. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hook.h"
#include "io.h"
#include "limits.h"
#include "log.h"
#include "status.h"

static void
close_from(int lo, int hi)
{
	int fd;

	if (lo > hi)
		return;
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lo, (unsigned)hi, 0) == 0)
		return;
#endif
	if (hi > 65535)
		hi = 65535;
	for (fd = lo; fd <= hi; fd++)
		close(fd);
}

/* SIG_DFL for every signal. The C library refuses the two real-time signals
 * it keeps for itself, yet a parent may have left them ignored, and
 * ignored dispositions survive execve: reset those with the system call. */
static void
default_signals(void)
{
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		unsigned long mask;
	} k;
	struct sigaction sa;
	int s;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	memset(&k, 0, sizeof k);   /* handler NULL is SIG_DFL */
	for (s = 1; s < NSIG; s++)
		if (sigaction(s, &sa, NULL) < 0 && s != SIGKILL && s != SIGSTOP)
			syscall(SYS_rt_sigaction, s, &k, NULL, sizeof k.mask);
}

static void
child(char *const argv[], char *const envp[], int stdin_fd, int out_fd,
      int err_fd)
{
	sigset_t none;
	int e;

	setpgid(0, 0);
	default_signals();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(stdin_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		goto fail;
	/* keep only 0-2 and the close-on-exec error pipe */
	close_from(3, err_fd - 1);
	close_from(err_fd + 1, ~0U >> 1);
	execve(argv[0], argv, envp);
fail:
	e = errno;
	(void)!write(err_fd, &e, sizeof e);
	_exit(127);
}

/* Logs complete lines of buf[0..*len) and keeps the rest; with flush,
 * logs the rest too. Lines longer than the buffer are logged in pieces. */
static void
log_output(char *buf, size_t *len, int flush)
{
	char esc[LOG_LINE_MAX];
	size_t i, start = 0;

	for (i = 0; i < *len; i++) {
		if (buf[i] != '\n')
			continue;
		log_line(LOG_INFO, "hook: %s", log_escape(esc, sizeof esc,
		    (unsigned char *)buf + start, i - start, LOG_FIELD_MAX * 2));
		start = i + 1;
	}
	if (start == 0 && *len == LOG_LINE_MAX / 2)
		flush = 1;
	if (flush && start < *len) {
		log_line(LOG_INFO, "hook: %s", log_escape(esc, sizeof esc,
		    (unsigned char *)buf + start, *len - start, LOG_FIELD_MAX * 2));
		start = *len;
	}
	memmove(buf, buf + start, *len - start);
	*len -= start;
}

int
hook_run(char *const argv[], char *const envp[], int stdin_fd, int timeout_s,
         struct hook_result *res)
{
	int errp[2], outp[2] = { -1, -1 }, out_fd, pidfd, st, e, n;
	char buf[LOG_LINE_MAX / 2];
	size_t have = 0, drained = 0;
	long long deadline;
	struct pollfd pf[2];
	ssize_t r;
	pid_t pid;

	memset(res, 0, sizeof *res);
	if (pipe2(errp, O_CLOEXEC) < 0) {
		res->err = errno;
		return S_INTERNAL_ERROR;
	}
	if (log_to_stderr()) {
		out_fd = 2;
	} else {
		if (pipe2(outp, O_CLOEXEC) < 0) {
			res->err = errno;
			close(errp[0]);
			close(errp[1]);
			return S_INTERNAL_ERROR;
		}
		out_fd = outp[1];
	}
	if ((pid = fork()) < 0) {
		res->err = errno;
		close(errp[0]);
		close(errp[1]);
		if (outp[0] >= 0) {
			close(outp[0]);
			close(outp[1]);
		}
		return S_INTERNAL_ERROR;
	}
	if (pid == 0)
		child(argv, envp, stdin_fd, out_fd, errp[1]);
	deadline = io_now_ms() + (long long)timeout_s * 1000;
	setpgid(pid, pid);   /* also in the child: whichever runs first */
	close(errp[1]);
	if (outp[1] >= 0)
		close(outp[1]);
	while ((r = read(errp[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(errp[0]);
	if (r == (ssize_t)sizeof e) {
		res->err = e;
		if (outp[0] >= 0)
			close(outp[0]);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		return S_INTERNAL_ERROR;
	}
	res->started = 1;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		long long left = deadline - io_now_ms();
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		if (left <= 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			res->timed_out = 1;
			break;
		}
		n = 0;
		if (pidfd >= 0) {
			pf[n].fd = pidfd;
			pf[n++].events = POLLIN;
		}
		if (outp[0] >= 0) {
			pf[n].fd = outp[0];
			pf[n++].events = POLLIN;
		}
		/* without a pidfd, look at the child every 10 ms */
		if (poll(pf, (nfds_t)n, pidfd >= 0 ? (left > 60000 ? 60000 :
		    (int)left) : (left > 10 ? 10 : (int)left)) <= 0)
			continue;
		if (outp[0] >= 0 && (pf[n - 1].revents & (POLLIN | POLLHUP))) {
			r = read(outp[0], buf + have, sizeof buf - have);
			if (r > 0) {
				have += (size_t)r;
				log_output(buf, &have, 0);
			} else if (r == 0) {
				close(outp[0]);
				outp[0] = -1;
			}
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	if (outp[0] >= 0) {
		/* what the hook wrote before it exited; not what a background
		 * child writes later */
		fcntl(outp[0], F_SETFL, O_NONBLOCK);
		while (drained < DRAIN_BYTES &&
		    (r = read(outp[0], buf + have, sizeof buf - have)) > 0) {
			have += (size_t)r;
			drained += (size_t)r;
			log_output(buf, &have, 0);
		}
		close(outp[0]);
	}
	log_output(buf, &have, 1);
	if (res->timed_out)
		return S_GATEWAY_TIMEOUT;
	res->exited = WIFEXITED(st);
	res->code = res->exited ? WEXITSTATUS(st) : WTERMSIG(st);
	return (res->exited && res->code == 0) ? S_OK : S_INTERNAL_ERROR;
}
