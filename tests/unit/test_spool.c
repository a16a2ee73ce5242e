/* test_spool.c: the spool's on-disk contract (spool.c): an entry written
 * into new/ with its files, locked while in use, loaded back exactly, moved
 * to failed/ with a reason, removed when done; IDs; tmp/ cleaning. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "spool.h"

static char top[] = "/tmp/inhook-spool.XXXXXX";
static char dir[64];    /* top/sp, the spool */
static char buf[SPOOL_ARGV_MAX + ENV_BYTES_MAX + SPOOL_OPTS_MAX];
static char ids[64][SPOOL_ID_MAX + 1];

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

/* 1 if sub/id/file (file "" for the entry itself) exists. */
static int
has(const char *sub, const char *id, const char *file)
{
	char p[512];

	snprintf(p, sizeof p, "%s/%s/%s/%s", dir, sub, id, file);
	return access(p, F_OK) == 0;
}

/* Makes an empty entry directory sub/id. */
static void
mkentry(const char *sub, const char *id)
{
	char p[512];

	snprintf(p, sizeof p, "%s/%s/%s", dir, sub, id);
	mkdir(p, 0700);
}

/* spool_fail(id, why) in a child whose files cannot grow (RLIMIT_FSIZE 0,
 * as on a full disk). Returns its result: 1 failed, 2 e.failed after, 4
 * errno EFBIG; -1 when the child could not lock id. */
static int
fail_full(struct spool *s, const char *id, const char *why)
{
	struct rlimit rl = { 0, 0 };
	struct spool_entry e;
	int st, r;
	pid_t pid = fork();

	if (pid == 0) {
		if (spool_lock(s, id, 0, &e) < 0)
			_exit(255);
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		r = spool_fail(s, &e, why);
		_exit((r < 0) | (e.failed ? 2 : 0) | (r < 0 && errno == EFBIG ?
		    4 : 0));
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) != 255 ? WEXITSTATUS(st) : -1;
}

