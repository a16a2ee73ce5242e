/* test_json.c: known answers for the JSON validator and string decoder
 * (json.c): what is not JSON (400), what is JSON but not exported (422),
 * what passes (0) with the token count jsmn then produces, and every
 * escape decoded. */
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include "check.h"
#include "json.h"
#include "limits.h"
#include "status.h"

#define U(s) ((const unsigned char *)(s))
#define LIT(s) U(s), sizeof(s) - 1

static unsigned char big[1 << 20];
static jsmntok_t toks[JSON_TOKENS_MAX + 8];

static const struct {
	const char *name;
	const char *in;
	size_t len;
	int status;
} cases[] = {
#define T(n, s, st) { n, s, sizeof(s) - 1, st }
	/* grammar that jsmn lets through or that is not JSON: 400 */
	T("trailing comma in object", "{\"a\":1,}", 400),
	T("trailing comma in array", "{\"a\":[1,]}", 400),
	T("leading comma in array", "{\"a\":[,1]}", 400),
	T("two commas", "{\"a\":1,,\"b\":2}", 400),
	T("two texts {}{}", "{}{}", 400),
	T("trailing bytes", "{} x", 400),
	T("trailing 0", "{}0", 400),
	T("trailing comma after text", "{},", 400),
	T("closing brace extra", "{\"a\":1}}", 400),
	T("unclosed object", "{\"a\":1", 400),
	T("unclosed array", "{\"a\":[1}", 400),
	T("mismatched close", "{\"a\":1]", 400),
	T("mismatched close in array", "{\"a\":[1}}", 400),
	T("unclosed string", "{\"a\":\"x}", 400),
	T("missing colon", "{\"a\" 1}", 400),
	T("missing value", "{\"a\":}", 400),
	T("missing comma", "{\"a\":1 \"b\":2}", 400),
	T("unquoted key", "{a:1}", 400),
	T("single-quoted", "{'a':1}", 400),
	T("number key", "{1:1}", 400),
	T("raw control char", "{\"a\":\"x\x01y\"}", 400),
	T("raw tab in string", "{\"a\":\"x\ty\"}", 400),
	T("raw newline in string", "{\"a\":\"x\ny\"}", 400),
	T("raw CR in key", "{\"a\rb\":1}", 400),
	T("raw DEL in string (not a JSON control char)", "{\"a\":\"\x7f\"}", 0),
	T("bad UTF-8 ff", "{\"a\":\"\xff\"}", 400),
	T("bad UTF-8 fe", "{\"a\":\"\xfe\"}", 400),
	T("lone continuation byte", "{\"a\":\"\x80\"}", 400),
	T("truncated 2-byte", "{\"a\":\"\xc3\"}", 400),
	T("truncated 3-byte", "{\"a\":\"\xe2\x82\"}", 400),
	T("truncated 4-byte", "{\"a\":\"\xf0\x9f\x98\"}", 400),
	T("truncated at end of input", "{\"a\":\"\xf0\x9f", 400),
	T("overlong C0 80", "{\"a\":\"\xc0\x80\"}", 400),
	T("overlong C1 BF", "{\"a\":\"\xc1\xbf\"}", 400),
	T("overlong E0 80 80", "{\"a\":\"\xe0\x80\x80\"}", 400),
	T("overlong E0 9F BF", "{\"a\":\"\xe0\x9f\xbf\"}", 400),
	T("overlong F0 80 80 80", "{\"a\":\"\xf0\x80\x80\x80\"}", 400),
	T("overlong F0 8F BF BF", "{\"a\":\"\xf0\x8f\xbf\xbf\"}", 400),
	T("encoded surrogate ED A0 80", "{\"a\":\"\xed\xa0\x80\"}", 400),
	T("encoded surrogate ED BF BF", "{\"a\":\"\xed\xbf\xbf\"}", 400),
	T("above U+10FFFF F4 90 80 80", "{\"a\":\"\xf4\x90\x80\x80\"}", 400),
	T("F5 lead byte", "{\"a\":\"\xf5\x80\x80\x80\"}", 400),
	T("bad continuation", "{\"a\":\"\xe2\x28\xa1\"}", 400),
	T("bad UTF-8 in key", "{\"\xff\":1}", 400),
	T("UTF-8 outside strings", "{\"a\":1\xc2\xa0}", 400),
	T("BOM", "\xef\xbb\xbf{}", 400),
	T("number 01", "{\"a\":01}", 400),
	T("number -01", "{\"a\":-01}", 400),
	T("number 1.", "{\"a\":1.}", 400),
	T("number .5", "{\"a\":.5}", 400),
	T("number -", "{\"a\":-}", 400),
	T("number +1", "{\"a\":+1}", 400),
	T("number 1e", "{\"a\":1e}", 400),
	T("number 1e+", "{\"a\":1e+}", 400),
	T("number 0x1", "{\"a\":0x1}", 400),
	T("number NaN", "{\"a\":NaN}", 400),
	T("number Infinity", "{\"a\":Infinity}", 400),
	T("literal tru", "{\"a\":tru}", 400),
	T("literal tru at end", "{\"a\":tru", 400),
	T("literal True", "{\"a\":True}", 400),
	T("literal nul", "{\"a\":nul}", 400),
	T("literal truex", "{\"a\":truex}", 400),
	T("literal undefined", "{\"a\":undefined}", 400),
	T("NUL byte after text", "{\"a\":1}\0", 400),
	T("NUL byte in string", "{\"a\":\"x\0y\"}", 400),
	T("NUL byte in key", "{\"a\0\":1}", 400),
	T("NUL byte between tokens", "{\"a\":\0 1}", 400),
	T("empty body", "", 400),
	T("whitespace only", " \t\r\n", 400),
	T("form feed as whitespace", "{\f}", 400),
	T("vertical tab as whitespace", "{\"a\":1\v}", 400),
	T("NBSP as whitespace", "\xc2\xa0{}", 400),
	T("bad escape \\x", "{\"a\":\"\\x41\"}", 400),
	T("bad escape \\U", "{\"a\":\"\\U0041\"}", 400),
	T("bad escape \\'", "{\"a\":\"\\'\"}", 400),
	T("bad escape \\0", "{\"a\":\"\\0\"}", 400),
	T("short \\u", "{\"a\":\"\\u12\"}", 400),
	T("non-hex \\u", "{\"a\":\"\\u12G4\"}", 400),
	T("backslash at end", "{\"a\":\"\\", 400),
	T("escaped quote unclosed", "{\"a\":\"\\\"}", 400),
	T("root array with trailing comma", "[1,]", 400),
	T("comment", "{/* */}", 400),
	T("\\u0000 and a grammar error: grammar wins", "{\"a\":\"\\u0000\",}", 400),
	T("root number and bytes after", "1 2", 400),

	/* JSON, but not something inhook exports: 422 */
	T("root array", "[]", 422),
	T("root array of object", "[{}]", 422),
	T("root string", "\"a\"", 422),
	T("root number", "1", 422),
	T("root true", "true", 422),
	T("root null", "null", 422),
	T("\\u0000 in value", "{\"a\":\"\\u0000\"}", 422),
	T("\\u0000 in key", "{\"\\u0000\":1}", 422),
	T("lone high surrogate", "{\"a\":\"\\ud83d\"}", 422),
	T("lone high surrogate then text", "{\"a\":\"\\ud83dx\"}", 422),
	T("high surrogate then high", "{\"a\":\"\\ud83d\\ud83d\"}", 422),
	T("high surrogate then \\n", "{\"a\":\"\\ud83d\\n\"}", 422),
	T("high surrogate then \\u0041", "{\"a\":\"\\ud83d\\u0041\"}", 422),
	T("lone low surrogate", "{\"a\":\"\\ude00\"}", 422),
	T("low then high", "{\"a\":\"\\ude00\\ud83d\"}", 422),
	T("lone surrogate in key", "{\"\\udfff\":1}", 422),

	/* accepted */
	T("empty object", "{}", 0),
	T("empty object, whitespace around", " \t\r\n{ \t\r\n} \t\r\n", 0),
	T("surrogate pair", "{\"a\":\"\\ud83d\\ude00\"}", 0),
	T("surrogate pair upper case", "{\"a\":\"\\uD83D\\uDE00\"}", 0),
	T("highest pair", "{\"a\":\"\\udbff\\udfff\"}", 0),
	T("\\u0001", "{\"a\":\"\\u0001\"}", 0),
	T("UTF-8 2, 3, 4 bytes", "{\"a\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}", 0),
	T("UTF-8 edges", "{\"a\":\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"}", 0),
	T("all escapes", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\"}", 0),
	T("numbers", "{\"a\":[0,-0,1,-1,0.5,-0.5,1e5,1E5,1e+5,1e-5,1.5e10,123456789012345678901234567890,1e400]}", 0),
	T("literals", "{\"a\":[true,false,null]}", 0),
	T("duplicate keys are JSON (payload refuses them)", "{\"a\":1,\"a\":2}", 0),
	T("nested", "{\"a\":{\"b\":[[1,2],{\"c\":null}]}}", 0),
	T("empty key", "{\"\":1}", 0),
#undef T
};

