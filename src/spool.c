/* spool.c: the spool's files; the layout and its guarantees are in
 * spool.h. Every write that a 2xx depends on is fsynced, file first, then
 * the directories whose entries changed. Reads are bounded by the limits
 * in limits.h; an entry that is not well formed is refused, never guessed
 * at. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "opts.h"
#include "spool.h"

#define ENTRY_FILES_MAX 16   /* files an entry directory may hold */

static int
open_sub(int dirfd, const char *name, int create)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);

	/* another delivery may be making it at the same moment */
	if (fd < 0 && errno == ENOENT && create &&
	    (mkdirat(dirfd, name, 0700) == 0 || errno == EEXIST))
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
		    O_NOFOLLOW);
	return fd;
}

int
spool_open(struct spool *s, const char *dir, int create)
{
	int e;

	s->tmpfd = s->newfd = s->failfd = -1;
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0 && errno == ENOENT && create &&
	    (mkdir(dir, 0700) == 0 || errno == EEXIST))
		s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0)
		return -1;
	if ((s->tmpfd = open_sub(s->dirfd, "tmp", create)) < 0 ||
	    (s->newfd = open_sub(s->dirfd, "new", create)) < 0 ||
	    (s->failfd = open_sub(s->dirfd, "failed", create)) < 0) {
		e = errno;
		spool_close(s);
		errno = e;
		return -1;
	}
	return 0;
}

void
spool_close(struct spool *s)
{
	if (s->failfd >= 0)
		close(s->failfd);
	if (s->newfd >= 0)
		close(s->newfd);
	if (s->tmpfd >= 0)
		close(s->tmpfd);
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->dirfd = s->tmpfd = s->newfd = s->failfd = -1;
}

int
spool_id_ok(const char *id)
{
	size_t i;

	if (id[0] == '\0' || id[0] == '.')
		return 0;
	for (i = 0; id[i]; i++)
		if (i == SPOOL_ID_MAX || !((id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= '0' && id[i] <= '9') ||
		    id[i] == '.' || id[i] == '_' || id[i] == '-'))
			return 0;
	return 1;
}

/* Buffered writing of one file. */
struct wfile {
	int fd, err;
	size_t n;
	char buf[16384];
};

static void
wflush(struct wfile *w)
{
	size_t off = 0;
	ssize_t r;

	while (!w->err && off < w->n) {
		r = write(w->fd, w->buf + off, w->n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			w->err = r < 0 ? errno : EIO;
		else
			off += (size_t)r;
	}
	w->n = 0;
}

static void
wput(struct wfile *w, const void *p, size_t len)
{
	const char *c = p;
	size_t k;

	while (len && !w->err) {
		if (w->n == sizeof w->buf)
			wflush(w);
		k = sizeof w->buf - w->n < len ? sizeof w->buf - w->n : len;
		memcpy(w->buf + w->n, c, k);
		w->n += k;
		c += k;
		len -= k;
	}
}

static int
wopen(struct wfile *w, int dirfd, const char *name)
{
	w->n = 0;
	w->err = 0;
	w->fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	return w->fd < 0 ? -1 : 0;
}

/* Flushes, fsyncs and closes. Returns 0 or -1 with errno. */
static int
wclose(struct wfile *w)
{
	wflush(w);
	if (!w->err && fsync(w->fd) < 0)
		w->err = errno;
	if (close(w->fd) < 0 && !w->err)
		w->err = errno;
	w->fd = -1;
	if (w->err) {
		errno = w->err;
		return -1;
	}
	return 0;
}

static void
wstrings(struct wfile *w, char *const v[])
{
	size_t i;

	for (i = 0; v[i]; i++)
		wput(w, v[i], strlen(v[i]) + 1);
}

/* Removes the entry directory parent/id and what it holds. */
static int
remove_entry(int parent, const char *id)
{
	struct dirent *d;
	DIR *dp;
	int fd, n = 0;

	fd = openat(parent, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && (dp = fdopendir(fd)) != NULL) {
		while (n++ < ENTRY_FILES_MAX && (d = readdir(dp)) != NULL)
			if (strcmp(d->d_name, ".") != 0 &&
			    strcmp(d->d_name, "..") != 0)
				unlinkat(fd, d->d_name, 0);
		closedir(dp);
	} else if (fd >= 0) {
		close(fd);
	}
	return unlinkat(parent, id, AT_REMOVEDIR);
}

void
spool_new_id(struct spool_entry *e)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(e->id, sizeof e->id, "%lld.%06ld.%ld", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000, (long)getpid());
}

