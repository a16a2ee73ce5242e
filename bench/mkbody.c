/* mkbody.c: writes the benchmark's large body to stdout: one JSON object of
 * exactly SIZE bytes shaped like a JobServ build report with RUNS runs,
 * each with a name, a status and a log of about (SIZE / RUNS) bytes. The
 * logs are lines of plain ASCII, a quoted word (\") and a UTF-8 letter, each
 * line ended by a \n escape, as a CI log in JSON is; the escapes decode to
 * fewer bytes, so the exported environment stays under inhook's 1 MiB
 * (ENV_BYTES_MAX) even when the body is 1 MiB itself. Deterministic.
 *
 * usage: mkbody SIZE RUNS > body.json */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE_MAX_BODY (64UL * 1024 * 1024)
#define RUNS_MAX      999

static char *out;
static size_t len;

static void
put(const char *s, size_t n)
{
	memcpy(out + len, s, n);
	len += n;
}

/* A log of exactly n bytes of JSON string content (no quotes). */
static void
put_log(size_t n, unsigned run)
{
	char line[128];
	size_t end = len + n;
	unsigned i = 0;
	int k;

	for (;;) {
		k = snprintf(line, sizeof line, "[%04u] run %03u: cc -O2 -c "
		    "src/module%02u.c \\\"ok\\\" caf\xc3\xa9\\n", i, run, i % 97);
		if (len + (size_t)k > end)
			break;
		put(line, (size_t)k);
		i++;
	}
	while (len < end)
		out[len++] = '.';
}

int
main(int argc, char **argv)
{
	static const char head[] = "{\"build_id\":4242,\"project\":\"bench\","
	    "\"url\":\"https://jobserv.example/projects/bench/builds/4242/\","
	    "\"status\":\"PASSED\",\"runs\":[";
	char item[128];
	unsigned long size, runs, r;
	size_t per, fixed, k;

	if (argc != 3 || (size = strtoul(argv[1], NULL, 10)) == 0 ||
	    size > SIZE_MAX_BODY || (runs = strtoul(argv[2], NULL, 10)) == 0 ||
	    runs > RUNS_MAX) {
		fputs("usage: mkbody SIZE RUNS (SIZE <= 64 MiB, RUNS <= 999)\n",
		    stderr);
		return 100;
	}
	if ((out = malloc(size + 256)) == NULL) {
		perror("mkbody");
		return 111;
	}
	put(head, sizeof head - 1);
	/* each run: {"name":"run-NNN","status":"PASSED","log":"..."} and , or ]} */
	k = (size_t)snprintf(item, sizeof item,
	    "{\"name\":\"run-%03lu\",\"status\":\"PASSED\",\"log\":\"", 0UL);
	fixed = len + runs * (k + 3) + 1;
	if (fixed + runs > size) {
		fputs("mkbody: SIZE too small for RUNS\n", stderr);
		return 100;
	}
	per = (size - fixed) / runs;
	for (r = 0; r < runs; r++) {
		k = (size_t)snprintf(item, sizeof item,
		    "{\"name\":\"run-%03lu\",\"status\":\"PASSED\",\"log\":\"", r);
		put(item, k);
		/* the last run takes what is left, so the total is exact */
		put_log(r + 1 < runs ? per : size - len - 4, (unsigned)r);
		put(r + 1 < runs ? "\"}," : "\"}]}", r + 1 < runs ? 3 : 4);
	}
	if (len != size) {
		fprintf(stderr, "mkbody: made %zu bytes, not %lu\n", len, size);
		return 111;
	}
	return fwrite(out, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 111;
}
