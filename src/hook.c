/* hook.c: fork, exec and supervise the hook. The child gets only what
 * hook.h lists; a close-on-exec pipe tells the parent whether execve
 * succeeded. The parent waits on a pidfd (or polls where the kernel has
 * none) while it forwards the hook's output to the log, or captures its
 * standard output into the caller's bounded buffer. It stops reading that
 * output when the hook exits, so a background child that keeps the pipe
 * open cannot hold the connection. Starting and waiting are two steps so
 * that the caller can answer in between (--async). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ascii.h"
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

/* The set of ignored signals, from /proc/self/status ("SigIgn:" and 16
 * hex digits, bit s-1 for signal s). Returns 0, or -1 when /proc is not
 * there or says something else. */
static int
ignored_signals(unsigned long long *mask)
{
	static const char key[] = "\nSigIgn:\t";
	char buf[4096];
	size_t i, k, klen = sizeof key - 1;
	ssize_t n;
	int fd, h;

	if ((fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf);
	close(fd);
	for (i = 0; n > 0 && i + klen + 16 <= (size_t)n; i++) {
		if (memcmp(buf + i, key, klen) != 0)
			continue;
		*mask = 0;
		for (k = 0; k < 16; k++) {
			if ((h = ascii_hex((unsigned char)buf[i + klen + k])) < 0)
				return -1;
			*mask = *mask << 4 | (unsigned)h;
		}
		return 0;
	}
	return -1;
}

/* SIG_DFL for every signal the hook could inherit a disposition of. A
 * handler does not survive execve, an ignored disposition does: only those
 * need resetting, and /proc says which they are (one read instead of a
 * system call per signal). Without /proc, every signal is reset. The C
 * library refuses the two real-time signals it keeps for itself, yet a
 * parent may have left them ignored: the system call resets any signal. */
static void
default_signals(void)
{
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		unsigned long mask;
	} k;
	unsigned long long ign = ~0ULL;
	int s;

	memset(&k, 0, sizeof k);   /* handler NULL is SIG_DFL */
	if (ignored_signals(&ign) < 0)
		ign = ~0ULL;
	for (s = 1; s < NSIG && s <= 64; s++)
		if ((ign >> (s - 1) & 1) && s != SIGKILL && s != SIGSTOP)
			syscall(SYS_rt_sigaction, s, &k, NULL, sizeof k.mask);
}

