/* launch.c: starts a program in a known hostile state, for
 * tests/cross/cross.sh.
 * Usage: launch [-k] [-i SIGS] [-b SIGS] [-f FD]... [-e NAME=VALUE]... PROG [ARG...]
 * First every signal goes back to SIG_DFL and the mask is emptied, whatever
 * the caller left (GNU make 4.3 starts its recipes with signals 32 and 33
 * ignored, and qemu-user cannot hand those to a guest), unless -k (keep);
 * then:
 *   -i SIGS   ignore these signals (comma-separated names: HUP,USR1,...)
 *   -b SIGS   block these signals
 *   -f FD     leave /dev/null open on FD, without close-on-exec
 *   -e N=V    add N=V to the environment
 * then execv(PROG, ARGs) (PROG is a path; no PATH search). Built twice: for
 * the host (it starts qemu, which starts the cross-built inhook) and with
 * the cross compiler (run under qemu, it starts the native test hook: a
 * control that shows what qemu-user itself passes through execve). The
 * signal names go through this table so that each build uses its own
 * architecture's numbers (MIPS has SIGUSR1 16, not 10). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	int sig;
} sigs[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "CHLD", SIGCHLD },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "WINCH", SIGWINCH }, { "URG", SIGURG }, { "CONT", SIGCONT },
	{ "XFSZ", SIGXFSZ },
};

/* SIG_DFL for every signal; the C library refuses the real-time signals
 * it keeps for itself, the system call does not. All-zero is SIG_DFL, no
 * flags and an empty mask in every CPU's layout of the kernel's structure;
 * the mask size is the kernel's (NSIG - 1 bits). */
static void
default_all(void)
{
	struct sigaction sa;
	union {
		unsigned char b[64];
		unsigned long long align;
	} k;
	int s;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	memset(&k, 0, sizeof k);
	for (s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP && sigaction(s, &sa, NULL) < 0)
			(void)syscall(SYS_rt_sigaction, s, &k, NULL,
			    (size_t)(NSIG - 1) / 8);
}

static void
usage(void)
{
	fputs("usage: launch [-k] [-i SIGS] [-b SIGS] [-f FD]... [-e N=V]... PROG [ARG...]\n",
	    stderr);
	exit(2);
}

/* adds each signal named in the comma-separated list to set */
static void
parse_sigs(char *list, sigset_t *set)
{
	char *name, *save = NULL;
	size_t i;

	for (name = strtok_r(list, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			if (strcmp(name, sigs[i].name) == 0)
				break;
		if (i == sizeof sigs / sizeof sigs[0]) {
			fprintf(stderr, "launch: unknown signal %s\n", name);
			exit(2);
		}
		sigaddset(set, sigs[i].sig);
	}
}

int
main(int argc, char **argv)
{
	sigset_t ign, blk;
	struct sigaction sa;
	char *eq;
	size_t i;
	int c, fd, want, keep = 0;

	sigemptyset(&ign);
	sigemptyset(&blk);
	while ((c = getopt(argc, argv, "+ki:b:f:e:")) != -1) {
		switch (c) {
		case 'k':
			keep = 1;
			break;
		case 'i':
			parse_sigs(optarg, &ign);
			break;
		case 'b':
			parse_sigs(optarg, &blk);
			break;
		case 'f':
			want = atoi(optarg);
			if (want < 3 || (fd = open("/dev/null", O_RDONLY)) < 0)
				usage();
			if (fd != want && (dup2(fd, want) < 0 || close(fd) < 0)) {
				perror("launch: dup2");
				return 2;
			}
			break;
		case 'e':
			if ((eq = strchr(optarg, '=')) == NULL)
				usage();
			*eq = '\0';
			if (setenv(optarg, eq + 1, 1) < 0) {
				perror("launch: setenv");
				return 2;
			}
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (!keep)
		default_all();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigismember(&ign, sigs[i].sig) == 1 &&
		    sigaction(sigs[i].sig, &sa, NULL) < 0) {
			perror("launch: sigaction");
			return 2;
		}
	if ((!keep || !sigisemptyset(&blk)) &&
	    sigprocmask(SIG_SETMASK, &blk, NULL) < 0) {
		perror("launch: sigprocmask");
		return 2;
	}
	execv(argv[optind], argv + optind);
	perror("launch: execv");
	return 127;
}
