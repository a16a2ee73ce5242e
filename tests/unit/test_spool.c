/* test_spool.c: the spool's on-disk contract (spool.c): an entry written
 * into new/ with its files, locked while in use, loaded back exactly, moved
 * to failed/ with a reason, removed when done; IDs; tmp/ cleaning. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "spool.h"

static char top[] = "/tmp/inhook-spool.XXXXXX";
static char dir[64];    /* top/sp, the spool */
static char buf[SPOOL_ARGV_MAX + ENV_BYTES_MAX + SPOOL_OPTS_MAX];
static char ids[8][SPOOL_ID_MAX + 1];

static int
file_is(const char *sub, const char *id, const char *file, const void *want,
        size_t len)
{
	char p[512], got[4096];
	ssize_t n;
	int fd;

	snprintf(p, sizeof p, "%s/%s/%s/%s", dir, sub, id, file);
	if ((fd = open(p, O_RDONLY)) < 0)
		return 0;
	n = read(fd, got, sizeof got);
	close(fd);
	return n == (ssize_t)len && memcmp(got, want, len) == 0;
}

static int
entries(const char *sub)
{
	char p[512];
	int n = -2;
	FILE *f;

	snprintf(p, sizeof p, "ls -a '%s/%s' | wc -l", dir, sub);
	if ((f = popen(p, "r")) == NULL)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	pclose(f);
	return n - 2;
}

/* 1 if another process cannot lock id right now. */
static int
locked_elsewhere(struct spool *s, const char *id)
{
	struct spool_entry e;
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(spool_lock(s, id, 0, &e) < 0 && errno == EWOULDBLOCK);
	waitpid(pid, &st, 0);
	return WEXITSTATUS(st);
}