static void
child(char *const argv[], char *const envp[], int stdin_fd, int out_fd,
      int log_fd, int err_fd)
{
	sigset_t none;
	int e;

	setpgid(0, 0);
	default_signals();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(stdin_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(log_fd, 2) < 0)
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

static void
close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

int
hook_start(struct hook *h, char *const argv[], char *const envp[],
           int stdin_fd, int timeout_s, unsigned char *out, size_t outmax,
           struct hook_result *res)
{
	int errp[2] = { -1, -1 }, logp[2] = { -1, -1 }, capp[2] = { -1, -1 };
	int log_fd, out_fd, st, e;
	ssize_t r;
	pid_t pid;

	memset(res, 0, sizeof *res);
	memset(h, 0, sizeof *h);
	h->pid = -1;
	h->pidfd = h->logfd = h->outfd = -1;
	if (pipe2(errp, O_CLOEXEC) < 0 ||
	    (!log_to_stderr() && pipe2(logp, O_CLOEXEC) < 0) ||
	    (out && pipe2(capp, O_CLOEXEC) < 0))
		goto fail;
	log_fd = log_to_stderr() ? 2 : logp[1];
	out_fd = out ? capp[1] : log_fd;
	if ((pid = fork()) < 0)
		goto fail;
	if (pid == 0)
		child(argv, envp, stdin_fd, out_fd, log_fd, errp[1]);
	h->deadline = io_now_ms() + (long long)timeout_s * 1000;
	setpgid(pid, pid);   /* also in the child: whichever runs first */
	close(errp[1]);
	errp[1] = -1;
	while ((r = read(errp[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(errp[0]);
	if (r == (ssize_t)sizeof e) {
		res->err = e;
		close_pair(logp);
		close_pair(capp);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		return S_INTERNAL_ERROR;
	}
	res->started = 1;
	h->pid = pid;
	h->logfd = logp[0];
	if (logp[1] >= 0)
		close(logp[1]);
	h->outfd = capp[0];
	if (capp[1] >= 0)
		close(capp[1]);
	h->out = out;
	h->outmax = outmax;
	h->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return 0;
fail:
	res->err = errno;
	close_pair(errp);
	close_pair(logp);
	close_pair(capp);
	return S_INTERNAL_ERROR;
}

/* Reads what fd has now into the log or the capture buffer. Returns 1
 * when it read something, -1 when there was nothing to read yet, 0 at end
 * of file or on error (the caller closes fd). */
static int
pump(struct hook *h, int fd, struct hook_result *res)
{
	unsigned char drop[4096];
	ssize_t r;

	if (fd == h->logfd) {
		r = read(fd, h->logbuf + h->loglen, sizeof h->logbuf - h->loglen);
		if (r > 0) {
			h->loglen += (size_t)r;
			log_output(h->logbuf, &h->loglen, 0);
		}
	} else if (res->outlen < h->outmax) {
		r = read(fd, h->out + res->outlen, h->outmax - res->outlen);
		if (r > 0)
			res->outlen += (size_t)r;
	} else {
		r = read(fd, drop, sizeof drop);
		if (r > 0)
			res->truncated = 1;
	}
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return -1;
	return r > 0;
}

int
hook_wait(struct hook *h, struct hook_result *res)
{
	struct pollfd pf[3];
	size_t drained = 0;
	int st = 0, n, i;
	long long left;

	for (;;) {
		left = h->deadline - io_now_ms();
		if (waitpid(h->pid, &st, WNOHANG) == h->pid)
			break;
		if (left <= 0) {
			kill(-h->pid, SIGKILL);
			kill(h->pid, SIGKILL);
			while (waitpid(h->pid, &st, 0) < 0 && errno == EINTR)
				;
			res->timed_out = 1;
			break;
		}
		n = 0;
		if (h->pidfd >= 0) {
			pf[n].fd = h->pidfd;
			pf[n++].events = POLLIN;
		}
		if (h->logfd >= 0) {
			pf[n].fd = h->logfd;
			pf[n++].events = POLLIN;
		}
		if (h->outfd >= 0) {
			pf[n].fd = h->outfd;
			pf[n++].events = POLLIN;
		}
		/* without a pidfd, look at the child every 10 ms */
		if (poll(pf, (nfds_t)n, h->pidfd >= 0 ? (left > 60000 ? 60000 :
		    (int)left) : (left > 10 ? 10 : (int)left)) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (pf[i].fd == h->pidfd ||
			    !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (pump(h, pf[i].fd, res) == 0) {
				close(pf[i].fd);
				if (pf[i].fd == h->logfd)
					h->logfd = -1;
				else
					h->outfd = -1;
			}
		}
	}
	if (h->pidfd >= 0)
		close(h->pidfd);
	/* what the hook wrote before it exited; not what a background child
	 * writes later */
	if (h->logfd >= 0) {
		fcntl(h->logfd, F_SETFL, O_NONBLOCK);
		while (drained < DRAIN_BYTES && pump(h, h->logfd, res) == 1)
			drained += sizeof h->logbuf;
		close(h->logfd);
	}
	if (h->outfd >= 0) {
		fcntl(h->outfd, F_SETFL, O_NONBLOCK);
		drained = 0;
		while (drained < DRAIN_BYTES + h->outmax &&
		    pump(h, h->outfd, res) == 1)
			drained += 4096;
		close(h->outfd);
	}
	h->pidfd = h->logfd = h->outfd = -1;
	log_output(h->logbuf, &h->loglen, 1);
	if (res->timed_out)
		return S_GATEWAY_TIMEOUT;
	res->exited = WIFEXITED(st);
	res->code = res->exited ? WEXITSTATUS(st) : WTERMSIG(st);
	return (res->exited && res->code == 0) ? S_OK : S_INTERNAL_ERROR;
}

int
hook_run(char *const argv[], char *const envp[], int stdin_fd, int timeout_s,
         struct hook_result *res)
{
	struct hook h;
	int st;

	if ((st = hook_start(&h, argv, envp, stdin_fd, timeout_s, NULL, 0,
	    res)) != 0)
		return st;
	return hook_wait(&h, res);
}
