/* log.c: the log sink and the escaping of peer bytes for it. A line is
 * formatted into a fixed buffer of LOG_LINE_MAX bytes and cut there. Nothing
 * is ever written to the connection: fd 2 is used (--log-stderr, or no
 * syslog on /dev/log) only when it is not the same socket or pipe as fd 0
 * or fd 1. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "limits.h"
#include "log.h"

static int to_stderr, fd2_conn, journal;

/* 1 if fd 2 is the journal's stream that JOURNAL_STREAM ("DEV:INODE")
 * names: journald then adds "inhook[PID]: " itself and reads a "<N>"
 * priority prefix. */
static int
is_journal(void)
{
	const char *j = getenv("JOURNAL_STREAM");
	unsigned long long dev = 0, ino = 0;
	struct stat st;
	int colon = 0;

	if (!j || !*j || fstat(2, &st) < 0)
		return 0;
	for (; *j; j++) {
		if (*j == ':' && !colon) {
			colon = 1;
		} else if (*j >= '0' && *j <= '9') {
			if (colon)
				ino = ino * 10 + (unsigned)(*j - '0');
			else
				dev = dev * 10 + (unsigned)(*j - '0');
		} else {
			return 0;
		}
	}
	return colon && dev == (unsigned long long)st.st_dev &&
	    ino == (unsigned long long)st.st_ino;
}

/* 1 if fd is the same socket or pipe as fd 0 or fd 1: the connection, as
 * inetd, xinetd and a default systemd unit leave fd 2. */
static int
is_connection(int fd)
{
	struct stat a, b;
	int k;

	if (fstat(fd, &a) < 0 || !(S_ISSOCK(a.st_mode) || S_ISFIFO(a.st_mode)))
		return 0;
	for (k = 0; k < 2; k++)
		if (fstat(k, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return 1;
	return 0;
}

/* 1 if a syslog daemon (or journald) listens on /dev/log. */
static int
syslog_there(void)
{
	struct sockaddr_un a;
	int fd, ok;

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path, "/dev/log", 9);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

void
log_init(int sink)
{
	int use_stderr = sink == LOG_SINK_STDERR || sink == LOG_SINK_FD2;

	/* the journal's stream is a log, even where fd 1 is the same one
	 * (inhook-retry.service): never taken for the connection */
	journal = is_journal();
	fd2_conn = sink != LOG_SINK_FD2 && !journal && is_connection(2);
	to_stderr = !fd2_conn && sink != LOG_SINK_SYSLOG &&
	    (use_stderr || !syslog_there());
	if (to_stderr)
		return;
	openlog("inhook", LOG_PID, LOG_DAEMON);
	if (sink == LOG_SINK_STDERR)
		log_line(LOG_WARNING, "fd 2 is the connection: --log-stderr "
		    "ignored, logging to syslog");
}

int
log_fd2_is_connection(void)
{
	return fd2_conn;
}

int
log_to_stderr(void)
{
	return to_stderr;
}

/* Writes "inhook[PID]: " at line; returns its length. */
static size_t
prefix(char *line)
{
	char tmp[24];
	unsigned long pid = (unsigned long)getpid();
	size_t k = sizeof tmp, n;

	do {
		tmp[--k] = (char)('0' + pid % 10);
		pid /= 10;
	} while (pid);
	memcpy(line, "inhook[", 7);
	n = sizeof tmp - k;
	memcpy(line + 7, tmp + k, n);
	memcpy(line + 7 + n, "]: ", 3);
	return 10 + n;
}

/* Sends line[n..len), the message after a prefix of n bytes. */
static void
emit(int prio, char *line, size_t n, size_t len)
{
	if (!to_stderr) {
		line[len] = '\0';
		syslog(prio, "%s", line + n);
		return;
	}
	line[len++] = '\n';
	if (journal && n >= 3) {
		/* "<N>" in place of our prefix, which journald adds */
		line[n - 3] = '<';
		line[n - 2] = (char)('0' + (prio & 7));
		line[n - 1] = '>';
		(void)!write(2, line + n - 3, len - (n - 3));
		return;
	}
	(void)!write(2, line, len);
}

void
log_line(int prio, const char *fmt, ...)
{
	char line[LOG_LINE_MAX + 1];
	va_list ap;
	size_t n = prefix(line);
	int m;

	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof line - 1 - n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	emit(prio, line, n, n + strlen(line + n));
}

void
log_text(int prio, const char *msg, size_t len)
{
	char line[LOG_LINE_MAX + 1];
	size_t n = prefix(line);

	if (len > LOG_LINE_MAX - 1 - n)
		len = LOG_LINE_MAX - 1 - n;
	memcpy(line + n, msg, len);
	emit(prio, line, n, n + len);
}

char *
log_escape(char *dst, size_t cap, const unsigned char *src, size_t len,
           size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < len && i < max; i++) {
		unsigned char c = src[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			if (o + 1 >= cap - 4)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= cap - 4)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	if (i < len) {
		dst[o++] = '.';
		dst[o++] = '.';
		dst[o++] = '.';
	}
	dst[o] = '\0';
	return dst;
}
