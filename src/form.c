/* form.c: one field out of a form-encoded body. Pure, bounded by len;
 * the output is never longer than the input. */
#include <string.h>

#include "ascii.h"
#include "form.h"

int
form_field(const unsigned char *body, size_t len, const char *name,
           unsigned char *out, size_t *outlen)
{
	size_t nlen = strlen(name), i = 0, b, e, o;
	int found = 0, h, l;

	while (i <= len) {
		for (b = i; i < len && body[i] != '&'; i++)
			;
		e = i++;
		if (e - b <= nlen || body[b + nlen] != '=' ||
		    memcmp(body + b, name, nlen) != 0)
			continue;
		if (found++)
			return -1;
		o = 0;
		for (b += nlen + 1; b < e; b++) {
			if (body[b] == '+') {
				out[o++] = ' ';
			} else if (body[b] != '%') {
				out[o++] = body[b];
			} else {
				if (e - b < 3 || (h = ascii_hex(body[b + 1])) < 0 ||
				    (l = ascii_hex(body[b + 2])) < 0)
					return -1;
				out[o++] = (unsigned char)(h << 4 | l);
				b += 2;
			}
		}
		*outlen = o;
	}
	return found ? 0 : -1;
}
