/* json.c: the JSON validator and string decoder. Pure functions over
 * (buf, len). The validator is one loop with an explicit stack of
 * JSON_DEPTH_MAX bytes: nothing the input does can make it recurse or
 * allocate. Grammar errors win over refusals: a text that is both invalid
 * and, say, holds \u0000 gets 400, except for nesting past the limit, which
 * is refused at once since its grammar cannot be followed further. */
#include <stdint.h>
#include <string.h>

#include "ascii.h"
#include "json.h"
#include "limits.h"
#include "status.h"

enum { J_VALUE, J_VALUE_OR_CLOSE, J_KEY, J_KEY_OR_CLOSE, J_COLON, J_AFTER };

/* Eight bytes at a time: the runs of plain bytes in strings are skipped a
 * word at a time (the tests are exact as "some byte in the word"). */
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static uint64_t
load8(const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return w;
}

/* Non-zero when a byte of w is zero. */
static uint64_t
has_zero(uint64_t w)
{
	return (w - ONES) & ~w & HIGHS;
}

/* Non-zero when a byte of w is not plain string content: below 0x20, 0x80
 * or above, '"' or '\\'. */
static uint64_t
has_special(uint64_t w)
{
	return (((w - 0x20 * ONES) | w) & HIGHS) | has_zero(w ^ ('"' * ONES)) |
	    has_zero(w ^ ('\\' * ONES));
}

/* In a word with a flagged byte (the tests above flag no byte below the
 * first one that matches), the offset of the first: its lowest on a
 * little-endian machine; elsewhere 0, for the byte loop to go on from. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FIRST(m) ((size_t)__builtin_ctzll(m) >> 3)
#else
#define FIRST(m) ((size_t)0)
#endif

/* The index of the first backslash in s[i..len), or len. */
static size_t
next_escape(const unsigned char *s, size_t i, size_t len)
{
	uint64_t m;

	while (len - i >= 8) {
		if ((m = has_zero(load8(s + i) ^ ('\\' * ONES))) != 0) {
			i += FIRST(m);
			break;
		}
		i += 8;
	}
	/* fewer than 8 bytes left: the last word of s, if there is one */
	if (len - i < 8 && len >= 8 &&
	    !has_zero(load8(s + len - 8) ^ ('\\' * ONES)))
		return len;
	while (i < len && s[i] != '\\')
		i++;
	return i;
}

