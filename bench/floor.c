/* floor.c: the floor of the benchmark. The least a per-connection responder
 * for a signed webhook must do: read one request from fd 0 (head up to the
 * empty line, then Content-Length bytes of body; nothing else is parsed),
 * read the secret file, check X-JobServ-Sig "sha256:<hex>" with BearSSL's
 * HMAC-SHA256 and a constant-time compare, fork and execve the hook with an
 * empty environment (stdin and stdout on /dev/null), wait for it, answer 200
 * (500 if the hook failed, 403 on a bad signature, 400 on anything else) on
 * fd 1 and exit. Everything inhook does beyond this is its overhead.
 *
 * It is not a server for real use: it trusts the framing, ignores chunked
 * bodies, duplicate headers and the JSON, and has no deadline. It works the
 * same on a socket (under systemd-socket-activate --accept --inetd) and on a
 * pipe or file (pipe mode: raw request on stdin, raw response on stdout), so
 * valgrind can count its instructions like inhook's.
 *
 * usage: floor SECRETFILE HOOK */
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bearssl.h>

#define HEAD_MAX  16384
#define BODY_MAX  (64UL * 1024 * 1024)
#define KEY_MAX   1024

static unsigned char head[HEAD_MAX];
static unsigned char body[BODY_MAX];   /* only the pages written are resident */
static unsigned char key[KEY_MAX];

static int
answer(int status)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 3\r\nConnection: close\r\n\r\nOK\n";
	static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n";
	static const char forbidden[] = "HTTP/1.1 403 Forbidden\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	static const char failed[] = "HTTP/1.1 500 Internal Server Error\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	const char *p = status == 200 ? ok : status == 403 ? forbidden :
	    status == 500 ? failed : bad;
	size_t len = strlen(p);
	ssize_t w;

	while (len) {
		if ((w = write(1, p, len)) <= 0)
			return 111;
		p += w;
		len -= (size_t)w;
	}
	close(1);
	close(0);
	return 0;
}

/* 1 if line[0..len) starts with the field name lit (lower case) and ':'. */
static int
field(const unsigned char *line, size_t len, const char *lit, size_t *vstart)
{
	size_t n = strlen(lit), i;

	if (len <= n || line[n] != ':')
		return 0;
	for (i = 0; i < n; i++)
		if ((line[i] | 0x20) != (unsigned char)lit[i])
			return 0;
	for (i = n + 1; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	*vstart = i;
	return 1;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
run_hook(char *hook)
{
	char *argv[2] = { hook, NULL }, *envp[1] = { NULL };
	pid_t pid;
	int st, fd;

	if ((pid = fork()) < 0)
		return 500;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) < 0 ||
		    dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execve(hook, argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 200 : 500;
}

int
main(int argc, char **argv)
{
	unsigned char mac[32], want[32], diff = 0;
	const unsigned char *sig = NULL;
	br_hmac_key_context kc;
	br_hmac_context hc;
	size_t have = 0, headlen = 0, i, start, v, siglen = 0, klen = 0;
	unsigned long long cl = 0;
	int have_cl = 0, fd, hi, lo;
	ssize_t r;

	if (argc != 3)
		return 100;
	/* the head, up to CRLF CRLF */
	while (headlen == 0) {
		if (have == sizeof head)
			return answer(400);
		if ((r = read(0, head + have, sizeof head - have)) <= 0)
			return have ? answer(400) : 0;
		for (i = have >= 3 ? have - 3 : 0; i + 3 < have + (size_t)r; i++)
			if (memcmp(head + i, "\r\n\r\n", 4) == 0) {
				headlen = i + 4;
				break;
			}
		have += (size_t)r;
	}
	/* Content-Length and X-JobServ-Sig, nothing else */
	for (start = 0, i = 0; i + 1 < headlen; i++) {
		if (head[i] != '\r' || head[i + 1] != '\n')
			continue;
		if (field(head + start, i - start, "content-length", &v)) {
			for (have_cl = 1; v < i - start; v++) {
				if (head[start + v] < '0' || head[start + v] > '9' ||
				    cl > BODY_MAX)
					return answer(400);
				cl = cl * 10 + (head[start + v] - '0');
			}
		} else if (field(head + start, i - start, "x-jobserv-sig", &v)) {
			sig = head + start + v;
			siglen = i - start - v;
		}
		start = i + 2;
	}
	if (!have_cl || cl > BODY_MAX)
		return answer(400);
	/* the body */
	i = have - headlen < cl ? have - headlen : (size_t)cl;
	memcpy(body, head + headlen, i);
	while (i < cl) {
		if ((r = read(0, body + i, (size_t)cl - i)) <= 0)
			return answer(400);
		i += (size_t)r;
	}
	/* the secret, then the signature */
	if ((fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0)
		return answer(500);
	while (klen < sizeof key && (r = read(fd, key + klen, sizeof key - klen)) > 0)
		klen += (size_t)r;
	close(fd);
	while (klen && (key[klen - 1] == '\n' || key[klen - 1] == '\r'))
		klen--;
	if (sig == NULL || siglen != 7 + 64 || memcmp(sig, "sha256:", 7) != 0)
		return answer(403);
	for (i = 0; i < 32; i++) {
		if ((hi = hexval(sig[7 + 2 * i])) < 0 ||
		    (lo = hexval(sig[8 + 2 * i])) < 0)
			return answer(403);
		want[i] = (unsigned char)(hi << 4 | lo);
	}
	br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, body, (size_t)cl);
	br_hmac_out(&hc, mac);
	for (i = 0; i < 32; i++)
		diff |= mac[i] ^ want[i];
	if (diff || klen == 0)
		return answer(403);
	return answer(run_hook(argv[2]));
}
