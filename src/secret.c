/* secret.c: loads the secret file. Bounded by SECRET_MAX; the key never
 * leaves this struct except to the HMAC; wiped when no longer needed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"

static int
space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
secret_read(const char *path, int owner_only, unsigned char *buf, size_t cap,
            size_t *len)
{
	struct stat st;
	char full[PATH_MAX];
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	ssize_t r = 0;
	int fd, e;

	*len = 0;
	if (path[0] != '/' && dir && dir[0]) {
		if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, path) >=
		    sizeof full) {
			errno = ENAMETOOLONG;
			return SECRET_OPEN;
		}
		path = full;
	}
	/* O_NONBLOCK: opening a FIFO (or a symlink to one) must not wait for
	 * a writer; a regular file reads the same with it */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		return SECRET_OPEN;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return SECRET_NOT_REGULAR;
	}
	if (owner_only && (st.st_mode & (S_IRWXG | S_IRWXO))) {
		close(fd);
		return SECRET_SHARED;
	}
	while (*len <= cap &&
	    ((r = read(fd, buf + *len, cap + 1 - *len)) > 0 ||
	    (r < 0 && errno == EINTR)))
		if (r > 0)
			*len += (size_t)r;
	e = errno;
	close(fd);
	if (*len > cap)
		return SECRET_TOO_BIG;
	if (r < 0) {
		errno = e;
		return SECRET_OPEN;
	}
	return 0;
}

int
secret_load(struct secret *s, const char *path, int allow_shared,
            const char **why)
{
	unsigned char buf[SECRET_MAX + 1];
	size_t len, b = 0;

	s->len = 0;
	switch (secret_read(path, !allow_shared, buf, SECRET_MAX, &len)) {
	case SECRET_OPEN:
		*why = "cannot open secret file";
		return -1;
	case SECRET_NOT_REGULAR:
		*why = "secret file is not a regular file";
		return -1;
	case SECRET_SHARED:
		*why = "secret file is readable or writable by other users "
		    "(chmod 600 it, or give --allow-shared-secret)";
		return -1;
	case SECRET_TOO_BIG:
		*why = "secret file larger than SECRET_MAX";
		explicit_bzero(buf, sizeof buf);
		return -1;
	}
	while (len > 0 && space(buf[len - 1]))
		len--;
	while (b < len && space(buf[b]))
		b++;
	if (b == len) {
		*why = "secret file is empty";
		return -1;
	}
	memcpy(s->key, buf + b, len - b);
	s->len = len - b;
	explicit_bzero(buf, sizeof buf);
	return 0;
}

void
secret_wipe(struct secret *s)
{
	explicit_bzero(s->key, sizeof s->key);
	s->len = 0;
}
