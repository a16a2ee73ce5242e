/* hook.c: fork, exec and supervise the hook. The child gets only what
 * hook.h lists; a close-on-exec pipe tells the parent whether execve
 * succeeded. The parent waits on a pidfd (or polls where the kernel has
 * none) while it forwards the hook's output to the log, or captures its
 * standard output into the caller's bounded buffer. It stops reading that
 * output when the hook exits, so a background child that keeps the pipe
 * open cannot hold the connection. Starting and waiting are two steps so
 * that the caller can answer in between (--async). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ascii.h"
#include "hook.h"
#include "io.h"
#include "limits.h"
#include "log.h"
#include "status.h"

volatile sig_atomic_t hook_cut;

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

/* The set of ignored signals, from /proc/self/status: "SigIgn:" and one hex
 * digit per four signals, the last digit for signals 1-4 (16 digits on
 * most CPUs, 32 on MIPS, which has 128 signals). ign[s] is set for an
 * ignored signal s < n. Returns 0, or -1 when /proc is not there or says
 * something else. */
static int
ignored_signals(unsigned char *ign, int n)
{
	static const char key[] = "\nSigIgn:\t";
	char buf[4096];
	size_t i, k, e, klen = sizeof key - 1;
	ssize_t r;
	int fd, h, b, s;

	if ((fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	r = read(fd, buf, sizeof buf);
	close(fd);
	for (i = 0; r > 0 && i + klen < (size_t)r; i++) {
		if (memcmp(buf + i, key, klen) != 0)
			continue;
		for (e = i + klen; e < (size_t)r && buf[e] != '\n'; e++)
			if (ascii_hex((unsigned char)buf[e]) < 0)
				return -1;
		if (e == (size_t)r || e == i + klen)
			return -1;
		memset(ign, 0, (size_t)n);
		for (k = 0; e - k > i + klen; k++) {
			h = ascii_hex((unsigned char)buf[e - k - 1]);
			for (b = 0; b < 4; b++) {
				s = (int)(4 * k) + b + 1;
				if (s < n && (h >> b & 1))
					ign[s] = 1;
			}
		}
		return 0;
	}
	return -1;
}

/* SIG_DFL for signal s by the system call, for the few real-time signals
 * the C library keeps for itself and refuses to touch (glibc's 32 and 33),
 * which a parent may still have left ignored. The kernel's structure
 * differs between CPUs, but all-zero means SIG_DFL, no flags and an empty
 * mask in every layout: only its size must be large enough and the mask
 * size the kernel's own (8 bytes, 16 on MIPS with its 128 signals). */
static void
default_raw(int s)
{
	union {
		unsigned char b[64];
		unsigned long long align;
	} k;

	memset(&k, 0, sizeof k);
	(void)syscall(SYS_rt_sigaction, s, &k, NULL, (size_t)(NSIG - 1) / 8);
}

/* SIG_DFL for every signal the hook could inherit a disposition of. A
 * handler does not survive execve, an ignored disposition does: only those
 * need resetting, and /proc says which they are (one read instead of a
 * system call per signal). Without /proc, every signal is reset. Through
 * the C library's sigaction, whose structure is right on every CPU; only
 * what it refuses goes to default_raw(). */
static void
default_signals(void)
{
	unsigned char ign[NSIG];
	struct sigaction sa;
	int s;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	if (ignored_signals(ign, NSIG) < 0)
		memset(ign, 1, sizeof ign);
	for (s = 1; s < NSIG; s++)
		if (ign[s] && s != SIGKILL && s != SIGSTOP &&
		    sigaction(s, &sa, NULL) < 0)
			default_raw(s);
}

/* The hook itself: its own process group, standard descriptors, signals,
 * exec. */
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

/* The parent's pid from /proc/PID/stat ("PID (comm) S PPID ..."; comm may
 * hold spaces and parentheses: the last ')' ends it), or -1. */
static long
parent_of(const char *pid)
{
	char path[300], buf[512], *p;
	ssize_t n;
	long pp = 0;
	int fd;

	if (strlen(pid) > 32)
		return -1;
	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' || p[2] == '\0' ||
	    p[3] != ' ')
		return -1;
	for (p += 4; *p >= '0' && *p <= '9'; p++)
		pp = pp * 10 + (*p - '0');
	return pp;
}

/* SIGKILL to every child of this process and to its process group.
 * Returns how many it found. */
static int
kill_children(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	long self = (long)getpid(), pid;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    parent_of(de->d_name) != self)
			continue;
		pid = strtol(de->d_name, NULL, 10);
		kill((pid_t)-pid, SIGKILL);
		kill((pid_t)pid, SIGKILL);
		n++;
	}
	closedir(d);
	return n;
}