static void
test_table(void)
{
	size_t i, n;
	int st;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = 99999;
		st = json_check(U(cases[i].in), cases[i].len, &n);
		check(st == cases[i].status, "json_check %s: %d, want %d",
		    cases[i].name, st, cases[i].status);
	}
}

/* The token count json_check gives equals jsmn's on every accepted case. */
static void
test_tokens(void)
{
	static const struct {
		const char *in;
		size_t tokens;
	} docs[] = {
		{ "{}", 1 },
		{ "{\"a\":1}", 3 },
		{ "{\"a\":[]}", 3 },
		{ "{\"a\":[1,2,3]}", 6 },
		{ "{\"a\":{\"b\":{}}}", 5 },
		{ "{\"a\":[[1,2]],\"b\":\"x\",\"c\":null}", 10 },
		{ "{\"a\":[{},{\"x\":true}]}", 7 },
	};
	jsmn_parser p;
	size_t i, n;
	int st, r;

	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		n = 0;
		st = json_check(U(docs[i].in), strlen(docs[i].in), &n);
		jsmn_init(&p);
		r = jsmn_parse(&p, docs[i].in, strlen(docs[i].in), toks,
		    JSON_TOKENS_MAX);
		check(st == 0 && n == docs[i].tokens && r == (int)n,
		    "tokens of %s: json_check %zu, jsmn %d, want %zu", docs[i].in,
		    n, r, docs[i].tokens);
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].status != 0)
			continue;
		n = 0;
		st = json_check(U(cases[i].in), cases[i].len, &n);
		jsmn_init(&p);
		r = jsmn_parse(&p, cases[i].in, cases[i].len, toks,
		    JSON_TOKENS_MAX);
		check(st == 0 && r == (int)n, "tokens of case %s: %zu, jsmn %d",
		    cases[i].name, n, r);
	}
}

