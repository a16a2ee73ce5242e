/* test_form.c: known answers for form_field (form.c): where the field is,
 * how its value decodes ("+" and %XX), and the refusals (missing, twice,
 * bad escapes). The output buffer is guarded so that a write past the
 * decoded length shows. */
#include <string.h>

#include "check.h"
#include "form.h"

#define GUARD 0x5a

static unsigned char out[4096];

/* form_field over the string body; on success *got holds the decoded value
 * as a NUL-terminated string (values in these cases hold no NUL). */
static int
field(const char *body, const char *name, const char **got, size_t *glen)
{
	size_t len = strlen(body), olen = 12345, i;
	int r;

	memset(out, GUARD, sizeof out);
	r = form_field((const unsigned char *)body, len, name, out, &olen);
	for (i = len; i < sizeof out; i++)
		if (out[i] != GUARD)
			return -2;   /* wrote past the room it was given */
	if (r == 0) {
		if (olen > len)
			return -3;
		*glen = olen;
		out[olen] = '\0';
		*got = (const char *)out;
	}
	return r;
}

static void
ok_case(const char *body, const char *name, const char *want, size_t wlen)
{
	const char *got = NULL;
	size_t glen = 0;
	int r = field(body, name, &got, &glen);

	check(r == 0 && glen == wlen && memcmp(got, want, wlen) == 0,
	    "form_field(\"%s\", %s) = \"%s\" (r %d, len %zu)", body, name, want,
	    r, glen);
}

static void
bad_case(const char *body, const char *name, const char *why)
{
	const char *got;
	size_t glen;

	check(field(body, name, &got, &glen) == -1,
	    "form_field(\"%s\", %s) refused: %s", body, name, why);
}

int
main(void)
{
	/* what GitHub sends: the JSON, percent-encoded */
	ok_case("payload=%7B%22zen%22%3A%22Keep+it+simple.%22%2C%22hook_id%22%3A1%7D",
	    "payload", "{\"zen\":\"Keep it simple.\",\"hook_id\":1}", 37);
	ok_case("payload=%7b%22a%22%3a1%7d", "payload", "{\"a\":1}", 7);
	ok_case("payload={\"a\":1}", "payload", "{\"a\":1}", 7);
	ok_case("a=1&payload=x&b=2", "payload", "x", 1);
	ok_case("payload=x&", "payload", "x", 1);
	ok_case("&&payload=x&&", "payload", "x", 1);
	ok_case("payload=", "payload", "", 0);
	ok_case("payload=a+b%20c%2Bd", "payload", "a b c+d", 7);
	ok_case("payload=%00", "payload", "\0", 1);
	ok_case("payload=%C3%A9", "payload", "\xc3\xa9", 2);
	ok_case("payload=a=b", "payload", "a=b", 3);
	ok_case("payloads=1&payload=2", "payload", "2", 1);
	ok_case("xpayload=1&payload=2", "payload", "2", 1);

	bad_case("", "payload", "empty body");
	bad_case("payload", "payload", "name without =");
	bad_case("payloa=1", "payload", "another name");
	bad_case("pay%6Coad=1", "payload", "names are matched as sent");
	bad_case("Payload=1", "payload", "names are case-sensitive");
	bad_case("payload=1&payload=2", "payload", "twice");
	bad_case("payload=1&payload=1", "payload", "twice with one value");
	bad_case("payload=%", "payload", "% at the end");
	bad_case("payload=%4", "payload", "% with one digit");
	bad_case("payload=%4&x=1", "payload", "% with one digit before &");
	bad_case("payload=%zz", "payload", "% with no hex");
	bad_case("payload=%+1", "payload", "% with a plus");
	return check_done();
}
