/* io.c: deadline-bounded reads and writes on the connection, and the
 * staged close. Nothing here parses. */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "limits.h"

long long
io_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
wait_fd(int fd, short ev, long long deadline)
{
	struct pollfd p;
	long long left;
	int r;

	for (;;) {
		left = deadline - io_now_ms();
		if (left <= 0)
			return IO_TIMEOUT;
		p.fd = fd;
		p.events = ev;
		p.revents = 0;
		r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return IO_ERROR;
	}
}

ssize_t
io_read(int fd, void *buf, size_t len, long long deadline)
{
	ssize_t r;
	int w;

	for (;;) {
		if ((w = wait_fd(fd, POLLIN, deadline)) != 0)
			return w;
		r = read(fd, buf, len);
		if (r >= 0)
			return r;
		if (errno != EINTR && errno != EAGAIN)
			return IO_ERROR;
	}
}

int
io_write_all(int fd, const void *buf, size_t len, long long deadline)
{
	const char *p = buf;
	ssize_t r;

	while (len) {
		if (wait_fd(fd, POLLOUT, deadline) != 0)
			return -1;
		r = write(fd, p, len);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

void
io_staged_close(int in, int out)
{
	char buf[4096];
	long long deadline;
	size_t total = 0;
	ssize_t r;

	if (shutdown(out, SHUT_WR) == 0) {
		deadline = io_now_ms() + DRAIN_MS;
		while (total < DRAIN_BYTES &&
		    (r = io_read(in, buf, sizeof buf, deadline)) > 0)
			total += (size_t)r;
	}
	close(out);
	close(in);
}

int
io_is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

int
io_is_listening(int fd)
{
	int on = 0;
	socklen_t len = sizeof on;

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on;
}
