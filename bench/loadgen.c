/* loadgen.c: the benchmark's load generator. Sends one prebuilt raw HTTP
 * request over a new TCP connection to 127.0.0.1 per request, as JobServ
 * does, reads the whole response (its head and Content-Length bytes, or
 * everything until the server closes when it gives no length), closes, and
 * counts the request as good only when the status line says 200 (or the
 * status given with -s). C threads each run
 * requests one after another, until N requests were started or T seconds
 * have passed, whichever comes first; every socket operation has a timeout.
 *
 * usage: loadgen -p PORT -f REQUESTFILE [-c CONCURRENCY] [-n MAXREQ]
 *                [-t MAXSECONDS] [-T REQTIMEOUT] [-s STATUS]
 *        loadgen -P      prints a free TCP port on 127.0.0.1
 * Prints one line:
 *   requests=N ok=N failed=N seconds=S rps=R p50_ms=X p90_ms=X p99_ms=X
 *   max_ms=X [error="first failure"]
 * Exits 0 when at least one request was made and all were good, 1 when
 * one failed, 100 on a usage error. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define THREADS_MAX  64
#define REQ_MAX      1000000
#define SECONDS_MAX  600
#define FILE_MAX     (64L * 1024 * 1024)

static unsigned short port;
static unsigned char *req;
static size_t reqlen;
static unsigned long maxreq;
static double deadline, timeout_s = 30;
static double *lat;              /* ms per request slot; < 0: not done */
static unsigned char *good;      /* per request slot */
static atomic_ulong next;
static pthread_mutex_t errlock = PTHREAD_MUTEX_INITIALIZER;
static char first_error[160];
static char expect[14] = "HTTP/1.1 200 ";

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
fail(const char *what, const char *detail)
{
	pthread_mutex_lock(&errlock);
	if (first_error[0] == '\0')
		snprintf(first_error, sizeof first_error, "%s: %s", what, detail);
	pthread_mutex_unlock(&errlock);
}

/* Looks for the end of the response head in buf[0..len). Returns the
 * length of the whole response when the head is complete and has a
 * Content-Length, else 0; *headlen gets the head's length once complete. */
static size_t
framing(const char *buf, size_t len, size_t *headlen)
{
	static const char name[] = "\r\ncontent-length:";
	size_t i, j, n = sizeof name - 1, cl;

	for (i = 0; i + 4 <= len; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
			break;
	if (i + 4 > len)
		return 0;
	*headlen = i + 4;
	for (i = 0; i + n <= *headlen; i++) {
		for (j = 0; j < n && (buf[i + j] | (name[j] >= 'a' ? 0x20 : 0)) == name[j]; j++)
			;
		if (j < n)
			continue;
		for (i += n; buf[i] == ' ' || buf[i] == '\t'; i++)
			;
		for (cl = 0; buf[i] >= '0' && buf[i] <= '9' && cl < 1000000000; i++)
			cl = cl * 10 + (size_t)(buf[i] - '0');
		return *headlen + cl;
	}
	return 0;
}

/* One request on a new connection. Returns 1 when the answer was 200. */
static int
one(void)
{
	struct sockaddr_in sa;
	struct timeval tv;
	char resp[8192];
	size_t off = 0, got = 0, headlen = 0, want = 0;
	ssize_t r;
	int fd, ok = 0;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		fail("socket", strerror(errno));
		return 0;
	}
	tv.tv_sec = (time_t)timeout_s;
	tv.tv_usec = 0;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail("connect", strerror(errno));
		goto out;
	}
	while (off < reqlen) {
		if ((r = write(fd, req + off, reqlen - off)) < 0) {
			if (errno == EINTR)
				continue;
			fail("write", strerror(errno));
			goto out;
		}
		off += (size_t)r;
	}
	/* the head, then Content-Length bytes of body, or all until the
	 * server closes when there is no Content-Length */
	for (;;) {
		char sink[65536];
		r = read(fd, got < sizeof resp ? resp + got : sink,
		    got < sizeof resp ? sizeof resp - got : sizeof sink);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fail("read", strerror(errno));
			goto out;
		}
		got += (size_t)r;
		if (!headlen && got <= sizeof resp)
			want = framing(resp, got, &headlen);
		if (headlen && want && got >= want)
			break;
	}
	/* "HTTP/1.0 " or "HTTP/1.1 " and the status */
	if (got >= 13 && memcmp(resp, expect, 7) == 0 &&
	    (resp[7] == '0' || resp[7] == '1') &&
	    memcmp(resp + 8, expect + 8, 5) == 0) {
		ok = 1;
	} else {
		char line[40];
		size_t i;
		for (i = 0; i < got && i < sizeof line - 1 && i < sizeof resp &&
		    resp[i] != '\r' && resp[i] != '\n'; i++)
			line[i] = resp[i] >= ' ' && resp[i] < 127 ? resp[i] : '?';
		line[i] = '\0';
		fail("answer", got ? line : "(nothing)");
	}
