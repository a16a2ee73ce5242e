/* test_dedupe.c: the claim protocol of dedupe.c, between processes: a
 * fresh key is mine, a kept one is done, a released one is free, an
 * undecided one is busy (then decided while waiting), a dead claimant's
 * claim is taken over; names, and pruning by age. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "dedupe.h"
#include "io.h"

static char dir[] = "/tmp/inhook-dedupe.XXXXXX";
static int held = -1;   /* the parent's claim file, if any */

/* Claims key in a child and reports the result through the exit status. */
static int
claim_in_child(const char *key, long wait_ms)
{
	struct claim cl;
	int st, r;
	pid_t pid = fork();

	if (pid == 0) {
		if (held >= 0)
			close(held);    /* the parent's claim is not the child's */
		r = dedupe_claim(&cl, dir, key, wait_ms);
		if (r == DEDUPE_MINE)
			dedupe_release(&cl);
		_exit(r < 0 ? 99 : r);
	}
	waitpid(pid, &st, 0);
	return WEXITSTATUS(st);
}

static int
exists(const char *name)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) == 0;
}

static void
age(const char *name, int days)
{
	char p[256];
	struct timeval tv[2];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	close(open(p, O_CREAT | O_WRONLY, 0600));
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= (time_t)days * 86400 + 60;
	tv[1] = tv[0];
	utimes(p, tv);
}

