/* http.c: the request head parser. Takes bytes and a length, never a
 * descriptor; returns 0 or the status to answer with; never allocates,
 * never reads past len, never uses NUL-terminated functions on wire bytes.
 * Strict by RFC 9112: CRLF line ends only, no obs-fold, no whitespace
 * before a colon, one Host on HTTP/1.1, one Content-Length of digits,
 * chunked as the only and final transfer coding. */
#include "ascii.h"
#include "http.h"
#include "status.h"

/* unreserved / sub-delims / ":" / "@": the pchar set without pct-encoding */
static int
is_pchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	switch (c) {
	case '-': case '.': case '_': case '~': case '!': case '$': case '&':
	case '\'': case '(': case ')': case '*': case '+': case ',': case ';':
	case '=': case ':': case '@':
		return 1;
	}
	return 0;
}

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

int
span_caseeq(struct span s, const char *lit)
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (lit[i] == '\0' || lower(s.p[i]) != lower((unsigned char)lit[i]))
			return 0;
	return lit[i] == '\0';
}

static int
span_eq(struct span s, const char *lit)
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (lit[i] == '\0' || s.p[i] != (unsigned char)lit[i])
			return 0;
	return lit[i] == '\0';
}

static const struct {
	const char *name;
	enum method m;
} methods[] = {
	{ "GET", M_GET }, { "HEAD", M_HEAD }, { "POST", M_POST },
	{ "PUT", M_PUT }, { "DELETE", M_DELETE }, { "CONNECT", M_CONNECT },
	{ "OPTIONS", M_OPTIONS }, { "TRACE", M_TRACE }, { "PATCH", M_PATCH },
};

/* 1 if every byte of s[0..len) is a pchar, a valid %XX escape, or one of
 * the two bytes in extra: "/?" for a path and query, "[]" for an authority
 * (IPv6 literals). */
static int
uri_chars(const unsigned char *s, size_t len, const char extra[2])
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (is_pchar(s[i]) || s[i] == (unsigned char)extra[0] ||
		    s[i] == (unsigned char)extra[1])
			continue;
		if (s[i] == '%' && i + 2 < len &&
		    ascii_hex(s[i + 1]) >= 0 && ascii_hex(s[i + 2]) >= 0) {
			i += 2;
			continue;
		}
		return 0;
	}
	return 1;
}

#define target_chars(s, len)    uri_chars((s), (len), "/?")

/* 1 if s[0..len) is an authority without userinfo (RFC 9112 3.2, RFC 3986
 * 3.2): uri-host [":" port]. uri-host is an IP literal (hex digits, ':' and
 * '.' in brackets) or a reg-name or IPv4 address (unreserved, sub-delims and
 * %XX: no '@', so "user@host" is refused); port is *DIGIT. The empty string
 * is a valid, empty reg-name. */
