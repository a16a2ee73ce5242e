/* curves.h: the elliptic curves inhook's TLS uses, and no others: P-256
 * (BearSSL's specialised m31 code, for ECDHE and P-256 keys) and P-384
 * (the generic i31 code, for P-384 keys and ECDHE). Curve25519 is left
 * out: every TLS 1.2 client offers P-256, and its code is 4 KB of flash. */
#ifndef INHOOK_CURVES_H
#define INHOOK_CURVES_H

#include <bearssl.h>

extern const br_ec_impl curves_impl;

#endif
