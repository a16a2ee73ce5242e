/* io.h: the thin layer that touches the connection's descriptors. Every
 * read is bounded by one absolute deadline on the monotonic clock. */
#ifndef INHOOK_IO_H
#define INHOOK_IO_H

#include <stddef.h>
#include <sys/types.h>

#define IO_EOF      0
#define IO_ERROR   (-1)
#define IO_TIMEOUT (-2)

/* Milliseconds on the monotonic clock. */
long long io_now_ms(void);

/* Waits until fd is readable or deadline (io_now_ms() scale) passes, then
 * reads at most len bytes. Returns the count, IO_EOF, IO_ERROR or
 * IO_TIMEOUT. */
ssize_t io_read(int fd, void *buf, size_t len, long long deadline);

/* Writes all of buf, waiting at most until deadline. Returns 0 or -1. */
int io_write_all(int fd, const void *buf, size_t len, long long deadline);

/* The staged close: shuts down the writing side of out; if that worked (it
 * is a socket), reads and discards from in until EOF, DRAIN_MS or
 * DRAIN_BYTES, then, if the peer still sends, waits without reading until
 * it shuts down its side or DRAIN_MS has passed, so the peer reads our
 * answer before any reset. */
void io_staged_close(int in, int out);

/* Writes the text form of an address and a NUL into out (at least 46
 * bytes, INET6_ADDRSTRLEN), exactly as inet_ntop does: for AF_INET the 4
 * bytes at a in dotted decimal; for AF_INET6 the 16 bytes at a in lower-case
 * hex groups, the first longest run of two or more zero groups as "::",
 * and an IPv4-mapped or -compatible address with its last 4 bytes dotted. */
void io_addr_text(int family, const unsigned char *a, char *out);

/* 1 if fd is a socket. */
int io_is_socket(int fd);

/* 1 if fd is a listening socket (a supervisor set up without accept). */
int io_is_listening(int fd);

#endif
