/* ref.h: plain reference decoders for the fuzz targets, written the
 * obvious way and independently of src/, so that a target can hold the
 * real decoders (sig_unhex, sig_unbase64) to the same answers. */
#ifndef INHOOK_FUZZ_REF_H
#define INHOOK_FUZZ_REF_H

#include <stddef.h>
#include <string.h>

static inline int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* The plain decoder: 1 if s[0..len) is exactly 2*n hex digits. */
static inline int
unhex(const unsigned char *s, size_t len, unsigned char *out, size_t n)
{
	size_t i;

	if (len != 2 * n)
		return 0;
	for (i = 0; i < len; i++)
		if (hexval(s[i]) < 0)
			return 0;
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
	return 1;
}

static inline int
b64val(unsigned char c)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(abc, c) : NULL;

	return p ? (int)(p - abc) : -1;
}

/* The plain base64 reader: quads of the alphabet, "=" only at the end as
 * "x=" or "==" in the last quad; the bits under the padding must be zero
 * (RFC 4648 3.5: then every value has one encoding). */
static inline long
unbase64(const unsigned char *s, size_t len, unsigned char *out, size_t cap)
{
	size_t i, k, o = 0, pad = 0;
	unsigned long acc;

	if (len % 4)
		return -1;
	if (len >= 4 && s[len - 1] == '=')
		pad = s[len - 2] == '=' ? 2 : 1;
	if (len / 4 * 3 - pad > cap)
		return -1;
	for (i = 0; i < len; i += 4) {
		for (k = 0, acc = 0; k < 4; k++) {
			if (i + k >= len - pad)
				acc <<= 6;
			else if (b64val(s[i + k]) < 0)
				return -1;
			else
				acc = acc << 6 | (unsigned long)b64val(s[i + k]);
		}
		if (i + 4 == len && acc & ((1UL << (8 * pad)) - 1))
			return -1;
		for (k = 0; k < 3 && o < len / 4 * 3 - pad; k++)
			out[o++] = (unsigned char)(acc >> (16 - 8 * k));
	}
	return (long)o;
}

#endif