int
main(void)
{
	static const unsigned char body[] = "{\"status\":\"FAILED\"}\n\0tail";
	char *argv[] = { "/bin/hook", "one arg", "", NULL };
	char *envp[] = { "PATH=/bin", "WEBHOOK_STATUS=FAILED", "EMPTY=", NULL };
	char *av[ARGS_MAX + 1], *ev[ENV_VARS_MAX + 1], reason[128], p[512];
	struct spool_opts o = { 42, "/run/x.lock", 7 }, lo;
	struct spool s;
	struct spool_entry e, e2;
	struct timeval tv[2];
	int fd;
	long n;

	if (!mkdtemp(top))
		return 1;
	snprintf(dir, sizeof dir, "%s/sp", top);

	check(spool_id_ok("1700000000.123456.42"), "an ID");
	check(!spool_id_ok(".hidden") && !spool_id_ok("a/b") &&
	    !spool_id_ok("..") && !spool_id_ok("") && !spool_id_ok("a b"),
	    "not IDs: dot first, slash, empty, space");

	check(spool_open(&s, dir, 0) < 0 && errno == ENOENT,
	    "open without create: a missing spool is ENOENT");
	check(spool_open(&s, dir, 1) == 0, "open with create");

	check(spool_write(&s, body, sizeof body - 1, argv, envp, &o, &e) == 0,
	    "write an entry");
	check(spool_id_ok(e.id) && !e.failed && e.fd >= 0, "... id %s, in new/",
	    e.id);
	check(entries("new") == 1 && entries("tmp") == 0, "... new/ holds it");
	check(file_is("new", e.id, "body", body, sizeof body - 1),
	    "... body exact (NUL included)");
	check(file_is("new", e.id, "argv", "/bin/hook\0one arg\0\0", 19),
	    "... argv NUL-terminated strings");
	check(file_is("new", e.id, "env",
	    "PATH=/bin\0WEBHOOK_STATUS=FAILED\0EMPTY=\0", 39), "... env");
	check(file_is("new", e.id, "opts",
	    "hook-timeout=42\0lock=/run/x.lock\0lock-wait=7\0", 45), "... opts");
	check(locked_elsewhere(&s, e.id), "... locked while its writer holds it");

	check(spool_load(&e, buf, sizeof buf, av, ARGS_MAX + 1, ev,
	    ENV_VARS_MAX + 1, &lo) == 0, "load");
	check(av[0] && strcmp(av[0], "/bin/hook") == 0 &&
	    strcmp(av[1], "one arg") == 0 && strcmp(av[2], "") == 0 &&
	    av[3] == NULL, "... argv back, empty argument kept");
	check(strcmp(ev[1], "WEBHOOK_STATUS=FAILED") == 0 &&
	    strcmp(ev[2], "EMPTY=") == 0 && ev[3] == NULL, "... env back");
	check(lo.hook_timeout == 42 && lo.lock_wait == 7 && lo.lock &&
	    strcmp(lo.lock, "/run/x.lock") == 0, "... opts back");
	check(spool_load(&e, buf, 10, av, ARGS_MAX + 1, ev, ENV_VARS_MAX + 1,
	    &lo) < 0 && errno == E2BIG, "load into too small a buffer: E2BIG");
	check(spool_load(&e, buf, sizeof buf, av, 2, ev, ENV_VARS_MAX + 1,
	    &lo) < 0 && errno == E2BIG, "more arguments than slots: E2BIG");

	fd = spool_body(&e);
	check(fd >= 0 && read(fd, p, sizeof p) == (ssize_t)sizeof body - 1,
	    "the body opens for the hook");
	close(fd);

	check(spool_fail(&s, &e, "exit:3") == 0, "fail");
	check(entries("new") == 0 && entries("failed") == 1, "... into failed/");
	check(e.fd < 0, "... and unlocked");
	check(!locked_elsewhere(&s, e.id), "... nobody holds it");
	check(spool_reason(&s, e.id, reason, sizeof reason) == 0 &&
	    strstr(reason, " exit:3") != NULL && !strchr(reason, '\n'),
	    "... reason \"%s\"", reason);

	check(spool_lock(&s, e.id, 0, &e2) == 0 && e2.failed,
	    "lock finds it in failed/");
	check(spool_fail(&s, &e2, "timeout") == 0 &&
	    spool_reason(&s, e.id, reason, sizeof reason) == 0 &&
	    strstr(reason, " timeout") != NULL, "failing again replaces the reason");
	check(spool_lock(&s, "1.2.3", 0, &e2) < 0 && errno == ENOENT,
	    "lock of an unknown ID: ENOENT");
	check(spool_lock(&s, "../x", 0, &e2) < 0 && errno == ENOENT,
	    "lock of a non-ID: ENOENT");

	check(spool_write(&s, body, 0, argv, envp, &o, &e2) == 0,
	    "a second entry (empty body)");
	spool_unlock(&e2);
	n = spool_ids(&s, 1, ids, 8);
	check(n == 1 && strcmp(ids[0], e.id) == 0, "ids of failed/");
	n = spool_ids(&s, 0, ids, 8);
	check(n == 1 && strcmp(ids[0], e2.id) == 0, "ids of new/");

	check(spool_lock(&s, e.id, 0, &e) == 0 && spool_done(&s, &e) == 0,
	    "done");
	check(spool_lock(&s, e2.id, 0, &e2) == 0 && spool_done(&s, &e2) == 0,
	    "done, from new/");
	check(entries("new") == 0 && entries("failed") == 0 &&
	    entries("tmp") == 0, "... nothing left anywhere");

	/* an entry that is not well formed is refused, not guessed at */
	check(spool_write(&s, body, 1, argv, envp, &o, &e) == 0, "third entry");
	snprintf(p, sizeof p, "%s/new/%s/argv", dir, e.id);
	fd = open(p, O_WRONLY | O_TRUNC);
	check(fd >= 0 && write(fd, "/bin/hook", 9) == 9, "argv without NUL");
	close(fd);
	check(spool_load(&e, buf, sizeof buf, av, ARGS_MAX + 1, ev,
	    ENV_VARS_MAX + 1, &lo) < 0 && errno == EINVAL, "... refused: EINVAL");
	check(spool_done(&s, &e) == 0, "... dropped");

	/* tmp/ leftovers: old ones go, young ones and locked ones stay */
	snprintf(p, sizeof p, "%s/tmp/1.1.1", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/tmp/1.1.1/body", dir);
	close(open(p, O_CREAT | O_WRONLY, 0600));
	snprintf(p, sizeof p, "%s/tmp/1.1.1", dir);
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= SPOOL_TMP_AGE + 60;
	tv[1] = tv[0];
	utimes(p, tv);
	snprintf(p, sizeof p, "%s/tmp/2.2.2", dir);
	mkdir(p, 0700);
	spool_clean_tmp(&s);
	check(entries("tmp") == 1, "clean_tmp removes only the old leftover");

	spool_close(&s);
	snprintf(p, sizeof p, "rm -rf '%s'", top);
	check(system(p) == 0, "cleanup");
	return check_done();
}
