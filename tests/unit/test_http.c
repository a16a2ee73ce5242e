/* test_http.c: known answers for the request head parser (http.c).
 * Every case names the input and the exact status expected; head scans are
 * also replayed one byte per call and in other splits, which must give the
 * same answer as one call over the whole buffer. */
#include <string.h>

#include "check.h"
#include "http.h"
#include "limits.h"
#include "status.h"

#define U(s) ((const unsigned char *)(s))
#define LIT(s) U(s), sizeof(s) - 1

static unsigned char big[HEAD_MAX + 64];
static struct request req;

/* http_head_scan over b[0..len) fed step bytes more per call; returns the
 * status and sets *headlen as the last call did. */
static int
scan_split(const unsigned char *b, size_t len, size_t step, size_t *headlen)
{
	struct headscan s;
	size_t n = step < len ? step : len;
	int st;

	memset(&s, 0, sizeof s);
	for (;;) {
		st = http_head_scan(b, n, &s, headlen);
		if (st || *headlen || n == len)
			return st;
		n = n + step < len ? n + step : len;
	}
}

/* One shot, byte by byte and 7 bytes a call must all say st and hl. */
static void
scan_case(const char *name, const unsigned char *b, size_t len, int want,
          size_t want_hl)
{
	static const size_t steps[] = { (size_t)-1, 1, 7 };
	size_t k, hl;
	int st;

	for (k = 0; k < sizeof steps / sizeof steps[0]; k++) {
		hl = 12345;
		st = scan_split(b, len, steps[k] == (size_t)-1 ? len : steps[k], &hl);
		check(st == want && hl == (st ? hl : want_hl),
		    "head_scan %s (step %zu): status %d headlen %zu, want %d %zu",
		    name, steps[k] == (size_t)-1 ? len : steps[k], st, hl, want,
		    want_hl);
	}
}

