/* tls.h: the TLS server on the connection (fd 0 in, fd 1 out), with
 * BearSSL: TLS 1.2 only, ECDHE with ECDSA or RSA certificates, AEAD suites
 * only (AES-GCM, ChaCha20-Poly1305) in the server's order, no
 * renegotiation, ALPN "http/1.1". One connection per process: the state is
 * static. Built with -DINHOOK_NO_TLS (make TLS=no), tls_available() is 0
 * and tls_start() always fails. */
#ifndef INHOOK_TLS_H
#define INHOOK_TLS_H

#include <stddef.h>
#include <sys/types.h>

/* 1 when this build has TLS. */
int tls_available(void);

/* Reads cert_path (PEM chain, leaf first) and key_path (PEM key, checked
 * as a secret file: owner-only unless allow_shared, never waits on a
 * FIFO), checks that they match, and runs the handshake on fds 0 and 1
 * until deadline (io_now_ms() scale), the first npre bytes from the peer
 * being pre, read already (what followed a PROXY header). Returns 0 when the handshake is
 * done; -2 when the files cannot be used (or this build has no TLS), -1
 * when the handshake failed, with *why set to the log's reason, or NULL
 * when the peer closed before sending a byte. A file that cannot be used is answered
 * with a fatal internal_error alert before any handshake; a failed
 * handshake with BearSSL's alert, when it sends one. */
int tls_start(const char *cert_path, const char *key_path, int allow_shared,
              long long deadline, const unsigned char *pre, size_t npre,
              const char **why);

/* The file checks of tls_start alone, for a warning at start: 0 when both
 * files can be used, else -1 with *why set. Nothing is kept. */
int tls_check(const char *cert_path, const char *key_path, int allow_shared,
              const char **why);

/* As io_read and io_write_all, over the TLS session. tls_read returns
 * IO_EOF on the peer's close_notify or TCP close. */
ssize_t tls_read(void *buf, size_t len, long long deadline);
int tls_write_all(const void *buf, size_t len, long long deadline);

/* Sends close_notify, then io_staged_close(0, 1); wipes the key. */
void tls_close(void);

/* The session's protocol ("TLSv1.2") and cipher suite, with OpenSSL's
 * names as mod_ssl gives them (e.g. "ECDHE-ECDSA-AES128-GCM-SHA256");
 * NULL before a handshake. */
const char *tls_protocol(void);
const char *tls_cipher(void);

#endif
