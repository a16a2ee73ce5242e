/* sig.c: signature verification. Takes the secret, the header value and
 * the body as (pointer, length); holds nothing between calls; returns 0 or
 * 403. The MAC compare OR-accumulates the XOR of every byte and branches
 * only on the final result, so its time does not depend on where the
 * first difference lies. BearSSL does the hashing. */
#include <bearssl.h>

#include "sig.h"
#include "status.h"

void
sig_hmac(const unsigned char *key, size_t klen, const unsigned char *msg,
         size_t mlen, unsigned char out[SIG_MAC_LEN])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, mlen);
	br_hmac_out(&hc, out);
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

static int
hexdigit(unsigned char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
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
		hi = hexdigit(s[2 * i]);
		lo = hexdigit(s[2 * i + 1]);
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
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[SIG_MAC_LEN];
	size_t i;

	sig_hmac(secret, slen, body, blen, mac);
	for (i = 0; i < 7; i++)
		out[i] = "sha256:"[i];
	for (i = 0; i < SIG_MAC_LEN; i++) {
		out[7 + 2 * i] = hex[mac[i] >> 4];
		out[8 + 2 * i] = hex[mac[i] & 15];
	}
	out[71] = '\0';
}
