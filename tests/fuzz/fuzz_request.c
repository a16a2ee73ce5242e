/* fuzz_request.c: one whole request through the real read, parse and
 * verify path: serve_init, serve_read and serve_release of src/serve.c over
 * the real src/io.c, with a config made by the real opts_parse, then the
 * JSON export that deliver.c would run (payload_export; no hook is ever
 * started). Linked with -Wl,--wrap= for read, write, poll, getpeername,
 * clock_gettime, memfd_create, mmap and munmap: while a request runs, fd 0
 * is the input's byte stream, cut into reads as the input says, fd 1
 * swallows what inhook writes (100 Continue), the clock is a fake one that
 * a "stall" advances past the deadline, and every mapping inhook makes is
 * one this file hands out: under ASan a calloc of the exact length asked
 * for, otherwise the length placed against a PROT_NONE guard page, so that
 * a write one byte past the body is reported. Every other call (the
 * secret files, the fuzzer's own) goes to the real function.
 *
 * The input:
 *   byte 0  cfg: bits 0-1 --max-body (64, 4096, default, default);
 *           bit 2 structured (1) or raw (0); bit 3 schemes: all five, or
 *           jobserv only; bits 4-5 fd 1's writes: whole, one byte at a time
 *           after an EINTR, EAGAIN then whole, EPIPE; bits 6-7 == 3: a
 *           fault (aux bit 6: memfd_create fails, else mmap fails).
 *   byte 1  aux: bits 0-3 the peer (getpeername's answer or the
 *           TCPREMOTEIP/PORT variables); bit 7 --proxy-from 192.0.2.0/24,
 *           2001:db8::/32 and 10.0.0.0/8 (peers 1, 2, 3, 8, 9 and 10 are
 *           inside); with it in structured mode, bits 4-5 the PROXY header
 *           put before the request (v1 TCP4, v1 TCP6, v2 TCP4 with TLVs,
 *           v2 LOCAL). In raw mode the input's own bytes are the header.
 *   byte 2  n: the last n bytes of the input are the read script.
 *   then    raw: the bytes the peer sends; structured: the program that
 *           build() reads to make a request (see there).
 * The read script: a byte per step, taken when the previous segment is all
 * read: 0x00-0xdf a segment of 1 to 224 bytes; 0xe0-0xef 1 to 16 KiB;
 * 0xf0 EINTR; 0xf1 EAGAIN; 0xf2 EIO; 0xf3 stall (poll times out past the
 * deadline: 408); 0xf4 EOF now; 0xf5 a poll that times out a second later
 * (ten of them pass the deadline too); 0xf6-0xfa up to mark 0-4: in
 * structured mode the head's end, the byte where the body reaches
 * --max-body, the message's end, the start and the middle of the first
 * chunk's data (with Content-Length: the body's middle, the end); in raw
 * mode the end of the first "\r\n\r\n", that + --max-body, the end of the
 * line after it + --max-body (one chunk of --max-body) and 2 bytes later,
 * the head's end + 1; 0xfb HI LO a segment of (HI << 8 | LO) + 1 bytes;
 * 0xfc-0xff the rest. When the script ends, the rest is one segment; then
 * reads return EOF.
 * FUZZ_REQUEST_CONFIG=64|4096|default|small forces --max-body (small: 64
 * or 4096 by cfg bit 0), so that one corpus serves separate runs.
 *
 * Built with -DFUZZ_TLS (fuzz_request_tls, the same corpus): every config
 * has --tls-cert and --tls-key (a P-256 key made at setup), and the peer is
 * a BearSSL client in this process. What follows the PROXY header, when
 * there is one, is the client's ciphertext, and the read script cuts that
 * into reads, as it cuts plain bytes (marks are not used); the input's
 * bytes are the client's plaintext, sent in records of a size taken from
 * the input's hash (1 byte to 16 KiB), then close_notify. What inhook
 * writes on fd 1 goes to the client, whose decrypted data is what the 100
 * Continue checks see. A failing write (EPIPE) counts as a disruption:
 * the handshake fails before any status. After serve_read, conn_close
 * (close_notify, the staged close: shutdown and close of fds 0 and 1 are
 * wrapped as well) resets the TLS state for the next input.
 *
 * With --proxy-from, also: a header is applied only for a peer inside;
 * the client it names is REMOTE_ADDR/PORT; a header (structured) from a
 * peer outside is never accepted; -1 only when nothing but a header came.
 * Invariants: the status is one serve_read documents (and 408, 500 only
 * when the fake clock passed the deadline, a fault or a failing write was
 * injected), q->why set with it; -1 only before any byte was read; the reads were intercepted and
 * never gave more than the input had; on 0 for a POST the body is at most
 * --max-body, its MAC checks here (independently of scheme.c) with the
 * secret serve_read names, and in structured mode the status, body, JSON
 * and 100 Continue are exactly what the builder made, when it made a
 * well-formed request; after serve_release no mapping is left and the
 * lowest free descriptor is what it was (and every 512 inputs the number
 * of open descriptors and /proc/self/maps say the same). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <dirent.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "ref.h"
#include "env.h"
#include "limits.h"
#include "opts.h"
#include "payload.h"
#include "req.h"
#include "sig.h"
#include "status.h"

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif

/* The builder's own loops, kept out of the coverage the fuzzer steers by
 * (and off its clock: a body near a 1 MiB --max-body is built per byte). */
#if defined(__clang__)
#define NOCOV __attribute__((no_sanitize("coverage")))
#else
#define NOCOV
#endif

#ifdef FUZZ_TLS
#include <bearssl.h>
#include "conn.h"
#include "curves.h"
#include "pem.h"
int __real_shutdown(int fd, int how);
int __wrap_shutdown(int fd, int how);
int __real_close(int fd);
int __wrap_close(int fd);
#endif

/* the wrapped functions (-Wl,--wrap=NAME) */
ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
int __real_poll(struct pollfd *p, nfds_t n, int timeout);
int __wrap_poll(struct pollfd *p, nfds_t n, int timeout);
int __real_getpeername(int fd, struct sockaddr *sa, socklen_t *len);
int __wrap_getpeername(int fd, struct sockaddr *sa, socklen_t *len);
int __real_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);
int __real_memfd_create(const char *name, unsigned int flags);
int __wrap_memfd_create(const char *name, unsigned int flags);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
    off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
    off_t off);
int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len);

#define NOW "1614265330"
#define NMARKS 5
#define MAPS_MAX 8

static const char *const secret_text[2] = {
	"UseSomethingGoodHere",
	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
};

