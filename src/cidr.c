/* cidr.c: --proxy-from ranges, parsed once at start from the command line
 * (inet_pton on a bounded copy: these are the operator's bytes, not the
 * peer's) and matched per connection over 16-byte addresses. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr.h"

void
cidr_addr(int family, const unsigned char *a, unsigned char out[16])
{
	if (family == AF_INET) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, a, 4);
	} else {
		memcpy(out, a, 16);
	}
}

int
cidr_parse(const char *s, struct cidr *c)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	unsigned char a[16];
	unsigned int bits = 0, max, i;
	int fam = AF_INET;

	memset(c, 0, sizeof *c);
	if (hl == 0 || hl >= sizeof host)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, a) != 1) {
		if (inet_pton(AF_INET6, host, a) != 1)
			return -1;
		fam = AF_INET6;
	}
	max = fam == AF_INET ? 32 : 128;
	if (!slash) {
		bits = max;
	} else {
		for (i = 1; slash[i]; i++) {
			if (slash[i] < '0' || slash[i] > '9' || i > 3)
				return -1;
			bits = bits * 10 + (unsigned int)(slash[i] - '0');
		}
		if (i == 1 || (i > 2 && slash[1] == '0') || bits > max)
			return -1;
	}
	cidr_addr(fam, a, c->addr);
	c->bits = fam == AF_INET ? bits + 96 : bits;
	for (i = c->bits; i < 128; i++)
		if (c->addr[i / 8] & (0x80 >> (i % 8)))
			return -1;      /* host bits set */
	return 0;
}

int
cidr_match(const struct cidr *c, unsigned int n, const unsigned char addr[16])
{
	unsigned int k, full, rest;

	for (k = 0; k < n; k++) {
		full = c[k].bits / 8;
		rest = c[k].bits % 8;
		if (memcmp(c[k].addr, addr, full) != 0)
			continue;
		if (rest && ((c[k].addr[full] ^ addr[full]) &
		    (0xff00 >> rest) & 0xff))
			continue;
		return 1;
	}
	return 0;
}
