/* log.h: inhook's log. Syslog (LOG_DAEMON, ident "inhook") by default, or
 * standard error when asked: under inetd, xinetd and a default systemd unit
 * standard error is the connection, so nothing may go there unless the
 * supervisor says otherwise. */
#ifndef INHOOK_LOG_H
#define INHOOK_LOG_H

#include <stddef.h>
#include <syslog.h>

/* use_stderr: 1 to write lines to fd 2, 0 for syslog. */
void log_init(int use_stderr);

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
