/* chunked.h: a pure, incremental decoder for the chunked transfer coding
 * (RFC 9112 7.1). It decodes in place and keeps its state between calls,
 * so the caller may feed the body in pieces of any size. */
#ifndef INHOOK_CHUNKED_H
#define INHOOK_CHUNKED_H

#include <stddef.h>

struct chunked {
	int state;
	unsigned long long size;   /* bytes left in the current chunk */
	size_t line;               /* bytes of the current size or trailer line */
	size_t digits;             /* hex digits of the current size */
	size_t trailer;            /* bytes of the trailer section */
	size_t total;              /* decoded bytes so far */
	size_t max;                /* decoded bytes allowed: set before the first call */
	unsigned char tline[256];  /* start of the current trailer line, for checking */
	size_t tlen;
};

/* Starts a decoder that allows at most max decoded bytes. */
void chunked_init(struct chunked *c, size_t max);

/* Decodes buf[0..len) in place: the data bytes it holds are moved to
 * buf[0..*out). *used is how many input bytes were consumed: all of them
 * unless the message ended inside buf, in which case the bytes from *used on
 * follow the message. Returns 0 when more input is needed, 1 when the last
 * chunk and trailer section are complete, or a status: 400 (bad syntax:
 * non-hex size, more than CHUNK_DIGITS_MAX digits, bad extension, missing
 * CRLF, bare LF), 413 (over max decoded bytes; decided from the chunk size
 * before its data is read), 431 (trailer section over TRAILER_MAX). */
int chunked_decode(struct chunked *c, unsigned char *buf, size_t len,
                   size_t *out, size_t *used);

#endif
