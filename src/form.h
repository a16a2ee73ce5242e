/* form.h: application/x-www-form-urlencoded bodies (the WHATWG URL
 * standard's form encoding), as GitHub sends them with the JSON in a field
 * named "payload". */
#ifndef INHOOK_FORM_H
#define INHOOK_FORM_H

#include <stddef.h>

/* Finds the one field whose name is exactly name (as sent, not decoded) in
 * body[0..len) and decodes its value ("+" as space, %XX as a byte) into out,
 * which must hold len bytes. Returns 0 with *outlen set, or -1 when the
 * field is missing, appears twice, or holds a bad %-escape. */
int form_field(const unsigned char *body, size_t len, const char *name,
               unsigned char *out, size_t *outlen);

#endif
