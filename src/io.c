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
		r = 1;
		while (total < DRAIN_BYTES &&
		    (r = io_read(in, buf, sizeof buf, deadline)) > 0)
			total += (size_t)r;
		/* still sending past DRAIN_BYTES: read no more, but give it
		 * the rest of DRAIN_MS to see the answer and close, before a
		 * close with unread bytes resets the connection */
		if (r > 0)
			(void)wait_fd(in, POLLRDHUP, deadline);
	}
	close(out);
	close(in);
}

static char *
put_dec(char *p, unsigned int v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

static char *
put_dotted(char *p, const unsigned char *a)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_dec(p, a[i]);
	}
	return p;
}

/* By hand rather than with inet_ntop: the same text, one symbol fewer for
 * the dynamic linker to bind at every start. */
void
io_addr_text(int family, const unsigned char *a, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int w[8];
	int i, k, best = -1, blen = 0, cur = -1, clen = 0;
	char *p = out;

	if (family != AF_INET6) {
		*put_dotted(p, a) = '\0';
		return;
	}
	for (i = 0; i < 8; i++) {
		w[i] = (unsigned int)a[2 * i] << 8 | a[2 * i + 1];
		if (w[i] != 0) {
			cur = -1;
			continue;
		}
		if (cur < 0) {
			cur = i;
			clen = 0;
		}
		if (++clen > blen) {
			best = cur;
			blen = clen;
		}
	}
	if (blen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + blen) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 &&
		    (blen == 6 || (blen == 5 && w[5] == 0xffff))) {
			p = put_dotted(p, a + 12);
			break;
		}
		for (k = 12; k > 0 && (w[i] >> k) == 0; k -= 4)
			;
		for (; k >= 0; k -= 4)
			*p++ = hex[(w[i] >> k) & 15];
	}
	if (best >= 0 && best + blen == 8)
		*p++ = ':';
	*p = '\0';
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
