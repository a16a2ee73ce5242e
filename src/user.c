/* user.c: --user. Names are resolved from /etc/passwd and /etc/group by
 * hand: getpwnam would pull NSS into a static binary. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "limits.h"
#include "opts.h"
#include "user.h"

/* Finds the line of file whose first field is name (by_id: whose third
 * field is name, a number) and puts its third and fourth fields in id and
 * id2 (id2 may be NULL: /etc/group's fourth field is the member list).
 * Returns 0, or -1 when not found or unreadable. */
static int
lookup(const char *file, const char *name, int by_id, unsigned long *id,
       unsigned long *id2)
{
	char line[USER_LINE_MAX], *f[4], *p;
	unsigned long n3, n4 = 0;
	FILE *fp = fopen(file, "re");
	int k, found = -1;

	if (!fp)
		return -1;
	while (found < 0 && fgets(line, sizeof line, fp)) {
		if (!strchr(line, '\n') && !feof(fp))
			break;          /* a line over the limit: stop there */
		line[strcspn(line, "\n")] = '\0';
		for (p = line, k = 0; k < 4 && p; k++) {
			f[k] = p;
			if ((p = strchr(p, ':')) != NULL)
				*p++ = '\0';
		}
		if (k < 4 || opts_number(f[2], 0, 4294967294UL, &n3) < 0 ||
		    (id2 && opts_number(f[3], 0, 4294967294UL, &n4) < 0))
			continue;
		if (by_id ? strcmp(f[2], name) != 0 : strcmp(f[0], name) != 0)
			continue;
		*id = n3;
		if (id2)
			*id2 = n4;
		found = 0;
	}
	fclose(fp);
	return found;
}

static int
is_number(const char *s)
{
	return s[0] >= '0' && s[0] <= '9';
}

int
user_parse(const char *spec, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	char u[USER_NAME_MAX + 1];
	const char *g = strchr(spec, ':');
	size_t ul = g ? (size_t)(g - spec) : strlen(spec);
	unsigned long un, gn = 0, pg;
	int have_g = 0;

	if (ul == 0 || ul > USER_NAME_MAX || (g && g[1] == '\0')) {
		snprintf(err, errlen, "--user takes UID[:GID] or NAME[:GROUP]");
		return -1;
	}
	memcpy(u, spec, ul);
	u[ul] = '\0';
	if (is_number(u)) {
		if (opts_number(u, 0, 4294967294UL, &un) < 0) {
			snprintf(err, errlen, "--user %.64s: not a UID", u);
			return -1;
		}
		if (lookup("/etc/passwd", u, 1, &un, &pg) == 0) {
			gn = pg;
			have_g = 1;
		}
	} else if (lookup("/etc/passwd", u, 0, &un, &pg) == 0) {
		gn = pg;
		have_g = 1;
	} else {
		snprintf(err, errlen, "--user %.64s: no such user in /etc/passwd", u);
		return -1;
	}
	if (g) {
		g++;
		if (is_number(g) ? opts_number(g, 0, 4294967294UL, &gn) < 0 :
		    lookup("/etc/group", g, 0, &gn, NULL) < 0) {
			snprintf(err, errlen, "--user: group %.64s: not a GID nor "
			    "in /etc/group", g);
			return -1;
		}
		have_g = 1;
	}
	*uid = (uid_t)un;
	*gid = (gid_t)(have_g ? gn : un);
	return 0;
}

int
user_drop(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) < 0 && !(errno == EPERM && getuid() == uid &&
	    getgid() == gid))
		return -1;
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -1;
	/* root cannot be had back */
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
