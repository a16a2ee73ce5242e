/* signcmd.c: the "inhook sign" command (contract in signcmd.h). The secret
 * goes through secret_load and the MAC through scheme_mac, the very code
 * that serving uses, so a request printed here is one inhook accepts. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "limits.h"
#include "opts.h"
#include "scheme.h"
#include "secret.h"
#include "sig.h"
#include "signcmd.h"

#define EXIT_USAGE 100
#define EXIT_TEMP  111

static const char usage[] =
"usage: inhook sign [--request] [--scheme NAME] [--path PATH]\n"
"                   [--allow-shared-secret] --secret-file FILE [BODYFILE]\n"
"Prints the signature header's value for BODYFILE (stdin when absent or -),\n"
"or with --request a whole signed HTTP request to pipe into inhook.\n"
"  --scheme NAME   jobserv (default), github, gitea; gitlab and standard\n"
"                  with --request only\n"
"  --path PATH     the request's path (/webhook)\n";

struct signopts {
	const char *file, *body, *path;
	enum scheme scheme;
	int request, allow_shared;
};

/* Returns 0, or -1 after saying what is wrong on stderr. */
static int
parse(int argc, char **argv, struct signopts *o)
{
	static const char *const valued[] = {
		"--secret-file", "--scheme", "--path", NULL
	};
	const char *a, *val;
	char err[128];
	size_t k;
	int i, r;

	memset(o, 0, sizeof *o);
	o->path = "/webhook";
	o->scheme = SCHEME_JOBSERV;
	for (i = 2; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--request") == 0) {
			o->request = 1;
			continue;
		}
		if (strcmp(a, "--allow-shared-secret") == 0) {
			o->allow_shared = 1;
			continue;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (o->body) {
				fprintf(stderr, "inhook sign: one BODYFILE only\n");
				return -1;
			}
			o->body = a;
			continue;
		}
		if ((r = opts_valued(valued, argc, argv, &i, &k, &val, err,
		    sizeof err)) <= 0) {
			if (r == 0)
				snprintf(err, sizeof err, "unknown option %.64s", a);
			fprintf(stderr, "inhook sign: %s\n", err);
			return -1;
		}
		if (k == 0)
			o->file = val;
		else if (k == 2)
			o->path = val;
		else if ((o->scheme = scheme_by_name(val)) == SCHEME_NONE) {
			fprintf(stderr, "inhook sign: --scheme takes jobserv, "
			    "github, gitea, gitlab or standard\n");
			return -1;
		}
	}
	if (!o->file) {
		fprintf(stderr, "inhook sign: --secret-file is required\n");
		return -1;
	}
	if (!opts_path_ok(o->path)) {
		fprintf(stderr, "inhook sign: --path must start with / and hold "
		    "no space, ? or #\n");
		return -1;
	}
	if (!o->request && (o->scheme == SCHEME_GITLAB ||
	    o->scheme == SCHEME_STANDARD)) {
		fprintf(stderr, "inhook sign: --scheme %s sends more than a "
		    "signature of the body: give --request\n",
		    scheme_name(o->scheme));
		return -1;
	}
	return 0;
}

/* Reads the body (stdin for NULL or "-") into a buffer of its size, at
 * most BODY_LIMIT bytes. Returns 0 or an exit status, said on stderr. */
static int
read_body(const char *name, unsigned char **buf, size_t *len)
{
	unsigned char *nb;
	size_t cap = 0;
	ssize_t r;
	int fd = 0;

	*buf = NULL;
	*len = 0;
	if (name && strcmp(name, "-") != 0 &&
	    (fd = open(name, O_RDONLY | O_CLOEXEC)) < 0) {
		perror(name);
		return EXIT_TEMP;
	}
	for (;;) {
		if (*len > BODY_LIMIT) {
			fprintf(stderr, "inhook sign: body over %lu bytes\n",
			    (unsigned long)BODY_LIMIT);
			return EXIT_USAGE;
		}
		if (*len == cap) {
			/* one byte past BODY_LIMIT at most: enough to tell */
			cap = cap == 0 ? 65536 : cap * 2 > BODY_LIMIT ?
			    BODY_LIMIT + 1 : cap * 2;
			if ((nb = realloc(*buf, cap)) == NULL) {
				perror("inhook sign");
				return EXIT_TEMP;
			}
			*buf = nb;
		}
		if ((r = read(fd, *buf + *len, cap - *len)) == 0)
			break;
		if (r < 0) {
			perror("inhook sign: read");
			return EXIT_TEMP;
		}
		*len += (size_t)r;
	}
	if (fd > 0)
		close(fd);
	return 0;
}