/* What the wrapped calls see while a request runs (active), and count. */
static struct {
	int active;
	const unsigned char *in;         /* the peer's bytes */
	size_t inlen, pos;
	const unsigned char *ops;        /* the read script */
	size_t nops, opi;
	size_t seg;                      /* bytes left in the current segment */
	int err;                         /* the next read fails with this */
	int eof;                         /* the peer closed */
	size_t marks[NMARKS];
	size_t reads, bytes, polls;
	int stalled;                     /* the clock passed the deadline */
	int disrupted;                   /* a stall, EIO or early EOF */
	long long clock_ms;
	int wmode, wfailed, weintr;
	size_t writes;
	unsigned char wbuf[64];
	size_t wlen;
	int fault;                       /* 1 memfd_create fails, 2 mmap fails */
	int faulted;
	int peer;
	int memfd;
	struct { void *user, *base; size_t len, maplen; } maps[MAPS_MAX];
	size_t nmaps, mmaps;
#ifdef FUZZ_TLS
	const unsigned char *pre;        /* the PROXY header, sent raw */
	size_t prelen, prepos;
	size_t rec;                      /* the client's record size */
	unsigned char s2c[65536];        /* inhook's ciphertext, not yet taken */
	size_t s2clen;
	size_t cbytes;                   /* ciphertext given to inhook */
	int closing;
#endif
} H;

#ifdef FUZZ_TLS
static br_ssl_client_context cc;
static br_x509_knownkey_context xk;
static unsigned char cbuf[BR_SSL_BUFSIZE_BIDI];
static char cert_path[64], key_path[64];
static unsigned char srv_q[BR_EC_KBUF_PUB_MAX_SIZE];
static br_ec_public_key srv_pub;

/* Drives the client: takes inhook's records, keeps its decrypted data as
 * the 100 Continue checks' bytes, and sends the input's bytes once the
 * handshake is done (then close_notify). Returns the number of
 * ciphertext bytes the client has to send. */
NOCOV static size_t
pump(void)
{
	br_ssl_engine_context *e = &cc.eng;
	unsigned char *b;
	size_t n;
	unsigned st;

	for (;;) {
		st = br_ssl_engine_current_state(e);
		if (st & BR_SSL_CLOSED)
			return 0;
		if (st & BR_SSL_SENDREC) {
			(void)br_ssl_engine_sendrec_buf(e, &n);
			return n;
		}
		if ((st & BR_SSL_RECVREC) && H.s2clen > 0) {
			b = br_ssl_engine_recvrec_buf(e, &n);
			if (n > H.s2clen)
				n = H.s2clen;
			memcpy(b, H.s2c, n);
			memmove(H.s2c, H.s2c + n, H.s2clen - n);
			H.s2clen -= n;
			br_ssl_engine_recvrec_ack(e, n);
			continue;
		}
		if (st & BR_SSL_RECVAPP) {
			b = br_ssl_engine_recvapp_buf(e, &n);
			if (H.wlen + n <= sizeof H.wbuf)
				memcpy(H.wbuf + H.wlen, b, n);
			H.wlen += n;
			H.writes++;
			br_ssl_engine_recvapp_ack(e, n);
			continue;
		}
		if ((st & BR_SSL_SENDAPP) && H.pos < H.inlen) {
			b = br_ssl_engine_sendapp_buf(e, &n);
			if (n > H.rec)
				n = H.rec;
			if (n > H.inlen - H.pos)
				n = H.inlen - H.pos;
			memcpy(b, H.in + H.pos, n);
			H.pos += n;
			H.bytes += n;
			br_ssl_engine_sendapp_ack(e, n);
			br_ssl_engine_flush(e, 0);
			continue;
		}
		if ((st & BR_SSL_SENDAPP) && !H.closing) {
			H.closing = 1;
			br_ssl_engine_close(e);
			continue;
		}
		return 0;
	}
}

NOCOV static void
client_start(void)
{
	static br_x509_minimal_context xm;      /* replaced just below */

	br_ssl_client_init_full(&cc, &xm, NULL, 0);
	br_x509_knownkey_init_ec(&xk, &srv_pub, BR_KEYTYPE_KEYX |
	    BR_KEYTYPE_SIGN);
	br_ssl_engine_set_x509(&cc.eng, &xk.vtable);
	br_ssl_engine_set_buffer(&cc.eng, cbuf, sizeof cbuf, 1);
	need(br_ssl_client_reset(&cc, "localhost", 0));
}

int
__wrap_shutdown(int fd, int how)
{
	if (H.active && (fd == 0 || fd == 1)) {
		errno = ENOTSOCK;       /* no draining: the input is all read */
		return -1;
	}
	return __real_shutdown(fd, how);
}

int
__wrap_close(int fd)
{
	if (H.active && (fd == 0 || fd == 1))
		return 0;
	return __real_close(fd);
}
#endif

/* ---- the wrappers */

/* Takes the next script step when the current segment is used up. Returns
 * 0, or 1 when the step is a poll that times out (stall or slow). */
static int
next_step(void)
{
	unsigned op;
	size_t left = H.inlen - H.pos, n;

#ifdef FUZZ_TLS
	/* a segment of raw bytes: what there is is known only at the read */
	left = (size_t)-1 / 2;
#endif

	if (H.seg || H.err || H.eof)
		return 0;
	if (H.opi >= H.nops) {
		H.seg = left;
		return 0;
	}
	op = H.ops[H.opi++];
	if (op < 0xe0) {
		n = op + 1;
	} else if (op < 0xf0) {
		n = (op - 0xdf) * 1024;
	} else if (op == 0xf0) {
		H.err = EINTR;
		return 0;
	} else if (op == 0xf1) {
		H.err = EAGAIN;
		return 0;
	} else if (op == 0xf2) {
		H.err = EIO;
		H.disrupted = 1;
		return 0;
	} else if (op == 0xf3) {
		H.clock_ms += (TIMEOUT_LIMIT + 1) * 1000LL;
		return 1;
	} else if (op == 0xf4) {
		H.eof = H.disrupted = 1;
		return 0;
	} else if (op == 0xf5) {
		H.clock_ms += 1000;
		return 1;
	} else if (op <= 0xfa) {
		n = H.marks[op - 0xf6] > H.pos ? H.marks[op - 0xf6] - H.pos : 1;
	} else if (op == 0xfb) {
		n = 1;
		if (H.opi + 2 <= H.nops)
			n = ((size_t)H.ops[H.opi] << 8 | H.ops[H.opi + 1]) + 1;
		H.opi += 2;
	} else {
		n = left;
	}
	H.seg = n < left ? n : left;
	return 0;
}

