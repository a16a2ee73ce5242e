/* http.h: pure parsing of an HTTP/1.x request head (RFC 9112).
 * Nothing here reads a descriptor or allocates: the caller hands in bytes it
 * has read and gets back 0 or the HTTP status to answer with. */
#ifndef INHOOK_HTTP_H
#define INHOOK_HTTP_H

#include <stddef.h>
#include "limits.h"

enum method {
	M_UNKNOWN = 0, M_GET, M_HEAD, M_POST, M_PUT, M_DELETE, M_CONNECT,
	M_OPTIONS, M_TRACE, M_PATCH
};

enum framing { F_NONE = 0, F_LENGTH, F_CHUNKED };
enum expect { E_NONE = 0, E_CONTINUE };

struct span {
	const unsigned char *p;
	size_t len;
};

struct field {
	struct span name;
	struct span value;   /* leading and trailing whitespace removed */
};

struct request {
	struct span method_s;
	enum method method;
	struct span target;      /* request-target as sent */
	struct span path;        /* its path, without scheme, authority, query */
	struct span query;       /* after '?', empty if none */
	int has_query;
	int minor;               /* 0 for HTTP/1.0, 1 for HTTP/1.1 and later 1.x */
	struct field fields[HEADERS_MAX];
	size_t nfields;
	enum framing framing;
	unsigned long long content_length;   /* with F_LENGTH */
	enum expect expect;
};

/* Scans buf[0..len) for the end of the head; s carries what earlier calls
 * over a shorter prefix of the same buffer learned (start zeroed). Returns 0 and sets *headlen to the head's length
 * (through the empty line) when it is complete, 0 and *headlen = 0 when more
 * bytes are needed, or a status: 400 (bare CR or LF, bad request line),
 * 414 (request line over REQLINE_MAX), 431 (head over HEAD_MAX),
 * 501 (method over METHOD_MAX), 505 (HTTP/2 or later). The request line is
 * checked as soon as it is complete, so HTTP/0.9 and HTTP/2 are refused
 * without waiting for a head that never comes. */
struct headscan {
	size_t pos;          /* next byte to look at */
	size_t line_start;   /* where the current line began */
	int reqline_done;    /* the request line was complete and valid */
};
int http_head_scan(const unsigned char *buf, size_t len, struct headscan *s,
                   size_t *headlen);

/* Parses the request line buf[0..len) (without CRLF) into r.
 * Returns 0, 400, 501 (method too long) or 505. */
int http_parse_reqline(const unsigned char *buf, size_t len, struct request *r);

/* Parses a complete head buf[0..len), as delimited by http_head_scan, into
 * r, whose spans then point into buf. Checks field syntax, Host, framing
 * (Content-Length, Transfer-Encoding) and Expect. Returns 0 or a status:
 * 400 (also when chunked is there but not the final coding, or twice,
 * RFC 9112 6.3; a Host that is not uri-host [":" port], userinfo included,
 * RFC 9112 3.2; more than one Content-Type), 417 (unknown expectation), 431 (over HEADERS_MAX fields),
 * 501 (any transfer coding other than chunked, RFC 9112 6.1), 505. */
int http_parse(const unsigned char *buf, size_t len, struct request *r);

/* Checks one field line "name: value" (no CRLF) against RFC 9112 5:
 * token name, no whitespace before the colon, no CTL but HTAB in the value.
 * Returns 1 and fills f if it is well formed, 0 if not. */
int http_field(const unsigned char *line, size_t len, struct field *f);

/* Number of fields named name (ASCII case-insensitive); *first gets the
 * first one's value when there is one. */
size_t http_header(const struct request *r, const char *name,
                   struct span *first);

/* 1 if s equals the NUL-terminated ASCII string lit, ignoring case. */
int span_caseeq(struct span s, const char *lit);

#endif
