/* pem.h: a certificate chain and a private key from PEM bytes, for the
 * TLS server (tls.c). Pure functions over (buf, len): no descriptor, no
 * allocation; everything decoded lands in the caller's structs. */
#ifndef INHOOK_PEM_H
#define INHOOK_PEM_H

#include <stddef.h>
#include <bearssl.h>

#include "limits.h"

/* The chain: DER of every "CERTIFICATE" object, in file order (the leaf
 * first), in der[]; cert[i].data points into it. */
struct pem_chain {
	unsigned char der[TLS_CERT_FILE_MAX];
	br_x509_certificate cert[TLS_CHAIN_MAX];
	size_t n;
};

/* The private key: BearSSL's decoder holds the key's bytes; type is
 * BR_KEYTYPE_RSA or BR_KEYTYPE_EC, and rsa or ec points into dec. */
struct pem_key {
	unsigned char der[TLS_KEY_FILE_MAX];
	br_skey_decoder_context dec;
	int type;
	const br_rsa_private_key *rsa;
	const br_ec_private_key *ec;
};

/* Decodes the chain from buf[0..len). Objects with other names are
 * skipped. Returns 0, or -1 with *why set: not PEM, no certificate, more
 * than TLS_CHAIN_MAX, a certificate BearSSL cannot decode. */
int pem_chain(const unsigned char *buf, size_t len, struct pem_chain *c,
              const char **why);

/* Decodes the key from buf[0..len): the first "PRIVATE KEY" (PKCS#8),
 * "RSA PRIVATE KEY" or "EC PRIVATE KEY" object ("EC PARAMETERS" before it
 * is skipped). Accepts RSA of TLS_RSA_MIN_BITS or more and EC on P-256 or
 * P-384. Returns 0, or -1 with *why set. */
int pem_key(const unsigned char *buf, size_t len, struct pem_key *k,
            const char **why);

/* 0 when k is the private key of c's first certificate, else -1 with *why
 * set. */
int pem_match(const struct pem_chain *c, const struct pem_key *k,
              const char **why);

/* Overwrites the key's bytes. */
void pem_key_wipe(struct pem_key *k);

#endif
