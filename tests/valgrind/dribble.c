/* dribble.c: copies standard input to standard output, a pipe, in pieces
 * of N bytes (or of N1, N2, ... bytes in turn, from a comma-separated
 * list), and before each piece after the first waits until the reader
 * has taken everything written so far (FIONREAD on the pipe's write end
 * is 0), then pauses PAUSE_US microseconds: each of the reader's reads then
 * gets at most one piece, however slow the reader is (valgrind).
 *   dribble N[,N...] [PAUSE_US] < FILE | reader
 * A reader that stops reading (it answered early) is waited for 10 s
 * before the first piece is taken (valgrind's start), 2 s after that;
 * then the rest goes at once. A reader that exits ends the copy (EPIPE is
 * not an error). Prints "pieces P separate S" on standard error: S of the
 * P pieces were read apart from the next. Exits 0, or 1 on bad usage or
 * when stdout is not a pipe. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void
pause_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Waits until the pipe is empty, at most limit_us. Returns 1 if it is. */
static int
drained(long limit_us)
{
	long waited = 0;
	int left;

	for (;;) {
		if (ioctl(1, FIONREAD, &left) < 0)
			return 0;
		if (left == 0)
			return 1;
		if (waited >= limit_us)
			return 0;
		pause_us(20);
		waited += 20;
	}
}

static int
write_all(const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		if ((w = write(1, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static char buf[1 << 20];
	struct stat st;
	size_t len = 0, n, off, sizes[32], nsizes = 0, piece;
	char *p = argv[1], *e;
	long pause = argc > 2 ? atol(argv[2]) : 200;
	unsigned long pieces = 0, separate = 0;
	ssize_t r;
	int gated = 1;

	while (argc > 1 && nsizes < 32 && (piece = strtoul(p, &e, 10)) > 0) {
		sizes[nsizes++] = piece;
		if (*e != ',')
			break;
		p = e + 1;
	}
	if (nsizes == 0 || *e != '\0') {
		fprintf(stderr, "usage: dribble N[,N...] [PAUSE_US] < FILE | reader\n");
		return 1;
	}
	if (fstat(1, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		fprintf(stderr, "dribble: standard output is not a pipe\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	while (len < sizeof buf && (r = read(0, buf + len, sizeof buf - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("dribble: read");
			return 1;
		}
		len += (size_t)r;
	}
	for (off = 0; off < len; off += n) {
		piece = sizes[pieces % nsizes];
		n = len - off < piece ? len - off : piece;
		if (!gated)
			n = len - off;
		if (write_all(buf + off, n) < 0)
			break;          /* the reader is gone */
		pieces++;
		if (!gated || off + n == len)
			continue;
		if (drained(pieces == 1 ? 10000000 : 2000000)) {
			separate++;
			pause_us(pause);
		} else {
			gated = 0;
		}
	}
	fprintf(stderr, "pieces %lu separate %lu\n", pieces, separate);
	return 0;
}
