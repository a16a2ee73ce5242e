/* ct.c: shows, under valgrind's memcheck, that checking a signature never
 * branches on, nor indexes memory with, anything derived from the secret.
 * The secret is marked undefined (VALGRIND_MAKE_MEM_UNDEFINED), so every
 * MAC computed from it is too, and memcheck reports each conditional jump
 * or address that depends on it. Only the final yes/no is declassified:
 * here with VALGRIND_MAKE_MEM_DEFINED before the test looks at it, and in
 * sig_check_jobserv and scheme_verify, which branch on it, by the entries
 * of declassify.supp (run.sh passes it to valgrind).
 *   ct           the compares inhook makes: must run clean (exit 0)
 *   ct --leaky   the same with an early-exit compare, which memcheck must
 *                catch: shows that the check can fail
 * Checks the answers too (a right MAC accepted, a wrong one refused), so it
 * also fails without valgrind, where the client requests do nothing. */
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "scheme.h"
#include "sig.h"
#include "status.h"

static int failed;

static void
expect(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failed = 1;
}

/* what a careless implementation would do: stop at the first difference */
static int
leaky_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static int
public_int(int v)
{
	VALGRIND_MAKE_MEM_DEFINED(&v, sizeof v);
	return v;
}

int
main(int argc, char **argv)
{
	unsigned char secret[] = "UseSomethingGoodHere";
	size_t slen = sizeof secret - 1;
	static const unsigned char body[] = "{\"build_id\":67,\"status\":\"PASSED\"}";
	size_t blen = sizeof body - 1;
	unsigned char mac[SIG_MAC_LEN], got[SIG_MAC_LEN];
	char good[72], bad[72];
	int leaky = argc > 1 && strcmp(argv[1], "--leaky") == 0;
	int r;

	/* the header values are public: made before the secret is marked */
	sig_format_jobserv(secret, slen, body, blen, good);
	memcpy(bad, good, sizeof bad);
	bad[70] = bad[70] == '0' ? '1' : '0';
	sig_unhex((const unsigned char *)good + 7, 64, got, SIG_MAC_LEN);

	VALGRIND_MAKE_MEM_UNDEFINED(secret, slen);

	if (leaky) {
		sig_hmac(secret, slen, body, blen, mac);
		r = public_int(leaky_equal(mac, got, SIG_MAC_LEN));
		expect(r == 1, "leaky compare: right MAC");
		return failed;
	}

	/* the HMAC and the compare, one by one */
	sig_hmac(secret, slen, body, blen, mac);
	r = public_int(sig_equal(mac, got, SIG_MAC_LEN));
	expect(r == 1, "sig_equal: right MAC");
	got[31] ^= 0x80;
	r = public_int(sig_equal(mac, got, SIG_MAC_LEN));
	expect(r == 0, "sig_equal: MAC wrong in its last bit");
	got[31] ^= 0x80;
	got[0] ^= 1;
	r = public_int(sig_equal(mac, got, SIG_MAC_LEN));
	expect(r == 0, "sig_equal: MAC wrong in its first bit");

	/* the whole JobServ check, as serve.c calls it */
	r = public_int(sig_check_jobserv(secret, slen, (unsigned char *)good, 71,
	    body, blen));
	expect(r == 0, "sig_check_jobserv: right signature");
	r = public_int(sig_check_jobserv(secret, slen, (unsigned char *)bad, 71,
	    body, blen));
	expect(r == S_FORBIDDEN, "sig_check_jobserv: wrong signature");

	/* scheme_verify, the path serve.c takes, for each HMAC scheme */
	{
		struct scheme_req sr;
		const unsigned char *keys[2];
		size_t klens[2];
		unsigned char id[SIG_MAC_LEN];
		static unsigned char other[] = "AnotherSecretEntirely";
		char gh[72];

		VALGRIND_MAKE_MEM_UNDEFINED(other, sizeof other - 1);
		keys[0] = other;
		klens[0] = sizeof other - 1;
		keys[1] = secret;
		klens[1] = slen;
		memset(&sr, 0, sizeof sr);
		sr.scheme = SCHEME_JOBSERV;
		sr.sig.p = (const unsigned char *)good;
		sr.sig.len = 71;
		r = public_int(scheme_verify(&sr, keys, klens, 2, body, blen, id));
		expect(r == 1, "scheme_verify jobserv: second secret matches");
		sr.sig.p = (const unsigned char *)bad;
		r = public_int(scheme_verify(&sr, keys, klens, 2, body, blen, id));
		expect(r == -1, "scheme_verify jobserv: wrong signature");
		memcpy(gh, good, sizeof gh);
		gh[6] = '=';
		sr.scheme = SCHEME_GITHUB;
		sr.sig.p = (const unsigned char *)gh;
		r = public_int(scheme_verify(&sr, keys, klens, 2, body, blen, id));
		expect(r == 1, "scheme_verify github: second secret matches");
		sr.scheme = SCHEME_GITEA;
		sr.sig.p = (const unsigned char *)good + 7;
		sr.sig.len = 64;
		r = public_int(scheme_verify(&sr, keys, klens, 2, body, blen, id));
		expect(r == 1, "scheme_verify gitea: second secret matches");
		sr.scheme = SCHEME_GITLAB;
		sr.sig.p = (const unsigned char *)"UseSomethingGoodHere";
		sr.sig.len = 20;
		r = public_int(scheme_verify(&sr, keys, klens, 2, body, blen, id));
		expect(r == 1, "scheme_verify gitlab: second token matches");
		sr.sig.len = 19;
		r = public_int(scheme_verify(&sr, keys, klens, 2, body, blen, id));
		expect(r == -1, "scheme_verify gitlab: a prefix of the token");
	}
	return failed;
}
