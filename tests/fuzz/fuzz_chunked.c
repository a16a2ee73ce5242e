/* fuzz_chunked.c: the chunked decoder over an arbitrary body. The input
 * is the body as sent; the decoded-size limit and the read splits come from
 * its hash. Three readings must agree exactly: the decoder fed the whole
 * body at once, the decoder fed it in pieces (each piece in a buffer of its
 * own exact size), and a plain, non-incremental reader written here from
 * the grammar in chunked.h (RFC 9112 7.1 with inhook's limits): the same
 * status, and on success the same data and the same end of message. */
#include <string.h>

#include "chunked.h"
#include "fuzz.h"
#include "ref.h"
#include "limits.h"
#include "status.h"

static int
tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != 0 && strchr("!#$%&'*+-.^_`|~", c));
}

static int
ws(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* qdtext and the second byte of a quoted-pair: HTAB, SP, VCHAR, obs-text */
static int
qtext(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* The next byte of a size line, counted against CHUNK_LINE_MAX. */
#define NEXT() do { \
	if (p == len) return 0; \
	if (++line > CHUNK_LINE_MAX) return S_BAD_REQUEST; \
	c = in[p++]; \
} while (0)

/* The reference: returns 0 (needs more), 1 (complete: out[0..*olen), the
 * message ends at in[*end]) or the status chunked_decode must return. */
static int
ref_decode(const unsigned char *in, size_t len, size_t max,
           unsigned char *out, size_t *olen, size_t *end)
{
	size_t p = 0, o = 0, line, digits, total = 0, trailer = 0, ls, k, i;
	unsigned long long size;
	unsigned char c;
	int h;

	for (;;) {
		/* chunk-size [ chunk-ext ] CRLF */
		line = digits = 0;
		size = 0;
		NEXT();
		while ((h = hexval(c)) >= 0) {
			if (++digits > CHUNK_DIGITS_MAX)
				return S_BAD_REQUEST;
			size = size * 16 + (unsigned)h;
			if (size > max - total)
				return S_PAYLOAD_TOO_LARGE;
			NEXT();
		}
		if (digits == 0)
			return S_BAD_REQUEST;
		total += (size_t)size;
		if (ws(c)) {
			while (ws(c))
				NEXT();
			if (c != ';')
				return S_BAD_REQUEST;
		}
		while (c == ';') {
			NEXT();
			while (ws(c))
				NEXT();
			if (!tchar(c))
				return S_BAD_REQUEST;
			while (tchar(c))
				NEXT();
			while (ws(c))
				NEXT();
			if (c == '=') {
				NEXT();
				while (ws(c))
					NEXT();
				if (c == '"') {
					NEXT();
					while (c != '"') {
						if (c == '\\')
							NEXT();
						if (!qtext(c))
							return S_BAD_REQUEST;
						NEXT();
					}
					NEXT();
				} else {
					if (!tchar(c))
						return S_BAD_REQUEST;
					while (tchar(c))
						NEXT();
				}
				while (ws(c))
					NEXT();
			}
			if (c != ';' && c != '\r')
				return S_BAD_REQUEST;
		}
		if (c != '\r')
			return S_BAD_REQUEST;
		if (p == len)
			return 0;
		if (in[p++] != '\n')
			return S_BAD_REQUEST;
		if (size == 0)
			break;
		/* chunk-data CRLF */
		if (len - p < size)
			return 0;
		memcpy(out + o, in + p, (size_t)size);
		o += (size_t)size;
		p += (size_t)size;
		for (k = 0; k < 2; k++) {
			if (p == len)
				return 0;
			if (in[p++] != "\r\n"[k])
				return S_BAD_REQUEST;
		}
	}
	/* trailer-section CRLF: field lines, checked and ignored */
	for (;;) {
		ls = p;
		for (;;) {
			if (p == len)
				return 0;
			if (++trailer > TRAILER_MAX)
				return S_HEADERS_TOO_LARGE;
			c = in[p++];
			if (c == '\r')
				break;
			if (c == '\n' || (c < 0x20 && c != '\t') || c == 0x7f)
				return S_BAD_REQUEST;
		}
		if (p == len)
			return 0;
		if (in[p++] != '\n')
			return S_BAD_REQUEST;
		k = p - 2 - ls;
		if (k == 0)
			break;
		/* a token and a colon within the first bytes the decoder keeps */
		if (k > sizeof ((struct chunked *)0)->tline)
			k = sizeof ((struct chunked *)0)->tline;
		for (i = 0; i < k && in[ls + i] != ':'; i++)
			if (!tchar(in[ls + i]))
				return S_BAD_REQUEST;
		if (i == 0 || i == k)
			return S_BAD_REQUEST;
	}
	*olen = o;
	*end = p;
	return 1;
}

static size_t
pick_max(uint64_t h)
{
	/* mostly the default, so that most inputs get past the size check */
	static const size_t maxes[] = { 0, 1, 7, 100, 4096, BODY_LIMIT,
	    BODY_DEFAULT, BODY_DEFAULT, BODY_DEFAULT, BODY_DEFAULT,
	    BODY_DEFAULT, BODY_DEFAULT, BODY_DEFAULT, BODY_DEFAULT,
	    BODY_DEFAULT, BODY_DEFAULT };

	return maxes[h % (sizeof maxes / sizeof maxes[0])];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t seed = fuzz_hash(data, size);
	size_t max = pick_max(seed >> 40);
	struct chunked c1, c2;
	unsigned char *one, *acc, *ref, *piece;
	size_t out1 = 0, used1 = 0, accn = 0, off = 0, k, o, u, refn = 0, end = 0;
	int st1, st2, st3;

	one = fuzz_dup(data, size);
	acc = malloc(size ? size : 1);
	ref = malloc(size ? size : 1);
	if (acc == NULL || ref == NULL)
		abort();

	/* at once */
	chunked_init(&c1, max);
	st1 = chunked_decode(&c1, one, size, &out1, &used1);
	need(st1 == 0 || st1 == 1 || st1 == 400 || st1 == 413 || st1 == 431);
	if (st1 == 0 || st1 == 1) {
		need(out1 <= used1 && used1 <= size);
		need(st1 == 1 || used1 == size);
		need(out1 <= max && c1.total <= max);
	}

	/* in pieces, each in a buffer of its exact size */
	chunked_init(&c2, max);
	st2 = 0;
	while (off < size) {
		k = fuzz_step(&seed, size - off);
		piece = fuzz_dup(data + off, k);
		o = u = 0;
		st2 = chunked_decode(&c2, piece, k, &o, &u);
		if (st2 == 0 || st2 == 1) {
			need(o <= u && u <= k);
			need(st2 == 1 || u == k);
			need(accn + o <= max);
			memcpy(acc + accn, piece, o);
			accn += o;
			off += u;
		}
		free(piece);
		if (st2 != 0)
			break;
	}
	need(st2 == st1);
	if (st1 == 1) {
		need(accn == out1 && memcmp(acc, one, out1) == 0);
		need(off == used1);
	}

	note("  max %zu: status %d, %zu data bytes, end at %zu of %zu\n",
	    max, st1, out1, used1, size);

	/* the plain reading */
	st3 = ref_decode(data, size, max, ref, &refn, &end);
	need(st3 == st1);
	if (st1 == 1) {
		need(refn == out1 && memcmp(ref, one, out1) == 0);
		need(end == used1);
	}

	free(one);
	free(acc);
	free(ref);
	return 0;
}
