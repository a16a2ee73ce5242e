/* launch.c: the hostile-start suite's launcher, compiled into the suite's
 * temp dir at test time. Two uses:
 *
 * launch [OPTIONS] -- PROG [ARG...]
 *   Makes a real TCP connection on 127.0.0.1 (a listener on a port the
 *   kernel picks, a client socket, the accepted server end), starts PROG
 *   with the server end on its descriptors and in the process state the
 *   options ask for, sends the request file from the client end, reads the
 *   whole answer (until PROG closes the connection), closes its end, and
 *   waits for PROG. Everything is bounded by -t. Options:
 *     -o DIR       write DIR/response (every byte received) and DIR/result
 *     -r FILE      the request to send
 *     -f MODE      descriptors: "012" 0, 1 and 2 the connection (inetd,
 *                  xinetd); "01" 0 and 1 the connection, 2 closed; "01e"
 *                  0 and 1 the connection, 2 the file of -e (default 01e)
 *     -e FILE      fd 2 for -f 01e (appended to)
 *     -x           leak descriptors that are not close-on-exec: the
 *                  listening socket on 3, /dev/null on 9 and on 63
 *     -i LIST      SIG_IGN for these signals: names without SIG (CHLD,
 *                  PIPE...), comma-separated, or "all": 1 to 64 but KILL
 *                  and STOP, the C library's 32 and 33 included
 *     -b           block every signal (all 64 bits of the mask)
 *     -n N         RLIMIT_NOFILE, soft and hard, N
 *     -E           empty environment: envp holds only what -V adds
 *     -V NAME=VAL  add to the environment (repeatable)
 *     -u MODE      umask (octal)
 *     -L FILE      hold an exclusive flock(2) on FILE from before PROG
 *                  starts, for -H seconds (default 4), then release it
 *     -t SECS      PROG is killed (SIGKILL) SECS after the start (default 10)
 *   Without -E the environment is the polluted one in dirty[] plus -V.
 *   Before the hostile settings the child resets every signal to SIG_DFL
 *   and unblocks all, so the start is what the options say and nothing the
 *   shell left (a non-interactive sh ignores INT and QUIT for &).
 *   DIR/result, "key=value" lines:
 *     port     the client's port (the REMOTE_PORT inhook must report)
 *     conn     "socket:[INODE]" of the server end, as /proc/PID/fd shows it
 *     sigign, sigblk  SigIgn and SigBlk of the child just before execve
 *     sent     1 when the whole request was written
 *     eof      1 when PROG closed the connection before the deadline
 *     answer_ms  from the start to that close
 *     exit     PROG's exit status, "sig:N", or "killed" (at the deadline)
 *     exit_ms  from the start to PROG's end
 *     one      1 when the bytes received are exactly one HTTP/1.1
 *              response: status line, head, a Content-Length body, and
 *              nothing before or after
 *     error    set up failed (the case cannot be judged)
 *
 * launch --hook OUTDIR PROG [ARG...]
 *   A hook wrapper: writes to OUTDIR/hookout where its descriptors 1 and 2
 *   lead (readlink of /proc/self/fd/N, "-" when closed), writes a line on
 *   each (they belong in inhook's log, never on the connection), then
 *   execv's PROG: environment, descriptors and signal state unchanged, and
 *   nothing of its own left open. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

static char *dirty[] = {
	"HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/sh",
	"LANG=C.UTF-8", "LC_ALL=C", "TERM=xterm", "PWD=/", "IFS=x",
	"PATH=/hostile/bin:/usr/bin:/bin", "FOO=bar",
	"CREDENTIALS_DIRECTORY=/nonexistent",
	/* names inhook sets, or that look like it: none may reach the hook
	 * from here (the hook's values are inhook's own) */
	"REQUEST_METHOD=GET", "QUERY_STRING=polluted", "CONTENT_LENGTH=1",
	"REMOTE_ADDR=203.0.113.9", "REMOTE_USER=mallory", "HTTP_HOST=evil",
	"INHOOK_EVENT=polluted", "INHOOK_DELIVERY=polluted",
	"WEBHOOK_POLLUTED=1", "WEBHOOK_BUILD_ID=666",
};

