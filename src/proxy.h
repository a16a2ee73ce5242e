/* proxy.h: a pure parser for the PROXY protocol header (HAProxy's
 * proxy-protocol.txt, versions 1 and 2) that a load balancer sends before
 * the request. Nothing here reads a descriptor or allocates: the caller
 * hands in the bytes it has read so far and gets back 0, "need more", or
 * the HTTP status to answer with. */
#ifndef INHOOK_PROXY_H
#define INHOOK_PROXY_H

#include <stddef.h>

#define PROXY_MORE 1            /* a prefix of a valid header: read more */

struct proxy {
	int version;            /* 1 or 2 */
	int local;              /* v2 LOCAL or v1 UNKNOWN: use the real peer */
	int family;             /* unless local: AF_INET or AF_INET6 */
	unsigned char src[16];  /* the client: AF_INET in the first 4 bytes */
	unsigned char dst[16];  /* the address the client connected to */
	unsigned int sport, dport;
};

/* Parses the PROXY header at the start of buf[0..len). Returns
 *   0           a complete, valid header: *p filled, *used its length in
 *               bytes (what follows, from buf + *used, is the request);
 *   PROXY_MORE  buf is a proper prefix of a header that may still be valid
 *               (read more; *p and *used are not set);
 *   400         not a valid header, decided as early as the bytes allow
 *               (*p and *used are not set).
 * v1: "PROXY TCP4 A B SP DP\r\n" (dotted quads, each part 0 to 255 without
 * leading zeros), "PROXY TCP6 A B SP DP\r\n" (RFC 4291 text, an IPv4 tail
 * allowed), ports 0 to 65535 in decimal without leading zeros, single
 * spaces, upper-case keywords, at most PROXY_V1_MAX bytes CRLF included;
 * "PROXY UNKNOWN" then CRLF, or a space and printable ASCII to CRLF, is
 * local. v2: the 12-byte signature, version 2, command LOCAL (0: local, the
 * address block ignored) or PROXY (1), length at most PROXY_V2_LEN_MAX;
 * with PROXY, family and protocol TCP over IPv4 (0x11, 12 address bytes at
 * least) or TCP over IPv6 (0x21, 36), and after the addresses a sequence of
 * TLVs (type, 16-bit length, value) that fills the rest exactly; their
 * contents are not looked at. Anything else (another version or command,
 * UNSPEC, UNIX or UDP with PROXY, a length over the limit, an address
 * block too short, a TLV that overruns) is 400. */
int proxy_parse(const unsigned char *buf, size_t len, struct proxy *p,
                size_t *used);

#endif