ssize_t
__wrap_read(int fd, void *buf, size_t len)
{
	size_t n;

	if (!H.active || fd != 0)
		return __real_read(fd, buf, len);
	H.reads++;
	next_step();
	if (H.err) {
		errno = H.err;
		H.err = 0;
		return -1;
	}
#ifdef FUZZ_TLS
	{
		/* the header's rest, then the client's records, in one read
		 * when the segment spans both */
		size_t avail, k, got = 0;
		unsigned char *b;

		if (H.eof || len == 0)
			return 0;
		n = H.seg < len ? H.seg : len;
		if (H.prepos < H.prelen) {
			k = H.prelen - H.prepos < n ? H.prelen - H.prepos : n;
			memcpy(buf, H.pre + H.prepos, k);
			H.prepos += k;
			got = k;
		}
		while (got < n && pump() > 0) {
			b = br_ssl_engine_sendrec_buf(&cc.eng, &avail);
			k = avail < n - got ? avail : n - got;
			memcpy((unsigned char *)buf + got, b, k);
			br_ssl_engine_sendrec_ack(&cc.eng, k);
			got += k;
		}
		H.seg -= got;           /* 0: the client closed, or waits */
		H.cbytes += got;
		return (ssize_t)got;
	}
#endif
	if (H.eof || H.pos == H.inlen || len == 0)
		return 0;
	n = H.seg < len ? H.seg : len;
	memcpy(buf, H.in + H.pos, n);
	H.pos += n;
	H.seg -= n;
	H.bytes += n;
	return (ssize_t)n;
}

ssize_t
__wrap_write(int fd, const void *buf, size_t len)
{
	size_t n = len;

	if (!H.active || fd != 1)
		return __real_write(fd, buf, len);
#ifndef FUZZ_TLS
	H.writes++;                     /* (with TLS, pump() counts) */
#endif
	switch (H.wmode) {
	case 1:
		if (!H.weintr++) {
			errno = EINTR;
			return -1;
		}
		n = len ? 1 : 0;
		break;
	case 2:
		if (!H.weintr++) {
			errno = EAGAIN;
			return -1;
		}
		break;
	case 3:
		H.wfailed = 1;
#ifdef FUZZ_TLS
		H.disrupted = 1;        /* the handshake fails: no status */
#endif
		errno = EPIPE;
		return -1;
	}
#ifdef FUZZ_TLS
	need(H.s2clen + n <= sizeof H.s2c);
	memcpy(H.s2c + H.s2clen, buf, n);
	H.s2clen += n;
#else
	if (H.wlen + n <= sizeof H.wbuf)
		memcpy(H.wbuf + H.wlen, buf, n);
	H.wlen += n;
#endif
	return (ssize_t)n;
}

int
__wrap_poll(struct pollfd *p, nfds_t n, int timeout)
{
	if (!H.active || n != 1 || (p->fd != 0 && p->fd != 1))
		return __real_poll(p, n, timeout);
	H.polls++;
	need(timeout >= 0);
	if (p->fd == 0 && next_step())
		return 0;
	p->revents = p->events;
	return 1;
}

int
__wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (!H.active || clk != CLOCK_MONOTONIC)
		return __real_clock_gettime(clk, ts);
	ts->tv_sec = H.clock_ms / 1000;
	ts->tv_nsec = (H.clock_ms % 1000) * 1000000L;
	return 0;
}

/* The peer: none (no socket, no variables), a socket's address, or the
 * supervisor's variables. */
int
__wrap_getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	static const unsigned char v6[][16] = {
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
		{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7 },
		{ 0 },
		{ 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0 },
	};
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	struct sockaddr_un su;
	const void *src;
	socklen_t sl;

	if (!H.active || fd != 0)
		return __real_getpeername(fd, sa, len);
	switch (H.peer) {
	case 1:
		memset(&s4, 0, sizeof s4);
		s4.sin_family = AF_INET;
		s4.sin_port = htons(40000);
		memcpy(&s4.sin_addr, "\xc0\x00\x02\x01", 4);
		src = &s4;
		sl = sizeof s4;
		break;
	case 2: case 3: case 4: case 5: case 6:
		memset(&s6, 0, sizeof s6);
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons((uint16_t)(H.peer == 2 ? 0 : 65535));
		memcpy(&s6.sin6_addr, v6[H.peer - 2], 16);
		src = &s6;
		sl = sizeof s6;
		break;
	case 7:
		memset(&su, 0, sizeof su);
		su.sun_family = AF_UNIX;
		src = &su;
		sl = sizeof(sa_family_t);
		break;
	default:
		errno = ENOTSOCK;
		return -1;
	}
	memcpy(sa, src, sl < *len ? sl : *len);
	*len = sl;
	return 0;
}

int
__wrap_memfd_create(const char *name, unsigned int flags)
{
	int fd;

	if (!H.active)
		return __real_memfd_create(name, flags);
	if (H.fault == 1) {
		H.faulted = 1;
		errno = EMFILE;
		return -1;
	}
	fd = __real_memfd_create(name, flags);
	H.memfd = fd;
	return fd;
}

/* A mapping inhook asks for: an exact-length buffer that reports a write
 * past its end, zeroed like a fresh file or anonymous mapping. */
void *
__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *base, *user;
	size_t maplen = 0;

	if (!H.active)
		return __real_mmap(addr, len, prot, flags, fd, off);
	H.mmaps++;
	need(addr == NULL && off == 0 && len > 0);
	need((flags & MAP_ANONYMOUS) ? fd == -1 : fd == H.memfd);
	if (H.fault == 2) {
		H.faulted = 1;
		errno = ENOMEM;
		return MAP_FAILED;
	}
	need(H.nmaps < MAPS_MAX);
#ifdef FUZZ_ASAN
	if ((base = user = calloc(1, len)) == NULL)
		abort();
#else
	{
		long pg = sysconf(_SC_PAGESIZE);
		size_t pages = (len + (size_t)pg - 1) / (size_t)pg;

		maplen = (pages + 1) * (size_t)pg;
		base = __real_mmap(NULL, maplen, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		need(base != MAP_FAILED);
		need(mprotect((char *)base + pages * (size_t)pg, (size_t)pg,
		    PROT_NONE) == 0);
		user = (char *)base + pages * (size_t)pg - len;
	}
#endif
	H.maps[H.nmaps].user = user;
	H.maps[H.nmaps].base = base;
	H.maps[H.nmaps].len = len;
	H.maps[H.nmaps].maplen = maplen;
	H.nmaps++;
	return user;
}

int
__wrap_munmap(void *addr, size_t len)
{
	size_t i;

	if (!H.active)
		return __real_munmap(addr, len);
	for (i = 0; i < H.nmaps && H.maps[i].user != addr; i++)
		;
	need(i < H.nmaps);              /* only what mmap gave */
	need(H.maps[i].len == len);     /* all of it */
#ifdef FUZZ_ASAN
	free(H.maps[i].base);
#else
	need(__real_munmap(H.maps[i].base, H.maps[i].maplen) == 0);
#endif
	H.maps[i] = H.maps[--H.nmaps];
	return 0;
}

/* ---- the configs, made once */

static char dir[] = "/tmp/fuzz-request.XXXXXX";
static char secret_path[2][64];
static struct config configs[3][2][2]; /* [max-body][all schemes, jobserv][proxy] */
static int forced = -1;                 /* FUZZ_REQUEST_CONFIG */
static unsigned char std_key[2][64];    /* Standard Webhooks keys, decoded */
static size_t std_klen[2];

