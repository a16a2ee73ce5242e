/* test_response.c: the exact bytes of every answer (response.c and the
 * reason phrases of status.c), at a fixed time. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "response.h"
#include "status.h"

/* RFC 9110 section 15 example date: 784111777 is Sun, 06 Nov 1994 08:49:37 GMT */
#define NOW ((time_t)784111777)
#define DATE "Sun, 06 Nov 1994 08:49:37 GMT"

static const struct {
	int status;
	const char *reason;
} statuses[] = {
	{ 100, "Continue" },
	{ 200, "OK" },
	{ 202, "Accepted" },
	{ 400, "Bad Request" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 408, "Request Timeout" },
	{ 409, "Conflict" },
	{ 411, "Length Required" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 417, "Expectation Failed" },
	{ 422, "Unprocessable Content" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
	{ 505, "HTTP Version Not Supported" },
};

static char out[RESPONSE_MAX], want[2 * RESPONSE_MAX];

static size_t
expect(int status, const char *reason, const char *allow, const char *body,
       int head_only)
{
	int n;

	n = snprintf(want, sizeof want,
	    "HTTP/1.1 %d %s\r\n"
	    "Date: " DATE "\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: close\r\n"
	    "%s%s%s"
	    "\r\n"
	    "%s%s",
	    status, reason, strlen(body) + 1,
	    allow ? "Allow: " : "", allow ? allow : "", allow ? "\r\n" : "",
	    head_only ? "" : body, head_only ? "" : "\n");
	return (size_t)n;
}

static void
test_statuses(void)
{
	size_t i, n, w;

	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		check(strcmp(status_reason(statuses[i].status), statuses[i].reason) == 0,
		    "reason for %d: %s", statuses[i].status,
		    status_reason(statuses[i].status));
		memset(out, 'z', sizeof out);
		n = response_format(out, statuses[i].status, NULL, NULL, 0, NOW);
		w = expect(statuses[i].status, statuses[i].reason, NULL,
		    statuses[i].reason, 0);
		check(n == w && memcmp(out, want, n) == 0,
		    "response %d: %zu bytes, exact", statuses[i].status, n);
	}
	check(strcmp(status_reason(299), "Unknown") == 0, "reason for 299: Unknown");
	check(strcmp(status_reason(0), "Unknown") == 0, "reason for 0: Unknown");
}

static void
test_whole(void)
{
	static const char ok[] =
	    "HTTP/1.1 200 OK\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: 3\r\n"
	    "Connection: close\r\n"
	    "\r\n"
	    "OK\n";
	static const char allow[] =
	    "HTTP/1.1 405 Method Not Allowed\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: 19\r\n"
	    "Connection: close\r\n"
	    "Allow: GET, HEAD\r\n"
	    "\r\n"
	    "Method Not Allowed\n";
	static const char head[] =
	    "HTTP/1.1 200 OK\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: 3\r\n"
	    "Connection: close\r\n"
	    "\r\n";
	static const char head405[] =
	    "HTTP/1.1 405 Method Not Allowed\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: 19\r\n"
	    "Connection: close\r\n"
	    "Allow: POST\r\n"
	    "\r\n";
	static const char text[] =
	    "HTTP/1.1 500 Internal Server Error\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: 12\r\n"
	    "Connection: close\r\n"
	    "\r\n"
	    "hook failed\n";
	size_t n;

	n = response_format(out, 200, NULL, NULL, 0, NOW);
	check(n == sizeof ok - 1 && memcmp(out, ok, n) == 0, "200 OK, whole bytes");
	n = response_format(out, 405, "GET, HEAD", NULL, 0, NOW);
	check(n == sizeof allow - 1 && memcmp(out, allow, n) == 0, "405 with Allow");
	n = response_format(out, 200, NULL, NULL, 1, NOW);
	check(n == sizeof head - 1 && memcmp(out, head, n) == 0,
	    "HEAD: no body, Content-Length of the GET body");
	n = response_format(out, 405, "POST", NULL, 1, NOW);
	check(n == sizeof head405 - 1 && memcmp(out, head405, n) == 0, "HEAD 405 with Allow");
	n = response_format(out, 500, NULL, "hook failed", 0, NOW);
	check(n == sizeof text - 1 && memcmp(out, text, n) == 0, "500 with a text");
	n = response_format(out, 200, NULL, "", 0, NOW);
	check(n == expect(200, "OK", NULL, "", 0) && memcmp(out, want, n) == 0 &&
	    memcmp(out + n - 5, "\r\n\r\n\n", 5) == 0,
	    "empty text: body is the newline");
}

