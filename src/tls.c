/* tls.c: the TLS server engine, BearSSL's, driven on fds 0 and 1 with the
 * request's one deadline. The certificate chain and the key are read from
 * their files by each connection's process, so a renewed certificate is
 * served on the next connection. The record buffers and the decoded chain
 * and key are static, sized in limits.h and bearssl_ssl.h; nothing is
 * sized by the peer. What the server allows is set here and only here. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "limits.h"
#include "tls.h"

#ifdef INHOOK_NO_TLS

int tls_available(void) { return 0; }

int
tls_start(const char *cert_path, const char *key_path, int allow_shared,
          long long deadline, const unsigned char *pre, size_t npre,
          const char **why)
{
	(void)cert_path; (void)key_path; (void)allow_shared; (void)deadline;
	(void)pre; (void)npre;
	*why = "built without TLS (make TLS=no)";
	return -2;
}

int
tls_check(const char *cert_path, const char *key_path, int allow_shared,
          const char **why)
{
	(void)cert_path; (void)key_path; (void)allow_shared;
	*why = "built without TLS (make TLS=no)";
	return -1;
}

ssize_t
tls_read(void *buf, size_t len, long long deadline)
{
	(void)buf; (void)len; (void)deadline;
	return IO_ERROR;
}

int
tls_write_all(const void *buf, size_t len, long long deadline)
{
	(void)buf; (void)len; (void)deadline;
	return -1;
}

void tls_close(void) { io_staged_close(0, 1); }
const char *tls_protocol(void) { return NULL; }
const char *tls_cipher(void) { return NULL; }

#else

#include <bearssl.h>

#include "curves.h"
#include "pem.h"
#include "secret.h"

#define RUN_OK 1        /* run(): the target state was reached */

static br_ssl_server_context sc;
static unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
static struct pem_chain chain;
static struct pem_key key;
static unsigned char file[TLS_CERT_FILE_MAX > TLS_KEY_FILE_MAX ?
    TLS_CERT_FILE_MAX : TLS_KEY_FILE_MAX];
static int started, got_bytes, dead;
static const unsigned char *pre_buf;    /* read before the handshake */
static size_t pre_len;
static char whybuf[160];

/* The suites, the server's order first: ChaCha20-Poly1305, then
 * AES-128-GCM for a client without it. Both in BearSSL's portable
 * constant-time code, on every CPU: the same order everywhere, and 4 KB
 * less of flash than AES-NI and PCLMUL code beside the portable AES, which
 * a router's CPU would need anyway. (A webhook is a few KB: the cipher is
 * not where a delivery's time goes.) */
static const uint16_t ec_suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
}, rsa_suites[] = {
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
};

static const struct {
	uint16_t id;
	const char *name;
} suite_names[] = {
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	    "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	    "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	    "ECDHE-RSA-AES128-GCM-SHA256" },
	{ BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	    "ECDHE-RSA-CHACHA20-POLY1305" },
};

static const char *alpn[] = { "http/1.1" };

int
tls_available(void)
{
	return 1;
}

/* Reads one of the two files into file[]. */
static int
load(const char *path, int is_key, int allow_shared, size_t *len,
     const char **why)
{
	const char *opt = is_key ? "--tls-key" : "--tls-cert";
	size_t cap = is_key ? TLS_KEY_FILE_MAX : TLS_CERT_FILE_MAX;

	switch (secret_read(path, is_key && !allow_shared, file, cap, len)) {
	case 0:
		return 0;
	case SECRET_OPEN:
		snprintf(whybuf, sizeof whybuf, "cannot read %s: %s", opt,
		    strerror(errno));
		break;
	case SECRET_NOT_REGULAR:
		snprintf(whybuf, sizeof whybuf, "%s is not a regular file", opt);
		break;
	case SECRET_SHARED:
		snprintf(whybuf, sizeof whybuf, "%s is readable or writable by "
		    "other users (chmod 600 it, or give --allow-shared-secret)",
		    opt);
		break;
	default:
		snprintf(whybuf, sizeof whybuf, "%s is over %lu bytes", opt,
		    (unsigned long)cap);
	}
	explicit_bzero(file, sizeof file);
	*why = whybuf;
	return -1;
}