/* Kills the hook's group, then every process that comes back to this one,
 * a child subreaper, as its parent dies: what left the group (setsid, a
 * double fork) is found too. Ends when no child is left. */
static void
kill_tree(pid_t hook)
{
	int rounds, idle = 0, n;
	pid_t w;

	kill(-hook, SIGKILL);
	kill(hook, SIGKILL);
	for (rounds = 0; rounds < 100000; rounds++) {
		n = kill_children();
		w = waitpid(-1, NULL, n ? 0 : WNOHANG);
		if (w < 0 && errno == ECHILD)
			return;
		/* a child /proc did not show (reparented since, or no /proc):
		 * look again a little later, for a second at most */
		if (w == 0) {
			if (++idle > 100)
				return;
			poll(NULL, 0, 10);
		}
	}
}

/* The keeper: inhook's child, the hook's parent, a child subreaper for the
 * hook's whole tree. It lives as long as the hook and exits as the hook
 * did, so inhook sees the hook's status. It keeps what inhook had open but
 * the connection and the hook's pipes: the --lock, spool entry and dedupe
 * claim locks. Two events end it early, both KEEPER_SIG: inhook's order at
 * --hook-timeout, and inhook's death (PR_SET_PDEATHSIG). Either way it
 * kills the hook's whole tree, escaped children included, before it exits
 * and its locks go: no hook work outlives the inhook that answers for it.
 * When the hook exits 0, done(arg) runs here first, with KEEPER_SIG no
 * longer heard, so that what records the success is done even if inhook
 * dies at that moment. */
