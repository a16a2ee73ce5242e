/* test_proxy.c: known answers for the PROXY protocol parser (proxy.c) and
 * the --proxy-from ranges (cidr.c). Every valid header is also cut at every
 * length (each proper prefix must ask for more and set nothing) and
 * followed by request bytes (which must not be counted as the header's).
 * The malformed and spoofed ones must be 400, whole and, where they go
 * wrong early, as soon as the bad byte arrives. */
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "cidr.h"
#include "limits.h"
#include "proxy.h"
#include "status.h"

#define SIG "\r\n\r\n\0\r\nQUIT\n"

static unsigned char buf[4096];

/* Parses s[0..n) copied into buf followed by "GET": *p and *used as
 * proxy_parse leaves them (starting from a sentinel). */
static int
parse(const void *s, size_t n, struct proxy *p, size_t *used)
{
	memcpy(buf, s, n);
	memcpy(buf + n, "GET", 3);
	memset(p, 0xa5, sizeof *p);
	*used = 12345;
	return proxy_parse(buf, n + 3, p, used);
}

/* Every proper prefix of s[0..n) asks for more and writes nothing. */
static int
prefixes_need_more(const void *s, size_t n)
{
	struct proxy p;
	size_t k, used;
	unsigned char sentinel[sizeof p];
	int st;

	memset(sentinel, 0xa5, sizeof sentinel);
	for (k = 0; k < n; k++) {
		memcpy(buf, s, k);
		memset(&p, 0xa5, sizeof p);
		used = 12345;
		st = proxy_parse(buf, k, &p, &used);
		if (st != PROXY_MORE || used != 12345 ||
		    memcmp(&p, sentinel, sizeof p) != 0) {
			printf("#   prefix of %zu bytes: %d\n", k, st);
			return 0;
		}
	}
	return 1;
}

static void
valid(const char *name, const void *s, size_t n, int version, int local,
      int family, const unsigned char *src, unsigned sport)
{
	struct proxy p;
	size_t used;
	int st = parse(s, n, &p, &used), alen = family == AF_INET ? 4 : 16;

	check(st == 0 && used == n, "%s: valid, %zu bytes (got %d, %zu)", name,
	    n, st, used);
	check(p.version == version && p.local == local, "%s: v%d%s", name,
	    version, local ? ", local" : "");
	if (!local)
		check(p.family == family && memcmp(p.src, src, (size_t)alen) == 0 &&
		    p.sport == sport, "%s: family, client and port", name);
	check(prefixes_need_more(s, n), "%s: every prefix needs more", name);
}

static void
bad(const char *name, const void *s, size_t n)
{
	struct proxy p;
	size_t used;
	unsigned char sentinel[sizeof p];
	int st = parse(s, n, &p, &used);

	memset(sentinel, 0xa5, sizeof sentinel);
	check(st == S_BAD_REQUEST && used == 12345 &&
	    memcmp(&p, sentinel, sizeof p) == 0, "%s: 400, nothing set (got %d)",
	    name, st);
}

/* 400 already at the first len bytes of s (decided early). */
static void
bad_early(const char *name, const void *s, size_t len)
{
	struct proxy p;
	size_t used;

	memcpy(buf, s, len);
	check(proxy_parse(buf, len, &p, &used) == S_BAD_REQUEST,
	    "%s: 400 after %zu bytes", name, len);
}

#define V(name, lit, ver, local, fam, src, port) \
	valid(name, lit, sizeof lit - 1, ver, local, fam, \
	    (const unsigned char *)src, port)
#define B(name, lit) bad(name, lit, sizeof lit - 1)