static int
authority_ok(const unsigned char *s, size_t len)
{
	size_t i = 0;

	if (len > 0 && s[0] == '[') {
		for (i = 1; i < len && s[i] != ']'; i++)
			if (ascii_hex(s[i]) < 0 && s[i] != ':' && s[i] != '.')
				return 0;
		if (i == len || i == 1)
			return 0;
		i++;
	} else {
		for (; i < len && s[i] != ':'; i++) {
			if (s[i] == '%' && i + 2 < len && ascii_hex(s[i + 1]) >= 0 &&
			    ascii_hex(s[i + 2]) >= 0) {
				i += 2;
				continue;
			}
			if (!is_pchar(s[i]) || s[i] == '@')
				return 0;
		}
	}
	if (i == len)
		return 1;
	if (s[i] != ':')
		return 0;
	for (i++; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Splits the request-target into path and query. Origin-form "/p?q" or
 * absolute-form "http://authority/p?q"; anything else is 400. */
static int
parse_target(struct request *r)
{
	const unsigned char *t = r->target.p;
	size_t len = r->target.len, i, start;
	static const unsigned char slash[] = "/";

	if (len == 0)
		return S_BAD_REQUEST;
	start = 0;
	if (t[0] == '/') {
		if (!target_chars(t, len))
			return S_BAD_REQUEST;
	} else {
		/* absolute-form: scheme "://" authority */
		for (i = 0; i < len && t[i] != ':'; i++)
			;
		if (!span_caseeq((struct span){ t, i }, "http") &&
		    !span_caseeq((struct span){ t, i }, "https"))
			return S_BAD_REQUEST;
		if (len - i < 3 || t[i + 1] != '/' || t[i + 2] != '/')
			return S_BAD_REQUEST;
		i += 3;
		start = i;
		while (i < len && t[i] != '/' && t[i] != '?')
			i++;
		if (i == start || !authority_ok(t + start, i - start))
			return S_BAD_REQUEST;
		if (!target_chars(t + i, len - i))
			return S_BAD_REQUEST;
		start = i;
	}
	for (i = start; i < len && t[i] != '?'; i++)
		;
	r->path.p = t + start;
	r->path.len = i - start;
	if (r->path.len == 0) {
		r->path.p = slash;
		r->path.len = 1;
	}
	r->has_query = i < len;
	r->query.p = r->has_query ? t + i + 1 : t + len;
	r->query.len = r->has_query ? len - i - 1 : 0;
	return 0;
}

int
http_parse_reqline(const unsigned char *buf, size_t len, struct request *r)
{
	size_t i, sp1, sp2;
	const unsigned char *v;

	for (sp1 = 0; sp1 < len && buf[sp1] != ' '; sp1++)
		;
	if (sp1 == len)
		return S_BAD_REQUEST;          /* no target: HTTP/0.9 or junk */
	for (sp2 = sp1 + 1; sp2 < len && buf[sp2] != ' '; sp2++)
		;
	if (sp2 == len)
		return S_BAD_REQUEST;          /* no version: HTTP/0.9 form */
	/* HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive */
	v = buf + sp2 + 1;
	if (len - sp2 - 1 != 8 || v[0] != 'H' || v[1] != 'T' || v[2] != 'T' ||
	    v[3] != 'P' || v[4] != '/' || v[5] < '0' || v[5] > '9' ||
	    v[6] != '.' || v[7] < '0' || v[7] > '9')
		return S_BAD_REQUEST;
	if (v[5] != '1')
		return S_VERSION_NOT_SUPPORTED;
	r->minor = v[7] == '0' ? 0 : 1;

	if (sp1 == 0)
		return S_BAD_REQUEST;
	for (i = 0; i < sp1; i++)
		if (!ascii_tchar(buf[i]))
			return S_BAD_REQUEST;
	if (sp1 > METHOD_MAX)
		return S_NOT_IMPLEMENTED;
	r->method_s.p = buf;
	r->method_s.len = sp1;
	r->method = M_UNKNOWN;
	for (i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (span_eq(r->method_s, methods[i].name))
			r->method = methods[i].m;

	r->target.p = buf + sp1 + 1;
	r->target.len = sp2 - sp1 - 1;
	return parse_target(r);
}

int
http_head_scan(const unsigned char *buf, size_t len, struct headscan *s,
               size_t *headlen)
{
	size_t i;
	int st;
	struct request r;

	*headlen = 0;
	for (i = s->pos; i < len; i++) {
		if (buf[i] == '\n')
			return S_BAD_REQUEST;          /* bare LF */
		/* a byte here, not the LF of a CRLF, passes the limit: the
		 * same answer however the bytes were split into calls */
		if (!s->reqline_done && i + 1 >= REQLINE_MAX)
			return S_URI_TOO_LONG;
		if (i + 1 >= HEAD_MAX)
			return S_HEADERS_TOO_LARGE;
		if (buf[i] != '\r')
			continue;
		if (i + 1 == len)
			break;                         /* wait for the LF */
		if (buf[i + 1] != '\n')
			return S_BAD_REQUEST;          /* bare CR */
		if (!s->reqline_done) {
			if (i + 2 > REQLINE_MAX)
				return S_URI_TOO_LONG;
			if ((st = http_parse_reqline(buf, i, &r)) != 0)
				return st;
			s->reqline_done = 1;
		} else if (i == s->line_start) {
			*headlen = i + 2;              /* the empty line */
			s->pos = i + 2;
			return 0;
		}
		i++;
		s->line_start = i + 1;
	}
	s->pos = i;
	if (!s->reqline_done && len >= REQLINE_MAX)
		return S_URI_TOO_LONG;
	if (len >= HEAD_MAX)
		return S_HEADERS_TOO_LARGE;
	return 0;
}

int
http_field(const unsigned char *line, size_t len, struct field *f)
{
	size_t i, colon, b, e;

	for (colon = 0; colon < len && line[colon] != ':'; colon++)
		if (!ascii_tchar(line[colon]))
			return 0;
	if (colon == 0 || colon == len)
		return 0;
	for (i = colon + 1; i < len; i++) {
		unsigned char c = line[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	b = colon + 1;
	e = len;
	while (b < e && (line[b] == ' ' || line[b] == '\t'))
		b++;
	while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t'))
		e--;
	f->name.p = line;
	f->name.len = colon;
	f->value.p = line + b;
	f->value.len = e - b;
	return 1;
}

size_t
http_header(const struct request *r, const char *name, struct span *first)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfields; i++) {
		if (!span_caseeq(r->fields[i].name, name))
			continue;
		if (n++ == 0 && first)
			*first = r->fields[i].value;
	}
	return n;
}

static int
host_ok(struct span v)
{
	return authority_ok(v.p, v.len);
}

/* Content-Length: 1*DIGIT, at most one field, value at most 10^18. */
static int
parse_length(struct span v, unsigned long long *out)
{
	size_t i;
	unsigned long long n = 0;

	if (v.len == 0)
		return S_BAD_REQUEST;
	for (i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return S_BAD_REQUEST;
		n = n * 10 + (unsigned long long)(v.p[i] - '0');
		if (n > 1000000000000000000ULL)
			return S_BAD_REQUEST;
	}
	*out = n;
	return 0;
}

/* Walks every Transfer-Encoding field as one comma-separated list of
 * codings. Only a single, final "chunked" is implemented. */
static int
parse_te(const struct request *r)
{
	size_t f, i, b, e;
	int chunked = 0, other = 0, last_chunked = 0;

	for (f = 0; f < r->nfields; f++) {
		struct span v = r->fields[f].value;
		if (!span_caseeq(r->fields[f].name, "transfer-encoding"))
			continue;
		i = 0;
		for (;;) {
			while (i < v.len && (v.p[i] == ' ' || v.p[i] == '\t'))
				i++;
			b = i;
			while (i < v.len && ascii_tchar(v.p[i]))
				i++;
			e = i;
			while (i < v.len && (v.p[i] == ' ' || v.p[i] == '\t'))
				i++;
			if (b == e)
				return S_BAD_REQUEST;  /* empty or not a token */
			if (i < v.len && v.p[i] == ';') {
				/* a coding with parameters: not one we do */
				other = 1;
				last_chunked = 0;
				while (i < v.len && v.p[i] != ',')
					i++;
			} else if (span_caseeq((struct span){ v.p + b, e - b },
			    "chunked")) {
				if (chunked++)
					return S_BAD_REQUEST;
				last_chunked = 1;
			} else {
				other = 1;
				last_chunked = 0;
			}
			if (i == v.len)
				break;
			if (v.p[i] != ',')
				return S_BAD_REQUEST;
			i++;
		}
	}
	if (chunked && !last_chunked)
		return S_BAD_REQUEST;       /* chunked not last: RFC 9112 6.3 */
	if (other)
		return S_NOT_IMPLEMENTED;   /* a coding we do not do: 6.1 */
	return 0;
}

int
http_parse(const unsigned char *buf, size_t len, struct request *r)
{
	size_t i, ls, n, te;
	int st;
	struct span v = { 0, 0 };

	r->nfields = 0;
	r->framing = F_NONE;
	r->content_length = 0;
	r->expect = E_NONE;
	if (len < 4 || buf[len - 1] != '\n' || buf[len - 2] != '\r' ||
	    buf[len - 3] != '\n' || buf[len - 4] != '\r')
		return S_BAD_REQUEST;
	for (i = 0; i + 1 < len && !(buf[i] == '\r' && buf[i + 1] == '\n'); i++)
		;
	if ((st = http_parse_reqline(buf, i, r)) != 0)
		return st;
	ls = i + 2;
	while (ls < len - 2) {
		for (i = ls; i + 1 < len && !(buf[i] == '\r' && buf[i + 1] == '\n'); i++)
			if (buf[i] == '\r' || buf[i] == '\n')
				return S_BAD_REQUEST;
		if (buf[ls] == ' ' || buf[ls] == '\t')
			return S_BAD_REQUEST;      /* obs-fold, or space before the first field */
		if (r->nfields == HEADERS_MAX)
			return S_HEADERS_TOO_LARGE;
		if (!http_field(buf + ls, i - ls, &r->fields[r->nfields]))
			return S_BAD_REQUEST;
		r->nfields++;
		ls = i + 2;
	}

	n = http_header(r, "host", &v);
	if (n > 1 || (n == 0 && r->minor >= 1) || (n == 1 && !host_ok(v)))
		return S_BAD_REQUEST;

	/* one Content-Type: it picks JSON or form handling of the body */
	if (http_header(r, "content-type", NULL) > 1)
		return S_BAD_REQUEST;

	te = http_header(r, "transfer-encoding", NULL);
	n = http_header(r, "content-length", &v);
	if (te && (n || r->minor == 0))
		return S_BAD_REQUEST;
	if (n > 1)
		return S_BAD_REQUEST;
	if (n == 1) {
		if ((st = parse_length(v, &r->content_length)) != 0)
			return st;
		r->framing = F_LENGTH;
	}
	if (te) {
		if ((st = parse_te(r)) != 0)
			return st;
		r->framing = F_CHUNKED;
	}

	if (r->minor >= 1) {
		for (i = 0; i < r->nfields; i++) {
			if (!span_caseeq(r->fields[i].name, "expect"))
				continue;
			if (!span_caseeq(r->fields[i].value, "100-continue"))
				return S_EXPECTATION_FAILED;
			r->expect = E_CONTINUE;
		}
	}
	return 0;
}