out:
	close(fd);
	return ok;
}

static void *
worker(void *arg)
{
	unsigned long i;
	double t0;

	(void)arg;
	for (;;) {
		if (now_s() >= deadline)
			break;
		if ((i = atomic_fetch_add(&next, 1)) >= maxreq)
			break;
		t0 = now_s();
		good[i] = (unsigned char)one();
		lat[i] = (now_s() - t0) * 1000;
	}
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p / 100 * (double)n + 0.999999);

	if (k < 1)
		k = 1;
	return v[(k > n ? n : k) - 1];
}

static int
free_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		perror("loadgen: free port");
		return 111;
	}
	printf("%u\n", ntohs(sa.sin_port));
	close(fd);
	return 0;
}

static long
number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "loadgen: %s: not a number in [%ld, %ld]\n", s, lo, hi);
		exit(100);
	}
	return v;
}

int
main(int argc, char **argv)
{
	pthread_t th[THREADS_MAX];
	long conc = 1, secs = 10;
	const char *file = NULL;
	double start, end, *done;
	size_t n = 0, ok = 0, i;
	struct stat st;
	int c, fd;
	ssize_t r;

	maxreq = 1000;
	while ((c = getopt(argc, argv, "p:f:c:n:t:T:s:P")) != -1) {
		switch (c) {
		case 'p': port = (unsigned short)number(optarg, 1, 65535); break;
		case 'f': file = optarg; break;
		case 'c': conc = number(optarg, 1, THREADS_MAX); break;
		case 'n': maxreq = (unsigned long)number(optarg, 1, REQ_MAX); break;
		case 't': secs = number(optarg, 1, SECONDS_MAX); break;
		case 'T': timeout_s = (double)number(optarg, 1, SECONDS_MAX); break;
		case 's':
			snprintf(expect, sizeof expect, "HTTP/1.1 %03ld ",
			    number(optarg, 100, 599));
			break;
		case 'P': return free_port();
		default: return 100;
		}
	}
	if (!port || !file || optind != argc) {
		fputs("usage: loadgen -p PORT -f REQUESTFILE [-c CONCURRENCY] "
		    "[-n MAXREQ] [-t MAXSECONDS] [-T REQTIMEOUT] [-s STATUS]\n"
		    "       loadgen -P\n", stderr);
		return 100;
	}
	if ((fd = open(file, O_RDONLY)) < 0 || fstat(fd, &st) < 0 ||
	    st.st_size <= 0 || st.st_size > FILE_MAX) {
		fprintf(stderr, "loadgen: %s: cannot read, empty or too large\n", file);
		return 100;
	}
	reqlen = (size_t)st.st_size;
	req = malloc(reqlen);
	lat = malloc(maxreq * sizeof *lat);
	good = calloc(maxreq, 1);
	done = malloc(maxreq * sizeof *done);
	if (!req || !lat || !good || !done) {
		perror("loadgen");
		return 111;
	}
	for (i = 0; i < reqlen; i += (size_t)r)
		if ((r = read(fd, req + i, reqlen - i)) <= 0) {
			fprintf(stderr, "loadgen: %s: short read\n", file);
			return 111;
		}
	close(fd);
	for (i = 0; i < maxreq; i++)
		lat[i] = -1;

	start = now_s();
	deadline = start + (double)secs;
	for (i = 0; i < (size_t)conc; i++)
		if (pthread_create(&th[i], NULL, worker, NULL) != 0) {
			perror("loadgen: pthread_create");
			return 111;
		}
	for (i = 0; i < (size_t)conc; i++)
		pthread_join(th[i], NULL);
	end = now_s();

	for (i = 0; i < maxreq; i++) {
		if (lat[i] < 0)
			continue;
		done[n++] = lat[i];
		ok += good[i];
	}
	qsort(done, n, sizeof *done, cmp_double);
	printf("requests=%zu ok=%zu failed=%zu seconds=%.3f rps=%.1f "
	    "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f", n, ok, n - ok,
	    end - start, n ? (double)n / (end - start) : 0.0,
	    n ? pct(done, n, 50) : 0.0, n ? pct(done, n, 90) : 0.0,
	    n ? pct(done, n, 99) : 0.0, n ? done[n - 1] : 0.0);
	if (first_error[0])
		printf(" error=\"%s\"", first_error);
	putchar('\n');
	return n > 0 && ok == n ? 0 : 1;
}