static void
cleanup(void)
{
	unlink(secret_path[0]);
	unlink(secret_path[1]);
#ifdef FUZZ_TLS
	unlink(cert_path);
	unlink(key_path);
#endif
	rmdir(dir);
}

static void
make_config(struct config *c, const char *max, int all, int proxy)
{
	static char *argv[12][40];
	static char maxs[12][16];
	static int used;
	char **a = argv[used], err[200];
	int n = 0, k = used;

	used++;
	need(used <= 12);
	snprintf(maxs[k], sizeof maxs[0], "%s", max);
	a[n++] = "inhook";
	a[n++] = "--secret-file";
	a[n++] = secret_path[0];
	a[n++] = "--secret-file";
	a[n++] = secret_path[1];
	if (max[0]) {
		a[n++] = "--max-body";
		a[n++] = maxs[k];
	}
	if (proxy) {
		a[n++] = "--proxy-from";
		a[n++] = "192.0.2.0/24";
		a[n++] = "--proxy-from";
		a[n++] = "2001:db8::/32";
		a[n++] = "--proxy-from";
		a[n++] = "10.0.0.0/8";
	}
	if (all) {
		a[n++] = "--scheme";
		a[n++] = "jobserv";
		a[n++] = "--scheme";
		a[n++] = "github";
		a[n++] = "--scheme";
		a[n++] = "gitea";
		a[n++] = "--scheme";
		a[n++] = "gitlab";
		a[n++] = "--scheme";
		a[n++] = "standard";
	}
#ifdef FUZZ_TLS
	a[n++] = "--tls-cert";
	a[n++] = cert_path;
	a[n++] = "--tls-key";
	a[n++] = key_path;
#endif
	a[n++] = "/bin/true";
	a[n] = NULL;
	need(opts_parse(n, a, c, err, sizeof err) == 0);
}

static void
setup(void)
{
	const char *f = getenv("FUZZ_REQUEST_CONFIG");
	const char *key;
	size_t i;
	int fd;

	/* fds 0-2 open, so that no file of inhook's lands on 0 or 1; fd 0 on
	 * /dev/null, so that a read the wrapper missed gets EOF (and breaks
	 * an invariant) rather than waiting on a terminal */
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	need(mkdtemp(dir) != NULL);
	for (i = 0; i < 2; i++) {
		snprintf(secret_path[i], sizeof secret_path[i], "%s/secret%zu",
		    dir, i);
		fd = open(secret_path[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600);
		need(fd >= 0);
		need(__real_write(fd, secret_text[i], strlen(secret_text[i])) ==
		    (ssize_t)strlen(secret_text[i]));
		need(__real_write(fd, "\n", 1) == 1);
		close(fd);
		/* a Standard Webhooks key: base64 after an optional whsec_ */
		key = secret_text[i];
		if (strncmp(key, "whsec_", 6) == 0)
			key += 6;
		std_klen[i] = (size_t)unbase64((const unsigned char *)key,
		    strlen(key), std_key[i], sizeof std_key[i]);
		need(std_klen[i] > 0 && std_klen[i] < sizeof std_key[i]);
	}
	atexit(cleanup);
#ifdef FUZZ_TLS
	{
		static struct pem_key k;
		static unsigned char pem[TLS_KEY_FILE_MAX];
		char cmd[400];
		const char *why;
		ssize_t r;

		snprintf(cert_path, sizeof cert_path, "%s/cert.pem", dir);
		snprintf(key_path, sizeof key_path, "%s/key.pem", dir);
		snprintf(cmd, sizeof cmd, "umask 077; openssl ecparam -name "
		    "prime256v1 -genkey -noout -out %s && openssl req -new "
		    "-x509 -key %s -out %s -days 2 -subj /CN=localhost",
		    key_path, key_path, cert_path);
		need(system(cmd) == 0);
		fd = open(key_path, O_RDONLY | O_CLOEXEC);
		need(fd >= 0);
		r = __real_read(fd, pem, sizeof pem);
		close(fd);
		need(r > 0 && pem_key(pem, (size_t)r, &k, &why) == 0);
		need(k.ec != NULL);
		need(br_ec_compute_pub(&curves_impl, &srv_pub, srv_q, k.ec) > 0);
	}
#endif
	for (i = 0; i < 2; i++) {
		make_config(&configs[0][0][i], "64", 1, (int)i);
		make_config(&configs[0][1][i], "64", 0, (int)i);
		make_config(&configs[1][0][i], "4096", 1, (int)i);
		make_config(&configs[1][1][i], "4096", 0, (int)i);
		make_config(&configs[2][0][i], "", 1, (int)i);
		make_config(&configs[2][1][i], "", 0, (int)i);
	}
	need(configs[2][0][0].max_body == BODY_DEFAULT);
	need(configs[2][0][1].nproxy == 3 && configs[2][0][0].nproxy == 0);
	setenv("INHOOK_NOW", NOW, 1);
	unsetenv("CREDENTIALS_DIRECTORY");
	unsetenv("SOCAT_PEERADDR");
	unsetenv("SOCAT_PEERPORT");
	if (f && strcmp(f, "64") == 0)
		forced = 0;
	else if (f && strcmp(f, "4096") == 0)
		forced = 1;
	else if (f && strcmp(f, "default") == 0)
		forced = 2;
	else if (f && strcmp(f, "small") == 0)
		forced = 3;
}

/* ---- a growing byte buffer */

struct buf {
	unsigned char *p;
	size_t n, cap;
};

NOCOV static void
reserve(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;

	if (b->n + n <= b->cap)
		return;
	while (cap < b->n + n)
		cap *= 2;
	if ((b->p = realloc(b->p, cap)) == NULL)
		abort();
	b->cap = cap;
}

NOCOV static void
put(struct buf *b, const void *p, size_t n)
{
	reserve(b, n);
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

NOCOV static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

NOCOV static void
fill(struct buf *b, unsigned char c, size_t n)
{
	reserve(b, n);
	memset(b->p + b->n, c, n);
	b->n += n;
}

/* v in base 10 or 16 (upper-case digits when upper), at least width
 * digits */
NOCOV static void
putnum(struct buf *b, unsigned long long v, unsigned base, int upper,
       int width)
{
	const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char t[24];
	int n = 0;

	do {
		t[n++] = d[v % base];
		v /= base;
	} while (v || n < width);
	while (n)
		put(b, &t[--n], 1);
}

NOCOV static void
b64(struct buf *b, const unsigned char *p, size_t n)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;
	unsigned v;

	for (i = 0; i < n; i += 3) {
		v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);
		q[0] = a[v >> 18];
		q[1] = a[(v >> 12) & 63];
		q[2] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? a[v & 63] : '=';
		put(b, q, 4);
	}
}

