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
	unsigned char extra = 0;
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
	/* cap bytes into buf, then one byte more, if there is one, into
	 * extra: the file is over cap */
	while (*len < cap &&
	    ((r = read(fd, buf + *len, cap - *len)) > 0 ||
	    (r < 0 && errno == EINTR)))
		if (r > 0)
			*len += (size_t)r;
	if (*len == cap)
		while ((r = read(fd, &extra, 1)) < 0 && errno == EINTR)
			;
	e = errno;
	close(fd);
	explicit_bzero(&extra, sizeof extra);
	if (*len == cap && r > 0)
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
	unsigned char buf[SECRET_MAX];
	size_t len, b = 0;
	int r;

	s->len = 0;
	if ((r = secret_read(path, !allow_shared, buf, sizeof buf, &len)) != 0) {
		explicit_bzero(buf, sizeof buf);        /* a part, perhaps */
		*why = r == SECRET_NOT_REGULAR ? "secret file is not a regular "
		    "file" : r == SECRET_SHARED ? "secret file is readable or "
		    "writable by other users (chmod 600 it, or give "
		    "--allow-shared-secret)" : r == SECRET_TOO_BIG ? "secret "
		    "file larger than SECRET_MAX" : "cannot open secret file";
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
