/* fuzz_sig.c: the signature value decoders and the JobServ check. The
 * input is a header value, optionally followed by a NUL and a body:
 * "sha256:<hex>\0{...}". Each function is held to its contract in sig.h
 * against a plain reading here: sig_unhex and sig_parse_jobserv decode
 * exactly "sha256:" and 64 hex digits of either case, sig_unbase64 exactly
 * padded standard base64 within its capacity, sig_hex is undone by
 * sig_unhex, sig_equal is memcmp() == 0, and sig_check_jobserv with a fixed
 * secret accepts exactly the HMAC that BearSSL computes here for the body
 * (never with an empty secret). A signature made by sig_format_jobserv for
 * the body is accepted in either case of hex and refused with any one byte
 * changed. */
#include <string.h>

#include <bearssl.h>

#include "fuzz.h"
#include "ref.h"
#include "sig.h"
#include "status.h"

static const unsigned char secret[] = "UseSomethingGoodHere";
#define SLEN (sizeof secret - 1)

static void
hmac(const unsigned char *body, size_t blen, unsigned char out[32])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, secret, SLEN);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, body, blen);
	br_hmac_out(&hc, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *nul = memchr(data, 0, size);
	size_t vlen = nul ? (size_t)(nul - data) : size;
	size_t blen = nul ? size - vlen - 1 : 0, half = size / 2, i;
	unsigned char *v = fuzz_dup(data, vlen);
	unsigned char *body = fuzz_dup(nul ? nul + 1 : data, blen);
	unsigned char *a = fuzz_dup(data, half), *b = fuzz_dup(data + half, half);
	unsigned char mac[SIG_MAC_LEN], want[SIG_MAC_LEN], ref[SIG_MAC_LEN];
	unsigned char *dec, *dec2;
	char fmt[72];
	int ok, st, x;
	uint64_t seed = fuzz_hash(data, size);

	/* sig_unhex over the whole value, at the length it asks for */
	dec = malloc(vlen / 2 + 1);
	dec2 = malloc(vlen / 2 + 1);
	if (dec == NULL || dec2 == NULL)
		abort();
	ok = sig_unhex(v, vlen, dec, vlen / 2);
	need(ok == unhex(v, vlen, dec2, vlen / 2));
	if (ok)
		need(memcmp(dec, dec2, vlen / 2) == 0);
	need(sig_unhex(v, vlen, mac, SIG_MAC_LEN) ==
	    unhex(v, vlen, ref, SIG_MAC_LEN));

	/* base64 at the capacities scheme.c uses, and a small one */
	{
		static const size_t caps[] = { 0, 1, 2, 3, SIG_MAC_LEN,
		    SIG_MAC_LEN + 3, 1024 };
		unsigned char *b1 = malloc(vlen + 1), *b2 = malloc(vlen + 1);
		long l1, l2;
		size_t c;

		if (b1 == NULL || b2 == NULL)
			abort();
		for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
			l1 = sig_unbase64(v, vlen, b1, caps[c]);
			l2 = unbase64(v, vlen, b2, caps[c]);
			need(l1 == l2);
			need(l1 <= (long)caps[c]);
			if (l1 > 0)
				need(memcmp(b1, b2, (size_t)l1) == 0);
		}
		free(b1);
		free(b2);
	}

	/* sig_hex, undone */
	{
		char *hx = malloc(2 * vlen + 1);
		unsigned char *back = malloc(vlen + 1);

		if (hx == NULL || back == NULL)
			abort();
		sig_hex(v, vlen, hx);
		need(strlen(hx) == 2 * vlen);
		need(sig_unhex((unsigned char *)hx, 2 * vlen, back, vlen) == 1);
		need(memcmp(back, v, vlen) == 0);
		free(hx);
		free(back);
	}

	/* the header value */
	st = sig_parse_jobserv(v, vlen, mac);
	ok = vlen == 71 && memcmp(v, "sha256:", 7) == 0 &&
	    unhex(v + 7, 64, ref, SIG_MAC_LEN);
	need(st == (ok ? 0 : S_FORBIDDEN));
	if (ok)
		need(memcmp(mac, ref, SIG_MAC_LEN) == 0);

	/* the check, against BearSSL directly */
	hmac(body, blen, want);
	st = sig_check_jobserv(secret, SLEN, v, vlen, body, blen);
	need(st == ((ok && memcmp(ref, want, SIG_MAC_LEN) == 0) ? 0 : S_FORBIDDEN));
	need(sig_check_jobserv(secret, 0, v, vlen, body, blen) == S_FORBIDDEN);
	note("  value of %zu bytes: parse %s, check %d\n", vlen,
	    ok ? "ok" : "refused", st);

	/* a signature made for this body: accepted as made and in upper case,
	 * refused with one byte changed or one byte short */
	sig_format_jobserv(secret, SLEN, body, blen, fmt);
	need(fmt[71] == '\0' && strlen(fmt) == 71);
	need(sig_check_jobserv(secret, SLEN, (unsigned char *)fmt, 71, body,
	    blen) == 0);
	need(sig_check_jobserv(secret, 0, (unsigned char *)fmt, 71, body,
	    blen) == S_FORBIDDEN);
	for (i = 7; i < 71; i++)
		if (fmt[i] >= 'a' && fmt[i] <= 'f')
			fmt[i] = (char)(fmt[i] - 32);
	need(sig_check_jobserv(secret, SLEN, (unsigned char *)fmt, 71, body,
	    blen) == 0);
	need(sig_check_jobserv(secret, SLEN, (unsigned char *)fmt, 70, body,
	    blen) == S_FORBIDDEN);
	/* any change but a case flip (0x20), which leaves a hex digit's value */
	i = (size_t)(fuzz_next(&seed) % 71);
	x = 1 + (int)(fuzz_next(&seed) % 255);
	fmt[i] = (char)(fmt[i] ^ (x == 0x20 ? 0x21 : x));
	need(sig_check_jobserv(secret, SLEN, (unsigned char *)fmt, 71, body,
	    blen) == S_FORBIDDEN);
	if (blen > 0) {
		sig_format_jobserv(secret, SLEN, body, blen, fmt);
		body[fuzz_next(&seed) % blen] ^= 1;
		need(sig_check_jobserv(secret, SLEN, (unsigned char *)fmt, 71,
		    body, blen) == S_FORBIDDEN);
	}

	/* the compare */
	need(sig_equal(a, b, half) == (memcmp(a, b, half) == 0));
	need(sig_equal(a, a, half) == 1);

	free(v);
	free(body);
	free(a);
	free(b);
	free(dec);
	free(dec2);
	return 0;
}
