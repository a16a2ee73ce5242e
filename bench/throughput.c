/* throughput.c: how fast inhook's own modules get through one body, with
 * no process, socket or hook around them. Links the modules it times (sig,
 * json, payload, env, status) and times, over BODYFILE held in memory, what serve() does between reading
 * the body and running the hook: sig_check_jobserv() of a good
 * X-JobServ-Sig, then env_init() and payload_export() (validate, tokenize,
 * export). Each step is also timed alone. Time is the thread's CPU time,
 * so that other work on the machine does not count; each figure is the
 * best of 5 batches of at least 0.1 s (at most 500 runs each).
 *
 * usage: throughput SECRETFILE BODYFILE
 * Prints one line:
 *   bytes=N iters=N total_mbps=X sig_mbps=X export_mbps=X
 * (MB/s are 10^6 bytes per CPU second.) Exits 1 if a step does
 * not accept the body. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "env.h"
#include "payload.h"
#include "sig.h"

#define BATCHES    5       /* the best of these is reported */
#define BATCH_S    0.1     /* CPU seconds a batch lasts at least */
#define ITERS_MAX  500     /* per batch */

static struct env env;
static unsigned char key[1024];
static size_t klen;
static char sigval[72];

/* CPU time of this thread: what the work costs, whatever else the
 * machine is running */
static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
step(int which, const unsigned char *body, size_t len)
{
	const char *why;
	int st = 0;

	if (which & 1)
		st = sig_check_jobserv(key, klen,
		    (const unsigned char *)sigval, 71, body, len);
	if (st == 0 && (which & 2)) {
		env_init(&env);
		st = payload_export(body, len, "WEBHOOK_", &env, &why);
	}
	return st;
}

/* MB/s of step(which) over the body, in the best of BATCHES batches of at
 * least BATCH_S CPU seconds; -1 if it refused the body. */
static double
rate(int which, const unsigned char *body, size_t len, unsigned *iters)
{
	double t0, t, best = 0;
	unsigned b, i;

	*iters = 0;
	for (b = 0; b < BATCHES; b++) {
		t0 = cpu_s();
		t = 0;
		for (i = 0; i < ITERS_MAX && (i == 0 || t < BATCH_S); i++) {
			if (step(which, body, len) != 0)
				return -1;
			t = cpu_s() - t0;
		}
		*iters += i;
		if (t > 0 && (double)len * i / t / 1e6 > best)
			best = (double)len * i / t / 1e6;
	}
	return best;
}

int
main(int argc, char **argv)
{
	unsigned char *body;
	double all, sig, exp;
	struct stat st;
	unsigned iters, n;
	size_t len, got;
	ssize_t r;
	int fd;

	if (argc != 3) {
		fputs("usage: throughput SECRETFILE BODYFILE\n", stderr);
		return 100;
	}
	/* the secret as inhook reads it: surrounding whitespace stripped */
	if ((fd = open(argv[1], O_RDONLY)) < 0 ||
	    (r = read(fd, key, sizeof key)) <= 0) {
		perror(argv[1]);
		return 100;
	}
	close(fd);
	for (klen = (size_t)r; klen && (key[klen - 1] == '\n' ||
	    key[klen - 1] == ' ' || key[klen - 1] == '\t' || key[klen - 1] == '\r'); klen--)
		;
	if ((fd = open(argv[2], O_RDONLY)) < 0 || fstat(fd, &st) < 0 ||
	    (body = malloc((size_t)st.st_size + 1)) == NULL) {
		perror(argv[2]);
		return 100;
	}
	len = (size_t)st.st_size;
	for (got = 0; got < len; got += (size_t)r)
		if ((r = read(fd, body + got, len - got)) <= 0) {
			perror(argv[2]);
			return 100;
		}
	close(fd);
	sig_format_jobserv(key, klen, body, len, sigval);

	all = rate(3, body, len, &iters);
	sig = rate(1, body, len, &n);
	exp = rate(2, body, len, &n);
	if (all < 0 || sig < 0 || exp < 0) {
		fprintf(stderr, "throughput: %s refused: status %d\n", argv[2],
		    step(3, body, len));
		return 1;
	}
	printf("bytes=%zu iters=%u total_mbps=%.1f sig_mbps=%.1f "
	    "export_mbps=%.1f\n", len, iters, all, sig, exp);
	return 0;
}
