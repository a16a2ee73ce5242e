/* response.c: builds a response in a caller's fixed buffer. Pure: the
 * time comes in as an argument. */
#include <stdio.h>
#include <string.h>

#include "response.h"
#include "status.h"

size_t
response_format(char *out, int status, const char *allow, const char *text,
                int head_only, time_t now)
{
	char date[64];
	struct tm tm;
	size_t n, blen;
	int r;

	if (text == NULL)
		text = status_reason(status);
	blen = strlen(text) + 1;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	r = snprintf(out, RESPONSE_MAX,
	    "HTTP/1.1 %d %s\r\n"
	    "Date: %s\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: close\r\n"
	    "%s%s%s"
	    "\r\n"
	    "%s%s",
	    status, status_reason(status), date, blen,
	    allow ? "Allow: " : "", allow ? allow : "", allow ? "\r\n" : "",
	    head_only ? "" : text, head_only ? "" : "\n");
	if (r < 0)
		return 0;
	n = (size_t)r < RESPONSE_MAX ? (size_t)r : RESPONSE_MAX - 1;
	return n;
}
