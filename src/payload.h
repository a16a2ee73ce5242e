/* payload.h: a JSON webhook body to environment variables.
 * Every leaf becomes PREFIX + path: object keys with ASCII letters
 * upper-cased, [A-Z0-9] kept and every other byte as "_", array elements by
 * decimal index, segments joined by "_"; each array also gets PATH_COUNT.
 * Strings are decoded, numbers kept as their text, true/false as such, null
 * as the empty string. */
#ifndef INHOOK_PAYLOAD_H
#define INHOOK_PAYLOAD_H

#include <stddef.h>
#include "env.h"

/* The byte of a variable name that byte c of an object key becomes. */
static inline char
payload_name_byte(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 32);
	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return (char)c;
	return '_';
}

/* Validates body[0..len) (json_check) and appends its variables to v.
 * Returns 0; 400 when the body is not JSON; 422 when it is JSON that cannot
 * be exported whole: not an object, \u0000 or an unpaired surrogate, too
 * deep, too many tokens, an empty key, two paths mapping to one name
 * (duplicate keys included), an entry or total over the limits of env.h.
 * On failure *why says which, in a static string. Nothing is truncated. */
int payload_export(const unsigned char *body, size_t len, const char *prefix,
                   struct env *v, const char **why);

#endif
