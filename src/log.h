/* log.h: inhook's log. Syslog (LOG_DAEMON, ident "inhook") by default, or
 * standard error when asked. Under inetd, xinetd and a default systemd unit
 * standard error is the connection: then nothing goes there, whatever was
 * asked. */
#ifndef INHOOK_LOG_H
#define INHOOK_LOG_H

#include <stddef.h>
#include <syslog.h>

/* Picks the sink, once fds 0 and 1 are the connection. use_stderr (from
 * --log-stderr): fd 2, unless fd 2 is the same socket or pipe as fd 0 or
 * 1: then syslog, and one line says so. Without it: syslog, unless nothing
 * listens on /dev/log (a FROM scratch container) and fd 2 is not the
 * connection: then fd 2, so that no line is lost silently. */
void log_init(int use_stderr);

/* 1 when log_init found fd 2 to be the connection. */
int log_fd2_is_connection(void);

/* 1 when lines go to standard error. */
int log_to_stderr(void);

/* One line at priority prio (LOG_INFO, LOG_ERR...). The caller escapes any
 * peer-supplied bytes first (log_escape). */
void log_line(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like log_line, for a message already formatted: msg[0..len), cut where
 * log_line would cut it. */
void log_text(int prio, const char *msg, size_t len);

/* Writes src[0..len) into dst (cap >= 8 bytes) with every byte outside
 * printable ASCII, '"' and '\\' as \xHH, and at most max input bytes (then
 * "..."). Always NUL-terminates. Returns dst. */
char *log_escape(char *dst, size_t cap, const unsigned char *src, size_t len,
                 size_t max);

#endif
