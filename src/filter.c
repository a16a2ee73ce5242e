/* filter.c: --when. Expressions are parsed and regexes compiled once, at
 * option time, so a bad one is a usage error and never a request-time
 * surprise. Matching reads the environment table only; values never
 * contain NUL (payload.c refuses \u0000), so the C regex API sees them
 * whole. */
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "payload.h"

int
filter_spell(const char *name, size_t n, char *out)
{
	size_t i;
	int changed = 0;

	for (i = 0; i < n; i++) {
		out[i] = payload_name_byte((unsigned char)name[i]);
		changed |= out[i] != name[i];
	}
	out[n] = '\0';
	return changed;
}

int
filter_prefixed(const struct filter *f, const char *prefix, char *err,
                size_t errlen)
{
	size_t plen = strlen(prefix);

	if (f->namelen <= plen || strncmp(f->name, prefix, plen) != 0)
		return 0;
	snprintf(err, errlen, "--when %.64s%c%.32s: NAME is written without "
	    "the prefix %.64s: --when %.64s%c%.32s", f->name, f->is_regex ?
	    '~' : '=', f->value, prefix, f->name + plen, f->is_regex ? '~' :
	    '=', f->value);
	return -1;
}

int
filter_parse(struct filter *f, const char *expr, char *err, size_t errlen)
{
	size_t n;
	int r;

	memset(f, 0, sizeof *f);
	for (n = 0; expr[n] && expr[n] != '=' && expr[n] != '~'; n++)
		;
	if (n > 0 && expr[n] != '\0' && n <= WHEN_NAME_MAX &&
	    filter_spell(expr, n, f->name)) {
		/* never a payload name: show the one the key makes */
		snprintf(err, errlen, "--when %.64s: no payload variable is "
		    "named so (keys become upper case, other bytes \"_\"): "
		    "--when %.64s%c%.64s", expr, f->name, expr[n], expr + n + 1);
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