/* {"a":{"a":...}} or {"a":[[...]]}, n deep in all (the root counts). */
static size_t
nest(size_t n, int arrays)
{
	size_t k = 0, i;

	big[k++] = '{';
	if (arrays) {
		memcpy(big + k, "\"a\":", 4);
		k += 4;
	}
	for (i = 1; i < n; i++) {
		if (!arrays) {
			memcpy(big + k, "\"a\":", 4);
			k += 4;
		}
		big[k++] = arrays ? '[' : '{';
	}
	for (i = 1; i < n; i++)
		big[k++] = arrays ? ']' : '}';
	big[k++] = '}';
	return k;
}

static void
test_depth(void)
{
	size_t len, n, i;
	int st;

	len = nest(JSON_DEPTH_MAX, 0);
	st = json_check(big, len, &n);
	check(st == 0 && n == 2 * JSON_DEPTH_MAX - 1,
	    "objects %d deep: %d (%zu tokens)", JSON_DEPTH_MAX, st, n);
	len = nest(JSON_DEPTH_MAX + 1, 0);
	st = json_check(big, len, &n);
	check(st == 422, "objects %d deep: %d", JSON_DEPTH_MAX + 1, st);
	len = nest(JSON_DEPTH_MAX, 1);
	st = json_check(big, len, &n);
	check(st == 0, "arrays to depth %d: %d", JSON_DEPTH_MAX, st);
	len = nest(JSON_DEPTH_MAX + 1, 1);
	st = json_check(big, len, &n);
	check(st == 422, "arrays to depth %d: %d", JSON_DEPTH_MAX + 1, st);
	/* refused when seen, whatever follows: no closing at all */
	nest(JSON_DEPTH_MAX + 1, 0);
	st = json_check(big, 1 + 5 * JSON_DEPTH_MAX, &n);
	check(st == 422 && big[5 * JSON_DEPTH_MAX] == '{',
	    "depth %d, nothing after the last open: %d", JSON_DEPTH_MAX + 1, st);

	memset(big, '[', 100000);
	st = json_check(big, 100000, &n);
	check(st == 422, "100000 [: %d", st);
	big[0] = '{';
	memcpy(big + 1, "\"a\":", 4);
	st = json_check(big, 100000, &n);
	check(st == 422, "{\"a\": then 99995 [: %d", st);
	memset(big, '{', 100000);
	st = json_check(big, 100000, &n);
	check(st == 400, "100000 { (keys missing): %d", st);
	/* many siblings at depth 2 are not deep */
	len = 0;
	big[len++] = '{';
	for (i = 0; i < 1000; i++)
		len += (size_t)sprintf((char *)big + len, "%s\"k%zu\":{}",
		    i ? "," : "", i);
	big[len++] = '}';
	st = json_check(big, len, &n);
	check(st == 0 && n == 2001, "1000 sibling objects: %d (%zu tokens)", st, n);
}

