/* fuzz_http.c: the request head scanner and parser over arbitrary bytes.
 * The input is what a peer sends. It goes to http_head_scan in read-sized
 * pieces, as serve.c reads it, into a HEAD_MAX buffer whose unread part is
 * poisoned for ASan, and in one piece: both must give the same answer, so
 * the status never depends on how the bytes were segmented. A complete
 * head then goes through http_parse in a buffer of its exact size, and its
 * result is checked against a plain re-reading of the same lines: spans,
 * fields, Host, Expect, and above all the framing, where a disagreement
 * between the parser and a simple reader is request smuggling. */
#include <string.h>

#include "fuzz.h"
#include "http.h"
#include "limits.h"
#include "status.h"

static unsigned char head[HEAD_MAX];

static int
tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != 0 && strchr("!#$%&'*+-.^_`|~", c));
}

static int
ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* 1 if s lies inside base[0..len). */
static int
inside(const unsigned char *base, size_t len, struct span s)
{
	return s.p >= base && s.len <= len && (size_t)(s.p - base) <= len - s.len;
}

/* What a plain reading of an accepted head's field lines finds. */
struct lines {
	size_t nfields;
	size_t te, cl, host, expect, expect_other;
	size_t te_elems, te_chunked;   /* list elements over all TE fields */
	int te_bad;                    /* an element that is not "chunked" */
	struct span clv;
};

static void
read_lines(const unsigned char *h, size_t len, struct lines *L)
{
	size_t ls, le, colon, b, e, i, j;
	struct span name, value;

	memset(L, 0, sizeof *L);
	for (le = 0; h[le] != '\r'; le++)
		;
	for (ls = le + 2; ls < len - 2; ls = le + 2) {
		for (le = ls; h[le] != '\r'; le++)
			;
		L->nfields++;
		for (colon = ls; colon < le && h[colon] != ':'; colon++)
			;
		b = colon < le ? colon + 1 : le;
		e = le;
		while (b < e && ows(h[b]))
			b++;
		while (e > b && ows(h[e - 1]))
			e--;
		name.p = h + ls;
		name.len = colon - ls;
		value.p = h + b;
		value.len = e - b;
		if (fuzz_caseeq(name.p, name.len, "content-length")) {
			L->cl++;
			L->clv = value;
		} else if (fuzz_caseeq(name.p, name.len, "host")) {
			L->host++;
		} else if (fuzz_caseeq(name.p, name.len, "expect")) {
			L->expect++;
			if (!fuzz_caseeq(value.p, value.len, "100-continue"))
				L->expect_other++;
		} else if (fuzz_caseeq(name.p, name.len, "transfer-encoding")) {
			L->te++;
			/* split the value on commas, trim each element */
			for (i = 0; i <= value.len; i = j + 1) {
				for (j = i; j < value.len && value.p[j] != ','; j++)
					;
				b = i;
				e = j;
				while (b < e && ows(value.p[b]))
					b++;
				while (e > b && ows(value.p[e - 1]))
					e--;
				L->te_elems++;
				if (fuzz_caseeq(value.p + b, e - b, "chunked"))
					L->te_chunked++;
				else
					L->te_bad = 1;
			}
		}
	}
}