NOCOV static void
hex(struct buf *b, const unsigned char *p, size_t n, int upper)
{
	const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		put(b, &d[p[i] >> 4], 1);
		put(b, &d[p[i] & 15], 1);
	}
}

/* ---- the structured builder */

struct prog {
	const unsigned char *p;
	size_t n, i;
};

static unsigned
get8(struct prog *g)
{
	return g->i < g->n ? g->p[g->i++] : 0;
}

/* What build() made, and what serve_read must answer to it. */
struct want {
	int clean;          /* a well-formed request: st is what it gets */
	int st;
	int key;            /* the secret that signed */
	int expect;         /* 100 Continue must be written */
	struct buf body;    /* the body as inhook decodes it (form-encoded) */
	struct buf json;    /* what q->json must hold */
};

enum { SC_JOBSERV, SC_GITHUB, SC_GITEA, SC_FORGEJO, SC_GITLAB, SC_STANDARD };

/* The program, byte by byte:
 *   f1: bits 0-2 scheme (jobserv, github, gitea, forgejo, gitlab,
 *       standard, jobserv, jobserv); 3-4 signature (good, good, wrong,
 *       none); 5 which secret signs; 6 Expect: 100-continue; 7 form-encoded
 *   f2: bits 0-1 framing (Content-Length, chunked, chunked, a wrong
 *       Content-Length: one more byte, DELTA, added); 2 HTTP/1.0; 3 no
 *       Host; 4 Content-Type: application/json; 5 event/delivery headers;
 *       6-7 extra header lines
 *   f3: bits 0-1 target; 2-3 chunk-size style (lower, upper, leading
 *       zeros, lower); 4-5 trailer section; 6-7 what follows the message
 *       (nothing, a pipelined GET, 16 KiB of 0xcc, nothing)
 *   size: under 0xfe the body is the rest of the program; 0xfe S:
 *       --max-body + S (S signed: -128 to 127) bytes, 0xff S: S / 256 of
 *       --max-body, made of the rest of the program repeated
 *   [S], [DELTA], then per extra header L (bit 7: L & 63 raw bytes as a line,
 *       else "X-Fuzz-N:" and L & 63 bytes made visible) and its bytes
 *   chunked: N (& 15 chunks), then per chunk C [D when C & 0x40]:
 *       size (C & 63) + 1, times 512 when C & 0x80, 0xff the rest; D bits
 *       0-2 an extension (5 and up malformed), 3-4 a corruption: 1
 *       garbage in place of the CRLF after the data, (bits 5-6) 1, 2, 100
 *       or 16384 bytes of G, a byte that follows D; 2 a size one too
 *       large; 3 a bare LF after the size line. After the last chunk
 *       spec, the rest of the body is one chunk.
 *   the rest: the body (or its pattern). */
NOCOV static void
build(struct prog *g, const struct config *c, int all, int wfail, int fault,
      struct buf *out, size_t *marks, struct want *w)
{
	static const char *const targets[] = { "/webhook", "/webhook?a=b&c",
	    "http://localhost:8080/webhook", "/webhook?" };
	static const char *const exts[] = { "", ";a=b", ";x", " ; q=\"v\\\"w\"",
	    ";n=1;m", ";bad[", ";\"", "; =" };
	static const char *const trailers[] = { "", "X-T: v\r\n",
	    "X-A: 1\r\nX-B: 2\r\n", "Content-Length: 5\r\n" };
	static const size_t garbage[] = { 1, 2, 100, 16384 };
	unsigned f1 = get8(g), f2 = get8(g), f3 = get8(g), bsz = get8(g), bsz2 = 0;
	int scheme = (int)(f1 & 7), sigmode = (f1 >> 3) & 3, key = (f1 >> 5) & 1;
	int expect = (f1 >> 6) & 1, form = f1 >> 7;
	int framing = f2 & 3, http10 = (f2 >> 2) & 1, nohost = (f2 >> 3) & 1;
	int chunked = framing == 1 || framing == 2;
	int delta = 0, hst = 0, nch = 0, allowed, i, done;
	size_t max = c->max_body, L = 0, headend, k, s, total, left, cl, pat;
	struct buf pattern = { NULL, 0, 0 };
	unsigned char mac[SIG_MAC_LEN];
	char js[72];
	const unsigned char *key_p = (const unsigned char *)secret_text[key];
	size_t key_n = strlen(secret_text[key]);
	struct buf head = { NULL, 0, 0 };
	unsigned char extra[4][70];
	size_t extralen[4];
	int extraraw[4], nextra = (f2 >> 6) & 3;
	unsigned chunkspec[16][3];

	if (scheme > SC_STANDARD)
		scheme = SC_JOBSERV;
	w->clean = 1;
	w->key = key;
	w->body.n = w->json.n = 0;
	if (bsz >= 0xfe)
		bsz2 = get8(g);
	if (framing == 3) {
		delta = (int)(signed char)get8(g) + 1;
		w->clean = 0;
	}
	for (i = 0; i < nextra; i++) {
		unsigned l = get8(g);
		extraraw[i] = l >> 7;
		extralen[i] = l & 63;
		for (k = 0; k < extralen[i]; k++) {
			unsigned char ch = (unsigned char)get8(g);
			if (!extraraw[i] && (ch <= 0x20 || ch >= 0x7f))
				ch = 'a';
			extra[i][k] = ch;
		}
		if (extraraw[i])
			w->clean = 0;
	}
	if (chunked) {
		nch = (int)(get8(g) & 15);
		for (i = 0; i < nch; i++) {
			chunkspec[i][0] = get8(g);
			chunkspec[i][1] = chunkspec[i][0] & 0x40 ? get8(g) : 0;
			chunkspec[i][2] = ((chunkspec[i][1] >> 3) & 3) == 1 ?
			    get8(g) : 0;
		}
	}

