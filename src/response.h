/* response.h: formatting of inhook's answers. */
#ifndef INHOOK_RESPONSE_H
#define INHOOK_RESPONSE_H

#include <stddef.h>
#include <time.h>

#define RESPONSE_MAX 512

/* Formats a complete HTTP/1.1 response into out (RESPONSE_MAX bytes): the
 * status line, Date (from now), Content-Type text/plain, Content-Length,
 * Connection: close, Allow when allow is not NULL, then a body of text (the
 * reason phrase when text is NULL) and a newline, left out with head_only
 * but still counted. Returns its length. */
size_t response_format(char *out, int status, const char *allow,
                       const char *text, int head_only, time_t now);

/* Formats only the head of a response into out (RESPONSE_MAX bytes): the
 * status line, Date (now as an RFC 9110 IMF-fixdate, clamped to the years
 * 1970 to 9999), Content-Type text/plain, Content-Length body_len,
 * Connection: close, Allow when allow is not NULL, Retry-After when
 * retry_after > 0, and the empty line. The caller writes the body_len
 * bytes of the body after it (none for HEAD). Returns its length. */
size_t response_head(char *out, int status, const char *allow,
                     int retry_after, size_t body_len, time_t now);

#endif
