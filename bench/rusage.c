/* rusage.c: runs a command and reports what its whole process tree used.
 * The command's own CPU time and that of every descendant it (or they)
 * waited for reach us through wait4(), in microseconds, so a supervisor
 * that reaps one process per connection is measured with all of them.
 * SIGTERM and SIGINT are passed on to the command, so a server can be
 * stopped and still be accounted for.
 *
 * usage: rusage [-n COUNT] [-g CGROUPDIR] OUTFILE COMMAND [ARG...]
 * With -n (1..100000), runs COMMAND COUNT times, one after another, as a
 * per-connection supervisor would; when standard input is a regular file
 * it is rewound before each run, so each run reads the same request. Stops
 * at the first run that does not exit 0.
 * With -g, each run's process joins the control group CGROUPDIR (writes
 * its pid to CGROUPDIR/cgroup.procs) before it executes COMMAND, so that
 * everything COMMAND starts is counted there too, reaped or not (the
 * group's cpu.stat, cgroup v2); a run that cannot join ends with
 * status 111.
 * OUTFILE gets one line, totals over the runs:
 *   user_us=N sys_us=N cpu_us=N maxrss_kb=N minflt=N majflt=N wall_us=N
 *   runs=N status=N
 * maxrss_kb is the largest resident set of the command or of any waited-for
 * descendant (Linux: the hook a responder runs counts too). status is the
 * last exit code, or 128 + the signal that ended the command. Exits with
 * 111 if the command could not be run, 0 otherwise. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define COUNT_MAX 100000

static volatile sig_atomic_t child_pid;

static void
pass_on(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

/* Moves this process into the control group at dir. */
static int
join(const char *dir)
{
	char path[4096];
	FILE *f;
	int bad;

	if ((size_t)snprintf(path, sizeof path, "%s/cgroup.procs", dir) >= sizeof path) {
		fprintf(stderr, "rusage: %s: name too long\n", dir);
		return -1;
	}
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	bad = fclose(f) != 0;
	if (bad)
		perror(path);
	return bad ? -1 : 0;
}

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long
us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct rusage ru;
	struct stat st0;
	long long t0, user = 0, sys = 0;
	long maxrss = 0, minflt = 0, majflt = 0, count = 1, runs;
	int st, code = 0, rewind_in, a = 1;
	const char *cgroup = NULL;
	char *end;
	pid_t pid;
	FILE *f;

	for (;;) {
		if (argc - a > 2 && strcmp(argv[a], "-n") == 0) {
			count = strtol(argv[a + 1], &end, 10);
			if (*end || count < 1 || count > COUNT_MAX)
				count = 0;
			a += 2;
		} else if (argc - a > 2 && strcmp(argv[a], "-g") == 0) {
			cgroup = argv[a + 1];
			a += 2;
		} else {
			break;
		}
	}
	if (argc - a < 2 || count == 0) {
		fputs("usage: rusage [-n COUNT] [-g CGROUPDIR] OUTFILE COMMAND [ARG...]\n",
		    stderr);
		return 100;
	}
	rewind_in = fstat(0, &st0) == 0 && S_ISREG(st0.st_mode);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = pass_on;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	t0 = now_us();
	for (runs = 0; runs < count && code == 0; runs++) {
		if (rewind_in && lseek(0, 0, SEEK_SET) < 0) {
			perror("rusage: lseek");
			return 111;
		}
		if ((pid = fork()) < 0) {
			perror("rusage: fork");
			return 111;
		}
		if (pid == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			if (cgroup && join(cgroup) < 0)
				_exit(111);
			execvp(argv[a + 1], argv + a + 1);
			perror(argv[a + 1]);
			_exit(127);
		}
		child_pid = pid;
		while (wait4(pid, &st, 0, &ru) < 0)
			if (errno != EINTR) {
				perror("rusage: wait4");
				return 111;
			}
		child_pid = 0;
		code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		user += us(ru.ru_utime);
		sys += us(ru.ru_stime);
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		minflt += ru.ru_minflt;
		majflt += ru.ru_majflt;
	}
	if ((f = fopen(argv[a], "w")) == NULL) {
		perror(argv[a]);
		return 111;
	}
	fprintf(f, "user_us=%lld sys_us=%lld cpu_us=%lld maxrss_kb=%ld "
	    "minflt=%ld majflt=%ld wall_us=%lld runs=%ld status=%d\n", user, sys,
	    user + sys, maxrss, minflt, majflt, now_us() - t0, runs, code);
	return fclose(f) == 0 && code != 127 ? 0 : 111;
}
