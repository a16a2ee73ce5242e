/* chunked.c: the chunked transfer coding decoder. A byte-at-a-time state
 * machine for the framing, with data copied in runs. Bounds every line it
 * keeps no copy of: size lines by CHUNK_LINE_MAX, trailers by TRAILER_MAX.
 * Extensions are checked against the RFC 9112 grammar and ignored, trailer
 * fields are checked as header fields and ignored. */
#include <string.h>

#include "ascii.h"
#include "chunked.h"
#include "http.h"
#include "limits.h"
#include "status.h"

enum {
	C_SIZE,        /* reading hex digits */
	C_SIZE_WS,     /* whitespace after the size: only ";" may follow */
	C_EXT_WS,      /* after ";": whitespace, then a name */
	C_EXT_NAME,
	C_EXT_NAME_WS, /* after a name: "=", ";" or CR */
	C_EXT_EQ_WS,   /* after "=": whitespace, then token or quoted-string */
	C_EXT_TOKEN,
	C_EXT_QUOTED,
	C_EXT_QUOTED_BS,
	C_EXT_AFTER,   /* after a value: whitespace, ";" or CR */
	C_SIZE_LF,
	C_DATA,
	C_DATA_CR,
	C_DATA_LF,
	C_TRAILER,     /* at the start of, or inside, a trailer line */
	C_TRAILER_LF,
	C_DONE
};

void
chunked_init(struct chunked *c, size_t max)
{
	memset(c, 0, sizeof *c);
	c->state = C_SIZE;
	c->max = max;
}

/* One byte of a size line after the digits. Returns 0 or 400. */
static int
ext_byte(struct chunked *c, unsigned char ch)
{
	int ws = ch == ' ' || ch == '\t';

	if (ch == '\r') {
		switch (c->state) {
		case C_EXT_NAME: case C_EXT_NAME_WS: case C_EXT_TOKEN:
		case C_EXT_AFTER:
			c->state = C_SIZE_LF;
			return 0;
		}
		return S_BAD_REQUEST;
	}
	switch (c->state) {
	case C_SIZE_WS:
		if (ws) return 0;
		if (ch == ';') { c->state = C_EXT_WS; return 0; }
		return S_BAD_REQUEST;
	case C_EXT_WS:
		if (ws) return 0;
		if (ascii_tchar(ch)) { c->state = C_EXT_NAME; return 0; }
		return S_BAD_REQUEST;
	case C_EXT_NAME:
		if (ascii_tchar(ch)) return 0;
		/* fall through */
	case C_EXT_NAME_WS:
		if (ws) { c->state = C_EXT_NAME_WS; return 0; }
		if (ch == '=') { c->state = C_EXT_EQ_WS; return 0; }
		if (ch == ';') { c->state = C_EXT_WS; return 0; }
		return S_BAD_REQUEST;
	case C_EXT_EQ_WS:
		if (ws) return 0;
		if (ch == '"') { c->state = C_EXT_QUOTED; return 0; }
		if (ascii_tchar(ch)) { c->state = C_EXT_TOKEN; return 0; }
		return S_BAD_REQUEST;
	case C_EXT_TOKEN:
		if (ascii_tchar(ch)) return 0;
		/* fall through */
	case C_EXT_AFTER:
		if (ws) { c->state = C_EXT_AFTER; return 0; }
		if (ch == ';') { c->state = C_EXT_WS; return 0; }
		return S_BAD_REQUEST;
	case C_EXT_QUOTED:
		if (ch == '"') { c->state = C_EXT_AFTER; return 0; }
		if (ch == '\\') { c->state = C_EXT_QUOTED_BS; return 0; }
		if (ch == '\t' || (ch >= 0x20 && ch != 0x7f)) return 0;
		return S_BAD_REQUEST;
	case C_EXT_QUOTED_BS:
		if (ch == '\t' || (ch >= 0x20 && ch != 0x7f)) {
			c->state = C_EXT_QUOTED;
			return 0;
		}
		return S_BAD_REQUEST;
	}
	return S_BAD_REQUEST;
}

int
chunked_decode(struct chunked *c, unsigned char *buf, size_t len,
               size_t *out, size_t *used)
{
	size_t i = 0, o = 0, n;
	int st, h;
	struct field f;

	while (i < len) {
		unsigned char ch = buf[i];

		switch (c->state) {
		case C_DATA:
			n = len - i;
			if (n > c->size)
				n = (size_t)c->size;
			memmove(buf + o, buf + i, n);
			o += n;
			i += n;
			c->size -= n;
			if (c->size == 0)
				c->state = C_DATA_CR;
			continue;
		case C_DATA_CR:
			if (ch != '\r')
				return S_BAD_REQUEST;
			c->state = C_DATA_LF;
			break;
		case C_DATA_LF:
		case C_SIZE_LF:
			if (ch != '\n')
				return S_BAD_REQUEST;
			if (c->state == C_DATA_LF) {
				c->state = C_SIZE;
				c->line = c->digits = 0;
				c->size = 0;
			} else if (c->size == 0) {
				c->state = C_TRAILER;
				c->tlen = 0;
			} else {
				c->state = C_DATA;
			}
			break;
		case C_TRAILER:
			if (++c->trailer > TRAILER_MAX)
				return S_HEADERS_TOO_LARGE;
			if (ch == '\n')
				return S_BAD_REQUEST;
			if (ch == '\r') {
				c->state = C_TRAILER_LF;
				break;
			}
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return S_BAD_REQUEST;
			if (c->tlen < sizeof c->tline)
				c->tline[c->tlen] = ch;
			c->tlen++;
			break;
		case C_TRAILER_LF:
			if (ch != '\n')
				return S_BAD_REQUEST;
			if (c->tlen == 0) {
				c->state = C_DONE;
				*out = o;
				*used = i + 1;
				return 1;
			}
			/* A field line: every byte was checked for CTLs on the
			 * way in; the kept prefix must hold a valid name and
			 * colon. */
			if (c->tline[0] == ' ' || c->tline[0] == '\t')
				return S_BAD_REQUEST;
			if (!http_field(c->tline, c->tlen < sizeof c->tline ?
			    c->tlen : sizeof c->tline, &f))
				return S_BAD_REQUEST;
			c->tlen = 0;
			c->state = C_TRAILER;
			break;
		case C_SIZE:
			if (++c->line > CHUNK_LINE_MAX)
				return S_BAD_REQUEST;
			if ((h = ascii_hex(ch)) >= 0) {
				if (++c->digits > CHUNK_DIGITS_MAX)
					return S_BAD_REQUEST;
				c->size = c->size * 16 + (unsigned)h;
				if (c->size > c->max - c->total)
					return S_PAYLOAD_TOO_LARGE;
				break;
			}
			if (c->digits == 0)
				return S_BAD_REQUEST;
			c->total += (size_t)c->size;
			if (ch == '\r') {
				c->state = C_SIZE_LF;
				break;
			}
			if (ch == ';') {
				c->state = C_EXT_WS;
				break;
			}
			if (ch == ' ' || ch == '\t') {
				c->state = C_SIZE_WS;
				break;
			}
			return S_BAD_REQUEST;
		case C_DONE:
			*out = o;
			*used = i;
			return 1;
		default:
			if (++c->line > CHUNK_LINE_MAX)
				return S_BAD_REQUEST;
			if ((st = ext_byte(c, ch)) != 0)
				return st;
			break;
		}
		i++;
	}
	*out = o;
	*used = i;
	return 0;
}
