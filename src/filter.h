/* filter.h: --when conditions over the exported payload variables.
 *   NAME=VALUE  the variable PREFIX+NAME exists and equals VALUE exactly;
 *   NAME~REGEX  it exists and matches the POSIX extended regular
 *               expression REGEX (unanchored: use ^ and $ to anchor).
 * NAME is written without the prefix and matches [A-Z0-9_]+ (STATUS,
 * RUNS_0_HOST_TAG). A variable that is not in the payload never holds. */
#ifndef INHOOK_FILTER_H
#define INHOOK_FILTER_H

#include <regex.h>
#include <stddef.h>
#include "env.h"
#include "limits.h"

struct filter {
	char name[WHEN_NAME_MAX + 1];
	size_t namelen;
	int is_regex;
	const char *value;      /* the text after = or ~, in the option */
	regex_t re;             /* compiled when is_regex */
};

/* Parses and checks one --when expression (compiling its regex), which
 * must outlive f. Returns 0, or -1 with a message in err. */
int filter_parse(struct filter *f, const char *expr, char *err, size_t errlen);

/* Writes into out (n + 1 bytes) the name that payload keys spelled as
 * name[0..n) become (upper case, every byte not [A-Za-z0-9] as "_").
 * Returns 1 when that differs from name: name itself can never match. */
int filter_spell(const char *name, size_t n, char *out);

/* A parsed f whose NAME begins with prefix (and is longer): -1 with a
 * message in err that shows it without; else 0. Given once --prefix is
 * known, so that --when WEBHOOK_STATUS=PASSED is refused, not filtered. */
int filter_prefixed(const struct filter *f, const char *prefix, char *err,
                    size_t errlen);

/* 1 when f holds for the variables in v exported under prefix, else 0. */
int filter_holds(const struct filter *f, const struct env *v,
                 const char *prefix);

#endif
