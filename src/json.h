/* json.h: a strict JSON (RFC 8259) validator and string decoder.
 * jsmn only tokenizes; everything it would let through that JSON does not
 * allow is refused here first, so jsmn only ever sees accepted bytes. */
#ifndef INHOOK_JSON_H
#define INHOOK_JSON_H

#include <stddef.h>

/* Checks that buf[0..len) is exactly one JSON text: no byte-order mark,
 * valid UTF-8 in strings (no overlong forms, no encoded surrogates), no raw
 * control characters, numbers and literals by the grammar, nothing but
 * whitespace after the value. Returns 400 if it is not JSON. Returns 422 if
 * it is JSON that inhook will not export: a root that is not an object,
 * \u0000 or an unpaired surrogate escape, nesting deeper than
 * JSON_DEPTH_MAX (refused as soon as it is seen), more than JSON_TOKENS_MAX
 * tokens. Returns 0 otherwise, with *ntokens the number of tokens jsmn will
 * produce (every value and every key). Uses no recursion. */
int json_check(const unsigned char *buf, size_t len, size_t *ntokens);

/* json_check, that also sets *escapes to 1 when a string of the text holds
 * an escape, else 0 (then every string decodes to its own bytes). */
int json_check_escapes(const unsigned char *buf, size_t len, size_t *ntokens,
                       int *escapes);

/* The decoded length of the inside of a string that json_check accepted
 * (between the quotes). */
size_t json_unescape_len(const unsigned char *s, size_t len);

/* Decodes the inside of an accepted string into out, which must hold
 * json_unescape_len(s, len) bytes: escapes resolved, \uXXXX and surrogate
 * pairs written as UTF-8. Returns the number of bytes written. */
size_t json_unescape(const unsigned char *s, size_t len, unsigned char *out);

#endif