static struct { const char *name; int sig; } names[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },
	{ "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
	{ "TTOU", SIGTTOU }, { "TTIN", SIGTTIN }, { "XFSZ", SIGXFSZ },
	{ "WINCH", SIGWINCH }, { "TSTP", SIGTSTP },
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
die(const char *what)
{
	fprintf(stderr, "launch: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* The kernel's sigaction, for the signals the C library refuses (32, 33).
 * The layout is the one of x86 and the generic ABI with SA_RESTORER. */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static int
set_disposition(int s, void (*h)(int))
{
	struct sigaction sa;
	struct ksigaction k;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sigemptyset(&sa.sa_mask);
	if (sigaction(s, &sa, NULL) == 0)
		return 0;
	memset(&k, 0, sizeof k);
	k.handler = h;
	return (int)syscall(SYS_rt_sigaction, s, &k, NULL, sizeof k.mask);
}

/* SigIgn or SigBlk of this process as 16 hex digits into out[17]. */
static void
proc_mask(const char *key, char *out)
{
	char buf[8192], *p;
	ssize_t n;
	int fd;

	strcpy(out, "?");
	if ((fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if ((p = strstr(buf, key)) == NULL)
		return;
	p += strlen(key);
	while (*p == '\t' || *p == ' ')
		p++;
	memcpy(out, p, 16);
	out[16] = '\0';
}

static void
close_range_from(int lo, int hi)
{
	int fd;

	if (lo > hi)
		return;
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lo, (unsigned)hi, 0) == 0)
		return;
#endif
	for (fd = lo; fd <= hi && fd < 4096; fd++)
		close(fd);
}

static void
put(int fd, const char *s)
{
	(void)!write(fd, s, strlen(s));
}

/* Exactly one HTTP/1.1 response in buf[0..n): a status line "HTTP/1.1 NNN
 * ...", header lines "Name: value" (a token before the colon), one
 * Content-Length, the empty line, and exactly that many body bytes. */
static int
one_response(const char *buf, size_t n)
{
	const char *end, *p, *nl, *q;
	size_t blen = 0;
	int ncl = 0;

	if (n < 13 || memcmp(buf, "HTTP/1.1 ", 9) != 0 ||
	    buf[9] < '1' || buf[9] > '5')
		return 0;
	if ((end = memmem(buf, n, "\r\n\r\n", 4)) == NULL)
		return 0;
	p = (const char *)memchr(buf, '\n', (size_t)(end - buf) + 2) + 1;
	for (; p < end + 2; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end + 2 - p));
		if (nl == NULL || nl == p || nl[-1] != '\r')
			return 0;
		for (q = p; q < nl && (*q == '-' || (*q >= '0' && *q <= '9') ||
		    (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z')); q++)
			;
		if (q == p || *q != ':')
			return 0;
		if (q - p == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
			ncl++;
			for (q++; *q == ' '; q++)
				;
			if (*q < '0' || *q > '9')
				return 0;
			for (blen = 0; *q >= '0' && *q <= '9'; q++)
				blen = blen * 10 + (size_t)(*q - '0');
			if (*q != '\r')
				return 0;
		}
	}
	return ncl == 1 && n == (size_t)(end - buf) + 4 + blen;
}

static int
hook_wrapper(int argc, char **argv)
{
	char p[4096], t[4096];
	ssize_t k;
	int fd, i;

	if (argc < 4)
		return 98;
	snprintf(p, sizeof p, "%s/hookout", argv[2]);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return 98;
	for (i = 1; i <= 2; i++) {
		snprintf(p, sizeof p, "/proc/self/fd/%d", i);
		if ((k = readlink(p, t, sizeof t - 2)) < 0)
			k = snprintf(t, sizeof t, "-");
		t[k++] = '\n';
		(void)!write(fd, t, (size_t)k);
	}
	close(fd);
	put(1, "hostile-hook: a line on stdout\n");
	put(2, "hostile-hook: a line on stderr\n");
	execv(argv[3], argv + 3);
	return 97;
}

int
main(int argc, char **argv)
{
	const char *outdir = ".", *reqfile = NULL, *fdmode = "01e";
	const char *errfile = "/dev/null", *ignlist = NULL, *lockfile = NULL;
	char *env[64], path[4096], resp[1 << 20], req[1 << 16], info[512];
	int nenv = 0, empty = 0, block = 0, leak = 0, umask_v = -1, i, c;
	long nofile = -1, hold = 4, limit = 10;
	uint64_t ignmask = 0;
	int lsn, cli, srv, lockfd = -1, res, pp[2], st = 0, eof = 0;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	struct stat sst;
	size_t reqlen = 0, got = 0, sent = 0;
	long long t0, deadline, release = 0, answer_ms = -1, exit_ms = -1;
	char exitbuf[32] = "?";
	ssize_t r;
	pid_t pid;
	FILE *f;

	if (argc > 1 && strcmp(argv[1], "--hook") == 0)
		return hook_wrapper(argc, argv);
	while ((c = getopt(argc, argv, "o:r:f:e:xi:bn:EV:u:L:H:t:")) != -1) {
		switch (c) {
		case 'o': outdir = optarg; break;
		case 'r': reqfile = optarg; break;
		case 'f': fdmode = optarg; break;
		case 'e': errfile = optarg; break;
		case 'x': leak = 1; break;
		case 'i': ignlist = optarg; break;
		case 'b': block = 1; break;
		case 'n': nofile = atol(optarg); break;
		case 'E': empty = 1; break;
		case 'V': if (nenv < 16) env[nenv++] = optarg; break;
		case 'u': umask_v = (int)strtol(optarg, NULL, 8); break;
		case 'L': lockfile = optarg; break;
		case 'H': hold = atol(optarg); break;
		case 't': limit = atol(optarg); break;
		default: return 2;
		}
	}
	if (optind >= argc || !reqfile) {
		fputs("usage: launch -o DIR -r REQ [OPTIONS] -- PROG [ARG...]\n",
		    stderr);
		return 2;
	}
	if (!empty)
		for (i = 0; i < (int)(sizeof dirty / sizeof dirty[0]) &&
		    nenv < 62; i++)
			env[nenv++] = dirty[i];
	env[nenv] = NULL;
	if (ignlist) {
		char *l = strdup(ignlist), *tok, *save = NULL;
		for (tok = strtok_r(l, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save)) {
			if (strcmp(tok, "all") == 0) {
				ignmask = ~0ULL & ~(1ULL << (SIGKILL - 1)) &
				    ~(1ULL << (SIGSTOP - 1));
				continue;
			}
			for (i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
				if (strcmp(tok, names[i].name) == 0)
					break;
			if (i == (int)(sizeof names / sizeof names[0])) {
				fprintf(stderr, "launch: unknown signal %s\n", tok);
				return 2;
			}
			ignmask |= 1ULL << (names[i].sig - 1);
		}
		free(l);
	}
	if ((f = fopen(reqfile, "rb")) == NULL)
		die(reqfile);
	reqlen = fread(req, 1, sizeof req, f);
	fclose(f);

	/* the connection: listener, client, accepted server end */
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lsn = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(lsn, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(lsn, 1) < 0 ||
	    getsockname(lsn, (struct sockaddr *)&sa, &sl) < 0)
		die("listen on 127.0.0.1");
	if ((cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(cli, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("connect");
	if ((srv = accept4(lsn, NULL, NULL, SOCK_CLOEXEC)) < 0)
		die("accept");
	sl = sizeof sa;
	if (getsockname(cli, (struct sockaddr *)&sa, &sl) < 0 ||
	    fstat(srv, &sst) < 0)
		die("getsockname");
	if (lockfile) {
		if ((lockfd = open(lockfile, O_RDWR | O_CREAT | O_CLOEXEC,
		    0600)) < 0 || flock(lockfd, LOCK_EX) < 0)
			die(lockfile);
	}
	snprintf(path, sizeof path, "%s/result", outdir);
	if ((res = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0)
		die(path);
	snprintf(info, sizeof info, "port=%u\nconn=socket:[%lu]\n",
	    ntohs(sa.sin_port), (unsigned long)sst.st_ino);
	put(res, info);
	if (pipe2(pp, O_CLOEXEC) < 0)
		die("pipe");

	t0 = now_ms();
	deadline = t0 + limit * 1000;
	if (lockfd >= 0)
		release = t0 + hold * 1000;
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		uint64_t all = ~0ULL;
		char ign[24], blk[24];
		int s, sfd, lfd;

		/* a known start: every disposition default, nothing blocked */
		for (s = 1; s <= 64; s++)
			if (s != SIGKILL && s != SIGSTOP)
				set_disposition(s, SIG_DFL);
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
		all = 0;
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
		/* then the hostile one */
		for (s = 1; s <= 64; s++)
			if (ignmask >> (s - 1) & 1 &&
			    set_disposition(s, SIG_IGN) < 0) {
				snprintf(info, sizeof info,
				    "error=cannot ignore signal %d\n", s);
				put(pp[1], info);
				_exit(125);
			}
		if (block) {
			all = ~0ULL;
			syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 8);
		}
		if (umask_v >= 0)
			umask((mode_t)umask_v);
		proc_mask("SigIgn:", ign);
		proc_mask("SigBlk:", blk);
		snprintf(info, sizeof info, "sigign=%s\nsigblk=%s\n", ign, blk);
		put(pp[1], info);
		/* descriptors: keep the report pipe's end at 250 until execve */
		if (dup3(pp[1], 250, O_CLOEXEC) < 0 ||
		    (sfd = fcntl(srv, F_DUPFD, 200)) < 0 ||
		    (lfd = fcntl(lsn, F_DUPFD, 200)) < 0)
			_exit(125);
		if (dup2(sfd, 0) < 0 || dup2(sfd, 1) < 0)
			_exit(125);
		if (strcmp(fdmode, "012") == 0) {
			if (dup2(sfd, 2) < 0)
				_exit(125);
		} else if (strcmp(fdmode, "01e") == 0) {
			int e = open(errfile, O_WRONLY | O_APPEND | O_CREAT, 0644);
			if (e < 0 || dup2(e, 2) < 0)
				_exit(125);
			if (e != 2)
				close(e);
		} else {
			close(2);
		}
		if (leak) {
			int n = open("/dev/null", O_RDWR);
			if (n < 0 || dup2(lfd, 3) < 0 || dup2(n, 9) < 0 ||
			    dup2(n, 63) < 0)
				_exit(125);
			if (n != 3 && n != 9 && n != 63)
				close(n);
			close_range_from(4, 8);
			close_range_from(10, 62);
			close_range_from(64, 249);
		} else {
			close_range_from(3, 249);
		}
		close_range_from(251, 1 << 20);
		if (nofile >= 0) {
			struct rlimit rl = { (rlim_t)nofile, (rlim_t)nofile };
			if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
				put(250, "error=setrlimit failed\n");
				_exit(125);
			}
		}
		execve(argv[optind], argv + optind, env);
		snprintf(info, sizeof info, "error=execve %s: %s\n",
		    argv[optind], strerror(errno));
		put(250, info);
		_exit(126);
	}
	close(srv);
	close(lsn);
	close(pp[1]);
	/* what the child reports before execve; it ends there */
	while ((r = read(pp[0], info, sizeof info - 1)) > 0) {
		info[r] = '\0';
		put(res, info);
	}
	close(pp[0]);

	/* send the request, read the whole answer */
	while (sent < reqlen) {
		r = send(cli, req + sent, reqlen - sent, MSG_NOSIGNAL);
		if (r <= 0)
			break;
		sent += (size_t)r;
	}
	for (;;) {
		struct pollfd p = { cli, POLLIN, 0 };
		long long t = now_ms(), left = deadline - t;

		if (lockfd >= 0 && t >= release) {
			close(lockfd);
			lockfd = -1;
		}
		if (left <= 0)
			break;
		if (lockfd >= 0 && release - t < left)
			left = release - t;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		r = read(cli, resp + got, sizeof resp - got);
		if (r <= 0 || got + (size_t)r >= sizeof resp) {
			if (r > 0)
				got += (size_t)r;
			eof = r == 0;
			break;
		}
		got += (size_t)r;
	}
	if (eof)
		answer_ms = now_ms() - t0;
	close(cli);
	/* PROG ends, or is killed at the deadline; the lock is let go in time */
	for (;;) {
		long long t = now_ms();

		if (lockfd >= 0 && t >= release) {
			close(lockfd);
			lockfd = -1;
		}
		if (waitpid(pid, &st, WNOHANG) == pid) {
			exit_ms = now_ms() - t0;
			if (WIFEXITED(st))
				snprintf(exitbuf, sizeof exitbuf, "%d",
				    WEXITSTATUS(st));
			else
				snprintf(exitbuf, sizeof exitbuf, "sig:%d",
				    WTERMSIG(st));
			break;
		}
		if (t >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			snprintf(exitbuf, sizeof exitbuf, "killed");
			break;
		}
		usleep(5000);
	}
	if (lockfd >= 0)
		close(lockfd);
	snprintf(path, sizeof path, "%s/response", outdir);
	if ((f = fopen(path, "wb")) == NULL)
		die(path);
	fwrite(resp, 1, got, f);
	fclose(f);
	snprintf(info, sizeof info, "sent=%d\neof=%d\nanswer_ms=%lld\nexit=%s\n"
	    "exit_ms=%lld\none=%d\n", sent == reqlen, eof, answer_ms, exitbuf,
	    exit_ms, one_response(resp, got));
	put(res, info);
	close(res);
	return 0;
}
