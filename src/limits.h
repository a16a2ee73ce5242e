/* limits.h: every bound inhook enforces, in one place.
 * Sizes are bytes unless the name says otherwise. Changing one of these is
 * a rebuild; the ones a user may want to tune have a command-line option
 * whose default is given here. */
#ifndef INHOOK_LIMITS_H
#define INHOOK_LIMITS_H

/* HTTP head */
#define HEAD_MAX          16384   /* request line + header fields + CRLFs: 431 */
#define REQLINE_MAX       4096    /* request line incl. CRLF: 414 */
#define METHOD_MAX        16      /* longer than any method we know: 501 */
#define HEADERS_MAX       64      /* header field lines: 431 */

/* HTTP body */
#define BODY_DEFAULT      (1024UL * 1024)        /* --max-body default */
#define BODY_LIMIT        (64UL * 1024 * 1024)   /* largest --max-body accepted */
#define CHUNK_LINE_MAX    1024    /* chunk-size line incl. extensions: 400 */
#define CHUNK_DIGITS_MAX  16      /* hex digits in a chunk size: 400 */
#define TRAILER_MAX       HEAD_MAX /* trailer section: 431 */
#define READ_CHUNK        16384   /* one read() from the peer */

/* Time, in seconds unless the name says otherwise */
#define TIMEOUT_DEFAULT       10  /* --timeout: deadline for reading the request */
#define HOOK_TIMEOUT_DEFAULT  60  /* --hook-timeout */
#define TIMEOUT_LIMIT     86400   /* largest value either option accepts */
#define DRAIN_MS          2000    /* staged close: how long to read and discard */
#define KEEPER_STOP_MS    5000    /* --hook-timeout: the keeper's time to kill the tree */
#define DRAIN_BYTES       (1024UL * 1024) /* staged close: how much to discard */

/* JSON */
#define JSON_DEPTH_MAX    32      /* nesting of objects and arrays: 422 */
#define JSON_TOKENS_MAX   16384   /* jsmn tokens (keys and values): 422 */

/* Hook environment */
#define ENV_VARS_MAX      4096    /* entries, all kinds: 422 for payload ones */
#define ENV_BYTES_MAX     (1024UL * 1024) /* sum of "NAME=VALUE\0": 422 */
#define ENV_STRING_MAX    131072  /* one "NAME=VALUE\0", Linux MAX_ARG_STRLEN */
#define ENV_OPTS_MAX      64      /* --env options */
#define ARGS_MAX          64      /* HOOK plus its ARGs */

/* Everything else */
#define SECRET_MAX        1024    /* bytes of a secret file */
#define SECRETS_MAX       8       /* --secret-file options */
#define SCHEMES_MAX       8       /* --scheme options */
#define TOLERANCE_DEFAULT 300     /* --tolerance: Standard Webhooks timestamps */
#define PREFIX_MAX        64      /* --prefix */
#define PATH_OPT_MAX      1024    /* --path */
#define LOG_FIELD_MAX     200     /* bytes of one peer-supplied field in a log line */
#define LOG_LINE_MAX      1024    /* one log line, hook output included */

/* Delivery: answers, spool, de-duplication, lock, filters */
#define OUTPUT_DEFAULT    65536   /* --max-output: hook stdout in the answer */
#define OUTPUT_LIMIT      (1024UL * 1024) /* largest --max-output accepted */
#define LOCK_WAIT_DEFAULT 30      /* --lock-wait, seconds */
#define RETRY_AFTER_S     5       /* Retry-After on 409 and 503 (busy, spool or lock) */
#define WHEN_MAX          16      /* --when options */
#define WHEN_NAME_MAX     256     /* NAME of one --when */
#define DEDUPE_DAYS_DEFAULT 7     /* --dedupe-days */
#define DEDUPE_DAYS_LIMIT 3650    /* largest --dedupe-days accepted */
#define DEDUPE_WAIT_MS    5000    /* wait for an identical delivery's outcome, then 409 */
#define DEDUPE_PRUNE_MAX  32      /* claim files looked at per delivery */
#define DEDUPE_NAME_MAX   128     /* a key longer (or not [A-Za-z0-9_-]) is hashed */
#define DEDUPE_RECORD     96      /* bytes of a claim file's one record */
#define SPOOL_ID_MAX      64      /* bytes of an entry ID */
#define SPOOL_ENTRIES_MAX 4096    /* entries one "inhook spool" command handles */
#define SPOOL_ARGV_MAX    (64UL * 1024)   /* the stored HOOK ARG... */
#define SPOOL_OPTS_MAX    8192    /* the stored options (--lock path...) */
#define SPOOL_TMP_AGE     (36 * 3600) /* seconds before tmp/ leftovers go */

/* Listener (--listen, systemd Accept=no) */
#define LISTEN_MAX        16      /* --listen options, plus sockets passed */
#define CONNS_DEFAULT     64      /* --max-conns */
#define CONNS_LIMIT       1024    /* largest --max-conns accepted */
#define PER_SOURCE_DEFAULT 16     /* --max-per-source */
#define STOP_TIMEOUT_DEFAULT 8    /* --stop-timeout, seconds */
#define STOP_KILL_MS      2000    /* then children still there get SIGKILL */
#define IDLE_LIMIT        86400   /* largest --idle-exit, seconds */
#define LISTEN_BACKLOG    128     /* listen(2) backlog of --listen sockets */
#define ACCEPT_PAUSE_MS   100     /* after accept fails for want of fds or memory */
#define LIMIT_LOG_MS      1000    /* at most one limit log line per this */
#define USER_NAME_MAX     64      /* --user NAME or GROUP */
#define USER_LINE_MAX     1024    /* one line of /etc/passwd or /etc/group */

/* PROXY protocol (--proxy-from) */
#define PROXY_FROM_MAX    16      /* --proxy-from options */
#define PROXY_V1_MAX      107     /* a v1 line, "PROXY" to CRLF: 400 */
#define PROXY_V2_LEN_MAX  1024    /* a v2 header's length field (addresses and TLVs): 400 */

/* TLS (--tls-cert, --tls-key; tls.c, pem.c). The engine's record buffers
 * are BearSSL's BR_SSL_BUFSIZE_BIDI (16 KiB + 325 in, 16 KiB + 85 out),
 * static: nothing is sized by the peer. */
#define TLS_CERT_FILE_MAX 32768   /* bytes of the --tls-cert PEM file */
#define TLS_CHAIN_MAX     8       /* certificates in it, the leaf first */
#define TLS_KEY_FILE_MAX  8192    /* bytes of the --tls-key PEM file */
#define TLS_RSA_MIN_BITS  2048    /* smallest RSA key accepted */
#define TLS_ALERT_MS      1000    /* writing an alert before any handshake */

#endif