/* An accepted request, against the bytes it came from. */
static void
check_request(const unsigned char *h, size_t len, const struct request *r,
              const struct lines *L)
{
	size_t le, i, k, ls, colon;
	unsigned long long n;
	const struct field *f;

	for (le = 0; h[le] != '\r'; le++)
		;
	/* request line: METHOD SP target SP HTTP/1.x */
	need(r->method_s.p == h);
	need(r->method_s.len >= 1 && r->method_s.len <= METHOD_MAX);
	for (i = 0; i < r->method_s.len; i++)
		need(tchar(h[i]));
	need((r->method == M_POST) ==
	    (r->method_s.len == 4 && memcmp(h, "POST", 4) == 0));
	need((r->method == M_GET) ==
	    (r->method_s.len == 3 && memcmp(h, "GET", 3) == 0));
	need(le >= r->method_s.len + 11);
	need(r->target.p == h + r->method_s.len + 1);
	need(r->target.len == le - r->method_s.len - 10);
	need(r->target.len >= 1);
	need(h[r->method_s.len] == ' ' && h[le - 9] == ' ');
	need(memcmp(h + le - 8, "HTTP/1.", 7) == 0);
	need(h[le - 1] >= '0' && h[le - 1] <= '9');
	need(r->minor == (h[le - 1] != '0'));
	for (i = 0; i < r->target.len; i++)
		need(r->target.p[i] > 0x20 && r->target.p[i] < 0x7f &&
		    r->target.p[i] != '#');

	/* path and query */
	need(r->path.len >= 1 && r->path.p[0] == '/');
	need(inside(r->target.p, r->target.len, r->path) ||
	    (r->path.len == 1 && r->target.p[0] != '/'));
	need(memchr(r->path.p, '?', r->path.len) == NULL);
	if (r->has_query) {
		need(inside(r->target.p, r->target.len, r->query));
		need(r->query.p > r->target.p && r->query.p[-1] == '?');
		need(r->query.p + r->query.len == r->target.p + r->target.len);
	} else {
		need(r->query.len == 0);
	}

	/* every field line, in order, as it was sent */
	need(r->nfields == L->nfields && r->nfields <= HEADERS_MAX);
	for (k = 0, ls = le + 2; k < r->nfields; k++, ls = le + 2) {
		for (le = ls; h[le] != '\r'; le++)
			;
		f = &r->fields[k];
		for (colon = ls; h[colon] != ':'; colon++)
			need(colon < le);
		need(colon > ls);
		need(f->name.p == h + ls && f->name.len == colon - ls);
		for (i = 0; i < f->name.len; i++)
			need(tchar(f->name.p[i]));
		need(inside(h + colon + 1, le - colon - 1, f->value));
		if (f->value.len) {
			need(!ows(f->value.p[0]));
			need(!ows(f->value.p[f->value.len - 1]));
		}
		for (i = colon + 1; i < le; i++)
			need(h[i] == '\t' || (h[i] >= 0x20 && h[i] != 0x7f));
	}
	need(ls == len - 2);

	/* Host: exactly one on HTTP/1.1 */
	need(L->host <= 1);
	if (r->minor >= 1)
		need(L->host == 1);

	/* framing: what a plain reader of the same fields concludes */
	need(!(L->te && L->cl));
	if (L->te) {
		need(r->framing == F_CHUNKED);
		need(r->minor == 1);
		need(L->te_elems == 1 && L->te_chunked == 1 && !L->te_bad);
	} else if (L->cl) {
		need(L->cl == 1 && r->framing == F_LENGTH);
		need(L->clv.len >= 1);
		for (i = 0, n = 0; i < L->clv.len; i++) {
			need(L->clv.p[i] >= '0' && L->clv.p[i] <= '9');
			need(n <= 100000000000000000ULL);
			n = n * 10 + (unsigned long long)(L->clv.p[i] - '0');
		}
		need(r->content_length == n);
	} else {
		need(r->framing == F_NONE);
	}
	need(r->framing != F_NONE || r->content_length == 0);

	/* Expect: only 100-continue, and only heeded on HTTP/1.1 */
	if (r->minor >= 1) {
		need(L->expect_other == 0);
		need((r->expect == E_CONTINUE) == (L->expect > 0));
	} else {
		need(r->expect == E_NONE);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct headscan hs, hs1;
	struct request r;
	struct lines L;
	size_t n = size < HEAD_MAX ? size : HEAD_MAX, have = 0, hl = 0, hl1;
	uint64_t seed = fuzz_hash(data, size);
	unsigned char *p;
	int st, st1, st2;

	/* in one piece */
	memset(&hs1, 0, sizeof hs1);
	st1 = http_head_scan(data, n, &hs1, &hl1);
	need(st1 == 0 || st1 == 400 || st1 == 414 || st1 == 431 ||
	    st1 == 501 || st1 == 505);
	need(hl1 <= n);

	/* in pieces, as serve.c reads: the scan runs before every read */
	ASAN_UNPOISON_MEMORY_REGION(head, sizeof head);
	memcpy(head, data, n);
	ASAN_POISON_MEMORY_REGION(head, sizeof head);
	memset(&hs, 0, sizeof hs);
	for (;;) {
		st = http_head_scan(head, have, &hs, &hl);
		if (st || hl || have == n)
			break;
		have += fuzz_step(&seed, n - have);
		ASAN_UNPOISON_MEMORY_REGION(head, have);
	}
	ASAN_UNPOISON_MEMORY_REGION(head, sizeof head);
	need(st == st1);
	need(hl == hl1);
	if (st != 0 || hl == 0) {
		note("  scan %d, head %zu of %zu bytes\n", st, hl, n);
		return 0;
	}

	/* a complete head: CRLF CRLF at its end, no bare CR or LF in it */
	need(hl >= 4 && memcmp(head + hl - 4, "\r\n\r\n", 4) == 0);
	for (n = 0; n < hl; n++)
		need(head[n] == '\r' ? head[n + 1] == '\n' :
		    head[n] != '\n' || (n > 0 && head[n - 1] == '\r'));
	p = fuzz_dup(head, hl);
	memset(&r, 0, sizeof r);
	st2 = http_parse(p, hl, &r);
	read_lines(p, hl, &L);
	note("  scan 0, head %zu bytes, parse %d, framing %d, length %llu\n",
	    hl, st2, (int)r.framing, r.content_length);
	switch (st2) {
	case 0:
		check_request(p, hl, &r, &L);
		break;
	case 400:
		break;
	case 417:
		need(r.minor >= 1 && L.expect_other > 0);
		break;
	case 431:
		need(L.nfields > HEADERS_MAX);
		break;
	case 501:
		need(L.te > 0);     /* a long method was refused by the scan */
		break;
	default:
		need(!"http_parse status outside its contract");
	}
	free(p);
	return 0;
}
