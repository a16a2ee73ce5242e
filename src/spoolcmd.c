/* spoolcmd.c: the "inhook spool" command (contract in spoolcmd.h). It
 * works only through spool.c, takes each entry's lock before touching it,
 * and never waits for an entry in progress. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dedupe.h"
#include "hook.h"
#include "limits.h"
#include "lock.h"
#include "log.h"
#include "spool.h"
#include "spoolcmd.h"
#include "status.h"

#define EXIT_USAGE 100
#define EXIT_TEMP  111

static char ids[SPOOL_ENTRIES_MAX][SPOOL_ID_MAX + 1];
static char meta[SPOOL_ARGV_MAX + ENV_BYTES_MAX + SPOOL_OPTS_MAX];
static char *hargv[ARGS_MAX + 1];
static char *henvp[ENV_VARS_MAX + 1];

static const char usage[] =
"usage: inhook spool list|retry|drop [--spool DIR] [ID...]\n";

static int
list(struct spool *s, int nid, char **want)
{
	char reason[256];
	struct spool_entry e;
	struct stat st;
	char path[SPOOL_ID_MAX + 8];
	const char *state;
	size_t all;
	long n, i;
	int failed, k, rc = 0, found, moved;

	for (k = 0; k < nid; k++) {
		if (!spool_id_ok(want[k])) {
			fprintf(stderr, "inhook spool: %.80s: not an ID\n", want[k]);
			return EXIT_USAGE;
		}
	}
	for (k = 0; k < nid; k++) {
		snprintf(path, sizeof path, "%.64s", want[k]);
		found = fstatat(s->newfd, path, &st, 0) == 0 ||
		    fstatat(s->failfd, path, &st, 0) == 0;
		if (!found) {
			fprintf(stderr, "inhook spool: %s: no such entry\n", want[k]);
			rc = EXIT_USAGE;
		}
	}
	for (failed = 0; failed < 2; failed++) {
		if ((n = spool_ids(s, failed, ids, SPOOL_ENTRIES_MAX, &all)) < 0) {
			fprintf(stderr, "inhook spool: cannot read %s/: %s\n",
			    failed ? "failed" : "new", strerror(errno));
			return EXIT_TEMP;
		}
		for (i = 0; i < n; i++) {
			for (k = 0; k < nid && strcmp(want[k], ids[i]) != 0; k++)
				;
			if (nid && k == nid)
				continue;
			state = "failed";
			if (!failed) {
				state = "new";
				if (spool_lock(s, ids[i], 0, &e) == 0) {
					moved = e.failed;
					spool_unlock(&e);
					if (moved)      /* failed since: listed there */
						continue;
				} else if (errno == EWOULDBLOCK) {
					state = "running";
				} else if (errno == ENOENT) {
					continue;       /* finished since it was read */
				}
			}
			/* an entry that went since it was read is not listed */
			if (fstatat(failed ? s->failfd : s->newfd, ids[i], &st,
			    0) < 0 || !S_ISDIR(st.st_mode))
				continue;
			snprintf(path, sizeof path, "%.64s/body", ids[i]);
			if (fstatat(failed ? s->failfd : s->newfd, path, &st, 0) < 0)
				st.st_size = 0;
			if (!failed)
				snprintf(reason, sizeof reason, "-");
			else if (spool_reason(s, ids[i], reason, sizeof reason) < 0)
				snprintf(reason, sizeof reason, "unknown");
			printf("%s\t%s\t%lld\t%s\n", ids[i], state,
			    (long long)st.st_size, reason);
		}
		if ((size_t)n < all) {
			fflush(stdout);
			fprintf(stderr, "inhook spool: more than %d entries in "
			    "%s/; listed the %ld oldest\n", SPOOL_ENTRIES_MAX,
			    failed ? "failed" : "new", n);
		}
	}
	return fflush(stdout) == 0 ? rc : EXIT_TEMP;
}

/* What the keeper does once a retried hook exited 0: records the success
 * in the entry's --dedupe claims, then removes the entry, so that a crash
 * of this command at any point never runs it again. */