	/* the body: the program's rest, or a length near --max-body */
	put(&pattern, g->p + g->i, g->n - g->i);
	if (bsz < 0xfe) {
		put(&w->json, pattern.p, pattern.n);
	} else {
		int d = (int)(signed char)bsz2;

		if (bsz == 0xff)
			L = max / 256 * bsz2;
		else if (d < 0 && (size_t)-d > max)
			L = 0;
		else
			L = (size_t)((long long)max + d);
		/* no byte past --max-body + 1 is ever read: the rest is left out
		 * (and the signature, not checked then, is over what is there) */
		if (L > max + 1)
			L = max + 1;
		if (pattern.n == 0)
			put(&pattern, "x", 1);
		reserve(&w->json, L);
		for (pat = 0; pat < L; pat += k) {
			k = pat < pattern.n ? pattern.n - pat : pat;
			if (k > L - pat)
				k = L - pat;
			memcpy(w->json.p + pat, pat < pattern.n ? pattern.p + pat :
			    w->json.p, k);
		}
		w->json.n = L;
	}
	free(pattern.p);
	if (form) {
		static const char hx[] = "0123456789ABCDEF";
		unsigned char *o;

		puts_(&w->body, "payload=");
		reserve(&w->body, 3 * w->json.n);
		o = w->body.p + w->body.n;
		for (k = 0; k < w->json.n; k++) {
			unsigned char ch = w->json.p[k];
			if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
			    ch == '.' || ch == '*') {
				*o++ = ch;
			} else if (ch == ' ') {
				*o++ = '+';
			} else {
				*o++ = '%';
				*o++ = (unsigned char)hx[ch >> 4];
				*o++ = (unsigned char)hx[ch & 15];
			}
		}
		w->body.n = (size_t)(o - w->body.p);
		if (bsz >= 0xfe && w->body.n > max + 1)
			w->body.n = max + 1;
	} else {
		put(&w->body, w->json.p, w->json.n);
	}
	L = w->body.n;

	/* the head */
	puts_(&head, "POST ");
	puts_(&head, targets[f3 & 3]);
	puts_(&head, http10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
	if (!nohost)
		puts_(&head, "Host: localhost\r\n");
	if (form)
		puts_(&head, "Content-Type: application/x-www-form-urlencoded\r\n");
	else if ((f2 >> 4) & 1)
		puts_(&head, "Content-Type: application/json\r\n");
	for (i = 0; i < nextra; i++) {
		if (!extraraw[i])
			{
			puts_(&head, "X-Fuzz-");
			putnum(&head, (unsigned long long)i, 10, 0, 1);
			puts_(&head, ": ");
		}
		put(&head, extra[i], extralen[i]);
		puts_(&head, "\r\n");
	}
	if ((f2 >> 5) & 1) {
		static const char *const meta[] = {
			"", "X-GitHub-Event: push\r\nX-GitHub-Delivery: 72d3162e\r\n",
			"X-Gitea-Event: push\r\nX-Gitea-Delivery: 1\r\n",
			"X-Forgejo-Event: push\r\n",
			"X-Gitlab-Event: Push Hook\r\nIdempotency-Key: k-1\r\n", "" };
		puts_(&head, meta[scheme]);
	}
	if (sigmode != 3) {
		if (scheme == SC_STANDARD) {
			const unsigned char *parts[2];
			size_t lens[2];
			parts[0] = (const unsigned char *)"msg_1." NOW ".";
			lens[0] = strlen((const char *)parts[0]);
			parts[1] = w->body.p ? w->body.p : (const unsigned char *)"";
			lens[1] = L;
			sig_hmac_parts(std_key[key], std_klen[key], parts, lens, 2,
			    mac);
		} else {
			sig_hmac(key_p, key_n, w->body.p ? w->body.p :
			    (const unsigned char *)"", L, mac);
		}
		if (sigmode == 2)
			mac[31] ^= 0x10;
		switch (scheme) {
		case SC_JOBSERV:
			sig_format_jobserv(key_p, key_n, w->body.p ? w->body.p :
			    (const unsigned char *)"", L, js);
			need(strlen(js) == 71);
			if (sigmode == 2)
				js[70] = js[70] == '0' ? '1' : '0';
			puts_(&head, "X-JobServ-Sig: ");
			puts_(&head, js);
			break;
		case SC_GITHUB:
			puts_(&head, "X-Hub-Signature-256: sha256=");
			hex(&head, mac, sizeof mac, 0);
			break;
		case SC_GITEA:
			puts_(&head, "X-Gitea-Signature: ");
			hex(&head, mac, sizeof mac, 0);
			break;
		case SC_FORGEJO:
			puts_(&head, "X-Forgejo-Signature: ");
			hex(&head, mac, sizeof mac, 1);
			break;
		case SC_GITLAB:
			puts_(&head, "X-Gitlab-Token: ");
			puts_(&head, secret_text[key]);
			if (sigmode == 2)
				puts_(&head, "x");
			break;
		case SC_STANDARD:
			puts_(&head, "webhook-id: msg_1\r\nwebhook-timestamp: " NOW
			    "\r\nwebhook-signature: v2,AAAA v1,");
			b64(&head, mac, sizeof mac);
			break;
		}
		puts_(&head, "\r\n");
	}
	if (expect)
		puts_(&head, "Expect: 100-continue\r\n");
	if (chunked) {
		puts_(&head, "Transfer-Encoding: chunked\r\n");
	} else {
		puts_(&head, "Content-Length: ");
		putnum(&head, (unsigned long long)((long long)L + delta < 0 ? 0 :
		    (long long)L + delta), 10, 0, 1);
		puts_(&head, "\r\n");
	}
	puts_(&head, "\r\n");
	put(out, head.p, head.n);
	headend = out->n;
	free(head.p);
	for (k = 0; k < NMARKS; k++)
		marks[k] = headend;

	/* the body, framed */
	if (!chunked) {
		put(out, w->body.p, L);
		marks[1] = headend + (max < L ? max : L);
		marks[2] = out->n;
		marks[3] = headend + L / 2;
		marks[4] = out->n;
	} else {
		int style = (f3 >> 2) & 3;

		total = 0;
		done = 0;
		marks[1] = 0;
		for (i = 0; (i < nch || total < L) && !done; i++) {
			unsigned cs = i < nch ? chunkspec[i][0] : 0xff;
			unsigned d = i < nch ? chunkspec[i][1] : 0;
			unsigned gb = i < nch ? chunkspec[i][2] : 0;
			left = L - total;
			if (left == 0)
				break;
			s = cs == 0xff ? left : ((cs & 63) + 1) *
			    (cs & 0x80 ? 512 : 1);
			if (s > left)
				s = left;
			cl = s + (((d >> 3) & 3) == 2);
			if (style == 2)
				puts_(out, "000");
			putnum(out, cl, 16, style == 1, 1);
			puts_(out, exts[d & 7]);
			if ((d & 7) >= 5)
				w->clean = 0;
			puts_(out, ((d >> 3) & 3) == 3 ? "\n" : "\r\n");
			if (((d >> 3) & 3) >= 2)
				w->clean = 0;
			if (i == 0) {
				marks[3] = out->n;
				marks[4] = out->n + s / 2;
			}
			if (!marks[1] && total + s >= max)
				marks[1] = out->n + (max - total);
			put(out, w->body.p + total, s);
			total += s;
			if (((d >> 3) & 3) == 1) {
				fill(out, (unsigned char)gb, garbage[(d >> 5) & 3]);
				w->clean = 0;
				done = 1;
			} else {
				puts_(out, "\r\n");
			}
		}
		if (!marks[1])
			marks[1] = out->n;
		if (!done) {
			puts_(out, style == 2 ? "000" : "0");
			puts_(out, "\r\n");
			puts_(out, trailers[(f3 >> 4) & 3]);
			puts_(out, "\r\n");
		}
		marks[2] = out->n;
	}
	switch (f3 >> 6) {
	case 1:
		puts_(out, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
		break;
	case 2:
		fill(out, 0xcc, 16384);
		break;
	}

	/* what it must get, in serve_read's order */
	allowed = all || scheme == SC_JOBSERV;
	w->expect = 0;
	if (!http10 && nohost)
		hst = S_BAD_REQUEST;
	else if (http10 && chunked)
		hst = S_BAD_REQUEST;
	if (hst)
		w->st = hst;
	else if (!chunked && L > max)
		w->st = S_PAYLOAD_TOO_LARGE;
	else if (sigmode == 3 || !allowed)
		w->st = S_FORBIDDEN;
	else if ((w->expect = expect && !http10) && wfail)
		w->st = S_INTERNAL_ERROR;
	else if (fault == 1 || (fault == 2 && (chunked || L > 0)))
		w->st = S_INTERNAL_ERROR;   /* memfd_create, or mmap when cap > 0 */
	else if (chunked && L > max)
		w->st = S_PAYLOAD_TOO_LARGE;
	else if (sigmode == 2)
		w->st = S_FORBIDDEN;
	else
		w->st = 0;
}

/* ---- independent checks */

/* Does secret k verify the body of an accepted request (scheme.c's answer
 * read again the plain way)? */
static int
verifies(const struct scheme_req *s, int k, const unsigned char *body,
         size_t blen)
{
	const unsigned char *key = (const unsigned char *)secret_text[k];
	size_t klen = strlen(secret_text[k]), i, b;
	unsigned char want[32], got[40];
	const unsigned char *parts[6];
	size_t lens[6];

	switch (s->scheme) {
	case SCHEME_JOBSERV:
	case SCHEME_GITHUB:
		need(s->sig.len == 71);
		if (!unhex(s->sig.p + 7, 64, got, 32))
			return 0;
		sig_hmac(key, klen, body, blen, want);
		return memcmp(got, want, 32) == 0;
	case SCHEME_GITEA:
		if (!unhex(s->sig.p, s->sig.len, got, 32))
			return 0;
		sig_hmac(key, klen, body, blen, want);
		return memcmp(got, want, 32) == 0;
	case SCHEME_GITLAB:
		return s->sig.len == klen && memcmp(s->sig.p, key, klen) == 0;
	case SCHEME_STANDARD:
		parts[0] = s->id.p;  lens[0] = s->id.len;
		parts[1] = (const unsigned char *)".";  lens[1] = 1;
		parts[2] = s->ts.p;  lens[2] = s->ts.len;
		parts[3] = (const unsigned char *)".";  lens[3] = 1;
		parts[4] = body;  lens[4] = blen;
		sig_hmac_parts(std_key[k], std_klen[k], parts, lens, 5, want);
		for (i = 0; i < s->sig.len; ) {
			while (i < s->sig.len && s->sig.p[i] == ' ')
				i++;
			for (b = i; i < s->sig.len && s->sig.p[i] != ' '; i++)
				;
			if (i - b > 3 && memcmp(s->sig.p + b, "v1,", 3) == 0 &&
			    unbase64(s->sig.p + b + 3, i - b - 3, got, 35) == 32 &&
			    memcmp(got, want, 32) == 0)
				return 1;
		}
		return 0;
	case SCHEME_NONE:
		break;
	}
	need(!"no scheme");
	return 0;
}

static int
lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	need(fd >= 0);
	close(fd);
	return fd;
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* 1 if /proc/self/maps still shows inhook's body file. */
static int
body_mapped(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f))
		found |= strstr(line, "inhook-body") != NULL;
	fclose(f);
	return found;
}

