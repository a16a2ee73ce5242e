/* pem.c: PEM certificate chains and private keys, decoded with BearSSL's
 * PEM, X.509 and key decoders into caller-provided structs. Every copy is
 * bounded by the destination's size; nothing is allocated. */
#ifndef INHOOK_NO_TLS
#include <string.h>

#include "curves.h"
#include "pem.h"

#define RSA_MAX_BYTES 512       /* BearSSL's largest RSA key: 4096 bits */

/* Where a decoded object's bytes go: buf[len], cap bytes at most; over
 * sets when an object did not fit. */
struct sink {
	unsigned char *buf;
	size_t len, cap;
	int over;
};

static void
sink_put(void *ctx, const void *data, size_t len)
{
	struct sink *s = ctx;

	if (len > s->cap - s->len) {
		s->over = 1;
		return;
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
}

/* Calls found(name, start, len, arg) for every PEM object in buf, its DER
 * at s->buf[start..start+len); found returns 0 to keep the object, 1 to
 * drop it, -1 to stop. Returns 0, or -1 (not PEM, truncated, over cap,
 * or found said stop). */
static int
pem_walk(const unsigned char *buf, size_t len, struct sink *s,
         int (*found)(const char *name, size_t start, size_t n, void *arg),
         void *arg)
{
	br_pem_decoder_context pc;
	size_t start = 0, n;
	int inobj = 0, last = 0, r;

	br_pem_decoder_init(&pc);
	/* a last "\n" is pushed too: a file whose END line has no newline */
	while (len > 0 || !last) {
		if (len == 0) {
			buf = (const unsigned char *)"\n";
			len = 1;
			last = 1;
		}
		n = br_pem_decoder_push(&pc, buf, len);
		buf += n;
		len -= n;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			inobj = 1;
			start = s->len;
			br_pem_decoder_setdest(&pc, sink_put, s);
			break;
		case BR_PEM_END_OBJ:
			inobj = 0;
			if (s->over)
				return -1;
			r = found(br_pem_decoder_name(&pc), start, s->len - start,
			    arg);
			if (r < 0)
				return -1;
			if (r > 0)
				s->len = start;
			break;
		case BR_PEM_ERROR:
			return -1;
		}
	}
	return inobj ? -1 : 0;
}

struct chain_walk {
	struct pem_chain *c;
	int many;
};

static int
chain_found(const char *name, size_t start, size_t n, void *arg)
{
	struct chain_walk *w = arg;
	struct pem_chain *c = w->c;

	if (strcmp(name, "CERTIFICATE") != 0 &&
	    strcmp(name, "X509 CERTIFICATE") != 0)
		return 1;
	if (c->n == TLS_CHAIN_MAX) {
		w->many = 1;
		return -1;
	}
	c->cert[c->n].data = c->der + start;
	c->cert[c->n].data_len = n;
	c->n++;
	return 0;
}

int
pem_chain(const unsigned char *buf, size_t len, struct pem_chain *c,
          const char **why)
{
	struct sink s = { c->der, 0, sizeof c->der, 0 };
	struct chain_walk w = { c, 0 };
	br_x509_decoder_context xd;
	size_t i;

	c->n = 0;
	if (pem_walk(buf, len, &s, chain_found, &w) < 0) {
		*why = w.many ? "--tls-cert holds more than TLS_CHAIN_MAX "
		    "certificates" : "--tls-cert is not well-formed PEM";
		return -1;
	}
	if (c->n == 0) {
		*why = "--tls-cert holds no CERTIFICATE";
		return -1;
	}
	for (i = 0; i < c->n; i++) {
		br_x509_decoder_init(&xd, 0, 0);
		br_x509_decoder_push(&xd, c->cert[i].data, c->cert[i].data_len);
		if (br_x509_decoder_last_error(&xd) != 0) {
			*why = i ? "--tls-cert: a chain certificate cannot be "
			    "decoded" : "--tls-cert: the first certificate "
			    "cannot be decoded";
			return -1;
		}
	}
	return 0;
}

struct key_walk {
	int found, encrypted;
};

