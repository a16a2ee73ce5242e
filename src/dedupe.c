/* dedupe.c: claim files for --dedupe; the protocol is in dedupe.h. Every
 * loop is bounded: a claim makes at most a few attempts, pruning looks at
 * a fixed number of entries per call. Keys never reach a path unchecked:
 * a key that is not a plain token is hashed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/file.h>
#include <unistd.h>

#include "dedupe.h"
#include "io.h"
#include "lock.h"
#include "sig.h"

#define CLAIM_TRIES 8

void
dedupe_name(const char *key, char *name)
{
	static const char hex[] = "0123456789abcdef";
	static const char hkey[] = "inhook-dedupe";
	unsigned char mac[SIG_MAC_LEN];
	size_t i, n = strlen(key);
	int plain = n > 0 && n <= DEDUPE_NAME_MAX;

	for (i = 0; plain && i < n; i++)
		plain = (key[i] >= 'A' && key[i] <= 'Z') ||
		    (key[i] >= 'a' && key[i] <= 'z') ||
		    (key[i] >= '0' && key[i] <= '9') || key[i] == '_' ||
		    key[i] == '-';
	if (plain) {
		memcpy(name, key, n + 1);
		return;
	}
	sig_hmac((const unsigned char *)hkey, sizeof hkey - 1,
	    (const unsigned char *)key, n, mac);
	name[0] = '=';
	for (i = 0; i < SIG_MAC_LEN; i++) {
		name[1 + 2 * i] = hex[mac[i] >> 4];
		name[2 + 2 * i] = hex[mac[i] & 15];
	}
	name[1 + 2 * SIG_MAC_LEN] = '\0';
}

static int
open_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* another delivery may be making it at the same moment */
	if (fd < 0 && errno == ENOENT && (mkdir(dir, 0700) == 0 || errno == EEXIST))
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

/* Writes head then tail as the whole record, cut at DEDUPE_RECORD - 1
 * bytes, padded with spaces to that size, then a newline, at offset 0, and
 * makes it durable. Every record has that one size, so once the first is
 * on disk the later ones overwrite it in place and need no space. Returns
 * 0 or -1. */
