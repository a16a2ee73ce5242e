/* hook.c: the test hook, compiled into the suite's temp dir at test time.
 * Usage: hook DIR [CODE]. Appends "run" to DIR/runs first (so any start is
 * seen), then records in DIR what it was given: env (one entry per line,
 * unsorted, bytes below 0x20, 0x7f and '\\' as \xHH), args (argv[1..], one
 * per line), argv0, stdin (every byte of standard input), fds (the open
 * descriptors, one per line), sig (the SigBlk and SigIgn lines of
 * /proc/self/status). Exits with CODE (default 0), or 99 when it cannot
 * record. Uses no shell and nothing that adds to what it reports. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static char fds[4096];

static FILE *
out(const char *dir, const char *name, const char *mode)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	if ((f = fopen(p, mode)) == NULL)
		exit(99);
	return f;
}

static void
escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			putc(c, f);
	}
	putc('\n', f);
}

int
main(int argc, char **argv)
{
	char buf[65536], line[256];
	size_t n, k = 0;
	DIR *d;
	struct dirent *e;
	FILE *f, *s;
	int i;

	if (argc < 2)
		return 99;
	/* the descriptors first, before this program opens any */
	if ((d = opendir("/proc/self/fd")) != NULL) {
		while ((e = readdir(d)) != NULL && k < sizeof fds - 16) {
			if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
				continue;
			k += (size_t)snprintf(fds + k, sizeof fds - k, "%s\n",
			    e->d_name);
		}
		closedir(d);
	}
	f = out(argv[1], "runs", "a");
	fputs("run\n", f);
	fclose(f);
	f = out(argv[1], "fds", "w");
	fputs(fds, f);
	fclose(f);
	f = out(argv[1], "env", "w");
	for (i = 0; environ[i]; i++)
		escaped(f, environ[i]);
	fclose(f);
	f = out(argv[1], "args", "w");
	for (i = 1; i < argc; i++)
		escaped(f, argv[i]);
	fclose(f);
	f = out(argv[1], "argv0", "w");
	escaped(f, argv[0]);
	fclose(f);
	f = out(argv[1], "stdin", "w");
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		fwrite(buf, 1, n, f);
	fclose(f);
	f = out(argv[1], "sig", "w");
	if ((s = fopen("/proc/self/status", "r")) != NULL) {
		while (fgets(line, sizeof line, s))
			if (strncmp(line, "SigBlk:", 7) == 0 ||
			    strncmp(line, "SigIgn:", 7) == 0)
				fputs(line, f);
		fclose(s);
	}
	fclose(f);
	return argc > 2 ? atoi(argv[2]) : 0;
}
