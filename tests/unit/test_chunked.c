/* test_chunked.c: known answers for the chunked decoder (chunked.c).
 * Each case is decoded whole, one byte per call and in pseudo-random
 * splits from a fixed seed; all three must give the same status, the same
 * decoded bytes and the same end of message. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "chunked.h"
#include "limits.h"
#include "status.h"

#define BIG (80 * 1024)

static unsigned char in[BIG], piece[BIG], out[BIG];
static unsigned long rng = 0x2545f491UL;

static size_t
rnd(size_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (size_t)(rng % n);
}

struct result {
	int status;
	size_t outlen;   /* decoded bytes */
	size_t end;      /* offset in the input just after the message, when 1 */
};

/* Decodes in[0..len) in pieces: mode 0 whole, 1 a byte a call, 2 random
 * sizes of 1 to 64 bytes. Stops at the first non-zero status. */
static struct result
decode(size_t len, size_t max, int mode)
{
	struct chunked c;
	struct result r = { 0, 0, 0 };
	size_t off = 0, n, o, used;

	chunked_init(&c, max);
	while (off < len) {
		n = mode == 0 ? len - off : mode == 1 ? 1 : 1 + rnd(64);
		if (n > len - off)
			n = len - off;
		memcpy(piece, in + off, n);
		o = used = 12345;
		r.status = chunked_decode(&c, piece, n, &o, &used);
		if (r.status > 1)
			return r;
		memcpy(out + r.outlen, piece, o);
		r.outlen += o;
		if (used > n) {
			r.status = -1;
			return r;
		}
		if (r.status == 1) {
			r.end = off + used;
			return r;
		}
		if (used != n) {
			r.status = -2;  /* consumed less without finishing */
			return r;
		}
		off += n;
	}
	return r;
}

static void
run(const char *name, const unsigned char *s, size_t len, size_t max,
    int want, const char *data, size_t dlen, size_t end)
{
	static const char *const modes[] = { "whole", "bytewise", "random" };
	struct result r;
	int m, k;

	memcpy(in, s, len);
	for (m = 0; m < 3; m++) {
		for (k = 0; k < (m == 2 ? 8 : 1); k++) {
			r = decode(len, max, m);
			if (want == 1)
				check(r.status == 1 && r.outlen == dlen &&
				    memcmp(out, data, dlen) == 0 && r.end == end,
				    "chunked %s (%s): status %d, %zu bytes, end %zu",
				    name, modes[m], r.status, r.outlen, r.end);
			else
				check(r.status == want, "chunked %s (%s): status %d, want %d",
				    name, modes[m], r.status, want);
		}
	}
}

#define MAX (1024 * 1024)

