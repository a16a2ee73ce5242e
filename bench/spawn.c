/* spawn.c: what starting a process costs on this machine, the yardstick
 * for the load rows: a per-connection responder forks (and execs) once or
 * more per delivery, webhook (Go) starts its hook with a vfork-like clone.
 * Times COUNT rounds each of:
 *   fork    fork, the child _exits, waitpid
 *   forkx   fork, the child execs PROG (no arguments), waitpid
 *   vforkx  vfork, the child execs PROG, waitpid
 * and prints one line, milliseconds per round, CPU (user+system of this
 * process and its reaped children) and wall:
 *   fork_cpu_ms=X fork_wall_ms=X forkx_cpu_ms=X ... vforkx_wall_ms=X
 * usage: spawn [-n COUNT] PROG     (COUNT 1..10000, default 200)
 * Exits 0 when every child exited 0, 1 otherwise, 100 on a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double
cpu_s(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return tv_s(self.ru_utime) + tv_s(self.ru_stime) +
	    tv_s(kids.ru_utime) + tv_s(kids.ru_stime);
}

/* One child: how 0 forks and _exits, 1 forks and execs av[0], 2 vforks
 * and execs av[0]. The child never returns from here. */
static pid_t
start(int how, char **av)
{
	pid_t pid = how == 2 ? vfork() : fork();

	if (pid == 0) {
		if (how > 0)
			execv(av[0], av);
		_exit(how > 0 ? 127 : 0);
	}
	return pid;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = { "fork", "forkx", "vforkx" };
	char *av[2];
	long count = 200, i;
	double w0, c0;
	int how, st, bad = 0;
	pid_t pid;
	char *end;

	if (argc == 4 && strcmp(argv[1], "-n") == 0) {
		count = strtol(argv[2], &end, 10);
		if (*end || count < 1 || count > 10000)
			count = 0;
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || count == 0) {
		fputs("usage: spawn [-n COUNT] PROG\n", stderr);
		return 100;
	}
	av[0] = argv[1];
	av[1] = NULL;
	for (how = 0; how < 3; how++) {
		w0 = wall_s();
		c0 = cpu_s();
		for (i = 0; i < count; i++) {
			if ((pid = start(how, av)) < 0) {
				perror("spawn: fork");
				return 1;
			}
			if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
			    WEXITSTATUS(st) != 0)
				bad = 1;
		}
		printf("%s%s_cpu_ms=%.3f %s_wall_ms=%.3f", how ? " " : "",
		    names[how], (cpu_s() - c0) * 1000 / (double)count,
		    names[how], (wall_s() - w0) * 1000 / (double)count);
	}
	putchar('\n');
	return bad;
}
