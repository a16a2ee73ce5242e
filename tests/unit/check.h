/* check.h: the unit tests' only helper. check(cond, name) prints
 * "ok - name" or "not ok - name" (with file and line) and counts failures;
 * main returns check_done(), non-zero when anything failed. */
#ifndef INHOOK_CHECK_H
#define INHOOK_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed;

#define check(cond, ...) do { \
	int check_ok_ = !!(cond); \
	printf(check_ok_ ? "ok - " : "not ok - "); \
	printf(__VA_ARGS__); \
	if (!check_ok_) { printf("  (%s:%d)", __FILE__, __LINE__); check_failed++; } \
	printf("\n"); \
} while (0)

/* Reads the JobServ sample into buf (cap bytes) from the top of the tree,
 * where tests/run.sh runs the tests, or from next to the binary's
 * directory. Returns its length, or 0 when it cannot be read. */
static inline size_t
check_sample(const char *argv0, unsigned char *buf, size_t cap)
{
	static const char rel[] = "tests/data/jobserv-build.json";
	char path[4096];
	const char *slash = strrchr(argv0, '/');
	FILE *f = fopen(rel, "rb");
	size_t n;

	if (f == NULL && slash) {
		snprintf(path, sizeof path, "%.*s/../data/jobserv-build.json",
		    (int)(slash - argv0), argv0);
		f = fopen(path, "rb");
	}
	if (f == NULL)
		return 0;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static inline int
check_done(void)
{
	return check_failed != 0;
}

#endif
