/* ascii.h: the byte classes every parser needs, in one place. Pure and
 * locale-free (never <ctype.h>: its answers depend on the locale and on
 * the sign of char). */
#ifndef INHOOK_ASCII_H
#define INHOOK_ASCII_H

/* The value of a hex digit of either case, or -1. */
static inline int
ascii_hex(unsigned char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* 1 for an RFC 9110 tchar: what tokens (methods, field names, transfer
 * codings, chunk extensions) are made of. */
static inline int
ascii_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
	case '+': case '-': case '.': case '^': case '_': case '`': case '|':
	case '~':
		return 1;
	}
	return 0;
}

#endif
