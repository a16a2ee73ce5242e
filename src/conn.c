/* conn.c: the connection's one indirection: plain reads and writes on
 * fds 0 and 1 (io.c), or the TLS session on them (tls.c). */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "conn.h"
#include "io.h"
#include "tls.h"

static int tls_on;

int
conn_open(const struct config *c, long long deadline,
          const unsigned char *pre, size_t *npre, const char **why)
{
	static const int one = 1;
	int r;

	*why = NULL;
	/* Each write goes out at once: the answer's head and body, and the
	 * handshake's last records (two writes), would otherwise wait for
	 * the peer's delayed ACK, 40 ms. Not a TCP socket: nothing to do. */
	(void)setsockopt(1, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (!c->tls_cert)
		return 0;
	r = tls_start(c->tls_cert, c->tls_key, c->allow_shared_secret,
	    deadline, pre, npre ? *npre : 0, why);
	if (npre)
		*npre = 0;
	if (r < 0)
		return r;
	tls_on = 1;
	return 0;
}

ssize_t
conn_read(void *buf, size_t len, long long deadline)
{
	return tls_on ? tls_read(buf, len, deadline) :
	    io_read(0, buf, len, deadline);
}

int
conn_write_all(const void *buf, size_t len, long long deadline)
{
	return tls_on ? tls_write_all(buf, len, deadline) :
	    io_write_all(1, buf, len, deadline);
}

void
conn_close(void)
{
	if (tls_on) {
		tls_on = 0;
		tls_close();
	} else {
		io_staged_close(0, 1);
	}
}

int
conn_tls(const char **proto, const char **cipher)
{
	if (!tls_on)
		return 0;
	*proto = tls_protocol();
	*cipher = tls_cipher();
	return 1;
}
