/* test_lock.c: flock with a bounded wait (lock.c), between processes. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "io.h"
#include "lock.h"

int
main(void)
{
	char dir[] = "/tmp/inhook-lock.XXXXXX", path[64];
	long long t0, dt;
	int fd, fd2, p[2], st;
	char c;
	pid_t pid;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/lock", dir);

	fd = lock_open(path, 0);
	check(fd >= 0, "lock_open creates and locks a free file");
	check((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "... close-on-exec");

	/* another open file description of the same file waits, then gives up */
	t0 = io_now_ms();
	fd2 = lock_open(path, 300);
	dt = io_now_ms() - t0;
	check(fd2 < 0 && errno == EWOULDBLOCK, "a held lock: EWOULDBLOCK");
	check(dt >= 250, "... after waiting about the bound (%lld ms)", dt);
	check(dt < 5000, "... and not much longer");
	fd2 = lock_open(path, 0);
	check(fd2 < 0 && errno == EWOULDBLOCK, "wait 0 does not wait");

	/* the wait ends when the holder lets go */
	if (pipe(p) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		int k;
		close(fd);
		k = lock_open(path, 10000);
		c = k >= 0 ? 'y' : 'n';
		(void)!write(p[1], &c, 1);
		_exit(0);
	}
	usleep(200000);
	close(fd);
	check(read(p[0], &c, 1) == 1 && c == 'y',
	    "a waiter gets the lock once it is let go");
	waitpid(pid, &st, 0);

	/* a holder that dies lets go */
	pid = fork();
	if (pid == 0) {
		if (lock_open(path, 0) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	usleep(100000);
	check(lock_open(path, 0) < 0, "a live holder keeps it");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	fd = lock_open(path, 1000);
	check(fd >= 0, "a killed holder's lock is free");
	close(fd);

	check(lock_open("/nonexistent-dir/lock", 0) < 0 && errno == ENOENT,
	    "an impossible path: its errno");
	unlink(path);
	rmdir(dir);
	return check_done();
}
