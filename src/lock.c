/* lock.c: flock with a deadline. The wait is one blocking flock that an
 * interval timer interrupts, so waiters are woken by the kernel in turn
 * rather than polling. Nothing here knows what is being locked. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <unistd.h>

#include "lock.h"

static volatile sig_atomic_t rang;

static void
ring(int sig)
{
	(void)sig;
	rang = 1;
}

int
lock_fd(int fd, int exclusive, long wait_ms)
{
	int op = exclusive ? LOCK_EX : LOCK_SH, r, e;
	struct sigaction sa, old_sa;
	struct itimerval it, old_it;

	if (flock(fd, op | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK || wait_ms <= 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ring;   /* no SA_RESTART: flock returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old_sa);
	memset(&it, 0, sizeof it);
	it.it_value.tv_sec = wait_ms / 1000;
	it.it_value.tv_usec = (wait_ms % 1000) * 1000;
	/* ticks again in case the first one came before flock blocked */
	it.it_interval.tv_usec = 50000;
	rang = 0;
	setitimer(ITIMER_REAL, &it, &old_it);
	do
		r = flock(fd, op);
	while (r < 0 && errno == EINTR && !rang);
	e = errno;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old_sa, NULL);
	if (r == 0)
		return 0;
	errno = (e == EINTR) ? EWOULDBLOCK : e;
	return -1;
}

int
lock_open(const char *path, long wait_ms)
{
	int fd, e;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (lock_fd(fd, 1, wait_ms) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