static void
test_dates(void)
{
	static const struct {
		time_t t;
		const char *date;
	} dates[] = {
		{ 784111777, "Sun, 06 Nov 1994 08:49:37 GMT" },
		{ 0, "Thu, 01 Jan 1970 00:00:00 GMT" },
		{ 951782400, "Tue, 29 Feb 2000 00:00:00 GMT" },
		{ 1627323024, "Mon, 26 Jul 2021 18:10:24 GMT" },
		{ 2147483647, "Tue, 19 Jan 2038 03:14:07 GMT" },
		{ 4102444799, "Thu, 31 Dec 2099 23:59:59 GMT" },
	};
	char line[64];
	size_t i, n;

	for (i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		n = response_head(out, 200, NULL, 0, 0, dates[i].t);
		out[n] = '\0';
		snprintf(line, sizeof line, "\r\nDate: %s\r\n", dates[i].date);
		check(strstr(out, line) != NULL, "Date for %lld: %s",
		    (long long)dates[i].t, dates[i].date);
	}
}

/* The hand-made Date against gmtime_r and strftime, every third day from
 * 1970 to 9999 at a varying time of day, and the clamp outside them. */
static void
test_dates_libc(void)
{
	char line[80], got[64];
	const char *p, *e;
	long long t, bad = 0, first = -1, days = 0;
	struct tm tm;
	size_t n;

	for (t = 0; t <= 253402300799LL; t += 3 * 86400 + 7) {
		days++;
		gmtime_r(&(time_t){ (time_t)t }, &tm);
		strftime(line, sizeof line, "%a, %d %b %Y %H:%M:%S GMT", &tm);
		n = response_head(out, 200, NULL, 0, 0, (time_t)t);
		out[n] = '\0';
		p = strstr(out, "\r\nDate: ");
		e = p ? strstr(p + 8, "\r\n") : NULL;
		if (!p || !e || (size_t)(e - p - 8) >= sizeof got) {
			bad++;
			continue;
		}
		memcpy(got, p + 8, (size_t)(e - p - 8));
		got[e - p - 8] = '\0';
		if (strcmp(got, line) != 0 && bad++ == 0)
			first = t;
	}
	check(bad == 0, "Date equals strftime's on %lld days from 1970 to 9999 "
	    "(%lld differ, first at %lld)", days, bad, first);
	n = response_head(out, 200, NULL, 0, 0, (time_t)-1);
	out[n] = '\0';
	check(strstr(out, "\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n") != NULL,
	    "a clock before 1970 says 1970");
	n = response_head(out, 200, NULL, 0, 0, (time_t)253402300800LL);
	out[n] = '\0';
	check(strstr(out, "\r\nDate: Fri, 31 Dec 9999 23:59:59 GMT\r\n") != NULL,
	    "a clock past 9999 says its last second");
}

static void
test_head(void)
{
	static const char retry[] =
	    "HTTP/1.1 503 Service Unavailable\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: 20\r\n"
	    "Connection: close\r\n"
	    "Retry-After: 5\r\n"
	    "\r\n";
	static const char both[] =
	    "HTTP/1.1 405 Method Not Allowed\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: 0\r\n"
	    "Connection: close\r\n"
	    "Allow: POST\r\n"
	    "Retry-After: 1\r\n"
	    "\r\n";
	static const char plain[] =
	    "HTTP/1.1 200 OK\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: 1048576\r\n"
	    "Connection: close\r\n"
	    "\r\n";
	size_t n;

	n = response_head(out, 503, NULL, 5, 20, NOW);
	check(n == sizeof retry - 1 && memcmp(out, retry, n) == 0,
	    "response_head 503 with Retry-After");
	n = response_head(out, 405, "POST", 1, 0, NOW);
	check(n == sizeof both - 1 && memcmp(out, both, n) == 0,
	    "response_head with Allow and Retry-After");
	n = response_head(out, 200, NULL, 0, 1048576, NOW);
	check(n == sizeof plain - 1 && memcmp(out, plain, n) == 0,
	    "response_head, no Retry-After at 0, any body length");
	n = response_head(out, 200, NULL, -1, 0, NOW);
	out[n] = '\0';
	check(strstr(out, "Retry-After") == NULL, "no Retry-After when negative");
}

static void
test_bounds(void)
{
	static char text[2 * RESPONSE_MAX];
	size_t n;

	/* a text longer than the buffer never overflows it */
	memset(text, 'x', sizeof text - 1);
	n = response_format(out, 200, NULL, text, 0, NOW);
	check(n < RESPONSE_MAX && memcmp(out, "HTTP/1.1 200 OK\r\n", 17) == 0,
	    "long text stays in RESPONSE_MAX: %zu bytes", n);
	/* the longest answer inhook gives fits */
	n = response_format(out, 431, "GET, HEAD, POST", NULL, 0, NOW);
	check(n < RESPONSE_MAX - 1 && n == expect(431,
	    "Request Header Fields Too Large", "GET, HEAD, POST",
	    "Request Header Fields Too Large", 0) && memcmp(out, want, n) == 0,
	    "431 with Allow fits: %zu bytes", n);
}

int
main(void)
{
	test_statuses();
	test_whole();
	test_dates();
	test_dates_libc();
	test_head();
	test_bounds();
	return check_done();
}
