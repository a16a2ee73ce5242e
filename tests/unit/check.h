/* check.h: the unit tests' only helper. check(cond, name) prints
 * "ok - name" or "not ok - name" (with file and line) and counts failures;
 * main returns check_done(), non-zero when anything failed. */
#ifndef INHOOK_CHECK_H
#define INHOOK_CHECK_H

#include <stdio.h>

static int check_failed;

#define check(cond, ...) do { \
	int check_ok_ = !!(cond); \
	printf(check_ok_ ? "ok - " : "not ok - "); \
	printf(__VA_ARGS__); \
	if (!check_ok_) { printf("  (%s:%d)", __FILE__, __LINE__); check_failed++; } \
	printf("\n"); \
} while (0)

static inline int
check_done(void)
{
	return check_failed != 0;
}

#endif