/* Before any handshake: a fatal internal_error alert (a TLS 1.2 record a
 * client shows as such), then the staged close's reading, so that the
 * client reads the alert, not a reset. */
static void
refuse(void)
{
	static const unsigned char alert[] = { 21, 3, 3, 0, 2, 2, 80 };

	(void)io_write_all(1, alert, sizeof alert, io_now_ms() + TLS_ALERT_MS);
	io_staged_close(0, 1);
}

/* Reads and decodes both files into chain and key, and checks that they
 * match. */
static int
load_pair(const char *cert_path, const char *key_path, int allow_shared,
          const char **why)
{
	size_t len;
	int r;

	if (load(cert_path, 0, 0, &len, why) < 0)
		return -1;
	r = pem_chain(file, len, &chain, why);
	if (r == 0 && load(key_path, 1, allow_shared, &len, why) < 0)
		return -1;
	if (r == 0)
		r = pem_key(file, len, &key, why);
	explicit_bzero(file, len);
	if (r == 0)
		r = pem_match(&chain, &key, why);
	return r < 0 ? -1 : 0;
}

int
tls_check(const char *cert_path, const char *key_path, int allow_shared,
          const char **why)
{
	int r = load_pair(cert_path, key_path, allow_shared, why);

	pem_key_wipe(&key);
	return r;
}

static int
setup(const char *cert_path, const char *key_path, int allow_shared,
      const char **why)
{
	br_ssl_engine_context *eng = &sc.eng;

	if (load_pair(cert_path, key_path, allow_shared, why) < 0)
		return -1;

	br_ssl_server_zero(&sc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	if (key.type == BR_KEYTYPE_EC) {
		br_ssl_engine_set_suites(eng, ec_suites, 2);
		br_ssl_server_set_single_ec(&sc, chain.cert, chain.n, key.ec,
		    BR_KEYTYPE_SIGN, BR_KEYTYPE_EC, &curves_impl,
		    br_ecdsa_i31_sign_asn1);
	} else {
		br_ssl_engine_set_suites(eng, rsa_suites, 2);
		br_ssl_server_set_single_rsa(&sc, chain.cert, chain.n, key.rsa,
		    BR_KEYTYPE_SIGN, br_rsa_i31_private, br_rsa_i31_pkcs1_sign);
	}
	br_ssl_engine_set_ec(eng, &curves_impl);        /* P-256, P-384 */
	/* signatures and the handshake's hash: SHA-2 only (no SHA-1, MD5) */
	br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable,
	    &br_sslrec_out_gcm_vtable);
#if UINTPTR_MAX > 0xffffffffu   /* 64-bit registers: the 64-bit code */
	br_ssl_engine_set_aes_ctr(eng, &br_aes_ct64_ctr_vtable);
	br_ssl_engine_set_ghash(eng, br_ghash_ctmul64);
#else
	br_ssl_engine_set_aes_ctr(eng, &br_aes_ct_ctr_vtable);
	br_ssl_engine_set_ghash(eng, br_ghash_ctmul);
#endif
	/* ChaCha20 and Poly1305 in portable code: BearSSL's SSE2 and
	 * 64-bit-multiply versions are faster but 4 KB larger; a webhook is
	 * a few KB of data */
	br_ssl_engine_set_chapol(eng, &br_sslrec_in_chapol_vtable,
	    &br_sslrec_out_chapol_vtable);
	br_ssl_engine_set_chacha20(eng, br_chacha20_ct_run);
	br_ssl_engine_set_poly1305(eng, br_poly1305_ctmul_run);
	br_ssl_engine_set_protocol_names(eng, alpn, 1);
	br_ssl_engine_set_all_flags(eng, BR_OPT_ENFORCE_SERVER_PREFERENCES |
	    BR_OPT_NO_RENEGOTIATION | BR_OPT_FAIL_ON_ALPN_MISMATCH);
	br_ssl_engine_set_buffer(eng, iobuf, sizeof iobuf, 1);
	if (!br_ssl_server_reset(&sc)) {
		*why = "TLS engine reset failed (no random source?)";
		return -1;
	}
	return 0;
}