int
main(void)
{
	char name[DEDUPE_NAME_MAX + 2], key[300];
	struct claim cl, c2;
	long long t0;
	int p[2], st;
	pid_t pid;
	char c;

	if (!mkdtemp(dir))
		return 1;
	rmdir(dir);     /* dedupe_claim creates it */

	dedupe_name("abcDEF0123-_", name);
	check(strcmp(name, "abcDEF0123-_") == 0, "a plain key is its own name");
	dedupe_name("../etc/passwd", name);
	check(name[0] == '=' && strlen(name) == 65 && !strchr(name, '/'),
	    "a key with other bytes is hashed: %s", name);
	memset(key, 'a', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	dedupe_name(key, name);
	check(name[0] == '=' && strlen(name) == 65, "a long key is hashed");
	dedupe_name("", name);
	check(name[0] == '=', "an empty key is hashed");

	check(dedupe_claim(&cl, dir, "k1", 0) == DEDUPE_MINE,
	    "a fresh key is mine (dir created)");
	check(exists("k1"), "... its claim file exists");
	held = cl.fd;
	check(claim_in_child("k1", 0) == DEDUPE_BUSY,
	    "an undecided claim is busy to another process");
	check(dedupe_keep(&cl, 200) == 0, "keep");
	held = -1;
	check(claim_in_child("k1", 0) == DEDUPE_DONE, "a kept key is done");

	check(dedupe_claim(&cl, dir, "k2", 0) == DEDUPE_MINE, "k2 mine");
	dedupe_release(&cl);
	check(!exists("k2"), "release removes the claim");
	check(claim_in_child("k2", 0) == DEDUPE_MINE, "a released key is free");

	/* a waiter learns the outcome: kept */
	check(dedupe_claim(&cl, dir, "k3", 0) == DEDUPE_MINE, "k3 mine");
	pid = fork();
	if (pid == 0) {
		close(cl.fd);   /* the parent's claim is not the child's */
		_exit(dedupe_claim(&c2, dir, "k3", 5000));
	}
	usleep(200000);
	dedupe_keep(&cl, 202);
	waitpid(pid, &st, 0);
	check(WEXITSTATUS(st) == DEDUPE_DONE, "a waiter sees the kept outcome");

	/* a waiter learns the outcome: released, so it claims it */
	check(dedupe_claim(&cl, dir, "k4", 0) == DEDUPE_MINE, "k4 mine");
	pid = fork();
	if (pid == 0) {
		close(cl.fd);
		_exit(dedupe_claim(&c2, dir, "k4", 5000));
	}
	usleep(200000);
	dedupe_release(&cl);
	waitpid(pid, &st, 0);
	check(WEXITSTATUS(st) == DEDUPE_MINE,
	    "a waiter claims a key released meanwhile");

	/* the wait is bounded */
	check(dedupe_claim(&cl, dir, "k5", 0) == DEDUPE_MINE, "k5 mine");
	held = cl.fd;
	t0 = io_now_ms();
	check(claim_in_child("k5", 300) == DEDUPE_BUSY, "busy after the wait");
	check(io_now_ms() - t0 >= 250, "... which was waited");
	dedupe_release(&cl);
	held = -1;

	/* a claimant killed undecided: its claim is taken over */
	if (pipe(p) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		c = dedupe_claim(&cl, dir, "k6", 0) == DEDUPE_MINE ? 'y' : 'n';
		(void)!write(p[1], &c, 1);
		pause();
		_exit(0);
	}
	check(read(p[0], &c, 1) == 1 && c == 'y', "k6 claimed by a child");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	check(exists("k6"), "... killed, its claim file stays");
	check(dedupe_claim(&cl, dir, "k6", 0) == DEDUPE_MINE,
	    "... and the next delivery takes it over");
	dedupe_keep(&cl, 200);

	/* the record, the note, and the spool retry's view of a claim */
	check(dedupe_claim(&cl, dir, "k7", 0) == DEDUPE_MINE, "k7 mine");
	check(dedupe_note(&cl, "spool=1.000001.7") == 0, "k7 noted");
	check(dedupe_status(dir, "k7") == 0, "... undecided: status 0");
	held = cl.fd;
	check(claim_in_child("k7", 0) == DEDUPE_BUSY, "... and busy");
	held = -1;
	check(dedupe_record(&cl, 202) == 0 && dedupe_status(dir, "k7") == 202,
	    "recorded 202, fd kept");
	check(claim_in_child("k7", 0) == DEDUPE_DONE, "... and done for others");
	check(dedupe_mark(dir, "k7", 200) == 0 && dedupe_status(dir, "k7") == 200,
	    "marked 200 by name");
	dedupe_keep(&cl, 200);
	{
		struct stat sb;
		char path[300];
		snprintf(path, sizeof path, "%s/k7", dir);
		check(stat(path, &sb) == 0 && sb.st_size == DEDUPE_RECORD,
		    "every record has the one size (%lld)", (long long)sb.st_size);
	}
	/* a killed claimant's note survives the takeover */
	pid = fork();
	if (pid == 0) {
		if (dedupe_claim(&cl, dir, "k8", 0) == DEDUPE_MINE)
			dedupe_note(&cl, "spool=2.000002.8");
		_exit(0);       /* dies undecided */
	}
	waitpid(pid, &st, 0);
	check(dedupe_claim(&cl, dir, "k8", 0) == DEDUPE_MINE &&
	    strcmp(cl.note, "spool=2.000002.8") == 0,
	    "a taken-over claim keeps its note: \"%s\"", cl.note);
	dedupe_release(&cl);
	/* names come from a spool entry's file: never a path */
	errno = 0;
	check(dedupe_mark(dir, "../k1", 200) == -1 && errno == EINVAL,
	    "dedupe_mark refuses a name with a /");
	check(dedupe_status(dir, "../k1") == 0 && dedupe_status(dir, ".cursor") == 0,
	    "dedupe_status reads no path and no dot file");

	/* unusable directory */
	check(dedupe_claim(&cl, "/nonexistent-dir/x", "k", 0) == DEDUPE_FAIL,
	    "a directory that cannot be made: DEDUPE_FAIL");

	/* pruning */
	age("old", 8);
	age("young", 6);
	dedupe_prune(dir, 7, 1000);
	check(!exists("old"), "prune removes a claim older than the days");
	check(exists("young"), "... keeps a younger one");
	check(exists("k1"), "... and fresh ones");
	{
		char n[32];
		int i, left = 0;
		for (i = 0; i < 50; i++) {
			snprintf(n, sizeof n, "old%d", i);
			age(n, 30);
		}
		dedupe_prune(dir, 7, 10);
		for (i = 0; i < 50; i++) {
			snprintf(n, sizeof n, "old%d", i);
			left += exists(n);
		}
		check(left >= 40, "prune looks at no more than max entries (%d of 50 left)", left);
		for (i = 0; i < 20 && left; i++) {
			int k;
			dedupe_prune(dir, 7, 10);
			for (left = 0, k = 0; k < 50; k++) {
				snprintf(n, sizeof n, "old%d", k);
				left += exists(n);
			}
		}
		check(left == 0, "... and goes on where it stopped (all gone after %d more)", i);
	}
	snprintf(key, sizeof key, "rm -rf '%s'", dir);
	check(system(key) == 0, "cleanup");
	return check_done();
}
