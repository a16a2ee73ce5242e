/* fuzz_proxy.c: the PROXY protocol parser (src/proxy.c) over any bytes.
 * The input is the stream a peer in --proxy-from sends, header and
 * request; it is parsed whole, in an exact-length copy (ASan sees a read
 * past its end), and again as serve.c reads it, on growing prefixes cut
 * where the input's hash says.
 * Invariants: the status is 0, PROXY_MORE or 400; nothing is written on
 * anything but 0; on 0 the header is 15 to PROXY_V1_MAX bytes (v1) or 16
 * to 16 + PROXY_V2_LEN_MAX (v2), parsing exactly those bytes gives the
 * same answer, and one byte fewer asks for more; a v1 TCP4 or TCP6 client
 * and destination are what inet_pton makes of the same text; PROXY_MORE
 * only for fewer bytes than the longest header; every growing prefix asks
 * for more until the first that does not, and that one answers as the
 * whole input does (0 with the same length, or 400). */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "limits.h"
#include "proxy.h"
#include "status.h"

static int
parse(const uint8_t *data, size_t n, struct proxy *p, size_t *used)
{
	unsigned char *b = fuzz_dup(data, n);
	unsigned char sentinel[sizeof *p];
	int st;

	memset(p, 0x5a, sizeof *p);
	memset(sentinel, 0x5a, sizeof sentinel);
	*used = (size_t)-7;
	st = proxy_parse(b, n, p, used);
	free(b);
	need(st == 0 || st == PROXY_MORE || st == S_BAD_REQUEST);
	if (st != 0)
		need(*used == (size_t)-7 && memcmp(p, sentinel, sizeof *p) == 0);
	return st;
}

/* The i-th space-separated field of a v1 line, NUL-terminated, in out. */
static void
field(const uint8_t *line, size_t n, int i, char *out, size_t cap)
{
	size_t k = 0, b;

	while (i-- > 0) {
		while (k < n && line[k] != ' ')
			k++;
		k++;
	}
	for (b = k; k < n && line[k] != ' ' && line[k] != '\r'; k++)
		;
	need(k - b < cap);
	memcpy(out, line + b, k - b);
	out[k - b] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy p, q;
	size_t used, u2, k;
	uint64_t seed = fuzz_hash(data, size);
	char a[128];
	unsigned char bin[16];
	int st, s2;

	st = parse(data, size, &p, &used);
	note("  status %d, %zu bytes\n", st, st == 0 ? used : 0);
	if (st == PROXY_MORE)
		need(size < 16 + PROXY_V2_LEN_MAX);
	if (st == 0) {
		need(p.version == 1 || p.version == 2);
		need(used <= size);
		if (p.version == 1)
			need(used >= 15 && used <= PROXY_V1_MAX);
		else
			need(used >= 16 && used <= 16 + PROXY_V2_LEN_MAX);
		need(p.local || p.family == AF_INET || p.family == AF_INET6);
		need(p.sport <= 65535 && p.dport <= 65535);
		s2 = parse(data, used, &q, &u2);
		need(s2 == 0 && u2 == used && memcmp(&p, &q, sizeof p) == 0);
		need(parse(data, used - 1, &q, &u2) == PROXY_MORE);
		if (p.version == 1 && !p.local) {
			int fam = p.family;
			field(data, used, 2, a, sizeof a);
			need(inet_pton(fam, a, bin) == 1);
			need(memcmp(bin, p.src, fam == AF_INET ? 4 : 16) == 0);
			field(data, used, 3, a, sizeof a);
			need(inet_pton(fam, a, bin) == 1);
			need(memcmp(bin, p.dst, fam == AF_INET ? 4 : 16) == 0);
		}
	}
	/* as serve.c reads: growing prefixes */
	for (k = 0; k < size; ) {
		k += fuzz_step(&seed, size - k);
		s2 = parse(data, k, &q, &u2);
		if (s2 == PROXY_MORE)
			continue;
		need(s2 == st);
		if (st == 0)
			need(u2 == used && memcmp(&p, &q, sizeof p) == 0);
		break;
	}
	return 0;
}