/* Drives the engine until a state in target: records are written to fd 1
 * and read from fd 0 as it asks. Returns RUN_OK, IO_EOF (the peer closed:
 * close_notify, or TCP), IO_TIMEOUT or IO_ERROR (the engine failed, or
 * application data waits to be read while target is writing). */
static int
run(unsigned target, long long deadline)
{
	br_ssl_engine_context *eng = &sc.eng;
	unsigned char *buf;
	unsigned st;
	size_t len;
	ssize_t r;

	for (;;) {
		st = br_ssl_engine_current_state(eng);
		if (st & BR_SSL_CLOSED)
			return br_ssl_engine_last_error(eng) == BR_ERR_OK ?
			    IO_EOF : IO_ERROR;
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(eng, &len);
			if (io_write_all(1, buf, len, deadline) < 0) {
				dead = 1;
				return io_now_ms() >= deadline ? IO_TIMEOUT :
				    IO_ERROR;
			}
			br_ssl_engine_sendrec_ack(eng, len);
			continue;
		}
		if (st & target)
			return RUN_OK;
		if (st & BR_SSL_RECVAPP)
			return IO_ERROR;
		if (st & BR_SSL_RECVREC) {
			buf = br_ssl_engine_recvrec_buf(eng, &len);
			if (pre_len > 0) {      /* first, what PROXY left */
				r = (ssize_t)(len < pre_len ? len : pre_len);
				memcpy(buf, pre_buf, (size_t)r);
				pre_buf += r;
				pre_len -= (size_t)r;
			} else {
				r = io_read(0, buf, len, deadline);
			}
			if (r <= 0) {
				dead = r != IO_TIMEOUT;
				return r == 0 ? IO_EOF : (int)r;
			}
			got_bytes = 1;
			br_ssl_engine_recvrec_ack(eng, (size_t)r);
			continue;
		}
		br_ssl_engine_flush(eng, 0);
	}
}

/* The log's reason for a failed handshake. */
static const char *
handshake_why(int r)
{
	int err = br_ssl_engine_last_error(&sc.eng);
	const char *what;

	if (r == IO_TIMEOUT)
		return "deadline passed in the TLS handshake";
	if (r == IO_EOF && err == BR_ERR_OK)
		return "peer closed in the TLS handshake";
	if (err == BR_ERR_OK)   /* a read or write on the connection failed */
		return "connection failed in the TLS handshake";
	switch (err) {
	case BR_ERR_UNSUPPORTED_VERSION:
	case BR_ERR_BAD_VERSION:
		what = "not TLS 1.2 (an older TLS, or not TLS at all)"; break;
	case BR_ERR_BAD_CIPHER_SUITE:
		what = "no ECDHE AEAD cipher suite in common"; break;
	case BR_ERR_BAD_LENGTH:
	case BR_ERR_TOO_LARGE:
	case BR_ERR_UNKNOWN_TYPE:
		what = "not TLS (plain HTTP?)"; break;
	case BR_ERR_BAD_SECRENEG:
		what = "renegotiation refused"; break;
	default:
		what = NULL;
	}
	if (err >= BR_ERR_SEND_FATAL_ALERT && err < BR_ERR_SEND_FATAL_ALERT + 256) {
		err -= BR_ERR_SEND_FATAL_ALERT;
		what = err == BR_ALERT_NO_APPLICATION_PROTOCOL ?
		    "ALPN without http/1.1" :
		    err == BR_ALERT_HANDSHAKE_FAILURE ?
		    "no ECDHE AEAD cipher suite, curve or hash in common" :
		    err == BR_ALERT_PROTOCOL_VERSION ? "not TLS 1.2" : NULL;
		snprintf(whybuf, sizeof whybuf, "TLS handshake failed: %s%s"
		    "sent alert %d", what ? what : "", what ? ", " : "", err);
	} else if (err >= BR_ERR_RECV_FATAL_ALERT &&
	    err < BR_ERR_RECV_FATAL_ALERT + 256) {
		snprintf(whybuf, sizeof whybuf, "TLS handshake failed: the peer "
		    "sent alert %d", err - BR_ERR_RECV_FATAL_ALERT);
	} else {
		snprintf(whybuf, sizeof whybuf, "TLS handshake failed: %s%s"
		    "BearSSL error %d", what ? what : "", what ? ", " : "", err);
	}
	return whybuf;
}

