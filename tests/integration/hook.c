/* hook.c: the integration suite's hook, compiled into the suite's temp dir
 * at test time. Usage: hook DIR. It picks what to do from QUERY_STRING,
 * which inhook sets from the request target:
 *   (empty)    record, in DIR: fds (the open descriptors, one per line,
 *              taken first), sig (the SigBlk and SigIgn lines of
 *              /proc/self/status), env (one entry per line, as given),
 *              uid, stdin (every byte of standard input); then write a line
 *              on stdout and one on stderr (they belong in inhook's log,
 *              never on the connection) and exit 0.
 *   mode=bg    start a child that writes DIR/child.pid and sleeps 30 s with
 *              stdout and stderr still open; exit 0 at once.
 *   mode=hang  start the same child, write DIR/hook.pid and sleep 30 s
 *              (for --hook-timeout: both must be killed).
 * Every mode first appends "run" to DIR/runs. Exits 99 when it cannot
 * record. Uses no shell and nothing that adds to what it reports. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static const char *dir;

static FILE *
out(const char *name, const char *mode)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	if ((f = fopen(p, mode)) == NULL)
		exit(99);
	return f;
}

static void
done(FILE *f)
{
	if (fclose(f) != 0)
		exit(99);
}

static void
writepid(const char *name)
{
	FILE *f = out(name, "w");

	fprintf(f, "%ld\n", (long)getpid());
	done(f);
}

static void
sleeper(void)
{
	pid_t pid = fork();

	if (pid < 0)
		exit(99);
	if (pid == 0) {
		writepid("child.pid");
		sleep(30);
		_exit(0);
	}
}

static void
record(void)
{
	static char fds[4096], line[512];
	size_t n = 0;
	struct dirent *e;
	char **v, buf[65536];
	ssize_t r;
	FILE *f, *st;
	DIR *d;

	/* descriptors first, before this program opens any */
	if ((d = opendir("/proc/self/fd")) == NULL)
		exit(99);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		n += (size_t)snprintf(fds + n, sizeof fds - n, "%s\n", e->d_name);
		if (n >= sizeof fds)
			exit(99);
	}
	closedir(d);
	f = out("fds", "w");
	fputs(fds, f);
	done(f);

	f = out("sig", "w");
	if ((st = fopen("/proc/self/status", "r")) == NULL)
		exit(99);
	while (fgets(line, sizeof line, st))
		if (strncmp(line, "SigBlk:", 7) == 0 ||
		    strncmp(line, "SigIgn:", 7) == 0)
			fputs(line, f);
	fclose(st);
	done(f);

	f = out("env", "w");
	for (v = environ; *v; v++)
		fprintf(f, "%s\n", *v);
	done(f);

	f = out("uid", "w");
	fprintf(f, "%ld\n", (long)getuid());
	done(f);

	f = out("stdin", "w");
	while ((r = read(0, buf, sizeof buf)) > 0)
		if (fwrite(buf, 1, (size_t)r, f) != (size_t)r)
			exit(99);
	if (r < 0)
		exit(99);
	done(f);

	printf("hook output on stdout\n");
	fflush(stdout);
	fprintf(stderr, "hook output on stderr\n");
}

int
main(int argc, char **argv)
{
	const char *q = getenv("QUERY_STRING");
	FILE *f;

	if (argc != 2)
		return 99;
	dir = argv[1];
	f = out("runs", "a");
	fputs("run\n", f);
	done(f);
	if (q == NULL || *q == '\0') {
		record();
		return 0;
	}
	if (strcmp(q, "mode=bg") == 0) {
		sleeper();
		return 0;
	}
	if (strcmp(q, "mode=hang") == 0) {
		sleeper();
		writepid("hook.pid");
		sleep(30);
		return 0;
	}
	return 98;
}
