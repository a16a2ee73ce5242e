/* proxy.c: the PROXY protocol header, v1 (text) and v2 (binary), parsed
 * strictly from a caller's buffer. It promises: no byte past len is read,
 * nothing is written to *p or *used unless the header is complete and
 * valid, and a prefix that cannot become valid is refused at once (so a
 * peer sending HTTP to a port that expects the header gets its 400 without
 * waiting for the deadline). It never touches a descriptor. */
#include <string.h>
#include <sys/socket.h>

#include "limits.h"
#include "proxy.h"
#include "status.h"

static const unsigned char v2sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

/* A field of a v1 line: s[0..n), no space, no CRLF. */
struct field {
	const unsigned char *s;
	size_t n;
};

static int
digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal, 1 to 5 digits, no leading zero, at most max. Returns 0 or -1. */
static int
number(struct field f, unsigned int max, unsigned int *out)
{
	unsigned int v = 0;
	size_t i;

	if (f.n == 0 || f.n > 5 || (f.n > 1 && f.s[0] == '0'))
		return -1;
	for (i = 0; i < f.n; i++) {
		if (!digit(f.s[i]))
			return -1;
		v = v * 10 + (unsigned int)(f.s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* a.b.c.d, each 0 to 255 without leading zeros. Returns 0 or -1. */
static int
addr4(struct field f, unsigned char out[4])
{
	struct field part;
	unsigned int v;
	size_t i = 0, b;
	int k;

	for (k = 0; k < 4; k++) {
		if (k > 0) {
			if (i >= f.n || f.s[i] != '.')
				return -1;
			i++;
		}
		for (b = i; i < f.n && digit(f.s[i]) && i - b < 4; i++)
			;
		part.s = f.s + b;
		part.n = i - b;
		if (part.n > 3 || number(part, 255, &v) < 0)
			return -1;
		out[k] = (unsigned char)v;
	}
	return i == f.n ? 0 : -1;
}

/* RFC 4291 2.2: eight groups of 1 to 4 hex digits, at most one "::" for
 * one or more zero groups, the last 32 bits as a dotted quad if wanted.
 * No zone, no brackets. Returns 0 or -1. */
static int
addr6(struct field f, unsigned char out[16])
{
	unsigned int w[8];
	unsigned char q[4];
	struct field tail;
	size_t i = 0, b;
	int nw = 0, gap = -1, k, d, v;

	if (f.n >= 2 && f.s[0] == ':' && f.s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (f.n == 0 || f.s[0] == ':') {
		return -1;
	}
	while (i < f.n) {
		b = i;
		for (v = 0, d = 0; i < f.n && hexval(f.s[i]) >= 0 && d < 5; i++, d++)
			v = v * 16 + hexval(f.s[i]);
		if (i < f.n && f.s[i] == '.') {         /* the IPv4 tail */
			tail.s = f.s + b;
			tail.n = f.n - b;
			if (nw > 6 || addr4(tail, q) < 0)
				return -1;
			w[nw++] = (unsigned int)q[0] << 8 | q[1];
			w[nw++] = (unsigned int)q[2] << 8 | q[3];
			i = f.n;
			break;
		}
		if (d == 0 || d > 4 || nw == 8)
			return -1;
		w[nw++] = (unsigned int)v;
		if (i == f.n)
			break;
		if (f.s[i] != ':' || ++i == f.n)
			return -1;              /* a stray byte, or a final ':' */
		if (f.s[i] == ':') {
			if (gap >= 0)
				return -1;
			gap = nw;
			i++;
		}
	}
	if (gap < 0 ? nw != 8 : nw > 7)
		return -1;
	memset(out, 0, 16);
	for (k = 0; k < nw; k++) {
		int at = gap >= 0 && k >= gap ? k + (8 - nw) : k;
		out[2 * at] = (unsigned char)(w[k] >> 8);
		out[2 * at + 1] = (unsigned char)w[k];
	}
	return 0;
}

/* A complete v1 line buf[0..n), CRLF excluded, "PROXY " already checked. */
static int
v1_line(const unsigned char *buf, size_t n, struct proxy *p)
{
	struct field f[6];
	size_t i, b;
	int k, six;

	for (i = 0, k = 0; k < 6; k++) {
		for (b = i; i < n && buf[i] != ' '; i++)
			;
		f[k].s = buf + b;
		f[k].n = i - b;
		if (f[k].n == 0)
			return S_BAD_REQUEST;   /* two spaces, or one at the end */
		if (k == 1 && f[1].n == 7 && memcmp(f[1].s, "UNKNOWN", 7) == 0) {
			/* the rest of the line is ignored, as the spec says;
			 * the caller checked it is printable */
			memset(p, 0, sizeof *p);
			p->version = 1;
			p->local = 1;
			return 0;
		}
		if (k < 5) {
			if (i == n)
				return S_BAD_REQUEST;
			i++;
		}
	}
	if (i != n)
		return S_BAD_REQUEST;
	if (f[1].n != 4 || (memcmp(f[1].s, "TCP4", 4) != 0 &&
	    memcmp(f[1].s, "TCP6", 4) != 0))
		return S_BAD_REQUEST;
	memset(p, 0, sizeof *p);
	six = f[1].s[3] == '6';
	if (six ? addr6(f[2], p->src) < 0 || addr6(f[3], p->dst) < 0 :
	    addr4(f[2], p->src) < 0 || addr4(f[3], p->dst) < 0)
		return S_BAD_REQUEST;
	if (number(f[4], 65535, &p->sport) < 0 ||
	    number(f[5], 65535, &p->dport) < 0)
		return S_BAD_REQUEST;
	p->version = 1;
	p->family = six ? AF_INET6 : AF_INET;
	return 0;
}

static int
v1(const unsigned char *buf, size_t len, struct proxy *p, size_t *used)
{
	static const char start[] = "PROXY ";
	struct proxy t;
	size_t i;
	int st;

	for (i = 0; i < len && i < PROXY_V1_MAX; i++) {
		if (i < sizeof start - 1) {
			if (buf[i] != (unsigned char)start[i])
				return S_BAD_REQUEST;
			continue;
		}
		if (buf[i] == '\r') {
			if (i + 2 > PROXY_V1_MAX)
				return S_BAD_REQUEST;   /* no room for the LF */
			if (i + 1 == len)
				return PROXY_MORE;
			if (buf[i + 1] != '\n')
				return S_BAD_REQUEST;
			if ((st = v1_line(buf, i, &t)) != 0)
				return st;
			*p = t;
			*used = i + 2;
			return 0;
		}
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			return S_BAD_REQUEST;
	}
	/* the CR at PROXY_V1_MAX - 2 is the last that fits */
	return i == PROXY_V1_MAX ? S_BAD_REQUEST : PROXY_MORE;
}

static int
v2(const unsigned char *buf, size_t len, struct proxy *p, size_t *used)
{
	size_t n, i, alen, tl;
	struct proxy t;
	unsigned int cmd, fam;

	for (i = 0; i < len && i < sizeof v2sig; i++)
		if (buf[i] != v2sig[i])
			return S_BAD_REQUEST;
	if (len < 13)
		return PROXY_MORE;
	if ((buf[12] >> 4) != 2 || (buf[12] & 15) > 1)
		return S_BAD_REQUEST;   /* version 2, LOCAL or PROXY */
	cmd = buf[12] & 15;
	if (len < 14)
		return PROXY_MORE;
	fam = buf[13];
	if (cmd == 1 && fam != 0x11 && fam != 0x21)
		return S_BAD_REQUEST;   /* TCP over IPv4 or IPv6 only */
	if (len < 16)
		return PROXY_MORE;
	n = (size_t)buf[14] << 8 | buf[15];
	if (n > PROXY_V2_LEN_MAX)
		return S_BAD_REQUEST;
	alen = fam == 0x11 ? 12 : 36;
	if (cmd == 1 && n < alen)
		return S_BAD_REQUEST;
	if (len < 16 + n)
		return PROXY_MORE;
	memset(&t, 0, sizeof t);
	t.version = 2;
	if (cmd == 0) {                 /* LOCAL: the block is ignored */
		t.local = 1;
		*p = t;
		*used = 16 + n;
		return 0;
	}
	buf += 16;
	if (fam == 0x11) {
		t.family = AF_INET;
		memcpy(t.src, buf, 4);
		memcpy(t.dst, buf + 4, 4);
		buf += 8;
	} else {
		t.family = AF_INET6;
		memcpy(t.src, buf, 16);
		memcpy(t.dst, buf + 16, 16);
		buf += 32;
	}
	t.sport = (unsigned int)buf[0] << 8 | buf[1];
	t.dport = (unsigned int)buf[2] << 8 | buf[3];
	buf += 4;
	for (i = 0; i < n - alen; i += 3 + tl) {
		if (n - alen - i < 3)
			return S_BAD_REQUEST;
		tl = (size_t)buf[i + 1] << 8 | buf[i + 2];
		if (tl > n - alen - i - 3)
			return S_BAD_REQUEST;
	}
	*p = t;
	*used = 16 + n;
	return 0;
}

int
proxy_parse(const unsigned char *buf, size_t len, struct proxy *p,
            size_t *used)
{
	if (len == 0)
		return PROXY_MORE;
	if (buf[0] == 'P')
		return v1(buf, len, p, used);
	if (buf[0] == v2sig[0])
		return v2(buf, len, p, used);
	return S_BAD_REQUEST;
}