static void
v1(void)
{
	char line[200];
	size_t n;

	V("v1 TCP4", "PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n", 1, 0,
	    AF_INET, "\xc0\x00\x02\x07", 56324);
	V("v1 TCP4 zeros and edges", "PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n",
	    1, 0, AF_INET, "\0\0\0\0", 0);
	V("v1 TCP6", "PROXY TCP6 2001:db8::7 2001:db8::1 1 80\r\n", 1, 0,
	    AF_INET6, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x07", 1);
	V("v1 TCP6 full form", "PROXY TCP6 2001:DB8:0:0:1:2:3:4 ::1 9 9\r\n", 1, 0,
	    AF_INET6, "\x20\x01\x0d\xb8\0\0\0\0\0\x01\0\x02\0\x03\0\x04", 9);
	V("v1 TCP6 v4-mapped", "PROXY TCP6 ::ffff:192.0.2.1 ::1 2 3\r\n", 1, 0,
	    AF_INET6, "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\0\x02\x01", 2);
	V("v1 TCP6 ::", "PROXY TCP6 :: 1:: 2 3\r\n", 1, 0, AF_INET6,
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 2);
	V("v1 TCP6 :: at the end of seven", "PROXY TCP6 1:2:3:4:5:6:7:: ::1 2 3\r\n",
	    1, 0, AF_INET6, "\0\x01\0\x02\0\x03\0\x04\0\x05\0\x06\0\x07\0\0", 2);
	V("v1 UNKNOWN", "PROXY UNKNOWN\r\n", 1, 1, 0, "", 0);
	V("v1 UNKNOWN with addresses", "PROXY UNKNOWN ffff:f::1 ::2 1 2\r\n", 1,
	    1, 0, "", 0);

	/* the longest line: 107 bytes with CRLF */
	memcpy(line, "PROXY UNKNOWN ", 14);
	memset(line + 14, 'x', 91);
	memcpy(line + 105, "\r\n", 2);
	valid("v1 UNKNOWN of 107 bytes", line, 107, 1, 1, 0, NULL, 0);
	memset(line + 14, 'x', 92);
	memcpy(line + 106, "\r\n", 2);
	bad("v1 of 108 bytes", line, 108);
	memset(line + 14, 'x', 93);
	bad_early("v1 of 107 bytes without CRLF", line, 107);
	n = (size_t)snprintf(line, sizeof line, "PROXY TCP6 %s %s 65535 65535\r\n",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	check(n <= PROXY_V1_MAX, "v1: the longest TCP6 line fits (%zu)", n);
	valid("v1 TCP6 longest", line, n, 1, 0, AF_INET6, (const unsigned char *)
	    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
	    65535);

	B("v1 lower-case proxy", "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n");
	B("v1 lower-case tcp4", "PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n");
	B("v1 lower-case unknown", "PROXY unknown\r\n");
	B("v1 TCP5", "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n");
	B("v1 UDP4", "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n");
	B("v1 two spaces", "PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n");
	B("v1 trailing space", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n");
	B("v1 tab", "PROXY TCP4\t1.2.3.4 5.6.7.8 1 2\r\n");
	B("v1 no space after PROXY", "PROXYTCP4 1.2.3.4 5.6.7.8 1 2\r\n");
	B("v1 only PROXY", "PROXY \r\n");
	B("v1 a field missing", "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n");
	B("v1 a field more", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n");
	B("v1 bare LF", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n\r\n");
	B("v1 CR without LF", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX");
	B("v1 NUL in the line", "PROXY TCP4 1.2.3.4\0 5.6.7.8 1 2\r\n");
	B("v1 port 65536", "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n");
	B("v1 port 99999", "PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n");
	B("v1 port 6 digits", "PROXY TCP4 1.2.3.4 5.6.7.8 100000 2\r\n");
	B("v1 port leading zero", "PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n");
	B("v1 port signed", "PROXY TCP4 1.2.3.4 5.6.7.8 +80 2\r\n");
	B("v1 port hex", "PROXY TCP4 1.2.3.4 5.6.7.8 0x50 2\r\n");
	B("v1 TCP4 part 256", "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n");
	B("v1 TCP4 leading zero", "PROXY TCP4 1.2.3.04 5.6.7.8 1 2\r\n");
	B("v1 TCP4 three parts", "PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n");
	B("v1 TCP4 five parts", "PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n");
	B("v1 TCP4 empty part", "PROXY TCP4 1..3.4 5.6.7.8 1 2\r\n");
	B("v1 TCP4 a name", "PROXY TCP4 localhost 5.6.7.8 1 2\r\n");
	B("v1 TCP4 with IPv6", "PROXY TCP4 ::1 5.6.7.8 1 2\r\n");
	B("v1 TCP6 with IPv4", "PROXY TCP6 1.2.3.4 ::1 1 2\r\n");
	B("v1 TCP6 two ::", "PROXY TCP6 1::2::3 ::1 1 2\r\n");
	B("v1 TCP6 :::", "PROXY TCP6 ::: ::1 1 2\r\n");
	B("v1 TCP6 five hex digits", "PROXY TCP6 12345:: ::1 1 2\r\n");
	B("v1 TCP6 nine groups", "PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n");
	B("v1 TCP6 seven groups", "PROXY TCP6 1:2:3:4:5:6:7 ::1 1 2\r\n");
	B("v1 TCP6 :: and eight", "PROXY TCP6 ::1:2:3:4:5:6:7:8 ::1 1 2\r\n");
	B("v1 TCP6 leading :", "PROXY TCP6 :1:2:3:4:5:6:7 ::1 1 2\r\n");
	B("v1 TCP6 trailing :", "PROXY TCP6 1:2:3:4:5:6:7: ::1 1 2\r\n");
	B("v1 TCP6 zone", "PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n");
	B("v1 TCP6 brackets", "PROXY TCP6 [::1] ::1 1 2\r\n");
	B("v1 TCP6 IPv4 tail too late", "PROXY TCP6 1:2:3:4:5:6:7:1.2.3.4 ::1 1 2\r\n");
	B("v1 TCP6 bad IPv4 tail", "PROXY TCP6 ::ffff:1.2.3.999 ::1 1 2\r\n");
	B("v1 UNKNOWN with a control byte", "PROXY UNKNOWN \x01\r\n");
	B("v1 UNKNOWNX", "PROXY UNKNOWNX\r\n");
	bad_early("HTTP instead of PROXY", "POST /webhook HTTP/1.1", 2);
	bad_early("v1 tab after PROXY, early", "PROXY\t", 6);
	bad_early("v1 control byte, early", "PROXY TCP4 1.2\x7f", 15);
	bad_early("neither signature", "\x16\x03\x01", 1);
}

static void
v2(void)
{
	static const unsigned char in4[] = SIG "\x21\x11\x00\x0c"
	    "\xc0\x00\x02\x07" "\xc6\x33\x64\x01" "\xdc\x04" "\x01\xbb";
	static const unsigned char in6[] = SIG "\x21\x21\x00\x24"
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x07"
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01" "\x00\x01" "\x00\x50";
	static const unsigned char tlv[] = SIG "\x21\x11\x00\x1a"
	    "\xc0\x00\x02\x07" "\xc6\x33\x64\x01" "\xdc\x04" "\x01\xbb"
	    "\x04\x00\x00" "\x05\x00\x03" "abc" "\x01\x00\x02" "h2";
	static const unsigned char local[] = SIG "\x20\x00\x00\x00";
	static const unsigned char local_addr[] = SIG "\x20\x11\x00\x0c"
	    "\x7f\0\0\x01" "\x7f\0\0\x01" "\0\x01" "\0\x02";
	static const unsigned char local_junk[] = SIG "\x20\x31\x00\x03" "abc";
	unsigned char big[16 + PROXY_V2_LEN_MAX + 1];
	size_t n;

	V("v2 TCP4", in4, 2, 0, AF_INET, "\xc0\x00\x02\x07", 56324);
	V("v2 TCP6", in6, 2, 0, AF_INET6,
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x07", 1);
	V("v2 TCP4 with TLVs", tlv, 2, 0, AF_INET, "\xc0\x00\x02\x07", 56324);
	V("v2 LOCAL", local, 2, 1, 0, "", 0);
	V("v2 LOCAL with addresses", local_addr, 2, 1, 0, "", 0);
	V("v2 LOCAL with an unknown family", local_junk, 2, 1, 0, "", 0);

	/* the longest: addresses then a NOOP TLV filling PROXY_V2_LEN_MAX */
	memset(big, 0, sizeof big);
	memcpy(big, in4, 28);
	big[14] = PROXY_V2_LEN_MAX >> 8;
	big[15] = PROXY_V2_LEN_MAX & 0xff;
	n = PROXY_V2_LEN_MAX - 12 - 3;
	big[28] = 0x04;
	big[29] = (unsigned char)(n >> 8);
	big[30] = (unsigned char)n;
	valid("v2 of the longest length", big, 16 + PROXY_V2_LEN_MAX, 2, 0,
	    AF_INET, (const unsigned char *)"\xc0\x00\x02\x07", 56324);
	big[15]++;
	bad_early("v2 length over PROXY_V2_LEN_MAX, early", big, 16);

#define B2(name, lit) bad(name, lit, sizeof lit - 1)
	B2("v2 bad signature", "\r\n\r\n\0\r\nQUIX\n\x21\x11\x00\x0c"
	    "\1\2\3\4\5\6\7\x08\0\1\0\2");
	B2("v2 version 1", SIG "\x11\x11\x00\x0c" "\1\2\3\4\5\6\7\x08\0\1\0\2");
	B2("v2 version 3", SIG "\x31\x11\x00\x0c" "\1\2\3\4\5\6\7\x08\0\1\0\2");
	B2("v2 command 2", SIG "\x22\x11\x00\x0c" "\1\2\3\4\5\6\7\x08\0\1\0\2");
	B2("v2 PROXY with UNSPEC", SIG "\x21\x00\x00\x00");
	B2("v2 PROXY with UNSPEC and a block", SIG "\x21\x00\x00\x0c"
	    "\1\2\3\4\5\6\7\x08\0\1\0\2");
	B2("v2 PROXY over UDP", SIG "\x21\x12\x00\x0c" "\1\2\3\4\5\6\7\x08\0\1\0\2");
	B2("v2 PROXY over UNIX", SIG "\x21\x31\x00\x0c" "\1\2\3\4\5\6\7\x08\0\1\0\2");
	B2("v2 PROXY family 4", SIG "\x21\x41\x00\x0c" "\1\2\3\4\5\6\7\x08\0\1\0\2");
	B2("v2 INET block short", SIG "\x21\x11\x00\x0b" "\1\2\3\4\5\6\7\x08\0\1\0");
	B2("v2 INET6 block short", SIG "\x21\x21\x00\x0c" "\1\2\3\4\5\6\7\x08\0\1\0\2");
	B2("v2 TLV cut in its head", SIG "\x21\x11\x00\x0e"
	    "\1\2\3\4\5\6\7\x08\0\1\0\2" "\x04\x00");
	B2("v2 TLV overruns", SIG "\x21\x11\x00\x10"
	    "\1\2\3\4\5\6\7\x08\0\1\0\2" "\x04\x00\x02" "a");
	bad_early("v2 bad signature, early", "\r\n\r\n\0\r\nX", 8);
	bad_early("v2 version 1, early", SIG "\x11", 13);
	bad_early("v2 UNSPEC with PROXY, early", SIG "\x21\x00", 14);
	bad_early("v2 length 65535, early", SIG "\x21\x11\xff\xff", 16);
}

static void
cidr(void)
{
	struct cidr c[4];
	unsigned char a[16];

	check(cidr_parse("192.0.2.0/24", &c[0]) == 0 && c[0].bits == 120,
	    "cidr: 192.0.2.0/24");
	check(cidr_parse("2001:db8::/32", &c[1]) == 0 && c[1].bits == 32,
	    "cidr: 2001:db8::/32");
	check(cidr_parse("127.0.0.1", &c[2]) == 0 && c[2].bits == 128,
	    "cidr: an IPv4 address alone is /32");
	check(cidr_parse("::/0", &c[3]) == 0 && c[3].bits == 0, "cidr: ::/0");
	check(cidr_parse("192.0.2.1/24", &c[0]) < 0, "cidr: host bits refused");
	check(cidr_parse("192.0.2.0/33", &c[0]) < 0, "cidr: /33 refused");
	check(cidr_parse("::/129", &c[0]) < 0, "cidr: /129 refused");
	check(cidr_parse("192.0.2.0/", &c[0]) < 0, "cidr: empty length refused");
	check(cidr_parse("192.0.2.0/024", &c[0]) < 0, "cidr: leading zero refused");
	check(cidr_parse("192.0.2.0/2a", &c[0]) < 0, "cidr: non-digit refused");
	check(cidr_parse("/24", &c[0]) < 0, "cidr: no address refused");
	check(cidr_parse("host.example/24", &c[0]) < 0, "cidr: a name refused");
	check(cidr_parse("[::1]/128", &c[0]) < 0, "cidr: brackets refused");

	cidr_parse("192.0.2.0/24", &c[0]);
	cidr_parse("2001:db8::/32", &c[1]);
	cidr_parse("10.0.0.0/9", &c[2]);
	cidr_addr(AF_INET, (const unsigned char *)"\xc0\x00\x02\xfe", a);
	check(cidr_match(c, 3, a), "cidr: 192.0.2.254 in 192.0.2.0/24");
	memcpy(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\x00\x02\x05", 16);
	check(cidr_match(c, 3, a), "cidr: ::ffff:192.0.2.5 (dual stack) in it");
	cidr_addr(AF_INET, (const unsigned char *)"\xc0\x00\x03\x01", a);
	check(!cidr_match(c, 3, a), "cidr: 192.0.3.1 not in it");
	cidr_addr(AF_INET, (const unsigned char *)"\x0a\x7f\xff\xff", a);
	check(cidr_match(c, 3, a), "cidr: 10.127.255.255 in 10.0.0.0/9");
	cidr_addr(AF_INET, (const unsigned char *)"\x0a\x80\x00\x00", a);
	check(!cidr_match(c, 3, a), "cidr: 10.128.0.0 not in 10.0.0.0/9");
	cidr_addr(AF_INET6, (const unsigned char *)
	    "\x20\x01\x0d\xb8\xff\0\0\0\0\0\0\0\0\0\0\x01", a);
	check(cidr_match(c, 3, a), "cidr: 2001:db8:ff00::1 in 2001:db8::/32");
	cidr_addr(AF_INET6, (const unsigned char *)
	    "\x20\x01\x0d\xb9\0\0\0\0\0\0\0\0\0\0\0\x01", a);
	check(!cidr_match(c, 3, a), "cidr: 2001:db9::1 not in it");
	check(!cidr_match(c, 0, a), "cidr: no range matches nothing");
	cidr_parse("::/0", &c[3]);
	check(cidr_match(c + 3, 1, a), "cidr: ::/0 matches everything");
	cidr_parse("0.0.0.0/0", &c[3]);
	check(!cidr_match(c + 3, 1, a), "cidr: 0.0.0.0/0 matches no IPv6 peer");
	cidr_addr(AF_INET, (const unsigned char *)"\x01\x02\x03\x04", a);
	check(cidr_match(c + 3, 1, a), "cidr: 0.0.0.0/0 matches IPv4");
}

int
main(void)
{
	v1();
	v2();
	cidr();
	return check_done();
}
