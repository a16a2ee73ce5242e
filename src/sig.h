/* sig.h: signature checks over the exact body bytes, with BearSSL's
 * HMAC-SHA256 and a compare whose time does not depend on the data. */
#ifndef INHOOK_SIG_H
#define INHOOK_SIG_H

#include <stddef.h>

#define SIG_MAC_LEN 32

/* HMAC-SHA256(key, msg) into out. Any key length (RFC 2104). */
void sig_hmac(const unsigned char *key, size_t klen,
              const unsigned char *msg, size_t mlen,
              unsigned char out[SIG_MAC_LEN]);

/* HMAC-SHA256 over the concatenation of n parts. */
void sig_hmac_parts(const unsigned char *key, size_t klen,
                    const unsigned char *const *parts, const size_t *lens,
                    size_t n, unsigned char out[SIG_MAC_LEN]);

/* SHA-256(msg) into out. */
void sig_sha256(const unsigned char *msg, size_t len,
                unsigned char out[SIG_MAC_LEN]);

/* Decodes standard base64 (RFC 4648 4, "=" padding required to a multiple
 * of 4) from s[0..len) into out (cap bytes). Returns the decoded length, or
 * -1 on a bad character, bad padding, non-zero bits under the padding
 * (each value has one encoding), or more than cap bytes. */
long sig_unbase64(const unsigned char *s, size_t len, unsigned char *out,
                  size_t cap);

/* Encodes in[0..n) as standard base64 with "=" padding, plus a NUL, into
 * out (4 * ((n + 2) / 3) + 1 bytes). Returns the length without the NUL. */
size_t sig_base64(const unsigned char *in, size_t n, char *out);

/* Writes the lower-case hex of in[0..n) and a NUL into out (2n+1 bytes). */
void sig_hex(const unsigned char *in, size_t n, char *out);

/* 1 if a[0..n) equals b[0..n), else 0, in time that depends only on n. */
int sig_equal(const unsigned char *a, const unsigned char *b, size_t n);

/* Decodes exactly 2*outlen hex digits (either case) from s[0..len) into out.
 * Returns 1, or 0 if len is not 2*outlen or a byte is not a hex digit. */
int sig_unhex(const unsigned char *s, size_t len, unsigned char *out,
              size_t outlen);

/* Decodes an X-JobServ-Sig value "sha256:<64 hex>" into mac.
 * Returns 0, or 403 when it is malformed. */
int sig_parse_jobserv(const unsigned char *v, size_t len,
                      unsigned char mac[SIG_MAC_LEN]);

/* Checks a JobServ signature header value against HMAC(secret, body).
 * Returns 0 when it matches, 403 when it is malformed or does not match.
 * A zero-length secret never matches. */
int sig_check_jobserv(const unsigned char *secret, size_t slen,
                      const unsigned char *v, size_t vlen,
                      const unsigned char *body, size_t blen);

/* Formats HMAC(secret, body) as "sha256:<64 lower-case hex>" plus NUL into
 * out, which must hold 72 bytes. */
void sig_format_jobserv(const unsigned char *secret, size_t slen,
                        const unsigned char *body, size_t blen, char out[72]);

#endif
