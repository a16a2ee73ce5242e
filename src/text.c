/* text.c: appending to a fixed buffer; see text.h. */
#include <string.h>

#include "text.h"

void
text_put(struct text *t, const char *s, size_t len)
{
	if (len > t->cap - t->n)
		len = t->cap - t->n;
	memcpy(t->p + t->n, s, len);
	t->n += len;
}

void
text_cat(struct text *t, const char *s)
{
	text_put(t, s, strlen(s));
}

void
text_num(struct text *t, long long v)
{
	char tmp[24];
	size_t k = sizeof tmp;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		tmp[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--k] = '-';
	text_put(t, tmp + k, sizeof tmp - k);
}