int
spool_write(struct spool *s, const unsigned char *body, size_t len,
            char *const argv[], char *const envp[],
            const struct spool_opts *o, struct spool_entry *e)
{
	static struct wfile w;
	char num[32];
	size_t i;
	int efd = -1, err;

	e->fd = -1;
	e->failed = 0;
	w.fd = -1;
	if (!o->id || !spool_id_ok(o->id))
		spool_new_id(e);
	else if (o->id != e->id)
		memmove(e->id, o->id, strlen(o->id) + 1);
	if (mkdirat(s->tmpfd, e->id, 0700) < 0)
		return -1;
	efd = openat(s->tmpfd, e->id, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	if (efd < 0 || lock_fd(efd, 1, 0) < 0)
		goto fail;
	if (wopen(&w, efd, "body") < 0)
		goto fail;
	wput(&w, body, len);
	if (wclose(&w) < 0 || wopen(&w, efd, "argv") < 0)
		goto fail;
	wstrings(&w, argv);
	if (wclose(&w) < 0 || wopen(&w, efd, "env") < 0)
		goto fail;
	wstrings(&w, envp);
	if (wclose(&w) < 0 || wopen(&w, efd, "opts") < 0)
		goto fail;
	snprintf(num, sizeof num, "hook-timeout=%d", o->hook_timeout);
	wput(&w, num, strlen(num) + 1);
	if (o->lock) {
		wput(&w, "lock=", 5);
		wput(&w, o->lock, strlen(o->lock) + 1);
		snprintf(num, sizeof num, "lock-wait=%d", o->lock_wait);
		wput(&w, num, strlen(num) + 1);
	}
	if (o->dedupe) {
		wput(&w, "dedupe=", 7);
		wput(&w, o->dedupe, strlen(o->dedupe) + 1);
		for (i = 0; i < o->nclaims; i++) {
			wput(&w, "claim=", 6);
			wput(&w, o->claims[i], strlen(o->claims[i]) + 1);
		}
	}
	if (wclose(&w) < 0 || fsync(efd) < 0 ||
	    renameat(s->tmpfd, e->id, s->newfd, e->id) < 0)
		goto fail;
	if (fsync(s->newfd) < 0) {
		err = errno;
		if (renameat(s->newfd, e->id, s->tmpfd, e->id) == 0)
			remove_entry(s->tmpfd, e->id);
		close(efd);
		errno = err;
		return -1;
	}
	(void)fsync(s->tmpfd);
	e->fd = efd;
	return 0;
fail:
	err = errno;
	if (w.fd >= 0)
		close(w.fd);
	w.fd = -1;
	remove_entry(s->tmpfd, e->id);
	if (efd >= 0)
		close(efd);
	errno = err;
	return -1;
}

/* 1 when fd is still the directory parent/id. */
static int
still(int parent, const char *id, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 &&
	    fstatat(parent, id, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int
spool_lock(struct spool *s, const char *id, long wait_ms,
           struct spool_entry *e)
{
	int tries, failed, fd, parent, err;

	e->fd = -1;
	if (!spool_id_ok(id)) {
		errno = ENOENT;
		return -1;
	}
	memmove(e->id, id, strlen(id) + 1);   /* id may be e->id */
	/* an entry may move from new/ to failed/ while we wait: look twice */
	for (tries = 0; tries < 2; tries++) {
		for (failed = 0; failed < 2; failed++) {
			parent = failed ? s->failfd : s->newfd;
			fd = openat(parent, id, O_RDONLY | O_DIRECTORY |
			    O_CLOEXEC | O_NOFOLLOW);
			if (fd < 0)
				continue;
			if (lock_fd(fd, 1, wait_ms) < 0) {
				err = errno;
				close(fd);
				errno = err;
				return -1;
			}
			if (still(parent, id, fd)) {
				e->fd = fd;
				e->failed = failed;
				return 0;
			}
			close(fd);
		}
	}
	errno = ENOENT;
	return -1;
}

int
spool_body(const struct spool_entry *e)
{
	return openat(e->fd, "body", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

/* Reads dirfd/name into buf[0..cap), at most max bytes. Returns its length
 * or -1. */
static ssize_t
slurp(int dirfd, const char *name, char *buf, size_t cap, size_t max)
{
	size_t n = 0;
	ssize_t r;
	char more;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -1;
	if (cap > max)
		cap = max;
	while ((r = read(fd, buf + n, cap - n)) > 0 && (n += (size_t)r) < cap)
		;
	if (r > 0 && n == cap && read(fd, &more, 1) > 0) {
		close(fd);
		errno = E2BIG;
		return -1;
	}
	close(fd);
	return r < 0 ? -1 : (ssize_t)n;
}

/* Splits buf[0..len) of NUL-terminated strings into v (slots entries,
 * the last NULL). Returns the count or -1. */
static long
split(char *buf, size_t len, char **v, size_t slots)
{
	size_t i, k = 0, start = 0;

	if (len > 0 && buf[len - 1] != '\0') {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] != '\0')
			continue;
		if (k + 1 >= slots) {
			errno = E2BIG;
			return -1;
		}
		v[k++] = buf + start;
		start = i + 1;
	}
	v[k] = NULL;
	return (long)k;
}

int
spool_load(const struct spool_entry *e, char *buf, size_t cap,
           char **argv, size_t nargv, char **envp, size_t nenvp,
           struct spool_opts *o)
{
	char *opt[8];
	size_t used = 0, i;
	unsigned long n;
	ssize_t r;
	long k;

	o->hook_timeout = HOOK_TIMEOUT_DEFAULT;
	o->lock = NULL;
	o->lock_wait = LOCK_WAIT_DEFAULT;
	o->dedupe = NULL;
	o->nclaims = 0;
	o->id = NULL;
	if ((r = slurp(e->fd, "argv", buf, cap, SPOOL_ARGV_MAX)) < 0 ||
	    (k = split(buf, (size_t)r, argv, nargv)) < 0)
		return -1;
	if (k < 1 || argv[0][0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	used = (size_t)r;
	if ((r = slurp(e->fd, "env", buf + used, cap - used, ENV_BYTES_MAX)) < 0 ||
	    split(buf + used, (size_t)r, envp, nenvp) < 0)
		return -1;
	used += (size_t)r;
	if ((r = slurp(e->fd, "opts", buf + used, cap - used, SPOOL_OPTS_MAX)) < 0 ||
	    (k = split(buf + used, (size_t)r, opt, sizeof opt / sizeof *opt)) < 0)
		return -1;
	for (i = 0; i < (size_t)k; i++) {
		if (strncmp(opt[i], "hook-timeout=", 13) == 0 &&
		    opts_number(opt[i] + 13, 1, TIMEOUT_LIMIT, &n) == 0)
			o->hook_timeout = (int)n;
		else if (strncmp(opt[i], "lock-wait=", 10) == 0 &&
		    opts_number(opt[i] + 10, 0, TIMEOUT_LIMIT, &n) == 0)
			o->lock_wait = (int)n;
		else if (strncmp(opt[i], "lock=", 5) == 0 && opt[i][5] != '\0')
			o->lock = opt[i] + 5;
		else if (strncmp(opt[i], "dedupe=", 7) == 0 && opt[i][7] != '\0')
			o->dedupe = opt[i] + 7;
		else if (strncmp(opt[i], "claim=", 6) == 0 && opt[i][6] != '\0' &&
		    o->nclaims < SPOOL_CLAIMS_MAX)
			o->claims[o->nclaims++] = opt[i] + 6;
		else {
			errno = EINVAL;
			return -1;
		}
	}
	return 0;
}

void
spool_unlock(struct spool_entry *e)
{
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
}

int
spool_done(struct spool *s, struct spool_entry *e)
{
	int from = e->failed ? s->failfd : s->newfd, r = 0, err = 0;

	if (renameat(from, e->id, s->tmpfd, e->id) < 0 || fsync(from) < 0) {
		r = -1;
		err = errno;
	} else {
		remove_entry(s->tmpfd, e->id);
	}
	spool_unlock(e);
	errno = err;
	return r;
}

int
spool_fail(struct spool *s, struct spool_entry *e, const char *why)
{
	static struct wfile w;
	char line[64];
	int err = 0;

	snprintf(line, sizeof line, "%lld ", (long long)time(NULL));
	if (wopen(&w, e->fd, "reason.tmp") == 0) {
		wput(&w, line, strlen(line));
		wput(&w, why, strlen(why));
		wput(&w, "\n", 1);
		if (wclose(&w) < 0 ||
		    renameat(e->fd, "reason.tmp", e->fd, "reason") < 0)
			err = errno;
	} else {
		err = errno;
	}
	if (err) {
		/* no half-written reason, nor an older one that is no longer
		 * true: a missing reason reads as unknown */
		unlinkat(e->fd, "reason.tmp", 0);
		unlinkat(e->fd, "reason", 0);
	}
	if (fsync(e->fd) < 0 && !err)
		err = errno;
	if (!e->failed) {
		if (renameat(s->newfd, e->id, s->failfd, e->id) < 0) {
			err = errno;    /* still in new/: what the caller must hear */
		} else {
			e->failed = 1;
			if ((fsync(s->failfd) < 0 || fsync(s->newfd) < 0) && !err)
				err = errno;
		}
	}
	spool_unlock(e);
	errno = err;
	return err ? -1 : 0;
}

int
spool_reason(struct spool *s, const char *id, char *buf, size_t cap)
{
	char path[SPOOL_ID_MAX + 16];
	ssize_t r;
	char *nl;

	if (!spool_id_ok(id) || cap == 0)
		return -1;
	snprintf(path, sizeof path, "%s/reason", id);
	if ((r = slurp(s->failfd, path, buf, cap - 1, cap - 1)) < 0 &&
	    errno != E2BIG)
		return -1;
	if (r == 0)
		return -1;      /* empty: no reason either */
	if (r < 0)
		r = (ssize_t)cap - 1;
	buf[r] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	return 0;
}

/* Points f[i] and len[i] at the three numbers of an ID of the form
 * SECONDS.MICROSECONDS.PID, leading zeros skipped. Returns 0, or -1 when id
 * is not of that form. */
static int
id_fields(const char *id, const char *f[3], size_t len[3])
{
	const char *p = id, *start;
	int i;

	for (i = 0; i < 3; i++) {
		start = p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == start || *p != (i < 2 ? '.' : '\0'))
			return -1;
		while (*start == '0' && start + 1 < p)
			start++;
		f[i] = start;
		len[i] = (size_t)(p - start);
		if (i < 2)
			p++;
	}
	return 0;
}

/* Orders IDs by age: SECONDS, then MICROSECONDS, then PID, each compared as
 * a number of any length (999 before 1000); IDs not of that form come after
 * all that are; what is still equal, byte by byte. */
static int
cmp_id(const void *a, const void *b)
{
	const char *fa[3], *fb[3];
	size_t la[3], lb[3];
	int oka = id_fields(a, fa, la) == 0, okb = id_fields(b, fb, lb) == 0;
	int i, c;

	if (oka != okb)
		return oka ? -1 : 1;
	for (i = 0; oka && i < 3; i++) {
		if (la[i] != lb[i])
			return la[i] < lb[i] ? -1 : 1;
		if ((c = memcmp(fa[i], fb[i], la[i])) != 0)
			return c;
	}
	return strcmp(a, b);
}

static void
swap_ids(char *a, char *b)
{
	char t[SPOOL_ID_MAX + 1];

	memcpy(t, a, sizeof t);
	memcpy(a, b, sizeof t);
	memcpy(b, t, sizeof t);
}

/* h[0..n) is a heap with the newest ID on top. */
static void
heap_up(char (*h)[SPOOL_ID_MAX + 1], size_t i)
{
	while (i > 0 && cmp_id(h[(i - 1) / 2], h[i]) < 0) {
		swap_ids(h[(i - 1) / 2], h[i]);
		i = (i - 1) / 2;
	}
}

static void
heap_down(char (*h)[SPOOL_ID_MAX + 1], size_t n)
{
	size_t i = 0, c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && cmp_id(h[c + 1], h[c]) > 0)
			c++;
		if (cmp_id(h[c], h[i]) <= 0)
			break;
		swap_ids(h[c], h[i]);
		i = c;
	}
}

long
spool_ids(struct spool *s, int which, char (*ids)[SPOOL_ID_MAX + 1],
          size_t max, size_t *total)
{
	struct dirent *d;
	DIR *dp;
	size_t n = 0, seen = 0;
	int fd, k;

	/* every entry is read; the max oldest are kept in a heap */
	for (k = 0; k < 2; k++) {
		if (which != SPOOL_BOTH && which != k)
			continue;
		fd = openat(k ? s->failfd : s->newfd, ".", O_RDONLY |
		    O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || (dp = fdopendir(fd)) == NULL) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		while ((d = readdir(dp)) != NULL) {
			if (!spool_id_ok(d->d_name))
				continue;
			seen++;
			if (n < max) {
				memcpy(ids[n], d->d_name, strlen(d->d_name) + 1);
				heap_up(ids, n++);
			} else if (n > 0 && cmp_id(d->d_name, ids[0]) < 0) {
				memcpy(ids[0], d->d_name, strlen(d->d_name) + 1);
				heap_down(ids, n);
			}
		}
		closedir(dp);
	}
	qsort(ids, n, sizeof *ids, cmp_id);
	if (total)
		*total = seen;
	return (long)n;
}

void
spool_clean_tmp(struct spool *s)
{
	time_t cutoff = time(NULL) - SPOOL_TMP_AGE;
	struct dirent *d;
	struct stat st;
	DIR *dp;
	size_t seen = 0;
	int fd, efd;

	fd = openat(s->tmpfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (dp = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (seen++ < SPOOL_ENTRIES_MAX && (d = readdir(dp)) != NULL) {
		if (!spool_id_ok(d->d_name) ||
		    fstatat(s->tmpfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode) || st.st_mtime >= cutoff)
			continue;
		efd = openat(s->tmpfd, d->d_name, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC | O_NOFOLLOW);
		if (efd >= 0 && lock_fd(efd, 1, 0) == 0)
			remove_entry(s->tmpfd, d->d_name);
		if (efd >= 0)
			close(efd);
	}
	closedir(dp);
}