static int
key_found(const char *name, size_t start, size_t n, void *arg)
{
	struct key_walk *w = arg;

	(void)start;
	(void)n;
	if (strcmp(name, "ENCRYPTED PRIVATE KEY") == 0) {
		w->encrypted = 1;
		return -1;
	}
	if (w->found || (strcmp(name, "PRIVATE KEY") != 0 &&
	    strcmp(name, "RSA PRIVATE KEY") != 0 &&
	    strcmp(name, "EC PRIVATE KEY") != 0))
		return 1;
	w->found = 1;
	return 0;
}

int
pem_key(const unsigned char *buf, size_t len, struct pem_key *k,
        const char **why)
{
	struct sink s = { k->der, 0, sizeof k->der, 0 };
	struct key_walk w = { 0, 0 };
	int curve;

	k->type = 0;
	k->rsa = NULL;
	k->ec = NULL;
	if (pem_walk(buf, len, &s, key_found, &w) < 0) {
		*why = w.encrypted ? "--tls-key is encrypted (inhook takes "
		    "an unencrypted key, mode 600)" :
		    "--tls-key is not well-formed PEM";
		return -1;
	}
	if (!w.found) {
		*why = "--tls-key holds no PRIVATE KEY, RSA PRIVATE KEY or "
		    "EC PRIVATE KEY";
		return -1;
	}
	br_skey_decoder_init(&k->dec);
	br_skey_decoder_push(&k->dec, k->der, s.len);
	explicit_bzero(k->der, s.len);
	if (br_skey_decoder_last_error(&k->dec) != 0) {
		*why = "--tls-key: the key cannot be decoded (RSA or EC, "
		    "PKCS#8 or traditional)";
		return -1;
	}
	k->type = br_skey_decoder_key_type(&k->dec);
	if (k->type == BR_KEYTYPE_RSA) {
		k->rsa = br_skey_decoder_get_rsa(&k->dec);
		if (k->rsa->n_bitlen < TLS_RSA_MIN_BITS) {
			*why = "--tls-key: RSA key under TLS_RSA_MIN_BITS (2048)";
			return -1;
		}
		return 0;
	}
	if (k->type == BR_KEYTYPE_EC) {
		k->ec = br_skey_decoder_get_ec(&k->dec);
		curve = k->ec->curve;
		if (curve == BR_EC_secp256r1 || curve == BR_EC_secp384r1)
			return 0;
		*why = "--tls-key: EC key not on P-256 or P-384";
		return -1;
	}
	*why = "--tls-key: neither RSA nor EC";
	return -1;
}

/* An unsigned big-endian integer without its leading zeros. */
static void
trim(const unsigned char **p, size_t *n)
{
	while (*n > 0 && **p == 0) {
		++*p;
		--*n;
	}
}

int
pem_match(const struct pem_chain *c, const struct pem_key *k,
          const char **why)
{
	br_x509_decoder_context xd;
	const br_x509_pkey *pk;
	unsigned char n[RSA_MAX_BYTES], q[BR_EC_KBUF_PUB_MAX_SIZE];
	const unsigned char *a, *b;
	size_t alen, blen;
	br_ec_public_key pub;

	br_x509_decoder_init(&xd, 0, 0);
	br_x509_decoder_push(&xd, c->cert[0].data, c->cert[0].data_len);
	if ((pk = br_x509_decoder_get_pkey(&xd)) == NULL ||
	    (int)pk->key_type != k->type)
		goto bad;
	if (k->type == BR_KEYTYPE_RSA) {
		if (k->rsa->n_bitlen > RSA_MAX_BYTES * 8)
			goto bad;
		blen = br_rsa_i31_compute_modulus(n, k->rsa);
		a = pk->key.rsa.n;
		alen = pk->key.rsa.nlen;
		b = n;
	} else {
		if (pk->key.ec.curve != k->ec->curve)
			goto bad;
		blen = br_ec_compute_pub(&curves_impl, &pub, q, k->ec);
		a = pk->key.ec.q;
		alen = pk->key.ec.qlen;
		b = q;
	}
	trim(&a, &alen);
	trim(&b, &blen);
	if (blen > 0 && alen == blen && memcmp(a, b, alen) == 0)
		return 0;
bad:
	*why = "--tls-key does not match the first certificate of --tls-cert";
	return -1;
}

void
pem_key_wipe(struct pem_key *k)
{
	explicit_bzero(k, sizeof *k);
}

#endif
