/* cidr.h: address ranges for --proxy-from. An address is kept as 16 bytes,
 * IPv4 as the IPv4-mapped IPv6 address ::ffff:a.b.c.d, so that a client of a
 * dual-stack socket (which the kernel reports as ::ffff:a.b.c.d) and one of
 * an IPv4 socket are the same address. */
#ifndef INHOOK_CIDR_H
#define INHOOK_CIDR_H

struct cidr {
	unsigned char addr[16];     /* the network, host bits cleared */
	unsigned int bits;          /* prefix length over the 16 bytes */
};

/* Parses "A.B.C.D/N" (N 0 to 32), "IPV6/N" (N 0 to 128), or an address
 * alone (/32 or /128), a C string from the command line. An IPv4 range, and
 * an IPv6 range inside ::ffff:0:0/96, match IPv4 peers whatever socket they
 * came through. Host bits set below the prefix are refused (192.0.2.1/24
 * is most likely a mistake for .0/24). Returns 0 or -1. */
int cidr_parse(const char *s, struct cidr *c);

/* Writes the 16-byte form of an address: family AF_INET (4 bytes at a) or
 * AF_INET6 (16 bytes at a, copied as is). */
void cidr_addr(int family, const unsigned char *a, unsigned char out[16]);

/* 1 if addr (16-byte form) is inside one of c[0..n), else 0. */
int cidr_match(const struct cidr *c, unsigned int n,
               const unsigned char addr[16]);

#endif
