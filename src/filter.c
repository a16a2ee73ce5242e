/* filter.c: --when. Expressions are parsed and regexes compiled once, at
 * option time, so a bad one is a usage error and never a request-time
 * surprise. Matching reads the environment table only; values never
 * contain NUL (payload.c refuses \u0000), so the C regex API sees them
 * whole. */
#include <stdio.h>
#include <string.h>

#include "filter.h"

int
filter_parse(struct filter *f, const char *expr, char *err, size_t errlen)
{
	size_t n;
	int r;

	memset(f, 0, sizeof *f);
	for (n = 0; expr[n] && expr[n] != '=' && expr[n] != '~'; n++)
		if (!((expr[n] >= 'A' && expr[n] <= 'Z') ||
		    (expr[n] >= '0' && expr[n] <= '9') || expr[n] == '_')) {
			snprintf(err, errlen, "--when %.64s: NAME must match "
			    "[A-Z0-9_]+ (the variable without its prefix)", expr);
			return -1;
		}
	if (n == 0 || expr[n] == '\0' || n > WHEN_NAME_MAX) {
		snprintf(err, errlen, "--when %.64s: want NAME=VALUE or "
		    "NAME~REGEX", expr);
		return -1;
	}
	memcpy(f->name, expr, n);
	f->name[n] = '\0';
	f->namelen = n;
	f->is_regex = expr[n] == '~';
	f->value = expr + n + 1;
	if (f->is_regex &&
	    (r = regcomp(&f->re, f->value, REG_EXTENDED | REG_NOSUB)) != 0) {
		char msg[128];
		regerror(r, &f->re, msg, sizeof msg);
		snprintf(err, errlen, "--when %.64s: %s", expr, msg);
		return -1;
	}
	return 0;
}

int
filter_holds(const struct filter *f, const struct env *v, const char *prefix)
{
	char name[PREFIX_MAX + WHEN_NAME_MAX + 1];
	size_t plen = strlen(prefix);
	const char *val;

	if (plen > PREFIX_MAX)
		return 0;
	memcpy(name, prefix, plen);
	memcpy(name + plen, f->name, f->namelen);
	if ((val = env_get(v, name, plen + f->namelen)) == NULL)
		return 0;
	if (f->is_regex)
		return regexec(&f->re, val, 0, NULL, 0) == 0;
	return strcmp(val, f->value) == 0;
}
