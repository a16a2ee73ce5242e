/* fuzz.h: shared by the fuzz targets. Each target defines
 * LLVMFuzzerTestOneInput; built with clang -fsanitize=fuzzer it is driven by
 * libFuzzer (make fuzz), built with any cc and replay.c it runs the kept
 * corpus once (make check). A broken invariant prints where and aborts, so
 * the fuzzer reports logic bugs as crashes, not only memory errors.
 * Everything a target derives from its input (read splits, limits) comes
 * from a hash of the input, so a corpus file stays a plain request, body or
 * header value and replays the same way every time. */
#ifndef INHOOK_FUZZ_H
#define INHOOK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* ASan's manual poisoning: no-ops in a build without ASan. */
#include <sanitizer/asan_interface.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define need(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant broken: %s\n", \
		    __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* With FUZZ_VERBOSE set in the environment, targets say on standard
 * error what each input came to (to check what a corpus covers). */
#define note(...) do { \
	static int note_on_ = -1; \
	if (note_on_ < 0) \
		note_on_ = getenv("FUZZ_VERBOSE") != NULL; \
	if (note_on_) \
		fprintf(stderr, __VA_ARGS__); \
} while (0)

/* FNV-1a over the input: the seed of everything derived from it. */
static inline uint64_t
fuzz_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* xorshift64: a deterministic stream from that seed. */
static inline uint64_t
fuzz_next(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* A read size in [1, left]: mostly small, sometimes large, like the
 * segments a peer's bytes arrive in. */
static inline size_t
fuzz_step(uint64_t *s, size_t left)
{
	uint64_t r = fuzz_next(s);
	size_t n;

	switch (r & 3) {
	case 0: n = 1; break;
	case 1: n = 1 + (size_t)(r >> 8) % 16; break;
	case 2: n = 1 + (size_t)(r >> 8) % 512; break;
	default: n = left; break;
	}
	return n < left ? n : left;
}

/* A copy of p[0..n) in a buffer of exactly n bytes (at least 1 allocated),
 * so that ASan sees any read past its end. */
static inline unsigned char *
fuzz_dup(const uint8_t *p, size_t n)
{
	unsigned char *q = malloc(n ? n : 1);
	size_t i;

	if (q == NULL)
		abort();
	for (i = 0; i < n; i++)
		q[i] = p[i];
	return q;
}

static inline unsigned char
fuzz_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* 1 if p[0..n) equals the lower-case ASCII string lit, ignoring case. */
static inline int
fuzz_caseeq(const unsigned char *p, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lit[i] == '\0' || fuzz_lower(p[i]) != (unsigned char)lit[i])
			return 0;
	return lit[i] == '\0';
}

#endif