static const struct {
	const char *name;
	const char *in;
	size_t len;
	int status;
	size_t headlen;
} scans[] = {
#define T(n, s, st, hl) { n, s, sizeof(s) - 1, st, hl }
	T("complete", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 0, 27),
	T("complete, body follows", "POST /w HTTP/1.1\r\nHost: h\r\n\r\n{}", 0, 29),
	T("no fields, 1.0", "GET / HTTP/1.0\r\n\r\n", 0, 18),
	T("incomplete request line", "GET / HTTP/1.1", 0, 0),
	T("incomplete after CR", "GET / HTTP/1.1\r", 0, 0),
	T("incomplete fields", "GET / HTTP/1.1\r\nHost: h\r\n", 0, 0),
	T("incomplete final CR", "GET / HTTP/1.1\r\nHost: h\r\n\r", 0, 0),
	T("empty", "", 0, 0),
	T("bare LF in request line", "GET / HTTP/1.1\n\r\n", 400, 0),
	T("bare LF ends head", "GET / HTTP/1.1\r\nHost: h\r\n\n", 400, 0),
	T("bare LF in field", "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", 400, 0),
	T("bare CR in request line", "GET /\r HTTP/1.1\r\n\r\n", 400, 0),
	T("bare CR in field", "GET / HTTP/1.1\r\nHost: h\rX\r\n\r\n", 400, 0),
	T("HTTP/0.9 GET /", "GET /\r\n", 400, 0),
	T("HTTP/0.9 GET / then more", "GET /\r\nHost: h\r\n\r\n", 400, 0),
	T("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, 0),
	T("HTTP/2 preface, first line only", "PRI * HTTP/2.0\r\n", 505, 0),
	T("bad version on first line", "GET / HTTP/1.x\r\n", 400, 0),
	T("empty line first", "\r\nGET / HTTP/1.1\r\n\r\n", 400, 0),
	T("method too long", "ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n", 501, 0),
#undef T
};

static void
test_scan_table(void)
{
	size_t i;

	for (i = 0; i < sizeof scans / sizeof scans[0]; i++)
		scan_case(scans[i].name, U(scans[i].in), scans[i].len,
		    scans[i].status, scans[i].headlen);
}

/* "GET /aaa... HTTP/1.1\r\n" of exactly n bytes in big, then tail. */
static size_t
long_reqline(size_t n, const char *tail)
{
	size_t k = 0;

	memcpy(big, "GET /", 5);
	k = 5;
	while (k < n - 11)
		big[k++] = 'a';
	memcpy(big + k, " HTTP/1.1\r\n", 11);
	k += 11;
	memcpy(big + k, tail, strlen(tail));
	return k + strlen(tail);
}

/* A head of exactly n bytes: request line, Host, X: padding, empty line. */
static size_t
long_head(size_t n)
{
	static const char start[] = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
	size_t k = sizeof start - 1;

	memcpy(big, start, k);
	while (k < n - 4)
		big[k++] = 'b';
	memcpy(big + k, "\r\n\r\n", 4);
	return k + 4;
}

static void
test_scan_limits(void)
{
	size_t len, i;

	len = long_reqline(REQLINE_MAX, "Host: h\r\n\r\n");
	scan_case("request line of REQLINE_MAX bytes", big, len, 0, len);
	len = long_reqline(REQLINE_MAX + 1, "Host: h\r\n\r\n");
	scan_case("request line of REQLINE_MAX+1 bytes", big, len, 414, 0);
	len = long_reqline(REQLINE_MAX + 1, "");
	scan_case("request line of REQLINE_MAX+1, nothing after", big, len, 414, 0);
	/* no line end at all: refused once REQLINE_MAX bytes are in */
	memset(big, 'a', REQLINE_MAX + 64);
	scan_case("REQLINE_MAX bytes, no CRLF", big, REQLINE_MAX, 414, 0);
	scan_case("REQLINE_MAX-1 bytes, no CRLF", big, REQLINE_MAX - 1, 0, 0);
	/* longer than the limit, with a bare LF later: still 414 */
	big[REQLINE_MAX + 10] = '\n';
	scan_case("long line, bare LF after the limit", big, REQLINE_MAX + 11,
	    414, 0);
	/* a bare LF within the limit wins */
	big[REQLINE_MAX - 1] = '\n';
	scan_case("bare LF at REQLINE_MAX-1", big, REQLINE_MAX, 400, 0);

	len = long_head(HEAD_MAX);
	check(len == HEAD_MAX, "long_head builds %zu bytes", len);
	scan_case("head of HEAD_MAX bytes", big, len, 0, HEAD_MAX);
	len = long_head(HEAD_MAX + 1);
	scan_case("head of HEAD_MAX+1 bytes", big, len, 431, 0);
	len = long_head(HEAD_MAX - 1);
	scan_case("head of HEAD_MAX-1 bytes", big, len, 0, HEAD_MAX - 1);
	len = long_head(HEAD_MAX);
	scan_case("HEAD_MAX-1 bytes of a head", big, len - 1, 0, 0);
	/* no end of head by HEAD_MAX bytes */
	len = long_head(HEAD_MAX + 20);
	for (i = HEAD_MAX - 8; i < len; i++)
		big[i] = 'c';
	scan_case("HEAD_MAX bytes, no empty line", big, HEAD_MAX, 431, 0);
	scan_case("HEAD_MAX+20 bytes, no empty line", big, len, 431, 0);
	/* many short fields, end after the limit */
	memcpy(big, "GET / HTTP/1.1\r\n", 16);
	for (i = 16; i + 4 <= HEAD_MAX + 8; i += 4)
		memcpy(big + i, "a:\r\n", 4);
	memcpy(big + i, "\r\n", 2);
	scan_case("many fields past HEAD_MAX", big, i + 2, 431, 0);
}

static void
test_scan_pipelined(void)
{
	static const char two[] = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"
	    "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	struct headscan s;
	size_t hl;
	int st;

	memset(&s, 0, sizeof s);
	st = http_head_scan(LIT(two), &s, &hl);
	check(st == 0 && hl == 27, "head_scan stops at the first empty line (%d %zu)",
	    st, hl);
}

static const struct {
	const char *name;
	const char *in;
	size_t len;
	int status;
	int minor;
	enum method method;
} reqlines[] = {
#define T(n, s, st, mi, m) { n, s, sizeof(s) - 1, st, mi, m }
	T("GET HTTP/1.1", "GET / HTTP/1.1", 0, 1, M_GET),
	T("POST HTTP/1.0", "POST /webhook HTTP/1.0", 0, 0, M_POST),
	T("HTTP/1.9 is 1.x", "GET / HTTP/1.9", 0, 1, M_GET),
	T("HEAD", "HEAD / HTTP/1.1", 0, 1, M_HEAD),
	T("PUT", "PUT / HTTP/1.1", 0, 1, M_PUT),
	T("DELETE", "DELETE / HTTP/1.1", 0, 1, M_DELETE),
	T("CONNECT", "CONNECT / HTTP/1.1", 0, 1, M_CONNECT),
	T("OPTIONS", "OPTIONS / HTTP/1.1", 0, 1, M_OPTIONS),
	T("TRACE", "TRACE / HTTP/1.1", 0, 1, M_TRACE),
	T("PATCH", "PATCH / HTTP/1.1", 0, 1, M_PATCH),
	T("version HTTP/1", "GET / HTTP/1", 400, -1, 0),
	T("version HTTP/01.1", "GET / HTTP/01.1", 400, -1, 0),
	T("version http/1.1", "GET / http/1.1", 400, -1, 0),
	T("version HTTP/1.1 with trailing space", "GET / HTTP/1.1 ", 400, -1, 0),
	T("version HTTP/1.10", "GET / HTTP/1.10", 400, -1, 0),
	T("version HTTP/1.", "GET / HTTP/1.", 400, -1, 0),
	T("version HTTP/1,1", "GET / HTTP/1,1", 400, -1, 0),
	T("version HTTP/2.0", "GET / HTTP/2.0", 505, -1, 0),
	T("version HTTP/3.0", "GET / HTTP/3.0", 505, -1, 0),
	T("version HTTP/0.9", "GET / HTTP/0.9", 505, -1, 0),
	T("version HTTP/9.9", "GET / HTTP/9.9", 505, -1, 0),
	T("no version (HTTP/0.9)", "GET /", 400, -1, 0),
	T("method only", "GET", 400, -1, 0),
	T("empty line", "", 400, -1, 0),
	T("double space after method", "GET  / HTTP/1.1", 400, -1, 0),
	T("double space before version", "GET /  HTTP/1.1", 400, -1, 0),
	T("leading space", " GET / HTTP/1.1", 400, -1, 0),
	T("tabs as separators", "GET\t/\tHTTP/1.1", 400, -1, 0),
	T("tab after method", "GET\t/ HTTP/1.1", 400, -1, 0),
	T("lower-case method", "get / HTTP/1.1", 0, 1, M_UNKNOWN),
	T("mixed-case method", "Post / HTTP/1.1", 0, 1, M_UNKNOWN),
	T("unknown method", "BREW / HTTP/1.1", 0, 1, M_UNKNOWN),
	T("method of 16", "ABCDEFGHIJKLMNOP / HTTP/1.1", 0, 1, M_UNKNOWN),
	T("method of 17", "ABCDEFGHIJKLMNOPQ / HTTP/1.1", 501, -1, 0),
	T("method with non-token byte", "GE(T / HTTP/1.1", 400, -1, 0),
	T("method with NUL", "GE\0T / HTTP/1.1", 400, -1, 0),
	T("method with UTF-8", "G\xc3\xa9T / HTTP/1.1", 400, -1, 0),
	T("target with NUL", "GET /a\0b HTTP/1.1", 400, -1, 0),
	T("target with CTL", "GET /a\x01 HTTP/1.1", 400, -1, 0),
	T("target with DEL", "GET /a\x7f HTTP/1.1", 400, -1, 0),
	T("target with tab", "GET /a\tb HTTP/1.1", 400, -1, 0),
	T("target with space", "GET /a b HTTP/1.1", 400, -1, 0),
	T("target with #", "GET /a#b HTTP/1.1", 400, -1, 0),
	T("target with high byte", "GET /\xc3\xa9 HTTP/1.1", 400, -1, 0),
	T("target with backslash", "GET /a\\b HTTP/1.1", 400, -1, 0),
	T("target with \"", "GET /a\"b HTTP/1.1", 400, -1, 0),
	T("target with <", "GET /a<b HTTP/1.1", 400, -1, 0),
	T("target asterisk", "OPTIONS * HTTP/1.1", 400, -1, 0),
	T("target relative", "GET webhook HTTP/1.1", 400, -1, 0),
	T("authority-form", "CONNECT h:80 HTTP/1.1", 400, -1, 0),
	T("absolute-form ftp", "GET ftp://h/ HTTP/1.1", 400, -1, 0),
	T("absolute-form no authority", "GET http:///x HTTP/1.1", 400, -1, 0),
	T("absolute-form one slash", "GET http:/x HTTP/1.1", 400, -1, 0),
	T("absolute-form scheme only", "GET http: HTTP/1.1", 400, -1, 0),
	T("absolute-form bad authority", "GET http://h\"/ HTTP/1.1", 400, -1, 0),
	T("absolute-form with #", "GET http://h/a#b HTTP/1.1", 400, -1, 0),
	T("good escape", "GET /a%2Fb%7e HTTP/1.1", 0, 1, M_GET),
	T("escape at end", "GET /a%2F HTTP/1.1", 0, 1, M_GET),
	T("escape in query", "GET /a?x=%41 HTTP/1.1", 0, 1, M_GET),
	T("short escape at end", "GET /a%2 HTTP/1.1", 400, -1, 0),
	T("bare % at end", "GET /a% HTTP/1.1", 400, -1, 0),
	T("non-hex escape", "GET /a%zz HTTP/1.1", 400, -1, 0),
	T("half-hex escape", "GET /a%4g HTTP/1.1", 400, -1, 0),
	T("escape %00", "GET /a%00 HTTP/1.1", 0, 1, M_GET),
	T("sub-delims and pchars", "GET /!$&'()*+,;=:@-._~ HTTP/1.1", 0, 1, M_GET),
#undef T
};

static void
test_reqline_table(void)
{
	size_t i;
	int st;

	for (i = 0; i < sizeof reqlines / sizeof reqlines[0]; i++) {
		memset(&req, 0, sizeof req);
		req.minor = -1;
		st = http_parse_reqline(U(reqlines[i].in), reqlines[i].len, &req);
		if (reqlines[i].status == 0)
			check(st == 0 && req.minor == reqlines[i].minor &&
			    req.method == reqlines[i].method,
			    "reqline %s: status %d minor %d method %d", reqlines[i].name,
			    st, req.minor, (int)req.method);
		else
			check(st == reqlines[i].status, "reqline %s: status %d, want %d",
			    reqlines[i].name, st, reqlines[i].status);
	}
}

static int
span_is(struct span s, const char *lit)
{
	return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

static const struct {
	const char *line;
	const char *path;
	const char *query;
	int has_query;
} targets[] = {
	{ "GET /webhook HTTP/1.1", "/webhook", "", 0 },
	{ "GET /webhook? HTTP/1.1", "/webhook", "", 1 },
	{ "GET /webhook?x=1&y=2 HTTP/1.1", "/webhook", "x=1&y=2", 1 },
	{ "GET /a?b?c HTTP/1.1", "/a", "b?c", 1 },
	{ "GET / HTTP/1.1", "/", "", 0 },
	{ "GET /a%2Fb HTTP/1.1", "/a%2Fb", "", 0 },
	{ "GET http://h/webhook?x=1 HTTP/1.1", "/webhook", "x=1", 1 },
	{ "GET HTTP://H/webhook HTTP/1.1", "/webhook", "", 0 },
	{ "GET https://h:8443/webhook HTTP/1.1", "/webhook", "", 0 },
	{ "GET http://h HTTP/1.1", "/", "", 0 },
	{ "GET http://h?q HTTP/1.1", "/", "q", 1 },
	{ "GET http://[::1]:80/x HTTP/1.1", "/x", "", 0 },
};

static void
test_targets(void)
{
	size_t i;
	int st;

	for (i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		memset(&req, 0, sizeof req);
		st = http_parse_reqline(U(targets[i].line), strlen(targets[i].line),
		    &req);
		check(st == 0 && span_is(req.path, targets[i].path) &&
		    span_is(req.query, targets[i].query) &&
		    req.has_query == targets[i].has_query,
		    "target \"%s\": status %d path \"%.*s\" query \"%.*s\" (%d)",
		    targets[i].line, st, (int)req.path.len, (const char *)req.path.p,
		    (int)req.query.len, (const char *)req.query.p, req.has_query);
	}
	/* userinfo is not part of an http authority (RFC 9110 4.2.4) */
	memset(&req, 0, sizeof req);
	st = http_parse_reqline(LIT("GET http://u@h:80/a/b HTTP/1.1"), &req);
	check(st == S_BAD_REQUEST, "target with userinfo: 400 (%d)", st);
	memset(&req, 0, sizeof req);
	st = http_parse_reqline(LIT("GET http://h:8x/a HTTP/1.1"), &req);
	check(st == S_BAD_REQUEST, "target with a non-digit port: 400 (%d)", st);
	memset(&req, 0, sizeof req);
	st = http_parse_reqline(LIT("POST http://h/webhook?x=1 HTTP/1.1"), &req);
	check(st == 0 && span_is(req.target, "http://h/webhook?x=1") &&
	    span_is(req.method_s, "POST"), "target and method spans as sent");
}

#define RL11 "POST /webhook HTTP/1.1\r\n"
#define RL10 "POST /webhook HTTP/1.0\r\n"
#define H "Host: h\r\n"
#define END "\r\n"

static const struct {
	const char *name;
	const char *in;
	size_t len;
	int status;
	enum framing framing;
	unsigned long long cl;
	enum expect expect;
} heads[] = {
#define T(n, s, st, f, cl, e) { n, s, sizeof(s) - 1, st, f, cl, e }
	T("minimal 1.1", "GET / HTTP/1.1\r\n" H END, 0, F_NONE, 0, E_NONE),
	T("POST without framing", RL11 H END, 0, F_NONE, 0, E_NONE),
	T("field without space", RL11 "Host:h\r\n" END, 0, F_NONE, 0, E_NONE),
	T("tab in value", RL11 H "X: a\tb\r\n" END, 0, F_NONE, 0, E_NONE),
	T("empty value", RL11 H "X:\r\n" END, 0, F_NONE, 0, E_NONE),
	T("obs-text in value", RL11 H "X: \xc3\xa9\r\n" END, 0, F_NONE, 0, E_NONE),
	T("space before colon", RL11 "Host : h\r\n" END, 400, 0, 0, 0),
	T("tab before colon", RL11 H "X\t: y\r\n" END, 400, 0, 0, 0),
	T("obs-fold", RL11 H "X: a\r\n b\r\n" END, 400, 0, 0, 0),
	T("obs-fold with tab", RL11 H "X: a\r\n\tb\r\n" END, 400, 0, 0, 0),
	T("whitespace before first field", RL11 " Host: h\r\n" END, 400, 0, 0, 0),
	T("tab before first field", RL11 "\tHost: h\r\n" END, 400, 0, 0, 0),
	T("NUL in value", RL11 H "X: a\0b\r\n" END, 400, 0, 0, 0),
	T("VT in value", RL11 H "X: a\vb\r\n" END, 400, 0, 0, 0),
	T("FF in value", RL11 H "X: a\fb\r\n" END, 400, 0, 0, 0),
	T("ESC in value", RL11 H "X: a\x1b[0m\r\n" END, 400, 0, 0, 0),
	T("DEL in value", RL11 H "X: a\x7f\r\n" END, 400, 0, 0, 0),
	T("bare CR in value", RL11 H "X: a\rb\r\n" END, 400, 0, 0, 0),
	T("bare LF in value", RL11 H "X: a\nb\r\n" END, 400, 0, 0, 0),
	T("NUL in name", RL11 H "X\0: a\r\n" END, 400, 0, 0, 0),
	T("empty name", RL11 H ": a\r\n" END, 400, 0, 0, 0),
	T("no colon", RL11 H "X a\r\n" END, 400, 0, 0, 0),
	T("name with (", RL11 H "X(: a\r\n" END, 400, 0, 0, 0),
	T("name with UTF-8", RL11 H "\xc3\xa9: a\r\n" END, 400, 0, 0, 0),
	T("name with /", RL11 H "X/Y: a\r\n" END, 400, 0, 0, 0),
	T("missing Host on 1.1", RL11 "X: y\r\n" END, 400, 0, 0, 0),
	T("duplicate Host", RL11 H "Host: h\r\n" END, 400, 0, 0, 0),
	T("duplicate Host, other case", RL11 H "hOST: h\r\n" END, 400, 0, 0, 0),
	T("Host with space", RL11 "Host: a b\r\n" END, 400, 0, 0, 0),
	T("Host with /", RL11 "Host: a/b\r\n" END, 400, 0, 0, 0),
	T("Host with bad escape", RL11 "Host: a%zz\r\n" END, 400, 0, 0, 0),
	T("Host with port", RL11 "Host: h:8080\r\n" END, 0, F_NONE, 0, E_NONE),
	T("Host IPv6", RL11 "Host: [::1]:80\r\n" END, 0, F_NONE, 0, E_NONE),
	T("Host empty (RFC 9112 3.2)", RL11 "Host:\r\n" END, 0, F_NONE, 0, E_NONE),
	T("Host with userinfo", RL11 "Host: user@host\r\n" END, 400, 0, 0, 0),
	T("Host with user:pass", RL11 "Host: u:p@h:80\r\n" END, 400, 0, 0, 0),
	T("Host @ alone", RL11 "Host: @\r\n" END, 400, 0, 0, 0),
	T("Host with two ports", RL11 "Host: h:1:2\r\n" END, 400, 0, 0, 0),
	T("Host with letters in port", RL11 "Host: h:8o\r\n" END, 400, 0, 0, 0),
	T("Host empty port", RL11 "Host: h:\r\n" END, 0, F_NONE, 0, E_NONE),
	T("Host IPv6 unclosed", RL11 "Host: [::1\r\n" END, 400, 0, 0, 0),
	T("Host IPv6 empty", RL11 "Host: []\r\n" END, 400, 0, 0, 0),
	T("Host IPv6 with junk", RL11 "Host: [::1]x\r\n" END, 400, 0, 0, 0),
	T("Host IPv6 with @", RL11 "Host: [u@::1]\r\n" END, 400, 0, 0, 0),
	T("Host IPv4", RL11 "Host: 127.0.0.1:9000\r\n" END, 0, F_NONE, 0, E_NONE),
	T("Host escape", RL11 "Host: a%41b\r\n" END, 0, F_NONE, 0, E_NONE),
	T("two Content-Type", RL11 H "Content-Type: application/json\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n" END,
	    400, 0, 0, 0),
	T("two Content-Type, other case", RL11 H "Content-Type: a/b\r\n"
	    "content-type: a/b\r\n" END, 400, 0, 0, 0),
	T("one Content-Type", RL11 H "Content-Type: a/b\r\n" END, 0, F_NONE,
	    0, E_NONE),
	T("Host lower case", RL11 "host: h\r\n" END, 0, F_NONE, 0, E_NONE),
	T("no Host on 1.0", RL10 END, 0, F_NONE, 0, E_NONE),
	T("no Host on 1.0, CL", RL10 "Content-Length: 2\r\n" END, 0, F_LENGTH, 2, E_NONE),
	T("duplicate Host on 1.0", RL10 H H END, 400, 0, 0, 0),
	T("CL 5", RL11 H "Content-Length: 5\r\n" END, 0, F_LENGTH, 5, E_NONE),
	T("CL 0", RL11 H "Content-Length: 0\r\n" END, 0, F_LENGTH, 0, E_NONE),
	T("CL 0200 is decimal", RL11 H "Content-Length: 0200\r\n" END, 0, F_LENGTH, 200, E_NONE),
	T("CL with spaces around", RL11 H "Content-Length:  7 \t\r\n" END, 0, F_LENGTH, 7, E_NONE),
	T("CL lower case", RL11 H "content-length: 3\r\n" END, 0, F_LENGTH, 3, E_NONE),
	T("CL 10^18", RL11 H "Content-Length: 1000000000000000000\r\n" END, 0, F_LENGTH, 1000000000000000000ULL, E_NONE),
	T("CL 10^18+1", RL11 H "Content-Length: 1000000000000000001\r\n" END, 400, 0, 0, 0),
	T("CL 20 digits", RL11 H "Content-Length: 18446744073709551616\r\n" END, 400, 0, 0, 0),
	T("CL 20 zeros", RL11 H "Content-Length: 00000000000000000005\r\n" END, 0, F_LENGTH, 5, E_NONE),
	T("CL +5", RL11 H "Content-Length: +5\r\n" END, 400, 0, 0, 0),
	T("CL -1", RL11 H "Content-Length: -1\r\n" END, 400, 0, 0, 0),
	T("CL 0x5", RL11 H "Content-Length: 0x5\r\n" END, 400, 0, 0, 0),
	T("CL 1_0", RL11 H "Content-Length: 1_0\r\n" END, 400, 0, 0, 0),
	T("CL 1 0", RL11 H "Content-Length: 1 0\r\n" END, 400, 0, 0, 0),
	T("CL 5.0", RL11 H "Content-Length: 5.0\r\n" END, 400, 0, 0, 0),
	T("CL list 5, 10", RL11 H "Content-Length: 5, 10\r\n" END, 400, 0, 0, 0),
	T("CL list 5, 5", RL11 H "Content-Length: 5, 5\r\n" END, 400, 0, 0, 0),
	T("CL list 5,5", RL11 H "Content-Length: 5,5\r\n" END, 400, 0, 0, 0),
	T("CL two fields 5 and 5", RL11 H "Content-Length: 5\r\nContent-Length: 5\r\n" END, 400, 0, 0, 0),
	T("CL two fields 5 and 10", RL11 H "Content-Length: 5\r\nContent-Length: 10\r\n" END, 400, 0, 0, 0),
	T("CL empty", RL11 H "Content-Length:\r\n" END, 400, 0, 0, 0),
	T("CL blank", RL11 H "Content-Length:   \r\n" END, 400, 0, 0, 0),
	T("TE chunked", RL11 H "Transfer-Encoding: chunked\r\n" END, 0, F_CHUNKED, 0, E_NONE),
	T("TE Chunked", RL11 H "Transfer-Encoding: Chunked\r\n" END, 0, F_CHUNKED, 0, E_NONE),
	T("TE CHUNKED", RL11 H "transfer-encoding: CHUNKED\r\n" END, 0, F_CHUNKED, 0, E_NONE),
	T("TE chunked, identity", RL11 H "Transfer-Encoding: chunked, identity\r\n" END, 400, 0, 0, 0),
	T("TE identity, chunked", RL11 H "Transfer-Encoding: identity, chunked\r\n" END, 501, 0, 0, 0),
	T("TE gzip, chunked", RL11 H "Transfer-Encoding: gzip, chunked\r\n" END, 501, 0, 0, 0),
	T("TE xchunked", RL11 H "Transfer-Encoding: xchunked\r\n" END, 501, 0, 0, 0),
	T("TE chunkedx", RL11 H "Transfer-Encoding: chunkedx\r\n" END, 501, 0, 0, 0),
	T("TE gzip", RL11 H "Transfer-Encoding: gzip\r\n" END, 501, 0, 0, 0),
	T("TE chunked;x=1", RL11 H "Transfer-Encoding: chunked;x=1\r\n" END, 501, 0, 0, 0),
	T("TE chunked, chunked", RL11 H "Transfer-Encoding: chunked, chunked\r\n" END, 400, 0, 0, 0),
	T("TE chunked twice, two fields", RL11 H "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n" END, 400, 0, 0, 0),
	T("TE gzip then chunked, two fields", RL11 H "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n" END, 501, 0, 0, 0),
	T("TE chunked then gzip, two fields", RL11 H "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n" END, 400, 0, 0, 0),
	T("TE empty", RL11 H "Transfer-Encoding:\r\n" END, 400, 0, 0, 0),
	T("TE empty element", RL11 H "Transfer-Encoding: ,chunked\r\n" END, 400, 0, 0, 0),
	T("TE trailing comma", RL11 H "Transfer-Encoding: chunked,\r\n" END, 400, 0, 0, 0),
	T("TE not a token", RL11 H "Transfer-Encoding: \"chunked\"\r\n" END, 400, 0, 0, 0),
	T("TE two tokens no comma", RL11 H "Transfer-Encoding: gzip chunked\r\n" END, 400, 0, 0, 0),
	T("TE and CL", RL11 H "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n" END, 400, 0, 0, 0),
	T("CL and TE", RL11 H "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n" END, 400, 0, 0, 0),
	T("TE on 1.0", RL10 "Transfer-Encoding: chunked\r\n" END, 400, 0, 0, 0),
	T("Expect 100-continue", RL11 H "Content-Length: 2\r\nExpect: 100-continue\r\n" END, 0, F_LENGTH, 2, E_CONTINUE),
	T("Expect 100-Continue", RL11 H "Expect: 100-Continue\r\n" END, 0, F_NONE, 0, E_CONTINUE),
	T("Expect 100-CONTINUE, name lower", RL11 H "expect: 100-CONTINUE\r\n" END, 0, F_NONE, 0, E_CONTINUE),
	T("Expect foo", RL11 H "Expect: foo\r\n" END, 417, 0, 0, 0),
	T("Expect 100-continue, foo", RL11 H "Expect: 100-continue, foo\r\n" END, 417, 0, 0, 0),
	T("Expect empty", RL11 H "Expect:\r\n" END, 417, 0, 0, 0),
	T("Expect foo on 1.0 ignored", RL10 "Expect: foo\r\n" END, 0, F_NONE, 0, E_NONE),
	T("Expect 100-continue on 1.0 ignored", RL10 "Expect: 100-continue\r\n" END, 0, F_NONE, 0, E_NONE),
	T("head without final CRLF", RL11 H, 400, 0, 0, 0),
	T("HTTP/2 request line", "GET / HTTP/2.0\r\n" H END, 505, 0, 0, 0),
#undef T
};

static void
test_parse_table(void)
{
	size_t i;
	int st;

	for (i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		memset(&req, 0xa5, sizeof req);
		st = http_parse(U(heads[i].in), heads[i].len, &req);
		if (heads[i].status == 0)
			check(st == 0 && req.framing == heads[i].framing &&
			    req.content_length == heads[i].cl &&
			    req.expect == heads[i].expect,
			    "parse %s: status %d framing %d length %llu expect %d",
			    heads[i].name, st, (int)req.framing, req.content_length,
			    (int)req.expect);
		else
			check(st == heads[i].status, "parse %s: status %d, want %d",
			    heads[i].name, st, heads[i].status);
	}
}

/* A 1.1 head with Host and n more fields. */
static size_t
many_fields(size_t n)
{
	size_t k, i;

	k = (size_t)sprintf((char *)big, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (i = 0; i < n; i++)
		k += (size_t)sprintf((char *)big + k, "X-%zu: %zu\r\n", i, i);
	memcpy(big + k, "\r\n", 2);
	return k + 2;
}

static void
test_parse_fields(void)
{
	static const char webhook[] = "POST /webhook?a=b HTTP/1.1\r\n"
	    "HOST: example\r\nx-jobserv-sig:  sha256:00 \t\r\n"
	    "Content-Length: 2\r\n\r\n{}";
	struct headscan hs;
	struct span v;
	size_t len, hl;
	int st;

	len = many_fields(HEADERS_MAX - 1);
	st = http_parse(big, len, &req);
	check(st == 0 && req.nfields == HEADERS_MAX,
	    "parse %d fields: status %d, %zu fields", HEADERS_MAX, st, req.nfields);
	len = many_fields(HEADERS_MAX);
	st = http_parse(big, len, &req);
	check(st == 431, "parse %d fields: status %d, want 431", HEADERS_MAX + 1, st);
	scan_case("65 fields scan fine (count is http_parse's)", big, len, 0, len);

	/* a head as http_head_scan delimits it, then parsed */
	memset(&req, 0, sizeof req);
	memset(&hs, 0, sizeof hs);
	st = http_head_scan(LIT(webhook), &hs, &hl);
	check(st == 0 && hl == sizeof webhook - 3, "scan of a webhook head: %d %zu",
	    st, hl);
	st = http_parse(U(webhook), hl, &req);
	check(st == 0 && req.method == M_POST && req.minor == 1 &&
	    span_is(req.path, "/webhook") && span_is(req.query, "a=b") &&
	    req.nfields == 3 && req.framing == F_LENGTH &&
	    req.content_length == 2, "parse of a webhook head: %d", st);
	check(http_header(&req, "X-JobServ-Sig", &v) == 1 &&
	    span_is(v, "sha256:00"), "http_header mixed case, value trimmed");
	check(http_header(&req, "x-jobserv-sig", NULL) == 1,
	    "http_header lower case, no span wanted");
	check(http_header(&req, "HOST", &v) == 1 && span_is(v, "example"),
	    "http_header upper case");
	check(http_header(&req, "X-JobServ-Si", &v) == 0, "http_header prefix of a name");
	check(http_header(&req, "X-JobServ-Sig2", &v) == 0,
	    "http_header name longer than the field");
	check(http_header(&req, "Content-Length", &v) == 1 && span_is(v, "2"),
	    "http_header Content-Length");

	st = http_parse(LIT(RL11 H "X-A: 1\r\nx-a: 2\r\nX-A: 3\r\n" END), &req);
	v.len = 0;
	check(st == 0 && http_header(&req, "x-A", &v) == 3 && span_is(v, "1"),
	    "http_header counts every field of a name, first value given");
	check(span_is(req.fields[2].name, "x-a") && span_is(req.fields[2].value, "2"),
	    "fields kept in order, names as sent");
}

static void
test_span_caseeq(void)
{
	static const unsigned char s[] = "Content-LENGTH";
	struct span sp = { s, sizeof s - 1 };
	struct span empty = { s, 0 };
	struct span at = { U("@"), 1 };

	check(span_caseeq(sp, "content-length"), "span_caseeq ignores case");
	check(!span_caseeq(sp, "content-lengt"), "span_caseeq shorter literal");
	check(!span_caseeq(sp, "content-lengths"), "span_caseeq longer literal");
	check(span_caseeq(empty, ""), "span_caseeq empty");
	check(!span_caseeq(empty, "a"), "span_caseeq empty vs a");
	/* '@' (0x40) and '`' (0x60) differ by the case bit: not letters */
	check(!span_caseeq(at, "`"), "span_caseeq folds letters only");
}

static void
test_http_field(void)
{
	struct field f;

	check(http_field(LIT("Name:  v a l \t"), &f) == 1 && span_is(f.name, "Name") &&
	    span_is(f.value, "v a l"), "http_field trims value");
	check(http_field(LIT("Name:"), &f) == 1 && f.value.len == 0,
	    "http_field empty value");
	check(http_field(LIT("Name: a:b"), &f) == 1 && span_is(f.value, "a:b"),
	    "http_field colon in value");
	check(http_field(LIT("Name"), &f) == 0, "http_field no colon");
	check(http_field(LIT(":v"), &f) == 0, "http_field empty name");
	check(http_field(LIT("Na me: v"), &f) == 0, "http_field space in name");
	check(http_field(LIT("Name: \r"), &f) == 0, "http_field CR in value");
}

int
main(void)
{
	test_scan_table();
	test_scan_limits();
	test_scan_pipelined();
	test_reqline_table();
	test_targets();
	test_parse_table();
	test_parse_fields();
	test_span_caseeq();
	test_http_field();
	return check_done();
}
