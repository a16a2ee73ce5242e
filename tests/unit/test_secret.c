/* test_secret.c: secret_read (secret.c), the reader of secret files and of
 * the --tls-key and --tls-cert: at most cap bytes land in buf, whatever the
 * file's size. buf is placed against a PROT_NONE page, so that one byte
 * written past cap is a fault, not a silent overwrite. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "secret.h"

static char dir[] = "/tmp/inhook-secret.XXXXXX";

/* Writes n bytes of 'k' to dir/name with mode; returns its path. */
static const char *
make(const char *name, size_t n, mode_t mode)
{
	static char path[128];
	unsigned char b[256];
	size_t k;
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		exit(1);
	memset(b, 'k', sizeof b);
	for (; n > 0; n -= k) {
		k = n < sizeof b ? n : sizeof b;
		if (write(fd, b, k) != (ssize_t)k)
			exit(1);
	}
	fchmod(fd, mode);
	close(fd);
	return path;
}

int
main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *page, *buf;
	const size_t cap = 100;
	size_t len, i;
	char fifo[160];
	int r, fd;

	if (!mkdtemp(dir))
		return 1;
	page = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || mprotect(page + pg, (size_t)pg, PROT_NONE) < 0)
		return 1;
	buf = page + pg - cap;          /* buf[cap] is the guard page */

	r = secret_read(make("short", 10, 0600), 1, buf, cap, &len);
	check(r == 0 && len == 10, "a file under cap: read whole (%d, %zu)", r, len);
	r = secret_read(make("exact", cap, 0600), 1, buf, cap, &len);
	check(r == 0 && len == cap, "a file of exactly cap bytes: read whole "
	    "(%d, %zu)", r, len);
	for (i = 0; i < cap && buf[i] == 'k'; i++)
		;
	check(i == cap, "... its bytes in buf");
	r = secret_read(make("over1", cap + 1, 0600), 1, buf, cap, &len);
	check(r == SECRET_TOO_BIG, "cap + 1 bytes: SECRET_TOO_BIG, nothing "
	    "written past buf (%d)", r);
	r = secret_read(make("big", 40000, 0600), 1, buf, cap, &len);
	check(r == SECRET_TOO_BIG && len <= cap, "40000 bytes: SECRET_TOO_BIG "
	    "(%d, %zu)", r, len);
	r = secret_read(make("empty", 0, 0600), 1, buf, cap, &len);
	check(r == 0 && len == 0, "an empty file: 0 bytes (%d)", r);
	r = secret_read(make("shared", 10, 0640), 1, buf, cap, &len);
	check(r == SECRET_SHARED, "mode 640, owner_only: SECRET_SHARED (%d)", r);
	r = secret_read(make("shared", 10, 0640), 0, buf, cap, &len);
	check(r == 0 && len == 10, "mode 640, not owner_only: read (%d)", r);
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	r = mkfifo(fifo, 0600) == 0 ?
	    secret_read(fifo, 1, buf, cap, &len) : -1;
	check(r == SECRET_NOT_REGULAR, "a FIFO: SECRET_NOT_REGULAR, no wait "
	    "(%d)", r);
	r = secret_read("/nonexistent/secret", 1, buf, cap, &len);
	check(r == SECRET_OPEN && errno == ENOENT, "a missing file: SECRET_OPEN, "
	    "ENOENT (%d)", r);
	fd = open("/dev/null", O_RDONLY);
	check(fd >= 0 && fd <= 3, "no descriptor left open (next is %d)", fd);

	unlink(fifo);
	for (i = 0; i < 6; i++) {
		static const char *const n[] = { "short", "exact", "over1", "big",
		    "empty", "shared" };
		char p[160];
		snprintf(p, sizeof p, "%s/%s", dir, n[i]);
		unlink(p);
	}
	rmdir(dir);
	return check_done();
}
