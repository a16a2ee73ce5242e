/* test_io.c: the text of a peer's address (io.c's io_addr_text) against
 * the C library's inet_ntop: every IPv4 edge, every pattern of zero groups
 * in an IPv6 address with several values in the others (the "::" rule and
 * the IPv4-mapped and -compatible forms), and pseudo-random addresses. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "io.h"

static unsigned long seed = 12345;

static unsigned int
next(void)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned int)(seed >> 33);
}

/* 1 if io_addr_text and inet_ntop agree on a; the first difference is
 * kept in first. */
static int
same(int family, const unsigned char *a, char *first, size_t len)
{
	char want[INET6_ADDRSTRLEN], got[INET6_ADDRSTRLEN + 8];

	memset(got, 'z', sizeof got);
	if (inet_ntop(family, a, want, sizeof want) == NULL)
		return 0;
	io_addr_text(family, a, got);
	if (strcmp(got, want) == 0)
		return 1;
	if (!first[0])
		snprintf(first, len, "%s, not %s", got, want);
	return 0;
}

static void
test_ipv4(void)
{
	static const unsigned char edges[][4] = {
		{ 0, 0, 0, 0 }, { 127, 0, 0, 1 }, { 255, 255, 255, 255 },
		{ 10, 9, 99, 100 }, { 1, 10, 100, 200 },
	};
	unsigned char a[4];
	char first[128] = "";
	size_t i, bad = 0;

	for (i = 0; i < sizeof edges / sizeof edges[0]; i++)
		bad += !same(AF_INET, edges[i], first, sizeof first);
	for (i = 0; i < 100000; i++) {
		a[0] = (unsigned char)next();
		a[1] = (unsigned char)next();
		a[2] = (unsigned char)(i % 256);
		a[3] = (unsigned char)(next() % 3 == 0 ? 0 : next());
		bad += !same(AF_INET, a, first, sizeof first);
	}
	check(bad == 0, "IPv4 as inet_ntop writes it (%zu differ%s%s)", bad,
	    bad ? ": " : "", first);
}

static void
test_ipv6(void)
{
	static const unsigned int values[] = { 1, 0xffff, 0x1234, 0xabc, 0x10,
	    0x100 };
	unsigned char a[16];
	char first[128] = "", text[64];
	size_t mask, v, i, bad = 0, n = 0;
	unsigned int w;

	/* every pattern of zero groups, the others one value or another, and
	 * the group before the last two 0xffff (the IPv4-mapped form) */
	for (mask = 0; mask < 256; mask++) {
		for (v = 0; v < sizeof values / sizeof values[0]; v++) {
			for (i = 0; i < 8; i++) {
				w = mask >> i & 1 ? 0 : values[(v + i) %
				    (sizeof values / sizeof values[0])];
				if (i == 5 && v == 1 && !(mask >> i & 1))
					w = 0xffff;
				a[2 * i] = (unsigned char)(w >> 8);
				a[2 * i + 1] = (unsigned char)w;
			}
			bad += !same(AF_INET6, a, first, sizeof first);
			n++;
		}
	}
	for (i = 0; i < 200000; i++) {
		for (v = 0; v < 16; v += 2) {
			w = next() % 4 == 0 ? 0 : next() % 3 == 0 ?
			    next() & 0xf : next() & 0xffff;
			a[v] = (unsigned char)(w >> 8);
			a[v + 1] = (unsigned char)w;
		}
		bad += !same(AF_INET6, a, first, sizeof first);
		n++;
	}
	check(bad == 0, "IPv6 as inet_ntop writes it, %zu addresses (%zu differ%s%s)",
	    n, bad, bad ? ": " : "", first);

	/* a few by name, for the record */
	inet_pton(AF_INET6, "::ffff:192.0.2.1", a);
	io_addr_text(AF_INET6, a, text);
	check(strcmp(text, "::ffff:192.0.2.1") == 0, "IPv4-mapped: %s", text);
	inet_pton(AF_INET6, "2001:db8:0:0:1:0:0:1", a);
	io_addr_text(AF_INET6, a, text);
	check(strcmp(text, "2001:db8::1:0:0:1") == 0, "first of two runs: %s",
	    text);
	inet_pton(AF_INET6, "::1", a);
	io_addr_text(AF_INET6, a, text);
	check(strcmp(text, "::1") == 0, "loopback: %s", text);
	memset(a, 0xff, sizeof a);
	io_addr_text(AF_INET6, a, text);
	check(strlen(text) == 39, "longest text: %s", text);
}

int
main(void)
{
	test_ipv4();
	test_ipv6();
	return check_done();
}