/* Reads 4 hex digits at s; returns the value or -1. */
static long
hex4(const unsigned char *s)
{
	long v = 0;
	int i, h;

	for (i = 0; i < 4; i++) {
		if ((h = ascii_hex(s[i])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Length of the valid UTF-8 sequence of 2-4 bytes at s[0..len), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf) n = 2;
	else if (c >= 0xe0 && c <= 0xef) n = 3;
	else if (c >= 0xf0 && c <= 0xf4) n = 4;
	else return 0;
	if (c == 0xe0) lo = 0xa0;           /* overlong */
	else if (c == 0xed) hi = 0x9f;      /* UTF-16 surrogates */
	else if (c == 0xf0) lo = 0x90;      /* overlong */
	else if (c == 0xf4) hi = 0x8f;      /* above U+10FFFF */
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* Scans the string whose opening quote is at buf[*i]; leaves *i after the
 * closing quote. Returns 0, 400, or 422 in *refuse for \u0000 and unpaired
 * surrogates (the scan goes on). Sets *escapes when it meets one. */
static int
scan_string(const unsigned char *buf, size_t len, size_t *i, int *refuse,
            int *escapes)
{
	size_t p = *i + 1, n;
	long u, u2;
	uint64_t m;

	for (;;) {
		while (len - p >= 8) {
			if ((m = has_special(load8(buf + p))) != 0) {
				p += FIRST(m);
				break;
			}
			p += 8;
		}
		while (p < len && buf[p] >= 0x20 && buf[p] < 0x80 &&
		    buf[p] != '"' && buf[p] != '\\')
			p++;
		if (p == len)
			return S_BAD_REQUEST;
		if (buf[p] == '"') {
			*i = p + 1;
			return 0;
		}
		if (buf[p] < 0x20)
			return S_BAD_REQUEST;
		if (buf[p] >= 0x80) {
			if ((n = utf8_seq(buf + p, len - p)) == 0)
				return S_BAD_REQUEST;
			p += n;
			continue;
		}
		/* backslash */
		*escapes = 1;
		if (p + 1 == len)
			return S_BAD_REQUEST;
		switch (buf[p + 1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			p += 2;
			continue;
		case 'u':
			break;
		default:
			return S_BAD_REQUEST;
		}
		if (len - p < 6 || (u = hex4(buf + p + 2)) < 0)
			return S_BAD_REQUEST;
		p += 6;
		if (u == 0 || (u >= 0xdc00 && u <= 0xdfff)) {
			*refuse = 1;
		} else if (u >= 0xd800 && u <= 0xdbff) {
			if (len - p >= 6 && buf[p] == '\\' && buf[p + 1] == 'u' &&
			    (u2 = hex4(buf + p + 2)) >= 0xdc00 && u2 <= 0xdfff)
				p += 6;
			else
				*refuse = 1;
		}
	}
}

/* Scans a number at buf[*i] by the RFC 8259 grammar. */
static int
scan_number(const unsigned char *buf, size_t len, size_t *i)
{
	size_t p = *i, d;

	if (p < len && buf[p] == '-')
		p++;
	if (p < len && buf[p] == '0') {
		p++;
	} else {
		for (d = p; p < len && buf[p] >= '0' && buf[p] <= '9'; p++)
			;
		if (p == d)
			return S_BAD_REQUEST;
	}
	if (p < len && buf[p] == '.') {
		for (d = ++p; p < len && buf[p] >= '0' && buf[p] <= '9'; p++)
			;
		if (p == d)
			return S_BAD_REQUEST;
	}
	if (p < len && (buf[p] == 'e' || buf[p] == 'E')) {
		p++;
		if (p < len && (buf[p] == '+' || buf[p] == '-'))
			p++;
		for (d = p; p < len && buf[p] >= '0' && buf[p] <= '9'; p++)
			;
		if (p == d)
			return S_BAD_REQUEST;
	}
	*i = p;
	return 0;
}

static int
scan_literal(const unsigned char *buf, size_t len, size_t *i)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t k, j;

	for (k = 0; k < 3; k++) {
		if (buf[*i] != (unsigned char)lits[k][0])
			continue;
		for (j = 0; lits[k][j]; j++)
			if (*i + j >= len || buf[*i + j] != (unsigned char)lits[k][j])
				return S_BAD_REQUEST;
		*i += j;
		return 0;
	}
	return S_BAD_REQUEST;
}

int
json_check(const unsigned char *buf, size_t len, size_t *ntokens)
{
	int escapes;

	return json_check_escapes(buf, len, ntokens, &escapes);
}

int
json_check_escapes(const unsigned char *buf, size_t len, size_t *ntokens,
                   int *escapes)
{
	unsigned char stack[JSON_DEPTH_MAX];
	size_t depth = 0, i = 0, tokens = 0;
	int state = J_VALUE, refuse = 0, st, root_object = 0;
	unsigned char c;

	*escapes = 0;
	for (;;) {
		while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
		    buf[i] == '\n' || buf[i] == '\r'))
			i++;
		if (i == len)
			break;
		c = buf[i];
		switch (state) {
		case J_VALUE_OR_CLOSE:
			if (c == ']') {
				depth--;
				i++;
				state = J_AFTER;
				continue;
			}
			/* fall through */
		case J_VALUE:
			if (tokens++ == 0)
				root_object = c == '{';
			if (c == '{' || c == '[') {
				if (depth == JSON_DEPTH_MAX)
					return S_UNPROCESSABLE;
				stack[depth++] = c;
				i++;
				state = c == '{' ? J_KEY_OR_CLOSE : J_VALUE_OR_CLOSE;
				continue;
			}
			state = J_AFTER;
			if (c == '"')
				break;          /* to the string below */
			if (c == '-' || (c >= '0' && c <= '9'))
				st = scan_number(buf, len, &i);
			else
				st = scan_literal(buf, len, &i);
			if (st)
				return st;
			continue;
		case J_KEY_OR_CLOSE:
			if (c == '}') {
				depth--;
				i++;
				state = J_AFTER;
				continue;
			}
			/* fall through */
		case J_KEY:
			if (c != '"')
				return S_BAD_REQUEST;
			tokens++;
			state = J_COLON;
			break;                  /* to the string below */
		case J_COLON:
			if (c != ':')
				return S_BAD_REQUEST;
			i++;
			state = J_VALUE;
			continue;
		case J_AFTER:
			if (depth == 0)
				return S_BAD_REQUEST;   /* bytes after the text */
			if (c == ',') {
				state = stack[depth - 1] == '{' ? J_KEY : J_VALUE;
			} else if ((c == '}' && stack[depth - 1] == '{') ||
			    (c == ']' && stack[depth - 1] == '[')) {
				depth--;
			} else {
				return S_BAD_REQUEST;
			}
			i++;
			continue;
		}
		/* a key or a string value opens at buf[i] */
		if ((st = scan_string(buf, len, &i, &refuse, escapes)) != 0)
			return st;
	}
	if (state != J_AFTER || depth != 0)
		return S_BAD_REQUEST;
	if (!root_object || refuse || tokens > JSON_TOKENS_MAX)
		return S_UNPROCESSABLE;
	*ntokens = tokens;
	return 0;
}

size_t
json_unescape_len(const unsigned char *s, size_t len)
{
	size_t i = 0, j, n = 0;
	long u;

	while ((j = next_escape(s, i, len)) < len) {
		n += j - i;
		i = j;
		if (s[i + 1] != 'u') {
			i += 2;
			n++;
			continue;
		}
		u = hex4(s + i + 2);
		i += 6;
		if (u >= 0xd800 && u <= 0xdbff) {
			i += 6;         /* the low half, known to be there */
			n += 4;
		} else {
			n += u < 0x80 ? 1 : u < 0x800 ? 2 : 3;
		}
	}
	return n + (len - i);
}

size_t
json_unescape(const unsigned char *s, size_t len, unsigned char *out)
{
	size_t i = 0, j, n = 0;
	long u;

	for (;;) {
		j = next_escape(s, i, len);
		if (j > i) {
			memcpy(out + n, s + i, j - i);
			n += j - i;
			i = j;
		}
		if (i == len)
			return n;
		switch (s[i + 1]) {
		case 'b': out[n++] = '\b'; i += 2; continue;
		case 'f': out[n++] = '\f'; i += 2; continue;
		case 'n': out[n++] = '\n'; i += 2; continue;
		case 'r': out[n++] = '\r'; i += 2; continue;
		case 't': out[n++] = '\t'; i += 2; continue;
		case 'u': break;
		default: out[n++] = s[i + 1]; i += 2; continue;
		}
		u = hex4(s + i + 2);
		i += 6;
		if (u >= 0xd800 && u <= 0xdbff) {
			u = 0x10000 + ((u - 0xd800) << 10) + (hex4(s + i + 2) - 0xdc00);
			i += 6;
		}
		if (u < 0x80) {
			out[n++] = (unsigned char)u;
		} else if (u < 0x800) {
			out[n++] = (unsigned char)(0xc0 | u >> 6);
			out[n++] = (unsigned char)(0x80 | (u & 0x3f));
		} else if (u < 0x10000) {
			out[n++] = (unsigned char)(0xe0 | u >> 12);
			out[n++] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
			out[n++] = (unsigned char)(0x80 | (u & 0x3f));
		} else {
			out[n++] = (unsigned char)(0xf0 | u >> 18);
			out[n++] = (unsigned char)(0x80 | ((u >> 12) & 0x3f));
			out[n++] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
			out[n++] = (unsigned char)(0x80 | (u & 0x3f));
		}
	}
}