/* {"a":[0,0,...]} with t tokens in all. */
static size_t
tokens_doc(size_t t)
{
	size_t k = 0, i;

	memcpy(big, "{\"a\":[", 6);
	k = 6;
	for (i = 0; i + 3 < t; i++) {
		if (i)
			big[k++] = ',';
		big[k++] = '0';
	}
	big[k++] = ']';
	big[k++] = '}';
	return k;
}

static void
test_token_limit(void)
{
	jsmn_parser p;
	size_t len, n = 0;
	int st, r;

	len = tokens_doc(JSON_TOKENS_MAX);
	st = json_check(big, len, &n);
	jsmn_init(&p);
	r = jsmn_parse(&p, (const char *)big, len, toks, JSON_TOKENS_MAX);
	check(st == 0 && n == JSON_TOKENS_MAX && r == JSON_TOKENS_MAX,
	    "%d tokens: %d (%zu, jsmn %d)", JSON_TOKENS_MAX, st, n, r);
	len = tokens_doc(JSON_TOKENS_MAX + 1);
	st = json_check(big, len, &n);
	check(st == 422, "%d tokens: %d", JSON_TOKENS_MAX + 1, st);
	/* a grammar error after too many tokens is still a grammar error */
	big[len - 1] = ']';
	st = json_check(big, len, &n);
	check(st == 400, "%d tokens then a bad close: %d", JSON_TOKENS_MAX + 1, st);
}

