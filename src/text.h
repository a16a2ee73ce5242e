/* text.h: text built by hand in a caller's fixed buffer, for the request's
 * path (the response head, the log line, numbers in the environment),
 * where stdio's formatting would cost more than the rest of the work. */
#ifndef INHOOK_TEXT_H
#define INHOOK_TEXT_H

#include <stddef.h>

/* p[0..cap) is the buffer, n what is written so far. Appending cuts at cap
 * (n never passes it) and writes no NUL. */
struct text {
	char *p;
	size_t n, cap;
};

void text_put(struct text *t, const char *s, size_t len);
void text_cat(struct text *t, const char *s);          /* a C string */
void text_num(struct text *t, long long v);            /* v in decimal */

#endif