struct retried {
	struct spool *s;
	struct spool_entry *e;
	const struct spool_opts *o;
};

static void
retried_ok(void *arg)
{
	struct retried *r = arg;
	size_t i;

	for (i = 0; i < r->o->nclaims; i++)
		(void)dedupe_mark(r->o->dedupe, r->o->claims[i], S_OK);
	(void)spool_done(r->s, r->e);
}

/* 1 when one of the entry's --dedupe claims says its hook succeeded
 * already (the claimant died between that and removing the entry). */
static int
ran_before(const struct spool_opts *o)
{
	size_t i;

	for (i = 0; o->dedupe && i < o->nclaims; i++)
		if (dedupe_status(o->dedupe, o->claims[i]) == S_OK)
			return 1;
	return 0;
}

/* What a failed spool_fail left, exactly (errno from it). */
static void
fail_note(const struct spool_entry *e)
{
	printf("%s: %s: %s\n", e->id, e->failed ? "moved to failed/, but its "
	    "reason could not be written" : "cannot move to failed/, still "
	    "where it was", strerror(errno));
}

/* Runs one locked entry's hook and settles it. Returns 0 when delivered. */
static int
run(struct spool *s, struct spool_entry *e)
{
	struct retried rt;
	struct spool_opts o;
	struct hook_result res;
	char reason[160];
	int body, lk = -1, st;

	if (spool_load(e, meta, sizeof meta, hargv, ARGS_MAX + 1, henvp,
	    ENV_VARS_MAX + 1, &o) < 0 || (body = spool_body(e)) < 0) {
		printf("%s: unreadable entry: %s\n", e->id, strerror(errno));
		spool_unlock(e);
		return -1;
	}
	if (ran_before(&o)) {
		close(body);
		if (spool_done(s, e) < 0) {
			printf("%s: delivered before, but cannot remove it: %s\n",
			    e->id, strerror(errno));
			return -1;
		}
		printf("%s: delivered before (its --dedupe claim says so), "
		    "removed\n", e->id);
		return 0;
	}
	if (o.lock && (lk = lock_open(o.lock, o.lock_wait * 1000L)) < 0) {
		snprintf(reason, sizeof reason, "lock-wait: %s: %s", o.lock,
		    errno == EWOULDBLOCK ? "busy past --lock-wait" :
		    strerror(errno));
		close(body);
		printf("%s: not run: %s\n", e->id, reason);
		if (spool_fail(s, e, reason) < 0)
			fail_note(e);
		return -1;
	}
	rt.s = s;
	rt.e = e;
	rt.o = &o;
	st = hook_run(hargv, henvp, body, o.hook_timeout, retried_ok, &rt, &res);
	close(body);
	if (lk >= 0)
		close(lk);
	if (st == S_OK) {
		/* the keeper removed it already, unless it could not */
		if (spool_done(s, e) < 0 && errno != ENOENT) {
			printf("%s: delivered, but cannot remove it: %s\n", e->id,
			    strerror(errno));
			return -1;
		}
		printf("%s: delivered\n", e->id);
		return 0;
	}
	if (!res.started)
		snprintf(reason, sizeof reason, "not-started: %s",
		    strerror(res.err));
	else if (res.timed_out)
		snprintf(reason, sizeof reason, "timeout");
	else if (res.lost)
		snprintf(reason, sizeof reason, "lost: %s", strerror(res.lost));
	else if (res.exited)
		snprintf(reason, sizeof reason, "exit:%d", res.code);
	else
		snprintf(reason, sizeof reason, "signal:%d", res.code);
	printf("%s: failed again: %s\n", e->id, reason);
	if (spool_fail(s, e, reason) < 0)
		fail_note(e);
	return -1;
}

/* retry (drop = 0) or drop (drop = 1) of the IDs given, or for retry of
 * everything. */