int
tls_start(const char *cert_path, const char *key_path, int allow_shared,
          long long deadline, const unsigned char *pre, size_t npre,
          const char **why)
{
	int r;

	*why = NULL;
	got_bytes = dead = 0;
	pre_buf = pre;
	pre_len = npre;
	if (setup(cert_path, key_path, allow_shared, why) < 0) {
		pem_key_wipe(&key);
		refuse();
		return -2;
	}
	started = 1;
	r = run(BR_SSL_SENDAPP, deadline);
	if (r == RUN_OK)
		return 0;
	if (got_bytes || r == IO_TIMEOUT)
		*why = handshake_why(r);
	started = 0;
	pem_key_wipe(&key);
	if (got_bytes)          /* the alert read before any reset */
		io_staged_close(0, 1);
	return -1;
}

ssize_t
tls_read(void *buf, size_t len, long long deadline)
{
	unsigned char *p;
	size_t n;
	int r;

	if ((r = run(BR_SSL_RECVAPP, deadline)) != RUN_OK)
		return r;
	p = br_ssl_engine_recvapp_buf(&sc.eng, &n);
	if (n > len)
		n = len;
	memcpy(buf, p, n);
	br_ssl_engine_recvapp_ack(&sc.eng, n);
	return (ssize_t)n;
}

int
tls_write_all(const void *buf, size_t len, long long deadline)
{
	const unsigned char *b = buf;
	unsigned char *p;
	size_t n;

	while (len > 0) {
		if (run(BR_SSL_SENDAPP, deadline) != RUN_OK)
			return -1;
		p = br_ssl_engine_sendapp_buf(&sc.eng, &n);
		if (n > len)
			n = len;
		memcpy(p, b, n);
		br_ssl_engine_sendapp_ack(&sc.eng, n);
		b += n;
		len -= n;
	}
	br_ssl_engine_flush(&sc.eng, 0);
	return run(BR_SSL_SENDAPP, deadline) == RUN_OK ? 0 : -1;
}

void
tls_close(void)
{
	long long deadline = io_now_ms() + DRAIN_MS;
	unsigned char *p;
	unsigned st;
	size_t n;

	if (started && !dead) {
		/* close_notify out; the peer's answer (or its data) is the
		 * staged close's to read and discard */
		br_ssl_engine_close(&sc.eng);
		while (!((st = br_ssl_engine_current_state(&sc.eng)) &
		    BR_SSL_CLOSED) && (st & BR_SSL_SENDREC)) {
			p = br_ssl_engine_sendrec_buf(&sc.eng, &n);
			if (io_write_all(1, p, n, deadline) < 0)
				break;
			br_ssl_engine_sendrec_ack(&sc.eng, n);
		}
		started = 0;
	}
	pem_key_wipe(&key);
	explicit_bzero(&sc, sizeof sc);
	io_staged_close(0, 1);
}

const char *
tls_protocol(void)
{
	return started ? "TLSv1.2" : NULL;
}

const char *
tls_cipher(void)
{
	uint16_t id = sc.eng.session.cipher_suite;
	size_t i;

	if (!started)
		return NULL;
	for (i = 0; i < sizeof suite_names / sizeof suite_names[0]; i++)
		if (suite_names[i].id == id)
			return suite_names[i].name;
	return "-";
}

#endif