static const struct {
	const char *name;
	const char *in;
	size_t len;
	size_t max;
	int status;        /* 1: complete, else 0 (incomplete) or a status */
	const char *data;  /* when complete */
	size_t dlen;
} cases[] = {
#define T(n, s, mx, st, d) { n, s, sizeof(s) - 1, mx, st, d, sizeof(d) - 1 }
	T("one chunk", "5\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("two chunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", MAX, 1, "hello world"),
	T("empty body", "0\r\n\r\n", MAX, 1, ""),
	T("upper-case hex", "A\r\n0123456789\r\n0\r\n\r\n", MAX, 1, "0123456789"),
	T("lower-case hex", "a\r\n0123456789\r\n0\r\n\r\n", MAX, 1, "0123456789"),
	T("leading zeros", "0005\r\nhello\r\n000\r\n\r\n", MAX, 1, "hello"),
	T("16 hex digits", "0000000000000005\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("data with CRLF inside", "4\r\n\r\n\r\n\r\n0\r\n\r\n", MAX, 1, "\r\n\r\n"),
	T("data with NUL", "3\r\na\0b\r\n0\r\n\r\n", MAX, 1, "a\0b"),
	T("ext ;a", "5;a\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("ext ;a=b", "5;a=b\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("ext ;a=\"q\\\"x\"", "5;a=\"q\\\"x\"\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("ext quoted with ; and space", "5;a=\"x; y\"\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("ext BWS before ;", "5 ;a\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("ext tab before ;", "5\t;a\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("ext BWS around =", "5;a = b\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("ext BWS after ;", "5; a\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("ext BWS after value", "5;a=b \r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("two exts", "5;a=b;c;d=\"e\"\r\nhello\r\n0\r\n\r\n", MAX, 1, "hello"),
	T("ext on last chunk", "5\r\nhello\r\n0;end=1\r\n\r\n", MAX, 1, "hello"),
	T("trailer ignored", "5\r\nhello\r\n0\r\nX-T: v\r\n\r\n", MAX, 1, "hello"),
	T("two trailers", "5\r\nhello\r\n0\r\nA: 1\r\nB:2\r\n\r\n", MAX, 1, "hello"),
	T("trailer Content-Length ignored", "5\r\nhello\r\n0\r\nContent-Length: 5\r\n\r\n", MAX, 1, "hello"),
	T("trailer with empty value", "5\r\nhello\r\n0\r\nX:\r\n\r\n", MAX, 1, "hello"),
	T("size at max", "5\r\nhello\r\n0\r\n\r\n", 5, 1, "hello"),
	T("sizes summing to max", "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 5, 1, "abcde"),
	T("max 0, empty body", "0\r\n\r\n", 0, 1, ""),

	T("incomplete size", "5", MAX, 0, ""),
	T("incomplete data", "5\r\nhel", MAX, 0, ""),
	T("incomplete, no last chunk", "5\r\nhello\r\n", MAX, 0, ""),
	T("incomplete, no final CRLF", "5\r\nhello\r\n0\r\n", MAX, 0, ""),
	T("incomplete trailer", "0\r\nX: y\r\n", MAX, 0, ""),

	T("size then space, no ;", "5 \r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("ext bad name [", "5;bad[=x\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("ext empty name", "5;\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("ext empty value", "5;a=\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("ext =b without name", "5;=b\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("ext unterminated quote", "5;a=\"x\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("ext junk after quote", "5;a=\"x\"y\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("ext CTL in quote", "5;a=\"\x01\"\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("ext DEL in token", "5;a=b\x7f\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("ext NUL", "5;a\0\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("ext bare LF", "5;a\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("size 0x5", "0x5\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("size +5", "+5\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("size -1", "-1\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("size empty", "\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("size leading space", " 5\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("size g", "g\r\n", MAX, 400, ""),
	T("17 hex digits", "00000000000000005\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("17 hex digits, all zero", "00000000000000000\r\n\r\n", MAX, 400, ""),
	T("size over max", "6\r\nhello!\r\n0\r\n\r\n", 5, 413, ""),
	T("size over max, no data sent", "6\r\n", 5, 413, ""),
	T("size digit over max, line unfinished", "10", 15, 413, ""),
	T("sum over max", "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n", 5, 413, ""),
	T("sum over max, before second data", "3\r\nabc\r\n3\r\n", 5, 413, ""),
	T("huge size", "ffffffffffffffff\r\n", MAX, 413, ""),
	T("max 0, one byte", "1\r\n", 0, 413, ""),
	T("data longer than declared", "3\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("data shorter than declared", "6\r\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("missing CRLF after data", "5\r\nhello0\r\n\r\n", MAX, 400, ""),
	T("LF only after data", "5\r\nhello\n0\r\n\r\n", MAX, 400, ""),
	T("CR only after data", "5\r\nhello\r0\r\n\r\n", MAX, 400, ""),
	T("LF-only lines", "5\nhello\n0\n\n", MAX, 400, ""),
	T("LF-only size line", "5\nhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("CR without LF on size line", "5\rhello\r\n0\r\n\r\n", MAX, 400, ""),
	T("LF-only final line", "5\r\nhello\r\n0\r\n\n", MAX, 400, ""),
	T("LF-only last-chunk line", "5\r\nhello\r\n0\n\r\n", MAX, 400, ""),
	T("malformed trailer, no colon", "5\r\nhello\r\n0\r\nbad line\r\n\r\n", MAX, 400, ""),
	T("malformed trailer, space before colon", "0\r\nX : y\r\n\r\n", MAX, 400, ""),
	T("malformed trailer, obs-fold", "0\r\nX: y\r\n z\r\n\r\n", MAX, 400, ""),
	T("malformed trailer, empty name", "0\r\n: y\r\n\r\n", MAX, 400, ""),
	T("malformed trailer, NUL", "0\r\nX: a\0b\r\n\r\n", MAX, 400, ""),
	T("malformed trailer, bare LF", "0\r\nX: y\n\r\n", MAX, 400, ""),
	T("malformed trailer, bare CR", "0\r\nX: y\rz\r\n\r\n", MAX, 400, ""),
	T("data after last chunk", "0\r\nhello\r\n\r\n", MAX, 400, ""),
#undef T
};

static void
test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run(cases[i].name, (const unsigned char *)cases[i].in,
		    cases[i].len, cases[i].max, cases[i].status, cases[i].data,
		    cases[i].dlen, cases[i].len);
}

/* "5;" then n extension name bytes, CRLF, data. */
static size_t
ext_line(size_t n)
{
	size_t k = 2;

	memcpy(in, "5;", 2);
	while (k < 2 + n)
		in[k++] = 'a';
	memcpy(in + k, "\r\nhello\r\n0\r\n\r\n", 14);
	return k + 14;
}

static void
test_long_lines(void)
{
	static unsigned char copy[BIG];
	size_t len, k;

	/* CHUNK_LINE_MAX counts the size line with its extensions and CR */
	len = ext_line(CHUNK_LINE_MAX - 3);
	memcpy(copy, in, len);
	run("size line of CHUNK_LINE_MAX bytes with CR", copy, len, MAX, 1,
	    "hello", 5, len);
	len = ext_line(CHUNK_LINE_MAX - 2);
	memcpy(copy, in, len);
	run("size line of CHUNK_LINE_MAX+1 bytes with CR", copy, len, MAX, 400,
	    NULL, 0, 0);

	/* 64 KiB of extensions ";a;a;a..." on one size line */
	memcpy(copy, "5", 1);
	for (k = 1; k < 1 + 64 * 1024; k += 2)
		memcpy(copy + k, ";a", 2);
	memcpy(copy + k, "\r\nhello\r\n0\r\n\r\n", 14);
	run("64 KiB of extensions", copy, k + 14, MAX, 400, NULL, 0, 0);

	/* many chunks each with a short extension: each line is counted
	 * on its own, so this is fine */
	len = 0;
	for (k = 0; k < 2000; k++) {
		memcpy(copy + len, "1;ext=value\r\nx\r\n", 16);
		len += 16;
	}
	memcpy(copy + len, "0\r\n\r\n", 5);
	len += 5;
	{
		static char want[2000];
		memset(want, 'x', sizeof want);
		run("2000 one-byte chunks with extensions", copy, len, MAX, 1,
		    want, sizeof want, len);
	}

	/* trailer section: just under and just over TRAILER_MAX bytes
	 * (counted without the LFs) */
	memcpy(copy, "0\r\n", 3);
	len = 3;
	k = 0;
	while (k + 11 <= TRAILER_MAX - 1) {      /* "X: 1234567\r" */
		memcpy(copy + len, "X: 1234567\r\n", 12);
		len += 12;
		k += 11;
	}
	memcpy(copy + len, "\r\n", 2);
	len += 2;
	run("trailer section under TRAILER_MAX", copy, len, MAX, 1, "", 0, len);
	len -= 2;
	while (k <= TRAILER_MAX + 11) {
		memcpy(copy + len, "X: 1234567\r\n", 12);
		len += 12;
		k += 11;
	}
	memcpy(copy + len, "\r\n", 2);
	len += 2;
	run("trailer section over TRAILER_MAX", copy, len, MAX, 431, NULL, 0, 0);

	/* one trailer line: its bytes and CR, plus the final CR, are
	 * counted against TRAILER_MAX (the LFs are not) */
	memcpy(copy, "0\r\nX: ", 6);
	memset(copy + 6, 'v', TRAILER_MAX);
	len = 3 + TRAILER_MAX - 2;
	memcpy(copy + len, "\r\n\r\n", 4);
	run("trailer section of exactly TRAILER_MAX", copy, len + 4, MAX, 1, "",
	    0, len + 4);
	memset(copy + 6, 'v', TRAILER_MAX);
	len = 3 + TRAILER_MAX - 1;
	memcpy(copy + len, "\r\n\r\n", 4);
	run("trailer section of TRAILER_MAX+1", copy, len + 4, MAX, 431, NULL,
	    0, 0);
	memset(copy + 6, 'v', TRAILER_MAX);
	memcpy(copy + 6 + TRAILER_MAX, "\r\n\r\n", 4);
	run("one trailer line over TRAILER_MAX", copy, TRAILER_MAX + 10, MAX,
	    431, NULL, 0, 0);

	/* a long trailer value: the field is checked on its first bytes */
	memcpy(copy, "0\r\nX: ", 6);
	memset(copy + 6, 'v', 1000);
	memcpy(copy + 1006, "\r\n\r\n", 4);
	run("trailer with 1000-byte value", copy, 1010, MAX, 1, "", 0, 1010);
	/* a long trailer name without a colon */
	memcpy(copy, "0\r\n", 3);
	memset(copy + 3, 'n', 1000);
	memcpy(copy + 1003, ": v\r\n\r\n", 7);
	run("trailer with 1000-byte name", copy, 1010, MAX, 400, NULL, 0, 0);
}

static void
test_pipelined(void)
{
	static const char msg[] = "5\r\nhello\r\n0\r\nT: x\r\n\r\nGET / HTTP/1.1\r\n";
	size_t end = sizeof msg - 1 - 16;
	struct chunked c;
	unsigned char b[sizeof msg];
	size_t o, used;
	int st;

	run("pipelined request follows", (const unsigned char *)msg,
	    sizeof msg - 1, MAX, 1, "hello", 5, end);
	/* *used is right after the final CRLF, and the bytes from there on
	 * are left as they were */
	memcpy(b, msg, sizeof msg);
	chunked_init(&c, MAX);
	st = chunked_decode(&c, b, sizeof msg - 1, &o, &used);
	check(st == 1 && o == 5 && used == end &&
	    memcmp(b, "hello", 5) == 0 && memcmp(b + used, "GET / ", 6) == 0,
	    "pipelined: status %d, out %zu, used %zu (want %zu)", st, o, used, end);
	/* once complete, a further call consumes nothing */
	st = chunked_decode(&c, b + used, 4, &o, &used);
	check(st == 1 && o == 0 && used == 0,
	    "call after the end: status %d out %zu used %zu", st, o, used);
}

static void
test_random_bodies(void)
{
	static unsigned char want[BIG], src[BIG];
	size_t len, wlen, n, i, t;
	int m;

	/* random chunk sizes and data, compared against the source data */
	for (t = 0; t < 20; t++) {
		len = wlen = 0;
		while (wlen < 30000) {
			n = rnd(3000);
			len += (size_t)sprintf((char *)in + len, "%zx%s\r\n", n,
			    rnd(2) ? ";k=v" : "");
			for (i = 0; i < n; i++)
				want[wlen + i] = in[len + i] = (unsigned char)rnd(256);
			len += n;
			wlen += n;
			memcpy(in + len, "\r\n", 2);
			len += 2;
			if (n == 0)
				break;
		}
		if (wlen >= 30000 || n != 0) {
			memcpy(in + len, "0\r\n\r\n", 5);
			len += 5;
		}
		memcpy(src, in, len);   /* run() and decode() reuse in */
		for (m = 0; m < 3; m++) {
			struct result r;
			memcpy(in, src, len);
			r = decode(len, MAX, m);
			check(r.status == 1 && r.outlen == wlen &&
			    memcmp(out, want, wlen) == 0 && r.end == len,
			    "random body %zu (%zu bytes) mode %d: status %d, %zu bytes",
			    t, wlen, m, r.status, r.outlen);
		}
	}
}

int
main(void)
{
	test_table();
	test_long_lines();
	test_pipelined();
	test_random_bodies();
	return check_done();
}
