/* response.c: builds a response in a caller's fixed buffer. Pure: the
 * time comes in as an argument. */
#include <stdio.h>
#include <string.h>

#include "response.h"
#include "status.h"

size_t
response_head(char *out, int status, const char *allow, int retry_after,
              size_t body_len, time_t now)
{
	char date[64], ra[32] = "";
	struct tm tm;
	int r;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (retry_after > 0)
		snprintf(ra, sizeof ra, "Retry-After: %d\r\n", retry_after);
	r = snprintf(out, RESPONSE_MAX,
	    "HTTP/1.1 %d %s\r\n"
	    "Date: %s\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: close\r\n"
	    "%s%s%s%s"
	    "\r\n",
	    status, status_reason(status), date, body_len,
	    allow ? "Allow: " : "", allow ? allow : "", allow ? "\r\n" : "", ra);
	if (r < 0)
		return 0;
	return (size_t)r < RESPONSE_MAX ? (size_t)r : RESPONSE_MAX - 1;
}

size_t
response_format(char *out, int status, const char *allow, const char *text,
                int head_only, time_t now)
{
	size_t n, blen;

	if (text == NULL)
		text = status_reason(status);
	blen = strlen(text) + 1;
	n = response_head(out, status, allow, 0, blen, now);
	if (head_only || n + blen >= RESPONSE_MAX)
		return n;
	memcpy(out + n, text, blen - 1);
	out[n + blen - 1] = '\n';
	return n + blen;
}
