/* env.h: the hook's environment, built from nothing in a fixed table.
 * Entries are "NAME=VALUE" strings in one buffer; names that a payload maps
 * to but that are not exported (objects and arrays) are kept as "NAME" so
 * that collisions between any two paths can be found. */
#ifndef INHOOK_ENV_H
#define INHOOK_ENV_H

#include <stddef.h>
#include <stdint.h>
#include "limits.h"

struct env_entry {
	unsigned int off;       /* into buf */
	unsigned int namelen;
	unsigned int len;       /* name, "=" and value; no NUL */
	unsigned int exported;
};

struct env {
	struct env_entry e[ENV_VARS_MAX];
	size_t n;
	size_t used;            /* bytes of buf in use, NULs included */
	char buf[ENV_BYTES_MAX];
};

void env_init(struct env *v);

/* Appends NAME=VALUE (exported) or NAME (not exported). Returns 0, or 422
 * when the entry would pass ENV_VARS_MAX entries, ENV_BYTES_MAX bytes, or
 * ENV_STRING_MAX bytes for one string (its NUL included). */
int env_put(struct env *v, const char *name, size_t nlen, const char *val,
            size_t vlen, int exported);

/* Appends an exported entry whose value of exactly vlen bytes the caller
 * then writes at the returned pointer. Returns NULL on the same limits as
 * env_put (422). */
char *env_open(struct env *v, const char *name, size_t nlen, size_t vlen);

/* Shortens the value of the last entry, just made by env_open, to vlen
 * bytes (at most those opened), as if env_open had been given vlen. */
void env_trim(struct env *v, size_t vlen);

/* Unsigned ints of scratch that env_duplicate needs. */
#define ENV_DUP_SCRATCH (4 * ENV_VARS_MAX)

/* Looks for two entries from index from on with the same name. Returns the
 * index of the later of two such entries, or -1 if all names are distinct.
 * Uses scratch, ENV_DUP_SCRATCH unsigned ints of any content, for a hash
 * table of the names (only the part the entries need is touched, nothing
 * is cleared); should probing cost more than a small multiple of the
 * names' bytes (names crafted to collide), it sorts the names instead,
 * with the same result. */
long env_duplicate(const struct env *v, size_t from, unsigned int *scratch);

/* The hash of a name that env_duplicate uses (eight bytes at a time). */
uint64_t env_name_hash(const char *name, size_t nlen);

/* Finds the exported entry named name; returns its value or NULL. */
const char *env_get(const struct env *v, const char *name, size_t nlen);

/* Fills out with pointers to the exported entries and a final NULL; out
 * must hold v->n + 1 pointers. Returns the number of entries. */
size_t env_vector(struct env *v, char **out);

#endif