static int
act(struct spool *s, int drop, int nid, char **want)
{
	struct spool_entry e;
	long n, i, total = 0;
	size_t all = 0;
	int k, rc = 0;
	const char *id;

	for (k = 0; k < nid; k++) {
		if (!spool_id_ok(want[k])) {
			fprintf(stderr, "inhook spool: %.80s: not an ID\n", want[k]);
			return EXIT_USAGE;
		}
	}
	if (nid == 0) {
		/* the oldest of new/ and failed/ together, crash leftovers
		 * in new/ included */
		n = spool_ids(s, SPOOL_BOTH, ids, SPOOL_ENTRIES_MAX, &all);
		if (n < 0) {
			fprintf(stderr, "inhook spool: cannot read the spool: "
			    "%s\n", strerror(errno));
			return EXIT_TEMP;
		}
		total = n;
	}
	for (i = 0; i < (nid ? nid : total); i++) {
		id = nid ? want[i] : ids[i];
		if (spool_lock(s, id, 0, &e) < 0) {
			if (errno == ENOENT && nid) {
				fprintf(stderr, "inhook spool: %s: no such entry\n", id);
				if (rc == 0)
					rc = EXIT_USAGE;
			} else if (errno == EWOULDBLOCK) {
				printf("%s: in progress, left alone\n", id);
				if (nid)
					rc = EXIT_TEMP;
			} else if (errno != ENOENT) {
				printf("%s: cannot lock: %s\n", id, strerror(errno));
				rc = EXIT_TEMP;
			}
			continue;
		}
		if (drop) {
			if (spool_done(s, &e) < 0) {
				printf("%s: cannot drop: %s\n", id, strerror(errno));
				rc = EXIT_TEMP;
			} else {
				printf("%s: dropped\n", id);
			}
			continue;
		}
		fflush(stdout);
		if (run(s, &e) < 0)
			rc = EXIT_TEMP;
	}
	if (!drop)
		spool_clean_tmp(s);
	if ((size_t)total < all) {
		fflush(stdout);
		fprintf(stderr, "inhook spool: more than %d entries; handled the "
		    "%ld oldest, the rest wait for the next run\n",
		    SPOOL_ENTRIES_MAX, total);
		rc = EXIT_TEMP;
	}
	return fflush(stdout) == 0 ? rc : EXIT_TEMP;
}

int
spool_cmd(int argc, char **argv)
{
	const char *dir = SPOOL_DEFAULT_DIR, *verb;
	struct spool s;
	struct stat st;
	char *want[SPOOL_ENTRIES_MAX];
	int i, nid = 0, rc;

	if (argc < 3) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	verb = argv[2];
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--spool") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strncmp(argv[i], "--spool=", 8) == 0) {
			dir = argv[i] + 8;
		} else if (argv[i][0] == '-') {
			fputs(usage, stderr);
			return EXIT_USAGE;
		} else if (nid == SPOOL_ENTRIES_MAX) {
			fprintf(stderr, "inhook spool: more than %d IDs\n",
			    SPOOL_ENTRIES_MAX);
			return EXIT_USAGE;
		} else {
			want[nid++] = argv[i];
		}
	}
	if (strcmp(verb, "list") != 0 && strcmp(verb, "retry") != 0 &&
	    strcmp(verb, "drop") != 0) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(verb, "drop") == 0 && nid == 0) {
		fprintf(stderr, "inhook spool drop: which IDs?\n%s", usage);
		return EXIT_USAGE;
	}
	if (spool_open(&s, dir, 0) < 0) {
		fprintf(stderr, "inhook spool: %s: %s\n", dir, strerror(errno));
		return EXIT_TEMP;
	}
	log_init(LOG_SINK_STDERR);
	/* root running a retry by hand runs the hook outside its sandbox and
	 * leaves files the service's user cannot touch */
	if (fstat(s.dirfd, &st) == 0 && st.st_uid != geteuid())
		fprintf(stderr, "inhook spool: warning: %s belongs to uid %lu, "
		    "this is uid %lu: hooks run as this user, and files it "
		    "writes may not be usable by the owner (under systemd: "
		    "systemctl start inhook-retry.service)\n", dir,
		    (unsigned long)st.st_uid, (unsigned long)geteuid());
	if (strcmp(verb, "list") == 0)
		rc = list(&s, nid, want);
	else
		rc = act(&s, strcmp(verb, "drop") == 0, nid, want);
	spool_close(&s);
	return rc;
}