static void
keeper(pid_t inhook, char *const argv[], char *const envp[], int stdin_fd,
       int out_fd, int log_fd, int err_fd, void (*done)(void *), void *arg)
{
	struct sigaction sa;
	siginfo_t si;
	sigset_t all, wake;
	pid_t pid, w;
	int st, e, sig;

	setpgid(0, 0);          /* also in inhook: whichever runs first */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	sigemptyset(&wake);
	sigaddset(&wake, SIGCHLD);
	sigaddset(&wake, KEEPER_SIG);
	/* best effort: without it (kernels before 3.4, qemu-user) what
	 * leaves the hook's group is not brought back for the tree kill */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (prctl(PR_SET_PDEATHSIG, KEEPER_SIG) < 0) {
		e = errno;      /* the hook is not started: inhook says why */
		(void)!write(err_fd, &e, sizeof e);
		_exit(127);
	}
	if (getppid() != inhook)
		_exit(128 + SIGKILL);   /* inhook is gone already */
	if ((pid = fork()) < 0) {
		e = errno;
		(void)!write(err_fd, &e, sizeof e);
		_exit(127);
	}
	if (pid == 0)
		child(argv, envp, stdin_fd, out_fd, log_fd, err_fd);
	close(err_fd);
	close(stdin_fd);
	close(out_fd);
	close(log_fd);
	close_from(0, log_to_stderr() ? 1 : 2);
	for (;;) {
		sig = sigwaitinfo(&wake, &si);
		if (sig == KEEPER_SIG) {
			kill_tree(pid);
			_exit(128 + SIGKILL);
		}
		/* reap whatever ended: the hook, or orphans given to us */
		while ((w = waitpid(-1, &st, WNOHANG)) > 0 && w != pid)
			;
		if (w == pid)
			break;
		if (w < 0 && errno == ECHILD)
			_exit(127);     /* the hook is gone, its status with it */
	}
	if (WIFEXITED(st)) {
		if (WEXITSTATUS(st) == 0 && done)
			done(arg);
		_exit(WEXITSTATUS(st));
	}
	/* killed: die of the same signal */
	sig = WTERMSIG(st);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
	sigemptyset(&all);
	sigaddset(&all, sig);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	raise(sig);
	_exit(128 + sig);
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
           void (*done)(void *), void *arg, struct hook_result *res)
{
	int errp[2] = { -1, -1 }, logp[2] = { -1, -1 }, capp[2] = { -1, -1 };
	int log_fd, out_fd, st, e;
	ssize_t r;
	pid_t pid, self;

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
	self = getpid();
	if ((pid = fork()) < 0)
		goto fail;
	if (pid == 0)
		keeper(self, argv, envp, stdin_fd, out_fd, log_fd, errp[1], done,
		    arg);
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

/* At --hook-timeout: the keeper kills the hook's whole tree and exits.
 * Waits for that at most KEEPER_STOP_MS, then kills the keeper and its
 * group outright. */
static void
stop_keeper(pid_t keeper, int *st, struct hook_result *res)
{
	long long until = io_now_ms() + KEEPER_STOP_MS;
	pid_t w;

	kill(keeper, KEEPER_SIG);
	while ((w = waitpid(keeper, st, WNOHANG)) == 0 && io_now_ms() < until)
		poll(NULL, 0, 5);
	if (w == keeper)
		return;
	if (w < 0 && errno != EINTR) {
		res->lost = errno;
		return;
	}
	kill(-keeper, SIGKILL);
	kill(keeper, SIGKILL);
	while ((w = waitpid(keeper, st, 0)) < 0 && errno == EINTR)
		;
	if (w < 0)
		res->lost = errno;
}

int
hook_wait(struct hook *h, struct hook_result *res)
{
	struct pollfd pf[3];
	struct timespec ts;
	sigset_t during;
	size_t drained = 0;
	int st = 0, n, i;
	pid_t w;
	long long left;

	sigprocmask(SIG_SETMASK, NULL, &during);
	sigdelset(&during, SIGTERM);

	for (;;) {
		left = h->deadline - io_now_ms();
		if ((w = waitpid(h->pid, &st, WNOHANG)) == h->pid)
			break;
		if (w < 0 && errno != EINTR) {
			res->lost = errno;      /* no status to be had */
			kill(h->pid, KEEPER_SIG);
			break;
		}
		if (left <= 0 || hook_cut) {
			stop_keeper(h->pid, &st, res);
			res->timed_out = left <= 0;
			res->stopped = !res->timed_out;
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
		if (left > (h->pidfd >= 0 ? 60000 : 10))
			left = h->pidfd >= 0 ? 60000 : 10;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		if (ppoll(pf, (nfds_t)n, &ts, &during) <= 0)
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
	if (res->stopped)
		return S_SERVICE_UNAVAILABLE;
	if (res->lost)
		return S_INTERNAL_ERROR;
	res->exited = WIFEXITED(st);
	res->code = res->exited ? WEXITSTATUS(st) : WTERMSIG(st);
	return (res->exited && res->code == 0) ? S_OK : S_INTERNAL_ERROR;
}

int
hook_run(char *const argv[], char *const envp[], int stdin_fd, int timeout_s,
         void (*done)(void *), void *arg, struct hook_result *res)
{
	struct hook h;
	int st;

	if ((st = hook_start(&h, argv, envp, stdin_fd, timeout_s, NULL, 0, done,
	    arg, res)) != 0)
		return st;
	return hook_wait(&h, res);
}
