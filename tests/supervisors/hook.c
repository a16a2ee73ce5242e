/* hook.c: the supervisors suite's hook, compiled into the suite's temp dir
 * at test time.
 *   hook DIR
 *       appends "run" to DIR/runs (last), records in DIR: sig (the SigBlk
 *       and SigIgn lines of /proc/self/status), env (its environment, one
 *       entry per line, as given), stdin (every byte of standard input);
 *       then writes a line on stdout and one on stderr (inhook's log, never
 *       the connection) and exits 0; 99 when it cannot record.
 *   hook --probe FILE
 *       run by a supervisor in inhook's place, to see what inhook would be
 *       started with: reads the request head, appends its SigIgn line to
 *       FILE, answers with a minimal HTTP 200 on stdout, exits 0.
 * No shell, nothing that would change what it reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static const char *dir;

/* out NAME MODE: DIR/NAME opened, or NAME itself when there is no DIR */
static FILE *
out(const char *name, const char *mode)
{
	char p[4096];
	FILE *f;

	if (dir)
		snprintf(p, sizeof p, "%s/%s", dir, name);
	else
		snprintf(p, sizeof p, "%s", name);
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

/* status PROC NAME WANT: the lines of the status file PROC that start
 * with one of the prefixes in WANT, appended to out(NAME) */
static void
status(const char *proc, const char *name, const char *const *want)
{
	char line[512];
	const char *const *w;
	FILE *f = out(name, "a"), *st;

	if ((st = fopen(proc, "r")) == NULL)
		exit(99);
	while (fgets(line, sizeof line, st))
		for (w = want; *w; w++)
			if (strncmp(line, *w, strlen(*w)) == 0)
				fputs(line, f);
	fclose(st);
	done(f);
}

int
main(int argc, char **argv)
{
	static const char *const own[] = { "SigBlk:", "SigIgn:", NULL };
	static const char *const ign[] = { "SigIgn:", NULL };
	char buf[65536];
	char **v;
	ssize_t r;
	FILE *f;

	if (argc == 3 && strcmp(argv[1], "--probe") == 0) {
		size_t n = 0;

		/* the request head first, so that closing sends no RST */
		while (n < sizeof buf - 1 && (r = read(0, buf + n, 1)) == 1)
			if (++n >= 4 && memcmp(buf + n - 4, "\r\n\r\n", 4) == 0)
				break;
		dir = NULL;
		status("/proc/self/status", argv[2], ign);
		fputs("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n", stdout);
		return fflush(stdout) == 0 ? 0 : 99;
	}
	if (argc != 2)
		return 99;
	dir = argv[1];

	status("/proc/self/status", "sig", own);

	f = out("env", "w");
	for (v = environ; *v; v++)
		fprintf(f, "%s\n", *v);
	done(f);

	f = out("stdin", "w");
	while ((r = read(0, buf, sizeof buf)) > 0)
		if (fwrite(buf, 1, (size_t)r, f) != (size_t)r)
			exit(99);
	if (r < 0)
		exit(99);
	done(f);

	/* last, so that a test that sees the run sees the rest */
	f = out("runs", "a");
	fputs("run\n", f);
	done(f);

	printf("hook output on stdout\n");
	fflush(stdout);
	fprintf(stderr, "hook output on stderr\n");
	return 0;
}