static int
put_record(int fd, const char *head, const char *tail)
{
	char buf[DEDUPE_RECORD];
	size_t h = strlen(head), t = strlen(tail), room = sizeof buf - 1;

	if (h > room)
		h = room;
	if (t > room - h)
		t = room - h;
	memset(buf, ' ', sizeof buf);
	memcpy(buf, head, h);
	memcpy(buf + h, tail, t);
	buf[sizeof buf - 1] = '\n';
	if (pwrite(fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf)
		return -1;
	return fdatasync(fd);
}

/* Decided: "STATUS UNIXTIME". */
static int
put_outcome(int fd, int status)
{
	char rec[48];

	snprintf(rec, sizeof rec, "%d %lld", status, (long long)time(NULL));
	return put_record(fd, rec, "");
}

/* 1 if name can be a claim file's (dedupe_name's output): no path. */
static int
name_ok(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL;
}

/* Undecided, with a note ("spool=ID" or ""). */
static int
put_undecided(int fd, const char *note)
{
	return put_record(fd, "- ", note);
}

/* Creates a locked private file and links it to cl->name. Returns 0 (cl->fd
 * set), 1 when the name exists, -1 on error. */
static int
create(struct claim *cl)
{
	char tmp[32];
	int fd, r, e;

	snprintf(tmp, sizeof tmp, ".claim.%ld", (long)getpid());
	unlinkat(cl->dirfd, tmp, 0);   /* left by a dead process of our pid */
	fd = openat(cl->dirfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	/* the record's room is taken before the claim is visible: keeping
	 * it later cannot fail for want of space */
	if (lock_fd(fd, 1, 0) < 0 || put_undecided(fd, "") < 0) {
		e = errno;
		close(fd);
		unlinkat(cl->dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	r = linkat(cl->dirfd, tmp, cl->dirfd, cl->name, 0);
	e = errno;
	unlinkat(cl->dirfd, tmp, 0);
	if (r == 0) {
		cl->fd = fd;
		return 0;
	}
	close(fd);
	errno = e;
	return e == EEXIST ? 1 : -1;
}

/* 1 when fd is still the file named cl->name. */
static int
current(struct claim *cl, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 &&
	    fstatat(cl->dirfd, cl->name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int
dedupe_claim(struct claim *cl, const char *dir, const char *key,
             long wait_ms)
{
	long long deadline = io_now_ms() + wait_ms;
	char rec[DEDUPE_RECORD + 1], *sp;
	int fd, r, tries, e;
	ssize_t n;

	cl->fd = -1;
	cl->note[0] = '\0';
	dedupe_name(key, cl->name);
	if ((cl->dirfd = open_dir(dir)) < 0)
		return DEDUPE_FAIL;
	for (tries = 0; tries < CLAIM_TRIES; tries++) {
		if ((r = create(cl)) == 0)
			return DEDUPE_MINE;
		if (r < 0)
			goto fail;
		fd = openat(cl->dirfd, cl->name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;   /* released meanwhile */
			goto fail;
		}
		wait_ms = (long)(deadline - io_now_ms());
		if (lock_fd(fd, 1, wait_ms > 0 ? wait_ms : 0) < 0) {
			e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				break;
			errno = e;
			goto fail;
		}
		if (!current(cl, fd)) {
			close(fd);      /* released, maybe claimed anew */
			continue;
		}
		n = pread(fd, rec, DEDUPE_RECORD, 0);
		if (n > 0 && rec[0] != '-') {
			close(fd);
			close(cl->dirfd);
			cl->dirfd = -1;
			return DEDUPE_DONE;
		}
		/* undecided and unlocked: its claimant died undecided. Keep
		 * its note; make sure the record's room is there. */
		if (n > 2) {
			rec[n] = '\0';
			if ((sp = strpbrk(rec + 2, " \n")) != NULL)
				*sp = '\0';
			snprintf(cl->note, sizeof cl->note, "%s", rec + 2);
		}
		if (n != DEDUPE_RECORD && put_undecided(fd, cl->note) < 0) {
			e = errno;
			close(fd);
			errno = e;
			goto fail;
		}
		cl->fd = fd;
		return DEDUPE_MINE;
	}
	close(cl->dirfd);
	cl->dirfd = -1;
	return DEDUPE_BUSY;
fail:
	e = errno;
	close(cl->dirfd);
	cl->dirfd = -1;
	errno = e;
	return DEDUPE_FAIL;
}

int
dedupe_note(struct claim *cl, const char *note)
{
	if (cl->fd < 0)
		return 0;
	return put_undecided(cl->fd, note);
}

int
dedupe_record(struct claim *cl, int status)
{
	if (cl->fd < 0)
		return 0;
	if (put_outcome(cl->fd, status) < 0 || fsync(cl->dirfd) < 0)
		return -1;
	/* decided: let others read it (a keeper may share the lock) */
	flock(cl->fd, LOCK_UN);
	return 0;
}

int
dedupe_keep(struct claim *cl, int status)
{
	int r;

	if (cl->fd < 0)
		return 0;
	r = dedupe_record(cl, status);
	flock(cl->fd, LOCK_UN);
	close(cl->fd);
	close(cl->dirfd);
	cl->fd = cl->dirfd = -1;
	return r;
}

int
dedupe_mark(const char *dir, const char *name, int status)
{
	int dfd, fd, r = -1, e;

	if (!name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	fd = openat(dfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0)
		r = put_outcome(fd, status) < 0 || fsync(dfd) < 0 ? -1 : 0;
	e = errno;
	if (fd >= 0)
		close(fd);
	close(dfd);
	errno = e;
	return r;
}

int
dedupe_status(const char *dir, const char *name)
{
	char rec[8];
	int dfd, fd, st = 0, i;
	ssize_t n = -1;

	if (!name_ok(name))
		return 0;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = pread(fd, rec, sizeof rec, 0);
		close(fd);
	}
	close(dfd);
	if (n < 4)
		return 0;
	for (i = 0; i < 3; i++) {
		if (rec[i] < '0' || rec[i] > '9')
			return 0;
		st = st * 10 + (rec[i] - '0');
	}
	return rec[3] == ' ' ? st : 0;
}

void
dedupe_release(struct claim *cl)
{
	if (cl->fd < 0)
		return;
	unlinkat(cl->dirfd, cl->name, 0);
	close(cl->fd);
	close(cl->dirfd);
	cl->fd = cl->dirfd = -1;
}

void
dedupe_prune(const char *dir, int days, size_t max)
{
	time_t cutoff = time(NULL) - (time_t)days * 86400;
	char buf[32];
	struct dirent *d;
	struct stat st;
	DIR *dp;
	long pos = 0;
	size_t seen;
	ssize_t n, i;
	int dfd, cfd;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	cfd = openat(dfd, ".cursor", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (cfd < 0 || lock_fd(cfd, 1, 0) < 0) {
		if (cfd >= 0)
			close(cfd);
		close(dfd);
		return;
	}
	/* the cursor: a telldir() position in decimal, as written below */
	if ((n = pread(cfd, buf, sizeof buf - 1, 0)) > 0) {
		for (i = 0; i < n && buf[i] >= '0' && buf[i] <= '9' &&
		    pos < LONG_MAX / 10 - 10; i++)
			pos = pos * 10 + (buf[i] - '0');
		if (i == 0 || (i < n && buf[i] != '\n'))
			pos = 0;
	}
	if ((dp = fdopendir(dfd)) == NULL) {
		close(cfd);
		close(dfd);
		return;
	}
	if (pos > 0)
		seekdir(dp, pos);
	for (seen = 0; seen < max; seen++) {
		if ((d = readdir(dp)) == NULL)
			break;
		if (d->d_name[0] == '.' && (d->d_name[1] == '\0' ||
		    strcmp(d->d_name, "..") == 0 || strcmp(d->d_name, ".cursor") == 0))
			continue;
		if (fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_mtime < cutoff)
			unlinkat(dfd, d->d_name, 0);
	}
	pos = seen == max ? telldir(dp) : 0;
	if (pos < 0)
		pos = 0;
	n = snprintf(buf, sizeof buf, "%ld\n", pos);
	if (ftruncate(cfd, 0) == 0)
		(void)!pwrite(cfd, buf, (size_t)n, 0);
	closedir(dp);
	close(cfd);
}
