/* log.h: inhook's log. Syslog (LOG_DAEMON, ident "inhook") by default, or
 * standard error when asked. Under inetd, xinetd and a default systemd unit
 * standard error is the connection: then nothing goes there, whatever was
 * asked. */
#ifndef INHOOK_LOG_H
#define INHOOK_LOG_H

#include <stddef.h>
#include <syslog.h>

/* The sinks log_init picks from. */
#define LOG_SINK_AUTO    0      /* syslog; fd 2 where nothing is on /dev/log */
#define LOG_SINK_STDERR  1      /* --log-stderr */
#define LOG_SINK_SYSLOG  2      /* --syslog */
#define LOG_SINK_FD2     3      /* the listener: fds 0 and 1 are no connection */

/* Picks the sink, once fds 0 and 1 are the connection (but for
 * LOG_SINK_FD2). A journal stream on fd 2 (JOURNAL_STREAM) is never taken
 * for the connection. LOG_SINK_STDERR: fd 2, unless fd 2 is the same
 * socket or pipe as fd 0 or 1: then syslog, and one line says so.
 * LOG_SINK_AUTO: syslog, unless nothing listens on /dev/log (a FROM
 * scratch container) and fd 2 is not the connection: then fd 2, so that
 * no line is lost silently. LOG_SINK_SYSLOG: syslog. LOG_SINK_FD2: fd 2. */
void log_init(int sink);

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
