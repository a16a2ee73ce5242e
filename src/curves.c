/* curves.c: see curves.h. Each call goes to P-256's own code or to the
 * generic one; supported_curves tells the engine which curves to offer
 * and accept. */
#include "curves.h"

#ifndef INHOOK_NO_TLS

static const br_ec_impl *
pick(int curve)
{
	return curve == BR_EC_secp256r1 ? &br_ec_p256_m31 : &br_ec_prime_i31;
}

static const unsigned char *
generator(int curve, size_t *len)
{
	return pick(curve)->generator(curve, len);
}

static const unsigned char *
order(int curve, size_t *len)
{
	return pick(curve)->order(curve, len);
}

static size_t
xoff(int curve, size_t *len)
{
	return pick(curve)->xoff(curve, len);
}

static uint32_t
mul(unsigned char *g, size_t glen, const unsigned char *x, size_t xlen,
    int curve)
{
	return pick(curve)->mul(g, glen, x, xlen, curve);
}

static size_t
mulgen(unsigned char *r, const unsigned char *x, size_t xlen, int curve)
{
	return pick(curve)->mulgen(r, x, xlen, curve);
}

static uint32_t
muladd(unsigned char *a, const unsigned char *b, size_t len,
       const unsigned char *x, size_t xlen, const unsigned char *y,
       size_t ylen, int curve)
{
	return pick(curve)->muladd(a, b, len, x, xlen, y, ylen, curve);
}

const br_ec_impl curves_impl = {
	(uint32_t)1 << BR_EC_secp256r1 | (uint32_t)1 << BR_EC_secp384r1,
	generator, order, xoff, mul, mulgen, muladd
};

#endif