/* The scheme's header lines for the body, CRLF-terminated, into out.
 * Returns 0, or -1 when the secret cannot sign for the scheme (why set). */
static int
headers(const struct signopts *o, const struct secret *s,
        const unsigned char *body, size_t len, char *out, size_t cap,
        const char **why)
{
	unsigned char mac[SIG_MAC_LEN], h[SIG_MAC_LEN];
	char hex[2 * SIG_MAC_LEN + 1], b64[4 * ((SIG_MAC_LEN + 2) / 3) + 1];
	char id[48], ts[24];
	struct span ids = { NULL, 0 }, tss = { NULL, 0 };
	size_t i;

	switch (o->scheme) {
	case SCHEME_GITLAB:
		/* the token travels as it is: it must be a header value */
		for (i = 0; i < s->len; i++)
			if ((s->key[i] < 0x20 && s->key[i] != '\t') ||
			    s->key[i] == 0x7f) {
				*why = "a GitLab token with control bytes cannot "
				    "be sent in a header";
				return -1;
			}
		snprintf(out, cap, "X-Gitlab-Token: %.*s\r\n", (int)s->len,
		    (const char *)s->key);
		return 0;
	case SCHEME_STANDARD:
		sig_sha256(body, len, h);
		sig_hex(h, 12, hex);
		snprintf(id, sizeof id, "msg_%.24s", hex);
		snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
		ids = (struct span){ (const unsigned char *)id, strlen(id) };
		tss = (struct span){ (const unsigned char *)ts, strlen(ts) };
		if (scheme_mac(o->scheme, s->key, s->len, ids, tss, body, len,
		    mac) < 0) {
			*why = "not base64 after its optional whsec_, as Standard "
			    "Webhooks secrets are: no delivery would verify";
			return -1;
		}
		sig_base64(mac, SIG_MAC_LEN, b64);
		snprintf(out, cap, "webhook-id: %s\r\nwebhook-timestamp: %s\r\n"
		    "webhook-signature: v1,%s\r\n", id, ts, b64);
		return 0;
	default:
		break;
	}
	if (scheme_mac(o->scheme, s->key, s->len, ids, tss, body, len, mac) < 0) {
		*why = "one this scheme cannot sign with";     /* (none yet) */
		return -1;
	}
	sig_hex(mac, SIG_MAC_LEN, hex);
	snprintf(out, cap, "%s%s\r\n", o->scheme == SCHEME_JOBSERV ?
	    "X-JobServ-Sig: sha256:" : o->scheme == SCHEME_GITHUB ?
	    "X-Hub-Signature-256: sha256=" : "X-Gitea-Signature: ", hex);
	return 0;
}

int
sign_cmd(int argc, char **argv)
{
	struct signopts o;
	struct secret s;
	unsigned char *body;
	char hdr[SECRET_MAX + 256], *colon;
	const char *why;
	size_t len;
	int rc;

	if (parse(argc, argv, &o) < 0) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (secret_load(&s, o.file, o.allow_shared, &why) < 0) {
		fprintf(stderr, "inhook sign: %s: %s\n", o.file, why);
		return EXIT_USAGE;
	}
	if ((rc = read_body(o.body, &body, &len)) != 0) {
		secret_wipe(&s);
		free(body);
		return rc;
	}
	rc = headers(&o, &s, body ? body : (const unsigned char *)"", len, hdr,
	    sizeof hdr, &why);
	secret_wipe(&s);
	if (rc < 0) {
		fprintf(stderr, "inhook sign: %s: for --scheme %s the secret is "
		    "%s\n", o.file, scheme_name(o.scheme), why);
		free(body);
		return EXIT_USAGE;
	}
	if (o.request) {
		printf("POST %s HTTP/1.1\r\nHost: localhost\r\n"
		    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		    "%s\r\n", o.path, len, hdr);
		if (len)
			fwrite(body, 1, len, stdout);
	} else {
		/* the value alone, without its name and CRLF */
		colon = strchr(hdr, ':');
		hdr[strlen(hdr) - 2] = '\0';
		puts(colon + 2);
	}
	explicit_bzero(hdr, sizeof hdr);
	free(body);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_TEMP;
}