static const struct {
	const char *name;
	const char *in;      /* inside of a string, as in the body */
	const char *out;     /* decoded */
	size_t outlen;
} unesc[] = {
#define T(n, i, o) { n, i, o, sizeof(o) - 1 }
	T("plain", "abc", "abc"),
	T("empty", "", ""),
	T("\\\"", "\\\"", "\""),
	T("\\\\", "\\\\", "\\"),
	T("\\/", "\\/", "/"),
	T("\\b", "\\b", "\b"),
	T("\\f", "\\f", "\f"),
	T("\\n", "\\n", "\n"),
	T("\\r", "\\r", "\r"),
	T("\\t", "\\t", "\t"),
	T("\\u0041", "\\u0041", "A"),
	T("\\u0001", "\\u0001", "\x01"),
	T("\\u001f", "\\u001f", "\x1f"),
	T("\\u007f", "\\u007f", "\x7f"),
	T("\\u0080", "\\u0080", "\xc2\x80"),
	T("\\u00e9", "\\u00e9", "\xc3\xa9"),
	T("\\u00E9", "\\u00E9", "\xc3\xa9"),
	T("\\u07ff", "\\u07ff", "\xdf\xbf"),
	T("\\u0800", "\\u0800", "\xe0\xa0\x80"),
	T("\\u20ac", "\\u20ac", "\xe2\x82\xac"),
	T("\\ud7ff", "\\ud7ff", "\xed\x9f\xbf"),
	T("\\ue000", "\\ue000", "\xee\x80\x80"),
	T("\\uffff", "\\uffff", "\xef\xbf\xbf"),
	T("\\ud800\\udc00", "\\ud800\\udc00", "\xf0\x90\x80\x80"),
	T("\\ud83d\\ude00", "\\ud83d\\ude00", "\xf0\x9f\x98\x80"),
	T("\\uD83D\\uDE00", "\\uD83D\\uDE00", "\xf0\x9f\x98\x80"),
	T("\\udbff\\udfff", "\\udbff\\udfff", "\xf4\x8f\xbf\xbf"),
	T("raw UTF-8 kept", "\xc3\xa9\xf0\x9f\x98\x80", "\xc3\xa9\xf0\x9f\x98\x80"),
	T("mixed", "a\\nb\\u00e9c\\\\d\\ud83d\\ude00e\\\"",
	  "a\nb\xc3\xa9" "c\\d\xf0\x9f\x98\x80" "e\""),
	T("escaped backslash then u", "\\\\u0041", "\\u0041"),
	T("DEL kept", "\x7f", "\x7f"),
#undef T
};

static void
test_unescape(void)
{
	unsigned char out[64], doc[128];
	size_t i, len, n, dlen;
	int st;

	for (i = 0; i < sizeof unesc / sizeof unesc[0]; i++) {
		/* each input is a string json_check accepts */
		dlen = (size_t)snprintf((char *)doc, sizeof doc, "{\"k\":\"%s\"}",
		    unesc[i].in);
		st = json_check(doc, dlen, &n);
		len = json_unescape_len(U(unesc[i].in), strlen(unesc[i].in));
		memset(out, 0xee, sizeof out);
		n = json_unescape(U(unesc[i].in), strlen(unesc[i].in), out);
		check(st == 0 && len == unesc[i].outlen && n == len &&
		    memcmp(out, unesc[i].out, n) == 0 && out[n] == 0xee,
		    "json_unescape %s: check %d, len %zu, wrote %zu, want %zu",
		    unesc[i].name, st, len, n, unesc[i].outlen);
	}
}

/* json_check_escapes: the same answers as json_check, and whether any
 * string holds an escape (a backslash elsewhere is not JSON). */
static void
test_escapes(void)
{
	static const struct {
		const char *in;
		int status, escapes;
	} docs[] = {
		{ "{}", 0, 0 },
		{ "{\"a\":\"b\",\"c\":[1,\"d\",{\"e\":\"\xc3\xa9\"}]}", 0, 0 },
		{ "{\"a\":\"x\\ny\"}", 0, 1 },
		{ "{\"\\u0061\":1}", 0, 1 },
		{ "{\"a\":[\"1234567890abcdef\\/\"]}", 0, 1 },
		{ "{\"a\":\"\\u0000\"}", 422, 1 },
		{ "{\"a\":1,}", 400, 0 },
	};
	size_t i, n;
	int st, e, st2;

	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		e = -1;
		st = json_check_escapes(U(docs[i].in), strlen(docs[i].in), &n, &e);
		st2 = json_check(U(docs[i].in), strlen(docs[i].in), &n);
		check(st == docs[i].status && st2 == st && e == docs[i].escapes,
		    "json_check_escapes %s: %d, escapes %d", docs[i].in, st, e);
	}
}

int
main(void)
{
	test_table();
	test_tokens();
	test_depth();
	test_token_limit();
	test_unescape();
	test_escapes();
	return check_done();
}