static int
documented(int st)
{
	switch (st) {
	case -1: case 0: case 400: case 403: case 404: case 405: case 408:
	case 411: case 413: case 414: case 417: case 431: case 500: case 501:
	case 505:
		return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct req q PAGE_START;
	static struct env env PAGE_START;
	static struct buf stream;
	static struct want w;
	static unsigned long runs;
	static int ready;
	static const char *const peers[][2] = {
		{ "192.0.2.9", "1234" }, { "::ffff:10.0.0.1", "65535" },
		{ "2001:db8::1", "80" }, { "bogus", "1" }, { "1.2.3.4", "99999" },
		{ "fe80::1%eth0", "22" }, { "", "" }, { NULL, NULL },
	};
	unsigned cfg = size > 0 ? data[0] : 0, aux = size > 1 ? data[1] : 0;
	size_t nops = size > 2 ? data[2] : 0, body = size > 3 ? size - 3 : 0;
	const struct config *c;
	static const struct { const char *h; size_t n; const char *addr, *port; }
	    hdrs[4] = {
		{ "PROXY TCP4 192.0.2.77 198.51.100.1 4321 443\r\n", 45,
		  "192.0.2.77", "4321" },
		{ "PROXY TCP6 2001:db8::77 2001:db8::1 1 80\r\n", 42,
		  "2001:db8::77", "1" },
		{ "\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x12"
		  "\xc6\x33\x64\x09\xc0\x00\x02\x01\xff\xff\x01\xbb"
		  "\x04\x00\x00\x01\x00\x00", 34, "198.51.100.9", "65535" },
		{ "\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00", 16, NULL, NULL },
	};
	int which, all, structured, st, fd0, fds = 0, sampled, pe, proxy, inside;
	int hdr = -1;
	const char *why = NULL;
	size_t i;

	if (!ready) {
		setup();
		ready = 1;
	}
	sampled = ++runs % 512 == 1 || getenv("FUZZ_VERBOSE") != NULL;
	which = (int)(cfg & 3) == 3 ? 2 : (int)(cfg & 3);
	if (forced >= 0)
		which = forced == 3 ? (int)(cfg & 1) : forced;
	all = !((cfg >> 3) & 1);
	proxy = aux >> 7;
	c = &configs[which][!all][proxy];
	structured = (cfg >> 2) & 1;
	if (nops > body)
		nops = body;
	body -= nops;

	memset(&H, 0, sizeof H);
	H.ops = data + size - nops;
	H.nops = nops;
	H.wmode = (int)(cfg >> 4) & 3;
	H.fault = (cfg >> 6) == 3 ? ((aux >> 6) & 1 ? 1 : 2) : 0;
	H.peer = (int)(aux & 15);
	H.memfd = -1;
	H.clock_ms = 1000000;
	pe = H.peer >= 8 ? H.peer - 8 : 7;
	inside = proxy && (H.peer == 1 || H.peer == 2 || H.peer == 3 ||
	    H.peer == 8 || H.peer == 9 || H.peer == 10);
	if (peers[pe][0]) {
		setenv("TCPREMOTEIP", peers[pe][0], 1);
		setenv("TCPREMOTEPORT", peers[pe][1], 1);
	} else {
		unsetenv("TCPREMOTEIP");
		unsetenv("TCPREMOTEPORT");
	}
	stream.n = 0;
	if (structured) {
		struct prog g = { data + 3, body, 0 };
		if (proxy) {
			hdr = (int)(aux >> 4) & 3;
			need(hdrs[hdr].h[0] != 'P' || hdrs[hdr].h[hdrs[hdr].n - 1] == '\n');
#ifdef FUZZ_TLS
			H.pre = (const unsigned char *)hdrs[hdr].h;
			H.prelen = hdrs[hdr].n;
#else
			put(&stream, hdrs[hdr].h, hdrs[hdr].n);
#endif
		}
		build(&g, c, all, H.wmode == 3, H.fault, &stream, H.marks,
		    &w);
	} else {
		const unsigned char *p = data + 3, *e;
		put(&stream, p, body);
		e = body >= 4 ? memmem(p, body, "\r\n\r\n", 4) : NULL;
		H.marks[0] = e ? (size_t)(e - p) + 4 : 0;
		H.marks[1] = H.marks[0] + c->max_body;
		e = memmem(p + H.marks[0], body - H.marks[0], "\r\n", 2);
		H.marks[2] = (e ? (size_t)(e - p) + 2 : H.marks[0]) + c->max_body;
		H.marks[3] = H.marks[2] + 2;
		H.marks[4] = H.marks[0] + 1;
	}
	H.in = stream.p;
	H.inlen = stream.n;

	fd0 = lowest_free_fd();
	if (sampled)
		fds = count_fds();
#ifdef FUZZ_TLS
	{
		static const size_t recs[] = { 1, 7, 100, 1000, 16384 };
		H.rec = recs[fuzz_hash(data, size) % 5];
	}
	client_start();
#endif
	H.active = 1;
	serve_init(&q, c);
	st = serve_read(&q);
#ifdef FUZZ_TLS
	(void)pump();                   /* the client reads what is left */
	note("  TLS: %zu ciphertext bytes read, records of %zu\n", H.cbytes,
	    H.rec);
#endif

	/* a stall, or slow polls, took the fake clock past the deadline */
	if (H.clock_ms - 1000000 >= c->timeout * 1000LL)
		H.stalled = H.disrupted = 1;

	note("  %s, max-body %lu, %s schemes: %zu bytes offered, %zu read in "
	    "%zu reads; status %d (%s)%s\n", structured ? "structured" : "raw",
	    c->max_body, all ? "all" : "jobserv", H.inlen, H.bytes, H.reads, st,
	    q.why ? q.why : "-", structured && w.clean ? ", clean" : "");

	/* the wrappers were in the way, and gave what there was */
	need(H.polls > 0 && (H.reads > 0 || H.stalled));
	need(H.bytes == H.pos && H.pos <= H.inlen);
#ifdef FUZZ_TLS
	/* (a failed PROXY header leaves raw bytes in the head) */
	need(q.have <= H.bytes + H.cbytes && q.headlen <= q.have);
#else
	need(q.have <= H.bytes && q.headlen <= q.have);
#endif
	need(documented(st));
	need(st == 0 || st == -1 || q.why != NULL);
#ifdef FUZZ_TLS
	need(st != -1 || q.have == 0);
#else
	need(st != -1 || H.bytes == q.proxylen);
#endif
	need(!q.proxied || inside);
	need(q.proxied || q.proxylen == 0);
	if (hdr >= 0 && !inside)
		need(st != 0);          /* a header from outside: never accepted */
	if (hdr >= 0 && inside && q.proxied) {
		need(q.proxylen == hdrs[hdr].n);
		need(hdrs[hdr].addr ? q.proxied == 1 &&
		    strcmp(q.addr, hdrs[hdr].addr) == 0 &&
		    strcmp(q.port, hdrs[hdr].port) == 0 : q.proxied == 2);
	}
	need(st != S_REQUEST_TIMEOUT || H.stalled);
	need(st != S_INTERNAL_ERROR || H.faulted || H.wfailed);
	need(q.bodylen <= c->max_body);
	need(H.nmaps <= 2);
	if (st == 0 && q.r.method == M_POST) {
		need(q.bodyfd >= 0);
		need(q.bodylen == 0 || q.body != NULL);
		need(q.r.framing == F_CHUNKED ||
		    q.bodylen == q.r.content_length);
		need(q.secret_index == 0 || q.secret_index == 1);
		need(strlen(q.key) == 2 * SIG_MAC_LEN);
		/* (a structured request's MAC is the builder's own) */
		need((structured && w.clean && !H.disrupted) ||
		    verifies(&q.sr, q.secret_index, q.body ? q.body :
		    (const unsigned char *)"", q.bodylen));
		need(q.json != NULL || q.jsonlen == 0);
		need(q.jsonlen <= q.bodylen);
	}
	if (st == 0 && q.r.method != M_POST)
		need(q.body == NULL && q.bodyfd < 0);
	if (structured && w.clean && !H.disrupted && (hdr < 0 || inside)) {
		need(st == w.st);
		if (w.expect && !H.wfailed)
			need(H.wlen == 25 &&
			    memcmp(H.wbuf, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0);
		if (!w.expect)
			need(H.writes == 0);
	}
	if (structured && w.clean && !H.disrupted && st == 0 &&
	    (hdr < 0 || inside)) {
		need(q.bodylen == w.body.n);
		need(q.bodylen == 0 || memcmp(q.body, w.body.p, q.bodylen) == 0);
		need(q.secret_index == w.key);
		need(q.jsonlen == w.json.n);
		need(q.jsonlen == 0 || memcmp(q.json, w.json.p, q.jsonlen) == 0);
	}

	/* what deliver() does first: the JSON to the environment */
	if (st == 0 && q.r.method == M_POST) {
		int pst;

		env_init(&env);
		pst = payload_export(q.json ? q.json : (const unsigned char *)"",
		    q.jsonlen, c->prefix, &env, &why);
		note("  payload_export %d (%s), %zu variables\n", pst,
		    why ? why : "-", env.n);
		need(pst == 0 || pst == S_BAD_REQUEST || pst == S_UNPROCESSABLE);
		need(pst == 0 || why != NULL);
		need(env.used <= ENV_BYTES_MAX && env.n <= ENV_VARS_MAX);
	}

	serve_release(&q);
#ifdef FUZZ_TLS
	conn_close();                   /* close_notify; the state reset */
#endif
	need(H.nmaps == 0);             /* every mapping unmapped, whole */
	need(q.bodyfd == -1 && q.body == NULL && q.json == NULL);
	H.active = 0;
	need(lowest_free_fd() == fd0);
	if (sampled) {
		need(count_fds() == fds);
		need(!body_mapped());
	}
	for (i = 0; i < NMARKS; i++)
		H.marks[i] = 0;
	return 0;
}
