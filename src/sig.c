/* sig.c: signature verification. Takes the secret, the header value and
 * the body as (pointer, length); holds nothing between calls; returns 0 or
 * 403. The MAC compare OR-accumulates the XOR of every byte and branches
 * only on the final result, so its time does not depend on where the
 * first difference lies. BearSSL does the hashing. */
#include <string.h>

#include <bearssl.h>

#include "ascii.h"
#include "sig.h"
#include "status.h"

void
sig_hmac_parts(const unsigned char *key, size_t klen,
               const unsigned char *const *parts, const size_t *lens,
               size_t n, unsigned char out[SIG_MAC_LEN])
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	size_t i;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
	br_hmac_init(&hc, &kc, 0);
	for (i = 0; i < n; i++)
		br_hmac_update(&hc, parts[i], lens[i]);
	br_hmac_out(&hc, out);
	explicit_bzero(&kc, sizeof kc);
	explicit_bzero(&hc, sizeof hc);
}

void
sig_hmac(const unsigned char *key, size_t klen, const unsigned char *msg,
         size_t mlen, unsigned char out[SIG_MAC_LEN])
{
	sig_hmac_parts(key, klen, &msg, &mlen, 1, out);
}

void
sig_sha256(const unsigned char *msg, size_t len, unsigned char out[SIG_MAC_LEN])
{
	br_sha256_context sc;

	br_sha256_init(&sc);
	br_sha256_update(&sc, msg, len);
	br_sha256_out(&sc, out);
}

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

long
sig_unbase64(const unsigned char *s, size_t len, unsigned char *out,
             size_t cap)
{
	size_t i, o = 0, pad = 0;
	unsigned long acc;
	int k, v;

	if (len % 4)
		return -1;
	for (i = 0; i < len; i += 4) {
		acc = 0;
		for (k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == len && k >= 2 &&
			    (k == 3 || s[i + 3] == '=')) {
				pad++;
				acc <<= 6;
				continue;
			}
			if (pad || (v = b64val(s[i + k])) < 0)
				return -1;
			acc = acc << 6 | (unsigned long)v;
		}
		/* the bits under the padding must be zero (RFC 4648 3.5):
		 * one encoding per value */
		if ((pad == 1 && (acc & 0xff)) || (pad == 2 && (acc & 0xffff)))
			return -1;
		if (o + 3 - pad > cap)
			return -1;
		out[o++] = (unsigned char)(acc >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(acc >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)acc;
	}
	return (long)o;
}

size_t
sig_base64(const unsigned char *in, size_t n, char *out)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long v;
	size_t i, o = 0;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

void
sig_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
sig_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	volatile unsigned int acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= (unsigned int)(a[i] ^ b[i]);
	/* acc is 0..255: acc - 1 wraps to all ones only when it is 0 */
	return (int)(((acc - 1U) >> 8) & 1U);
}

int
sig_unhex(const unsigned char *s, size_t len, unsigned char *out,
          size_t outlen)
{
	size_t i;
	int hi, lo;

	if (len != 2 * outlen)
		return 0;
	for (i = 0; i < outlen; i++) {
		hi = ascii_hex(s[2 * i]);
		lo = ascii_hex(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return 0;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 1;
}

int
sig_parse_jobserv(const unsigned char *v, size_t len,
                  unsigned char mac[SIG_MAC_LEN])
{
	static const char tag[] = "sha256:";
	size_t i;

	if (len < sizeof tag - 1)
		return S_FORBIDDEN;
	for (i = 0; i < sizeof tag - 1; i++)
		if (v[i] != (unsigned char)tag[i])
			return S_FORBIDDEN;
	if (!sig_unhex(v + i, len - i, mac, SIG_MAC_LEN))
		return S_FORBIDDEN;
	return 0;
}

int
sig_check_jobserv(const unsigned char *secret, size_t slen,
                  const unsigned char *v, size_t vlen,
                  const unsigned char *body, size_t blen)
{
	unsigned char want[SIG_MAC_LEN], got[SIG_MAC_LEN];
	int st;

	if ((st = sig_parse_jobserv(v, vlen, got)) != 0)
		return st;
	if (slen == 0)
		return S_FORBIDDEN;
	sig_hmac(secret, slen, body, blen, want);
	return sig_equal(want, got, SIG_MAC_LEN) ? 0 : S_FORBIDDEN;
}

void
sig_format_jobserv(const unsigned char *secret, size_t slen,
                   const unsigned char *body, size_t blen, char out[72])
{
	unsigned char mac[SIG_MAC_LEN];

	sig_hmac(secret, slen, body, blen, mac);
	memcpy(out, "sha256:", 7);
	sig_hex(mac, SIG_MAC_LEN, out + 7);
}