int
main(void)
{
	static const unsigned char body[] = "{\"status\":\"FAILED\"}\n\0tail";
	char *argv[] = { "/bin/hook", "one arg", "", NULL };
	char *envp[] = { "PATH=/bin", "WEBHOOK_STATUS=FAILED", "EMPTY=", NULL };
	char *av[ARGS_MAX + 1], *ev[ENV_VARS_MAX + 1], reason[128], p[512];
	struct spool_opts o = { .hook_timeout = 42, .lock = "/run/x.lock",
	    .lock_wait = 7 }, lo;
	struct spool s, bad;
	struct spool_entry e, e2;
	size_t all;
	int i, k;
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
	n = spool_ids(&s, SPOOL_FAILED, ids, 8, NULL);
	check(n == 1 && strcmp(ids[0], e.id) == 0, "ids of failed/");
	n = spool_ids(&s, SPOOL_NEW, ids, 8, NULL);
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

	/* IDs oldest first as numbers, across new/ and failed/, the oldest
	 * kept whatever the order they are read in */
	mkentry("failed", "1000.000000.1");
	mkentry("new", "999.000001.5");
	mkentry("failed", "999.000002.1");
	mkentry("failed", "10000.000000.1");
	mkentry("new", "1000.000000.2");
	mkentry("failed", "999.000001.40");
	mkentry("new", "not-an-age");
	n = spool_ids(&s, SPOOL_BOTH, ids, 64, &all);
	check(n == 7 && all == 7 && strcmp(ids[0], "999.000001.5") == 0 &&
	    strcmp(ids[1], "999.000001.40") == 0 &&
	    strcmp(ids[2], "999.000002.1") == 0 &&
	    strcmp(ids[3], "1000.000000.1") == 0 &&
	    strcmp(ids[4], "1000.000000.2") == 0 &&
	    strcmp(ids[5], "10000.000000.1") == 0 &&
	    strcmp(ids[6], "not-an-age") == 0,
	    "ids of both: numeric order (999 before 1000, PID 5 before 40), "
	    "new/ and failed/ mixed, a non-age ID last");
	n = spool_ids(&s, SPOOL_BOTH, ids, 3, &all);
	check(n == 3 && all == 7 && strcmp(ids[0], "999.000001.5") == 0 &&
	    strcmp(ids[1], "999.000001.40") == 0 &&
	    strcmp(ids[2], "999.000002.1") == 0,
	    "ids at a limit of 3: the 3 oldest of 7, new/ not starved");
	n = spool_ids(&s, SPOOL_FAILED, ids, 2, &all);
	check(n == 2 && all == 4 && strcmp(ids[0], "999.000001.40") == 0 &&
	    strcmp(ids[1], "999.000002.1") == 0,
	    "ids of failed/ at a limit of 2: its 2 oldest, 4 in all");
	snprintf(p, sizeof p, "rm -rf '%s/new/'* '%s/failed/'*", dir, dir);
	check(system(p) == 0 && entries("new") == 0 && entries("failed") == 0,
	    "... cleared");
	for (i = 0; i < 50; i++) {      /* 50 entries in a scrambled order */
		k = (i * 37) % 50;
		snprintf(p, sizeof p, "%d.%06d.1", 990 + k, k % 7);
		mkentry(i % 3 ? "failed" : "new", p);
	}
	n = spool_ids(&s, SPOOL_BOTH, ids, 5, &all);
	check(n == 5 && all == 50 && strcmp(ids[0], "990.000000.1") == 0 &&
	    strcmp(ids[1], "991.000001.1") == 0 &&
	    strcmp(ids[2], "992.000002.1") == 0 &&
	    strcmp(ids[3], "993.000003.1") == 0 &&
	    strcmp(ids[4], "994.000004.1") == 0,
	    "ids at a limit of 5 of 50 scrambled: the 5 oldest, sorted "
	    "(%s ... %s)", ids[0], ids[4]);
	snprintf(p, sizeof p, "rm -rf '%s/new/'* '%s/failed/'*", dir, dir);
	check(system(p) == 0 && entries("new") == 0 && entries("failed") == 0,
	    "... cleared");

	/* failing on a full disk: moved, no reason.tmp left, no reason (it
	 * reads as unknown), and the caller hears both */
	check(spool_write(&s, body, 1, argv, envp, &o, &e) == 0, "fourth entry");
	spool_unlock(&e);
	check(fail_full(&s, e.id, "exit:3") == 7,
	    "fail with a full disk: -1 EFBIG, and e.failed says it moved");
	check(has("failed", e.id, "") && !has("new", e.id, ""),
	    "... it is in failed/");
	check(!has("failed", e.id, "reason.tmp"), "... no reason.tmp left");
	check(!has("failed", e.id, "reason") &&
	    spool_reason(&s, e.id, reason, sizeof reason) < 0,
	    "... no reason");
	check(spool_lock(&s, e.id, 0, &e) == 0 &&
	    spool_fail(&s, &e, "exit:4") == 0 &&
	    spool_reason(&s, e.id, reason, sizeof reason) == 0 &&
	    strstr(reason, " exit:4") != NULL, "... a later failure has one");
	check(fail_full(&s, e.id, "exit:5") == 7 && has("failed", e.id, "") &&
	    !has("failed", e.id, "reason") && !has("failed", e.id, "reason.tmp"),
	    "failing again on a full disk: the old reason, no longer true, "
	    "goes too");
	snprintf(p, sizeof p, "%s/failed/%s/reason", dir, e.id);
	close(open(p, O_CREAT | O_WRONLY | O_TRUNC, 0600));
	check(spool_reason(&s, e.id, reason, sizeof reason) < 0,
	    "an empty reason is none");
	check(spool_lock(&s, e.id, 0, &e) == 0 && spool_done(&s, &e) == 0,
	    "... dropped");

	/* failing when failed/ cannot take it: still in new/, and said so */
	check(spool_write(&s, body, 1, argv, envp, &o, &e) == 0, "fifth entry");
	bad = s;
	bad.failfd = -1;
	check(spool_fail(&bad, &e, "exit:3") < 0 && errno == EBADF &&
	    !e.failed, "fail when failed/ cannot be written: -1, e.failed 0");
	check(has("new", e.id, "") && !has("failed", e.id, "") && e.fd < 0,
	    "... still in new/, unlocked");
	check(spool_lock(&s, e.id, 0, &e) == 0 && !e.failed &&
	    spool_done(&s, &e) == 0, "... dropped");

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
