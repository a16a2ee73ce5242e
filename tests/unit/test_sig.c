/* test_sig.c: known answers for the signature module (sig.c): the seven
 * HMAC-SHA-256 test cases of RFC 4231, the compare, the hex decoder, the
 * X-JobServ-Sig parser, and the JobServ sample build signed with the
 * secret of JobServ's webhook documentation. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sig.h"
#include "status.h"

#define U(s) ((const unsigned char *)(s))
#define LIT(s) U(s), sizeof(s) - 1

static unsigned char sample[8192];
static size_t sample_len;

static void
hex(const unsigned char *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

/* RFC 4231 section 4 */
static const struct {
	const char *name;
	unsigned char key[131];
	size_t klen;
	const char *data;
	size_t dlen;
	const char *mac;     /* hex; case 5 gives only the first 128 bits */
} rfc4231[] = {
	{ "RFC 4231 case 1", { 0 }, 20, "Hi There", 8,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "RFC 4231 case 2", "Jefe", 4, "what do ya want for nothing?", 28,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "RFC 4231 case 3", { 0 }, 20, NULL, 50,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ "RFC 4231 case 4", { 0 }, 25, NULL, 50,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ "RFC 4231 case 5 (truncated to 128 bits)", { 0 }, 20,
	  "Test With Truncation", 20,
	  "a3b6167473100ee06e0c796c2955552b" },
	{ "RFC 4231 case 6", { 0 }, 131,
	  "Test Using Larger Than Block-Size Key - Hash Key First", 54,
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "RFC 4231 case 7", { 0 }, 131,
	  "This is a test using a larger than block-size key and a larger "
	  "than block-size data. The key needs to be hashed before being used "
	  "by the HMAC algorithm.", 152,
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

static void
test_rfc4231(void)
{
	unsigned char key[131], data[160], mac[SIG_MAC_LEN];
	char got[2 * SIG_MAC_LEN + 1];
	size_t i, k, cmp;

	for (i = 0; i < sizeof rfc4231 / sizeof rfc4231[0]; i++) {
		memcpy(key, rfc4231[i].key, sizeof key);
		switch (i) {
		case 0: memset(key, 0x0b, 20); break;
		case 2: memset(key, 0xaa, 20); memset(data, 0xdd, 50); break;
		case 3:
			for (k = 0; k < 25; k++)
				key[k] = (unsigned char)(k + 1);
			memset(data, 0xcd, 50);
			break;
		case 4: memset(key, 0x0c, 20); break;
		case 5: case 6: memset(key, 0xaa, 131); break;
		}
		if (rfc4231[i].data) {
			check(strlen(rfc4231[i].data) == rfc4231[i].dlen,
			    "%s data length", rfc4231[i].name);
			memcpy(data, rfc4231[i].data, rfc4231[i].dlen);
		}
		sig_hmac(key, rfc4231[i].klen, data, rfc4231[i].dlen, mac);
		hex(mac, SIG_MAC_LEN, got);
		cmp = strlen(rfc4231[i].mac);
		check(strncmp(got, rfc4231[i].mac, cmp) == 0, "%s: %s", rfc4231[i].name,
		    got);
	}
}

static void
test_equal(void)
{
	unsigned char a[SIG_MAC_LEN], b[SIG_MAC_LEN];
	size_t i;
	int bit, all = 1;

	for (i = 0; i < sizeof a; i++)
		a[i] = b[i] = (unsigned char)(i * 37 + 1);
	check(sig_equal(a, b, sizeof a) == 1, "sig_equal equal");
	b[0] ^= 1;
	check(sig_equal(a, b, sizeof a) == 0, "sig_equal differs at first byte");
	b[0] ^= 1;
	b[sizeof b - 1] ^= 0x80;
	check(sig_equal(a, b, sizeof a) == 0, "sig_equal differs at last byte");
	check(sig_equal(a, b, sizeof a - 1) == 1, "sig_equal over n only");
	b[sizeof b - 1] ^= 0x80;
	check(sig_equal(a, b, 0) == 1, "sig_equal n=0 is equal");
	check(sig_equal(U("x"), U("y"), 0) == 1, "sig_equal n=0 reads nothing");
	/* every single-bit difference at every position */
	for (i = 0; i < sizeof a; i++)
		for (bit = 0; bit < 8; bit++) {
			b[i] ^= (unsigned char)(1 << bit);
			if (sig_equal(a, b, sizeof a) != 0)
				all = 0;
			b[i] ^= (unsigned char)(1 << bit);
		}
	check(all, "sig_equal sees every one-bit difference");
	memset(a, 0, sizeof a);
	memset(b, 0xff, sizeof b);
	check(sig_equal(a, b, sizeof a) == 0, "sig_equal 00 vs ff");
}

static void
test_unhex(void)
{
	unsigned char out[4];

	memset(out, 0, sizeof out);
	check(sig_unhex(LIT("0aFf10bC"), out, 4) == 1 &&
	    memcmp(out, "\x0a\xff\x10\xbc", 4) == 0, "sig_unhex mixed case");
	check(sig_unhex(LIT("0A0B0C0D"), out, 4) == 1 &&
	    memcmp(out, "\x0a\x0b\x0c\x0d", 4) == 0, "sig_unhex upper case");
	check(sig_unhex(LIT("0aff10b"), out, 4) == 0, "sig_unhex odd length");
	check(sig_unhex(LIT("0aff10bc0"), out, 4) == 0, "sig_unhex one digit too many");
	check(sig_unhex(LIT("0aff10bcde"), out, 4) == 0, "sig_unhex one byte too many");
	check(sig_unhex(LIT("0aff10bg"), out, 4) == 0, "sig_unhex non-hex g");
	check(sig_unhex(LIT("0aff10b "), out, 4) == 0, "sig_unhex space");
	check(sig_unhex(LIT("0x0aff10"), out, 4) == 0, "sig_unhex 0x");
	check(sig_unhex(LIT("0aff\0\0bc"), out, 4) == 0, "sig_unhex NUL");
	check(sig_unhex(LIT("+aff10bc"), out, 4) == 0, "sig_unhex sign");
	check(sig_unhex(U(""), 0, out, 0) == 1, "sig_unhex empty into nothing");
}

/* sha256:<64 hex> of the sample with UseSomethingGoodHere. */
#define SAMPLE_MAC \
	"b05702202962912071cc27ced6569bf5450d521dbfe62d1ba748a411108750c1"

static void
test_parse(void)
{
	unsigned char mac[SIG_MAC_LEN], want[SIG_MAC_LEN];
	static const struct {
		const char *name;
		const char *v;
		int status;
	} cases[] = {
		{ "lower-case hex", "sha256:" SAMPLE_MAC, 0 },
		{ "upper-case hex", "sha256:"
		  "B05702202962912071CC27CED6569BF5450D521DBFE62D1BA748A411108750C1", 0 },
		{ "sha256= prefix", "sha256=" SAMPLE_MAC, 403 },
		{ "SHA256: prefix", "SHA256:" SAMPLE_MAC, 403 },
		{ "sha1: prefix", "sha1:" SAMPLE_MAC, 403 },
		{ "missing prefix", SAMPLE_MAC, 403 },
		{ "space after colon", "sha256: " SAMPLE_MAC, 403 },
		{ "63 digits", "sha256:"
		  "b05702202962912071cc27ced6569bf5450d521dbfe62d1ba748a411108750c", 403 },
		{ "65 digits", "sha256:" SAMPLE_MAC "1", 403 },
		{ "66 digits", "sha256:" SAMPLE_MAC "10", 403 },
		{ "non-hex digit", "sha256:"
		  "g05702202962912071cc27ced6569bf5450d521dbfe62d1ba748a411108750c1", 403 },
		{ "prefix only", "sha256:", 403 },
		{ "prefix cut short", "sha256", 403 },
		{ "empty", "", 403 },
	};
	size_t i;
	int st;

	check(sig_unhex(LIT(SAMPLE_MAC), want, SIG_MAC_LEN) == 1, "unhex the sample MAC");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(mac, 0, sizeof mac);
		st = sig_parse_jobserv(U(cases[i].v), strlen(cases[i].v), mac);
		check(st == cases[i].status && (st || memcmp(mac, want, SIG_MAC_LEN) == 0),
		    "sig_parse_jobserv %s: status %d, want %d", cases[i].name, st,
		    cases[i].status);
	}
}

static void
test_jobserv(const char *argv0)
{
	static const char key[] = "UseSomethingGoodHere";
	static const char v[] = "sha256:" SAMPLE_MAC;
	static unsigned char body[8200];
	char fmt[72];
	int st;

	sample_len = check_sample(argv0, sample, sizeof sample);
	if (sample_len == 0 || sample_len == sizeof sample) {
		check(0, "read tests/data/jobserv-build.json");
		return;
	}
	/* SAMPLE_MAC is HMAC-SHA256 over the 1946 bytes of the file (final
	 * newline included) computed once by an independent implementation,
	 * Python's hmac module:
	 *   /usr/bin/python3 -c 'import hmac,hashlib; print(hmac.new(
	 *   b"UseSomethingGoodHere", open("tests/data/jobserv-build.json",
	 *   "rb").read(), hashlib.sha256).hexdigest())' */
	check(sample_len == 1946, "sample is %zu bytes", sample_len);
	st = sig_check_jobserv(LIT(key), LIT(v), sample, sample_len);
	check(st == 0, "JobServ sample verifies: %d", st);
	sig_format_jobserv(LIT(key), sample, sample_len, fmt);
	check(strcmp(fmt, v) == 0, "sig_format_jobserv of the sample: %s", fmt);

	memcpy(body, sample, sample_len);
	body[100] ^= 1;
	st = sig_check_jobserv(LIT(key), LIT(v), body, sample_len);
	check(st == 403, "one bit flipped in the body: %d", st);
	body[100] ^= 1;
	st = sig_check_jobserv(LIT(key), LIT(v), body, sample_len - 1);
	check(st == 403, "body one byte short: %d", st);
	body[sample_len] = '\n';
	st = sig_check_jobserv(LIT(key), LIT(v), body, sample_len + 1);
	check(st == 403, "trailing newline added: %d", st);
	st = sig_check_jobserv(U(key), sizeof key - 2, LIT(v), sample, sample_len);
	check(st == 403, "secret one byte short: %d", st);
	st = sig_check_jobserv(LIT("UseSomethingGoodHere\n"), LIT(v), sample,
	    sample_len);
	check(st == 403, "secret with its newline: %d", st);
	st = sig_check_jobserv(LIT(key), LIT("sha256:"
	    "B05702202962912071CC27CED6569BF5450D521DBFE62D1BA748A411108750C1"),
	    sample, sample_len);
	check(st == 0, "upper-case hex signature verifies: %d", st);
	st = sig_check_jobserv(LIT(key), LIT("sha256:"
	    "b05702202962912071cc27ced6569bf5450d521dbfe62d1ba748a411108750c0"),
	    sample, sample_len);
	check(st == 403, "signature off in its last digit: %d", st);
	st = sig_check_jobserv(LIT(key), LIT("sha256=" SAMPLE_MAC), sample,
	    sample_len);
	check(st == 403, "sha256= form refused: %d", st);
}

static void
test_empty_secret(void)
{
	unsigned char mac[SIG_MAC_LEN];
	char v[72];
	int st;

	/* the signature an empty key would give is still refused */
	sig_format_jobserv(U(""), 0, LIT("{}"), v);
	st = sig_check_jobserv(U(""), 0, U(v), strlen(v), LIT("{}"));
	check(st == 403, "empty secret never matches: %d", st);
	st = sig_check_jobserv(U(""), 0, U(v), strlen(v), U(""), 0);
	check(st == 403, "empty secret, empty body: %d", st);
	/* HMAC with an empty key and empty message, from Python's hmac */
	sig_hmac(U(""), 0, U(""), 0, mac);
	hex(mac, SIG_MAC_LEN, v);
	check(strcmp(v, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad") == 0,
	    "HMAC of empty key and message: %s", v);
	sig_format_jobserv(LIT("k"), U(""), 0, v);
	check(sig_check_jobserv(LIT("k"), U(v), strlen(v), U(""), 0) == 0,
	    "one-byte secret, empty body verifies");
}

/* FIPS 180-2 appendix B (SHA-256) */
static void
test_sha256(void)
{
	static const struct {
		const char *name;
		const char *msg;
		const char *digest;
	} cases[] = {
		{ "SHA-256 \"abc\"", "abc",
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "SHA-256 empty", "",
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "SHA-256 two blocks",
		  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	static unsigned char million[1000000];
	unsigned char d[SIG_MAC_LEN];
	char got[2 * SIG_MAC_LEN + 1];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sig_sha256(U(cases[i].msg), strlen(cases[i].msg), d);
		sig_hex(d, SIG_MAC_LEN, got);
		check(strcmp(got, cases[i].digest) == 0, "%s: %s", cases[i].name, got);
	}
	memset(million, 'a', sizeof million);
	sig_sha256(million, sizeof million, d);
	sig_hex(d, SIG_MAC_LEN, got);
	check(strcmp(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
	    "SHA-256 of a million a: %s", got);
}

static void
test_hex_parts(void)
{
	static const unsigned char bytes[] = { 0x00, 0x0f, 0xa5, 0xff };
	static const char msg[] = "what do ya want for nothing?";
	const unsigned char *parts[4];
	size_t lens[4];
	unsigned char whole[SIG_MAC_LEN], split[SIG_MAC_LEN];
	char h[9];

	memset(h, 'z', sizeof h);
	sig_hex(bytes, 4, h);
	check(strcmp(h, "000fa5ff") == 0, "sig_hex lower case, NUL-terminated");
	sig_hex(bytes, 0, h);
	check(h[0] == '\0', "sig_hex of nothing");

	/* RFC 4231 case 2 again, its data in pieces, one of them empty */
	sig_hmac(LIT("Jefe"), LIT(msg), whole);
	parts[0] = U(msg);
	lens[0] = 4;
	parts[1] = U(msg) + 4;
	lens[1] = 0;
	parts[2] = U(msg) + 4;
	lens[2] = 10;
	parts[3] = U(msg) + 14;
	lens[3] = sizeof msg - 1 - 14;
	sig_hmac_parts(LIT("Jefe"), parts, lens, 4, split);
	check(memcmp(whole, split, SIG_MAC_LEN) == 0, "sig_hmac_parts equals sig_hmac");
	sig_hmac_parts(LIT("Jefe"), parts, lens, 0, split);
	sig_hmac(LIT("Jefe"), U(""), 0, whole);
	check(memcmp(whole, split, SIG_MAC_LEN) == 0, "sig_hmac_parts of no parts");
}

/* RFC 4648 section 10, and what standard base64 refuses */
static void
test_base64(void)
{
	static const struct {
		const char *in;
		const char *out;   /* NULL: refused */
	} cases[] = {
		{ "", "" },
		{ "Zg==", "f" },
		{ "Zm8=", "fo" },
		{ "Zm9v", "foo" },
		{ "Zm9vYg==", "foob" },
		{ "Zm9vYmE=", "fooba" },
		{ "Zm9vYmFy", "foobar" },
		{ "+/+/", "\xfb\xff\xbf" },
		{ "Zg", NULL },
		{ "Zg=", NULL },
		{ "Zm9vY", NULL },
		{ "Zg=a", NULL },
		{ "Z===", NULL },
		{ "====", NULL },
		{ "Zg==Zg==", NULL },
		{ "Zm9v====", NULL },
		{ "Zm9-", NULL },
		{ "Zm9_", NULL },
		{ "Zm9v\n", NULL },
		{ "Zm 9", NULL },
		{ "Zm9\x80", NULL },
		/* bits under the padding must be zero (RFC 4648 3.5) */
		{ "Zg==", "f" },
		{ "Zh==", NULL },
		{ "Zv==", NULL },
		{ "Zm8=", "fo" },
		{ "Zm9=", NULL },
		{ "Zm+=", NULL },
	};
	unsigned char out[16];
	size_t i;
	long n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(out, 0, sizeof out);
		n = sig_unbase64(U(cases[i].in), strlen(cases[i].in), out, sizeof out);
		if (cases[i].out)
			check(n == (long)strlen(cases[i].out) &&
			    memcmp(out, cases[i].out, (size_t)n) == 0,
			    "sig_unbase64 \"%s\": %ld", cases[i].in, n);
		else
			check(n == -1, "sig_unbase64 refuses case %zu: %ld", i, n);
	}
	check(sig_unbase64(LIT("Zm9vYmFy"), out, 6) == 6, "sig_unbase64 exactly cap");
	check(sig_unbase64(LIT("Zm9vYmFy"), out, 5) == -1, "sig_unbase64 over cap");
	check(sig_unbase64(LIT("Zm9vYg=="), out, 4) == 4, "sig_unbase64 padded, exactly cap");
	check(sig_unbase64(LIT("Zm9vYg=="), out, 3) == -1, "sig_unbase64 padded, over cap");
}

/* sig_base64 (inhook sign's Standard Webhooks signature): RFC 4648
 * section 10 the other way, and every length round-trips */
static void
test_base64_encode(void)
{
	static const char *const enc[] = {
		"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"
	};
	unsigned char in[40], back[40];
	char out[64];
	size_t i, n;

	for (i = 0; i < sizeof enc / sizeof enc[0]; i++) {
		n = sig_base64(U("foobar"), i, out);
		check(n == strlen(enc[i]) && strcmp(out, enc[i]) == 0,
		    "sig_base64 of %zu bytes of foobar: \"%s\"", i, out);
	}
	n = sig_base64(U("\xfb\xff\xbf"), 3, out);
	check(strcmp(out, "+/+/") == 0, "sig_base64 uses + and /: %s", out);
	for (i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (i = 0; i <= sizeof in; i++) {
		n = sig_base64(in, i, out);
		check(n == 4 * ((i + 2) / 3) &&
		    sig_unbase64(U(out), n, back, sizeof back) == (long)i &&
		    memcmp(in, back, i) == 0, "sig_base64 round trip, %zu bytes", i);
	}
}

int
main(int argc, char **argv)
{
	(void)argc;
	test_rfc4231();
	test_equal();
	test_unhex();
	test_parse();
	test_jobserv(argv[0]);
	test_empty_secret();
	test_sha256();
	test_hex_parts();
	test_base64();
	test_base64_encode();
	return check_done();
}
